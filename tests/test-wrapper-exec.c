/*
 * The ffmpeg wrapper as a program: Debian's real ffmpeg behind it (VADISCOVER_FFMPEG = the
 * configured one), on simulated machines (th_run: tests/harness/run-in).
 *
 *   jellyfin:  Jellyfin's VAAPI probe and transcode init in adl-sriov-lxc-vf4 (no
 *              renderD128); the default-path probe and the AMD form in intel-nvidia;
 *              the probe on xe (xe-sriov), where Debian's libva 2.17 finds no driver
 *              unless the argument names iHD;
 *   messages:  the [vadiscover] line only at -v verbose or into VADISCOVER_LOG; a warning
 *              when nothing matches; invalid mode or spec; mode off; no probing for
 *              -version; a VADISCOVER_LOG FIFO nobody reads is skipped; control
 *              characters in arguments are escaped;
 *   process:   exit statuses and signals, `q` on stdin, the pid is ffmpeg's, SIGTERM
 *              reaches ffmpeg's handler, stdout byte-identical, no fd of the wrapper
 *              survives the exec, ffprobe, refusing to execute itself or a script that
 *              executes it (with and without /proc), the environment passed on byte for
 *              byte (also after reading the ELF file and probing), a command line that
 *              is too long once rewritten runs as given, the build tree's programs find
 *              the probe helper built with them;
 *   real ffmpeg: the run-time search (VADISCOVER_FFMPEG, configure's, jellyfin-ffmpeg's,
 *              PATH without the wrapper itself or a script that executes it, with and
 *              without /proc; none: 127 and one line), ffprobe's
 *              (VADISCOVER_FFPROBE, configure's, beside the ffmpeg found), an ffmpeg
 *              whose libva cannot be loaded still starts, an ffmpeg that is a script.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

extern char **environ;

#define D128 "/dev/dri/renderD128"
#define D129 "/dev/dri/renderD129"
#define D132 "/dev/dri/renderD132"

static char wrapper[PATH_MAX], wrapper_probe[PATH_MAX], fdlist[PATH_MAX];
static char envlist[PATH_MAX], fakeva_ffmpeg[PATH_MAX];
/* The wrapper built with its configured ffmpeg and jellyfin-ffmpeg under search_dir. */
static char search[PATH_MAX], search_probe[PATH_MAX], search_dir[PATH_MAX - 64];

static void setup(void)
{
	snprintf(wrapper, sizeof(wrapper), "%s/fftools-wrapper/ffmpeg", th_builddir());
	snprintf(wrapper_probe, sizeof(wrapper_probe), "%s/fftools-wrapper/ffprobe",
		 th_builddir());
	snprintf(fdlist, sizeof(fdlist), "%s/tests/wrapper-fdlist", th_builddir());
	snprintf(envlist, sizeof(envlist), "%s/tests/wrapper-env", th_builddir());
	snprintf(fakeva_ffmpeg, sizeof(fakeva_ffmpeg), "%s/tests/fakeva-ffmpeg/ffmpeg",
		 th_builddir());
	snprintf(search_dir, sizeof(search_dir), "%s/tests/wrapper-search", th_builddir());
	snprintf(search, sizeof(search), "%s/ffmpeg", search_dir);
	snprintf(search_probe, sizeof(search_probe), "%s/ffprobe", search_dir);
	setenv("VADISCOVER_FFMPEG", VAD_REAL_FFMPEG, 1);
	setenv("VADISCOVER_FFPROBE", VAD_REAL_FFPROBE, 1);
	unsetenv("VADISCOVER_MODE");
	unsetenv("VADISCOVER_SELECT");
	unsetenv("VADISCOVER_LOG");
}

#define RUN(topo, ...) run_program(&(struct th_opts){ .topology = (topo) }, __VA_ARGS__, NULL)
/* The same under timeout(1) (exit status 124 when it never ends: an exec loop, a blocked
 * open), with "NAME=VALUE" entries @envs (NULL-terminated) added to the environment. */
#define RUN_BOUNDED(topo, envs, ...) \
	run_program(&(struct th_opts){ .topology = (topo), .env = (envs) }, "timeout", "60", \
		    __VA_ARGS__, NULL)
/* No /proc (a chroot, a sandbox): needs a topology, the shim does it. */
static const char *const no_proc[] = { "FAKEGPU_NO_PROC=1", NULL };

static int count(const char *haystack, const char *needle)
{
	int n = 0;
	for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ------------------------------------------------------------------------------------ */
/* jellyfin */

/* Jellyfin's VAAPI probe for renderD128 in an LXC container given VF 4 (renderD132). */
START_TEST(probe_lxc_vf4)
{
	struct th_result w = RUN("adl-sriov-lxc-vf4", wrapper, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128);
	struct th_result d = RUN("adl-sriov-lxc-vf4", VAD_REAL_FFMPEG, "-v", "verbose",
				 "-hide_banner", "-init_hw_device", "vaapi=va:" D132);
	struct th_result bare = RUN("adl-sriov-lxc-vf4", VAD_REAL_FFMPEG, "-v", "verbose",
				    "-hide_banner", "-init_hw_device", "vaapi=va:" D128);

	/* without the wrapper the probe fails: the topology really lacks renderD128 */
	ck_assert_ptr_null(strstr(bare.err, "Intel iHD driver"));
	ck_assert_ptr_nonnull(strstr(d.err, "Intel iHD driver"));

	ck_assert_msg(strstr(w.err, "Intel iHD driver"), "stderr:\n%s", w.err);
	ck_assert_int_eq(count(w.err, "[vadiscover]"), 1);
	ck_assert_ptr_nonnull(strstr(w.err, "[vadiscover] -init_hw_device vaapi=va:" D128
				     " -> vaapi=va:" D132));
	/* it exits as ffmpeg does (no output file: 1), and stdout stays ffmpeg's (empty) */
	ck_assert_int_eq(exit_status(&w), exit_status(&d));
	ck_assert_str_eq(w.out, d.out);
	th_result_free(&w);
	th_result_free(&d);
	th_result_free(&bare);
}
END_TEST

/* Jellyfin's VAAPI probe on a Flex 170 PF driven by xe: renderD128 exists and works, but
 * libva before 2.21 looks for xe_drv_video.so; the wrapper keeps the node and names iHD. */
START_TEST(probe_xe)
{
	struct th_result w = RUN("xe-sriov", wrapper, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128);
	struct th_result d = RUN("xe-sriov", VAD_REAL_FFMPEG, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128 ",driver=iHD");
	struct th_result bare = RUN("xe-sriov", VAD_REAL_FFMPEG, "-v", "verbose",
				    "-hide_banner", "-init_hw_device", "vaapi=va:" D128);

	/* without the driver named the probe fails: libva has no driver for xe */
	ck_assert_ptr_null(strstr(bare.err, "Intel iHD driver"));
	ck_assert_ptr_nonnull(strstr(bare.err, "Failed to initialise VAAPI connection"));
	ck_assert_ptr_nonnull(strstr(d.err, "Intel iHD driver"));

	ck_assert_msg(strstr(w.err, "Intel iHD driver"), "stderr:\n%s", w.err);
	ck_assert_ptr_null(strstr(w.err, "Failed to initialise VAAPI connection"));
	ck_assert_int_eq(count(w.err, "[vadiscover]"), 1);
	ck_assert_ptr_nonnull(strstr(w.err, "[vadiscover] -init_hw_device vaapi=va:" D128
				     " -> vaapi=va:" D128 ",driver=iHD"));
	/* it exits as ffmpeg does with the driver named (no output file: 1), and stdout
	 * stays ffmpeg's (empty) */
	ck_assert_int_eq(exit_status(&w), exit_status(&d));
	ck_assert_int_ne(exit_status(&bare), 0);
	ck_assert_str_eq(w.out, d.out);
	th_result_free(&w);
	th_result_free(&d);
	th_result_free(&bare);
}
END_TEST

/* ... but a driver the user chose stays: LIBVA_DRIVER_NAME, or driver= in the argument. */
START_TEST(probe_xe_driver_chosen)
{
	/* run-in unsets LIBVA_DRIVER_NAME; env(1) sets it for the wrapper */
	struct th_result env = RUN("xe-sriov", "env", "LIBVA_DRIVER_NAME=iHD", wrapper, "-v",
				   "verbose", "-hide_banner", "-init_hw_device", "vaapi=va:" D128);
	ck_assert_msg(strstr(env.err, "Intel iHD driver"), "stderr:\n%s", env.err);
	ck_assert_int_eq(count(env.err, "[vadiscover]"), 0);

	struct th_result arg = RUN("xe-sriov", wrapper, "-v", "verbose", "-hide_banner",
				   "-init_hw_device", "vaapi=va:" D128 ",driver=iHD");
	ck_assert_msg(strstr(arg.err, "Intel iHD driver"), "stderr:\n%s", arg.err);
	ck_assert_int_eq(count(arg.err, "[vadiscover]"), 0);
	th_result_free(&env);
	th_result_free(&arg);
}
END_TEST

/* With VADISCOVER_LOG the line still reaches ffmpeg's log at -v verbose; and in auto mode
 * VADISCOVER_SELECT filters the node given: a working AMD renderD128 is replaced by the
 * Intel node the spec asks for, and the line says why. */
START_TEST(log_and_select_filter_given_node)
{
	char log[PATH_MAX];

	tmp_file(log, sizeof(log), "wrapper-log");
	setenv("VADISCOVER_LOG", log, 1);
	setenv("VADISCOVER_SELECT", "vendor=8086", 1);
	struct th_result w = RUN("intel-amd-swapped", wrapper, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128);
	unsetenv("VADISCOVER_SELECT");
	unsetenv("VADISCOVER_LOG");
	const char *line = "[vadiscover] -init_hw_device vaapi=va:" D128 " -> vaapi=va:" D129
			   " (" D128 ": does not match VADISCOVER_SELECT 'vendor=8086': filtered "
			   "out: vendor 0x1002 != 0x8086)\n";
	ck_assert_msg(strstr(w.err, line), "stderr:\n%s", w.err);
	ck_assert_int_eq(count(w.err, "[vadiscover]"), 1);
	char *text = slurp(log);
	ck_assert_msg(strstr(text, line), "log: %s", text);
	ck_assert_int_eq(count(text, "\n"), 1);
	/* ffmpeg really opened the Intel node */
	ck_assert_msg(strstr(w.err, "Intel iHD driver"), "stderr:\n%s", w.err);
	free(text);
	unlink(log);
	th_result_free(&w);
}
END_TEST

/* A node the command line's own vendor_id= rules out is refused for that, not blamed on
 * VADISCOVER_SELECT, which it matches. */
START_TEST(select_and_own_filter_given_node)
{
	setenv("VADISCOVER_SELECT", "kernel_driver=amdgpu|i915", 1);
	struct th_result w = RUN("intel-amd-swapped", wrapper, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128 ",vendor_id=0x8086");
	unsetenv("VADISCOVER_SELECT");
	const char *line = "[vadiscover] -init_hw_device vaapi=va:" D128 ",vendor_id=0x8086 -> "
			   "vaapi=va:" D129 ",vendor_id=0x8086 (" D128 ": filtered out: vendor "
			   "0x1002 != 0x8086)\n";
	ck_assert_msg(strstr(w.err, line), "stderr:\n%s", w.err);
	ck_assert_int_eq(count(w.err, "[vadiscover]"), 1);
	th_result_free(&w);
}
END_TEST

/* Jellyfin's transcode init when renderD128 does not exist: vaapi=va:,driver=iHD. */
START_TEST(transcode_lxc_vf4)
{
	char trace[PATH_MAX], log[PATH_MAX];
	const char *args[] = { "-init_hw_device", "vaapi=va:,driver=iHD", "-f", "lavfi", "-i",
			       "testsrc=d=0.1", "-f", "null", "-" };

	tmp_file(trace, sizeof(trace), "wrapper-trace");
	tmp_file(log, sizeof(log), "wrapper-log");
	setenv("VADISCOVER_LOG", log, 1);
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4", .trace_file = trace };
	struct th_result w = run_program(&o, wrapper, args[0], args[1], args[2], args[3], args[4],
				      args[5], args[6], args[7], args[8], NULL);
	unsetenv("VADISCOVER_LOG");
	struct th_result d = RUN("adl-sriov-lxc-vf4", VAD_REAL_FFMPEG, args[0], args[1], args[2],
				 args[3], args[4], args[5], args[6], args[7], args[8]);

	/* ffmpeg 5.1 alone: the search ends at the missing renderD128 */
	ck_assert_int_ne(exit_status(&d), 0);
	ck_assert_msg(exit_status(&w) == 0, "stderr:\n%s", w.err);
	ck_assert_int_gt(th_count_lines(trace, "renderD132"), 0);
	char *text = slurp(log);
	ck_assert_msg(strstr(text, "[vadiscover] -init_hw_device vaapi=va:,driver=iHD -> "
			      "vaapi=va:" D132 ",driver=iHD"), "log: %s", text);
	ck_assert_int_eq(count(text, "\n"), 1);
	/* The line is led by the local time in ISO 8601 (extended, with the UTC offset) and
	 * the pid of the wrapper, which became ffmpeg. */
	{
		int y, mo, dd, h, mi, sec, oh, om, n = 0;
		long pid;
		char sign;

		ck_assert_msg(sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d [%ld] %n", &y, &mo, &dd,
				     &h, &mi, &sec, &sign, &oh, &om, &pid, &n) == 10 && n == 29 +
			      snprintf(NULL, 0, "%ld", pid), "log: %s", text);
		ck_assert(sign == '+' || sign == '-');
		ck_assert(mo >= 1 && mo <= 12 && dd >= 1 && dd <= 31 && h < 24 && mi < 60);
		ck_assert_int_gt(pid, 1);
		ck_assert_str_eq(text + n, "[vadiscover] -init_hw_device vaapi=va:,driver=iHD -> "
				 "vaapi=va:" D132 ",driver=iHD (no node given)\n");
	}
	/* the loglevel is info: stderr has no line */
	ck_assert_ptr_null(strstr(w.err, "[vadiscover]"));
	free(text);
	unlink(trace);
	unlink(log);
	th_result_free(&w);
	th_result_free(&d);
}
END_TEST

/* intel-nvidia: renderD128 is the NVIDIA card (no VA); the probe lands on Intel. */
START_TEST(probe_intel_nvidia)
{
	struct th_result w = RUN("intel-nvidia", wrapper, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128);
	struct th_result d = RUN("intel-nvidia", VAD_REAL_FFMPEG, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128);

	ck_assert_ptr_null(strstr(d.err, "Intel iHD driver"));
	ck_assert_msg(strstr(w.err, "Intel iHD driver"), "stderr:\n%s", w.err);
	ck_assert_ptr_nonnull(strstr(w.err, "-> vaapi=va:" D129));
	th_result_free(&w);
	th_result_free(&d);
}
END_TEST

/* Jellyfin's AMD form, in a topology where renderD128 is not a VA device. */
START_TEST(amd_form_intel_nvidia)
{
	char count_file[PATH_MAX];

	tmp_file(count_file, sizeof(count_file), "wrapper-count");
	struct th_opts o = { .topology = "intel-nvidia", .count_file = count_file };
	struct th_result w = run_program(&o, wrapper, "-v", "verbose", "-init_hw_device",
				      "drm=dr:" D128, "-init_hw_device", "vaapi=va@dr", "-f",
				      "lavfi", "-i", "testsrc=d=0.1", "-f", "null", "-", NULL);
	struct th_result d = RUN("intel-nvidia", VAD_REAL_FFMPEG, "-v", "verbose",
				 "-init_hw_device", "drm=dr:" D128, "-init_hw_device",
				 "vaapi=va@dr", "-f", "lavfi", "-i", "testsrc=d=0.1", "-f", "null",
				 "-");

	ck_assert_int_ne(exit_status(&d), 0);
	ck_assert_msg(exit_status(&w) == 0, "stderr:\n%s", w.err);
	ck_assert_ptr_nonnull(strstr(w.err, "[vadiscover] -init_hw_device drm=dr:" D128
				     " -> drm=dr:" D129));
	ck_assert_ptr_nonnull(strstr(w.err, "Intel iHD driver"));
	/* ffmpeg's own VA initialisation was on the Intel device */
	ck_assert_int_gt(th_count_lines(count_file, "0000:00:02.0"), 0);
	unlink(count_file);
	th_result_free(&w);
	th_result_free(&d);
}
END_TEST

/* VADISCOVER_SELECT chooses among working devices; force makes it win over a working
 * node given on the command line, auto does not. */
START_TEST(select_and_force)
{
	/* auto: the given node works and matches the spec: kept, without a word */
	setenv("VADISCOVER_SELECT", "vendor=0x1002", 1);
	struct th_result a = RUN("intel-amd-swapped", wrapper, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128);
	setenv("VADISCOVER_SELECT", "vendor=0x8086", 1);
	setenv("VADISCOVER_MODE", "force", 1);
	struct th_result f = RUN("intel-amd-swapped", wrapper, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128);
	unsetenv("VADISCOVER_MODE");
	unsetenv("VADISCOVER_SELECT");

	ck_assert_msg(strstr(a.err, "Mesa Gallium driver"), "auto:\n%s", a.err);
	ck_assert_ptr_null(strstr(a.err, "[vadiscover]"));
	ck_assert_msg(strstr(f.err, "Intel iHD driver"), "force:\n%s", f.err);
	ck_assert_ptr_nonnull(strstr(f.err, "[vadiscover] -init_hw_device vaapi=va:" D128
				     " -> vaapi=va:" D129 " (mode force)"));
	th_result_free(&a);
	th_result_free(&f);
}
END_TEST

/* -hwaccel vaapi with no device (Frigate without -hwaccel_device): one is added. */
START_TEST(hwaccel_added)
{
	struct th_result w = RUN("adl-sriov-lxc-vf4", wrapper, "-v", "verbose", "-hwaccel",
				 "vaapi", "-f", "lavfi", "-i", "testsrc=d=0.1", "-f", "null", "-");
	struct th_result d = RUN("adl-sriov-lxc-vf4", VAD_REAL_FFMPEG, "-hwaccel", "vaapi", "-f",
				 "lavfi", "-i", "testsrc=d=0.1", "-f", "null", "-");

	ck_assert_int_ne(exit_status(&d), 0);
	ck_assert_msg(exit_status(&w) == 0, "stderr:\n%s", w.err);
	ck_assert_ptr_nonnull(strstr(w.err, "-hwaccel vaapi -hwaccel_device " D132));
	ck_assert_ptr_nonnull(strstr(w.err, "Intel iHD driver"));
	th_result_free(&w);
	th_result_free(&d);

	/* two VAAPI devices given: ffmpeg 5.1 makes a third with no node for -hwaccel */
	w = RUN("adl-sriov-lxc-vf4", wrapper, "-init_hw_device", "vaapi=a:" D132,
		"-init_hw_device", "vaapi=b:" D132, "-hwaccel", "vaapi", "-f", "lavfi", "-i",
		"testsrc=d=0.1", "-f", "null", "-");
	d = RUN("adl-sriov-lxc-vf4", VAD_REAL_FFMPEG, "-init_hw_device", "vaapi=a:" D132,
		"-init_hw_device", "vaapi=b:" D132, "-hwaccel", "vaapi", "-f", "lavfi", "-i",
		"testsrc=d=0.1", "-f", "null", "-");
	ck_assert_int_ne(exit_status(&d), 0);
	ck_assert_msg(exit_status(&w) == 0, "stderr:\n%s", w.err);
	th_result_free(&w);
	th_result_free(&d);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* messages */

START_TEST(quiet_unless_verbose)
{
	const char *levels[] = { "info", "warning", "repeat+level+verbose", "40", "debug",
				 "39" };
	const int verbose[] = { 0, 0, 1, 1, 1, 0 };

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		struct th_result w = RUN("adl-sriov-lxc-vf4", wrapper, "-v", levels[i],
					 "-hide_banner", "-init_hw_device", "vaapi=va:" D128,
					 "-f", "lavfi", "-i", "testsrc=d=0.04", "-f", "null", "-");
		ck_assert_msg(exit_status(&w) == 0, "-v %s: stderr:\n%s", levels[i], w.err);
		ck_assert_msg(count(w.err, "[vadiscover]") == verbose[i], "-v %s:\n%s",
			      levels[i], w.err);
		th_result_free(&w);
	}
}
END_TEST

START_TEST(no_match_says_why)
{
	struct th_result w = RUN("empty", wrapper, "-v", "verbose", "-hide_banner",
				 "-init_hw_device", "vaapi=va:" D128);

	ck_assert_int_ne(exit_status(&w), 0);
	ck_assert_int_eq(count(w.err, "[vadiscover]"), 1);
	const char *line = strstr(w.err, "[vadiscover] left -init_hw_device vaapi=va:" D128
				  " as given: ");
	ck_assert_msg(line, "stderr:\n%s", w.err);
	ck_assert_ptr_nonnull(strstr(line, "no DRM device"));
	/* the line comes first, then ffmpeg's own error */
	ck_assert_ptr_nonnull(strstr(line, "Device creation failed"));
	th_result_free(&w);
}
END_TEST

/* Invalid mode or spec: one line, then the command passes through unchanged. */
START_TEST(invalid_settings)
{
	const char *vars[][2] = { { "VADISCOVER_MODE", "sometimes" },
				  { "VADISCOVER_SELECT", "vendr=0x8086" },
				  { "VADISCOVER_MODE", "off" } };

	for (size_t i = 0; i < 3; i++) {
		setenv(vars[i][0], vars[i][1], 1);
		struct th_result w = RUN("adl-sriov-lxc-vf4", wrapper, "-v", "verbose",
					 "-hide_banner", "-init_hw_device", "vaapi=va:" D128);
		unsetenv(vars[i][0]);
		ck_assert_ptr_null(strstr(w.err, "Intel iHD driver"));
		ck_assert_ptr_nonnull(strstr(w.err, "Failed to open " D128));
		ck_assert_int_eq(count(w.err, "[vadiscover]"), i < 2 ? 1 : 0);
		if (i < 2) {
			ck_assert_msg(!strncmp(w.err, "[vadiscover] invalid ", 21), "%s", w.err);
			ck_assert_ptr_nonnull(strstr(w.err, vars[i][1]));
		}
		th_result_free(&w);
	}
}
END_TEST

/* A VADISCOVER_LOG that cannot be opened without blocking (a FIFO nobody reads) is left
 * aside with one line on stderr: ffmpeg starts, and the rewrite still happens. */
START_TEST(log_fifo_skipped)
{
	char fifo[PATH_MAX], want[PATH_MAX + 128];

	tmp_file(fifo, sizeof(fifo), "wrapper-fifo");
	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	setenv("VADISCOVER_LOG", fifo, 1);
	struct th_result w = RUN_BOUNDED("adl-sriov-lxc-vf4", NULL, wrapper, "-v", "verbose",
					 "-hide_banner", "-init_hw_device", "vaapi=va:" D128);
	unsetenv("VADISCOVER_LOG");
	ck_assert_msg(exit_status(&w) == 1, "status %d: %s", exit_status(&w), w.err);
	snprintf(want, sizeof(want), "[vadiscover] not writing to VADISCOVER_LOG %s: it is a "
		 "FIFO that no process reads\n", fifo);
	ck_assert_msg(!strncmp(w.err, want, strlen(want)), "stderr:\n%s", w.err);
	ck_assert_int_eq(count(w.err, "[vadiscover]"), 2);
	ck_assert_ptr_nonnull(strstr(w.err, "[vadiscover] -init_hw_device vaapi=va:" D128
				     " -> vaapi=va:" D132));
	/* ffmpeg opened the node the wrapper chose */
	ck_assert_msg(strstr(w.err, "Intel iHD driver"), "stderr:\n%s", w.err);
	th_result_free(&w);
	unlink(fifo);
}
END_TEST

/* A newline (or any control character) in an argument cannot forge a [vadiscover] line,
 * neither on stderr nor in VADISCOVER_LOG: it is written as \n. */
START_TEST(controls_escaped)
{
	char log[PATH_MAX];

	tmp_file(log, sizeof(log), "wrapper-log");
	setenv("VADISCOVER_LOG", log, 1);
	setenv("VADISCOVER_FFMPEG", envlist, 1);
	struct th_result w = RUN("adl-sriov-lxc-vf4", wrapper, "-v", "verbose", "-init_hw_device",
				 "vaapi=va:" D128 "\n[vadiscover] forged\x1b[2K\r");
	unsetenv("VADISCOVER_LOG");
	ck_assert_int_eq(exit_status(&w), 0);
	const char *line = "[vadiscover] -init_hw_device vaapi=va:" D128 "\\n[vadiscover] "
			   "forged\\x1b[2K\\r -> vaapi=va:" D132 " (" D128 "\\n[vadiscover] "
			   "forged\\x1b[2K\\r: No such file or directory)\n";
	ck_assert_msg(strstr(w.err, line), "stderr:\n%s", w.err);
	ck_assert_int_eq(count(w.err, "\n"), count(w.err, "[vadiscover]") - 2);
	ck_assert_int_eq(count(w.err, "\n[vadiscover] forged"), 0);
	ck_assert_int_eq(count(w.err, "\x1b"), 0);
	char *text = slurp(log);
	ck_assert_msg(strstr(text, line), "log: %s", text);
	ck_assert_int_eq(count(text, "\n"), 1);
	ck_assert_int_eq(count(text, "\x1b"), 0);
	free(text);
	unlink(log);
	th_result_free(&w);
}
END_TEST

/* A command without device arguments is executed without opening any device. */
START_TEST(no_probe_without_device)
{
	char trace[PATH_MAX];
	const char *cmds[][3] = { { "-version" }, { "-hide_banner", "-hwaccels" },
				  { "-hide_banner", "-h", "filter=scale_vaapi" } };

	tmp_file(trace, sizeof(trace), "wrapper-trace");
	struct th_opts o = { .topology = "adl-sriov-host", .trace_file = trace };
	for (size_t i = 0; i < 3; i++) {
		struct th_result w = run_program(&o, wrapper, cmds[i][0], cmds[i][1], cmds[i][2],
					      NULL);
		ck_assert_int_eq(exit_status(&w), 0);
		th_result_free(&w);
	}
	ck_assert_int_eq(th_count_lines(trace, NULL), 0);
	/* ...while a device argument does open nodes (the trace works) */
	struct th_result w = run_program(&o, wrapper, "-init_hw_device", "vaapi=va:" D128, NULL);
	th_result_free(&w);
	ck_assert_int_gt(th_count_lines(trace, NULL), 0);
	unlink(trace);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* process */

/* Start-up probes parse stdout: byte-identical to ffmpeg's, and so is the exit status. */
START_TEST(stdout_identical)
{
	const char *opts[] = { "-version", "-hwaccels", "-encoders", "-decoders" };

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct th_result w = RUN(NULL, wrapper, "-hide_banner", opts[i]);
		struct th_result d = RUN(NULL, VAD_REAL_FFMPEG, "-hide_banner", opts[i]);
		ck_assert_int_gt(strlen(d.out), 0);
		ck_assert_msg(!strcmp(w.out, d.out), "%s: stdout differs", opts[i]);
		ck_assert_str_eq(w.err, d.err);
		ck_assert_int_eq(w.status, d.status);
		th_result_free(&w);
		th_result_free(&d);
	}
	struct th_result w = RUN(NULL, wrapper, "-version");
	ck_assert_msg(!strncmp(w.out, "ffmpeg version ", 15), "%s", w.out);
	th_result_free(&w);
}
END_TEST

START_TEST(ffprobe)
{
	struct th_result w = RUN(NULL, wrapper_probe, "-version");
	struct th_result d = RUN(NULL, VAD_REAL_FFPROBE, "-version");

	ck_assert_msg(!strncmp(w.out, "ffprobe version ", 16), "%s%s", w.out, w.err);
	ck_assert_str_eq(w.out, d.out);
	ck_assert_int_eq(w.status, d.status);
	th_result_free(&w);
	th_result_free(&d);
}
END_TEST

/* Exit statuses and death by signal are the program's (a shell stands in for ffmpeg). */
START_TEST(exit_status_preserved)
{
	setenv("VADISCOVER_FFMPEG", "/bin/sh", 1);
	struct th_result r0 = RUN(NULL, wrapper, "-c", "exit 0");
	struct th_result r1 = RUN(NULL, wrapper, "-c", "exit 1");
	struct th_result r7 = RUN(NULL, wrapper, "-c", "exit 7");
	struct th_result rs = RUN(NULL, wrapper, "-c", "kill -SEGV $$");
	setenv("VADISCOVER_FFMPEG", VAD_REAL_FFMPEG, 1);
	struct th_result f1 = RUN(NULL, wrapper, "-hide_banner", "-i", "/nonexistent.mkv");

	ck_assert_int_eq(exit_status(&r0), 0);
	ck_assert_int_eq(exit_status(&r1), 1);
	ck_assert_int_eq(exit_status(&r7), 7);
	ck_assert(WIFSIGNALED(rs.status));
	ck_assert_int_eq(WTERMSIG(rs.status), SIGSEGV);
	ck_assert_int_eq(exit_status(&f1), 1);
	th_result_free(&r0);
	th_result_free(&r1);
	th_result_free(&r7);
	th_result_free(&rs);
	th_result_free(&f1);
}
END_TEST

/* Jellyfin stops a transcode by writing `q` to its stdin (an endless testsrc otherwise):
 * without a device argument, and with one in adl-sriov-lxc-vf4. */
START_TEST(q_on_stdin)
{
	struct th_opts plain = { .stdin_data = "q" };
	struct th_opts topo = { .topology = "adl-sriov-lxc-vf4", .stdin_data = "q" };
	struct th_result p = run_program(&plain, wrapper, "-f", "lavfi", "-re", "-i", "testsrc",
				      "-f", "null", "-", NULL);
	struct th_result t = run_program(&topo, wrapper, "-v", "verbose", "-init_hw_device",
				      "vaapi=va:,driver=iHD", "-f", "lavfi", "-re", "-i", "testsrc",
				      "-f", "null", "-", NULL);

	ck_assert_msg(exit_status(&p) == 0, "stderr:\n%s", p.err);
	ck_assert_ptr_nonnull(strstr(p.err, "[q] command received"));
	ck_assert_msg(exit_status(&t) == 0, "stderr:\n%s", t.err);
	ck_assert_ptr_nonnull(strstr(t.err, "[q] command received"));
	ck_assert_ptr_nonnull(strstr(t.err, "[vadiscover] "));
	ck_assert_ptr_nonnull(strstr(t.err, "Intel iHD driver"));
	th_result_free(&p);
	th_result_free(&t);
}
END_TEST

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Whether process @pid has a handler for @sig (SigCgt in /proc/PID/status). */
static bool catches(pid_t pid, int sig)
{
	char path[64], line[256];
	bool yes = false;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "SigCgt:", 7))
			yes = (strtoull(line + 7, NULL, 16) >> (sig - 1)) & 1;
	fclose(f);
	return yes;
}

/* Starts the wrapper on an endless ffmpeg; returns its pid once that pid runs ffmpeg and
 * ffmpeg has installed its signal handlers. */
static pid_t start_endless(void)
{
	char exe[64];
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl(wrapper, wrapper, "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc", "-f",
		      "null", "-", (char *)NULL);
		_exit(127);
	}
	/* The parent's child becomes ffmpeg in place: /proc/PID/exe is the real ffmpeg. */
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
	for (int i = 0; i < 3000 && !same_file(exe, VAD_REAL_FFMPEG); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		int status = 0;
		ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0,
			      "the wrapper ended before running ffmpeg: status 0x%x", status);
		nanosleep(&ts, NULL);
	}
	ck_assert_msg(same_file(exe, VAD_REAL_FFMPEG), "pid %d never became %s", (int)pid,
		      VAD_REAL_FFMPEG);
	for (int i = 0; i < 3000 && !catches(pid, SIGTERM); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return pid;
}

START_TEST(same_pid_and_signals)
{
	int status;

	/* SIGTERM reaches ffmpeg's own handler: it stops cleanly, with ffmpeg's status 255 */
	pid_t pid = start_endless();
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 255);

	/* a kill of the pid the server started ends ffmpeg itself */
	pid = start_endless();
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGKILL);
}
END_TEST

/* The exec'd program has exactly the fds the wrapper was given, after probing devices. */
START_TEST(no_fd_leak)
{
	char log[PATH_MAX];

	tmp_file(log, sizeof(log), "wrapper-fdlog");
	setenv("VADISCOVER_FFMPEG", fdlist, 1);
	setenv("VADISCOVER_LOG", log, 1);	/* the log file must not stay open either */
	struct th_result w = RUN("adl-sriov-lxc-vf4", wrapper, "-init_hw_device",
				 "vaapi=va:" D128, "-init_hw_device", "vaapi=vb:,driver=iHD");
	unsetenv("VADISCOVER_LOG");
	setenv("VADISCOVER_FFMPEG", VAD_REAL_FFMPEG, 1);
	char *text = slurp(log);
	ck_assert_ptr_nonnull(strstr(text, "[vadiscover] "));
	free(text);
	unlink(log);
	/* The reference runs natively even under check-valgrind: valgrind's own fds would be
	 * listed, while behind the (valgrind-run) wrapper fdlist is exec'd natively. */
	char *vg = getenv("VAD_TEST_VALGRIND") ? strdup(getenv("VAD_TEST_VALGRIND")) : NULL;
	unsetenv("VAD_TEST_VALGRIND");
	struct th_result d = RUN("adl-sriov-lxc-vf4", fdlist, "-init_hw_device",
				 "vaapi=va:" D132, "-init_hw_device",
				 "vaapi=vb:" D132 ",driver=iHD");
	if (vg)
		setenv("VAD_TEST_VALGRIND", vg, 1);
	free(vg);

	ck_assert_int_eq(exit_status(&w), 0);
	ck_assert_msg(!strcmp(w.out, d.out), "behind the wrapper:\n%s\ndirect:\n%s", w.out,
		      d.out);
	/* no fd on a DRM node, and the rewrite happened */
	char *args = strstr(w.out, "--\n");
	ck_assert_ptr_nonnull(args);
	ck_assert_ptr_null(memmem(w.out, (size_t)(args - w.out), "dri", 3));
	ck_assert_ptr_nonnull(strstr(w.out, "0 "));
	ck_assert_ptr_nonnull(strstr(args, "vaapi=va:" D132 "\n"));
	th_result_free(&w);
	th_result_free(&d);
}
END_TEST

/* Blanks the random part of run-in's temporary directory ("run-in.4N6Ikd"), which differs
 * between two runs. */
static void blank_runin_dirs(char *s)
{
	for (char *p = s; (p = strstr(p, "/run-in.")); p += 8)
		for (size_t i = 8; i < 14 && p[i] && p[i] != '/' && p[i] != '\n'; i++)
			p[i] = 'X';
}

/* Removes @text from @s once, if there. */
static void cut(char *s, const char *text)
{
	char *p = strstr(s, text);
	if (p)
		memmove(p, p + strlen(text), strlen(p + strlen(text)) + 1);
}

/* The environment reaches ffmpeg byte for byte: without a device argument, and after the
 * ELF file was read, libva loaded and devices probed. */
START_TEST(environment_untouched)
{
	/* odd values too: a newline, bytes above ASCII, an empty value, LD_LIBRARY_PATH */
	setenv("VAD_TEST_ODD", "a\nb\t\xc3\xa9\xff=", 1);
	setenv("VAD_TEST_EMPTY", "", 1);
	setenv("LD_LIBRARY_PATH", "/nonexistent/lib", 1);
	setenv("VADISCOVER_FFMPEG", envlist, 1);
	for (int dev = 0; dev < 2; dev++) {
		const char *a1 = dev ? "-init_hw_device" : "-hide_banner";
		const char *a2 = dev ? "vaapi=va:" D128 : "-version";
		struct th_result w = RUN("adl-sriov-lxc-vf4", wrapper, a1, a2);
		/* the reference runs natively even under check-valgrind (valgrind's own variables
		 * would be listed), as the program behind the wrapper does */
		char *vg = getenv("VAD_TEST_VALGRIND") ? strdup(getenv("VAD_TEST_VALGRIND")) : NULL;
		unsetenv("VAD_TEST_VALGRIND");
		struct th_result d = RUN("adl-sriov-lxc-vf4", envlist, a1, dev ? "vaapi=va:" D132 : a2);
		if (vg)
			setenv("VAD_TEST_VALGRIND", vg, 1);

		ck_assert_int_eq(exit_status(&w), 0);
		blank_runin_dirs(w.out);
		blank_runin_dirs(d.out);
		if (vg && !strcmp(vg, "1")) {
			/* what the wrapper received under valgrind and passed on: Debian's
			 * /usr/bin/valgrind appends /usr/lib/debug to LD_LIBRARY_PATH */
			cut(w.out, "VAD_TEST_VALGRIND=1\n");
			char *l = strstr(w.out, "LD_LIBRARY_PATH=/nonexistent/lib:/usr/lib/debug\n");
			if (l)
				cut(l, ":/usr/lib/debug");
		}
		char *wa = strstr(w.out, "\n--\n"), *da = strstr(d.out, "\n--\n");
		ck_assert_ptr_nonnull(wa);
		ck_assert_ptr_nonnull(da);
		ck_assert_msg(wa - w.out == da - d.out && !memcmp(w.out, d.out, (size_t)(wa - w.out)),
			      "behind the wrapper:\n%s\ndirect:\n%s", w.out, d.out);
		ck_assert_ptr_nonnull(strstr(w.out, "VAD_TEST_ODD=a\\nb\\x09\\xc3\\xa9\\xff=\n"));
		ck_assert_ptr_nonnull(strstr(w.out, "\nVAD_TEST_EMPTY=\n"));
		/* ...and the device argument was rewritten (the whole path ran) */
		ck_assert_str_eq(wa, da);
		th_result_free(&w);
		th_result_free(&d);
		free(vg);
	}
	unsetenv("VAD_TEST_ODD");
	unsetenv("VAD_TEST_EMPTY");
	unsetenv("LD_LIBRARY_PATH");
}
END_TEST

/* Writes the strings @v (NULL-terminated) into @path, each ended by a NUL byte. */
static void write_strings(const char *path, char *const v[])
{
	FILE *f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; v[i]; i++)
		ck_assert_int_eq(fwrite(v[i], 1, strlen(v[i]) + 1, f), strlen(v[i]) + 1);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * Executes @argv[0] with @argv and exactly the environment @envp, stdout into @out, stderr
 * into @err, through python3's os.execve(): a native process even when this test runs
 * under valgrind (whose own execve cannot recover from E2BIG). Returns the program's exit
 * status, or 100 + errno when execve() failed. A hang fails the test.
 */
static int run_exact(char *const argv[], char *const envp[], const char *dir, const char *out,
		     const char *err)
{
	static const char script[] =
		"import os, sys\n"
		"def strings(p):\n"
		"    return open(p, 'rb').read().split(b'\\0')[:-1]\n"
		"args, env = strings(sys.argv[1]), strings(sys.argv[2])\n"
		"try:\n"
		"    os.execve(args[0], args, dict(e.split(b'=', 1) for e in env))\n"
		"except OSError as e:\n"
		"    sys.exit(100 + e.errno)\n";
	char args_file[PATH_MAX + 16], env_file[PATH_MAX + 16];

	snprintf(args_file, sizeof(args_file), "%s/args", dir);
	snprintf(env_file, sizeof(env_file), "%s/env", dir);
	write_strings(args_file, argv);
	write_strings(env_file, envp);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(99);
		execle("/usr/bin/python3", "python3", "-c", script, args_file, env_file,
		       (char *)NULL, (char *[]){ NULL });
		_exit(98);
	}
	int status = 0;
	for (int i = 0; i < 6000 && waitpid(pid, &status, WNOHANG) == 0; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ck_abort_msg("%s did not end within 60 s", argv[0]);
	}
	ck_assert_msg(WIFEXITED(status), "%s: status 0x%x", argv[0], status);
	return WEXITSTATUS(status);
}

/*
 * A command line that fits, but would not with the device argument the wrapper adds: the
 * kernel refuses arguments plus environment over its limit (E2BIG), so the wrapper executes
 * the command as given, and says so, rather than fail with 126. The limit: Linux allows the
 * strings of the file name, the environment and the arguments, plus a pointer for each
 * argument and variable, up to a quarter of the stack limit (sysconf(_SC_ARG_MAX)), at
 * most 6 MiB (3/4 of _STK_LIM). The test checks its own arithmetic: the command with the
 * device added does fail with E2BIG, the one as given runs.
 */
START_TEST(argmax_edge)
{
	char dir[PATH_MAX], out[PATH_MAX + 16], err[PATH_MAX + 16], log[PATH_MAX];
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4" };
	const char *fixed[] = { wrapper, "-v", "verbose", "-hwaccel", "vaapi", "-i", "in.mkv" };
	enum { NFIXED = 7, CHUNK = 120000 };

	tmp_file(log, sizeof(log), "wrapper-log");
	setenv("VADISCOVER_LOG", log, 1);
	setenv("VADISCOVER_FFMPEG", envlist, 1);
	ck_assert_int_eq(th_enter(&o, dir, sizeof(dir)), 0);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);

	/* The topology's environment, without valgrind's own preloads and variables when this
	 * test runs under it (the wrapper runs natively). */
	size_t envc = 0, env_bytes = 0;
	char *preload = NULL;
	for (char **e = environ; *e; e++)
		envc++;
	char **envp = calloc(envc + 1, sizeof(char *));
	ck_assert_ptr_nonnull(envp);
	envc = 0;
	for (char **e = environ; *e; e++) {
		if (!strncmp(*e, "VALGRIND_", 9))
			continue;
		if (!strncmp(*e, "LD_PRELOAD=", 11)) {
			/* LD_PRELOAD=... without valgrind's vgpreload_*.so */
			char *v = calloc(strlen(*e) + 1, 1), *copy = strdup(*e + 11), *save = NULL;
			ck_assert_ptr_nonnull(v);
			ck_assert_ptr_nonnull(copy);
			strcpy(v, "LD_PRELOAD=");
			for (char *t = strtok_r(copy, ": ", &save); t; t = strtok_r(NULL, ": ", &save))
				if (!strstr(t, "vgpreload_"))
					strcat(strcat(v, v[11] ? ":" : ""), t);
			free(copy);
			envp[envc++] = v;
			preload = v;
		} else {
			envp[envc++] = *e;
		}
	}
	for (size_t i = 0; i < envc; i++)
		env_bytes += strlen(envp[i]) + 1;

	long argmax = sysconf(_SC_ARG_MAX);
	ck_assert_int_gt(argmax, 0);
	size_t limit = (size_t)argmax < 6u << 20 ? (size_t)argmax : 6u << 20;
	size_t name = (strlen(wrapper) > strlen(envlist) ? strlen(wrapper) : strlen(envlist)) + 1;
	size_t fixed_bytes = 0;
	for (size_t i = 0; i < NFIXED; i++)
		fixed_bytes += strlen(fixed[i]) + 1;

	/* k pairs "-metadata" "c=xxx..." and "out.mkv": as large as fits, 8 bytes to spare */
	size_t k = 0, room = 0;
	for (;;) {
		k++;
		size_t argc = NFIXED + 2 * k + 1;
		size_t used = name + env_bytes + fixed_bytes + k * (10 + 3) + 8 + (argc + envc) * 8;
		ck_assert_uint_lt(used, limit);
		room = limit - used - 8;
		if (room <= k * CHUNK)
			break;
	}
	size_t argc = NFIXED + 2 * k + 1;
	char **argv = calloc(argc + 3, sizeof(char *));
	char *fill = malloc(room + k * 3);
	ck_assert_ptr_nonnull(argv);
	ck_assert_ptr_nonnull(fill);
	memcpy(argv, fixed, sizeof(fixed));
	char *f = fill;
	for (size_t i = 0; i < k; i++) {
		size_t len = room / k + (i == k - 1 ? room % k : 0);
		argv[NFIXED + 2 * i] = "-metadata";
		argv[NFIXED + 2 * i + 1] = f;
		memcpy(f, "c=", 2);
		memset(f + 2, 'x', len);
		f[2 + len] = '\0';
		f += len + 3;
	}
	argv[argc - 1] = "out.mkv";

	/* the arithmetic: as given it runs, with the device added it cannot */
	argv[0] = envlist;
	ck_assert_int_eq(run_exact(argv, envp, dir, out, err), 0);
	char **added = calloc(argc + 3, sizeof(char *));
	ck_assert_ptr_nonnull(added);
	memcpy(added, argv, 5 * sizeof(char *));
	added[5] = "-hwaccel_device";
	added[6] = D132;
	memcpy(added + 7, argv + 5, (argc - 5) * sizeof(char *));
	ck_assert_int_eq(run_exact(added, envp, dir, out, err), 100 + E2BIG);
	free(added);

	/* behind the wrapper: ffmpeg runs with the command as given */
	argv[0] = wrapper;
	int status = run_exact(argv, envp, dir, out, err);
	char *o_text = slurp(out), *e_text = slurp(err), *l_text = slurp(log);
	th_leave(dir);
	unsetenv("VADISCOVER_LOG");
	ck_assert_msg(status == 0, "status %d, stderr: %s", status, e_text);
	char *args = strstr(o_text, "\n--\n-v\nverbose\n-hwaccel\nvaapi\n-i\nin.mkv\n-metadata\n");
	ck_assert_msg(args, "%.300s", o_text);
	/* "\n--\n", then argc - 1 arguments, one a line: none added */
	ck_assert_int_eq(count(args, "\n"), (int)argc + 1);
	const char *why = "[vadiscover] the rewritten command line is too long to execute "
			  "(Argument list too long): executing it as given\n";
	assert_contains(e_text, "[vadiscover] -hwaccel vaapi -> -hwaccel vaapi -hwaccel_device "
			D132);
	assert_contains(e_text, why);
	assert_contains(l_text, why);
	free(o_text);
	free(e_text);
	free(l_text);
	free(fill);
	free(argv);
	free(envp);
	free(preload);
	unlink(log);
}
END_TEST

/* In the build tree, the tool and the wrapper run in place: they find the probe helper
 * built with them (no VADISCOVER_PROBE_HELPER, as for a user trying them). */
START_TEST(build_tree_helper)
{
	char tool[PATH_MAX];

	snprintf(tool, sizeof(tool), "%s/vadiscover/tool/vadiscover", th_builddir());
	struct th_result w = RUN("adl-sriov-lxc-vf4", "env", "-u", "VADISCOVER_PROBE_HELPER",
				 wrapper, "-v", "verbose", "-hide_banner", "-init_hw_device",
				 "vaapi=va:" D128);
	assert_contains(w.err, "[vadiscover] -init_hw_device vaapi=va:" D128 " -> vaapi=va:"
			D132);
	assert_not_contains(w.err, "probe helper");
	struct th_result t = RUN("adl-sriov-lxc-vf4", "env", "-u", "VADISCOVER_PROBE_HELPER",
				 tool, "list");
	ck_assert_int_eq(exit_status(&t), 0);
	assert_contains(t.out, "renderD132  card4  0000:00:02.4  8086:4692  i915  VF 4 of "
			"0000:00:02.0  VA: iHD");
	th_result_free(&w);
	th_result_free(&t);
}
END_TEST

/* It never executes itself, whatever name it is reached by, with or without /proc. */
START_TEST(refuses_itself)
{
	char dir[] = "/tmp/vad-wrapper-self-XXXXXX", link[PATH_MAX];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/real-ffmpeg", dir);
	ck_assert_int_eq(symlink(wrapper, link), 0);

	const char *targets[] = { wrapper, link };
	for (size_t i = 0; i < 4; i++) {
		setenv("VADISCOVER_FFMPEG", targets[i % 2], 1);
		struct th_result w = i < 2 ? RUN_BOUNDED(NULL, NULL, wrapper, "-version")
					   : RUN_BOUNDED("empty", no_proc, wrapper, "-version");
		ck_assert_msg(exit_status(&w) == 125, "%s: status %d, stderr: %s", targets[i % 2],
			      exit_status(&w), w.err);
		ck_assert_str_eq(w.out, "");
		char want[2 * PATH_MAX];
		snprintf(want, sizeof(want), "[vadiscover] refusing to execute %s: it is this "
			 "wrapper, which would execute it again, for ever; set VADISCOVER_FFMPEG to "
			 "the real ffmpeg\n", targets[i % 2]);
		/* (under check-valgrind, valgrind adds a warning when there is no /proc) */
		assert_contains(w.err, want);
		ck_assert_int_eq(count(w.err, "[vadiscover]"), 1);
		th_result_free(&w);
	}
	setenv("VADISCOVER_FFMPEG", "/nonexistent/ffmpeg", 1);
	struct th_result w = RUN(NULL, wrapper, "-version");
	ck_assert_int_eq(exit_status(&w), 127);
	ck_assert_ptr_nonnull(strstr(w.err, "[vadiscover] cannot execute /nonexistent/ffmpeg"));
	th_result_free(&w);
	setenv("VADISCOVER_FFMPEG", VAD_REAL_FFMPEG, 1);
	unlink(link);
	rmdir(dir);
}
END_TEST

/* An executable file @path holding @text. */
static void write_script(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Nor a script that executes it (the script would execute the wrapper, which would execute
 * the script...): by its path, through a variable, or as `ffmpeg` that PATH resolves to
 * the wrapper; with or without /proc. A script that runs something else is executed. */
START_TEST(refuses_script_loop)
{
	char dir[] = "/tmp/vad-wrapper-loop-XXXXXX", script[PATH_MAX], self[PATH_MAX];
	char text[3 * PATH_MAX], path[2 * PATH_MAX];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(script, sizeof(script), "%s/ffmpeg-script", dir);
	snprintf(self, sizeof(self), "%s/ffmpeg", dir);
	ck_assert_int_eq(symlink(wrapper, self), 0);
	snprintf(path, sizeof(path), "%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/usr/bin");
	setenv("PATH", path, 1);
	setenv("VADISCOVER_FFMPEG", script, 1);

	const char *forms[] = {
		"#!/bin/sh\nexec %s \"$@\"\n",
		"#!/bin/sh\n# the real one\nFF='%s'\n\"$FF\" -nostdin \"$@\"\n",
		"#!/bin/sh\nset -e\ncd /tmp && exec ffmpeg \"$@\"\n",
	};
	for (size_t i = 0; i < 6; i++) {
		snprintf(text, sizeof(text), forms[i % 3], wrapper);
		write_script(script, text);
		struct th_result w = i < 3 ? RUN_BOUNDED(NULL, NULL, wrapper, "-version")
					   : RUN_BOUNDED("empty", no_proc, wrapper, "-version");
		ck_assert_msg(exit_status(&w) == 125, "%s: status %d, stderr: %s", text,
			      exit_status(&w), w.err);
		ck_assert_str_eq(w.out, "");
		char want[2 * PATH_MAX];
		snprintf(want, sizeof(want), "[vadiscover] refusing to execute %s: it is a script "
			 "that executes this wrapper, which would execute it again, for ever; set "
			 "VADISCOVER_FFMPEG to the real ffmpeg\n", script);
		/* (under check-valgrind, valgrind adds a warning when there is no /proc) */
		assert_contains(w.err, want);
		ck_assert_int_eq(count(w.err, "[vadiscover]"), 1);
		th_result_free(&w);
	}
	/* ffmpeg in a comment or a message, another program by path: executed */
	snprintf(text, sizeof(text), "#!/bin/sh\n# wraps ffmpeg\necho \"ffmpeg:\" >&2\n"
		 "exec %s \"$@\"\n", VAD_REAL_FFMPEG);
	write_script(script, text);
	struct th_result w = RUN_BOUNDED(NULL, NULL, wrapper, "-version");
	ck_assert_msg(exit_status(&w) == 0 && !strncmp(w.out, "ffmpeg version ", 15), "%s", w.err);
	ck_assert_str_eq(w.err, "ffmpeg:\n");
	th_result_free(&w);
	setenv("VADISCOVER_FFMPEG", VAD_REAL_FFMPEG, 1);
	unlink(script);
	unlink(self);
	rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* real ffmpeg */

static char tdir[PATH_MAX];

/* A shell script at @path printing "@name ARGS..." (a stand-in for a real program). */
static void standin(const char *path, const char *name)
{
	char text[256];
	int n = snprintf(text, sizeof(text), "#!/bin/sh\necho %s \"$@\"\n", name);
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0755);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, (size_t)n), n);
	close(fd);
}

static const char *tpath(const char *rel)
{
	static char bufs[4][PATH_MAX + 64];
	static int i;
	char *b = bufs[i++ % 4];
	snprintf(b, PATH_MAX + 64, "%s/%s", tdir, rel);
	return b;
}

static const char *spath(const char *rel)
{
	static char bufs[4][PATH_MAX + 64];
	static int i;
	char *b = bufs[i++ % 4];
	snprintf(b, PATH_MAX + 64, "%s/%s", search_dir, rel);
	return b;
}

/*
 * $TMPDIR/search: self/ffmpeg (a symlink to the wrapper), noexec/ffmpeg (not executable),
 * dir/ffmpeg (a directory), b/ffmpeg and b/ffprobe (stand-ins), c/ffmpeg (no ffprobe
 * beside it). The configured and jellyfin-ffmpeg stand-ins are made by each test.
 */
static void search_setup(void)
{
	const char *t = getenv("TMPDIR");

	setup();
	unsetenv("VADISCOVER_FFMPEG");
	unsetenv("VADISCOVER_FFPROBE");
	snprintf(tdir, sizeof(tdir), "%s/search", t && *t ? t : "/tmp");
	mkdir(tdir, 0755);
	mkdir(tpath("self"), 0755);
	unlink(tpath("self/ffmpeg"));
	ck_assert_int_eq(symlink(search, tpath("self/ffmpeg")), 0);
	standin(tpath("noexec/ffmpeg"), "noexec");
	chmod(tpath("noexec/ffmpeg"), 0644);
	mkdir(tpath("dir"), 0755);
	mkdir(tpath("dir/ffmpeg"), 0755);
	standin(tpath("b/ffmpeg"), "b-ffmpeg");
	standin(tpath("b/ffprobe"), "b-ffprobe");
	standin(tpath("c/ffmpeg"), "c-ffmpeg");
	unlink(spath("configured/ffmpeg"));
	unlink(spath("configured-probe/ffprobe"));
	unlink(spath("jellyfin/ffmpeg"));
}

static void search_teardown(void)
{
	unlink(spath("configured/ffmpeg"));
	unlink(spath("configured-probe/ffprobe"));
	unlink(spath("jellyfin/ffmpeg"));
}

/* Runs the search wrapper (through its symlink in self/, or as ffprobe) with -version. */
static struct th_result run_search(bool probe)
{
	return RUN(NULL, probe ? search_probe : tpath("self/ffmpeg"), "-version");
}

static void expect_run(bool probe, const char *who)
{
	struct th_result r = run_search(probe);
	char want[128];

	snprintf(want, sizeof(want), "%s -version\n", who);
	ck_assert_msg(exit_status(&r) == 0 && !strcmp(r.out, want),
		      "expected %s: status 0x%x, stdout '%s', stderr '%s'", who, r.status, r.out,
		      r.err);
	ck_assert_str_eq(r.err, "");
	th_result_free(&r);
}

START_TEST(search_order)
{
	char path[4 * PATH_MAX];

	/* the wrapper itself comes first in PATH, then files that are no program */
	snprintf(path, sizeof(path), "%s:%s:%s:%s:%s", tpath("self"), tpath("noexec"),
		 tpath("dir"), tpath("b"), tpath("c"));
	setenv("PATH", path, 1);
	standin(spath("configured/ffmpeg"), "configured");
	standin(spath("jellyfin/ffmpeg"), "jellyfin");
	expect_run(false, "configured");
	setenv("VADISCOVER_FFMPEG", tpath("c/ffmpeg"), 1);
	expect_run(false, "c-ffmpeg");
	unsetenv("VADISCOVER_FFMPEG");
	/* configure's choice is taken only when it exists */
	unlink(spath("configured/ffmpeg"));
	expect_run(false, "jellyfin");
	unlink(spath("jellyfin/ffmpeg"));
	expect_run(false, "b-ffmpeg");
	/* a configured "ffmpeg" that is the wrapper itself is passed over too */
	ck_assert_int_eq(symlink(search, spath("configured/ffmpeg")), 0);
	expect_run(false, "b-ffmpeg");
	unlink(spath("configured/ffmpeg"));
	/* an empty PATH entry is the current directory, as for execvp */
	char cwd[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(tpath("c")), 0);
	snprintf(path, sizeof(path), "%s::%s", tpath("self"), tpath("b"));
	setenv("PATH", path, 1);
	expect_run(false, "c-ffmpeg");
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

/* In PATH, a script that executes the wrapper is passed over like the wrapper itself (it
 * would come back): the wrapper put first in PATH as ffmpeg, or a script named ffmpeg in
 * front of the wrapper; with or without /proc. */
START_TEST(search_passes_over_loops)
{
	char path[4 * PATH_MAX], text[PATH_MAX + 64];

	/* self/ffmpeg first (without /proc only AT_EXECFN tells it is the wrapper); run-in
	 * needs the system's programs */
	snprintf(path, sizeof(path), "%s:%s:/usr/bin:/bin", tpath("self"), tpath("b"));
	setenv("PATH", path, 1);
	struct th_result r = RUN_BOUNDED("empty", no_proc, tpath("self/ffmpeg"), "-version");
	ck_assert_msg(exit_status(&r) == 0 && !strcmp(r.out, "b-ffmpeg -version\n"),
		      "status %d, stdout '%s', stderr '%s'", exit_status(&r), r.out, r.err);
	th_result_free(&r);

	/* loop/ffmpeg: a script that executes the wrapper by its path, or as ffmpeg found
	 * in PATH (self/ffmpeg) */
	mkdir(tpath("loop"), 0755);
	const char *forms[] = { "#!/bin/sh\nexec %s \"$@\"\n", "#!/bin/sh\nexec ffmpeg \"$@\"\n" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), forms[i % 2], search);
		write_script(tpath("loop/ffmpeg"), text);
		snprintf(path, sizeof(path), "%s:%s:%s:/usr/bin:/bin", tpath("self"), tpath("loop"),
			 tpath("b"));
		setenv("PATH", path, 1);
		r = i < 2 ? RUN_BOUNDED(NULL, NULL, tpath("loop/ffmpeg"), "-version")
			  : RUN_BOUNDED("empty", no_proc, tpath("loop/ffmpeg"), "-version");
		ck_assert_msg(exit_status(&r) == 0 && !strcmp(r.out, "b-ffmpeg -version\n"),
			      "%s: status %d, stdout '%s', stderr '%s'", text, exit_status(&r),
			      r.out, r.err);
		ck_assert_int_eq(count(r.err, "[vadiscover]"), 0);
		th_result_free(&r);
	}
	unlink(tpath("loop/ffmpeg"));
	rmdir(tpath("loop"));
}
END_TEST

START_TEST(search_none)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof(path), "%s:%s:%s", tpath("self"), tpath("noexec"), tpath("dir"));
	setenv("PATH", path, 1);
	for (int probe = 0; probe < 2; probe++) {
		struct th_result r = run_search(probe);
		char want[4 * PATH_MAX];
		ck_assert_int_eq(exit_status(&r), 127);
		ck_assert_str_eq(r.out, "");
		snprintf(want, sizeof(want), "[vadiscover] no %s to execute:%s tried %s "
			 "(configure's choice), %s and ffmpeg in PATH (%s): none exists, other than "
			 "this wrapper; set %s to the real %s\n", probe ? "ffprobe" : "ffmpeg",
			 probe ? " VADISCOVER_FFPROBE is unset and there is no ffmpeg to look "
			 "beside:" : "", spath("configured/ffmpeg"), spath("jellyfin/ffmpeg"), path,
			 probe ? "VADISCOVER_FFPROBE" : "VADISCOVER_FFMPEG",
			 probe ? "ffprobe" : "ffmpeg");
		ck_assert_str_eq(r.err, want);
		th_result_free(&r);
	}
}
END_TEST

/* PATH unset: execvp's default, /bin:/usr/bin, where Debian's ffmpeg is. */
START_TEST(search_default_path)
{
	unsetenv("PATH");
	struct th_result r = run_search(false);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_msg(!strncmp(r.out, "ffmpeg version ", 15), "%s%s", r.out, r.err);
	th_result_free(&r);
}
END_TEST

START_TEST(search_ffprobe)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof(path), "%s:%s", tpath("self"), tpath("b"));
	setenv("PATH", path, 1);
	/* beside the ffmpeg found in PATH, or in VADISCOVER_FFMPEG */
	expect_run(true, "b-ffprobe");
	standin(spath("jellyfin/ffmpeg"), "jellyfin");
	standin(spath("jellyfin/ffprobe"), "jellyfin-ffprobe");
	expect_run(true, "jellyfin-ffprobe");
	unlink(spath("jellyfin/ffprobe"));
	unlink(spath("jellyfin/ffmpeg"));
	/* configure's own ffprobe goes with configure's ffmpeg */
	standin(spath("configured/ffmpeg"), "configured");
	standin(spath("configured-probe/ffprobe"), "configured-ffprobe");
	expect_run(true, "configured-ffprobe");
	setenv("VADISCOVER_FFMPEG", tpath("b/ffmpeg"), 1);
	expect_run(true, "b-ffprobe");
	/* VADISCOVER_FFPROBE wins */
	setenv("VADISCOVER_FFPROBE", tpath("c/ffmpeg"), 1);
	expect_run(true, "c-ffmpeg");
	unsetenv("VADISCOVER_FFPROBE");
	/* no ffprobe beside the ffmpeg: it cannot be executed */
	setenv("VADISCOVER_FFMPEG", tpath("c/ffmpeg"), 1);
	struct th_result r = run_search(true);
	ck_assert_int_eq(exit_status(&r), 127);
	char want[PATH_MAX + 128];
	snprintf(want, sizeof(want), "[vadiscover] cannot execute %s: No such file or "
		 "directory\n", tpath("c/ffprobe"));
	ck_assert_str_eq(r.err, want);
	th_result_free(&r);
	/* the configured wrapper: /usr/bin/ffprobe */
	unsetenv("VADISCOVER_FFMPEG");
	r = RUN(NULL, wrapper_probe, "-version");
	ck_assert_msg(!strncmp(r.out, "ffprobe version ", 16), "%s%s", r.out, r.err);
	th_result_free(&r);
	unlink(spath("configured-probe/ffprobe"));
}
END_TEST

/*
 * An ffmpeg whose run path holds a libva.so.2 that is no libva (no vaInitialize): ffmpeg
 * starts (its loader does not care), and the device argument is either rewritten or, when
 * libva cannot be loaded from there, passed as given with one line that says so, shown
 * only at ffmpeg's warning level and above.
 */
START_TEST(libva_unloadable)
{
	setenv("VADISCOVER_FFMPEG", fakeva_ffmpeg, 1);
	const char *levels[] = { "verbose", "warning", "error", "quiet" };
	for (size_t i = 0; i < 4; i++) {
		struct th_result w = RUN("adl-sriov-lxc-vf4", wrapper, "-v", levels[i],
					 "-init_hw_device", "vaapi=va:" D128);
		ck_assert_msg(exit_status(&w) == 0, "stderr: %s", w.err);
		char *args = strstr(w.out, "\n--\n");
		ck_assert_ptr_nonnull(args);
		bool kept = strstr(args, "\nvaapi=va:" D128 "\n");
		bool rewritten = strstr(args, "\nvaapi=va:" D132 "\n");
		ck_assert_msg(kept != rewritten, "%s", args);
		/* (the stand-in has no libavutil, but every release reads this command line
		 * alike: its release is not asked, nor said) */
		ck_assert_int_eq(count(w.err, "[vadiscover] the FFmpeg release"), 0);
		int lines = count(w.err, "[vadiscover]");
		if (kept) {
			/* libva's loader says what it tried */
			if (i < 2)
				ck_assert_msg(strstr(w.err, "cannot load libva: ") &&
					      strstr(w.err, "fakeva-ffmpeg/lib/libva.so.2"), "%s",
					      w.err);
			ck_assert_int_eq(lines, i < 2 ? 1 : 0);
		} else {
			ck_assert_int_eq(lines, i < 1 ? 1 : 0);
		}
		th_result_free(&w);
	}
}
END_TEST

/* A real ffmpeg that is a script (no ELF file to read): the release is unknown, which
 * the wrapper says at -v verbose when an option of the command line is read differently
 * by two release lines (-autoscale), and the devices are probed with the system's libva. */
START_TEST(ffmpeg_script)
{
	char script[PATH_MAX + 64];

	snprintf(script, sizeof(script), "%s/ffmpeg-script", tdir);
	int fd = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ck_assert_int_ge(fd, 0);
	char text[PATH_MAX + 64];
	int n = snprintf(text, sizeof(text), "#!/bin/sh\nexec %s \"$@\"\n", envlist);
	ck_assert_int_eq(write(fd, text, (size_t)n), n);
	close(fd);
	setenv("VADISCOVER_FFMPEG", script, 1);
	struct th_result w = RUN("adl-sriov-lxc-vf4", wrapper, "-v", "verbose", "-autoscale", "1",
				 "-init_hw_device", "vaapi=va:" D128);
	ck_assert_int_eq(exit_status(&w), 0);
	ck_assert_ptr_nonnull(strstr(w.out, "\n--\n-v\nverbose\n-autoscale\n1\n-init_hw_device\n"
				     "vaapi=va:" D132 "\n"));
	ck_assert_msg(count(w.err, "[vadiscover]") == 2, "%s", w.err);
	ck_assert_ptr_nonnull(strstr(w.err, "[vadiscover] the FFmpeg release of "));
	ck_assert_ptr_nonnull(strstr(w.err, " is unknown (not an ELF program)"));
	th_result_free(&w);
	/* Every line reads this one alike: the release is not asked, nor said */
	w = RUN("adl-sriov-lxc-vf4", wrapper, "-v", "verbose", "-init_hw_device", "vaapi=va:" D128);
	ck_assert_int_eq(exit_status(&w), 0);
	ck_assert_ptr_nonnull(strstr(w.out, "\n--\n-v\nverbose\n-init_hw_device\nvaapi=va:" D132
				     "\n"));
	ck_assert_msg(count(w.err, "[vadiscover]") == 1, "%s", w.err);
	th_result_free(&w);
	/* Debian's ffmpeg (libavutil 57) has a known release: one line, the rewrite */
	setenv("VADISCOVER_FFMPEG", VAD_REAL_FFMPEG, 1);
	w = RUN("adl-sriov-lxc-vf4", wrapper, "-v", "verbose", "-hide_banner", "-init_hw_device",
		"vaapi=va:" D128);
	ck_assert_int_eq(count(w.err, "[vadiscover]"), 1);
	th_result_free(&w);
	unlink(script);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("wrapper-exec");
	TCase *tc;

	tc = test_case(s, "jellyfin");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, probe_lxc_vf4);
	tcase_add_test(tc, probe_xe);
	tcase_add_test(tc, probe_xe_driver_chosen);
	tcase_add_test(tc, transcode_lxc_vf4);
	tcase_add_test(tc, log_and_select_filter_given_node);
	tcase_add_test(tc, select_and_own_filter_given_node);
	tcase_add_test(tc, probe_intel_nvidia);
	tcase_add_test(tc, amd_form_intel_nvidia);
	tcase_add_test(tc, hwaccel_added);
	tcase_add_test(tc, select_and_force);

	tc = test_case(s, "messages");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, quiet_unless_verbose);
	tcase_add_test(tc, no_match_says_why);
	tcase_add_test(tc, invalid_settings);
	tcase_add_test(tc, no_probe_without_device);
	tcase_add_test(tc, log_fifo_skipped);
	tcase_add_test(tc, controls_escaped);

	tc = test_case(s, "process");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, stdout_identical);
	tcase_add_test(tc, ffprobe);
	tcase_add_test(tc, exit_status_preserved);
	tcase_add_test(tc, q_on_stdin);
	tcase_add_test(tc, same_pid_and_signals);
	tcase_add_test(tc, no_fd_leak);
	tcase_add_test(tc, refuses_itself);
	tcase_add_test(tc, refuses_script_loop);
	tcase_add_test(tc, environment_untouched);
	tcase_add_test(tc, argmax_edge);
	tcase_add_test(tc, build_tree_helper);

	tc = test_case(s, "real ffmpeg");
	tcase_add_checked_fixture(tc, search_setup, search_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, search_order);
	tcase_add_test(tc, search_none);
	tcase_add_test(tc, search_passes_over_loops);
	tcase_add_test(tc, search_default_path);
	tcase_add_test(tc, search_ffprobe);
	tcase_add_test(tc, libva_unloadable);
	tcase_add_test(tc, ffmpeg_script);

	return s;
}

