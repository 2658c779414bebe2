package models

import "fmt"

// Convert builds the final ONNX file of one manifest model from its
// extracted source package and writes it to md.Path(home).
func Convert(home string, m *Manifest, md *Model) error {
	return fmt.Errorf("models: convert %s: not written yet", md.Name)
}
