/* Host stand-in for the NDK's <android/log.h>: gobind's JNI glue logs through it. */
#ifndef LIVEID_HOST_ANDROID_LOG_H
#define LIVEID_HOST_ANDROID_LOG_H
#include <stdarg.h>
#include <stdio.h>
enum { ANDROID_LOG_INFO = 4, ANDROID_LOG_FATAL = 7 };
static inline int __android_log_print(int prio, const char *tag, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 0;
}
#endif
