package mobile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liveid/liveid/engine"
	"github.com/liveid/liveid/evidence"
	"github.com/liveid/liveid/imgproc"
	"github.com/liveid/liveid/models"
)

// Frame formats, the values PushFrame takes.
const (
	NV21 = int32(imgproc.NV21) // Y plane, then interleaved V,U (Android camera, YUV_420_888 with pixel stride 2)
	NV12 = int32(imgproc.NV12) // Y plane, then interleaved U,V (iOS kCVPixelFormatType_420YpCbCr8BiPlanarFullRange)
	I420 = int32(imgproc.I420) // Y, U and V planes (YUV_420_888 with pixel stride 1)
	RGBA = int32(imgproc.RGBA) // 4 bytes a pixel in plane 0
	BGRA = int32(imgproc.BGRA) // 4 bytes a pixel in plane 0 (iOS kCVPixelFormatType_32BGRA)
)

// Phases of a session, Guidance.Phase.
const (
	PhasePrecheck = int32(engine.PhasePrecheck) // frame the face
	PhaseBaseline = int32(engine.PhaseBaseline) // hold still under the neutral screen
	PhaseFlash    = int32(engine.PhaseFlash)    // hold still while the screen flashes colours
	PhaseAction   = int32(engine.PhaseAction)   // perform Guidance.Action
	PhaseCapture  = int32(engine.PhaseCapture)  // checks done: call Finish
	PhaseDone     = int32(engine.PhaseDone)     // Finish ran and the local result passed
	PhaseFailed   = int32(engine.PhaseFailed)   // failed or cancelled: Finish gives the reasons
)

// Error domains, ErrorInfo.Domain: what part of the integration a failure
// points at.
const (
	DomainParams    int32 = 1 // the app passed something invalid: options, the challenge, an argument
	DomainModel     int32 = 2 // the model directory or ONNX Runtime: a broken install
	DomainFrame     int32 = 3 // a camera frame the engine cannot read, or one that breaks the stream
	DomainSession   int32 = 4 // a call out of order: a second session, a call after Finish, no reference
	DomainReference int32 = 5 // the reference photo: no usable face in it
	DomainEvidence  int32 = 6 // sealing the evidence failed
	DomainInternal  int32 = 7 // anything else; a bug to report
)

// LinkedRuntime, as Options.RuntimeLibrary, takes ONNX Runtime from the
// app itself, where it is linked statically (iOS): the runtime is found by
// its OrtGetApiBase symbol instead of loaded from a file.
const LinkedRuntime = models.LinkedRuntime

// This package's own error codes.
const (
	// CodeBadArgument: an argument PushFrame or SetReferenceImage cannot
	// use (a pixel stride that does not match the format, an image that
	// does not decode).
	CodeBadArgument = "MOBILE_BAD_ARGUMENT"
	// CodeInternal: an error without a stable code of its own.
	CodeInternal = "MOBILE_INTERNAL"
)

// Options configure Open. The zero value gives the engine's defaults.
type Options struct {
	// RuntimeLibrary is the ONNX Runtime shared library to load: a path,
	// or a bare file name the dynamic loader finds (on Android
	// "libonnxruntime.so", which the AAR ships); LinkedRuntime when ONNX
	// Runtime is linked into the app (iOS); "" when the process already
	// started the runtime.
	RuntimeLibrary string
	// Threads is each model's thread count (default 1).
	Threads int32
	// Language is the BCP 47 tag of the messages (default en): zh-CN,
	// zh-HK, en, ja, ko, th or id.
	Language string
	// CompareModel and FAR configure the advisory comparison with a
	// reference photo (defaults: the engine's model, 1e-3).
	CompareModel string
	FAR          float64
	// PrecheckFrames good frames in a row start the liveness check
	// (default 10); PrecheckTimeoutMs ends a session whose face never got
	// good (default 20000).
	PrecheckFrames    int32
	PrecheckTimeoutMs int64
	// BestFrames is how many best frames are sealed (1..3, default 3), one
	// from each part of the session; they must all show one person.
	BestFrames int32
	// NoLightProbe skips the light probe between the pre-check and the
	// flash (the screen black, then white, to measure whether the room is
	// too bright for the reflection check): for hosts that cannot show it.
	NoLightProbe bool
	// DeviceModel, DeviceOS and AppID are written into the evidence header.
	DeviceModel, DeviceOS, AppID string

	messages map[string]string
}

// SetMessage overrides the text shown for a code (PROMPT_*, FACE_*,
// LIVENESS_*, ENGINE_*) in every language.
func (o *Options) SetMessage(code, text string) {
	if o.messages == nil {
		o.messages = map[string]string{}
	}
	o.messages[code] = text
}

func (o *Options) config(dir string) engine.Config {
	return engine.Config{Dir: dir, RuntimeLibrary: o.RuntimeLibrary, Threads: int(o.Threads), Language: o.Language,
		Messages: o.messages, CompareModel: o.CompareModel, FAR: o.FAR, PrecheckFrames: int(o.PrecheckFrames),
		PrecheckTimeout: time.Duration(o.PrecheckTimeoutMs) * time.Millisecond, BestFrames: int(o.BestFrames),
		NoLightProbe: o.NoLightProbe, Device: evidence.Device{Model: o.DeviceModel, OS: o.DeviceOS, App: o.AppID}}
}

// Engine holds the loaded models. Open it once, before the user starts
// (loading takes a second or more), and Close it when the app no longer
// verifies. It runs one session at a time.
type Engine struct{ e *engine.Engine }

// Open loads the models from the model directory modelDir; o may be nil.
func Open(modelDir string, o *Options) (*Engine, error) {
	if o == nil {
		o = &Options{}
	}
	e, err := engine.Open(o.config(modelDir))
	if err != nil {
		return nil, wrap(err)
	}
	return &Engine{e: e}, nil
}

// OpenCallback receives the result of OpenAsync, on a goroutine of its own
// (not the caller's thread: post to the UI thread from it).
type OpenCallback interface {
	OnOpen(e *Engine)
	OnError(err error)
}

// OpenAsync opens the engine in the background and calls cb when done.
func OpenAsync(modelDir string, o *Options, cb OpenCallback) {
	go func() {
		e, err := Open(modelDir, o)
		if err != nil {
			cb.OnError(err)
			return
		}
		cb.OnOpen(e)
	}()
}

// Close releases the models.
func (e *Engine) Close() error { return wrap(e.e.Close()) }

// Message is the text of a code (a Result's reason, a prompt) in the
// engine's language.
func (e *Engine) Message(code string) string { return e.e.Messages().Text(code) }

// NewSession starts a session for the challenge the verifier's server
// issued, in its JSON wire form. It refuses a malformed, expired or
// already used challenge, and a second session while one runs.
func (e *Engine) NewSession(challenge []byte) (*Session, error) {
	ch, err := engine.ParseChallenge(challenge)
	if err != nil {
		return nil, wrap(err)
	}
	s, err := e.e.NewSession(ch)
	if err != nil {
		return nil, wrap(err)
	}
	return &Session{s: s}, nil
}

// Session is one verification: PushFrame every camera frame and show the
// Guidance, then Finish. Calls must not overlap (one camera thread).
type Session struct {
	s     *engine.Session
	frame imgproc.Frame // reused: it only points at the caller's planes during PushFrame
}

// PushFrame takes a camera frame and returns what to show. The planes are
// read during the call and not kept: p0 is Y (or the packed pixels), p1
// the chroma plane of NV21/NV12 (Android: the V plane's buffer, which
// holds V,U interleaved) or U of I420, p2 V of I420; unused planes may be
// empty. Strides are bytes a row; pixelStride is the chroma planes' bytes
// a pixel (2 for NV21/NV12, 1 for I420) or 4 for RGBA/BGRA, 0 for the
// format's own. width and height are the sensor's; rotation (0, 90, 180,
// 270) turns the image upright and mirror flips it after that (front
// camera). timestampNs is the frame's capture time on a monotonic clock
// (Android Image.getTimestamp, iOS CMSampleBuffer presentation time); the
// screen colour's end time is on the same clock. A frame that changes
// size, format or orientation, goes back in time or is invalid fails the
// session and returns an error (DomainFrame).
func (s *Session) PushFrame(p0, p1, p2 []byte, width, height, stride0, stride1, stride2, pixelStride, format, rotation int32, mirror bool, timestampNs int64) (*Guidance, error) {
	if err := checkPixelStride(format, pixelStride); err != nil {
		return nil, err
	}
	s.frame = imgproc.Frame{Width: int(width), Height: int(height), Format: imgproc.Format(format),
		Planes: [3][]byte{p0, p1, p2}, Strides: [3]int{int(stride0), int(stride1), int(stride2)},
		Rotation: int(rotation), Mirror: mirror, Timestamp: time.Duration(timestampNs)}
	g, err := s.s.Push(&s.frame)
	s.frame.Planes = [3][]byte{} // the caller's buffers are released after the call
	return guidanceOf(&g), wrap(err)
}

// checkPixelStride refuses a chroma layout the format does not have: the
// classic mistake of passing a semi-planar YUV_420_888 image as I420.
func checkPixelStride(format, pixelStride int32) error {
	want := map[int32]int32{NV21: 2, NV12: 2, I420: 1, RGBA: 4, BGRA: 4}[format]
	if pixelStride == 0 || want == 0 || pixelStride == want {
		return nil // an unknown format is refused by the frame's own check
	}
	return &failure{code: CodeBadArgument, err: fmt.Errorf("mobile: pixel stride %d for %v, which has %d",
		pixelStride, imgproc.Format(format), want)}
}

// ScreenColorAt is the screen colour (0xAARRGGBB) at a time on the frames'
// clock, for hosts that drive the screen from their own render loop.
func (s *Session) ScreenColorAt(timestampNs int64) int32 {
	c := s.s.ColorAt(time.Duration(timestampNs))
	return argb(c.R, c.G, c.B)
}

// SetReferenceImage gives the photo (JPEG or PNG bytes) the live face is
// compared with, for a challenge whose compare mode is photo. Its largest
// face is embedded now; the bytes are not kept. An image over
// imgproc.DefaultDecodeLimits (24 Mi pixels) is refused from its header,
// before its pixels are allocated; other formats are refused too.
func (s *Session) SetReferenceImage(encoded []byte) error {
	img, _, err := imgproc.Decode(bytes.NewReader(encoded), imgproc.DefaultDecodeLimits)
	if err != nil {
		return &failure{code: CodeBadArgument, err: fmt.Errorf("mobile: reference image: %w", err)}
	}
	return wrap(s.s.SetReference(imgproc.FromImage(img)))
}

// Finish ends the session, decides locally and seals the evidence. It may
// be called at any time; a session that has not completed every step fails.
func (s *Session) Finish() (*Result, error) {
	r, err := s.s.Finish()
	if err != nil {
		return nil, wrap(err)
	}
	return &Result{r: r}, nil
}

// FinishCallback receives the result of FinishAsync on a goroutine of its
// own.
type FinishCallback interface {
	OnResult(r *Result)
	OnError(err error)
}

// FinishAsync runs Finish in the background (it encodes the best frames,
// compares and seals: tens of milliseconds) and calls cb when done. Push
// no more frames once it is called.
func (s *Session) FinishAsync(cb FinishCallback) {
	go func() {
		r, err := s.Finish()
		if err != nil {
			cb.OnError(err)
			return
		}
		cb.OnResult(r)
	}()
}

// Cancel ends the session without evidence: the user quit.
func (s *Session) Cancel() { s.s.Cancel() }

// Guidance is what to show after a frame.
type Guidance struct {
	Phase     int32  // Phase*
	PhaseName string // precheck, baseline, flash, action, capture, done, failed
	// Prompt is the instruction's stable code (PROMPT_*, or the FACE_*
	// code of what is wrong with the shot) and Message its text; Reason is
	// why Prompt replaces the phase's own instruction ("" if nothing is
	// wrong).
	Prompt, Message, Reason string
	// ScreenColor (0xAARRGGBB, an Android colour int) fills the screen, at
	// full brightness, until ScreenUntilNs on the frames' clock.
	ScreenColor   int32
	ScreenUntilNs int64
	Action        string  // blink, open_mouth, nod, shake or near_far in PhaseAction, else ""
	Progress      float32 // 0 → 1
	Quality       int64   // the tracker's FACE_* quality bits for the frame
}

func guidanceOf(g *engine.Guidance) *Guidance {
	out := &Guidance{Phase: int32(g.Phase), PhaseName: g.Phase.String(), Prompt: g.Prompt, Message: g.Message,
		Reason: g.Reason, ScreenColor: argb(g.Screen.R, g.Screen.G, g.Screen.B),
		ScreenUntilNs: int64(g.ScreenUntil), Progress: g.Progress, Quality: int64(g.Quality)}
	if g.Action != 0 {
		out.Action = g.Action.String()
	}
	return out
}

func argb(r, g, b uint8) int32 {
	return int32(0xff<<24 | uint32(r)<<16 | uint32(g)<<8 | uint32(b))
}

// Result is a finished session: the device's verdict, for the UI only (the
// server decides again from the package), and the sealed package to upload (Evidence).
type Result struct{ r *engine.Result }

// Passed is the local verdict.
func (r *Result) Passed() bool { return r.r.Pass }

// ReasonCount is how many checks failed; Reason and ReasonMessage give the
// i-th one's stable code (LIVENESS_*, COMPARE_*, ENGINE_*) and its text.
func (r *Result) ReasonCount() int32 { return int32(len(r.r.Reasons)) }

// Reason is the i-th failed check's code, "" out of range.
func (r *Result) Reason(i int32) string { return item(r.r.Reasons, i) }

// ReasonMessage is the i-th failed check's text, "" out of range.
func (r *Result) ReasonMessage(i int32) string { return item(r.r.Messages, i) }

// Reasons are the codes joined by commas.
func (r *Result) Reasons() string { return strings.Join(r.r.Reasons, ",") }

func item(s []string, i int32) string {
	if i < 0 || int(i) >= len(s) {
		return ""
	}
	return s[i]
}

// Evidence is the sealed package to upload to the verifier's server.
func (r *Result) Evidence() []byte { return r.r.Package }

// LiveScore is the passive liveness model's "live" score over the best
// frames (0..1, their lower median: liveness.PassiveEvidence), an advisory
// figure like the vendors' liveRate.
func (r *Result) LiveScore() float32 { return r.r.Liveness.Passive.Live }

// Compared reports whether a comparison with the reference was made;
// Similarity (cosine, -1..1), Score (0..100) and CompareMatched are its
// outcome.
func (r *Result) Compared() bool { return r.r.Compare != nil }

// Similarity is the comparison's cosine, 0 without a comparison.
func (r *Result) Similarity() float32 {
	if r.r.Compare == nil {
		return 0
	}
	return r.r.Compare.Similarity
}

// Score is the comparison's calibrated score, 0 without a comparison.
func (r *Result) Score() float32 {
	if r.r.Compare == nil {
		return 0
	}
	return r.r.Compare.Score
}

// CompareMatched reports whether the comparison passed at Options.FAR.
func (r *Result) CompareMatched() bool { return r.r.Compare != nil && r.r.Compare.Pass }

// ErrorInfo is what a failed call's error says, for code: its domain, its
// stable code (FRAME_*, MODEL_*, ENGINE_*, EVIDENCE_*, COMPARE_*, MOBILE_*)
// and its one-line message (for logs, not for users).
type ErrorInfo struct {
	Domain  int32
	Code    string
	Message string
}

// DescribeError tells what an error this package returned is about (pass
// the Java exception or the NSError back). Another error is
// DomainInternal, CodeInternal.
func DescribeError(err error) *ErrorInfo {
	if err == nil {
		return nil
	}
	var f *failure
	if !errors.As(err, &f) {
		f = &failure{code: CodeInternal, err: err}
	}
	return &ErrorInfo{Domain: domainOf(f.code), Code: f.code, Message: f.Error()}
}

// failure is every error this package returns: the cause and its code.
type failure struct {
	code string
	err  error
}

func (f *failure) Error() string { return f.err.Error() }
func (f *failure) Unwrap() error { return f.err }

func wrap(err error) error {
	if err == nil {
		return nil
	}
	return &failure{code: codeOf(err), err: err}
}

// codeOf is the stable code an error carries: the engine's and the
// evidence package's errors hold it in a field, the stages' typed errors
// give it by a Code method.
func codeOf(err error) string {
	var ee *engine.Error
	var ve *evidence.Error
	var c interface{ Code() string }
	switch {
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &ve):
		return ve.Code
	case errors.As(err, &c):
		return c.Code()
	}
	return CodeInternal
}

// domainOf sorts a code into its domain.
func domainOf(code string) int32 {
	switch code {
	case engine.CodeBadFrame:
		return DomainFrame
	case engine.CodeSessionOver, engine.CodeBusy, engine.CodeNoReference:
		return DomainSession
	case engine.CodeBadConfig, engine.CodeChallengeMalformed, engine.CodeChallengeExpired, engine.CodeChallengeUsed, CodeBadArgument:
		return DomainParams
	}
	prefix, _, _ := strings.Cut(code, "_")
	switch prefix {
	case "FRAME":
		return DomainFrame
	case "MODEL":
		return DomainModel
	case "COMPARE":
		return DomainReference
	case "EVIDENCE":
		return DomainEvidence
	}
	return DomainInternal
}
