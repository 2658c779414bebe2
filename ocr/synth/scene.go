package synth

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/ocr"
	"github.com/liveid/liveid/ocr/internal/geom"
	"github.com/liveid/liveid/ocr/synth/internal/paint"
)

// Scene size: a 4:3 camera frame.
const sceneW, sceneH = 960, 720

// scene places the card in a cluttered frame and applies the kind's
// defects and the camera's light, blur, noise and JPEG compression. It
// returns the photo, where the card's corners are in it and the kind of
// background.
func scene(r *rand.Rand, card *image.RGBA, k Kind) (*image.RGBA, [4]geom.Point, string) {
	switch k {
	case Photocopy:
		photocopy(card)
	case Screen:
		screen(r, card)
	}
	m, bg := background(r)
	clutter(r, m)
	q := placement(r, k)
	composite(m, card, q)
	if k == Occlusion {
		finger(r, m, q)
	}
	light(r, m, k)
	if k == Glare {
		glare(r, m, q) // after the light: a reflection saturates the sensor
	}
	sigma := uniform(r, 0, 0.7)
	if k == Blur {
		sigma = uniform(r, 2.4, 3.2)
	}
	if k == Clean {
		sigma = 0
	}
	gaussianBlur(m, sigma)
	noise(r, m, map[bool]float64{true: 1.5, false: uniform(r, 2, 5)}[k == Clean])
	return jpegRoundTrip(m), q, bg
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// placement is where the card's corners land: centred, 62–82 % of the
// frame's width, turned and tilted by the kind's amount.
func placement(r *rand.Rand, k Kind) [4]geom.Point {
	w := uniform(r, 0.62, 0.8) * sceneW
	h := w * ocr.CardH / ocr.CardW
	cx, cy := sceneW/2+uniform(r, -0.04, 0.04)*sceneW, sceneH/2+uniform(r, -0.04, 0.04)*sceneH
	angle, jitter := uniform(r, -3, 3), 0.01
	if k != Clean {
		angle, jitter = uniform(r, -10, 10), 0.035
	}
	if k == Upside {
		angle += 180
	}
	if k == Border {
		// Push one side 5–12 % of the card past the frame's edge.
		over := uniform(r, 0.05, 0.12)
		switch r.IntN(4) {
		case 0:
			cx = w/2 - over*w
		case 1:
			cx = sceneW - w/2 + over*w
		case 2:
			cy = h/2 - over*h
		default:
			cy = sceneH - h/2 + over*h
		}
		angle = uniform(r, -3, 3)
	}
	a := angle * math.Pi / 180
	var q [4]geom.Point
	for i, c := range geom.RectCorners(w, h) {
		x := c.X - w/2 + uniform(r, -jitter, jitter)*w
		y := c.Y - h/2 + uniform(r, -jitter, jitter)*w
		q[i] = geom.Pt(cx+x*math.Cos(a)-y*math.Sin(a), cy+x*math.Sin(a)+y*math.Cos(a))
	}
	return q
}

// composite draws card over m so that its corners land on q.
func composite(m, card *image.RGBA, q [4]geom.Point) { paint.Over(m, card, q) }

// background is a table top: wood grain, a dark desk or a textured cloth,
// darker and more saturated than the card so a person could tell them
// apart at a glance.
func background(r *rand.Rand) (*image.RGBA, string) {
	m := image.NewRGBA(image.Rect(0, 0, sceneW, sceneH))
	kind := r.IntN(3)
	base := [3]float64{uniform(r, 60, 150), uniform(r, 40, 120), uniform(r, 20, 110)}
	freq, phase := uniform(r, 0.02, 0.08), uniform(r, 0, 6)
	for y := range sceneH {
		for x := range sceneW {
			var v float64
			switch kind {
			case 0: // wood: wavy grain
				v = 18 * math.Sin(float64(y)*freq+3*math.Sin(float64(x)*0.004+phase))
			case 1: // desk: a slow gradient
				v = 25 * (float64(x)/sceneW - 0.5)
			default: // cloth: a fine weave
				v = 10 * math.Sin(float64(x)*0.9) * math.Sin(float64(y)*0.9)
			}
			o := m.PixOffset(x, y)
			for k := range 3 {
				m.Pix[o+k] = paint.Clamp8(base[k] + v)
			}
			m.Pix[o+3] = 255
		}
	}
	return m, [...]string{"wood", "desk", "cloth"}[kind]
}

// clutter scatters objects and stray text about the frame; the card is
// drawn over whatever lands under it.
func clutter(r *rand.Rand, m *image.RGBA) {
	for range 4 + r.IntN(5) {
		c := color.RGBA{uint8(r.IntN(200)), uint8(r.IntN(200)), uint8(r.IntN(200)), 255}
		cx, cy := r.IntN(sceneW), r.IntN(sceneH)
		w, h := 20+r.IntN(160), 20+r.IntN(160)
		round := r.IntN(2) == 0
		for y := max(cy-h/2, 0); y < min(cy+h/2, sceneH); y++ {
			for x := max(cx-w/2, 0); x < min(cx+w/2, sceneW); x++ {
				dx, dy := float64(x-cx)/float64(w/2), float64(y-cy)/float64(h/2)
				if !round || dx*dx+dy*dy <= 1 {
					m.SetRGBA(x, y, c)
				}
			}
		}
	}
	// A few lines, like cables or pens.
	for range r.IntN(4) {
		c := color.RGBA{uint8(r.IntN(120)), uint8(r.IntN(120)), uint8(r.IntN(120)), 255}
		x0, y0 := uniform(r, 0, sceneW), uniform(r, 0, sceneH)
		a := uniform(r, 0, math.Pi)
		for t := 0.0; t < 400; t += 0.5 {
			for d := -3; d <= 3; d++ {
				x, y := int(x0+t*math.Cos(a)-float64(d)*math.Sin(a)), int(y0+t*math.Sin(a)+float64(d)*math.Cos(a))
				if x >= 0 && y >= 0 && x < sceneW && y < sceneH {
					m.SetRGBA(x, y, c)
				}
			}
		}
	}
}

// light multiplies the frame by a slanted gradient and a colour cast.
func light(r *rand.Rand, m *image.RGBA, k Kind) {
	if k == Clean {
		return
	}
	gx, gy := uniform(r, -0.25, 0.25), uniform(r, -0.25, 0.25)
	base := uniform(r, 0.8, 1.0)
	cast := [3]float64{uniform(r, 0.94, 1.04), uniform(r, 0.96, 1.03), uniform(r, 0.92, 1.04)}
	for y := range sceneH {
		for x := range sceneW {
			f := base + gx*(float64(x)/sceneW-0.5) + gy*(float64(y)/sceneH-0.5)
			o := m.PixOffset(x, y)
			for c := range 3 {
				m.Pix[o+c] = paint.Clamp8(float64(m.Pix[o+c]) * min(f*cast[c], 1.04))
			}
		}
	}
}

// gaussianBlur blurs in place.
func gaussianBlur(m *image.RGBA, sigma float64) {
	if sigma < 0.2 {
		return
	}
	draw.Draw(m, m.Rect, imaging.Blur(m, sigma), image.Point{}, draw.Src)
}

func noise(r *rand.Rand, m *image.RGBA, sigma float64) {
	for i := 0; i < len(m.Pix); i += 4 {
		for c := range 3 {
			m.Pix[i+c] = paint.Clamp8(float64(m.Pix[i+c]) + r.NormFloat64()*sigma)
		}
	}
}

func jpegRoundTrip(m *image.RGBA) *image.RGBA {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		return m
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		return m
	}
	out := image.NewRGBA(img.Bounds())
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

// photocopy turns the card into a grey copy with harder contrast.
func photocopy(card *image.RGBA) {
	for i := 0; i < len(card.Pix); i += 4 {
		a := float64(card.Pix[i+3]) / 255
		if a == 0 {
			continue
		}
		l := (0.299*float64(card.Pix[i]) + 0.587*float64(card.Pix[i+1]) + 0.114*float64(card.Pix[i+2])) / a
		l = min(max((l-40)*1.2, 0), 255) * a
		card.Pix[i], card.Pix[i+1], card.Pix[i+2] = paint.Clamp8(l), paint.Clamp8(l), paint.Clamp8(l)
	}
}

// screen shows the card on a display: a pixel grid darkening every few
// pixels in both directions, a slow moiré band and a cool, bright tint.
func screen(r *rand.Rand, card *image.RGBA) {
	period := uniform(r, 3.2, 4.5)
	depth := uniform(r, 0.18, 0.28)
	beat, beatPhase := uniform(r, 0.01, 0.03), uniform(r, 0, 6)
	for y := range ocr.CardH {
		for x := range ocr.CardW {
			o := card.PixOffset(x, y)
			if card.Pix[o+3] == 0 {
				continue
			}
			gx := 0.5 + 0.5*math.Cos(2*math.Pi*float64(x)/period)
			gy := 0.5 + 0.5*math.Cos(2*math.Pi*float64(y)/period)
			f := 1 - depth*(gx+gy)/2 + 0.05*math.Sin(float64(x+y)*beat+beatPhase)
			tint := [3]float64{0.95, 1.0, 1.06}
			for c := range 3 {
				card.Pix[o+c] = paint.Clamp8(float64(card.Pix[o+c]) * f * tint[c])
			}
		}
	}
}

// finger lays a skin-coloured, shaded capsule from the card's bottom edge
// over its lower left, clear of the portrait.
func finger(r *rand.Rand, m *image.RGBA, q [4]geom.Point) {
	t := uniform(r, 0.15, 0.45)
	base := geom.Pt(q[3].X+(q[2].X-q[3].X)*t, q[3].Y+(q[2].Y-q[3].Y)*t)
	up := q[0].Sub(q[3])
	up = up.Scale(1 / geom.Norm(up))
	cardH := q[0].Dist(q[3])
	tip := base.Add(up.Scale(uniform(r, 0.3, 0.45) * cardH))
	base = base.Sub(up.Scale(0.4 * cardH))
	rad := uniform(r, 0.08, 0.11) * cardH
	skin := [3]float64{uniform(r, 200, 230), uniform(r, 150, 180), uniform(r, 120, 150)}
	paint.Capsule(m, base, tip, rad, skin, 0.75)
}

// glare adds a bright elliptical reflection somewhere on the card, strong
// enough to blow out its middle.
func glare(r *rand.Rand, m *image.RGBA, q [4]geom.Point) {
	u, v := uniform(r, 0.2, 0.8), uniform(r, 0.25, 0.75)
	top := geom.Pt(q[0].X+(q[1].X-q[0].X)*u, q[0].Y+(q[1].Y-q[0].Y)*u)
	bot := geom.Pt(q[3].X+(q[2].X-q[3].X)*u, q[3].Y+(q[2].Y-q[3].Y)*u)
	c := geom.Pt(top.X+(bot.X-top.X)*v, top.Y+(bot.Y-top.Y)*v)
	sx, sy := uniform(r, 50, 90), uniform(r, 30, 60)
	peak := uniform(r, 230, 300)
	for y := range sceneH {
		for x := range sceneW {
			dx, dy := (float64(x)-c.X)/sx, (float64(y)-c.Y)/sy
			g := peak * math.Exp(-(dx*dx+dy*dy)/2)
			if g < 1 {
				continue
			}
			o := m.PixOffset(x, y)
			for k := range 3 {
				m.Pix[o+k] = paint.Clamp8(float64(m.Pix[o+k]) + g)
			}
		}
	}
}
