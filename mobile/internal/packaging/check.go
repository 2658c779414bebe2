package main

import (
	"archive/zip"
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// ortVersion is the ONNX Runtime the runtime package builds: C API 29,
// newer than the 24 onnxruntime_go asks for.
const ortVersion = "1.29.0"

// androidABIs are the AAR's ABIs and the ELF machine of each.
var androidABIs = map[string]elf.Machine{"arm64-v8a": elf.EM_AARCH64, "armeabi-v7a": elf.EM_ARM,
	"x86_64": elf.EM_X86_64, "x86": elf.EM_386}

// check inspects the runtime package's libraries: each Android library is
// an ELF of its ABI's machine exporting OrtGetApiBase, of ortVersion; each
// iOS slice is a static library defining OrtGetApiBase.
func check() error {
	dir, err := fetch()
	if err != nil {
		return err
	}
	z, err := zip.OpenReader(filepath.Join(dir, ortAAR))
	if err != nil {
		return err
	}
	defer z.Close()
	for abi, machine := range androidABIs {
		i := slices.IndexFunc(z.File, func(f *zip.File) bool { return f.Name == "jni/"+abi+"/libonnxruntime.so" })
		if i < 0 {
			return fmt.Errorf("the AAR has no library for %s", abi)
		}
		b, err := readZip(z.File[i])
		if err != nil {
			return err
		}
		if err := checkELF(b, machine); err != nil {
			return fmt.Errorf("%s: %v", abi, err)
		}
		fmt.Printf("android %-11s %v, exports OrtGetApiBase, ONNX Runtime %s, %.1f MB\n", abi, machine, ortVersion, mb(len(b)))
	}
	for _, s := range iosSlices {
		p := filepath.Join(dir, ortXCFramework, s.id, "onnxruntime.framework", "onnxruntime")
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(b, []byte{0xca, 0xfe, 0xba, 0xbe}) || !bytes.Contains(b, []byte("!<arch>\n")) ||
			!bytes.Contains(b, []byte("_OrtGetApiBase")) {
			return fmt.Errorf("%s: not a universal static library defining OrtGetApiBase", p)
		}
		fmt.Printf("ios %-26s static library defining OrtGetApiBase, %.1f MB\n", s.id, mb(len(b)))
	}
	return nil
}

func checkELF(b []byte, machine elf.Machine) error {
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return err
	}
	if f.Machine != machine {
		return fmt.Errorf("ELF for %v", f.Machine)
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(syms, func(s elf.Symbol) bool { return s.Name == "OrtGetApiBase" && s.Section != elf.SHN_UNDEF }) {
		return fmt.Errorf("does not export OrtGetApiBase")
	}
	if !bytes.Contains(b, []byte("\x00"+ortVersion+"\x00")) {
		return fmt.Errorf("not ONNX Runtime %s", ortVersion)
	}
	return nil
}

func readZip(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func mb(n int) float64 { return float64(n) / (1 << 20) }
