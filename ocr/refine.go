package ocr

import (
	"image"
	"math"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// The edge search around an approximate outline: the similarity fit of
// the labels misses a card seen in perspective by up to a fifth of its
// width, and the region grown in the shrunk photo is coarse and may leak
// at a corner, while the card's edge, where it shows, is exact.
const (
	edgeSamples = 48   // places along each side where the edge is looked for
	edgeReach   = 0.2  // how far (of the long side) the edge may lie from the fit
	edgeWindow  = 0.02 // the run (of the long side) each side of an edge compared
	edgeStep    = 6.0  // the least colour change an edge makes against the card's tint
	edgeSupport = 26   // samples (of edgeSamples) a side's line must pass through
	// maxEdgeTurn is how far a side's edge may turn from the side: an
	// outline grown over a patch of backdrop at one corner (a finger, a
	// shadow) turns a side by up to about 16°.
	maxEdgeTurn = 20 * math.Pi / 180
)

// refineEdges moves each side of an approximate outline q (clockwise from
// the card's top-left) onto the card's edge nearby, where one shows: along
// the side's normal, the place where colour stops being the card's tint,
// taken at many places and fitted by a line that most of them agree on
// (fingers, glare and a rounded corner are outvoted). A side whose edge
// does not show (a pale table, the image border) keeps its fit, and an
// outcome that is no longer card-shaped leaves q as it was.
func refineEdges(src *image.RGBA, q [4]geom.Point) [4]geom.Point {
	long := cardWidth(q)
	if long < 40 {
		return q
	}
	tint := cardTint(src, q)
	var sides [4][2]geom.Point
	for i := range 4 {
		a, b := q[i], q[(i+1)%4]
		sides[i] = [2]geom.Point{a, b}
		if p, d, ok := edgeLine(src, a, b, tint, long); ok {
			sides[i] = [2]geom.Point{p, p.Add(d)}
		}
	}
	var out [4]geom.Point
	for i := range 4 {
		prev, cur := sides[(i+3)%4], sides[i]
		c, ok := geom.Intersect(prev[0], prev[1], cur[0], cur[1])
		if !ok || c.Dist(q[i]) > 1.5*edgeReach*long {
			return q
		}
		out[i] = c
	}
	if checkShape(out) != nil {
		return q
	}
	return out
}

// cardWidth is the mean length of an outline's top and bottom edges: the
// card's width in the image.
func cardWidth(q [4]geom.Point) float64 {
	s := geom.QuadSides(q)
	return (s[0] + s[2]) / 2
}

// cardTint is the median colour inside the outline: the card's ground,
// which covers most of it.
func cardTint(src *image.RGBA, q [4]geom.Point) [3]float64 {
	small := warpQuad(src, q, CardW/8, CardH/8)
	return medianColour(small)
}

// edgeLine looks for the card's edge near the side a→b: at each sample it
// takes the offset along the outward normal with the largest step from
// the tint inside to something else outside, then fits a line through the
// largest set of samples that agree. It returns a point and the direction
// of that line.
func edgeLine(src *image.RGBA, a, b geom.Point, tint [3]float64, long float64) (geom.Point, geom.Point, bool) {
	d := b.Sub(a)
	n := geom.Pt(d.Y, -d.X).Scale(1 / geom.Norm(d)) // outward for a clockwise outline, y down
	reach, win := int(edgeReach*long), max(int(edgeWindow*long), 3)
	var pts []geom.Point
	seen := 0 // samples whose edge could show: the photo holds the side there and a window beyond
	w, h := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	for j := range edgeSamples {
		t := 0.12 + 0.76*float64(j)/float64(edgeSamples-1) // clear of the rounded corners
		base := a.Add(d.Scale(t))
		seen += b2i(geom.InRect(base, w, h) && geom.InRect(base.Add(n.Scale(float64(win+1))), w, h))
		if o, ok := edgeOffset(src, base, n, tint, reach, win); ok {
			pts = append(pts, base.Add(n.Scale(float64(o))))
		}
	}
	// Most of what shows of the side must agree, and a quarter of it at
	// the least: a side the frame's border cuts short shows less.
	need := max(seen*edgeSupport/edgeSamples, edgeSamples/4)
	return consensusLine(pts, d, max(2, 0.005*long), need)
}

// edgeOffset is where along base + o·n (|o| ≤ reach) the colour steps
// from the tint inside (o' < o) to something else outside, over win
// pixels each side; false when no step is large enough. Inside, the
// window must be near the tint (a quarter of the step at most): the card's
// margin is plain, while a patterned backdrop steps between its own
// colours beyond the edge, more sharply than from the card. A profile that
// leaves the image past base is searched where it lies inside: a card
// near the frame's border has its edge there.
func edgeOffset(src *image.RGBA, base, n geom.Point, tint [3]float64, reach, win int) (int, bool) {
	lo := -reach - win
	m := 2*(reach+win) + 1
	inDist := make([]float64, m+1) // prefix sums of each pixel's distance from the tint
	first, last := 0, m            // the pixels [first, last) of the profile lie in the image
	for k := range m {
		c, ok := sample(src, base.Add(n.Scale(float64(lo+k))))
		if !ok && k+lo < 0 {
			first = k + 1
		}
		if !ok && k+lo >= 0 {
			last = k
			break
		}
		inDist[k+1] = inDist[k] + colourDist([3]float64{c[0], c[1], c[2]}, tint)
	}
	if first > -lo || last <= -lo+win {
		return 0, false // the side runs outside the photo here: its edge cannot show
	}
	oMin, oMax := max(-reach, first+win+lo), min(reach, last-1-win+lo)
	steps := make([]float64, 2*reach+1)
	top := 0.0
	for o := oMin; o <= oMax; o++ {
		k := o - lo // index of the pixel at o
		in := (inDist[k] - inDist[k-win]) / float64(win)
		out := (inDist[k+1+win] - inDist[k+1]) / float64(win)
		if in > out/4 {
			continue // not the card's plain margin inside: a pattern's stripes beyond the edge
		}
		steps[o+reach] = out - in
		top = max(top, out-in)
	}
	if top < edgeStep {
		return 0, false
	}
	// The outermost of the near-largest steps (text and the portrait lie
	// inside the card, never outside its edge), at its peak: a blurred
	// edge is a ramp whose near-largest steps spread both ways from it.
	o := oMax
	for steps[o+reach] < 0.8*top {
		o--
	}
	for o > oMin && steps[o-1+reach] > steps[o+reach] {
		o--
	}
	return o, true
}

// consensusLine is the line through the most points within tol of it
// (at least need of them), refitted to those points, running within
// maxEdgeTurn of dir.
func consensusLine(pts []geom.Point, dir geom.Point, tol float64, need int) (geom.Point, geom.Point, bool) {
	if len(pts) < need || need < 2 {
		return geom.Point{}, geom.Point{}, false
	}
	var bestIn []geom.Point
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			d := pts[j].Sub(pts[i])
			if geom.Norm(d) < 1e-9 || angleBetween(d, dir) > maxEdgeTurn {
				continue
			}
			nrm := geom.Pt(-d.Y, d.X).Scale(1 / geom.Norm(d))
			var in []geom.Point
			for _, p := range pts {
				if math.Abs(geom.Dot(p.Sub(pts[i]), nrm)) <= tol {
					in = append(in, p)
				}
			}
			if len(in) > len(bestIn) {
				bestIn = in
			}
		}
	}
	if len(bestIn) < need {
		return geom.Point{}, geom.Point{}, false
	}
	c, d := fitLine(bestIn)
	return c, d, true
}

// angleBetween is the angle between two lines' directions, in [0, π/2].
func angleBetween(a, b geom.Point) float64 {
	c := math.Abs(geom.Dot(a, b)) / (geom.Norm(a) * geom.Norm(b))
	return math.Acos(min(c, 1))
}

// fitLine is the total-least-squares line through pts: their centroid and
// principal direction.
func fitLine(pts []geom.Point) (geom.Point, geom.Point) {
	var c geom.Point
	for _, p := range pts {
		c = c.Add(p)
	}
	c = c.Scale(1 / float64(len(pts)))
	var sxx, sxy, syy float64
	for _, p := range pts {
		d := p.Sub(c)
		sxx, sxy, syy = sxx+d.X*d.X, sxy+d.X*d.Y, syy+d.Y*d.Y
	}
	th := 0.5 * math.Atan2(2*sxy, sxx-syy)
	return c, geom.Pt(math.Cos(th), math.Sin(th))
}
