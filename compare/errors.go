package compare

import (
	"errors"
	"fmt"
)

// Reason says why a face cannot be compared. The strings are stable codes.
type Reason string

const (
	NoFace     Reason = "NO_FACE"          // no face was found in the image
	TooSmall   Reason = "FACE_TOO_SMALL"   // eye distance below Limits.MinEyeDistance
	TooBlurred Reason = "FACE_TOO_BLURRED" // focus below Limits.MinFocus
	TooTurned  Reason = "FACE_TOO_TURNED"  // yaw or pitch beyond Limits
)

// Sentinels for errors.Is; a *FaceError matches the one of its Reason.
var (
	ErrNoFace     = errors.New("compare: no face")
	ErrTooSmall   = errors.New("compare: face too small")
	ErrTooBlurred = errors.New("compare: face too blurred")
	ErrTooTurned  = errors.New("compare: face too turned")
	// ErrMismatch: two embeddings from different models or reference kinds.
	ErrMismatch = errors.New("compare: embeddings are not comparable")
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
