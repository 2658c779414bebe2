package models

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/liveid/liveid/internal/onnxgraph"
	"github.com/liveid/liveid/models/faceapi"
	"github.com/liveid/liveid/models/tfjs"
)

// Convert builds the final ONNX file of one manifest model from its
// extracted source package, checks it against the manifest's sha256 and
// writes it to md.Path(home).
func Convert(home string, m *Manifest, md *Model) error {
	b, err := Build(home, m, md)
	if err != nil {
		return err
	}
	if got := SHA256Hex(b); got != md.SHA256 {
		return &ChecksumError{Model: md.Name, Want: md.SHA256, Got: got}
	}
	return writeAtomic(md.Path(home), b)
}

// ChecksumError says a built model differs from the manifest's pin.
type ChecksumError struct {
	Model, Want, Got string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("models: %s: sha256 %s, manifest pins %s", e.Model, e.Got, e.Want)
}

// Build returns the bytes of a manifest model's final ONNX file: TFJS graph
// models are converted, face-api's ResNet is assembled from its weights,
// and ready ONNX files are read as they are.
func Build(home string, m *Manifest, md *Model) ([]byte, error) {
	src, err := m.SourcePath(home, md)
	if err != nil {
		return nil, err
	}
	var model *onnxgraph.Model
	switch md.Kind {
	case "onnx":
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
		return b, nil
	case "tfjs-graph":
		g, err := tfjs.LoadGraph(src)
		if err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
		if model, _, err = tfjs.Convert(g, md.Name); err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
	case "faceapi-resnet":
		if model, err = faceapi.Build(src); err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
	default:
		return nil, fmt.Errorf("models: %s: unknown kind %q", md.Name, md.Kind)
	}
	b, err := model.Marshal()
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", md.Name, err)
	}
	return b, nil
}

// SHA256Hex is the hex sha256 of b.
func SHA256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// writeAtomic writes b so an interrupted setup never leaves a half-written
// model behind.
func writeAtomic(path string, b []byte) error {
	if err := writeAtomicFrom(path, bytes.NewReader(b)); err != nil {
		return fmt.Errorf("models: %w", err)
	}
	return nil
}

// FileSHA256 is the hex sha256 of a file.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
