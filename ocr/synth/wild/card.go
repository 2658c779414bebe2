package wild

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strconv"

	"golang.org/x/image/draw"
	"golang.org/x/image/font/opentype"

	"github.com/liveid/liveid/ocr"
	"github.com/liveid/liveid/ocr/synth"
	"github.com/liveid/liveid/ocr/synth/internal/paint"
)

// style is one card's print: its faces, sizes, inks and where its blocks
// sit, each drawn within what a real card's print varies by (a few
// millimetres of offset, ± one point of size), never from the tuning
// generator's constants.
type style struct {
	label, value, number, title *opentype.Font
	labelSize, valueSize        float64
	numberSize                  float64
	labelSpacing                float64 // px between a label's characters
	labelInk, valueInk          color.RGBA
	dx, dy                      float64 // the text block's offset on the card
	pitch                       float64 // between the front's rows
	valueX                      float64 // where values start
	addrPitch                   float64
	tint                        [3]float64
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

func (fs *fonts) pick(r *rand.Rand, ok func(role) bool) *opentype.Font {
	var c []*opentype.Font
	for _, f := range fs.all {
		if ok(f.role) {
			c = append(c, f.f)
		}
	}
	return c[r.IntN(len(c))]
}

func newStyle(r *rand.Rand, fs *fonts) style {
	hei := func(x role) bool { return x == heiText }
	text := func(x role) bool { return x != digits }
	num := func(x role) bool { return x == digits || r.IntN(3) == 0 }
	s := style{
		label: fs.pick(r, hei), value: fs.pick(r, text), number: fs.pick(r, num), title: fs.pick(r, text),
		labelSize: uniform(r, 21, 26), valueSize: uniform(r, 25, 31), numberSize: uniform(r, 30, 37),
		labelSpacing: uniform(r, 2, 18),
		labelInk:     color.RGBA{uint8(20 + r.IntN(40)), uint8(80 + r.IntN(60)), uint8(140 + r.IntN(70)), 255},
		valueInk:     color.RGBA{uint8(10 + r.IntN(40)), uint8(10 + r.IntN(35)), uint8(10 + r.IntN(40)), 255},
		dx:           uniform(r, -12, 12), dy: uniform(r, -10, 10),
		pitch: uniform(r, 52, 60), valueX: uniform(r, 150, 172), addrPitch: uniform(r, 36, 44),
	}
	tints := [][3]float64{{236, 238, 240}, {226, 234, 240}, {240, 234, 226}, {230, 238, 232}, {238, 230, 234}}
	s.tint = tints[r.IntN(len(tints))]
	return s
}

// front draws the portrait side in the real card's arrangement: labels in
// a column, values beside them, the photo at the right, the number along
// the bottom.
func (g *Generator) front(r *rand.Rand, s style, id synth.Identity, face *image.RGBA) *image.RGBA {
	m := texture(r, s.tint, ocr.Front)
	fs := g.fonts
	x0, y := 64+s.dx, 100+s.dy
	label := func(x, y float64, t string) float64 {
		return fs.draw(m, s.label, s.labelSize, s.labelInk, x, y, s.labelSpacing, t)
	}
	value := func(x, y float64, t string) float64 {
		return fs.draw(m, s.value, s.valueSize, s.valueInk, x, y, 1, t)
	}
	vx := s.valueX + s.dx
	label(x0, y, "姓名")
	value(vx, y, id.Name)
	y += s.pitch
	label(x0, y, "性别")
	value(vx, y, id.Sex)
	ex := vx + uniform(r, 90, 125)
	label(ex, y, "民族")
	value(ex+fs.width(s.label, s.labelSize, s.labelSpacing, "民族")+uniform(r, 8, 24), y, id.Ethnicity)
	y += s.pitch
	label(x0, y, "出生")
	gap := uniform(r, 6, 16)
	x := value(vx, y, strconv.Itoa(id.Birth.Year()))
	x = label(x+gap, y, "年")
	x = value(x+gap-s.labelSpacing, y, strconv.Itoa(int(id.Birth.Month())))
	x = label(x+gap, y, "月")
	x = value(x+gap-s.labelSpacing, y, strconv.Itoa(id.Birth.Day()))
	label(x+gap, y, "日")
	y += s.pitch
	label(x0, y, "住址")
	maxW := 540 - vx + s.dx*0.5
	for i, l := range breakLines(fs, s, id.Address, maxW) {
		value(vx, y+float64(i)*s.addrPitch, l)
	}
	ny := 468 + s.dy*0.6
	x = fs.draw(m, s.label, s.labelSize, s.labelInk, x0, ny, uniform(r, 1, 6), "公民身份号码")
	fs.draw(m, s.number, s.numberSize, s.valueInk, max(x+uniform(r, 30, 60), 285+s.dx), ny+2, uniform(r, 1, 4), id.Number)
	photo := image.Rect(550, 50, 815, 380).Add(image.Pt(int(s.dx*0.5), int(s.dy*0.5)))
	draw.CatmullRom.Scale(m, photo, face, face.Bounds(), draw.Over, nil)
	round(m)
	return m
}

// back draws the emblem side: the emblem at the top left, the two title
// lines beside it, issuer and validity at the bottom.
func (g *Generator) back(r *rand.Rand, s style, id synth.Identity) *image.RGBA {
	m := texture(r, s.tint, ocr.Back)
	fs := g.fonts
	emblem(m, 120+s.dx*0.5, 112+s.dy*0.5, uniform(r, 66, 78))
	ink := color.RGBA{20, 20, 24, 255}
	t1 := uniform(r, 34, 42)
	fs.draw(m, s.title, t1, ink, 262+s.dx, 96+s.dy, uniform(r, 6, 14), "中华人民共和国")
	fs.draw(m, s.title, uniform(r, 54, 64), ink, 248+s.dx, 188+s.dy, uniform(r, 12, 22), "居民身份证")
	to := "长期"
	if !id.ValidTo.IsZero() {
		to = id.ValidTo.Format("2006.01.02")
	}
	lx, vx := 140+s.dx, 285+s.dx+uniform(r, -8, 8)
	y := 420 + s.dy
	fs.draw(m, s.label, s.labelSize, s.labelInk, lx, y, uniform(r, 2, 8), "签发机关")
	fs.draw(m, s.value, s.valueSize, s.valueInk, vx, y, 1, id.Issuer)
	y += uniform(r, 52, 60)
	fs.draw(m, s.label, s.labelSize, s.labelInk, lx, y, uniform(r, 2, 8), "有效期限")
	fs.draw(m, s.value, s.valueSize, s.valueInk, vx, y, uniform(r, 0, 2), id.ValidFrom.Format("2006.01.02")+"-"+to)
	round(m)
	return m
}

// breakLines wraps the address at maxW px.
func breakLines(fs *fonts, s style, text string, maxW float64) []string {
	var out []string
	cur := ""
	for _, c := range text {
		if cur != "" && fs.width(s.value, s.valueSize, 1, cur+string(c)) > maxW {
			out = append(out, cur)
			cur = ""
		}
		cur += string(c)
	}
	return append(out, cur)
}

// texture is the card's security print: a pale tint, a rosette of wavy
// rings, fine diagonal microlines and, on the back, a darker wave band
// along the bottom, with some paper grain.
func texture(r *rand.Rand, tint [3]float64, side ocr.Side) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, ocr.CardW, ocr.CardH))
	cx, cy := uniform(r, 250, 600), uniform(r, 150, 400)
	ringF, wob, lobes := uniform(r, 0.08, 0.16), uniform(r, 1.5, 4), float64(6+r.IntN(10))
	lineF := uniform(r, 0.3, 0.6)
	depth := uniform(r, 4, 12)
	for y := range ocr.CardH {
		for x := range ocr.CardW {
			dx, dy := float64(x)-cx, float64(y)-cy
			rad, th := math.Hypot(dx, dy), math.Atan2(dy, dx)
			v := 0.0
			if math.Abs(math.Sin(rad*ringF+wob*math.Sin(th*lobes))) < 0.12 {
				v -= depth
			}
			if math.Abs(math.Sin((float64(x)+float64(y))*lineF)) < 0.08 {
				v -= depth / 3
			}
			if side == ocr.Back && float64(y) > 330+25*math.Sin(float64(x)*0.012) && float64(y) < 400+20*math.Sin(float64(x)*0.02) {
				v -= depth / 2
			}
			v += 2 * (r.Float64() - 0.5)
			o := m.PixOffset(x, y)
			m.Pix[o] = paint.Clamp8(tint[0] + v)
			m.Pix[o+1] = paint.Clamp8(tint[1] + v*0.8)
			m.Pix[o+2] = paint.Clamp8(tint[2] + v*0.6)
			m.Pix[o+3] = 255
		}
	}
	return m
}

// round clears the card's corners outside a 3.2 mm radius.
func round(m *image.RGBA) { paint.RoundCorners(m, 32) }

// emblem is a stand-in for the national emblem: a red disc ringed in gold
// with a gold star and a gold base band.
func emblem(m *image.RGBA, cx, cy, rad float64) {
	red, gold := color.RGBA{205, 35, 40, 255}, color.RGBA{230, 180, 50, 255}
	for y := int(cy - rad); y <= int(cy+rad); y++ {
		for x := int(cx - rad); x <= int(cx+rad); x++ {
			px, py := float64(x)+0.5-cx, float64(y)+0.5-cy
			d := math.Hypot(px, py)
			switch {
			case d > rad:
				continue
			case d > rad*0.88 || (py > rad*0.45 && py < rad*0.6):
				m.SetRGBA(x, y, gold)
			case star(px, py+rad*0.2, rad*0.35):
				m.SetRGBA(x, y, gold)
			default:
				m.SetRGBA(x, y, red)
			}
		}
	}
}

// star reports whether (x, y) is inside a five-pointed star of radius r
// about the origin: a point is inside when its radius is below the star's
// outline at its angle.
func star(x, y, r float64) bool {
	a := math.Mod(math.Atan2(x, -y)+2*math.Pi, 2*math.Pi/5) - math.Pi/5
	edge := r * 0.382 / (0.382*math.Abs(math.Cos(a)) + 0.6*math.Abs(math.Sin(a)))
	return math.Hypot(x, y) < min(r, edge)
}
