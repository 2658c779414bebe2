package liveness

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/liveid/liveid/internal/geom"
)

// A plane seen in perspective maps by a homography: the fit recovers it and
// leaves no residual. A 3-D shape turned does not fit one.
func TestHomographySeparatesPlanesFromRelief(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var flat, relief [60]geom.Vec3
	for i := range flat {
		x, y := rng.Float64()*14-7, rng.Float64()*18-9
		flat[i] = geom.Vec3{x, y, 0}
		relief[i] = geom.Vec3{x, y, -4 * math.Exp(-(x*x+y*y)/20)} // a bump like a nose
	}
	// A 720×960 camera with a 700-px focal length, the shape 40 cm away.
	view := func(pts []geom.Vec3, yaw float64) []point {
		r := geom.Rotation(yaw, 5, 2)
		out := make([]point, len(pts))
		for i, p := range pts {
			w := r.Apply(p).Add(geom.Vec3{1, -2, 40})
			out[i] = point{360 + 700*w[0]/w[2], 480 + 700*w[1]/w[2]}
		}
		return out
	}
	for _, yaw := range []float64{15, 30} {
		res, ok := planarResidual(view(flat[:], 0), view(flat[:], yaw))
		if !ok || res > 1e-6 {
			t.Errorf("plane turned %v°: residual %v px", yaw, res)
		}
		res, ok = planarResidual(view(relief[:], 0), view(relief[:], yaw))
		if !ok || res < 1 {
			t.Errorf("relief turned %v°: residual %v px, want a clear misfit", yaw, res)
		}
	}
	if _, ok := planarResidual(make([]point, 3), make([]point, 3)); ok {
		t.Error("fitted three points")
	}
}
