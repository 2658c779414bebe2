package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/liveness"
)

// openPackage decrypts a sealed evidence package with the verifier's key
// and prints it; with -challenge it re-runs the liveness decision over the
// trace as a server would and says whether it equals the device's.
func openPackage(ctx context.Context, e *env, args []string) error {
	fs := flags("open")
	keyFile := fs.String("key", "", "the verifier's private key (PEM, as written by session render or liveid-server keygen)")
	chFile := fs.String("challenge", "", "the challenge the package answers (JSON): re-run the decision from its seed")
	out := fs.String("out", "", "write the best frames as JPEG into this folder")
	if err := parseN(fs, e, args, 1, "PACKAGE"); err != nil {
		return ignoreHelp(err)
	}
	if *keyFile == "" {
		return usagef("open: -key is required")
	}
	kb, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	key, err := evidence.ParsePrivateKeyPEM(kb)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	h, err := evidence.ReadHeader(data)
	if err != nil {
		return err
	}
	pkg, err := evidence.Open(data, key, h.VerificationID)
	if err != nil {
		return err
	}
	printPackage(e, pkg, len(data))
	if *out != "" {
		if err := writeBestFrames(*out, pkg); err != nil {
			return err
		}
	}
	if *chFile != "" {
		return replayPackage(e, *chFile, pkg)
	}
	return nil
}

func printPackage(e *env, pkg *evidence.Package, size int) {
	h, b := &pkg.Header, &pkg.Body
	fmt.Fprintf(e.stdout, "package      %d bytes, format %d, %s\n", size, h.Format, h.Engine)
	fmt.Fprintf(e.stdout, "verification %s (key %s), plan %s\n", h.VerificationID, h.KeyID, h.PlanHash)
	fmt.Fprintf(e.stdout, "capture      %s – %s, device %+v\n", h.CaptureStart.Format("2006-01-02 15:04:05"), h.CaptureEnd.Format("15:04:05"), h.Device)
	verdict := "fail"
	if b.Local.Pass {
		verdict = "pass"
	}
	fmt.Fprintf(e.stdout, "device says  %s %v\n", verdict, b.Local.Reasons)
	fmt.Fprintf(e.stdout, "trace        %d frames of %d landmarks\n", len(b.Trace.Frames), len(b.Trace.Indices))
	for i, p := range b.Passive {
		fmt.Fprintf(e.stdout, "passive %d    real %.3f live %.3f\n", i, p.Real, p.Live)
	}
	for i, f := range b.BestFrames {
		fmt.Fprintf(e.stdout, "best %d       t=%v score %.2f %dx%d, %d-byte JPEG\n", i, f.T, f.Score, f.Width, f.Height, len(f.JPEG))
	}
	if c := b.Compare; c != nil {
		fmt.Fprintf(e.stdout, "compare      %s vs %s: score %.1f (cosine %.3f), pass %v\n", c.Model, c.Reference, c.Score, c.Similarity, c.Pass)
	}
}

func writeBestFrames(dir string, pkg *evidence.Package) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, f := range pkg.Body.BestFrames {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("best-%d.jpg", i)), f.JPEG, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// replayPackage re-derives the plan from the challenge and re-runs the
// liveness decision over the package's trace with the device's passive
// scores.
func replayPackage(e *env, chFile string, pkg *evidence.Package) error {
	cb, err := os.ReadFile(chFile)
	if err != nil {
		return err
	}
	ch, err := engine.ParseChallenge(cb)
	if err != nil {
		return err
	}
	if engine.PlanHash(ch) != pkg.Header.PlanHash {
		return fmt.Errorf("open: the package was not made for this challenge's plan")
	}
	plan, err := liveness.NewPlan(ch.Seed, ch.Liveness)
	if err != nil {
		return err
	}
	res := engine.Replay(plan, &pkg.Body.Trace, pkg.Body.Passive)
	var replayed, device []string
	for _, r := range res.Reasons {
		replayed = append(replayed, string(r))
	}
	for _, r := range pkg.Body.Local.Reasons {
		if strings.HasPrefix(r, "LIVENESS_") {
			device = append(device, r)
		}
	}
	verdict := "agrees with"
	if !slices.Equal(replayed, device) {
		verdict = "differs from"
	}
	fmt.Fprintf(e.stdout, "replayed     liveness %v: %s the device's liveness decision\n", res, verdict)
	return nil
}
