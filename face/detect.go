package face

import (
	"cmp"
	"math"
	"slices"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
)

// Keypoint indexes Detection.Keypoints, in BlazeFace's order.
type Keypoint int

const (
	RightEye Keypoint = iota
	LeftEye
	NoseTip
	MouthCenter
	RightEar // ear tragion
	LeftEar
)

// Detection is one face BlazeFace found.
type Detection struct {
	Box       imgproc.Rect // upright-frame pixels
	Keypoints [6]Point
	Score     float32 // 0..1
}

// BlazeFace (back-camera variant, 256×256): 16×16 cells of stride 16 with 2
// anchors each, then 8×8 cells of stride 32 with 6 anchors each; every
// anchor regresses 16 values in input pixels relative to its cell centre.
const (
	detSize    = 256
	detAnchors = 16*16*2 + 8*8*6
	detRegs    = 16
)

// Detector runs BlazeFace on whole frames.
type Detector struct {
	sess     *models.Session
	minScore float32 // as a logit, to skip the sigmoid for most anchors
	overlap  float32
	in       []float32
	outs     [][]float32
	// the four outputs: scores and regressors of the 512 and the 384 anchors
	score512, reg512, score384, reg384 []float32
	anchors                            [detAnchors]Point
	cands                              []Detection
	used                               []bool
}

var detSpec = imgproc.TensorSpec{
	Width: detSize, Height: detSize,
	Mean: [3]float32{127.5, 127.5, 127.5}, Std: [3]float32{127.5, 127.5, 127.5},
}

// NewDetector loads the BlazeFace model from the model directory dir; cfg
// gives MinDetectionScore and NMSOverlap. The runtime must have been
// started (models.InitRuntime).
func NewDetector(dir string, o models.Options, cfg Config) (*Detector, error) {
	s, err := models.Open(dir, DetectorModel, o, nil)
	if err != nil {
		return nil, err
	}
	d := &Detector{sess: s, overlap: cfg.NMSOverlap, in: make([]float32, detSpec.Len()), outs: s.NewOutputs()}
	d.minScore = logit(cfg.MinDetectionScore)
	if err := d.bindOutputs(); err != nil {
		s.Close()
		return nil, err
	}
	d.makeAnchors()
	return d, nil
}

func (d *Detector) bindOutputs() error {
	for _, o := range []struct {
		name string
		n    int
		dst  *[]float32
	}{
		{"Identity", 512, &d.score512}, {"Identity_2", 512 * detRegs, &d.reg512},
		{"Identity_1", 384, &d.score384}, {"Identity_3", 384 * detRegs, &d.reg384},
	} {
		i, err := d.sess.Output(o.name)
		if err != nil {
			return err
		}
		if len(d.outs[i]) != o.n {
			return mismatch(d.sess, o.name+" is not a BlazeFace 256 output")
		}
		*o.dst = d.outs[i]
	}
	return nil
}

func (d *Detector) makeAnchors() {
	i := 0
	for _, g := range []struct{ cells, stride, per int }{{16, 16, 2}, {8, 32, 6}} {
		for row := range g.cells {
			for col := range g.cells {
				for range g.per {
					d.anchors[i] = Point{(float32(col) + 0.5) * float32(g.stride), (float32(row) + 0.5) * float32(g.stride)}
					i++
				}
			}
		}
	}
}

// Close releases the model.
func (d *Detector) Close() error { return d.sess.Close() }

// Detect finds the faces in f, best first, appending to dst[:0]. A frame
// that is not square is letterboxed: the model sees the centred square of
// side max(width, height), padded with black.
func (d *Detector) Detect(f *imgproc.Frame, dst []Detection) ([]Detection, error) {
	w, h := f.Upright()
	side := float32(max(w, h))
	region := imgproc.Rect{X: (float32(w) - side) / 2, Y: (float32(h) - side) / 2, W: side, H: side}
	if err := imgproc.CropResize(f, region, detSpec, d.in); err != nil {
		return dst[:0], err
	}
	if err := d.sess.Run([][]float32{d.in}, d.outs); err != nil {
		return dst[:0], err
	}
	d.decode(region)
	return d.suppress(dst[:0]), nil
}

// decode collects the anchors above the score threshold, in frame pixels.
func (d *Detector) decode(region imgproc.Rect) {
	d.cands = d.cands[:0]
	s := region.W / detSize
	add := func(scores, regs []float32, first int) {
		for i, lg := range scores {
			if lg < d.minScore {
				continue
			}
			a := d.anchors[first+i]
			r := regs[i*detRegs : (i+1)*detRegs]
			var det Detection
			det.Score = sigmoid(lg)
			cx, cy := a.X+r[0], a.Y+r[1]
			det.Box = imgproc.Rect{
				X: region.X + (cx-r[2]/2)*s, Y: region.Y + (cy-r[3]/2)*s,
				W: r[2] * s, H: r[3] * s,
			}
			for k := range det.Keypoints {
				det.Keypoints[k] = Point{region.X + (a.X+r[4+2*k])*s, region.Y + (a.Y+r[5+2*k])*s}
			}
			d.cands = append(d.cands, det)
		}
	}
	add(d.score512, d.reg512, 0)
	add(d.score384, d.reg384, 512)
}

// suppress is MediaPipe-style weighted non-maximum suppression: each kept
// face is the score-weighted mean of the candidates overlapping the best
// remaining one, which steadies the box between frames compared with
// keeping the single best anchor.
func (d *Detector) suppress(dst []Detection) []Detection {
	c := d.cands
	slices.SortFunc(c, func(a, b Detection) int { return cmp.Compare(b.Score, a.Score) })
	d.used = slices.Grow(d.used[:0], len(c))[:len(c)]
	clear(d.used)
	for i := range c {
		if d.used[i] {
			continue
		}
		var acc Detection
		var wsum float32
		for j := i; j < len(c); j++ {
			if d.used[j] || IoU(c[i].Box, c[j].Box) <= d.overlap {
				continue
			}
			d.used[j] = true
			wt := c[j].Score
			wsum += wt
			acc.Box.X += wt * c[j].Box.X
			acc.Box.Y += wt * c[j].Box.Y
			acc.Box.W += wt * c[j].Box.W
			acc.Box.H += wt * c[j].Box.H
			for k, p := range c[j].Keypoints {
				acc.Keypoints[k].X += wt * p.X
				acc.Keypoints[k].Y += wt * p.Y
			}
		}
		acc.Box = imgproc.Rect{X: acc.Box.X / wsum, Y: acc.Box.Y / wsum, W: acc.Box.W / wsum, H: acc.Box.H / wsum}
		for k := range acc.Keypoints {
			acc.Keypoints[k].X /= wsum
			acc.Keypoints[k].Y /= wsum
		}
		acc.Score = c[i].Score
		if !covered(acc.Box, dst) {
			dst = append(dst, acc)
		}
	}
	return dst
}

// covered reports whether over 40% of b lies inside a box already kept: two
// faces cannot share a place, and BlazeFace (tuned for faces well inside
// the frame) adds such a box inside a face that fills the frame.
func covered(b imgproc.Rect, kept []Detection) bool {
	for _, k := range kept {
		ix := min(b.X+b.W, k.Box.X+k.Box.W) - max(b.X, k.Box.X)
		iy := min(b.Y+b.H, k.Box.Y+k.Box.H) - max(b.Y, k.Box.Y)
		if ix > 0 && iy > 0 && ix*iy > 0.4*b.W*b.H {
			return true
		}
	}
	return false
}

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

func logit(p float32) float32 {
	p = min(max(p, 1e-6), 1-1e-6)
	return float32(math.Log(float64(p / (1 - p))))
}
