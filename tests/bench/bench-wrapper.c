/* The ffmpeg wrapper's overhead against calling ffmpeg directly, run inside a simulated
 * machine (so both sides pay the same fake-GPU shim):
 *
 *   tests/harness/run-in adl-sriov-lxc-vf4 -- build/tests/bench/bench-wrapper \
 *       WRAPPER REAL_FFMPEG [RUNS]
 *
 * (`make bench` does this.) For each case the direct and the wrapped command run
 * interleaved (direct, wrapped, direct, wrapped...), each as fork + exec + wait with
 * stdout and stderr on /dev/null; the ratio is the median of the per-pair ratios
 * wrapped/direct, the times are medians. Cases:
 *   version     `-version`: no device argument, so no probing at all;
 *   probe-fix   Jellyfin's VAAPI probe for /dev/dri/renderD128, which does not exist in
 *               adl-sriov-lxc-vf4: the wrapper rewrites it to renderD132; direct is the
 *               probe with the right node (what a user would have to type);
 *   probe-keep  the probe with renderD132 given: the wrapper checks it and keeps it.
 * and the same three with /bin/true in place of ffmpeg on both sides (the ":true" cases),
 * which leaves the wrapper's own cost without ffmpeg's start-up noise around it.
 * Prints numbers; asserts nothing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/bench/bench-common.h"

/* Runs @argv (argv[0] is the program), returns the wall time in ms, or -1. */
static double run(char *const argv[], int *status)
{
	double t0 = now_ms();
	pid_t pid = spawn_quiet(argv);

	if (pid < 0)
		return -1;
	if (waitpid(pid, status, 0) < 0)
		return -1;
	return now_ms() - t0;
}

#define MAXARGS 16

struct bench_case {
	const char *name;
	int stub;		/* /bin/true instead of ffmpeg */
	const char *direct[MAXARGS];	/* after argv[0] */
	const char *wrapped[MAXARGS];
};

#define PROBE(node) { "-v", "verbose", "-hide_banner", "-init_hw_device", "vaapi=va:" node }
static const struct bench_case cases[] = {
	{ "version", 0, { "-version" }, { "-version" } },
	{ "probe-fix", 0, PROBE("/dev/dri/renderD132"), PROBE("/dev/dri/renderD128") },
	{ "probe-keep", 0, PROBE("/dev/dri/renderD132"), PROBE("/dev/dri/renderD132") },
	{ "version:true", 1, { "-version" }, { "-version" } },
	{ "probe-fix:true", 1, PROBE("/dev/dri/renderD132"), PROBE("/dev/dri/renderD128") },
	{ "probe-keep:true", 1, PROBE("/dev/dri/renderD132"), PROBE("/dev/dri/renderD132") },
};

static void fill(char **argv, const char *prog, const char *const *args)
{
	int n = 0;

	argv[n++] = (char *)prog;
	for (int i = 0; i < MAXARGS - 1 && args[i]; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s WRAPPER REAL_FFMPEG [RUNS]\n", argv[0]);
		return 2;
	}
	const char *wrapper = argv[1], *real = argv[2];
	int runs = argc > 3 ? atoi(argv[3]) : 21;
	if (runs < 1)
		runs = 1;

	/* The wrapper executes the same program as the direct side (set per case). */
	unsetenv("VADISCOVER_MODE");
	unsetenv("VADISCOVER_SELECT");
	unsetenv("VADISCOVER_LOG");

	double *d = calloc((size_t)runs, sizeof(double));
	double *w = calloc((size_t)runs, sizeof(double));
	double *r = calloc((size_t)runs, sizeof(double));
	if (!d || !w || !r)
		return 1;

	printf("ffmpeg wrapper overhead (median of %d interleaved pairs; fake-GPU shim on both)\n",
	       runs);
	printf("%-16s %12s %12s %14s %8s\n", "case", "direct (ms)", "wrapped (ms)",
	       "overhead (ms)", "ratio");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		char *da[MAXARGS + 1], *wa[MAXARGS + 1];
		int sd = 0, sw = 0;

		const char *prog = cases[c].stub ? "/bin/true" : real;
		setenv("VADISCOVER_FFMPEG", prog, 1);
		fill(da, prog, cases[c].direct);
		fill(wa, wrapper, cases[c].wrapped);
		run(da, &sd);	/* warm the page cache */
		run(wa, &sw);
		for (int i = 0; i < runs; i++) {
			d[i] = run(da, &sd);
			w[i] = run(wa, &sw);
			r[i] = d[i] > 0 ? w[i] / d[i] : 0;
		}
		double md = median(d, runs), mw = median(w, runs), mr = median(r, runs);
		printf("%-16s %12.2f %12.2f %14.2f %8.3f%s\n", cases[c].name, md, mw, mw - md, mr,
		       WEXITSTATUS(sd) == WEXITSTATUS(sw) ? "" : "  (exit statuses differ!)");
	}
	free(d);
	free(w);
	free(r);
	return 0;
}
