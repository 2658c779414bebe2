package engine

import (
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
)

// Engine-level failure codes a Result may give besides the LIVENESS_ and
// COMPARE_ ones.
const (
	ReasonCancelled       = "ENGINE_CANCELLED"         // Cancel was called
	ReasonPrecheckTimeout = "ENGINE_PRECHECK_TIMEOUT"  // the face never got good enough to start
	ReasonBadStream       = "ENGINE_BAD_FRAME"         // frames changed size or format, or time went back
	ReasonExpired         = "ENGINE_CHALLENGE_EXPIRED" // the challenge expired before Finish
	ReasonNoReference     = "ENGINE_NO_REFERENCE"      // a comparison was asked for and no reference given
	ReasonNoMatch         = "COMPARE_NO_MATCH"         // the live face did not match the reference
	ReasonFaceChanged     = "ENGINE_FACE_CHANGED"      // the best frames, over the session, show different people
)

// Session runs one verification: Push every camera frame and show the
// Guidance, then Finish. The session clock is the frames' timestamps: they
// must grow, and the liveness plan's times count from the first frame of
// the baseline. A Session is not safe for concurrent use.
type Session struct {
	e    *Engine
	ch   *Challenge
	plan *liveness.Plan
	live *liveness.Session // nil until the precheck passes

	wallStart time.Time
	frames    int
	geom      frameGeom
	last      time.Duration // timestamp of the last frame
	first     time.Duration // of the first frame
	liveStart time.Duration // of the first baseline frame
	good      int           // good precheck frames in a row
	probe     probe
	// brightUntil: the bright-light prompt holds until then.
	brightUntil time.Duration
	// lastProblem is the precheck's prompt for the latest frame, prompt
	// the liveness session's.
	lastProblem string
	prompt      liveness.Prompt
	phase       Phase
	failed      string // the engine-level failure, "" if none
	over        bool   // Finish or Cancel ran

	res   face.Result
	obs   liveness.Observation
	trace traceWriter
	best  bestFrames
	ref   *reference
}

// frameGeom is what must not change between a session's frames.
type frameGeom struct {
	w, h, rotation int
	format         imgproc.Format
	mirror         bool
}

func geomOf(f *imgproc.Frame) frameGeom {
	return frameGeom{f.Width, f.Height, f.Rotation, f.Format, f.Mirror}
}

func newSession(e *Engine, ch *Challenge, plan *liveness.Plan, now time.Time) *Session {
	s := &Session{e: e, ch: ch, plan: plan, wallStart: now, probe: probe{start: -1}}
	s.trace.init(plan)
	s.best.init(e.cfg.BestFrames)
	s.obs.Landmarks = make([][3]float32, liveness.MeshPoints)
	return s
}

// Push takes the next camera frame and says what to show. A frame that is
// invalid, of another size, format or orientation than the session's first,
// or not later than the previous one fails the session (Finish gives the
// reason) and returns a typed error; Push after Finish or Cancel returns
// ErrSessionOver. The frame's buffers are not kept.
func (s *Session) Push(f *imgproc.Frame) (Guidance, error) {
	if s.over {
		return Guidance{}, errorf(CodeSessionOver, "Push after Finish or Cancel")
	}
	if s.phase == PhaseFailed || s.phase == PhaseCapture {
		return s.guidance(), nil
	}
	if err := s.checkFrame(f); err != nil {
		s.fail(ReasonBadStream)
		return s.guidance(), err
	}
	s.e.tracker.SetIrisEvery(s.irisEvery())
	if err := s.e.tracker.Process(f, &s.res); err != nil {
		s.fail(ReasonBadStream)
		return s.guidance(), err
	}
	if s.live == nil {
		if s.probe.start < 0 {
			s.precheck(f)
			return s.guidance(), nil
		}
		if !s.probeFrame(f) {
			return s.guidance(), nil
		}
	}
	return s.guidance(), s.observe(f)
}

// irisEvery is the iris cadence for the next frame: every frame where the
// eyes are judged frame by frame (the pre-check, the baseline, a blink),
// Config.IrisEvery elsewhere.
func (s *Session) irisEvery() int {
	switch {
	case s.live == nil && s.probe.start < 0, s.phase == PhaseBaseline,
		s.phase == PhaseAction && s.prompt.Action == liveness.Blink:
		return 1
	}
	return s.e.cfg.IrisEvery
}

// checkFrame refuses a frame the session cannot use.
func (s *Session) checkFrame(f *imgproc.Frame) error {
	if err := f.Validate(); err != nil {
		return err
	}
	g := geomOf(f)
	switch {
	case s.frames == 0:
		s.geom, s.first = g, f.Timestamp
	case g != s.geom:
		return errorf(CodeBadFrame, "frame %d is %dx%d %v rotation %d, the session's %dx%d %v rotation %d",
			s.frames, f.Width, f.Height, f.Format, f.Rotation, s.geom.w, s.geom.h, s.geom.format, s.geom.rotation)
	case f.Timestamp <= s.last:
		return errorf(CodeBadFrame, "frame %d at %v, not after the previous one at %v", s.frames, f.Timestamp, s.last)
	}
	s.frames++
	s.last = f.Timestamp
	return nil
}

// precheck counts good frames and starts the light probe after
// Config.PrecheckFrames of them in a row.
func (s *Session) precheck(f *imgproc.Frame) {
	if f.Timestamp-s.first > s.e.cfg.PrecheckTimeout {
		s.fail(ReasonPrecheckTimeout)
		return
	}
	s.lastProblem = s.shotProblem(f)
	if s.lastProblem == "" && f.Timestamp < s.brightUntil {
		s.lastProblem = PromptTooBrightForFlash
	}
	if s.lastProblem != "" {
		s.good = 0
		return
	}
	if s.good++; s.good < s.e.cfg.PrecheckFrames {
		return
	}
	if s.e.cfg.NoLightProbe {
		s.startPlan(f.Timestamp)
		return
	}
	s.probe.begin(f.Timestamp)
}

// startPlan starts the liveness plan, its clock at ts on the frames'.
func (s *Session) startPlan(ts time.Duration) {
	s.live = liveness.NewSession(s.plan)
	s.liveStart, s.phase = ts, PhaseBaseline
}

// shotProblem is the prompt code of what keeps the shot from starting the
// liveness check, "" when nothing does.
func (s *Session) shotProblem(f *imgproc.Frame) string {
	r := &s.res
	if !r.Found {
		return face.NoFace.String()
	}
	if q := firstProblem(r.Quality); q != 0 {
		return q.String()
	}
	if !centred(r, f) {
		return PromptCenterFace
	}
	if l := r.Signals.Luma; l.Mean > s.e.cfg.FlashMaxLuma || l.Bright > s.e.cfg.FlashMaxClipped {
		return PromptTooBrightForFlash
	}
	return ""
}

// centred: the face's centre lies within a fifth of the frame's shorter
// side from the frame's centre, where the UI's face circle is.
func centred(r *face.Result, f *imgproc.Frame) bool {
	w, h := f.Upright()
	b := r.Signals.Box
	dx, dy := b.X+b.W/2-float32(w)/2, b.Y+b.H/2-float32(h)/2
	lim := 0.2 * float32(min(w, h))
	return dx*dx+dy*dy <= lim*lim
}

// observe feeds the frame to the liveness session, through the trace: the
// decision is made on exactly what the evidence will hold.
func (s *Session) observe(f *imgproc.Frame) error {
	t := f.Timestamp - s.liveStart
	if err := s.obs.Fill(&s.res, f, t); err != nil {
		s.fail(ReasonBadStream)
		return err
	}
	s.trace.record(&s.obs)
	p := s.live.Observe(&s.obs)
	s.prompt = p
	switch p.Phase {
	case liveness.PhaseBaseline:
		s.phase = PhaseBaseline
	case liveness.PhaseFlash:
		s.phase = PhaseFlash
	case liveness.PhaseAction:
		s.phase = PhaseAction
	case liveness.PhaseDone:
		s.phase = PhaseCapture
	}
	if s.res.Found {
		return s.best.consider(s.e, f, &s.res, t, segmentOf(p, len(s.plan.Actions), s.best.n))
	}
	return nil
}

func (s *Session) fail(reason string) {
	if s.failed == "" {
		s.failed = reason
	}
	s.phase = PhaseFailed
}

// ColorAt is the colour the screen must show at time ts on the frames'
// clock: for hosts that drive the screen from their own render loop rather
// than from Guidance.
func (s *Session) ColorAt(ts time.Duration) liveness.Color {
	if s.live == nil {
		return liveness.Neutral
	}
	return s.plan.ColorAt(ts - s.liveStart)
}

// Cancel ends the session at once, without evidence: the user quit.
func (s *Session) Cancel() {
	if !s.over {
		s.fail(ReasonCancelled)
		s.over = true
		s.e.release()
	}
}
