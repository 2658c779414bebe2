package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// liveidBinary builds the CLI once per test run: verify's runtime load is
// once per process, so each failure case needs a process of its own.
func liveidBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "liveid")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// scratchHome mirrors the cache with symlinks, so single model files can
// be corrupted or removed without touching the real cache.
func scratchHome(t *testing.T, m *models.Manifest, real string) string {
	t.Helper()
	home := t.TempDir()
	if err := os.Symlink(filepath.Join(real, "pkg"), filepath.Join(home, "pkg")); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(build.ModelDir(home), 0o755)
	for _, md := range m.Models {
		if err := os.Symlink(modelPath(real, md), modelPath(home, md)); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range m.Assets {
		if err := os.Symlink(filepath.Join(build.ModelDir(real), a.Name), filepath.Join(build.ModelDir(home), a.Name)); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// modelPath is the file of md the stages open (Model.Chosen).
func modelPath(home string, md models.Model) string {
	file, _ := md.Chosen()
	return models.Path(build.ModelDir(home), file)
}

func TestVerifyErrorsAreOneLine(t *testing.T) {
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	real := build.Home()
	for _, md := range m.Models {
		if _, err := os.Stat(modelPath(real, md)); err != nil {
			t.Skipf("model cache not set up (run make setup): %v", err)
		}
	}
	bin := liveidBinary(t)
	run := func(env ...string) (string, string, int) {
		cmd := exec.Command(bin, "models", "verify")
		cmd.Env = append(os.Environ(), env...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return stdout.String(), stderr.String(), code
	}

	out, _, code := run("LIVEID_HOME=" + real)
	if code != 0 || strings.Count(out, "\nOK ") != len(m.Models)+len(m.Assets) {
		t.Fatalf("clean cache: exit %d\n%s", code, out)
	}

	_, stderr, code := run("LIVEID_HOME="+real, "LIVEID_ORT_LIB=/nonexistent/libonnxruntime.so")
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "ONNX Runtime") {
		t.Errorf("missing runtime: exit %d, stderr %q", code, stderr)
	}

	// A truncated library is an error before it is loaded, not a SIGBUS.
	lib, err := build.RuntimeLibrary(real, m)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(lib)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "libonnxruntime.so.1")
	os.WriteFile(cut, whole[:len(whole)/3], 0o644)
	_, stderr, code = run("LIVEID_HOME="+real, "LIVEID_ORT_LIB="+cut)
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "truncated") {
		t.Errorf("truncated runtime: exit %d, stderr %q", code, stderr)
	}

	home := scratchHome(t, m, real)
	victims := []string{m.Models[0].Name, m.Models[1].Name, m.Models[2].Name}
	os.Remove(modelPath(home, m.Models[0])) // missing
	os.Remove(modelPath(home, m.Models[1])) // corrupted: garbage with a wrong hash
	os.WriteFile(modelPath(home, m.Models[1]), []byte("not an onnx model"), 0o644)
	os.Remove(modelPath(home, m.Models[2])) // valid ONNX, but not the pinned one
	os.Symlink(modelPath(real, m.Models[3]), modelPath(home, m.Models[2]))
	out, stderr, code = run("LIVEID_HOME=" + home)
	if code != 1 || strings.Count(stderr, "\n") != 1 {
		t.Errorf("broken models: exit %d, stderr %q", code, stderr)
	}
	for i, want := range []string{"not found", "sha256", "sha256"} {
		line := lineOf(out, "FAIL  "+victims[i]+" ")
		if !strings.Contains(line, want) {
			t.Errorf("%s: line %q does not say %q", victims[i], line, want)
		}
	}
	if n, want := strings.Count(out, "\nOK "), len(m.Models)+len(m.Assets)-3; n != want {
		t.Errorf("%d models and assets OK, want %d\n%s", n, want, out)
	}
}

func lineOf(out, prefix string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}
