package imgproc

import "testing"

func benchCrop(b *testing.B, w, h int) {
	f, err := ToNV21(synthImage(w, h, 1), 0, false)
	if err != nil {
		b.Fatal(err)
	}
	s := spec(256, 256)
	s.NCHW = true
	dst := make([]float32, s.Len())
	side := float32(h)
	r := Rect{X: (float32(w) - side) / 2, Y: 0, W: side, H: side}
	b.ReportAllocs()
	for b.Loop() {
		if err := CropResize(f, r, s, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCropResize720p(b *testing.B) { benchCrop(b, 1280, 720) }
func BenchmarkCropResizeVGA(b *testing.B)  { benchCrop(b, 640, 480) }

func BenchmarkNV21Row(b *testing.B) {
	f := randomFrame(1280, 2, NV21, 1)
	out := make([]uint64, 1280)
	b.SetBytes(1280)
	for b.Loop() {
		f.rgbRow(out, 0, 0, 1280)
	}
}

func BenchmarkWarp(b *testing.B) {
	f, err := ToNV21(synthImage(1280, 720, 1), 0, false)
	if err != nil {
		b.Fatal(err)
	}
	s := spec(112, 112)
	dst := make([]float32, s.Len())
	m := SquareAffine(640, 360, 300, 0.35, 112, 112)
	b.ReportAllocs()
	for b.Loop() {
		if err := Warp(f, m, s, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLumaStats(b *testing.B) {
	f, err := ToNV21(synthImage(1280, 720, 1), 0, false)
	if err != nil {
		b.Fatal(err)
	}
	face := Rect{440, 160, 400, 400}
	for b.Loop() {
		if _, err := LumaStats(f, face); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSharpness(b *testing.B) {
	f, err := ToNV21(synthImage(1280, 720, 1), 0, false)
	if err != nil {
		b.Fatal(err)
	}
	face := Rect{440, 160, 400, 400}
	for b.Loop() {
		if _, err := Sharpness(f, face); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCropResizeVGAHWC(b *testing.B) {
	f, err := ToNV21(synthImage(640, 480, 1), 0, false)
	if err != nil {
		b.Fatal(err)
	}
	s := spec(256, 256)
	dst := make([]float32, s.Len())
	r := Rect{X: 80, Y: 0, W: 480, H: 480}
	for b.Loop() {
		if err := CropResize(f, r, s, dst); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiscMean measures one liveness region: eight discs of radius 6
// on a 720p NV21 frame.
func BenchmarkDiscMean(b *testing.B) {
	f, err := ToNV21(synthImage(1280, 720, 1), 270, true)
	if err != nil {
		b.Fatal(err)
	}
	centres := [][2]float32{{300, 500}, {320, 510}, {340, 505}, {310, 530}, {330, 540}, {350, 520}, {305, 560}, {345, 555}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DiscMean(f, centres, 6); err != nil {
			b.Fatal(err)
		}
	}
}
