//go:build nogocv

package main

import (
	"strings"
	"testing"
)

// TestVerifyWithoutOpenCV: a build without OpenCV says so when asked for
// a video or a camera, before it loads anything.
func TestVerifyWithoutOpenCV(t *testing.T) {
	for _, flag := range []string{"-video", "-webcam"} {
		args := []string{"verify", flag, "0"}
		_, stderr, code := runCLI(args...)
		first, _, _ := strings.Cut(stderr, "\n")
		want := "liveid: verify: " + flag + ": this liveid is built without OpenCV (-tags nogocv); it reads FRAMES_DIR only"
		if code != 2 || first != want {
			t.Errorf("liveid %q: exit %d, stderr %q; want 2, %q", args, code, first, want)
		}
	}
}
