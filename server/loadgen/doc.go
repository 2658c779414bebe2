// Package loadgen renders evidence packages and drives whole verification
// flows (init → submit → describe) against running servers, for the
// server's tests and `make load` (cmd/liveid-load). Sessions are a still
// photo held to the camera (StillSession; Template keeps its body for
// Reseal to seal for any verification) or rendered closed loop by
// engine/synth (RenderedSession); Run drives concurrent flows over several
// instances with retries that move to another instance, and Verify checks
// every acknowledged decision again. It is desktop code: it runs engine
// sessions on the sample photos.
package loadgen
