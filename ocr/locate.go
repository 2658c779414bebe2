package ocr

import (
	"cmp"
	"image"
	"math"
	"slices"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// locateSide is the long side of the downscaled image the card is
// searched in: the card's outline needs no more.
const locateSide = 400

// location is a card found in a photo.
type location struct {
	corners [4]geom.Point // clockwise, corners[0]→[1] is a long (top or bottom) edge
	clipped bool          // the card runs off the image
	byText  bool          // found from the printed layout, not the edge
}

// seeds are where the card's surface is looked for, as fractions of the
// frame: capture guides put the card in the middle, but a card pushed
// partly out of frame or a reflection may leave the middle off the card.
var seeds = [][2]float64{{0.5, 0.5}, {0.5, 0.35}, {0.5, 0.65}, {0.35, 0.5}, {0.65, 0.5}}

// locate finds the card: in the photo shrunk (smoothed first if smooth,
// see prefilter), from each seed it grows a region of smoothly varying
// colour, closes it over the card's text and portrait, and fits a
// quadrilateral to the region's hull, whose sides are then moved onto the
// card's edge in the full photo where it shows (refineEdges: the shrunk
// photo's pixels are coarse, and a region that leaked over a finger or a
// shadow at a corner bends its hull there). It returns every distinct
// quad that looks like an ID-1 card seen in perspective, the largest
// first: a seed off the card on a pale, even backdrop grows the backdrop,
// which can pass for a card larger than the card itself. Otherwise it fails with
// the middle seed's *NoCardError.
func locate(img *image.RGBA, smooth bool) ([]location, error) {
	return locateIn(img, smooth, locateSide)
}

// locateIn is locate in the photo shrunk to a long side of side.
func locateIn(img *image.RGBA, smooth bool, side int) ([]location, error) {
	W, H := img.Rect.Dx(), img.Rect.Dy()
	f := min(float64(side)/float64(max(W, H)), 1)
	w, h := max(int(float64(W)*f+0.5), 8), max(int(float64(H)*f+0.5), 8)
	src := img
	if smooth {
		img = prefilter(img, w)
	}
	small := resize(img, w, h)
	var found []location
	var firstErr error
	for _, s := range seeds {
		loc, err := fitCard(small, int(s[0]*float64(w)), int(s[1]*float64(h)))
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		for i := range loc.corners {
			loc.corners[i] = loc.corners[i].Scale(1 / f)
		}
		if r := refineEdges(src, loc.corners); r != loc.corners {
			// The region may have leaked to the frame's border, or the
			// card's edge may lie too close to it to be seen there.
			loc.corners = r
			loc.clipped = !allInside(r, float64(W), float64(H)) || loc.clipped && nearBorder(r, float64(W), float64(H), edgeWindow*cardWidth(r))
		}
		found = append(found, loc)
	}
	if len(found) == 0 {
		return nil, firstErr
	}
	slices.SortStableFunc(found, func(a, b location) int {
		return cmp.Compare(geom.PolyArea(b.corners[:]), geom.PolyArea(a.corners[:]))
	})
	// Seeds on one surface grow it alike but for a few pixels: one
	// outline, the largest.
	var distinct []location
	for _, l := range found {
		if !slices.ContainsFunc(distinct, func(d location) bool { return sameOutline(d.corners, l.corners, 0.05) }) {
			distinct = append(distinct, l)
		}
	}
	return distinct, nil
}

// prefilter smooths img over about twice the footprint of a pixel of its
// w-wide shrunk copy: a pattern finer than those pixels (a display's
// subpixel stripes on a recaptured card, a fabric's weave) would otherwise
// alias into coarse bands that split the card's surface. A large photo is
// first halved (2×2 averages, an exact prefilter) until a pixel spans at
// most three of its own, which keeps the blur's window small.
func prefilter(img *image.RGBA, w int) *image.RGBA {
	for img.Rect.Dx() > 3*w {
		img = halve(img)
	}
	return smoothRGBA(img, float64(2*int(float64(img.Rect.Dx())/float64(w)+0.5)+1))
}

// fitCard grows the card region from (cx, cy) and fits its outline.
func fitCard(small *image.RGBA, cx, cy int) (location, error) {
	w, h := small.Rect.Dx(), small.Rect.Dy()
	region := growCardRegion(small, cx, cy)
	if region == nil {
		return location{}, &NoCardError{Reason: "no uniform card surface in the middle of the image"}
	}
	region = region.dilate(2).erode(2).fillHoles()
	labels, sizes := region.components()
	id := labels[cy*w+cx]
	if id == 0 {
		return location{}, &NoCardError{Reason: "no uniform card surface in the middle of the image"}
	}
	hull := geom.ConvexHull(region.boundary(labels, id))
	q, ok := geom.HullToQuad(hull)
	if !ok {
		return location{}, &NoCardError{Reason: "the card region has no four-sided outline"}
	}
	q = extendCut(q, float64(w), float64(h))
	if err := checkQuad(q, float64(sizes[id]), float64(w), float64(h)); err != nil {
		return location{}, err
	}
	q = orientLongTop(q)
	clipped := touchesEdge(region, labels, id) || !allInside(q, float64(w), float64(h))
	return location{corners: q, clipped: clipped}, nil
}

// growCardRegion floods from around (cx, cy) over pixels whose colour
// changes little from their neighbour (lighting is smooth, card edges are
// not) and stays near the seed's colour. It returns nil when the seed area
// is not a flat surface.
func growCardRegion(m *image.RGBA, cx, cy int) *mask {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	px := func(x, y int) [3]float64 { return rgb(m.Pix[m.PixOffset(x, y):]) }
	box := image.Rect(cx-w/10, cy-h/10, cx+w/10, cy+h/10).Intersect(m.Rect)
	seed, spread := boxColour(m, box)
	if spread > 40 {
		return nil
	}
	local := min(max(3*spread, 10), 24)
	const global = 95.0
	out := newMask(w, h)
	var stack []int
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			if colourDist(px(x, y), seed) < 2*local {
				out.v[y*w+x] = true
				stack = append(stack, y*w+x)
			}
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		c := px(x, y)
		for _, n := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
			if n[0] < 0 || n[1] < 0 || n[0] >= w || n[1] >= h || out.v[n[1]*w+n[0]] {
				continue
			}
			nc := px(n[0], n[1])
			if colourDist(nc, c) < local && colourDist(nc, seed) < global {
				out.v[n[1]*w+n[0]] = true
				stack = append(stack, n[1]*w+n[0])
			}
		}
	}
	return out
}

// boxColour is the per-channel median of the box and the median distance
// of its pixels from it (small on a flat surface with some text, large on
// a face or noise).
func boxColour(m *image.RGBA, box image.Rectangle) ([3]float64, float64) {
	var ch [3][]float64
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			o := m.PixOffset(x, y)
			for k := range 3 {
				ch[k] = append(ch[k], float64(m.Pix[o+k]))
			}
		}
	}
	var seed [3]float64
	for k := range 3 {
		seed[k] = median(ch[k])
	}
	d := make([]float64, len(ch[0]))
	for i := range d {
		d[i] = colourDist([3]float64{ch[0][i], ch[1][i], ch[2][i]}, seed)
	}
	return seed, median(d)
}

func colourDist(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// checkQuad accepts a quad that could be an ID-1 card (aspect 1.585) seen
// with moderate perspective, whose part inside the w×h image is filled by
// the region it was fitted to.
func checkQuad(q [4]geom.Point, regionArea, w, h float64) error {
	area := geom.PolyArea(geom.ClipToRect(q[:], w, h))
	switch {
	case area < 0.04*w*h:
		return &NoCardError{Reason: "the candidate region is too small for a card"}
	case regionArea < 0.8*area:
		return &NoCardError{Reason: "the candidate region is not a filled quadrilateral"}
	}
	return checkShape(q)
}

// checkShape accepts the corner angles and proportions of an ID-1 card
// seen with moderate perspective.
func checkShape(q [4]geom.Point) error {
	for i := range 4 {
		a, b, c := q[(i+3)%4], q[i], q[(i+1)%4]
		u, v := a.Sub(b), c.Sub(b)
		ang := math.Acos(geom.Dot(u, v)/(geom.Norm(u)*geom.Norm(v))) * 180 / math.Pi
		if ang < 55 || ang > 125 {
			return &NoCardError{Reason: "the candidate outline is not rectangular enough for a card"}
		}
	}
	s := geom.QuadSides(q)
	long, short := (s[0]+s[2])/2, (s[1]+s[3])/2
	if short > long {
		long, short = short, long
	}
	if r := long / short; r < 1.25 || r > 2.0 {
		return &NoCardError{Reason: "the candidate outline does not have a card's proportions"}
	}
	return nil
}

// outlineSkew is the larger of the angles between the outline's opposite
// sides, degrees: a card's sides converge as far as the phone's perspective
// makes them, up to about 17° on the independent generator's captures; a
// region that leaked over the backdrop at one corner tilts a side
// further.
func outlineSkew(q [4]geom.Point) float64 {
	top, right := angleBetween(q[1].Sub(q[0]), q[2].Sub(q[3])), angleBetween(q[2].Sub(q[1]), q[3].Sub(q[0]))
	return max(top, right) * 180 / math.Pi
}

// maxSkew is the most skew an outline may show and still be taken for the
// card's without a look at the other routes' outlines.
const maxSkew = 22.0

// rigidOutline reports whether the outline q is one a rigid card makes
// through the photo's camera (camera.rigidity), within maxOrth and
// maxStretch: true outlines the edge found on the tune split depart from
// one by up to 0.054 and 0.026 (the focal length assumed, the corners'
// pixel error), outlines that took a patterned backdrop's edge for a side
// by up to 0.12 and 0.09, their labels still near their places.
func rigidOutline(src *image.RGBA, q [4]geom.Point) bool {
	toImg, ok := geom.Homography(geom.RectCorners(CardW, CardH), q)
	if !ok {
		return false
	}
	orth, stretch := photoCamera(src.Rect.Dx(), src.Rect.Dy()).rigidity(toImg)
	return math.Abs(orth) <= maxOrth && math.Abs(stretch) <= maxStretch
}

// maxOrth and maxStretch bound rigidOutline.
const maxOrth, maxStretch = 0.06, 0.04

// orientLongTop orders the corners clockwise with a long edge first,
// choosing between the two long edges the one that runs most nearly left to
// right, so a card held upright or turned up to ±90° reads 0° or 180°.
func orientLongTop(q [4]geom.Point) [4]geom.Point {
	if geom.SignedArea(q[:]) < 0 { // counter-clockwise in y-down: reverse
		q = [4]geom.Point{q[0], q[3], q[2], q[1]}
	}
	s := geom.QuadSides(q)
	if s[1]+s[3] > s[0]+s[2] {
		q = [4]geom.Point{q[1], q[2], q[3], q[0]}
	}
	if d := q[1].Sub(q[0]); d.X < 0 {
		q = geom.Rotate180(q)
	}
	return q
}

// extendCut restores a side cut off by the image border: an edge lying on
// the border is pushed out along its neighbours until they have the
// length the opposite, whole edge implies for an 85.6 × 54 mm card.
func extendCut(q [4]geom.Point, w, h float64) [4]geom.Point {
	for i := range 4 {
		a, b := q[i], q[(i+1)%4]
		if !sameBorder(a, b, w, h) {
			continue
		}
		c, d := q[(i+2)%4], q[(i+3)%4] // the whole edge, c next to b
		opp := c.Dist(d)
		seen := (a.Dist(d) + b.Dist(c)) / 2
		full := opp * id1Aspect
		if opp > seen {
			full = opp / id1Aspect
		}
		if full <= seen {
			continue
		}
		q[i] = d.Add(a.Sub(d).Scale(full / a.Dist(d)))
		q[(i+1)%4] = c.Add(b.Sub(c).Scale(full / b.Dist(c)))
	}
	return q
}

// id1Aspect is the ID-1 card's aspect, 85.6 / 54.
const id1Aspect = 85.6 / 54

// sameBorder reports whether a and b both lie on one side of the image.
func sameBorder(a, b geom.Point, w, h float64) bool {
	near := func(v, edge float64) bool { return math.Abs(v-edge) < 1.5 }
	return (near(a.X, 0) && near(b.X, 0)) || (near(a.X, w) && near(b.X, w)) ||
		(near(a.Y, 0) && near(b.Y, 0)) || (near(a.Y, h) && near(b.Y, h))
}

func allInside(q [4]geom.Point, w, h float64) bool {
	for _, p := range q {
		if !geom.InRect(p, w, h) {
			return false
		}
	}
	return true
}

// nearBorder reports whether a corner of q lies within d of the frame's
// border (or past it).
func nearBorder(q [4]geom.Point, w, h, d float64) bool {
	for _, p := range q {
		if p.X < d || p.Y < d || p.X > w-d || p.Y > h-d {
			return true
		}
	}
	return false
}

// touchesEdge reports whether a noticeable stretch of the region lies on
// the image border.
func touchesEdge(m *mask, labels []int32, id int32) bool {
	n := 0
	for x := range m.w {
		n += b2i(labels[x] == id) + b2i(labels[(m.h-1)*m.w+x] == id)
	}
	for y := range m.h {
		n += b2i(labels[y*m.w] == id) + b2i(labels[y*m.w+m.w-1] == id)
	}
	return n > (m.w+m.h)/50
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
