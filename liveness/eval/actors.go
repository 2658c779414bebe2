package eval

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/internal/geom"
	"github.com/liveid/liveid/liveness"
)

// This file holds who stands in front of the simulated camera: a person,
// a photo (still, or moved and tilted with cut-out eyes and mouth), a
// replayed recording on a screen, and one frame injected over and over.

// actor produces the next frame at time t, having seen the last prompt; ok
// is false when it has nothing more to show.
type actor interface {
	frame(t time.Duration, p liveness.Prompt) (o *liveness.Observation, ok bool)
}

// gesture is one performance of an action, started at start.
type gesture struct {
	action     liveness.Action
	start, dur time.Duration
	amp, amp2  float64
	first      float64 // +1 or −1: which way a shake goes first
}

// motion is a gesture's contribution at time t.
type motion struct {
	yaw, pitch, nearer, shut, mouth float64 // nearer: factor the distance shrinks by
}

func (g *gesture) at(t time.Duration) motion {
	m := motion{nearer: 1}
	if g == nil || t <= g.start || t >= g.start+g.dur {
		return m
	}
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

// performer reacts to prompts the way people do: after a reaction time,
// performing the action with its own amplitude and speed, and trying again
// if the prompt does not move on.
type performer struct {
	rng     *rand.Rand
	prompt  liveness.Prompt
	current *gesture
	blinks  bool // adds spontaneous blinks
	blink   *gesture
}

func (pf *performer) step(t time.Duration, p liveness.Prompt) (m motion) {
	if p.Phase == liveness.PhaseAction && (p != pf.prompt || pf.current != nil && t > pf.current.start+pf.current.dur+800*time.Millisecond) {
		pf.current = newGesture(pf.rng, p.Action, t+time.Duration(350+pf.rng.IntN(650))*time.Millisecond)
	}
	pf.prompt = p
	m = pf.current.at(t)
	if pf.blinks {
		if pf.blink == nil || t > pf.blink.start+pf.blink.dur { // the next one in 1.5–6 s
			pf.blink = newGesture(pf.rng, liveness.Blink, t+time.Duration(1500+pf.rng.IntN(4500))*time.Millisecond)
		}
		m.shut = max(m.shut, pf.blink.at(t).shut)
	}
	return m
}

func newGesture(rng *rand.Rand, a liveness.Action, start time.Duration) *gesture {
	span := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	g := &gesture{action: a, start: start, first: 1}
	if rng.IntN(2) == 0 {
		g.first = -1
	}
	ms := func(lo, hi float64) time.Duration { return time.Duration(span(lo, hi)) * time.Millisecond }
	switch a {
	case liveness.Blink:
		g.dur, g.amp = ms(250, 400), span(0.8, 0.95)
	case liveness.OpenMouth:
		g.dur, g.amp = ms(900, 1600), span(1.4, 2.4)
	case liveness.Nod:
		g.dur, g.amp = ms(1000, 1600), span(16, 25)
	case liveness.Shake:
		g.dur, g.amp, g.amp2 = ms(1600, 2400), span(20, 32), span(20, 32)
	case liveness.NearFar:
		g.dur, g.amp = ms(2000, 3000), span(1.35, 1.6)
	}
	return g
}

// sway is slow involuntary motion: one slow sine per degree of freedom
// (yaw, pitch, roll in degrees; x, y, distance in cm).
type sway struct{ amp, freq, phase [6]float64 }

func newSway(rng *rand.Rand, deg, cm float64) sway {
	var s sway
	for i := range 6 {
		s.amp[i] = cm
		if i < 3 {
			s.amp[i] = deg
		}
		s.amp[i] *= 0.5 + rng.Float64()
		s.freq[i] = 0.15 + 0.5*rng.Float64()
		s.phase[i] = 2 * math.Pi * rng.Float64()
	}
	return s
}

func (s *sway) at(t time.Duration, i int) float64 {
	return s.amp[i] * math.Sin(2*math.Pi*s.freq[i]*t.Seconds()+s.phase[i])
}

// person is a genuine user: a real head that moves, blinks and follows the
// prompts.
type person struct {
	sc       *scene
	h        *head
	pf       performer
	dist     float64 // face to camera, cm
	sw       sway
	turn     [2]float64 // resting yaw and pitch
	posedBuf [liveness.MeshPoints]geom.Vec3
}

func newPerson(sc *scene, h *head, rng *rand.Rand) *person {
	return &person{sc: sc, h: h, pf: performer{rng: rng, blinks: true}, dist: 28 + 14*rng.Float64(),
		sw: newSway(rng, 1.5, 0.4), turn: [2]float64{8 * (rng.Float64() - 0.5), 8 * (rng.Float64() - 0.5)}}
}

func (p *person) frame(t time.Duration, pr liveness.Prompt) (*liveness.Observation, bool) {
	m := p.pf.step(t, pr)
	ps := pose{
		yaw:   p.turn[0] + m.yaw + p.sw.at(t, 0),
		pitch: p.turn[1] + m.pitch + p.sw.at(t, 1),
		roll:  p.sw.at(t, 2),
		pivot: geom.Vec3{p.sw.at(t, 3), p.sw.at(t, 4), p.dist/m.nearer + p.sw.at(t, 5) + neck[2]},
	}
	ex := expression{shut: [2]float64{m.shut, m.shut}, mouth: m.mouth}
	return p.sc.renderHead(p.h, ps, ex, t, &p.posedBuf), true
}

// photo is a printed photo of the subject held in front of the camera.
// A moving photo follows the prompts with the whole sheet — turned for a
// shake, tilted for a nod, brought closer for near–far — and has its eyes
// and mouth cut out, so the attacker's own blinks and mouth show through:
// the strongest planar attack.
type photo struct {
	sc      *scene
	h       *head
	pf      performer
	moving  bool
	dist    float64
	sw      sway
	uv      [liveness.MeshPoints]point
	z       [liveness.MeshPoints]float64
	eyes    [2]float32
	mouth   float32
	mouthCm float64 // mouth width on the print, to turn cm into a ratio
}

func newPhoto(sc *scene, h *head, rng *rand.Rand, moving bool) *photo {
	// Printed from a near-frontal portrait, life-size or down to half size
	// held proportionally closer so that the face looks as large as a real
	// one: a small print near the screen is lit unevenly by distance alone.
	size := 0.5 + 0.5*rng.Float64()
	ph := &photo{sc: sc, h: h, pf: performer{rng: rng}, moving: moving, dist: (28 + 14*rng.Float64()) * size, sw: newSway(rng, 1, 0.3*size)}
	r := geom.Rotation(6*(rng.Float64()-0.5), 6*(rng.Float64()-0.5), 0)
	var posed [liveness.MeshPoints]geom.Vec3
	h.posed(expression{}, &posed)
	for i, p := range posed {
		q := r.Apply(p).Scale(size)
		ph.uv[i], ph.z[i] = point{q[0], q[1]}, q[2]
	}
	ph.eyes, ph.mouth = openness(&posed)
	ph.mouthCm = posed[face.MeshMouthInnerRight].Sub(posed[face.MeshMouthInnerLeft]).Norm() * size
	return ph
}

func (ph *photo) frame(t time.Duration, pr liveness.Prompt) (*liveness.Observation, bool) {
	m := motion{nearer: 1}
	if ph.moving {
		m = ph.pf.step(t, pr)
	}
	yaw, pitch, roll := m.yaw+ph.sw.at(t, 0), m.pitch+ph.sw.at(t, 1), ph.sw.at(t, 2)
	pl := plane{r: geom.Rotation(yaw, pitch, roll), centre: geom.Vec3{ph.sw.at(t, 3), ph.sw.at(t, 4), ph.dist/m.nearer + ph.sw.at(t, 5)}}
	o := ph.sc.renderFlat(pl, &ph.uv, &ph.z, t)
	// The worst case for us: the tracker reads the sheet's tilt as a head
	// turn, and sees the attacker's real eyes and mouth through the holes.
	o.Yaw, o.Pitch, o.Roll = float32(yaw), float32(pitch), float32(roll)
	o.EyeOpen = [2]float32{ph.eyes[0] * float32(1-m.shut), ph.eyes[1] * float32(1-m.shut)}
	o.MouthOpen = ph.mouth + float32(m.mouth/ph.mouthCm)
	ph.sc.printRegions(o, pl, ph.h, &ph.uv, t)
	ph.sc.finish(o)
	return o, true
}

// replay plays a recorded genuine session on a tablet held in front of
// the camera: the recording's landmarks seen through the screen's plane, its
// colours as the tablet emits them, plus the phone's current flash
// reflected faintly and evenly by the tablet's glass.
type replay struct {
	sc     *scene
	rec    []*liveness.Observation
	i      int
	offset time.Duration // when the attacker pressed play, on the session clock
	scale  float64       // cm on the tablet per recorded pixel
	pl     plane
	bright float64
	glass  float64
}

func newReplay(sc *scene, rec []*liveness.Observation, rng *rand.Rand) *replay {
	dist := 20 + 10*rng.Float64()
	return &replay{sc: sc, rec: rec, offset: time.Duration(rng.IntN(800)-300) * time.Millisecond, scale: dist / camF * (0.85 + 0.3*rng.Float64()),
		pl:     plane{r: geom.Rotation(8*(rng.Float64()-0.5), 8*(rng.Float64()-0.5), 4*(rng.Float64()-0.5)), centre: geom.Vec3{0, 0, dist}},
		bright: 0.8 + 0.4*rng.Float64(), glass: 0.004 + 0.01*rng.Float64()}
}

func (rp *replay) frame(t time.Duration, _ liveness.Prompt) (*liveness.Observation, bool) {
	for rp.i+1 < len(rp.rec) && rp.rec[rp.i+1].T <= t-rp.offset {
		rp.i++
	}
	src := rp.rec[rp.i]
	if t-rp.offset > src.T+time.Second {
		return nil, false // the recording has ended
	}
	var uv [liveness.MeshPoints]point
	var z [liveness.MeshPoints]float64
	for i, p := range src.Landmarks {
		uv[i] = point{(float64(p[0]) - camW/2) * rp.scale, (float64(p[1]) - camH/2) * rp.scale}
		z[i] = float64(p[2]) * rp.scale
	}
	o := rp.sc.renderFlat(rp.pl, &uv, &z, t)
	o.Yaw, o.Pitch, o.Roll = src.Yaw, src.Pitch, src.Roll
	o.EyeOpen, o.MouthOpen = src.EyeOpen, src.MouthOpen
	e := rp.sc.emitted(t)
	for reg := range liveness.NumRegions {
		var c geom.Vec3
		for k := range 3 {
			c[k] = float64(src.Regions[reg][k])*rp.bright + rp.glass*e[k]
		}
		o.Regions[reg] = rp.sc.sensor(c)
	}
	rp.sc.finish(o)
	return o, true
}

// injected is one frame fed as the whole stream by a virtual camera.
type injected struct{ o liveness.Observation }

func (in *injected) frame(t time.Duration, _ liveness.Prompt) (*liveness.Observation, bool) {
	o := in.o
	o.T = t
	return &o, true
}

// recorder keeps every frame an actor produces.
type recorder struct {
	actor
	frames []*liveness.Observation
}

func (r *recorder) frame(t time.Duration, p liveness.Prompt) (*liveness.Observation, bool) {
	o, ok := r.actor.frame(t, p)
	if ok {
		r.frames = append(r.frames, o)
	}
	return o, ok
}
