package imgproc

import (
	"errors"
	"math"
)

// TensorSpec describes the float32 tensor CropResize and Warp write: Width ×
// Height pixels of 3 channels, planar (NCHW) or interleaved (NHWC), in RGB or
// BGR order. Each value is (pixel - Mean[c]) / Std[c] with pixels on the
// 0..255 scale; c indexes the tensor's channels in output order, so with BGR
// Mean[0] applies to blue.
type TensorSpec struct {
	Width, Height int
	NCHW          bool
	BGR           bool
	Mean, Std     [3]float32
}

// Len is the number of float32 values the tensor holds.
func (s TensorSpec) Len() int { return 3 * s.Width * s.Height }

// Rect is a box in upright-frame pixel coordinates: pixel (i, j) covers
// [i, i+1) × [j, j+1).
type Rect struct{ X, Y, W, H float32 }

var (
	// ErrSpec reports a TensorSpec with a side outside 1..MaxDim or a zero or
	// non-finite Std or Mean.
	ErrSpec = errors.New("imgproc: invalid tensor spec")
	// ErrDst reports a destination slice shorter than TensorSpec.Len.
	ErrDst = errors.New("imgproc: destination shorter than the tensor")
	// ErrRect reports a Rect or Affine with a non-finite or non-positive
	// extent.
	ErrRect = errors.New("imgproc: invalid rectangle or transform")
	// ErrEmpty reports a region with no pixel inside the frame.
	ErrEmpty = errors.New("imgproc: region has no pixel inside the frame")
)

func (s TensorSpec) check(dst []float32) error {
	if s.Width < 1 || s.Height < 1 || s.Width > MaxDim || s.Height > MaxDim {
		return ErrSpec
	}
	for c := range 3 {
		if s.Std[c] == 0 || !finite(s.Std[c]) || !finite(s.Mean[c]) {
			return ErrSpec
		}
	}
	if len(dst) < s.Len() {
		return ErrDst
	}
	return nil
}

func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }
