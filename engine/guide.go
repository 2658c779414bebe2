package engine

import (
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/liveness"
)

// guidance is what the UI shows after the latest frame.
func (s *Session) guidance() Guidance {
	g := Guidance{Phase: s.phase, Screen: liveness.Neutral, ScreenUntil: s.last + screenHold, Quality: s.res.Quality}
	switch s.phase {
	case PhaseFailed:
		g.Prompt, g.Reason = PromptFailed, s.failed
		if s.failed == ReasonPrecheckTimeout {
			g.Prompt = PromptTimeout
		}
	case PhasePrecheck:
		g.Prompt, g.Reason = PromptCenterFace, ""
		if p := s.lastProblem; p != "" {
			g.Prompt, g.Reason = p, p
		}
		g.Progress = 0.1 * float32(s.good) / float32(s.e.cfg.PrecheckFrames)
		if s.probe.start >= 0 { // the light probe: hold still while the screen goes black, then white
			g.Prompt, g.Reason, g.Progress = PromptHoldStill, "", 0.1
			g.Screen, g.ScreenUntil = s.probe.screen(s.last), s.probe.until(s.last)
		}
	case PhaseCapture:
		g.Prompt, g.Progress = PromptProcessing, 1
	default:
		s.liveGuidance(&g)
	}
	g.Message = s.e.msgs.Text(g.Prompt)
	return g
}

// screenHold is how long a neutral screen is good for without a new
// frame: long enough to bridge a frame or two.
const screenHold = 100 * time.Millisecond

// liveGuidance fills g during the liveness phases: the phase's own prompt
// unless the face is gone or not alone, the flash colour and how long it
// holds, and the progress through the plan.
func (s *Session) liveGuidance(g *Guidance) {
	t := s.last - s.liveStart
	p := s.plan
	switch s.phase {
	case PhaseBaseline:
		g.Prompt = PromptHoldStill
	case PhaseFlash:
		g.Prompt = PromptFlash
	case PhaseAction:
		g.Action, g.Prompt = s.prompt.Action, actionPrompt[s.prompt.Action]
	}
	switch {
	case !s.res.Found:
		g.Reason = face.NoFace.String()
		g.Prompt = g.Reason
	case s.res.Quality&face.MultipleFaces != 0:
		g.Reason = face.MultipleFaces.String()
		g.Prompt = g.Reason
	}
	g.Screen = p.ColorAt(t)
	g.ScreenUntil = s.liveStart + nextChange(p, t)
	g.Progress = progress(p, t, s.prompt)
}

// nextChange is when the screen's colour next changes after t, or t plus
// screenHold outside the flash.
func nextChange(p *liveness.Plan, t time.Duration) time.Duration {
	if t < p.FlashStart {
		return min(p.FlashStart, t+screenHold)
	}
	for _, f := range p.Flashes {
		if end := f.Start + f.Dur; end > t {
			return end
		}
	}
	return t + screenHold
}

// progress runs 0.1 → 0.4 through the baseline and flash and 0.4 → 1
// through the actions.
func progress(p *liveness.Plan, t time.Duration, cur liveness.Prompt) float32 {
	if t < p.ActionsStart {
		return 0.1 + 0.3*float32(t)/float32(p.ActionsStart)
	}
	return 0.4 + 0.6*float32(cur.Index)/float32(len(p.Actions))
}
