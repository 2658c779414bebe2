package main

import (
	"context"
	"fmt"
	"os"

	"github.com/liveid/liveid/internal/onnxgraph"
	"github.com/liveid/liveid/models/faceapi"
	"github.com/liveid/liveid/models/tfjs"
)

// convert turns one TFJS model into an ONNX file and lists its outputs.
func convert(ctx context.Context, e *env, args []string) error {
	fs := flags("convert")
	isFaceAPI := fs.Bool("faceapi", false, "SRC is face-api's face_recognition_model-weights_manifest.json")
	if err := parseN(fs, e, args, 2, "SRC OUT.onnx"); err != nil {
		return ignoreHelp(err)
	}
	src, out := fs.Arg(0), fs.Arg(1)
	var model *onnxgraph.Model
	if *isFaceAPI {
		m, err := faceapi.Build(src)
		if err != nil {
			return err
		}
		model = m
		fmt.Fprintf(e.stdout, "output descriptor [-1,128]\n")
	} else {
		g, err := tfjs.LoadGraph(src)
		if err != nil {
			return err
		}
		m, outs, err := tfjs.Convert(g, "model")
		if err != nil {
			return err
		}
		model = m
		for _, o := range outs {
			fmt.Fprintf(e.stdout, "output %s %s (from %s)\n", o.Name, shape(o.Shape), o.Node)
		}
	}
	b, err := model.Marshal()
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}
