package compare_test

import (
	"testing"

	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/models/build"
)

// BenchmarkLocate is face detection, mesh and iris on one 1.6-face-wide
// crop: the part of Embed that every model shares.
func BenchmarkLocate(b *testing.B) {
	c := comparer(b)
	f := frame(faceCrops(b, c, 3)[0])
	for b.Loop() {
		if _, err := c.Locate(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAlignEmbed is alignment (the similarity warp) and one
// embedding per face, for each model, one intra-op thread: EmbedTracked on
// a face the tracker has found.
func BenchmarkAlignEmbed(b *testing.B) {
	f := frame(faceCrops(b, comparer(b), 3)[0])
	var r face.Result
	if err := tracker(b).Largest(f, &r); err != nil || !r.Found {
		b.Fatalf("no face: %v", err)
	}
	for _, name := range compare.Models {
		b.Run(name, func(b *testing.B) {
			m, err := compare.New(tracker(b), compare.Options{Dir: build.ModelDir(build.Home()), Model: name, Threads: 1})
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			for b.Loop() {
				if _, err := m.EmbedTracked(f, &r, compare.Photo); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
