package face

import (
	"math"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/internal/geom"
)

// Signals are the per-frame measurements the quality codes and the
// best-frame score are made from.
type Signals struct {
	// Head pose in degrees, from the mesh's 3-D outline: Yaw > 0 when the
	// face turns towards the image's right, Pitch > 0 when it tilts up,
	// Roll > 0 when it leans clockwise on screen. 0, 0, 0 is frontal.
	Yaw, Pitch, Roll float32
	// Eye aspect ratio of each eye (lid gap over eye width, both in 3-D):
	// about 0.25–0.35 open, below 0.15 closed.
	RightEye, LeftEye float32
	// Mouth is the inner-lip gap over the mouth width: about 0 closed,
	// 0.3 and more wide open.
	Mouth float32
	// Box is the mesh's box; BoxRel the same as fractions of the upright
	// frame's width and height.
	Box, BoxRel imgproc.Rect
	// Confidence is the mesh's face-presence score.
	Confidence float32
	// Luma is the exposure of the central face region and Sharpness its
	// variance of Laplacian (imgproc.Sharpness).
	Luma      imgproc.Stats
	Sharpness float32
	// Speed is how fast the face moves, in face widths per second (the
	// larger of its centre's speed and its relative change of size); 0 for
	// the first frame of a track and for stills.
	Speed float32
}

func v3(p Point3) geom.Vec3 { return geom.Vec3{float64(p.X), float64(p.Y), float64(p.Z)} }

// pose builds the face's axes from the mesh, x from cheek to cheek and
// across the outer eye corners, y from forehead to chin, and reads the
// angles off the direction the face points (-z) and the x axis. The mesh's
// z is on the x/y pixel scale, which is what makes the angles metric.
func pose(m *Mesh) (yaw, pitch, roll float32) {
	p := &m.Points
	x := v3(p[MeshLeftEdge]).Sub(v3(p[MeshRightEdge])).Unit().
		Add(v3(p[MeshEyes[1].Outer]).Sub(v3(p[MeshEyes[0].Outer])).Unit())
	y := v3(p[MeshChin]).Sub(v3(p[MeshForehead])).Unit()
	z := x.Cross(y).Unit() // into the screen for a frontal face
	x = y.Cross(z).Unit()  // square the axes up
	fwd := geom.Vec3{-z[0], -z[1], -z[2]}
	yaw = deg(math.Atan2(fwd[0], -fwd[2]))
	pitch = deg(math.Atan2(-fwd[1], math.Hypot(fwd[0], fwd[2])))
	roll = deg(math.Atan2(x[1], x[0]))
	return yaw, pitch, roll
}

func dist3(a, b Point3) float32 { return float32(v3(a).Sub(v3(b)).Norm()) }

// eyeRatio is the eye aspect ratio: the mean of the EyeGaps lid gaps over
// the corner-to-corner width.
func eyeRatio(m *Mesh, e *EyeTopology) float32 {
	w := dist3(m.Points[e.Outer], m.Points[e.Inner])
	if w == 0 {
		return 0
	}
	a, b := EyeGaps[0], EyeGaps[1]
	gap := dist3(m.Points[e.Upper[a]], m.Points[e.Lower[a]]) + dist3(m.Points[e.Upper[b]], m.Points[e.Lower[b]])
	return gap / (2 * w)
}

func mouthRatio(m *Mesh) float32 {
	w := dist3(m.Points[MeshMouthInnerRight], m.Points[MeshMouthInnerLeft])
	if w == 0 {
		return 0
	}
	return dist3(m.Points[MeshUpperLipInner], m.Points[MeshLowerLipInner]) / w
}

// innerFace is the central face region (brows to mouth, cheek to cheek at
// 60%), where exposure and focus are measured without hair or background.
func innerFace(m *Mesh) imgproc.Rect {
	b := m.Box()
	return imgproc.Rect{X: b.X + 0.2*b.W, Y: b.Y + 0.2*b.H, W: 0.6 * b.W, H: 0.6 * b.H}
}

// measure fills the geometric signals and the image measurements of s.
func measure(f *imgproc.Frame, m *Mesh, s *Signals) error {
	s.Yaw, s.Pitch, s.Roll = pose(m)
	s.RightEye = eyeRatio(m, &MeshEyes[0])
	s.LeftEye = eyeRatio(m, &MeshEyes[1])
	s.Mouth = mouthRatio(m)
	s.Box = m.Box()
	w, h := f.Upright()
	s.BoxRel = imgproc.Rect{X: s.Box.X / float32(w), Y: s.Box.Y / float32(h), W: s.Box.W / float32(w), H: s.Box.H / float32(h)}
	s.Confidence = m.Presence
	in := innerFace(m)
	var err error
	if s.Luma, err = imgproc.LumaStats(f, in); err != nil {
		return err
	}
	s.Sharpness, err = imgproc.Sharpness(f, in)
	return err
}
