package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/loadgen"
	"github.com/liveid/liveid/server/servertest"
)

var ctx = context.Background()

// raw sends a backend request signed (or not) by hand.
func raw(t *testing.T, h *servertest.Harness, method, path string, body []byte, sign func(*http.Request)) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, h.URL+path, bytes.NewReader(body))
	if sign != nil {
		sign(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct{ Code string }
	b, _ := io.ReadAll(resp.Body)
	json.Unmarshal(b, &e)
	return resp.StatusCode, e.Code
}

func TestBackendRequestsAreSigned(t *testing.T) {
	servertest.EachStore(t, func(t *testing.T, h *servertest.Harness) {
		body := []byte(`{"order_no":"o-1"}`)
		signed := func(mod func(r *http.Request)) func(*http.Request) {
			return func(r *http.Request) {
				server.SignRequest(r, h.App.KeyID, h.App.Secret, body, h.Clk.Now())
				if mod != nil {
					mod(r)
				}
			}
		}
		var replay http.Header
		for _, c := range []struct {
			name string
			body []byte
			sign func(*http.Request)
			want string
		}{
			{"unsigned", body, nil, server.CodeAuthMissing},
			{"unknown key", body, signed(func(r *http.Request) { r.Header.Set(server.HeaderKey, "lk_nope") }), server.CodeAuthUnknownKey},
			{"wrong secret", body, func(r *http.Request) { server.SignRequest(r, h.App.KeyID, "guess", body, h.Clk.Now()) }, server.CodeAuthBadSignature},
			{"body changed", []byte(`{"order_no":"o-2"}`), signed(nil), server.CodeAuthBadSignature},
			{"stale", body, func(r *http.Request) {
				server.SignRequest(r, h.App.KeyID, h.App.Secret, body, h.Clk.Now().Add(-6*time.Minute))
			}, server.CodeAuthStale},
			{"future", body, func(r *http.Request) {
				server.SignRequest(r, h.App.KeyID, h.App.Secret, body, h.Clk.Now().Add(6*time.Minute))
			}, server.CodeAuthStale},
			{"good", body, signed(func(r *http.Request) { replay = r.Header.Clone() }), ""},
			{"replayed nonce", body, func(r *http.Request) { r.Header = replay }, server.CodeAuthNonceReused},
		} {
			status, got := raw(t, h, http.MethodPost, "/v1/verifications", c.body, c.sign)
			if got != c.want || (c.want == "" && status != http.StatusCreated) {
				t.Errorf("%s: HTTP %d %q, want %q", c.name, status, got, c.want)
			}
		}
	})
}

// tinyJPEG is a w×h grey JPEG.
func tinyJPEG(t *testing.T, w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	return b.Bytes()
}

// hugeJPEG is a small JPEG whose header claims 30000×30000 pixels.
func hugeJPEG(t *testing.T) []byte {
	b := tinyJPEG(t, 16, 16)
	i := bytes.Index(b, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	b[i+5], b[i+6], b[i+7], b[i+8] = 30000>>8, 30000&0xff, 30000>>8, 30000&0xff
	return b
}

func TestInit(t *testing.T) {
	servertest.EachStore(t, func(t *testing.T, h *servertest.Harness) {
		req := &server.InitRequest{OrderNo: "order-1", UserID: "u1", Liveness: json.RawMessage(`{"actions":["blink","nod"],"count":2}`)}
		res, ch := h.Init(t, req)
		if res.Repeated || !strings.HasPrefix(res.VerificationID, "lv_") || ch.VerificationID != res.VerificationID {
			t.Errorf("init: %+v", res)
		}
		now := h.Clk.Now()
		if d := res.ExpiresAt.Sub(now); d < 29*time.Minute || d > 30*time.Minute {
			t.Errorf("verification valid for %v, want 30 min", d)
		}
		if d := ch.ExpiresAt.Sub(ch.IssuedAt); d != 120*time.Second {
			t.Errorf("challenge valid for %v, want 120 s", d)
		}
		if len(ch.Seed) != 32 || len(ch.Nonce) != 32 || ch.Key.ID != "k1" || ch.Liveness.Count != 2 || len(ch.Liveness.Actions) != 2 {
			t.Errorf("challenge %+v", ch)
		}
		again, _ := h.Init(t, req)
		if !again.Repeated || again.VerificationID != res.VerificationID || !bytes.Equal(again.Challenge, res.Challenge) {
			t.Errorf("repeat gave %+v, want the same verification", again)
		}
		other := *req
		other.UserID = "u2"
		if _, err := h.C.Init(ctx, &other); servertest.Code(err) != server.CodeDuplicateOrder {
			t.Errorf("order reused with other parameters: %v", err)
		}
		for name, c := range map[string]struct {
			req  server.InitRequest
			want string
		}{
			"bad order no":       {server.InitRequest{OrderNo: "has space"}, server.CodeBadRequest},
			"bad compare":        {server.InitRequest{OrderNo: "o2", Compare: "dna"}, server.CodeBadRequest},
			"bad action":         {server.InitRequest{OrderNo: "o3", Liveness: json.RawMessage(`{"actions":["dance"]}`)}, server.CodeBadRequest},
			"photo, no photo":    {server.InitRequest{OrderNo: "o4", Compare: "photo"}, server.CodeBadReference},
			"not an image":       {server.InitRequest{OrderNo: "o5", Compare: "photo", ReferencePhoto: []byte("hello")}, server.CodeBadReference},
			"over pixel budget":  {server.InitRequest{OrderNo: "o6", Compare: "photo", ReferencePhoto: hugeJPEG(t)}, server.CodeBadReference},
			"http callback only": {server.InitRequest{OrderNo: "o7", CallbackURL: "ftp://x"}, server.CodeBadRequest},
		} {
			if _, err := h.C.Init(ctx, &c.req); servertest.Code(err) != c.want {
				t.Errorf("%s: %v, want %s", name, err, c.want)
			}
		}
		big := server.InitRequest{OrderNo: "o8", Compare: "photo", ReferencePhoto: make([]byte, 4<<20)}
		if _, err := h.C.Init(ctx, &big); servertest.Code(err) != server.CodeTooLarge {
			t.Errorf("5 MB body: %v", err)
		}
		ok := server.InitRequest{OrderNo: "o9", Compare: "photo", ReferencePhoto: tinyJPEG(t, 64, 64)}
		if _, err := h.C.Init(ctx, &ok); err != nil {
			t.Errorf("a small reference photo: %v", err)
		}
	})
}

func TestDescribeStates(t *testing.T) {
	servertest.EachStore(t, func(t *testing.T, h *servertest.Harness) {
		res, _ := h.Init(t, &server.InitRequest{OrderNo: "o1"})
		d, err := h.C.Describe(ctx, res.VerificationID, "")
		if err != nil || d.State != "pending" || d.NotFinished == nil || d.NotFinished.Cause != "NOT_SUBMITTED" || d.Decision != nil {
			t.Errorf("pending: %+v %v", d, err)
		}
		other, _ := server.CreateAPIKey(ctx, h.St, "app2", "other", time.Now())
		c2 := *h.C
		c2.KeyID, c2.Secret = other.KeyID, other.Secret
		if _, err := c2.Describe(ctx, res.VerificationID, ""); servertest.Code(err) != server.CodeNotFound {
			t.Errorf("another app's verification: %v", err)
		}
		if _, err := h.C.Describe(ctx, "lv_nope", ""); servertest.Code(err) != server.CodeNotFound {
			t.Errorf("unknown id: %v", err)
		}
		h.Clk.Advance(31 * time.Minute)
		if d, _ := h.C.Describe(ctx, res.VerificationID, ""); d.State != "expired" || d.NotFinished.Cause != "EXPIRED" {
			t.Errorf("expired: %+v", d)
		}
		if _, err := h.C.Rechallenge(ctx, res.VerificationID); servertest.Code(err) != server.CodeNotPending {
			t.Errorf("re-challenge after expiry: %v", err)
		}
	})
}

// Every way a package can be wrong is refused with its own code, before
// any decision, and the verification stays submittable with a good one.
func TestSubmitRejections(t *testing.T) {
	servertest.EachStore(t, func(t *testing.T, h *servertest.Harness) {
		res, ch := h.Init(t, &server.InitRequest{OrderNo: "o1"})
		id := res.VerificationID
		good := h.Reseal(t, ch)
		otherRes, otherCh := h.Init(t, &server.InitRequest{OrderNo: "o2"})

		tampered := bytes.Clone(good)
		tampered[len(tampered)-20] ^= 1
		strange, _ := evidence.GenerateKey("k-unknown")
		wrongKey := *ch
		wrongKey.Key = strange.Public()
		sameIDOtherKey, _ := evidence.GenerateKey("k1")
		forged := *ch
		forged.Key = sameIDOtherKey.Public()
		otherPlan := *ch
		otherPlan.Seed = bytes.Repeat([]byte{7}, 32)
		old := loadgenSeal(t, ch, h.Clk.Now().Add(-time.Hour))

		for _, c := range []struct {
			name, id, nonce string
			pkg             []byte
			want            string
		}{
			{"no nonce", id, "", good, server.CodeBadNonce},
			{"wrong nonce", id, otherCh.Nonce, good, server.CodeBadNonce},
			{"tampered", id, ch.Nonce, tampered, evidence.CodeTampered},
			{"cross-verification", otherRes.VerificationID, otherCh.Nonce, good, evidence.CodeWrongID},
			{"unknown key id", id, ch.Nonce, sealFor(t, &wrongKey, h), evidence.CodeWrongKey},
			{"another key under the issued id", id, ch.Nonce, sealFor(t, &forged, h), evidence.CodeTampered},
			{"other plan", id, ch.Nonce, sealFor(t, &otherPlan, h), server.CodePlanMismatch},
			{"captured outside the window", id, ch.Nonce, old, server.CodeOutsideWindow},
			{"garbage", id, ch.Nonce, []byte("not a package at all"), evidence.CodeMalformed},
			{"truncated", id, ch.Nonce, good[:len(good)/2], evidence.CodeTruncated},
			{"too large", id, ch.Nonce, make([]byte, evidence.MaxPackage+1), server.CodeTooLarge},
			{"unknown verification", "lv_nope", ch.Nonce, good, server.CodeNotFound},
		} {
			if _, err := h.C.Submit(ctx, c.id, c.nonce, c.pkg); servertest.Code(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		if _, err := h.C.Submit(ctx, id, ch.Nonce, good); err != nil {
			t.Fatalf("the good package after the refusals: %v", err)
		}
		if _, err := h.C.Submit(ctx, id, ch.Nonce, good); servertest.Code(err) != server.CodeReplayed {
			t.Errorf("replayed: %v, want %s", err, server.CodeReplayed)
		}
		late, lateCh := h.Init(t, &server.InitRequest{OrderNo: "o3"})
		lp := h.Reseal(t, lateCh)
		h.Clk.Advance(3 * time.Minute) // past the challenge's 120 s and the 30 s grace
		if _, err := h.C.Submit(ctx, late.VerificationID, lateCh.Nonce, lp); servertest.Code(err) != server.CodeExpired {
			t.Errorf("expired: %v, want %s", err, server.CodeExpired)
		}
		// A new challenge makes it submittable again, and the old nonce stops working.
		re, err := h.C.Rechallenge(ctx, late.VerificationID)
		if err != nil {
			t.Fatal(err)
		}
		reCh, _ := engine.ParseChallenge(re.Challenge)
		if _, err := h.C.Submit(ctx, late.VerificationID, lateCh.Nonce, lp); servertest.Code(err) != server.CodeBadNonce {
			t.Errorf("old nonce after a re-challenge: %v", err)
		}
		if _, err := h.C.Submit(ctx, late.VerificationID, reCh.Nonce, h.Reseal(t, reCh)); err != nil {
			t.Errorf("after a re-challenge: %v", err)
		}
	})
}

func sealFor(t *testing.T, ch *engine.Challenge, h *servertest.Harness) []byte {
	return h.Reseal(t, ch)
}

func loadgenSeal(t *testing.T, ch *engine.Challenge, at time.Time) []byte {
	t.Helper()
	p, err := loadgen.Reseal(servertest.Models(t).Body, ch, at)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Callbacks are signed with the app's secret, retried with backoff after
// a failure, and carry the same body every time.
func TestCallbacks(t *testing.T) {
	servertest.EachStore(t, func(t *testing.T, h *servertest.Harness) {
		var got []*http.Request
		var bodies [][]byte
		fail := 1
		hook := newHook(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			got, bodies = append(got, r), append(bodies, b)
			if fail > 0 {
				fail--
				w.WriteHeader(http.StatusInternalServerError)
			}
		})
		defer hook.Close()
		res, ch := h.Init(t, &server.InitRequest{OrderNo: "o1", CallbackURL: hook.URL + "/cb"})
		if _, err := h.C.Submit(ctx, res.VerificationID, ch.Nonce, h.Reseal(t, ch)); err != nil {
			t.Fatal(err)
		}
		if n, err := h.Srv.DeliverCallbacks(ctx); n != 0 || err != nil || len(got) != 1 {
			t.Fatalf("first delivery: %d delivered, %v, %d requests", n, err, len(got))
		}
		if n, _ := h.Srv.DeliverCallbacks(ctx); n != 0 || len(got) != 1 {
			t.Errorf("retried before the backoff: %d requests", len(got))
		}
		h.Clk.Advance(2 * time.Second)
		if n, err := h.Srv.DeliverCallbacks(ctx); n != 1 || err != nil || len(got) != 2 {
			t.Fatalf("retry: %d delivered, %v, %d requests", n, err, len(got))
		}
		h.Clk.Advance(time.Hour)
		if n, _ := h.Srv.DeliverCallbacks(ctx); n != 0 || len(got) != 2 {
			t.Errorf("delivered again: %d requests", len(got))
		}
		if !bytes.Equal(bodies[0], bodies[1]) {
			t.Errorf("retry body differs:\n%s\n%s", bodies[0], bodies[1])
		}
		r := got[1]
		if r.Header.Get(server.HeaderCallbackSignature) != server.CallbackSignature(h.App.CallbackSecret, bodies[1]) ||
			r.Header.Get(server.HeaderCallbackVerification) != res.VerificationID {
			t.Errorf("callback headers %v", r.Header)
		}
		var cb server.CallbackBody
		if json.Unmarshal(bodies[1], &cb); cb.VerificationID != res.VerificationID || cb.OrderNo != "o1" || cb.Passed || cb.SubCode == "" {
			t.Errorf("callback body %s", bodies[1])
		}
	})
}

// The purge deletes the package and best frames after the retention and
// keeps the decision.
func TestRetention(t *testing.T) {
	servertest.EachStore(t, func(t *testing.T, h *servertest.Harness) {
		res, ch := h.Init(t, &server.InitRequest{OrderNo: "o1"})
		if _, err := h.C.Submit(ctx, res.VerificationID, ch.Nonce, h.Reseal(t, ch)); err != nil {
			t.Fatal(err)
		}
		d, err := h.C.Describe(ctx, res.VerificationID, "all")
		if err != nil || len(d.Frames) == 0 || d.FramesPurged {
			t.Fatalf("frames before the purge: %d, %v", len(d.Frames), err)
		}
		if p, _ := h.Srv.Purge(ctx); p.Blobs != 0 {
			t.Errorf("purged %d blobs inside the retention", p.Blobs)
		}
		h.Clk.Advance(72*time.Hour + time.Minute)
		p, err := h.Srv.Purge(ctx)
		if err != nil || p.Blobs != int64(1+len(d.Frames)) {
			t.Errorf("purge: %+v %v; want the package and %d frames", p, err, len(d.Frames))
		}
		after, err := h.C.Describe(ctx, res.VerificationID, "all")
		if err != nil || len(after.Frames) != 0 || !after.FramesPurged || after.Decision == nil || after.SubCode != d.SubCode {
			t.Errorf("after the purge: %+v %v", after, err)
		}
	}, func(c *server.Config) { c.Retention = 72 * time.Hour })
}

func TestRateLimits(t *testing.T) {
	h := servertest.New(t, "sqlite", func(c *server.Config) { c.AppRate, c.AppBurst, c.IPRate, c.IPBurst = 0.001, 2, 0.001, 3 })
	var codes []string
	for i := range 4 {
		_, err := h.C.Init(ctx, &server.InitRequest{OrderNo: "o" + strconv.Itoa(i)})
		codes = append(codes, servertest.Code(err))
	}
	if codes[0] != "" || codes[1] != "" || codes[2] != server.CodeRateLimited || codes[3] != server.CodeRateLimited {
		t.Errorf("codes %q: want two accepted then %s", codes, server.CodeRateLimited)
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k1.key")
	k, err := server.WriteKeyFile(p, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode())
	}
	if _, err := server.WriteKeyFile(p, "k1"); err == nil {
		t.Error("a key file was overwritten")
	}
	if _, err := server.LoadKeyring(p); err != nil {
		t.Errorf("0600 key file: %v", err)
	}
	os.Chmod(p, 0o644)
	if _, err := server.LoadKeyring(p); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Errorf("0644 key file: %v", err)
	}
	os.Chmod(p, 0o600)
	p2 := filepath.Join(dir, "k2.key")
	server.WriteKeyFile(p2, "k2")
	if _, err := server.LoadKeyring(p2, p); err != nil {
		t.Errorf("two keys: %v", err)
	}
	_ = k
}

// After a key rotation (the new key first, the old one kept), packages
// sealed to the old key still open; new challenges name the new key.
func TestKeyRotation(t *testing.T) {
	servertest.Models(t)
	st, url := servertest.OpenStore(t, "sqlite")
	h := servertest.On(t, st, url)
	res, ch := h.Init(t, &server.InitRequest{OrderNo: "o1"})
	k2, _ := evidence.GenerateKey("k2")
	ring, _ := server.NewKeyring(k2, h.Key)
	srv2, err := server.New(server.Config{Store: st, Keys: ring, Deciders: servertest.Models(t).Deciders, Logger: servertest.Quiet})
	if err != nil {
		t.Fatal(err)
	}
	hs := newHook(srv2.Handler().ServeHTTP)
	defer hs.Close()
	c2 := *h.C
	c2.BaseURL = hs.URL
	if _, err := c2.Submit(ctx, res.VerificationID, ch.Nonce, h.Reseal(t, ch)); err != nil {
		t.Errorf("package sealed to the rotated-out key: %v", err)
	}
	n, err := c2.Init(ctx, &server.InitRequest{OrderNo: "o2"})
	if err != nil {
		t.Fatal(err)
	}
	nch, _ := engine.ParseChallenge(n.Challenge)
	if nch.Key.ID != "k2" {
		t.Errorf("new challenge names key %q, want k2", nch.Key.ID)
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The structured log has a line with a request id for every request and
// never a secret: not the API secret, the callback secret, a signature,
// nor the challenge nonce that authorises the upload. /metrics counts the
// requests and decisions; /healthz answers.
func TestLogsMetricsHealth(t *testing.T) {
	var logs syncBuffer
	h := servertest.New(t, "sqlite", func(c *server.Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	res, ch := h.Init(t, &server.InitRequest{OrderNo: "o1"})
	if _, err := h.C.Submit(ctx, res.VerificationID, "wrong-nonce", h.Reseal(t, ch)); servertest.Code(err) != server.CodeBadNonce {
		t.Fatal(err)
	}
	if _, err := h.C.Submit(ctx, res.VerificationID, ch.Nonce, h.Reseal(t, ch)); err != nil {
		t.Fatal(err)
	}
	if _, err := h.C.Describe(ctx, res.VerificationID, ""); err != nil {
		t.Fatal(err)
	}
	var sig string
	raw(t, h, http.MethodGet, "/v1/verifications/"+res.VerificationID, nil, func(r *http.Request) {
		server.SignRequest(r, h.App.KeyID, h.App.Secret, nil, h.Clk.Now())
		sig = r.Header.Get(server.HeaderSignature)
	})
	out := logs.String()
	for name, secret := range map[string]string{"API secret": h.App.Secret, "callback secret": h.App.CallbackSecret,
		"challenge nonce": ch.Nonce, "signature": sig} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds the %s", name)
		}
	}
	if n := strings.Count(out, `"request_id"`); n < 5 {
		t.Errorf("%d log lines with a request id, want one a request:\n%s", n, out)
	}
	resp, err := http.Get(h.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`liveid_decisions_total{passed="false"} 1`, `liveid_submissions_rejected_total{code="SUBMIT_BAD_NONCE"} 1`,
		`liveid_http_requests_total{route="POST /v1/verifications",status="201"} 1`} {
		if !strings.Contains(string(m), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if status, _ := raw(t, h, http.MethodGet, "/healthz", nil, nil); status != http.StatusOK {
		t.Errorf("/healthz: HTTP %d", status)
	}
}

// docs/openapi.yaml documents every native route and every refusal code.
func TestOpenAPIDocumentsTheAPI(t *testing.T) {
	b, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{"/v1/verifications:", "/v1/verifications/{id}:", "/v1/verifications/{id}/challenge:",
		"/v1/verifications/{id}/evidence:", "/healthz:", "/metrics:", server.HeaderChallengeNonce, server.HeaderSignature,
		server.CodeAuthMissing, server.CodeAuthUnknownKey, server.CodeAuthBadSignature, server.CodeAuthStale, server.CodeAuthNonceReused,
		server.CodeBadRequest, server.CodeTooLarge, server.CodeNotFound, server.CodeRateLimited, server.CodeInternal, server.CodeNotPending,
		server.CodeDuplicateOrder, server.CodeBadReference, server.CodeBadNonce, server.CodeReplayed, server.CodeExpired,
		server.CodePlanMismatch, server.CodeOutsideWindow, evidence.CodeWrongKey, evidence.CodeWrongID, evidence.CodeTampered} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/openapi.yaml lacks %s", want)
		}
	}
}
