package evidence

import (
	"crypto/hpke"
	"fmt"
)

// The HPKE suite every package is sealed with: the hybrid post-quantum KEM
// ML-KEM-768 + X25519, HKDF-SHA256 and AES-256-GCM. Its ids are written in
// the header, so a later format can change the suite.
var (
	suiteKEM  = hpke.MLKEM768X25519()
	suiteKDF  = hpke.HKDFSHA256()
	suiteAEAD = hpke.AES256GCM()
)

// PublicKey is a verifier's sealing key and the id it is published under.
type PublicKey struct {
	ID  string
	key hpke.PublicKey
}

// PrivateKey is a verifier's opening key and its id.
type PrivateKey struct {
	ID  string
	key hpke.PrivateKey
}

// GenerateKey makes a new key pair with the given id.
func GenerateKey(id string) (*PrivateKey, error) {
	if err := checkID("key id", id); err != nil {
		return nil, err
	}
	k, err := suiteKEM.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("evidence: generating a key: %w", err)
	}
	return &PrivateKey{ID: id, key: k}, nil
}

// ParsePublicKey reads a public key from its serialised bytes
// (PublicKey.Bytes).
func ParsePublicKey(id string, b []byte) (*PublicKey, error) {
	if err := checkID("key id", id); err != nil {
		return nil, err
	}
	k, err := suiteKEM.NewPublicKey(b)
	if err != nil {
		return nil, &Error{Code: CodeBadKey, Detail: "public key: " + err.Error()}
	}
	return &PublicKey{ID: id, key: k}, nil
}

// ParsePrivateKey reads a private key from its serialised bytes
// (PrivateKey.Bytes).
func ParsePrivateKey(id string, b []byte) (*PrivateKey, error) {
	if err := checkID("key id", id); err != nil {
		return nil, err
	}
	k, err := suiteKEM.NewPrivateKey(b)
	if err != nil {
		return nil, &Error{Code: CodeBadKey, Detail: "private key: " + err.Error()}
	}
	return &PrivateKey{ID: id, key: k}, nil
}

// Bytes is the serialised public key, as a server publishes it in a
// challenge.
func (k *PublicKey) Bytes() []byte { return k.key.Bytes() }

// Bytes is the serialised private key: keep it secret.
func (k *PrivateKey) Bytes() ([]byte, error) { return k.key.Bytes() }

// Public is the key's public half.
func (k *PrivateKey) Public() *PublicKey { return &PublicKey{ID: k.ID, key: k.key.PublicKey()} }
