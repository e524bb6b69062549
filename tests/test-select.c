/*
 * vad_device_probe() and vad_select() on simulated machines with real libva and the fake
 * VA driver (tests/harness): which device is chosen, after how many driver
 * initialisations, and the verdict and reason of every device.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <malloc.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <valgrind/memcheck.h>

#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/common/testlib.h"
#include "vadiscover/vadiscover.h"

static struct tl_machine m;

static void enter_opts(const char *topology, struct th_opts *o)
{
	tl_enter(&m, topology, o);
}

static void enter_va(const char *topology, const char *const *va_lines)
{
	struct th_opts o = { .va_lines = va_lines };

	enter_opts(topology, &o);
}

static void enter(const char *topology)
{
	enter_va(topology, NULL);
}

static void leave(void)
{
	tl_leave(&m);
}

/* VA driver initialisations so far (each vaInitialize that reached the driver). */
static int inits(void)
{
	return th_count_lines(m.count_file, "init");
}

static struct vad_spec *spec(const char *text)
{
	struct vad_spec *s = NULL;
	char err[256] = "";

	ck_assert_msg(vad_spec_new(&s, text, err, sizeof(err)) == 0, "%s: %s", text, err);
	return s;
}

/* vad_select() with @text; returns its result, the chosen device in *@out. */
static int select_text(const char *text, unsigned int flags, struct vad_device **out)
{
	struct vad_spec *s = spec(text);
	int r = vad_select(m.ctx, s, flags, out);

	vad_spec_free(s);
	return r;
}

static struct vad_device *dev_at(size_t i)
{
	struct vad_device *d = vad_device_get(m.ctx, i);

	ck_assert_ptr_nonnull(d);
	return d;
}

static void assert_verdict(size_t i, enum vad_verdict verdict, const char *reason)
{
	struct vad_device *d = dev_at(i);

	ck_assert_msg(vad_device_get_verdict(d) == verdict, "%s: verdict %s, not %s (%s)",
		      vad_device_get_node(d), vad_verdict_name(vad_device_get_verdict(d)),
		      vad_verdict_name(verdict), vad_device_get_reason(d));
	if (reason)
		ck_assert_str_eq(vad_device_get_reason(d), reason);
	/* a key names what filtered the device out, and only then */
	ck_assert_msg((vad_device_get_filter_key(d) != NULL) == (verdict == VAD_VERDICT_FILTERED),
		      "%s: filter key %s with verdict %s", vad_device_get_node(d),
		      vad_device_get_filter_key(d) ? vad_device_get_filter_key(d) : "(none)",
		      vad_verdict_name(verdict));
}

/* The key that filtered device @i out in the last selection of @text. */
static void assert_filter_key(const char *text, size_t i, const char *key)
{
	const char *got;

	select_text(text, 0, NULL);
	got = vad_device_get_filter_key(dev_at(i));
	ck_assert_msg(got && strcmp(got, key) == 0, "%s: device %zu: filter key %s, not %s (%s)",
		      text, i, got ? got : "(none)", key, vad_device_get_reason(dev_at(i)));
}

static const char *user_name(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw ? pw->pw_name : "<user>";
}

/* ------------------------------------------------------------------------------------ */
/* Selection on the simulated machines: SR-IOV hosts and containers, mixed GPUs, many
 * nodes, xe, access denied, none at all */

START_TEST(sriov_pf_fails_default)
{
	static const char *const va[] = { "0000:00:02.0 fail", NULL };
	struct vad_device *out = NULL;

	enter_va("adl-sriov-host", va);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	ck_assert_int_eq(inits(), 2);

	struct vad_device *pf = dev_at(0);
	ck_assert_int_eq(vad_device_get_verdict(pf), VAD_VERDICT_NO_VA);
	ck_assert_int_eq(vad_device_get_va_status(pf), -EIO);
	ck_assert_str_eq(vad_device_get_reason(pf), vad_device_get_va_error(pf));
	const char *want = "vaInitialize failed: -1 (unknown libva error); libva: ";
	ck_assert_msg(strncmp(vad_device_get_reason(pf), want, strlen(want)) == 0, "%s",
		      vad_device_get_reason(pf));
	ck_assert_msg(strstr(vad_device_get_reason(pf), "iHD_drv_video.so init failed"), "%s",
		      vad_device_get_reason(pf));
	ck_assert_uint_eq(vad_device_get_decode(pf), 0);
	ck_assert_ptr_null(vad_device_get_va_vendor(pf));

	assert_verdict(1, VAD_VERDICT_SELECTED, "the first VA-capable device; VA driver iHD");
	for (size_t i = 2; i < 8; i++) {
		assert_verdict(i, VAD_VERDICT_SKIPPED, "not probed: renderD129 was selected first");
		ck_assert(!vad_device_is_probed(dev_at(i)));
	}
	leave();
}
END_TEST

START_TEST(sriov_vf4)
{
	static const char *const va[] = { "0000:00:02.0 fail", NULL };
	struct vad_device *out = NULL;

	enter_va("adl-sriov-host", va);
	ck_assert_int_eq(select_text("role=vf,vf=4", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD132");
	ck_assert_int_le(inits(), 1);
	ck_assert_int_eq(inits(), 1);
	assert_verdict(0, VAD_VERDICT_FILTERED, "filtered out: role pf != vf");
	assert_verdict(1, VAD_VERDICT_FILTERED, "filtered out: vf 1 != 4");
	assert_verdict(3, VAD_VERDICT_FILTERED, "filtered out: vf 3 != 4");
	assert_verdict(4, VAD_VERDICT_SELECTED, "matches role=vf,vf=4; VA driver iHD");
	assert_verdict(5, VAD_VERDICT_FILTERED, "filtered out: vf 5 != 4");
	ck_assert(!vad_device_is_probed(dev_at(0)));
	leave();
}
END_TEST

START_TEST(lxc_remapped)
{
	struct vad_device *out = NULL;

	enter("adl-sriov-lxc-vf4-remapped");
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	ck_assert_int_eq(vad_device_get_vf_index(out), 4);
	ck_assert_str_eq(vad_device_get_pf_slot(out), "0000:00:02.0");
	/* The host's numbers select it too, whatever the container calls it. */
	ck_assert_int_eq(select_text("vf=4", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	ck_assert_int_eq(select_text("pci=00:02.4", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	ck_assert_int_eq(select_text("pci=0000:00:02.1", 0, &out), -ENODEV);
	ck_assert_ptr_null(out);
	assert_verdict(0, VAD_VERDICT_FILTERED, "filtered out: pci 0000:00:02.4 != 0000:00:02.1");
	/* One probe served all of these selections. */
	ck_assert_int_eq(inits(), 1);
	leave();
}
END_TEST

START_TEST(intel_nvidia_default)
{
	struct vad_device *out = NULL;

	/* No nvidia-vaapi-driver: VA fails on the NVIDIA node FFmpeg would take. */
	enter("intel-nvidia");
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	ck_assert_int_eq(vad_device_get_vendor_id(out), 0x8086);
	assert_verdict(0, VAD_VERDICT_NO_VA, NULL);
	ck_assert_int_eq(vad_device_get_va_status(dev_at(0)), -EIO);
	/* Asking for NVIDIA gets a reason, not the Intel device. */
	ck_assert_int_eq(select_text("vendor=0x10de", 0, &out), -ENODEV);
	ck_assert_ptr_null(out);
	assert_verdict(0, VAD_VERDICT_NO_VA, NULL);
	assert_verdict(1, VAD_VERDICT_FILTERED, "filtered out: vendor 0x8086 != 0x10de");
	leave();
}
END_TEST

START_TEST(intel_nvidia_vendor)
{
	static const char *const va[] = { "driver:nvidia ok decode=h264,hevc,av1 vpp=0", NULL };
	struct vad_device *out = NULL;

	/* nvidia-vaapi-driver installed: vendor=0x10de picks the NVIDIA card. */
	enter_va("intel-nvidia", va);
	ck_assert_int_eq(select_text("vendor=0x10de", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	ck_assert_str_eq(vad_device_get_kernel_driver(out), "nvidia");
	ck_assert_str_eq(vad_device_get_va_driver(out), "nvidia");
	/* av1 without av1_10: the driver's RT formats for AV1Profile0 lack 10-bit. */
	ck_assert_uint_eq(vad_device_get_decode(out), VAD_CODEC_H264 | VAD_CODEC_HEVC |
			  VAD_CODEC_AV1);
	ck_assert_uint_eq(vad_device_get_encode(out), 0);
	ck_assert(!vad_device_get_vpp(out));
	assert_verdict(1, VAD_VERDICT_FILTERED, "filtered out: vendor 0x8086 != 0x10de");
	ck_assert_int_eq(inits(), 1);
	/* vendor=0x8086 never touches it. */
	ck_assert_int_eq(select_text("vendor=0x8086", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	assert_verdict(0, VAD_VERDICT_FILTERED, "filtered out: vendor 0x10de != 0x8086");
	leave();
}
END_TEST

START_TEST(many_nodes)
{
	struct vad_device *out = NULL;

	enter("many-nodes");
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD138");
	ck_assert_str_eq(vad_device_get_pci_slot(out), "0000:d9:00.0");
	for (size_t i = 0; i < 10; i++)
		assert_verdict(i, VAD_VERDICT_NO_VA, NULL);
	ck_assert_int_eq(inits(), 11);
	/* The ast card0 (no render node) comes after the chosen one. */
	assert_verdict(11, VAD_VERDICT_SKIPPED, "not probed: renderD138 was selected first");
	/* With a vendor, the T4s are not even probed (without the probe cache, which would
	 * answer for renderD138 too). */
	ck_assert_int_eq(vad_scan(m.ctx), 12);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_IN_PROCESS | VAD_PROBE_ISOLATED), 0);
	ck_assert_int_eq(select_text("vendor=0x8086", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD138");
	ck_assert_int_eq(inits(), 12);
	/* With it, a rescan and a selection load no driver. */
	ck_assert_int_eq(vad_scan(m.ctx), 12);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_DEFAULT), 0);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD138");
	ck_assert_int_eq(inits(), 12);
	ck_assert(vad_device_is_cached(out));
	leave();
}
END_TEST

START_TEST(intel_arc_av1)
{
	struct vad_device *out = NULL;

	enter("intel-arc");
	ck_assert_int_eq(select_text("encode=av1", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	ck_assert_str_eq(vad_device_get_pci_slot(out), "0000:03:00.0");
	assert_verdict(0, VAD_VERDICT_NO_VA, "no VA encode for av1");
	ck_assert_int_eq(vad_device_get_va_status(dev_at(0)), 0);
	ck_assert_ptr_null(vad_device_get_va_error(dev_at(0)));
	assert_verdict(1, VAD_VERDICT_SELECTED, "matches encode=av1; VA driver iHD");
	/* The default is still the iGPU. */
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	ck_assert_int_eq(select_text("decode=av1+hevc10,encode=hevc+av1_10", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	assert_verdict(0, VAD_VERDICT_NO_VA, "no VA encode for av1_10");
	ck_assert_int_eq(inits(), 2);
	leave();
}
END_TEST

START_TEST(xe_ihd_fallback)
{
	struct vad_device *out = NULL;

	/* Debian 12's libva 2.17 has no xe -> iHD mapping: the library forces iHD. */
	enter("xe-sriov");
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	ck_assert_str_eq(vad_device_get_kernel_driver(out), "xe");
	ck_assert_int_eq(vad_device_get_va_status(out), 0);
	ck_assert_str_eq(vad_device_get_va_driver(out), "iHD");
	ck_assert_str_eq(vad_device_get_va_vendor(out),
			 "Intel iHD driver for Intel(R) Gen Graphics - 23.1.1 (fake-gpu harness)");
	ck_assert_int_eq(vad_device_get_va_version(out), 117);
	ck_assert(vad_device_get_encode(out) & VAD_CODEC_AV1);
	ck_assert_int_eq(inits(), 1);
	ck_assert_int_eq(select_text("role=vf,vf=3", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_pci_slot(out), "0000:4d:00.3");
	ck_assert_str_eq(vad_device_get_va_driver(out), "iHD");
	leave();
}
END_TEST

static char *run_helper_in(const char *topology, const char *libdir, const char *helper_name,
			   const char *set_dir)
{
	struct th_opts o = { .topology = topology };
	struct th_result r;
	char env[PATH_MAX + 32], helper[PATH_MAX];
	char *argv[] = { "env", env, helper, NULL, NULL, NULL };

	snprintf(env, sizeof(env), "LD_LIBRARY_PATH=%s", libdir ? libdir : "");
	snprintf(helper, sizeof(helper), "%s/tests/%s", th_builddir(), helper_name);
	if (set_dir) {
		argv[3] = "-L";
		argv[4] = (char *)set_dir;
	}
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	char *out = strdup(r.out);
	th_result_free(&r);
	return out;
}

static char *run_helper(const char *libdir)
{
	return run_helper_in("xe-sriov", libdir, "vad-select-helper", NULL);
}

/* iHD is forced on xe whatever libva says it is: libva before 2.21 knows no VA driver for
 * xe, later ones map xe to iHD only, so forcing it is right with both. The program is
 * given libva's file under a 2.17 and a 2.21 name on LD_LIBRARY_PATH; both probe with iHD,
 * and the library reports the libva it loaded from there, with the version of its name. */
START_TEST(xe_runtime_libva_version)
{
	char d117[PATH_MAX + 16], d121[PATH_MAX + 16], want[3 * PATH_MAX];
	char *out;

	enter("empty");	/* for a scratch directory only */
	snprintf(d117, sizeof(d117), "%s/va117", m.topo_dir);
	snprintf(d121, sizeof(d121), "%s/va121", m.topo_dir);
	tl_libva_dir(d117, "libva.so.2.1700.0");
	tl_libva_dir(d121, "libva.so.2.2100.0");

	const char *sel = "0 /dev/dri/renderD128\n/dev/dri/renderD128 selected: the first "
			  "VA-capable device; VA driver iHD [iHD]\n";
	char real[PATH_MAX];

	ck_assert_ptr_nonnull(realpath(d117, real));
	out = run_helper(d117);
	ck_assert_msg(strncmp(out, sel, strlen(sel)) == 0, "%s", out);
	snprintf(want, sizeof(want), "\nlibva: %s/libva.so.2.1700.0 217\nmapped: -\n", real);
	ck_assert_msg(strstr(out, want), "no '%s' in:\n%s", want, out);
	free(out);

	ck_assert_ptr_nonnull(realpath(d121, real));
	out = run_helper(d121);
	ck_assert_msg(strncmp(out, sel, strlen(sel)) == 0, "%s", out);
	snprintf(want, sizeof(want), "\nlibva: %s/libva.so.2.2100.0 221\nmapped: -\n", real);
	ck_assert_msg(strstr(out, want), "no '%s' in:\n%s", want, out);
	free(out);
	leave();
}
END_TEST

/* LIBVA_DRIVER_NAME_JELLYFIN is jellyfin-ffmpeg's libva's name for the user's choice: no
 * forced iHD on top of it either. Debian's libva ignores that variable and, left to choose
 * for xe by itself (2.17), looks for a driver that does not exist. */
START_TEST(xe_jellyfin_driver_name)
{
	struct vad_device *out = NULL;

	enter("xe-sriov");
	ck_assert_int_eq(vad_scan(m.ctx), 6);
	setenv("LIBVA_DRIVER_NAME_JELLYFIN", "iHD", 1);
	ck_assert_ptr_null(vad_device_get_required_va_driver(dev_at(0)));
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(0), NULL), -ENOPKG);
	unsetenv("LIBVA_DRIVER_NAME_JELLYFIN");
	ck_assert_msg(strstr(vad_device_get_va_error(dev_at(0)),
			     "VA driver xe_drv_video.so is not installed (looked in "), "%s",
		      vad_device_get_va_error(dev_at(0)));
	ck_assert_msg(strstr(vad_device_get_va_error(dev_at(0)),
			     "libva before 2.21 has no VA driver for the xe kernel driver"), "%s",
		      vad_device_get_va_error(dev_at(0)));
	/* Without it, iHD again, after a new scan (which drops the kept probes). */
	ck_assert_str_eq(vad_device_get_required_va_driver(dev_at(0)), "iHD");
	ck_assert_int_eq(vad_scan(m.ctx), 6);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	ck_assert_str_eq(vad_device_get_va_driver(out), "iHD");
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* libva at run time */

/* The version in a libva file name, read here independently of the library:
 * libva.so.2.MMNN.0 -> 2 * 100 + MM. */
static int name_version(const char *path)
{
	const char *base = strrchr(path, '/');
	unsigned int major, mmnn, micro;
	char end;

	base = base ? base + 1 : path;
	if (sscanf(base, "libva.so.%u.%u.%u%c", &major, &mmnn, &micro, &end) != 3)
		return -ENOENT;
	return (int)(major * 100 + mmnn / 100);
}

static void real(const char *path, char *out)
{
	ck_assert_msg(realpath(path, out) != NULL, "realpath(%s)", path);
}

/* A program's private lib directory: libva, libva-drm and libdrm copied there, loaded from
 * there by full path (libdrm first), and probes work with them; unref unmaps them. */
START_TEST(libva_from_dir)
{
	char dir[PATH_MAX + 16], rdir[PATH_MAX], va[PATH_MAX], va_drm[PATH_MAX];
	char drm[PATH_MAX], cmd[4 * PATH_MAX], copy[PATH_MAX + 32], drm_copy[PATH_MAX + 32];
	struct vad_device *out = NULL;

	enter("adl-sriov-host");
	snprintf(dir, sizeof(dir), "%s/lib", m.topo_dir);
	tl_libva_dir(dir, NULL);
	tl_system_libva(va, va_drm);
	/* The system's libdrm beside them, under its own name. */
	void *h = dlopen("libdrm.so.2", RTLD_NOW);
	struct link_map *lm = NULL;
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(dlinfo(h, RTLD_DI_LINKMAP, &lm), 0);
	real(lm->l_name, drm);
	dlclose(h);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/' && ln -sf '%s' '%s/libdrm.so.2'", drm, dir,
		 strrchr(drm, '/') + 1, dir);
	ck_assert_int_eq(system(cmd), 0);
	real(dir, rdir);
	snprintf(copy, sizeof(copy), "%s%s", rdir, strrchr(va, '/'));
	snprintf(drm_copy, sizeof(drm_copy), "%s%s", rdir, strrchr(drm, '/'));

	ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
	ck_assert_ptr_null(vad_get_libva_path(m.ctx));		/* nothing loaded yet */
	ck_assert_int_eq(vad_get_libva_version(m.ctx), -ENOENT);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	ck_assert_str_eq(vad_device_get_va_driver(out), "iHD");
	ck_assert_str_eq(vad_get_libva_path(m.ctx), copy);
	ck_assert_int_eq(vad_get_libva_version(m.ctx), name_version(va));
	ck_assert_int_ge(vad_get_libva_version(m.ctx), 200);
	ck_assert_ptr_null(vad_get_libva_error(m.ctx));
	ck_assert_msg(tl_mapped(copy), "%s not mapped", copy);
	ck_assert_msg(tl_mapped(drm_copy), "%s not mapped: libdrm was not loaded from %s",
		      drm_copy, dir);
	ck_assert_msg(!tl_mapped(va), "the system's %s is mapped too", va);
	m.ctx = vad_unref(m.ctx);
	ck_assert_msg(!tl_mapped(copy), "%s still mapped after vad_unref", copy);
	ck_assert_msg(!tl_mapped(drm_copy), "%s still mapped after vad_unref", drm_copy);
	leave();
}
END_TEST

START_TEST(libva_dir_rejects_relative)
{
	enter("empty");
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, "lib"), -EINVAL);
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, ""), -EINVAL);
	ck_assert_int_eq(vad_set_libva_dir(NULL, "/lib"), -EINVAL);
	ck_assert_int_eq(vad_libva_load(NULL), -EINVAL);
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, NULL), 0);
	leave();
}
END_TEST

/* A directory without libva: no fallback to the system's; the error names the file. */
START_TEST(libva_dir_missing)
{
	char dir[PATH_MAX + 16];

	enter("adl-sriov-host");
	snprintf(dir, sizeof(dir), "%s/nolib", m.topo_dir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
	ck_assert_int_eq(vad_libva_load(m.ctx), -ELIBACC);
	ck_assert_ptr_null(vad_get_libva_path(m.ctx));
	ck_assert_int_eq(vad_get_libva_version(m.ctx), -ENOENT);
	const char *e = vad_get_libva_error(m.ctx);
	ck_assert_ptr_nonnull(e);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want), "cannot load %s/libva.so.2 (", dir);
	ck_assert_msg(strncmp(e, want, strlen(want)) == 0, "%s", e);
	ck_assert_msg(strstr(e, "cannot open shared object file"), "%s", e);
	ck_assert_msg(strstr(e, "apt install libva2 libva-drm2"), "%s", e);
	/* Remembered: a second load does not try again, and says the same. */
	ck_assert_int_eq(vad_libva_load(m.ctx), -ELIBACC);
	ck_assert_str_eq(vad_get_libva_error(m.ctx), e);
	/* Nothing loaded: a new directory applies at once. */
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, NULL), 0);
	ck_assert_int_eq(vad_libva_load(m.ctx), 0);
	ck_assert_ptr_null(vad_get_libva_error(m.ctx));
	ck_assert_ptr_nonnull(vad_get_libva_path(m.ctx));
	leave();
}
END_TEST

/* A file named libva.so.2 that is no libva: every probe fails with -ELIBACC and the reason
 * says what to install; selection fails as with no VA at all; no node is opened and no
 * VA driver loaded. */
START_TEST(libva_dir_broken)
{
	char dir[PATH_MAX], file[PATH_MAX + 16];
	struct vad_device *out = NULL;

	enter("adl-sriov-host");
	snprintf(dir, sizeof(dir), "%s/tests/broken-libva", th_builddir());
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), -ENODEV);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(inits(), 0);
	const char *e = vad_get_libva_error(m.ctx);
	ck_assert_ptr_nonnull(e);
	snprintf(file, sizeof(file), "%s/libva.so.2", dir);
	char rfile[PATH_MAX], want[2 * PATH_MAX];
	real(file, rfile);
	snprintf(want, sizeof(want), "%s is not a usable libva: it lacks vaSetErrorCallback (",
		 rfile);
	ck_assert_msg(strncmp(e, want, strlen(want)) == 0, "%s", e);
	/* What the dynamic loader said. */
	ck_assert_msg(strstr(e, "undefined symbol: vaSetErrorCallback); "), "%s", e);
	ck_assert_msg(strstr(e, "install libva 2.x (Debian/Ubuntu: apt install libva2 "
			     "libva-drm2)"), "%s", e);
	ck_assert_ptr_null(vad_get_libva_path(m.ctx));
	ck_assert_int_eq(vad_device_count(m.ctx), 8);
	for (size_t i = 0; i < 8; i++) {
		struct vad_device *d = dev_at(i);

		ck_assert_int_eq(vad_device_get_va_status(d), -ELIBACC);
		ck_assert_str_eq(vad_device_get_va_error(d), e);
		assert_verdict(i, VAD_VERDICT_NO_VA, e);
	}
	/* vad_device_probe() alone says the same. */
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(3), "iHD"), -ELIBACC);
	ck_assert_str_eq(vad_device_get_va_error(dev_at(3)), vad_get_libva_error(m.ctx));
	ck_assert_int_eq(inits(), 0);
	leave();
}
END_TEST

/* The system's libva made unloadable through LD_LIBRARY_PATH, as a broken install would:
 * an empty file, and a shared object that is not libva. */
START_TEST(libva_broken_on_library_path)
{
	char dir[PATH_MAX + 16], file[PATH_MAX + 32];
	char *out;

	enter("empty");	/* for a scratch directory only */
	snprintf(dir, sizeof(dir), "%s/empty-libva", m.topo_dir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(file, sizeof(file), "%s/libva.so.2", dir);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);

	out = run_helper_in("adl-sriov-host", dir, "vad-select-helper", NULL);
	const char *want = "-19 -\n/dev/dri/renderD128 no-va: the libva found is broken: "
			   "cannot load libva.so.2 (";
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	ck_assert_msg(strstr(out, "file too short); reinstall it (Debian/Ubuntu: apt install "
			     "libva2 libva-drm2)"), "%s", out);
	ck_assert_msg(strstr(out, "\n/dev/dri/renderD135 no-va: the libva found is broken: "),
		      "%s", out);
	ck_assert_msg(strstr(out, "\nlibva: - the libva found is broken: "), "%s", out);
	free(out);

	snprintf(dir, sizeof(dir), "%s/tests/broken-libva", th_builddir());
	out = run_helper_in("adl-sriov-host", dir, "vad-select-helper", NULL);
	ck_assert_msg(strncmp(out, "-19 -\n", 6) == 0, "%s", out);
	ck_assert_msg(strstr(out, "/libva.so.2 is not a usable libva: it lacks "
			     "vaSetErrorCallback"), "%s", out);
	free(out);
	leave();
}
END_TEST

/* A program that has libva already (FFmpeg linked against it): the library uses that one,
 * even when given another directory. */
START_TEST(libva_already_loaded)
{
	char dir[PATH_MAX + 16], want[3 * PATH_MAX], va[PATH_MAX], va_drm[PATH_MAX];
	char *out;

	enter("empty");	/* for a scratch directory only */
	snprintf(dir, sizeof(dir), "%s/lib", m.topo_dir);
	tl_libva_dir(dir, "libva.so.2.2100.0");
	tl_system_libva(va, va_drm);

	out = run_helper_in("adl-sriov-host", NULL, "vad-select-helper-linked", dir);
	ck_assert_msg(strncmp(out, "0 /dev/dri/renderD128\n", 22) == 0, "%s", out);
	snprintf(want, sizeof(want), "\nlibva: %s %d\nmapped: %s\n", va, name_version(va), va);
	ck_assert_msg(strstr(out, want), "no '%s' in:\n%s", want, out);
	free(out);

	/* The same helper without libva of its own takes the directory's. */
	char rdir[PATH_MAX];
	real(dir, rdir);
	out = run_helper_in("adl-sriov-host", NULL, "vad-select-helper", dir);
	snprintf(want, sizeof(want), "\nlibva: %s/libva.so.2.2100.0 221\nmapped: -\n", rdir);
	ck_assert_msg(strstr(out, want), "no '%s' in:\n%s", want, out);
	free(out);
	leave();
}
END_TEST

/* In this process: a libva loaded before the library runs (dlopen, as a plugin host might)
 * is the one it uses, even when given a directory with another. */
START_TEST(libva_already_loaded_in_process)
{
	char dir[PATH_MAX + 16], other[PATH_MAX + 16], file[PATH_MAX + 32], rfile[PATH_MAX];
	struct vad_device *out = NULL;

	enter("adl-sriov-host");
	snprintf(dir, sizeof(dir), "%s/lib", m.topo_dir);
	snprintf(other, sizeof(other), "%s/other", m.topo_dir);
	tl_libva_dir(dir, "libva.so.2.2200.0");
	tl_libva_dir(other, "libva.so.2.2100.0");
	snprintf(file, sizeof(file), "%s/libva.so.2", dir);
	real(file, rfile);
	void *h = dlopen(file, RTLD_NOW | RTLD_GLOBAL);
	ck_assert_msg(h != NULL, "%s", dlerror());
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, other), 0);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_get_libva_path(m.ctx), rfile);
	ck_assert_int_eq(vad_get_libva_version(m.ctx), 222);
	leave();
	dlclose(h);
}
END_TEST

/* vad_set_libva_dir() with a libva loaded: the loaded one stays (and its path string
 * stays valid) until vad_scan(); the next load then takes the new directory. */
START_TEST(libva_dir_applies_after_scan)
{
	char dir[PATH_MAX + 16], rdir[PATH_MAX], va[PATH_MAX], va_drm[PATH_MAX], want[2 * PATH_MAX];

	enter("adl-sriov-host");
	snprintf(dir, sizeof(dir), "%s/lib", m.topo_dir);
	tl_libva_dir(dir, "libva.so.2.2100.0");
	tl_system_libva(va, va_drm);
	real(dir, rdir);

	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(0), NULL), 0);
	const char *before = vad_get_libva_path(m.ctx);
	ck_assert_str_eq(before, va);
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
	ck_assert_int_eq(vad_libva_load(m.ctx), 0);
	ck_assert_ptr_eq(vad_get_libva_path(m.ctx), before);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(1), NULL), 0);
	ck_assert_str_eq(vad_get_libva_path(m.ctx), va);
	ck_assert_str_eq(before, va);	/* still valid */

	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_ptr_null(vad_get_libva_path(m.ctx));
	ck_assert_msg(!tl_mapped(va), "%s still mapped after vad_scan", va);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(0), NULL), 0);
	snprintf(want, sizeof(want), "%s/libva.so.2.2100.0", rdir);
	ck_assert_str_eq(vad_get_libva_path(m.ctx), want);
	ck_assert_int_eq(vad_get_libva_version(m.ctx), 221);

	/* A scan without a change keeps it loaded. */
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_str_eq(vad_get_libva_path(m.ctx), want);
	leave();
}
END_TEST

START_TEST(xe_user_driver_name)
{
	struct vad_device *out = NULL;

	/* LIBVA_DRIVER_NAME is the user's choice: no forced iHD on top of it. */
	enter("xe-sriov");
	setenv("LIBVA_DRIVER_NAME", "radeonsi", 1);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	unsetenv("LIBVA_DRIVER_NAME");
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	ck_assert_str_eq(vad_device_get_va_driver(out), "radeonsi");
	leave();
}
END_TEST

START_TEST(eacces_first_node)
{
	struct th_opts o = { .deny = "renderD128" };
	struct vad_device *out = NULL;
	char want[512];

	enter_opts("intel-nvidia", &o);
	/* The shim's nodes belong to gid 993, which has no name on the test machine... */
	setenv("FAKEGPU_NODE_GID", "54321", 1);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	snprintf(want, sizeof(want), "permission denied: add this user to the group with gid "
		 "54321: usermod -aG 54321 %s", user_name());
	assert_verdict(0, VAD_VERDICT_NO_ACCESS, want);
	ck_assert_int_eq(vad_device_get_access(dev_at(0)), -EACCES);
	ck_assert(!vad_device_is_probed(dev_at(0)));
	ck_assert_int_eq(inits(), 1);
	leave();
}
END_TEST

START_TEST(eacces_named_group)
{
	struct th_opts o = { .deny = "renderD128" };
	struct vad_device *out = NULL;
	char want[512];

	enter_opts("adl-sriov-host", &o);
	/* ...and with a group that has a name (Debian's 'video' is gid 44), it is named. */
	setenv("FAKEGPU_NODE_GID", "44", 1);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	snprintf(want, sizeof(want), "permission denied: add this user to group 'video' (gid 44): "
		 "usermod -aG video %s", user_name());
	assert_verdict(0, VAD_VERDICT_NO_ACCESS, want);
	leave();
}
END_TEST

START_TEST(eperm_device_rule)
{
	struct th_opts o = { .deny = "renderD128:EPERM" };
	struct vad_device *out = NULL;

	/* A node a container's device cgroup denies: open gives EPERM, whatever the group. */
	enter_opts("adl-sriov-host", &o);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	assert_verdict(0, VAD_VERDICT_NO_ACCESS, "operation not permitted: /dev/dri/renderD128 is "
		       "denied by a device rule (a container's cgroup device list?): allow it, e.g. "
		       "lxc.cgroup2.devices.allow: c 226:128 rwm");
	ck_assert_int_eq(vad_device_get_access(dev_at(0)), -EPERM);
	ck_assert(!vad_device_is_probed(dev_at(0)));
	ck_assert_int_eq(inits(), 1);
	leave();
}
END_TEST

START_TEST(eperm_remapped_names_host_minor)
{
	struct th_opts o = { .deny = "renderD128:EPERM" };
	struct vad_device *out = NULL;

	/* In the remapped container renderD128 is the host's 226:132: the rule to add is for
	 * the device number, not the name. It is the only device, so nothing is selected. */
	enter_opts("adl-sriov-lxc-vf4-remapped", &o);
	ck_assert_int_lt(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_ptr_null(out);
	assert_verdict(0, VAD_VERDICT_NO_ACCESS, "operation not permitted: /dev/dri/renderD128 is "
		       "denied by a device rule (a container's cgroup device list?): allow it, e.g. "
		       "lxc.cgroup2.devices.allow: c 226:132 rwm");
	ck_assert_int_eq(vad_device_get_access(dev_at(0)), -EPERM);
	ck_assert_int_eq(inits(), 0);
	leave();
}
END_TEST

START_TEST(empty_machine)
{
	struct vad_device *out = (struct vad_device *)0x1;

	enter("empty");
	ck_assert_int_eq(vad_scan(m.ctx), 0);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), -ENOENT);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(select_text("vendor=0x8086", VAD_SELECT_ALL, &out), -ENOENT);
	leave();
}
END_TEST

START_TEST(select_scans_first)
{
	struct vad_device *out = NULL;

	enter("amd");
	/* No vad_scan(): vad_select() does it. */
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_uint_eq(vad_device_count(m.ctx), 1);
	ck_assert_str_eq(vad_device_get_va_driver(out), "radeonsi");
	ck_assert_str_eq(vad_device_get_va_vendor(out),
			 "Mesa Gallium driver 22.3.6 for AMD Radeon RX 6600 (fake-gpu harness)");
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Broken machines: a reason, never a crash */

START_TEST(vanish_before_probe)
{
	struct vad_device *out = NULL;

	enter("adl-sriov-host");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_get_access(dev_at(0)), 0);
	/* The node goes away between the scan and the probe. */
	setenv("FAKEGPU_VANISH", "renderD128", 1);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	assert_verdict(0, VAD_VERDICT_NO_ACCESS,
		       "node vanished: /dev/dri/renderD128: No such file or directory");
	ck_assert_int_eq(vad_device_get_va_status(dev_at(0)), -ENOENT);
	ck_assert_str_eq(vad_device_get_va_error(dev_at(0)),
			 "cannot open /dev/dri/renderD128: No such file or directory");
	ck_assert_int_eq(inits(), 1);
	leave();
}
END_TEST

START_TEST(malformed_vendor)
{
	struct vad_device *out = NULL;
	char p[PATH_MAX + 64];
	FILE *f;

	enter("intel-nvidia");
	snprintf(p, sizeof(p), "%s/sys/devices/pci0000:00/0000:00:02.0/vendor", m.topo_dir);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("zzz\n", f);
	fclose(f);
	ck_assert_int_eq(select_text("vendor=0x8086", 0, &out), -ENODEV);
	ck_assert_ptr_null(out);
	assert_verdict(0, VAD_VERDICT_FILTERED, "filtered out: vendor 0x10de != 0x8086");
	assert_verdict(1, VAD_VERDICT_FILTERED,
		       "filtered out: vendor unreadable (malformed sysfs attribute) != 0x8086");
	/* Without a vendor filter, the device is still usable. */
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD129");
	leave();
}
END_TEST

START_TEST(no_profiles)
{
	static const char *const va[] = { "* noprofiles", NULL };
	struct vad_device *out = NULL;

	enter_va("amd", va);
	/* VA initialises but offers nothing: capable for the empty spec, not for h264. */
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_uint_eq(vad_device_get_decode(out), 0);
	ck_assert_uint_eq(vad_device_get_encode(out), 0);
	ck_assert(!vad_device_get_vpp(out));
	ck_assert_int_eq(select_text("decode=h264+hevc", 0, &out), -ENODEV);
	assert_verdict(0, VAD_VERDICT_NO_VA, "no VA decode for h264+hevc");
	leave();
}
END_TEST

/* Devices without a video engine are judged without loading a VA driver. */
START_TEST(display_only_not_probed)
{
	struct vad_device *out = NULL;

	/* non-pci: NVIDIA renderD128, vgem renderD129, simpledrm card0. */
	enter("non-pci");
	ck_assert_int_eq(vad_scan(m.ctx), 3);
	ck_assert_int_eq(vad_select(m.ctx, NULL, VAD_SELECT_ALL, &out), 0);
	ck_assert_ptr_eq(out, dev_at(0));
	assert_verdict(1, VAD_VERDICT_NO_VA,
		       "not probed: kernel driver vgem has no video engine (display only)");
	assert_verdict(2, VAD_VERDICT_NO_VA, "not probed: kernel driver simple-framebuffer has no "
		       "video engine (display only)");
	ck_assert(!vad_device_is_probed(dev_at(1)));
	ck_assert(!vad_device_is_probed(dev_at(2)));
	ck_assert_int_eq(inits(), 1);
	leave();

	/* many-nodes: the AST2600 BMC's card0, after 11 render nodes. */
	enter("many-nodes");
	ck_assert_int_eq(vad_scan(m.ctx), 12);
	ck_assert_int_eq(vad_select(m.ctx, NULL, VAD_SELECT_ALL, &out), 0);
	assert_verdict(11, VAD_VERDICT_NO_VA,
		       "not probed: kernel driver ast has no video engine (display only)");
	ck_assert_int_eq(inits(), 11);
	leave();

	/* The QEMU guest's bochs VGA beside the VF. */
	enter("adl-sriov-vm-guest");
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	ck_assert_int_eq(select_text("role=none", VAD_SELECT_ALL, &out), 0);
	assert_verdict(1, VAD_VERDICT_NO_VA,
		       "not probed: kernel driver bochs-drm has no video engine (display only)");
	ck_assert_int_eq(inits(), 1);
	leave();
}
END_TEST

START_TEST(driver_not_installed)
{
	struct vad_device *out = NULL;
	char want[4096];

	enter("amd");
	ck_assert_int_eq(select_text("driver=nosuch", 0, &out), -ENODEV);
	struct vad_device *d = dev_at(0);
	assert_verdict(0, VAD_VERDICT_NO_VA, NULL);
	ck_assert_int_eq(vad_device_get_va_status(d), -ENOPKG);
	/* The file, where libva looked (LIBVA_DRIVERS_PATH: the harness's drivers). */
	snprintf(want, sizeof(want), "VA driver nosuch_drv_video.so is not installed (looked in "
		 "%s/tests/harness/dri)", th_builddir());
	ck_assert_str_eq(vad_device_get_reason(d), want);
	ck_assert_int_eq(inits(), 0);
	leave();
}
END_TEST

/* No VA driver installed at all (an empty LIBVA_DRIVERS_PATH directory): the reason names
 * the file libva looks for and the package, not "vaInitialize failed". */
START_TEST(va_driver_file_missing)
{
	static const char *const none[] = { NULL };
	struct vad_device *out = NULL;
	char dir[4096], want[8192], buf[4096];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/no-drivers-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct th_opts o = { .va_lines = none, .drivers_dir = dir };
	enter_opts("adl-sriov-host", &o);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), -ENODEV);
	snprintf(want, sizeof(want), "VA driver iHD_drv_video.so is not installed (looked in %s): "
		 "install intel-media-va-driver-non-free (non-free) or intel-media-va-driver", dir);
	for (size_t i = 0; i < 8; i++) {
		ck_assert_int_eq(vad_device_get_va_status(dev_at(i)), -ENOPKG);
		ck_assert_str_eq(vad_device_get_reason(dev_at(i)), want);
	}
	/* The same answer for a caller that asks before any probe. */
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, dev_at(1), NULL, buf, sizeof(buf)),
			 -ENOENT);
	ck_assert_str_eq(buf, dir);
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, dev_at(1), NULL, buf, 4), -ERANGE);
	ck_assert_str_eq(vad_va_driver_package("radeonsi"), "mesa-va-drivers");
	ck_assert_ptr_null(vad_va_driver_package("nosuch"));
	/* libva's own choice by kernel driver, which the lookup above used for i915. */
	ck_assert_str_eq(vad_va_driver_for_kernel_driver("i915"), "iHD");
	ck_assert_str_eq(vad_va_driver_for_kernel_driver("amdgpu"), "radeonsi");
	ck_assert_str_eq(vad_va_driver_for_kernel_driver("radeon"), "r600");
	ck_assert_str_eq(vad_va_driver_for_kernel_driver("nvidia-drm"), "nvidia");
	ck_assert_str_eq(vad_va_driver_for_kernel_driver("pvrsrvkm"), "pvr");
	ck_assert_str_eq(vad_va_driver_for_kernel_driver("xe"), "xe");
	ck_assert_ptr_null(vad_va_driver_for_kernel_driver(NULL));
	ck_assert_int_eq(inits(), 0);
	leave();
	rmdir(dir);

	/* Installed: the file's path. */
	enter("adl-sriov-host");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, dev_at(1), NULL, buf, sizeof(buf)),
			 0);
	snprintf(want, sizeof(want), "%s/tests/harness/dri/iHD_drv_video.so", th_builddir());
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, dev_at(1), "radeonsi", buf,
							sizeof(buf)), 0);
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Probing and the selection machinery */

/* Strings from getters stay valid until the next call that replaces them, as the header
 * names them: vad_select() replaces reasons, not kept probe results; vad_device_probe()
 * replaces a device's VA strings only when it probes again. */
START_TEST(strings_live_until_replaced)
{
	static const char *const va[] = { "0000:00:02.0 fail", NULL };
	struct vad_device *out = NULL;

	enter_va("adl-sriov-host", va);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	const char *err0 = vad_device_get_va_error(dev_at(0));
	const char *vendor1 = vad_device_get_va_vendor(dev_at(1));
	ck_assert_str_eq(vad_device_get_reason(dev_at(1)),
			 "the first VA-capable device; VA driver iHD");

	/* Another selection replaces reasons only: kept probe results keep their strings. */
	ck_assert_int_eq(select_text("role=vf,vf=2", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_reason(dev_at(1)), "filtered out: vf 1 != 2");
	ck_assert_ptr_eq(vad_device_get_va_error(dev_at(0)), err0);
	ck_assert_ptr_eq(vad_device_get_va_vendor(dev_at(1)), vendor1);
	ck_assert_msg(strstr(err0, "iHD_drv_video.so init failed"), "%s", err0);

	/* A probe that returns its kept result replaces nothing; a new probe replaces the
	 * device's VA strings. */
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(0), NULL), -EIO);
	ck_assert_ptr_eq(vad_device_get_va_error(dev_at(0)), err0);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(0), "radeonsi"), -EIO);
	ck_assert_msg(strstr(vad_device_get_va_error(dev_at(0)), "radeonsi_drv_video.so"), "%s",
		      vad_device_get_va_error(dev_at(0)));
	leave();
}
END_TEST

/* The bytes the allocator has handed out and not got back, by the allocator in use: ASan's
 * when the program is built with it (glibc's numbers do not see it); memcheck's under
 * valgrind (its reachable bytes after a quiet leak search: its mallinfo() counts the
 * freed blocks it holds back to catch use after free); else glibc's mallinfo2(). */
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

static size_t heap_in_use(void)
{
	if (__sanitizer_get_current_allocated_bytes)
		return __sanitizer_get_current_allocated_bytes();
	if (RUNNING_ON_VALGRIND) {
		unsigned long leaked = 0, dubious = 0, reachable = 0, suppressed = 0;

		VALGRIND_DO_QUICK_LEAK_CHECK;
		VALGRIND_COUNT_LEAKS(leaked, dubious, reachable, suppressed);
		return leaked + dubious + reachable + suppressed;
	}
	return mallinfo2().uordblks;
}

/* Any number of selections on one context keeps memory bounded: a replaced reason is
 * freed, not pooled until vad_scan(). Two specs alternate, so every device's reason
 * changes on every call (each a new string); 100,000 calls, then the allocator's own count
 * of bytes in use is compared with the count after the first 1,000 (when every probe has
 * been made and kept). A pool would hold some 100 bytes per device per call: 80 MB. */
START_TEST(select_memory_bounded)
{
	static const char *const va[] = { "0000:00:02.0 fail", NULL };
	struct vad_spec *a = spec(""), *b = spec("role=vf,vf=2");
	struct vad_device *out = NULL;
	size_t before = 0, after;

	enter_va("adl-sriov-host", va);
	for (int i = 0; i < 101000; i++) {
		if (i == 1000)
			before = heap_in_use();
		ck_assert_int_eq(vad_select(m.ctx, i % 2 ? b : a, 0, &out), 0);
	}
	after = heap_in_use();
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD130");
	ck_assert_int_eq(inits(), 3);
	printf("select_memory_bounded: heap in use after 1,000 selects %zu bytes, after "
	       "101,000 %zu bytes\n", before, after);
	ck_assert_msg(after <= before + 4096, "heap grew from %zu to %zu bytes", before, after);
	vad_spec_free(a);
	vad_spec_free(b);
	leave();
}
END_TEST

START_TEST(probe_facts)
{
	enter("adl-sriov-host");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	struct vad_device *d = dev_at(2);
	ck_assert_int_eq(vad_device_get_va_version(d), -EAGAIN);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), 0);
	ck_assert(vad_device_is_probed(d));
	ck_assert_int_eq(vad_device_get_va_status(d), 0);
	ck_assert_ptr_null(vad_device_get_va_error(d));
	ck_assert_str_eq(vad_device_get_va_driver(d), "iHD");
	ck_assert_int_eq(vad_device_get_va_version(d), 117);
	/* VA_INTEL_GEN12 of the topology. */
	ck_assert_uint_eq(vad_device_get_decode(d),
			  VAD_CODEC_MPEG2 | VAD_CODEC_H264 | VAD_CODEC_HEVC | VAD_CODEC_HEVC10 |
			  VAD_CODEC_VP9 | VAD_CODEC_VP9_10 | VAD_CODEC_AV1 | VAD_CODEC_AV1_10 |
			  VAD_CODEC_JPEG);
	ck_assert_uint_eq(vad_device_get_encode(d),
			  VAD_CODEC_H264 | VAD_CODEC_HEVC | VAD_CODEC_HEVC10 | VAD_CODEC_VP9 |
			  VAD_CODEC_VP9_10 | VAD_CODEC_JPEG);
	ck_assert(vad_device_get_vpp(d));
	ck_assert_int_eq(inits(), 1);
	/* Kept: the same driver does not probe again; another driver does. */
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), 0);
	ck_assert_int_eq(inits(), 1);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, "radeonsi"), 0);
	ck_assert_int_eq(inits(), 2);
	ck_assert_str_eq(vad_device_get_va_driver(d), "radeonsi");
	ck_assert_int_eq(vad_device_probe(m.ctx, d, "radeonsi"), 0);
	ck_assert_int_eq(inits(), 2);
	/* A spec's driver= is what vad_select() probes with. */
	struct vad_device *out = NULL;
	ck_assert_int_eq(select_text("pci=00:02.2,driver=iHD", 0, &out), 0);
	ck_assert_ptr_eq(out, d);
	ck_assert_str_eq(vad_device_get_va_driver(d), "iHD");
	ck_assert_int_eq(inits(), 3);
	leave();
}
END_TEST

START_TEST(av1_8bit_encoder)
{
	static const char *const va[] = { "* ok decode=av1,av1_10 encode=av1", NULL };
	struct vad_device *out = NULL;

	/* The RT formats of AV1Profile0 tell 8-bit-only from 10-bit. */
	enter_va("amd", va);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_uint_eq(vad_device_get_decode(out), VAD_CODEC_AV1 | VAD_CODEC_AV1_10);
	ck_assert_uint_eq(vad_device_get_encode(out), VAD_CODEC_AV1);
	leave();
}
END_TEST

START_TEST(index_and_all)
{
	struct vad_device *out = NULL;

	enter("adl-sriov-host");
	ck_assert_int_eq(select_text("role=vf,index=2", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD131");
	assert_verdict(0, VAD_VERDICT_FILTERED, "filtered out: role pf != vf");
	assert_verdict(1, VAD_VERDICT_MATCH,
		       "matches, but index=2 asks for a later one (this is match 0)");
	assert_verdict(2, VAD_VERDICT_MATCH,
		       "matches, but index=2 asks for a later one (this is match 1)");
	assert_verdict(3, VAD_VERDICT_SELECTED, "matches role=vf,index=2; VA driver iHD");
	assert_verdict(4, VAD_VERDICT_SKIPPED, "not probed: renderD131 was selected first");
	ck_assert_int_eq(inits(), 3);

	/* VAD_SELECT_ALL gives every device a verdict from a probe. */
	ck_assert_int_eq(select_text("", VAD_SELECT_ALL, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	assert_verdict(0, VAD_VERDICT_SELECTED, "the first VA-capable device; VA driver iHD");
	for (size_t i = 1; i < 8; i++)
		assert_verdict(i, VAD_VERDICT_MATCH, "matches, but renderD128 was selected first");
	ck_assert_int_eq(inits(), 8);

	/* Past the last match. */
	ck_assert_int_eq(select_text("role=vf,index=7", 0, &out), -ENODEV);
	ck_assert_ptr_null(out);
	leave();
}
END_TEST

START_TEST(node_and_filters)
{
	struct vad_device *out = NULL;

	enter("adl-sriov-host");
	/* A by-path symlink names the node by device number. */
	ck_assert_int_eq(select_text("node=/dev/dri/by-path/pci-0000:00:02.4-render", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD132");
	ck_assert_int_eq(select_text("node=/dev/dri/card5", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD133");
	assert_verdict(0, VAD_VERDICT_FILTERED,
		       "filtered out: node /dev/dri/card5 is 226:5, not this device");
	ck_assert_int_eq(select_text("node=/dev/dri/renderD200", 0, &out), -ENODEV);
	assert_verdict(0, VAD_VERDICT_FILTERED,
		       "filtered out: node /dev/dri/renderD200: No such file or directory");
	ck_assert_int_eq(select_text("kernel_driver=xe", 0, &out), -ENODEV);
	assert_verdict(0, VAD_VERDICT_FILTERED, "filtered out: kernel driver i915 != xe");
	ck_assert_int_eq(select_text("kernel_driver=xe|i915,role=pf", 0, &out), 0);
	ck_assert_str_eq(vad_device_get_node(out), "/dev/dri/renderD128");
	assert_verdict(1, VAD_VERDICT_FILTERED, "filtered out: role vf != pf");
	ck_assert_int_eq(select_text("role=none", 0, &out), -ENODEV);
	assert_verdict(0, VAD_VERDICT_FILTERED, "filtered out: role pf != none");
	ck_assert_int_eq(inits(), 3);
	leave();
}
END_TEST

/* Which key ruled a device out, as a caller reads it without parsing the reason: the
 * first in canonical order that the facts fail, by its first name. */
START_TEST(filter_keys)
{
	struct vad_device *out = NULL;

	enter("adl-sriov-host");
	assert_filter_key("vendor=1002", 0, "vendor");
	assert_filter_key("vendor_id=0x1002", 0, "vendor");
	assert_filter_key("kernel_driver=xe,vendor=1002", 0, "vendor");
	assert_filter_key("vendor=8086,kernel_driver=xe", 0, "kernel_driver");
	assert_filter_key("pci=0000:00:02.1", 0, "pci");
	assert_filter_key("role=vf,vf=4", 0, "role");
	assert_filter_key("role=vf,vf=4", 1, "vf");
	/* vf= alone is role=vf too, and says so by its own name */
	assert_filter_key("vf=4", 0, "vf");
	assert_filter_key("node=/dev/dri/renderD200", 0, "node");
	/* a later selection that filters nothing out clears the keys */
	ck_assert_int_eq(select_text("", VAD_SELECT_ALL, &out), 0);
	for (size_t i = 0; i < vad_device_count(m.ctx); i++)
		ck_assert_ptr_null(vad_device_get_filter_key(dev_at(i)));
	leave();
}
END_TEST

START_TEST(no_fds_left)
{
	static const char *const va[] = { "0000:00:02.0 fail", NULL };
	struct vad_device *out = NULL;
	int before;

	enter_va("adl-sriov-host", va);
	before = tl_count_fds();
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(select_text("", VAD_SELECT_ALL, &out), 0);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(3), "iHD"), 0);
	ck_assert_int_eq(tl_count_fds(), before);
	leave();
}
END_TEST

START_TEST(opens_are_cloexec)
{
	struct th_opts o = { 0 };
	struct vad_device *out = NULL;
	char trace[PATH_MAX + 32];
	char line[512];
	int opens = 0;
	FILE *f;

	enter_opts("adl-sriov-host", &o);
	snprintf(trace, sizeof(trace), "%s/trace", m.topo_dir);
	setenv("FAKEGPU_TRACE", trace, 1);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(select_text("", VAD_SELECT_ALL, &out), 0);
	unsetenv("FAKEGPU_TRACE");
	f = fopen(trace, "re");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "open /dev/dri/", 14) != 0)
			continue;
		opens++;
		/* Every open is O_RDWR|O_CLOEXEC, and of a render node: a scan or a probe never
		 * opens a card node that has a render node (it could become DRM master). */
		ck_assert_msg(strstr(line, " O_RDWR") && strstr(line, "O_CLOEXEC"), "%s", line);
		ck_assert_msg(strncmp(line, "open /dev/dri/renderD", 21) == 0, "%s", line);
	}
	fclose(f);
	/* One open per device in the scan, one per probe. */
	ck_assert_int_eq(opens, 16);
	leave();
}
END_TEST

/* Contexts are independent: threads selecting at once on one machine. */
struct thread_job {
	int vf;
	int result;
	char node[64];
};

static void *select_thread(void *arg)
{
	struct thread_job *job = arg;
	struct vad_context *c = NULL;
	struct vad_spec *sp = NULL;
	struct vad_device *out = NULL;
	char text[64];

	job->result = -1;
	if (vad_new(&c) < 0)
		return NULL;
	snprintf(text, sizeof(text), "vf=%d", job->vf);
	if (vad_spec_new(&sp, text, NULL, 0) == 0) {
		for (int i = 0; i < 3; i++) {
			job->result = vad_select(c, sp, 0, &out);
			if (job->result < 0)
				break;
			snprintf(job->node, sizeof(job->node), "%s", vad_device_get_node(out));
			vad_scan(c);
		}
	}
	vad_spec_free(sp);
	vad_unref(c);
	return NULL;
}

START_TEST(threads)
{
	struct thread_job jobs[4];
	pthread_t tids[4];

	enter("adl-sriov-host");
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct thread_job){ .vf = i + 1 };
		ck_assert_int_eq(pthread_create(&tids[i], NULL, select_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		char want[64];

		ck_assert_int_eq(pthread_join(tids[i], NULL), 0);
		ck_assert_int_eq(jobs[i].result, 0);
		snprintf(want, sizeof(want), "/dev/dri/renderD%d", 129 + i);
		ck_assert_str_eq(jobs[i].node, want);
	}
	/* Each thread's first selection probes its VF; after each rescan the probe cache
	 * (one file per VF, written while the other threads write theirs) answers. */
	ck_assert_int_eq(inits(), 4);
	leave();
}
END_TEST

struct log_capture {
	char text[16384];
};

static void capture_log(struct vad_context *c, enum vad_log_priority priority, void *userdata,
			const char *format, va_list args)
{
	struct log_capture *cap = userdata;
	size_t used = strlen(cap->text);

	(void)c;
	ck_assert_int_le(priority, VAD_LOG_INFO);
	vsnprintf(cap->text + used, sizeof(cap->text) - used, format, args);
	used = strlen(cap->text);
	if (used + 1 < sizeof(cap->text)) {
		cap->text[used] = '\n';
		cap->text[used + 1] = '\0';
	}
}

START_TEST(log_reasons)
{
	static const char *const va[] = { "0000:00:02.0 fail", NULL };
	struct log_capture cap = { .text = "" };
	struct vad_device *out = NULL;

	enter_va("adl-sriov-host", va);
	vad_set_log_fn(m.ctx, capture_log, VAD_LOG_INFO, &cap);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), 0);
	ck_assert_msg(strstr(cap.text, "/dev/dri/renderD129: selected: the first VA-capable "
			     "device; VA driver iHD\n"), "%s", cap.text);
	ck_assert_msg(strstr(cap.text, "/dev/dri/renderD130: skipped: not probed: renderD129 was "
			     "selected first\n"), "%s", cap.text);
	/* libva's own messages are DEBUG: not here, and never on stderr. */
	ck_assert_msg(!strstr(cap.text, "libva: VA-API version"), "%s", cap.text);
	leave();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc;

	tc = test_case(s, "machines");
	tcase_add_test(tc, sriov_pf_fails_default);
	tcase_add_test(tc, sriov_vf4);
	tcase_add_test(tc, lxc_remapped);
	tcase_add_test(tc, intel_nvidia_default);
	tcase_add_test(tc, intel_nvidia_vendor);
	tcase_add_test(tc, many_nodes);
	tcase_add_test(tc, intel_arc_av1);
	tcase_add_test(tc, xe_ihd_fallback);
	tcase_add_test(tc, xe_user_driver_name);
	tcase_add_test(tc, xe_runtime_libva_version);
	tcase_add_test(tc, xe_jellyfin_driver_name);
	tcase_add_test(tc, eacces_first_node);
	tcase_add_test(tc, eacces_named_group);
	tcase_add_test(tc, eperm_device_rule);
	tcase_add_test(tc, eperm_remapped_names_host_minor);
	tcase_add_test(tc, empty_machine);
	tcase_add_test(tc, select_scans_first);

	tc = test_case(s, "libva");
	tcase_add_test(tc, libva_from_dir);
	tcase_add_test(tc, libva_dir_rejects_relative);
	tcase_add_test(tc, libva_dir_missing);
	tcase_add_test(tc, libva_dir_broken);
	tcase_add_test(tc, libva_broken_on_library_path);
	tcase_add_test(tc, libva_already_loaded);
	tcase_add_test(tc, libva_already_loaded_in_process);
	tcase_add_test(tc, libva_dir_applies_after_scan);

	tc = test_case(s, "broken");
	tcase_add_test(tc, vanish_before_probe);
	tcase_add_test(tc, malformed_vendor);
	tcase_add_test(tc, no_profiles);
	tcase_add_test(tc, display_only_not_probed);
	tcase_add_test(tc, driver_not_installed);
	tcase_add_test(tc, va_driver_file_missing);

	tc = test_case(s, "machinery");
	tcase_add_test(tc, probe_facts);
	tcase_add_test(tc, strings_live_until_replaced);
	tcase_add_test(tc, av1_8bit_encoder);
	tcase_add_test(tc, index_and_all);
	tcase_add_test(tc, node_and_filters);
	tcase_add_test(tc, filter_keys);
	tcase_add_test(tc, no_fds_left);
	tcase_add_test(tc, log_reasons);
	tcase_add_test(tc, opens_are_cloexec);
	tcase_add_test(tc, threads);

	/* 100,000 selections: seconds under ASan, a minute or more under valgrind. */
	tc = test_case(s, "memory");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, select_memory_bounded);
	return s;
}
