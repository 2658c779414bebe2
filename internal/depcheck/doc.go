// Package depcheck holds the test that keeps desktop code out of what goes
// to phones, in the spirit of tailscale's depaware: the phone-side packages'
// imports, followed to the bottom, must not reach process spawning, tar
// archives, OpenCV, pigo, the desktop image libraries, protobuf or the
// module's own desktop packages (model building, evaluations, synthetic
// data, benchmarks, converters, OpenCV checks). It also holds the
// cross-built CLI (-tags nogocv) to linking neither gocv nor pigo. It has
// no code of its own.
package depcheck
