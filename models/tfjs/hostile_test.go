package tfjs

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestReadWeightsRefusesHostileManifests: each of these made the reader
// panic or read outside the model folder before; now each is an error.
func TestReadWeightsRefusesHostileManifests(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "w.bin"), make([]byte, 64), 0o644); err != nil {
		t.Fatal(err)
	}
	// A shard outside the model folder, reachable by "../" and by a link.
	outside := filepath.Join(t.TempDir(), "secret.bin")
	if err := os.WriteFile(outside, make([]byte, 4), 0o644); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(dir, outside)
	if err := os.Symlink(outside, filepath.Join(dir, "link.bin")); err != nil {
		t.Fatal(err)
	}
	f32 := func(shape ...int64) WeightSpec { return WeightSpec{Name: "w", Shape: shape, DType: "float32"} }
	quantInt := WeightSpec{Name: "w", Shape: []int64{4}, DType: "int32", Quantization: &Quantization{DType: "uint8", Scale: 1}}
	for _, c := range []struct {
		name  string
		paths []string
		spec  WeightSpec
		want  string
	}{
		{"negative dimension", []string{"w.bin"}, f32(3, -11), "negative dimension"},
		{"negative pair", []string{"w.bin"}, f32(-4, -4), "negative dimension"},
		{"overflowing product", []string{"w.bin"}, f32(1<<32, 1<<32, 1<<32), "more than"},
		{"huge product", []string{"w.bin"}, f32(1<<20, 1<<20), "more than"},
		{"int32 with uint8 quantization", []string{"w.bin"}, quantInt, "int32 stored as uint8"},
		{"NaN quantization min", []string{"w.bin"}, WeightSpec{Name: "w", Shape: []int64{4}, DType: "float32", Quantization: &Quantization{DType: "uint8", Min: math.NaN()}}, "quantization scale"},
		{"float32 'quantized' as int32", []string{"w.bin"}, WeightSpec{Name: "w", Shape: []int64{4}, DType: "float32", Quantization: &Quantization{DType: "int32"}}, "unsupported quantization"},
		{"../ path", []string{rel}, f32(1), "leaves the model folder"},
		{"absolute path", []string{outside}, f32(1), "leaves the model folder"},
		{"link out of the folder", []string{"link.bin"}, f32(1), "weights"},
	} {
		_, err := ReadWeights(dir, []WeightGroup{{Paths: c.paths, Weights: []WeightSpec{c.spec}}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one saying %q", c.name, err, c.want)
		}
	}
}

// FuzzReadGraph feeds arbitrary model.json and shard bytes to the reader:
// it may refuse them, never panic, and what it accepts has every weight's
// data as long as its shape says. The seed corpus holds the issue's
// crashes (testdata/fuzz/FuzzReadGraph).
func FuzzReadGraph(f *testing.F) {
	good, _ := json.Marshal(map[string]any{
		"format":          "graph-model",
		"modelTopology":   map[string]any{"node": []any{map[string]any{"name": "x", "op": "Placeholder"}}},
		"weightsManifest": []any{map[string]any{"paths": []string{"w.bin"}, "weights": []any{map[string]any{"name": "k", "shape": []int{2, 2}, "dtype": "float32"}}}},
	})
	f.Add(good, make([]byte, 16))
	f.Fuzz(func(t *testing.T, model, shard []byte) {
		fsys := fstest.MapFS{"m/model.json": {Data: model}, "m/w.bin": {Data: shard}, "secret.bin": {Data: []byte("xxxx")}}
		g, err := ReadGraph(fsys, "m/model.json")
		if err != nil {
			return
		}
		for name, w := range g.Weights {
			if n := Size(w.Shape); int64(len(w.Floats)+len(w.Ints)) != n {
				t.Fatalf("weight %s: shape %v, %d values", name, w.Shape, len(w.Floats)+len(w.Ints))
			}
		}
	})
}
