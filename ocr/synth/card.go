package synth

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"

	"github.com/liveid/liveid/ocr"
	"github.com/liveid/liveid/ocr/synth/internal/paint"
)

// FontDir is where Debian's fonts-noto-cjk puts its OpenType collections.
const FontDir = "/usr/share/fonts/opentype/noto"

// Faces in the collections of fonts-noto-cjk.
const (
	notoSC     = 2 // Noto Sans CJK SC
	notoMonoSC = 7 // Noto Sans Mono CJK SC
)

type fontSet struct {
	sans, bold, mono *opentype.Font
	faces            paint.Faces
}

func loadFonts(dir string) (*fontSet, error) {
	load := func(file string, index int) (*opentype.Font, error) {
		path := filepath.Join(dir, file)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("synth: CJK font (install Debian's fonts-noto-cjk): %w", err)
		}
		c, err := opentype.ParseCollection(data)
		if err != nil {
			return nil, fmt.Errorf("synth: %s: %w", path, err)
		}
		return c.Font(index)
	}
	var fs fontSet
	var err error
	if fs.sans, err = load("NotoSansCJK-Regular.ttc", notoSC); err != nil {
		return nil, err
	}
	if fs.bold, err = load("NotoSansCJK-Bold.ttc", notoSC); err != nil {
		return nil, err
	}
	if fs.mono, err = load("NotoSansCJK-Regular.ttc", notoMonoSC); err != nil {
		return nil, err
	}
	return &fs, nil
}

func (fs *fontSet) face(f *opentype.Font, size float64) font.Face { return fs.faces.Face(f, size) }

// text draws s with its baseline starting at (x, y), adding spacing px
// after each character; it returns the x after the last one.
func (fs *fontSet) text(dst draw.Image, f *opentype.Font, size float64, c color.Color, x, y, spacing float64, s string) float64 {
	return paint.Text(dst, fs.face(f, size), c, x, y, spacing, s)
}

func (fs *fontSet) width(f *opentype.Font, size float64, s string) float64 {
	return float64(font.MeasureString(fs.face(f, size), s)) / 64
}

// Card colours: pale background, blue labels, near-black values.
var (
	labelInk = color.RGBA{40, 110, 180, 255}
	valueInk = color.RGBA{25, 25, 30, 255}
	titleInk = color.RGBA{30, 30, 35, 255}
)

// Layout, in the 856×540 card. Label column, value column and the rows'
// baselines; the photo and emblem rectangles match ocr's layout.
const (
	labelX, valueX = 62.0, 158.0
	labelSize      = 24.0
	valueSize      = 28.0
	addrWidth      = 370.0
)

var (
	portraitRect = image.Rect(555, 55, 815, 375)
	emblemRect   = image.Rect(40, 30, 200, 190)
)

// renderFront draws the portrait side.
func (g *Generator) renderFront(id Identity, face *image.RGBA) *image.RGBA {
	m := cardBackground()
	fs := g.fonts
	label := func(y float64, s string) { fs.text(m, fs.sans, labelSize, labelInk, labelX, y, 6, s) }
	value := func(x, y float64, s string) float64 { return fs.text(m, fs.sans, valueSize, valueInk, x, y, 1, s) }
	label(98, "姓名")
	value(valueX, 98, id.Name)
	label(154, "性别")
	value(valueX, 154, id.Sex)
	fs.text(m, fs.sans, labelSize, labelInk, 262, 154, 6, "民族")
	value(358, 154, id.Ethnicity)
	label(210, "出生")
	x := value(valueX, 210, strconv.Itoa(id.Birth.Year()))
	x = fs.text(m, fs.sans, labelSize, labelInk, x+14, 210, 0, "年")
	x = value(x+14, 210, strconv.Itoa(int(id.Birth.Month())))
	x = fs.text(m, fs.sans, labelSize, labelInk, x+14, 210, 0, "月")
	x = value(x+14, 210, strconv.Itoa(id.Birth.Day()))
	fs.text(m, fs.sans, labelSize, labelInk, x+14, 210, 0, "日")
	label(266, "住址")
	for i, l := range wrap(fs, id.Address) {
		value(valueX, 266+float64(i)*42, l)
	}
	fs.text(m, fs.sans, labelSize, labelInk, labelX, 470, 4, "公民身份号码")
	fs.text(m, fs.mono, 34, valueInk, 300, 472, 3, id.Number)
	draw.CatmullRom.Scale(m, portraitRect, face, face.Bounds(), draw.Over, nil)
	roundCorners(m)
	return m
}

// renderBack draws the emblem side.
func (g *Generator) renderBack(id Identity) *image.RGBA {
	m := cardBackground()
	fs := g.fonts
	drawEmblem(m, emblemRect)
	fs.text(m, fs.bold, 40, titleInk, 262, 98, 10, "中华人民共和国")
	fs.text(m, fs.bold, 62, titleInk, 250, 190, 18, "居民身份证")
	fs.text(m, fs.sans, labelSize, labelInk, 150, 420, 4, "签发机关")
	fs.text(m, fs.sans, valueSize, valueInk, 290, 420, 1, id.Issuer)
	to := "长期"
	if !id.ValidTo.IsZero() {
		to = id.ValidTo.Format("2006.01.02")
	}
	fs.text(m, fs.sans, labelSize, labelInk, 150, 478, 4, "有效期限")
	fs.text(m, fs.sans, valueSize, valueInk, 290, 478, 1, id.ValidFrom.Format("2006.01.02")+"-"+to)
	roundCorners(m)
	return m
}

// wrap breaks the address into lines that fit the value column.
func wrap(fs *fontSet, s string) []string {
	var lines []string
	cur := ""
	for _, r := range s {
		if fs.width(fs.sans, valueSize, cur+string(r))+float64(len([]rune(cur))) > addrWidth {
			lines = append(lines, cur)
			cur = ""
		}
		cur += string(r)
	}
	return append(lines, cur)
}

// cardBackground is a pale blue-to-rose wash with faint guilloche lines,
// like the card's security print.
func cardBackground() *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, ocr.CardW, ocr.CardH))
	for y := range ocr.CardH {
		for x := range ocr.CardW {
			t := float64(x) / ocr.CardW
			r := 214 + 14*t
			gr := 226 - 4*t
			b := 232 - 10*t
			// Two families of wavy lines, a few percent darker.
			w1 := math.Abs(math.Sin(float64(x)*0.045 + 6*math.Sin(float64(y)*0.018)))
			w2 := math.Abs(math.Sin(float64(y)*0.05 + 5*math.Sin(float64(x)*0.011)))
			if w1 < 0.06 {
				r, gr, b = r-10, gr-6, b-2
			}
			if w2 < 0.05 {
				r, gr, b = r-2, gr-8, b-10
			}
			o := m.PixOffset(x, y)
			m.Pix[o], m.Pix[o+1], m.Pix[o+2], m.Pix[o+3] = uint8(r), uint8(gr), uint8(b), 255
		}
	}
	return m
}

// roundCorners clears the pixels outside the card's 3 mm corner radius.
func roundCorners(m *image.RGBA) { paint.RoundCorners(m, 30) }

// drawEmblem paints a stand-in for the national emblem: a red disc with a
// gold ring and five gold stars.
func drawEmblem(m *image.RGBA, r image.Rectangle) {
	cx, cy := float64(r.Min.X+r.Max.X)/2, float64(r.Min.Y+r.Max.Y)/2
	rad := float64(r.Dx()) / 2 * 0.9
	red, gold := color.RGBA{200, 30, 35, 255}, color.RGBA{235, 190, 40, 255}
	stars := [][3]float64{{cx, cy - rad*0.2, rad * 0.32}, {cx - rad*0.45, cy - rad*0.55, rad * 0.1},
		{cx - rad*0.15, cy - rad*0.68, rad * 0.1}, {cx + rad*0.15, cy - rad*0.68, rad * 0.1}, {cx + rad*0.45, cy - rad*0.55, rad * 0.1}}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			d := math.Hypot(px-cx, py-cy)
			switch {
			case d > rad:
				continue
			case d > rad*0.86:
				m.Set(x, y, gold)
			default:
				m.Set(x, y, red)
			}
			for _, s := range stars {
				if inStar(px-s[0], py-s[1], s[2]) {
					m.Set(x, y, gold)
				}
			}
		}
	}
}

// inStar reports whether (x, y) lies in a five-pointed star of outer
// radius r centred at the origin, point up (even-odd test on its ten
// vertices).
func inStar(x, y, r float64) bool {
	var v [10][2]float64
	for i := range v {
		rad := r
		if i%2 == 1 {
			rad = 0.382 * r
		}
		a := float64(i) * math.Pi / 5
		v[i] = [2]float64{rad * math.Sin(a), -rad * math.Cos(a)}
	}
	in := false
	for i, j := 0, len(v)-1; i < len(v); j, i = i, i+1 {
		if (v[i][1] > y) != (v[j][1] > y) && x < (v[j][0]-v[i][0])*(y-v[i][1])/(v[j][1]-v[i][1])+v[i][0] {
			in = !in
		}
	}
	return in
}
