package servertest

import (
	"context"
	"encoding/json"
	"image"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/disintegration/imaging"
	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/engine/synth"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/face"
	"github.com/liveid/liveid/models"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/loadgen"
	"github.com/liveid/liveid/server/store"
	"github.com/liveid/liveid/server/store/pgtest"
)

// Main runs a test binary's tests and stops the PostgreSQL server they
// started: call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// Shared are the models every test of the binary uses: one engine (the
// device), one set of deciders (the server's models), the still-photo
// portrait and the body of one still-photo session to reseal.
var shared struct {
	once sync.Once
	subs []*synth.Subject
	eng  *engine.Engine
	dec  *server.Deciders
	img  image.Image
	body *evidence.Body
	err  error
	skip string
}

// Models loads the shared models once per test binary, skipping the test
// when `make setup` has not filled the model cache.
func Models(t testing.TB) *Shared {
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
		if shared.body, shared.err = loadgen.Template(shared.eng, shared.img, time.Now()); shared.err != nil {
			return
		}
		shared.subs, shared.err = subjects(home, dir)
	})
	if shared.skip != "" {
		t.Skip(shared.skip)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return &Shared{Engine: shared.eng, Deciders: shared.dec, Portrait: shared.img, Body: shared.body, Subjects: shared.subs}
}

// subjects are sample photos 3 (the user) and 4 (another person) made
// ready for engine/synth.
func subjects(home, dir string) ([]*synth.Subject, error) {
	tr, err := face.NewTracker(dir, models.Options{}, face.DefaultConfig())
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	var subs []*synth.Subject
	for _, i := range []int{3, 4} {
		p, err := build.SamplePhoto(home, i)
		if err != nil {
			return nil, err
		}
		img, err := imaging.Open(p)
		if err != nil {
			return nil, err
		}
		s, err := synth.SubjectFromPhoto(tr, img)
		if err != nil {
			return nil, err
		}
		subs = append(subs, s)
	}
	return subs, nil
}

// RenderedLiveness is a short liveness config for rendered sessions: one
// blink (the colour flash always runs), so that a session is a few seconds
// of frames.
var RenderedLiveness = json.RawMessage(`{"actions":["blink"],"count":1}`)

// renderSeed renders the sessions in a room the screen lights well (a
// quarter of the light on the face comes from it): the server issues a
// fresh seed, and so a fresh flash sequence, on every run, and the tests
// must not hang on the borderline rooms the session evaluation measures.
const renderSeed = 1

// Rendered runs a closed-loop rendered session of kind for ch with the
// shared engine and subjects.
func (s *Shared) Rendered(t testing.TB, ch *engine.Challenge, kind synth.Kind) *engine.Result {
	t.Helper()
	r, err := loadgen.RenderedSession(s.Engine, ch, kind, s.Subjects, renderSeed)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Shared are the models and the template session.
type Shared struct {
	Engine   *engine.Engine
	Deciders *server.Deciders
	Portrait image.Image
	Body     *evidence.Body // a still-photo session, to reseal
	Subjects []*synth.Subject
}

// Clock is a server's clock: real time plus an offset tests move.
type Clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// Harness is one server over one store, behind a loopback HTTP server, with
// one app and its API key.
type Harness struct {
	Srv   *server.Server
	St    store.Store
	URL   string
	Clk   *Clock
	Key   *evidence.PrivateKey // the server's evidence key, id k1
	App   *server.NewAPIKey
	C     *server.Client // signed with App's key
	DBURL string
}

// OpenStore opens a store of kind sqlite (a temporary file) or postgres (a
// fresh database on the binary's PostgreSQL server).
func OpenStore(t *testing.T, kind string) (store.Store, string) {
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

// Quiet is a logger that discards.
var Quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// New is a harness over a new store of kind; opts adjust the server's
// config, mount adds handlers (the Aliyun facade) before it serves.
func New(t *testing.T, kind string, opts ...func(*server.Config)) *Harness {
	t.Helper()
	Models(t)
	st, url := OpenStore(t, kind)
	return On(t, st, url, opts...)
}

// On is a harness over store st (at url).
func On(t *testing.T, st store.Store, url string, opts ...func(*server.Config)) *Harness {
	t.Helper()
	k, err := evidence.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := server.NewKeyring(k)
	h := &Harness{St: st, Clk: &Clock{}, Key: k, DBURL: url}
	cfg := server.Config{Store: st, Keys: ring, Deciders: shared.dec, Logger: Quiet, Now: h.Clk.Now, InsecureCallbacks: true}
	for _, o := range opts {
		o(&cfg)
	}
	if h.Srv, err = server.New(cfg); err != nil {
		t.Fatal(err)
	}
	// The handler is looked up per request, so handlers mounted after On
	// returns are served.
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.Srv.Handler().ServeHTTP(w, r) }))
	t.Cleanup(hs.Close)
	h.URL = hs.URL
	if h.App, err = server.CreateAPIKey(context.Background(), st, "app1", "test app", time.Now()); err != nil {
		t.Fatal(err)
	}
	h.C = &server.Client{BaseURL: hs.URL, KeyID: h.App.KeyID, Secret: h.App.Secret, Now: h.Clk.Now}
	return h
}

// EachStore runs f on a SQLite and on a PostgreSQL harness.
func EachStore(t *testing.T, f func(t *testing.T, h *Harness), opts ...func(*server.Config)) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) { f(t, New(t, kind, opts...)) })
	}
}

// Init starts a verification and parses its challenge.
func (h *Harness) Init(t *testing.T, req *server.InitRequest) (*server.InitResponse, *engine.Challenge) {
	t.Helper()
	res, err := h.C.Init(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := engine.ParseChallenge(res.Challenge)
	if err != nil {
		t.Fatal(err)
	}
	return res, ch
}

// Reseal is the template session sealed for ch, captured now.
func (h *Harness) Reseal(t *testing.T, ch *engine.Challenge) []byte {
	t.Helper()
	pkg, err := loadgen.Reseal(shared.body, ch, h.Clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// Code is err's stable code, "" for nil.
func Code(err error) string {
	if err == nil {
		return ""
	}
	return server.AsError(err).Code
}
