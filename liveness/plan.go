package liveness

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/liveid/liveid/imgproc"
)

// Action is one gesture the user is asked to perform.
type Action uint8

// The actions a plan draws from. Nod, Shake and NearFar are geometric: they
// are checked for 3-D consistency, which a flat photo cannot fake.
const (
	Blink     Action = iota + 1 // close and reopen both eyes
	OpenMouth                   // open the mouth wide, then close it
	Nod                         // tilt the head down (or up) and back
	Shake                       // turn the head left and right, then back
	NearFar                     // bring the face closer to the camera, then back
)

var actionNames = [...]string{Blink: "blink", OpenMouth: "open_mouth", Nod: "nod", Shake: "shake", NearFar: "near_far"}

func (a Action) String() string {
	if a >= Blink && a <= NearFar {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// ParseAction is the action of a String name ("blink", "open_mouth", "nod",
// "shake", "near_far").
func ParseAction(name string) (Action, bool) {
	for a := Blink; a <= NearFar; a++ {
		if actionNames[a] == name {
			return a, true
		}
	}
	return 0, false
}

// Geometric reports whether the action is checked for 3-D consistency
// (nod, shake, near–far).
func (a Action) Geometric() bool { return a == Nod || a == Shake || a == NearFar }

// AllActions are every action a plan may ask for.
var AllActions = []Action{Blink, OpenMouth, Nod, Shake, NearFar}

// DefaultActions is the pool a Config without Actions draws from: every
// action but NearFar, which a host must ask for by name. Its 3-D check
// (MinPerspective) stands on the face outline's perspective, and through
// the real tracker on rendered heads with a mesh depth of 6 cm the measure
// ranged from -0.02 to 0.07 for live heads and from -0.07 to -0.02 for
// prints (SIMULATED, engine/eval): too weak to carry a default session,
// while blink, mouth, nod and shake are read reliably.
var DefaultActions = []Action{Blink, OpenMouth, Nod, Shake}

// Color is an sRGB screen colour.
type Color struct{ R, G, B uint8 }

// Linear is the colour in linear light, each channel on 0..1: what the
// screen emits for it, up to its brightness.
func (c Color) Linear() [3]float64 {
	return [3]float64{imgproc.SRGBToLinear(c.R), imgproc.SRGBToLinear(c.G), imgproc.SRGBToLinear(c.B)}
}

// Neutral is the screen colour outside the flash sequence; the ambient
// baseline of the reflection check is measured under it.
var Neutral = Color{255, 255, 255}

// Palette is the fixed set of flash colours: saturated, so that each one
// shifts skin chroma in its own direction.
var Palette = []Color{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}, {0, 255, 255}, {255, 0, 255}}

// Config is what the client and the server must agree on, besides the seed,
// to derive the same Plan. The zero value of a field means its default.
type Config struct {
	Actions       []Action      // pool to draw from (default DefaultActions)
	Count         int           // actions per session (default 3)
	ActionTimeout time.Duration // window for one action once prompted (default 6 s)
	Timeout       time.Duration // the whole session (default 30 s)
	Baseline      time.Duration // still face under the neutral screen before the flash (default 1 s)
	MinColors     int           // flash colours (default 8–16)
	MaxColors     int
	MinColorTime  time.Duration // duration of one flash colour (default 80–200 ms)
	MaxColorTime  time.Duration
}

// MaxLag is the longest display-to-camera latency the reflection check
// searches; actions are prompted only after the flash plus MaxLag.
const MaxLag = 300 * time.Millisecond

// withDefaults fills zero fields and sorts the pool, so that equal configs
// derive equal plans.
func (c Config) withDefaults() Config {
	if len(c.Actions) == 0 {
		c.Actions = DefaultActions
	}
	c.Actions = slices.Clone(c.Actions)
	slices.Sort(c.Actions)
	c.Actions = slices.Compact(c.Actions)
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if c.Count == 0 {
		c.Count = 3
	}
	def(&c.ActionTimeout, 6*time.Second)
	def(&c.Timeout, 30*time.Second)
	def(&c.Baseline, time.Second)
	if c.MinColors == 0 {
		c.MinColors = 8
	}
	if c.MaxColors == 0 {
		c.MaxColors = 16
	}
	def(&c.MinColorTime, 80*time.Millisecond)
	def(&c.MaxColorTime, 200*time.Millisecond)
	return c
}

func (c *Config) validate() error {
	for _, a := range c.Actions {
		if a < Blink || a > NearFar {
			return fmt.Errorf("liveness: config: unknown action %d", a)
		}
	}
	switch {
	case c.Count < 1 || c.Count > len(c.Actions):
		return fmt.Errorf("liveness: config: Count %d outside 1..%d (actions are drawn without repetition)", c.Count, len(c.Actions))
	case c.ActionTimeout < time.Second:
		return fmt.Errorf("liveness: config: ActionTimeout %v is under 1s", c.ActionTimeout)
	case c.Baseline < 500*time.Millisecond:
		return fmt.Errorf("liveness: config: Baseline %v is under 500ms (the eye, mouth and pose baselines need it)", c.Baseline)
	case c.MinColors < 4 || c.MaxColors < c.MinColors || c.MaxColors > 64:
		return fmt.Errorf("liveness: config: colour count %d..%d not within 4..64", c.MinColors, c.MaxColors)
	case c.MinColorTime < 40*time.Millisecond || c.MaxColorTime < c.MinColorTime || c.MaxColorTime > time.Second:
		return fmt.Errorf("liveness: config: colour time %v..%v not within 40ms..1s", c.MinColorTime, c.MaxColorTime)
	}
	need := c.Baseline + time.Duration(c.MaxColors)*c.MaxColorTime + MaxLag + time.Duration(c.Count)*c.ActionTimeout
	if c.Timeout < need {
		return fmt.Errorf("liveness: config: Timeout %v is shorter than the longest possible plan (%v)", c.Timeout, need)
	}
	return nil
}

// encode is the config's canonical byte form, mixed into the derivation so
// that a plan is bound to the config it was made for.
func (c *Config) encode() []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(len(c.Actions)))
	for _, a := range c.Actions {
		b = append(b, byte(a))
	}
	for _, v := range []int64{int64(c.Count), int64(c.ActionTimeout), int64(c.Timeout), int64(c.Baseline),
		int64(c.MinColors), int64(c.MaxColors), int64(c.MinColorTime), int64(c.MaxColorTime)} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	return b
}

// Flash is one colour of the reflection sequence, shown on [Start, Start+Dur).
type Flash struct {
	Color      Color
	Start, Dur time.Duration
}

// Plan is what the user is asked to do in one session. Times are on the
// session clock (Observation.T).
type Plan struct {
	Config       Config // with defaults filled in
	Actions      []Action
	Flashes      []Flash
	FlashStart   time.Duration // = Config.Baseline
	FlashEnd     time.Duration
	ActionsStart time.Duration // FlashEnd + MaxLag: the first action is prompted here
}

// MinSeedLen is the shortest server seed accepted (128 bits).
const MinSeedLen = 16

// planDomain separates this derivation from any other use of the seed.
const planDomain = "liveid/liveness/plan/v1"

// NewPlan derives the session plan from the server's seed and the config.
// The derivation is HMAC-SHA256 keyed by the seed in counter mode, so the
// server recomputes exactly the same plan from (seed, config), and nobody
// without the seed can predict it.
func NewPlan(seed []byte, cfg Config) (*Plan, error) {
	if len(seed) < MinSeedLen {
		return nil, fmt.Errorf("liveness: seed of %d bytes; need at least %d", len(seed), MinSeedLen)
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r := &drbg{key: seed, info: append([]byte(planDomain), cfg.encode()...)}
	p := &Plan{Config: cfg, Actions: drawActions(r, cfg.Actions, cfg.Count), FlashStart: cfg.Baseline}
	t := p.FlashStart
	n := cfg.MinColors + r.intn(cfg.MaxColors-cfg.MinColors+1)
	prev := -1
	for range n {
		c := r.intn(len(Palette) - 1)
		if prev >= 0 && c >= prev { // skip the previous colour: every change is visible
			c++
		}
		prev = c
		ms := r.intn(int((cfg.MaxColorTime-cfg.MinColorTime)/time.Millisecond) + 1)
		d := cfg.MinColorTime + time.Duration(ms)*time.Millisecond
		p.Flashes = append(p.Flashes, Flash{Color: Palette[c], Start: t, Dur: d})
		t += d
	}
	p.FlashEnd = t
	p.ActionsStart = t + MaxLag
	return p, nil
}

// drawActions draws count distinct actions in random order, at least one of
// them geometric when the pool has one: blinks and mouth movements alone can
// be played by a photo with cut-out eyes and mouth.
func drawActions(r *drbg, pool []Action, count int) []Action {
	var geo, rest []Action
	for _, a := range pool {
		if a.Geometric() {
			geo = append(geo, a)
		} else {
			rest = append(rest, a)
		}
	}
	var out []Action
	if len(geo) > 0 {
		i := r.intn(len(geo))
		out = append(out, geo[i])
		geo = slices.Delete(geo, i, i+1)
	}
	rest = append(rest, geo...)
	for len(out) < count {
		i := r.intn(len(rest))
		out = append(out, rest[i])
		rest = slices.Delete(rest, i, i+1)
	}
	for i := len(out) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// ColorAt is the colour the screen must show at time t of the session.
func (p *Plan) ColorAt(t time.Duration) Color {
	if t < p.FlashStart || t >= p.FlashEnd {
		return Neutral
	}
	i, _ := slices.BinarySearchFunc(p.Flashes, t, func(f Flash, t time.Duration) int {
		if f.Start+f.Dur <= t {
			return -1
		}
		if f.Start > t {
			return 1
		}
		return 0
	})
	return p.Flashes[i].Color
}

// drbg is a deterministic byte stream: HMAC-SHA256(key, info ‖ counter).
type drbg struct {
	key, info []byte
	ctr       uint32
	buf       []byte
}

func (r *drbg) uint32() uint32 {
	if len(r.buf) < 4 {
		m := hmac.New(sha256.New, r.key)
		m.Write(r.info)
		m.Write(binary.BigEndian.AppendUint32(nil, r.ctr))
		r.ctr++
		r.buf = m.Sum(r.buf[:0])
	}
	v := binary.BigEndian.Uint32(r.buf)
	r.buf = r.buf[4:]
	return v
}

// intn is uniform on [0, n) by rejection, without modulo bias.
func (r *drbg) intn(n int) int {
	limit := (1 << 32) / uint64(n) * uint64(n)
	for {
		if v := uint64(r.uint32()); v < limit {
			return int(v % uint64(n))
		}
	}
}
