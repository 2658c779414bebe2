// Package store owns the verification server's persistent state behind one
// interface, Store: apps and their API keys, the single-use nonces of
// signed requests, verifications with the challenge issued for each, the
// one decision a verification gets, its evidence blobs (reference photo,
// sealed package, best frames) and the callbacks still to deliver.
//
// Open picks the implementation from the database URL: a file path or
// sqlite: URL is embedded SQLite (modernc.org/sqlite, pure Go, WAL), a
// postgres:// or postgresql:// URL is PostgreSQL (pgx). Both run the same
// SQL through database/sql and the same versioned migrations, embedded
// from migrations/<dialect>/NNNN_name.sql and applied in order at Open (or
// by Migrate), each in its own transaction.
//
// The contract a server relies on: an order number is unique per app
// (ErrDuplicate); a nonce is accepted once per scope (ErrNonceUsed); Finish
// moves a verification from pending to done and writes its decision, blobs
// and callback in one transaction, exactly once (ErrAlreadySubmitted for
// every later call, from any instance); Purge deletes blobs older than the
// retention and expired nonces, never decisions. Times are stored in
// microseconds since the Unix epoch.
package store
