package evidence

import (
	"encoding/pem"
)

// PEM block types of the key files: the key's serialised bytes, with its
// id in a Key-Id header.
const (
	pemPrivate = "LIVEID EVIDENCE PRIVATE KEY"
	pemPublic  = "LIVEID EVIDENCE PUBLIC KEY"
)

// MarshalPEM is the private key as a PEM block, what a server keeps in a
// key file (which must be readable by the server alone).
func (k *PrivateKey) MarshalPEM() ([]byte, error) {
	b, err := k.Bytes()
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPrivate, Headers: map[string]string{"Key-Id": k.ID}, Bytes: b}), nil
}

// MarshalPEM is the public key as a PEM block.
func (k *PublicKey) MarshalPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: pemPublic, Headers: map[string]string{"Key-Id": k.ID}, Bytes: k.Bytes()})
}

// ParsePrivateKeyPEM reads a key written by PrivateKey.MarshalPEM.
func ParsePrivateKeyPEM(data []byte) (*PrivateKey, error) {
	b, id, err := decodePEM(data, pemPrivate)
	if err != nil {
		return nil, err
	}
	return ParsePrivateKey(id, b)
}

// ParsePublicKeyPEM reads a key written by PublicKey.MarshalPEM.
func ParsePublicKeyPEM(data []byte) (*PublicKey, error) {
	b, id, err := decodePEM(data, pemPublic)
	if err != nil {
		return nil, err
	}
	return ParsePublicKey(id, b)
}

func decodePEM(data []byte, typ string) (b []byte, id string, err error) {
	blk, _ := pem.Decode(data)
	switch {
	case blk == nil:
		return nil, "", errorf(CodeBadKey, "no PEM block")
	case blk.Type != typ:
		return nil, "", errorf(CodeBadKey, "PEM block %q, want %q", blk.Type, typ)
	}
	return blk.Bytes, blk.Headers["Key-Id"], nil
}
