package imgproc

import (
	"encoding/binary"
	"math"
)

// Stats describes the exposure of a face. Luma is BT.601 on the 0..255
// full-range scale (video-range frames are rescaled).
type Stats struct {
	Mean   float32 // mean face luma
	Dark   float32 // fraction of face pixels with luma ≤ 20 (clipped dark)
	Bright float32 // fraction of face pixels with luma ≥ 245 (clipped bright)
	// Backlight is the mean luma of the frame outside the face box over Mean
	// (Mean taken as at least 1); 1 when the box covers the whole frame.
	Backlight float32
}

const (
	darkLuma   = 20
	brightLuma = 245
)

// LumaStats measures the face box of the upright frame. The box is cut to
// the pixels whose centres it holds; ErrEmpty if none are in the frame.
func LumaStats(f *Frame, face Rect) (Stats, error) {
	x0, y0, x1, y1, err := pixelBox(f, face)
	if err != nil {
		return Stats{}, err
	}
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	s.luma = grow(s.luma, f.Width)
	var hist [4][256]uint32
	var total uint64
	for y := range f.Height {
		row := f.lumaRow(s.luma, y, 0, f.Width)
		total += sumBytes(row)
		if y >= y0 && y < y1 {
			count(&hist, row[x0:x1])
		}
	}
	for i := range hist[0] {
		hist[0][i] += hist[1][i] + hist[2][i] + hist[3][i]
	}
	return f.lumaStats(&hist[0], total, (x1-x0)*(y1-y0)), nil
}

// count adds row to four interleaved histograms, so that runs of equal
// values (flat skin) do not serialise on one counter.
func count(hist *[4][256]uint32, row []byte) {
	for len(row) >= 4 {
		hist[0][row[0]]++
		hist[1][row[1]]++
		hist[2][row[2]]++
		hist[3][row[3]]++
		row = row[4:]
	}
	for _, v := range row {
		hist[0][v]++
	}
}

// lumaStats turns the histogram of the face's n pixels and the frame's luma
// total into Stats.
func (f *Frame) lumaStats(hist *[256]uint32, total uint64, n int) Stats {
	var sum uint64
	var dark, bright uint32
	for v, c := range hist {
		sum += uint64(v) * uint64(c)
		switch l := f.fullLuma(float64(v)); {
		case l <= darkLuma:
			dark += c
		case l >= brightLuma:
			bright += c
		}
	}
	mean := f.fullLuma(float64(sum) / float64(n))
	st := Stats{Mean: float32(mean), Dark: float32(dark) / float32(n), Bright: float32(bright) / float32(n), Backlight: 1}
	if rest := f.Width*f.Height - n; rest > 0 {
		st.Backlight = float32(f.fullLuma(float64(total-sum)/float64(rest)) / max(mean, 1))
	}
	return st
}

// fullLuma maps a raw luma value to the full-range scale.
func (f *Frame) fullLuma(v float64) float64 {
	if f.VideoRange && f.Format.isYUV() {
		return min(max((v-16)*255/219, 0), 255)
	}
	return v
}

// pixelBox is the sensor pixel range [x0, x1) × [y0, y1) whose centres lie in
// the upright Rect r, clipped to the frame.
func pixelBox(f *Frame, r Rect) (x0, y0, x1, y1 int, err error) {
	if err := f.Validate(); err != nil {
		return 0, 0, 0, 0, err
	}
	if !(r.W > 0 && r.H > 0) || !finite(r.X) || !finite(r.Y) || !finite(r.W) || !finite(r.H) {
		return 0, 0, 0, 0, ErrRect
	}
	bx, by, bw, bh := f.orient().box(r)
	x0, x1 = edge(bx, f.Width), edge(bx+bw, f.Width)
	y0, y1 = edge(by, f.Height), edge(by+bh, f.Height)
	if x0 >= x1 || y0 >= y1 {
		return 0, 0, 0, 0, ErrEmpty
	}
	return x0, y0, x1, y1, nil
}

// edge is the first pixel whose centre is at or past e, within 0..n.
func edge(e float64, n int) int {
	return int(min(max(math.Floor(e+0.5), 0), float64(n)))
}

// lumaRow returns the luma of sensor row y, columns [x0, x1): the Y plane
// itself for YUV formats, else BT.601 luma computed into buf.
func (f *Frame) lumaRow(buf []byte, y, x0, x1 int) []byte {
	p := f.Planes[0][y*f.Strides[0]:]
	if f.Format.isYUV() || f.Format == GRAY {
		return p[x0:x1]
	}
	buf = buf[:x1-x0]
	bpp := f.Format.bpp()
	r, b := 0, 2
	if f.Format == BGRA {
		r, b = 2, 0
	}
	for i := range buf {
		px := p[(x0+i)*bpp:][:3]
		// cv::cvtColor's RGB2GRAY weights in 14-bit fixed point.
		buf[i] = byte((4899*uint32(px[r]) + 9617*uint32(px[1]) + 1868*uint32(px[b]) + 1<<13) >> 14)
	}
	return buf
}

// sumBytes adds bytes 32 at a time in 16-bit lanes (even and odd bytes
// apart), flushing the lanes before they can overflow.
func sumBytes(b []byte) uint64 {
	var total uint64
	for len(b) >= 32 {
		n := min(len(b)/32, 64) // 64 × 4 × 255 < 1<<16
		even, odd := sumLanes(b[:32*n])
		total += fold(even) + fold(odd)
		b = b[32*n:]
	}
	for _, v := range b {
		total += uint64(v)
	}
	return total
}

func sumLanes(c []byte) (even, odd uint64) {
	const lo = 0x00ff00ff00ff00ff
	for len(c) >= 32 {
		v0 := binary.LittleEndian.Uint64(c[0:8])
		v1 := binary.LittleEndian.Uint64(c[8:16])
		v2 := binary.LittleEndian.Uint64(c[16:24])
		v3 := binary.LittleEndian.Uint64(c[24:32])
		even += v0&lo + v1&lo + v2&lo + v3&lo
		odd += v0>>8&lo + v1>>8&lo + v2>>8&lo + v3>>8&lo
		c = c[32:]
	}
	return even, odd
}

func fold(a uint64) uint64 { return a&0xffff + a>>16&0xffff + a>>32&0xffff + a>>48 }
