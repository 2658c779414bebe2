package liveness

import (
	"errors"
	"fmt"

	"github.com/liveid/liveid/models"
)

// Passive crop sizes: NHWC float32 RGB on 0..1, the face box cropped square
// and upright (eyes level).
const (
	AntiSpoofSize = 128
	LivenessSize  = 32
)

// Passive runs the two single-frame anti-spoofing models Human ships.
//
// What they can detect is limited and was never measured on this engine's
// cameras: "antispoof" is a small CNN from a Kaggle notebook trained to
// tell real photographs from edited or synthetic faces, so it speaks to
// synthesis, not to prints; "liveness" is a LivenessNet-style 32×32 CNN
// trained on a small set of live versus replayed faces, where moiré, glare
// and colour cast are what it can pick up. Neither sees depth or time. They
// are a veto for gross cases, with lenient thresholds, and the decision
// rests on the challenge, 3-D and reflection checks.
type Passive struct {
	spoof, live       *models.Session
	spoofOut, liveOut int // indices of the score outputs
}

// PassiveScore is the models' output for one face crop.
type PassiveScore struct {
	Real float32 // antispoof: probability of a real, unedited face
	Live float32 // liveness: probability of a live (not replayed) face
}

// The passive models, as the manifest names them.
const (
	AntiSpoofModel = "antispoof"
	LivenessModel  = "liveness"
)

// OpenPassive loads both models from the model directory dir. A missing
// model is an error: the session cannot pass without its scores. The
// runtime must have been started (models.InitRuntime).
func OpenPassive(dir string, o models.Options) (*Passive, error) {
	p := &Passive{}
	var err error
	if p.spoof, p.spoofOut, err = openScorer(dir, o, AntiSpoofModel, "activation_4"); err != nil {
		return nil, err
	}
	if p.live, p.liveOut, err = openScorer(dir, o, LivenessModel, "activation_6"); err != nil {
		p.spoof.Close()
		return nil, err
	}
	return p, nil
}

// openScorer opens a passive model and finds its score output.
func openScorer(dir string, o models.Options, name, output string) (*models.Session, int, error) {
	s, err := models.Open(dir, name, o, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("liveness: passive model: %w", err)
	}
	i, err := s.Output(output)
	if err != nil {
		s.Close()
		return nil, 0, err
	}
	return s, i, nil
}

// Score runs both models on one face: face128 is AntiSpoofSize² × 3 values,
// face32 LivenessSize² × 3.
func (p *Passive) Score(face128, face32 []float32) (PassiveScore, error) {
	so, lo := p.spoof.NewOutputs(), p.live.NewOutputs()
	if err := p.spoof.Run([][]float32{face128}, so); err != nil {
		return PassiveScore{}, err
	}
	if err := p.live.Run([][]float32{face32}, lo); err != nil {
		return PassiveScore{}, err
	}
	return PassiveScore{Real: so[p.spoofOut][0], Live: lo[p.liveOut][0]}, nil
}

// Close releases the models.
func (p *Passive) Close() error {
	return errors.Join(p.spoof.Close(), p.live.Close())
}

// Passive thresholds on the mean over a session's crops. The models are
// weak (see Passive), so they only veto clear cases; when the reflection
// fit is merely adequate they must be more convinced. On the sample
// photos' faces they give real 0.53–0.75 and live 0.85–0.99.
const (
	minReal, minRealStrict = 0.1, 0.3
	minLive, minLiveStrict = 0.1, 0.3
)

// PassiveEvidence summarises the passive scores of a session.
type PassiveEvidence struct {
	Crops      int
	Real, Live float32 // means over the crops
	Strict     bool    // the stricter thresholds applied
}

func (s *Session) passiveEvidence() PassiveEvidence {
	pe := PassiveEvidence{Crops: len(s.passive)}
	if pe.Crops == 0 {
		s.flags[MissingEvidence] = true
		return pe
	}
	for _, p := range s.passive {
		pe.Real += p.Real / float32(pe.Crops)
		pe.Live += p.Live / float32(pe.Crops)
	}
	pe.Strict = s.reflection == nil || s.reflection.Fit < strongFit
	realMin, liveMin := float32(minReal), float32(minLive)
	if pe.Strict {
		realMin, liveMin = minRealStrict, minLiveStrict
	}
	if !(pe.Real >= realMin) { // NaN fails too
		s.flags[SynthesisSuspected] = true
	}
	if !(pe.Live >= liveMin) {
		s.flags[Recaptured] = true
	}
	return pe
}
