//go:build ios

package infer

/*
// On iOS ONNX Runtime is a static library linked into the app. This
// reference keeps OrtGetApiBase in the app's executable, where
// LinkedLibrary finds it: the linker dead-strips symbols nothing refers to.
extern const void *OrtGetApiBase(void);
__attribute__((used)) static const void *(*liveid_keep_ort)(void) = OrtGetApiBase;
*/
import "C"
