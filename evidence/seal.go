package evidence

import (
	"bytes"
	"compress/flate"
	"crypto/hpke"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// magic opens every package.
const magic = "LIVEIDEV"

// Format limits. A typical package (a session of a few hundred frames and
// three best frames) is far below them; they bound what Open allocates for
// a hostile one.
const (
	MaxPackage  = 4 << 20  // bytes of a whole package
	maxHeader   = 16 << 10 // bytes of the header JSON
	maxBody     = 16 << 20 // bytes of the decompressed body
	maxJPEGs    = 8
	maxMetaJSON = 1 << 20
)

// info binds the HPKE context to this format, the verification and the key:
// a package cannot be opened as if it were another verification's.
func info(h *Header) []byte {
	return fmt.Appendf(nil, "liveid evidence %d\x00%s\x00%s", FormatVersion, h.VerificationID, h.KeyID)
}

// Seal encrypts b to pub and returns the package. It fills h's Format,
// KeyID and Suite; VerificationID must be set.
func Seal(h Header, b *Body, pub *PublicKey) ([]byte, error) {
	if err := checkID("verification id", h.VerificationID); err != nil {
		return nil, err
	}
	h.Format, h.KeyID = FormatVersion, pub.ID
	h.Suite = Suite{KEM: suiteKEM.ID(), KDF: suiteKDF.ID(), AEAD: suiteAEAD.ID()}
	body, err := encodeBody(b)
	if err != nil {
		return nil, err
	}
	hj, err := json.Marshal(&h)
	if err != nil {
		return nil, errorf(CodeInvalidContents, "header: %v", err)
	}
	if len(hj) > maxHeader {
		return nil, errorf(CodeInvalidContents, "header of %d bytes (limit %d)", len(hj), maxHeader)
	}
	out := append([]byte(magic), 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint16(out[8:], FormatVersion)
	binary.BigEndian.PutUint32(out[10:], uint32(len(hj)))
	out = append(out, hj...)
	aad := out
	enc, sender, err := hpke.NewSender(pub.key, suiteKDF, suiteAEAD, info(&h))
	if err != nil {
		return nil, fmt.Errorf("evidence: seal: %w", err)
	}
	ct, err := sender.Seal(aad, body)
	if err != nil {
		return nil, fmt.Errorf("evidence: seal: %w", err)
	}
	out = binary.BigEndian.AppendUint16(aad[:len(aad):len(aad)], uint16(len(enc)))
	out = append(out, enc...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(ct)))
	out = append(out, ct...)
	if len(out) > MaxPackage {
		return nil, errorf(CodeInvalidContents, "package of %d bytes (limit %d)", len(out), MaxPackage)
	}
	return out, nil
}

// parsed is a package split into its parts.
type parsed struct {
	header  Header
	aad     []byte
	enc, ct []byte
}

// ReadHeader returns the plaintext header without decrypting: what a
// server reads to find the verification and the key. Nothing in it is
// authenticated until Open succeeds.
func ReadHeader(data []byte) (Header, error) {
	p, err := parse(data)
	if err != nil {
		return Header{}, err
	}
	return p.header, nil
}

func parse(data []byte) (*parsed, error) {
	if len(data) > MaxPackage {
		return nil, errorf(CodeTooLarge, "%d bytes (limit %d)", len(data), MaxPackage)
	}
	if len(data) < 14 {
		if !bytes.HasPrefix([]byte(magic), data[:min(len(data), len(magic))]) {
			return nil, errorf(CodeMalformed, "not a liveid evidence package")
		}
		return nil, errorf(CodeTruncated, "%d bytes, shorter than the fixed prefix", len(data))
	}
	if string(data[:8]) != magic {
		return nil, errorf(CodeMalformed, "not a liveid evidence package")
	}
	if v := binary.BigEndian.Uint16(data[8:]); v != FormatVersion {
		return nil, errorf(CodeUnknownVersion, "format %d (this build reads %d)", v, FormatVersion)
	}
	hl := int(binary.BigEndian.Uint32(data[10:]))
	if hl > maxHeader {
		return nil, errorf(CodeMalformed, "header of %d bytes (limit %d)", hl, maxHeader)
	}
	rest := data[14:]
	if len(rest) < hl {
		return nil, errorf(CodeTruncated, "header cut at %d of %d bytes", len(rest), hl)
	}
	p := &parsed{aad: data[:14+hl]}
	dec := json.NewDecoder(bytes.NewReader(rest[:hl]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p.header); err != nil {
		return nil, errorf(CodeMalformed, "header: %v", err)
	}
	if p.header.Format != FormatVersion {
		return nil, errorf(CodeMalformed, "header says format %d, the prefix %d", p.header.Format, FormatVersion)
	}
	rest = rest[hl:]
	var ok bool
	if p.enc, rest, ok = cut16(rest); !ok {
		return nil, errorf(CodeTruncated, "encapsulated key cut short")
	}
	if p.ct, rest, ok = cut32(rest); !ok {
		return nil, errorf(CodeTruncated, "ciphertext cut short")
	}
	if len(rest) != 0 {
		return nil, errorf(CodeMalformed, "%d bytes after the ciphertext", len(rest))
	}
	return p, nil
}

// cut16 and cut32 split a length-prefixed part off b.
func cut16(b []byte) (part, rest []byte, ok bool) {
	if len(b) < 2 || len(b)-2 < int(binary.BigEndian.Uint16(b)) {
		return nil, nil, false
	}
	n := int(binary.BigEndian.Uint16(b))
	return b[2 : 2+n], b[2+n:], true
}

func cut32(b []byte) (part, rest []byte, ok bool) {
	if len(b) < 4 || uint64(len(b)-4) < uint64(binary.BigEndian.Uint32(b)) {
		return nil, nil, false
	}
	n := int(binary.BigEndian.Uint32(b))
	return b[4 : 4+n], b[4+n:], true
}

// Open decrypts and checks a package sealed to priv for the verification
// verificationID. It returns the whole package or an *Error, never part
// of one.
func Open(data []byte, priv *PrivateKey, verificationID string) (*Package, error) {
	p, err := parse(data)
	if err != nil {
		return nil, err
	}
	h := &p.header
	switch {
	case h.KeyID != priv.ID:
		return nil, errorf(CodeWrongKey, "sealed for key %q, opened with %q", h.KeyID, priv.ID)
	case h.VerificationID != verificationID:
		return nil, errorf(CodeWrongID, "sealed for verification %q, not %q", h.VerificationID, verificationID)
	case h.Suite != Suite{KEM: suiteKEM.ID(), KDF: suiteKDF.ID(), AEAD: suiteAEAD.ID()}:
		return nil, errorf(CodeUnknownVersion, "HPKE suite %+v", h.Suite)
	}
	r, err := hpke.NewRecipient(p.enc, priv.key, suiteKDF, suiteAEAD, info(h))
	if err != nil {
		return nil, errorf(CodeTampered, "encapsulated key: %v", err)
	}
	body, err := r.Open(p.aad, p.ct)
	if err != nil {
		return nil, errorf(CodeTampered, "the header or ciphertext was changed, or the package was sealed to another key")
	}
	b, err := decodeBody(body)
	if err != nil {
		return nil, err
	}
	return &Package{Header: *h, Body: *b}, nil
}

// encodeBody compresses the body's sections: the JSON of everything but the
// trace and the JPEGs, the binary trace, then each JPEG.
func encodeBody(b *Body) ([]byte, error) {
	if len(b.BestFrames) > maxJPEGs {
		return nil, errorf(CodeInvalidContents, "%d best frames (limit %d)", len(b.BestFrames), maxJPEGs)
	}
	meta, err := json.Marshal(b)
	if err != nil {
		return nil, errorf(CodeInvalidContents, "body: %v", err)
	}
	trace, err := encodeTrace(&b.Trace)
	if err != nil {
		return nil, err
	}
	var raw bytes.Buffer
	put := func(p []byte) {
		raw.Write(binary.BigEndian.AppendUint32(nil, uint32(len(p))))
		raw.Write(p)
	}
	put(meta)
	put(trace)
	for _, f := range b.BestFrames {
		put(f.JPEG)
	}
	if raw.Len() > maxBody {
		return nil, errorf(CodeInvalidContents, "body of %d bytes (limit %d)", raw.Len(), maxBody)
	}
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.DefaultCompression) // the level is valid
	w.Write(raw.Bytes())                                    // a bytes.Buffer does not fail
	w.Close()
	return out.Bytes(), nil
}

// decodeBody inflates at most maxBody bytes and splits the sections.
func decodeBody(z []byte) (*Body, error) {
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), maxBody+1))
	switch {
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return nil, errorf(CodeMalformed, "body: %v", err)
	case err != nil:
		return nil, errorf(CodeTruncated, "body: %v", err)
	case len(raw) > maxBody:
		return nil, errorf(CodeTooLarge, "body inflates past %d bytes", maxBody)
	}
	var ok bool
	var meta, trace []byte
	if meta, raw, ok = cut32(raw); !ok || len(meta) > maxMetaJSON {
		return nil, errorf(CodeMalformed, "body metadata")
	}
	if trace, raw, ok = cut32(raw); !ok {
		return nil, errorf(CodeMalformed, "body trace section")
	}
	var b Body
	if err := json.Unmarshal(meta, &b); err != nil {
		return nil, errorf(CodeMalformed, "body: %v", err)
	}
	if b.Trace, err = decodeTrace(trace); err != nil {
		return nil, err
	}
	if len(b.BestFrames) > maxJPEGs {
		return nil, errorf(CodeMalformed, "%d best frames (limit %d)", len(b.BestFrames), maxJPEGs)
	}
	for i := range b.BestFrames {
		if b.BestFrames[i].JPEG, raw, ok = cut32(raw); !ok {
			return nil, errorf(CodeMalformed, "best frame %d", i)
		}
	}
	if len(raw) != 0 {
		return nil, errorf(CodeMalformed, "%d bytes after the last section", len(raw))
	}
	return &b, nil
}
