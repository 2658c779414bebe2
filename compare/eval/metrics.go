package eval

import (
	"math"
	"slices"
	"sort"
)

// Scores are the genuine and impostor similarities of one model in one
// mode, sorted ascending.
type Scores struct {
	Genuine, Impostor []float64
}

func newScores(gen, imp []float64) *Scores {
	slices.Sort(gen)
	slices.Sort(imp)
	return &Scores{Genuine: gen, Impostor: imp}
}

// atOrAbove is the fraction of sorted xs that are ≥ t.
func atOrAbove(xs []float64, t float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return float64(len(xs)-sort.SearchFloat64s(xs, t)) / float64(len(xs))
}

// FAR and TAR at threshold t (a pair is accepted when its score ≥ t).
func (s *Scores) FAR(t float64) float64 { return atOrAbove(s.Impostor, t) }
func (s *Scores) TAR(t float64) float64 { return atOrAbove(s.Genuine, t) }

// Threshold is the lowest threshold whose measured FAR is at most far. It
// is empirical, so it rests on far × len(Impostor) pairs (none: just
// above the highest impostor).
func (s *Scores) Threshold(far float64) float64 {
	n := len(s.Impostor)
	if n == 0 {
		return math.NaN()
	}
	k := int(far * float64(n))
	if k == 0 {
		return math.Nextafter(s.Impostor[n-1], math.Inf(1))
	}
	t := s.Impostor[n-k]
	if s.FAR(t) > far {
		t = math.Nextafter(t, math.Inf(1))
	}
	return t
}

// GaussThreshold is the threshold at far of a normal distribution fitted
// to the impostor scores: an extrapolation for rates the pair count
// cannot measure.
func (s *Scores) GaussThreshold(far float64) float64 {
	m, sd := meanSD(s.Impostor)
	return m + sd*math.Sqrt2*math.Erfinv(1-2*far)
}

// EER is the equal error rate and the threshold where FAR meets FRR.
func (s *Scores) EER() (eer, t float64) {
	if len(s.Genuine) == 0 || len(s.Impostor) == 0 {
		return math.NaN(), math.NaN()
	}
	all := slices.Concat(s.Genuine, s.Impostor)
	slices.Sort(all)
	i := sort.Search(len(all), func(i int) bool { return s.FAR(all[i]) <= 1-s.TAR(all[i]) })
	if i == len(all) {
		i--
	}
	t = all[i]
	return (s.FAR(t) + 1 - s.TAR(t)) / 2, t
}

// ROC samples the curve at 40 FARs a decade from 1 down to the lowest
// the impostor count measures.
func (s *Scores) ROC(name string) Curve {
	c := Curve{Name: name}
	floor := 1 / float64(max(1, len(s.Impostor)))
	for i := 0; ; i++ {
		far := math.Pow(10, -float64(i)/40)
		if far < floor {
			break
		}
		t := s.Threshold(far)
		c.FAR = append(c.FAR, s.FAR(t))
		c.TAR = append(c.TAR, s.TAR(t))
	}
	slices.Reverse(c.FAR)
	slices.Reverse(c.TAR)
	return c
}

func meanSD(xs []float64) (m, sd float64) {
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		sd += (x - m) * (x - m)
	}
	return m, math.Sqrt(sd / float64(len(xs)))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return xs[len(xs)/2]
}
