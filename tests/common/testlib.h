/*
 * Helpers shared by libvadiscover's Check tests (test-scan.c, test-select.c): a simulated
 * machine entered with a fresh library context in it, and the process's open descriptors.
 * Linked as $(B)/tests/common/testlib.o by the tests that use it (tests/build.mk).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef VAD_TESTS_TESTLIB_H
#define VAD_TESTS_TESTLIB_H

#include <limits.h>

#include "tests/common/harness.h"
#include "vadiscover/vadiscover.h"

/* The simulated machine a test runs in, from tl_enter() to tl_leave(). */
struct tl_machine {
	char topo_dir[PATH_MAX];         /* the topology's directory (th_enter) */
	char count_file[PATH_MAX + 32];  /* FAKEVA_COUNT: the VA driver's initialisations */
	struct vad_context *ctx;         /* vad_new() in it */
};

/* th_enter() with @o for @topology (fails the test if it fails), FAKEVA_COUNT set to a
 * count file in the topology's directory, and a new context in @m->ctx. */
void tl_enter(struct tl_machine *m, const char *topology, struct th_opts *o);

/* Drops @m->ctx (the test must hold the last reference) and th_leave()s the topology. */
void tl_leave(struct tl_machine *m);

/* How many entries /proc/self/fd lists: this process's open descriptors (plus the one
 * reading the directory), but the probe cache directory ($VADISCOVER_CACHE_DIR), which a
 * context keeps open. */
int tl_count_fds(void);

/* The real paths (symlinks resolved) of the libva.so.2 and libva-drm.so.2 the dynamic
 * loader finds by soname, each into a PATH_MAX buffer. They are loaded to be found and
 * unloaded again: the process has no libva mapped afterwards (asserted). */
void tl_system_libva(char *va, char *va_drm);

/* A private lib directory as a program that brings its own libva has one (jellyfin-ffmpeg's
 * /usr/lib/jellyfin-ffmpeg/lib): @dir (created) with copies of the system's libva and
 * libva-drm under their real names, and libva.so.2 / libva-drm.so.2 links to them. With
 * @va_name, libva's copy is named that instead (another version's file name). */
void tl_libva_dir(const char *dir, const char *va_name);

/* Whether this process has the file @path mapped (compared after resolving symlinks). */
int tl_mapped(const char *path);

#endif
