package build_test

import (
	"math"
	"testing"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// TestInt8OnFaces compares the float and int8 face embedder (faceres) on
// the faces the float detector finds in all six sample photos, cropped as
// a square of 1.2× the detected box: the identity feature's cosine to the
// float one is what compare's decisions rest on. The manifest may choose
// the int8 variant only if every face keeps a cosine of 0.99 to the float
// feature (an error well under the spread of one person's own photos). It
// builds faceres's int8 variant, so -short skips it.
func TestInt8OnFaces(t *testing.T) {
	if testing.Short() {
		t.Skip("builds faceres int8 (about 5 s)")
	}
	home := build.Home()
	m, err := build.InitRuntime(home)
	if err != nil {
		t.Skip(err)
	}
	det, err := face.NewDetector(build.ModelDir(home), models.Options{Threads: 1}, face.DefaultConfig())
	if err != nil {
		t.Skip(err)
	}
	defer det.Close()
	md, err := m.Model("faceres")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := build.InputSpec(md)
	if err != nil {
		t.Fatal(err)
	}
	var crops [][]float32
	for i := 1; i <= build.SamplePhotos; i++ {
		f, err := build.SamplePhotoFrame(home, i)
		if err != nil {
			t.Fatal(err)
		}
		dets, err := det.Detect(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dets {
			s := 1.2 * max(d.Box.W, d.Box.H)
			r := imgproc.Rect{X: d.Box.X + d.Box.W/2 - s/2, Y: d.Box.Y + d.Box.H/2 - s/2, W: s, H: s}
			dst := make([]float32, spec.Len())
			if err := imgproc.CropResize(f, r, spec, dst); err != nil {
				t.Fatal(err)
			}
			crops = append(crops, dst)
		}
	}
	if len(crops) == 0 {
		t.Fatal("no faces found in the sample photos")
	}
	fp, err := build.Build(home, m, md)
	if err != nil {
		t.Fatal(err)
	}
	q, err := build.BuildInt8(home, m, md)
	if err != nil {
		t.Fatal(err)
	}
	outs := []string{"global_pooling/Mean"}
	a, err := build.RunAll(fp, md, outs, crops)
	if err != nil {
		t.Fatal(err)
	}
	b, err := build.RunAll(q, md, outs, crops)
	if err != nil {
		t.Fatal(err)
	}
	low, sum := 1.0, 0.0
	for i := range a {
		c := cosine(a[i][0], b[i][0])
		low = math.Min(low, c)
		sum += c
	}
	t.Logf("faceres int8 vs fp32 on %d detected faces: identity cosine mean %.4f, lowest %.4f", len(crops), sum/float64(len(crops)), low)
	if md.Variant == "int8" && low < 0.99 {
		t.Errorf("the manifest chooses faceres int8, whose identity feature falls to cosine %.4f of the float one (want >= 0.99)", low)
	}
}

func cosine(x, y []float32) float64 {
	var d, nx, ny float64
	for i := range x {
		d += float64(x[i]) * float64(y[i])
		nx += float64(x[i]) * float64(x[i])
		ny += float64(y[i]) * float64(y[i])
	}
	return d / math.Sqrt(nx*ny)
}
