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
	// Int8 is the model's int8 variant, if it has one; Variant says which
	// file the stages open: "int8", or "fp32" (or empty) for the float one.
	Int8    *Int8  `json:"int8,omitempty"`
	Variant string `json:"variant,omitempty"`
}

// Int8 is a model's int8 QDQ variant, <name>_int8.onnx, which models/build
// quantises from the float graph with activation ranges calibrated on the
// sample photos.
type Int8 struct {
	SHA256 string `json:"sha256"`
	// Note gives the accuracy and speed measured against the float model
	// and why Variant does or does not choose it.
	Note string `json:"note"`
}

// Chosen is the model file the stages open (the variant's) and its pinned
// sha256.
func (md *Model) Chosen() (name, sha256 string) {
	if md.Variant == "int8" && md.Int8 != nil {
		return md.Name + "_int8", md.Int8.SHA256
	}
	return md.Name, md.SHA256
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
