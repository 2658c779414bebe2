package imgproc

import "math"

// SharpWork is the working resolution of Sharpness: the longer side of a
// larger region is area-averaged down to this many pixels, so that the same
// face gives about the same value close to the camera and far from it.
// Smaller regions are measured as they are, not upsampled.
const SharpWork = 128

// Sharpness returns the variance of the 3×3 Laplacian (cv::Laplacian with
// ksize 1: 4-neighbour sum - 4 × centre) of luma over the region, on the
// SharpWork scale. Only pixels whose eight neighbours are inside the region
// count, so the region's edges add nothing; 0 when fewer than 3×3 pixels. The
// value is taken in sensor orientation: the kernel is unchanged by quarter
// turns and flips.
func Sharpness(f *Frame, r Rect) (float32, error) {
	x0, y0, x1, y1, err := pixelBox(f, r)
	if err != nil {
		return 0, err
	}
	ow, oh := workSize(x1-x0, y1-y0)
	if ow < 3 || oh < 3 {
		return 0, nil
	}
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	v := s.laplacianVariance(f, x0, y0, x1, y1, ow, oh)
	if f.VideoRange && f.Format.isYUV() {
		v *= (255.0 / 219) * (255.0 / 219)
	}
	return float32(v), nil
}

// workSize scales nw×nh so that the longer side is at most SharpWork.
func workSize(nw, nh int) (ow, oh int) {
	l := max(nw, nh)
	if l <= SharpWork {
		return nw, nh
	}
	return max(int(math.Round(float64(nw)*SharpWork/float64(l))), 1), max(int(math.Round(float64(nh)*SharpWork/float64(l))), 1)
}

// laplacianVariance area-averages sensor pixels [x0, x1) × [y0, y1) of
// luma to ow×oh, a row at a time, and feeds each finished row to the
// Laplacian.
func (s *scratch) laplacianVariance(f *Frame, x0, y0, x1, y1, ow, oh int) float64 {
	nw, nh := x1-x0, y1-y0
	s.luma, s.pre = grow(s.luma, nw), grow(s.pre, nw+1)
	s.cy = areaCells(grow(s.cy, nh), oh)
	cols := newEdges(nw, ow)
	lap := laplacian{norm: float64(ow*oh) / float64(nw*nh)} // 1 / cell area
	var rows [2][SharpWork]float64                          // output rows being summed: current, next
	var h [SharpWork]float64                                // one source row averaged across
	cur := int32(0)
	for j, cy := range s.cy {
		if cy.k != cur { // row cur is complete
			lap.push(rows[0][:ow])
			rows[0], rows[1], cur = rows[1], [SharpWork]float64{}, cy.k
		}
		areaRow(h[:ow], &cols, f.lumaRow(s.luma, y0+j, x0, x1), s.pre)
		for k, v := range h[:ow] {
			rows[0][k] += v * cy.w
			rows[1][k] += v - v*cy.w
		}
	}
	lap.push(rows[0][:ow])
	return lap.variance()
}

// cell says where one source row goes when n rows are averaged into fewer:
// a share w of it to output row k and the rest to row k+1.
type cell struct {
	k int32
	w float64
}

func areaCells(c []cell, cells int) []cell {
	scale := float64(len(c)) / float64(cells) // source rows an output row
	for i := range c {
		k := min(int(float64(i)/scale), cells-1)
		edge := float64(k+1) * scale
		c[i] = cell{int32(k), min(max(edge-float64(i), 0), 1)}
		if k == cells-1 {
			c[i].w = 1
		}
	}
	return c
}

// edges are where the cells of an area resample of n pixels into fewer
// begin, k*n/cells for k = 0..cells, split into pixel and fraction.
type edges struct {
	i [SharpWork + 1]int
	f [SharpWork + 1]float64
}

func newEdges(n, cells int) (e edges) {
	scale := float64(n) / float64(cells)
	for k := range cells {
		x := float64(k) * scale
		e.i[k] = int(x)
		e.f[k] = x - float64(e.i[k])
	}
	e.i[cells] = n
	return e
}

// areaRow sums src over each cell from prefix sums: whole pixels, plus the
// covered fraction of the pixel at the cell's end, less that at its start.
func areaRow(h []float64, e *edges, src []byte, pre []uint32) {
	pre = pre[:len(src)+1]
	var run uint32
	for i, v := range src {
		pre[i] = run
		run += uint32(v)
	}
	pre[len(src)] = run
	for k := range h {
		a, b := e.i[k], e.i[k+1]
		v := float64(pre[b]-pre[a]) - e.f[k]*float64(src[a])
		if b < len(src) {
			v += e.f[k+1] * float64(src[b])
		}
		h[k] = v
	}
}

// laplacian accumulates the Laplacian over a stream of rows, three at a time.
type laplacian struct {
	ring      [3][SharpWork]float64
	n         int
	sum, sum2 float64
	count     int
	norm      float64
}

func (l *laplacian) push(row []float64) {
	cur := &l.ring[l.n%3]
	for i, v := range row {
		cur[i] = v * l.norm
	}
	l.n++
	if l.n < 3 {
		return
	}
	up, mid, dn := &l.ring[(l.n-3)%3], &l.ring[(l.n-2)%3], &l.ring[(l.n-1)%3]
	var sum, sum2 float64 // locals: fields would chain every add through memory
	for x := 1; x+1 < len(row); x++ {
		d := up[x] + dn[x] + mid[x-1] + mid[x+1] - 4*mid[x]
		sum += d
		sum2 += d * d
	}
	l.sum, l.sum2 = l.sum+sum, l.sum2+sum2
	l.count += len(row) - 2
}

func (l *laplacian) variance() float64 {
	if l.count == 0 {
		return 0
	}
	m := l.sum / float64(l.count)
	return max(l.sum2/float64(l.count)-m*m, 0)
}
