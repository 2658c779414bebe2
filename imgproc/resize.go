package imgproc

import (
	"math"
	"sync"
)

// Bilinear weights use 11 fractional bits, as cv::resize does for 8-bit
// images; a horizontal then a vertical pass leaves values scaled by 2^22.
const (
	wBits  = 11
	wOne   = 1 << wBits
	accOne = float32(1 << (2 * wBits))
)

// tap is one output sample along an axis: two source indices and their
// weights. A sample outside the frame has zero weights, so it reads black.
type tap struct{ i0, i1, w0, w1 int32 }

// scratch is the per-call working memory, pooled so that warm calls do not
// allocate.
type scratch struct {
	rgb    []uint64
	h      [2][]uint64
	xt, yt []tap
	luma   []byte
	cy     []cell
	pre    []uint32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// CropResize writes the Rect r of the upright frame into dst as the tensor
// spec describes, in one pass over the raw frame: colour conversion,
// rotation and mirroring, crop, bilinear resize (cv::resize INTER_LINEAR
// sample positions and 11-bit weights) and normalisation. Samples whose
// position falls outside the frame are black (pixel value 0, before
// normalisation); inside it, taps past the last row or column repeat it.
func CropResize(f *Frame, r Rect, spec TensorSpec, dst []float32) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if err := spec.check(dst); err != nil {
		return err
	}
	if !(r.W > 0 && r.H > 0) || !finite(r.X) || !finite(r.Y) || !finite(r.W) || !finite(r.H) {
		return ErrRect
	}
	o := f.orient()
	bx, by, bw, bh := o.box(r)
	gw, gh := spec.Width, spec.Height // the tensor's grid as the sensor sees it
	if o.transposed() {
		gw, gh = gh, gw
	}
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	s.xt, s.yt = grow(s.xt, gw), grow(s.yt, gh)
	xlo, xhi := axisTaps(s.xt, bx, bw, f.Width)
	axisTaps(s.yt, by, bh, f.Height)
	w := newWriter(spec, dst, newOrient(f.Rotation, f.Mirror, gw, gh).inverse())
	if xlo > xhi { // every column outside the frame
		w.fill()
		return nil
	}
	xlo, xhi = xlo&^1, min((xhi+2)&^1, f.Width) // even bounds for 4:2:0 chroma
	for i := range s.xt {
		if t := &s.xt[i]; t.w0 != 0 || t.w1 != 0 { // black taps keep offset 0
			t.i0, t.i1 = t.i0-int32(xlo), t.i1-int32(xlo)
		}
	}
	s.resize(f, &w, xlo, xhi)
	return nil
}

// axisTaps fills t for a box [start, start+extent) sampled by len(t) outputs
// across a source axis of n pixels, and returns the lowest and highest source
// index read (lo > hi when none).
func axisTaps(t []tap, start, extent float64, n int) (lo, hi int) {
	lo, hi = math.MaxInt, -1
	scale := extent / float64(len(t))
	for k := range t {
		var ok bool
		t[k], ok = pointTap(start+(float64(k)+0.5)*scale-0.5, n)
		if ok {
			lo, hi = min(lo, int(t[k].i0)), max(hi, int(t[k].i1))
		}
	}
	return lo, hi
}

// resize runs the separable passes over sensor rows, converting each needed
// row once into rgb and keeping the last two horizontal results.
func (s *scratch) resize(f *Frame, w *writer, xlo, xhi int) {
	s.rgb = grow(s.rgb, xhi-xlo)
	held := [2]int32{-1, -1}
	for i := range s.h {
		s.h[i] = grow(s.h[i], len(s.xt))
	}
	for q, t := range s.yt {
		if t.w0 == 0 && t.w1 == 0 {
			w.row(q, s.h[0], s.h[0], 0, 0)
			continue
		}
		h0 := s.hrow(f, &held, t.i0, xlo, xhi)
		h1 := s.hrow(f, &held, t.i1, xlo, xhi)
		w.row(q, h0, h1, t.w0, t.w1)
	}
}

// hrow returns the horizontal pass of source row j. Rows only move down, so
// a miss replaces the lower-numbered row held.
func (s *scratch) hrow(f *Frame, held *[2]int32, j int32, xlo, xhi int) []uint64 {
	for i, r := range held {
		if r == j {
			return s.h[i]
		}
	}
	slot := 0
	if held[1] < held[0] {
		slot = 1
	}
	f.rgbRow(s.rgb, int(j), xlo, xhi)
	hpass(s.h[slot], s.rgb, s.xt)
	held[slot] = j
	return s.h[slot]
}

func hpass(h, row []uint64, xt []tap) {
	h = h[:len(xt)]
	for p, t := range xt {
		h[p] = row[t.i0]*uint64(t.w0) + row[t.i1]*uint64(t.w1)
	}
}
