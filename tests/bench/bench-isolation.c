/* Isolation's own cost per probe, run inside a simulated machine:
 *
 *   tests/harness/run-in TOPOLOGY -- build/tests/bench/bench-isolation [RUNS] [LABEL]
 *
 * Probes device 1 (renderD129) RUNS times in this process and RUNS times in the probe
 * helper (VADISCOVER_PROBE_HELPER, which run-in sets), the cache off, each with a fresh
 * context and scan (not timed), and prints the medians and their difference: what spawning
 * the helper and reading its pipe add to one probe. With the fake driver that is the whole
 * difference. A real driver may stay mapped in this process after its first load (iHD's
 * C++ unique symbols keep it loaded across dlclose), so there the in-process figure lacks
 * the driver's load, which every helper pays: the difference is an upper bound.
 * Prints numbers; asserts nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vadiscover/vadiscover.h"
#include "tests/bench/bench-common.h"

static double probe_once(unsigned int mode)
{
	struct vad_context *ctx = NULL;
	double t;

	if (vad_new(&ctx) < 0 || vad_scan(ctx) < 2 || vad_set_probe_mode(ctx, mode) < 0) {
		fprintf(stderr, "bench-isolation: no machine to probe (run inside run-in)\n");
		exit(1);
	}
	t = now_ms();
	vad_device_probe(ctx, vad_device_get(ctx, 1), NULL);
	t = now_ms() - t;
	vad_unref(ctx);
	return t;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 11;
	const char *label = argc > 2 ? argv[2] : "?";
	double *in = calloc((size_t)(runs > 0 ? runs : 1), sizeof(double));
	double *iso = calloc((size_t)(runs > 0 ? runs : 1), sizeof(double));

	if (runs < 1 || !in || !iso)
		return 2;
	/* Warm the page cache and libva's load for both. */
	probe_once(VAD_PROBE_IN_PROCESS);
	probe_once(VAD_PROBE_ISOLATED);
	for (int i = 0; i < runs; i++) {
		in[i] = probe_once(VAD_PROBE_IN_PROCESS);
		iso[i] = probe_once(VAD_PROBE_ISOLATED);
	}
	double a = median(in, runs), b = median(iso, runs);
	printf("isolation, one probe of renderD129, %s: in-process %.2f ms, in the helper "
	       "%.2f ms: spawn + pipe %.2f ms per probe\n", label, a, b, b - a);
	free(in);
	free(iso);
	return 0;
}
