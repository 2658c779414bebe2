package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/aliyun"
	"github.com/liveid/liveid/server/store"
)

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	listen := fs.String("listen", env("LIVEID_LISTEN", "127.0.0.1:8080"), "listen address (LIVEID_LISTEN)")
	db := fs.String("db", env("LIVEID_DB", defaultDB), "database: a SQLite path or a postgres:// URL (LIVEID_DB)")
	keys := fs.String("keys", env("LIVEID_KEYS", ""), "evidence key files, comma-separated, the issuing one first (LIVEID_KEYS)")
	retention := fs.Duration("retention", envDuration("LIVEID_RETENTION", 72*time.Hour), "how long images and packages are kept (LIVEID_RETENTION)")
	home := build.Home()
	modelDir := fs.String("models", env("LIVEID_MODELS", build.ModelDir(home)), "model directory (LIVEID_MODELS)")
	deciders := fs.Int("deciders", envInt("LIVEID_DECIDERS", 1), "model sets: decisions run at once (LIVEID_DECIDERS)")
	insecure := fs.Bool("insecure-callbacks", os.Getenv("LIVEID_INSECURE_CALLBACKS") == "1", "allow http:// callback URLs (LIVEID_INSECURE_CALLBACKS=1)")
	appRate := fs.Float64("app-rate", 50, "backend requests a second per app (negative: no limit)")
	ipRate := fs.Float64("ip-rate", 20, "requests a second per client IP (negative: no limit)")
	logJSON := fs.Bool("log-json", true, "JSON logs (else text)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var h slog.Handler = slog.NewJSONHandler(os.Stderr, nil)
	if !*logJSON {
		h = slog.NewTextHandler(os.Stderr, nil)
	}
	log := slog.New(h)
	if *keys == "" {
		return errors.New("serve needs -keys (liveid-server keygen writes one)")
	}
	ring, err := server.LoadKeyring(strings.Split(*keys, ",")...)
	if err != nil {
		return err
	}
	if _, err := build.InitRuntime(home); err != nil {
		return err
	}
	dec, err := server.OpenDeciders(server.DecidersOptions{Dir: *modelDir, N: *deciders})
	if err != nil {
		return err
	}
	defer dec.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := server.New(server.Config{Store: st, Keys: ring, Deciders: dec, Logger: log, Retention: *retention,
		InsecureCallbacks: *insecure, AppRate: *appRate, AppBurst: int(2 * max(*appRate, 1)), IPRate: *ipRate, IPBurst: int(2 * max(*ipRate, 1))})
	if err != nil {
		return err
	}
	aliyun.Register(srv, st, nil)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	go srv.Run(ctx)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	// The first line on stdout is the address, for scripts started on port 0.
	fmt.Printf("listening on %s\n", ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "db_kind", dbKind(*db), "keys", len(strings.Split(*keys, ",")), "deciders", *deciders)
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// dbKind names the store without its URL (which may hold a password).
func dbKind(u string) string {
	if strings.HasPrefix(u, "postgres") {
		return "postgres"
	}
	return "sqlite"
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}
