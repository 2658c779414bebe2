package compare

import (
	"math"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
)

// template is where a model wants the five alignment points (face.Mesh
// FivePoints order), in the pixel-index coordinates of its size×size input
// (pixel centres on integers, imgproc.Affine's convention).
type template struct {
	size   int
	points [5][2]float32
}

// arcFace112 is the 112×112 template of InsightFace's ArcFace crops, on
// which MobileFaceNet was trained.
var arcFace112 = template{112, [5][2]float32{
	{38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041},
}}

// dlib150 is dlib's 150×150 face chip with padding 0.25, on which its
// ResNet (face-api's recognition net) was trained: the eye-contour means,
// nose tip and outer mouth corners of dlib's mean face shape (points 36–41,
// 42–47, 30, 48, 54), mapped by (p + 0.25) / 1.5 × 150.
var dlib150 = template{150, [5][2]float32{
	{47.55, 46.60}, {100.48, 46.60}, {74.01, 76.56}, {50.41, 103.02}, {97.61, 103.02},
}}

// scaled is t for a size×size input with the face zoom times as large
// about the centre: zoom < 1 adds context around the face.
func (t template) scaled(size int, zoom float32) template {
	out := template{size: size}
	k := float32(size) / float32(t.size)
	c := float32(t.size-1) / 2
	for i, p := range t.points {
		for j := range 2 {
			out.points[i][j] = ((p[j]-c)*zoom+c)*k + (k-1)/2
		}
	}
	return out
}

// affine maps the template's input onto the frame so that the five points
// land on pts (upright-frame pixels in imgproc.Rect's convention).
func (t template) affine(pts [5]face.Point) (imgproc.Affine, error) {
	src := make([][2]float32, 5)
	dst := make([][2]float32, 5)
	for i, p := range pts {
		src[i] = [2]float32{p.X - 0.5, p.Y - 0.5} // Rect to index coordinates
		dst[i] = t.points[i]
	}
	m, err := imgproc.SimilarityFromPoints(src, dst)
	// Frame points that all coincide fit with zero scale: no face to crop.
	if err == nil && !(math.Hypot(float64(m[0]), float64(m[3])) > 1e-3) {
		err = imgproc.ErrPoints
	}
	return m, err
}
