package face

import (
	"math/bits"
	"strconv"
	"strings"

	"github.com/liveid/liveid/internal/geom"
)

// Quality is a set of prompt codes, one bit each. The bit positions are
// part of the API: they never change meaning and new codes take new bits.
type Quality uint32

const (
	NoFace           Quality = 1 << 0  // no face is tracked
	MultipleFaces    Quality = 1 << 1  // the last detection found more than one face
	PartlyOutOfFrame Quality = 1 << 2  // the face's outline runs past a frame edge
	TooClose         Quality = 1 << 3  // the face is wider than Config.MaxFaceWidth of the frame
	TooFar           Quality = 1 << 4  // the face is narrower than Config.MinFaceWidth of the frame
	TooDark          Quality = 1 << 5  // face luma below Config.MinLuma
	TooBright        Quality = 1 << 6  // face luma above Config.MaxLuma, or too much of it clipped
	Backlit          Quality = 1 << 7  // the rest of the frame much brighter than the face
	Blurred          Quality = 1 << 8  // the face's contrast-normalised sharpness below Config.MinSharpness
	PoseTooLarge     Quality = 1 << 9  // yaw, pitch or roll beyond the Config limits
	Occluded         Quality = 1 << 10 // the mesh's presence score is low for a face that is there
	EyesClosed       Quality = 1 << 11 // both eye aspect ratios below Config.ClosedEye
	MovingTooMuch    Quality = 1 << 12 // the face moves faster than Config.MaxSpeed
)

// qualityCodes are the stable codes of the bits, in bit order: what apps
// and the evidence package see.
var qualityCodes = [...]string{
	"FACE_NO_FACE", "FACE_MULTIPLE_FACES", "FACE_PARTLY_OUT_OF_FRAME", "FACE_TOO_CLOSE", "FACE_TOO_FAR",
	"FACE_TOO_DARK", "FACE_TOO_BRIGHT", "FACE_BACKLIT", "FACE_BLURRED", "FACE_POSE_TOO_LARGE",
	"FACE_OCCLUDED", "FACE_EYES_CLOSED", "FACE_MOVING_TOO_MUCH",
}

// Codes lists the stable codes of the set bits in bit order; a bit this
// version does not know is "FACE_BIT<n>".
func (q Quality) Codes() []string {
	var out []string
	for q != 0 {
		i := bits.TrailingZeros32(uint32(q))
		q &^= 1 << i
		if i < len(qualityCodes) {
			out = append(out, qualityCodes[i])
		} else {
			out = append(out, "FACE_BIT"+strconv.Itoa(i))
		}
	}
	return out
}

// String lists the codes, "|"-separated in bit order; "OK" for none.
func (q Quality) String() string {
	if q == 0 {
		return "OK"
	}
	return strings.Join(q.Codes(), "|")
}

// Focus is Sharpness made independent of exposure: the Laplacian's variance
// scales with the square of the image's gain, so a darkened sharp face
// would otherwise read as blurred. Config.MinSharpness applies to it.
func (s *Signals) Focus() float32 {
	m := max(s.Luma.Mean, 16)
	return s.Sharpness * (128 / m) * (128 / m)
}

// assess turns the signals of a found face into quality codes. w and h are
// the upright frame's size; faces is the count of the last detection.
func (c *Config) assess(s *Signals, m *Mesh, w, h, faces int) Quality {
	var q Quality
	if faces > 1 {
		q |= MultipleFaces
	}
	if outside(m, w, h, c.OutOfFrameMargin*s.Box.W) {
		q |= PartlyOutOfFrame
	}
	rel := s.Box.W / float32(min(w, h))
	switch {
	case rel > c.MaxFaceWidth:
		q |= TooClose
	case rel < c.MinFaceWidth:
		q |= TooFar
	}
	switch {
	case s.Luma.Mean < c.MinLuma:
		q |= TooDark
	case s.Luma.Mean > c.MaxLuma || s.Luma.Bright > c.MaxClipped:
		q |= TooBright
	}
	if s.Luma.Backlight > c.MaxBacklight && s.Luma.Mean < c.MaxLuma {
		q |= Backlit
	}
	if s.Focus() < c.MinSharpness {
		q |= Blurred
	}
	if geom.Abs32(s.Yaw) > c.MaxYaw || geom.Abs32(s.Pitch) > c.MaxPitch || geom.Abs32(s.Roll) > c.MaxRoll {
		q |= PoseTooLarge
	}
	if s.Confidence < c.OccludedBelow {
		q |= Occluded
	}
	if s.RightEye < c.ClosedEye && s.LeftEye < c.ClosedEye {
		q |= EyesClosed
	}
	if s.Speed > c.MaxSpeed {
		q |= MovingTooMuch
	}
	return q
}

// outside reports whether a point of the face's outline lies more than
// margin pixels past an edge of the w×h frame. The mesh extrapolates the
// parts of a face the frame cuts off, which is what makes this work.
func outside(m *Mesh, w, h int, margin float32) bool {
	for _, i := range outline {
		p := m.Points[i]
		if p.X < -margin || p.Y < -margin || p.X > float32(w)+margin || p.Y > float32(h)+margin {
			return true
		}
	}
	return false
}

// lightMargin is how far inside the luma limits a face must be for full
// marks on light: 40 levels, about a quarter of the 50–210 span on each
// side, so that a face just inside a limit (whose exposure may still drift
// past it) ranks below a well-exposed one without being excluded.
const lightMargin = 40

// score is the best-frame score of a found face, as Result.Score
// documents it.
func (c *Config) score(s *Signals, q Quality, w, h int) float32 {
	if q&(NoFace|MultipleFaces|PartlyOutOfFrame|Occluded) != 0 {
		return 0
	}
	p := 1 - max(geom.Abs32(s.Yaw)/c.MaxYaw, geom.Abs32(s.Pitch)/c.MaxPitch, geom.Abs32(s.Roll)/c.MaxRoll)
	sharp := (s.Focus() - c.MinSharpness) / c.MinSharpness
	eyes := (min(s.RightEye, s.LeftEye) - c.ClosedEye) / c.ClosedEye
	light := min(s.Luma.Mean-c.MinLuma, c.MaxLuma-s.Luma.Mean) / lightMargin * (1 - s.Luma.Bright)
	ctr := center(s.Box)
	off := dist(ctr, Point{float32(w) / 2, float32(h) / 2}) / (float32(min(w, h)) / 2)
	return geom.Clamp01(s.Confidence) * geom.Clamp01(p) * geom.Clamp01(sharp) * geom.Clamp01(eyes) * geom.Clamp01(light) * geom.Clamp01(1-off)
}
