package main

import (
	"context"

	"github.com/liveid/liveid/bench"
	"github.com/liveid/liveid/models/build"
)

// benchStages times every stage on the sample photos and synthetic cards,
// with the peer detectors as the reference in the same run when this build
// has them.
func benchStages(ctx context.Context, e *env, args []string) error {
	fs := flags("bench")
	rounds := fs.Int("rounds", 10, "timed runs per input after a warm-up")
	cards := fs.Int("cards", 10, "synthetic ID cards for the OCR stage (0: skip it)")
	withPeers := fs.Bool("peers", peersBuilt, "also time OpenCV's Haar cascade and pigo on the same photos"+peersNote)
	pigo := fs.String("pigo", "", "pigo's facefinder cascade (default: from the pigo module, found with go list)")
	session := fs.Bool("session", false, "instead, run one whole rendered session with both card sides and report its cost per stage against the goals")
	seed := fs.Uint64("seed", 1, "with -session: the seed of the challenge, the rendered user and the card")
	iris := fs.Int("iris-every", 0, "with -session: the engine's iris cadence (0: its default)")
	if err := parse(fs, e, args); err != nil {
		return ignoreHelp(err)
	}
	if *session {
		_, err := bench.SessionCost(ctx, bench.SessionOptions{Home: build.Home(), Seed: *seed, IrisEvery: *iris}, e.stdout)
		return err
	}
	if *rounds < 1 || *cards < 0 {
		return usagef("bench: -rounds must be at least 1 and -cards at least 0")
	}
	opt := bench.Options{Home: build.Home(), Rounds: *rounds, Cards: *cards}
	if *withPeers {
		ps, err := openPeers(*pigo)
		if err != nil {
			return err
		}
		defer closeAll(ps)
		opt.Peers = ps
	}
	_, err := bench.Run(ctx, opt, e.stdout)
	return err
}

func closeAll(ds []bench.Detector) {
	for _, d := range ds {
		d.Close()
	}
}
