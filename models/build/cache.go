package build

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/liveid/liveid/models"
)

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

// ModelDir is the flat model directory of the cache at home: what an app
// bundles, and what every stage's Open reads.
func ModelDir(home string) string { return filepath.Join(home, "models") }

// PackageDir is where a package's files are extracted.
func PackageDir(home string, p *models.Package) string {
	return filepath.Join(home, "pkg", p.ID())
}

// tarball is where the verified tarball of p is kept.
func tarball(home string, p *models.Package) string {
	name := strings.ReplaceAll(strings.TrimPrefix(p.Name, "@"), "/", "-")
	return filepath.Join(home, "npm", name+"-"+p.Version+".tgz")
}

// PackageFile is a file extracted from the named package.
func PackageFile(home string, m *models.Manifest, pkg, file string) (string, error) {
	p, err := m.Package(pkg)
	if err != nil {
		return "", err
	}
	return filepath.Join(PackageDir(home, p), file), nil
}

// RuntimeLibrary is the ORT library for this GOOS/GOARCH in the cache,
// unless LIVEID_ORT_LIB names one.
func RuntimeLibrary(home string, m *models.Manifest) (string, error) {
	if lib := os.Getenv("LIVEID_ORT_LIB"); lib != "" {
		return lib, nil
	}
	key := runtime.GOOS + "-" + runtime.GOARCH
	f, ok := m.Runtime.Files[key]
	if !ok {
		return "", fmt.Errorf("models: no ONNX Runtime library for %s in the manifest", key)
	}
	return PackageFile(home, m, m.Runtime.Package, f)
}

// InitRuntime loads the manifest and starts ONNX Runtime from the library
// cached under home (or LIVEID_ORT_LIB): what desktop entry points (the
// CLI, tests, evaluations) call before opening a model.
func InitRuntime(home string) (*models.Manifest, error) {
	m, err := models.Load()
	if err != nil {
		return nil, err
	}
	lib, err := RuntimeLibrary(home, m)
	if err != nil {
		return nil, err
	}
	return m, models.InitRuntime(lib)
}

// SamplePhotos is how many demo photos face-api ships: liveid's real test
// faces.
const SamplePhotos = 6

// SamplePhoto is the cached path of face-api's demo photo sample<i>.jpg,
// i in 1..SamplePhotos.
func SamplePhoto(home string, i int) (string, error) {
	if i < 1 || i > SamplePhotos {
		return "", fmt.Errorf("models: no sample photo %d (1..%d)", i, SamplePhotos)
	}
	m, err := models.Load()
	if err != nil {
		return "", err
	}
	return PackageFile(home, m, "@vladmandic/face-api", fmt.Sprintf("demo/sample%d.jpg", i))
}
