package evidence

import (
	"encoding/binary"
	"math"
	"time"
)

// NumRegions is how many skin regions a Frame holds the colour of.
const NumRegions = 5

// Frame is one camera frame's observation as the trace keeps it: what the
// liveness decision reads. Coordinates are upright-frame pixels.
type Frame struct {
	T              time.Duration // on the session clock
	TrackID        uint64
	Faces          int
	FrameW, FrameH int
	// Head pose in degrees; eye aspect ratios (right, left) and the mouth's
	// opening ratio.
	Yaw, Pitch, Roll float32
	EyeOpen          [2]float32
	MouthOpen        float32
	Box              [4]float32 // x0, y0, x1, y1
	// Regions are the skin regions' mean linear RGB, 0..1.
	Regions [NumRegions][3]float32
	// Points are the landmarks Trace.Indices names, in that order: x, y
	// and relative depth, all in pixels.
	Points [][3]float32
}

// Trace is a session's observations.
type Trace struct {
	// Indices are the FaceMesh landmarks every Frame's Points hold.
	Indices []uint16
	Frames  []Frame
}

// Fixed-point steps. Each is far below the noise of what it stores: the
// mesh jitters by about a pixel, pose by degrees, eye ratios by 0.01, and
// the reflection check reads region chroma changes of about 1e-3.
const (
	pixelStep = 4     // 1/4 px: ±8191 px, beyond any camera frame's side
	angleStep = 100   // 1/100°
	ratioStep = 10000 // 1/10000, up to 6.55
	colorStep = 65534 // 1/65534 of full scale
)

// Reserved 16-bit values: a non-finite input is stored as NaN, so that a
// NaN or an infinity fails the liveness checks on the server as it did on
// the device instead of being saturated into a plausible number.
const (
	nanSigned   = math.MinInt16
	nanUnsigned = math.MaxUint16
)

func toSigned(v float32, step float64) uint16 {
	x := float64(v) * step
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return uint16(0x8000) // nanSigned as a bit pattern
	case x > math.MaxInt16:
		x = math.MaxInt16
	case x < -math.MaxInt16:
		x = -math.MaxInt16
	}
	return uint16(int16(math.Round(x)))
}

func fromSigned(u uint16, step float64) float32 {
	if int16(u) == nanSigned {
		return float32(math.NaN())
	}
	return float32(float64(int16(u)) / step)
}

func toUnsigned(v float32, step float64) uint16 {
	x := float64(v) * step
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return nanUnsigned
	case x > nanUnsigned-1:
		x = nanUnsigned - 1
	case x < 0:
		x = 0
	}
	return uint16(math.Round(x))
}

func fromUnsigned(u uint16, step float64) float32 {
	if u == nanUnsigned {
		return float32(math.NaN())
	}
	return float32(float64(u) / step)
}

// each calls fn on every 16-bit field of f in its stored order, with its
// fixed-point step and whether it is signed; the encoder, the decoder and
// Quantize all walk this one list.
func (f *Frame) each(fn func(v *float32, step float64, signed bool)) {
	fn(&f.Yaw, angleStep, true)
	fn(&f.Pitch, angleStep, true)
	fn(&f.Roll, angleStep, true)
	fn(&f.EyeOpen[0], ratioStep, false)
	fn(&f.EyeOpen[1], ratioStep, false)
	fn(&f.MouthOpen, ratioStep, false)
	for i := range f.Box {
		fn(&f.Box[i], pixelStep, true)
	}
	for r := range f.Regions {
		for c := range 3 {
			fn(&f.Regions[r][c], colorStep, false)
		}
	}
	for i := range f.Points {
		for c := range 3 {
			fn(&f.Points[i][c], pixelStep, true)
		}
	}
}

func encode(v float32, step float64, signed bool) uint16 {
	if signed {
		return toSigned(v, step)
	}
	return toUnsigned(v, step)
}

func decode(u uint16, step float64, signed bool) float32 {
	if signed {
		return fromSigned(u, step)
	}
	return fromUnsigned(u, step)
}

// Quantize rounds f in place to exactly what the trace stores, so that a
// device that decides on the quantized frame decides as the server will on
// the opened package. Counts saturate (Faces at 255, sizes at 65535); a
// non-finite number becomes NaN.
func Quantize(f *Frame) {
	f.each(func(v *float32, step float64, signed bool) { *v = decode(encode(*v, step, signed), step, signed) })
	f.Faces = min(max(f.Faces, 0), math.MaxUint8)
	f.FrameW = min(max(f.FrameW, 0), math.MaxUint16)
	f.FrameH = min(max(f.FrameH, 0), math.MaxUint16)
}

// Format limits, checked before anything is allocated.
const (
	maxPoints = 1024
	maxFrames = 1 << 16 // over 36 minutes at 30 fps
)

// frameHeader is T, TrackID, Faces, FrameW, FrameH.
const frameHeader = 8 + 8 + 1 + 2 + 2

func frameSize(points int) int { return frameHeader + 2*(25+3*points) }

// encodeTrace writes the trace: the landmark indices, then each frame as
// the difference of its fields from the previous frame's (modulo 2^16 or
// 2^64, so it is exact), which the body's compression then squeezes.
func encodeTrace(t *Trace) ([]byte, error) {
	n := len(t.Indices)
	if n > maxPoints || len(t.Frames) > maxFrames {
		return nil, errorf(CodeInvalidContents, "trace of %d frames of %d points (limits %d, %d)", len(t.Frames), n, maxFrames, maxPoints)
	}
	out := make([]byte, 0, 6+2*n+len(t.Frames)*frameSize(n))
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	for _, i := range t.Indices {
		out = binary.BigEndian.AppendUint16(out, i)
	}
	out = binary.BigEndian.AppendUint32(out, uint32(len(t.Frames)))
	var prev, cur []uint16
	var prevT, prevID uint64
	for k := range t.Frames {
		f := t.Frames[k] // a copy: fields points into it
		if len(f.Points) != n {
			return nil, errorf(CodeInvalidContents, "frame %d has %d points, the trace %d", k, len(f.Points), n)
		}
		f.Points = append([][3]float32(nil), f.Points...)
		Quantize(&f)
		out = binary.BigEndian.AppendUint64(out, uint64(f.T)-prevT)
		out = binary.BigEndian.AppendUint64(out, f.TrackID-prevID)
		out = append(out, uint8(f.Faces))
		out = binary.BigEndian.AppendUint16(out, uint16(f.FrameW))
		out = binary.BigEndian.AppendUint16(out, uint16(f.FrameH))
		prevT, prevID = uint64(f.T), f.TrackID
		cur = cur[:0]
		f.each(func(v *float32, step float64, signed bool) { cur = append(cur, encode(*v, step, signed)) })
		for i, v := range cur {
			if prev != nil {
				v -= prev[i]
			}
			out = binary.BigEndian.AppendUint16(out, v)
		}
		prev = append(prev[:0], cur...)
	}
	return out, nil
}

// decodeTrace reads what encodeTrace wrote; b must hold exactly that.
func decodeTrace(b []byte) (Trace, error) {
	var t Trace
	bad := func(what string) (Trace, error) { return Trace{}, errorf(CodeMalformed, "trace: %s", what) }
	if len(b) < 2 {
		return bad("no point count")
	}
	n := int(binary.BigEndian.Uint16(b))
	if n > maxPoints || len(b) < 2+2*n+4 {
		return bad("point list")
	}
	b = b[2:]
	t.Indices = make([]uint16, n)
	for i := range t.Indices {
		t.Indices[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	b = b[2*n:]
	frames := int(binary.BigEndian.Uint32(b))
	b = b[4:]
	if frames > maxFrames || len(b) != frames*frameSize(n) {
		return bad("frame count does not match its bytes")
	}
	t.Frames = make([]Frame, frames)
	prev := make([]uint16, 25+3*n)
	var prevT, prevID uint64
	for k := range t.Frames {
		f := &t.Frames[k]
		prevT += binary.BigEndian.Uint64(b)
		prevID += binary.BigEndian.Uint64(b[8:])
		f.T, f.TrackID = time.Duration(prevT), prevID
		f.Faces = int(b[16])
		f.FrameW, f.FrameH = int(binary.BigEndian.Uint16(b[17:])), int(binary.BigEndian.Uint16(b[19:]))
		b = b[frameHeader:]
		f.Points = make([][3]float32, n)
		i := 0
		f.each(func(p *float32, step float64, signed bool) {
			prev[i] += binary.BigEndian.Uint16(b[2*i:]) // prev starts at zero: frame 0 is absolute
			*p = decode(prev[i], step, signed)
			i++
		})
		b = b[2*len(prev):]
	}
	return t, nil
}
