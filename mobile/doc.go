// Package mobile is the engine's surface for apps, bound to Java (Android)
// and Objective-C/Swift (iOS) by gomobile and projected to C by package
// bindings. mobile.go lists all of it, in types gobind supports (basic
// types, strings, []byte, pointers to this package's structs, interfaces).
//
// The flow is the vendors' SDK flow: Open (or OpenAsync) the Engine once
// with the model directory the app bundles and Options; NewSession with
// the challenge bytes the verifier's server issued; PushFrame every camera
// frame and show the returned Guidance (prompt, message, screen colour and
// until when, progress); Finish (or FinishAsync) for the Result: the local
// verdict, for the UI only, and the sealed Evidence to upload. Callbacks
// run on a goroutine of their own, never the caller's thread.
//
// PushFrame wraps the caller's planes in a frame without copying them and
// keeps nothing once it returns. Every error this package returns names
// its domain and stable code through DescribeError; to Java it is an
// Exception, to Objective-C an NSError, whose message is the cause's.
package mobile
