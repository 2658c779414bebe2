// Package faceapi assembles face-api's face-recognition ResNet (a
// ResNet-34-like network after dlib's, 150×150 RGB in, 128-d descriptor
// out) as an ONNX model from the package's TFJS weights manifest. The
// architecture is fixed in face-api's code, not in the weights, so it is
// written down here.
package faceapi

import (
	"fmt"

	"github.com/liveid/liveid/internal/onnxgraph"
	"github.com/liveid/liveid/models/tfjs"
)

// Size is the network's input side in pixels.
const Size = 150

// builder carries the weights and the graph under construction.
type builder struct {
	w map[string]*tfjs.Tensor
	b *onnxgraph.Builder
}

// Build reads the weights manifest and returns the ONNX model. The input
// "input" is NHWC [N,150,150,3] holding (pixel - mean)/255 per channel (the
// normalisation stays outside, in the manifest); the output "descriptor"
// is [N,128].
func Build(manifestPath string) (*onnxgraph.Model, error) {
	w, err := tfjs.LoadWeightsManifest(manifestPath)
	if err != nil {
		return nil, err
	}
	fb := &builder{w: w, b: onnxgraph.NewBuilder("faceapi_resnet")}
	fb.b.Unique("descriptor")
	x := fb.b.Input("input", []int64{-1, Size, Size, 3})
	x = fb.b.Op("Transpose", "input_nchw", []string{x}, onnxgraph.Ints("perm", 0, 3, 1, 2))
	side := int64(Size)
	if x, side, err = fb.conv(x, "conv32_down", side, 2, true); err != nil {
		return nil, err
	}
	x = fb.b.Op("MaxPool", "pool", []string{x}, onnxgraph.Ints("kernel_shape", 3, 3), onnxgraph.Ints("strides", 2, 2))
	side = (side-3)/2 + 1
	for _, stage := range []struct {
		down string
		same []string
	}{
		{"", []string{"conv32_1", "conv32_2", "conv32_3"}},
		{"conv64_down", []string{"conv64_1", "conv64_2", "conv64_3"}},
		{"conv128_down", []string{"conv128_1", "conv128_2"}},
		{"conv256_down", []string{"conv256_1", "conv256_2"}},
		{"conv256_down_out", nil},
	} {
		if stage.down != "" {
			if x, side, err = fb.residualDown(x, stage.down, side); err != nil {
				return nil, err
			}
		}
		for _, name := range stage.same {
			if x, err = fb.residual(x, name, side); err != nil {
				return nil, err
			}
		}
	}
	x = fb.b.Op("ReduceMean", "global_mean", []string{x}, onnxgraph.Ints("axes", 2, 3), onnxgraph.Int("keepdims", 0))
	fc, err := fb.weight("fc", 2)
	if err != nil {
		return nil, err
	}
	fb.b.Named("MatMul", "descriptor", []string{x, fb.b.Floats("fc", fc.Shape, fc.Floats)})
	fb.b.Output("descriptor", []int64{-1, 128})
	return fb.b.Model("liveid faceapi"), nil
}

func (fb *builder) weight(name string, rank int) (*tfjs.Tensor, error) {
	t, ok := fb.w[name]
	if !ok || t.Floats == nil || len(t.Shape) != rank {
		return nil, fmt.Errorf("faceapi: weight %s missing or malformed", name)
	}
	return t, nil
}

// conv is face-api's conv layer: conv (+bias), then a per-channel scale
// and shift, then optional ReLU. Scale and shift fold into the conv's
// weights and bias. Stride 2 layers use VALID padding, stride 1 SAME.
func (fb *builder) conv(x, name string, side, stride int64, relu bool) (string, int64, error) {
	f, err := fb.weight(name+"/conv/filters", 4)
	if err != nil {
		return "", 0, err
	}
	bias, err := fb.weight(name+"/conv/bias", 1)
	if err != nil {
		return "", 0, err
	}
	sw, err := fb.weight(name+"/scale/weights", 1)
	if err != nil {
		return "", 0, err
	}
	sb, err := fb.weight(name+"/scale/biases", 1)
	if err != nil {
		return "", 0, err
	}
	k, cin, cout := f.Shape[0], f.Shape[2], f.Shape[3]
	w := make([]float32, len(f.Floats))
	// TF [kh,kw,in,out] → ONNX [out,in,kh,kw], scaled per output channel.
	for ky := range k {
		for kx := range k {
			for i := range cin {
				for o := range cout {
					src := ((ky*k+kx)*cin+i)*cout + o
					w[((o*cin+i)*k+ky)*k+kx] = f.Floats[src] * sw.Floats[o]
				}
			}
		}
	}
	b := make([]float32, cout)
	for o := range b {
		b[o] = bias.Floats[o]*sw.Floats[o] + sb.Floats[o]
	}
	pad, out := (k-1)/2, side
	if stride == 2 {
		pad, out = 0, (side-k)/2+1
	}
	y := fb.b.Op("Conv", name, []string{x, fb.b.Floats(name+"_w", []int64{cout, cin, k, k}, w), fb.b.Floats(name+"_b", []int64{cout}, b)},
		onnxgraph.Ints("kernel_shape", k, k), onnxgraph.Ints("strides", stride, stride), onnxgraph.Ints("pads", pad, pad, pad, pad))
	if relu {
		y = fb.b.Op("Relu", name+"_relu", []string{y})
	}
	return y, out, nil
}

// residual is conv-relu, conv, add the input, relu.
func (fb *builder) residual(x, name string, side int64) (string, error) {
	y, _, err := fb.conv(x, name+"/conv1", side, 1, true)
	if err != nil {
		return "", err
	}
	if y, _, err = fb.conv(y, name+"/conv2", side, 1, false); err != nil {
		return "", err
	}
	sum := fb.b.Op("Add", name+"_add", []string{y, x})
	return fb.b.Op("Relu", name+"_relu", []string{sum}), nil
}

// residualDown halves the resolution: the shortcut is a 2×2 average pool,
// zero-padded to the new channel count, and when the strided conv comes out
// one pixel smaller than the pool, the conv output is zero-padded at the
// bottom and right, as face-api does.
func (fb *builder) residualDown(x, name string, side int64) (string, int64, error) {
	cin := fb.w[name+"/conv1/conv/filters"]
	if cin == nil || len(cin.Shape) != 4 {
		return "", 0, fmt.Errorf("faceapi: weight %s/conv1/conv/filters missing", name)
	}
	y, out, err := fb.conv(x, name+"/conv1", side, 2, true)
	if err != nil {
		return "", 0, err
	}
	if y, _, err = fb.conv(y, name+"/conv2", out, 1, false); err != nil {
		return "", 0, err
	}
	pooled := fb.b.Op("AveragePool", name+"_pool", []string{x}, onnxgraph.Ints("kernel_shape", 2, 2), onnxgraph.Ints("strides", 2, 2))
	pside := (side-2)/2 + 1
	if extra := pside - out; extra > 0 {
		y = fb.pad(y, name+"_padhw", 0, extra)
	}
	if extra := cin.Shape[3] - cin.Shape[2]; extra > 0 {
		pooled = fb.pad(pooled, name+"_padc", extra, 0)
	}
	sum := fb.b.Op("Add", name+"_add", []string{pooled, y})
	return fb.b.Op("Relu", name+"_relu", []string{sum}), pside, nil
}

// pad appends zeros after the end of the channel and spatial axes of NCHW x.
func (fb *builder) pad(x, name string, c, hw int64) string {
	pads := fb.b.Int64s(name+"_pads", []int64{8}, []int64{0, 0, 0, 0, 0, c, hw, hw})
	return fb.b.Op("Pad", name, []string{x, pads})
}
