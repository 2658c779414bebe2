package face

import (
	"github.com/liveid/liveid/internal/infer"
	"github.com/liveid/liveid/models"
)

// ModelFile is one ONNX model on disk and its expected sha256 ("" skips
// the check).
type ModelFile struct {
	Path, SHA256 string
}

// Models names the ONNX files this package runs.
type Models struct {
	Detector, Mesh ModelFile
	// Iris is optional: with a zero Path the eyelids come from the mesh
	// alone, which follows blinks poorly.
	Iris ModelFile
	// Threads is each session's intra-op thread count; 0 is ONNX Runtime's
	// default.
	Threads int
}

// DefaultModels points at the blazeface, facemesh and iris models of the
// manifest in the cache rooted at home (models.Home()).
func DefaultModels(home string) (Models, error) {
	m, err := models.Load()
	if err != nil {
		return Models{}, err
	}
	var ms Models
	for _, x := range []struct {
		name string
		dst  *ModelFile
	}{{"blazeface", &ms.Detector}, {"facemesh", &ms.Mesh}, {"iris", &ms.Iris}} {
		md, err := m.Model(x.name)
		if err != nil {
			return Models{}, err
		}
		*x.dst = ModelFile{Path: md.Path(home), SHA256: md.SHA256}
	}
	return ms, nil
}

func open(f ModelFile, threads int) (*infer.Session, error) {
	return infer.Open(f.Path, infer.Options{SHA256: f.SHA256, IntraOpThreads: threads, WarmUp: true})
}

// outputIndex finds a named output of s.
func outputIndex(s *infer.Session, name string) (int, error) {
	for i, n := range s.OutputNames() {
		if n == name {
			return i, nil
		}
	}
	return 0, &ModelError{Path: s.Path(), Detail: "no output " + name}
}

// ModelError reports a model whose inputs or outputs are not the ones this
// package decodes.
type ModelError struct {
	Path, Detail string
}

func (e *ModelError) Error() string { return "face: model " + e.Path + ": " + e.Detail }

// OpenTracker is NewTracker with the cache's models (DefaultModels(home)),
// threads intra-op threads per model (0: ONNX Runtime's default) and
// DefaultConfig.
func OpenTracker(home string, threads int) (*Tracker, error) {
	ms, err := DefaultModels(home)
	if err != nil {
		return nil, err
	}
	ms.Threads = threads
	return NewTracker(ms, DefaultConfig())
}
