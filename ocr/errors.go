package ocr

import (
	"errors"
	"fmt"
)

var (
	// ErrNoCard: the image holds no readable ID card (nothing card-shaped,
	// or a card-shaped thing that carries none of the card's labels).
	ErrNoCard = errors.New("ocr: no ID card in the image")
	// ErrDecode: the bytes are not a decodable image.
	ErrDecode = errors.New("ocr: cannot decode image")
	// ErrTooBlurred: a card's outline is there, but its print is too
	// blurred for any of its labels to be read.
	ErrTooBlurred = errors.New("ocr: the ID card is too blurred to read")
)

// NoCardError says why no card was found. It matches ErrNoCard.
type NoCardError struct{ Reason string }

func (e *NoCardError) Error() string        { return "ocr: no ID card in the image: " + e.Reason }
func (e *NoCardError) Is(target error) bool { return target == ErrNoCard }

// Code is the error's stable code, OCR_NO_CARD.
func (e *NoCardError) Code() string { return CodeNoCard }

// DecodeError wraps the image decoder's error. It matches ErrDecode.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string        { return fmt.Sprintf("ocr: cannot decode image: %v", e.Err) }
func (e *DecodeError) Unwrap() error        { return e.Err }
func (e *DecodeError) Is(target error) bool { return target == ErrDecode }

// Code is the error's stable code, OCR_DECODE.
func (e *DecodeError) Code() string { return CodeDecode }

// BlurredError says where the card is that is too blurred to read, so an
// app can tell the user to hold still and let the camera focus rather than
// to bring a card into view. It matches ErrTooBlurred. Its corners run
// clockwise, but which comes first is a guess: the print that tells the
// card's way up cannot be read, so when a side was asked for, its portrait
// or emblem tells it. When the photo as a whole is too blurred for the
// card's print to be told apart, they are the outline the card's edge
// gave, or all zero when the edge gave none within the photo.
type BlurredError struct{ Corners [4]Point }

func (e *BlurredError) Error() string        { return ErrTooBlurred.Error() }
func (e *BlurredError) Is(target error) bool { return target == ErrTooBlurred }

// Code is the error's stable code, OCR_TOO_BLURRED.
func (e *BlurredError) Code() string { return CodeTooBlurred }
