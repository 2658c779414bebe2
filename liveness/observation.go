package liveness

import (
	"errors"
	"math"
	"slices"
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
)

// MeshPoints is the number of FaceMesh landmarks in an Observation.
const MeshPoints = face.MeshPoints

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

// RegionLandmarks are, per region, the FaceMesh points the patch spans:
// the face package's skin patches, which keep off eyes, brows, lips and
// the outline. MeasureRegions averages small discs around them.
var RegionLandmarks = [NumRegions][]int{
	Forehead:   face.MeshForeheadSkin,
	RightCheek: face.MeshRightCheekSkin,
	LeftCheek:  face.MeshLeftCheekSkin,
	Nose:       face.MeshNoseSkin,
	Chin:       face.MeshChinSkin,
}

// TracePoints are the landmarks the decision reads, sorted: the rigid
// points, the front and outline pairs and the skin patches. A trace that
// keeps these (and zeros elsewhere) decides as the full mesh does, which is
// what lets an evidence package carry a tenth of the mesh.
var TracePoints = tracePoints()

func tracePoints() []int {
	var pts []int
	pts = append(pts, face.MeshRigidPoints...)
	for _, pairs := range [][][2]int{face.MeshFrontPairs, face.MeshOutlinePairs} {
		for _, p := range pairs {
			pts = append(pts, p[0], p[1])
		}
	}
	for _, set := range RegionLandmarks {
		pts = append(pts, set...)
	}
	slices.Sort(pts)
	return slices.Compact(pts)
}

// Observation is what liveness needs from one camera frame, filled from
// the face tracker's result by Fill. Coordinates are upright-frame pixels.
type Observation struct {
	// T is the capture time on the session clock: the clock Plan.ColorAt is
	// asked on, zero when the session starts. It must not decrease.
	T time.Duration
	// TrackID is the tracker's id of the followed face; a change means the
	// face was lost and another one (or the same, re-found) is followed.
	TrackID uint64
	// Faces is how many faces the frame holds; 0 when none is tracked, in
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
	// Regions are the mean linear RGB (0..1) of each Region's patch
	// (MeasureRegions), all zero when not measured. Measure them with
	// exposure and white balance locked for the whole session: the
	// reflection check reads small chroma changes that auto-exposure would
	// chase.
	Regions [NumRegions]RGB
}

// Fill sets o from the tracker's result r for frame f, captured at t on
// the session clock: the faces, track, the smoothed mesh's landmarks,
// pose, eye and mouth openness and box from r, the upright frame's size,
// and the region colours measured from f's pixels (MeasureRegions). When r
// has no face (Found false), Faces is 0 and the face fields are cleared. o's
// Landmarks slice is reused, so refilling one Observation every frame
// allocates nothing.
func (o *Observation) Fill(r *face.Result, f *imgproc.Frame, t time.Duration) error {
	*o = Observation{T: t, Landmarks: o.Landmarks[:0]}
	o.FrameW, o.FrameH = f.Upright()
	if !r.Found {
		return nil
	}
	s := &r.Signals
	o.TrackID, o.Faces = r.TrackID, max(r.Faces, 1)
	for _, p := range r.Mesh.Points {
		o.Landmarks = append(o.Landmarks, [3]float32{p.X, p.Y, p.Z})
	}
	o.Yaw, o.Pitch, o.Roll = s.Yaw, s.Pitch, s.Roll
	o.EyeOpen, o.MouthOpen = [2]float32{s.RightEye, s.LeftEye}, s.Mouth
	o.Box = s.Box
	return o.MeasureRegions(f)
}

// RegionDisc is the radius of the discs MeasureRegions averages, as a
// fraction of the face box's width (at least minDiscRadius pixels). Two per
// cent keeps each disc on the skin it is meant for: the region landmarks
// lie two or more times as far from the nearest eye, brow, lip, nostril or
// outline point, except on a cheek turned away and beside the lower lip,
// where a disc's edge may touch them. It is also several times the mesh's
// jitter, so a patch does not flicker with the landmarks, and a 200-pixel
// face gets about 50 pixels a disc and several hundred a region, which
// averages the sensor's per-pixel noise below the flashes' chroma change.
const RegionDisc = 0.02

// minDiscRadius keeps a few pixels in every disc of a small face.
const minDiscRadius = 1.5

// ErrNoLandmarks: MeasureRegions needs the MeshPoints landmarks and the box.
var ErrNoLandmarks = errors.New("liveness: observation has no face mesh to measure regions on")

// MeasureRegions sets o.Regions from frame f: for each Region the mean
// linear RGB (imgproc.DiscMean) of the pixels within RegionDisc of the face
// width of its RegionLandmarks, from o.Landmarks and o.Box (upright-frame
// pixels). A region wholly outside the frame leaves every region zero (not
// measured) for this frame.
func (o *Observation) MeasureRegions(f *imgproc.Frame) error {
	o.Regions = [NumRegions]RGB{}
	if len(o.Landmarks) != MeshPoints || !(o.Box.W > 0) {
		return ErrNoLandmarks
	}
	radius := max(RegionDisc*o.Box.W, minDiscRadius)
	var buf [8][2]float32
	var regions [NumRegions]RGB
	for r, set := range RegionLandmarks {
		centres := buf[:0]
		for _, i := range set {
			centres = append(centres, [2]float32{o.Landmarks[i][0], o.Landmarks[i][1]})
		}
		m, err := imgproc.DiscMean(f, centres, radius)
		if errors.Is(err, imgproc.ErrEmpty) {
			return nil
		}
		if err != nil {
			return err
		}
		regions[r] = m
	}
	o.Regions = regions
	return nil
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

// finite reports whether every number of o is finite. A NaN compares false
// with every threshold, so a check fed one would neither pass nor fail: it
// would be skipped.
func (o *Observation) finite() bool {
	if !finite32(o.Yaw, o.Pitch, o.Roll, o.EyeOpen[0], o.EyeOpen[1], o.MouthOpen, o.Box.X, o.Box.Y, o.Box.W, o.Box.H) {
		return false
	}
	for _, c := range o.Regions {
		if !finite32(c[0], c[1], c[2]) {
			return false
		}
	}
	for _, p := range o.Landmarks {
		if !finite32(p[0], p[1], p[2]) {
			return false
		}
	}
	return true
}

func finite32(vs ...float32) bool {
	for _, v := range vs {
		if v-v != 0 { // NaN and ±Inf; v-v is 0 for every finite v
			return false
		}
	}
	return true
}

// contentHash is an FNV-1a hash of the bits of o's landmarks and region
// colours: what a repeated frame repeats exactly.
func contentHash(o *Observation) uint64 {
	h := uint64(14695981039346656037)
	add := func(v float32) {
		h ^= uint64(math.Float32bits(v))
		h *= 1099511628211
	}
	for _, p := range o.Landmarks {
		add(p[0])
		add(p[1])
		add(p[2])
	}
	for _, c := range o.Regions {
		add(c[0])
		add(c[1])
		add(c[2])
	}
	return h
}
