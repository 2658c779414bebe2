package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/liveid/liveid/evidence"
)

// keyFile is a sealing key on disk: its id and the HPKE private key
// (evidence.PrivateKey.Bytes), base64 in JSON.
type keyFile struct {
	KeyID      string `json:"key_id"`
	PrivateKey []byte `json:"private_key"`
}

// Keyring holds the server's evidence keys: the first is the one new
// challenges name, every one opens packages sealed to it (rotation: add
// the new key first, keep the old ones until their verifications expire).
type Keyring struct {
	keys []*evidence.PrivateKey
	byID map[string]*evidence.PrivateKey
}

// NewKeyring makes a keyring of keys, the first issuing.
func NewKeyring(keys ...*evidence.PrivateKey) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("server: no evidence key")
	}
	r := &Keyring{keys: keys, byID: map[string]*evidence.PrivateKey{}}
	for _, k := range keys {
		if r.byID[k.ID] != nil {
			return nil, fmt.Errorf("server: two keys with id %q", k.ID)
		}
		r.byID[k.ID] = k
	}
	return r, nil
}

// LoadKeyring reads key files, the first issuing. A file readable or
// writable by anyone but its owner is refused: it holds a private key.
func LoadKeyring(paths ...string) (*Keyring, error) {
	var keys []*evidence.PrivateKey
	for _, p := range paths {
		k, err := readKeyFile(p)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return NewKeyring(keys...)
}

func readKeyFile(path string) (*evidence.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("server: key file: %w", err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("server: key file %s has mode %04o: want 0600 (chmod 600 %s)", path, perm, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("server: key file: %w", err)
	}
	var kf keyFile
	if err := json.Unmarshal(b, &kf); err != nil {
		return nil, fmt.Errorf("server: key file %s: %v", path, err)
	}
	return evidence.ParsePrivateKey(kf.KeyID, kf.PrivateKey)
}

// WriteKeyFile generates a key with this id and writes it to path, mode
// 0600, refusing to overwrite a file.
func WriteKeyFile(path, id string) (*evidence.PrivateKey, error) {
	k, err := evidence.GenerateKey(id)
	if err != nil {
		return nil, err
	}
	sk, err := k.Bytes()
	if err != nil {
		return nil, err
	}
	b, _ := json.Marshal(keyFile{KeyID: id, PrivateKey: sk}) // a plain struct always marshals
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("server: key file: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return nil, fmt.Errorf("server: key file: %w", err)
	}
	return k, f.Close()
}

// issuing is the key new challenges are sealed to.
func (r *Keyring) issuing() *evidence.PrivateKey { return r.keys[0] }

// key is the key with this id, nil if the ring has none.
func (r *Keyring) key(id string) *evidence.PrivateKey { return r.byID[id] }
