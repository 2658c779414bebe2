package models

import (
	"maps"
	"sync"
	"sync/atomic"
	"time"
)

// Use is how much work one model has done in this process: a benchmark's
// or a host's own count of what a session cost, kept by Session.Run at the
// price of three atomic adds and a clock read.
type Use struct {
	Runs int64
	// Values is the input values the runs took, summed over every input
	// and the batch: a convolution's work grows with it, so a model's cost
	// at one input size scales to the others by it.
	Values int64
	// Time is the runs' wall time, the copies in and out included: with
	// one intra-op thread, the CPU time the model took unless the thread
	// was preempted.
	Time time.Duration
}

type useCounter struct{ runs, values, nanos atomic.Int64 }

var uses sync.Map // model name → *useCounter

func counterFor(name string) *useCounter {
	c, _ := uses.LoadOrStore(name, new(useCounter))
	return c.(*useCounter)
}

// Usage is every opened model's Use so far, by model name. Subtract two
// snapshots for the work between them.
func Usage() map[string]Use {
	out := map[string]Use{}
	uses.Range(func(k, v any) bool {
		c := v.(*useCounter)
		out[k.(string)] = Use{Runs: c.runs.Load(), Values: c.values.Load(), Time: time.Duration(c.nanos.Load())}
		return true
	})
	return out
}

// UsageSince is the work done since the snapshot before (a Usage result).
func UsageSince(before map[string]Use) map[string]Use {
	now := Usage()
	for name, b := range before {
		u := now[name]
		u.Runs -= b.Runs
		u.Values -= b.Values
		u.Time -= b.Time
		now[name] = u
	}
	maps.DeleteFunc(now, func(_ string, u Use) bool { return u.Runs == 0 })
	return now
}

// Run is infer.Session.Run, counted in Usage.
func (s *Session) Run(inputs, outputs [][]float32) error {
	t0 := time.Now()
	if err := s.Session.Run(inputs, outputs); err != nil {
		return err
	}
	var n int
	for _, in := range inputs {
		n += len(in)
	}
	s.use.add(n, t0)
	return nil
}

// Run is infer.DynamicSession.Run, counted in Usage.
func (s *DynamicSession) Run(input []float32, shape []int64, dst []float32) ([]float32, []int64, error) {
	t0 := time.Now()
	out, outShape, err := s.DynamicSession.Run(input, shape, dst)
	if err == nil {
		s.use.add(len(input), t0)
	}
	return out, outShape, err
}

// add counts one run of values input values that started at t0.
func (c *useCounter) add(values int, t0 time.Time) {
	c.nanos.Add(int64(time.Since(t0)))
	c.runs.Add(1)
	c.values.Add(int64(values))
}
