package imgproc

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func warpOf(t *testing.T, f *Frame, m Affine, w, h int) []float32 {
	t.Helper()
	dst := make([]float32, 3*w*h)
	if err := Warp(f, m, spec(w, h), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestWarpMatchesCropResize: RectAffine makes Warp sample where CropResize
// does, in every orientation and across the frame's edges.
func TestWarpMatchesCropResize(t *testing.T) {
	img := synthImage(160, 120, 9)
	boxes := []Rect{{0, 0, 160, 120}, {30.3, 17.8, 64.5, 70.1}, {-30, 90, 100, 80}, {10, 10, 20, 15}}
	for _, o := range orientations {
		f, err := ToNV21(img, o.rot, o.mirror)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range boxes {
			want := tensorOf(t, f, r, 48, 40)
			got := warpOf(t, f, RectAffine(r, 48, 40), 48, 40)
			// Affine's float32 coefficients move samples by ~1e-5 px, which
			// can flip a weight's last bit: 255/2048 per pass.
			if d := maxDiff(got, want); d > 0.25 {
				t.Errorf("rotation %d mirror %v %v: max |diff| %.3f > 0.25", o.rot, o.mirror, r, d)
			}
		}
	}
}

// TestWarpLargeBox: a warp whose taps span more than maxBox pixels reads
// the frame pixel by pixel, with the same result.
func TestWarpLargeBox(t *testing.T) {
	f := randomFrame(1280, 1000, NV12, 3)
	f.Rotation = 90
	r := Rect{-5, 10, 1010, 1200}
	if d := maxDiff(warpOf(t, f, RectAffine(r, 40, 30), 40, 30), tensorOf(t, f, r, 40, 30)); d > 0.25 {
		t.Errorf("max |diff| %.3f > 0.25", d)
	}
}

func TestSquareAffine(t *testing.T) {
	r := Rect{40, 30, 50, 50}
	m0 := SquareAffine(65, 55, 50, 0, 25, 25)
	if d := affineDiff(m0, RectAffine(r, 25, 25)); d > 1e-5 {
		t.Errorf("angle 0: %v differs from RectAffine %v", m0, RectAffine(r, 25, 25))
	}
	// A quarter turn clockwise: the tensor's x axis runs down the frame, and
	// the tensor's centre stays on the square's centre (index coordinates).
	m := SquareAffine(65, 55, 50, math.Pi/2, 25, 25)
	x0, y0 := m.Apply(0, 12)
	x1, y1 := m.Apply(24, 12)
	if math.Abs(float64(x1-x0)) > 1e-4 || y1-y0 < 47 || y1-y0 > 49 {
		t.Errorf("quarter turn: tensor row runs (%v,%v)→(%v,%v)", x0, y0, x1, y1)
	}
	if cx, cy := m.Apply(12, 12); math.Abs(float64(cx-64.5)) > 1e-4 || math.Abs(float64(cy-54.5)) > 1e-4 {
		t.Errorf("centre maps to (%v, %v), want (64.5, 54.5)", cx, cy)
	}
}

func affineDiff(a, b Affine) float64 {
	var d float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

func TestSimilarityFromPoints(t *testing.T) {
	// A 5-point template mapped by scale 2.5, 30°, shift (100, 40).
	tpl := [][2]float32{{38.3, 51.7}, {73.5, 51.5}, {56.0, 71.7}, {41.5, 92.4}, {70.7, 92.2}}
	s, c := math.Sincos(math.Pi / 6)
	want := Affine{float32(2.5 * c), float32(-2.5 * s), 100, float32(2.5 * s), float32(2.5 * c), 40}
	src := make([][2]float32, len(tpl))
	for i, p := range tpl {
		src[i][0], src[i][1] = want.Apply(p[0], p[1])
	}
	got, err := SimilarityFromPoints(src, tpl)
	if err != nil {
		t.Fatal(err)
	}
	if d := affineDiff(got, want); d > 1e-3 {
		t.Errorf("exact points: got %v, want %v", got, want)
	}
	// Zero-mean noise moves the estimate a little, not far.
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range src {
		src[i][0] += float32(rng.NormFloat64())
		src[i][1] += float32(rng.NormFloat64())
	}
	if got, _ = SimilarityFromPoints(src, tpl); math.Abs(float64(got[0]-want[0])) > 0.1 || math.Abs(float64(got[2]-want[2])) > 8 {
		t.Errorf("noisy points: got %v, want about %v", got, want)
	}
	for _, bad := range [][2][][2]float32{
		{src[:1], tpl[:1]},
		{src, tpl[:4]},
		{src[:2], {{3, 3}, {3, 3}}},
	} {
		if _, err := SimilarityFromPoints(bad[0], bad[1]); !errors.Is(err, ErrPoints) {
			t.Errorf("degenerate %v: err %v", bad, err)
		}
	}
}
