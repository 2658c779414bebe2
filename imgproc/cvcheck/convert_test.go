package cvcheck

import (
	"testing"

	"github.com/liveid/liveid/imgproc"
	"gocv.io/x/gocv"
)

func whole(f *imgproc.Frame) imgproc.Rect {
	return imgproc.Rect{W: float32(f.Width), H: float32(f.Height)}
}

// TestYUVVideoRange: with the same 20-bit coefficients, NV21, NV12 and I420
// conversion matches cv::cvtColor exactly (±1 is the requirement).
func TestYUVVideoRange(t *testing.T) {
	for _, format := range []imgproc.Format{imgproc.NV21, imgproc.NV12, imgproc.I420} {
		for i, f := range testFrames(t, format) {
			src := cvYUV(t, f)
			rgb := gocv.NewMat()
			gocv.CvtColor(src, &rgb, code[format])
			maxd, _ := diffStats(cropResize(t, f, whole(f), f.Width, f.Height), bytesOf(t, rgb), nil)
			src.Close()
			rgb.Close()
			if maxd > 0 {
				t.Errorf("%v frame %d: max |diff| %v, want 0", format, i, maxd)
			}
		}
	}
}

// TestYUVFullRange: OpenCV has no full-range 4:2:0 conversion; its
// YCrCb→RGB is full-range BT.601 (JFIF) with 14-bit coefficients rounded
// to 1.403/0.714/0.344/1.773, so we feed it the chroma upsampled by repeat.
func TestYUVFullRange(t *testing.T) {
	for i, f := range testFrames(t, imgproc.NV21) {
		f.VideoRange = false
		ycc := make([]byte, 0, 3*f.Width*f.Height)
		for y := range f.Height {
			for x := range f.Width {
				c := f.Planes[1][y/2*f.Strides[1]+x&^1:]
				ycc = append(ycc, f.Planes[0][y*f.Strides[0]+x], c[0], c[1]) // Y, Cr=V, Cb=U
			}
		}
		src := cvMat(t, f.Height, f.Width, gocv.MatTypeCV8UC3, ycc)
		rgb := gocv.NewMat()
		gocv.CvtColor(src, &rgb, gocv.ColorYCrCbToRGB)
		maxd, _ := diffStats(cropResize(t, f, whole(f), f.Width, f.Height), bytesOf(t, rgb), nil)
		src.Close()
		rgb.Close()
		if maxd > 1 {
			t.Errorf("frame %d: max |diff| %v > 1", i, maxd)
		}
	}
}

func TestBGRA(t *testing.T) {
	buf := randomBytes(4*640*480, 5)
	bgra := &imgproc.Frame{Width: 640, Height: 480, Format: imgproc.BGRA, Planes: [3][]byte{buf}, Strides: [3]int{4 * 640}}
	src := cvMat(t, 480, 640, gocv.MatTypeCV8UC4, buf)
	defer src.Close()
	rgb := gocv.NewMat()
	defer rgb.Close()
	gocv.CvtColor(src, &rgb, gocv.ColorRGBAToBGR) // the same swap as COLOR_BGRA2RGB
	if maxd, _ := diffStats(cropResize(t, bgra, whole(bgra), 640, 480), bytesOf(t, rgb), nil); maxd != 0 {
		t.Errorf("BGRA: max |diff| %v, want 0", maxd)
	}
}
