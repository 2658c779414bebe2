// Package onnxgraph builds ONNX models and encodes them as protobuf bytes.
// It covers the part of onnx.proto that liveid's converters emit: one graph,
// float32/int64 initializers (and the int8/uint8/int32 ones of quantised
// models), tensor-typed inputs and outputs, and node
// attributes of the scalar, list and string kinds. Encoding is deterministic,
// so the same graph always gives the same bytes (and the same sha256).
package onnxgraph

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// DataType is ONNX's TensorProto.DataType.
type DataType int32

// The element types liveid emits.
const (
	Float DataType = 1
	Uint8 DataType = 2
	Int8  DataType = 3
	Int32 DataType = 6
	Int64 DataType = 7
)

// Opset is the ONNX operator set liveid's models target; IRVersion matches it.
const (
	Opset     = 13
	IRVersion = 7
)

// Model is a whole ONNX model.
type Model struct {
	Producer string
	Graph    Graph
}

// Graph is the model's single graph.
type Graph struct {
	Name         string
	Nodes        []Node
	Initializers []Tensor
	Inputs       []ValueInfo
	Outputs      []ValueInfo
}

// Node is one operator application.
type Node struct {
	Name    string
	Op      string
	Inputs  []string
	Outputs []string
	Attrs   []Attr
}

// Tensor is an initializer. Exactly one of the value slices is used; the
// integer ones other than Int64s hold quantised weights, biases and zero
// points.
type Tensor struct {
	Name   string
	Dims   []int64
	Floats []float32
	Int64s []int64
	Int32s []int32
	Int8s  []int8
	Uint8s []uint8
}

// ValueInfo names a graph input or output; a dimension < 0 is symbolic
// ("N"). A nil Shape leaves the shape unstated (ONNX Runtime infers it):
// the intermediate tensors a calibration copy of a model exposes; a
// scalar is an empty non-nil Shape.
type ValueInfo struct {
	Name  string
	Type  DataType
	Shape []int64
}

type attrKind int32

// ONNX AttributeProto.AttributeType values.
const (
	kindFloat  attrKind = 1
	kindInt    attrKind = 2
	kindString attrKind = 3
	kindFloats attrKind = 6
	kindInts   attrKind = 7
)

// Attr is a node attribute; build it with Int, Ints, Float or String.
type Attr struct {
	Name   string
	kind   attrKind
	i      int64
	f      float32
	s      string
	ints   []int64
	floats []float32
}

// Int is an integer attribute.
func Int(name string, v int64) Attr { return Attr{Name: name, kind: kindInt, i: v} }

// Ints is an integer-list attribute.
func Ints(name string, v ...int64) Attr { return Attr{Name: name, kind: kindInts, ints: v} }

// Int is an integer attribute's value (0 for the other kinds).
func (a *Attr) Int() int64 { return a.i }

// FloatAttr is a float attribute.
func FloatAttr(name string, v float32) Attr { return Attr{Name: name, kind: kindFloat, f: v} }

// String is a string attribute.
func String(name, v string) Attr { return Attr{Name: name, kind: kindString, s: v} }

// Marshal encodes the model as an ONNX protobuf (ModelProto).
func (m *Model) Marshal() ([]byte, error) {
	if err := m.Graph.check(); err != nil {
		return nil, err
	}
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType) // ir_version
	b = protowire.AppendVarint(b, IRVersion)
	b = appendString(b, 2, m.Producer) // producer_name
	b = appendMessage(b, 7, m.Graph.marshal())
	var opset []byte
	opset = appendString(opset, 1, "")
	opset = protowire.AppendTag(opset, 2, protowire.VarintType)
	opset = protowire.AppendVarint(opset, Opset)
	b = appendMessage(b, 8, opset) // opset_import
	return b, nil
}

// check catches names used before they are defined, which ORT would
// otherwise report far from the cause.
func (g *Graph) check() error {
	known := map[string]bool{"": true}
	for _, in := range g.Inputs {
		known[in.Name] = true
	}
	for _, t := range g.Initializers {
		known[t.Name] = true
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			if !known[in] {
				return fmt.Errorf("onnxgraph: node %s (%s) reads undefined %q", n.Name, n.Op, in)
			}
		}
		for _, out := range n.Outputs {
			known[out] = true
		}
	}
	for _, out := range g.Outputs {
		if !known[out.Name] {
			return fmt.Errorf("onnxgraph: output %q is never produced", out.Name)
		}
	}
	return nil
}

func (g *Graph) marshal() []byte {
	var b []byte
	for i := range g.Nodes {
		b = appendMessage(b, 1, g.Nodes[i].marshal())
	}
	b = appendString(b, 2, g.Name)
	for i := range g.Initializers {
		b = appendMessage(b, 5, g.Initializers[i].marshal())
	}
	for i := range g.Inputs {
		b = appendMessage(b, 11, g.Inputs[i].marshal())
	}
	for i := range g.Outputs {
		b = appendMessage(b, 12, g.Outputs[i].marshal())
	}
	return b
}

func (n *Node) marshal() []byte {
	var b []byte
	for _, s := range n.Inputs {
		b = appendString(b, 1, s)
	}
	for _, s := range n.Outputs {
		b = appendString(b, 2, s)
	}
	b = appendString(b, 3, n.Name)
	b = appendString(b, 4, n.Op)
	for i := range n.Attrs {
		b = appendMessage(b, 5, n.Attrs[i].marshal())
	}
	return b
}

func (a *Attr) marshal() []byte {
	var b []byte
	b = appendString(b, 1, a.Name)
	switch a.kind {
	case kindFloat:
		b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.f))
	case kindInt:
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(a.i))
	case kindString:
		b = appendString(b, 4, a.s)
	case kindFloats:
		var p []byte
		for _, f := range a.floats {
			p = protowire.AppendFixed32(p, math.Float32bits(f))
		}
		b = appendMessage(b, 7, p)
	case kindInts:
		b = appendMessage(b, 8, packInts(a.ints))
	}
	b = protowire.AppendTag(b, 20, protowire.VarintType) // type
	return protowire.AppendVarint(b, uint64(a.kind))
}

func (t *Tensor) marshal() []byte {
	var b []byte
	if len(t.Dims) > 0 {
		b = appendMessage(b, 1, packInts(t.Dims))
	}
	typ, raw := t.raw()
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(typ))
	b = appendString(b, 8, t.Name)
	return appendMessage(b, 9, raw) // raw_data, little-endian
}

// raw is the tensor's element type and its values as ONNX raw_data.
func (t *Tensor) raw() (DataType, []byte) {
	switch {
	case t.Int64s != nil:
		raw := make([]byte, 0, 8*len(t.Int64s))
		for _, v := range t.Int64s {
			raw = protowire.AppendFixed64(raw, uint64(v))
		}
		return Int64, raw
	case t.Int32s != nil:
		raw := make([]byte, 0, 4*len(t.Int32s))
		for _, v := range t.Int32s {
			raw = protowire.AppendFixed32(raw, uint32(v))
		}
		return Int32, raw
	case t.Int8s != nil:
		raw := make([]byte, len(t.Int8s))
		for i, v := range t.Int8s {
			raw[i] = byte(v)
		}
		return Int8, raw
	case t.Uint8s != nil:
		return Uint8, append([]byte{}, t.Uint8s...)
	}
	raw := make([]byte, 0, 4*len(t.Floats))
	for _, f := range t.Floats {
		raw = protowire.AppendFixed32(raw, math.Float32bits(f))
	}
	return Float, raw
}

func (v *ValueInfo) marshal() []byte {
	var shape []byte
	for _, d := range v.Shape {
		var dim []byte
		if d < 0 {
			dim = appendString(dim, 2, "N")
		} else {
			dim = protowire.AppendTag(dim, 1, protowire.VarintType)
			dim = protowire.AppendVarint(dim, uint64(d))
		}
		shape = appendMessage(shape, 1, dim)
	}
	var tensor []byte
	tensor = protowire.AppendTag(tensor, 1, protowire.VarintType)
	tensor = protowire.AppendVarint(tensor, uint64(v.Type))
	if v.Shape != nil {
		tensor = appendMessage(tensor, 2, shape)
	}
	var b []byte
	b = appendString(b, 1, v.Name)
	return appendMessage(b, 2, appendMessage(nil, 1, tensor))
}

func packInts(v []int64) []byte {
	var p []byte
	for _, x := range v {
		p = protowire.AppendVarint(p, uint64(x))
	}
	return p
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendMessage(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}
