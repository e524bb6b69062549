/*
 * vad_scan() and the device facts, on simulated machines (tests/harness): node identity by
 * device number, card+render grouping, order, PCI ids, SR-IOV roles and VF numbers, access,
 * and what happens when sysfs is missing, malformed, or nodes vanish. No VA driver is
 * loaded by anything here (the count file proves it).
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/common/testlib.h"
#include "vadiscover/vadiscover.h"

/* Per-test state: the topology directory, the count file and the context. */
static struct tl_machine m;

static void enter_opts(const char *topology, struct th_opts *o)
{
	tl_enter(&m, topology, o);
}

static void enter(const char *topology)
{
	struct th_opts o = { 0 };

	enter_opts(topology, &o);
}

static void leave(void)
{
	/* Nothing in here may have loaded a VA driver. */
	ck_assert_int_eq(th_count_lines(m.count_file, "init"), 0);
	tl_leave(&m);
}

/* The device whose render (or, without one, card) node is @node. */
static struct vad_device *dev_by_node(const char *node)
{
	for (size_t i = 0; i < vad_device_count(m.ctx); i++) {
		struct vad_device *d = vad_device_get(m.ctx, i);

		if (strcmp(vad_device_get_node(d), node) == 0)
			return d;
	}
	ck_abort_msg("no device with node %s", node);
	return NULL;
}

/* Write @text into @rel (relative to the topology's sys/devices). */
static void corrupt(const char *rel, const char *text)
{
	char p[PATH_MAX + 64];
	FILE *f;

	snprintf(p, sizeof(p), "%s/sys/devices/%s", m.topo_dir, rel);
	f = fopen(p, "w");
	ck_assert_msg(f != NULL, "%s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static void remove_rel(const char *rel)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", m.topo_dir, rel);
	ck_assert_msg(unlink(p) == 0, "%s: %s", p, strerror(errno));
}

/* ------------------------------------------------------------------------------------ */

START_TEST(sriov_host)
{
	enter("adl-sriov-host");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_uint_eq(vad_device_count(m.ctx), 8);
	ck_assert_ptr_null(vad_device_get(m.ctx, 8));

	for (int i = 0; i < 8; i++) {
		struct vad_device *d = vad_device_get(m.ctx, (size_t)i);
		char node[64], card[64], slot[32];

		snprintf(node, sizeof(node), "/dev/dri/renderD%d", 128 + i);
		snprintf(card, sizeof(card), "/dev/dri/card%d", i);
		snprintf(slot, sizeof(slot), "0000:00:02.%d", i);
		ck_assert_str_eq(vad_device_get_render_node(d), node);
		ck_assert_str_eq(vad_device_get_node(d), node);
		ck_assert_str_eq(vad_device_get_card_node(d), card);
		ck_assert_uint_eq(vad_device_get_render_rdev(d), makedev(226, 128 + i));
		ck_assert_uint_eq(vad_device_get_card_rdev(d), makedev(226, i));
		ck_assert_str_eq(vad_device_get_pci_slot(d), slot);
		ck_assert_int_eq(vad_device_get_bus(d), VAD_BUS_PCI);
		ck_assert_int_eq(vad_device_get_vendor_id(d), 0x8086);
		ck_assert_int_eq(vad_device_get_device_id(d), 0x4692);
		ck_assert_int_eq(vad_device_get_subsystem_vendor_id(d), 0x1849);
		ck_assert_int_eq(vad_device_get_subsystem_device_id(d), 0x4692);
		ck_assert_int_eq(vad_device_get_revision(d), 0x0c);
		ck_assert_str_eq(vad_device_get_kernel_driver(d), "i915");
		ck_assert_int_eq(vad_device_get_access(d), 0);
		ck_assert(!vad_device_is_probed(d));
		ck_assert_int_eq(vad_device_get_va_status(d), -EAGAIN);
		ck_assert_int_eq(vad_device_get_verdict(d), VAD_VERDICT_NONE);
		ck_assert_ptr_null(vad_device_get_reason(d));
	}

	struct vad_device *pf = vad_device_get(m.ctx, 0);
	ck_assert_str_eq(vad_device_get_sysfs_path(pf), "/sys/devices/pci0000:00/0000:00:02.0");
	ck_assert_int_eq(vad_device_get_sriov_role(pf), VAD_SRIOV_PF);
	ck_assert_int_eq(vad_device_get_sriov_numvfs(pf), 7);
	ck_assert_int_eq(vad_device_get_sriov_totalvfs(pf), 7);
	ck_assert_int_eq(vad_device_get_vf_index(pf), -ENOENT);
	ck_assert_ptr_null(vad_device_get_pf_slot(pf));
	ck_assert_int_eq(vad_device_get_boot_vga(pf), 1);

	struct vad_device *vf4 = vad_device_get(m.ctx, 4);
	ck_assert_str_eq(vad_device_get_sysfs_path(vf4), "/sys/devices/pci0000:00/0000:00:02.4");
	ck_assert_int_eq(vad_device_get_sriov_role(vf4), VAD_SRIOV_VF);
	ck_assert_int_eq(vad_device_get_vf_index(vf4), 4);
	ck_assert_str_eq(vad_device_get_pf_slot(vf4), "0000:00:02.0");
	ck_assert_int_eq(vad_device_get_sriov_numvfs(vf4), -ENOENT);
	ck_assert_int_eq(vad_device_get_sriov_totalvfs(vf4), -ENOENT);
	ck_assert_int_eq(vad_device_get_boot_vga(vf4), 0);
	for (int i = 1; i < 8; i++)
		ck_assert_int_eq(vad_device_get_vf_index(vad_device_get(m.ctx, (size_t)i)), i);
	leave();
}
END_TEST

START_TEST(lxc_vf4)
{
	enter("adl-sriov-lxc-vf4");
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	struct vad_device *d = vad_device_get(m.ctx, 0);
	ck_assert_str_eq(vad_device_get_render_node(d), "/dev/dri/renderD132");
	ck_assert_str_eq(vad_device_get_card_node(d), "/dev/dri/card4");
	ck_assert_int_eq(vad_device_get_sriov_role(d), VAD_SRIOV_VF);
	ck_assert_int_eq(vad_device_get_vf_index(d), 4);
	ck_assert_str_eq(vad_device_get_pf_slot(d), "0000:00:02.0");
	leave();
}
END_TEST

START_TEST(lxc_vf4_remapped)
{
	enter("adl-sriov-lxc-vf4-remapped");
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	struct vad_device *d = vad_device_get(m.ctx, 0);
	/* The names say 128 and 0; the device numbers say VF 4. */
	ck_assert_str_eq(vad_device_get_render_node(d), "/dev/dri/renderD128");
	ck_assert_str_eq(vad_device_get_card_node(d), "/dev/dri/card0");
	ck_assert_uint_eq(vad_device_get_render_rdev(d), makedev(226, 132));
	ck_assert_uint_eq(vad_device_get_card_rdev(d), makedev(226, 4));
	ck_assert_str_eq(vad_device_get_pci_slot(d), "0000:00:02.4");
	ck_assert_str_eq(vad_device_get_sysfs_path(d), "/sys/devices/pci0000:00/0000:00:02.4");
	ck_assert_int_eq(vad_device_get_sriov_role(d), VAD_SRIOV_VF);
	ck_assert_int_eq(vad_device_get_vf_index(d), 4);
	ck_assert_str_eq(vad_device_get_pf_slot(d), "0000:00:02.0");
	leave();
}
END_TEST

START_TEST(intel_nvidia)
{
	enter("intel-nvidia");
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	struct vad_device *nv = vad_device_get(m.ctx, 0), *intel = vad_device_get(m.ctx, 1);
	ck_assert_str_eq(vad_device_get_node(nv), "/dev/dri/renderD128");
	ck_assert_int_eq(vad_device_get_vendor_id(nv), 0x10de);
	ck_assert_int_eq(vad_device_get_device_id(nv), 0x2504);
	ck_assert_str_eq(vad_device_get_kernel_driver(nv), "nvidia");
	ck_assert_str_eq(vad_device_get_pci_slot(nv), "0000:01:00.0");
	ck_assert_str_eq(vad_device_get_sysfs_path(nv),
			 "/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0");
	ck_assert_int_eq(vad_device_get_sriov_role(nv), VAD_SRIOV_NONE);
	ck_assert_int_eq(vad_device_get_boot_vga(nv), 1);
	ck_assert_str_eq(vad_device_get_node(intel), "/dev/dri/renderD129");
	ck_assert_int_eq(vad_device_get_vendor_id(intel), 0x8086);
	ck_assert_str_eq(vad_device_get_kernel_driver(intel), "i915");
	ck_assert_int_eq(vad_device_get_boot_vga(intel), 0);
	leave();
}
END_TEST

START_TEST(many_nodes)
{
	enter("many-nodes");
	/* ast card0 (no render node), 10 T4 at renderD128..137, the Arc at renderD138. */
	ck_assert_int_eq(vad_scan(m.ctx), 12);
	for (int i = 0; i < 11; i++) {
		char node[64];

		snprintf(node, sizeof(node), "/dev/dri/renderD%d", 128 + i);
		ck_assert_str_eq(vad_device_get_node(vad_device_get(m.ctx, (size_t)i)), node);
	}
	struct vad_device *arc = vad_device_get(m.ctx, 10);
	ck_assert_str_eq(vad_device_get_pci_slot(arc), "0000:d9:00.0");
	ck_assert_int_eq(vad_device_get_device_id(arc), 0x56a5);
	/* Devices without a render node come last. */
	struct vad_device *ast = vad_device_get(m.ctx, 11);
	ck_assert_ptr_null(vad_device_get_render_node(ast));
	ck_assert_str_eq(vad_device_get_card_node(ast), "/dev/dri/card0");
	ck_assert_str_eq(vad_device_get_node(ast), "/dev/dri/card0");
	ck_assert_uint_eq(vad_device_get_render_rdev(ast), 0);
	ck_assert_str_eq(vad_device_get_kernel_driver(ast), "ast");
	leave();
}
END_TEST

START_TEST(xe_sriov)
{
	enter("xe-sriov");
	ck_assert_int_eq(vad_scan(m.ctx), 6);
	struct vad_device *pf = vad_device_get(m.ctx, 0);
	ck_assert_str_eq(vad_device_get_node(pf), "/dev/dri/renderD128");
	ck_assert_str_eq(vad_device_get_kernel_driver(pf), "xe");
	ck_assert_int_eq(vad_device_get_sriov_role(pf), VAD_SRIOV_PF);
	ck_assert_int_eq(vad_device_get_sriov_numvfs(pf), 4);
	ck_assert_int_eq(vad_device_get_sriov_totalvfs(pf), 31);
	ck_assert_int_eq(vad_device_get_boot_vga(pf), -ENOENT);
	struct vad_device *vf2 = vad_device_get(m.ctx, 2);
	ck_assert_str_eq(vad_device_get_pci_slot(vf2), "0000:4d:00.2");
	ck_assert_int_eq(vad_device_get_vf_index(vf2), 2);
	ck_assert_str_eq(vad_device_get_pf_slot(vf2), "0000:4d:00.0");
	leave();
}
END_TEST

/* The VA driver a program must force: iHD on xe (every function), nothing on i915 or
 * another driver, nothing when the user chose a driver (LIBVA_DRIVER_NAME, or
 * LIBVA_DRIVER_NAME_JELLYFIN for jellyfin-ffmpeg's libva). A fact of the device: no libva
 * is loaded for it. */
START_TEST(required_va_driver)
{
	enter("xe-sriov");
	ck_assert_int_eq(vad_scan(m.ctx), 6);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(vad_device_get_required_va_driver(vad_device_get(m.ctx, i)), "iHD");
	/* The BMC's ast display device beside them. */
	ck_assert_str_eq(vad_device_get_kernel_driver(vad_device_get(m.ctx, 5)), "ast");
	ck_assert_ptr_null(vad_device_get_required_va_driver(vad_device_get(m.ctx, 5)));
	struct vad_device *pf = vad_device_get(m.ctx, 0);
	setenv("LIBVA_DRIVER_NAME", "iHD", 1);
	ck_assert_ptr_null(vad_device_get_required_va_driver(pf));
	unsetenv("LIBVA_DRIVER_NAME");
	setenv("LIBVA_DRIVER_NAME_JELLYFIN", "i965", 1);
	ck_assert_ptr_null(vad_device_get_required_va_driver(pf));
	unsetenv("LIBVA_DRIVER_NAME_JELLYFIN");
	ck_assert_str_eq(vad_device_get_required_va_driver(pf), "iHD");
	ck_assert_ptr_null(vad_get_libva_path(m.ctx));
	ck_assert_ptr_null(vad_get_libva_error(m.ctx));
	leave();

	enter("adl-sriov-host");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	for (size_t i = 0; i < 8; i++) {
		struct vad_device *d = vad_device_get(m.ctx, i);

		ck_assert_str_eq(vad_device_get_kernel_driver(d), "i915");
		ck_assert_ptr_null(vad_device_get_required_va_driver(d));
	}
	leave();

	enter("intel-nvidia");
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	for (size_t i = 0; i < 2; i++)
		ck_assert_ptr_null(vad_device_get_required_va_driver(vad_device_get(m.ctx, i)));
	leave();
}
END_TEST

START_TEST(non_pci)
{
	enter("non-pci");
	/* NVIDIA renderD128, vgem renderD129, simpledrm card0 without a render node. */
	ck_assert_int_eq(vad_scan(m.ctx), 3);
	struct vad_device *vgem = vad_device_get(m.ctx, 1), *simple = vad_device_get(m.ctx, 2);
	ck_assert_str_eq(vad_device_get_node(vgem), "/dev/dri/renderD129");
	ck_assert_int_eq(vad_device_get_bus(vgem), VAD_BUS_PLATFORM);
	ck_assert_ptr_null(vad_device_get_pci_slot(vgem));
	ck_assert_int_eq(vad_device_get_vendor_id(vgem), -ENOENT);
	ck_assert_int_eq(vad_device_get_revision(vgem), -ENOENT);
	ck_assert_ptr_null(vad_device_get_kernel_driver(vgem));
	ck_assert_int_eq(vad_device_get_sriov_role(vgem), VAD_SRIOV_NONE);
	ck_assert_str_eq(vad_device_get_node(simple), "/dev/dri/card0");
	ck_assert_int_eq(vad_device_get_bus(simple), VAD_BUS_PLATFORM);
	ck_assert_str_eq(vad_device_get_kernel_driver(simple), "simple-framebuffer");
	ck_assert_str_eq(vad_device_get_sysfs_path(simple),
			 "/sys/devices/platform/simple-framebuffer.0");
	leave();
}
END_TEST

START_TEST(card_render_disagree)
{
	enter("intel-amd-swapped");
	/* amdgpu took renderD128 but card1, i915 card0 but renderD129: grouping goes by the
	 * device, order by the render node. */
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	struct vad_device *amd = vad_device_get(m.ctx, 0), *intel = vad_device_get(m.ctx, 1);
	ck_assert_str_eq(vad_device_get_render_node(amd), "/dev/dri/renderD128");
	ck_assert_str_eq(vad_device_get_card_node(amd), "/dev/dri/card1");
	ck_assert_str_eq(vad_device_get_kernel_driver(amd), "amdgpu");
	ck_assert_str_eq(vad_device_get_render_node(intel), "/dev/dri/renderD129");
	ck_assert_str_eq(vad_device_get_card_node(intel), "/dev/dri/card0");
	ck_assert_str_eq(vad_device_get_kernel_driver(intel), "i915");
	leave();
}
END_TEST

START_TEST(sriov_vf_on_vfio)
{
	enter("adl-sriov-vfio");
	/* VF 3 is bound to vfio-pci: no nodes, no device; the others keep their numbers. */
	ck_assert_int_eq(vad_scan(m.ctx), 7);
	struct vad_device *d = vad_device_get(m.ctx, 3);
	ck_assert_str_eq(vad_device_get_node(d), "/dev/dri/renderD132");
	ck_assert_int_eq(vad_device_get_vf_index(d), 4);
	ck_assert_str_eq(vad_device_get_node(vad_device_get(m.ctx, 2)), "/dev/dri/renderD130");
	ck_assert_int_eq(vad_device_get_vf_index(vad_device_get(m.ctx, 2)), 2);
	leave();
}
END_TEST

/* The host view: the PF's VFs without a DRM node are listed apart, with why. */
START_TEST(functions_without_nodes)
{
	const struct vad_function *fn;

	enter("adl-sriov-vfio");
	ck_assert_int_eq(vad_scan(m.ctx), 7);
	ck_assert_uint_eq(vad_function_count(m.ctx), 1);
	fn = vad_function_get(m.ctx, 0);
	ck_assert_str_eq(vad_function_get_pci_slot(fn), "0000:00:02.3");
	ck_assert_str_eq(vad_function_get_sysfs_path(fn), "/sys/devices/pci0000:00/0000:00:02.3");
	ck_assert_str_eq(vad_function_get_pf_slot(fn), "0000:00:02.0");
	ck_assert_int_eq(vad_function_get_vf_index(fn), 3);
	ck_assert_int_eq(vad_function_get_vendor_id(fn), 0x8086);
	ck_assert_int_eq(vad_function_get_device_id(fn), 0x4692);
	ck_assert_str_eq(vad_function_get_kernel_driver(fn), "vfio-pci");
	ck_assert_ptr_null(vad_function_get_host_nodes(fn));
	ck_assert_str_eq(vad_function_get_reason(fn), "vfio-pci: passed to a VM");
	ck_assert_ptr_null(vad_function_get(m.ctx, 1));
	leave();

	/* sriov_drivers_autoprobe 0: seven VFs, no driver, the PF the only device. */
	enter("adl-sriov-unbound");
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	ck_assert_uint_eq(vad_function_count(m.ctx), 7);
	for (size_t i = 0; i < 7; i++) {
		char want[256];

		fn = vad_function_get(m.ctx, i);
		ck_assert_int_eq(vad_function_get_vf_index(fn), (int)i + 1);
		ck_assert_ptr_null(vad_function_get_kernel_driver(fn));
		snprintf(want, sizeof(want), "no driver bound (the PF's sriov_drivers_autoprobe is 0: "
			 "bind one, e.g. echo 0000:00:02.%zu > /sys/bus/pci/drivers/i915/bind)", i + 1);
		ck_assert_str_eq(vad_function_get_reason(fn), want);
	}
	leave();

	/* VFs not enabled: nothing to list. A full host: every VF is a device. */
	enter("adl-sriov-novfs");
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	ck_assert_int_eq(vad_device_get_sriov_numvfs(vad_device_get(m.ctx, 0)), 0);
	ck_assert_uint_eq(vad_function_count(m.ctx), 0);
	leave();
	enter("adl-sriov-host");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_uint_eq(vad_function_count(m.ctx), 0);
	leave();

	/* VF 1's nodes exist in sysfs but not in /dev/dri (a container given the others). */
	struct th_opts o = { .vanish = "card1,renderD129" };
	enter_opts("adl-sriov-host", &o);
	ck_assert_int_eq(vad_scan(m.ctx), 7);
	ck_assert_uint_eq(vad_function_count(m.ctx), 1);
	fn = vad_function_get(m.ctx, 0);
	ck_assert_str_eq(vad_function_get_host_nodes(fn), "card1 renderD129");
	ck_assert_str_eq(vad_function_get_reason(fn), "i915: its nodes card1 renderD129 are not in "
			 "/dev/dri (not passed to this system)");
	leave();

	/* A container that sees no PF lists no functions (adl-sriov-lxc-vf4: VF 4 only). */
	enter("adl-sriov-lxc-vf4");
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	ck_assert_uint_eq(vad_function_count(m.ctx), 0);
	ck_assert_ptr_null(vad_function_get(m.ctx, 0));
	leave();
}
END_TEST

START_TEST(vm_guest)
{
	enter("adl-sriov-vm-guest");
	/* Inside the VM the VF is an ordinary function: no physfn, role none. */
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	struct vad_device *vf = vad_device_get(m.ctx, 0), *vga = vad_device_get(m.ctx, 1);
	ck_assert_str_eq(vad_device_get_node(vf), "/dev/dri/renderD128");
	ck_assert_str_eq(vad_device_get_card_node(vf), "/dev/dri/card1");
	ck_assert_str_eq(vad_device_get_pci_slot(vf), "0000:00:10.0");
	ck_assert_int_eq(vad_device_get_sriov_role(vf), VAD_SRIOV_NONE);
	ck_assert_int_eq(vad_device_get_vf_index(vf), -ENOENT);
	ck_assert_ptr_null(vad_device_get_render_node(vga));
	ck_assert_str_eq(vad_device_get_node(vga), "/dev/dri/card0");
	ck_assert_int_eq(vad_device_get_vendor_id(vga), 0x1234);
	ck_assert_str_eq(vad_device_get_kernel_driver(vga), "bochs-drm");
	leave();
}
END_TEST

START_TEST(empty)
{
	enter("empty");
	ck_assert_int_eq(vad_scan(m.ctx), 0);
	ck_assert_uint_eq(vad_device_count(m.ctx), 0);
	ck_assert_ptr_null(vad_device_get(m.ctx, 0));
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */

START_TEST(malformed_ids)
{
	enter("intel-nvidia");
	corrupt("pci0000:00/0000:00:02.0/vendor", "zzz\n");
	corrupt("pci0000:00/0000:00:02.0/device", "0x46801\n");	/* five digits */
	corrupt("pci0000:00/0000:00:02.0/revision", "0x0c 0x0d\n");
	corrupt("pci0000:00/0000:00:02.0/subsystem_vendor", "");
	corrupt("pci0000:00/0000:00:02.0/boot_vga", "2\n");
	remove_rel("sys/devices/pci0000:00/0000:00:02.0/subsystem_device");
	corrupt("pci0000:00/0000:00:01.0/0000:01:00.0/vendor", "0x10DE");	/* no newline */
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	struct vad_device *nv = vad_device_get(m.ctx, 0), *intel = vad_device_get(m.ctx, 1);
	ck_assert_int_eq(vad_device_get_vendor_id(nv), 0x10de);
	ck_assert_int_eq(vad_device_get_vendor_id(intel), -EINVAL);
	ck_assert_int_eq(vad_device_get_device_id(intel), -EINVAL);
	ck_assert_int_eq(vad_device_get_revision(intel), -EINVAL);
	ck_assert_int_eq(vad_device_get_subsystem_vendor_id(intel), -EINVAL);
	ck_assert_int_eq(vad_device_get_subsystem_device_id(intel), -ENOENT);
	ck_assert_int_eq(vad_device_get_boot_vga(intel), -EINVAL);
	/* Everything else is still there. */
	ck_assert_str_eq(vad_device_get_node(intel), "/dev/dri/renderD129");
	ck_assert_str_eq(vad_device_get_pci_slot(intel), "0000:00:02.0");
	ck_assert_str_eq(vad_device_get_kernel_driver(intel), "i915");
	leave();
}
END_TEST

START_TEST(malformed_long_attribute)
{
	char big[8192];

	enter("amd");
	memset(big, '7', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	corrupt("pci0000:00/0000:00:03.1/0000:01:00.0/0000:02:00.0/0000:03:00.0/vendor", big);
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	ck_assert_int_eq(vad_device_get_vendor_id(vad_device_get(m.ctx, 0)), -EINVAL);
	ck_assert_int_eq(vad_device_get_device_id(vad_device_get(m.ctx, 0)), 0x73ff);
	leave();
}
END_TEST

START_TEST(malformed_sriov)
{
	enter("adl-sriov-host");
	corrupt("pci0000:00/0000:00:02.0/sriov_totalvfs", "seven\n");
	/* The PF's virtfn3 link is gone: VF 4 can no longer be numbered by walking from 0. */
	remove_rel("sys/devices/pci0000:00/0000:00:02.0/virtfn3");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_get_sriov_role(vad_device_get(m.ctx, 0)), VAD_SRIOV_NONE);
	ck_assert_int_eq(vad_device_get_sriov_numvfs(vad_device_get(m.ctx, 0)), -ENOENT);
	ck_assert_int_eq(vad_device_get_vf_index(vad_device_get(m.ctx, 3)), 3);
	/* A VF is a VF by its physfn link, even when its number cannot be found. */
	ck_assert_int_eq(vad_device_get_sriov_role(vad_device_get(m.ctx, 4)), VAD_SRIOV_VF);
	ck_assert_int_eq(vad_device_get_vf_index(vad_device_get(m.ctx, 4)), -ENOENT);
	ck_assert_str_eq(vad_device_get_pf_slot(vad_device_get(m.ctx, 4)), "0000:00:02.0");
	leave();
}
END_TEST

/* Every attribute of every function of the SR-IOV host replaced by junk, links broken: the
 * scan still lists every node, and selection gives every device a verdict and a reason. */
START_TEST(garbage_everywhere)
{
	static const char *const junk[] = {
		"", "\n", "0x", "0x10000\n", "-1\n", "0xFFFFFFFFFFFFFFFF\n", "8086\n", " 0x8086\n",
		"0x8086\n\n\n", "\377\376\375", "99999999999999999999\n", "1 2 3\n",
	};
	char dir[PATH_MAX + 64], p[2 * PATH_MAX + 64];
	unsigned int n = 0;

	enter("adl-sriov-host");
	for (int fn = 0; fn < 8; fn++) {
		DIR *d;
		struct dirent *de;

		snprintf(dir, sizeof(dir), "%s/sys/devices/pci0000:00/0000:00:02.%d", m.topo_dir, fn);
		d = opendir(dir);
		ck_assert_ptr_nonnull(d);
		while ((de = readdir(d))) {
			struct stat st;

			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			ck_assert_int_eq(lstat(p, &st), 0);
			if (S_ISREG(st.st_mode)) {
				FILE *f = fopen(p, "w");

				ck_assert_ptr_nonnull(f);
				fputs(junk[n++ % (sizeof(junk) / sizeof(junk[0]))], f);
				if (n % 5 == 0)
					fwrite("\0x", 1, 2, f);	/* a NUL inside */
				fclose(f);
			} else if (S_ISLNK(st.st_mode) && strcmp(de->d_name, "drm") != 0) {
				/* driver, subsystem, physfn, virtfnN: dangling or pointing at junk. */
				ck_assert_int_eq(unlink(p), 0);
				ck_assert_int_eq(symlink(n++ % 2 ? "../nowhere" : "/", p), 0);
			}
		}
		closedir(d);
	}
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	for (size_t i = 0; i < 8; i++) {
		struct vad_device *d = vad_device_get(m.ctx, i);
		int v = vad_device_get_vendor_id(d);

		ck_assert_msg(v == -EINVAL || v == -ENOENT || (v >= 0 && v <= 0xffff), "%d", v);
		/* A VF by its (now junk) physfn link, but neither its PF nor its number. */
		if (i > 0) {
			ck_assert_int_eq(vad_device_get_sriov_role(d), VAD_SRIOV_VF);
			ck_assert_ptr_null(vad_device_get_pf_slot(d));
			ck_assert_int_eq(vad_device_get_vf_index(d), -ENOENT);
		}
	}
	struct vad_device *out = NULL;
	struct vad_spec *spec = NULL;
	ck_assert_int_eq(vad_spec_new(&spec, "vendor=0x8086,role=vf,vf=2", NULL, 0), 0);
	ck_assert_int_eq(vad_select(m.ctx, spec, VAD_SELECT_ALL, &out), -ENODEV);
	for (size_t i = 0; i < 8; i++) {
		struct vad_device *d = vad_device_get(m.ctx, i);

		ck_assert_int_eq(vad_device_get_verdict(d), VAD_VERDICT_FILTERED);
		ck_assert_ptr_nonnull(vad_device_get_reason(d));
	}
	vad_spec_free(spec);
	leave();
}
END_TEST

START_TEST(missing_sysfs_entry)
{
	enter("intel-nvidia");
	/* /sys/dev/char/226:129 is gone: the node is still listed, without facts. */
	remove_rel("sys/dev/char/226:129");
	ck_assert_int_eq(vad_scan(m.ctx), 3);
	struct vad_device *d = dev_by_node("/dev/dri/renderD129");
	ck_assert_ptr_null(vad_device_get_sysfs_path(d));
	ck_assert_ptr_null(vad_device_get_pci_slot(d));
	ck_assert_int_eq(vad_device_get_vendor_id(d), -ENOENT);
	ck_assert_ptr_null(vad_device_get_kernel_driver(d));
	ck_assert_int_eq(vad_device_get_bus(d), VAD_BUS_UNKNOWN);
	/* Without a sysfs path it cannot be grouped with card1: that is a device of its own,
	 * and card1 alone stands for 0000:00:02.0, after every render node. */
	ck_assert_ptr_null(vad_device_get_card_node(d));
	ck_assert_ptr_eq(vad_device_get(m.ctx, 1), d);
	struct vad_device *card1 = vad_device_get(m.ctx, 2);
	ck_assert_str_eq(vad_device_get_node(card1), "/dev/dri/card1");
	ck_assert_str_eq(vad_device_get_pci_slot(card1), "0000:00:02.0");
	leave();
}
END_TEST

START_TEST(foreign_entries)
{
	char p[PATH_MAX + 64];
	FILE *f;

	enter("amd");
	/* What else can sit in /dev/dri: a plain file, a directory, a dangling symlink, a
	 * second name for a node. None is a device of its own. */
	snprintf(p, sizeof(p), "%s/dev/dri/README", m.topo_dir);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a node\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/dev/dri/subdir", m.topo_dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/dev/dri/dangling", m.topo_dir);
	ck_assert_int_eq(symlink("nowhere", p), 0);
	snprintf(p, sizeof(p), "%s/dev/dri/gpu-render", m.topo_dir);
	ck_assert_int_eq(symlink("renderD128", p), 0);
	snprintf(p, sizeof(p), "%s/dev/dri/a", m.topo_dir);
	ck_assert_int_eq(symlink("renderD128", p), 0);
	snprintf(p, sizeof(p), "%s/dev/dri/zz", m.topo_dir);
	ck_assert_int_eq(symlink("card0", p), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	struct vad_device *d = vad_device_get(m.ctx, 0);
	ck_assert_str_eq(vad_device_get_card_node(d), "/dev/dri/card0");
	/* The node's own name, not the alias, whatever readdir's order. */
	ck_assert_str_eq(vad_device_get_render_node(d), "/dev/dri/renderD128");
	ck_assert_uint_eq(vad_device_get_render_rdev(d), makedev(226, 128));
	leave();
}
END_TEST

START_TEST(vanished_before_scan)
{
	struct th_opts o = { .vanish = "renderD128,card0" };

	enter_opts("intel-nvidia", &o);
	/* Listed by readdir, gone at stat: dropped. */
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	ck_assert_str_eq(vad_device_get_node(vad_device_get(m.ctx, 0)), "/dev/dri/renderD129");
	leave();
}
END_TEST

START_TEST(access_denied)
{
	struct th_opts o = { .deny = "renderD128" };

	enter_opts("intel-nvidia", &o);
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	ck_assert_int_eq(vad_device_get_access(vad_device_get(m.ctx, 0)), -EACCES);
	ck_assert_int_eq(vad_device_get_access(vad_device_get(m.ctx, 1)), 0);
	leave();
}
END_TEST

START_TEST(rescan_and_fds)
{
	enter("adl-sriov-host");
	int before = tl_count_fds();
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(tl_count_fds(), before);
	ck_assert_str_eq(vad_device_get_node(vad_device_get(m.ctx, 7)), "/dev/dri/renderD135");
	leave();
}
END_TEST

struct log_capture {
	char text[8192];
	int count;
	int max_seen;
};

static void capture_log(struct vad_context *c, enum vad_log_priority priority, void *userdata,
			const char *format, va_list args)
{
	struct log_capture *cap = userdata;
	size_t used = strlen(cap->text);

	ck_assert_ptr_eq(c, m.ctx);
	cap->count++;
	if ((int)priority > cap->max_seen)
		cap->max_seen = (int)priority;
	vsnprintf(cap->text + used, sizeof(cap->text) - used, format, args);
	used = strlen(cap->text);
	if (used + 1 < sizeof(cap->text)) {
		cap->text[used] = '\n';
		cap->text[used + 1] = '\0';
	}
}

START_TEST(log_function)
{
	struct th_opts o = { .vanish = "renderD128" };
	struct log_capture cap = { .text = "" };

	enter_opts("intel-nvidia", &o);
	/* At the default maximum (ERROR) a scan has nothing to say. */
	vad_set_log_fn(m.ctx, capture_log, VAD_LOG_ERROR, &cap);
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	ck_assert_int_eq(cap.count, 0);

	vad_set_log_fn(m.ctx, capture_log, VAD_LOG_DEBUG, &cap);
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	ck_assert_int_gt(cap.count, 0);
	ck_assert_int_eq(cap.max_seen, VAD_LOG_DEBUG);
	ck_assert_msg(strstr(cap.text, "/dev/dri/renderD128: vanished after listing: No such file "
			     "or directory, dropped\n"), "log: %s", cap.text);
	/* card0 still stands for the NVIDIA device; without a render node it comes last. */
	ck_assert_str_eq(vad_device_get_node(vad_device_get(m.ctx, 0)), "/dev/dri/renderD129");
	ck_assert_str_eq(vad_device_get_node(vad_device_get(m.ctx, 1)), "/dev/dri/card0");
	ck_assert_int_eq(vad_device_get_vendor_id(vad_device_get(m.ctx, 1)), 0x10de);

	vad_set_log_fn(m.ctx, NULL, VAD_LOG_DEBUG, NULL);
	cap.count = 0;
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	ck_assert_int_eq(cap.count, 0);
	leave();
}
END_TEST

/* /dev/dri that cannot be listed to the end: the scan fails and says why, rather than
 * give the devices listed before the error as all there are. */
START_TEST(readdir_error)
{
	struct log_capture cap = { .text = "" };

	enter("adl-sriov-host");
	vad_set_log_fn(m.ctx, capture_log, VAD_LOG_ERROR, &cap);
	setenv("FAKEGPU_READDIR_EIO", "renderD130", 1);
	ck_assert_int_eq(vad_scan(m.ctx), -EIO);
	ck_assert_uint_eq(vad_device_count(m.ctx), 0);
	ck_assert_int_eq(cap.count, 1);
	ck_assert_str_eq(cap.text, "/dev/dri: cannot list it to the end: Input/output error\n");
	unsetenv("FAKEGPU_READDIR_EIO");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(cap.count, 1);
	vad_set_log_fn(m.ctx, NULL, VAD_LOG_ERROR, NULL);
	leave();
}
END_TEST

/* vad_device_find(): a node by its device number, whatever its name. */
/* One node alone: its device, identified by device number, with that node only, and
 * nothing of the others; the errors of vad_scan_node(). */
START_TEST(scan_node)
{
	struct vad_device *d;
	char p[PATH_MAX + 64];

	enter("adl-sriov-host");
	ck_assert_int_eq(vad_scan_node(m.ctx, "/dev/dri/renderD129"), 1);
	ck_assert_uint_eq(vad_device_count(m.ctx), 1);
	d = vad_device_get(m.ctx, 0);
	ck_assert_str_eq(vad_device_get_node(d), "/dev/dri/renderD129");
	ck_assert_ptr_null(vad_device_get_card_node(d));	/* the sibling is not looked for */
	ck_assert_int_eq(vad_device_get_access(d), 0);
	ck_assert_str_eq(vad_device_get_pci_slot(d), "0000:00:02.1");
	ck_assert_int_eq(vad_device_get_sriov_role(d), VAD_SRIOV_VF);
	ck_assert_int_eq(vad_device_get_vf_index(d), 1);
	ck_assert_uint_eq(vad_function_count(m.ctx), 0);
	/* A card node alone is a device too; a second name finds the node it names. */
	ck_assert_int_eq(vad_scan_node(m.ctx, "/dev/dri/card0"), 1);
	ck_assert_str_eq(vad_device_get_pci_slot(vad_device_get(m.ctx, 0)), "0000:00:02.0");
	snprintf(p, sizeof(p), "%s/dev/dri/gpu", m.topo_dir);
	ck_assert_int_eq(symlink("renderD131", p), 0);
	ck_assert_int_eq(vad_scan_node(m.ctx, "/dev/dri/gpu"), 1);
	ck_assert_str_eq(vad_device_get_pci_slot(vad_device_get(m.ctx, 0)), "0000:00:02.3");
	/* vad_scan() replaces it. */
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	/* Errors: no devices after them. */
	ck_assert_int_eq(vad_scan_node(m.ctx, "/dev/dri/renderD200"), -ENOENT);
	ck_assert_uint_eq(vad_device_count(m.ctx), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_scan_node(m.ctx, "/dev/null"), -ENODEV);
	ck_assert_uint_eq(vad_device_count(m.ctx), 0);
	ck_assert_int_eq(vad_scan_node(m.ctx, "/dev/dri"), -ENODEV);
	ck_assert_int_eq(vad_scan_node(m.ctx, NULL), -EINVAL);
	leave();
}
END_TEST

/* A VF given to a VM has no node: a whole scan lists it as a function, one node alone
 * cannot tell. */
START_TEST(scan_node_functions)
{
	enter("adl-sriov-vfio");
	ck_assert_int_eq(vad_scan_node(m.ctx, "/dev/dri/renderD128"), 1);
	ck_assert_uint_eq(vad_function_count(m.ctx), 0);
	ck_assert_int_gt(vad_scan(m.ctx), 1);
	ck_assert_uint_eq(vad_function_count(m.ctx), 1);
	leave();
}
END_TEST

/* In a container whose renderD128 is the host's renderD132: the kernel's device. */
START_TEST(scan_node_renamed)
{
	enter("adl-sriov-lxc-vf4-remapped");
	ck_assert_int_eq(vad_scan_node(m.ctx, "/dev/dri/renderD128"), 1);
	struct vad_device *d = vad_device_get(m.ctx, 0);
	ck_assert_str_eq(vad_device_get_render_node(d), "/dev/dri/renderD128");
	ck_assert_uint_eq(vad_device_get_render_rdev(d), makedev(226, 132));
	ck_assert_str_eq(vad_device_get_pci_slot(d), "0000:00:02.4");
	ck_assert_int_eq(vad_device_get_vf_index(d), 4);
	leave();
}
END_TEST

START_TEST(device_find)
{
	struct vad_device *d = (struct vad_device *)&m, *found = NULL;
	char p[PATH_MAX + 64], line[256];
	unsigned int minor;
	FILE *f;

	enter("adl-sriov-lxc-vf4-remapped");
	/* Before a scan no device has the node. */
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD128", &d), -ENXIO);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	d = vad_device_get(m.ctx, 0);

	/* renderD128 and card0 here are the host's renderD132 and card4: both find VF 4,
	 * and so does a second name for the node. */
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD128", &found), 0);
	ck_assert_ptr_eq(found, d);
	found = NULL;
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/card0", &found), 0);
	ck_assert_ptr_eq(found, d);
	snprintf(p, sizeof(p), "%s/dev/dri/gpu", m.topo_dir);
	ck_assert_int_eq(symlink("renderD128", p), 0);
	found = NULL;
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/gpu", &found), 0);
	ck_assert_ptr_eq(found, d);

	/* Not a DRM node: a character device of another major, a directory. */
	found = d;
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/null", &found), -ENODEV);
	ck_assert_ptr_null(found);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri", &found), -ENODEV);

	/* No such file: stat()'s errno. */
	found = d;
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD200", &found), -ENOENT);
	ck_assert_ptr_null(found);

	/* A node of another device: the host's renderD131 (VF 3), which appeared after the
	 * scan, under a name of its own. */
	snprintf(p, sizeof(p), "%s/dev/dri/renderD128", m.topo_dir);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_int_eq(sscanf(line, "226:%u", &minor), 1);
	ck_assert_uint_eq(minor, 132);
	line[6] = '1';	/* 226:132 -> 226:131 */
	snprintf(p, sizeof(p), "%s/dev/dri/renderD131", m.topo_dir);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(line, f);
	fclose(f);
	struct stat st;
	ck_assert_int_eq(stat("/dev/dri/renderD131", &st), 0);
	ck_assert_uint_eq(st.st_rdev, makedev(226, 131));
	found = d;
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD131", &found), -ENXIO);
	ck_assert_ptr_null(found);

	/* Arguments. */
	ck_assert_int_eq(vad_device_find(NULL, "/dev/dri/renderD128", &found), -EINVAL);
	ck_assert_int_eq(vad_device_find(m.ctx, NULL, &found), -EINVAL);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD128", NULL), -EINVAL);
	leave();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc;

	tc = test_case(s, "topologies");
	tcase_add_test(tc, sriov_host);
	tcase_add_test(tc, lxc_vf4);
	tcase_add_test(tc, lxc_vf4_remapped);
	tcase_add_test(tc, intel_nvidia);
	tcase_add_test(tc, many_nodes);
	tcase_add_test(tc, xe_sriov);
	tcase_add_test(tc, required_va_driver);
	tcase_add_test(tc, non_pci);
	tcase_add_test(tc, card_render_disagree);
	tcase_add_test(tc, sriov_vf_on_vfio);
	tcase_add_test(tc, functions_without_nodes);
	tcase_add_test(tc, vm_guest);
	tcase_add_test(tc, empty);

	tc = test_case(s, "malformed");
	tcase_add_test(tc, malformed_ids);
	tcase_add_test(tc, malformed_long_attribute);
	tcase_add_test(tc, malformed_sriov);
	tcase_add_test(tc, missing_sysfs_entry);
	tcase_add_test(tc, garbage_everywhere);

	tc = test_case(s, "nodes");
	tcase_add_test(tc, foreign_entries);
	tcase_add_test(tc, vanished_before_scan);
	tcase_add_test(tc, access_denied);
	tcase_add_test(tc, rescan_and_fds);
	tcase_add_test(tc, log_function);
	tcase_add_test(tc, readdir_error);
	tcase_add_test(tc, device_find);
	tcase_add_test(tc, scan_node);
	tcase_add_test(tc, scan_node_renamed);
	tcase_add_test(tc, scan_node_functions);
	return s;
}
