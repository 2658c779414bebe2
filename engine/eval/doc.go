// Package eval measures the engine at the pixel level: SIMULATED sessions
// rendered by engine/synth from real face photos, genuine ones and
// attacks, driven through a real engine in a closed loop (each frame is
// rendered under the guidance the engine gave for the previous one), with
// the tracker, the passive models and the sealing in the loop. It reports
// BPCER for the bona fide sessions and APCER per attack instrument with
// the reasons given, as ISO/IEC 30107-3 names them, and the time per
// session and per frame. Desktop only.
package eval
