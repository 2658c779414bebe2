package geom

import "math"

// NewSquare is a zero n×n matrix.
func NewSquare(n int) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
	}
	return m
}

// SymEigen returns the eigenvalues of the symmetric matrix a and its
// eigenvectors as the columns of vecs, by cyclic Jacobi rotations. a is
// overwritten.
func SymEigen(a [][]float64) (vals []float64, vecs [][]float64) {
	n := len(a)
	vecs = NewSquare(n)
	for i := range n {
		vecs[i][i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off, diag float64
		for p := range n {
			diag += a[p][p] * a[p][p]
			for q := p + 1; q < n; q++ {
				off += a[p][q] * a[p][q]
			}
		}
		if off <= 1e-30*diag || off == 0 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				if a[p][q] != 0 {
					rotate(a, vecs, p, q)
				}
			}
		}
	}
	vals = make([]float64, n)
	for i := range n {
		vals[i] = a[i][i]
	}
	return vals, vecs
}

// rotate applies the Jacobi rotation that zeroes a[p][q].
func rotate(a, v [][]float64, p, q int) {
	theta := (a[q][q] - a[p][p]) / (2 * a[p][q])
	t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
	c := 1 / math.Sqrt(t*t+1)
	s := t * c
	for k := range a {
		akp, akq := a[k][p], a[k][q]
		a[k][p], a[k][q] = c*akp-s*akq, s*akp+c*akq
	}
	for k := range a {
		apk, aqk := a[p][k], a[q][k]
		a[p][k], a[q][k] = c*apk-s*aqk, s*apk+c*aqk
	}
	for k := range v {
		vkp, vkq := v[k][p], v[k][q]
		v[k][p], v[k][q] = c*vkp-s*vkq, s*vkp+c*vkq
	}
}

// Invert returns the inverse of the square matrix a by Gauss–Jordan
// elimination with partial pivoting; ok is false when a is singular.
func Invert(a [][]float64) (inv [][]float64, ok bool) {
	n := len(a)
	m := NewSquare(n)
	inv = NewSquare(n)
	for i := range n {
		copy(m[i], a[i])
		inv[i][i] = 1
	}
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[p][col]) {
				p = r
			}
		}
		if m[p][col] == 0 || math.IsNaN(m[p][col]) {
			return nil, false
		}
		m[col], m[p] = m[p], m[col]
		inv[col], inv[p] = inv[p], inv[col]
		d := m[col][col]
		for k := range n {
			m[col][k] /= d
			inv[col][k] /= d
		}
		for r := range n {
			if r == col || m[r][col] == 0 {
				continue
			}
			f := m[r][col]
			for k := range n {
				m[r][k] -= f * m[col][k]
				inv[r][k] -= f * inv[col][k]
			}
		}
	}
	return inv, true
}

// LeastSquares solves the (weighted) normal equations ata·x = atb and also
// returns ata⁻¹, whose diagonal holds the variances of x in the units the
// rows were weighted in; ok is false when ata is singular.
func LeastSquares(ata [][]float64, atb []float64) (x []float64, inv [][]float64, ok bool) {
	inv, ok = Invert(ata)
	if !ok {
		return nil, nil, false
	}
	x = make([]float64, len(atb))
	for i := range x {
		for j := range atb {
			x[i] += inv[i][j] * atb[j]
		}
	}
	return x, inv, true
}
