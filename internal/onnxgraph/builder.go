package onnxgraph

import "strconv"

// Builder assembles a Graph node by node, keeping every name unique.
type Builder struct {
	g     Graph
	taken map[string]bool
}

// NewBuilder starts an empty graph.
func NewBuilder(name string) *Builder {
	return &Builder{g: Graph{Name: name}, taken: map[string]bool{}}
}

// Unique returns base, or base_2, base_3… if base is already used.
func (b *Builder) Unique(base string) string {
	name := base
	for i := 2; b.taken[name]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	b.taken[name] = true
	return name
}

// Input declares a float32 graph input.
func (b *Builder) Input(name string, shape []int64) string {
	name = b.Unique(name)
	b.g.Inputs = append(b.g.Inputs, ValueInfo{Name: name, Type: Float, Shape: shape})
	return name
}

// Output declares the float32 tensor name as a graph output.
func (b *Builder) Output(name string, shape []int64) {
	b.g.Outputs = append(b.g.Outputs, ValueInfo{Name: name, Type: Float, Shape: shape})
}

// Floats adds a float32 initializer and returns its name.
func (b *Builder) Floats(base string, dims []int64, v []float32) string {
	name := b.Unique(base)
	b.g.Initializers = append(b.g.Initializers, Tensor{Name: name, Dims: dims, Floats: v})
	return name
}

// Int64s adds an int64 initializer and returns its name.
func (b *Builder) Int64s(base string, dims []int64, v []int64) string {
	name := b.Unique(base)
	if v == nil {
		v = []int64{}
	}
	b.g.Initializers = append(b.g.Initializers, Tensor{Name: name, Dims: dims, Int64s: v})
	return name
}

// Op appends a single-output node writing a fresh tensor named after out
// and returns that tensor's name.
func (b *Builder) Op(op, out string, inputs []string, attrs ...Attr) string {
	name := b.Unique(out)
	b.g.Nodes = append(b.g.Nodes, Node{Name: name, Op: op, Inputs: inputs, Outputs: []string{name}, Attrs: attrs})
	return name
}

// Model wraps the graph built so far.
func (b *Builder) Model(producer string) *Model {
	return &Model{Producer: producer, Graph: b.g}
}

// Named appends a node writing exactly the tensor name, which the caller
// reserved earlier with Unique.
func (b *Builder) Named(op, name string, inputs []string, attrs ...Attr) {
	b.g.Nodes = append(b.g.Nodes, Node{Name: name, Op: op, Inputs: inputs, Outputs: []string{name}, Attrs: attrs})
}
