package bench

import (
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"slices"
	"time"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/ocr"
	"github.com/liveid/liveid/ocr/synth"
)

// Options says what Run measures.
type Options struct {
	Home   string // model cache
	Rounds int    // timed runs per input after one warm-up
	Cards  int    // synthetic ID cards read by the OCR stage
	// Peers are timed next to liveid's detector on the same photos
	// (package bench/peers has OpenCV's Haar cascade and pigo); the caller
	// closes them.
	Peers []Detector
}

// Row is one stage's timings.
type Row struct {
	Stage, Impl string
	Times       []time.Duration
	Note        string
}

// Quantile is the q-quantile (0..1) of the row's times.
func (r *Row) Quantile(q float64) time.Duration {
	if len(r.Times) == 0 {
		return 0
	}
	t := slices.Clone(r.Times)
	slices.Sort(t)
	return t[int(q*float64(len(t)-1)+0.5)]
}

// phoneWidth is the long side of the frames the stages get, a phone's
// usual preview size.
const phoneWidth = 1280

// Run times every stage on the sample photos and synthetic cards and
// writes the table to w. infer must not have been started with another
// library than the cache's.
func Run(ctx context.Context, opt Options, w io.Writer) ([]Row, error) {
	if _, err := build.InitRuntime(opt.Home); err != nil {
		return nil, err
	}
	photos, err := SamplePhotos(opt.Home, phoneWidth)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for _, stage := range []func(context.Context, Options, []image.Image) ([]Row, error){
		detectRows, trackRows, compareRows, ocrRows,
	} {
		r, err := stage(ctx, opt, photos)
		if err != nil {
			return rows, err
		}
		rows = append(rows, r...)
	}
	fmt.Fprintf(w, "%-8s %-17s %6s %10s %10s  %s\n", "stage", "implementation", "runs", "median", "p90", "")
	for i := range rows {
		r := &rows[i]
		fmt.Fprintf(w, "%-8s %-17s %6d %10s %10s  %s\n", r.Stage, r.Impl, len(r.Times),
			r.Quantile(0.5).Round(10*time.Microsecond), r.Quantile(0.9).Round(10*time.Microsecond), r.Note)
	}
	return rows, nil
}

// SamplePhotos decodes face-api's six demo photos from the cache, scaled
// so that their long side is width pixels (0: as they are).
func SamplePhotos(home string, width int) ([]image.Image, error) {
	var out []image.Image
	for i := 1; i <= build.SamplePhotos; i++ {
		path, err := build.SamplePhoto(home, i)
		if err != nil {
			return nil, err
		}
		img, err := imaging.Open(path)
		if err != nil {
			return nil, fmt.Errorf("bench: %w (run make setup)", err)
		}
		if width > 0 {
			img = imaging.Fit(img, width, width, imaging.Linear)
		}
		out = append(out, img)
	}
	return out, nil
}

// timeEach runs f once untimed and then rounds times per input.
func timeEach(ctx context.Context, rounds, inputs int, f func(i int) error) ([]time.Duration, error) {
	var times []time.Duration
	for i := range inputs {
		if err := f(i); err != nil {
			return nil, err
		}
		for range rounds {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			t0 := time.Now()
			if err := f(i); err != nil {
				return nil, err
			}
			times = append(times, time.Since(t0))
		}
	}
	return times, nil
}

// detectRows times liveid's detector and the peers on the same photos; the
// note gives the faces each found (the photos hold 22) and, for a peer, its
// median against liveid's.
func detectRows(ctx context.Context, opt Options, photos []image.Image) ([]Row, error) {
	l, err := NewLiveID(build.ModelDir(opt.Home))
	if err != nil {
		return nil, err
	}
	defer l.Close()
	var rows []Row
	for _, d := range append([]Detector{l}, opt.Peers...) {
		found := make([]int, len(photos))
		times, err := timeEach(ctx, opt.Rounds, len(photos), func(i int) error {
			boxes, err := d.Detect(photos[i])
			found[i] = len(boxes)
			return err
		})
		if err != nil {
			return nil, err
		}
		note := fmt.Sprintf("boxes on the six photos %v (hand count 3 3 3 4 5 4)", found)
		rows = append(rows, Row{Stage: "detect", Impl: d.Name(), Times: times, Note: note})
	}
	for i := 1; i < len(rows); i++ {
		rows[i].Note += fmt.Sprintf("; %.1f× liveid's median", float64(rows[i].Quantile(0.5))/float64(rows[0].Quantile(0.5)))
	}
	return rows, nil
}

// compareRows times, per embedding model, alignment and embedding of the
// largest face of each photo, found beforehand by the tracker, then a whole Compare of two photos (both
// faces found, checked, aligned and embedded) with the default model.
// Photos whose largest face the limits refuse are left out.
func compareRows(ctx context.Context, opt Options, photos []image.Image) ([]Row, error) {
	dir := build.ModelDir(opt.Home)
	tr, err := face.NewTracker(dir, models.Options{}, face.DefaultConfig())
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	var frames []*imgproc.Frame
	var faces []face.Result
	var rows []Row
	for _, name := range compare.Models {
		c, err := compare.New(tr, compare.Options{Dir: dir, Model: name})
		if err != nil {
			return nil, err
		}
		if frames == nil {
			frames, faces = usableFaces(c, tr, photos)
		}
		times, err := timeEach(ctx, opt.Rounds, len(faces), func(i int) error {
			_, err := c.EmbedTracked(frames[i], &faces[i], compare.Photo)
			return err
		})
		note := fmt.Sprintf("align + embed the largest face of %d photos", len(faces))
		rows = append(rows, Row{Stage: "embed", Impl: name, Times: times, Note: note})
		if err == nil && name == compare.DefaultModel {
			times, err = timeEach(ctx, opt.Rounds, len(frames), func(i int) error {
				_, err := c.Compare(frames[i], frames[(i+1)%len(frames)], compare.Photo)
				return err
			})
			rows = append(rows, Row{Stage: "compare", Impl: name, Times: times, Note: "two photos: find, check, align and embed both, score"})
		}
		c.Close()
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// usableFaces are the photos whose largest face passes c's limits, as
// frames, and tr's results for those faces.
func usableFaces(c *compare.Comparer, tr *face.Tracker, photos []image.Image) ([]*imgproc.Frame, []face.Result) {
	var frames []*imgproc.Frame
	var faces []face.Result
	for _, p := range photos {
		f := imgproc.FromImage(p)
		var r face.Result
		if err := tr.Largest(f, &r); err != nil {
			continue
		}
		if _, err := c.LocateTracked(f, &r); err == nil {
			frames, faces = append(frames, f), append(faces, r)
		}
	}
	return frames, faces
}

// trackRows times the tracker in steady state (mesh and iris every frame, a
// detection every DetectEvery) on each photo delivered as a phone's NV21
// frame from a sensor turned 90°.
func trackRows(ctx context.Context, opt Options, photos []image.Image) ([]Row, error) {
	tr, err := face.NewTracker(build.ModelDir(opt.Home), models.Options{}, face.DefaultConfig())
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	frames := make([]*imgproc.Frame, len(photos))
	for i, p := range photos {
		if frames[i], err = imgproc.ToNV21(p, 90, false); err != nil {
			return nil, err
		}
	}
	var r face.Result
	n := 0
	times, err := timeEach(ctx, 3*opt.Rounds, len(frames), func(i int) error {
		n++
		frames[i].Timestamp = time.Duration(n) * time.Second / 30
		return tr.Process(frames[i], &r)
	})
	if err != nil {
		return nil, err
	}
	return []Row{{Stage: "track", Impl: "liveid", Times: times,
		Note: "per 1280-px NV21 frame: FaceMesh + iris every frame, BlazeFace every 10th"}}, nil
}

// ocrRows reads synthetic ID cards, once each.
func ocrRows(ctx context.Context, opt Options, _ []image.Image) ([]Row, error) {
	if opt.Cards <= 0 {
		return nil, nil
	}
	if _, err := os.Stat(synth.FontDir); err != nil {
		return nil, fmt.Errorf("bench: CJK fonts for the synthetic cards: %w (install fonts-noto-cjk)", err)
	}
	e, err := ocr.Open(build.ModelDir(opt.Home), models.Options{})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	g, err := synth.New(opt.Home)
	if err != nil {
		return nil, err
	}
	specs := synth.Set(opt.Cards, 1)
	samples := make([]*synth.Sample, len(specs))
	for i, s := range specs {
		samples[i] = g.Make(s)
	}
	read := make([]bool, len(samples))
	times, err := timeEach(ctx, 1, len(samples), func(i int) error {
		_, err := e.Read(ctx, samples[i].Image, samples[i].Want)
		read[i] = err == nil
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	n := 0
	for _, ok := range read {
		if ok {
			n++
		}
	}
	return []Row{{Stage: "ocr", Impl: "liveid", Times: times,
		Note: fmt.Sprintf("per synthetic card photo (a card found and read in %d of %d)", n, len(samples))}}, nil
}
