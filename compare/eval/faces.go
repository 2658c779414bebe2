package eval

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"slices"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// Face is one real face of the set: a crop with the face alone in it and
// the identity it belongs to.
type Face struct {
	Name string // source and place, e.g. "facematch r1c4"
	Img  image.Image
}

// tile is a square face thumbnail inside a screenshot.
type tile struct {
	name string
	rect image.Rectangle
}

// facematch grid: Human's face-match demo screenshot shows 6 rows of 18
// face thumbnails, 106.5 px apart across and 112.4 px apart down from
// (0, 283), each about 106 px square (measured on the image's gaps).
func facematchTiles() []tile {
	var ts []tile
	for r := range 6 {
		for c := range 18 {
			x, y := int(float64(c)*106.5+0.5), 283+int(float64(r)*112.4+0.5)
			ts = append(ts, tile{fmt.Sprintf("facematch r%dc%d", r+1, c+1), image.Rect(x, y, x+106, y+106)})
		}
	}
	// The selected face, larger, top left.
	return append(ts, tile{"facematch selected", image.Rect(0, 30, 150, 170)})
}

// facedetectTiles are the five face panels of Human's face-detect demo.
func facedetectTiles() []tile {
	var ts []tile
	for i, x := range []int{8, 164, 321, 478, 634} {
		ts = append(ts, tile{fmt.Sprintf("facedetect %d", i+1), image.Rect(x, 346, x+150, 497)})
	}
	return ts
}

// source is one image file of a fetched package and where its faces are:
// tiles to cut, or nil to take every face the detector finds.
type source struct {
	pkg, file, name string
	tiles           []tile
}

func sources() []source {
	s := []source{
		{"@vladmandic/face-api", "demo/screenshot-webcam.png", "webcam", []tile{{"webcam", image.Rect(220, 80, 700, 640)}}},
		{"@vladmandic/human", "assets/screenshot-faceid.jpg", "faceid", []tile{{"faceid", image.Rect(14, 142, 154, 282)}}},
		{"@vladmandic/human", "assets/screenshot-facedetect.jpg", "facedetect", facedetectTiles()},
		{"@vladmandic/human", "assets/screenshot-facematch.jpg", "facematch", facematchTiles()},
	}
	for i := 1; i <= build.SamplePhotos; i++ {
		s = append(s, source{"@vladmandic/face-api", fmt.Sprintf("demo/sample%d.jpg", i), fmt.Sprintf("sample%d", i), nil})
	}
	return s
}

// padded is r of img centred on a mid-grey canvas twice its size: the
// thumbnails are cropped tight, and the detector wants context.
func padded(img image.Image, r image.Rectangle) *image.RGBA {
	w, h := r.Dx(), r.Dy()
	out := image.NewRGBA(image.Rect(0, 0, 2*w, 2*h))
	draw.Draw(out, out.Rect, image.NewUniform(color.Gray{128}), image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(w/2, h/2, w/2+w, h/2+h), img, r.Min, draw.Src)
	return out
}

// cropAround is the square of side k × the box's larger side centred on
// the box, padded like padded when it leaves the image.
func cropAround(img image.Image, b imgproc.Rect, k float32) *image.RGBA {
	side := int(k * max(b.W, b.H))
	cx, cy := int(b.X+b.W/2), int(b.Y+b.H/2)
	out := image.NewRGBA(image.Rect(0, 0, side, side))
	draw.Draw(out, out.Rect, image.NewUniform(color.Gray{128}), image.Point{}, draw.Src)
	draw.Draw(out, out.Rect, img, image.Pt(cx-side/2, cy-side/2), draw.Over)
	return out
}

// photoFaces cuts every face the tracker finds in a photo, named by their
// order from left to right.
func photoFaces(t *face.Tracker, img image.Image, name string) ([]Face, error) {
	rs, err := t.Faces(imgproc.FromImage(img), nil)
	if err != nil {
		return nil, err
	}
	var boxes []imgproc.Rect
	for _, r := range rs {
		if r.Found {
			boxes = append(boxes, r.Signals.Box)
		}
	}
	slices.SortFunc(boxes, func(a, b imgproc.Rect) int { return cmp.Compare(a.X, b.X) })
	out := make([]Face, len(boxes))
	for i, b := range boxes {
		out[i] = Face{Name: fmt.Sprintf("%s face%d", name, i+1), Img: cropAround(img, b, 1.6)}
	}
	return out, nil
}

// LoadFaces cuts the set's faces from the fetched packages, those whose
// names keep accepts (all when keep is nil). A tile in which the tracker
// finds no face is left out and named in skipped.
func LoadFaces(home string, t *face.Tracker, keep func(name string) bool) (faces []Face, skipped []string, err error) {
	if keep == nil {
		keep = func(string) bool { return true }
	}
	m, err := models.Load()
	if err != nil {
		return nil, nil, err
	}
	for _, s := range sources() {
		path, err := build.PackageFile(home, m, s.pkg, s.file)
		if err != nil {
			return nil, nil, err
		}
		img, err := imaging.Open(path)
		if err != nil {
			return nil, nil, fmt.Errorf("eval: %w (run make setup)", err)
		}
		if s.tiles == nil {
			fs, err := photoFaces(t, img, s.name)
			if err != nil {
				return nil, nil, err
			}
			for _, f := range fs {
				if keep(f.Name) {
					faces = append(faces, f)
				}
			}
			continue
		}
		var r face.Result
		for _, tl := range s.tiles {
			if !keep(tl.name) {
				continue
			}
			p := padded(img, tl.rect)
			if err := t.Largest(imgproc.FromImage(p), &r); err != nil {
				return nil, nil, err
			}
			if !r.Found {
				skipped = append(skipped, tl.name)
				continue
			}
			faces = append(faces, Face{Name: tl.name, Img: p})
		}
	}
	return faces, skipped, nil
}
