package imgproc

import (
	"image"
	"image/color"
	"math/rand/v2"
)

// synthImage is a deterministic w×h test image: colour gradients, 16-pixel
// blue checks and luma noise, so that both interpolation and per-pixel
// conversion are exercised.
func synthImage(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			n := rng.IntN(41) - 20
			img.SetRGBA(x, y, color.RGBA{
				R: clampInt(255*x/max(w-1, 1) + n),
				G: clampInt(255*y/max(h-1, 1) + n),
				B: clampInt(128 + 100*((x/16+y/16)%2) - 50 + n),
				A: 255,
			})
		}
	}
	return img
}

func clampInt(v int) uint8 { return uint8(min(max(v, 0), 255)) }

// randomFrame fills a frame of the given format with uniform random bytes,
// which covers every YUV triple including out-of-gamut ones.
func randomFrame(w, h int, format Format, seed uint64) *Frame {
	rng := rand.New(rand.NewPCG(seed, 2))
	f := &Frame{Width: w, Height: h, Format: format}
	p, _ := format.planes(w, h)
	for i, pl := range p {
		if pl.row == 0 {
			break
		}
		stride := pl.row + rng.IntN(3)*8 // padded rows, as camera buffers have
		buf := make([]byte, stride*pl.rows)
		for j := range buf {
			buf[j] = byte(rng.Uint32())
		}
		f.Planes[i], f.Strides[i] = buf, stride
	}
	return f
}

var plainSpec = TensorSpec{Std: [3]float32{1, 1, 1}}

func spec(w, h int) TensorSpec {
	s := plainSpec
	s.Width, s.Height = w, h
	return s
}
