package imgproc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	_ "image/gif" // registered as the CLI's imaging registers it: Decode must still refuse GIF
	"image/jpeg"
	"image/png"
	"runtime"
	"testing"
)

// pngChunk is one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngBomb is the 49-byte PNG: the signature, an IHDR for w×h RGBA
// 8-bit and a 4-byte IDAT (a zlib header and nothing else).
func pngBomb(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	b := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	return append(b, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00})...)
}

// jpegBomb is a baseline JPEG header (SOI, JFIF APP0, SOF0) claiming w×h,
// 3 components.
func jpegBomb(w, h uint16) []byte {
	b := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	b = append(b, 0xff, 0xc0, 0, 17, 8)
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	return append(b, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0)
}

// bmpBomb is a 54-byte BMP header claiming 60000×60000 at 32 bits.
func bmpBomb() []byte {
	b := make([]byte, 54)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[10:], 54)
	binary.LittleEndian.PutUint32(b[14:], 40)
	binary.LittleEndian.PutUint32(b[18:], 60000)
	binary.LittleEndian.PutUint32(b[22:], 60000)
	binary.LittleEndian.PutUint16(b[26:], 1)
	binary.LittleEndian.PutUint16(b[28:], 32)
	return b
}

func encoded(t testing.TB, format string, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeRefusesBombsBeforeAllocating(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation figures mean nothing under the race detector")
	}
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"49-byte PNG of 60000×60000", pngBomb(60000, 60000), ErrTooLarge},
		{"PNG of 20000×1 (one side over MaxDim)", pngBomb(20000, 1), ErrTooLarge},
		{"PNG of 2^31-1 square", pngBomb(1<<31-1, 1<<31-1), ErrCorrupt}, // the decoder itself refuses it
		{"JPEG header of 60000×60000", jpegBomb(60000, 60000), ErrTooLarge},
		{"54-byte BMP of 60000×60000", bmpBomb(), ErrUnknownFormat},
		{"GIF (registered, still refused)", []byte("GIF89a\x60\xea\x60\xea\x00\x00\x00;"), ErrUnknownFormat},
		{"empty", nil, ErrUnknownFormat},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := Decode(bytes.NewReader(c.data), DefaultDecodeLimits)
		runtime.ReadMemStats(&after)
		de, ok := errors.AsType[*DecodeError](err)
		if !ok || !errors.Is(err, c.want) || de.Code() != string(de.Reason) {
			t.Errorf("%s: err = %v, want a *DecodeError matching %v", c.name, err, c.want)
		}
		// The header and the readers' buffers are all it may cost.
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: allocated %d bytes before refusing", c.name, n)
		}
	}
}

func TestDecodeReadsJPEGAndPNGWithinLimits(t *testing.T) {
	for _, format := range []string{"png", "jpeg"} {
		data := encoded(t, format, 40, 30)
		img, got, err := Decode(bytes.NewReader(data), DecodeLimits{MaxSide: 40, MaxPixels: 1200})
		if err != nil || got != format || img.Bounds() != image.Rect(0, 0, 40, 30) {
			t.Fatalf("%s: %v, %q, %v", format, img.Bounds(), got, err)
		}
		// The header's size is checked against both limits.
		for _, l := range []DecodeLimits{{MaxSide: 39, MaxPixels: 1 << 20}, {MaxSide: 100, MaxPixels: 1199}} {
			if _, _, err := Decode(bytes.NewReader(data), l); !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s over %+v: %v", format, l, err)
			}
		}
		// Cut short, it is corrupt, never a partial image.
		for _, n := range []int{10, len(data) / 2, len(data) - 1} {
			if format == "jpeg" && n == len(data)-1 {
				continue // Go's JPEG decoder does not need the final EOI marker
			}
			if img, _, err := Decode(bytes.NewReader(data[:n]), DefaultDecodeLimits); !errors.Is(err, ErrCorrupt) || img != nil {
				t.Errorf("%s cut at %d of %d: %v", format, n, len(data), err)
			}
		}
	}
}

// FuzzDecode: no input may panic, allocate past the limits or return an
// image other than the one its header describes. The seed corpus holds the
// issue's bombs (testdata/fuzz/FuzzDecode).
func FuzzDecode(f *testing.F) {
	f.Add(encoded(f, "png", 5, 3))
	f.Add(encoded(f, "jpeg", 9, 17))
	l := DecodeLimits{MaxSide: 256, MaxPixels: 1 << 14}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, format, err := Decode(bytes.NewReader(data), l)
		if err != nil {
			if _, ok := errors.AsType[*DecodeError](err); !ok {
				t.Fatalf("not a *DecodeError: %v", err)
			}
			return
		}
		b := img.Bounds()
		if format != "jpeg" && format != "png" || b.Dx() < 1 || b.Dy() < 1 || b.Dx() > l.MaxSide || b.Dy() > l.MaxSide || b.Dx()*b.Dy() > l.MaxPixels {
			t.Fatalf("decoded a %s of %v past %+v", format, b, l)
		}
		if err := FromImage(img).Validate(); err != nil {
			t.Fatalf("decoded image makes an invalid frame: %v", err)
		}
	})
}
