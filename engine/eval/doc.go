// Package eval measures the engine at the pixel level: SIMULATED sessions
// rendered by engine/synth from real face photos, genuine ones and
// attacks, driven through a real engine in a closed loop (each frame is
// rendered under the guidance the engine gave for the previous one), with
// the tracker, the passive models and the sealing in the loop. It reports
// BPCER for the bona fide sessions and APCER per attack instrument with
// the reasons given, as ISO/IEC 30107-3 names them, and the time per
// session and per frame. Desktop only.
//
// Its bona fide error is higher than liveness/eval's, which draws the
// observations themselves (eye ratios, poses, landmark depths, region
// colours) from distributions the thresholds were set on. Here the same
// thresholds meet what the real tracker reads off rendered pixels: a
// painted blink the mesh sees as a shallow dip on a narrow-eyed face, a
// near–far move whose perspective comes from the mesh's own (shallow)
// depth, and rooms where the screen adds only a few per cent of the light
// on the face, too little for the reflection's relief to be measured.
// Those are limits of the renderer or of flash liveness in bright rooms,
// not of the tracking; the attack rows are rejected for the reasons their
// instruments give away.
package eval
