package eval

import (
	"image"
	"math"
	"testing"
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
)

// camera is a w×h upright view of a photo: the photo point (fx, fy) lands at
// (px, py), magnified by scale and turned by angle radians (the photo's
// content turns by -angle). Points are in Rect coordinates.
type camera struct {
	fx, fy, px, py, scale, angle float64
	w, h                         int
}

// affine maps view pixels to photo pixels (pixel-index coordinates).
func (c camera) affine() imgproc.Affine {
	sin, cos := math.Sincos(c.angle)
	s := 1 / c.scale
	ou, ov := c.px-0.5, c.py-0.5
	return imgproc.Affine{
		float32(cos * s), float32(-sin * s), float32(c.fx - 0.5 - (cos*ou-sin*ov)*s),
		float32(sin * s), float32(cos * s), float32(c.fy - 0.5 - (sin*ou+cos*ov)*s),
	}
}

// toView maps a photo landmark (Rect coordinates, z on the pixel scale) into
// the view.
func (c camera) toView(p face.Point3) [3]float64 {
	sin, cos := math.Sincos(c.angle)
	dx, dy := float64(p.X)-c.fx, float64(p.Y)-c.fy
	return [3]float64{c.px + c.scale*(cos*dx+sin*dy), c.py + c.scale*(-sin*dx+cos*dy), c.scale * float64(p.Z)}
}

// render draws the view of photo with each channel's linear light scaled
// by gain (1, 1, 1: untouched), as 8-bit sRGB.
func (c camera) render(t *testing.T, photo *imgproc.Frame, gain [3]float64) *image.RGBA {
	spec := imgproc.TensorSpec{Width: c.w, Height: c.h, Std: [3]float32{1, 1, 1}}
	buf := make([]float32, spec.Len())
	if err := imgproc.Warp(photo, c.affine(), spec, buf); err != nil {
		t.Fatal(err)
	}
	var tint [3][256]uint8
	for k := range tint {
		for v := range tint[k] {
			tint[k][v] = srgb(gain[k] * imgproc.SRGBToLinear(uint8(v)))
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, c.w, c.h))
	for i := range c.w * c.h {
		for k := range 3 {
			img.Pix[4*i+k] = tint[k][uint8(min(max(math.Round(float64(buf[3*i+k])), 0), 255))]
		}
		img.Pix[4*i+3] = 255
	}
	return img
}

// srgb encodes linear light (0..1) as the nearest 8-bit sRGB value.
func srgb(l float64) uint8 {
	v := 12.92 * l
	if l > 0.0031308 {
		v = 1.055*math.Pow(l, 1/2.4) - 0.055
	}
	return uint8(min(max(math.Round(255*v), 0), 255))
}

// Tolerances of the phone frames against the upright photo.
//
// The landmarks are the tracker's smoothed mesh on another image of the
// face: resampled at 0.9–1× and turned, NV21's half-resolution chroma
// (which alone moves the mesh by about 0.2% of the face width, see the
// face package's phone-frame test) and a ROI the tracker derives from the
// previous frame, so FaceMesh sees a different crop each frame; they stay
// within about 1% of the face width of the photo's mesh mapped into the
// view. 2% leaves room for that and is far below what a wrongly mapped
// rotation or mirror gives (tens of per cent). Pose is the same mesh's:
// within 2° of the photo's here, 3° with room, a quarter of the smallest
// turn an action asks for (a 12° nod); liveness uses only changes from the
// user's baseline anyway. The eye ratios stay within 0.01, 0.02 with
// room, an order below a blink's drop.
//
// The tint scales each channel's linear light by tintGain (under 1: no
// clipping). Measured at the same landmarks, the region means change by
// that gain within 0.5%: only the 8-bit requantisation of the tinted
// pixels and NV21's shared chroma and 8-bit YUV separate them; 1.5% leaves
// room and still catches means taken in sRGB instead of linear light (the
// gain would come out as roughly its 2.2nd root, 6% to 30% off here) or a
// swapped channel. Measured at the landmarks the tracker finds on the tinted frames
// themselves, which move by about 1% of the face width over skin that is
// not uniform, the ratios stay within 2.5%; 4% with room.
const (
	meshTol     = 0.02 // mean 3-D landmark distance over the face width
	poseTol     = 3    // degrees
	eyeTol      = 0.02 // eye aspect ratio
	tintSameTol = 0.015
	tintOwnTol  = 0.04
)

var tintGain = [3]float64{0.9, 0.75, 0.6}

// TestPhoneFramesMatchTheSimulation runs a sample face the way a phone
// delivers it — a moving, turning view of the photo, NV21 from a front
// camera's sensor (turned 270°, mirrored), 30 fps; with -short the first
// half of the move — through the tracker
// into liveness Observations (Observation.Fill), and checks what the
// simulation assumes of them: the landmarks, pose and eye openness of the
// photo's own mesh carried into the view, one track, and region colours
// that scale with the light by channel.
func TestPhoneFramesMatchTheSimulation(t *testing.T) {
	cachedSubjects(t)
	tr, ph := loaded.tracker, loaded.photos[3]
	ref, err := ph.nearest(sampleFace{3, 680, 460})
	if err != nil {
		t.Fatal(err)
	}
	rc, rs := ref.Signals.Box, &ref.Signals
	const path = 20 // frames of the whole move, two thirds of a second
	n := path
	if testing.Short() {
		n = path / 2 // its first half
	}
	views := make([]camera, n)
	for i := range views {
		p := float64(i) / (path - 1)
		views[i] = camera{fx: float64(rc.X + rc.W/2), fy: float64(rc.Y + rc.H/2), px: 230 + 30*p, py: 330 - 20*p,
			scale: 0.9 + 0.1*p, angle: p * 8 * math.Pi / 180, w: 480, h: 640}
	}
	plain, _ := track(t, tr, ph.frame, views, [3]float64{1, 1, 1})
	tinted, frames := track(t, tr, ph.frame, views, tintGain)
	var worst struct{ mesh, pose, eye, same, own float64 }
	for i, o := range plain {
		c := views[i]
		w := c.scale * float64(rc.W)
		var sum float64
		for k, p := range ref.Mesh.Points {
			q := c.toView(p)
			l := o.Landmarks[k]
			sum += math.Sqrt(sq(float64(l[0])-q[0]) + sq(float64(l[1])-q[1]) + sq(float64(l[2])-q[2]))
		}
		worst.mesh = max(worst.mesh, sum/liveness.MeshPoints/w)
		roll := float64(rs.Roll) - c.angle*180/math.Pi // the view turns the photo's content back
		worst.pose = max(worst.pose, math.Abs(float64(o.Yaw-rs.Yaw)), math.Abs(float64(o.Pitch-rs.Pitch)), math.Abs(float64(o.Roll)-roll))
		worst.eye = max(worst.eye, math.Abs(float64(o.EyeOpen[0]-rs.RightEye)), math.Abs(float64(o.EyeOpen[1]-rs.LeftEye)))
		same := liveness.Observation{Landmarks: o.Landmarks, Box: o.Box}
		if err := same.MeasureRegions(frames[i]); err != nil {
			t.Fatal(err)
		}
		for r := range liveness.NumRegions {
			for k := range 3 {
				worst.same = max(worst.same, math.Abs(float64(same.Regions[r][k]/o.Regions[r][k])/tintGain[k]-1))
				worst.own = max(worst.own, math.Abs(float64(tinted[i].Regions[r][k]/o.Regions[r][k])/tintGain[k]-1))
			}
		}
	}
	t.Logf("worst over %d frames: mesh %.4f of the face width, pose %.2f°, eye ratio %.4f, tint at the same landmarks %.4f, at its own %.4f",
		n, worst.mesh, worst.pose, worst.eye, worst.same, worst.own)
	if worst.mesh > meshTol || worst.pose > poseTol || worst.eye > eyeTol || worst.same > tintSameTol || worst.own > tintOwnTol {
		t.Errorf("beyond the tolerances: mesh %.2f, pose %v°, eye %.2f, tint %.3f / %.2f", meshTol, poseTol, eyeTol, tintSameTol, tintOwnTol)
	}
}

func sq(v float64) float64 { return v * v }

// track runs the views of photo, tinted by gain, through the tracker as
// phone frames at 30 fps and fills an Observation from every frame. The
// whole run is one track of one face.
func track(t *testing.T, tr *face.Tracker, photo *imgproc.Frame, views []camera, gain [3]float64) ([]liveness.Observation, []*imgproc.Frame) {
	tr.Reset()
	out := make([]liveness.Observation, len(views))
	frames := make([]*imgproc.Frame, len(views))
	var r face.Result
	for i, c := range views {
		ts := time.Duration(i) * time.Second / 30
		f := phoneFrame(t, c.render(t, photo, gain), ts)
		frames[i] = f
		if err := tr.Process(f, &r); err != nil {
			t.Fatal(err)
		}
		if err := out[i].Fill(&r, f, ts); err != nil {
			t.Fatal(err)
		}
		if !r.Found || out[i].Faces != 1 || out[i].TrackID != out[0].TrackID || out[i].FrameW != c.w || out[i].FrameH != c.h {
			t.Fatalf("frame %d: found %v, %d faces, track %d (first %d), frame %d×%d", i, r.Found, out[i].Faces, out[i].TrackID, out[0].TrackID, out[i].FrameW, out[i].FrameH)
		}
	}
	return out, frames
}

// phoneFrame is an upright view as a front camera's sensor delivers it:
// NV21, turned 270°, mirrored.
func phoneFrame(t *testing.T, img *image.RGBA, ts time.Duration) *imgproc.Frame {
	f, err := imgproc.ToNV21(img, 270, true)
	if err != nil {
		t.Fatal(err)
	}
	f.Timestamp = ts
	return f
}
