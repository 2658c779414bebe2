package face

import "github.com/liveid/liveid/models"

// The manifest models this package runs, opened from a model directory
// with models.Open.
const (
	DetectorModel = "blazeface"
	MeshModel     = "facemesh"
	IrisModel     = "iris"
)

// mismatch reports a model whose outputs are not the ones this package
// decodes.
func mismatch(s *models.Session, detail string) error {
	return &models.MismatchError{Model: s.Model.Name, Detail: detail}
}
