package face

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg"
	"math"
	"os"
	"sync"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

var shared struct {
	once    sync.Once
	tracker *Tracker
	err     error
	skip    string
	samples map[int]*image.RGBA
	mu      sync.Mutex
}

// tracker returns the package's shared Tracker (reset), skipping the test
// when `make setup` has not filled the cache.
func tracker(tb testing.TB) *Tracker {
	tb.Helper()
	shared.once.Do(func() {
		home := build.Home()
		dir := build.ModelDir(home)
		for _, p := range []string{models.Path(dir, DetectorModel), models.Path(dir, MeshModel), models.Path(dir, IrisModel), samplePath(1)} {
			if _, err := os.Stat(p); err != nil {
				shared.skip = fmt.Sprintf("model cache not set up (run make setup): %v", err)
				return
			}
		}
		if _, shared.err = build.InitRuntime(home); shared.err != nil {
			return
		}
		shared.tracker, shared.err = NewTracker(dir, models.Options{}, DefaultConfig())
	})
	if shared.skip != "" {
		tb.Skip(shared.skip)
	}
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	shared.tracker.Reset()
	shared.tracker.cfg = DefaultConfig()
	return shared.tracker
}

func samplePath(i int) string {
	p, _ := build.SamplePhoto(build.Home(), i)
	return p
}

// sample decodes face-api's demo photo i (1..6) once.
func sample(tb testing.TB, i int) *image.RGBA {
	tb.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if img, ok := shared.samples[i]; ok {
		return img
	}
	fh, err := os.Open(samplePath(i))
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	img, _, err := image.Decode(fh)
	if err != nil {
		tb.Fatal(err)
	}
	if shared.samples == nil {
		shared.samples = map[int]*image.RGBA{}
	}
	shared.samples[i] = toRGBA(img)
	return shared.samples[i]
}

func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// crop copies r of img; parts of r outside img are black.
func crop(img *image.RGBA, r image.Rectangle) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := range r.Dy() {
		for x := range r.Dx() {
			if p := (image.Point{r.Min.X + x, r.Min.Y + y}); p.In(img.Rect) {
				out.SetRGBA(x, y, img.RGBAAt(p.X, p.Y))
			}
		}
	}
	return out
}

// resize scales img to w×h by area averaging (downscaling) or bilinear
// interpolation (upscaling).
func resize(img *image.RGBA, w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	sx, sy := float64(img.Rect.Dx())/float64(w), float64(img.Rect.Dy())/float64(h)
	for y := range h {
		for x := range w {
			var acc [3]float64
			n := 0.0
			// Sample a grid of points inside the source footprint.
			steps := max(1, int(math.Ceil(max(sx, sy))))
			for j := range steps {
				for i := range steps {
					fx := (float64(x) + (float64(i)+0.5)/float64(steps)) * sx
					fy := (float64(y) + (float64(j)+0.5)/float64(steps)) * sy
					c := bilinear(img, fx-0.5, fy-0.5)
					for k := range acc {
						acc[k] += c[k]
					}
					n++
				}
			}
			out.SetRGBA(x, y, color.RGBA{byte(acc[0]/n + 0.5), byte(acc[1]/n + 0.5), byte(acc[2]/n + 0.5), 255})
		}
	}
	return out
}

func bilinear(img *image.RGBA, x, y float64) [3]float64 {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	x, y = min(max(x, 0), float64(w-1)), min(max(y, 0), float64(h-1))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	fx, fy := x-float64(x0), y-float64(y0)
	var out [3]float64
	for k := range out {
		at := func(px, py int) float64 { return float64(img.Pix[py*img.Stride+4*px+k]) }
		out[k] = (at(x0, y0)*(1-fx)+at(x1, y0)*fx)*(1-fy) + (at(x0, y1)*(1-fx)+at(x1, y1)*fx)*fy
	}
	return out
}

// tone maps every channel value v to gain*v + offset, clipped to 0..255.
func tone(img *image.RGBA, gain, offset float64) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	for i, v := range img.Pix {
		if i%4 == 3 {
			out.Pix[i] = 255
			continue
		}
		out.Pix[i] = byte(min(max(gain*float64(v)+offset, 0), 255) + 0.5)
	}
	return out
}

// blur is a Gaussian blur of standard deviation sigma pixels.
func blur(img *image.RGBA, sigma float64) *image.RGBA {
	b := imaging.Blur(img, sigma) // opaque, so its NRGBA bytes are RGBA bytes
	return &image.RGBA{Pix: b.Pix, Stride: b.Stride, Rect: b.Rect}
}

// frame wraps an image as an upright RGBA frame.
func frame(img image.Image) *imgproc.Frame { return imgproc.FromImage(img) }

func rect(x, y, w, h float32) imgproc.Rect { return imgproc.Rect{X: x, Y: y, W: w, H: h} }
