package ocr

import (
	"encoding/json"
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/liveid/liveid/models"
)

// DivisionsAsset is China's administrative divisions, province →
// prefecture → county, each with its GB/T 2260 code, as the manifest's
// package publishes them.
const DivisionsAsset = "divisions.json"

// places are the closed lists the card's place names come from: the
// front's address opens with a province, prefecture and county (a
// municipality's district), the back's issuer is a police bureau or its
// branch named after them. codes gives each address's county the six
// digits an ID number issued there opens with.
type places struct {
	addresses, issuers []string
	codes              map[string]string   // address → county code
	byCode             map[string][]string // county code → addresses
}

// division is a node of DivisionsAsset's tree.
type division struct {
	Code     string     `json:"code"`
	Name     string     `json:"name"`
	Children []division `json:"children"`
}

// Level names that stand in the list for a province's own districts and
// counties; they are not printed on cards.
var unprinted = map[string]bool{"市辖区": true, "县": true, "省直辖县级行政区划": true, "自治区直辖县级行政区划": true}

// readPlaces reads DivisionsAsset from the model directory dir.
func readPlaces(dir string) (*places, error) {
	b, err := models.ReadAsset(dir, DivisionsAsset)
	if err != nil {
		return nil, err
	}
	var tree []division
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, &models.MismatchError{Model: DivisionsAsset, Detail: fmt.Sprintf("not province → prefecture → counties: %v", err)}
	}
	p := buildPlaces(tree)
	if len(p.addresses) == 0 {
		return nil, &models.MismatchError{Model: DivisionsAsset, Detail: "no divisions"}
	}
	return p, nil
}

// buildPlaces spells every county as an address opens with it (province,
// prefecture, county: 广西壮族自治区南宁市青秀区; a municipality's
// district after the municipality: 北京市海淀区) and its police as an
// issuer: a district's (or a town's, where a prefecture has no counties)
// branch of the prefecture's bureau (杭州市公安局西湖分局), a county's or
// county-level city's own bureau (XX县公安局), and each prefecture's. A
// county's code is its first six digits: a town's (441900003, of 东莞市)
// goes on with its own.
func buildPlaces(tree []division) *places {
	p := places{codes: map[string]string{}, byCode: map[string][]string{}}
	for _, prov := range tree {
		for _, pref := range prov.Children {
			name, city := pref.Name, pref.Name
			if unprinted[name] {
				name, city = "", prov.Name
			}
			if name != "" || strings.HasSuffix(prov.Name, "市") {
				p.issuers = append(p.issuers, city+"公安局")
			}
			for _, c := range pref.Children {
				address := prov.Name + name + c.Name
				p.addresses = append(p.addresses, address)
				p.issuers = append(p.issuers, issuer(city, c.Name))
				if len(c.Code) >= 6 {
					p.codes[address] = c.Code[:6]
					p.byCode[c.Code[:6]] = append(p.byCode[c.Code[:6]], address)
				}
			}
		}
	}
	slices.Sort(p.addresses)
	slices.Sort(p.issuers)
	p.addresses = slices.Compact(p.addresses)
	p.issuers = slices.Compact(p.issuers)
	return &p
}

// issuer is the police that issues cards in county c of city: a county or
// county-level city has its own bureau, a district or town a branch of
// the city's, named without 区, 镇 or 街道 (城区 keeps its 区).
func issuer(city, c string) string {
	r := []rune(c)
	switch last := r[len(r)-1]; {
	case last == '县' || last == '旗' || last == '市':
		return c + "公安局"
	case strings.HasSuffix(c, "街道"):
		r = r[:len(r)-2]
	case (last == '区' || last == '镇') && len(r) > 2:
		r = r[:len(r)-1]
	}
	return city + "公安局" + string(r) + "分局"
}

// mendPlaces corrects the front's address (its division, its unit words)
// or the back's issuer where the recogniser misread them.
func (e *Engine) mendPlaces(card *image.RGBA, side Side, lines []line, fields map[string]Field) error {
	name, list := Address, e.places.addresses
	if side == Back {
		name, list = Issuer, e.places.issuers
	}
	f, ok := fields[name]
	if !ok {
		return nil
	}
	text := []rune(f.Text)
	k := labelLead(text, list)
	if side == Front {
		k = divisionLead(text, list)
	}
	if k > 0 {
		text = text[k:]
		fields[name] = Field{Text: string(text), Conf: f.Conf}
	}
	end := 0
	entry, n, ok := lostPlace(text, list, side == Back)
	if !ok && side == Front {
		entry, n, ok = e.places.numbersCounty(text, fields[Number].Text)
	}
	if ok {
		text = append([]rune(entry), text[n:]...)
		fields[name] = Field{Text: string(text), Conf: f.Conf * guessConf}
		end = len([]rune(entry))
	}
	var sites [][]edit
	if site := placeSite(text, list, side == Back); site != nil {
		sites = append(sites, site)
		for _, ed := range site {
			end = max(end, ed.to)
		}
	}
	if side == Front {
		sites = append(sites, unitSites(text, end)...)
		sites = append(sites, numberSites(text, end)...)
		sites = append(sites, streetSites(text, end)...)
		street := max(end, len([]rune(entryOpening(list, string(text)))))
		sites = append(sites, stemSites(text, street)...)
		slices.SortFunc(sites, func(a, b []edit) int { return a[0].from - b[0].from })
	}
	if len(sites) > 0 {
		if err := e.mendField(card, lines, fields, name, sites, maxShortfall, true); err != nil {
			return err
		}
	}
	if side == Front {
		return e.mendByCounty(card, lines, fields)
	}
	return nil
}

// mendByCounty reads an address whose division is still misread after
// mendPlaces (四川省或都市武装区 for 四川省成都市武侯区) as the county
// that a valid number names by its first six digits, when that county is
// within a third of its characters of the address's start (countyBound;
// a place's own mend goes to a quarter, placeBound): the number and the
// print then agree on it, so it is taken up to twice maxShortfall short,
// as decisive takes an entry that stands out of its site. A holder who
// moved has a number of another county, far from what the address reads.
func (e *Engine) mendByCounty(card *image.RGBA, lines []line, fields map[string]Field) error {
	text := []rune(fields[Address].Text)
	entry, ok := e.places.unmatchedCounty(text, fields[Number].Text)
	if !ok || len(text) == 0 {
		return nil
	}
	r := []rune(entry)
	if d, k := prefixDistance(r, text); d > 0 && d <= countyBound(r) {
		return e.mendField(card, lines, fields, Address, [][]edit{{{from: 0, to: k, text: entry}}}, 2*maxShortfall, false)
	}
	return nil
}

// labelLead is how many characters open text before an entry of the
// sorted list that ends it, read whole or, none so, the nearest within an
// issuer's mend (a character or two off: entryDistance), when they are a
// misread label's remains (a character of 签发机关, or punctuation:
// 警机美：武汉市公安局武昌分局, 普东机员/郑州市公安局象水分局) and at most
// maxLabelLead; 0 when text is an entry, is nearer one than what follows
// any lead, or has no such lead.
// An issuer reads whole after its label; a lead of other characters may
// be part of a name the list does not know.
func labelLead(text []rune, list []string) int {
	if _, ok := slices.BinarySearch(list, string(text)); ok {
		return 0
	}
	best, bestD := 0, entryDistance(text, list)
	for k := 1; k <= min(maxLabelLead, len(text)-1); k++ {
		if _, ok := slices.BinarySearch(list, string(text[k:])); ok {
			best, bestD = k, 0
			break
		}
		if d := entryDistance(text[k:], list); d < bestD {
			best, bestD = k, d
		}
	}
	if best == 0 || bestD > placeBound(text[best:]) {
		return 0
	}
	if slices.ContainsFunc(text[:best], func(r rune) bool { return strings.ContainsRune("签发机关", r) || !unicode.Is(unicode.Han, r) }) {
		return best
	}
	return 0
}

// entryDistance is the least edit distance between text and an entry of
// list, among those within a quarter of its length of text's.
func entryDistance(text []rune, list []string) int {
	d := math.MaxInt
	for _, entry := range list {
		if e, ok := wholeDistance([]rune(entry), text); ok {
			d = min(d, e)
		}
	}
	return d
}

// wholeDistance is the edit distance between entry and the whole text;
// ok is false when their lengths alone lie further apart than a place
// name's mend allows (placeBound).
func wholeDistance(entry, text []rune) (int, bool) {
	if b := placeBound(entry); len(text) > len(entry)+b || len(entry) > len(text)+b {
		return 0, false
	}
	return editRow(entry, text)[len(text)], true
}

// placeBound is how many characters of a place name a mend may change: a
// quarter of them, one at the least.
func placeBound(entry []rune) int { return max(1, len(entry)/4) }

// countyBound is how many characters an address's start may be off the
// county its number names for mendByCounty to read it so: a third of the
// county's, more than placeBound, as the number is a second witness (盛自治区
// 投萨市城关区 is three off 西藏自治区拉萨市城关区; 西藏 read as one).
func countyBound(entry []rune) int { return max(1, len(entry)/3) }

// divisionLead is how many characters, at most maxDivisionLead, open an
// address before a division of the sorted list: an address opens with its
// province, so what stands before one read whole is a speck or the
// label's remains (盗福建省厦门市思明区…); 0 when the address opens with a
// division or none follows so close.
func divisionLead(text []rune, list []string) int {
	opens := func(k int) bool { return entryOpening(list, string(text[k:])) != "" }
	if len(text) == 0 || opens(0) {
		return 0
	}
	for k := 1; k <= min(maxDivisionLead, len(text)-1); k++ {
		if opens(k) {
			return k
		}
	}
	return fuzzyLead(text, list)
}

// entryOpening is the entry of the sorted list that text opens with, or "":
// the entry sorts just before text, or is it.
func entryOpening(list []string, text string) string {
	i, _ := slices.BinarySearch(list, text)
	switch {
	case i < len(list) && list[i] == text:
		return text
	case i > 0 && strings.HasPrefix(text, list[i-1]):
		return list[i-1]
	}
	return ""
}

// fuzzyLead is divisionLead for a division misread too (健社广西社族… for
// 广西壮族…): the lead, of the length after which the rest lies nearest an
// entry, within a division's mend (placeBound), whose characters are extra
// ones before that entry rather than its own misread (with them the
// distance is the distance without them plus their count) and after which
// the entry's first character is read; 0 when there is none.
func fuzzyLead(text []rune, list []string) int {
	lead, nearest := 0, math.MaxInt
	for k := 1; k <= min(maxDivisionLead, len(text)-1); k++ {
		d, at := math.MaxInt, 0
		for i, entry := range list {
			if dk, _ := prefixDistance([]rune(entry), text[k:]); dk < d {
				d, at = dk, i
			}
		}
		entry := []rune(list[at])
		if d0, _ := prefixDistance(entry, text); d < nearest && d <= placeBound(entry) && d0 == d+k && text[k] == entry[0] {
			lead, nearest = k, d
		}
	}
	return lead
}

// lostPlace completes a place name that lost characters to glare or a
// finger: the address's division (省沈阳市和平区… for 辽宁省沈阳市和平区,
// 新疆维吾尔自治|x木齐市… for …自治区乌鲁木齐市…) or, whole, the issuer
// (安局徐汇分局 for 上海市公安局徐汇分局). The place is the one entry of the
// sorted list that text opens with, or is, but for a span of it read as
// fewer characters or none, of the most characters kept, at least
// minLostKept, its last two among them (where the name ends). A span read
// as as many characters as it has is a misreading, not a loss, and is
// left to the CTC mend (placeSite), which can tell a misread name from an
// older one the list no longer has. n is how many of text's characters
// the entry stands for; ok is false when text opens with an entry whole
// (is one, whole), or none or several fit.
func lostPlace(text []rune, list []string, whole bool) (entry string, n int, ok bool) {
	best, bestN, kept, several := "", 0, 0, false
	for _, e := range list {
		r := []rune(e)
		if a := commonPrefix(r, text); a == len(r) && (!whole || a == len(text)) {
			return "", 0, false
		}
		switch got, n := lostSpan(r, text, 2, whole); {
		case got == 0:
		case got > kept:
			best, bestN, kept, several = e, n, got, false
		case got == kept:
			several = true // the list's entries are distinct
		}
	}
	if several || kept < minLostKept || !nearestMisread(text, list, whole, best) {
		return "", 0, false
	}
	return best, bestN, true
}

// lostSpan is how many of entry's characters text keeps when it opens
// with entry but for a span of it read as fewer characters or none (at
// most maxDivisionLead), the entry's last tail characters at least among
// those kept (where the name ends), the span as early as it may lie; n
// is how many of text's characters the entry then stands for, all of
// them when whole. kept is 0 when no span fits.
func lostSpan(entry, text []rune, tail int, whole bool) (kept, n int) {
	a := commonPrefix(entry, text)
	for b := a + 1; b <= len(entry)-tail; b++ { // entry[a:b] lost, read as k characters
		rest := entry[b:]
		for k := 0; k < b-a && k <= maxDivisionLead && a+k <= len(text); k++ {
			if hasPrefix(text[a+k:], rest) && (!whole || a+k+len(rest) == len(text)) {
				return a + len(rest), a + k + len(rest)
			}
		}
	}
	return 0, 0
}

// numbersCounty completes an address whose division lost characters to
// glare or a finger from the county the number names, when its check
// digit holds: 淀区人民路… for 北京市海淀区人民路… (a number of 110108),
// 湖北省武汉区… for 湖北省武汉市武昌区… (420106), where the losses leave
// lostPlace too little, or several entries alike. The division must
// keep its last character, where it ends, and two at least; an address
// opening with an entry whole, or with one a character or two misread
// (西藏白治区…: placeSite mends it, and its 区 is no county's end), is
// left alone, and so is one whose kept
// characters are not the number's county's (a holder who moved keeps the
// number of the county that first registered them). n is how many of
// text's characters the entry stands for.
func (p *places) numbersCounty(text []rune, num string) (entry string, n int, ok bool) {
	entry, ok = p.unmatchedCounty(text, num)
	if !ok {
		return "", 0, false
	}
	r := []rune(entry)
	if d, _ := prefixDistance(r, text); d <= placeBound(r) {
		return "", 0, false // misread rather than lost: placeSite's
	}
	if kept, n := lostSpan(r, text, 1, false); kept >= 2 {
		return entry, n, true
	}
	return "", 0, false
}

// unmatchedCounty is the one division of the county a number whose check
// digit holds names by its first six digits, for an address that opens
// with no division whole; ok is false otherwise.
func (p *places) unmatchedCounty(text []rune, num string) (string, bool) {
	if _, valid := validNumberDate(num); !valid || entryOpening(p.addresses, string(text)) != "" {
		return "", false
	}
	es := p.byCode[num[:6]]
	if len(es) != 1 {
		return "", false
	}
	return es[0], true
}

// nearestMisread reports whether entry is among the entries of list that
// text lies nearest, at its start or whole, of those within a place
// name's mend (placeBound), or none lies so near: a division misread
// (吉林省长春市斋关区 for …南关区) is no other one's lost characters
// (吉林省延边朝鲜族自治州珲春市, its 春市 kept).
func nearestMisread(text []rune, list []string, whole bool, entry string) bool {
	near, at := math.MaxInt, false
	for _, e := range list {
		r := []rune(e)
		d, ok := 0, true
		if whole {
			d, ok = wholeDistance(r, text)
		} else {
			d, _ = prefixDistance(r, text)
		}
		if !ok || d > placeBound(r) || d > near {
			continue
		}
		if d < near {
			near, at = d, false
		}
		at = at || e == entry
	}
	return near == math.MaxInt || at
}

// minLostKept is the fewest characters of a place lostPlace must see: a
// county and the 市 or 省 before it (市武侯区).
const minLostKept = 4

// commonPrefix is how many characters a and b open with alike.
func commonPrefix(a, b []rune) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// hasPrefix reports whether s opens with p.
func hasPrefix(s, p []rune) bool { return len(s) >= len(p) && slices.Equal(s[:len(p)], p) }

// maxDivisionLead is the most characters divisionLead cuts: a label's
// two.
const maxDivisionLead = 2

// maxLabelLead is the most characters a misread label leaves before a
// value: its four and a colon.
const maxLabelLead = 5

// placeSite is the site (mendField) of a field that names a place from
// list at its start (the address's division) or is one (whole: the
// issuer), for when the recogniser misread a character or two of it (社族
// for 壮族, 拉篮 for 拉萨, 乌售木齐, 商关 for 南关): every entry of the list
// within a quarter of its characters of the field's start, or of the
// whole field. An issuer is matched whole because the prefecture's own
// bureau (长春市公安局) opens every branch's name (长春市公安局南关分局): a
// branch misread would otherwise pass for the bureau and a tail the list
// does not know. An entry that the photo does not show — a name the list
// does not know, a character hidden — falls too far short to be taken. A
// field that already opens with an entry, or is one, has none. An
// issuer's nearness leaves out the 局 words every entry prints
// (bureauWords).
func placeSite(text []rune, list []string, whole bool) []edit {
	var site []edit
	near := text
	if whole {
		near = bureauWords(text)
	}
	for _, entry := range list {
		r := []rune(entry)
		var d, k int
		if whole {
			var ok bool
			if d, ok = wholeDistance(r, near); !ok {
				continue
			}
			k = len(text)
		} else {
			d, k = prefixDistance(r, text)
		}
		if d == 0 {
			return nil
		}
		if d <= placeBound(r) {
			site = append(site, edit{from: 0, to: k, text: entry})
		}
	}
	return site
}

// bureauWords is an issuer's reading with the 局 that every issuer prints
// after 公安 and after its closing 分 put back where another character was
// read there (厦门市公安商思限分商): the same in every entry, it tells
// none from another, so that placeSite measures how near the reading is
// to each by the characters that do.
func bureauWords(text []rune) []rune {
	out := slices.Clone(text)
	for k := 2; k < len(out); k++ {
		if out[k-2] == '公' && out[k-1] == '安' {
			out[k] = '局'
			break
		}
	}
	if n := len(out); n >= 2 && out[n-2] == '分' {
		out[n-1] = '局'
	}
	return out
}

// edit puts text in place of a field's characters from to to. prior is
// its log prior against the other edits of its site: 0 for all of a
// site's edits but a name's surname (surnameEdits).
type edit struct {
	from, to int
	text     string
	prior    float64
}

// mendField reads a field's lines again with their class probabilities
// and, at each site (a span of the field and the edits competing for it,
// sites taken right to left so that the places of those left of them
// hold), takes the edit CTC finds likeliest when it falls at most bound
// nats (maxShortfall for an open field) further short of the greedy
// reading than the field does already, or, for a field whose text must be
// one of the site's edits (closed: a place), at most twice as far when
// the site's edits are several and it stands out of them (decisive). The
// field's confidence is at most each taken edit's share of its site's
// likelihood, scaled as guessed (guessConf) when the greedy reading had
// to be overruled.
func (e *Engine) mendField(card *image.RGBA, lines []line, fields map[string]Field, name string, sites [][]edit, bound float64, closed bool) error {
	f := fields[name]
	text := []rune(f.Text)
	n := 0
	for _, site := range sites {
		for _, ed := range site {
			n = max(n, ed.to)
		}
	}
	chosen, lead, ok := fieldLines(lines, text, n)
	if !ok {
		return nil
	}
	joined, s, ok, err := e.rereadLines(card, chosen)
	if !ok || err != nil {
		return err
	}
	conf := f.Conf
	for _, site := range slices.Backward(sites) {
		targets, prior := make([]string, len(site)), make([]float64, len(site))
		for i, ed := range site {
			a, b := skipChars(joined, len(lead), ed.from), skipChars(joined, len(lead), ed.to)
			targets[i], prior[i] = string(joined[:a])+ed.text+string(joined[b:]), ed.prior
		}
		r, own, ok := e.pick(s, joined, targets, prior, bound)
		if !ok && closed {
			r, own, ok = e.decisive(s, joined, targets, bound)
		}
		if !ok {
			continue
		}
		conf = min(conf, r.conf(own))
		i := slices.Index(targets, r.text)
		joined = []rune(r.text)
		text = slices.Concat(text[:site[i].from], []rune(site[i].text), text[site[i].to:])
	}
	fields[name] = Field{Text: string(text), Conf: conf}
	return nil
}

// rereadLines reads lines again with their class probabilities: their
// text joined and their scores one after the other. ok is false when they
// read otherwise alone than among the card's lines (the batch's width
// changed the reading): the field is then not this reading's.
func (e *Engine) rereadLines(card *image.RGBA, lines []line) (joined []rune, s scores, ok bool, err error) {
	boxes := make([]textBox, len(lines))
	for i, l := range lines {
		boxes[i] = l.box
		joined = append(joined, l.text...)
	}
	got, sc, err := e.recogniseScored(card, boxes, true)
	if err != nil {
		return nil, scores{}, false, err
	}
	var reread []rune
	for _, l := range got {
		reread = append(reread, l.text...)
	}
	if string(reread) != string(joined) {
		return nil, scores{}, false, nil
	}
	return joined, joinScores(sc), true, nil
}

// pick is which of targets, each the lines read as joined with an edit,
// CTC finds likeliest on their scores s, with own, joined's shortfall; ok
// is false when it falls more than bound nats further short of the greedy
// reading than joined does. With log priors (nil for none), it is the
// likeliest by print and prior (readWeighed) of the targets within that
// bound, each with its prior's gain over joined's counted to it: joined
// read as one of targets has that target's prior, read as none the bound
// alone says how far short of it an edit may fall.
func (e *Engine) pick(s scores, joined []rune, targets []string, prior []float64, bound float64) (r closedReading, own float64, ok bool) {
	cur, _ := e.readAmong(s, []string{string(joined)})
	if prior != nil {
		prior = e.withinBound(s, cur.shortfall, joined, targets, prior, bound)
	}
	r, ok = e.readWeighed(s, targets, prior)
	if !ok || prior == nil && r.shortfall-cur.shortfall > bound {
		return closedReading{}, 0, false
	}
	return r, cur.shortfall, true
}

// withinBound is prior with the targets pick's bound rules out made
// impossible.
func (e *Engine) withinBound(s scores, own float64, joined []rune, targets []string, prior []float64, bound float64) []float64 {
	i := slices.Index(targets, string(joined))
	out := make([]float64, len(prior))
	for k, t := range targets {
		gain := 0.0
		if i >= 0 {
			gain = prior[k] - prior[i]
		}
		r, ok := e.readAmong(s, []string{t})
		out[k] = prior[k]
		if !ok || r.shortfall-own > bound+gain {
			out[k] = math.Inf(-1)
		}
	}
	return out
}

// decisive is pick for a closed field's site whose likeliest edit falls
// further short than bound but at most twice as far, taken when the site
// holds other edits and it stands out of them, every other at least bound
// nats less likely: a county's two characters blurred into others
// (服络 for 雁塔) leave the greedy reading far likelier than any county's,
// yet the printed one far likelier than the city's other counties. A site
// of one edit has nothing for its reading to stand out of.
func (e *Engine) decisive(s scores, joined []rune, targets []string, bound float64) (r closedReading, own float64, ok bool) {
	if len(targets) < 2 {
		return closedReading{}, 0, false
	}
	r, own, ok = e.pick(s, joined, targets, nil, 2*bound)
	if !ok {
		return closedReading{}, 0, false
	}
	next, ok := e.readAmong(s, slices.DeleteFunc(slices.Clone(targets), func(t string) bool { return t == r.text }))
	if !ok || next.shortfall-r.shortfall < bound {
		return closedReading{}, 0, false
	}
	return r, own, true
}

// unitWords are what numbers an address's parts: 村3组, 2栋4单元701室.
var unitWords = []string{"号", "组", "栋", "幢", "单元", "室", "楼", "层", "座", "巷", "弄", "队", "排", "户", "社"}

// unitSites are the sites (mendField) of an address's unit words that the
// recogniser misread (纽 or 经 for 组, 宝 for 室): each span of one or two
// characters between two numbers, or after the last one at the address's
// end (where its 号 or 室 stands), that is not made of unit words, from
// character from on, which they compete for.
func unitSites(text []rune, from int) [][]edit {
	var sites [][]edit
	for i := max(from, 1); i < len(text); i++ {
		if !isDigit(text[i-1]) || isDigit(text[i]) {
			continue
		}
		j := i
		for j < len(text) && !isDigit(text[j]) {
			j++
		}
		if j-i <= 2 && !unitsOnly(string(text[i:j])) {
			site := make([]edit, len(unitWords))
			for k, u := range unitWords {
				site[k] = edit{from: i, to: j, text: u}
			}
			sites = append(sites, site)
		}
		i = j
	}
	return sites
}

// numberedUnits are the unit words that a number always comes before.
var numberedUnits = []string{"号", "组", "栋", "幢", "单元", "室", "楼", "层"}

// numberSites are the sites (mendField) of an address's numbers that the
// recogniser read as another character: each single character, from
// character from on, that is neither a digit nor a unit word, stands
// before a unit word that a number always comes before, and comes after a
// character that is no digit. Digits print half as wide as Han
// characters, so a Han character there stands for two digits read as one
// (口 for 11 in 村11组), and its edits are the numbers 10 to 99; CTC alone
// would take one digit, which leaves fewer steps unexplained. Any other
// character (a letter, a sign) stands for one digit, 0 to 9.
func numberSites(text []rune, from int) [][]edit {
	var sites [][]edit
	for j := max(from, 1); j < len(text); j++ {
		c := text[j-1]
		if isDigit(c) || unitsOnly(string(c)) || j >= 2 && isDigit(text[j-2]) ||
			!slices.ContainsFunc(numberedUnits, func(u string) bool { return strings.HasPrefix(string(text[j:]), u) }) {
			continue
		}
		lo, hi := 0, 9
		if unicode.Is(unicode.Han, c) {
			lo, hi = 10, 99
		}
		var site []edit
		for n := lo; n <= hi; n++ {
			site = append(site, edit{from: j - 1, to: j, text: strconv.Itoa(n)})
		}
		sites = append(sites, site)
	}
	return sites
}

// streetEnds are the characters a street's or village's name ends with
// before its number (解放路 258号, 李庄村 6组).
const streetEnds = "路街道巷弄里村"

// placeEnds are other characters that end what stands before an address's
// first number: an estate, a quarter, a building's name (花园 5栋, 小区,
// 新城).
const placeEnds = "区园苑城庄屯坊院场湾寨镇乡厦楼同"

// streetSites is the site (mendField) of the character before an address's
// first number, from character from on, when the recogniser read it as
// one that ends no street or place (工业大通 145号 for 工业大道): its edits
// are streetEnds.
func streetSites(text []rune, from int) [][]edit {
	j := slices.IndexFunc(text[min(from, len(text)):], isDigit) + from
	if j < from+1 {
		return nil
	}
	c := text[j-1]
	if !unicode.Is(unicode.Han, c) || strings.ContainsRune(streetEnds+placeEnds, c) || unitsOnly(string(c)) {
		return nil
	}
	var site []edit
	for _, r := range streetEnds {
		site = append(site, edit{from: j - 1, to: j, text: string(r)})
	}
	return [][]edit{site}
}

// streetStems are the names China's streets most often bear: a handful of
// them (人民路, 中山路, 解放路) name a street in nearly every city.
var streetStems = strings.Fields(`中山 人民 解放 建设 和平 新华 胜利 文化 光明 青年 东风 长江 黄河 朝阳
	建国 幸福 工业 学院 滨江 花园 长安 北京 南京 上海 友谊 团结 民主 民生 五一 八一 健康 育才 公园 环城
	迎宾 站前 车站 府前 复兴 中华 新建 红旗 东方 振兴 向阳 前进 新民 世纪 开发 滨河`)

// streetSuffixes are what ends a street's name after its stem, the
// longer before those they end with.
var streetSuffixes = []string{"大街", "大道", "北路", "南路", "东路", "西路", "中路", "路", "街", "道", "巷"}

// stemSites is the site (mendField) of the stem of an address's street,
// from character from on up to its suffix before the first number, when
// the recogniser read it one character off one of streetStems (中曲路 for
// 中山路, 花国街 for 花园街): its edits are the stems of its length one
// character off it. A stem read as one, or two characters off every one,
// is left as read: most streets bear other names.
func stemSites(text []rune, from int) [][]edit {
	j := slices.IndexFunc(text[min(from, len(text)):], isDigit)
	if j < 0 {
		return nil
	}
	street := string(text[from : from+j])
	for _, suffix := range streetSuffixes {
		stem, ok := strings.CutSuffix(street, suffix)
		if !ok || stem == "" {
			continue
		}
		if slices.Contains(streetStems, stem) {
			return nil
		}
		var site []edit
		for _, s := range streetStems {
			if r := []rune(stem); len([]rune(s)) == len(r) && editRow([]rune(s), r)[len(r)] == 1 {
				site = append(site, edit{from: from, to: from + len([]rune(stem)), text: s})
			}
		}
		if site == nil {
			return nil
		}
		return [][]edit{site}
	}
	return nil
}

// unitsOnly reports whether s is unit words one after another (号楼).
func unitsOnly(s string) bool {
	if s == "" {
		return true
	}
	for _, u := range unitWords {
		if rest, ok := strings.CutPrefix(s, u); ok && unitsOnly(rest) {
			return true
		}
	}
	return false
}

// prefixDistance is the edit distance between p and the start of text
// that is nearest to it, and that start's length.
func prefixDistance(p, text []rune) (d, k int) {
	d, k = math.MaxInt, 0
	for j, v := range editRow(p, text[:min(len(text), len(p)+3)]) {
		if v < d {
			d, k = v, j
		}
	}
	return d, k
}

// editRow is the edit distance between p and each start of text, by
// length: its last entry is the distance to the whole text.
func editRow(p, text []rune) []int {
	prev := make([]int, len(text)+1)
	cur := make([]int, len(text)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(p); i++ {
		cur[0] = i
		for j := 1; j <= len(text); j++ {
			sub := prev[j-1]
			if p[i-1] != text[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev
}

// fieldLines finds the lines that a field's first n characters were read
// from, in order: the first ends with the field's start (after lead, a
// label or stray characters), or holds the whole field; each next one
// continues it. Spaces in the lines are not the field's.
func fieldLines(lines []line, text []rune, n int) (chosen []line, lead []rune, ok bool) {
	used := make([]bool, len(lines))
	done, first := 0, true
	for done < n && done < len(text) {
		at, best := -1, 0
		for i, l := range lines {
			if used[i] {
				continue
			}
			if m, i0 := continues(l.text, text[done:], first); m > best {
				at, best = i, m
				if first {
					lead = l.text[:i0]
				}
			}
		}
		if at < 0 {
			return nil, nil, false
		}
		used[at] = true
		chosen = append(chosen, lines[at])
		done += best
		first = false
	}
	return chosen, lead, len(chosen) > 0
}

// continues is how many characters of rest line s reads, spaces aside,
// and where they start in s: from its start (after anywhere, for a first
// line) to its end, or all of rest; two at least, as one character is
// found anywhere.
func continues(s, rest []rune, anywhere bool) (m, at int) {
	for i := range s {
		if unicode.IsSpace(s[i]) {
			continue
		}
		j, k := i, 0
		for j < len(s) && k < len(rest) {
			if unicode.IsSpace(s[j]) {
				j++
				continue
			}
			if s[j] != rest[k] {
				break
			}
			j, k = j+1, k+1
		}
		for j < len(s) && unicode.IsSpace(s[j]) {
			j++
		}
		if (j == len(s) || k == len(rest)) && k > m && (k >= 2 || k == len(rest)) {
			m, at = k, i
		}
		if !anywhere {
			break
		}
	}
	return m, at
}

// skipChars is the index in s after k characters other than spaces from
// index from.
func skipChars(s []rune, from, k int) int {
	i := from
	for ; i < len(s) && k > 0; i++ {
		if !unicode.IsSpace(s[i]) {
			k--
		}
	}
	return i
}
