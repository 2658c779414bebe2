package main

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// modelAssets is where the AAR carries the models. Android keeps assets
// inside the APK, and ONNX Runtime reads models from files: the app copies
// them to its files directory once and opens the engine there.
const modelAssets = "assets/liveid/models/"

// mergeAAR writes out: gomobile's AAR, plus ONNX Runtime's library from
// ortAAR for every ABI gomobile built, plus the model files as assets.
// The app loads the runtime by its bare name, "libonnxruntime.so".
func mergeAAR(goAAR, ortAAR string, modelFiles []string, out string) error {
	g, err := zip.OpenReader(goAAR)
	if err != nil {
		return err
	}
	defer g.Close()
	o, err := zip.OpenReader(ortAAR)
	if err != nil {
		return err
	}
	defer o.Close()
	var abis []string
	for _, f := range g.File {
		if dir, name := path.Split(f.Name); name == "libgojni.so" && strings.HasPrefix(dir, "jni/") {
			abis = append(abis, strings.TrimSuffix(strings.TrimPrefix(dir, "jni/"), "/"))
		}
	}
	if len(abis) == 0 {
		return fmt.Errorf("%s: no jni/<abi>/libgojni.so: not an AAR of gomobile bind", goAAR)
	}
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, f := range g.File {
		if err := zw.Copy(f); err != nil {
			return err
		}
	}
	for _, abi := range abis {
		name := "jni/" + abi + "/libonnxruntime.so"
		i := slices.IndexFunc(o.File, func(f *zip.File) bool { return f.Name == name })
		if i < 0 {
			return fmt.Errorf("%s has no %s for gomobile's ABI %s", ortAAR, name, abi)
		}
		if err := zw.Copy(o.File[i]); err != nil {
			return err
		}
	}
	for _, m := range modelFiles {
		if err := addFile(zw, modelAssets+filepath.Base(m), m); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return w.Close()
}

// addFile stores a file uncompressed (models do not compress, and stored
// assets can be read in place).
func addFile(zw *zip.Writer, name, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	dst, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, f)
	return err
}
