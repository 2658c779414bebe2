package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors of the store.
var (
	ErrNotFound         = errors.New("store: not found")
	ErrDuplicate        = errors.New("store: duplicate")
	ErrNonceUsed        = errors.New("store: nonce already used")
	ErrAlreadySubmitted = errors.New("store: verification already submitted")
)

// App is one tenant: its API keys sign its requests, its callback secret
// signs the callbacks it receives.
type App struct {
	ID, Name       string
	CallbackSecret string
	CreatedAt      time.Time
}

// APIKey is a key id and the shared secret its requests are signed with.
type APIKey struct {
	ID, AppID, Secret string
	CreatedAt         time.Time
}

// State is where a verification is.
type State string

const (
	Pending State = "pending" // issued, no decision yet
	Done    State = "done"    // a package was accepted and decided
)

// Verification is one issued verification. Challenge is the server's own
// record of what it issued (seed, nonce, config, key id, times), opaque to
// the store.
type Verification struct {
	ID, AppID, OrderNo, UserID string
	State                      State
	Challenge                  []byte
	CallbackURL                string
	CreatedAt, ExpiresAt       time.Time
	SubmittedAt                time.Time // zero while pending
}

// Decision is the server's verdict on a verification; Body is its whole
// record (JSON), opaque to the store.
type Decision struct {
	VerificationID string
	Passed         bool
	SubCode        string
	Body           []byte
	DecidedAt      time.Time
}

// Blob is one stored image or package of a verification, deleted by Purge
// after the retention time.
type Blob struct {
	Name string
	Data []byte
}

// Callback is a decision notification still to deliver (DeliveredAt zero)
// or delivered.
type Callback struct {
	VerificationID, URL string
	Attempts            int
	NextAt, DeliveredAt time.Time
	LastError           string
}

// Submission is everything Finish writes at once.
type Submission struct {
	Decision Decision
	Blobs    []Blob
	Callback *Callback // nil when the verification has no callback URL
}

// Purged counts what Purge deleted.
type Purged struct {
	Blobs, Nonces int64
}

// Store is the server's state. Implementations are safe for concurrent use
// and for several server processes over one database.
type Store interface {
	// CreateApp and CreateAPIKey add a tenant and a key (ErrDuplicate for
	// an existing id).
	CreateApp(ctx context.Context, a App) error
	CreateAPIKey(ctx context.Context, k APIKey) error
	// APIKey is the key with this id and its app (ErrNotFound).
	APIKey(ctx context.Context, id string) (APIKey, App, error)
	App(ctx context.Context, id string) (App, error)
	// UseNonce records a nonce of scope until expires; ErrNonceUsed if it
	// is already recorded.
	UseNonce(ctx context.Context, scope, nonce string, expires time.Time) error
	// CreateVerification stores a pending verification and its blobs
	// (the reference photo); ErrDuplicate when the app already has one
	// with this order number.
	CreateVerification(ctx context.Context, v *Verification, blobs []Blob) error
	Verification(ctx context.Context, id string) (*Verification, error)
	// Rechallenge replaces a pending verification's challenge;
	// ErrAlreadySubmitted if it is not pending.
	Rechallenge(ctx context.Context, id string, challenge []byte) error
	VerificationByOrder(ctx context.Context, appID, orderNo string) (*Verification, error)
	// Finish marks the verification done at s.Decision.DecidedAt and
	// writes the decision, blobs and callback, atomically;
	// ErrAlreadySubmitted if it is not pending, ErrNotFound if unknown.
	Finish(ctx context.Context, s *Submission) error
	Decision(ctx context.Context, verificationID string) (*Decision, error)
	// Blobs are the verification's blobs whose names start with prefix,
	// by name.
	Blobs(ctx context.Context, verificationID, prefix string) ([]Blob, error)
	// DueCallbacks claims up to limit undelivered callbacks due at now:
	// each is leased (its NextAt moved to now+lease) so that no other
	// instance sends it meanwhile.
	DueCallbacks(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Callback, error)
	// UpdateCallback records an attempt: delivered (DeliveredAt set) or to
	// retry at NextAt.
	UpdateCallback(ctx context.Context, c *Callback) error
	CallbackOf(ctx context.Context, verificationID string) (*Callback, error)
	// Purge deletes blobs created before blobsBefore and nonces expired
	// at now. Decisions stay.
	Purge(ctx context.Context, blobsBefore, now time.Time) (Purged, error)
	// Counts are the table sizes a load run checks.
	Counts(ctx context.Context) (Counts, error)
	Close() error
}

// Counts: verifications, those done, and decisions.
type Counts struct {
	Verifications, Done, Decisions int64
}
