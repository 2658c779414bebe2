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
// thresholds meet what the real tracker reads off rendered pixels. What
// that showed: a near–far move's perspective, as FaceMesh reports it, does
// not separate a live head from a print (so near–far left the default
// action pool); rooms where the screen adds a few per cent of the light
// drown the flash (so the engine probes the light before it and asks the
// user to move, as the rendered user does); and a narrow-eyed face, whose
// open eyes read at the tracker's closed-eye level, gets few best frames
// and a painted blink the mesh barely sees. The attack rows are rejected
// for the reasons their instruments give away.
package eval
