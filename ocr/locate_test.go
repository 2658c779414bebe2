package ocr

import (
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// TestLocateThroughStripes: a card shown on a display and photographed
// carries the display's subpixel stripes, here at 3.1 px, turned 0.1 rad
// against the camera and a quarter deep. Shrunk for the search without a
// prefilter they alias into bands across the card; with it the card's
// outline is found within 2% of its width at every corner.
func TestLocateThroughStripes(t *testing.T) {
	m := drawCard([3]uint8{20, 20, 24}, keystoned)
	const period, turn, depth = 3.1, 0.1, 0.25
	for y := range m.Rect.Dy() {
		for x := range m.Rect.Dx() {
			u := float64(x)*math.Cos(turn) + float64(y)*math.Sin(turn)
			v := -float64(x)*math.Sin(turn) + float64(y)*math.Cos(turn)
			row := 1 - depth*(0.5+0.5*math.Cos(2*math.Pi*v/period))
			o := m.PixOffset(x, y)
			for k := range 3 {
				sub := 0.75 + 0.25*math.Cos(2*math.Pi*(u/period-float64(k)/3))
				m.Pix[o+k] = uint8(min(float64(m.Pix[o+k])*row*sub*1.25, 255))
			}
		}
	}
	w := cardWidth(keystoned)
	if locs, err := locate(m, false); err == nil && slices.ContainsFunc(locs, func(l location) bool { return worstCorner(l.corners, keystoned) < 0.02*w }) {
		t.Error("found without the prefilter: the stripes are no test")
	}
	locs, err := locate(m, true)
	if err != nil {
		t.Fatal(err)
	}
	if e := worstCorner(locs[0].corners, keystoned); e > 0.02*w {
		t.Errorf("a corner is %.0f px (%.1f%% of the width) off", e, 100*e/w)
	}
}

// TestLocateListsEveryOutline: a seed off the card grows what surrounds
// it, which can pass for a card as well (a pale backdrop around a card
// in poor light). Two card-shaped surfaces, seeds on each: both outlines
// come back, the larger first, each within 1% of its width.
func TestLocateListsEveryOutline(t *testing.T) {
	large := quad(200, 40, 760, 40, 760, 393, 200, 393)   // under four of the five seeds
	small := quad(350, 420, 610, 420, 610, 584, 350, 584) // under the one at 65% down
	m := image.NewRGBA(image.Rect(0, 0, 960, 720))
	for y := range 720 {
		for x := range 960 {
			c := color.RGBA{40, 40, 40, 255}
			if p := geom.Pt(float64(x)+0.5, float64(y)+0.5); inConvexQuad(large, p) {
				c = color.RGBA{230, 230, 225, 255}
			} else if inConvexQuad(small, p) {
				c = color.RGBA{200, 150, 90, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	locs, err := locate(m, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 2 {
		t.Fatalf("%d outlines, want 2", len(locs))
	}
	for i, want := range [][4]geom.Point{large, small} {
		if e := worstCorner(locs[i].corners, want); e > 0.01*cardWidth(want) {
			t.Errorf("outline %d: a corner %.0f px off", i, e)
		}
	}
}
