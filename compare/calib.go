package compare

import (
	"fmt"
	"slices"
)

// The 0–100 score is piecewise linear in the cosine similarity through
// anchors set from compare/eval's impostor distribution: 0 at the anchor
// lo, then scoreAt[FAR] at the cosine whose measured false-accept rate is
// FAR, and 100 at cosine 1. The thresholds in score space are therefore
// the same for every model: 50, 60 and 70 for FAR 1e-2, 1e-3 and 1e-4.
var scoreAt = []threshold{{1e-2, 50}, {1e-3, 60}, {1e-4, 70}}

type threshold struct {
	far   float64
	score float32
}

// calibration maps one model's cosines (for one reference kind) to scores.
type calibration struct {
	lo  float32    // cosine scored 0
	cos [3]float32 // cosines at FAR 1e-2, 1e-3, 1e-4
}

type calKey struct {
	model string
	kind  Reference
}

func cal(lo float32, c1e2, c1e3, c1e4 float32) calibration {
	return calibration{lo: lo, cos: [3]float32{c1e2, c1e3, c1e4}}
}

// score maps a cosine to 0..100.
func (c calibration) score(cos float32) float32 {
	xs := []float32{c.lo, c.cos[0], c.cos[1], c.cos[2], 1}
	ys := []float32{0, scoreAt[0].score, scoreAt[1].score, scoreAt[2].score, 100}
	if cos <= xs[0] {
		return 0
	}
	for i := 1; i < len(xs); i++ {
		if cos <= xs[i] {
			return ys[i-1] + (ys[i]-ys[i-1])*(cos-xs[i-1])/(xs[i]-xs[i-1])
		}
	}
	return 100
}

func thresholdFor(model string, kind Reference, far float64) (float32, error) {
	if _, ok := calibrations[calKey{model, kind}]; !ok {
		return 0, fmt.Errorf("compare: unknown model %q (have %v)", model, Models)
	}
	i := slices.IndexFunc(scoreAt, func(t threshold) bool { return t.far == far })
	if i < 0 {
		return 0, fmt.Errorf("compare: FAR %g has no threshold (have 1e-2, 1e-3, 1e-4)", far)
	}
	return scoreAt[i].score, nil
}

// calibrations, from `liveid eval compare` (compare/eval) with
// DefaultLimits: cal(lo, cosine at FAR 1e-2, 1e-3, 1e-4); the evaluation's
// report gives each model's error rates. mobilefacenet gives nearly the
// same vector for every face, so its thresholds sit at cosine 1 and
// nothing passes.
var calibrations = map[calKey]calibration{
	{FaceRes, Photo}: cal(0.177, 0.552, 0.607, 0.662), {FaceRes, IDPortrait}: cal(0.182, 0.572, 0.624, 0.668),
	{FaceAPI, Photo}: cal(0.793, 0.927, 0.961, 0.982), {FaceAPI, IDPortrait}: cal(0.797, 0.926, 0.961, 0.981),
	{MobileFaceNet, Photo}: cal(1, 1, 1, 1), {MobileFaceNet, IDPortrait}: cal(1, 1, 1, 1),
}
