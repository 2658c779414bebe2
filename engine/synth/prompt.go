package synth

import (
	"fmt"
	"slices"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/liveness"
)

// Phase is the part of a verification the user is in, as the host's
// guidance says.
type Phase int

// The phases, in order.
const (
	PhasePrecheck Phase = iota // getting the face into the frame, before liveness starts
	PhaseBaseline              // hold still under the neutral screen
	PhaseFlash                 // hold still while the screen flashes
	PhaseAction                // perform Prompt.Action
	PhaseDone                  // finished: stop
)

var phaseNames = [...]string{"precheck", "baseline", "flash", "action", "done"}

func (p Phase) String() string {
	if p >= PhasePrecheck && p <= PhaseDone {
		return phaseNames[p]
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Prompt is what the host shows while a frame is taken: the guidance to the
// user and the screen's colour, which it has shown since ScreenSince (on
// the frames' clock; 0, or a time after the frame's, means since the
// frame's time, as for a host that repaints once per camera frame) until
// the next frame's Prompt.
type Prompt struct {
	Phase  Phase
	Action liveness.Action // in PhaseAction, what the user is asked to do
	// TooBright: the host asks the user to move out of the bright light
	// (engine.PromptTooBrightForFlash); a person does, after a moment.
	TooBright   bool
	Screen      liveness.Color // full-screen colour (liveness.Neutral outside the flash)
	ScreenSince time.Duration
}

// Cue is a prompt shown from At on.
type Cue struct {
	At     time.Duration
	Prompt Prompt
}

// Schedule is an open-loop session: the prompts an engine would give for
// the plan, without an engine. Precheck is a second of still face, up to
// ProbeStart, then the engine's light probe (the screen black, then white,
// for engine.ProbeTime); the plan's clock starts at PlanStart (its baseline, then its flash colours at
// their times, each prompt's ScreenSince the colour's start, so the screen
// shows Plan.ColorAt exactly); each action is prompted at the plan's
// ActionsStart or actionGap after the previous gesture ends, by when an
// engine would have prompted it; Done follows the last gesture by the same
// gap, at End.
type Schedule struct {
	Cues       []Cue
	ProbeStart time.Duration
	PlanStart  time.Duration
	End        time.Duration
}

const (
	precheckTime = time.Second
	actionGap    = 1500 * time.Millisecond
)

// At is the prompt showing at t.
func (s *Schedule) At(t time.Duration) Prompt {
	i, found := slices.BinarySearchFunc(s.Cues, t, func(c Cue, t time.Duration) int { return cmpDur(c.At, t) })
	if !found {
		i--
	}
	if i < 0 {
		return s.Cues[0].Prompt
	}
	return s.Cues[i].Prompt
}

func cmpDur(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// newSchedule lays out plan for a performer whose gestures come from seed
// and who.
func newSchedule(plan *liveness.Plan, seed, who uint64) *Schedule {
	p0, half := precheckTime, engine.ProbeTime/2
	t0 := p0 + engine.ProbeTime
	s := &Schedule{ProbeStart: p0, PlanStart: t0, Cues: []Cue{
		{0, Prompt{Phase: PhasePrecheck, Screen: liveness.Neutral}},
		{p0, Prompt{Phase: PhasePrecheck, Screen: liveness.Color{}, ScreenSince: p0}},
		{p0 + half, Prompt{Phase: PhasePrecheck, Screen: liveness.Neutral, ScreenSince: p0 + half}},
		{t0, Prompt{Phase: PhaseBaseline, Screen: liveness.Neutral}},
	}}
	for _, f := range plan.Flashes {
		s.Cues = append(s.Cues, Cue{t0 + f.Start, Prompt{Phase: PhaseFlash, Screen: f.Color, ScreenSince: t0 + f.Start}})
	}
	end := t0 + plan.FlashEnd
	s.Cues = append(s.Cues, Cue{end, Prompt{Phase: PhaseFlash, Screen: liveness.Neutral, ScreenSince: end}})
	at := t0 + plan.ActionsStart
	for _, a := range plan.Actions {
		s.Cues = append(s.Cues, Cue{at, Prompt{Phase: PhaseAction, Action: a, Screen: liveness.Neutral}})
		g := newGesture(seed, who, a, 0, at)
		at = g.end() + actionGap
	}
	s.Cues = append(s.Cues, Cue{at, Prompt{Phase: PhaseDone, Screen: liveness.Neutral}})
	s.End = at
	return s
}
