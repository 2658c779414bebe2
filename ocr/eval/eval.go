// Package eval measures package ocr on a synthetic card set: field
// accuracy, whole-card exact match, warning precision and recall, and time
// per card; and, next to it, the raw text accuracy and time of a peer
// engine (the same PaddleOCR models through @gutenye/ocr-node).
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
	Cards    int
	NoCard   int               // Read failed with ErrNoCard
	Fields   map[string]*Ratio // per field: read exactly
	Exact    Ratio             // cards with every field of their side exact
	ByKind   map[synth.Kind]*Ratio
	Warnings map[ocr.Warning]*PR
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

// PR counts one warning's true and false positives and misses.
type PR struct{ TP, FP, FN int }

// Result is one card's reading, for callers that look closer.
type Result struct {
	Sample *synth.Sample
	Card   *ocr.Card // nil when Read failed
	Err    error
	Time   time.Duration
}

// Run reads every spec's sample and scores it; each result also goes to
// each, if not nil.
func Run(ctx context.Context, e *ocr.Engine, g *synth.Generator, specs []synth.Spec, each func(Result)) (*Report, error) {
	r := &Report{Fields: map[string]*Ratio{}, ByKind: map[synth.Kind]*Ratio{}, Warnings: map[ocr.Warning]*PR{}}
	for _, w := range ocr.AllWarnings {
		r.Warnings[w] = &PR{}
	}
	for _, s := range specs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		smp := g.Make(s)
		start := time.Now()
		card, err := e.Read(ctx, smp.Image, smp.Want)
		el := time.Since(start)
		if err != nil && !errors.Is(err, ocr.ErrNoCard) {
			return nil, err
		}
		r.score(smp, card, el)
		if each != nil {
			each(Result{Sample: smp, Card: card, Err: err, Time: el})
		}
	}
	return r, nil
}

func (r *Report) score(smp *synth.Sample, card *ocr.Card, el time.Duration) {
	r.Cards++
	r.Time += el
	r.Slowest = max(r.Slowest, el)
	if r.ByKind[smp.Kind] == nil {
		r.ByKind[smp.Kind] = &Ratio{}
	}
	var got ocr.Warning
	exact := card != nil
	if card == nil {
		r.NoCard++
	} else {
		got = card.Warnings
	}
	for _, name := range slices.Sorted(maps.Keys(smp.Truth)) {
		if r.Fields[name] == nil {
			r.Fields[name] = &Ratio{}
		}
		ok := card != nil && card.Fields[name].Text == smp.Truth[name]
		r.Fields[name].add(ok)
		exact = exact && ok
		r.Raw.add(card != nil && rawHit(lineTexts(card.Lines), name, smp.Truth[name]))
	}
	r.Exact.add(exact)
	r.ByKind[smp.Kind].add(exact)
	for _, w := range ocr.AllWarnings {
		want, have := smp.Warnings&w != 0, got&w != 0
		switch {
		case want && have:
			r.Warnings[w].TP++
		case have:
			r.Warnings[w].FP++
		case want:
			r.Warnings[w].FN++
		}
	}
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
	fmt.Fprintf(w, "cards %d, no card found %d\n\n", r.Cards, r.NoCard)
	fmt.Fprintln(w, "field accuracy (exact text)")
	for _, f := range append(slices.Clone(ocr.FrontFields), ocr.BackFields...) {
		if x, ok := r.Fields[f]; ok {
			fmt.Fprintf(w, "  %-10s %s\n", f, x)
		}
	}
	fmt.Fprintf(w, "  %-10s %s\n\n", "whole card", r.Exact)
	fmt.Fprintln(w, "whole-card exact match by kind")
	kinds := make([]synth.Kind, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-10s %s\n", k, r.ByKind[k])
	}
	fmt.Fprintln(w, "\nwarnings                precision  recall   (tp fp fn)")
	for _, x := range ocr.AllWarnings {
		p := r.Warnings[x]
		fmt.Fprintf(w, "  %-21s %7s  %7s   (%d %d %d)\n", x, percent(p.TP, p.TP+p.FP), percent(p.TP, p.TP+p.FN), p.TP, p.FP, p.FN)
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
