package evidence

import (
	"errors"
	"fmt"
)

// Stable codes of the errors Seal, Open and the key parsers return.
const (
	CodeTruncated       = "EVIDENCE_TRUNCATED"          // the package ends before its parts do
	CodeMalformed       = "EVIDENCE_MALFORMED"          // not a liveid package, or parts that do not parse
	CodeUnknownVersion  = "EVIDENCE_UNKNOWN_VERSION"    // a format version this build does not read
	CodeTooLarge        = "EVIDENCE_TOO_LARGE"          // the package or its body exceeds the format's limits
	CodeWrongKey        = "EVIDENCE_WRONG_KEY"          // sealed for another key id than the one opening it
	CodeWrongID         = "EVIDENCE_WRONG_VERIFICATION" // sealed for another verification id
	CodeTampered        = "EVIDENCE_TAMPERED"           // the ciphertext or header does not authenticate
	CodeBadKey          = "EVIDENCE_BAD_KEY"            // a key that does not parse, or an invalid id
	CodeInvalidContents = "EVIDENCE_INVALID_CONTENTS"   // Seal given contents the format cannot hold
)

// Sentinels, one per code, for errors.Is.
var (
	ErrTruncated       = errors.New("evidence: truncated package")
	ErrMalformed       = errors.New("evidence: malformed package")
	ErrUnknownVersion  = errors.New("evidence: unknown format version")
	ErrTooLarge        = errors.New("evidence: package too large")
	ErrWrongKey        = errors.New("evidence: sealed for another key")
	ErrWrongID         = errors.New("evidence: sealed for another verification")
	ErrTampered        = errors.New("evidence: package does not authenticate")
	ErrBadKey          = errors.New("evidence: bad key")
	ErrInvalidContents = errors.New("evidence: contents the format cannot hold")
)

var codeErr = map[string]error{
	CodeTruncated: ErrTruncated, CodeMalformed: ErrMalformed, CodeUnknownVersion: ErrUnknownVersion,
	CodeTooLarge: ErrTooLarge, CodeWrongKey: ErrWrongKey, CodeWrongID: ErrWrongID, CodeTampered: ErrTampered,
	CodeBadKey: ErrBadKey, CodeInvalidContents: ErrInvalidContents,
}

// Error is every error of this package: a stable code and what was found.
type Error struct {
	Code   string
	Detail string
}

func (e *Error) Error() string { return fmt.Sprintf("evidence: %s: %s", e.Code, e.Detail) }

// Is matches the sentinel of the error's code.
func (e *Error) Is(target error) bool { return codeErr[e.Code] == target }

func errorf(code, format string, a ...any) error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}

// checkID refuses ids that would not survive the header or the HPKE info
// unambiguously: empty, over maxIDLen bytes, or with control characters.
// A bad key id is CodeBadKey, a bad verification id CodeInvalidContents.
func checkID(what, id string) error {
	code := CodeBadKey
	if what != "key id" {
		code = CodeInvalidContents
	}
	if id == "" || len(id) > maxIDLen {
		return errorf(code, "%s %q: want 1..%d bytes", what, id, maxIDLen)
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return errorf(code, "%s %q: control character", what, id)
		}
	}
	return nil
}

const maxIDLen = 128
