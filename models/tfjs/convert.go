package tfjs

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/liveid/liveid/internal/onnxgraph"
)

// value is a tensor during conversion. Shapes are always kept in TF's
// (NHWC) order; nchw says the ONNX tensor holds the data as NCHW instead.
type value struct {
	name  string
	shape []int64
	nchw  bool
	konst *Tensor // set for constants, which are materialised on use
	other string  // cached name of the same data in the other layout
}

type converter struct {
	g     *Graph
	b     *onnxgraph.Builder
	nodes map[string]*Node
	vals  map[string]*value
	busy  map[string]bool
}

// Output is one output of a converted model.
type Output struct {
	Name  string  // ONNX output name: the signature key, else the TF node name
	Node  string  // TF node (and ":k" output index) it comes from
	Shape []int64 // -1 where unknown (the batch)
}

// Convert translates a TFJS graph model into an ONNX graph computing in
// NCHW, with one layout transpose after the NHWC input. Inputs keep the TF
// names, shapes and NHWC layout; outputs keep TF's layout.
func Convert(g *Graph, name string) (*onnxgraph.Model, []Output, error) {
	c := &converter{g: g, b: onnxgraph.NewBuilder(name), nodes: map[string]*Node{},
		vals: map[string]*value{}, busy: map[string]bool{}}
	for _, n := range g.Nodes {
		c.nodes[n.Name] = n
	}
	outs := c.outputs()
	for _, o := range outs {
		c.b.Unique(o.Name) // reserved: converted nodes must not take it
	}
	for i, o := range outs {
		v, err := c.eval(o.Node)
		if err != nil {
			return nil, nil, err
		}
		if v.konst != nil {
			return nil, nil, fmt.Errorf("tfjs: output %s is a constant", o.Name)
		}
		c.b.Named("Identity", o.Name, []string{c.nhwc(v)})
		outs[i].Shape = v.shape
		c.b.Output(o.Name, v.shape)
	}
	return c.b.Model("liveid tfjs2onnx"), outs, nil
}

// outputs lists the graph outputs: the signature's when the model has one,
// else every node nothing else reads, in model order.
func (c *converter) outputs() []Output {
	var outs []Output
	if len(c.g.Outputs) > 0 {
		for key, ref := range c.g.Outputs {
			outs = append(outs, Output{Name: strings.TrimSuffix(key, ":0"), Node: ref})
		}
		sort.Slice(outs, func(i, j int) bool { return outs[i].Name < outs[j].Name })
		return outs
	}
	read := map[string]bool{}
	for _, n := range c.g.Nodes {
		for _, in := range n.Input {
			read[strings.TrimPrefix(strings.SplitN(in, ":", 2)[0], "^")] = true
		}
	}
	for _, n := range c.g.Nodes {
		if !read[n.Name] && n.Op != "Const" && n.Op != "Placeholder" {
			outs = append(outs, Output{Name: n.Name, Node: n.Name})
		}
	}
	return outs
}

// eval converts the node producing ref (and, first, everything it reads).
func (c *converter) eval(ref string) (*value, error) {
	ref = strings.TrimSuffix(ref, ":0")
	if v, ok := c.vals[ref]; ok {
		return v, nil
	}
	n, ok := c.nodes[ref]
	if !ok {
		return nil, fmt.Errorf("tfjs: graph reads %q, which no node produces", ref)
	}
	if c.busy[ref] {
		return nil, fmt.Errorf("tfjs: graph has a cycle through %s", ref)
	}
	c.busy[ref] = true
	v, err := c.convert(n)
	if err != nil {
		return nil, err
	}
	c.vals[ref] = v
	return v, nil
}

// in evaluates the node's i-th data input (control inputs are skipped).
func (c *converter) in(n *Node, i int) (*value, error) {
	var data []string
	for _, s := range n.Input {
		if !strings.HasPrefix(s, "^") {
			data = append(data, s)
		}
	}
	if i >= len(data) {
		return nil, fmt.Errorf("tfjs: node %s (%s) has no input %d", n.Name, n.Op, i)
	}
	return c.eval(data[i])
}

// konstIn evaluates an input that must be a constant.
func (c *converter) konstIn(n *Node, i int) (*Tensor, error) {
	v, err := c.in(n, i)
	if err != nil {
		return nil, err
	}
	if v.konst == nil {
		return nil, fmt.Errorf("tfjs: node %s (%s): input %d must be constant", n.Name, n.Op, i)
	}
	return v.konst, nil
}

func (c *converter) convert(n *Node) (*value, error) {
	switch n.Op {
	case "Const":
		t, ok := c.g.Weights[n.Name]
		if !ok {
			return nil, fmt.Errorf("tfjs: constant %s has no weights", n.Name)
		}
		return &value{shape: t.Shape, konst: t}, nil
	case "Placeholder":
		shape, err := n.PlaceholderShape()
		if err != nil {
			return nil, err
		}
		return &value{name: c.b.Input(n.Name, shape), shape: shape}, nil
	case "Identity":
		return c.in(n, 0)
	case "Add", "AddV2", "BiasAdd":
		return c.binary(n, "Add")
	case "Sub":
		return c.binary(n, "Sub")
	case "Mul":
		return c.binary(n, "Mul")
	case "Minimum":
		return c.binary(n, "Min")
	case "Maximum":
		return c.binary(n, "Max")
	case "Relu", "Relu6", "Sigmoid", "Abs", "Square", "Rsqrt":
		return c.unary(n)
	case "Prelu":
		x, err := c.in(n, 0)
		if err != nil {
			return nil, err
		}
		return c.activation(n, x, "Prelu", 1)
	case "Conv2D", "_FusedConv2D":
		return c.conv(n, false)
	case "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative":
		return c.conv(n, true)
	case "MaxPool":
		return c.pool(n, "MaxPool")
	case "AvgPool":
		return c.pool(n, "AveragePool")
	case "Pad", "PadV2":
		return c.pad(n)
	case "Reshape":
		return c.reshape(n)
	case "Squeeze":
		return c.squeeze(n)
	case "Mean":
		return c.reduce(n, "ReduceMean")
	case "Sum":
		return c.reduce(n, "ReduceSum")
	case "ConcatV2":
		return c.concat(n)
	case "Softmax":
		x, err := c.in(n, 0)
		if err != nil {
			return nil, err
		}
		return c.plain(n, "Softmax", x, onnxgraph.Int("axis", -1)), nil
	case "MatMul", "_FusedMatMul":
		return c.matmul(n)
	}
	return nil, fmt.Errorf("tfjs: node %s: unsupported op %s", n.Name, n.Op)
}

// plain applies a layout-free op in TF layout.
func (c *converter) plain(n *Node, op string, x *value, attrs ...onnxgraph.Attr) *value {
	name := c.b.Op(op, n.Name, []string{c.nhwc(x)}, attrs...)
	return &value{name: name, shape: x.shape}
}

// nchw names the data of v in NCHW layout, adding at most one transpose
// per tensor.
func (c *converter) nchw(v *value) string {
	switch {
	case v.konst != nil:
		return c.constNCHW(v.konst)
	case v.nchw:
		return v.name
	case v.other == "":
		v.other = c.b.Op("Transpose", v.name+"_nchw", []string{v.name}, onnxgraph.Ints("perm", 0, 3, 1, 2))
	}
	return v.other
}

// nhwc names the data of v in TF layout.
func (c *converter) nhwc(v *value) string {
	switch {
	case v.konst != nil:
		return c.constant(v.konst, v.konst.Shape, v.konst.Floats)
	case !v.nchw:
		return v.name
	case v.other == "":
		v.other = c.b.Op("Transpose", v.name+"_nhwc", []string{v.name}, onnxgraph.Ints("perm", 0, 2, 3, 1))
	}
	return v.other
}

// operand names v for an op computing in NCHW (when nchw) or TF layout.
func (c *converter) operand(v *value, nchw bool) (string, error) {
	if !nchw {
		return c.nhwc(v), nil
	}
	if v.konst == nil && len(v.shape) != 4 {
		return "", fmt.Errorf("tfjs: cannot broadcast a rank-%d tensor against NCHW data", len(v.shape))
	}
	return c.nchw(v), nil
}

func (c *converter) constant(t *Tensor, shape []int64, floats []float32) string {
	if t.Ints != nil {
		return c.b.Int64s("const", shape, t.Ints)
	}
	return c.b.Floats("const", shape, floats)
}

// constNCHW materialises a constant for broadcasting against NCHW data:
// padded to rank 4 as TF broadcasting would, then permuted.
func (c *converter) constNCHW(t *Tensor) string {
	if len(t.Shape) == 0 || Size(t.Shape) == 1 {
		return c.constant(t, nil, t.Floats[:1])
	}
	s := slices.Concat(make([]int64, 4-len(t.Shape)), t.Shape)
	for i := range 4 - len(t.Shape) {
		s[i] = 1
	}
	return c.b.Floats("const", []int64{s[0], s[3], s[1], s[2]}, permute(t.Floats, s, []int{0, 3, 1, 2}))
}

// permute transposes row-major data of the given shape by perm.
func permute(data []float32, shape []int64, perm []int) []float32 {
	out := make([]float32, len(data))
	strides := make([]int64, len(shape))
	acc := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		strides[i] = acc
		acc *= shape[i]
	}
	outShape := make([]int64, len(perm))
	for i, p := range perm {
		outShape[i] = shape[p]
	}
	idx := make([]int64, len(perm))
	for o := range out {
		src := int64(0)
		for i, p := range perm {
			src += idx[i] * strides[p]
		}
		out[o] = data[src]
		for i := len(idx) - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < outShape[i] {
				break
			}
			idx[i] = 0
		}
	}
	return out
}

func (c *converter) binary(n *Node, op string) (*value, error) {
	a, err := c.in(n, 0)
	if err != nil {
		return nil, err
	}
	b, err := c.in(n, 1)
	if err != nil {
		return nil, err
	}
	if a.konst != nil && b.konst != nil {
		t, err := foldBinary(op, a.konst, b.konst)
		if err != nil {
			return nil, fmt.Errorf("tfjs: node %s: %w", n.Name, err)
		}
		return &value{shape: t.Shape, konst: t}, nil
	}
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		return nil, fmt.Errorf("tfjs: node %s: %w", n.Name, err)
	}
	nchw := (a.konst == nil && a.nchw) || (b.konst == nil && b.nchw)
	an, err := c.operand(a, nchw)
	if err != nil {
		return nil, fmt.Errorf("tfjs: node %s: %w", n.Name, err)
	}
	bn, err := c.operand(b, nchw)
	if err != nil {
		return nil, fmt.Errorf("tfjs: node %s: %w", n.Name, err)
	}
	return &value{name: c.b.Op(op, n.Name, []string{an, bn}), shape: shape, nchw: nchw && len(shape) == 4}, nil
}

func (c *converter) unary(n *Node) (*value, error) {
	x, err := c.in(n, 0)
	if err != nil {
		return nil, err
	}
	if x.konst != nil {
		t, err := foldUnary(n.Op, x.konst)
		if err != nil {
			return nil, fmt.Errorf("tfjs: node %s: %w", n.Name, err)
		}
		return &value{shape: t.Shape, konst: t}, nil
	}
	switch n.Op {
	case "Square":
		return c.same(x, c.b.Op("Mul", n.Name, []string{c.keep(x), c.keep(x)})), nil
	case "Rsqrt":
		s := c.b.Op("Sqrt", n.Name+"_sqrt", []string{c.keep(x)})
		return c.same(x, c.b.Op("Reciprocal", n.Name, []string{s})), nil
	case "Abs":
		return c.same(x, c.b.Op("Abs", n.Name, []string{c.keep(x)})), nil
	}
	return c.activation(n, x, n.Op, -1)
}

// keep names x in whatever layout it already has.
func (c *converter) keep(x *value) string {
	if x.konst != nil {
		return c.nhwc(x)
	}
	return x.name
}

// same wraps a new tensor with x's shape and layout.
func (c *converter) same(x *value, name string) *value {
	return &value{name: name, shape: x.shape, nchw: x.nchw}
}

// activation applies a TF activation to x; for Prelu the slope is the
// node's input alphaIn.
func (c *converter) activation(n *Node, x *value, act string, alphaIn int) (*value, error) {
	in := []string{c.keep(x)}
	var attrs []onnxgraph.Attr
	op := act
	switch act {
	case "Relu", "Sigmoid":
	case "Relu6":
		op = "Clip"
		in = append(in, c.b.Floats("zero", nil, []float32{0}), c.b.Floats("six", nil, []float32{6}))
	case "LeakyRelu":
		attrs = append(attrs, onnxgraph.FloatAttr("alpha", n.Float("leakyrelu_alpha", 0.2)))
	case "Prelu":
		op = "PRelu"
		alpha, err := c.in(n, alphaIn)
		if err != nil {
			return nil, err
		}
		if alpha.konst == nil {
			return nil, fmt.Errorf("tfjs: node %s: Prelu slope must be constant", n.Name)
		}
		slope, err := c.operand(alpha, x.nchw)
		if err != nil {
			return nil, err
		}
		in = append(in, slope)
	default:
		return nil, fmt.Errorf("tfjs: node %s: unsupported activation %s", n.Name, act)
	}
	return c.same(x, c.b.Op(op, n.Name+"_"+strings.ToLower(act), in, attrs...)), nil
}

// fused applies a fused op's epilogue after BiasAdd; extra inputs (the
// Prelu slope) start at input 3.
func (c *converter) fused(n *Node, y *value) (*value, error) {
	ops := n.Strs("fused_ops")
	if len(ops) > 0 && ops[0] != "BiasAdd" {
		return nil, fmt.Errorf("tfjs: node %s: unsupported fused ops %v", n.Name, ops)
	}
	if len(ops) > 2 {
		return nil, fmt.Errorf("tfjs: node %s: unsupported fused ops %v", n.Name, ops)
	}
	if len(ops) == 2 {
		return c.activation(n, y, ops[1], 3)
	}
	return y, nil
}

// spatial computes one spatial dimension's padding and output size for TF
// padding modes.
func spatial(mode string, in, k, s, d, explicitBefore, explicitAfter int64) (before, after, out int64, err error) {
	if in < 0 {
		return 0, 0, 0, fmt.Errorf("spatial size unknown")
	}
	eff := (k-1)*d + 1
	switch mode {
	case "VALID":
		return 0, 0, (in-eff)/s + 1, nil
	case "SAME":
		out = (in + s - 1) / s
		total := max((out-1)*s+eff-in, 0)
		return total / 2, total - total/2, out, nil
	case "EXPLICIT":
		return explicitBefore, explicitAfter, (in+explicitBefore+explicitAfter-eff)/s + 1, nil
	}
	return 0, 0, 0, fmt.Errorf("padding %q unsupported", mode)
}

// window reads strides/dilations/padding of a conv or pool node with an
// HxW window and returns ONNX pads, strides, dilations and the output shape.
func window(n *Node, x *value, kh, kw int64) (pads, strides, dil []int64, oh, ow int64, err error) {
	if df := n.Str("data_format"); df != "" && df != "NHWC" {
		return nil, nil, nil, 0, 0, fmt.Errorf("tfjs: node %s: data format %s unsupported", n.Name, df)
	}
	if len(x.shape) != 4 {
		return nil, nil, nil, 0, 0, fmt.Errorf("tfjs: node %s: input must be 4-D, is %v", n.Name, x.shape)
	}
	st, err := n.Ints("strides")
	if err != nil {
		return nil, nil, nil, 0, 0, err
	}
	dl := []int64{1, 1, 1, 1}
	if _, ok := n.Attr["dilations"]; ok {
		if dl, err = n.Ints("dilations"); err != nil {
			return nil, nil, nil, 0, 0, err
		}
	}
	ex := make([]int64, 8)
	if _, ok := n.Attr["explicit_paddings"]; ok {
		e, err := n.Ints("explicit_paddings")
		if err != nil {
			return nil, nil, nil, 0, 0, err
		}
		copy(ex, e)
	}
	mode := n.Str("padding")
	t, b, oh, err := spatial(mode, x.shape[1], kh, st[1], dl[1], ex[2], ex[3])
	if err != nil {
		return nil, nil, nil, 0, 0, fmt.Errorf("tfjs: node %s: %w", n.Name, err)
	}
	l, r, ow, err := spatial(mode, x.shape[2], kw, st[2], dl[2], ex[4], ex[5])
	if err != nil {
		return nil, nil, nil, 0, 0, fmt.Errorf("tfjs: node %s: %w", n.Name, err)
	}
	return []int64{t, l, b, r}, []int64{st[1], st[2]}, []int64{dl[1], dl[2]}, oh, ow, nil
}

func (c *converter) conv(n *Node, depthwise bool) (*value, error) {
	x, err := c.in(n, 0)
	if err != nil {
		return nil, err
	}
	w, err := c.konstIn(n, 1)
	if err != nil {
		return nil, err
	}
	if len(w.Shape) != 4 {
		return nil, fmt.Errorf("tfjs: node %s: filter must be 4-D", n.Name)
	}
	kh, kw, cin, cout := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	pads, strides, dil, oh, ow, err := window(n, x, kh, kw)
	if err != nil {
		return nil, err
	}
	// TF filters are [kh,kw,in,out]; ONNX wants [out,in/group,kh,kw]. A
	// depthwise [kh,kw,in,mult] filter maps to out channel in*mult+m.
	wdims := []int64{cout, cin, kh, kw}
	group := int64(1)
	if depthwise {
		wdims = []int64{cin * cout, 1, kh, kw}
		group = cin
	}
	wname := c.b.Floats(n.Name+"_w", wdims, permute(w.Floats, w.Shape, []int{3, 2, 0, 1}))
	if depthwise {
		wname = c.b.Floats(n.Name+"_w", wdims, permute(w.Floats, w.Shape, []int{2, 3, 0, 1}))
	}
	in := []string{c.nchw(x), wname}
	if len(n.Strs("fused_ops")) > 0 {
		bias, err := c.konstIn(n, 2)
		if err != nil {
			return nil, err
		}
		in = append(in, c.b.Floats(n.Name+"_b", []int64{Size(bias.Shape)}, bias.Floats))
	}
	attrs := []onnxgraph.Attr{
		onnxgraph.Ints("kernel_shape", kh, kw), onnxgraph.Ints("strides", strides...),
		onnxgraph.Ints("pads", pads...), onnxgraph.Ints("dilations", dil...), onnxgraph.Int("group", group),
	}
	outC := cout
	if depthwise {
		outC = cin * cout
	}
	y := &value{name: c.b.Op("Conv", n.Name, in, attrs...), shape: []int64{x.shape[0], oh, ow, outC}, nchw: true}
	return c.fused(n, y)
}

func (c *converter) pool(n *Node, op string) (*value, error) {
	x, err := c.in(n, 0)
	if err != nil {
		return nil, err
	}
	k, err := n.Ints("ksize")
	if err != nil {
		return nil, err
	}
	pads, strides, _, oh, ow, err := window(n, x, k[1], k[2])
	if err != nil {
		return nil, err
	}
	name := c.b.Op(op, n.Name, []string{c.nchw(x)}, onnxgraph.Ints("kernel_shape", k[1], k[2]),
		onnxgraph.Ints("strides", strides...), onnxgraph.Ints("pads", pads...))
	return &value{name: name, shape: []int64{x.shape[0], oh, ow, x.shape[3]}, nchw: true}, nil
}

// nchwAxis maps a TF axis of a 4-D tensor to its NCHW position.
var nchwAxis = []int64{0, 2, 3, 1}

func (c *converter) pad(n *Node) (*value, error) {
	x, err := c.in(n, 0)
	if err != nil {
		return nil, err
	}
	p, err := c.konstIn(n, 1)
	if err != nil {
		return nil, err
	}
	r := len(x.shape)
	if p.Ints == nil || len(p.Ints) != 2*r {
		return nil, fmt.Errorf("tfjs: node %s: paddings must be int [%d,2]", n.Name, r)
	}
	pads := make([]int64, 2*r)
	shape := slices.Clone(x.shape)
	for i := range r {
		at := int64(i)
		if x.nchw {
			at = nchwAxis[i]
		}
		pads[at], pads[int64(r)+at] = p.Ints[2*i], p.Ints[2*i+1]
		if shape[i] >= 0 {
			shape[i] += p.Ints[2*i] + p.Ints[2*i+1]
		}
	}
	in := []string{c.keep(x), c.b.Int64s(n.Name+"_pads", []int64{int64(2 * r)}, pads)}
	if n.Op == "PadV2" {
		cv, err := c.konstIn(n, 2)
		if err != nil {
			return nil, err
		}
		in = append(in, c.b.Floats(n.Name+"_value", nil, cv.Floats[:1]))
	}
	return c.same(&value{shape: shape, nchw: x.nchw}, c.b.Op("Pad", n.Name, in)), nil
}

func (c *converter) reshape(n *Node) (*value, error) {
	x, err := c.in(n, 0)
	if err != nil {
		return nil, err
	}
	s, err := c.konstIn(n, 1)
	if err != nil {
		return nil, err
	}
	if s.Ints == nil {
		return nil, fmt.Errorf("tfjs: node %s: shape must be int", n.Name)
	}
	shape := reshaped(x.shape, s.Ints)
	name := c.b.Op("Reshape", n.Name, []string{c.nhwc(x), c.b.Int64s(n.Name+"_shape", []int64{int64(len(s.Ints))}, s.Ints)})
	return &value{name: name, shape: shape}, nil
}

// reshaped resolves a TF reshape target's -1 where the input's size is
// known up to the batch.
func reshaped(in, target []int64) []int64 {
	out := slices.Clone(target)
	known, batch := int64(1), false
	for _, d := range in {
		if d < 0 {
			batch = true
		} else {
			known *= d
		}
	}
	free, rest := -1, int64(1)
	for i, d := range out {
		if d < 0 {
			free = i
		} else {
			rest *= d
		}
	}
	if free >= 0 && !batch && rest > 0 {
		out[free] = known / rest
	}
	return out
}

// keepsOrder says whether dropping the TF axes drop from an NCHW tensor
// leaves its data in TF order (true unless C survives beside H or W).
func keepsOrder(drop []int64) bool {
	gone := map[int64]bool{}
	for _, a := range drop {
		gone[a] = true
	}
	return gone[3] || (gone[1] && gone[2])
}

// axes normalises TF axes (possibly negative) for a rank-r tensor.
func axes(list []int64, r int) []int64 {
	out := make([]int64, len(list))
	for i, a := range list {
		if a < 0 {
			a += int64(r)
		}
		out[i] = a
	}
	slices.Sort(out)
	return out
}

// dropped returns the data name and ONNX axes for a reduction or squeeze
// over TF axes ax, staying in NCHW when that keeps TF's order.
func (c *converter) dropped(x *value, ax []int64, keep bool) (string, []int64, bool) {
	if x.nchw && (keep || keepsOrder(ax)) {
		on := make([]int64, len(ax))
		for i, a := range ax {
			on[i] = nchwAxis[a]
		}
		slices.Sort(on)
		return x.name, on, keep
	}
	return c.nhwc(x), ax, false
}

// without removes axes from a TF shape (or sets them to 1 when keep).
func without(shape, ax []int64, keep bool) []int64 {
	var out []int64
	for i, d := range shape {
		if slices.Contains(ax, int64(i)) {
			if keep {
				out = append(out, 1)
			}
			continue
		}
		out = append(out, d)
	}
	return out
}

func (c *converter) squeeze(n *Node) (*value, error) {
	x, err := c.in(n, 0)
	if err != nil {
		return nil, err
	}
	var ax []int64
	for _, key := range []string{"squeeze_dims", "axis"} {
		if _, ok := n.Attr[key]; ok {
			if ax, err = n.Ints(key); err != nil {
				return nil, err
			}
		}
	}
	if len(ax) == 0 {
		for i, d := range x.shape {
			if d == 1 {
				ax = append(ax, int64(i))
			}
		}
	}
	ax = axes(ax, len(x.shape))
	data, on, _ := c.dropped(x, ax, false)
	name := c.b.Op("Squeeze", n.Name, []string{data, c.b.Int64s(n.Name+"_axes", []int64{int64(len(on))}, on)})
	return &value{name: name, shape: without(x.shape, ax, false)}, nil
}

func (c *converter) reduce(n *Node, op string) (*value, error) {
	x, err := c.in(n, 0)
	if err != nil {
		return nil, err
	}
	a, err := c.konstIn(n, 1)
	if err != nil {
		return nil, err
	}
	ax := axes(a.Ints, len(x.shape))
	keep := n.Bool("keep_dims")
	data, on, nchw := c.dropped(x, ax, keep)
	kd := int64(0)
	if keep {
		kd = 1
	}
	var name string
	if op == "ReduceSum" { // opset 13 takes ReduceSum's axes as an input
		name = c.b.Op(op, n.Name, []string{data, c.b.Int64s(n.Name+"_axes", []int64{int64(len(on))}, on)}, onnxgraph.Int("keepdims", kd))
	} else {
		name = c.b.Op(op, n.Name, []string{data}, onnxgraph.Ints("axes", on...), onnxgraph.Int("keepdims", kd))
	}
	return &value{name: name, shape: without(x.shape, ax, keep), nchw: nchw}, nil
}

func (c *converter) concat(n *Node) (*value, error) {
	var data []string
	for _, s := range n.Input {
		if !strings.HasPrefix(s, "^") {
			data = append(data, s)
		}
	}
	a, err := c.konstIn(n, len(data)-1)
	if err != nil {
		return nil, err
	}
	var vals []*value
	nchw := true
	for i := range len(data) - 1 {
		v, err := c.in(n, i)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		if v.konst == nil && !v.nchw {
			nchw = false
		}
	}
	r := len(vals[0].shape)
	axis := axes(a.Ints[:1], r)[0]
	nchw = nchw && r == 4
	shape := slices.Clone(vals[0].shape)
	shape[axis] = 0
	var names []string
	for _, v := range vals {
		name, err := c.operand(v, nchw)
		if err != nil {
			return nil, err
		}
		names = append(names, name)
		if shape[axis] >= 0 && v.shape[axis] >= 0 {
			shape[axis] += v.shape[axis]
		} else {
			shape[axis] = -1
		}
	}
	on := axis
	if nchw {
		on = nchwAxis[axis]
	}
	return &value{name: c.b.Op("Concat", n.Name, names, onnxgraph.Int("axis", on)), shape: shape, nchw: nchw}, nil
}

func (c *converter) matmul(n *Node) (*value, error) {
	a, err := c.in(n, 0)
	if err != nil {
		return nil, err
	}
	w, err := c.konstIn(n, 1)
	if err != nil {
		return nil, err
	}
	if len(a.shape) != 2 || len(w.Shape) != 2 {
		return nil, fmt.Errorf("tfjs: node %s: MatMul supports 2-D operands only", n.Name)
	}
	ta, tb := n.Bool("transpose_a"), n.Bool("transpose_b")
	in := []string{c.nhwc(a), c.b.Floats(n.Name+"_w", w.Shape, w.Floats)}
	if len(n.Strs("fused_ops")) > 0 {
		bias, err := c.konstIn(n, 2)
		if err != nil {
			return nil, err
		}
		in = append(in, c.b.Floats(n.Name+"_b", []int64{Size(bias.Shape)}, bias.Floats))
	}
	rows, cols := a.shape[0], w.Shape[1]
	if ta {
		rows = a.shape[1]
	}
	if tb {
		cols = w.Shape[0]
	}
	name := c.b.Op("Gemm", n.Name, in, onnxgraph.Int("transA", b2i(ta)), onnxgraph.Int("transB", b2i(tb)))
	return c.fused(n, &value{name: name, shape: []int64{rows, cols}})
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// broadcastShape is numpy/TF broadcasting of two shapes (-1: unknown).
func broadcastShape(a, b []int64) ([]int64, error) {
	r := max(len(a), len(b))
	out := make([]int64, r)
	for i := range r {
		da, db := dimAt(a, i, r), dimAt(b, i, r)
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		case da < 0 || db < 0:
			out[i] = max(da, db)
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

func dimAt(s []int64, i, r int) int64 {
	if j := i - (r - len(s)); j >= 0 {
		return s[j]
	}
	return 1
}
