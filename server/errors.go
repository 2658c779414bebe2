package server

import (
	"errors"
	"fmt"
	"net/http"
)

// Stable codes of the server's refusals, as the API returns them in
// {"code": ...}. Packages that do not open keep evidence's own codes
// (EVIDENCE_WRONG_KEY, EVIDENCE_WRONG_VERIFICATION, EVIDENCE_TAMPERED, ...).
const (
	CodeBadRequest       = "SERVER_BAD_REQUEST"    // a body or parameter that does not parse or is out of range
	CodeTooLarge         = "SERVER_TOO_LARGE"      // a body over the endpoint's limit
	CodeNotFound         = "SERVER_NOT_FOUND"      // no such verification (for this app)
	CodeRateLimited      = "SERVER_RATE_LIMITED"   // over the per-app or per-IP rate
	CodeInternal         = "SERVER_INTERNAL"       // the server failed; retry
	CodeAuthMissing      = "AUTH_MISSING"          // a backend request without the signature headers
	CodeAuthUnknownKey   = "AUTH_UNKNOWN_KEY"      // no API key with that id
	CodeAuthBadSignature = "AUTH_BAD_SIGNATURE"    // the signature does not match the request
	CodeAuthStale        = "AUTH_STALE"            // the timestamp is outside the ±5 min window
	CodeAuthNonceReused  = "AUTH_NONCE_REUSED"     // the request nonce was used before
	CodeDuplicateOrder   = "INIT_DUPLICATE_ORDER"  // the order number has a verification with other parameters
	CodeBadReference     = "INIT_BAD_REFERENCE"    // the reference photo is missing, not an image, or over the pixel budget
	CodeBadNonce         = "SUBMIT_BAD_NONCE"      // the challenge nonce is missing or wrong
	CodeReplayed         = "SUBMIT_REPLAYED"       // the verification already has a decision
	CodeExpired          = "SUBMIT_EXPIRED"        // the challenge or the verification has expired
	CodePlanMismatch     = "SUBMIT_PLAN_MISMATCH"  // the package's plan hash is not the issued challenge's
	CodeOutsideWindow    = "SUBMIT_OUTSIDE_WINDOW" // the capture times are outside the challenge's validity
	CodeNotPending       = "SERVER_NOT_PENDING"    // a new challenge for a finished or expired verification
)

// Sentinels, one per code, for errors.Is.
var (
	ErrBadRequest       = errors.New("server: bad request")
	ErrTooLarge         = errors.New("server: request too large")
	ErrNotFound         = errors.New("server: not found")
	ErrRateLimited      = errors.New("server: rate limited")
	ErrInternal         = errors.New("server: internal error")
	ErrAuthMissing      = errors.New("server: request not signed")
	ErrAuthUnknownKey   = errors.New("server: unknown API key")
	ErrAuthBadSignature = errors.New("server: bad signature")
	ErrAuthStale        = errors.New("server: stale request timestamp")
	ErrAuthNonceReused  = errors.New("server: request nonce reused")
	ErrDuplicateOrder   = errors.New("server: duplicate order number")
	ErrBadReference     = errors.New("server: bad reference photo")
	ErrBadNonce         = errors.New("server: bad challenge nonce")
	ErrReplayed         = errors.New("server: already submitted")
	ErrExpired          = errors.New("server: expired")
	ErrPlanMismatch     = errors.New("server: plan hash mismatch")
	ErrOutsideWindow    = errors.New("server: capture outside the challenge window")
	ErrNotPending       = errors.New("server: verification not pending")
)

var codeInfo = map[string]struct {
	err    error
	status int
}{
	CodeBadRequest: {ErrBadRequest, http.StatusBadRequest}, CodeTooLarge: {ErrTooLarge, http.StatusRequestEntityTooLarge},
	CodeNotFound: {ErrNotFound, http.StatusNotFound}, CodeRateLimited: {ErrRateLimited, http.StatusTooManyRequests},
	CodeInternal: {ErrInternal, http.StatusInternalServerError}, CodeAuthMissing: {ErrAuthMissing, http.StatusUnauthorized},
	CodeAuthUnknownKey: {ErrAuthUnknownKey, http.StatusUnauthorized}, CodeAuthBadSignature: {ErrAuthBadSignature, http.StatusUnauthorized},
	CodeAuthStale: {ErrAuthStale, http.StatusUnauthorized}, CodeAuthNonceReused: {ErrAuthNonceReused, http.StatusUnauthorized},
	CodeDuplicateOrder: {ErrDuplicateOrder, http.StatusConflict}, CodeBadReference: {ErrBadReference, http.StatusBadRequest},
	CodeBadNonce: {ErrBadNonce, http.StatusForbidden}, CodeReplayed: {ErrReplayed, http.StatusConflict},
	CodeExpired: {ErrExpired, http.StatusGone}, CodePlanMismatch: {ErrPlanMismatch, http.StatusBadRequest},
	CodeOutsideWindow: {ErrOutsideWindow, http.StatusBadRequest}, CodeNotPending: {ErrNotPending, http.StatusConflict},
}

// Error is a refusal: a stable code (the server's or evidence's), the HTTP
// status it is answered with, and what was wrong.
type Error struct {
	Code   string
	Status int
	Detail string
}

func (e *Error) Error() string { return fmt.Sprintf("server: %s: %s", e.Code, e.Detail) }

// Is matches the sentinel of the error's code.
func (e *Error) Is(target error) bool { return codeInfo[e.Code].err == target }

// errorf is a refusal with one of the server's codes.
func errorf(code, format string, a ...any) *Error {
	st := codeInfo[code].status
	if st == 0 {
		st = http.StatusBadRequest // evidence's codes: the package is refused
	}
	return &Error{Code: code, Status: st, Detail: fmt.Sprintf(format, a...)}
}
