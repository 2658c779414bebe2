package infer

import (
	"fmt"
	"slices"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// DynamicSession is one loaded model of one float32 input and one float32
// output whose input shape changes from run to run (a text line's width, a
// photo's size): one ONNX Runtime session serves every shape the model
// accepts, where a Session needs one per shape, each costing its own open
// time and memory. Its Run takes the input's shape with the input and
// returns the output's shape; it allocates a few small Go values per run
// (the runtime's own bookkeeping), never the data.
//
// It keeps Session's promises: safe for concurrent use (Run holds the
// session's mutex), typed errors, no panics on bad input; Close waits for
// a Run in progress and Run after Close returns ErrClosed.
type DynamicSession struct {
	path, name      string
	inName, outName string
	inModel         []int64 // the input's declared shape, -1 where dynamic
	outModel        []int64
	mu              sync.Mutex // guards everything below
	sess            *ort.DynamicAdvancedSession
	closed          bool
}

// OpenDynamic loads the ONNX model at path for runs of varying input
// shapes. opts apply as to Open, except Shapes: with WarmUp, the model is
// run once on zeros at the shape Shapes gives its input (required then),
// so that the first real run does not pay for ONNX Runtime's lazy
// initialisation. Init must have succeeded first.
func OpenDynamic(path string, opts Options) (*DynamicSession, error) {
	data, err := readModel(path, opts)
	if err != nil {
		return nil, err
	}
	s := &DynamicSession{path: path, name: baseName(path)}
	if err := s.open(data, opts); err != nil {
		s.release()
		return nil, err
	}
	return s, nil
}

func (s *DynamicSession) open(data []byte, opts Options) error {
	if len(data) == 0 {
		return &BadModelError{Path: s.path, Reason: "empty file"}
	}
	ins, outs, err := ort.GetInputOutputInfoWithONNXData(data)
	if err != nil {
		return &BadModelError{Path: s.path, Reason: ortMessage(err)}
	}
	// checkInfos is Session's: the same tensors are refused.
	fixed := &Session{path: s.path, name: s.name}
	if err := fixed.checkInfos(ins, outs, opts.Shapes); err != nil {
		return err
	}
	if len(ins) != 1 || len(outs) != 1 {
		return &UnsupportedError{Path: s.path, Tensor: "graph", Reason: fmt.Sprintf("has %d inputs and %d outputs; a dynamic session needs one of each", len(ins), len(outs))}
	}
	s.inName, s.outName = ins[0].Name, outs[0].Name
	s.inModel, s.outModel = slices.Clone([]int64(ins[0].Dimensions)), slices.Clone([]int64(outs[0].Dimensions))
	so, err := fixed.sessionOptions(opts)
	if err != nil {
		return err
	}
	defer so.Destroy()
	// ONNX Runtime plans and keeps a memory pattern for every input shape
	// it meets; with a shape per run that keeps a block per shape (about
	// 60 MB more peak RSS over a few card reads) and saves nothing.
	if err := so.SetMemPattern(false); err != nil {
		return fmt.Errorf("infer: model file %s: session options: %s", s.path, ortMessage(err))
	}
	if s.sess, err = ort.NewDynamicAdvancedSessionWithONNXData(data, []string{s.inName}, []string{s.outName}, so); err != nil {
		return &BadModelError{Path: s.path, Reason: ortMessage(err)}
	}
	if !opts.WarmUp {
		return nil
	}
	shape, ok := opts.Shapes[s.inName]
	if !ok {
		return &ShapeError{Model: s.name, Kind: "input", Name: s.inName, Want: s.inModel, Detail: "WarmUp needs the warm-up shape in Options.Shapes"}
	}
	if err := s.checkShape(shape); err != nil {
		return err
	}
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	if _, _, err := s.run(make([]float32, n), shape, nil); err != nil {
		return fmt.Errorf("infer: warm-up: %w", err)
	}
	return nil
}

// Path is the model file the session was opened from.
func (s *DynamicSession) Path() string { return s.path }

// InputName and OutputName are the model's input and output names.
func (s *DynamicSession) InputName() string  { return s.inName }
func (s *DynamicSession) OutputName() string { return s.outName }

// InputShape and OutputShape are the shapes the model declares, -1 where a
// dimension is dynamic.
func (s *DynamicSession) InputShape() []int64  { return slices.Clone(s.inModel) }
func (s *DynamicSession) OutputShape() []int64 { return slices.Clone(s.outModel) }

// checkShape refuses an input shape of the wrong rank, with a dimension
// that is not positive, or unlike the model's where the model fixes it.
func (s *DynamicSession) checkShape(shape []int64) error {
	bad := func(detail string) error {
		return &ShapeError{Model: s.name, Kind: "input", Name: s.inName, Want: s.inModel, Detail: detail}
	}
	if len(shape) != len(s.inModel) {
		return bad(fmt.Sprintf("shape %v is of rank %d, the input of rank %d", shape, len(shape), len(s.inModel)))
	}
	for i, d := range shape {
		if d <= 0 {
			return bad(fmt.Sprintf("shape %v: dimension %d is not positive", shape, i))
		}
		if s.inModel[i] >= 0 && s.inModel[i] != d {
			return bad(fmt.Sprintf("shape %v, but the model fixes dimension %d at %d", shape, i, s.inModel[i]))
		}
	}
	return nil
}

// Run runs the model on input, whose shape is shape, and appends the output
// to dst[:0], returning it and its shape: a caller that passes the previous
// run's output back as dst reuses its memory. input must hold exactly the
// shape's element count; a wrong shape or length is a *ShapeError
// (ErrShape) and runs nothing. Run never keeps input or the returned slice.
func (s *DynamicSession) Run(input []float32, shape []int64, dst []float32) ([]float32, []int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return dst, nil, fmt.Errorf("infer: model %s: %w", s.name, ErrClosed)
	}
	if err := s.checkShape(shape); err != nil {
		return dst, nil, err
	}
	return s.run(input, shape, dst)
}

// run is Run past the checks of the shape (caller holds mu, or the
// session is not yet shared).
func (s *DynamicSession) run(input []float32, shape []int64, dst []float32) ([]float32, []int64, error) {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	if int64(len(input)) != n {
		return dst, nil, &ShapeError{Model: s.name, Kind: "input", Name: s.inName, Want: shape, Detail: fmt.Sprintf("got %d values, expected %d", len(input), n)}
	}
	in, err := ort.NewTensor(ort.Shape(shape), input)
	if err != nil {
		return dst, nil, &ShapeError{Model: s.name, Kind: "input", Name: s.inName, Want: shape, Detail: "cannot wrap: " + ortMessage(err)}
	}
	defer in.Destroy()
	outs := []ort.Value{nil}
	if err := s.sess.Run([]ort.Value{in}, outs); err != nil {
		return dst, nil, fmt.Errorf("infer: model %s: run: %s", s.name, ortMessage(err))
	}
	defer outs[0].Destroy()
	t, ok := outs[0].(*ort.Tensor[float32])
	if !ok {
		return dst, nil, &UnsupportedError{Path: s.path, Tensor: fmt.Sprintf("output %q", s.outName), Reason: "is not a float32 tensor"}
	}
	return append(dst[:0], t.GetData()...), []int64(t.GetShape()), nil
}

// Close releases the session. It waits for a Run in progress; later Runs
// return ErrClosed. Closing twice is harmless.
func (s *DynamicSession) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.release()
	return nil
}

func (s *DynamicSession) release() {
	if s.sess != nil {
		s.sess.Destroy()
		s.sess = nil
	}
}
