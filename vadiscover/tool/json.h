/* A small streaming JSON writer for the vadiscover tool's --json output.
 *
 * Output is pretty-printed (two-space indent), keys are written in the order the caller
 * gives them, strings are escaped per RFC 8259 and forced to valid UTF-8 (an invalid byte
 * becomes U+FFFD), so any sysfs or driver string can be passed in as is.
 *
 * Every value function takes the member key: pass a key inside an object, NULL inside an
 * array or at the top level. A NULL string value is written as null.
 */
#ifndef VAD_TOOL_JSON_H
#define VAD_TOOL_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JW_MAX_DEPTH 16

struct jw {
	FILE *f;
	int depth;
	bool first[JW_MAX_DEPTH]; /* no member written yet at this depth */
};

void jw_init(struct jw *w, FILE *f);
void jw_object_begin(struct jw *w, const char *key);
void jw_object_end(struct jw *w);
void jw_array_begin(struct jw *w, const char *key);
void jw_array_end(struct jw *w);
void jw_string(struct jw *w, const char *key, const char *value);
void jw_int(struct jw *w, const char *key, long long value);
void jw_bool(struct jw *w, const char *key, bool value);
void jw_null(struct jw *w, const char *key);
/* Ends the document with a newline. */
void jw_finish(struct jw *w);

/* Writes @s as a JSON string literal (with quotes) to @f. Exposed for the tests' sake. */
void jw_write_escaped(FILE *f, const char *s);

#endif
