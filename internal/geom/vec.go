package geom

import "math"

// Vec3 is a 3-vector.
type Vec3 [3]float64

func (a Vec3) Add(b Vec3) Vec3      { return Vec3{a[0] + b[0], a[1] + b[1], a[2] + b[2]} }
func (a Vec3) Sub(b Vec3) Vec3      { return Vec3{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func (a Vec3) Scale(k float64) Vec3 { return Vec3{a[0] * k, a[1] * k, a[2] * k} }
func (a Vec3) Dot(b Vec3) float64   { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func (a Vec3) Norm() float64        { return math.Sqrt(a[0]*a[0] + a[1]*a[1] + a[2]*a[2]) }
func (a Vec3) Mul(b Vec3) Vec3      { return Vec3{a[0] * b[0], a[1] * b[1], a[2] * b[2]} }
func (a Vec3) Cross(b Vec3) Vec3 {
	return Vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// Unit is a scaled to length 1; the zero vector stays zero.
func (a Vec3) Unit() Vec3 {
	n := a.Norm()
	if n == 0 {
		return a
	}
	return Vec3{a[0] / n, a[1] / n, a[2] / n}
}

// Mat3 is a 3×3 matrix, row-major.
type Mat3 [3]Vec3

// Apply is m·v.
func (m Mat3) Apply(v Vec3) Vec3 { return Vec3{m[0].Dot(v), m[1].Dot(v), m[2].Dot(v)} }

// Mul is m·n.
func (m Mat3) Mul(n Mat3) Mat3 {
	var c Mat3
	for i := range 3 {
		for j := range 3 {
			c[i][j] = m[i][0]*n[0][j] + m[i][1]*n[1][j] + m[i][2]*n[2][j]
		}
	}
	return c
}

// Rotation is the rotation of a head pose in degrees, in the convention of
// face.Signals (x right, y down, z away from the camera): yaw > 0 turns the
// face towards the image's right, pitch > 0 tilts it up, roll > 0 leans it
// clockwise on screen. Roll is applied last: Rz·Rx·Ry.
func Rotation(yaw, pitch, roll float64) Mat3 {
	r := func(d float64) (float64, float64) { return math.Sincos(d * math.Pi / 180) }
	sy, cy := r(yaw)
	sp, cp := r(pitch)
	sr, cr := r(roll)
	ry := Mat3{{cy, 0, -sy}, {0, 1, 0}, {sy, 0, cy}}
	rx := Mat3{{1, 0, 0}, {0, cp, sp}, {0, -sp, cp}}
	rz := Mat3{{cr, -sr, 0}, {sr, cr, 0}, {0, 0, 1}}
	return rz.Mul(rx).Mul(ry)
}

// Abs32 is |v|.
func Abs32(v float32) float32 { return float32(math.Abs(float64(v))) }

// Clamp01 is v limited to 0..1.
func Clamp01(v float32) float32 { return max(0, min(1, v)) }

// Keys interpolates between (u, value) key pairs kv, given in increasing
// u, with cosine easing: the value eases out of one key and into the next
// as a person's movement does. Past the last key it holds the last value.
func Keys(u float64, kv ...float64) float64 {
	for i := 2; i < len(kv); i += 2 {
		if u <= kv[i] {
			a := (u - kv[i-2]) / (kv[i] - kv[i-2])
			w := (1 - math.Cos(a*math.Pi)) / 2
			return kv[i-1] + w*(kv[i+1]-kv[i-1])
		}
	}
	return kv[len(kv)-1]
}
