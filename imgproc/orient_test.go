package imgproc

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"

	_ "image/jpeg"
)

var orientations = func() (o []struct {
	rot    int
	mirror bool
}) {
	for _, rot := range []int{0, 90, 180, 270} {
		for _, m := range []bool{false, true} {
			o = append(o, struct {
				rot    int
				mirror bool
			}{rot, m})
		}
	}
	return o
}()

// rotCW turns img a quarter clockwise: the left column, read bottom up,
// becomes the top row.
func rotCW(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := range b.Dx() {
		for x := range b.Dy() {
			out.SetRGBA(x, y, img.RGBAAt(y, b.Dy()-1-x))
		}
	}
	return out
}

func mirror(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	for y := range b.Dy() {
		for x := range b.Dx() {
			out.SetRGBA(x, y, img.RGBAAt(b.Dx()-1-x, y))
		}
	}
	return out
}

func frameImage(f *Frame) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	for y := range f.Height {
		for x := range f.Width {
			p := f.pixelAt(x, y)
			img.SetRGBA(x, y, color.RGBA{uint8(p), uint8(p >> gShift), uint8(p >> bShift), 255})
		}
	}
	return img
}

// tensorOf runs CropResize into an interleaved RGB tensor on the 0..255 scale.
func tensorOf(t *testing.T, f *Frame, r Rect, w, h int) []float32 {
	t.Helper()
	dst := make([]float32, 3*w*h)
	if err := CropResize(f, r, spec(w, h), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func maxDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

func meanDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d += math.Abs(float64(a[i]) - float64(b[i]))
	}
	return d / float64(len(a))
}

// TestOrientation checks CropResize at scale 1 against images turned by
// rotCW and mirror, one step at a time, for every orientation.
func TestOrientation(t *testing.T) {
	sensor := randomFrame(5, 3, RGB, 7)
	for _, o := range orientations {
		f := *sensor
		f.Rotation, f.Mirror = o.rot, o.mirror
		want := frameImage(sensor)
		for range o.rot / 90 {
			want = rotCW(want)
		}
		if o.mirror {
			want = mirror(want)
		}
		w, h := f.Upright()
		got := tensorOf(t, &f, Rect{0, 0, float32(w), float32(h)}, w, h)
		for i, v := range got {
			if px := want.Pix[i/3*4+i%3]; v != float32(px) {
				t.Fatalf("rotation %d mirror %v: value %d = %v, want %d", o.rot, o.mirror, i, v, px)
			}
		}
	}
}

// samplePhotos are the face-api demo photos `make setup` fetches, decoded to
// RGBA once so that each ToFrame copies rather than converts them.
func samplePhotos(t testing.TB) []image.Image {
	home := os.Getenv("LIVEID_HOME") // the model cache, as models/build.Home finds it
	if home == "" {
		home = filepath.Join("..", "..", ".cache")
	}
	dir := filepath.Join(home, "pkg", "@vladmandic", "face-api@1.7.15", "demo")
	var imgs []image.Image
	for i := 1; i <= 6; i++ {
		fh, err := os.Open(filepath.Join(dir, fmt.Sprintf("sample%d.jpg", i)))
		if err != nil {
			t.Logf("skipping the sample photos, synthetic frames only: %v (make setup fetches them)", err)
			return nil
		}
		img, _, err := image.Decode(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, frameImage(FromImage(img)))
	}
	return imgs
}

// TestPhoneFrames: a photo re-encoded as NV21 and turned as a phone would
// deliver it gives the same tensor in every orientation. Against the RGBA
// original it differs only by the YUV 4:2:0 round trip.
func TestPhoneFrames(t *testing.T) {
	imgs := append([]image.Image{synthImage(322, 242, 5)}, samplePhotos(t)...)
	for n, img := range imgs {
		frames := make([]*Frame, len(orientations))
		for i, o := range orientations {
			f, err := ToNV21(img, o.rot, o.mirror)
			if err != nil {
				t.Fatal(err)
			}
			frames[i] = f
		}
		w, h := frames[0].Upright()
		boxes := []Rect{
			{0, 0, float32(w), float32(h)},
			{float32(w) * 0.21, float32(h) * 0.13, float32(w) * 0.5, float32(h) * 0.6},
			{-20.5, -10, float32(w) / 2, float32(h) / 2}, // partly outside
		}
		for _, r := range boxes {
			base := tensorOf(t, frames[0], r, 96, 80)
			// 4:2:0 averages chroma over 2×2 blocks, so colour edges blur;
			// measured ≤ 0.5.
			if d := meanDiff(base, tensorOf(t, FromImage(img), r, 96, 80)); d > 1 {
				t.Errorf("image %d %v: NV21 vs RGBA mean |diff| %.2f > 1", n, r, d)
			}
			for i, f := range frames[1:] {
				// Sample positions are mirrored exactly (measured 0); allow
				// a weight's last bit.
				if d := maxDiff(tensorOf(t, f, r, 96, 80), base); d > 0.25 {
					o := orientations[i+1]
					t.Errorf("image %d %v rotation %d mirror %v: max |diff| %.3f > 0.25", n, r, o.rot, o.mirror, d)
				}
			}
		}
	}
}
