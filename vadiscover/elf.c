/*
 * Reading an ELF program without running it (see elf.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdlib.h>

#include "vadiscover/elf.h"
#include "vadiscover/vad-private.h"

/* Placeholder implementations: the ELF reader replaces them. */
int vad__elf_find_library(const char *program, const char *soname, char **dir)
{
	(void)program;
	(void)soname;
	*dir = NULL;
	return 0;
}

int vad__elf_libavutil_major(const char *program)
{
	(void)program;
	return -ENOENT;
}

int vad_set_libva_program(struct vad_context *ctx, const char *path)
{
	char *dir = NULL;
	int r;

	if (!ctx || !path)
		return -EINVAL;
	r = vad__elf_find_library(path, "libva.so.2", &dir);
	if (r == 0)
		r = vad_set_libva_dir(ctx, dir);
	free(dir);
	return r;
}
