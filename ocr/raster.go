package ocr

import (
	"github.com/liveid/liveid/ocr/internal/geom"
	"image"
	"image/draw"
	"math"
)

// toRGBA returns img as an *image.RGBA with its origin at (0, 0), copying
// only when it has to.
func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok && m.Rect.Min == (image.Point{}) {
		return m
	}
	b := img.Bounds()
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Rect, img, b.Min, draw.Src)
	return m
}

// sample reads the bilinear-interpolated RGBA at p (pixel centres at
// +0.5); outside the image it returns ok = false.
func sample(m *image.RGBA, p geom.Point) (c [4]float64, ok bool) {
	x, y := p.X-0.5, p.Y-0.5
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if x < -0.5 || y < -0.5 || x > float64(w)-0.5 || y > float64(h)-0.5 {
		return c, false
	}
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	x1, y1 := min(max(x0+1, 0), w-1), min(max(y0+1, 0), h-1)
	x0, y0 = min(max(x0, 0), w-1), min(max(y0, 0), h-1)
	p00, p10 := m.PixOffset(x0, y0), m.PixOffset(x1, y0)
	p01, p11 := m.PixOffset(x0, y1), m.PixOffset(x1, y1)
	for k := range 4 {
		top := float64(m.Pix[p00+k])*(1-fx) + float64(m.Pix[p10+k])*fx
		bot := float64(m.Pix[p01+k])*(1-fx) + float64(m.Pix[p11+k])*fx
		c[k] = top*(1-fy) + bot*fy
	}
	return c, true
}

// warpQuad maps the quad q of src (clockwise from the corner that becomes
// top-left) onto a new w×h image. Where the quad leaves src the result is
// transparent black, so later steps can tell missing pixels from dark ones. When the quad is much larger than the output, src is first
// shrunk so that bilinear sampling does not alias.
func warpQuad(src *image.RGBA, q [4]geom.Point, w, h int) *image.RGBA {
	if f := shrinkFactor(q, w, h); f > 1.5 {
		src, q = halve(src), [4]geom.Point{q[0].Scale(0.5), q[1].Scale(0.5), q[2].Scale(0.5), q[3].Scale(0.5)}
		return warpQuad(src, q, w, h)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	rect := geom.RectCorners(float64(w), float64(h))
	H, ok := geom.Homography(rect, q)
	if !ok {
		return dst
	}
	for y := range h {
		row := dst.Pix[y*dst.Stride:]
		for x := range w {
			c, ok := sample(src, geom.Apply(H, geom.Pt(float64(x)+0.5, float64(y)+0.5)))
			if ok {
				i := 4 * x
				row[i], row[i+1], row[i+2], row[i+3] = uint8(c[0]+0.5), uint8(c[1]+0.5), uint8(c[2]+0.5), uint8(c[3]+0.5)
			}
		}
	}
	return dst
}

// shrinkFactor is how many source pixels one output pixel spans, at most.
func shrinkFactor(q [4]geom.Point, w, h int) float64 {
	s := geom.QuadSides(q)
	return max(max(s[0], s[2])/float64(w), max(s[1], s[3])/float64(h))
}

// halve averages 2×2 blocks.
func halve(m *image.RGBA) *image.RGBA {
	w, h := max(m.Rect.Dx()/2, 1), max(m.Rect.Dy()/2, 1)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		r0 := m.Pix[min(2*y, m.Rect.Dy()-1)*m.Stride:]
		r1 := m.Pix[min(2*y+1, m.Rect.Dy()-1)*m.Stride:]
		o := out.Pix[y*out.Stride:]
		for x := range w {
			a, b := 8*x, min(8*x+4, 4*(m.Rect.Dx()-1))
			for k := range 4 {
				s := int(r0[a+k]) + int(r0[b+k]) + int(r1[a+k]) + int(r1[b+k])
				o[4*x+k] = uint8((s + 2) / 4)
			}
		}
	}
	return out
}

// resize scales m to w×h by area averaging when shrinking and bilinear
// sampling otherwise.
func resize(m *image.RGBA, w, h int) *image.RGBA {
	W, H := float64(m.Rect.Dx()), float64(m.Rect.Dy())
	return warpQuad(m, geom.RectCorners(W, H), w, h)
}

// rotate180img turns an image upside down.
func rotate180img(m *image.RGBA) *image.RGBA {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			copy(out.Pix[out.PixOffset(w-1-x, h-1-y):][:4], m.Pix[m.PixOffset(x, y):][:4])
		}
	}
	return out
}

// rgb is an RGBA pixel's colour.
func rgb(p []uint8) [3]float64 { return [3]float64{float64(p[0]), float64(p[1]), float64(p[2])} }

// luma is the Rec. 601 grey level of an RGBA pixel.
func luma(p []uint8) float64 {
	return 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
}

// grayPlane is a float image of one channel.
type grayPlane struct {
	w, h int
	v    []float64
}

func newGray(w, h int) *grayPlane { return &grayPlane{w, h, make([]float64, w*h)} }

func (g *grayPlane) at(x, y int) float64 { return g.v[y*g.w+x] }

// lumaPlane is m's luma.
func lumaPlane(m *image.RGBA) *grayPlane {
	g := newGray(m.Rect.Dx(), m.Rect.Dy())
	for y := range g.h {
		for x := range g.w {
			g.v[y*g.w+x] = luma(m.Pix[m.PixOffset(x, y):])
		}
	}
	return g
}

// smoothRGBA is m with each colour channel box-blurred over a width²
// window (see boxBlur), its alpha kept.
func smoothRGBA(m *image.RGBA, width float64) *image.RGBA {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for k := range 3 {
		g := newGray(w, h)
		for y := range h {
			for x := range w {
				g.v[y*w+x] = float64(m.Pix[m.PixOffset(x, y)+k])
			}
		}
		g = boxBlur(g, width)
		for y := range h {
			for x := range w {
				out.Pix[out.PixOffset(x, y)+k] = uint8(g.v[y*w+x] + 0.5)
			}
		}
	}
	for y := range h {
		for x := range w {
			out.Pix[out.PixOffset(x, y)+3] = m.Pix[m.PixOffset(x, y)+3]
		}
	}
	return out
}

// boxBlur averages over a width² window with edge clamping, separably.
// width need not be whole: the two end taps then weigh the fraction of a
// pixel the window covers, so that a pattern of period width averages out
// whatever its phase (exactly for a whole period, to a few percent
// otherwise).
func boxBlur(g *grayPlane, width float64) *grayPlane {
	width = max(width, 1)
	half := width / 2
	r := int(math.Ceil(half - 0.5))
	taps := make([]float64, 2*r+1)
	for d := -r; d <= r; d++ {
		taps[d+r] = min(float64(d)+0.5, half) - max(float64(d)-0.5, -half)
	}
	tmp, out := newGray(g.w, g.h), newGray(g.w, g.h)
	for y := range g.h {
		for x := range g.w {
			s := 0.0
			for d := -r; d <= r; d++ {
				s += taps[d+r] * g.at(min(max(x+d, 0), g.w-1), y)
			}
			tmp.v[y*g.w+x] = s / width
		}
	}
	for y := range g.h {
		for x := range g.w {
			s := 0.0
			for d := -r; d <= r; d++ {
				s += taps[d+r] * tmp.at(x, min(max(y+d, 0), g.h-1))
			}
			out.v[y*g.w+x] = s / width
		}
	}
	return out
}
