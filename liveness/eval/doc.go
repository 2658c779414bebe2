// Package eval measures package liveness on simulated sessions; it is
// desktop code (it decodes photos with imaging and reads the model cache
// through models/build) and never goes to phones.
//
// The subjects are the eleven faces of face-api's demo photos that the
// face Tracker finds (Tracker.Faces) nearest points picked by eye. Each
// becomes a 3-D head: the tracker's mesh of it, frontalised and scaled to
// an adult face in centimetres, with surface normals from its neighbours
// and the skin colour of each liveness Region measured from the photo as
// the phone measures it (liveness.Observation.MeasureRegions); its passive
// scores are liveness.Passive.ScoreFace on the same photo and mesh.
//
// Run plays genuine sessions — a head in front of a phone camera that sways,
// blinks and performs the prompted actions with people's reaction times and
// amplitudes, under room light and the screen's flashes shaded over its
// normals, with landmark, pose and sensor noise and a jittery frame clock —
// and four attacks: a still print, a print turned, tilted and moved on cue
// with the eyes and mouth cut out, a genuine session recorded under another
// seed and replayed on a tablet, and one genuine frame injected as the
// whole stream. It reports BPCER for the genuine sessions and APCER per
// attack, with the reasons given (Report.Write); `liveid eval liveness`
// prints it.
//
// What it shows is the decision logic against the physics modelled here.
// It is not a PAD certification: no real camera, material or attacker is
// involved, the attacks render no recaptured pixels (so the passive models
// reject none of them), and the tracker is exercised on the still photos
// only, except in TestPhoneFramesMatchTheSimulation, which runs phone
// frames of a photo through the tracker into Observations and checks them
// against what the simulation assumes.
package eval
