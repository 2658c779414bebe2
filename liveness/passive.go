package liveness

import (
	"errors"
	"fmt"
	"slices"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
)

// Passive crop sizes: NHWC float32 RGB on 0..1, the face's upright square
// (face.Mesh.Square: the eyes level) resized to AntiSpoofSize² for the
// antispoof model and LivenessSize² for the liveness model.
const (
	AntiSpoofSize = 128
	LivenessSize  = 32
)

var (
	antiSpoofSpec = imgproc.TensorSpec{Width: AntiSpoofSize, Height: AntiSpoofSize, Std: [3]float32{255, 255, 255}}
	livenessSpec  = imgproc.TensorSpec{Width: LivenessSize, Height: LivenessSize, Std: [3]float32{255, 255, 255}}
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
//
// A Passive keeps its input and output buffers, so that it allocates
// nothing per face, and is not safe for concurrent use.
type Passive struct {
	spoof, live         *models.Session
	spoofOut, liveOut   int // indices of the score outputs
	spoofOuts, liveOuts [][]float32
	crops               PassiveCrops // ScoreFace's
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
	p.spoofOuts, p.liveOuts = p.spoof.NewOutputs(), p.live.NewOutputs()
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

// ScoreFace runs both models on the face of mesh m in frame f: its upright
// square cropped and resized into each model's input by imgproc.Warp.
func (p *Passive) ScoreFace(f *imgproc.Frame, m *face.Mesh) (PassiveScore, error) {
	if err := p.crops.Fill(f, m); err != nil {
		return PassiveScore{}, err
	}
	return p.Score(p.crops.Face128, p.crops.Face32)
}

// PassiveCrops are one face's inputs to both passive models, cut from a
// frame at once and scored later (Passive.Score): a session keeps the
// crops of its candidate best frames, a few kilobytes each, and runs the
// models only on the frames it keeps in the end.
type PassiveCrops struct {
	Face128, Face32 []float32
}

// Fill crops the face of mesh m in frame f: its upright square resized
// into each model's input by imgproc.Warp. The buffers are allocated on
// first use and reused after.
func (c *PassiveCrops) Fill(f *imgproc.Frame, m *face.Mesh) error {
	if c.Face128 == nil {
		c.Face128, c.Face32 = make([]float32, antiSpoofSpec.Len()), make([]float32, livenessSpec.Len())
	}
	sq := m.Square()
	if err := imgproc.Warp(f, sq.Affine(AntiSpoofSize), antiSpoofSpec, c.Face128); err != nil {
		return err
	}
	return imgproc.Warp(f, sq.Affine(LivenessSize), livenessSpec, c.Face32)
}

// Score runs both models on one face already cropped: face128 is
// AntiSpoofSize² × 3 values, face32 LivenessSize² × 3 (see AntiSpoofSize).
func (p *Passive) Score(face128, face32 []float32) (PassiveScore, error) {
	if err := p.spoof.Run([][]float32{face128}, p.spoofOuts); err != nil {
		return PassiveScore{}, err
	}
	if err := p.live.Run([][]float32{face32}, p.liveOuts); err != nil {
		return PassiveScore{}, err
	}
	return PassiveScore{Real: p.spoofOuts[p.spoofOut][0], Live: p.liveOuts[p.liveOut][0]}, nil
}

// Close releases the models.
func (p *Passive) Close() error {
	return errors.Join(p.spoof.Close(), p.live.Close())
}

// Passive thresholds on the session's scores (PassiveEvidence): Real and
// Live must reach MinReal and MinLive, or the Strict ones when the
// reflection fit is merely adequate. The models are weak (see Passive), so
// the thresholds only veto clear cases; the genuine faces of the liveness
// evaluation score well above the strict ones.
const (
	MinReal, MinRealStrict = 0.1, 0.3
	MinLive, MinLiveStrict = 0.1, 0.3
)

// PassiveEvidence summarises the passive scores of a session.
//
// Real and Live are each the lower median of the crops' scores (the
// middle one of an odd count, the lower middle one of an even count), so
// a model's check passes only when a strict majority of the crops reach
// its threshold. A mean let one outlier rescue a spoof (0, 0, 0 and 5.0
// averaged 1.25); the lower median cannot be lifted by one crop, however
// high, above the score of a crop that is at or below it, and with three
// or more crops one low outlier cannot sink a genuine session either. A
// minimum would make every blink or motion-blurred crop a reject.
//
// Every score must be a probability: one outside 0..1, or NaN, is not
// something the model can output, so it fails that model's check
// (Invalid counts such crops) rather than being averaged or clamped.
type PassiveEvidence struct {
	Crops      int
	Real, Live float32 // lower medians over the crops
	Invalid    int     // crops with a score outside 0..1 or NaN
	Strict     bool    // the stricter thresholds applied
}

func (s *Session) passiveEvidence() PassiveEvidence {
	pe := PassiveEvidence{Crops: len(s.passive)}
	if pe.Crops == 0 {
		s.flags[MissingEvidence] = true
		return pe
	}
	reals, lives := make([]float32, 0, pe.Crops), make([]float32, 0, pe.Crops)
	badReal, badLive := false, false
	for _, p := range s.passive {
		okReal, okLive := probability(p.Real), probability(p.Live)
		if !okReal || !okLive {
			pe.Invalid++
		}
		badReal, badLive = badReal || !okReal, badLive || !okLive
		reals, lives = append(reals, p.Real), append(lives, p.Live)
	}
	pe.Real, pe.Live = lowerMedian(reals), lowerMedian(lives)
	pe.Strict = s.reflection == nil || s.reflection.Fit < strongFit
	realMin, liveMin := float32(MinReal), float32(MinLive)
	if pe.Strict {
		realMin, liveMin = MinRealStrict, MinLiveStrict
	}
	if badReal || !(pe.Real >= realMin) {
		s.flags[SynthesisSuspected] = true
	}
	if badLive || !(pe.Live >= liveMin) {
		s.flags[Recaptured] = true
	}
	return pe
}

// probability: v is a score a sigmoid or softmax can give.
func probability(v float32) bool { return v >= 0 && v <= 1 }

// lowerMedian sorts v and returns its lower median. NaNs sort first (and
// have failed probability already).
func lowerMedian(v []float32) float32 {
	slices.Sort(v)
	return v[(len(v)-1)/2]
}
