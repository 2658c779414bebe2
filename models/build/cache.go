package build

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
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
// CLI, tests, evaluations) call before opening a model. The library is
// checked first (CheckRuntimeLibrary): a damaged one is an error, where
// loading it would crash the process.
func InitRuntime(home string) (*models.Manifest, error) {
	m, err := models.Load()
	if err != nil {
		return nil, err
	}
	lib, err := RuntimeLibrary(home, m)
	if err != nil {
		return nil, err
	}
	if err := CheckRuntimeLibrary(lib, m); err != nil {
		return nil, err
	}
	return m, models.InitRuntime(lib)
}

// ErrBadRuntime is matched by every *RuntimeLibraryError.
var ErrBadRuntime = errors.New("models: the ONNX Runtime library is damaged or not the pinned one")

// RuntimeLibraryError reports an ONNX Runtime library that cannot be
// loaded safely: not the pinned file, or an ELF file cut short. It
// matches ErrBadRuntime.
type RuntimeLibraryError struct {
	Path, Detail string
}

func (e *RuntimeLibraryError) Error() string {
	hint := " (run make setup)"
	if os.Getenv("LIVEID_ORT_LIB") != "" {
		hint = " (named by LIVEID_ORT_LIB)"
	}
	return fmt.Sprintf("models: ONNX Runtime library %s: %s%s", e.Path, e.Detail, hint)
}

// Is reports whether target is ErrBadRuntime.
func (e *RuntimeLibraryError) Is(target error) bool { return target == ErrBadRuntime }

// Code is the error's stable code, MODEL_BAD_RUNTIME.
func (e *RuntimeLibraryError) Code() string { return "MODEL_BAD_RUNTIME" }

// CheckRuntimeLibrary checks the library at lib before it is loaded. The
// cache's own library must have the manifest's sha256. One named by
// LIVEID_ORT_LIB cannot be pinned, so on Linux it must at least be a
// whole ELF file: every segment the loader maps must lie within the file,
// since touching a mapped page past its end is a SIGBUS, not an error. A
// bare name the dynamic loader resolves is not checked.
func CheckRuntimeLibrary(lib string, m *models.Manifest) error {
	if os.Getenv("LIVEID_ORT_LIB") == "" {
		want := m.Runtime.SHA256[runtime.GOOS+"-"+runtime.GOARCH]
		got, err := fileSHA256(lib)
		switch {
		case err != nil:
			return &RuntimeLibraryError{Path: lib, Detail: err.Error()}
		case got != want:
			return &RuntimeLibraryError{Path: lib, Detail: fmt.Sprintf("sha256 %s, the manifest pins %s", got, want)}
		}
	}
	if filepath.Base(lib) == lib || runtime.GOOS != "linux" {
		return nil
	}
	return checkELF(lib)
}

func hasELFMagic(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	return err == nil && string(magic[:]) == elf.ELFMAG
}

// checkELF refuses a file that is not ELF or whose loadable segments run
// past its end.
func checkELF(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		if hasELFMagic(path) {
			return &RuntimeLibraryError{Path: path, Detail: "truncated or damaged ELF file: " + err.Error()}
		}
		return &RuntimeLibraryError{Path: path, Detail: "not a loadable ELF library: " + err.Error()}
	}
	defer f.Close()
	fi, err := os.Stat(path)
	if err != nil {
		return &RuntimeLibraryError{Path: path, Detail: err.Error()}
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && (p.Off > uint64(fi.Size()) || p.Filesz > uint64(fi.Size())-p.Off) {
			return &RuntimeLibraryError{Path: path, Detail: fmt.Sprintf("truncated: a segment ends at byte %d of a %d-byte file", p.Off+p.Filesz, fi.Size())}
		}
	}
	return nil
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
