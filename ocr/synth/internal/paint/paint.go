// Package paint holds the drawing both card generators (ocr/synth and
// ocr/synth/wild) use: glyph faces by size, text with letter spacing,
// premultiplied bilinear sampling and rounded card corners. What a card
// looks like stays in each generator; only the mechanics are shared.
package paint

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// Faces caches a font's faces by size.
type Faces struct{ m map[faceKey]font.Face }

type faceKey struct {
	f    *opentype.Font
	size float64
}

// Face is f at size px (72 dpi, unhinted).
func (c *Faces) Face(f *opentype.Font, size float64) font.Face {
	k := faceKey{f, size}
	if face, ok := c.m[k]; ok {
		return face
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // only for invalid options, which are constant here
	}
	if c.m == nil {
		c.m = map[faceKey]font.Face{}
	}
	c.m[k] = face
	return face
}

// Text draws s in face with its baseline starting at (x, y), adding
// spacing px after each character; it returns the x after the last one.
func Text(dst draw.Image, face font.Face, c color.Color, x, y, spacing float64, s string) float64 {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face}
	for _, r := range s {
		d.Dot = fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
		d.DrawString(string(r))
		adv, _ := face.GlyphAdvance(r)
		x += float64(adv)/64 + spacing
	}
	return x
}

// Bilinear samples premultiplied RGBA at (x, y) in pixel-centre
// coordinates; outside the image alpha is 0.
func Bilinear(m *image.RGBA, x, y float64) ([3]float64, float64) {
	var c [3]float64
	a := 0.0
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	for _, d := range [4][3]float64{{0, 0, (1 - fx) * (1 - fy)}, {1, 0, fx * (1 - fy)}, {0, 1, (1 - fx) * fy}, {1, 1, fx * fy}} {
		px, py := x0+int(d[0]), y0+int(d[1])
		if px < 0 || py < 0 || px >= m.Rect.Dx() || py >= m.Rect.Dy() || d[2] == 0 {
			continue
		}
		o := m.PixOffset(px, py)
		for k := range 3 {
			c[k] += float64(m.Pix[o+k]) * d[2]
		}
		a += float64(m.Pix[o+3]) / 255 * d[2]
	}
	return c, a
}

// RoundCorners clears the pixels outside a corner radius of rad px, with
// a one-pixel soft edge.
func RoundCorners(m *image.RGBA, rad float64) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for y := range h {
		for x := range w {
			cx := min(max(float64(x)+0.5, rad), float64(w)-rad)
			cy := min(max(float64(y)+0.5, rad), float64(h)-rad)
			if d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy); d > rad {
				o := m.PixOffset(x, y)
				a := max(0, 1-(d-rad))
				for k := range 4 {
					m.Pix[o+k] = uint8(float64(m.Pix[o+k]) * a)
				}
			}
		}
	}
}

// Over draws the premultiplied card over m so that its corners land on q
// (clockwise from the card's top-left).
func Over(m, card *image.RGBA, q [4]geom.Point) {
	H, ok := geom.Homography(q, geom.RectCorners(float64(card.Rect.Dx()), float64(card.Rect.Dy())))
	if !ok {
		return
	}
	x0, y0, x1, y1 := Bounds(q)
	for y := max(int(y0), 0); y < min(int(y1)+1, m.Rect.Dy()); y++ {
		for x := max(int(x0), 0); x < min(int(x1)+1, m.Rect.Dx()); x++ {
			p := geom.Apply(H, geom.Pt(float64(x)+0.5, float64(y)+0.5))
			c, a := Bilinear(card, p.X-0.5, p.Y-0.5)
			if a == 0 {
				continue
			}
			o := m.PixOffset(x, y)
			for k := range 3 {
				// card is premultiplied: c already carries its alpha.
				m.Pix[o+k] = uint8(min(max(c[k]+float64(m.Pix[o+k])*(1-a)+0.5, 0), 255))
			}
		}
	}
}

// Bounds is q's bounding box.
func Bounds(q [4]geom.Point) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range q {
		x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
	}
	return
}

// Clamp8 rounds v to the nearest 8-bit level.
func Clamp8(v float64) uint8 { return uint8(min(max(v+0.5, 0), 255)) }

// Capsule paints a round-ended stroke from base to tip, rad wide, in
// colour c shaded across its width from floor at the edge to 1 along its
// axis (a finger's cylinder lit from the front).
func Capsule(m *image.RGBA, base, tip geom.Point, rad float64, c [3]float64, floor float64) {
	x0, y0 := int(min(base.X, tip.X)-rad-1), int(min(base.Y, tip.Y)-rad-1)
	x1, y1 := int(max(base.X, tip.X)+rad+1), int(max(base.Y, tip.Y)+rad+1)
	ab := tip.Sub(base)
	for y := max(y0, m.Rect.Min.Y); y < min(y1, m.Rect.Max.Y); y++ {
		for x := max(x0, m.Rect.Min.X); x < min(x1, m.Rect.Max.X); x++ {
			p := geom.Pt(float64(x)+0.5, float64(y)+0.5)
			t := min(max(geom.Dot(p.Sub(base), ab)/geom.Dot(ab, ab), 0), 1)
			d := p.Dist(base.Add(ab.Scale(t)))
			if d > rad {
				continue
			}
			sh := floor + (1-floor)*math.Sqrt(1-(d/rad)*(d/rad))
			o := m.PixOffset(x, y)
			for k := range 3 {
				m.Pix[o+k] = Clamp8(c[k] * sh)
			}
		}
	}
}
