//go:build nogocv

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestBenchWithoutPeers: a build without the peers says so when asked
// for them, before it loads anything.
func TestBenchWithoutPeers(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "-peers"}, &env{stdout: &stdout, stderr: &stderr})
	first, _, _ := strings.Cut(stderr.String(), "\n")
	want := "liveid: bench: -peers: this liveid is built without the peer detectors (-tags nogocv: no OpenCV, no pigo)"
	if code != 2 || first != want {
		t.Errorf("liveid bench -peers: exit %d, stderr %q; want 2, %q", code, first, want)
	}
}
