package imgproc

//go:noescape
func semiPlanarRowAVX2(out *uint64, y, c *byte, n int, vFirst bool, k *yuvCoef)

func cpuid(leaf, sub uint32) (a, b, c, d uint32)

func xgetbv() uint32

// hasAVX2 also asks whether the OS saves the YMM registers.
var hasAVX2 = func() bool {
	if max, _, _, _ := cpuid(0, 0); max < 7 {
		return false
	}
	const osxsave, avx = 1 << 27, 1 << 28
	if _, _, c, _ := cpuid(1, 0); c&osxsave == 0 || c&avx == 0 || xgetbv()&6 != 6 {
		return false
	}
	_, b, _, _ := cpuid(7, 0)
	return b&(1<<5) != 0
}()

// semiPlanarRow runs whole blocks of 8 pixels through AVX2 where the CPU has
// it, and the rest through Go.
func semiPlanarRow(out []uint64, y, c []byte, vFirst bool, k *yuvCoef) {
	n := 0
	if hasAVX2 {
		n = min(len(y), len(c), len(out)) &^ 7
	}
	if n > 0 {
		semiPlanarRowAVX2(&out[0], &y[0], &c[0], n, vFirst, k)
	}
	semiPlanarRowGo(out[n:], y[n:], c[n:], vFirst, k)
}
