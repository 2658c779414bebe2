// The C ABI's test: liveid_test FIXTURE_DIR OUT_DIR CYCLES, on a fixture from mobile/internal/fixture/gen.
// A still-photo session and the rendered genuine and printed-photo sessions through liveid.h (guidance,
// results that must be package mobile's decisions on the same frames, evidence written to OUT_DIR/NAME.bin
// for the Go side to open), the errors' domains and codes, then CYCLES (at least 20) open/session/finish/close cycles whose
// resident memory must not grow: the lowest reading over the last ten cycles may exceed the lowest over
// cycles 11-20 by at most GROWTH_LIMIT_MB. Prints "N passed, M failed".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <malloc.h>

#include "liveid.h"

// The bound on memory growth. The first ten cycles fill ONNX Runtime's and Go's pools. Read as it is, the
// resident set then swung by some 30 MB (glibc keeping freed arenas, Go's collector), and means over ten
// cycles moved by +-17 MB between runs of the same code. With malloc_trim handing glibc's free pages back
// before each reading it sits at 75-82 MB on this host; each window is judged by its lowest reading, the
// floor a leak would raise. Over 40 cycles the bound allows 0.4 MB a cycle; a leaked engine would cost the
// models' ~40 MB a cycle, a leaked session its best frames and trace.
#define GROWTH_LIMIT_MB 16

static int passed, failed;

static void check(int ok, const char *what) {
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s (last error %s: %s)\n", what, liveid_last_error_code(), liveid_last_error_message());
	}
}

static void expect(int32_t got, int32_t domain, const char *code, const char *what) {
	int ok = got == domain && strcmp(liveid_last_error_code(), code) == 0 && liveid_last_error_message()[0];
	if (!ok) {
		printf("  %s: returned %d, want %d %s\n", what, got, domain, code);
	}
	check(ok, what);
}

static char *slurp(const char *dir, const char *name, size_t *len) {
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc(n + 1);
	if (fread(b, 1, n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	b[n] = 0;
	fclose(f);
	if (len) {
		*len = n;
	}
	return b;
}

static void spit(const char *dir, const char *name, const void *b, size_t n) {
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static long rss_kb(void) {
	malloc_trim(0);
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f)) {
		if (sscanf(line, "VmRSS: %ld", &kb) == 1) {
			break;
		}
	}
	if (f) {
		fclose(f);
	}
	return kb;
}

static double now_ms(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static char model_dir[4096], runtime[4096];
static uint8_t *challenge;
static size_t challenge_len;
static liveid_frame frame;
static int frames;

static int precheck_frames; // where the rendered sessions' plan clock starts

static liveid_options options(void) {
	liveid_options o = {0};
	o.size = sizeof o;
	o.runtime_library = runtime;
	o.language = "en";
	o.device_model = "c-test";
	o.precheck_frames = precheck_frames;
	return o;
}

// rendered runs the fixture's rendered session name through e: its decision must be want's.
static void rendered(liveid_engine e, const char *fix, const char *out, const char *name) {
	char file[64], want[256];
	int count;
	snprintf(file, sizeof file, "%s.txt", name);
	if (sscanf(slurp(fix, file, NULL), "%d %*d %255s", &count, want) != 2) {
		check(0, file);
		return;
	}
	size_t len, cl;
	snprintf(file, sizeof file, "%s.yuv", name);
	uint8_t *yuv = (uint8_t *)slurp(fix, file, &len);
	snprintf(file, sizeof file, "%s.json", name);
	uint8_t *ch = (uint8_t *)slurp(fix, file, &cl);
	size_t size = (size_t)frame.width * frame.height * 3 / 2;
	check(len == size * count, "the rendered frames' size");
	liveid_session s;
	liveid_result r = {0};
	liveid_guidance g;
	int phases[8] = {0}, st = liveid_session_new(e, ch, cl, &s);
	check(st == LIVEID_OK, "a session for the rendered challenge");
	for (int i = 0; i < count && st == LIVEID_OK; i++) {
		liveid_frame f = frame;
		f.planes[0] = yuv + i * size;
		f.planes[1] = f.planes[0] + f.plane_len[0];
		f.timestamp_ns = (int64_t)i * 1000000000LL / 30;
		st = liveid_session_push(s, &f, &g);
		phases[g.phase] = 1;
	}
	check(st == LIVEID_OK && liveid_session_finish(s, &r) == LIVEID_OK, "push and finish the rendered session");
	const char *got = r.passed ? "-" : r.reasons;
	printf("%s: %d frames, decision %s\n", name, count, got ? got : "(none)");
	check(got && strcmp(got, want) == 0, "the decision is package mobile's in Go");
	check(phases[LIVEID_PHASE_ACTION] && (phases[LIVEID_PHASE_CAPTURE] || !r.passed), "reached the action (and the capture if it passed)");
	check((strcmp(name, "genuine") == 0) == (r.passed == 1), "the genuine user passes, the print fails");
	snprintf(file, sizeof file, "%s.bin", name);
	spit(out, file, r.evidence, r.evidence_len);
	snprintf(file, sizeof file, "%s.txt", name);
	spit(out, file, got, strlen(got));
	liveid_result_free(&r);
	liveid_session_release(s);
	free(yuv);
	free(ch);
}

// session runs n frames of the still photo through a new session of e and finishes it into *r.
static int32_t session(liveid_engine e, int n, liveid_result *r, int *phases) {
	liveid_session s;
	int32_t st = liveid_session_new(e, challenge, challenge_len, &s);
	if (st != LIVEID_OK) {
		return st;
	}
	liveid_guidance g;
	int colours = 1;
	for (int i = 0; i < n && st == LIVEID_OK; i++) {
		frame.timestamp_ns = 1000000000LL + (int64_t)i * 1000000000LL / 30;
		st = liveid_session_push(s, &frame, &g);
		if (phases) {
			phases[g.phase] = 1;
		}
		colours &= ((uint32_t)g.screen_color >> 24) == 0xff && g.prompt[0] && g.message[0] && g.phase_name[0];
		colours &= g.phase == LIVEID_PHASE_FAILED || g.screen_until_ns > frame.timestamp_ns;
	}
	if (phases) {
		check(colours, "every guidance has an opaque colour held past its frame, a prompt and a message");
	}
	if (st == LIVEID_OK) {
		st = liveid_session_finish(s, r);
	}
	check(liveid_session_release(s) == LIVEID_OK, "release the session");
	return st;
}

int main(int argc, char **argv) {
	if (argc != 4) {
		fprintf(stderr, "usage: liveid_test FIXTURE_DIR OUT_DIR CYCLES\n");
		return 2;
	}
	const char *fix = argv[1], *out = argv[2];
	int cycles = atoi(argv[3]);
	char *paths = slurp(fix, "paths.txt", NULL);
	sscanf(paths, "%4095s %4095s", model_dir, runtime);
	challenge = (uint8_t *)slurp(fix, "challenge.json", &challenge_len);
	int w, h, ys, uvs, rot, mirror;
	sscanf(slurp(fix, "frame.txt", NULL), "%d %d %d %d %d %d %d", &w, &h, &ys, &uvs, &rot, &mirror, &frames);
	sscanf(slurp(fix, "genuine.txt", NULL), "%*d %d", &precheck_frames);
	size_t yuv_len;
	uint8_t *yuv = (uint8_t *)slurp(fix, "frame.yuv", &yuv_len);
	frame = (liveid_frame){.planes = {yuv, yuv + (size_t)ys * h}, .plane_len = {(size_t)ys * h, yuv_len - (size_t)ys * h},
		.strides = {ys, uvs}, .pixel_stride = 2, .width = w, .height = h, .format = LIVEID_NV21, .rotation = rot,
		.mirror = mirror};

	check(liveid_abi_version() == LIVEID_ABI_VERSION, "the library's ABI is the header's");

	liveid_engine e = 0;
	liveid_options o = options();
	expect(liveid_open(NULL, &o, &e), LIVEID_ERR_PARAMS, "LIVEID_BAD_ARGUMENT", "open without a model directory");
	expect(liveid_close(12345), LIVEID_ERR_PARAMS, "LIVEID_BAD_HANDLE", "close a handle never opened");
	liveid_options small = o;
	small.size = 8;
	expect(liveid_open(model_dir, &small, &e), LIVEID_ERR_PARAMS, "LIVEID_BAD_ARGUMENT", "options of another size");
	expect(liveid_open("/nowhere", &o, &e), LIVEID_ERR_MODEL, "MODEL_MISSING", "open a missing model directory");

	double t0 = now_ms();
	check(liveid_open(model_dir, &o, &e) == LIVEID_OK && e != 0, "open the engine");
	printf("open %.0f ms\n", now_ms() - t0);

	// A still photo: through the pre-check into the flash, then fails with reasons.
	int phases[8] = {0};
	liveid_result r = {0};
	t0 = now_ms();
	check(session(e, frames, &r, phases) == LIVEID_OK, "a still-photo session");
	printf("session of %d frames %.0f ms\n", frames, now_ms() - t0);
	check(phases[LIVEID_PHASE_PRECHECK] && phases[LIVEID_PHASE_BASELINE], "the pre-check, then the baseline");
	check(!r.passed && r.reason_count > 0 && r.reasons[0] && r.evidence_len > 1000, "fails with reasons and evidence");
	printf("still photo: reasons %s, evidence %zu bytes\n", r.reasons, r.evidence_len);
	spit(out, "still.bin", r.evidence, r.evidence_len);
	spit(out, "still.txt", r.reasons, strlen(r.reasons));
	if (cycles > 0) { // the shared build's run; the archive's keeps to the still photo
		rendered(e, fix, out, "genuine");
		rendered(e, fix, out, "print");
	}
	char first[64], msg[256];
	snprintf(first, sizeof first, "%.*s", (int)strcspn(r.reasons, ","), r.reasons);
	int32_t n = liveid_message(e, first, msg, sizeof msg);
	check(n > 0 && (size_t)n == strlen(msg), "the first reason has a message");
	char tiny[4];
	check(liveid_message(e, first, tiny, sizeof tiny) == n && strlen(tiny) <= 3, "messages truncate into small buffers");
	liveid_result_free(&r);
	check(r.reasons == NULL && r.evidence == NULL, "liveid_result_free zeroes the result");
	liveid_result_free(&r);

	liveid_session s;
	expect(liveid_session_new(e, challenge, challenge_len, &s), LIVEID_ERR_PARAMS, "ENGINE_CHALLENGE_USED",
		"the challenge again");
	expect(liveid_session_new(e, (const uint8_t *)"{", 1, &s), LIVEID_ERR_PARAMS, "ENGINE_CHALLENGE_MALFORMED",
		"a malformed challenge");
	expect(liveid_session_push(777, &frame, NULL), LIVEID_ERR_PARAMS, "LIVEID_BAD_HANDLE", "push to no session");
	check(liveid_close(e) == LIVEID_OK, "close the engine");
	expect(liveid_close(e), LIVEID_ERR_PARAMS, "LIVEID_BAD_HANDLE", "close twice");

	// A fresh engine has not used the challenge: frame errors, then finish after finish.
	check(liveid_open(model_dir, &o, &e) == LIVEID_OK, "open again");
	check(liveid_session_new(e, challenge, challenge_len, &s) == LIVEID_OK, "a session");
	liveid_guidance g;
	liveid_frame bad = frame;
	bad.pixel_stride = 1;
	expect(liveid_session_push(s, &bad, &g), LIVEID_ERR_PARAMS, "MOBILE_BAD_ARGUMENT", "a pixel stride NV21 has not");
	bad = frame;
	bad.plane_len[1] = 10;
	expect(liveid_session_push(s, &bad, &g), LIVEID_ERR_FRAME, "FRAME_SHORT_PLANE", "a short chroma plane");
	check(liveid_session_finish(s, &r) == LIVEID_OK && !r.passed && strncmp(r.reasons, "ENGINE_BAD_FRAME", 16) == 0,
		"the bad stream fails the session");
	liveid_result_free(&r);
	expect(liveid_session_finish(s, &r), LIVEID_ERR_SESSION, "ENGINE_SESSION_OVER", "finish twice");
	// A session left open is released by closing its engine.
	liveid_session left;
	check(liveid_session_release(s) == LIVEID_OK, "release");
	liveid_close(e);
	check(liveid_open(model_dir, &o, &e) == LIVEID_OK, "open a third time");
	check(liveid_session_new(e, challenge, challenge_len, &left) == LIVEID_OK, "a session left open");
	check(liveid_close(e) == LIVEID_OK, "close with a session open");
	expect(liveid_session_release(left), LIVEID_ERR_PARAMS, "LIVEID_BAD_HANDLE", "its handle is gone");

	// Open, session, finish, close, over and over: the resident set must stay put.
	long early = -1, late = -1;
	t0 = now_ms();
	for (int i = 1; i <= cycles; i++) {
		int ok = liveid_open(model_dir, &o, &e) == LIVEID_OK;
		ok = ok && session(e, 3, &r, NULL) == LIVEID_OK && r.evidence_len > 0;
		liveid_result_free(&r);
		ok = ok && liveid_close(e) == LIVEID_OK;
		if (!ok) {
			check(0, "a cycle");
			break;
		}
		long kb = rss_kb();
		if (i > 10 && i <= 20 && (early < 0 || kb < early)) {
			early = kb;
		}
		if (i > cycles - 10 && (late < 0 || kb < late)) {
			late = kb;
		}
	}
	if (cycles >= 20) {
		printf("%d cycles, %.0f ms each; lowest resident set %ld MB over cycles 11-20, %ld MB over the last ten (limit +%d MB)\n",
			cycles, (now_ms() - t0) / cycles, early / 1024, late / 1024, GROWTH_LIMIT_MB);
		check(late - early <= GROWTH_LIMIT_MB * 1024, "memory does not grow over the cycles");
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
