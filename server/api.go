package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/server/store"
)

// InitRequest starts a verification (POST /v1/verifications).
type InitRequest struct {
	// OrderNo is the app's own id of the verification, unique per app:
	// 1–64 characters of [A-Za-z0-9_.:-].
	OrderNo string `json:"order_no"`
	UserID  string `json:"user_id,omitempty"`
	// Liveness is the challenge's liveness config in its wire form
	// (actions, count, timeouts in ms); omitted: the defaults.
	Liveness json.RawMessage `json:"liveness,omitempty"`
	// Compare is none (default), photo or id-portrait.
	Compare string `json:"compare,omitempty"`
	// ReferencePhoto is a JPEG or PNG: required with photo, optional with
	// id-portrait (the card's portrait as the backend holds it).
	ReferencePhoto []byte `json:"reference_photo,omitempty"`
	// CallbackURL receives the decision (POST, signed).
	CallbackURL string `json:"callback_url,omitempty"`
}

// InitResponse is the new (or repeated) verification and the client's
// challenge (engine.Challenge's wire form).
type InitResponse struct {
	VerificationID string          `json:"verification_id"`
	OrderNo        string          `json:"order_no"`
	ExpiresAt      time.Time       `json:"expires_at"`
	Challenge      json.RawMessage `json:"challenge"`
	Repeated       bool            `json:"repeated"`
}

// record is what the store keeps of an issued verification.
type record struct {
	Challenge   json.RawMessage `json:"challenge"` // engine wire form of the current challenge
	RequestHash string          `json:"request_hash"`
	Reference   bool            `json:"reference"`
}

var orderNoRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

func (s *Server) handleInit(w http.ResponseWriter, r *http.Request, app appCtx, body []byte) {
	req, err := decodeInit(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.Init(r.Context(), app.ID, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusCreated
	if res.Repeated {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
}

// decodeInit reads an init request's body: one JSON object of
// InitRequest's fields and nothing else.
func decodeInit(body []byte) (*InitRequest, error) {
	var req InitRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, errorf(CodeBadRequest, "init body: %v", err)
	}
	if dec.More() {
		return nil, errorf(CodeBadRequest, "init body: more than one JSON value")
	}
	return &req, nil
}

// Init issues a verification for app: a repeated order number with the
// same parameters returns the existing verification, with other
// parameters ErrDuplicateOrder.
func (s *Server) Init(ctx context.Context, appID string, req *InitRequest) (*InitResponse, error) {
	if err := s.checkInit(req); err != nil {
		return nil, err
	}
	hash := requestHash(req)
	if res, err := s.repeated(ctx, appID, req.OrderNo, hash); res != nil || err != nil {
		return res, err
	}
	now := s.cfg.Now()
	v := &store.Verification{ID: "lv_" + randomHex(12), AppID: appID, OrderNo: req.OrderNo, UserID: req.UserID,
		CallbackURL: req.CallbackURL, CreatedAt: now, ExpiresAt: now.Add(s.cfg.VerificationTTL)}
	ch, err := s.newChallenge(v, req.Liveness, engine.Reference(req.Compare), now)
	if err != nil {
		return nil, err
	}
	rec := record{Challenge: ch, RequestHash: hash, Reference: req.ReferencePhoto != nil}
	v.Challenge, _ = json.Marshal(rec) // raw JSON and strings always marshal
	var blobs []store.Blob
	if rec.Reference {
		blobs = []store.Blob{{Name: "reference", Data: req.ReferencePhoto}}
	}
	err = s.cfg.Store.CreateVerification(ctx, v, blobs)
	if errors.Is(err, store.ErrDuplicate) { // a concurrent init of the same order won
		if res, err := s.repeated(ctx, appID, req.OrderNo, hash); res != nil || err != nil {
			return res, err
		}
	}
	if err != nil {
		return nil, err
	}
	return &InitResponse{VerificationID: v.ID, OrderNo: v.OrderNo, ExpiresAt: v.ExpiresAt, Challenge: ch}, nil
}

// repeated answers an order number the app used before: nil, nil when it
// has not.
func (s *Server) repeated(ctx context.Context, appID, orderNo, hash string) (*InitResponse, error) {
	v, err := s.cfg.Store.VerificationByOrder(ctx, appID, orderNo)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	rec, err := recordOf(v)
	if err != nil {
		return nil, err
	}
	if rec.RequestHash != hash {
		return nil, errorf(CodeDuplicateOrder, "order %q has verification %s, made with other parameters", orderNo, v.ID)
	}
	return &InitResponse{VerificationID: v.ID, OrderNo: v.OrderNo, ExpiresAt: v.ExpiresAt, Challenge: rec.Challenge, Repeated: true}, nil
}

func recordOf(v *store.Verification) (*record, error) {
	var rec record
	if err := json.Unmarshal(v.Challenge, &rec); err != nil {
		return nil, fmt.Errorf("server: stored challenge of %s: %w", v.ID, err)
	}
	return &rec, nil
}

func (s *Server) checkInit(req *InitRequest) error {
	if !orderNoRE.MatchString(req.OrderNo) {
		return errorf(CodeBadRequest, "order_no %q: want 1..64 characters of A-Z a-z 0-9 _ . : -", req.OrderNo)
	}
	if len(req.UserID) > 128 || strings.ContainsFunc(req.UserID, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return errorf(CodeBadRequest, "user_id: want at most 128 characters, no control characters")
	}
	switch engine.Reference(req.Compare) {
	case "":
		req.Compare = string(engine.NoReference)
		fallthrough
	case engine.NoReference:
		if req.ReferencePhoto != nil {
			return errorf(CodeBadReference, "a reference photo with compare none")
		}
	case engine.PhotoReference:
		if req.ReferencePhoto == nil {
			return errorf(CodeBadReference, "compare photo needs reference_photo")
		}
	case engine.IDCardReference:
	default:
		return errorf(CodeBadRequest, "compare %q: want none, photo or id-portrait", req.Compare)
	}
	if req.ReferencePhoto != nil {
		if _, err := decodeImage(req.ReferencePhoto, referenceLimits); err != nil {
			return errorf(CodeBadReference, "reference_photo: %v", err)
		}
	}
	return s.checkCallbackURL(req.CallbackURL)
}

func (s *Server) checkCallbackURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || len(raw) > 1024 || (u.Scheme != "https" && !(u.Scheme == "http" && s.cfg.InsecureCallbacks)) {
		return errorf(CodeBadRequest, "callback_url: want an absolute https URL of at most 1024 bytes")
	}
	return nil
}

// requestHash identifies an init's parameters, to tell a repeat from a
// conflicting reuse of the order number.
func requestHash(req *InitRequest) string {
	h := sha256.New()
	ref := sha256.Sum256(req.ReferencePhoto)
	for _, part := range []string{req.OrderNo, req.UserID, compactJSON(req.Liveness), req.Compare, hex.EncodeToString(ref[:]), req.CallbackURL} {
		fmt.Fprintf(h, "%d:%s", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func compactJSON(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	b, _ := json.Marshal(v) // re-marshalling a decoded value sorts the keys
	return string(b)
}

// newChallenge makes a fresh challenge for v (new seed and nonce), in its
// wire form. The liveness config is the request's, checked as the engine
// parses it.
func (s *Server) newChallenge(v *store.Verification, liveCfg json.RawMessage, mode engine.Reference, now time.Time) (json.RawMessage, error) {
	seed := make([]byte, 32)
	rand.Read(seed) // crypto/rand.Read never fails
	ch := &engine.Challenge{VerificationID: v.ID, Seed: seed, Nonce: randomHex(16), Compare: mode,
		IssuedAt: now, ExpiresAt: minTime(now.Add(s.cfg.ChallengeTTL), v.ExpiresAt), Key: s.cfg.Keys.issuing().Public()}
	b, err := ch.MarshalJSON()
	if err != nil {
		return nil, err
	}
	if len(liveCfg) == 0 {
		return b, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["liveness"] = liveCfg
	b, _ = json.Marshal(m) // raw messages that were just parsed
	if _, err := engine.ParseChallenge(b); err != nil {
		return nil, errorf(CodeBadRequest, "liveness: %v", err)
	}
	return b, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// handleRechallenge issues a new challenge for a pending verification (the
// user restarts, or the first challenge's 120 s ran out); older ones stop
// being accepted.
func (s *Server) handleRechallenge(w http.ResponseWriter, r *http.Request, app appCtx, _ []byte) {
	v, rec, err := s.verification(r.Context(), app.ID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.cfg.Now()
	if v.State != store.Pending || now.After(v.ExpiresAt) {
		s.writeError(w, r, errorf(CodeNotPending, "verification %s is %s", v.ID, stateAt(v, now)))
		return
	}
	old, err := engine.ParseChallenge(rec.Challenge)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var live map[string]json.RawMessage
	json.Unmarshal(rec.Challenge, &live) // parsed just above
	if rec.Challenge, err = s.newChallenge(v, live["liveness"], old.Compare, now); err != nil {
		s.writeError(w, r, err)
		return
	}
	b, _ := json.Marshal(rec)
	if err := s.cfg.Store.Rechallenge(r.Context(), v.ID, b); errors.Is(err, store.ErrAlreadySubmitted) {
		s.writeError(w, r, errorf(CodeNotPending, "verification %s was submitted meanwhile", v.ID))
		return
	} else if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, InitResponse{VerificationID: v.ID, OrderNo: v.OrderNo, ExpiresAt: v.ExpiresAt, Challenge: rec.Challenge})
}

// verification is the app's verification id and its record; another app's
// is not found.
func (s *Server) verification(ctx context.Context, appID, id string) (*store.Verification, *record, error) {
	v, err := s.cfg.Store.Verification(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && appID != "" && v.AppID != appID) {
		return nil, nil, errorf(CodeNotFound, "no verification %q", id)
	} else if err != nil {
		return nil, nil, err
	}
	rec, err := recordOf(v)
	return v, rec, err
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// Description is what describe returns (GET /v1/verifications/{id}): the
// verification, its decision once made (inline), or why it has none.
type Description struct {
	VerificationID string       `json:"verification_id"`
	OrderNo        string       `json:"order_no"`
	UserID         string       `json:"user_id"`
	State          string       `json:"state"` // pending, done or expired
	NotFinished    *NotFinished `json:"not_finished,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	ExpiresAt      time.Time    `json:"expires_at"`
	SubmittedAt    *time.Time   `json:"submitted_at,omitempty"`
	*Decision
	// Frames are the best frames (JPEG, base64) when asked for with
	// ?frames=best (the first) or all; FramesPurged says the retention
	// deleted them.
	Frames       [][]byte `json:"frames,omitempty"`
	FramesPurged bool     `json:"frames_purged,omitempty"`
}

// NotFinished is why a verification has no decision.
type NotFinished struct {
	Cause   string `json:"cause"` // NOT_SUBMITTED or EXPIRED
	Message string `json:"message"`
}

func stateAt(v *store.Verification, now time.Time) string {
	if v.State == store.Pending && now.After(v.ExpiresAt) {
		return "expired"
	}
	return string(v.State)
}

func (s *Server) handleDescribe(w http.ResponseWriter, r *http.Request, app appCtx, _ []byte) {
	frames := r.URL.Query().Get("frames")
	if frames != "" && frames != "none" && frames != "best" && frames != "all" {
		s.writeError(w, r, errorf(CodeBadRequest, "frames %q: want none, best or all", frames))
		return
	}
	d, err := s.Describe(r.Context(), app.ID, r.PathValue("id"), frames)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// Describe is the app's view of a verification; frames is none, best or
// all.
func (s *Server) Describe(ctx context.Context, appID, id, frames string) (*Description, error) {
	v, _, err := s.verification(ctx, appID, id)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	d := &Description{VerificationID: v.ID, OrderNo: v.OrderNo, UserID: v.UserID, State: stateAt(v, now),
		CreatedAt: v.CreatedAt, ExpiresAt: v.ExpiresAt}
	switch d.State {
	case "pending":
		d.NotFinished = &NotFinished{Cause: "NOT_SUBMITTED", Message: "no evidence package has been accepted yet"}
		return d, nil
	case "expired":
		d.NotFinished = &NotFinished{Cause: "EXPIRED", Message: "the verification expired before an evidence package was accepted"}
		return d, nil
	}
	sub := v.SubmittedAt
	d.SubmittedAt = &sub
	sd, err := s.cfg.Store.Decision(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	d.Decision = &Decision{}
	if err := json.Unmarshal(sd.Body, d.Decision); err != nil {
		return nil, fmt.Errorf("server: stored decision of %s: %w", v.ID, err)
	}
	if frames == "best" || frames == "all" {
		blobs, err := s.cfg.Store.Blobs(ctx, v.ID, "frame-")
		if err != nil {
			return nil, err
		}
		for _, b := range blobs {
			d.Frames = append(d.Frames, b.Data)
			if frames == "best" {
				break
			}
		}
		d.FramesPurged = len(blobs) == 0 && d.BestFrames > 0
	}
	return d, nil
}

// HeaderChallengeNonce carries the challenge's nonce on a submission: the
// client's credential for its one upload.
const HeaderChallengeNonce = "X-Liveid-Challenge-Nonce"

// SubmitResponse acknowledges an accepted package: its decision is stored.
type SubmitResponse struct {
	VerificationID string `json:"verification_id"`
	Accepted       bool   `json:"accepted"`
}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r, evidence.MaxPackage)
	if err == nil {
		err = s.Submit(r.Context(), r.PathValue("id"), r.Header.Get(HeaderChallengeNonce), body)
	}
	if err != nil {
		e := AsError(err)
		s.m.rejected.WithLabelValues(e.Code).Inc()
		s.cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "submission refused", slog.String("request_id", RequestID(r.Context())),
			slog.String("verification_id", r.PathValue("id")), slog.String("code", e.Code))
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, SubmitResponse{VerificationID: r.PathValue("id"), Accepted: true})
}

// clockSkew is how far a phone's clock may be from the server's when it
// dates the capture.
const clockSkew = 5 * time.Minute

// Submit checks a sealed package against the verification it is uploaded
// for, decides again and stores the decision, once.
func (s *Server) Submit(ctx context.Context, id, nonce string, data []byte) error {
	v, rec, err := s.verification(ctx, "", id)
	if err != nil {
		return err
	}
	ch, err := engine.ParseChallenge(rec.Challenge)
	if err != nil {
		return err
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(nonce), []byte(ch.Nonce)) != 1 {
		return errorf(CodeBadNonce, "the challenge nonce does not match the current challenge")
	}
	if v.State != store.Pending {
		return errorf(CodeReplayed, "verification %s already has a decision", v.ID)
	}
	now := s.cfg.Now()
	if now.After(ch.ExpiresAt.Add(s.cfg.SubmitGrace)) || now.After(v.ExpiresAt.Add(s.cfg.SubmitGrace)) {
		return errorf(CodeExpired, "the challenge expired at %v", ch.ExpiresAt.Format(time.RFC3339))
	}
	pkg, err := s.open(data, v.ID, ch)
	if err != nil {
		return err
	}
	in := &decisionInput{ch: ch, pkg: pkg}
	if rec.Reference {
		b, err := s.cfg.Store.Blobs(ctx, v.ID, "reference")
		if err != nil {
			return err
		}
		if len(b) == 0 {
			return errorf(CodeExpired, "the reference photo was purged")
		}
		in.reference = b[0].Data
	}
	if s.cfg.Deciders == nil {
		return errors.New("server: no deciders configured")
	}
	d, err := s.cfg.Deciders.decide(ctx, in)
	if err != nil {
		return err
	}
	return s.store(ctx, v, d, data, pkg)
}

// open opens the package with the key the challenge named and checks it
// was made for this challenge: its plan and its time window.
func (s *Server) open(data []byte, id string, ch *engine.Challenge) (*evidence.Package, error) {
	h, err := evidence.ReadHeader(data)
	if err != nil {
		return nil, evidenceError(err)
	}
	key := s.cfg.Keys.key(h.KeyID)
	if key == nil || h.KeyID != ch.Key.ID {
		return nil, errorf(evidence.CodeWrongKey, "sealed to key %q, the challenge named %q", h.KeyID, ch.Key.ID)
	}
	pkg, err := evidence.Open(data, key, id)
	if err != nil {
		return nil, evidenceError(err)
	}
	if pkg.Header.PlanHash != engine.PlanHash(ch) {
		return nil, errorf(CodePlanMismatch, "the package was made for another liveness plan")
	}
	ph := &pkg.Header
	if ph.CaptureStart.Before(ch.IssuedAt.Add(-clockSkew)) || ph.CaptureEnd.After(ch.ExpiresAt.Add(clockSkew)) || ph.CaptureEnd.Before(ph.CaptureStart) {
		return nil, errorf(CodeOutsideWindow, "captured %v to %v, the challenge is valid %v to %v",
			ph.CaptureStart.Format(time.RFC3339), ph.CaptureEnd.Format(time.RFC3339), ch.IssuedAt.Format(time.RFC3339), ch.ExpiresAt.Format(time.RFC3339))
	}
	return pkg, nil
}

// evidenceError keeps evidence's code on a refused package.
func evidenceError(err error) error {
	var ee *evidence.Error
	if errors.As(err, &ee) {
		return errorf(ee.Code, "%s", ee.Detail)
	}
	return err
}

// store writes the decision, the package, the best frames and the
// callback in one transaction.
func (s *Server) store(ctx context.Context, v *store.Verification, d *Decision, data []byte, pkg *evidence.Package) error {
	d.DecidedAt = s.cfg.Now().UTC()
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	sub := &store.Submission{Decision: store.Decision{VerificationID: v.ID, Passed: d.Passed, SubCode: d.SubCode, Body: body, DecidedAt: d.DecidedAt},
		Blobs: []store.Blob{{Name: "package", Data: data}}}
	for i, f := range pkg.Body.BestFrames {
		sub.Blobs = append(sub.Blobs, store.Blob{Name: fmt.Sprintf("frame-%d", i), Data: f.JPEG})
	}
	if v.CallbackURL != "" {
		sub.Callback = &store.Callback{URL: v.CallbackURL, NextAt: d.DecidedAt}
	}
	if err := s.cfg.Store.Finish(ctx, sub); errors.Is(err, store.ErrAlreadySubmitted) {
		return errorf(CodeReplayed, "verification %s already has a decision", v.ID)
	} else if err != nil {
		return err
	}
	s.m.decisions.WithLabelValues(fmt.Sprint(d.Passed)).Inc()
	return nil
}
