package build

import (
	"runtime"

	"golang.org/x/sys/cpu"
)

// Int8Exact reports whether ONNX Runtime's int8 convolutions sum their
// uint8 × int8 products exactly on this machine, and says why: with VNNI
// on x86, and with the dot-product and widening NEON kernels on ARM. An
// x86 CPU with AVX2 alone runs ORT's u8s8 kernel on vpmaddubsw, which adds
// pairs of products in 16 bits and saturates (ORT documents 7-bit weights,
// reduce_range, for such CPUs), so an int8 model's outputs move further
// from the float model's, and from another machine's, than rounding does.
func Int8Exact() (bool, string) {
	if runtime.GOARCH == "amd64" && !cpu.X86.HasAVX512VNNI && !cpu.X86.HasAVXVNNI {
		return false, "x86 without VNNI: ORT's AVX2 u8s8 kernel saturates"
	}
	return true, "exact integer products"
}
