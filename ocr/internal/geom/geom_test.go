package geom

import (
	"math"
	"testing"
)

func near(a, b Point) bool { return a.Dist(b) < 1e-6 }

func TestHomographyMapsCorners(t *testing.T) {
	src := RectCorners(856, 540)
	dst := [4]Point{{10, 20}, {800, 5}, {830, 600}, {30, 560}}
	h, ok := Homography(src, dst)
	if !ok {
		t.Fatal("no homography")
	}
	for i := range src {
		if got := Apply(h, src[i]); !near(got, dst[i]) {
			t.Errorf("corner %d: got %v, want %v", i, got, dst[i])
		}
	}
}

func TestHullToQuadRecoversCutCorner(t *testing.T) {
	// A 100×60 rectangle with its top-right corner cut by a diagonal.
	poly := []Point{{0, 0}, {90, 0}, {100, 10}, {100, 60}, {0, 60}}
	q, ok := HullToQuad(poly)
	if !ok {
		t.Fatal("no quad")
	}
	want := []Point{{0, 0}, {100, 0}, {100, 60}, {0, 60}}
	for _, w := range want {
		found := false
		for _, p := range q {
			found = found || near(p, w)
		}
		if !found {
			t.Errorf("quad %v lacks corner %v", q, w)
		}
	}
}

func TestMinAreaRectOfRotatedBox(t *testing.T) {
	a := 0.3
	var pts []Point
	for _, c := range RectCorners(50, 10) {
		pts = append(pts, Point{c.X*math.Cos(a) - c.Y*math.Sin(a), c.X*math.Sin(a) + c.Y*math.Cos(a)})
	}
	r := MinAreaRect(ConvexHull(pts))
	if area := PolyArea(r[:]); math.Abs(area-500) > 1e-6 {
		t.Errorf("area %v, want 500", area)
	}
	if s := QuadSides(r); math.Abs(s[0]-50) > 1e-6 {
		t.Errorf("first edge %v long, want the 50 px text direction", s[0])
	}
}

func TestClipToRect(t *testing.T) {
	p := ClipToRect([]Point{{-10, -10}, {10, -10}, {10, 10}, {-10, 10}}, 100, 100)
	if a := PolyArea(p); math.Abs(a-100) > 1e-9 {
		t.Errorf("clipped area %v, want 100", a)
	}
}
