/*
 * Small helpers every source file of the library uses: formatted strings, error text, a
 * growing string (the growing array is vad__array_grow() in vad-private.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vadiscover/vad-private.h"

char *vad__vstrdupf(const char *format, va_list args)
{
	char *s = NULL;

	if (vasprintf(&s, format, args) < 0)
		return NULL;
	return s;
}

char *vad__strdupf(const char *format, ...)
{
	va_list args;
	char *s;

	va_start(args, format);
	s = vad__vstrdupf(format, args);
	va_end(args);
	return s;
}

int vad__set_strf(char **slot, const char *format, ...)
{
	va_list args;

	free(*slot);
	va_start(args, format);
	*slot = vad__vstrdupf(format, args);
	va_end(args);
	return *slot ? 0 : -ENOMEM;
}

const char *vad__strerror(int err, char *buf, size_t len)
{
	/* _GNU_SOURCE: the GNU strerror_r, which returns the message (maybe not in buf). */
	return strerror_r(err, buf, len);
}

/* Room for @n more bytes and a NUL; false (and failed) on -ENOMEM. */
static bool str_reserve(struct vad_str *b, size_t n)
{
	if (b->failed)
		return false;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->s, cap);

		if (!p) {
			b->failed = true;
			return false;
		}
		b->s = p;
		b->cap = cap;
	}
	return true;
}

void vad__str_addn(struct vad_str *b, const char *s, size_t n)
{
	if (!str_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void vad__str_add(struct vad_str *b, const char *s)
{
	vad__str_addn(b, s, strlen(s));
}

void vad__str_addf(struct vad_str *b, const char *format, ...)
{
	va_list args;
	int n;

	if (!str_reserve(b, 0))
		return;
	va_start(args, format);
	n = vsnprintf(b->s + b->len, b->cap - b->len, format, args);
	va_end(args);
	if (n >= 0 && b->len + (size_t)n >= b->cap && str_reserve(b, (size_t)n)) {
		va_start(args, format);
		n = vsnprintf(b->s + b->len, b->cap - b->len, format, args);
		va_end(args);
	}
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!b->failed)
		b->len += (size_t)n;
}

char *vad__str_done(struct vad_str *b)
{
	if (!str_reserve(b, 0)) {
		free(b->s);
		b->s = NULL;
		return NULL;
	}
	b->s[b->len] = '\0';
	return b->s;
}
