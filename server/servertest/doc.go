// Package servertest sets up verification servers for tests: the shared
// models (a device engine, the server's deciders, the still-photo portrait
// and a sealed session to reseal), a server over SQLite or a real
// PostgreSQL behind a loopback HTTP server, with one app and its API key.
package servertest
