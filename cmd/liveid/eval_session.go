package main

import (
	"context"

	"github.com/liveid/liveid/engine/eval"
	"github.com/liveid/liveid/models/build"
)

// evalSession renders SIMULATED sessions at the pixel level and runs them
// through the engine: BPCER and APCER per attack instrument.
func evalSession(ctx context.Context, e *env, args []string) error {
	fs := flags("eval session")
	genuine := fs.Int("genuine", 12, "bona fide sessions")
	attacks := fs.Int("attacks", 4, "sessions per attack kind")
	seed := fs.Uint64("seed", 1, "seed of every session")
	iris := fs.Int("iris-every", 0, "run the iris model on one frame in `n` where the eyes do not matter frame by frame (0: the engine's default)")
	if err := parse(fs, e, args); err != nil {
		return ignoreHelp(err)
	}
	if *genuine < 1 || *attacks < 1 {
		return usagef("eval session: -genuine and -attacks must be at least 1")
	}
	rep, err := eval.Run(ctx, eval.Options{Home: build.Home(), Genuine: *genuine, Attacks: *attacks, Seed: *seed, IrisEvery: *iris})
	if err != nil {
		return err
	}
	return rep.Write(e.stdout)
}
