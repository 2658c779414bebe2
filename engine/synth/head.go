package synth

import (
	"image"
	"image/draw"
	"math"

	"github.com/liveid/liveid/face"
)

// The head model: a photo seen as a height field. Every photo pixel lies on
// a surface whose depth comes from the FaceMesh z of the landmarks around
// it (interpolated with a Gaussian kernel, falling back to the depth of the
// face outline away from the face), so a turned or nearer head is rendered
// by casting each output pixel's camera ray onto that surface and reading
// the photo where it lands. Units are centimetres in the head's own frame
// (x right, y down, z away from the camera, origin at the landmarks'
// centroid); the photo is taken as the view of a camera restDist away.

const (
	faceWidthCm = 14.0 // mesh box width of an adult face, cheek to cheek
	restDist    = 30.0 // cm from the camera to the face centroid in the photo
	depthCell   = 4    // pixels per depth-grid cell
	castSteps   = 6    // ray–surface iterations
)

// vec is a 3-vector, mat a row-major 3×3 matrix.
type (
	vec [3]float64
	mat [3]vec
)

func (a vec) add(b vec) vec       { return vec{a[0] + b[0], a[1] + b[1], a[2] + b[2]} }
func (a vec) sub(b vec) vec       { return vec{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func (a vec) scale(k float64) vec { return vec{a[0] * k, a[1] * k, a[2] * k} }
func (a vec) dot(b vec) float64   { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func (a vec) unit() vec           { return a.scale(1 / math.Sqrt(a.dot(a))) }

func (m mat) apply(v vec) vec { return vec{m[0].dot(v), m[1].dot(v), m[2].dot(v)} }

func (m mat) t() mat {
	return mat{{m[0][0], m[1][0], m[2][0]}, {m[0][1], m[1][1], m[2][1]}, {m[0][2], m[1][2], m[2][2]}}
}

func (m mat) mul(n mat) mat {
	var c mat
	for i := range 3 {
		for j := range 3 {
			c[i][j] = m[i][0]*n[0][j] + m[i][1]*n[1][j] + m[i][2]*n[2][j]
		}
	}
	return c
}

// rotation is a head pose in face.Signals' conventions, in degrees: yaw > 0
// turns the face towards the image's right, pitch > 0 tilts it up, roll > 0
// leans it clockwise on screen (x right, y down, z away).
func rotation(yaw, pitch, roll float64) mat {
	r := func(d float64) (float64, float64) { return math.Sincos(d * math.Pi / 180) }
	sy, cy := r(yaw)
	sp, cp := r(pitch)
	sr, cr := r(roll)
	ry := mat{{cy, 0, -sy}, {0, 1, 0}, {sy, 0, cy}}
	rx := mat{{1, 0, 0}, {0, cp, sp}, {0, -sp, cp}}
	rz := mat{{cr, -sr, 0}, {sr, cr, 0}, {0, 0, 1}}
	return rz.mul(rx).mul(ry)
}

// head is the height field of one photo: the depth grid (cm, relative to
// the centroid) and its surface normals, over photo pixels.
type head struct {
	ox, oy float64 // the landmarks' centroid, photo pixels
	k      float64 // photo pixels per cm at the centroid
	gw, gh int
	z      []float32 // depth grid, cm
	n      []float32 // unit normals per grid node, 3 a node, towards the camera
	back   float64   // depth of the face outline: the plane hair and neck lie on
	near   float64   // the grid's nearest and farthest depth
	far    float64
}

// newHead builds the height field of a w×h photo whose face has mesh m.
func newHead(m *face.Mesh, w, h int) *head {
	hd := &head{gw: w/depthCell + 2, gh: h/depthCell + 2}
	var cz, back float64
	for _, p := range m.Points {
		hd.ox, hd.oy, cz = hd.ox+float64(p.X), hd.oy+float64(p.Y), cz+float64(p.Z)
	}
	n := float64(len(m.Points))
	hd.ox, hd.oy, cz = hd.ox/n, hd.oy/n, cz/n
	box := m.Box()
	hd.k = float64(box.W) / faceWidthCm
	back = -math.MaxFloat64
	for _, p := range m.Points {
		back = max(back, float64(p.Z)-cz)
	}
	hd.back = back / hd.k
	hd.z = make([]float32, hd.gw*hd.gh)
	hd.fillDepth(m, cz)
	hd.near, hd.far = math.MaxFloat64, -math.MaxFloat64
	for _, z := range hd.z {
		hd.near, hd.far = min(hd.near, float64(z)), max(hd.far, float64(z))
	}
	hd.fillNormals()
	return hd
}

// fillDepth interpolates the mesh's z over the grid: a Gaussian of about
// one mesh spacing, lowered to reach zero at 3σ so that the depth stays
// continuous, with a weak pull towards the outline's depth so that cells
// away from the face lie on that plane.
func (hd *head) fillDepth(m *face.Mesh, cz float64) {
	box := m.Box()
	s := float64(box.W) / 12
	reach := 3 * s
	floor := math.Exp(-reach * reach / (2 * s * s))
	lo := [2]float64{float64(box.X) - reach, float64(box.Y) - reach}
	hi := [2]float64{float64(box.X+box.W) + reach, float64(box.Y+box.H) + reach}
	for gy := range hd.gh {
		for gx := range hd.gw {
			x, y := float64(gx*depthCell), float64(gy*depthCell)
			hd.z[gy*hd.gw+gx] = float32(hd.back)
			if x < lo[0] || x > hi[0] || y < lo[1] || y > hi[1] {
				continue
			}
			const pull = 0.02
			num, den := pull*hd.back, pull
			for _, p := range m.Points {
				dx, dy := x-float64(p.X), y-float64(p.Y)
				if d2 := dx*dx + dy*dy; d2 < reach*reach {
					w := math.Exp(-d2/(2*s*s)) - floor
					num, den = num+w*(float64(p.Z)-cz)/hd.k, den+w
				}
			}
			hd.z[gy*hd.gw+gx] = float32(num / den)
		}
	}
}

// fillNormals takes each node's normal from the depth's central
// differences: n ∝ (∂z/∂x, ∂z/∂y, −1), pointing at the camera.
func (hd *head) fillNormals() {
	hd.n = make([]float32, 3*len(hd.z))
	step := 2 * depthCell / hd.k // cm between the neighbours of a node
	for gy := range hd.gh {
		for gx := range hd.gw {
			z := func(x, y int) float64 {
				return float64(hd.z[min(max(y, 0), hd.gh-1)*hd.gw+min(max(x, 0), hd.gw-1)])
			}
			dx := (z(gx+1, gy) - z(gx-1, gy)) / step
			dy := (z(gx, gy+1) - z(gx, gy-1)) / step
			u := vec{dx, dy, -1}.unit()
			i := 3 * (gy*hd.gw + gx)
			hd.n[i], hd.n[i+1], hd.n[i+2] = float32(u[0]), float32(u[1]), float32(u[2])
		}
	}
}

// cell is the grid position of photo point (x, y): the node index and the
// bilinear weights.
func (hd *head) cell(x, y float64) (i int, fx, fy float64) {
	gx := min(max(x/depthCell, 0), float64(hd.gw-1)-1e-6)
	gy := min(max(y/depthCell, 0), float64(hd.gh-1)-1e-6)
	ix, iy := int(gx), int(gy)
	return iy*hd.gw + ix, gx - float64(ix), gy - float64(iy)
}

// depth is the surface depth at photo point (x, y), cm.
func (hd *head) depth(x, y float64) float64 {
	i, fx, fy := hd.cell(x, y)
	z := hd.z
	a := float64(z[i]) + fx*float64(z[i+1]-z[i])
	b := float64(z[i+hd.gw]) + fx*float64(z[i+hd.gw+1]-z[i+hd.gw])
	return a + fy*(b-a)
}

// nodes evaluates f at every grid node's surface point and normal, into
// dst (one value a node): per-frame quantities that vary smoothly over the
// face, such as the screen's light, are then interpolated (at) instead of
// computed per pixel.
func (hd *head) nodes(dst []float32, f func(p, n vec) float32) []float32 {
	dst = append(dst[:0], make([]float32, len(hd.z))...)
	for gy := range hd.gh {
		for gx := range hd.gw {
			i := gy*hd.gw + gx
			p := hd.surface(float64(gx*depthCell), float64(gy*depthCell), float64(hd.z[i]))
			n := vec{float64(hd.n[3*i]), float64(hd.n[3*i+1]), float64(hd.n[3*i+2])}
			dst[i] = f(p, n)
		}
	}
	return dst
}

// at interpolates a per-node grid g at photo point (x, y).
func (hd *head) at(g []float32, x, y float64) float32 {
	i, fx, fy := hd.cell(x, y)
	a := float64(g[i]) + fx*float64(g[i+1]-g[i])
	b := float64(g[i+hd.gw]) + fx*float64(g[i+hd.gw+1]-g[i+hd.gw])
	return float32(a + fy*(b-a))
}

// surface is the head-frame point of photo pixel (x, y) at depth z: the
// photo's camera saw it along the ray through that pixel.
func (hd *head) surface(x, y, z float64) vec {
	s := (restDist + z) / (hd.k * restDist)
	return vec{(x - hd.ox) * s, (y - hd.oy) * s, z}
}

// cast intersects the ray o + s·d (head frame) with the surface and
// returns the photo point it hits and the hit's depth. The fixed
// point z ← depth(photo point of the ray at depth z) settles in a few steps
// wherever the surface does not fold over the ray; where it does not settle
// the ray is marched from the front and the first crossing bisected, which
// also gives the hit a nearer part of the face (the nose) hides the rest
// behind. z is the first guess of the depth (a neighbouring ray's hit).
func (hd *head) cast(o, d vec, z float64) (x, y, hit float64) {
	for range castSteps {
		x, y = hd.onRay(o, d, z)
		next := hd.depth(x, y)
		if math.Abs(next-z) < castTol {
			return x, y, next
		}
		z = next
	}
	z = hd.march(o, d)
	x, y = hd.onRay(o, d, z)
	return x, y, z
}

const (
	castTol   = 0.02 // cm, a third of a pixel at 16 px/cm
	marchStep = 0.4  // cm
)

// onRay is the photo point of the ray's point at depth z.
func (hd *head) onRay(o, d vec, z float64) (x, y float64) {
	s := (z - o[2]) / d[2]
	m := hd.k * restDist / (restDist + z)
	return hd.ox + (o[0]+s*d[0])*m, hd.oy + (o[1]+s*d[1])*m
}

// march finds the first depth, from the front, at which the ray is behind
// the surface, to within a few hundredths of a centimetre.
func (hd *head) march(o, d vec) float64 {
	ahead := func(z float64) bool { x, y := hd.onRay(o, d, z); return hd.depth(x, y) > z }
	lo := hd.near
	for lo < hd.far && ahead(lo+marchStep) {
		lo += marchStep
	}
	hi := min(lo+marchStep, hd.far)
	for range 5 {
		if mid := (lo + hi) / 2; ahead(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// view is a camera looking at a posed head: pinhole of focal length f
// pixels with principal point (cx, cy), and the head's pose as the ray's
// origin and the rotation from camera to head frame.
type view struct {
	f, cx, cy float64
	toHead    mat // camera → head rotation
	origin    vec // the camera centre in the head frame
}

// pose places the head: rotation r about pivot (head frame, cm), then the
// centroid at pos (camera frame, cm).
func newView(f, cx, cy float64, r mat, pivot, pos vec) view {
	rt := r.t()
	// camera = r·(p − pivot) + pivot + pos  ⇒  p = rᵀ·(camera − pivot − pos) + pivot
	return view{f: f, cx: cx, cy: cy, toHead: rt, origin: rt.apply(pivot.add(pos).scale(-1)).add(pivot)}
}

// ray is the head-frame direction through output pixel centre (u, v).
func (v *view) ray(u, w float64) vec {
	return v.toHead.apply(vec{(u - v.cx) / v.f, (w - v.cy) / v.f, 1})
}

// toCamera maps a head-frame point to the camera frame (the inverse of
// toHead and origin).
func (v *view) toCamera(p vec) vec {
	return v.toHead.t().apply(p.sub(v.origin))
}

// Turn is img with its face, whose mesh is m, turned by yaw then pitch
// degrees (face.Signals' signs: yaw > 0 towards the image's right, pitch > 0
// up) about the landmarks' centroid and brought scale times nearer (1 keeps
// the distance; 1.5 is 1.5× closer), all in perspective: each output pixel
// is traced through a height field made from the mesh's depth, so the nose
// moves and grows more than the cheeks, and the background behind the face
// stays a plane at the outline's depth. The photo is taken as seen from
// 30 cm (a 14 cm face); self-occlusion is ignored, which holds for turns up
// to about 35°.
func Turn(img image.Image, m *face.Mesh, yaw, pitch, scale float64) *image.NRGBA {
	b := img.Bounds()
	src := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Rect, img, b.Min, draw.Src)
	hd := newHead(m, b.Dx(), b.Dy())
	v := newView(hd.k*restDist, hd.ox, hd.oy, rotation(yaw, pitch, 0), vec{}, vec{0, 0, restDist / scale})
	out := image.NewNRGBA(src.Rect)
	for y := range b.Dy() {
		z := 0.0
		for x := range b.Dx() {
			sx, sy, hit := hd.cast(v.origin, v.ray(float64(x)+0.5, float64(y)+0.5), z)
			z = hit
			o := out.PixOffset(x, y)
			bilinear8(src, sx-0.5, sy-0.5, out.Pix[o:o+4])
		}
	}
	return out
}

// bilinear8 samples img at pixel-index coordinates (x, y) into dst (4
// bytes), edge pixels repeated.
func bilinear8(img *image.NRGBA, x, y float64, dst []byte) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	x, y = min(max(x, 0), float64(w-1)), min(max(y, 0), float64(h-1))
	i, j := int(x), int(y)
	fx, fy := x-float64(i), y-float64(j)
	i1, j1 := min(i+1, w-1), min(j+1, h-1)
	p00, p10 := img.PixOffset(i, j), img.PixOffset(i1, j)
	p01, p11 := img.PixOffset(i, j1), img.PixOffset(i1, j1)
	for c := range 4 {
		p := img.Pix
		a := float64(p[p00+c]) + fx*(float64(p[p10+c])-float64(p[p00+c]))
		bb := float64(p[p01+c]) + fx*(float64(p[p11+c])-float64(p[p01+c]))
		dst[c] = uint8(min(max(a+fy*(bb-a)+0.5, 0), 255))
	}
}
