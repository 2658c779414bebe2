package liveness

import (
	"cmp"
	"github.com/liveid/liveid/internal/geom"
	"image"
	"math"
	"slices"
)

// This file turns one FaceMesh result into a 3-D head for the evaluation:
// landmarks in centimetres in the face's own frame, surface normals, skin
// colour per region, and the eyelid and lip moves of blinks and speech.

// FaceMesh points of the eyelids and lips (MediaPipe's canonical topology,
// subject's right and left). Each upper-lid point closes onto the lower-lid
// point below it.
var (
	rightLidPairs = [][2]int{{246, 7}, {161, 163}, {160, 144}, {159, 145}, {158, 153}, {157, 154}, {173, 155}}
	leftLidPairs  = [][2]int{{466, 249}, {388, 390}, {387, 373}, {386, 374}, {385, 380}, {384, 381}, {398, 382}}
	lowerLip      = []int{95, 88, 178, 87, 14, 317, 402, 318, 324, 146, 91, 181, 84, 17, 314, 405, 321, 375}
	// eye aspect ratio as the tracker computes it: two lid gaps over the
	// corner-to-corner width.
	rightEAR = [3][2]int{{160, 144}, {158, 153}, {ptREyeOuter, ptREyeInner}}
	leftEAR  = [3][2]int{{385, 380}, {387, 373}, {ptLEyeOuter, ptLEyeInner}}
)

const (
	ptLipUpper, ptLipLower = 13, 14
	ptMouthInR, ptMouthInL = 78, 308
	ptForehead, ptChin     = 10, 152
	faceWidthCm            = 14.0 // cheek outline to cheek outline (234–454)
)

// head is a face as rigid 3-D geometry in centimetres: x to the image's
// right, y down, z away from the camera, origin at the landmarks' centroid.
type head struct {
	pts     [MeshPoints]geom.Vec3
	normals [MeshPoints]geom.Vec3
	albedo  [NumRegions]geom.Vec3 // linear RGB of the skin in each region, from the photo
	chinY   float64               // jaw points below this move with an opening mouth
}

// newHead expresses FaceMesh's output lm (192-px crop units, z on the same
// scale) in the face's own frame: whatever the pose in the photo, the head
// comes out frontal and upright.
func newHead(lm *[MeshPoints][3]float64, crop *image.NRGBA) *head {
	p := func(i int) geom.Vec3 { return geom.Vec3(lm[i]) }
	x := p(ptLeftEdge).Sub(p(ptRightEdge)).Unit().Add(p(ptLEyeOuter).Sub(p(ptREyeOuter)).Unit())
	y := p(ptChin).Sub(p(ptForehead)).Unit()
	z := x.Cross(y).Unit()
	x = y.Cross(z).Unit()
	y = z.Cross(x)
	var c geom.Vec3
	for i := range lm {
		c = c.Add(p(i))
	}
	c = c.Scale(1.0 / MeshPoints)
	k := faceWidthCm / p(ptLeftEdge).Sub(p(ptRightEdge)).Norm()
	h := &head{}
	for i := range lm {
		d := p(i).Sub(c)
		h.pts[i] = geom.Vec3{d.Dot(x), d.Dot(y), d.Dot(z)}.Scale(k)
	}
	h.chinY = h.pts[17][1] // below the lower lip's outer edge
	h.normals = normals(&h.pts)
	for r := range NumRegions {
		for _, i := range RegionLandmarks[r] {
			h.albedo[r] = h.albedo[r].Add(skin(crop, lm[i][0], lm[i][1]).Scale(1 / float64(len(RegionLandmarks[r]))))
		}
	}
	return h
}

// normals estimates each point's surface normal as the least-variance axis
// of its nearest neighbours, turned outward from a centre behind the face.
func normals(pts *[MeshPoints]geom.Vec3) [MeshPoints]geom.Vec3 {
	const k = 10
	var out [MeshPoints]geom.Vec3
	centre := geom.Vec3{0, 0, 8}
	idx := make([]int, MeshPoints)
	for i := range pts {
		for j := range idx {
			idx[j] = j
		}
		slices.SortFunc(idx, func(a, b int) int {
			return cmp.Compare(pts[a].Sub(pts[i]).Norm(), pts[b].Sub(pts[i]).Norm())
		})
		var m geom.Vec3
		for _, j := range idx[:k] {
			m = m.Add(pts[j].Scale(1.0 / k))
		}
		cov := geom.NewSquare(3)
		for _, j := range idx[:k] {
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

// skin is the linear RGB around crop pixel (x, y), a 5×5 mean.
func skin(img *image.NRGBA, x, y float64) geom.Vec3 {
	var s geom.Vec3
	n := 0
	for dy := -2; dy <= 2; dy++ {
		for dx := -2; dx <= 2; dx++ {
			px, py := int(x)+dx, int(y)+dy
			if !(image.Point{px, py}).In(img.Bounds()) {
				continue
			}
			o := img.PixOffset(px, py)
			l := linear(Color{img.Pix[o], img.Pix[o+1], img.Pix[o+2]})
			s = s.Add(geom.Vec3(l))
			n++
		}
	}
	return s.Scale(1 / float64(max(n, 1)))
}

// expression is how far the eyes are shut (0 open, 1 lids touching) and how
// far the mouth opens (cm of extra lip gap).
type expression struct {
	shut  [2]float64 // right, left
	mouth float64
}

// posed returns the head's points with the expression applied.
func (h *head) posed(e expression, dst *[MeshPoints]geom.Vec3) {
	*dst = h.pts
	for side, pairs := range [2][][2]int{rightLidPairs, leftLidPairs} {
		for _, pr := range pairs {
			dst[pr[0]] = dst[pr[0]].Add(h.pts[pr[1]].Sub(h.pts[pr[0]]).Scale(e.shut[side]))
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
		case slices.Contains(lowerLip, i):
			w = 1
		case h.pts[i][1] > h.chinY:
			w = max(0.2, 1-math.Abs(h.pts[i][0])/half)
		}
		dst[i][1] += w * e.mouth
	}
}

// openness measures the eyes and mouth of posed points as the tracker does.
func openness(p *[MeshPoints]geom.Vec3) (eyes [2]float32, mouth float32) {
	d := func(a, b int) float64 { return p[a].Sub(p[b]).Norm() }
	for side, ear := range [2][3][2]int{rightEAR, leftEAR} {
		eyes[side] = float32((d(ear[0][0], ear[0][1]) + d(ear[1][0], ear[1][1])) / (2 * d(ear[2][0], ear[2][1])))
	}
	return eyes, float32(d(ptLipUpper, ptLipLower) / d(ptMouthInR, ptMouthInL))
}
