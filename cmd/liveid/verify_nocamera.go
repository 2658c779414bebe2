//go:build nogocv

package main

// Built with -tags nogocv there is no OpenCV to decode a video or open a
// camera: verify reads FRAMES_DIR only.
const cameraNote = " (-video and -webcam not in this build: -tags nogocv)"

func openVideo(string) (frameSource, error) {
	return nil, usagef("verify: -video: this liveid is built without OpenCV (-tags nogocv); it reads FRAMES_DIR only")
}

func openWebcam(int, bool) (frameSource, error) {
	return nil, usagef("verify: -webcam: this liveid is built without OpenCV (-tags nogocv); it reads FRAMES_DIR only")
}
