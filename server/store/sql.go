package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// sqlStore is Store over database/sql: the queries are written once, in
// the SQL both SQLite and PostgreSQL accept ($n placeholders, ON CONFLICT).
type sqlStore struct {
	db      *sql.DB
	dialect string // "sqlite" or "postgres"
	unique  func(error) bool
}

func us(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromUS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func (s *sqlStore) Close() error { return s.db.Close() }

// insert runs an INSERT, turning a unique-constraint violation into
// ErrDuplicate.
func (s *sqlStore) insert(ctx context.Context, q execer, query string, args ...any) error {
	if _, err := q.ExecContext(ctx, query, args...); err != nil {
		if s.unique(err) {
			return ErrDuplicate
		}
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *sqlStore) CreateApp(ctx context.Context, a App) error {
	return s.insert(ctx, s.db, `INSERT INTO apps (id, name, callback_secret, created_at) VALUES ($1, $2, $3, $4)`,
		a.ID, a.Name, a.CallbackSecret, us(a.CreatedAt))
}

func (s *sqlStore) CreateAPIKey(ctx context.Context, k APIKey) error {
	return s.insert(ctx, s.db, `INSERT INTO api_keys (id, app_id, secret, created_at) VALUES ($1, $2, $3, $4)`,
		k.ID, k.AppID, k.Secret, us(k.CreatedAt))
}

func (s *sqlStore) APIKey(ctx context.Context, id string) (APIKey, App, error) {
	var k APIKey
	var a App
	var kc, ac int64
	err := s.db.QueryRowContext(ctx, `SELECT k.id, k.app_id, k.secret, k.created_at, a.name, a.callback_secret, a.created_at
		FROM api_keys k JOIN apps a ON a.id = k.app_id WHERE k.id = $1`, id).
		Scan(&k.ID, &k.AppID, &k.Secret, &kc, &a.Name, &a.CallbackSecret, &ac)
	if err != nil {
		return APIKey{}, App{}, notFound(err)
	}
	a.ID, k.CreatedAt, a.CreatedAt = k.AppID, fromUS(kc), fromUS(ac)
	return k, a, nil
}

func (s *sqlStore) App(ctx context.Context, id string) (App, error) {
	a := App{ID: id}
	var c int64
	err := s.db.QueryRowContext(ctx, `SELECT name, callback_secret, created_at FROM apps WHERE id = $1`, id).
		Scan(&a.Name, &a.CallbackSecret, &c)
	a.CreatedAt = fromUS(c)
	return a, notFound(err)
}

func notFound(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	}
	return fmt.Errorf("store: %w", err)
}

func (s *sqlStore) UseNonce(ctx context.Context, scope, nonce string, expires time.Time) error {
	r, err := s.db.ExecContext(ctx, `INSERT INTO nonces (scope, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		scope, nonce, us(expires))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if n, err := r.RowsAffected(); err != nil || n == 0 {
		return ErrNonceUsed
	}
	return nil
}

func (s *sqlStore) CreateVerification(ctx context.Context, v *Verification, blobs []Blob) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		err := s.insert(ctx, tx, `INSERT INTO verifications (id, app_id, order_no, user_id, state, challenge, callback_url, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			v.ID, v.AppID, v.OrderNo, v.UserID, string(Pending), string(v.Challenge), v.CallbackURL, us(v.CreatedAt), us(v.ExpiresAt))
		if err != nil {
			return err
		}
		return s.putBlobs(ctx, tx, v.ID, blobs, v.CreatedAt)
	})
}

func (s *sqlStore) putBlobs(ctx context.Context, tx *sql.Tx, id string, blobs []Blob, now time.Time) error {
	for _, b := range blobs {
		if err := s.insert(ctx, tx, `INSERT INTO blobs (verification_id, name, data, created_at) VALUES ($1, $2, $3, $4)`,
			id, b.Name, b.Data, us(now)); err != nil {
			return err
		}
	}
	return nil
}

// tx runs f in a transaction, committing when it returns nil.
func (s *sqlStore) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

const verificationColumns = `id, app_id, order_no, user_id, state, challenge, callback_url, created_at, expires_at, submitted_at`

func scanVerification(row *sql.Row) (*Verification, error) {
	var v Verification
	var state, ch string
	var c, e, sub int64
	if err := row.Scan(&v.ID, &v.AppID, &v.OrderNo, &v.UserID, &state, &ch, &v.CallbackURL, &c, &e, &sub); err != nil {
		return nil, notFound(err)
	}
	v.State, v.Challenge = State(state), []byte(ch)
	v.CreatedAt, v.ExpiresAt, v.SubmittedAt = fromUS(c), fromUS(e), fromUS(sub)
	return &v, nil
}

func (s *sqlStore) Verification(ctx context.Context, id string) (*Verification, error) {
	return scanVerification(s.db.QueryRowContext(ctx, `SELECT `+verificationColumns+` FROM verifications WHERE id = $1`, id))
}

func (s *sqlStore) VerificationByOrder(ctx context.Context, appID, orderNo string) (*Verification, error) {
	return scanVerification(s.db.QueryRowContext(ctx,
		`SELECT `+verificationColumns+` FROM verifications WHERE app_id = $1 AND order_no = $2`, appID, orderNo))
}

func (s *sqlStore) Rechallenge(ctx context.Context, id string, challenge []byte) error {
	r, err := s.db.ExecContext(ctx, `UPDATE verifications SET challenge = $1 WHERE id = $2 AND state = $3`, string(challenge), id, string(Pending))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return ErrAlreadySubmitted
	}
	return nil
}

func (s *sqlStore) Finish(ctx context.Context, sub *Submission) error {
	d := &sub.Decision
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE verifications SET state = $1, submitted_at = $2 WHERE id = $3 AND state = $4`,
			string(Done), us(d.DecidedAt), d.VerificationID, string(Pending))
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if n, err := r.RowsAffected(); err != nil {
			return fmt.Errorf("store: %w", err)
		} else if n == 0 {
			if _, err := s.verificationIn(ctx, tx, d.VerificationID); err != nil {
				return err
			}
			return ErrAlreadySubmitted
		}
		if err := s.insert(ctx, tx, `INSERT INTO decisions (verification_id, passed, sub_code, body, decided_at) VALUES ($1, $2, $3, $4, $5)`,
			d.VerificationID, d.Passed, d.SubCode, string(d.Body), us(d.DecidedAt)); err != nil {
			if errors.Is(err, ErrDuplicate) {
				return ErrAlreadySubmitted
			}
			return err
		}
		if err := s.putBlobs(ctx, tx, d.VerificationID, sub.Blobs, d.DecidedAt); err != nil {
			return err
		}
		if c := sub.Callback; c != nil {
			return s.insert(ctx, tx, `INSERT INTO callbacks (verification_id, url, next_at) VALUES ($1, $2, $3)`,
				d.VerificationID, c.URL, us(c.NextAt))
		}
		return nil
	})
}

// verificationIn checks the verification exists, inside tx.
func (s *sqlStore) verificationIn(ctx context.Context, tx *sql.Tx, id string) (string, error) {
	var got string
	err := tx.QueryRowContext(ctx, `SELECT id FROM verifications WHERE id = $1`, id).Scan(&got)
	return got, notFound(err)
}

func (s *sqlStore) Decision(ctx context.Context, id string) (*Decision, error) {
	d := Decision{VerificationID: id}
	var body string
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT passed, sub_code, body, decided_at FROM decisions WHERE verification_id = $1`, id).
		Scan(&d.Passed, &d.SubCode, &body, &at)
	if err != nil {
		return nil, notFound(err)
	}
	d.Body, d.DecidedAt = []byte(body), fromUS(at)
	return &d, nil
}

func (s *sqlStore) Blobs(ctx context.Context, id, prefix string) ([]Blob, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, data FROM blobs WHERE verification_id = $1 ORDER BY name`, id)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []Blob
	for rows.Next() {
		var b Blob
		if err := rows.Scan(&b.Name, &b.Data); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		if strings.HasPrefix(b.Name, prefix) {
			out = append(out, b)
		}
	}
	return out, rows.Err()
}

func (s *sqlStore) DueCallbacks(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Callback, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT verification_id, url, attempts, next_at, last_error FROM callbacks
		WHERE delivered_at = 0 AND next_at <= $1 ORDER BY next_at LIMIT $2`, us(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var due []Callback
	for rows.Next() {
		var c Callback
		var next int64
		if err := rows.Scan(&c.VerificationID, &c.URL, &c.Attempts, &next, &c.LastError); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: %w", err)
		}
		c.NextAt = fromUS(next)
		due = append(due, c)
	}
	rows.Close()
	var claimed []Callback
	for _, c := range due {
		r, err := s.db.ExecContext(ctx, `UPDATE callbacks SET next_at = $1 WHERE verification_id = $2 AND next_at = $3 AND delivered_at = 0`,
			us(now.Add(lease)), c.VerificationID, us(c.NextAt))
		if err != nil {
			return claimed, fmt.Errorf("store: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 1 {
			c.NextAt = now.Add(lease)
			claimed = append(claimed, c)
		}
	}
	return claimed, nil
}

func (s *sqlStore) UpdateCallback(ctx context.Context, c *Callback) error {
	_, err := s.db.ExecContext(ctx, `UPDATE callbacks SET attempts = $1, next_at = $2, delivered_at = $3, last_error = $4 WHERE verification_id = $5`,
		c.Attempts, us(c.NextAt), us(c.DeliveredAt), c.LastError, c.VerificationID)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

func (s *sqlStore) CallbackOf(ctx context.Context, id string) (*Callback, error) {
	c := Callback{VerificationID: id}
	var next, del int64
	err := s.db.QueryRowContext(ctx, `SELECT url, attempts, next_at, delivered_at, last_error FROM callbacks WHERE verification_id = $1`, id).
		Scan(&c.URL, &c.Attempts, &next, &del, &c.LastError)
	if err != nil {
		return nil, notFound(err)
	}
	c.NextAt, c.DeliveredAt = fromUS(next), fromUS(del)
	return &c, nil
}

func (s *sqlStore) Purge(ctx context.Context, blobsBefore, now time.Time) (Purged, error) {
	var p Purged
	r, err := s.db.ExecContext(ctx, `DELETE FROM blobs WHERE created_at < $1`, us(blobsBefore))
	if err != nil {
		return p, fmt.Errorf("store: %w", err)
	}
	p.Blobs, _ = r.RowsAffected()
	if r, err = s.db.ExecContext(ctx, `DELETE FROM nonces WHERE expires_at < $1`, us(now)); err != nil {
		return p, fmt.Errorf("store: %w", err)
	}
	p.Nonces, _ = r.RowsAffected()
	return p, nil
}

func (s *sqlStore) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM verifications), (SELECT COUNT(*) FROM verifications WHERE state = $1),
		(SELECT COUNT(*) FROM decisions)`, string(Done)).Scan(&c.Verifications, &c.Done, &c.Decisions)
	if err != nil {
		return c, fmt.Errorf("store: %w", err)
	}
	return c, nil
}
