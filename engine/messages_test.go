package engine

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/liveness"
)

// wantCodes is every code the engine shows, from where each is defined:
// the tracker's quality codes, the session prompts, the liveness reasons
// and the engine's and compare's result codes.
var wantCodes = func() []string {
	var codes []string
	for q := face.NoFace; q <= face.MovingTooMuch; q <<= 1 {
		codes = append(codes, q.Codes()...)
	}
	codes = append(codes, PromptCenterFace, PromptHoldStill, PromptFlash, PromptTooBrightForFlash, PromptBlink,
		PromptOpenMouth, PromptNod, PromptShake, PromptNearFar, PromptProcessing, PromptDone, PromptFailed,
		PromptCancelled, PromptTimeout)
	for _, r := range liveness.AllReasons {
		codes = append(codes, string(r))
	}
	return append(codes, ReasonCancelled, ReasonPrecheckTimeout, ReasonBadStream, ReasonExpired,
		ReasonNoReference, ReasonNoMatch, ReasonFaceChanged)
}()

// attackCodes must all read the same, so the text does not say which check
// caught the attempt.
var attackCodes = []string{
	"LIVENESS_WRONG_ORDER", "LIVENESS_PLANAR_MOTION", "LIVENESS_DISTANCE_CHECK_FAILED",
	"LIVENESS_REFLECTION_FAILED", "LIVENESS_RECAPTURED", "LIVENESS_SYNTHESIS_SUSPECTED", "LIVENESS_FRAME_REPEATED",
	"ENGINE_FACE_CHANGED",
}

// Characters whose Simplified and Traditional forms differ, among those the
// Chinese texts use: a zh-HK text with a Simplified one (or the reverse) is
// a copy left unconverted.
const (
	simplifiedOnly  = "检测侦脸请将张仅镜离远点线处强开后画稳机对挡睁动势圆变时环阳验证败试质摇头"
	traditionalOnly = "檢測偵臉請將張僅鏡離遠點線處強開後畫穩機對擋睜動勢圓變時環陽驗證敗試質搖頭"
)

// screenLength counts what takes room on the screen: runes, except Thai
// vowel and tone marks written above or below a base character.
func screenLength(s string) int {
	n := 0
	for _, r := range s {
		if r == 0x0E31 || (r >= 0x0E34 && r <= 0x0E3A) || (r >= 0x0E47 && r <= 0x0E4E) {
			continue
		}
		n++
	}
	return n
}

func lengthBudget(lang int) int {
	switch lang {
	case langZhCN, langZhHK, langJa, langKo:
		return 16
	}
	return 40
}

func hasScript(s string, tables ...*unicode.RangeTable) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.In(r, tables...) }) >= 0
}

func TestCodesComplete(t *testing.T) {
	want := slices.Clone(wantCodes)
	slices.Sort(want)
	if got := Codes(); !slices.Equal(got, want) {
		t.Errorf("Codes() = %q\nwant %q", got, want)
	}
	if got := Languages(); !slices.Equal(got, []string{"zh-CN", "zh-HK", "en", "ja", "ko", "th", "id"}) {
		t.Errorf("Languages() = %q", got)
	}
	Codes()[0], Languages()[0] = "X", "X"
	if Codes()[0] == "X" || Languages()[0] == "X" {
		t.Error("Codes or Languages hands out the package's own slice")
	}
}

func TestTexts(t *testing.T) {
	for _, code := range Codes() {
		texts := messageTable[code]
		for lang, text := range texts {
			tag := langTags[lang]
			switch {
			case text == "":
				t.Errorf("%s %s: empty", code, tag)
				continue
			case screenLength(text) > lengthBudget(lang):
				t.Errorf("%s %s: %q is %d characters, budget %d", code, tag, text, screenLength(text), lengthBudget(lang))
			case strings.TrimSpace(text) != text || strings.Contains(text, "  "):
				t.Errorf("%s %s: %q has stray spaces", code, tag, text)
			case strings.ContainsAny(text, "%{}<>$\\"), strings.Contains(strings.ToUpper(text), "TODO"),
				strings.Contains(text, "XXX"), strings.Contains(text, "_"):
				t.Errorf("%s %s: %q looks like a placeholder", code, tag, text)
			case strings.HasSuffix(text, ".") || strings.HasSuffix(text, "。"):
				t.Errorf("%s %s: %q ends with a full stop", code, tag, text)
			}
		}
		checkScripts(t, code, texts)
	}
}

// checkScripts catches texts left untranslated: each CJK or Thai text must
// be written in its script, and Indonesian must differ from English.
func checkScripts(t *testing.T, code string, texts messageTexts) {
	t.Helper()
	scripts := map[int][]*unicode.RangeTable{
		langZhCN: {unicode.Han},
		langZhHK: {unicode.Han},
		langJa:   {unicode.Hiragana, unicode.Katakana},
		langKo:   {unicode.Hangul},
		langTh:   {unicode.Thai},
	}
	for lang, tables := range scripts {
		if !hasScript(texts[lang], tables...) {
			t.Errorf("%s %s: %q is not in the language's script", code, langTags[lang], texts[lang])
		}
	}
	for _, lang := range []int{langZhCN, langZhHK, langJa, langKo, langTh} {
		if hasScript(texts[lang], unicode.Latin) {
			t.Errorf("%s %s: %q has Latin letters", code, langTags[lang], texts[lang])
		}
	}
	if strings.ContainsAny(texts[langZhHK], simplifiedOnly) {
		t.Errorf("%s zh-HK: %q has Simplified characters", code, texts[langZhHK])
	}
	if strings.ContainsAny(texts[langZhCN], traditionalOnly) {
		t.Errorf("%s zh-CN: %q has Traditional characters", code, texts[langZhCN])
	}
	if hasScript(texts[langKo], unicode.Han) {
		t.Errorf("%s ko: %q has Hanja", code, texts[langKo])
	}
	if texts[langID] == texts[langEn] {
		t.Errorf("%s id: %q is the English text", code, texts[langID])
	}
}

func TestAttackReasonsAreNeutral(t *testing.T) {
	for _, code := range attackCodes {
		if messageTable[code] != notLiveTexts {
			t.Errorf("%s: %q, want the shared neutral texts", code, messageTable[code])
		}
	}
	// The specific reasons must not read like an attack verdict either.
	for _, code := range Codes() {
		if strings.HasPrefix(code, "LIVENESS_") && !slices.Contains(attackCodes, code) &&
			messageTable[code] == notLiveTexts {
			t.Errorf("%s: neutral attack wording for a specific reason", code)
		}
	}
	if got := NewMessages("zh-CN", nil).Text("LIVENESS_PLANAR_MOTION"); got != "疑似非真人，请本人重试" {
		t.Errorf("zh-CN PLANAR_MOTION = %q", got)
	}
}

func TestLanguageSelection(t *testing.T) {
	cases := map[string]string{
		"zh": "zh-CN", "zh-CN": "zh-CN", "zh_cn": "zh-CN", "ZH-CN": "zh-CN", "zh-Hans": "zh-CN",
		"zh-Hans-CN": "zh-CN", "zh-Hans-HK": "zh-CN", "zh-SG": "zh-CN", "zh-Hans-SG": "zh-CN",
		"zh_CN.UTF-8": "zh-CN", "zh-cmn-Hans": "zh-CN",
		"zh-HK": "zh-HK", "zh_hk": "zh-HK", "zh-TW": "zh-HK", "zh-MO": "zh-HK", "zh-Hant": "zh-HK",
		"zh-Hant-TW": "zh-HK", "zh-Hant-CN": "zh-HK", "ZH_HANT_HK": "zh-HK", "zh_TW.UTF-8": "zh-HK",
		"zh-CN-u-hk-h12": "zh-CN",
		"en":             "en", "en-US": "en", "en_GB": "en", "EN": "en",
		"ja": "ja", "ja-JP": "ja", "ja_JP": "ja",
		"ko": "ko", "ko-KR": "ko", "KO_kr": "ko",
		"th": "th", "th-TH": "th", "th-TH-u-nu-thai": "th",
		"id": "id", "id-ID": "id", "in": "id", "in_ID": "id",
		"": "en", "fr-FR": "en", "de": "en", "C": "en", "POSIX": "en", "jav": "en", "kok": "en",
		"tha": "en", "zhx": "en", "-": "en", "yue-HK": "en",
	}
	for tag, want := range cases {
		if got := NewMessages(tag, nil).Language(); got != want {
			t.Errorf("NewMessages(%q).Language() = %q, want %q", tag, got, want)
		}
	}
	if got := NewMessages("ja-JP", nil).Text("FACE_TOO_DARK"); got != messageTable["FACE_TOO_DARK"][langJa] {
		t.Errorf("ja FACE_TOO_DARK = %q", got)
	}
}

func TestOverrides(t *testing.T) {
	overrides := map[string]string{
		"FACE_TOO_DARK": "Lights, please",
		PromptFailed:    "Nope",
		"APP_OWN_CODE":  "An app's own prompt",
		PromptHoldStill: "",
	}
	m := NewMessages("en-US", overrides)
	overrides["FACE_TOO_DARK"] = "changed after NewMessages"
	for code, want := range map[string]string{
		"FACE_TOO_DARK":       "Lights, please",
		PromptFailed:          "Nope",
		"APP_OWN_CODE":        "An app's own prompt",
		PromptHoldStill:       "Hold still and look at the screen", // an empty override is ignored
		"FACE_TOO_BRIGHT":     "Too bright — avoid direct light",
		"LIVENESS_NEW_REASON": "Nope", // unknown reasons show PromptFailed, overridden or not
	} {
		if got := m.Text(code); got != want {
			t.Errorf("Text(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestUnknownCodes(t *testing.T) {
	en := NewMessages("en", nil)
	for code, want := range map[string]string{
		"LIVENESS_NEW_REASON": messageTable[PromptFailed][langEn],
		"LIVENESS_":           messageTable[PromptFailed][langEn],
		"":                    messageTable[PromptFailed][langEn],
		"FACE_BIT20":          messageTable[PromptCenterFace][langEn],
		"FACE_TOO_SMALL":      messageTable[PromptCenterFace][langEn],
		"OCR_GLARE":           "OCR_GLARE",
		"face_too_dark":       "face_too_dark",
	} {
		if got := en.Text(code); got != want {
			t.Errorf("en Text(%q) = %q, want %q", code, got, want)
		}
	}
	// The fallback texts follow the chosen language.
	th := NewMessages("th-TH", nil)
	if got := th.Text("LIVENESS_NEW_REASON"); got != messageTable[PromptFailed][langTh] {
		t.Errorf("th unknown LIVENESS_ = %q", got)
	}
	if got := th.Text("FACE_BIT20"); got != messageTable[PromptCenterFace][langTh] {
		t.Errorf("th unknown FACE_ = %q", got)
	}
	for _, tag := range Languages() {
		m := NewMessages(tag, nil)
		for _, code := range append(Codes(), "", "X", "LIVENESS_X", "FACE_X") {
			if m.Text(code) == "" {
				t.Errorf("%s Text(%q) is empty", tag, code)
			}
		}
	}
}
