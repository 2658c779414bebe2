package bench

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/liveid/liveid/models/build"
)

// TestRun runs every stage once and checks that each produced timings and
// that liveid's detector found the hand-counted faces. The OCR stage reads
// two synthetic cards, one with -short.
func TestRun(t *testing.T) {
	if _, err := SamplePhotos(build.Home(), 0); err != nil {
		t.Skipf("sample photos not in the cache (run make setup): %v", err)
	}
	cards := 2
	if testing.Short() {
		cards = 1
	}
	rows, err := Run(context.Background(), Options{Home: build.Home(), Rounds: 1, Cards: cards}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	for _, r := range rows {
		stages = append(stages, r.Stage+"/"+r.Impl)
		if len(r.Times) == 0 || r.Quantile(0.5) <= 0 {
			t.Errorf("%s/%s: no timings", r.Stage, r.Impl)
		}
	}
	want := []string{"detect/liveid-blazeface", "track/liveid", "embed/faceres", "compare/faceres",
		"embed/faceapi_resnet", "embed/mobilefacenet", "ocr/liveid"}
	if len(stages) != len(want) {
		t.Fatalf("stages %v, want %v", stages, want)
	}
	for i := range want {
		if stages[i] != want[i] {
			t.Errorf("stage %d is %s, want %s", i, stages[i], want[i])
		}
	}
	if got := rows[0].Note; got != "boxes on the six photos [3 3 3 4 5 4] (hand count 3 3 3 4 5 4)" {
		t.Errorf("detect note %q", got)
	}
	// sample2's largest face is tilted 31°, past compare's pitch limit.
	if got := rows[2].Note; got != "align + embed the largest face of 5 photos" {
		t.Errorf("embed note %q", got)
	}
	if got, want := rows[6].Note, fmt.Sprintf("per synthetic card photo (a card found and read in %d of %d)", cards, cards); got != want {
		t.Errorf("ocr note %q", got)
	}
}
