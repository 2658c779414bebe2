package eval

import (
	"fmt"
	"image"
	"math"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// sampleFace is a face in one of face-api's demo photos: a square box
// (centre and side, photo pixels) chosen by eye, about 1.5 face widths, as
// the tracker would hand FaceMesh.
type sampleFace struct{ photo, cx, cy, side int }

var sampleFaces = []sampleFace{
	{1, 1570, 330, 320}, {1, 510, 490, 320}, {3, 680, 460, 320}, {3, 1160, 340, 320},
	{3, 1590, 410, 320}, {5, 860, 260, 300}, {5, 450, 1000, 320}, {6, 360, 640, 320},
	{6, 740, 490, 320}, {6, 1280, 440, 320}, {6, 1580, 420, 320},
}

const meshSize = 192 // FaceMesh input side

// subject is a real face turned into simulation material: its FaceMesh
// landmarks as a 3-D head, its skin colours and its passive scores.
type subject struct {
	name    string
	head    *head
	passive liveness.PassiveScore
}

// loadSubjects runs FaceMesh and the passive models on every sample face.
func loadSubjects(home string) ([]subject, error) {
	if _, err := build.InitRuntime(home); err != nil {
		return nil, err
	}
	dir := build.ModelDir(home)
	mesh, err := models.Open(dir, "facemesh", models.Options{Threads: 1}, nil)
	if err != nil {
		return nil, err
	}
	defer mesh.Close()
	meshOut, err := mesh.Output("output_mesh")
	if err != nil {
		return nil, err
	}
	pas, err := liveness.OpenPassive(dir, models.Options{Threads: 1})
	if err != nil {
		return nil, err
	}
	defer pas.Close()
	var out []subject
	for _, sf := range sampleFaces {
		path, err := build.SamplePhoto(home, sf.photo)
		if err != nil {
			return nil, err
		}
		s, err := loadSubject(path, sf, mesh, meshOut, pas)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func loadSubject(path string, sf sampleFace, mesh *models.Session, meshOut int, pas *liveness.Passive) (subject, error) {
	img, err := imaging.Open(path)
	if err != nil {
		return subject{}, fmt.Errorf("eval: sample photo: %w", err)
	}
	box := image.Rect(sf.cx-sf.side/2, sf.cy-sf.side/2, sf.cx+sf.side/2, sf.cy+sf.side/2)
	crop := imaging.Resize(imaging.Crop(img, box), meshSize, meshSize, imaging.Linear)
	outs := mesh.NewOutputs()
	if err := mesh.Run([][]float32{tensor(crop)}, outs); err != nil {
		return subject{}, err
	}
	var lm [liveness.MeshPoints][3]float64
	for i := range lm {
		for k := range 3 {
			lm[i][k] = float64(outs[meshOut][3*i+k])
		}
	}
	s := subject{name: fmt.Sprintf("sample%d@%d,%d", sf.photo, sf.cx, sf.cy), head: newHead(&lm, crop)}
	// The passive crop is the mesh's box, squared, back in photo pixels.
	scale := float64(sf.side) / meshSize
	fb := meshBox(&lm)
	c := image.Pt(box.Min.X+int(scale*(fb[0]+fb[2])/2), box.Min.Y+int(scale*(fb[1]+fb[3])/2))
	half := int(scale * max(fb[2]-fb[0], fb[3]-fb[1]) / 2)
	face := imaging.Crop(img, image.Rect(c.X-half, c.Y-half, c.X+half, c.Y+half))
	s.passive, err = pas.Score(tensor(imaging.Resize(face, liveness.AntiSpoofSize, liveness.AntiSpoofSize, imaging.Linear)),
		tensor(imaging.Resize(face, liveness.LivenessSize, liveness.LivenessSize, imaging.Linear)))
	return s, err
}

// tensor is an image as NHWC RGB on 0..1.
func tensor(img *image.NRGBA) []float32 {
	b := img.Bounds()
	out := make([]float32, 0, b.Dx()*b.Dy()*3)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			o := img.PixOffset(x, y)
			out = append(out, float32(img.Pix[o])/255, float32(img.Pix[o+1])/255, float32(img.Pix[o+2])/255)
		}
	}
	return out
}

func meshBox(lm *[liveness.MeshPoints][3]float64) [4]float64 {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range lm {
		b[0], b[1] = min(b[0], p[0]), min(b[1], p[1])
		b[2], b[3] = max(b[2], p[0]), max(b[3], p[1])
	}
	return b
}
