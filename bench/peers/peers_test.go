package peers_test

import (
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/liveid/liveid/bench"
	"github.com/liveid/liveid/bench/peers"
	"github.com/liveid/liveid/models/build"
)

// samples loads face-api's demo photos at full size, by file name.
func samples(tb testing.TB) map[string]image.Image {
	tb.Helper()
	photos, err := bench.SamplePhotos(build.Home(), 0)
	if err != nil {
		tb.Skipf("sample photos not in the cache (run make setup): %v", err)
	}
	imgs := map[string]image.Image{}
	for i, p := range photos {
		imgs[fmt.Sprintf("sample%d.jpg", i+1)] = p
	}
	return imgs
}

// handBoxes reads the hand-checked faces of the demo photos.
func handBoxes(tb testing.TB) map[string][]image.Rectangle {
	raw, err := os.ReadFile(filepath.Join("..", "..", "face", "testdata", "sample_faces.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Photos map[string]struct{ Boxes [][4]int }
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	out := map[string][]image.Rectangle{}
	for name, p := range doc.Photos {
		for _, b := range p.Boxes {
			out[name] = append(out[name], image.Rect(b[0], b[1], b[0]+b[2], b[1]+b[3]))
		}
	}
	return out
}

// matchIoU is loose because the detectors' boxes differ in shape (Haar's
// and pigo's squares include forehead and hair); 0.3 still rejects a box on
// another face.
const matchIoU = 0.3

func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	i := float64(in.Dx() * in.Dy())
	return i / float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()-in.Dx()*in.Dy())
}

// score counts hand faces some box matches and boxes matching no face.
func score(truth, boxes []image.Rectangle) (hits, false int) {
	for _, t := range truth {
		for _, b := range boxes {
			if iou(t, b) >= matchIoU {
				hits++
				break
			}
		}
	}
	for _, b := range boxes {
		if !slices.ContainsFunc(truth, func(t image.Rectangle) bool { return iou(t, b) >= matchIoU }) {
			false++
		}
	}
	return hits, false
}

// TestDetectorsAgainstHandCount reports each detector's recall and false
// boxes on the 22 hand-checked faces, and holds liveid to finding them all
// with no false box (the peers' figures are reported, not asserted). With
// -short the peers only run on the first photo.
func TestDetectorsAgainstHandCount(t *testing.T) {
	imgs, truth := samples(t), handBoxes(t)
	for _, d := range detectors(t) {
		names := slices.Sorted(maps.Keys(imgs))
		if testing.Short() && d.Name() != "liveid-blazeface" {
			names = names[:1]
		}
		total, hits, falses := 0, 0, 0
		for _, name := range names {
			boxes, err := d.Detect(imgs[name])
			if err != nil {
				t.Fatal(err)
			}
			h, f := score(truth[name], boxes)
			total, hits, falses = total+len(truth[name]), hits+h, falses+f
		}
		t.Logf("%-17s found %2d of %d faces, %2d false boxes", d.Name(), hits, total, falses)
		if d.Name() == "liveid-blazeface" && (hits != total || falses != 0) {
			t.Errorf("liveid found %d of %d faces with %d false boxes", hits, total, falses)
		}
		d.Close()
	}
}

// detectors opens liveid's detector and its peers.
func detectors(tb testing.TB) []bench.Detector {
	tb.Helper()
	home := build.Home()
	if _, err := build.InitRuntime(home); err != nil {
		tb.Fatal(err)
	}
	l, err := bench.NewLiveID(build.ModelDir(home))
	if err != nil {
		tb.Fatal(err)
	}
	ps, err := peers.Open("")
	if err != nil {
		tb.Fatal(err)
	}
	return append([]bench.Detector{l}, ps...)
}

// BenchmarkDetect times each detector per photo and reports how many boxes
// it returned.
func BenchmarkDetect(b *testing.B) {
	imgs := samples(b)
	for _, d := range detectors(b) {
		for _, name := range slices.Sorted(maps.Keys(imgs)) {
			b.Run(d.Name()+"/"+name, func(b *testing.B) {
				var n int
				for b.Loop() {
					boxes, err := d.Detect(imgs[name])
					if err != nil {
						b.Fatal(err)
					}
					n = len(boxes)
				}
				b.ReportMetric(float64(n), "faces")
			})
		}
		d.Close()
	}
}
