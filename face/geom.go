package face

import (
	"math"

	"github.com/liveid/liveid/imgproc"
)

// Point is a position in upright-frame pixels.
type Point struct{ X, Y float32 }

// Point3 is a mesh landmark: X, Y in upright-frame pixels, Z the model's
// relative depth on the same pixel scale (smaller is nearer the camera).
type Point3 struct{ X, Y, Z float32 }

func (p Point3) xy() Point { return Point{p.X, p.Y} }

func dist(a, b Point) float32 {
	return float32(math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y)))
}

func mid(a, b Point) Point { return Point{(a.X + b.X) / 2, (a.Y + b.Y) / 2} }

// IoU is the intersection over union of two boxes (0 when either is empty).
func IoU(a, b imgproc.Rect) float32 {
	ix := min(a.X+a.W, b.X+b.W) - max(a.X, b.X)
	iy := min(a.Y+a.H, b.Y+b.H) - max(a.Y, b.Y)
	if ix <= 0 || iy <= 0 {
		return 0
	}
	inter := ix * iy
	return inter / (a.W*a.H + b.W*b.H - inter)
}

func center(r imgproc.Rect) Point { return Point{r.X + r.W/2, r.Y + r.H/2} }

// ROI is a square region of the upright frame, turned by Angle radians
// (clockwise on screen, since y points down) about its centre.
type ROI struct {
	Center Point
	Size   float32
	Angle  float32
}

// toFrame maps a point given in the pixels of an n×n crop of the ROI to the
// upright frame.
func (r ROI) toFrame(u, v float32, n int) Point {
	s := r.Size / float32(n)
	du, dv := (u-float32(n)/2)*s, (v-float32(n)/2)*s
	sin, cos := math.Sincos(float64(r.Angle))
	c, sn := float32(cos), float32(sin)
	return Point{r.Center.X + c*du - sn*dv, r.Center.Y + sn*du + c*dv}
}

// Affine is the imgproc.Affine that samples the ROI into an n×n tensor.
func (r ROI) Affine(n int) imgproc.Affine {
	return imgproc.SquareAffine(r.Center.X, r.Center.Y, r.Size, r.Angle, n, n)
}

// square is the ROI's square without its turn, for comparing ROIs.
func (r ROI) square() imgproc.Rect {
	return imgproc.Rect{X: r.Center.X - r.Size/2, Y: r.Center.Y - r.Size/2, W: r.Size, H: r.Size}
}

// angleOf is the on-screen angle of the line from a to b.
func angleOf(a, b Point) float32 {
	return float32(math.Atan2(float64(b.Y-a.Y), float64(b.X-a.X)))
}

func deg(rad float64) float32 { return float32(rad * 180 / math.Pi) }
