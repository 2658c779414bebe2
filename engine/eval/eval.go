package eval

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/engine/synth"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// Options configure Run. Zero counts mean the defaults.
type Options struct {
	Home    string // model cache (build.Home())
	Genuine int    // bona fide sessions (default 12)
	Attacks int    // sessions per attack kind (default 4)
	Seed    uint64 // every session derives from it
	// Kinds limits the run to these kinds (default synth.Kinds).
	Kinds []synth.Kind
	// IrisEvery is the engine's iris cadence (engine.Config.IrisEvery;
	// 0: the engine's default).
	IrisEvery int
}

// Row is the outcome for one kind.
type Row struct {
	Kind     synth.Kind
	Sessions int
	Accepted int
	Reasons  map[string]int // sessions giving each reason
	Time     time.Duration  // rendering, pushing and finishing all sessions
	Frames   int
	Push     time.Duration // in Push alone
	Bytes    int           // sealed packages, summed
}

// ErrorRate is BPCER for the bona fide row (share rejected) and APCER for
// the attack rows (share accepted).
func (r Row) ErrorRate() float64 {
	if r.Sessions == 0 {
		return 0
	}
	if r.Kind == synth.Genuine {
		return float64(r.Sessions-r.Accepted) / float64(r.Sessions)
	}
	return float64(r.Accepted) / float64(r.Sessions)
}

// Report is Run's result.
type Report struct {
	Options  Options
	Subjects int
	Rows     []Row
	Elapsed  time.Duration
}

// fps is the camera's frame rate; frameStep its period.
const (
	fps       = 30
	frameStep = time.Second / fps
)

// Run renders and verifies the sessions.
func Run(ctx context.Context, o Options) (*Report, error) {
	start := time.Now()
	o.Genuine = cmp.Or(o.Genuine, 12)
	o.Attacks = cmp.Or(o.Attacks, 4)
	if len(o.Kinds) == 0 {
		o.Kinds = synth.Kinds
	}
	if _, err := build.InitRuntime(o.Home); err != nil {
		return nil, err
	}
	dir := build.ModelDir(o.Home)
	subjects, err := Subjects(o.Home, dir)
	if err != nil {
		return nil, err
	}
	e, err := engine.Open(engine.Config{Dir: dir, IrisEvery: o.IrisEvery, Now: Now})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	rep := &Report{Options: o, Subjects: len(subjects)}
	for _, k := range o.Kinds {
		n := o.Attacks
		if k == synth.Genuine {
			n = o.Genuine
		}
		row := Row{Kind: k, Reasons: map[string]int{}}
		for i := range n {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := runOne(e, subjects, o.Seed, k, i, &row); err != nil {
				return nil, fmt.Errorf("eval: %v session %d: %w", k, i, err)
			}
		}
		rep.Rows = append(rep.Rows, row)
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// wall is the evaluation's wall clock: challenges are issued against it.
var wall = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// Now is the evaluation's wall clock, as an engine.Config.Now for engines
// that run the challenges Challenge makes.
func Now() time.Time { return wall }

// runOne renders session i of kind k against the engine and records it.
func runOne(e *engine.Engine, subjects []*synth.Subject, seed uint64, k synth.Kind, i int, row *Row) error {
	ch, _, err := Challenge(seedFor(seed, k, i, "live"), fmt.Sprintf("%v-%d", k, i))
	if err != nil {
		return err
	}
	plan, err := liveness.NewPlan(ch.Seed, ch.Liveness)
	if err != nil {
		return err
	}
	other, err := liveness.NewPlan(seedFor(seed, k, i, "recorded"), liveness.Config{})
	if err != nil {
		return err
	}
	subs := []*synth.Subject{subjects[i%len(subjects)], subjects[(i+1)%len(subjects)]}
	ss, err := synth.NewSession(k, subs, plan, other, binary.BigEndian.Uint64(seedFor(seed, k, i, "render")))
	if err != nil {
		return err
	}
	t0 := time.Now()
	res, frames, push, err := Verify(e, ch, ss, plan.Config.Timeout+30*time.Second)
	if err != nil {
		return err
	}
	row.Sessions++
	row.Frames += frames
	row.Push += push
	row.Time += time.Since(t0)
	row.Bytes += len(res.Package)
	if res.Pass {
		row.Accepted++
	}
	for _, r := range res.Reasons {
		row.Reasons[r]++
	}
	return nil
}

// Verify runs one rendered session through the engine in a closed loop
// until the engine is done with it or limit passes on the session clock,
// and finishes it. It returns the result, the frames pushed and the time
// spent in Push.
func Verify(e *engine.Engine, ch *engine.Challenge, ss *synth.Session, limit time.Duration) (*engine.Result, int, time.Duration, error) {
	s, err := e.NewSession(ch)
	if err != nil {
		return nil, 0, 0, err
	}
	var push time.Duration
	n, err := Drive(ss, func(f *imgproc.Frame) (engine.Guidance, error) {
		t0 := time.Now()
		defer func() { push += time.Since(t0) }()
		return s.Push(f)
	}, limit)
	if err != nil {
		s.Cancel()
		return nil, n, push, err
	}
	res, err := s.Finish()
	return res, n, push, err
}

// Drive renders ss frame by frame and hands each to push (a session's
// Push, or a wrapper of it), the renderer's user following the guidance
// push returns, until the engine is done, push fails (the session's Finish
// says why) or limit passes on the session clock. It returns the frames
// pushed; its error is the renderer's.
func Drive(ss *synth.Session, push func(*imgproc.Frame) (engine.Guidance, error), limit time.Duration) (int, error) {
	p := synth.Prompt{Phase: synth.PhasePrecheck, Screen: liveness.Neutral}
	n := 0
	for t := time.Duration(0); t < limit; t += frameStep {
		f, err := ss.Frame(t, p)
		if err != nil {
			return n, err
		}
		g, err := push(f)
		n++
		if err != nil {
			break
		}
		if p = prompt(g); p.Phase == synth.PhaseDone {
			break
		}
	}
	return n, nil
}

// prompt is the engine's guidance as the renderer's user sees it.
func prompt(g engine.Guidance) synth.Prompt {
	p := synth.Prompt{Action: g.Action, Screen: g.Screen, TooBright: g.Prompt == engine.PromptTooBrightForFlash}
	switch g.Phase {
	case engine.PhasePrecheck:
		p.Phase = synth.PhasePrecheck
	case engine.PhaseBaseline:
		p.Phase = synth.PhaseBaseline
	case engine.PhaseFlash:
		p.Phase = synth.PhaseFlash
	case engine.PhaseAction:
		p.Phase = synth.PhaseAction
	default:
		p.Phase = synth.PhaseDone
	}
	return p
}

// Challenge is a challenge for a rendered session, valid around the
// evaluation's clock, and the private key its evidence is sealed to.
func Challenge(seed []byte, id string) (*engine.Challenge, *evidence.PrivateKey, error) {
	k, err := evidence.GenerateKey("eval")
	if err != nil {
		return nil, nil, err
	}
	return &engine.Challenge{VerificationID: id, Seed: seed, Nonce: id, Compare: engine.NoReference,
		IssuedAt: wall.Add(-time.Minute), ExpiresAt: wall.Add(29 * time.Minute), Key: k.Public()}, k, nil
}

func seedFor(seed uint64, k synth.Kind, i int, role string) []byte {
	b := binary.BigEndian.AppendUint64(nil, seed)
	b = binary.BigEndian.AppendUint64(b, uint64(k))
	b = binary.BigEndian.AppendUint64(b, uint64(i))
	sum := sha256.Sum256(append(b, role...))
	return sum[:]
}

// Subjects are the rendered users: the best face of each sample photo
// that has one and passes the pre-check still.
func Subjects(home, dir string) ([]*synth.Subject, error) {
	tr, err := face.NewTracker(dir, models.Options{}, face.DefaultConfig())
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	var out []*synth.Subject
	for i := 1; i <= build.SamplePhotos; i++ {
		img, err := samplePhoto(home, i)
		if err != nil {
			return nil, err
		}
		s, err := synth.SubjectFromPhoto(tr, img)
		if err != nil {
			continue // a photo without a usable face
		}
		if ok, err := passesPrecheck(tr, s); err != nil {
			return nil, err
		} else if ok {
			out = append(out, s)
		}
	}
	if len(out) < 2 {
		return nil, fmt.Errorf("eval: %d usable faces in the sample photos; need 2", len(out))
	}
	return out, nil
}

// passesPrecheck reports whether a subject rendered still, as a genuine
// session starts, gives the tracker a frame without any quality code: a
// face that is turned in its photo stays turned when rendered, and no
// user could start a session with it.
func passesPrecheck(tr *face.Tracker, s *synth.Subject) (bool, error) {
	plan, err := liveness.NewPlan(make([]byte, liveness.MinSeedLen), liveness.Config{})
	if err != nil {
		return false, err
	}
	ss, err := synth.NewSession(synth.Genuine, []*synth.Subject{s, s}, plan, plan, 1)
	if err != nil {
		return false, err
	}
	tr.Reset()
	var r face.Result
	for i := range 3 {
		f, err := ss.Frame(time.Duration(i)*frameStep, synth.Prompt{Phase: synth.PhasePrecheck, Screen: liveness.Neutral})
		if err != nil {
			return false, err
		}
		if err := tr.Process(f, &r); err != nil {
			return false, err
		}
	}
	return r.Found && r.Quality == 0, nil
}

func samplePhoto(home string, i int) (image.Image, error) {
	path, err := build.SamplePhoto(home, i)
	if err != nil {
		return nil, err
	}
	img, err := imaging.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w (run make setup)", err)
	}
	return img, nil
}

// Write prints the report as a table.
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "session evaluation: SIMULATED sessions rendered at the pixel level (engine/synth) from %d real faces, through the real engine; not a PAD certification\n", r.Subjects)
	fmt.Fprintf(&b, "seed %d; %v\n\n", r.Options.Seed, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "%-20s %8s %8s  %-14s %9s %9s %9s  %s\n", "presentation", "sessions", "accepted", "error rate", "s/session", "ms/Push", "KB/pkg", "reasons given (sessions)")
	for _, row := range r.Rows {
		metric := "APCER"
		if row.Kind == synth.Genuine {
			metric = "BPCER"
		}
		perSession, perPush, kb := 0.0, 0.0, 0.0
		if row.Sessions > 0 {
			perSession = row.Time.Seconds() / float64(row.Sessions)
			kb = float64(row.Bytes) / 1024 / float64(row.Sessions)
		}
		if row.Frames > 0 {
			perPush = float64(row.Push.Microseconds()) / 1000 / float64(row.Frames)
		}
		fmt.Fprintf(&b, "%-20s %8d %8d  %s %6.1f%% %9.1f %9.1f %9.0f  %s\n", row.Kind, row.Sessions, row.Accepted,
			metric, 100*row.ErrorRate(), perSession, perPush, kb, reasonCounts(row.Reasons))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func reasonCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
