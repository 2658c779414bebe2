package imgproc

import (
	"errors"
	"image"
	"image/color"
	"math"
	"testing"
)

func grayImage(w, h int, at func(x, y int) uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetGray(x, y, color.Gray{at(x, y)})
		}
	}
	return img
}

func mustFrame(t *testing.T, img image.Image, format Format, rot int, mirror bool) *Frame {
	t.Helper()
	f, err := ToFrame(img, format, rot, mirror)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLumaStats(t *testing.T) {
	face := Rect{40, 30, 40, 40}
	inFace := func(x, y int) bool { return x >= 40 && x < 80 && y >= 30 && y < 70 }
	flat := mustFrame(t, grayImage(120, 100, func(x, y int) uint8 { return 128 }), NV21, 90, true)
	st, err := LumaStats(flat, face)
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{Mean: 128, Dark: 0, Bright: 0, Backlight: 1}) {
		t.Errorf("flat grey: %+v", st)
	}
	// Face at 60 with a quarter of it crushed to 10; background at 240.
	backlit := grayImage(120, 100, func(x, y int) uint8 {
		switch {
		case !inFace(x, y):
			return 240
		case y < 40:
			return 10
		}
		return 60
	})
	for _, format := range []Format{NV21, I420, RGBA, GRAY} {
		st, err := LumaStats(mustFrame(t, backlit, format, 270, false), face)
		if err != nil {
			t.Fatal(err)
		}
		want := Stats{Mean: 47.5, Dark: 0.25, Bright: 0, Backlight: 240 / 47.5}
		if !near(st.Mean, want.Mean, 1e-4) || st.Dark != want.Dark || st.Bright != 0 || !near(st.Backlight, want.Backlight, 1e-4) {
			t.Errorf("%v backlit face: %+v, want %+v", format, st, want)
		}
	}
	// Darkening lowers the mean and raises the dark fraction.
	img := synthImage(120, 100, 3)
	dark := image.NewRGBA(img.Rect)
	for i, v := range img.Pix {
		dark.Pix[i] = v
		if i%4 != 3 {
			dark.Pix[i] = v / 6
		}
	}
	a, _ := LumaStats(mustFrame(t, img, NV21, 0, false), face)
	b, _ := LumaStats(mustFrame(t, dark, NV21, 0, false), face)
	if !(b.Mean < a.Mean/4 && b.Dark > a.Dark+0.25) {
		t.Errorf("darkened: %+v, original %+v", b, a)
	}
	if _, err := LumaStats(flat, Rect{500, 500, 10, 10}); !errors.Is(err, ErrEmpty) {
		t.Errorf("face outside the frame: %v", err)
	}
}

func TestLumaStatsVideoRange(t *testing.T) {
	f := randomFrame(64, 48, NV21, 4)
	for i := range f.Planes[0] {
		f.Planes[0][i] = 235
	}
	f.VideoRange = true
	st, err := LumaStats(f, Rect{0, 0, 32, 32})
	if err != nil {
		t.Fatal(err)
	}
	if st.Mean != 255 || st.Bright != 1 {
		t.Errorf("video-range white: %+v", st)
	}
}

func near(a, b, tol float32) bool { return math.Abs(float64(a-b)) <= float64(tol) }

func TestSharpness(t *testing.T) {
	sharp := func(img image.Image, r Rect, rot int) float32 {
		t.Helper()
		v, err := Sharpness(mustFrame(t, img, NV21, rot, rot == 90), r)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	whole := Rect{0, 0, 100, 80}
	if v := sharp(grayImage(100, 80, func(x, y int) uint8 { return 90 }), whole, 0); v != 0 {
		t.Errorf("flat grey: %v, want 0", v)
	}
	// A one-pixel checkerboard: the Laplacian is ±4×255 everywhere.
	checker := grayImage(100, 80, func(x, y int) uint8 { return uint8(255 * ((x + y) % 2)) })
	for _, rot := range []int{0, 90, 180} {
		if v := sharp(checker, whole, rot); v != 1020*1020 {
			t.Errorf("checkerboard rotation %d: %v, want %v", rot, v, 1020*1020)
		}
	}
	// The same smooth scene at 2× and 5× (longer side 240 and 600 pixels)
	// measures alike at the working resolution; unscaled it would differ
	// by (5/2)^4.
	scene := func(scale int) image.Image {
		return grayImage(120*scale, 90*scale, func(x, y int) uint8 {
			u, v := float64(x)/float64(scale), float64(y)/float64(scale)
			return uint8(128 + 100*math.Sin(u/3)*math.Cos(v/4))
		})
	}
	small := sharp(scene(2), Rect{0, 0, 240, 180}, 0)
	large := sharp(scene(5), Rect{0, 0, 600, 450}, 0)
	if small == 0 || math.Abs(float64(large/small)-1) > 0.02 {
		t.Errorf("scale 2: %v, scale 5: %v; want within 2%%", small, large)
	}
	if v, err := Sharpness(mustFrame(t, checker, GRAY, 0, false), Rect{10, 10, 2, 40}); err != nil || v != 0 {
		t.Errorf("2-pixel-wide region: %v, %v; want 0", v, err)
	}
}

func TestSumBytes(t *testing.T) {
	b := make([]byte, 5000)
	for i := range b {
		b[i] = 255 - byte(i%3)
	}
	for _, n := range []int{0, 7, 31, 32, 33, 2047, 2048, 2049, 5000} {
		var want uint64
		for _, v := range b[:n] {
			want += uint64(v)
		}
		if got := sumBytes(b[:n]); got != want {
			t.Errorf("%d bytes: %d, want %d", n, got, want)
		}
	}
}
