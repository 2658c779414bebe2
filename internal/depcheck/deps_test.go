package depcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// root is the module root, from this package's directory.
var root = filepath.Join("..", "..")

// phoneSide are the packages that go to phones, as directories under the
// module root; those not written yet are skipped. Add new ones here. Their
// tests may import desktop code: only what they link counts.
var phoneSide = []string{
	"imgproc", "internal/infer", "internal/geom", "models", "face", "ocr", "liveness", "compare",
	"evidence", "engine", "mobile", "bindings",
}

// target is a platform to list the packages for: files for one GOOS or
// GOARCH can import what the others do not.
type target struct {
	name string
	env  []string
}

// phoneTargets are the platforms the phone-side packages are built for.
var phoneTargets = []target{
	{"android/arm64", []string{"GOOS=android", "GOARCH=arm64", "CGO_ENABLED=1"}},
	{"android/armv7", []string{"GOOS=android", "GOARCH=arm", "GOARM=7", "CGO_ENABLED=1"}},
	{"ios/arm64", []string{"GOOS=ios", "GOARCH=arm64", "CGO_ENABLED=1"}},
}

// cliTargets are the platforms `make cross` builds the CLI for.
var cliTargets = []target{
	{"linux/arm64", []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=1"}},
	{"linux/armv7", []string{"GOOS=linux", "GOARCH=arm", "GOARM=7", "CGO_ENABLED=1"}},
}

// forbiddenTrees are the packages, with everything under them, that must
// not reach a phone: they spawn processes, read tarballs (model fetching),
// or are desktop libraries (OpenCV, pigo, imaging, x/image, protobuf).
var forbiddenTrees = []string{
	"os/exec", "archive/tar", "gocv.io/x/gocv", "github.com/esimov/pigo",
	"github.com/disintegration/imaging", "golang.org/x/image", "google.golang.org/protobuf",
}

// desktopElems name the module's desktop-only packages by a path element
// after the first: models/build, */eval, ocr/synth, bench, the TFJS and
// face-api converters, the ONNX writer and the OpenCV checks.
var desktopElems = []string{"build", "eval", "synth", "bench", "tfjs", "faceapi", "onnxgraph", "cvcheck"}

func forbidden(path string) bool {
	for _, t := range forbiddenTrees {
		if path == t || strings.HasPrefix(path, t+"/") {
			return true
		}
	}
	elems := strings.Split(path, "/")[1:]
	return slices.ContainsFunc(desktopElems, func(e string) bool { return slices.Contains(elems, e) })
}

// TestPhoneSideDeps checks every phone-side package on every phone target
// and prints, for each forbidden package it reaches, the import chain that
// pulls it in.
func TestPhoneSideDeps(t *testing.T) {
	var dirs []string
	for _, d := range phoneSide {
		if _, err := os.Stat(filepath.Join(root, d)); err != nil {
			t.Logf("%s: not written yet", d)
			continue
		}
		dirs = append(dirs, d)
	}
	for _, tg := range phoneTargets {
		g := loadGraph(t, tg, nil, dirs)
		for _, d := range dirs {
			t.Run(d+"@"+tg.name, func(t *testing.T) {
				for _, chain := range g.chains(g.roots[d], forbidden) {
					t.Errorf("links %s: %s", chain[len(chain)-1], strings.Join(chain, " → "))
				}
			})
		}
	}
}

// TestCrossBuiltCLI checks that the CLI as `make cross` builds it links
// neither gocv nor pigo.
func TestCrossBuiltCLI(t *testing.T) {
	peers := func(p string) bool {
		return strings.HasPrefix(p, "gocv.io/x/gocv") || strings.HasPrefix(p, "github.com/esimov/pigo")
	}
	for _, tg := range cliTargets {
		g := loadGraph(t, tg, []string{"-tags", "nogocv"}, []string{"cmd/liveid"})
		for _, chain := range g.chains(g.roots["cmd/liveid"], peers) {
			t.Errorf("%s: liveid -tags nogocv links %s: %s", tg.name, chain[len(chain)-1], strings.Join(chain, " → "))
		}
	}
}

// graph is the import graph of some packages and all their dependencies.
type graph struct {
	imports map[string][]string // import path → its imports
	roots   map[string]string   // directory under the module root → import path
}

// loadGraph lists dirs and their dependencies with `go list -deps` for
// the target.
func loadGraph(t *testing.T, tg target, flags, dirs []string) *graph {
	t.Helper()
	args := append([]string{"list", "-deps", "-f", "{{if not .DepOnly}}{{.Module.Path}}{{end}}\t{{.ImportPath}}\t{{join .Imports \" \"}}"}, flags...)
	for _, d := range dirs {
		args = append(args, "./"+d)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env, cmd.Stderr = root, append(os.Environ(), tg.env...), os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: go %s: %v", tg.name, strings.Join(args, " "), err)
	}
	g := &graph{imports: map[string][]string{}, roots: map[string]string{}}
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		f := strings.Split(line, "\t")
		g.imports[f[1]] = strings.Fields(f[2])
		if f[0] != "" { // a package listed, not only a dependency: its module's path
			g.roots[strings.TrimPrefix(f[1], f[0]+"/")] = f[1]
		}
	}
	return g
}

// chains walks the imports breadth-first from pkg, not past a bad package,
// and returns the shortest import chain to each bad package it reaches.
func (g *graph) chains(pkg string, bad func(string) bool) [][]string {
	from := map[string]string{pkg: ""}
	var found [][]string
	for queue := []string{pkg}; len(queue) > 0; queue = queue[1:] {
		p := queue[0]
		if bad(p) {
			found = append(found, chain(from, p))
			continue
		}
		for _, q := range g.imports[p] {
			if _, seen := from[q]; !seen {
				from[q] = p
				queue = append(queue, q)
			}
		}
	}
	return found
}

// chain follows the breadth-first parents from p back to the root.
func chain(from map[string]string, p string) []string {
	var c []string
	for ; p != ""; p = from[p] {
		c = append(c, p)
	}
	slices.Reverse(c)
	return c
}
