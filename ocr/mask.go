package ocr

import "github.com/liveid/liveid/ocr/internal/geom"

// mask is a binary image.
type mask struct {
	w, h int
	v    []bool
}

func newMask(w, h int) *mask { return &mask{w, h, make([]bool, w*h)} }

func (m *mask) count() int {
	n := 0
	for _, b := range m.v {
		if b {
			n++
		}
	}
	return n
}

// dilate grows the set by a (2r+1)² square; erode shrinks it. Both are
// separable: a row pass then a column pass over running counts.
func (m *mask) dilate(r int) *mask { return m.morph(r, false) }
func (m *mask) erode(r int) *mask  { return m.morph(r, true) }

func (m *mask) morph(r int, erode bool) *mask {
	pass := func(src *mask, horizontal bool) *mask {
		out := newMask(src.w, src.h)
		outer, inner := src.h, src.w
		if !horizontal {
			outer, inner = src.w, src.h
		}
		idx := func(o, i int) int {
			if horizontal {
				return o*src.w + i
			}
			return i*src.w + o
		}
		for o := range outer {
			set := 0 // set pixels in the window; outside counts as unset
			for i := 0; i < r && i < inner; i++ {
				if src.v[idx(o, i)] {
					set++
				}
			}
			for i := range inner {
				if j := i + r; j < inner && src.v[idx(o, j)] {
					set++
				}
				if j := i - r - 1; j >= 0 && src.v[idx(o, j)] {
					set--
				}
				lo, hi := max(i-r, 0), min(i+r, inner-1)
				if erode {
					out.v[idx(o, i)] = set == hi-lo+1
				} else {
					out.v[idx(o, i)] = set > 0
				}
			}
		}
		return out
	}
	return pass(pass(m, true), false)
}

// components labels 4-connected regions of set pixels from 1; it returns
// the label image and the size of each label (index 0 unused).
func (m *mask) components() ([]int32, []int) {
	labels := make([]int32, len(m.v))
	sizes := []int{0}
	stack := make([]int, 0, 1024)
	for start, on := range m.v {
		if !on || labels[start] != 0 {
			continue
		}
		id := int32(len(sizes))
		size := 0
		labels[start] = id
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			x, y := i%m.w, i/m.w
			for _, n := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
				if n[0] < 0 || n[1] < 0 || n[0] >= m.w || n[1] >= m.h {
					continue
				}
				j := n[1]*m.w + n[0]
				if m.v[j] && labels[j] == 0 {
					labels[j] = id
					stack = append(stack, j)
				}
			}
		}
		sizes = append(sizes, size)
	}
	return labels, sizes
}

// fillHoles sets every unset pixel that the image border cannot reach.
func (m *mask) fillHoles() *mask {
	inv := newMask(m.w, m.h)
	for i, b := range m.v {
		inv.v[i] = !b
	}
	labels, _ := inv.components()
	outside := map[int32]bool{}
	for x := range m.w {
		outside[labels[x]] = true
		outside[labels[(m.h-1)*m.w+x]] = true
	}
	for y := range m.h {
		outside[labels[y*m.w]] = true
		outside[labels[y*m.w+m.w-1]] = true
	}
	out := newMask(m.w, m.h)
	for i, b := range m.v {
		out.v[i] = b || !outside[labels[i]]
	}
	return out
}

// boundary lists the corners of set pixels that touch an unset pixel or the
// image edge: enough for a convex hull.
func (m *mask) boundary(label []int32, id int32) []geom.Point {
	var pts []geom.Point
	for y := range m.h {
		for x := range m.w {
			i := y*m.w + x
			if label[i] != id {
				continue
			}
			edge := x == 0 || y == 0 || x == m.w-1 || y == m.h-1 ||
				label[i-1] != id || label[i+1] != id || label[i-m.w] != id || label[i+m.w] != id
			if edge {
				fx, fy := float64(x), float64(y)
				pts = append(pts, geom.Pt(fx, fy), geom.Pt(fx+1, fy), geom.Pt(fx, fy+1), geom.Pt(fx+1, fy+1))
			}
		}
	}
	return pts
}
