package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeZip(t *testing.T, path string, files ...string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(name))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The merged AAR keeps gomobile's entries and gains ONNX Runtime for
// exactly gomobile's ABIs and the models as assets; an ABI the runtime
// lacks is refused.
func TestMergeAAR(t *testing.T) {
	dir := t.TempDir()
	goAAR, ortAAR, out := filepath.Join(dir, "go.aar"), filepath.Join(dir, "ort.aar"), filepath.Join(dir, "out.aar")
	writeZip(t, goAAR, "AndroidManifest.xml", "classes.jar", "jni/arm64-v8a/libgojni.so", "jni/armeabi-v7a/libgojni.so")
	writeZip(t, ortAAR, "classes.jar", "jni/arm64-v8a/libonnxruntime.so", "jni/armeabi-v7a/libonnxruntime.so",
		"jni/x86/libonnxruntime.so", "jni/arm64-v8a/libonnxruntime4j_jni.so")
	model := filepath.Join(dir, "blazeface.onnx")
	writeFile(t, model, "model")
	if err := mergeAAR(goAAR, ortAAR, []string{model}, out); err != nil {
		t.Fatal(err)
	}
	z, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	want := []string{"AndroidManifest.xml", "classes.jar", "jni/arm64-v8a/libgojni.so", "jni/armeabi-v7a/libgojni.so",
		"jni/arm64-v8a/libonnxruntime.so", "jni/armeabi-v7a/libonnxruntime.so", "assets/liveid/models/blazeface.onnx"}
	if !slices.Equal(names, want) {
		t.Errorf("entries %q, want %q", names, want)
	}
	writeZip(t, goAAR, "classes.jar", "jni/x86_64/libgojni.so")
	if err := mergeAAR(goAAR, ortAAR, nil, out); err == nil || !strings.Contains(err.Error(), "x86_64") {
		t.Errorf("an ABI ONNX Runtime lacks: %v", err)
	}
	writeZip(t, goAAR, "classes.jar")
	if err := mergeAAR(goAAR, ortAAR, nil, out); err == nil {
		t.Error("an AAR without gomobile's library was taken")
	}
}

// The iOS layout holds gomobile's framework as it was, the runtime's two
// slices under an Info.plist naming exactly them, and the models.
func TestLayoutIOS(t *testing.T) {
	dir := t.TempDir()
	goFW := filepath.Join(dir, "Liveid.xcframework")
	writeFile(t, filepath.Join(goFW, "Info.plist"), "go plist")
	writeFile(t, filepath.Join(goFW, "ios-arm64", "Liveid.framework", "Liveid"), "go lib")
	ort := filepath.Join(dir, "onnxruntime.xcframework")
	for _, s := range append(slices.Clone(iosSlices), struct{ id, platform, variant, archs string }{id: "ios-arm64_x86_64-maccatalyst"}) {
		writeFile(t, filepath.Join(ort, s.id, "onnxruntime.framework", "onnxruntime"), s.id)
	}
	model := filepath.Join(dir, "facemesh.onnx")
	writeFile(t, model, "model")
	out := filepath.Join(dir, "ios")
	if err := layoutIOS(goFW, ort, []string{model}, out); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"Liveid.xcframework/ios-arm64/Liveid.framework/Liveid", "LiveidModels/facemesh.onnx",
		"onnxruntime.xcframework/ios-arm64/onnxruntime.framework/onnxruntime",
		"onnxruntime.xcframework/ios-arm64_x86_64-simulator/onnxruntime.framework/onnxruntime"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "onnxruntime.xcframework", "ios-arm64_x86_64-maccatalyst")); err == nil {
		t.Error("the Mac Catalyst slice was copied")
	}
	plist, err := os.ReadFile(filepath.Join(out, "onnxruntime.xcframework", "Info.plist"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(plist), "<key>LibraryIdentifier</key>"); n != 2 || !strings.Contains(string(plist), "simulator") {
		t.Errorf("Info.plist names %d libraries:\n%s", n, plist)
	}
}
