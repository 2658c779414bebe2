// Package cvcheck holds the tests and benchmarks that hold imgproc
// against OpenCV (through gocv, so with cgo); imgproc itself never links
// OpenCV. It has no code of its own.
package cvcheck
