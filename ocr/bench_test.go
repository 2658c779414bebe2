package ocr_test

import (
	"context"
	"image"
	"syscall"
	"testing"
	"time"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/ocr"
	"github.com/liveid/liveid/ocr/synth"
)

// BenchmarkOpen opens and closes the engine: its sessions, their
// warm-up runs and the character list. Besides wall time it reports the
// process's CPU time per open (cpu-ms/op, user and system, all threads),
// the cost a phone pays before the first card is read.
func BenchmarkOpen(b *testing.B) {
	dir := benchRuntime(b)
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

// BenchmarkRead reads four generated cards in turn (the synthetic set's
// first: three fronts and a back), each read once before the clock
// starts, and reports CPU time per card besides wall time.
func BenchmarkRead(b *testing.B) {
	dir := benchRuntime(b)
	e, err := ocr.Open(dir, models.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	g, err := synth.New(build.Home())
	if err != nil {
		b.Skipf("generator fonts missing (run make setup): %v", err)
	}
	var imgs []image.Image
	for _, s := range synth.Set(4, 1) {
		img := g.Make(s).Image
		if _, err := e.Read(context.Background(), img, ocr.AnySide); err != nil {
			b.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	cpu0 := cpuTime(b)
	i := 0
	for b.Loop() {
		if _, err := e.Read(context.Background(), imgs[i%len(imgs)], ocr.AnySide); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Milliseconds())/float64(b.N), "cpu-ms/card")
}

// benchRuntime starts the runtime from the cache and returns the model
// directory, skipping without the cache.
func benchRuntime(b *testing.B) string {
	home := build.Home()
	if _, err := build.InitRuntime(home); err != nil {
		b.Skipf("runtime missing (run make setup): %v", err)
	}
	return build.ModelDir(home)
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
