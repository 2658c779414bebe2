package ocr

import (
	"math"
	"math/cmplx"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// mkLine is a recognised line of text, each character 30 px wide, its box
// 30 px high around y, turned by angle (radians) about the card's centre.
func mkLine(text string, x0, y, angle float64) line {
	r := []rune(text)
	probs := make([]float32, len(r))
	for i := range probs {
		probs[i] = 0.9
	}
	x1 := x0 + 30*float64(len(r))
	q := [4]geom.Point{{X: x0, Y: y - 15}, {X: x1, Y: y - 15}, {X: x1, Y: y + 15}, {X: x0, Y: y + 15}}
	mid := geom.Pt(CardW/2, CardH/2)
	for i, p := range q {
		d := p.Sub(mid)
		q[i] = geom.Pt(mid.X+d.X*math.Cos(angle)-d.Y*math.Sin(angle), mid.Y+d.X*math.Sin(angle)+d.Y*math.Cos(angle))
	}
	return line{box: textBox{quad: q}, text: r, probs: probs}
}

// TestExtractFrontTilted reads a front left 4° off level by
// rectification, with its value boxes apart from their labels: the 出生
// row must not join the address, the address lines must come in order, a
// one-character ethnicity must be kept.
func TestExtractFrontTilted(t *testing.T) {
	for _, angle := range []float64{-0.07, 0, 0.07} {
		lines := []line{
			mkLine("姓名", 60, 90, angle), mkLine("张三", 160, 90, angle),
			mkLine("性别", 60, 146, angle), mkLine("女", 160, 146, angle), mkLine("民族", 260, 146, angle), mkLine("傣", 340, 146, angle),
			mkLine("出生", 60, 202, angle), mkLine("1990年1月2日", 160, 202, angle),
			mkLine("住址", 60, 258, angle), mkLine("云南省昆明市五华区建国路", 160, 258, angle), mkLine("1号", 160, 300, angle),
			mkLine("公民身份号码", 60, 462, angle), mkLine("110105199001020023", 300, 462, angle),
		}
		f := extractFront(rows(lines, portraitRect))
		want := map[string]string{Name: "张三", Sex: "女", Ethnicity: "傣", Birth: "1990-01-02",
			Address: "云南省昆明市五华区建国路1号", Number: "110105199001020023"}
		for k, v := range want {
			if f[k].Text != v {
				t.Errorf("tilt %.2f: %s = %q, want %q", angle, k, f[k].Text, v)
			}
		}
	}
}

func TestSexEthnicity(t *testing.T) {
	for in, want := range map[string][2]string{
		"男民族汉": {"男", "汉"}, "女民族彝": {"女", "彝"}, "男食族白": {"男", "白"}, "女族傣": {"女", "傣"},
		"男民族维吾尔": {"男", "维吾尔"}, "女汉": {"女", "汉"},
	} {
		out := map[string]Field{}
		sexEthnicity(toRun(mkLine(in, 0, 0, 0)), out)
		if out[Sex].Text != want[0] || out[Ethnicity].Text != want[1] {
			t.Errorf("%s: sex %q ethnicity %q, want %q %q", in, out[Sex].Text, out[Ethnicity].Text, want[0], want[1])
		}
	}
}

// TestCleanAddress cuts from the address what other rows left in it: a
// birth date before it (filling the birth), the labels, the number's
// digits a tilted card merged into it (filling a missing or shorter
// number) and a speck before its province; an address's own numbers stay.
func TestCleanAddress(t *testing.T) {
	mk := func(s string) run { return toRun(line{text: []rune(s), probs: make([]float32, len([]rune(s)))}) }
	out := map[string]Field{}
	g := cleanAddress(mk("出生1998年4月26日天津市和平区住址长安街158号公民身"), out)
	if g.String() != "天津市和平区长安街158号" || out[Birth].Text != "1998-04-26" {
		t.Errorf("address %q, birth %q", g.String(), out[Birth].Text)
	}
	for _, tc := range []struct {
		text, number  string // number: already read, or ""
		want, wantNum string
	}{
		{"河南省郑州市金水区解放路289号410105195310054773", "", "河南省郑州市金水区解放路289号", "410105195310054773"},
		{"河南省郑州市金水区解放路289号4101051953100547", "410105195310054773", "河南省郑州市金水区解放路289号", "410105195310054773"},
		{"0浙江省杭州市西湖区石桥村3组24号", "", "浙江省杭州市西湖区石桥村3组24号", ""},
		{"北京市海淀区中关村南大街12号院3号楼1201室", "", "北京市海淀区中关村南大街12号院3号楼1201室", ""},
	} {
		out := map[string]Field{}
		if tc.number != "" {
			out[Number] = Field{Text: tc.number, Conf: 1}
		}
		if got := cleanAddress(mk(tc.text), out).String(); got != tc.want || out[Number].Text != tc.wantNum {
			t.Errorf("%s: address %q, number %q; want %q, %q", tc.text, got, out[Number].Text, tc.want, tc.wantNum)
		}
	}
}

// TestCardFromAnchors places a card by a known similarity (turned 100°,
// scaled 0.6) and finds it again from its labels' places, one of them
// misplaced (a label in clutter) and dropped.
func TestCardFromAnchors(t *testing.T) {
	truth := similarity{a: cmplx.Rect(0.6, 100*math.Pi/180), b: complex(500, 120)}
	var ms []match
	for _, a := range anchors {
		if a.side == Front {
			ms = append(ms, match{a, truth.apply(a.at), 100 * math.Pi / 180})
		}
	}
	ms[1].at = ms[1].at.Add(geom.Pt(150, -90))
	s, side, _, ok := cardFromAnchors(ms)
	if !ok || side != Front {
		t.Fatalf("ok %v side %s", ok, side)
	}
	for _, c := range geom.RectCorners(CardW, CardH) {
		if d := s.apply(c).Dist(truth.apply(c)); d > 1 {
			t.Errorf("corner %v off by %.1f px", c, d)
		}
	}
	if _, _, _, ok := cardFromAnchors(ms[:1]); ok {
		t.Error("one anchor gave a card")
	}
	for i := range ms {
		ms[i].dir = 0
	}
	if _, _, _, ok := cardFromAnchors(ms); ok {
		t.Error("a fit turned against the way its labels read was accepted")
	}
}

func TestAlongText(t *testing.T) {
	// A vertical box (a card turned 90°), its corners from the image's
	// top-left: read downwards, the long edge first.
	q := alongText([4]geom.Point{{X: 0, Y: 0}, {X: 30, Y: 0}, {X: 30, Y: 200}, {X: 0, Y: 200}}, math.Pi/2)
	if d := q[1].Sub(q[0]); d.Y < 150 || math.Abs(d.X) > 1 {
		t.Errorf("first edge %v, want 200 px downwards", d)
	}
}

func TestValidityRules(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse("2006.01.02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		from, to, now string
		want          Warning
	}{
		{"2010.03.01", "2020.03.01", "2020.03.01", WarnExpiring}, // valid through its last day
		{"2010.03.01", "2020.03.01", "2020.03.02", WarnExpired},
		{"2010.03.01", "2020.03.01", "2020.01.15", WarnExpiring},
		{"2010.03.01", "2030.03.01", "2025.01.01", 0},
	} {
		if got := ValidityWarnings(day(c.from), day(c.to), day(c.now)); got != c.want {
			t.Errorf("%s-%s on %s: %s, want %s", c.from, c.to, c.now, got, c.want)
		}
	}
	if ValidityWarnings(day("2000.01.01"), time.Time{}, day("2090.01.01")) != 0 {
		t.Error("长期 expired")
	}
	if err := checkValidity("2010.01.01-2017.01.01"); err == nil || !strings.Contains(err.Error(), "5, 10 or 20") {
		t.Errorf("a 7-year term: %v", err)
	}
	if err := checkValidity("2012.02.29-2022.02.28"); err != nil {
		t.Errorf("a 29 February start: %v", err)
	}
	for age, want := range map[int]int{10: 5, 15: 5, 16: 10, 25: 10, 26: 20, 45: 20, 46: 0, 70: 0} {
		if got := TermFor(age); got != want {
			t.Errorf("TermFor(%d) = %d, want %d", age, got, want)
		}
	}
	front := &Card{Fields: map[string]Field{Birth: {Text: "1990-06-15"}}}
	for validity, ok := range map[string]bool{
		"2016.06.14-2026.06.14": true,  // 25 the day before turning 26: 10 years
		"2016.06.15-2026.06.15": false, // 26 that day: 20 years
		"2016.06.15-2036.06.15": true,
		"2037.01.01-长期":         true, // 46
		"2030.01.01-长期":         false,
	} {
		p := CrossCheck(front, &Card{Fields: map[string]Field{Validity: {Text: validity}}})
		if (len(p) == 0) != ok || slices.ContainsFunc(p, func(s string) bool { return !strings.HasPrefix(s, "validity: ") }) {
			t.Errorf("%s: problems %v, want ok %v", validity, p, ok)
		}
	}
}

func TestTemporary(t *testing.T) {
	if !temporary([]line{mkLine("临时居民身份证", 0, 0, 0)}) || temporary([]line{mkLine("居民身份证", 0, 0, 0)}) {
		t.Error("临时 not told from the regular card's title")
	}
}

// TestOpensNumber: the number's digits boxed alone are its anchor, a misread
// digit or a stray mark allowed; the label's line, a date or a short run
// are not.
func TestOpensNumber(t *testing.T) {
	a := anchors[slices.IndexFunc(anchors, func(a anchor) bool { return a.label == numberAnchor })]
	for s, want := range map[string]bool{
		"110108198102127909": true, "11010819810212790X": true, "110108198I02127909": true, "110108198102127909.": true,
		"公民身份号码110108198102127909": false, "1981年2月12日": false, "2008.06.20-2013.06.20": false, "11010819810": false,
	} {
		if got := opens(a, toRun(mkLine(s, 0, 0, 0))); got != want {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
}

// TestOpensDroppedChar: a label of four characters or more still opens
// its line with one of them not read (发机关 for 签发机关), and the issuer
// behind it is then the label's line, not the value's anchor; a title
// likewise, filling its line; a short label must read whole, and two
// characters missing are not the label.
func TestOpensDroppedChar(t *testing.T) {
	of := func(label string) anchor {
		return anchors[slices.IndexFunc(anchors, func(a anchor) bool { return a.label == label })]
	}
	for _, c := range []struct {
		label, line string
		want        bool
	}{
		{"签发机关", "发机关济南市公安局历下分局", true}, {"签发机关", "签机关济南市公安局历下分局", true},
		{"有效期限", "有效期2006.08.24-2026.08.24", true}, {"签发机关", "机关济南市公安局历下分局", false},
		{issuerAnchor, "发机关济南市公安局历下分局", false}, {issuerAnchor, "济南市公安局历下分局", true},
		{"姓名", "名王伟", false}, {"公民身份号码", "公民身号码", true},
		{"中华人民共和国", "华人民共和国", true}, {"居民身份证", "民身份证", true}, {"居民身份证", "身份证", false},
		{"居民身份证", "居民身份证明书附页", false},
		{"签发机关", "签发桥美项门市公安局思明分局", true}, {issuerAnchor, "签发桥美项门市公安局思明分局", false},
		{"签发机关", "签发桥美项门市", false}, {"有效期限", "有效朋服2009.12.12-2029.12.12", true}, {"有效期限", "有效朋服", false},
	} {
		if got := opens(of(c.label), toRun(mkLine(c.line, 0, 0, 0))); got != c.want {
			t.Errorf("%s in %q: %v, want %v", c.label, c.line, got, c.want)
		}
	}
}

// TestFitByNumber places a front from its number's digits and its date of
// birth alone, the date boxed from its value or from its unread label, at
// half size and turned; a date beside the card (a receipt's), one in the
// number's row, or digits too long for the date's height above them place
// nothing.
func TestFitByNumber(t *testing.T) {
	box := func(text string, x0, y, x1 float64, s similarity) line {
		q := [4]geom.Point{s.apply(geom.Pt(x0, y-15)), s.apply(geom.Pt(x1, y-15)), s.apply(geom.Pt(x1, y+15)), s.apply(geom.Pt(x0, y+15))}
		return line{box: textBox{quad: q}, text: []rune(text), probs: make([]float32, len([]rune(text)))}
	}
	half := similarity{cmplx.Rect(0.5, 0.2), complex(300, 100)}
	for _, c := range []struct {
		name      string
		birthX    float64
		birthY    float64
		numberEnd float64
		s         similarity
		ok        bool
	}{
		{"value", 158, 203, 700, similarity{1, 0}, true},
		{"from the label", 61, 203, 700, similarity{1, 0}, true},
		{"half size, turned", 158, 203, 700, half, true},
		{"receipt beside", 900, 203, 700, similarity{1, 0}, false},
		{"in the number's row", 158, 440, 700, similarity{1, 0}, false},
		{"digits too long", 158, 203, 900, similarity{1, 0}, false},
	} {
		lines := []line{box("110105196201170541", 300, 460, c.numberEnd, c.s), box("1962年1月17日", c.birthX, c.birthY, c.birthX+250, c.s)}
		sim, _, ok := fitByNumber(lines)
		if ok != c.ok {
			t.Errorf("%s: placed %v, want %v", c.name, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		for _, p := range geom.RectCorners(CardW, CardH) {
			if d := sim.apply(p).Dist(c.s.apply(p)); d > 1 {
				t.Errorf("%s: corner %v placed %.1f px off", c.name, p, d)
			}
		}
	}
}

// TestValidityField reads a validity whatever became of its dots and dash,
// keeps one whose end was read only in part for mendValidity, and reads
// nothing from too few digits.
func TestValidityField(t *testing.T) {
	for in, want := range map[string]string{
		"2007.08.24-2027.08.24": "2007.08.24-2027.08.24", "2007。08.24一2027,08.24": "2007.08.24-2027.08.24",
		"2017.07.03-长期": "2017.07.03-长期", "2007.08.24-07.08.24": "2007.08.24-070824", "2007.08": "",
	} {
		out := map[string]Field{}
		validityField(toRun(mkLine(in, 0, 0, 0)), out)
		if got := out[Validity].Text; got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// TestWhichSideMisreadLabels: a back whose labels are read only in part
// (有效限, 签发桥美) is still a back; one such label alone, or an issuer's
// line alone, is no side.
func TestWhichSideMisreadLabels(t *testing.T) {
	back := []line{mkLine("有效限2009.12.12-2029.12.12", 40, 470, 0), mkLine("签发桥美项门市公安局思明分局", 40, 410, 0)}
	if got := whichSide(back); got != Back {
		t.Errorf("有效限…, 签发桥美…: %v, want %v", got, Back)
	}
	if got := whichSide([]line{mkLine("厦门市公安局思明分局", 290, 410, 0)}); got != AnySide {
		t.Errorf("an issuer alone: %v, want %v", got, AnySide)
	}
	if got := whichSide(back[:1]); got != AnySide {
		t.Errorf("有效限… alone: %v, want %v", got, AnySide)
	}
}
