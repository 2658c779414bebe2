package eval

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/face"
)

// Change is one realistic change of a face photo; genuine pairs put the
// original beside its changed copy.
type Change string

const (
	PoseYaw   Change = "pose-yaw"   // head turned 15° by a warp that follows the mesh's depth
	PosePitch Change = "pose-pitch" // head tilted 12° the same way
	Light     Change = "light"      // darker, with light from one side
	JPEG      Change = "jpeg"       // JPEG quality 15
	Blur      Change = "blur"       // Gaussian blur of σ = 2% of the face width
	Small     Change = "small"      // down to a 56-px-wide face and back up
	Grey      Change = "grey"       // grey-tinted, lower contrast
)

// Changes are the photo-mode changes, in report order.
var Changes = []Change{PoseYaw, PosePitch, Light, JPEG, Blur, Small, Grey}

// apply makes the changed copy of img, whose largest face has mesh m.
func apply(c Change, img image.Image, m *face.Mesh) image.Image {
	fw := float64(m.Box().W)
	switch c {
	case PoseYaw:
		return turn(img, m, 15, 0)
	case PosePitch:
		return turn(img, m, 0, 12)
	case Light:
		return sideLight(imaging.AdjustGamma(img, 0.6), 0.45, 1.1)
	case JPEG:
		return recompress(img, 15)
	case Blur:
		return imaging.Blur(img, 0.02*fw)
	case Small:
		b := img.Bounds()
		k := 56 / fw
		small := imaging.Resize(img, max(1, int(float64(b.Dx())*k)), max(1, int(float64(b.Dy())*k)), imaging.Box)
		return imaging.Resize(small, b.Dx(), b.Dy(), imaging.Linear)
	case Grey:
		return greyTint(img)
	}
	panic("eval: unknown change " + string(c))
}

// recompress is img after a JPEG round trip at quality q.
func recompress(img image.Image, q int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		panic(err) // encoding into memory does not fail
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}

// sideLight scales brightness linearly from lo at the left edge to hi at
// the right, as a lamp to one side does.
func sideLight(img *image.NRGBA, lo, hi float64) *image.NRGBA {
	b := img.Bounds()
	out := imaging.Clone(img)
	for y := range b.Dy() {
		for x := range b.Dx() {
			k := lo + (hi-lo)*float64(x)/float64(max(1, b.Dx()-1))
			o := out.PixOffset(x, y)
			for c := range 3 {
				out.Pix[o+c] = clip8(float64(out.Pix[o+c]) * k)
			}
		}
	}
	return out
}

// greyTint is what an ID card's print does to a photo: grey with a warm
// cast and flattened contrast.
func greyTint(img image.Image) *image.NRGBA {
	g := imaging.AdjustContrast(imaging.Grayscale(img), -25)
	return imaging.AdjustFunc(g, func(c color.NRGBA) color.NRGBA {
		return color.NRGBA{clip8(float64(c.R)*1.02 + 6), c.G, clip8(float64(c.B) * 0.92), c.A}
	})
}

func clip8(v float64) uint8 { return uint8(min(max(v+0.5, 0), 255)) }

// turn rotates the head by yaw then pitch degrees: each output pixel is
// traced back through a depth map made from the mesh's z, so the nose
// moves more than the cheeks and the background behind the face stays a
// plane. Self-occlusion is ignored, which holds for turns this small.
func turn(img image.Image, m *face.Mesh, yaw, pitch float64) *image.NRGBA {
	src := imaging.Clone(img)
	b := src.Bounds()
	d := newDepth(m, b.Dx(), b.Dy())
	sy, cy := math.Sincos(yaw * math.Pi / 180)
	sp, cp := math.Sincos(pitch * math.Pi / 180)
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for v := range b.Dy() {
		for u := range b.Dx() {
			// Solve u = cx + (x-cx)·cos + (z(x,y)-cz)·sin for x (and the
			// same for y with pitch) by fixed-point iteration; z is smooth,
			// so four steps settle it.
			x, y := float64(u), float64(v)
			for range 4 {
				z := d.at(x, y) - d.cz
				x = d.cx + (float64(u)-d.cx-z*sy)/cy
				y = d.cy + (float64(v)-d.cy-z*sp)/cp
			}
			out.SetNRGBA(u, v, bilinear(src, x, y))
		}
	}
	return out
}

// depth is a coarse grid of the head's z (image pixels), interpolated from
// the mesh with a Gaussian kernel and falling back to the depth of the face
// outline away from the face.
type depth struct {
	cell     float64
	w, h     int
	z        []float64
	cx, cy   float64 // rotation centre: the mesh's centroid
	cz, back float64
}

func newDepth(m *face.Mesh, iw, ih int) *depth {
	d := &depth{cell: 4}
	d.w, d.h = iw/int(d.cell)+2, ih/int(d.cell)+2
	d.z = make([]float64, d.w*d.h)
	for _, p := range m.Points {
		d.cx, d.cy, d.cz = d.cx+float64(p.X), d.cy+float64(p.Y), d.cz+float64(p.Z)
		d.back = max(d.back, float64(p.Z))
	}
	n := float64(len(m.Points))
	d.cx, d.cy, d.cz = d.cx/n, d.cy/n, d.cz/n
	s := float64(m.Box().W) / 12 // kernel width: about a mesh spacing
	for gy := range d.h {
		for gx := range d.w {
			x, y := float64(gx)*d.cell, float64(gy)*d.cell
			num, den := 1e-3*d.back, 1e-3 // weak pull towards the background plane
			for _, p := range m.Points {
				dx, dy := x-float64(p.X), y-float64(p.Y)
				if dx*dx+dy*dy > 9*s*s {
					continue
				}
				w := math.Exp(-(dx*dx + dy*dy) / (2 * s * s))
				num, den = num+w*float64(p.Z), den+w
			}
			d.z[gy*d.w+gx] = num / den
		}
	}
	return d
}

// at is the depth at image point (x, y), bilinear on the grid.
func (d *depth) at(x, y float64) float64 {
	gx := min(max(x/d.cell, 0), float64(d.w-1)-1e-9)
	gy := min(max(y/d.cell, 0), float64(d.h-1)-1e-9)
	i, j := int(gx), int(gy)
	fx, fy := gx-float64(i), gy-float64(j)
	z := func(a, b int) float64 { return d.z[min(b, d.h-1)*d.w+min(a, d.w-1)] }
	return (z(i, j)*(1-fx)+z(i+1, j)*fx)*(1-fy) + (z(i, j+1)*(1-fx)+z(i+1, j+1)*fx)*fy
}

// bilinear samples img at pixel-centre coordinates (x, y), edge pixels
// repeated.
func bilinear(img *image.NRGBA, x, y float64) color.NRGBA {
	b := img.Bounds()
	x, y = min(max(x, 0), float64(b.Dx()-1)), min(max(y, 0), float64(b.Dy()-1))
	i, j := int(x), int(y)
	fx, fy := x-float64(i), y-float64(j)
	i1, j1 := min(i+1, b.Dx()-1), min(j+1, b.Dy()-1)
	var out [4]uint8
	for c := range 4 {
		p := func(a, b int) float64 { return float64(img.Pix[img.PixOffset(a, b)+c]) }
		out[c] = clip8((p(i, j)*(1-fx)+p(i1, j)*fx)*(1-fy) + (p(i, j1)*(1-fx)+p(i1, j1)*fx)*fy)
	}
	return color.NRGBA{out[0], out[1], out[2], out[3]}
}

// ID-card portrait size (a second-generation card's chip image).
const portraitW, portraitH = 102, 126

// portrait renders img's face as an ID card would hold it: framed head and
// shoulders at 102×126 px, grey-tinted, with the print's halftone screen
// and JPEG compression.
func portrait(img image.Image, m *face.Mesh) image.Image {
	fb := m.Box()
	w := float64(fb.W) / 0.62 // the face is about 62% of the portrait's width
	h := w * portraitH / portraitW
	cx, cy := float64(fb.X+fb.W/2), float64(fb.Y+fb.H/2)
	r := image.Rect(int(cx-w/2), int(cy-0.52*h), int(cx+w/2), int(cy+0.48*h))
	framed := imaging.Paste(imaging.New(r.Dx(), r.Dy(), color.NRGBA{200, 200, 200, 255}), img, image.Pt(-r.Min.X, -r.Min.Y))
	p := greyTint(imaging.Resize(framed, portraitW, portraitH, imaging.Lanczos))
	screen(p, 3.2, 10)
	return recompress(p, 70)
}

// screen adds a halftone-like pattern of the given period (pixels) and
// amplitude (levels), at 45° as print screens are.
func screen(img *image.NRGBA, period, amp float64) {
	b := img.Bounds()
	k := 2 * math.Pi / period
	for y := range b.Dy() {
		for x := range b.Dx() {
			d := amp * math.Sin(k*float64(x+y)) * math.Sin(k*float64(x-y))
			o := img.PixOffset(x, y)
			for c := range 3 {
				img.Pix[o+c] = clip8(float64(img.Pix[o+c]) + d)
			}
		}
	}
}
