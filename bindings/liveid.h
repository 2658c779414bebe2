/*
 * liveid.h: the C ABI of the liveid face-verification engine (libliveid.so / libliveid.a).
 *
 * The flow is the mobile SDK's: open an engine with the model directory once; start a session with the
 * challenge bytes the verifier's server issued; push every camera frame and show the guidance; finish for
 * the local verdict and the sealed evidence to upload; free the result; release the session; close the
 * engine.
 *
 * Conventions
 *  - Every function that can fail returns an int32_t: LIVEID_OK (0), or the LIVEID_ERR_* domain of the
 *    failure. liveid_last_error_code() and liveid_last_error_message() then describe it.
 *  - Handles are opaque non-zero integers; 0 is never a valid handle. A released or closed handle is
 *    refused (LIVEID_ERR_PARAMS, code LIVEID_BAD_HANDLE), never dereferenced.
 *  - Strings are UTF-8 and NUL-terminated. Every buffer's owner is stated where it appears: what the
 *    caller passes in is read during the call and never kept; what the library returns in a liveid_result
 *    is the library's until liveid_result_free; guidance strings are copied into the caller's struct.
 *  - Handles may be used from any thread; one session must not be used by two threads at once, and an
 *    engine runs one session at a time.
 */
#ifndef LIVEID_H
#define LIVEID_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes; liveid_abi_version() is the library's. They must be equal. */
#define LIVEID_ABI_VERSION 1

/* Return values: success, or the domain of the failure (what part of the integration it points at). */
#define LIVEID_OK 0
#define LIVEID_ERR_PARAMS 1    /* an invalid argument, option, challenge or handle */
#define LIVEID_ERR_MODEL 2     /* the model directory or ONNX Runtime: a broken install */
#define LIVEID_ERR_FRAME 3     /* a frame the engine cannot read, or one that breaks the stream */
#define LIVEID_ERR_SESSION 4   /* a call out of order: a second session, a call after finish */
#define LIVEID_ERR_REFERENCE 5 /* the reference photo has no usable face */
#define LIVEID_ERR_EVIDENCE 6  /* sealing the evidence failed */
#define LIVEID_ERR_INTERNAL 7  /* anything else: a bug to report */

/* Frame formats (liveid_frame.format). */
#define LIVEID_NV21 1 /* Y plane, then interleaved V,U at half resolution */
#define LIVEID_NV12 2 /* Y plane, then interleaved U,V at half resolution */
#define LIVEID_I420 3 /* Y, U and V planes */
#define LIVEID_RGBA 4 /* 4 bytes a pixel in plane 0 */
#define LIVEID_BGRA 5 /* 4 bytes a pixel in plane 0 */

/* Session phases (liveid_guidance.phase). */
#define LIVEID_PHASE_PRECHECK 0 /* frame the face */
#define LIVEID_PHASE_BASELINE 1 /* hold still under the neutral screen */
#define LIVEID_PHASE_FLASH 2    /* hold still while the screen flashes colours */
#define LIVEID_PHASE_ACTION 3   /* perform liveid_guidance.action */
#define LIVEID_PHASE_CAPTURE 4  /* the checks are done: call liveid_session_finish */
#define LIVEID_PHASE_DONE 5     /* finished and the local verdict passed */
#define LIVEID_PHASE_FAILED 6   /* failed or cancelled: finish gives the reasons */

typedef int64_t liveid_engine;
typedef int64_t liveid_session;

/* Options of liveid_open. Zero (or NULL) fields take the engine's defaults; the strings are read during
 * the call. size must be sizeof(liveid_options), so that later versions can grow the struct. */
typedef struct {
	uint32_t size;
	const char *runtime_library; /* the ONNX Runtime shared library; NULL if the process already started it */
	int32_t threads;             /* each model's threads (default 1) */
	const char *language;        /* BCP 47: zh-CN, zh-HK, en (default), ja, ko, th, id */
	const char *compare_model;   /* the comparison's model (default the engine's) */
	double far;                  /* the comparison's false-accept rate (default 1e-3) */
	int32_t precheck_frames;     /* good frames in a row that start the liveness check (default 10) */
	int64_t precheck_timeout_ms; /* a face that never gets good ends the session (default 20000) */
	int32_t best_frames;         /* best frames sealed, 1..3 (default 3) */
	const char *device_model, *device_os, *app_id; /* written into the evidence header */
} liveid_options;

/* One camera frame. The planes are read during liveid_session_push and not kept: the caller owns them.
 * planes[0] is Y (or the packed pixels), planes[1] the interleaved chroma of NV21/NV12 or U of I420,
 * planes[2] V of I420; plane_len are their lengths in bytes, strides their bytes a row. pixel_stride is
 * the chroma's bytes a pixel (2 for NV21/NV12, 1 for I420) or 4 for RGBA/BGRA, 0 for the format's own.
 * width and height are the sensor's; rotation (0, 90, 180, 270) turns the image upright and mirror (0/1)
 * flips it after that. timestamp_ns is the capture time on a monotonic clock. */
typedef struct {
	const uint8_t *planes[3];
	size_t plane_len[3];
	int32_t strides[3];
	int32_t pixel_stride;
	int32_t width, height, format, rotation, mirror;
	int64_t timestamp_ns;
} liveid_frame;

/* What to show after a frame; the library fills the caller's struct (strings are copied in, truncated at
 * a character boundary if ever too long, always NUL-terminated). */
typedef struct {
	int32_t phase;          /* LIVEID_PHASE_* */
	int32_t screen_color;   /* 0xAARRGGBB: fill the screen with it, at full brightness, ... */
	int64_t screen_until_ns; /* ... until this time on the frames' clock */
	float progress;         /* 0 -> 1 */
	uint32_t quality;       /* the tracker's FACE_* quality bits for the frame */
	char phase_name[16];    /* precheck, baseline, flash, action, capture, done, failed */
	char prompt[48];        /* the instruction's stable code: PROMPT_*, or the FACE_* code of the problem */
	char reason[48];        /* why prompt replaces the phase's own instruction; "" when nothing is wrong */
	char action[16];        /* blink, open_mouth, nod, shake, near_far in LIVEID_PHASE_ACTION, else "" */
	char message[256];      /* the prompt's text in the engine's language */
} liveid_guidance;

/* A finished session. reasons and evidence are allocated by the library and are the caller's to release
 * with liveid_result_free, which frees both and zeroes the struct. */
typedef struct {
	int32_t passed;         /* the local verdict, for the UI only: the server decides again */
	int32_t reason_count;
	char *reasons;          /* the failed checks' stable codes, comma-separated; "" when passed */
	uint8_t *evidence;      /* the sealed package to upload */
	size_t evidence_len;
	float live_score;       /* the passive models' live score (lower median of the best frames), 0..1 (advisory) */
	int32_t compared;       /* 1 if a comparison with a reference photo was made; then: */
	float similarity;       /* its cosine, -1..1 */
	float score;            /* its calibrated score, 0..100 */
	int32_t compare_matched; /* 1 if it passed at the options' far */
} liveid_result;

/* The library's LIVEID_ABI_VERSION. */
int32_t liveid_abi_version(void);

/* The calling thread's last failure: its stable code (e.g. "MODEL_MISSING", "ENGINE_CHALLENGE_EXPIRED",
 * "FRAME_SHORT_PLANE") and its one-line message, for logs. "" before any failure. The strings are the
 * library's, valid until the thread's next liveid call. */
const char *liveid_last_error_code(void);
const char *liveid_last_error_message(void);

#ifndef LIVEID_NO_FUNCTIONS /* the library's own build declares these itself */

/* Opens an engine (loads every model: a second or more). opts may be NULL. *out is set on success. */
int32_t liveid_open(const char *model_dir, const liveid_options *opts, liveid_engine *out);

/* Closes an engine: releases its models and any session handle of it still open. */
int32_t liveid_close(liveid_engine engine);

/* The text of a code (a result's reason, a prompt) in the engine's language, copied into buf (cap bytes,
 * NUL-terminated, truncated at a character boundary). Returns the text's full length in bytes, or -1
 * for a bad handle. */
int32_t liveid_message(liveid_engine engine, const char *code, char *buf, size_t cap);

/* Starts a session for the challenge's JSON bytes (read during the call). *out is set on success. */
int32_t liveid_session_new(liveid_engine engine, const uint8_t *challenge, size_t len, liveid_session *out);

/* Pushes a frame and fills *guidance. A frame that changes size, format or orientation, goes back in
 * time or is invalid fails the session and returns LIVEID_ERR_FRAME. */
int32_t liveid_session_push(liveid_session session, const liveid_frame *frame, liveid_guidance *guidance);

/* Gives the reference photo (JPEG or PNG bytes, read during the call) for a challenge that compares. */
int32_t liveid_session_set_reference(liveid_session session, const uint8_t *image, size_t len);

/* Ends the session, decides locally and seals the evidence into *result (free it with liveid_result_free). */
int32_t liveid_session_finish(liveid_session session, liveid_result *result);

/* Ends the session without evidence: the user quit. */
int32_t liveid_session_cancel(liveid_session session);

/* Releases a session handle (cancelling the session if it is still running). */
int32_t liveid_session_release(liveid_session session);

/* Frees a result's reasons and evidence and zeroes it; a zeroed result is left alone. */
void liveid_result_free(liveid_result *result);

#endif

#ifdef __cplusplus
}
#endif

#endif
