// Package imgproc owns the camera-frame kernels of liveid: it validates raw
// camera frames (NV21, NV12, I420, RGBA, BGRA, RGB, GRAY), turns a region of
// one into a normalised float32 tensor in a single pass (colour conversion,
// rotation and mirroring to the upright view, crop, bilinear resize,
// normalisation) with CropResize and Warp, measures exposure and focus
// with LumaStats and Sharpness, and the linear-light colour of small skin
// patches with DiscMean.
//
// It is also the one place untrusted encoded images are decoded: Decode
// reads JPEG and PNG only (by their magic bytes, whatever other decoders
// the binary registers), checks the header's size against DecodeLimits
// before a pixel is allocated and fails with a *DecodeError carrying an
// IMAGE_ code. The CLI, ocr.Decode, mobile's reference photos and the
// server's uploads all go through it.
//
// It needs no cgo, so that gomobile builds it for phones: Go, plus NEON (arm64)
// and AVX2 (amd64, when the CPU has it) assembly for the NV21/NV12 row
// conversion, each checked bit for bit against the Go version. Comparisons
// against OpenCV live in the cvcheck subpackage. The per-frame functions
// allocate nothing once warm.
//
// Coordinates: a Rect is a box in the upright frame, where pixel (i, j)
// covers [i, i+1) × [j, j+1). An Affine works in pixel-index coordinates,
// where pixel centres sit on integers, as cv::warpAffine does.
package imgproc
