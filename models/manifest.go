package models

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed manifest.json
var manifestJSON []byte

// Manifest lists the pinned packages, the runtime, every model liveid uses
// and the other files its model directory holds.
type Manifest struct {
	Packages []Package `json:"packages"`
	Runtime  Runtime   `json:"runtime"`
	Models   []Model   `json:"models"`
	Assets   []Asset   `json:"assets"`
}

// Package is one pinned npm package and the files liveid takes from it.
type Package struct {
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	Integrity string   `json:"integrity"` // npm's SRI string (sha512)
	Licence   string   `json:"licence"`
	Extract   []string `json:"extract"` // paths relative to the package root
}

// ID is the package's name@version.
func (p *Package) ID() string { return p.Name + "@" + p.Version }

// Runtime names the ONNX Runtime shared library per GOOS-GOARCH, and pins
// the sha256 of each, checked before the desktop loads it.
type Runtime struct {
	Package string            `json:"package"`
	Files   map[string]string `json:"files"`
	SHA256  map[string]string `json:"sha256"`
}

// Model describes one ONNX model as liveid runs it.
type Model struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`    // "tfjs-graph", "faceapi-resnet" or "onnx"
	Package string   `json:"package"` // package name, version from Packages
	File    string   `json:"file"`    // source file inside the package
	Origin  string   `json:"origin"`
	Licence string   `json:"licence"`
	SHA256  string   `json:"sha256"` // of the final ONNX file
	Input   Input    `json:"input"`
	Outputs []Output `json:"outputs"`
}

// Input says what tensor a model wants: value = (pixel - Mean[c]) / Std[c]
// with pixels on 0..255 in the given channel order.
type Input struct {
	Name   string    `json:"name"`
	Shape  []int64   `json:"shape"`  // -1 for a free batch dimension
	Layout string    `json:"layout"` // "NHWC" or "NCHW"
	Color  string    `json:"color"`  // "RGB" or "BGR"
	Mean   []float32 `json:"mean"`
	Std    []float32 `json:"std"`
	// Example fixes the free dimensions of models whose H/W are dynamic,
	// for checks that run one inference (liveid models verify).
	Example []int64 `json:"example,omitempty"`
}

// Output is one named model output.
type Output struct {
	Name    string  `json:"name"`
	Shape   []int64 `json:"shape"`
	Meaning string  `json:"meaning"`
}

// Asset is a file other than a model that a stage reads from the model
// directory, copied there from a package as it is.
type Asset struct {
	Name    string `json:"name"` // file name in the model directory
	Package string `json:"package"`
	File    string `json:"file"` // source file inside the package
	SHA256  string `json:"sha256"`
	Meaning string `json:"meaning"`
}

// Load parses the manifest compiled into the binary.
func Load() (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return nil, fmt.Errorf("models: manifest: %w", err)
	}
	return &m, nil
}

// Model returns the named model.
func (m *Manifest) Model(name string) (*Model, error) {
	for i := range m.Models {
		if m.Models[i].Name == name {
			return &m.Models[i], nil
		}
	}
	return nil, fmt.Errorf("%w: model %q is not in the manifest", ErrUnknown, name)
}

// Asset returns the named asset.
func (m *Manifest) Asset(name string) (*Asset, error) {
	for i := range m.Assets {
		if m.Assets[i].Name == name {
			return &m.Assets[i], nil
		}
	}
	return nil, fmt.Errorf("%w: asset %q is not in the manifest", ErrUnknown, name)
}

// Package returns the named package.
func (m *Manifest) Package(name string) (*Package, error) {
	for i := range m.Packages {
		if m.Packages[i].Name == name {
			return &m.Packages[i], nil
		}
	}
	return nil, fmt.Errorf("%w: package %q is not in the manifest", ErrUnknown, name)
}
