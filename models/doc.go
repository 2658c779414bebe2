// Package models owns liveid's model manifest and the one way every stage
// opens a model: Open(dir, name, opts) from a flat model directory that an
// app bundles as it is.
//
// A model directory holds <model>.onnx for each manifest model a stage uses
// and the manifest's assets (the OCR character list) under their names.
// Open checks each file against the sha256 the manifest pins, so a
// corrupted or swapped file is refused before ONNX Runtime reads it.
//
// The package knows nothing of where the files come from: fetching the
// pinned registry packages, converting TFJS models and the desktop cache
// layout belong to models/build, which phone builds never link.
package models
