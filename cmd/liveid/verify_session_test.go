package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// rendered is one genuine session rendered for all the verify tests:
// rendering is the slow part.
var rendered struct {
	once sync.Once
	dir  string
	skip string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if rendered.dir != "" {
		os.RemoveAll(rendered.dir)
	}
	os.Exit(code)
}

// renderSeed is the seed of the shared render: a room the screen lights
// well, so the engine's light probe passes the first time (an open-loop
// render cannot answer its request to leave a bright room).
const renderSeed = "1"

// renderedSession is the shared render's directory. With -short only the
// session's first 6 s are rendered (pre-check, light probe, baseline,
// flash, the first action's start): the stream then ends with the session unfinished, which
// fails it, and every step of verify and open is still taken.
func renderedSession(t *testing.T) string {
	t.Helper()
	rendered.once.Do(func() {
		home := build.Home()
		if _, err := os.Stat(models.Path(build.ModelDir(home), "blazeface")); err != nil {
			rendered.skip = "model cache not set up (run make setup): " + err.Error()
			return
		}
		if rendered.dir, rendered.err = os.MkdirTemp("", "liveid-verify-"); rendered.err != nil {
			return
		}
		args := []string{"session", "render", "-seed", renderSeed, "-out", rendered.dir}
		if testing.Short() {
			args = append(args, "-until", "6s")
		}
		if out, errs, code := runCLI(args...); code != 0 {
			rendered.err = fmt.Errorf("session render: exit %d\n%s%s", code, out, errs)
		}
	})
	if rendered.skip != "" {
		t.Skip(rendered.skip)
	}
	if rendered.err != nil {
		t.Fatal(rendered.err)
	}
	return rendered.dir
}

// runCLI runs one liveid command line in the test's process.
func runCLI(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &env{stdout: &o, stderr: &e})
	return o.String(), e.String(), code
}

// verifyAndOpen runs verify with args, writing to a fresh directory (the
// key to another one), opens the package with the challenge, and checks
// that the package says what verify said and that the server's re-run of
// the decision agrees. It returns verify's output.
func verifyAndOpen(t *testing.T, args ...string) string {
	t.Helper()
	out, keys := t.TempDir(), t.TempDir()
	stdout, stderr, code := runCLI(append([]string{"verify", "-out", out, "-key-out", keys}, args...)...)
	if code != 0 {
		t.Fatalf("verify %q: exit %d: %s\n%s", args, code, stderr, stdout)
	}
	said := lineOf(stdout, "device says ")
	if said == "" {
		t.Fatalf("verify %q printed no decision:\n%s", args, stdout)
	}
	decision, _, _ := strings.Cut(strings.TrimPrefix(said, "device says "), ", package")
	opened, stderr, code := runCLI("open", "-key", filepath.Join(keys, "key.pem"),
		"-challenge", filepath.Join(out, "challenge.json"), filepath.Join(out, "package.bin"))
	if code != 0 {
		t.Fatalf("open: exit %d: %s", code, stderr)
	}
	if got := strings.TrimPrefix(lineOf(opened, "device says  "), "device says  "); got != decision {
		t.Errorf("the package says %q, verify said %q", got, decision)
	}
	if r := lineOf(opened, "replayed "); !strings.Contains(r, "agrees with the device's") {
		t.Errorf("the server's re-run does not agree: %q", r)
	}
	t.Logf("verify %q: %s", args, said)
	return stdout
}

// The render's frames go through the engine as the phone delivered them:
// the guidance walks through the render's phases, on the render's clock.
func TestVerifyFrames(t *testing.T) {
	dir := renderedSession(t)
	out := verifyAndOpen(t, dir)
	for _, want := range []string{
		"       0 ms  precheck  PROMPT_CENTER_FACE",
		// The render's pre-check ends at 1 s (verify's pre-check takes
		// those frames), the light probe follows, the plan starts 0.9 s on.
		"    1000 ms  precheck  PROMPT_HOLD_STILL            screen #000000",
		"    1900 ms  baseline  PROMPT_HOLD_STILL",
		" flash     PROMPT_FLASH ",
		" action    ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no guidance line with %q:\n%s", want, out)
		}
	}
}

func TestVerifyBadInput(t *testing.T) {
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "frames.json"), []byte(`{"width": 640, "height": 480, "format": "RGB", "fps": 30}`), 0o644)
	garbled := t.TempDir()
	os.WriteFile(filepath.Join(garbled, "frames.json"), []byte(`{"width": 640,`), 0o644)
	missing := filepath.Join(t.TempDir(), "nothing")
	for _, tc := range []struct {
		args []string
		code int
		err  string // first stderr line
	}{
		{[]string{"verify"}, 2, "liveid: verify: want FRAMES_DIR, -video FILE or -webcam N"},
		{[]string{"verify", "a", "b"}, 2, `liveid: verify: unexpected argument "b"`},
		{[]string{"verify", "-video", "x.avi", "dir"}, 2, "liveid: verify: want one input of FRAMES_DIR, -video FILE and -webcam N"},
		{[]string{"verify", "-webcam", "0", "-video", "x.avi"}, 2, "liveid: verify: want one input of FRAMES_DIR, -video FILE and -webcam N"},
		{[]string{"verify", "-show", "dir"}, 2, "liveid: verify: -show needs -webcam"},
		{[]string{"verify", "-timeout", "0s", "dir"}, 2, "liveid: verify: -timeout 0s: want a positive duration"},
		{[]string{"verify", "-seed", "x", "dir"}, 2, `liveid: verify: invalid value "x" for flag -seed: parse error`},
		{[]string{"verify", missing}, 1, "liveid: verify: " + missing + ": no frames.json; want a directory session render wrote"},
		{[]string{"verify", bad}, 1, "liveid: verify: " + filepath.Join(bad, "frames.json") + `: format "RGB" at 30 fps; want NV21 frames`},
		{[]string{"verify", garbled}, 1, "liveid: verify: " + filepath.Join(garbled, "frames.json") + ": unexpected end of JSON input"},
	} {
		_, stderr, code := runCLI(tc.args...)
		first, _, _ := strings.Cut(stderr, "\n")
		if code != tc.code || first != tc.err {
			t.Errorf("liveid %q: exit %d, stderr %q; want %d, %q", tc.args, code, first, tc.code, tc.err)
		}
	}
}
