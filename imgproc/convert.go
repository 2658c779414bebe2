package imgproc

// yuvCoef holds BT.601 YUV→RGB coefficients in 20-bit fixed point, the
// precision OpenCV's YUV420 conversion uses, so that video-range frames match
// cv::cvtColor exactly and full-range ones are within rounding.
// The field order is read by the arm64 assembly.
type yuvCoef struct {
	yoff, cy, cvr, cug, cvg, cub int32
	luma                         [256]int32 // max(Y-yoff, 0)*cy
}

const (
	yuvShift = 20
	yuvHalf  = 1 << (yuvShift - 1)
)

var (
	// JFIF: R = Y + 1.402 V', G = Y - 0.344136 U' - 0.714136 V', B = Y + 1.772 U'.
	fullRange = newCoef(0, 1<<yuvShift, 1470104, -360851, -748830, 1858077)
	// R = 1.164 (Y-16) + 1.596 V', G = 1.164 (Y-16) - 0.391 U' - 0.813 V', B = 1.164 (Y-16) + 2.018 U'.
	videoRange = newCoef(16, 1220542, 1673527, -409993, -852492, 2116026)
)

func newCoef(yoff, cy, cvr, cug, cvg, cub int32) *yuvCoef {
	k := &yuvCoef{yoff: yoff, cy: cy, cvr: cvr, cug: cug, cvg: cvg, cub: cub}
	for i := range k.luma {
		k.luma[i] = max(int32(i)-yoff, 0) * cy
	}
	return k
}

// sat saturates a conversion result (value << yuvShift) to 0..255 by table:
// results lie within -384..639, which the index mask maps one to one.
func sat(v int32) byte { return satTab[(v>>yuvShift)&1023] }

var satTab = func() (t [1024]byte) {
	for i := range t {
		v := i
		if v >= 640 {
			v -= 1024
		}
		t[i] = byte(min(max(v, 0), 255))
	}
	return t
}()

func (f *Frame) coef() *yuvCoef {
	if f.VideoRange {
		return videoRange
	}
	return fullRange
}

// chroma is the per-U,V part of the conversion, shared by a 2×2 block.
func (k *yuvCoef) chroma(u, v byte) (r, g, b int32) {
	cu, cv := int32(u)-128, int32(v)-128
	return k.cvr*cv + yuvHalf, k.cug*cu + k.cvg*cv + yuvHalf, k.cub*cu + yuvHalf
}

// Converted rows hold one pixel a uint64, R | G<<21 | B<<42, so that a
// bilinear blend of two pixels with 11-bit weights is two multiplies: each
// field stays below 255<<11 < 1<<21 and cannot carry into the next.
const (
	gShift   = 21
	bShift   = 42
	fieldMax = 1<<gShift - 1
)

func spread(r, g, b byte) uint64 { return uint64(r) | uint64(g)<<gShift | uint64(b)<<bShift }

// semiPlanarRowGo converts one row of NV21 (vFirst) or NV12. len(y) is even
// and c holds len(y) interleaved chroma bytes.
func semiPlanarRowGo(out []uint64, y, c []byte, vFirst bool, k *yuvCoef) {
	n := min(len(y), len(c)) &^ 1
	if n == 0 {
		return
	}
	u, v := c[:n-1], c[1:n]
	if vFirst {
		u, v = v, u
	}
	yuvRow(out, y[:n], u, v, 2, k)
}

// yuvRow converts pixel pairs; pair i takes chroma u[i*step], v[i*step].
func yuvRow(out []uint64, y, u, v []byte, step int, k *yuvCoef) {
	for i, j := 0, 0; i+1 < len(y) && j < len(u) && j < len(v); i, j = i+2, j+step {
		rv, guv, bu := k.chroma(u[j], v[j])
		o := out[i : i+2 : i+2]
		o[0] = yuvPixel(k.luma[y[i]], rv, guv, bu)
		o[1] = yuvPixel(k.luma[y[i+1]], rv, guv, bu)
	}
}

func yuvPixel(l, rv, guv, bu int32) uint64 { return spread(sat(l+rv), sat(l+guv), sat(l+bu)) }

// rgbRow converts sensor row sy, columns [x0, x1), into out. For YUV
// formats x0 and x1 are even.
func (f *Frame) rgbRow(out []uint64, sy, x0, x1 int) {
	p, s := &f.Planes, &f.Strides
	y := p[0][sy*s[0]:]
	n := x1 - x0
	out = out[:n]
	switch f.Format {
	case NV21, NV12:
		semiPlanarRow(out, y[x0:x1], p[1][sy/2*s[1]+x0:][:n], f.Format == NV21, f.coef())
	case I420:
		u, v := p[1][sy/2*s[1]+x0/2:], p[2][sy/2*s[2]+x0/2:]
		yuvRow(out, y[x0:x1], u[:n/2], v[:n/2], 1, f.coef())
	case RGBA, BGRA, RGB:
		packedRow(out, y[x0*f.Format.bpp():x1*f.Format.bpp()], f.Format)
	case GRAY:
		for i, g := range y[x0:x1] {
			out[i] = spread(g, g, g)
		}
	}
}

func packedRow(out []uint64, in []byte, format Format) {
	bpp, r, b := format.bpp(), 0, 2
	if format == BGRA {
		r, b = 2, 0
	}
	for i := range out {
		px := in[i*bpp : i*bpp+3 : i*bpp+3]
		out[i] = spread(px[r], px[1], px[b])
	}
}

// pixelAt converts sensor pixel (x, y), which must be inside, with the row
// converter, so that there is one definition of the conversion.
func (f *Frame) pixelAt(x, y int) uint64 {
	var two [2]uint64
	x0 := x &^ 1 // a 4:2:0 chroma pair
	f.rgbRow(two[:], y, x0, min(x0+2, f.Width))
	return two[x-x0]
}

// bpp is bytes a pixel of the packed formats.
func (f Format) bpp() int {
	switch f {
	case RGBA, BGRA:
		return 4
	case RGB:
		return 3
	}
	return 1
}
