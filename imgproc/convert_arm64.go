package imgproc

//go:noescape
func semiPlanarRowNEON(out *uint64, y, c *byte, n int, vFirst bool, k *yuvCoef)

// semiPlanarRow runs whole blocks of 16 pixels through NEON and the rest
// through Go.
func semiPlanarRow(out []uint64, y, c []byte, vFirst bool, k *yuvCoef) {
	n := min(len(y), len(c), len(out)) &^ 15
	if n > 0 {
		semiPlanarRowNEON(&out[0], &y[0], &c[0], n, vFirst, k)
	}
	semiPlanarRowGo(out[n:], y[n:], c[n:], vFirst, k)
}
