package main

import (
	"context"

	liveval "github.com/liveid/liveid/liveness/eval"
	"github.com/liveid/liveid/models/build"
)

// evalLiveness runs the liveness decision on simulated genuine sessions and
// attacks and prints BPCER and APCER per attack kind.
func evalLiveness(ctx context.Context, e *env, args []string) error {
	fs := flags("eval liveness")
	genuine := fs.Int("genuine", 200, "genuine sessions")
	attacks := fs.Int("attacks", 40, "sessions per attack kind")
	seed := fs.Uint64("seed", 1, "seed of every random choice (same seed, same table)")
	if err := parse(fs, e, args); err != nil {
		return ignoreHelp(err)
	}
	if *genuine < 1 || *attacks < 1 {
		return usagef("eval liveness: -genuine and -attacks must be at least 1")
	}
	rep, err := liveval.Run(ctx, liveval.Options{Home: build.Home(), Genuine: *genuine, Attacks: *attacks, Seed: *seed})
	if err != nil {
		return err
	}
	return rep.Write(e.stdout)
}
