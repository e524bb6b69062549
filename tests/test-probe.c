/*
 * Isolated probes: a VA driver that hangs or crashes in vaInitialize (the fake driver's
 * `hang` and `crash` behaviours) on the first device costs the probe helper, not the
 * caller, which gets a reason and lands on the next device.
 *
 *   tool:     vadiscover pick, list, explain and doctor on intel-nvidia (the NVIDIA card is
 *             renderD128) and adl-sriov-host (the PF is renderD128), hang and crash;
 *   wrapper:  Jellyfin's VAAPI probe of renderD128 with Debian's ffmpeg behind the
 *             wrapper, on both machines, hang and crash;
 *   library:  vad_select() in the default mode (isolated: the helper is there), the reason
 *             texts and statuses, no child, process or fd left; in-process mode; isolation
 *             alone without a helper; a helper that answers garbage.
 *
 * Every run has VADISCOVER_PROBE_TIMEOUT=2; that this deadline, not the default 10 s, is
 * the one honoured shows in the reason ("did not answer within 2 s"). A run must also end
 * before the longest such a probe may last (three deadlines: the time the helper waited
 * for a CPU is given back, vadiscover.h) plus a wide margin: a guard against a hang, not
 * a measure of speed, which a loaded machine would make fail.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/common/testlib.h"
#include "vadiscover/vadiscover.h"

#define TIMEOUT 2
#define MARGIN 14	/* seconds beyond 3 deadlines a run may take (valgrind, a busy CI) */
#define LONGEST (3 * TIMEOUT + MARGIN)

#define HANG_REASON "VA driver did not answer within 2 s (killed)"
#define CRASH_REASON "VA driver crashed (SIGABRT) during vaInitialize"

static const char *const timeout_env[] = { "VADISCOVER_PROBE_TIMEOUT=2", NULL };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The pids in a FAKEVA_COUNT file ("init SLOT NODE PID BEHAVIOUR"), at most @max. */
static int count_pids(const char *file, pid_t *pids, int max)
{
	FILE *f = fopen(file, "r");
	char line[512];
	int n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		char slot[64], node[128], beh[32];
		int pid;

		if (sscanf(line, "init %63s %127s %d %31s", slot, node, &pid, beh) == 4)
			pids[n++] = pid;
	}
	fclose(f);
	return n;
}

/* Every process that initialised a VA driver (hung or crashed in it) is gone. */
static void assert_pids_gone(const char *count_file)
{
	pid_t pids[64];
	int n = count_pids(count_file, pids, 64);

	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++) {
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/%d", (int)pids[i]);
		ck_assert_msg(access(proc, F_OK) != 0, "process %d (a VA driver init) is still there",
			      (int)pids[i]);
	}
}

/* The first @behaviour line of the fake driver for the first device of @topology. */
static const char *first_device_rule(const char *topology, const char *behaviour)
{
	static char rule[64];

	(void)topology;
	snprintf(rule, sizeof(rule), "renderD128 %s", behaviour);
	return rule;
}

/* ------------------------------------------------------------------------------------ */
/* tool and wrapper: 2 machines x 2 behaviours x (pick, list, explain, wrapper, doctor) */

static const char *const machines[] = { "intel-nvidia", "adl-sriov-host" };
static const char *const behaviours[] = { "hang", "crash" };
static const char *const commands[] = { "pick", "list", "explain", "wrapper", "doctor" };

START_TEST(first_device_fails)
{
	const char *topology = machines[_i % 2];
	const char *behaviour = behaviours[(_i / 2) % 2];
	const char *command = commands[_i / 4];
	const char *va[] = { first_device_rule(topology, behaviour), NULL };
	const char *reason = strcmp(behaviour, "hang") == 0 ? HANG_REASON : CRASH_REASON;
	char tool[PATH_MAX], wrapper[PATH_MAX], count_file[PATH_MAX];
	char *argv[16];
	int n = 0;

	snprintf(tool, sizeof(tool), "%s/vadiscover/tool/vadiscover", th_builddir());
	snprintf(wrapper, sizeof(wrapper), "%s/fftools-wrapper/ffmpeg", th_builddir());
	tmp_file(count_file, sizeof(count_file), "probe-count");
	if (strcmp(command, "wrapper") == 0) {
		setenv("VADISCOVER_FFMPEG", VAD_REAL_FFMPEG, 1);
		unsetenv("VADISCOVER_MODE");
		unsetenv("VADISCOVER_SELECT");
		unsetenv("VADISCOVER_LOG");
		argv[n++] = wrapper;
		argv[n++] = (char *)"-v";
		argv[n++] = (char *)"verbose";
		argv[n++] = (char *)"-hide_banner";
		argv[n++] = (char *)"-init_hw_device";
		argv[n++] = (char *)"vaapi=va:/dev/dri/renderD128";
	} else {
		argv[n++] = tool;
		argv[n++] = (char *)command;
	}
	argv[n] = NULL;

	struct th_opts o = { .topology = topology, .va_lines = va, .count_file = count_file,
			     .env = timeout_env };
	struct th_result r;
	double t0 = now();

	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	double took = now() - t0;

	ck_assert_msg(took < LONGEST, "%s %s: %.1f s", command, behaviour, took);
	if (strcmp(command, "wrapper") == 0) {
		/* Jellyfin's probe lands on the next device, and ffmpeg initialises it. */
		ck_assert_msg(strstr(r.err, "-> vaapi=va:/dev/dri/renderD129"), "stderr:\n%s", r.err);
		ck_assert_msg(strstr(r.err, "Intel iHD driver"), "stderr:\n%s", r.err);
	} else if (strcmp(command, "doctor") == 0) {
		/* A failing device is a warning of va.init (0), or a failed check elsewhere (1). */
		ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) <= 1,
			      "status 0x%x; stderr:\n%s", r.status, r.err);
	} else {
		ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
			      "status 0x%x; stderr:\n%s", r.status, r.err);
	}
	if (strcmp(command, "pick") == 0) {
		ck_assert_str_eq(r.out, "/dev/dri/renderD129\n");
	} else if (strcmp(command, "list") == 0) {
		const char *want = strcmp(behaviour, "hang") == 0 ? "VA: none (driver did not answer)"
								 : "VA: none (driver crashed)";
		char *first = strstr(r.out, "renderD128"), *nl = first ? strchr(first, '\n') : NULL;

		ck_assert_msg(first && nl, "stdout:\n%s", r.out);
		*nl = '\0';
		ck_assert_msg(strstr(first, want), "want '%s' in: %s", want, first);
		*nl = '\n';
		ck_assert_msg(strstr(r.out, "renderD129") && strstr(strstr(r.out, "renderD129"),
								    "VA: iHD"), "stdout:\n%s", r.out);
	} else if (strcmp(command, "explain") == 0) {
		char want[256];

		snprintf(want, sizeof(want), "-> no-va: %s\n", reason);
		ck_assert_msg(strstr(r.out, want), "want '%s' in:\n%s", want, r.out);
		ck_assert_msg(strstr(r.out, "selected: /dev/dri/renderD129"), "stdout:\n%s", r.out);
	} else if (strcmp(command, "doctor") == 0) {
		char want[256];

		snprintf(want, sizeof(want), "va.init           renderD128: %s\n", reason);
		ck_assert_msg(strstr(r.out, want), "want '%s' in:\n%s", want, r.out);
		ck_assert_msg(strstr(r.out, "ok    va.init           renderD129: Intel iHD driver"),
			      "stdout:\n%s", r.out);
	}
	assert_pids_gone(count_file);
	ck_assert_int_ge(th_count_lines(count_file, behaviour), 1);
	th_result_free(&r);
	unlink(count_file);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* library */

static struct tl_machine m;

static void enter_rule(const char *topology, const char *rule)
{
	const char *va[] = { rule, NULL };
	struct th_opts o = { .va_lines = rule ? va : NULL };

	tl_enter(&m, topology, &o);
	setenv("VADISCOVER_PROBE_TIMEOUT", "2", 1);
}

static void leave(void)
{
	unsetenv("VADISCOVER_PROBE_TIMEOUT");
	tl_leave(&m);
}

/* No child of this process is left, reaped or not. */
static void assert_no_children(void)
{
	int status;

	errno = 0;
	ck_assert_int_eq(waitpid(-1, &status, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

static void library_first_fails(const char *topology, const char *behaviour, int status,
				const char *reason)
{
	struct vad_device *out = NULL;
	int fds;

	enter_rule(topology, first_device_rule(topology, behaviour));
	ck_assert_uint_eq(vad_get_probe_mode(m.ctx), VAD_PROBE_DEFAULT);
	ck_assert_int_ge(vad_scan(m.ctx), 2);
	fds = tl_count_fds();
	double t0 = now();
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_msg(now() - t0 < LONGEST, "%.1f s", now() - t0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	struct vad_device *d0 = vad_device_get(m.ctx, 0);
	ck_assert_int_eq(vad_device_get_va_status(d0), status);
	ck_assert_str_eq(vad_device_get_va_error(d0), reason);
	ck_assert_str_eq(vad_device_get_reason(d0), reason);
	ck_assert_int_eq(vad_device_get_verdict(d0), VAD_VERDICT_NO_VA);
	ck_assert_uint_eq(vad_device_get_decode(d0), 0);
	/* The helper that hung or crashed is gone and reaped, and no fd is left open. */
	assert_no_children();
	assert_pids_gone(m.count_file);
	ck_assert_int_eq(tl_count_fds(), fds);
	/* It ran in another process: every init's pid is not ours. */
	pid_t pids[16];
	int n = count_pids(m.count_file, pids, 16);
	ck_assert_int_eq(n, 2);
	for (int i = 0; i < n; i++)
		ck_assert_int_ne(pids[i], getpid());
	/* A kept result: asking again starts no helper. */
	ck_assert_int_eq(vad_device_probe(m.ctx, d0, NULL), status);
	ck_assert_int_eq(th_count_lines(m.count_file, NULL), 2);
	leave();
}

START_TEST(library_hang_intel_nvidia)
{
	library_first_fails("intel-nvidia", "hang", -ETIMEDOUT, HANG_REASON);
}
END_TEST

START_TEST(library_crash_intel_nvidia)
{
	library_first_fails("intel-nvidia", "crash", -EIO, CRASH_REASON);
}
END_TEST

START_TEST(library_hang_sriov)
{
	library_first_fails("adl-sriov-host", "hang", -ETIMEDOUT, HANG_REASON);
}
END_TEST

START_TEST(library_crash_sriov)
{
	library_first_fails("adl-sriov-host", "crash", -EIO, CRASH_REASON);
}
END_TEST

/* In-process mode probes in this process (the init's pid is ours); isolated does not;
 * the results are the same. */
START_TEST(library_modes)
{
	pid_t pids[8];

	enter_rule("adl-sriov-host", NULL);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	struct vad_device *d = vad_device_get(m.ctx, 2);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_IN_PROCESS), 0);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), 0);
	unsigned int dec = vad_device_get_decode(d), enc = vad_device_get_encode(d);
	char vendor[256];
	snprintf(vendor, sizeof(vendor), "%s", vad_device_get_va_vendor(d));
	ck_assert_int_eq(count_pids(m.count_file, pids, 8), 1);
	ck_assert_int_eq(pids[0], getpid());

	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, "iHD"), 0);
	ck_assert_int_eq(count_pids(m.count_file, pids, 8), 2);
	ck_assert_int_ne(pids[1], getpid());
	ck_assert_uint_eq(vad_device_get_decode(d), dec);
	ck_assert_uint_eq(vad_device_get_encode(d), enc);
	ck_assert_str_eq(vad_device_get_va_vendor(d), vendor);
	ck_assert_str_eq(vad_device_get_va_driver(d), "iHD");
	ck_assert_int_eq(vad_device_get_va_version(d), 117);
	ck_assert(vad_device_get_vpp(d));
	assert_no_children();

	ck_assert_int_eq(vad_set_probe_mode(m.ctx, 0), -EINVAL);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_CACHE), -EINVAL);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, 1u << 7), -EINVAL);
	ck_assert_int_eq(vad_set_probe_helper(m.ctx, "relative/path"), -EINVAL);
	leave();
}
END_TEST

/* Without a helper: the default probes in-process; isolation alone says what is missing. */
START_TEST(library_no_helper)
{
	pid_t pids[8];

	enter_rule("adl-sriov-host", NULL);
	setenv("VADISCOVER_PROBE_HELPER", "/nonexistent/vadiscover-probe", 1);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	struct vad_device *d = vad_device_get(m.ctx, 1);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), 0);
	ck_assert_int_eq(count_pids(m.count_file, pids, 8), 1);
	ck_assert_int_eq(pids[0], getpid());

	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	d = vad_device_get(m.ctx, 2);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), -ENOEXEC);
	ck_assert_str_eq(vad_device_get_va_error(d),
			 "the probe helper is not installed: /nonexistent/vadiscover-probe is "
			 "missing or not executable; reinstall vadiscover, or set "
			 "VADISCOVER_PROBE_HELPER to its path");
	ck_assert_int_eq(th_count_lines(m.count_file, NULL), 1);
	leave();
}
END_TEST

/* A caller without stdin and stdout (a daemon that closed them): the pipe gets fds 0 and
 * 1, which must still reach the helper as its fd 3. */
START_TEST(library_stdio_closed)
{
	struct vad_device *out = NULL;
	int in = dup(0), so = dup(1);

	ck_assert_int_ge(in, 0);
	ck_assert_int_ge(so, 0);
	enter_rule("adl-sriov-host", "0000:00:02.0 crash");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	close(0);
	close(1);
	int r = vad_select(m.ctx, NULL, 0, &out);
	dup2(in, 0);
	dup2(so, 1);
	close(in);
	close(so);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	ck_assert_str_eq(vad_device_get_reason(vad_device_get(m.ctx, 0)), CRASH_REASON);
	assert_no_children();
	leave();
}
END_TEST

/* A helper whose answer is not a valid record is not believed. */
static void bad_helper(const char *script, const char *want)
{
	char path[PATH_MAX + 32];
	FILE *f;

	enter_rule("adl-sriov-host", NULL);
	snprintf(path, sizeof(path), "%s/bad-helper", m.topo_dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s\n", script);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
	setenv("VADISCOVER_PROBE_HELPER", path, 1);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	struct vad_device *d = vad_device_get(m.ctx, 1);
	int fds = tl_count_fds();
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), -EIO);
	char expect[PATH_MAX + 300];
	snprintf(expect, sizeof(expect), want, path);
	ck_assert_str_eq(vad_device_get_va_error(d), expect);
	ck_assert_int_eq(tl_count_fds(), fds);
	assert_no_children();
	leave();
}

START_TEST(helper_garbage)
{
	static const char *const cases[][2] = {
		/* nothing at all */
		{ "exit 0", "the probe helper %s gave no valid result (during start)" },
		/* a status out of range */
		{ "printf 'stage open\\nvadiscover-record 1\\nstatus 5\\nopen-failed 0\\n"
		  "version 117\\ndecode 0x2\\nencode 0x0\\nvpp 0\\nvendor -1\\ndriver -1\\n"
		  "error -1\\nend\\n' >&3",
		  "the probe helper %s gave no valid result (during open)" },
		/* capable but with an error: inconsistent */
		{ "printf 'vadiscover-record 1\\nstatus 0\\nopen-failed 0\\nversion 117\\n"
		  "decode 0x2\\nencode 0x0\\nvpp 0\\nvendor -1\\ndriver 3\\niHD\\nerror 2\\nno\\n"
		  "end\\n' >&3",
		  "the probe helper %s gave no valid result (during start)" },
		/* a codec bit that does not exist */
		{ "printf 'vadiscover-record 1\\nstatus 0\\nopen-failed 0\\nversion 117\\n"
		  "decode 0x800\\nencode 0x0\\nvpp 0\\nvendor -1\\ndriver -1\\nerror -1\\nend\\n' >&3",
		  "the probe helper %s gave no valid result (during start)" },
		/* a string longer than it says */
		{ "printf 'vadiscover-record 1\\nstatus 0\\nopen-failed 0\\nversion 117\\n"
		  "decode 0x2\\nencode 0x0\\nvpp 0\\nvendor 2\\nabc\\ndriver -1\\nerror -1\\nend\\n' >&3",
		  "the probe helper %s gave no valid result (during start)" },
		/* a failing exit */
		{ "echo 'stage vaInitialize' >&3; exit 4",
		  "the probe helper %s failed (exit status 4) during vaInitialize" },
		/* killed by a signal after the record started */
		{ "printf 'stage query\\nvadiscover-record 1\\n' >&3; kill -SEGV $$",
		  "VA driver crashed (SIGSEGV) during query" },
	};

	bad_helper(cases[_i][0], cases[_i][1]);
}
END_TEST

/* A helper that writes a valid record is believed, to the byte. */
START_TEST(helper_record_read)
{
	char path[PATH_MAX + 32];
	FILE *f;

	enter_rule("adl-sriov-host", NULL);
	snprintf(path, sizeof(path), "%s/good-helper", m.topo_dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\nprintf 'stage libva\\nstage open\\nvadiscover-record 1\\n"
		"status 0\\nopen-failed 0\\nversion 116\\ndecode 0x6\\nencode 0x2\\nvpp 1\\n"
		"vendor 10\\nA vendor 1\\ndriver 4\\nmy_d\\nerror -1\\nend\\n' >&3\n");
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
	ck_assert_int_eq(vad_set_probe_helper(m.ctx, path), 0);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	unsetenv("VADISCOVER_PROBE_HELPER");	/* the API's path, then */
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	struct vad_device *d = vad_device_get(m.ctx, 1);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), 0);
	ck_assert_int_eq(vad_device_get_va_version(d), 116);
	ck_assert_uint_eq(vad_device_get_decode(d), VAD_CODEC_H264 | VAD_CODEC_HEVC);
	ck_assert_uint_eq(vad_device_get_encode(d), VAD_CODEC_H264);
	ck_assert(vad_device_get_vpp(d));
	ck_assert_str_eq(vad_device_get_va_vendor(d), "A vendor 1");
	ck_assert_str_eq(vad_device_get_va_driver(d), "my_d");
	ck_assert_ptr_null(vad_device_get_va_error(d));
	leave();
}
END_TEST

/* vad_set_probe_helper_beside_program(): the vadiscover-probe in this program's directory,
 * when there is one; else the helper stays as it was. */
START_TEST(helper_beside_program)
{
	char exe[PATH_MAX], beside[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f;

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	ck_assert_ptr_nonnull(strrchr(exe, '/'));
	snprintf(beside, sizeof(beside), "%.*s/vadiscover-probe", (int)(strrchr(exe, '/') - exe),
		 exe);
	unlink(beside);

	enter_rule("adl-sriov-host", NULL);
	unsetenv("VADISCOVER_PROBE_HELPER");
	ck_assert_int_eq(vad_set_probe_helper_beside_program(NULL), -EINVAL);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	ck_assert_int_eq(vad_set_probe_helper(m.ctx, "/nonexistent/vadiscover-probe"), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 8);

	/* None beside this program: the helper set before stays. */
	ck_assert_int_eq(vad_set_probe_helper_beside_program(m.ctx), -ENOENT);
	struct vad_device *d = vad_device_get(m.ctx, 1);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(vad_device_get_va_error(d), "/nonexistent/vadiscover-probe"));

	/* One that is not executable does not count either. */
	f = fopen(beside, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\nprintf 'vadiscover-record 1\\nstatus 0\\nopen-failed 0\\n"
		"version 116\\ndecode 0x2\\nencode 0x0\\nvpp 0\\nvendor -1\\ndriver 6\\n"
		"beside\\nerror -1\\nend\\n' >&3\n");
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(beside, 0644), 0);
	ck_assert_int_eq(vad_set_probe_helper_beside_program(m.ctx), -ENOENT);

	/* An executable one is used. */
	ck_assert_int_eq(chmod(beside, 0755), 0);
	ck_assert_int_eq(vad_set_probe_helper_beside_program(m.ctx), 0);
	d = vad_device_get(m.ctx, 2);
	int r = vad_device_probe(m.ctx, d, NULL);
	unlink(beside);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(vad_device_get_va_driver(d), "beside");
	ck_assert_uint_eq(vad_device_get_decode(d), VAD_CODEC_H264);
	leave();
}
END_TEST

/* The log lines that start a helper ("probing in ..."). */
static void count_spawns(struct vad_context *ctx, enum vad_log_priority priority, void *userdata,
			 const char *format, va_list args)
{
	char line[1024];

	(void)ctx;
	(void)priority;
	vsnprintf(line, sizeof(line), format, args);
	if (strstr(line, ": probing in "))
		(*(int *)userdata)++;
}

/* A VA driver that must be forced (iHD for xe) and is not installed: the answer a helper
 * would give, without starting one; the same answer as a probe in this process. */
START_TEST(library_missing_driver_no_helper)
{
	char empty[PATH_MAX + 32], err[1024];
	struct th_opts o = { 0 };
	int spawns = 0;

	snprintf(empty, sizeof(empty), "%s/empty-dri", getenv("TMPDIR"));
	ck_assert_int_eq(mkdir(empty, 0755), 0);
	o.drivers_dir = empty;
	tl_enter(&m, "xe-sriov", &o);
	vad_set_log_fn(m.ctx, count_spawns, VAD_LOG_DEBUG, &spawns);
	ck_assert_int_ge(vad_scan(m.ctx), 2);
	struct vad_device *d = vad_device_get(m.ctx, 1);
	ck_assert_str_eq(vad_device_get_required_va_driver(d), "iHD");
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), -ENOPKG);
	ck_assert_int_eq(spawns, 0);
	snprintf(err, sizeof(err), "%s", vad_device_get_va_error(d));
	ck_assert_msg(strstr(err, "iHD_drv_video.so is not installed"), "%s", err);
	/* The same in this process. */
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_IN_PROCESS), 0);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, "iHD"), -ENOPKG);
	ck_assert_str_eq(vad_device_get_va_error(d), err);
	/* Left to libva (LIBVA_DRIVER_NAME chooses, nothing is forced), a helper asks. */
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	setenv("LIBVA_DRIVER_NAME", "iHD", 1);
	d = vad_device_get(m.ctx, 2);
	ck_assert_ptr_null(vad_device_get_required_va_driver(d));
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), -ENOPKG);
	unsetenv("LIBVA_DRIVER_NAME");
	ck_assert_int_eq(spawns, 1);
	tl_leave(&m);
	rmdir(empty);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Side by side */

/* The initialisations recorded in FAKEVA_SPAN's @file: how many, and the most that ran at
 * once (begun, not yet ended). */
static int span_most(const char *file, int *begun)
{
	FILE *f = fopen(file, "r");
	char line[256], what[16], node[128];
	int now = 0, most = 0, pid;

	*begun = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %127s %d", what, node, &pid) != 3)
			continue;
		if (strcmp(what, "begin") == 0) {
			(*begun)++;
			if (++now > most)
				most = now;
		} else if (strcmp(what, "end") == 0) {
			now--;
		}
	}
	fclose(f);
	return most;
}

/* The number of different nodes in the count file, and its lines. */
static int count_nodes(const char *file, int *lines)
{
	char seen[16][128], line[512], slot[64], node[128];
	FILE *f = fopen(file, "r");
	int n = 0;

	*lines = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		bool known = false;

		if (sscanf(line, "init %63s %127s", slot, node) != 2)
			continue;
		(*lines)++;
		for (int i = 0; i < n; i++)
			known = known || strcmp(seen[i], node) == 0;
		if (!known && n < 16)
			snprintf(seen[n++], sizeof(seen[0]), "%s", node);
	}
	fclose(f);
	return n;
}

static int cpus(void)
{
	cpu_set_t set;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	return CPU_COUNT(&set);
}

/* This test process (forked for the test) may run on one CPU only. */
static void one_cpu(void)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
}

/* vad_select() with VAD_SELECT_ALL on adl-sriov-host: every device capable of @decode,
 * the first chosen, the others matching. */
static void select_all_capable(unsigned int decode)
{
	struct vad_device *chosen = NULL;

	ck_assert_int_eq(vad_select(m.ctx, NULL, VAD_SELECT_ALL, &chosen), 0);
	ck_assert_ptr_eq(chosen, vad_device_get(m.ctx, 0));
	for (size_t i = 0; i < 8; i++) {
		struct vad_device *d = vad_device_get(m.ctx, i);

		ck_assert_int_eq(vad_device_get_va_status(d), 0);
		ck_assert_uint_eq(vad_device_get_decode(d), decode);
		ck_assert_int_eq(vad_device_get_verdict(d),
				 i == 0 ? VAD_VERDICT_SELECTED : VAD_VERDICT_MATCH);
	}
}

/* Every device probed (VAD_SELECT_ALL, as `vadiscover list`): the helpers run side by side,
 * as many at once as there are CPUs, each device exactly once. The driver sleeps 2 s in
 * each initialisation: a helper started at once overlaps the one before. */
START_TEST(library_side_by_side)
{
	char span[PATH_MAX + 32];
	int begun, lines, width = cpus() < 8 ? cpus() : 8;

	enter_rule("adl-sriov-host", "* ok sleep=2000 decode=h264 vpp=1");
	setenv("VADISCOVER_PROBE_TIMEOUT", "60", 1);
	snprintf(span, sizeof(span), "%s/span", m.topo_dir);
	setenv("FAKEVA_SPAN", span, 1);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	select_all_capable(VAD_CODEC_H264);
	ck_assert_int_eq(count_nodes(m.count_file, &lines), 8);
	ck_assert_int_eq(lines, 8);
	ck_assert_int_eq(span_most(span, &begun), width);
	ck_assert_int_eq(begun, 8);
	assert_no_children();
	unsetenv("FAKEVA_SPAN");
	leave();
}
END_TEST

/* Side by side, the choice is the one of probes in render-node order: the first device slow
 * but answering stays the choice over a fast second one (_i 0); the first one hanging
 * (killed at its deadline) leaves the second, whose answer waited in its pipe meanwhile
 * (_i 1). Each device is probed once. */
START_TEST(library_side_by_side_order)
{
	static const char *const first[] = {
		"0000:00:02.0 ok sleep=1500 decode=h264 vpp=1",
		"0000:00:02.0 hang",
	};
	const char *va[] = { first[_i], "0000:03:00.0 ok decode=h264,av1 vpp=1", NULL };
	struct th_opts o = { .va_lines = va };
	struct vad_device *chosen = NULL, *d0, *d1;
	int lines;

	tl_enter(&m, "intel-arc", &o);
	setenv("VADISCOVER_PROBE_TIMEOUT", "2", 1);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	ck_assert_int_eq(vad_select(m.ctx, NULL, VAD_SELECT_ALL, &chosen), 0);
	d0 = vad_device_get(m.ctx, 0);
	d1 = vad_device_get(m.ctx, 1);
	ck_assert_str_eq(vad_device_get_node(d0), "/dev/dri/renderD128");
	ck_assert_int_eq(vad_device_get_va_status(d1), 0);
	ck_assert_uint_eq(vad_device_get_decode(d1), VAD_CODEC_H264 | VAD_CODEC_AV1);
	if (_i == 0) {
		ck_assert_ptr_eq(chosen, d0);
		ck_assert_int_eq(vad_device_get_va_status(d0), 0);
		ck_assert_int_eq(vad_device_get_verdict(d1), VAD_VERDICT_MATCH);
	} else {
		ck_assert_ptr_eq(chosen, d1);
		ck_assert_int_eq(vad_device_get_va_status(d0), -ETIMEDOUT);
		ck_assert_int_eq(vad_device_get_verdict(d0), VAD_VERDICT_NO_VA);
	}
	ck_assert_int_eq(count_nodes(m.count_file, &lines), 2);
	ck_assert_int_eq(lines, 2);
	assert_no_children();
	leave();
}
END_TEST

/* The different pids in the count file ("init SLOT NODE PID ..."): the processes that
 * initialised a VA driver. */
static int count_inits_pids(const char *file)
{
	pid_t pids[64], seen[64];
	int n = count_pids(file, pids, 64), k = 0;

	for (int i = 0; i < n; i++) {
		bool known = false;

		for (int j = 0; j < k; j++)
			known = known || seen[j] == pids[i];
		if (!known)
			seen[k++] = pids[i];
	}
	return k;
}

/* A helper probes several devices in turn: on adl-sriov-host (8 devices) every device
 * answers once, from as many processes as helpers run at once (one per CPU, _i 0; one
 * CPU, _i 1: one helper for all 8), not one process per device. */
START_TEST(library_helper_many_devices)
{
	int width, lines;

	if (_i == 1)
		one_cpu();
	width = cpus() < 8 ? cpus() : 8;
	enter_rule("adl-sriov-host", "* ok decode=h264,hevc vpp=1");
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	select_all_capable(VAD_CODEC_H264 | VAD_CODEC_HEVC);
	ck_assert_int_eq(count_nodes(m.count_file, &lines), 8);
	ck_assert_int_eq(lines, 8);
	ck_assert_int_eq(count_inits_pids(m.count_file), width);
	assert_no_children();
	leave();
}
END_TEST

/* How many helpers probe @n devices with @width CPUs when the devices @broken (indices,
 * @nbroken) crash or hang: one per CPU, each given a run of consecutive devices (device i
 * of n to helper g when n*g/width <= i < n*(g+1)/width), and one more for the devices
 * after a broken one in its run. */
static int helpers_expected(int n, int width, const int *broken, int nbroken)
{
	int count = width < n ? width : n, k = count;

	for (int j = 0; j < nbroken; j++)
		for (int g = 0; g < count; g++)
			if (broken[j] >= n * g / count && broken[j] + 1 < n * (g + 1) / count)
				k++;
	return k;
}

/* A device that crashes or hangs in a helper probing several costs that device only: a
 * new helper probes the devices after it in its run. On adl-sriov-host, renderD129
 * crashes and renderD131 hangs (_i 0) or is wedged, ignoring its parent's death (_i 1);
 * with one CPU (_i 2, 3) all 8 devices start in one helper. Each device is initialised
 * exactly once, each answer is its own, no more helpers run than that rule makes, and
 * nothing is left behind. */
START_TEST(library_helper_many_devices_broken)
{
	const char *va[] = { "renderD129 crash", _i % 2 ? "renderD131 wedge" : "renderD131 hang",
			     "* ok decode=h264 vpp=1", NULL };
	struct th_opts o = { .va_lines = va };
	struct vad_device *chosen = NULL;
	int lines, fds;

	if (_i >= 2)
		one_cpu();
	tl_enter(&m, "adl-sriov-host", &o);
	setenv("VADISCOVER_PROBE_TIMEOUT", "2", 1);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	fds = tl_count_fds();
	double t0 = now();
	ck_assert_int_eq(vad_select(m.ctx, NULL, VAD_SELECT_ALL, &chosen), 0);
	ck_assert_msg(now() - t0 < LONGEST, "%.1f s", now() - t0);
	ck_assert_ptr_eq(chosen, vad_device_get(m.ctx, 0));
	for (size_t i = 0; i < 8; i++) {
		struct vad_device *d = vad_device_get(m.ctx, i);
		const char *node = vad_device_get_node(d);

		if (strcmp(node, "/dev/dri/renderD129") == 0) {
			ck_assert_int_eq(vad_device_get_va_status(d), -EIO);
			ck_assert_str_eq(vad_device_get_va_error(d), CRASH_REASON);
		} else if (strcmp(node, "/dev/dri/renderD131") == 0) {
			ck_assert_int_eq(vad_device_get_va_status(d), -ETIMEDOUT);
			ck_assert_str_eq(vad_device_get_va_error(d), HANG_REASON);
		} else {
			ck_assert_msg(vad_device_get_va_status(d) == 0, "%s: %s", node,
				      vad_device_get_va_error(d));
			ck_assert_uint_eq(vad_device_get_decode(d), VAD_CODEC_H264);
		}
	}
	ck_assert_int_eq(count_nodes(m.count_file, &lines), 8);
	ck_assert_int_eq(lines, 8);
	ck_assert_int_eq(count_inits_pids(m.count_file),
			 helpers_expected(8, cpus(), (const int[]){ 1, 3 }, 2));
	assert_no_children();
	assert_pids_gone(m.count_file);
	ck_assert_int_eq(tl_count_fds(), fds);
	leave();
}
END_TEST

/* A caller that ignores SIGCHLD: the kernel reaps its children, and waitpid() says ECHILD
 * instead of how a helper ended. The other devices keep their records; renderD129, whose
 * driver crashes, is answered at once with what is known (no record, the stage it was in),
 * not taken for a hang at its deadline. */
START_TEST(library_sigchld_ignored)
{
	const char *va[] = { "renderD129 crash", "* ok decode=h264 vpp=1", NULL };
	struct th_opts o = { .va_lines = va };
	struct vad_device *chosen = NULL;

	tl_enter(&m, "adl-sriov-host", &o);
	setenv("VADISCOVER_PROBE_TIMEOUT", "2", 1);
	ck_assert_ptr_ne(signal(SIGCHLD, SIG_IGN), SIG_ERR);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	ck_assert_int_eq(vad_select(m.ctx, NULL, VAD_SELECT_ALL, &chosen), 0);
	for (size_t i = 0; i < 8; i++) {
		struct vad_device *d = vad_device_get(m.ctx, i);

		if (strcmp(vad_device_get_node(d), "/dev/dri/renderD129") == 0) {
			ck_assert_int_eq(vad_device_get_va_status(d), -EIO);
			ck_assert_msg(strstr(vad_device_get_va_error(d),
					     "gave no valid result (during vaInitialize)"),
				      "%s", vad_device_get_va_error(d));
		} else {
			ck_assert_int_eq(vad_device_get_va_status(d), 0);
		}
	}
	signal(SIGCHLD, SIG_DFL);
	leave();
}
END_TEST

/* The helper's command line: --driver and --kernel-driver belong to the node after them
 * only. On intel-nvidia, renderD129 (i915) forced to the nvidia driver, then the same node
 * as libva chooses: the second record names libva's own choice, iHD. */
START_TEST(helper_options_per_node)
{
	char cmd[PATH_MAX * 2], out[4096];
	size_t len;
	FILE *p;

	enter_rule("intel-nvidia", "* ok decode=h264 vpp=1");
	snprintf(cmd, sizeof(cmd), "'%s' --driver nvidia --kernel-driver i915 "
		 "/dev/dri/renderD129 /dev/dri/renderD129 3>&1 >/dev/null",
		 getenv("VADISCOVER_PROBE_HELPER"));
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	const char *first = strstr(out, "driver 6\nnvidia\n");
	ck_assert_msg(first, "%s", out);
	const char *second = strstr(first, "vadiscover-record 1\n");
	ck_assert_msg(second, "%s", out);
	ck_assert_msg(strstr(second, "driver 3\niHD\n"), "%s", out);
	leave();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = test_case(s, "tool");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, first_device_fails, 0, 20);

	tc = test_case(s, "library");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, library_side_by_side);
	tcase_add_loop_test(tc, library_side_by_side_order, 0, 2);
	tcase_add_loop_test(tc, library_helper_many_devices, 0, 2);
	tcase_add_test(tc, helper_options_per_node);
	tcase_add_test(tc, library_sigchld_ignored);
	tcase_add_loop_test(tc, library_helper_many_devices_broken, 0, 4);
	tcase_add_test(tc, library_hang_intel_nvidia);
	tcase_add_test(tc, library_crash_intel_nvidia);
	tcase_add_test(tc, library_hang_sriov);
	tcase_add_test(tc, library_crash_sriov);
	tcase_add_test(tc, library_modes);
	tcase_add_test(tc, library_no_helper);
	tcase_add_test(tc, library_stdio_closed);
	tcase_add_loop_test(tc, helper_garbage, 0, 7);
	tcase_add_test(tc, helper_record_read);
	tcase_add_test(tc, helper_beside_program);
	tcase_add_test(tc, library_missing_driver_no_helper);
	return s;
}
