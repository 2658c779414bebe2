package face

import (
	"fmt"
	"testing"
	"time"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// phoneSample is sample i as a 1280-wide NV21 frame from a back camera
// (sensor turned 90°), the size a phone previews at.
func phoneSample(tb testing.TB, i int) *imgproc.Frame {
	img := sample(tb, i)
	h := img.Rect.Dy() * 1280 / img.Rect.Dx()
	f, err := imgproc.ToNV21(resize(img, 1280, h), 90, false)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func BenchmarkDetect(b *testing.B) {
	tr := tracker(b)
	for i := 1; i <= 6; i++ {
		f := phoneSample(b, i)
		b.Run(fmt.Sprintf("sample%d", i), func(b *testing.B) {
			dets, err := tr.det.Detect(f, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				dets, _ = tr.det.Detect(f, dets)
			}
			b.ReportMetric(float64(len(dets)), "faces")
		})
	}
}

// BenchmarkMesh times one FaceMesh run (with and without iris refinement)
// on the first face of each sample.
func BenchmarkMesh(b *testing.B) {
	tr := tracker(b)
	meshOnly, err := NewLandmarker(build.ModelDir(build.Home()), models.Options{}, false)
	if err != nil {
		b.Fatal(err)
	}
	defer meshOnly.Close()
	for i := 1; i <= 6; i++ {
		f := phoneSample(b, i)
		dets, err := tr.det.Detect(f, nil)
		if err != nil || len(dets) == 0 {
			b.Fatal("no face", err)
		}
		roi := ROIFromDetection(dets[0])
		for _, l := range []struct {
			name string
			lm   *Landmarker
		}{{"iris", tr.lm}, {"meshonly", meshOnly}} {
			b.Run(fmt.Sprintf("sample%d/%s", i, l.name), func(b *testing.B) {
				var m Mesh
				b.ReportAllocs()
				for b.Loop() {
					if err := l.lm.Run(f, roi, &m); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkTrack is the steady state: Process on successive frames of one
// view, a detection every DetectEvery frames included.
func BenchmarkTrack(b *testing.B) {
	tr := tracker(b)
	for i := 1; i <= 6; i++ {
		f := phoneSample(b, i)
		b.Run(fmt.Sprintf("sample%d", i), func(b *testing.B) {
			tr.Reset()
			var r Result
			ts := time.Duration(0)
			for range 3 { // start the track
				ts += time.Second / 30
				f.Timestamp = ts
				if err := tr.Process(f, &r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				ts += time.Second / 30
				f.Timestamp = ts
				if err := tr.Process(f, &r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
