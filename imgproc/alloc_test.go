package imgproc

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNoAllocs: warm per-frame calls allocate nothing.
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	f := randomFrame(640, 480, NV21, 1)
	f.Rotation, f.Mirror = 270, true
	s := spec(128, 128)
	dst := make([]float32, s.Len())
	r := Rect{100, 150, 300, 280}
	m := SquareAffine(240, 300, 200, 0.3, 112, 112)
	centres := [][2]float32{{200, 250}, {230, 260}, {215, 300}, {639, 10}}
	calls := map[string]func(){
		"CropResize": func() { must(t, CropResize(f, r, s, dst)) },
		"Warp":       func() { must(t, Warp(f, m, s, dst)) },
		"LumaStats":  func() { _, err := LumaStats(f, r); must(t, err) },
		"Sharpness":  func() { _, err := Sharpness(f, r); must(t, err) },
		"DiscMean":   func() { _, err := DiscMean(f, centres, 6); must(t, err) },
	}
	for name, call := range calls {
		if n := testing.AllocsPerRun(20, call); n != 0 {
			t.Errorf("%s: %v allocations a call", name, n)
		}
	}
}

func must(t *testing.T, err error) {
	if err != nil {
		t.Fatal(err)
	}
}

// TestRowKernel: the row converter in use (NEON on arm64) matches the Go
// reference byte for byte on random rows of every length and both ranges.
func TestRowKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for n := 2; n <= 200; n += 2 {
		y, c := make([]byte, n), make([]byte, n)
		for i := range y {
			y[i], c[i] = byte(rng.Uint32()), byte(rng.Uint32())
		}
		for _, k := range []*yuvCoef{fullRange, videoRange} {
			for _, vFirst := range []bool{true, false} {
				want, got := make([]uint64, n), make([]uint64, n+1)
				semiPlanarRowGo(want, y, c, vFirst, k)
				semiPlanarRow(got[:n], y, c, vFirst, k)
				if !slices.Equal(got[:n], want) || got[n] != 0 {
					t.Fatalf("n=%d vFirst=%v video=%v: kernel differs from Go", n, vFirst, k == videoRange)
				}
			}
		}
	}
	// Whole random frames, every row, both chroma orders.
	for _, format := range []Format{NV21, NV12} {
		f := randomFrame(1280, 720, format, 8)
		want, got := make([]uint64, 1280), make([]uint64, 1280)
		for y := range f.Height {
			cr := f.Planes[1][y/2*f.Strides[1]:][:1280]
			semiPlanarRowGo(want, f.Planes[0][y*f.Strides[0]:][:1280], cr, format == NV21, fullRange)
			f.rgbRow(got, y, 0, 1280)
			if !slices.Equal(got, want) {
				t.Fatalf("%v row %d: kernel differs from Go", format, y)
			}
		}
	}
}
