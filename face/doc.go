// Package face finds and follows one face in camera frames and says what is
// wrong with the shot.
//
// A Detector runs BlazeFace on the whole upright frame (letterboxed to a
// square) and returns boxes with six keypoints. A Landmarker runs FaceMesh
// on a square ROI turned so the eyes are level and maps its 468 points back
// to the frame. A Tracker strings these together per frame: it detects, then
// derives the next ROI from the previous mesh, re-detects when the mesh's
// presence score drops or every Config.DetectEvery frames, keeps a track id
// while the same face stays in view, smooths the mesh with a One-Euro filter
// and reports pose, eye and mouth openness, quality codes (Quality) and a
// best-frame score.
//
// Every FaceMesh landmark index liveid reads, here and in the packages
// built on this one, is named once in the mesh topology (MeshEyes, the
// Mesh* points and sets); Mesh.Square is the face's upright square.
//
// Coordinates are upright-frame pixels (the frame after its Rotation and
// Mirror are applied) in imgproc.Rect's convention: pixel (i, j) covers
// [i, i+1) × [j, j+1). "Right" and "left" in names are the subject's: the
// right eye is on the image's left in an unmirrored view.
//
// Detector, Landmarker and Tracker hold scratch buffers and are not safe for
// concurrent use; after warm-up their per-frame methods do not allocate.
package face
