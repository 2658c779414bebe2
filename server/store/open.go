package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrations embed.FS

// Open connects to the database named by dbURL and applies the pending
// migrations: postgres:// or postgresql:// URLs are PostgreSQL, anything
// else a SQLite file path (an optional "sqlite:" prefix is dropped).
func Open(ctx context.Context, dbURL string) (Store, error) {
	s, err := connect(dbURL)
	if err != nil {
		return nil, err
	}
	if _, err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Migrate applies the pending migrations to the database and returns the
// versions it applied.
func Migrate(ctx context.Context, dbURL string) ([]int, error) {
	s, err := connect(dbURL)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.migrate(ctx)
}

func connect(dbURL string) (*sqlStore, error) {
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		db, err := sql.Open("pgx", dbURL)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		db.SetMaxOpenConns(16)
		return &sqlStore{db: db, dialect: "postgres", unique: pgUnique}, nil
	}
	p := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite:"), "//")
	if p == "" {
		return nil, errors.New("store: empty database path")
	}
	// WAL lets readers run beside the one writer; immediate transactions
	// take the write lock up front so that two writers wait (busy_timeout)
	// instead of failing on upgrade; synchronous FULL makes a commit
	// durable before Finish returns.
	q := url.Values{"_pragma": {"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(FULL)"},
		"_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", "file:"+p+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db.SetMaxOpenConns(8)
	return &sqlStore{db: db, dialect: "sqlite", unique: sqliteUnique}, nil
}

func pgUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func sqliteUnique(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code()
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// migration is one versioned file of migrations/<dialect>.
type migration struct {
	version int
	name    string
	sql     string
}

func (s *sqlStore) migrations() ([]migration, error) {
	dir := path.Join("migrations", s.dialect)
	ents, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var ms []migration
	for _, e := range ents {
		v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: no version number", e.Name())
		}
		b, err := fs.ReadFile(migrations, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	return ms, nil
}

// migrate applies every migration not yet recorded, each with its record
// in one transaction. On PostgreSQL an advisory lock serialises instances
// starting together; on SQLite the immediate transaction does.
func (s *sqlStore) migrate(ctx context.Context) ([]int, error) {
	ms, err := s.migrations()
	if err != nil {
		return nil, err
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil && !s.unique(err) {
		return nil, fmt.Errorf("store: migrations table: %w", err)
	}
	var applied []int
	for _, m := range ms {
		done := false
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if s.dialect == "postgres" {
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7314420001)`); err != nil {
					return fmt.Errorf("store: migration lock: %w", err)
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&n); err != nil {
				return fmt.Errorf("store: %w", err)
			}
			if done = n > 0; done {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("store: migration %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.version, m.name, time.Now().UnixMicro())
			return err
		})
		if err != nil {
			return applied, err
		}
		if !done {
			applied = append(applied, m.version)
		}
	}
	return applied, nil
}
