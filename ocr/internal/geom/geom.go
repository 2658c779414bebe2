// Package geom is the plane geometry of card and text-box finding: convex
// hulls, quadrilateral fitting, rotated rectangles and homographies.
package geom

import (
	"cmp"
	"math"
	"slices"
)

// Point is a position in pixels; pixel (x, y) covers [x, x+1) × [y, y+1).
type Point struct{ X, Y float64 }

// Pt is Point{x, y}.
func Pt(x, y float64) Point { return Point{x, y} }

// Sub, Add, Scale and Dist are vector arithmetic.
func (p Point) Sub(q Point) Point     { return Point{p.X - q.X, p.Y - q.Y} }
func (p Point) Add(q Point) Point     { return Point{p.X + q.X, p.Y + q.Y} }
func (p Point) Scale(f float64) Point { return Point{p.X * f, p.Y * f} }
func (p Point) Dist(q Point) float64  { return math.Hypot(p.X-q.X, p.Y-q.Y) }

// Cross is the z component of (a−o) × (b−o): positive when o→a→b turns
// clockwise in a y-down frame.
func Cross(o, a, b Point) float64 { return (a.X-o.X)*(b.Y-o.Y) - (a.Y-o.Y)*(b.X-o.X) }

// Dot is the scalar product; Norm the length.
func Dot(a, b Point) float64 { return a.X*b.X + a.Y*b.Y }
func Norm(a Point) float64   { return math.Hypot(a.X, a.Y) }

// PolyArea is a polygon's area.
func PolyArea(p []Point) float64 { return math.Abs(SignedArea(p)) }

// QuadSides are the lengths of q's edges 0→1, 1→2, 2→3 and 3→0.
func QuadSides(q [4]Point) [4]float64 {
	return [4]float64{q[0].Dist(q[1]), q[1].Dist(q[2]), q[2].Dist(q[3]), q[3].Dist(q[0])}
}

// RectCorners are the corners of [0, w] × [0, h], clockwise from (0, 0).
func RectCorners(w, h float64) [4]Point {
	return [4]Point{{0, 0}, {w, 0}, {w, h}, {0, h}}
}

// Centroid is the mean of the corners.
func Centroid(q [4]Point) Point { return q[0].Add(q[1]).Add(q[2]).Add(q[3]).Scale(0.25) }

// Rotate180 renumbers corners for a half turn: the old third corner is
// the new first.
func Rotate180(q [4]Point) [4]Point { return [4]Point{q[2], q[3], q[0], q[1]} }

// InRect reports whether p lies in [0, w] × [0, h].
func InRect(p Point, w, h float64) bool { return p.X >= 0 && p.Y >= 0 && p.X <= w && p.Y <= h }

// SignedArea is positive for corners clockwise in a y-down frame.
func SignedArea(p []Point) float64 {
	s := 0.0
	for i := range p {
		j := (i + 1) % len(p)
		s += p[i].X*p[j].Y - p[j].X*p[i].Y
	}
	return s / 2
}

// ConvexHull returns the hull of pts counter-clockwise in a y-down frame
// (Andrew's monotone chain), without collinear points.
func ConvexHull(pts []Point) []Point {
	pts = slices.Clone(pts)
	slices.SortFunc(pts, func(a, b Point) int {
		if a.X != b.X {
			return cmp.Compare(a.X, b.X)
		}
		return cmp.Compare(a.Y, b.Y)
	})
	pts = slices.Compact(pts)
	if len(pts) < 3 {
		return pts
	}
	hull := make([]Point, 0, 2*len(pts))
	for pass := 0; pass < 2; pass++ {
		start := len(hull)
		for _, p := range pts {
			for len(hull) >= start+2 && Cross(hull[len(hull)-2], hull[len(hull)-1], p) <= 0 {
				hull = hull[:len(hull)-1]
			}
			hull = append(hull, p)
		}
		hull = hull[:len(hull)-1]
		slices.Reverse(pts)
	}
	return hull
}

// Intersect is the crossing of lines a1-a2 and b1-b2; ok is false when they
// are (nearly) parallel.
func Intersect(a1, a2, b1, b2 Point) (Point, bool) {
	d1, d2 := a2.Sub(a1), b2.Sub(b1)
	den := d1.X*d2.Y - d1.Y*d2.X
	if math.Abs(den) < 1e-9*Norm(d1)*Norm(d2) {
		return Point{}, false
	}
	t := ((b1.X-a1.X)*d2.Y - (b1.Y-a1.Y)*d2.X) / den
	return a1.Add(d1.Scale(t)), true
}

// HullToQuad reduces a convex polygon to four corners by repeatedly
// dropping the edge whose removal (extending its two neighbours until they
// meet) adds the least area. Extending the neighbours recovers a corner
// that is rounded off or cut by the image border.
func HullToQuad(poly []Point) ([4]Point, bool) {
	p := slices.Clone(poly)
	for len(p) > 4 {
		best, bestArea, bestPt := -1, math.Inf(1), Point{}
		n := len(p)
		for i := range n {
			a, b, c, d := p[(i+n-1)%n], p[i], p[(i+1)%n], p[(i+2)%n]
			x, ok := Intersect(a, b, c, d)
			// The extensions must meet beyond the dropped edge, not behind it.
			if !ok || Cross(b, c, x)*Cross(b, c, a) > 0 {
				continue
			}
			if area := math.Abs(Cross(b, c, x)) / 2; area < bestArea {
				best, bestArea, bestPt = i, area, x
			}
		}
		if best < 0 {
			return [4]Point{}, false
		}
		p[best] = bestPt
		p = slices.Delete(p, (best+1)%n, (best+1)%n+1)
	}
	if len(p) != 4 {
		return [4]Point{}, false
	}
	return [4]Point(p), true
}

// MinAreaRect is the smallest rotated rectangle around the convex hull,
// found by rotating calipers: one side lies on a hull edge. Corners are
// ordered clockwise from the top-left in a y-down frame.
func MinAreaRect(hull []Point) [4]Point {
	if len(hull) < 3 {
		lo, hi := hull[0], hull[0]
		for _, p := range hull {
			lo = Point{min(lo.X, p.X), min(lo.Y, p.Y)}
			hi = Point{max(hi.X, p.X), max(hi.Y, p.Y)}
		}
		return [4]Point{lo, {hi.X, lo.Y}, hi, {lo.X, hi.Y}}
	}
	best := math.Inf(1)
	var rect [4]Point
	for i := range hull {
		e := hull[(i+1)%len(hull)].Sub(hull[i])
		u := e.Scale(1 / Norm(e))
		v := Point{-u.Y, u.X}
		minU, maxU, minV, maxV := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, p := range hull {
			a, b := Dot(p, u), Dot(p, v)
			minU, maxU, minV, maxV = min(minU, a), max(maxU, a), min(minV, b), max(maxV, b)
		}
		if area := (maxU - minU) * (maxV - minV); area < best {
			best = area
			at := func(a, b float64) Point { return u.Scale(a).Add(v.Scale(b)) }
			rect = [4]Point{at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)}
		}
	}
	return OrderCorners(rect)
}

// OrderCorners puts four corners clockwise (y down) starting at the one
// nearest the top-left, which is how text boxes are read.
func OrderCorners(q [4]Point) [4]Point {
	c := Centroid(q)
	s := q[:]
	slices.SortFunc(s, func(a, b Point) int {
		return cmp.Compare(math.Atan2(a.Y-c.Y, a.X-c.X), math.Atan2(b.Y-c.Y, b.X-c.X))
	})
	start := 0
	for i := range s {
		if s[i].X+s[i].Y < s[start].X+s[start].Y {
			start = i
		}
	}
	var out [4]Point
	for i := range out {
		out[i] = s[(start+i)%4]
	}
	return out
}

// Homography maps quad src onto quad dst: it returns the 3×3 matrix H
// (row-major, H[8] = 1) with dst ~ H·src.
func Homography(src, dst [4]Point) ([9]float64, bool) {
	var a [8][9]float64
	for i := range 4 {
		x, y, u, v := src[i].X, src[i].Y, dst[i].X, dst[i].Y
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	x, ok := Solve8(a)
	if !ok {
		return [9]float64{}, false
	}
	var h [9]float64
	copy(h[:8], x[:])
	h[8] = 1
	return h, true
}

// Solve8 solves the 8×8 linear system whose augmented matrix is a (the
// right-hand side in column 8) by Gaussian elimination with partial
// pivoting; it fails when the system is singular.
func Solve8(a [8][9]float64) ([8]float64, bool) {
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return [8]float64{}, false
		}
		a[c], a[p] = a[p], a[c]
		for r := range 8 {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var x [8]float64
	for i := range 8 {
		x[i] = a[i][8] / a[i][i]
	}
	return x, true
}

// Apply maps p through the homography h.
func Apply(h [9]float64, p Point) Point {
	w := h[6]*p.X + h[7]*p.Y + h[8]
	return Point{(h[0]*p.X + h[1]*p.Y + h[2]) / w, (h[3]*p.X + h[4]*p.Y + h[5]) / w}
}

// ClipToRect is the part of the convex polygon p inside [0, w] × [0, h]
// (Sutherland–Hodgman against the four sides).
func ClipToRect(p []Point, w, h float64) []Point {
	inside := []func(Point) bool{
		func(q Point) bool { return q.X >= 0 }, func(q Point) bool { return q.X <= w },
		func(q Point) bool { return q.Y >= 0 }, func(q Point) bool { return q.Y <= h },
	}
	edges := [][2]Point{{{0, 0}, {0, h}}, {{w, 0}, {w, h}}, {{0, 0}, {w, 0}}, {{0, h}, {w, h}}}
	for k, in := range inside {
		var out []Point
		for i := range p {
			cur, prev := p[i], p[(i+len(p)-1)%len(p)]
			if in(cur) != in(prev) {
				if x, ok := Intersect(prev, cur, edges[k][0], edges[k][1]); ok {
					out = append(out, x)
				}
			}
			if in(cur) {
				out = append(out, cur)
			}
		}
		p = out
	}
	return p
}
