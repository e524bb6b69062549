/*
 * The ffmpeg wrapper in front of a jellyfin-ffmpeg installation: an ffmpeg that brings its
 * own libva 2.22 and VA drivers in its lib/ (found through its rpath), as
 * /usr/lib/jellyfin-ffmpeg does. The layout is $(B)/jellyfin-ffmpeg, built from real
 * sources by tests/jellyfin/build-layout (`make jellyfin-layout`).
 *
 *   layout:         the simulation itself, with the layout's ffmpeg alone: it links libva
 *                   through its rpath, its libva loads only its own drivers (from a
 *                   compiled-in directory: LIBVA_DRIVERS_PATH is ignored) and reads
 *                   LIBVA_DRIVER_NAME_JELLYFIN instead of LIBVA_DRIVER_NAME, and Debian's
 *                   libva 2.17 cannot load those drivers (they export __vaDriverInit_1_22
 *                   only);
 *   bundled_libva:  the wrapper as the layout's ffmpeg (VADISCOVER_FFMPEG), on machines
 *                   whose only VA drivers are jellyfin-ffmpeg's (the official Docker image
 *                   has no others): Jellyfin's probe and transcode init land on the right
 *                   node, and every driver initialisation, the wrapper's probes included,
 *                   is the bundled libva's. A wrapper that probes with the system's libva
 *                   finds no VA device at all there and keeps renderD128.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/harness.h"
#include "tests/common/runner.h"

#define D128 "/dev/dri/renderD128"
#define D129 "/dev/dri/renderD129"
#define D132 "/dev/dri/renderD132"
#define INTEL "Intel iHD driver"

static char layout[PATH_MAX], ffmpeg[PATH_MAX + 16], dri[PATH_MAX + 16];
static char driver[PATH_MAX + 64];
static char libva[PATH_MAX];	/* the layout's libva.so.2, symlinks resolved */
static char wrapper[PATH_MAX];

static void setup(void)
{
	struct stat st;

	snprintf(layout, sizeof(layout), "%s/jellyfin-ffmpeg", th_builddir());
	snprintf(ffmpeg, sizeof(ffmpeg), "%s/ffmpeg", layout);
	snprintf(dri, sizeof(dri), "%s/lib/dri", layout);
	snprintf(driver, sizeof(driver), "%s/iHD_drv_video.so", dri);
	snprintf(wrapper, sizeof(wrapper), "%s/fftools-wrapper/ffmpeg", th_builddir());
	char p[PATH_MAX + 32];
	snprintf(p, sizeof(p), "%s/lib/libva.so.2", layout);
	ck_assert_msg(stat(ffmpeg, &st) == 0 && stat(driver, &st) == 0 && realpath(p, libva),
		      "the Jellyfin layout %s is missing or incomplete: run make jellyfin-layout",
		      layout);
	setenv("VADISCOVER_FFMPEG", ffmpeg, 1);
	unsetenv("VADISCOVER_FFPROBE");
	unsetenv("VADISCOVER_MODE");
	unsetenv("VADISCOVER_SELECT");
	unsetenv("VADISCOVER_LOG");
	unsetenv("LIBVA_DRIVER_NAME_JELLYFIN");
}

/* Every line of the count file @path: the driver was initialised (at least once) and only
 * ever by the layout's libva; the last initialisation (ffmpeg's own, after any probes of
 * the wrapper) was on @node. */
static void assert_bundled_inits(const char *path, const char *node)
{
	char *text = slurp(path);
	char end[PATH_MAX + 8];
	int lines = 0, bundled = 0;
	const char *last = NULL;

	snprintf(end, sizeof(end), " %s", libva);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		lines++;
		size_t n = strlen(l), e = strlen(end);
		if (n > e && strcmp(l + n - e, end) == 0)
			bundled++;
		ck_assert_msg(!strstr(l, "libva.so.2.17"), "libva 2.17 initialised it: %s", l);
		last = l;
	}
	ck_assert_msg(lines > 0, "the VA driver was never initialised");
	ck_assert_msg(bundled == lines, "%d of %d initialisations by %s", bundled, lines, libva);
	char want[64];
	snprintf(want, sizeof(want), " %s ", node);
	ck_assert_msg(strstr(last, want), "last initialisation not on %s: %s", node, last);
	free(text);
}

/* ------------------------------------------------------------------------------------ */
/* layout */

/* What the layout is made of, read with binutils. */
START_TEST(layout_files)
{
	struct th_opts none = { 0 };
	struct th_result r = run_program(&none, "readelf", "-d", ffmpeg, NULL);
	char rp[PATH_MAX + 64];

	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_msg(strstr(r.out, "Shared library: [libva.so.2]"), "%s", r.out);
	ck_assert_msg(!strstr(r.out, "[libva-x11"), "%s", r.out);
	/* -Wl,-rpath: RUNPATH with Debian's linker (new dtags), as for jellyfin-ffmpeg */
	snprintf(rp, sizeof(rp), "path: [%s/lib]", layout);
	ck_assert_msg(strstr(r.out, rp), "no rpath %s/lib in:\n%s", layout, r.out);
	th_result_free(&r);

	r = run_program(&none, "nm", "-D", "--defined-only", driver, NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	/* only the init function of libva 2.22's headers: libva 2.17 tries 1_17 down to 1_0 */
	ck_assert_msg(strstr(r.out, " T __vaDriverInit_1_22\n"), "%s", r.out);
	int inits = 0;
	for (const char *p = r.out; (p = strstr(p, "__vaDriverInit_")); p++)
		inits++;
	ck_assert_msg(inits == 1, "%s", r.out);
	th_result_free(&r);

	ck_assert_msg(strstr(libva, "/lib/libva.so.2.2200."), "%s", libva);
}
END_TEST

/* The layout's ffmpeg alone: its own libva 2.22 loads its own driver, even though run-in
 * points LIBVA_DRIVERS_PATH at the harness's drivers (built for 2.17). */
START_TEST(layout_own_libva)
{
	char count[PATH_MAX];
	tmp_file(count, sizeof(count), "jellyfin-count");
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4", .count_file = count };
	struct th_result r = run_program(&o, ffmpeg, "-v", "verbose", "-hide_banner",
				      "-init_hw_device", "vaapi=va:" D132, "-f", "lavfi", "-i",
				      "testsrc=d=0.1", "-f", "null", "-", NULL);

	ck_assert_msg(exit_status(&r) == 0, "stderr:\n%s", r.err);
	ck_assert_msg(strstr(r.err, INTEL), "%s", r.err);
	ck_assert_msg(strstr(r.err, "libva: VA-API version 1.22.0"), "%s", r.err);
	char opened[PATH_MAX + 96];
	snprintf(opened, sizeof(opened), "Trying to open %s", driver);
	ck_assert_msg(strstr(r.err, opened), "%s", r.err);
	ck_assert_int_eq(th_count_lines(count, NULL), 1);
	assert_bundled_inits(count, "renderD132");
	th_result_free(&r);

	/* renderD128 does not exist in the container */
	r = run_program(&o, ffmpeg, "-v", "verbose", "-hide_banner", "-init_hw_device",
		     "vaapi=va:" D128, "-f", "lavfi", "-i", "testsrc=d=0.1", "-f", "null", "-",
		     NULL);
	ck_assert_int_ne(exit_status(&r), 0);
	ck_assert_ptr_null(strstr(r.err, INTEL));
	ck_assert_int_eq(th_count_lines(count, NULL), 1);
	th_result_free(&r);
	unlink(count);
}
END_TEST

/* Debian's libva 2.17 finds the layout's driver and cannot load it. */
START_TEST(layout_system_libva_cannot_load)
{
	char count[PATH_MAX];
	tmp_file(count, sizeof(count), "jellyfin-count");
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4", .count_file = count,
			     .drivers_dir = dri };
	char *argv[] = { "vainfo", "--display", "drm", "--device", D132, NULL };
	struct th_result r;

	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_int_ne(exit_status(&r), 0);
	ck_assert_msg(strstr(r.err, "iHD_drv_video.so has no function __vaDriverInit_1_0"),
		      "%s", r.err);
	ck_assert_int_eq(th_count_lines(count, NULL), 0);
	th_result_free(&r);
	unlink(count);
}
END_TEST

/* LIBVA_DRIVER_NAME is ignored; LIBVA_DRIVER_NAME_JELLYFIN chooses the driver. */
START_TEST(layout_driver_name)
{
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4" };
	char i965[PATH_MAX + 64];
	snprintf(i965, sizeof(i965), "Trying to open %s/i965_drv_video.so", dri);

	char *argv[] = { "env", "LIBVA_DRIVER_NAME=i965", ffmpeg, "-v", "verbose",
			 "-hide_banner", "-init_hw_device", "vaapi=va:" D132, "-f", "lavfi", "-i",
			 "testsrc=d=0.1", "-f", "null", "-", NULL };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_msg(exit_status(&r) == 0, "stderr:\n%s", r.err);
	ck_assert_msg(strstr(r.err, INTEL), "%s", r.err);
	ck_assert_ptr_null(strstr(r.err, i965));
	th_result_free(&r);

	argv[1] = "LIBVA_DRIVER_NAME_JELLYFIN=i965";
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_int_ne(exit_status(&r), 0);
	ck_assert_msg(strstr(r.err, i965), "%s", r.err);
	ck_assert_ptr_null(strstr(r.err, INTEL));
	th_result_free(&r);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* bundled_libva: the wrapper as the layout's ffmpeg; the machine's only VA drivers are
 * the layout's (drivers_dir), as in the official Docker image. */

/* Jellyfin's VAAPI probe for renderD128 in an LXC container given VF 4 (renderD132). */
START_TEST(probe_lxc_vf4)
{
	char count[PATH_MAX];
	tmp_file(count, sizeof(count), "jellyfin-count");
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4", .count_file = count,
			     .drivers_dir = dri };

	/* exactly Jellyfin's probe: it reads the driver name from stderr */
	struct th_result r = run_program(&o, wrapper, "-v", "verbose", "-hide_banner",
				      "-init_hw_device", "vaapi=va:" D128, NULL);
	ck_assert_msg(strstr(r.err, INTEL), "stderr:\n%s", r.err);
	ck_assert_msg(strstr(r.err, "[vadiscover] -init_hw_device vaapi=va:" D128
			     " -> vaapi=va:" D132), "stderr:\n%s", r.err);
	th_result_free(&r);
	assert_bundled_inits(count, "renderD132");
	unlink(count);

	/* and with an input and an output, so that it runs to the end */
	r = run_program(&o, wrapper, "-v", "verbose", "-hide_banner", "-init_hw_device",
		     "vaapi=va:" D128, "-f", "lavfi", "-i", "testsrc=d=0.1", "-f", "null", "-",
		     NULL);
	ck_assert_msg(exit_status(&r) == 0, "stderr:\n%s", r.err);
	ck_assert_msg(strstr(r.err, INTEL), "stderr:\n%s", r.err);
	th_result_free(&r);
	assert_bundled_inits(count, "renderD132");
	unlink(count);
}
END_TEST

/* intel-nvidia: renderD128 is the NVIDIA card (no VA); the probe lands on the Intel iGPU. */
START_TEST(probe_intel_nvidia)
{
	char count[PATH_MAX];
	tmp_file(count, sizeof(count), "jellyfin-count");
	struct th_opts o = { .topology = "intel-nvidia", .count_file = count, .drivers_dir = dri };
	struct th_result r = run_program(&o, wrapper, "-v", "verbose", "-hide_banner",
				      "-init_hw_device", "vaapi=va:" D128, "-f", "lavfi", "-i",
				      "testsrc=d=0.1", "-f", "null", "-", NULL);

	ck_assert_msg(exit_status(&r) == 0, "stderr:\n%s", r.err);
	ck_assert_msg(strstr(r.err, INTEL), "stderr:\n%s", r.err);
	ck_assert_msg(strstr(r.err, "-> vaapi=va:" D129), "stderr:\n%s", r.err);
	th_result_free(&r);
	assert_bundled_inits(count, "renderD129");
	unlink(count);
}
END_TEST

/* Jellyfin's transcode init when renderD128 does not exist: vaapi=va:,driver=iHD. */
START_TEST(transcode_lxc_vf4)
{
	char count[PATH_MAX], log[PATH_MAX];
	tmp_file(count, sizeof(count), "jellyfin-count");
	tmp_file(log, sizeof(log), "jellyfin-log");
	setenv("VADISCOVER_LOG", log, 1);
	struct th_opts o = { .topology = "adl-sriov-lxc-vf4", .count_file = count,
			     .drivers_dir = dri };
	struct th_result r = run_program(&o, wrapper, "-init_hw_device", "vaapi=va:,driver=iHD",
				      "-f", "lavfi", "-i", "testsrc=d=0.1", "-f", "null", "-",
				      NULL);
	unsetenv("VADISCOVER_LOG");

	ck_assert_msg(exit_status(&r) == 0, "stderr:\n%s", r.err);
	char *text = slurp(log);
	ck_assert_msg(strstr(text, "[vadiscover] -init_hw_device vaapi=va:,driver=iHD -> "
			      "vaapi=va:" D132 ",driver=iHD"), "log: %s", text);
	free(text);
	th_result_free(&r);
	assert_bundled_inits(count, "renderD132");
	unlink(count);
	unlink(log);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("jellyfin");
	TCase *tc;

	tc = test_case(s, "layout");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, layout_files);
	tcase_add_test(tc, layout_own_libva);
	tcase_add_test(tc, layout_system_libva_cannot_load);
	tcase_add_test(tc, layout_driver_name);

	tc = test_case(s, "bundled_libva");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, probe_lxc_vf4);
	tcase_add_test(tc, probe_intel_nvidia);
	tcase_add_test(tc, transcode_lxc_vf4);
	return s;
}

