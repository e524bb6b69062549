/*
 * Small helpers every source file of the library uses: formatted strings, error text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vadiscover/vad-private.h"

static char *vad_vstrdupf(const char *format, va_list args)
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
	s = vad_vstrdupf(format, args);
	va_end(args);
	return s;
}

int vad__set_strf(char **slot, const char *format, ...)
{
	va_list args;

	free(*slot);
	va_start(args, format);
	*slot = vad_vstrdupf(format, args);
	va_end(args);
	return *slot ? 0 : -ENOMEM;
}

const char *vad__strerror(int err, char *buf, size_t len)
{
	/* _GNU_SOURCE: the GNU strerror_r, which returns the message (maybe not in buf). */
	return strerror_r(err, buf, len);
}
