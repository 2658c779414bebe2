package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
)

// Without the server binaries Start fails saying what installs them.
func TestMissingBinariesSayMakeSetup(t *testing.T) {
	defer func(g string) { binGlob = g }(binGlob)
	binGlob = "/nonexistent/postgresql/*/bin/pg_ctl"
	if _, err := Start(); !errors.Is(err, ErrNoPostgres) || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("Start without binaries: %v", err)
	}
}

// A started server takes connections to a new database and stops.
func TestStartDatabaseStop(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	u, err := s.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var one int
	if err := db.QueryRow("SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("SELECT 1 = %d, %v", one, err)
	}
}
