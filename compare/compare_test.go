package compare_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

var shared struct {
	once sync.Once
	tr   *face.Tracker
	c    *compare.Comparer
	err  error
	skip string
}

// comparer is the package's shared default Comparer, skipping the test
// when `make setup` has not filled the cache.
func comparer(tb testing.TB) *compare.Comparer {
	tb.Helper()
	open(tb)
	return shared.c
}

// tracker is the shared Comparer's tracker.
func tracker(tb testing.TB) *face.Tracker {
	tb.Helper()
	open(tb)
	return shared.tr
}

func open(tb testing.TB) {
	tb.Helper()
	shared.once.Do(func() {
		home := build.Home()
		p, _ := build.SamplePhoto(home, 1)
		if _, err := os.Stat(p); err != nil {
			shared.skip = fmt.Sprintf("model cache not set up (run make setup): %v", err)
			return
		}
		if _, shared.err = build.InitRuntime(home); shared.err != nil {
			return
		}
		dir := build.ModelDir(home)
		if shared.tr, shared.err = face.NewTracker(dir, models.Options{}, face.DefaultConfig()); shared.err != nil {
			return
		}
		shared.c, shared.err = compare.New(shared.tr, compare.Options{Dir: dir})
	})
	if shared.skip != "" {
		tb.Skip(shared.skip)
	}
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
}

func sample(tb testing.TB, i int) image.Image {
	tb.Helper()
	p, err := build.SamplePhoto(build.Home(), i)
	if err != nil {
		tb.Fatal(err)
	}
	img, err := imaging.Open(p)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// faceCrops cuts each face of sample photo i, 1.6 face boxes wide.
func faceCrops(tb testing.TB, c *compare.Comparer, i int) []image.Image {
	tb.Helper()
	img := sample(tb, i)
	var out []image.Image
	for _, b := range boxes(tb, img) {
		side := int(1.6 * max(b.W, b.H))
		cx, cy := int(b.X+b.W/2), int(b.Y+b.H/2)
		out = append(out, imaging.Crop(img, image.Rect(cx-side/2, cy-side/2, cx+side/2, cy+side/2)))
	}
	return out
}

func boxes(tb testing.TB, img image.Image) []imgproc.Rect {
	tb.Helper()
	rs, err := tracker(tb).Faces(imgproc.FromImage(img), nil)
	if err != nil {
		tb.Fatal(err)
	}
	var bs []imgproc.Rect
	for _, r := range rs {
		if r.Found {
			bs = append(bs, r.Signals.Box)
		}
	}
	return bs
}

func frame(img image.Image) *imgproc.Frame { return imgproc.FromImage(img) }

func recompress(tb testing.TB, img image.Image, q int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		tb.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// A face against a half-size, JPEG-50 copy of itself is the easiest
// genuine pair: the evaluation accepts 98–100% of such pairs at FAR 1e-3
// and these faces are frontal and sharp.
func TestCompareGenuineCopy(t *testing.T) {
	c := comparer(t)
	for i, crop := range faceCrops(t, c, 3) {
		b := crop.Bounds()
		copy := recompress(t, imaging.Resize(crop, b.Dx()/2, 0, imaging.Linear), 50)
		r, err := c.Compare(frame(crop), frame(copy), compare.Photo)
		if err != nil {
			t.Fatalf("face %d: %v", i, err)
		}
		t.Logf("face %d: score %.1f (cosine %.3f)", i, r.Score, r.Similarity)
		if !r.Pass || r.Score < 70 {
			t.Errorf("face %d: score %.1f (cosine %.3f), pass %v; want a pass above the FAR 1e-4 threshold 70", i, r.Score, r.Similarity, r.Pass)
		}
		if len(r.Thresholds) != 3 || r.Thresholds[1].FAR != 1e-3 || r.Thresholds[1].Score != 60 {
			t.Errorf("thresholds %v", r.Thresholds)
		}
	}
}

// Faces side by side in one photo are different people: none may pass.
func TestCompareImpostors(t *testing.T) {
	c := comparer(t)
	var scores []float32
	for _, photo := range []int{3, 4, 6} {
		crops := faceCrops(t, c, photo)
		for i := range crops {
			for j := i + 1; j < len(crops); j++ {
				r, err := c.Compare(frame(crops[i]), frame(crops[j]), compare.Photo)
				if err != nil {
					t.Fatalf("sample%d faces %d, %d: %v", photo, i, j, err)
				}
				if r.Pass {
					t.Errorf("sample%d faces %d and %d pass with score %.1f (cosine %.3f)", photo, i, j, r.Score, r.Similarity)
				}
				scores = append(scores, r.Score)
				t.Logf("sample%d faces %d, %d: score %.1f (cosine %.3f)", photo, i, j, r.Score, r.Similarity)
			}
		}
	}
	if len(scores) < 10 {
		t.Fatalf("only %d impostor pairs", len(scores))
	}
	var mean float32
	for _, s := range scores {
		mean += s / float32(len(scores))
	}
	// The impostor median scores 25 by construction of the calibration.
	if mean > 40 {
		t.Errorf("mean impostor score %.1f, want ≤ 40", mean)
	}
}

// Compare uses the largest face of a group photo, as vendors' CompareFaces does.
func TestCompareLargestFace(t *testing.T) {
	c := comparer(t)
	img := sample(t, 6)
	bs := boxes(t, img)
	big := 0
	for i, b := range bs {
		if b.W*b.H > bs[big].W*bs[big].H {
			big = i
		}
	}
	crops := faceCrops(t, c, 6)
	r, err := c.Compare(frame(img), frame(crops[big]), compare.Photo)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Pass || r.A.Faces != len(bs) || r.B.Faces != 1 {
		t.Errorf("group photo vs its largest face: pass %v score %.1f, faces %d and %d (want %d and 1)", r.Pass, r.Score, r.A.Faces, r.B.Faces, len(bs))
	}
}

// An ID-card portrait is small, framed tight, grey and screened; it must
// still be found (on the margined copy) and match its live face.
func TestCompareIDPortrait(t *testing.T) {
	c := comparer(t)
	crops := faceCrops(t, c, 4)
	for i, crop := range crops {
		b := crop.Bounds()
		// The crop is 1.6 face widths square; its full height at the
		// portrait's 102:126 puts the face at ~77% of the width, tighter
		// than a card's ~62%, and there is no background to spare.
		w := b.Dx() * 102 / 126
		p := imaging.Crop(crop, image.Rect(b.Dx()/2-w/2, 0, b.Dx()/2+w/2, b.Dy()))
		p = imaging.AdjustContrast(imaging.Grayscale(imaging.Resize(p, 102, 126, imaging.Lanczos)), -25)
		r, err := c.Compare(frame(crop), frame(recompress(t, p, 70)), compare.IDPortrait)
		if err != nil {
			t.Fatalf("face %d: %v", i, err)
		}
		t.Logf("face %d against its portrait: score %.1f (cosine %.3f), eyes %.1f px", i, r.Score, r.Similarity, r.B.EyeDistance)
		if !r.Pass {
			t.Errorf("face %d against its portrait: score %.1f (cosine %.3f), no pass", i, r.Score, r.Similarity)
		}
		if r.B.EyeDistance < 20 || r.B.EyeDistance > 40 {
			t.Errorf("face %d: portrait eye distance %.1f px, want 20–40 (0.3–0.5 of a 79-px face)", i, r.B.EyeDistance)
		}
	}
}

func TestCompareErrors(t *testing.T) {
	c := comparer(t)
	crop := faceCrops(t, c, 3)[0]
	blank := imaging.New(400, 400, color.NRGBA{128, 128, 128, 255})
	fb := crop.Bounds()
	tiny := imaging.Resize(crop, fb.Dx()/12, 0, imaging.Box) // eyes ≈ 10 px apart
	blurred := imaging.Blur(crop, float64(fb.Dx())/40)
	for _, tc := range []struct {
		name string
		b    image.Image
		want error
	}{
		{"blank", blank, compare.ErrNoFace},
		{"tiny", tiny, compare.ErrTooSmall},
		{"blurred", blurred, compare.ErrTooBlurred},
	} {
		_, err := c.Compare(frame(crop), frame(tc.b), compare.Photo)
		fe, ok := errors.AsType[*compare.FaceError](err)
		if !errors.Is(err, tc.want) || !ok || fe.Image != "b" {
			t.Errorf("%s: %v, want %v in image b", tc.name, err, tc.want)
		}
	}
	bad := &imgproc.Frame{Width: 640, Height: 480, Format: imgproc.NV21}
	if _, err := c.Compare(bad, frame(crop), compare.Photo); err == nil {
		t.Error("a frame without planes compared")
	} else if _, ok := errors.AsType[*imgproc.FrameError](err); !ok {
		t.Errorf("bad frame: %v, want an *imgproc.FrameError", err)
	}
}

// The five points must be where a face has them: eyes level above the
// nose, the nose above the mouth corners, eyes about 40% of the face apart.
func TestFivePoints(t *testing.T) {
	c := comparer(t)
	for i, crop := range faceCrops(t, c, 3) {
		f, err := c.Locate(frame(crop))
		if err != nil {
			t.Fatal(err)
		}
		p := f.Points
		eyeY := (p[0].Y + p[1].Y) / 2
		mouthY := (p[3].Y + p[4].Y) / 2
		if !(p[0].X < p[1].X && p[3].X < p[4].X && eyeY < p[2].Y && p[2].Y < mouthY) {
			t.Errorf("face %d: points out of order: %v", i, p)
		}
		if r := f.EyeDistance / f.Box.W; r < 0.3 || r > 0.5 {
			t.Errorf("face %d: eye distance %.0f is %.2f of the face width", i, f.EyeDistance, r)
		}
	}
}

// A located Face keeps its own copy of the aligned face: a camera that
// reuses the frame's buffer for the next frame must not change what is
// embedded.
func TestFaceOwnsItsPixels(t *testing.T) {
	c := comparer(t)
	crop := faceCrops(t, c, 3)[0]
	want, err := c.Embed(frame(crop), compare.Photo)
	if err != nil {
		t.Fatal(err)
	}
	f := frame(crop)
	fc, err := c.Locate(f)
	if err != nil {
		t.Fatal(err)
	}
	clear(f.Planes[0]) // the buffer now holds a black frame
	got, err := c.EmbedFace(fc, compare.Photo)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Vector, want.Vector) {
		s, _ := compare.Similarity(got.Embedding, want.Embedding)
		t.Errorf("embedding changed with the frame's buffer: cosine %.6f to the intact frame's", s)
	}
}

// A face the caller's tracker follows embeds without a detection of its
// own and matches the same face found on the still; comparing stills in
// between does not disturb the track.
func TestEmbedTracked(t *testing.T) {
	c, tr := comparer(t), tracker(t)
	crop := faceCrops(t, c, 3)[0]
	still, err := c.Embed(frame(crop), compare.Photo)
	if err != nil {
		t.Fatal(err)
	}
	tr.Reset()
	defer tr.Reset()
	var r face.Result
	var f *imgproc.Frame
	for i := range 5 {
		f = frame(crop)
		f.Timestamp = time.Duration(i) * time.Second / 30
		if err := tr.Process(f, &r); err != nil {
			t.Fatal(err)
		}
	}
	if !r.Found {
		t.Fatal("the tracker lost the face")
	}
	live, err := c.EmbedTracked(f, &r, compare.Photo)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Match(live, still)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tracked against still: score %.1f (cosine %.3f)", m.Score, m.Similarity)
	// The same pixels: only the smoothed mesh and the tracked ROI differ.
	if !m.Pass || m.Score < 70 {
		t.Errorf("tracked face against its still: score %.1f (cosine %.3f), pass %v; want a pass above 70", m.Score, m.Similarity, m.Pass)
	}
	id := r.TrackID
	if _, err := c.Compare(frame(crop), frame(crop), compare.Photo); err != nil {
		t.Fatal(err)
	}
	f = frame(crop)
	f.Timestamp = 5 * time.Second / 30
	if err := tr.Process(f, &r); err != nil {
		t.Fatal(err)
	}
	if !r.Found || r.NewTrack || r.TrackID != id {
		t.Errorf("after Compare: found %v, new track %v, id %d (was %d)", r.Found, r.NewTrack, r.TrackID, id)
	}
	if _, err := c.EmbedTracked(f, &face.Result{}, compare.Photo); !errors.Is(err, compare.ErrNoFace) {
		t.Errorf("a result without a face: %v, want ErrNoFace", err)
	}
}

// A Face is aligned for the model of the comparer that located it: a
// comparer of another model, like any comparer given a refused or empty
// Face, refuses to embed it. Closing that comparer leaves the shared
// tracker working.
func TestEmbedFaceMismatch(t *testing.T) {
	c := comparer(t)
	crop := faceCrops(t, c, 3)[0]
	fc, err := c.Locate(frame(crop))
	if err != nil {
		t.Fatal(err)
	}
	small, err := c.Locate(frame(imaging.Resize(crop, crop.Bounds().Dx()/12, 0, imaging.Box)))
	if !errors.Is(err, compare.ErrTooSmall) {
		t.Fatalf("tiny face: %v, want ErrTooSmall", err)
	}
	other, err := compare.New(tracker(t), compare.Options{Dir: build.ModelDir(build.Home()), Model: compare.FaceAPI})
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]compare.Face{"faceres face": fc, "refused face": small, "zero Face": {}} {
		if _, err := other.EmbedFace(f, compare.Photo); !errors.Is(err, compare.ErrMismatch) {
			t.Errorf("%s embedded by faceapi_resnet: %v, want ErrMismatch", name, err)
		}
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Embed(frame(crop), compare.Photo); err != nil {
		t.Errorf("after closing another comparer on the tracker: %v", err)
	}
}
