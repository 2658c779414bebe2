-- Apps, their API keys, request nonces, verifications with their decision, evidence blobs and callbacks.
CREATE TABLE apps (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	callback_secret TEXT NOT NULL,
	created_at      BIGINT NOT NULL
);
CREATE TABLE api_keys (
	id         TEXT PRIMARY KEY,
	app_id     TEXT NOT NULL REFERENCES apps(id),
	secret     TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE TABLE nonces (
	scope      TEXT NOT NULL,
	nonce      TEXT NOT NULL,
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (scope, nonce)
);
CREATE INDEX nonces_expiry ON nonces (expires_at);
CREATE TABLE verifications (
	id           TEXT PRIMARY KEY,
	app_id       TEXT NOT NULL REFERENCES apps(id),
	order_no     TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	state        TEXT NOT NULL,
	challenge    TEXT NOT NULL,
	callback_url TEXT NOT NULL,
	created_at   BIGINT NOT NULL,
	expires_at   BIGINT NOT NULL,
	submitted_at BIGINT NOT NULL DEFAULT 0,
	UNIQUE (app_id, order_no)
);
CREATE TABLE decisions (
	verification_id TEXT PRIMARY KEY REFERENCES verifications(id),
	passed          BOOLEAN NOT NULL,
	sub_code        TEXT NOT NULL,
	body            TEXT NOT NULL,
	decided_at      BIGINT NOT NULL
);
CREATE TABLE blobs (
	verification_id TEXT NOT NULL REFERENCES verifications(id),
	name            TEXT NOT NULL,
	data            BLOB NOT NULL,
	created_at      BIGINT NOT NULL,
	PRIMARY KEY (verification_id, name)
);
CREATE INDEX blobs_created ON blobs (created_at);
CREATE TABLE callbacks (
	verification_id TEXT PRIMARY KEY REFERENCES verifications(id),
	url             TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_at         BIGINT NOT NULL,
	delivered_at    BIGINT NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX callbacks_due ON callbacks (delivered_at, next_at);
