package loadgen

import (
	"fmt"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/engine/synth"
	"github.com/liveid/liveid/liveness"
)

// synthPhase is the renderer's phase for the engine's.
var synthPhase = map[engine.Phase]synth.Phase{
	engine.PhasePrecheck: synth.PhasePrecheck, engine.PhaseBaseline: synth.PhaseBaseline,
	engine.PhaseFlash: synth.PhaseFlash, engine.PhaseAction: synth.PhaseAction,
}

// RenderedSession runs an engine session on frames engine/synth renders
// closed loop: each frame shows what the engine's latest guidance asked for
// (phase, action, screen colour), 30 frames a second, until the engine is
// done or 60 s have passed; then Finish. kind is who (or what) is in front
// of the camera, subjects the faces (the user first), seed makes it
// repeatable. Replayed kinds play a session recorded under another plan.
func RenderedSession(e *engine.Engine, ch *engine.Challenge, kind synth.Kind, subjects []*synth.Subject, seed uint64) (*engine.Result, error) {
	plan, err := liveness.NewPlan(ch.Seed, ch.Liveness)
	if err != nil {
		return nil, err
	}
	other, err := liveness.NewPlan(fmt.Appendf(nil, "another plan %d......", seed), ch.Liveness)
	if err != nil {
		return nil, err
	}
	r, err := synth.NewSession(kind, subjects, plan, other, seed)
	if err != nil {
		return nil, err
	}
	s, err := e.NewSession(ch)
	if err != nil {
		return nil, err
	}
	p := synth.Prompt{Phase: synth.PhasePrecheck, Screen: liveness.Neutral}
	for t := time.Duration(0); t < time.Minute; t += time.Second / 30 {
		f, err := r.Frame(t, p)
		if err != nil {
			s.Cancel()
			return nil, err
		}
		f.Timestamp = t
		g, err := s.Push(f)
		if err != nil {
			s.Cancel()
			return nil, err
		}
		ph, running := synthPhase[g.Phase]
		if !running {
			break
		}
		p = synth.Prompt{Phase: ph, Action: g.Action, Screen: g.Screen, TooBright: g.Prompt == engine.PromptTooBrightForFlash}
	}
	return s.Finish()
}
