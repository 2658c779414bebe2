package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
)

// verifySession runs one verification session through the engine on the
// frames session render wrote, a video file or a webcam, prints the
// guidance whenever it changes, and writes the sealed package with the
// challenge and the key that open it (the server's side, made up here).
func verifySession(ctx context.Context, e *env, args []string) error {
	a, err := parseVerify(e, args)
	if err != nil {
		return ignoreHelp(err)
	}
	defer a.src.close()
	ch, key, err := localChallenge(a.seed)
	if err != nil {
		return err
	}
	_, _, modelDir, err := initRuntime()
	if err != nil {
		return err
	}
	eng, err := engine.Open(engine.Config{Dir: modelDir, PrecheckFrames: a.precheck, Language: a.lang})
	if err != nil {
		return err
	}
	defer eng.Close()
	s, err := eng.NewSession(ch)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "session %s: seed %d, messages %s\n", ch.VerificationID, a.seed, eng.Messages().Language())
	if err := pushFrames(ctx, e, s, a.src, a.timeout); err != nil {
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
	if len(res.Messages) > 0 {
		fmt.Fprintf(e.stdout, "the user sees: %s\n", strings.Join(res.Messages, " / "))
	}
	return writeVerifyOutputs(e, a.out, a.keyOut, ch, key, res.Package)
}

// verifyArgs is verify's command line, defaults filled in, its input open.
type verifyArgs struct {
	src         frameSource
	seed        uint64
	lang        string
	precheck    int
	timeout     time.Duration
	out, keyOut string
}

func parseVerify(e *env, args []string) (*verifyArgs, error) {
	fl := flags("verify")
	video := fl.String("video", "", "read the frames from this video file (OpenCV; not in -tags nogocv builds)")
	webcam := fl.Int("webcam", -1, "read the frames from this camera, by OpenCV device index (not in -tags nogocv builds)")
	show := fl.Bool("show", false, "with -webcam: a window filled with the screen colour the session asks for, the prompt and a preview (q or Esc cancels)")
	a := &verifyArgs{}
	fl.Uint64Var(&a.seed, "seed", 0, "the challenge's seed, as session render's -seed (default: frames.json's for FRAMES_DIR, random for -video and -webcam)")
	fl.StringVar(&a.lang, "lang", "en", "language tag of the messages: "+strings.Join(engine.Languages(), ", ")+" (others get en)")
	fl.IntVar(&a.precheck, "precheck", 0, "good frames in a row that start the light probe and then the liveness check (default: where FRAMES_DIR's probe starts; else the engine's; a rendered session's video needs 31)")
	fl.DurationVar(&a.timeout, "timeout", time.Minute, "end the session unfinished, and so failed, after this long on the frames' clock")
	fl.StringVar(&a.out, "out", "", "where to write package.bin and challenge.json (default: FRAMES_DIR, else out/verify)")
	fl.StringVar(&a.keyOut, "key-out", "", "where to write key.pem, the verifier's private key (default: -out)")
	if err := parseFlags(fl, e, args); err != nil {
		return nil, err
	}
	switch {
	case a.timeout <= 0:
		return nil, usagef("verify: -timeout %v: want a positive duration", a.timeout)
	case a.precheck < 0:
		return nil, usagef("verify: -precheck %d: want a positive count", a.precheck)
	}
	seedSet := false
	fl.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	src, info, err := openSource(fl.Args(), *video, *webcam, *show)
	if err != nil {
		return nil, err
	}
	a.src = src
	switch {
	case info != nil:
		a.fromRender(info, fl.Arg(0), seedSet)
	case !seedSet:
		a.seed = randomSeed()
	}
	if a.out == "" {
		a.out = filepath.Join("out", "verify")
	}
	if a.keyOut == "" {
		a.keyOut = a.out
	}
	return a, nil
}

// fromRender takes the defaults from the render in dir: its seed, the
// pre-check that ends where its plan starts, dir for the outputs.
func (a *verifyArgs) fromRender(info *renderInfo, dir string, seedSet bool) {
	if !seedSet {
		a.seed = info.Seed
	}
	if a.precheck == 0 {
		// The frames were rendered open loop: the engine's light probe
		// starts at ProbeStartMS (the plan's clock ProbeTime later), so
		// the pre-check must take exactly the frames before it.
		a.precheck = int(math.Round(info.ProbeStartMS*float64(info.FPS)/1000)) + 1
	}
	if a.out == "" {
		a.out = dir
	}
}

// frameSource is where a session's frames come from, in order.
type frameSource interface {
	// next returns the next frame, nil at the end of the stream. The
	// frame's buffers are reused by the call after.
	next() (*imgproc.Frame, error)
	close() error
}

// guide is a frame source with a person in front of it: it shows them
// each frame's guidance and says when they quit.
type guide interface {
	show(g *engine.Guidance) (quit bool)
}

// errQuit: the person at the webcam quit the session.
var errQuit = errors.New("verify: cancelled by the user")

// openSource opens the one input the command line names. For FRAMES_DIR it
// also returns the render's frames.json.
func openSource(args []string, video string, webcam int, show bool) (frameSource, *renderInfo, error) {
	n := len(args)
	if video != "" {
		n++
	}
	if webcam >= 0 {
		n++
	}
	switch {
	case len(args) > 1:
		return nil, nil, usagef("verify: unexpected argument %q", args[1])
	case n == 0:
		return nil, nil, usagef("verify: want FRAMES_DIR, -video FILE or -webcam N")
	case n > 1:
		return nil, nil, usagef("verify: want one input of FRAMES_DIR, -video FILE and -webcam N")
	case show && webcam < 0:
		return nil, nil, usagef("verify: -show needs -webcam")
	case video != "":
		src, err := openVideo(video)
		return src, nil, err
	case webcam >= 0:
		src, err := openWebcam(webcam, show)
		return src, nil, err
	}
	return openFrames(args[0])
}

// pushFrames feeds the session every frame of src until the engine is
// done, printing the guidance when it changes. A frame the engine refuses
// fails the session, which Finish then reports; the stream ending or the
// timeout leaves the session unfinished, which fails it too.
func pushFrames(ctx context.Context, e *env, s *engine.Session, src frameSource, timeout time.Duration) error {
	var last guidanceState
	var first time.Duration
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			s.Cancel()
			return err
		}
		f, err := src.next()
		if err != nil {
			s.Cancel()
			return err
		}
		if f == nil {
			fmt.Fprintf(e.stdout, "end of the frames after %d\n", n)
			return nil
		}
		if n == 0 {
			first = f.Timestamp
		}
		if f.Timestamp-first > timeout {
			fmt.Fprintf(e.stdout, "%8.0f ms  timeout: the session is not done after %v\n", ms(f.Timestamp), timeout)
			return nil
		}
		g, err := s.Push(f)
		if err != nil {
			fmt.Fprintf(e.stdout, "%8.0f ms  error: %v\n", ms(f.Timestamp), err)
			return nil
		}
		if key := guidanceKey(&g); key != last {
			fmt.Fprintf(e.stdout, "%8.0f ms  %s\n", ms(f.Timestamp), guidanceLine(&g))
			last = key
		}
		if gd, ok := src.(guide); ok && gd.show(&g) {
			s.Cancel()
			return errQuit
		}
		if g.Phase == engine.PhaseCapture || g.Phase == engine.PhaseFailed {
			return nil
		}
	}
}

// guidanceKey is what the user sees change: the progress bar's every
// step is not worth a line.
func guidanceKey(g *engine.Guidance) guidanceState {
	return guidanceState{g.Phase, g.Prompt, g.Screen, g.Action}
}

type guidanceState struct {
	phase  engine.Phase
	prompt string
	screen liveness.Color
	action liveness.Action
}

// guidanceLine is what the UI shows: phase, prompt, the screen's colour,
// the action, progress and the message.
func guidanceLine(g *engine.Guidance) string {
	action := "-"
	if g.Action != 0 {
		action = g.Action.String()
	}
	c := g.Screen
	return fmt.Sprintf("%-9s %-28s screen #%02x%02x%02x  %-10s %3.0f%%  %s",
		g.Phase, g.Prompt, c.R, c.G, c.B, action, 100*g.Progress, g.Message)
}

// randomSeed is a seed no one could have rendered a replay for.
func randomSeed() uint64 {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return binary.BigEndian.Uint64(b[:])
}

// frames reads what session render wrote: frames.json and the raw NV21
// frames it lists.
type frames struct {
	dir  string
	info *renderInfo
	i    int
}

func openFrames(dir string) (frameSource, *renderInfo, error) {
	info, err := readRenderInfo(dir)
	if err != nil {
		return nil, nil, err
	}
	return &frames{dir: dir, info: info}, info, nil
}

func (fr *frames) next() (*imgproc.Frame, error) {
	if fr.i == len(fr.info.Frames) {
		return nil, nil
	}
	fi := &fr.info.Frames[fr.i]
	fr.i++
	return readNV21(filepath.Join(fr.dir, fi.File), fr.info, fi.TimestampMS)
}

func (*frames) close() error { return nil }

func readRenderInfo(dir string) (*renderInfo, error) {
	b, err := os.ReadFile(filepath.Join(dir, "frames.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("verify: %s: no frames.json; want a directory session render wrote", dir)
	}
	if err != nil {
		return nil, err
	}
	var info renderInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("verify: %s: %w", filepath.Join(dir, "frames.json"), err)
	}
	if info.Format != imgproc.NV21.String() || info.FPS < 1 {
		return nil, fmt.Errorf("verify: %s: format %q at %d fps; want NV21 frames", filepath.Join(dir, "frames.json"), info.Format, info.FPS)
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

// localChallenge is the challenge a server would have issued for seed's
// plan (session render's planSeed), and the key its evidence is sealed to.
func localChallenge(seed uint64) (*engine.Challenge, *evidence.PrivateKey, error) {
	key, err := evidence.GenerateKey("local")
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	id := fmt.Sprintf("local-%d-%d", seed, now.UnixNano())
	return &engine.Challenge{VerificationID: id, Seed: planSeed(seed), Nonce: id, Compare: engine.NoReference,
		IssuedAt: now, ExpiresAt: now.Add(30 * time.Minute), Key: key.Public()}, key, nil
}

// writeVerifyOutputs writes the package and its challenge to dir and the
// key that opens it to keyDir.
func writeVerifyOutputs(e *env, dir, keyDir string, ch *engine.Challenge, key *evidence.PrivateKey, pkg []byte) error {
	cj, err := ch.MarshalJSON()
	if err != nil {
		return err
	}
	kp, err := key.MarshalPEM()
	if err != nil {
		return err
	}
	for _, f := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{{filepath.Join(dir, "package.bin"), pkg, 0o644}, {filepath.Join(dir, "challenge.json"), cj, 0o644}, {filepath.Join(keyDir, "key.pem"), kp, 0o600}} {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f.path, f.data, f.mode); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", f.path)
	}
	return nil
}
