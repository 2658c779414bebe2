package cvcheck

import (
	"image"
	"math"
	"testing"

	"github.com/liveid/liveid/imgproc"
	"gocv.io/x/gocv"
)

// lumaMat is the frame's Y plane as a gray Mat (frames here have tight
// strides); the caller closes it.
func lumaMat(t testing.TB, f *imgproc.Frame) gocv.Mat {
	return cvMat(t, f.Height, f.Width, gocv.MatTypeCV8U, f.Planes[0][:f.Width*f.Height])
}

// cvSharpness is Sharpness done by OpenCV: the region area-averaged to the
// working size in float64, Laplacian with ksize 1, and the variance of the
// values whose neighbourhood lies inside the region.
func cvSharpness(t testing.TB, gray gocv.Mat, r image.Rectangle, w, h int) float64 {
	roi := gray.Region(r)
	defer roi.Close()
	fl, small, lap := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	defer fl.Close()
	defer small.Close()
	defer lap.Close()
	roi.ConvertTo(&fl, gocv.MatTypeCV64F)
	gocv.Resize(fl, &small, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
	gocv.Laplacian(small, &lap, gocv.MatTypeCV64F, 1, 1, 0, gocv.BorderDefault)
	inner := lap.Region(image.Rect(1, 1, w-1, h-1))
	defer inner.Close()
	mean, sd := gocv.NewMat(), gocv.NewMat()
	defer mean.Close()
	defer sd.Close()
	gocv.MeanStdDev(inner, &mean, &sd)
	s := sd.GetDoubleAt(0, 0)
	return s * s
}

// TestSharpness: OpenCV's INTER_AREA averages with the same cell weights,
// so native and downsampled regions agree to float32 precision (measured
// ≤ 1.2e-7 relative; bound 1e-5).
func TestSharpness(t *testing.T) {
	cases := []struct {
		r    image.Rectangle
		w, h int // working size: longer side 128 when larger
	}{
		{image.Rect(500, 200, 620, 290), 120, 90},
		{image.Rect(430, 150, 830, 450), 128, 96},
		{image.Rect(100, 100, 397, 613), 74, 128},
	}
	for i, f := range resizeFrames(t) {
		gray := lumaMat(t, f)
		f.VideoRange = false // OpenCV sees raw Y
		for _, c := range cases {
			ours, err := imgproc.Sharpness(f, rectOf(c.r))
			if err != nil {
				t.Fatal(err)
			}
			want := cvSharpness(t, gray, c.r, c.w, c.h)
			if d := math.Abs(float64(ours)-want) / want; d > 1e-5 {
				t.Errorf("frame %d %v: %v, OpenCV %v (rel. diff %.2g)", i, c.r, ours, want, d)
			}
		}
		gray.Close()
	}
}

// TestLumaStats: every figure is exact integer counting, so it equals
// OpenCV's mean, thresholded counts and sums to float precision.
func TestLumaStats(t *testing.T) {
	face := image.Rect(400, 150, 700, 520)
	for i, f := range resizeFrames(t) {
		f.VideoRange = false
		gray := lumaMat(t, f)
		roi := gray.Region(face)
		n := float64(face.Dx() * face.Dy())
		mean := roi.Mean().Val1
		dark, bright := thresholdCount(roi, 20, gocv.ThresholdBinaryInv), thresholdCount(roi, 244, gocv.ThresholdBinary)
		background := (gray.Sum().Val1 - mean*n) / (float64(f.Width*f.Height) - n)
		roi.Close()
		gray.Close()
		st, err := imgproc.LumaStats(f, rectOf(face))
		if err != nil {
			t.Fatal(err)
		}
		want := imgproc.Stats{Mean: float32(mean), Dark: float32(dark / n), Bright: float32(bright / n), Backlight: float32(background / max(mean, 1))}
		if !near(st.Mean, want.Mean) || !near(st.Dark, want.Dark) || !near(st.Bright, want.Bright) || !near(st.Backlight, want.Backlight) {
			t.Errorf("frame %d: %+v, OpenCV %+v", i, st, want)
		}
	}
}

func thresholdCount(src gocv.Mat, thresh float32, typ gocv.ThresholdType) float64 {
	bin := gocv.NewMat()
	defer bin.Close()
	gocv.Threshold(src, &bin, thresh, 255, typ)
	return float64(gocv.CountNonZero(bin))
}

func near(a, b float32) bool { return math.Abs(float64(a-b)) <= 1e-5*max(1, math.Abs(float64(b))) }
