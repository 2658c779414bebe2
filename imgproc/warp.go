package imgproc

import (
	"errors"
	"math"
)

// Affine maps a destination (tensor) pixel (u, v) to the upright frame:
// x = m[0]*u + m[1]*v + m[2], y = m[3]*u + m[4]*v + m[5], both in
// pixel-index coordinates (pixel centres on integers), the convention of
// cv::warpAffine with WARP_INVERSE_MAP. A Rect edge coordinate is the index
// coordinate + 0.5.
type Affine [6]float32

// Apply maps a tensor point to the upright frame.
func (m Affine) Apply(u, v float32) (x, y float32) {
	return m[0]*u + m[1]*v + m[2], m[3]*u + m[4]*v + m[5]
}

// RectAffine is the Affine that makes Warp sample exactly where CropResize
// samples r into a w×h tensor.
func RectAffine(r Rect, w, h int) Affine {
	sx, sy := r.W/float32(w), r.H/float32(h)
	return Affine{sx, 0, r.X + 0.5*sx - 0.5, 0, sy, r.Y + 0.5*sy - 0.5}
}

// SquareAffine maps a w×h tensor onto a square of the given side centred at
// (cx, cy) (Rect coordinates) and turned by angle radians; with y pointing
// down a positive angle turns clockwise on screen, so the roll of a face's
// eye line, atan2(dy, dx), makes the face upright in the tensor.
func SquareAffine(cx, cy, side, angle float32, w, h int) Affine {
	sin, cos := math.Sincos(float64(angle))
	su, sv := float64(side)/float64(w), float64(side)/float64(h)
	// Tensor pixel centre (0, 0) sits at offset (ou, ov) from the centre.
	ou, ov := (0.5-0.5*float64(w))*su, (0.5-0.5*float64(h))*sv
	return Affine{
		float32(cos * su), float32(-sin * sv), float32(float64(cx) - 0.5 + cos*ou - sin*ov),
		float32(sin * su), float32(cos * sv), float32(float64(cy) - 0.5 + sin*ou + cos*ov),
	}
}

// ErrPoints reports point sets that fix no similarity: different lengths,
// fewer than two points, or all destination points equal.
var ErrPoints = errors.New("imgproc: points do not determine a similarity")

// SimilarityFromPoints returns the least-squares similarity (scale, rotation,
// translation) T minimising Σ |T(dst[i]) - src[i]|²: it maps destination
// (tensor) points such as a 5-point face template onto the frame points
// src, ready for Warp.
func SimilarityFromPoints(src, dst [][2]float32) (Affine, error) {
	n := len(src)
	if n != len(dst) || n < 2 {
		return Affine{}, ErrPoints
	}
	var sx, sy, du, dv float64
	for i := range n {
		sx, sy = sx+float64(src[i][0]), sy+float64(src[i][1])
		du, dv = du+float64(dst[i][0]), dv+float64(dst[i][1])
	}
	sx, sy, du, dv = sx/float64(n), sy/float64(n), du/float64(n), dv/float64(n)
	// With centred points, x = a*u - b*v and y = b*u + a*v.
	var a, b, d float64
	for i := range n {
		x, y := float64(src[i][0])-sx, float64(src[i][1])-sy
		u, v := float64(dst[i][0])-du, float64(dst[i][1])-dv
		a += u*x + v*y
		b += u*y - v*x
		d += u*u + v*v
	}
	if d == 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		return Affine{}, ErrPoints
	}
	a, b = a/d, b/d
	return Affine{
		float32(a), float32(-b), float32(sx - a*du + b*dv),
		float32(b), float32(a), float32(sy - b*du - a*dv),
	}, nil
}

// Warp writes the tensor whose pixel (u, v) is the upright frame sampled
// bilinearly at m(u, v). Borders follow CropResize: samples outside the frame
// are black, taps past the last row or column repeat it.
func Warp(f *Frame, m Affine, spec TensorSpec, dst []float32) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if err := spec.check(dst); err != nil {
		return err
	}
	for _, v := range m {
		if !finite(v) {
			return ErrRect
		}
	}
	w := newWriter(spec, dst, orient{xx: 1, yy: 1})
	a := newSensorAffine(f.orient(), m)
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	src := newWarpSource(f, a.box(spec.Width, spec.Height, f.Width, f.Height), &s.rgb)
	for v := range spec.Height {
		for u := range spec.Width {
			r, g, b := src.sample(a.apply(float64(u), float64(v)))
			w.put(v*spec.Width+u, r, g, b)
		}
	}
	return nil
}

// sensorAffine maps tensor pixels to sensor pixel-index coordinates.
type sensorAffine [6]float64

// newSensorAffine composes the frame's orientation after m.
func newSensorAffine(o orient, m Affine) sensorAffine {
	var s sensorAffine
	for c := range 3 {
		x, y := float64(m[c]), float64(m[3+c])
		s[c] = float64(o.xx)*x + float64(o.xy)*y
		s[3+c] = float64(o.yx)*x + float64(o.yy)*y
	}
	s[2] += float64(o.x0)
	s[5] += float64(o.y0)
	return s
}

func (s *sensorAffine) apply(u, v float64) (x, y float64) {
	return s[0]*u + s[1]*v + s[2], s[3]*u + s[4]*v + s[5]
}

// box is the range of sensor pixels [x0, x1) × [y0, y1) that the taps of a
// w×h tensor can read in an fw×fh frame; empty when none. The map is
// affine, so the extremes lie at the tensor's corners.
func (s *sensorAffine) box(w, h, fw, fh int) [4]int {
	lx, ly, hx, hy := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]float64{{0, 0}, {float64(w - 1), 0}, {0, float64(h - 1)}, {float64(w - 1), float64(h - 1)}} {
		x, y := s.apply(c[0], c[1])
		lx, ly, hx, hy = min(lx, x), min(ly, y), max(hx, x), max(hy, y)
	}
	x0, x1 := tapRange(lx, hx, fw)
	y0, y1 := tapRange(ly, hy, fh)
	return [4]int{x0 &^ 1, y0, min((x1+1)&^1, fw), y1} // even columns for 4:2:0 chroma
}

// tapRange is the pixels [i0, i1) that taps for positions lo..hi read on an
// axis of n pixels. A position just below a pixel rounds up to it, so the
// second tap may be floor(hi)+2.
func tapRange(lo, hi float64, n int) (i0, i1 int) {
	return int(min(max(math.Floor(lo), 0), float64(n))), int(min(max(math.Floor(hi)+3, 0), float64(n)))
}

// maxBox caps the pixels Warp converts up front: 8 MB of scratch.
const maxBox = 1 << 20

// warpSource serves Warp's taps: from the sensor box [x0, x1) × [y0, y1)
// converted once by rows, or, when the box is too large, from the frame
// pixel by pixel.
type warpSource struct {
	f     *Frame
	rgb   []uint64
	box   [4]int
	boxed bool
}

func newWarpSource(f *Frame, box [4]int, buf *[]uint64) warpSource {
	s := warpSource{f: f, box: box}
	bw, bh := box[2]-box[0], box[3]-box[1]
	if bw <= 0 || bh <= 0 || bw*bh > maxBox {
		return s
	}
	*buf = grow(*buf, bw*bh)
	s.rgb, s.boxed = *buf, true
	for y := range bh {
		f.rgbRow(s.rgb[y*bw:], box[1]+y, box[0], box[2])
	}
	return s
}

// sample is the bilinear value at sensor point (x, y), scaled by 2^22, with
// the same weights as the CropResize passes.
func (s *warpSource) sample(x, y float64) (r, g, b int32) {
	tx, okx := pointTap(x, s.f.Width)
	ty, oky := pointTap(y, s.f.Height)
	if !okx || !oky {
		return 0, 0, 0
	}
	var p [4]uint64 // taps (x0, y0), (x1, y0), (x0, y1), (x1, y1)
	if s.boxed {
		bw := s.box[2] - s.box[0]
		row0 := (int(ty.i0)-s.box[1])*bw - s.box[0]
		row1 := (int(ty.i1)-s.box[1])*bw - s.box[0]
		p = [4]uint64{s.rgb[row0+int(tx.i0)], s.rgb[row0+int(tx.i1)], s.rgb[row1+int(tx.i0)], s.rgb[row1+int(tx.i1)]}
	} else {
		p = [4]uint64{s.at(tx.i0, ty.i0), s.at(tx.i1, ty.i0), s.at(tx.i0, ty.i1), s.at(tx.i1, ty.i1)}
	}
	wx0, wx1 := uint64(tx.w0), uint64(tx.w1)
	return vblend(p[0]*wx0+p[1]*wx1, p[2]*wx0+p[3]*wx1, int64(ty.w0), int64(ty.w1))
}

func (s *warpSource) at(x, y int32) uint64 { return s.f.pixelAt(int(x), int(y)) }

// vblend blends two horizontal results per channel.
func vblend(h0, h1 uint64, b0, b1 int64) (r, g, b int32) {
	x, y := int64(h0), int64(h1)
	return int32(x&fieldMax*b0 + y&fieldMax*b1), int32(x>>gShift&fieldMax*b0 + y>>gShift&fieldMax*b1), int32(x>>bShift*b0 + y>>bShift*b1)
}

// pointTap is axisTaps for one sample position on an axis of n pixels.
func pointTap(x float64, n int) (tap, bool) {
	if !(x >= -0.5 && x <= float64(n)-0.5) {
		return tap{}, false
	}
	// Position in 1/2048 pixel, rounded half up; adding wOne keeps it
	// positive so that the conversion's truncation floors.
	q := int32(x*wOne+0.5+wOne) - wOne
	i0, w1, last := q>>wBits, q&(wOne-1), int32(n-1)
	return tap{min(max(i0, 0), last), min(max(i0+1, 0), last), wOne - w1, w1}, true
}
