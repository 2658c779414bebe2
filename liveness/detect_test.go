package liveness

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// jittered yields frame times at fps with ±45% jitter and dropped frames,
// the way a loaded phone delivers them.
func jittered(rng *rand.Rand, fps int, until time.Duration) []time.Duration {
	var ts []time.Duration
	period := time.Second / time.Duration(fps)
	for t := time.Duration(0); t < until; {
		t += time.Duration(float64(period) * (0.55 + 0.9*rng.Float64()))
		if rng.IntN(8) == 0 {
			t += period
		}
		ts = append(ts, t)
	}
	return ts
}

// drive feeds a detector frames built by at(t) and reports when it fired.
func drive(d detector, ts []time.Duration, at func(t time.Duration, f *frame)) (fired []time.Duration) {
	lm := make([][3]float32, MeshPoints)
	for _, t := range ts {
		f := frame{t: t, o: &Observation{T: t, Landmarks: lm}}
		at(t, &f)
		if d.step(&f) {
			fired = append(fired, t)
		}
	}
	return fired
}

// pulse is 1 on [start, start+width) with cosine ramps of ramp either side.
func pulse(t, start, width, ramp time.Duration) float64 {
	switch {
	case t < start-ramp || t >= start+width+ramp:
		return 0
	case t < start:
		return (1 - math.Cos(math.Pi*float64(t-start+ramp)/float64(ramp))) / 2
	case t < start+width:
		return 1
	}
	return (1 + math.Cos(math.Pi*float64(t-start-width)/float64(ramp))) / 2
}

func TestDetectorsIgnoreFrameRateJitter(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, fps := range []int{10, 15, 30, 60} {
		for trial := range 20 {
			ts := jittered(rng, fps, 4*time.Second)
			noise := func() float32 { return float32(0.01 * rng.NormFloat64()) }
			// A 300 ms blink at 1.5 s: closed for 100 ms.
			blink := drive(&blinkDetector{open: 0.3}, ts, func(t time.Duration, f *frame) {
				f.eye = float32(0.3*(1-0.9*pulse(t, 1500*time.Millisecond, 100*time.Millisecond, 100*time.Millisecond))) + noise()
			})
			if fps >= 15 && len(blink) != 1 {
				t.Errorf("%d fps trial %d: blink fired %d times", fps, trial, len(blink))
			}
			mouth := drive(&mouthDetector{base: 0.05}, ts, func(t time.Duration, f *frame) {
				f.mouth = 0.05 + float32(0.4*pulse(t, time.Second, 500*time.Millisecond, 250*time.Millisecond)) + noise()
			})
			if len(mouth) != 1 {
				t.Errorf("%d fps trial %d: mouth fired %d times", fps, trial, len(mouth))
			}
			shake := drive(&turnDetector{yaw: true, deg: shakeDeg, bothSides: true}, ts, func(t time.Duration, f *frame) {
				f.yaw = float32(25*pulse(t, time.Second, 200*time.Millisecond, 300*time.Millisecond) -
					25*pulse(t, 2*time.Second, 200*time.Millisecond, 300*time.Millisecond))
			})
			if len(shake) != 1 {
				t.Errorf("%d fps trial %d: shake fired %d times", fps, trial, len(shake))
			}
			nf := &nearFarDetector{}
			near := drive(nf, ts, func(t time.Duration, f *frame) {
				p := pulse(t, 1500*time.Millisecond, 400*time.Millisecond, 600*time.Millisecond)
				f.scale = 200 * (1 + 0.45*p)
				f.ratio = 0.5 * (1 + 0.06*p)
			})
			if len(near) != 1 || nf.perspective() < MinPerspective {
				t.Errorf("%d fps trial %d: near–far fired %d times, perspective %.3f", fps, trial, len(near), nf.perspective())
			}
		}
	}
}

func TestDetectorsNeedTheWholeGesture(t *testing.T) {
	ts := jittered(rand.New(rand.NewPCG(7, 8)), 30, 4*time.Second)
	halfBlink := drive(&blinkDetector{open: 0.3}, ts, func(t time.Duration, f *frame) {
		f.eye = float32(0.3 * (1 - 0.3*pulse(t, time.Second, 100*time.Millisecond, 100*time.Millisecond)))
	})
	shutLong := drive(&blinkDetector{open: 0.3}, ts, func(t time.Duration, f *frame) {
		f.eye = float32(0.3 * (1 - 0.9*pulse(t, time.Second, 2*time.Second, 100*time.Millisecond)))
	})
	openStill := drive(&mouthDetector{base: 0.45}, ts, func(t time.Duration, f *frame) { f.mouth = 0.45 })
	oneSide := drive(&turnDetector{yaw: true, deg: shakeDeg, bothSides: true}, ts, func(t time.Duration, f *frame) {
		f.yaw = float32(25 * pulse(t, time.Second, 300*time.Millisecond, 300*time.Millisecond))
	})
	nod := drive(&turnDetector{deg: nodDeg}, ts, func(t time.Duration, f *frame) {
		f.pitch = float32(-18 * pulse(t, time.Second, 300*time.Millisecond, 300*time.Millisecond))
	})
	flatNear := &nearFarDetector{}
	drive(flatNear, ts, func(t time.Duration, f *frame) {
		f.scale = 200 * (1 + 0.45*pulse(t, 1500*time.Millisecond, 400*time.Millisecond, 600*time.Millisecond))
		f.ratio = 0.5
	})
	switch {
	case len(halfBlink) != 0:
		t.Error("a third-closed eye counted as a blink")
	case len(shutLong) != 0:
		t.Error("eyes shut for 2 s counted as a blink")
	case len(openStill) != 0:
		t.Error("a mouth open from the start counted as opening")
	case len(oneSide) != 0:
		t.Error("a turn to one side counted as a shake")
	case len(nod) != 1:
		t.Errorf("nod fired %d times", len(nod))
	case math.Abs(flatNear.perspective()) > 0.01:
		t.Errorf("a photo brought nearer shows perspective %.3f", flatNear.perspective())
	}
}
