// Package bench runs liveid's stages next to peer implementations on the
// same inputs, so speed and accuracy are reported as figures from one run.
// Peers are desktop-only (OpenCV through gocv, pigo); nothing here goes to
// phones.
package bench

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	pigo "github.com/esimov/pigo/core"
	"gocv.io/x/gocv"
)

// Detector is a face detector reporting boxes in image pixels.
type Detector interface {
	Name() string
	Detect(img image.Image) ([]image.Rectangle, error)
	Close() error
}

// HaarCascadePath is Debian's frontal-face cascade (package opencv-data).
const HaarCascadePath = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"

// Haar is OpenCV's Viola-Jones cascade with the usual parameters
// (scale 1.1, 3 neighbours, faces ≥ 30 px).
type Haar struct{ c gocv.CascadeClassifier }

// NewHaar loads a cascade file.
func NewHaar(path string) (*Haar, error) {
	c := gocv.NewCascadeClassifier()
	if !c.Load(path) {
		c.Close()
		return nil, fmt.Errorf("bench: cannot load Haar cascade %s (install opencv-data)", path)
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
		return "", fmt.Errorf("bench: locating the pigo module: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "cascade", "facefinder"), nil
}

// NewPigo unpacks a pigo cascade file.
func NewPigo(path string) (*Pigo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	c, err := pigo.NewPigo().Unpack(b)
	if err != nil {
		return nil, fmt.Errorf("bench: pigo cascade: %w", err)
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
