package eval

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Curve is one ROC curve: points sorted by FAR ascending; FAR and TAR are
// rates in [0,1].
type Curve struct {
	Name     string
	FAR, TAR []float64
}

// Hist is the score distribution of one model: Genuine and Impostor are
// similarity scores (any range, typically -1..1 or 0..100).
type Hist struct {
	Name              string
	Genuine, Impostor []float64
	Thresholds        []float64 // optional vertical marker lines (e.g. thresholds at FAR 1e-2/1e-3), drawn dashed
}

const (
	rocW, rocH        = 900, 650
	rocMinDecade      = -4 // the FAR axis starts at 1e-4
	histW, histPanelH = 900, 260
	histBins          = 60
	plotTitleH        = 30 // band above the chart(s) holding the title line
)

var (
	// curveColours is the Tableau 10 palette: ten colours told apart
	// easily, none of them close to the grey grid.
	curveColours = []color.RGBA{
		{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
		{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
		{0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff}, {0xbc, 0xbd, 0x22, 0xff},
		{0x17, 0xbe, 0xcf, 0xff},
	}
	genuineColour   = color.RGBA{0x2c, 0xa0, 0x2c, 0xff}
	impostorColour  = color.RGBA{0xd6, 0x27, 0x28, 0xff}
	inkColour       = color.RGBA{0x22, 0x22, 0x22, 0xff}
	faintInkColour  = color.RGBA{0x77, 0x77, 0x77, 0xff}
	gridColour      = color.RGBA{0xd8, 0xd8, 0xd8, 0xff}
	minorGridColour = color.RGBA{0xf0, 0xf0, 0xf0, 0xff}
)

// WriteROC draws the curves on one chart: x = FAR on a log10 axis from 1e-4
// to 1 (decade grid lines labelled 1e-4 … 1), y = TAR (true-accept rate)
// linear 0..1 (grid every 0.1, labelled), one distinct colour per curve (at
// most 10 curves), legend with the names, a title line. Points with FAR
// below 1e-4 are clamped to the left edge; FAR 0 is fine. Writes a PNG at
// path (900×650 px).
func WriteROC(path, title string, curves []Curve) error {
	if err := checkROCCurves(curves); err != nil {
		return err
	}
	c := newPlotCanvas(rocW, rocH)
	c.title(title)
	a := rocPlotRect()
	drawROCGrid(c, a)
	for i, cv := range curves {
		x0, y0 := rocPoint(a, cv.FAR[0], cv.TAR[0])
		for j := range cv.FAR {
			x1, y1 := rocPoint(a, cv.FAR[j], cv.TAR[j])
			c.line(x0, y0, x1, y1, curveColours[i])
			x0, y0 = x1, y1
		}
	}
	drawROCLegend(c, a, curves)
	c.frame(a)
	return c.writePNG(path)
}

func checkROCCurves(curves []Curve) error {
	if len(curves) == 0 {
		return errors.New("eval: ROC: no curves")
	}
	if len(curves) > len(curveColours) {
		return fmt.Errorf("eval: ROC: %d curves, only %d distinct colours", len(curves), len(curveColours))
	}
	for _, cv := range curves {
		if len(cv.FAR) != len(cv.TAR) {
			return fmt.Errorf("eval: ROC curve %q: %d FAR but %d TAR values", cv.Name, len(cv.FAR), len(cv.TAR))
		}
		if len(cv.FAR) == 0 {
			return fmt.Errorf("eval: ROC curve %q has no points", cv.Name)
		}
		if err := plotCheckFinite(cv.FAR, "FAR"); err != nil {
			return fmt.Errorf("eval: ROC curve %q: %w", cv.Name, err)
		}
		if err := plotCheckFinite(cv.TAR, "TAR"); err != nil {
			return fmt.Errorf("eval: ROC curve %q: %w", cv.Name, err)
		}
	}
	return nil
}

// rocPlotRect is the ROC plot area; the margins hold labels.
func rocPlotRect() image.Rectangle {
	return image.Rect(70, plotTitleH+30, rocW-30, rocH-55)
}

// rocPoint maps (FAR, TAR) to pixels; both are clamped to the axes.
func rocPoint(a image.Rectangle, far, tar float64) (x, y int) {
	lf := float64(rocMinDecade)
	if far > 0 {
		lf = math.Log10(far)
	}
	return plotScale(lf, rocMinDecade, 0, a.Min.X, a.Max.X), plotScale(tar, 0, 1, a.Max.Y, a.Min.Y)
}

func drawROCGrid(c *plotCanvas, a image.Rectangle) {
	for d := rocMinDecade; d < 0; d++ {
		for m := 2; m <= 9; m++ {
			x, _ := rocPoint(a, float64(m)*math.Pow10(d), 0)
			c.vline(x, a.Min.Y, a.Max.Y, minorGridColour)
		}
	}
	for d := rocMinDecade; d <= 0; d++ {
		x, _ := rocPoint(a, math.Pow10(d), 0)
		c.vline(x, a.Min.Y, a.Max.Y, gridColour)
		label := "1"
		if d < 0 {
			label = "1e" + strconv.Itoa(d)
		}
		c.text(x, a.Max.Y+18, label, inkColour, 0.5)
	}
	for i := 0; i <= 10; i++ {
		tar := float64(i) / 10
		_, y := rocPoint(a, 1, tar)
		c.hline(a.Min.X, a.Max.X, y, gridColour)
		c.text(a.Min.X-8, y+4, strconv.FormatFloat(tar, 'f', 1, 64), inkColour, 1)
	}
	c.text(a.Min.X+a.Dx()/2, a.Max.Y+40, "FAR (false-accept rate, log scale)", inkColour, 0.5)
	c.text(a.Min.X, a.Min.Y-8, "TAR (true-accept rate)", inkColour, 0)
}

// drawROCLegend puts the legend in the lower right corner, where ROC curves
// (which reach TAR 1 at FAR 1) rarely pass.
func drawROCLegend(c *plotCanvas, a image.Rectangle, curves []Curve) {
	const rowH, swatchW, pad = 18, 24, 8
	w := 0
	for _, cv := range curves {
		w = max(w, plotTextWidth(cv.Name))
	}
	box := image.Rect(0, 0, pad+swatchW+pad+w+pad, pad+len(curves)*rowH+pad/2)
	box = box.Add(image.Pt(a.Max.X-12-box.Dx(), a.Max.Y-12-box.Dy()))
	c.fill(box, color.White)
	c.frame(box)
	for i, cv := range curves {
		y := box.Min.Y + pad + i*rowH + rowH/2
		c.fill(image.Rect(box.Min.X+pad, y-2, box.Min.X+pad+swatchW, y+1), curveColours[i])
		c.text(box.Min.X+pad+swatchW+pad, y+4, cv.Name, inkColour, 0)
	}
}

// WriteHistograms draws one panel per Hist stacked vertically (each 900×260
// px): both distributions as normalised histograms (each sums to 1 so that
// 100 genuine vs 100000 impostor pairs are comparable) with 60 bins over the
// common [min,max] range of that panel's data, genuine in green and impostor
// in red (translucent fill under an opaque outline, so overlap stays
// visible), x axis ticks labelled with values, the counts
// "genuine N / impostor M" and the name in the panel. Thresholds outside
// the data range are not drawn. Writes one PNG at path.
func WriteHistograms(path, title string, hs []Hist) error {
	if err := checkHistograms(hs); err != nil {
		return err
	}
	c := newPlotCanvas(histW, plotTitleH+len(hs)*histPanelH)
	c.title(title)
	for i, h := range hs {
		drawHistPanel(c, histPlotRect(i), h)
	}
	return c.writePNG(path)
}

func checkHistograms(hs []Hist) error {
	if len(hs) == 0 {
		return errors.New("eval: histograms: nothing to draw")
	}
	for _, h := range hs {
		if len(h.Genuine) == 0 {
			return fmt.Errorf("eval: histogram %q has no genuine scores", h.Name)
		}
		if len(h.Impostor) == 0 {
			return fmt.Errorf("eval: histogram %q has no impostor scores", h.Name)
		}
		for _, s := range []struct {
			what string
			vs   []float64
		}{{"genuine", h.Genuine}, {"impostor", h.Impostor}, {"threshold", h.Thresholds}} {
			if err := plotCheckFinite(s.vs, s.what); err != nil {
				return fmt.Errorf("eval: histogram %q: %w", h.Name, err)
			}
		}
	}
	return nil
}

// histPlotRect is the plot area of panel i; the panel's margins hold the
// header line above and the tick labels below.
func histPlotRect(i int) image.Rectangle {
	top := plotTitleH + i*histPanelH
	return image.Rect(70, top+30, histW-30, top+histPanelH-42)
}

func drawHistPanel(c *plotCanvas, a image.Rectangle, h Hist) {
	lo, hi := histRange(h)
	gen, imp := histFractions(h.Genuine, lo, hi), histFractions(h.Impostor, lo, hi)
	// plotTicks gives at least 0 and one step here; one more step above the
	// last tick clears the tallest bar and leaves room for threshold labels.
	yTicks, yDec := plotTicks(0, max(plotMax(gen), plotMax(imp)), 4)
	top := yTicks[len(yTicks)-1] + yTicks[1] - yTicks[0]
	yTicks = append(yTicks, top)
	for _, v := range yTicks {
		y := plotScale(v, 0, top, a.Max.Y, a.Min.Y)
		c.hline(a.Min.X, a.Max.X, y, gridColour)
		c.text(a.Min.X-8, y+4, strconv.FormatFloat(v, 'f', yDec, 64), inkColour, 1)
	}
	xTicks, xDec := plotTicks(lo, hi, 8)
	for _, v := range xTicks {
		x := plotScale(v, lo, hi, a.Min.X, a.Max.X)
		c.vline(x, a.Max.Y, a.Max.Y+4, inkColour)
		c.text(x, a.Max.Y+18, strconv.FormatFloat(v, 'f', xDec, 64), inkColour, 0.5)
	}
	c.text(a.Min.X+a.Dx()/2, a.Max.Y+34, "similarity score", faintInkColour, 0.5)

	c.bars(a, gen, top, genuineColour)
	c.bars(a, imp, top, impostorColour)
	c.steps(a, gen, top, genuineColour)
	c.steps(a, imp, top, impostorColour)
	for i, t := range h.Thresholds {
		if t < lo || t > hi {
			continue
		}
		x := plotScale(t, lo, hi, a.Min.X, a.Max.X)
		c.dashedVline(x, a.Min.Y, a.Max.Y, inkColour)
		// Stagger the labels: thresholds at nearby FARs are close together.
		c.text(x+4, a.Min.Y+14+i*14, strconv.FormatFloat(t, 'g', 4, 64), inkColour, 0)
	}
	c.frame(a)
	drawHistHeader(c, a, h)
}

// drawHistHeader writes the name at the left above the plot and the colour
// coded counts, which double as the legend, at the right.
func drawHistHeader(c *plotCanvas, a image.Rectangle, h Hist) {
	y := a.Min.Y - 9
	x := c.text(a.Min.X, y, h.Name, inkColour, 0)
	c.text(x+12, y, "(share of pairs per bin)", faintInkColour, 0)
	runs := []struct {
		s   string
		col color.RGBA
	}{
		{"genuine " + strconv.Itoa(len(h.Genuine)), genuineColour},
		{" / ", inkColour},
		{"impostor " + strconv.Itoa(len(h.Impostor)), impostorColour},
	}
	x = a.Max.X
	for _, r := range runs {
		x -= plotTextWidth(r.s)
	}
	for _, r := range runs {
		x = c.text(x, y, r.s, r.col, 0)
	}
}

// histRange is the common [min,max] of both score sets, widened when all
// scores are equal so that the bins have a width.
func histRange(h Hist) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, vs := range [][]float64{h.Genuine, h.Impostor} {
		for _, v := range vs {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	return lo, hi
}

// histFractions bins vs over [lo,hi] into histBins bins summing to 1.
func histFractions(vs []float64, lo, hi float64) []float64 {
	f := make([]float64, histBins)
	for _, v := range vs {
		b := min(int((v-lo)/(hi-lo)*histBins), histBins-1) // hi itself goes in the last bin
		f[b] += 1 / float64(len(vs))
	}
	return f
}

func plotMax(vs []float64) float64 {
	m := math.Inf(-1)
	for _, v := range vs {
		m = max(m, v)
	}
	return m
}

// plotTicks returns the round tick values within [lo,hi], using the
// smallest step of 1, 2 or 5 × 10^k that makes at most n intervals, and the
// number of decimals that labels them.
func plotTicks(lo, hi float64, n int) (ticks []float64, decimals int) {
	raw := (hi - lo) / float64(n)
	p := math.Pow10(int(math.Floor(math.Log10(raw))))
	step := 10 * p
	for _, m := range []float64{1, 2, 5} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	first := math.Ceil(lo/step - 1e-9)
	for k := first; k*step <= hi+step*1e-9; k++ {
		ticks = append(ticks, k*step+0) // +0 turns -0 into 0
	}
	return ticks, max(0, -int(math.Floor(math.Log10(step)+1e-9)))
}

// plotScale maps v in [lo,hi] linearly to [p0,p1], clamping v to the range.
func plotScale(v, lo, hi float64, p0, p1 int) int {
	t := min(max((v-lo)/(hi-lo), 0), 1)
	return p0 + int(math.Round(t*float64(p1-p0)))
}

func plotCheckFinite(vs []float64, what string) error {
	for i, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s value %d is %v", what, i, v)
		}
	}
	return nil
}

func plotTextWidth(s string) int {
	return font.MeasureString(basicfont.Face7x13, s).Ceil()
}

// plotCanvas is a white image with the few drawing primitives the charts use.
type plotCanvas struct{ *image.RGBA }

func newPlotCanvas(w, h int) *plotCanvas {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	return &plotCanvas{img}
}

func (c *plotCanvas) writePNG(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if err := png.Encode(f, c.RGBA); err != nil {
		f.Close()
		return fmt.Errorf("eval: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return nil
}

// text draws s with its baseline at y; align 0 puts x at the left end of s,
// 0.5 at its middle, 1 at its right end. It returns where s ends.
func (c *plotCanvas) text(x, y int, s string, col color.Color, align float64) int {
	d := font.Drawer{
		Dst:  c.RGBA,
		Src:  image.NewUniform(col),
		Face: basicfont.Face7x13,
		Dot:  fixed.P(x-int(align*float64(plotTextWidth(s))), y),
	}
	d.DrawString(s)
	return d.Dot.X.Ceil()
}

// title draws the title centred in the top band, struck twice for weight
// since basicfont has no bold face.
func (c *plotCanvas) title(s string) {
	x := c.Bounds().Dx() / 2
	c.text(x, 20, s, color.Black, 0.5)
	c.text(x+1, 20, s, color.Black, 0.5)
}

// fill paints r with col, blending when col is translucent.
func (c *plotCanvas) fill(r image.Rectangle, col color.Color) {
	draw.Draw(c.RGBA, r, image.NewUniform(col), image.Point{}, draw.Over)
}

func (c *plotCanvas) hline(x0, x1, y int, col color.RGBA) {
	c.fill(image.Rect(x0, y, x1+1, y+1), col)
}

func (c *plotCanvas) vline(x, y0, y1 int, col color.RGBA) {
	c.fill(image.Rect(x, y0, x+1, y1+1), col)
}

func (c *plotCanvas) dashedVline(x, y0, y1 int, col color.RGBA) {
	for y := y0; y <= y1; y++ {
		if (y-y0)%10 < 6 {
			c.SetRGBA(x, y, col)
		}
	}
}

func (c *plotCanvas) frame(r image.Rectangle) {
	c.hline(r.Min.X, r.Max.X, r.Min.Y, inkColour)
	c.hline(r.Min.X, r.Max.X, r.Max.Y, inkColour)
	c.vline(r.Min.X, r.Min.Y, r.Max.Y, inkColour)
	c.vline(r.Max.X, r.Min.Y, r.Max.Y, inkColour)
}

// line draws a 2 px wide line with Bresenham's algorithm.
func (c *plotCanvas) line(x0, y0, x1, y1 int, col color.RGBA) {
	dx, sx := x1-x0, 1
	if dx < 0 {
		dx, sx = -dx, -1
	}
	dy, sy := y0-y1, 1 // dy is kept negative, as the algorithm wants
	if dy > 0 {
		dy, sy = -dy, -1
	}
	for e := dx + dy; ; {
		c.fill(image.Rect(x0, y0-1, x0+2, y0+1), col)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e, x0 = e+dy, x0+sx
		}
		if e2 <= dx {
			e, y0 = e+dx, y0+sy
		}
	}
}

// histBinX is the left pixel edge of bin b (b == histBins gives the right
// edge of the last bin).
func histBinX(a image.Rectangle, b int) int {
	return a.Min.X + b*a.Dx()/histBins
}

// bars fills the histogram f translucently so that a second one drawn over
// it still shows through.
func (c *plotCanvas) bars(a image.Rectangle, f []float64, top float64, col color.RGBA) {
	fillCol := color.NRGBA{col.R, col.G, col.B, 0x50}
	for b, v := range f {
		y := plotScale(v, 0, top, a.Max.Y, a.Min.Y)
		c.fill(image.Rect(histBinX(a, b), y, histBinX(a, b+1), a.Max.Y), fillCol)
	}
}

// steps outlines the histogram f in opaque col; runs of empty bins get no
// edge so the outline does not run along the axis.
func (c *plotCanvas) steps(a image.Rectangle, f []float64, top float64, col color.RGBA) {
	prev := a.Max.Y
	for b := 0; b <= len(f); b++ { // b == len(f) closes the last bin
		v := 0.0
		if b < len(f) {
			v = f[b]
		}
		y := plotScale(v, 0, top, a.Max.Y, a.Min.Y)
		x := histBinX(a, b)
		if y != prev {
			c.line(x, prev, x, y, col)
		}
		if v > 0 {
			c.line(x, y, histBinX(a, b+1), y, col)
		}
		prev = y
	}
}
