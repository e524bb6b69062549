/*
 * vadiscover-probe: probe VA-API on DRM nodes, one after the other in this process, for
 * libvadiscover (isolate.c spawns it; vadiscover/DESIGN.md, "Isolated probes: the helper",
 * says why).
 *
 *     vadiscover-probe [--libva-dir DIR] [--parent PID] [--deadline-ms MS]
 *                      [--driver NAME] [--kernel-driver NAME] NODE
 *                      [[--driver NAME] [--kernel-driver NAME] NODE]...
 *
 * --driver and --kernel-driver belong to the NODE after them. For each NODE in turn it
 * writes to fd 3 a "stage NAME" line before each step of the probe and a "file PATH" line
 * per VA driver file libva tries, then the result as a record (record.c); then it exits 0.
 * A VA driver that crashes ends this process instead of the caller; one that hangs is
 * killed by the caller at its deadline. The caller knows which node died by the records
 * it has, and starts another helper for the nodes after it. Nothing is written to stdout;
 * stderr is the caller's (the library prints nothing, a driver might).
 *
 * It never outlives its caller, PID: the kernel kills it with SIGKILL when the caller
 * dies (PR_SET_PDEATHSIG; a caller already gone before that is seen by getppid()), and a
 * timer of its own, armed anew for each node, sends it SIGKILL when one node takes more
 * than MS milliseconds: neither can be blocked, caught or ignored by a driver wedged in
 * vaInitialize.
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

/* Die with the caller. 0, or -1 when the caller is gone. */
static int bind_to_parent(long long parent)
{
	if (parent > 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != (pid_t)parent)
			return -1;
	}
	return 0;
}

/* Die @ms from now at the latest (none: @ms is 0); armed again for each node. */
static void arm(timer_t *timer, bool *have, long long ms)
{
	struct itimerspec when = { .it_value = { .tv_sec = ms / 1000,
						  .tv_nsec = ms % 1000 * 1000000 } };

	if (ms <= 0)
		return;
	if (!*have) {
		struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGKILL };

		*have = timer_create(CLOCK_MONOTONIC, &ev, timer) == 0;
	}
	if (!*have || timer_settime(*timer, 0, &when, NULL) < 0)
		alarm((unsigned int)(ms / 1000 + 1));	/* second best: catchable */
}

static int usage(void)
{
	fprintf(stderr, "usage: vadiscover-probe [--libva-dir DIR] [--parent PID] [--deadline-ms MS]\n"
		"                        [--driver NAME] [--kernel-driver NAME] NODE...\n"
		"Probes VA-API on DRM nodes for libvadiscover and writes the results to fd 3.\n"
		"It is started by the library; run 'vadiscover list -v' instead.\n");
	return 2;
}

/* Probe @node and write its answer. 0, -1 when fd 3 is gone, -ENOMEM. */
static int probe_one(struct vad_context *ctx, const char *node, const char *driver,
		     const char *kernel_driver)
{
	const struct vad_device dev0 = { 0 };
	struct vad_device dev = dev0;
	struct vad__va va = VAD__VA_NONE;
	char *rec = NULL;
	size_t len = 0;
	int r;

	dev.render_node = (char *)node;
	dev.kernel_driver = (char *)kernel_driver;
	r = vad__probe_here(ctx, &dev, driver, note, NULL, &va);
	if (r != -ENOMEM)
		r = vad__record_write(&va, &rec, &len);
	if (r == 0)
		r = write_all(rec, len);
	free(rec);
	vad__va_clear(&va);
	return r;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *driver = NULL, *kernel_driver = NULL;
	struct vad_context *ctx = NULL;
	long long parent = 0, deadline_ms = 0;
	bool have_timer = false;
	timer_t timer;
	int nodes = 0, r = 0;

	/* Check the whole command line first: nothing is probed from a wrong one. */
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--libva-dir") == 0 || strcmp(argv[i], "--driver") == 0 ||
		     strcmp(argv[i], "--kernel-driver") == 0) && i + 1 < argc) {
			if (strcmp(argv[i], "--libva-dir") == 0)
				dir = argv[i + 1];
			i++;
		} else if (strcmp(argv[i], "--parent") == 0 && i + 1 < argc &&
			   (parent = number(argv[i + 1])) > 0) {
			i++;
		} else if (strcmp(argv[i], "--deadline-ms") == 0 && i + 1 < argc &&
			   (deadline_ms = number(argv[i + 1])) > 0) {
			i++;
		} else if (argv[i][0] == '/') {
			nodes++;
		} else {
			return usage();
		}
	}
	if (!nodes || (dir && dir[0] != '/') || fcntl(OUT_FD, F_GETFD) < 0)
		return usage();
	if (bind_to_parent(parent) < 0)
		return 3;
	if (vad_new(&ctx) < 0 || (dir && vad_set_libva_dir(ctx, dir) < 0))
		return 3;

	for (int i = 1; i < argc && r == 0; i++) {
		if (strcmp(argv[i], "--driver") == 0) {
			driver = argv[++i];
		} else if (strcmp(argv[i], "--kernel-driver") == 0) {
			kernel_driver = argv[++i];
		} else if (argv[i][0] == '-') {
			i++;	/* the options of the whole run, read above */
		} else {
			arm(&timer, &have_timer, deadline_ms);
			r = probe_one(ctx, argv[i], driver, kernel_driver);
			driver = kernel_driver = NULL;
		}
	}
	vad_unref(ctx);
	return r == 0 ? 0 : 3;
}
