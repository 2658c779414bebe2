package engine

import (
	"time"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
)

// The light probe runs between the pre-check and the liveness plan: the
// screen goes black, then white, and the face's skin regions are measured
// at the end of each half. The share of the light on the face the screen
// provides is what the reflection check stands on; the face's brightness
// alone cannot tell it (the camera's auto-exposure brings a face in
// sunlight to the same grey as one in a dim room). Too small a share, and
// the user is asked to move out of the bright light
// (PromptTooBrightForFlash) and the pre-check starts over once; after
// probeAttempts the flash runs anyway and the reflection check decides, so
// a stream that ignores the screen (a replay, an injection) meets the
// liveness checks, not an endless prompt.
const (
	probeHalf = 450 * time.Millisecond // black, then white
	// probeMeasure is the end of each half the regions are averaged over:
	// after liveness.MaxLag, the longest display-to-camera latency, and a
	// frame, the camera sees the half's colour.
	probeMeasure  = probeHalf - liveness.MaxLag - 30*time.Millisecond
	probeAttempts = 2
	// MinScreenShare is the least share of the light on the face, under
	// the white screen, that the screen must provide: three times the
	// reflection check's floor on the mean gain (the same quantity), because
	// the relief compares regions that get a third or less of the mean (a
	// screen below the camera lights the forehead at a grazing angle) and
	// those must still stand out of the noise.
	MinScreenShare = 0.06
)

// ProbeTime is how long the light probe lasts: the liveness plan's clock
// starts this long after the frame that completes the pre-check. Hosts
// that script a session without an engine (renderers, replays) need it.
const ProbeTime = 2 * probeHalf

// probe is the light probe in progress.
type probe struct {
	start       time.Duration // on the frames' clock; -1 when no probe runs
	attempts    int
	dark, white [3]float64 // summed region means
	nd, nw      int
}

// screen is the colour the probe shows at ts.
func (p *probe) screen(ts time.Duration) liveness.Color {
	if ts-p.start < probeHalf {
		return liveness.Color{}
	}
	return liveness.Neutral
}

// until is when the probe's screen next changes after ts.
func (p *probe) until(ts time.Duration) time.Duration {
	if ts-p.start < probeHalf {
		return p.start + probeHalf
	}
	return p.start + ProbeTime
}

// begin starts a probe at ts.
func (p *probe) begin(ts time.Duration) {
	*p = probe{start: ts, attempts: p.attempts + 1}
}

// add measures a frame taken at ts within the probe.
func (p *probe) add(o *liveness.Observation, ts time.Duration) {
	t := ts - p.start
	sum, n := &p.dark, &p.nd
	switch {
	case t >= probeHalf-probeMeasure && t < probeHalf:
	case t >= ProbeTime-probeMeasure && t < ProbeTime:
		sum, n = &p.white, &p.nw
	default:
		return
	}
	for _, r := range o.Regions {
		for k, v := range r {
			sum[k] += float64(v)
		}
	}
	*n++
}

// share is the measured share of the white screen's light in the light on
// the face, and whether both halves were measured.
func (p *probe) share() (float64, bool) {
	if p.nd == 0 || p.nw == 0 {
		return 0, false
	}
	var d, w float64
	for k := range 3 {
		d += p.dark[k] / float64(p.nd)
		w += p.white[k] / float64(p.nw)
	}
	if !(w > 0) {
		return 0, false
	}
	return (w - d) / w, true
}

// brightHold is how long the bright-light prompt stays after a failed
// probe before the pre-check counts good frames again: time to move. A
// stream that ignores the screen thus reaches the flash some 3.5 s in.
const brightHold = time.Second

// probeFrame runs the probe on a frame: it measures the face, and at the
// probe's end either starts the liveness plan (and reports true: the frame
// is the plan's first) or sends the user back to the pre-check. A face
// lost or not alone stops the probe.
func (s *Session) probeFrame(f *imgproc.Frame) bool {
	ts := f.Timestamp
	if ts-s.probe.start >= ProbeTime {
		share, ok := s.probe.share()
		if ok && share < MinScreenShare && s.probe.attempts < probeAttempts {
			s.probe.start, s.good = -1, 0
			s.lastProblem, s.brightUntil = PromptTooBrightForFlash, ts+brightHold
			return false
		}
		s.startPlan(s.probe.start + ProbeTime)
		return true
	}
	if !s.res.Found || s.res.Faces > 1 {
		s.probe.start, s.good = -1, 0
		s.lastProblem = s.shotProblem(f)
		return false
	}
	if err := s.obs.Fill(&s.res, f, 0); err == nil {
		s.probe.add(&s.obs, ts)
	}
	return false
}
