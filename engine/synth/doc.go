// Package synth renders SIMULATED verification sessions at the pixel
// level: the camera frames a phone's front camera would deliver while a
// user, or an attack, faces the liveness engine. It is desktop test
// material for the engine and must not be imported by phone code.
//
// A Subject is a real face photo (face-api's demo photos) made ready for
// rendering with its FaceMesh landmarks: cropped upright around the face,
// the rest of the photo masked off, and the mesh's depth interpolated into
// a height field. A Session of one Kind renders frames of a 480×640
// upright view (NV21, Rotation 270, Mirror set, as imgproc.ToFrame lays
// them out) at the times asked, driven by the host's Prompt: closed loop
// from an engine's guidance, or open loop from Schedule, which lays out a
// liveness.Plan the way a person would follow it.
//
// What is rendered: the face on a room background and a body, turned and
// nodded through the height field (Turn is the same warp for single
// images), brought nearer in perspective, blinking (lids painted over the
// eyes), opening the mouth (the jaw dropped over a dark inside), swaying;
// the room's light and the screen's colour, which the display shows lag
// after the prompt and the sensor integrates over its exposure, reflected
// by the face in proportion to how its surface faces the screen; sensor
// noise and JPEG compression, with exposure and white balance locked. The
// attacks are a printed photo moved as the prompts ask (one flat normal,
// eyes and mouth still), a genuine session recorded under another plan and
// replayed on a tablet (screen gamma, moiré, bezel, a faint glass
// reflection of the current flash) or injected as the stream, another
// person taking the user's place halfway through the actions, and a second
// person coming into view. Everything random derives from the session's
// seed, so the same calls render the same frames.
//
// The material is simulated: the faces are real photographs, but their
// motion, lighting, reflection and the attack instruments are models
// (documented where they are made), not captures of real sessions.
package synth
