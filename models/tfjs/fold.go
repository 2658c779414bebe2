package tfjs

import (
	"fmt"
	"math"
)

// foldBinary evaluates an elementwise op on two float constants with TF
// broadcasting, so constant subgraphs never reach the ONNX model.
func foldBinary(op string, a, b *Tensor) (*Tensor, error) {
	if a.Floats == nil || b.Floats == nil {
		return nil, fmt.Errorf("cannot fold %s on integer constants", op)
	}
	f, ok := map[string]func(x, y float32) float32{
		"Add": func(x, y float32) float32 { return x + y },
		"Sub": func(x, y float32) float32 { return x - y },
		"Mul": func(x, y float32) float32 { return x * y },
		"Min": func(x, y float32) float32 { return min(x, y) },
		"Max": func(x, y float32) float32 { return max(x, y) },
	}[op]
	if !ok {
		return nil, fmt.Errorf("cannot fold %s", op)
	}
	shape, err := broadcastShape(a.Shape, b.Shape)
	if err != nil {
		return nil, err
	}
	out := make([]float32, Size(shape))
	ia, ib := broadcastIndex(a.Shape, shape), broadcastIndex(b.Shape, shape)
	for i := range out {
		out[i] = f(a.Floats[ia(i)], b.Floats[ib(i)])
	}
	return &Tensor{Shape: shape, Floats: out}, nil
}

// broadcastIndex maps a flat index of the broadcast shape to one of s.
func broadcastIndex(s, shape []int64) func(int) int {
	r := len(shape)
	strides := make([]int64, r)
	acc := int64(1)
	for i := r - 1; i >= 0; i-- {
		if d := dimAt(s, i, r); d != 1 {
			strides[i] = acc
			acc *= d
		}
	}
	return func(flat int) int {
		src, f := int64(0), int64(flat)
		for i := r - 1; i >= 0; i-- {
			src += (f % shape[i]) * strides[i]
			f /= shape[i]
		}
		return int(src)
	}
}

func foldUnary(op string, x *Tensor) (*Tensor, error) {
	f, ok := map[string]func(float32) float32{
		"Relu":    func(v float32) float32 { return max(v, 0) },
		"Relu6":   func(v float32) float32 { return min(max(v, 0), 6) },
		"Abs":     func(v float32) float32 { return float32(math.Abs(float64(v))) },
		"Square":  func(v float32) float32 { return v * v },
		"Rsqrt":   func(v float32) float32 { return float32(1 / math.Sqrt(float64(v))) },
		"Sigmoid": func(v float32) float32 { return float32(1 / (1 + math.Exp(-float64(v)))) },
	}[op]
	if !ok || x.Floats == nil {
		return nil, fmt.Errorf("cannot fold %s", op)
	}
	out := make([]float32, len(x.Floats))
	for i, v := range x.Floats {
		out[i] = f(v)
	}
	return &Tensor{Shape: x.Shape, Floats: out}, nil
}
