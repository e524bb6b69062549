/*
 * The ffmpeg wrapper against the floor, as CPU time (make bench-floor runs it; see
 * tests/bench/bench-floor for the set-up):
 *
 *   bench-floor warm ROOT WRAPPER EXEC_ONLY TARGET RUNS
 *   bench-floor cold RUNS CACHE_BASE -- COMMAND [ARG]...
 *
 * warm: the topology built in ROOT (tests/harness/mktopo) becomes this machine without the
 * LD_PRELOAD shim: in a private mount namespace (root only) ROOT/sys is bind-mounted on
 * /sys and /dev is a tmpfs holding /dev/null & co. and a dri/ of real 226:N character
 * nodes made with mknod. The kernel opens no such node without a DRM driver (ENXIO):
 * libbenchopen.so (open-nodes.c, in LD_PRELOAD on every side) turns that open into one of
 * /dev/null, and does nothing else. Then, interleaved (target, exec-only, wrapper, target,
 * ...), each as fork + exec + wait4 with stdio on /dev/null, it measures the CPU time
 * (user + system, from wait4's rusage) of:
 *   target     TARGET run directly (a static program that returns 0);
 *   exec-only  EXEC_ONLY: a program that only execv()s TARGET (the floor of any wrapper);
 *   wrapper    WRAPPER with VADISCOVER_FFMPEG=TARGET;
 * per phase: `-version` (no device argument), Jellyfin's VAAPI probe for renderD128 with
 * the probe cache warm (filled by the caller, through the shim), and the same probe with
 * no /dev/dri (a machine or container without a GPU). Printed: medians in ms, and the
 * medians of the per-round ratios wrapper/exec-only and wrapper/target.
 * Exits 77 when it cannot set the machine up (not root, no namespaces): the caller then
 * says so and measures through the shim.
 *
 * cold: COMMAND (`vadiscover list` in run-in) RUNS times, each with an empty probe cache
 * of its own (VADISCOVER_CACHE_DIR=CACHE_BASE.N), printing the median wall and CPU time
 * (CPU: COMMAND and the probe helpers it waited for).
 *
 * Prints numbers; asserts nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/bench/bench-common.h"

#define MAXARGS 16
#define CAN_NOT 77

/* Runs @argv with stdio on /dev/null: its CPU time in ms (and wall time in *@wall), or -1. */
static double run_cpu(char *const argv[], double *wall)
{
	struct rusage ru;
	int status;
	double t0 = now_ms();
	pid_t pid = spawn_quiet(argv);

	if (pid < 0)
		return -1;
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	if (wall)
		*wall = now_ms() - t0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int fail(const char *what)
{
	fprintf(stderr, "bench-floor: %s: %s\n", what, strerror(errno));
	return -1;
}

/* A copy of the host's /dev/NAME (a character device) in @dir. */
static int copy_node(const char *dir, const char *name)
{
	char from[64], to[4096 + 64];
	struct stat st;

	snprintf(from, sizeof(from), "/dev/%s", name);
	snprintf(to, sizeof(to), "%s/%s", dir, name);
	if (stat(from, &st) < 0)
		return 0;
	return mknod(to, st.st_mode, st.st_rdev) < 0 ? fail(to) : 0;
}

/* The machine of @root, without the shim (see the top of the file). */
static int set_up(const char *root)
{
	static const char *const keep[] = { "null", "zero", "full", "random", "urandom", "tty" };
	char sys[4096 + 8], dev[4096 + 16], path[4096 + 300];
	struct dirent *de;
	DIR *d;

	if (unshare(CLONE_NEWNS) < 0)
		return fail("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail("mount --make-rprivate /");
	snprintf(sys, sizeof(sys), "%s/sys", root);
	if (mount(sys, "/sys", NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail("bind the topology's sysfs on /sys");
	snprintf(dev, sizeof(dev), "%s/bench-dev", root);
	if (mkdir(dev, 0755) < 0 && errno != EEXIST)
		return fail(dev);
	if (mount("bench-dev", dev, "tmpfs", 0, "mode=0755") < 0)
		return fail("tmpfs for /dev");
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (copy_node(dev, keep[i]) < 0)
			return -1;
	snprintf(path, sizeof(path), "%s/dri", dev);
	if (mkdir(path, 0755) < 0)
		return fail(path);
	/* Each file of the topology's dev/dri holds "226:MINOR ..." (tests/harness/shim.c). */
	snprintf(path, sizeof(path), "%s/dev/dri", root);
	d = opendir(path);
	if (!d)
		return fail(path);
	while ((de = readdir(d))) {
		unsigned int maj, min;
		char file[4096 + 300], node[4096 + 300];
		FILE *f;

		if (de->d_type != DT_REG)
			continue;
		snprintf(file, sizeof(file), "%s/dev/dri/%s", root, de->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		if (fscanf(f, "%u:%u", &maj, &min) == 2) {
			snprintf(node, sizeof(node), "%s/dri/%s", dev, de->d_name);
			if (mknod(node, S_IFCHR | 0666, makedev(maj, min)) < 0) {
				fclose(f);
				closedir(d);
				return fail(node);
			}
		}
		fclose(f);
	}
	closedir(d);
	if (mount(dev, "/dev", NULL, MS_BIND, NULL) < 0)
		return fail("bind the new /dev");
	return 0;
}

struct phase {
	const char *name;
	const char *args[MAXARGS];
	int no_dri;
};

#define PROBE { "-v", "verbose", "-hide_banner", "-init_hw_device", \
		"vaapi=va:/dev/dri/renderD128" }
static const struct phase phases[] = {
	{ "version (no device argument)", { "-version" }, 0 },
	{ "VAAPI probe, cache warm", PROBE, 0 },
	{ "VAAPI probe, no /dev/dri", PROBE, 1 },
};

static void fill(char **argv, const char *prog, const char *const *args)
{
	int n = 0;

	argv[n++] = (char *)prog;
	for (int i = 0; i < MAXARGS - 1 && args[i]; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
}

static int warm(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: bench-floor warm ROOT WRAPPER EXEC_ONLY TARGET RUNS\n");
		return 2;
	}
	const char *root = argv[2], *wrapper = argv[3], *exec_only = argv[4], *target = argv[5];
	int runs = atoi(argv[6]);
	double *t[3], *r[2];

	if (runs < 1)
		runs = 1;
	/* In run-in (the fallback), the shim makes the machine: nothing to set up. */
	const char *shim_root = getenv("FAKEGPU_ROOT");
	char dri[4096], dri_off[4096 + 8];

	if (!shim_root && set_up(root) < 0)
		return CAN_NOT;
	snprintf(dri, sizeof(dri), "%s/dev/dri", shim_root ? shim_root : "");
	snprintf(dri_off, sizeof(dri_off), "%s.off", dri);
	setenv("VADISCOVER_FFMPEG", target, 1);
	/* BENCH_FLOOR_SHELL=CMD: run CMD (sh -c) on the machine instead, to look at it. */
	if (getenv("BENCH_FLOOR_SHELL")) {
		execl("/bin/sh", "sh", "-c", getenv("BENCH_FLOOR_SHELL"), (char *)NULL);
		return 127;
	}
	unsetenv("VADISCOVER_MODE");
	unsetenv("VADISCOVER_SELECT");
	unsetenv("VADISCOVER_LOG");
	for (int k = 0; k < 3; k++)
		t[k] = calloc((size_t)runs, sizeof(double));
	for (int k = 0; k < 2; k++)
		r[k] = calloc((size_t)runs, sizeof(double));
	printf("%-30s %10s %10s %10s %10s %10s\n", "phase (CPU ms, median)", "target",
	       "exec-only", "wrapper", "w/exec", "w/target");
	for (size_t p = 0; p < sizeof(phases) / sizeof(phases[0]); p++) {
		char *ta[MAXARGS + 1], *ea[MAXARGS + 1], *wa[MAXARGS + 1];
		char *const *sides[3] = { ta, ea, wa };

		if (phases[p].no_dri && rename(dri, dri_off) < 0)
			return fail("rename /dev/dri"), 1;
		fill(ta, target, phases[p].args);
		fill(ea, exec_only, phases[p].args);
		fill(wa, wrapper, phases[p].args);
		for (int k = 0; k < 3; k++)
			run_cpu(sides[k], NULL);	/* page cache, probe cache */
		for (int i = 0; i < runs; i++) {
			for (int k = 0; k < 3; k++)
				t[k][i] = run_cpu(sides[k], NULL);
			r[0][i] = t[1][i] > 0 ? t[2][i] / t[1][i] : 0;
			r[1][i] = t[0][i] > 0 ? t[2][i] / t[0][i] : 0;
		}
		printf("%-30s %10.3f %10.3f %10.3f %10.3f %10.3f\n", phases[p].name,
		       median(t[0], runs), median(t[1], runs), median(t[2], runs),
		       median(r[0], runs), median(r[1], runs));
		fflush(stdout);
		if (phases[p].no_dri)
			rename(dri_off, dri);
	}
	for (int k = 0; k < 3; k++)
		free(t[k]);
	for (int k = 0; k < 2; k++)
		free(r[k]);
	return 0;
}

static int cold(int argc, char **argv)
{
	if (argc < 6 || strcmp(argv[4], "--") != 0) {
		fprintf(stderr, "usage: bench-floor cold RUNS CACHE_BASE -- COMMAND [ARG]...\n");
		return 2;
	}
	int runs = atoi(argv[2]);
	const char *base = argv[3];
	double *cpu, *wall;

	if (runs < 1)
		runs = 1;
	cpu = calloc((size_t)runs, sizeof(double));
	wall = calloc((size_t)runs, sizeof(double));
	if (!cpu || !wall)
		return 1;
	for (int i = 0; i < runs; i++) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s.%d", base, i);
		setenv("VADISCOVER_CACHE_DIR", dir, 1);
		cpu[i] = run_cpu(argv + 5, &wall[i]);
	}
	printf("cold: wall %.2f ms, CPU %.2f ms (median of %d, an empty cache each)\n",
	       median(wall, runs), median(cpu, runs), runs);
	free(cpu);
	free(wall);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "warm") == 0)
		return warm(argc, argv);
	if (argc > 1 && strcmp(argv[1], "cold") == 0)
		return cold(argc, argv);
	fprintf(stderr, "usage: bench-floor warm|cold ...\n");
	return 2;
}
