// Package geom is the small geometry and linear algebra that face,
// liveness and the liveness evaluation share, so that each exists once:
// 3-vectors and 3×3 matrices (Vec3, Mat3, Rotation), dense symmetric
// eigen-decomposition by cyclic Jacobi rotations (SymEigen), Gauss–Jordan
// inversion and weighted least squares (Invert, LeastSquares), and the
// float32 helpers Abs32 and Clamp01.
//
// Everything is float64 except the float32 helpers; matrices of any size
// are [][]float64 rows (NewSquare). Nothing here allocates except the
// functions that return new matrices.
package geom
