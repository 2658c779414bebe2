package compare

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/internal/geom"
	"github.com/liveid/liveid/models"
)

// Reference is the kind of image a live face is compared against.
type Reference int

const (
	// Photo: an ordinary colour photo or camera frame.
	Photo Reference = iota
	// IDPortrait: the portrait of an ID card (chip image or the printed
	// photo read by ocr), about 102×126 px, often grey-tinted and screened.
	// Both sides of such a comparison are embedded from luma alone and
	// lightly smoothed, so the card's tint and print screen do not count
	// against the live face; a portrait cropped too tight for the detector
	// is searched again with a margin.
	IDPortrait
)

func (r Reference) String() string {
	if r == IDPortrait {
		return "id-portrait"
	}
	return "photo"
}

// Limits are the checks a face must pass before it is embedded.
type Limits struct {
	// MinEyeDistance in source pixels (20): the ArcFace template has 35 px
	// between the eyes, and below 20 the crop is mostly interpolation. An
	// ID-card chip portrait has about 28.
	MinEyeDistance float32
	// MinFocus is the face's exposure-normalised sharpness
	// (face.Signals.Focus), 2: a third of the liveness limit
	// (face.Config.MinSharpness), since matching needs less texture.
	// compare/eval's blurred copies (σ = 2% of the face width) straddle
	// it: its report counts those refused, and those kept must still match.
	MinFocus float32
	// MaxYaw and MaxPitch in degrees: beyond them the frontal templates
	// no longer fit and genuine scores fall.
	MaxYaw, MaxPitch float32
}

// DefaultLimits returns the limits compare/eval was run with.
func DefaultLimits() Limits {
	return Limits{MinEyeDistance: 20, MinFocus: 2, MaxYaw: 35, MaxPitch: 30}
}

// Options configure New. The zero value (plus Dir) is the default setup.
type Options struct {
	Dir   string // the model directory the embedding model is opened from
	Model string // embedding model, DefaultModel when ""
	// FAR is the false-accept rate Result.Pass decides at: 1e-2, 1e-3 or
	// 1e-4; 0 means 1e-3.
	FAR     float64
	Threads int     // the embedding model's intra-op threads; 0 means one (models.Options)
	Limits  *Limits // nil: DefaultLimits
}

// Comparer finds, aligns and embeds faces and scores pairs of them. It
// finds faces with the tracker New was given, which it shares with its
// caller: like the tracker, it is not safe for concurrent use, and the
// caller must not use the tracker while a Comparer method runs.
type Comparer struct {
	tracker *face.Tracker
	emb     *embedder
	limits  Limits
	far     float64
	result  face.Result
}

// New opens the embedding model from o.Dir. The comparer finds faces with
// tr, the caller's tracker, on stills only (face.Tracker.Largest, which
// leaves the tracker's track alone), so that an engine loads the face
// models once. The runtime must have been started (models.InitRuntime).
func New(tr *face.Tracker, o Options) (*Comparer, error) {
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.FAR == 0 {
		o.FAR = 1e-3
	}
	if _, err := thresholdFor(o.Model, Photo, o.FAR); err != nil {
		return nil, err
	}
	if tr == nil {
		return nil, errors.New("compare: New needs the caller's face.Tracker")
	}
	emb, err := openEmbedder(o.Dir, o.Model, models.Options{Threads: o.Threads})
	if err != nil {
		return nil, err
	}
	c := &Comparer{tracker: tr, emb: emb, limits: DefaultLimits(), far: o.FAR}
	if o.Limits != nil {
		c.limits = *o.Limits
	}
	return c, nil
}

// Close releases the embedding model. The tracker is the caller's and
// stays open.
func (c *Comparer) Close() error { return c.emb.close() }

// Model is the embedding model's name.
func (c *Comparer) Model() string { return c.emb.name }

// Embedding is one face's identity vector, unit length.
type Embedding struct {
	Model  string
	Kind   Reference // the reference kind of the comparison it was made for
	Vector []float32
}

// Face is one face of an image: located and checked (Locate,
// LocateTracked), then embedded (EmbedFace). It keeps its own copy of the
// face aligned for the comparer's model, the model's input before its
// normalisation, and no reference to the frame it was found in, so that
// the frame's buffer may be reused as soon as Locate or LocateTracked
// returns.
type Face struct {
	Embedding
	// Box is the mesh's box and Points are the alignment points
	// (face.Mesh.FivePoints), in the upright pixels of the frame the face
	// was found in: the frame given to Locate, or the margined copy of it
	// that Locate searched.
	Box    imgproc.Rect
	Points [5]face.Point
	Faces  int // faces the detector found in the image
	// What the limits were checked on.
	EyeDistance, Focus, Yaw, Pitch float32

	crop aligned // set when the limits pass
}

// aligned is a face cut out at one model's template.
type aligned struct {
	model string
	size  int       // the template's side
	rgb   []float32 // the template-size crop, RGB interleaved on the 0..255 scale
}

// Image is the face as it was aligned for the comparer's model (the
// template's square, upright), rounded to 8 bits: what an evidence package
// keeps of a best frame. It is nil for a face that was not aligned.
func (f *Face) Image() *image.RGBA {
	if f.crop.rgb == nil {
		return nil
	}
	n := f.crop.size
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	for i := range n * n {
		for c := range 3 {
			img.Pix[4*i+c] = uint8(min(max(f.crop.rgb[3*i+c]+0.5, 0), 255))
		}
		img.Pix[4*i+3] = 255
	}
	return img
}

// Embed finds the largest face of f, checks it against the limits, aligns
// it and computes its embedding for a comparison against a reference of
// the given kind (for the live side, the kind of the reference it will
// meet). A face that cannot be used is a *FaceError.
func (c *Comparer) Embed(f *imgproc.Frame, kind Reference) (Face, error) {
	fc, err := c.Locate(f)
	if err != nil {
		return Face{}, err
	}
	return c.EmbedFace(fc, kind)
}

// EmbedTracked embeds the face the caller's tracker found in f, r being
// its result for f (face.Tracker.Process, Largest or Faces): no second
// detection runs. It is LocateTracked, then EmbedFace.
func (c *Comparer) EmbedTracked(f *imgproc.Frame, r *face.Result, kind Reference) (Face, error) {
	fc, err := c.LocateTracked(f, r)
	if err != nil {
		return Face{}, err
	}
	return c.EmbedFace(fc, kind)
}

// Locate finds the largest face of f, checks it against the limits and
// copies it out aligned; the Face it returns has no Embedding yet. When a
// limit fails, the Face still holds what was measured, and cannot be
// embedded.
func (c *Comparer) Locate(f *imgproc.Frame) (Face, error) {
	r, src, err := c.find(f)
	if err != nil {
		return Face{}, err
	}
	var fc Face
	return fc, c.locate(src, r, &fc)
}

// LocateTracked is Locate for the face the caller's tracker found in f, r
// being its result for f: the limits are checked on r's signals and the
// face is aligned on r.Mesh (for a tracked frame, the smoothed mesh the
// signals were measured on). An engine tracking a live stream calls it on
// each new best frame, before the frame's buffer goes back to the camera,
// and embeds the last Face it kept.
func (c *Comparer) LocateTracked(f *imgproc.Frame, r *face.Result) (Face, error) {
	var fc Face
	return fc, c.LocateTrackedInto(f, r, &fc)
}

// LocateTrackedInto is LocateTracked into fc, reusing the crop buffer fc
// holds (a Face the caller no longer needs): an engine replacing its best
// frames as better ones come allocates nothing.
func (c *Comparer) LocateTrackedInto(f *imgproc.Frame, r *face.Result, fc *Face) error {
	if !r.Found {
		*fc = Face{}
		return &FaceError{Reason: NoFace}
	}
	return c.locate(f, r, fc)
}

// locate measures the face r found in f into fc, checks it and keeps its
// aligned crop, in fc's old crop buffer when it has one.
func (c *Comparer) locate(f *imgproc.Frame, r *face.Result, fc *Face) error {
	buf := fc.crop.rgb
	*fc = Face{Box: r.Signals.Box, Points: r.Mesh.FivePoints(), Faces: r.Faces,
		Focus: r.Signals.Focus(), Yaw: r.Signals.Yaw, Pitch: r.Signals.Pitch}
	fc.EyeDistance = float32(math.Hypot(float64(fc.Points[1].X-fc.Points[0].X), float64(fc.Points[1].Y-fc.Points[0].Y)))
	if err := c.check(fc); err != nil {
		return err
	}
	rgb, err := c.emb.align(f, fc.Points, buf)
	if err != nil {
		return err
	}
	fc.crop = aligned{model: c.emb.name, size: c.emb.crop.Width, rgb: rgb}
	return nil
}

// find is the largest face of f and the frame its landmarks refer to. A
// face that fills the image, as in an ID-card portrait or a tight crop,
// is not found by the detector, which was trained on faces with context
// around them; such an image is searched again with a margin of half its
// size on each side.
func (c *Comparer) find(f *imgproc.Frame) (*face.Result, *imgproc.Frame, error) {
	if err := c.tracker.Largest(f, &c.result); err != nil || c.result.Found {
		return &c.result, f, err
	}
	p, err := withMargin(f)
	if err != nil {
		return nil, nil, err
	}
	if err := c.tracker.Largest(p, &c.result); err != nil || c.result.Found {
		return &c.result, p, err
	}
	return nil, nil, &FaceError{Reason: NoFace}
}

// withMargin is f, upright, on a black canvas twice its width and height,
// scaled down when that would be longer than maxMargined on a side.
func withMargin(f *imgproc.Frame) (*imgproc.Frame, error) {
	w, h := f.Upright()
	k := min(1, float32(maxMargined)/float32(2*max(w, h)))
	ow, oh := max(1, int(k*float32(2*w))), max(1, int(k*float32(2*h)))
	spec := imgproc.TensorSpec{Width: ow, Height: oh, Std: [3]float32{1, 1, 1}}
	t := make([]float32, spec.Len())
	region := imgproc.Rect{X: -float32(w) / 2, Y: -float32(h) / 2, W: 2 * float32(w), H: 2 * float32(h)}
	if err := imgproc.CropResize(f, region, spec, t); err != nil {
		return nil, err
	}
	pix := make([]byte, len(t))
	for i, v := range t {
		pix[i] = byte(min(max(v+0.5, 0), 255))
	}
	return &imgproc.Frame{Width: ow, Height: oh, Format: imgproc.RGB, Planes: [3][]byte{pix}, Strides: [3]int{3 * ow}}, nil
}

// maxMargined bounds the margined copy: 1024 px keeps a face that fills a
// phone photo at well over the detector's and the embedders' resolution.
const maxMargined = 1024

// EmbedFace embeds fc, a face this comparer (or one of the same model)
// located, and sets its Embedding. It works on fc's own aligned copy: the
// frame fc was found in may have changed since.
func (c *Comparer) EmbedFace(fc Face, kind Reference) (Face, error) {
	switch fc.crop.model {
	case c.emb.name:
	case "":
		return Face{}, &MismatchError{Detail: "the face was never aligned (not located, or refused by the limits)"}
	default:
		return Face{}, &MismatchError{Detail: fmt.Sprintf("the face is aligned for %s, not %s", fc.crop.model, c.emb.name)}
	}
	v, err := c.emb.embed(fc.crop.rgb, kind == IDPortrait)
	if err != nil {
		return Face{}, err
	}
	fc.Embedding = Embedding{Model: c.emb.name, Kind: kind, Vector: v}
	return fc, nil
}

func (c *Comparer) check(fc *Face) error {
	l := &c.limits
	switch {
	case !(fc.EyeDistance >= l.MinEyeDistance):
		return &FaceError{Reason: TooSmall, Detail: fmt.Sprintf("eye distance %.1f px < %.0f", fc.EyeDistance, l.MinEyeDistance)}
	case !(geom.Abs32(fc.Yaw) <= l.MaxYaw) || !(geom.Abs32(fc.Pitch) <= l.MaxPitch):
		return &FaceError{Reason: TooTurned, Detail: fmt.Sprintf("yaw %.0f° pitch %.0f° (limits %.0f°, %.0f°)", fc.Yaw, fc.Pitch, l.MaxYaw, l.MaxPitch)}
	case !(fc.Focus >= l.MinFocus):
		return &FaceError{Reason: TooBlurred, Detail: fmt.Sprintf("focus %.1f < %.1f", fc.Focus, l.MinFocus)}
	}
	return nil
}

// Threshold is the score at and above which a pair is accepted at FAR.
type Threshold struct {
	FAR   float64
	Score float32
}

// Result is one comparison.
type Result struct {
	Similarity float32 // cosine of the embeddings, -1..1
	Score      float32 // calibrated, 0..100
	// Thresholds for FAR 1e-2, 1e-3 and 1e-4, like a vendor's
	// ConfidenceThresholds.
	Thresholds []Threshold
	FAR        float64 // the rate Pass was decided at
	Pass       bool    // Score ≥ the threshold for FAR
	A, B       Face
}

// Compare scores the largest face of a against the largest face of b, a
// reference of the given kind. Errors name the image ("a" or "b").
func (c *Comparer) Compare(a, b *imgproc.Frame, kind Reference) (Result, error) {
	fa, err := c.Embed(a, kind)
	if err != nil {
		return Result{}, sideError(err, "a")
	}
	fb, err := c.Embed(b, kind)
	if err != nil {
		return Result{}, sideError(err, "b")
	}
	return c.Match(fa, fb)
}

// SamePerson reports whether every embedded face matches the first at the
// comparer's FAR: one person throughout a session's frames. An embedding
// Match refuses is its error.
func (c *Comparer) SamePerson(faces []Face) (bool, error) {
	for _, f := range faces[min(1, len(faces)):] {
		r, err := c.Match(faces[0], f)
		if err != nil || !r.Pass {
			return false, err
		}
	}
	return true, nil
}

// Match scores two embedded faces. Embeddings that are not finite and of
// unit length (stored ones that were tampered with or damaged) are a
// *EmbeddingError: never a score, never a pass.
func (c *Comparer) Match(a, b Face) (Result, error) {
	sim, err := Similarity(a.Embedding, b.Embedding)
	if err != nil {
		return Result{}, err
	}
	cal := calibrations[calKey{a.Model, a.Kind}]
	r := Result{Similarity: sim, Score: cal.score(sim), FAR: c.far, A: a, B: b}
	for _, t := range scoreAt {
		r.Thresholds = append(r.Thresholds, Threshold{FAR: t.far, Score: t.score})
		if t.far == c.far {
			r.Pass = r.Score >= t.score
		}
	}
	return r, nil
}

// unitTolerance is how far from 1 an embedding's length may be. Embed
// normalises in float32, which leaves an error of a few 1e-7 per value
// summed over a few hundred values: at most about 1e-4. A vector that is
// further off was not made by Embed, and a cosine clamped from it would
// mean nothing.
const unitTolerance = 1e-3

// Similarity is the cosine of two embeddings of the same model and kind.
// Both must be finite and of unit length (a *EmbeddingError otherwise).
func Similarity(a, b Embedding) (float32, error) {
	if a.Model != b.Model || a.Kind != b.Kind || len(a.Vector) != len(b.Vector) || len(a.Vector) == 0 {
		return 0, &MismatchError{Detail: fmt.Sprintf("embeddings %s/%s (%d values) and %s/%s (%d)", a.Model, a.Kind, len(a.Vector), b.Model, b.Kind, len(b.Vector))}
	}
	if err := checkUnit("a", a.Vector); err != nil {
		return 0, err
	}
	if err := checkUnit("b", b.Vector); err != nil {
		return 0, err
	}
	var dot float64
	for i, x := range a.Vector {
		dot += float64(x) * float64(b.Vector[i])
	}
	return float32(min(max(dot, -1), 1)), nil
}

// checkUnit refuses a vector with a non-finite value or a length that is
// not one within unitTolerance.
func checkUnit(side string, v []float32) error {
	var ss float64
	for i, x := range v {
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			return &EmbeddingError{Detail: fmt.Sprintf("embedding %s: value %d is %v", side, i, x)}
		}
		ss += float64(x) * float64(x)
	}
	if n := math.Sqrt(ss); !(math.Abs(n-1) <= unitTolerance) {
		return &EmbeddingError{Detail: fmt.Sprintf("embedding %s: length %.6g, not 1", side, n)}
	}
	return nil
}

func sideError(err error, side string) error {
	if fe, ok := errors.AsType[*FaceError](err); ok {
		e := *fe
		e.Image = side
		return &e
	}
	return fmt.Errorf("compare: image %s: %w", side, err)
}
