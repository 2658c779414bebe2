package bench

import (
	"errors"
	"fmt"
	"os"
	"slices"

	ort "github.com/yalue/onnxruntime_go"
	"google.golang.org/protobuf/encoding/protowire"
)

// The numbers of the onnx.proto fields CountMACs reads.
const (
	modelGraph     = 7  // ModelProto.graph
	graphNode      = 1  // GraphProto.node
	graphInit      = 5  // GraphProto.initializer
	graphInput     = 11 // GraphProto.input
	graphOutput    = 12 // GraphProto.output
	nodeInput      = 1  // NodeProto.input
	nodeOutput     = 2  // NodeProto.output
	nodeOp         = 4  // NodeProto.op_type
	tensorDims     = 1  // TensorProto.dims
	tensorName     = 8  // TensorProto.name
	valueName      = 1  // ValueInfoProto.name
	valueType      = 2  // ValueInfoProto.type
	typeTensor     = 1  // TypeProto.tensor_type
	tensorElemType = 1  // TypeProto.Tensor.elem_type
)

// macNode is an operator whose multiply-accumulates CountMACs counts.
type macNode struct {
	op      string
	inputs  []string
	outputs []string
}

// CountMACs counts the multiply-accumulates of one run of the ONNX model at
// path, its dynamic inputs fixed by shapes (as infer.Options.Shapes). It
// counts Conv, ConvTranspose, MatMul and Gemm, which hold all but a few
// per cent of these models' arithmetic. The shapes of their operands come
// from ONNX Runtime itself: a copy of the model that also outputs every
// operand is run once on zeros (infer.Open's trial run), so the count
// follows whatever reshaping the graph does.
func CountMACs(path string, shapes map[string][]int64) (int64, error) {
	model, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	graph, err := field(model, modelGraph)
	if err != nil {
		return 0, fmt.Errorf("bench: %s: %w", path, err)
	}
	nodes, known, err := scanGraph(graph)
	if err != nil {
		return 0, fmt.Errorf("bench: %s: %w", path, err)
	}
	var probe []string
	for _, n := range nodes {
		for _, v := range append(slices.Clone(n.inputs[:min(2, len(n.inputs))]), n.outputs[0]) {
			if _, ok := known[v]; !ok && !slices.Contains(probe, v) {
				probe = append(probe, v)
			}
		}
	}
	dims, err := probeShapes(withOutputs(model, graph, probe), shapes, probe)
	if err != nil {
		return 0, fmt.Errorf("bench: %s: %w", path, err)
	}
	for k, v := range known {
		if v != nil {
			dims[k] = v
		}
	}
	var total int64
	for _, n := range nodes {
		m, err := nodeMACs(n, dims)
		if err != nil {
			return 0, fmt.Errorf("bench: %s: %w", path, err)
		}
		total += m
	}
	return total, nil
}

// probeShapes runs model once on zeros, its inputs shaped by shapes (a
// dynamic batch is 1), and returns the shapes of its inputs and of the
// outputs names, which ONNX Runtime allocates as it goes.
func probeShapes(model []byte, shapes map[string][]int64, names []string) (map[string][]int64, error) {
	ins, _, err := ort.GetInputOutputInfoWithONNXData(model)
	if err != nil {
		return nil, err
	}
	dims := map[string][]int64{}
	var inNames []string
	var inputs, outputs []ort.Value
	defer func() {
		for _, v := range append(inputs, outputs...) {
			if v != nil {
				v.Destroy()
			}
		}
	}()
	for _, in := range ins {
		d := slices.Clone([]int64(in.Dimensions))
		if s, ok := shapes[in.Name]; ok {
			d = s
		} else if len(d) > 0 && d[0] < 0 {
			d[0] = 1
		}
		t, err := ort.NewEmptyTensor[float32](ort.NewShape(d...))
		if err != nil {
			return nil, fmt.Errorf("input %s %v: %w", in.Name, d, err)
		}
		inNames, inputs, dims[in.Name] = append(inNames, in.Name), append(inputs, t), d
	}
	sess, err := ort.NewDynamicAdvancedSessionWithONNXData(model, inNames, names, nil)
	if err != nil {
		return nil, err
	}
	defer sess.Destroy()
	outputs = make([]ort.Value, len(names))
	if err := sess.Run(inputs, outputs); err != nil {
		return nil, err
	}
	for i, v := range outputs {
		dims[names[i]] = v.GetShape()
	}
	return dims, nil
}

// nodeMACs is one operator's multiply-accumulates from its operands' shapes.
func nodeMACs(n macNode, dims map[string][]int64) (int64, error) {
	a, b, out := dims[n.inputs[0]], dims[n.inputs[1]], dims[n.outputs[0]]
	if a == nil || b == nil || out == nil {
		return 0, fmt.Errorf("%s node %s: operand shapes unknown", n.op, n.outputs[0])
	}
	switch n.op {
	case "Conv": // each output value sums Cin/group × kernel products
		return prod(out) * prod(b[1:]), nil
	case "ConvTranspose": // each input value spreads over Cout/group × kernel
		return prod(a) * prod(b[1:]), nil
	case "MatMul":
		return prod(out) * a[len(a)-1], nil
	default: // Gemm: K is A's longer side beyond the output's rows
		return prod(out) * (prod(a) / out[0]), nil
	}
}

func prod(d []int64) int64 {
	p := int64(1)
	for _, v := range d {
		p *= v
	}
	return p
}

// scanGraph reads the counted operators, and the values whose shapes need
// no probe: the initializers, with their shapes, and the graph's inputs
// (nil: their shapes are the ones the probe sets).
func scanGraph(graph []byte) ([]macNode, map[string][]int64, error) {
	var nodes []macNode
	known := map[string][]int64{}
	err := eachField(graph, func(num protowire.Number, v []byte) error {
		switch num {
		case graphNode:
			n, err := scanNode(v)
			if err == nil && n.op != "" {
				nodes = append(nodes, n)
			}
			return err
		case graphInit:
			name, d, err := scanTensor(v)
			known[name] = d
			return err
		case graphInput:
			name, err := field(v, valueName)
			if _, ok := known[string(name)]; !ok {
				known[string(name)] = nil
			}
			return err
		}
		return nil
	})
	return nodes, known, err
}

// scanNode reads a node; its op is "" unless CountMACs counts it.
func scanNode(b []byte) (macNode, error) {
	var n macNode
	err := eachField(b, func(num protowire.Number, v []byte) error {
		switch num {
		case nodeInput:
			n.inputs = append(n.inputs, string(v))
		case nodeOutput:
			n.outputs = append(n.outputs, string(v))
		case nodeOp:
			n.op = string(v)
		}
		return nil
	})
	switch n.op {
	case "Conv", "ConvTranspose", "MatMul", "Gemm":
		if len(n.inputs) < 2 || len(n.outputs) < 1 {
			return n, fmt.Errorf("%s node without its operands", n.op)
		}
	default:
		n.op = ""
	}
	return n, err
}

// scanTensor reads an initializer's name and dims (packed or not).
func scanTensor(b []byte) (string, []int64, error) {
	var name string
	var dims []int64
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", nil, errors.New("malformed tensor")
		}
		b = b[n:]
		switch {
		case num == tensorDims && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return "", nil, errors.New("malformed tensor dims")
			}
			dims, b = append(dims, int64(v)), b[n:]
			continue
		case num == tensorDims && typ == protowire.BytesType:
			p, n := protowire.ConsumeBytes(b)
			for len(p) > 0 {
				v, m := protowire.ConsumeVarint(p)
				if m < 0 {
					return "", nil, errors.New("malformed tensor dims")
				}
				dims, p = append(dims, int64(v)), p[m:]
			}
			if n < 0 {
				return "", nil, errors.New("malformed tensor dims")
			}
			b = b[n:]
			continue
		case num == tensorName && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return "", nil, errors.New("malformed tensor name")
			}
			name, b = string(v), b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return "", nil, errors.New("malformed tensor")
		}
		b = b[n:]
	}
	return name, dims, nil
}

// field is the last occurrence of the length-delimited field num in msg.
func field(msg []byte, num protowire.Number) ([]byte, error) {
	var out []byte
	err := eachField(msg, func(n protowire.Number, v []byte) error {
		if n == num {
			out = v
		}
		return nil
	})
	if err == nil && out == nil {
		err = fmt.Errorf("no field %d", num)
	}
	return out, err
}

// eachField calls f with every length-delimited field of msg, skipping the
// others.
func eachField(msg []byte, f func(protowire.Number, []byte) error) error {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return errors.New("malformed protobuf")
		}
		msg = msg[n:]
		if typ != protowire.BytesType {
			if n = protowire.ConsumeFieldValue(num, typ, msg); n < 0 {
				return errors.New("malformed protobuf")
			}
			msg = msg[n:]
			continue
		}
		v, n := protowire.ConsumeBytes(msg)
		if n < 0 {
			return errors.New("malformed protobuf")
		}
		if err := f(num, v); err != nil {
			return err
		}
		msg = msg[n:]
	}
	return nil
}

// withOutputs is model with its graph also outputting the float tensors
// names: protobuf merges repeated fields by appending, so the new outputs
// go at the graph's end, and the graph, re-encoded, at the model's.
func withOutputs(model, graph []byte, names []string) []byte {
	g := slices.Clone(graph)
	for _, name := range names {
		elem := protowire.AppendTag(nil, tensorElemType, protowire.VarintType)
		elem = protowire.AppendVarint(elem, 1) // FLOAT
		typ := protowire.AppendTag(nil, typeTensor, protowire.BytesType)
		typ = protowire.AppendBytes(typ, elem)
		vi := protowire.AppendTag(nil, valueName, protowire.BytesType)
		vi = protowire.AppendString(vi, name)
		vi = protowire.AppendTag(vi, valueType, protowire.BytesType)
		vi = protowire.AppendBytes(vi, typ)
		g = protowire.AppendTag(g, graphOutput, protowire.BytesType)
		g = protowire.AppendBytes(g, vi)
	}
	out := withoutField(model, modelGraph)
	out = protowire.AppendTag(out, modelGraph, protowire.BytesType)
	return protowire.AppendBytes(out, g)
}

// withoutField is msg without its occurrences of field num.
func withoutField(msg []byte, num protowire.Number) []byte {
	var out []byte
	for len(msg) > 0 {
		n, typ, k := protowire.ConsumeTag(msg)
		m := protowire.ConsumeFieldValue(n, typ, msg[k:])
		if k < 0 || m < 0 {
			return append(out, msg...)
		}
		if n != num {
			out = append(out, msg[:k+m]...)
		}
		msg = msg[k+m:]
	}
	return out
}
