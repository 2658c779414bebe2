package imgproc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
)

// DecodeLimits bound what Decode may allocate, checked on the image's
// header before any pixel is.
type DecodeLimits struct {
	MaxSide   int // the longest side, in pixels
	MaxPixels int // width × height
}

// DefaultDecodeLimits is the pixel budget of photos given to liveid
// (reference photos, ID-card photos, the CLI's images): 24 Mi pixels
// (25.2 MP, a 6144×4096 photo, twice a phone's usual 12 MP), no side over
// MaxDim, which is what a Frame holds. Decoding such an image allocates at
// most about 5 bytes a pixel (RGBA, or 8 for a 16-bit PNG) for baseline
// JPEG and PNG, and up to 20 for a progressive CMYK JPEG (the decoder
// keeps every coefficient): 120–480 MB at the limit, where the header of
// a 49-byte PNG claiming 60000×60000 would cost 14 GB.
var DefaultDecodeLimits = DecodeLimits{MaxSide: MaxDim, MaxPixels: 24 << 20}

// DecodeReason says why Decode refused an image. The strings are stable
// codes.
type DecodeReason string

const (
	ImageUnknownFormat DecodeReason = "IMAGE_UNKNOWN_FORMAT" // not JPEG or PNG (GIF, BMP, TIFF, WebP … are never decoded)
	ImageTooLarge      DecodeReason = "IMAGE_TOO_LARGE"      // the header claims more than the DecodeLimits
	ImageCorrupt       DecodeReason = "IMAGE_CORRUPT"        // a JPEG or PNG that does not decode (truncated, damaged)
)

// Sentinels, one per DecodeReason, for errors.Is.
var (
	ErrUnknownFormat = errors.New("imgproc: not a JPEG or PNG image")
	ErrTooLarge      = errors.New("imgproc: image over the decode limits")
	ErrCorrupt       = errors.New("imgproc: image does not decode")
)

var decodeErr = map[DecodeReason]error{ImageUnknownFormat: ErrUnknownFormat, ImageTooLarge: ErrTooLarge, ImageCorrupt: ErrCorrupt}

// DecodeError is every error of Decode.
type DecodeError struct {
	Reason        DecodeReason
	Format        string // "jpeg" or "png", "" when unknown
	Width, Height int    // what the header claims, 0 when it was not read
	Detail        string
	Err           error // the decoder's or reader's error, if any
}

func (e *DecodeError) Error() string { return fmt.Sprintf("imgproc: %s: %s", e.Reason, e.Detail) }

// Is matches the sentinel of the error's Reason.
func (e *DecodeError) Is(target error) bool { return decodeErr[e.Reason] == target }

// Unwrap is the underlying decoder's or reader's error.
func (e *DecodeError) Unwrap() error { return e.Err }

// Code is the stable code of the error's Reason.
func (e *DecodeError) Code() string { return string(e.Reason) }

type codec struct {
	name, magic string
	config      func(io.Reader) (image.Config, error)
	decode      func(io.Reader) (image.Image, error)
}

// codecs are the only formats Decode reads, by their magic bytes. They are
// called directly rather than through image.Decode, so that a decoder
// another package registers (imaging links GIF, BMP and TIFF into the CLI)
// never sees untrusted bytes.
var codecs = []codec{
	{"jpeg", "\xff\xd8", jpeg.DecodeConfig, jpeg.Decode},
	{"png", "\x89PNG\r\n\x1a\n", png.DecodeConfig, png.Decode},
}

// Decode reads a JPEG or PNG from r within l: the header is read first and
// an image claiming more than l is refused before its pixels are
// allocated. It returns the image and its format ("jpeg" or "png"); every
// error is a *DecodeError. The decoders stream r: the reader's bytes are
// not held beyond the header.
func Decode(r io.Reader, l DecodeLimits) (image.Image, string, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(8)
	if err != nil && len(head) == 0 {
		return nil, "", &DecodeError{Reason: ImageUnknownFormat, Detail: "empty or unreadable input", Err: err}
	}
	for i := range codecs {
		if c := &codecs[i]; bytes.HasPrefix(head, []byte(c.magic)) {
			return c.read(br, l)
		}
	}
	return nil, "", &DecodeError{Reason: ImageUnknownFormat, Detail: "only JPEG and PNG are decoded"}
}

// read checks the header against l, then decodes the pixels.
func (c *codec) read(r io.Reader, l DecodeLimits) (image.Image, string, error) {
	format := c.name
	// What the header read is kept and replayed to the decoder.
	var hdr bytes.Buffer
	cfg, err := c.config(io.TeeReader(r, &hdr))
	if err != nil {
		return nil, "", &DecodeError{Reason: ImageCorrupt, Format: format, Detail: format + " header: " + err.Error(), Err: err}
	}
	w, h := cfg.Width, cfg.Height
	switch {
	case w < 1 || h < 1:
		return nil, "", &DecodeError{Reason: ImageCorrupt, Format: format, Width: w, Height: h, Detail: fmt.Sprintf("%s of %d×%d", format, w, h)}
	case w > l.MaxSide || h > l.MaxSide || w > l.MaxPixels/h:
		return nil, "", &DecodeError{Reason: ImageTooLarge, Format: format, Width: w, Height: h,
			Detail: fmt.Sprintf("%s of %d×%d is over the limits of %d pixels a side and %d pixels", format, w, h, l.MaxSide, l.MaxPixels)}
	}
	img, err := c.decode(io.MultiReader(&hdr, r))
	if err != nil {
		return nil, "", &DecodeError{Reason: ImageCorrupt, Format: format, Width: w, Height: h, Detail: format + ": " + err.Error(), Err: err}
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		return nil, "", &DecodeError{Reason: ImageCorrupt, Format: format, Width: w, Height: h,
			Detail: fmt.Sprintf("%s header says %d×%d, the pixels are %d×%d", format, w, h, b.Dx(), b.Dy())}
	}
	return img, format, nil
}
