package models

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/liveid/liveid/internal/infer"
)

// The sentinels of opening a model, for errors.Is. The runtime's own
// sentinels are the same values as internal/infer's, so that callers
// outside the module can match them too.
var (
	ErrRuntimeMissing = infer.ErrRuntimeMissing // ONNX Runtime not loaded (InitRuntime failed or was not called)
	ErrModelMissing   = infer.ErrModelMissing   // the model or asset file is not in the directory
	ErrChecksum       = infer.ErrChecksum       // the file is not the one the manifest pins
	ErrBadModel       = infer.ErrBadModel       // ONNX Runtime refused the file
	ErrShape          = infer.ErrShape          // inputs or outputs of the wrong size
	// ErrUnknown: a model, asset or package name the manifest does not list.
	ErrUnknown = errors.New("models: not in the manifest")
	// ErrMismatch: the model's outputs are not the ones the stage decodes.
	ErrMismatch = errors.New("models: model does not match its decoder")
)

// MismatchError reports a model whose outputs are not what the stage
// decoding it expects. It matches ErrMismatch.
type MismatchError struct {
	Model, Detail string
}

func (e *MismatchError) Error() string { return "models: " + e.Model + ": " + e.Detail }

// Is reports whether target is ErrMismatch.
func (e *MismatchError) Is(target error) bool { return target == ErrMismatch }

// Code is the error's stable code, MODEL_MISMATCH.
func (e *MismatchError) Code() string { return "MODEL_MISMATCH" }

// InitRuntime loads the ONNX Runtime shared library at libPath, once per
// process (later calls return the first call's result). Entry points call
// it — the engine, the CLI, the server, tests — never the stages. libPath
// may be LinkedRuntime, or a bare file name the dynamic loader finds.
func InitRuntime(libPath string) error { return infer.Init(libPath) }

// LinkedRuntime, as InitRuntime's libPath, takes ONNX Runtime from the
// process itself: linked into the app (statically on iOS) or already
// loaded, found by its OrtGetApiBase symbol.
const LinkedRuntime = infer.LinkedLibrary

// RuntimeVersion is the loaded ONNX Runtime's version, "" before
// InitRuntime succeeded.
func RuntimeVersion() string { return infer.RuntimeVersion() }

// Options are the session options a stage may choose; everything else is
// the same for every model: the manifest's sha256 is checked, and, unless
// NoWarmUp, the model runs once on zeros at Open, so that the first real
// frame does not pay for ONNX Runtime's lazy initialisation.
type Options struct {
	// NoWarmUp skips that run, for a stage that runs a model a few times a
	// session (reading a card): there the warm-up is one more inference,
	// the lazy initialisation is paid once either way, and the open is
	// what the user waits for.
	NoWarmUp bool
	// Threads is each model's intra-op thread count; 0 means one thread,
	// never spinning while it waits for work (internal/infer says why). A
	// host that can give the engine more cores sets Threads to their
	// number (mobile.Options and the CLI pass theirs through here); every
	// model the engine opens then uses that many.
	Threads int
}

// Session is one opened model and its manifest entry.
type Session struct {
	*infer.Session
	Model *Model
	use   *useCounter
}

// Path is where a model lives in a model directory.
func Path(dir, name string) string { return filepath.Join(dir, name+".onnx") }

// Open loads the manifest model name, in the variant the manifest chooses
// (Model.Chosen), from the model directory dir. shapes
// fixes inputs with dynamic dimensions beyond the batch (nil when there
// are none), keyed by input name.
func Open(dir, name string, o Options, shapes map[string][]int64) (*Session, error) {
	md, err := lookup(name)
	if err != nil {
		return nil, err
	}
	file, sum := md.Chosen()
	s, err := infer.Open(Path(dir, file), infer.Options{SHA256: sum, IntraOpThreads: o.Threads, Shapes: shapes, WarmUp: !o.NoWarmUp})
	if err != nil {
		return nil, err
	}
	return &Session{Session: s, Model: md, use: counterFor(name)}, nil
}

// DynamicSession is one opened model whose input shape changes from run
// to run, and its manifest entry.
type DynamicSession struct {
	*infer.DynamicSession
	Model *Model
	use   *useCounter
}

// OpenDynamic loads the manifest model name from the model directory dir
// for runs at varying input shapes (one input, one output); unless
// o.NoWarmUp, it is warmed up at warm, its input's shape for a typical run.
func OpenDynamic(dir, name string, o Options, warm []int64) (*DynamicSession, error) {
	md, err := lookup(name)
	if err != nil {
		return nil, err
	}
	file, sum := md.Chosen()
	s, err := infer.OpenDynamic(Path(dir, file), infer.Options{SHA256: sum, IntraOpThreads: o.Threads,
		Shapes: map[string][]int64{md.Input.Name: warm}, WarmUp: !o.NoWarmUp})
	if err != nil {
		return nil, err
	}
	return &DynamicSession{DynamicSession: s, Model: md, use: counterFor(name)}, nil
}

// lookup is the manifest's entry for the model name.
func lookup(name string) (*Model, error) {
	m, err := Load()
	if err != nil {
		return nil, err
	}
	return m.Model(name)
}

// Output is the index of the named output in Run's order.
func (s *Session) Output(name string) (int, error) {
	for i, n := range s.OutputNames() {
		if n == name {
			return i, nil
		}
	}
	return 0, &MismatchError{Model: s.Model.Name, Detail: "no output " + name}
}

// ReadAsset reads the manifest asset name from the model directory dir and
// checks it against its pinned sha256.
func ReadAsset(dir, name string) ([]byte, error) {
	m, err := Load()
	if err != nil {
		return nil, err
	}
	a, err := m.Asset(name)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &infer.ModelMissingError{Path: path}
	}
	if err != nil {
		return nil, fmt.Errorf("models: asset %s: %w", path, err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != a.SHA256 {
		return nil, &infer.ChecksumError{Path: path, Want: a.SHA256, Got: got}
	}
	return b, nil
}
