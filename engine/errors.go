package engine

import (
	"errors"
	"fmt"
)

// Stable codes of the engine's own errors. Errors of the stages keep their
// codes (FRAME_*, MODEL_*, EVIDENCE_*): every typed error here and there has
// a Code method.
const (
	CodeChallengeMalformed = "ENGINE_CHALLENGE_MALFORMED" // the challenge does not parse or names impossible values
	CodeChallengeExpired   = "ENGINE_CHALLENGE_EXPIRED"   // past its expiry, or issued in the future
	CodeChallengeUsed      = "ENGINE_CHALLENGE_USED"      // this engine already ran a session for it
	CodeBadConfig          = "ENGINE_BAD_CONFIG"          // Config values outside their ranges
	CodeSessionOver        = "ENGINE_SESSION_OVER"        // Push or Finish after the session ended
	CodeBadFrame           = "ENGINE_BAD_FRAME"           // a frame that changes size or format mid-session, or whose time goes back
	CodeNoReference        = "ENGINE_NO_REFERENCE"        // the challenge wants a comparison and no reference was given
	CodeBusy               = "ENGINE_BUSY"                // a session is already running on this engine
)

// Sentinels for errors.Is, one per code.
var (
	ErrChallengeMalformed = errors.New("engine: malformed challenge")
	ErrChallengeExpired   = errors.New("engine: challenge expired")
	ErrChallengeUsed      = errors.New("engine: challenge already used")
	ErrBadConfig          = errors.New("engine: bad config")
	ErrSessionOver        = errors.New("engine: session over")
	ErrBadFrame           = errors.New("engine: bad frame")
	ErrNoReference        = errors.New("engine: no reference to compare against")
	ErrBusy               = errors.New("engine: a session is running")
)

var codeErr = map[string]error{
	CodeChallengeMalformed: ErrChallengeMalformed, CodeChallengeExpired: ErrChallengeExpired,
	CodeChallengeUsed: ErrChallengeUsed, CodeBadConfig: ErrBadConfig, CodeSessionOver: ErrSessionOver,
	CodeBadFrame: ErrBadFrame, CodeNoReference: ErrNoReference, CodeBusy: ErrBusy,
}

// Error is an engine error: a stable code and what was wrong.
type Error struct {
	Code   string
	Detail string
}

func (e *Error) Error() string { return fmt.Sprintf("engine: %s: %s", e.Code, e.Detail) }

// Is matches the sentinel of the error's code.
func (e *Error) Is(target error) bool { return codeErr[e.Code] == target }

func errorf(code, format string, a ...any) error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}
