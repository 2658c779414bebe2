package liveness

import (
	"math"
	"slices"
	"testing"
	"time"
)

// TestNonFiniteObservationFailsTheSession: a NaN or an infinity in any
// field of one frame fails the session. Before, one NaN eye-openness in a
// session with the eyes closed throughout hid the closed eyes (max with a
// NaN is NaN, which no threshold catches).
func TestNonFiniteObservationFailsTheSession(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	closed := func(o *Observation) { o.EyeOpen = [2]float32{0.05, 0.06} }
	for name, edit := range map[string]func(o *Observation){
		"eye NaN":      func(o *Observation) { o.EyeOpen[0] = nan },
		"eyes -Inf":    func(o *Observation) { o.EyeOpen = [2]float32{-inf, -inf} },
		"mouth NaN":    func(o *Observation) { o.MouthOpen = nan },
		"yaw +Inf":     func(o *Observation) { o.Yaw = inf },
		"pitch NaN":    func(o *Observation) { o.Pitch = nan },
		"roll NaN":     func(o *Observation) { o.Roll = nan },
		"box NaN":      func(o *Observation) { o.Box.W = nan },
		"box x -Inf":   func(o *Observation) { o.Box.X = -inf },
		"region NaN":   func(o *Observation) { o.Regions[Nose][1] = nan },
		"landmark NaN": func(o *Observation) { o.Landmarks[200][2] = nan },
		"landmark Inf": func(o *Observation) { o.Landmarks[0][0] = inf },
	} {
		at := 2 * time.Second
		r := run(t, 5*time.Second, func(o *Observation) {
			closed(o)
			if o.T >= at && o.T < at+33*time.Millisecond {
				edit(o)
			}
		})
		if r.Pass || !slices.Contains(r.Reasons, PoorQuality) || !slices.Contains(r.Reasons, EyesClosedThroughout) {
			t.Errorf("%s in one frame of a closed-eyes session: %v, want POOR_QUALITY and EYES_CLOSED_THROUGHOUT", name, r)
		}
	}
}

func TestObserveNilFailsClosed(t *testing.T) {
	s := NewSession(testPlan(t))
	if p := s.Observe(nil); p.Phase != PhaseDone {
		t.Errorf("Observe(nil): %+v, want PhaseDone", p)
	}
	s.AddPassive(PassiveScore{Real: 0.9, Live: 0.9})
	if r := s.Finish(); r.Pass || !slices.Contains(r.Reasons, MissingEvidence) {
		t.Errorf("after Observe(nil): %v", r)
	}
	s, src := NewSession(testPlan(t)), newStream()
	s.Observe(src.at(0))
	if s.Observe(nil); !slices.Contains(s.Finish().Reasons, MissingEvidence) {
		t.Error("Observe(nil) mid-session did not fail it")
	}
}
