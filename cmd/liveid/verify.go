package main

import (
	"context"
	"fmt"
	"time"

	"github.com/liveid/liveid/internal/infer"
	"github.com/liveid/liveid/models"
)

// modelsVerify rechecks every cached model: its sha256 against the
// manifest, that ONNX Runtime loads it, and one inference on zeros.
func modelsVerify(ctx context.Context, e *env, args []string) error {
	if err := parse(flags("models verify"), e, args); err != nil {
		return ignoreHelp(err)
	}
	m, home, err := initRuntime()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "runtime  ONNX Runtime %s\n", infer.RuntimeVersion())
	failed := 0
	for i := range m.Models {
		md := &m.Models[i]
		elapsed, err := verifyModel(home, md)
		if err != nil {
			failed++
			fmt.Fprintf(e.stdout, "FAIL  %-15s %s\n", md.Name, oneLine(err.Error()))
			continue
		}
		fmt.Fprintf(e.stdout, "OK    %-15s sha256 %s  inference %s\n", md.Name, md.SHA256, elapsed.Round(10*time.Microsecond))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d models failed verification (run make setup)", failed, len(m.Models))
	}
	return nil
}

// verifyModel opens the model with its pinned hash and times one run after
// a warm-up.
func verifyModel(home string, md *models.Model) (time.Duration, error) {
	opts := infer.Options{SHA256: md.SHA256, WarmUp: true}
	if md.Input.Example != nil {
		opts.Shapes = map[string][]int64{md.Input.Name: md.Input.Example}
	}
	s, err := infer.Open(md.Path(home), opts)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	in, out := s.NewInputs(), s.NewOutputs()
	start := time.Now()
	if err := s.Run(in, out); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
