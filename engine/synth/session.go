package synth

import (
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
)

// Session renders the camera frames of one verification session of one
// Kind. Drive it with the host's prompts, closed loop (an engine's
// guidance) or open loop (Schedule), at increasing times. A Session is not
// safe for concurrent use; the same arguments and calls render the same
// frames.
type Session struct {
	seed     uint64
	subjects []*Subject
	plan     *liveness.Plan
	sc       *scene
	screens  screenLog
	pt       *painter
	act      actor
	tremor   sway // the phone in the user's hand: the room shifts a little
	frames   int
	last     time.Duration
	// dimAt is when the user, asked to leave the bright light, has moved
	// (0: not asked); moves counts the moves, asked says the prompt shows.
	dimAt time.Duration
	moves int
	asked bool
	out   *image.RGBA // the last frame, upright
	truth Truth
}

// Truth is what a frame shows, as rendered: the ground truth a test or an
// evaluation compares an engine's readings with.
type Truth struct {
	T      time.Duration
	Prompt Prompt
	// Subject is the index (in NewSession's subjects) of the main face in
	// view; Faces how many faces are in view.
	Subject, Faces int
	// Gesture is the gesture being performed (by the person, the hand
	// holding the print, or the recorded person), 0 for none.
	Gesture liveness.Action
	// Yaw, Pitch and Roll (degrees, face.Signals' signs) are the face's
	// turn from its photo's pose, or the print's from facing the camera.
	Yaw, Pitch, Roll float64
	// Nearer is how many times nearer the face is than at rest.
	Nearer float64
	// Shut is the eyelids' closure (0 open, 1 shut), Mouth the jaw drop in
	// cm.
	Shut, Mouth float64
	// Emitted is the linear screen light the exposure saw.
	Emitted [3]float32
}

// actor is what stands in front of the camera: the layers it shows at t
// in front of the room, under light l.
type actor interface {
	frame(t time.Duration, p Prompt, l light, tr *Truth) ([]layer, error)
}

// streamer is an actor that replaces the camera's output altogether.
type streamer interface {
	image(t time.Duration, p Prompt, tr *Truth) (*image.RGBA, error)
}

// Errors of NewSession and Frame.
var (
	ErrArgs      = errors.New("synth: bad session arguments")
	ErrTimeOrder = errors.New("synth: frame time goes back")
)

// NewSession prepares a session of kind k. subjects[0] is the user (the
// victim, for attacks); FaceSwap and SecondFace show subjects[1] too.
// plan is the session's liveness plan; ScreenReplay and InjectedVideo play
// a genuine session recorded under other, another seed's plan. Every
// random choice (room, light, lag, reactions, gestures, noise) derives from
// seed.
func NewSession(k Kind, subjects []*Subject, plan, other *liveness.Plan, seed uint64) (*Session, error) {
	switch {
	case k < Genuine || k > SecondFace:
		return nil, fmt.Errorf("%w: unknown kind %d", ErrArgs, int(k))
	case plan == nil:
		return nil, fmt.Errorf("%w: no plan", ErrArgs)
	case len(subjects) < k.subjectsNeeded():
		return nil, fmt.Errorf("%w: %v needs %d subjects, have %d", ErrArgs, k, k.subjectsNeeded(), len(subjects))
	case k.needsOther() && other == nil:
		return nil, fmt.Errorf("%w: %v needs the recording's plan", ErrArgs, k)
	}
	for i, s := range subjects {
		if s == nil {
			return nil, fmt.Errorf("%w: subject %d is nil", ErrArgs, i)
		}
	}
	s := &Session{seed: seed, subjects: subjects, plan: plan, sc: newScene(seed)}
	s.pt = newPainter(seed, s.sc.noise)
	s.out = s.pt.img
	s.tremor = newSway(stream(seed, streamSway, 99), 0, 2.5)
	var err error
	if s.act, err = newActor(k, s, other); err != nil {
		return nil, err
	}
	return s, nil
}

func newActor(k Kind, s *Session, other *liveness.Plan) (actor, error) {
	n := len(s.plan.Actions)
	switch k {
	case PrintedPhoto:
		return newPrint(s.sc, s.subjects[0], s.seed), nil
	case ScreenReplay:
		return newReplay(s.sc, s.subjects[0], other, s.seed)
	case InjectedVideo:
		return newInjection(s.subjects[0], other, s.seed)
	case FaceSwap:
		p := newPerson(s.sc, s.subjects[:2], s.seed, 0, true)
		p.swapAt = n / 2
		return p, nil
	case SecondFace:
		return newCrowd(s.sc, s.subjects[:2], s.seed), nil
	}
	return newPerson(s.sc, s.subjects[:1], s.seed, 0, true), nil
}

// Schedule is the open-loop run of the session's plan (see Schedule).
func (s *Session) Schedule() *Schedule { return newSchedule(s.plan, s.seed, 0) }

// Frame renders the camera frame exposed until t while the host shows p:
// NV21, Rotation 270 and Mirror set (a phone's front camera in portrait),
// Timestamp t. Times must not decrease.
func (s *Session) Frame(t time.Duration, p Prompt) (*imgproc.Frame, error) {
	if err := s.render(t, p); err != nil {
		return nil, err
	}
	return deliver(s.out, t)
}

// Image is the last frame upright (Width × Height, what Frame's frame
// shows after its rotation and mirror). It is overwritten by the next
// Frame.
func (s *Session) Image() *image.RGBA { return s.out }

// Truth is what the last frame shows.
func (s *Session) Truth() Truth { return s.truth }

// render paints the upright image of the frame at t.
func (s *Session) render(t time.Duration, p Prompt) error {
	if s.frames > 0 && t < s.last {
		return fmt.Errorf("%w: %v after %v", ErrTimeOrder, t, s.last)
	}
	s.frames, s.last = s.frames+1, t
	s.followLight(t, p)
	s.screens.show(t, p.ScreenSince, p.Screen)
	e := s.screens.emitted(t, s.sc.lag)
	s.truth = Truth{T: t, Prompt: p, Faces: 1, Nearer: 1, Emitted: e}
	if st, ok := s.act.(streamer); ok {
		img, err := st.image(t, p, &s.truth)
		s.out = img
		return err
	}
	l := s.sc.lightFor(e)
	bg := &roomLayer{rm: &s.sc.room, ambient: l.ambient,
		dx: int(s.tremor.at(t, 3)), dy: int(s.tremor.at(t, 4))}
	layers, err := s.act.frame(t, p, l, &s.truth)
	if err != nil {
		return err
	}
	return s.pt.paint(t, append([]layer{bg}, layers...))
}

// dimReaction is how long a user takes to move out of the bright light
// once asked.
const dimReaction = time.Second

// followLight moves the user to a dimmer place dimReaction after each time
// the host starts asking for it.
func (s *Session) followLight(t time.Duration, p Prompt) {
	if p.TooBright && !s.asked {
		s.dimAt = t + dimReaction
	}
	s.asked = p.TooBright
	if s.dimAt > 0 && t >= s.dimAt {
		s.moves++
		s.sc.dimmer(stream(s.seed, streamScene, uint64(s.moves)))
		s.dimAt = 0
	}
}

// neck is the pivot a head turns about, in the head frame (cm): behind and
// below the face's centre.
var neck = vec{0, 3, 9}

// person is a live user: a head that sways, blinks and follows the
// prompts, on a body. With two subjects and swapAt ≥ 0, the second person
// takes the first's place when action swapAt is prompted, standing a
// little differently.
type person struct {
	sc           *scene
	subs         []*Subject
	cur          int
	swapAt       int
	pf           *performer
	sw           sway
	yaw0, pitch0 float64
	pos0         vec // rest position of the face's centroid, camera frame
	moved        vec // where the swapped-in person stands relative to pos0
}

func newPerson(sc *scene, subs []*Subject, seed, who uint64, follows bool) *person {
	r := stream(seed, streamSway, who)
	p := &person{sc: sc, subs: subs, swapAt: -1, pf: newPerformer(seed, who, follows, true),
		sw: newSway(r, 1.5, 0.4), yaw0: uniform(r, -3, 3), pitch0: uniform(r, -3, 3),
		pos0: vec{uniform(r, -0.6, 0.6), uniform(r, -1.8, -0.8), restDist * uniform(r, 0.95, 1.08)}}
	side := 1.0
	if r.IntN(2) == 0 {
		side = -1
	}
	p.moved = vec{side * uniform(r, 2, 4), uniform(r, -1, 1), uniform(r, -3, 3)}
	return p
}

func (pe *person) frame(t time.Duration, p Prompt, l light, tr *Truth) ([]layer, error) {
	m := pe.pf.step(t, p)
	if pe.swapAt >= 0 && pe.cur == 0 && pe.pf.prompts > pe.swapAt {
		pe.cur, pe.pos0 = 1, pe.pos0.add(pe.moved)
	}
	tr.Subject, tr.Gesture, tr.Shut, tr.Mouth, tr.Nearer = pe.cur, m.action, m.shut, m.mouth, m.nearer
	return pe.layers(t, m, l, vec{}, tr), nil
}

// layers are the body and head posed for motion m at t, moved by shift
// (camera frame, cm).
func (pe *person) layers(t time.Duration, m motion, l light, shift vec, tr *Truth) []layer {
	s := pe.subs[pe.cur]
	tr.Yaw = pe.yaw0 + m.yaw + pe.sw.at(t, 0)
	tr.Pitch = pe.pitch0 + m.pitch + pe.sw.at(t, 1)
	tr.Roll = pe.sw.at(t, 2)
	pos := vec{pe.pos0[0] + pe.sw.at(t, 3), pe.pos0[1] + pe.sw.at(t, 4), pe.pos0[2]/m.nearer + pe.sw.at(t, 5)}.add(shift)
	v := newView(focal, principalX, principalY, rotation(tr.Yaw, tr.Pitch, tr.Roll), neck, pos)
	body := newBodyLayer(pos.add(vec{0, bodyNeckline, 7}), pe.sc.cloth, l)
	return []layer{body, newHeadLayer(s, v, l, m.shut, m.mouth*s.hd.k)}
}

// crowd is the user and a second person who comes into view behind them
// during the actions, smaller (farther) and to one side, and stays.
type crowd struct {
	main, other *person
	enterAt     time.Duration // -1 until the first action prompt
	delay       time.Duration
	side        float64
}

const enterTime = 700 * time.Millisecond

func newCrowd(sc *scene, subs []*Subject, seed uint64) *crowd {
	r := stream(seed, streamSecond, 0)
	c := &crowd{main: newPerson(sc, subs[:1], seed, 0, true), other: newPerson(sc, subs[1:2], seed, 1, false),
		enterAt: -1, delay: millis(r, 1000, 2000), side: 1}
	if r.IntN(2) == 0 {
		c.side = -1
	}
	// Farther, so its face looks 0.65 as wide, and its centre at a
	// third of the main face's width from the frame's edge.
	z := restDist / 0.65
	c.other.pos0 = vec{c.side * 160 * z / focal, -125 * z / focal, z}
	return c
}

func (c *crowd) frame(t time.Duration, p Prompt, l light, tr *Truth) ([]layer, error) {
	if c.enterAt < 0 && p.Phase == PhaseAction {
		c.enterAt = t + c.delay
	}
	front, _ := c.main.frame(t, p, l, tr)
	if c.enterAt < 0 || t < c.enterAt {
		return front, nil
	}
	var back Truth
	u := smoothstep(0, 1, float64(t-c.enterAt)/float64(enterTime))
	z := c.other.pos0[2]
	shift := vec{c.side * (1 - u) * 260 * z / focal, 0, 0} // from beyond the frame's edge
	behind := c.other.layers(t, c.other.pf.step(t, Prompt{}), l, shift, &back)
	if u > 0.5 {
		tr.Faces = 2
	}
	return append(behind, front...), nil
}
