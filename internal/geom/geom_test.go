package geom

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSymEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 9
	a := NewSquare(n)
	for i := range n {
		for j := i; j < n; j++ {
			a[i][j] = rng.NormFloat64()
			a[j][i] = a[i][j]
		}
	}
	orig := NewSquare(n)
	for i := range a {
		copy(orig[i], a[i])
	}
	vals, vecs := SymEigen(a)
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
	inv, ok := Invert(a)
	if !ok {
		t.Fatal("singular")
	}
	for i := range 3 {
		for j := range 3 {
			var v float64
			for k := range 3 {
				v += a[i][k] * inv[k][j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(v-want) > 1e-12 {
				t.Fatalf("A·A⁻¹[%d][%d] = %v", i, j, v)
			}
		}
	}
	if _, ok := Invert([][]float64{{1, 2}, {2, 4}}); ok {
		t.Fatal("inverted a singular matrix")
	}
	x, _, ok := LeastSquares(a, []float64{7, 4, 7})
	if !ok || math.Abs(x[0]-1) > 1e-12 || math.Abs(x[1]-1) > 1e-12 || math.Abs(x[2]-1) > 1e-12 {
		t.Errorf("LeastSquares: %v, want 1 1 1", x)
	}
}

// The rotation follows face.Signals' pose signs: a positive yaw turns the
// nose (pointing at the camera, -z) towards +x, a positive pitch towards
// -y (up), a positive roll turns +x towards +y (clockwise on screen).
func TestRotationConventions(t *testing.T) {
	nose := Vec3{0, 0, -1}
	if v := Rotation(30, 0, 0).Apply(nose); !(v[0] > 0.49 && math.Abs(v[1]) < 1e-12) {
		t.Errorf("yaw 30: nose at %v", v)
	}
	if v := Rotation(0, 30, 0).Apply(nose); !(v[1] < -0.49 && math.Abs(v[0]) < 1e-12) {
		t.Errorf("pitch 30: nose at %v", v)
	}
	if v := Rotation(0, 0, 30).Apply(Vec3{1, 0, 0}); !(v[1] > 0.49) {
		t.Errorf("roll 30: x axis at %v", v)
	}
	r := Rotation(10, -20, 35)
	for i := range 3 {
		for j := range 3 {
			if d := r[i].Dot(r[j]); i == j && math.Abs(d-1) > 1e-12 || i != j && math.Abs(d) > 1e-12 {
				t.Fatalf("rows %d, %d: dot %v, not orthonormal", i, j, d)
			}
		}
	}
	if u := (Vec3{3, 4, 0}).Unit(); u != (Vec3{0.6, 0.8, 0}) || (Vec3{}).Unit() != (Vec3{}) {
		t.Errorf("Unit: %v", u)
	}
	if c := (Vec3{1, 0, 0}).Cross(Vec3{0, 1, 0}); c != (Vec3{0, 0, 1}) {
		t.Errorf("x × y = %v", c)
	}
}
