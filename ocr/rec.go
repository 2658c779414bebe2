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
	"sync"

	"github.com/liveid/liveid/models"
)

const recH = 48

// recWidths are the line widths rec sessions are opened at; a line goes to
// the narrowest that holds it at height 48, so short lines (a label, "男")
// do not pay for the long ones (an 18-digit number, an address line): the
// model's cost grows with batch × width.
var recWidths = []int{160, 320, 480, 640}

// recBatches are the batch sizes sessions are opened at, largest first.
// Lines of one width run in as few batches as add up to their count
// exactly: on the CPU a batch is no cheaper per line than single runs, so
// padding a batch would only waste time, but fewer runs save overhead.
var recBatches = []int{4, 2, 1}

var half = [3]float32{0.5, 0.5, 0.5}

// line is a recognised text line.
type line struct {
	box   textBox
	text  []rune
	probs []float32 // one per rune
}

func (l line) String() string { return string(l.text) }

// sessionPool opens one session of a model per fixed input shape on first
// use and keeps it.
type sessionPool struct {
	dir      string
	opts     models.Options
	model    string
	shape    func(a, b int) []int64 // the input x's NCHW shape for a key
	mu       sync.Mutex
	sessions map[[2]int]*models.Session // by key: (batch, width) for rec, (width, height) for det
}

// recShape is a rec session's input: batch lines of width at height 48.
func recShape(batch, width int) []int64 { return []int64{int64(batch), 3, recH, int64(width)} }

// detShape is a det session's input: one w×h image.
func detShape(w, h int) []int64 { return []int64{1, 3, int64(h), int64(w)} }

func (p *sessionPool) get(a, b int) (*models.Session, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.sessions[[2]int{a, b}]; ok {
		return s, nil
	}
	s, err := models.Open(p.dir, p.model, p.opts, map[string][]int64{"x": p.shape(a, b)})
	if err != nil {
		return nil, err
	}
	if p.sessions == nil {
		p.sessions = map[[2]int]*models.Session{}
	}
	p.sessions[[2]int{a, b}] = s
	return s, nil
}

func (p *sessionPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.sessions {
		s.Close()
	}
	p.sessions = nil
}

// lineCrop cuts a text box out of the card as a straight strip recH high.
func lineCrop(card *image.RGBA, b textBox, maxW int) *image.RGBA {
	s := geom.QuadSides(b.quad)
	w := int(float64(recH)*(s[0]+s[2])/(s[1]+s[3]) + 0.5)
	return warpQuad(card, b.quad, min(max(w, 8), maxW), recH)
}

// recognise reads every box, batching lines of similar width.
func (e *Engine) recognise(card *image.RGBA, boxes []textBox) ([]line, error) {
	crops := make([]*image.RGBA, len(boxes))
	groups := map[int][]int{} // width → box indices
	for i, b := range boxes {
		crops[i] = lineCrop(card, b, recWidths[len(recWidths)-1])
		w := recWidths[len(recWidths)-1]
		for _, rw := range recWidths {
			if crops[i].Rect.Dx() <= rw {
				w = rw
				break
			}
		}
		groups[w] = append(groups[w], i)
	}
	lines := make([]line, len(boxes))
	for _, w := range recWidths {
		idx := groups[w]
		for len(idx) > 0 {
			n := recBatches[slices.IndexFunc(recBatches, func(b int) bool { return b <= len(idx) })]
			if err := e.recBatch(crops, idx[:n], w, boxes, lines); err != nil {
				return nil, err
			}
			idx = idx[n:]
		}
	}
	return lines, nil
}

func (e *Engine) recBatch(crops []*image.RGBA, idx []int, width int, boxes []textBox, lines []line) error {
	s, err := e.rec.get(len(idx), width)
	if err != nil {
		return err
	}
	in, out := s.NewInputs(), s.NewOutputs()
	per := 3 * recH * width
	for j, i := range idx {
		fillNCHW(in[0][j*per:(j+1)*per], crops[i], width, half, half)
	}
	if err := s.Run(in, out); err != nil {
		return fmt.Errorf("ocr: text recognition: %w", err)
	}
	shape := s.OutputShapes()[0]
	steps, classes := int(shape[1]), int(shape[2])
	for j, i := range idx {
		text, probs := e.ctcDecode(out[0][j*steps*classes:(j+1)*steps*classes], steps, classes)
		lines[i] = line{box: boxes[i], text: text, probs: probs}
	}
	return nil
}

// ctcDecode is greedy CTC: the best class per time step, repeats merged,
// blanks (class 0) dropped. Each kept rune carries its step's probability.
func (e *Engine) ctcDecode(p []float32, steps, classes int) ([]rune, []float32) {
	var text []rune
	var probs []float32
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
		}
		prev = best
	}
	return text, probs
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
