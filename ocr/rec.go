package ocr

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"github.com/liveid/liveid/ocr/internal/geom"
	"image"
	"slices"
	"strings"

	"github.com/liveid/liveid/models"
)

const recH = 48

// Recognition runs in one session of dynamic width: each batch of lines is
// as wide as its widest line rounded up to recStep, so a short line (a
// label, "男") does not pay for the long ones (an 18-digit number, an
// address line), and no shape needs a session of its own. The model's
// cost grows with batch × width.
const (
	recStep    = 8   // the model's width stride: one CTC step per 8 px
	recMaxW    = 640 // longer lines are squeezed to this width
	recBatch   = 8   // at most this many lines a run
	recPadding = 0.1 // a batch takes a line only while padding stays within this share of its input
)

var half = [3]float32{0.5, 0.5, 0.5}

// line is a recognised text line.
type line struct {
	box   textBox
	text  []rune
	probs []float32 // one per rune
	along []float64 // one per rune: how far along the box its centre lies, in the image's pixels; nil where not known
}

func (l line) String() string { return string(l.text) }

// lineCrop cuts a text box out of the card as a straight strip recH high.
func lineCrop(card *image.RGBA, b textBox, maxW int) *image.RGBA {
	s := geom.QuadSides(b.quad)
	w := int(float64(recH)*(s[0]+s[2])/(s[1]+s[3]) + 0.5)
	return warpQuad(card, b.quad, min(max(w, 8), maxW), recH)
}

// recWidth is the input width a crop w px wide runs at.
func recWidth(w int) int { return roundUp(w, recStep) }

// recBatches splits the crops' indices, ordered by width, into batches of
// at most recBatch lines whose padding (each line filled out to the
// batch's width) stays within recPadding of the batch's input.
func recBatches(crops []*image.RGBA) [][]int {
	order := make([]int, len(crops))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(crops[a].Rect.Dx(), crops[b].Rect.Dx()) })
	var batches [][]int
	for len(order) > 0 {
		n, used := 1, crops[order[0]].Rect.Dx()
		for n < min(recBatch, len(order)) {
			w := crops[order[n]].Rect.Dx()
			if float64((n+1)*recWidth(w)-used-w) > recPadding*float64((n+1)*recWidth(w)) {
				break
			}
			n, used = n+1, used+w
		}
		batches = append(batches, order[:n])
		order = order[n:]
	}
	return batches
}

// recognise reads every box, batching lines of similar width.
func (e *Engine) recognise(card *image.RGBA, boxes []textBox) ([]line, error) {
	lines, _, err := e.recogniseScored(card, boxes, false)
	return lines, err
}

// recogniseScored is recognise that, when keep is set, also keeps each
// line's class probabilities, for decoding against a closed list
// (scores.logLikelihood). Without keep, every batch reuses one output
// buffer (a batch of eight long lines returns some 17 MB).
func (e *Engine) recogniseScored(card *image.RGBA, boxes []textBox, keep bool) ([]line, []scores, error) {
	crops := make([]*image.RGBA, len(boxes))
	for i, b := range boxes {
		crops[i] = lineCrop(card, b, recMaxW)
	}
	lines := make([]line, len(boxes))
	all := make([]scores, len(boxes))
	var in, out []float32 // reused by every batch
	for _, idx := range recBatches(crops) {
		width := recWidth(crops[idx[len(idx)-1]].Rect.Dx())
		per := 3 * recH * width
		in = slices.Grow(in[:0], len(idx)*per)[:len(idx)*per]
		clear(in)
		for j, i := range idx {
			fillNCHW(in[j*per:(j+1)*per], crops[i], width, half, half)
		}
		var shape []int64
		var err error
		out, shape, err = e.rec.Run(in, []int64{int64(len(idx)), 3, recH, int64(width)}, out)
		if err != nil {
			return nil, nil, fmt.Errorf("ocr: text recognition: %w", err)
		}
		if len(shape) != 3 || int(shape[0]) != len(idx) {
			return nil, nil, &models.MismatchError{Model: RecModel, Detail: fmt.Sprintf("output of shape %v for %d lines; want [lines steps classes]", shape, len(idx))}
		}
		steps, classes := int(shape[1]), int(shape[2])
		for j, i := range idx {
			s := scores{p: out[j*steps*classes : (j+1)*steps*classes], steps: steps, classes: classes}
			text, probs, at := e.ctcDecode(s.p, steps, classes)
			lines[i] = line{box: boxes[i], text: text, probs: probs, along: alongBox(boxes[i], at, float64(width)/float64(steps), crops[i].Rect.Dx())}
			all[i] = s
		}
		if keep {
			out = nil // the scores hold this batch's output
		}
	}
	return lines, all, nil
}

// ctcDecode is greedy CTC: the best class per time step, repeats merged,
// blanks (class 0) dropped. Each kept rune carries its step's probability
// and the step it was read at.
func (e *Engine) ctcDecode(p []float32, steps, classes int) ([]rune, []float32, []int) {
	var text []rune
	var probs []float32
	var at []int
	prev := 0
	for t := range steps {
		row := p[t*classes : (t+1)*classes]
		best := 0
		for c := 1; c < classes; c++ {
			if row[c] > row[best] {
				best = c
			}
		}
		if best != 0 && best != prev && best <= len(e.keys) {
			text = append(text, e.keys[best-1])
			probs = append(probs, row[best])
			at = append(at, t)
		}
		prev = best
	}
	return text, probs, at
}

// alongBox places the runes read at the given steps along box b, whose
// crop was cropW px wide and whose steps are stride crop px apart: a
// character's step lies at its centre, give or take half a character
// (CTC fires once per character, somewhere on it).
func alongBox(b textBox, at []int, stride float64, cropW int) []float64 {
	s := geom.QuadSides(b.quad)
	scale := (s[0] + s[2]) / 2 / float64(cropW)
	out := make([]float64, len(at))
	for i, t := range at {
		out[i] = (float64(t) + 0.5) * stride * scale
	}
	return out
}

// ReadKeys reads the recognition model's character list (KeysAsset) from
// the model directory dir, checked against its pinned sha256 and against
// the model: one character a line, as many as the model has classes but
// the CTC blank and the final space. A list that does not fit the model
// (empty, or of another model) is a *models.MismatchError: every line
// would otherwise read as nothing, and every card as no card.
func ReadKeys(dir string) ([]rune, error) {
	b, err := models.ReadAsset(dir, KeysAsset)
	if err != nil {
		return nil, err
	}
	m, err := models.Load()
	if err != nil {
		return nil, err
	}
	md, err := m.Model(RecModel)
	if err != nil {
		return nil, err
	}
	return parseKeys(b, recClasses(md))
}

// recClasses is the class count of the rec model's output, its last
// dimension in the manifest.
func recClasses(md *models.Model) int {
	if len(md.Outputs) == 0 || len(md.Outputs[0].Shape) == 0 {
		return 0
	}
	s := md.Outputs[0].Shape
	return int(s[len(s)-1])
}

// parseKeys reads the rec model's character list, one per line, for a
// model of the given class count: the CTC blank, the characters, then a
// space.
func parseKeys(b []byte, classes int) ([]rune, error) {
	var keys []rune
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		r := []rune(strings.TrimRight(sc.Text(), "\r"))
		if len(r) != 1 {
			return nil, fmt.Errorf("ocr: character list: line %d is %q, not one character", len(keys)+1, string(r))
		}
		keys = append(keys, r[0])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ocr: character list: %w", err)
	}
	if len(keys)+2 != classes {
		return nil, &models.MismatchError{Model: KeysAsset, Detail: fmt.Sprintf("%d characters, the model %s reads %d (%d classes less the blank and the space)",
			len(keys), RecModel, classes-2, classes)}
	}
	return append(keys, ' '), nil
}

// clsW is the orientation model's input width.
const clsW = 192

// upsideDown asks the direction model about the given boxes (the widest
// first) and returns the mean probability that the text is turned 180°.
func (e *Engine) upsideDown(card *image.RGBA, boxes []textBox) (float64, error) {
	const n = 6
	order := slices.Clone(boxes)
	slices.SortFunc(order, func(a, b textBox) int {
		return cmp.Compare(geom.QuadSides(b.quad)[0], geom.QuadSides(a.quad)[0])
	})
	order = order[:min(n, len(order))]
	if len(order) == 0 {
		return 0, nil
	}
	in, out := e.cls.NewInputs(), e.cls.NewOutputs()
	per := 3 * recH * clsW
	for j, b := range order {
		fillNCHW(in[0][j*per:(j+1)*per], lineCrop(card, b, clsW), clsW, half, half)
	}
	if err := e.cls.Run(in, out); err != nil {
		return 0, fmt.Errorf("ocr: text direction: %w", err)
	}
	sum := 0.0
	for j := range order {
		sum += float64(out[0][2*j+1])
	}
	return sum / float64(len(order)), nil
}
