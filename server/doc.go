// Package server owns liveid's verification server: the verifier's side of
// a verification, the open counterpart of the vendors' InitFaceVerify /
// DescribeFaceVerify and getFaceId / queryfacerecord (docs/server.md,
// docs/openapi.yaml).
//
// Init (a signed backend call) stores a verification, unique by the app's
// order number, and issues the engine.Challenge the app's engine session
// runs on: seed, single-use nonce, liveness config, compare mode, validity,
// and the public half of the server's HPKE key (Keyring; key files 0600,
// several for rotation). Submit takes the session's sealed package with
// the challenge's nonce, refuses it with a stable code unless it opens with
// the named key, for this verification, made for the issued plan, within
// the challenge's window and the first accepted, and then decides again
// (Deciders): the liveness decision re-run over the trace (engine.Replay)
// with the server's own passive scores on the best frames, and the server's
// own comparison with the stored reference. The device's verdict is kept
// beside it, a disagreement recorded as a risk signal. The decision, the
// package and the best frames are stored at once, exactly once, and
// described to the backend; a signed callback is retried with backoff.
//
// Backend requests are signed with an API key (Sign, SignRequest; ±5 min,
// single-use nonces, constant-time comparison); bodies and images are
// bounded before they are read or decoded; per-app and per-IP rate limits;
// log/slog request logs with request ids and no secrets; /healthz and
// Prometheus /metrics. Run drives the callbacks and the retention purge.
// Every refusal is an *Error with a stable code (SERVER_, AUTH_, INIT_,
// SUBMIT_, or evidence's EVIDENCE_ codes) and its HTTP status.
package server
