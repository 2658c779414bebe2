package imgproc

// orient maps upright pixel-index coordinates to sensor ones. Rotations by
// quarter turns and flips make it a signed permutation plus an offset, exact
// for fractional coordinates too.
type orient struct{ xx, xy, x0, yx, yy, y0 int }

// newOrient builds the map for a w×h sensor image that is turned clockwise
// by rotation and then mirrored to become upright.
func newOrient(rotation int, mirror bool, w, h int) orient {
	uw := w // upright width
	if rotation == 90 || rotation == 270 {
		uw = h
	}
	mx, mc := 1, 0 // undo the mirror first: x' = mx*x + mc
	if mirror {
		mx, mc = -1, uw-1
	}
	switch rotation {
	case 90:
		return orient{0, 1, 0, -mx, 0, h - 1 - mc}
	case 180:
		return orient{-mx, 0, w - 1 - mc, 0, -1, h - 1}
	case 270:
		return orient{0, -1, w - 1, mx, 0, mc}
	}
	return orient{mx, 0, mc, 0, 1, 0}
}

func (f *Frame) orient() orient { return newOrient(f.Rotation, f.Mirror, f.Width, f.Height) }

// transposed reports whether upright rows run along sensor columns.
func (o orient) transposed() bool { return o.xx == 0 }

func (o orient) apply(x, y int) (int, int) {
	return o.xx*x + o.xy*y + o.x0, o.yx*x + o.yy*y + o.y0
}

// inverse maps sensor coordinates back to upright ones; the linear part is
// orthogonal, so its inverse is its transpose.
func (o orient) inverse() orient {
	return orient{
		o.xx, o.yx, -(o.xx*o.x0 + o.yx*o.y0),
		o.xy, o.yy, -(o.xy*o.x0 + o.yy*o.y0),
	}
}

// box maps an upright Rect to the sensor box it covers, in the same
// edge coordinates.
func (o orient) box(r Rect) (x, y, w, h float64) {
	ax, ay := o.fapply(float64(r.X)-0.5, float64(r.Y)-0.5)
	bx, by := o.fapply(float64(r.X)+float64(r.W)-0.5, float64(r.Y)+float64(r.H)-0.5)
	return min(ax, bx) + 0.5, min(ay, by) + 0.5, abs(bx - ax), abs(by - ay)
}

func (o orient) fapply(x, y float64) (float64, float64) {
	return float64(o.xx)*x + float64(o.xy)*y + float64(o.x0), float64(o.yx)*x + float64(o.yy)*y + float64(o.y0)
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
