package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/ocr"
)

// modelsVerify rechecks the model directory: each model's sha256 against
// the manifest, that ONNX Runtime loads it, and one inference on zeros; and
// each asset's sha256.
func modelsVerify(ctx context.Context, e *env, args []string) error {
	if err := parse(flags("models verify"), e, args); err != nil {
		return ignoreHelp(err)
	}
	m, _, dir, err := initRuntime()
	if err != nil {
		return err
	}
	pin := "sha256 checked against the manifest"
	if os.Getenv("LIVEID_ORT_LIB") != "" {
		pin = "from LIVEID_ORT_LIB: not pinned, checked to be a whole ELF file"
	}
	fmt.Fprintf(e.stdout, "runtime  ONNX Runtime %s (%s)\n", models.RuntimeVersion(), pin)
	failed := 0
	for i := range m.Models {
		md := &m.Models[i]
		elapsed, err := verifyModel(dir, md)
		if err != nil {
			failed++
			fmt.Fprintf(e.stdout, "FAIL  %-15s %s\n", md.Name, oneLine(err.Error()))
			continue
		}
		file, sum := md.Chosen()
		fmt.Fprintf(e.stdout, "OK    %-15s sha256 %s  inference %s  (%s.onnx)\n", md.Name, sum, elapsed.Round(10*time.Microsecond), file)
	}
	for i := range m.Assets {
		a := &m.Assets[i]
		if err := verifyAsset(dir, a.Name); err != nil {
			failed++
			fmt.Fprintf(e.stdout, "FAIL  %-15s %s\n", a.Name, oneLine(err.Error()))
			continue
		}
		fmt.Fprintf(e.stdout, "OK    %-15s sha256 %s\n", a.Name, a.SHA256)
	}
	if n := len(m.Models) + len(m.Assets); failed > 0 {
		return fmt.Errorf("%d of %d models and assets failed verification (run make setup)", failed, n)
	}
	return nil
}

// assetChecks read an asset as the stage that uses it does, which checks
// more than its hash (the OCR character list must fit the model).
var assetChecks = map[string]func(dir string) error{
	ocr.KeysAsset: func(dir string) error { _, err := ocr.ReadKeys(dir); return err },
}

// verifyAsset checks an asset's sha256 and, when its stage has one, its
// stage's own check.
func verifyAsset(dir, name string) error {
	if check, ok := assetChecks[name]; ok {
		return check(dir)
	}
	_, err := models.ReadAsset(dir, name)
	return err
}

// verifyModel opens the model as every stage does (pinned hash, warm-up)
// and times one more run.
func verifyModel(dir string, md *models.Model) (time.Duration, error) {
	var shapes map[string][]int64
	if md.Input.Example != nil {
		shapes = map[string][]int64{md.Input.Name: md.Input.Example}
	}
	s, err := models.Open(dir, md.Name, models.Options{}, shapes)
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
