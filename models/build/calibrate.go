package build

import (
	"fmt"
	"math"
	"os"
	"slices"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/internal/onnxgraph"
	"github.com/liveid/liveid/models"
)

// CalibrationPhotos are the sample photos whose crops calibrate the int8
// models; the others (5 and 6) are held out for checking them.
var CalibrationPhotos = []int{1, 2, 3, 4}

// cropFractions are the centred square crops taken of each photo, as
// fractions of its short side: the whole scene, about a face, and a
// detail, so the calibration sees the spread of contrast a stage's crops
// have.
var cropFractions = []float32{1, 0.6, 0.35}

// SampleInputs renders the model's input tensors from the given sample
// photos: for each photo, one tensor per crop of cropFractions, resized
// and normalised as the manifest's input spec says.
func SampleInputs(home string, md *models.Model, photos []int) ([][]float32, error) {
	spec, err := InputSpec(md)
	if err != nil {
		return nil, err
	}
	var out [][]float32
	for _, i := range photos {
		f, err := SamplePhotoFrame(home, i)
		if err != nil {
			return nil, err
		}
		side := float32(min(f.Width, f.Height))
		for _, frac := range cropFractions {
			s := side * frac
			r := imgproc.Rect{X: (float32(f.Width) - s) / 2, Y: (float32(f.Height) - s) / 2, W: s, H: s}
			dst := make([]float32, spec.Len())
			if err := imgproc.CropResize(f, r, spec, dst); err != nil {
				return nil, fmt.Errorf("models: %s: sample %d: %w", md.Name, i, err)
			}
			out = append(out, dst)
		}
	}
	return out, nil
}

// SamplePhotoFrame decodes sample photo i as a frame.
func SamplePhotoFrame(home string, i int) (*imgproc.Frame, error) {
	path, err := SamplePhoto(home, i)
	if err != nil {
		return nil, err
	}
	r, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("models: sample photo: %w", err)
	}
	defer r.Close()
	img, _, err := imgproc.Decode(r, imgproc.DefaultDecodeLimits)
	if err != nil {
		return nil, err
	}
	return imgproc.FromImage(img), nil
}

// InputSpec is the manifest input as an imgproc tensor spec; only 3-channel
// image inputs of fixed height and width are described this way.
func InputSpec(md *models.Model) (imgproc.TensorSpec, error) {
	in := md.Input
	s := in.Shape
	if len(s) != 4 || len(in.Mean) != 3 || len(in.Std) != 3 {
		return imgproc.TensorSpec{}, fmt.Errorf("models: %s: input %v is not a 3-channel image", md.Name, s)
	}
	spec := imgproc.TensorSpec{NCHW: in.Layout == "NCHW", BGR: in.Color == "BGR"}
	if spec.NCHW {
		spec.Height, spec.Width = int(s[2]), int(s[3])
	} else {
		spec.Height, spec.Width = int(s[1]), int(s[2])
	}
	if spec.Width <= 0 || spec.Height <= 0 {
		return imgproc.TensorSpec{}, fmt.Errorf("models: %s: input %v has a free height or width", md.Name, s)
	}
	copy(spec.Mean[:], in.Mean)
	copy(spec.Std[:], in.Std)
	return spec, nil
}

// batchOneShape is the model's input shape with a free batch of 1.
func batchOneShape(md *models.Model) []int64 {
	s := slices.Clone(md.Input.Shape)
	if len(s) > 0 && s[0] < 0 {
		s[0] = 1
	}
	return s
}

// RunAll runs the ONNX model data once per input tensor and returns, per
// run, every output in declaration order. ONNX Runtime allocates the
// outputs, so graphs whose outputs have no stated shape (CalibrationCopy)
// run too. The runtime must be initialised (InitRuntime).
func RunAll(data []byte, md *models.Model, outputs []string, inputs [][]float32) ([][][]float32, error) {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", md.Name, err)
	}
	defer so.Destroy()
	if err := so.SetIntraOpNumThreads(1); err != nil {
		return nil, fmt.Errorf("models: %s: %w", md.Name, err)
	}
	sess, err := ort.NewDynamicAdvancedSessionWithONNXData(data, []string{md.Input.Name}, outputs, so)
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", md.Name, err)
	}
	defer sess.Destroy()
	shape := batchOneShape(md)
	var all [][][]float32
	for _, in := range inputs {
		t, err := ort.NewTensor(ort.NewShape(shape...), in)
		if err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
		outs := make([]ort.Value, len(outputs))
		err = sess.Run([]ort.Value{t}, outs)
		t.Destroy()
		if err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
		run := make([][]float32, len(outs))
		for i, v := range outs {
			if ft, ok := v.(*ort.Tensor[float32]); ok {
				run[i] = slices.Clone(ft.GetData())
			}
			v.Destroy()
		}
		all = append(all, run)
	}
	return all, nil
}

// Calibrate runs the calibration copy of g on the inputs and returns the
// min/max each tensor of Activations reached (ORT's MinMax calibrator).
func Calibrate(g *onnxgraph.Model, md *models.Model, inputs [][]float32) (map[string]Range, error) {
	data, err := CalibrationCopy(g).Marshal()
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", md.Name, err)
	}
	names := Activations(&g.Graph)
	runs, err := RunAll(data, md, names, inputs)
	if err != nil {
		return nil, err
	}
	ranges := make(map[string]Range, len(names))
	for _, run := range runs {
		for i, v := range run {
			if len(v) == 0 {
				continue
			}
			r, seen := ranges[names[i]]
			lo, hi := slices.Min(v), slices.Max(v)
			if !seen {
				r = Range{lo, hi}
			}
			ranges[names[i]] = Range{min(r.Min, lo), max(r.Max, hi)}
		}
	}
	for t, r := range ranges {
		ranges[t] = coarse(r)
	}
	return ranges, nil
}

// coarse widens r outward to multiples of 1/128 of its magnitude's power
// of two. Float kernels differ in their last bits between CPUs (AVX2,
// AVX-512, NEON); on the coarse grid the same calibration gives the same
// scales, so the int8 file is the same bytes on every build machine unless
// a range falls within a rounding error of a grid line.
func coarse(r Range) Range {
	m := math.Max(math.Abs(float64(r.Min)), math.Abs(float64(r.Max)))
	if m == 0 {
		return r
	}
	_, e := math.Frexp(m)
	step := math.Ldexp(1, e-7)
	return Range{float32(math.Floor(float64(r.Min)/step) * step), float32(math.Ceil(float64(r.Max)/step) * step)}
}

// BuildInt8 returns the bytes of a manifest model's int8 QDQ variant,
// calibrated on the crops of CalibrationPhotos. Only models built from a
// graph (tfjs-graph, faceapi-resnet) can be quantised: ready ONNX files
// are not parsed. The runtime must be initialised (InitRuntime).
func BuildInt8(home string, m *models.Manifest, md *models.Model) ([]byte, error) {
	g, err := buildGraph(home, m, md)
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, fmt.Errorf("models: %s: a ready ONNX file (kind %q) cannot be quantised", md.Name, md.Kind)
	}
	g = FoldAffine(g)
	inputs, err := SampleInputs(home, md, CalibrationPhotos)
	if err != nil {
		return nil, err
	}
	ranges, err := Calibrate(g, md, inputs)
	if err != nil {
		return nil, err
	}
	q, err := Quantize(g, ranges)
	if err != nil {
		return nil, err
	}
	q.Producer += " int8"
	b, err := q.Marshal()
	if err != nil {
		return nil, fmt.Errorf("models: %s int8: %w", md.Name, err)
	}
	return b, nil
}

// Int8Path is where a model's int8 variant lives in a model directory.
func Int8Path(dir, name string) string { return models.Path(dir, name+"_int8") }

// ConvertInt8 builds a manifest model's int8 variant, checks it against
// the manifest's pin and writes it next to the float file.
func ConvertInt8(home string, m *models.Manifest, md *models.Model) error {
	if md.Int8 == nil {
		return nil
	}
	b, err := BuildInt8(home, m, md)
	if err != nil {
		return err
	}
	if got := SHA256Hex(b); got != md.Int8.SHA256 {
		return &ChecksumError{Model: md.Name + "_int8", Want: md.Int8.SHA256, Got: got}
	}
	return writeAtomic(Int8Path(ModelDir(home), md.Name), b)
}
