// Package liveness decides whether a live person is in front of the camera
// now: random action challenges, colour-flash reflection and passive
// anti-spoofing, failing closed on photos, replays, injected streams and
// missing data.
//
// # Flow
//
// The server issues a random seed (at least MinSeedLen bytes). Client and
// server derive the same Plan from it with NewPlan(seed, cfg): the ordered
// actions (blink, open mouth, nod, shake, near–far; at least one of the
// last three, which a photo cannot fake in 3-D) and the flash colours with
// their timing. The host then runs a Session on the session clock (t = 0
// at start):
//
//	s := liveness.NewSession(plan)
//	for each camera frame {
//		show s.ColorAt(displayTime) full screen
//		p := s.Observe(&obs)           // obs filled by the face tracker
//		prompt p (baseline, flash, action …) until p.Phase == PhaseDone
//	}
//	s.AddPassive(passive.Score(crop128, crop32)) // one or more face crops
//	res := s.Finish()                  // res.Pass, res.Reasons, evidence
//
// The baseline phase (Config.Baseline, neutral white screen, still face)
// measures the user's own open-eye level, mouth, pose and face landmarks and
// the ambient colour of the face; the flash follows; then each action is
// prompted when the previous one completes and has Config.ActionTimeout.
//
// # Checks
//
// Every check must pass; any missing input fails (MissingEvidence), never
// passes. Actions are small timestamp-driven state machines with
// hysteresis. A nod or shake must be 3-D: the landmark motion between the
// frontal baseline and the most turned frame must not fit one plane-to-plane
// homography (a tilted photo does). Near–far must change the face's size
// by NearFactor with the perspective change of a head, whose outline lies
// behind its eyes: the inner-to-outer span ratio grows as it comes nearer.
// Another deliberate action than the prompted one, a lost or replaced track,
// a second face or a frozen stream fails the session.
//
// The reflection check fits the regions' chromaticity change to the
// emitted colours at every lag up to MaxLag: the sequence must explain the
// change down to the noise, and the gains must vary over the face as relief
// does (nose, cheeks, chin facing the screen differently) rather than as a
// flat print's smooth gradient or a replay screen's uniform glass
// reflection.
//
// # Limits
//
// All thresholds were set on simulations (Evaluate): FaceMesh heads from
// real photos moved in synthetic ways, Lambertian shading, simple models of
// prints, tablets and virtual cameras. Nothing here has been measured on
// real cameras, real attacks or the real tracker. See Passive for what the
// two anti-spoofing models can and cannot see.
package liveness
