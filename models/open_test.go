package models_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// modelDir starts the runtime from the cache and returns its model
// directory, skipping the test when `make setup` has not filled it.
func modelDir(t *testing.T) string {
	t.Helper()
	home := build.Home()
	dir := build.ModelDir(home)
	if _, err := os.Stat(models.Path(dir, "blazeface")); err != nil {
		t.Skipf("model cache not set up (run make setup): %v", err)
	}
	if _, err := build.InitRuntime(home); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOpen(t *testing.T) {
	dir := modelDir(t)
	s, err := models.Open(dir, "blazeface", models.Options{Threads: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Model.Name != "blazeface" || s.Model.SHA256 == "" {
		t.Errorf("manifest entry %+v", s.Model)
	}
	if i, err := s.Output("Identity_1"); err != nil || s.OutputNames()[i] != "Identity_1" {
		t.Errorf("Output(Identity_1) = %d, %v", i, err)
	}
	_, err = s.Output("nope")
	var me *models.MismatchError
	if !errors.Is(err, models.ErrMismatch) || !errors.As(err, &me) || me.Code() != "MODEL_MISMATCH" {
		t.Errorf("missing output: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := modelDir(t)
	if _, err := models.Open(t.TempDir(), "blazeface", models.Options{}, nil); !errors.Is(err, models.ErrModelMissing) {
		t.Errorf("empty directory: %v, want ErrModelMissing", err)
	}
	if _, err := models.Open(dir, "nomodel", models.Options{}, nil); !errors.Is(err, models.ErrUnknown) {
		t.Errorf("unknown model: %v, want ErrUnknown", err)
	}
	// Another model's file under this model's name is not the pinned one.
	swapped := t.TempDir()
	b, err := os.ReadFile(models.Path(dir, "iris"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(models.Path(swapped, "blazeface"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := models.Open(swapped, "blazeface", models.Options{}, nil); !errors.Is(err, models.ErrChecksum) {
		t.Errorf("swapped model: %v, want ErrChecksum", err)
	}
}

func TestReadAsset(t *testing.T) {
	dir := modelDir(t)
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range m.Assets {
		b, err := models.ReadAsset(dir, a.Name)
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %d bytes, %v", a.Name, len(b), err)
		}
		tampered := t.TempDir()
		if err := os.WriteFile(filepath.Join(tampered, a.Name), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := models.ReadAsset(tampered, a.Name); !errors.Is(err, models.ErrChecksum) {
			t.Errorf("%s tampered: %v, want ErrChecksum", a.Name, err)
		}
		if _, err := models.ReadAsset(t.TempDir(), a.Name); !errors.Is(err, models.ErrModelMissing) {
			t.Errorf("%s missing: %v, want ErrModelMissing", a.Name, err)
		}
	}
	if _, err := models.ReadAsset(dir, "nothing.txt"); !errors.Is(err, models.ErrUnknown) {
		t.Errorf("unknown asset: %v", err)
	}
}
