package peers

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	pigo "github.com/esimov/pigo/core"
	"gocv.io/x/gocv"

	"github.com/liveid/liveid/bench"
)

// HaarCascadePath is Debian's frontal-face cascade (package opencv-data).
const HaarCascadePath = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"

// Open opens OpenCV's Haar cascade from HaarCascadePath and pigo with the
// facefinder cascade pigoCascade ("": the one PigoCascadePath finds).
func Open(pigoCascade string) ([]bench.Detector, error) {
	if pigoCascade == "" {
		var err error
		if pigoCascade, err = PigoCascadePath(); err != nil {
			return nil, err
		}
	}
	h, err := NewHaar(HaarCascadePath)
	if err != nil {
		return nil, err
	}
	p, err := NewPigo(pigoCascade)
	if err != nil {
		h.Close()
		return nil, err
	}
	return []bench.Detector{h, p}, nil
}

// Haar is OpenCV's Viola-Jones cascade with the usual parameters
// (scale 1.1, 3 neighbours, faces ≥ 30 px).
type Haar struct{ c gocv.CascadeClassifier }

// NewHaar loads a cascade file.
func NewHaar(path string) (*Haar, error) {
	c := gocv.NewCascadeClassifier()
	if !c.Load(path) {
		c.Close()
		return nil, fmt.Errorf("peers: cannot load Haar cascade %s (install opencv-data)", path)
	}
	return &Haar{c: c}, nil
}

func (h *Haar) Name() string { return "opencv-haar" }

func (h *Haar) Detect(img image.Image) ([]image.Rectangle, error) {
	m, err := gocv.ImageToMatRGB(img)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	gray := gocv.NewMat()
	defer gray.Close()
	gocv.CvtColor(m, &gray, gocv.ColorRGBToGray)
	return h.c.DetectMultiScaleWithParams(gray, 1.1, 3, 0, image.Pt(30, 30), image.Pt(0, 0)), nil
}

func (h *Haar) Close() error { return h.c.Close() }

// Pigo is esimov/pigo's pixel-intensity-comparison cascade.
type Pigo struct {
	c *pigo.Pigo
	// MinQ is the detection quality below which a cluster is dropped; pigo's
	// own examples use 5.
	MinQ float32
}

// PigoCascadePath finds the facefinder cascade shipped in pigo's module.
func PigoCascadePath() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/esimov/pigo").Output()
	if err != nil {
		return "", fmt.Errorf("peers: locating the pigo module: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "cascade", "facefinder"), nil
}

// NewPigo unpacks a pigo cascade file.
func NewPigo(path string) (*Pigo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	c, err := pigo.NewPigo().Unpack(b)
	if err != nil {
		return nil, fmt.Errorf("peers: pigo cascade: %w", err)
	}
	return &Pigo{c: c, MinQ: 5}, nil
}

func (p *Pigo) Name() string { return "pigo" }

func (p *Pigo) Detect(img image.Image) ([]image.Rectangle, error) {
	b := img.Bounds()
	params := pigo.CascadeParams{
		MinSize: 30, MaxSize: max(b.Dx(), b.Dy()), ShiftFactor: 0.1, ScaleFactor: 1.1,
		ImageParams: pigo.ImageParams{Pixels: pigo.RgbToGrayscale(img), Rows: b.Dy(), Cols: b.Dx(), Dim: b.Dx()},
	}
	dets := p.c.ClusterDetections(p.c.RunCascade(params, 0), 0.2)
	var out []image.Rectangle
	for _, d := range dets {
		if d.Q < p.MinQ {
			continue
		}
		half := d.Scale / 2
		out = append(out, image.Rect(d.Col-half, d.Row-half, d.Col+half, d.Row+half).Add(b.Min))
	}
	return out, nil
}

func (p *Pigo) Close() error { return nil }
