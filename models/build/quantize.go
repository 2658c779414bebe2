package build

import (
	"fmt"
	"math"
	"slices"

	"github.com/liveid/liveid/internal/onnxgraph"
)

// Post-training static quantisation in ONNX Runtime's QDQ format: the
// quantised model stays a float graph in which QuantizeLinear /
// DequantizeLinear pairs mark the tensors that may be int8, and ORT's
// graph optimiser fuses DQ → Conv → Q into its integer kernels (VNNI or
// AVX2 on x86, sdot on ARMv8.2). As in ORT's own quantiser:
//   - the weights of Conv, Gemm and MatMul are int8, symmetric (zero point
//     0) and per output channel, stored as int8 initializers behind a
//     DequantizeLinear, on seven bits (reduce_range, see weightLimit);
//   - their biases are int32 with scale input scale × weight scale, so the
//     integer kernel adds them without rescaling;
//   - the activations they read and write are uint8, asymmetric, with the
//     range observed on real calibration inputs (Calibrate).
// Everything else (Add, activations, pooling, the heads) runs in float
// between a DequantizeLinear and the next QuantizeLinear.

// Range is a calibrated activation range.
type Range struct{ Min, Max float32 }

// quantOps are the operators whose weights and activations are quantised,
// with the axis of their weight that holds the output channels.
func weightAxis(n *onnxgraph.Node) (int64, bool) {
	switch n.Op {
	case "Conv":
		return 0, true // [M, C/group, kH, kW]
	case "MatMul":
		return 1, true // [K, N]
	case "Gemm":
		for _, a := range n.Attrs {
			if a.Name == "transB" && a.Int() == 1 {
				return 0, true // [N, K]
			}
		}
		return 1, true
	}
	return 0, false
}

// quantNodes are the indices of the nodes Quantize rewrites: a quantisable
// operator whose weight is a 2-D or 4-D float initializer.
func quantNodes(g *onnxgraph.Graph) []int {
	inits := initializers(g)
	var out []int
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if _, ok := weightAxis(n); !ok || len(n.Inputs) < 2 {
			continue
		}
		w := inits[n.Inputs[1]]
		if w == nil || w.Floats == nil || (len(w.Dims) != 2 && len(w.Dims) != 4) {
			continue
		}
		if _, isInit := inits[n.Inputs[0]]; isInit {
			continue
		}
		out = append(out, i)
	}
	return out
}

func initializers(g *onnxgraph.Graph) map[string]*onnxgraph.Tensor {
	m := make(map[string]*onnxgraph.Tensor, len(g.Initializers))
	for i := range g.Initializers {
		m[g.Initializers[i].Name] = &g.Initializers[i]
	}
	return m
}

// Activations lists, in graph order, the tensors whose ranges Quantize
// needs: the activation input and the output of every quantised node.
func Activations(g *onnxgraph.Graph) []string {
	var names []string
	for _, i := range quantNodes(g) {
		n := &g.Nodes[i]
		for _, t := range []string{n.Inputs[0], n.Outputs[0]} {
			if !slices.Contains(names, t) {
				names = append(names, t)
			}
		}
	}
	return names
}

// CalibrationCopy is a copy of m that also outputs every tensor of
// Activations, for observing their ranges.
func CalibrationCopy(m *onnxgraph.Model) *onnxgraph.Model {
	c := *m
	c.Graph.Outputs = slices.Clone(m.Graph.Outputs)
	declared := map[string]bool{}
	for _, o := range c.Graph.Outputs {
		declared[o.Name] = true
	}
	for _, t := range Activations(&m.Graph) {
		if !declared[t] {
			c.Graph.Outputs = append(c.Graph.Outputs, onnxgraph.ValueInfo{Name: t, Type: onnxgraph.Float})
		}
	}
	return &c
}

// Quantize returns the QDQ model of m with the given activation ranges,
// which must cover Activations(&m.Graph). With nil ranges it quantises the
// weights only (WeightOnly): the file is as small, ONNX Runtime folds the
// weights back to float when it opens the session, and the model runs and
// computes as the float one does but for the weights' rounding. m itself is
// not changed.
func Quantize(m *onnxgraph.Model, ranges map[string]Range) (*onnxgraph.Model, error) {
	g := &m.Graph
	inits := initializers(g)
	q := &quantizer{inits: inits, taken: map[string]bool{}, dq: map[string]string{}}
	for _, t := range g.Initializers {
		q.taken[t.Name] = true
	}
	for _, n := range g.Nodes {
		q.taken[n.Name] = true
		for _, o := range n.Outputs {
			q.taken[o] = true
		}
	}
	for _, in := range g.Inputs {
		q.taken[in.Name] = true
	}
	targets := quantNodes(g)
	act := map[string]Range{}
	for _, t := range Activations(g) {
		if ranges == nil {
			break
		}
		r, ok := ranges[t]
		if !ok {
			return nil, fmt.Errorf("models: quantize %s: no calibrated range for %q", g.Name, t)
		}
		act[t] = r
	}
	// Weights and biases first: their DequantizeLinear nodes read only
	// initializers, so they may lead the node list.
	rewired := slices.Clone(g.Nodes)
	for i := range rewired {
		rewired[i].Inputs = slices.Clone(rewired[i].Inputs)
	}
	for _, i := range targets {
		n := &rewired[i]
		axis, _ := weightAxis(n)
		w := inits[n.Inputs[1]]
		scales, err := q.weight(n, w, axis)
		if err != nil {
			return nil, err
		}
		if len(n.Inputs) > 2 && n.Inputs[2] != "" && ranges != nil {
			if err := q.bias(n, scales, act[n.Inputs[0]]); err != nil {
				return nil, err
			}
		}
	}
	// Then one Q/DQ pair per activation tensor, right after its producer
	// (first, for graph inputs); every consumer reads the DQ output, the
	// graph's own outputs keep the float tensor.
	var nodes []onnxgraph.Node
	nodes = append(nodes, q.nodes...)
	q.nodes = nil
	for _, in := range g.Inputs {
		if r, ok := act[in.Name]; ok {
			nodes = append(nodes, q.activation(in.Name, r)...)
		}
	}
	for i := range rewired {
		n := rewired[i]
		for j, in := range n.Inputs {
			if d, ok := q.dq[in]; ok {
				n.Inputs[j] = d
			}
		}
		nodes = append(nodes, n)
		for _, o := range n.Outputs {
			if r, ok := act[o]; ok {
				nodes = append(nodes, q.activation(o, r)...)
			}
		}
	}
	out := &onnxgraph.Model{Producer: m.Producer, Graph: *g}
	out.Graph.Nodes = nodes
	out.Graph.Initializers = referenced(nodes, append(slices.Clone(g.Initializers), q.added...))
	return out, nil
}

type quantizer struct {
	inits  map[string]*onnxgraph.Tensor
	taken  map[string]bool
	dq     map[string]string // float tensor → the DequantizeLinear output replacing it
	nodes  []onnxgraph.Node  // weight and bias DequantizeLinear nodes
	added  []onnxgraph.Tensor
	scales map[string][]float32 // weight → its per-channel scales
}

func (q *quantizer) unique(base string) string {
	name := base
	for i := 2; q.taken[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	q.taken[name] = true
	return name
}

func (q *quantizer) addInit(t onnxgraph.Tensor) string {
	t.Name = q.unique(t.Name)
	q.added = append(q.added, t)
	return t.Name
}

// referenced keeps the initializers some node reads: the float weights and
// biases that were replaced by quantised ones go.
func referenced(nodes []onnxgraph.Node, inits []onnxgraph.Tensor) []onnxgraph.Tensor {
	read := map[string]bool{}
	for _, n := range nodes {
		for _, in := range n.Inputs {
			read[in] = true
		}
	}
	return slices.DeleteFunc(inits, func(t onnxgraph.Tensor) bool { return !read[t.Name] })
}

// weightLimit bounds the quantised weights to [-63, 63], seven bits (ORT's
// reduce_range). An x86 CPU without VNNI runs ORT's u8s8 kernel on AVX2's
// vpmaddubsw, which adds two uint8 × int8 products in 16 bits and
// saturates past 32767: with weights up to 127 the antispoof's score on an
// AMD EPYC so moved up to 0.057 from the float model's, against 0.012 where
// the sums are exact (VNNI, ARM). With 63, 2 × 255 × 63 = 32130 always
// fits, so every CPU sums the same integers; the bit it costs moved no
// output of the models past their margins (the manifest's notes).
const weightLimit = 63

// weight quantises n's weight per output channel, symmetric int8 on
// [-weightLimit, weightLimit] (a symmetric range, so that -w and w
// quantise alike), and points n at its DequantizeLinear. A weight shared
// by several nodes is quantised once.
func (q *quantizer) weight(n *onnxgraph.Node, w *onnxgraph.Tensor, axis int64) ([]float32, error) {
	if s, ok := q.scales[w.Name]; ok {
		n.Inputs[1] = q.dq[w.Name]
		return s, nil
	}
	channels := int(w.Dims[axis])
	inner := 1
	for _, d := range w.Dims[axis+1:] {
		inner *= int(d)
	}
	scales := make([]float32, channels)
	for i, v := range w.Floats {
		c := i / inner % channels
		scales[c] = max(scales[c], float32(math.Abs(float64(v))))
	}
	for c := range scales {
		if scales[c] == 0 {
			scales[c] = 1 // an all-zero channel: any scale gives zeros
		}
		scales[c] /= weightLimit
	}
	qv := make([]int8, len(w.Floats))
	for i, v := range w.Floats {
		qv[i] = int8(clamp(math.RoundToEven(float64(v/scales[i/inner%channels])), -weightLimit, weightLimit))
	}
	qn := q.addInit(onnxgraph.Tensor{Name: w.Name + "_quantized", Dims: w.Dims, Int8s: qv})
	sn := q.addInit(onnxgraph.Tensor{Name: w.Name + "_scale", Dims: []int64{int64(channels)}, Floats: scales})
	zn := q.addInit(onnxgraph.Tensor{Name: w.Name + "_zero_point", Dims: []int64{int64(channels)}, Int8s: make([]int8, channels)})
	out := q.unique(w.Name + "_dequantized")
	q.nodes = append(q.nodes, onnxgraph.Node{Name: out, Op: "DequantizeLinear", Inputs: []string{qn, sn, zn}, Outputs: []string{out}, Attrs: []onnxgraph.Attr{onnxgraph.Int("axis", axis)}})
	if q.scales == nil {
		q.scales = map[string][]float32{}
	}
	q.scales[w.Name] = scales
	q.dq[w.Name] = out
	n.Inputs[1] = out
	return scales, nil
}

// bias quantises n's bias to int32 at scale input scale × weight scale per
// channel, zero point 0, which is what ORT's integer Conv and Gemm add.
func (q *quantizer) bias(n *onnxgraph.Node, wScales []float32, in Range) error {
	b := q.inits[n.Inputs[2]]
	if b == nil || b.Floats == nil || len(b.Floats) != len(wScales) {
		return nil // not a per-channel float bias: left as it is
	}
	xs, _ := uint8Params(in)
	scales := make([]float32, len(wScales))
	qv := make([]int32, len(wScales))
	for c, ws := range wScales {
		scales[c] = xs * ws
		qv[c] = int32(clamp(math.RoundToEven(float64(b.Floats[c]/scales[c])), math.MinInt32, math.MaxInt32))
	}
	qn := q.addInit(onnxgraph.Tensor{Name: b.Name + "_quantized", Dims: b.Dims, Int32s: qv})
	sn := q.addInit(onnxgraph.Tensor{Name: b.Name + "_scale", Dims: []int64{int64(len(scales))}, Floats: scales})
	zn := q.addInit(onnxgraph.Tensor{Name: b.Name + "_zero_point", Dims: []int64{int64(len(scales))}, Int32s: make([]int32, len(scales))})
	out := q.unique(b.Name + "_dequantized")
	q.nodes = append(q.nodes, onnxgraph.Node{Name: out, Op: "DequantizeLinear", Inputs: []string{qn, sn, zn}, Outputs: []string{out}, Attrs: []onnxgraph.Attr{onnxgraph.Int("axis", 0)}})
	n.Inputs[2] = out
	return nil
}

// activation is the QuantizeLinear / DequantizeLinear pair of tensor t.
func (q *quantizer) activation(t string, r Range) []onnxgraph.Node {
	scale, zp := uint8Params(r)
	sn := q.addInit(onnxgraph.Tensor{Name: t + "_scale", Floats: []float32{scale}})
	zn := q.addInit(onnxgraph.Tensor{Name: t + "_zero_point", Uint8s: []uint8{zp}})
	qo := q.unique(t + "_quantized")
	do := q.unique(t + "_dequantized")
	q.dq[t] = do
	return []onnxgraph.Node{
		{Name: qo, Op: "QuantizeLinear", Inputs: []string{t, sn, zn}, Outputs: []string{qo}},
		{Name: do, Op: "DequantizeLinear", Inputs: []string{qo, sn, zn}, Outputs: []string{do}},
	}
}

// uint8Params are the scale and zero point mapping r, widened to hold 0
// (so zero padding is exact), onto 0..255.
func uint8Params(r Range) (float32, uint8) {
	lo, hi := min(r.Min, 0), max(r.Max, 0)
	if hi-lo < 1e-8 {
		return 1, 0
	}
	scale := (hi - lo) / 255
	return scale, uint8(clamp(math.RoundToEven(float64(-lo/scale)), 0, 255))
}

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

// FoldAffine folds a per-channel constant Mul or Add that is the only
// reader of a Conv's output into the Conv's weights and bias, as ONNX
// Runtime's float optimiser does (ConvMulFusion, ConvAddFusion). The TFJS
// conversions keep some batch norms as Conv → Mul → Add; quantising the
// Conv's output before its per-channel scale would give channels of very
// different size one int8 scale, and lose the small ones. The result
// computes the same function up to float rounding; m is not changed.
func FoldAffine(m *onnxgraph.Model) *onnxgraph.Model {
	g := m.Graph
	g.Nodes = slices.Clone(g.Nodes)
	g.Initializers = slices.Clone(g.Initializers)
	outputs := map[string]bool{}
	for _, o := range g.Outputs {
		outputs[o.Name] = true
	}
	for {
		readers := map[string][]int{}
		for i, n := range g.Nodes {
			for _, in := range n.Inputs {
				readers[in] = append(readers[in], i)
			}
		}
		inits := map[string]int{}
		for i, t := range g.Initializers {
			inits[t.Name] = i
		}
		folded := false
		for i := range g.Nodes {
			c := &g.Nodes[i]
			if c.Op != "Conv" || len(c.Inputs) < 2 || outputs[c.Outputs[0]] {
				continue
			}
			r := readers[c.Outputs[0]]
			wi, ok := inits[c.Inputs[1]]
			if len(r) != 1 || !ok || len(readers[c.Inputs[1]]) != 1 {
				continue
			}
			n := &g.Nodes[r[0]]
			k, ok := channelConst(n, c.Outputs[0], inits, g.Initializers, g.Initializers[wi].Dims[0])
			if !ok || !foldInto(&g, c, wi, n.Op, k, inits, readers) {
				continue
			}
			// The Conv now writes what the Mul or Add wrote.
			c.Outputs = []string{n.Outputs[0]}
			g.Nodes = slices.Delete(g.Nodes, r[0], r[0]+1)
			folded = true
			break
		}
		if !folded {
			break
		}
	}
	g.Initializers = referenced(g.Nodes, g.Initializers)
	return &onnxgraph.Model{Producer: m.Producer, Graph: g}
}

// channelConst is the per-channel constant n (a Mul or Add) applies to x:
// an initializer of channels values shaped [C], [1,C,1,1] or [C,1,1].
func channelConst(n *onnxgraph.Node, x string, inits map[string]int, ts []onnxgraph.Tensor, channels int64) ([]float32, bool) {
	if (n.Op != "Mul" && n.Op != "Add") || len(n.Inputs) != 2 {
		return nil, false
	}
	other := n.Inputs[1]
	if n.Inputs[1] == x {
		other = n.Inputs[0]
	} else if n.Inputs[0] != x {
		return nil, false
	}
	i, ok := inits[other]
	if !ok || ts[i].Floats == nil || int64(len(ts[i].Floats)) != channels {
		return nil, false
	}
	// The channel axis of NCHW, broadcast from the right: [C,1,1] or
	// [1,C,1,1]. A [C] constant would broadcast over the width.
	d := ts[i].Dims
	if l := len(d); l < 3 || d[l-1] != 1 || d[l-2] != 1 || d[l-3] != channels {
		return nil, false
	}
	return ts[i].Floats, true
}

// foldInto scales (Mul) or offsets (Add) the Conv c's weights and bias by
// k, writing new initializers; false if its bias is shared.
func foldInto(g *onnxgraph.Graph, c *onnxgraph.Node, wi int, op string, k []float32, inits map[string]int, readers map[string][]int) bool {
	channels := len(k)
	bias := make([]float32, channels)
	if len(c.Inputs) > 2 && c.Inputs[2] != "" {
		bi, ok := inits[c.Inputs[2]]
		if !ok || len(readers[c.Inputs[2]]) != 1 || len(g.Initializers[bi].Floats) != channels {
			return false
		}
		copy(bias, g.Initializers[bi].Floats)
	}
	w := g.Initializers[wi]
	if op == "Mul" {
		scaled := slices.Clone(w.Floats)
		inner := len(scaled) / channels
		for i := range scaled {
			scaled[i] *= k[i/inner]
		}
		g.Initializers[wi].Floats = scaled
		for c := range bias {
			bias[c] *= k[c]
		}
	} else {
		for c := range bias {
			bias[c] += k[c]
		}
	}
	// Named after the tensor the Conv wrote before this fold: unique, and
	// new at each fold of the same Conv.
	name := c.Outputs[0] + "_folded_bias"
	g.Initializers = append(g.Initializers, onnxgraph.Tensor{Name: name, Dims: []int64{int64(channels)}, Floats: bias})
	c.Inputs = slices.Clone(c.Inputs)
	if len(c.Inputs) > 2 {
		c.Inputs[2] = name
	} else {
		c.Inputs = append(c.Inputs, name)
	}
	return true
}
