package cvcheck

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	_ "image/jpeg"

	"github.com/liveid/liveid/imgproc"
	"gocv.io/x/gocv"
)

// packed returns the frame's planes back to back, the layout OpenCV expects
// for 4:2:0 images; frames from yuvFrame and ToFrame have tight strides.
func packed(f *imgproc.Frame) []byte {
	var b []byte
	for _, p := range f.Planes {
		b = append(b, p...)
	}
	return b
}

// yuvFrame is a w×h 4:2:0 frame of random bytes, which reach every YUV
// triple including out-of-gamut ones.
func yuvFrame(w, h int, format imgproc.Format, seed uint64) *imgproc.Frame {
	buf := randomBytes(w*h*3/2, seed)
	f := &imgproc.Frame{Width: w, Height: h, Format: format, VideoRange: true}
	n := w * h
	f.Planes[0], f.Strides[0] = buf[:n], w
	if format == imgproc.I420 {
		f.Planes[1], f.Planes[2] = buf[n:n+n/4], buf[n+n/4:]
		f.Strides[1], f.Strides[2] = w/2, w/2
	} else {
		f.Planes[1], f.Strides[1] = buf[n:], w
	}
	return f
}

func randomBytes(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 3))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// cvMat wraps bytes as a Mat; the caller closes it.
func cvMat(t testing.TB, rows, cols int, mt gocv.MatType, b []byte) gocv.Mat {
	t.Helper()
	m, err := gocv.NewMatFromBytes(rows, cols, mt, b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// cvYUV is the frame as OpenCV's single-channel 4:2:0 Mat.
func cvYUV(t testing.TB, f *imgproc.Frame) gocv.Mat {
	return cvMat(t, f.Height*3/2, f.Width, gocv.MatTypeCV8U, packed(f))
}

var code = map[imgproc.Format]gocv.ColorConversionCode{
	imgproc.NV21: gocv.ColorYUVToRGBNV21,
	imgproc.NV12: gocv.ColorYUVToRGBNV12,
	imgproc.I420: gocv.ColorYUVToRGBIYUV,
}

// unit is a tensor of raw 0..255 values in interleaved RGB, like a CV_8UC3 Mat.
func unit(w, h int) imgproc.TensorSpec {
	return imgproc.TensorSpec{Width: w, Height: h, Std: [3]float32{1, 1, 1}}
}

func cropResize(t testing.TB, f *imgproc.Frame, r imgproc.Rect, w, h int) []float32 {
	t.Helper()
	dst := make([]float32, 3*w*h)
	if err := imgproc.CropResize(f, r, unit(w, h), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func bytesOf(t testing.TB, m gocv.Mat) []byte {
	t.Helper()
	b, err := m.DataPtrUint8()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// diffStats compares our values with OpenCV's bytes where keep allows (nil:
// everywhere): the largest and the mean |diff|.
func diffStats(ours []float32, cv []byte, keep func(i int) bool) (maxd, mean float64) {
	n := 0
	for i, v := range cv {
		if keep != nil && !keep(i) {
			continue
		}
		d := math.Abs(float64(ours[i]) - float64(v))
		maxd = max(maxd, d)
		mean += d
		n++
	}
	return maxd, mean / float64(max(n, 1))
}

// synthRGB is a deterministic test scene: colour gradients, 16-pixel checks
// and luma noise.
func synthRGB(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 4))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			n := rng.IntN(41) - 20
			p := img.Pix[y*img.Stride+4*x:]
			p[0] = clamp(255*x/(w-1) + n)
			p[1] = clamp(255*y/(h-1) + n)
			p[2] = clamp(78 + 100*((x/16+y/16)%2) + n)
			p[3] = 255
		}
	}
	return img
}

func clamp(v int) byte { return byte(min(max(v, 0), 255)) }

// photos are the face-api demo photos `make setup` fetches.
func photos(t testing.TB) []image.Image {
	home := os.Getenv("LIVEID_HOME") // the model cache, as models/build.Home finds it
	if home == "" {
		home = filepath.Join("..", "..", "..", ".cache")
	}
	dir := filepath.Join(home, "pkg", "@vladmandic", "face-api@1.7.15", "demo")
	var imgs []image.Image
	for i := 1; i <= 6; i++ {
		fh, err := os.Open(filepath.Join(dir, fmt.Sprintf("sample%d.jpg", i)))
		if err != nil {
			t.Logf("skipping the sample photos, synthetic frames only: %v (make setup fetches them)", err)
			return nil
		}
		img, _, err := image.Decode(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	return imgs
}

// testFrames are random, synthetic and photo frames in format, in video
// range so that OpenCV's cvtColor applies.
func testFrames(t testing.TB, format imgproc.Format) []*imgproc.Frame {
	frames := []*imgproc.Frame{yuvFrame(1280, 720, format, 1), yuvFrame(98, 62, format, 2)}
	for _, img := range append([]image.Image{synthRGB(640, 480, 3)}, photos(t)...) {
		f, err := imgproc.ToFrame(img, format, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		f.VideoRange = true
		frames = append(frames, f)
	}
	return frames
}
