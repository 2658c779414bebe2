// Package pgtest starts a real, throw-away PostgreSQL server for tests and
// load runs: Debian's postgresql binaries (initdb, pg_ctl), a cluster in a
// temporary directory owned by the postgres user when run as root, trust
// authentication and a unix socket in that directory only (no TCP port).
// Missing binaries are an error that says `make setup` installs them:
// tests fail rather than skip.
package pgtest
