package liveness

import (
	"errors"
	"image/color"
	"os"
	"testing"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// modelDir starts the runtime and returns the cache's model directory,
// skipping the test when `make setup` has not filled the cache.
func modelDir(t *testing.T) string {
	t.Helper()
	home := build.Home()
	dir := build.ModelDir(home)
	for _, m := range []string{AntiSpoofModel, LivenessModel} {
		if _, err := os.Stat(models.Path(dir, m)); err != nil {
			t.Skipf("model cache not set up (run make setup): %v", err)
		}
	}
	if _, err := build.InitRuntime(home); err != nil {
		t.Fatal(err)
	}
	return dir
}

// openPassive opens the cache's passive models.
func openPassive(t *testing.T) *Passive {
	t.Helper()
	p, err := OpenPassive(modelDir(t), models.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestOpenPassiveNeedsBothModels(t *testing.T) {
	modelDir(t)
	if _, err := OpenPassive(t.TempDir(), models.Options{}); !errors.Is(err, models.ErrModelMissing) {
		t.Errorf("missing models: %v", err)
	}
}

// Scoring a face every frame allocates nothing once warm.
func TestScoreFaceDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	p := openPassive(t)
	r, f := trackerResult(), skinFrame(t, color.RGBA{180, 130, 110, 255})
	score := func() {
		if _, err := p.ScoreFace(f, &r.Mesh); err != nil {
			t.Fatal(err)
		}
	}
	score()
	if n := testing.AllocsPerRun(10, score); n != 0 {
		t.Errorf("ScoreFace: %v allocations a face", n)
	}
}
