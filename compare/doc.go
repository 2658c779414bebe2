// Package compare owns face comparison: aligning a face to an embedding
// model's template, computing its embedding, and turning the similarity of
// two embeddings into a calibrated 0–100 score with thresholds for fixed
// false-accept rates, as a vendor's CompareFaces reports them.
//
// Faces are found by the caller's face.Tracker, which a Comparer shares:
// in stills with Tracker.Largest (Compare, Embed, Locate), which leaves
// the tracker's track alone, or, for a face the caller is tracking in a
// stream, from the tracker's face.Result without a second detection
// (LocateTracked, EmbedTracked). Alignment is a least-squares similarity
// transform from five landmarks (eye centres, nose tip, mouth corners,
// face.Mesh.FivePoints) onto the model's template. Faces too small, too
// blurred or too turned to give a meaningful embedding are refused with a
// *FaceError; its Reason, like every error's Code, is one of the stable
// COMPARE_ codes listed in errors.go. A located Face owns a copy of its
// aligned pixels, so that the caller's frame buffer may be reused at once.
//
// Three embedding models are supported (see Models): faceres, the default,
// face-api's ResNet (faster, less accurate) and mobilefacenet (unusable as
// shipped, kept for comparison). Each has its own calibration (calib.go),
// set from compare/eval, whose report holds the measured figures.
//
// A Comparer holds the embedding model and scratch buffers and uses the
// caller's tracker: neither is safe for concurrent use. Comparisons fail
// closed: any error means no score and no pass.
package compare
