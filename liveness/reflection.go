package liveness

import (
	"math"
	"slices"
	"time"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/internal/geom"
)

// AssumedExposure is the exposure over which the reflection fit takes each
// frame to have integrated the screen (Plan.Emitted). Hosts do not report
// exposures; indoors a front camera exposes from about 10 ms up to a frame
// time (33 ms at 30 fps), and a mismatch only blurs the colour edges a
// little against flashes of Config.MinColorTime and more, which the fit's model
// error allows for. The liveness/eval simulation renders its frames with a
// different exposure on purpose, so that it does not test the fit on its
// own assumption.
const AssumedExposure = 20 * time.Millisecond

// Reflection thresholds, set on the simulated sets of the liveness/eval
// package with margin on both sides where the sets allowed it.
const (
	ambientWindow = 600 * time.Millisecond // neutral-screen frames before the flash
	minAmbient    = 3
	minFlash      = 8
	lagStep       = 10 * time.Millisecond
	edgeGuard     = 15 * time.Millisecond // evidence frames keep this far from colour changes
	minNoise      = 3e-4                  // floor of the chromaticity noise
	// minFit is the least share (R²) of the chroma change the emitted
	// sequence must explain.
	minFit = 0.7
	// The residual may be at most maxChi2 times the ambient noise plus
	// modelError of the change itself (exposure and latency are modelled
	// only roughly). A replayed recording carries its own flashes, which no
	// lag of this sequence explains.
	maxChi2    = 3
	modelError = 0.08
	// minSignal is the least explained change per parameter, in noise
	// units: the reflection must stand out (a frozen stream has none).
	minSignal = 50
	// minGain: on average the screen must provide at least this share of
	// the light on the face; a brighter room drowns the flashes.
	minGain = 0.02
	// minChannel is the least share of a region's gain in one channel:
	// reflected light adds to every channel.
	minChannel = -0.05
	// Relief: the gains relative to each channel's ambient share (which
	// cancels the skin's or the ink's colour) must bend away from a linear
	// gradient over the face by minRelief (RMS of log gain), significantly
	// (chi-square over 10 degrees of freedom). Nose, cheeks and chin face
	// the screen at different angles; a flat print is lit by a smooth
	// gradient only.
	minRelief     = 0.075
	minReliefChi2 = 60
	// Uneven: the absolute reflected light must vary over the face beyond a
	// gradient too. A replay screen's glass adds the same light everywhere,
	// which relative to the darker and brighter parts of the replayed face
	// would look like relief.
	minUnevenChi2 = 100
	minPrecision  = 3 // gains used for the shape: this many standard errors from 0
	minShapeGains = 8 // of the 15 region × channel gains
	// strongFit: a reflection fit this good lets weaker passive scores pass.
	strongFit = 0.8
)

type reflSample struct {
	t       time.Duration
	regions [NumRegions]RGB
	pos     [NumRegions]point // region centres relative to the face centre, in face widths
}

// ReflectionEvidence is the outcome of the colour-flash check.
type ReflectionEvidence struct {
	Pass   bool
	Failed []string // the sub-checks that failed: fit, residual, signal, gain, channel, relief, uneven
	// Fit is the share (R²) of the regions' chroma change, against the
	// ambient baseline, that the emitted sequence explains at the best lag.
	Fit float64
	// Chi2 is the unexplained change per value in units of the ambient
	// noise (about 1 when only noise is left), Power the mean square of the
	// change and Signal the explained change per parameter, in those units.
	Chi2, Power, Signal float64
	Lag                 time.Duration // display-to-camera latency found
	// Channel are the fitted gains per region and R, G, B: the screen light
	// reflected relative to the region's ambient brightness. Gain sums them:
	// the share of the light under the neutral screen that came from the
	// screen. MinChannel is the smallest share of a gain in one channel.
	Channel    [NumRegions][3]float64
	Gain       [NumRegions]float64
	MinChannel float64
	// Relief and Uneven are the RMS departures of the log relative and log
	// absolute gains from a linear gradient over the face, with their
	// chi-squares (see minRelief and minUnevenChi2).
	Relief, ReliefChi2 float64
	Uneven, UnevenChi2 float64
	Ambient            [NumRegions]RGB // region means under the neutral screen
	Colors             []ColorEvidence
	Frames             int // frames analysed during the flash
}

// ColorEvidence is one flash colour with the frames chosen for it (those
// that saw it, after the latency, away from its edges) and their region
// means.
type ColorEvidence struct {
	Flash  Flash
	Frames []time.Duration
	Means  [NumRegions]RGB
}

func (s *Session) addReflection(o *Observation) {
	if o.hasRegions() {
		s.refl = append(s.refl, reflSample{o.T, o.Regions, regionPositions(o)})
	}
}

// regionPositions are the regions' landmark centroids relative to the
// face's (the centroid of the rigid points, which every trace keeps), in
// units of the outer face span.
func regionPositions(o *Observation) [NumRegions]point {
	var c point
	n := float64(len(face.MeshRigidPoints))
	for _, i := range face.MeshRigidPoints {
		c[0] += float64(o.Landmarks[i][0]) / n
		c[1] += float64(o.Landmarks[i][1]) / n
	}
	w := meanSpan(o.Landmarks, face.MeshOutlinePairs, false)
	var out [NumRegions]point
	for r, idx := range RegionLandmarks {
		for _, i := range idx {
			out[r][0] += (float64(o.Landmarks[i][0]) - c[0]) / w / float64(len(idx))
			out[r][1] += (float64(o.Landmarks[i][1]) - c[1]) / w / float64(len(idx))
		}
	}
	return out
}

// analyzeReflection runs the colour-flash check once the flash frames are
// in, and drops them.
func (s *Session) analyzeReflection() {
	p := s.plan
	var amb, flash []reflSample
	for _, r := range s.refl {
		switch {
		case r.t >= p.FlashStart-ambientWindow && r.t < p.FlashStart:
			amb = append(amb, r)
		case r.t >= p.FlashStart && r.t < p.FlashEnd+MaxLag:
			flash = append(flash, r)
		}
	}
	s.refl, s.reflChecked = nil, true
	if len(amb)+len(flash) == 0 {
		s.flags[MissingEvidence] = true
	}
	if len(amb) >= minAmbient && len(flash) >= minFlash {
		s.reflection = checkReflection(p, amb, flash)
	}
}

// checkReflection fits the regions' chroma change to the emitted colours at every
// lag within MaxLag, keeps the best, and judges the gains it found.
func checkReflection(p *Plan, amb, flash []reflSample) *ReflectionEvidence {
	ev := &ReflectionEvidence{Frames: len(flash)}
	var x0, noise [NumRegions][3]float64
	ev.Ambient, x0, noise = ambientBaseline(amb)
	best := reflFit{sse: math.Inf(1)}
	for lag := time.Duration(0); lag <= MaxLag; lag += lagStep {
		if f := fitReflection(p, x0, noise, flash, lag); f.sse < best.sse {
			best, ev.Lag = f, lag
		}
	}
	n := float64(len(flash)) * float64(NumRegions) * 3
	const params = float64(NumRegions) * 3
	ev.Channel = best.gain
	ev.Fit = 1 - best.sse/best.sst
	ev.Chi2 = best.sse / (n - params)
	ev.Power = best.sst / n
	ev.Signal = (best.sst - best.sse) / params
	ev.MinChannel = math.Inf(1)
	for r, g := range ev.Channel {
		ev.Gain[r] = g[0] + g[1] + g[2]
		for _, v := range g {
			share := 0.0 // a region that reflects nothing has no share in any channel (0/0 is not one)
			if ev.Gain[r] != 0 {
				share = v / ev.Gain[r]
			}
			ev.MinChannel = min(ev.MinChannel, share)
		}
	}
	ev.shape(&best, x0, flash)
	ev.judge()
	ev.Colors = colorEvidence(p, flash, ev.Lag)
	return ev
}

// shape measures how the gains vary over the face: relative to each
// region's ambient colour (relief) and in absolute light (unevenness).
func (ev *ReflectionEvidence) shape(f *reflFit, x0 [NumRegions][3]float64, flash []reflSample) {
	var pos [NumRegions]point
	for _, s := range flash {
		for r := range NumRegions {
			pos[r][0] += s.pos[r][0] / float64(len(flash))
			pos[r][1] += s.pos[r][1] / float64(len(flash))
		}
	}
	var vari, absolute [NumRegions][3]float64
	for r := range NumRegions {
		scale := max(1, f.regSSE[r]/(3*float64(len(flash))-3)) // residuals beyond the noise widen the errors
		brightness := float64(ev.Ambient[r][0] + ev.Ambient[r][1] + ev.Ambient[r][2])
		for c := range 3 {
			vari[r][c] = f.vari[r][c] * scale
			absolute[r][c] = 1 / brightness
		}
	}
	ev.Relief, ev.ReliefChi2 = bend(ev.Channel, vari, x0, pos)
	ev.Uneven, ev.UnevenChi2 = bend(ev.Channel, vari, absolute, pos)
}

// judge applies the thresholds.
func (ev *ReflectionEvidence) judge() {
	var mean float64
	for _, g := range ev.Gain {
		mean += g / float64(NumRegions)
	}
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"fit", ev.Fit >= minFit},
		{"residual", ev.Chi2 <= maxChi2+modelError*ev.Power},
		{"signal", ev.Signal >= minSignal},
		{"gain", mean >= minGain && slices.Min(ev.Gain[:]) > 0},
		{"channel", ev.MinChannel >= minChannel},
		{"relief", ev.Relief >= minRelief && ev.ReliefChi2 >= minReliefChi2},
		{"uneven", ev.UnevenChi2 >= minUnevenChi2},
	} {
		if !c.ok {
			ev.Failed = append(ev.Failed, c.name)
		}
	}
	ev.Pass = len(ev.Failed) == 0
}

// ambientBaseline is the mean colour and chromaticity of each region under
// the neutral screen, and each chromaticity's frame-to-frame noise
// (standard deviation, floored: a still stream must not make any residual
// look huge, and a few frames only estimate it roughly).
func ambientBaseline(amb []reflSample) (mean [NumRegions]RGB, x0, noise [NumRegions][3]float64) {
	for _, a := range amb {
		for r := range NumRegions {
			x := chroma(a.regions[r])
			for c := range 3 {
				x0[r][c] += x[c] / float64(len(amb))
				mean[r][c] += a.regions[r][c] / float32(len(amb))
			}
		}
	}
	for _, a := range amb {
		for r := range NumRegions {
			x := chroma(a.regions[r])
			for c := range 3 {
				noise[r][c] += (x[c] - x0[r][c]) * (x[c] - x0[r][c]) / float64(len(amb)-1)
			}
		}
	}
	for r := range NumRegions {
		for c := range 3 {
			noise[r][c] = max(math.Sqrt(noise[r][c]), minNoise)
		}
	}
	return mean, x0, noise
}

// bend fits log(g/ref) over the regions and channels with one offset per
// channel plus a gradient linear in the regions' image positions, weighted
// by precision, and returns the residual's RMS and its chi-square. With ref
// the ambient chromaticity the log is the region's geometry alone (the
// surface colour cancels); with ref 1/brightness it is the absolute light.
// Gains within minPrecision standard errors of zero are left out: their
// logarithm is noise.
func bend(gain, vari, ref [NumRegions][3]float64, pos [NumRegions]point) (rms, chi2 float64) {
	const params = 5 // three channel offsets, two gradient terms
	ata, atb := geom.NewSquare(params), make([]float64, params)
	type value struct {
		row  [params]float64
		y, w float64
	}
	var vals []value
	for r := range NumRegions {
		for c := range 3 {
			g := gain[r][c]
			if g*g < minPrecision*minPrecision*vari[r][c] || ref[r][c] <= 0 {
				continue
			}
			v := value{y: math.Log(g / ref[r][c]), w: g * g / vari[r][c]}
			v.row[c], v.row[3], v.row[4] = 1, pos[r][0], pos[r][1]
			vals = append(vals, v)
			for a := range params {
				atb[a] += v.w * v.row[a] * v.y
				for b := range params {
					ata[a][b] += v.w * v.row[a] * v.row[b]
				}
			}
		}
	}
	coef, _, ok := geom.LeastSquares(ata, atb)
	if !ok || len(vals) < minShapeGains {
		return 0, 0
	}
	var sw float64
	for _, v := range vals {
		d := v.y
		for a := range params {
			d -= coef[a] * v.row[a]
		}
		chi2 += v.w * d * d
		sw += v.w
	}
	return math.Sqrt(chi2 / sw * float64(len(vals)) / float64(len(vals)-params)), chi2
}

type reflFit struct {
	sse, sst float64
	gain     [NumRegions][3]float64
	vari     [NumRegions][3]float64 // variance of each gain, for residuals at the noise level
	regSSE   [NumRegions]float64
}

// fitReflection fits each region's chromaticity x(t) to the model
// m = b + g∘Δe·S: the screen adds light Δe (emitted colour minus neutral,
// linear) scaled per channel by the unknown gains g, relative to the
// ambient brightness S. Chromaticity divides out exposure, and the model is
// exactly linear in g when written as x − x₀ = (I − x1ᵀ)·diag(Δe)·g. Each
// value is weighted by its ambient noise, so sums of squares are in noise
// units.
func fitReflection(p *Plan, x0, noise [NumRegions][3]float64, flash []reflSample, lag time.Duration) reflFit {
	var out reflFit
	neutral := Neutral.Linear()
	de := make([][3]float64, len(flash))
	for i, f := range flash {
		e := p.Emitted(f.t-lag, AssumedExposure)
		for c := range 3 {
			de[i][c] = e[c] - neutral[c]
		}
	}
	for r := range NumRegions {
		ata, atb := geom.NewSquare(3), make([]float64, 3)
		row := func(i int) (a [3][3]float64, dx [3]float64) {
			x := chroma(flash[i].regions[r])
			for k := range 3 {
				w := 1 / noise[r][k] // in units of the noise
				dx[k] = w * (x[k] - x0[r][k])
				for c := range 3 {
					a[k][c] = -w * x[k] * de[i][c]
					if k == c {
						a[k][c] += w * de[i][c]
					}
				}
			}
			return a, dx
		}
		for i := range flash {
			a, dx := row(i)
			for k := range 3 {
				for u := range 3 {
					atb[u] += a[k][u] * dx[k]
					for v := range 3 {
						ata[u][v] += a[k][u] * a[k][v]
					}
				}
			}
		}
		for u := range 3 {
			ata[u][u] += 1e-9 // a channel the sequence never changes keeps gain 0 instead of going singular
		}
		g, inv, ok := geom.LeastSquares(ata, atb)
		if !ok {
			out.sse = math.Inf(1)
			return out
		}
		for c := range 3 {
			out.gain[r][c], out.vari[r][c] = g[c], inv[c][c]
		}
		for i := range flash {
			a, dx := row(i)
			for k := range 3 {
				d := dx[k] - a[k][0]*g[0] - a[k][1]*g[1] - a[k][2]*g[2]
				out.regSSE[r] += d * d
				out.sst += dx[k] * dx[k]
			}
		}
		out.sse += out.regSSE[r]
	}
	return out
}

// Emitted is the screen light a camera frame whose exposure of the given
// length ended at t integrated: the mean linear colour (Color.Linear) the
// plan shows over [t-exposure, t], sampled at four instants.
func (p *Plan) Emitted(t, exposure time.Duration) [3]float64 {
	var e [3]float64
	const n = 4
	for i := range n {
		c := p.ColorAt(t - exposure*time.Duration(i)/(n-1)).Linear()
		for k := range 3 {
			e[k] += c[k] / n
		}
	}
	return e
}

// colorEvidence picks, for each flash colour, the frames that saw it at the
// found lag, away from its edges, and averages their regions.
func colorEvidence(p *Plan, flash []reflSample, lag time.Duration) []ColorEvidence {
	out := make([]ColorEvidence, len(p.Flashes))
	for i, fl := range p.Flashes {
		out[i].Flash = fl
		for _, f := range flash {
			if t := f.t - lag; t >= fl.Start+edgeGuard && t < fl.Start+fl.Dur-edgeGuard {
				out[i].Frames = append(out[i].Frames, f.t)
				for r := range NumRegions {
					for c := range 3 {
						out[i].Means[r][c] += f.regions[r][c]
					}
				}
			}
		}
		if n := float32(len(out[i].Frames)); n > 0 {
			for r := range NumRegions {
				for c := range 3 {
					out[i].Means[r][c] /= n
				}
			}
		}
	}
	return out
}

func chroma(c RGB) [3]float64 {
	s := float64(c[0]) + float64(c[1]) + float64(c[2])
	if s <= 0 {
		return [3]float64{}
	}
	return [3]float64{float64(c[0]) / s, float64(c[1]) / s, float64(c[2]) / s}
}
