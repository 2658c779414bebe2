//go:build !nogocv

package main

import (
	"github.com/liveid/liveid/bench"
	"github.com/liveid/liveid/bench/peers"
)

// This build links the peer detectors (gocv and pigo); -tags nogocv leaves
// them out, as the cross-builds for arm64 and armv7 must.
const (
	peersBuilt = true
	peersNote  = ""
)

func openPeers(pigoCascade string) ([]bench.Detector, error) { return peers.Open(pigoCascade) }
