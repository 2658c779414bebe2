package engine

import (
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/liveness"
)

// Replay re-runs the liveness decision over an evidence trace, as the
// verifier's server does: the plan re-derived from the seed it issued,
// every traced frame observed in order, then the passive scores. A trace
// sealed by an engine gives the decision the engine made, bit for bit.
func Replay(plan *liveness.Plan, tr *evidence.Trace, passive []evidence.PassiveScore) liveness.Result {
	s := liveness.NewSession(plan)
	o := liveness.Observation{Landmarks: make([][3]float32, liveness.MeshPoints)}
	for i := range tr.Frames {
		FromTrace(&tr.Frames[i], tr.Indices, &o)
		s.Observe(&o)
	}
	for _, p := range passive {
		s.AddPassive(liveness.PassiveScore{Real: p.Real, Live: p.Live})
	}
	return s.Finish()
}
