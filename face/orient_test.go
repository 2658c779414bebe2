package face

import (
	"fmt"
	"testing"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/internal/geom"
)

// Phone-frame tolerances, relative to the face's box width. The kernels
// map every rotation and mirroring exactly (all eight agree to the last
// digit); what differs from the RGBA original is NV21's half-resolution
// chroma, which moves BlazeFace's box and keypoints by up to 1.5% and mesh
// points by 0.2% on average. 3% and 1% leave room for other photos and still
// catch a box or mesh mapped through the wrong orientation (off by tens of
// per cent).
const (
	boxTol  = 0.03 // each box edge and keypoint
	meshTol = 0.01 // mean landmark distance
)

func TestPhoneFrames(t *testing.T) {
	tr := tracker(t)
	for _, i := range []int{1, 6} {
		img := sample(t, i)
		base, err := tr.Faces(frame(img), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, rot := range []int{0, 90, 180, 270} {
			for _, mirror := range []bool{false, true} {
				name := fmt.Sprintf("sample%d/NV21/rot%d/mirror=%v", i, rot, mirror)
				f, err := imgproc.ToNV21(img, rot, mirror)
				if err != nil {
					t.Fatal(err)
				}
				got, err := tr.Faces(f, nil)
				if err != nil {
					t.Fatal(err)
				}
				compareFaces(t, name, base, got)
			}
		}
	}
}

func compareFaces(t *testing.T, name string, base, got []Result) {
	t.Helper()
	if len(got) != len(base) {
		t.Errorf("%s: %d faces, upright RGBA has %d", name, len(got), len(base))
		return
	}
	var worstBox, worstMesh float32
	for _, b := range base {
		g := match(b, got)
		w := b.Detection.Box.W
		e := boxError(b.Detection, g.Detection) / w
		var sum float32
		for k := range b.Mesh.Points {
			sum += dist(b.Mesh.Points[k].xy(), g.Mesh.Points[k].xy())
		}
		m := sum / MeshPoints / w
		worstBox, worstMesh = max(worstBox, e), max(worstMesh, m)
	}
	if worstBox > boxTol || worstMesh > meshTol {
		t.Errorf("%s: box/keypoint error %.3f (limit %.2f), mesh error %.3f (limit %.2f) of face width", name, worstBox, boxTol, worstMesh, meshTol)
	}
	t.Logf("%s: worst box/keypoint error %.4f, mesh error %.4f of face width", name, worstBox, worstMesh)
}

func match(b Result, got []Result) Result {
	best := got[0]
	for _, g := range got {
		if IoU(g.Detection.Box, b.Detection.Box) > IoU(best.Detection.Box, b.Detection.Box) {
			best = g
		}
	}
	return best
}

// boxError is the largest distance between corresponding box edges or
// keypoints.
func boxError(a, b Detection) float32 {
	e := max(geom.Abs32(a.Box.X-b.Box.X), geom.Abs32(a.Box.Y-b.Box.Y),
		geom.Abs32(a.Box.X+a.Box.W-b.Box.X-b.Box.W), geom.Abs32(a.Box.Y+a.Box.H-b.Box.Y-b.Box.H))
	for k := range a.Keypoints {
		e = max(e, dist(a.Keypoints[k], b.Keypoints[k]))
	}
	return e
}
