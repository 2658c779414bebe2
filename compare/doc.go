// Package compare owns face comparison: aligning a face to an embedding
// model's template, computing its embedding, and turning the similarity of
// two embeddings into a calibrated 0–100 score with thresholds for fixed
// false-accept rates, as a vendor's CompareFaces reports them.
//
// Alignment is a least-squares similarity transform from five landmarks
// (eye centres, nose tip, mouth corners, face.Mesh.FivePoints) onto each
// model's canonical template. Crops that are too small, too blurred or too
// turned to give a meaningful embedding are refused with a *FaceError.
//
// Three embedding models are supported (see Models): faceres, the default,
// face-api's ResNet (faster, less accurate) and mobilefacenet (measured
// unusable, kept for comparison). Each has its own calibration (calib.go),
// measured by compare/eval on the pair set described there.
//
// A Comparer holds the face and embedding models and scratch buffers; it
// is not safe for concurrent use. Comparisons fail closed: any error means
// no score and no pass.
package compare
