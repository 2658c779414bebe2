package wild

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/disintegration/imaging"
	"golang.org/x/image/draw"

	"github.com/liveid/liveid/ocr"
	"github.com/liveid/liveid/ocr/internal/geom"
	"github.com/liveid/liveid/ocr/synth/internal/paint"
)

// Scenes: what the card lies on or is held in front of.
const (
	SceneLight     = "light"     // a white or pale table, the card's edge weak
	SceneDark      = "dark"      // a dark desk
	ScenePhoto     = "photo"     // a real photograph behind the card (people, rooms, screens)
	ScenePatterned = "patterned" // a checked or striped cloth
	SceneReceipt   = "receipt"   // a light table with a printed receipt beside the card
)

var scenes = []string{SceneLight, SceneDark, ScenePhoto, ScenePatterned, SceneReceipt}

// backdrop paints the scene behind the card.
func (g *Generator) backdrop(r *rand.Rand, w, h int, kind string) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	switch kind {
	case ScenePhoto:
		p := g.photos[r.IntN(len(g.photos))]
		b := p.Bounds()
		// A crop of a third to the whole photo, scaled to the frame: the
		// photo's own light, clutter and text around the card.
		f := uniform(r, 0.35, 1)
		cw, ch := int(float64(b.Dx())*f), int(float64(b.Dx())*f*float64(h)/float64(w))
		ch = min(ch, b.Dy())
		x0, y0 := b.Min.X+r.IntN(b.Dx()-cw+1), b.Min.Y+r.IntN(b.Dy()-ch+1)
		draw.ApproxBiLinear.Scale(m, m.Rect, p, image.Rect(x0, y0, x0+cw, y0+ch), draw.Src, nil)
	case SceneDark:
		base := uniform(r, 25, 70)
		fill(m, func(x, y int) [3]float64 {
			v := base + 12*math.Sin(float64(x)*0.013+float64(y)*0.004) + 4*r.NormFloat64()
			return [3]float64{v * 1.05, v, v * 0.95}
		})
	case ScenePatterned:
		c1 := [3]float64{uniform(r, 120, 240), uniform(r, 120, 240), uniform(r, 120, 240)}
		c2 := [3]float64{uniform(r, 30, 160), uniform(r, 30, 160), uniform(r, 30, 160)}
		period, a := uniform(r, 14, 60), uniform(r, 0, math.Pi)
		checked := r.IntN(2) == 0
		fill(m, func(x, y int) [3]float64 {
			u := float64(x)*math.Cos(a) + float64(y)*math.Sin(a)
			v := -float64(x)*math.Sin(a) + float64(y)*math.Cos(a)
			on := int(math.Floor(u/period))%2 == 0
			if checked {
				on = on != (int(math.Floor(v/period))%2 == 0)
			}
			if on {
				return c1
			}
			return c2
		})
	default: // light and receipt: a white or pale table
		base := [3]float64{uniform(r, 215, 250), uniform(r, 215, 250), uniform(r, 210, 248)}
		grain := uniform(r, 1, 5)
		fill(m, func(x, y int) [3]float64 {
			v := grain * math.Sin(float64(y)*0.05+2*math.Sin(float64(x)*0.006))
			return [3]float64{base[0] + v, base[1] + v, base[2] + v}
		})
	}
	return m
}

func fill(m *image.RGBA, f func(x, y int) [3]float64) {
	for y := range m.Rect.Dy() {
		for x := range m.Rect.Dx() {
			c := f(x, y)
			o := m.PixOffset(x, y)
			m.Pix[o], m.Pix[o+1], m.Pix[o+2], m.Pix[o+3] = paint.Clamp8(c[0]), paint.Clamp8(c[1]), paint.Clamp8(c[2]), 255
		}
	}
}

// receipt prints a till receipt (white paper, dark lines of text) beside
// the card, off its quadrilateral: text a reader must not take for a field.
func (g *Generator) receipt(r *rand.Rand, m *image.RGBA, q [4]geom.Point) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	x0, _, x1, _ := paint.Bounds(q)
	var left int
	switch {
	case x0 > 170:
		left = r.IntN(int(x0) - 160)
	case float64(w)-x1 > 170:
		left = int(x1) + 10 + r.IntN(int(float64(w)-x1)-160)
	default:
		return
	}
	paper := image.Rect(left, r.IntN(h/4), left+150, h-r.IntN(h/4))
	draw.Draw(m, paper, image.NewUniform(color.RGBA{250, 250, 246, 255}), image.Point{}, draw.Src)
	f := g.fonts.pick(r, func(x role) bool { return x != digits })
	lines := []string{"购物小票", "收银员 028", "矿泉水 2.00", "面包 6.50", "合计 8.50", "现金 10.00", "找零 1.50", "2023年5月4日"}
	for i, l := range lines {
		y := float64(paper.Min.Y) + 30 + float64(i)*30
		if y > float64(paper.Max.Y)-10 {
			break
		}
		g.fonts.draw(m, f, 17, color.RGBA{40, 40, 40, 255}, float64(paper.Min.X)+10, y, 1, l)
	}
}

// view is where the card's corners land: its centre, size and turn in
// the frame, then a tilt out of the frame's plane seen through a phone's
// lens.
func view(r *rand.Rand, w, h int, wide, turn float64) [4]geom.Point {
	cw := wide * float64(w)
	chh := cw * ocr.CardH / ocr.CardW
	cx := float64(w)/2 + uniform(r, -0.06, 0.06)*float64(w)
	cy := float64(h)/2 + uniform(r, -0.06, 0.06)*float64(h)
	yaw, pitch := uniform(r, -22, 22)*math.Pi/180, uniform(r, -22, 22)*math.Pi/180
	focal := 1.1 * float64(max(w, h))
	a := turn * math.Pi / 180
	var q [4]geom.Point
	for i, c := range geom.RectCorners(cw, chh) {
		x, y, z := c.X-cw/2, c.Y-chh/2, 0.0
		// Turn about the card's vertical then the frame's horizontal
		// axis: rotations, so the card stays a rigid rectangle.
		x, z = x*math.Cos(yaw), x*math.Sin(yaw)
		y, z = y*math.Cos(pitch)-z*math.Sin(pitch), y*math.Sin(pitch)+z*math.Cos(pitch)
		s := focal / (focal + z)
		x, y = x*s, y*s
		q[i] = geom.Pt(cx+x*math.Cos(a)-y*math.Sin(a), cy+x*math.Sin(a)+y*math.Cos(a))
	}
	return q
}

// composite draws card over m with its corners on q, with a soft shadow
// under it on half the photos.
func composite(r *rand.Rand, m, card *image.RGBA, q [4]geom.Point) {
	if r.IntN(2) == 0 {
		off := geom.Pt(uniform(r, -8, 8), uniform(r, 2, 10))
		var sq [4]geom.Point
		for i := range q {
			sq[i] = q[i].Add(off)
		}
		shade(m, sq, uniform(r, 0.15, 0.35))
	}
	paint.Over(m, card, q)
}

// shade darkens m inside q by up to depth, softly.
func shade(m *image.RGBA, q [4]geom.Point, depth float64) {
	x0, y0, x1, y1 := paint.Bounds(q)
	for y := max(int(y0), 0); y < min(int(y1)+1, m.Rect.Dy()); y++ {
		for x := max(int(x0), 0); x < min(int(x1)+1, m.Rect.Dx()); x++ {
			if !inQuad(q, geom.Pt(float64(x), float64(y))) {
				continue
			}
			o := m.PixOffset(x, y)
			for k := range 3 {
				m.Pix[o+k] = paint.Clamp8(float64(m.Pix[o+k]) * (1 - depth))
			}
		}
	}
}

func inQuad(q [4]geom.Point, p geom.Point) bool {
	pos, neg := false, false
	for i := range 4 {
		c := geom.Cross(q[i], q[(i+1)%4], p)
		pos, neg = pos || c > 0, neg || c < 0
	}
	return !(pos && neg)
}

// cardPoint maps (u, v) in [0, 1]² of the card to the frame.
func cardPoint(q [4]geom.Point, u, v float64) geom.Point {
	top := q[0].Add(q[1].Sub(q[0]).Scale(u))
	bot := q[3].Add(q[2].Sub(q[3]).Scale(u))
	return top.Add(bot.Sub(top).Scale(v))
}

// finger draws a shaded skin capsule from base to tip, rad wide.
func finger(r *rand.Rand, m *image.RGBA, base, tip geom.Point, rad float64) {
	skin := [3]float64{uniform(r, 170, 235), uniform(r, 120, 185), uniform(r, 95, 160)}
	paint.Capsule(m, base, tip, rad, skin, 0.7)
}

// holdingFingers lays one or two fingertips over the card's margin from
// outside, as a hand holding it does, covering no print.
func holdingFingers(r *rand.Rand, m *image.RGBA, q [4]geom.Point) {
	cardH := q[0].Dist(q[3])
	for range 1 + r.IntN(2) {
		var in, out geom.Point
		switch r.IntN(3) {
		case 0: // left edge, between the rows
			v := uniform(r, 0.3, 0.7)
			in, out = cardPoint(q, 0.012, v), cardPoint(q, -0.3, v+uniform(r, -0.1, 0.1))
		case 1: // right edge, below the photo on the front
			v := uniform(r, 0.75, 0.95)
			in, out = cardPoint(q, 0.988, v), cardPoint(q, 1.3, v+0.2)
		default: // bottom corner
			in, out = cardPoint(q, 0.985, 0.98), cardPoint(q, 1.2, 1.3)
		}
		// Tip and width keep it within 4 mm of the edge, clear of the
		// labels that start 6 mm in.
		finger(r, m, out, in, uniform(r, 0.04, 0.055)*cardH)
	}
}

// occluder covers print: a finger reaching over the fields or an object
// (a coin, a pen) lying on them.
func occluder(r *rand.Rand, m *image.RGBA, q [4]geom.Point) {
	cardH := q[0].Dist(q[3])
	if r.IntN(2) == 0 {
		v := uniform(r, 0.2, 0.8)
		finger(r, m, cardPoint(q, -0.4, v+uniform(r, -0.2, 0.2)), cardPoint(q, uniform(r, 0.2, 0.45), v), uniform(r, 0.08, 0.11)*cardH)
		return
	}
	c := cardPoint(q, uniform(r, 0.2, 0.55), uniform(r, 0.25, 0.8))
	col := [3]float64{uniform(r, 20, 120), uniform(r, 20, 120), uniform(r, 20, 140)}
	rad := uniform(r, 0.12, 0.2) * cardH
	for y := int(c.Y - rad); y <= int(c.Y+rad); y++ {
		for x := int(c.X - rad); x <= int(c.X+rad); x++ {
			if x < 0 || y < 0 || x >= m.Rect.Dx() || y >= m.Rect.Dy() || math.Hypot(float64(x)-c.X, float64(y)-c.Y) > rad {
				continue
			}
			o := m.PixOffset(x, y)
			for k := range 3 {
				m.Pix[o+k] = paint.Clamp8(col[k] + 6*r.NormFloat64())
			}
		}
	}
}

// specular adds a blown-out reflection: a bright ellipse on the card.
func specular(r *rand.Rand, m *image.RGBA, q [4]geom.Point) {
	c := cardPoint(q, uniform(r, 0.15, 0.85), uniform(r, 0.2, 0.8))
	cardW := q[0].Dist(q[1])
	sx, sy := uniform(r, 0.07, 0.14)*cardW, uniform(r, 0.04, 0.09)*cardW
	a := uniform(r, 0, math.Pi)
	peak := uniform(r, 260, 360)
	for y := range m.Rect.Dy() {
		for x := range m.Rect.Dx() {
			dx, dy := float64(x)-c.X, float64(y)-c.Y
			u, v := (dx*math.Cos(a)+dy*math.Sin(a))/sx, (-dx*math.Sin(a)+dy*math.Cos(a))/sy
			gv := peak * math.Exp(-(u*u+v*v)/2)
			if gv < 1 {
				continue
			}
			o := m.PixOffset(x, y)
			for k := range 3 {
				m.Pix[o+k] = paint.Clamp8(float64(m.Pix[o+k]) + gv)
			}
		}
	}
}

// recapture turns the frame into a photo of a screen showing the card:
// the display's subpixel stripes at a few pixels' period, turned a little
// against the camera, brighter and bluer, with a beat band.
func recapture(r *rand.Rand, m *image.RGBA) {
	period := uniform(r, 2.6, 5)
	a := uniform(r, -0.15, 0.15)
	depth := uniform(r, 0.15, 0.3)
	beat := uniform(r, 0.004, 0.02)
	for y := range m.Rect.Dy() {
		for x := range m.Rect.Dx() {
			u := float64(x)*math.Cos(a) + float64(y)*math.Sin(a)
			v := -float64(x)*math.Sin(a) + float64(y)*math.Cos(a)
			o := m.PixOffset(x, y)
			row := 1 - depth*(0.5+0.5*math.Cos(2*math.Pi*v/period))
			band := 1 + 0.06*math.Sin(float64(x+y)*beat)
			for k := range 3 {
				sub := 0.75 + 0.25*math.Cos(2*math.Pi*(u/period-float64(k)/3))
				gain := [3]float64{0.95, 1.02, 1.12}[k]
				m.Pix[o+k] = paint.Clamp8(float64(m.Pix[o+k]) * row * sub * band * gain * 1.1)
			}
		}
	}
}

// photocopy makes the card a grey copy with hard contrast on white paper.
func photocopy(card *image.RGBA) {
	for i := 0; i < len(card.Pix); i += 4 {
		a := float64(card.Pix[i+3]) / 255
		if a == 0 {
			continue
		}
		l := (0.299*float64(card.Pix[i]) + 0.587*float64(card.Pix[i+1]) + 0.114*float64(card.Pix[i+2])) / a
		l = min(max((l-60)*1.35, 0), 255)
		card.Pix[i], card.Pix[i+1], card.Pix[i+2], card.Pix[i+3] = paint.Clamp8(l), paint.Clamp8(l), paint.Clamp8(l), 255
	}
}

// lighting is the scene's light as the camera exposes it: uneven (a
// gradient, vignetting, a colour cast) and sometimes low. It says whether
// the light was low.
func lighting(r *rand.Rand, m *image.RGBA) bool {
	w, h := float64(m.Rect.Dx()), float64(m.Rect.Dy())
	gain := uniform(r, 0.85, 1.1)
	lowLight := r.IntN(5) == 0
	if lowLight {
		gain = uniform(r, 0.45, 0.65)
	}
	gx, gy := uniform(r, -0.3, 0.3), uniform(r, -0.3, 0.3)
	vig := uniform(r, 0, 0.35)
	cast := [3]float64{uniform(r, 0.92, 1.06), uniform(r, 0.95, 1.04), uniform(r, 0.88, 1.06)}
	for y := range m.Rect.Dy() {
		for x := range m.Rect.Dx() {
			u, v := float64(x)/w-0.5, float64(y)/h-0.5
			f := gain * (1 + gx*u + gy*v) * (1 - vig*(u*u+v*v)*2)
			o := m.PixOffset(x, y)
			for k := range 3 {
				// Auto-exposure keeps a pale card off the sensor's ceiling:
				// a clean capture clips nothing broadly.
				m.Pix[o+k] = paint.Clamp8(float64(m.Pix[o+k]) * min(f*cast[k], 1.03))
			}
		}
	}
	return lowLight
}

// camera is the phone's optics and processing: blur (defocus or motion),
// noise (more in low light) and JPEG at a phone's quality. heavy is a
// capture meant to be too soft.
func camera(r *rand.Rand, m *image.RGBA, heavy, lowLight bool) *image.RGBA {
	switch {
	case heavy && r.IntN(2) == 0:
		m = motion(m, uniform(r, 11, 18), uniform(r, 0, math.Pi))
	case heavy:
		m = blur(m, uniform(r, 2.4, 3.6))
	case r.IntN(4) == 0:
		m = motion(m, uniform(r, 1.5, 4), uniform(r, 0, math.Pi))
	default:
		if s := uniform(r, 0, 0.9); s > 0.3 {
			m = blur(m, s)
		}
	}
	sigma := uniform(r, 1, 4)
	if lowLight {
		sigma = uniform(r, 5, 9)
	}
	for i := 0; i < len(m.Pix); i += 4 {
		shared := r.NormFloat64() * sigma * 0.6 // luma noise, plus some per channel
		for k := range 3 {
			m.Pix[i+k] = paint.Clamp8(float64(m.Pix[i+k]) + shared + r.NormFloat64()*sigma*0.5)
		}
	}
	return jpegAt(m, 55+r.IntN(36))
}

// blur is a Gaussian blur of m, opaque.
func blur(m *image.RGBA, sigma float64) *image.RGBA {
	out := image.NewRGBA(m.Rect)
	draw.Draw(out, out.Rect, imaging.Blur(m, sigma), image.Point{}, draw.Src)
	return out
}

// motion blurs along angle a over length px.
func motion(m *image.RGBA, length, a float64) *image.RGBA {
	out := image.NewRGBA(m.Rect)
	n := int(math.Ceil(length))
	dx, dy := math.Cos(a), math.Sin(a)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for y := range h {
		for x := range w {
			var s [3]float64
			for i := range n + 1 {
				t := float64(i)/float64(n)*length - length/2
				px := min(max(int(float64(x)+t*dx+0.5), 0), w-1)
				py := min(max(int(float64(y)+t*dy+0.5), 0), h-1)
				o := m.PixOffset(px, py)
				for k := range 3 {
					s[k] += float64(m.Pix[o+k])
				}
			}
			o := out.PixOffset(x, y)
			for k := range 3 {
				out.Pix[o+k] = paint.Clamp8(s[k] / float64(n+1))
			}
			out.Pix[o+3] = 255
		}
	}
	return out
}

func jpegAt(m *image.RGBA, quality int) *image.RGBA {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality}); err != nil {
		return m
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		return m
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Rect, img, image.Point{}, draw.Src)
	return out
}
