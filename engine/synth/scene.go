package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/liveid/liveid/liveness"
)

// The camera: a phone's front camera in portrait, 480×640 upright, focal
// length 463 px (55° across), so that a 14 cm face at 30 cm is 0.45 of the
// frame wide.
const (
	Width, Height = 480, 640
	focal         = faceWidthPx * restDist / faceWidthCm
	principalX    = Width / 2
	principalY    = Height / 2
	exposure      = 16 * time.Millisecond
	exposureTaps  = 8
)

// screenPos is the screen's centre in the camera frame, cm: just below the
// camera, as on a phone held upright.
var screenPos = vec{0, 7, 0}

// scene is one session's room and camera: the light, how much of it the
// screen adds, the display-to-camera lag, the sensor's noise and the room
// behind the user. Exposure and white balance are locked for the session.
type scene struct {
	level float32 // room light reaching the sensor (exposure × illuminance)
	tint  rgb     // the room light's colour, white-balanced to ~1
	// share is the screen's white light over the room light on a frontal
	// nose at restDist.
	share float64
	lag   time.Duration
	noise float64 // sensor noise scale
	room  room
	cloth rgb // the user's clothes
}

func newScene(seed uint64) *scene {
	r := stream(seed, streamScene, 0)
	sc := &scene{
		level: float32(uniform(r, 0.7, 1)), // a photo's highlights stay below white
		tint:  rgb{1, float32(uniform(r, 0.95, 1)), float32(uniform(r, 0.82, 1))},
		share: uniform(r, 0.03, 0.3),
		lag:   millis(r, 40, 250),
		noise: uniform(r, 0.7, 1.5),
	}
	sc.room = newRoom(r)
	sc.cloth = clothes[r.IntN(len(clothes))].scale(float32(uniform(r, 0.8, 1.2)))
	return sc
}

// dimmer is the scene after the user moved away from the brightest light
// (a window, a lamp): the room gives two to four times less of the light
// on the face, up to the share of the dimmest rooms newScene draws.
func (sc *scene) dimmer(r *rand.Rand) {
	sc.share = min(sc.share*uniform(r, 2, 4), 0.3)
}

// clothes are linear garment colours: dark, grey, navy, wine, olive,
// white.
var clothes = []rgb{{0.02, 0.02, 0.025}, {0.12, 0.12, 0.12}, {0.02, 0.03, 0.09}, {0.15, 0.02, 0.04}, {0.07, 0.08, 0.03}, {0.55, 0.55, 0.52}}

// screenNorm makes the screen term 1 on a frontal nose at restDist.
var screenNorm = func() float64 {
	d := screenPos.sub(vec{0, 0, restDist})
	r := math.Sqrt(d.dot(d))
	return r * r * r / (-d[2])
}()

// light is the light of one frame: the room's, and the screen's colour
// over the exposure, both as sensor gains on the surface's colour.
type light struct {
	ambient rgb
	screen  rgb
	direct  rgb // the screen's light as the sensor sees it off a mirror
	pos     vec // the screen, in the frame the surface points are in
}

// factor is the screen's light on a surface point p with unit normal n,
// in the frame of pos: it falls with the cosine and the square of the
// distance, and is 1 on a frontal nose at restDist.
func (l *light) factor(p, n vec) float32 {
	d := l.pos.sub(p)
	r2 := d.dot(d)
	return float32(max(0, n.dot(d)) / (r2 * math.Sqrt(r2)) * screenNorm)
}

// mix is the light where the screen's factor is k: the room's plus the
// screen's. A surface colour times it is the sensor's value.
func (l *light) mix(k float32) rgb {
	return rgb{l.ambient[0] + k*l.screen[0], l.ambient[1] + k*l.screen[1], l.ambient[2] + k*l.screen[2]}
}

// lightFor is the frame's light given the screen's emitted light e: room
// light plus share·e, normalised so that a frontal nose under the white
// screen reads the photo's own colour.
func (sc *scene) lightFor(e rgb) light {
	k := sc.level / float32(1+sc.share)
	return light{ambient: sc.tint.scale(k), screen: e.scale(k * float32(sc.share)), direct: e.scale(k), pos: screenPos}
}

// screenLog is what the screen showed: a colour from each time on.
type screenLog struct {
	at []time.Duration
	c  []liveness.Color
}

// show records that the screen shows c at frame time t, since since (if
// that is between the last change and t).
func (l *screenLog) show(t, since time.Duration, c liveness.Color) {
	n := len(l.c)
	if n > 0 && l.c[n-1] == c {
		return
	}
	from := t
	if since > 0 && since < t {
		from = since
	}
	if n > 0 {
		from = max(from, l.at[n-1])
	}
	l.at, l.c = append(l.at, from), append(l.c, c)
}

func (l *screenLog) colorAt(t time.Duration) liveness.Color {
	i, found := slices.BinarySearch(l.at, t)
	if !found {
		i--
	}
	return l.c[max(i, 0)]
}

// emitted is the linear screen light a frame exposed until t saw: the
// colours shown over the exposure, lag earlier.
func (l *screenLog) emitted(t, lag time.Duration) rgb {
	var e rgb
	for i := range exposureTaps {
		tap := t - lag - exposure*time.Duration(2*i+1)/(2*exposureTaps)
		c := screenLight(l.colorAt(tap))
		for k := range 3 {
			e[k] += c[k] / exposureTaps
		}
	}
	return e
}

// room is the background: a wall lit by a lamp, with a door and a picture
// or shelf, in linear light, a little larger than the frame so the
// phone's tremor can move it.
type room struct {
	w, h int
	pix  []float32 // 3 a pixel
}

const roomMargin = 8

func newRoom(r *rand.Rand) room {
	rm := room{w: Width + 2*roomMargin, h: Height + 2*roomMargin}
	rm.pix = make([]float32, 3*rm.w*rm.h)
	walls := []rgb{{0.55, 0.52, 0.45}, {0.45, 0.45, 0.45}, {0.5, 0.42, 0.3}, {0.35, 0.42, 0.5}, {0.4, 0.47, 0.38}}
	wall := walls[r.IntN(len(walls))].scale(float32(uniform(r, 0.5, 0.9)))
	lamp := [2]float64{uniform(r, 0, Width), uniform(r, -Height/3, Height/3)}
	spread := uniform(r, 250, 500)
	type rect struct {
		x0, y0, x1, y1 float64
		c              rgb
	}
	var things []rect
	for range 1 + r.IntN(3) {
		w, h := uniform(r, 60, 260), uniform(r, 60, 400)
		x, y := uniform(r, -w/2, Width-w/2), uniform(r, -h/3, Height-h)
		tone := walls[r.IntN(len(walls))].scale(float32(uniform(r, 0.2, 1.1)))
		things = append(things, rect{x, y, x + w, y + h, tone})
	}
	floor := uniform(r, 0.75, 1.1) * Height
	for y := range rm.h {
		for x := range rm.w {
			u, v := float64(x-roomMargin), float64(y-roomMargin)
			c := wall
			for _, t := range things {
				// Soft-edged: the background is a metre or more away.
				a := smoothstep(-2, 2, min(u-t.x0, t.x1-u, v-t.y0, t.y1-v))
				c = mixRGB(c, t.c, a)
			}
			if v > floor {
				c = c.scale(0.6)
			}
			d2 := (u-lamp[0])*(u-lamp[0]) + (v-lamp[1])*(v-lamp[1])
			c = c.scale(float32(0.55 + 0.6*math.Exp(-d2/(2*spread*spread))))
			copy(rm.pix[3*(y*rm.w+x):], c[:])
		}
	}
	return rm
}

func mixRGB(a, b rgb, t float64) rgb {
	k := float32(t)
	return rgb{a[0] + k*(b[0]-a[0]), a[1] + k*(b[1]-a[1]), a[2] + k*(b[2]-a[2])}
}
