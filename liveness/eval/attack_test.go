package eval

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/liveid/liveid/liveness"
)

// misled is a person who performs another action than the one prompted.
type misled struct {
	actor
	instead liveness.Action
}

func (m misled) frame(t time.Duration, p liveness.Prompt) (*liveness.Observation, bool) {
	if p.Phase == liveness.PhaseAction {
		p.Action = m.instead
	}
	return m.actor.frame(t, p)
}

// swapped hands the track to another face at a given time.
type swapped struct {
	actor
	at time.Duration
}

func (s swapped) frame(t time.Duration, p liveness.Prompt) (*liveness.Observation, bool) {
	o, ok := s.actor.frame(t, p)
	if ok && t >= s.at {
		o.TrackID = 2
	}
	return o, ok
}

func aPerson(t *testing.T, seed uint64) (*liveness.Plan, actor, liveness.PassiveScore, *clock) {
	subs := cachedSubjects(t)
	rng := rand.New(rand.NewPCG(seed, 0))
	plan := mustPlan(sessionSeed(seed, Genuine, 0, "person"))
	sub := subs[int(seed)%len(subs)]
	return plan, newPerson(newScene(plan, rng), sub.head, rng), sub.passive, newClock(rng)
}

func TestWrongActionFailsAsWrongOrder(t *testing.T) {
	for seed := range uint64(5) {
		plan, a, ps, clk := aPerson(t, seed)
		instead := liveness.Nod
		if plan.Actions[0] == liveness.Nod {
			instead = liveness.Shake
		}
		if r := runSession(plan, misled{a, instead}, ps, clk); r.Pass || !slices.Contains(r.Reasons, liveness.WrongOrder) {
			t.Errorf("seed %d: performing %v for %v: %v", seed, instead, plan.Actions[0], r)
		}
	}
}

func TestReplacedTrackFails(t *testing.T) {
	plan, a, ps, clk := aPerson(t, 3)
	if r := runSession(plan, swapped{a, plan.ActionsStart + time.Second}, ps, clk); r.Pass || !slices.Contains(r.Reasons, liveness.FaceLeftFrame) {
		t.Errorf("track replaced mid-challenge: %v", r)
	}
}

// A photo turned and tilted on cue reaches the angles of a shake or nod
// (the tracker is assumed fooled), so only the 3-D check can reject it.
func TestTiltedPhotoFailsOnlyOnGeometry(t *testing.T) {
	subs := cachedSubjects(t)
	planar := 0
	for i := range 20 {
		r := simulate(3, subs, MovedPhoto, i)
		for _, a := range r.Actions {
			switch {
			case a.Failed == liveness.PlanarMotion && a.Parallax < liveness.MinParallax:
				planar++
			case a.Failed == liveness.DistanceCheckFailed && (a.ScaleRatio < liveness.NearFactor || a.Perspective >= liveness.MinPerspective):
				t.Errorf("photo %d: near–far failed with scale %.2f, perspective %.3f", i, a.ScaleRatio, a.Perspective)
			case a.Completed && a.Action.Geometric():
				t.Errorf("photo %d: %v verified as 3-D", i, a.Action)
			}
		}
	}
	if planar == 0 {
		t.Error("no tilted-photo head turn reached the 3-D check")
	}
}

func TestPassiveModels(t *testing.T) {
	for _, s := range cachedSubjects(t) {
		if s.passive.Real < liveness.MinRealStrict || s.passive.Live < liveness.MinLiveStrict {
			t.Errorf("%s: real %.3f, live %.3f on a genuine photo", s.name, s.passive.Real, s.passive.Live)
		}
	}
}
