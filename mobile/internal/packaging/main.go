// Command packaging assembles what an app embeds around gomobile's output:
// ONNX Runtime's mobile builds, pinned by integrity in runtime.json like the
// packages of models/manifest.json and fetched the same way, and the model
// directory.
//
//	packaging fetch                          fetch and verify the runtime package; print where it is
//	packaging check                          inspect its Android and iOS libraries
//	packaging aar GO.aar OUT.aar             GO.aar (gomobile bind) + jni/<abi>/libonnxruntime.so + assets/liveid/models/
//	packaging xcframework GO.xcframework OUT GO.xcframework + onnxruntime.xcframework + LiveidModels/ into OUT
//
// The models are the engine's (face tracking, passive liveness, the default
// comparison model) from the model cache's directory.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
)

//go:embed runtime.json
var runtimeJSON []byte

// The runtime package's files, relative to its root.
const (
	ortAAR         = "Plugins/Android/onnxruntime.aar"
	ortXCFramework = "Plugins/iOS~/onnxruntime.xcframework"
)

// engineModels are the models mobile.Open loads.
var engineModels = []string{face.DetectorModel, face.MeshModel, face.IrisModel, liveness.AntiSpoofModel,
	liveness.LivenessModel, compare.DefaultModel}

func main() {
	var err error
	a := os.Args[1:]
	switch {
	case len(a) == 1 && a[0] == "fetch":
		var dir string
		if dir, err = fetch(); err == nil {
			fmt.Println(dir)
		}
	case len(a) == 1 && a[0] == "check":
		err = check()
	case len(a) == 3 && a[0] == "aar":
		err = assembleAAR(a[1], a[2])
	case len(a) == 3 && a[0] == "xcframework":
		err = assembleXCFramework(a[1], a[2])
	default:
		err = fmt.Errorf("usage: packaging fetch | check | aar GO.aar OUT.aar | xcframework GO.xcframework OUT")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "packaging:", err)
		os.Exit(1)
	}
}

// runtimePackage is runtime.json's one package.
func runtimePackage() (*models.Manifest, *models.Package, error) {
	var m models.Manifest
	if err := json.Unmarshal(runtimeJSON, &m); err != nil {
		return nil, nil, err
	}
	if len(m.Packages) != 1 {
		return nil, nil, fmt.Errorf("runtime.json: %d packages, want 1", len(m.Packages))
	}
	return &m, &m.Packages[0], nil
}

// fetch makes the runtime package available in the cache (verifying its
// integrity) and returns its directory.
func fetch() (string, error) {
	m, p, err := runtimePackage()
	if err != nil {
		return "", err
	}
	home := build.Home()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := build.Fetch(context.Background(), home, m, log); err != nil {
		return "", err
	}
	return build.PackageDir(home, p), nil
}

// modelFiles are the engine's model files in the cache's model directory.
func modelFiles() ([]string, error) {
	dir := build.ModelDir(build.Home())
	m, err := models.Load()
	if err != nil {
		return nil, err
	}
	var files []string
	for _, n := range engineModels {
		md, err := m.Model(n)
		if err != nil {
			return nil, err
		}
		file, _ := md.Chosen()
		p := models.Path(dir, file)
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%v (run make setup)", err)
		}
		files = append(files, p)
	}
	return files, nil
}

func assembleAAR(goAAR, out string) error {
	dir, err := fetch()
	if err != nil {
		return err
	}
	files, err := modelFiles()
	if err != nil {
		return err
	}
	return mergeAAR(goAAR, filepath.Join(dir, ortAAR), files, out)
}

func assembleXCFramework(goFramework, out string) error {
	dir, err := fetch()
	if err != nil {
		return err
	}
	files, err := modelFiles()
	if err != nil {
		return err
	}
	return layoutIOS(goFramework, filepath.Join(dir, ortXCFramework), files, out)
}
