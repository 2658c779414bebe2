package tfjs

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHalfToFloat(t *testing.T) {
	for _, c := range []struct {
		h    uint16
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x3555, 0.33325195},
		{0x0400, 6.1035156e-05}, {0x0001, 5.9604645e-08}, {0x8000, float32(math.Copysign(0, -1))},
		{0x7c00, float32(math.Inf(1))},
	} {
		if got := halfToFloat(c.h); got != c.want || math.Signbit(float64(got)) != math.Signbit(float64(c.want)) {
			t.Errorf("halfToFloat(%#04x) = %g, want %g", c.h, got, c.want)
		}
	}
}

func TestReadWeightsDequantizes(t *testing.T) {
	dir := t.TempDir()
	// uint8 q=[0,2,255] with scale 0.5, min -1; float16 [1, -2]; int32 [7].
	data := []byte{0, 2, 255, 0x00, 0x3c, 0x00, 0xc0, 7, 0, 0, 0}
	if err := os.WriteFile(filepath.Join(dir, "w.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	specs := []WeightSpec{{Name: "q", Shape: []int64{3}, DType: "float32"}, {Name: "h", Shape: []int64{2}, DType: "float32"}, {Name: "i", Shape: []int64{1}, DType: "int32"}}
	specs[0].Quantization = &Quantization{"uint8", 0.5, -1}
	specs[1].Quantization = &Quantization{DType: "float16"}
	w, err := ReadWeights(dir, []WeightGroup{{Paths: []string{"w.bin"}, Weights: specs}})
	if err != nil {
		t.Fatal(err)
	}
	if q := w["q"].Floats; q[0] != -1 || q[1] != 0 || q[2] != 126.5 {
		t.Errorf("uint8 dequantised to %v", q)
	}
	if h := w["h"].Floats; h[0] != 1 || h[1] != -2 {
		t.Errorf("float16 decoded to %v", h)
	}
	if i := w["i"].Ints; i[0] != 7 {
		t.Errorf("int32 decoded to %v", i)
	}
	// One byte short: a truncated shard must be an error, not garbage.
	os.WriteFile(filepath.Join(dir, "w.bin"), data[:len(data)-1], 0o644)
	if _, err := ReadWeights(dir, []WeightGroup{{Paths: []string{"w.bin"}, Weights: specs}}); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated shard: err = %v", err)
	}
}

func TestSpatialMatchesTF(t *testing.T) {
	for _, c := range []struct {
		mode             string
		in, k, s, d      int64
		before, after, o int64
	}{
		{"SAME", 256, 5, 2, 1, 1, 2, 128}, // TF puts the odd pixel after
		{"SAME", 255, 3, 2, 1, 1, 1, 128},
		{"SAME", 16, 3, 1, 1, 1, 1, 16},
		{"SAME", 16, 3, 1, 2, 2, 2, 16},
		{"VALID", 150, 7, 2, 1, 0, 0, 72},
		{"VALID", 35, 3, 2, 1, 0, 0, 17},
	} {
		b, a, o, err := spatial(c.mode, c.in, c.k, c.s, c.d, 0, 0)
		if err != nil || b != c.before || a != c.after || o != c.o {
			t.Errorf("%+v: got %d,%d,%d,%v", c, b, a, o, err)
		}
	}
}

func TestConvertRejectsUnknownOp(t *testing.T) {
	var g Graph
	err := json.Unmarshal([]byte(`{"Nodes": [
		{"name": "x", "op": "Placeholder", "attr": {"shape": {"shape": {"dim": [{"size": "1"}, {"size": "4"}]}}}},
		{"name": "y", "op": "Erf", "input": ["x"]}]}`), &g)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Convert(&g, "t")
	if err == nil || !strings.Contains(err.Error(), "unsupported op Erf") {
		t.Fatalf("err = %v, want one naming op Erf", err)
	}
}
