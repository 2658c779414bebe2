package eval

import (
	"encoding/binary"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/engine/synth"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

var shared struct {
	once     sync.Once
	eng      *engine.Engine
	subjects []*synth.Subject
	err      error
}

// setup opens one engine and the rendered subjects for the tests,
// skipping them when `make setup` has not filled the model cache.
func setup(t *testing.T) (*engine.Engine, []*synth.Subject) {
	t.Helper()
	home := build.Home()
	dir := build.ModelDir(home)
	if _, err := os.Stat(models.Path(dir, "blazeface")); err != nil {
		t.Skipf("model cache not set up (run make setup): %v", err)
	}
	shared.once.Do(func() {
		if _, shared.err = build.InitRuntime(home); shared.err != nil {
			return
		}
		if shared.subjects, shared.err = Subjects(home, dir); shared.err != nil {
			return
		}
		shared.eng, shared.err = engine.Open(engine.Config{Dir: dir, Now: Now})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.eng, shared.subjects
}

// session renders session i of kind k through the engine and opens its
// package.
func session(t *testing.T, k synth.Kind, i int) (*engine.Result, *evidence.Package, *liveness.Plan) {
	t.Helper()
	e, subjects := setup(t)
	ch, key, err := Challenge(seedFor(1, k, i, "live"), "test-"+k.String()+string(rune('a'+i)))
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		// One action instead of three: every check still runs (the probe,
		// the flash, a gesture, the best frames of each part, the seal) in
		// half the session's frames, which make test pays for in rendering.
		ch.Liveness.Count = 1
	}
	plan, _ := liveness.NewPlan(ch.Seed, ch.Liveness)
	other, _ := liveness.NewPlan(seedFor(1, k, i, "recorded"), liveness.Config{})
	ss, err := synth.NewSession(k, []*synth.Subject{subjects[i%len(subjects)], subjects[(i+1)%len(subjects)]}, plan, other,
		binary.BigEndian.Uint64(seedFor(1, k, i, "render")))
	if err != nil {
		t.Fatal(err)
	}
	res, frames, _, err := Verify(e, ch, ss, plan.Config.Timeout+30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := evidence.Open(res.Package, key, ch.VerificationID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v session %d: %d frames, pass %v %v, package %d bytes", k, i, frames, res.Pass, res.Reasons, len(res.Package))
	return res, pkg, plan
}

// Rendered genuine sessions of three different faces (subjects 1, 2 and
// 3: session i shows subject i) pass through the real engine end to end,
// and every package's trace replays to the device's decision exactly.
// Subject 0 is left out on purpose: a narrow-eyed face (its open eyes read
// 0.145–0.17, at the tracker's closed-eye level) whose painted blink the
// mesh barely sees, which the session evaluation reports.
func TestGenuineSessions(t *testing.T) {
	for _, i := range []int{1, 2, 3} {
		res, pkg, plan := session(t, synth.Genuine, i)
		if !res.Pass {
			t.Errorf("genuine session %d failed: %v", i, res.Reasons)
		} else if len(pkg.Body.BestFrames) < 2 || len(pkg.Body.Passive) != len(pkg.Body.BestFrames) {
			t.Errorf("session %d passed with %d best frames and %d passive scores; want one of each part of the session",
				i, len(pkg.Body.BestFrames), len(pkg.Body.Passive))
		}
		if got := engine.Replay(plan, &pkg.Body.Trace, pkg.Body.Passive); !got.Same(res.Liveness) {
			t.Errorf("session %d: the replayed decision %v differs from the device's %v", i, got, res.Liveness)
		}
	}
}

// Every attack the renderer draws is rejected, among its reasons one that
// names what gives that attack away.
func TestAttacksRejected(t *testing.T) {
	for _, c := range []struct {
		kind synth.Kind
		want []string // one of these must be among the reasons
	}{
		// Flat geometry, or a reflection without relief.
		{synth.PrintedPhoto, []string{"LIVENESS_PLANAR_MOTION", "LIVENESS_DISTANCE_CHECK_FAILED", "LIVENESS_REFLECTION_FAILED"}},
		// A recording made under another plan: its actions and flashes, or
		// (when the light probe asked the user to move and the recording
		// played on) a face that never holds still for the pre-check again.
		{synth.ScreenReplay, []string{"LIVENESS_WRONG_ORDER", "LIVENESS_REFLECTION_FAILED", "LIVENESS_RECAPTURED", engine.ReasonPrecheckTimeout}},
		// Frames that never saw this screen: no reflection of its flashes.
		{synth.InjectedVideo, []string{"LIVENESS_REFLECTION_FAILED", "LIVENESS_WRONG_ORDER"}},
		// Another live person: every liveness check passes, the identity check does not.
		{synth.FaceSwap, []string{engine.ReasonFaceChanged}},
		{synth.SecondFace, []string{"LIVENESS_MULTIPLE_FACES"}},
	} {
		t.Run(c.kind.String(), func(t *testing.T) {
			res, _, _ := session(t, c.kind, 0)
			if res.Pass {
				t.Fatal("the attack passed")
			}
			if !slices.ContainsFunc(res.Reasons, func(r string) bool { return slices.Contains(c.want, r) }) {
				t.Errorf("rejected for %v, none of %v", res.Reasons, c.want)
			}
		})
	}
}
