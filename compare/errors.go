package compare

import (
	"errors"
	"fmt"
)

// Reason says why a face cannot be compared.
type Reason string

// The package's stable codes, what apps and the evidence see: the Reason
// of a *FaceError, or the code of a *MismatchError.
const (
	NoFace     Reason = "COMPARE_NO_FACE"          // no face was found in the image
	TooSmall   Reason = "COMPARE_FACE_TOO_SMALL"   // eye distance below Limits.MinEyeDistance, or alignment points that coincide
	TooBlurred Reason = "COMPARE_FACE_TOO_BLURRED" // focus below Limits.MinFocus
	TooTurned  Reason = "COMPARE_FACE_TOO_TURNED"  // yaw or pitch beyond Limits
	// CodeMismatch: embeddings of different models or reference kinds, or
	// a Face not aligned for the comparer's model.
	CodeMismatch = "COMPARE_MISMATCH"
	// CodeBadEmbedding: an embedding with a value that is not finite, or
	// not of unit length: not one this package made, so no score.
	CodeBadEmbedding = "COMPARE_BAD_EMBEDDING"
)

// Sentinels for errors.Is; a *FaceError matches the one of its Reason.
var (
	ErrNoFace     = errors.New("compare: no face")
	ErrTooSmall   = errors.New("compare: face too small")
	ErrTooBlurred = errors.New("compare: face too blurred")
	ErrTooTurned  = errors.New("compare: face too turned")
	// ErrMismatch is matched by every *MismatchError.
	ErrMismatch = errors.New("compare: model or reference kind mismatch")
	// ErrBadEmbedding is matched by every *EmbeddingError.
	ErrBadEmbedding = errors.New("compare: invalid embedding")
)

var reasonErr = map[Reason]error{NoFace: ErrNoFace, TooSmall: ErrTooSmall, TooBlurred: ErrTooBlurred, TooTurned: ErrTooTurned}

// FaceError reports an image whose face cannot be compared.
type FaceError struct {
	Image  string // which input: "a" or "b" from Compare, "" from Embed
	Reason Reason
	Detail string // the measured value against its limit
}

func (e *FaceError) Error() string {
	where := ""
	if e.Image != "" {
		where = " in image " + e.Image
	}
	if e.Detail == "" {
		return fmt.Sprintf("compare: %s%s", e.Reason, where)
	}
	return fmt.Sprintf("compare: %s%s: %s", e.Reason, where, e.Detail)
}

// Is matches the sentinel of the error's Reason.
func (e *FaceError) Is(target error) bool { return reasonErr[e.Reason] == target }

// Code is the error's stable code, its Reason.
func (e *FaceError) Code() string { return string(e.Reason) }

// MismatchError reports two embeddings of different models or reference
// kinds, or a Face that is not aligned for the comparer's model. It
// matches ErrMismatch.
type MismatchError struct {
	Detail string // what does not match
}

func (e *MismatchError) Error() string { return "compare: mismatch: " + e.Detail }

// Is reports whether target is ErrMismatch.
func (e *MismatchError) Is(target error) bool { return target == ErrMismatch }

// Code is the error's stable code, CodeMismatch.
func (e *MismatchError) Code() string { return CodeMismatch }

// EmbeddingError reports an embedding Match and Similarity cannot score: a
// NaN or infinite value, or a length other than one. It matches
// ErrBadEmbedding.
type EmbeddingError struct {
	Detail string // which vector and what is wrong with it
}

func (e *EmbeddingError) Error() string { return "compare: invalid embedding: " + e.Detail }

// Is reports whether target is ErrBadEmbedding.
func (e *EmbeddingError) Is(target error) bool { return target == ErrBadEmbedding }

// Code is the error's stable code, CodeBadEmbedding.
func (e *EmbeddingError) Code() string { return CodeBadEmbedding }
