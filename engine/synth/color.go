package synth

import (
	"math"

	"github.com/liveid/liveid/liveness"
)

// Rendering is in linear light, 0..1 a channel; frames are written as
// 8-bit sRGB.

// toLinear is the sRGB decoding of each 8-bit level.
var toLinear = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(srgbDecode(float64(i) / 255))
	}
	return t
}()

func srgbDecode(x float64) float64 {
	if x <= 0.04045 {
		return x / 12.92
	}
	return math.Pow((x+0.055)/1.055, 2.4)
}

func srgbEncode(x float64) float64 {
	if x <= 0.0031308 {
		return 12.92 * x
	}
	return 1.055*math.Pow(x, 1/2.4) - 0.055
}

// encodeSteps is the resolution of the encoding table: fine enough that
// dark levels, where sRGB is steep, are not banded.
const encodeSteps = 1 << 14

// toSRGB encodes linear values in [0, 1] to 8-bit sRGB (rounded), indexed
// by value × (encodeSteps − 1).
var toSRGB = func() (t [encodeSteps]uint8) {
	for i := range t {
		t[i] = uint8(math.Round(255 * srgbEncode(float64(i)/(encodeSteps-1))))
	}
	return t
}()

// encode8 is the 8-bit sRGB level of linear value v, clipped.
func encode8(v float32) uint8 {
	i := int(v*(encodeSteps-1) + 0.5)
	return toSRGB[min(max(i, 0), encodeSteps-1)]
}

// rgb is a linear colour.
type rgb [3]float32

func (c rgb) scale(k float32) rgb { return rgb{c[0] * k, c[1] * k, c[2] * k} }

// screenLight is a screen colour as the linear light it emits.
func screenLight(c liveness.Color) rgb {
	return rgb{toLinear[c.R], toLinear[c.G], toLinear[c.B]}
}
