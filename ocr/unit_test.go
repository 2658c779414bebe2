package ocr

import (
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/internal/infer"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/ocr/internal/geom"
)

func TestCheckDigit(t *testing.T) {
	// GB 11643's worked example and a number ending in a digit.
	for _, num := range []string{"11010519491231002X", "440524188001010014"} {
		got, err := CheckDigit(num[:17])
		if err != nil || got != num[17] {
			t.Errorf("CheckDigit(%s) = %c, %v; want %c", num[:17], got, err, num[17])
		}
	}
	if _, err := CheckDigit("1101051949123100A"); err == nil {
		t.Error("a letter among the 17 digits was accepted")
	}
}

func TestValidate(t *testing.T) {
	good := map[string]Field{
		Number: {Text: "11010519491231002X"}, Birth: {Text: "1949-12-31"}, Sex: {Text: "女"},
		Validity: {Text: "2010.01.01-2020.01.01"},
	}
	if p := validate(good); len(p) != 0 {
		t.Errorf("valid fields gave %v", p)
	}
	for _, c := range []struct {
		field, text, problem string
	}{
		{Number, "110105194912310021", "number: check digit"},
		{Number, "1101051949123100", "number: 16 characters"},
		{Birth, "1949-12-30", "birth: 1949-12-30, but the number says 1949-12-31"},
		{Sex, "男", "sex: 男, but the number says 女"},
		{Validity, "2020.01.01-2010.01.01", "validity: ends"},
		{Validity, "2020.13.01-长期", "validity: start"},
	} {
		f := map[string]Field{}
		for k, v := range good {
			f[k] = v
		}
		f[c.field] = Field{Text: c.text}
		p := validate(f)
		if !slices.ContainsFunc(p, func(s string) bool { return strings.HasPrefix(s, c.problem) }) {
			t.Errorf("%s %q: problems %v, want one starting %q", c.field, c.text, p, c.problem)
		}
	}
	if p := validate(map[string]Field{Validity: {Text: "2010.01.01-长期"}}); len(p) != 0 {
		t.Errorf("长期 validity gave %v", p)
	}
}

func TestSnapEthnicity(t *testing.T) {
	for _, c := range []struct {
		in, want string
		guessed  bool
	}{
		{"汉", "汉", false}, {"维吾儿", "维吾尔", false}, {"土家", "土家", false}, {"X", "X", false},
		{"旗普米", "普米", true}, {"旅汉", "汉", true}, {"斡尔", "达斡尔", true}, {"达尔", "达斡尔", true},
		{"佬", "佬", false}, // part of 仫佬 and of 仡佬
		{"族", "族", false}, // in no ethnicity's name
		{"克", "克", false}, // part of several (塔吉克, 柯尔克孜, ...)
	} {
		if got, guessed := snapEthnicity(c.in); got != c.want || guessed != c.guessed {
			t.Errorf("snapEthnicity(%q) = %q, %v, want %q, %v", c.in, got, guessed, c.want, c.guessed)
		}
	}
}

// TestDBBoxes draws two text-line blobs into a probability map and checks
// that DB post-processing returns two boxes grown by the unclip distance.
func TestDBBoxes(t *testing.T) {
	const w, h = 200, 100
	prob := make([]float32, w*h)
	fill := func(x0, y0, x1, y1 int, p float32) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				prob[y*w+x] = p
			}
		}
	}
	fill(20, 20, 120, 30, 0.9) // a line 100×10
	fill(20, 60, 60, 70, 0.9)
	fill(150, 60, 160, 70, 0.4) // above the pixel threshold, below the box one
	boxes := dbBoxes(prob, w, h)
	if len(boxes) != 2 {
		t.Fatalf("%d boxes, want 2", len(boxes))
	}
	slices.SortFunc(boxes, func(a, b textBox) int { return int(a.centre().Y - b.centre().Y) })
	x0, y0, x1, y1 := boxes[0].bounds()
	d := 100.0 * 10 * dbUnclipRatio / (2 * 110) // area × ratio / perimeter
	if abs(x0-(20-d)) > 1 || abs(x1-(120+d)) > 1 || abs(y0-(20-d)) > 1 || abs(y1-(30+d)) > 1 {
		t.Errorf("box (%.1f,%.1f)-(%.1f,%.1f), want (20,20)-(120,30) grown by %.1f", x0, y0, x1, y1, d)
	}
}

func abs(v float64) float64 { return max(v, -v) }

func TestCTCDecode(t *testing.T) {
	e := &Engine{keys: []rune("甲乙 ")}
	// Steps: 甲 甲 blank 甲 乙 乙 blank → 甲甲乙.
	best := []int{1, 1, 0, 1, 2, 2, 0}
	const classes = 4
	p := make([]float32, len(best)*classes)
	for t, c := range best {
		p[t*classes+c] = 0.8
	}
	text, probs, _ := e.ctcDecode(p, len(best), classes)
	if string(text) != "甲甲乙" || len(probs) != 3 {
		t.Errorf("decoded %q with %d probabilities, want 甲甲乙 with 3", string(text), len(probs))
	}
}

func TestExtractFrontUsesLabelsAndLayout(t *testing.T) {
	mk := func(text string, x0, y float64) line {
		r := []rune(text)
		probs := make([]float32, len(r))
		for i := range probs {
			probs[i] = 0.9
		}
		x1 := x0 + 30*float64(len(r))
		return line{box: textBox{quad: [4]Point{{X: x0, Y: y - 15}, {X: x1, Y: y - 15}, {X: x1, Y: y + 15}, {X: x0, Y: y + 15}}}, text: r, probs: probs}
	}
	lines := []line{
		mk("娃名", 60, 90), mk("张三", 160, 90), // misread label in its own box
		mk("性别男", 60, 146), mk("民族汉", 260, 146),
		mk("出生1990年1月2日", 60, 202),
		mk("住址北京市朝阳区", 60, 258), mk("建国路1号", 160, 300),
		mk("公民身份号码", 60, 462), mk("110105199001020013", 300, 462),
	}
	f := extractFront(rows(lines, portraitRect))
	want := map[string]string{Name: "张三", Sex: "男", Ethnicity: "汉", Birth: "1990-01-02", Address: "北京市朝阳区建国路1号", Number: "110105199001020013"}
	for k, v := range want {
		if f[k].Text != v {
			t.Errorf("%s = %q, want %q", k, f[k].Text, v)
		}
	}
}

// TestSpecksLeaveFieldsAlone: a speck of the backdrop read as a
// character, or a label's character boxed apart, does not take a field's
// place. On a front, /1 read in a row of its own just under the name (the
// tune split's 2561) leaves the name its labelled row gave, and 址 of 住址
// boxed apart from 住, a row of its own between the address's lines
// (2493), stays out of the address; on a back, a small 租 (14 px tall
// among lines of 30) stacked over the end of 签发机关 (2563) leaves the
// label and the issuer in one row.
func TestSpecksLeaveFieldsAlone(t *testing.T) {
	mk := func(text string, x0, y, w, h float64) line {
		r := []rune(text)
		probs := make([]float32, len(r))
		for i := range probs {
			probs[i] = 0.9
		}
		return line{box: textBox{quad: [4]Point{{X: x0, Y: y - h/2}, {X: x0 + w, Y: y - h/2}, {X: x0 + w, Y: y + h/2}, {X: x0, Y: y + h/2}}}, text: r, probs: probs}
	}
	front := extractFront(rows([]line{
		mk("姓名", 55, 96, 60, 30), mk("龚杰杰", 141, 96, 102, 30), mk("/1", 182, 110, 51, 22),
		mk("性别", 55, 154, 60, 30), mk("男", 142, 154, 36, 30), mk("民族傈僳", 242, 154, 120, 30),
		mk("出生", 55, 212, 60, 30), mk("1977年4月8日", 143, 212, 240, 30),
		mk("住", 56, 267, 29, 30), mk("址", 72, 269, 55, 30), mk("河南省郑州市金水区南湾村", 144, 267, 374, 30),
		mk("11组49号", 144, 306, 135, 30),
		mk("公民身份号码", 56, 463, 156, 30), mk("410105197704080391", 278, 463, 363, 30),
	}, portraitRect))
	if got := front[Name].Text; got != "龚杰杰" {
		t.Errorf("front: name %q, want 龚杰杰", got)
	}
	if got := front[Address].Text; got != "河南省郑州市金水区南湾村11组49号" {
		t.Errorf("front: address %q, want 河南省郑州市金水区南湾村11组49号", got)
	}
	back := extractBack(rows([]line{
		mk("中华人民共和国", 271, 86, 357, 40), mk("居民身份证", 260, 173, 328, 50),
		mk("签发机关", 145, 416, 120, 33), mk("租", 254, 414, 16, 14), mk("武汉市公安局武昌分局", 287, 414, 308, 32),
		mk("有效期限2021.07.25-2041.07.25", 148, 473, 466, 32),
	}, emblemRect))
	if got := back[Issuer].Text; got != "武汉市公安局武昌分局" {
		t.Errorf("back: issuer %q, want 武汉市公安局武昌分局", got)
	}
}

func TestWarningCodes(t *testing.T) {
	for w, want := range map[Warning]string{
		0:                             "OK",
		WarnBorder | WarnGlare:        "OCR_BORDER_INCOMPLETE|OCR_GLARE",
		WarnWrongSide | WarnPhotocopy: "OCR_PHOTOCOPY|OCR_WRONG_SIDE",
		WarnScreen | WarnBlur | 1<<14: "OCR_SCREEN|OCR_BLUR|OCR_BIT14",
		WarnOcclusion:                 "OCR_OCCLUSION",
	} {
		if got := w.String(); got != want {
			t.Errorf("Warning(%#x) = %q, want %q", uint16(w), got, want)
		}
	}
	seen := map[string]bool{}
	for i, w := range AllWarnings {
		codes := w.Codes()
		if w != 1<<i || len(codes) != 1 || !strings.HasPrefix(codes[0], "OCR_") || strings.HasPrefix(codes[0], "OCR_BIT") || seen[codes[0]] {
			t.Errorf("AllWarnings[%d] = %#x with codes %v: want bit %d with a code of its own", i, uint16(w), codes, i)
		}
		seen[codes[0]] = true
	}
}

func TestErrorCodes(t *testing.T) {
	for _, c := range []struct {
		err      error
		sentinel error
		code     string
	}{
		{&NoCardError{Reason: "nothing card-shaped"}, ErrNoCard, "OCR_NO_CARD"},
		{&DecodeError{Err: errors.New("unexpected EOF")}, ErrDecode, "OCR_DECODE"},
		{&BlurredError{}, ErrTooBlurred, "OCR_TOO_BLURRED"},
	} {
		wrapped := fmt.Errorf("reading: %w", c.err)
		coded, ok := errors.AsType[interface {
			error
			Code() string
		}](wrapped)
		if !errors.Is(wrapped, c.sentinel) || !ok || coded.Code() != c.code {
			t.Errorf("%v: matches %v %v, coded %v; want true, code %s", c.err, c.sentinel, errors.Is(wrapped, c.sentinel), ok, c.code)
		}
		if msg := c.err.Error(); !strings.HasPrefix(msg, "ocr: ") || strings.Contains(msg, "\n") {
			t.Errorf("message %q: want one line starting with \"ocr: \"", msg)
		}
	}
}

// TestDecodeRefusesImageBombs: a header claiming 60000×60000 is refused
// before its pixels are allocated, with imgproc's code in the chain.
func TestDecodeRefusesImageBombs(t *testing.T) {
	bomb := "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\xea`\x00\x00\xea`\x08\x06\x00\x00\x00\x80\xd2uB\x00\x00\x00\x04IDATx\x9c\x03\x00\x9b\x8c}#"
	_, err := Decode(strings.NewReader(bomb))
	de, ok := errors.AsType[*imgproc.DecodeError](err)
	if !errors.Is(err, ErrDecode) || !errors.Is(err, imgproc.ErrTooLarge) || !ok || de.Code() != "IMAGE_TOO_LARGE" {
		t.Errorf("60000×60000 PNG: %v", err)
	}
}

// TestKeysMustFitTheModel: an empty or short character list is an error
// naming the mismatch, not an engine that reads every card as no card.
func TestKeysMustFitTheModel(t *testing.T) {
	for name, b := range map[string]string{"empty": "", "three": "a\nb\nc\n"} {
		_, err := parseKeys([]byte(b), 6625)
		if me, ok := errors.AsType[*models.MismatchError](err); !ok || !errors.Is(err, models.ErrMismatch) || me.Code() != "MODEL_MISMATCH" {
			t.Errorf("%s list: %v, want a MODEL_MISMATCH error", name, err)
		}
	}
	if keys, err := parseKeys([]byte("a\nb\r\n"), 4); err != nil || string(keys) != "ab " {
		t.Errorf("two keys for four classes: %q, %v", string(keys), err)
	}
}

// Lines batch by width: every line once, at most recBatch a run, and each
// batch's padding (lines filled out to the widest, rounded to recStep)
// within recPadding of its input; a much longer line starts a batch.
func TestRecBatches(t *testing.T) {
	widths := []int{91, 49, 552, 94, 89, 541, 134, 123, 167, 262, 399, 92, 96, 98, 90, 93, 95, 97, 99, 100}
	crops := make([]*image.RGBA, len(widths))
	for i, w := range widths {
		crops[i] = image.NewRGBA(image.Rect(0, 0, w, recH))
	}
	seen := make([]bool, len(widths))
	for _, b := range recBatches(crops) {
		if len(b) == 0 || len(b) > recBatch {
			t.Fatalf("batch of %d lines, want 1..%d", len(b), recBatch)
		}
		w := recWidth(widths[b[len(b)-1]])
		used := 0
		for _, i := range b {
			if seen[i] {
				t.Fatalf("line %d in two batches", i)
			}
			seen[i] = true
			if widths[i] > w {
				t.Errorf("line %d (%d px) in a batch %d wide", i, widths[i], w)
			}
			used += widths[i]
		}
		if pad := 1 - float64(used)/float64(w*len(b)); len(b) > 1 && pad > recPadding {
			t.Errorf("batch %v: %.0f%% padding, want ≤ %.0f%%", b, 100*pad, 100*recPadding)
		}
	}
	if i := slices.Index(seen, false); i >= 0 {
		t.Errorf("line %d in no batch", i)
	}
	if w := recWidth(49); w != 56 {
		t.Errorf("recWidth(49) = %d, want 56", w)
	}
}

// ctcBrute sums, over every path of classes through the steps that CTC
// collapses (repeats merged, blanks dropped) to target, the path's
// probability: the definition logLikelihood computes by recursion.
func ctcBrute(s scores, target []int) float64 {
	total := 0.0
	path := make([]int, s.steps)
	var walk func(t int, p float64)
	walk = func(t int, p float64) {
		if t == s.steps {
			var got []int
			for i, c := range path {
				if c != 0 && (i == 0 || c != path[i-1]) {
					got = append(got, c)
				}
			}
			if slices.Equal(got, target) {
				total += p
			}
			return
		}
		for c := range s.classes {
			path[t] = c
			walk(t+1, p*float64(s.p[t*s.classes+c]))
		}
	}
	walk(0, 1)
	return math.Log(total)
}

func TestLogLikelihoodIsCTCsSum(t *testing.T) {
	const steps, classes = 6, 4
	r := rand.New(rand.NewPCG(1, 2))
	s := scores{p: make([]float32, steps*classes), steps: steps, classes: classes}
	for t := range steps {
		sum := float32(0)
		for c := range classes {
			s.p[t*classes+c] = r.Float32() + 0.05
			sum += s.p[t*classes+c]
		}
		for c := range classes {
			s.p[t*classes+c] /= sum
		}
	}
	for _, target := range [][]int{{1}, {1, 2}, {2, 2}, {1, 2, 1}, {3, 3, 3}, {1, 1, 1, 1}} {
		got, want := s.logLikelihood(target, nil), ctcBrute(s, target)
		if math.Abs(got-want) > 1e-5 {
			t.Errorf("target %v: log likelihood %.6f, want %.6f", target, got, want)
		}
	}
	// Four equal classes need seven steps (a blank between each pair).
	if ll := s.logLikelihood([]int{1, 1, 1, 1}, nil); !math.IsInf(ctcBrute(s, []int{1, 1, 1, 1}), -1) || !math.IsInf(ll, -1) {
		t.Errorf("1111 in 6 steps: %v, want -Inf", ll)
	}
}

// classEngine is an engine whose model has a class for each of chars (the
// first of each kept), after the blank, and row a step of its scores: the
// given probabilities, the rest on the blank.
func classEngine(chars []rune) (e *Engine, row func(map[rune]float32) []float32) {
	e = &Engine{class: map[rune]int{}}
	for _, r := range chars {
		if _, ok := e.class[r]; !ok {
			e.class[r] = len(e.class) + 1
		}
	}
	return e, func(probs map[rune]float32) []float32 {
		p := make([]float32, len(e.class)+1)
		p[0] = 1
		for r, v := range probs {
			p[e.class[r]] = v
			p[0] -= v
		}
		return p
	}
}

// TestReadClosed: a line read 民族鑫 whose model put 畲 second at 畲's step
// reads 畲 from the list, sure between entries but overruling the greedy
// reading; an entry with a character the model lacks (仫 of 仫佬) is read
// only from a character no other entry uses.
func TestReadClosed(t *testing.T) {
	e, row := classEngine([]rune("民族鑫畲佬仡依"))
	const classes = 8
	line := func(rows ...[]float32) scores {
		return scores{p: slices.Concat(rows...), steps: len(rows), classes: classes}
	}
	blank := row(nil)
	民, 族, 佬 := row(map[rune]float32{'民': 0.9}), row(map[rune]float32{'族': 0.9}), row(map[rune]float32{'佬': 0.9})
	list := []string{"畲", "仡佬", "仫佬"}

	r, ok := e.readClosed(line(民, blank, 族, blank, row(map[rune]float32{'鑫': 0.6, '畲': 0.3}), blank), "民族", list)
	if !ok || r.text != "畲" || r.posterior < 0.99 || r.shortfall < math.Log(2)-0.01 || r.shortfall > readShortfall {
		t.Errorf("民族鑫 (畲 second): %+v, want 畲, posterior ≥ 0.99, shortfall ln 2", r)
	}
	for _, c := range []struct {
		first rune
		want  string
	}{{'仡', "仡佬"}, {'依', "仫佬"}} {
		r, ok := e.readClosed(line(民, blank, 族, blank, row(map[rune]float32{c.first: 0.8}), blank, 佬, blank), "民族", list)
		if !ok || r.text != c.want || r.shortfall > 0.01 {
			t.Errorf("民族%c佬: %+v, want %s read as is", c.first, r, c.want)
		}
	}
	if _, ok := e.readClosed(line(民, 族), "民族", list); ok {
		t.Error("a line of two steps holds no 民族 and an ethnicity, yet one was read")
	}
}

// TestOneOff: GB 11643's example with its sixteenth digit misread is one
// character off the printed number, and every number oneOff lists passes
// the check digit and differs in exactly one place; the birth date and sex
// read beside it rule out the others.
func TestOneOff(t *testing.T) {
	const printed, misread = "11010519491231002X", "11010519491231007X"
	cands := oneOff(misread)
	if !slices.Contains(cands, printed) {
		t.Fatalf("%s not among the numbers one off %s: %v", printed, misread, cands)
	}
	for _, c := range cands {
		diff := 0
		for i := range c {
			if c[i] != misread[i] {
				diff++
			}
		}
		if want, _ := CheckDigit(c[:17]); want != c[17] || diff != 1 {
			t.Errorf("%s: check digit %c, %d characters off %s", c, want, diff, misread)
		}
	}
	fields := map[string]Field{Birth: {Text: "1949-12-31"}, Sex: {Text: "女"}}
	var kept []string
	for _, c := range cands {
		if agrees(c, fields) {
			kept = append(kept, c)
		}
	}
	if len(kept) >= len(cands) || !slices.Contains(kept, printed) {
		t.Errorf("birth 1949-12-31 and 女 keep %v of %v, want fewer with %s", kept, cands, printed)
	}
}

// TestBuildPlaces spells a province's county, a municipality's district
// and a province-governed city as cards print them, and their police as
// issuers name them, and gives each county the six digits of its code (a
// town's nine cut to its prefecture's six).
func TestBuildPlaces(t *testing.T) {
	d := func(code, name string, children ...division) division { return division{code, name, children} }
	p := buildPlaces([]division{
		d("11", "北京市", d("1101", "市辖区", d("110108", "海淀区"))),
		d("42", "湖北省", d("4201", "武汉市", d("420106", "武昌区"), d("420117", "城区")), d("4290", "省直辖县级行政区划", d("429004", "仙桃市"))),
		d("44", "广东省", d("4419", "东莞市", d("441900121", "虎门镇"), d("441900003", "东城街道"))),
		d("13", "河北省", d("1301", "石家庄市", d("130133", "赵县"))),
	})
	wantAddr := []string{"北京市海淀区", "湖北省武汉市武昌区", "湖北省武汉市城区", "湖北省仙桃市", "广东省东莞市虎门镇", "广东省东莞市东城街道", "河北省石家庄市赵县"}
	wantIss := []string{"北京市公安局", "北京市公安局海淀分局", "武汉市公安局", "武汉市公安局武昌分局", "武汉市公安局城区分局",
		"仙桃市公安局", "东莞市公安局虎门分局", "东莞市公安局东城分局", "赵县公安局"}
	for _, w := range wantAddr {
		if !slices.Contains(p.addresses, w) {
			t.Errorf("address %s missing from %v", w, p.addresses)
		}
	}
	for _, w := range wantIss {
		if !slices.Contains(p.issuers, w) {
			t.Errorf("issuer %s missing from %v", w, p.issuers)
		}
	}
	if len(p.addresses) != len(wantAddr) || slices.Contains(p.issuers, "湖北省公安局") {
		t.Errorf("addresses %v, issuers %v: more than the places", p.addresses, p.issuers)
	}
	for address, want := range map[string]string{"北京市海淀区": "110108", "湖北省仙桃市": "429004", "广东省东莞市虎门镇": "441900"} {
		if got := p.codes[address]; got != want {
			t.Errorf("%s: code %q, want %q", address, got, want)
		}
	}
}

// TestPrefixDistance finds the start of a read address nearest a
// division, substitutions and a dropped character alike.
func TestPrefixDistance(t *testing.T) {
	for _, tc := range []struct {
		p, text string
		d, k    int
	}{
		{"广西壮族自治区南宁市青秀区", "广西社族自治区南宁市青秀区建国路255号", 1, 13},
		{"广东省深圳市南山区", "广东省深市南山区学院路4号", 1, 8},
		{"北京市海淀区", "北京市海淀区南湾村", 0, 6},
		{"北京市海淀区", "市", 5, 1},
	} {
		if d, k := prefixDistance([]rune(tc.p), []rune(tc.text)); d != tc.d || k != tc.k {
			t.Errorf("%s in %s: distance %d over %d characters, want %d over %d", tc.p, tc.text, d, k, tc.d, tc.k)
		}
	}
}

// TestFieldLines traces an address to the lines it was read from: the
// first after its label, the next continuing it; a field no line reads
// is not traced.
func TestFieldLines(t *testing.T) {
	mk := func(s string) line { return line{text: []rune(s)} }
	lines := []line{mk("姓名张三"), mk("住址 广西壮族自治区南宁"), mk("市青秀 区建国路"), mk("255号")}
	got, lead, ok := fieldLines(lines, []rune("广西壮族自治区南宁市青秀区建国路255号"), 13)
	if !ok || len(got) != 2 || string(got[1].text) != "市青秀 区建国路" || string(lead) != "住址 " {
		t.Errorf("traced %v, lead %q, ok %v; want the 住址 line and the next", got, string(lead), ok)
	}
	joined := []rune("住址 广西壮族自治区南宁市青秀 区建国路")
	if i := skipChars(joined, 3, 13); string(joined[i:]) != "建国路" {
		t.Errorf("13 characters after the label end before %q, want 建国路", string(joined[i:]))
	}
	if _, _, ok := fieldLines(lines, []rune("上海市徐汇区"), 6); ok {
		t.Error("a field no line reads was traced")
	}
}

// TestValueAfterMisreadLabel cuts a label read with half its characters
// in place from a line that starts in the labels' column, and keeps a
// value whose line starts where values do. A label read as other
// characters is cut by where they lie along the line: a front's 姓角 (角
// 45 px in), a back's #发家美 (美 105 px in, the tune split's 2001), each
// before a value whose first character is centred at its column.
func TestValueAfterMisreadLabel(t *testing.T) {
	mk := func(s string, x0 float64) row {
		g := toRun(line{text: []rune(s), probs: make([]float32, len([]rune(s)))})
		return row{parts: []part{{g, x0, x0 + 300}}, g: g}
	}
	for _, tc := range []struct {
		text, label string
		x0, valueX  float64
		want        string
	}{
		{"性名余勇曦", "姓名", 70, frontValueX, "余勇曦"},
		{"佳址广东省深圳市", "住址", 70, frontValueX, "广东省深圳市"},
		{"签发关哈尔滨市公安局南岗分局", "签发机关", 150, backValueX, "哈尔滨市公安局南岗分局"},
		{"姓张三", "姓名", 70, frontValueX, "张三"},
		{"有效限2007.04.30-长期", "有效期限", 150, backValueX, "2007.04.30-长期"},
		{"：孟杰", "姓名", 160, frontValueX, "孟杰"},
		{"李名扬", "姓名", 160, frontValueX, "李名扬"},
	} {
		if got := mk(tc.text, tc.x0).value(tc.label, tc.valueX).String(); got != tc.want {
			t.Errorf("%s after %s: %q, want %q", tc.text, tc.label, got, tc.want)
		}
	}
	spaced := func(s string, labelChars int, valueAt float64) row {
		g := toRun(line{text: []rune(s), probs: make([]float32, len([]rune(s)))})
		for i := range g {
			g[i].along = 15 + 30*float64(i)
			if i >= labelChars {
				g[i].along = valueAt + 30*float64(i-labelChars)
			}
		}
		return row{parts: []part{{g, 60, 600}}, g: g}
	}
	for _, tc := range []struct {
		text, label string
		n           int
		valueAt     float64
		valueX      float64
		want        string
	}{
		{"姓角汤一春", "姓名", 2, 100, frontValueX, "汤一春"},
		{"#发家美西安市公安局服#分局", "签发机关", 4, 155, backValueX, "西安市公安局服#分局"},
	} {
		if got := spaced(tc.text, tc.n, tc.valueAt).value(tc.label, tc.valueX).String(); got != tc.want {
			t.Errorf("%s after %s: %q, want %q", tc.text, tc.label, got, tc.want)
		}
	}
}

// TestAddressWithoutTheNumbersEnd: a tilted card runs the number's row
// into the address's; its digits fill the number when enough of them
// read, and are cut from the address either way.
func TestAddressWithoutTheNumbersEnd(t *testing.T) {
	for text, want := range map[string][2]string{
		"吉林省长春市南关区李庄村6组33号220102198511262738": {"吉林省长春市南关区李庄村6组33号", "220102198511262738"},
		"吉林省长春市南关区李庄村6组33号2198511262738":      {"吉林省长春市南关区李庄村6组33号", ""},
		"天山区胜利街22号4栋3单元1803室":                 {"天山区胜利街22号4栋3单元1803室", ""},
	} {
		out := map[string]Field{}
		g := cleanAddress(toRun(line{text: []rune(text), probs: make([]float32, len([]rune(text)))}), out)
		if g.String() != want[0] || out[Number].Text != want[1] {
			t.Errorf("%s: address %q, number %q; want %q, %q", text, g.String(), out[Number].Text, want[0], want[1])
		}
	}
}

// TestBirthAfterSpeck reads the birth date whatever a speck by the label
// adds, a digit apart or run into the year, and nothing from a date
// short of its day.
func TestBirthAfterSpeck(t *testing.T) {
	for text, want := range map[string]string{
		"出生1990年1月2日":    "1990-01-02",
		"出生2 2001年4月12日": "2001-04-12",
		"出生22001年4月12日":  "2001-04-12",
		"出生1980年4月":      "",
	} {
		out := map[string]Field{}
		birth(toRun(line{text: []rune(text), probs: make([]float32, len([]rune(text)))}), out)
		if got := out[Birth].Text; got != want {
			t.Errorf("%s: %q, want %q", text, got, want)
		}
	}
}

// TestUnitSites finds the misread unit words of an address, between two
// numbers or after the last at its end, and leaves those that are unit
// words, one or two together.
func TestUnitSites(t *testing.T) {
	text := []rune("北京市海淀区南湾村10纽48号3号楼2单元")
	sites := unitSites(text, 6)
	if len(sites) != 1 || sites[0][0].from != 11 || sites[0][0].to != 12 || len(sites[0]) != len(unitWords) {
		t.Fatalf("sites %v, want one at 纽 (11–12) with every unit word", sites)
	}
	text = []rune("广西壮族自治区南宁市青秀区建国路38号14栋3单元602宝")
	if sites := unitSites(text, 13); len(sites) != 1 || sites[0][0].from != len(text)-1 || sites[0][0].to != len(text) {
		t.Errorf("sites %v, want one at the closing 宝", sites)
	}
	if !unitsOnly("号楼") || !unitsOnly("单元") || unitsOnly("纽") {
		t.Error("unitsOnly: 号楼 and 单元 are unit words, 纽 is not")
	}
}

// TestNumberSites finds where a number was read as another character
// before a unit word (口 for 11, l for 1) and leaves numbers, unit words
// and what stands before a unit word after a digit (unitSites' to mend).
func TestNumberSites(t *testing.T) {
	text := []rune("云南省昆明市五华区新塘村口组9号")
	sites := numberSites(text, 9)
	if len(sites) != 1 || sites[0][0].from != 12 || sites[0][0].to != 13 || sites[0][0].text != "10" || len(sites[0]) != 90 {
		t.Fatalf("sites %v, want one at 口 (12–13) with the numbers 10–99", sites)
	}
	text = []rune("北京市朝阳区幸福村l组3号楼2单元")
	if sites := numberSites(text, 6); len(sites) != 1 || sites[0][0].from != 9 || len(sites[0]) != 10 || sites[0][9].text != "9" {
		t.Errorf("sites %v, want one at l with the digits 0–9", sites)
	}
	if sites := numberSites([]rune("北京市朝阳区幸福村11组3号楼2单元5纽"), 6); len(sites) != 0 {
		t.Errorf("sites %v, want none", sites)
	}
}

// TestReadPlacesMissingOrAltered: a model directory without the divisions,
// or with other bytes under their name, fails Open with the typed errors
// of a broken install rather than reading every place as read.
func TestReadPlacesMissingOrAltered(t *testing.T) {
	dir := t.TempDir()
	if _, err := readPlaces(dir); !errors.Is(err, infer.ErrModelMissing) {
		t.Errorf("no divisions: %v, want infer.ErrModelMissing", err)
	}
	if err := os.WriteFile(filepath.Join(dir, DivisionsAsset), []byte(`{"北京市":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readPlaces(dir); !errors.Is(err, infer.ErrChecksum) {
		t.Errorf("altered divisions: %v, want infer.ErrChecksum", err)
	}
}

func TestAgreementBetter(t *testing.T) {
	for _, c := range []struct {
		a, b agreement
		want bool
	}{
		{agreement{4, 30}, agreement{3, 5}, true},   // more labels in place
		{agreement{3, 5}, agreement{4, 30}, false},  // fewer
		{agreement{3, 8}, agreement{3, 40}, true},   // a tie, the incumbent further off than a true outline
		{agreement{3, 8}, agreement{3, 20}, false},  // a tie, the incumbent as close as a true outline can be
		{agreement{3, 45}, agreement{3, 40}, false}, // a tie, not closer
	} {
		if got := c.a.better(c.b); got != c.want {
			t.Errorf("%+v better than %+v: %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestLabelLead cuts a misread 签发机关 before an issuer of the list, and
// nothing from an issuer the list has or a name it does not know.
func TestLabelLead(t *testing.T) {
	list := []string{"北京市公安局海淀分局", "武汉市公安局武昌分局", "通州区公安局", "郑州市公安局金水分局"}
	for _, tc := range []struct {
		text string
		want int
	}{
		{"警机美：武汉市公安局武昌分局", 4},
		{"关北京市公安局海淀分局", 1},
		{"武汉市公安局武昌分局", 0},
		{"南通州区公安局", 0}, // 南 is no label's: a name the list may lack
		{"签发机关长沙市公安局", 0},
		{"普东机员/郑州市公安局象水分局", 5}, // the rest a character off
		{"北京市公安局海定分局", 0},      // no lead: nearest whole
	} {
		if got := labelLead([]rune(tc.text), list); got != tc.want {
			t.Errorf("%s: lead %d, want %d", tc.text, got, tc.want)
		}
	}
}

// TestIssuerSiteWhole: a branch's name misread (商关 for 南关) opens with
// its prefecture's bureau, so matched by its start it has no site; matched
// whole, its site holds the branches a character or two off and not the
// bureau.
func TestIssuerSiteWhole(t *testing.T) {
	list := []string{"长春市公安局", "长春市公安局南关分局", "长春市公安局朝阳分局"}
	text := []rune("长春市公安局商关分局")
	if site := placeSite(text, list, false); site != nil {
		t.Errorf("by its start: site %v, want none", site)
	}
	var got []string
	for _, ed := range placeSite(text, list, true) {
		if ed.from != 0 || ed.to != len(text) {
			t.Errorf("edit %v does not span the issuer", ed)
		}
		got = append(got, ed.text)
	}
	if want := list[1:]; !slices.Equal(got, want) {
		t.Errorf("whole: site %v, want %v", got, want)
	}
}

// TestDivisionLead cuts what stands before a division an address opens
// with, up to two characters, read whole or a character off, and nothing
// from an address that opens with one, misread or cut short, or reads
// none so close.
func TestDivisionLead(t *testing.T) {
	list := []string{"上海市徐汇区", "广西壮族自治区南宁市青秀区", "福建省厦门市思明区", "福建省厦门市湖里区"}
	for _, tc := range []struct {
		text string
		want int
	}{
		{"盗福建省厦门市思明区滨江大道77号", 1},
		{"址：上海市徐汇区新塘村3组32号", 2},
		{"福建省厦门市思明区滨江大道77号", 0},
		{"福建省夏门市思明区滨江大道77号", 0}, // misread, not led: placeSite's
		{"一二三上海市徐汇区", 0},
		{"福建省厦门市湖里区", 0},
		{"健社广西社族自治区南宁市青秀区建国路38号", 2}, // misread and led
		{"西壮族自治区南宁市青秀区建国路38号", 0},    // its start lost, not led
	} {
		if got := divisionLead([]rune(tc.text), list); got != tc.want {
			t.Errorf("%s: lead %d, want %d", tc.text, got, tc.want)
		}
	}
}

// TestBoxBlurCancelsPeriod: a box as wide as a pattern's period, whole or
// not, averages the pattern out whatever its phase (a display's grid on a
// recaptured card, see withoutGrid): exactly for a whole period, to a few
// percent for a fractional one, whose end taps only approximate the
// continuous box. A box of 3 is the 3×3 mean.
func TestBoxBlurCancelsPeriod(t *testing.T) {
	for _, period := range []float64{3, 4.6, 5.3} {
		g := newGray(64, 64)
		for y := range g.h {
			for x := range g.w {
				g.v[y*g.w+x] = 128 + 40*math.Sin(2*math.Pi*(float64(x)/period+0.3)) + 40*math.Cos(2*math.Pi*float64(y)/period)
			}
		}
		b := boxBlur(g, period)
		worst := 0.0
		for y := 8; y < g.h-8; y++ {
			for x := 8; x < g.w-8; x++ {
				worst = max(worst, math.Abs(b.at(x, y)-128))
			}
		}
		if worst > 2 { // of 80 grey levels peak to peak; 1.05 at 4.6 px
			t.Errorf("period %.1f: %.2f grey levels left", period, worst)
		}
	}
	g := newGray(5, 5)
	g.v[12] = 9
	if b := boxBlur(g, 3); math.Abs(b.at(1, 1)-1) > 1e-9 || math.Abs(b.at(2, 2)-1) > 1e-9 || b.at(0, 0) != 0 {
		t.Errorf("box of 3 is not the 3×3 mean: %v", b.v)
	}
}

// TestSharpnessIgnoresGlare: a blown-out reflection over 6 % of a card,
// fading out over 40 px, leaves its sharpness (the print's steepest edges
// over its contrast) within a tenth of what it was; it used to fall by a
// third, under WarnBlur's bar on real glared cards.
func TestSharpnessIgnoresGlare(t *testing.T) {
	card := image.NewRGBA(image.Rect(0, 0, CardW, CardH))
	for y := range CardH {
		for x := range CardW {
			v := uint8(205)
			if y%30 < 18 && x%24 < 3 && y > 60 && y < 480 { // strokes of print
				v = 40
			}
			o := card.PixOffset(x, y)
			card.Pix[o], card.Pix[o+1], card.Pix[o+2], card.Pix[o+3] = v, v, v+10, 255
		}
	}
	plain, _ := sharpness(card)
	glared := image.NewRGBA(card.Rect)
	copy(glared.Pix, card.Pix)
	r := math.Sqrt(0.06 * CardW * CardH / math.Pi)
	for y := range CardH {
		for x := range CardW {
			// white within r, fading to the card over 40 px
			a := min(max((r+40-math.Hypot(float64(x-600), float64(y-200)))/40, 0), 1)
			o := glared.PixOffset(x, y)
			for k := range 3 {
				glared.Pix[o+k] = uint8(float64(glared.Pix[o+k])*(1-a) + 255*a)
			}
		}
	}
	withGlare, _ := sharpness(glared)
	if math.Abs(withGlare-plain) > 0.1*plain || withGlare < blurMaxSharpness {
		t.Errorf("sharpness %.3f under glare, %.3f without", withGlare, plain)
	}
}

// TestSharpnessAcrossMotion: a motion blur smears print only along the
// motion, so the strokes across it stay as steep as before and the
// gradient's size alone still found the card sharp. Measured the way the
// print is least steep, a card of crosses (and a dark portrait, which
// keeps its contrast) smeared 15 px sideways falls under WarnBlur's bar,
// and the still card stays over it.
func TestSharpnessAcrossMotion(t *testing.T) {
	card := image.NewRGBA(image.Rect(0, 0, CardW, CardH))
	for y := range CardH {
		for x := range CardW {
			v := uint8(205)
			if cx, cy := x%40, y%40; x < 500 && y > 60 && y < 480 && ((cx < 3 && cy < 32) || (cy < 3 && cx < 32)) {
				v = 40 // a cross of print: a vertical and a horizontal stroke
			}
			if (image.Point{x, y}).In(portraitRect) {
				v = 40 // the portrait keeps the card's contrast under any blur
			}
			o := card.PixOffset(x, y)
			card.Pix[o], card.Pix[o+1], card.Pix[o+2], card.Pix[o+3] = v, v, v+10, 255
		}
	}
	smeared := image.NewRGBA(card.Rect)
	for y := range CardH {
		for x := range CardW {
			var s [3]int
			for d := -7; d <= 7; d++ {
				o := card.PixOffset(min(max(x+d, 0), CardW-1), y)
				for k := range 3 {
					s[k] += int(card.Pix[o+k])
				}
			}
			o := smeared.PixOffset(x, y)
			for k := range 3 {
				smeared.Pix[o+k] = uint8(s[k] / 15)
			}
			smeared.Pix[o+3] = 255
		}
	}
	still, _ := sharpness(card)
	moved, _ := sharpness(smeared)
	if still < blurMaxSharpness || moved >= blurMaxSharpness {
		t.Errorf("sharpness %.3f still, %.3f smeared sideways; the bar is %.3f", still, moved, blurMaxSharpness)
	}
}

// TestNameSites reads again a Han name's single-character surname, always
// (against the census's, weighed), and of its given name only the
// characters rare in names, and leaves alone the given name of common
// characters, a compound surname and what is not a Han name.
func TestNameSites(t *testing.T) {
	for _, c := range []struct {
		name string
		at   []int // the characters read again
	}{
		{"白超酒", []int{0, 2}}, {"贯娜", []int{0}}, {"普俊所", []int{0, 2}}, {"王伟", []int{0}}, {"欧阳酒", []int{2}},
		{"欧阳娜", nil}, {"16中心", nil}, {"阿依古丽买买提", nil}, {"酒", nil},
	} {
		var at []int
		for _, site := range nameSites([]rune(c.name)) {
			at = append(at, site[0].from)
			want := givenChars
			if site[0].from == 0 {
				want = surnames
			}
			if len(site) != len(want) || site[0].to != site[0].from+1 {
				t.Errorf("%s: site %d has %d edits to %d, want one of each of %d characters", c.name, site[0].from, len(site), site[0].to, len(want))
			}
		}
		if !slices.Equal(at, c.at) {
			t.Errorf("%s: read again at %v, want %v", c.name, at, c.at)
		}
	}
}

// TestNameShortfall: a name's rare character is read as the common one the
// model put second when that is within nameShortfall of it (酒 0.6, 涵
// 0.3), and kept when the model was sure of it (酒 0.97, 涵 0.01).
func TestNameShortfall(t *testing.T) {
	e, row := classEngine(slices.Concat([]rune("白超酒"), givenChars))
	classes := len(e.class) + 1
	blank := row(nil)
	for _, c := range []struct {
		酒, 涵 float32
		want string
	}{{0.6, 0.3, "白超涵"}, {0.97, 0.01, ""}} {
		s := scores{p: slices.Concat(row(map[rune]float32{'白': 0.95}), blank, row(map[rune]float32{'超': 0.95}), blank,
			row(map[rune]float32{'酒': c.酒, '涵': c.涵}), blank), steps: 6, classes: classes}
		site := nameSites([]rune("白超酒"))[1]
		targets := make([]string, len(site))
		for i, ed := range site {
			targets[i] = "白超" + ed.text
		}
		r, _, ok := e.pick(s, []rune("白超酒"), targets, nil, nameShortfall)
		if got := map[bool]string{true: r.text}[ok]; got != c.want {
			t.Errorf("酒 %.2f, 涵 %.2f: read %q, want %q", c.酒, c.涵, got, c.want)
		}
	}
}

// TestSurnamePrior: of two surnames the model wavers between, the
// commoner is read (季 0.5 against 李 0.4: 李 is some 60 times commoner),
// and the rarer kept when the print is surer of it than that (季 0.97,
// 李 0.01); a surname read as none (销) is mended to the commonest of
// those within nameShortfall (曾 over 钟, both within it), and not to one
// past it however common (曾 at 0.05 is e^2.8 short of 销).
func TestSurnamePrior(t *testing.T) {
	e, row := classEngine(slices.Concat([]rune("燕销"), censusSurnames))
	classes := len(e.class) + 1
	blank := row(nil)
	for _, c := range []struct {
		read string
		p    map[rune]float32
		want string
	}{
		{"季燕", map[rune]float32{'季': 0.5, '李': 0.4}, "李燕"},
		{"季燕", map[rune]float32{'季': 0.97, '李': 0.01}, "季燕"},
		{"销燕", map[rune]float32{'销': 0.6, '钟': 0.15, '曾': 0.1}, "曾燕"},
		{"销燕", map[rune]float32{'销': 0.8, '钟': 0.12, '曾': 0.05}, "钟燕"},
	} {
		s := scores{p: slices.Concat(row(c.p), blank, row(map[rune]float32{'燕': 0.95}), blank), steps: 4, classes: classes}
		site := nameSites([]rune(c.read))[0]
		targets, prior := make([]string, len(site)), make([]float64, len(site))
		for i, ed := range site {
			targets[i], prior[i] = ed.text+"燕", ed.prior
		}
		r, _, ok := e.pick(s, []rune(c.read), targets, prior, nameShortfall)
		if got := map[bool]string{true: r.text}[ok]; got != c.want {
			t.Errorf("%q %v: read %q, want %q", c.read, c.p, got, c.want)
		}
	}
}

// TestSpanHidden: a number that lost a run of characters is put back
// from the address's county code and the birth date (four of the county's
// digits hidden: 06199909120120; the county's last digit and seven of the
// birth's: 4201017183X, the tune split's 2193 and 2125), and left as read
// when the lost character could have stood in several places (the last
// of 11010519701218084: one of the order or check digits), when the run
// could have held two characters nothing else tells (1101051962011705,
// its last two lost, 2131: it reads too as …0117 with the birth's 7 and
// an order digit lost), when a kept character disagrees with the birth
// date (0541128942X for …19541128942X) or when no code says what the
// hidden county digits were.
func TestSpanHidden(t *testing.T) {
	for _, c := range []struct{ read, code, birth, want string }{
		{"06199909120120", "420106", "19990912", "420106199909120120"},
		{"4201017183X", "420106", "19731117", "42010619731117183X"},
		{"11010519701218084", "110105", "19701218", ""},
		{"1101051962011705", "110105", "19620117", ""},
		{"0541128942X", "120101", "19541128", ""},
		{"06199909120120", "", "19990912", ""},
	} {
		got, ok := spanHidden(c.read, c.code, c.birth, map[string]Field{})
		if !ok {
			got = ""
		}
		if got != c.want {
			t.Errorf("%s (county %q, born %q): %q, want %q", c.read, c.code, c.birth, got, c.want)
		}
	}
}

// TestNumbersCounty: an address whose division lost characters is
// completed from the county the number names (its check digit holding):
// two of the county's characters kept (淀区, 北京市海淀区, the tune split's
// 2055), or the division's start and end with its middle lost (湖北省武汉
// 区, 2641: one of 武汉市's districts by its characters alone). It is left
// alone when only one character is kept, when the kept characters are
// another county's (a holder who moved: 朝阳区 under a number of 海淀区),
// when the number's check digit fails, and when the address opens with a
// division whole or misread (the tune split's 2692, 西藏白治区拉萨市城关区…,
// whose first 区 was taken for the county's end).
func TestNumbersCounty(t *testing.T) {
	d := func(code, name string, children ...division) division { return division{code, name, children} }
	p := buildPlaces([]division{
		d("11", "北京市", d("1101", "市辖区", d("110105", "朝阳区"), d("110108", "海淀区"))),
		d("42", "湖北省", d("4201", "武汉市", d("420102", "江岸区"), d("420106", "武昌区"))),
		d("54", "西藏自治区", d("5401", "拉萨市", d("540102", "城关区"))),
	})
	haidian, wuchang := withCheckDigit(t, "11010819800101123"), withCheckDigit(t, "42010619800101123")
	chengguan := withCheckDigit(t, "54010219740201227")
	for _, c := range []struct{ text, num, want string }{
		{"淀区人民路142号", haidian, "北京市海淀区人民路142号"},
		{"湖北省武汉区胜利街144号", wuchang, "湖北省武汉市武昌区胜利街144号"},
		{"区人民路142号", haidian, ""},
		{"阳区人民路142号", haidian, ""},
		{"淀区人民路142号", haidian[:17] + "0", ""},
		{"北京市海淀区人民路142号", haidian, ""},
		{"西藏白治区拉萨市城关区幸福大街281号", chengguan, ""},
	} {
		got := ""
		if entry, n, ok := p.numbersCounty([]rune(c.text), c.num); ok {
			got = entry + string([]rune(c.text)[n:])
		}
		if got != c.want {
			t.Errorf("%s under %s: %q, want %q", c.text, c.num, got, c.want)
		}
	}
}

// TestDecisivePlace: a county whose two characters the model read as
// others (服络, 雁塔 second at 2 % each: 7.6 nats short, past
// maxShortfall) is still taken for the printed one when the city's other
// county lies at least maxShortfall further short (新城 at 0.05 %), and
// left alone when that other lies nearly as near (新城 at 1 %) or the
// site holds no other county.
func TestDecisivePlace(t *testing.T) {
	e, row := classEngine([]rune("服络雁塔新城"))
	classes := len(e.class) + 1
	blank := row(nil)
	for _, c := range []struct {
		other float32
		sites []string
		want  string
	}{{0.0005, []string{"雁塔", "新城"}, "雁塔"}, {0.01, []string{"雁塔", "新城"}, ""}, {0.0005, []string{"雁塔"}, ""}} {
		s := scores{p: slices.Concat(row(map[rune]float32{'服': 0.9, '雁': 0.02, '新': c.other}), blank,
			row(map[rune]float32{'络': 0.9, '塔': 0.02, '城': c.other}), blank), steps: 4, classes: classes}
		if _, _, ok := e.pick(s, []rune("服络"), c.sites, nil, maxShortfall); ok {
			t.Fatalf("other %.4f, %v: taken within maxShortfall; the case does not test decisive", c.other, c.sites)
		}
		r, _, ok := e.decisive(s, []rune("服络"), c.sites, maxShortfall)
		if got := map[bool]string{true: r.text}[ok]; got != c.want {
			t.Errorf("other %.4f, %v: read %q, want %q", c.other, c.sites, got, c.want)
		}
	}
}

// TestLostPlace: a division or an issuer that lost characters to glare or
// a finger is completed when one entry alone keeps the most of what was
// read; a misreading (as many characters read as printed), an entry read
// whole, too little kept or two entries alike are left alone.
func TestLostPlace(t *testing.T) {
	divisions := []string{"吉林省长春市南关区", "吉林省长春市朝阳区", "吉林省延边朝鲜族自治州珲春市", "北京市朝阳区",
		"辽宁省沈阳市和平区", "天津市和平区", "四川省成都市武侯区", "新疆维吾尔自治区乌鲁木齐市天山区", "陕西省西安市雁塔区",
		"内蒙古自治区呼和浩特市新城区"}
	issuers := []string{"上海市公安局徐汇分局", "重庆市公安局渝中分局", "重庆市公安局", "杭州市公安局西湖分局", "南昌市公安局西湖分局"}
	slices.Sort(divisions)
	slices.Sort(issuers)
	for _, tc := range []struct {
		text, want string
		n          int
		whole      bool
	}{
		{"省沈阳市和平区李庄村2组15号", "辽宁省沈阳市和平区", 7, false},
		{"市武侯区光明路243号", "四川省成都市武侯区", 4, false},
		{"新疆维吾尔自治|x木齐市天山区长安街", "新疆维吾尔自治区乌鲁木齐市天山区", 15, false},
		{"内家呼和浩特市新城区建国路", "内蒙古自治区呼和浩特市新城区", 10, false},
		{"市朝阳区路215号", "", 0, false},    // 北京's or 长春's
		{"吉林省长春市斋关区中山路", "", 0, false}, // misread, not lost
		{"区杨柳村10组4号", "", 0, false},    // too little kept
		{"陕西省西安市雁塔区胜利街", "", 0, false}, // whole
		{"陕西省西女市雁塔区胜利街", "", 0, false}, // misread
		{"安局徐汇分局", "上海市公安局徐汇分局", 6, true},
		{"重庆市公安局中分局", "重庆市公安局渝中分局", 9, true},
		{"重庆市公安局", "", 0, true},
		{"湖分局", "", 0, true},
		{"内", "", 0, false}, // shorter than what a lead would skip
		{"", "", 0, false},
	} {
		list := divisions
		if tc.whole {
			list = issuers
		}
		got, n, ok := lostPlace([]rune(tc.text), list, tc.whole)
		if got != tc.want || n != tc.n || ok != (tc.want != "") {
			t.Errorf("%s: %q %d %v, want %q %d", tc.text, got, n, ok, tc.want, tc.n)
		}
	}
}

// TestOneExtra: a number read with a character more at either end is the
// one of its two 18-character windows that holds together; a run neither
// or both of whose windows do is left alone.
func TestOneExtra(t *testing.T) {
	num := withCheckDigit(t, "11010519940905879")
	birth := map[string]Field{Birth: {Text: "1994-09-05"}}
	for _, tc := range []struct {
		run    string
		fields map[string]Field
		want   string
	}{
		{"3" + num, birth, num},
		{num + "1", birth, num},
		{"3" + num, nil, num},
		{"3" + num, map[string]Field{Birth: {Text: "1994-09-06"}}, ""},
		{"3" + num[:17] + "0", birth, ""},
	} {
		got, ok := oneExtra(tc.run, tc.fields)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s: %q %v, want %q", tc.run, got, ok, tc.want)
		}
	}
}

func TestOneLost(t *testing.T) {
	num := withCheckDigit(t, "11010519940905879")
	for _, lost := range []int{0, 3, 9, 17} {
		got := oneLost(num[:lost] + num[lost+1:])
		if !slices.Contains(got, num) {
			t.Errorf("%d lost: %v holds no %s", lost, got, num)
		}
		for _, n := range got {
			if _, ok := validNumberDate(n); !ok || len(n) != 18 {
				t.Errorf("%d lost: %s is no number", lost, n)
			}
		}
		// One per place at most, for the check digit holds for one
		// character there; many fewer, for the date.
		if len(got) > 18 || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Errorf("%d lost: %d numbers %v", lost, len(got), got)
		}
	}
}

// withCheckDigit is the number the 17 characters open, its check digit added.
func withCheckDigit(t *testing.T, first17 string) string {
	t.Helper()
	c, err := CheckDigit(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// TestSlotPeriods: a validity line read with each character in its place
// but a digit read as a letter (T for 7) and a dot as a dash is read
// against the periods within maxSlotMisses of it, among them the printed
// one; a line whose characters moved (a dot lost) gives none.
func TestSlotPeriods(t *testing.T) {
	got := slotPeriods([]rune("2023.0T.09-2043.07-09"))
	if !slices.Contains(got, "2023.07.09-2043.07.09") {
		t.Errorf("printed period not among %d: %v", len(got), got)
	}
	for _, p := range got {
		if checkValidity(p) != nil || misses([]rune("2023.0T.09-2043.07-09"), p) > maxSlotMisses {
			t.Errorf("%s: not a valid period within %d of the reading", p, maxSlotMisses)
		}
	}
	if !slices.Contains(slotPeriods([]rune("2006.0Z.12-长期")), "2006.02.12-长期") {
		t.Error("a long term's start not read")
	}
	if got := slotPeriods([]rune("202307.09-2043.07.09")); got != nil {
		t.Errorf("a reading out of place gave %v", got)
	}
}

// TestBureauWordsLeftOut: an issuer whose 局 after 公安 and after 分 were
// misread (商) is still near its entry, by the characters that tell
// entries apart; the words themselves are not changed in what is read.
func TestBureauWordsLeftOut(t *testing.T) {
	list := []string{"厦门市公安局思明分局", "厦门市公安局湖里分局", "长春市公安局南关分局"}
	site := placeSite([]rune("厦门市公安商思限分商"), list, true)
	if !slices.Contains(site, edit{from: 0, to: 10, text: "厦门市公安局思明分局"}) || len(site) != 2 {
		t.Errorf("site %v, want 思明 and 湖里 (within two characters but for 局)", site)
	}
	if got := string(bureauWords([]rune("长春市公安局"))); got != "长春市公安局" {
		t.Errorf("the bureau itself became %q", got)
	}
}

// TestCompleteUnit: 单 between two numbers gains its 元, as a guess; 单元
// read whole and 单 elsewhere stay as read.
func TestCompleteUnit(t *testing.T) {
	fields := map[string]Field{Address: {Text: "内蒙古自治区呼和浩特市新城区解放路258号28栋1单1902室", Conf: 0.9}}
	completeUnit(fields)
	if f := fields[Address]; f.Text != "内蒙古自治区呼和浩特市新城区解放路258号28栋1单元1902室" || f.Conf >= 0.9 {
		t.Errorf("got %q (%.2f), want 单元 put back as a guess", f.Text, f.Conf)
	}
	for _, text := range []string{"北京市朝阳区幸福村3栋2单元101室", "北京市朝阳区单店村3组"} {
		fields := map[string]Field{Address: {Text: text, Conf: 0.9}}
		if completeUnit(fields); fields[Address].Text != text || fields[Address].Conf != 0.9 {
			t.Errorf("%s changed to %q", text, fields[Address].Text)
		}
	}
}

// TestStreetSites finds the street's last character misread before an
// address's first number (通 for 道) and leaves streets, estates and
// buildings as read.
func TestStreetSites(t *testing.T) {
	text := []rune("湖北省武汉市武昌区工业大通145号29栋")
	sites := streetSites(text, 9)
	if len(sites) != 1 || sites[0][0].from != 12 || sites[0][0].to != 13 || len(sites[0]) != len([]rune(streetEnds)) {
		t.Fatalf("sites %v, want one at 通 (12–13) with every street end", sites)
	}
	for _, text := range []string{"湖北省武汉市武昌区工业大道145号", "北京市朝阳区幸福花园5栋", "北京市朝阳区幸福村11组", "北京市朝阳区"} {
		if sites := streetSites([]rune(text), 6); sites != nil {
			t.Errorf("%s: sites %v, want none", text, sites)
		}
	}
}

// TestStemSites finds a street's stem one character off a common one (中曲
// for 中山, before 路; 花国 before 街; 幸富 before 大街) and leaves as read a
// common stem, one two characters off every common one, and a village.
func TestStemSites(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // an edit the site must hold
	}{{"北京市朝阳区中曲路283号", "中山"}, {"江苏省南京市玄武区花国街6号", "花园"}, {"北京市朝阳区幸富大街5号", "幸福"}} {
		from := slices.Index([]rune(tc.text), '区') + 1 // the division's end
		sites := stemSites([]rune(tc.text), from)
		if len(sites) != 1 || !slices.ContainsFunc(sites[0], func(ed edit) bool { return ed.text == tc.want && ed.from == from && ed.to == from+2 }) {
			t.Errorf("%s: sites %v, want one at %d–%d holding %s", tc.text, sites, from, from+2, tc.want)
		}
	}
	for _, text := range []string{"北京市朝阳区中山路283号", "北京市朝阳区金桥路5号", "北京市朝阳区白沙村11组", "北京市朝阳区"} {
		if sites := stemSites([]rune(text), 6); sites != nil {
			t.Errorf("%s: sites %v, want none", text, sites)
		}
	}
}

// TestRigidOutline: a card's outline seen square on, or tilted back and
// foreshortened as the photo's camera sees it, is a rigid card's; a
// parallelogram sheared by a fifth of its height, or a rectangle a
// tenth too long for a card, is not.
func TestRigidOutline(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 960, 720))
	pt := func(x, y float64) geom.Point { return geom.Pt(x, y) }
	for _, tc := range []struct {
		q    [4]geom.Point
		want bool
	}{
		{[4]geom.Point{pt(180, 190), pt(780, 190), pt(780, 569), pt(180, 569)}, true},
		// tilted 25° back about its horizontal axis, 1000 px away, f = 960
		{[4]geom.Point{pt(167.0, 181.3), pt(793.0, 181.3), pt(746.7, 512.3), pt(213.3, 512.3)}, true},
		{[4]geom.Point{pt(180, 190), pt(780, 190), pt(856, 569), pt(256, 569)}, false},
		{[4]geom.Point{pt(150, 190), pt(810, 190), pt(810, 569), pt(150, 569)}, false},
	} {
		if got := rigidOutline(src, tc.q); got != tc.want {
			t.Errorf("%v: rigid %v, want %v", tc.q, got, tc.want)
		}
	}
}
