package ocr

import (
	"image"
	"math"
	"slices"
	"strings"
)

// correctNumber mends a front's number of 18 characters whose check digit
// fails, when one character read otherwise makes it whole: the number's
// line is read again with its class probabilities, and of the numbers one
// character off that pass the check digit and agree with the birth date
// and sex read beside them, the one CTC finds likeliest is taken, if it
// falls at most maxShortfall short of the greedy reading. The model misreads
// one digit of a blurred or glared number far more often than two, and the
// check digit alone leaves about one such number in eleven: the birth and
// sex, and the model's own second choices, pick among those. Its
// confidence is its share of those numbers' likelihood, scaled as a value
// guessed from a closed list. A number read with 17 characters, one lost
// to glare or a finger, is mended so from the numbers one more character
// makes (oneLost), and a run of 19 is trimmed to the number it holds
// (oneExtra).
func (e *Engine) correctNumber(card *image.RGBA, lines []line, fields map[string]Field) error {
	num, ok := fields[Number]
	if !ok {
		return nil
	}
	var cands []string
	switch len(num.Text) {
	case 19:
		if n, ok := oneExtra(num.Text, fields); ok {
			fields[Number] = Field{Text: n, Conf: num.Conf * guessConf}
		}
		return nil
	case 18:
		if want, err := CheckDigit(num.Text[:17]); err != nil || want == num.Text[17] {
			return nil
		}
		cands = oneOff(num.Text)
	case 17:
		cands = oneLost(num.Text)
	default:
		return nil
	}
	var at line
	for _, l := range lines {
		if strings.Contains(toRun(l).String(), num.Text) {
			at = l
			break
		}
	}
	if at.text == nil {
		return nil
	}
	got, sc, err := e.recogniseScored(card, []textBox{at.box}, true)
	if err != nil {
		return err
	}
	text := toRun(got[0]).String()
	i := strings.Index(text, num.Text)
	if i < 0 {
		return nil
	}
	prefix, suffix := text[:i], text[i+len(num.Text):]
	best, total, bestNum := math.Inf(-1), math.Inf(-1), ""
	for _, cand := range cands {
		if !agrees(cand, fields) {
			continue
		}
		ll := sc[0].logLikelihood(e.classesOf(prefix+cand+suffix), nil)
		total = logAdd(total, ll)
		if ll > best {
			best, bestNum = ll, cand
		}
	}
	if bestNum == "" || sc[0].bestPath()-best > maxShortfall {
		return nil
	}
	fields[Number] = Field{Text: bestNum, Conf: math.Exp(best-total) * guessConf}
	return nil
}

// oneExtra is the number in a run of 19 characters that has one more at
// either end (the label's last stroke, the card's edge read as 1): of the
// two 18 long, the one whose check digit holds, whose date is one, and
// which agrees with the birth date and sex read beside it; ok is false
// unless exactly one does. A wrong one of the two passes the check digit
// one time in eleven and a date rarely, so the pair's one survivor is the
// number.
func oneExtra(run string, fields map[string]Field) (string, bool) {
	var found []string
	for _, n := range []string{run[1:], run[:18]} {
		if _, ok := validNumberDate(n); ok && agrees(n, fields) {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// oneOff lists the valid numbers (check digit right) that differ from num
// in one character, X only last.
func oneOff(num string) []string {
	var out []string
	b := []byte(num)
	for i := range b {
		orig := b[i]
		for _, c := range []byte(numberChars(i)) {
			if c == orig {
				continue
			}
			b[i] = c
			if want, err := CheckDigit(string(b[:17])); err == nil && want == b[17] {
				out = append(out, string(b))
			}
		}
		b[i] = orig
	}
	return out
}

// oneLost lists the valid numbers (check digit right, a real date of
// birth) that num, 17 characters, is with one more character anywhere in
// it, X only last: a digit glare or a finger took. With the check digit
// there is at most one per place, and the date keeps the places on one
// side of it.
func oneLost(num string) []string {
	var out []string
	for i := 0; i <= len(num); i++ {
		for _, c := range numberChars(i) {
			n := num[:i] + string(c) + num[i:]
			if _, ok := validNumberDate(n); ok {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out) // a digit put either side of its twin is one number
	return slices.Compact(out)
}

// numberChars are the characters that may stand at place i of a number:
// digits, and X last.
func numberChars(i int) string {
	if i == 17 {
		return "0123456789X"
	}
	return "0123456789"
}

// agrees reports whether a number matches the birth date and sex read on
// the card, where they were.
func agrees(num string, fields map[string]Field) bool {
	if b, ok := fields[Birth]; ok && b.Text != num[6:10]+"-"+num[10:12]+"-"+num[12:14] {
		return false
	}
	if s, ok := fields[Sex]; ok && (s.Text == "男" || s.Text == "女") && s.Text != sexOf(num) {
		return false
	}
	return true
}

// spanHidden completes a number read with a run of its characters
// missing, hidden by a finger or glare (06199909120120 for
// 420106199909120120): it is what was read with one run put back, the run
// spelled by what else the card says where it falls within the first
// fourteen places (the county code of the address's division, code, for
// the first six, the birth date read beside it, birth as 19990912, for the
// next eight) and by the check digit for at most one place after them.
// Every place the read characters keep within the first fourteen must
// agree with those too, and the number with the sex. ok is false unless
// exactly one number does so; when the run could have stood where more
// than one place would be left to guess (a number that lost its last two
// characters reads like one that lost a birth digit and the order digit
// after it); and without the code (an address opening with no county the
// list knows): the read characters' place in the number is then too
// loosely held. A birth not known ("") fills nothing.
func spanHidden(read, code, birth string, fields map[string]Field) (string, bool) {
	known := func(p int) (byte, bool) {
		switch {
		case p < 6:
			return code[p], true
		case p >= 6 && p < 14 && len(birth) == 8:
			return birth[p-6], true
		}
		return 0, false
	}
	gap := 18 - len(read)
	if gap < 1 || len(read) < minKeptNumber || len(code) != 6 {
		return "", false
	}
	var found []string
	for i := 0; i <= len(read); i++ {
		b := []byte(read[:i] + strings.Repeat("?", gap) + read[i:])
		var unknown []int
		agree := true
		for p := range b {
			c, k := known(p)
			switch {
			case b[p] == '?' && k:
				b[p] = c
			case b[p] == '?':
				unknown = append(unknown, p)
			case k && b[p] != c:
				agree = false
			}
		}
		switch {
		case !agree:
			continue
		case len(unknown) > 1:
			// The run may have stood here, and nothing tells what it
			// held: whatever another place gives is not the number.
			return "", false
		}
		for _, n := range fill(b, unknown) {
			if _, valid := validNumberDate(n); valid && agrees(n, fields) && !slices.Contains(found, n) {
				found = append(found, n)
			}
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// minKeptNumber is the fewest characters of a number spanHidden puts the
// rest back to: its last four (the order digits and the check digit,
// which nothing else on the card tells) and seven more that the county
// code and the birth date confirm, so that a stray run of digits or a
// misread one is not taken for the number's remains.
const minKeptNumber = 11

// fill is the number b spelled at its unknown place, if it has one, by
// each character that may stand there, X only last.
func fill(b []byte, unknown []int) []string {
	if len(unknown) == 0 {
		return []string{string(b)}
	}
	at := unknown[0]
	var out []string
	for _, c := range []byte(numberChars(at)) {
		b[at] = c
		out = append(out, string(b))
	}
	return out
}
