package models

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/liveid/liveid/internal/onnxgraph"
	"github.com/liveid/liveid/models/faceapi"
	"github.com/liveid/liveid/models/tfjs"
)

// Convert builds the final ONNX file of one manifest model from its
// extracted source package and writes it to md.Path(home): TFJS graph
// models are converted, face-api's ResNet is assembled from its weights,
// and ready ONNX files are copied.
func Convert(home string, m *Manifest, md *Model) error {
	src, err := m.SourcePath(home, md)
	if err != nil {
		return err
	}
	var model *onnxgraph.Model
	switch md.Kind {
	case "onnx":
		return copyFile(src, md.Path(home))
	case "tfjs-graph":
		g, err := tfjs.LoadGraph(src)
		if err != nil {
			return fmt.Errorf("models: %s: %w", md.Name, err)
		}
		if model, _, err = tfjs.Convert(g, md.Name); err != nil {
			return fmt.Errorf("models: %s: %w", md.Name, err)
		}
	case "faceapi-resnet":
		if model, err = faceapi.Build(src); err != nil {
			return fmt.Errorf("models: %s: %w", md.Name, err)
		}
	default:
		return fmt.Errorf("models: %s: unknown kind %q", md.Name, md.Kind)
	}
	b, err := model.Marshal()
	if err != nil {
		return fmt.Errorf("models: %s: %w", md.Name, err)
	}
	return writeAtomic(md.Path(home), b)
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	return writeAtomic(dst, b)
}

// writeAtomic writes via a temp file and rename, so an interrupted setup
// never leaves a half-written model behind.
func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("models: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("models: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("models: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("models: %w", err)
	}
	return os.Rename(tmp.Name(), path)
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
