package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// iosSlices are the slices of ONNX Runtime's xcframework an app needs:
// devices and the simulator (the package's Mac Catalyst slice is left out).
var iosSlices = []struct{ id, platform, variant, archs string }{
	{"ios-arm64", "ios", "", "<string>arm64</string>"},
	{"ios-arm64_x86_64-simulator", "ios", "simulator", "<string>arm64</string><string>x86_64</string>"},
}

// layoutIOS writes out/: gomobile's framework as it is, ONNX Runtime's
// xcframework of static libraries (the app links it, and the engine finds
// it with mobile.LinkedRuntime), and LiveidModels/, a folder to add to the
// app bundle as a folder reference.
func layoutIOS(goFramework, ortXCF string, modelFiles []string, out string) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := copyTree(goFramework, filepath.Join(out, filepath.Base(goFramework))); err != nil {
		return err
	}
	xcf := filepath.Join(out, "onnxruntime.xcframework")
	plist := ""
	for _, s := range iosSlices {
		fw := filepath.Join(s.id, "onnxruntime.framework")
		if err := copyTree(filepath.Join(ortXCF, fw), filepath.Join(xcf, fw)); err != nil {
			return err
		}
		plist += fmt.Sprintf(sliceEntry, s.id, s.archs, s.platform, variantKey(s.variant))
	}
	if err := os.WriteFile(filepath.Join(xcf, "Info.plist"), fmt.Appendf(nil, xcframeworkPlist, plist), 0o644); err != nil {
		return err
	}
	for _, m := range modelFiles {
		if err := copyFile(m, filepath.Join(out, "LiveidModels", filepath.Base(m))); err != nil {
			return err
		}
	}
	return nil
}

func variantKey(v string) string {
	if v == "" {
		return ""
	}
	return "<key>SupportedPlatformVariant</key><string>" + v + "</string>"
}

const sliceEntry = `<dict><key>BinaryPath</key><string>onnxruntime.framework/onnxruntime</string>` +
	`<key>LibraryIdentifier</key><string>%s</string><key>LibraryPath</key><string>onnxruntime.framework</string>` +
	`<key>SupportedArchitectures</key><array>%s</array><key>SupportedPlatform</key><string>%s</string>%s</dict>`

const xcframeworkPlist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict><key>AvailableLibraries</key><array>%s</array>
<key>CFBundlePackageType</key><string>XFWK</string><key>XCFrameworkFormatVersion</key><string>1.0</string></dict></plist>
`

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
				return err
			}
			return os.Symlink(target, filepath.Join(dst, rel))
		}
		return copyFile(p, filepath.Join(dst, rel))
	})
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
