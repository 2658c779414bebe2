//go:build !nogocv

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The render's video, decoded by OpenCV, goes through the engine: the
// MJPG compression changes the pixels, so the decision may differ from the
// frames', but it is printed, sealed and re-run by the server alike.
func TestVerifyVideo(t *testing.T) {
	dir := renderedSession(t)
	// -precheck 31: the render's light probe starts after 1 s of
	// pre-check at 30 fps (its plan 0.9 s later), which frames.json tells
	// verify and the video does not.
	out := verifyAndOpen(t, "-video", filepath.Join(dir, "session.avi"), "-seed", renderSeed, "-precheck", "31")
	if !strings.Contains(out, "    1900 ms  baseline  PROMPT_HOLD_STILL") {
		t.Errorf("the video's clock is not the render's: the baseline does not start at 1900 ms\n%s", out)
	}
}

func TestVerifyBadVideo(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.avi")
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"verify", "-video", missing}, "liveid: verify: -video: stat " + missing + ": no such file or directory"},
		{[]string{"verify", "-video", "main.go"}, "liveid: verify: -video main.go: OpenCV cannot read it as a video"},
	} {
		_, stderr, code := runCLI(tc.args...)
		first, _, _ := strings.Cut(stderr, "\n")
		if code != 1 || first != tc.err {
			t.Errorf("liveid %q: exit %d, stderr %q; want 1, %q", tc.args, code, first, tc.err)
		}
	}
}
