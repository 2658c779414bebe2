package ocr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// tilted is a pinhole view of the card: turned 25° about its vertical
// axis and 15° about its horizontal one, rolled 8°, in a 960×720 photo
// taken at focal f. It returns where a card point lands.
func tilted(f float64) func(geom.Point) geom.Point {
	yaw, pitch, roll := 25*math.Pi/180, -15*math.Pi/180, 8*math.Pi/180
	return func(p geom.Point) geom.Point {
		x, y, z := (p.X-CardW/2)*0.8, (p.Y-CardH/2)*0.8, 0.0
		x, z = x*math.Cos(yaw), x*math.Sin(yaw)
		y, z = y*math.Cos(pitch)-z*math.Sin(pitch), y*math.Sin(pitch)+z*math.Cos(pitch)
		x, y = x*math.Cos(roll)-y*math.Sin(roll), x*math.Sin(roll)+y*math.Cos(roll)
		s := f / (f + z)
		return geom.Pt(480+x*s, 360+y*s)
	}
}

// frontText is what the text detector and the labels show of a tilted
// front: each anchor where the view puts it, and each label's line (from
// the label to 300 px on) and the number's as boxes, every point moved by
// up to a pixel and a half as the detector's boxes are.
func frontText(view func(geom.Point) geom.Point) ([]match, []line) {
	r := rand.New(rand.NewPCG(3, 4))
	noisy := func(p geom.Point) geom.Point {
		return view(p).Add(geom.Pt(3*r.Float64()-1.5, 3*r.Float64()-1.5))
	}
	var used []match
	var lines []line
	for _, a := range anchors[:5] {
		at := noisy(a.at)
		end := a.at.X + 300
		if a.label == "公民身份号码" {
			end = 760
		}
		var q [4]geom.Point
		for i, c := range [4]geom.Point{{X: a.at.X, Y: a.at.Y - 15}, {X: end, Y: a.at.Y - 15}, {X: end, Y: a.at.Y + 15}, {X: a.at.X, Y: a.at.Y + 15}} {
			q[i] = noisy(c)
		}
		d := q[1].Sub(q[0])
		used = append(used, match{a, at, math.Atan2(d.Y, d.X)})
		lines = append(lines, line{box: textBox{quad: q}})
	}
	return used, lines
}

// TestFitPerspective: from the similarity the front's labels give (off by
// more than a tenth of the card's width at a corner), the perspective fit
// of the noisy labels and lines brings every corner within 3% of the
// card's width of the truth when the camera's focal length is the one
// assumed, and within 8% when it is a third longer (a zoomed capture:
// the card's width then comes only from the rigidity the wrong focal
// length implies; the evaluation counts a card found within 10%).
func TestFitPerspective(t *testing.T) {
	for _, c := range []struct{ f, tol float64 }{{960, 0.03}, {1280, 0.08}} {
		f := c.f
		view := tilted(f)
		var truth [4]geom.Point
		for i, c := range geom.RectCorners(CardW, CardH) {
			truth[i] = view(c)
		}
		used, lines := frontText(view)
		sim, _, _, ok := cardFromAnchors(used)
		if !ok {
			t.Fatalf("f %.0f: no similarity fit", f)
		}
		var q0 [4]geom.Point
		for i, c := range geom.RectCorners(CardW, CardH) {
			q0[i] = sim.apply(c)
		}
		width := cardWidth(truth)
		if e := worstCorner(q0, truth); e < 0.1*width {
			t.Fatalf("f %.0f: the similarity is only %.0f px off: not a test", f, e)
		}
		got := fitPerspective(q0, used, lines, photoCamera(960, 720))
		if e := worstCorner(got, truth); e > c.tol*width {
			t.Errorf("f %.0f: a corner is %.0f px (%.1f%% of the width) off, the similarity's %.0f", f, e, 100*e/width, worstCorner(q0, truth))
		}
	}
}

func worstCorner(q, truth [4]geom.Point) float64 {
	worst := 0.0
	for i := range q {
		worst = max(worst, q[i].Dist(truth[i]))
	}
	return worst
}

// TestFitPerspectiveWidth: with 民族 and the number's digits found too,
// each displaced along its row by most of its slack (the print before it
// set wider or narrower), the card's width no longer rests on the assumed
// focal length: at a third longer than assumed every corner lands within
// 3% of the width (measured 1.3%; the column alone gives 8%,
// TestFitPerspective).
func TestFitPerspectiveWidth(t *testing.T) {
	view := tilted(1280)
	var truth [4]geom.Point
	for i, c := range geom.RectCorners(CardW, CardH) {
		truth[i] = view(c)
	}
	used, lines := frontText(view)
	for _, a := range anchors[5:7] {
		shift := 0.8 * a.slack
		if a.label == numberAnchor {
			shift = -shift
		}
		at := view(a.at.Add(geom.Pt(shift, 0)))
		d := view(a.at.Add(geom.Pt(shift+1, 0))).Sub(at)
		used = append(used, match{a, at, math.Atan2(d.Y, d.X)})
	}
	sim, _, _, ok := cardFromAnchors(used)
	if !ok {
		t.Fatal("no similarity fit")
	}
	var q0 [4]geom.Point
	for i, c := range geom.RectCorners(CardW, CardH) {
		q0[i] = sim.apply(c)
	}
	got := fitPerspective(q0, used, lines, photoCamera(960, 720))
	if e, width := worstCorner(got, truth), cardWidth(truth); e > 0.03*width {
		t.Errorf("a corner is %.0f px (%.1f%% of the width) off", e, 100*e/width)
	}
}
