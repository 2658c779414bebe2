// Command bindings is liveid's C ABI, built with -buildmode=c-shared (libliveid.so) or c-archive
// (libliveid.a): liveid.h is its contract. It is package mobile's surface projected to C: opaque integer
// handles, LIVEID_ERR_* domain returns with the thread's last error code and message, and caller- or
// library-owned buffers as liveid.h states for each.
package main

/*
#include <stdlib.h>
#define LIVEID_NO_FUNCTIONS
#include "liveid.h"
void liveid_set_error(const char *code, const char *message);
*/
import "C"

import (
	"fmt"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/liveid/liveid/mobile"
)

func main() {}

// abiVersion is LIVEID_ABI_VERSION: raise it with any change to liveid.h that breaks a caller.
const abiVersion = 1

// The C ABI's own error codes.
const (
	codeBadHandle   = "LIVEID_BAD_HANDLE"   // a handle that is 0, released, closed or of the other kind
	codeBadArgument = "LIVEID_BAD_ARGUMENT" // a NULL pointer or a size that is not the struct's
	codePanic       = "LIVEID_PANIC"        // the engine panicked: a bug to report
)

// handles maps the integers C holds to the engines and sessions they name.
var handles = struct {
	sync.Mutex
	next int64
	m    map[int64]any
}{m: map[int64]any{}}

type engineHandle struct {
	e        *mobile.Engine
	sessions map[int64]bool
}

type sessionHandle struct {
	s      *mobile.Session
	engine int64
}

func register(v any) int64 {
	handles.Lock()
	defer handles.Unlock()
	handles.next++
	handles.m[handles.next] = v
	return handles.next
}

func lookup[T any](h int64) (T, bool) {
	handles.Lock()
	defer handles.Unlock()
	v, ok := handles.m[h].(T)
	return v, ok
}

// fail records the calling thread's error and returns its domain.
func fail(domain int32, code, message string) C.int32_t {
	cc, cm := C.CString(code), C.CString(message)
	C.liveid_set_error(cc, cm)
	C.free(unsafe.Pointer(cc))
	C.free(unsafe.Pointer(cm))
	return C.int32_t(domain)
}

// status turns an error of package mobile into a return value.
func status(err error) C.int32_t {
	if err == nil {
		return C.LIVEID_OK
	}
	info := mobile.DescribeError(err)
	return fail(info.Domain, info.Code, info.Message)
}

func badHandle(h int64) C.int32_t {
	return fail(mobile.DomainParams, codeBadHandle, fmt.Sprintf("liveid: handle %d is not open", h))
}

func badArgument(what string) C.int32_t {
	return fail(mobile.DomainParams, codeBadArgument, "liveid: "+what)
}

// guard turns a panic into LIVEID_ERR_INTERNAL: a Go panic must not unwind into C.
func guard(ret *C.int32_t) {
	if p := recover(); p != nil {
		*ret = fail(mobile.DomainInternal, codePanic, fmt.Sprintf("liveid: panic: %v", p))
	}
}

func goString(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// bytesOf is C memory as a Go slice, without copying; nil for NULL.
func bytesOf(p *C.uint8_t, n C.size_t) []byte {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

// copyString copies s into a C array of cap bytes, NUL-terminated, cut at a character boundary.
func copyString(dst *C.char, cap int, s string) {
	if cap <= 0 {
		return
	}
	for len(s) > cap-1 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(dst)), cap)
	b[copy(b, s)] = 0
}

//export liveid_abi_version
func liveid_abi_version() C.int32_t { return abiVersion }

//export liveid_open
func liveid_open(modelDir *C.char, opts *C.liveid_options, out *C.liveid_engine) (ret C.int32_t) {
	defer guard(&ret)
	if modelDir == nil || out == nil {
		return badArgument("liveid_open: model_dir and out must not be NULL")
	}
	var o mobile.Options
	if opts != nil {
		if opts.size < C.sizeof_liveid_options {
			return badArgument(fmt.Sprintf("liveid_options.size %d, want %d", opts.size, C.sizeof_liveid_options))
		}
		o = mobile.Options{RuntimeLibrary: goString(opts.runtime_library), Threads: int32(opts.threads),
			Language: goString(opts.language), CompareModel: goString(opts.compare_model), FAR: float64(opts.far),
			PrecheckFrames: int32(opts.precheck_frames), PrecheckTimeoutMs: int64(opts.precheck_timeout_ms),
			BestFrames: int32(opts.best_frames), DeviceModel: goString(opts.device_model),
			DeviceOS: goString(opts.device_os), AppID: goString(opts.app_id)}
	}
	e, err := mobile.Open(C.GoString(modelDir), &o)
	if err != nil {
		return status(err)
	}
	*out = C.liveid_engine(register(&engineHandle{e: e, sessions: map[int64]bool{}}))
	return C.LIVEID_OK
}

//export liveid_close
func liveid_close(engine C.liveid_engine) (ret C.int32_t) {
	defer guard(&ret)
	h := int64(engine)
	eh, ok := lookup[*engineHandle](h)
	if !ok {
		return badHandle(h)
	}
	handles.Lock()
	delete(handles.m, h)
	var open []*sessionHandle
	for s := range eh.sessions {
		open = append(open, handles.m[s].(*sessionHandle))
		delete(handles.m, s)
	}
	handles.Unlock()
	for _, sh := range open {
		sh.s.Cancel()
	}
	return status(eh.e.Close())
}

//export liveid_message
func liveid_message(engine C.liveid_engine, code *C.char, buf *C.char, capacity C.size_t) (ret C.int32_t) {
	defer guard(&ret)
	eh, ok := lookup[*engineHandle](int64(engine))
	if !ok {
		badHandle(int64(engine))
		return -1
	}
	text := eh.e.Message(goString(code))
	if buf != nil {
		copyString(buf, int(capacity), text)
	}
	return C.int32_t(len(text))
}

//export liveid_session_new
func liveid_session_new(engine C.liveid_engine, challenge *C.uint8_t, n C.size_t, out *C.liveid_session) (ret C.int32_t) {
	defer guard(&ret)
	h := int64(engine)
	eh, ok := lookup[*engineHandle](h)
	if !ok {
		return badHandle(h)
	}
	if out == nil {
		return badArgument("liveid_session_new: out must not be NULL")
	}
	s, err := eh.e.NewSession(bytesOf(challenge, n))
	if err != nil {
		return status(err)
	}
	sh := register(&sessionHandle{s: s, engine: h})
	handles.Lock()
	eh.sessions[sh] = true
	handles.Unlock()
	*out = C.liveid_session(sh)
	return C.LIVEID_OK
}

func session(h C.liveid_session) (*mobile.Session, C.int32_t) {
	sh, ok := lookup[*sessionHandle](int64(h))
	if !ok {
		return nil, badHandle(int64(h))
	}
	return sh.s, C.LIVEID_OK
}

//export liveid_session_push
func liveid_session_push(h C.liveid_session, f *C.liveid_frame, g *C.liveid_guidance) (ret C.int32_t) {
	defer guard(&ret)
	s, st := session(h)
	if s == nil {
		return st
	}
	if f == nil || g == nil {
		return badArgument("liveid_session_push: frame and guidance must not be NULL")
	}
	out, err := s.PushFrame(bytesOf(f.planes[0], f.plane_len[0]), bytesOf(f.planes[1], f.plane_len[1]),
		bytesOf(f.planes[2], f.plane_len[2]), int32(f.width), int32(f.height), int32(f.strides[0]),
		int32(f.strides[1]), int32(f.strides[2]), int32(f.pixel_stride), int32(f.format), int32(f.rotation),
		f.mirror != 0, int64(f.timestamp_ns))
	if err != nil {
		return status(err)
	}
	g.phase, g.screen_color, g.screen_until_ns = C.int32_t(out.Phase), C.int32_t(out.ScreenColor), C.int64_t(out.ScreenUntilNs)
	g.progress, g.quality = C.float(out.Progress), C.uint32_t(out.Quality)
	copyString(&g.phase_name[0], len(g.phase_name), out.PhaseName)
	copyString(&g.prompt[0], len(g.prompt), out.Prompt)
	copyString(&g.reason[0], len(g.reason), out.Reason)
	copyString(&g.action[0], len(g.action), out.Action)
	copyString(&g.message[0], len(g.message), out.Message)
	return C.LIVEID_OK
}

//export liveid_session_set_reference
func liveid_session_set_reference(h C.liveid_session, img *C.uint8_t, n C.size_t) (ret C.int32_t) {
	defer guard(&ret)
	s, st := session(h)
	if s == nil {
		return st
	}
	return status(s.SetReferenceImage(bytesOf(img, n)))
}

//export liveid_session_finish
func liveid_session_finish(h C.liveid_session, r *C.liveid_result) (ret C.int32_t) {
	defer guard(&ret)
	s, st := session(h)
	if s == nil {
		return st
	}
	if r == nil {
		return badArgument("liveid_session_finish: result must not be NULL")
	}
	res, err := s.Finish()
	if err != nil {
		return status(err)
	}
	ev := res.Evidence()
	*r = C.liveid_result{passed: cbool(res.Passed()), reason_count: C.int32_t(res.ReasonCount()),
		reasons: C.CString(res.Reasons()), evidence: (*C.uint8_t)(C.CBytes(ev)), evidence_len: C.size_t(len(ev)),
		live_score: C.float(res.LiveScore()), compared: cbool(res.Compared()), similarity: C.float(res.Similarity()),
		score: C.float(res.Score()), compare_matched: cbool(res.CompareMatched())}
	return C.LIVEID_OK
}

func cbool(b bool) C.int32_t {
	if b {
		return 1
	}
	return 0
}

//export liveid_session_cancel
func liveid_session_cancel(h C.liveid_session) (ret C.int32_t) {
	defer guard(&ret)
	s, st := session(h)
	if s == nil {
		return st
	}
	s.Cancel()
	return C.LIVEID_OK
}

//export liveid_session_release
func liveid_session_release(h C.liveid_session) (ret C.int32_t) {
	defer guard(&ret)
	sh, ok := lookup[*sessionHandle](int64(h))
	if !ok {
		return badHandle(int64(h))
	}
	handles.Lock()
	delete(handles.m, int64(h))
	if eh, ok := handles.m[sh.engine].(*engineHandle); ok {
		delete(eh.sessions, int64(h))
	}
	handles.Unlock()
	sh.s.Cancel()
	return C.LIVEID_OK
}
