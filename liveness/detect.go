package liveness

import (
	"math"
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/internal/geom"
)

// Detector thresholds. Eye and mouth levels are relative to the user's own
// baseline, angles to the baseline pose, so that narrow eyes, a smiling
// resting mouth or a slightly turned head do not change what counts.
const (
	blinkClose    = 0.55 // eyes closed below this fraction of the open level
	blinkReopen   = 0.80 // and open again above this one (hysteresis)
	blinkMaxShut  = 1500 * time.Millisecond
	mouthOpenBy   = 0.22 // MouthOpen above baseline for "open"
	mouthClosedBy = 0.10 // and back under this for "closed"
	mouthMinHold  = 100 * time.Millisecond
	nodDeg        = 12   // pitch away from baseline, either way
	shakeDeg      = 15   // yaw away from baseline, both ways
	returnFrac    = 0.4  // back within this fraction of the threshold ends a nod or shake
	farFactor     = 1.15 // shrink from the nearest point that ends near–far
	frontalDeg    = 10   // near–far spans are compared only this close to the baseline pose
	smoothTau     = 80 * time.Millisecond
)

// NearFactor is how much the face must grow from its smallest size for a
// near–far action (ActionEvidence.ScaleRatio).
const NearFactor = 1.25

// Verification thresholds, set on the simulated genuine and attack sets of
// the liveness/eval package with margin on both sides. ActionEvidence
// reports the values they are compared with.
const (
	// MinParallax is the smallest RMS residual, as a fraction of the face
	// width, of the best plane-to-plane homography between the frontal
	// baseline and the extreme of a nod or shake (ActionEvidence.Parallax).
	// A tilted photo leaves only the landmarks' noise, a fraction of a per
	// cent; a real head turned 15° leaves several per cent.
	MinParallax = 0.012
	// MinPerspective is the smallest change of ln(inner span / outer span)
	// per unit of ln(scale change) when the face comes nearer
	// (ActionEvidence.Perspective). A head's
	// outline lies ~6 cm behind its eyes, which at 30–50 cm gives 0.1–0.2; a
	// photo gives 0.
	MinPerspective = 0.05
)

// frame is the per-frame input of the detectors.
type frame struct {
	t          time.Duration
	o          *Observation
	eye, mouth float32
	yaw, pitch float32 // minus the baseline pose
	scale      float64 // outer span in 3-D (rotation-invariant size)
	ratio      float64 // inner over outer span in 2-D (perspective cue)
}

func newFrame(o *Observation, b *baseline) frame {
	return frame{
		t:     o.T,
		o:     o,
		eye:   (o.EyeOpen[0] + o.EyeOpen[1]) / 2,
		mouth: o.MouthOpen,
		yaw:   o.Yaw - b.yaw,
		pitch: o.Pitch - b.pitch,
		scale: meanSpan(o.Landmarks, face.MeshOutlinePairs, true),
		ratio: meanSpan(o.Landmarks, face.MeshFrontPairs, false) / meanSpan(o.Landmarks, face.MeshOutlinePairs, false),
	}
}

func meanSpan(lm [][3]float32, pairs [][2]int, depth bool) float64 {
	var s float64
	for _, p := range pairs {
		a, b := lm[p[0]], lm[p[1]]
		dx, dy, dz := float64(a[0]-b[0]), float64(a[1]-b[1]), float64(a[2]-b[2])
		if !depth {
			dz = 0
		}
		s += math.Sqrt(dx*dx + dy*dy + dz*dz)
	}
	return s / float64(len(pairs))
}

// detector is one action's state machine. step reports a completed gesture
// and starts over at the next step; until then the gesture's evidence stays
// readable for the session to verify. reset starts over at once (a new
// action window).
type detector interface {
	step(f *frame) bool
	reset()
}

// blinkDetector: open (armed), then shut, then open again within
// blinkMaxShut. Only levels and timestamps are used, never frame counts.
type blinkDetector struct {
	open        float32 // baseline open level
	armed, shut bool
	shutAt      time.Duration
}

func (d *blinkDetector) reset() { d.armed, d.shut = false, false }

func (d *blinkDetector) step(f *frame) bool {
	switch {
	case !d.armed:
		d.armed = f.eye > blinkReopen*d.open
	case !d.shut:
		if f.eye < blinkClose*d.open {
			d.shut, d.shutAt = true, f.t
		}
	case f.eye > blinkReopen*d.open:
		d.shut = false
		return f.t-d.shutAt <= blinkMaxShut
	}
	return false
}

// mouthDetector: closed (armed), open for at least mouthMinHold, closed.
type mouthDetector struct {
	base         float32
	armed, open  bool
	openAt, last time.Duration
}

func (d *mouthDetector) reset() { d.armed, d.open = false, false }

func (d *mouthDetector) step(f *frame) bool {
	switch {
	case !d.armed:
		d.armed = f.mouth < d.base+mouthClosedBy
	case !d.open:
		if f.mouth > d.base+mouthOpenBy {
			d.open, d.openAt = true, f.t
		}
	case f.mouth < d.base+mouthClosedBy:
		d.open = false
		return d.last-d.openAt >= mouthMinHold
	}
	d.last = f.t
	return false
}

// turnDetector serves nod (pitch, either side) and shake (yaw, both sides):
// from near the baseline (armed, so that a turn already under way when the
// window opens does not count) the angle must pass the threshold, then come
// back. It keeps the rigid landmarks of the most turned frame for the 3-D
// check.
type turnDetector struct {
	yaw       bool // shake; else nod
	deg       float32
	bothSides bool
	armed     bool
	reached   [2]bool // positive, negative side
	peak      float32
	peakPts   []point
	fired     bool
}

func (d *turnDetector) reset() { d.armed, d.reached, d.peak, d.fired = false, [2]bool{}, 0, false }

func (d *turnDetector) step(f *frame) bool {
	if d.fired {
		d.reset()
	}
	a := f.pitch
	if d.yaw {
		a = f.yaw
	}
	if !d.armed {
		d.armed = geom.Abs32(a) <= returnFrac*d.deg
		return false
	}
	if geom.Abs32(a) >= d.deg {
		d.reached[boolIndex(a < 0)] = true
	}
	if geom.Abs32(a) > d.peak {
		d.peak = geom.Abs32(a)
		d.peakPts = rigid2D(d.peakPts[:0], f.o.Landmarks)
	}
	done := d.reached[0] && d.reached[1] || !d.bothSides && (d.reached[0] || d.reached[1])
	d.fired = done && geom.Abs32(a) <= returnFrac*d.deg
	return d.fired
}

// nearFarDetector: the face must grow by NearFactor from its smallest size,
// then shrink by farFactor from its largest. Size and span ratio are
// smoothed with a time constant, which makes them independent of the frame
// rate. It keeps the span ratio at the far and the near extremes.
type nearFarDetector struct {
	s, r      float64 // smoothed scale and ratio
	last      time.Duration
	primed    bool
	far, near [2]float64 // scale, ratio at the extremes (frontal frames only)
	gotNear   bool
	fired     bool
}

func (d *nearFarDetector) reset() {
	d.primed = false
	d.restart()
}

// restart forgets the extremes but keeps the smoothed values.
func (d *nearFarDetector) restart() {
	d.gotNear, d.fired = false, false
	d.far, d.near = [2]float64{}, [2]float64{}
}

func (d *nearFarDetector) step(f *frame) bool {
	if d.fired {
		d.restart()
	}
	if !d.primed {
		d.s, d.r, d.last, d.primed = f.scale, f.ratio, f.t, true
	} else {
		a := 1 - math.Exp(-float64(f.t-d.last)/float64(smoothTau))
		d.s += a * (f.scale - d.s)
		d.r += a * (f.ratio - d.r)
		d.last = f.t
	}
	frontal := geom.Abs32(f.yaw) < frontalDeg && geom.Abs32(f.pitch) < frontalDeg
	switch {
	case !d.gotNear:
		if frontal && (d.far[0] == 0 || d.s < d.far[0]) {
			d.far = [2]float64{d.s, d.r}
		}
		if d.far[0] > 0 && d.s >= NearFactor*d.far[0] && frontal {
			d.gotNear, d.near = true, [2]float64{d.s, d.r}
		}
	default:
		if frontal && d.s > d.near[0] {
			d.near = [2]float64{d.s, d.r}
		}
		d.fired = d.s <= d.near[0]/farFactor
	}
	return d.fired
}

// perspective is the change of the span ratio per change of scale between
// the far and the near extreme.
func (d *nearFarDetector) perspective() float64 {
	return math.Log(d.near[1]/d.far[1]) / math.Log(d.near[0]/d.far[0])
}

func rigid2D(dst []point, lm [][3]float32) []point {
	for _, i := range face.MeshRigidPoints {
		dst = append(dst, point{float64(lm[i][0]), float64(lm[i][1])})
	}
	return dst
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}
