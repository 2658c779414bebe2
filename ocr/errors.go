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
