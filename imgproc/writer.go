package imgproc

// writer normalises accumulated RGB values (scaled by 2^22) into a tensor.
// Pixels arrive on a grid (p, q) that may be the tensor turned or flipped:
// tensor pixel index = base + p*dp + q*dq.
type writer struct {
	dst          []float32
	plane        int
	step         int    // floats from one pixel to the next: 1 planar, 3 interleaved
	off          [3]int // where R, G and B of pixel 0 go
	base, dp, dq int
	k, c         [3]float32 // value = acc*k + c, for R, G and B
}

// newWriter targets spec's tensor; pix maps grid (p, q) to tensor (u, v).
func newWriter(spec TensorSpec, dst []float32, pix orient) writer {
	w := writer{dst: dst[:spec.Len()], plane: spec.Width * spec.Height, step: 3}
	at := [3]int{0, 1, 2} // tensor channel of R, G and B
	if spec.BGR {
		at = [3]int{2, 1, 0}
	}
	for i, ch := range at {
		w.k[i] = 1 / (accOne * spec.Std[ch])
		w.c[i] = -spec.Mean[ch] / spec.Std[ch]
		w.off[i] = ch
		if spec.NCHW {
			w.off[i], w.step = ch*w.plane, 1
		}
	}
	w.base = pix.y0*spec.Width + pix.x0
	w.dp = pix.yx*spec.Width + pix.xx
	w.dq = pix.yy*spec.Width + pix.xy
	return w
}

// row blends two horizontal passes with vertical weights b0, b1 and writes
// grid row q. The arithmetic is signed because int64→float32 is one
// instruction.
func (w *writer) row(q int, h0, h1 []uint64, b0, b1 int32) {
	h1 = h1[:len(h0)]
	v0, v1 := int64(b0), int64(b1)
	i, di := (w.base+q*w.dq)*w.step, w.dp*w.step
	r, g, b := w.dst[w.off[0]:], w.dst[w.off[1]:], w.dst[w.off[2]:]
	for p, ux := range h0 {
		x, y := int64(ux), int64(h1[p])
		r[i] = float32(x&fieldMax*v0+y&fieldMax*v1)*w.k[0] + w.c[0]
		g[i] = float32(x>>gShift&fieldMax*v0+y>>gShift&fieldMax*v1)*w.k[1] + w.c[1]
		b[i] = float32(x>>bShift*v0+y>>bShift*v1)*w.k[2] + w.c[2]
		i += di
	}
}

// put writes tensor pixel i from its accumulated channels.
func (w *writer) put(i int, r, g, b int32) {
	i *= w.step
	w.dst[w.off[0]+i] = float32(r)*w.k[0] + w.c[0]
	w.dst[w.off[1]+i] = float32(g)*w.k[1] + w.c[1]
	w.dst[w.off[2]+i] = float32(b)*w.k[2] + w.c[2]
}

// fill writes black everywhere.
func (w *writer) fill() {
	for i := range w.plane {
		w.put(i, 0, 0, 0)
	}
}
