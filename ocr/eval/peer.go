package eval

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/ocr"
)

//go:embed peer.mjs
var peerScript []byte

// The peer's npm packages, pinned. onnxruntime-node ships its native
// library in the tarball, so --ignore-scripts installs a working copy
// without its install script's downloads.
var peerPackages = []string{"@gutenye/ocr-node@1.4.8", "onnxruntime-node@1.30.0"}

// PeerReport is the peer's raw text accuracy and speed on the same images.
type PeerReport struct {
	Raw     Ratio
	Time    time.Duration
	Cards   int
	Version string
}

// PerCard is the peer's mean time per image.
func (p *PeerReport) PerCard() time.Duration {
	if p.Cards == 0 {
		return 0
	}
	return p.Time / time.Duration(p.Cards)
}

// PeerInput is one image for the peer and the fields it shows.
type PeerInput struct {
	Path  string
	Truth map[string]string
}

// Peer runs @gutenye/ocr-node under node, installed in Dir, on the OCR
// models of the model directory ModelDir.
type Peer struct {
	Dir, ModelDir string
}

// Install puts the peer's packages in p.Dir with npm unless they are
// there already.
func (p *Peer) Install(ctx context.Context) error {
	if _, err := os.Stat(p.pkgJSON()); err == nil {
		return nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return fmt.Errorf("npm is not installed")
	}
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return err
	}
	args := append([]string{"install", "--prefix", p.Dir, "--ignore-scripts", "--no-audit", "--no-fund"}, peerPackages...)
	out, err := exec.CommandContext(ctx, "npm", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("npm install %s: %v: %s", strings.Join(peerPackages, " "), err, lastLine(out))
	}
	return nil
}

func (p *Peer) pkgJSON() string {
	return filepath.Join(p.Dir, "node_modules", "@gutenye", "ocr-node", "package.json")
}

// Run reads every input with the peer and scores its lines as Report.Raw
// scores ours.
func (p *Peer) Run(ctx context.Context, inputs []PeerInput) (*PeerReport, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return nil, fmt.Errorf("node is not installed")
	}
	script := filepath.Join(p.Dir, "liveid-peer.mjs") // beside node_modules, so its imports resolve
	if err := os.WriteFile(script, peerScript, 0o644); err != nil {
		return nil, err
	}
	var list bytes.Buffer
	truth := map[string]map[string]string{}
	for _, in := range inputs {
		list.WriteString(in.Path + "\n")
		truth[in.Path] = in.Truth
	}
	listFile := filepath.Join(p.Dir, "liveid-peer-list.txt")
	if err := os.WriteFile(listFile, list.Bytes(), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "node", script, models.Path(p.ModelDir, ocr.DetModel), models.Path(p.ModelDir, ocr.RecModel), filepath.Join(p.ModelDir, ocr.KeysAsset), listFile)
	cmd.Dir = p.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node: %v: %s", err, lastLine(stderr.Bytes()))
	}
	rep := &PeerReport{Version: p.version()}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var res struct {
			File  string
			MS    float64
			Lines []string
		}
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			return nil, fmt.Errorf("peer output: %v", err)
		}
		rep.Cards++
		rep.Time += time.Duration(res.MS * float64(time.Millisecond))
		for _, name := range slices.Sorted(maps.Keys(truth[res.File])) {
			rep.Raw.add(rawHit(res.Lines, name, truth[res.File][name]))
		}
	}
	if rep.Cards != len(inputs) {
		return nil, fmt.Errorf("peer read %d of %d images", rep.Cards, len(inputs))
	}
	return rep, nil
}

func (p *Peer) version() string {
	data, err := os.ReadFile(p.pkgJSON())
	if err != nil {
		return "@gutenye/ocr-node"
	}
	var pkg struct{ Version string }
	if json.Unmarshal(data, &pkg) != nil {
		return "@gutenye/ocr-node"
	}
	return "@gutenye/ocr-node " + pkg.Version
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
