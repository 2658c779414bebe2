// The parts of the C ABI that are plain C: the calling thread's last error and freeing a result.
#include <stdlib.h>
#include <string.h>
#define LIVEID_NO_FUNCTIONS
#include "liveid.h"

static __thread char *last_code, *last_message;

// liveid_set_error records the calling thread's failure; it copies the strings.
void liveid_set_error(const char *code, const char *message) {
	free(last_code);
	free(last_message);
	last_code = strdup(code);
	last_message = strdup(message);
}

const char *liveid_last_error_code(void) { return last_code ? last_code : ""; }

const char *liveid_last_error_message(void) { return last_message ? last_message : ""; }

void liveid_result_free(liveid_result *r) {
	if (r == NULL) {
		return;
	}
	free(r->reasons);
	free(r->evidence);
	memset(r, 0, sizeof *r);
}
