package engine

import (
	"errors"
	"image"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

var shared struct {
	once sync.Once
	eng  *Engine
	err  error
	skip string
}

// clock is the tests' wall clock: challenges are issued against it.
var clock = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// testEngine opens one engine for the package's tests, skipping them when
// `make setup` has not filled the model cache.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	shared.once.Do(func() {
		home := build.Home()
		if _, err := os.Stat(models.Path(build.ModelDir(home), "blazeface")); err != nil {
			shared.skip = "model cache not set up (run make setup): " + err.Error()
			return
		}
		if _, shared.err = build.InitRuntime(home); shared.err != nil {
			return
		}
		shared.eng, shared.err = Open(Config{Dir: build.ModelDir(home), Now: func() time.Time { return clock }})
	})
	if shared.skip != "" {
		t.Skip(shared.skip)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.eng
}

var challengeN int

// challenge is a fresh challenge valid around clock, and its key.
func challenge(t testing.TB) (*Challenge, *evidence.PrivateKey) {
	t.Helper()
	k, err := evidence.GenerateKey("test-key")
	if err != nil {
		t.Fatal(err)
	}
	challengeN++
	seed := make([]byte, 32)
	seed[0], seed[1] = byte(challengeN), 0x5a
	return &Challenge{VerificationID: "ver-" + string(rune('a'+challengeN)), Seed: seed, Nonce: "nonce",
		Compare: NoReference, IssuedAt: clock.Add(-time.Minute), ExpiresAt: clock.Add(29 * time.Minute), Key: k.Public()}, k
}

// portrait is one face of a sample photo framed as a phone's front camera
// shows it: 480×640, the face about 45% of the width, centred.
func portrait(t testing.TB) image.Image {
	t.Helper()
	path, err := build.SamplePhoto(build.Home(), 3)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imaging.Open(path)
	if err != nil {
		t.Skipf("sample photo missing (run make setup): %v", err)
	}
	// A near-frontal face, about 200 px wide in the photo.
	const cx, cy, w = 680, 480, 440
	crop := imaging.Crop(img, image.Rect(cx-w/2, cy-w*2/3, cx+w/2, cy+w*2/3))
	return imaging.Resize(crop, 480, 640, imaging.Linear)
}

// phoneFrames are n frames of img as a front camera delivers them (NV21,
// sensor turned 270°, mirrored), 30 per second from t0.
func phoneFrames(t testing.TB, img image.Image, n int, t0 time.Duration) []*imgproc.Frame {
	t.Helper()
	base, err := imgproc.ToFrame(img, imgproc.NV21, 270, true)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*imgproc.Frame, n)
	for i := range out {
		f := *base
		f.Timestamp = t0 + time.Duration(i)*time.Second/30
		out[i] = &f
	}
	return out
}

// A still photo held to the camera gets through the pre-check (it is a
// well-framed face) but never performs the actions: the session fails,
// its package opens with the key, and the server's replay of the trace
// reaches the device's decision exactly.
func TestStillPhotoFailsAndReplaysExactly(t *testing.T) {
	e := testEngine(t)
	ch, key := challenge(t)
	s, err := e.NewSession(ch)
	if err != nil {
		t.Fatal(err)
	}
	var phases []Phase
	for _, f := range phoneFrames(t, portrait(t), 150, time.Second) {
		g, err := s.Push(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(phases) == 0 || phases[len(phases)-1] != g.Phase {
			phases = append(phases, g.Phase)
		}
		if g.Message == "" || g.Prompt == "" {
			t.Fatalf("guidance without a prompt: %+v", g)
		}
	}
	if len(phases) < 3 || phases[0] != PhasePrecheck || phases[1] != PhaseBaseline {
		t.Errorf("phases %v: want precheck, baseline, flash…", phases)
	}
	res, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if res.Pass || len(res.Reasons) == 0 {
		t.Fatalf("a still photo passed: %+v", res.Reasons)
	}
	t.Logf("reasons %v, package %d bytes", res.Reasons, len(res.Package))
	pkg, err := evidence.Open(res.Package, key, ch.VerificationID)
	if err != nil {
		t.Fatal(err)
	}
	if pkg.Header.PlanHash != PlanHash(ch) || pkg.Body.Local.Pass || !reflect.DeepEqual(pkg.Body.Local.Reasons, res.Reasons) {
		t.Errorf("header or local decision differ: %+v %+v", pkg.Header, pkg.Body.Local)
	}
	plan, err := liveness.NewPlan(ch.Seed, ch.Liveness)
	if err != nil {
		t.Fatal(err)
	}
	if got := Replay(plan, &pkg.Body.Trace, pkg.Body.Passive); !got.Same(res.Liveness) {
		t.Errorf("replayed decision %v differs from the device's %v", got, res.Liveness)
	}
	if len(pkg.Body.BestFrames) == 0 || len(pkg.Body.BestFrames[0].JPEG) == 0 {
		t.Error("no best frame sealed")
	}
}

// The light probe on a still photo: the screen goes black, then white,
// while the pre-check holds; a face that does not answer the screen (as in
// sunlight, or in a stream that ignores it) is asked to leave the bright
// light, probed once more, and then the flash runs anyway: the liveness
// checks decide, not an endless prompt.
func TestLightProbe(t *testing.T) {
	e := testEngine(t)
	ch, _ := challenge(t)
	s, err := e.NewSession(ch)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Cancel()
	var seen []string
	for _, f := range phoneFrames(t, portrait(t), 150, time.Second) {
		g, err := s.Push(f)
		if err != nil {
			t.Fatal(err)
		}
		step := g.Phase.String()
		switch {
		case g.Phase == PhasePrecheck && g.Screen == (liveness.Color{}):
			step = "black"
		case g.Phase == PhasePrecheck && g.Prompt == PromptHoldStill:
			step = "white"
		case g.Prompt == PromptTooBrightForFlash:
			step = "too bright"
		}
		if len(seen) == 0 || seen[len(seen)-1] != step {
			seen = append(seen, step)
		}
	}
	want := []string{"precheck", "black", "white", "too bright", "precheck", "black", "white", "baseline"}
	if len(seen) < len(want) || !slices.Equal(seen[:len(want)], want) {
		t.Errorf("guidance steps %v; want %v first", seen, want)
	}

	s.Cancel()
	// Without the probe the plan starts with the frame that ends the
	// pre-check.
	e.cfg.NoLightProbe = true
	defer func() { e.cfg.NoLightProbe = false }()
	ch, _ = challenge(t)
	s2, err := e.NewSession(ch)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Cancel()
	for i, f := range phoneFrames(t, portrait(t), e.cfg.PrecheckFrames+1, time.Second) {
		g, err := s2.Push(f)
		if err != nil {
			t.Fatal(err)
		}
		want := PhasePrecheck
		if i >= e.cfg.PrecheckFrames-1 {
			want = PhaseBaseline
		}
		if g.Phase != want || g.Screen != liveness.Neutral {
			t.Errorf("NoLightProbe: frame %d in %v under %v, want %v under the neutral screen", i, g.Phase, g.Screen, want)
		}
	}
}

func TestChallengeRefusals(t *testing.T) {
	e := testEngine(t)
	ch, _ := challenge(t)
	expired := *ch
	expired.IssuedAt, expired.ExpiresAt = clock.Add(-time.Hour), clock.Add(-time.Minute)
	if _, err := e.NewSession(&expired); !errors.Is(err, ErrChallengeExpired) {
		t.Errorf("expired: %v", err)
	}
	bad := *ch
	bad.Seed = []byte("short")
	if _, err := e.NewSession(&bad); !errors.Is(err, ErrChallengeMalformed) {
		t.Errorf("short seed: %v", err)
	}
	s, err := e.NewSession(ch)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := challenge(t)
	if _, err := e.NewSession(other); !errors.Is(err, ErrBusy) {
		t.Errorf("second session while one runs: %v", err)
	}
	s.Cancel()
	if _, err := e.NewSession(ch); !errors.Is(err, ErrChallengeUsed) {
		t.Errorf("challenge used twice: %v", err)
	}
	if _, err := s.Finish(); !errors.Is(err, ErrSessionOver) {
		t.Errorf("Finish after Cancel: %v", err)
	}
	b, err := ch.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseChallenge(b)
	if err != nil || back.VerificationID != ch.VerificationID || !reflect.DeepEqual(back.Liveness, ch.Liveness) {
		t.Errorf("challenge round trip: %+v, %v", back, err)
	}
	for _, junk := range [][]byte{nil, []byte("{"), b[:len(b)/2], []byte(`{"verification_id":"x"}`)} {
		if _, err := ParseChallenge(junk); !errors.Is(err, ErrChallengeMalformed) {
			t.Errorf("ParseChallenge(%.20q) = %v", junk, err)
		}
	}
}

// Frames that change size mid-session, or whose time goes back, fail the
// session with a typed error; it never passes, and Push after Finish is
// refused.
func TestBadStreamFailsClosed(t *testing.T) {
	e := testEngine(t)
	img := portrait(t)
	for name, bad := range map[string]func(good []*imgproc.Frame) *imgproc.Frame{
		"smaller frame": func(good []*imgproc.Frame) *imgproc.Frame {
			return phoneFrames(t, imaging.Resize(img, 240, 320, imaging.Linear), 1, time.Hour)[0]
		},
		"time goes back": func(good []*imgproc.Frame) *imgproc.Frame {
			f := *good[len(good)-1]
			f.Timestamp -= time.Second
			return &f
		},
		"another format": func(good []*imgproc.Frame) *imgproc.Frame {
			f := imgproc.FromImage(img)
			f.Timestamp = good[len(good)-1].Timestamp + time.Second/30
			return f
		},
		"corrupt planes": func(good []*imgproc.Frame) *imgproc.Frame {
			f := *good[len(good)-1]
			f.Timestamp += time.Second
			f.Planes[1] = f.Planes[1][:10]
			return &f
		},
	} {
		ch, _ := challenge(t)
		s, err := e.NewSession(ch)
		if err != nil {
			t.Fatal(err)
		}
		good := phoneFrames(t, img, 40, 0)
		for _, f := range good {
			if _, err := s.Push(f); err != nil {
				t.Fatal(err)
			}
		}
		g, err := s.Push(bad(good))
		if err == nil || g.Phase != PhaseFailed {
			t.Errorf("%s: guidance %v, error %v; want a failed session and an error", name, g.Phase, err)
		}
		res, err := s.Finish()
		if err != nil || res.Pass || res.Reasons[0] != ReasonBadStream {
			t.Errorf("%s: result %v, %v", name, res.Reasons, err)
		}
		if _, err := s.Push(good[0]); !errors.Is(err, ErrSessionOver) {
			t.Errorf("%s: Push after Finish: %v", name, err)
		}
	}
}

// BenchmarkPush is the engine's per-frame cost in the liveness phases: the
// tracker, the observation, the trace, the session and the best frames.
func BenchmarkPush(b *testing.B) {
	e := testEngine(b)
	frames := phoneFrames(b, portrait(b), 400, 0)
	ch, _ := challenge(b)
	s, err := e.NewSession(ch)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Cancel()
	// Through the pre-check, the light probe (a still photo is probed
	// twice), the baseline and the flash, whose end runs the reflection fit
	// once a session, into the actions: the steady state of a session.
	for _, f := range frames {
		g, err := s.Push(f)
		if err != nil {
			b.Fatal(err)
		}
		if g.Phase == PhaseAction {
			break
		}
	}
	if s.phase != PhaseAction {
		b.Fatalf("the session is in %v, not the actions", s.phase)
	}
	f := *frames[0]
	b.ReportAllocs()
	for b.Loop() {
		f.Timestamp = s.last + time.Second/30
		if _, err := s.Push(&f); err != nil {
			b.Fatal(err)
		}
	}
}
