package ocr_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/ocr"
)

// BenchmarkOpen opens and closes the engine: its sessions, their
// warm-up runs and the character list. Besides wall time it reports the
// process's CPU time per open (cpu-ms/op, user and system, all threads),
// the cost a phone pays before the first card is read.
func BenchmarkOpen(b *testing.B) {
	home := build.Home()
	if _, err := build.InitRuntime(home); err != nil {
		b.Skipf("runtime missing (run make setup): %v", err)
	}
	dir := build.ModelDir(home)
	cpu0 := cpuTime(b)
	for b.Loop() {
		e, err := ocr.Open(dir, models.Options{})
		if err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
