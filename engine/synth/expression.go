package synth

import (
	"math"

	"github.com/liveid/liveid/face"
)

// Blinks and mouth openings are drawn on the canvas, before the head is
// posed: a closing eyelid covers the eye's opening from the top with the
// skin just above the eye, and an opening mouth drops the lower lip and the
// jaw and shows a dark inside with the upper teeth.

// eyeIdx are the mesh points of one eye: corners and the upper and lower
// lid points between them.
type eyeIdx struct {
	outer, inner int
	upper, lower []int
}

var (
	rightEye = eyeIdx{33, 133, []int{246, 161, 160, 159, 158, 157, 173}, []int{7, 163, 144, 145, 153, 154, 155}}
	leftEye  = eyeIdx{263, 362, []int{466, 388, 387, 386, 385, 384, 398}, []int{249, 390, 373, 374, 380, 381, 382}}
)

// lids are how one eye closes, per canvas column from x0: the span a shut
// lid covers (top to bottom: the opening, the photo's lashes and lid
// crease above it, and a margin past both corners, where the cover fades
// out), and the fade.
type lids struct {
	x0               int
	top, up, bottom  []float32 // the cover's top, the upper lid line, the cover's bottom
	fade             []float32 // 1 over the eye, falling to 0 past the corners
	minTop, maxBelow float64
}

// A shut lid reaches over the mesh's upper lid line by lidAbove pixels
// plus lidCrease of the eye's widest opening (the mesh's lid points lie on
// the iris's edge; the lashes and the open lid's crease are above them, and
// stay that high towards the corners), and lidBelow under the lower line;
// past each corner it reaches lidCorner of the eye's width.
// The cover fades in over its top lidFadeIn pixels, which lie on the skin
// above the lashes.
const lidAbove, lidCrease, lidBelow, lidCorner, lidFadeIn = 3, 0.4, 0.5, 0.25, 2.5

func newLids(m *face.Mesh, e eyeIdx) lids {
	up := newCurve(m, append([]int{e.outer, e.inner}, e.upper...))
	lo := newCurve(m, append([]int{e.outer, e.inner}, e.lower...))
	first, last := up.x0, up.x0+len(up.y)-1
	ext := int(math.Ceil(lidCorner * float64(last-first)))
	l := lids{x0: first - ext, minTop: math.Inf(1), maxBelow: math.Inf(-1)}
	widest := 0.0
	for i := range up.y {
		widest = max(widest, float64(lo.y[i]-up.y[i]))
	}
	for x := first - ext; x <= last+ext; x++ {
		c := min(max(x, first), last) // the nearest column within the corners
		u, _ := up.at(float64(c))
		d, _ := lo.at(float64(c))
		t := 1 - float64(max(first-x, x-last, 0))/float64(ext+1)
		top := u - (lidAbove+lidCrease*widest)*t
		bottom := d + lidBelow*t
		l.top, l.up, l.bottom = append(l.top, float32(top)), append(l.up, float32(u)), append(l.bottom, float32(bottom))
		l.fade = append(l.fade, float32(t))
		l.minTop, l.maxBelow = min(l.minTop, top), max(l.maxBelow, bottom)
	}
	return l
}

// cover is an eyelid shut by shut (0 open, 1 closed: its edge goes from
// the upper lid line to the cover's bottom) at canvas point (x, y):
// whether it covers the point, the rows above and below the eye whose skin
// it is filled with and the share of the lower one, the shade to apply
// (the lashes darken the lid's edge) and how much of the photo's own pixel
// it hides (the cover fades in as the blink begins).
func (l *lids) cover(x, y, shut float64) (above, below, t, shade, hide float64, ok bool) {
	i := int(x) - l.x0
	if shut <= 0 || y < l.minTop || y > l.maxBelow || i < 0 || i >= len(l.top) {
		return 0, 0, 0, 0, 0, false
	}
	top, up, bottom := float64(l.top[i]), float64(l.up[i]), float64(l.bottom[i])
	edge := up + shut*(bottom-up)
	if y < top || y >= edge || bottom <= top {
		return 0, 0, 0, 0, 0, false
	}
	shade = 0.97 * (0.05 + (1-0.05)*smoothstep(0, lashWidth, edge-y))
	hide = smoothstep(0, lidFadeIn, y-top) * smoothstep(0, 0.6, float64(l.fade[i])) * smoothstep(0, 0.2, shut)
	return top - 2, bottom + 2.5, (y - top) / (bottom - top), shade, hide, true
}

// lashWidth is how far above a closing lid's edge its lashes darken it,
// pixels: a shut eye shows as one dark curve, which is what the eye model
// reads as closed.
const lashWidth = 5

// Mouth landmarks: inner lip lines and corners, outer lower lip.
var (
	innerUpperLip = []int{78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308}
	innerLowerLip = []int{78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308}
)

const meshMouthInR, meshMouthInL, meshMouthOutR, meshMouthOutL = 78, 308, 61, 291

// jaw is how the lower face moves when the mouth opens by d pixels: the
// lower lip drops by d·lens(x), lens-shaped between the inner mouth
// corners; below the lip the drop widens to the whole chin (broad), and
// below the chin it fades out into the neck.
type jaw struct {
	upper, lower     curve // inner lip lines
	cornerR, cornerL [2]float64
	cx, half, fall   float64 // centre, broad half-width and its fall-off
	ramp             float64 // lip-to-chin blend height
	chin, fade       float64 // chin row and the fade below it
	left, right, top float64 // the box the jaw moves in
	bottom           float64
}

func newJaw(m *face.Mesh) jaw {
	p := func(i int) [2]float64 { return [2]float64{float64(m.Points[i].X), float64(m.Points[i].Y)} }
	w := float64(faceWidthPx)
	j := jaw{upper: newCurve(m, innerUpperLip), lower: newCurve(m, innerLowerLip),
		cornerR: p(meshMouthInR), cornerL: p(meshMouthInL), ramp: 0.08 * w, fade: 0.45 * w}
	outR, outL := p(meshMouthOutR), p(meshMouthOutL)
	j.cx, j.half, j.fall = (outR[0]+outL[0])/2, (outL[0]-outR[0])/2, 0.25*w
	j.chin = float64(m.Points[meshChin].Y)
	j.left, j.right = j.cx-j.half-j.fall, j.cx+j.half+j.fall
	j.top, j.bottom = min(j.cornerR[1], j.cornerL[1])-0.05*w, j.chin+j.fade
	return j
}

// lipLine is the lower inner lip at column x, extended level from the
// corners.
func (j *jaw) lipLine(x float64) float64 {
	if y, ok := j.lower.at(x); ok {
		return y
	}
	if x < j.cx {
		return j.cornerR[1]
	}
	return j.cornerL[1]
}

// lens is the lip's share of the drop at column x: 0 at the corners, 1 in
// the middle.
func (j *jaw) lens(x float64) float64 {
	u := (x - j.cornerR[0]) / (j.cornerL[0] - j.cornerR[0])
	if u <= 0 || u >= 1 {
		return 0
	}
	return math.Pow(math.Sin(math.Pi*u), 0.7)
}

// weight is the share of the drop that canvas point (x, y), on or below the
// lower lip, moves by.
func (j *jaw) weight(x, y float64) float64 {
	t := smoothstep(j.lipLine(x), j.lipLine(x)+j.ramp, y)
	broad := 1 - smoothstep(j.half, j.half+j.fall, math.Abs(x-j.cx))
	return (j.lens(x)*(1-t) + broad*t) * (1 - smoothstep(j.chin, j.chin+j.fade, y))
}

// source maps a point of the face with its mouth open by d pixels to the
// canvas row it shows; inside reports the mouth's inside instead, with q
// the depth into it (0 at the upper lip, 1 at the lower).
func (j *jaw) source(x, y, d float64) (sy float64, inside bool, q float64) {
	if d <= 0 || x < j.left || x > j.right || y < j.top || y > j.bottom+d {
		return y, false, 0
	}
	line := j.lipLine(x)
	upper, ok := j.upper.at(x)
	if !ok {
		upper = line
	}
	upper = min(upper, line)
	if gapEnd := line + d*j.lens(x); y >= upper && y < gapEnd {
		return y, true, (y - upper) / (gapEnd - upper)
	}
	if y < line {
		return y, false, 0
	}
	// Invert y = sy + d·weight(x, sy): the weight changes slowly enough
	// down the face for the fixed point to settle in three steps.
	sy = y - d*j.weight(x, y)
	for range 3 {
		sy = y - d*j.weight(x, max(sy, line))
	}
	return max(sy, line), false, 0
}

// Mouth inside, linear RGB.
var (
	teeth  = rgb{0.42, 0.39, 0.33}
	cavity = rgb{0.020, 0.008, 0.007}
	tongue = rgb{0.10, 0.028, 0.024}
)

// mouthInside is the colour at depth q into an opening of height h
// pixels, at lip share lens (darker towards the corners).
func mouthInside(q, h, lens float64) rgb {
	c := cavity
	if h > 4 {
		c = mixRGB(teeth.scale(float32(0.5+0.5*lens)), cavity, smoothstep(0.18, 0.3, q))
		c = mixRGB(c, tongue, smoothstep(0.7, 0.9, q)*lens)
	}
	return c
}
