package imgproc

import (
	"errors"
	"image"
	"image/draw"
)

// FromImage copies img into an upright RGBA frame (for tests and the CLI).
func FromImage(img image.Image) *Frame {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	return &Frame{Width: b.Dx(), Height: b.Dy(), Format: RGBA, Planes: [3][]byte{dst.Pix}, Strides: [3]int{dst.Stride}}
}

// ToNV21 is ToFrame(img, NV21, rotation, mirror).
func ToNV21(img image.Image, rotation int, mirror bool) (*Frame, error) {
	return ToFrame(img, NV21, rotation, mirror)
}

// ToFrame lays img out as a camera would deliver it: the sensor image is the
// one that rotation then mirror turn into img. YUV formats are full-range
// BT.601 with each 2×2 block's chroma averaged, and drop an odd last row or
// column of img. Strides are tight.
func ToFrame(img image.Image, format Format, rotation int, mirror bool) (*Frame, error) {
	src := FromImage(img)
	uw, uh := src.Width, src.Height
	if format.isYUV() {
		uw, uh = uw&^1, uh&^1
	}
	f := &Frame{Width: uw, Height: uh, Format: format, Rotation: rotation, Mirror: mirror}
	if rotation == 90 || rotation == 270 {
		f.Width, f.Height = uh, uw
	}
	p, ok := format.planes(f.Width, f.Height)
	if !ok || uw == 0 || uh == 0 {
		return nil, errors.New("imgproc: cannot lay out " + format.String() + " for this image")
	}
	for i, pl := range p {
		f.Planes[i], f.Strides[i] = make([]byte, pl.row*pl.rows), pl.row
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if format.isYUV() {
		f.fillYUV(src, uw, uh)
	} else {
		f.fillPacked(src, uw, uh)
	}
	return f, nil
}

func (f *Frame) fillPacked(src *Frame, uw, uh int) {
	o := f.orient()
	bpp := f.Format.bpp()
	for y := range uh {
		for x := range uw {
			px := src.Planes[0][y*src.Strides[0]+4*x:][:4]
			sx, sy := o.apply(x, y)
			d := f.Planes[0][sy*f.Strides[0]+sx*bpp:][:bpp]
			switch f.Format {
			case GRAY:
				d[0] = rgbToYUV(px)[0]
			case BGRA:
				d[0], d[1], d[2], d[3] = px[2], px[1], px[0], px[3]
			default:
				copy(d, px)
			}
		}
	}
}

// fillYUV converts 2×2 upright blocks; quarter turns and flips of an even
// image map them onto 2×2 sensor blocks, so chroma siting is preserved.
func (f *Frame) fillYUV(src *Frame, uw, uh int) {
	o := f.orient()
	for by := 0; by < uh; by += 2 {
		for bx := 0; bx < uw; bx += 2 {
			var su, sv int
			for i := range 4 {
				x, y := bx+i%2, by+i/2
				yuv := rgbToYUV(src.Planes[0][y*src.Strides[0]+4*x:][:3])
				sx, sy := o.apply(x, y)
				f.Planes[0][sy*f.Strides[0]+sx] = yuv[0]
				su, sv = su+int(yuv[1]), sv+int(yuv[2])
			}
			ax, ay := o.apply(bx, by)
			cx, cy := o.apply(bx+1, by+1)
			f.putChroma(min(ax, cx)/2, min(ay, cy)/2, byte((su+2)/4), byte((sv+2)/4))
		}
	}
}

func (f *Frame) putChroma(cx, cy int, u, v byte) {
	p, s := &f.Planes, &f.Strides
	switch f.Format {
	case NV21:
		p[1][cy*s[1]+2*cx], p[1][cy*s[1]+2*cx+1] = v, u
	case NV12:
		p[1][cy*s[1]+2*cx], p[1][cy*s[1]+2*cx+1] = u, v
	default:
		p[1][cy*s[1]+cx], p[2][cy*s[2]+cx] = u, v
	}
}

// rgbToYUV is full-range BT.601 (JFIF), rounded.
func rgbToYUV(px []byte) [3]byte {
	r, g, b := float64(px[0]), float64(px[1]), float64(px[2])
	y := 0.299*r + 0.587*g + 0.114*b
	u := 128 - 0.168736*r - 0.331264*g + 0.5*b
	v := 128 + 0.5*r - 0.418688*g - 0.081312*b
	return [3]byte{round8(y), round8(u), round8(v)}
}

func round8(v float64) byte { return byte(min(max(v+0.5, 0), 255)) }
