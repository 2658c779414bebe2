package loadgen

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/server"
)

// Options configure Run.
type Options struct {
	// Targets are the base URLs of the server instances. Flow i inits on
	// target i, submits on the next and describes on the one after, so
	// with two instances every package is submitted to one and described
	// on the other.
	Targets       []string
	KeyID, Secret string
	Body          *evidence.Body // the session resealed for every verification
	Flows         int
	Concurrency   int
	// Prefix makes the order numbers of a run unique.
	Prefix string
	// Retries is how often a call that fails for the transport or a 5xx
	// is tried again, on the next target (default 40, 250 ms apart): a
	// killed instance's calls move to another.
	Retries int
	// Progress is called after every flow with the number finished.
	Progress func(done int)
}

// Call names the three calls of a flow.
var Calls = []string{"init", "submit", "describe"}

// Report is what a run measured.
type Report struct {
	Flows, Failed int
	Elapsed       time.Duration
	// Latency has the sorted latencies of each call's successful attempts.
	Latency map[string][]time.Duration
	Retried int // calls that needed another attempt
	// Replayed are submissions whose retry found the decision already
	// stored: the first attempt committed but its answer was lost.
	Replayed int
	// Decided maps every verification with a decision to its decision
	// time and sub-code, as describe gave it right after the submission.
	Decided map[string]string
	Errors  []string
}

// Percentile is the p-th percentile (0..100) of sorted durations.
func Percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(d)-1))
	return d[i]
}

// Summary is the report as a few lines.
func (r *Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d flows in %v: %.2f flows/s; %d failed, %d calls retried, %d submissions found already decided on retry\n",
		r.Flows, r.Elapsed.Round(time.Millisecond), float64(r.Flows-r.Failed)/r.Elapsed.Seconds(), r.Failed, r.Retried, r.Replayed)
	for _, c := range Calls {
		l := r.Latency[c]
		fmt.Fprintf(&b, "  %-8s n=%-5d p50 %-10v p99 %-10v max %v\n", c, len(l), Percentile(l, 50).Round(time.Microsecond),
			Percentile(l, 99).Round(time.Microsecond), Percentile(l, 100).Round(time.Microsecond))
	}
	return b.String()
}

// Run drives o.Flows whole verifications, o.Concurrency at a time, and
// returns when all have finished or failed (or ctx ends).
func Run(ctx context.Context, o Options) *Report {
	if o.Retries == 0 {
		o.Retries = 40
	}
	r := &Report{Flows: o.Flows, Latency: map[string][]time.Duration{}, Decided: map[string]string{}}
	var mu sync.Mutex
	var next, done atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range max(o.Concurrency, 1) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= o.Flows || ctx.Err() != nil {
					return
				}
				f := flow{o: &o, i: i, lat: map[string][]time.Duration{}}
				err := f.run(ctx)
				mu.Lock()
				for c, l := range f.lat {
					r.Latency[c] = append(r.Latency[c], l...)
				}
				r.Retried += f.retried
				if f.replayed {
					r.Replayed++
				}
				if err != nil {
					r.Failed++
					r.Errors = append(r.Errors, fmt.Sprintf("flow %d: %v", i, err))
				} else {
					r.Decided[f.id] = f.decided
				}
				mu.Unlock()
				if o.Progress != nil {
					o.Progress(int(done.Add(1)))
				}
			}
		})
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	for _, l := range r.Latency {
		slices.Sort(l)
	}
	return r
}

// flow is one verification: init → submit → describe.
type flow struct {
	o        *Options
	i        int
	id       string
	decided  string
	lat      map[string][]time.Duration
	retried  int
	replayed bool
}

func (f *flow) client(k int) *server.Client {
	t := f.o.Targets[(f.i+k)%len(f.o.Targets)]
	return &server.Client{BaseURL: t, KeyID: f.o.KeyID, Secret: f.o.Secret}
}

// retryable: the transport failed or the server did (a killed or
// restarting instance); refusals are final.
func retryable(err error) bool {
	var e *server.Error
	if errors.As(err, &e) {
		return e.Status >= 500 || e.Status == 429
	}
	return err != nil
}

// call runs one call with retries, moving to the next target after a
// failure, and records the successful attempt's latency.
func (f *flow) call(ctx context.Context, name string, k int, do func(c *server.Client) error) error {
	var err error
	for a := 0; a <= f.o.Retries; a++ {
		if a > 0 {
			f.retried++
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(250 * time.Millisecond):
			}
		}
		t0 := time.Now()
		if err = do(f.client(k + a)); !retryable(err) {
			if err == nil {
				f.lat[name] = append(f.lat[name], time.Since(t0))
			}
			return err
		}
	}
	return err
}

func (f *flow) run(ctx context.Context) error {
	req := &server.InitRequest{OrderNo: fmt.Sprintf("%s-%06d", f.o.Prefix, f.i), UserID: fmt.Sprintf("user-%d", f.i)}
	var res *server.InitResponse
	// A repeated init of the same order gives the same verification, so
	// retrying it is safe.
	if err := f.call(ctx, "init", 0, func(c *server.Client) (err error) { res, err = c.Init(ctx, req); return }); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	f.id = res.VerificationID
	ch, err := engine.ParseChallenge(res.Challenge)
	if err != nil {
		return err
	}
	pkg, err := Reseal(f.o.Body, ch, time.Now())
	if err != nil {
		return err
	}
	attempts := 0
	err = f.call(ctx, "submit", 1, func(c *server.Client) error {
		attempts++
		_, err := c.Submit(ctx, f.id, ch.Nonce, pkg)
		return err
	})
	if attempts > 1 && errors.Is(err, server.ErrReplayed) {
		f.replayed, err = true, nil // an earlier attempt committed
	}
	if err != nil {
		return fmt.Errorf("submit %s: %w", f.id, err)
	}
	var d *server.Description
	if err := f.call(ctx, "describe", 2, func(c *server.Client) (err error) { d, err = c.Describe(ctx, f.id, ""); return }); err != nil {
		return fmt.Errorf("describe %s: %w", f.id, err)
	}
	if d.Decision == nil {
		return fmt.Errorf("describe %s after an accepted submission: state %s, no decision", f.id, d.State)
	}
	f.decided = d.DecidedAt.Format(time.RFC3339Nano) + " " + d.SubCode
	return nil
}

// Verify describes every decided verification again (on every target)
// and returns the ones whose decision is missing or differs from the one
// recorded: an acknowledged decision lost or replaced.
func Verify(ctx context.Context, o Options, decided map[string]string) []string {
	var bad []string
	for id, want := range decided {
		for k, t := range o.Targets {
			c := &server.Client{BaseURL: t, KeyID: o.KeyID, Secret: o.Secret}
			d, err := c.Describe(ctx, id, "")
			switch {
			case err != nil:
				bad = append(bad, fmt.Sprintf("%s on target %d: %v", id, k, err))
			case d.Decision == nil:
				bad = append(bad, fmt.Sprintf("%s on target %d: no decision", id, k))
			case d.DecidedAt.Format(time.RFC3339Nano)+" "+d.SubCode != want:
				bad = append(bad, fmt.Sprintf("%s on target %d: decision %s %s, acknowledged %s", id, k, d.DecidedAt, d.SubCode, want))
			}
		}
	}
	slices.Sort(bad)
	return bad
}
