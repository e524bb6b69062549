/* vadiscover doctor, the host's checks (kernel.iommu, sriov.*): an IOMMU, the Intel
 * GPUs' SR-IOV capability, GuC, the VFs enabled now and at boot, and the VFs' drivers.
 * Skipped inside a container, which sees the host's set-up only in part. */
#include "vadiscover/tool/bootconf.h"
#include "vadiscover/tool/doctor.h"
#include "vadiscover/tool/guests.h"
#include "vadiscover/tool/tool.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* An Intel GPU that is not a VF, as the library's scan found it (so one with a DRM node). */
struct pf {
	const char *slot;
	const char *sysfs; /* /sys/devices/pci0000:00/0000:00:02.0 */
	const char *driver;
	int device_id;	      /* 0 when not known */
	int totalvfs, numvfs; /* -1: no SR-IOV capability */
};

/* The Intel GPUs' physical functions, found once by doctor_check_host(). */
struct pfs {
	struct pf pf[8];
	size_t n;
	bool sriov; /* a PF with sriov_totalvfs > 0 */
};

/* The Intel GPUs of the scan that are not VFs, in the scan's order. The library knows a
 * PF's VF counts; of a device it does not call a PF, sriov_totalvfs tells an SR-IOV
 * capability that offers 0 VFs from none at all. */
static void find_pfs(const struct doctor *d, struct pfs *pfs)
{
	memset(pfs, 0, sizeof(*pfs));
	for (size_t i = 0; i < vad_device_count(d->ctx) && pfs->n < 8; i++) {
		const struct vad_device *dev = vad_device_get(d->ctx, i);
		enum vad_sriov_role role = vad_device_get_sriov_role(dev);
		struct pf *pf = &pfs->pf[pfs->n];
		char p[PATH_MAX];
		long v;

		if (vad_device_get_bus(dev) != VAD_BUS_PCI ||
		    vad_device_get_vendor_id(dev) != 0x8086 || role == VAD_SRIOV_VF ||
		    !vad_device_get_sysfs_path(dev) || !vad_device_get_pci_slot(dev))
			continue;
		pf->slot = vad_device_get_pci_slot(dev);
		pf->sysfs = vad_device_get_sysfs_path(dev);
		pf->driver = vad_device_get_kernel_driver(dev) ? vad_device_get_kernel_driver(dev)
							       : "";
		pf->device_id = vad_device_get_device_id(dev) > 0 ? vad_device_get_device_id(dev) : 0;
		if (role == VAD_SRIOV_PF) {
			pf->totalvfs = vad_device_get_sriov_totalvfs(dev);
			pf->numvfs = vad_device_get_sriov_numvfs(dev) > 0
					     ? vad_device_get_sriov_numvfs(dev)
					     : 0;
			pfs->sriov = true;
		} else {
			tool_sfmt(p, sizeof(p), "%s/sriov_totalvfs", pf->sysfs);
			pf->totalvfs = host_read_number(p, &v) && v >= 0 ? (int)v : -1;
		}
		pfs->n++;
	}
}

static bool skip_in_container(struct doctor *d, const char *id)
{
	if (!d->env.container[0])
		return false;
	doctor_add(d, id, ST_SKIP, NULL, NULL,
	    "in a container (%s): the host's set-up; run vadiscover doctor on the host",
	    d->env.container);
	return true;
}

static void check_iommu(struct doctor *d, const struct pfs *pfs)
{
	DIR *dir;
	struct dirent *de;
	char names[256] = "";

	if (skip_in_container(d, "kernel.iommu"))
		return;
	dir = opendir("/sys/class/iommu");
	while (dir && (de = readdir(dir))) {
		size_t l = strlen(names);

		if (de->d_name[0] != '.')
			tool_sfmt(names + l, sizeof(names) - l, "%s%s", l ? " " : "", de->d_name);
	}
	if (dir)
		closedir(dir);
	if (names[0]) {
		doctor_add(d, "kernel.iommu", ST_OK, NULL, NULL, "IOMMU active (%s)", names);
		return;
	}
	if (!pfs->sriov) {
		doctor_add(d, "kernel.iommu", ST_SKIP, NULL, NULL,
		    "no IOMMU, which only giving SR-IOV VFs to VMs needs, and no SR-IOV PF");
		return;
	}
	doctor_add(d, "kernel.iommu", ST_WARN, NULL,
	    vad__strdupf("add intel_iommu=on iommu=pt to the kernel command line and reboot:\n"
		"  GRUB: GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then update-grub\n"
		"  Proxmox with systemd-boot: /etc/kernel/cmdline, then proxmox-boot-tool refresh"),
	    "no IOMMU (/sys/class/iommu is empty): VFs can serve containers, not VMs");
}

/* The i915-sriov-dkms release for the running kernel, as its README (2026.05.06) maps
 * kernel series to releases, as "; for kernel 6.8.12-4-pve: its 2025.07.22 release";
 * "" when the kernel is not known. */
static void dkms_release_text(const struct doctor *d, char *buf, size_t len)
{
	static const struct {
		int from, to; /* major * 1000 + minor */
		const char *what;
	} releases[] = {
		{ 6017, 7000, "its 2026.05.06 release" },
		{ 6012, 6019, "its 2026.03.05.1 release" },
		{ 6008, 6012, "its 2025.07.22 release" },
		{ 6001, 6007, "its intel-lts-v6.1 branch" },
	};
	char k[128];
	int maj, min;

	buf[0] = '\0';
	if (host_read_under(d->root, "/proc/sys/kernel/osrelease", k, sizeof(k)) <= 0 ||
	    sscanf(k, "%d.%d", &maj, &min) != 2)
		return;
	k[strcspn(k, "\n")] = '\0';
	for (size_t i = 0; i < sizeof(releases) / sizeof(releases[0]); i++) {
		if (maj * 1000 + min >= releases[i].from && maj * 1000 + min <= releases[i].to) {
			tool_sfmt(buf, len, "; for kernel %s: %s", k, releases[i].what);
			return;
		}
	}
	tool_sfmt(buf, len, "; its README of 2026.05.06 names no release for kernel %s", k);
}

/* When the files set @module.@param to another value than the running module's
 * @running, the fix that makes it apply, into @buf; "" when nothing sets it. */
static void param_not_applied(const struct doctor *d, const char *module, const char *param,
			      const char *running, char *buf, size_t len)
{
	struct boot_setting b;

	buf[0] = '\0';
	boot_module_param(d->root, module, param, &b);
	if (!b.found || strcmp(b.value, running) == 0)
		return;
	if (strcmp(b.where, "the kernel command line") == 0)
		tool_sfmt(buf, len, "the kernel command line has %s.%s=%s, but %s runs with %s: "
		     "dmesg | grep -i %s says why it did not take it (firmware, or an %s without "
		     "SR-IOV support: reinstall i915-sriov-dkms for this kernel)", module, param,
		     b.value, module, running, module, module);
	else
		tool_sfmt(buf, len, "%s sets %s=%s, but %s runs with %s: update-initramfs -u (%s "
		     "loads from the initramfs, which holds an older copy), then reboot",
		     b.where, param, b.value, module, running, module);
}

static void check_sriov_capable(struct doctor *d, const struct pfs *pfs)
{
	if (skip_in_container(d, "sriov.capable"))
		return;
	if (pfs->n == 0) {
		doctor_add(d, "sriov.capable", ST_SKIP, NULL, NULL,
			   "no Intel GPU among the DRM devices (one whose driver did not load "
			   "has no node: see dri.nodes)");
		return;
	}
	for (size_t i = 0; i < pfs->n; i++) {
		const struct pf *pf = &pfs->pf[i];
		const char *drv = pf->driver[0] ? pf->driver : "no driver";
		char p[PATH_MAX];
		long maxvfs = -1;

		if (pf->totalvfs > 0) {
			doctor_add(d, "sriov.capable", ST_OK, NULL, NULL, "%s (%s) offers %d VFs",
			    pf->slot, drv, pf->totalvfs);
			continue;
		}
		if (pf->totalvfs < 0) {
			doctor_add(d, "sriov.capable", ST_SKIP, NULL, NULL,
			    "%s (%s) has no SR-IOV capability (SR-IOV needs Gen 12 or later: "
			    "Alder Lake, Raptor Lake, Meteor Lake, Flex)", pf->slot, drv);
			continue;
		}
		tool_sfmt(p, sizeof(p), "/sys/module/%s/parameters/max_vfs", drv);
		bool has_param = access(p, F_OK) == 0;
		bool readable = host_read_number(p, &maxvfs);

		if (strcmp(drv, "i915") == 0 && !has_param) {
			char release[160];
			long id = 0;

			dkms_release_text(d, release, sizeof(release));
			id = pf->device_id;
			/* i915-sriov-dkms's README: the lines for its i915 and its xe. */
			doctor_add(d, "sriov.capable", ST_WARN, NULL,
			    vad__strdupf("install i915-sriov-dkms (https://github.com/strongtz/i915-sriov-dkms"
				"%s),\n"
				"then put on the kernel command line, and reboot:\n"
				"  intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe\n"
				"or, for its xe driver (not on Meteor Lake or Lunar Lake):\n"
				"  intel_iommu=on xe.max_vfs=7 xe.force_probe=0x%04lx "
				"module_blacklist=i915", release, id),
			    "%s (i915) offers 0 VFs: this i915 has no SR-IOV PF support (no "
			    "max_vfs parameter)", pf->slot);
		} else {
			char set[512];

			param_not_applied(d, drv, "max_vfs", "0", set, sizeof(set));
			doctor_add(d, "sriov.capable", ST_WARN, NULL,
			    set[0] ? vad__strdupf("%s", set)
				   : vad__strdupf("add %s.max_vfs=7 to the kernel command line (or 'options %s "
					 "max_vfs=7' in /etc/modprobe.d/%s.conf, then update-initramfs "
					 "-u) and reboot", drv, drv, drv),
			    "%s (%s) offers 0 VFs: %s.max_vfs is %s", pf->slot, drv, drv,
			    readable ? "0" : "not set");
		}
	}
}

static void check_guc(struct doctor *d, const struct pfs *pfs)
{
	char p[PATH_MAX];
	long v;

	if (skip_in_container(d, "sriov.guc"))
		return;
	const struct pf *pf = NULL;

	for (size_t i = 0; i < pfs->n && !pf; i++)
		if (pfs->pf[i].totalvfs > 0 && strcmp(pfs->pf[i].driver, "i915") == 0)
			pf = &pfs->pf[i];
	if (!pf) {
		bool xe = false;

		for (size_t i = 0; i < pfs->n; i++)
			xe |= pfs->pf[i].totalvfs > 0 && strcmp(pfs->pf[i].driver, "xe") == 0;
		doctor_add(d, "sriov.guc", ST_SKIP, NULL, NULL, "%s",
		    xe ? "the PF is on xe, which always uses GuC (no enable_guc to set)"
		       : "no SR-IOV PF on i915");
		return;
	}
	tool_sfmt(p, sizeof(p), "/sys/module/i915/parameters/enable_guc");
	if (access(p, F_OK) != 0) {
		doctor_add(d, "sriov.guc", ST_SKIP, NULL, NULL, "i915 has no enable_guc parameter");
		return;
	}
	if (access(p, R_OK) != 0 || !host_read_number(p, &v)) {
		doctor_add(d, "sriov.guc", ST_SKIP, NULL, NULL,
		    "i915.enable_guc is readable by root only: run vadiscover doctor as root");
		return;
	}
	if ((v & 3) == 3) {
		doctor_add(d, "sriov.guc", ST_OK, NULL, NULL,
		    "i915.enable_guc=%ld (GuC submission and HuC, as SR-IOV needs)", v);
		return;
	}
	char running[32], set[512];

	tool_sfmt(running, sizeof(running), "%ld", v);
	param_not_applied(d, "i915", "enable_guc", running, set, sizeof(set));
	doctor_add(d, "sriov.guc", ST_FAIL, NULL,
	    set[0] ? vad__strdupf("%s", set)
		   : vad__strdupf("set i915.enable_guc=3 on the kernel command line (or 'options i915 "
			 "enable_guc=3' in /etc/modprobe.d/i915.conf, then update-initramfs -u) "
			 "and reboot"),
	    "i915.enable_guc=%ld: SR-IOV needs GuC submission and HuC (3)", v);
}

static void check_vfs(struct doctor *d, const struct pfs *pfs)
{
	bool any = false;

	if (skip_in_container(d, "sriov.vfs"))
		return;
	for (size_t i = 0; i < pfs->n; i++) {
		const struct pf *pf = &pfs->pf[i];
		char attr[PATH_MAX], file[PATH_MAX + 16];
		struct boot_setting boot;

		if (pf->totalvfs <= 0)
			continue;
		any = true;
		/* sysfsutils takes paths relative to /sys. */
		tool_sfmt(attr, sizeof(attr), "%s/sriov_numvfs",
			 strncmp(pf->sysfs, "/sys/", 5) == 0 ? pf->sysfs + 5 : pf->sysfs);
		tool_sfmt(file, sizeof(file), "%s/sriov_numvfs", pf->sysfs);
		boot_sysfs_setting(d->root, file, pf->slot, &boot);
		char *end;
		long at_boot = boot.found ? strtol(boot.value, &end, 10) : 0;

		if (boot.found && (end == boot.value || *end))
			at_boot = -1; /* not a number: the kernel refuses it */
		/* Persist what is enabled now, or all the PF offers when none is. */
		char *persist = vad__strdupf("echo '%s = %d' >> /etc/sysfs.conf   (apt install sysfsutils)",
				    attr, pf->numvfs > 0 ? pf->numvfs : pf->totalvfs);

		if (pf->numvfs > 0 && at_boot == pf->numvfs) {
			free(persist);
			doctor_add(d, "sriov.vfs", ST_OK, NULL, NULL, "%s: %d of %d VFs enabled, set at boot "
			    "by %s", pf->slot, pf->numvfs, pf->totalvfs, boot.where);
		} else if (pf->numvfs > 0 && boot.found) {
			free(persist);
			doctor_add(d, "sriov.vfs", ST_WARN, NULL,
			    vad__strdupf("in %s, set %d (the VFs enabled now), or re-create the VFs with "
				"the number wanted", boot.where, pf->numvfs),
			    "%s: %d of %d VFs enabled, but %s sets %s at boot", pf->slot,
			    pf->numvfs, pf->totalvfs, boot.where, boot.value);
		} else if (pf->numvfs > 0) {
			doctor_add(d, "sriov.vfs", ST_WARN, NULL, persist,
			    "%s: %d of %d VFs enabled, but nothing sets them at boot", pf->slot,
			    pf->numvfs, pf->totalvfs);
		} else if (at_boot > 0) {
			/* Persisted but not applied (sysfsutils not installed, or not run yet). */
			doctor_add(d, "sriov.vfs", ST_FAIL, NULL,
			    vad__strdupf("echo %ld > %s/sriov_numvfs", at_boot, pf->sysfs),
			    "%s: 0 of %d VFs enabled", pf->slot, pf->totalvfs);
			free(persist);
		} else {
			doctor_add(d, "sriov.vfs", ST_FAIL, NULL,
			    boot.found ? vad__strdupf("echo %d > %s/sriov_numvfs\n"
					     "and in %s, set %d instead of %s", pf->totalvfs,
					     pf->sysfs, boot.where, pf->totalvfs, boot.value)
				       : vad__strdupf("echo %d > %s/sriov_numvfs\n%s", pf->totalvfs,
					     pf->sysfs, persist),
			    "%s: 0 of %d VFs enabled", pf->slot, pf->totalvfs);
			free(persist);
		}
	}
	if (!any)
		doctor_add(d, "sriov.vfs", ST_SKIP, NULL, NULL, "no SR-IOV PF");
}

/* VF @index of the PF at @pf_slot, as the scan found it: its slot, its kernel driver
 * (NULL: none bound) and its nodes' device numbers (0: none). False when the scan has no
 * such VF. */
static bool find_vf(const struct doctor *d, const char *pf_slot, int index, const char **slot,
		    const char **driver, dev_t *render, dev_t *card)
{
	*render = *card = 0;
	for (size_t i = 0; i < vad_device_count(d->ctx); i++) {
		const struct vad_device *dev = vad_device_get(d->ctx, i);
		const char *pf = vad_device_get_pf_slot(dev);

		if (!pf || strcmp(pf, pf_slot) != 0 || vad_device_get_vf_index(dev) != index ||
		    !vad_device_get_pci_slot(dev))
			continue;
		*slot = vad_device_get_pci_slot(dev);
		*driver = vad_device_get_kernel_driver(dev);
		*render = vad_device_get_render_rdev(dev);
		*card = vad_device_get_card_rdev(dev);
		return true;
	}
	for (size_t i = 0; i < vad_function_count(d->ctx); i++) {
		const struct vad_function *fn = vad_function_get(d->ctx, i);
		const char *nodes = vad_function_get_host_nodes(fn);
		unsigned int m;

		if (strcmp(vad_function_get_pf_slot(fn), pf_slot) != 0 ||
		    vad_function_get_vf_index(fn) != index)
			continue;
		*slot = vad_function_get_pci_slot(fn);
		*driver = vad_function_get_kernel_driver(fn);
		/* "card4 renderD132": the nodes sysfs gives it, absent from /dev/dri here. */
		for (const char *w = nodes; w && *w; w += strcspn(w, " "), w += strspn(w, " ")) {
			if (sscanf(w, "renderD%u", &m) == 1)
				*render = makedev(226, m);
			else if (sscanf(w, "card%u", &m) == 1)
				*card = makedev(226, m);
		}
		return true;
	}
	return false;
}

static void check_vf_drivers(struct doctor *d, const struct pfs *pfs)
{
	bool any = false;
	struct guests g = { 0 };

	if (skip_in_container(d, "sriov.vf-drivers"))
		return;
	/* The Proxmox guests the VFs are given to (/etc/pve under the root), if any. */
	bool have_guests = guests_load(&g, d->root) == 0;

	for (size_t i = 0; i < pfs->n; i++) {
		const struct pf *pf = &pfs->pf[i];
		char text[2048] = "", p[PATH_MAX], binds[2048] = "";
		int unbound = 0;
		long autoprobe = 1;

		if (pf->numvfs <= 0)
			continue;
		any = true;
		for (int n = 0; n < pf->numvfs; n++) {
			char what[128];
			size_t l = strlen(text);
			const char *slot, *drv;
			dev_t render, card;

			if (!find_vf(d, pf->slot, n + 1, &slot, &drv, &render, &card))
				continue;
			if (drv) {
				char guests[256] = "";

				if (have_guests)
					guests_describe(&g, render, card, slot, guests,
							sizeof(guests));
				if (guests[0])
					tool_sfmt(what, sizeof(what), "%s in %s", drv, guests);
				else if (strcmp(drv, "vfio-pci") == 0)
					tool_sfmt(what, sizeof(what), "vfio-pci (for a VM)");
				else
					tool_sfmt(what, sizeof(what), "%s", drv);
			} else {
				size_t bl = strlen(binds);

				tool_sfmt(what, sizeof(what), "no driver");
				tool_sfmt(binds + bl, sizeof(binds) - bl, "%secho %s > "
				     "/sys/bus/pci/drivers/%s/bind", bl ? "\n" : "", slot,
				     pf->driver[0] ? pf->driver : "i915");
				unbound++;
			}
			tool_sfmt(text + l, sizeof(text) - l, "%sVF %d %s", l ? ", " : "", n + 1, what);
		}
		tool_sfmt(p, sizeof(p), "%s/sriov_drivers_autoprobe", pf->sysfs);
		host_read_number(p, &autoprobe);
		if (unbound == 0) {
			doctor_add(d, "sriov.vf-drivers", ST_OK, NULL, NULL, "%s: %s", pf->slot, text);
			continue;
		}
		if (autoprobe == 0)
			doctor_add(d, "sriov.vf-drivers", unbound == pf->numvfs ? ST_FAIL : ST_WARN, NULL,
			    vad__strdupf("echo 1 > %s/sriov_drivers_autoprobe\n"
				"echo 0 > %s/sriov_numvfs\n"
				"echo %d > %s/sriov_numvfs\n"
				"or bind the VFs one by one:\n%s",
				pf->sysfs, pf->sysfs, pf->numvfs, pf->sysfs, binds),
			    "%s: %s (sriov_drivers_autoprobe is 0)", pf->slot, text);
		else
			doctor_add(d, "sriov.vf-drivers", unbound == pf->numvfs ? ST_FAIL : ST_WARN, NULL,
			    vad__strdupf("bind them:\n%s", binds),
			    "%s: %s", pf->slot, text);
	}
	if (!any)
		doctor_add(d, "sriov.vf-drivers", ST_SKIP, NULL, NULL, "no VFs");
	guests_free(&g);
}

void doctor_check_host(struct doctor *d)
{
	struct pfs pfs;

	find_pfs(d, &pfs);
	check_iommu(d, &pfs);
	check_sriov_capable(d, &pfs);
	check_guc(d, &pfs);
	check_vfs(d, &pfs);
	check_vf_drivers(d, &pfs);
}
