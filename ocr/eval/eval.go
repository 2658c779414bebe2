// Package eval measures package ocr on a synthetic card set, from the
// tuning generator (ocr/synth) or the independent one (ocr/synth/wild):
// how often the card is found, field accuracy, whole-card exact match per
// side, kind and scene, each warning as a detector (precision, recall and
// its false-alarm rate on clean captures), how well the fields'
// confidences are calibrated, and time per card; and, next to it, the raw
// text accuracy and time of a peer engine (the same PaddleOCR models
// through @gutenye/ocr-node).
package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/liveid/liveid/ocr"
	"github.com/liveid/liveid/ocr/synth"
)

// Report is the outcome of a run.
type Report struct {
	Cards  int
	NoCard int // Read failed with ErrNoCard
	// Blurred counts the cards refused as too blurred to read
	// (ErrTooBlurred): found, but not read.
	Blurred int
	// Found counts cards located: read, or refused as too blurred, with
	// every corner within a tenth of the card's width of where it is.
	Found       Ratio
	FoundByKind map[synth.Kind]*Ratio
	Fields      map[string]*Ratio // per field: read exactly
	Exact       Ratio             // cards with every field of their side exact
	BySide      map[ocr.Side]*Ratio
	ByKind      map[synth.Kind]*Ratio
	ByScene     map[string]*Ratio
	Warnings    map[ocr.Warning]*PR
	// Calibration bins the fields' confidences: per bin, how many were
	// right.
	Calibration [len(calBins)]Ratio
	// Clarity sums Card.Clarity over clean and over blurred captures.
	Clarity  map[synth.Kind]*Mean
	Raw      Ratio         // fields whose printed text appears in our raw lines
	Time     time.Duration // total Read time
	Slowest  time.Duration
	Peer     *PeerReport // nil when the peer did not run
	PeerNote string      // why the peer did not run
}

// Ratio is hits out of a total.
type Ratio struct{ Hit, N int }

func (r *Ratio) add(ok bool) {
	r.N++
	if ok {
		r.Hit++
	}
}

// Rate is Hit/N, or 0 for an empty ratio.
func (r Ratio) Rate() float64 {
	if r.N == 0 {
		return 0
	}
	return float64(r.Hit) / float64(r.N)
}

func (r Ratio) String() string { return fmt.Sprintf("%5.1f%% (%d/%d)", 100*r.Rate(), r.Hit, r.N) }

// PR counts one warning's true and false positives and misses, and its
// false alarms among the clean captures.
type PR struct {
	TP, FP, FN int
	CleanFP    Ratio // raised on clean captures, out of the clean captures
}

// Mean is a running mean.
type Mean struct {
	Sum float64
	N   int
}

func (m *Mean) add(v float64) { m.Sum += v; m.N++ }

// Value is the mean, 0 when empty.
func (m Mean) Value() float64 {
	if m.N == 0 {
		return 0
	}
	return m.Sum / float64(m.N)
}

// calBins are the lower edges of the confidence bins.
var calBins = [...]float64{0, 0.5, 0.7, 0.8, 0.9, 0.95}

// Now is the date the evaluation reads cards on: fixed, so that expired
// and expiring cards (ocr.WarnExpired, ocr.WarnExpiring) stay the same
// from run to run.
var Now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// Maker makes the sample a spec describes: *synth.Generator and
// *wild.Generator.
type Maker interface {
	Make(synth.Spec) *synth.Sample
}

// Result is one card's reading, for callers that look closer.
type Result struct {
	Sample *synth.Sample
	Card   *ocr.Card // nil when Read failed
	Err    error
	Time   time.Duration
}

// Run reads every spec's sample and scores it; each result also goes to
// each, if not nil.
func Run(ctx context.Context, e *ocr.Engine, g Maker, specs []synth.Spec, each func(Result)) (*Report, error) {
	r := &Report{Fields: map[string]*Ratio{}, ByKind: map[synth.Kind]*Ratio{}, FoundByKind: map[synth.Kind]*Ratio{}, Warnings: map[ocr.Warning]*PR{},
		BySide: map[ocr.Side]*Ratio{}, ByScene: map[string]*Ratio{}, Clarity: map[synth.Kind]*Mean{}}
	for _, w := range ocr.AllWarnings {
		r.Warnings[w] = &PR{}
	}
	for _, s := range specs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		smp := g.Make(s)
		start := time.Now()
		card, err := e.ReadAt(ctx, smp.Image, smp.Want, Now)
		el := time.Since(start)
		var blurred *ocr.BlurredError
		if err != nil && !errors.Is(err, ocr.ErrNoCard) && !errors.As(err, &blurred) {
			return nil, err
		}
		r.score(smp, card, blurred, el)
		if each != nil {
			each(Result{Sample: smp, Card: card, Err: err, Time: el})
		}
	}
	return r, nil
}

// score adds one sample's outcome: a card read, or one refused as too
// blurred (which raised the blur warning, as a refusal), or no card.
func (r *Report) score(smp *synth.Sample, card *ocr.Card, blurred *ocr.BlurredError, el time.Duration) {
	r.Cards++
	r.Time += el
	r.Slowest = max(r.Slowest, el)
	var got ocr.Warning
	var found bool
	exact := card != nil
	switch {
	case card != nil:
		got, found = card.Warnings, located(card.Corners, smp.Corners)
	case blurred != nil:
		r.Blurred++
		got, found = ocr.WarnBlur, located(blurred.Corners, smp.Corners)
	default:
		r.NoCard++
	}
	r.Found.add(found)
	count(r.FoundByKind, smp.Kind, found)
	for _, name := range slices.Sorted(maps.Keys(smp.Truth)) {
		if r.Fields[name] == nil {
			r.Fields[name] = &Ratio{}
		}
		f, read := ocr.Field{}, false
		if card != nil {
			f, read = card.Fields[name]
		}
		ok := f.Text == smp.Truth[name]
		r.Fields[name].add(ok)
		exact = exact && ok
		r.Raw.add(card != nil && rawHit(lineTexts(card.Lines), name, smp.Truth[name]))
		if read {
			r.Calibration[calBin(f.Conf)].add(ok)
		}
	}
	r.Exact.add(exact)
	count(r.ByKind, smp.Kind, exact)
	count(r.BySide, smp.Side, exact)
	count(r.ByScene, smp.Scene, exact)
	if card != nil && (smp.Kind == synth.Clean || smp.Kind == synth.Blur) {
		if r.Clarity[smp.Kind] == nil {
			r.Clarity[smp.Kind] = &Mean{}
		}
		r.Clarity[smp.Kind].add(card.Clarity)
	}
	want := WantWarnings(smp)
	for _, w := range ocr.AllWarnings {
		want, have := want&w != 0, got&w != 0
		switch {
		case want && have:
			r.Warnings[w].TP++
		case have:
			r.Warnings[w].FP++
		case want:
			r.Warnings[w].FN++
		}
		if smp.Kind == synth.Clean && !want {
			r.Warnings[w].CleanFP.add(have)
		}
	}
}

// WantWarnings are the warnings a sample should raise when read on Now:
// its capture flaw's, and on the back its validity's.
func WantWarnings(smp *synth.Sample) ocr.Warning {
	want := smp.Warnings
	if smp.Side == ocr.Back { // only the back shows the validity
		want |= ocr.ValidityWarnings(smp.ID.ValidFrom, smp.ID.ValidTo, Now)
	}
	return want
}

func count[K comparable](m map[K]*Ratio, k K, ok bool) {
	if m[k] == nil {
		m[k] = &Ratio{}
	}
	m[k].add(ok)
}

// located reports whether every corner is within a tenth of the card's
// width of the truth.
func located(got, want [4]ocr.Point) bool { return CornerError(got, want) <= 0.1 }

// CornerError is how far the worst of got's corners lies from want's, as a
// share of the card's width in the image.
func CornerError(got, want [4]ocr.Point) float64 {
	width := (want[0].Dist(want[1]) + want[3].Dist(want[2])) / 2
	worst := 0.0
	for i := range got {
		worst = max(worst, got[i].Dist(want[i]))
	}
	return worst / width
}

func calBin(conf float64) int {
	i := len(calBins) - 1
	for i > 0 && conf < calBins[i] {
		i--
	}
	return i
}

func lineTexts(ls []ocr.TextLine) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Text
	}
	return out
}

// printed is how a field's value appears on the card, for raw text
// matching: birth as 1990年1月1日 rather than 1990-01-01.
func printed(field, value string) string {
	if field == ocr.Birth {
		t, err := time.Parse("2006-01-02", value)
		if err == nil {
			return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
		}
	}
	return value
}

// rawHit reports whether a field's printed text appears in one line, or,
// for the address that wraps over lines, in the lines joined in order.
// Spaces are ignored.
func rawHit(lines []string, field, value string) bool {
	want := printed(field, value)
	norm := func(s string) string { return strings.ReplaceAll(s, " ", "") }
	if field == ocr.Address {
		return strings.Contains(norm(strings.Join(lines, "")), want)
	}
	return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(norm(l), want) })
}

// Print writes the report as a few aligned tables.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "cards %d, no card found %d, refused as too blurred %d, card located %s\n\n", r.Cards, r.NoCard, r.Blurred, r.Found)
	fmt.Fprintln(w, "field accuracy (exact text)")
	for _, f := range append(slices.Clone(ocr.FrontFields), ocr.BackFields...) {
		if x, ok := r.Fields[f]; ok {
			fmt.Fprintf(w, "  %-10s %s\n", f, x)
		}
	}
	fmt.Fprintf(w, "  %-10s %s\n\n", "whole card", r.Exact)
	fmt.Fprintln(w, "whole-card exact match by side")
	for _, s := range slices.Sorted(maps.Keys(r.BySide)) {
		fmt.Fprintf(w, "  %-10s %s\n", s, r.BySide[s])
	}
	fmt.Fprintln(w, "\nby kind     whole card exact  card located")
	for _, k := range slices.Sorted(maps.Keys(r.ByKind)) {
		fmt.Fprintf(w, "  %-10s %s  %s\n", k, r.ByKind[k], r.FoundByKind[k])
	}
	fmt.Fprintln(w, "\nwhole-card exact match by scene")
	for _, s := range slices.Sorted(maps.Keys(r.ByScene)) {
		fmt.Fprintf(w, "  %-10s %s\n", s, r.ByScene[s])
	}
	fmt.Fprintln(w, "\nwarnings                precision  recall   (tp fp fn)   false alarms on clean captures")
	for _, x := range ocr.AllWarnings {
		p := r.Warnings[x]
		fmt.Fprintf(w, "  %-21s %7s  %7s   (%d %d %d)   %s\n", x, percent(p.TP, p.TP+p.FP), percent(p.TP, p.TP+p.FN), p.TP, p.FP, p.FN, p.CleanFP)
	}
	fmt.Fprintln(w, "\nfield confidence      right")
	for i, lo := range calBins {
		hi := 1.0
		if i+1 < len(calBins) {
			hi = calBins[i+1]
		}
		fmt.Fprintf(w, "  %.2f–%.2f  %s\n", lo, hi, r.Calibration[i])
	}
	var high Ratio
	for i, lo := range calBins {
		if lo >= 0.9 {
			high.Hit += r.Calibration[i].Hit
			high.N += r.Calibration[i].N
		}
	}
	fmt.Fprintf(w, "  ≥ 0.90     %s\n", high)
	if c, b := r.Clarity[synth.Clean], r.Clarity[synth.Blur]; c != nil || b != nil {
		fmt.Fprintf(w, "\nclarity (mean)   clean %.2f   blurred %.2f\n", mean(c), mean(b))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "time per card   liveid %s (slowest %s)\n", r.PerCard().Round(time.Millisecond), r.Slowest.Round(time.Millisecond))
	fmt.Fprintf(w, "raw text accuracy (field text found in the recognised lines)\n  liveid     %s\n", r.Raw)
	switch {
	case r.Peer != nil:
		fmt.Fprintf(w, "  ocr-node   %s\n", r.Peer.Raw)
		fmt.Fprintf(w, "time per card   ocr-node %s (%s)\n", r.Peer.PerCard().Round(time.Millisecond), r.Peer.Version)
	case r.PeerNote != "":
		fmt.Fprintf(w, "peer @gutenye/ocr-node: skipped: %s\n", r.PeerNote)
	}
}

func mean(m *Mean) float64 {
	if m == nil {
		return 0
	}
	return m.Value()
}

// PerCard is the mean Read time.
func (r *Report) PerCard() time.Duration {
	if r.Cards == 0 {
		return 0
	}
	return r.Time / time.Duration(r.Cards)
}

// percent is n/of as a percentage, "—" when there is nothing to count.
func percent(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}
