package imgproc

import (
	"errors"
	"math"
	"testing"
)

// FuzzCropResize feeds arbitrary frame shapes, strides, plane lengths,
// formats, rotations, rectangles and tensor sizes to every entry point: none
// may panic, and a valid frame with a valid request must succeed.
func FuzzCropResize(f *testing.F) {
	f.Add(uint16(64), uint16(48), uint8(1), uint16(90), true, int16(0), int16(0), uint16(0), float32(3), float32(5), float32(40), float32(30), uint8(16), uint8(12), float32(0.3))
	f.Add(uint16(7), uint16(3), uint8(4), uint16(0), false, int16(5), int16(-1), uint16(3), float32(-4), float32(-1e9), float32(1e30), float32(2), uint8(1), uint8(200), float32(-2))
	f.Add(uint16(2), uint16(2), uint8(3), uint16(270), true, int16(1), int16(1), uint16(1), float32(0.5), float32(0.5), float32(1), float32(1), uint8(3), uint8(3), float32(math.NaN()))
	f.Fuzz(func(t *testing.T, w, h uint16, format uint8, rot uint16, mirror bool, pad0, pad1 int16, cut uint16, rx, ry, rw, rh float32, tw, th uint8, angle float32) {
		fr := fuzzFrame(int(w%300), int(h%300), Format(format%9), int(rot), mirror, int(pad0), int(pad1), int(cut))
		valid := fr.Validate() == nil
		r := Rect{rx, ry, rw, rh}
		s := spec(int(tw), int(th))
		dst := make([]float32, s.Len())
		goodRect := rw > 0 && rh > 0 && finite(rx) && finite(ry) && finite(rw) && finite(rh)
		err := CropResize(fr, r, s, dst)
		if valid && goodRect && tw > 0 && th > 0 && err != nil {
			t.Fatalf("valid request failed: %v", err)
		}
		m := SquareAffine(rx, ry, rw, angle, int(tw), int(th))
		if err := Warp(fr, m, s, dst); valid && tw > 0 && th > 0 && finite(angle) && err != nil && !errors.Is(err, ErrRect) {
			t.Fatalf("valid warp failed: %v", err)
		}
		LumaStats(fr, r)
		Sharpness(fr, r)
	})
}

// fuzzFrame builds a frame whose planes may be too short or strides too small.
func fuzzFrame(w, h int, format Format, rot int, mirror bool, pad0, pad1, cut int) *Frame {
	f := &Frame{Width: w, Height: h, Format: format, Rotation: rot, Mirror: mirror}
	p, ok := format.planes(max(w, 0), max(h, 0))
	if !ok {
		p = [3]plane{{w, h}, {w, h}, {w, h}}
	}
	for i, pl := range p {
		stride := pl.row + pad0
		if i > 0 {
			stride = pl.row + pad1
		}
		n := max(stride*pl.rows-cut, 0)
		if n > 1<<20 {
			n = 0
		}
		f.Planes[i], f.Strides[i] = make([]byte, n), stride
	}
	return f
}
