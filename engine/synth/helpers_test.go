package synth

import (
	"image"
	"image/draw"
)

type imgRGBA = *image.RGBA

func imageRect(x0, y0, x1, y1 int) image.Rectangle { return image.Rect(x0, y0, x1, y1) }

// meanAbsDiff is the mean absolute difference of two images' colour
// levels.
func meanAbsDiff(a, b image.Image) float64 {
	toRGBA := func(m image.Image) *image.RGBA {
		r := image.NewRGBA(image.Rect(0, 0, m.Bounds().Dx(), m.Bounds().Dy()))
		draw.Draw(r, r.Rect, m, m.Bounds().Min, draw.Src)
		return r
	}
	ra, rb := toRGBA(a), toRGBA(b)
	var s float64
	n := 0
	for i := range ra.Pix {
		if i%4 == 3 {
			continue
		}
		d := int(ra.Pix[i]) - int(rb.Pix[i])
		if d < 0 {
			d = -d
		}
		s += float64(d)
		n++
	}
	return s / float64(n)
}
