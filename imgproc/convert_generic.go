//go:build !arm64 && !amd64

package imgproc

func semiPlanarRow(out []uint64, y, c []byte, vFirst bool, k *yuvCoef) {
	semiPlanarRowGo(out, y, c, vFirst, k)
}
