package liveness

import (
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
)

// MeshPoints is the number of FaceMesh landmarks in an Observation.
const MeshPoints = 468

// RGB is a linear-light colour, each channel on 0..1.
type RGB [3]float32

// Region is a skin patch whose mean colour the host reports for the
// reflection check.
type Region int

// The regions. Right and left are the subject's: the right cheek is on the
// image's left in an unmirrored view.
const (
	Forehead Region = iota
	RightCheek
	LeftCheek
	Nose
	Chin
	NumRegions
)

var regionNames = [NumRegions]string{"forehead", "right_cheek", "left_cheek", "nose", "chin"}

func (r Region) String() string { return regionNames[r] }

// RegionLandmarks are, per region, the FaceMesh points the patch spans
// (the face package's skin patches, which keep off eyes, brows, lips and
// the outline): the host averages the pixels of their convex hull (or of
// small discs around them).
var RegionLandmarks = [NumRegions][]int{
	Forehead:   face.MeshForeheadSkin,
	RightCheek: face.MeshRightCheekSkin,
	LeftCheek:  face.MeshLeftCheekSkin,
	Nose:       face.MeshNoseSkin,
	Chin:       face.MeshChinSkin,
}

// Observation is what liveness needs from one camera frame, filled by the
// face tracker. Coordinates are upright-frame pixels.
type Observation struct {
	// T is the capture time on the session clock: the clock Plan.ColorAt is
	// asked on, zero when the session starts. It must not decrease.
	T time.Duration
	// TrackID is the tracker's id of the followed face; a change means the
	// face was lost and another one (or the same, re-found) is followed.
	TrackID uint64
	// Faces is how many faces the frame holds; 0 when none was found, in
	// which case the fields below are ignored.
	Faces int
	// Landmarks are the followed face's FaceMesh points (MeshPoints of them):
	// x, y in frame pixels, z relative depth on the same scale, smaller is
	// nearer the camera.
	Landmarks [][3]float32
	// Yaw, Pitch and Roll are the head pose in degrees, 0 frontal; only
	// changes from the user's own baseline are used, so the sign conventions
	// do not matter as long as they are steady.
	Yaw, Pitch, Roll float32
	// EyeOpen is the eye aspect ratio (lid gap over eye width) of the right
	// and the left eye: about 0.25–0.35 open, below 0.15 closed.
	EyeOpen [2]float32
	// MouthOpen is the inner-lip gap over the mouth width: about 0 closed,
	// 0.3 and more wide open.
	MouthOpen float32
	// Box is the face's box (the mesh's, face.Signals.Box) in the upright
	// FrameW × FrameH frame.
	Box            imgproc.Rect
	FrameW, FrameH int
	// Regions are the mean linear RGB (0..1) of each Region's patch, all
	// zero when not measured. Measure them with exposure and white balance
	// locked for the whole session: the reflection check reads small
	// chroma changes that auto-exposure would chase.
	Regions [NumRegions]RGB
}

// hasRegions reports whether the region means were measured.
func (o *Observation) hasRegions() bool {
	for _, c := range o.Regions {
		if c != (RGB{}) {
			return true
		}
	}
	return false
}
