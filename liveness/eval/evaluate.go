package eval

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/liveid/liveid/liveness"
)

// Kind is a kind of simulated presentation.
type Kind int

// The kinds Run simulates.
const (
	Genuine       Kind = iota // a real head following the prompts
	StillPhoto                // a print held still
	MovedPhoto                // a print turned, tilted and moved per prompt, eyes and mouth cut out
	ScreenReplay              // a genuine session made under another seed, replayed on a tablet
	InjectedStill             // one genuine frame fed as the whole stream
	numKinds
)

var kindNames = [numKinds]string{"genuine", "still photo", "moved/tilted photo", "screen replay (other seed)", "injected still frame"}

func (k Kind) String() string { return kindNames[k] }

// Options configure Run. Zero counts mean the defaults.
type Options struct {
	Home    string // model cache (models.Home())
	Genuine int    // genuine sessions (default 200)
	Attacks int    // sessions per attack kind (default 40)
	Seed    uint64 // everything random derives from it
}

// Row is the outcome for one kind.
type Row struct {
	Kind     Kind
	Sessions int
	Accepted int
	Reasons  map[liveness.Reason]int // sessions giving each reason
}

// ErrorRate is BPCER for genuine rows (share rejected) and APCER for
// attack rows (share accepted).
func (r Row) ErrorRate() float64 {
	if r.Sessions == 0 {
		return 0
	}
	if r.Kind == Genuine {
		return float64(r.Sessions-r.Accepted) / float64(r.Sessions)
	}
	return float64(r.Accepted) / float64(r.Sessions)
}

// Report is Run's result.
type Report struct {
	Options  Options
	Subjects []string                // the faces the heads come from
	Passive  []liveness.PassiveScore // their passive scores
	Rows     []Row                   // one per Kind, in Kind order
	Elapsed  time.Duration
}

// Run measures the liveness decision on simulated sessions. Genuine
// sessions are built from the face tracker's meshes of face-api's demo
// photos: each head is re-projected through a phone camera while it turns,
// nods, comes closer, blinks and opens its mouth by moving its own eyelid
// and lip points, with room light and the screen's flashes shaded over its
// surface normals (Lambertian). The attacks are the same heads as prints,
// moved prints, replays and injected frames. These are simulations: they
// test the logic against the physics modelled here, not against real
// cameras or materials, and the tracker only through the photos' meshes and
// passive scores; TestPhoneFramesMatchTheSimulation checks the seam from
// the tracker to Observations on real frames against what the simulation
// assumes.
func Run(ctx context.Context, opt Options) (*Report, error) {
	start := time.Now()
	subjects, err := loadSubjects(opt.Home)
	if err != nil {
		return nil, err
	}
	rep, err := evaluate(ctx, opt, subjects)
	if err != nil {
		return nil, err
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// evaluate runs the sessions of opt on the subjects; Elapsed is the
// sessions' time.
func evaluate(ctx context.Context, opt Options, subjects []subject) (*Report, error) {
	start := time.Now()
	opt.Genuine = cmp.Or(opt.Genuine, 200)
	opt.Attacks = cmp.Or(opt.Attacks, 40)
	rep := &Report{Options: opt}
	for _, s := range subjects {
		rep.Subjects = append(rep.Subjects, s.name)
		rep.Passive = append(rep.Passive, s.passive)
	}
	type job struct {
		kind Kind
		i    int
	}
	var jobs []job
	for k := range numKinds {
		n := opt.Attacks
		if k == Genuine {
			n = opt.Genuine
		}
		for i := range n {
			jobs = append(jobs, job{k, i})
		}
	}
	results := make([]liveness.Result, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range next {
				results[j] = simulate(opt.Seed, subjects, jobs[j].kind, jobs[j].i)
			}
		})
	}
feed:
	for j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep.Rows = make([]Row, numKinds)
	for k := range rep.Rows {
		rep.Rows[k] = Row{Kind: Kind(k), Reasons: map[liveness.Reason]int{}}
	}
	for j, res := range results {
		row := &rep.Rows[jobs[j].kind]
		row.Sessions++
		if res.Pass {
			row.Accepted++
		}
		for _, r := range res.Reasons {
			row.Reasons[r]++
		}
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// simulate runs session i of a kind. Everything random comes from (seed,
// kind, i), so a case is the same whatever goroutine runs it.
func simulate(seed uint64, subjects []subject, kind Kind, i int) liveness.Result {
	rng := rand.New(rand.NewPCG(seed, uint64(kind)<<32|uint64(i)))
	sub := subjects[i%len(subjects)]
	plan := mustPlan(sessionSeed(seed, kind, i, "live"))
	sc := newScene(plan, rng)
	var a actor
	switch kind {
	case Genuine:
		a = newPerson(sc, sub.head, rng)
	case StillPhoto, MovedPhoto:
		a = newPhoto(sc, sub.head, rng, kind == MovedPhoto)
	case ScreenReplay, InjectedStill:
		// A genuine session recorded under another seed, as an attacker
		// would have captured it.
		old := mustPlan(sessionSeed(seed, kind, i, "recorded"))
		rec := &recorder{actor: newPerson(newScene(old, rng), sub.head, rng)}
		runSession(old, rec, sub.passive, newClock(rng))
		if kind == InjectedStill {
			a = &injected{o: *rec.frames[len(rec.frames)/8]}
		} else {
			a = newReplay(sc, rec.frames, rng)
		}
	}
	return runSession(plan, a, sub.passive, newClock(rng))
}

// runSession plays an actor against a session until it is done, the actor
// stops or the plan's time is up.
func runSession(plan *liveness.Plan, a actor, ps liveness.PassiveScore, clk *clock) liveness.Result {
	s := liveness.NewSession(plan)
	s.AddPassive(ps)
	var p liveness.Prompt
	for t := clk.next(); t <= plan.Config.Timeout+time.Second; t = clk.next() {
		o, ok := a.frame(t, p)
		if !ok {
			break
		}
		if p = s.Observe(o); p.Phase == liveness.PhaseDone {
			break
		}
	}
	return s.Finish()
}

func sessionSeed(seed uint64, kind Kind, i int, role string) []byte {
	b := binary.BigEndian.AppendUint64(nil, seed)
	b = binary.BigEndian.AppendUint64(b, uint64(kind))
	b = binary.BigEndian.AppendUint64(b, uint64(i))
	sum := sha256.Sum256(append(b, role...))
	return sum[:]
}

// mustPlan derives a default plan; the seed is 32 bytes and the config the
// default, so it cannot fail.
func mustPlan(seed []byte) *liveness.Plan {
	p, err := liveness.NewPlan(seed, liveness.Config{})
	if err != nil {
		panic(err)
	}
	return p
}

// Write prints the report as a table.
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "liveness evaluation: SIMULATED sessions (synthetic motion, light and attacks over the tracker's meshes of real faces); not a PAD certification\n")
	fmt.Fprintf(&b, "heads: %d from face-api demo photos; seed %d; %v\n\n", len(r.Subjects), r.Options.Seed, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "%-28s %8s %8s %8s  %-14s %s\n", "presentation", "sessions", "accepted", "rejected", "error rate", "reasons given (sessions)")
	for _, row := range r.Rows {
		metric := "APCER"
		if row.Kind == Genuine {
			metric = "BPCER"
		}
		fmt.Fprintf(&b, "%-28s %8d %8d %8d  %s %6.2f%%  %s\n", row.Kind, row.Sessions, row.Accepted, row.Sessions-row.Accepted,
			metric, 100*row.ErrorRate(), reasonCounts(row.Reasons))
	}
	b.WriteString("\npassive model scores on the heads' photos (antispoof real / liveness live); attacks reuse them,\n")
	b.WriteString("as the simulation renders no recaptured pixels, so the passive models reject none of them here:\n")
	for i, s := range r.Subjects {
		fmt.Fprintf(&b, "  %-22s %.3f / %.3f\n", s, r.Passive[i].Real, r.Passive[i].Live)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func reasonCounts(m map[liveness.Reason]int) string {
	var parts []string
	for _, r := range liveness.AllReasons {
		if m[r] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, m[r]))
		}
	}
	return strings.Join(parts, ", ")
}
