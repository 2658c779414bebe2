package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/liveid/liveid/engine/synth"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

// sessionFPS is the frame rate sessions are rendered at.
const sessionFPS = 30

// sessionRender renders one simulated verification session open loop (the
// plan of -seed, followed as a person would) to -out: the camera's NV21
// frames, their layout and ground truth in frames.json, PNG previews and,
// with OpenCV, a video.
func sessionRender(ctx context.Context, e *env, args []string) error {
	fs := flags("session render")
	var names []string
	for _, k := range synth.Kinds {
		names = append(names, k.String())
	}
	kindName := fs.String("kind", synth.Genuine.String(), "what faces the camera: "+strings.Join(names, ", "))
	photo := fs.Int("photo", 3, fmt.Sprintf("the user's face: face-api demo photo 1..%d (the most frontal open-eyed face in it)", build.SamplePhotos))
	seed := fs.Uint64("seed", 1, "seed of the liveness plan and of every rendering choice (same seed, same frames)")
	out := fs.String("out", "out/session", "output directory")
	until := fs.Duration("until", 0, "render only the session's first part, up to this time (default: the whole session)")
	if err := parse(fs, e, args); err != nil {
		return ignoreHelp(err)
	}
	kind, ok := synth.ParseKind(*kindName)
	if !ok {
		return usagef("session render: -kind %q: want one of %s", *kindName, strings.Join(names, ", "))
	}
	if *photo < 1 || *photo > build.SamplePhotos {
		return usagef("session render: -photo %d: want 1..%d", *photo, build.SamplePhotos)
	}
	if *until < 0 {
		return usagef("session render: -until %v: want a positive duration", *until)
	}
	s, err := newRenderSession(kind, *photo, *seed)
	if err != nil {
		return err
	}
	return writeSession(ctx, e, s, *out, *until, renderInfo{Kind: kind.String(), Photo: *photo, Seed: *seed})
}

// newRenderSession prepares the session: the user from the photo, the
// next photo's face as the other person, the plans of seed and of the
// seed after it (what a replayed recording was made under).
func newRenderSession(kind synth.Kind, photo int, seed uint64) (*synth.Session, error) {
	home := build.Home()
	if _, err := build.InitRuntime(home); err != nil {
		return nil, err
	}
	tr, err := face.NewTracker(build.ModelDir(home), models.Options{}, face.DefaultConfig())
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	var subjects []*synth.Subject
	for i := 0; i < build.SamplePhotos && len(subjects) < 2; i++ {
		n := (photo-1+i)%build.SamplePhotos + 1
		sub, err := subjectOf(tr, home, n)
		switch {
		case errors.Is(err, synth.ErrNoFace) || errors.Is(err, synth.ErrSmallFace):
			if n == photo {
				return nil, fmt.Errorf("photo %d: %w", n, err)
			}
			continue // another photo serves as the other person
		case err != nil:
			return nil, err
		}
		subjects = append(subjects, sub)
	}
	plan, err := liveness.NewPlan(planSeed(seed), liveness.Config{})
	if err != nil {
		return nil, err
	}
	other, err := liveness.NewPlan(planSeed(seed+1), liveness.Config{})
	if err != nil {
		return nil, err
	}
	return synth.NewSession(kind, subjects, plan, other, seed)
}

func subjectOf(tr *face.Tracker, home string, photo int) (*synth.Subject, error) {
	path, err := build.SamplePhoto(home, photo)
	if err != nil {
		return nil, err
	}
	img, err := decodeImage(path)
	if err != nil {
		return nil, err
	}
	return synth.SubjectFromPhoto(tr, img)
}

// planSeed is the server seed a liveness plan is derived from, made from
// the command's numeric seed.
func planSeed(seed uint64) []byte {
	h := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("liveid/session-render/"), seed))
	return h[:]
}

// renderInfo is frames.json: how the frames are laid out, what was
// rendered, and each frame's time, prompt and ground truth.
type renderInfo struct {
	// Width and Height are the sensor image's (before Rotation and
	// Mirror), as imgproc.Frame has them.
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Format   string `json:"format"`
	Rotation int    `json:"rotation"`
	Mirror   bool   `json:"mirror"`
	FPS      int    `json:"fps"`
	Kind     string `json:"kind"`
	Photo    int    `json:"photo"`
	Seed     uint64 `json:"seed"`
	// ProbeStartMS is when the engine's light probe starts on the frames'
	// clock (the pre-check must end there) and PlanStartMS when the
	// liveness plan's clock starts, engine.ProbeTime later.
	ProbeStartMS float64     `json:"probe_start_ms"`
	PlanStartMS  float64     `json:"plan_start_ms"`
	Actions      []string    `json:"actions"`
	Frames       []frameInfo `json:"frames"`
}

type frameInfo struct {
	File        string    `json:"file"`
	TimestampMS float64   `json:"timestamp_ms"`
	Phase       string    `json:"phase"`
	Action      string    `json:"action,omitempty"`
	Screen      [3]uint8  `json:"screen"` // the colour the screen showed from this frame on
	Truth       truthInfo `json:"truth"`
}

// truthInfo is synth.Truth rounded to what it means.
type truthInfo struct {
	Subject int        `json:"subject"` // 0 the user, 1 the other person
	Faces   int        `json:"faces"`
	Gesture string     `json:"gesture,omitempty"`
	Yaw     float64    `json:"yaw"` // degrees
	Pitch   float64    `json:"pitch"`
	Roll    float64    `json:"roll"`
	Nearer  float64    `json:"nearer"`   // times nearer than at rest
	Shut    float64    `json:"shut"`     // eyelids, 0 open to 1 shut
	MouthCM float64    `json:"mouth_cm"` // jaw drop
	Emitted [3]float64 `json:"emitted"`  // linear screen light the exposure saw
}

// previewEvery: every tenth frame is also written as an upright PNG.
const previewEvery = 10

// writeSession renders s into dir, up to until when it is not zero.
func writeSession(ctx context.Context, e *env, s *synth.Session, dir string, until time.Duration, info renderInfo) error {
	for _, d := range []string{"frames", "preview"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	vid, err := newVideo(filepath.Join(dir, "session.avi"), sessionFPS, synth.Width, synth.Height)
	if err != nil {
		return err
	}
	defer vid.Close()
	sched := s.Schedule()
	info.ProbeStartMS, info.PlanStartMS = ms(sched.ProbeStart), ms(sched.PlanStart)
	for _, c := range sched.Cues {
		if c.Prompt.Phase == synth.PhaseAction {
			info.Actions = append(info.Actions, c.Prompt.Action.String())
		}
	}
	start := time.Now()
	for i := 0; ; i++ {
		t := time.Duration(i) * time.Second / sessionFPS
		if t > sched.End || until > 0 && t > until {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		fi, err := writeFrame(s, dir, i, t, sched.At(t), &info)
		if err != nil {
			return err
		}
		if err := vid.Write(s.Image()); err != nil {
			return err
		}
		info.Frames = append(info.Frames, fi)
	}
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "frames.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	n := len(info.Frames)
	fmt.Fprintf(e.stdout, "%s: %d frames (%.1f s, %s) of %s, photo %d, seed %d, actions %s, in %s (%.1f ms a frame)\n",
		dir, n, float64(n)/sessionFPS, info.Format, info.Kind, info.Photo, info.Seed, strings.Join(info.Actions, ", "),
		time.Since(start).Round(time.Millisecond), ms(time.Since(start))/float64(n))
	fmt.Fprintln(e.stdout, vid.Describe())
	return nil
}

// writeFrame renders frame i at t, writes its NV21 planes (Y then the
// interleaved VU, tight) and every previewEvery-th upright image, and
// describes it.
func writeFrame(s *synth.Session, dir string, i int, t time.Duration, p synth.Prompt, info *renderInfo) (frameInfo, error) {
	f, err := s.Frame(t, p)
	if err != nil {
		return frameInfo{}, err
	}
	info.Width, info.Height, info.Format, info.Rotation, info.Mirror, info.FPS = f.Width, f.Height, f.Format.String(), f.Rotation, f.Mirror, sessionFPS
	name := fmt.Sprintf("frames/%05d.nv21", i)
	raw := append(append(make([]byte, 0, len(f.Planes[0])+len(f.Planes[1])), f.Planes[0]...), f.Planes[1]...)
	if err := os.WriteFile(filepath.Join(dir, name), raw, 0o644); err != nil {
		return frameInfo{}, err
	}
	if i%previewEvery == 0 {
		if err := writePNG(filepath.Join(dir, fmt.Sprintf("preview/%05d.png", i)), s.Image()); err != nil {
			return frameInfo{}, err
		}
	}
	tr := s.Truth()
	fi := frameInfo{File: name, TimestampMS: round3(ms(t)), Phase: p.Phase.String(), Screen: [3]uint8{p.Screen.R, p.Screen.G, p.Screen.B},
		Truth: truthInfo{Subject: tr.Subject, Faces: tr.Faces, Yaw: round3(tr.Yaw), Pitch: round3(tr.Pitch), Roll: round3(tr.Roll),
			Nearer: round3(tr.Nearer), Shut: round3(tr.Shut), MouthCM: round3(tr.Mouth)}}
	for k, v := range tr.Emitted {
		fi.Truth.Emitted[k] = round3(float64(v))
	}
	if p.Phase == synth.PhaseAction {
		fi.Action = p.Action.String()
	}
	if tr.Gesture != 0 {
		fi.Truth.Gesture = tr.Gesture.String()
	}
	return fi, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
