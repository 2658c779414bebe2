package bench

import (
	"context"
	"crypto/sha256"
	"fmt"
	"image"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/engine/eval"
	"github.com/liveid/liveid/engine/synth"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/ocr"
	ocrsynth "github.com/liveid/liveid/ocr/synth"
)

// The cost model the predictions rest on: a stage takes the same share of
// a core's fp32 peak on a phone as it does here, so its time scales by the
// ratio of peaks. Peak is FMA lanes × 2 × clock: this host's Zen 4 core
// two 256-bit FMAs a cycle (32 FLOP) at 3.5 GHz; a Cortex-A76 two 128-bit
// FMAs (16 FLOP) at 2.4 GHz; a Cortex-A53 one 128-bit FMA pipe (8 FLOP) at
// 1.8 GHz, the clocks of mid-range phones' big and little cores.
const (
	hostPeak = 32 * 3.5e9
	a76Peak  = 16 * 2.4e9
	a53Peak  = 8 * 1.8e9
)

// The goals the report prints next to its figures.
const (
	goalA76      = 1500 * time.Millisecond // a whole session's model work on one A76 core
	goalA53      = 4 * time.Second         // … on one A53 core
	goalA53Frame = time.Second / 30        // tracking at 30 fps on one A53 core
	goalOpen     = time.Second             // engine open, CPU here
	goalRSS      = 200 << 20               // peak resident set of a whole session with OCR
	goalModels   = 15 << 20                // the model files a phone ships
)

// SessionOptions say what SessionCost runs.
type SessionOptions struct {
	Home string
	Seed uint64 // the challenge, the rendered user and the card derive from it
	// IrisEvery is engine.Config.IrisEvery (0: the engine's default).
	IrisEvery int
}

// Stage is one part of a session and what it cost.
type Stage struct {
	Name  string
	Calls int           // frames for the face session, 1 otherwise
	CPU   time.Duration // process CPU time (user + system)
	Model time.Duration // of it, in the models' runs (models.Use.Time)
	MACs  int64         // the models' multiply-accumulates
	Uses  map[string]models.Use
}

// Cost is a whole session's cost.
type Cost struct {
	Stages         []Stage // open, card front, card back, face session, finish
	PeakRSS        int64   // bytes, from the engine's open to the sealed package
	OpenRSS        int64   // bytes resident right after the open
	BaseRSS        int64   // bytes resident before it: the renderer, the card photos, the Go runtime
	ModelBytes     int64   // the files of every model the session ran
	Models         []string
	AllocsPerFrame float64
	Pass           bool
	Reasons        []string
	macsPerValue   map[string]float64 // each model's MACs per input value, at its counting size
	files          map[string]string  // the file each model ran from (Model.Chosen)
}

// SessionCost opens the engine with OCR, reads both sides of a synthetic
// card (the front's portrait becomes the reference), runs a rendered bona
// fide session in a closed loop, finishes and seals it, and measures each
// part: CPU time on one ONNX Runtime thread, the models' MACs (CountMACs at
// one input size, scaled by the input values each run took: exact for
// convolutions, close for the recogniser's attention), the peak resident
// set, the model bytes and the allocations per frame. Rendering is left
// out of every figure but the peak resident set, which includes the
// renderer's few frames.
func SessionCost(ctx context.Context, o SessionOptions, w io.Writer) (*Cost, error) {
	if _, err := build.InitRuntime(o.Home); err != nil {
		return nil, err
	}
	dir := build.ModelDir(o.Home)
	subjects, err := eval.Subjects(o.Home, dir)
	if err != nil {
		return nil, err
	}
	front, back, err := cardPhotos(o.Home, o.Seed)
	if err != nil {
		return nil, err
	}
	ch, _, err := eval.Challenge(seedBytes(o.Seed, "challenge"), "bench")
	if err != nil {
		return nil, err
	}
	ch.Compare = engine.IDCardReference
	plan, err := liveness.NewPlan(ch.Seed, ch.Liveness)
	if err != nil {
		return nil, err
	}
	ss, err := synth.NewSession(synth.Genuine, subjects[o.Seed%uint64(len(subjects)):][:1], plan, nil, o.Seed)
	if err != nil {
		return nil, err
	}
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	c := &Cost{BaseRSS: procStatus("VmRSS:"), macsPerValue: map[string]float64{}, files: map[string]string{}}
	var e *engine.Engine
	c.measure("open", func() error {
		e, err = engine.Open(engine.Config{Dir: dir, OCR: true, IrisEvery: o.IrisEvery, Now: eval.Now})
		return err
	})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	c.OpenRSS = procStatus("VmRSS:")
	s, err := e.NewSession(ch)
	if err != nil {
		return nil, err
	}
	if err := c.measure("card front", func() error { _, err := s.ReadIDCard(ctx, front); return err }); err != nil {
		return nil, err
	}
	if err := c.measure("card back", func() error { _, err := e.ReadCard(ctx, back, ocr.Back); return err }); err != nil {
		return nil, err
	}
	if err := c.faceSession(s, ss, plan.Config.Timeout+30*time.Second); err != nil {
		return nil, err
	}
	var res *engine.Result
	c.measure("finish", func() error { res, err = s.Finish(); return err })
	if err != nil {
		return nil, err
	}
	c.Pass, c.Reasons, c.PeakRSS = res.Pass, res.Reasons, procStatus("VmHWM:")
	if err := c.count(dir); err != nil {
		return nil, err
	}
	c.Write(w)
	return c, nil
}

// measure runs f as the stage name, one call.
func (c *Cost) measure(name string, f func() error) error {
	before, t0 := models.Usage(), cpuTime()
	err := f()
	c.Stages = append(c.Stages, Stage{Name: name, Calls: 1, CPU: cpuTime() - t0, Uses: models.UsageSince(before)})
	return err
}

// faceSession drives the rendered user through s, timing Push alone.
func (c *Cost) faceSession(s *engine.Session, ss *synth.Session, limit time.Duration) error {
	st := Stage{Name: "face session"}
	before := models.Usage()
	var mallocs uint64
	var ms runtime.MemStats
	_, err := eval.Drive(ss, func(f *imgproc.Frame) (engine.Guidance, error) {
		runtime.ReadMemStats(&ms)
		m0, t0 := ms.Mallocs, cpuTime()
		g, err := s.Push(f)
		st.CPU += cpuTime() - t0
		runtime.ReadMemStats(&ms)
		mallocs += ms.Mallocs - m0
		st.Calls++
		return g, err
	}, limit)
	st.Uses = models.UsageSince(before)
	c.Stages = append(c.Stages, st)
	c.AllocsPerFrame = float64(mallocs) / float64(max(st.Calls, 1))
	return err
}

// count fills in the MACs of every stage and the bytes of the models run.
func (c *Cost) count(dir string) error {
	m, err := models.Load()
	if err != nil {
		return err
	}
	macs := c.macsPerValue
	for i := range c.Stages {
		st := &c.Stages[i]
		for name, u := range st.Uses {
			if _, ok := macs[name]; !ok {
				md, err := m.Model(name)
				if err != nil {
					return err
				}
				file, _ := md.Chosen()
				n, values, err := countAt(dir, md, file)
				if err != nil {
					return err
				}
				macs[name] = float64(n) / float64(values)
				fi, err := os.Stat(models.Path(dir, file))
				if err != nil {
					return err
				}
				c.ModelBytes += fi.Size()
				c.Models = append(c.Models, name)
				c.files[name] = file
			}
			st.MACs += int64(macs[name] * float64(u.Values))
			st.Model += u.Time
		}
	}
	slices.Sort(c.Models)
	return nil
}

// countSizes fix the counting size of the models whose input is dynamic
// beyond the batch: the engine's own sizes (two eyes; one 320-px line; a
// detection at 640×416; the orientation batch's line).
var countSizes = map[string]map[string][]int64{
	"iris":      {"input_1": {2, 64, 64, 3}},
	"ppocr_det": {"x": {1, 3, 416, 640}},
	"ppocr_rec": {"x": {1, 3, 48, 320}},
	"ppocr_cls": {"x": {1, 3, 48, 192}},
}

// countAt is the MACs of md's file at its counting size, and that size in
// values.
func countAt(dir string, md *models.Model, file string) (int64, int64, error) {
	shapes := countSizes[md.Name]
	d, ok := shapes[md.Input.Name]
	if !ok {
		d = slices.Clone(md.Input.Shape)
		d[0] = 1
	}
	n, err := CountMACs(models.Path(dir, file), shapes)
	return n, prod(d), err
}

// Write prints the report: each stage's figures, the whole session's, and
// the goals beside them. The predictions are of the models' work, the part
// the cost model covers; the rest of the CPU time (frame kernels, decoding,
// sealing, ONNX Runtime's session set-up on first use) is printed beside.
func (c *Cost) Write(w io.Writer) {
	fmt.Fprintf(w, "%-13s %6s %8s %8s %8s %7s %8s %8s  %s\n", "stage", "calls", "GMAC", "CPU ms", "model ms", "% peak", "A76 ms", "A53 ms", "model runs")
	var work Stage
	for _, st := range c.Stages {
		c.row(w, st)
		if st.Name != "open" {
			work.CPU += st.CPU
			work.Model += st.Model
			work.MACs += st.MACs
		}
	}
	work.Name, work.Calls = "session", 1
	c.row(w, work)
	c.models(w)
	if f := c.stage("face session"); f.Calls > 0 {
		per, model := f.CPU/time.Duration(f.Calls), f.Model/time.Duration(f.Calls)
		fmt.Fprintf(w, "per frame: %.2f ms CPU here, %.2f ms of it in the models: %.1f ms predicted on one A53 (goal ≤ %.1f ms: 30 fps); %.1f allocations\n",
			ms(per), ms(model), ms(scale(model, a53Peak)), ms(goalA53Frame), c.AllocsPerFrame)
	}
	fmt.Fprintf(w, "whole session's model work: %.0f ms predicted on one A76 (goal ≤ %.0f), %.0f ms on one A53 (goal ≤ %.0f); all its CPU time here %.0f ms\n",
		ms(scale(work.Model, a76Peak)), ms(goalA76), ms(scale(work.Model, a53Peak)), ms(goalA53), ms(work.CPU))
	fmt.Fprintf(w, "engine open: %.0f ms CPU here (goal ≤ %.0f)\n", ms(c.stage("open").CPU), ms(goalOpen))
	fmt.Fprintf(w, "peak resident set: %.0f MB (goal ≤ %d); %.0f MB right after the open, %.0f MB before it (the renderer's set-up, not the engine's)\n",
		float64(c.PeakRSS)/(1<<20), goalRSS>>20, float64(c.OpenRSS)/(1<<20), float64(c.BaseRSS)/(1<<20))
	fmt.Fprintf(w, "models run: %.1f MB in %d files (goal ≤ %d): %s\n", float64(c.ModelBytes)/(1<<20), len(c.Models), goalModels>>20, strings.Join(c.Models, " "))
	fmt.Fprintf(w, "decision: pass %v %v\n", c.Pass, c.Reasons)
	fmt.Fprintf(w, "model: a model's time on a phone core = its time here × this host's fp32 peak / the core's (%.0f, %.1f and %.1f GFLOP/s: Zen 4, A76, A53), the same share of peak as here; one ONNX Runtime thread\n",
		hostPeak/1e9, a76Peak/1e9, a53Peak/1e9)
}

// models prints each model's runs over the whole session.
func (c *Cost) models(w io.Writer) {
	all := map[string]models.Use{}
	for _, st := range c.Stages {
		for n, u := range st.Uses {
			a := all[n]
			a.Runs, a.Values, a.Time = a.Runs+u.Runs, a.Values+u.Values, a.Time+u.Time
			all[n] = a
		}
	}
	for _, n := range c.Models {
		u := all[n]
		macs := c.macsPerValue[n] * float64(u.Values) / float64(u.Runs)
		per := u.Time / time.Duration(u.Runs)
		fmt.Fprintf(w, "  %-10s %4d runs  %7.1f MMAC/run  %6.2f ms/run  %3.0f%% peak  (%s)\n", n, u.Runs, macs/1e6, ms(per),
			100*2*macs/per.Seconds()/hostPeak, c.files[n])
	}
}

func (c *Cost) row(w io.Writer, st Stage) {
	peak := 0.0
	if st.Model > 0 {
		peak = 100 * 2 * float64(st.MACs) / st.Model.Seconds() / hostPeak
	}
	names := make([]string, 0, len(st.Uses))
	for n, u := range st.Uses {
		names = append(names, fmt.Sprintf("%s×%d", n, u.Runs))
	}
	slices.Sort(names)
	fmt.Fprintf(w, "%-13s %6d %8.2f %8.0f %8.0f %7.0f %8.0f %8.0f  %s\n", st.Name, st.Calls, float64(st.MACs)/1e9, ms(st.CPU), ms(st.Model), peak,
		ms(scale(st.Model, a76Peak)), ms(scale(st.Model, a53Peak)), strings.Join(names, " "))
}

func (c *Cost) stage(name string) Stage {
	for _, st := range c.Stages {
		if st.Name == name {
			return st
		}
	}
	return Stage{}
}

// scale is a host time on a core of the given peak, by the cost model.
func scale(d time.Duration, peak float64) time.Duration {
	return time.Duration(float64(d) * hostPeak / peak)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS restarts the kernel's peak resident set count (Linux:
// clear_refs 5), so the peak is the session's, not the set-up's.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// procStatus is a size in /proc/self/status, in bytes: VmHWM, the peak
// resident set since resetPeakRSS, or VmRSS, the resident set now.
func procStatus(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cardPhotos are a clean front and back of one synthetic card.
func cardPhotos(home string, seed uint64) (front, back *image.RGBA, err error) {
	g, err := ocrsynth.New(home)
	if err != nil {
		return nil, nil, err
	}
	f := g.Make(ocrsynth.Spec{Seed: seed, Kind: ocrsynth.Clean, Side: ocr.Front})
	b := g.Make(ocrsynth.Spec{Seed: seed, Kind: ocrsynth.Clean, Side: ocr.Back})
	return f.Image, b.Image, nil
}

func seedBytes(seed uint64, role string) []byte {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%s", seed, role))
	return sum[:]
}
