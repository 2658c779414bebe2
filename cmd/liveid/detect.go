package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// initRuntime loads the cached ONNX Runtime library and returns the
// manifest, the cache and its model directory.
func initRuntime() (m *models.Manifest, home, dir string, err error) {
	home = build.Home()
	m, err = build.InitRuntime(home)
	return m, home, build.ModelDir(home), err
}

// detect prints every face of each image with its box, score, pose and
// quality codes, and with -overlay draws what the engine saw.
func detect(ctx context.Context, e *env, args []string) error {
	fs := flags("detect")
	overlay := fs.String("overlay", "", "write IMAGE.png with boxes, keypoints and mesh into this folder")
	if err := parseN(fs, e, args, -1, "one or more images"); err != nil {
		return ignoreHelp(err)
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
	var failed []error
	for _, path := range fs.Args() {
		if err := detectOne(e, tr, path, *overlay); err != nil {
			fmt.Fprintf(e.stdout, "%s: error: %s\n", path, oneLine(err.Error()))
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d images failed: %w", len(failed), fs.NArg(), errors.Join(failed...))
	}
	return nil
}

func detectOne(e *env, tr *face.Tracker, path, overlay string) error {
	img, err := decodeImage(path)
	if err != nil {
		return err
	}
	results, err := tr.Faces(imgproc.FromImage(img), nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d face(s)\n", path, len(results))
	for i, r := range results {
		b, s := r.Detection.Box, r.Signals
		fmt.Fprintf(e.stdout, "  face %d: box %.0f,%.0f %.0fx%.0f score %.2f yaw %+.0f pitch %+.0f roll %+.0f quality %s\n",
			i+1, b.X, b.Y, b.W, b.H, r.Detection.Score, s.Yaw, s.Pitch, s.Roll, qualityString(r.Quality))
	}
	if overlay == "" {
		return nil
	}
	out := filepath.Join(overlay, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+".png")
	return writeOverlay(out, img, results)
}

func qualityString(q face.Quality) string {
	if q == 0 {
		return "ok"
	}
	return q.String()
}

// decodeImage reads a JPEG or PNG file within imgproc's default decode
// limits; nothing else is decoded, whatever decoders imaging registers.
func decodeImage(path string) (image.Image, error) {
	f, err := openImage(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := imgproc.Decode(f, imgproc.DefaultDecodeLimits)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable JPEG or PNG image: %w", path, err)
	}
	return img, nil
}

// openImage opens an image file, refusing a directory by name rather than
// by what reading it would say.
func openImage(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory, not a JPEG or PNG image", path)
	}
	return f, nil
}

// writeOverlay draws boxes (green), keypoints (red) and mesh points (cyan).
func writeOverlay(path string, img image.Image, results []face.Result) error {
	canvas := image.NewRGBA(img.Bounds())
	draw.Draw(canvas, canvas.Bounds(), img, img.Bounds().Min, draw.Src)
	for _, r := range results {
		if r.Found {
			for _, p := range r.Mesh.Points {
				dot(canvas, p.X, p.Y, 1, color.RGBA{0, 255, 255, 255})
			}
		}
		rect(canvas, r.Detection.Box, color.RGBA{0, 255, 0, 255})
		for _, k := range r.Detection.Keypoints {
			dot(canvas, k.X, k.Y, 4, color.RGBA{255, 0, 0, 255})
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, canvas); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func dot(img *image.RGBA, x, y float32, r int, c color.RGBA) {
	cx, cy := int(x), int(y)
	draw.Draw(img, image.Rect(cx-r, cy-r, cx+r+1, cy+r+1), image.NewUniform(c), image.Point{}, draw.Src)
}

func rect(img *image.RGBA, b imgproc.Rect, c color.RGBA) {
	x0, y0, x1, y1 := int(b.X), int(b.Y), int(b.X+b.W), int(b.Y+b.H)
	u := image.NewUniform(c)
	for _, r := range []image.Rectangle{
		image.Rect(x0, y0, x1, y0+3), image.Rect(x0, y1-3, x1, y1),
		image.Rect(x0, y0, x0+3, y1), image.Rect(x1-3, y0, x1, y1),
	} {
		draw.Draw(img, r, u, image.Point{}, draw.Src)
	}
}
