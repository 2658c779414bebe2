package liveness

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/liveid/liveid/imgproc"
)

// stream makes synthetic observations: a still, noisy face with every
// field filled, which the stream rules can be tested on without models.
type stream struct {
	rng *rand.Rand
	lm  [][3]float32
}

func newStream() *stream {
	s := &stream{rng: rand.New(rand.NewPCG(9, 10)), lm: make([][3]float32, MeshPoints)}
	for i := range s.lm {
		s.lm[i] = [3]float32{300 + 150*s.rng.Float32(), 400 + 200*s.rng.Float32(), 20 * s.rng.Float32()}
	}
	return s
}

func (s *stream) at(t time.Duration) *Observation {
	o := &Observation{T: t, TrackID: 1, Faces: 1, Landmarks: make([][3]float32, MeshPoints),
		EyeOpen: [2]float32{0.3, 0.3}, MouthOpen: 0.05, Box: imgproc.Rect{X: 280, Y: 380, W: 190, H: 240}, FrameW: 720, FrameH: 960}
	for i, p := range s.lm {
		o.Landmarks[i] = [3]float32{p[0] + s.rng.Float32(), p[1] + s.rng.Float32(), p[2]}
	}
	for r := range o.Regions {
		o.Regions[r] = RGB{0.4 + 0.001*s.rng.Float32(), 0.3, 0.2}
	}
	return o
}

func testPlan(t *testing.T) *Plan {
	p, err := NewPlan(seedOf(42), Config{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// run feeds frames every 33 ms until until, letting edit change each one,
// and finishes with one passive score.
func run(t *testing.T, until time.Duration, edit func(o *Observation)) Result {
	s, src := NewSession(testPlan(t)), newStream()
	for ts := 33 * time.Millisecond; ts <= until; ts += 33 * time.Millisecond {
		o := src.at(ts)
		edit(o)
		if s.Observe(o).Phase == PhaseDone {
			break
		}
	}
	s.AddPassive(PassiveScore{Real: 0.9, Live: 0.9})
	return s.Finish()
}

func TestMissingDataFailsClosed(t *testing.T) {
	if r := NewSession(testPlan(t)).Finish(); r.Pass || !slices.Contains(r.Reasons, MissingEvidence) {
		t.Errorf("no observations: %v", r)
	}
	r := run(t, 3*time.Second, func(o *Observation) { o.Regions = [NumRegions]RGB{} })
	if r.Pass || !slices.Contains(r.Reasons, ReflectionFailed) || !slices.Contains(r.Reasons, MissingEvidence) {
		t.Errorf("no region colours: %v", r)
	}
	s, src := NewSession(testPlan(t)), newStream()
	for ts := time.Duration(0); ts < 3*time.Second; ts += 33 * time.Millisecond {
		s.Observe(src.at(ts))
	}
	if r := s.Finish(); r.Pass || !slices.Contains(r.Reasons, MissingEvidence) || r.Passive.Crops != 0 {
		t.Errorf("no passive scores: %v", r)
	}
}

func TestStreamRules(t *testing.T) {
	at := func(from, to time.Duration, f func(o *Observation)) func(o *Observation) {
		return func(o *Observation) {
			if o.T >= from && o.T < to {
				f(o)
			}
		}
	}
	for _, c := range []struct {
		name  string
		want  Reason
		until time.Duration
		edit  func(o *Observation)
	}{
		{"second face", MultipleFaces, 5 * time.Second, at(2*time.Second, 3*time.Second, func(o *Observation) { o.Faces = 2 })},
		{"no face", FaceLeftFrame, 5 * time.Second, at(2*time.Second, 3*time.Second, func(o *Observation) { o.Faces = 0 })},
		{"face off the frame", FaceLeftFrame, 5 * time.Second, at(2*time.Second, 3*time.Second, func(o *Observation) { o.Box.X = -100 })},
		{"track replaced", FaceLeftFrame, 5 * time.Second, at(4*time.Second, time.Hour, func(o *Observation) { o.TrackID = 2 })},
		{"time runs back", PoorQuality, 5 * time.Second, at(2*time.Second, 2*time.Second+34*time.Millisecond, func(o *Observation) { o.T -= time.Second })},
		{"camera stalls", PoorQuality, 5 * time.Second, at(2*time.Second, time.Hour, func(o *Observation) { o.T += time.Second })},
		{"face too small", PoorQuality, 5 * time.Second, func(o *Observation) { o.Box.W = 50 }},
		{"malformed mesh", PoorQuality, 5 * time.Second, at(time.Second, time.Hour, func(o *Observation) { o.Landmarks = o.Landmarks[:68] })},
		{"eyes closed", EyesClosedThroughout, 5 * time.Second, func(o *Observation) { o.EyeOpen = [2]float32{0.05, 0.06} }},
		{"nothing done", Timeout, 40 * time.Second, func(*Observation) {}},
		{"stopped early", ActionNotCompleted, 5 * time.Second, func(*Observation) {}},
	} {
		r := run(t, c.until, c.edit)
		if r.Pass || !slices.Contains(r.Reasons, c.want) {
			t.Errorf("%s: %v, want %s", c.name, r, c.want)
		}
	}
}

func TestFrozenStreamIsRepeated(t *testing.T) {
	var first *Observation
	r := run(t, 5*time.Second, func(o *Observation) {
		if first == nil {
			first = o
		}
		o.Landmarks, o.Regions = first.Landmarks, first.Regions
	})
	if r.Pass || !slices.Contains(r.Reasons, FrameRepeated) {
		t.Errorf("identical frames: %v", r)
	}
	if r := run(t, 5*time.Second, func(*Observation) {}); slices.Contains(r.Reasons, FrameRepeated) {
		t.Errorf("a noisy still face counted as frozen: %v", r)
	}
}

// The codes are stored by servers: their strings must never change.
func TestReasonCodesAreStable(t *testing.T) {
	want := map[Reason]string{
		MissingEvidence: "LIVENESS_MISSING_EVIDENCE", PoorQuality: "LIVENESS_POOR_QUALITY", MultipleFaces: "LIVENESS_MULTIPLE_FACES",
		FaceLeftFrame: "LIVENESS_FACE_LEFT_FRAME", EyesClosedThroughout: "LIVENESS_EYES_CLOSED_THROUGHOUT", Timeout: "LIVENESS_TIMEOUT",
		ActionNotCompleted: "LIVENESS_ACTION_NOT_COMPLETED", WrongOrder: "LIVENESS_WRONG_ORDER", PlanarMotion: "LIVENESS_PLANAR_MOTION",
		DistanceCheckFailed: "LIVENESS_DISTANCE_CHECK_FAILED", ReflectionFailed: "LIVENESS_REFLECTION_FAILED", Recaptured: "LIVENESS_RECAPTURED",
		SynthesisSuspected: "LIVENESS_SYNTHESIS_SUSPECTED", FrameRepeated: "LIVENESS_FRAME_REPEATED",
	}
	if len(want) != len(AllReasons) {
		t.Fatalf("%d reasons listed, %d tested", len(AllReasons), len(want))
	}
	for r, s := range want {
		if string(r) != s {
			t.Errorf("%s is %q", s, r)
		}
	}
}
