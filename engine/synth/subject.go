package synth

import (
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"
	"slices"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
)

// The canvas: a subject's face, upright and faceWidthPx wide (0.45 of the
// frame's width, the size at the rest distance), with room around it for
// hair and neck.
const (
	faceWidthPx      = 216
	canvasW, canvasH = 480, 648
	canvasCX         = 240 // where the landmarks' centroid lies
	canvasCY         = 260
	minSourceFace    = 60  // photo pixels: a smaller face has too little detail to enlarge
	maskFeather      = 3.0 // pixels of soft edge
	sampleStep       = 4
)

// Subject is a real face made ready for rendering: the photo around it,
// turned upright and scaled to the canvas, in linear light, with a mask
// that keeps the head (face, some hair, the neck) and drops the rest of the
// photo, the height field of its mesh, and the shapes of its eyelids and
// lips. A Subject is read-only and may be shared by sessions.
type Subject struct {
	tex  []float32 // R, G, B, mask alpha: 4 a canvas pixel
	mesh face.Mesh // canvas pixels
	hd   *head
	// samples are canvas points (x, y, depth) inside the mask, every
	// sampleStep pixels, for finding the frame tiles a posed head covers.
	samples [][3]float32
	eyes    [2]lids
	jaw     jaw
	bound   image.Rectangle // canvas pixels with alpha > 0
}

// ErrSmallFace is returned for a face too small in its photo to render.
var ErrSmallFace = errors.New("synth: face too small in its photo")

// NewSubject prepares the face of img whose FaceMesh landmarks (in img's
// pixels, as face.Tracker reports them) are m. The face should be near
// frontal with open eyes and a closed mouth (PickFace chooses one).
func NewSubject(img image.Image, m *face.Mesh) (*Subject, error) {
	box := m.Box()
	if box.W < minSourceFace {
		return nil, fmt.Errorf("%w: %.0f px wide (need %d)", ErrSmallFace, box.W, minSourceFace)
	}
	toCanvas := canvasMap(m)
	s := &Subject{mesh: *m}
	for i, p := range m.Points {
		x, y := toCanvas.apply(float64(p.X), float64(p.Y))
		s.mesh.Points[i] = face.Point3{X: float32(x), Y: float32(y), Z: p.Z * float32(toCanvas.scale)}
	}
	s.tex = resample(img, toCanvas)
	s.mask()
	s.hd = newHead(&s.mesh, canvasW, canvasH)
	for v := 0; v < canvasH; v += sampleStep {
		for u := 0; u < canvasW; u += sampleStep {
			if s.tex[4*(v*canvasW+u)+3] > 0 {
				x, y := float64(u)+0.5, float64(v)+0.5
				s.samples = append(s.samples, [3]float32{float32(x), float32(y), float32(s.hd.depth(x, y))})
			}
		}
	}
	s.eyes = [2]lids{newLids(&s.mesh, rightEye), newLids(&s.mesh, leftEye)}
	s.jaw = newJaw(&s.mesh)
	return s, nil
}

// ErrNoFace is returned when a photo has no face NewSubject can use.
var ErrNoFace = errors.New("synth: no usable face in the photo")

// SubjectFromPhoto finds the faces of img with tr (face.Tracker.Faces) and
// prepares the one PickFace chooses.
func SubjectFromPhoto(tr *face.Tracker, img image.Image) (*Subject, error) {
	rs, err := tr.Faces(imgproc.FromImage(img), nil)
	if err != nil {
		return nil, err
	}
	i := PickFace(rs)
	if i < 0 {
		return nil, ErrNoFace
	}
	return NewSubject(img, &rs[i].Mesh)
}

// PickFace returns the index of the face in rs best suited to NewSubject:
// found by the mesh, eyes open, mouth closed, and among those the most
// frontal; -1 if rs has no face.
func PickFace(rs []face.Result) int {
	best, bestCost := -1, math.Inf(1)
	for i, r := range rs {
		if !r.Found {
			continue
		}
		s := r.Signals
		cost := math.Hypot(float64(s.Yaw), float64(s.Pitch))
		if min(s.RightEye, s.LeftEye) < 0.22 {
			cost += 100 // a half-shut eye cannot blink convincingly
		}
		if s.Mouth > 0.15 {
			cost += 50 // nor can an open mouth open
		}
		if r.Mesh.Box().W < minSourceFace {
			cost += 1000
		}
		if cost < bestCost {
			best, bestCost = i, cost
		}
	}
	return best
}

// similarity maps photo pixels to canvas pixels: a turn that levels the
// eyes and a scale, about the landmarks' centroid.
type similarity struct {
	cx, cy     float64 // centroid in the photo
	cos, sin   float64 // of the photo's roll
	scale      float64
	photoW, ph int
}

func canvasMap(m *face.Mesh) similarity {
	var t similarity
	for _, p := range m.Points {
		t.cx, t.cy = t.cx+float64(p.X), t.cy+float64(p.Y)
	}
	t.cx, t.cy = t.cx/face.MeshPoints, t.cy/face.MeshPoints
	r, l := m.Points[meshREyeOuter], m.Points[meshLEyeOuter]
	t.sin, t.cos = math.Sincos(math.Atan2(float64(l.Y-r.Y), float64(l.X-r.X)))
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range m.Points {
		u := t.cos*(float64(p.X)-t.cx) + t.sin*(float64(p.Y)-t.cy)
		lo, hi = min(lo, u), max(hi, u)
	}
	t.scale = faceWidthPx / (hi - lo)
	return t
}

func (t similarity) apply(x, y float64) (float64, float64) {
	dx, dy := x-t.cx, y-t.cy
	return canvasCX + t.scale*(t.cos*dx+t.sin*dy), canvasCY + t.scale*(-t.sin*dx+t.cos*dy)
}

func (t similarity) invert(u, v float64) (float64, float64) {
	du, dv := (u-canvasCX)/t.scale, (v-canvasCY)/t.scale
	return t.cx + t.cos*du - t.sin*dv, t.cy + t.sin*du + t.cos*dv
}

// resample draws the canvas from the photo in linear light; alpha is 1
// where the photo covers the canvas. A photo whose face is larger than the
// canvas's is shrunk first (Lanczos), so that bilinear sampling does not
// alias.
func resample(img image.Image, t similarity) []float32 {
	b := img.Bounds()
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, c := range [][2]float64{{0, 0}, {canvasW, 0}, {0, canvasH}, {canvasW, canvasH}} {
		x, y := t.invert(c[0], c[1])
		lo, hi = [2]float64{min(lo[0], x), min(lo[1], y)}, [2]float64{max(hi[0], x), max(hi[1], y)}
	}
	r := image.Rect(int(lo[0])-2, int(lo[1])-2, int(hi[0])+2, int(hi[1])+2).Add(b.Min).Intersect(b)
	src := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(src, src.Rect, img, r.Min, draw.Src)
	k := 1.0 // crop pixels per photo pixel
	if t.scale < 0.85 {
		w := max(1, int(math.Round(float64(r.Dx())*t.scale)))
		src = imaging.Resize(src, w, 0, imaging.Lanczos)
		k = float64(w) / float64(r.Dx())
	}
	out := make([]float32, 4*canvasW*canvasH)
	var px [4]byte
	ox, oy := float64(r.Min.X-b.Min.X), float64(r.Min.Y-b.Min.Y)
	for v := range canvasH {
		for u := range canvasW {
			x, y := t.invert(float64(u)+0.5, float64(v)+0.5)
			x, y = (x-ox)*k-0.5, (y-oy)*k-0.5
			if x < 0 || y < 0 || x > float64(src.Rect.Dx()-1) || y > float64(src.Rect.Dy()-1) {
				continue // outside the photo: transparent
			}
			bilinear8(src, x, y, px[:])
			o := 4 * (v*canvasW + u)
			out[o], out[o+1], out[o+2], out[o+3] = toLinear[px[0]], toLinear[px[1]], toLinear[px[2]], 1
		}
	}
	return out
}

// Mesh indices (MediaPipe's canonical topology; right and left are the
// subject's).
const (
	meshREyeOuter, meshLEyeOuter = 33, 263
	meshChin, meshForehead       = 152, 10
	meshRightEdge, meshLeftEdge  = 234, 454
)

// faceOval is the face outline, clockwise from the top of the forehead.
var faceOval = []int{10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
	152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109}

// mask sets the canvas's alpha to the head: the face outline widened a
// little at the sides and more at the top for the hair, and a column for
// the neck that fades out where the clothes begin. The rest of the photo
// (other people, its background) is dropped.
func (s *Subject) mask() {
	poly := s.headOutline()
	neck := s.neckColumn()
	s.bound = image.Rectangle{}
	for v := range canvasH {
		for u := range canvasW {
			o := 4*(v*canvasW+u) + 3
			if s.tex[o] == 0 {
				continue
			}
			x, y := float64(u)+0.5, float64(v)+0.5
			a := min(max(max(poly.signedDist(x, y), neck.signedDist(x, y))/maskFeather+0.5, 0), 1)
			a *= neck.fade(y)
			s.tex[o] = float32(a)
			if a > 0 {
				s.bound = s.bound.Union(image.Rect(u, v, u+1, v+1))
			}
		}
	}
}

// headOutline is the face oval below the temples, pushed out 6% from the
// centroid (less towards the chin), and above them a dome for the hair
// that rises a third of a face width over the forehead.
func (s *Subject) headOutline() polygon {
	temple := (float64(s.mesh.Points[meshRightEdge].Y) + float64(s.mesh.Points[meshLeftEdge].Y)) / 2
	var lo, hi [2]float64 = [2]float64{math.Inf(1), 0}, [2]float64{math.Inf(-1), 0}
	var p polygon
	for _, i := range faceOval {
		q := s.mesh.Points[i]
		dx, dy := float64(q.X)-canvasCX, float64(q.Y)-canvasCY
		if float64(q.Y) < temple {
			continue
		}
		down := max(0, dy/math.Hypot(dx, dy))
		e := 0.06 - 0.06*down*down
		x := canvasCX + dx*(1+e)
		lo[0], hi[0] = min(lo[0], x), max(hi[0], x)
		p = append(p, [2]float64{x, canvasCY + dy*(1+e)})
	}
	// The oval's lower part runs from the left temple round the chin to the
	// right one; the dome closes it over the top.
	top := float64(s.mesh.Points[meshForehead].Y) - 0.33*faceWidthPx
	cx, rx, ry := (lo[0]+hi[0])/2, (hi[0]-lo[0])/2, temple-top
	for k := 0; k <= 24; k++ {
		a := math.Pi * float64(k) / 24 // from the image's left round the top
		p = append(p, [2]float64{cx - rx*math.Cos(a), temple - ry*math.Sin(a)})
	}
	return p
}

// neckBand is a band under the chin, widening a little downwards.
type neckBand struct {
	cx, half, top, fadeFrom, fadeTo float64
}

func (s *Subject) neckColumn() neckBand {
	chin := s.mesh.Points[meshChin]
	w := float64(faceWidthPx)
	// Down to the clothes' neckline (bodyNeckline under the centroid),
	// fading out inside its opening.
	k := w / faceWidthCm
	return neckBand{cx: float64(chin.X), half: 0.25 * w, top: float64(chin.Y) - 0.3*w,
		fadeFrom: canvasCY + (bodyNeckline+1)*k, fadeTo: canvasCY + (bodyNeckline+neckDip)*k}
}

func (n neckBand) signedDist(x, y float64) float64 {
	half := n.half * (1 + 0.25*smoothstep(n.top, n.fadeTo, y))
	return min(half-math.Abs(x-n.cx), y-n.top)
}

// fade is 1 above the clothes and falls to 0 below.
func (n neckBand) fade(y float64) float64 {
	return 1 - smoothstep(n.fadeFrom, n.fadeTo, y)
}

func smoothstep(a, b, x float64) float64 {
	t := min(max((x-a)/(b-a), 0), 1)
	return t * t * (3 - 2*t)
}

// polygon is a closed outline.
type polygon [][2]float64

// signedDist is the distance to the outline, positive inside.
func (p polygon) signedDist(x, y float64) float64 {
	d, inside := math.Inf(1), false
	for i := range p {
		a, b := p[i], p[(i+1)%len(p)]
		if (a[1] > y) != (b[1] > y) && x < a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			inside = !inside
		}
		ex, ey := b[0]-a[0], b[1]-a[1]
		t := min(max(((x-a[0])*ex+(y-a[1])*ey)/(ex*ex+ey*ey), 0), 1)
		d = min(d, math.Hypot(x-a[0]-t*ex, y-a[1]-t*ey))
	}
	if inside {
		return d
	}
	return -d
}

// curve is a polyline y(x) sampled per canvas column from x0.
type curve struct {
	x0 int
	y  []float32
}

// newCurve joins the mesh points idx (in order along x) and samples the
// line at every column they span.
func newCurve(m *face.Mesh, idx []int) curve {
	pts := make([][2]float64, len(idx))
	for i, j := range idx {
		pts[i] = [2]float64{float64(m.Points[j].X), float64(m.Points[j].Y)}
	}
	slices.SortFunc(pts, func(a, b [2]float64) int { return cmp.Compare(a[0], b[0]) })
	c := curve{x0: int(math.Ceil(pts[0][0]))}
	k := 0
	for x := c.x0; float64(x) <= pts[len(pts)-1][0]; x++ {
		for k+2 < len(pts) && pts[k+1][0] < float64(x) {
			k++
		}
		a, b := pts[k], pts[k+1]
		t := 0.0
		if b[0] > a[0] {
			t = min(max((float64(x)-a[0])/(b[0]-a[0]), 0), 1)
		}
		c.y = append(c.y, float32(a[1]+t*(b[1]-a[1])))
	}
	return c
}

// at is the curve's y at column x and whether x is within it.
func (c curve) at(x float64) (float64, bool) {
	i := int(x) - c.x0
	if i < 0 || i >= len(c.y) {
		return 0, false
	}
	return float64(c.y[i]), true
}
