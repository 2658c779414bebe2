package ocr

import (
	"image"
	"math"
	"slices"
	"strings"
	"time"
)

// mend corrects fields the greedy reading got wrong where the card's
// rules or a closed list say what they can be: the number by its check
// digit, the birth date and sex by the number, the validity by its term,
// the sex as 男 or 女, the ethnicity as one of the 56, a name's rare
// character as a common one (names.go), the address's
// division and the issuer by the list of places, the address's unit
// words (组, 栋) by theirs, and a number that lost a run of characters by
// the address's county code and the birth date.
func (e *Engine) mend(card *image.RGBA, side Side, read []line, fields map[string]Field) error {
	if side == Front {
		if err := e.correctNumber(card, read, fields); err != nil {
			return err
		}
		if err := e.mendByNumber(card, read, fields); err != nil {
			return err
		}
		if err := e.mendSex(card, read, fields); err != nil {
			return err
		}
		if err := e.mendClosed(card, read, fields, Ethnicity, Ethnicities); err != nil {
			return err
		}
		if err := e.rereadName(card, read, fields); err != nil {
			return err
		}
		if err := e.mendName(card, read, fields); err != nil {
			return err
		}
	}
	if side == Back {
		if err := e.mendValidity(card, read, fields); err != nil {
			return err
		}
	}
	if err := e.mendPlaces(card, side, read, fields); err != nil {
		return err
	}
	if side == Front {
		if err := e.closeAddress(card, read, fields); err != nil {
			return err
		}
		completeUnit(fields)
		e.completeNumber(fields)
	}
	return nil
}

// closingUnits are the unit words an address ends with after its last
// number.
var closingUnits = []string{"号", "室"}

// closeAddress puts back an address's closing unit word (号 of 新华路173号)
// that wrapped onto a line of its own and was read as nothing: a lone
// character's crop is a few of the recogniser's steps wide. An address
// that ends in a digit, and a box read empty under its last line (within
// a line and a half) and within its lines' span across, read as one of
// closingUnits by CTC's likelihood at most maxShortfall short of the
// greedy (empty) reading, gains that word.
func (e *Engine) closeAddress(card *image.RGBA, read []line, fields map[string]Field) error {
	f, ok := fields[Address]
	text := []rune(f.Text)
	if !ok || len(text) == 0 || !isDigit(text[len(text)-1]) {
		return nil
	}
	chosen, _, ok := fieldLines(read, text, len(text))
	if !ok {
		return nil
	}
	first, last := chosen[0].box.quad, chosen[len(chosen)-1].box.quad
	h := last[0].Dist(last[3])
	i := slices.IndexFunc(read, func(l line) bool {
		c, q := l.box.centre(), l.box.quad
		return len(l.text) == 0 && c.Y > last[3].Y && c.Y < last[3].Y+1.5*h && q[0].X > first[0].X-h && q[1].X < last[1].X
	})
	if i < 0 {
		return nil
	}
	_, sc, err := e.recogniseScored(card, []textBox{read[i].box}, true)
	if err != nil {
		return err
	}
	r, ok := e.readClosed(sc[0], "", closingUnits)
	if !ok || r.shortfall > maxShortfall {
		return nil
	}
	conf := min(f.Conf, r.posterior)
	if r.guessed(0) {
		conf *= guessConf
	}
	fields[Address] = Field{Text: f.Text + r.text, Conf: conf}
	return nil
}

// completeUnit puts back the 元 of an address's 单元 that glare or a
// finger hid where CTC could not read it (1单1902室): 单 between two
// numbers is no unit word but 单元's start. A guess, as the print did not
// show it.
func completeUnit(fields map[string]Field) {
	f, ok := fields[Address]
	text := []rune(f.Text)
	if !ok {
		return
	}
	var out []rune
	for i, r := range text {
		out = append(out, r)
		if r == '单' && i > 0 && i+1 < len(text) && isDigit(text[i-1]) && isDigit(text[i+1]) {
			out = append(out, '元')
		}
	}
	if len(out) > len(text) {
		fields[Address] = Field{Text: string(out), Conf: f.Conf * guessConf}
	}
}

// completeNumber puts back a run of the number's characters a finger or
// glare hid (spanHidden), from the county code of the address's division,
// mended first, and the birth date: a guess, however well the check digit
// confirms it.
func (e *Engine) completeNumber(fields map[string]Field) {
	num, ok := fields[Number]
	if !ok || len(num.Text) >= 18 {
		return
	}
	code := e.places.codes[entryOpening(e.places.addresses, fields[Address].Text)]
	birth := strings.ReplaceAll(fields[Birth].Text, "-", "")
	if n, ok := spanHidden(num.Text, code, birth, fields); ok {
		fields[Number] = Field{Text: n, Conf: num.Conf * guessConf}
	}
}

// mendValidity reads a validity period whose term is none a card is
// issued for (checkValidity) against the periods either of its dates
// makes with the terms: from the start, 5, 10 or 20 years or 长期; to the
// end, 5, 10 or 20 years back. One date misread (2016 for 2015, a digit
// torn by a display's stripes) leaves the other to give the period, and
// CTC's likelihood on the line the dates were read from tells which:
// its text from the first digit on is put in each period's place (the
// dash may have been read as another character), and the likeliest is
// taken when it falls at most maxShortfall further short of the greedy
// reading than the line's own reading does. A line read with every
// character in its place but a digit read as a letter (2023.0T.09 for
// 2023.07.09), where neither date parses, is read against the periods
// close to it character by character (slotPeriods).
func (e *Engine) mendValidity(card *image.RGBA, read []line, fields map[string]Field) error {
	f, ok := fields[Validity]
	if !ok || checkValidity(f.Text) == nil {
		return nil
	}
	digits := strings.Map(keepDigits, f.Text)
	at := slices.IndexFunc(read, func(l line) bool { return strings.Contains(strings.Map(keepDigits, string(l.text)), digits) })
	if at < 0 {
		return nil
	}
	k := slices.IndexFunc(read[at].text, isDigit)
	periods := append(termPeriods(f.Text), slotPeriods(read[at].text[k:])...)
	if len(periods) == 0 {
		return nil
	}
	joined, s, ok, err := e.rereadLines(card, read[at:at+1])
	if !ok || err != nil {
		return err
	}
	targets := make([]string, len(periods))
	for i, p := range periods {
		targets[i] = string(joined[:k]) + p
	}
	r, own, ok := e.pick(s, joined, targets, nil, maxShortfall)
	if !ok {
		return nil
	}
	conf := min(f.Conf, r.posterior)
	if r.guessed(own) {
		conf *= guessConf
	}
	fields[Validity] = Field{Text: periods[slices.Index(targets, r.text)], Conf: conf}
	return nil
}

// periodPrint is a period's print character by character, 'd' a digit;
// a long term's ends after its start date and the dash.
const periodPrint = "dddd.dd.dd-dddd.dd.dd"

// maxSlotMisses is how many of a period's digits a reading in place may
// have other than the period's (misread, or read as no digit) for the
// period to be read against it: one digit misread in each date, or a
// digit read as a letter and one misread.
const maxSlotMisses = 2

// slotPeriods are the periods, of a term cards are issued for and
// starting in 1990–2099, whose print text (a validity line's reading from
// its first digit) matches character for character but for at most
// maxSlotMisses digits: text as long as a period's print, or as a long
// term's when it ends in 长期.
func slotPeriods(text []rune) []string {
	var terms []int
	switch {
	case len(text) == len(periodPrint):
		terms = []int{5, 10, 20}
	case len(text) == 13 && string(text[11:]) == "长期":
		terms = []int{0}
	default:
		return nil
	}
	const layout = "2006.01.02"
	var out []string
	for d := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2100; d = d.AddDate(0, 0, 1) {
		from := d.Format(layout)
		if misses(text[:10], from) > maxSlotMisses {
			continue
		}
		for _, y := range terms {
			p := from + "-长期"
			if y > 0 {
				p = from + "-" + d.AddDate(y, 0, 0).Format(layout)
			}
			if misses(text, p) <= maxSlotMisses {
				out = append(out, p)
			}
		}
	}
	return out
}

// misses counts the digits of print that text, read in place, does not
// hold (as long as print; characters that are not digits in print are not
// counted).
func misses(text []rune, print string) int {
	n := 0
	for i, r := range []rune(print) {
		if isDigit(r) && text[i] != r {
			n++
		}
	}
	return n
}

// termPeriods are the periods "YYYY.MM.DD-…" a validity text's start and
// end dates make with the terms cards are issued for.
func termPeriods(text string) []string {
	from, to, _ := strings.Cut(text, "-")
	const layout = "2006.01.02"
	var periods []string
	if start, err := time.Parse(layout, from); err == nil {
		for _, y := range []int{5, 10, 20} {
			periods = append(periods, from+"-"+start.AddDate(y, 0, 0).Format(layout))
		}
		periods = append(periods, from+"-长期")
	}
	if end, err := time.Parse(layout, to); err == nil {
		for _, y := range []int{5, 10, 20} {
			periods = append(periods, end.AddDate(-y, 0, 0).Format(layout)+"-"+to)
		}
	}
	return periods
}

// keepDigits is a strings.Map that keeps only the digits 0–9.
func keepDigits(r rune) rune {
	if isDigit(r) {
		return r
	}
	return -1
}

// mendByNumber reads the birth date and sex against a number whose check
// digit holds, which encodes both (its 7th to 14th digits, the parity of
// its 17th): a misread of one of them is far likelier than a misread
// number that passes its check digit, which one misread character does
// one time in eleven and correctNumber has already weighed against them.
// A birth date read otherwise is read again as the number's on its line
// (rereadBirth); one the card shows too little of to read (glare, a
// finger) and a sex not read as 男 or 女 are the number's, as guesses.
func (e *Engine) mendByNumber(card *image.RGBA, read []line, fields map[string]Field) error {
	num, ok := fields[Number]
	if !ok {
		return nil
	}
	date, ok := validNumberDate(num.Text)
	if !ok {
		return nil
	}
	guess := Field{Text: date.Format("2006-01-02"), Conf: num.Conf * guessConf}
	if s, ok := fields[Sex]; !ok || (s.Text != "男" && s.Text != "女") {
		fields[Sex] = Field{Text: sexOf(num.Text), Conf: guess.Conf}
	}
	b, ok := fields[Birth]
	if !ok {
		fields[Birth] = guess
		return nil
	}
	if b.Text == guess.Text {
		return nil
	}
	return e.rereadBirth(card, read, fields, date)
}

// rereadBirth reads the line the birth date was read from again as date,
// which is taken when CTC finds it at most maxShortfall short of the
// greedy reading.
func (e *Engine) rereadBirth(card *image.RGBA, read []line, fields map[string]Field, date time.Time) error {
	b := fields[Birth]
	year := b.Text[:4] + "年"
	at := slices.IndexFunc(read, func(l line) bool { return strings.Contains(string(l.text), year) })
	if at < 0 {
		return nil
	}
	joined, s, ok, err := e.rereadLines(card, read[at:at+1])
	if !ok || err != nil {
		return err
	}
	before, rest, _ := strings.Cut(string(joined), year)
	_, after, _ := strings.Cut(rest, "日")
	r, own, ok := e.pick(s, joined, []string{before + date.Format("2006年1月2日") + after}, nil, maxShortfall)
	if !ok {
		return nil
	}
	conf := min(b.Conf, fields[Number].Conf)
	if r.guessed(own) {
		conf *= guessConf
	}
	fields[Birth] = Field{Text: date.Format("2006-01-02"), Conf: conf}
	return nil
}

// validNumberDate is the birth date a number encodes, ok when its check
// digit holds and the date is one.
func validNumberDate(num string) (time.Time, bool) {
	if want, err := checkNumber(num); err != nil || want != num[17] {
		return time.Time{}, false
	}
	date, err := time.Parse("20060102", num[6:14])
	return date, err == nil
}

// mendSex reads a sex that is neither 男 nor 女 (展 for 男) against the
// two (mendClosed), and a sex the detector boxed no line for again, from
// the row between its label and 民族 (rereadSex).
func (e *Engine) mendSex(card *image.RGBA, read []line, fields map[string]Field) error {
	if _, ok := fields[Sex]; !ok {
		return e.rereadSex(card, read, fields)
	}
	return e.mendClosed(card, read, fields, Sex, []string{"男", "女"})
}

// mendClosed reads a field that can only be an entry of list but reads as
// none (展 for 男, 制 for 侗) against every entry, by CTC's likelihood on
// its line (mendField). Since no other reading can be right, the likeliest
// is taken however far short of the greedy reading it falls, its
// confidence its share of the entries, as a guess; what the card's other
// fields contradict (a sex against the number) the checks after still
// flag.
func (e *Engine) mendClosed(card *image.RGBA, read []line, fields map[string]Field, name string, list []string) error {
	f, ok := fields[name]
	if !ok || f.Text == "" || slices.Contains(list, f.Text) {
		return nil
	}
	n := len([]rune(f.Text))
	site := make([]edit, len(list))
	for i, entry := range list {
		site[i] = edit{from: 0, to: n, text: entry}
	}
	return e.mendField(card, read, fields, name, [][]edit{site}, math.Inf(1), true)
}

// rereadSex reads the row from the end of the 性别 label to the start of
// 民族, where the sex is printed, in one box, against 男 and 女; taken
// when it falls at most maxShortfall short of the greedy reading (a
// character is there to read), its confidence its share of the two (as a
// guess past readShortfall).
func (e *Engine) rereadSex(card *image.RGBA, read []line, fields map[string]Field) error {
	label := slices.IndexFunc(read, func(l line) bool { g := toRun(l); return g.findLabel("性别", 0) == 0 && len(g) == 2 })
	eth := slices.IndexFunc(read, func(l line) bool { return toRun(l).findLabel("民族", 0) == 0 })
	if label < 0 || eth < 0 {
		return nil
	}
	q := read[label].box.quad
	box, ok := rowSpan(q, q[1], q[2], read[eth].box.quad[0].X-4)
	if !ok {
		return nil
	}
	_, sc, err := e.recogniseScored(card, []textBox{box}, true)
	if err != nil {
		return err
	}
	r, ok := e.readAmong(sc[0], []string{"男", "女"})
	if !ok || r.shortfall > maxShortfall {
		return nil
	}
	fields[Sex] = Field{Text: r.text, Conf: r.conf(0)}
	return nil
}
