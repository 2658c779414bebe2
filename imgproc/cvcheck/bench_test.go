package cvcheck

import (
	"fmt"
	"image"
	"image/color"
	"testing"
	"time"

	"github.com/liveid/liveid/imgproc"
	"gocv.io/x/gocv"
)

// pair times our kernel and OpenCV's steps for the same job alternately in
// one run, so that load on the machine hits both alike, and reports both
// and their ratio (ours / OpenCV's; ns/op is the sum).
func pair(b *testing.B, ours func() error, cv func()) {
	if err := ours(); err != nil {
		b.Fatal(err)
	}
	cv()
	var to, tc time.Duration
	for b.Loop() {
		t0 := time.Now()
		ours()
		t1 := time.Now()
		cv()
		to, tc = to+t1.Sub(t0), tc+time.Since(t1)
	}
	b.ReportMetric(float64(to.Nanoseconds())/float64(b.N), "liveid-ns/op")
	b.ReportMetric(float64(tc.Nanoseconds())/float64(b.N), "opencv-ns/op")
	b.ReportMetric(float64(to)/float64(tc), "ratio")
}

// benchFrame is a video-range NV21 frame of the synthetic scene, so that
// OpenCV's conversion computes the same thing as ours.
func benchFrame(b *testing.B, w, h int) (*imgproc.Frame, gocv.Mat) {
	f, err := imgproc.ToFrame(synthRGB(w, h, 9), imgproc.NV21, 0, false)
	if err != nil {
		b.Fatal(err)
	}
	f.VideoRange = true
	return f, cvYUV(b, f)
}

// Face models commonly take (x - 127.5) / 128 in all channels; one value
// for all channels lets OpenCV normalise in its convertTo.
var modelSpec = imgproc.TensorSpec{Mean: [3]float32{127.5, 127.5, 127.5}, Std: [3]float32{128, 128, 128}}

// BenchmarkCropResize: the detector's square crop (the frame's centre,
// full height) to 256×256 float32 HWC. OpenCV: cvtColor NV21→RGB of the
// frame, resize of the crop, convertTo float with the normalisation.
func BenchmarkCropResize(b *testing.B) {
	for _, sz := range [][2]int{{1280, 720}, {640, 480}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			w, h := sz[0], sz[1]
			f, yuv := benchFrame(b, w, h)
			defer yuv.Close()
			crop := image.Rect((w-h)/2, 0, (w+h)/2, h)
			spec := modelSpec
			spec.Width, spec.Height = 256, 256
			dst := make([]float32, spec.Len())
			rgb, small, out := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
			defer rgb.Close()
			defer small.Close()
			defer out.Close()
			b.ReportAllocs()
			pair(b, func() error { return imgproc.CropResize(f, rectOf(crop), spec, dst) }, func() {
				gocv.CvtColor(yuv, &rgb, gocv.ColorYUVToRGBNV21)
				roi := rgb.Region(crop)
				gocv.Resize(roi, &small, image.Pt(256, 256), 0, 0, gocv.InterpolationLinear)
				roi.Close()
				small.ConvertToWithParams(&out, gocv.MatTypeCV32FC3, 1/128.0, -127.5/128)
			})
		})
	}
}

// BenchmarkWarp: a face ROI turned by 20° to 112×112. OpenCV from NV21
// converts the frame first; on RGB it is handed a converted frame.
func BenchmarkWarp(b *testing.B) {
	f, yuv := benchFrame(b, 1280, 720)
	defer yuv.Close()
	m := imgproc.SquareAffine(640, 360, 300, 0.35, 112, 112)
	spec := modelSpec
	spec.Width, spec.Height = 112, 112
	dst := make([]float32, spec.Len())
	mat := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer mat.Close()
	for i, v := range m {
		mat.SetDoubleAt(i/3, i%3, float64(v))
	}
	rgb, warped, out := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	defer rgb.Close()
	defer warped.Close()
	defer out.Close()
	gocv.CvtColor(yuv, &rgb, gocv.ColorYUVToRGBNV21)
	warp := func() {
		gocv.WarpAffineWithParams(rgb, &warped, mat, image.Pt(112, 112), gocv.InterpolationLinear|gocv.WarpInverseMap, gocv.BorderConstant, color.RGBA{})
		warped.ConvertToWithParams(&out, gocv.MatTypeCV32FC3, 1/128.0, -127.5/128)
	}
	ours := func() error { return imgproc.Warp(f, m, spec, dst) }
	b.Run("from-nv21", func(b *testing.B) {
		b.ReportAllocs()
		pair(b, ours, func() { gocv.CvtColor(yuv, &rgb, gocv.ColorYUVToRGBNV21); warp() })
	})
	b.Run("opencv-on-rgb", func(b *testing.B) { pair(b, ours, warp) })
}

// BenchmarkLumaStats: OpenCV needs a mean of the face, two thresholds with
// counts, and the frame's sum for the background.
func BenchmarkLumaStats(b *testing.B) {
	f, yuv := benchFrame(b, 1280, 720)
	defer yuv.Close()
	gray := lumaMat(b, f)
	defer gray.Close()
	face := image.Rect(440, 160, 840, 560)
	b.ReportAllocs()
	pair(b, func() error { _, err := imgproc.LumaStats(f, rectOf(face)); return err }, func() {
		roi := gray.Region(face)
		roi.Mean()
		thresholdCount(roi, 20, gocv.ThresholdBinaryInv)
		thresholdCount(roi, 244, gocv.ThresholdBinary)
		gray.Sum()
		roi.Close()
	})
}

// BenchmarkSharpness: a 400×400 face area-averaged to 128×128, Laplacian,
// variance. OpenCV works on the 8-bit Y plane as it would in practice.
func BenchmarkSharpness(b *testing.B) {
	f, yuv := benchFrame(b, 1280, 720)
	defer yuv.Close()
	gray := lumaMat(b, f)
	defer gray.Close()
	face := image.Rect(440, 160, 840, 560)
	small, lap, mean, sd := gocv.NewMat(), gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	defer small.Close()
	defer lap.Close()
	defer mean.Close()
	defer sd.Close()
	b.ReportAllocs()
	pair(b, func() error { _, err := imgproc.Sharpness(f, rectOf(face)); return err }, func() {
		roi := gray.Region(face)
		gocv.Resize(roi, &small, image.Pt(128, 128), 0, 0, gocv.InterpolationArea)
		gocv.Laplacian(small, &lap, gocv.MatTypeCV64F, 1, 1, 0, gocv.BorderDefault)
		gocv.MeanStdDev(lap, &mean, &sd)
		roi.Close()
	})
}
