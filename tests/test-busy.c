/*
 * The probe engine on a busy server: many programs at once on a cold cache, a slow
 * driver, a caller killed mid-probe.
 *
 *   burst:  N ffmpeg wrappers (Debian's ffmpeg behind them) started at once in an LXC
 *           container given only VF 4 (adl-sriov-lxc-vf4: renderD132), each asked for
 *           Jellyfin's renderD128: one probe serves them all (the VA driver is loaded by
 *           one helper, then by each ffmpeg), every one lands on renderD132 although the
 *           driver's initialisation is CPU-heavy, and so does the next run;
 *   slow:   a driver slow once (beyond the deadline), then fast: the next run is right;
 *   kill:   a wrapper killed (SIGTERM, SIGKILL) while the helper is stuck in a driver that
 *           ignores its parent's death and blocks catchable signals (the fake driver's
 *           `wedge`): the helper is gone soon after; the helper alone ends itself at its
 *           own deadline.
 *
 * Every run shares one simulated machine (run-in --keep --reuse: one sysfs tree, so one
 * cache key) and its probe cache. Deadlines are wide: nothing here asserts how long a run
 * took, only what it answered and how many driver loads it cost.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "tests/common/harness.h"
#include "tests/common/runner.h"

#define LANDED "-> vaapi=va:/dev/dri/renderD132"
#define VF4 "0000:00:02.4"

static char keep[PATH_MAX], count[PATH_MAX + 32], wrapper[PATH_MAX];

/* Valgrind makes each wrapper a heavy process (seconds of CPU, a hundred MB): fewer of
 * them still start at once and share one probe. */
static int scaled(int n)
{
	const char *vg = getenv("VAD_TEST_VALGRIND");

	return vg && strcmp(vg, "1") == 0 ? 6 : n;
}

static void machine_new(void)
{
	char *argv[] = { (char *)"true", NULL };
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4", .keep_dir = keep };
	struct th_result r;

	/* In this run's TMPDIR (runner.c), removed at the end even after a failed test. */
	const char *tmp = getenv("TMPDIR");

	snprintf(keep, sizeof(keep), "%s/vad-busy-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(keep));
	snprintf(count, sizeof(count), "%s.count", keep);
	unlink(count);
	snprintf(wrapper, sizeof(wrapper), "%s/fftools-wrapper/ffmpeg", th_builddir());
	setenv("VADISCOVER_FFMPEG", VAD_REAL_FFMPEG, 1);
	unsetenv("VADISCOVER_MODE");
	unsetenv("VADISCOVER_SELECT");
	unsetenv("VADISCOVER_LOG");
	/* The tree is built once, before the runs that share it. */
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_int_eq(r.status, 0);
	th_result_free(&r);
}

static void machine_remove(void)
{
	char cmd[4 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "rm -rf %s %s %s.err.*", keep, count, keep);
	ck_assert_int_eq(system(cmd), 0);
}

/* Jellyfin's VAAPI probe through the wrapper, on the kept machine with @rule. */
static int run_wrapper(const char *rule, const char *const *env, struct th_result *r)
{
	const char *va[] = { rule, NULL };
	char *argv[] = { wrapper, (char *)"-v", (char *)"verbose", (char *)"-hide_banner",
			 (char *)"-init_hw_device", (char *)"vaapi=va:/dev/dri/renderD128", NULL };
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4", .va_lines = va, .keep_dir = keep,
			     .count_file = count, .env = env };

	return th_run(&o, argv, r);
}

/* @n wrappers started together (each waits for a go, then runs): how many did not land
 * on renderD132; the stderr of the first of those into @why. */
static int burst(int n, const char *rule, const char *const *env, char *why, size_t len)
{
	int go[2], wrong = 0;
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	char errfile[PATH_MAX + 32];

	ck_assert_ptr_nonnull(pids);
	ck_assert_int_eq(pipe(go), 0);
	why[0] = '\0';
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			struct th_result r;
			char c;
			int ok;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			free(pids);	/* (valgrind checks the child's leaks at _exit() too) */
			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(2);
			if (run_wrapper(rule, env, &r) < 0)
				_exit(2);
			ok = WIFEXITED(r.status) && strstr(r.err, LANDED);
			if (!ok) {
				FILE *f;

				snprintf(errfile, sizeof(errfile), "%s.err.%d", keep, i);
				f = fopen(errfile, "w");
				if (f) {
					fprintf(f, "status 0x%x\n%s", r.status, r.err);
					fclose(f);
				}
			}
			th_result_free(&r);
			_exit(ok ? 0 : 1);
		}
	}
	close(go[0]);
	close(go[1]);	/* go */
	for (int i = 0; i < n; i++) {
		int status;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			continue;
		if (!wrong++) {
			snprintf(errfile, sizeof(errfile), "%s.err.%d", keep, i);
			char *text = slurp(errfile);

			snprintf(why, len, "run %d: %s", i, text ? text : "(no stderr)");
			free(text);
		}
	}
	free(pids);
	return wrong;
}

/* The VA driver initialisations a run or a burst cost. */
static int loads(void)
{
	return th_count_lines(count, "init");
}

/* ------------------------------------------------------------------------------------ */
/* burst */

static const char *const timeout2[] = { "VADISCOVER_PROBE_TIMEOUT=2", NULL };
static const char *const timeout5[] = { "VADISCOVER_PROBE_TIMEOUT=5", NULL };

/* A CPU-heavy initialisation (150 ms of CPU: N at once need about the deadline of two
 * cores, and the wrappers and ffmpegs starting beside them more), a 5 s deadline. */
START_TEST(burst_cpu_heavy)
{
	const char *rule = VF4 " ok cpu=150 decode=h264 vpp=1";
	int n = scaled(30);
	char why[4096];
	struct th_result r;

	machine_new();
	int wrong = burst(n, rule, timeout5, why, sizeof(why));
	ck_assert_msg(wrong == 0, "%d of %d runs did not land on renderD132; %s", wrong, n, why);
	/* One probe (maybe two: a wrapper that starts after the first one ended, before it
	 * wrote), then each ffmpeg's own initialisation. */
	ck_assert_int_le(loads(), n + 2);
	/* The next run: from the cache, right. */
	unlink(count);
	ck_assert_int_eq(run_wrapper(rule, timeout5, &r), 0);
	ck_assert_msg(strstr(r.err, LANDED), "%s", r.err);
	ck_assert_int_eq(loads(), 1);
	th_result_free(&r);
	machine_remove();
}
END_TEST

/* A 3 s initialisation (waiting on the device, not computing), N at once: the helper's
 * driver loads are at most twice the one a single run needs. */
START_TEST(burst_loads)
{
	const char *rule = VF4 " ok sleep=3000 decode=h264 vpp=1";
	int n = scaled(50);
	char why[4096];

	machine_new();
	int wrong = burst(n, rule, NULL, why, sizeof(why));
	ck_assert_msg(wrong == 0, "%d of %d runs did not land on renderD132; %s", wrong, n, why);
	/* Each ffmpeg initialises the driver once itself; the probes are what is left. */
	ck_assert_msg(loads() - n <= 2, "%d driver loads for %d runs: %d probes", loads(), n,
		      loads() - n);
	machine_remove();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* slow */

/* The one device's driver slow once (beyond the deadline: that run does not land), then
 * fast: the next run lands. How it was slow: waiting on the device, or computing. */
START_TEST(slow_once)
{
	static const char *const slow[] = {
		VF4 " ok sleep=10000 decode=h264 vpp=1",
		VF4 " ok cpu=20000 decode=h264 vpp=1",
	};
	const char *fast = VF4 " ok decode=h264 vpp=1";
	struct th_result r;

	machine_new();
	ck_assert_int_eq(run_wrapper(slow[_i], timeout2, &r), 0);
	th_result_free(&r);
	ck_assert_int_eq(run_wrapper(fast, timeout2, &r), 0);
	ck_assert_msg(strstr(r.err, LANDED), "%s", r.err);
	th_result_free(&r);
	/* And it stays right, from the cache. */
	unlink(count);
	ck_assert_int_eq(run_wrapper(fast, timeout2, &r), 0);
	ck_assert_msg(strstr(r.err, LANDED), "%s", r.err);
	ck_assert_int_eq(loads(), 1);
	th_result_free(&r);
	machine_remove();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* kill */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The pid of the process that started the wedged initialisation (the helper), once it
 * has; 0 if none did within @wait seconds. */
static pid_t wedged_pid(double wait)
{
	double end = now() + wait;

	while (now() < end) {
		FILE *f = fopen(count, "r");
		char line[512], slot[64], node[128], beh[32];
		int pid;

		if (f) {
			while (fgets(line, sizeof(line), f))
				if (sscanf(line, "init %63s %127s %d %31s", slot, node, &pid,
					   beh) == 4 && strcmp(beh, "wedge") == 0) {
					fclose(f);
					return pid;
				}
			fclose(f);
		}
		nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
	}
	return 0;
}

/* The parent pid of @pid (/proc/PID/stat), or 0. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %d", &ppid);
	fclose(f);
	return ppid;
}

/* Whether @pid is still there (a zombie counts as gone: it holds nothing). */
static bool alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	char state = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%c", &state);
	fclose(f);
	return state && state != 'Z' && state != 'X';
}

/* A wrapper killed with @sig while its helper is wedged in vaInitialize: no helper is
 * alive 2 s after the kill. The default deadline (10 s) is far away. */
START_TEST(wrapper_killed)
{
	static const int sigs[] = { SIGTERM, SIGKILL };
	const char *rule = VF4 " wedge";
	pid_t child, helper, parent;

	machine_new();
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct th_result r;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		run_wrapper(rule, NULL, &r);
		_exit(0);
	}
	helper = wedged_pid(60);
	ck_assert_msg(helper > 0, "no helper started the driver");
	parent = parent_of(helper);
	ck_assert_int_gt(parent, 1);
	/* The wrapper itself (run-in --keep execs it), not a shell around it. */
	char comm[64], path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)parent);
	char *c = slurp(path);
	snprintf(comm, sizeof(comm), "%s", c ? c : "");
	free(c);
	ck_assert_msg(strncmp(comm, "ffmpeg", 6) == 0 || strncmp(comm, "memcheck", 8) == 0 ||
		      strncmp(comm, "valgrind", 8) == 0, "the helper's parent is %s", comm);
	ck_assert_int_eq(kill(parent, sigs[_i]), 0);
	double end = now() + 2;
	while (alive(helper) && now() < end)
		nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
	bool left = alive(helper);
	if (left)
		kill(helper, SIGKILL);	/* leave nothing behind, red or green */
	ck_assert_msg(!left, "the helper %d outlived its wrapper (%s) by 2 s", (int)helper,
		      strsignal(sigs[_i]));
	int status;
	waitpid(child, &status, 0);
	machine_remove();
}
END_TEST

/* The helper alone, its caller alive but not ending it (stopped, say): it ends itself at
 * its own deadline, which the wedged driver cannot block. */
START_TEST(helper_own_deadline)
{
	char helper[PATH_MAX], script[PATH_MAX + 128];
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4", .va_lines = (const char *[]){
				     VF4 " wedge", NULL } };
	struct th_result r;

	snprintf(helper, sizeof(helper), "%s/vadiscover/vadiscover-probe", th_builddir());
	snprintf(script, sizeof(script), "exec 3>/dev/null; exec %s --deadline-ms 1000 "
		 "/dev/dri/renderD132", helper);
	char *argv[] = { (char *)"sh", (char *)"-c", script, NULL };
	/* (Check's timeout is the bound: without its own deadline it would wait 120 s.) */
	double t0 = now();
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_msg(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL,
		      "status 0x%x after %.1f s; stderr:\n%s", r.status, now() - t0, r.err);
	th_result_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("busy");
	TCase *tc = test_case(s, "burst");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, burst_cpu_heavy);
	tcase_add_test(tc, burst_loads);

	tc = test_case(s, "slow");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, slow_once, 0, 2);

	tc = test_case(s, "kill");
	tcase_set_timeout(tc, 100);
	tcase_add_loop_test(tc, wrapper_killed, 0, 2);
	tcase_add_test(tc, helper_own_deadline);
	return s;
}
