package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/liveid/liveid/server"
)

// keygen writes a 0600 key file the server loads and never overwrites
// one; migrate and apikey create run on a new database.
func TestCommands(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "k1.key")
	if err := keygen([]string{"-id", "k1", "-out", key}); err != nil {
		t.Fatal(err)
	}
	if err := keygen([]string{"-id", "k1", "-out", key}); err == nil {
		t.Error("keygen overwrote a key file")
	}
	if _, err := server.LoadKeyring(key); err != nil {
		t.Errorf("the written key does not load: %v", err)
	}
	db := filepath.Join(dir, "x.db")
	if err := migrate([]string{"-db", db}); err != nil {
		t.Fatal(err)
	}
	if err := apikeyCreate([]string{"-db", db, "-app", "demo"}); err != nil {
		t.Fatal(err)
	}
	if err := apikeyCreate([]string{"-db", db, "-app", "demo"}); err != nil {
		t.Errorf("a second key for the app: %v", err)
	}
	if err := serve([]string{"-db", db}); err == nil {
		t.Error("serve without keys started")
	}
	os.Chmod(key, 0o640)
	if err := serve([]string{"-db", db, "-keys", key}); err == nil {
		t.Error("serve with a group-readable key file started")
	}
}
