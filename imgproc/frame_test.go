package imgproc

import (
	"errors"
	"math"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := func() *Frame { return randomFrame(8, 6, NV21, 1) }
	cases := []struct {
		name   string
		edit   func(f *Frame)
		reason Reason
	}{
		{"zero width", func(f *Frame) { f.Width = 0 }, BadSize},
		{"negative height", func(f *Frame) { f.Height = -2 }, BadSize},
		{"huge", func(f *Frame) { f.Width = MaxDim + 2 }, BadSize},
		{"odd width", func(f *Frame) { f.Width = 7 }, OddSize},
		{"odd height", func(f *Frame) { f.Height = 5 }, OddSize},
		{"short Y stride", func(f *Frame) { f.Strides[0] = 7 }, ShortStride},
		{"negative chroma stride", func(f *Frame) { f.Strides[1] = -8 }, ShortStride},
		{"short Y plane", func(f *Frame) { f.Planes[0] = f.Planes[0][:f.Strides[0]*5+7] }, ShortPlane},
		{"no chroma", func(f *Frame) { f.Planes[1] = nil }, ShortPlane},
		{"huge stride", func(f *Frame) { f.Strides[0] = math.MaxInt }, ShortPlane},
		{"unset format", func(f *Frame) { f.Format = 0 }, BadFormat},
		{"unknown format", func(f *Frame) { f.Format = 99 }, BadFormat},
		{"rotation 45", func(f *Frame) { f.Rotation = 45 }, BadRotation},
		{"rotation -90", func(f *Frame) { f.Rotation = -90 }, BadRotation},
	}
	for _, c := range cases {
		f := ok()
		c.edit(f)
		var fe *FrameError
		err := f.Validate()
		if !errors.As(err, &fe) || fe.Reason != c.reason || fe.Code() != string(c.reason) {
			t.Errorf("%s: got %v, want reason %s", c.name, err, c.reason)
		}
		if !errors.Is(err, ErrInvalidFrame) {
			t.Errorf("%s: %v does not match ErrInvalidFrame", c.name, err)
		}
	}
	// The last row needs no padding.
	f := ok()
	f.Planes[0] = f.Planes[0][:f.Strides[0]*5+8]
	if err := f.Validate(); err != nil {
		t.Errorf("unpadded last row: %v", err)
	}
}

func TestValidateFormats(t *testing.T) {
	for _, format := range []Format{NV21, NV12, I420, RGBA, BGRA, RGB, GRAY} {
		if err := randomFrame(6, 4, format, 3).Validate(); err != nil {
			t.Errorf("%v: %v", format, err)
		}
	}
	// Packed formats take odd sizes, 4:2:0 ones do not.
	if err := randomFrame(5, 3, RGB, 3).Validate(); err != nil {
		t.Errorf("odd RGB: %v", err)
	}
	f := randomFrame(6, 4, I420, 3)
	f.Planes[2] = f.Planes[2][:2]
	var fe *FrameError
	if err := f.Validate(); !errors.As(err, &fe) || fe.Reason != ShortPlane || fe.Plane != 2 {
		t.Errorf("short V plane: %v", err)
	}
}

func TestUpright(t *testing.T) {
	for rot, want := range map[int][2]int{0: {8, 6}, 90: {6, 8}, 180: {8, 6}, 270: {6, 8}} {
		f := &Frame{Width: 8, Height: 6, Rotation: rot}
		if w, h := f.Upright(); w != want[0] || h != want[1] {
			t.Errorf("rotation %d: %dx%d, want %v", rot, w, h, want)
		}
	}
}
