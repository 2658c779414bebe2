// Package tfjs reads TensorFlow.js models (graph models and bare weight
// manifests) and converts graph models to ONNX. The reader treats a model
// as untrusted: weight shards are read only from the model's folder (an
// os.Root), and shapes, dtypes and quantization are checked before
// anything is allocated, so a hostile manifest is an error, not a panic.
package tfjs

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Tensor is a constant: float32 or int32 data in TF (row-major) layout.
type Tensor struct {
	Shape  []int64
	Floats []float32
	Ints   []int64 // int32 weights, widened
}

// Size is the element count of a shape.
func Size(shape []int64) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	return n
}

// Node is one TF graph node as model.json stores it.
type Node struct {
	Name  string          `json:"name"`
	Op    string          `json:"op"`
	Input []string        `json:"input"`
	Attr  map[string]Attr `json:"attr"`
}

// Attr is a TF AttrValue in its JSON form.
type Attr struct {
	I    json.Number `json:"i"`
	F    json.Number `json:"f"`
	B    bool        `json:"b"`
	S    string      `json:"s"` // base64
	Type string      `json:"type"`
	List *struct {
		I []json.Number `json:"i"`
		F []json.Number `json:"f"`
		S []string      `json:"s"`
	} `json:"list"`
	Shape *struct {
		Dim []struct {
			Size json.Number `json:"size"`
		} `json:"dim"`
	} `json:"shape"`
}

// Graph is a loaded TFJS graph model.
type Graph struct {
	Nodes   []*Node
	Weights map[string]*Tensor
	// Outputs maps an output name to "node" or "node:k"; empty when the
	// model has no signature.
	Outputs map[string]string
}

// WeightSpec is one entry of a weights manifest.
type WeightSpec struct {
	Name         string        `json:"name"`
	Shape        []int64       `json:"shape"`
	DType        string        `json:"dtype"`
	Quantization *Quantization `json:"quantization"`
}

// Quantization says how a weight is stored: float16, or uint8/uint16 as
// q*Scale+Min.
type Quantization struct {
	DType string  `json:"dtype"`
	Scale float64 `json:"scale"`
	Min   float64 `json:"min"`
}

// WeightGroup is a weights-manifest group: shards read in order.
type WeightGroup struct {
	Paths   []string     `json:"paths"`
	Weights []WeightSpec `json:"weights"`
}

type modelJSON struct {
	Format        string `json:"format"`
	ModelTopology struct {
		Node []*Node `json:"node"`
	} `json:"modelTopology"`
	WeightsManifest []WeightGroup `json:"weightsManifest"`
	Signature       struct {
		Outputs map[string]struct {
			Name string `json:"name"`
		} `json:"outputs"`
	} `json:"signature"`
}

// LoadGraph reads a graph model's model.json and its weight shards, which
// must lie in model.json's folder or below it.
func LoadGraph(path string) (*Graph, error) {
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("tfjs: %w", err)
	}
	defer root.Close()
	return ReadGraph(root.FS(), filepath.Base(path))
}

// ReadGraph reads the graph model name and its weight shards from fsys,
// which confines the shards' paths: a path with "..", an absolute one or
// (for an os.Root's FS) a symbolic link out of it is an error.
func ReadGraph(fsys fs.FS, name string) (*Graph, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("tfjs: %w", err)
	}
	var mj modelJSON
	if err := json.Unmarshal(raw, &mj); err != nil {
		return nil, fmt.Errorf("tfjs: %s: %w", name, err)
	}
	if mj.Format != "graph-model" || len(mj.ModelTopology.Node) == 0 {
		return nil, fmt.Errorf("tfjs: %s: not a TFJS graph model", name)
	}
	w, err := readWeights(fsys, path.Dir(name), mj.WeightsManifest)
	if err != nil {
		return nil, err
	}
	g := &Graph{Nodes: mj.ModelTopology.Node, Weights: w, Outputs: map[string]string{}}
	for key, o := range mj.Signature.Outputs {
		g.Outputs[key] = strings.TrimSuffix(o.Name, ":0")
	}
	return g, nil
}

// LoadWeightsManifest reads a bare weights manifest (face-api's format);
// its shards must lie in its folder or below it.
func LoadWeightsManifest(path string) (map[string]*Tensor, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tfjs: %w", err)
	}
	var groups []WeightGroup
	if err := json.Unmarshal(raw, &groups); err != nil {
		return nil, fmt.Errorf("tfjs: %s: %w", path, err)
	}
	return ReadWeights(filepath.Dir(path), groups)
}

// ReadWeights decodes every group's shards, dequantizing uint8/uint16 and
// float16 weights to float32. The shards' paths are relative to dir and
// may not leave it.
func ReadWeights(dir string, groups []WeightGroup) (map[string]*Tensor, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("tfjs: weights: %w", err)
	}
	defer root.Close()
	return readWeights(root.FS(), ".", groups)
}

// maxElements bounds one weight: 2^28 values (1 GiB of float32), far above
// the largest tensor of any model liveid converts (a few million).
const maxElements = 1 << 28

func readWeights(fsys fs.FS, dir string, groups []WeightGroup) (map[string]*Tensor, error) {
	out := map[string]*Tensor{}
	for _, g := range groups {
		var data []byte
		for _, p := range g.Paths {
			name := path.Join(dir, p)
			if !fs.ValidPath(name) || !fs.ValidPath(p) {
				return nil, fmt.Errorf("tfjs: weights: shard path %q leaves the model folder", p)
			}
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("tfjs: weights: %w", err)
			}
			data = append(data, b...)
		}
		for _, spec := range g.Weights {
			t, n, err := decodeWeight(spec, data)
			if err != nil {
				return nil, err
			}
			out[spec.Name] = t
			data = data[n:]
		}
		if len(data) != 0 {
			return nil, fmt.Errorf("tfjs: weights %v: %d bytes left over", g.Paths, len(data))
		}
	}
	return out, nil
}

// elements is the element count of a weight's shape: every dimension at
// least 0 and the product at most maxElements, checked as it is formed so
// that it cannot overflow.
func elements(s WeightSpec) (int, error) {
	n := int64(1)
	for _, d := range s.Shape {
		if d < 0 {
			return 0, fmt.Errorf("tfjs: weight %s: shape %v has a negative dimension", s.Name, s.Shape)
		}
		if d > 0 && n > maxElements/d {
			return 0, fmt.Errorf("tfjs: weight %s: shape %v holds more than %d values", s.Name, s.Shape, maxElements)
		}
		n *= d
	}
	return int(n), nil
}

func decodeWeight(s WeightSpec, data []byte) (*Tensor, int, error) {
	n, err := elements(s)
	if err != nil {
		return nil, 0, err
	}
	dtype := s.DType
	if s.Quantization != nil {
		dtype = s.Quantization.DType
	}
	width := map[string]int{"float32": 4, "int32": 4, "uint8": 1, "uint16": 2, "float16": 2}[dtype]
	switch {
	case width == 0:
		return nil, 0, fmt.Errorf("tfjs: weight %s: unsupported dtype %s", s.Name, dtype)
	case s.DType != "float32" && s.DType != "int32":
		return nil, 0, fmt.Errorf("tfjs: weight %s: unsupported dtype %s", s.Name, s.DType)
	case s.Quantization != nil && dtype != "uint8" && dtype != "uint16" && dtype != "float16":
		return nil, 0, fmt.Errorf("tfjs: weight %s: unsupported quantization %s", s.Name, dtype)
	case s.DType == "int32" && dtype != "int32":
		// TFJS can store int32 weights quantized; no model liveid converts
		// does, and reading them as int32 would run past the shard.
		return nil, 0, fmt.Errorf("tfjs: weight %s: int32 stored as %s is not supported", s.Name, dtype)
	case s.Quantization != nil && !finite(s.Quantization.Scale, s.Quantization.Min):
		return nil, 0, fmt.Errorf("tfjs: weight %s: quantization scale %v, min %v", s.Name, s.Quantization.Scale, s.Quantization.Min)
	case len(data)/width < n:
		return nil, 0, fmt.Errorf("tfjs: weight %s: shards too short (truncated file?)", s.Name)
	}
	t := &Tensor{Shape: s.Shape}
	if s.DType == "int32" {
		t.Ints = make([]int64, n)
		for i := range t.Ints {
			t.Ints[i] = int64(int32(binary.LittleEndian.Uint32(data[4*i:])))
		}
		return t, n * width, nil
	}
	t.Floats = make([]float32, n)
	for i := range t.Floats {
		switch dtype {
		case "float32":
			t.Floats[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		case "float16":
			t.Floats[i] = halfToFloat(binary.LittleEndian.Uint16(data[2*i:]))
		case "uint8":
			t.Floats[i] = float32(float64(data[i])*s.Quantization.Scale + s.Quantization.Min)
		case "uint16":
			q := binary.LittleEndian.Uint16(data[2*i:])
			t.Floats[i] = float32(float64(q)*s.Quantization.Scale + s.Quantization.Min)
		}
	}
	return t, n * width, nil
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// halfToFloat widens an IEEE 754 binary16 value.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
	case frac == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal half: normalise into a float32 exponent.
	e := uint32(113)
	for frac&0x400 == 0 {
		frac <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (frac&0x3ff)<<13)
}

// Ints returns an int-list attribute.
func (n *Node) Ints(key string) ([]int64, error) {
	a, ok := n.Attr[key]
	if !ok || a.List == nil {
		return nil, fmt.Errorf("tfjs: node %s (%s): missing list attribute %s", n.Name, n.Op, key)
	}
	out := make([]int64, len(a.List.I))
	for i, s := range a.List.I {
		v, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("tfjs: node %s: attribute %s: %w", n.Name, key, err)
		}
		out[i] = v
	}
	return out, nil
}

// Str returns a string attribute (decoded from base64), or "".
func (n *Node) Str(key string) string {
	b, _ := base64.StdEncoding.DecodeString(n.Attr[key].S)
	return string(b)
}

// Strs returns a string-list attribute.
func (n *Node) Strs(key string) []string {
	a := n.Attr[key]
	if a.List == nil {
		return nil
	}
	out := make([]string, len(a.List.S))
	for i, s := range a.List.S {
		b, _ := base64.StdEncoding.DecodeString(s)
		out[i] = string(b)
	}
	return out
}

// Bool returns a bool attribute.
func (n *Node) Bool(key string) bool { return n.Attr[key].B }

// Float returns a float attribute, or def when absent.
func (n *Node) Float(key string, def float32) float32 {
	f, err := n.Attr[key].F.Float64()
	if err != nil {
		return def
	}
	return float32(f)
}

// Int returns an int attribute, or def when absent.
func (n *Node) Int(key string, def int64) int64 {
	v, err := n.Attr[key].I.Int64()
	if err != nil {
		return def
	}
	return v
}

// PlaceholderShape is a Placeholder's declared shape (-1 for unknown).
func (n *Node) PlaceholderShape() ([]int64, error) {
	a := n.Attr["shape"]
	if a.Shape == nil {
		return nil, fmt.Errorf("tfjs: placeholder %s has no shape", n.Name)
	}
	out := make([]int64, len(a.Shape.Dim))
	for i, d := range a.Shape.Dim {
		v, err := d.Size.Int64()
		if err != nil {
			return nil, fmt.Errorf("tfjs: placeholder %s: %w", n.Name, err)
		}
		out[i] = v
	}
	return out, nil
}
