package eval

import (
	"fmt"
	"image"
	"math"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// sampleFace is a face in one of face-api's demo photos, picked by eye: a
// point near its centre, in photo pixels. The subject is the face the
// tracker finds there.
type sampleFace struct{ photo, cx, cy int }

var sampleFaces = []sampleFace{
	{1, 1570, 330}, {1, 510, 490}, {3, 680, 460}, {3, 1160, 340},
	{3, 1590, 410}, {5, 860, 260}, {5, 450, 1000}, {6, 360, 640},
	{6, 740, 490}, {6, 1280, 440}, {6, 1580, 420},
}

// subject is a real face turned into simulation material: the tracker's
// mesh of it as a 3-D head, its skin colours and its passive scores.
type subject struct {
	name    string
	head    *head
	passive liveness.PassiveScore
}

// loadSubjects runs the tracker and the passive models on the sample
// photos and makes a subject of every sample face.
func loadSubjects(home string) ([]subject, error) {
	if _, err := build.InitRuntime(home); err != nil {
		return nil, err
	}
	dir := build.ModelDir(home)
	tr, err := face.NewTracker(dir, models.Options{}, face.DefaultConfig())
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	pas, err := liveness.OpenPassive(dir, models.Options{})
	if err != nil {
		return nil, err
	}
	defer pas.Close()
	var out []subject
	photos := map[int]*samplePhoto{}
	for _, sf := range sampleFaces {
		ph, ok := photos[sf.photo]
		if !ok {
			if ph, err = loadPhoto(home, sf.photo, tr); err != nil {
				return nil, err
			}
			photos[sf.photo] = ph
		}
		r, err := ph.take(sf)
		if err != nil {
			return nil, err
		}
		s := subject{name: fmt.Sprintf("sample%d@%d,%d", sf.photo, sf.cx, sf.cy)}
		var o liveness.Observation
		if err := o.Fill(r, ph.frame, 0); err != nil {
			return nil, err
		}
		if s.head, err = newHead(o.Landmarks, ph.frame); err != nil {
			return nil, err
		}
		if s.passive, err = pas.ScoreFace(ph.frame, &r.Mesh); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// samplePhoto is one demo photo with the faces the tracker found in it.
type samplePhoto struct {
	frame *imgproc.Frame
	faces []face.Result
	taken []bool
}

func loadPhoto(home string, i int, tr *face.Tracker) (*samplePhoto, error) {
	img, err := openSample(home, i)
	if err != nil {
		return nil, err
	}
	ph := &samplePhoto{frame: imgproc.FromImage(img)}
	if ph.faces, err = tr.Faces(ph.frame, nil); err != nil {
		return nil, err
	}
	ph.taken = make([]bool, len(ph.faces))
	return ph, nil
}

func openSample(home string, i int) (image.Image, error) {
	path, err := build.SamplePhoto(home, i)
	if err != nil {
		return nil, err
	}
	img, err := imaging.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: sample photo: %w", err)
	}
	return img, nil
}

// take is the found face whose mesh box centre is nearest the sample
// face's point; it must lie within the face's width and not be another
// sample face's already.
func (ph *samplePhoto) take(sf sampleFace) (*face.Result, error) {
	best, bestD := -1, math.Inf(1)
	for k := range ph.faces {
		r := &ph.faces[k]
		if !r.Found {
			continue
		}
		b := r.Signals.Box
		if d := math.Hypot(float64(b.X+b.W/2)-float64(sf.cx), float64(b.Y+b.H/2)-float64(sf.cy)); d < bestD {
			best, bestD = k, d
		}
	}
	if best < 0 || bestD > float64(ph.faces[best].Signals.Box.W) || ph.taken[best] {
		return nil, fmt.Errorf("eval: the tracker finds no face of its own at (%d, %d) in sample photo %d", sf.cx, sf.cy, sf.photo)
	}
	ph.taken[best] = true
	return &ph.faces[best], nil
}
