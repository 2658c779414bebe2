package face

import (
	"math"

	"github.com/liveid/liveid/internal/geom"
)

// euro is a One-Euro filter (Casiez, Roussel, Vogel, CHI 2012): a low-pass
// whose cut-off rises with the signal's speed, so a still face is steady and
// a moving one does not lag. Speeds are taken relative to a scale (the face
// width) so the same settings suit near and far faces.
type euro struct {
	x, dx float32
	ready bool
}

func (e *euro) step(x, dt, scale float32, c *Config) float32 {
	if !e.ready {
		e.x, e.dx, e.ready = x, 0, true
		return x
	}
	e.dx += smoothing(dt, c.EuroDCutoff) * ((x-e.x)/dt - e.dx)
	cutoff := c.EuroMinCutoff + c.EuroBeta*geom.Abs32(e.dx)/scale
	e.x += smoothing(dt, cutoff) * (x - e.x)
	return e.x
}

// smoothing is the exponential smoothing factor of a first-order low-pass
// with cut-off fc (Hz) sampled every dt seconds.
func smoothing(dt, fc float32) float32 {
	tau := 1 / (2 * math.Pi * fc)
	return 1 / (1 + tau/dt)
}
