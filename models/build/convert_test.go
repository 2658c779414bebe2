package build_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/liveid/liveid/internal/infer"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/models/tfjs"
)

// reference is what models/testdata/tfjs-reference/gen.mjs recorded from
// the original TFJS model run by @tensorflow/tfjs on its CPU backend.
type reference struct {
	Input struct {
		Shape []int64 `json:"shape"`
		Seed  uint32  `json:"seed"`
		Lo    float64 `json:"lo"`
		Hi    float64 `json:"hi"`
	} `json:"input"`
	Outputs []struct {
		Name      string  `json:"name"`
		Signature string  `json:"signature"`
		Shape     []int64 `json:"shape"`
		File      string  `json:"file"`
	} `json:"outputs"`
}

// cache returns the manifest and cache root, skipping when setup has not
// fetched the packages.
func cache(t *testing.T) (*models.Manifest, string) {
	t.Helper()
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	home := build.Home()
	lib, err := build.RuntimeLibrary(home, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lib); err != nil {
		t.Skipf("model cache not set up (run make setup): %v", err)
	}
	if err := infer.Init(lib); err != nil {
		t.Fatal(err)
	}
	return m, home
}

// lcgInput regenerates gen.mjs's input: a 32-bit LCG giving [0,1) values
// mapped onto [lo,hi], in row-major NHWC order.
func lcgInput(shape []int64, seed uint32, lo, hi float64) []float32 {
	out := make([]float32, tfjs.Size(shape))
	state := seed
	for i := range out {
		state = state*1664525 + 1013904223
		out[i] = float32(lo + (hi-lo)*float64(state>>8)/16777216)
	}
	return out
}

// normalise applies the manifest's per-channel (x-mean)/std to NHWC data,
// as an engine stage feeding the model would.
func normalise(in models.Input, data []float32) {
	c := len(in.Mean)
	for i := range data {
		data[i] = (data[i] - in.Mean[i%c]) / in.Std[i%c]
	}
}

func readF32(t *testing.T, path string) []float32 {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

// TestConvertedModelsMatchTFJS runs each freshly converted model under ONNX
// Runtime and compares every output with the TFJS original. Tolerance:
// 1e-4 absolute, widened to 1e-5 of the output's largest magnitude for
// outputs in pixel units (landmarks up to ~200): float32 sums over ~100
// layers of 10³-term dot products, done in a different order by ORT's and
// tfjs's kernels, differ by a few ulp of the largest values. Measured worst
// case: 1.2e-4 on facemesh's mesh (max 161), 7e-5 on blazeface's scores.
func TestConvertedModelsMatchTFJS(t *testing.T) {
	m, home := cache(t)
	for _, md := range m.Models {
		if md.Kind == "onnx" {
			continue
		}
		t.Run(md.Name, func(t *testing.T) {
			var ref reference
			raw, err := os.ReadFile(filepath.Join("testdata", "reference", md.Name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &ref); err != nil {
				t.Fatal(err)
			}
			b, err := build.Build(home, m, &md)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), md.Name+".onnx")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := infer.Open(path, infer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			input := lcgInput(ref.Input.Shape, ref.Input.Seed, ref.Input.Lo, ref.Input.Hi)
			if md.Kind == "faceapi-resnet" { // its reference starts from pixels
				normalise(md.Input, input)
			}
			names := s.OutputNames()
			outs := make([][]float32, len(names))
			want := make([][]float32, len(names))
			for _, o := range ref.Outputs {
				name := o.Name
				if o.Signature != "" {
					name = o.Signature
				}
				i := slices.Index(names, strings.TrimSuffix(name, ":0"))
				if i < 0 {
					t.Fatalf("converted model has no output %q (has %v)", name, names)
				}
				want[i] = readF32(t, filepath.Join("testdata", "reference", o.File))
				outs[i] = make([]float32, len(want[i]))
			}
			if err := s.Run([][]float32{input}, outs); err != nil {
				t.Fatal(err)
			}
			for i, name := range names {
				maxAbs, maxDiff := 0.0, 0.0
				for j, w := range want[i] {
					maxAbs = math.Max(maxAbs, math.Abs(float64(w)))
					maxDiff = math.Max(maxDiff, math.Abs(float64(w-outs[i][j])))
				}
				// fp32 through a different graph runtime: ONNX Runtime picks
				// its kernels by the CPU's features (AVX2, AVX-512, FMA), which
				// sum in other orders; blazeface measured 1.04e-5 of its
				// largest output on an AVX-512 host, so 3e-5 leaves room for
				// the next CPU while a wrong weight or layout is off by 1e-2
				// or more.
				tol := math.Max(1e-4, 3e-5*maxAbs)
				if maxDiff > tol || math.IsNaN(maxDiff) {
					t.Errorf("%s: max |onnx-tfjs| = %.3g > %.3g", name, maxDiff, tol)
				}
				t.Logf("%s: %d values, max |ref| %.3g, max |onnx-tfjs| %.3g", name, len(want[i]), maxAbs, maxDiff)
			}
		})
	}
}

// TestBuildMatchesManifestHash holds the converter to the manifest: the
// same sources must always give byte-identical models.
func TestBuildMatchesManifestHash(t *testing.T) {
	m, home := cache(t)
	for _, md := range m.Models {
		b, err := build.Build(home, m, &md)
		if err != nil {
			t.Errorf("%s: %v", md.Name, err)
			continue
		}
		if got := build.SHA256Hex(b); got != md.SHA256 {
			t.Errorf("%s: built sha256 %s, manifest pins %s", md.Name, got, md.SHA256)
		}
	}
}

// TestConversionComputesInNCHW checks the layout promise: one transpose
// right after the NHWC input, and any other transpose only where TF's
// layout is needed again (a Reshape, Softmax or graph output reads it).
func TestConversionComputesInNCHW(t *testing.T) {
	m, home := cache(t)
	for _, md := range m.Models {
		if md.Kind != "tfjs-graph" {
			continue
		}
		src, err := build.SourcePath(home, m, &md)
		if err != nil {
			t.Fatal(err)
		}
		g, err := tfjs.LoadGraph(src)
		if err != nil {
			t.Fatal(err)
		}
		model, _, err := tfjs.Convert(g, md.Name)
		if err != nil {
			t.Fatal(err)
		}
		readers := map[string][]string{}
		for _, n := range model.Graph.Nodes {
			for _, in := range n.Inputs {
				readers[in] = append(readers[in], n.Op)
			}
		}
		input := model.Graph.Inputs[0].Name
		atInput := 0
		for _, n := range model.Graph.Nodes {
			if n.Op != "Transpose" {
				continue
			}
			if n.Inputs[0] == input {
				atInput++
				continue
			}
			for _, op := range readers[n.Outputs[0]] {
				if op != "Reshape" && op != "Softmax" && op != "Identity" {
					t.Errorf("%s: transpose %s feeds %s", md.Name, n.Name, op)
				}
			}
		}
		if atInput != 1 {
			t.Errorf("%s: %d transposes at the input, want 1", md.Name, atInput)
		}
	}
}
