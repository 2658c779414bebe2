// Package evidence owns liveid's sealed evidence package: the versioned
// wire format an engine session ends with and the verifier's server opens
// (docs/evidence.md describes it byte by byte).
//
// A package is a plaintext Header — format version, engine version,
// verification id, key id, plan hash, capture times, device — and a Body
// encrypted to the server's public key with HPKE (RFC 9180): the
// observation trace the liveness decision is re-run from, the passive model
// scores, the best frames as JPEG, the device's own decision and the hashes
// of the models that made it. The header is the AEAD's additional data and
// the HPKE info binds the verification id and key id, so neither can be
// changed or the package replayed under another verification without Open
// failing.
//
// The trace is stored in fixed point (Quantize says how): a device that
// decides on Quantize's output and a server that decides on what Open
// returns see the same numbers, bit for bit.
//
// Open never returns partial data: a truncated, tampered, oversized,
// wrong-key, wrong-verification or unknown-version package is an *Error
// with a stable code. The package uses the standard library only, so that
// the phone and the server share it.
package evidence
