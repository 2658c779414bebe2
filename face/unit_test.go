package face

import (
	"math"
	"testing"

	"github.com/liveid/liveid/internal/geom"
)

func TestSuppressMergesOverlaps(t *testing.T) {
	d := &Detector{overlap: 0.3}
	kp := [6]Point{}
	d.cands = []Detection{
		{Box: rect(100, 100, 50, 50), Keypoints: kp, Score: 0.6},
		{Box: rect(110, 100, 50, 50), Keypoints: kp, Score: 0.9},
		{Box: rect(300, 100, 40, 40), Keypoints: kp, Score: 0.7},
		{Box: rect(305, 105, 15, 15), Keypoints: kp, Score: 0.65}, // inside the face above
	}
	got := d.suppress(nil)
	if len(got) != 2 {
		t.Fatalf("%d faces, want 2: %+v", len(got), got)
	}
	// Score-weighted mean of x = 110 (0.9) and 100 (0.6).
	if x := got[0].Box.X; math.Abs(float64(x-106)) > 1e-3 || got[0].Score != 0.9 {
		t.Errorf("merged box x %.3f score %.2f, want 106 and 0.9", x, got[0].Score)
	}
}

func TestEuroSteadiesAndFollows(t *testing.T) {
	c := DefaultConfig()
	var e euro
	dt := float32(1.0 / 30)
	// ±1 px jitter on a still point of a 200-px face.
	var spread float32
	for i := range 60 {
		x := e.step(100+float32(i%2*2-1), dt, 200, &c)
		if i > 30 {
			spread = max(spread, geom.Abs32(x-100))
		}
	}
	if spread > 0.3 {
		t.Errorf("still point jitters by %.2f px after smoothing, want < 0.3", spread)
	}
	// A move of 100 px in a third of a second is followed within 5 px a
	// frame after it ends.
	var x float32
	for i := range 12 {
		x = e.step(100+100*min(float32(i)/10, 1), dt, 200, &c)
	}
	if geom.Abs32(x-200) > 5 {
		t.Errorf("after the move the filter is at %.1f, want 200 ± 5", x)
	}
}

func TestROIMapsCrop(t *testing.T) {
	r := ROI{Center: Point{100, 50}, Size: 40, Angle: math.Pi / 2}
	// The crop's centre is the ROI's; its right edge turned a quarter
	// clockwise points down.
	if p := r.toFrame(96, 96, 192); dist(p, r.Center) > 1e-4 {
		t.Errorf("centre maps to %v", p)
	}
	if p := r.toFrame(192, 96, 192); dist(p, Point{100, 70}) > 1e-4 {
		t.Errorf("right edge maps to %v, want (100, 70)", p)
	}
	// The imgproc affine agrees with toFrame at pixel centres.
	m := r.Affine(192)
	x, y := m.Apply(10, 20)
	if p := r.toFrame(10.5, 20.5, 192); math.Abs(float64(p.X-0.5-x)) > 1e-3 || math.Abs(float64(p.Y-0.5-y)) > 1e-3 {
		t.Errorf("affine (%.3f, %.3f) vs toFrame %v", x, y, p)
	}
}
