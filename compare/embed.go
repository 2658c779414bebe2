package compare

import (
	"fmt"
	"math"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
)

// Model names, as in the manifest.
const (
	MobileFaceNet = "mobilefacenet"
	FaceRes       = "faceres"
	FaceAPI       = "faceapi_resnet"
	// DefaultModel is the model compare/eval measured best (calib.go).
	DefaultModel = FaceRes
)

// Models lists the supported embedding models, the default first.
var Models = []string{FaceRes, FaceAPI, MobileFaceNet}

// modelInfo is what this package needs to know of each embedding model
// beyond the manifest: the output holding the identity vector and the
// alignment template.
type modelInfo struct {
	output string
	tmpl   template
}

var modelInfos = map[string]modelInfo{
	MobileFaceNet: {"embeddings", arcFace112},
	// HSE's FaceRes was trained on VGGFace2's loose boxes, not on aligned
	// crops: the ArcFace framing with more context comes closest.
	FaceRes: {"global_pooling/Mean", arcFace112.scaled(224, faceResZoom)},
	FaceAPI: {"descriptor", dlib150},
}

// faceResZoom 0.8 separated genuine from impostor pairs best of 0.65, 0.8
// and 1 on compare/eval's faces.
const faceResZoom = 0.8

// embedder aligns faces to one embedding model's template and runs the
// model on them.
type embedder struct {
	name string
	sess *models.Session
	spec imgproc.TensorSpec // the model's input
	crop imgproc.TensorSpec // spec's size, RGB interleaved on the 0..255 scale
	tmpl template
	in   []float32
	outs [][]float32
	out  int       // index of the embedding output
	tmp  []float32 // smooth's scratch
}

func openEmbedder(dir, name string, o models.Options) (*embedder, error) {
	info, ok := modelInfos[name]
	if !ok {
		return nil, fmt.Errorf("compare: unknown model %q (have %v)", name, Models)
	}
	s, err := models.Open(dir, name, o, nil)
	if err != nil {
		return nil, err
	}
	spec, err := inputSpec(s.Model.Input, info.tmpl.size)
	if err == nil {
		var out int
		if out, err = s.Output(info.output); err == nil {
			crop := imgproc.TensorSpec{Width: spec.Width, Height: spec.Height, Std: [3]float32{1, 1, 1}}
			return &embedder{name: name, sess: s, spec: spec, crop: crop, tmpl: info.tmpl, in: make([]float32, spec.Len()), outs: s.NewOutputs(), out: out}, nil
		}
	}
	s.Close()
	return nil, err
}

// inputSpec is the manifest's input normalisation as a TensorSpec.
func inputSpec(in models.Input, size int) (imgproc.TensorSpec, error) {
	if len(in.Mean) != 3 || len(in.Std) != 3 || len(in.Shape) != 4 {
		return imgproc.TensorSpec{}, fmt.Errorf("compare: model input %s: want 4-d shape and 3 means and stds", in.Name)
	}
	spec := imgproc.TensorSpec{Width: size, Height: size, NCHW: in.Layout == "NCHW", BGR: in.Color == "BGR"}
	h, w := in.Shape[1], in.Shape[2]
	if spec.NCHW {
		h, w = in.Shape[2], in.Shape[3]
	}
	if h != int64(size) || w != int64(size) {
		return imgproc.TensorSpec{}, fmt.Errorf("compare: model input %s is %d×%d, template is %d×%d", in.Name, w, h, size, size)
	}
	copy(spec.Mean[:], in.Mean)
	copy(spec.Std[:], in.Std)
	return spec, nil
}

// align cuts the face whose alignment points are pts out of f at the
// model's template, into rgb when it has the room (else a new slice): the
// crop a Face keeps. Warp's values on the 0..255 scale are fixed-point sums
// scaled by a power of two, so the float copy is exact and input later
// gives the model the very tensor Warp would have written from f.
func (e *embedder) align(f *imgproc.Frame, pts [5]face.Point, rgb []float32) ([]float32, error) {
	m, err := e.tmpl.affine(pts)
	if err != nil {
		return nil, &FaceError{Reason: TooSmall, Detail: err.Error()}
	}
	if cap(rgb) < e.crop.Len() {
		rgb = make([]float32, e.crop.Len())
	}
	rgb = rgb[:e.crop.Len()]
	if err := imgproc.Warp(f, m, e.crop, rgb); err != nil {
		return nil, err
	}
	return rgb, nil
}

// input lays the crop out as the model's input and normalises it, with
// the arithmetic of Warp's own normalisation.
func (e *embedder) input(rgb []float32) {
	s := e.spec
	n := s.Width * s.Height
	at := [3]int{0, 1, 2} // the tensor channel of R, G and B
	if s.BGR {
		at = [3]int{2, 1, 0}
	}
	for c, ch := range at {
		k, b := 1/s.Std[ch], -s.Mean[ch]/s.Std[ch]
		i, step := ch, 3
		if s.NCHW {
			i, step = ch*n, 1
		}
		for p := range n {
			e.in[i] = rgb[3*p+c]*k + b
			i += step
		}
	}
}

// embed returns the L2-normalised embedding of an aligned crop. portrait
// prepares both sides of an ID-portrait comparison alike: luma only, so
// the card's tint does not count, and a [1 2 1]² smoothing, so the print's
// screen and JPEG blocks, which only the card has, do not either.
// compare/eval's id-portrait-as-photo mode measures what this is worth.
func (e *embedder) embed(rgb []float32, portrait bool) ([]float32, error) {
	e.input(rgb)
	if portrait {
		toGrey(e.spec, e.in)
		e.tmp = smooth(e.spec, e.in, e.tmp)
	}
	if err := e.sess.Run([][]float32{e.in}, e.outs); err != nil {
		return nil, err
	}
	v := make([]float32, len(e.outs[e.out]))
	copy(v, e.outs[e.out])
	if !normalise(v) {
		return nil, fmt.Errorf("compare: model %s gave a zero or non-finite embedding", e.name)
	}
	return v, nil
}

func (e *embedder) close() error { return e.sess.Close() }

// toGrey turns a normalised tensor into its luma image, normalised again
// per channel.
func toGrey(s imgproc.TensorSpec, t []float32) {
	n := s.Width * s.Height
	at := func(i, c int) *float32 {
		if s.NCHW {
			return &t[c*n+i]
		}
		return &t[3*i+c]
	}
	wr, wg, wb := float32(0.299), float32(0.587), float32(0.114)
	if s.BGR {
		wr, wb = wb, wr // channel 0 is blue
	}
	w := [3]float32{wr, wg, wb}
	for i := range n {
		var y float32
		for c := range 3 {
			y += w[c] * (*at(i, c)*s.Std[c] + s.Mean[c])
		}
		for c := range 3 {
			*at(i, c) = (y - s.Mean[c]) / s.Std[c]
		}
	}
}

// normalise scales v to unit length; false when it has none.
func normalise(v []float32) bool {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	if !(ss > 0) || math.IsInf(ss, 0) {
		return false
	}
	k := float32(1 / math.Sqrt(ss))
	for i := range v {
		v[i] *= k
	}
	return true
}

// smooth filters each channel of t with [1 2 1]/4 across and then down,
// edges repeated; tmp is scratch, returned for reuse.
func smooth(s imgproc.TensorSpec, t, tmp []float32) []float32 {
	w, h := s.Width, s.Height
	// Element (x, y) of channel c is at c·cs + (y·w + x)·px.
	px, cs := 3, 1
	if s.NCHW {
		px, cs = 1, w*h
	}
	if cap(tmp) < w*h {
		tmp = make([]float32, w*h)
	}
	tmp = tmp[:w*h]
	for c := range 3 {
		at := func(i int) *float32 { return &t[c*cs+i*px] }
		for y := range h {
			row := y * w
			for x := range w {
				l, r := row+max(x-1, 0), row+min(x+1, w-1)
				tmp[row+x] = (*at(l) + 2**at(row + x) + *at(r)) / 4
			}
		}
		for y := range h {
			up, down := max(y-1, 0)*w, min(y+1, h-1)*w
			for x := range w {
				*at(y*w + x) = (tmp[up+x] + 2*tmp[y*w+x] + tmp[down+x]) / 4
			}
		}
	}
	return tmp
}
