package models

import "github.com/liveid/liveid/internal/infer"

// InitRuntime loads the manifest and starts ONNX Runtime from the library
// cached under home (or LIVEID_ORT_LIB). Every entry point that runs a model
// calls it first; later calls are cheap.
func InitRuntime(home string) (*Manifest, error) {
	m, err := Load()
	if err != nil {
		return nil, err
	}
	lib, err := m.RuntimeLibrary(home)
	if err != nil {
		return nil, err
	}
	return m, infer.Init(lib)
}
