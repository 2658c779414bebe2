package liveness

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSymEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 9
	a := newSquare(n)
	for i := range n {
		for j := i; j < n; j++ {
			a[i][j] = rng.NormFloat64()
			a[j][i] = a[i][j]
		}
	}
	orig := newSquare(n)
	for i := range a {
		copy(orig[i], a[i])
	}
	vals, vecs := symEigen(a)
	for k := range n {
		for i := range n {
			var av float64
			for j := range n {
				av += orig[i][j] * vecs[j][k]
			}
			if math.Abs(av-vals[k]*vecs[i][k]) > 1e-9 {
				t.Fatalf("eigenpair %d: A·v != λ·v", k)
			}
		}
	}
}

func TestInvert(t *testing.T) {
	a := [][]float64{{4, 1, 2}, {1, 3, 0}, {2, 0, 5}}
	inv, ok := invert(a)
	if !ok {
		t.Fatal("singular")
	}
	for i := range 3 {
		for j := range 3 {
			var v float64
			for k := range 3 {
				v += a[i][k] * inv[k][j]
			}
			if want := float64(boolIndex(i == j)); math.Abs(v-want) > 1e-12 {
				t.Fatalf("A·A⁻¹[%d][%d] = %v", i, j, v)
			}
		}
	}
	if _, ok := invert([][]float64{{1, 2}, {2, 4}}); ok {
		t.Fatal("inverted a singular matrix")
	}
}

// A plane seen in perspective maps by a homography: the fit recovers it and
// leaves no residual. A 3-D shape turned does not fit one.
func TestHomographySeparatesPlanesFromRelief(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var flat, relief [60]vec
	for i := range flat {
		x, y := rng.Float64()*14-7, rng.Float64()*18-9
		flat[i] = vec{x, y, 0}
		relief[i] = vec{x, y, -4 * math.Exp(-(x*x+y*y)/20)} // a bump like a nose
	}
	view := func(pts []vec, yaw float64) []point {
		r := rotation(yaw, 5, 2)
		out := make([]point, len(pts))
		for i, p := range pts {
			out[i] = project(r.apply(p).add(vec{1, -2, 40}))
		}
		return out
	}
	for _, yaw := range []float64{15, 30} {
		res, ok := planarResidual(view(flat[:], 0), view(flat[:], yaw))
		if !ok || res > 1e-6 {
			t.Errorf("plane turned %v°: residual %v px", yaw, res)
		}
		res, ok = planarResidual(view(relief[:], 0), view(relief[:], yaw))
		if !ok || res < 1 {
			t.Errorf("relief turned %v°: residual %v px, want a clear misfit", yaw, res)
		}
	}
	if _, ok := planarResidual(make([]point, 3), make([]point, 3)); ok {
		t.Error("fitted three points")
	}
}
