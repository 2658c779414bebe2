package liveness

import (
	"math"

	"github.com/liveid/liveid/internal/geom"
)

// point is a 2-D point in pixels.
type point [2]float64

// homography is a 3×3 projective map, row-major.
type homography [9]float64

func (h *homography) apply(p point) point {
	w := h[6]*p[0] + h[7]*p[1] + h[8]
	return point{(h[0]*p[0] + h[1]*p[1] + h[2]) / w, (h[3]*p[0] + h[4]*p[1] + h[5]) / w}
}

// normalizer maps points to zero mean and mean distance √2 from the
// origin (Hartley), which keeps the DLT well conditioned.
type normalizer struct{ cx, cy, s float64 }

func newNormalizer(ps []point) normalizer {
	var n normalizer
	for _, p := range ps {
		n.cx += p[0]
		n.cy += p[1]
	}
	n.cx /= float64(len(ps))
	n.cy /= float64(len(ps))
	var d float64
	for _, p := range ps {
		d += math.Hypot(p[0]-n.cx, p[1]-n.cy)
	}
	n.s = math.Sqrt2 * float64(len(ps)) / d
	return n
}

func (n normalizer) apply(p point) point { return point{(p[0] - n.cx) * n.s, (p[1] - n.cy) * n.s} }

// matrix is T as a homography.
func (n normalizer) matrix() homography {
	return homography{n.s, 0, -n.s * n.cx, 0, n.s, -n.s * n.cy, 0, 0, 1}
}

// inverse is T⁻¹ as a homography.
func (n normalizer) inverse() homography {
	return homography{1 / n.s, 0, n.cx, 0, 1 / n.s, n.cy, 0, 0, 1}
}

func (a homography) mul(b homography) homography {
	var c homography
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				c[3*i+j] += a[3*i+k] * b[3*k+j]
			}
		}
	}
	return c
}

// fitHomography finds H with dst ≈ H·src by the normalised direct linear
// transform: the null vector of the stacked constraint rows, taken as the
// eigenvector of AᵀA with the smallest eigenvalue. ok is false for fewer
// than 4 points or a degenerate configuration.
func fitHomography(src, dst []point) (h homography, ok bool) {
	if len(src) < 4 || len(src) != len(dst) {
		return h, false
	}
	ns, nd := newNormalizer(src), newNormalizer(dst)
	if math.IsInf(ns.s, 0) || math.IsInf(nd.s, 0) || math.IsNaN(ns.s) || math.IsNaN(nd.s) {
		return h, false
	}
	ata := geom.NewSquare(9)
	for i := range src {
		s, d := ns.apply(src[i]), nd.apply(dst[i])
		x, y, u, v := s[0], s[1], d[0], d[1]
		for _, row := range [2][9]float64{
			{-x, -y, -1, 0, 0, 0, u * x, u * y, u},
			{0, 0, 0, -x, -y, -1, v * x, v * y, v},
		} {
			for a := range 9 {
				for b := range 9 {
					ata[a][b] += row[a] * row[b]
				}
			}
		}
	}
	vals, vecs := geom.SymEigen(ata)
	k := 0
	for i := range vals {
		if vals[i] < vals[k] {
			k = i
		}
	}
	var hn homography
	for i := range 9 {
		hn[i] = vecs[i][k]
	}
	h = nd.inverse().mul(hn).mul(ns.matrix())
	if h[8] == 0 {
		return h, false
	}
	for i := range h {
		h[i] /= h[8]
	}
	return h, true
}

// planarResidual is the RMS distance between dst and the best homography's
// image of src: near the landmark noise for a plane (a photo) moved in any
// way, larger for a 3-D head turning.
func planarResidual(src, dst []point) (float64, bool) {
	h, ok := fitHomography(src, dst)
	if !ok {
		return 0, false
	}
	var ss float64
	for i := range src {
		p := h.apply(src[i])
		ss += (p[0]-dst[i][0])*(p[0]-dst[i][0]) + (p[1]-dst[i][1])*(p[1]-dst[i][1])
	}
	r := math.Sqrt(ss / float64(len(src)))
	return r, !math.IsNaN(r)
}
