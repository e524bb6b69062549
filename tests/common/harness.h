/* The fake-GPU harness for Check tests (tests/harness/README.md tells the whole story).
 *
 * Two ways to run code on a simulated machine:
 *  - th_run(): run a program in a child under tests/harness/run-in semantics, capture its
 *    output and its waitpid() status;
 *  - th_enter() / th_leave(): build a topology and point THIS process at it (setenv), so a
 *    test can call libvadiscover, libdrm or libva in-process. That needs the shim to be
 *    preloaded, which the test runner (runner.c) does for every Check program by
 *    re-executing itself once with LD_PRELOAD set.
 *
 * Build paths: VAD_TEST_BUILDDIR (absolute $(B)) and VAD_TEST_SRCDIR (the source tree) are
 * defined by TEST_CFLAGS (tests/build.mk) and available to test code. */
#ifndef VAD_TESTS_HARNESS_H
#define VAD_TESTS_HARNESS_H

#include <stddef.h>

struct th_opts {
	const char *topology;		/* mktopo name; NULL: run argv without any harness */
	const char *const *va_lines;	/* NULL-terminated FAKEVA_CONFIG lines tried first */
	const char *deny;		/* FAKEGPU_DENY: "renderD128,card0", an entry may
					 * end in :EACCES (default) or :EPERM */
	const char *vanish;		/* FAKEGPU_VANISH */
	const char *trace_file;		/* FAKEGPU_TRACE */
	const char *count_file;		/* FAKEVA_COUNT */
	const char *stdin_data;		/* written to the child's stdin (else /dev/null) */
	const char *drivers_dir;	/* LIBVA_DRIVERS_PATH (NULL: the harness's fake
					 * drivers, $(B)/tests/harness/dri) */
	const char *keep_dir;		/* th_run: run-in --keep DIR --reuse (the topology is
					 * built once, then used as it is: same inodes) */
	const char *const *env;		/* th_run: NULL-terminated "NAME=VALUE" entries put
					 * in the command's environment */
};

struct th_result {
	int status;	/* waitpid() status of the program (run-in ends as it ended) */
	char *out;	/* its stdout, NUL-terminated */
	char *err;	/* its stderr, NUL-terminated */
};

/* Runs argv[0] (looked up in PATH) with argv under run-in semantics in a child, waits for
 * it and captures stdout and stderr. Returns 0 (then free @r with th_result_free()) or a
 * negative errno when the child could not be started. */
int th_run(const struct th_opts *o, char *const argv[], struct th_result *r);
void th_result_free(struct th_result *r);

/* Builds @o->topology in a fresh temporary directory (its path into @dir) and setenv()s
 * FAKEGPU_ROOT, FAKEVA_CONFIG (o->va_lines, then the topology's defaults),
 * LIBVA_DRIVERS_PATH, FAKEGPU_DENY/VANISH/TRACE and FAKEVA_COUNT for this process (unset
 * when not given), VADISCOVER_CACHE_DIR (a directory in @dir: each topology its own probe
 * cache) and VADISCOVER_PROBE_HELPER (this build's helper), and unsets DISPLAY,
 * WAYLAND_DISPLAY and LIBVA_DRIVER_NAME.
 * Returns 0 or a negative errno (-ENOENT: unknown topology, -ENOSYS: the shim is not
 * preloaded in this process, -EINVAL: a deny entry names another errno than EACCES or
 * EPERM). */
int th_enter(const struct th_opts *o, char *dir, size_t dirlen);
/* Unsets what th_enter() set and removes @dir. */
void th_leave(const char *dir);

/* The number of lines of @file containing @substring (every line when NULL); 0 when the
 * file does not exist, a negative errno on other errors. */
int th_count_lines(const char *file, const char *substring);

/* Absolute paths of the harness pieces in this build. */
const char *th_builddir(void);
const char *th_srcdir(void);

#endif
