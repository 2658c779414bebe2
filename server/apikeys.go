package server

import (
	"context"
	"errors"
	"time"

	"github.com/liveid/liveid/server/store"
)

// NewAPIKey is a created key: its secret is shown once, at creation.
type NewAPIKey struct {
	AppID, KeyID, Secret string
	// CallbackSecret is the app's, set only when the app was created now.
	CallbackSecret string
}

// CreateAPIKey adds a key for app appID, creating the app (with a new
// callback secret) if it does not exist.
func CreateAPIKey(ctx context.Context, st store.Store, appID, name string, now time.Time) (*NewAPIKey, error) {
	k := &NewAPIKey{AppID: appID, KeyID: "lk_" + randomHex(10), Secret: randomHex(32)}
	_, err := st.App(ctx, appID)
	if errors.Is(err, store.ErrNotFound) {
		k.CallbackSecret = randomHex(32)
		err = st.CreateApp(ctx, store.App{ID: appID, Name: name, CallbackSecret: k.CallbackSecret, CreatedAt: now})
	}
	if err != nil {
		return nil, err
	}
	return k, st.CreateAPIKey(ctx, store.APIKey{ID: k.KeyID, AppID: appID, Secret: k.Secret, CreatedAt: now})
}
