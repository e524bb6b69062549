/*
 * vadiscover-probe: probe VA-API on one DRM node, in this process, for libvadiscover
 * (isolate.c spawns it; vadiscover/DESIGN.md, "Isolated probes: the helper", says why).
 *
 *     vadiscover-probe [--libva-dir DIR] [--driver NAME] [--kernel-driver NAME]
 *                      [--parent PID] [--deadline-ms MS] NODE
 *
 * Writes to fd 3 a "stage NAME" line before each step of the probe and a "file PATH" line
 * per VA driver file libva tries, then the result as a record (record.c), and exits 0. A
 * VA driver that crashes ends this process instead of the caller; one that hangs is killed
 * by the caller at its deadline. Nothing is written to stdout; stderr is the caller's (the
 * library prints nothing, a driver might).
 *
 * It never outlives its caller, PID: the kernel kills it with SIGKILL when the caller
 * dies (PR_SET_PDEATHSIG; a caller already gone before that is seen by getppid()), and a
 * timer of its own sends it SIGKILL after MS milliseconds: neither can be blocked, caught
 * or ignored by a driver wedged in vaInitialize.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "vadiscover/vad-private.h"

#define OUT_FD 3

static int write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(OUT_FD, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void note(void *userdata, const char *text)
{
	(void)userdata;
	write_all(text, strlen(text));
	write_all("\n", 1);
}

/* A positive decimal number, or -1. */
static long long number(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || end == s || *end || v <= 0 ? -1 : v;
}

/* Die with the caller, and after @ms at the latest. 0, or -1 when the caller is gone. */
static int bind_lifetime(long long parent, long long ms)
{
	if (parent > 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != (pid_t)parent)
			return -1;
	}
	if (ms > 0) {
		struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGKILL };
		struct itimerspec when = { .it_value = { .tv_sec = ms / 1000,
							  .tv_nsec = ms % 1000 * 1000000 } };
		timer_t timer;

		if (timer_create(CLOCK_MONOTONIC, &ev, &timer) < 0 ||
		    timer_settime(timer, 0, &when, NULL) < 0)
			alarm((unsigned int)(ms / 1000 + 1));	/* second best: catchable */
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: vadiscover-probe [--libva-dir DIR] [--driver NAME] "
		"[--kernel-driver NAME] [--parent PID] [--deadline-ms MS] NODE\n"
		"Probes VA-API on one DRM node for libvadiscover and writes the result to fd 3.\n"
		"It is started by the library; run 'vadiscover list -v' instead.\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *driver = NULL, *node = NULL, *kernel_driver = NULL;
	struct vad_context *ctx = NULL;
	const struct vad_device dev0 = { 0 };
	struct vad_device dev = dev0;
	struct vad__va va = VAD__VA_NONE;
	long long parent = 0, deadline_ms = 0;
	char *rec = NULL;
	size_t len = 0;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--libva-dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--driver") == 0 && i + 1 < argc)
			driver = argv[++i];
		else if (strcmp(argv[i], "--kernel-driver") == 0 && i + 1 < argc)
			kernel_driver = argv[++i];
		else if (strcmp(argv[i], "--parent") == 0 && i + 1 < argc &&
			 (parent = number(argv[i + 1])) > 0)
			i++;
		else if (strcmp(argv[i], "--deadline-ms") == 0 && i + 1 < argc &&
			 (deadline_ms = number(argv[i + 1])) > 0)
			i++;
		else if (argv[i][0] != '-' && !node)
			node = argv[i];
		else
			return usage();
	}
	if (!node || node[0] != '/' || (dir && dir[0] != '/') || fcntl(OUT_FD, F_GETFD) < 0)
		return usage();
	if (bind_lifetime(parent, deadline_ms) < 0)
		return 3;
	if (vad_new(&ctx) < 0 || (dir && vad_set_libva_dir(ctx, dir) < 0))
		return 3;

	dev.render_node = (char *)node;
	dev.kernel_driver = (char *)kernel_driver;
	r = vad__probe_here(ctx, &dev, driver, note, NULL, &va);
	if (r != -ENOMEM)
		r = vad__record_write(&va, &rec, &len);
	if (r == 0)
		r = write_all(rec, len);
	free(rec);
	vad__va_clear(&va);
	vad_unref(ctx);
	return r == 0 ? 0 : 3;
}
