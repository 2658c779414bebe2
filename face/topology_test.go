package face

import (
	"slices"
	"testing"
)

// Every index is a mesh point, sets hold each point once, and the iris
// mapping is the model's contour order.
func TestTopology(t *testing.T) {
	sets := map[string][]int{
		"outline": outline[:], "lower lip": MeshLowerLip, "rigid": MeshRigidPoints,
		"forehead": MeshForeheadSkin, "right cheek": MeshRightCheekSkin, "left cheek": MeshLeftCheekSkin,
		"nose": MeshNoseSkin, "chin": MeshChinSkin,
		"single": {MeshForehead, MeshChin, MeshRightEdge, MeshLeftEdge, MeshNoseTip, MeshRightNoseWing, MeshLeftNoseWing,
			MeshUpperLipInner, MeshLowerLipInner, MeshLowerLipOuter, MeshMouthInnerRight, MeshMouthInnerLeft, MeshMouthRight, MeshMouthLeft},
	}
	for i, e := range MeshEyes {
		sets[[2]string{"right eye", "left eye"}[i]] = append([]int{e.Outer, e.Inner}, append(e.Upper[:], e.Lower[:]...)...)
		sets[[2]string{"right iris lids", "left iris lids"}[i]] = irisLids[i][:]
	}
	for _, pairs := range [][][2]int{MeshFrontPairs, MeshOutlinePairs} {
		var flat []int
		for _, p := range pairs {
			flat = append(flat, p[0], p[1])
		}
		sets["pairs"+string(rune('0'+len(pairs)))] = flat
	}
	for name, s := range sets {
		for k, i := range s {
			if i < 0 || i >= MeshPoints {
				t.Errorf("%s: index %d out of range", name, i)
			}
			if slices.Index(s, i) != k {
				t.Errorf("%s: %d twice", name, i)
			}
		}
	}
	want := [2][16]int{
		{33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173},
		{263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398},
	}
	if irisLids != want {
		t.Errorf("iris lid order %v, want %v", irisLids, want)
	}
}
