//go:build nogocv

package main

import "image"

// video is the nogocv build's stand-in: without OpenCV no video is
// written, only the frames and previews.
type video struct{}

func newVideo(string, int, int, int) (*video, error) { return &video{}, nil }

func (*video) Write(*image.RGBA) error { return nil }

func (*video) Close() error { return nil }

func (*video) Describe() string {
	return "video: skipped (built with -tags nogocv, without OpenCV); the PNG previews show the session"
}
