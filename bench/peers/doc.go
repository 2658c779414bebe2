// Package peers holds the face detectors liveid's is measured against in
// package bench: OpenCV's Haar cascade (through gocv, so with cgo and
// libopencv-dev) and esimov/pigo. It is desktop-only and kept out of
// package bench so that a build without the peers (liveid's nogocv tag, as
// cross-built for phones' CPUs) links neither gocv nor pigo.
package peers
