package eval

// The set's identity labels, given by eye on enlarged crops. Faces not
// named here are each taken as a person of their own. The candidates for
// a repeat were the pairs that faceres or faceapi_resnet scored highest,
// looked at in rounds until the top 20 impostor pairs of a round held no
// face that could be the same person.

// people are faces of one person in different photos.
var people = [][]string{
	// The man of Human's face-match demo, in eighteen photos.
	{"facedetect 1", "facematch selected", "facematch r1c1", "facematch r1c2", "facematch r1c3", "facematch r1c4",
		"facematch r1c5", "facematch r1c6", "facematch r1c7", "facematch r1c8", "facematch r1c9", "facematch r1c10",
		"facematch r1c11", "facematch r1c13", "facematch r1c14", "facematch r1c15", "facematch r1c17", "facematch r1c18"},
	{"facematch r4c3", "facematch r6c8"},
	{"facematch r2c18", "facematch r3c2", "facematch r5c3", "facematch r5c17", "facematch r6c16"},
	{"facematch r6c9", "facematch r6c14"},
	{"facematch r5c13", "facematch r6c10"},
	{"facematch r3c6", "facematch r3c7", "facematch r3c13"},
	{"facematch r5c8", "facematch r6c11"},
	{"facematch r5c5", "facematch r6c2"},
	// Renders of one computer-generated character.
	{"facematch r5c1", "facematch r6c4", "facematch r6c13"},
	{"sample1 face3", "sample3 face2"},
	{"facedetect 2", "facematch r4c18"},
}

// copies are one photo's face cut twice: Human's demo screenshots reuse
// face-api's sample photos and each other's. Same person, but no genuine
// pair: the pair would only measure the thumbnail's resampling.
var copies = [][2]string{
	{"facematch selected", "facematch r1c1"}, {"facedetect 1", "facematch r1c4"},
	{"facedetect 2", "facematch r5c6"}, {"facedetect 3", "facematch r5c7"},
	{"facedetect 4", "facematch r3c12"}, {"facedetect 5", "facematch r4c14"},
	{"sample1 face1", "facematch r6c15"}, {"sample1 face2", "facematch r5c15"}, {"sample1 face3", "facematch r5c2"},
	{"sample3 face1", "facematch r5c11"}, {"sample3 face2", "facematch r3c18"}, {"sample3 face3", "facematch r4c8"},
	{"sample4 face1", "facematch r2c8"}, {"sample4 face2", "facematch r4c4"}, {"sample4 face3", "facematch r3c9"},
	{"sample4 face4", "facematch r3c16"},
	{"sample5 face1", "facematch r6c17"}, {"sample5 face2", "facematch r4c6"}, {"sample5 face3", "facematch r3c11"},
	{"sample5 face4", "facematch r5c16"}, {"sample5 face5", "facematch r6c16"},
	{"sample6 face1", "facematch r6c5"}, {"sample6 face2", "facematch r5c18"}, {"sample6 face3", "facematch r6c1"},
	{"sample6 face4", "facematch r6c12"},
}

// unsure are groups that may be one person: no pair within a group is
// used, as genuine or as impostor, unless people says they are one.
var unsure = [][]string{
	// Faces like the face-match man's that are too small, blurred or
	// covered to tell, and the webcam shots of face-api's and Human's demos.
	{"facedetect 1", "facematch r1c12", "facematch r1c16", "facematch r2c1", "facematch r2c2", "facematch r2c3",
		"facematch r2c4", "facematch r2c9", "webcam", "faceid"},
	{"facematch r2c18", "facematch r2c10"},
	{"facematch r3c10", "facematch r3c11"},
	{"facematch r6c3", "sample1 face1"},
	{"facematch r4c7", "sample3 face2"},
	{"facematch r3c17", "facematch r4c17"},
	{"facematch r2c10", "facematch r2c15"},
	{"facematch r4c9", "facedetect 3"},
	{"facematch r4c3", "facematch r5c5"},
	{"facematch r2c13", "facematch r3c15"},
	{"facedetect 2", "sample1 face2", "sample4 face1"},
	{"facematch r6c11", "facematch r6c18"},
	{"facematch r3c4", "facematch r6c9"},
}
