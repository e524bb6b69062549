/*
 * Fuzz target: the ELF reader (vadiscover/elf.c).
 *
 * The input is written to DIR/ffmpeg in a directory made once (mkdtemp), then read by
 * vad__elf_find_library() (for libva.so.2 and libavutil.so.59) and
 * vad__elf_libavutil_major(). DIR/lib/libva.so.2 and DIR/lib/libavutil.so.59 are links to
 * DIR/ffmpeg, so an input whose run path is $ORIGIN/lib and that needs either name is read
 * again as the library it needs (the walk over DT_NEEDED). What must hold: the documented
 * results only; a directory given back is absolute.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vadiscover/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz-elf: %s:%d: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                            \
		}                                                                           \
	} while (0)

static char dir[PATH_MAX];
static char program[PATH_MAX + 16];

static void cleanup(void)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/lib/libva.so.2", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lib/libavutil.so.59", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lib", dir);
	rmdir(path);
	unlink(program);
	rmdir(dir);
}

static void setup(void)
{
	char path[PATH_MAX + 32];
	const char *tmp = getenv("TMPDIR");

	/* Files are made and removed for every input: in memory, it runs 8 times faster. */
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof(dir), "%s/vad-fuzz-elf-XXXXXX", tmp);
	CHECK(mkdtemp(dir));
	snprintf(program, sizeof(program), "%s/ffmpeg", dir);
	snprintf(path, sizeof(path), "%s/lib", dir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/lib/libva.so.2", dir);
	CHECK(symlink("../ffmpeg", path) == 0);
	snprintf(path, sizeof(path), "%s/lib/libavutil.so.59", dir);
	CHECK(symlink("../ffmpeg", path) == 0);
	/* The loader's search list is this process's LD_LIBRARY_PATH: none, to be the same
	 * on every machine. */
	unsetenv("LD_LIBRARY_PATH");
	atexit(cleanup);
}

static void check_find(const char *soname)
{
	char *found = (char *)1;
	int r = vad__elf_find_library(program, soname, &found);

	CHECK(r == 0 || r == -ENOEXEC || r == -ENOMEM || r == -EIO);
	if (r == 0 && found)
		CHECK(found[0] == '/');
	if (r == 0)
		free(found);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	int fd, r;

	if (!ready) {
		setup();
		ready = true;
	}
	fd = open(program, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	CHECK(fd >= 0);
	CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);

	check_find("libva.so.2");
	check_find("libavutil.so.59");
	r = vad__elf_libavutil_major(program);
	CHECK(r > 0 || r == -ENOENT || r == -ENOEXEC || r == -ENOMEM || r == -EIO ||
	      r == -EINVAL);
	return 0;
}
