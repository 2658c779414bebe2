package ocr

import (
	"fmt"
	"strings"
	"time"
)

// Ethnicities are the 56 names printed after 民族 (without 族).
var Ethnicities = strings.Fields(`汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼
	哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉
	毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙
	鄂伦春 赫哲 门巴 珞巴 基诺`)

// snapEthnicity replaces a reading one character away from exactly one
// ethnicity of the same length by that ethnicity: the list is closed.
func snapEthnicity(s string) string {
	r := []rune(s)
	var match string
	for _, e := range Ethnicities {
		er := []rune(e)
		if len(er) != len(r) {
			continue
		}
		diff := 0
		for i := range er {
			if er[i] != r[i] {
				diff++
			}
		}
		if diff == 0 {
			return e
		}
		if diff == 1 && len(er) > 1 {
			if match != "" {
				return s
			}
			match = e
		}
	}
	if match != "" {
		return match
	}
	return s
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

func checkValidity(s string) error {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return fmt.Errorf("%q has no dash", s)
	}
	start, err := time.Parse("2006.01.02", from)
	if err != nil {
		return fmt.Errorf("start %q is not a date", from)
	}
	if to == "长期" {
		return nil
	}
	end, err := time.Parse("2006.01.02", to)
	if err != nil {
		return fmt.Errorf("end %q is not a date", to)
	}
	if !end.After(start) {
		return fmt.Errorf("ends %s, before it starts %s", to, from)
	}
	return nil
}
