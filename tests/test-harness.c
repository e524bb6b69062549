/* The fake-GPU harness's own tests, judged by tools nobody here wrote: Debian's vainfo and
 * ffmpeg (real libva 2.17, real libdrm), libdrm's drmGetDevices2, and the kernel's errno
 * conventions for open/stat. */
#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <ftw.h>
#include <signal.h>
#include <sys/syscall.h>
#include <termios.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <va/va.h>
#include <va/va_drm.h>
#include <drm.h>
#include <i915_drm.h>

#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/harness/topology.h"

static char topo_dir[4096];
static void leave(void);

#define INTEL_VENDOR "Intel iHD driver for Intel(R) Gen Graphics - 23.1.1 (fake-gpu harness)"

/* " BEHAVIOUR LIBVA\n", the end of the fake driver's count line when the system's libva
 * (the one this program links, which vainfo and Debian's ffmpeg load too) initialised it. */
static const char *count_end(const char *behaviour)
{
	static char buf[PATH_MAX + 64];
	Dl_info info;
	char real[PATH_MAX];
	ck_assert(dladdr((void *)vaInitialize, &info) && info.dli_fname);
	ck_assert(realpath(info.dli_fname, real));
	snprintf(buf, sizeof(buf), " %s %s\n", behaviour, real);
	return buf;
}

/* A mkstemp/mkdtemp template in $TMPDIR (the runner's own directory of this run). */
static void tmpl(char *buf, size_t len, const char *name)
{
	const char *t = getenv("TMPDIR");
	snprintf(buf, len, "%s/%s.XXXXXX", t && *t ? t : "/tmp", name);
}

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
	char count[4200];
	tmpl(count, sizeof(count), "vad-count");
	int fd = mkstemp(count);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct th_opts o = { .topology = "adl-sriov-host", .va_lines = va, .count_file = count };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_int_ne(exit_code(&r), 0);
	/* no i965 installed: a failing i915 node costs exactly one driver initialisation */
	ck_assert_int_eq(th_count_lines(count, NULL), 1);
	ck_assert_int_eq(th_count_lines(count, "init 0000:00:02.1 renderD129 "), 1);
	ck_assert_int_eq(th_count_lines(count, count_end("fail")), 1);
	unlink(count);
	ck_assert_msg(strstr(r.err, "iHD_drv_video.so init failed"), "%s", r.err);
	ck_assert_msg(strstr(r.err, "vaInitialize failed with error code -1 (unknown libva error)"),
		      "%s", r.err);
	th_result_free(&r);
}
END_TEST

/* hang never returns from vaInitialize, crash aborts the program; each counts one init. */
START_TEST(vainfo_hang_and_crash)
{
	char count[4200];
	tmpl(count, sizeof(count), "vad-count");
	int fd = mkstemp(count);
	ck_assert_int_ge(fd, 0);
	close(fd);
	const char *hang[] = { "0000:00:02.3 hang", NULL };
	char *argv[] = { "timeout", "2", "vainfo", "--display", "drm", "--device",
			 "/dev/dri/renderD131", NULL };
	struct th_opts o = { .topology = "adl-sriov-host", .va_lines = hang, .count_file = count };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_int_eq(exit_code(&r), 124);
	th_result_free(&r);
	ck_assert_int_eq(th_count_lines(count, "init 0000:00:02.3 renderD131 "), 1);
	ck_assert_int_eq(th_count_lines(count, count_end("hang")), 1);

	const char *crash[] = { "renderD131 crash", NULL };
	char *argv2[] = { "vainfo", "--display", "drm", "--device", "/dev/dri/renderD131", NULL };
	o.va_lines = crash;
	ck_assert_int_eq(th_run(&o, argv2, &r), 0);
	ck_assert_msg(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGABRT, "status %#x", r.status);
	th_result_free(&r);
	ck_assert_int_eq(th_count_lines(count, count_end("crash")), 1);
	ck_assert_int_eq(th_count_lines(count, NULL), 2);
	unlink(count);
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

START_TEST(ffmpeg_default_device_nvidia_first)
{
	/* FFmpeg 5.1 without a path takes renderD128, here the NVIDIA card without VA. */
	char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-v", "verbose", "-init_hw_device",
			 "vaapi=va", "-f", "lavfi", "-i", "testsrc=d=0.1", "-f", "null", "-", NULL };
	struct th_result r = run("intel-nvidia", NULL, argv);
	ck_assert_int_ne(exit_code(&r), 0);
	ck_assert_msg(strstr(r.err, "nvidia_drv_video.so init failed"), "%s", r.err);
	ck_assert_msg(strstr(r.err, "Failed to initialise VAAPI connection: -1 (unknown libva error)"),
		      "%s", r.err);
	th_result_free(&r);
}
END_TEST

START_TEST(ffmpeg_default_device_missing_and_denied)
{
	/* No renderD128 in the container: FFmpeg 5.1's search ends at the first failed open. */
	char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-v", "verbose", "-init_hw_device",
			 "vaapi=va", "-f", "lavfi", "-i", "testsrc=d=0.1", "-f", "null", "-", NULL };
	struct th_result r = run("adl-sriov-lxc-vf4", NULL, argv);
	ck_assert_int_ne(exit_code(&r), 0);
	ck_assert_msg(strstr(r.err, "Cannot open DRM render node for device 0."), "%s", r.err);
	th_result_free(&r);

	char trace[4200];
	tmpl(trace, sizeof(trace), "vad-trace");
	int fd = mkstemp(trace);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct th_opts o = { .topology = "adl-sriov-host", .deny = "renderD128", .trace_file = trace };
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_int_ne(exit_code(&r), 0);
	ck_assert_msg(strstr(r.err, "Cannot open DRM render node for device 0."), "%s", r.err);
	ck_assert_int_eq(th_count_lines(trace, "open /dev/dri/renderD128 O_RDWR -> EACCES"), 1);
	ck_assert_int_eq(th_count_lines(trace, "renderD129"), 0);
	th_result_free(&r);
	unlink(trace);
}
END_TEST

START_TEST(ffmpeg_trace_and_count)
{
	char trace[4200], count[4200];
	tmpl(trace, sizeof(trace), "vad-trace");
	tmpl(count, sizeof(count), "vad-count");
	int fd = mkstemp(trace);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = mkstemp(count);
	ck_assert_int_ge(fd, 0);
	close(fd);
	char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-v", "verbose", "-init_hw_device",
			 "vaapi=va:/dev/dri/renderD130", "-f", "lavfi", "-i", "testsrc=d=0.1",
			 "-f", "null", "-", NULL };
	struct th_opts o = { .topology = "adl-sriov-host", .trace_file = trace,
			     .count_file = count };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_msg(exit_code(&r) == 0, "%s", r.err);
	/* FFmpeg opens an explicit path O_RDWR, without O_CLOEXEC, once. */
	ck_assert_int_eq(th_count_lines(trace, "open /dev/dri/"), 1);
	ck_assert_int_eq(th_count_lines(trace, "open /dev/dri/renderD130 O_RDWR\n"), 1);
	ck_assert_int_ge(th_count_lines(trace, "ioctl /dev/dri/renderD130 DRM_IOCTL_VERSION"), 1);
	ck_assert_int_eq(th_count_lines(count, "init 0000:00:02.2 renderD130 "), 1);
	ck_assert_int_eq(th_count_lines(count, NULL), 1);
	th_result_free(&r);
	unlink(trace);
	unlink(count);
}
END_TEST

/* Jellyfin's AMD path: a DRM device on the card node, VAAPI derived from it. */
START_TEST(ffmpeg_drm_derived_vaapi)
{
	char *argv[] = { "ffmpeg", "-nostdin", "-hide_banner", "-v", "verbose", "-init_hw_device",
			 "drm=dr:/dev/dri/card0", "-init_hw_device", "vaapi=va@dr", "-f", "lavfi",
			 "-i", "testsrc=d=0.1", "-f", "null", "-", NULL };
	struct th_result r = run("amd", NULL, argv);
	ck_assert_msg(exit_code(&r) == 0, "%s", r.err);
	ck_assert_msg(strstr(r.err, "Opened DRM device /dev/dri/card0: driver amdgpu version 3.57.0."),
		      "%s", r.err);
	ck_assert_msg(strstr(r.err, "Using render node /dev/dri/renderD128 in place of non-render "
			     "DRM device."), "%s", r.err);
	ck_assert_msg(strstr(r.err, "VAAPI driver: Mesa Gallium driver 22.3.6 for AMD Radeon RX 6600"),
		      "%s", r.err);
	th_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* Real libva in this process (th_enter): two displays at once keep their own state. */

static int has_entrypoint(VADisplay d, VAProfile p, VAEntrypoint e)
{
	VAEntrypoint eps[16];
	int n = 0;
	if (vaQueryConfigEntrypoints(d, p, eps, &n) != VA_STATUS_SUCCESS)
		return 0;
	for (int i = 0; i < n; i++)
		if (eps[i] == e)
			return 1;
	return 0;
}

static void quiet(void *ctx, const char *msg)
{
	(void)ctx; (void)msg;
}

START_TEST(libva_two_displays_in_process)
{
	char count[4200];
	tmpl(count, sizeof(count), "vad-count");
	int cfd = mkstemp(count);
	ck_assert_int_ge(cfd, 0);
	close(cfd);
	const char *va[] = { "renderD128 ok vendor=\"iGPU\" decode=h264", NULL };
	struct th_opts o = { .topology = "intel-arc", .va_lines = va, .count_file = count };
	int ret = th_enter(&o, topo_dir, sizeof(topo_dir));
	ck_assert_msg(ret == 0, "%s", strerror(-ret));
	int fd1 = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	int fd2 = open("/dev/dri/renderD129", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd1, 0);
	ck_assert_int_ge(fd2, 0);
	VADisplay d1 = vaGetDisplayDRM(fd1), d2 = vaGetDisplayDRM(fd2);
	ck_assert_ptr_nonnull(d1);
	ck_assert_ptr_nonnull(d2);
	vaSetInfoCallback(d1, quiet, NULL);
	vaSetInfoCallback(d2, quiet, NULL);
	int major, minor;
	ck_assert_int_eq(vaInitialize(d1, &major, &minor), VA_STATUS_SUCCESS);
	ck_assert_int_eq(vaInitialize(d2, &major, &minor), VA_STATUS_SUCCESS);
	ck_assert_str_eq(vaQueryVendorString(d1), "iGPU");
	ck_assert_str_eq(vaQueryVendorString(d2), INTEL_VENDOR);
	ck_assert(has_entrypoint(d1, VAProfileH264High, VAEntrypointVLD));
	ck_assert(!has_entrypoint(d1, VAProfileHEVCMain, VAEntrypointVLD));
	ck_assert(has_entrypoint(d2, VAProfileAV1Profile0, VAEntrypointEncSlice));
	/* 10-bit AV1 is told apart by the render target formats */
	VAConfigAttrib rt = { .type = VAConfigAttribRTFormat };
	ck_assert_int_eq(vaGetConfigAttributes(d2, VAProfileAV1Profile0, VAEntrypointVLD, &rt, 1),
			 VA_STATUS_SUCCESS);
	ck_assert_uint_eq(rt.value, VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10);
	VAConfigID cfg;
	ck_assert_int_eq(vaCreateConfig(d2, VAProfileHEVCMain10, VAEntrypointVLD, NULL, 0, &cfg),
			 VA_STATUS_SUCCESS);
	ck_assert_int_eq(vaDestroyConfig(d2, cfg), VA_STATUS_SUCCESS);
	ck_assert_int_eq(vaCreateConfig(d1, VAProfileHEVCMain10, VAEntrypointVLD, NULL, 0, &cfg),
			 VA_STATUS_ERROR_UNSUPPORTED_PROFILE);
	int nfmt = vaMaxNumImageFormats(d1);
	ck_assert_int_ge(nfmt, 1);
	VAImageFormat fmts[8];
	ck_assert_int_eq(vaQueryImageFormats(d1, fmts, &nfmt), VA_STATUS_SUCCESS);
	ck_assert_uint_eq(fmts[0].fourcc, VA_FOURCC_NV12);
	ck_assert_int_eq(vaTerminate(d1), VA_STATUS_SUCCESS);
	ck_assert_str_eq(vaQueryVendorString(d2), INTEL_VENDOR);
	ck_assert_int_eq(vaTerminate(d2), VA_STATUS_SUCCESS);
	close(fd1);
	close(fd2);
	leave();
	ck_assert_int_eq(th_count_lines(count, "init 0000:00:02.0 renderD128 "), 1);
	ck_assert_int_eq(th_count_lines(count, "init 0000:03:00.0 renderD129 "), 1);
	unlink(count);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* vainfo on every topology */

struct va_case {
	const char *topology;
	const char *node;		/* the /dev/dri name vainfo opens */
	const char *env;		/* NAME=VALUE set for vainfo, or NULL */
	const char *va;			/* an extra --va line, or NULL */
	const char *expect_out;		/* substring of stdout when it must work, NULL: fail */
	const char *expect_err;		/* substring of stderr when it must fail */
};

#define VENDOR(v) "vainfo: Driver version: " v "\n"
static const struct va_case va_cases[] = {
	{ "adl-sriov-host", "renderD128", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-host", "renderD135", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-host", "card3", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-lxc-vf4", "renderD132", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	/* The remapped node is matched by what it is (its sysfs name), not by its name. */
	{ "adl-sriov-lxc-vf4-remapped", "renderD128", NULL, "renderD132 ok vendor=VF4",
	  VENDOR("VF4"), NULL },
	{ "adl-sriov-lxc-vf4-remapped", "renderD128", NULL, "0000:00:02.4 fail", NULL,
	  "iHD_drv_video.so init failed" },
	{ "intel-nvidia", "renderD128", NULL, NULL, NULL, "nvidia_drv_video.so init failed" },
	{ "intel-nvidia", "renderD129", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "intel-arc", "renderD129", NULL, NULL,
	  "VAProfileAV1Profile0            :\tVAEntrypointEncSlice", NULL },
	{ "intel-arc", "renderD128", NULL, NULL, "VAProfileAV1Profile0            :\tVAEntrypointVLD\n"
	  "      VAProfileJPEGBaseline", NULL },
	{ "amd", "renderD128", NULL, NULL,
	  VENDOR("Mesa Gallium driver 22.3.6 for AMD Radeon RX 6600 (fake-gpu harness)"), NULL },
	{ "many-nodes", "renderD138", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "many-nodes", "renderD135", NULL, NULL, NULL, "nvidia_drv_video.so init failed" },
	/* libva 2.17 knows no "xe": it looks for xe_drv_video.so, which is not there. */
	{ "xe-sriov", "renderD129", NULL, NULL, NULL, "xe_drv_video.so" },
	{ "xe-sriov", "renderD129", "LIBVA_DRIVER_NAME=iHD", NULL, VENDOR(INTEL_VENDOR), NULL },
	/* The last node of the fixed render range works; past it Debian 12's libdrm
	 * (2.4.114) gives drmGetNodeTypeFromFd() -1 (it types a node by minor / 64), so libva
	 * 2.17's vaGetDisplayDRM() has no display for it, as on a real 6.12 kernel. */
	{ "flex170x4-sriov", "renderD191", "LIBVA_DRIVER_NAME=iHD", NULL, VENDOR(INTEL_VENDOR),
	  NULL },
	{ "flex170x4-sriov", "renderD319", "LIBVA_DRIVER_NAME=iHD", NULL, NULL, "" },
	{ "flex170x4-lxc", "renderD128", "LIBVA_DRIVER_NAME=iHD", NULL, NULL, "" },
	{ "flex170x2-sriov", "renderD191", "LIBVA_DRIVER_NAME=iHD", NULL, VENDOR(INTEL_VENDOR),
	  NULL },
	{ "flex170x8-sriov", "renderD128", "LIBVA_DRIVER_NAME=iHD", NULL, VENDOR(INTEL_VENDOR),
	  NULL },
	{ "non-pci", "renderD128", NULL, NULL,
	  VENDOR("VA-API NVDEC driver [direct backend] (fake-gpu harness)"), NULL },
	{ "non-pci", "renderD129", NULL, NULL, NULL, "vgem_drv_video.so" },
	{ "empty", "renderD128", NULL, NULL, NULL, "" },
	{ "adl-sriov-vfio", "renderD131", NULL, NULL, NULL, "" },
	{ "adl-sriov-vfio", "renderD132", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-vm-guest", "renderD128", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "intel-amd-swapped", "renderD128", NULL, NULL, VENDOR("Mesa Gallium driver 22.3.6 for "
	  "AMD Radeon RX 6600 (fake-gpu harness)"), NULL },
	{ "intel-amd-swapped", "renderD129", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-host", "renderD129", NULL, "* noprofiles", "vainfo: Supported profile and "
	  "entrypoints\n", NULL },
	/* The SR-IOV host view: only the PF has nodes, or VF 3 is missing. */
	{ "adl-sriov-novfs", "renderD128", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-unbound", "renderD128", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-unbound", "renderD129", NULL, NULL, NULL, "" },
	{ "adl-sriov-pve", "renderD132", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-pve", "renderD131", NULL, NULL, NULL, "" },
	/* The SR-IOV set-up failures: the PF works; VFs that do not exist have no node. */
	{ "adl-stock-i915", "renderD128", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-novfs", "renderD129", NULL, NULL, NULL, "" },
	{ "adl-sriov-guc-wrong", "renderD128", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-no-iommu", "renderD132", NULL, NULL, VENDOR(INTEL_VENDOR), NULL },
	{ "adl-sriov-lxc-vf4-bypath", "by-path/pci-0000:00:02.4-render", NULL, NULL,
	  VENDOR(INTEL_VENDOR), NULL },
};

START_TEST(vainfo_topologies)
{
	const struct va_case *c = &va_cases[_i];
	char dev[64];
	snprintf(dev, sizeof(dev), "/dev/dri/%s", c->node);
	char *argv[] = { "env", (char *)(c->env ? c->env : "VAD_UNUSED=1"), "vainfo", "--display",
			 "drm", "--device", dev, NULL };
	const char *va[] = { c->va, NULL };
	struct th_result r = run(c->topology, va, argv);
	if (c->expect_out) {
		ck_assert_msg(exit_code(&r) == 0, "%s %s: vainfo failed: %s%s", c->topology, c->node,
			      r.out, r.err);
		ck_assert_msg(strstr(r.out, c->expect_out), "%s %s: %s", c->topology, c->node, r.out);
	} else {
		ck_assert_msg(exit_code(&r) != 0, "%s %s: vainfo worked: %s", c->topology, c->node,
			      r.out);
		ck_assert_msg(strstr(r.err, c->expect_err), "%s %s: %s", c->topology, c->node, r.err);
	}
	th_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* libdrm's drmGetDevices2 sees exactly the topology's devices */

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The /dev/dri name of @minor (a card minor unless @render) in @t, or NULL. */
static const char *node_name(const struct topology *t, int minor, bool render, char *buf,
			     size_t len)
{
	if (minor == TOPO_NONE || t->no_dev_dri)
		return NULL;
	if (!t->nodes) {
		snprintf(buf, len, render ? "renderD%d" : "card%d", minor);
		return buf;
	}
	/* libdrm looks for card* and renderD* in /dev/dri only, not for a node a container
	 * has under by-path/. */
	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].minor == minor && !strchr(t->nodes[i].name, '/')) {
			snprintf(buf, len, "%s", t->nodes[i].name);
			return buf;
		}
	return NULL;
}

START_TEST(drm_devices_match_topology)
{
	const struct topology *t = topologies[_i];
	char **lines = calloc(t->ndevs + 1, sizeof(*lines));
	int *cards = calloc(t->ndevs + 1, sizeof(int)), *renders = calloc(t->ndevs + 1, sizeof(int));
	size_t n = 0, nodes = 0;
	ck_assert(lines && cards && renders);
	ck_assert_int_eq(topo_minors(t, cards, renders), 0);
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct topo_dev *d = &t->devs[i];
		char card[32], render[32], line[512], id[128] = "";
		const char *c = node_name(t, cards[i], false, card, sizeof(card));
		const char *r = node_name(t, renders[i], true, render, sizeof(render));
		nodes += (c != NULL) + (r != NULL);
		if (!c && !r)
			continue;
		if (d->platform) {
			snprintf(id, sizeof(id), "platform %s", topo_dev_name(d));
			char *dot = strrchr(id, '.');
			if (dot && dot[1] >= '0' && dot[1] <= '9')
				*dot = '\0';
		} else {
			snprintf(id, sizeof(id), "pci %s %04x:%04x %04x:%04x rev %02x", topo_dev_name(d),
				 d->vendor, d->device, d->subvendor, d->subdevice, d->revision);
		}
		snprintf(line, sizeof(line), "%s%s%s%s%s\n", id, c ? " primary=/dev/dri/" : "",
			 c ? c : "", r ? " render=/dev/dri/" : "", r ? r : "");
		lines[n++] = strdup(line);
	}
	qsort(lines, n, sizeof(lines[0]), cmp_lines);
	size_t size = 64;
	for (size_t i = 0; i < n; i++)
		size += strlen(lines[i]);
	char *expect = calloc(1, size);
	ck_assert_ptr_nonnull(expect);
	for (size_t i = 0; i < n; i++) {
		strcat(expect, lines[i]);
		free(lines[i]);
	}
	free(lines);
	free(cards);
	free(renders);
	if (t->no_dev_dri)
		strcat(expect, "error -2\n");
	else
		snprintf(expect + strlen(expect), size - strlen(expect), "count %zu\n", n);

	char prog[4200];
	snprintf(prog, sizeof(prog), "%s/tests/harness/drmdevices", th_builddir());
	char *argv[] = { prog, NULL };
	struct th_result res = run(t->name, NULL, argv);
	if (nodes <= 256) {
		ck_assert_msg(strcmp(res.out, expect) == 0, "%s: drmGetDevices2 saw\n%sexpected\n%s",
			      t->name, res.out, expect);
	} else {
		/* libdrm (2.4.114) reads at most 256 entries of /dev/dri (MAX_DRM_NODES), says
		 * so, and leaves the nodes past them out: what it lists is still right. */
		ck_assert_msg(strstr(res.err, "More than 256 drm nodes detected"), "%s: %s", t->name,
			      res.err);
		for (char *line = res.out, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			if (strncmp(line, "count ", 6) != 0)
				ck_assert_msg(strstr(expect, line), "%s: drmGetDevices2 saw %s", t->name,
					      line);
		}
	}
	th_result_free(&res);
	free(expect);
}
END_TEST

/* Vanished nodes are skipped by libdrm (its stat fails); denied ones are listed (it
 * never opens them). */
START_TEST(drm_devices_vanished_and_denied)
{
	char prog[4200];
	snprintf(prog, sizeof(prog), "%s/tests/harness/drmdevices", th_builddir());
	char *argv[] = { prog, NULL };
	struct th_opts o = { .topology = "adl-sriov-host", .vanish = "renderD129,card2",
			     .deny = "renderD130" };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_int_eq(exit_code(&r), 0);
	ck_assert_msg(strstr(r.out, "pci 0000:00:02.1 8086:4692 1849:4692 rev 0c "
			     "primary=/dev/dri/card1\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "pci 0000:00:02.2 8086:4692 1849:4692 rev 0c "
			     "render=/dev/dri/renderD130\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "count 8\n"), "%s", r.out);
	th_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* The shim, in this process (the runner preloaded it) */

static void enter(const char *topology, const char *deny, const char *vanish, const char *trace)
{
	struct th_opts o = { .topology = topology, .deny = deny, .vanish = vanish,
			     .trace_file = trace };
	int r = th_enter(&o, topo_dir, sizeof(topo_dir));
	ck_assert_msg(r == 0, "th_enter(%s): %s", topology, strerror(-r));
}

static void leave(void)
{
	th_leave(topo_dir);
	topo_dir[0] = '\0';
}

START_TEST(shim_nodes_are_char_devices)
{
	enter("adl-sriov-host", NULL, NULL, NULL);
	struct stat st;
	ck_assert_int_eq(stat("/dev/dri/renderD129", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert_uint_eq(major(st.st_rdev), 226);
	ck_assert_uint_eq(minor(st.st_rdev), 129);
	ck_assert_uint_eq(st.st_uid, 0);
	ck_assert_uint_eq(st.st_gid, 993);
	/* lstat of a by-path link is the link; stat follows it to the node. */
	ck_assert_int_eq(lstat("/dev/dri/by-path/pci-0000:00:02.1-render", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(stat("/dev/dri/by-path/pci-0000:00:02.1-render", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_uint_eq(minor(st.st_rdev), 129);
	setenv("FAKEGPU_NODE_GID", "44", 1);
	ck_assert_int_eq(stat("/dev/dri/card0", &st), 0);
	ck_assert_uint_eq(st.st_gid, 44);
	ck_assert_uint_eq(minor(st.st_rdev), 0);
	unsetenv("FAKEGPU_NODE_GID");
	/* fstat and fstatat(AT_EMPTY_PATH) on an open node. */
	int fd = open("/dev/dri/renderD135", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_uint_eq(minor(st.st_rdev), 135);
	ck_assert_int_eq(fstatat(fd, "", &st, AT_EMPTY_PATH), 0);
	ck_assert_uint_eq(minor(st.st_rdev), 135);
	struct statx sx;
	ck_assert_int_eq(statx(AT_FDCWD, "/dev/dri/renderD135", 0, STATX_BASIC_STATS, &sx), 0);
	ck_assert(S_ISCHR(sx.stx_mode));
	ck_assert_uint_eq(sx.stx_rdev_major, 226);
	ck_assert_uint_eq(sx.stx_rdev_minor, 135);
	close(fd);
	/* A sysfs file is an ordinary file. */
	ck_assert_int_eq(stat("/sys/class/drm/renderD129/dev", &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	leave();
}
END_TEST

START_TEST(shim_remapped_nodes)
{
	enter("adl-sriov-lxc-vf4-remapped", NULL, NULL, NULL);
	struct stat st;
	ck_assert_int_eq(stat("/dev/dri/renderD128", &st), 0);
	ck_assert_uint_eq(minor(st.st_rdev), 132);
	ck_assert_int_eq(stat("/dev/dri/card0", &st), 0);
	ck_assert_uint_eq(minor(st.st_rdev), 4);
	errno = 0;
	ck_assert_int_eq(stat("/dev/dri/renderD132", &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* The host's /sys is intact. */
	char buf[PATH_MAX];
	ck_assert_ptr_nonnull(realpath("/sys/dev/char/226:132/device", buf));
	ck_assert_str_eq(buf, "/sys/devices/pci0000:00/0000:00:02.4");
	ck_assert_int_eq(stat("/sys/class/drm/renderD135", &st), 0);
	leave();
}
END_TEST

START_TEST(shim_readdir_reports_chr)
{
	enter("adl-sriov-lxc-vf4", NULL, "renderD132", NULL);
	DIR *d = opendir("/dev/dri");
	ck_assert_ptr_nonnull(d);
	int seen = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ck_assert_msg(e->d_type == DT_CHR, "%s: d_type %d", e->d_name, e->d_type);
		ck_assert_msg(strcmp(e->d_name, "card4") == 0 || strcmp(e->d_name, "renderD132") == 0,
			      "%s", e->d_name);
		seen++;
	}
	closedir(d);
	/* A vanished node is still listed. */
	ck_assert_int_eq(seen, 2);
	d = opendir("/sys/class/drm");
	ck_assert_ptr_nonnull(d);
	seen = 0;
	while ((e = readdir(d)))
		seen += strcmp(e->d_name, "renderD135") == 0;
	closedir(d);
	ck_assert_int_eq(seen, 1);
	leave();
}
END_TEST

static int only_nodes(const struct dirent *e)
{
	return e->d_name[0] != '.' && strcmp(e->d_name, "by-path") != 0;
}

/* Relative to a directory fd on /dev/dri (openat/fstatat/statx/faccessat), and scandir. */
/* A node a container's device cgroup denies: it is in /dev/dri, stat sees it, but open and
 * access() fail with EPERM (the kernel's device cgroup check, after the mode bits). */
START_TEST(shim_deny_eperm)
{
	char trace[4200];
	snprintf(trace, sizeof(trace), "%s/trace.XXXXXX", getenv("TMPDIR"));
	int tfd = mkstemp(trace);
	ck_assert_int_ge(tfd, 0);
	close(tfd);
	enter("adl-sriov-host", "renderD128:EPERM,card0:EACCES,renderD130", NULL, trace);
	struct stat st;
	errno = 0;
	ck_assert_int_eq(open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC), -1);
	ck_assert_int_eq(errno, EPERM);
	errno = 0;
	ck_assert_int_eq(open("/dev/dri/by-path/pci-0000:00:02.0-render", O_RDWR), -1);
	ck_assert_int_eq(errno, EPERM);
	errno = 0;
	ck_assert_ptr_null(fopen("/dev/dri/renderD128", "r"));
	ck_assert_int_eq(errno, EPERM);
	/* the device cgroup refuses every access() mask, F_OK included */
	errno = 0;
	ck_assert_int_eq(access("/dev/dri/renderD128", R_OK | W_OK), -1);
	ck_assert_int_eq(errno, EPERM);
	errno = 0;
	ck_assert_int_eq(access("/dev/dri/renderD128", F_OK), -1);
	ck_assert_int_eq(errno, EPERM);
	/* stat still works, and shows the node as it is */
	ck_assert_int_eq(stat("/dev/dri/renderD128", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_uint_eq(minor(st.st_rdev), 128);
	/* :EACCES and no suffix are the old deny */
	errno = 0;
	ck_assert_int_eq(open("/dev/dri/card0", O_RDWR), -1);
	ck_assert_int_eq(errno, EACCES);
	errno = 0;
	ck_assert_int_eq(open("/dev/dri/renderD130", O_RDWR), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(access("/dev/dri/renderD130", F_OK), 0);
	int fd = open("/dev/dri/renderD129", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(th_count_lines(trace, "open /dev/dri/renderD128 O_RDWR|O_CLOEXEC -> EPERM"), 1);
	ck_assert_int_eq(th_count_lines(trace, "open /dev/dri/card0 O_RDWR -> EACCES"), 1);
	/* an unknown errno is refused, not taken for EACCES */
	setenv("FAKEGPU_DENY", "renderD129:EBUSY", 1);
	errno = 0;
	ck_assert_int_eq(open("/dev/dri/renderD129", O_RDWR), -1);
	ck_assert_int_eq(errno, EINVAL);
	leave();
	unlink(trace);
	struct th_opts o = { .topology = "adl-sriov-host", .deny = "renderD128:EPREM" };
	char dir[4096];
	ck_assert_int_eq(th_enter(&o, dir, sizeof(dir)), -EINVAL);
}
END_TEST

START_TEST(shim_dirfd_relative)
{
	enter("adl-sriov-host", "renderD128", "renderD129", NULL);
	int dfd = open("/dev/dri", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	struct stat st;
	ck_assert_int_eq(fstatat(dfd, "renderD130", &st, 0), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_uint_eq(minor(st.st_rdev), 130);
	struct statx sx;
	ck_assert_int_eq(statx(dfd, "card2", 0, STATX_BASIC_STATS, &sx), 0);
	ck_assert(S_ISCHR(sx.stx_mode));
	ck_assert_uint_eq(sx.stx_rdev_minor, 2);
	errno = 0;
	ck_assert_int_eq(openat(dfd, "renderD128", O_RDWR | O_CLOEXEC), -1);
	ck_assert_int_eq(errno, EACCES);
	errno = 0;
	ck_assert_int_eq(openat(dfd, "renderD129", O_RDWR | O_CLOEXEC), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(fstatat(dfd, "renderD129", &st, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(faccessat(dfd, "renderD128", R_OK | W_OK, 0), -1);
	ck_assert_int_eq(errno, EACCES);
	int fd = openat(dfd, "renderD130", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	close(fd);
	close(dfd);

	struct dirent **list;
	int n = scandir("/dev/dri", &list, only_nodes, alphasort);
	ck_assert_int_eq(n, 16);
	ck_assert_str_eq(list[0]->d_name, "card0");
	for (int i = 0; i < n; i++) {
		ck_assert_msg(list[i]->d_type == DT_CHR, "%s", list[i]->d_name);
		free(list[i]);
	}
	free(list);
	leave();
}
END_TEST

START_TEST(shim_deny_gives_eacces)
{
	enter("adl-sriov-host", "renderD128,card0", NULL, NULL);
	struct stat st;
	errno = 0;
	ck_assert_int_eq(open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC), -1);
	ck_assert_int_eq(errno, EACCES);
	errno = 0;
	ck_assert_int_eq(open("/dev/dri/card0", O_RDONLY), -1);
	ck_assert_int_eq(errno, EACCES);
	/* also through a by-path link, and with fopen */
	errno = 0;
	ck_assert_int_eq(open("/dev/dri/by-path/pci-0000:00:02.0-render", O_RDWR), -1);
	ck_assert_int_eq(errno, EACCES);
	errno = 0;
	ck_assert_ptr_null(fopen("/dev/dri/renderD128", "r"));
	ck_assert_int_eq(errno, EACCES);
	/* access() as a user outside the render group sees it */
	errno = 0;
	ck_assert_int_eq(access("/dev/dri/renderD128", R_OK | W_OK), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(access("/dev/dri/renderD128", F_OK), 0);
	/* stat still works */
	ck_assert_int_eq(stat("/dev/dri/renderD128", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	/* the others open */
	int fd = open("/dev/dri/renderD129", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	close(fd);
	leave();
}
END_TEST

/* Whether readdir of @path lists @name; with @fails, it must end in EIO, not at the end. */
static bool dir_lists(const char *path, const char *name, bool fails)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool found = false;

	ck_assert_msg(d != NULL, "%s: %s", path, strerror(errno));
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (strcmp(de->d_name, name) == 0)
			found = true;
	}
	ck_assert_msg(errno == (fails ? EIO : 0), "readdir of %s ended with %s", path,
		      strerror(errno));
	closedir(d);
	return found;
}

START_TEST(shim_readdir_eio)
{
	enter("adl-sriov-host", NULL, NULL, NULL);
	setenv("FAKEGPU_READDIR_EIO", "renderD130", 1);
	ck_assert(!dir_lists("/dev/dri", "renderD130", true));
	/* only /dev/dri: sysfs has a renderD130 too */
	ck_assert(dir_lists("/sys/class/drm", "renderD130", false));
	unsetenv("FAKEGPU_READDIR_EIO");
	ck_assert(dir_lists("/dev/dri", "renderD130", false));
	leave();
}
END_TEST

START_TEST(shim_vanish_gives_enoent)
{
	enter("adl-sriov-host", NULL, "renderD129", NULL);
	struct stat st;
	char buf[PATH_MAX];
	errno = 0;
	ck_assert_int_eq(stat("/dev/dri/renderD129", &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(lstat("/dev/dri/renderD129", &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(open("/dev/dri/renderD129", O_RDWR), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(access("/dev/dri/renderD129", F_OK), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_ptr_null(realpath("/dev/dri/renderD129", buf));
	ck_assert_int_eq(errno, ENOENT);
	/* its sysfs side is untouched, like a node removed after /sys was read */
	ck_assert_int_eq(stat("/sys/dev/char/226:129", &st), 0);
	ck_assert_int_eq(stat("/dev/dri/renderD130", &st), 0);
	leave();
}
END_TEST

/* FAKEGPU_NO_PROC=1: /proc is not there (a chroot, a sandbox), for this process and for a
 * program run in the topology; /sys and the rest are as before. */
START_TEST(shim_no_proc)
{
	enter("adl-sriov-host", NULL, NULL, NULL);
	struct stat st;
	char buf[PATH_MAX];
	const char *paths[] = { "/proc", "/proc/self/exe", "/proc/self/status" };

	for (int hidden = 0; hidden < 2; hidden++) {
		if (hidden)
			setenv("FAKEGPU_NO_PROC", "1", 1);
		for (size_t i = 0; i < 3; i++) {
			errno = 0;
			ck_assert_int_eq(stat(paths[i], &st), (hidden ? -1 : 0));
			ck_assert_int_eq(errno, (hidden ? ENOENT : 0));
			ck_assert_int_eq(access(paths[i], F_OK), (hidden ? -1 : 0));
			int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
			ck_assert_int_eq(fd < 0, hidden);
			if (fd >= 0)
				close(fd);
		}
		errno = 0;
		ck_assert_int_eq(readlink("/proc/self/exe", buf, sizeof(buf)) < 0, hidden);
		ck_assert_int_eq(realpath("/proc/self/exe", buf) == NULL, hidden);
		DIR *d = opendir("/proc");
		ck_assert_int_eq(d == NULL, hidden);
		if (d)
			closedir(d);
		ck_assert_int_eq(stat("/sys/class/drm/renderD129", &st), 0);
		ck_assert_int_eq(stat("/dev/dri/renderD129", &st), 0);
		ck_assert_int_eq(stat("/etc/passwd", &st), 0);
	}
	unsetenv("FAKEGPU_NO_PROC");
	leave();

	/* a program: coreutils' readlink sees no /proc either */
	struct th_opts o = { .topology = "empty",
			     .env = (const char *[]){ "FAKEGPU_NO_PROC=1", NULL } };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, (char *[]){ "readlink", "/proc/self/exe", NULL }, &r), 0);
	ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1 && !*r.out,
		      "status 0x%x, stdout '%s'", r.status, r.out);
	th_result_free(&r);
	o.env = NULL;
	ck_assert_int_eq(th_run(&o, (char *[]){ "readlink", "/proc/self/exe", NULL }, &r), 0);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "/usr/bin/readlink\n");
	th_result_free(&r);
}
END_TEST

START_TEST(shim_sysfs_paths)
{
	enter("adl-sriov-host", NULL, NULL, NULL);
	char buf[PATH_MAX];
	ck_assert_ptr_nonnull(realpath("/sys/class/drm/renderD129/device", buf));
	ck_assert_str_eq(buf, "/sys/devices/pci0000:00/0000:00:02.1");
	char *c = canonicalize_file_name("/sys/bus/pci/devices/0000:00:02.0/virtfn3");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c, "/sys/devices/pci0000:00/0000:00:02.4");
	free(c);
	ssize_t n = readlink("/sys/devices/pci0000:00/0000:00:02.4/physfn", buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "../0000:00:02.0");
	FILE *f = fopen("/sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs", "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_str_eq(buf, "7\n");
	ck_assert_int_eq(access("/sys/class/drm/card0-HDMI-A-1/status", R_OK), 0);
	leave();
}
END_TEST

START_TEST(shim_drm_ioctls)
{
	char trace[4200];
	tmpl(trace, sizeof(trace), "vad-trace");
	int tfd = mkstemp(trace);
	ck_assert_int_ge(tfd, 0);
	close(tfd);
	enter("intel-nvidia", NULL, NULL, trace);
	char name[32] = "", date[32] = "", desc[64] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1, .date = date,
				 .date_len = sizeof(date) - 1, .desc = desc,
				 .desc_len = sizeof(desc) - 1 };
	int fd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_VERSION, &v), 0);
	ck_assert_str_eq(name, "nvidia-drm");
	ck_assert_uint_eq(v.name_len, strlen("nvidia-drm"));
	/* A short buffer gets a prefix and the full length. */
	char shortname[4] = "";
	struct drm_version v2 = { .name = shortname, .name_len = 3 };
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_VERSION, &v2), 0);
	ck_assert_str_eq(shortname, "nvi");
	ck_assert_uint_eq(v2.name_len, 10);
	/* Not DRM_RENDER_ALLOW: refused on a render node */
	struct drm_auth auth = { 0 };
	errno = 0;
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_GET_MAGIC, &auth), -1);
	ck_assert_int_eq(errno, EACCES);
	struct drm_get_cap cap = { .capability = DRM_CAP_PRIME };
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_GET_CAP, &cap), 0);
	ck_assert_uint_eq(cap.value, DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT);
	cap.capability = 0x7777;
	errno = 0;
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_GET_CAP, &cap), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* i915 ioctls are not the NVIDIA driver's */
	int value = 0;
	drm_i915_getparam_t gp = { .param = I915_PARAM_CHIPSET_ID, .value = &value };
	errno = 0;
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_I915_GETPARAM, &gp), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* not a tty */
	struct termios tio;
	errno = 0;
	ck_assert_int_eq(ioctl(fd, TCGETS, &tio), -1);
	ck_assert_int_eq(errno, ENOTTY);
	/* /proc/self/fd names the node as the kernel would */
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_str_eq(target, "/dev/dri/renderD128");
	ck_assert_ptr_nonnull(realpath(link, target));
	ck_assert_str_eq(target, "/dev/dri/renderD128");
	close(fd);

	fd = open("/dev/dri/card1", O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_I915_GETPARAM, &gp), 0);
	ck_assert_int_eq(value, 0x4680);
	gp.param = I915_PARAM_REVISION;
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_I915_GETPARAM, &gp), 0);
	ck_assert_int_eq(value, 0x0c);
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_GET_MAGIC, &auth), 0);
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_AUTH_MAGIC, &auth), 0);
	char unique[64] = "";
	struct drm_unique u = { .unique_len = sizeof(unique) - 1, .unique = unique };
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_GET_UNIQUE, &u), 0);
	ck_assert_str_eq(unique, "0000:00:02.0");
	struct drm_set_client_cap cc = { .capability = DRM_CLIENT_CAP_ATOMIC, .value = 1 };
	ck_assert_int_eq(ioctl(fd, DRM_IOCTL_SET_CLIENT_CAP, &cc), 0);
	close(fd);
	leave();

	ck_assert_int_eq(th_count_lines(trace, "open /dev/dri/renderD128 O_RDWR|O_CLOEXEC\n"), 1);
	ck_assert_int_eq(th_count_lines(trace, "open /dev/dri/card1 O_RDWR\n"), 1);
	ck_assert_int_eq(th_count_lines(trace, "ioctl /dev/dri/renderD128 DRM_IOCTL_VERSION\n"), 2);
	ck_assert_int_eq(th_count_lines(trace, "ioctl /dev/dri/renderD128 DRM_IOCTL_GET_MAGIC -> EACCES"),
			 1);
	ck_assert_int_eq(th_count_lines(trace, "ioctl /dev/dri/card1 DRM_IOCTL_I915_GETPARAM\n"), 2);
	unlink(trace);
}
END_TEST

/* With FAKEGPU_ROOT unset the shim (preloaded in this process) changes nothing: compare
 * libc's answers with the kernel's, asked by raw system calls. */
static void same_stat(const char *path)
{
	struct stat a, b;
	errno = 0;
	int ra = stat(path, &a), ea = errno;
	errno = 0;
	int rb = (int)syscall(SYS_newfstatat, AT_FDCWD, path, &b, 0), eb = errno;
	ck_assert_msg(ra == rb && (ra < 0 ? ea == eb : a.st_ino == b.st_ino && a.st_dev == b.st_dev &&
		      a.st_mode == b.st_mode && a.st_rdev == b.st_rdev), "%s: %d/%d %d/%d", path, ra,
		      rb, ea, eb);
}

START_TEST(shim_inert_without_root)
{
	unsetenv("FAKEGPU_ROOT");
	ck_assert_ptr_nonnull(strstr(getenv("LD_PRELOAD") ? "" : "", ""));
	same_stat("/sys");
	same_stat("/sys/class/drm");
	same_stat("/dev/dri");
	same_stat("/dev/dri/renderD128");
	same_stat("/etc/passwd");
	same_stat("/dev/null");
	char a[PATH_MAX], b[PATH_MAX];
	ck_assert_ptr_nonnull(realpath("/proc/self/cwd", a));
	ssize_t n = syscall(SYS_readlink, "/proc/self/cwd", b, sizeof(b) - 1);
	ck_assert_int_gt(n, 0);
	b[n] = '\0';
	ck_assert_str_eq(a, b);
	errno = 0;
	int fd = open("/sys/class/drm/renderD128/dev", O_RDONLY);
	int e = errno;
	errno = 0;
	int fd2 = (int)syscall(SYS_openat, AT_FDCWD, "/sys/class/drm/renderD128/dev", O_RDONLY);
	ck_assert_int_eq(fd < 0, fd2 < 0);
	if (fd < 0)
		ck_assert_int_eq(e, errno);
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
	/* the same with a topology entered: paths outside /sys and /dev/dri are untouched */
	enter("adl-sriov-host", NULL, NULL, NULL);
	same_stat("/etc/passwd");
	same_stat("/dev/null");
	same_stat("/system");
	same_stat("/dev/drivers");
	leave();
}
END_TEST

/* The shim really is preloaded in every Check program (runner.c). */
START_TEST(shim_is_preloaded)
{
	ck_assert_ptr_nonnull(dlsym(RTLD_DEFAULT, "canonicalize_file_name"));
	Dl_info info;
	void *f = dlsym(RTLD_DEFAULT, "readlink");
	ck_assert_ptr_nonnull(f);
	ck_assert(dladdr(f, &info));
	ck_assert_msg(strstr(info.dli_fname, "libfakegpu.so"), "readlink comes from %s",
		      info.dli_fname);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* run-in itself */

static char runin[4200];

static struct th_result run_plain(char *const argv[])
{
	struct th_opts o = { 0 };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	return r;
}

START_TEST(runin_help_and_errors)
{
	snprintf(runin, sizeof(runin), "%s/tests/harness/run-in", th_srcdir());
	char *help[] = { runin, "--help", NULL };
	struct th_result r = run_plain(help);
	ck_assert_int_eq(exit_code(&r), 0);
	ck_assert_msg(strstr(r.out, "Usage: tests/harness/run-in"), "%s", r.out);
	th_result_free(&r);

	char *bad[] = { runin, "--build", (char *)th_builddir(), "no-such-machine", "--", "true", NULL };
	r = run_plain(bad);
	ck_assert_int_eq(exit_code(&r), 125);
	ck_assert_msg(strstr(r.err, "unknown topology 'no-such-machine'"), "%s", r.err);
	th_result_free(&r);

	char *list[] = { runin, "--build", (char *)th_builddir(), "--list", NULL };
	r = run_plain(list);
	ck_assert_int_eq(exit_code(&r), 0);
	for (size_t i = 0; i < n_topologies; i++) {
		char line[128];
		snprintf(line, sizeof(line), "%s\n", topologies[i]->name);
		ck_assert_msg(strstr(r.out, line), "%s missing from --list", topologies[i]->name);
	}
	th_result_free(&r);
}
END_TEST

START_TEST(runin_deny_errno)
{
	char *argv[] = { "sh", "-c", "cat /dev/dri/renderD128; cat /dev/dri/card0; "
			 "stat -c %F /dev/dri/renderD128", NULL };
	struct th_opts o = { .topology = "adl-sriov-host", .deny = "renderD128:EPERM,card0" };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_int_eq(exit_code(&r), 0);
	ck_assert_msg(strstr(r.err, "/dev/dri/renderD128: Operation not permitted"), "%s", r.err);
	ck_assert_msg(strstr(r.err, "/dev/dri/card0: Permission denied"), "%s", r.err);
	ck_assert_msg(strstr(r.out, "character special file"), "%s", r.out);
	th_result_free(&r);
	/* run-in refuses an errno the shim does not know */
	snprintf(runin, sizeof(runin), "%s/tests/harness/run-in", th_srcdir());
	char *bad[] = { runin, "--build", (char *)th_builddir(), "--deny", "renderD128:ENOENT",
			"adl-sriov-host", "--", "true", NULL };
	r = run_plain(bad);
	ck_assert_int_eq(exit_code(&r), 125);
	ck_assert_msg(strstr(r.err, "'renderD128:ENOENT': ERRNO is EACCES or EPERM"), "%s", r.err);
	th_result_free(&r);
}
END_TEST

START_TEST(runin_status_env_and_cleanup)
{
	char *argv[] = { "sh", "-c", "echo root=$FAKEGPU_ROOT; echo drv=$LIBVA_DRIVERS_PATH; "
			 "echo disp=${DISPLAY-unset}; cat; exit 7", NULL };
	setenv("DISPLAY", ":0", 1);
	struct th_opts o = { .topology = "amd", .stdin_data = "from stdin\n" };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	unsetenv("DISPLAY");
	ck_assert_int_eq(exit_code(&r), 7);
	ck_assert_msg(strstr(r.out, "disp=unset\n"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "from stdin\n"), "%s", r.out);
	char drv[4300];
	snprintf(drv, sizeof(drv), "drv=%s/tests/harness/dri\n", th_builddir());
	ck_assert_msg(strstr(r.out, drv), "%s", r.out);
	char *root = strstr(r.out, "root=");
	ck_assert_ptr_nonnull(root);
	root += 5;
	*strchr(root, '\n') = '\0';
	ck_assert_int_gt(strlen(root), 1);
	struct stat st;
	errno = 0;
	ck_assert_msg(stat(root, &st) < 0 && errno == ENOENT, "%s was not removed", root);
	th_result_free(&r);

	/* a signal: run-in ends with it too */
	char *kill_argv[] = { "sh", "-c", "kill -USR1 $$", NULL };
	o.stdin_data = NULL;
	ck_assert_int_eq(th_run(&o, kill_argv, &r), 0);
	ck_assert(WIFSIGNALED(r.status));
	ck_assert_int_eq(WTERMSIG(r.status), SIGUSR1);
	th_result_free(&r);
}
END_TEST

/* RUNIN_PRELOAD comes before the shim in LD_PRELOAD; RUNIN_WRAP wraps the command. */
START_TEST(runin_preload_and_wrap)
{
	char *argv[] = { "sh", "-c", "echo \"$LD_PRELOAD\"; echo wrapped=${VAD_WRAPPED-no}", NULL };
	setenv("RUNIN_PRELOAD", "/lib/x86_64-linux-gnu/libm.so.6", 1);
	setenv("RUNIN_WRAP", "env VAD_WRAPPED=yes", 1);
	struct th_result r = run("amd", NULL, argv);
	unsetenv("RUNIN_PRELOAD");
	unsetenv("RUNIN_WRAP");
	ck_assert_int_eq(exit_code(&r), 0);
	char want[4300];
	snprintf(want, sizeof(want), "/lib/x86_64-linux-gnu/libm.so.6:%s/tests/harness/libfakegpu.so",
		 th_builddir());
	ck_assert_msg(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
	ck_assert_msg(strstr(r.out, "\nwrapped=yes\n"), "%s", r.out);
	th_result_free(&r);
}
END_TEST

/* make check-valgrind runs this project's programs under memcheck and nothing else
 * (tests/harness/valgrind-run): a foreign program started directly, or reached through
 * the wrapper's exec, runs natively; ours run under memcheck, their probe helper too. */
START_TEST(runin_valgrind_own_programs_only)
{
	static const char *const env[] = { "VAD_TEST_VALGRIND=1", NULL };
	char wrapper[4200], printer[4200];
	snprintf(wrapper, sizeof(wrapper), "%s/fftools-wrapper/ffmpeg", th_builddir());
	snprintf(printer, sizeof(printer), "%s/tests/wrapper-env", th_builddir());
	struct th_opts o = { .topology = "amd", .env = env };
	struct th_result r;

	/* Debian's cat, started directly: memcheck's preload is not in its memory */
	char *cat[] = { "cat", "/proc/self/maps", NULL };
	ck_assert_int_eq(th_run(&o, cat, &r), 0);
	ck_assert_int_eq(exit_code(&r), 0);
	ck_assert_msg(strstr(r.out, "libfakegpu.so"), "%.2000s", r.out);
	ck_assert_msg(!strstr(r.out, "vgpreload"), "cat ran under valgrind:\n%.2000s", r.out);
	th_result_free(&r);
#ifdef __SANITIZE_ADDRESS__
	/* This build's programs carry ASan, which cannot run under memcheck (check-asan never
	 * asks for valgrind): the rest is for the plain build. */
	return;
#endif

	/* ... nor when the wrapper, run under memcheck, executes it */
	static const char *const env_cat[] = { "VAD_TEST_VALGRIND=1", "VADISCOVER_FFMPEG=/bin/cat",
					       NULL };
	struct th_opts oc = { .topology = "amd", .env = env_cat };
	char *through[] = { wrapper, "/proc/self/maps", NULL };
	ck_assert_int_eq(th_run(&oc, through, &r), 0);
	ck_assert_msg(exit_code(&r) == 0, "%.2000s", r.err);
	ck_assert_msg(strstr(r.out, "libfakegpu.so"), "%.2000s", r.out);
	ck_assert_msg(!strstr(r.out, "vgpreload"), "cat ran under valgrind:\n%.2000s", r.out);
	th_result_free(&r);

	/* a program of ours runs under memcheck (its preload is in the environment valgrind
	 * gives it) */
	char *own[] = { printer, NULL };
	ck_assert_int_eq(th_run(&o, own, &r), 0);
	ck_assert_msg(exit_code(&r) == 0, "%.2000s", r.err);
	ck_assert_msg(strstr(r.out, "vgpreload_memcheck"), "not under valgrind:\n%.2000s", r.out);
	th_result_free(&r);
}
END_TEST

/* Under check-valgrind the probe helper runs under memcheck here (elsewhere natively: see
 * tests/harness/valgrind-run), with a deadline long enough for it. The library reads the
 * helper's result before its exit, so memcheck's verdict is read where memcheck writes it:
 * the helper's stderr, which is the tool's. */
START_TEST(runin_valgrind_probe_helper)
{
	const char *vg = getenv("VAD_TEST_VALGRIND");
	bool valgrind = vg && strcmp(vg, "1") == 0;
	char helper[4300], tool[4200];
	snprintf(helper, sizeof(helper), "VADISCOVER_PROBE_HELPER=%s/%s", th_builddir(),
		 valgrind ? "tests/harness/vadiscover-probe-valgrind" : "vadiscover/vadiscover-probe");
	snprintf(tool, sizeof(tool), "%s/vadiscover/tool/vadiscover", th_builddir());
	const char *const env[] = { helper, "VADISCOVER_PROBE_TIMEOUT=600", "VADISCOVER_CACHE=0",
				    NULL };
	struct th_opts o = { .topology = "adl-sriov-host", .env = env };
	char *argv[] = { tool, "pick", "pci=0000:00:02.1", NULL };
	struct th_result r;
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_msg(exit_code(&r) == 0, "%.2000s", r.err);
	ck_assert_str_eq(r.out, "/dev/dri/renderD129\n");
	ck_assert_msg(!strstr(r.err, "=="), "memcheck reported:\n%.2000s", r.err);
	th_result_free(&r);
}
END_TEST

START_TEST(runin_keep)
{
	char dir[4200];
	tmpl(dir, sizeof(dir), "vad-keep");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(runin, sizeof(runin), "%s/tests/harness/run-in", th_srcdir());
	char *argv[] = { runin, "--build", (char *)th_builddir(), "--keep", dir, "xe-sriov", "--",
			 "ls", "/dev/dri", NULL };
	struct th_result r = run_plain(argv);
	ck_assert_int_eq(exit_code(&r), 0);
	ck_assert_msg(strstr(r.out, "renderD132\n"), "%s", r.out);
	th_result_free(&r);
	char p[4400];
	snprintf(p, sizeof(p), "%s/sys/devices/pci0000:4a/0000:4a:01.0/0000:4b:00.0/0000:4c:01.0/"
		 "0000:4d:00.0/sriov_numvfs", dir);
	ck_assert_int_eq(access(p, F_OK), 0);
	char *rm[] = { "rm", "-rf", dir, NULL };
	r = run_plain(rm);
	th_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* mktopo lays sysfs out as the kernel does */

static void check_link(const char *root, const char *link, const char *want)
{
	char p[4300], got[4096];
	snprintf(p, sizeof(p), "%s/%s", root, link);
	ssize_t n = readlink(p, got, sizeof(got) - 1);
	ck_assert_msg(n > 0, "%s: not a link", link);
	got[n] = '\0';
	ck_assert_msg(strcmp(got, want) == 0, "%s -> %s, want %s", link, got, want);
}

static void check_file(const char *root, const char *file, const char *want)
{
	char p[4300], got[1024] = "";
	snprintf(p, sizeof(p), "%s/%s", root, file);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "%s: %s", file, strerror(errno));
	ssize_t n = read(fd, got, sizeof(got) - 1);
	close(fd);
	ck_assert_int_ge(n, 0);
	got[n] = '\0';
	ck_assert_msg(strcmp(got, want) == 0, "%s: \"%s\", want \"%s\"", file, got, want);
}

static int no_absolute_links(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)f;
	if (flag == FTW_SL) {
		char t[4096];
		ssize_t n = readlink(path, t, sizeof(t) - 1);
		if (n > 0 && t[0] == '/') {
			fprintf(stderr, "absolute link %s\n", path);
			return 1;
		}
	}
	return 0;
}

START_TEST(mktopo_kernel_layout)
{
	char dir[4200], err[256] = "";
	tmpl(dir, sizeof(dir), "vad-mktopo");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(topology_build(topology_find("adl-sriov-host"), dir, err, sizeof(err)), 0);
	const char *pf = "sys/devices/pci0000:00/0000:00:02.0";
	char p[256];
	check_link(dir, "sys/class/drm/renderD129",
		   "../../devices/pci0000:00/0000:00:02.1/drm/renderD129");
	check_link(dir, "sys/dev/char/226:4", "../../devices/pci0000:00/0000:00:02.4/drm/card4");
	check_link(dir, "sys/bus/pci/devices/0000:00:02.3", "../../../devices/pci0000:00/0000:00:02.3");
	check_link(dir, "sys/bus/pci/drivers/i915/0000:00:02.7",
		   "../../../../devices/pci0000:00/0000:00:02.7");
	snprintf(p, sizeof(p), "%s/virtfn0", pf);
	check_link(dir, p, "../0000:00:02.1");
	snprintf(p, sizeof(p), "%s/virtfn6", pf);
	check_link(dir, p, "../0000:00:02.7");
	check_link(dir, "sys/devices/pci0000:00/0000:00:02.5/physfn", "../0000:00:02.0");
	snprintf(p, sizeof(p), "%s/driver", pf);
	check_link(dir, p, "../../../bus/pci/drivers/i915");
	snprintf(p, sizeof(p), "%s/subsystem", pf);
	check_link(dir, p, "../../../bus/pci");
	snprintf(p, sizeof(p), "%s/drm/card0/device", pf);
	check_link(dir, p, "../../../0000:00:02.0");
	snprintf(p, sizeof(p), "%s/drm/card0/subsystem", pf);
	check_link(dir, p, "../../../../../class/drm");
	snprintf(p, sizeof(p), "%s/drm/card0/card0-HDMI-A-1/device", pf);
	check_link(dir, p, "../../card0");
	check_link(dir, "dev/dri/by-path/pci-0000:00:02.6-render", "../renderD134");
	snprintf(p, sizeof(p), "%s/uevent", pf);
	check_file(dir, p, "DRIVER=i915\nPCI_CLASS=30000\nPCI_ID=8086:4692\nPCI_SUBSYS_ID=1849:4692\n"
		   "PCI_SLOT_NAME=0000:00:02.0\n"
		   "MODALIAS=pci:v00008086d00004692sv00001849sd00004692bc03sc00i00\n");
	snprintf(p, sizeof(p), "%s/sriov_totalvfs", pf);
	check_file(dir, p, "7\n");
	snprintf(p, sizeof(p), "%s/revision", pf);
	check_file(dir, p, "0x0c\n");
	check_file(dir, "sys/devices/pci0000:00/0000:00:02.1/device", "0x4692\n");
	check_file(dir, "sys/devices/pci0000:00/0000:00:02.1/drm/renderD129/uevent",
		   "MAJOR=226\nMINOR=129\nDEVNAME=dri/renderD129\nDEVTYPE=drm_minor\n");
	check_file(dir, "sys/devices/pci0000:00/0000:00:02.1/drm/renderD129/dev", "226:129\n");
	ck_assert_int_eq(nftw(dir, no_absolute_links, 16, FTW_PHYS), 0);
	char *rm[] = { "rm", "-rf", dir, NULL };
	struct th_result r = run_plain(rm);
	th_result_free(&r);
}
END_TEST

/* A topology's sysfiles: the IOMMU directory, module parameters root-only as i915
 * makes them, device attributes replaced; seen through the shim at /sys. */
START_TEST(mktopo_extra_files)
{
	char dir[4200], err[256] = "", p[4400];
	struct stat st;
	tmpl(dir, sizeof(dir), "vad-mktopo");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(topology_build(topology_find("adl-sriov-unbound"), dir, err, sizeof(err)),
			 0);
	snprintf(p, sizeof(p), "%s/sys/class/iommu/dmar0", dir);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	snprintf(p, sizeof(p), "%s/sys/module/i915/parameters/enable_guc", dir);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0400);
	check_file(dir, "sys/module/i915/parameters/enable_guc", "3\n");
	check_file(dir, "sys/module/i915/parameters/max_vfs", "7\n");
	/* The PF's no_autoprobe. */
	check_file(dir, "sys/devices/pci0000:00/0000:00:02.0/sriov_drivers_autoprobe", "0\n");
	char *rm[] = { "rm", "-rf", dir, NULL };
	struct th_result r = run_plain(rm);
	th_result_free(&r);

	/* Stock i915: the capability's attributes with 0 VFs, no max_vfs parameter. */
	tmpl(dir, sizeof(dir), "vad-mktopo");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(topology_build(topology_find("adl-stock-i915"), dir, err, sizeof(err)), 0);
	check_file(dir, "sys/devices/pci0000:00/0000:00:02.0/sriov_totalvfs", "0\n");
	check_file(dir, "sys/module/i915/parameters/enable_guc", "-1\n");
	snprintf(p, sizeof(p), "%s/sys/module/i915/parameters/max_vfs", dir);
	ck_assert_int_ne(stat(p, &st), 0);
	char *rm2[] = { "rm", "-rf", dir, NULL };
	r = run_plain(rm2);
	th_result_free(&r);

	/* Through the shim, as a program reads /sys. */
	struct th_opts o = { .topology = "adl-sriov-guc-wrong" };
	char *cat[] = { "cat", "/sys/module/i915/parameters/enable_guc",
			"/sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs", NULL };
	ck_assert_int_eq(th_run(&o, cat, &r), 0);
	ck_assert_str_eq(r.out, "2\n0\n");
	th_result_free(&r);
	char *ls[] = { "ls", "/sys/class/iommu", NULL };
	o.topology = "adl-sriov-no-iommu";
	ck_assert_int_eq(th_run(&o, ls, &r), 0);
	ck_assert_str_eq(r.out, "");
	th_result_free(&r);
}
END_TEST

static const struct topo_dev *dev_at(const struct topology *t, const char *slot)
{
	for (size_t i = 0; i < t->ndevs; i++)
		if (strcmp(topo_dev_name(&t->devs[i]), slot) == 0)
			return &t->devs[i];
	ck_abort_msg("%s: no device %s", t->name, slot);
	return NULL;
}

static int count_render(const struct topology *t)
{
	int n = 0;
	for (size_t i = 0; i < t->ndevs; i++)
		n += t->devs[i].render != TOPO_NONE;
	return n;
}

/* The simulated machines (SR-IOV host and containers, Intel+NVIDIA, Arc, AMD, many nodes,
 * xe, non-PCI, empty) exist and have the devices, ids and nodes their names promise. */
START_TEST(mktopo_machine_topologies)
{
	const struct topology *t = topology_find("adl-sriov-host");
	ck_assert_ptr_nonnull(t);
	const struct topo_dev *pf = dev_at(t, "0000:00:02.0");
	ck_assert_uint_eq(pf->device, 0x4692);
	ck_assert_str_eq(pf->driver, "i915");
	ck_assert_int_eq(pf->totalvfs, 7);
	ck_assert_int_eq(pf->numvfs, 7);
	for (int i = 0; i <= 7; i++) {
		char slot[32];
		snprintf(slot, sizeof(slot), "0000:00:02.%d", i);
		const struct topo_dev *d = dev_at(t, slot);
		ck_assert_uint_eq(d->vendor, 0x8086);
		ck_assert_uint_eq(d->device, 0x4692);
		ck_assert_int_eq(d->card, i);
		ck_assert_int_eq(d->render, 128 + i);
		ck_assert(i == 0 ? d->physfn == NULL : strcmp(d->physfn, "0000:00:02.0") == 0);
	}
	ck_assert_ptr_null(t->nodes);

	t = topology_find("adl-sriov-lxc-vf4");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->nnodes, 2);
	ck_assert_str_eq(t->nodes[0].name, "card4");
	ck_assert_int_eq(t->nodes[0].minor, 4);
	ck_assert_str_eq(t->nodes[1].name, "renderD132");
	ck_assert_int_eq(t->nodes[1].minor, 132);
	ck_assert_uint_eq(t->ndevs, 8);

	t = topology_find("adl-sriov-lxc-vf4-remapped");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->nnodes, 2);
	ck_assert_str_eq(t->nodes[0].name, "card0");
	ck_assert_int_eq(t->nodes[0].minor, 4);
	ck_assert_str_eq(t->nodes[1].name, "renderD128");
	ck_assert_int_eq(t->nodes[1].minor, 132);

	t = topology_find("intel-nvidia");
	ck_assert_ptr_nonnull(t);
	const struct topo_dev *nv = dev_at(t, "0000:01:00.0");
	ck_assert_uint_eq(nv->vendor, 0x10de);
	ck_assert_str_eq(nv->drm_name, "nvidia-drm");
	ck_assert_int_eq(nv->card, 0);
	ck_assert_int_eq(nv->render, 128);
	const struct topo_dev *ig = dev_at(t, "0000:00:02.0");
	ck_assert_int_eq(ig->card, 1);
	ck_assert_int_eq(ig->render, 129);

	t = topology_find("intel-arc");
	ck_assert_ptr_nonnull(t);
	const struct topo_dev *arc = dev_at(t, "0000:03:00.0");
	ck_assert_uint_eq(arc->device, 0x56a5);
	ck_assert_str_eq(arc->driver, "i915");

	t = topology_find("amd");
	ck_assert_ptr_nonnull(t);
	const struct topo_dev *amd = dev_at(t, "0000:03:00.0");
	ck_assert_uint_eq(amd->vendor, 0x1002);
	ck_assert_str_eq(amd->driver, "amdgpu");

	t = topology_find("many-nodes");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_ge(count_render(t), 10);
	for (size_t i = 0; i < t->ndevs; i++)
		if (t->devs[i].driver && (strcmp(t->devs[i].driver, "i915") == 0 ||
					  strcmp(t->devs[i].driver, "amdgpu") == 0))
			ck_assert_int_gt(t->devs[i].render, 135);

	t = topology_find("xe-sriov");
	ck_assert_ptr_nonnull(t);
	int xe_pf = 0, xe_vf = 0;
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct topo_dev *d = &t->devs[i];
		if (!d->driver || strcmp(d->driver, "xe") != 0)
			continue;
		xe_pf += d->numvfs > 0;
		xe_vf += d->physfn != NULL;
	}
	ck_assert_int_eq(xe_pf, 1);
	ck_assert_int_ge(xe_vf, 1);

	t = topology_find("non-pci");
	ck_assert_ptr_nonnull(t);
	int vgem = 0, simpledrm = 0, pci_gpu = 0;
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct topo_dev *d = &t->devs[i];
		const char *drm = d->drm_name ? d->drm_name : d->driver;
		vgem += d->platform && drm && strcmp(drm, "vgem") == 0;
		simpledrm += d->platform && drm && strcmp(drm, "simpledrm") == 0;
		pci_gpu += !d->platform && d->render != TOPO_NONE;
	}
	ck_assert_int_eq(vgem, 1);
	ck_assert_int_eq(simpledrm, 1);
	ck_assert_int_ge(pci_gpu, 1);

	t = topology_find("empty");
	ck_assert_ptr_nonnull(t);
	ck_assert(t->no_dev_dri);
}
END_TEST

START_TEST(mktopo_every_topology_builds)
{
	char dir[4200], err[256] = "";
	tmpl(dir, sizeof(dir), "vad-mktopo");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	const struct topology *t = topologies[_i];
	ck_assert_msg(topology_build(t, dir, err, sizeof(err)) == 0, "%s: %s", t->name, err);
	ck_assert_msg(t->description && strlen(t->description) > 10, "%s: no description", t->name);
	ck_assert_int_eq(nftw(dir, no_absolute_links, 16, FTW_PHYS), 0);
	char p[4300];
	snprintf(p, sizeof(p), "%s/dev/dri", dir);
	ck_assert_int_eq(access(p, F_OK) == 0, !t->no_dev_dri);
	char *rm[] = { "rm", "-rf", dir, NULL };
	struct th_result r = run_plain(rm);
	th_result_free(&r);
}
END_TEST

/* ---------------------------------------------------------------------------------- */

Suite *test_suite(void)
{
	Suite *s = suite_create("harness");
	TCase *tc = test_case(s, "vainfo");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, vainfo_lists_profiles);
	tcase_add_test(tc, vainfo_configured_profiles);
	tcase_add_test(tc, vainfo_failing_node);
	tcase_add_test(tc, vainfo_lxc_vf4);
	tcase_add_test(tc, vainfo_hang_and_crash);
	tcase_add_loop_test(tc, vainfo_topologies, 0, (int)(sizeof(va_cases) / sizeof(va_cases[0])));

	tc = test_case(s, "ffmpeg");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ffmpeg_vaapi_ok);
	tcase_add_test(tc, ffmpeg_vaapi_fail);
	tcase_add_test(tc, ffmpeg_default_device_nvidia_first);
	tcase_add_test(tc, ffmpeg_default_device_missing_and_denied);
	tcase_add_test(tc, ffmpeg_trace_and_count);
	tcase_add_test(tc, ffmpeg_drm_derived_vaapi);

	tc = test_case(s, "libva");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, libva_two_displays_in_process);

	tc = test_case(s, "drm-devices");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, drm_devices_match_topology, 0, (int)n_topologies);
	tcase_add_test(tc, drm_devices_vanished_and_denied);

	tc = test_case(s, "shim");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, shim_is_preloaded);
	tcase_add_test(tc, shim_nodes_are_char_devices);
	tcase_add_test(tc, shim_remapped_nodes);
	tcase_add_test(tc, shim_readdir_reports_chr);
	tcase_add_test(tc, shim_deny_gives_eacces);
	tcase_add_test(tc, shim_deny_eperm);
	tcase_add_test(tc, shim_dirfd_relative);
	tcase_add_test(tc, shim_vanish_gives_enoent);
	tcase_add_test(tc, shim_no_proc);
	tcase_add_test(tc, shim_readdir_eio);
	tcase_add_test(tc, shim_sysfs_paths);
	tcase_add_test(tc, shim_drm_ioctls);
	tcase_add_test(tc, shim_inert_without_root);

	tc = test_case(s, "run-in");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, runin_help_and_errors);
	tcase_add_test(tc, runin_status_env_and_cleanup);
	tcase_add_test(tc, runin_deny_errno);
	tcase_add_test(tc, runin_keep);
	tcase_add_test(tc, runin_preload_and_wrap);
	tcase_add_test(tc, runin_valgrind_own_programs_only);
	tcase_add_test(tc, runin_valgrind_probe_helper);

	tc = test_case(s, "mktopo");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, mktopo_kernel_layout);
	tcase_add_test(tc, mktopo_extra_files);
	tcase_add_test(tc, mktopo_machine_topologies);
	tcase_add_loop_test(tc, mktopo_every_topology_builds, 0, (int)n_topologies);
	return s;
}
