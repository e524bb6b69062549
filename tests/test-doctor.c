/* Tests of `vadiscover doctor` and `vadiscover passthrough`: the real tool under the
 * fake-GPU harness, on the SR-IOV set-up topologies (tests/harness/topologies.c), with the
 * files outside /sys and /dev (/etc, /proc, /run, programs) modelled by a plain directory
 * given as --root. Asserts exact check lines, statuses, fixes and exit codes; the JSON
 * document against its contract (vadiscover/tool/JSON.md) and the CDI spec against the
 * CDI specification, both parsed by python3; the Proxmox and LXC lines against
 * pve-container's and LXC's grammar.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/common/toolrun.h"

#ifndef VAD_TEST_BUILDDIR
#error "VAD_TEST_BUILDDIR must be defined by the build"
#endif

/* ---------------------------------------------------------------------------------- */
/* The machines' files and the helpers that read the output */

/* The lines of @out whose check id is @id ("ok    sriov.vfs         ..." and their fix
 * lines), joined. */
static char *check_block(const char *out, const char *id)
{
	size_t cap = strlen(out) + 1, len = 0;
	char *res = calloc(cap, 1);
	bool in = false;

	ck_assert_ptr_nonnull(res);
	for (const char *line = out; *line;) {
		size_t l = strcspn(line, "\n");
		char word[64] = "";

		if (line[0] != ' ') {
			sscanf(line, "%*s %63s", word);
			in = strcmp(word, id) == 0;
		}
		if (in) {
			memcpy(res + len, line, l);
			len += l;
			res[len++] = '\n';
		}
		line += l + (line[l] == '\n');
	}
	return res;
}

/* The statuses and ids in order, one "status id" per line. */
static char *status_list(const char *out)
{
	char *res = calloc(strlen(out) + 1, 1);
	size_t len = 0;

	ck_assert_ptr_nonnull(res);
	for (const char *line = out; *line;) {
		size_t l = strcspn(line, "\n");
		char st[16], id[64];

		if (line[0] != ' ' && sscanf(line, "%15s %63s", st, id) == 2 &&
		    (strcmp(st, "ok") == 0 || strcmp(st, "warn") == 0 || strcmp(st, "fail") == 0 ||
		     strcmp(st, "skip") == 0))
			len += (size_t)sprintf(res + len, "%s %s\n", st, id);
		line += l + (line[l] == '\n');
	}
	return res;
}

/* A healthy Proxmox host's files: VFs persisted by sysfsutils, an OpenCL ICD. */
static const char *const healthy_host_files[] = {
	"/etc/sysfs.conf", "devices/pci0000:00/0000:00:02.0/sriov_numvfs = 7\n",
	"/etc/OpenCL/vendors/intel.icd", "/usr/lib/x86_64-linux-gnu/intel-opencl/libigdrcl.so\n",
	"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n",
	"/etc/group", "root:x:0:\nvideo:x:44:\nrender:x:993:\n",
	NULL,
};

/* The Proxmox host whose /etc/pve gives VF 3 to VM 101 (vfio-pci) and VF 4 to LXC 123. */
static const char *const pve_host_files[] = {
	"/etc/sysfs.conf", "devices/pci0000:00/0000:00:02.0/sriov_numvfs = 7\n",
	"/etc/OpenCL/vendors/intel.icd", "x\n",
	"/etc/pve/qemu-server/101.conf",
	"boot: order=scsi0\ncores: 4\nhostpci0: 0000:00:02.3,pcie=1\nmachine: q35\n"
	"memory: 8192\nname: win11\n",
	"/etc/pve/lxc/123.conf",
	"arch: amd64\nhostname: jellyfin\ndev0: /dev/dri/renderD132,gid=104\n"
	"unprivileged: 1\n",
	NULL,
};

/* An unprivileged Proxmox LXC (Debian 12 template, Jellyfin's Debian package): systemd
 * says lxc, ids are shifted by 100000, render is 104 in here. */
static const char *const lxc_files[] = {
	"/run/systemd/container", "lxc\n",
	"/proc/self/uid_map", "         0     100000      65536\n",
	"/etc/hostname", "jellyfin\n",
	"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
		       "jellyfin:x:105:112:Jellyfin default user:/var/lib/jellyfin:/usr/sbin/nologin\n",
	"/etc/group", "root:x:0:\nvideo:x:44:jellyfin\nrender:x:104:jellyfin\njellyfin:x:112:\n",
	"/etc/OpenCL/vendors/intel.icd", "x\n",
	NULL,
};

/* Jellyfin's Debian package: /etc/default/jellyfin as the package installs it. */
static const char default_jellyfin[] =
	"# Jellyfin default configuration options\n"
	"JELLYFIN_DATA_DIR=\"/var/lib/jellyfin\"\n"
	"JELLYFIN_CONFIG_DIR=\"/etc/jellyfin\"\n"
	"JELLYFIN_LOG_DIR=\"/var/log/jellyfin\"\n"
	"JELLYFIN_CACHE_DIR=\"/var/cache/jellyfin\"\n"
	"JELLYFIN_WEB_OPT=\"--webdir=/usr/share/jellyfin/web\"\n"
	"JELLYFIN_FFMPEG_OPT=\"--ffmpeg=/usr/lib/jellyfin-ffmpeg/ffmpeg\"\n"
	"#JELLYFIN_SERVICE_OPT=\"--service\"\n";

/* doctor --json against its contract (vadiscover/tool/JSON.md): prints "id=status ...". */
static const char json_contract_py[] =
	"import json, sys\n"
	"doc = json.load(sys.stdin)\n"
	"ids = {'kernel.iommu', 'sriov.capable', 'sriov.guc', 'sriov.vfs', 'sriov.vf-drivers',\n"
	"       'dri.nodes', 'dri.access', 'va.libva', 'va.driver', 'va.init', 'opencl',\n"
	"       'jellyfin.ffmpeg'}\n"
	"assert doc['format'] == 1, doc['format']\n"
	"assert doc['command'] == 'doctor'\n"
	"assert isinstance(doc['root'], str)\n"
	"assert doc['user'] is None or isinstance(doc['user'], str)\n"
	"assert doc['container'] is None or isinstance(doc['container'], str)\n"
	"checks = doc['checks']\n"
	"assert isinstance(checks, list) and checks\n"
	"for c in checks:\n"
	"    assert c['id'] in ids, c['id']\n"
	"    assert c['status'] in ('ok', 'warn', 'fail', 'skip'), c['status']\n"
	"    assert isinstance(c['summary'], str) and c['summary'], c\n"
	"    assert c['fix'] is None or (isinstance(c['fix'], str) and c['fix']), c\n"
	"    assert c['device'] is None or c['device'].startswith('/dev/dri/'), c\n"
	"    assert (c['fix'] is None) == (c['status'] in ('ok', 'skip')), c\n"
	"assert doc['failed'] == sum(c['status'] == 'fail' for c in checks)\n"
	"assert doc['warnings'] == sum(c['status'] == 'warn' for c in checks)\n"
	"order = [c['id'] for c in checks]\n"
	"seen = []\n"
	"for i in order:\n"
	"    if not seen or seen[-1] != i:\n"
	"        assert i not in seen, 'ids out of order: %s' % order\n"
	"        seen.append(i)\n"
	"print(' '.join('%s=%s' % (c['id'], c['status']) for c in checks))\n";

/* Runs python3 -c @script with @input on stdin; returns its stdout, asserts it succeeded. */
static char *python(const char *script, const char *input)
{
	char *argv[] = { "python3", "-c", (char *)script, NULL };
	struct th_opts o = { .stdin_data = input };
	struct th_result res;

	ck_assert_int_eq(th_run(&o, argv, &res), 0);
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0,
		      "python3 failed:\n%s\non:\n%s", res.err, input);
	char *out = strdup(res.out);
	th_result_free(&res);
	return out;
}

/* The CDI spec, parsed and checked against the CDI specification (SPEC.md of
 * cncf-tags/container-device-interface): kind "vendor/class" with a DNS subdomain as the
 * vendor, at least one device, names from [A-Za-z0-9_.-] beginning and ending
 * alphanumeric, deviceNodes with path, type, major, minor, and cdiVersion exactly the
 * lowest that has every field used (specs-go/version.go). */
static const char cdi_py[] =
	"import json, re, sys\n"
	"doc = json.load(sys.stdin)\n"
	"assert set(doc) == {'cdiVersion', 'kind', 'devices'}, doc.keys()\n"
	"vendor, cls = doc['kind'].split('/')\n"
	"label = r'[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?'\n"
	"assert re.fullmatch(label + r'(\\.' + label + r')+', vendor), vendor  # DNS subdomain\n"
	"assert re.fullmatch(r'[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?', cls)\n"
	"assert doc['devices']\n"
	"need = (0, 3, 0)\n"
	"for d in doc['devices']:\n"
	"    assert set(d) == {'name', 'containerEdits'}, d.keys()\n"
	"    assert re.fullmatch(r'[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?', d['name'])\n"
	"    if d['name'][0].isdigit(): need = max(need, (0, 5, 0))\n"
	"    e = d['containerEdits']\n"
	"    assert set(e) <= {'deviceNodes', 'additionalGids'}, e.keys()\n"
	"    if 'additionalGids' in e: need = max(need, (0, 7, 0))\n"
	"    for g in e.get('additionalGids', []):\n"
	"        assert isinstance(g, int) and g >= 0\n"
	"    for n in e['deviceNodes']:\n"
	"        assert set(n) <= {'path', 'hostPath', 'type', 'major', 'minor', 'fileMode',\n"
	"                          'permissions', 'uid', 'gid'}, n.keys()\n"
	"        if 'hostPath' in n: need = max(need, (0, 5, 0))\n"
	"        assert n['path'].startswith('/dev/')\n"
	"        assert n['type'] == 'c'\n"
	"        assert re.fullmatch('[rwm]+', n['permissions'])\n"
	"        print(d['name'], n['path'], n.get('hostPath', '-'),\n"
	"              '%d:%d' % (n['major'], n['minor']), oct(n['fileMode']), n.get('gid', '-'),\n"
	"              e.get('additionalGids'))\n"
	"# the lowest version that has every field used (specs-go/version.go)\n"
	"assert tuple(map(int, doc['cdiVersion'].split('.'))) == need, (doc['cdiVersion'], need)\n"
	"print(doc['kind'], doc['cdiVersion'])\n";

/* ---------------------------------------------------------------------------------- */
/* The runs of the tool (tests/common/toolrun.h) */

/* What a row of test-doctor asserts beyond toolrun's checks: check blocks, statuses, what
 * python3 makes of the document. */
static void doctor_more(const char *name, const struct tool_run *t,
			const struct tool_result *r)
{
	for (int i = 0; i < 6 && t->blocks[i].id; i++) {
		char *b = check_block(r->out, t->blocks[i].id);

		ck_assert_msg(strcmp(b, t->blocks[i].text) == 0, "%s: %s:\n--- got\n%s--- want\n%s",
			      name, t->blocks[i].id, b, t->blocks[i].text);
		free(b);
	}
	if (t->statuses) {
		char *list = status_list(r->out);

		ck_assert_msg(strcmp(list, t->statuses) == 0, "%s: statuses\n%s\nnot\n%s", name,
			      list, t->statuses);
		free(list);
	}
	if (t->script) {
		char *got = python(t->script, r->out);

		if (t->script_out)
			ck_assert_msg(strcmp(got, t->script_out) == 0, "%s: python3 printed\n%s\n"
				      "not\n%s", name, got, t->script_out);
		if (t->script_has)
			ck_assert_msg(strstr(got, t->script_has), "%s: python3 printed\n%s\n"
				      "without\n%s", name, got, t->script_has);
		free(got);
	}
}

/* Runs @t (in @root, else in a root of its files) and asserts all it expects; with @keep,
 * the output stays there. */
static void check_run_in(const char *test, const struct tool_run *t, const char *root,
			 struct tool_result *keep)
{
	tool_check_run(test, t, root, doctor_more, keep);
}

static void check_run(const char *test, const struct tool_run *t)
{
	check_run_in(test, t, NULL, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* The tests that are runs of the tool and what each must give */

#define DOCTOR(...) .args = {"doctor", "--root", FILES_ROOT, __VA_ARGS__}
#define DOCTOR_IN_ROOT .args = {"doctor", "--root", FILES_ROOT}
/* passthrough with a root of its own (this machine's /run and /proc say nothing). */
static const char *const no_files[] = {NULL};
#define PTF(f, ...) .files = f, .args = {"passthrough", "--root", FILES_ROOT, __VA_ARGS__}
#define PT(...) PTF(no_files, __VA_ARGS__)
static const char *const opencl_only[] = {"/etc/OpenCL/vendors/intel.icd", "x\n", NULL};

/* The device cgroup's refusal of renderD132 and the host's rule, for each account. */
#define GIVE_FROM_HOST                                                                     \
	"      fix: on the host (Proxmox VE 8.1 or later), which gives the node with this "   \
	"container's render group (104):\n"                                                \
	"             vadiscover passthrough pci=0000:00:02.4 --to pve --ct \"$(pct list | "  \
	"awk '$NF == \"jellyfin\" {print $1}')\" --gid 104\n"
#define EPERM_FIX                                                                          \
	GIVE_FROM_HOST                                                                     \
	"           or the raw LXC form (Proxmox or LXC's config):\n"                      \
	"             lxc.cgroup2.devices.allow = c 226:132 rwm\n"                         \
	"             lxc.mount.entry = /dev/dri/renderD132 dev/dri/renderD132 none "      \
	"bind,optional,create=file\n"                                                      \
	"           Docker: docker run --device /dev/dri/renderD132:/dev/dri/renderD132\n" \
	"           (vadiscover passthrough prints these on the host)\n"
/* The host's group shows as 65534 in an unprivileged container: the host gives the node
 * a group of the container instead. */
#define UNMAPPED_FIX                                                                       \
	GIVE_FROM_HOST                                                                     \
	"           then remove the container's lxc.mount.entry and "                      \
	"lxc.cgroup2.devices.allow lines for renderD132 (the bind mount)\n"                \
	"           or map the host's render group into this container (lxc.idmap in its "\
	"config, and /etc/subgid on the host)\n"

#define VFS_SET_BY(where)                                                                  \
	"ok    sriov.vfs         0000:00:02.0: 7 of 7 VFs enabled, set at boot by " where "\n"
#define VFS_NOT_PERSISTED                                                                  \
	"warn  sriov.vfs         0000:00:02.0: 7 of 7 VFs enabled, but nothing sets them at " \
	"boot\n"                                                                           \
	"      fix: echo 'devices/pci0000:00/0000:00:02.0/sriov_numvfs = 7' >> "           \
	"/etc/sysfs.conf   (apt install sysfsutils)\n"

/* i915-sriov-dkms's README: its release for the running kernel series, the kernel
 * command line for its i915 and for its xe (with the PF's device id). */
#define DKMS_FIX(release)                                                                  \
	"      fix: install i915-sriov-dkms (https://github.com/strongtz/i915-sriov-dkms"     \
	release "),\n"                                                                     \
	"           then put on the kernel command line, and reboot:\n"                    \
	"             intel_iommu=on i915.enable_guc=3 i915.max_vfs=7 module_blacklist=xe\n" \
	"           or, for its xe driver (not on Meteor Lake or Lunar Lake):\n"           \
	"             intel_iommu=on xe.max_vfs=7 xe.force_probe=0x4692 "                  \
	"module_blacklist=i915\n"
#define STOCK_I915_WARN                                                                    \
	"warn  sriov.capable     0000:00:02.0 (i915) offers 0 VFs: this i915 has no SR-IOV "  \
	"PF support (no max_vfs parameter)\n"

static const char *const persisted_files[] = {
	"/etc/sysfs.d/sriov.conf", "devices/pci0000:00/0000:00:02.0/sriov_numvfs = 7\n", NULL,
};
/* The raw LXC form, and the by-path form, name the guest as well. */
static const char *const raw_lxc_files[] = {
	"/etc/pve/lxc/124.conf",
	"arch: amd64\nlxc.cgroup2.devices.allow: c 226:133 rwm\n"
	"lxc.mount.entry: /dev/dri/renderD133 dev/dri/renderD133 none bind,optional,"
	"create=file\n",
	"/etc/pve/lxc/125.conf",
	"dev0: /dev/dri/by-path/pci-0000:00:02.6-render,gid=104\n",
	/* A snapshot section is the past, not the running config. */
	"/etc/pve/lxc/126.conf", "hostname: old\n[before-gpu]\ndev0: /dev/dri/renderD135\n",
	NULL,
};
/* A Proxmox host's files for passthrough --ct: 123 uses dev0 and has a snapshot whose dev1
 * is not the container's, its root file system a ZFS subvolume; 124's is an LVM disk
 * image; 125 has a pending dev1; 126 already has VF 4; 127's image has no render group. */
static const char *const pve_ct_files[] = {
	"/etc/pve/lxc/123.conf",
	"arch: amd64\nhostname: jellyfin\ndev0: /dev/dri/renderD129,gid=105\n"
	"rootfs: local-zfs:subvol-123-disk-0,size=8G\nunprivileged: 1\n\n"
	"[before-gpu]\narch: amd64\ndev1: /dev/dri/renderD130\nsnaptime: 1733500000\n",
	"/etc/pve/lxc/124.conf", "hostname: frigate\nrootfs: local-lvm:vm-124-disk-0,size=8G\n",
	"/etc/pve/lxc/125.conf",
	"dev0: /dev/dri/renderD129\nrootfs: local-zfs:subvol-125-disk-0,size=8G\n"
	"[pve:pending]\ndev1: /dev/dri/renderD131\n",
	"/etc/pve/lxc/126.conf", "dev3: /dev/dri/renderD132,gid=104\n",
	"/etc/pve/lxc/127.conf", "rootfs: local:subvol-127-disk-0\n",
	"/etc/pve/storage.cfg",
	"dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl,backup,rootdir\n\n"
	"zfspool: local-zfs\n\tpool rpool/data\n\tsparse\n\tcontent images,rootdir\n\n"
	"lvmthin: local-lvm\n\tthinpool data\n\tvgname pve\n\tcontent rootdir,images\n",
	"/rpool/data/subvol-123-disk-0/etc/group", "root:x:0:\nvideo:x:44:\nrender:x:105:\n",
	"/rpool/data/subvol-125-disk-0/etc/group", "root:x:0:\nrender:x:105:\n",
	"/var/lib/vz/images/127/subvol-127-disk-0/etc/group", "root:x:0:\nvideo:x:44:\n",
	"/var/lib/dpkg/status",
	"Package: pve-container\nStatus: install ok installed\nVersion: 5.2.3\n\n",
	NULL,
};
static const char *const pve_old_files[] = {
	"/etc/pve/lxc/123.conf", "hostname: jellyfin\n",
	"/var/lib/dpkg/status",
	"Package: pve-manager\nVersion: 8.0.4\n\n"
	"Package: pve-container\nStatus: install ok installed\nVersion: 5.0.6\n\n",
	NULL,
};
static const char *const lxc_not_in_group_files[] = {
	"/run/systemd/container", "lxc\n",
	"/proc/self/uid_map", "         0     100000      65536\n",
	"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
		       "jellyfin:x:105:112::/var/lib/jellyfin:/usr/sbin/nologin\n",
	"/etc/group", "root:x:0:\nrender:x:104:\njellyfin:x:112:\n",
	NULL,
};
static const char *const lxc_no_render_files[] = {
	"/run/systemd/container", "lxc\n",
	"/proc/self/uid_map", "         0     100000      65536\n",
	"/etc/hostname", "frigate\n",
	"/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n",
	"/etc/group", "root:x:0:\nvideo:x:44:\n",
	NULL,
};
static const char *const jellyfin_debian_files[] = {
	"/etc/default/jellyfin", default_jellyfin,
	"/usr/lib/jellyfin-ffmpeg/ffmpeg", "\177ELF (jellyfin-ffmpeg's ffmpeg)\n",
	"/etc/OpenCL/vendors/intel.icd", "x\n",
	NULL,
};
/* Pointed at the wrapper (it names VADISCOVER_FFMPEG). */
static const char *const jellyfin_wrapped_files[] = {
	"/etc/default/jellyfin",
	"JELLYFIN_FFMPEG_OPT=\"--ffmpeg=/usr/libexec/vadiscover/ffmpeg\"\n",
	"/usr/libexec/vadiscover/ffmpeg", "\177ELF ... VADISCOVER_FFMPEG ...\n",
	NULL,
};
/* Told to run a file that is not there. */
static const char *const jellyfin_missing_files[] = {
	"/etc/default/jellyfin", default_jellyfin, NULL,
};

static const struct tool_test doctor_tests[] = {
	/* doctor on the host */
	{"doctor-host", "doctor_healthy_host", RUNS({
		.topology = "adl-sriov-host", .files = healthy_host_files, DOCTOR_IN_ROOT,
		.err = "",
		.statuses = "ok kernel.iommu\n"
			    "ok sriov.capable\n"
			    "ok sriov.guc\n"
			    "ok sriov.vfs\n"
			    "ok sriov.vf-drivers\n"
			    "ok dri.nodes\n"
			    "ok dri.access\n"
			    "ok va.libva\n"
			    "ok va.driver\nok va.driver\nok va.driver\nok va.driver\n"
			    "ok va.driver\nok va.driver\nok va.driver\nok va.driver\n"
			    "ok va.init\nok va.init\nok va.init\nok va.init\n"
			    "ok va.init\nok va.init\nok va.init\nok va.init\n"
			    "ok opencl\n"
			    "skip jellyfin.ffmpeg\n",
		.blocks = {
			{"kernel.iommu", "ok    kernel.iommu      IOMMU active (dmar0)\n"},
			{"sriov.capable",
			 "ok    sriov.capable     0000:00:02.0 (i915) offers 7 VFs\n"},
			{"sriov.guc", "ok    sriov.guc         i915.enable_guc=3 (GuC "
				      "submission and HuC, as SR-IOV needs)\n"},
			{"sriov.vfs", "ok    sriov.vfs         0000:00:02.0: 7 of 7 VFs "
				      "enabled, set at boot by /etc/sysfs.conf\n"},
			{"sriov.vf-drivers",
			 "ok    sriov.vf-drivers  0000:00:02.0: VF 1 i915, VF 2 i915, VF 3 i915, "
			 "VF 4 i915, VF 5 i915, VF 6 i915, VF 7 i915\n"},
			{"dri.access",
			 "ok    dri.access        root can open renderD128 (group render)\n"},
		},
		.out_has = {"ok    va.init           renderD132: Intel iHD driver",
			    "\n0 failed, 0 warnings\n"},
	})},
	{"doctor-host", "doctor_stock_i915", RUNS({
		.topology = "adl-stock-i915", .files = healthy_host_files, DOCTOR_IN_ROOT,
		/* A desktop that never meant to use SR-IOV is not broken: a warning. */
		.blocks = {
			{"sriov.capable", STOCK_I915_WARN DKMS_FIX("")},
			{"sriov.guc", "skip  sriov.guc         no SR-IOV PF on i915\n"},
			{"sriov.vfs", "skip  sriov.vfs         no SR-IOV PF\n"},
			{"sriov.vf-drivers", "skip  sriov.vf-drivers  no VFs\n"},
			{"dri.nodes", "ok    dri.nodes         renderD128 card0 (0000:00:02.0)\n"},
		},
	})},
	{"doctor-host", "doctor_dkms_release", RUNS({
		.topology = "adl-stock-i915", .exit = ANY_EXIT, DOCTOR_IN_ROOT,
		.files = (const char *const[]){"/proc/sys/kernel/osrelease", "6.8.12-4-pve\n",
					       NULL},
		.blocks = {{"sriov.capable", STOCK_I915_WARN
			    DKMS_FIX("; for kernel 6.8.12-4-pve: its 2025.07.22 release")}},
	}, {
		.topology = "adl-stock-i915", .exit = ANY_EXIT, DOCTOR_IN_ROOT,
		.files = (const char *const[]){"/proc/sys/kernel/osrelease", "6.17.2-1-pve\n",
					       NULL},
		.blocks = {{"sriov.capable", STOCK_I915_WARN
			    DKMS_FIX("; for kernel 6.17.2-1-pve: its 2026.05.06 release")}},
	}, {
		.topology = "adl-stock-i915", .exit = ANY_EXIT, DOCTOR_IN_ROOT,
		.files = (const char *const[]){"/proc/sys/kernel/osrelease", "6.14.8-2-pve\n",
					       NULL},
		.blocks = {{"sriov.capable", STOCK_I915_WARN
			    DKMS_FIX("; for kernel 6.14.8-2-pve: its 2026.03.05.1 release")}},
	}, {
		.topology = "adl-stock-i915", .exit = ANY_EXIT, DOCTOR_IN_ROOT,
		.files = (const char *const[]){"/proc/sys/kernel/osrelease",
					       "5.15.0-91-generic\n", NULL},
		.blocks = {{"sriov.capable", STOCK_I915_WARN
			    DKMS_FIX("; its README of 2026.05.06 names no release for kernel "
				     "5.15.0-91-generic")}},
	})},
	{"doctor-host", "doctor_vfs_not_enabled", RUNS({
		.topology = "adl-sriov-novfs", .files = opencl_only, DOCTOR_IN_ROOT, .exit = 1,
		.blocks = {
			{"sriov.vfs",
			 "fail  sriov.vfs         0000:00:02.0: 0 of 7 VFs enabled\n"
			 "      fix: echo 7 > /sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs\n"
			 "           echo 'devices/pci0000:00/0000:00:02.0/sriov_numvfs = 7' >> "
			 "/etc/sysfs.conf   (apt install sysfsutils)\n"},
			{"sriov.vf-drivers", "skip  sriov.vf-drivers  no VFs\n"},
		},
		.out_has = {"\n1 failed, 0 warnings\n"},
	}, {
		/* Persisted but not applied (sysfsutils not installed, or not run yet): only
		 * the echo line. */
		.topology = "adl-sriov-novfs", .files = persisted_files, DOCTOR_IN_ROOT, .exit = 1,
		.blocks = {{"sriov.vfs",
			    "fail  sriov.vfs         0000:00:02.0: 0 of 7 VFs enabled\n"
			    "      fix: echo 7 > /sys/devices/pci0000:00/0000:00:02.0/"
			    "sriov_numvfs\n"}},
	})},
	{"doctor-host", "doctor_vfs_not_persisted", RUNS({
		.topology = "adl-sriov-host", .files = opencl_only, DOCTOR_IN_ROOT,
		.blocks = {{"sriov.vfs",
			    "warn  sriov.vfs         0000:00:02.0: 7 of 7 VFs enabled, but nothing "
			    "sets them at boot\n"
			    "      fix: echo 'devices/pci0000:00/0000:00:02.0/sriov_numvfs = 7' >> "
			    "/etc/sysfs.conf   (apt install sysfsutils)\n"}},
	})},
	/* Persistence read as its consumer reads it: sysfsutils ('#' comments, whitespace,
	 * the value must be the VFs enabled), tmpfiles.d (i915-sriov-dkms's own
	 * i915-set-sriov-numvfs.conf; /etc overrides /usr/lib by name), udev rules. */
	{"doctor-host", "doctor_vfs_persistence", RUNS({
		.topology = "adl-sriov-host", .exit = ANY_EXIT,
		.files = (const char *const[]){"/etc/sysfs.conf",
			"# devices/pci0000:00/0000:00:02.0/sriov_numvfs = 7\n", NULL},
		DOCTOR_IN_ROOT,
		.blocks = {{"sriov.vfs", VFS_NOT_PERSISTED}},
	}, {
		.topology = "adl-sriov-host", .exit = ANY_EXIT,
		.files = (const char *const[]){"/etc/sysfs.conf",
			"devices/pci0000:00/0000:00:02.0/sriov_numvfs = 0\n", NULL},
		DOCTOR_IN_ROOT,
		.blocks = {{"sriov.vfs",
			    "warn  sriov.vfs         0000:00:02.0: 7 of 7 VFs enabled, but "
			    "/etc/sysfs.conf sets 0 at boot\n"
			    "      fix: in /etc/sysfs.conf, set 7 (the VFs enabled now), or re-create "
			    "the VFs with the number wanted\n"}},
	}, {
		.topology = "adl-sriov-host", .exit = ANY_EXIT,
		.files = (const char *const[]){"/etc/sysfs.conf",
			"\t devices/pci0000:00/0000:00:02.0/sriov_numvfs=7   # all of them\n", NULL},
		DOCTOR_IN_ROOT, .blocks = {{"sriov.vfs", VFS_SET_BY("/etc/sysfs.conf")}},
	}, {
		/* Through the bus's link, which sysfsutils follows as it writes. */
		.topology = "adl-sriov-host", .exit = ANY_EXIT,
		.files = (const char *const[]){"/etc/sysfs.d/gpu.conf",
			"bus/pci/devices/0000:00:02.0/sriov_numvfs = 7\n", NULL},
		DOCTOR_IN_ROOT, .blocks = {{"sriov.vfs", VFS_SET_BY("/etc/sysfs.d/gpu.conf")}},
	}, {
		.topology = "adl-sriov-host", .exit = ANY_EXIT,
		.files = (const char *const[]){"/etc/tmpfiles.d/i915-set-sriov-numvfs.conf",
			"w /sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs - - - - 7\n", NULL},
		DOCTOR_IN_ROOT,
		.blocks = {{"sriov.vfs",
			    VFS_SET_BY("/etc/tmpfiles.d/i915-set-sriov-numvfs.conf")}},
	}, {
		/* The package's file in /usr/lib, overridden by a commented copy in /etc. */
		.topology = "adl-sriov-host", .exit = ANY_EXIT,
		.files = (const char *const[]){
			"/usr/lib/tmpfiles.d/i915-set-sriov-numvfs.conf",
			"w /sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs - - - - 7\n",
			"/etc/tmpfiles.d/i915-set-sriov-numvfs.conf",
			"#w /sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs - - - - 7\n", NULL},
		DOCTOR_IN_ROOT, .blocks = {{"sriov.vfs", VFS_NOT_PERSISTED}},
	}, {
		.topology = "adl-sriov-host", .exit = ANY_EXIT,
		.files = (const char *const[]){"/etc/udev/rules.d/99-i915-vfs.rules",
			"ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"0000:00:02.0\", "
			"ATTR{vendor}==\"0x8086\", ATTR{sriov_numvfs}=\"7\"\n", NULL},
		DOCTOR_IN_ROOT,
		.blocks = {{"sriov.vfs", VFS_SET_BY("/etc/udev/rules.d/99-i915-vfs.rules")}},
	})},
	{"doctor-host", "doctor_guc_wrong", RUNS({
		.topology = "adl-sriov-guc-wrong", .files = healthy_host_files, DOCTOR_IN_ROOT,
		.exit = 1,
		.blocks = {{"sriov.guc",
			    "fail  sriov.guc         i915.enable_guc=2: SR-IOV needs GuC submission "
			    "and HuC (3)\n"
			    "      fix: set i915.enable_guc=3 on the kernel command line (or 'options "
			    "i915 enable_guc=3' in /etc/modprobe.d/i915.conf, then update-initramfs "
			    "-u) and reboot\n"}},
	})},
	/* enable_guc=3 set but not in effect: modprobe.d's options wait for the initramfs,
	 * the command line's for a module that takes them. */
	{"doctor-host", "doctor_guc_not_applied", RUNS({
		.topology = "adl-sriov-guc-wrong", .exit = 1, DOCTOR_IN_ROOT,
		.files = (const char *const[]){"/etc/modprobe.d/i915-sriov.conf",
			"# SR-IOV\noptions i915 enable_guc=3 max_vfs=7\n", NULL},
		.blocks = {{"sriov.guc",
			    "fail  sriov.guc         i915.enable_guc=2: SR-IOV needs GuC submission "
			    "and HuC (3)\n"
			    "      fix: /etc/modprobe.d/i915-sriov.conf sets enable_guc=3, but i915 "
			    "runs with 2: update-initramfs -u (i915 loads from the initramfs, which "
			    "holds an older copy), then reboot\n"}},
	}, {
		.topology = "adl-sriov-guc-wrong", .exit = 1, DOCTOR_IN_ROOT,
		.files = (const char *const[]){
			"/etc/modprobe.d/i915.conf", "options i915 enable_guc=2\n",
			"/proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/"
			"pve-root ro quiet intel_iommu=on i915.enable_guc=3 i915.max_vfs=7\n", NULL},
		.blocks = {{"sriov.guc",
			    "fail  sriov.guc         i915.enable_guc=2: SR-IOV needs GuC submission "
			    "and HuC (3)\n"
			    "      fix: the kernel command line has i915.enable_guc=3, but i915 runs "
			    "with 2: dmesg | grep -i i915 says why it did not take it (firmware, or "
			    "an i915 without SR-IOV support: reinstall i915-sriov-dkms for this "
			    "kernel)\n"}},
	})},
	{"doctor-host", "doctor_vfs_unbound", RUNS({
		.topology = "adl-sriov-unbound", .files = healthy_host_files, DOCTOR_IN_ROOT,
		.exit = 1,
		.blocks = {
			{"sriov.vf-drivers",
			 "fail  sriov.vf-drivers  0000:00:02.0: VF 1 no driver, VF 2 no driver, VF "
			 "3 no driver, VF 4 no driver, VF 5 no driver, VF 6 no driver, VF 7 no "
			 "driver (sriov_drivers_autoprobe is 0)\n"
			 "      fix: echo 1 > /sys/devices/pci0000:00/0000:00:02.0/"
			 "sriov_drivers_autoprobe\n"
			 "           echo 0 > /sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs\n"
			 "           echo 7 > /sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs\n"
			 "           or bind the VFs one by one:\n"
			 "           echo 0000:00:02.1 > /sys/bus/pci/drivers/i915/bind\n"
			 "           echo 0000:00:02.2 > /sys/bus/pci/drivers/i915/bind\n"
			 "           echo 0000:00:02.3 > /sys/bus/pci/drivers/i915/bind\n"
			 "           echo 0000:00:02.4 > /sys/bus/pci/drivers/i915/bind\n"
			 "           echo 0000:00:02.5 > /sys/bus/pci/drivers/i915/bind\n"
			 "           echo 0000:00:02.6 > /sys/bus/pci/drivers/i915/bind\n"
			 "           echo 0000:00:02.7 > /sys/bus/pci/drivers/i915/bind\n"},
			/* Only the PF has nodes. */
			{"dri.nodes", "ok    dri.nodes         renderD128 card0 (0000:00:02.0)\n"},
		},
	})},
	{"doctor-host", "doctor_no_iommu", RUNS({
		.topology = "adl-sriov-no-iommu", .files = healthy_host_files, DOCTOR_IN_ROOT,
		.blocks = {{"kernel.iommu",
			    "warn  kernel.iommu      no IOMMU (/sys/class/iommu is empty): VFs can "
			    "serve containers, not VMs\n"
			    "      fix: add intel_iommu=on iommu=pt to the kernel command line and "
			    "reboot:\n"
			    "             GRUB: GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, "
			    "then update-grub\n"
			    "             Proxmox with systemd-boot: /etc/kernel/cmdline, then "
			    "proxmox-boot-tool refresh\n"}},
		.out_has = {"\n0 failed, 1 warning\n"},
	})},
	{"doctor-host", "doctor_proxmox_vfio", RUNS({
		.topology = "adl-sriov-vfio", .files = pve_host_files, DOCTOR_IN_ROOT,
		.blocks = {{"sriov.vf-drivers",
			    "ok    sriov.vf-drivers  0000:00:02.0: VF 1 i915, VF 2 i915, VF 3 "
			    "vfio-pci in VM 101 (win11), VF 4 i915 in LXC 123 (jellyfin), VF 5 i915, "
			    "VF 6 i915, VF 7 i915\n"}},
	}, {
		.topology = "adl-sriov-vfio", .files = raw_lxc_files, DOCTOR_IN_ROOT,
		.exit = ANY_EXIT,
		.blocks = {{"sriov.vf-drivers",
			    "ok    sriov.vf-drivers  0000:00:02.0: VF 1 i915, VF 2 i915, VF 3 "
			    "vfio-pci (for a VM), VF 4 i915, VF 5 i915 in LXC 124, VF 6 i915 in LXC "
			    "125, VF 7 i915\n"}},
	})},
	/* The harness's Proxmox host (its /etc/pve in the tree, run-in's @ROOT@): VF 3 in VM
	 * 101, VF 4 in LXC 123 by devN:, VF 5 in LXC 124 by raw lxc.* lines. */
	{"doctor-host", "doctor_proxmox_topology", RUNS({
		.topology = "adl-sriov-pve", .args = {"doctor", "--root", "@ROOT@"},
		.blocks = {{"sriov.vf-drivers",
			    "ok    sriov.vf-drivers  0000:00:02.0: VF 1 i915, VF 2 i915, VF 3 "
			    "vfio-pci in VM 101 (win11), VF 4 i915 in LXC 123 (jellyfin), VF 5 i915 "
			    "in LXC 124 (frigate), VF 6 i915, VF 7 i915\n"}},
	})},
	/* xe's PF (Flex 170, 4 of 31 VFs): GuC is not a parameter there, the persisted count
	 * is the one enabled; the AST BMC (card0, no render node) is not a VA device. */
	{"doctor-host", "doctor_xe_sriov", RUNS({
		.topology = "xe-sriov", .files = opencl_only, DOCTOR_IN_ROOT,
		.blocks = {
			{"sriov.guc", "skip  sriov.guc         the PF is on xe, which always uses "
				      "GuC (no enable_guc to set)\n"},
			{"sriov.vfs",
			 "warn  sriov.vfs         0000:4d:00.0: 4 of 31 VFs enabled, but nothing "
			 "sets them at boot\n"
			 "      fix: echo 'devices/pci0000:4a/0000:4a:01.0/0000:4b:00.0/"
			 "0000:4c:01.0/0000:4d:00.0/sriov_numvfs = 4' >> /etc/sysfs.conf   (apt "
			 "install sysfsutils)\n"},
			{"dri.nodes",
			 "ok    dri.nodes         renderD128 card1 (0000:4d:00.0); renderD129 card2 "
			 "(VF 1, 0000:4d:00.1); renderD130 card3 (VF 2, 0000:4d:00.2); renderD131 "
			 "card4 (VF 3, 0000:4d:00.3); renderD132 card5 (VF 4, 0000:4d:00.4); card0 "
			 "(0000:02:00.0)\n"},
		},
		.out_lacks = {"card0: "},
	})},
	/* No SR-IOV anywhere: no IOMMU is nothing to warn about. The NVIDIA card without a VA
	 * driver warns, as the Intel iGPU works. */
	{"doctor-host", "doctor_no_sriov", RUNS({
		.topology = "intel-nvidia", .files = opencl_only, DOCTOR_IN_ROOT,
		.statuses = "skip kernel.iommu\nskip sriov.capable\nskip sriov.guc\n"
			    "skip sriov.vfs\nskip sriov.vf-drivers\nok dri.nodes\nok dri.access\n"
			    "ok va.libva\nok va.driver\nok va.driver\nwarn va.init\nok va.init\n"
			    "ok opencl\nskip jellyfin.ffmpeg\n",
		.blocks = {{"kernel.iommu", "skip  kernel.iommu      no IOMMU, which only giving "
					    "SR-IOV VFs to VMs needs, and no SR-IOV PF\n"}},
	})},
	/* The PFs come from the library's scan: in render-node order, as every check about
	 * several devices (flex170x4-sriov's sysfs lists them the other way round). */
	{"doctor-host", "doctor_pfs_in_render_node_order", RUNS({
		.topology = "flex170x4-sriov", .files = opencl_only, DOCTOR_IN_ROOT,
		.exit = ANY_EXIT,
		.blocks = {{"sriov.capable",
			    "ok    sriov.capable     0000:4d:00.0 (xe) offers 31 VFs\n"
			    "ok    sriov.capable     0000:6d:00.0 (xe) offers 31 VFs\n"
			    "ok    sriov.capable     0000:9d:00.0 (xe) offers 31 VFs\n"
			    "ok    sriov.capable     0000:cd:00.0 (xe) offers 31 VFs\n"}},
	})},
	/* No Intel GPU among the DRM devices: nothing to say about SR-IOV. */
	{"doctor-host", "doctor_no_intel_gpu", RUNS({
		.topology = "amd", .files = opencl_only, DOCTOR_IN_ROOT, .exit = ANY_EXIT,
		.blocks = {{"sriov.capable",
			    "skip  sriov.capable     no Intel GPU among the DRM devices (one whose "
			    "driver did not load has no node: see dri.nodes)\n"}},
	})},

	/* doctor in a container */
	{"doctor-container", "doctor_lxc_node_65534", RUNS({
		.topology = "adl-sriov-lxc-vf4", .node_gid = "65534", .files = lxc_files,
		DOCTOR("--user", "jellyfin"), .exit = 1,
		.blocks = {
			{"kernel.iommu",
			 "skip  kernel.iommu      in a container (lxc): the host's set-up; run "
			 "vadiscover doctor on the host\n"},
			{"dri.nodes",
			 "ok    dri.nodes         passed in: renderD132 = host renderD132 "
			 "(226:132), card4 = host card4 (226:4) (VF 4, 0000:00:02.4)\n"},
			/* Joining nogroup cannot help: the fix is on the host. */
			{"dri.access",
			 "fail  dri.access        jellyfin cannot open renderD132 (Permission "
			 "denied): its group shows as 65534 (nogroup): the host's group is not "
			 "mapped into this container, no group in here can help\n"
			 UNMAPPED_FIX},
		},
		.out_lacks = {"usermod"},
	})},
	/* Root in an unprivileged container: a node whose group is unmapped (65534) is
	 * closed to root too, and no group in here helps; the fix is the host's. */
	{"doctor-container", "doctor_lxc_root_unmapped", RUNS({
		.topology = "adl-sriov-lxc-vf4", .node_gid = "65534", .files = lxc_files,
		DOCTOR("--user", "root"), .exit = 1,
		.blocks = {{"dri.access",
			    "fail  dri.access        root cannot open renderD132 (Permission "
			    "denied): its group shows as 65534 (nogroup): the host's group is not "
			    "mapped into this container, no group in here can help\n"
			    UNMAPPED_FIX
			    "fail  dri.access        jellyfin cannot open renderD132 (Permission "
			    "denied): its group shows as 65534 (nogroup): the host's group is not "
			    "mapped into this container, no group in here can help\n"
			    UNMAPPED_FIX}},
		.out_lacks = {"usermod", "nogroup root"},
	}, {
		/* This process (root) refused by the kernel, as on a real container. */
		.topology = "adl-sriov-lxc-vf4", .node_gid = "65534", .deny = "renderD132",
		.files = lxc_not_in_group_files, DOCTOR_IN_ROOT, .exit = 1,
		.out_has = {"fail  dri.access        root cannot open renderD132 (Permission "
			    "denied): its group shows as 65534 (nogroup): the host's group is not "
			    "mapped into this container, no group in here can help\n"
			    "      fix: on the host (Proxmox VE 8.1 or later): vadiscover "
			    "passthrough with --to pve, --ct and this container's id (pct list "
			    "shows it), and --gid 104, this container's render group\n"},
		.out_lacks = {"usermod", "GID"},
	}, {
		/* No render group in here: it is made first, no number is made up. */
		.topology = "adl-sriov-lxc-vf4", .node_gid = "65534", .files = lxc_no_render_files,
		DOCTOR("--user", "root"), .exit = 1,
		.out_has = {"      fix: this container has no render group: first, in here, "
			    "groupadd -r render, then run vadiscover doctor again for the host's "
			    "command\nok    va.libva"},
		.out_lacks = {"usermod", "GID"},
	})},
	/* A container that renamed renderD132 to renderD128 for FFmpeg's default. */
	{"doctor-container", "doctor_lxc_renamed", RUNS({
		.topology = "adl-sriov-lxc-vf4-remapped", .node_gid = "104", .files = lxc_files,
		DOCTOR_IN_ROOT, .exit = ANY_EXIT,
		.blocks = {{"dri.nodes",
			    "warn  dri.nodes         passed in: renderD128 = host renderD132 "
			    "(226:132), card0 = host card4 (226:4) (VF 4, 0000:00:02.4); renderD128 "
			    "is not named as the kernel names it: libdrm releases that find a "
			    "node's type by that name (2.4.116 and later) and programs that look for "
			    "renderD* do not see it\n"
			    "      fix: give the nodes their host names (renderD128 as "
			    "/dev/dri/renderD132): on the host, 'vadiscover passthrough --help' "
			    "shows how\n"}},
	}, {
		/* The host's lines keep the host's name, not the renamed one. */
		.topology = "adl-sriov-lxc-vf4-remapped", .node_gid = "104", .files = lxc_files,
		.deny = "renderD128:EPERM", DOCTOR_IN_ROOT, .exit = 1,
		.out_has = {"             lxc.mount.entry = /dev/dri/renderD132 dev/dri/renderD132 "
			    "none bind,optional,create=file\n",
			    "           Docker: docker run --device "
			    "/dev/dri/renderD132:/dev/dri/renderD132\n"},
		.out_lacks = {"dev/dri/renderD128 none", ":/dev/dri/renderD128"},
	})},
	{"doctor-container", "doctor_lxc_not_in_group", RUNS({
		/* devN: ...,gid=104 made the node the container's render group. */
		.topology = "adl-sriov-lxc-vf4", .node_gid = "104", .files = lxc_not_in_group_files,
		DOCTOR_IN_ROOT, .exit = 1,
		/* As root (this process), then as the jellyfin account found in /etc/passwd. */
		.blocks = {{"dri.access",
			    "ok    dri.access        root can open renderD132 (group render)\n"
			    "fail  dri.access        jellyfin cannot open renderD132 (Permission "
			    "denied): not in the node's group\n"
			    "      fix: usermod -aG render jellyfin\n"
			    "           then restart the service (systemctl restart jellyfin) or log "
			    "in again\n"}},
	})},
	{"doctor-container", "doctor_lxc_eperm", RUNS({
		.topology = "adl-sriov-lxc-vf4", .deny = "renderD132:EPERM", .node_gid = "104",
		.files = lxc_files, DOCTOR_IN_ROOT, .exit = 1,
		/* root first, then jellyfin: the device cgroup refuses both, with the host's
		 * rule. */
		.blocks = {{"dri.access",
			    "fail  dri.access        root cannot open renderD132 (Operation not "
			    "permitted): the container's device rules do not allow it\n" EPERM_FIX
			    "fail  dri.access        jellyfin cannot open renderD132 (Operation not "
			    "permitted): the container's device rules do not allow it\n" EPERM_FIX}},
	})},

	/* Jellyfin */
	{"doctor-jellyfin", "doctor_jellyfin_debian", RUNS({
		.topology = "adl-sriov-host", .files = jellyfin_debian_files, DOCTOR_IN_ROOT,
		.exit = ANY_EXIT,
		.blocks = {{"jellyfin.ffmpeg",
			    "warn  jellyfin.ffmpeg   Jellyfin runs /usr/lib/jellyfin-ffmpeg/ffmpeg "
			    "(JELLYFIN_FFMPEG_OPT in /etc/default/jellyfin), not vadiscover's "
			    "wrapper: its device is the one named in its settings\n"
			    "      fix: in /etc/default/jellyfin:\n"
			    "             JELLYFIN_FFMPEG_OPT=\"--ffmpeg=" VAD_TEST_LIBEXECDIR
			    "/vadiscover/ffmpeg\"\n"
			    "           then systemctl restart jellyfin (the wrapper runs "
			    "/usr/lib/jellyfin-ffmpeg/ffmpeg)\n"}},
	}, {
		.topology = "adl-sriov-host", .files = jellyfin_wrapped_files, DOCTOR_IN_ROOT,
		.exit = ANY_EXIT,
		.blocks = {{"jellyfin.ffmpeg",
			    "ok    jellyfin.ffmpeg   Jellyfin runs /usr/libexec/vadiscover/ffmpeg "
			    "(JELLYFIN_FFMPEG_OPT in /etc/default/jellyfin): vadiscover's "
			    "wrapper\n"}},
	}, {
		.topology = "adl-sriov-host", .files = jellyfin_missing_files, DOCTOR_IN_ROOT,
		.exit = 1,
		.out_has = {"fail  jellyfin.ffmpeg   Jellyfin is told to run "
			    "/usr/lib/jellyfin-ffmpeg/ffmpeg (JELLYFIN_FFMPEG_OPT in "
			    "/etc/default/jellyfin), which cannot be read: No such file or "
			    "directory\n"},
	})},

	/* JSON, checked by python3 against the contract in JSON.md */
	{"doctor-json", "doctor_json_contract", RUNS({
		.topology = "adl-sriov-lxc-vf4", .node_gid = "65534", .files = lxc_files,
		.args = {"doctor", "--json", "--root", FILES_ROOT, "--user", "jellyfin"},
		.exit = 1, .script = json_contract_py,
		.script_out = "kernel.iommu=skip sriov.capable=skip sriov.guc=skip sriov.vfs=skip "
			      "sriov.vf-drivers=skip dri.nodes=ok dri.access=fail va.libva=ok "
			      "va.driver=ok va.init=ok opencl=ok jellyfin.ffmpeg=skip\n",
		.out_has = {"\"container\": \"lxc\"", "\"user\": \"jellyfin\"",
			    "\"device\": \"/dev/dri/renderD132\""},
	}, {
		/* The same statuses and exit code as the human form. */
		.topology = "adl-sriov-lxc-vf4", .node_gid = "65534", .files = lxc_files,
		DOCTOR("--user", "jellyfin"), .exit = 1,
		.statuses = "skip kernel.iommu\nskip sriov.capable\nskip sriov.guc\n"
			    "skip sriov.vfs\nskip sriov.vf-drivers\nok dri.nodes\n"
			    "fail dri.access\nok va.libva\nok va.driver\nok va.init\nok opencl\n"
			    "skip jellyfin.ffmpeg\n",
	}, {
		/* The healthy host: every check there passes the contract too. */
		.topology = "adl-sriov-host", .files = healthy_host_files,
		.args = {"doctor", "--json", "--root", FILES_ROOT}, .script = json_contract_py,
		.script_has = "kernel.iommu=ok sriov.capable=ok sriov.guc=ok sriov.vfs=ok",
	})},
	{"doctor-json", "doctor_usage", RUNS({
		.topology = "adl-sriov-host", .args = {"doctor", "extra"}, .exit = 2,
		.err_has = {"vadiscover: doctor takes no argument (got 'extra')\n"},
	}, {
		.topology = "adl-sriov-host", .args = {"doctor", "--root", "relative"}, .exit = 2,
		.err_has = {"--root relative: not an absolute path to a directory"},
	}, {
		.topology = "adl-sriov-host", .files = healthy_host_files,
		DOCTOR("--user", "nobody-here"), .exit = 2,
		.err_has = {"--user nobody-here: no such user in "},
	}, {
		.topology = "adl-sriov-host", .args = {"doctor", "--bogus"}, .exit = 2,
		.err_has = {"doctor: unknown option '--bogus'"},
	}, {
		/* Options before the command word are the command's too. */
		.topology = "adl-sriov-host", .files = healthy_host_files,
		.args = {"--json", "doctor", "--root", FILES_ROOT},
		.out_has = {"\"command\": \"doctor\""},
	}, {
		.topology = "adl-sriov-host", .args = {"doctor", "--help"},
		.out_has = {"kernel.iommu", "sriov.capable", "sriov.guc", "sriov.vfs",
			    "sriov.vf-drivers", "dri.nodes", "dri.access", "va.libva", "va.driver",
			    "va.init", "opencl", "jellyfin.ffmpeg", "--user NAME", "--json",
			    "--root DIR", "Exit status"},
	})},

	/* passthrough */
	{"passthrough", "passthrough_pve", RUNS({
		.topology = "adl-sriov-host",
		PT("vf=4", "--to", "pve", "--gid", "104"),
		.out = "dev0: /dev/dri/renderD132,gid=104\n",
		/* Without --ct the numbers and the place in the file are the user's to get
		 * right: a line below a snapshot section changes the snapshot only. */
		.err = "vadiscover: in /etc/pve/lxc/ID.conf, renumber the lines to the first devN "
		       "the container does not use yet and put them above its first [section] "
		       "line (a snapshot; lines below it change only the snapshot); or let pct "
		       "do both: --ct ID\n"
		       "vadiscover: renderD132=226:132 are this boot's numbers; after re-creating "
		       "VFs or a reboot check them with 'vadiscover passthrough' again (or use "
		       "--by-path)\n",
	}, {
		.topology = "adl-sriov-host",
		PT("vf=4", "--to", "pve", "--gid", "104", "--card"),
		.out = "dev0: /dev/dri/renderD132,gid=104\ndev1: /dev/dri/card4,gid=104\n",
	}, {
		/* Without --gid: no gid= (the node would be root's in the container), and how
		 * to find the group. */
		.topology = "adl-sriov-host", PT("vf=4", "--to", "pve"),
		.exit = ANY_EXIT, .out = "dev0: /dev/dri/renderD132\n",
		.err_has = {"vadiscover: add ',gid=N' with the container's render group (run "
			    "'getent group render' in the container;"},
	}, {
		/* --by-path: the form pve-container resolves at each start. */
		.topology = "adl-sriov-host",
		PT("vf=4", "--to", "pve", "--gid", "104", "--by-path"),
		.out = "dev0: /dev/dri/by-path/pci-0000:00:02.4-render,gid=104\n",
		.err_has = {"vadiscover: the container sees the node as "
			    "/dev/dri/by-path/pci-0000:00:02.4-render (resolved at each start); "
			    "point the program at it or use vadiscover's wrapper (libdrm releases "
			    "that find a node's type by its kernel name, 2.4.116 and later, do "
			    "not)\n"},
	})},
	/* --ct ID: pct takes the first devN the current config and its pending changes do
	 * not use (a snapshot's dev1 is not the container's), with the container's own render
	 * gid read from its root file system. */
	{"passthrough", "passthrough_pct", RUNS({
		.topology = "adl-sriov-host", PTF(pve_ct_files, "vf=4", "--to", "pve", "--ct", "123"),
		.out = "pct set 123 --dev1 /dev/dri/renderD132,gid=105\n",
		.err_has = {"vadiscover: gid 105 is the render group in container 123 (its "
			    "/etc/group)\n"},
	}, {
		.topology = "adl-sriov-host",
		PTF(pve_ct_files, "vf=4", "--to", "pve", "--ct", "123", "--card", "--gid", "44"),
		.out = "pct set 123 --dev1 /dev/dri/renderD132,gid=44 --dev2 /dev/dri/card4,gid=44\n",
	}, {
		/* [pve:pending] changes take their devN too. */
		.topology = "adl-sriov-host", PTF(pve_ct_files, "vf=4", "--to", "pve", "--ct", "125"),
		.out = "pct set 125 --dev2 /dev/dri/renderD132,gid=105\n",
	}, {
		/* A disk image is not readable from here: the command asks the container. */
		.topology = "adl-sriov-host", PTF(pve_ct_files, "vf=4", "--to", "pve", "--ct", "124"),
		.out = "gid=$(pct exec 124 -- getent group render | cut -d: -f3) && [ -n \"$gid\" ] "
		       "&& pct set 124 --dev0 /dev/dri/renderD132,gid=\"$gid\"\n",
		.err_has = {"its rootfs local-lvm:vm-124-disk-0 is a disk image, not a "
			    "directory"},
	}, {
		/* Already given: nothing to do. */
		.topology = "adl-sriov-host", PTF(pve_ct_files, "vf=4", "--to", "pve", "--ct", "126"),
		.out = "", .err = "vadiscover: container 126 already has /dev/dri/renderD132 as dev3\n",
	}, {
		/* A container with no render group: no number is made up. */
		.topology = "adl-sriov-host", PTF(pve_ct_files, "vf=4", "--to", "pve", "--ct", "127"),
		.exit = 2, .out = "",
		.err_has = {"vadiscover: container 127 has no group render ("},
	}, {
		.topology = "adl-sriov-host", PTF(pve_ct_files, "vf=4", "--to", "pve", "--ct", "999"),
		.exit = 2, .out = "", .err_has = {"vadiscover: no container 999 on this host ("},
	}, {
		/* pve-container before 5.0.7 has no devN. */
		.topology = "adl-sriov-host", PTF(pve_old_files, "vf=4", "--to", "pve", "--ct", "123"),
		.exit = 2, .out = "",
		.err = "vadiscover: pve-container 5.0.6 has no devN (added in 5.0.7, Proxmox VE "
		       "8.1): use --to lxc, and put its lines in /etc/pve/lxc/ID.conf above the "
		       "first [section] line\n",
	})},
	{"passthrough", "passthrough_docker_compose", RUNS({
		.topology = "adl-sriov-host", PT("vf=4", "--to", "docker"),
		/* The process joins the node's group on the host (993 in the harness). */
		.out = "--device /dev/dri/renderD132:/dev/dri/renderD132 --group-add 993\n",
	}, {
		.topology = "adl-sriov-host",
		PT("vf=4", "--to", "docker", "--card", "--gid", "105"),
		.exit = ANY_EXIT,
		.out = "--device /dev/dri/renderD132:/dev/dri/renderD132 "
		       "--device /dev/dri/card4:/dev/dri/card4 --group-add 105\n",
	}, {
		.topology = "adl-sriov-host", PT("vf=4", "--to", "compose"),
		.out = "    devices:\n"
		       "      - /dev/dri/renderD132:/dev/dri/renderD132\n"
		       "    group_add:\n"
		       "      - \"993\"\n",
	}, {
		/* By the CDI name, which a spec written at boot keeps right. */
		.topology = "adl-sriov-host", PT("vf=4", "--to", "docker", "--cdi"),
		.out = "--device vadiscover.local/dri=vf4 --group-add 993\n",
	}, {
		.topology = "adl-sriov-host", PT("vf=4", "--to", "compose", "--cdi"),
		.out = "    devices:\n"
		       "      - vadiscover.local/dri=vf4\n"
		       "    group_add:\n"
		       "      - \"993\"\n",
	})},
	/* The lowest cdiVersion for the fields used: gid on the nodes is 0.3.0's,
	 * additionalGids 0.7.0's; names begin with a letter and the path is the host's, so no
	 * hostPath (both 0.5.0). */
	{"passthrough", "passthrough_cdi", RUNS({
		.topology = "adl-sriov-host",
		PT("vf=4", "--to", "cdi", "--gid", "104"), .script = cdi_py,
		.script_out = "vf4 /dev/dri/renderD132 - 226:132 0o660 104 None\n"
			      "pci-0000-00-02.4 /dev/dri/renderD132 - 226:132 0o660 104 None\n"
			      "vadiscover.local/dri 0.3.0\n",
	}, {
		.topology = "adl-sriov-host", PT("role=pf", "--to", "cdi", "--card"),
		.script = cdi_py,
		.script_out = "pf /dev/dri/renderD128 - 226:128 0o660 - None\n"
			      "pf /dev/dri/card0 - 226:0 0o660 - None\n"
			      "pci-0000-00-02.0 /dev/dri/renderD128 - 226:128 0o660 - None\n"
			      "pci-0000-00-02.0 /dev/dri/card0 - 226:0 0o660 - None\n"
			      "vadiscover.local/dri 0.3.0\n",
	}, {
		.topology = "adl-sriov-host",
		PT("vf=4", "--to", "cdi", "--gid", "104", "--group-add"), .script = cdi_py,
		.script_out = "vf4 /dev/dri/renderD132 - 226:132 0o660 104 [104]\n"
			      "pci-0000-00-02.4 /dev/dri/renderD132 - 226:132 0o660 104 [104]\n"
			      "vadiscover.local/dri 0.7.0\n",
	})},
	/* In a container whose node was renamed, the lines name the host's node: the device
	 * number, through sysfs. */
	{"passthrough", "passthrough_remapped_numbers", RUNS({
		.topology = "adl-sriov-lxc-vf4-remapped", PT("--to", "lxc"),
		.out = "lxc.cgroup2.devices.allow = c 226:132 rwm\n"
		       "lxc.mount.entry = /dev/dri/renderD132 dev/dri/renderD132 none "
		       "bind,optional,create=file\n",
		.err_has = {"vadiscover: /dev/dri/renderD128 here is the host's "
			    "/dev/dri/renderD132 (device 226:132)\n"},
	}, {
		.topology = "adl-sriov-lxc-vf4-remapped", PT("--to", "pve", "--gid", "104", "--card"),
		.out = "dev0: /dev/dri/renderD132,gid=104\ndev1: /dev/dri/card4,gid=104\n",
	}, {
		.topology = "adl-sriov-lxc-vf4-remapped", PT("--to", "docker", "--gid", "993"),
		.out = "--device /dev/dri/renderD132:/dev/dri/renderD132 --group-add 993\n",
	}, {
		/* The host's group of the node cannot be seen in here. */
		.topology = "adl-sriov-lxc-vf4-remapped", PT("--to", "compose"), .exit = 2,
		.out = "", .err_has = {"the host's group of /dev/dri/renderD132 cannot be known "
				       "in here: give --gid"},
	}, {
		.topology = "adl-sriov-lxc-vf4-remapped", PT("--to", "cdi"), .script = cdi_py,
		.script_out = "vf4 /dev/dri/renderD132 - 226:132 0o660 - None\n"
			      "pci-0000-00-02.4 /dev/dri/renderD132 - 226:132 0o660 - None\n"
			      "vadiscover.local/dri 0.3.0\n",
	}, {
		/* A container that names the nodes as the host does says so too. */
		.topology = "adl-sriov-lxc-vf4", PTF(lxc_files, "--to", "lxc"),
		.out = "lxc.cgroup2.devices.allow = c 226:132 rwm\n"
		       "lxc.mount.entry = /dev/dri/renderD132 dev/dri/renderD132 none "
		       "bind,optional,create=file\n",
		.err_has = {"vadiscover: run in a container: the lines name the host's nodes; use "
			    "them on the host\n"},
	})},
	/* What `passthrough --by-path --to pve` leads to: after the container starts, its only
	 * node is /dev/dri/by-path/pci-0000:00:02.4-render, which the library finds and doctor
	 * names as the host's renderD132. */
	{"passthrough", "by_path_container", RUNS({
		.topology = "adl-sriov-lxc-vf4-bypath", .node_gid = "104", .args = {"pick", "vf=4"},
		.out = "/dev/dri/by-path/pci-0000:00:02.4-render\n",
	}, {
		.topology = "adl-sriov-lxc-vf4-bypath", .node_gid = "104", .files = lxc_files,
		DOCTOR_IN_ROOT,
		.blocks = {
			/* Found, and flagged: a name libdrm 2.4.116 and later do not type. */
			{"dri.nodes",
			 "warn  dri.nodes         passed in: pci-0000:00:02.4-render = host "
			 "renderD132 (226:132) (VF 4, 0000:00:02.4); pci-0000:00:02.4-render is not "
			 "named as the kernel names it: libdrm releases that find a node's type by "
			 "that name (2.4.116 and later) and programs that look for renderD* do not "
			 "see "
			 "it\n"
			 "      fix: give the nodes their host names (pci-0000:00:02.4-render as "
			 "/dev/dri/renderD132): on the host, 'vadiscover passthrough --help' shows "
			 "how\n"},
			{"dri.access",
			 "ok    dri.access        root can open pci-0000:00:02.4-render (group "
			 "render)\n"
			 "ok    dri.access        jellyfin can open pci-0000:00:02.4-render (group "
			 "render)\n"},
		},
	})},
	{"passthrough", "passthrough_errors", RUNS({
		.topology = "adl-sriov-host", PT("vf=9", "--to", "lxc"),
		.exit = 1, .out = "", .err_has = {"vadiscover: no device matches 'vf=9'"},
	}, {
		.topology = "adl-sriov-host", PT("vf=4"), .exit = 2,
		.err_has = {"passthrough: say where the lines go: --to pve, lxc, docker, compose "
			    "or cdi"},
	}, {
		.topology = "adl-sriov-host", PT("vf=4", "--to", "podman"),
		.exit = 2, .err_has = {"unknown --to 'podman'"},
	}, {
		.topology = "adl-sriov-host",
		PT("vf=4", "--to", "pve", "--gid", "render"), .exit = 2,
		.err_has = {"--gid takes a group id (a number), got 'render'"},
	}, {
		.topology = "adl-sriov-host",
		PT("vf=4", "--to", "lxc", "--by-path"), .exit = 2,
		.err_has = {"--by-path applies to --to pve only"},
	}, {
		.topology = "adl-sriov-host", PT("vendr=1", "--to", "lxc"),
		.exit = 2, .err_has = {"invalid spec 'vendr=1': unknown key 'vendr'"},
	}, {
		.topology = "adl-sriov-host", PT("--help"),
		.out_has = {"Node numbers are not stable", "--by-path"},
	})},
};

#define N_DOCTOR_TESTS (int)(sizeof(doctor_tests) / sizeof(doctor_tests[0]))

/* The table's test _i: its runs, one after the other. */
START_TEST(doctor_runs)
{
	for (const struct tool_run *t = doctor_tests[_i].runs; t->topology; t++)
		check_run(doctor_tests[_i].name, t);
}
END_TEST


/* ---------------------------------------------------------------------------------- */
/* The tests that check more than a table row can say */

START_TEST(doctor_no_va_driver)
{
	char *root = make_root(healthy_host_files);
	char drivers[4200], want[8192];

	snprintf(drivers, sizeof(drivers), "%s/no-drivers", root);
	ck_assert_int_eq(mkdir(drivers, 0755), 0);
	snprintf(want, sizeof(want),
		 "fail  va.driver         renderD132: iHD_drv_video.so is not installed "
		 "(searched %s)\n"
		 "      fix: apt install intel-media-va-driver-non-free (non-free) or "
		 "intel-media-va-driver\n", drivers);
	struct tool_run r = {
		.topology = "adl-sriov-lxc-vf4", .drivers_dir = drivers, DOCTOR_IN_ROOT,
		.exit = 1, .blocks = {{"va.driver", want}},
		.out_has = {"fail  va.init           renderD132: ",
			    "      fix: see va.driver; then LIBVA_MESSAGING_LEVEL=2 vainfo "
			    "--display drm --device /dev/dri/renderD132 shows libva's own words\n"},
	};
	check_run_in("doctor_no_va_driver", &r, root, NULL);
	free(root);
}
END_TEST

/* A running server's command line wins over the files. */
START_TEST(doctor_jellyfin_running)
{
	static const char cmdline[] = "/usr/bin/jellyfin\0--webdir=/usr/share/jellyfin/web\0"
				      "--ffmpeg=/usr/libexec/vadiscover/ffmpeg\0";
	const char *const files[] = {
		"/etc/default/jellyfin", default_jellyfin,
		"/usr/libexec/vadiscover/ffmpeg", "VADISCOVER_FFMPEG\n",
		NULL,
	};
	char *root = make_root(files);
	char p[4200];

	/* make_root() writes text; a command line has NUL separators. */
	snprintf(p, sizeof(p), "%s/proc", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/proc/4242", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/proc/4242/cmdline", root);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(cmdline, 1, sizeof(cmdline) - 1, f);
	fclose(f);
	static const struct tool_run r = {
		.topology = "adl-sriov-host", DOCTOR_IN_ROOT, .exit = ANY_EXIT,
		.blocks = {{"jellyfin.ffmpeg",
			    "ok    jellyfin.ffmpeg   Jellyfin runs /usr/libexec/vadiscover/ffmpeg "
			    "(the running jellyfin (pid 4242)): vadiscover's wrapper\n"}},
	};
	check_run_in("doctor_jellyfin_running", &r, root, NULL);
	free(root);
}
END_TEST

/* pve-container's grammar: devN: takes a property string whose default key is the path,
 * which must start with /dev/ and hold no /./ or /../ (verify_lxc_dev_string); gid is an
 * integer >= 0; N below its MAX_DEVICES. */
START_TEST(passthrough_pve_grammar)
{
	static const char *const specs[] = { "vf=4", "role=pf", "vf=7", "pci=00:02.1" };
	regex_t re;

	ck_assert_int_eq(regcomp(&re, "^dev[0-9]+: /dev/[^,=]+(,gid=[0-9]+)?$",
				 REG_EXTENDED | REG_NOSUB), 0);
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		for (int by_path = 0; by_path < 2; by_path++) {
			struct tool_run t = {
				.topology = "adl-sriov-host",
				PT(specs[i], "--to", "pve", "--gid", "104",
					 "--card", by_path ? "--by-path" : "--card"),
			};
			struct tool_result r;

			check_run_in("passthrough_pve_grammar", &t, NULL, &r);
			int lines = 0;
			for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
				ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "%s", line);
				ck_assert_ptr_null(strstr(line, "/./"));
				ck_assert_ptr_null(strstr(line, "/../"));
				lines++;
			}
			ck_assert_int_eq(lines, 2);
			tool_result_free(&r);
		}
	}
	regfree(&re);
}
END_TEST

START_TEST(passthrough_lxc)
{
	static const struct tool_run plain = {
		.topology = "adl-sriov-host", PT("vf=4", "--to", "lxc"),
		.out = "lxc.cgroup2.devices.allow = c 226:132 rwm\n"
		       "lxc.mount.entry = /dev/dri/renderD132 dev/dri/renderD132 none "
		       "bind,optional,create=file\n",
		.err = "vadiscover: a bind mount keeps the host's owner: in an unprivileged "
		       "container the node shows as 65534 unless lxc.idmap maps the host's group "
		       "993 (or use --to pve with --gid)\n"
		       "vadiscover: renderD132=226:132 are this boot's numbers; after re-creating "
		       "VFs or a reboot check them with 'vadiscover passthrough' again\n",
	};
	static const struct tool_run card = {
		.topology = "adl-sriov-host", PT("vf=4", "--to", "lxc", "--card"),
		.exit = ANY_EXIT,
		.out = "lxc.cgroup2.devices.allow = c 226:132 rwm\n"
		       "lxc.mount.entry = /dev/dri/renderD132 dev/dri/renderD132 none "
		       "bind,optional,create=file\n"
		       "lxc.cgroup2.devices.allow = c 226:4 rwm\n"
		       "lxc.mount.entry = /dev/dri/card4 dev/dri/card4 none "
		       "bind,optional,create=file\n",
	};
	struct tool_result r;

	check_run("passthrough_lxc", &plain);
	check_run_in("passthrough_lxc", &card, NULL, &r);
	/* LXC's grammar (lxc.container.conf(5)): "key = value"; devices.allow takes
	 * "TYPE MAJ:MIN ACCESS"; mount.entry is an fstab line whose target is relative to the
	 * container's root (no leading '/'). */
	regex_t allow, mount;
	ck_assert_int_eq(regcomp(&allow, "^lxc\\.cgroup2\\.devices\\.allow = c [0-9]+:[0-9]+ "
					 "[rwm]+$", REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_int_eq(regcomp(&mount, "^lxc\\.mount\\.entry = /dev/dri/[^ ]+ dev/dri/[^ ]+ "
					 "none [a-z=,]+$", REG_EXTENDED | REG_NOSUB), 0);
	int n = 0;
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n"), n++)
		ck_assert_msg(regexec(n % 2 ? &mount : &allow, line, 0, NULL, 0) == 0, "%s", line);
	ck_assert_int_eq(n, 4);
	regfree(&allow);
	regfree(&mount);
	tool_result_free(&r);
}
END_TEST

/* --write: the spec lands in ROOT/var/run/cdi (where runtimes read generated specs) under
 * the device's name, whole, replacing the last one, nothing left beside it; stdout stays
 * empty. */
START_TEST(passthrough_cdi_write)
{
	char *root = make_root(no_files);
	char dir[4200], path[4300], *text;
	static const struct tool_run w = {
		.topology = "adl-sriov-host",
		.args = {"passthrough", "--root", FILES_ROOT, "vf=4", "--to", "cdi", "--write"},
		.out = "", .err_has = {"/var/run/cdi/vadiscover-vf4.json: podman run --device "
				       "vadiscover.local/dri=vf4"},
	};

	snprintf(dir, sizeof(dir), "%s/var/run/cdi", root);
	snprintf(path, sizeof(path), "%s/vadiscover-vf4.json", dir);
	for (int i = 0; i < 2; i++)
		check_run_in("passthrough_cdi_write", &w, root, NULL);
	text = slurp(path);
	ck_assert_ptr_nonnull(text);
	char *got = python(cdi_py, text);
	ck_assert_str_eq(got, "vf4 /dev/dri/renderD132 - 226:132 0o660 - None\n"
			      "pci-0000-00-02.4 /dev/dri/renderD132 - 226:132 0o660 - None\n"
			      "vadiscover.local/dri 0.3.0\n");
	free(got);
	free(text);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	/* Only the spec: no temporary file left. */
	DIR *d = opendir(dir);
	struct dirent *de;
	int files = 0;
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		files += de->d_name[0] != '.' || strncmp(de->d_name, ".vadiscover", 11) == 0;
	closedir(d);
	ck_assert_int_eq(files, 1);
	/* An explicit directory. */
	struct tool_run e = {
		.topology = "adl-sriov-host",
		.args = {"passthrough", "--root", FILES_ROOT, "role=pf", "--to", "cdi", "--write",
			 dir},
		.out = "",
	};
	check_run_in("passthrough_cdi_write", &e, root, NULL);
	snprintf(path, sizeof(path), "%s/vadiscover-pf.json", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	free(root);
}
END_TEST

/* Every line meant to be pasted or run, on every machine, in every format, names real
 * values: no placeholder word (GID, HOST_RENDER_GID, ID, SLOT, SPEC, N, XXX), no <...>.
 * A value the tool cannot know is refused or computed by a command the user runs. */
static const char *const all_topologies[] = {
	"adl-sriov-host", "adl-sriov-lxc-vf4", "adl-sriov-lxc-vf4-remapped", "intel-nvidia",
	"intel-arc", "amd", "many-nodes", "xe-sriov", "non-pci", "empty", "adl-sriov-vfio",
	"adl-sriov-vm-guest", "intel-amd-swapped", "adl-sriov-novfs", "adl-sriov-unbound",
	"adl-sriov-pve", "adl-stock-i915", "adl-sriov-guc-wrong", "adl-sriov-no-iommu",
	"adl-sriov-lxc-vf4-bypath",
};

static void assert_no_placeholder(const char *what, const char *text)
{
	regex_t re;

	ck_assert_int_eq(regcomp(&re, "(^|[^A-Za-z0-9_])(GID|HOST_RENDER_GID|ID|SLOT|SPEC|N|"
				      "X{3,})([^A-Za-z0-9_]|$)|<[^>]*>|[0-9]\\.N([^A-Za-z0-9]|$)",
				 REG_EXTENDED | REG_NEWLINE), 0);
	regmatch_t m[1];
	int r = regexec(&re, text, 1, m, 0);

	ck_assert_msg(r != 0, "%s: a placeholder at \"%.*s\" in:\n%s", what,
		      (int)(m[0].rm_eo - m[0].rm_so), text + m[0].rm_so, text);
	regfree(&re);
}

START_TEST(no_placeholders)
{
	const char *topo = all_topologies[_i];
	bool in_ct = strstr(topo, "lxc") != NULL;
	char *host_root = make_root(pve_ct_files), *ct_root = make_root(lxc_files);
	char p[4300];

	/* The host's accounts, for doctor --user jellyfin. */
	snprintf(p, sizeof(p), "%s/etc/passwd", host_root);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("root:x:0:0:root:/root:/bin/bash\n"
	      "jellyfin:x:105:112::/var/lib/jellyfin:/usr/sbin/nologin\n", f);
	fclose(f);
	static const char *const pt_args[][5] = {
		{"--to", "pve"}, {"--to", "pve", "--ct", "124"}, {"--to", "lxc"},
		{"--to", "docker"}, {"--to", "compose"}, {"--to", "cdi"},
	};

	for (size_t k = 0; k < sizeof(pt_args) / sizeof(pt_args[0]); k++) {
		struct tool_run t = {
			.topology = topo, .exit = ANY_EXIT,
			.args = {"passthrough", "--root", FILES_ROOT, pt_args[k][0], pt_args[k][1],
				 pt_args[k][2], pt_args[k][3]},
		};
		struct tool_result r;
		char what[256];

		check_run_in("no_placeholders", &t, in_ct ? ct_root : host_root, &r);
		snprintf(what, sizeof(what), "passthrough %s %s %s on %s", pt_args[k][1],
			 pt_args[k][2] ? pt_args[k][2] : "", pt_args[k][3] ? pt_args[k][3] : "",
			 topo);
		assert_no_placeholder(what, r.out);
		tool_result_free(&r);
	}
	/* doctor: as it runs, for the media server's account, and with the node refused by
	 * the device cgroup or by its mode. */
	static const char *const denies[] = { NULL, "renderD132:EPERM", "renderD132" };
	static const char *const gids[] = { NULL, "65534" };
	for (size_t k = 0; k < 3; k++) {
		for (size_t g = 0; g < 2; g++) {
			struct tool_run t = {
				.topology = topo, .exit = ANY_EXIT, .deny = denies[k],
				.node_gid = gids[g],
				.args = {"doctor", "--root", FILES_ROOT, "--user", "jellyfin"},
			};
			struct tool_result r;
			char what[256];

			if ((k || g) && !in_ct)
				continue; /* a host's nodes are not refused that way */
			check_run_in("no_placeholders", &t, in_ct ? ct_root : host_root, &r);
			ck_assert_msg(r.exit_code == 0 || r.exit_code == 1, "doctor on %s: exit "
				      "%d\n%s", topo, r.exit_code, r.err);
			snprintf(what, sizeof(what), "doctor on %s (deny %s, gid %s)", topo,
				 denies[k] ? denies[k] : "-", gids[g] ? gids[g] : "-");
			assert_no_placeholder(what, r.out);
			tool_result_free(&r);
		}
	}
	free(host_root);
	free(ct_root);
}
END_TEST

static TCase *tcase(Suite *s, const char *name)
{
	return tool_test_case(s, name, doctor_tests, N_DOCTOR_TESTS, doctor_runs);
}

Suite *test_suite(void)
{
	Suite *s = suite_create("doctor");
	TCase *tc;

	tcase(s, "doctor-host");
	tc = tcase(s, "doctor-container");
	tcase_add_test(tc, doctor_no_va_driver);
	tc = tcase(s, "doctor-jellyfin");
	tcase_add_test(tc, doctor_jellyfin_running);
	tcase(s, "doctor-json");
	tc = tcase(s, "passthrough");
	tcase_add_test(tc, passthrough_pve_grammar);
	tcase_add_test(tc, passthrough_lxc);
	tcase_add_test(tc, passthrough_cdi_write);
	tc = test_case(s, "placeholders");
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, no_placeholders, 0,
			    (int)(sizeof(all_topologies) / sizeof(all_topologies[0])));
	return s;
}
