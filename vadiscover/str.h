/*
 * Strings made by printf and by appending (util.c). Part of libvadiscover (hidden in the shared
 * library); the ffmpeg wrapper uses it through the static library, as it uses elf.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef VAD_STR_H
#define VAD_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A malloc'ed printf; NULL on -ENOMEM. */
char *vad__strdupf(const char *format, ...) __attribute__((format(printf, 1, 2)));
char *vad__vstrdupf(const char *format, va_list args) __attribute__((format(printf, 1, 0)));

/* An append that fails for memory marks the string failed, and the later ones do nothing.
 * Start from { 0 }. s is NUL-terminated once anything was added; len does not count the
 * NUL. */
struct vad_str {
	char *s;
	size_t len, cap;
	bool failed;
};
void vad__str_addn(struct vad_str *b, const char *s, size_t n);
void vad__str_add(struct vad_str *b, const char *s);
void vad__str_addf(struct vad_str *b, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
/* The string, malloc'ed ("" when nothing was added), or NULL on -ENOMEM (all freed). */
char *vad__str_done(struct vad_str *b);

#endif /* VAD_STR_H */
