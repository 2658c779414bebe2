package server

import (
	"bytes"
	"context"
	"image"
	"math"
	"slices"
	"time"

	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
)

// Reasons the server adds to the LIVENESS_ and COMPARE_ ones of a
// decision, and the risk signals it records beside it.
const (
	ReasonFrameUnusable     = "SERVER_FRAME_UNUSABLE"     // no best frame decoded within the limits with a face the server's tracker finds
	ReasonReferenceUnusable = "SERVER_REFERENCE_UNUSABLE" // the stored reference photo has no face the comparer accepts
	ReasonNoServerReference = "SERVER_NO_REFERENCE"       // an id-portrait comparison without a reference the server holds, and the device's own comparison failed or is missing

	RiskClientDisagrees  = "RISK_CLIENT_VERDICT_DIFFERS" // the device's verdict or reasons differ from the server's
	RiskModelsDiffer     = "RISK_CLIENT_MODELS_DIFFER"   // the device ran model files whose hashes are not the server's
	RiskClientOnlyMatch  = "RISK_COMPARE_CLIENT_ONLY"    // the comparison is the device's, unchecked by the server
	RiskPassiveDisagrees = "RISK_PASSIVE_SCORES_DIFFER"  // the device's passive scores are far from the server's on the same frames
)

// Decision is the server's verdict on one verification, stored whole and
// returned by describe.
type Decision struct {
	Passed bool `json:"passed"`
	// SubCode is PASSED or the first reason.
	SubCode string   `json:"sub_code"`
	Reasons []string `json:"reasons"`
	// Liveness is the re-run liveness decision on the trace, with the
	// server's passive scores.
	Liveness LivenessOutcome `json:"liveness"`
	Compare  *CompareOutcome `json:"compare,omitempty"`
	// Quality is the best frame's score on the server's tracker, 0–100.
	Quality int `json:"quality"`
	// Risk are signals beside the verdict (RISK_*).
	Risk []string `json:"risk"`
	// Client is the device's own verdict, ClientCompare its advisory
	// comparison.
	Client        evidence.Decision       `json:"client"`
	ClientCompare *evidence.CompareResult `json:"client_compare,omitempty"`
	BestFrames    int                     `json:"best_frames"`
	CaptureStart  time.Time               `json:"capture_start"`
	CaptureEnd    time.Time               `json:"capture_end"`
	Device        evidence.Device         `json:"device"`
	Engine        string                  `json:"engine"`
	DecidedAt     time.Time               `json:"decided_at"`
}

// LivenessOutcome is the liveness part of a decision. Score is 100 × the
// lower of the two passive models' mean scores on the server's crops.
type LivenessOutcome struct {
	Passed  bool     `json:"passed"`
	Score   int      `json:"score"`
	Real    float32  `json:"real"`
	Live    float32  `json:"live"`
	Reasons []string `json:"reasons"`
	Frames  int      `json:"frames"`
	Crops   int      `json:"crops"`
}

// CompareOutcome is the comparison of the best frame with the reference:
// the calibrated 0–100 score, the thresholds for each FAR and the FAR it
// was judged at. Source is "server" or "client" (the device's advisory
// result, when the server holds no reference).
type CompareOutcome struct {
	Mode       string      `json:"mode"`
	Source     string      `json:"source"`
	Model      string      `json:"model"`
	Similarity float32     `json:"similarity"`
	Score      float32     `json:"score"`
	FAR        float64     `json:"far"`
	Thresholds []Threshold `json:"thresholds,omitempty"`
	Passed     bool        `json:"passed"`
}

// Threshold is the score a comparison must reach for a false-accept rate.
type Threshold struct {
	FAR   float64 `json:"far"`
	Score float32 `json:"score"`
}

// Deciders is a pool of model sets, one decision at a time on each: the
// tracker, the passive models and the comparer are not safe for
// concurrent use.
type Deciders struct {
	pool   chan *decider
	hashes map[string]string
}

type decider struct {
	tracker *face.Tracker
	passive *liveness.Passive
	cmp     *compare.Comparer
	res     face.Result
}

// DecidersOptions configure OpenDeciders. The host must have started ONNX
// Runtime.
type DecidersOptions struct {
	Dir          string // the model directory
	N            int    // model sets (default 1): decisions run at once
	Threads      int    // intra-op threads per model (default 1)
	CompareModel string // default compare.DefaultModel
	FAR          float64
}

// OpenDeciders loads o.N model sets from o.Dir.
func OpenDeciders(o DecidersOptions) (*Deciders, error) {
	o.N, o.Threads = max(o.N, 1), max(o.Threads, 1)
	if o.CompareModel == "" {
		o.CompareModel = compare.DefaultModel
	}
	d := &Deciders{pool: make(chan *decider, o.N)}
	for range o.N {
		dc, err := openDecider(o)
		if err != nil {
			d.Close()
			return nil, err
		}
		d.pool <- dc
	}
	m, err := models.Load()
	if err != nil {
		d.Close()
		return nil, err
	}
	d.hashes = map[string]string{}
	for _, n := range []string{face.DetectorModel, face.MeshModel, face.IrisModel, liveness.AntiSpoofModel, liveness.LivenessModel, o.CompareModel} {
		if md, err := m.Model(n); err == nil {
			_, d.hashes[n] = md.Chosen()
		}
	}
	return d, nil
}

func openDecider(o DecidersOptions) (*decider, error) {
	mo := models.Options{Threads: o.Threads}
	tr, err := face.NewTracker(o.Dir, mo, face.DefaultConfig())
	if err != nil {
		return nil, err
	}
	dc := &decider{tracker: tr}
	if dc.passive, err = liveness.OpenPassive(o.Dir, mo); err != nil {
		dc.close()
		return nil, err
	}
	if dc.cmp, err = compare.New(tr, compare.Options{Dir: o.Dir, Model: o.CompareModel, FAR: o.FAR, Threads: o.Threads}); err != nil {
		dc.close()
		return nil, err
	}
	return dc, nil
}

func (dc *decider) close() {
	if dc.cmp != nil {
		dc.cmp.Close()
	}
	if dc.passive != nil {
		dc.passive.Close()
	}
	dc.tracker.Close()
}

// Close releases every model set (waiting for running decisions).
func (d *Deciders) Close() error {
	for range cap(d.pool) {
		select {
		case dc := <-d.pool:
			dc.close()
		default:
			return nil // a set that failed to open was never added
		}
	}
	return nil
}

// decisionInput is what a decision is made from.
type decisionInput struct {
	ch        *engine.Challenge
	pkg       *evidence.Package
	reference []byte // the stored reference photo, nil if none
}

// decide runs one decision on a free model set.
func (d *Deciders) decide(ctx context.Context, in *decisionInput) (*Decision, error) {
	var dc *decider
	select {
	case dc = <-d.pool:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { d.pool <- dc }()
	return dc.decide(in, d.hashes)
}

// Decode limits of the best frames (aligned crops of a few hundred pixels)
// and reference photos, checked on the header before any pixel is
// allocated (imgproc.Decode).
var (
	frameLimits     = imgproc.DecodeLimits{MaxSide: 1024, MaxPixels: 1024 * 1024}
	referenceLimits = imgproc.DecodeLimits{MaxSide: 8192, MaxPixels: 24 << 20}
)

// decodeImage decodes a JPEG or PNG whose header says it is within l.
func decodeImage(b []byte, l imgproc.DecodeLimits) (image.Image, error) {
	img, _, err := imgproc.Decode(bytes.NewReader(b), l)
	return img, err
}

// serverFrame is a best frame as the server sees it.
type serverFrame struct {
	frame   *imgproc.Frame // the crop itself
	passive liveness.PassiveScore
	quality float32
}

func (dc *decider) decide(in *decisionInput, hashes map[string]string) (*Decision, error) {
	plan, err := liveness.NewPlan(in.ch.Seed, in.ch.Liveness)
	if err != nil {
		return nil, err
	}
	b := &in.pkg.Body
	frames, err := dc.bestFrames(b.BestFrames)
	if err != nil {
		return nil, err
	}
	var scores []evidence.PassiveScore
	for _, f := range frames {
		scores = append(scores, evidence.PassiveScore{Real: f.passive.Real, Live: f.passive.Live})
	}
	lr := engine.Replay(plan, &b.Trace, scores)
	h := &in.pkg.Header
	d := &Decision{Client: b.Local, ClientCompare: b.Compare, BestFrames: len(b.BestFrames),
		CaptureStart: h.CaptureStart, CaptureEnd: h.CaptureEnd, Device: h.Device, Engine: h.Engine,
		Liveness: LivenessOutcome{Passed: lr.Pass, Real: lr.Passive.Real, Live: lr.Passive.Live, Frames: lr.Frames,
			Crops: lr.Passive.Crops, Score: percent(min(lr.Passive.Real, lr.Passive.Live)), Reasons: []string{}},
		Reasons: []string{}, Risk: []string{}}
	if len(frames) == 0 {
		d.Reasons = append(d.Reasons, ReasonFrameUnusable)
	} else {
		d.Quality = percent(frames[0].quality)
	}
	for _, r := range lr.Reasons {
		d.Liveness.Reasons = append(d.Liveness.Reasons, string(r))
		d.Reasons = append(d.Reasons, string(r))
	}
	d.Reasons = append(d.Reasons, dc.identity(frames)...)
	d.Reasons = append(d.Reasons, dc.compare(in, frames, d)...)
	d.Passed = len(d.Reasons) == 0
	d.SubCode = "PASSED"
	if !d.Passed {
		d.SubCode = d.Reasons[0]
	}
	d.Risk = risks(d, b, scores, hashes)
	return d, nil
}

func percent(v float32) int { return int(math.Round(float64(min(max(v, 0), 1)) * 100)) }

// bestFrames decodes the sealed best frames and re-scores them: the face
// found again by the server's tracker on the crop with a margin (a tight
// crop has no context for the detector), then both passive models. A frame
// that does not decode or shows no face is left out.
func (dc *decider) bestFrames(bf []evidence.BestFrame) ([]serverFrame, error) {
	var out []serverFrame
	for _, f := range bf {
		img, err := decodeImage(f.JPEG, frameLimits)
		if err != nil {
			continue
		}
		m := withMargin(img)
		if err := dc.tracker.Largest(m, &dc.res); err != nil {
			return nil, err
		}
		if !dc.res.Found {
			continue
		}
		ps, err := dc.passive.ScoreFace(m, &dc.res.Mesh)
		if err != nil {
			return nil, err
		}
		out = append(out, serverFrame{frame: imgproc.FromImage(img), passive: ps, quality: dc.res.Score})
	}
	return out, nil
}

// withMargin is img centred on a black canvas twice its size.
func withMargin(img image.Image) *imgproc.Frame {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	pix := make([]byte, 3*2*w*2*h)
	for y := range h {
		row := pix[3*((y+h/2)*2*w+w/2):]
		for x := range w {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			row[3*x], row[3*x+1], row[3*x+2] = byte(r>>8), byte(g>>8), byte(bl>>8)
		}
	}
	return &imgproc.Frame{Width: 2 * w, Height: 2 * h, Format: imgproc.RGB, Planes: [3][]byte{pix}, Strides: [3]int{3 * 2 * w}}
}

// identity checks, as the engine does, that the best frames (one from each
// part of the session) show one person: each matches the top frame at the
// server comparer's FAR. A frame the comparer refuses fails the session.
func (dc *decider) identity(frames []serverFrame) []string {
	if len(frames) < 2 {
		return nil
	}
	faces := make([]compare.Face, len(frames))
	for i, f := range frames {
		var err error
		if faces[i], err = dc.cmp.Embed(f.frame, compare.Photo); err != nil {
			return []string{codeOf(err)}
		}
	}
	if same, err := dc.cmp.SamePerson(faces); err != nil {
		return []string{codeOf(err)}
	} else if !same {
		return []string{engine.ReasonFaceChanged}
	}
	return nil
}

// compare judges the best frame against the reference with the server's
// comparer, or takes the device's advisory result for an id-portrait
// comparison the server holds no reference for.
func (dc *decider) compare(in *decisionInput, frames []serverFrame, d *Decision) []string {
	mode := in.ch.Compare
	if mode == engine.NoReference {
		return nil
	}
	kind := compare.Photo
	if mode == engine.IDCardReference {
		kind = compare.IDPortrait
	}
	if in.reference == nil {
		c := in.pkg.Body.Compare
		if c == nil || !c.Pass {
			return []string{ReasonNoServerReference}
		}
		d.Compare = &CompareOutcome{Mode: string(mode), Source: "client", Model: c.Model, Similarity: c.Similarity, Score: c.Score, Passed: c.Pass}
		return nil
	}
	if len(frames) == 0 {
		return nil // already failed: no frame to compare
	}
	img, err := decodeImage(in.reference, referenceLimits)
	if err != nil {
		return []string{ReasonReferenceUnusable}
	}
	ref, err := dc.cmp.Embed(imgproc.FromImage(img), kind)
	if err != nil {
		return []string{ReasonReferenceUnusable}
	}
	live, err := dc.cmp.Embed(frames[0].frame, kind)
	if err != nil {
		return []string{codeOf(err)}
	}
	r, err := dc.cmp.Match(live, ref)
	if err != nil {
		return []string{codeOf(err)}
	}
	d.Compare = &CompareOutcome{Mode: string(mode), Source: "server", Model: dc.cmp.Model(), Similarity: r.Similarity,
		Score: r.Score, FAR: r.FAR, Passed: r.Pass}
	for _, t := range r.Thresholds {
		d.Compare.Thresholds = append(d.Compare.Thresholds, Threshold{FAR: t.FAR, Score: t.Score})
	}
	if !r.Pass {
		return []string{engine.ReasonNoMatch}
	}
	return nil
}

// codeOf is an error's stable code.
func codeOf(err error) string {
	if c, ok := err.(interface{ Code() string }); ok {
		return c.Code()
	}
	return CodeInternal
}

// passiveTolerance: the device and the server run the same models on the
// same crop, the server on its JPEG; scores further apart than this were
// not computed on these frames.
const passiveTolerance = 0.25

// risks are the signals beside the verdict.
func risks(d *Decision, b *evidence.Body, server []evidence.PassiveScore, hashes map[string]string) []string {
	r := []string{}
	if b.Local.Pass != d.Passed || !slices.Equal(b.Local.Reasons, d.Reasons) {
		r = append(r, RiskClientDisagrees)
	}
	for name, h := range b.Models {
		if want, ok := hashes[name]; ok && want != h {
			r = append(r, RiskModelsDiffer)
			break
		}
	}
	if d.Compare != nil && d.Compare.Source == "client" {
		r = append(r, RiskClientOnlyMatch)
	}
	if len(b.Passive) == len(server) {
		for i, s := range server {
			c := b.Passive[i]
			if math.Abs(float64(c.Real-s.Real)) > passiveTolerance || math.Abs(float64(c.Live-s.Live)) > passiveTolerance {
				r = append(r, RiskPassiveDisagrees)
				break
			}
		}
	}
	return r
}
