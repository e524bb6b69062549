/* Benchmark of discovery cost, run inside a simulated machine:
 *
 *   tests/harness/run-in --count FILE TOPOLOGY -- build/tests/bench/bench-tool TOOL [RUNS]
 *
 * (`make bench` does this for adl-sriov-host and many-nodes). Measures, as the median of
 * RUNS (default 21) repetitions:
 *   - `vadiscover list --no-probe` (sysfs only) and `vadiscover pick` (default spec) as processes:
 *     fork + exec + wait, what a script or the ffmpeg wrapper pays;
 *   - the same work in-process through the library: vad_new + vad_scan (+ vad_select);
 *   - VA driver initialisations per pick, from the fake driver's count file (FAKEVA_COUNT).
 * Prints numbers; asserts nothing. Times include the fake-GPU shim's overhead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vadiscover/vadiscover.h"
#include "tests/bench/bench-common.h"

static long count_inits(void)
{
	const char *file = getenv("FAKEVA_COUNT");
	char line[512];
	long n = 0;
	FILE *f;

	if (!file || !(f = fopen(file, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "init", 4) == 0)
			n++;
	fclose(f);
	return n;
}

/* Runs TOOL CMD [OPT] once (OPT may be NULL) with output discarded; returns its exit
 * status or -1. */
static int run_tool(const char *tool, const char *cmd, const char *opt)
{
	char *argv[] = { (char *)tool, (char *)cmd, (char *)opt, NULL };
	pid_t pid = spawn_quiet(argv);
	int status;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* In-process: a fresh context, a scan, and with @select a default vad_select(). */
static int in_process(int select)
{
	struct vad_context *ctx;
	struct vad_device *dev = NULL;
	int r = vad_new(&ctx);

	if (r < 0)
		return r;
	r = vad_scan(ctx);
	if (r >= 0 && select)
		r = vad_select(ctx, NULL, 0, &dev);
	vad_unref(ctx);
	return r < 0 ? r : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s TOOL [RUNS]  (inside tests/harness/run-in)\n", argv[0]);
		return 2;
	}
	const char *tool = argv[1];
	int runs = argc > 2 ? atoi(argv[2]) : 21;
	const char *topo = getenv("VAD_BENCH_TOPOLOGY");
	double *t = calloc((size_t)runs, sizeof(*t));
	double list_ms, pick_ms, scan_ms, select_ms;
	long before, pick_inits, select_inits;

	if (runs < 1 || !t) {
		fprintf(stderr, "%s: bad RUNS\n", argv[0]);
		return 2;
	}
	if (!getenv("FAKEGPU_ROOT"))
		fprintf(stderr, "%s: warning: not inside run-in (FAKEGPU_ROOT unset): measuring "
			"this machine\n", argv[0]);

	for (int i = 0; i < runs; i++) {
		double s = now_ms();
		if (run_tool(tool, "list", "--no-probe") != 0) {
			fprintf(stderr, "%s: '%s list --no-probe' failed\n", argv[0], tool);
			return 1;
		}
		t[i] = now_ms() - s;
	}
	list_ms = median(t, runs);

	before = count_inits();
	for (int i = 0; i < runs; i++) {
		double s = now_ms();
		int st = run_tool(tool, "pick", NULL);
		if (st != 0 && st != 1) {
			fprintf(stderr, "%s: '%s pick' failed (%d)\n", argv[0], tool, st);
			return 1;
		}
		t[i] = now_ms() - s;
	}
	pick_ms = median(t, runs);
	pick_inits = count_inits() - before;

	for (int i = 0; i < runs; i++) {
		double s = now_ms();
		if (in_process(0) < 0)
			return 1;
		t[i] = now_ms() - s;
	}
	scan_ms = median(t, runs);

	before = count_inits();
	for (int i = 0; i < runs; i++) {
		double s = now_ms();
		int r = in_process(1);
		if (r < 0 && r != -ENODEV && r != -ENOENT)
			return 1;
		t[i] = now_ms() - s;
	}
	select_ms = median(t, runs);
	select_inits = count_inits() - before;

	printf("%-26s %3d %12.2f %12.2f %12.2f %12.2f %11.2f\n", topo ? topo : "?", runs,
	       list_ms, pick_ms, scan_ms, select_ms, (double)pick_inits / runs);
	if (pick_inits != select_inits)
		printf("  (note: in-process select woke %.2f drivers per run)\n",
		       (double)select_inits / runs);
	free(t);
	return 0;
}
