package face

import (
	"math"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
)

// MeshPoints is the number of FaceMesh landmarks.
const MeshPoints = 468

// Mesh is FaceMesh's output mapped to the upright frame.
type Mesh struct {
	Points [MeshPoints]Point3
	// Presence is the model's face-presence probability for the ROI.
	Presence float32
	// ROI is the region the model saw.
	ROI ROI
	// Iris holds the right then the left iris (centre, then four points on
	// its edge) when the Landmarker refines eyes; zero otherwise.
	Iris [2][5]Point3
}

const meshSize = 192

var meshSpec = imgproc.TensorSpec{
	Width: meshSize, Height: meshSize,
	Std: [3]float32{255, 255, 255},
}

// Landmarker runs FaceMesh on ROIs of frames.
type Landmarker struct {
	sess         *models.Session
	in           []float32
	outs         [][]float32
	points, flag []float32
	iris         *irisModel // nil: no eye refinement
}

// NewLandmarker loads the FaceMesh model from the model directory dir and,
// if iris is set, the iris model that refines the eyelids and finds the
// irises (without it the eyelids come from the mesh alone, which follows
// blinks poorly). The runtime must have been started (models.InitRuntime).
func NewLandmarker(dir string, o models.Options, iris bool) (*Landmarker, error) {
	s, err := models.Open(dir, MeshModel, o, nil)
	if err != nil {
		return nil, err
	}
	l := &Landmarker{sess: s, in: make([]float32, meshSpec.Len()), outs: s.NewOutputs()}
	ip, err := s.Output("output_mesh")
	if err == nil && len(l.outs[ip]) != 3*MeshPoints {
		err = mismatch(s, "output_mesh is not 468×3")
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	iflag, err := s.Output("output_faceflag")
	if err != nil {
		s.Close()
		return nil, err
	}
	l.points, l.flag = l.outs[ip], l.outs[iflag]
	if iris {
		if l.iris, err = newIris(dir, o); err != nil {
			s.Close()
			return nil, err
		}
	}
	return l, nil
}

// Close releases the models.
func (l *Landmarker) Close() error {
	if l.iris != nil {
		l.iris.close()
	}
	return l.sess.Close()
}

// Run samples roi from f and writes the landmarks, in upright-frame pixels,
// to dst.
func (l *Landmarker) Run(f *imgproc.Frame, roi ROI, dst *Mesh) error {
	_, err := l.run(f, roi, dst, true)
	return err
}

// run is Run; without measureEyes it lays the last measured eyes onto the
// new mesh instead of running the iris model, when there are any. It
// reports whether the iris model ran.
func (l *Landmarker) run(f *imgproc.Frame, roi ROI, dst *Mesh, measureEyes bool) (bool, error) {
	if err := imgproc.Warp(f, roi.Affine(meshSize), meshSpec, l.in); err != nil {
		return false, err
	}
	if err := l.sess.Run([][]float32{l.in}, l.outs); err != nil {
		return false, err
	}
	zs := roi.Size / meshSize
	for i := range dst.Points {
		p := l.points[3*i : 3*i+3]
		q := roi.toFrame(p[0], p[1], meshSize)
		dst.Points[i] = Point3{q.X, q.Y, p[2] * zs}
	}
	dst.Presence = l.flag[0]
	dst.ROI = roi
	if l.iris == nil || dst.Presence < minIrisPresence {
		dst.Iris = [2][5]Point3{} // FivePoints must not take a stale iris
		l.forgetEyes()
		return false, nil
	}
	if !measureEyes && l.iris.held {
		l.iris.reuse(dst)
		return false, nil
	}
	return true, l.iris.refine(f, dst)
}

// forgetEyes drops the held eye measurement: the next run measures.
func (l *Landmarker) forgetEyes() {
	if l.iris != nil {
		l.iris.held = false
	}
}

// roiScale: FaceMesh was trained on crops 1.5 times the face box
// (MediaPipe's scale, from a detection and from the previous mesh alike).
const roiScale = 1.5

// minIrisPresence: below it the mesh's eye corners are guesses, and so
// would be an eye crop placed on them.
const minIrisPresence = 0.5

// ROIFromDetection is the FaceMesh ROI for a detected face: the box's centre,
// turned so the eyes are level.
func ROIFromDetection(d Detection) ROI {
	return ROI{
		Center: center(d.Box),
		Size:   roiScale * max(d.Box.W, d.Box.H),
		Angle:  angleOf(d.Keypoints[RightEye], d.Keypoints[LeftEye]),
	}
}

// ROIFromMesh is the ROI for the next frame: the mesh's Square enlarged to
// FaceMesh's crop.
func ROIFromMesh(m *Mesh) ROI {
	r := m.Square()
	r.Size *= roiScale
	return r
}

// Square is the face's upright square: the mesh's extent measured along
// its own eye line (so that roll does not inflate it), squared to its
// longer side and turned by the eye line's angle. Cropped through
// ROI.Angle it shows the face with the eyes level.
func (m *Mesh) Square() ROI {
	angle := angleOf(m.Points[MeshEyes[0].Outer].xy(), m.Points[MeshEyes[1].Outer].xy())
	sin, cos := math.Sincos(float64(angle))
	s, c := float32(sin), float32(cos)
	lo, hi := Point{math.MaxFloat32, math.MaxFloat32}, Point{-math.MaxFloat32, -math.MaxFloat32}
	for _, p := range m.Points {
		u, v := c*p.X+s*p.Y, -s*p.X+c*p.Y // rotate by -angle
		lo = Point{min(lo.X, u), min(lo.Y, v)}
		hi = Point{max(hi.X, u), max(hi.Y, v)}
	}
	cu, cv := (lo.X+hi.X)/2, (lo.Y+hi.Y)/2
	return ROI{
		Center: Point{c*cu - s*cv, s*cu + c*cv},
		Size:   max(hi.X-lo.X, hi.Y-lo.Y),
		Angle:  angle,
	}
}

// Box is the axis-aligned box around the mesh.
func (m *Mesh) Box() imgproc.Rect {
	lo, hi := Point{math.MaxFloat32, math.MaxFloat32}, Point{-math.MaxFloat32, -math.MaxFloat32}
	for _, p := range m.Points {
		lo = Point{min(lo.X, p.X), min(lo.Y, p.Y)}
		hi = Point{max(hi.X, p.X), max(hi.Y, p.Y)}
	}
	return imgproc.Rect{X: lo.X, Y: lo.Y, W: hi.X - lo.X, H: hi.Y - lo.Y}
}

// FivePoints are the landmarks face alignment uses, in the order of the
// usual 5-point templates (ArcFace's, dlib's): right eye centre, left eye
// centre, nose tip, right and left mouth corner, in upright-frame pixels.
// The eye centres are the iris centres when the Landmarker refined the
// eyes, else the midpoints of the eye corners.
func (m *Mesh) FivePoints() [5]Point {
	var eyes [2]Point
	for i, e := range MeshEyes {
		eyes[i] = mid(m.Points[e.Outer].xy(), m.Points[e.Inner].xy())
		if c := m.Iris[i][0]; c != (Point3{}) {
			eyes[i] = c.xy()
		}
	}
	return [5]Point{eyes[0], eyes[1], m.Points[MeshNoseTip].xy(), m.Points[MeshMouthRight].xy(), m.Points[MeshMouthLeft].xy()}
}
