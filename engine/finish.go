package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/jpeg"

	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/ocr"
)

// Result is a finished session: the device's own verdict, for the UI only
// (the server decides again from the package), and the sealed package to
// upload.
type Result struct {
	Pass bool
	// Reasons are the stable codes of every failed check (LIVENESS_*,
	// COMPARE_*, ENGINE_*); empty iff Pass. Messages are their texts.
	Reasons, Messages []string
	Liveness          liveness.Result
	// Compare is the advisory comparison with the reference, nil when the
	// challenge asked for none or it could not be made.
	Compare *compare.Result
	// Package is the sealed evidence for the verifier's server.
	Package []byte
}

// reference is the embedded face the live one is compared with.
type reference struct {
	kind compare.Reference
	face compare.Face
}

// SetReference gives the photo the live face is compared with (the
// challenge's compare mode photo). Its largest face is found and embedded
// now; the frame is not kept.
func (s *Session) SetReference(f *imgproc.Frame) error {
	return s.setReference(f, compare.Photo)
}

// ReadIDCard reads an ID card photo (the engine must be opened with OCR)
// and makes its portrait the reference, for a challenge whose compare mode
// is id-portrait. The card is returned for the app's own use.
func (s *Session) ReadIDCard(ctx context.Context, img image.Image) (*ocr.Card, error) {
	card, err := s.e.ReadCard(ctx, img, ocr.Front)
	if err != nil {
		return nil, err
	}
	if card.Portrait == nil {
		return card, errorf(CodeNoReference, "the card's portrait was not found")
	}
	return card, s.setReference(imgproc.FromImage(card.Portrait), compare.IDPortrait)
}

func (s *Session) setReference(f *imgproc.Frame, kind compare.Reference) error {
	if s.over {
		return errorf(CodeSessionOver, "SetReference after Finish or Cancel")
	}
	fc, err := s.e.cmp.Embed(f, kind)
	if err != nil {
		return err
	}
	s.ref = &reference{kind: kind, face: fc}
	return nil
}

// Finish ends the session, decides locally and seals the evidence. It may
// be called at any time: a session that has not completed every step
// fails. Finish after Finish or Cancel returns ErrSessionOver.
func (s *Session) Finish() (*Result, error) {
	if s.over {
		return nil, errorf(CodeSessionOver, "Finish after Finish or Cancel")
	}
	s.over = true
	defer s.e.release()
	res := &Result{}
	if s.live == nil {
		s.live = liveness.NewSession(s.plan) // no frames: it fails with MISSING_EVIDENCE
	}
	if err := s.best.scorePassive(s.e.passive); err != nil {
		s.fail(ReasonBadStream)
		s.best.frames = nil // no scores: liveness fails with MISSING_EVIDENCE
	}
	for _, b := range s.best.frames {
		s.live.AddPassive(b.passive)
	}
	res.Liveness = s.live.Finish()
	if s.failed != "" {
		res.Reasons = append(res.Reasons, s.failed)
	}
	for _, r := range res.Liveness.Reasons {
		res.Reasons = append(res.Reasons, string(r))
	}
	res.Reasons = append(res.Reasons, s.identityReasons()...)
	res.Reasons = append(res.Reasons, s.compareReasons(res)...)
	if s.e.cfg.Now().After(s.ch.ExpiresAt) {
		res.Reasons = append(res.Reasons, ReasonExpired)
	}
	res.Pass = len(res.Reasons) == 0
	for _, r := range res.Reasons {
		res.Messages = append(res.Messages, s.e.msgs.Text(r))
	}
	if s.phase != PhaseFailed {
		s.phase = PhaseDone
		if !res.Pass {
			s.phase = PhaseFailed
		}
	}
	var err error
	res.Package, err = s.seal(res)
	return res, err
}

// identityReasons checks that the best frames, one from each part of the
// session, show one person: each must match the top frame at the
// comparer's FAR. A different live person swapped in during the actions
// passes every liveness check and only this one.
func (s *Session) identityReasons() []string {
	if len(s.best.frames) < 2 {
		return nil
	}
	faces := make([]compare.Face, len(s.best.frames))
	for i, f := range s.best.frames {
		var err error
		if faces[i], err = s.e.cmp.EmbedFace(f.face, compare.Photo); err != nil {
			return []string{codeOf(err)}
		}
	}
	if same, err := s.e.cmp.SamePerson(faces); err != nil {
		return []string{codeOf(err)}
	} else if !same {
		return []string{ReasonFaceChanged}
	}
	return nil
}

// compareReasons runs the advisory comparison of the best frame with the
// reference, when the challenge asks for one.
func (s *Session) compareReasons(res *Result) []string {
	if s.ch.Compare == NoReference {
		return nil
	}
	if s.ref == nil {
		return []string{ReasonNoReference}
	}
	if len(s.best.frames) == 0 {
		return nil // liveness has failed already: no best frame, no passive scores
	}
	live, err := s.e.cmp.EmbedFace(s.best.frames[0].face, s.ref.kind)
	if err != nil {
		return []string{codeOf(err)}
	}
	r, err := s.e.cmp.Match(live, s.ref.face)
	if err != nil {
		return []string{codeOf(err)}
	}
	res.Compare = &r
	if !r.Pass {
		return []string{ReasonNoMatch}
	}
	return nil
}

// codeOf is an error's stable code, for errors that have one.
func codeOf(err error) string {
	var c interface{ Code() string }
	if errors.As(err, &c) {
		return c.Code()
	}
	return "ENGINE_INTERNAL"
}

// seal builds and seals the evidence package.
func (s *Session) seal(res *Result) ([]byte, error) {
	h := evidence.Header{Engine: Version, VerificationID: s.ch.VerificationID, PlanHash: PlanHash(s.ch),
		CaptureStart: s.wallStart, CaptureEnd: s.e.cfg.Now(), Device: s.e.cfg.Device}
	b := &evidence.Body{Trace: s.trace.trace, Models: s.e.hashes,
		Local: evidence.Decision{Pass: res.Pass, Reasons: res.Reasons}}
	if b.Local.Reasons == nil {
		b.Local.Reasons = []string{}
	}
	for _, f := range s.best.frames {
		b.Passive = append(b.Passive, evidence.PassiveScore{Real: f.passive.Real, Live: f.passive.Live})
		img := f.face.Image()
		j, err := encodeJPEG(img)
		if err != nil {
			return nil, err
		}
		b.BestFrames = append(b.BestFrames, evidence.BestFrame{T: f.t, Score: f.score, Width: img.Rect.Dx(), Height: img.Rect.Dy(), JPEG: j})
	}
	if c := res.Compare; c != nil {
		b.Compare = &evidence.CompareResult{Model: c.A.Model, Reference: s.ref.kind.String(), Similarity: c.Similarity, Score: c.Score, Pass: c.Pass}
	}
	return evidence.Seal(h, b, s.ch.Key)
}

// jpegQuality keeps a 224-px face crop at about 15–25 KB with no visible
// loss, so three fit the package budget easily.
const jpegQuality = 90

func encodeJPEG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// PlanHash is the hex sha256 the evidence header carries for the plan: of
// the seed and the challenge's liveness config in its wire form, so the
// server can check the package was made for the plan it issued.
func PlanHash(ch *Challenge) string {
	h := sha256.New()
	h.Write([]byte("liveid plan v1\x00"))
	h.Write(ch.Seed)
	b, _ := json.Marshal(wireConfig(ch.Liveness)) // a plain struct always marshals
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}
