package synth

import (
	"testing"
	"time"

	"github.com/liveid/liveid/liveness"
)

// BenchmarkFrame times one 480×640 frame of each kind, from the prompt to
// the NV21 frame, over an open-loop session at 30 frames a second. It also
// reports the CPU time a frame takes (both cores together), which other
// load on the machine changes less than the wall time.
func BenchmarkFrame(b *testing.B) {
	_, subs := setup(b)
	plan := testPlan(b, "bench", liveness.Blink, liveness.Shake, liveness.NearFar)
	other := testPlan(b, "bench-other", liveness.Nod)
	for _, k := range Kinds {
		b.Run(k.String(), func(b *testing.B) {
			s, err := NewSession(k, subs, plan, other, 1)
			if err != nil {
				b.Fatal(err)
			}
			sched := s.Schedule()
			i := 0
			cpu0, cpuOK := cpuTime()
			for b.Loop() {
				t := time.Duration(i) * time.Second / 30 % sched.End
				if t == 0 && i > 0 {
					if s, err = NewSession(k, subs, plan, other, 1); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.Frame(t, sched.At(t)); err != nil {
					b.Fatal(err)
				}
				i++
			}
			if cpu1, ok := cpuTime(); ok && cpuOK {
				b.ReportMetric(float64(cpu1-cpu0)/float64(time.Millisecond)/float64(i), "cpu-ms/frame")
			}
		})
	}
}
