// Package ocr reads the Chinese resident ID card (居民身份证) from a photo
// or camera frame: it finds the card, rectifies it to 856×540 (the ID-1
// aspect, 10 px per mm), turns it upright, detects and recognises its text
// with PaddleOCR's PP-OCRv4 models, and extracts the fields of either side
// with the card's fixed layout and its printed labels as anchors. It also
// raises capture-quality warnings, which never stop the reading.
//
// Warnings and errors carry stable OCR_ codes, listed in codes.go: a
// Warning's Codes, and the Code of NoCardError and DecodeError, which
// match ErrNoCard and ErrDecode with errors.Is. The models and the
// character list come from the model directory given to Open; the caller
// starts the runtime. An Engine is safe for concurrent use.
package ocr
