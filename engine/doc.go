// Package engine owns a whole verification session on the device, from
// camera frames and the server's challenge to a sealed evidence package:
// what an app embeds, the counterpart of the vendors' face-verification
// SDK flow (pre-check → liveness → best frame → upload).
//
// Open loads every model once (tracker, passive models, embedder, and the
// ID-card reader when asked) from the model directory the app bundles; an
// Engine then runs sessions one after another. NewSession takes the
// Challenge the verifier's server issued and refuses an expired, malformed
// or already-used one. Push takes each camera frame and returns the
// Guidance to show — phase, one prompt with its reason and localised
// message, the colour to fill the screen with and until when, the action
// to perform, progress. The pre-check needs Config.PrecheckFrames good
// frames in a row (one face, framed, lit, frontal, sharp, eyes open, and
// light dim enough for the flash); then a light probe (ProbeTime: the
// screen black, then white) measures the share of the light on the face
// the screen provides, and a room too bright for the reflection check
// sends the user back with PromptTooBrightForFlash, once; then the
// liveness plan runs on the frames' timestamps. The best frames, the best-scoring one of each part of
// the session (before the actions, then the actions in order), are kept as
// aligned crops, copied at once, with the passive models' inputs, scored at
// Finish for the frames kept then; they must
// all show one person (ReasonFaceChanged otherwise). Finish decides locally — for the
// UI only: the server decides again — and seals the evidence (package
// evidence) to the challenge's key. Cancel ends a session without
// evidence.
//
// The liveness decision is made on exactly what the evidence holds (the
// trace's landmarks, quantized), so the server's re-run from the package
// (FromTrace) reaches the same decision bit for bit.
//
// Time rides on the frames' timestamps; the wall clock (Config.Now) is
// read only to check the challenge's validity and date the capture. An
// Engine is safe for concurrent use; a Session is not.
package engine
