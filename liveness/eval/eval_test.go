package eval

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// maxBPCER is the genuine rejection rate the simulated set must stay under.
// The sessions Run rejects are mostly colour-flash sessions in bright rooms
// with dark skin, where the reflection is too weak to prove relief.
const maxBPCER = 0.05

// loaded is what the tests share, loaded once: one tracker, the sample
// photos with the faces it found in them, and the subjects made of them.
var loaded struct {
	once     sync.Once
	tracker  *face.Tracker
	photos   map[int]*samplePhoto
	subjects []subject
	err      error
}

// cachedSubjects loads the subjects once, skipping the test when the
// model cache is missing.
func cachedSubjects(t *testing.T) []subject {
	t.Helper()
	home := build.Home()
	photo, err := build.SamplePhoto(home, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := build.ModelDir(home)
	for _, p := range []string{models.Path(dir, face.DetectorModel), models.Path(dir, face.MeshModel), models.Path(dir, face.IrisModel),
		models.Path(dir, liveness.AntiSpoofModel), models.Path(dir, liveness.LivenessModel), photo} {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			t.Skipf("model cache not found (%s): run make setup", p)
		}
	}
	loaded.once.Do(func() { loaded.err = load(home) })
	if loaded.err != nil {
		t.Fatal(loaded.err)
	}
	return loaded.subjects
}

// load is loadSubjects keeping the tracker and the photos.
func load(home string) error {
	if _, err := build.InitRuntime(home); err != nil {
		return err
	}
	dir := build.ModelDir(home)
	tr, err := face.NewTracker(dir, models.Options{}, face.DefaultConfig())
	if err != nil {
		return err
	}
	pas, err := liveness.OpenPassive(dir, models.Options{})
	if err != nil {
		return err
	}
	defer pas.Close()
	loaded.tracker = tr
	if loaded.photos, err = loadPhotos(home, tr); err != nil {
		return err
	}
	loaded.subjects, err = makeSubjects(loaded.photos, pas)
	return err
}

// TestEvaluate is the acceptance run of the simulated attacks: every attack
// kind must be rejected every time, and genuine users pass at maxBPCER.
// With -short it runs the first 50 genuine sessions and 10 of each attack.
func TestEvaluate(t *testing.T) {
	opt := Options{Seed: 1}
	if testing.Short() {
		opt.Genuine, opt.Attacks = 50, 10
	}
	rep, err := evaluate(context.Background(), opt, cachedSubjects(t))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.Write(&b)
	t.Log("\n" + b.String())
	for _, row := range rep.Rows {
		switch {
		case row.Sessions == 0:
			t.Errorf("%v: no sessions", row.Kind)
		case row.Kind == Genuine && row.ErrorRate() > maxBPCER:
			t.Errorf("genuine BPCER %.1f%% over %.1f%%", 100*row.ErrorRate(), 100*maxBPCER)
		case row.Kind != Genuine && row.Accepted > 0:
			t.Errorf("%v: %d of %d attacks accepted", row.Kind, row.Accepted, row.Sessions)
		}
	}
}

func TestDecisionsAreDeterministic(t *testing.T) {
	subs := cachedSubjects(t)
	for k := range numKinds {
		for i := range 3 {
			a, b := simulate(11, subs, k, i), simulate(11, subs, k, i)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%v %d: two runs decided differently: %v / %v", k, i, a, b)
			}
		}
	}
	// The same recorded stream through two sessions.
	plan := mustPlan(seedOf(5))
	rng := rand.New(rand.NewPCG(1, 1))
	rec := &recorder{actor: newPerson(newScene(plan, rng), subs[0].head, rng)}
	first := runSession(plan, rec, subs[0].passive, newClock(rng))
	again := liveness.NewSession(plan)
	again.AddPassive(subs[0].passive)
	for _, o := range rec.frames {
		if again.Observe(o).Phase == liveness.PhaseDone {
			break
		}
	}
	if second := again.Finish(); !reflect.DeepEqual(first, second) {
		t.Fatalf("replaying the same frames decided differently: %v / %v", first, second)
	}
}

// At 12 fps with ±45% jitter and one frame in eight dropped, the
// timestamp-driven detectors still see every gesture.
func TestGenuineActionsSurviveFrameJitter(t *testing.T) {
	subs := cachedSubjects(t)
	done := 0
	const n = 40
	for i := range n {
		rng := rand.New(rand.NewPCG(21, uint64(i)))
		plan := mustPlan(sessionSeed(21, Genuine, i, "jitter"))
		clk := &clock{period: time.Second / 12, jitter: 0.45, drop: 8, rng: rng}
		r := runSession(plan, newPerson(newScene(plan, rng), subs[i%len(subs)].head, rng), subs[0].passive, clk)
		if len(r.Actions) == len(plan.Actions) && r.Actions[len(r.Actions)-1].Completed {
			done++
		} else {
			t.Logf("session %d: %v", i, r)
		}
	}
	if done < n*95/100 {
		t.Errorf("only %d of %d genuine sessions at 12 fps with ±45%% jitter completed their actions", done, n)
	}
}

func seedOf(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
