package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/ocr"
	"github.com/liveid/liveid/ocr/eval"
	"github.com/liveid/liveid/ocr/synth"
	"github.com/liveid/liveid/ocr/synth/wild"
)

// openOCR loads the ONNX Runtime and the PP-OCR models from the cache; it
// returns the model directory too.
func openOCR() (*ocr.Engine, string, error) {
	_, _, dir, err := initRuntime()
	if err != nil {
		return nil, "", err
	}
	e, err := ocr.Open(dir, models.Options{})
	return e, dir, err
}

// ocrRead reads one ID card photo and prints its side, fields, problems
// and warnings.
func ocrRead(ctx context.Context, e *env, args []string) error {
	fs := flags("ocr")
	sideName := fs.String("side", "any", "the side the user was asked to show: front, back or any (wrong-side warning)")
	portrait := fs.String("portrait", "", "write the front's portrait to this PNG")
	cardOut := fs.String("card", "", "write the rectified card to this PNG")
	verbose := fs.Bool("v", false, "also print every recognised line")
	if err := parseN(fs, e, args, 1, "IMAGE"); err != nil {
		return ignoreHelp(err)
	}
	want, ok := map[string]ocr.Side{"any": ocr.AnySide, "front": ocr.Front, "back": ocr.Back}[*sideName]
	if !ok {
		return usagef("ocr: -side %q: want front, back or any", *sideName)
	}
	f, err := openImage(fs.Arg(0))
	if err != nil {
		return err
	}
	img, err := ocr.Decode(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	eng, _, err := openOCR()
	if err != nil {
		return err
	}
	defer eng.Close()
	card, err := eng.Read(ctx, img, want)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "side      %s\n", card.Side)
	fields := ocr.FrontFields
	if card.Side == ocr.Back {
		fields = ocr.BackFields
	}
	for _, name := range fields {
		if f, ok := card.Fields[name]; ok {
			fmt.Fprintf(e.stdout, "%-9s %s  (%.2f)\n", name, f.Text, f.Conf)
		} else {
			fmt.Fprintf(e.stdout, "%-9s -\n", name)
		}
	}
	for _, p := range card.Problems {
		fmt.Fprintf(e.stdout, "problem   %s\n", p)
	}
	fmt.Fprintf(e.stdout, "warnings  %s\n", card.Warnings)
	if *verbose {
		for _, l := range card.Lines {
			fmt.Fprintf(e.stdout, "line      %s  (%.2f)\n", l.Text, l.Conf)
		}
	}
	if *portrait != "" && card.Portrait != nil {
		if err := writePNG(*portrait, card.Portrait); err != nil {
			return err
		}
	}
	if *cardOut != "" {
		return writePNG(*cardOut, card.Image)
	}
	return nil
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// evalOCR generates a card set, reads it and prints the scores, with the
// peer engine's on the same images.
func evalOCR(ctx context.Context, e *env, args []string) error {
	fs := flags("eval ocr")
	n := fs.Int("n", 300, "cards to generate and read")
	set := fs.String("set", "wild", "which generator: wild (independent of the tuning, ocr/synth/wild) or synth (the one ocr was tuned on)")
	split := fs.String("split", "held-out", "for -set wild: held-out (what figures are reported on) or tune (what one may look at)")
	seed := fs.Uint64("seed", 0, "first seed of the set (default: 1 for synth, the split's first seed for wild)")
	peer := fs.Bool("peer", true, "also run @gutenye/ocr-node (npm, node) on the same images")
	peerDir := fs.String("peer-dir", "", "where the peer's npm packages live (default $LIVEID_HOME/peer)")
	verbose := fs.Bool("v", false, "print every card's misses")
	if err := parse(fs, e, args); err != nil {
		return ignoreHelp(err)
	}
	if *n < 1 {
		return usagef("eval ocr: -n must be at least 1")
	}
	home := build.Home()
	first, ok := map[string]uint64{"held-out": wild.HeldOutSeed, "tune": wild.TuneSeed}[*split]
	if !ok {
		return usagef("eval ocr: -split %q: want held-out or tune", *split)
	}
	if *seed != 0 {
		first = *seed
	}
	var gen eval.Maker
	var specs []synth.Spec
	switch *set {
	case "wild":
		g, err := wild.New(home)
		if err != nil {
			return err
		}
		gen, specs = g, wild.Set(*n, first)
	case "synth":
		if *seed == 0 {
			first = 1
		}
		g, err := synth.New(home)
		if err != nil {
			return err
		}
		gen, specs = g, synth.Set(*n, first)
	default:
		return usagef("eval ocr: -set %q: want wild or synth", *set)
	}
	eng, dir, err := openOCR()
	if err != nil {
		return err
	}
	defer eng.Close()
	// One untimed read opens the lazily created sessions.
	if _, err := eng.Read(ctx, gen.Make(specs[0]).Image, ocr.AnySide); err != nil && !errors.Is(err, ocr.ErrNoCard) && !errors.Is(err, ocr.ErrTooBlurred) {
		return err
	}
	var imgDir string
	var peerIn []eval.PeerInput
	if *peer {
		if imgDir, err = os.MkdirTemp("", "liveid-eval-ocr-"); err != nil {
			return err
		}
		defer os.RemoveAll(imgDir)
	}
	var saveErr error
	rep, err := eval.Run(ctx, eng, gen, specs, func(r eval.Result) {
		if *verbose {
			printMisses(e, r)
		}
		if imgDir == "" || saveErr != nil {
			return
		}
		path := filepath.Join(imgDir, fmt.Sprintf("card-%05d.png", r.Sample.Seed))
		saveErr = writePNG(path, r.Sample.Image)
		peerIn = append(peerIn, eval.PeerInput{Path: path, Truth: r.Sample.Truth})
	})
	if err != nil {
		return err
	}
	if saveErr != nil {
		return saveErr
	}
	if *peer {
		pd := *peerDir
		if pd == "" {
			pd = filepath.Join(home, "peer")
		}
		p := &eval.Peer{Dir: pd, ModelDir: dir}
		if err := p.Install(ctx); err != nil {
			rep.PeerNote = err.Error()
		} else if rep.Peer, err = p.Run(ctx, peerIn); err != nil {
			rep.PeerNote = err.Error()
		}
	}
	name := map[string]string{"wild": "independent (ocr/synth/wild, " + *split + " split)", "synth": "tuning (ocr/synth)"}[*set]
	fmt.Fprintf(e.stdout, "liveid eval ocr: %d SIMULATED cards from the %s generator, seed %d, read on %s\n\n", *n, name, first, eval.Now.Format("2006-01-02"))
	rep.Print(e.stdout)
	return nil
}

func printMisses(e *env, r eval.Result) {
	s := r.Sample
	head := fmt.Sprintf("seed %d %s %s %s", s.Seed, s.Kind, s.Side, s.Scene)
	if r.Err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", head, r.Err)
		return
	}
	var miss []string
	for name, want := range s.Truth {
		if got := r.Card.Fields[name].Text; got != want {
			miss = append(miss, fmt.Sprintf("%s %q≠%q", name, got, want))
		}
	}
	slices.Sort(miss)
	if off := eval.CornerError(r.Card.Corners, s.Corners); off > 0.1 {
		miss = append(miss, fmt.Sprintf("corners off by %.0f%% of the card's width", 100*off))
	}
	if want := eval.WantWarnings(s); len(miss) > 0 || r.Card.Warnings != want {
		fmt.Fprintf(e.stderr, "%s: warnings %s (want %s) %s\n", head, r.Card.Warnings, want, strings.Join(miss, " "))
	}
}
