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
	photos, err := loadPhotos(home, tr)
	if err != nil {
		return nil, err
	}
	return makeSubjects(photos, pas)
}

// samplePhoto is one demo photo with the faces the tracker found in it.
type samplePhoto struct {
	frame *imgproc.Frame
	faces []face.Result
}

// loadPhotos runs the tracker (Tracker.Faces) on every photo a sample face
// is in.
func loadPhotos(home string, tr *face.Tracker) (map[int]*samplePhoto, error) {
	photos := map[int]*samplePhoto{}
	for _, sf := range sampleFaces {
		if photos[sf.photo] != nil {
			continue
		}
		img, err := openSample(home, sf.photo)
		if err != nil {
			return nil, err
		}
		ph := &samplePhoto{frame: imgproc.FromImage(img)}
		if ph.faces, err = tr.Faces(ph.frame, nil); err != nil {
			return nil, err
		}
		photos[sf.photo] = ph
	}
	return photos, nil
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

// makeSubjects makes a subject of each sample face: the tracked face
// nearest its point, as a head, with its passive scores. No two sample
// faces may pick the same face.
func makeSubjects(photos map[int]*samplePhoto, pas *liveness.Passive) ([]subject, error) {
	var out []subject
	used := map[*face.Result]bool{}
	for _, sf := range sampleFaces {
		ph := photos[sf.photo]
		r, err := ph.nearest(sf)
		if err != nil {
			return nil, err
		}
		if used[r] {
			return nil, fmt.Errorf("eval: sample faces at (%d, %d) and another in photo %d are the same face", sf.cx, sf.cy, sf.photo)
		}
		used[r] = true
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

// nearest is the found face whose mesh box centre is nearest the sample
// face's point; it must lie within the face's width of it.
func (ph *samplePhoto) nearest(sf sampleFace) (*face.Result, error) {
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
	if best < 0 || bestD > float64(ph.faces[best].Signals.Box.W) {
		return nil, fmt.Errorf("eval: the tracker finds no face at (%d, %d) in sample photo %d", sf.cx, sf.cy, sf.photo)
	}
	return &ph.faces[best], nil
}
