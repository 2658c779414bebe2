package face

import (
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
)

// The iris model sees a 64×64 square around one eye, 2.3 times the corner
// to corner distance (MediaPipe's crop), and returns 71 eye-contour and brow
// points then 5 iris points (centre first). It was trained on the subject's
// right eye (outer corner on the image's left); the left eye is mirrored on
// the way in and out.
const (
	irisSize    = 64
	irisScale   = 2.3
	irisContour = 71
	irisPoints  = 76
)

var irisSpec = imgproc.TensorSpec{
	Width: irisSize, Height: irisSize,
	Std: [3]float32{255, 255, 255},
}

type irisModel struct {
	sess *models.Session
	in   []float32 // both eyes, right then left
	out  []float32
	rois [2]ROI
	// held: out holds a measurement that may be carried to the next frame
	// (see reuse); false before the first run and after a lost face.
	held bool
}

func newIris(dir string, o models.Options) (*irisModel, error) {
	s, err := models.Open(dir, IrisModel, o, map[string][]int64{"input_1": {2, irisSize, irisSize, 3}})
	if err != nil {
		return nil, err
	}
	outs := s.NewOutputs()
	if len(outs) != 1 || len(outs[0]) != 2*3*irisPoints {
		s.Close()
		return nil, mismatch(s, "output is not 2×76×3")
	}
	return &irisModel{sess: s, in: make([]float32, 2*irisSpec.Len()), out: outs[0]}, nil
}

// refine replaces the mesh's eyelid points with the iris model's and fills
// the iris centres and edges.
func (ir *irisModel) refine(f *imgproc.Frame, m *Mesh) error {
	ir.place(m)
	n := irisSpec.Len()
	for e := range 2 {
		aff := ir.rois[e].Affine(irisSize)
		if e == 1 {
			aff = mirrorU(aff, irisSize)
		}
		if err := imgproc.Warp(f, aff, irisSpec, ir.in[e*n:(e+1)*n]); err != nil {
			return err
		}
	}
	if err := ir.sess.Run([][]float32{ir.in}, [][]float32{ir.out}); err != nil {
		ir.held = false
		return err
	}
	ir.held = true
	ir.applyBoth(m)
	return nil
}

// reuse lays the last measured eyes onto m without running the model: the
// eyelid and iris points keep their place in each eye's square, which
// follows m's eye corners. Between two measurements a few frames apart the
// eye's shape changes little unless it blinks, and callers measure every
// frame where a blink matters (Tracker.SetIrisEvery).
func (ir *irisModel) reuse(m *Mesh) {
	ir.place(m)
	ir.applyBoth(m)
}

// place sets each eye's square from m's eye corners (MediaPipe's crop).
func (ir *irisModel) place(m *Mesh) {
	corners := [2][2]int{{MeshEyes[0].Outer, MeshEyes[0].Inner}, {MeshEyes[1].Inner, MeshEyes[1].Outer}}
	for e, c := range corners {
		a, b := m.Points[c[0]].xy(), m.Points[c[1]].xy()
		ir.rois[e] = ROI{Center: mid(a, b), Size: irisScale * dist(a, b), Angle: angleOf(a, b)}
	}
}

func (ir *irisModel) applyBoth(m *Mesh) {
	for e := range 2 {
		ir.apply(m, e, ir.out[e*3*irisPoints:(e+1)*3*irisPoints])
	}
}

func (ir *irisModel) apply(m *Mesh, eye int, out []float32) {
	roi := ir.rois[eye]
	zs := roi.Size / irisSize
	at := func(i int) Point3 {
		u := out[3*i]
		if eye == 1 {
			u = irisSize - u
		}
		p := roi.toFrame(u, out[3*i+1], irisSize)
		return Point3{p.X, p.Y, out[3*i+2] * zs}
	}
	for k, mi := range irisLids[eye] {
		p := at(k)
		// The iris model's depth has its own origin; keep the mesh's.
		p.Z = m.Points[mi].Z
		m.Points[mi] = p
	}
	lidZ := (m.Points[irisLids[eye][4]].Z + m.Points[irisLids[eye][12]].Z) / 2
	for k := range m.Iris[eye] {
		p := at(irisContour + k)
		p.Z = lidZ
		m.Iris[eye][k] = p
	}
}

// mirrorU makes an affine sample its tensor mirrored left to right.
func mirrorU(m imgproc.Affine, n int) imgproc.Affine {
	w := float32(n - 1)
	return imgproc.Affine{-m[0], m[1], m[0]*w + m[2], -m[3], m[4], m[3]*w + m[5]}
}

func (ir *irisModel) close() error { return ir.sess.Close() }
