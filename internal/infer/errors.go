package infer

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// Sentinel errors. Every error this package returns for one of these causes
// matches the sentinel with errors.Is; the typed errors below carry the
// details and can be taken out with errors.As.
var (
	// ErrRuntimeMissing: the ONNX Runtime library could not be loaded (not
	// found, not a library, too old), or Init was never called.
	ErrRuntimeMissing = errors.New("infer: ONNX Runtime unavailable")
	// ErrModelMissing: the model file does not exist.
	ErrModelMissing = errors.New("infer: model file not found")
	// ErrChecksum: the model file's sha256 is not the expected one.
	ErrChecksum = errors.New("infer: model checksum mismatch")
	// ErrBadModel: ONNX Runtime refused the model (corrupt or invalid file).
	ErrBadModel = errors.New("infer: bad model")
	// ErrUnsupported: the model is valid but uses something this package does
	// not handle (a non-float32 or non-tensor input or output).
	ErrUnsupported = errors.New("infer: unsupported model")
	// ErrShape: wrong number or size of inputs/outputs, or a shape that cannot
	// be fixed at Open.
	ErrShape = errors.New("infer: wrong tensor shape")
	// ErrClosed: the session has been closed.
	ErrClosed = errors.New("infer: session closed")
)

// RuntimeError reports an ONNX Runtime library that could not be loaded.
// It matches ErrRuntimeMissing.
type RuntimeError struct {
	Path   string // the library path given to Init ("" if Init was not called)
	Reason string
}

func (e *RuntimeError) Error() string {
	if e.Path == "" {
		return "infer: ONNX Runtime: " + e.Reason
	}
	return fmt.Sprintf("infer: ONNX Runtime library %s: %s", e.Path, e.Reason)
}

// Is reports whether target is ErrRuntimeMissing.
func (e *RuntimeError) Is(target error) bool { return target == ErrRuntimeMissing }

// Code is the error's stable code, MODEL_RUNTIME_MISSING.
func (e *RuntimeError) Code() string { return "MODEL_RUNTIME_MISSING" }

// ModelMissingError reports a model file that does not exist.
// It matches ErrModelMissing.
type ModelMissingError struct {
	Path string
}

func (e *ModelMissingError) Error() string {
	return fmt.Sprintf("infer: model file %s: not found", e.Path)
}

// Is reports whether target is ErrModelMissing or fs.ErrNotExist.
func (e *ModelMissingError) Is(target error) bool {
	return target == ErrModelMissing || target == fs.ErrNotExist
}

// Code is the error's stable code, MODEL_MISSING.
func (e *ModelMissingError) Code() string { return "MODEL_MISSING" }

// ChecksumError reports a model file whose sha256 is not the expected one.
// Want and Got are lower-case hex. It matches ErrChecksum.
type ChecksumError struct {
	Path      string
	Want, Got string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("infer: model file %s: sha256 %s, expected %s", e.Path, e.Got, e.Want)
}

// Is reports whether target is ErrChecksum.
func (e *ChecksumError) Is(target error) bool { return target == ErrChecksum }

// Code is the error's stable code, MODEL_CHECKSUM.
func (e *ChecksumError) Code() string { return "MODEL_CHECKSUM" }

// BadModelError reports a model ONNX Runtime refused to load. Reason is
// ONNX Runtime's own message. It matches ErrBadModel.
type BadModelError struct {
	Path   string
	Reason string
}

func (e *BadModelError) Error() string {
	return fmt.Sprintf("infer: model file %s: ONNX Runtime cannot load it: %s", e.Path, e.Reason)
}

// Is reports whether target is ErrBadModel.
func (e *BadModelError) Is(target error) bool { return target == ErrBadModel }

// Code is the error's stable code, MODEL_BAD.
func (e *BadModelError) Code() string { return "MODEL_BAD" }

// UnsupportedError reports a model input or output this package cannot
// feed or read. It matches ErrUnsupported.
type UnsupportedError struct {
	Path   string
	Tensor string // "input \"x\"" or "output \"y\""
	Reason string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("infer: model file %s: %s: %s", e.Path, e.Tensor, e.Reason)
}

// Is reports whether target is ErrUnsupported.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// Code is the error's stable code, MODEL_UNSUPPORTED.
func (e *UnsupportedError) Code() string { return "MODEL_UNSUPPORTED" }

// ShapeError reports inputs or outputs that do not fit the session: a wrong
// count (Name is empty) or a slice of the wrong length, or, at Open, a shape
// that cannot be fixed. It matches ErrShape.
type ShapeError struct {
	Model  string  // base name of the model file
	Kind   string  // "input" or "output"
	Name   string  // tensor name; empty for a count mismatch
	Want   []int64 // the expected shape (nil for a count mismatch)
	Detail string  // what was wrong
}

func (e *ShapeError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("infer: model %s: %s", e.Model, e.Detail)
	}
	return fmt.Sprintf("infer: model %s: %s %q: %s (expected shape %v)", e.Model, e.Kind, e.Name, e.Detail, e.Want)
}

// Is reports whether target is ErrShape.
func (e *ShapeError) Is(target error) bool { return target == ErrShape }

// Code is the error's stable code, MODEL_SHAPE.
func (e *ShapeError) Code() string { return "MODEL_SHAPE" }

// ortMessage is the innermost message of an error from onnxruntime_go (its
// wrappers add Go-side context that means nothing to our callers), folded
// onto one line.
func ortMessage(err error) string {
	for {
		inner := errors.Unwrap(err)
		if inner == nil {
			break
		}
		err = inner
	}
	return oneLine(err.Error())
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

func baseName(path string) string { return filepath.Base(path) }
