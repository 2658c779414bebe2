package ocr

import (
	"math"
	"slices"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// The perspective fit of a card found from its printed layout.
const (
	// minSlopeLine is the shortest text line, in card pixels, whose
	// direction is trusted: a short box's angle is mostly the detector's
	// noise.
	minSlopeLine = 120
	// priorPull is how strongly the corners are held at the similarity
	// fit's, per card pixel, against a card pixel of anchor or line
	// error: weak, so that it only steadies the fit.
	priorPull = 0.01
	// rigidWeight is what a card's outline that no rigid card could make
	// costs, in card pixels per unit of relative error (see rigidity): a
	// card drawn 1 % longer one way than the other costs as much as
	// 1.5 px of anchor error.
	rigidWeight = 300
	// focalSpan is the camera's assumed focal length in units of the
	// photo's long side: phones' main cameras lie within 0.7–1.3 of it,
	// and an error of a third moves the card's estimated width by a few
	// percent at the tilts a capture guide allows.
	focalSpan = 1.0
	// slopeOutlier is the line residual (card pixels) past which a line
	// is taken for one that is not straight on the card (two rows merged,
	// a curled receipt) and left out of the second pass.
	slopeOutlier = 4.0
	// minPerspectiveAnchors is how many labels in place a perspective fit
	// needs: two fix a similarity and no more.
	minPerspectiveAnchors = 3
)

// fitPerspective turns the labels' similarity fit q0 (clockwise corners)
// into the homography that best agrees with what the text shows: the kept
// anchors where the layout puts them, and every long text line on the
// card level in the card's own frame. A card tilted in depth makes its
// lines converge, which no similarity follows; their convergence gives
// the tilt. The card must also be a rigid rectangle seen through cam:
// that settles what the text leaves open (on the front the labels stand
// in one column, so nothing printed gives the card's width). A weak pull
// towards q0 steadies the fit. It returns q0 when the fit fails, and
// when fewer than minPerspectiveAnchors labels were kept.
func fitPerspective(q0 [4]geom.Point, used []match, lines []line, cam camera) [4]geom.Point {
	scale := cardWidth(q0) / CardW
	if scale <= 0 || len(used) < minPerspectiveAnchors {
		return q0
	}
	var level [][2]geom.Point // each line's left and right mid-ends
	for _, l := range lines {
		q := l.box.quad
		if !inConvexQuad(q0, l.box.centre()) || q[0].Dist(q[1]) < minSlopeLine*scale {
			continue
		}
		level = append(level, [2]geom.Point{q[0].Add(q[3]).Scale(0.5), q[1].Add(q[2]).Scale(0.5)})
	}
	q, ok := fitCorners(q0, scale, used, level, cam)
	if !ok {
		return q0
	}
	// A second pass without the lines the first found crooked.
	toCard, ok := geom.Homography(q, geom.RectCorners(CardW, CardH))
	if !ok {
		return q0
	}
	kept := slices.DeleteFunc(slices.Clone(level), func(e [2]geom.Point) bool {
		return math.Abs(tilt(toCard, e)) > slopeOutlier
	})
	if len(kept) < len(level) {
		if q, ok = fitCorners(q0, scale, used, kept, cam); !ok {
			return q0
		}
	}
	return q
}

// tilt is how far, in card pixels, a line's right end stands above or
// below its left end in the card's frame, toCard mapping the image onto
// the card.
func tilt(toCard [9]float64, ends [2]geom.Point) float64 {
	return geom.Apply(toCard, ends[1]).Y - geom.Apply(toCard, ends[0]).Y
}

// fitCorners is Levenberg–Marquardt over the eight corner coordinates,
// the residuals in card pixels: each anchor's offset from where the
// corners put it (along its row only past its slack), each line's tilt, the card's departure from rigidity
// under cam, and the corners' pull towards q0.
func fitCorners(q0 [4]geom.Point, scale float64, used []match, level [][2]geom.Point, cam camera) ([4]geom.Point, bool) {
	residuals := func(p [8]float64) ([]float64, bool) {
		q := cornersOf(p)
		toImg, ok1 := geom.Homography(geom.RectCorners(CardW, CardH), q)
		toCard, ok2 := geom.Homography(q, geom.RectCorners(CardW, CardH))
		if !ok1 || !ok2 || checkShape(q) != nil {
			return nil, false
		}
		var r []float64
		for _, m := range used {
			// The offset split along the card's row there and across it.
			at := geom.Apply(toImg, m.a.at)
			u := geom.Apply(toImg, m.a.at.Add(geom.Pt(1, 0))).Sub(at)
			u = u.Scale(1 / math.Hypot(u.X, u.Y))
			d := at.Sub(m.at).Scale(1 / scale)
			r = append(r, beyond(d.X*u.X+d.Y*u.Y, m.a.slack), d.Y*u.X-d.X*u.Y)
		}
		for _, e := range level {
			r = append(r, tilt(toCard, e))
		}
		orth, stretch := cam.rigidity(toImg)
		r = append(r, rigidWeight*orth, rigidWeight*stretch)
		for i := range q {
			d := q[i].Sub(q0[i]).Scale(priorPull / scale)
			r = append(r, d.X, d.Y)
		}
		return r, true
	}
	var p [8]float64
	for i, c := range q0 {
		p[2*i], p[2*i+1] = c.X, c.Y
	}
	r, ok := residuals(p)
	if !ok {
		return q0, false
	}
	cost := sumSquares(r)
	mu := 1e-3
	step := 0.5 * scale // the Jacobian's difference step: half a card pixel
	for range 30 {
		jac := make([][]float64, 8)
		for k := range 8 {
			pk := p
			pk[k] += step
			rk, ok := residuals(pk)
			if !ok {
				return q0, false
			}
			jac[k] = make([]float64, len(r))
			for i := range r {
				jac[k][i] = (rk[i] - r[i]) / step
			}
		}
		improved := false
		for !improved && mu < 1e6 {
			var a [8][9]float64
			for j := range 8 {
				for k := range 8 {
					for i := range r {
						a[j][k] += jac[j][i] * jac[k][i]
					}
				}
				a[j][j] *= 1 + mu
				for i := range r {
					a[j][8] -= jac[j][i] * r[i]
				}
			}
			d, ok := geom.Solve8(a)
			if !ok {
				return q0, false
			}
			pn := p
			for k := range 8 {
				pn[k] += d[k]
			}
			rn, ok := residuals(pn)
			if c := sumSquares(rn); ok && c < cost {
				p, r, cost, improved = pn, rn, c, true
				mu /= 3
			} else {
				mu *= 4
			}
		}
		if !improved {
			break
		}
	}
	return cornersOf(p), true
}

// beyond is how far v lies outside ±slack.
func beyond(v, slack float64) float64 {
	return math.Copysign(max(math.Abs(v)-slack, 0), v)
}

func cornersOf(p [8]float64) [4]geom.Point {
	return [4]geom.Point{geom.Pt(p[0], p[1]), geom.Pt(p[2], p[3]), geom.Pt(p[4], p[5]), geom.Pt(p[6], p[7])}
}

func sumSquares(r []float64) float64 {
	s := 0.0
	for _, v := range r {
		s += v * v
	}
	return s
}

// camera is a pinhole camera with its principal point at the photo's
// centre.
type camera struct{ f, cx, cy float64 }

// photoCamera is the camera assumed for a photo w×h.
func photoCamera(w, h int) camera {
	return camera{focalSpan * float64(max(w, h)), float64(w) / 2, float64(h) / 2}
}

// rigidity measures how far the homography h (card pixels to image) is
// from one a flat rectangle seen by cam makes: its card axes, taken back
// through the camera, must be at right angles and equally long. It
// returns the cosine between them and their relative difference in
// length, both 0 for a rigid card.
func (c camera) rigidity(h [9]float64) (orth, stretch float64) {
	a := [3]float64{(h[0] - c.cx*h[6]) / c.f, (h[3] - c.cy*h[6]) / c.f, h[6]}
	b := [3]float64{(h[1] - c.cx*h[7]) / c.f, (h[4] - c.cy*h[7]) / c.f, h[7]}
	na := math.Sqrt(a[0]*a[0] + a[1]*a[1] + a[2]*a[2])
	nb := math.Sqrt(b[0]*b[0] + b[1]*b[1] + b[2]*b[2])
	if na == 0 || nb == 0 {
		return 1, 1
	}
	return (a[0]*b[0] + a[1]*b[1] + a[2]*b[2]) / (na * nb), (na - nb) / (na + nb)
}
