/* vadiscover doctor: the set-up chain from the kernel to the media server, checked in
 * order (IOMMU, SR-IOV, GuC, VFs and their drivers, DRM nodes, access, libva, VA driver,
 * VA initialisation, OpenCL, Jellyfin's ffmpeg), one line per check and, for each
 * problem, the fix as commands or config lines.
 *
 * /sys and /dev/dri are read where the library reads them (the test harness redirects
 * them); every other file (/etc, /proc, /run, programs) is read under --root DIR, so that
 * a test models them with a plain directory.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vadiscover/tool/bootconf.h"
#include "vadiscover/tool/guests.h"
#include "vadiscover/tool/host.h"
#include "vadiscover/tool/json.h"
#include "vadiscover/tool/output.h"
#include "vadiscover/tool/tool.h"

#ifndef VAD_WRAPPER_PATH
#define VAD_WRAPPER_PATH "/usr/local/libexec/vadiscover/ffmpeg"
#endif

/* The group id a user namespace shows for ids it does not map (kernel.overflowgid). */
#define OVERFLOW_GID 65534u
#define MAX_GROUPS 64

enum status { ST_OK, ST_WARN, ST_FAIL, ST_SKIP };
static const char *const status_names[] = { "ok", "warn", "fail", "skip" };

struct check {
	const char *id;
	enum status status;
	char *summary;
	char *fix; /* NULL: none; lines joined by '\n' */
	const char *device;
};

/* An account as /etc/passwd and /etc/group under the root say. */
struct account {
	char name[64];
	unsigned int uid, gid;
	unsigned int groups[MAX_GROUPS];
	size_t ngroups;
};

/* An Intel GPU's physical function in /sys/bus/pci/devices. */
struct pf {
	char slot[32];
	char sysfs[PATH_MAX]; /* /sys/devices/pci0000:00/0000:00:02.0 */
	char driver[32];
	int totalvfs, numvfs; /* -1: no SR-IOV capability */
};

struct doctor {
	const char *root;
	const char *user;
	bool json, debug;
	const char *ffmpeg;
	struct vad_context *ctx;
	struct check *checks;
	size_t n, cap;
	bool oom;
	char container[32]; /* "lxc", "docker"... or "" on a host */
	bool userns;	    /* ids are mapped: an unprivileged container */
	struct pf pfs[8];
	size_t npfs;
	bool sriov_pf; /* a PF with sriov_totalvfs > 0 */
	const struct vad_device *target; /* the node a program would use */
	bool libva_ok;
};

static const char help_text[] =
	"Usage: vadiscover doctor [--user NAME] [--json] [--root DIR]\n"
	"Check the chain a VA-API program needs, in order, one line per check\n"
	"(status, id, what was found) and, for every problem, the fix as commands or\n"
	"config lines. Run it on the host and in the container or VM that transcodes.\n"
	"\n"
	"Checks (stable ids):\n"
	"  kernel.iommu      an IOMMU is active (needed to give VFs to VMs)\n"
	"  sriov.capable     an Intel GPU offers SR-IOV (sriov_totalvfs > 0)\n"
	"  sriov.guc         i915.enable_guc includes GuC submission and HuC (3)\n"
	"  sriov.vfs         VFs are enabled, and set at boot (sysfsutils, tmpfiles.d\n"
	"                    or a udev rule)\n"
	"  sriov.vf-drivers  each VF's driver: i915/xe (has nodes), vfio-pci (a VM), none\n"
	"  dri.nodes         DRM nodes exist; in a container, which host devices they are\n"
	"  dri.access        the user (and Jellyfin's) can open the node to use\n"
	"  va.libva          which libva is loaded\n"
	"  va.driver         the VA driver file libva looks for is installed\n"
	"  va.init           VA initialises on each device, with its codecs\n"
	"  opencl            an OpenCL ICD is registered (Jellyfin's tone mapping)\n"
	"  jellyfin.ffmpeg   which ffmpeg Jellyfin runs, and whether it is vadiscover's\n"
	"                    wrapper\n"
	"The host's checks (kernel.*, sriov.*) are skipped inside a container.\n"
	"\n"
	"Options:\n"
	"  --user NAME   check access for NAME (from /etc/passwd, /etc/group) instead of\n"
	"                the user running doctor\n"
	"  --json        a JSON document (vadiscover(1), JSON OUTPUT): \"checks\", each\n"
	"                with id, status (ok, warn, fail, skip), summary, fix, device\n"
	"  --root DIR    read /etc, /proc, /run and programs under DIR (default /)\n"
	"  --ffmpeg PATH probe with the libva that ffmpeg loads\n"
	"  -d, --debug   the library's debug log on stderr\n"
	"  -h, --help    this help\n"
	"\n"
	"Exit status: 0 no check failed (warnings allowed); 1 a check failed;\n"
	"2 usage error; 3 internal error.\n";

/* ------------------------------------------------------------------------------------ */
/* Small helpers */


static char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	s = vfmt(f, ap);
	va_end(ap);
	return s;
}

/* Adds a check; takes @fix (may be NULL). */
static void add(struct doctor *d, const char *id, enum status st, const char *device,
		char *fix, const char *f, ...) __attribute__((format(printf, 6, 7)));
static void add(struct doctor *d, const char *id, enum status st, const char *device,
		char *fix, const char *f, ...)
{
	va_list ap;
	char *summary;

	va_start(ap, f);
	summary = vfmt(f, ap);
	va_end(ap);
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct check *p = realloc(d->checks, cap * sizeof(*p));

		if (!p) {
			free(summary);
			free(fix);
			d->oom = true;
			return;
		}
		d->checks = p;
		d->cap = cap;
	}
	if (!summary)
		d->oom = true;
	d->checks[d->n++] = (struct check){ id, st, summary, fix, device };
}

/* @rel (absolute, "/etc/group") under the root. */
static void under_root(const struct doctor *d, char *out, size_t len, const char *rel)
{
	tool_sfmt(out, len, "%s%s", strcmp(d->root, "/") == 0 ? "" : d->root, rel);
}

static int read_root_text(const struct doctor *d, const char *rel, char *buf, size_t len)
{
	char p[PATH_MAX];

	under_root(d, p, sizeof(p), rel);
	return host_read_text(p, buf, len);
}

static bool read_int(const char *path, long *out)
{
	char buf[64], *end;

	if (host_read_text(path, buf, sizeof(buf)) <= 0)
		return false;
	errno = 0;
	*out = strtol(buf, &end, 0);
	return errno == 0 && end != buf;
}

static const char *node_base(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "?";
}

/* The kernel's name of a DRM minor: render minors are 128 and up. */
static void kernel_node_name(char *buf, size_t len, dev_t rdev)
{
	unsigned int m = minor(rdev);

	tool_sfmt(buf, len, m >= 128 ? "renderD%u" : "card%u", m);
}

/* ------------------------------------------------------------------------------------ */
/* Accounts, under the root */

/* Fills @a from /etc/passwd (by name, or by uid when @name is NULL) and /etc/group. */
static bool account_lookup(const struct doctor *d, const char *name, unsigned int uid,
			   struct account *a)
{
	char p[PATH_MAX], line[1024];
	FILE *f;
	bool found = false;

	memset(a, 0, sizeof(*a));
	under_root(d, p, sizeof(p), "/etc/passwd");
	f = fopen(p, "re");
	if (f) {
		while (!found && fgets(line, sizeof(line), f)) {
			char *fields[4] = { 0 }, *s = line;

			for (int i = 0; i < 4 && s; i++) {
				fields[i] = s;
				s = strchr(s, ':');
				if (s)
					*s++ = '\0';
			}
			if (!fields[3])
				continue;
			unsigned int u = (unsigned int)strtoul(fields[2], NULL, 10);

			if (name ? strcmp(fields[0], name) == 0 : u == uid) {
				tool_sfmt(a->name, sizeof(a->name), "%s", fields[0]);
				a->uid = u;
				a->gid = (unsigned int)strtoul(fields[3], NULL, 10);
				found = true;
			}
		}
		fclose(f);
	}
	if (!found)
		return false;
	a->groups[a->ngroups++] = a->gid;
	under_root(d, p, sizeof(p), "/etc/group");
	f = fopen(p, "re");
	if (!f)
		return true;
	while (fgets(line, sizeof(line), f) && a->ngroups < MAX_GROUPS) {
		char *fields[4] = { 0 }, *s = line;

		line[strcspn(line, "\n")] = '\0';
		for (int i = 0; i < 4 && s; i++) {
			fields[i] = s;
			s = strchr(s, ':');
			if (s)
				*s++ = '\0';
		}
		if (!fields[3])
			continue;
		for (char *m = strtok(fields[3], ","); m; m = strtok(NULL, ","))
			if (strcmp(m, a->name) == 0)
				a->groups[a->ngroups++] = (unsigned int)strtoul(fields[2], NULL, 10);
	}
	fclose(f);
	return true;
}

/* A group's name by id, or its id by name (@gid -1), from /etc/group under the root. */
static bool group_lookup(const struct doctor *d, const char *name, long *gid, char *out,
			 size_t len)
{
	char p[PATH_MAX], line[1024];
	FILE *f;
	bool found = false;

	under_root(d, p, sizeof(p), "/etc/group");
	f = fopen(p, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		*c1 = '\0';
		long g = strtol(c2 + 1, NULL, 10);

		if (name ? strcmp(line, name) == 0 : g == *gid) {
			*gid = g;
			if (out)
				tool_sfmt(out, len, "%s", line);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* ------------------------------------------------------------------------------------ */
/* Where we run */

static void detect_container(struct doctor *d)
{
	struct host_env env;

	host_detect(d->root, &env);
	tool_sfmt(d->container, sizeof(d->container), "%s", env.container);
	d->userns = env.userns;
}

static void find_pfs(struct doctor *d)
{
	DIR *dir = opendir("/sys/bus/pci/devices");
	struct dirent *de;

	d->npfs = 0;
	if (!dir)
		return;
	while ((de = readdir(dir)) && d->npfs < sizeof(d->pfs) / sizeof(d->pfs[0])) {
		char p[PATH_MAX], link[PATH_MAX];
		long vendor, class, v;
		struct pf *pf = &d->pfs[d->npfs];

		if (de->d_name[0] == '.')
			continue;
		tool_sfmt(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", de->d_name);
		if (!read_int(p, &vendor) || vendor != 0x8086)
			continue;
		tool_sfmt(p, sizeof(p), "/sys/bus/pci/devices/%s/class", de->d_name);
		if (!read_int(p, &class) || (class >> 16) != 0x03)
			continue;
		tool_sfmt(p, sizeof(p), "/sys/bus/pci/devices/%s/physfn", de->d_name);
		if (access(p, F_OK) == 0)
			continue;
		memset(pf, 0, sizeof(*pf));
		tool_sfmt(pf->slot, sizeof(pf->slot), "%s", de->d_name);
		tool_sfmt(p, sizeof(p), "/sys/bus/pci/devices/%s", de->d_name);
		if (!realpath(p, pf->sysfs))
			tool_sfmt(pf->sysfs, sizeof(pf->sysfs), "%s", p);
		tool_sfmt(p, sizeof(p), "%s/driver", pf->sysfs);
		ssize_t l = readlink(p, link, sizeof(link) - 1);
		if (l > 0) {
			link[l] = '\0';
			tool_sfmt(pf->driver, sizeof(pf->driver), "%s", node_base(link));
		}
		tool_sfmt(p, sizeof(p), "%s/sriov_totalvfs", pf->sysfs);
		pf->totalvfs = read_int(p, &v) ? (int)v : -1;
		tool_sfmt(p, sizeof(p), "%s/sriov_numvfs", pf->sysfs);
		pf->numvfs = read_int(p, &v) ? (int)v : 0;
		if (pf->totalvfs > 0)
			d->sriov_pf = true;
		d->npfs++;
	}
	closedir(dir);
}

/* ------------------------------------------------------------------------------------ */
/* Host checks */

static bool skip_in_container(struct doctor *d, const char *id)
{
	if (!d->container[0])
		return false;
	add(d, id, ST_SKIP, NULL, NULL,
	    "in a container (%s): the host's set-up; run vadiscover doctor on the host",
	    d->container);
	return true;
}

static void check_iommu(struct doctor *d)
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
		add(d, "kernel.iommu", ST_OK, NULL, NULL, "IOMMU active (%s)", names);
		return;
	}
	if (!d->sriov_pf) {
		add(d, "kernel.iommu", ST_SKIP, NULL, NULL,
		    "no IOMMU, which only giving SR-IOV VFs to VMs needs, and no SR-IOV PF");
		return;
	}
	add(d, "kernel.iommu", ST_WARN, NULL,
	    fmt("add intel_iommu=on iommu=pt to the kernel command line and reboot:\n"
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
	if (read_root_text(d, "/proc/sys/kernel/osrelease", k, sizeof(k)) <= 0 ||
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

static void check_sriov_capable(struct doctor *d)
{
	if (skip_in_container(d, "sriov.capable"))
		return;
	if (d->npfs == 0) {
		add(d, "sriov.capable", ST_SKIP, NULL, NULL, "no Intel GPU on PCI");
		return;
	}
	for (size_t i = 0; i < d->npfs; i++) {
		const struct pf *pf = &d->pfs[i];
		const char *drv = pf->driver[0] ? pf->driver : "no driver";
		char p[PATH_MAX];
		long maxvfs = -1;

		if (pf->totalvfs > 0) {
			add(d, "sriov.capable", ST_OK, NULL, NULL, "%s (%s) offers %d VFs",
			    pf->slot, drv, pf->totalvfs);
			continue;
		}
		if (pf->totalvfs < 0) {
			add(d, "sriov.capable", ST_SKIP, NULL, NULL,
			    "%s (%s) has no SR-IOV capability (SR-IOV needs Gen 12 or later: "
			    "Alder Lake, Raptor Lake, Meteor Lake, Flex)", pf->slot, drv);
			continue;
		}
		tool_sfmt(p, sizeof(p), "/sys/module/%s/parameters/max_vfs", drv);
		bool has_param = access(p, F_OK) == 0;
		bool readable = read_int(p, &maxvfs);

		if (strcmp(drv, "i915") == 0 && !has_param) {
			char release[160];
			long id = 0;

			dkms_release_text(d, release, sizeof(release));
			tool_sfmt(p, sizeof(p), "%s/device", pf->sysfs);
			read_int(p, &id);
			/* i915-sriov-dkms's README: the lines for its i915 and its xe. */
			add(d, "sriov.capable", ST_WARN, NULL,
			    fmt("install i915-sriov-dkms (https://github.com/strongtz/i915-sriov-dkms"
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
			add(d, "sriov.capable", ST_WARN, NULL,
			    set[0] ? fmt("%s", set)
				   : fmt("add %s.max_vfs=7 to the kernel command line (or 'options %s "
					 "max_vfs=7' in /etc/modprobe.d/%s.conf, then update-initramfs "
					 "-u) and reboot", drv, drv, drv),
			    "%s (%s) offers 0 VFs: %s.max_vfs is %s", pf->slot, drv, drv,
			    readable ? "0" : "not set");
		}
	}
}

static void check_guc(struct doctor *d)
{
	char p[PATH_MAX];
	long v;

	if (skip_in_container(d, "sriov.guc"))
		return;
	const struct pf *pf = NULL;

	for (size_t i = 0; i < d->npfs && !pf; i++)
		if (d->pfs[i].totalvfs > 0 && strcmp(d->pfs[i].driver, "i915") == 0)
			pf = &d->pfs[i];
	if (!pf) {
		bool xe = false;

		for (size_t i = 0; i < d->npfs; i++)
			xe |= d->pfs[i].totalvfs > 0 && strcmp(d->pfs[i].driver, "xe") == 0;
		add(d, "sriov.guc", ST_SKIP, NULL, NULL, "%s",
		    xe ? "the PF is on xe, which always uses GuC (no enable_guc to set)"
		       : "no SR-IOV PF on i915");
		return;
	}
	tool_sfmt(p, sizeof(p), "/sys/module/i915/parameters/enable_guc");
	if (access(p, F_OK) != 0) {
		add(d, "sriov.guc", ST_SKIP, NULL, NULL, "i915 has no enable_guc parameter");
		return;
	}
	if (access(p, R_OK) != 0 || !read_int(p, &v)) {
		add(d, "sriov.guc", ST_SKIP, NULL, NULL,
		    "i915.enable_guc is readable by root only: run vadiscover doctor as root");
		return;
	}
	if ((v & 3) == 3) {
		add(d, "sriov.guc", ST_OK, NULL, NULL,
		    "i915.enable_guc=%ld (GuC submission and HuC, as SR-IOV needs)", v);
		return;
	}
	char running[32], set[512];

	tool_sfmt(running, sizeof(running), "%ld", v);
	param_not_applied(d, "i915", "enable_guc", running, set, sizeof(set));
	add(d, "sriov.guc", ST_FAIL, NULL,
	    set[0] ? fmt("%s", set)
		   : fmt("set i915.enable_guc=3 on the kernel command line (or 'options i915 "
			 "enable_guc=3' in /etc/modprobe.d/i915.conf, then update-initramfs -u) "
			 "and reboot"),
	    "i915.enable_guc=%ld: SR-IOV needs GuC submission and HuC (3)", v);
}

static void check_vfs(struct doctor *d)
{
	bool any = false;

	if (skip_in_container(d, "sriov.vfs"))
		return;
	for (size_t i = 0; i < d->npfs; i++) {
		const struct pf *pf = &d->pfs[i];
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
		char *persist = fmt("echo '%s = %d' >> /etc/sysfs.conf   (apt install sysfsutils)",
				    attr, pf->numvfs > 0 ? pf->numvfs : pf->totalvfs);

		if (pf->numvfs > 0 && at_boot == pf->numvfs) {
			free(persist);
			add(d, "sriov.vfs", ST_OK, NULL, NULL, "%s: %d of %d VFs enabled, set at boot "
			    "by %s", pf->slot, pf->numvfs, pf->totalvfs, boot.where);
		} else if (pf->numvfs > 0 && boot.found) {
			free(persist);
			add(d, "sriov.vfs", ST_WARN, NULL,
			    fmt("in %s, set %d (the VFs enabled now), or re-create the VFs with "
				"the number wanted", boot.where, pf->numvfs),
			    "%s: %d of %d VFs enabled, but %s sets %s at boot", pf->slot,
			    pf->numvfs, pf->totalvfs, boot.where, boot.value);
		} else if (pf->numvfs > 0) {
			add(d, "sriov.vfs", ST_WARN, NULL, persist,
			    "%s: %d of %d VFs enabled, but nothing sets them at boot", pf->slot,
			    pf->numvfs, pf->totalvfs);
		} else if (at_boot > 0) {
			/* Persisted but not applied (sysfsutils not installed, or not run yet). */
			add(d, "sriov.vfs", ST_FAIL, NULL,
			    fmt("echo %ld > %s/sriov_numvfs", at_boot, pf->sysfs),
			    "%s: 0 of %d VFs enabled", pf->slot, pf->totalvfs);
			free(persist);
		} else {
			add(d, "sriov.vfs", ST_FAIL, NULL,
			    boot.found ? fmt("echo %d > %s/sriov_numvfs\n"
					     "and in %s, set %d instead of %s", pf->totalvfs,
					     pf->sysfs, boot.where, pf->totalvfs, boot.value)
				       : fmt("echo %d > %s/sriov_numvfs\n%s", pf->totalvfs,
					     pf->sysfs, persist),
			    "%s: 0 of %d VFs enabled", pf->slot, pf->totalvfs);
			free(persist);
		}
	}
	if (!any)
		add(d, "sriov.vfs", ST_SKIP, NULL, NULL, "no SR-IOV PF");
}

/* The device numbers sysfs gives the function at @vf (its drm/ directory). */
static void vf_rdevs(const char *vf, dev_t *render, dev_t *card)
{
	char p[PATH_MAX + 8];
	DIR *dir;
	struct dirent *de;

	*render = *card = 0;
	tool_sfmt(p, sizeof(p), "%s/drm", vf);
	dir = opendir(p);
	while (dir && (de = readdir(dir))) {
		unsigned int m;

		if (sscanf(de->d_name, "renderD%u", &m) == 1)
			*render = makedev(226, m);
		else if (sscanf(de->d_name, "card%u", &m) == 1)
			*card = makedev(226, m);
	}
	if (dir)
		closedir(dir);
}

static void check_vf_drivers(struct doctor *d)
{
	bool any = false;
	struct guests g = { 0 };

	if (skip_in_container(d, "sriov.vf-drivers"))
		return;
	/* The Proxmox guests the VFs are given to (/etc/pve under the root), if any. */
	bool have_guests = guests_load(&g, d->root) == 0;

	for (size_t i = 0; i < d->npfs; i++) {
		const struct pf *pf = &d->pfs[i];
		char text[2048] = "", p[PATH_MAX], link[PATH_MAX], binds[2048] = "";
		int unbound = 0;
		long autoprobe = 1;

		if (pf->numvfs <= 0)
			continue;
		any = true;
		for (int n = 0; n < pf->numvfs; n++) {
			char vf[PATH_MAX], what[128];
			size_t l = strlen(text);

			tool_sfmt(p, sizeof(p), "%s/virtfn%d", pf->sysfs, n);
			if (!realpath(p, vf))
				continue;
			tool_sfmt(p, sizeof(p), "%s/driver", vf);
			ssize_t r = readlink(p, link, sizeof(link) - 1);
			const char *slot = node_base(vf);

			if (r > 0) {
				link[r] = '\0';
				const char *drv = node_base(link);

				char guests[256] = "";
				dev_t render, card;

				vf_rdevs(vf, &render, &card);
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
		read_int(p, &autoprobe);
		if (unbound == 0) {
			add(d, "sriov.vf-drivers", ST_OK, NULL, NULL, "%s: %s", pf->slot, text);
			continue;
		}
		if (autoprobe == 0)
			add(d, "sriov.vf-drivers", unbound == pf->numvfs ? ST_FAIL : ST_WARN, NULL,
			    fmt("echo 1 > %s/sriov_drivers_autoprobe\n"
				"echo 0 > %s/sriov_numvfs\n"
				"echo %d > %s/sriov_numvfs\n"
				"or bind the VFs one by one:\n%s",
				pf->sysfs, pf->sysfs, pf->numvfs, pf->sysfs, binds),
			    "%s: %s (sriov_drivers_autoprobe is 0)", pf->slot, text);
		else
			add(d, "sriov.vf-drivers", unbound == pf->numvfs ? ST_FAIL : ST_WARN, NULL,
			    fmt("bind them:\n%s", binds),
			    "%s: %s", pf->slot, text);
	}
	if (!any)
		add(d, "sriov.vf-drivers", ST_SKIP, NULL, NULL, "no VFs");
	guests_free(&g);
}

/* ------------------------------------------------------------------------------------ */
/* Nodes and access */

static void check_nodes(struct doctor *d)
{
	size_t n = vad_device_count(d->ctx);
	char text[2048] = "", renamed[256] = "", renamed_host[48] = "";

	if (n == 0) {
		add(d, "dri.nodes", ST_FAIL, NULL,
		    d->container[0]
			    ? fmt("give the container a device from the host: there, 'vadiscover "
				  "list' shows them and 'vadiscover passthrough --help' how")
			    : fmt("no GPU driver made a node: check 'lspci -k' (Kernel driver in use) "
				  "and 'dmesg | grep -i -e i915 -e xe -e amdgpu'"),
		    "no DRM nodes: /dev/dri is missing or empty");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vad_device *dev = vad_device_get(d->ctx, i);
		const char *slot = vad_device_get_pci_slot(dev);
		const char *paths[2] = { vad_device_get_render_node(dev),
					 vad_device_get_card_node(dev) };
		dev_t rdevs[2] = { vad_device_get_render_rdev(dev), vad_device_get_card_rdev(dev) };
		int vf = vad_device_get_vf_index(dev);

		bool first = true;

		for (int k = 0; k < 2; k++) {
			char kname[32];
			size_t l = strlen(text);

			if (!paths[k])
				continue;
			if (!host_kernel_node_name(rdevs[k], kname, sizeof(kname)))
				kernel_node_name(kname, sizeof(kname), rdevs[k]);
			if (strcmp(node_base(paths[k]), kname) != 0 && !renamed[0]) {
				tool_sfmt(renamed, sizeof(renamed), "%s", node_base(paths[k]));
				tool_sfmt(renamed_host, sizeof(renamed_host), "%s", kname);
			}
			if (d->container[0])
				tool_sfmt(text + l, sizeof(text) - l, "%s%s = host %s (%u:%u)",
					 first ? "" : ", ", node_base(paths[k]), kname,
					 major(rdevs[k]), minor(rdevs[k]));
			else
				tool_sfmt(text + l, sizeof(text) - l, "%s%s", first ? "" : " ",
					 node_base(paths[k]));
			first = false;
		}
		size_t l = strlen(text);

		if (vf > 0)
			tool_sfmt(text + l, sizeof(text) - l, " (VF %d, %s)", vf, slot ? slot : "?");
		else if (slot)
			tool_sfmt(text + l, sizeof(text) - l, " (%s)", slot);
		if (i + 1 < n) {
			l = strlen(text);
			tool_sfmt(text + l, sizeof(text) - l, "; ");
		}
	}
	if (renamed[0]) {
		/* libdrm finds a node's type by the name the kernel gives its number in some
		 * releases (2.4.124: access("/dev/dri/renderD<minor>")), and so does every
		 * program that looks for renderD*. */
		add(d, "dri.nodes", ST_WARN, NULL,
		    fmt("give the nodes their host names (%s as /dev/dri/%s): on the host, "
			"'vadiscover passthrough --help' shows how",
			renamed, renamed_host),
		    "%s%s; %s is not named as the kernel names it: libdrm releases that "
		    "find a node's type by that name (2.4.124 does) and programs that look "
		    "for renderD* do not see it", d->container[0] ? "passed in: " : "", text,
		    renamed);
		return;
	}
	add(d, "dri.nodes", ST_OK, NULL, NULL, "%s%s", d->container[0] ? "passed in: " : "",
	    text);
}

/* The command to run on a Proxmox host that gives this container @dev with its group
 * @gid (-1: none known), into @buf; "" when the container's id cannot be found from in
 * here (no /etc/hostname to look it up by in `pct list`). */
static void host_give_command(const struct doctor *d, const struct vad_device *dev,
			      const char *hostpath, long gid, char *buf, size_t len)
{
	char host[128] = "", spec[128], gidopt[32] = "";
	const char *slot = vad_device_get_pci_slot(dev);

	buf[0] = '\0';
	if (read_root_text(d, "/etc/hostname", host, sizeof(host)) <= 0)
		return;
	host[strcspn(host, "\n")] = '\0';
	if (!host[0] || host[strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789.-")])
		return; /* not a host name to put in a command line */
	if (slot)
		tool_sfmt(spec, sizeof(spec), "pci=%s", slot);
	else
		tool_sfmt(spec, sizeof(spec), "node=%s", hostpath);
	if (gid >= 0)
		tool_sfmt(gidopt, sizeof(gidopt), " --gid %ld", gid);
	/* pct list: VMID Status [Lock] Name; the name is the last field. */
	tool_sfmt(buf, len, "vadiscover passthrough %s --to pve --ct \"$(pct list | awk '$NF == "
	     "\"%s\" {print $1}')\"%s", spec, host, gidopt);
}

/* The fix for a node the account cannot open. */
static char *access_fix(struct doctor *d, const struct vad_device *dev, int err,
			unsigned int node_gid, const char *who, const char *summary_out[1])
{
	dev_t rdev = vad_device_get_render_node(dev) ? vad_device_get_render_rdev(dev)
						    : vad_device_get_card_rdev(dev);
	char kname[48], gname[64] = "", hostpath[64], give[512], step[768];
	long render_gid = -1;
	bool have_render = group_lookup(d, "render", &render_gid, NULL, 0);

	if (!host_kernel_node_name(rdev, kname, sizeof(kname)))
		kernel_node_name(kname, sizeof(kname), rdev);
	tool_sfmt(hostpath, sizeof(hostpath), "/dev/dri/%s", kname);
	host_give_command(d, dev, hostpath, have_render ? render_gid : -1, give, sizeof(give));
	/* What gives the node with a group of this container, run on the host. */
	if (!have_render)
		tool_sfmt(step, sizeof(step), "this container has no render group: first, in here, "
		     "groupadd -r render, then run vadiscover doctor again for the host's "
		     "command");
	else if (give[0])
		tool_sfmt(step, sizeof(step), "on the host (Proxmox VE 8.1 or later), which gives the "
		     "node with this container's render group (%ld):\n  %s", render_gid, give);
	else
		tool_sfmt(step, sizeof(step), "on the host (Proxmox VE 8.1 or later): vadiscover "
		     "passthrough with --to pve, --ct and this container's id (pct list shows "
		     "it), and --gid %ld, this container's render group", render_gid);
	if (err == -EPERM) {
		*summary_out = "the container's device rules do not allow it";
		return fmt("%s\n"
			   "or the raw LXC form (Proxmox or LXC's config):\n"
			   "  lxc.cgroup2.devices.allow = c %u:%u rwm\n"
			   "  lxc.mount.entry = %s %s none bind,optional,create=file\n"
			   "Docker: docker run --device %s:%s\n"
			   "(vadiscover passthrough prints these on the host)",
			   step, major(rdev), minor(rdev), hostpath, hostpath + 1, hostpath,
			   hostpath);
	}
	/* A group the container does not map shows as the overflow id: joining it, root
	 * included, gives nothing (the kernel grants no override on unmapped ids). */
	if (node_gid == OVERFLOW_GID && (d->userns || d->container[0])) {
		*summary_out = "its group shows as 65534 (nogroup): the host's group is not "
			       "mapped into this container, no group in here can help";
		if (!have_render)
			return fmt("%s", step);
		return fmt("%s\n"
			   "then remove the container's lxc.mount.entry and "
			   "lxc.cgroup2.devices.allow lines for %s (the bind mount)\n"
			   "or map the host's render group into this container (lxc.idmap in its "
			   "config, and /etc/subgid on the host)", step, kname);
	}
	long g = node_gid;

	if (!group_lookup(d, NULL, &g, gname, sizeof(gname)))
		tool_sfmt(gname, sizeof(gname), "%u", node_gid);
	*summary_out = "not in the node's group";
	return fmt("usermod -aG %s %s\n"
		   "then restart the service (systemctl restart jellyfin) or log in again",
		   gname, who);
}

/* One dri.access line for @a (NULL: this process, as the scan found). */
static void access_line(struct doctor *d, const struct vad_device *dev, const struct account *a)
{
	const char *node = vad_device_get_node(dev);
	struct stat st = { 0 };
	unsigned int gid = 0, mode = 0660;
	int err = vad_device_get_access(dev);
	const char *why = NULL;

	if (stat(node, &st) == 0) {
		gid = st.st_gid;
		mode = st.st_mode & 0777;
	}
	char who[80];

	if (a)
		tool_sfmt(who, sizeof(who), "%s", a->name);
	else {
		struct account self;

		if (account_lookup(d, NULL, (unsigned int)geteuid(), &self))
			tool_sfmt(who, sizeof(who), "%s", self.name);
		else
			tool_sfmt(who, sizeof(who), "uid %u", (unsigned int)geteuid());
	}
	/* A device cgroup refuses everybody, root too; otherwise judge @a by the mode bits. */
	if (a && err != -EPERM) {
		bool in_group = false;

		for (size_t i = 0; i < a->ngroups; i++)
			in_group |= a->groups[i] == gid;
		/* Root's override holds only for ids its user namespace maps: not for a node
		 * that shows the overflow owner or group. */
		bool root = a->uid == 0 && !((d->userns || d->container[0]) &&
					     (st.st_uid == OVERFLOW_GID || gid == OVERFLOW_GID));

		if (root || (st.st_uid == a->uid && (mode & 0600) == 0600) ||
		    (in_group && (mode & 060) == 060) || (mode & 06) == 06)
			err = 0;
		else
			err = -EACCES;
	}
	if (err == 0) {
		char gname[64] = "";
		long g = gid;

		if (!group_lookup(d, NULL, &g, gname, sizeof(gname)))
			tool_sfmt(gname, sizeof(gname), "%u", gid);
		add(d, "dri.access", ST_OK, node, NULL, "%s can open %s (group %s)", who,
		    node_base(node), gname);
		return;
	}
	char *fix = access_fix(d, dev, err, gid, who, &why);

	add(d, "dri.access", ST_FAIL, node, fix, "%s cannot open %s (%s): %s", who,
	    node_base(node), strerror(-err), why);
}

static void check_access(struct doctor *d)
{
	struct account a, jf;

	if (!d->target) {
		add(d, "dri.access", ST_SKIP, NULL, NULL, "no node");
		return;
	}
	if (d->user) {
		account_lookup(d, d->user, 0, &a); /* checked when parsing */
		access_line(d, d->target, &a);
	} else {
		access_line(d, d->target, NULL);
	}
	/* The media server's account, which is what matters in the end. */
	if ((!d->user || strcmp(d->user, "jellyfin") != 0) &&
	    account_lookup(d, "jellyfin", 0, &jf))
		access_line(d, d->target, &jf);
}

/* ------------------------------------------------------------------------------------ */
/* VA */

static void check_libva(struct doctor *d)
{
	int r = vad_libva_load(d->ctx);
	const char *path = vad_get_libva_path(d->ctx);
	int v = vad_get_libva_version(d->ctx);

	if (r == 0 && path) {
		d->libva_ok = true;
		if (v >= 0)
			add(d, "va.libva", ST_OK, NULL, NULL, "libva %d.%d: %s", v / 100, v % 100,
			    path);
		else
			add(d, "va.libva", ST_OK, NULL, NULL, "libva (version unknown): %s", path);
		return;
	}
	const char *e = vad_get_libva_error(d->ctx);

	add(d, "va.libva", ST_FAIL, NULL,
	    fmt("apt install libva2 libva-drm2 (Debian/Ubuntu), or run doctor with "
		"--ffmpeg PATH for an ffmpeg that brings its own libva (jellyfin-ffmpeg)"),
	    "no usable libva: %s", e ? e : strerror(-r));
}

/* The VA driver name for messages: the one probed or forced, else libva 2.17's choice
 * for the kernel driver (as vad_device_find_va_driver_file() looks it up). */
static const char *va_driver_name(const struct vad_device *dev)
{
	const char *name = vad_device_get_va_driver(dev);

	if (name || (name = vad_device_get_required_va_driver(dev)))
		return name;
	return vad_va_driver_for_kernel_driver(vad_device_get_kernel_driver(dev));
}

static void check_va_driver(struct doctor *d)
{
	size_t n = vad_device_count(d->ctx);
	bool any = false;

	if (!d->libva_ok) {
		add(d, "va.driver", ST_SKIP, NULL, NULL, "no libva");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vad_device *dev = vad_device_get(d->ctx, i);
		const char *node = vad_device_get_node(dev);
		const char *name = va_driver_name(dev);
		char where[PATH_MAX * 2];

		if (!vad_device_get_render_node(dev))
			continue; /* a display-only device has no VA */
		any = true;
		int r = name ? vad_device_find_va_driver_file(d->ctx, dev, name, where,
							      sizeof(where))
			     : -ENODATA;

		if (r == 0) {
			add(d, "va.driver", ST_OK, node, NULL, "%s: %s", node_base(node), where);
			continue;
		}
		if (r != -ENOENT) {
			add(d, "va.driver", ST_SKIP, node, NULL, "%s: %s", node_base(node),
			    r == -ENODATA ? "no kernel driver, so no VA driver name" : strerror(-r));
			continue;
		}
		const char *pkg = vad_va_driver_package(name);

		add(d, "va.driver", ST_FAIL, node,
		    strstr(where, "jellyfin-ffmpeg")
			    ? fmt("reinstall jellyfin-ffmpeg: it brings its own %s_drv_video.so in %s",
				  name, where)
		    : pkg ? fmt("apt install %s", pkg)
			  : fmt("install the VA driver %s_drv_video.so for kernel driver %s", name,
				vad_device_get_kernel_driver(dev)),
		    "%s: %s_drv_video.so is not installed (searched %s)", node_base(node), name,
		    where);
	}
	if (!any)
		add(d, "va.driver", ST_SKIP, NULL, NULL, "no device with a render node");
}

static void check_va_init(struct doctor *d)
{
	size_t n = vad_device_count(d->ctx);
	int capable = 0, probed = 0;

	if (!d->libva_ok) {
		add(d, "va.init", ST_SKIP, NULL, NULL, "no libva");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (vad_device_is_probed(vad_device_get(d->ctx, i)) &&
		    vad_device_get_va_status(vad_device_get(d->ctx, i)) == 0)
			capable++;
	for (size_t i = 0; i < n; i++) {
		const struct vad_device *dev = vad_device_get(d->ctx, i);
		const char *node = vad_device_get_node(dev);
		char summary[1024];

		/* A display-only device (no render node: ast, bochs, simpledrm) has no VA. */
		if (!vad_device_is_probed(dev) || !vad_device_get_render_node(dev))
			continue;
		probed++;
		out_va_summary(summary, sizeof(summary), dev);
		if (vad_device_get_va_status(dev) == 0) {
			add(d, "va.init", ST_OK, node, NULL, "%s: %s", node_base(node),
			    summary + (strncmp(summary, "VA: ", 4) == 0 ? 4 : 0));
			continue;
		}
		const char *reason = vad_device_get_reason(dev);
		int st = vad_device_get_va_status(dev);

		add(d, "va.init", capable ? ST_WARN : ST_FAIL, node,
		    st == -EACCES || st == -EPERM
			    ? fmt("see dri.access")
			    : fmt("see va.driver; then LIBVA_MESSAGING_LEVEL=2 vainfo --display drm "
				  "--device %s shows libva's own words", node),
		    "%s: %s", node_base(node), reason ? reason : summary);
	}
	if (!probed)
		add(d, "va.init", ST_SKIP, NULL, NULL, "no device was probed");
}

static void check_opencl(struct doctor *d)
{
	char p[PATH_MAX], names[512] = "";
	DIR *dir;
	struct dirent *de;

	under_root(d, p, sizeof(p), "/etc/OpenCL/vendors");
	dir = opendir(p);
	while (dir && (de = readdir(dir))) {
		size_t l = strlen(de->d_name), k = strlen(names);

		if (l > 4 && strcmp(de->d_name + l - 4, ".icd") == 0)
			tool_sfmt(names + k, sizeof(names) - k, "%s%s", k ? " " : "", de->d_name);
	}
	if (dir)
		closedir(dir);
	if (names[0]) {
		add(d, "opencl", ST_OK, NULL, NULL, "OpenCL ICDs: %s", names);
		return;
	}
	add(d, "opencl", ST_WARN, NULL,
	    fmt("apt install intel-opencl-icd (Intel; jellyfin-ffmpeg's Docker image has it)"),
	    "no OpenCL ICD in /etc/OpenCL/vendors: Jellyfin's tone mapping "
	    "(-init_hw_device opencl=ocl@va) will fail");
}

/* ------------------------------------------------------------------------------------ */
/* Jellyfin */

/* The --ffmpeg value in a command line or an option string ("--ffmpeg=P", "--ffmpeg P"). */
static bool ffmpeg_opt(const char *s, size_t len, char *out, size_t outlen)
{
	const char *end = s + len;

	for (const char *p = s; p < end; p++) {
		if ((size_t)(end - p) < 8 || strncmp(p, "--ffmpeg", 8) != 0)
			continue;
		p += 8;
		if (p < end && (*p == '=' || *p == ' ' || *p == '\0'))
			p++;
		size_t l = 0;

		while (p + l < end && p[l] && p[l] != ' ' && p[l] != '"' && p[l] != '\n')
			l++;
		if (!l)
			return false;
		tool_sfmt(out, outlen, "%.*s", (int)l, p);
		return true;
	}
	return false;
}

/* A running jellyfin's --ffmpeg, from /proc/PID/cmdline under the root. */
static bool running_jellyfin(const struct doctor *d, char *out, size_t outlen, long *pid)
{
	char p[PATH_MAX];
	DIR *dir;
	struct dirent *de;
	bool found = false;

	under_root(d, p, sizeof(p), "/proc");
	dir = opendir(p);
	while (dir && !found && (de = readdir(dir))) {
		char f[PATH_MAX + 300], buf[8192];
		char *end;
		long id = strtol(de->d_name, &end, 10);

		if (end == de->d_name || *end)
			continue;
		tool_sfmt(f, sizeof(f), "%s/%s/cmdline", p, de->d_name);
		int n = host_read_text(f, buf, sizeof(buf));

		if (n <= 0 || !strstr(node_base(buf), "jellyfin"))
			continue;
		if (ffmpeg_opt(buf, (size_t)n, out, outlen)) {
			*pid = id;
			found = true;
		}
	}
	if (dir)
		closedir(dir);
	return found;
}

/* Whether the file is vadiscover's wrapper: it names its own variables. */
static int is_wrapper(const char *path)
{
	FILE *f = fopen(path, "re");
	static const char mark[] = "VADISCOVER_FFMPEG";
	char buf[65536 + sizeof(mark)];
	size_t keep = 0, n;
	int found = 0;

	if (!f)
		return -errno;
	while (!found && (n = fread(buf + keep, 1, sizeof(buf) - keep, f)) > 0) {
		size_t total = keep + n;

		found = memmem(buf, total, mark, sizeof(mark) - 1) != NULL;
		keep = total < sizeof(mark) ? total : sizeof(mark) - 1;
		memmove(buf, buf + total - keep, keep);
	}
	fclose(f);
	return found;
}

static void check_jellyfin(struct doctor *d)
{
	char path[PATH_MAX] = "", source[128] = "", buf[8192];
	long pid = 0;
	const char *env;

	if (read_root_text(d, "/etc/default/jellyfin", buf, sizeof(buf)) > 0) {
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			while (*line == ' ' || *line == '\t')
				line++;
			if (strncmp(line, "JELLYFIN_FFMPEG_OPT=", 20) == 0 &&
			    ffmpeg_opt(line, strlen(line), path, sizeof(path)))
				tool_sfmt(source, sizeof(source),
					 "JELLYFIN_FFMPEG_OPT in /etc/default/jellyfin");
		}
	}
	if (!path[0] && (env = getenv("JELLYFIN_FFMPEG")) && *env) {
		tool_sfmt(path, sizeof(path), "%s", env);
		tool_sfmt(source, sizeof(source), "$JELLYFIN_FFMPEG");
	}
	if (!path[0] && (env = getenv("FFMPEG_PATH")) && *env) {
		tool_sfmt(path, sizeof(path), "%s", env);
		tool_sfmt(source, sizeof(source), "$FFMPEG_PATH");
	}
	if (running_jellyfin(d, buf, sizeof(buf), &pid)) {
		/* What the running server was started with wins over what the files say. */
		tool_sfmt(path, sizeof(path), "%s", buf);
		tool_sfmt(source, sizeof(source), "the running jellyfin (pid %ld)", pid);
	}
	if (!path[0]) {
		add(d, "jellyfin.ffmpeg", ST_SKIP, NULL, NULL,
		    "no Jellyfin found (/etc/default/jellyfin, $JELLYFIN_FFMPEG, $FFMPEG_PATH, a "
		    "running jellyfin)");
		return;
	}
	char file[PATH_MAX + 64];

	under_root(d, file, sizeof(file), path);
	int w = is_wrapper(file);

	if (w < 0) {
		add(d, "jellyfin.ffmpeg", ST_FAIL, NULL,
		    fmt("install jellyfin-ffmpeg (apt install jellyfin-ffmpeg7), or correct %s",
			source),
		    "Jellyfin is told to run %s (%s), which cannot be read: %s", path, source,
		    strerror(-w));
		return;
	}
	if (w) {
		add(d, "jellyfin.ffmpeg", ST_OK, NULL, NULL,
		    "Jellyfin runs %s (%s): vadiscover's wrapper", path, source);
		return;
	}
	add(d, "jellyfin.ffmpeg", ST_WARN, NULL,
	    strstr(source, "/etc/default/jellyfin")
		    ? fmt("in /etc/default/jellyfin:\n"
			  "  JELLYFIN_FFMPEG_OPT=\"--ffmpeg=%s\"\n"
			  "then systemctl restart jellyfin (the wrapper runs %s)",
			  VAD_WRAPPER_PATH, path)
		    : fmt("point %s at %s (the wrapper runs jellyfin-ffmpeg), then restart "
			  "Jellyfin", source, VAD_WRAPPER_PATH),
	    "Jellyfin runs %s (%s), not vadiscover's wrapper: its device is the one named in "
	    "its settings", path, source);
}

/* ------------------------------------------------------------------------------------ */
/* Output */

static void print_human(const struct doctor *d, int failed, int warned)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct check *c = &d->checks[i];

		printf("%-4s  %-16s  %s\n", status_names[c->status], c->id,
		       c->summary ? c->summary : "");
		if (!c->fix)
			continue;
		const char *s = c->fix;
		bool first = true;

		while (*s) {
			size_t l = strcspn(s, "\n");

			printf("      %s %.*s\n", first ? "fix:" : "    ", (int)l, s);
			first = false;
			s += l;
			if (*s)
				s++;
		}
	}
	printf("%d failed, %d warning%s\n", failed, warned, warned == 1 ? "" : "s");
}

static void print_json(const struct doctor *d, int failed, int warned)
{
	struct jw w;

	jw_init(&w, stdout);
	jw_object_begin(&w, NULL);
	jw_int(&w, "format", VAD_TOOL_JSON_FORMAT);
	jw_string(&w, "command", "doctor");
	jw_string(&w, "root", d->root);
	jw_string(&w, "user", d->user);
	jw_string(&w, "container", d->container[0] ? d->container : NULL);
	jw_int(&w, "failed", failed);
	jw_int(&w, "warnings", warned);
	jw_array_begin(&w, "checks");
	for (size_t i = 0; i < d->n; i++) {
		const struct check *c = &d->checks[i];

		jw_object_begin(&w, NULL);
		jw_string(&w, "id", c->id);
		jw_string(&w, "status", status_names[c->status]);
		jw_string(&w, "summary", c->summary);
		jw_string(&w, "fix", c->fix);
		jw_string(&w, "device", c->device);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	jw_finish(&w);
}

/* ------------------------------------------------------------------------------------ */

static int parse(int argc, char **argv, struct doctor *d)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},	  {"debug", no_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},	  {"user", required_argument, NULL, 'u'},
		{"root", required_argument, NULL, 'r'}, {"ffmpeg", required_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	int c;

	d->root = "/";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hd", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(help_text, stdout);
			return EXIT_OK;
		case 'd': d->debug = true; break;
		case 'j': d->json = true; break;
		case 'u': d->user = optarg; break;
		case 'r': d->root = optarg; break;
		case 'F': d->ffmpeg = optarg; break;
		default:
			return tool_option_error("doctor: ", c, argv);
		}
	}
	if (optind < argc) {
		tool_usage_error("doctor takes no argument (got '%s')", argv[optind]);
		return EXIT_USAGE;
	}
	struct stat st;

	if (d->root[0] != '/' || stat(d->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		tool_usage_error("doctor: --root %s: not an absolute path to a directory", d->root);
		return EXIT_USAGE;
	}
	struct account a;

	if (d->user && !account_lookup(d, d->user, 0, &a)) {
		tool_usage_error("doctor: --user %s: no such user in %s/etc/passwd", d->user,
				 strcmp(d->root, "/") == 0 ? "" : d->root);
		return EXIT_USAGE;
	}
	return -1;
}

int doctor_main(int argc, char **argv)
{
	struct doctor d = { 0 };
	struct vad_spec *spec = NULL;
	struct vad_device *sel = NULL;
	int ret = parse(argc, argv, &d), r, failed = 0, warned = 0;

	if (ret >= 0)
		return ret;
	ret = EXIT_INTERNAL;
	if ((r = tool_context_new(&d.ctx, d.debug, true, d.ffmpeg)) != EXIT_OK)
		return r;
	detect_container(&d);
	find_pfs(&d);
	check_iommu(&d);
	check_sriov_capable(&d);
	check_guc(&d);
	check_vfs(&d);
	check_vf_drivers(&d);

	r = vad_scan(d.ctx);
	if (r < 0) {
		fprintf(stderr, "vadiscover: scanning /dev/dri failed: %s\n", strerror(-r));
		goto out;
	}
	/* Every device gets a verdict; the node to use is what pick would print. */
	const char *text = getenv("VADISCOVER_SELECT");

	if (vad_spec_new(&spec, text, NULL, 0) < 0)
		vad_spec_new(&spec, NULL, NULL, 0);
	r = vad_select(d.ctx, spec, VAD_SELECT_ALL, &sel);
	if (r < 0 && r != -ENOENT && r != -ENODEV) {
		fprintf(stderr, "vadiscover: probing failed: %s\n", strerror(-r));
		goto out;
	}
	d.target = sel;
	for (size_t i = 0; !d.target && i < vad_device_count(d.ctx); i++)
		if (vad_device_get_render_node(vad_device_get(d.ctx, i)))
			d.target = vad_device_get(d.ctx, i);
	check_nodes(&d);
	check_access(&d);
	check_libva(&d);
	check_va_driver(&d);
	check_va_init(&d);
	check_opencl(&d);
	check_jellyfin(&d);
	if (d.oom) {
		fprintf(stderr, "vadiscover: %s\n", strerror(ENOMEM));
		goto out;
	}
	for (size_t i = 0; i < d.n; i++) {
		failed += d.checks[i].status == ST_FAIL;
		warned += d.checks[i].status == ST_WARN;
	}
	if (d.json)
		print_json(&d, failed, warned);
	else
		print_human(&d, failed, warned);
	ret = failed ? EXIT_NO_DEVICE : EXIT_OK;
out:
	for (size_t i = 0; i < d.n; i++) {
		free(d.checks[i].summary);
		free(d.checks[i].fix);
	}
	free(d.checks);
	vad_spec_free(spec);
	vad_unref(d.ctx);
	return ret;
}
