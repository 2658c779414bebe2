package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/liveid/liveid/server/store/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// each runs f against a fresh SQLite file and a fresh database on a real
// PostgreSQL server: the one suite both implementations must pass.
func each(t *testing.T, f func(t *testing.T, s Store, url string)) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			url := filepath.Join(t.TempDir(), "liveid.db")
			if kind == "postgres" {
				url = pgtest.Database(t)
			}
			s, err := Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			f(t, s, url)
		})
	}
}

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func seedApp(t *testing.T, s Store, id string) {
	t.Helper()
	ctx := context.Background()
	if err := s.CreateApp(ctx, App{ID: id, Name: "app " + id, CallbackSecret: "cb-" + id, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPIKey(ctx, APIKey{ID: "key-" + id, AppID: id, Secret: "secret-" + id, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
}

func verification(id, app, order string) *Verification {
	return &Verification{ID: id, AppID: app, OrderNo: order, UserID: "u1", Challenge: []byte(`{"seed":"x"}`),
		CallbackURL: "http://127.0.0.1/cb", CreatedAt: t0, ExpiresAt: t0.Add(30 * time.Minute)}
}

func TestMigrationsAreVersionedAndIdempotent(t *testing.T) {
	each(t, func(t *testing.T, s Store, url string) {
		applied, err := Migrate(context.Background(), url)
		if err != nil || len(applied) != 0 {
			t.Errorf("second migration applied %v, %v; want nothing", applied, err)
		}
		var n int
		if err := s.(*sqlStore).db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n < 1 {
			t.Errorf("schema_migrations: %d rows, %v", n, err)
		}
	})
}

func TestAppsAndKeys(t *testing.T) {
	each(t, func(t *testing.T, s Store, _ string) {
		ctx := context.Background()
		seedApp(t, s, "a1")
		if err := s.CreateApp(ctx, App{ID: "a1", Name: "again", CallbackSecret: "x"}); !errors.Is(err, ErrDuplicate) {
			t.Errorf("duplicate app: %v", err)
		}
		if err := s.CreateAPIKey(ctx, APIKey{ID: "key-a1", AppID: "a1", Secret: "x"}); !errors.Is(err, ErrDuplicate) {
			t.Errorf("duplicate key: %v", err)
		}
		k, a, err := s.APIKey(ctx, "key-a1")
		if err != nil || k.Secret != "secret-a1" || a.ID != "a1" || a.CallbackSecret != "cb-a1" || !k.CreatedAt.Equal(t0) {
			t.Errorf("APIKey = %+v %+v %v", k, a, err)
		}
		if _, _, err := s.APIKey(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown key: %v", err)
		}
		if a, err := s.App(ctx, "a1"); err != nil || a.Name != "app a1" {
			t.Errorf("App = %+v %v", a, err)
		}
	})
}

func TestNoncesAreSingleUse(t *testing.T) {
	each(t, func(t *testing.T, s Store, _ string) {
		ctx := context.Background()
		if err := s.UseNonce(ctx, "key-a1", "n1", t0.Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.UseNonce(ctx, "key-a1", "n1", t0.Add(5*time.Minute)); !errors.Is(err, ErrNonceUsed) {
			t.Errorf("nonce reused: %v", err)
		}
		if err := s.UseNonce(ctx, "key-a2", "n1", t0.Add(5*time.Minute)); err != nil {
			t.Errorf("same nonce, other scope: %v", err)
		}
		p, err := s.Purge(ctx, t0, t0.Add(10*time.Minute))
		if err != nil || p.Nonces != 2 {
			t.Errorf("purge: %+v %v", p, err)
		}
	})
}

func TestOrderNumbersAreUniquePerApp(t *testing.T) {
	each(t, func(t *testing.T, s Store, _ string) {
		ctx := context.Background()
		seedApp(t, s, "a1")
		seedApp(t, s, "a2")
		ref := []Blob{{Name: "reference", Data: []byte{1, 2, 3}}}
		if err := s.CreateVerification(ctx, verification("v1", "a1", "o1"), ref); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateVerification(ctx, verification("v2", "a1", "o1"), nil); !errors.Is(err, ErrDuplicate) {
			t.Errorf("repeated order number: %v", err)
		}
		if err := s.CreateVerification(ctx, verification("v3", "a2", "o1"), nil); err != nil {
			t.Errorf("same order number, other app: %v", err)
		}
		v, err := s.VerificationByOrder(ctx, "a1", "o1")
		if err != nil || v.ID != "v1" || v.State != Pending || string(v.Challenge) != `{"seed":"x"}` || !v.ExpiresAt.Equal(t0.Add(30*time.Minute)) {
			t.Errorf("by order: %+v %v", v, err)
		}
		if err := s.Rechallenge(ctx, "v1", []byte(`{"seed":"y"}`)); err != nil {
			t.Errorf("re-challenge: %v", err)
		}
		if v, _ := s.Verification(ctx, "v1"); string(v.Challenge) != `{"seed":"y"}` {
			t.Errorf("challenge after re-challenge: %s", v.Challenge)
		}
		if err := s.Rechallenge(ctx, "nope", nil); !errors.Is(err, ErrAlreadySubmitted) {
			t.Errorf("re-challenge of an unknown verification: %v", err)
		}
		if _, err := s.Verification(ctx, "v2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("the refused one was stored: %v", err)
		}
		if b, err := s.Blobs(ctx, "v1", "ref"); err != nil || len(b) != 1 || string(b[0].Data) != "\x01\x02\x03" {
			t.Errorf("blobs %v %v", b, err)
		}
	})
}

// Finish succeeds once however many submissions race for it, and writes
// the decision, the blobs and the callback together.
func TestFinishExactlyOnce(t *testing.T) {
	each(t, func(t *testing.T, s Store, _ string) {
		ctx := context.Background()
		seedApp(t, s, "a1")
		if err := s.CreateVerification(ctx, verification("v1", "a1", "o1"), nil); err != nil {
			t.Fatal(err)
		}
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = s.Finish(ctx, &Submission{
					Decision: Decision{VerificationID: "v1", Passed: i%2 == 0, SubCode: fmt.Sprint(i), Body: []byte(fmt.Sprintf(`{"i":%d}`, i)), DecidedAt: t0.Add(time.Minute)},
					Blobs:    []Blob{{Name: "frame-0", Data: []byte{byte(i)}}},
					Callback: &Callback{URL: "http://127.0.0.1/cb", NextAt: t0.Add(time.Minute)},
				})
			})
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won < 0:
				won = i
			case err == nil:
				t.Errorf("submissions %d and %d both finished", won, i)
			case !errors.Is(err, ErrAlreadySubmitted):
				t.Errorf("submission %d: %v", i, err)
			}
		}
		if won < 0 {
			t.Fatal("no submission finished")
		}
		d, err := s.Decision(ctx, "v1")
		if err != nil || d.SubCode != fmt.Sprint(won) || string(d.Body) != fmt.Sprintf(`{"i":%d}`, won) || d.Passed != (won%2 == 0) {
			t.Errorf("decision %+v %v; want submission %d's", d, err, won)
		}
		b, err := s.Blobs(ctx, "v1", "frame-")
		if err != nil || len(b) != 1 || b[0].Data[0] != byte(won) {
			t.Errorf("blobs %v %v", b, err)
		}
		if c, err := s.Counts(ctx); err != nil || c != (Counts{Verifications: 1, Done: 1, Decisions: 1}) {
			t.Errorf("counts %+v %v", c, err)
		}
		v, _ := s.Verification(ctx, "v1")
		if v.State != Done || !v.SubmittedAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("verification after Finish: %+v", v)
		}
		if err := s.Finish(ctx, &Submission{Decision: Decision{VerificationID: "nope", DecidedAt: t0}}); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown verification: %v", err)
		}
	})
}

// A due callback is claimed by one caller for the lease, retried after it,
// and never again once delivered.
func TestCallbackLeases(t *testing.T) {
	each(t, func(t *testing.T, s Store, _ string) {
		ctx := context.Background()
		seedApp(t, s, "a1")
		s.CreateVerification(ctx, verification("v1", "a1", "o1"), nil)
		if err := s.Finish(ctx, &Submission{Decision: Decision{VerificationID: "v1", Body: []byte("{}"), DecidedAt: t0},
			Callback: &Callback{URL: "http://127.0.0.1/cb", NextAt: t0}}); err != nil {
			t.Fatal(err)
		}
		c, err := s.DueCallbacks(ctx, t0, 10, time.Minute)
		if err != nil || len(c) != 1 || c[0].URL != "http://127.0.0.1/cb" {
			t.Fatalf("due: %+v %v", c, err)
		}
		if again, _ := s.DueCallbacks(ctx, t0.Add(time.Second), 10, time.Minute); len(again) != 0 {
			t.Errorf("a leased callback was claimed twice: %+v", again)
		}
		c[0].Attempts, c[0].NextAt, c[0].LastError = 1, t0.Add(2*time.Minute), "HTTP 500"
		if err := s.UpdateCallback(ctx, &c[0]); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.DueCallbacks(ctx, t0.Add(time.Minute+30*time.Second), 10, time.Minute); len(due) != 0 {
			t.Errorf("retried before its time: %+v", due)
		}
		due, _ := s.DueCallbacks(ctx, t0.Add(3*time.Minute), 10, time.Minute)
		if len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "HTTP 500" {
			t.Fatalf("retry: %+v", due)
		}
		due[0].Attempts, due[0].DeliveredAt = 2, t0.Add(3*time.Minute)
		s.UpdateCallback(ctx, &due[0])
		if left, _ := s.DueCallbacks(ctx, t0.Add(time.Hour), 10, time.Minute); len(left) != 0 {
			t.Errorf("a delivered callback is due again: %+v", left)
		}
		if got, err := s.CallbackOf(ctx, "v1"); err != nil || got.Attempts != 2 || got.DeliveredAt.IsZero() {
			t.Errorf("CallbackOf = %+v %v", got, err)
		}
	})
}

// Purge deletes the images and packages past the retention, keeps newer
// ones and every decision.
func TestPurgeKeepsDecisions(t *testing.T) {
	each(t, func(t *testing.T, s Store, _ string) {
		ctx := context.Background()
		seedApp(t, s, "a1")
		for i, at := range []time.Time{t0, t0.Add(48 * time.Hour)} {
			v := verification(fmt.Sprint("v", i), "a1", fmt.Sprint("o", i))
			v.CreatedAt = at
			if err := s.CreateVerification(ctx, v, []Blob{{Name: "reference", Data: []byte("ref")}}); err != nil {
				t.Fatal(err)
			}
			if err := s.Finish(ctx, &Submission{Decision: Decision{VerificationID: v.ID, Passed: true, Body: []byte("{}"), DecidedAt: at},
				Blobs: []Blob{{Name: "package", Data: []byte("pkg")}}}); err != nil {
				t.Fatal(err)
			}
		}
		p, err := s.Purge(ctx, t0.Add(24*time.Hour), t0.Add(72*time.Hour))
		if err != nil || p.Blobs != 2 {
			t.Errorf("purged %+v, %v; want the 2 blobs of v0", p, err)
		}
		if b, _ := s.Blobs(ctx, "v0", ""); len(b) != 0 {
			t.Errorf("v0 keeps %d blobs", len(b))
		}
		if b, _ := s.Blobs(ctx, "v1", ""); len(b) != 2 {
			t.Errorf("v1 has %d blobs, want 2", len(b))
		}
		for _, id := range []string{"v0", "v1"} {
			if d, err := s.Decision(ctx, id); err != nil || !d.Passed {
				t.Errorf("decision of %s after purge: %+v %v", id, d, err)
			}
		}
	})
}
