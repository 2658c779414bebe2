package engine

import (
	"encoding/json"
	"time"

	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/liveness"
)

// Reference is what the live face is compared against.
type Reference string

const (
	NoReference     Reference = "none"        // liveness only
	PhotoReference  Reference = "photo"       // a photo the app holds (Session.SetReference)
	IDCardReference Reference = "id-portrait" // the portrait of the ID card read on the device
)

// Challenge is what the verifier's server issues for one verification and
// the app hands to NewSession: the seed the liveness plan is derived from,
// its config, the key the evidence is sealed to, and its validity.
type Challenge struct {
	VerificationID string
	Seed           []byte
	Nonce          string // single use; echoed in the evidence header
	Liveness       liveness.Config
	Compare        Reference
	IssuedAt       time.Time
	ExpiresAt      time.Time
	Key            *evidence.PublicKey
}

// challengeJSON is the challenge on the wire.
type challengeJSON struct {
	VerificationID string         `json:"verification_id"`
	Seed           []byte         `json:"seed"` // base64
	Nonce          string         `json:"nonce"`
	Liveness       livenessConfig `json:"liveness"`
	Compare        Reference      `json:"compare"`
	IssuedAt       time.Time      `json:"issued_at"`
	ExpiresAt      time.Time      `json:"expires_at"`
	KeyID          string         `json:"key_id"`
	PublicKey      []byte         `json:"public_key"` // base64 of evidence.PublicKey.Bytes
}

// livenessConfig is liveness.Config on the wire: actions by name, times in
// milliseconds, zero for the defaults.
type livenessConfig struct {
	Actions         []string `json:"actions,omitempty"`
	Count           int      `json:"count,omitempty"`
	ActionTimeoutMS int64    `json:"action_timeout_ms,omitempty"`
	TimeoutMS       int64    `json:"timeout_ms,omitempty"`
	BaselineMS      int64    `json:"baseline_ms,omitempty"`
	MinColors       int      `json:"min_colors,omitempty"`
	MaxColors       int      `json:"max_colors,omitempty"`
	MinColorTimeMS  int64    `json:"min_color_time_ms,omitempty"`
	MaxColorTimeMS  int64    `json:"max_color_time_ms,omitempty"`
}

// maxChallenge bounds what ParseChallenge reads: a challenge is a few
// kilobytes (the hybrid public key is 1216 bytes).
const maxChallenge = 16 << 10

// ParseChallenge reads a challenge from its JSON form (MarshalJSON). It
// checks the form, not the time: NewSession refuses an expired one.
func ParseChallenge(b []byte) (*Challenge, error) {
	if len(b) > maxChallenge {
		return nil, errorf(CodeChallengeMalformed, "%d bytes (limit %d)", len(b), maxChallenge)
	}
	var w challengeJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, errorf(CodeChallengeMalformed, "%v", err)
	}
	c := &Challenge{VerificationID: w.VerificationID, Seed: w.Seed, Nonce: w.Nonce, Compare: w.Compare,
		IssuedAt: w.IssuedAt, ExpiresAt: w.ExpiresAt}
	var err error
	if c.Liveness, err = w.Liveness.config(); err != nil {
		return nil, err
	}
	if c.Key, err = evidence.ParsePublicKey(w.KeyID, w.PublicKey); err != nil {
		return nil, errorf(CodeChallengeMalformed, "%v", err)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

// MarshalJSON is the challenge's wire form, what a server sends.
func (c *Challenge) MarshalJSON() ([]byte, error) {
	w := challengeJSON{VerificationID: c.VerificationID, Seed: c.Seed, Nonce: c.Nonce, Compare: c.Compare,
		IssuedAt: c.IssuedAt, ExpiresAt: c.ExpiresAt, Liveness: wireConfig(c.Liveness)}
	if c.Key != nil {
		w.KeyID, w.PublicKey = c.Key.ID, c.Key.Bytes()
	}
	return json.Marshal(&w)
}

// check refuses a challenge no session could be run for.
func (c *Challenge) check() error {
	switch {
	case c.VerificationID == "" || len(c.VerificationID) > 128:
		return errorf(CodeChallengeMalformed, "verification id %q: want 1..128 bytes", c.VerificationID)
	case c.Nonce == "" || len(c.Nonce) > 128:
		return errorf(CodeChallengeMalformed, "nonce: want 1..128 bytes")
	case c.Key == nil:
		return errorf(CodeChallengeMalformed, "no sealing key")
	case !c.ExpiresAt.After(c.IssuedAt):
		return errorf(CodeChallengeMalformed, "expires %v, not after issue %v", c.ExpiresAt, c.IssuedAt)
	}
	switch c.Compare {
	case NoReference, PhotoReference, IDCardReference:
	case "":
		c.Compare = NoReference
	default:
		return errorf(CodeChallengeMalformed, "compare %q: want none, photo or id-portrait", c.Compare)
	}
	if _, err := liveness.NewPlan(c.Seed, c.Liveness); err != nil {
		return errorf(CodeChallengeMalformed, "%v", err)
	}
	return nil
}

func (w livenessConfig) config() (liveness.Config, error) {
	ms := func(v int64) time.Duration { return time.Duration(v) * time.Millisecond }
	c := liveness.Config{Count: w.Count, ActionTimeout: ms(w.ActionTimeoutMS), Timeout: ms(w.TimeoutMS),
		Baseline: ms(w.BaselineMS), MinColors: w.MinColors, MaxColors: w.MaxColors,
		MinColorTime: ms(w.MinColorTimeMS), MaxColorTime: ms(w.MaxColorTimeMS)}
	for _, name := range w.Actions {
		a, ok := liveness.ParseAction(name)
		if !ok {
			return liveness.Config{}, errorf(CodeChallengeMalformed, "unknown action %q", name)
		}
		c.Actions = append(c.Actions, a)
	}
	return c, nil
}

func wireConfig(c liveness.Config) livenessConfig {
	ms := func(d time.Duration) int64 { return d.Milliseconds() }
	w := livenessConfig{Count: c.Count, ActionTimeoutMS: ms(c.ActionTimeout), TimeoutMS: ms(c.Timeout),
		BaselineMS: ms(c.Baseline), MinColors: c.MinColors, MaxColors: c.MaxColors,
		MinColorTimeMS: ms(c.MinColorTime), MaxColorTimeMS: ms(c.MaxColorTime)}
	for _, a := range c.Actions {
		w.Actions = append(w.Actions, a.String())
	}
	return w
}
