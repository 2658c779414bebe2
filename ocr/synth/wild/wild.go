// Package wild renders ID-card photos independently of ocr/synth, the
// generator package ocr was tuned on, so that what it scores measures how
// the reader generalises: other typefaces (Noto Serif CJK, WenQuanYi Zen
// Hei and Micro Hei, AR PL UMing and UKai, DejaVu Sans Mono, from
// Debian's font packages), the real card's layout drawn with its own
// jitter of offsets, sizes, spacing and inks, other security-print
// textures, real photographs (face-api's and Human's demo pictures) and
// light, dark, patterned and receipt-strewn tables as scenes, hands
// holding the card by its edges, perspective from a tilted phone, turns up
// to 180°, uneven and low light, defocus and motion blur, sensor noise and
// phone JPEG. Flawed captures (Border, Photocopy, Screen, Glare, Blur,
// Occlusion, WrongSide) are drawn by their own means here too, and a set
// holds as many clean captures as flawed ones, so each warning's false
// alarms and recall can be told apart.
//
// Its figures are for evaluation only: nothing in package ocr is set on
// them. Sets are fixed by their seeds; TuneSeed starts the split one may
// look at while developing, HeldOutSeed the split the reported figures
// come from.
package wild

import (
	"fmt"
	"image"
	_ "image/jpeg" // the photos
	_ "image/png"
	"math"
	"math/rand/v2"
	"os"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/ocr"
	"github.com/liveid/liveid/ocr/internal/geom"
	"github.com/liveid/liveid/ocr/synth"
	"github.com/liveid/liveid/ocr/synth/internal/paint"
)

// The two splits' first seeds. Sets drawn from them never overlap for
// fewer than a million cards.
const (
	TuneSeed    = 1
	HeldOutSeed = 1 << 20
)

// cycle is the mix of kinds: seven clean captures, then one of each flaw.
var cycle = []synth.Kind{
	synth.Clean, synth.Clean, synth.Clean, synth.Clean, synth.Clean, synth.Clean, synth.Clean,
	synth.Border, synth.Photocopy, synth.Screen, synth.Glare, synth.Blur, synth.Occlusion, synth.WrongSide,
}

// Set is n specs from seed in the mix of kinds; five sides in eight are
// fronts, by a hash of the seed.
func Set(n int, seed uint64) []synth.Spec {
	specs := make([]synth.Spec, n)
	for i := range specs {
		s := synth.Spec{Seed: seed + uint64(i), Kind: cycle[i%len(cycle)], Side: ocr.Front}
		if ((s.Seed+7)*0xbf58476d1ce4e5b9)>>61 >= 5 {
			s.Side = ocr.Back
		}
		specs[i] = s
	}
	return specs
}

// Generator renders samples. It is not safe for concurrent use.
type Generator struct {
	fonts    *fonts
	faces    []*image.RGBA
	photos   []image.Image
	portrait *synth.Generator // only for its portrait crops of real faces
}

// photoFiles are the real photographs scenes are cut from.
var photoFiles = []struct{ pkg, file string }{
	{"@vladmandic/face-api", "demo/sample1.jpg"}, {"@vladmandic/face-api", "demo/sample2.jpg"},
	{"@vladmandic/face-api", "demo/sample3.jpg"}, {"@vladmandic/face-api", "demo/sample4.jpg"},
	{"@vladmandic/face-api", "demo/sample5.jpg"}, {"@vladmandic/face-api", "demo/sample6.jpg"},
	{"@vladmandic/face-api", "demo/screenshot-webcam.png"},
	{"@vladmandic/human", "assets/screenshot-facematch.jpg"}, {"@vladmandic/human", "assets/screenshot-facedetect.jpg"},
	{"@vladmandic/human", "assets/screenshot-faceid.jpg"},
}

// New loads the fonts and the photographs (from the model cache at home).
func New(home string) (*Generator, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	m, err := models.Load()
	if err != nil {
		return nil, err
	}
	g := &Generator{fonts: fs}
	for _, p := range photoFiles {
		path, err := build.PackageFile(home, m, p.pkg, p.file)
		if err != nil {
			return nil, err
		}
		img, err := readImage(path)
		if err != nil {
			return nil, err
		}
		g.photos = append(g.photos, img)
	}
	if g.portrait, err = synth.New(home); err != nil {
		return nil, err
	}
	return g, nil
}

func readImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wild: scene photos (run make setup): %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("wild: %s: %w", path, err)
	}
	return img, nil
}

// Make renders the sample s describes.
func (g *Generator) Make(s synth.Spec) *synth.Sample {
	r := rand.New(rand.NewPCG(s.Seed, 0x3a11d))
	id := synth.NewIdentity(r)
	if r.IntN(2) == 0 { // the 55 other ethnicities as often as 汉, one-character names among them
		id.Ethnicity = ocr.Ethnicities[r.IntN(len(ocr.Ethnicities))]
	}
	st := newStyle(r, g.fonts)
	var card *image.RGBA
	if s.Side == ocr.Back {
		card = g.back(r, st, id)
	} else {
		// The tuning generator's portraits are real faces; only the crop is
		// shared, the card around it is drawn here.
		flat := g.portrait.Card(id, ocr.Front, r.IntN(64))
		card = g.front(r, st, id, portraitOf(flat))
	}
	out := &synth.Sample{Spec: s, Want: s.Side, ID: id, Warnings: s.Kind.Warning(), Truth: map[string]string{}}
	if s.Kind == synth.WrongSide {
		out.Want = map[ocr.Side]ocr.Side{ocr.Front: ocr.Back, ocr.Back: ocr.Front}[s.Side]
	}
	fields := ocr.FrontFields
	if s.Side == ocr.Back {
		fields = ocr.BackFields
	}
	for _, f := range fields {
		out.Truth[f] = id.Fields()[f]
	}
	out.Image, out.Corners, out.Scene = g.photo(r, card, s.Kind)
	return out
}

// portraitOf cuts the photo area out of a tuning-generator card.
func portraitOf(card *image.RGBA) *image.RGBA {
	r := image.Rect(555, 55, 815, 375)
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := range r.Dy() {
		copy(out.Pix[y*out.Stride:(y+1)*out.Stride], card.Pix[card.PixOffset(r.Min.X, r.Min.Y+y):])
	}
	return out
}

// photo lays the card in a scene and takes the picture.
func (g *Generator) photo(r *rand.Rand, card *image.RGBA, k synth.Kind) (*image.RGBA, [4]geom.Point, string) {
	w, h := 960, 720
	if r.IntN(4) == 0 {
		w, h = 720, 960 // the phone held upright
	}
	kind := scenes[r.IntN(len(scenes))]
	if k == synth.Screen {
		kind = "screen"
	}
	turn := uniform(r, -15, 15)
	switch x := r.IntN(10); {
	case x == 0:
		turn += 180
	case x == 1 && w > h:
		turn += 90 * float64(1-2*r.IntN(2))
	}
	wide := uniform(r, 0.5, 0.85)
	if math.Abs(math.Sin(turn*math.Pi/180)) > 0.7 {
		wide = min(wide, 0.85*float64(h)/float64(w))
	}
	q := view(r, w, h, wide, turn)
	if k == synth.Border {
		q = pushOut(r, q, w, h)
	} else {
		q = fitInside(q, w, h)
	}
	var m *image.RGBA
	if k == synth.Screen {
		m = image.NewRGBA(image.Rect(0, 0, w, h))
		v := uniform(r, 5, 40)
		if r.IntN(3) == 0 {
			v = uniform(r, 200, 245) // a light viewer
		}
		fill(m, func(int, int) [3]float64 { return [3]float64{v, v, v} })
	} else {
		m = g.backdrop(r, w, h, kind)
	}
	if kind == SceneReceipt {
		g.receipt(r, m, q)
	}
	if k == synth.Photocopy {
		photocopy(card)
		var sheet [4]geom.Point
		c := geom.Centroid(q)
		f := uniform(r, 1.15, 1.5)
		for i := range q {
			sheet[i] = c.Add(q[i].Sub(c).Scale(f))
		}
		paper := image.NewRGBA(image.Rect(0, 0, ocr.CardW, ocr.CardH))
		fill(paper, func(int, int) [3]float64 { return [3]float64{246, 246, 244} })
		composite(r, m, paper, sheet)
	}
	composite(r, m, card, q)
	switch {
	case k == synth.Occlusion:
		occluder(r, m, q)
	case k != synth.Screen && r.IntN(3) == 0:
		holdingFingers(r, m, q)
	}
	if k == synth.Screen {
		recapture(r, m)
	}
	low := lighting(r, m)
	if k == synth.Glare {
		specular(r, m, q) // after the exposure: a reflection clips the sensor
	}
	return camera(r, m, k == synth.Blur, low), q, kind
}

// fitInside shrinks q about its centre until it is in the frame with a
// margin: a clean capture shows the whole card.
func fitInside(q [4]geom.Point, w, h int) [4]geom.Point {
	c := geom.Centroid(q)
	x0, y0, x1, y1 := paint.Bounds(q)
	const m = 8
	f := min(1, (c.X-m)/(c.X-x0), (float64(w)-m-c.X)/(x1-c.X), (c.Y-m)/(c.Y-y0), (float64(h)-m-c.Y)/(y1-c.Y))
	for i := range q {
		q[i] = c.Add(q[i].Sub(c).Scale(f))
	}
	return q
}

// pushOut moves q so that 6–15 % of its extent leaves the frame on one
// side.
func pushOut(r *rand.Rand, q [4]geom.Point, w, h int) [4]geom.Point {
	q = fitInside(q, w, h)
	x0, y0, x1, y1 := paint.Bounds(q)
	over := uniform(r, 0.06, 0.15)
	var d geom.Point
	switch r.IntN(4) {
	case 0:
		d.X = -x0 - over*(x1-x0)
	case 1:
		d.X = float64(w) - x1 + over*(x1-x0)
	case 2:
		d.Y = -y0 - over*(y1-y0)
	default:
		d.Y = float64(h) - y1 + over*(y1-y0)
	}
	for i := range q {
		q[i] = q[i].Add(d)
	}
	return q
}
