package face

import (
	"image"
	"math"
	"testing"
	"time"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
)

// view renders a w×h camera view of img in which the point (fx, fy) of img
// lands at (px, py), magnified by scale and turned by angle radians.
func view(img *image.RGBA, fx, fy, px, py, scale, angle float64, w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(angle)
	ou, ov := (px-float64(w)/2)/scale, (py-float64(h)/2)/scale
	cx, cy := fx-(cos*ou-sin*ov), fy-(sin*ou+cos*ov)
	for v := range h {
		for u := range w {
			du, dv := (float64(u)+0.5-float64(w)/2)/scale, (float64(v)+0.5-float64(h)/2)/scale
			x, y := cx+cos*du-sin*dv, cy+sin*du+cos*dv
			c := bilinear(img, x-0.5, y-0.5)
			o := v*out.Stride + 4*u
			out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = byte(c[0]+0.5), byte(c[1]+0.5), byte(c[2]+0.5), 255
		}
	}
	return out
}

// phone delivers an upright view as a front camera would: NV21, sensor
// turned 270°, mirrored.
func phone(t *testing.T, img *image.RGBA, ts time.Duration) *imgproc.Frame {
	f, err := imgproc.ToNV21(img, 270, true)
	if err != nil {
		t.Fatal(err)
	}
	f.Timestamp = ts
	return f
}

func TestTrackingKeepsAndChangesID(t *testing.T) {
	tr := tracker(t)
	a, b := sample(t, 3), sample(t, 6)
	const w, h, n = 360, 480, 40
	var r Result
	var id uint64
	frameTime := time.Second / 30
	// Face A (sample3, left) drifts 60 px, grows by a fifth and turns 12°
	// over 40 frames (1.3 s) in the lower half of the view: a user settling
	// in front of the camera.
	for i := range n {
		p := float64(i) / (n - 1)
		img := view(a, 691, 489, 150+60*p, 330-20*p, 0.55+0.11*p, p*12*math.Pi/180, w, h)
		if err := tr.Process(phone(t, img, time.Duration(i)*frameTime), &r); err != nil {
			t.Fatal(err)
		}
		if !r.Found {
			t.Fatalf("frame %d: face A lost (%v)", i, r.Quality)
		}
		if i == 0 {
			id = r.TrackID
			if !r.NewTrack || !r.Detected {
				t.Errorf("frame 0: NewTrack %v Detected %v, want both", r.NewTrack, r.Detected)
			}
		} else if r.TrackID != id || r.NewTrack {
			t.Fatalf("frame %d: track %d (new %v), want %d kept", i, r.TrackID, r.NewTrack, id)
		}
		if r.Faces != 1 || r.Quality&(MultipleFaces|MovingTooMuch|NoFace) != 0 {
			t.Errorf("frame %d: %d faces, %v", i, r.Faces, r.Quality)
		}
	}
	// Face B (sample6, right) takes over in the upper half: the track must
	// change.
	for i := range 5 {
		img := view(b, 1587, 436, 180, 110, 0.5, 0, w, h)
		if err := tr.Process(phone(t, img, time.Duration(n+i)*frameTime), &r); err != nil {
			t.Fatal(err)
		}
		if !r.Found {
			t.Fatalf("face B frame %d: not found (%v)", i, r.Quality)
		}
		if i == 0 && (!r.NewTrack || r.TrackID == id) {
			t.Fatalf("face B: track %d (new %v), want a new track after %d", r.TrackID, r.NewTrack, id)
		}
		if i > 0 && (r.NewTrack || r.TrackID != id+1) {
			t.Fatalf("face B frame %d: track %d (new %v), want %d kept", i, r.TrackID, r.NewTrack, id+1)
		}
	}
	// An empty frame ends the track.
	blank := image.NewRGBA(image.Rect(0, 0, w, h))
	if err := tr.Process(phone(t, blank, time.Duration(n+5)*frameTime), &r); err != nil {
		t.Fatal(err)
	}
	if r.Found || r.Quality != NoFace || r.TrackID != 0 {
		t.Errorf("blank frame: found %v track %d %v, want NoFace", r.Found, r.TrackID, r.Quality)
	}
}

// A face swept sideways at about five face widths per second (the limit is 1) must be told to
// hold still; the same face at rest must not.
func TestMovingTooMuch(t *testing.T) {
	tr := tracker(t)
	a := sample(t, 3)
	const w, h = 360, 480
	frameTime := time.Second / 30
	var r Result
	moving := 0
	for i := range 16 {
		x := 120.0
		if i >= 6 {
			x += 20 * float64(i-5) // the face is ~120 px wide
		}
		img := view(a, 691, 489, x, 300, 0.55, 0, w, h)
		if err := tr.Process(phone(t, img, time.Duration(i)*frameTime), &r); err != nil {
			t.Fatal(err)
		}
		if !r.Found {
			t.Fatalf("frame %d: face lost (%v)", i, r.Quality)
		}
		switch {
		case i < 6 && r.Quality&MovingTooMuch != 0:
			t.Errorf("frame %d at rest: %v", i, r.Quality)
		case i >= 9 && r.Quality&MovingTooMuch != 0:
			moving++
		}
		t.Logf("frame %d: speed %.2f widths/s %v", i, r.Signals.Speed, r.Quality)
	}
	if moving != 7 {
		t.Errorf("MovingTooMuch in %d of the last 7 moving frames, want all", moving)
	}
}

// Largest is Faces' result for the largest detection, at a fraction of
// the mesh runs.
func TestLargestIsFacesLargest(t *testing.T) {
	tr := tracker(t)
	for i := 1; i <= 6; i++ {
		f := frame(sample(t, i))
		all, err := tr.Faces(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		big := 0
		for j, r := range all {
			if r.Detection.Box.W*r.Detection.Box.H > all[big].Detection.Box.W*all[big].Detection.Box.H {
				big = j
			}
		}
		var r Result
		if err := tr.Largest(f, &r); err != nil {
			t.Fatal(err)
		}
		if !r.Found || r.Faces != len(all) || r.Signals.Box != all[big].Signals.Box {
			t.Errorf("sample%d: Largest found %v, %d faces, box %v; Faces' largest %v of %d", i, r.Found, r.Faces, r.Signals.Box, all[big].Signals.Box, len(all))
		}
	}
	var r Result
	if err := tr.Largest(frame(image.NewRGBA(image.Rect(0, 0, 320, 240))), &r); err != nil || r.Found || r.Faces != 0 {
		t.Errorf("black frame: found %v, %d faces, %v", r.Found, r.Faces, err)
	}
}

// With SetIrisEvery(4) the iris model runs on one frame in four, and the
// frames between carry the last measured eyes onto the moving face: their
// eye ratios stay within 0.03 of measuring every frame (open eyes measure
// 0.25–0.37, the closed limit is 0.15), and FivePoints keeps its irises.
func TestIrisCadence(t *testing.T) {
	tr := tracker(t)
	defer tr.SetIrisEvery(1)
	a := sample(t, 3)
	const w, h, n = 360, 480, 24
	frameTime := time.Second / 30
	run := func(every int) (eyes [n][2]float32, irisRuns int64) {
		tr.Reset()
		tr.SetIrisEvery(every)
		before := models.Usage()
		var r Result
		for i := range n {
			p := float64(i) / (n - 1)
			img := view(a, 691, 489, 150+40*p, 300, 0.55+0.08*p, p*8*math.Pi/180, w, h)
			if err := tr.Process(phone(t, img, time.Duration(i)*frameTime), &r); err != nil {
				t.Fatal(err)
			}
			if !r.Found || r.Mesh.Iris[0][0] == (Point3{}) {
				t.Fatalf("every %d, frame %d: found %v, iris %v", every, i, r.Found, r.Mesh.Iris[0][0])
			}
			eyes[i] = [2]float32{r.Signals.RightEye, r.Signals.LeftEye}
		}
		return eyes, models.UsageSince(before)[IrisModel].Runs
	}
	all, allRuns := run(1)
	some, someRuns := run(4)
	if allRuns != n || someRuns != n/4 {
		t.Errorf("iris ran %d times every frame, %d one frame in four; want %d and %d", allRuns, someRuns, n, n/4)
	}
	for i := range n {
		for e := range 2 {
			if d := math.Abs(float64(all[i][e] - some[i][e])); d > 0.03 {
				t.Errorf("frame %d eye %d: ratio %.3f measured, %.3f carried", i, e, all[i][e], some[i][e])
			}
		}
	}
}
