// Package eval measures package compare on the real faces that the fetched
// packages ship: face-api's demo photos and the screenshots of Human's
// demos, cut per person and labelled by eye (labels.go). Genuine pairs are
// one person in two photos, and one photo beside a changed copy of itself
// (turned head, light, JPEG, blur, down-scaling, grey tint, an ID-card
// portrait); impostor pairs are different people.
//
// What the set can show: how each model orders 138 real faces of 83
// people, how much each change costs, and where the thresholds for FAR
// 1e-2 and 1e-3 lie. What it cannot: the faces are mostly young women
// from a few group photos, one man makes up most of the cross-photo pairs,
// the changes are simulated, and the impostor pairs among 83 people are
// far from independent, so FAR 1e-4 is extrapolated from a normal fit
// (Result.Calibration). Images the limits refuse are in no pair: the
// engine asks for another shot instead.
//
// Run finds the faces with one face.Tracker; for each model, a
// compare.Comparer sharing that tracker locates and aligns every image (a
// compare.Face is aligned for one model) and embeds it in each mode's
// kind. Options.Keep limits a run to a fixed subset of the faces: the
// package's tests run such a subset under -short and the whole set, which
// compare's calibration must match, without it (make eval).
package eval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// Options say what Run measures.
type Options struct {
	Home   string
	Models []string // compare.Models when empty
	// Keep, when set, limits the set to the faces whose names (Face.Name)
	// it accepts: a fixed subset for a quick run. Nil keeps every face.
	Keep func(name string) bool
}

// item is one image of the run: a face of the set, as it is, changed, or
// as an ID-card portrait.
type item struct {
	face     int
	change   Change // "" for the original
	portrait bool
	frame    *imgproc.Frame
	fail     compare.Reason // why the limits refused it; "" when they did not
}

// Mode is one kind of comparison.
type Mode string

const (
	PhotoMode    Mode = "photo"       // photo against photo
	PortraitMode Mode = "id-portrait" // photo against ID-card portrait, with compare.IDPortrait
	// PortraitAsPhoto is PortraitMode's pairs embedded as plain photos,
	// to show what the ID-portrait handling is worth.
	PortraitAsPhoto Mode = "id-portrait-as-photo"
)

// Modes in report order.
var Modes = []Mode{PhotoMode, PortraitMode, PortraitAsPhoto}

// Result is one model's outcome in one mode.
type Result struct {
	Model  string
	Mode   Mode
	Scores *Scores
	ByKind map[string]*Scores // genuine subsets by kind (cross-photo, a Change, …) with all impostors
	Embed  time.Duration      // mean time to embed one aligned face
}

// Report is a whole run.
type Report struct {
	Faces, People int
	Skipped       []string       // thumbnails in which no face was found
	Items         int            // images located (originals, changes, portraits)
	Failures      map[string]int // "change reason" → images the limits refused
	Results       []*Result
}

// Run builds the pair set and scores it with every model.
func Run(ctx context.Context, o Options) (*Report, error) {
	if len(o.Models) == 0 {
		o.Models = compare.Models
	}
	if _, err := build.InitRuntime(o.Home); err != nil {
		return nil, err
	}
	dir := build.ModelDir(o.Home)
	tr, err := face.NewTracker(dir, models.Options{}, face.DefaultConfig())
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	faces, skipped, err := LoadFaces(o.Home, tr, o.Keep)
	if err != nil {
		return nil, err
	}
	items, err := makeItems(tr, faces)
	if err != nil {
		return nil, err
	}
	l := newLabeller(faces)
	rep := &Report{Faces: len(faces), People: l.people(), Skipped: skipped, Failures: map[string]int{}}
	for _, name := range o.Models {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := compare.New(tr, compare.Options{Dir: dir, Model: name, Threads: 1})
		if err != nil {
			return nil, err
		}
		rs, err := score(c, items, l)
		c.Close()
		if err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, rs...)
	}
	rep.tally(items)
	return rep, nil
}

// makeItems makes every face's changed copies and portrait.
func makeItems(tr *face.Tracker, faces []Face) ([]*item, error) {
	var items []*item
	var r face.Result
	for i, f := range faces {
		if err := tr.Largest(imgproc.FromImage(f.Img), &r); err != nil {
			return nil, err
		}
		if !r.Found {
			continue // LoadFaces found it; a second look may not
		}
		m := &r.Mesh
		items = append(items, &item{face: i, frame: imgproc.FromImage(f.Img)})
		for _, c := range Changes {
			items = append(items, &item{face: i, change: c, frame: imgproc.FromImage(apply(c, f.Img, m))})
		}
		items = append(items, &item{face: i, portrait: true, frame: imgproc.FromImage(portrait(f.Img, m))})
	}
	return items, nil
}

// locate finds the item's face with c and aligns it for c's model. A face
// the limits refuse is no error: it is recorded in it.fail, the same for
// every model since the tracker alone decides it.
func (it *item) locate(c *compare.Comparer) (compare.Face, error) {
	loc, err := c.Locate(it.frame)
	it.fail = ""
	if fe, refused := errors.AsType[*compare.FaceError](err); refused {
		it.fail = fe.Reason
		return loc, nil
	}
	return loc, err
}

// tally counts the items located and the refusals.
func (rep *Report) tally(items []*item) {
	for _, it := range items {
		if it.fail == "" {
			rep.Items++
		} else {
			rep.Failures[fmt.Sprintf("%-10s %s", it.label(), it.fail)]++
		}
	}
}

func (it *item) label() string {
	switch {
	case it.portrait:
		return "portrait"
	case it.change == "":
		return "original"
	}
	return string(it.change)
}

// embedded is one item's embedding in one mode's kind.
type embedded struct {
	it  *item
	vec compare.Embedding
}

// score locates every item with c, embeds it in the kind of each mode
// that uses it and scores every mode's pairs. Each item's Face, with its
// aligned copy, is dropped once embedded.
func score(c *compare.Comparer, items []*item, l *labeller) ([]*Result, error) {
	es := make([][]embedded, len(Modes))
	took := make([]time.Duration, len(Modes))
	for _, it := range items {
		loc, err := it.locate(c)
		if err != nil {
			return nil, err
		}
		for i, mode := range Modes {
			if !mode.uses(it) {
				continue
			}
			t0 := time.Now()
			fc, err := c.EmbedFace(loc, mode.kind())
			took[i] += time.Since(t0)
			if err != nil {
				return nil, err
			}
			es[i] = append(es[i], embedded{it, fc.Embedding})
		}
	}
	var out []*Result
	for i, mode := range Modes {
		r := pairUp(es[i], l, mode)
		r.Model = c.Model()
		if n := len(es[i]); n > 0 {
			r.Embed = took[i] / time.Duration(n)
		}
		out = append(out, r)
	}
	return out, nil
}

// kind is the reference kind a mode embeds for.
func (m Mode) kind() compare.Reference {
	if m == PortraitMode {
		return compare.IDPortrait
	}
	return compare.Photo
}

// uses says whether a mode pairs the item: photo mode all but portraits,
// the portrait modes the originals and the portraits.
func (m Mode) uses(it *item) bool {
	if it.fail != "" {
		return false
	}
	if m == PhotoMode {
		return !it.portrait
	}
	return it.change == ""
}

// pairUp scores every usable pair of one mode.
func pairUp(es []embedded, l *labeller, mode Mode) *Result {
	var imp []float64
	gen := map[string][]float64{}
	for i := range es {
		for j := i + 1; j < len(es); j++ {
			kind, ok := pairKind(es[i].it, es[j].it, l, mode)
			if !ok {
				continue
			}
			s, _ := compare.Similarity(es[i].vec, es[j].vec)
			if kind == "" {
				imp = append(imp, float64(s))
			} else {
				gen[kind] = append(gen[kind], float64(s))
			}
		}
	}
	var all []float64
	for _, g := range gen {
		all = append(all, g...)
	}
	r := &Result{Mode: mode, Scores: newScores(all, imp), ByKind: map[string]*Scores{}}
	for k, g := range gen {
		slices.Sort(g)
		r.ByKind[k] = &Scores{Genuine: g, Impostor: r.Scores.Impostor} // one sorted impostor list serves all
	}
	return r
}

// pairKind says what a pair is: "" for an impostor pair, else the kind of
// genuine pair; ok is false for pairs not used.
func pairKind(a, b *item, l *labeller, mode Mode) (kind string, ok bool) {
	if mode != PhotoMode && a.portrait == b.portrait {
		return "", false // a live face against a portrait, always
	}
	switch l.relation(a.face, b.face) {
	case unrelated:
		return "", true
	case otherPhoto:
		if a.change == "" && b.change == "" {
			return "cross-photo", true
		}
	case samePhoto:
		if a.face != b.face {
			return "", false // a copy
		}
		if mode != PhotoMode {
			return "same-photo", true
		}
		if a.change == "" || b.change == "" {
			return string(a.change + b.change), true
		}
	}
	return "", false
}
