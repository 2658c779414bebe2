package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server is the verification server: the native JSON API, health and
// metrics, and the background jobs (callbacks, purge) Run drives.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	reg     *prometheus.Registry
	m       metrics
	appLim  *limiter
	ipLim   *limiter
	started time.Time
}

type metrics struct {
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	decisions *prometheus.CounterVec
	rejected  *prometheus.CounterVec
	callbacks *prometheus.CounterVec
	purged    prometheus.Counter
}

// New makes a server; its routes are ready, its background jobs start
// with Run.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), reg: prometheus.NewRegistry(), started: cfg.Now(),
		appLim: newLimiter(cfg.AppRate, cfg.AppBurst), ipLim: newLimiter(cfg.IPRate, cfg.IPBurst)}
	s.m = metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liveid_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "liveid_http_request_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}, []string{"route"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liveid_decisions_total", Help: "Decisions stored, by outcome."}, []string{"passed"}),
		rejected:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liveid_submissions_rejected_total", Help: "Submissions refused before a decision, by code."}, []string{"code"}),
		callbacks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liveid_callbacks_total", Help: "Callback deliveries, by result."}, []string{"result"}),
		purged:    prometheus.NewCounter(prometheus.CounterOpts{Name: "liveid_purged_blobs_total", Help: "Images and packages deleted past the retention."}),
	}
	s.reg.MustRegister(s.m.requests, s.m.latency, s.m.decisions, s.m.rejected, s.m.callbacks, s.m.purged,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	s.Mount("POST /v1/verifications", s.backend(s.handleInit, maxInitBody))
	s.Mount("GET /v1/verifications/{id}", s.backend(s.handleDescribe, 0))
	s.Mount("POST /v1/verifications/{id}/challenge", s.backend(s.handleRechallenge, 0))
	s.Mount("POST /v1/verifications/{id}/evidence", http.HandlerFunc(s.handleSubmit))
	s.Mount("GET /healthz", http.HandlerFunc(s.handleHealth))
	s.Mount("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Mount registers h under pattern (http.ServeMux syntax) behind the
// server's middleware: request id, per-IP rate limit, metrics and the
// structured request log. The Aliyun facade mounts itself this way.
func (s *Server) Mount(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.middleware(pattern, h))
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

type ctxKey int

const requestIDKey ctxKey = 0

// RequestID is the id of the request ctx belongs to ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func (s *Server) middleware(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := randomHex(8)
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		sw := &statusWriter{ResponseWriter: w}
		ip := clientIP(r)
		if route != "GET /healthz" && route != "GET /metrics" && !s.ipLim.allow(ip, s.cfg.Now()) {
			s.writeError(sw, r, errorf(CodeRateLimited, "too many requests from this address"))
		} else {
			h.ServeHTTP(sw, r)
		}
		d := time.Since(start)
		s.m.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		s.m.latency.WithLabelValues(route).Observe(d.Seconds())
		// The path only: queries and bodies may carry signatures and nonces.
		s.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", id),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
			slog.Duration("duration", d), slog.String("ip", ip))
	})
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Body limits of the endpoints that take one.
const (
	maxInitBody  = 4 << 20 // the reference photo, base64
	maxSmallBody = 64 << 10
)

// backendHandler serves an authenticated backend request.
type backendHandler func(w http.ResponseWriter, r *http.Request, app appCtx, body []byte)

// appCtx is the authenticated app of a request.
type appCtx struct{ ID, CallbackSecret string }

// backend reads the body (at most limit bytes, maxSmallBody when 0),
// checks the signature and the app's rate, then runs h.
func (s *Server) backend(h backendHandler, limit int64) http.Handler {
	if limit == 0 {
		limit = maxSmallBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(w, r, limit)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		app, err := s.authenticate(r.Context(), r, body)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !s.appLim.allow(app.ID, s.cfg.Now()) {
			s.writeError(w, r, errorf(CodeRateLimited, "too many requests for this app"))
			return
		}
		h(w, r, appCtx{ID: app.ID, CallbackSecret: app.CallbackSecret}, body)
	})
}

// AllowApp takes a token from app's rate limit: false when it is over.
func (s *Server) AllowApp(appID string) bool { return s.appLim.allow(appID, s.cfg.Now()) }

func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, errorf(CodeTooLarge, "body over %d bytes", limit)
	case err != nil:
		return nil, errorf(CodeBadRequest, "reading the body: %v", err)
	}
	return b, nil
}

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// errorBody is every refusal's JSON.
type errorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

// writeError answers err: its code and status if it is an *Error, else a
// logged internal error whose detail stays in the log.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := AsError(err)
	if e.Code == CodeInternal {
		s.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "internal error", slog.String("request_id", RequestID(r.Context())), slog.String("error", err.Error()))
		e = errorf(CodeInternal, "internal error")
	}
	if e.Code == CodeRateLimited {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, e.Status, errorBody{Code: e.Code, Message: e.Error(), RequestID: RequestID(r.Context())})
}

// AsError is err as a refusal: itself when it is one, CodeInternal
// otherwise.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Status: http.StatusInternalServerError, Detail: err.Error()}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.cfg.Store.App(ctx, "-"); err != nil && !isNotFound(err) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "store unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "uptime_s": int(s.cfg.Now().Sub(s.started).Seconds())})
}
