package eval

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/liveid/liveid/internal/geom"
	"github.com/liveid/liveid/liveness"
)

// This file renders what a face tracker would report for a simulated
// scene: a phone's front camera, the phone's screen as a light, room light,
// and in front of them a real head or a flat photo or screen.

// The camera: portrait 720×960 with a focal length of 700 px (about 54°
// across), like a phone's front camera. Its exposure is deliberately not
// liveness.AssumedExposure: a real camera does not expose for the fit's
// assumption either.
const (
	camW, camH = 720, 960
	camF       = 700.0
	exposure   = 16 * time.Millisecond
)

// lighting is the light falling on the face: diffuse room light, one
// directional lamp and the phone's screen, a small source just below the
// camera whose irradiance falls with the cosine and the square of distance.
type lighting struct {
	ambient   geom.Vec3 // diffuse, linear RGB
	lamp      geom.Vec3 // directional, linear RGB
	lampDir   geom.Vec3 // unit, towards the lamp
	screen    float64
	screenPos geom.Vec3 // cm, camera coordinates
	gain      float64
}

func (l *lighting) irradiance(pos, n, emitted geom.Vec3) geom.Vec3 {
	e := l.ambient.Add(l.lamp.Scale(max(0, n.Dot(l.lampDir))))
	d := l.screenPos.Sub(pos)
	r := d.Norm()
	return e.Add(emitted.Scale(l.screen * max(0, n.Dot(d)/r) / (r * r)))
}

// scene is one capture: what the screen shows (the plan of the session
// being run), its latency to the camera, the light and the sensor noise.
type scene struct {
	plan  *liveness.Plan
	lag   time.Duration
	light lighting
	rng   *rand.Rand
}

// newScene draws a room: light colour and direction, and how much of the
// light on a frontal nose the white screen provides (6–35%), the way phone
// screens compare with indoor light.
func newScene(plan *liveness.Plan, rng *rand.Rand) *scene {
	sc := &scene{plan: plan, lag: time.Duration(40+rng.IntN(211)) * time.Millisecond, rng: rng}
	tint := geom.Vec3{1, 0.92 + 0.08*rng.Float64(), 0.75 + 0.25*rng.Float64()}
	el, az := (15+55*rng.Float64())*math.Pi/180, (rng.Float64()*120-60)*math.Pi/180
	sc.light = lighting{
		ambient:   tint.Scale(0.3 + 0.4*rng.Float64()),
		lamp:      tint.Scale(0.3 + 0.7*rng.Float64()),
		lampDir:   geom.Vec3{math.Sin(az) * math.Cos(el), -math.Sin(el), -math.Cos(az) * math.Cos(el)},
		screenPos: geom.Vec3{0, 7, 0},
	}
	// Calibrate the screen on a frontal nose 35 cm away.
	nose, n := geom.Vec3{0, 0, 35}, geom.Vec3{0, 0, -1}
	room := sc.light.irradiance(nose, n, geom.Vec3{})
	unit := geom.Vec3{1, 1, 1}
	sc.light.screen = 1
	per := sc.light.irradiance(nose, n, unit).Sub(room)
	share := 0.06 + 0.29*rng.Float64()
	sc.light.screen = share / (1 - share) * (room[0] + room[1] + room[2]) / (per[0] + per[1] + per[2])
	sc.light.gain = 0.5 / (room[0] + room[1] + room[2]) * 3 / (1 + share/(1-share))
	return sc
}

// emitted is the screen light a frame taken at t saw: the colours shown
// over its exposure, lag earlier.
func (sc *scene) emitted(t time.Duration) geom.Vec3 {
	return geom.Vec3(sc.plan.Emitted(t-sc.lag, exposure))
}

// sensor adds the camera's noise to a region mean: a patch of a few hundred
// pixels averages most of the per-pixel noise away.
func (sc *scene) sensor(c geom.Vec3) liveness.RGB {
	var out liveness.RGB
	for k := range 3 {
		out[k] = float32(c[k]*(1+0.003*sc.rng.NormFloat64()) + 0.0005*sc.rng.NormFloat64())
	}
	return out
}

// point is a 2-D point: image pixels, or centimetres on a plane.
type point [2]float64

// project is the camera's image of a point in camera space (cm).
func project(w geom.Vec3) point { return point{camW/2 + camF*w[0]/w[2], camH/2 + camF*w[1]/w[2]} }

// landmarkNoise is the tracker's jitter, in pixels.
const landmarkNoise = 0.5

// finish fills what follows from the landmarks: noise, box and frame.
func (sc *scene) finish(o *liveness.Observation) {
	o.Faces, o.TrackID, o.FrameW, o.FrameH = 1, 1, camW, camH
	for i := range o.Landmarks {
		p := &o.Landmarks[i]
		p[0] += float32(landmarkNoise * sc.rng.NormFloat64())
		p[1] += float32(landmarkNoise * sc.rng.NormFloat64())
	}
	o.Box = box(o.Landmarks)
	for k := range 2 {
		o.EyeOpen[k] += float32(0.008 * sc.rng.NormFloat64())
	}
	o.MouthOpen += float32(0.008 * sc.rng.NormFloat64())
	o.Yaw += float32(0.5 * sc.rng.NormFloat64())
	o.Pitch += float32(0.5 * sc.rng.NormFloat64())
	o.Roll += float32(0.5 * sc.rng.NormFloat64())
}

// pose places a head: rotation about a pivot in the neck, 9 cm behind and
// 3 cm below the face's centre, and the pivot's position in camera space.
type pose struct {
	yaw, pitch, roll float64
	pivot            geom.Vec3
}

var neck = geom.Vec3{0, 3, 9}

// renderHead is the tracker's view of a real head.
func (sc *scene) renderHead(h *head, ps pose, ex expression, t time.Duration, scratch *[liveness.MeshPoints]geom.Vec3) *liveness.Observation {
	h.posed(ex, scratch)
	r := geom.Rotation(ps.yaw, ps.pitch, ps.roll)
	world := func(p geom.Vec3) geom.Vec3 { return r.Apply(p.Sub(neck)).Add(ps.pivot) }
	centre := world(geom.Vec3{})
	o := &liveness.Observation{T: t, Landmarks: make([][3]float32, liveness.MeshPoints)}
	for i, p := range scratch {
		w := world(p)
		q := project(w)
		o.Landmarks[i] = [3]float32{float32(q[0]), float32(q[1]), float32(camF * (w[2] - centre[2]) / centre[2])}
	}
	o.EyeOpen, o.MouthOpen = openness(scratch)
	o.Yaw, o.Pitch, o.Roll = float32(ps.yaw), float32(ps.pitch), float32(ps.roll)
	e := sc.emitted(t)
	for reg := range liveness.NumRegions {
		var c geom.Vec3
		for _, i := range liveness.RegionLandmarks[reg] {
			irr := sc.light.irradiance(world(scratch[i]), r.Apply(h.normals[i]), e)
			c = c.Add(geom.Vec3{h.albedo[reg][0] * irr[0], h.albedo[reg][1] * irr[1], h.albedo[reg][2] * irr[2]})
		}
		o.Regions[reg] = sc.sensor(c.Scale(sc.light.gain / float64(len(liveness.RegionLandmarks[reg]))))
	}
	sc.finish(o)
	return o
}

// plane is a flat object (print or screen) in front of the camera: its
// rotation and the position of its centre.
type plane struct {
	r      geom.Mat3
	centre geom.Vec3
}

func (p plane) world(u, v float64) geom.Vec3 { return p.r.Apply(geom.Vec3{u, v, 0}).Add(p.centre) }

// normal faces the camera.
func (p plane) normal() geom.Vec3 { return p.r.Apply(geom.Vec3{0, 0, -1}) }

// renderFlat is the tracker's view of a face on a plane: uv are the
// landmarks on the plane in cm, z the depth the tracker's model imagines
// for them (in cm, scaled with the apparent size).
func (sc *scene) renderFlat(pl plane, uv *[liveness.MeshPoints]point, z *[liveness.MeshPoints]float64, t time.Duration) *liveness.Observation {
	o := &liveness.Observation{T: t, Landmarks: make([][3]float32, liveness.MeshPoints)}
	px := camF / pl.centre[2]
	for i := range uv {
		q := project(pl.world(uv[i][0], uv[i][1]))
		o.Landmarks[i] = [3]float32{float32(q[0]), float32(q[1]), float32(px * z[i])}
	}
	return o
}

// printRegions is a print's regions: the photo's colours under the room and
// screen light, all with the paper's one normal.
func (sc *scene) printRegions(o *liveness.Observation, pl plane, h *head, uv *[liveness.MeshPoints]point, t time.Duration) {
	e := sc.emitted(t)
	n := pl.normal()
	for reg := range liveness.NumRegions {
		i := liveness.RegionLandmarks[reg][0]
		irr := sc.light.irradiance(pl.world(uv[i][0], uv[i][1]), n, e)
		a := h.albedo[reg].Scale(0.85) // ink on paper reflects a little less than skin
		o.Regions[reg] = sc.sensor(geom.Vec3{a[0] * irr[0], a[1] * irr[1], a[2] * irr[2]}.Scale(sc.light.gain))
	}
}

// clock yields frame times: a nominal period with ± jitter and one frame
// in drop dropped, as phone cameras deliver them under load.
type clock struct {
	t, period time.Duration
	jitter    float64
	drop      int
	rng       *rand.Rand
}

func newClock(rng *rand.Rand) *clock {
	fps := []int{30, 24, 15}[rng.IntN(3)]
	return &clock{period: time.Second / time.Duration(fps), jitter: 0.3, drop: 30, rng: rng}
}

func (c *clock) next() time.Duration {
	d := time.Duration(float64(c.period) * (1 + c.jitter*(2*c.rng.Float64()-1)))
	if c.rng.IntN(c.drop) == 0 {
		d += c.period
	}
	c.t += d
	return c.t
}
