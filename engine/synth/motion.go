package synth

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/liveid/liveid/internal/geom"
	"github.com/liveid/liveid/liveness"
)

// How people move in front of the camera: the prompted gestures (timing
// and amplitudes as in liveness's simulated actors), spontaneous blinks and
// slow involuntary sway. Every draw comes from a stream of the session seed
// keyed by what it is for, so a gesture's timing does not depend on when
// frames were asked for.

// Random streams of a session seed.
const (
	streamScene uint64 = iota + 1
	streamGesture
	streamBlinks
	streamSway
	streamNoise
	streamPrint
	streamTablet
	streamSecond
)

// stream is the random source for one purpose (and key) of a seed.
func stream(seed, purpose, key uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed^purpose*0x9e3779b97f4a7c15, key))
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

func millis(r *rand.Rand, lo, hi float64) time.Duration {
	return time.Duration(uniform(r, lo, hi)) * time.Millisecond
}

// motion is what a performer's body does at one instant.
type motion struct {
	yaw, pitch float64 // degrees
	nearer     float64 // the distance shrinks by this factor
	shut       float64 // eyelids, 0 open to 1 closed
	mouth      float64 // jaw drop, cm
	action     liveness.Action
}

var still = motion{nearer: 1}

// gesture is one performance of an action.
type gesture struct {
	action     liveness.Action
	start, dur time.Duration
	amp, amp2  float64
	first      float64 // +1 or −1: which way a shake goes first
}

func (g *gesture) end() time.Duration { return g.start + g.dur }

// newGesture is attempt attempt of action a, prompted at prompted: it
// starts after a reaction time of 350–1000 ms.
func newGesture(seed, who uint64, a liveness.Action, attempt int, prompted time.Duration) gesture {
	r := stream(seed, streamGesture, who<<16|uint64(a)<<8|uint64(attempt))
	g := gesture{action: a, start: prompted + millis(r, 350, 1000), first: 1}
	if r.IntN(2) == 0 {
		g.first = -1
	}
	switch a {
	case liveness.Blink:
		// A deliberate blink closes the lids: liveness's simulation takes
		// 0.8–0.95 of the eye ratio, which keeps the tracker's floor (the
		// mesh puts the lids at different depths); here the pixels close.
		g.dur, g.amp = millis(r, 250, 400), uniform(r, 0.95, 1)
	case liveness.OpenMouth:
		g.dur, g.amp = millis(r, 900, 1600), uniform(r, 1.4, 2.4)
	case liveness.Nod:
		g.dur, g.amp = millis(r, 1000, 1600), uniform(r, 16, 25)
	case liveness.Shake:
		g.dur, g.amp, g.amp2 = millis(r, 1600, 2400), uniform(r, 20, 32), uniform(r, 20, 32)
	case liveness.NearFar:
		g.dur, g.amp = millis(r, 2000, 3000), uniform(r, 1.35, 1.6)
	}
	return g
}

// at is the gesture's motion at t.
func (g *gesture) at(t time.Duration) motion {
	m := still
	if g.action == 0 || t <= g.start || t >= g.end() {
		return m
	}
	m.action = g.action
	u := float64(t-g.start) / float64(g.dur)
	switch g.action {
	case liveness.Blink:
		m.shut = geom.Keys(u, 0, 0, 0.3, g.amp, 0.5, g.amp, 1, 0)
	case liveness.OpenMouth:
		m.mouth = geom.Keys(u, 0, 0, 0.3, g.amp, 0.7, g.amp, 1, 0)
	case liveness.Nod:
		m.pitch = geom.Keys(u, 0, 0, 0.4, -g.amp, 0.75, g.amp/3, 1, 0)
	case liveness.Shake:
		m.yaw = geom.Keys(u, 0, 0, 0.3, g.first*g.amp, 0.7, -g.first*g.amp2, 1, 0)
	case liveness.NearFar:
		m.nearer = geom.Keys(u, 0, 1, 0.4, g.amp, 0.6, g.amp, 1, 1)
	}
	return m
}

// retryAfter: a prompt still showing this long after the gesture ended is
// taken as "again". It is longer than the open-loop gap between actions.
const retryAfter = 2500 * time.Millisecond

// performer turns prompts into motion: each new action prompt starts a
// gesture after a reaction time, once the previous gesture is over; the
// same prompt showing long after it is tried again. A person also blinks
// now and then. who tells performers of one session apart.
type performer struct {
	seed, who uint64
	follows   bool // acts on prompts (a replayed recording does not)
	blinks    bool
	last      liveness.Action
	attempt   int
	prompts   int // distinct action prompts seen
	cur       gesture
	blink     blinker
}

func newPerformer(seed, who uint64, follows, blinks bool) *performer {
	return &performer{seed: seed, who: who, follows: follows, blinks: blinks,
		blink: blinker{r: stream(seed, streamBlinks, who)}}
}

func (pf *performer) step(t time.Duration, p Prompt) motion {
	if pf.follows && p.Phase == PhaseAction && p.Action != 0 {
		switch {
		case p.Action != pf.last:
			pf.last, pf.attempt = p.Action, 0
			pf.prompts++
			pf.begin(t)
		case t > pf.cur.end()+retryAfter:
			pf.attempt++
			pf.begin(t)
		}
	}
	m := pf.cur.at(t)
	if pf.blinks {
		if s := pf.blink.at(t); s > m.shut {
			m.shut = s
		}
	}
	return m
}

func (pf *performer) begin(t time.Duration) {
	g := newGesture(pf.seed, pf.who, pf.last, pf.attempt, t)
	if g.start < pf.cur.end() {
		g.start = pf.cur.end()
	}
	pf.cur = g
}

// blinker yields spontaneous blinks, one every 1.5–6 s.
type blinker struct {
	r    *rand.Rand
	next gesture
}

func (b *blinker) at(t time.Duration) float64 {
	for b.next.action == 0 || t >= b.next.end() {
		from := b.next.end()
		b.next = gesture{action: liveness.Blink, start: from + millis(b.r, 1500, 6000),
			dur: millis(b.r, 200, 350), amp: uniform(b.r, 0.85, 1)}
	}
	return b.next.at(t).shut
}

// sway is slow involuntary motion: one slow sine per degree of freedom
// (yaw, pitch, roll in degrees; x, y, distance in cm).
type sway struct{ amp, freq, phase [6]float64 }

func newSway(r *rand.Rand, deg, cm float64) sway {
	var s sway
	for i := range 6 {
		s.amp[i] = cm
		if i < 3 {
			s.amp[i] = deg
		}
		s.amp[i] *= 0.5 + r.Float64()
		s.freq[i] = 0.15 + 0.5*r.Float64()
		s.phase[i] = 2 * math.Pi * r.Float64()
	}
	return s
}

func (s *sway) at(t time.Duration, i int) float64 {
	return s.amp[i] * math.Sin(2*math.Pi*s.freq[i]*t.Seconds()+s.phase[i])
}
