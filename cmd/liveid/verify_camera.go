//go:build !nogocv

package main

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"runtime"
	"time"

	"gocv.io/x/gocv"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/imgproc"
)

// cameraNote: this build reads videos and cameras.
const cameraNote = ""

// capture reads frames through OpenCV's VideoCapture, from a video file
// or a camera. OpenCV decodes to BGR, which imgproc has no format for: one
// conversion into a reused RGB Mat, whose pixels the frame then points at
// without a copy.
type capture struct {
	vc       *gocv.VideoCapture
	name     string
	bgr, rgb gocv.Mat
	frame    imgproc.Frame
	// stamp is the timestamp of the frame just read.
	stamp func() time.Duration
	// last is the previous frame's timestamp.
	last time.Duration
	n    int
	// camera: a failed read is an error, not the end of a file.
	camera bool
	win    *guideWindow // nil unless -show
}

// openVideo reads a video file; each frame's time is its position in the
// container.
func openVideo(path string) (frameSource, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("verify: -video: %w", err)
	}
	vc, err := gocv.VideoCaptureFile(path)
	if err != nil {
		return nil, fmt.Errorf("verify: -video %s: OpenCV cannot read it as a video", path)
	}
	c := newCapture(vc, path)
	c.stamp = func() time.Duration {
		return time.Duration(vc.Get(gocv.VideoCapturePosMsec) * float64(time.Millisecond))
	}
	return c, nil
}

// openWebcam reads camera device; each frame's time is when it arrived,
// on the monotonic clock. With show a window shows the guidance.
func openWebcam(device int, show bool) (frameSource, error) {
	if show && runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil, fmt.Errorf("verify: -show: no display (DISPLAY and WAYLAND_DISPLAY are unset)")
	}
	vc, err := gocv.VideoCaptureDevice(device)
	if err != nil {
		return nil, fmt.Errorf("verify: -webcam %d: OpenCV cannot open the camera", device)
	}
	// Frames queued while the engine works would reach it late, under
	// a screen colour that has changed since: keep only the newest.
	vc.Set(gocv.VideoCaptureBufferSize, 1)
	c := newCapture(vc, fmt.Sprintf("camera %d", device))
	c.camera = true
	start := time.Now()
	c.stamp = func() time.Duration { return time.Since(start) }
	if show {
		c.win = newGuideWindow()
	}
	return c, nil
}

func newCapture(vc *gocv.VideoCapture, name string) *capture {
	return &capture{vc: vc, name: name, bgr: gocv.NewMat(), rgb: gocv.NewMat()}
}

func (c *capture) next() (*imgproc.Frame, error) {
	if !c.vc.Read(&c.bgr) || c.bgr.Empty() {
		if c.camera {
			return nil, fmt.Errorf("verify: %s delivered no frame", c.name)
		}
		return nil, nil
	}
	ts := c.stamp()
	if c.n > 0 && ts <= c.last {
		return nil, fmt.Errorf("verify: %s: frame %d at %v, not after the previous one at %v", c.name, c.n, ts, c.last)
	}
	c.n++
	c.last = ts
	if c.bgr.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("verify: %s: frame %d is not 8-bit BGR (OpenCV type %v)", c.name, c.n, c.bgr.Type())
	}
	gocv.CvtColor(c.bgr, &c.rgb, gocv.ColorBGRToRGB)
	px, err := c.rgb.DataPtrUint8()
	if err != nil {
		return nil, err
	}
	c.frame = imgproc.Frame{Width: c.rgb.Cols(), Height: c.rgb.Rows(), Format: imgproc.RGB,
		Planes: [3][]byte{px}, Strides: [3]int{c.rgb.Step()}, Timestamp: ts}
	return &c.frame, nil
}

// show draws the guidance for the frame just read, when there is a window.
func (c *capture) show(g *engine.Guidance) bool {
	if c.win == nil {
		return false
	}
	return c.win.show(g, c.bgr)
}

func (c *capture) close() error {
	if c.win != nil {
		c.win.close()
	}
	c.bgr.Close()
	c.rgb.Close()
	return c.vc.Close()
}

// guideWindow is the screen of a phone running the session: filled with
// the colour the guidance asks for, which is what lights the face for the
// reflection check, with the prompt and a small mirrored preview.
type guideWindow struct {
	w               *gocv.Window
	canvas, preview gocv.Mat
}

// The canvas is a landscape screen; the preview a quarter of its width.
const (
	canvasW, canvasH = 1280, 720
	previewW         = canvasW / 4
)

func newGuideWindow() *guideWindow {
	w := gocv.NewWindow("liveid verify")
	w.SetWindowProperty(gocv.WindowPropertyFullscreen, gocv.WindowFullscreen)
	return &guideWindow{w: w, canvas: gocv.NewMatWithSize(canvasH, canvasW, gocv.MatTypeCV8UC3), preview: gocv.NewMat()}
}

// show draws g over the camera frame bgr and reports whether the person
// quit (q or Esc).
func (gw *guideWindow) show(g *engine.Guidance, bgr gocv.Mat) bool {
	c := g.Screen
	gw.canvas.SetTo(gocv.NewScalar(float64(c.B), float64(c.G), float64(c.R), 0))
	ink := color.RGBA{255, 255, 255, 255}
	if 299*int(c.R)+587*int(c.G)+114*int(c.B) > 128*1000 {
		ink = color.RGBA{0, 0, 0, 255}
	}
	gocv.PutText(&gw.canvas, displayText(g), image.Pt(40, 80), gocv.FontHersheySimplex, 1.4, ink, 3)
	gocv.PutText(&gw.canvas, fmt.Sprintf("%s  %.0f%%", g.Phase, 100*g.Progress), image.Pt(40, 140), gocv.FontHersheySimplex, 1, ink, 2)
	gocv.Rectangle(&gw.canvas, image.Rect(40, canvasH-60, 40+int(float32(canvasW-80)*g.Progress), canvasH-40), ink, -1)
	if h := bgr.Rows() * previewW / max(bgr.Cols(), 1); h > 0 && h < canvasH-120 {
		gocv.Flip(bgr, &gw.preview, 1) // a selfie view: the person moves as in a mirror
		roi := gw.canvas.Region(image.Rect(canvasW-previewW-40, 180, canvasW-40, 180+h))
		gocv.Resize(gw.preview, &roi, image.Pt(previewW, h), 0, 0, gocv.InterpolationArea)
		roi.Close()
	}
	gw.w.IMShow(gw.canvas)
	k := gw.w.WaitKey(1)
	return k == 'q' || k == 27
}

// displayText is the message, or the prompt code when the message needs
// glyphs beyond ASCII, which OpenCV's Hershey fonts do not have.
func displayText(g *engine.Guidance) string {
	for _, r := range g.Message {
		if r > 0x7e {
			return g.Prompt
		}
	}
	return g.Message
}

func (gw *guideWindow) close() {
	gw.w.Close()
	gw.canvas.Close()
	gw.preview.Close()
}
