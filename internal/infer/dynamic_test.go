package infer_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/liveid/liveid/internal/infer"
	"github.com/liveid/liveid/internal/onnxgraph"
)

func openDynamicCls(t *testing.T) *infer.DynamicSession {
	t.Helper()
	s, err := infer.OpenDynamic(setup(t), infer.Options{WarmUp: true, Shapes: clsShape})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// One dynamic session runs the classifier at several widths and batch
// sizes, and agrees with a fixed-shape session at each (same kernels, so
// float noise only: 1e-5 on softmax outputs).
func TestDynamicMatchesFixed(t *testing.T) {
	dyn := openDynamicCls(t)
	if dyn.InputName() != "x" || !slices.Equal(dyn.InputShape(), []int64{-1, 3, -1, -1}) {
		t.Fatalf("input %q %v, want x [-1 3 -1 -1]", dyn.InputName(), dyn.InputShape())
	}
	var out []float32
	for _, shape := range [][]int64{{1, 3, 48, 192}, {3, 3, 48, 96}, {2, 3, 48, 320}} {
		n := int(shape[0] * shape[1] * shape[2] * shape[3])
		in := image(n, uint32(shape[3]))
		var got []int64
		var err error
		if out, got, err = dyn.Run(in, shape, out); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []int64{shape[0], 2}) {
			t.Fatalf("input %v: output shape %v, want [%d 2]", shape, got, shape[0])
		}
		fixed := openCls(t, infer.Options{Shapes: map[string][]int64{"x": shape}})
		want := fixed.NewOutputs()
		if err := fixed.Run([][]float32{in}, want); err != nil {
			t.Fatal(err)
		}
		for i := range want[0] {
			if math.Abs(float64(want[0][i]-out[i])) > 1e-5 {
				t.Errorf("input %v: dynamic %v, fixed %v", shape, out, want[0])
				break
			}
		}
	}
}

func TestDynamicShapeErrors(t *testing.T) {
	dyn := openDynamicCls(t)
	for name, tc := range map[string]struct {
		shape []int64
		n     int
	}{
		"wrong rank": {[]int64{1, 3, 48}, 3 * 48},
		"fixed dim":  {[]int64{1, 1, 48, 192}, 48 * 192},
		"zero dim":   {[]int64{0, 3, 48, 192}, 0},
		"short data": {[]int64{1, 3, 48, 192}, 100},
	} {
		_, _, err := dyn.Run(make([]float32, tc.n), tc.shape, nil)
		if !errors.Is(err, infer.ErrShape) {
			t.Errorf("%s: %v, want ErrShape", name, err)
			continue
		}
		checkOneLine(t, err)
	}
	if _, err := infer.OpenDynamic(setup(t), infer.Options{WarmUp: true}); !errors.Is(err, infer.ErrShape) {
		t.Errorf("WarmUp without a shape: %v, want ErrShape", err)
	}
	dyn.Close()
	if _, _, err := dyn.Run(make([]float32, 3*48*192), []int64{1, 3, 48, 192}, nil); !errors.Is(err, infer.ErrClosed) {
		t.Errorf("Run after Close: %v, want ErrClosed", err)
	}
	if err := dyn.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestDynamicRefusesTwoOutputs(t *testing.T) {
	setup(t)
	path := writeModel(t, onnxgraph.Graph{
		Name:   "two",
		Inputs: []onnxgraph.ValueInfo{{Name: "a", Type: onnxgraph.Float, Shape: []int64{-1, 3}}},
		Nodes: []onnxgraph.Node{
			{Name: "r", Op: "Relu", Inputs: []string{"a"}, Outputs: []string{"y"}},
			{Name: "n", Op: "Neg", Inputs: []string{"a"}, Outputs: []string{"z"}},
		},
		Outputs: []onnxgraph.ValueInfo{
			{Name: "y", Type: onnxgraph.Float, Shape: []int64{-1, 3}},
			{Name: "z", Type: onnxgraph.Float, Shape: []int64{-1, 3}},
		},
	})
	_, err := infer.OpenDynamic(path, infer.Options{})
	if !errors.Is(err, infer.ErrUnsupported) {
		t.Fatalf("two outputs: %v, want ErrUnsupported", err)
	}
	checkOneLine(t, err)
}

// Run reuses dst: past the first run at a shape, the output needs no new
// memory, only the runtime's bookkeeping (a handful of small values).
func TestDynamicRunReusesOutput(t *testing.T) {
	dyn := openDynamicCls(t)
	shape := []int64{2, 3, 48, 160}
	in := image(2*3*48*160, 3)
	out, _, err := dyn.Run(in, shape, nil)
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		var err error
		if out, _, err = dyn.Run(in, shape, out); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 20 {
		t.Errorf("%.0f allocations a run, want at most 20 (no data copies)", allocs)
	}
	t.Logf("%.0f allocations a run", allocs)
}
