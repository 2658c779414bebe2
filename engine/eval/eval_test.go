package eval

import (
	"encoding/binary"
	"os"
	"slices"
	"strings"
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
		if shared.subjects, shared.err = loadSubjects(home, dir); shared.err != nil {
			return
		}
		shared.eng, shared.err = engine.Open(engine.Config{Dir: dir, Now: func() time.Time { return wall }})
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

// Rendered genuine sessions go through the real engine end to end; at
// least one of the two must pass (on the pixel-level simulation today's
// thresholds, set on observation-level simulations, still reject some
// genuine sessions: see the session evaluation), and every package's
// trace replays to the device's decision exactly.
func TestGenuineSessions(t *testing.T) {
	passed := 0
	for i := range 2 {
		res, pkg, plan := session(t, synth.Genuine, i)
		if res.Pass {
			passed++
			if len(pkg.Body.BestFrames) == 0 || len(pkg.Body.Passive) == 0 {
				t.Errorf("session %d passed without best frames or passive scores", i)
			}
		}
		if got := engine.Replay(plan, &pkg.Body.Trace, pkg.Body.Passive); !got.Same(res.Liveness) {
			t.Errorf("session %d: the replayed decision %v differs from the device's %v", i, got, res.Liveness)
		}
	}
	if passed == 0 {
		t.Error("no rendered genuine session passed")
	}
}

// A printed photo moved as the prompts ask is rejected, for a reason a
// print gives away: flat geometry or no relief in the reflection.
func TestPrintAttackRejected(t *testing.T) {
	res, _, _ := session(t, synth.PrintedPhoto, 0)
	if res.Pass {
		t.Fatal("a print attack passed")
	}
	if !slices.ContainsFunc(res.Reasons, func(r string) bool {
		return strings.Contains(r, "PLANAR") || strings.Contains(r, "DISTANCE") || strings.Contains(r, "REFLECTION")
	}) {
		t.Errorf("print rejected for %v, none of them geometric or reflection", res.Reasons)
	}
}
