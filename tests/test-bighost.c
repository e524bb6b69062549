/*
 * Hosts with more DRM devices than the fixed minor ranges hold (tests/harness topology
 * flex170x4-sriov: four Flex 170 with 31 VFs each, 128 render nodes, renderD128-191 and
 * then the kernel's extended range, renderD193-319 and card192-320 interleaved; and
 * flex170x4-lxc, a container with two of them, one renamed renderD128).
 *
 * What must hold: every device is listed and numbered (a node's type comes from its
 * kernel name, never from its minor), a device past renderD191 can be picked and the
 * wrapper rewrites to it, a renamed node of that range is still identified by its device
 * number. Debian 12's libdrm (2.4.114) cannot type such a node (minor / 64), so libva
 * fails on it; the cases that need VA run with FAKEGPU_LIBDRM=names, the node typing of
 * libdrm 2.4.116 and later (tests/harness/shim.c), and one case pins down what Debian 12's does.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/common/testlib.h"
#include "vadiscover/vadiscover.h"

#define BIG "flex170x4-sriov"
#define LXC "flex170x4-lxc"

static const char *const newer_libdrm[] = { "FAKEGPU_LIBDRM=names", NULL };

static char tool[4200], wrapper[4200];

static void setup(void)
{
	snprintf(tool, sizeof(tool), "%s/vadiscover/tool/vadiscover", th_builddir());
	snprintf(wrapper, sizeof(wrapper), "%s/fftools-wrapper/ffmpeg", th_builddir());
}

static int lines_with(const char *text, const char *needle)
{
	int n = 0;

	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (!needle || memmem(l, len, needle, strlen(needle)))
			n++;
		l += len + (nl ? 1 : 0);
	}
	return n;
}

static int code(const struct th_result *r)
{
	return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

static void run(const char *topology, const char *const *env, struct th_result *r,
		const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { tool, (char *)a1, (char *)a2, (char *)a3, NULL };
	struct th_opts o = { .topology = topology, .env = env };

	ck_assert_int_eq(th_run(&o, argv, r), 0);
}

/* Every device, with the kernel's numbers: 128 render nodes, renderD191 + card192 at the
 * turn, the extended ones interleaved up to renderD319 + card320, and the BMC's card0. */
START_TEST(list_every_device)
{
	struct th_result r;

	run(BIG, NULL, &r, "list", "--no-probe", NULL);
	ck_assert_msg(code(&r) == 0, "%.600s", r.err);
	ck_assert_int_eq(lines_with(r.out, NULL), 129);
	ck_assert_int_eq(lines_with(r.out, "renderD"), 128);
	ck_assert_int_eq(lines_with(r.out, " PF 31/31 VFs"), 4);
	ck_assert_int_eq(lines_with(r.out, " VF "), 124);
	ck_assert_msg(strstr(r.out, "renderD191  card192  0000:6d:03.5  8086:56c0  xe   "
			     "VF 29 of 0000:6d:00.0"), "%.600s", r.out);
	ck_assert_msg(strstr(r.out, "renderD193  card194  0000:6d:03.6"), "%.600s", r.out);
	ck_assert_msg(strstr(r.out, "renderD319  card320  0000:cd:03.7  8086:56c0  xe   "
			     "VF 31 of 0000:cd:00.0"), "%.600s", r.out);
	ck_assert_msg(strstr(r.out, "-           card0    0000:02:00.0  1a03:2000  ast"), "%.600s",
		      r.out);
	/* No VF lacks a node: none is listed as a function without one. */
	ck_assert_ptr_null(strstr(r.out, "no DRM node"));
	th_result_free(&r);
}
END_TEST

/* The library's view: every VF has the number of its virtfn link, every node its own
 * device number, each PF its 31 VFs. */
START_TEST(scan_numbers_every_vf)
{
	struct tl_machine m;
	struct th_opts o = { 0 };
	int vfs = 0, pfs = 0, extended = 0;

	tl_enter(&m, BIG, &o);
	ck_assert_int_eq(vad_scan(m.ctx), 129);
	ck_assert_uint_eq(vad_function_count(m.ctx), 0);
	for (size_t i = 0; i < vad_device_count(m.ctx); i++) {
		const struct vad_device *d = vad_device_get(m.ctx, i);
		const char *slot = vad_device_get_pci_slot(d);
		const char *render = vad_device_get_render_node(d);
		unsigned int dom, bus, dev, fn;

		if (!render)
			continue;
		ck_assert_int_eq(sscanf(slot, "%x:%x:%x.%x", &dom, &bus, &dev, &fn), 4);
		/* renderDN is 226:N whatever N is */
		ck_assert_uint_eq(minor(vad_device_get_render_rdev(d)),
				  (unsigned int)atoi(render + strlen("/dev/dri/renderD")));
		extended += minor(vad_device_get_render_rdev(d)) >= 192;
		if (vad_device_get_sriov_role(d) == VAD_SRIOV_PF) {
			pfs++;
			ck_assert_int_eq(vad_device_get_sriov_numvfs(d), 31);
			continue;
		}
		vfs++;
		ck_assert_int_eq(vad_device_get_sriov_role(d), VAD_SRIOV_VF);
		/* offset 1, stride 1: VF N is devfn N */
		ck_assert_msg(vad_device_get_vf_index(d) == (int)(dev << 3 | fn), "%s: VF %d",
			      slot, vad_device_get_vf_index(d));
	}
	ck_assert_int_eq(pfs, 4);
	ck_assert_int_eq(vfs, 124);
	ck_assert_int_eq(extended, 64);
	tl_leave(&m);
}
END_TEST

/* The library's readlink() calls on virtfn links, while counting (>= 0): this definition
 * comes before the preloaded shim's, which it calls. */
static int virtfn_readlinks = -1;

ssize_t readlink(const char *path, char *buf, size_t len)
{
	static ssize_t (*next)(const char *, char *, size_t);

	if (!next)
		next = (ssize_t (*)(const char *, char *, size_t))dlsym(RTLD_NEXT, "readlink");
	if (virtfn_readlinks >= 0 && strstr(path, "/virtfn"))
		virtfn_readlinks++;
	return next(path, buf, len);
}

/* Reads every device's VF number: the facts are read when first asked for. */
static void read_vf_numbers(struct tl_machine *m)
{
	for (size_t i = 0; i < vad_device_count(m->ctx); i++)
		vad_device_get_vf_index(vad_device_get(m->ctx, i));
}

/* Numbering 124 VFs reads each PF's virtfn links once: 31 links and the missing 32nd,
 * 4 x 32 readlinks (re-reading them up to each VF's own took 4 x 496 and more). The scan
 * itself reads none: a program that selects by node reads the facts of that node only. */
START_TEST(vf_links_read_once)
{
	struct tl_machine m;
	struct th_opts o = { 0 };

	tl_enter(&m, BIG, &o);
	virtfn_readlinks = 0;
	ck_assert_int_eq(vad_scan(m.ctx), 129);
	ck_assert_int_eq(virtfn_readlinks, 0);
	/* One VF's number: its own PF's links only. */
	for (size_t i = 0; i < vad_device_count(m.ctx); i++) {
		struct vad_device *d = vad_device_get(m.ctx, i);

		if (vad_device_get_sriov_role(d) != VAD_SRIOV_VF)
			continue;
		ck_assert_int_gt(vad_device_get_vf_index(d), 0);
		break;
	}
	ck_assert_int_eq(virtfn_readlinks, 32);
	read_vf_numbers(&m);
	ck_assert_int_eq(virtfn_readlinks, 4 * 32);
	read_vf_numbers(&m);
	ck_assert_int_eq(virtfn_readlinks, 4 * 32);
	/* A second scan reads them again, once: the links are kept for one scan only. */
	virtfn_readlinks = 0;
	ck_assert_int_eq(vad_scan(m.ctx), 129);
	read_vf_numbers(&m);
	ck_assert_int_eq(virtfn_readlinks, 4 * 32);
	virtfn_readlinks = -1;
	tl_leave(&m);
}
END_TEST

/* With Debian 12's libdrm, libva has no display for a node past renderD191: the device is
 * found and named, and its reason says VA failed; the fixed range works. */
START_TEST(debian12_libdrm_fails_past_191)
{
	struct th_result r;

	run(BIG, NULL, &r, "list", NULL, NULL);
	ck_assert_msg(code(&r) == 0, "%.600s", r.err);
	ck_assert_msg(lines_with(r.out, "VA: iHD 1.17") == 64, "%.300s\n%.300s", r.out, r.err);
	ck_assert_int_eq(lines_with(r.out, "renderD"), 128);
	ck_assert_msg(strstr(r.out, "renderD191  card192  0000:6d:03.5  8086:56c0  xe   "
			     "VF 29 of 0000:6d:00.0  VA: iHD 1.17"), "%.600s", r.out);
	th_result_free(&r);

	run(BIG, NULL, &r, "pick", "pci=0000:cd:03.7", NULL);
	ck_assert_int_eq(code(&r), 1);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(strstr(r.err, "renderD319 (0000:cd:03.7): "), "%.600s", r.err);
	th_result_free(&r);
}
END_TEST

/* With a libdrm that types nodes by name, a device past renderD191 is picked, by slot, by
 * VF number and by node. */
START_TEST(pick_past_191)
{
	struct th_result r;

	run(BIG, newer_libdrm, &r, "pick", "pci=0000:cd:03.7", NULL);
	ck_assert_msg(code(&r) == 0, "%.600s", r.err);
	ck_assert_str_eq(r.out, "/dev/dri/renderD319\n");
	th_result_free(&r);

	run(BIG, newer_libdrm, &r, "pick", "pci=9d:00.1,vf=1", NULL);
	ck_assert_msg(code(&r) == 0, "%.600s", r.err);
	ck_assert_str_eq(r.out, "/dev/dri/renderD197\n");
	th_result_free(&r);

	run(BIG, newer_libdrm, &r, "pick", "node=/dev/dri/card300", NULL);
	ck_assert_msg(code(&r) == 0, "%.600s", r.err);
	ck_assert_str_eq(r.out, "/dev/dri/renderD299\n");
	th_result_free(&r);

	run(BIG, newer_libdrm, &r, "list", NULL, NULL);
	ck_assert_int_eq(lines_with(r.out, "VA: iHD 1.17"), 128);
	th_result_free(&r);
}
END_TEST

/* Jellyfin's probe of renderD128 with VADISCOVER_SELECT naming the last VF of card D:
 * the wrapper rewrites to renderD319 (with driver=iHD: xe), and ffmpeg initialises it. */
START_TEST(wrapper_rewrites_past_191)
{
	const char *env[] = { "FAKEGPU_LIBDRM=names", "VADISCOVER_SELECT=pci=0000:cd:03.7",
			      "VADISCOVER_FFMPEG=" VAD_REAL_FFMPEG, NULL };
	char *argv[] = { wrapper, "-v", "verbose", "-hide_banner", "-init_hw_device",
			 "vaapi=va:/dev/dri/renderD128", NULL };
	struct th_opts o = { .topology = BIG, .env = env };
	struct th_result r;

	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_msg(strstr(r.err, "[vadiscover] -init_hw_device vaapi=va:/dev/dri/renderD128 "
			     "-> vaapi=va:/dev/dri/renderD319,driver=iHD"), "%.600s", r.err);
	ck_assert_msg(strstr(r.err, "VAAPI driver: Intel iHD driver"), "%.600s", r.err);
	ck_assert_str_eq(r.out, "");
	th_result_free(&r);
}
END_TEST

/* A container's renderD128 that is the host's 226:297 (and card0 = 226:298): found by
 * device number, with the facts of 0000:cd:02.4; beside it renderD319 under its own name. */
START_TEST(renamed_extended_nodes)
{
	struct tl_machine m;
	struct th_opts o = { 0 };
	struct vad_device *d = NULL;
	struct th_result r;

	tl_enter(&m, LXC, &o);
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD128", &d), 0);
	ck_assert_uint_eq(vad_device_get_render_rdev(d), makedev(226, 297));
	ck_assert_uint_eq(vad_device_get_card_rdev(d), makedev(226, 298));
	ck_assert_str_eq(vad_device_get_card_node(d), "/dev/dri/card0");
	ck_assert_str_eq(vad_device_get_pci_slot(d), "0000:cd:02.4");
	ck_assert_int_eq(vad_device_get_vf_index(d), 20);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/card320", &d), 0);
	ck_assert_str_eq(vad_device_get_render_node(d), "/dev/dri/renderD319");
	ck_assert_int_eq(vad_device_get_vf_index(d), 31);
	tl_leave(&m);

	run(LXC, NULL, &r, "list", "--no-probe", NULL);
	ck_assert_msg(strstr(r.out, "renderD128=226:297  card0=226:298  0000:cd:02.4"), "%.600s",
		      r.out);
	ck_assert_msg(strstr(r.out, "renderD319          card320        0000:cd:03.7"), "%.600s",
		      r.out);
	th_result_free(&r);

	/* Even libdrm 2.4.116 and later looks for /dev/dri/renderD297 to type the renamed node, which
	 * the container lacks: libva fails there; under its own name the node works. */
	run(LXC, newer_libdrm, &r, "pick", NULL, NULL);
	ck_assert_msg(code(&r) == 0, "%.600s", r.err);
	ck_assert_str_eq(r.out, "/dev/dri/renderD319\n");
	th_result_free(&r);

	/* ... and the renamed node's reason says why and what to do (probed now, not a
	 * remembered answer). */
	static const char *const newer_libdrm_probe[] = { "FAKEGPU_LIBDRM=names",
							  "VADISCOVER_CACHE=0", NULL };
	run(LXC, newer_libdrm_probe, &r, "list", "-v", NULL);
	ck_assert_msg(strstr(r.out, "renderD128=226:297  card0=226:298  0000:cd:02.4")
			      && strstr(r.out, "libva has no display for /dev/dri/renderD128 (not a "
					       "DRM node to its libdrm: the node is the kernel's "
					       "renderD297 under another name, and libdrm 2.4.116 and "
					       "later find a node's type by its kernel name; give it "
					       "that name, /dev/dri/renderD297)"),
		      "%.900s", r.out);
	th_result_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("bighost");
	TCase *tc = test_case(s, "extended-minors");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	/* 128 probes each, in helpers: wide deadline for a loaded machine */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, list_every_device);
	tcase_add_test(tc, scan_numbers_every_vf);
	tcase_add_test(tc, vf_links_read_once);
	tcase_add_test(tc, debian12_libdrm_fails_past_191);
	tcase_add_test(tc, pick_past_191);
	tcase_add_test(tc, wrapper_rewrites_past_191);
	tcase_add_test(tc, renamed_extended_nodes);
	return s;
}
