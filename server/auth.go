package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/liveid/liveid/server/store"
)

// The headers of a signed backend request.
const (
	HeaderKey       = "X-Liveid-Key"
	HeaderTimestamp = "X-Liveid-Timestamp" // Unix seconds
	HeaderNonce     = "X-Liveid-Nonce"     // unique per request, 16..64 characters
	HeaderSignature = "X-Liveid-Signature" // hex HMAC-SHA256
)

// SignatureWindow is how far a request's timestamp may be from the
// server's clock.
const SignatureWindow = 5 * time.Minute

// StringToSign is what a backend request's signature covers: the method,
// the path with its query, the hex sha256 of the body, the timestamp and
// the nonce, one a line after a version line.
func StringToSign(method, pathQuery string, body []byte, timestamp, nonce string) string {
	sum := sha256.Sum256(body)
	return "LIVEID-HMAC-SHA256\n" + method + "\n" + pathQuery + "\n" + hex.EncodeToString(sum[:]) + "\n" + timestamp + "\n" + nonce
}

// Sign is the hex HMAC-SHA256 of the string to sign with the key's secret.
func Sign(secret, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// SignRequest sets the signature headers of r, whose body is body.
func SignRequest(r *http.Request, keyID, secret string, body []byte, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	nonce := randomHex(16)
	r.Header.Set(HeaderKey, keyID)
	r.Header.Set(HeaderTimestamp, ts)
	r.Header.Set(HeaderNonce, nonce)
	r.Header.Set(HeaderSignature, Sign(secret, StringToSign(r.Method, r.URL.RequestURI(), body, ts, nonce)))
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// authenticate checks a backend request's signature and spends its nonce,
// returning the app it was signed for.
func (s *Server) authenticate(ctx context.Context, r *http.Request, body []byte) (store.App, error) {
	keyID, ts, nonce, sig := r.Header.Get(HeaderKey), r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderNonce), r.Header.Get(HeaderSignature)
	if keyID == "" || ts == "" || nonce == "" || sig == "" {
		return store.App{}, errorf(CodeAuthMissing, "want the %s, %s, %s and %s headers", HeaderKey, HeaderTimestamp, HeaderNonce, HeaderSignature)
	}
	if len(nonce) < 16 || len(nonce) > 64 {
		return store.App{}, errorf(CodeAuthMissing, "nonce of %d characters: want 16..64", len(nonce))
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	now := s.cfg.Now()
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > SignatureWindow {
		return store.App{}, errorf(CodeAuthStale, "timestamp %q is more than %v from the server's clock", ts, SignatureWindow)
	}
	key, app, err := s.cfg.Store.APIKey(ctx, keyID)
	if errors.Is(err, store.ErrNotFound) {
		return store.App{}, errorf(CodeAuthUnknownKey, "no key %q", keyID)
	} else if err != nil {
		return store.App{}, err
	}
	want := Sign(key.Secret, StringToSign(r.Method, r.URL.RequestURI(), body, ts, nonce))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return store.App{}, errorf(CodeAuthBadSignature, "the signature does not match the request")
	}
	// Spent after the signature checks, so a forger cannot burn nonces.
	if err := s.cfg.Store.UseNonce(ctx, "api:"+keyID, nonce, time.Unix(sec, 0).Add(SignatureWindow)); errors.Is(err, store.ErrNonceUsed) {
		return store.App{}, errorf(CodeAuthNonceReused, "nonce already used")
	} else if err != nil {
		return store.App{}, err
	}
	return app, nil
}
