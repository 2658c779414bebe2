package synth

import (
	"image"
	"math"
	"math/rand/v2"
	"time"

	"github.com/liveid/liveid/liveness"
)

// sheet is a flat rectangle in front of the camera (a print, a tablet):
// w × h cm, turned by r about its centre c (camera frame).
type sheet struct {
	r    mat
	c    vec
	w, h float64
}

func (s *sheet) normal() vec { return s.r.apply(vec{0, 0, -1}) }

// sheetRow maps the pixels of one frame row onto the sheet: along a row
// the ray's direction, and so its sheet-frame direction and its dot with
// the normal, are linear in u.
type sheetRow struct {
	d0, du vec     // camera-frame ray at u = 0 and its change per pixel
	q0, qu vec     // the same in the sheet's frame
	n0, nu float64 // their dot with the normal
	nc     float64 // the normal's dot with the centre
	qc     vec     // the centre in the sheet's frame
	half   [2]float64
}

func (s *sheet) row(v int) sheetRow {
	rt, n := s.r.t(), s.normal()
	d0, du := cameraRay(0, v), vec{1 / focal, 0, 0}
	return sheetRow{d0: d0, du: du, q0: rt.apply(d0), qu: rt.apply(du), n0: n.dot(d0), nu: n.dot(du),
		nc: n.dot(s.c), qc: rt.apply(s.c), half: [2]float64{s.w / 2, s.h / 2}}
}

// hit is where pixel u's ray meets the sheet: the point in the camera
// frame, its sheet coordinates (cm from the top-left corner) and the cm a
// frame pixel spans there.
func (r *sheetRow) hit(u int) (p vec, a, b, px float64, ok bool) {
	fu := float64(u)
	den := r.n0 + fu*r.nu
	if den >= 0 {
		return p, 0, 0, 0, false // edge-on or from behind
	}
	t := r.nc / den
	p = vec{t * (r.d0[0] + fu*r.du[0]), t * r.d0[1], t}
	a = t*(r.q0[0]+fu*r.qu[0]) - r.qc[0] + r.half[0]
	b = t*(r.q0[1]+fu*r.qu[1]) - r.qc[1] + r.half[1]
	return p, a, b, t / focal, true
}

// cover is the share of a pixel spanning px cm at sheet point (a, b) that
// the sheet covers (one pixel of soft edge).
func (s *sheet) cover(a, b, px float64) float32 {
	d := min(a, s.w-a, b, s.h-b)
	return float32(min(max(d/px+0.5, 0), 1))
}

func (s *sheet) bounds() image.Rectangle {
	var pts []vec
	for _, c := range [][2]float64{{-1, -1}, {1, -1}, {-1, 1}, {1, 1}} {
		pts = append(pts, s.c.add(s.r.apply(vec{c[0] * s.w / 2, c[1] * s.h / 2, 0})))
	}
	return boundsOf(pts...)
}

// texture is a linear RGB image, 3 floats a pixel.
type texture struct {
	w, h int
	pix  []float32
}

// at samples the texture bilinearly at (x, y) in texture pixels (centres
// at +0.5).
func (t *texture) at(x, y float64) rgb {
	x, y = min(max(x-0.5, 0), float64(t.w)-1.001), min(max(y-0.5, 0), float64(t.h)-1.001)
	i, j := int(x), int(y)
	fx, fy := float32(x-float64(i)), float32(y-float64(j))
	o := 3 * (j*t.w + i)
	p := t.pix
	var c rgb
	for k := range 3 {
		a := p[o+k] + fx*(p[o+3+k]-p[o+k])
		b := p[o+3*t.w+k] + fx*(p[o+3*t.w+3+k]-p[o+3*t.w+k])
		c[k] = a + fy*(b-a)
	}
	return c
}

// printed is a photo of the user printed on paper and held up to the
// camera by a hand that follows the prompts with the whole sheet: turned
// for a shake, tilted for a nod, brought closer for near–far. The eyes
// and mouth do not move, and the screen's light falls on one flat normal.
type printed struct {
	tex          texture
	pf           *performer
	sw           sway
	yaw0, pitch0 float64
	pos0         vec
	w, h         float64 // sheet size, cm
}

const (
	printBorder = 24   // texture pixels of white paper around the photo
	printScale  = 0.88 // the printed face's size relative to the live one at rest
)

func newPrint(sc *scene, sub *Subject, seed uint64) *printed {
	r := stream(seed, streamPrint, 0)
	// Printed life-size or down to 60% and held proportionally closer, so
	// the face looks about as large as a real one.
	size := uniform(r, 0.6, 1)
	dist := restDist * size
	pr := &printed{tex: printTexture(sub, seed, r), pf: newPerformer(seed, 0, true, false),
		sw: newSway(r, 1, 0.3*size), yaw0: uniform(r, -4, 4), pitch0: uniform(r, -4, 4),
		pos0: vec{uniform(r, -0.5, 0.5), uniform(r, -0.5, 0.5), dist}}
	cmPerPx := dist / focal / printScale
	pr.w, pr.h = float64(pr.tex.w)*cmPerPx, float64(pr.tex.h)*cmPerPx
	return pr
}

// printTexture is the print: a still of the subject in another room, with
// the ink's narrower range and a slight blur, on paper with a white border
// and a fibre texture.
func printTexture(sub *Subject, seed uint64, r *rand.Rand) texture {
	still := stillImage(sub, seed)
	t := texture{w: Width + 2*printBorder, h: Height + 2*printBorder}
	t.pix = make([]float32, 3*t.w*t.h)
	paper := rgb{0.80, 0.79, 0.75}
	for y := range t.h {
		for x := range t.w {
			c := paper
			if u, v := x-printBorder, y-printBorder; u >= 0 && v >= 0 && u < Width && v < Height {
				c = inked(blurred(still, u, v))
			}
			fibre := float32(1 + 0.025*r.NormFloat64())
			c = c.scale(fibre)
			copy(t.pix[3*(y*t.w+x):], c[:])
		}
	}
	return t
}

// stillImage renders the subject at rest under plain room light, without
// noise: the photo the attacker printed.
func stillImage(sub *Subject, seed uint64) []float32 {
	sc := newScene(seed ^ 0x5eed)
	sc.share, sc.tint, sc.level = 0, rgb{1, 1, 1}, 1
	l := sc.lightFor(rgb{})
	pe := newPerson(sc, []*Subject{sub}, seed, 7, false)
	pe.pos0, pe.yaw0, pe.pitch0, pe.sw = vec{0, -1.3, restDist}, 0, 0, sway{}
	var tr Truth
	layers := append([]layer{&roomLayer{rm: &sc.room, ambient: l.ambient}}, pe.layers(0, still, l, vec{}, &tr)...)
	lin := make([]float32, 3*Width*Height)
	composite(lin, layers, 0, Height)
	return lin
}

// blurred is the [1 2 1]² mean around pixel (u, v) of a frame-sized
// linear image: the print's dot spread.
func blurred(lin []float32, u, v int) rgb {
	var c rgb
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			w := float32((2 - abs(dx)) * (2 - abs(dy)))
			o := 3 * (min(max(v+dy, 0), Height-1)*Width + min(max(u+dx, 0), Width-1))
			for k := range 3 {
				c[k] += w * lin[o+k] / 16
			}
		}
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// inked is a colour as ink on paper reproduces it: raised blacks, duller
// whites, a little less saturation.
func inked(c rgb) rgb {
	y := 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
	var out rgb
	for k := range 3 {
		out[k] = 0.03 + 0.85*(0.9*c[k]+0.1*y)
	}
	return out
}

func (pr *printed) frame(t time.Duration, p Prompt, l light, tr *Truth) ([]layer, error) {
	m := pr.pf.step(t, p)
	tr.Gesture, tr.Nearer = m.action, m.nearer
	tr.Yaw, tr.Pitch, tr.Roll = pr.yaw0+m.yaw+pr.sw.at(t, 0), pr.pitch0+m.pitch+pr.sw.at(t, 1), pr.sw.at(t, 2)
	sh := sheet{r: rotation(tr.Yaw, tr.Pitch, tr.Roll), w: pr.w, h: pr.h,
		c: vec{pr.pos0[0] + pr.sw.at(t, 3), pr.pos0[1] + pr.sw.at(t, 4), pr.pos0[2]/m.nearer + pr.sw.at(t, 5)}}
	return []layer{&printLayer{sh: sh, tex: &pr.tex, l: l, n: sh.normal(), box: sh.bounds()}}, nil
}

// printLayer is the sheet under the room's and the screen's light.
type printLayer struct {
	sh  sheet
	tex *texture
	l   light
	n   vec
	box image.Rectangle
}

func (p *printLayer) bounds() image.Rectangle { return p.box }

// lightStep: on a flat sheet the screen's light changes slowly, so it is
// computed every lightStep pixels of a row and interpolated between.
const lightStep = 8

func (p *printLayer) paint(v, u0, u1 int, row []float32) {
	k := float64(p.tex.w) / p.sh.w
	sr := p.sh.row(v)
	factor := func(u int) float32 {
		pt, _, _, _, ok := sr.hit(u)
		if !ok {
			return 0
		}
		return p.l.factor(pt, p.n)
	}
	next := factor(u0)
	for s := u0; s < u1; s += lightStep {
		prev := next
		next = factor(s + lightStep)
		for u := s; u < min(s+lightStep, u1); u++ {
			_, a, b, px, ok := sr.hit(u)
			if !ok {
				continue
			}
			if cov := p.sh.cover(a, b, px); cov > 0 {
				c := p.tex.at(a*k, b*k)
				e := p.l.mix(prev + (next-prev)*float32(u-s)/lightStep)
				blend(row, u, rgb{c[0] * e[0], c[1] * e[1], c[2] * e[2]}, cov)
			}
		}
	}
}

// recording is a genuine session of the user, recorded under another
// plan and played back from its open-loop schedule at 30 frames a second,
// starting offset after this session's clock.
type recording struct {
	s      *Session
	sched  *Schedule
	offset time.Duration
	at     time.Duration // the recording's time of the frame shown; -1 before the first
}

const recordPeriod = time.Second / 30

func newRecording(sub *Subject, other *liveness.Plan, seed uint64, r *rand.Rand) (*recording, error) {
	s, err := NewSession(Genuine, []*Subject{sub}, other, nil, seed^0x7ec0)
	if err != nil {
		return nil, err
	}
	return &recording{s: s, sched: s.Schedule(), offset: millis(r, -300, 500), at: -1}, nil
}

// frameAt is the recorded frame playing at session time t, and its truth.
func (rc *recording) frameAt(t time.Duration) (*image.RGBA, Truth, error) {
	at := min(max(t-rc.offset, 0), rc.sched.End)
	at -= at % recordPeriod
	if at != rc.at {
		rc.at = at
		if err := rc.s.render(at, rc.sched.At(at)); err != nil {
			return nil, Truth{}, err
		}
	}
	return rc.s.out, rc.s.truth, nil
}

// replay plays the recording on a tablet held in front of the camera: the
// tablet's gamma, black level and brightness, the moiré of its pixel grid
// against the sensor's, a dark bezel, and the faint, even reflection of the
// phone's current flash in its glass.
type replay struct {
	rec          *recording
	sw           sway
	yaw0, pitch0 float64
	roll0        float64
	pos0         vec
	zoom         float64      // the video enlarged about its centre, as an attacker fills the screen with the face
	emit         [256]float32 // displayed linear light of each level
	moire        moire
	glass        float32 // share of the phone's light the glass reflects
}

// moire is the beat of the screen's pixel grid with the sensor's, as a
// phone's camera shows it: slanted bands some tens of pixels apart on the
// screen's surface, a little apart in each colour, that slide as the
// screen's distance changes (the beat's phase moves a period for every
// moireDrift cm).
type moire struct {
	ka, kb   float64 // bands a cm along the screen's width and height
	contrast float32
}

const moireDrift = 0.3

// The tablet: a 14.8 × 19.7 cm screen (3:4, like the recording) in a 1 cm
// bezel.
const (
	tabletW, tabletH = 14.8, 14.8 * Height / Width
	tabletBezel      = 1.0
)

func newReplay(sc *scene, sub *Subject, other *liveness.Plan, seed uint64) (*replay, error) {
	r := stream(seed, streamTablet, 0)
	rec, err := newRecording(sub, other, seed, r)
	if err != nil {
		return nil, err
	}
	rp := &replay{rec: rec, sw: newSway(r, 0.8, 0.25), yaw0: uniform(r, -5, 5), pitch0: uniform(r, -5, 5),
		roll0: uniform(r, -3, 3), pos0: vec{uniform(r, -1, 1), uniform(r, -1, 1), uniform(r, 16, 21)},
		zoom: uniform(r, 1.25, 1.5), glass: float32(uniform(r, 0.004, 0.014))}
	period, slant := uniform(r, 0.4, 1.2), uniform(r, -0.6, 0.6)
	rp.moire = moire{ka: math.Cos(slant) / period, kb: math.Sin(slant) / period, contrast: float32(uniform(r, 0.04, 0.1))}
	gamma, black, bright := uniform(r, 2.0, 2.4), uniform(r, 0.002, 0.008), uniform(r, 0.7, 1.1)*float64(sc.level)
	for i := range rp.emit {
		rp.emit[i] = float32(bright * (black + (1-black)*math.Pow(float64(i)/255, gamma)))
	}
	return rp, nil
}

func (rp *replay) frame(t time.Duration, p Prompt, l light, tr *Truth) ([]layer, error) {
	img, rt, err := rp.rec.frameAt(t)
	if err != nil {
		return nil, err
	}
	copyRecorded(tr, rt)
	sh := sheet{r: rotation(rp.yaw0+rp.sw.at(t, 0), rp.pitch0+rp.sw.at(t, 1), rp.roll0+rp.sw.at(t, 2)),
		c: rp.pos0.add(vec{rp.sw.at(t, 3), rp.sw.at(t, 4), rp.sw.at(t, 5)}),
		w: tabletW + 2*tabletBezel, h: tabletH + 2*tabletBezel}
	veil := l.ambient.scale(0.01)
	glare := l.direct.scale(rp.glass)
	return []layer{&tabletLayer{rp: rp, sh: sh, img: img, box: sh.bounds(),
		phase: (sh.c[2] - rp.pos0[2]) / moireDrift,
		glass: rgb{veil[0] + glare[0], veil[1] + glare[1], veil[2] + glare[2]}}}, nil
}

// copyRecorded takes the recorded face's truth, keeping this frame's time,
// prompt and light.
func copyRecorded(tr *Truth, rec Truth) {
	rec.T, rec.Prompt, rec.Emitted = tr.T, tr.Prompt, tr.Emitted
	*tr = rec
}

// tabletLayer is the tablet: its bezel and screen, plus what its glass
// reflects.
type tabletLayer struct {
	rp    *replay
	sh    sheet
	img   *image.RGBA
	box   image.Rectangle
	phase float64 // of the moiré, periods
	glass rgb
}

func (tl *tabletLayer) bounds() image.Rectangle { return tl.box }

func (tl *tabletLayer) paint(v, u0, u1 int, row []float32) {
	sr := tl.sh.row(v)
	for u := u0; u < u1; u++ {
		_, a, b, px, ok := sr.hit(u)
		if !ok {
			continue
		}
		cov := tl.sh.cover(a, b, px)
		if cov <= 0 {
			continue
		}
		c := rgb{0.012, 0.012, 0.014} // bezel
		if sa, sb := a-tabletBezel, b-tabletBezel; sa >= 0 && sb >= 0 && sa < tabletW && sb < tabletH {
			c = tl.pixel(sa, sb)
		}
		blend(row, u, rgb{c[0] + tl.glass[0], c[1] + tl.glass[1], c[2] + tl.glass[2]}, cov)
	}
}

// pixel is the light the screen emits at (a, b) cm from its corner: the
// recording zoomed about its centre, through the tablet's gamma, with the
// moiré, shifted a little for each of the red, green and blue stripes.
func (tl *tabletLayer) pixel(a, b float64) rgb {
	x := (a/tabletW-0.5)/tl.rp.zoom*Width + Width/2
	y := (b/tabletH-0.5)/tl.rp.zoom*Height + Height/2
	i, j := min(max(int(x), 0), Width-1), min(max(int(y), 0), Height-1)
	p := tl.img.Pix[tl.img.PixOffset(i, j):]
	m := &tl.rp.moire
	beat := m.ka*a + m.kb*b + tl.phase
	var c rgb
	for k := range 3 {
		c[k] = tl.rp.emit[p[k]] * (1 + m.contrast*sine(beat+0.15*float64(k)))
	}
	return c
}

// sine is sin(2πx) from a table.
func sine(x float64) float32 {
	f := x - math.Floor(x)
	return sineTable[int(f*sineSteps)&(sineSteps-1)]
}

const sineSteps = 1024

var sineTable = func() (t [sineSteps]float32) {
	for i := range t {
		t[i] = float32(math.Sin(2 * math.Pi * float64(i) / sineSteps))
	}
	return t
}()

// injection feeds the recording as the camera stream: a virtual camera
// shows no response to this session's screen at all.
type injection struct{ rec *recording }

func newInjection(sub *Subject, other *liveness.Plan, seed uint64) (*injection, error) {
	rec, err := newRecording(sub, other, seed, stream(seed, streamTablet, 1))
	if err != nil {
		return nil, err
	}
	return &injection{rec: rec}, nil
}

func (in *injection) frame(time.Duration, Prompt, light, *Truth) ([]layer, error) { return nil, nil }

func (in *injection) image(t time.Duration, _ Prompt, tr *Truth) (*image.RGBA, error) {
	img, rt, err := in.rec.frameAt(t)
	copyRecorded(tr, rt)
	return img, err
}
