package server

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/liveid/liveid/server/store"
)

// Config configures a Server. Store and Keys are required, Deciders for
// submissions; every zero value means the documented default.
type Config struct {
	Store    store.Store
	Keys     *Keyring
	Deciders *Deciders
	Logger   *slog.Logger     // default slog.Default()
	Now      func() time.Time // default time.Now

	// VerificationTTL is how long a verification can be submitted and
	// re-challenged (default 30 min, Aliyun's CertifyId); ChallengeTTL how
	// long one challenge, and so its single-use nonce, is valid (default
	// 120 s, Tencent's NONCE ticket), capped by the verification's expiry.
	// SubmitGrace is the upload time allowed past the challenge's expiry
	// (default 30 s).
	VerificationTTL, ChallengeTTL, SubmitGrace time.Duration
	// Retention is how long reference photos, packages and best frames
	// are kept (default 72 h, the vendors' 3 days); decisions stay.
	// PurgeEvery is how often Run purges (default 1 h).
	Retention, PurgeEvery time.Duration

	// AppRate and IPRate are requests a second allowed per app (backend
	// calls) and per client IP (every call), with bursts of AppBurst and
	// IPBurst (defaults 50/100 and 20/40); a negative rate disables one.
	AppRate, IPRate   float64
	AppBurst, IPBurst int

	// CallbackEvery is how often Run looks for callbacks due (default 1
	// s); CallbackAttempts bounds the deliveries tried (default 10, the
	// n-th retry 2ⁿ s after the previous, at most an hour apart).
	// InsecureCallbacks allows http:// callback URLs (tests, loopback).
	CallbackEvery     time.Duration
	CallbackAttempts  int
	CallbackClient    *http.Client // default: 10 s timeout
	InsecureCallbacks bool
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.VerificationTTL, 30*time.Minute)
	def(&c.ChallengeTTL, 120*time.Second)
	def(&c.SubmitGrace, 30*time.Second)
	def(&c.Retention, 72*time.Hour)
	def(&c.PurgeEvery, time.Hour)
	def(&c.CallbackEvery, time.Second)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.AppRate == 0 {
		c.AppRate, c.AppBurst = 50, 100
	}
	if c.IPRate == 0 {
		c.IPRate, c.IPBurst = 20, 40
	}
	if c.CallbackAttempts == 0 {
		c.CallbackAttempts = 10
	}
	if c.CallbackClient == nil {
		c.CallbackClient = &http.Client{Timeout: 10 * time.Second}
	}
	return c
}

func (c *Config) validate() error {
	switch {
	case c.Store == nil:
		return errors.New("server: no store")
	case c.Keys == nil:
		return errors.New("server: no evidence keys")
	case c.ChallengeTTL > c.VerificationTTL:
		return errors.New("server: ChallengeTTL longer than VerificationTTL")
	}
	return nil
}
