// Package infer is the inference layer every liveid model runs through. It
// owns the process's ONNX Runtime (loading the shared library once, through
// github.com/yalue/onnxruntime_go) and one Session per model: the model's
// checksum check, its input and output shapes, and input and output tensors
// allocated once at Open and reused by every Run, so that Run allocates
// nothing on the Go heap. A model whose input shape changes from run to
// run (a text line's width, a photo's size) opens as a DynamicSession
// instead: one ONNX Runtime session for every shape, the shape given with
// each run.
//
// Every session runs on one intra-op thread unless Options.IntraOpThreads
// asks for more, and its threads never spin waiting for work.
//
// Only float32 tensors are handled; a model with any other input or output
// type is refused at Open with ErrUnsupported.
//
// # Concurrency
//
// Init and Open may be called from any goroutine, concurrently; Open fails
// with ErrRuntimeMissing until Init has returned successfully. A *Session is
// safe for concurrent use by multiple goroutines: Run holds the session's
// mutex for the whole copy-in, inference and copy-out, so concurrent Runs on
// one session are serialised and each sees exactly the result it would get
// alone. Run never keeps the caller's slices: inputs may be reused and
// outputs read as soon as Run returns. To run one model in parallel, Open
// it more than once. The accessors (InputNames, InputShapes, OutputNames,
// OutputShapes, NewInputs, NewOutputs) read data fixed at Open and take no
// lock. Close waits for a Run in progress; Run after Close returns ErrClosed.
//
// # Errors
//
// Every error is a single line starting with "infer: ". Each expected cause
// matches one of the Err* sentinels with errors.Is, and its typed error
// (RuntimeError, ModelMissingError, ChecksumError, BadModelError,
// UnsupportedError, ShapeError) carries the details for errors.As. The rest
// are plain errors: a model file that exists but cannot be read (wrapping the
// fs error), or ONNX Runtime failing a run. Nothing in this package panics on
// bad input.
package infer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	ort "github.com/yalue/onnxruntime_go"
)

var (
	initOnce sync.Once
	initDone atomic.Bool // set once initErr holds Init's result
	initErr  error
)

// Init loads the ONNX Runtime shared library at libPath and creates the
// process-wide ONNX Runtime environment. Only the first call does any work:
// its result, success or failure, is remembered and returned by every later
// call, whatever path that call names (a library cannot be unloaded and
// another loaded in its place). Open needs a successful Init.
//
// A missing file, a file that is not a loadable library, or a library too old
// for the C API onnxruntime_go speaks gives a *RuntimeError (ErrRuntimeMissing).
// libPath may also be LinkedLibrary, or a bare file name without a
// directory, which the dynamic loader looks up on its own search path (an
// Android app's libraries, kept inside its APK, are found only that way).
func Init(libPath string) error {
	initOnce.Do(func() {
		initErr = load(libPath)
		initDone.Store(true)
	})
	return initErr
}

func load(libPath string) error {
	if libPath == "" {
		return &RuntimeError{Reason: "no library path given"}
	}
	if libPath == LinkedLibrary {
		var err error
		if libPath, err = linkedImage(); err != nil {
			return err
		}
	}
	fi, err := os.Stat(libPath)
	switch {
	case !strings.Contains(libPath, "/"):
		// a bare name: the dynamic loader searches for it
	case errors.Is(err, fs.ErrNotExist):
		return &RuntimeError{Path: libPath, Reason: "not found"}
	case err != nil:
		return &RuntimeError{Path: libPath, Reason: oneLine(err.Error())}
	case fi.IsDir():
		return &RuntimeError{Path: libPath, Reason: "is a directory, not a library"}
	}
	ort.SetSharedLibraryPath(libPath)
	if err := ort.InitializeEnvironment(); err != nil {
		msg := ortMessage(err)
		// onnxruntime_go wraps dlerror() as `Error loading ONNX shared
		// library "<path>": <path>: <reason>`; keep just the reason.
		if _, reason, ok := strings.Cut(msg, "Error loading ONNX shared library"); ok {
			if _, r, ok := strings.Cut(reason, libPath+": "); ok {
				reason = r
			}
			msg = "cannot load: " + strings.TrimSpace(strings.TrimPrefix(reason, fmt.Sprintf(" %q: ", libPath)))
		}
		// onnxruntime_go reports "Error setting ORT API base: 2" when the
		// library's OrtGetApiBase()->GetApi(ORT_API_VERSION) returns NULL:
		// the library is older than the C API the binding was built for.
		if strings.Contains(err.Error(), "ORT API base") {
			if v := ort.GetVersion(); v != "" {
				msg = fmt.Sprintf("ONNX Runtime %s does not provide C API %d (needs ONNX Runtime 1.%d or newer)", v, ortAPIVersion, ortAPIVersion)
			} else {
				msg = "not an ONNX Runtime library (no usable OrtGetApiBase)"
			}
		}
		return &RuntimeError{Path: libPath, Reason: msg}
	}
	return nil
}

// ortAPIVersion is ORT_API_VERSION in onnxruntime_go v1.25.0's C header.
const ortAPIVersion = 23

// RuntimeVersion is the loaded ONNX Runtime's version string (e.g.
// "1.30.0"), or "" unless Init has succeeded.
func RuntimeVersion() string {
	if ready() != nil {
		return ""
	}
	return ort.GetVersion()
}

// ready returns Init's result, or a *RuntimeError if Init has not finished.
// It never runs Init itself.
func ready() error {
	if !initDone.Load() {
		return &RuntimeError{Reason: "not initialised: call infer.Init with the library path first"}
	}
	return initErr
}

// Options tune Open. The zero value is valid.
type Options struct {
	// IntraOpThreads is the session's intra-op thread count; 0 means one.
	// One is the default because a phone's engine shares the CPU with the
	// app and the camera, and ORT's own default (one thread per physical
	// core) bought little here: with several threads a run of these small
	// models spends more in waking and joining them than it saves. A host
	// with cores to spare for the engine asks for more.
	IntraOpThreads int
	// SHA256, if non-empty, is the expected hex sha256 of the model file; the
	// file is checked before ONNX Runtime sees it.
	SHA256 string
	// Shapes fixes the shape of inputs that have dynamic dimensions, keyed by
	// input name. An input not listed here may have a dynamic dimension only
	// in the batch position (dimension 0), which becomes 1. Listed shapes must
	// agree with the model's fixed dimensions.
	Shapes map[string][]int64
	// WarmUp runs the model once on zeros at Open, so the first real Run does
	// not pay for ONNX Runtime's lazy initialisation.
	WarmUp bool
}

// Session is one loaded model with its pre-allocated input and output
// tensors. See the package documentation for its concurrency promise.
type Session struct {
	path, name string // file path and its base name (for messages)

	inNames, outNames   []string
	inShapes, outShapes [][]int64

	mu      sync.Mutex // guards everything below
	sess    *ort.AdvancedSession
	inputs  []*ort.Tensor[float32]
	outputs []*ort.Tensor[float32]
	inData  [][]float32 // the tensors' backing slices
	outData [][]float32
	closed  bool
}

// Open loads the ONNX model at path and prepares it for Run: it checks the
// file's sha256 if opts.SHA256 is set, reads the model's inputs and outputs,
// fixes their shapes, allocates one tensor for each and, if opts.WarmUp is
// set, runs the model once. Init must have succeeded first.
//
// Output shapes that the model leaves dynamic are found by one trial run on
// zeros, so a model's output shapes must follow from its input shapes.
func Open(path string, opts Options) (*Session, error) {
	data, err := readModel(path, opts)
	if err != nil {
		return nil, err
	}
	s := &Session{path: path, name: baseName(path)}
	if err := s.open(data, opts); err != nil {
		s.release()
		return nil, err
	}
	return s, nil
}

// readModel is what Open and OpenDynamic share before the model reaches
// ONNX Runtime: the runtime started, the file read and its sha256 checked,
// opts checked.
func readModel(path string, opts Options) ([]byte, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &ModelMissingError{Path: path}
	}
	if err != nil {
		// Permission denied, a directory…: one line, still matching the
		// underlying fs error.
		return nil, fmt.Errorf("infer: model file %s: %w", path, unwrapPathError(err))
	}
	if opts.SHA256 != "" {
		sum := sha256.Sum256(data)
		got := hex.EncodeToString(sum[:])
		want := strings.ToLower(strings.TrimSpace(opts.SHA256))
		if got != want {
			return nil, &ChecksumError{Path: path, Want: want, Got: got}
		}
	}
	if opts.IntraOpThreads < 0 {
		return nil, fmt.Errorf("infer: model file %s: IntraOpThreads %d is negative", path, opts.IntraOpThreads)
	}
	return data, nil
}

// unwrapPathError drops the *fs.PathError wrapper, whose path we print
// ourselves.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// open reads the model's inputs and outputs, fixes their shapes, allocates
// the tensors and creates the ONNX Runtime session.
func (s *Session) open(data []byte, opts Options) error {
	if len(data) == 0 {
		return &BadModelError{Path: s.path, Reason: "empty file"}
	}
	ins, outs, err := ort.GetInputOutputInfoWithONNXData(data)
	if err != nil {
		return &BadModelError{Path: s.path, Reason: ortMessage(err)}
	}
	if err := s.checkInfos(ins, outs, opts.Shapes); err != nil {
		return err
	}
	if err := s.resolveShapes(ins, outs, opts.Shapes); err != nil {
		return err
	}
	so, err := s.sessionOptions(opts)
	if err != nil {
		return err
	}
	defer so.Destroy()
	if slices.ContainsFunc(s.outShapes, isDynamic) {
		if err := s.probeOutputShapes(data, so); err != nil {
			return err
		}
	}
	if err := s.allocTensors(); err != nil {
		return err
	}
	return s.createSession(data, so, opts.WarmUp)
}

// checkInfos refuses graphs without inputs or outputs, tensors this package
// cannot feed or read, and Options.Shapes keys that are not inputs.
func (s *Session) checkInfos(ins, outs []ort.InputOutputInfo, shapes map[string][]int64) error {
	if len(ins) == 0 || len(outs) == 0 {
		return &UnsupportedError{Path: s.path, Tensor: "graph", Reason: fmt.Sprintf("has %d inputs and %d outputs; need at least one of each", len(ins), len(outs))}
	}
	for _, io := range []struct {
		kind  string
		infos []ort.InputOutputInfo
	}{{"input", ins}, {"output", outs}} {
		for _, in := range io.infos {
			if err := s.checkFloatTensor(io.kind, in); err != nil {
				return err
			}
		}
	}
	for name := range shapes {
		if !slices.ContainsFunc(ins, func(i ort.InputOutputInfo) bool { return i.Name == name }) {
			return &ShapeError{Model: s.name, Detail: fmt.Sprintf("Options.Shapes names %q, which is not an input (inputs: %s)", name, infoNames(ins))}
		}
	}
	return nil
}

// resolveShapes records the names and concrete input shapes, and the
// output shapes as the model declares them (probeOutputShapes fixes
// dynamic ones).
func (s *Session) resolveShapes(ins, outs []ort.InputOutputInfo, shapes map[string][]int64) error {
	for _, in := range ins {
		shape, err := s.resolveInput(in, shapes[in.Name])
		if err != nil {
			return err
		}
		s.inNames = append(s.inNames, in.Name)
		s.inShapes = append(s.inShapes, shape)
	}
	for _, out := range outs {
		s.outNames = append(s.outNames, out.Name)
		s.outShapes = append(s.outShapes, slices.Clone([]int64(out.Dimensions)))
	}
	return nil
}

// sessionOptions are ONNX Runtime's session options for opts; the caller
// destroys them. Intra-op threads never spin waiting for work: with
// spinning, ORT's extra threads keep a core busy between the small runs a
// camera stream makes, which a phone pays for in battery and heat and an
// engine sharing the CPU with the app's UI pays for in frame time.
func (s *Session) sessionOptions(opts Options) (*ort.SessionOptions, error) {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("infer: model file %s: session options: %s", s.path, ortMessage(err))
	}
	if err := so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0"); err != nil {
		so.Destroy()
		return nil, fmt.Errorf("infer: model file %s: session options: %s", s.path, ortMessage(err))
	}
	threads := max(opts.IntraOpThreads, 1)
	if err := so.SetIntraOpNumThreads(threads); err != nil {
		so.Destroy()
		return nil, fmt.Errorf("infer: model file %s: IntraOpThreads %d: %s", s.path, threads, ortMessage(err))
	}
	return so, nil
}

// allocTensors allocates one tensor per input and output at its resolved
// shape; Run copies through their backing slices.
func (s *Session) allocTensors() error {
	for i, shape := range s.inShapes {
		t, err := ort.NewEmptyTensor[float32](ort.NewShape(shape...))
		if err != nil {
			return &ShapeError{Model: s.name, Kind: "input", Name: s.inNames[i], Want: shape, Detail: "cannot allocate: " + ortMessage(err)}
		}
		s.inputs = append(s.inputs, t)
		s.inData = append(s.inData, t.GetData())
	}
	for i, shape := range s.outShapes {
		t, err := ort.NewEmptyTensor[float32](ort.NewShape(shape...))
		if err != nil {
			return &ShapeError{Model: s.name, Kind: "output", Name: s.outNames[i], Want: shape, Detail: "cannot allocate: " + ortMessage(err)}
		}
		s.outputs = append(s.outputs, t)
		s.outData = append(s.outData, t.GetData())
	}
	return nil
}

// createSession binds the tensors to a new ONNX Runtime session and, with
// warmUp, runs it once.
func (s *Session) createSession(data []byte, so *ort.SessionOptions, warmUp bool) error {
	inVals := make([]ort.Value, len(s.inputs))
	for i, t := range s.inputs {
		inVals[i] = t
	}
	outVals := make([]ort.Value, len(s.outputs))
	for i, t := range s.outputs {
		outVals[i] = t
	}
	var err error
	s.sess, err = ort.NewAdvancedSessionWithONNXData(data, s.inNames, s.outNames, inVals, outVals, so)
	if err != nil {
		return &BadModelError{Path: s.path, Reason: ortMessage(err)}
	}
	if warmUp {
		if err := s.sess.Run(); err != nil {
			return fmt.Errorf("infer: model %s: warm-up run: %s", s.name, ortMessage(err))
		}
	}
	return nil
}

func (s *Session) checkFloatTensor(kind string, in ort.InputOutputInfo) error {
	what := fmt.Sprintf("%s %q", kind, in.Name)
	if in.OrtValueType != ort.ONNXTypeTensor {
		return &UnsupportedError{Path: s.path, Tensor: what, Reason: fmt.Sprintf("is a %s, not a tensor", strings.ToLower(strings.TrimPrefix(in.OrtValueType.String(), "ONNXType")))}
	}
	if in.DataType != ort.TensorElementDataTypeFloat {
		return &UnsupportedError{Path: s.path, Tensor: what, Reason: fmt.Sprintf("element type %s; only float32 tensors are supported", elemType(in.DataType))}
	}
	if len(in.Dimensions) == 0 {
		return &UnsupportedError{Path: s.path, Tensor: what, Reason: "is a scalar (rank 0); only tensors of rank 1 or more are supported"}
	}
	return nil
}

func elemType(t ort.TensorElementDataType) string {
	return strings.ToLower(strings.TrimPrefix(t.String(), "ONNX_TENSOR_ELEMENT_DATA_TYPE_"))
}

func infoNames(infos []ort.InputOutputInfo) string {
	names := make([]string, len(infos))
	for i, in := range infos {
		names[i] = fmt.Sprintf("%q", in.Name)
	}
	return strings.Join(names, ", ")
}

func isDynamic(shape []int64) bool {
	return slices.ContainsFunc(shape, func(d int64) bool { return d < 0 })
}

// resolveInput gives the concrete shape of input in: the override if there
// is one (checked against the model), else the model's shape with a dynamic
// batch dimension set to 1.
func (s *Session) resolveInput(in ort.InputOutputInfo, override []int64) ([]int64, error) {
	model := []int64(in.Dimensions)
	bad := func(detail string) error {
		return &ShapeError{Model: s.name, Kind: "input", Name: in.Name, Want: model, Detail: detail}
	}
	if override != nil {
		if len(override) != len(model) {
			return nil, bad(fmt.Sprintf("Options.Shapes gives %v, of rank %d, for a rank-%d input", override, len(override), len(model)))
		}
		for i, d := range override {
			if d <= 0 {
				return nil, bad(fmt.Sprintf("Options.Shapes gives %v, whose dimension %d is not positive", override, i))
			}
			if model[i] >= 0 && model[i] != d {
				return nil, bad(fmt.Sprintf("Options.Shapes gives %v, but the model fixes dimension %d at %d", override, i, model[i]))
			}
		}
		return slices.Clone(override), nil
	}
	shape := slices.Clone(model)
	if shape[0] < 0 {
		shape[0] = 1
	}
	if isDynamic(shape) {
		return nil, bad("has dynamic dimensions beyond the batch; give its shape in Options.Shapes")
	}
	return shape, nil
}

// probeOutputShapes runs the model once on zero inputs to learn the concrete
// shapes of outputs the model leaves dynamic.
func (s *Session) probeOutputShapes(data []byte, so *ort.SessionOptions) error {
	probe, err := ort.NewDynamicAdvancedSessionWithONNXData(data, s.inNames, s.outNames, so)
	if err != nil {
		return &BadModelError{Path: s.path, Reason: ortMessage(err)}
	}
	defer probe.Destroy()
	ins := make([]ort.Value, len(s.inShapes))
	defer destroyAll(ins)
	for i, shape := range s.inShapes {
		t, err := ort.NewEmptyTensor[float32](ort.NewShape(shape...))
		if err != nil {
			return &ShapeError{Model: s.name, Kind: "input", Name: s.inNames[i], Want: shape, Detail: "cannot allocate: " + ortMessage(err)}
		}
		ins[i] = t
	}
	outs := make([]ort.Value, len(s.outNames))
	defer destroyAll(outs)
	if err := probe.Run(ins, outs); err != nil {
		return fmt.Errorf("infer: model %s: trial run to find output shapes: %s", s.name, ortMessage(err))
	}
	for i, v := range outs {
		got := []int64(v.GetShape())
		want := s.outShapes[i]
		if len(got) != len(want) {
			return &UnsupportedError{Path: s.path, Tensor: fmt.Sprintf("output %q", s.outNames[i]), Reason: fmt.Sprintf("declared %v but produced %v", want, got)}
		}
		if slices.Contains(got, 0) {
			return &UnsupportedError{Path: s.path, Tensor: fmt.Sprintf("output %q", s.outNames[i]), Reason: fmt.Sprintf("is empty (shape %v) for inputs %v", got, s.inShapes)}
		}
		s.outShapes[i] = slices.Clone(got)
	}
	return nil
}

func destroyAll(vs []ort.Value) {
	for _, v := range vs {
		if v != nil {
			v.Destroy()
		}
	}
}

// Run copies inputs (one slice per model input, in InputNames order, each of
// exactly the input's element count) into the session's tensors, runs the
// model and copies the results into outputs (one caller-owned slice per
// model output, in OutputNames order, each of exactly the output's element
// count). A wrong count or length is a *ShapeError (ErrShape) and runs
// nothing. Run serialises with other calls on the same session and does not
// allocate.
func (s *Session) Run(inputs, outputs [][]float32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("infer: model %s: %w", s.name, ErrClosed)
	}
	if err := s.check("input", inputs, s.inNames, s.inShapes, s.inData); err != nil {
		return err
	}
	if err := s.check("output", outputs, s.outNames, s.outShapes, s.outData); err != nil {
		return err
	}
	for i, in := range inputs {
		copy(s.inData[i], in)
	}
	if err := s.sess.Run(); err != nil {
		return fmt.Errorf("infer: model %s: run: %s", s.name, ortMessage(err))
	}
	for i, out := range outputs {
		copy(out, s.outData[i])
	}
	return nil
}

func (s *Session) check(kind string, got [][]float32, names []string, shapes [][]int64, data [][]float32) error {
	if len(got) != len(names) {
		return &ShapeError{Model: s.name, Kind: kind, Detail: fmt.Sprintf("got %d %ss, expected %d (%s)", len(got), kind, len(names), describe(names, shapes))}
	}
	for i, g := range got {
		if len(g) != len(data[i]) {
			return &ShapeError{Model: s.name, Kind: kind, Name: names[i], Want: shapes[i], Detail: fmt.Sprintf("got %d values, expected %d", len(g), len(data[i]))}
		}
	}
	return nil
}

func describe(names []string, shapes [][]int64) string {
	var b bytes.Buffer
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %v", n, shapes[i])
	}
	return b.String()
}

// Path is the model file the session was opened from.
func (s *Session) Path() string { return s.path }

// InputNames are the model's input names, in Run's order.
func (s *Session) InputNames() []string { return slices.Clone(s.inNames) }

// OutputNames are the model's output names, in Run's order.
func (s *Session) OutputNames() []string { return slices.Clone(s.outNames) }

// InputShapes are the concrete input shapes the session was opened with.
func (s *Session) InputShapes() [][]int64 { return cloneShapes(s.inShapes) }

// OutputShapes are the concrete output shapes Run produces.
func (s *Session) OutputShapes() [][]int64 { return cloneShapes(s.outShapes) }

// NewInputs allocates zeroed input slices of the right lengths for Run.
func (s *Session) NewInputs() [][]float32 { return alloc(s.inShapes) }

// NewOutputs allocates output slices of the right lengths for Run.
func (s *Session) NewOutputs() [][]float32 { return alloc(s.outShapes) }

func cloneShapes(shapes [][]int64) [][]int64 {
	out := make([][]int64, len(shapes))
	for i, sh := range shapes {
		out[i] = slices.Clone(sh)
	}
	return out
}

func alloc(shapes [][]int64) [][]float32 {
	out := make([][]float32, len(shapes))
	for i, sh := range shapes {
		n := int64(1)
		for _, d := range sh {
			n *= d
		}
		out[i] = make([]float32, n)
	}
	return out
}

// Close releases the session and its tensors. It waits for a Run in
// progress; later Runs return ErrClosed. Closing twice is harmless.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.release()
	return nil
}

// release frees whatever open managed to create (caller holds mu, or the
// session is not yet shared).
func (s *Session) release() {
	if s.sess != nil {
		s.sess.Destroy()
		s.sess = nil
	}
	for _, t := range s.inputs {
		t.Destroy()
	}
	for _, t := range s.outputs {
		t.Destroy()
	}
	s.inputs, s.outputs, s.inData, s.outData = nil, nil, nil, nil
}
