package evidence

import "time"

// FormatVersion is the format this build writes; Open reads only it.
const FormatVersion = 1

// Header is the package's plaintext part: what a server needs before it
// decrypts (which key, which verification) and what it may log. It is the
// AEAD's additional data, so it cannot be changed without Open failing.
type Header struct {
	Format         int    `json:"format"`          // FormatVersion
	Engine         string `json:"engine"`          // the engine's name and version
	VerificationID string `json:"verification_id"` // the server's id of this verification
	KeyID          string `json:"key_id"`          // the id of the key it is sealed to
	// PlanHash is the hex sha256 the liveness plan is derived under (seed
	// and config), for the server to check it re-derives the same plan.
	PlanHash     string    `json:"plan_hash"`
	CaptureStart time.Time `json:"capture_start"`
	CaptureEnd   time.Time `json:"capture_end"`
	Device       Device    `json:"device"`
	Suite        Suite     `json:"suite"` // set by Seal
}

// Device is what the app says about where the capture ran.
type Device struct {
	Model string `json:"model,omitempty"`
	OS    string `json:"os,omitempty"`
	App   string `json:"app,omitempty"`
}

// Suite names the HPKE algorithms by their RFC 9180 ids.
type Suite struct {
	KEM  uint16 `json:"kem"`
	KDF  uint16 `json:"kdf"`
	AEAD uint16 `json:"aead"`
}

// Body is the encrypted part.
type Body struct {
	Trace      Trace             `json:"-"` // stored in its own binary section
	Passive    []PassiveScore    `json:"passive"`
	BestFrames []BestFrame       `json:"best_frames"`
	Local      Decision          `json:"local"`
	Compare    *CompareResult    `json:"compare,omitempty"`
	Models     map[string]string `json:"models"` // model name → sha256 of the file that ran
}

// PassiveScore is one crop's anti-spoofing scores.
type PassiveScore struct {
	Real float32 `json:"real"`
	Live float32 `json:"live"`
}

// BestFrame is one kept frame: the aligned face crop as JPEG and when and
// how well it was taken.
type BestFrame struct {
	T      time.Duration `json:"t_ns"`  // on the session clock
	Score  float32       `json:"score"` // the tracker's best-frame score
	Width  int           `json:"width"`
	Height int           `json:"height"`
	JPEG   []byte        `json:"-"` // stored in its own section
}

// Decision is a verdict with its stable reason codes.
type Decision struct {
	Pass    bool     `json:"pass"`
	Reasons []string `json:"reasons"`
}

// CompareResult is the device's advisory comparison against the
// reference.
type CompareResult struct {
	Model      string  `json:"model"`
	Reference  string  `json:"reference"` // "photo" or "id-portrait"
	Similarity float32 `json:"similarity"`
	Score      float32 `json:"score"`
	Pass       bool    `json:"pass"`
}

// Package is an opened package.
type Package struct {
	Header Header
	Body   Body
}
