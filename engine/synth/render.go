package synth

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"sync"
	"time"

	"github.com/liveid/liveid/imgproc"
)

// A frame is painted back to front from layers, each a surface that says
// for a frame pixel what linear colour it shows there and how much of the
// pixel it covers; then the sensor adds noise, the result is encoded as
// 8-bit sRGB and passed through JPEG, and laid out as the camera delivers
// it.

type layer interface {
	bounds() image.Rectangle // frame pixels the layer may cover
	// paint blends the layer over columns [u0, u1) of frame row v; row is
	// that row of the linear image, 3 floats a pixel from column 0.
	paint(v, u0, u1 int, row []float32)
}

// blend lays colour c over pixel u of row with coverage a.
func blend(row []float32, u int, c rgb, a float32) {
	px := row[3*u : 3*u+3]
	if a >= 1 {
		px[0], px[1], px[2] = c[0], c[1], c[2]
		return
	}
	for k := range 3 {
		px[k] += a * (c[k] - px[k])
	}
}

var frameRect = image.Rect(0, 0, Width, Height)

// cameraRay is the camera-frame direction through frame pixel (u, v)'s
// centre.
func cameraRay(u, v int) vec {
	return vec{(float64(u) + 0.5 - principalX) / focal, (float64(v) + 0.5 - principalY) / focal, 1}
}

func project(p vec) (float64, float64) {
	return principalX + focal*p[0]/p[2], principalY + focal*p[1]/p[2]
}

// boundsOf is the frame box around the projections of camera points,
// widened by a pixel for the soft edges.
func boundsOf(pts ...vec) image.Rectangle {
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, p := range pts {
		if p[2] <= 1 {
			return frameRect // behind or at the camera: no useful bound
		}
		u, v := project(p)
		lo, hi = [2]float64{min(lo[0], u), min(lo[1], v)}, [2]float64{max(hi[0], u), max(hi[1], v)}
	}
	return image.Rect(int(lo[0])-2, int(lo[1])-2, int(hi[0])+2, int(hi[1])+2).Intersect(frameRect)
}

// roomLayer is the background under the room's light; dx, dy is the
// phone's tremor in pixels.
type roomLayer struct {
	rm      *room
	ambient rgb
	dx, dy  int
}

func (r *roomLayer) bounds() image.Rectangle { return frameRect }

func (r *roomLayer) paint(v, u0, u1 int, row []float32) {
	src := r.rm.pix[3*((v+roomMargin+r.dy)*r.rm.w+roomMargin+r.dx):]
	for u := u0; u < u1; u++ {
		for k := range 3 {
			row[3*u+k] = src[3*u+k] * r.ambient[k]
		}
	}
}

// headLayer is a subject's posed head: each pixel's ray is cast onto the
// canvas's height field, the eyelids and mouth are applied on the canvas,
// and the canvas colour is lit by the room and, through the surface
// normal, by the screen.
type headLayer struct {
	s    *Subject
	v    view
	l    light // with pos in the head frame
	shut float64
	drop float64 // jaw drop, canvas pixels
	box  image.Rectangle
	on   tiles
	lit  []float32 // the screen's factor at each depth-grid node
}

func newHeadLayer(s *Subject, v view, l light, shut, drop float64) *headLayer {
	h := &headLayer{s: s, v: v, l: l, shut: shut, drop: drop}
	h.l.pos = v.toHead.apply(screenPos).add(v.origin)
	h.box = h.on.mark(s, &v, drop)
	h.lit = s.hd.nodes(nil, h.l.factor)
	return h
}

// tile is the side of the squares of the frame a head layer paints or
// skips whole.
const tile = 8

// tiles marks the frame's tiles a posed head covers: those its mask's
// sample points project into, and their neighbours (the samples are closer
// than a tile even on a head brought 1.6× nearer).
type tiles [Height / tile][Width / tile]bool

// mark sets the tiles of subject s seen through v with the jaw dropped by
// drop, and returns the box around them.
func (t *tiles) mark(s *Subject, v *view, drop float64) image.Rectangle {
	var box image.Rectangle
	put := func(x, y, z float64) {
		u, w := project(v.toCamera(s.hd.surface(x, y, z)))
		tu, tv := int(math.Floor(u/tile)), int(math.Floor(w/tile))
		for j := max(tv-1, 0); j <= min(tv+1, Height/tile-1); j++ {
			for i := max(tu-1, 0); i <= min(tu+1, Width/tile-1); i++ {
				if !t[j][i] {
					t[j][i] = true
					box = box.Union(image.Rect(i*tile, j*tile, (i+1)*tile, (j+1)*tile))
				}
			}
		}
	}
	for _, p := range s.samples {
		x, y, z := float64(p[0]), float64(p[1]), float64(p[2])
		put(x, y, z)
		if drop > 0 && y > s.jaw.top {
			put(x, y+drop, z)
		}
	}
	return box
}

func (h *headLayer) bounds() image.Rectangle { return h.box }

func (h *headLayer) paint(v, u0, u1 int, row []float32) {
	s := h.s
	lo, hi := [2]float64{float64(s.bound.Min.X), float64(s.bound.Min.Y)}, [2]float64{float64(s.bound.Max.X), float64(s.bound.Max.Y) + h.drop}
	step := h.v.toHead.apply(vec{1 / h.v.f, 0, 0})
	on := &h.on[v/tile]
	z := 0.0 // each ray starts from its left neighbour's depth
	for u := u0; u < u1; u++ {
		if !on[u/tile] {
			u = (u/tile+1)*tile - 1
			continue
		}
		d := h.v.ray(float64(u)+0.5, float64(v)+0.5)
		for ; u < u1 && on[u/tile]; u++ {
			x, y, hit := s.hd.cast(h.v.origin, d, z)
			d, z = d.add(step), hit
			if x < lo[0] || x >= hi[0] || y < lo[1] || y >= hi[1] {
				continue
			}
			c, a := s.surfaceColor(x, y, h.shut, h.drop)
			if a <= 0 {
				continue
			}
			e := h.l.mix(s.hd.at(h.lit, x, y))
			blend(row, u, rgb{c[0] * e[0], c[1] * e[1], c[2] * e[2]}, a)
		}
	}
}

// surfaceColor is the canvas colour and mask at (x, y) of the face with
// its eyes shut by shut and its mouth open by drop pixels.
func (s *Subject) surfaceColor(x, y, shut, drop float64) (rgb, float32) {
	sy, inside, q := s.jaw.source(x, y, drop)
	if inside {
		return mouthInside(q, drop*s.jaw.lens(x), s.jaw.lens(x)), 1
	}
	for i := range s.eyes {
		if above, below, t, shade, hide, ok := s.eyes[i].cover(x, sy, shut); ok {
			lid := mixRGB(s.skinRow(x, above), s.skinRow(x, below), t)
			own, a := s.texAt(x, sy)
			return mixRGB(own, lid.scale(float32(shade)), hide), a
		}
	}
	return s.texAt(x, sy)
}

// skinRow is the canvas's colour around (x, y) along its row: the mean of
// three samples 2 pixels apart, smooth enough to paint a lid with.
func (s *Subject) skinRow(x, y float64) rgb {
	var c rgb
	for _, dx := range []float64{-2, 0, 2} {
		v, _ := s.texAt(x+dx, y)
		for k := range 3 {
			c[k] += v[k] / 3
		}
	}
	return c
}

// texAt samples the canvas bilinearly at canvas point (x, y).
func (s *Subject) texAt(x, y float64) (rgb, float32) {
	x, y = min(max(x-0.5, 0), canvasW-1.001), min(max(y-0.5, 0), canvasH-1.001)
	i, j := int(x), int(y)
	fx, fy := float32(x-float64(i)), float32(y-float64(j))
	o := 4 * (j*canvasW + i)
	t := s.tex
	var c [4]float32
	for k := range 4 {
		a := t[o+k] + fx*(t[o+4+k]-t[o+k])
		b := t[o+4*canvasW+k] + fx*(t[o+4*canvasW+4+k]-t[o+4*canvasW+k])
		c[k] = a + fy*(b-a)
	}
	return rgb{c[0], c[1], c[2]}, c[3]
}

// bodyLayer is the user's shoulders and chest: a flat silhouette facing
// the camera, centred under the head, in the clothes' colour.
type bodyLayer struct {
	neck  vec // centre of the neckline, camera frame, cm
	cloth rgb
	l     light
	box   image.Rectangle
}

// The body's outline, cm: half its width with the arms, where the
// clothes' neckline is under the face's centroid, and how far its opening
// dips in the middle.
const (
	bodyHalf     = 21.0
	bodyNeckline = 12.5
	neckDip      = 4.0
)

func newBodyLayer(neck vec, cloth rgb, l light) *bodyLayer {
	b := &bodyLayer{neck: neck, cloth: cloth, l: l}
	b.box = boundsOf(neck.add(vec{-bodyHalf, -2, 0}), neck.add(vec{bodyHalf, 60, 0}))
	return b
}

func (b *bodyLayer) bounds() image.Rectangle { return b.box }

// shoulders is the silhouette's top at x cm from the middle: a rounded
// neckline opening, then the shoulders' slope.
func shoulders(x float64) float64 {
	x = math.Abs(x)
	opening := neckDip * max(0, 1-(x/6.5)*(x/6.5))
	return opening + 1.5*smoothstep(7, 13, x) + 0.03*max(0, x-13)*max(0, x-13)
}

func (b *bodyLayer) paint(v, u0, u1 int, row []float32) {
	z := b.neck[2]
	px := z / focal // cm a pixel covers
	py := cameraRay(0, v)[1] * z
	y := py - b.neck[1]
	// The screen's factor on the plane facing the camera: the cosine is
	// z/r, and only x changes along the row.
	dy := b.l.pos[1] - py
	rest := dy*dy + z*z
	for u := u0; u < u1; u++ {
		pxc := (float64(u) + 0.5 - principalX) / focal * z
		x := pxc - b.neck[0]
		a := min(max((y-shoulders(x))/px+0.5, 0), 1) * min(max((bodyHalf-math.Abs(x))/px+0.5, 0), 1)
		if a <= 0 {
			continue
		}
		// Darker towards the sides as a torso turns away, with faint folds.
		k := float32(1-0.35*(x/bodyHalf)*(x/bodyHalf)) * (1 + 0.04*sine(0.14*x+0.05*y))
		r2 := pxc*pxc + rest
		e := b.l.mix(float32(z / (r2 * math.Sqrt(r2)) * screenNorm))
		blend(row, u, rgb{b.cloth[0] * k * e[0], b.cloth[1] * k * e[1], b.cloth[2] * k * e[2]}, float32(a))
	}
}

// painter turns layers into camera frames: it owns the linear buffer and
// the 8-bit images of one session, and the sensor's noise.
type painter struct {
	seed   uint64
	lin    []float32
	raw    *image.RGBA // sensor output before compression
	img    *image.RGBA // the delivered upright image
	jpg    [2]bytes.Buffer
	normal []float32           // standard normal draws
	sigma  [sigmaSteps]float32 // noise of a linear value, by value
}

func newPainter(seed uint64, noise float64) *painter {
	p := &painter{seed: seed, lin: make([]float32, 3*Width*Height),
		raw: image.NewRGBA(frameRect), img: image.NewRGBA(frameRect), normal: make([]float32, normals)}
	r := stream(seed, streamNoise, 1<<63)
	for i := range p.normal {
		p.normal[i] = float32(r.NormFloat64())
	}
	for i := range p.sigma {
		x := float64(i) / (sigmaSteps - 1)
		p.sigma[i] = float32(noise * math.Sqrt(shotNoise*x+readNoise))
	}
	return p
}

// paint renders the layers with the sensor's noise for a frame at t and
// compresses the result into p.img, in two halves in parallel.
func (p *painter) paint(t time.Duration, layers []layer) error {
	var wg sync.WaitGroup
	var errs [2]error
	for half := range 2 {
		wg.Go(func() {
			r := image.Rect(0, half*Height/2, Width, (half+1)*Height/2)
			composite(p.lin, layers, r.Min.Y, r.Max.Y)
			p.sensor(t, r, uint64(half))
			errs[half] = p.compress(r, half)
		})
	}
	wg.Wait()
	return errors.Join(errs[:]...)
}

// composite paints rows [y0, y1) of the frame-sized linear image lin from
// the layers, back to front.
func composite(lin []float32, layers []layer, y0, y1 int) {
	for _, l := range layers {
		b := l.bounds().Intersect(image.Rect(0, y0, Width, y1))
		for v := b.Min.Y; v < b.Max.Y; v++ {
			l.paint(v, b.Min.X, b.Max.X, lin[3*v*Width:3*(v+1)*Width])
		}
	}
}

// Sensor noise: variance shot·x + read of the linear value x, which is 2
// levels at mid-grey at noise scale 1.
const (
	shotNoise, readNoise = 2e-4, 1e-5
	normals              = 1 << 16 // standard normal draws each pixel picks from
	sigmaSteps           = 1024
)

// sensor adds the noise to rows r of the linear buffer and encodes them
// into raw.
func (p *painter) sensor(t time.Duration, r image.Rectangle, half uint64) {
	rng := stream(p.seed, streamNoise, uint64(t)<<1|half)
	for v := r.Min.Y; v < r.Max.Y; v++ {
		lin := p.lin[3*v*Width : 3*(v+1)*Width]
		d := p.raw.Pix[4*v*Width : 4*(v+1)*Width]
		for u := range Width {
			bits := rng.Uint64()
			for c := range 3 {
				x := max(lin[3*u+c], 0)
				sigma := p.sigma[min(int(x*(sigmaSteps-1)), sigmaSteps-1)]
				d[4*u+c] = encode8(x + sigma*p.normal[uint16(bits>>(16*c))])
			}
			d[4*u+3] = 255
		}
	}
}

// jpegQuality is the compression a phone's capture pipeline or a video
// recording applies.
const jpegQuality = 80

// compress passes one half of raw through JPEG into the same half of
// p.img. The halves meet on a 16-row boundary, where JPEG's blocks do, so
// the result is that of compressing the whole frame.
func (p *painter) compress(r image.Rectangle, half int) error {
	buf := &p.jpg[half]
	buf.Reset()
	if err := jpeg.Encode(buf, p.raw.SubImage(r), &jpeg.Options{Quality: jpegQuality}); err != nil {
		return err
	}
	dec, err := jpeg.Decode(buf)
	if err != nil {
		return err
	}
	draw.Draw(p.img, r, dec, image.Point{}, draw.Src)
	return nil
}

// deliver lays the upright image out as a phone's front camera delivers
// it: NV21, sensor turned 270° and mirrored.
func deliver(img *image.RGBA, t time.Duration) (*imgproc.Frame, error) {
	f, err := imgproc.ToFrame(img, imgproc.NV21, 270, true)
	if err != nil {
		return nil, err
	}
	f.Timestamp = t
	return f, nil
}
