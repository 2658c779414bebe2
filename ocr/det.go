package ocr

import (
	"cmp"
	"fmt"
	"image"
	"math"
	"slices"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/ocr/internal/geom"
)

// The det model sees the rectified card at this size: its text is
// 20–35 px high there, in the range PP-OCR det was trained on.
const detW, detH = 640, 416

// detStride is the det model's downsampling: its input's sides are
// multiples of it.
const detStride = 32

// DB post-processing parameters, PaddleOCR's defaults for PP-OCRv4 det.
const (
	dbThresh      = 0.3 // probability that marks a text pixel
	dbBoxThresh   = 0.6 // mean probability a kept box must reach
	dbUnclipRatio = 1.5 // how far the shrunk text kernel is grown back
	dbMinSide     = 3   // px at det scale
)

// textBox is one detected text line on the rectified card.
type textBox struct {
	quad  [4]geom.Point // card pixels, clockwise from the top-left
	score float64
}

// across is how tall the box is across its line: its left and right
// sides' mean.
func (b textBox) across() float64 {
	s := geom.QuadSides(b.quad)
	return (s[1] + s[3]) / 2
}

func (b textBox) bounds() (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range b.quad {
		x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
	}
	return
}

func (b textBox) centre() geom.Point { return geom.Centroid(b.quad) }

// detect runs the det model on the card and returns its text boxes in card
// pixels, top to bottom.
func (e *Engine) detect(card *image.RGBA) ([]textBox, error) {
	return runDet(e.det, card, detW, detH, false)
}

// runDet runs the det session on img, stretched to w×h or, with
// keepAspect, scaled to fit w×h and padded from the top-left only to the
// next multiple of detStride (the padding stays at the normalised mean,
// which reads as no text). w and h are multiples of detStride. It returns
// the boxes in img's pixels, top to bottom.
func runDet(s *models.DynamicSession, img *image.RGBA, w, h int, keepAspect bool) ([]textBox, error) {
	rw, rh := w, h
	if keepAspect {
		f := min(float64(w)/float64(img.Rect.Dx()), float64(h)/float64(img.Rect.Dy()))
		rw, rh = max(int(float64(img.Rect.Dx())*f), 1), max(int(float64(img.Rect.Dy())*f), 1)
		w, h = roundUp(rw, detStride), roundUp(rh, detStride)
	}
	in := make([]float32, 3*w*h)
	fillNCHW(in, resize(img, rw, rh), w, [3]float32{0.485, 0.456, 0.406}, [3]float32{0.229, 0.224, 0.225})
	out, shape, err := s.Run(in, detShape(w, h), nil)
	if err != nil {
		return nil, fmt.Errorf("ocr: text detection: %w", err)
	}
	if len(out) != w*h {
		return nil, &models.MismatchError{Model: DetModel, Detail: fmt.Sprintf("output of shape %v for a %d×%d input; want its probability map", shape, w, h)}
	}
	sx := float64(img.Rect.Dx()) / float64(rw)
	sy := float64(img.Rect.Dy()) / float64(rh)
	boxes := dbBoxes(out, w, h)
	for i := range boxes {
		for k := range boxes[i].quad {
			boxes[i].quad[k] = geom.Pt(boxes[i].quad[k].X*sx, boxes[i].quad[k].Y*sy)
		}
	}
	slices.SortFunc(boxes, func(a, b textBox) int { return cmp.Compare(a.centre().Y, b.centre().Y) })
	return boxes, nil
}

// detShape is a det input's NCHW shape: one w×h image.
func detShape(w, h int) []int64 { return []int64{1, 3, int64(h), int64(w)} }

func roundUp(n, step int) int { return (n + step - 1) / step * step }

// fillNCHW writes m into dst (one image of an NCHW batch, dstW wide) from
// the top-left, in BGR order as PaddleOCR feeds its models, normalised as
// (v/255 − mean)/std. Pixels beyond m's width and height stay as they are.
func fillNCHW(dst []float32, m *image.RGBA, dstW int, mean, std [3]float32) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	plane := len(dst) / 3
	for y := range h {
		for x := range w {
			o := m.PixOffset(x, y)
			for c := range 3 {
				v := float32(m.Pix[o+2-c]) / 255
				dst[c*plane+y*dstW+x] = (v - mean[c]) / std[c]
			}
		}
	}
}

// dbBoxes is DB post-processing: threshold the probability map, take each
// connected region's minimum-area rectangle, drop weak ones by their mean
// probability, and grow the rest by the unclip distance (area × ratio /
// perimeter, which for a rectangle is a uniform offset).
func dbBoxes(prob []float32, w, h int) []textBox {
	bits := newMask(w, h)
	for i, p := range prob {
		bits.v[i] = p > dbThresh
	}
	labels, sizes := bits.components()
	var boxes []textBox
	for id := 1; id < len(sizes); id++ {
		if sizes[id] < 4 {
			continue
		}
		hull := geom.ConvexHull(bits.boundary(labels, int32(id)))
		if len(hull) < 3 {
			continue
		}
		r := geom.MinAreaRect(hull)
		s := geom.QuadSides(r)
		if min(s[0], s[1]) < dbMinSide {
			continue
		}
		score := meanInQuad(prob, w, h, r)
		if score < dbBoxThresh {
			continue
		}
		d := s[0] * s[1] * dbUnclipRatio / (2 * (s[0] + s[1]))
		r = expandRect(r, d)
		if s := geom.QuadSides(r); min(s[0], s[1]) < dbMinSide+2 {
			continue
		}
		boxes = append(boxes, textBox{quad: r, score: score})
	}
	return boxes
}

// meanInQuad averages prob over the pixels whose centres lie in the convex
// quad q.
func meanInQuad(prob []float32, w, h int, q [4]geom.Point) float64 {
	x0, y0, x1, y1 := textBox{quad: q}.bounds()
	sum, n := 0.0, 0
	for y := max(int(y0), 0); y < min(int(math.Ceil(y1)), h); y++ {
		for x := max(int(x0), 0); x < min(int(math.Ceil(x1)), w); x++ {
			if inConvexQuad(q, geom.Pt(float64(x)+0.5, float64(y)+0.5)) {
				sum += float64(prob[y*w+x])
				n++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func inConvexQuad(q [4]geom.Point, p geom.Point) bool {
	sign := 0.0
	for i := range 4 {
		c := geom.Cross(q[i], q[(i+1)%4], p)
		if c == 0 {
			continue
		}
		if sign == 0 {
			sign = c
		} else if (c > 0) != (sign > 0) {
			return false
		}
	}
	return true
}

// expandRect grows a rectangle (clockwise corners) by d on every side.
func expandRect(r [4]geom.Point, d float64) [4]geom.Point {
	u := r[1].Sub(r[0])
	u = u.Scale(1 / geom.Norm(u))
	v := r[3].Sub(r[0])
	v = v.Scale(1 / geom.Norm(v))
	return [4]geom.Point{
		r[0].Sub(u.Scale(d)).Sub(v.Scale(d)),
		r[1].Add(u.Scale(d)).Sub(v.Scale(d)),
		r[2].Add(u.Scale(d)).Add(v.Scale(d)),
		r[3].Sub(u.Scale(d)).Add(v.Scale(d)),
	}
}
