/*
 * The header as a contract: every error value vadiscover.h documents for a public
 * function, produced by the input that documents it, on simulated machines
 * (tests/harness) with real libva and the fake VA driver; the "none" value of every
 * getter; what a log function sees at VAD_LOG_ERROR, and that a log function that changes
 * errno changes no result.
 *
 * -ENOMEM has no case here: nothing in the suite can make an allocation fail.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

static struct vad_device *dev_at(size_t i)
{
	struct vad_device *d = vad_device_get(m.ctx, i);

	ck_assert_ptr_nonnull(d);
	return d;
}

/* A path in the topology's directory. */
static const char *topo_path(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", m.topo_dir, rel);
	return buf;
}

/* Replace the sysfs attribute @rel (under the topology's sys/devices) by a directory: it
 * exists, and reading it fails (EISDIR), whoever runs the test. */
static void make_unreadable(const char *rel)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/sys/devices/%s", m.topo_dir, rel);
	ck_assert_msg(unlink(p) == 0, "%s: %s", p, strerror(errno));
	ck_assert_msg(mkdir(p, 0755) == 0, "%s: %s", p, strerror(errno));
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* The probe modes every probe failure is checked in, the cache off: an answer must come
 * from the probe itself. */
/* The directory of the tests' broken libva (tests/broken-libva.c, a fixture of this program)
 * into @dir. */
static void broken_libva_dir(char *dir, size_t len)
{
	snprintf(dir, len, "%s/tests/broken-libva", th_builddir());
}

/* What the library says of that file: a libva.so.2 without libva's functions (without the
 * fixture it would say it cannot load it). */
static const char *broken_libva_refusal(char *buf, size_t len)
{
	snprintf(buf, len, "%s/tests/broken-libva/libva.so.2 is not a usable libva: it lacks ",
		 th_builddir());
	return buf;
}

/* @error is that refusal. */
#define assert_broken_libva(error)                                                        \
	do {                                                                              \
		char want_[PATH_MAX + 64];                                                \
		const char *error_ = (error);                                             \
		ck_assert_ptr_nonnull(error_);                                            \
		ck_assert_msg(strstr(error_, broken_libva_refusal(want_, sizeof(want_))), \
			      "expected \"%s\" in the libva error:\n%s", want_, error_);      \
	} while (0)

static const unsigned int modes[] = { VAD_PROBE_IN_PROCESS, VAD_PROBE_ISOLATED };

/* ------------------------------------------------------------------------------------ */
/* NULL arguments */

START_TEST(null_context)
{
	struct vad_device *out = (struct vad_device *)&out;
	char buf[64] = "x";

	/* No topology: nothing here may look at a machine. */
	ck_assert_int_eq(vad_new(NULL), -EINVAL);
	ck_assert_ptr_null(vad_ref(NULL));
	ck_assert_ptr_null(vad_unref(NULL));
	vad_set_log_fn(NULL, NULL, VAD_LOG_DEBUG, NULL);
	ck_assert_int_eq(vad_scan(NULL), -EINVAL);
	ck_assert_int_eq(vad_scan_node(NULL, "/dev/dri/renderD128"), -EINVAL);
	ck_assert_uint_eq(vad_device_count(NULL), 0);
	ck_assert_ptr_null(vad_device_get(NULL, 0));
	ck_assert_uint_eq(vad_function_count(NULL), 0);
	ck_assert_ptr_null(vad_function_get(NULL, 0));
	ck_assert_int_eq(vad_set_libva_dir(NULL, "/usr/lib"), -EINVAL);
	ck_assert_int_eq(vad_set_libva_program(NULL, "/bin/sh"), -EINVAL);
	ck_assert_int_eq(vad_libva_load(NULL), -EINVAL);
	ck_assert_ptr_null(vad_get_libva_path(NULL));
	ck_assert_int_eq(vad_get_libva_version(NULL), -ENOENT);
	ck_assert_ptr_null(vad_get_libva_error(NULL));
	ck_assert_int_eq(vad_device_probe(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(vad_device_find_va_driver_file(NULL, NULL, NULL, buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_str_eq(buf, "x");	/* -EINVAL: not touched */
	ck_assert_int_eq(vad_set_probe_mode(NULL, VAD_PROBE_DEFAULT), -EINVAL);
	ck_assert_uint_eq(vad_get_probe_mode(NULL), 0);
	ck_assert_int_eq(vad_set_probe_helper(NULL, "/usr/bin/true"), -EINVAL);
	ck_assert_int_eq(vad_set_probe_helper_beside_program(NULL), -EINVAL);
	ck_assert_int_eq(vad_device_find(NULL, "/dev/dri/renderD128", &out), -EINVAL);
	ck_assert_ptr_null(out);
	out = (struct vad_device *)&out;
	ck_assert_int_eq(vad_select(NULL, NULL, 0, &out), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(vad_select(NULL, NULL, 0, NULL), -EINVAL);
}
END_TEST

START_TEST(null_device)
{
	char buf[64] = "x";

	enter("intel-nvidia");
	ck_assert_int_eq(vad_scan(m.ctx), 2);
	ck_assert_int_eq(vad_device_probe(m.ctx, NULL, NULL), -EINVAL);
	ck_assert_int_eq(vad_device_probe(NULL, dev_at(0), NULL), -EINVAL);
	ck_assert(!vad_device_is_probed(dev_at(0)));
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, NULL, NULL, buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, dev_at(1), NULL, NULL, 64),
			 -EINVAL);
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, dev_at(1), NULL, buf, 0),
			 -EINVAL);
	ck_assert_str_eq(buf, "x");
	ck_assert(!vad_device_is_cached(NULL));
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* vad_scan() and the facts' "none" values */

START_TEST(scan_counts)
{
	enter("empty");
	ck_assert_uint_eq(vad_device_count(m.ctx), 0);	/* before any scan */
	ck_assert_ptr_null(vad_device_get(m.ctx, 0));
	ck_assert_int_eq(vad_scan(m.ctx), 0);		/* no /dev/dri */
	ck_assert_ptr_null(vad_device_get(m.ctx, 0));
	ck_assert_uint_eq(vad_function_count(m.ctx), 0);
	ck_assert_ptr_null(vad_function_get(m.ctx, 0));
	leave();

	enter("adl-sriov-host");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_ptr_nonnull(vad_device_get(m.ctx, 7));
	ck_assert_ptr_null(vad_device_get(m.ctx, 8));
	ck_assert_ptr_null(vad_device_get(m.ctx, (size_t)-1));
	leave();
}
END_TEST

/* A platform device (simpledrm), a card node without a render node: every PCI and SR-IOV
 * getter gives its "none". */
START_TEST(facts_none_values)
{
	enter("non-pci");
	int n = vad_scan(m.ctx);
	struct vad_device *sd = NULL;

	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++)
		if (vad_device_get_kernel_driver(dev_at((size_t)i)) &&
		    strcmp(vad_device_get_kernel_driver(dev_at((size_t)i)), "simple-framebuffer") == 0)
			sd = dev_at((size_t)i);
	ck_assert_ptr_nonnull(sd);
	ck_assert_ptr_null(vad_device_get_render_node(sd));
	ck_assert_uint_eq(vad_device_get_render_rdev(sd), 0);
	ck_assert_ptr_nonnull(vad_device_get_card_node(sd));
	ck_assert_str_eq(vad_device_get_node(sd), vad_device_get_card_node(sd));
	ck_assert_int_eq(vad_device_get_bus(sd), VAD_BUS_PLATFORM);
	ck_assert_ptr_null(vad_device_get_pci_slot(sd));
	ck_assert_int_eq(vad_device_get_vendor_id(sd), -ENOENT);
	ck_assert_int_eq(vad_device_get_device_id(sd), -ENOENT);
	ck_assert_int_eq(vad_device_get_subsystem_vendor_id(sd), -ENOENT);
	ck_assert_int_eq(vad_device_get_subsystem_device_id(sd), -ENOENT);
	ck_assert_int_eq(vad_device_get_revision(sd), -ENOENT);
	ck_assert_int_eq(vad_device_get_boot_vga(sd), -ENOENT);
	ck_assert_int_eq(vad_device_get_sriov_role(sd), VAD_SRIOV_NONE);
	ck_assert_int_eq(vad_device_get_vf_index(sd), -ENOENT);
	ck_assert_ptr_null(vad_device_get_pf_slot(sd));
	ck_assert_int_eq(vad_device_get_sriov_numvfs(sd), -ENOENT);
	ck_assert_int_eq(vad_device_get_sriov_totalvfs(sd), -ENOENT);
	/* The VA and selection getters before any probe or selection. */
	ck_assert(!vad_device_is_probed(sd));
	ck_assert(!vad_device_is_cached(sd));
	ck_assert_int_eq(vad_device_get_va_status(sd), -EAGAIN);
	ck_assert_int_eq(vad_device_get_va_version(sd), -EAGAIN);
	ck_assert_ptr_null(vad_device_get_va_vendor(sd));
	ck_assert_ptr_null(vad_device_get_va_driver(sd));
	ck_assert_ptr_null(vad_device_get_va_error(sd));
	ck_assert_uint_eq(vad_device_get_decode(sd), 0);
	ck_assert_uint_eq(vad_device_get_encode(sd), 0);
	ck_assert(!vad_device_get_vpp(sd));
	ck_assert_int_eq(vad_device_get_verdict(sd), VAD_VERDICT_NONE);
	ck_assert_ptr_null(vad_device_get_reason(sd));
	ck_assert_ptr_null(vad_device_get_filter_key(sd));
	ck_assert_ptr_null(vad_device_get_required_va_driver(sd));
	leave();
}
END_TEST

/* No /sys/dev/char entry for a node: no sysfs path, and every fact its "none". */
START_TEST(facts_without_sysfs)
{
	char p[PATH_MAX + 64];

	enter("intel-nvidia");
	ck_assert_int_eq(unlink(topo_path(p, sizeof(p), "sys/dev/char/226:129")), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 3);
	struct vad_device *d = dev_at(1);
	ck_assert_str_eq(vad_device_get_node(d), "/dev/dri/renderD129");
	ck_assert_ptr_null(vad_device_get_sysfs_path(d));
	ck_assert_int_eq(vad_device_get_bus(d), VAD_BUS_UNKNOWN);
	ck_assert_ptr_null(vad_device_get_kernel_driver(d));
	ck_assert_int_eq(vad_device_get_vendor_id(d), -ENOENT);
	ck_assert_int_eq(vad_device_get_boot_vga(d), -ENOENT);
	ck_assert_int_eq(vad_device_get_sriov_role(d), VAD_SRIOV_NONE);
	leave();
}
END_TEST

/* An attribute that exists but cannot be read is -EINVAL, as a malformed one. */
START_TEST(facts_unreadable)
{
	enter("adl-sriov-host");
	make_unreadable("pci0000:00/0000:00:02.0/vendor");
	make_unreadable("pci0000:00/0000:00:02.0/revision");
	make_unreadable("pci0000:00/0000:00:02.0/boot_vga");
	make_unreadable("pci0000:00/0000:00:02.0/sriov_numvfs");
	make_unreadable("pci0000:00/0000:00:02.1/device");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	struct vad_device *pf = dev_at(0);
	ck_assert_int_eq(vad_device_get_vendor_id(pf), -EINVAL);
	ck_assert_int_eq(vad_device_get_revision(pf), -EINVAL);
	ck_assert_int_eq(vad_device_get_device_id(pf), 0x4692);
	ck_assert_int_eq(vad_device_get_boot_vga(pf), -EINVAL);
	ck_assert_int_eq(vad_device_get_sriov_role(pf), VAD_SRIOV_PF);
	ck_assert_int_eq(vad_device_get_sriov_numvfs(pf), -EINVAL);
	ck_assert_int_eq(vad_device_get_sriov_totalvfs(pf), 7);
	ck_assert_int_eq(vad_device_get_device_id(dev_at(1)), -EINVAL);
	leave();
}
END_TEST

START_TEST(facts_malformed)
{
	char p[PATH_MAX + 64];

	enter("adl-sriov-host");
	write_file(topo_path(p, sizeof(p), "sys/devices/pci0000:00/0000:00:02.0/boot_vga"),
		   "2\n", 0444);
	write_file(topo_path(p, sizeof(p), "sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs"),
		   "seven\n", 0444);
	write_file(topo_path(p, sizeof(p), "sys/devices/pci0000:00/0000:00:02.0/subsystem_vendor"),
		   "0x18490\n", 0444);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_get_boot_vga(dev_at(0)), -EINVAL);
	ck_assert_int_eq(vad_device_get_sriov_numvfs(dev_at(0)), -EINVAL);
	ck_assert_int_eq(vad_device_get_subsystem_vendor_id(dev_at(0)), -EINVAL);
	/* A VF: the PF getters are -ENOENT, whatever its attributes. */
	ck_assert_int_eq(vad_device_get_sriov_numvfs(dev_at(2)), -ENOENT);
	ck_assert_int_eq(vad_device_get_sriov_totalvfs(dev_at(2)), -ENOENT);
	leave();
}
END_TEST

START_TEST(access_errors)
{
	struct th_opts o = { .deny = "renderD128,renderD129:EPERM" };

	enter_opts("adl-sriov-host", &o);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_get_access(dev_at(0)), -EACCES);
	ck_assert_int_eq(vad_device_get_access(dev_at(1)), -EPERM);
	ck_assert_int_eq(vad_device_get_access(dev_at(2)), 0);
	leave();
}
END_TEST

/* The functions without DRM nodes: what never is NULL, and what may be. */
START_TEST(device_find_errors)
{
	struct vad_device *out = (struct vad_device *)&out;
	char name[PATH_MAX + 64];

	enter("amd");
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD128", &out), -ENXIO);
	ck_assert_ptr_null(out);	/* not scanned yet */
	ck_assert_int_eq(vad_scan(m.ctx), 1);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD128", &out), 0);
	ck_assert_ptr_eq(out, dev_at(0));
	ck_assert_int_eq(vad_device_find(m.ctx, NULL, &out), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD128", NULL), -EINVAL);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/renderD200", &out), -ENOENT);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/null/renderD128", &out), -ENOTDIR);
	memset(name, 'a', PATH_MAX + 1);
	name[0] = '/';
	name[PATH_MAX + 1] = '\0';
	ck_assert_int_eq(vad_device_find(m.ctx, name, &out), -ENAMETOOLONG);
	snprintf(name, sizeof(name), "%s/dev/dri/loop", m.topo_dir);
	ck_assert_int_eq(symlink("loop", name), 0);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri/loop", &out), -ELOOP);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/null", &out), -ENODEV);
	ck_assert_int_eq(vad_device_find(m.ctx, "/dev/dri", &out), -ENODEV);
	ck_assert_ptr_null(out);
	leave();
}
END_TEST

START_TEST(function_getters)
{
	enter("adl-sriov-vfio");
	ck_assert_int_gt(vad_scan(m.ctx), 0);
	ck_assert_uint_eq(vad_function_count(m.ctx), 1);
	const struct vad_function *fn = vad_function_get(m.ctx, 0);
	ck_assert_ptr_nonnull(fn);
	ck_assert_ptr_null(vad_function_get(m.ctx, 1));
	ck_assert_str_eq(vad_function_get_pci_slot(fn), "0000:00:02.3");
	ck_assert_str_eq(vad_function_get_sysfs_path(fn), "/sys/devices/pci0000:00/0000:00:02.3");
	ck_assert_str_eq(vad_function_get_pf_slot(fn), "0000:00:02.0");
	ck_assert_int_eq(vad_function_get_vf_index(fn), 3);
	ck_assert_int_eq(vad_function_get_vendor_id(fn), 0x8086);
	ck_assert_str_eq(vad_function_get_kernel_driver(fn), "vfio-pci");
	ck_assert_ptr_null(vad_function_get_host_nodes(fn));
	ck_assert_str_eq(vad_function_get_reason(fn), "vfio-pci: passed to a VM");
	leave();

	enter("adl-sriov-unbound");
	ck_assert_int_gt(vad_scan(m.ctx), 0);
	ck_assert_uint_eq(vad_function_count(m.ctx), 7);
	for (size_t i = 0; i < 7; i++) {
		fn = vad_function_get(m.ctx, i);
		ck_assert_ptr_null(vad_function_get_kernel_driver(fn));
		ck_assert_int_eq(vad_function_get_vf_index(fn), (int)i + 1);
		ck_assert_ptr_nonnull(vad_function_get_reason(fn));
	}
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* libva */

START_TEST(libva_dir_errors)
{
	char dir[PATH_MAX + 16];

	enter("adl-sriov-host");
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, "lib"), -EINVAL);
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, ""), -EINVAL);
	/* A directory without libva: -ELIBACC, no path, no version, an error. */
	topo_path(dir, sizeof(dir), "nolib");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
	ck_assert_ptr_null(vad_get_libva_error(m.ctx));
	ck_assert_int_eq(vad_libva_load(m.ctx), -ELIBACC);
	ck_assert_ptr_null(vad_get_libva_path(m.ctx));
	ck_assert_int_eq(vad_get_libva_version(m.ctx), -ENOENT);
	ck_assert_ptr_nonnull(vad_get_libva_error(m.ctx));
	/* The error lasts until vad_set_libva_dir() (or vad_scan()). */
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, "relative"), -EINVAL);
	ck_assert_ptr_nonnull(vad_get_libva_error(m.ctx));
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, NULL), 0);
	ck_assert_ptr_null(vad_get_libva_error(m.ctx));
	ck_assert_int_eq(vad_libva_load(m.ctx), 0);
	ck_assert_ptr_nonnull(vad_get_libva_path(m.ctx));
	ck_assert_int_gt(vad_get_libva_version(m.ctx), 200);
	leave();
}
END_TEST

START_TEST(libva_program_errors)
{
	char p[PATH_MAX + 64];

	enter("empty");
	ck_assert_int_eq(vad_set_libva_program(m.ctx, NULL), -EINVAL);
	ck_assert_int_eq(vad_set_libva_program(m.ctx, topo_path(p, sizeof(p), "no-such")),
			 -ENOENT);
	ck_assert_int_eq(vad_set_libva_program(m.ctx, m.topo_dir), -ENOEXEC);
	write_file(topo_path(p, sizeof(p), "script"), "#!/bin/sh\nexec ffmpeg \"$@\"\n", 0755);
	ck_assert_int_eq(vad_set_libva_program(m.ctx, p), -ENOEXEC);
	write_file(topo_path(p, sizeof(p), "short"), "\177ELF\002\001\001", 0755);
	ck_assert_int_eq(vad_set_libva_program(m.ctx, p), -ENOEXEC);
	/* On error the choice is unchanged: the system's libva still loads. */
	ck_assert_int_eq(vad_libva_load(m.ctx), 0);
	/* A real program: 0. */
	ck_assert_int_eq(vad_set_libva_program(m.ctx, "/bin/sh"), 0);
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* vad_device_probe() */

START_TEST(probe_bad_driver_name)
{
	char longname[300];

	enter("adl-sriov-host");
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	longname[256] = '\0';
	/* Probed once with the default: -EINVAL afterwards leaves that result as it was. */
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(1), NULL), 0);
	const char *bad[] = { "", "../../tmp/evil", "i HD", "iHD/", longname };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(1), bad[i]), -EINVAL);
		ck_assert_int_eq(vad_device_get_va_status(dev_at(1)), 0);
		ck_assert_str_eq(vad_device_get_va_driver(dev_at(1)), "iHD");
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(2), bad[i]), -EINVAL);
		ck_assert(!vad_device_is_probed(dev_at(2)));
	}
	ck_assert_int_eq(th_count_lines(m.count_file, "init"), 1);
	/* 255 bytes is a name: probed, and not installed. */
	longname[255] = '\0';
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(2), longname), -ENOPKG);
	leave();
}
END_TEST

/* The failures that are facts of the device, in this process and in the helper alike. */
START_TEST(probe_device_failures)
{
	static const char *const va[] = { "0000:00:02.1 fail", NULL };
	struct th_opts o = { .va_lines = va, .deny = "renderD130,renderD131:EPERM" };
	char p[PATH_MAX + 64];

	enter_opts("adl-sriov-host", &o);
	for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
		ck_assert_int_eq(vad_set_probe_mode(m.ctx, modes[k]), 0);
		ck_assert_int_eq(vad_scan(m.ctx), 8);
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(0), NULL), 0);
		ck_assert_ptr_null(vad_device_get_va_error(dev_at(0)));
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(1), NULL), -EIO);
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(2), NULL), -EACCES);
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(3), NULL), -EPERM);
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(4), "nosuch"), -ENOPKG);
		setenv("FAKEGPU_VANISH", "renderD133", 1);
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(5), NULL), -ENOENT);
		unsetenv("FAKEGPU_VANISH");
		for (size_t i = 1; i < 6; i++) {
			struct vad_device *d = dev_at(i);

			ck_assert_int_eq(vad_device_get_va_status(d), i == 1 ? -EIO
					 : i == 2 ? -EACCES : i == 3 ? -EPERM
					 : i == 4 ? -ENOPKG : -ENOENT);
			ck_assert_ptr_nonnull(vad_device_get_va_error(d));
			ck_assert_ptr_null(vad_device_get_va_vendor(d));
			ck_assert_ptr_null(vad_device_get_va_driver(d));
			ck_assert_int_eq(vad_device_get_va_version(d), -EAGAIN);
			ck_assert_uint_eq(vad_device_get_decode(d), 0);
			ck_assert(!vad_device_get_vpp(d));
		}
	}
	/* No display for a node sysfs does not know as a DRM node (libdrm asks sysfs). */
	ck_assert_int_eq(unlink(topo_path(p, sizeof(p), "sys/dev/char/226:134")), 0);
	for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
		ck_assert_int_eq(vad_set_probe_mode(m.ctx, modes[k]), 0);
		ck_assert_int_eq(vad_scan(m.ctx), 9);
		struct vad_device *d = NULL;
		for (size_t i = 0; i < 9; i++)
			if (strcmp(vad_device_get_node(dev_at(i)), "/dev/dri/renderD134") == 0)
				d = dev_at(i);
		ck_assert_ptr_nonnull(d);
		ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), -ENODEV);
		ck_assert_ptr_nonnull(vad_device_get_va_error(d));
	}
	leave();
}
END_TEST

START_TEST(probe_no_libva)
{
	char dir[PATH_MAX];

	enter("adl-sriov-host");
	broken_libva_dir(dir, sizeof(dir));
	for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
		ck_assert_int_eq(vad_set_probe_mode(m.ctx, modes[k] | VAD_PROBE_CACHE), 0);
		ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
		ck_assert_int_eq(vad_scan(m.ctx), 8);
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(0), NULL), -ELIBACC);
		ck_assert_str_eq(vad_device_get_va_error(dev_at(0)), vad_get_libva_error(m.ctx));
		assert_broken_libva(vad_get_libva_error(m.ctx));
		ck_assert(!vad_device_is_cached(dev_at(0)));
	}
	ck_assert_int_eq(th_count_lines(m.count_file, "init"), 0);
	leave();
}
END_TEST

/* What only the helper has: a crash, a hang, and the helper's own trouble. */
START_TEST(probe_helper_failures)
{
	static const char *const va[] = { "0000:00:02.1 crash", "0000:00:02.2 hang", NULL };

	enter_va("adl-sriov-host", va);
	setenv("VADISCOVER_PROBE_TIMEOUT", "1", 1);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(1), NULL), -EIO);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(2), NULL), -ETIMEDOUT);
	ck_assert_ptr_nonnull(vad_device_get_va_error(dev_at(2)));
	unsetenv("VADISCOVER_PROBE_TIMEOUT");

	/* A helper that answers nothing: -EIO, not a crash. */
	setenv("VADISCOVER_PROBE_HELPER", "/bin/true", 1);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(3), NULL), -EIO);
	ck_assert_msg(strstr(vad_device_get_va_error(dev_at(3)), "gave no valid result"), "%s",
		      vad_device_get_va_error(dev_at(3)));
	/* Missing, with isolation alone: -ENOEXEC. */
	setenv("VADISCOVER_PROBE_HELPER", "/nonexistent/vadiscover-probe", 1);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(4), NULL), -ENOEXEC);
	ck_assert_msg(strstr(vad_device_get_va_error(dev_at(4)), "not installed"), "%s",
		      vad_device_get_va_error(dev_at(4)));
	/* Missing, with in-process allowed: probed here. */
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED | VAD_PROBE_IN_PROCESS), 0);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(5), NULL), 0);
	leave();
}
END_TEST

/* A helper that is there but cannot be started, here for want of a descriptor for its
 * pipe: -ENOEXEC as any other failure to start it, not the bare errno, and not cached. */
START_TEST(probe_helper_cannot_start)
{
	struct rlimit old, rl;

	enter("adl-sriov-host");
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED | VAD_PROBE_CACHE), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_libva_load(m.ctx), 0);	/* loading libva needs descriptors */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	/* The limit at the lowest free descriptor number: no new descriptor at all. */
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	close(fd);
	rl = old;
	rl.rlim_cur = (rlim_t)fd;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	int r = vad_device_probe(m.ctx, dev_at(1), NULL);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_int_eq(r, -ENOEXEC);
	ck_assert_msg(strstr(vad_device_get_va_error(dev_at(1)), "cannot start the probe helper"),
		      "%s", vad_device_get_va_error(dev_at(1)));
	/* Not kept in the cache: a new context probes it for real. */
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(1), NULL), 0);
	ck_assert(!vad_device_is_cached(dev_at(1)));
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* vad_device_find_va_driver_file() */

START_TEST(find_driver_file_errors)
{
	char buf[PATH_MAX], p[PATH_MAX + 64], dir[PATH_MAX];

	enter("intel-nvidia");
	ck_assert_int_eq(unlink(topo_path(p, sizeof(p), "sys/dev/char/226:129")), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 3);
	struct vad_device *nv = dev_at(0), *nosys = dev_at(1);
	ck_assert_ptr_null(vad_device_get_kernel_driver(nosys));

	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, nv, "nvidia", buf, sizeof(buf)), 0);
	ck_assert_msg(strstr(buf, "/nvidia_drv_video.so"), "%s", buf);
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, nv, "nvidia", buf, 4), -ERANGE);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, nv, "nosuch", buf, sizeof(buf)),
			 -ENOENT);
	ck_assert_str_eq(buf, getenv("LIBVA_DRIVERS_PATH"));
	strcpy(buf, "x");
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, nv, "../nvidia", buf, sizeof(buf)),
			 -EINVAL);
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, nv, "", buf, sizeof(buf)), -EINVAL);
	ck_assert_str_eq(buf, "x");
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, nosys, NULL, buf, sizeof(buf)),
			 -ENODATA);
	ck_assert_str_eq(buf, "");

	/* Without LIBVA_DRIVERS_PATH the directory comes from libva: none usable, -ELIBACC. */
	unsetenv("LIBVA_DRIVERS_PATH");
	broken_libva_dir(dir, sizeof(dir));
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
	ck_assert_int_eq(vad_device_find_va_driver_file(m.ctx, nv, "nvidia", buf, sizeof(buf)),
			 -ELIBACC);
	ck_assert_str_eq(buf, "");
	assert_broken_libva(vad_get_libva_error(m.ctx));
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Probe mode and helper */

START_TEST(probe_mode_errors)
{
	enter("empty");
	ck_assert_uint_eq(vad_get_probe_mode(m.ctx), VAD_PROBE_DEFAULT);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, 0), -EINVAL);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_CACHE), -EINVAL);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_IN_PROCESS | (1u << 3)), -EINVAL);
	ck_assert_uint_eq(vad_get_probe_mode(m.ctx), VAD_PROBE_DEFAULT);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	ck_assert_uint_eq(vad_get_probe_mode(m.ctx), VAD_PROBE_ISOLATED);

	ck_assert_int_eq(vad_set_probe_helper(m.ctx, "vadiscover-probe"), -EINVAL);
	ck_assert_int_eq(vad_set_probe_helper(m.ctx, ""), -EINVAL);
	ck_assert_int_eq(vad_set_probe_helper(m.ctx, "/nonexistent/probe"), 0);	/* not looked at */
	ck_assert_int_eq(vad_set_probe_helper(m.ctx, NULL), 0);
	/* No vadiscover-probe beside this test program. */
	ck_assert_int_eq(vad_set_probe_helper_beside_program(m.ctx), -ENOENT);
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Specs */

START_TEST(spec_errors)
{
	struct vad_spec *s = (struct vad_spec *)&s;
	char err[256];
	static const char *const bad[] = {
		"vendr=8086", "vendor=8086,vendor=8086", "vendor", ",", "vendor=", "vendor=0x10000",
		"kernel_driver=i915|", "driver=i/HD", "pci=00:02", "role=both", "vf=0", "vf=0x2",
		"node=dev/dri/renderD128", "decode=h265", "encode=h264++hevc", "index=-1",
		"role=pf,vf=2",
	};

	strcpy(err, "untouched");
	ck_assert_int_eq(vad_spec_new(NULL, "vendor=8086", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "untouched");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = (struct vad_spec *)&s;
		err[0] = '\0';
		ck_assert_msg(vad_spec_new(&s, bad[i], err, sizeof(err)) == -EINVAL, "%s", bad[i]);
		ck_assert_ptr_null(s);
		ck_assert_msg(err[0], "no message for %s", bad[i]);
		ck_assert_int_eq(vad_spec_new(&s, bad[i], NULL, 0), -EINVAL);
	}
	ck_assert_int_eq(vad_spec_new(&s, "vendor=8086,role=vf", err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(vad_spec_to_string(s), "vendor=0x8086,role=vf");

	/* vad_spec_set: every error has a message, and leaves the spec as it was. */
	const char *set_bad[][2] = {
		{ NULL, "1" }, { "vendor", NULL }, { "vendr", "8086" }, { "vendor", "xyz" },
		{ "vf", "0" }, { "pci", "" },
	};
	for (size_t i = 0; i < sizeof(set_bad) / sizeof(set_bad[0]); i++) {
		err[0] = '\0';
		ck_assert_int_eq(vad_spec_set(s, set_bad[i][0], set_bad[i][1], err, sizeof(err)),
				 -EINVAL);
		ck_assert(err[0]);
	}
	ck_assert_int_eq(vad_spec_set(s, "vf", "2", err, sizeof(err)), 0);
	ck_assert_int_eq(vad_spec_set(s, "role", "none", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(vad_spec_to_string(s), "vendor=0x8086,role=vf,vf=2");
	err[0] = '\0';
	ck_assert_int_eq(vad_spec_set(NULL, "vendor", "8086", err, sizeof(err)), -EINVAL);
	ck_assert(err[0]);
	ck_assert_ptr_null(vad_spec_get_driver(s));
	ck_assert_int_eq(vad_spec_set(s, "driver", "iHD", NULL, 0), 0);
	ck_assert_str_eq(vad_spec_get_driver(s), "iHD");

	/* vad_spec_unset: a NULL spec or key, an unknown key; each with a message, the spec as
	 * it was. */
	err[0] = '\0';
	ck_assert_int_eq(vad_spec_unset(NULL, "vendor", err, sizeof(err)), -EINVAL);
	ck_assert(err[0]);
	err[0] = '\0';
	ck_assert_int_eq(vad_spec_unset(s, NULL, err, sizeof(err)), -EINVAL);
	ck_assert(err[0]);
	ck_assert_int_eq(vad_spec_unset(s, "vendr", err, sizeof(err)), -EINVAL);
	assert_contains(err, "unknown key 'vendr' (known: ");
	ck_assert_int_eq(vad_spec_unset(s, "vendr", NULL, 0), -EINVAL);
	ck_assert_str_eq(vad_spec_to_string(s), "vendor=0x8086,driver=iHD,role=vf,vf=2");
	vad_spec_free(s);

	ck_assert_ptr_null(vad_spec_get_driver(NULL));
	ck_assert_str_eq(vad_spec_to_string(NULL), "");
	vad_spec_free(NULL);
	ck_assert_int_eq(vad_spec_new(&s, NULL, NULL, 0), 0);
	ck_assert_str_eq(vad_spec_to_string(s), "");
	vad_spec_free(s);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* vad_select() */

START_TEST(select_errors)
{
	static const char *const va[] = { "* fail", NULL };
	struct vad_device *out = (struct vad_device *)&out;
	struct vad_spec *s = NULL;
	char dir[PATH_MAX];

	enter("empty");
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, &out), -ENOENT);
	ck_assert_ptr_null(out);
	leave();

	/* Nothing matches the facts. */
	enter("adl-sriov-host");
	ck_assert_int_eq(vad_spec_new(&s, "vendor=1002", NULL, 0), 0);
	out = (struct vad_device *)&out;
	ck_assert_int_eq(vad_select(m.ctx, s, 0, &out), -ENODEV);
	ck_assert_ptr_null(out);
	vad_spec_free(s);
	for (size_t i = 0; i < 8; i++) {
		ck_assert_int_eq(vad_device_get_verdict(dev_at(i)), VAD_VERDICT_FILTERED);
		ck_assert_ptr_nonnull(vad_device_get_reason(dev_at(i)));
		ck_assert_str_eq(vad_device_get_filter_key(dev_at(i)), "vendor");
	}
	/* No usable libva: -ENODEV as well, every device no-va. */
	broken_libva_dir(dir, sizeof(dir));
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_select(m.ctx, NULL, 0, NULL), -ENODEV);
	ck_assert_int_eq(vad_device_get_verdict(dev_at(0)), VAD_VERDICT_NO_VA);
	assert_broken_libva(vad_device_get_va_error(dev_at(0)));
	leave();

	/* Every probe fails: the failures are verdicts, the call's error is -ENODEV. */
	enter_va("adl-sriov-host", va);
	ck_assert_int_eq(vad_select(m.ctx, NULL, VAD_SELECT_ALL, &out), -ENODEV);
	for (size_t i = 0; i < 8; i++) {
		ck_assert_int_eq(vad_device_get_verdict(dev_at(i)), VAD_VERDICT_NO_VA);
		ck_assert_int_eq(vad_device_get_va_status(dev_at(i)), -EIO);
		ck_assert_ptr_nonnull(vad_device_get_reason(dev_at(i)));
		/* a verdict other than filtered has no filter key */
		ck_assert_ptr_null(vad_device_get_filter_key(dev_at(i)));
	}
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Functions without an object */

START_TEST(names)
{
	ck_assert_ptr_null(vad_codec_name(0));
	ck_assert_ptr_null(vad_codec_name(VAD_CODEC_H264 | VAD_CODEC_HEVC));
	ck_assert_ptr_null(vad_codec_name(1u << VAD_CODEC_COUNT));
	ck_assert_str_eq(vad_codec_name(VAD_CODEC_HEVC10), "hevc10");
	ck_assert_uint_eq(vad_codec_from_name(NULL), 0);
	ck_assert_uint_eq(vad_codec_from_name("h265"), 0);
	ck_assert_uint_eq(vad_codec_from_name("av1_10"), VAD_CODEC_AV1_10);
	ck_assert_str_eq(vad_bus_name((enum vad_bus)99), "unknown");
	ck_assert_str_eq(vad_bus_name(VAD_BUS_UNKNOWN), "unknown");
	ck_assert_str_eq(vad_sriov_role_name((enum vad_sriov_role)99), "none");
	ck_assert_str_eq(vad_verdict_name((enum vad_verdict)99), "none");
	ck_assert_ptr_null(vad_va_driver_package(NULL));
	ck_assert_ptr_null(vad_va_driver_package("nosuch"));
	ck_assert_str_eq(vad_va_driver_package("radeonsi"), "mesa-va-drivers");
	ck_assert_ptr_null(vad_va_driver_for_kernel_driver(NULL));
	ck_assert_str_eq(vad_va_driver_for_kernel_driver("i915"), "iHD");
	ck_assert_str_eq(vad_va_driver_for_kernel_driver("nosuch"), "nosuch");
	ck_assert_ptr_nonnull(vad_version());
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* The log function */

struct log_capture {
	char errors[4096];	/* the VAD_LOG_ERROR messages, one per line */
	int nerrors;
	int clobber;		/* errno set by every call; -1: leave it */
};

static void capture_log(struct vad_context *c, enum vad_log_priority priority, void *userdata,
			const char *format, va_list args)
{
	struct log_capture *cap = userdata;

	(void)c;
	if (priority == VAD_LOG_ERROR) {
		size_t used = strlen(cap->errors);

		cap->nerrors++;
		vsnprintf(cap->errors + used, sizeof(cap->errors) - used, format, args);
		used = strlen(cap->errors);
		if (used + 1 < sizeof(cap->errors)) {
			cap->errors[used] = '\n';
			cap->errors[used + 1] = '\0';
		}
	}
	if (cap->clobber >= 0)
		errno = cap->clobber;
}

/* A log function that changes errno changes no result. */
START_TEST(log_clobbers_errno)
{
	struct log_capture cap = { .clobber = ENOMEM };
	char p[PATH_MAX + 64];

	/* No /dev/dri: 0 devices, not the log function's errno. */
	enter("empty");
	vad_set_log_fn(m.ctx, capture_log, VAD_LOG_DEBUG, &cap);
	ck_assert_int_eq(vad_scan(m.ctx), 0);
	leave();

	/* A cache directory that cannot be made: the cache is off, and the probe uses no
	 * descriptor it did not open (with errno 0 after the log, it took fd 0 for the
	 * directory and closed it). */
	enter("adl-sriov-host");
	cap.clobber = 0;
	setenv("VADISCOVER_CACHE_DIR", topo_path(p, sizeof(p), "no-such-dir/cache"), 1);
	int fd0 = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(fd0, 0);
	if (fd0 != 0) {
		ck_assert_int_eq(dup2(fd0, 0), 0);
		close(fd0);
	}
	vad_set_log_fn(m.ctx, capture_log, VAD_LOG_DEBUG, &cap);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(1), NULL), 0);
	ck_assert(!vad_device_is_cached(dev_at(1)));
	ck_assert_msg(fcntl(0, F_GETFD) >= 0, "fd 0 was closed by the probe");
	/* And with every errno the log function can leave, the results stand. */
	for (int e = 0; e < 140; e += 7) {
		cap.clobber = e;
		ck_assert_int_eq(vad_scan(m.ctx), 8);
		ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(1), NULL), 0);
		ck_assert_int_eq(vad_device_get_access(dev_at(0)), 0);
		ck_assert_int_eq(vad_device_get_vendor_id(dev_at(0)), 0x8086);
	}
	ck_assert_int_eq(cap.nerrors, 0);
	leave();
}
END_TEST

/* VAD_LOG_ERROR: libva that cannot be loaded (once per failed load), and the helper's own
 * trouble (once per probe); never a device that fails. */
START_TEST(log_errors)
{
	static const char *const va[] = { "0000:00:02.1 fail", NULL };
	struct th_opts o = { .va_lines = va, .deny = "renderD130" };
	struct log_capture cap = { .clobber = -1 };
	char dir[PATH_MAX], want[PATH_MAX + 64];

	enter_opts("adl-sriov-host", &o);
	vad_set_log_fn(m.ctx, capture_log, VAD_LOG_ERROR, &cap);
	/* Devices that fail: no error. */
	ck_assert_int_eq(vad_select(m.ctx, NULL, VAD_SELECT_ALL, NULL), 0);
	ck_assert_int_eq(vad_device_get_va_status(dev_at(1)), -EIO);
	ck_assert_int_eq(vad_device_get_verdict(dev_at(2)), VAD_VERDICT_NO_ACCESS);
	ck_assert_msg(cap.nerrors == 0, "%s", cap.errors);

	/* No usable libva: one error for the load, however many probes. */
	broken_libva_dir(dir, sizeof(dir));
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_select(m.ctx, NULL, VAD_SELECT_ALL, NULL), -ENODEV);
	ck_assert_int_eq(cap.nerrors, 1);
	snprintf(want, sizeof(want), "libva: %s\n", vad_get_libva_error(m.ctx));
	ck_assert_str_eq(cap.errors, want);
	assert_broken_libva(cap.errors);
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, NULL), 0);

	/* The helper missing with isolation alone, and a helper that answers nothing. */
	cap.nerrors = 0;
	cap.errors[0] = '\0';
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	setenv("VADISCOVER_PROBE_HELPER", "/nonexistent/vadiscover-probe", 1);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(0), NULL), -ENOEXEC);
	snprintf(want, sizeof(want), "/dev/dri/renderD128: %s\n",
		 vad_device_get_va_error(dev_at(0)));
	ck_assert_str_eq(cap.errors, want);
	setenv("VADISCOVER_PROBE_HELPER", "/bin/true", 1);
	ck_assert_int_eq(vad_device_probe(m.ctx, dev_at(3), NULL), -EIO);
	ck_assert_int_eq(cap.nerrors, 2);
	ck_assert_msg(strstr(cap.errors, "/dev/dri/renderD131: the probe helper /bin/true gave "
			     "no valid result"), "%s", cap.errors);
	/* The default priority is VAD_LOG_ERROR: the same arrives without asking. */
	vad_set_log_fn(m.ctx, NULL, VAD_LOG_ERROR, NULL);
	leave();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc;

	tc = test_case(s, "null");
	tcase_add_test(tc, null_context);
	tcase_add_test(tc, null_device);

	tc = test_case(s, "scan");
	tcase_add_test(tc, scan_counts);
	tcase_add_test(tc, facts_none_values);
	tcase_add_test(tc, facts_without_sysfs);
	tcase_add_test(tc, facts_unreadable);
	tcase_add_test(tc, facts_malformed);
	tcase_add_test(tc, access_errors);
	tcase_add_test(tc, function_getters);
	tcase_add_test(tc, device_find_errors);

	tc = test_case(s, "libva");
	tcase_add_test(tc, libva_dir_errors);
	tcase_add_test(tc, libva_program_errors);

	tc = test_case(s, "probe");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, probe_bad_driver_name);
	tcase_add_test(tc, probe_device_failures);
	tcase_add_test(tc, probe_no_libva);
	tcase_add_test(tc, probe_helper_failures);
	tcase_add_test(tc, probe_helper_cannot_start);
	tcase_add_test(tc, find_driver_file_errors);
	tcase_add_test(tc, probe_mode_errors);

	tc = test_case(s, "spec");
	tcase_add_test(tc, spec_errors);
	tcase_add_test(tc, names);

	tc = test_case(s, "select");
	tcase_add_test(tc, select_errors);

	tc = test_case(s, "log");
	tcase_add_test(tc, log_clobbers_errno);
	tcase_add_test(tc, log_errors);
	return s;
}
