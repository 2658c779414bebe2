package engine

import (
	"time"

	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/face"
)

// Version is the engine's name and version, written into every evidence
// header.
const Version = "liveid-engine 0.1"

// Config opens an Engine. Dir is required; every other zero value means
// the documented default.
type Config struct {
	// Dir is the model directory the app bundles (every model and asset
	// of the manifest the engine runs).
	Dir string
	// RuntimeLibrary is the ONNX Runtime shared library to load; "" when
	// the host process has already started the runtime (models.InitRuntime).
	RuntimeLibrary string
	// Threads is each model's intra-op thread count (default 1). Threads
	// never spin waiting for work (see models.Options).
	Threads int
	// OCR also loads the ID-card reader, for challenges that compare
	// against the card's portrait (Session.ReadIDCard).
	OCR bool
	// Language is the BCP 47 tag of the messages (default en); Messages
	// overrides any entry of the table by code.
	Language string
	Messages map[string]string
	// Face holds the tracker's thresholds (default face.DefaultConfig()).
	Face *face.Config
	// CompareModel and FAR configure the on-device comparison (defaults
	// compare.DefaultModel and 1e-3); its result is advisory.
	CompareModel string
	FAR          float64
	// PrecheckFrames good frames in a row start the liveness check
	// (default 10, a third of a second at 30 fps: long enough that a
	// face passing through the good range by chance does not start it).
	PrecheckFrames int
	// PrecheckTimeout ends a session whose face never got good (default
	// 20 s on the frames' clock).
	PrecheckTimeout time.Duration
	// BestFrames is how many best frames are kept and sealed (1..3,
	// default 3): the session is split into that many parts (before the
	// actions, then the actions in order) and the best frame of each is
	// kept; with 1 there is no identity check across the session.
	BestFrames int
	// FlashMaxLuma and FlashMaxClipped refuse to start the flash in light
	// too bright for the reflection check (defaults 170 and 0.02): the
	// screen's light must stand out against the room's, and a face near
	// the top of the sensor's range, or partly clipped, has no headroom
	// left for the flash to show in.
	FlashMaxLuma, FlashMaxClipped float32
	// NoLightProbe starts the liveness plan right after the pre-check,
	// without the light probe (see ProbeTime): for hosts that cannot drive
	// the screen before the flash, and for runs of a few frames (tests
	// under emulation). The reflection check still decides.
	NoLightProbe bool
	// IrisEvery runs the iris model on one frame in IrisEvery where the
	// eyes do not matter frame by frame (default 4; 1: every frame): the
	// light probe, the flash and every action but a blink. The pre-check
	// (eyes open), the baseline (the user's own open-eye level) and a
	// blink are measured on every frame. Iris is three quarters of the
	// tracker's work (face.Tracker.SetIrisEvery).
	IrisEvery int
	// Device is written into every evidence header.
	Device evidence.Device
	// Now is the wall clock challenge expiry is checked against (default
	// time.Now); the session itself runs on the frames' timestamps.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Threads == 0 {
		c.Threads = 1
	}
	if c.Face == nil {
		fc := face.DefaultConfig()
		c.Face = &fc
	}
	if c.CompareModel == "" {
		c.CompareModel = compare.DefaultModel
	}
	if c.FAR == 0 {
		c.FAR = 1e-3
	}
	if c.PrecheckFrames == 0 {
		c.PrecheckFrames = 10
	}
	if c.PrecheckTimeout == 0 {
		c.PrecheckTimeout = 20 * time.Second
	}
	if c.BestFrames == 0 {
		c.BestFrames = 3
	}
	if c.FlashMaxLuma == 0 {
		c.FlashMaxLuma = 170
	}
	if c.FlashMaxClipped == 0 {
		c.FlashMaxClipped = 0.02
	}
	if c.IrisEvery == 0 {
		c.IrisEvery = 4
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func (c *Config) validate() error {
	switch {
	case c.Dir == "":
		return errorf(CodeBadConfig, "no model directory")
	case c.Threads < 1 || c.Threads > 16:
		return errorf(CodeBadConfig, "Threads %d outside 1..16", c.Threads)
	case c.PrecheckFrames < 1 || c.PrecheckFrames > 300:
		return errorf(CodeBadConfig, "PrecheckFrames %d outside 1..300", c.PrecheckFrames)
	case c.BestFrames < 1 || c.BestFrames > 3:
		return errorf(CodeBadConfig, "BestFrames %d outside 1..3", c.BestFrames)
	case c.IrisEvery < 1 || c.IrisEvery > 30:
		return errorf(CodeBadConfig, "IrisEvery %d outside 1..30", c.IrisEvery)
	case c.PrecheckTimeout < time.Second:
		return errorf(CodeBadConfig, "PrecheckTimeout %v under 1s", c.PrecheckTimeout)
	}
	return nil
}
