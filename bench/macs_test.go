package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/liveid/liveid/internal/onnxgraph"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// CountMACs on a graph whose count is worked out by hand: a 3×3 Conv of
// 4 → 8 channels with stride 2 on a dynamic 16×W input, a Reshape that
// hides the shape from static inference, and a MatMul by an 8×5 weight.
func TestCountMACsByHand(t *testing.T) {
	if _, err := build.InitRuntime(build.Home()); err != nil {
		t.Skipf("ONNX Runtime not in the cache (run make setup): %v", err)
	}
	b := onnxgraph.NewBuilder("macs")
	x := b.Input("x", []int64{1, 4, 16, -1})
	w := b.Floats("w", []int64{8, 4, 3, 3}, make([]float32, 8*4*9))
	conv := b.Op("Conv", "conv", []string{x, w}, onnxgraph.Ints("strides", 2, 2), onnxgraph.Ints("pads", 1, 1, 1, 1))
	tr := b.Op("Transpose", "tr", []string{conv}, onnxgraph.Ints("perm", 0, 2, 3, 1))
	flat := b.Op("Reshape", "flat", []string{tr, b.Int64s("shape", []int64{2}, []int64{-1, 8})})
	mm := b.Op("MatMul", "mm", []string{flat, b.Floats("m", []int64{8, 5}, make([]float32, 40))})
	b.Output(mm, []int64{-1, 5})
	data, err := b.Model("test").Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "macs.onnx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// W = 24: the conv's output is 8 × 8 × 12, each value 4·3·3 = 36 MACs;
	// the MatMul's 96 rows of 8 by 8×5: 96·5·8.
	const want = 8*8*12*36 + 96*5*8
	got, err := CountMACs(path, map[string][]int64{"x": {1, 4, 16, 24}})
	if err != nil || got != want {
		t.Errorf("CountMACs = %d, %v; want %d", got, err, want)
	}
}

// The real models count as their architectures say: BlazeFace's 189 M at
// 256², FaceMesh's 36 M at 192², and PP-OCR's detector growing with its
// input's area (a quarter of its MACs at half the width and height, within the
// borders' few per cent).
func TestCountMACsModels(t *testing.T) {
	home := build.Home()
	dir := build.ModelDir(home)
	if _, err := os.Stat(models.Path(dir, "ppocr_det")); err != nil {
		t.Skipf("models not in the cache (run make setup): %v", err)
	}
	if _, err := build.InitRuntime(home); err != nil {
		t.Fatal(err)
	}
	count := func(name string, shapes map[string][]int64) float64 {
		n, err := CountMACs(models.Path(dir, name), shapes)
		if err != nil {
			t.Fatal(err)
		}
		return float64(n) / 1e6
	}
	if m := count("blazeface", nil); m < 185 || m > 192 {
		t.Errorf("blazeface: %.1f M MACs, want about 189", m)
	}
	if m := count("facemesh", nil); m < 34 || m > 38 {
		t.Errorf("facemesh: %.1f M MACs, want about 36", m)
	}
	big, small := count("ppocr_det", map[string][]int64{"x": {1, 3, 448, 640}}), count("ppocr_det", map[string][]int64{"x": {1, 3, 224, 320}})
	if r := small / big; r < 0.24 || r > 0.26 {
		t.Errorf("ppocr_det: %.0f M at 640×448, %.0f M at 320×224 (ratio %.3f, want 0.25)", big, small, r)
	}
}
