package ocr

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Ethnicities are the 56 names printed after 民族 (without 族).
var Ethnicities = strings.Fields(`汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼
	哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉
	毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙
	鄂伦春 赫哲 门巴 珞巴 基诺`)

// snapEthnicity maps a reading onto the closed list of ethnicities: kept
// when it is one; else the one it differs from by one character of the
// same length, the longest one it contains (a neighbouring stroke read as
// an extra character: 旗普米), or the one it is a part of (a rare
// character dropped: 斡尔 for 达斡尔), each only when no other one fits as
// well. guessed is true for the last two, which the reading alone does
// not show.
func snapEthnicity(s string) (snapped string, guessed bool) {
	if slices.Contains(Ethnicities, s) || s == "" {
		return s, false
	}
	if e, ok := onlyEthnicity(func(e string) bool { return oneSubstitution(s, e) }); ok {
		return e, false
	}
	longest, n := "", 0
	for _, e := range Ethnicities {
		switch l := len([]rune(e)); {
		case !strings.Contains(s, e) || l < n:
		case l > n:
			longest, n = e, l
		default:
			longest = "" // two of the same length: no telling
		}
	}
	if longest != "" {
		return longest, true
	}
	if e, ok := onlyEthnicity(func(e string) bool { return subsequence(s, e) }); ok {
		return e, true
	}
	return s, false
}

// onlyEthnicity is the one ethnicity that fits, if exactly one does.
func onlyEthnicity(fits func(string) bool) (string, bool) {
	match := ""
	for _, e := range Ethnicities {
		if fits(e) {
			if match != "" {
				return "", false
			}
			match = e
		}
	}
	return match, match != ""
}

// oneSubstitution reports whether a and b, of the same length of two or
// more characters, differ in exactly one.
func oneSubstitution(a, b string) bool {
	ar, br := []rune(a), []rune(b)
	if len(ar) != len(br) || len(ar) < 2 {
		return false
	}
	diff := 0
	for i := range ar {
		if ar[i] != br[i] {
			diff++
		}
	}
	return diff == 1
}

// subsequence reports whether the characters of a appear in b in order,
// b being longer.
func subsequence(a, b string) bool {
	ar, br := []rune(a), []rune(b)
	if len(ar) >= len(br) {
		return false
	}
	i := 0
	for _, r := range br {
		if i < len(ar) && ar[i] == r {
			i++
		}
	}
	return i == len(ar)
}

// CheckDigit is the GB 11643-1999 check character of the first 17 digits
// of a citizen identity number: ISO 7064 MOD 11-2.
func CheckDigit(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("want 17 digits, got %d characters", len(first17))
	}
	sum := 0
	for i := range 17 {
		d := first17[i]
		if d < '0' || d > '9' {
			return 0, fmt.Errorf("character %d is %q, not a digit", i+1, d)
		}
		w := 1 << (17 - i) % 11
		sum += int(d-'0') * w
	}
	return "10X98765432"[sum%11], nil
}

// validate checks the fields against each other and the number's rules;
// each problem starts with the field's name and a colon.
func validate(f map[string]Field) []string {
	var out []string
	add := func(field, format string, a ...any) {
		out = append(out, field+": "+fmt.Sprintf(format, a...))
	}
	if n, ok := f[Number]; ok {
		num := n.Text
		switch want, err := checkNumber(num); {
		case err != nil:
			add(Number, "%v", err)
		case num[17] != want:
			add(Number, "check digit %c, expected %c", num[17], want)
		default:
			if b, ok := f[Birth]; ok {
				if got := num[6:10] + "-" + num[10:12] + "-" + num[12:14]; b.Text != got {
					add(Birth, "%s, but the number says %s", b.Text, got)
				}
			}
			if s, ok := f[Sex]; ok {
				if want := sexOf(num); s.Text != want {
					add(Sex, "%s, but the number says %s", s.Text, want)
				}
			}
		}
	}
	if b, ok := f[Birth]; ok {
		if t, err := time.Parse("2006-01-02", b.Text); err != nil || t.After(time.Now()) {
			add(Birth, "%q is not a past date", b.Text)
		}
	}
	if v, ok := f[Validity]; ok {
		if err := checkValidity(v.Text); err != nil {
			add(Validity, "%v", err)
		}
	}
	return out
}

func checkNumber(num string) (byte, error) {
	if len(num) != 18 {
		return 0, fmt.Errorf("%d characters, expected 18", len(num))
	}
	return CheckDigit(num[:17])
}

// sexOf reads the sex from the number's 17th digit: odd for men.
func sexOf(num string) string {
	if (num[16]-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

// checkValidity checks a validity period on its own: two dates, or a
// date and 长期, and a term cards are issued for: 5, 10 or 20 years to
// the day (GA 450: the term follows the holder's age at issue).
func checkValidity(s string) error {
	start, end, err := parseValidity(s)
	if err != nil || end.IsZero() {
		return err
	}
	if !end.After(start) {
		return fmt.Errorf("ends %s, before it starts %s", end.Format("2006.01.02"), start.Format("2006.01.02"))
	}
	if termYears(start, end) == 0 {
		return fmt.Errorf("a term from %s to %s is not one of 5, 10 or 20 years", start.Format("2006.01.02"), end.Format("2006.01.02"))
	}
	return nil
}

// parseValidity reads "YYYY.MM.DD-YYYY.MM.DD" or "YYYY.MM.DD-长期" (end
// zero).
func parseValidity(s string) (start, end time.Time, err error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return start, end, fmt.Errorf("%q has no dash", s)
	}
	if start, err = time.Parse("2006.01.02", from); err != nil {
		return start, end, fmt.Errorf("start %q is not a date", from)
	}
	if to == "长期" {
		return start, time.Time{}, nil
	}
	if end, err = time.Parse("2006.01.02", to); err != nil {
		return start, end, fmt.Errorf("end %q is not a date", to)
	}
	return start, end, nil
}

// termYears is the term, 5, 10 or 20, when end is that many years after
// start to the day (a 29 February start ends on 28 February or 1 March),
// else 0.
func termYears(start, end time.Time) int {
	for _, y := range []int{5, 10, 20} {
		want := start.AddDate(y, 0, 0) // 29 Feb rolls to 1 Mar
		if end.Equal(want) || (start.Month() == 2 && start.Day() == 29 && end.Equal(want.AddDate(0, 0, -1))) {
			return y
		}
	}
	return 0
}

// ExpiringWithin is how close to its end a card raises WarnExpiring.
const ExpiringWithin = 90 * 24 * time.Hour

// ValidityWarnings are the warnings a card valid from start to end (zero
// for 长期) raises when read at now: WarnExpired after its last day,
// WarnExpiring within ExpiringWithin of it.
func ValidityWarnings(start, end, now time.Time) Warning {
	if end.IsZero() {
		return 0
	}
	last := end.AddDate(0, 0, 1) // valid through its end date
	switch {
	case !now.Before(last):
		return WarnExpired
	case last.Sub(now) <= ExpiringWithin:
		return WarnExpiring
	}
	return 0
}

// validityWarnings reads the validity field's dates, if it parses.
func validityWarnings(f map[string]Field, now time.Time) Warning {
	v, ok := f[Validity]
	if !ok {
		return 0
	}
	start, end, err := parseValidity(v.Text)
	if err != nil {
		return 0
	}
	return ValidityWarnings(start, end, now)
}

// ageAt is the age in completed years on day t.
func ageAt(birth, t time.Time) int {
	age := t.Year() - birth.Year()
	if t.Month() < birth.Month() || (t.Month() == birth.Month() && t.Day() < birth.Day()) {
		age--
	}
	return age
}

// TermFor is the validity term a card issued at age gets: 5 years under
// 16, 10 years from 16 to 25, 20 years from 26 to 45, and 0 (长期, no
// end) from 46.
func TermFor(age int) int {
	switch {
	case age < 16:
		return 5
	case age <= 25:
		return 10
	case age <= 45:
		return 20
	}
	return 0
}

// CrossCheck checks the two sides of one card against each other: the
// validity term on the back must be the one for the holder's age (from
// the front's birth date, else its number) on the day it was issued. Each
// problem starts with "validity: ".
func CrossCheck(front, back *Card) []string {
	if front == nil || back == nil {
		return nil
	}
	v, ok := back.Fields[Validity]
	if !ok {
		return nil
	}
	start, end, err := parseValidity(v.Text)
	if err != nil {
		return nil
	}
	birthText := front.Fields[Birth].Text
	if n := front.Fields[Number].Text; birthText == "" && len(n) == 18 {
		birthText = n[6:10] + "-" + n[10:12] + "-" + n[12:14]
	}
	birth, err := time.Parse("2006-01-02", birthText)
	if err != nil {
		return nil
	}
	age := ageAt(birth, start)
	want, got := TermFor(age), 0
	if !end.IsZero() {
		if got = termYears(start, end); got == 0 {
			return nil // validate reports a term that is no term
		}
	}
	if got == want {
		return nil
	}
	name := func(y int) string {
		if y == 0 {
			return "长期"
		}
		return fmt.Sprintf("%d years", y)
	}
	return []string{fmt.Sprintf("validity: %s from %s, but a holder of %d is issued %s", name(got), start.Format("2006.01.02"), age, name(want))}
}
