// Package liveness decides whether a live person is in front of the camera
// now: random action challenges, colour-flash reflection and passive
// anti-spoofing, failing closed on photos, replays, injected streams and
// missing data. It runs on the phone, fed by the face package's Tracker.
//
// # Flow
//
// The server issues a random seed (at least MinSeedLen bytes). Client and
// server derive the same Plan from it with NewPlan(seed, cfg): the ordered
// actions (blink, open mouth, nod, shake, near–far; at least one of the
// last three, which a photo cannot fake in 3-D; near–far only when the
// config names it, see DefaultActions) and the flash colours with their
// timing. The host then runs a Session on the session clock (t = 0
// at start):
//
//	s := liveness.NewSession(plan)
//	for each camera frame f {
//		show s.ColorAt(displayTime) full screen
//		tracker.Process(f, &r)          // face.Tracker
//		obs.Fill(&r, f, captureTime)    // one Observation, refilled every frame
//		p := s.Observe(&obs)
//		prompt p (baseline, flash, action …) until p.Phase == PhaseDone
//	}
//	s.AddPassive(passive.ScoreFace(f, &r.Mesh)) // one or more good frames
//	res := s.Finish()                  // res.Pass, res.Reasons, evidence
//
// The baseline phase (Config.Baseline, neutral white screen, still face)
// measures the user's own open-eye level, mouth, pose and face landmarks and
// the ambient colour of the face; the flash follows; then each action is
// prompted when the previous one completes and has Config.ActionTimeout.
//
// # From the tracker
//
// Observation.Fill takes a face.Result as it is: the track id, face count,
// smoothed mesh, pose, eye and mouth ratios and box, in upright-frame
// pixels. It measures the region colours itself (MeasureRegions): the mean
// linear RGB of small discs (RegionDisc of the face width) around each
// Region's landmarks, read from the raw camera frame by imgproc.DiscMean
// whatever its format, rotation and mirroring. Passive.ScoreFace crops the
// mesh's upright square (face.Mesh.Square) into both anti-spoofing models.
// Fill, MeasureRegions and ScoreFace allocate nothing once warm. Every
// landmark index read here comes from the face package's topology.
//
// # Checks
//
// Every check must pass; any missing input fails (LIVENESS_MISSING_EVIDENCE),
// never passes. Actions are small timestamp-driven state machines with
// hysteresis. A nod or shake must be 3-D: the landmark motion between the
// frontal baseline and the most turned frame must not fit one plane-to-plane
// homography (a tilted photo does). Near–far must change the face's size
// by NearFactor with the perspective change of a head, whose outline lies
// behind its eyes: the front-to-outline span ratio grows as it comes
// nearer. Another deliberate action than the prompted one, a lost or
// replaced track, a second face, a face smaller than the tracker's
// face.Config.MinFaceWidth for a second, or a stream that repeats frames
// (a capture time twice, or a frame bit for bit an earlier one's: frozen,
// looped or padded injection, LIVENESS_FRAME_REPEATED) fails the
// session.
//
// The reflection check fits the regions' chromaticity change to the
// emitted colours (Plan.Emitted over AssumedExposure) at every lag up to
// MaxLag: the sequence must explain the change down to the noise, and the
// gains must vary over the face as relief does (nose, cheeks, chin facing
// the screen differently) rather than as a flat print's smooth gradient or
// a replay screen's uniform glass reflection.
//
// Result.Reasons are stable LIVENESS_ codes (Reason), in AllReasons order;
// ActionEvidence, ReflectionEvidence and PassiveEvidence carry the values
// the thresholds were compared with.
//
// # Limits
//
// All thresholds were set on simulations (package liveness/eval): the face
// tracker's meshes of real photos moved in synthetic ways, Lambertian
// shading, simple models of prints, tablets and virtual cameras. The real
// tracker enters only through those meshes, the photos' passive scores and
// a test that runs phone frames of a photo through Tracker and Fill;
// nothing here has been measured on real cameras or real attacks. See
// Passive for what the two anti-spoofing models can and cannot see.
package liveness
