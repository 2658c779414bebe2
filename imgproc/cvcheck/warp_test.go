package cvcheck

import (
	"image"
	"image/color"
	"testing"

	"github.com/liveid/liveid/imgproc"
	"gocv.io/x/gocv"
)

// cvWarp is OpenCV's path: cvtColor, then warpAffine with the same inverse
// map, bilinear, edge pixels repeated.
func cvWarp(t testing.TB, rgb gocv.Mat, m imgproc.Affine, w, h int) gocv.Mat {
	mat := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer mat.Close()
	for i, v := range m {
		mat.SetDoubleAt(i/3, i%3, float64(v))
	}
	out := gocv.NewMat()
	gocv.WarpAffineWithParams(rgb, &out, mat, image.Pt(w, h), gocv.InterpolationLinear|gocv.WarpInverseMap, gocv.BorderReplicate, color.RGBA{})
	return out
}

// TestWarp: OpenCV rounds sample positions to 1/32 pixel (INTER_BITS 5),
// we to 1/2048, so a sample may sit up to 1/64 pixel apart on each axis:
// on random noise (neighbours up to 255 apart) that moves a value by up to
// 255/32 ≈ 8 (measured 6.7); on the photos and the synthetic scene the
// bound is 4 (measured ≤ 3.0). The mean |diff| is bounded by 1.2 on noise
// (measured 0.97) and 0.5 elsewhere (measured ≤ 0.32). Only samples inside the frame are compared;
// outside it OpenCV repeats the edge and we give black.
func TestWarp(t *testing.T) {
	transforms := []imgproc.Affine{
		imgproc.SquareAffine(640, 360, 300, 0.35, 112, 112),
		imgproc.SquareAffine(500.3, 300.7, 180, -1.2, 192, 192),
		imgproc.SquareAffine(640, 360, 40, 2.5, 128, 128), // upscaled
		arcFace(t),
	}
	for i, f := range resizeFrames(t) {
		src := cvYUV(t, f)
		rgb := gocv.NewMat()
		gocv.CvtColor(src, &rgb, code[f.Format])
		src.Close()
		limit, meanLimit := 4.0, 0.5
		if i == 0 {
			limit, meanLimit = 255.0/32, 1.2
		}
		for n, m := range transforms {
			const w, h = 112, 112
			cv := cvWarp(t, rgb, m, w, h)
			ours := make([]float32, 3*w*h)
			if err := imgproc.Warp(f, m, unit(w, h), ours); err != nil {
				t.Fatal(err)
			}
			inside := func(j int) bool {
				x, y := m.Apply(float32(j/3%w), float32(j/3/w))
				return x >= 0 && y >= 0 && x <= float32(f.Width-1) && y <= float32(f.Height-1)
			}
			maxd, mean := diffStats(ours, bytesOf(t, cv), inside)
			cv.Close()
			if maxd > limit || mean > meanLimit {
				t.Errorf("frame %d transform %d: max |diff| %.3f (limit %.2f), mean %.3f (limit %v)", i, n, maxd, limit, mean, meanLimit)
			}
		}
		rgb.Close()
	}
}

// arcFace maps the common 112×112 5-point face template onto eyes, nose and
// mouth corners found in a frame.
func arcFace(t testing.TB) imgproc.Affine {
	tpl := [][2]float32{{38.29, 51.70}, {73.53, 51.50}, {56.03, 71.74}, {41.55, 92.37}, {70.73, 92.20}}
	face := [][2]float32{{602, 331}, {671, 340}, {633, 378}, {604, 416}, {660, 423}}
	m, err := imgproc.SimilarityFromPoints(face, tpl)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
