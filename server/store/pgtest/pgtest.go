package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// Server is a running PostgreSQL cluster.
type Server struct {
	dir, bin string
	owner    *user.User // nil when not run as root
	dbs      atomic.Int64
}

// ErrNoPostgres says the server binaries are not installed.
var ErrNoPostgres = errors.New("pgtest: PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin: run `make setup`, which installs Debian's postgresql package")

// binGlob is where Debian's postgresql package puts pg_ctl.
var binGlob = "/usr/lib/postgresql/*/bin/pg_ctl"

// binDir is the newest installed PostgreSQL's bin directory.
func binDir() (string, error) {
	m, _ := filepath.Glob(binGlob)
	if len(m) == 0 {
		return "", ErrNoPostgres
	}
	sort.Slice(m, func(i, j int) bool { return version(m[i]) < version(m[j]) })
	return filepath.Dir(m[len(m)-1]), nil
}

func version(pgCtl string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(pgCtl))))
	return v
}

// Start initialises and starts a cluster in a new temporary directory.
func Start() (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	if s.dir, err = os.MkdirTemp("", "liveid-pg-"); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		if s.owner, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("pgtest: running as root needs the postgres user (Debian's postgresql package makes it): %w", err)
		}
		uid, _ := strconv.Atoi(s.owner.Uid)
		gid, _ := strconv.Atoi(s.owner.Gid)
		if err := os.Chown(s.dir, uid, gid); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(s.dir, "data")
	if err := s.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"); err != nil {
		s.remove()
		return nil, err
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c max_connections=200", s.dir)
	if err := s.run("pg_ctl", "-D", data, "-l", filepath.Join(s.dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		s.remove()
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	return s, nil
}

// run runs one of the server's programs, as the postgres user under root.
func (s *Server) run(prog string, args ...string) error {
	name := filepath.Join(s.bin, prog)
	if s.owner != nil {
		args = append([]string{"-u", s.owner.Username, "--", name}, args...)
		name = "runuser"
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: %s: %v\n%s", prog, err, out)
	}
	return nil
}

// URL is the connection URL of database db.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres:///%s?host=%s&user=postgres&sslmode=disable", db, s.dir)
}

// NewDatabase creates an empty database and returns its URL.
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("liveid_%d", s.dbs.Add(1))
	db, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	return s.URL(name), nil
}

// Stop shuts the cluster down and deletes it.
func (s *Server) Stop() error {
	err := s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	s.remove()
	return err
}

func (s *Server) remove() { os.RemoveAll(s.dir) }

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Database is a fresh database on the test binary's shared server, started
// on first use; the test fails if PostgreSQL cannot be started. Call Stop
// from TestMain.
func Database(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() { shared.srv, shared.err = Start() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	u, err := shared.srv.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Stop stops the shared server if one was started.
func Stop() {
	if shared.srv != nil {
		shared.srv.Stop()
	}
}
