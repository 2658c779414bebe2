//go:build !nogocv

package main

import (
	"image"

	"gocv.io/x/gocv"
)

// video writes a session's upright frames as an MJPG AVI a person can
// watch, through OpenCV.
type video struct {
	w    *gocv.VideoWriter
	path string
}

func newVideo(path string, fps, width, height int) (*video, error) {
	w, err := gocv.VideoWriterFile(path, "MJPG", float64(fps), width, height, true)
	if err != nil {
		return nil, err
	}
	return &video{w: w, path: path}, nil
}

func (v *video) Write(img *image.RGBA) error {
	m, err := gocv.ImageToMatRGB(img)
	if err != nil {
		return err
	}
	defer m.Close()
	return v.w.Write(m)
}

func (v *video) Close() error { return v.w.Close() }

func (v *video) Describe() string { return "video: " + v.path }
