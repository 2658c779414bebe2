package face

// Config holds every threshold of the package. DefaultConfig's values are
// what the tests were checked with; the comments say why.
type Config struct {
	// Detection.
	MinDetectionScore float32 // 0.5: MediaPipe's own threshold for this model
	NMSOverlap        float32 // 0.3: MediaPipe's; boxes overlapping more are one face

	// Tracking.
	MinPresence float32 // 0.5: FaceMesh presence below this means no face in the ROI
	DetectEvery int     // 10: re-detect at least every 10 frames (⅓ s at 30 fps) to notice a second face
	// NewTrackIoU: a re-detection whose best box overlaps the tracked box
	// less than this (0.3) is taken as another face.
	NewTrackIoU float32
	// MaxJump: a face centre moving more than this many face widths in one
	// frame (0.5) is taken as another face: a head does not move that far in
	// 33 ms without motion blur losing the mesh first.
	MaxJump float32

	// One-Euro smoothing of the landmarks; cut-offs in Hz, Beta per face
	// width per second of speed. MinCutoff 0.5 Hz steadies the mesh's
	// ±1 px jitter at rest; Beta 20 lifts the cut-off past 20 Hz for a lid
	// moving one face width per second, so blinks pass nearly unfiltered.
	EuroMinCutoff, EuroBeta, EuroDCutoff float32

	// Quality limits. Widths are the mesh box's width over the frame's
	// shorter side.
	MinFaceWidth float32 // 0.25: a smaller face has too few pixels for texture-based liveness
	MaxFaceWidth float32 // 0.8: beyond it the face cannot turn without leaving the frame
	// OutOfFrameMargin: outline points this fraction of the face width past
	// an edge (0.02) count as out; the margin absorbs the mesh's jitter.
	OutOfFrameMargin float32
	MinLuma          float32 // 50: below, BT.601 face luma is mostly noise on phone sensors
	MaxLuma          float32 // 210: above, skin texture washes out
	MaxClipped       float32 // 0.15: fraction of face pixels at ≥ 245 that reads as over-exposed
	// MaxBacklight: rest-of-frame luma over face luma (imgproc.Stats
	// Backlight) above 1.6 is a bright window or lamp behind the user; the
	// sample photos' indoor scenes sit between 0.3 and 1.4.
	MaxBacklight float32
	// MinSharpness: the Laplacian variance of the central face at
	// imgproc.SharpWork scale, normalised to face luma 128 (see Signals.Focus).
	// Sharp sample faces give 12–300; a Gaussian blur of σ ≈ 3% of the face
	// width brings them below 6.
	MinSharpness float32
	// Pose limits in degrees (25, 25, 25): the mesh-outline pose is good to
	// about ±5–10°, so tighter limits would flicker, and face comparison
	// still holds at 25°.
	MaxYaw, MaxPitch, MaxRoll float32
	// OccludedBelow: a presence score below 0.9 (but above MinPresence)
	// means the mesh model doubts the face; hands, masks and hair do that,
	// and so do profiles, so this is a weak signal.
	OccludedBelow float32
	// ClosedEye: eye aspect ratio below which an eye counts as closed
	// (0.15); open eyes measure 0.25–0.37 with iris refinement, downcast
	// ones 0.15–0.18.
	ClosedEye float32
	// MaxSpeed in face widths per second (1): a capture wants the head
	// still; a deliberate head turn moves the face centre well under this.
	MaxSpeed float32
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		MinDetectionScore: 0.5,
		NMSOverlap:        0.3,
		MinPresence:       0.5,
		DetectEvery:       10,
		NewTrackIoU:       0.3,
		MaxJump:           0.5,
		EuroMinCutoff:     0.5,
		EuroBeta:          20,
		EuroDCutoff:       1,
		MinFaceWidth:      0.25,
		MaxFaceWidth:      0.8,
		OutOfFrameMargin:  0.02,
		MinLuma:           50,
		MaxLuma:           210,
		MaxClipped:        0.15,
		MaxBacklight:      1.6,
		MinSharpness:      6,
		MaxYaw:            25,
		MaxPitch:          25,
		MaxRoll:           25,
		OccludedBelow:     0.9,
		ClosedEye:         0.15,
		MaxSpeed:          1,
	}
}
