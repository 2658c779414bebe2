// Command liveid-server is the verification server: it issues challenges,
// opens the sealed evidence of engine sessions, decides again and reports,
// over SQLite or PostgreSQL. It links no OpenCV.
//
//	liveid-server serve [flags]              run the server (flags or LIVEID_* environment variables)
//	liveid-server keygen -id ID -out FILE    write a new evidence key (mode 0600)
//	liveid-server migrate -db URL            apply the database migrations
//	liveid-server apikey create -db URL -app APP [-name NAME]
//	                                         add an API key (and the app): prints its id and secret once
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/liveid/liveid/server"
	"github.com/liveid/liveid/server/store"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = serve(args)
	case "keygen":
		err = keygen(args)
	case "migrate":
		err = migrate(args)
	case "apikey":
		if len(args) == 0 || args[0] != "create" {
			usage()
		}
		err = apikeyCreate(args[1:])
	default:
		usage()
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "liveid-server:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  liveid-server serve [-listen ADDR] [-db URL] [-keys FILE,...] [-retention D] [-models DIR] [-deciders N] ...
  liveid-server keygen -id ID -out FILE
  liveid-server migrate -db URL
  liveid-server apikey create -db URL -app APP [-name NAME]
`)
	os.Exit(2)
}

// env is the value of an environment variable, or def.
func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

const defaultDB = "liveid-server.db"

func keygen(args []string) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	id := fs.String("id", "", "key id (published in challenges)")
	out := fs.String("out", "", "file to write (created with mode 0600, never overwritten)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == "" || *out == "" {
		return errors.New("keygen needs -id and -out")
	}
	if _, err := server.WriteKeyFile(*out, *id); err != nil {
		return err
	}
	fmt.Printf("wrote key %s to %s\n", *id, *out)
	return nil
}

func migrate(args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	db := fs.String("db", env("LIVEID_DB", defaultDB), "database: a SQLite path or a postgres:// URL (LIVEID_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	applied, err := store.Migrate(context.Background(), *db)
	if err != nil {
		return err
	}
	fmt.Printf("applied migrations %v\n", applied)
	return nil
}

func apikeyCreate(args []string) error {
	fs := flag.NewFlagSet("apikey create", flag.ContinueOnError)
	db := fs.String("db", env("LIVEID_DB", defaultDB), "database: a SQLite path or a postgres:// URL (LIVEID_DB)")
	app := fs.String("app", "", "app id (created if new)")
	name := fs.String("name", "", "app name, for a new app")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *app == "" {
		return errors.New("apikey create needs -app")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	k, err := server.CreateAPIKey(ctx, st, *app, *name, time.Now())
	if err != nil {
		return err
	}
	fmt.Printf("app_id=%s\nkey_id=%s\nsecret=%s\n", k.AppID, k.KeyID, k.Secret)
	if k.CallbackSecret != "" {
		fmt.Printf("callback_secret=%s\n", k.CallbackSecret)
	}
	return nil
}
