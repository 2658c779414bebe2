package liveness

import "time"

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

// RegionLandmarks are, per region, the FaceMesh points the patch spans: the
// host averages the pixels of their convex hull (or of small discs around
// them). The sets avoid eyes, brows, lips and the face outline, where
// hair, blinks and the background would leak in.
var RegionLandmarks = [NumRegions][]int{
	Forehead:   {151, 108, 337, 9, 69, 299},
	RightCheek: {50, 101, 36, 205, 187, 123, 117, 118},
	LeftCheek:  {280, 330, 266, 425, 411, 352, 346, 347},
	Nose:       {1, 4, 5, 195, 197, 45, 275, 6},
	Chin:       {199, 200, 175, 18, 83, 313, 201, 421},
}

// Observation is what liveness needs from one camera frame, filled by the
// face tracker. Coordinates are upright-frame pixels.
type Observation struct {
	// T is the capture time on the session clock: the clock Plan.ColorAt is
	// asked on, zero when the session starts. It must not decrease.
	T time.Duration
	// TrackID is the tracker's id of the followed face; a change means the
	// face was lost and another one (or the same, re-found) is followed.
	TrackID int
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
	// Box is the face's box (x0, y0, x1, y1) in a FrameW × FrameH frame.
	Box            [4]float32
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

// FaceMesh points the checks read (subject's right and left).
const (
	ptREyeOuter, ptREyeInner  = 33, 133
	ptLEyeOuter, ptLEyeInner  = 263, 362
	ptMouthRight, ptMouthLeft = 61, 291
	ptNoseRight, ptNoseLeft   = 98, 327
	ptRightEdge, ptLeftEdge   = 234, 454
)

// innerPairs span the front of the face (eye corners, mouth corners, nose
// wings) and outerPairs its outline at the same heights; for a real head
// the outline lies several centimetres behind, so their ratio changes with
// distance, for a photo it does not.
var (
	innerPairs = [][2]int{{ptREyeOuter, ptLEyeOuter}, {ptREyeInner, ptLEyeInner}, {ptMouthRight, ptMouthLeft}, {ptNoseRight, ptNoseLeft}}
	outerPairs = [][2]int{{ptRightEdge, ptLeftEdge}, {127, 356}, {93, 323}, {132, 361}, {58, 288}}
)

// rigidPoints move with the skull: the face outline, the nose, the brows,
// forehead and cheeks, but no eyelid, lip or jaw point, so that a blink or
// a word during a head turn does not look like 3-D structure.
var rigidPoints = []int{
	10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 127, 162, 21, 54, 103, 67, 109, 234, 93, 132, // outline above the jaw
	1, 2, 4, 5, 6, 19, 94, 168, 195, 197, 98, 327, 48, 278, 64, 294, 45, 275, // nose
	70, 63, 105, 66, 107, 300, 293, 334, 296, 336, // brows
	151, 9, 108, 337, 69, 299, // forehead
	50, 280, 101, 330, 36, 266, 205, 425, 187, 411, 123, 352, 117, 346, // cheeks
	33, 133, 263, 362, // eye corners
}
