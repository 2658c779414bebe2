package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/compare/eval"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// compareFaces scores the largest face of one image against another's.
func compareFaces(ctx context.Context, e *env, args []string) error {
	fs := flags("compare")
	model := fs.String("model", compare.DefaultModel, "embedding model: "+strings.Join(compare.Models, ", "))
	far := fs.Float64("far", 1e-3, "false-accept rate the pass decision is made at: 0.01, 0.001 or 0.0001")
	ref := fs.String("ref", "photo", "what IMAGE_B is: photo or id-portrait (an ID card's portrait)")
	if err := parseN(fs, e, args, 2, "IMAGE_A IMAGE_B"); err != nil {
		return ignoreHelp(err)
	}
	kind, ok := map[string]compare.Reference{"photo": compare.Photo, "id-portrait": compare.IDPortrait}[*ref]
	if !ok {
		return usagef("compare: -ref %q: want photo or id-portrait", *ref)
	}
	var frames [2]*imgproc.Frame
	for i := range frames {
		img, err := decodeImage(fs.Arg(i))
		if err != nil {
			return err
		}
		frames[i] = imgproc.FromImage(img)
	}
	_, _, dir, err := initRuntime()
	if err != nil {
		return err
	}
	tr, err := face.NewTracker(dir, models.Options{}, face.DefaultConfig())
	if err != nil {
		return err
	}
	defer tr.Close()
	c, err := compare.New(tr, compare.Options{Dir: dir, Model: *model, FAR: *far})
	if err != nil {
		return err
	}
	defer c.Close()
	r, err := c.Compare(frames[0], frames[1], kind)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "score       %.1f  (cosine %.3f, %s)\n", r.Score, r.Similarity, c.Model())
	for _, t := range r.Thresholds {
		fmt.Fprintf(e.stdout, "threshold   %.1f  at FAR %g\n", t.Score, t.FAR)
	}
	verdict := "no match"
	if r.Pass {
		verdict = "match"
	}
	fmt.Fprintf(e.stdout, "decision    %s at FAR %g\n", verdict, r.FAR)
	for i, f := range []compare.Face{r.A, r.B} {
		fmt.Fprintf(e.stdout, "face %c      box %.0f,%.0f %.0f×%.0f, %d in image, eyes %.0f px apart, yaw %.0f° pitch %.0f°\n",
			'a'+i, f.Box.X, f.Box.Y, f.Box.W, f.Box.H, f.Faces, f.EyeDistance, f.Yaw, f.Pitch)
	}
	return nil
}

// evalCompare runs the face-comparison evaluation and draws its charts.
func evalCompare(ctx context.Context, e *env, args []string) error {
	fs := flags("eval compare")
	only := fs.String("models", "", "comma-separated models to measure (default: all)")
	out := fs.String("out", "out/compare", "directory for the ROC and histogram PNGs")
	if err := parse(fs, e, args); err != nil {
		return ignoreHelp(err)
	}
	var names []string
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	rep, err := eval.Run(ctx, eval.Options{Home: build.Home(), Models: names})
	if err != nil {
		return err
	}
	if err := rep.Write(e.stdout); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := rep.WritePlots(*out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\ncharts in %s\n", *out)
	return nil
}
