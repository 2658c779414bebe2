package ocr

import (
	"cmp"
	"image"
	"image/draw"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// Layout of the rectified card (px at 10 px/mm). Only coarse regions are
// fixed; rows are found from the text and named by their printed labels.
var (
	// portraitRect is where the front's photo is printed (26 × 32 mm).
	portraitRect = image.Rect(555, 55, 815, 375)
	// emblemRect is where the back's national emblem is printed.
	emblemRect = image.Rect(40, 30, 200, 190)
)

// Printed labels.
var (
	frontLabels = []string{"姓名", "性别", "民族", "出生", "住址", "公民身份号码"}
	backLabels  = []string{"中华人民共和国", "居民身份证", "签发机关", "有效期限"}
)

// glyph is a recognised character, its probability and how far along its
// line its centre lies (NaN where not known, which no test of place
// passes); fields are cut from runs of glyphs so each keeps its own
// confidence.
type glyph struct {
	r     rune
	p     float32
	along float64
}

type run []glyph

func (g run) String() string {
	var b strings.Builder
	for _, x := range g {
		b.WriteRune(x.r)
	}
	return b.String()
}

func (g run) field() Field {
	return Field{Text: g.String(), Conf: g.conf()}
}

func (g run) conf() float64 {
	if len(g) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range g {
		s += float64(x.p)
	}
	return s / float64(len(g))
}

// without drops glyphs for which drop is true.
func (g run) without(drop func(rune) bool) run {
	return slices.DeleteFunc(slices.Clone(g), func(x glyph) bool { return drop(x.r) })
}

// cutLabel removes label from the start of g (as findLabel matches it);
// ok says whether it was there.
func (g run) cutLabel(label string) (run, bool) {
	i := g.findLabel(label, 0)
	if i != 0 {
		return g, false
	}
	return g[len([]rune(label)):], true
}

// findLabel is the first index at or after from where label starts, or
// -1. Labels of four characters or more may have one wrong in four; short
// ones must read exactly, or a value such as 民路 would pass for 民族.
func (g run) findLabel(label string, from int) int {
	l := []rune(label)
	allowed := len(l) / 4
	for i := from; i+len(l) <= len(g); i++ {
		wrong := 0
		for k, r := range l {
			if g[i+k].r != r {
				wrong++
			}
		}
		if wrong <= allowed {
			return i
		}
	}
	return -1
}

// digits is how many of g's characters are digits 0–9.
func (g run) digits() int {
	n := 0
	for _, x := range g {
		n += b2i(isDigit(x.r))
	}
	return n
}

func toRun(l line) run {
	g := make(run, len(l.text))
	for i, r := range l.text {
		g[i] = glyph{r, l.probs[i], math.NaN()}
		if l.along != nil {
			g[i].along = l.along[i]
		}
	}
	return g.without(unicode.IsSpace)
}

func meanProb(p []float32) float64 {
	g := make(run, len(p))
	for i := range p {
		g[i].p = p[i]
	}
	return g.conf()
}

// whichSide counts the printed labels each side carries; an 18-character
// number also marks the front. With no label read whole, two labels
// findAnchors finds, misread, are enough.
func whichSide(lines []line) Side {
	var all strings.Builder
	for _, l := range lines {
		all.WriteString(strings.ReplaceAll(l.String(), " ", ""))
	}
	text := all.String()
	front, back := 0, 0
	for _, l := range frontLabels {
		front += strings.Count(text, l)
	}
	for _, l := range backLabels {
		back += strings.Count(text, l)
	}
	if len(longestIDRun(toRun(line{text: []rune(text), probs: make([]float32, len([]rune(text)))}))) >= 15 {
		front += 2
	}
	if front == 0 && back == 0 {
		// No label read whole: two of the labels the layout still finds,
		// a character or two misread (有效限, 签发桥美 before an issuer),
		// tell; one may be a blurred card's smear read as a label, and a
		// value's anchor (a line with 公安) is none.
		f, b := 0, 0
		for _, m := range findAnchors(lines) {
			if printedLabel(m.a.label) {
				f += b2i(m.a.side == Front)
				b += b2i(m.a.side == Back)
			}
		}
		if max(f, b) >= 2 {
			front, back = f, b
		}
	}
	switch {
	case front == 0 && back == 0:
		return AnySide
	case front >= back:
		return Front
	}
	return Back
}

// row is text lines at one height, left to right.
type row struct {
	parts []part
	g     run     // the parts' text joined
	cy    float64 // vertical centre of its first line, in the deskewed card
}

// part is one text line of a row.
type part struct {
	g      run
	x0, x1 float64 // its extent along the row, in the deskewed card
}

// placed is a line with its box measured in the card's own frame: the
// rectified card turned by its residual skew, so that a card a few degrees
// off after rectification still has level rows.
type placed struct {
	l      line
	c      geom.Point // centre
	x0, x1 float64
	h      float64 // the box's height, its short side
}

// skew is the median angle of the long text boxes' long edges: what
// rectification left of the card's turn.
func skew(lines []line) float64 {
	var a []float64
	for _, l := range lines {
		s := geom.QuadSides(l.box.quad)
		if s[0] < 3*s[1] {
			continue
		}
		d := l.box.quad[1].Sub(l.box.quad[0])
		if t := math.Atan2(d.Y, d.X); math.Abs(t) < 0.3 {
			a = append(a, t)
		}
	}
	return median(a)
}

func place(lines []line) []placed {
	t := skew(lines)
	cos, sin := math.Cos(-t), math.Sin(-t)
	mid := geom.Pt(CardW/2, CardH/2)
	rot := func(p geom.Point) geom.Point {
		d := p.Sub(mid)
		return geom.Pt(mid.X+d.X*cos-d.Y*sin, mid.Y+d.X*sin+d.Y*cos)
	}
	out := make([]placed, len(lines))
	for i, l := range lines {
		x0, x1 := math.Inf(1), math.Inf(-1)
		for _, p := range l.box.quad {
			q := rot(p)
			x0, x1 = min(x0, q.X), max(x1, q.X)
		}
		s := geom.QuadSides(l.box.quad)
		out[i] = placed{l, rot(l.box.centre()), x0, x1, min(s[0]+s[2], s[1]+s[3]) / 2}
	}
	return out
}

// rows groups lines whose vertical centres, in the deskewed card, are
// within half a line height and which do not stack over each other,
// skipping lines inside the excluded rectangle and specks. Rows come top
// to bottom, their parts left to right.
func rows(lines []line, exclude image.Rectangle) []row {
	var ls []placed
	all := place(lines)
	heights := make([]float64, len(all))
	for i, p := range all {
		heights[i] = p.l.box.across()
	}
	tall := median(heights)
	for _, p := range all {
		c := p.l.box.centre()
		if !(image.Point{int(c.X), int(c.Y)}).In(exclude) && len(p.l.text) > 0 && !p.speck(tall) {
			ls = append(ls, p)
		}
	}
	slices.SortFunc(ls, func(a, b placed) int { return cmp.Compare(a.c.Y, b.c.Y) })
	var groups [][]placed
	for _, l := range ls {
		if n := len(groups); n > 0 && sameRow(groups[n-1], l) {
			groups[n-1] = append(groups[n-1], l)
			continue
		}
		groups = append(groups, []placed{l})
	}
	out := make([]row, len(groups))
	for i, grp := range groups {
		out[i].cy = grp[0].c.Y
		slices.SortFunc(grp, func(a, b placed) int { return cmp.Compare(a.c.X, b.c.X) })
		for _, l := range grp {
			g := toRun(l.l)
			out[i].parts = append(out[i].parts, part{g, l.x0, l.x1})
			out[i].g = append(out[i].g, g...)
		}
	}
	return out
}

// speck reports whether a line's box is less than half as tall, across
// its row, as the card's lines are (tall, the median of their heights):
// no field the card prints is set so small, while a speck of the
// backdrop's pattern read as a character is, and one beside a label
// stacks over it, taking the label's row (sameRow).
func (p placed) speck(tall float64) bool { return p.l.box.across() < tall/2 }

// sameRow: l's centre is within half the first line's height of it, and
// l overlaps no line of the row by more than a third of the shorter: two
// address lines one over the other are two rows however close.
func sameRow(grp []placed, l placed) bool {
	first := grp[0]
	if l.c.Y-first.c.Y >= max(first.h, l.h)/2 {
		return false
	}
	for _, o := range grp {
		overlap := min(o.x1, l.x1) - max(o.x0, l.x0)
		if overlap > min(o.x1-o.x0, l.x1-l.x0)/3 {
			return false
		}
	}
	return true
}

// value is the row's text after its label: the label cut from the front
// when it reads right, else a first part that ends left of valueX (the
// label's own box, misread), else, when the row's first part starts in
// the labels' column, the label read with half its characters in place
// (misreadLabel), else the whole row. Label characters or punctuation
// left at its start (a spaced-out label split over boxes, its colon) go
// too.
func (r row) value(label string, valueX float64) run {
	g, ok := r.g.cutLabel(label)
	switch {
	case ok:
	case len(r.parts) > 1 && r.parts[0].x1 < valueX:
		g = nil
		for _, p := range r.parts[1:] {
			g = append(g, p.g...)
		}
	case r.parts[0].x0 < valueX-labelColumn:
		k := misreadLabel(r.g, label)
		// A label character misread as another (姓角 for 姓名) is no
		// value's: it lies where the label does.
		for k < len(r.parts[0].g) && r.g[k].along < labelSpan(label) {
			k++
		}
		g = r.g[k:]
	}
	for len(g) > 0 && (strings.ContainsRune(label, g[0].r) || unicode.IsPunct(g[0].r)) {
		g = g[1:]
	}
	return g
}

// labelSpan is how far along a line that opens with label the label's
// characters lie, in card pixels: half way between where its last
// character is centred and where a value's first is. A front's
// two-character label, spaced out over 60, ends some 50 px in, its value
// 100 px or more in (its column, frontValueX, is 89 px right of the
// labels'); on a back, 签发机关's last character some 105 px in, its
// value's first 155 (backValueX lies 134 px right of the label's place).
func labelSpan(label string) float64 { return 20 + 27.5*float64(utf8.RuneCountInString(label)) }

// labelColumn is how far left of the values a line must start to hold its
// row's label: 3 mm, a label character and its gap.
const labelColumn = 30

// misreadLabel is how much of g a label read with half its characters or
// more in place takes: up to its last one in place (性名 for 姓名 is two
// characters, 姓张三 one, its 名 dropped), or nothing.
func misreadLabel(g run, label string) int {
	l := []rune(label)
	if len(g) <= len(l) {
		return 0
	}
	right, last := 0, -1
	for k, c := range l {
		if g[k].r == c {
			right, last = right+1, k
		}
	}
	if 2*right < len(l) {
		return 0
	}
	return last + 1
}

// Where the values start, right of the labels' column.
const frontValueX, backValueX = 150, 280

// extract reads the side's fields from its lines.
func extract(side Side, lines []line) map[string]Field {
	if side == Back {
		return extractBack(rows(lines, emblemRect))
	}
	return extractFront(rows(lines, portraitRect))
}

// minNumberRun is the shortest run of digits taken for the number's: an
// address's numbers are short, the number has 18 characters, of which
// three may go unread.
const minNumberRun = 15

// minForeignRun is the shortest run of digits that is no address's: its
// numbers (a house, a room: 1101室) have four digits or five.
const minForeignRun = 8

// extractFront finds the number's row (its label or a long digit run),
// then names the rows above it by their labels or, unlabelled, by their
// height on the card.
func extractFront(rs []row) map[string]Field {
	out := map[string]Field{}
	numRow := -1
	for i, r := range rs {
		if r.g.findLabel("公民身份号码", 0) >= 0 || len(longestIDRun(r.g)) >= minNumberRun {
			numRow = i
		}
	}
	above := rs
	if numRow >= 0 {
		above = rs[:numRow]
		var best run
		for _, r := range rs[numRow:] {
			if n := longestIDRun(r.g); len(n) > len(best) {
				best = n
			}
		}
		setField(out, Number, best)
		// The label may sit a little higher than the digits, in a row
		// of its own.
		if n := len(above); n > 0 && above[n-1].g.findLabel("公民身份号码", 0) >= 0 {
			above = above[:n-1]
		}
	}
	role := frontRoles(above)
	valueX := valueColumn(above)
	var addr run
	for i, r := range above {
		if !labelled(r) {
			// A row placed by its height alone (a speck read as /1 under
			// the name) does not replace what its field's labelled row
			// gave, nor is one left of the values' column a value: a
			// label's character boxed apart (址 of 住址, a row of its own
			// between the address's lines).
			if _, set := out[role[i]]; set && role[i] != Address || r.parts[len(r.parts)-1].x1 < valueX {
				continue
			}
		}
		switch role[i] {
		case Name:
			name := r.value("姓名", frontValueX)
			// A tilted card can bring the sex row's end into the name's.
			for _, l := range []string{"性别", "民族"} {
				if k := name.findLabel(l, 0); k > 0 {
					name = name[:k]
				}
			}
			setField(out, Name, name)
		case Sex:
			sexEthnicity(r.value("性别", frontValueX), out)
		case Birth:
			birth(r.g, out)
		case Address:
			if i == 0 || role[i-1] != Address {
				addr = append(addr, r.value("住址", frontValueX)...)
			} else {
				addr = append(addr, r.g...)
			}
		}
	}
	setField(out, Address, cleanAddress(addr, out))
	return out
}

// cleanAddress removes from the address what other rows left in it: a
// birth date at its start (which then fills the birth field if it is
// missing), the 住址 label, the number's label and the number's digits
// from where they start (the digits then fill the number if it is
// missing or shorter; a run too short for the number, minForeignRun or
// longer, is still cut), and anything before its first Chinese character
// (an address opens with its province's name; a speck or the border's
// edge reads as 0 or 1).
func cleanAddress(g run, out map[string]Field) run {
	if k := g.findLabel("住址", 0); k >= 0 {
		g = append(slices.Clone(g[:k]), g[k+2:]...)
	}
	if k := g.findLabel("公民", 0); k >= 0 {
		g = g[:k]
	}
	switch i, j := longestIDSpan(g); {
	case j-i >= minNumberRun:
		if f, ok := out[Number]; !ok || len([]rune(f.Text)) < j-i {
			setField(out, Number, longestIDRun(g))
		}
		g = g[:i]
	case j-i >= minForeignRun:
		g = g[:i] // the number's end, its start hidden: no address's
	}
	for len(g) > 0 && !unicode.Is(unicode.Han, g[0].r) {
		g = g[1:]
	}
	if end := dateEnd(g); end > 0 {
		if _, ok := out[Birth]; !ok {
			birth(g[:end], out)
		}
		g = g[end:]
	}
	return g
}

// dateEnd is the length of a "1990年1月2日" that opens g (the label 出生
// or a few stray characters may precede it), or 0.
func dateEnd(g run) int {
	i := 0
	for i < len(g) && i < 4 && !isDigit(g[i].r) {
		i++
	}
	groups := 0
	for i < len(g) && groups < 3 {
		j := i
		for j < len(g) && isDigit(g[j].r) {
			j++
		}
		if j == i || j >= len(g) || !strings.ContainsRune("年月日", g[j].r) {
			return 0
		}
		i, groups = j+1, groups+1
	}
	if groups < 3 {
		return 0
	}
	return i
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func setField(out map[string]Field, name string, g run) {
	if len(g) > 0 {
		out[name] = g.field()
	}
}

// sexEthnicity splits "男民族汉" at the ethnicity's label, or at 族 when
// the label's first character is misread: no ethnicity's name holds 族.
// Whatever follows the label is kept, one character (汉, 彝, 傣) as well as
// four.
func sexEthnicity(g run, out map[string]Field) {
	var eth run
	if i := g.findLabel("民族", 0); i >= 0 {
		g, eth = g[:i], g[i+2:]
	} else if i := slices.IndexFunc(g, func(x glyph) bool { return x.r == '族' }); i >= 0 {
		g, eth = g[:i], g[i+1:]
	} else if i := slices.IndexFunc(g, func(x glyph) bool { return x.r == '男' || x.r == '女' }); i >= 0 {
		g, eth = g[i:i+1], g[i+1:]
	}
	for len(eth) > 0 && strings.ContainsRune("民族", eth[0].r) {
		eth = eth[1:]
	}
	if i := slices.IndexFunc(g, func(x glyph) bool { return x.r == '男' || x.r == '女' }); i >= 0 {
		g = g[i : i+1]
	}
	setField(out, Sex, g)
	if len(eth) > 0 {
		f := eth.field()
		var guessed bool
		if f.Text, guessed = snapEthnicity(f.Text); guessed {
			f.Conf *= guessConf
		}
		out[Ethnicity] = f
	}
}

// guessConf scales the confidence of a value completed from a closed list
// rather than read whole.
const guessConf = 0.85

// birth reads "出生1990年1月1日" as 1990-01-01 from its three digit groups,
// the year the last four digits of the first group of four or more: a
// speck by the label reads as a digit, apart ("出生2 1990") or run into
// the year ("出生21990").
func birth(g run, out map[string]Field) {
	groups := digitGroups(g)
	i := slices.IndexFunc(groups, func(d run) bool { return len(d) >= 4 })
	if i < 0 || len(groups)-i < 3 {
		return
	}
	groups = groups[i:]
	groups[0] = groups[0][len(groups[0])-4:]
	var all run
	for _, d := range groups[:3] {
		all = append(all, d...)
	}
	f := all.field()
	f.Text = groups[0].String() + "-" + pad2(groups[1].String()) + "-" + pad2(groups[2].String())
	out[Birth] = f
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

func digitGroups(g run) []run {
	var out []run
	var cur run
	for _, x := range g {
		if x.r >= '0' && x.r <= '9' {
			cur = append(cur, x)
			continue
		}
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// longestIDRun is the longest run of digits and X (an ID number's alphabet).
func longestIDRun(g run) run {
	i, j := longestIDSpan(g)
	out := slices.Clone(g[i:j])
	for k := range out {
		if out[k].r == 'x' {
			out[k].r = 'X'
		}
	}
	return out
}

// longestIDSpan is where in g its longest run of digits and X lies, g[i:j].
func longestIDSpan(g run) (i, j int) {
	start := 0
	for k, x := range g {
		if !isDigit(x.r) && x.r != 'X' && x.r != 'x' {
			start = k + 1
			continue
		}
		if k+1-start > j-i {
			i, j = start, k+1
		}
	}
	return i, j
}

// extractBack finds the issuer and validity rows by their labels, else
// takes the last two rows.
func extractBack(rs []row) map[string]Field {
	out := map[string]Field{}
	issuer, validity := -1, -1
	for i, r := range rs {
		if r.g.findLabel("签发机关", 0) == 0 {
			issuer = i
		}
		if r.g.findLabel("有效期限", 0) == 0 {
			validity = i
		}
	}
	if validity < 0 && len(rs) > 0 {
		validity = len(rs) - 1
	}
	if issuer < 0 && validity > 0 {
		issuer = validity - 1
	}
	if issuer >= 0 {
		setField(out, Issuer, rs[issuer].value("签发机关", backValueX))
	}
	if validity >= 0 {
		validityField(rs[validity].value("有效期限", backValueX), out)
	}
	return out
}

// validityField reads "2010.01.01-2020.01.01" or "2010.01.01-长期" from
// its digits, whatever the recogniser made of the dots and the dash; a
// start with an end cut short keeps the end's digits as they were read.
func validityField(g run, out map[string]Field) {
	digits := g.without(func(r rune) bool { return r < '0' || r > '9' })
	longTerm := slices.ContainsFunc(g, func(x glyph) bool { return x.r == '长' || x.r == '期' })
	date := func(d run) string { return d[:4].String() + "." + d[4:6].String() + "." + d[6:8].String() }
	switch {
	case len(digits) >= 16:
		f := digits[:16].field()
		f.Text = date(digits[:8]) + "-" + date(digits[8:16])
		out[Validity] = f
	case len(digits) >= 8 && longTerm:
		kept := append(slices.Clone(digits[:8]), g.without(func(r rune) bool { return r != '长' && r != '期' })...)
		f := kept.field()
		f.Text = date(digits[:8]) + "-长期"
		out[Validity] = f
	case len(digits) >= 8:
		// The end's digits read only in part (07.08.24 for 2027.08.24):
		// kept as read, for mendValidity to read against the start's
		// terms.
		f := digits.field()
		f.Text = date(digits[:8]) + "-" + digits[8:].String()
		out[Validity] = f
	}
}

// frontRow is a front's row: the field it holds, the label it opens
// with and its vertical centre in the rectified card.
type frontRow struct {
	field, label string
	y            float64
}

// frontRows are the front's rows' vertical centres in the rectified card,
// the address's first line last; the address may run to two more lines.
var frontRows = []frontRow{{Name, "姓名", 88}, {Sex, "性别", 145}, {Sex, "民族", 145}, {Birth, "出生", 201}, {Address, "住址", 257}}

// valueColumn is where a front's values start, in the deskewed card: as
// far right of the labels' column as frontValueX lies of 姓名's place,
// the column taken where the labelled rows start (the median), or at its
// place when no row is labelled (an outline a little off moves both).
func valueColumn(rs []row) float64 {
	var starts []float64
	for _, r := range rs {
		if labelled(r) {
			starts = append(starts, r.parts[0].x0)
		}
	}
	if len(starts) == 0 {
		return frontValueX
	}
	return median(starts) + frontValueX - anchors[0].at.X
}

// labelled reports whether a front's row opens with one of its labels.
func labelled(r row) bool {
	return slices.ContainsFunc(frontRows, func(f frontRow) bool { return r.g.findLabel(f.label, 0) == 0 })
}

// frontRoles names each row by the label it starts with. Unlabelled rows
// take the field printed nearest their height, after shifting the layout
// by the median offset of the labelled rows; below the address's first
// line every row continues the address.
func frontRoles(rs []row) []string {
	role := make([]string, len(rs))
	var shifts []float64
	for i, r := range rs {
		for _, f := range frontRows {
			if r.g.findLabel(f.label, 0) == 0 {
				role[i] = f.field
				shifts = append(shifts, r.cy-f.y)
			}
		}
	}
	shift := median(shifts)
	for i, r := range rs {
		if role[i] != "" {
			continue
		}
		if dateEnd(r.g) > 0 { // a date is the birth row whatever its height
			role[i] = Birth
			continue
		}
		best := 30.0 // px: further than this from every row is no row
		for _, f := range frontRows {
			if d := math.Abs(r.cy - shift - f.y); d < best {
				best, role[i] = d, f.field
			}
		}
		if r.cy-shift > frontRows[len(frontRows)-1].y {
			role[i] = Address
		}
	}
	return role
}

// portraitCrop copies the front's photo with a small margin.
func portraitCrop(card *image.RGBA) *image.RGBA {
	r := portraitRect.Inset(-10).Intersect(card.Rect)
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Rect, card, r.Min, draw.Src)
	return out
}

// printedLabel reports whether label is one a side prints (frontLabels,
// backLabels), not an anchor of a value.
func printedLabel(label string) bool {
	return slices.Contains(frontLabels, label) || slices.Contains(backLabels, label)
}
