package eval

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// FARs are the rates the report and the calibration speak of.
var FARs = []float64{1e-2, 1e-3, 1e-4}

// Calibration is what compare's calib.go takes from a Result: the cosine
// scored 0 and the thresholds at FAR 1e-2, 1e-3, 1e-4. 1e-2 is measured;
// 1e-3 and 1e-4 are the larger of the measured and the normal-tail value,
// since the pair set holds too few independent impostors to trust either
// alone.
func (r *Result) Calibration() (lo float64, at [3]float64) {
	s := r.Scores
	at[0] = s.Threshold(1e-2)
	for i, far := range FARs[1:] {
		at[i+1] = max(s.Threshold(far), s.GaussThreshold(far), at[i])
	}
	// The impostor median scores 25: half-way from 0 to the 1e-2 threshold's 50.
	m := median(s.Impostor)
	return m - (at[0] - m), at
}

// Write prints the report.
func (rep *Report) Write(w io.Writer) error {
	p := &printer{w: w}
	p.f("compare eval: %d faces of %d people; %d images located and embedded\n", rep.Faces, rep.People, rep.Items)
	if len(rep.Skipped) > 0 {
		p.f("  thumbnails without a face: %s\n", strings.Join(rep.Skipped, ", "))
	}
	for _, k := range slices.Sorted(maps.Keys(rep.Failures)) {
		p.f("  refused: %-35s %d\n", k, rep.Failures[k])
	}
	p.f("\n%-15s %-21s %8s %9s %6s %9s %9s %8s %8s %8s %8s\n", "model", "mode", "genuine", "impostor", "EER", "TAR@1e-2", "TAR@1e-3", "t@1e-2", "t@1e-3", "t@1e-4", "embed")
	for _, r := range rep.Results {
		s := r.Scores
		eer, _ := s.EER()
		_, at := r.Calibration()
		p.f("%-15s %-21s %8d %9d %5.2f%% %8.2f%% %8.2f%% %8.3f %8.3f %8.3f %8s\n", r.Model, r.Mode, len(s.Genuine), len(s.Impostor),
			100*eer, 100*s.TAR(at[0]), 100*s.TAR(at[1]), at[0], at[1], at[2], r.Embed.Round(10_000))
	}
	p.f("\nTAR by kind of genuine pair, at each model's FAR 1e-3 threshold (pairs); refused images are in no pair\n")
	for _, r := range rep.Results {
		_, at := r.Calibration()
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(r.ByKind)) {
			g := r.ByKind[k]
			parts = append(parts, fmt.Sprintf("%s %.1f%% (%d)", k, 100*g.TAR(at[1]), len(g.Genuine)))
		}
		p.f("%-15s %-21s %s\n", r.Model, r.Mode, strings.Join(parts, ", "))
	}
	p.f("\ncalibration (cosine scored 0; thresholds at FAR 1e-2, 1e-3, 1e-4; the last two the larger of measured and normal fit)\n")
	for _, r := range rep.Results {
		if r.Mode == PortraitAsPhoto {
			continue
		}
		lo, at := r.Calibration()
		sc := r.Scores
		p.f("%-15s %-21s cal(%.3f, %.3f, %.3f, %.3f)  1e-3 measured %.3f fit %.3f, 1e-4 measured %.3f fit %.3f\n", r.Model, r.Mode, lo, at[0], at[1], at[2],
			sc.Threshold(1e-3), sc.GaussThreshold(1e-3), sc.Threshold(1e-4), sc.GaussThreshold(1e-4))
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}

// WritePlots draws the ROC curves of each mode and the score histograms
// into dir: roc-<mode>.png and hist-<mode>.png.
func (rep *Report) WritePlots(dir string) error {
	for _, mode := range Modes {
		var curves []Curve
		var hists []Hist
		for _, r := range rep.Results {
			if r.Mode != mode {
				continue
			}
			_, at := r.Calibration()
			curves = append(curves, r.Scores.ROC(r.Model))
			hists = append(hists, Hist{Name: r.Model, Genuine: r.Scores.Genuine, Impostor: r.Scores.Impostor, Thresholds: at[:2]})
		}
		if len(curves) == 0 {
			continue
		}
		title := fmt.Sprintf("liveid compare, %s mode: %d faces of %d people", mode, rep.Faces, rep.People)
		if err := WriteROC(filepath.Join(dir, "roc-"+string(mode)+".png"), title, curves); err != nil {
			return err
		}
		if err := WriteHistograms(filepath.Join(dir, "hist-"+string(mode)+".png"), title, hists); err != nil {
			return err
		}
	}
	return nil
}
