package bench

import (
	"image"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
)

// Detector is a face detector reporting boxes in image pixels.
type Detector interface {
	Name() string
	Detect(img image.Image) ([]image.Rectangle, error)
	Close() error
}

// LiveID is liveid's own BlazeFace detector behind the Detector interface.
type LiveID struct {
	d    *face.Detector
	dets []face.Detection
}

// NewLiveID opens the detector from the model directory dir; the runtime
// must have been started.
func NewLiveID(dir string) (*LiveID, error) {
	d, err := face.NewDetector(dir, models.Options{}, face.DefaultConfig())
	if err != nil {
		return nil, err
	}
	return &LiveID{d: d}, nil
}

func (l *LiveID) Name() string { return "liveid-blazeface" }

func (l *LiveID) Detect(img image.Image) ([]image.Rectangle, error) {
	var err error
	if l.dets, err = l.d.Detect(imgproc.FromImage(img), l.dets); err != nil {
		return nil, err
	}
	out := make([]image.Rectangle, len(l.dets))
	for i, d := range l.dets {
		b := d.Box
		out[i] = image.Rect(int(b.X), int(b.Y), int(b.X+b.W), int(b.Y+b.H))
	}
	return out, nil
}

func (l *LiveID) Close() error { return l.d.Close() }
