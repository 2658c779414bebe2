package imgproc

import "math"

// DiscMean is the mean colour, in linear light, of the upright-frame
// pixels whose centres lie within radius of one of the centres (Rect
// coordinates: pixel (i, j) has its centre at (i+0.5, j+0.5)). Each
// channel is decoded from sRGB to linear light on 0..1 before averaging,
// so that the mean is proportional to the light the pixels saw. A pixel
// within several discs counts once for each. Pixels outside the frame are
// left out; ErrEmpty when no disc holds one. A non-finite centre or a
// radius that is not positive and finite is ErrRect.
//
// The sums are exact (fixed point), so that every rotation and mirroring
// of the same upright image gives the same result to the last bit.
func DiscMean(f *Frame, centres [][2]float32, radius float32) ([3]float32, error) {
	if err := f.Validate(); err != nil {
		return [3]float32{}, err
	}
	if !(radius > 0) || !finite(radius) {
		return [3]float32{}, ErrRect
	}
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	o := f.orient()
	r := float64(radius)
	var sum [3]uint64
	n := 0
	for _, c := range centres {
		if !finite(c[0]) || !finite(c[1]) {
			return [3]float32{}, ErrRect
		}
		// Quarter turns and flips map a disc onto a disc of the same
		// radius: walk it in sensor rows, centre in pixel-index coordinates.
		cx, cy := o.fapply(float64(c[0])-0.5, float64(c[1])-0.5)
		n += s.discSum(f, cx, cy, r, &sum)
	}
	if n == 0 {
		return [3]float32{}, ErrEmpty
	}
	var mean [3]float32
	for k := range mean {
		mean[k] = float32(float64(sum[k]) / linearOne / float64(n))
	}
	return mean, nil
}

// discSum adds the linear colours of the sensor pixels within r of
// (cx, cy) (pixel-index coordinates) to sum and returns their count.
func (s *scratch) discSum(f *Frame, cx, cy, r float64, sum *[3]uint64) int {
	n := 0
	for y := max(int(math.Ceil(cy-r)), 0); y <= min(int(math.Floor(cy+r)), f.Height-1); y++ {
		dy := float64(y) - cy
		x0, x1 := max(int(math.Ceil(cx-r)), 0), min(int(math.Floor(cx+r)), f.Width-1)
		if x0 > x1 {
			continue
		}
		a, b := x0&^1, min((x1+2)&^1, f.Width) // even bounds for 4:2:0 chroma
		s.rgb = grow(s.rgb, b-a)
		f.rgbRow(s.rgb, y, a, b)
		for x := x0; x <= x1; x++ {
			// dx² + dy² in either order is the same number: every
			// orientation selects the same pixels.
			if dx := float64(x) - cx; dx*dx+dy*dy > r*r {
				continue
			}
			p := s.rgb[x-a]
			sum[0] += uint64(srgbLinear[p&fieldMax])
			sum[1] += uint64(srgbLinear[p>>gShift&fieldMax])
			sum[2] += uint64(srgbLinear[p>>bShift])
			n++
		}
	}
	return n
}

// linearOne is linear light 1 in srgbLinear's fixed point: 2^24 keeps the
// darkest step (1/255/12.92 ≈ 3e-4) to five digits, and a uint64 sum holds
// 2^40 pixels of white.
const linearOne = 1 << 24

// srgbLinear decodes an 8-bit sRGB value to linear light (IEC 61966-2-1),
// in units of 1/linearOne.
var srgbLinear = func() (t [256]uint32) {
	for v := range t {
		t[v] = uint32(math.Round(SRGBToLinear(uint8(v)) * linearOne))
	}
	return t
}()

// SRGBToLinear decodes one 8-bit sRGB channel value to linear light on
// 0..1 (IEC 61966-2-1): what a display emits for it, and what a camera's
// sRGB output must be decoded with for its values to add up like light.
func SRGBToLinear(v uint8) float64 {
	x := float64(v) / 255
	if x <= 0.04045 {
		return x / 12.92
	}
	return math.Pow((x+0.055)/1.055, 2.4)
}
