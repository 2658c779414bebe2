package liveness

import (
	"errors"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
)

// trackerResult is a face.Result as the tracker fills it, with random
// landmarks over the box (280, 380)–(470, 620).
func trackerResult() *face.Result {
	rng := rand.New(rand.NewPCG(3, 4))
	r := &face.Result{Found: true, TrackID: 7, Faces: 1}
	for i := range r.Mesh.Points {
		r.Mesh.Points[i] = face.Point3{X: 290 + 170*rng.Float32(), Y: 390 + 220*rng.Float32(), Z: 20 * rng.Float32()}
	}
	r.Signals = face.Signals{Yaw: 3, Pitch: -4, Roll: 5, RightEye: 0.3, LeftEye: 0.28, Mouth: 0.05,
		Box: imgproc.Rect{X: 280, Y: 380, W: 190, H: 240}}
	return r
}

// skinFrame is a 720×960 upright view of one flat colour, laid out as a
// front camera delivers it (turned, mirrored): every region measures it.
func skinFrame(t *testing.T, c color.RGBA) *imgproc.Frame {
	img := image.NewRGBA(image.Rect(0, 0, 720, 960))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	f, err := imgproc.ToFrame(img, imgproc.RGBA, 270, true)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFill(t *testing.T) {
	r, f := trackerResult(), skinFrame(t, color.RGBA{200, 150, 100, 255})
	var o Observation
	if err := o.Fill(r, f, 1234*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if o.T != 1234*time.Millisecond || o.TrackID != 7 || o.Faces != 1 || o.FrameW != 720 || o.FrameH != 960 ||
		o.Box != r.Signals.Box || o.Yaw != 3 || o.Pitch != -4 || o.Roll != 5 ||
		o.EyeOpen != [2]float32{0.3, 0.28} || o.MouthOpen != 0.05 || len(o.Landmarks) != MeshPoints {
		t.Fatalf("filled %+v", o)
	}
	for i, p := range r.Mesh.Points {
		if o.Landmarks[i] != [3]float32{p.X, p.Y, p.Z} {
			t.Fatalf("landmark %d: %v, mesh %v", i, o.Landmarks[i], p)
		}
	}
	want := Color{200, 150, 100}.Linear()
	for reg, c := range o.Regions {
		for k := range c {
			if math.Abs(float64(c[k])-want[k]) > 1e-6 {
				t.Errorf("%v channel %d: %.6f, want %.6f", Region(reg), k, c[k], want[k])
			}
		}
	}
	// No tracked face: nothing but the time and the frame.
	lost := &face.Result{Faces: 2}
	if err := o.Fill(lost, f, 2*time.Second); err != nil || o.Faces != 0 || len(o.Landmarks) != 0 || o.hasRegions() || o.TrackID != 0 || o.FrameW != 720 {
		t.Errorf("no face: %+v, %v", o, err)
	}
	// A face whose patches are all off the frame is seen, its regions not
	// measured.
	off := trackerResult()
	for i := range off.Mesh.Points {
		off.Mesh.Points[i].X += 2000
	}
	if err := o.Fill(off, f, 3*time.Second); err != nil || o.Faces != 1 || o.hasRegions() {
		t.Errorf("face off the frame: regions %v, %v", o.Regions, err)
	}
	if err := (&Observation{}).MeasureRegions(f); !errors.Is(err, ErrNoLandmarks) {
		t.Errorf("no landmarks: %v", err)
	}
}

// Refilling one Observation every frame allocates nothing.
func TestFillDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	r, f := trackerResult(), skinFrame(t, color.RGBA{90, 60, 40, 255})
	var o Observation
	fill := func() {
		if err := o.Fill(r, f, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	fill()
	if n := testing.AllocsPerRun(20, fill); n != 0 {
		t.Errorf("Fill: %v allocations a frame", n)
	}
}
