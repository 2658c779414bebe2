package loadgen

import (
	"fmt"
	"image"
	"time"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models/build"
)

// Portrait is sample photo 3 framed as a phone's front camera shows it:
// 480×640, the face about 45% of the width, centred.
func Portrait(home string) (image.Image, error) {
	path, err := build.SamplePhoto(home, 3)
	if err != nil {
		return nil, err
	}
	img, err := imaging.Open(path)
	if err != nil {
		return nil, fmt.Errorf("loadgen: sample photo (run make setup): %w", err)
	}
	const cx, cy, w = 680, 480, 440 // a near-frontal face, about 200 px wide
	crop := imaging.Crop(img, image.Rect(cx-w/2, cy-w*2/3, cx+w/2, cy+w*2/3))
	return imaging.Resize(crop, 480, 640, imaging.Linear), nil
}

// StillSession holds a still photo to the camera for five seconds (NV21,
// sensor turned 270°, mirrored, 30 fps) and finishes: the session passes
// the pre-check and fails liveness. ref, when not nil, is the reference
// photo given to the session.
func StillSession(e *engine.Engine, ch *engine.Challenge, img image.Image, ref *imgproc.Frame) (*engine.Result, error) {
	s, err := e.NewSession(ch)
	if err != nil {
		return nil, err
	}
	if ref != nil {
		if err := s.SetReference(ref); err != nil {
			s.Cancel()
			return nil, err
		}
	}
	base, err := imgproc.ToFrame(img, imgproc.NV21, 270, true)
	if err != nil {
		s.Cancel()
		return nil, err
	}
	for i := range 150 {
		f := *base
		f.Timestamp = time.Second + time.Duration(i)*time.Second/30
		if _, err := s.Push(&f); err != nil {
			s.Cancel()
			return nil, err
		}
	}
	return s.Finish()
}

// Template is the body of one still-photo session, to reseal for other
// verifications.
func Template(e *engine.Engine, img image.Image, now time.Time) (*evidence.Body, error) {
	k, err := evidence.GenerateKey("template")
	if err != nil {
		return nil, err
	}
	ch := &engine.Challenge{VerificationID: "template", Seed: make([]byte, 32), Nonce: "template",
		Compare: engine.NoReference, IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour), Key: k.Public()}
	res, err := StillSession(e, ch, img, nil)
	if err != nil {
		return nil, err
	}
	p, err := evidence.Open(res.Package, k, ch.VerificationID)
	if err != nil {
		return nil, err
	}
	return &p.Body, nil
}

// Reseal seals body for challenge ch as a device would, captured just
// before now: bound to its verification, key and plan.
func Reseal(body *evidence.Body, ch *engine.Challenge, now time.Time) ([]byte, error) {
	h := evidence.Header{Engine: engine.Version, VerificationID: ch.VerificationID, PlanHash: engine.PlanHash(ch),
		CaptureStart: now.Add(-5 * time.Second), CaptureEnd: now}
	return evidence.Seal(h, body, ch.Key)
}
