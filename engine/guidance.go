package engine

import (
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/liveness"
)

// Phase is the part of a session the user is in.
type Phase int

// The phases, in order; a session ends in PhaseDone or PhaseFailed.
const (
	PhasePrecheck Phase = iota // frame the face: N good frames in a row start the liveness check
	PhaseBaseline              // hold still under the neutral screen
	PhaseFlash                 // hold still while the screen flashes colours
	PhaseAction                // perform Guidance.Action
	PhaseCapture               // the checks are done; Finish seals the evidence
	PhaseDone                  // Finish has run and the local result passed
	PhaseFailed                // the session failed or was cancelled; Finish gives the reasons
)

var phaseNames = [...]string{"precheck", "baseline", "flash", "action", "capture", "done", "failed"}

func (p Phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "unknown"
}

// Guidance is what the UI shows after a frame.
type Guidance struct {
	Phase Phase
	// Prompt is the one instruction to show, a stable code (PROMPT_*, or a
	// FACE_* quality code when the shot is the problem); Message is its
	// text in the engine's language.
	Prompt, Message string
	// Reason is why Prompt is shown instead of the phase's own instruction:
	// the FACE_* code of what is wrong with the shot, or the LIVENESS_* code
	// the session failed with; "" when nothing is wrong.
	Reason string
	// Screen is the colour to fill the screen with, until ScreenUntil on the
	// session clock (the frames' timestamps); after that, ask again with
	// the next frame. The screen must be at full brightness.
	Screen      liveness.Color
	ScreenUntil time.Duration
	// Action is what to perform in PhaseAction.
	Action liveness.Action
	// Progress runs from 0 at the first frame to 1 when the checks are done.
	Progress float32
	// Quality is the tracker's set of codes for this frame.
	Quality face.Quality
}

// qualityOrder is the order in which problems with the shot are prompted:
// the first one present is the one the user hears about, the one whose fix
// is most likely to fix the others.
var qualityOrder = []face.Quality{
	face.NoFace, face.MultipleFaces, face.PartlyOutOfFrame, face.TooFar, face.TooClose,
	face.TooDark, face.TooBright, face.Backlit, face.PoseTooLarge, face.Occluded,
	face.EyesClosed, face.Blurred, face.MovingTooMuch,
}

// firstProblem is the code of the problem to prompt, 0 when there is none.
func firstProblem(q face.Quality) face.Quality {
	for _, c := range qualityOrder {
		if q&c != 0 {
			return c
		}
	}
	return 0
}

// actionPrompt is the prompt code of each action.
var actionPrompt = map[liveness.Action]string{
	liveness.Blink:     PromptBlink,
	liveness.OpenMouth: PromptOpenMouth,
	liveness.Nod:       PromptNod,
	liveness.Shake:     PromptShake,
	liveness.NearFar:   PromptNearFar,
}
