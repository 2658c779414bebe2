package build

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/liveid/liveid/models"
)

// TestRuntimeLibraryChecked: a truncated or zeroed ONNX Runtime library is
// an error before it is loaded (loading a truncated one was a SIGBUS), and
// the cache's library must be the pinned one.
func TestRuntimeLibraryChecked(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the ELF check runs on Linux")
	}
	exe, err := os.Executable() // a whole ELF file to damage
	if err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zeroed := append(make([]byte, 4096), whole[4096:]...)
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path, want string
	}{
		{"truncated", write("truncated.so", whole[:len(whole)/2]), "truncated"},
		{"zeroed header, same size", write("zeroed.so", zeroed), "not a loadable ELF"},
		{"empty", write("empty.so", nil), "not a loadable ELF"},
	} {
		t.Setenv("LIVEID_ORT_LIB", c.path)
		err := CheckRuntimeLibrary(c.path, m)
		re, ok := errors.AsType[*RuntimeLibraryError](err)
		if !ok || !errors.Is(err, ErrBadRuntime) || re.Code() != "MODEL_BAD_RUNTIME" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a MODEL_BAD_RUNTIME error saying %q", c.name, err, c.want)
		}
		// InitRuntime refuses it before loading it.
		if _, err := InitRuntime(t.TempDir()); !errors.Is(err, ErrBadRuntime) {
			t.Errorf("%s: InitRuntime: %v", c.name, err)
		}
	}
	t.Setenv("LIVEID_ORT_LIB", exe)
	if err := CheckRuntimeLibrary(exe, m); err != nil {
		t.Errorf("a whole ELF file named by LIVEID_ORT_LIB: %v", err)
	}
	// The cache's library is pinned: a same-size file of other bytes is refused.
	t.Setenv("LIVEID_ORT_LIB", "")
	home := t.TempDir()
	lib, err := RuntimeLibrary(home, m)
	if err != nil {
		t.Skip(err) // no pinned library for this platform
	}
	if err := os.MkdirAll(filepath.Dir(lib), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lib, whole, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckRuntimeLibrary(lib, m); !errors.Is(err, ErrBadRuntime) || !strings.Contains(err.Error(), "the manifest pins") {
		t.Errorf("an unpinned library in the cache: %v", err)
	}
}
