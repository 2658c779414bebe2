package compare

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
)

func TestScaledTemplate(t *testing.T) {
	// The same template at twice the size: index coordinates map by
	// p·2 + 0.5 (pixel centres of the larger grid).
	s := arcFace112.scaled(224, 1)
	for i, p := range arcFace112.points {
		for j := range 2 {
			if got, want := s.points[i][j], 2*p[j]+0.5; math.Abs(float64(got-want)) > 1e-4 {
				t.Errorf("point %d[%d] = %v, want %v", i, j, got, want)
			}
		}
	}
	// Zoom 0.5 halves the distance from the centre.
	z := arcFace112.scaled(112, 0.5)
	c := float32(111) / 2
	if got, want := z.points[0][0]-c, (arcFace112.points[0][0]-c)/2; math.Abs(float64(got-want)) > 1e-4 {
		t.Errorf("zoomed eye x offset %v, want %v", got, want)
	}
}

func TestTemplateAffine(t *testing.T) {
	// Frame points that are the template turned by 30°, doubled and
	// moved: the affine must send each template point onto its frame point.
	sin, cos := math.Sincos(math.Pi / 6)
	var pts [5]face.Point
	for i, p := range dlib150.points {
		x, y := float64(p[0]), float64(p[1])
		pts[i] = face.Point{X: float32(2*(cos*x-sin*y)+300) + 0.5, Y: float32(2*(sin*x+cos*y)+100) + 0.5}
	}
	m, err := dlib150.affine(pts)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range dlib150.points {
		x, y := m.Apply(p[0], p[1])
		if d := math.Hypot(float64(x-(pts[i].X-0.5)), float64(y-(pts[i].Y-0.5))); d > 1e-3 {
			t.Errorf("point %d lands %.4f px off", i, d)
		}
	}
	if _, err := dlib150.affine([5]face.Point{}); !errors.Is(err, imgproc.ErrPoints) {
		t.Errorf("coincident points: %v, want ErrPoints", err)
	}
}

func TestToGrey(t *testing.T) {
	// One pure-red pixel, BGR with caffe means as faceres takes it: every
	// channel must end as the luma 0.299·255 minus that channel's mean.
	spec := imgproc.TensorSpec{Width: 1, Height: 1, BGR: true, Mean: [3]float32{103.939, 116.779, 123.68}, Std: [3]float32{1, 1, 1}}
	px := []float32{0 - spec.Mean[0], 0 - spec.Mean[1], 255 - spec.Mean[2]}
	toGrey(spec, px)
	y := float32(0.299 * 255)
	for c := range 3 {
		if want := y - spec.Mean[c]; math.Abs(float64(px[c]-want)) > 1e-3 {
			t.Errorf("channel %d = %v, want %v", c, px[c], want)
		}
	}
}

func TestNormalise(t *testing.T) {
	v := []float32{3, 4}
	if !normalise(v) || v[0] != 0.6 || v[1] != 0.8 {
		t.Errorf("normalise(3,4) = %v", v)
	}
	for _, bad := range [][]float32{{0, 0}, {float32(math.NaN()), 1}, {float32(math.Inf(1)), 0}} {
		if normalise(bad) {
			t.Errorf("normalise(%v) = true", bad)
		}
	}
}

func TestCalibrationScore(t *testing.T) {
	c := cal(0.2, 0.5, 0.6, 0.7)
	for _, tc := range []struct{ cos, want float32 }{
		{-1, 0}, {0.2, 0}, {0.35, 25}, {0.5, 50}, {0.6, 60}, {0.7, 70}, {0.85, 85}, {1, 100},
	} {
		if got := c.score(tc.cos); math.Abs(float64(got-tc.want)) > 1e-4 {
			t.Errorf("score(%v) = %v, want %v", tc.cos, got, tc.want)
		}
	}
	// Every shipped calibration is monotone: a higher cosine never scores lower.
	for k, c := range calibrations {
		prev := float32(-1)
		for cos := float32(-1); cos <= 1; cos += 0.001 {
			s := c.score(cos)
			if s < prev || s < 0 || s > 100 {
				t.Fatalf("%v: score(%v) = %v after %v", k, cos, s, prev)
			}
			prev = s
		}
	}
}

func TestThresholdFor(t *testing.T) {
	if s, err := thresholdFor(FaceRes, Photo, 1e-3); err != nil || s != 60 {
		t.Errorf("thresholdFor(faceres, 1e-3) = %v, %v", s, err)
	}
	if _, err := thresholdFor(FaceRes, Photo, 0.05); err == nil {
		t.Error("FAR 0.05 accepted")
	}
	if _, err := thresholdFor("arcface", Photo, 1e-3); err == nil {
		t.Error("unknown model accepted")
	}
	if _, err := New(nil, Options{Model: "arcface"}); err == nil {
		t.Error("New with an unknown model succeeded")
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New without a tracker succeeded")
	}
}

func TestSimilarityMismatch(t *testing.T) {
	a := Embedding{Model: FaceRes, Vector: []float32{1, 0}}
	for _, b := range []Embedding{
		{Model: FaceAPI, Vector: []float32{1, 0}},
		{Model: FaceRes, Kind: IDPortrait, Vector: []float32{1, 0}},
		{Model: FaceRes, Vector: []float32{1, 0, 0}},
		{Model: FaceRes},
	} {
		_, err := Similarity(a, b)
		if me, ok := errors.AsType[*MismatchError](err); !ok || !errors.Is(err, ErrMismatch) || me.Code() != "COMPARE_MISMATCH" {
			t.Errorf("Similarity(%v, %v): %v, want a COMPARE_MISMATCH *MismatchError matching ErrMismatch", a, b, err)
		}
	}
	if s, err := Similarity(a, Embedding{Model: FaceRes, Vector: []float32{0.6, 0.8}}); err != nil || math.Abs(float64(s-0.6)) > 1e-6 {
		t.Errorf("Similarity = %v, %v; want 0.6", s, err)
	}
}

func TestFaceError(t *testing.T) {
	err := sideError(&FaceError{Reason: TooBlurred, Detail: "focus 1.0 < 2.0"}, "b")
	if !errors.Is(err, ErrTooBlurred) || errors.Is(err, ErrNoFace) {
		t.Errorf("%v does not match only ErrTooBlurred", err)
	}
	if got, want := err.Error(), "compare: COMPARE_FACE_TOO_BLURRED in image b: focus 1.0 < 2.0"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if fe, ok := errors.AsType[*FaceError](err); !ok || fe.Code() != "COMPARE_FACE_TOO_BLURRED" {
		t.Errorf("%v: want a *FaceError with code COMPARE_FACE_TOO_BLURRED", err)
	}
}

func TestSmooth(t *testing.T) {
	// One bright pixel in a 3×3 NHWC tensor spreads as [1 2 1]²/16; a
	// flat tensor stays flat (edges repeat).
	for _, nchw := range []bool{false, true} {
		spec := imgproc.TensorSpec{Width: 3, Height: 3, NCHW: nchw}
		v := make([]float32, 27)
		at := func(x, y, c int) *float32 {
			if nchw {
				return &v[c*9+y*3+x]
			}
			return &v[(y*3+x)*3+c]
		}
		*at(1, 1, 1) = 16
		smooth(spec, v, nil)
		want := [3][3]float32{{1, 2, 1}, {2, 4, 2}, {1, 2, 1}}
		for y := range 3 {
			for x := range 3 {
				if got := *at(x, y, 1); got != want[y][x] || *at(x, y, 0) != 0 {
					t.Errorf("nchw %v: (%d,%d) = %v, want %v", nchw, x, y, got, want[y][x])
				}
			}
		}
		flat := make([]float32, 27)
		for i := range flat {
			flat[i] = 5
		}
		smooth(spec, flat, nil)
		for i, f := range flat {
			if f != 5 {
				t.Fatalf("nchw %v: flat tensor changed at %d: %v", nchw, i, f)
			}
		}
	}
}

// A Face's aligned copy must give the model the very tensor that warping
// the frame into the model's input gives: the copy is exact.
func TestCropIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for i := range img.Pix {
		img.Pix[i] = byte(r.IntN(256))
	}
	nv21, err := imgproc.ToNV21(img, 90, true)
	if err != nil {
		t.Fatal(err)
	}
	var pts [5]face.Point // dlib's template, turned, scaled by 1.3 and moved
	sin, cos := math.Sincos(0.2)
	for i, p := range dlib150.points {
		x, y := float64(p[0]), float64(p[1])
		pts[i] = face.Point{X: float32(1.3*(cos*x-sin*y)+40) + 0.5, Y: float32(1.3*(sin*x+cos*y)+10) + 0.5}
	}
	for _, f := range []*imgproc.Frame{imgproc.FromImage(img), nv21} {
		for _, spec := range []imgproc.TensorSpec{
			{Width: 150, Height: 150, Mean: [3]float32{127.5, 127.5, 127.5}, Std: [3]float32{128, 128, 128}},
			{Width: 150, Height: 150, NCHW: true, BGR: true, Mean: [3]float32{103.939, 116.779, 123.68}, Std: [3]float32{1, 1, 1}},
			{Width: 150, Height: 150, NCHW: true, Mean: [3]float32{0.485 * 255, 0.456 * 255, 0.406 * 255}, Std: [3]float32{0.229 * 255, 0.224 * 255, 0.225 * 255}},
		} {
			e := &embedder{spec: spec, crop: imgproc.TensorSpec{Width: 150, Height: 150, Std: [3]float32{1, 1, 1}}, tmpl: dlib150, in: make([]float32, spec.Len())}
			m, err := dlib150.affine(pts)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float32, spec.Len())
			if err := imgproc.Warp(f, m, spec, want); err != nil {
				t.Fatal(err)
			}
			rgb, err := e.align(f, pts, nil)
			if err != nil {
				t.Fatal(err)
			}
			e.input(rgb)
			for i := range want {
				if e.in[i] != want[i] {
					t.Fatalf("%s frame, spec %+v: value %d is %v from the copy, %v from the frame", f.Format, spec, i, e.in[i], want[i])
				}
			}
		}
	}
}

// TestMatchRefusesBadEmbeddings: a NaN scored 100 and passed before, and a
// vector of the wrong length was clamped to cosine 1 and passed.
func TestMatchRefusesBadEmbeddings(t *testing.T) {
	c := &Comparer{far: 1e-3}
	unit := []float32{0.6, 0.8, 0}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, model := range Models {
		for name, v := range map[string][]float32{
			"NaN":           {nan, 0.8, 0},
			"all NaN":       {nan, nan, nan},
			"+Inf":          {inf, 0, 0},
			"long":          {6, 8, 0},
			"short":         {0.06, 0.08, 0},
			"zero":          {0, 0, 0},
			"barely long":   {0.6, 0.8, 0.05},
			"denormal tiny": {1e-40, 0, 0},
		} {
			for _, pair := range [][2][]float32{{v, unit}, {unit, v}} {
				a := Face{Embedding: Embedding{Model: model, Vector: pair[0]}}
				b := Face{Embedding: Embedding{Model: model, Vector: pair[1]}}
				r, err := c.Match(a, b)
				ee, ok := errors.AsType[*EmbeddingError](err)
				if !ok || !errors.Is(err, ErrBadEmbedding) || ee.Code() != "COMPARE_BAD_EMBEDDING" || r.Pass || r.Score != 0 {
					t.Errorf("%s, %s: %+v, %v; want a COMPARE_BAD_EMBEDDING error", model, name, r, err)
				}
			}
		}
		if r, err := c.Match(Face{Embedding: Embedding{Model: model, Vector: unit}}, Face{Embedding: Embedding{Model: model, Vector: unit}}); err != nil || r.Similarity != 1 {
			t.Errorf("%s: a unit vector with itself: %+v, %v", model, r, err)
		}
	}
}

// FuzzMatch: any two vectors either fail with a typed error or give a
// similarity in -1..1, a score in 0..100 and a pass only at the threshold.
func FuzzMatch(f *testing.F) {
	f.Add(float32(0.6), float32(0.8), float32(0), float32(1), float32(0), float32(0), uint8(0))
	f.Add(float32(math.NaN()), float32(0.8), float32(0), float32(0.6), float32(0.8), float32(0), uint8(1))
	f.Add(float32(6), float32(8), float32(0), float32(0.6), float32(0.8), float32(0), uint8(2))
	c := &Comparer{far: 1e-3}
	f.Fuzz(func(t *testing.T, a0, a1, a2, b0, b1, b2 float32, m uint8) {
		model := Models[int(m)%len(Models)]
		a := Face{Embedding: Embedding{Model: model, Vector: []float32{a0, a1, a2}}}
		b := Face{Embedding: Embedding{Model: model, Vector: []float32{b0, b1, b2}}}
		r, err := c.Match(a, b)
		if err != nil {
			if !errors.Is(err, ErrBadEmbedding) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if checkUnit("a", a.Vector) != nil || checkUnit("b", b.Vector) != nil {
			t.Fatalf("scored a vector that is not unit: %v %v", a.Vector, b.Vector)
		}
		if !(r.Similarity >= -1 && r.Similarity <= 1) || !(r.Score >= 0 && r.Score <= 100) || r.Pass && r.Score < 60 {
			t.Fatalf("%v · %v: %+v", a.Vector, b.Vector, r)
		}
	})
}
