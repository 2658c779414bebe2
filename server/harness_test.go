package server_test

import (
	"context"
	"image"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/loadgen"
	"github.com/liveid/liveid/server/store"
	"github.com/liveid/liveid/server/store/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// shared are the models every test of the binary uses: one engine (the
// device), one set of deciders (the server's models), the still-photo
// portrait and the body of one still-photo session to reseal.
var shared struct {
	once sync.Once
	eng  *engine.Engine
	dec  *server.Deciders
	img  image.Image
	body *evidence.Body
	err  error
	skip string
}

func modelsFor(t testing.TB) {
	t.Helper()
	shared.once.Do(func() {
		home := build.Home()
		dir := build.ModelDir(home)
		if _, err := os.Stat(models.Path(dir, "blazeface")); err != nil {
			shared.skip = "model cache not set up (run make setup): " + err.Error()
			return
		}
		if _, shared.err = build.InitRuntime(home); shared.err != nil {
			return
		}
		if shared.eng, shared.err = engine.Open(engine.Config{Dir: dir}); shared.err != nil {
			return
		}
		if shared.dec, shared.err = server.OpenDeciders(server.DecidersOptions{Dir: dir, N: 2}); shared.err != nil {
			return
		}
		if shared.img, shared.err = loadgen.Portrait(home); shared.err != nil {
			return
		}
		shared.body, shared.err = loadgen.Template(shared.eng, shared.img, time.Now())
	})
	if shared.skip != "" {
		t.Skip(shared.skip)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
}

// clock is a server's clock: real time plus an offset tests move.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// harness is one server over one store, behind a loopback HTTP server, with
// one app and its API key.
type harness struct {
	srv   *server.Server
	st    store.Store
	url   string
	clk   *clock
	key   *evidence.PrivateKey
	app   *server.NewAPIKey
	c     *server.Client
	dbURL string
}

func openStore(t *testing.T, kind string) (store.Store, string) {
	t.Helper()
	url := filepath.Join(t.TempDir(), "liveid.db")
	if kind == "postgres" {
		url = pgtest.Database(t)
	}
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, url
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newHarness(t *testing.T, kind string, opts ...func(*server.Config)) *harness {
	t.Helper()
	modelsFor(t)
	st, url := openStore(t, kind)
	return newHarnessOn(t, st, url, opts...)
}

func newHarnessOn(t *testing.T, st store.Store, url string, opts ...func(*server.Config)) *harness {
	t.Helper()
	k, err := evidence.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := server.NewKeyring(k)
	h := &harness{st: st, clk: &clock{}, key: k, dbURL: url}
	cfg := server.Config{Store: st, Keys: ring, Deciders: shared.dec, Logger: quiet, Now: h.clk.Now, InsecureCallbacks: true}
	for _, o := range opts {
		o(&cfg)
	}
	if h.srv, err = server.New(cfg); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(h.srv.Handler())
	t.Cleanup(hs.Close)
	h.url = hs.URL
	if h.app, err = server.CreateAPIKey(context.Background(), st, "app1", "test app", time.Now()); err != nil {
		t.Fatal(err)
	}
	h.c = &server.Client{BaseURL: hs.URL, KeyID: h.app.KeyID, Secret: h.app.Secret, Now: h.clk.Now}
	return h
}

// eachStore runs f on a SQLite and on a PostgreSQL harness.
func eachStore(t *testing.T, f func(t *testing.T, h *harness), opts ...func(*server.Config)) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) { f(t, newHarness(t, kind, opts...)) })
	}
}

// init starts a verification and parses its challenge.
func (h *harness) init(t *testing.T, req *server.InitRequest) (*server.InitResponse, *engine.Challenge) {
	t.Helper()
	res, err := h.c.Init(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := engine.ParseChallenge(res.Challenge)
	if err != nil {
		t.Fatal(err)
	}
	return res, ch
}

// reseal is the template session sealed for ch.
func (h *harness) reseal(t *testing.T, ch *engine.Challenge) []byte {
	t.Helper()
	pkg, err := loadgen.Reseal(shared.body, ch, h.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// code is err's stable code, "" for nil.
func code(err error) string {
	if err == nil {
		return ""
	}
	return server.AsError(err).Code
}
