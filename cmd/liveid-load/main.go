// Command liveid-load runs liveid-server processes on loopback over SQLite
// or a throw-away PostgreSQL, drives whole verification flows at them
// (init → submit a pre-rendered package → describe), optionally kills one
// instance with SIGKILL mid-run and restarts it, and reports throughput,
// per-call latency and whether every acknowledged decision survived, once.
// It is bounded by -flows and -timeout and stops its servers when done.
//
//	liveid-load -server bin/liveid-server [-store sqlite|postgres] [-instances N] [-flows N] [-concurrency N] [-kill]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/models/build"
	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/loadgen"
	"github.com/liveid/liveid/server/store"
	"github.com/liveid/liveid/server/store/pgtest"
)

func main() {
	bin := flag.String("server", "bin/liveid-server", "the liveid-server binary")
	kind := flag.String("store", "sqlite", "sqlite or postgres")
	instances := flag.Int("instances", 1, "server processes over the one database")
	flows := flag.Int("flows", 100, "verifications to run")
	conc := flag.Int("concurrency", 8, "flows at once")
	kill := flag.Bool("kill", false, "SIGKILL instance 0 after a third of the flows, restart it 2 s later")
	timeout := flag.Duration("timeout", 10*time.Minute, "stop the run after this long")
	flag.Parse()
	if err := run(*bin, *kind, *instances, *flows, *conc, *kill, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "liveid-load:", err)
		os.Exit(1)
	}
}

func run(bin, kind string, instances, flows, conc int, kill bool, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "liveid-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dbURL := filepath.Join(dir, "liveid.db")
	if kind == "postgres" {
		pg, err := pgtest.Start()
		if err != nil {
			return err
		}
		defer pg.Stop()
		if dbURL, err = pg.NewDatabase(ctx); err != nil {
			return err
		}
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	key := filepath.Join(dir, "k1.key")
	if _, err := server.WriteKeyFile(key, "k1"); err != nil {
		return err
	}
	ak, err := server.CreateAPIKey(ctx, st, "load", "load generator", time.Now())
	if err != nil {
		return err
	}
	fmt.Printf("rendering the session to reseal ...\n")
	body, err := template()
	if err != nil {
		return err
	}
	procs := make([]*proc, instances)
	var targets []string
	for i := range procs {
		procs[i] = &proc{bin: bin, db: dbURL, key: key, log: filepath.Join(dir, fmt.Sprintf("server-%d.log", i))}
		if err := procs[i].start(ctx); err != nil {
			return err
		}
		defer procs[i].stop()
		targets = append(targets, "http://"+procs[i].addr)
	}
	fmt.Printf("%d instance(s) over %s, %d flows, %d at a time, kill=%v\n", instances, kind, flows, conc, kill)
	o := loadgen.Options{Targets: targets, KeyID: ak.KeyID, Secret: ak.Secret, Body: body, Flows: flows, Concurrency: conc,
		Prefix: fmt.Sprintf("load-%d", time.Now().UnixNano())}
	var killed sync.Once
	var killErr error
	o.Progress = func(done int) {
		if kill && done >= flows/3 {
			killed.Do(func() { go func() { killErr = procs[0].killAndRestart(ctx) }() })
		}
	}
	r := loadgen.Run(ctx, o)
	fmt.Print(r.Summary())
	if killErr != nil {
		return killErr
	}
	for _, e := range r.Errors[:min(len(r.Errors), 10)] {
		fmt.Println("  error:", e)
	}
	bad := loadgen.Verify(ctx, o, r.Decided)
	n, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("acknowledged decisions %d, re-described on every instance: %d lost or changed; database: %d verifications, %d done, %d decisions\n",
		len(r.Decided), len(bad), n.Verifications, n.Done, n.Decisions)
	for _, b := range bad[:min(len(bad), 10)] {
		fmt.Println("  bad:", b)
	}
	switch {
	case r.Failed != 0:
		return fmt.Errorf("%d flows failed", r.Failed)
	case len(bad) != 0:
		return errors.New("acknowledged decisions lost or changed")
	case n.Decisions != n.Done || n.Decisions != int64(len(r.Decided)):
		return fmt.Errorf("%d decisions for %d done verifications and %d acknowledged", n.Decisions, n.Done, len(r.Decided))
	}
	fmt.Println("ok: every submitted verification has exactly one decision")
	return nil
}

// template renders one still-photo session in-process.
func template() (*evidence.Body, error) {
	home := build.Home()
	if _, err := build.InitRuntime(home); err != nil {
		return nil, err
	}
	e, err := engine.Open(engine.Config{Dir: build.ModelDir(home)})
	if err != nil {
		return nil, err
	}
	defer e.Close()
	img, err := loadgen.Portrait(home)
	if err != nil {
		return nil, err
	}
	return loadgen.Template(e, img, time.Now())
}

// proc is one liveid-server process on a fixed loopback port.
type proc struct {
	bin, db, key, log string
	addr              string
	cmd               *exec.Cmd
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func (p *proc) start(ctx context.Context) error {
	if p.addr == "" {
		a, err := freePort()
		if err != nil {
			return err
		}
		p.addr = a
	}
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	p.cmd = exec.Command(p.bin, "serve", "-listen", p.addr, "-db", p.db, "-keys", p.key, "-app-rate", "-1", "-ip-rate", "-1")
	p.cmd.Stderr = logf
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := p.cmd.Start(); err != nil {
		return err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening on ") {
		p.cmd.Process.Kill()
		p.cmd.Wait()
		b, _ := os.ReadFile(p.log)
		return fmt.Errorf("server did not start (%q, %v): %s", line, err, tail(b))
	}
	go io.Copy(io.Discard, out)
	for range 100 {
		if resp, err := http.Get("http://" + p.addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("server not healthy after 10 s")
}

func tail(b []byte) string {
	return string(b[max(0, len(b)-2000):])
}

// killAndRestart sends SIGKILL (no shutdown, no flush), waits 2 s and
// starts the instance again on the same port.
func (p *proc) killAndRestart(ctx context.Context) error {
	fmt.Printf("SIGKILL instance at %s (pid %d)\n", p.addr, p.cmd.Process.Pid)
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	time.Sleep(2 * time.Second)
	t0 := time.Now()
	if err := p.start(ctx); err != nil {
		return err
	}
	fmt.Printf("restarted %s in %v\n", p.addr, time.Since(t0).Round(time.Millisecond))
	return nil
}

func (p *proc) stop() {
	if p.cmd != nil && p.cmd.Process != nil {
		p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
		}
	}
}
