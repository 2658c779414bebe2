package ocr

import (
	"math"
	"testing"
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
	if loc, err := locate(m, false); err == nil && worstCorner(loc.corners, keystoned) < 0.02*w {
		t.Error("found without the prefilter: the stripes are no test")
	}
	loc, err := locate(m, true)
	if err != nil {
		t.Fatal(err)
	}
	if e := worstCorner(loc.corners, keystoned); e > 0.02*w {
		t.Errorf("a corner is %.0f px (%.1f%% of the width) off", e, 100*e/w)
	}
}
