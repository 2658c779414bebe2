package synth

import (
	"fmt"
	"math"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// The tests render sessions and read them back with the real face tracker.

var shared struct {
	once     sync.Once
	tracker  *face.Tracker
	subjects map[int]*Subject
	skip     string
	err      error
}

// testPhotos are the sample photos whose chosen faces the tests use: 3 is
// the user, 4 the other person.
var testPhotos = []int{3, 4}

func setup(tb testing.TB) (*face.Tracker, []*Subject) {
	tb.Helper()
	shared.once.Do(func() {
		home := build.Home()
		dir := build.ModelDir(home)
		for _, m := range []string{face.DetectorModel, face.MeshModel, face.IrisModel} {
			if _, err := os.Stat(models.Path(dir, m)); err != nil {
				shared.skip = fmt.Sprintf("model cache not set up (run make setup): %v", err)
				return
			}
		}
		if _, shared.err = build.InitRuntime(home); shared.err != nil {
			return
		}
		if shared.tracker, shared.err = face.NewTracker(dir, models.Options{}, face.DefaultConfig()); shared.err != nil {
			return
		}
		shared.subjects = map[int]*Subject{}
		for _, i := range testPhotos {
			path, err := build.SamplePhoto(home, i)
			if err != nil {
				shared.err = err
				return
			}
			img, err := imaging.Open(path)
			if err != nil {
				shared.err = err
				return
			}
			if shared.subjects[i], shared.err = SubjectFromPhoto(shared.tracker, img); shared.err != nil {
				return
			}
		}
	})
	if shared.skip != "" {
		tb.Skip(shared.skip)
	}
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	shared.tracker.Reset()
	return shared.tracker, []*Subject{shared.subjects[3], shared.subjects[4]}
}

func testPlan(tb testing.TB, seed string, actions ...liveness.Action) *liveness.Plan {
	tb.Helper()
	p, err := liveness.NewPlan([]byte(seed+"-0123456789abcdef"), liveness.Config{Actions: actions, Count: len(actions)})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// frame is one rendered and tracked frame.
type frame struct {
	truth Truth
	res   face.Result
}

// run renders the frames at times ts (increasing) with prompts from at and
// tracks them.
func run(tb testing.TB, tr *face.Tracker, s *Session, ts []time.Duration, at func(time.Duration) Prompt) []frame {
	tb.Helper()
	out := make([]frame, 0, len(ts))
	for _, t := range ts {
		f, err := s.Frame(t, at(t))
		if err != nil {
			tb.Fatal(err)
		}
		var r face.Result
		if err := tr.Process(f, &r); err != nil {
			tb.Fatal(err)
		}
		out = append(out, frame{s.Truth(), r})
	}
	return out
}

// span is the frame times from a to b at fps frames a second.
func span(a, b time.Duration, fps int) []time.Duration {
	var ts []time.Duration
	step := time.Second / time.Duration(fps)
	for t := a - a%step; t <= b; t += step {
		if t >= a {
			ts = append(ts, t)
		}
	}
	return ts
}

// oneTrack fails unless every frame has the face, on one track started in
// the first frame.
func oneTrack(t *testing.T, fs []frame) {
	t.Helper()
	for i, f := range fs {
		if !f.res.Found || f.res.TrackID != fs[0].res.TrackID || (i > 0 && f.res.NewTrack) {
			t.Fatalf("frame at %v: found %v track %d (first %d) new %v", f.truth.T, f.res.Found, f.res.TrackID, fs[0].res.TrackID, f.res.NewTrack)
		}
	}
}

// performed renders a still prompt for a moment, then prompts action a
// and renders from just before the user starts it until just after it
// ends, at fps; it returns the frames and the gesture.
func performed(t *testing.T, tr *face.Tracker, s *Session, from time.Duration, a liveness.Action, fps int) ([]frame, gesture) {
	t.Helper()
	still := Prompt{Phase: PhaseBaseline, Screen: liveness.Neutral}
	act := Prompt{Phase: PhaseAction, Action: a, Screen: liveness.Neutral}
	fs := run(t, tr, s, span(from, from+300*time.Millisecond, fps), func(time.Duration) Prompt { return still })
	prompted := from + 300*time.Millisecond + time.Second/time.Duration(fps)
	g := newGesture(s.seed, 0, a, 0, prompted)
	run(t, tr, s, []time.Duration{prompted}, func(time.Duration) Prompt { return act })
	// The tracker sees a gap while the user reacts, as after a dropped frame.
	fs = append(fs, run(t, tr, s, span(g.start-200*time.Millisecond, g.end()+300*time.Millisecond, fps), func(time.Duration) Prompt { return act })...)
	return fs, g
}

func meanEye(s face.Signals) float32 { return (s.RightEye + s.LeftEye) / 2 }

func TestGenuineBlink(t *testing.T) {
	tr, subs := setup(t)
	s, err := NewSession(Genuine, subs[:1], testPlan(t, "blink", liveness.Blink), nil, 11)
	if err != nil {
		t.Fatal(err)
	}
	fs, g := performed(t, tr, s, 0, liveness.Blink, 30)
	oneTrack(t, fs)
	closed := face.DefaultConfig().ClosedEye
	lowest, shut := float32(1), 0
	for i, f := range fs {
		ear := meanEye(f.res.Signals)
		switch {
		case f.truth.Shut > 0.8 || i > 0 && fs[i-1].truth.Shut > 0.8: // the tracker's smoothing lags a frame
			lowest = min(lowest, ear)
			shut++
		case f.truth.Shut == 0 && (i == 0 || fs[i-1].truth.Shut == 0):
			if min(f.res.Signals.RightEye, f.res.Signals.LeftEye) <= closed {
				t.Errorf("open eyes at %v read closed: %.3f %.3f", f.truth.T, f.res.Signals.RightEye, f.res.Signals.LeftEye)
			}
		}
	}
	t.Logf("blink of %v (closed in %d frames): lowest mean eye ratio %.3f (closed below %.2f)", g.dur, shut, lowest, closed)
	if shut == 0 || lowest >= closed {
		t.Errorf("the rendered blink never read closed: lowest mean eye ratio %.3f over %d frames", lowest, shut)
	}
}

func TestGenuineMouth(t *testing.T) {
	tr, subs := setup(t)
	s, err := NewSession(Genuine, subs[:1], testPlan(t, "mouth", liveness.OpenMouth), nil, 12)
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := performed(t, tr, s, 0, liveness.OpenMouth, 15)
	oneTrack(t, fs)
	rest, wide := fs[0].res.Signals.Mouth, float32(0)
	for _, f := range fs {
		if f.truth.Mouth > 1 {
			wide = max(wide, f.res.Signals.Mouth)
		}
	}
	t.Logf("mouth ratio at rest %.3f, opened %.3f", rest, wide)
	if wide < rest+0.2 {
		t.Errorf("mouth ratio rose from %.3f to only %.3f during the rendered opening", rest, wide)
	}
}

// TestGenuineShake: the tracker's yaw follows a rendered shake. Its yaw
// change from the start must peak within 30% of the rendered turn's
// in each direction.
func TestGenuineShake(t *testing.T) {
	tr, subs := setup(t)
	s, err := NewSession(Genuine, subs[:1], testPlan(t, "shake", liveness.Shake), nil, 13)
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := performed(t, tr, s, 0, liveness.Shake, 15)
	oneTrack(t, fs)
	base, truth0 := fs[0].res.Signals.Yaw, fs[0].truth.Yaw
	var seen, rendered [2]float64 // most negative, most positive
	for _, f := range fs {
		d, r := float64(f.res.Signals.Yaw-base), f.truth.Yaw-truth0
		seen = [2]float64{min(seen[0], d), max(seen[1], d)}
		rendered = [2]float64{min(rendered[0], r), max(rendered[1], r)}
	}
	for k := range 2 {
		t.Logf("shake side %d: rendered %+.1f°, tracker %+.1f°", k, rendered[k], seen[k])
		if ratio := seen[k] / rendered[k]; math.Abs(rendered[k]) < 15 || ratio < 0.7 || ratio > 1.3 {
			t.Errorf("shake side %d: tracker's yaw change %+.1f° for a rendered %+.1f°", k, seen[k], rendered[k])
		}
	}
}

// reflection: the region means of a still face under a red screen against
// the same frames under the neutral screen. Two sessions of one seed differ
// only in what the screen shows, so every change is the screen's.
func reflection(t *testing.T, k Kind, seed uint64) (neutral, red [liveness.NumRegions][3]float64, pos [liveness.NumRegions][2]float64) {
	tr, subs := setup(t)
	plan := testPlan(t, "refl", liveness.Nod)
	ts := span(0, 600*time.Millisecond, 15)
	var res []face.Result
	for i, c := range []liveness.Color{liveness.Neutral, {R: 255}} {
		s, err := NewSession(k, subs[:1], plan, nil, seed)
		if err != nil {
			t.Fatal(err)
		}
		tr.Reset()
		p := Prompt{Phase: PhaseBaseline, Screen: c}
		for j, tt := range ts {
			f, err := s.Frame(tt, p)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 { // the landmarks of the neutral frames place both sets
				var r face.Result
				if err := tr.Process(f, &r); err != nil {
					t.Fatal(err)
				}
				if !r.Found {
					t.Fatalf("%v: no face at %v", k, tt)
				}
				res = append(res, r)
			}
			m := regionMeans(s.Image(), &res[j].Mesh)
			for r := range m {
				for c := range 3 {
					if i == 0 {
						neutral[r][c] += m[r][c] / float64(len(ts))
					} else {
						red[r][c] += m[r][c] / float64(len(ts))
					}
				}
			}
		}
	}
	return neutral, red, regionPlaces(&res[0].Mesh)
}

// regionPlaces are the regions' landmark centroids relative to the face's
// box centre, in face widths.
func regionPlaces(m *face.Mesh) (pos [liveness.NumRegions][2]float64) {
	b := m.Box()
	for r, idx := range liveness.RegionLandmarks {
		for _, i := range idx {
			pos[r][0] += (float64(m.Points[i].X-b.X) - float64(b.W)/2) / float64(b.W) / float64(len(idx))
			pos[r][1] += (float64(m.Points[i].Y-b.Y) - float64(b.H)/2) / float64(b.W) / float64(len(idx))
		}
	}
	return pos
}

// relief is how far the drops depart from a gradient over the face (a
// plane fitted to them over the regions' places), RMS relative to their
// mean: the light a flat sheet takes from a near screen falls off
// smoothly, a face's varies with where its surface points.
func relief(d [liveness.NumRegions]float64, pos [liveness.NumRegions][2]float64) float64 {
	var ata [3][3]float64
	var atb [3]float64
	for r := range d {
		row := [3]float64{1, pos[r][0], pos[r][1]}
		for i := range 3 {
			atb[i] += row[i] * d[r]
			for j := range 3 {
				ata[i][j] += row[i] * row[j]
			}
		}
	}
	c := solve3(ata, atb)
	var sse, mean float64
	for r := range d {
		e := d[r] - c[0] - c[1]*pos[r][0] - c[2]*pos[r][1]
		sse, mean = sse+e*e, mean+d[r]/float64(len(d))
	}
	return math.Sqrt(sse/float64(len(d))) / mean
}

// solve3 solves a 3×3 system by Cramer's rule.
func solve3(a [3][3]float64, b [3]float64) [3]float64 {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(a)
	var x [3]float64
	for i := range 3 {
		m := a
		for j := range 3 {
			m[j][i] = b[j]
		}
		x[i] = det(m) / d
	}
	return x
}

// regionMeans are the mean linear colours of liveness's face regions:
// discs of a thirtieth of the face's width around each region's landmarks.
func regionMeans(img imgRGBA, m *face.Mesh) [liveness.NumRegions][3]float64 {
	var out [liveness.NumRegions][3]float64
	rad := float64(m.Box().W) / 30
	for r, idx := range liveness.RegionLandmarks {
		n := 0
		for _, i := range idx {
			cx, cy := float64(m.Points[i].X), float64(m.Points[i].Y)
			for y := int(cy - rad); y <= int(cy+rad); y++ {
				for x := int(cx - rad); x <= int(cx+rad); x++ {
					if math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) > rad {
						continue
					}
					px := img.RGBAAt(x, y)
					out[r][0] += float64(toLinear[px.R])
					out[r][1] += float64(toLinear[px.G])
					out[r][2] += float64(toLinear[px.B])
					n++
				}
			}
		}
		for c := range 3 {
			out[r][c] /= float64(n)
		}
	}
	return out
}

// drops are each region's relative loss of green and blue under the red
// screen: the screen's share of the light there, which the surface's own
// colour cancels out of.
func drops(neutral, red [liveness.NumRegions][3]float64) (d [liveness.NumRegions]float64) {
	for r := range d {
		d[r] = 1 - (red[r][1]+red[r][2])/(neutral[r][1]+neutral[r][2])
	}
	return d
}

func redness(c [liveness.NumRegions][3]float64) float64 {
	var s, r float64
	for _, v := range c {
		r += v[0]
		s += v[0] + v[1] + v[2]
	}
	return r / s
}

// spread is the range of the drops over nose, cheeks and chin relative to
// their mean: 0 for light falling evenly.
func spread(d [liveness.NumRegions]float64) float64 {
	rs := []liveness.Region{liveness.Nose, liveness.RightCheek, liveness.LeftCheek, liveness.Chin}
	lo, hi, mean := math.Inf(1), math.Inf(-1), 0.0
	for _, r := range rs {
		lo, hi, mean = min(lo, d[r]), max(hi, d[r]), mean+d[r]/float64(len(rs))
	}
	return (hi - lo) / mean
}

// TestReflection: a red screen reddens the genuine face, by amounts that
// differ between nose, cheeks and chin as they face the screen
// differently; the print's sheet takes the same relative change everywhere
// up to the smooth fall-off of a near light (the screen is 7 cm below the
// camera, the sheet 18–30 cm away: up to a quarter of the mean between its
// ends), and nothing beyond a gradient.
func TestReflection(t *testing.T) {
	gn, gr, gpos := reflection(t, Genuine, 21)
	gd := drops(gn, gr)
	t.Logf("genuine: redness %.4f → %.4f, drops %.3f, spread %.2f, relief %.3f", redness(gn), redness(gr), gd, spread(gd), relief(gd, gpos))
	if redness(gr) < redness(gn)+0.01 {
		t.Errorf("genuine: a red screen left the face's redness at %.4f (neutral %.4f)", redness(gr), redness(gn))
	}
	if spread(gd) < 0.3 || relief(gd, gpos) < 0.1 {
		t.Errorf("genuine: the screen's share varies by %.2f of its mean over nose, cheeks and chin, %.3f beyond a gradient: no relief", spread(gd), relief(gd, gpos))
	}
	pn, pr, ppos := reflection(t, PrintedPhoto, 21)
	pd := drops(pn, pr)
	t.Logf("print: redness %.4f → %.4f, drops %.3f, spread %.2f, relief %.3f", redness(pn), redness(pr), pd, spread(pd), relief(pd, ppos))
	if redness(pr) < redness(pn)+0.005 {
		t.Errorf("print: a red screen left the sheet's redness at %.4f (neutral %.4f)", redness(pr), redness(pn))
	}
	if spread(pd) > 0.25 || relief(pd, ppos) > 0.03 {
		t.Errorf("print: the screen's share varies by %.2f of its mean over the printed face, %.3f beyond a gradient; want a flat sheet's", spread(pd), relief(pd, ppos))
	}
}

// TestAttackTracks: the tracker finds the face in every kind's frames with
// the track behaviour of that kind.
func TestAttackTracks(t *testing.T) {
	for _, k := range []Kind{PrintedPhoto, ScreenReplay, InjectedVideo} {
		t.Run(k.String(), func(t *testing.T) {
			tr, subs := setup(t)
			s, err := NewSession(k, subs[:1], testPlan(t, "attack", liveness.Nod), testPlan(t, "other", liveness.Shake), 31)
			if err != nil {
				t.Fatal(err)
			}
			sched := s.Schedule()
			end, fps := 1500*time.Millisecond, 15
			if testing.Short() {
				end, fps = time.Second, 10
			}
			oneTrack(t, run(t, tr, s, span(0, end, fps), sched.At))
		})
	}
}

// TestFaceSwap: halfway through the actions another face takes the user's
// place; the tracker's landmarks jump there as they never do between
// frames of one face.
func TestFaceSwap(t *testing.T) {
	tr, subs := setup(t)
	plan := testPlan(t, "swap", liveness.Nod, liveness.Blink)
	s, err := NewSession(FaceSwap, subs, plan, nil, 41)
	if err != nil {
		t.Fatal(err)
	}
	first := Prompt{Phase: PhaseAction, Action: plan.Actions[0], Screen: liveness.Neutral}
	second := Prompt{Phase: PhaseAction, Action: plan.Actions[1], Screen: liveness.Neutral}
	swapAt := 1500 * time.Millisecond
	fs := run(t, tr, s, span(0, 2500*time.Millisecond, 15), func(tt time.Duration) Prompt {
		if tt < swapAt {
			return first
		}
		return second
	})
	var jump, usual float64
	for i := 1; i < len(fs); i++ {
		d := shapeChange(&fs[i-1].res.Raw, &fs[i].res.Raw)
		if fs[i].truth.Subject != fs[i-1].truth.Subject {
			jump = d
			if fs[i].res.NewTrack {
				t.Logf("the tracker started a new track at the swap")
				return
			}
		} else {
			usual = max(usual, d)
		}
	}
	t.Logf("landmark change at the swap %.4f, at most %.4f between other frames", jump, usual)
	if jump < 3*usual {
		t.Errorf("the swap moved the landmarks by %.4f face widths, other frames by up to %.4f", jump, usual)
	}
}

// rigid are landmarks that move with the skull (outline, nose, brows), not
// with blinks or the mouth.
var rigid = []int{10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 127, 162, 21, 54, 103, 67, 109, 234, 93, 132,
	1, 2, 4, 5, 6, 19, 94, 168, 195, 197, 98, 327, 48, 278, 70, 63, 105, 66, 107, 300, 293, 334, 296, 336, 33, 133, 263, 362}

// shapeChange is the RMS distance between the rigid landmarks of two
// meshes after the best similarity maps a onto b, in face widths: how much
// the face's shape, not its place or size, changed.
func shapeChange(a, b *face.Mesh) float64 {
	var ca, cb [2]float64
	for _, i := range rigid {
		ca[0], ca[1] = ca[0]+float64(a.Points[i].X), ca[1]+float64(a.Points[i].Y)
		cb[0], cb[1] = cb[0]+float64(b.Points[i].X), cb[1]+float64(b.Points[i].Y)
	}
	n := float64(len(rigid))
	ca, cb = [2]float64{ca[0] / n, ca[1] / n}, [2]float64{cb[0] / n, cb[1] / n}
	var sxx, sxy, syx, syy, saa float64 // complex least squares: b ≈ z·a
	for _, i := range rigid {
		ax, ay := float64(a.Points[i].X)-ca[0], float64(a.Points[i].Y)-ca[1]
		bx, by := float64(b.Points[i].X)-cb[0], float64(b.Points[i].Y)-cb[1]
		sxx, sxy, syx, syy = sxx+ax*bx, sxy+ax*by, syx+ay*bx, syy+ay*by
		saa += ax*ax + ay*ay
	}
	zr, zi := (sxx+syy)/saa, (sxy-syx)/saa
	var sse float64
	for _, i := range rigid {
		ax, ay := float64(a.Points[i].X)-ca[0], float64(a.Points[i].Y)-ca[1]
		dx := zr*ax - zi*ay - (float64(b.Points[i].X) - cb[0])
		dy := zi*ax + zr*ay - (float64(b.Points[i].Y) - cb[1])
		sse += dx*dx + dy*dy
	}
	return math.Sqrt(sse/n) / float64(b.Box().W)
}

// TestSecondFace: the tracker counts two faces once the second person has
// come into view, and one before.
func TestSecondFace(t *testing.T) {
	tr, subs := setup(t)
	plan := testPlan(t, "second", liveness.Shake)
	s, err := NewSession(SecondFace, subs, plan, nil, 51)
	if err != nil {
		t.Fatal(err)
	}
	act := Prompt{Phase: PhaseAction, Action: plan.Actions[0], Screen: liveness.Neutral}
	prompt := func(tt time.Duration) Prompt {
		if tt < 500*time.Millisecond {
			return Prompt{Phase: PhaseBaseline, Screen: liveness.Neutral}
		}
		return act
	}
	// Before the entry (at most 2.7 s after the prompt at 0.5 s), and a
	// fresh track from 3.3 s, whose detections see the second face.
	fs := run(t, tr, s, span(0, 1200*time.Millisecond, 10), prompt)
	tr.Reset()
	fs = append(fs, run(t, tr, s, span(3300*time.Millisecond, 5500*time.Millisecond, 10), prompt)...)
	var before, after, two int
	for _, f := range fs {
		if !f.res.Found || !f.res.Detected {
			continue
		}
		switch {
		case f.truth.Faces == 1:
			before++
			if f.res.Faces != 1 {
				t.Errorf("at %v, before the second face: the detector counts %d", f.truth.T, f.res.Faces)
			}
		case f.truth.Faces == 2:
			after++
			if f.res.Faces == 2 {
				two++
			}
		}
	}
	t.Logf("detections before the entry %d, after %d, of which %d count two faces", before, after, two)
	if after == 0 || two < after {
		t.Errorf("the detector counted two faces in %d of %d detections after the second face entered", two, after)
	}
}

// TestTurn: the exported warp leaves a photo as it is when asked for no
// change, and the tracker reads the yaw and nearness it was asked for.
func TestTurn(t *testing.T) {
	tr, _ := setup(t)
	path, err := build.SamplePhoto(build.Home(), 3)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imaging.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	img = imaging.Crop(img, img.Bounds().Intersect(imageRect(350, 100, 850, 750)))
	rs, err := tr.Faces(imgproc.FromImage(img), nil)
	if err != nil {
		t.Fatal(err)
	}
	i := PickFace(rs)
	if i < 0 {
		t.Fatal("no face in the crop")
	}
	m := rs[i].Mesh
	still := Turn(img, &m, 0, 0, 1)
	if d := meanAbsDiff(img, still); d > 1 {
		t.Errorf("Turn with no change differs from the photo by %.2f levels on average", d)
	}
	for _, c := range []struct{ yaw, scale float64 }{{20, 1}, {-20, 1}, {0, 1.5}} {
		out := Turn(img, &m, c.yaw, 0, c.scale)
		r, err := tr.Faces(imgproc.FromImage(out), nil)
		if err != nil {
			t.Fatal(err)
		}
		j := PickFace(r)
		if j < 0 {
			t.Fatalf("no face after Turn(yaw %v, scale %v)", c.yaw, c.scale)
		}
		dyaw := float64(r[j].Signals.Yaw - rs[i].Signals.Yaw)
		grow := float64(r[j].Mesh.Box().W / m.Box().W)
		t.Logf("Turn(yaw %+.0f, scale %.1f): tracker's yaw change %+.1f°, width ×%.2f", c.yaw, c.scale, dyaw, grow)
		if math.Abs(dyaw-c.yaw) > 7 || math.Abs(grow-c.scale) > 0.12*c.scale {
			t.Errorf("Turn(yaw %v, scale %v): yaw changed %.1f°, width ×%.2f", c.yaw, c.scale, dyaw, grow)
		}
	}
}

// TestDeterministic: a session renders the same frames from the same seed
// and different ones from another.
func TestDeterministic(t *testing.T) {
	_, subs := setup(t)
	plan := testPlan(t, "det", liveness.Blink)
	render := func(seed uint64) []byte {
		s, err := NewSession(Genuine, subs[:1], plan, nil, seed)
		if err != nil {
			t.Fatal(err)
		}
		sched := s.Schedule()
		var f *imgproc.Frame
		for _, tt := range []time.Duration{0, 1500 * time.Millisecond, 2 * time.Second} {
			if f, err = s.Frame(tt, sched.At(tt)); err != nil {
				t.Fatal(err)
			}
		}
		return append(append([]byte(nil), f.Planes[0]...), f.Planes[1]...)
	}
	a, b, c := render(7), render(7), render(8)
	if string(a) != string(b) {
		t.Error("the same seed rendered different frames")
	}
	if string(a) == string(c) {
		t.Error("different seeds rendered the same frame")
	}
}

// TestFrameLayout: frames are what a phone's front camera delivers.
func TestFrameLayout(t *testing.T) {
	_, subs := setup(t)
	s, err := NewSession(Genuine, subs[:1], testPlan(t, "layout", liveness.Blink), nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Frame(40*time.Millisecond, Prompt{Screen: liveness.Neutral})
	if err != nil {
		t.Fatal(err)
	}
	w, h := f.Upright()
	if f.Format != imgproc.NV21 || f.Rotation != 270 || !f.Mirror || w != Width || h != Height || f.Timestamp != 40*time.Millisecond {
		t.Errorf("frame %v rotation %d mirror %v upright %dx%d timestamp %v", f.Format, f.Rotation, f.Mirror, w, h, f.Timestamp)
	}
	if err := f.Validate(); err != nil {
		t.Error(err)
	}
	if _, err := s.Frame(20*time.Millisecond, Prompt{}); err == nil {
		t.Error("a frame earlier than the last was rendered")
	}
}

// TestSchedule: the open loop follows the plan: precheck, the plan's
// baseline and flash at its times, then each action prompted after the
// previous gesture's end plus the gap, and Done.
func TestSchedule(t *testing.T) {
	plan := testPlan(t, "sched", liveness.Blink, liveness.Shake, liveness.NearFar)
	sc := newSchedule(plan, 5, 0)
	if p := sc.At(500 * time.Millisecond); p.Phase != PhasePrecheck {
		t.Errorf("at 0.5 s: %v", p.Phase)
	}
	// The engine's light probe between the pre-check and the plan: black,
	// then white.
	if p := sc.At(sc.ProbeStart + time.Millisecond); p.Phase != PhasePrecheck || p.Screen != (liveness.Color{}) {
		t.Errorf("probe start: %+v", p)
	}
	if p := sc.At(sc.ProbeStart + engine.ProbeTime/2 + time.Millisecond); p.Phase != PhasePrecheck || p.Screen != liveness.Neutral {
		t.Errorf("probe's second half: %+v", p)
	}
	if sc.PlanStart != sc.ProbeStart+engine.ProbeTime {
		t.Errorf("plan starts at %v, the probe at %v", sc.PlanStart, sc.ProbeStart)
	}
	if p := sc.At(sc.PlanStart + plan.FlashStart - time.Millisecond); p.Phase != PhaseBaseline || p.Screen != liveness.Neutral {
		t.Errorf("before the flash: %v %v", p.Phase, p.Screen)
	}
	for _, fl := range plan.Flashes {
		if p := sc.At(sc.PlanStart + fl.Start + fl.Dur/2); p.Phase != PhaseFlash || p.Screen != fl.Color {
			t.Errorf("flash at %v: %v %v, want %v", fl.Start, p.Phase, p.Screen, fl.Color)
		}
	}
	at := sc.PlanStart + plan.ActionsStart
	for _, a := range plan.Actions {
		if p := sc.At(at); p.Phase != PhaseAction || p.Action != a {
			t.Errorf("at %v: %v %v, want %v", at, p.Phase, p.Action, a)
		}
		g := newGesture(5, 0, a, 0, at)
		if r := g.start - at; r < 350*time.Millisecond || r > time.Second {
			t.Errorf("%v: reaction time %v", a, r)
		}
		at = g.end() + actionGap
	}
	if p := sc.At(sc.End); p.Phase != PhaseDone || sc.End != at {
		t.Errorf("end: %v at %v, want done at %v", p.Phase, sc.End, at)
	}
}

func TestKindNames(t *testing.T) {
	for _, k := range Kinds {
		if got, ok := ParseKind(k.String()); !ok || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
	if _, ok := ParseKind("genuine"); ok {
		t.Error("ParseKind accepted an unknown name")
	}
}

// TestEmitted: driven by its schedule, a session's screen light is the
// plan's colour at the frame's time less the display lag, over the
// exposure: constant (and that colour) away from the colour changes.
func TestEmitted(t *testing.T) {
	_, subs := setup(t)
	plan := testPlan(t, "emitted", liveness.Blink)
	s, err := NewSession(Genuine, subs[:1], plan, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	sched := s.Schedule()
	checked := 0
	for _, tt := range span(0, sched.PlanStart+plan.ActionsStart, 30) {
		p := sched.At(tt)
		s.screens.show(tt, p.ScreenSince, p.Screen)
		shown := tt - sched.PlanStart - s.sc.lag
		if shown < exposure {
			continue // before the plan: the engine's light probe, not plan.ColorAt
		}
		a, b := plan.ColorAt(shown-exposure), plan.ColorAt(shown)
		if a != b || plan.ColorAt(shown-exposure/2) != a {
			continue // a change within the exposure
		}
		if got, want := s.screens.emitted(tt, s.sc.lag), screenLight(a); got != want {
			t.Errorf("at %v: emitted %v, want %v (%v)", tt, got, want, a)
		}
		checked++
	}
	if checked < 40 {
		t.Errorf("only %d frames away from colour changes", checked)
	}
}
