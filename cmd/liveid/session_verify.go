package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/imgproc"
)

// sessionVerify runs the frames session render wrote through the engine,
// as a phone would deliver them, prints the guidance whenever it changes,
// and writes the sealed package with the challenge and the key that open
// it (the server's side, made up here).
func sessionVerify(ctx context.Context, e *env, args []string) error {
	fs := flags("session verify")
	out := fs.String("key-out", "", "where to write package.bin, challenge.json and key.pem (default: FRAMES_DIR)")
	if err := parseN(fs, e, args, 1, "FRAMES_DIR"); err != nil {
		return ignoreHelp(err)
	}
	dir := fs.Arg(0)
	if *out == "" {
		*out = dir
	}
	info, err := readRenderInfo(dir)
	if err != nil {
		return err
	}
	ch, key, err := renderChallenge(info.Seed)
	if err != nil {
		return err
	}
	_, _, modelDir, err := initRuntime()
	if err != nil {
		return err
	}
	// The frames were rendered open loop: the engine's light probe starts
	// at ProbeStartMS, so the pre-check must take exactly the frames before
	// it (and the plan's clock then starts at PlanStartMS).
	pre := int(math.Round(info.ProbeStartMS*float64(info.FPS)/1000)) + 1
	eng, err := engine.Open(engine.Config{Dir: modelDir, PrecheckFrames: pre})
	if err != nil {
		return err
	}
	defer eng.Close()
	s, err := eng.NewSession(ch)
	if err != nil {
		return err
	}
	if err := pushFrames(ctx, e, s, dir, info); err != nil {
		return err
	}
	res, err := s.Finish()
	if err != nil {
		return err
	}
	verdict := "fail"
	if res.Pass {
		verdict = "pass"
	}
	fmt.Fprintf(e.stdout, "device says %s %v, package %d bytes\n", verdict, res.Reasons, len(res.Package))
	return writeVerifyOutputs(*out, ch, key, res.Package)
}

// pushFrames feeds the session every frame of dir, printing the guidance
// when its phase or prompt changes.
func pushFrames(ctx context.Context, e *env, s *engine.Session, dir string, info *renderInfo) error {
	var last string
	for _, fi := range info.Frames {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := readNV21(filepath.Join(dir, fi.File), info, fi.TimestampMS)
		if err != nil {
			return err
		}
		g, err := s.Push(f)
		if err != nil {
			fmt.Fprintf(e.stdout, "%8.0f ms  error: %v\n", fi.TimestampMS, err)
			return nil
		}
		if line := fmt.Sprintf("%-9s %-28s %s", g.Phase, g.Prompt, g.Message); line != last {
			fmt.Fprintf(e.stdout, "%8.0f ms  %s\n", fi.TimestampMS, line)
			last = line
		}
		if g.Phase == engine.PhaseCapture || g.Phase == engine.PhaseFailed {
			return nil
		}
	}
	return nil
}

func readRenderInfo(dir string) (*renderInfo, error) {
	b, err := os.ReadFile(filepath.Join(dir, "frames.json"))
	if err != nil {
		return nil, err
	}
	var info renderInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "frames.json"), err)
	}
	if info.Format != imgproc.NV21.String() || info.FPS < 1 {
		return nil, fmt.Errorf("%s: format %q at %d fps; want NV21 frames", dir, info.Format, info.FPS)
	}
	return &info, nil
}

// readNV21 reads one raw frame as session render wrote it: the Y plane,
// then the interleaved VU plane, tight.
func readNV21(path string, info *renderInfo, tsMS float64) (*imgproc.Frame, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	w, h := info.Width, info.Height
	if len(raw) != w*h*3/2 {
		return nil, fmt.Errorf("%s: %d bytes, a %dx%d NV21 frame has %d", path, len(raw), w, h, w*h*3/2)
	}
	return &imgproc.Frame{Width: w, Height: h, Format: imgproc.NV21, Rotation: info.Rotation, Mirror: info.Mirror,
		Planes: [3][]byte{raw[:w*h], raw[w*h:]}, Strides: [3]int{w, w},
		Timestamp: time.Duration(tsMS * float64(time.Millisecond))}, nil
}

// renderChallenge is the challenge a server would have issued for the
// plan session render followed, and the key its evidence is sealed to.
func renderChallenge(seed uint64) (*engine.Challenge, *evidence.PrivateKey, error) {
	key, err := evidence.GenerateKey("local")
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	id := fmt.Sprintf("render-%d-%d", seed, now.UnixNano())
	return &engine.Challenge{VerificationID: id, Seed: planSeed(seed), Nonce: id, Compare: engine.NoReference,
		IssuedAt: now, ExpiresAt: now.Add(30 * time.Minute), Key: key.Public()}, key, nil
}

func writeVerifyOutputs(dir string, ch *engine.Challenge, key *evidence.PrivateKey, pkg []byte) error {
	cj, err := ch.MarshalJSON()
	if err != nil {
		return err
	}
	kp, err := key.MarshalPEM()
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{{"package.bin", pkg, 0o644}, {"challenge.json", cj, 0o644}, {"key.pem", kp, 0o600}} {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	return nil
}
