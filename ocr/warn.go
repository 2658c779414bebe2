package ocr

import (
	"cmp"
	"image"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/liveid/liveid/ocr/internal/geom"
)

// Warning is a set of capture-quality problems, one bit each, like the
// vendors' multi-warning string. Warnings never stop a reading. The bit
// positions are part of the API: they never change meaning and new
// warnings take new bits. Each bit has a stable code (codes.go).
type Warning uint16

const (
	WarnBorder    Warning = 1 << iota // part of the card is outside the image
	WarnPhotocopy                     // no colour: a black-and-white copy
	WarnScreen                        // photographed off a screen (pixel grid)
	WarnGlare                         // a blown-out reflection on the card
	WarnBlur                          // text edges too soft
	WarnOcclusion                     // something covers part of the card
	WarnWrongSide                     // not the side that was asked for
	WarnExpired                       // the validity period has ended
	WarnExpiring                      // the validity period ends within ExpiringWithin
	WarnTemporary                     // a temporary card (临时居民身份证)
)

// AllWarnings lists every warning, in bit order.
var AllWarnings = []Warning{WarnBorder, WarnPhotocopy, WarnScreen, WarnGlare, WarnBlur, WarnOcclusion, WarnWrongSide,
	WarnExpired, WarnExpiring, WarnTemporary}

// warningCodes are the bits' codes, in bit order.
var warningCodes = [...]string{
	CodeBorderIncomplete, CodePhotocopy, CodeScreen, CodeGlare, CodeBlur, CodeOcclusion, CodeWrongSide,
	CodeExpired, CodeExpiring, CodeTemporary,
}

// Codes lists the stable codes of the set bits in bit order; a bit this
// version does not know is "OCR_BIT<n>".
func (w Warning) Codes() []string {
	var out []string
	for w != 0 {
		i := bits.TrailingZeros16(uint16(w))
		w &^= 1 << i
		if i < len(warningCodes) {
			out = append(out, warningCodes[i])
		} else {
			out = append(out, "OCR_BIT"+strconv.Itoa(i))
		}
	}
	return out
}

// String lists the codes, "|"-separated in bit order; "OK" for none.
func (w Warning) String() string {
	if w == 0 {
		return "OK"
	}
	return strings.Join(w.Codes(), "|")
}

// Thresholds, set on the synthetic set (see ocr/eval). Pixels whose alpha
// is below 255 lie outside the photo (the rectifying warp leaves them
// transparent): no measurement counts them.
const (
	photocopyMaxChroma = 10.0 // spread of the opponent colours per brightness
	screenPeakRatio    = 20   // a grid's spectral peak over the band's mean
	screenMinAmp       = 0.8  // grey levels of that grid
	glareMinFraction   = 0.02 // share of the card blown out to white
	// Steepest edges ÷ contrast, the way they are least steep (see
	// sharpness). On the independent generator's tune split, under the
	// true outline, blurred captures measure 0.034–0.076 but for one at
	// 0.100, clean ones 0.072 and up (three of 140 under the bar); the
	// tuning generator's blurred ones 0.077 at most, its clean ones 0.19
	// and up.
	blurMaxSharpness = 0.08
	// Share of the card under a solid foreign blob. On the independent
	// generator's tuning split clean captures (shadows, held fingers, a
	// fit a little wide) reach 0.04 at the worst and fingers or objects
	// over the print start at 0.035; the tuning generator's finger
	// covers 0.05.
	occlusionMinShare = 0.03
)

// assess measures the capture problems on the rectified card; it also
// returns the card's sharpness.
func assess(card *image.RGBA, loc location, side, want Side, lines []line) (Warning, float64) {
	var w Warning
	if loc.clipped {
		w |= WarnBorder
	}
	if chromaSpread(card) < photocopyMaxChroma {
		w |= WarnPhotocopy
	}
	if amp, _ := screenScore(card); amp > screenMinAmp {
		w |= WarnScreen
	}
	if glareShare(card) > glareMinFraction {
		w |= WarnGlare
	}
	sharp, _ := sharpness(card)
	if sharp < blurMaxSharpness {
		w |= WarnBlur
	}
	if occludedShare(card, side, lines) > occlusionMinShare {
		w |= WarnOcclusion
	}
	if want != AnySide && side != want {
		w |= WarnWrongSide
	}
	return w, sharp
}

// chromaSpread is the standard deviation of the opponent colours (R−G and
// (R+G)/2−B) relative to brightness, over the card shrunk 4×: shrinking
// averages sensor noise away, and the ratio to brightness makes a colour
// cast from the light, which tints dark and light print alike, uniform.
// The ratio is scaled by 128 so that it reads in grey levels at mid-grey.
func chromaSpread(card *image.RGBA) float64 {
	// Below this luma the ratio is mostly sensor noise divided by a small
	// brightness: such pixels are left out.
	const minLuma = 40
	small := resize(card, CardW/4, CardH/4)
	var rg, yb []float64
	for i := 0; i < len(small.Pix); i += 4 {
		p := small.Pix[i:]
		l := luma(p)
		if p[3] < 255 || l < minLuma {
			continue
		}
		r, g, b := float64(p[0]), float64(p[1]), float64(p[2])
		rg = append(rg, 128*(r-g)/l)
		yb = append(yb, 128*((r+g)/2-b)/l)
	}
	return math.Hypot(stddev(rg), stddev(yb))
}

func stddev(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(v)))
}

// screenScore looks for a display's pixel grid in the flattest patches
// of the card (where no print hides it): their averaged power spectrum has
// a sharp peak at the grid's frequency, many times the band's mean, where
// sensor noise and the card's own print spread their power. The score is
// that peak's amplitude in grey levels (0 when there is no clear peak), so
// faint regular artefacts such as JPEG block edges do not count, with the
// grid's period in card pixels.
func screenScore(card *image.RGBA) (amp, period float64) {
	// n: a power of two for the FFT, and nine periods of the coarsest grid
	// counted (7 px), so that even that grid gives a sharp peak. keep: the
	// flattest patches of a half-overlapping lattice; eight average the
	// noise down and still lie in the card's plain areas.
	const n, keep = 64, 8
	l := lumaPlane(card)
	type patch struct {
		x, y int
		v    float64
	}
	var ps []patch
	for y := 0; y+n <= l.h; y += n / 2 {
		for x := 0; x+n <= l.w; x += n / 2 {
			if card.Pix[card.PixOffset(x, y)+3] == 255 && card.Pix[card.PixOffset(x+n-1, y+n-1)+3] == 255 {
				ps = append(ps, patch{x, y, patchVariance(l, x, y, n)})
			}
		}
	}
	slices.SortFunc(ps, func(a, b patch) int { return cmp.Compare(a.v, b.v) })
	if len(ps) > keep {
		ps = ps[:keep]
	}
	if len(ps) == 0 {
		return 0, 0
	}
	power := make([]float64, n*n)
	for _, p := range ps {
		for i, v := range patchSpectrum(l, p.x, p.y, n) {
			power[i] += v
		}
	}
	// Periods of 2 to 7 px: finer than the print's features, coarser than
	// the camera's JPEG blocks once rectified.
	peak, peakR, sum, count := 0.0, 0.0, 0.0, 0
	for v := range n {
		for u := range n {
			fu, fv := min(u, n-u), min(v, n-v)
			r := math.Hypot(float64(fu), float64(fv))
			if r < float64(n)/7 || r > float64(n)/2 {
				continue
			}
			if power[v*n+u] > peak {
				peak, peakR = power[v*n+u], r
			}
			sum += power[v*n+u]
			count++
		}
	}
	if sum == 0 || peak < screenPeakRatio*sum/float64(count) {
		return 0, 0
	}
	// A sinusoid of amplitude A under an n×n Hann window peaks at
	// (A/2 · n²/4)² in power.
	return 8 * math.Sqrt(peak/float64(len(ps))) / (n * n), n / peakR
}

func patchVariance(l *grayPlane, x0, y0, n int) float64 {
	var v []float64
	for y := y0; y < y0+n; y++ {
		v = append(v, l.v[y*l.w+x0:y*l.w+x0+n]...)
	}
	s := stddev(v)
	return s * s
}

// patchSpectrum is the power spectrum of an n×n patch (n a power of two)
// less its mean, under a Hann window.
func patchSpectrum(l *grayPlane, x0, y0, n int) []float64 {
	re, im := make([]float64, n*n), make([]float64, n*n)
	mean := 0.0
	for y := range n {
		for x := range n {
			mean += l.at(x0+x, y0+y)
		}
	}
	mean /= float64(n * n)
	for y := range n {
		wy := 0.5 - 0.5*math.Cos(2*math.Pi*float64(y)/float64(n))
		for x := range n {
			wx := 0.5 - 0.5*math.Cos(2*math.Pi*float64(x)/float64(n))
			re[y*n+x] = (l.at(x0+x, y0+y) - mean) * wx * wy
		}
	}
	rowRe, rowIm := make([]float64, n), make([]float64, n)
	for pass := range 2 { // the rows, then the columns
		for k := range n {
			for i := range n {
				idx := k*n + i
				if pass == 1 {
					idx = i*n + k
				}
				rowRe[i], rowIm[i] = re[idx], im[idx]
			}
			fft(rowRe, rowIm)
			for i := range n {
				idx := k*n + i
				if pass == 1 {
					idx = i*n + k
				}
				re[idx], im[idx] = rowRe[i], rowIm[i]
			}
		}
	}
	for i := range re {
		re[i] = re[i]*re[i] + im[i]*im[i]
	}
	return re
}

// fft is an in-place iterative radix-2 Cooley–Tukey transform.
func fft(re, im []float64) {
	n := len(re)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			re[i], re[j] = re[j], re[i]
			im[i], im[j] = im[j], im[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		ang := -2 * math.Pi / float64(size)
		for start := 0; start < n; start += size {
			for k := range size / 2 {
				wr, wi := math.Cos(ang*float64(k)), math.Sin(ang*float64(k))
				a, b := start+k, start+k+size/2
				tr := re[b]*wr - im[b]*wi
				ti := re[b]*wi + im[b]*wr
				re[b], im[b] = re[a]-tr, im[a]-ti
				re[a], im[a] = re[a]+tr, im[a]+ti
			}
		}
	}
}

// innerRect is the w×h card less the margin glare and occlusion leave
// out, 5 % of its width and 6 % of its height (4.3 and 3.2 mm): the
// margin carries no print, holding fingers cover it, and an outline found
// a little wide puts the scene in it.
func innerRect(w, h int) image.Rectangle {
	mx, my := int(0.05*float64(w)), int(0.06*float64(h))
	return image.Rect(mx, my, w-mx, h-my)
}

// glareShare is the share of the card's pixels, inside the margin, blown
// out to near white in every channel and well above the card's median.
func glareShare(card *image.RGBA) float64 {
	isBlown := blownTest(card)
	n, white := 0, 0
	inner := innerRect(card.Rect.Dx(), card.Rect.Dy())
	for y := inner.Min.Y; y < inner.Max.Y; y++ {
		for x := inner.Min.X; x < inner.Max.X; x++ {
			p := card.Pix[card.PixOffset(x, y):]
			if p[3] < 255 {
				continue
			}
			n++
			if isBlown(p) {
				white++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(white) / float64(n)
}

// blownTest tells the card's pixels blown out by glare: near white, not
// 255 (JPEG, noise and the rectifying warp's interpolation pull clipped
// highlights below it), and brighter than the card's own surface by a
// margin (a pale card exposed bright all over is not a reflection).
func blownTest(card *image.RGBA) func(p []uint8) bool {
	const blown, above = 242, 12
	bg := medianColour(resize(card, CardW/4, CardH/4))
	floor := max(0.299*bg[0]+0.587*bg[1]+0.114*bg[2]+above, blown)
	return func(p []uint8) bool { return min(p[0], p[1], p[2]) >= blown && luma(p) >= floor }
}

// glareBlock is the side of the blocks nearGlare marks, in card pixels:
// about the width over which a reflection fades from blown to the card.
const glareBlock = 24

// nearGlare marks the glareBlock-wide blocks of the card that hold a
// blown pixel, and their neighbours, as a glareBlock-wide grid.
func nearGlare(card *image.RGBA) (marks []bool, cols int) {
	isBlown := blownTest(card)
	w, h := card.Rect.Dx(), card.Rect.Dy()
	cols, rows := (w+glareBlock-1)/glareBlock, (h+glareBlock-1)/glareBlock
	core := make([]bool, cols*rows)
	for y := range h {
		for x := range w {
			if p := card.Pix[card.PixOffset(x, y):]; p[3] == 255 && isBlown(p) {
				core[(y/glareBlock)*cols+x/glareBlock] = true
			}
		}
	}
	marks = make([]bool, len(core))
	for i, c := range core {
		if !c {
			continue
		}
		bx, by := i%cols, i/cols
		for y := max(by-1, 0); y <= min(by+1, rows-1); y++ {
			for x := max(bx-1, 0); x <= min(bx+1, cols-1); x++ {
				marks[y*cols+x] = true
			}
		}
	}
	return marks, cols
}

// sharpness is the 99.5th percentile of the luma's derivative over the
// luma's 2–98 % range, in the direction where that is least of eight, or
// of the gradient's size where that is less (sizeToLeast):
// sharp print steps in one or two pixels whichever way one crosses it,
// and blur spreads it; a motion blur spreads it only along the motion,
// leaving the strokes across it as steep as on a still card, so the
// percentile of the gradient's size alone passed many a smeared card for
// a sharp one. The print's edges cover more than 0.5 % of a card, so the
// percentile falls on them; the range leaves a few specks out of the
// contrast, which is returned too. The range leaves glare out
// (nearGlare: its blown core and the halo where it fades): over more
// than 2 % of the card it would raise the range's top to white and pass a
// sharp card under glare for a soft one, unless it covers half the card.
// A card with less than one grey level of contrast has no edges to
// measure.
func sharpness(card *image.RGBA) (sharp, contrast float64) {
	l := boxBlur(lumaPlane(card), 3) // 3×3: tames sensor noise, a sharp step stays two pixels wide
	glare, cols := nearGlare(card)
	const dirs = 8 // 22.5° apart: a motion at most 11.25° off one of them
	var cos, sin [dirs]float64
	for i := range dirs {
		cos[i], sin[i] = math.Cos(math.Pi*float64(i)/dirs), math.Sin(math.Pi*float64(i)/dirs)
	}
	var grad [dirs]histogram
	var size, level, clear histogram
	for y := 1; y < l.h-1; y++ {
		for x := 1; x < l.w-1; x++ {
			// Central differences span two pixels.
			gx := (l.at(x+1, y) - l.at(x-1, y)) / 2
			gy := (l.at(x, y+1) - l.at(x, y-1)) / 2
			for i := range dirs {
				grad[i].add(math.Abs(gx*cos[i] + gy*sin[i]))
			}
			size.add(math.Hypot(gx, gy))
			level.add(l.at(x, y))
			if !glare[(y/glareBlock)*cols+x/glareBlock] {
				clear.add(l.at(x, y))
			}
		}
	}
	if clear.n >= level.n/2 { // a card mostly under glare keeps it all
		level = clear
	}
	contrast = level.quantile(0.98) - level.quantile(0.02)
	if contrast < 1 {
		return 0, contrast
	}
	least := size.quantile(0.995) * sizeToLeast
	for i := range dirs {
		least = min(least, grad[i].quantile(0.995))
	}
	return least / contrast, contrast
}

// sizeToLeast scales the gradient's size onto the least direction's
// measure: 0.08/0.13, the two measures' blur bars. A card blurred alike
// every way keeps its steepest direction's strokes at 0.7–0.8 of the
// gradient's size, and one blurred mildly (the tuning generator's
// captures, 0.080–0.097 the least way) passes the least direction's bar
// but not the size's.
const sizeToLeast = 0.08 / 0.13

// histogram counts values in 0..256 in quarter-unit bins, for quantiles
// without sorting.
type histogram struct {
	bins [1025]int
	n    int
}

func (h *histogram) add(v float64) {
	h.bins[min(max(int(v*4), 0), len(h.bins)-1)]++
	h.n++
}

func (h *histogram) quantile(q float64) float64 {
	want, seen := int(q*float64(h.n)), 0
	for i, c := range h.bins {
		if seen += c; seen > want {
			return float64(i) / 4
		}
	}
	return 256
}

// occludedShare is the share of the card covered by solid blobs far from
// the card's own colour. Detected text, the printed photo and the emblem
// are left out; other print is too thin to survive the opening. It works
// on the card at half size: a finger stays many pixels wide, the cost
// falls fourfold.
func occludedShare(card *image.RGBA, side Side, lines []line) float64 {
	const (
		// RGB distance (of 441) from the card's median colour beyond which
		// a pixel is foreign or print: clear of the card's own tint and of
		// light falling off across it.
		minDist = 70
		// The opening's radius in half-size pixels. It keeps regions at
		// least 2r+1 = 13 px (2.6 mm of the card) wide: the print left
		// outside the text boxes (strokes, the background pattern), which
		// a smaller radius lets through in specks, goes; a fingertip stays.
		r = 6
		// The photo's and emblem's rectangles grow by this many half-size
		// pixels so their soft edges (warp, JPEG) are left out too.
		margin = 4
	)
	small := resize(card, CardW/2, CardH/2)
	bg := medianColour(small)
	bgLuma := 0.299*bg[0] + 0.587*bg[1] + 0.114*bg[2]
	m := newMask(small.Rect.Dx(), small.Rect.Dy())
	skip := portraitRect
	if side == Back {
		skip = emblemRect
	}
	skip = image.Rect(skip.Min.X/2, skip.Min.Y/2, skip.Max.X/2, skip.Max.Y/2).Inset(-margin)
	text := boxMask(lines, m.w, m.h, 0.5)
	inner := innerRect(m.w, m.h)
	for y := range m.h {
		for x := range m.w {
			o := small.PixOffset(x, y)
			p := small.Pix[o:]
			// Reflections are brighter than the card, occluders are not.
			// The margin is left out: fingers holding the card lie there,
			// covering nothing, and so does a sliver of the scene when the
			// outline is a little wide.
			if p[3] < 255 || luma(p) > bgLuma || !(image.Point{x, y}).In(inner) || (image.Point{x, y}).In(skip) || text.v[y*m.w+x] {
				continue
			}
			m.v[y*m.w+x] = colourDist(rgb(p), bg) > minDist
		}
	}
	return float64(m.erode(r).dilate(r).count()) / float64(m.w*m.h)
}

// boxMask marks the pixels of a w×h image, scale times the card, whose
// centres lie in a text box.
func boxMask(lines []line, w, h int, scale float64) *mask {
	m := newMask(w, h)
	for _, l := range lines {
		var q [4]geom.Point
		for i, p := range l.box.quad {
			q[i] = p.Scale(scale)
		}
		x0, y0, x1, y1 := textBox{quad: q}.bounds()
		for y := max(int(y0), 0); y < min(int(math.Ceil(y1)), h); y++ {
			for x := max(int(x0), 0); x < min(int(math.Ceil(x1)), w); x++ {
				if inConvexQuad(q, geom.Pt(float64(x)+0.5, float64(y)+0.5)) {
					m.v[y*w+x] = true
				}
			}
		}
	}
	return m
}

// medianColour is the per-channel median of the opaque pixels.
func medianColour(m *image.RGBA) [3]float64 {
	var ch [3][]float64
	for i := 0; i < len(m.Pix); i += 4 {
		if m.Pix[i+3] < 255 {
			continue
		}
		for k := range 3 {
			ch[k] = append(ch[k], float64(m.Pix[i+k]))
		}
	}
	return [3]float64{median(ch[0]), median(ch[1]), median(ch[2])}
}

// clarity maps the sharpness measure to [0, 1]: 0 at blurMaxSharpness
// (where WarnBlur starts), 1 at claritySharp, a sharp capture's.
func clarity(s float64) float64 {
	const claritySharp = 0.2 // between the 75th and 90th percentiles of clean captures (0.18, 0.21)
	return min(max((s-blurMaxSharpness)/(claritySharp-blurMaxSharpness), 0), 1)
}

// temporary reports a temporary card: its title says 临时 (临时居民身份证),
// which the regular card never prints.
func temporary(lines []line) bool {
	for _, l := range lines {
		if strings.Contains(l.String(), "临时") {
			return true
		}
	}
	return false
}
