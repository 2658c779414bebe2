package face

// This file is the FaceMesh topology: every landmark index liveid reads, in
// this package and in the packages built on it (liveness and its
// evaluation), is named here once. The indices are MediaPipe's canonical
// face mesh (MeshPoints of them). "Right" and "left" are the subject's:
// right points lie on the image's left in an unmirrored view.

// Single landmarks.
const (
	MeshForehead = 10  // top of the face outline, mid-forehead
	MeshChin     = 152 // bottom of the outline
	// The outline beside the eyes, the face's widest span.
	MeshRightEdge, MeshLeftEdge = 234, 454
	MeshNoseTip                 = 1
	// The outer edges of the nostrils.
	MeshRightNoseWing, MeshLeftNoseWing = 98, 327
	// The inner lip midpoints, whose gap opens with the mouth, and the
	// lower lip's outer edge on the midline.
	MeshUpperLipInner, MeshLowerLipInner = 13, 14
	MeshLowerLipOuter                    = 17
	// Mouth corners: inner, where the lips part, and outer, where the lip
	// line ends.
	MeshMouthInnerRight, MeshMouthInnerLeft = 78, 308
	MeshMouthRight, MeshMouthLeft           = 61, 291
)

// EyeTopology is one eye's landmarks: its corners and the seven points of
// each lid from the outer to the inner corner. Upper[k] stands over
// Lower[k]: a closing eye moves each upper point onto its lower one.
type EyeTopology struct {
	Outer, Inner int
	Upper, Lower [7]int
}

// MeshEyes are the right and the left eye.
var MeshEyes = [2]EyeTopology{
	{Outer: 33, Inner: 133, Upper: [7]int{246, 161, 160, 159, 158, 157, 173}, Lower: [7]int{7, 163, 144, 145, 153, 154, 155}},
	{Outer: 263, Inner: 362, Upper: [7]int{466, 388, 387, 386, 385, 384, 398}, Lower: [7]int{249, 390, 373, 374, 380, 381, 382}},
}

// EyeGaps are the two lid pairs (indices into Upper and Lower, either side
// of the middle one) whose gaps the eye aspect ratio averages, as
// MediaPipe's blink measure does: Signals.RightEye and LeftEye.
var EyeGaps = [2]int{2, 4}

// irisLids maps the iris model's first 16 contour points (the lower lid
// from the outer to the inner corner, corners included, then the upper
// lid) onto the mesh's lid points.
var irisLids = [2][16]int{irisLidOrder(&MeshEyes[0]), irisLidOrder(&MeshEyes[1])}

func irisLidOrder(e *EyeTopology) (c [16]int) {
	c[0], c[8] = e.Outer, e.Inner
	copy(c[1:8], e.Lower[:])
	copy(c[9:], e.Upper[:])
	return c
}

// MeshLowerLip is the lower lip, inner edge then outer edge, each from the
// right corner to the left: the points an opening jaw carries down fully.
var MeshLowerLip = []int{95, 88, 178, 87, MeshLowerLipInner, 317, 402, 318, 324, 146, 91, 181, 84, MeshLowerLipOuter, 314, 405, 321, 375}

// outline is the face's silhouette, forehead round to chin and back.
var outline = [...]int{
	MeshForehead, 338, 297, 332, 284, 251, 389, 356, MeshLeftEdge, 323, 361, 288,
	397, 365, 379, 378, 400, 377, MeshChin, 148, 176, 149, 150, 136,
	172, 58, 132, 93, MeshRightEdge, 127, 162, 21, 54, 103, 67, 109,
}

// MeshFrontPairs span the front of the face at four heights: the outer eye
// corners, the inner eye corners, the outer mouth corners and the nose
// wings. MeshOutlinePairs span the outline from the temples to the jaw.
// For a real head the outline lies several centimetres behind the front,
// so the ratio of their spans changes with the distance to the camera; for
// a photo it does not.
var (
	MeshFrontPairs = [][2]int{
		{MeshEyes[0].Outer, MeshEyes[1].Outer}, {MeshEyes[0].Inner, MeshEyes[1].Inner},
		{MeshMouthRight, MeshMouthLeft}, {MeshRightNoseWing, MeshLeftNoseWing},
	}
	MeshOutlinePairs = [][2]int{{MeshRightEdge, MeshLeftEdge}, {127, 356}, {93, 323}, {132, 361}, {58, 288}}
)

// MeshRigidPoints move with the skull: the outline above the jaw, the nose,
// the brows, forehead and cheeks and the eye corners, but no eyelid, lip or
// jaw point, so that a blink or a word during a head turn does not look
// like 3-D structure.
var MeshRigidPoints = []int{
	MeshForehead, 338, 297, 332, 284, 251, 389, 356, MeshLeftEdge, 323, 361, 127, 162, 21, 54, 103, 67, 109, MeshRightEdge, 93, 132, // outline above the jaw
	MeshNoseTip, 2, 4, 5, 6, 19, 94, 168, 195, 197, MeshRightNoseWing, MeshLeftNoseWing, 48, 278, 64, 294, 45, 275, // nose
	70, 63, 105, 66, 107, 300, 293, 334, 296, 336, // brows
	151, 9, 108, 337, 69, 299, // forehead
	50, 280, 101, 330, 36, 266, 205, 425, 187, 411, 123, 352, 117, 346, // cheeks
	MeshEyes[0].Outer, MeshEyes[0].Inner, MeshEyes[1].Outer, MeshEyes[1].Inner, // eye corners
}

// Skin patches: the points each patch of bare skin spans, for colour
// measurements. The sets keep off the eyes, brows, lips and the outline,
// where lashes, blinks, hair and the background would leak in.
var (
	MeshForeheadSkin   = []int{151, 108, 337, 9, 69, 299}
	MeshRightCheekSkin = []int{50, 101, 36, 205, 187, 123, 117, 118}
	MeshLeftCheekSkin  = []int{280, 330, 266, 425, 411, 352, 346, 347}
	MeshNoseSkin       = []int{MeshNoseTip, 4, 5, 195, 197, 45, 275, 6}
	MeshChinSkin       = []int{199, 200, 175, 18, 83, 313, 201, 421}
)
