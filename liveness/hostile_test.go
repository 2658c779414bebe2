package liveness

import (
	"encoding/binary"
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

// passiveReasons runs a still noisy stream, hands over the given scores and
// returns which passive reasons the session gave.
func passiveReasons(t *testing.T, scores ...PassiveScore) (synth, recaptured bool, pe PassiveEvidence) {
	s, src := NewSession(testPlan(t)), newStream()
	for ts := 33 * time.Millisecond; ts <= 3*time.Second; ts += 33 * time.Millisecond {
		s.Observe(src.at(ts))
	}
	for _, p := range scores {
		s.AddPassive(p)
	}
	r := s.Finish()
	return slices.Contains(r.Reasons, SynthesisSuspected), slices.Contains(r.Reasons, Recaptured), r.Passive
}

// TestPassiveScoresRangeCheckedAndRobust: a score that is not a probability
// fails its model's check, and one high crop cannot lift a spoof's low
// ones (before, +Inf, or 0, 0, 0 and 5.0, passed 24 of 24 sessions).
func TestPassiveScoresRangeCheckedAndRobust(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	ps := func(v ...float32) []PassiveScore {
		var out []PassiveScore
		for _, x := range v {
			out = append(out, PassiveScore{Real: x, Live: x})
		}
		return out
	}
	for _, c := range []struct {
		name   string
		scores []PassiveScore
		fail   bool
	}{
		{"+Inf", ps(inf), true},
		{"NaN", ps(nan), true},
		{"negative", ps(-0.5, 0.9, 0.9), true},
		{"above one", ps(1.5), true},
		{"0, 0, 0, 5.0", ps(0, 0, 0, 5), true},
		{"0, 0, 0, 1.0", ps(0, 0, 0, 1), true},
		{"0, 0, 1.0", ps(0, 0, 1), true},
		{"0.05, 1.0 (no majority)", ps(0.05, 1), true},
		{"0.9, 0.05, 0.9 (one low outlier)", ps(0.9, 0.05, 0.9), false},
		{"0.9, 0.9", ps(0.9, 0.9), false},
		{"0.95", ps(0.95), false},
	} {
		synth, recap, pe := passiveReasons(t, c.scores...)
		if synth != c.fail || recap != c.fail {
			t.Errorf("%s: synthesis %v, recaptured %v (%+v); want both %v", c.name, synth, recap, pe, c.fail)
		}
	}
	// Each model is checked on its own: a bad Live does not pass for a good Real.
	if synth, recap, _ := passiveReasons(t, PassiveScore{Real: 0.9, Live: inf}); synth || !recap {
		t.Errorf("Live +Inf: synthesis %v, recaptured %v; want false, true", synth, recap)
	}
}

// TestRepeatedFramesFail: a camera never delivers two frames at one
// capture time, nor a frame whose landmarks and colours repeat an earlier
// one bit for bit; an injected stream that pads or loops itself does.
// Before, equal timestamps passed and duplicating every third frame passed
// 24 of 24 sessions.
func TestRepeatedFramesFail(t *testing.T) {
	dup := func(every int) func(o *Observation) {
		var last *Observation
		i := 0
		return func(o *Observation) {
			if i++; i%every == 0 && last != nil {
				o.Landmarks, o.Regions = last.Landmarks, last.Regions
			}
			last = &Observation{Landmarks: append([][3]float32(nil), o.Landmarks...), Regions: o.Regions}
		}
	}
	var loop []*Observation
	k := 0
	looped := func(o *Observation) { // a 1 s clip played again and again
		if k++; len(loop) == 30 {
			c := loop[k%30]
			o.Landmarks, o.Regions = c.Landmarks, c.Regions
		} else {
			loop = append(loop, &Observation{Landmarks: append([][3]float32(nil), o.Landmarks...), Regions: o.Regions})
		}
	}
	for name, edit := range map[string]func(o *Observation){
		"every third frame twice": dup(3),
		"every tenth frame twice": dup(10),
		"a looped clip":           looped,
	} {
		if r := run(t, 5*time.Second, edit); r.Pass || !slices.Contains(r.Reasons, FrameRepeated) {
			t.Errorf("%s: %v, want FRAME_REPEATED", name, r)
		}
	}
	s, src := NewSession(testPlan(t)), newStream()
	s.Observe(src.at(time.Second))
	if s.Observe(src.at(time.Second)); !slices.Contains(s.Finish().Reasons, FrameRepeated) {
		t.Error("two frames at one capture time did not fail the session")
	}
	// One frame delivered twice is forgiven.
	once := false
	var prev *Observation
	r := run(t, 5*time.Second, func(o *Observation) {
		if !once && prev != nil && o.T > 2*time.Second {
			o.Landmarks, o.Regions, once = prev.Landmarks, prev.Regions, true
		}
		prev = &Observation{Landmarks: append([][3]float32(nil), o.Landmarks...), Regions: o.Regions}
	})
	if slices.Contains(r.Reasons, FrameRepeated) {
		t.Errorf("a single repeated frame: %v", r)
	}
}

// FuzzObserve drives a session with a fuzzed stream: each 6-byte step
// moves the clock (by -128..127 ms) and either observes a noisy still
// face, observes nil, or sets one field of the frame to the step's float
// (NaN, infinities, huge values), changes the track, the face count or the
// landmark count; a final passive score comes from the last step. No
// stream may panic, and one that had a nil or non-finite observation, a
// repeated or reversed capture time, or a score outside 0..1 never passes.
func FuzzObserve(f *testing.F) {
	plan, err := NewPlan(seedOf(42), Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{33, 0, 0, 0, 0, 0, 33, 1, 0, 0, 0xc0, 0x7f, 33, 7, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		s, src := NewSession(plan), newStream()
		ts, last, bad := time.Duration(0), time.Duration(-1), false
		var score float32 = 0.9
		for len(ops) >= 6 && ts < plan.Config.Timeout {
			step, kind, v := time.Duration(int8(ops[0]))*time.Millisecond, ops[1]%10, math.Float32frombits(binary.LittleEndian.Uint32(ops[2:6]))
			ops = ops[6:]
			ts += step
			if kind == 9 {
				s.Observe(nil)
				bad = true
				continue
			}
			o := src.at(ts)
			switch kind {
			case 1:
				o.EyeOpen[0] = v
			case 2:
				o.Yaw = v
			case 3:
				o.Landmarks[int(uint32(math.Float32bits(v))%MeshPoints)][1] = v
			case 4:
				o.Regions[Chin][0] = v
			case 5:
				o.Box.W = v
			case 6:
				o.TrackID = uint64(math.Float32bits(v))
			case 7:
				o.Faces = int(int8(math.Float32bits(v)))
			case 8:
				score = v
			}
			if !o.finite() || ts <= last {
				bad = true
			}
			last = max(last, ts)
			s.Observe(o)
		}
		s.AddPassive(PassiveScore{Real: score, Live: score})
		bad = bad || !(score >= 0 && score <= 1)
		if r := s.Finish(); r.Pass && bad {
			t.Fatalf("a bad stream passed: %+v", r)
		}
	})
}
