/* The fake-GPU harness's own tests, judged by tools nobody here wrote: Debian's vainfo and
 * ffmpeg (real libva 2.17, real libdrm), libdrm's drmGetDevices2, and the kernel's errno
 * conventions for open/stat. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/harness/topology.h"

#define INTEL_VENDOR "Intel iHD driver for Intel(R) Gen Graphics - 23.1.1 (fake-gpu harness)"

/* Runs argv in @topology with extra VA lines; asserts it could be started. */
static struct th_result run(const char *topology, const char *const *va, char *const argv[])
{
	struct th_opts o = { .topology = topology, .va_lines = va };
	struct th_result r;
	int ret = th_run(&o, argv, &r);
	ck_assert_msg(ret == 0, "th_run: %s", strerror(-ret));
	return r;
}

static int exit_code(const struct th_result *r)
{
	return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : 128 + WTERMSIG(r->status);
}

/* ---------------------------------------------------------------------------------- */
/* vainfo */

START_TEST(vainfo_lists_profiles)
{
	char *argv[] = { "vainfo", "--display", "drm", "--device", "/dev/dri/renderD129", NULL };
	struct th_result r = run("adl-sriov-host", NULL, argv);
	ck_assert_msg(exit_code(&r) == 0, "vainfo failed: %s", r.err);
	ck_assert_msg(strstr(r.out, "vainfo: Driver version: " INTEL_VENDOR "\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "VAProfileH264High               :\tVAEntrypointVLD"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "VAProfileHEVCMain10             :\tVAEntrypointEncSlice"),
		      "%s", r.out);
	/* Alder Lake: AV1 decode, no AV1 encode. */
	ck_assert_msg(strstr(r.out, "VAProfileAV1Profile0            :\tVAEntrypointVLD"), "%s", r.out);
	ck_assert_msg(!strstr(r.out, "VAProfileAV1Profile0            :\tVAEntrypointEncSlice"),
		      "%s", r.out);
	th_result_free(&r);
}
END_TEST

START_TEST(vainfo_configured_profiles)
{
	const char *va[] = { "0000:00:02.1 ok vendor=\"Test vendor 1.0\" decode=vp8 encode=jpeg vpp=0",
			     NULL };
	char *argv[] = { "vainfo", "--display", "drm", "--device", "/dev/dri/renderD129", NULL };
	struct th_result r = run("adl-sriov-host", va, argv);
	ck_assert_msg(exit_code(&r) == 0, "vainfo failed: %s", r.err);
	ck_assert_msg(strstr(r.out, "vainfo: Driver version: Test vendor 1.0\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "VAProfileVP8Version0_3          :\tVAEntrypointVLD"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "VAProfileJPEGBaseline           :\tVAEntrypointEncPicture"),
		      "%s", r.out);
	ck_assert_msg(!strstr(r.out, "VAProfileH264"), "%s", r.out);
	ck_assert_msg(!strstr(r.out, "VAProfileNone"), "%s", r.out);
	th_result_free(&r);
}
END_TEST

START_TEST(vainfo_failing_node)
{
	const char *va[] = { "renderD129 fail", NULL };
	char *argv[] = { "vainfo", "--display", "drm", "--device", "/dev/dri/renderD129", NULL };
	struct th_result r = run("adl-sriov-host", va, argv);
	ck_assert_int_ne(exit_code(&r), 0);
	ck_assert_msg(strstr(r.err, "iHD_drv_video.so init failed"), "%s", r.err);
	ck_assert_msg(strstr(r.err, "vaInitialize failed with error code -1 (unknown libva error)"),
		      "%s", r.err);
	th_result_free(&r);
}
END_TEST

/* In the container only VF 4's nodes exist, under the host's names. */
START_TEST(vainfo_lxc_vf4)
{
	char *argv[] = { "vainfo", "--display", "drm", "--device", "/dev/dri/renderD132", NULL };
	const char *va[] = { "0000:00:02.4 ok vendor=\"the VF4\" decode=h264", NULL };
	struct th_result r = run("adl-sriov-lxc-vf4", va, argv);
	ck_assert_msg(exit_code(&r) == 0, "vainfo failed: %s", r.err);
	ck_assert_msg(strstr(r.out, "Driver version: the VF4\n"), "%s", r.out);
	th_result_free(&r);

	char *argv2[] = { "vainfo", "--display", "drm", "--device", "/dev/dri/renderD129", NULL };
	r = run("adl-sriov-lxc-vf4", NULL, argv2);
	/* The host's renderD129 is not in this container. */
	ck_assert_int_ne(exit_code(&r), 0);
	ck_assert_msg(strstr(r.out, "Failed to open the given device!"), "%s", r.out);
	th_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* ffmpeg */

START_TEST(ffmpeg_vaapi_ok)
{
	char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-v", "verbose", "-init_hw_device",
			 "vaapi=va:/dev/dri/renderD129", "-f", "lavfi", "-i", "testsrc=d=0.1",
			 "-f", "null", "-", NULL };
	struct th_result r = run("adl-sriov-host", NULL, argv);
	ck_assert_msg(exit_code(&r) == 0, "ffmpeg failed: %s", r.err);
	ck_assert_msg(strstr(r.err, "VAAPI driver: " INTEL_VENDOR), "%s", r.err);
	th_result_free(&r);
}
END_TEST

START_TEST(ffmpeg_vaapi_fail)
{
	const char *va[] = { "0000:00:02.1 fail", NULL };
	char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-v", "verbose", "-init_hw_device",
			 "vaapi=va:/dev/dri/renderD129", "-f", "lavfi", "-i", "testsrc=d=0.1",
			 "-f", "null", "-", NULL };
	struct th_result r = run("adl-sriov-host", va, argv);
	ck_assert_int_ne(exit_code(&r), 0);
	ck_assert_msg(strstr(r.err, "Failed to initialise VAAPI connection"), "%s", r.err);
	th_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------------------------------- */

const struct test_case_name test_case_names[] = {
	{ "vainfo" }, { "ffmpeg" }, { NULL },
};

Suite *test_suite(void)
{
	Suite *s = suite_create("harness");
	TCase *tc = tcase_create("vainfo");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, vainfo_lists_profiles);
	tcase_add_test(tc, vainfo_configured_profiles);
	tcase_add_test(tc, vainfo_failing_node);
	tcase_add_test(tc, vainfo_lxc_vf4);
	suite_add_tcase(s, tc);

	tc = tcase_create("ffmpeg");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ffmpeg_vaapi_ok);
	tcase_add_test(tc, ffmpeg_vaapi_fail);
	suite_add_tcase(s, tc);
	return s;
}
