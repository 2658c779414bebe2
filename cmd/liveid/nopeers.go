//go:build nogocv

package main

import "github.com/liveid/liveid/bench"

// Built with -tags nogocv: no gocv or pigo, so liveid cross-builds for
// arm64 and armv7; bench times liveid's own stages only.
const (
	peersBuilt = false
	peersNote  = " (not in this build: -tags nogocv)"
)

func openPeers(string) ([]bench.Detector, error) {
	return nil, usagef("bench: -peers: this liveid is built without the peer detectors (-tags nogocv: no OpenCV, no pigo)")
}
