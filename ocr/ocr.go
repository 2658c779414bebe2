package ocr

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/ocr/internal/geom"
)

// CardW and CardH are the size of the rectified card.
const CardW, CardH = 856, 540

// Point is a position in image pixels.
type Point = geom.Point

// Side is a side of the card.
type Side int

const (
	AnySide Side = iota // as a wish: either side will do
	Front               // portrait, name, number (人像面)
	Back                // emblem, issuer, validity (国徽面)
)

func (s Side) String() string {
	switch s {
	case Front:
		return "front"
	case Back:
		return "back"
	}
	return "any"
}

// Field names, the keys of Card.Fields.
const (
	Name      = "name"      // 姓名
	Sex       = "sex"       // 性别: 男 or 女
	Ethnicity = "ethnicity" // 民族, without the 族 suffix, as printed
	Birth     = "birth"     // 出生, as YYYY-MM-DD
	Address   = "address"   // 住址, its lines joined
	Number    = "number"    // 公民身份号码, 18 characters
	Issuer    = "issuer"    // 签发机关
	Validity  = "validity"  // 有效期限, as YYYY.MM.DD-YYYY.MM.DD or YYYY.MM.DD-长期
)

// FrontFields and BackFields list each side's fields in reading order.
var (
	FrontFields = []string{Name, Sex, Ethnicity, Birth, Address, Number}
	BackFields  = []string{Issuer, Validity}
)

// Field is one field's text and a confidence in [0, 1]: the mean of the
// recogniser's probabilities for the characters it was read from, lowered
// when the field fails validation.
type Field struct {
	Text string
	Conf float64
}

// TextLine is one recognised line on the rectified card.
type TextLine struct {
	Text string
	Conf float64
	Quad [4]Point // in the rectified card
}

// Card is what Read found.
type Card struct {
	Side   Side
	Fields map[string]Field // the side's fields; missing when not found
	// Problems lists validation failures ("number: check digit ..."); a
	// field named here also has a lowered confidence.
	Problems []string
	Warnings Warning
	// Clarity is how sharp and clean the capture is, from 0 (text edges
	// smeared, the warning's blur) to 1 (crisp print): the edge
	// steepness that WarnBlur thresholds, mapped linearly between a
	// blurred and a sharp capture's.
	Clarity float64
	// Corners are the card's corners in the input image, clockwise from
	// the card's own top-left (they may lie outside the image).
	Corners  [4]Point
	Image    *image.RGBA // the rectified, upright card
	Portrait *image.RGBA // the front's photo, nil on the back
	Lines    []TextLine
}

// The manifest models and assets this package reads from the model
// directory (and DivisionsAsset).
const (
	DetModel  = "ppocr_det"
	RecModel  = "ppocr_rec"
	ClsModel  = "ppocr_cls"
	KeysAsset = "ppocr_keys_v1.txt"
)

// Engine holds the loaded models.
type Engine struct {
	det    *models.DynamicSession // on the rectified card, and on whole photos to locate the card by its text
	rec    *models.DynamicSession
	cls    *models.Session
	keys   []rune
	class  map[rune]int // keys[i] is class i+1
	places *places
}

// Open loads the models and the character list from the model directory
// dir, without warm-up runs (models.Options.NoWarmUp: a card is read once
// or twice a session). The runtime must have been started
// (models.InitRuntime).
func Open(dir string, o models.Options) (*Engine, error) {
	o.NoWarmUp = true
	keys, err := ReadKeys(dir)
	if err != nil {
		return nil, err
	}
	places, err := readPlaces(dir)
	if err != nil {
		return nil, err
	}
	e := &Engine{keys: keys, class: make(map[rune]int, len(keys)), places: places}
	for i, r := range keys {
		e.class[r] = i + 1
	}
	if e.det, err = models.OpenDynamic(dir, DetModel, o, detShape(detW, detH)); err != nil {
		return nil, err
	}
	if e.rec, err = models.OpenDynamic(dir, RecModel, o, []int64{1, 3, recH, 160}); err != nil {
		e.Close()
		return nil, err
	}
	if e.cls, err = models.Open(dir, ClsModel, o, map[string][]int64{"x": {6, 3, recH, clsW}}); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Close releases the sessions.
func (e *Engine) Close() error {
	for _, s := range []*models.DynamicSession{e.det, e.rec} {
		if s != nil {
			s.Close()
		}
	}
	if e.cls != nil {
		e.cls.Close()
	}
	return nil
}

// Decode reads a JPEG or PNG within imgproc.DefaultDecodeLimits; a
// broken, unknown or oversized image gives a *DecodeError wrapping
// imgproc's *DecodeError (its code says which).
func Decode(r io.Reader) (image.Image, error) {
	img, _, err := imgproc.Decode(r, imgproc.DefaultDecodeLimits)
	if err != nil {
		return nil, &DecodeError{Err: err}
	}
	return img, nil
}

// Read finds and reads a card. want is the side the caller asked the user
// to show: showing the other one raises WarnWrongSide (AnySide never does).
// It fails with ErrNoCard when there is no card, and with a *BlurredError
// (ErrTooBlurred) when a card is found whose print is too blurred for any
// label to be read, or read in its place, or when the photo as a whole is
// too soft for a card to be found in it; lesser quality problems are
// warnings, not errors.
// Expiry is judged against the clock: see ReadAt.
func (e *Engine) Read(ctx context.Context, img image.Image, want Side) (*Card, error) {
	return e.ReadAt(ctx, img, want, time.Now())
}

// ReadAt is Read on the day now: a back whose validity has ended by then
// raises WarnExpired, one ending within ExpiringWithin WarnExpiring.
func (e *Engine) ReadAt(ctx context.Context, img image.Image, want Side, now time.Time) (*Card, error) {
	src := toRGBA(img)
	if src.Rect.Dx() < 32 || src.Rect.Dy() < 32 {
		return nil, &NoCardError{Reason: fmt.Sprintf("the image is only %dx%d", src.Rect.Dx(), src.Rect.Dy())}
	}
	// The card's edge first: cheap, and exact when it shows. When it does
	// not, or what it outlines does not carry the card's labels where
	// the layout prints them (a table as pale as the card, a sheet of
	// paper under a copy), the other outlines the edge search found are
	// read, the edge is looked for again through a prefilter (a
	// display's stripes on a recaptured card break the card's surface
	// up), then the printed layout locates the card (in the photo without a
	// display's pixel grid: withoutGrid), and the reading
	// that agrees best with the layout is kept (agreement.better). Only
	// the unfiltered edge's largest outline ends the search: the
	// prefilter can also merge the card with a backdrop of its colour,
	// leaving an outline too wide that still shows three labels in
	// place, and the edge's other outlines are what the largest was not,
	// one a card, another part of a card and its backdrop. It does not
	// end it either when another outline lies within it, when it is
	// skewed past any card's perspective (maxSkew), when no rigid card
	// seen by the photo's camera makes it (rigidOutline: a side taken
	// from a patterned backdrop's edge), or when it runs to the photo's
	// border: a region that leaked over a finger or the backdrop at one
	// corner, even to the border, still puts the labels near their
	// places.
	finders := []func() ([]location, error){
		func() ([]location, error) { return locate(src, false) },
		func() ([]location, error) { return locate(src, true) },
		func() ([]location, error) {
			loc, err := e.locateByText(ctx, withoutGrid(src))
			if err != nil {
				return nil, err
			}
			return []location{loc}, nil
		},
	}
	var best *Card
	bestFit := agreement{labels: -1}
	var firstErr, blurred error
	// fatal notes a finder's or a reading's error, and tells whether it
	// ends the read: anything but no card or a blurred one does.
	fatal := func(err error) bool {
		switch {
		case errors.Is(err, ErrTooBlurred):
			// Of two outlines too blurred to read, the truer one's
			// corners are reported (truer), as of two read; of two that
			// are one outline, whichever way up the blurred print was
			// taken to be, the first.
			var b, cur *BlurredError
			if blurred == nil || errors.As(err, &b) && errors.As(blurred, &cur) && !sameOutline(b.Corners, cur.Corners, 0.05) &&
				!sameOutline(geom.Rotate180(b.Corners), cur.Corners, 0.05) && truer(src, b.Corners, cur.Corners) {
				blurred = err
			}
		case err != nil && !errors.Is(err, ErrNoCard):
			return true
		}
		firstErr = cmp.Or(firstErr, err)
		return false
	}
	var tried [][4]geom.Point
	var edgeFound *location // the first outline the edge found within the photo
	for i, find := range finders {
		locs, err := find()
		if fatal(err) {
			return nil, err
		}
		for j, loc := range locs[:min(len(locs), maxOutlines)] {
			if slices.ContainsFunc(tried, func(q [4]geom.Point) bool { return sameOutline(q, loc.corners, 0.01) }) {
				continue // read already
			}
			tried = append(tried, loc.corners)
			if i < 2 && edgeFound == nil && allInside(loc.corners, float64(src.Rect.Dx()), float64(src.Rect.Dy())) {
				edgeFound = &loc
			}
			c, fit, err := e.readAt(ctx, src, loc, want, now)
			if fatal(err) {
				return nil, err
			}
			// Of two outlines as good, the truer is the card's: the
			// inner, when the outer took in backdrop (an edge region
			// grown over a pale face beside the card holds the text
			// route's fit of the card), or the one not skewed past a
			// card's perspective.
			if err == nil && (fit.better(bestFit) || best != nil && fit.labels == bestFit.labels && fit.trusted() && truer(src, loc.corners, best.Corners)) {
				best, bestFit = c, fit
			}
			if i == 0 && j == 0 && bestFit.trusted() && !loc.clipped && outlineSkew(loc.corners) <= maxSkew && rigidOutline(src, loc.corners) && !holdsAnother(loc, locs[1:min(len(locs), maxOutlines)]) {
				return best, nil
			}
		}
	}
	// No label in its place on a photo this soft: what was read is the
	// smear's, not the card's print, and the user must hold still.
	smear := best != nil && bestFit.labels == 0 && photoTooBlurred(src)
	if smear {
		best = nil
	}
	if best == nil && blurred != nil {
		return nil, blurred // a card was found: say what keeps it from being read
	}
	if best == nil && (smear || photoTooBlurred(src)) {
		// Too soft for the card's print to be told from no card's: where
		// the edge found one, if it did, is still the likeliest place,
		// and where it finds one at a scale the blur does not show at,
		// if not.
		if edgeFound == nil {
			edgeFound = softOutline(src)
		}
		if edgeFound != nil {
			return nil, blurredAt(warpQuad(src, edgeFound.corners, CardW, CardH), *edgeFound, want)
		}
		return nil, &BlurredError{}
	}
	if best == nil {
		return nil, firstErr
	}
	return best, nil
}

// nestedIn reports whether the outline a is smaller than b and lies
// almost all (95 %) within it: a card's own outline inside one that also
// took in a patch of backdrop at a corner (a finger or a shadow the
// region grew over), which tilts a side of b across a corner of a.
func nestedIn(a, b [4]geom.Point) bool {
	if geom.PolyArea(a[:]) >= geom.PolyArea(b[:]) {
		return false
	}
	const n = 16 // a grid of n×n points over a
	in := 0
	for i := range n {
		for j := range n {
			in += b2i(inConvexQuad(b, quadPoint(a, (float64(i)+0.5)/n, (float64(j)+0.5)/n)))
		}
	}
	return in >= n*n*95/100
}

// truer reports whether the outline q is the card's rather than best, as
// good by the layout: q lies within best and what best takes in beyond it
// does not look like the card (the outer took in backdrop), or best is
// skewed past any card's perspective and q is not (maxSkew).
func truer(src *image.RGBA, q, best [4]geom.Point) bool {
	if nestedIn(q, best) && !addsCard(src, q, best) {
		return true
	}
	return outlineSkew(best) > maxSkew && outlineSkew(q) <= maxSkew
}

// addsCard reports whether what the outline outer takes in beyond inner
// looks like the card: the chromaticity of the photo's median colour
// there lies within cardLikeChroma of inner's. A region that leaked at a
// corner took in a finger, a face or a backdrop beside the card, of
// another hue than its plain surface; an inner outline cut short of the
// card (a region split where a shadow falls across it) leaves out more
// of that surface, darker but of its hue.
func addsCard(src *image.RGBA, inner, outer [4]geom.Point) bool {
	const n = 32 // a grid of n×n points over outer
	var in, added [3][]float64
	for i := range n {
		for j := range n {
			p := quadPoint(outer, (float64(i)+0.5)/n, (float64(j)+0.5)/n)
			c, ok := sample(src, p)
			if !ok {
				continue
			}
			to := &added
			if inConvexQuad(inner, p) {
				to = &in
			}
			for k := range 3 {
				to[k] = append(to[k], c[k])
			}
		}
	}
	if len(added[0]) == 0 || len(in[0]) == 0 {
		return true
	}
	var a, b [3]float64
	for k := range 3 {
		a[k], b[k] = median(in[k]), median(added[k])
	}
	return chromaDist(a, b) < cardLikeChroma
}

// chromaDist is the distance between two colours' chromaticities (r, g
// and b over their sum): what a shadow or a brighter light leaves alone.
func chromaDist(a, b [3]float64) float64 {
	sa, sb := max(a[0]+a[1]+a[2], 1), max(b[0]+b[1]+b[2], 1)
	var d float64
	for k := range 3 {
		d += (a[k]/sa - b[k]/sb) * (a[k]/sa - b[k]/sb)
	}
	return math.Sqrt(d)
}

// cardLikeChroma is how far the chromaticity of a patch of the card's
// plain surface lies from the whole card's at most: a card under a
// shadow 0.002 on the tune split, skin beside a grey card 0.03.
const cardLikeChroma = 0.015

// quadPoint is the point of q at (u, v) in [0, 1]², bilinearly between
// its corners: u along its top, v down.
func quadPoint(q [4]geom.Point, u, v float64) geom.Point {
	top := q[0].Add(q[1].Sub(q[0]).Scale(u))
	bottom := q[3].Add(q[2].Sub(q[3]).Scale(u))
	return top.Add(bottom.Sub(top).Scale(v))
}

// holdsAnother reports whether one of others lies within loc (nestedIn).
func holdsAnother(loc location, others []location) bool {
	return slices.ContainsFunc(others, func(l location) bool { return nestedIn(l.corners, loc.corners) })
}

// maxOutlines is how many of the outlines one edge search found are read:
// the card's own, one around a backdrop that passes for a larger card,
// and one more.
const maxOutlines = 3

// sameOutline reports whether two outlines of a card are the same within
// tol of its width at every corner.
func sameOutline(a, b [4]geom.Point, tol float64) bool {
	for i := range a {
		if a[i].Dist(b[i]) > tol*cardWidth(a) {
			return false
		}
	}
	return true
}

// goodFit is how many of its side's labels a rectified card must show in
// their places for its edge-found outline to be trusted, their mean
// offset within maxTrueOffset. Two is too few: an outline around a
// receipt or a sheet under the card, or one cut by a finger, still puts
// two labels within a row's pitch of their places; an outline that took
// in a backdrop as pale as the card can put three there, each a little
// off.
const goodFit = 3

// readAt rectifies the card at loc and reads it, with how well its lines
// agree with the side's layout.
func (e *Engine) readAt(ctx context.Context, src *image.RGBA, loc location, want Side, now time.Time) (*Card, agreement, error) {
	card := warpQuad(src, loc.corners, CardW, CardH)
	// A display's pixel grid averaged out (withoutGrid) also blurs the
	// print, which a card shown large and sharp needs: such a card is
	// read as taken too, and the reading that agrees better with the
	// layout is kept (the averaged one when they agree as well).
	degridded := withoutGrid(card)
	s, err := e.scan(ctx, degridded)
	if err != nil {
		return nil, agreement{}, err
	}
	if degridded != card {
		as, err := e.scan(ctx, card)
		if err != nil {
			return nil, agreement{}, err
		}
		if as.fit.better(s.fit) {
			s = as
		}
	}
	if s.turned {
		card, loc.corners = rotate180img(card), geom.Rotate180(loc.corners)
	}
	printed, lines, side, fit := s.printed, s.lines, s.side, s.fit
	switch {
	case s.boxes < 3:
		return nil, agreement{}, unreadable(src, card, loc, want, "the card-shaped region carries almost no text")
	case side == AnySide:
		return nil, agreement{}, unreadable(src, card, loc, want, "none of the card's printed labels could be read")
	}
	// A label read somewhere, none in its place: on a blurred card that
	// is a misreading of smeared print, not a card to report.
	if fit.labels == 0 && tooBlurred(src, card, loc) {
		return nil, agreement{}, blurredAt(card, loc, want)
	}
	// read is what the fields come from; the warnings and the layout fit
	// keep the detector's own boxes (the 民族 row's box read again spans
	// blank card, which the occlusion check must still see).
	read := lines
	if side == Front {
		if read, err = e.rereadEthnicity(printed, lines); err != nil {
			return nil, agreement{}, err
		}
	}
	c := &Card{Side: side, Corners: loc.corners, Image: card}
	for _, l := range read {
		c.Lines = append(c.Lines, TextLine{Text: l.String(), Conf: meanProb(l.probs), Quad: l.box.quad})
	}
	c.Fields = extract(side, read)
	if err := e.mend(printed, side, read, c.Fields); err != nil {
		return nil, agreement{}, err
	}
	c.Problems = validate(c.Fields)
	lowerInvalid(c)
	if side == Front {
		c.Portrait = portraitCrop(card)
	}
	w, sharp := assess(card, loc, side, want, lines)
	c.Warnings = w | validityWarnings(c.Fields, now)
	if temporary(lines) {
		c.Warnings |= WarnTemporary
	}
	c.Clarity = clarity(sharp)
	return c, fit, nil
}

// scanned is what a rectified card's print gave: how many text boxes
// the detector found, the lines read from them turned the way up the
// print shows (turned: by 180°, printed with them) and kept on the card,
// the side they show and how well they agree with its layout.
type scanned struct {
	printed *image.RGBA
	turned  bool
	boxes   int
	lines   []line
	side    Side
	fit     agreement
}

// scan detects and reads the print of a rectified card; a card of fewer
// than three boxes is not read.
func (e *Engine) scan(ctx context.Context, printed *image.RGBA) (scanned, error) {
	boxes, err := e.detect(printed)
	if err != nil || len(boxes) < 3 {
		return scanned{printed: printed, boxes: len(boxes)}, err
	}
	if err := ctx.Err(); err != nil {
		return scanned{}, err
	}
	p180, err := e.upsideDown(printed, boxes)
	if err != nil {
		return scanned{}, err
	}
	s := scanned{printed: printed, turned: p180 > 0.5, boxes: len(boxes)}
	if s.turned {
		s.printed = rotate180img(printed)
		for i := range boxes {
			boxes[i].quad = flipQuad(boxes[i].quad)
		}
	}
	lines, err := e.recognise(s.printed, boxes)
	if err != nil {
		return scanned{}, err
	}
	s.lines = onCard(s.printed, lines)
	if s.side = whichSide(s.lines); s.side != AnySide {
		s.fit = layoutFit(s.side, s.lines)
	}
	return s, nil
}

// withoutGrid is the card, or the photo, to read the print from. A card
// shown on a display carries the display's pixel grid (see screenScore),
// whose stripes the detector and the recogniser take for strokes: they
// split lines and turn characters into others, and over the whole photo
// they leave the text route no label to fit. Averaging over one period of
// the grid cancels it and blurs the print only by as much (a period of 3
// to 6 card pixels against strokes of 2 to 4). Any other image is read as
// it is.
func withoutGrid(card *image.RGBA) *image.RGBA {
	if amp, period := screenScore(card); amp > screenMinAmp {
		return smoothRGBA(card, period)
	}
	return card
}

// unreadable is the error for an outline whose card shows none of its
// labels: a BlurredError when the outline lies in the photo (one pushed
// past its border takes in blank fill) and holds print
// (minPrintContrast) as soft as WarnBlur's, since blur, not the absence
// of a card, is then what a user must fix; a NoCardError for the reason
// given otherwise.
func unreadable(src, card *image.RGBA, loc location, want Side, reason string) error {
	if tooBlurred(src, card, loc) {
		return blurredAt(card, loc, want)
	}
	return &NoCardError{Reason: reason}
}

// blurredAt is the BlurredError for the card rectified from loc, its
// corners turned the way the side asked for shows up: the print that
// tells the way up is smeared, but a front's portrait and a back's emblem
// still stand out from the card's surface far more than what their places
// turned by 180° hold (the front's labels, the back's validity). With
// either side wanted, or neither place the clearer (markRatio), the outline
// keeps the way it was taken.
func blurredAt(card *image.RGBA, loc location, want Side) *BlurredError {
	mark := portraitRect
	switch want {
	case AnySide:
		return &BlurredError{Corners: loc.corners}
	case Back:
		mark = emblemRect
	}
	surface := medianColour(card)
	turned := image.Rect(CardW-mark.Max.X, CardH-mark.Max.Y, CardW-mark.Min.X, CardH-mark.Min.Y)
	if markMass(card, turned, surface) > markRatio*markMass(card, mark, surface) {
		return &BlurredError{Corners: geom.Rotate180(loc.corners)}
	}
	return &BlurredError{Corners: loc.corners}
}

// markRatio is how much more a place must stand out from the card's
// surface than its turned counterpart to tell the way up: a portrait
// blurred stays a face and its backdrop, its counterpart a few smeared
// labels on the plain surface.
const markRatio = 1.5

// markMass is the mean colour distance of r's pixels in card from the
// card's surface colour.
func markMass(card *image.RGBA, r image.Rectangle, surface [3]float64) float64 {
	sum, n := 0.0, 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			sum += colourDist(rgb(card.Pix[card.PixOffset(x, y):]), surface)
			n++
		}
	}
	return sum / float64(max(n, 1))
}

// tooBlurred reports whether the card at loc lies in the photo and holds
// print as soft as WarnBlur's (see unreadable).
func tooBlurred(src, card *image.RGBA, loc location) bool {
	inside := allInside(loc.corners, float64(src.Rect.Dx()), float64(src.Rect.Dy()))
	sharp, contrast := sharpness(card)
	return inside && contrast >= minPrintContrast && sharp < blurMaxSharpness
}

// photoTooBlurred reports whether the photo as a whole, shrunk (never
// enlarged) into the text route's box (sceneBox), holds print or objects (minPrintContrast) as soft
// as WarnBlur's card: a capture so smeared that neither the card's edge
// nor its text could be found in it, which a user fixes by holding still,
// not by looking for the card. On the independent generator's tune split
// blurred photos measure 0.050–0.071 but for three at 0.082–0.101, others
// 0.083 and up (clean ones 0.087); the package's face photos, with no
// card, 0.104–0.207.
func photoTooBlurred(src *image.RGBA) bool {
	W, H := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	w, h := sceneBox(src)
	if f := max(W/float64(w), H/float64(h)); f > 1 {
		src = resize(src, int(W/f), int(H/f))
	}
	sharp, contrast := sharpness(src)
	return contrast >= minPrintContrast && sharp < blurMaxSharpness
}

// softOutline is the first outline within the photo that the edge finds
// in it shrunk to softSide, or nil: a photo too soft to read smears the
// card's edge into a ramp some ten pixels wide, which the region grown at
// locateSide creeps along onto a backdrop of a near colour, but which
// spans about a pixel at softSide.
func softOutline(src *image.RGBA) *location {
	locs, err := locateIn(src, false, softSide)
	if err != nil {
		return nil
	}
	for _, l := range locs {
		if allInside(l.corners, float64(src.Rect.Dx()), float64(src.Rect.Dy())) {
			return &l
		}
	}
	return nil
}

// softSide is the long side softOutline searches a blurred photo at.
const softSide = 150

// minPrintContrast is the least luma range (grey levels, 2nd to 98th
// percentile) of a card with print on it, blurred or not: its portrait,
// emblem and title keep a few percent of it dark even when the text is
// smeared. A blank wall, a sheet of paper or a flat grey have less.
const minPrintContrast = 48

// rereadEthnicity reads the 民族 row again from its label to the portrait
// in one box. The detector's box of the label often stops short of a
// value of one or two characters, or leaves it out (傈僳 missing, 拉 for
// 拉祜); nothing else is printed there. The row is then decoded against
// the 56 ethnicities (readClosed), which the greedy reading misses when the
// model puts a rare character second (鑫 for 畲) or lacks it (仫 of 仫佬).
// That reading, or failing it (the row shows no ethnicity well enough) the
// greedy one when it opens with the label and reads more than the lines it
// covers, replaces them.
func (e *Engine) rereadEthnicity(card *image.RGBA, lines []line) ([]line, error) {
	i := slices.IndexFunc(lines, func(l line) bool { return toRun(l).findLabel("民族", 0) == 0 })
	if i < 0 {
		return lines, nil
	}
	q := lines[i].box.quad
	wide, ok := rowSpan(q, q[0], q[3], float64(portraitRect.Min.X-8))
	if !ok {
		return lines, nil
	}
	got, sc, err := e.recogniseScored(card, []textBox{wide}, true)
	if err != nil {
		return nil, err
	}
	covered := func(l line) bool { return inConvexQuad(wide.quad, l.box.centre()) }
	r, ok := e.readClosed(sc[0], "民族", Ethnicities)
	if ok && r.shortfall <= maxShortfall {
		return append(slices.DeleteFunc(slices.Clone(lines), covered), closedLine(wide, "民族", r)), nil
	}
	before := 0
	for _, l := range lines {
		if covered(l) {
			before += len(toRun(l))
		}
	}
	g := toRun(got[0])
	if g.findLabel("民族", 0) != 0 || len(g) <= before {
		return lines, nil
	}
	return append(slices.DeleteFunc(slices.Clone(lines), covered), got[0]), nil
}

// A line's closed reading is taken when it is at most maxShortfall nats
// less likely than the greedy one: e^-6, about 1/400, is one character the
// model put second at a few per cent, or two it was torn on. Readings of
// an entry the line does not show (a character the model lacks read as
// nothing, a display's stripes) fell short by 7 nats or more on the tune
// split, readings of the entry printed by up to 6 but for one at 8.
const maxShortfall = 6.0

// readShortfall is the shortfall under which the closed reading is as good
// as read: the greedy reading was torn between it and another character.
const readShortfall = 1.0

// rowSpan is the box from a and b (the top and bottom of a label's box q
// at one of its ends) along q's line to x = end, a fifth of q's height
// taller above and below: values are set larger than labels, on the same
// baseline. ok is false when q does not run rightwards or reaches end.
func rowSpan(q [4]geom.Point, a, b geom.Point, end float64) (textBox, bool) {
	u := q[1].Sub(q[0])
	if u.X <= 0 || q[1].X >= end {
		return textBox{}, false
	}
	k := (end - a.X) / u.X
	v := q[3].Sub(q[0]).Scale(0.2)
	top, bottom := a.Sub(v), b.Add(v)
	return textBox{quad: [4]geom.Point{top, top.Add(u.Scale(k)), bottom.Add(u.Scale(k)), bottom}}, true
}

// closedLine is the line that reads prefix and a closed reading, each
// character as sure as the reading is among the list's entries, less when
// the greedy reading had to be overruled.
func closedLine(b textBox, prefix string, r closedReading) line {
	p := float32(r.posterior)
	if r.guessed(0) {
		p *= guessConf
	}
	text := []rune(prefix + r.text)
	probs := make([]float32, len(text))
	for i := range probs {
		probs[i] = p
	}
	return line{box: b, text: text, probs: probs}
}

// onCard drops lines whose centre lies off the card: outside the
// rectified frame's photo (a line the warp left transparent) — text beside
// the card that an outline or a fit too wide took in.
func onCard(card *image.RGBA, lines []line) []line {
	return slices.DeleteFunc(lines, func(l line) bool {
		c := l.box.centre()
		x, y := int(c.X), int(c.Y)
		return x < 0 || y < 0 || x >= CardW || y >= CardH || card.Pix[card.PixOffset(x, y)+3] < 255
	})
}

// flipQuad maps a box through the card's 180° turn, keeping its corners
// clockwise from the top-left.
func flipQuad(q [4]geom.Point) [4]geom.Point {
	for i := range q {
		q[i] = geom.Pt(CardW-q[i].X, CardH-q[i].Y)
	}
	return geom.Rotate180(q)
}

// lowerInvalid halves the confidence of fields that failed validation.
func lowerInvalid(c *Card) {
	for _, p := range c.Problems {
		name, _, _ := strings.Cut(p, ":")
		if f, ok := c.Fields[name]; ok {
			f.Conf /= 2
			c.Fields[name] = f
		}
	}
}
