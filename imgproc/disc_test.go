package imgproc

import (
	"errors"
	"image"
	"image/color"
	"math"
	"testing"
)

// discRef is DiscMean computed directly on the upright image, in float64.
func discRef(img *image.RGBA, centres [][2]float32, radius float64) (mean [3]float64, n int) {
	for _, c := range centres {
		for y := range img.Rect.Dy() {
			for x := range img.Rect.Dx() {
				dx, dy := float64(x)+0.5-float64(c[0]), float64(y)+0.5-float64(c[1])
				if dx*dx+dy*dy > radius*radius {
					continue
				}
				p := img.RGBAAt(x, y)
				for k, v := range [3]uint8{p.R, p.G, p.B} {
					mean[k] += SRGBToLinear(v)
				}
				n++
			}
		}
	}
	for k := range mean {
		mean[k] /= float64(n)
	}
	return mean, n
}

func TestDiscMean(t *testing.T) {
	img := synthImage(90, 70, 4)
	centres := [][2]float32{{20.5, 30.5}, {61.2, 18.7}, {3, 66}, {88.9, 35}} // the last two run past the edges
	want, _ := discRef(img, centres, 4.3)
	var first [3]float32
	for i, o := range orientations {
		got, err := DiscMean(mustFrame(t, img, RGBA, o.rot, o.mirror), centres, 4.3)
		if err != nil {
			t.Fatal(err)
		}
		for k := range got {
			if math.Abs(float64(got[k])-want[k]) > 1e-6 {
				t.Errorf("rot %d mirror %v: channel %d %.7f, want %.7f", o.rot, o.mirror, k, got[k], want[k])
			}
		}
		if i == 0 {
			first = got
		} else if got != first {
			t.Errorf("rot %d mirror %v: %v, upright %v: orientations must agree to the bit", o.rot, o.mirror, got, first)
		}
	}
	// NV21 keeps 2×2 chroma blocks whole under every orientation, so all
	// eight agree exactly too, and stay near the RGB means.
	for i, o := range orientations {
		got, err := DiscMean(mustFrame(t, img, NV21, o.rot, o.mirror), centres, 4.3)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = got
		} else if got != first {
			t.Errorf("NV21 rot %d mirror %v: %v, upright %v", o.rot, o.mirror, got, first)
		}
	}
	for k := range first {
		if math.Abs(float64(first[k])-want[k]) > 0.03*want[k]+0.002 {
			t.Errorf("NV21 channel %d %.4f, RGB %.4f", k, first[k], want[k])
		}
	}
}

// Pixel centres on the circle count; a disc at a pixel centre of radius 2
// holds the 13 pixels within it.
func TestDiscMeanSelectsPixels(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			img.SetRGBA(x, y, color.RGBA{R: 255, A: 255})
			if x == 10 && y == 10 {
				img.SetRGBA(x, y, color.RGBA{G: 255, A: 255})
			}
		}
	}
	f := mustFrame(t, img, RGBA, 90, true)
	got, err := DiscMean(f, [][2]float32{{10.5, 10.5}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := [3]float32{12.0 / 13, 1.0 / 13, 0}; math.Abs(float64(got[0]-want[0])) > 1e-6 || math.Abs(float64(got[1]-want[1])) > 1e-6 || got[2] != 0 {
		t.Errorf("13-pixel disc with one green pixel: %v, want %v", got, want)
	}
	// Two discs count their shared pixel twice.
	got, _ = DiscMean(f, [][2]float32{{10.5, 10.5}, {10.5, 10.5}}, 0.5)
	if math.Abs(float64(got[1])-1) > 1e-6 {
		t.Errorf("the same one-pixel disc twice: %v, want green", got)
	}
	// Linear light: mid-grey sRGB 128 is 21.6% of white, not 50%.
	grey := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range grey.Pix {
		grey.Pix[i] = 128
	}
	got, _ = DiscMean(mustFrame(t, grey, GRAY, 0, false), [][2]float32{{4, 4}}, 3)
	if math.Abs(float64(got[0])-0.2158605) > 1e-6 || got[0] != got[1] || got[1] != got[2] {
		t.Errorf("sRGB grey 128: %v, want 0.2158605 in every channel", got)
	}
	if _, err := DiscMean(f, [][2]float32{{-20, 5}}, 3); !errors.Is(err, ErrEmpty) {
		t.Errorf("disc outside the frame: %v", err)
	}
	for _, r := range []float32{0, -1, float32(math.NaN()), float32(math.Inf(1))} {
		if _, err := DiscMean(f, [][2]float32{{5, 5}}, r); !errors.Is(err, ErrRect) {
			t.Errorf("radius %v: %v", r, err)
		}
	}
	if _, err := DiscMean(f, [][2]float32{{float32(math.NaN()), 5}}, 2); !errors.Is(err, ErrRect) {
		t.Errorf("NaN centre: %v", err)
	}
}
