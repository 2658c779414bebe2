package ocr

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// keystoned is a card seen with perspective in a 960×720 photo: its far
// (right) side is shorter.
var keystoned = quad(180, 190, 760, 230, 770, 520, 170, 570)

// quad is four points from their coordinates.
func quad(v ...float64) [4]geom.Point {
	return [4]geom.Point{geom.Pt(v[0], v[1]), geom.Pt(v[2], v[3]), geom.Pt(v[4], v[5]), geom.Pt(v[6], v[7])}
}

// drawCard paints a pale card on ground, with a dark column of text
// stroke blocks near its left edge and a portrait-sized dark block near
// its right one (what an edge search must not stop at), and sensor noise.
func drawCard(ground [3]uint8, q [4]geom.Point) *image.RGBA {
	return drawCardOn(func(int, int) [3]uint8 { return ground }, q)
}

// drawCardOn is drawCard on a ground that varies.
func drawCardOn(ground func(x, y int) [3]uint8, q [4]geom.Point) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, 960, 720))
	h, _ := geom.Homography(q, geom.RectCorners(CardW, CardH))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range 720 {
		for x := range 960 {
			c := ground(x, y)
			if p := geom.Pt(float64(x)+0.5, float64(y)+0.5); inConvexQuad(q, p) {
				c = [3]uint8{232, 236, 238}
				u := geom.Apply(h, p)
				text := u.X > 64 && u.X < 130 && int(u.Y)%56 < 26 && u.Y > 70 && u.Y < 300
				photo := u.X > 560 && u.X < 815 && u.Y > 50 && u.Y < 380
				if text || photo {
					c = [3]uint8{40, 50, 70}
				}
			}
			o := m.PixOffset(x, y)
			for k := range 3 {
				m.Pix[o+k] = uint8(min(max(int(c[k])+r.IntN(9)-4, 0), 255))
			}
			m.Pix[o+3] = 255
		}
	}
	return m
}

// TestRefineEdges starts from the similarity a layout fit gives (the
// quad's best-fitting rectangle, off at the corners by up to a seventh of
// the card's width) and checks the edge search brings every corner within
// 1% of the width of the truth; on a ground of the card's own colour,
// where no edge shows, the fit is kept as it was.
func TestRefineEdges(t *testing.T) {
	fit := quad(175, 170, 765, 190, 760, 560, 170, 540)
	width := keystoned[0].Dist(keystoned[1])
	worst := worstCorner(fit, keystoned)
	if worst < 0.05*width {
		t.Fatalf("the starting fit is only %.0f px off: not a test", worst)
	}
	checkRefined(t, refineEdges(drawCard([3]uint8{90, 70, 60}, keystoned), fit), keystoned, fit)
	if got := refineEdges(drawCard([3]uint8{232, 236, 238}, keystoned), fit); got != fit {
		t.Errorf("with no edge to see, refineEdges moved the fit to %v", got)
	}
}

// TestRefineEdgesOnStripes: on a backdrop of broad stripes, one light
// and one dark, the stripes step between each other more sharply than
// the card steps to the light one, and they lie outside the edge; the
// edge search must still stop at the card.
func TestRefineEdgesOnStripes(t *testing.T) {
	stripes := func(x, y int) [3]uint8 {
		if (x+2*y)/60%2 == 0 {
			return [3]uint8{120, 215, 200}
		}
		return [3]uint8{90, 45, 55}
	}
	fit := quad(175, 170, 765, 190, 760, 560, 170, 540)
	checkRefined(t, refineEdges(drawCardOn(stripes, keystoned), fit), keystoned, fit)
}

// TestRefineEdgesAtTheBorder: a card whose right edge lies a few pixels
// inside the photo's has its edge found there, though the search's
// profiles run off the photo.
func TestRefineEdgesAtTheBorder(t *testing.T) {
	near := keystoned
	for i := range near {
		near[i] = near[i].Add(geom.Pt(180, 0)) // the right edge at x = 940 to 950 of 960
	}
	fit := quad(355, 170, 945, 190, 940, 560, 350, 540)
	checkRefined(t, refineEdges(drawCard([3]uint8{90, 70, 60}, near), fit), near, fit)
}

// checkRefined fails t unless every corner of got lies within 1 % of the
// card's width of truth.
func checkRefined(t *testing.T, got, truth, fit [4]geom.Point) {
	t.Helper()
	width := truth[0].Dist(truth[1])
	for i := range got {
		if d := got[i].Dist(truth[i]); d > 0.01*width {
			t.Errorf("corner %d at %v, %.1f px from %v (started %.0f px off)", i, got[i], d, truth[i], fit[i].Dist(truth[i]))
		}
	}
}

// TestKeepsLayout: an outline that cuts a text line the fit put on the
// card, or moves the anchors off their places, is refused.
func TestKeepsLayout(t *testing.T) {
	q := quad(100, 100, 956, 100, 956, 640, 100, 640) // the card at scale 1
	shift := func(a anchor) match { return match{a, a.at.Add(geom.Pt(100, 100)), 0} }
	used := []match{shift(anchors[0]), shift(anchors[3]), shift(anchors[4])}
	number := line{box: textBox{quad: quad(160, 540, 760, 540, 760, 580, 160, 580)}}
	if !keepsLayout(q, q, used, []line{number}) {
		t.Error("the fit itself was refused")
	}
	cut := q
	cut[1], cut[2] = geom.Pt(700, 100), geom.Pt(700, 640)
	if keepsLayout(cut, q, used, []line{number}) {
		t.Error("an outline cutting the number line was kept")
	}
	low := q
	for i := range low {
		low[i] = low[i].Add(geom.Pt(0, 30))
	}
	if keepsLayout(low, q, used, nil) {
		t.Error("an outline moving every anchor 30 px was kept")
	}
}
