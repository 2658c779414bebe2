package engine

import (
	"context"
	"errors"
	"image"
	"sync"
	"time"

	"github.com/liveid/liveid/compare"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/liveness"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/ocr"
)

// Engine holds every loaded model and runs one session at a time. Opening
// it is the slow part: do it before the user starts. An Engine is safe for
// concurrent use; the Sessions it makes are not.
type Engine struct {
	cfg     Config
	msgs    *Messages
	tracker *face.Tracker
	passive *liveness.Passive
	cmp     *compare.Comparer
	ocr     *ocr.Engine // nil unless Config.OCR
	hashes  map[string]string

	mu      sync.Mutex
	running bool
	used    map[string]bool // verification id + nonce of every challenge a session ran for
}

// Open loads the models from cfg.Dir, starting ONNX Runtime from
// cfg.RuntimeLibrary first when it is set.
func Open(cfg Config) (*Engine, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.RuntimeLibrary != "" {
		if err := models.InitRuntime(cfg.RuntimeLibrary); err != nil {
			return nil, err
		}
	}
	e := &Engine{cfg: cfg, msgs: NewMessages(cfg.Language, cfg.Messages), used: map[string]bool{}}
	if err := e.load(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// load opens the stages and records the hashes of the models they run.
func (e *Engine) load() error {
	mo := models.Options{Threads: e.cfg.Threads}
	var err error
	if e.tracker, err = face.NewTracker(e.cfg.Dir, mo, *e.cfg.Face); err != nil {
		return err
	}
	if e.passive, err = liveness.OpenPassive(e.cfg.Dir, mo); err != nil {
		return err
	}
	if e.cmp, err = compare.New(e.tracker, compare.Options{Dir: e.cfg.Dir, Model: e.cfg.CompareModel, FAR: e.cfg.FAR, Threads: e.cfg.Threads}); err != nil {
		return err
	}
	names := []string{face.DetectorModel, face.MeshModel, face.IrisModel, liveness.AntiSpoofModel, liveness.LivenessModel, e.cfg.CompareModel}
	if e.cfg.OCR {
		if e.ocr, err = ocr.Open(e.cfg.Dir, mo); err != nil {
			return err
		}
		names = append(names, ocr.DetModel, ocr.RecModel, ocr.ClsModel)
	}
	m, err := models.Load()
	if err != nil {
		return err
	}
	e.hashes = map[string]string{}
	for _, n := range names {
		md, err := m.Model(n)
		if err != nil {
			return err
		}
		_, e.hashes[n] = md.Chosen()
	}
	return nil
}

// Close releases the models.
func (e *Engine) Close() error {
	var errs []error
	if e.cmp != nil {
		errs = append(errs, e.cmp.Close())
	}
	if e.passive != nil {
		errs = append(errs, e.passive.Close())
	}
	if e.tracker != nil {
		errs = append(errs, e.tracker.Close())
	}
	if e.ocr != nil {
		errs = append(errs, e.ocr.Close())
	}
	return errors.Join(errs...)
}

// ReadCard reads one side of an ID card photo (the engine must be opened
// with OCR), for the app's own use: the back's issuer and validity, or a
// front outside a session. Session.ReadIDCard reads the front and makes
// its portrait the session's reference.
func (e *Engine) ReadCard(ctx context.Context, img image.Image, side ocr.Side) (*ocr.Card, error) {
	if e.ocr == nil {
		return nil, errorf(CodeBadConfig, "the engine was opened without OCR")
	}
	return e.ocr.Read(ctx, img, side)
}

// Messages is the engine's message table, in its language.
func (e *Engine) Messages() *Messages { return e.msgs }

// NewSession starts a session for a challenge. It refuses an expired
// challenge, one this engine already ran a session for, and a second
// session while one is running (sessions run one after another).
func (e *Engine) NewSession(ch *Challenge) (*Session, error) {
	if err := ch.check(); err != nil {
		return nil, err
	}
	now := e.cfg.Now()
	if now.After(ch.ExpiresAt) || now.Add(clockSkew).Before(ch.IssuedAt) {
		return nil, errorf(CodeChallengeExpired, "valid %v to %v, now %v", ch.IssuedAt, ch.ExpiresAt, now)
	}
	plan, err := liveness.NewPlan(ch.Seed, ch.Liveness)
	if err != nil {
		return nil, errorf(CodeChallengeMalformed, "%v", err)
	}
	key := ch.VerificationID + "\x00" + ch.Nonce
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.running:
		return nil, errorf(CodeBusy, "finish or cancel the running session first")
	case e.used[key]:
		return nil, errorf(CodeChallengeUsed, "verification %q", ch.VerificationID)
	}
	e.running, e.used[key] = true, true
	e.tracker.Reset()
	return newSession(e, ch, plan, now), nil
}

// clockSkew is how far ahead of the phone's clock a server may issue a
// challenge: phones' clocks drift by seconds to minutes.
const clockSkew = 5 * time.Minute

// release ends the running session.
func (e *Engine) release() {
	e.mu.Lock()
	e.running = false
	e.mu.Unlock()
}
