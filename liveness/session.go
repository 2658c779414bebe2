package liveness

import (
	"fmt"
	"slices"
	"time"

	"github.com/liveid/liveid/face"
)

// Stream checks.
const (
	maxFrameGap    = 500 * time.Millisecond // longer camera stalls make timing checks meaningless
	faceLostGrace  = 400 * time.Millisecond // no face (or face off the frame) for longer: FaceLeftFrame
	multiFaceGrace = 300 * time.Millisecond // a second face for longer: MultipleFaces
	smallFaceGrace = time.Second            // a face too small (minFaceWidth) for longer: PoorQuality
	minBaseFrames  = 5
	eyeOpenMin     = 0.15 // eye aspect ratio under which eyes count as closed
	maxRepeats     = 1    // frames identical to an earlier one that are forgiven (trackRepeats)
)

// minFaceWidth is the smallest face, as its box width over the frame's
// shorter side, that the checks accept: the tracker's own limit
// (face.Config.MinFaceWidth, the same measure), under which it prompts
// TooFar: a smaller face has too few pixels for the passive models and
// the region colours. The tracker prompts at once; the session fails only when the
// face stays that small for smallFaceGrace, which gives the user time to
// come closer.
var minFaceWidth = face.DefaultConfig().MinFaceWidth

// Phase is the part of the session the user is in.
type Phase int

// The phases, in order.
const (
	PhaseBaseline Phase = iota // hold still, looking at the screen
	PhaseFlash                 // hold still while the screen flashes colours
	PhaseAction                // perform Prompt.Action
	PhaseDone                  // stop: call Finish
)

// Prompt tells the host what to show after an observation.
type Prompt struct {
	Phase  Phase
	Action Action // in PhaseAction, what to ask for
	Index  int    // its position in Plan.Actions
}

// Session runs one liveness check: the host shows ColorAt(t) on the screen,
// feeds every frame to Observe and prompts what it returns, until
// PhaseDone, then calls Finish. It also hands over passive model scores
// with AddPassive. A Session is not safe for concurrent use.
type Session struct {
	plan *Plan

	n       int // observations accepted
	last    time.Duration
	trackID uint64
	flags   map[Reason]bool
	done    bool

	lostSince, multiSince, smallSince time.Duration   // -1 when not in that state
	seen                              map[uint64]bool // content hashes of the frames with a face
	repeats                           int             // frames whose content was seen before
	eyeMax                            float32

	base        baseline
	refl        []reflSample
	reflChecked bool
	reflection  *ReflectionEvidence

	cur      int
	winStart time.Duration
	dets     map[Action]detector
	actions  []ActionEvidence
	passive  []PassiveScore
	frame    frame // the detectors' input for the latest observation
}

// ActionEvidence is what was seen of one prompted action.
type ActionEvidence struct {
	Action      Action
	Prompted    time.Duration
	Done        time.Duration // 0 if not completed
	Completed   bool
	Attempts    int     // gestures seen, including ones that failed verification
	Failed      Reason  // why the last unverified attempt failed, if one did
	Parallax    float64 // nod/shake: best RMS plane-fit residual / face width
	Perspective float64 // near–far: best span-ratio change per scale change
	ScaleRatio  float64 // near–far: near over far face size
}

// NewSession starts a session for the plan.
func NewSession(p *Plan) *Session {
	return &Session{plan: p, flags: map[Reason]bool{}, lostSince: -1, multiSince: -1, smallSince: -1}
}

// ColorAt is the colour the screen must show at time t (Plan.ColorAt).
func (s *Session) ColorAt(t time.Duration) Color { return s.plan.ColorAt(t) }

// AddPassive records the anti-spoofing models' scores for one face crop of
// this session (see Passive).
func (s *Session) AddPassive(p PassiveScore) { s.passive = append(s.passive, p) }

// Observe takes the next frame. The Observation is not kept: the host may
// reuse it and its slices. A nil Observation fails the session
// (MissingEvidence), as does one with a NaN or infinite field
// (PoorQuality): a value no check can be made on ends the session rather
// than skip the check.
func (s *Session) Observe(o *Observation) Prompt {
	if !s.done {
		s.observe(o)
	}
	return s.prompt()
}

func (s *Session) prompt() Prompt {
	switch {
	case s.done:
		return Prompt{Phase: PhaseDone}
	case s.n == 0 || s.last < s.plan.FlashStart:
		return Prompt{Phase: PhaseBaseline}
	case s.last < s.plan.ActionsStart:
		return Prompt{Phase: PhaseFlash}
	}
	return Prompt{Phase: PhaseAction, Action: s.plan.Actions[s.cur], Index: s.cur}
}

// fail flags r and ends the session.
func (s *Session) fail(r Reason) {
	s.flags[r] = true
	s.done = true
}

func (s *Session) observe(o *Observation) {
	switch {
	case o == nil:
		s.fail(MissingEvidence)
		return
	case !o.finite():
		s.fail(PoorQuality)
		return
	case o.T < 0 || s.n > 0 && o.T < s.last:
		s.fail(PoorQuality)
		return
	case s.n > 0 && o.T == s.last:
		s.flags[FrameRepeated] = true // a camera never delivers two frames at one capture time
		return
	case s.n > 0 && o.T-s.last > maxFrameGap:
		s.fail(PoorQuality)
		return
	case o.T > s.plan.Config.Timeout:
		s.fail(Timeout)
		return
	}
	s.n++
	s.last = o.T
	if !s.faceOK(o) {
		return
	}
	s.trackRepeats(o)
	s.eyeMax = max(s.eyeMax, (o.EyeOpen[0]+o.EyeOpen[1])/2)
	switch {
	case o.T < s.plan.ActionsStart:
		if o.T < s.plan.FlashStart {
			s.addBaseline(o)
		}
		s.addReflection(o)
	default:
		s.act(o)
	}
}

// faceOK applies the presence, track and framing rules; false means the
// frame is not used (and maybe the session failed).
func (s *Session) faceOK(o *Observation) bool {
	since := func(v *time.Duration, on bool, grace time.Duration, r Reason) {
		switch {
		case !on:
			*v = -1
		case *v < 0:
			*v = o.T
		case o.T-*v > grace:
			s.fail(r)
		}
	}
	since(&s.multiSince, o.Faces > 1, multiFaceGrace, MultipleFaces)
	present := o.Faces > 0 && inFrame(o)
	since(&s.lostSince, !present, faceLostGrace, FaceLeftFrame)
	if s.done || !present {
		return false
	}
	if len(o.Landmarks) != MeshPoints {
		s.fail(PoorQuality)
		return false
	}
	if len(s.seen) > 0 && o.TrackID != s.trackID {
		s.fail(FaceLeftFrame)
		return false
	}
	s.trackID = o.TrackID
	small := o.Box.W < minFaceWidth*float32(min(o.FrameW, o.FrameH))
	since(&s.smallSince, small, smallFaceGrace, PoorQuality)
	return !s.done && !small
}

// inFrame: the face box lies within the frame, allowing 5% of the face's
// size outside.
func inFrame(o *Observation) bool {
	b := o.Box
	m := 0.05 * b.W
	return o.FrameW > 0 && o.FrameH > 0 && b.W > 0 && b.H > 0 &&
		b.X >= -m && b.Y >= -m && b.X+b.W <= float32(o.FrameW)+m && b.Y+b.H <= float32(o.FrameH)+m
}

// trackRepeats counts the frames whose landmarks and region colours are
// bit for bit an earlier frame's, however far back: sensor noise makes
// that impossible for a camera, while an injected stream that freezes,
// loops a clip or pads itself with copies of frames does it every time.
// More than maxRepeats of them fail the session at Finish; one is forgiven
// so that a single frame delivered twice by a camera pipeline under load
// does not fail a genuine user. The session goes on to its end either way,
// so the prompts do not tell an attacker which frame gave the stream away.
func (s *Session) trackRepeats(o *Observation) {
	if s.seen == nil {
		s.seen = make(map[uint64]bool, 256)
	}
	h := contentHash(o)
	if s.seen[h] {
		s.repeats++
	}
	s.seen[h] = true
}

// act runs the action windows.
func (s *Session) act(o *Observation) {
	if s.dets == nil && !s.startActions() {
		return
	}
	if o.T-s.winStart > s.plan.Config.ActionTimeout {
		s.fail(Timeout)
		return
	}
	// The detectors take the frame through an interface, so it would
	// escape: it lives in the session, and a frame costs no allocation.
	s.frame = newFrame(o, &s.base)
	f := &s.frame
	want := s.plan.Actions[s.cur]
	for _, a := range AllActions {
		if !s.dets[a].step(f) {
			continue
		}
		switch {
		case a == want:
			s.verify(a, f)
			return
		case a != Blink: // people blink all the time; other gestures are deliberate
			s.fail(WrongOrder)
			return
		}
	}
}

// startActions closes the baseline and prompts the first action.
func (s *Session) startActions() bool {
	if len(s.base.samples) < minBaseFrames {
		s.fail(PoorQuality)
		return false
	}
	s.base.finish()
	s.analyzeReflection()
	s.dets = map[Action]detector{
		Blink:     &blinkDetector{open: max(s.base.eye, eyeOpenMin)},
		OpenMouth: &mouthDetector{base: s.base.mouth},
		Nod:       &turnDetector{deg: nodDeg},
		Shake:     &turnDetector{yaw: true, deg: shakeDeg, bothSides: true},
		NearFar:   &nearFarDetector{},
	}
	s.openWindow(s.plan.ActionsStart)
	return true
}

func (s *Session) openWindow(t time.Duration) {
	s.winStart = t
	for _, d := range s.dets {
		d.reset()
	}
	s.actions = append(s.actions, ActionEvidence{Action: s.plan.Actions[s.cur], Prompted: t})
}

// verify checks a completed gesture of the prompted action for 3-D
// consistency and either moves to the next action or lets the user retry.
func (s *Session) verify(a Action, f *frame) {
	ev := &s.actions[s.cur]
	ev.Attempts++
	ok := true
	switch d := s.dets[a].(type) {
	case *turnDetector:
		r, fit := planarResidual(s.base.ref, d.peakPts)
		ev.Parallax = max(ev.Parallax, r/s.base.width)
		if ok = fit && r/s.base.width >= MinParallax; !ok {
			ev.Failed = PlanarMotion
		}
	case *nearFarDetector:
		p := d.perspective()
		if ev.Perspective == 0 || p > ev.Perspective {
			ev.Perspective, ev.ScaleRatio = p, d.near[0]/d.far[0]
		}
		if ok = p >= MinPerspective; !ok {
			ev.Failed = DistanceCheckFailed
		}
	}
	if !ok {
		s.dets[a].reset() // the user may retry within the window
		return
	}
	ev.Completed, ev.Done = true, f.t
	s.cur++
	if s.cur == len(s.plan.Actions) {
		s.done = true
		return
	}
	s.openWindow(f.t)
}

// Finish ends the session and decides. It may be called at any time; a
// session that has not completed every step fails.
func (s *Session) Finish() Result {
	s.done = true
	if s.n == 0 {
		s.flags[MissingEvidence] = true
	}
	if s.cur < len(s.plan.Actions) {
		if !s.flags[Timeout] && !s.flags[WrongOrder] {
			s.flags[ActionNotCompleted] = true
		}
		if s.cur < len(s.actions) && s.actions[s.cur].Failed != "" {
			s.flags[s.actions[s.cur].Failed] = true
		}
	}
	if s.repeats > maxRepeats {
		s.flags[FrameRepeated] = true
	}
	if s.n > 0 && s.eyeMax < eyeOpenMin {
		s.flags[EyesClosedThroughout] = true
	}
	if !s.reflChecked && s.n > 0 {
		s.analyzeReflection()
	}
	if s.reflection == nil || !s.reflection.Pass {
		s.flags[ReflectionFailed] = true
	}
	pe := s.passiveEvidence()
	res := Result{Actions: s.actions, Reflection: s.reflection, Passive: pe, Frames: s.n}
	for _, r := range AllReasons {
		if s.flags[r] {
			res.Reasons = append(res.Reasons, r)
		}
	}
	res.Pass = len(res.Reasons) == 0
	return res
}

// Result is a session's decision and its evidence.
type Result struct {
	// Pass is true only when every required check passed.
	Pass bool
	// Reasons lists every failed check, in a fixed order; empty iff Pass.
	Reasons    []Reason
	Actions    []ActionEvidence
	Reflection *ReflectionEvidence // nil when there were no frames to analyse
	Passive    PassiveEvidence
	Frames     int // observations accepted
}

// Same reports whether two results are the same decision with the same
// evidence, number for number (a NaN equal to a NaN): what a server checks
// when it re-runs a device's session.
func (r Result) Same(o Result) bool {
	deref := func(r Result) string {
		refl := "nil"
		if r.Reflection != nil {
			refl = fmt.Sprintf("%+v", *r.Reflection)
		}
		return fmt.Sprintf("%v|%v|%+v|%s|%+v|%d", r.Pass, r.Reasons, r.Actions, refl, r.Passive, r.Frames)
	}
	return deref(r) == deref(o)
}

func (r Result) String() string {
	if r.Pass {
		return "pass"
	}
	return fmt.Sprintf("fail %v", r.Reasons)
}

// baseline is the user's resting state, measured before the actions.
type baseline struct {
	samples                []baseSample
	eye, mouth, yaw, pitch float32
	ref                    []point // mean rigid landmarks
	width                  float64 // mean 2-D outer span, for normalising residuals
}

type baseSample struct{ eye, mouth, yaw, pitch float32 }

func (s *Session) addBaseline(o *Observation) {
	b := &s.base
	b.samples = append(b.samples, baseSample{(o.EyeOpen[0] + o.EyeOpen[1]) / 2, o.MouthOpen, o.Yaw, o.Pitch})
	b.width += meanSpan(o.Landmarks, face.MeshOutlinePairs, false)
	if b.ref == nil {
		b.ref = rigid2D(nil, o.Landmarks)
		return
	}
	for i, p := range face.MeshRigidPoints {
		b.ref[i][0] += float64(o.Landmarks[p][0])
		b.ref[i][1] += float64(o.Landmarks[p][1])
	}
}

// finish turns the sums into means and takes robust levels: the open-eye
// level is the 75th percentile, above the blinks.
func (b *baseline) finish() {
	n := float64(len(b.samples))
	level := func(get func(baseSample) float32, p float64) float32 {
		v := make([]float32, len(b.samples))
		for i, s := range b.samples {
			v[i] = get(s)
		}
		slices.Sort(v)
		return v[int(p*float64(len(v)-1))]
	}
	b.eye = level(func(s baseSample) float32 { return s.eye }, 0.75)
	b.mouth = level(func(s baseSample) float32 { return s.mouth }, 0.5)
	b.yaw = level(func(s baseSample) float32 { return s.yaw }, 0.5)
	b.pitch = level(func(s baseSample) float32 { return s.pitch }, 0.5)
	for i := range b.ref {
		b.ref[i][0] /= n
		b.ref[i][1] /= n
	}
	b.width /= n
}
