package ocr

import (
	"cmp"
	"context"
	"errors"
	"image"
	"math"
	"math/cmplx"
	"slices"
	"strings"
	"unicode"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// anchor is a printed label whose place on the card is fixed: the left
// end of its text box (a label that opens its line) or, for the back's
// titles, the box's centre, in the rectified card. The number's own box
// (the digits boxed apart from their label) is one too: its label is
// numberAnchor. slack is how far along its row an anchor that follows
// other print in that row may stand from its place (card pixels): the
// print before it moves it.
type anchor struct {
	label  string
	side   Side
	at     geom.Point
	centre bool
	slack  float64
}

// numberAnchor stands for the number's digits as an anchor's label;
// issuerAnchor and validityAnchor for the back's two values, which start
// at the value column whatever their length.
const numberAnchor, issuerAnchor, validityAnchor = "#", "@issuer", "@validity"

// anchors are the labels of GA 450's layout, where the text detector's
// boxes of them fall on the rectified card (the box's left end sits a few
// pixels left of the print: the detector grows its boxes). The front's
// column fixes no width; 民族 and the number's digits, which stand two to
// three hundred pixels right of it, do. The back's values, black and set
// larger than its blue labels, still read when a card is small in the
// photo and the labels do not; they stand 120–170 pixels right of them
// (their boxes start within about 15 px of the place on the independent
// generator's tune split).
var anchors = []anchor{
	{"姓名", Front, geom.Pt(61, 89), false, 0},
	{"性别", Front, geom.Pt(61, 146), false, 0},
	{"出生", Front, geom.Pt(61, 201), false, 0},
	{"住址", Front, geom.Pt(61, 257), false, 0},
	{"公民身份号码", Front, geom.Pt(62, 461), false, 0},
	{"民族", Front, geom.Pt(257, 145), false, 20},
	{numberAnchor, Front, geom.Pt(300, 460), false, 10},
	{"中华人民共和国", Back, geom.Pt(440, 85), true, 0},
	{"居民身份证", Back, geom.Pt(440, 170), true, 0},
	{"签发机关", Back, geom.Pt(146, 412), false, 0},
	{"有效期限", Back, geom.Pt(147, 472), false, 0},
	{issuerAnchor, Back, geom.Pt(292, 412), false, 15},
	{validityAnchor, Back, geom.Pt(289, 468), false, 15},
}

// birthValue is where the front's date of birth starts, in the value
// column (its box starts 141–175 px in, 189–218 down on the independent
// generator's tune split); slack is how far from its column, or the
// label's, fitByNumber lets it start under a scale taken from one line's
// height above another. It is no anchor of the layout fit: a receipt's
// date beside the card reads alike. It places the card only with the
// number's digits, when no two labels read (fitByNumber).
var birthValue = anchor{"@birth", Front, geom.Pt(158, 203), false, 40}

// numberSpanMin and numberSpanMax are how long the number's 18 digits run
// on the rectified card at the least and the most (card pixels): the faces
// cards are printed in set them 337–459 px long on the independent
// generator's tune split.
const numberSpanMin, numberSpanMax = 320, 480

// fitByNumber places a front from its number's digits and its date of
// birth (birthValue) when no two labels read: on a card small or washed
// out in the photo the detector boxes the faint labels into their values
// or not at all. The digits' line gives the card's turn and the place of
// their start; how far above it the date's line runs gives the scale (the
// date's start does not: its box may start at the unread label). The date
// must start in the label's or the value's column, and the digits must
// run as long as the number runs on cards (numberSpanMin, numberSpanMax),
// which a date elsewhere in the photo (a receipt's) does not.
func fitByNumber(lines []line) (similarity, []match, bool) {
	num := anchors[slices.IndexFunc(anchors, func(a anchor) bool { return a.label == numberAnchor })]
	n, b := openedBy(num, lines), openedBy(birthValue, lines)
	if n < 0 || b < 0 {
		return similarity{}, nil, false
	}
	nm, bm := matchOf(num, lines[n]), matchOf(birthValue, lines[b])
	u := geom.Pt(math.Cos(nm.dir), math.Sin(nm.dir))
	d := bm.at.Sub(nm.at)
	scale := -(d.Y*u.X - d.X*u.Y) / (num.at.Y - birthValue.at.Y) // photo pixels a card pixel
	if scale <= 0 {
		return similarity{}, nil, false
	}
	along := (d.X*u.X + d.Y*u.Y) / scale
	q := lines[n].box.quad
	span := q[0].Add(q[3]).Scale(0.5).Dist(q[1].Add(q[2]).Scale(0.5)) / scale
	labelCol := anchors[0].at.X // 姓名's, the column's
	if along < labelCol-num.at.X-birthValue.slack || along > birthValue.at.X-num.at.X+birthValue.slack || span < numberSpanMin || span > numberSpanMax {
		return similarity{}, nil, false
	}
	rot := cmplx.Rect(scale, nm.dir)
	return similarity{rot, complex(nm.at.X, nm.at.Y) - rot*complex(num.at.X, num.at.Y)}, []match{nm}, true
}

// match is an anchor found among recognised lines.
type match struct {
	a   anchor
	at  geom.Point // in the lines' image
	dir float64    // the way its line reads, radians, image y down
}

// findAnchors lists the anchors the lines show, each at most once (the
// longest line wins: a label repeated in clutter is rarely at a line's
// start).
func findAnchors(lines []line) []match {
	var out []match
	for _, a := range anchors {
		if i := openedBy(a, lines); i >= 0 {
			out = append(out, matchOf(a, lines[i]))
		}
	}
	return out
}

// openedBy is the index of the longest of lines that a opens, or -1.
func openedBy(a anchor, lines []line) int {
	best, bestLen := -1, 0
	for i, l := range lines {
		if g := toRun(l); opens(a, g) && len(g) > bestLen {
			best, bestLen = i, len(g)
		}
	}
	return best
}

// matchOf is the anchor a found at the line l.
func matchOf(a anchor, l line) match {
	q := l.box.quad
	at := q[0].Add(q[3]).Scale(0.5)
	if a.centre {
		at = geom.Centroid(q)
	}
	d := q[1].Sub(q[0])
	return match{a, at, math.Atan2(d.Y, d.X)}
}

// opens reports whether the run g (of a line) opens with the anchor a: a
// title must also fill its line (one of its characters may be missing, as
// from a label's: a reflection over its first leaves 华人民共和国), and the
// number's digits must be the line, give or take a misread or a stray
// mark.
func opens(a anchor, g run) bool {
	switch a.label {
	case numberAnchor:
		id := 0
		for _, x := range g {
			id += b2i(isDigit(x.r) || x.r == 'X' || x.r == 'x')
		}
		return len(g) > 0 && isDigit(g[0].r) && id >= 16 && len(g)-id <= 2
	case issuerAnchor:
		// An issuer is a public security bureau (…公安局…); the label
		// read into the same box makes it the label's anchor.
		return len(g) > 0 && unicode.Is(unicode.Han, g[0].r) && strings.Contains(g.String(), "公安") && !opensLabel(g, "签发机关")
	case birthValue.label:
		// A date of birth, its 年, 月 or 日 read at least once, a digit
		// of its year's end perhaps not: 1982年5月17日, 198#5日17日.
		return len(g) <= 14 && g.digits() >= 6 && len(g) >= 4 && isDigit(g[0].r) && isDigit(g[1].r) && isDigit(g[2].r) && strings.ContainsAny(g.String(), "年月日")
	case validityAnchor:
		// A validity opens with its start's year and month: 2006.08.
		return len(g) >= 7 && g.digits() >= 8 && isDigit(g[0].r) && isDigit(g[3].r) && !isDigit(g[4].r) && isDigit(g[5].r)
	}
	if a.centre {
		n := len([]rune(a.label))
		return opensWith(g, a.label) && len(g) >= n-1 && len(g) <= n+2
	}
	return opensLabel(g, a.label)
}

// opensLabel reports whether g opens with label, a character or two
// misread (opensWith, backLabelled).
func opensLabel(g run, label string) bool { return opensWith(g, label) || backLabelled(g, label) }

// backLabelled reports whether g opens with the back's label (签发机关 or
// 有效期限) half read, its first two characters and neither of the others
// (签发桥美), before a value of the label's kind: an issuer (…公安…) or a
// validity's digits. The value settles what the label's misreading leaves
// open, and no issuer opens with 签发.
func backLabelled(g run, label string) bool {
	l := []rune(label)
	if len(g) < len(l) || g[0].r != l[0] || g[1].r != l[1] {
		return false
	}
	rest := g[len(l):]
	switch label {
	case "签发机关":
		return strings.Contains(rest.String(), "公安")
	case "有效期限":
		return rest.digits() >= 8
	}
	return false
}

// opensWith reports whether g opens with label, one character in four
// misread (findLabel) or, for a label of four characters or more, one
// left out: the recogniser drops a small label's faint first character
// (发机关 for 签发机关) while the detector's box still starts at it.
func opensWith(g run, label string) bool {
	if g.findLabel(label, 0) == 0 {
		return true
	}
	l := []rune(label)
	if len(l) < 4 || len(g) < len(l)-1 {
		return false
	}
	for k := range l {
		if string(slices.Concat(l[:k], l[k+1:])) == g[:len(l)-1].String() {
			return true
		}
	}
	return false
}

// agreement is how well the lines read on a rectified card agree with
// its side's layout.
type agreement struct {
	labels int     // anchors where the layout puts them, within a row's pitch (40 card px)
	offset float64 // their mean distance from there, card pixels
}

// maxTrueOffset is the mean anchor offset past which an outline is
// suspect: the labels of a card rectified by its true outline stand up to
// about 24 card pixels (mean, 95th percentile on the independent
// generator's tune split) from the layout's places, from the print's own
// tolerances and the detector's box margins; an outline stretched over a
// backdrop or cut short moves them further.
const maxTrueOffset = 25

// layoutFit is the agreement of a rectified card's lines with the side's
// layout.
func layoutFit(side Side, lines []line) agreement {
	var a agreement
	sum := 0.0
	for _, m := range findAnchors(lines) {
		if d := m.at.Dist(m.a.at); m.a.side == side && d < 40 {
			a.labels++
			sum += d
		}
	}
	if a.labels > 0 {
		a.offset = sum / float64(a.labels)
	}
	return a
}

// trusted reports whether the agreement is that of a card's true outline:
// goodFit labels in place, within maxTrueOffset on average.
func (a agreement) trusted() bool { return a.labels >= goodFit && a.offset <= maxTrueOffset }

// better reports whether a agrees with the layout better than b: more
// labels in place, or as many where b's stand further than a true
// outline's would and a's stand closer.
func (a agreement) better(b agreement) bool {
	return a.labels > b.labels || (a.labels == b.labels && b.offset > maxTrueOffset && a.offset < b.offset)
}

// similarity is z ↦ a·z + b on points as complex numbers: a turn, a
// scale and a shift.
type similarity struct{ a, b complex128 }

func (s similarity) apply(p geom.Point) geom.Point {
	z := s.a*complex(p.X, p.Y) + s.b
	return geom.Pt(real(z), imag(z))
}

// fitSimilarity is the least-squares similarity taking each from[i] to
// to[i].
func fitSimilarity(from, to []geom.Point) similarity {
	var mf, mt complex128
	for i := range from {
		mf += complex(from[i].X, from[i].Y)
		mt += complex(to[i].X, to[i].Y)
	}
	n := complex(float64(len(from)), 0)
	mf, mt = mf/n, mt/n
	var num complex128
	den := 0.0
	for i := range from {
		f := complex(from[i].X, from[i].Y) - mf
		num += (complex(to[i].X, to[i].Y) - mt) * cmplx.Conj(f)
		den += real(f)*real(f) + imag(f)*imag(f)
	}
	if den == 0 {
		return similarity{}
	}
	a := num / complex(den, 0)
	return similarity{a, mt - a*mf}
}

// cardFromAnchors fits the card's place from the anchors of one side (the
// side with more of them): it needs two, and drops the worst-fitting while
// any lies further than a row's pitch from where the fit puts it; it
// returns the anchors kept. The fit must turn the card the way the kept
// labels' own lines read and give it a plausible size. (Their way, not the
// photo's: a card turned across level clutter reads the other way from
// most of the photo's text.)
func cardFromAnchors(ms []match) (similarity, Side, []match, bool) {
	front, back := 0, 0
	for _, m := range ms {
		if m.a.side == Front {
			front++
		} else {
			back++
		}
	}
	side := Front
	if back > front {
		side = Back
	}
	ms = slices.DeleteFunc(slices.Clone(ms), func(m match) bool { return m.a.side != side })
	for len(ms) >= 2 {
		from, to := make([]geom.Point, len(ms)), make([]geom.Point, len(ms))
		for i, m := range ms {
			from[i], to[i] = m.a.at, m.at
		}
		s := fitSimilarity(from, to)
		scale := cmplx.Abs(s.a)
		if scale == 0 {
			return similarity{}, side, nil, false
		}
		worst, worstD := -1, 0.0
		for i := range ms {
			if d := s.apply(from[i]).Dist(to[i]) / scale; d > worstD {
				worst, worstD = i, d
			}
		}
		if worstD > 35 {
			ms = slices.Delete(ms, worst, worst+1)
			continue
		}
		turn := math.Remainder(cmplx.Phase(s.a)-readingWay(ms), 2*math.Pi)
		if math.Abs(turn) > 0.3 || scale < 0.15 || scale > 8 {
			return similarity{}, side, nil, false
		}
		return s, side, ms, true
	}
	return similarity{}, side, nil, false
}

// readingWay is the mean direction the matches' lines read in.
func readingWay(ms []match) float64 {
	var z complex128
	for _, m := range ms {
		z += cmplx.Rect(1, m.dir)
	}
	return cmplx.Phase(z)
}

// The scene det's input is at most this size: a 4:3 photo fits either at
// about the size the card's text needs (each card line 10–30 px high).
const sceneLong, sceneShort = 960, 736

// sceneBox is the box the photo m is fitted into for the scene detector:
// sceneLong wide and sceneShort high, or the other way for a portrait.
func sceneBox(m *image.RGBA) (w, h int) {
	if m.Rect.Dy() > m.Rect.Dx() {
		return sceneShort, sceneLong
	}
	return sceneLong, sceneShort
}

// locateByText finds the card from its printed layout when its edge does
// not: the text detector's boxes over the whole photo are turned to run
// the way most of the text does, read, and the labels among them (the
// number's, the front's column, the back's titles, issuer and validity)
// give the card's place by a similarity fit; the perspective the lines'
// convergence shows turns that into a homography (perspective.go), and
// each side is then moved onto the card's edge where one shows nearby
// (refine.go).
func (e *Engine) locateByText(ctx context.Context, src *image.RGBA) (location, error) {
	w, h := sceneBox(src)
	boxes, err := runDet(e.det, src, w, h, true)
	if err != nil {
		return location{}, err
	}
	boxes = textLines(boxes)
	if len(boxes) < 2 {
		return location{}, &NoCardError{Reason: "neither the card's edge nor its printed text was found"}
	}
	angle := textDirection(boxes)
	for i := range boxes {
		boxes[i].quad = alongText(boxes[i].quad, angle)
	}
	if err := ctx.Err(); err != nil {
		return location{}, err
	}
	p180, err := e.upsideDown(src, boxes)
	if err != nil {
		return location{}, err
	}
	if p180 > 0.5 {
		boxes = turnBoxes(boxes)
	}
	sim, used, lines, err := e.fitLabels(src, boxes)
	if errors.Is(err, ErrNoCard) {
		// The longest lines that voted on the text's way up may be
		// clutter's (a poster, a screen) upright behind a card turned over:
		// read the other way.
		sim, used, lines, err = e.fitLabels(src, turnBoxes(boxes))
	}
	if err != nil {
		return location{}, err
	}
	var q [4]geom.Point
	for i, c := range geom.RectCorners(CardW, CardH) {
		q[i] = sim.apply(c)
	}
	q = fitPerspective(q, used, lines, photoCamera(src.Rect.Dx(), src.Rect.Dy()))
	if r := refineEdges(src, q); keepsLayout(r, q, used, lines) {
		q = r
	}
	W, H := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	clipped := false
	for _, p := range q {
		// A card a little past the frame still reads; the margin keeps
		// the fit's own error from raising the border warning.
		if p.X < -0.02*W || p.Y < -0.02*H || p.X > 1.02*W || p.Y > 1.02*H {
			clipped = true
		}
	}
	return location{corners: q, clipped: clipped, byText: true}, nil
}

// turnBoxes turns every box by 180°.
func turnBoxes(boxes []textBox) []textBox {
	out := make([]textBox, len(boxes))
	for i, b := range boxes {
		out[i] = b
		out[i].quad = geom.Rotate180(b.quad)
	}
	return out
}

// fitLabels reads the boxes and fits the card's place to the labels among
// them.
func (e *Engine) fitLabels(src *image.RGBA, boxes []textBox) (similarity, []match, []line, error) {
	lines, err := e.recognise(src, boxes)
	if err != nil {
		return similarity{}, nil, nil, err
	}
	sim, _, used, ok := cardFromAnchors(findAnchors(lines))
	if !ok {
		sim, used, ok = fitByNumber(lines)
	}
	if !ok {
		return similarity{}, nil, nil, &NoCardError{Reason: "neither the card's edge nor two of its printed labels in their places were found"}
	}
	return sim, used, lines, nil
}

// keepsLayout reports whether the outline refined from the edges still
// agrees with the printed layout the fit came from: its anchors lie no
// further from their places than under the fit (within a few pixels of
// the card) or than under a card's true outline (maxTrueOffset: a fit to
// two or three labels takes in their print's own offsets, which the true
// outline does not), and no text line the fit put on the card falls off
// it. An edge search that caught the portrait's border, a text column or
// a shadow fails one or the other.
func keepsLayout(refined, fit [4]geom.Point, used []match, lines []line) bool {
	if e := anchorError(refined, used); e > anchorError(fit, used)+4 && e > maxTrueOffset {
		return false
	}
	for _, l := range lines {
		if !inConvexQuad(fit, l.box.centre()) {
			continue
		}
		for _, p := range l.box.quad {
			if !inConvexQuad(refined, p) {
				return false
			}
		}
	}
	return true
}

// anchorError is the mean distance, in the rectified card's pixels,
// between where the outline q puts each anchor and where it was read.
func anchorError(q [4]geom.Point, ms []match) float64 {
	h, ok := geom.Homography(geom.RectCorners(CardW, CardH), q)
	if !ok || len(ms) == 0 {
		return math.Inf(1)
	}
	scale := cardWidth(q) / CardW
	sum := 0.0
	for _, m := range ms {
		sum += geom.Apply(h, m.a.at).Dist(m.at)
	}
	return sum / float64(len(ms)) / scale
}

// maxSceneLines caps how many boxes of a photo are read: the card has
// about a dozen, the rest is clutter; the longest go first.
const maxSceneLines = 40

// textLines keeps the boxes shaped like text lines, the longest first.
func textLines(boxes []textBox) []textBox {
	boxes = slices.DeleteFunc(boxes, func(b textBox) bool {
		s := geom.QuadSides(b.quad)
		return max(s[0], s[1]) < 1.3*min(s[0], s[1])
	})
	slices.SortFunc(boxes, func(a, b textBox) int {
		sa, sb := geom.QuadSides(a.quad), geom.QuadSides(b.quad)
		return cmp.Compare(max(sb[0], sb[1]), max(sa[0], sa[1]))
	})
	return boxes[:min(len(boxes), maxSceneLines)]
}

// textDirection is the angle (radians, image y down) most long boxes'
// long edges run at, in (−π/2, π/2]: the median, each line weighted once.
func textDirection(boxes []textBox) float64 {
	var angles []float64
	for _, b := range boxes {
		d := longEdge(b.quad)
		a := math.Atan2(d.Y, d.X)
		if a <= -math.Pi/2 {
			a += math.Pi
		} else if a > math.Pi/2 {
			a -= math.Pi
		}
		angles = append(angles, a)
	}
	return median(angles)
}

func longEdge(q [4]geom.Point) geom.Point {
	if q[0].Dist(q[1]) >= q[1].Dist(q[2]) {
		return q[1].Sub(q[0])
	}
	return q[2].Sub(q[1])
}

// alongText orders a box's corners so that q[0]→q[1] is a long edge
// running within 90° of angle: the order lineCrop reads text in.
func alongText(q [4]geom.Point, angle float64) [4]geom.Point {
	if q[0].Dist(q[1]) < q[1].Dist(q[2]) {
		q = [4]geom.Point{q[1], q[2], q[3], q[0]}
	}
	d := q[1].Sub(q[0])
	if d.X*math.Cos(angle)+d.Y*math.Sin(angle) < 0 {
		q = geom.Rotate180(q)
	}
	return q
}
