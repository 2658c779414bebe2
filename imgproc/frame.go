package imgproc

import (
	"errors"
	"fmt"
	"time"
)

// Format is the memory layout of a Frame.
type Format int

// The zero Format is invalid so that an unset Frame fails Validate.
const (
	NV21 Format = iota + 1 // Y plane, then interleaved V,U at half resolution (Android camera default)
	NV12                   // Y plane, then interleaved U,V at half resolution (iOS bi-planar)
	I420                   // Y, U and V planes; U and V at half resolution
	RGBA                   // 4 bytes a pixel in plane 0
	BGRA                   // 4 bytes a pixel in plane 0 (iOS kCVPixelFormatType_32BGRA)
	RGB                    // 3 bytes a pixel in plane 0
	GRAY                   // 1 byte a pixel in plane 0
)

// MaxDim bounds frame and tensor sides so that fixed-point sums cannot overflow.
const MaxDim = 1 << 14

func (f Format) String() string {
	switch f {
	case NV21:
		return "NV21"
	case NV12:
		return "NV12"
	case I420:
		return "I420"
	case RGBA:
		return "RGBA"
	case BGRA:
		return "BGRA"
	case RGB:
		return "RGB"
	case GRAY:
		return "GRAY"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Frame is one camera image as the sensor delivered it. Width and Height are
// the sensor's, before rotation. Planes and Strides (bytes a row) follow
// Format: YUV formats use plane 0 for Y, NV21/NV12 plane 1 for the
// interleaved chroma, I420 planes 1 and 2 for U and V; packed formats use
// plane 0 only. The frame is read, never written or kept.
type Frame struct {
	Width, Height int
	Format        Format
	Planes        [3][]byte
	Strides       [3]int
	// Rotation is the clockwise turn (0, 90, 180 or 270) that makes the
	// sensor image upright.
	Rotation int
	// Mirror flips the image horizontally after the rotation (front camera).
	Mirror bool
	// VideoRange marks YUV in BT.601 video range (Y 16..235), which is what
	// OpenCV's COLOR_YUV2RGB_NV21 assumes. The zero value is full range
	// (JFIF), which Android and iOS cameras deliver.
	VideoRange bool
	Timestamp  time.Duration
}

// Reason says why a Frame is invalid. The strings are stable codes.
type Reason string

const (
	BadSize     Reason = "FRAME_BAD_SIZE"     // Width or Height outside 1..MaxDim
	OddSize     Reason = "FRAME_ODD_SIZE"     // odd Width or Height for a 4:2:0 format
	ShortStride Reason = "FRAME_SHORT_STRIDE" // a stride smaller than the plane's row
	ShortPlane  Reason = "FRAME_SHORT_PLANE"  // a plane shorter than its rows need
	BadFormat   Reason = "FRAME_BAD_FORMAT"   // unknown Format
	BadRotation Reason = "FRAME_BAD_ROTATION" // Rotation not 0, 90, 180 or 270
)

// ErrInvalidFrame is matched (errors.Is) by every *FrameError.
var ErrInvalidFrame = errors.New("imgproc: invalid frame")

// FrameError is the error Validate, and every kernel given a bad frame,
// returns.
type FrameError struct {
	Reason Reason
	Plane  int // the plane at fault for ShortStride and ShortPlane
	Detail string
}

func (e *FrameError) Error() string { return "imgproc: invalid frame: " + e.Detail }

// Is reports whether target is ErrInvalidFrame.
func (e *FrameError) Is(target error) bool { return target == ErrInvalidFrame }

// Code is the stable code of the error's Reason.
func (e *FrameError) Code() string { return string(e.Reason) }

// Validate checks that every pixel the frame claims can be read.
func (f *Frame) Validate() error {
	if f.Width < 1 || f.Height < 1 || f.Width > MaxDim || f.Height > MaxDim {
		return &FrameError{Reason: BadSize, Detail: fmt.Sprintf("size %dx%d outside 1..%d", f.Width, f.Height, MaxDim)}
	}
	switch f.Rotation {
	case 0, 90, 180, 270:
	default:
		return &FrameError{Reason: BadRotation, Detail: fmt.Sprintf("rotation %d", f.Rotation)}
	}
	n, ok := f.Format.planes(f.Width, f.Height)
	if !ok {
		return &FrameError{Reason: BadFormat, Detail: "unknown format " + f.Format.String()}
	}
	if f.Format.isYUV() && (f.Width%2 != 0 || f.Height%2 != 0) {
		return &FrameError{Reason: OddSize, Detail: fmt.Sprintf("%v needs an even size, got %dx%d", f.Format, f.Width, f.Height)}
	}
	for i, p := range n {
		if p.row == 0 {
			break
		}
		if err := checkPlane(i, f.Planes[i], f.Strides[i], p); err != nil {
			return err
		}
	}
	return nil
}

// Upright returns the frame's size after rotation.
func (f *Frame) Upright() (w, h int) {
	if f.Rotation == 90 || f.Rotation == 270 {
		return f.Height, f.Width
	}
	return f.Width, f.Height
}

// plane is the shape one plane of a format needs: bytes a row and rows.
type plane struct{ row, rows int }

func (f Format) isYUV() bool { return f == NV21 || f == NV12 || f == I420 }

func (f Format) planes(w, h int) (p [3]plane, ok bool) {
	switch f {
	case NV21, NV12:
		return [3]plane{{w, h}, {w, h / 2}}, true
	case I420:
		return [3]plane{{w, h}, {w / 2, h / 2}, {w / 2, h / 2}}, true
	case RGBA, BGRA:
		return [3]plane{{4 * w, h}}, true
	case RGB:
		return [3]plane{{3 * w, h}}, true
	case GRAY:
		return [3]plane{{w, h}}, true
	}
	return p, false
}

func checkPlane(i int, buf []byte, stride int, p plane) error {
	if stride < p.row {
		return &FrameError{Reason: ShortStride, Plane: i, Detail: fmt.Sprintf("plane %d stride %d < row %d", i, stride, p.row)}
	}
	// len >= stride*(rows-1) + row, written so that it cannot overflow.
	if len(buf) < p.row || (p.rows > 1 && (len(buf)-p.row)/(p.rows-1) < stride) {
		return &FrameError{Reason: ShortPlane, Plane: i, Detail: fmt.Sprintf("plane %d has %d bytes, %d rows of stride %d need more", i, len(buf), p.rows, stride)}
	}
	return nil
}
