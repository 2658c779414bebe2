package infer

/*
#cgo linux LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

// liveid_ort_image is the file of the loaded image that defines
// OrtGetApiBase, NULL when no image in the process does.
static const char *liveid_ort_image(void) {
	void *sym = dlsym(RTLD_DEFAULT, "OrtGetApiBase");
	Dl_info info;
	if (sym == NULL || dladdr(sym, &info) == 0) {
		return NULL;
	}
	return info.dli_fname;
}
*/
import "C"

// LinkedLibrary, given to Init, takes ONNX Runtime from the process
// itself instead of loading a file: the runtime is linked into the app
// (iOS links it statically, from the onnxruntime xcframework) or already
// loaded. Init finds OrtGetApiBase among the process's symbols and starts
// the runtime from the image that defines it: the app's own executable when
// ORT is linked statically, the library's file when it is loaded as one.
const LinkedLibrary = "@linked"

// linkedImage is the path of the image that defines OrtGetApiBase.
func linkedImage() (string, error) {
	p := C.liveid_ort_image()
	if p == nil {
		return "", &RuntimeError{Path: LinkedLibrary, Reason: "no OrtGetApiBase in the process: ONNX Runtime is not linked into it"}
	}
	return C.GoString(p), nil
}
