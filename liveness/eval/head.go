package eval

import (
	"math"
	"slices"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/internal/geom"
	"github.com/liveid/liveid/liveness"
)

// This file turns one FaceMesh result into a 3-D head for the evaluation:
// landmarks in centimetres in the face's own frame, surface normals, skin
// colour per region, and the eyelid and lip moves of blinks and speech.

// faceWidthCm is the cheek-outline span (face.MeshRightEdge to
// face.MeshLeftEdge) of an adult face.
const faceWidthCm = 14.0

// head is a face as rigid 3-D geometry in centimetres: x to the image's
// right, y down, z away from the camera, origin at the landmarks' centroid.
type head struct {
	pts     [liveness.MeshPoints]geom.Vec3
	normals [liveness.MeshPoints]geom.Vec3
	albedo  [liveness.NumRegions]geom.Vec3 // linear RGB of the skin in each region, from the photo
	chinY   float64                        // jaw points below this move with an opening mouth
}

// newHead expresses a tracker's mesh of a photo, lm (frame pixels, z on
// the same scale), in the face's own frame, scaled to faceWidthCm:
// whatever the pose in the photo, the head comes out frontal and upright.
// The skin colour of each region is the photo's, measured as the phone
// measures regions (liveness.Observation.MeasureRegions).
func newHead(lm [][3]float32, photo *imgproc.Frame) (*head, error) {
	p := func(i int) geom.Vec3 { return geom.Vec3{float64(lm[i][0]), float64(lm[i][1]), float64(lm[i][2])} }
	x := p(face.MeshLeftEdge).Sub(p(face.MeshRightEdge)).Unit().Add(p(face.MeshEyes[1].Outer).Sub(p(face.MeshEyes[0].Outer)).Unit())
	y := p(face.MeshChin).Sub(p(face.MeshForehead)).Unit()
	z := x.Cross(y).Unit()
	x = y.Cross(z).Unit()
	y = z.Cross(x)
	var c geom.Vec3
	for i := range lm {
		c = c.Add(p(i))
	}
	c = c.Scale(1.0 / liveness.MeshPoints)
	k := faceWidthCm / p(face.MeshLeftEdge).Sub(p(face.MeshRightEdge)).Norm()
	h := &head{}
	for i := range lm {
		d := p(i).Sub(c)
		h.pts[i] = geom.Vec3{d.Dot(x), d.Dot(y), d.Dot(z)}.Scale(k)
	}
	h.chinY = h.pts[face.MeshLowerLipOuter][1]
	h.normals = normals(&h.pts)
	o := liveness.Observation{Landmarks: lm, Box: box(lm)}
	if err := o.MeasureRegions(photo); err != nil {
		return nil, err
	}
	for r, c := range o.Regions {
		h.albedo[r] = geom.Vec3{float64(c[0]), float64(c[1]), float64(c[2])}
	}
	return h, nil
}

// box is the landmarks' bounding box.
func box(lm [][3]float32) imgproc.Rect {
	lo, hi := [2]float32{math.MaxFloat32, math.MaxFloat32}, [2]float32{-math.MaxFloat32, -math.MaxFloat32}
	for _, p := range lm {
		lo = [2]float32{min(lo[0], p[0]), min(lo[1], p[1])}
		hi = [2]float32{max(hi[0], p[0]), max(hi[1], p[1])}
	}
	return imgproc.Rect{X: lo[0], Y: lo[1], W: hi[0] - lo[0], H: hi[1] - lo[1]}
}

// normals estimates each point's surface normal as the least-variance axis
// of its nearest neighbours, turned outward from a centre behind the face.
func normals(pts *[liveness.MeshPoints]geom.Vec3) [liveness.MeshPoints]geom.Vec3 {
	const k = 10
	var out [liveness.MeshPoints]geom.Vec3
	centre := geom.Vec3{0, 0, 8}
	var idx [k]int
	for i := range pts {
		nearest(pts, pts[i], idx[:])
		var m geom.Vec3
		for _, j := range idx {
			m = m.Add(pts[j].Scale(1.0 / k))
		}
		cov := geom.NewSquare(3)
		for _, j := range idx {
			d := pts[j].Sub(m)
			for a := range 3 {
				for b := range 3 {
					cov[a][b] += d[a] * d[b]
				}
			}
		}
		vals, vecs := geom.SymEigen(cov)
		s := 0
		for a := range vals {
			if vals[a] < vals[s] {
				s = a
			}
		}
		n := geom.Vec3{vecs[0][s], vecs[1][s], vecs[2][s]}
		if n.Dot(pts[i].Sub(centre)) < 0 {
			n = n.Scale(-1)
		}
		out[i] = n
	}
	return out
}

// nearest fills idx with the indices of the len(idx) points nearest p,
// nearest first (p itself among them if it is one of pts).
func nearest(pts *[liveness.MeshPoints]geom.Vec3, p geom.Vec3, idx []int) {
	k := len(idx)
	d := make([]float64, 0, k)
	for j := range pts {
		dj := pts[j].Sub(p).Norm()
		if len(d) == k && dj >= d[k-1] {
			continue
		}
		if len(d) < k {
			d = append(d, 0)
		}
		pos := len(d) - 1
		for ; pos > 0 && d[pos-1] > dj; pos-- {
			d[pos], idx[pos] = d[pos-1], idx[pos-1]
		}
		d[pos], idx[pos] = dj, j
	}
}

// expression is how far the eyes are shut (0 open, 1 lids touching) and how
// far the mouth opens (cm of extra lip gap).
type expression struct {
	shut  [2]float64 // right, left
	mouth float64
}

// posed returns the head's points with the expression applied.
func (h *head) posed(e expression, dst *[liveness.MeshPoints]geom.Vec3) {
	*dst = h.pts
	for side, eye := range face.MeshEyes {
		for k, up := range eye.Upper {
			dst[up] = dst[up].Add(h.pts[eye.Lower[k]].Sub(h.pts[up]).Scale(e.shut[side]))
		}
	}
	if e.mouth == 0 {
		return
	}
	// The jaw drops: the lower lip fully, the chin below it fading out
	// towards the jaw's corners.
	half := faceWidthCm / 2
	for i := range dst {
		w := 0.0
		switch {
		case slices.Contains(face.MeshLowerLip, i):
			w = 1
		case h.pts[i][1] > h.chinY:
			w = max(0.2, 1-math.Abs(h.pts[i][0])/half)
		}
		dst[i][1] += w * e.mouth
	}
}

// openness measures the eyes and mouth of posed points as the tracker does.
func openness(p *[liveness.MeshPoints]geom.Vec3) (eyes [2]float32, mouth float32) {
	d := func(a, b int) float64 { return p[a].Sub(p[b]).Norm() }
	a, b := face.EyeGaps[0], face.EyeGaps[1]
	for side, e := range face.MeshEyes {
		eyes[side] = float32((d(e.Upper[a], e.Lower[a]) + d(e.Upper[b], e.Lower[b])) / (2 * d(e.Outer, e.Inner)))
	}
	return eyes, float32(d(face.MeshUpperLipInner, face.MeshLowerLipInner) / d(face.MeshMouthInnerRight, face.MeshMouthInnerLeft))
}
