package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/liveid/liveid/server/store"
)

// The headers of a callback: the body's signature with the app's callback
// secret and the verification id, the key a receiver deduplicates on (a
// callback may arrive more than once).
const (
	HeaderCallbackSignature    = "X-Liveid-Signature"
	HeaderCallbackVerification = "X-Liveid-Verification"
)

// CallbackBody is what a callback POSTs: the same bytes on every retry.
type CallbackBody struct {
	VerificationID string    `json:"verification_id"`
	OrderNo        string    `json:"order_no"`
	Passed         bool      `json:"passed"`
	SubCode        string    `json:"sub_code"`
	DecidedAt      time.Time `json:"decided_at"`
}

// CallbackSignature is the hex HMAC-SHA256 of a callback body with the
// app's callback secret.
func CallbackSignature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Run drives the background jobs until ctx ends: callbacks every
// CallbackEvery, the purge every PurgeEvery (and once at start).
func (s *Server) Run(ctx context.Context) {
	cb := time.NewTicker(s.cfg.CallbackEvery)
	defer cb.Stop()
	pg := time.NewTicker(s.cfg.PurgeEvery)
	defer pg.Stop()
	s.purgeLogged(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-cb.C:
			if _, err := s.DeliverCallbacks(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Error("callbacks", "error", err.Error())
			}
		case <-pg.C:
			s.purgeLogged(ctx)
		}
	}
}

func (s *Server) purgeLogged(ctx context.Context) {
	p, err := s.Purge(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.cfg.Logger.Error("purge", "error", err.Error())
		}
		return
	}
	s.cfg.Logger.Info("purge", slog.Int64("blobs", p.Blobs), slog.Int64("nonces", p.Nonces))
}

// Purge deletes the images and packages older than the retention and the
// expired request nonces; decisions stay.
func (s *Server) Purge(ctx context.Context) (store.Purged, error) {
	now := s.cfg.Now()
	p, err := s.cfg.Store.Purge(ctx, now.Add(-s.cfg.Retention), now)
	s.m.purged.Add(float64(p.Blobs))
	return p, err
}

// callbackLease is how long a claimed callback is this instance's to send.
const callbackLease = time.Minute

// DeliverCallbacks sends the callbacks due now and returns how many were
// delivered.
func (s *Server) DeliverCallbacks(ctx context.Context) (int, error) {
	due, err := s.cfg.Store.DueCallbacks(ctx, s.cfg.Now(), 32, callbackLease)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range due {
		c := &due[i]
		err := s.deliver(ctx, c)
		c.Attempts++
		if err == nil {
			c.DeliveredAt, c.LastError = s.cfg.Now(), ""
			n++
			s.m.callbacks.WithLabelValues("delivered").Inc()
		} else {
			c.LastError = err.Error()
			c.NextAt = s.cfg.Now().Add(backoff(c.Attempts))
			if c.Attempts >= s.cfg.CallbackAttempts {
				c.NextAt = never
				c.LastError = "gave up: " + c.LastError
			}
			s.m.callbacks.WithLabelValues("failed").Inc()
			s.cfg.Logger.Warn("callback failed", "verification_id", c.VerificationID, "attempt", c.Attempts, "error", c.LastError)
		}
		if err := s.cfg.Store.UpdateCallback(ctx, c); err != nil {
			return n, err
		}
	}
	return n, nil
}

// never is the retry time of a callback given up on.
var never = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// backoff is the wait before retry n: 2ⁿ⁻¹ s, at most an hour.
func backoff(n int) time.Duration {
	return min(time.Second<<min(n-1, 20), time.Hour)
}

func (s *Server) deliver(ctx context.Context, c *store.Callback) error {
	v, err := s.cfg.Store.Verification(ctx, c.VerificationID)
	if err != nil {
		return err
	}
	d, err := s.cfg.Store.Decision(ctx, c.VerificationID)
	if err != nil {
		return err
	}
	app, err := s.cfg.Store.App(ctx, v.AppID)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(CallbackBody{VerificationID: v.ID, OrderNo: v.OrderNo, Passed: d.Passed, SubCode: d.SubCode, DecidedAt: d.DecidedAt})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderCallbackSignature, CallbackSignature(app.CallbackSecret, body))
	req.Header.Set(HeaderCallbackVerification, v.ID)
	resp, err := s.cfg.CallbackClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}
