/* vadiscover passthrough: the lines that give the selected device to a container, with the
 * host's real device numbers and the host's names of its nodes, in the grammar of the place
 * they go to:
 *   pve      Proxmox VE: with --ct ID, the `pct set ID --devN PATH[,gid=N]` command, N the
 *            first index the container's current configuration (and its pending changes)
 *            does not use, gid the container's render group read from its root file
 *            system or asked of the running container; without --ct, "devN: PATH[,gid=N]"
 *            lines for /etc/pve/lxc/ID.conf. pve-container (5.0.7, Proxmox VE 8.1, added
 *            devN) checks PATH starts with /dev/; at each container start its prestart
 *            hook stat()s PATH, following a symlink, and creates a node of that device
 *            number under the same PATH in the container, owned by uid 0 and the gid
 *            given, mode 0660;
 *   lxc      LXC's own config (and raw lines in a Proxmox one, which accepts "key = value"):
 *            "lxc.cgroup2.devices.allow = c MAJ:MIN rwm" and an fstab-like
 *            "lxc.mount.entry = SRC DEST none bind,optional,create=file" (DEST relative to
 *            the container's root), keeping the node's own name;
 *   docker   `docker run` arguments: --device HOST:CONTAINER (or the CDI name) and
 *            --group-add GID;
 *   compose  a compose service's devices: and group_add: blocks;
 *   cdi      a Container Device Interface spec (JSON): each device named by its role (pf,
 *            vf4) and by its PCI slot, deviceNodes with type, major, minor; its cdiVersion
 *            the lowest the fields used need (container-device-interface's
 *            specs-go/version.go); --write puts it where runtimes read generated specs.
 * Inside a container the nodes are named as the host names them (sysfs, from the device
 * number), not as they are called in here.
 * Lines go to stdout, advice (how node numbers can move, where to find the gid) to stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vadiscover/tool/account.h"
#include "vadiscover/tool/host.h"
#include "vadiscover/tool/json.h"
#include "vadiscover/tool/tool.h"

/* The CDI kind: the vendor part must be a DNS subdomain (SPEC.md, "Kind"). vadiscover
 * owns no domain; ".local" is reserved (RFC 6762), so no vendor's real domain can clash. */
#define CDI_KIND "vadiscover.local/dri"
/* Where runtimes read generated specs (the CDI library's DefaultDynamicDir); /etc/cdi is
 * for static ones, and node numbers are not static. */
#define CDI_DYNAMIC_DIR "/var/run/cdi"
/* devN: first appeared in pve-container 5.0.7 (Proxmox VE 8.1). */
#define PVE_DEVN_VERSION "5.0.7"

/* --help: the usage line's formats, each format's lines (the table below) and the rest. */
static const char help_head[] =
	"Usage: vadiscover passthrough [SPEC] --to %s [--gid N]\n"
	"                              [--ct ID] [--card] [--by-path] [--cdi]\n"
	"                              [--group-add] [--write [DIR]] [--root DIR]\n"
	"Print the lines that give the device SPEC selects (see 'vadiscover --help';\n"
	"without SPEC, $VADISCOVER_SELECT, else the first VA-capable device) to a\n"
	"container, with the host's device numbers and the host's names of its nodes\n"
	"(also when run inside a container). The render node is given; --card adds the\n"
	"card node (only needed for display output or old programs).\n"
	"\n";

static const char help_tail[] =
	"  --ct ID       pve: the container to give the device to (reads\n"
	"                /etc/pve/lxc/ID.conf)\n"
	"  --gid N       the group id the node gets in the container (pve, cdi) or the\n"
	"                container's process joins (docker, compose)\n"
	"  --group-add   cdi: the process joins --gid's group too (additionalGids: needs\n"
	"                CDI 0.7.0 in the runtime)\n"
	"  --cdi         docker, compose: name the device by its CDI name (the spec\n"
	"                --to cdi --write keeps up to date) instead of its node\n"
	"  --write [DIR] cdi: write the spec to DIR/vadiscover-NAME.json, atomically\n"
	"                (default " CDI_DYNAMIC_DIR ", where runtimes read generated specs)\n"
	"  --card        the card node too\n"
	"  --by-path     pve: the node's /dev/dri/by-path name (see below)\n"
	"  --root DIR    read /etc, /proc, /run and /var under DIR (default /)\n"
	"  --ffmpeg PATH, -d, -h  as for the other commands\n"
	"\n"
	"Node numbers are not stable: renderD132 is the 5th render node the kernel\n"
	"registered this boot. Re-creating VFs (sriov_numvfs), binding one to vfio-pci\n"
	"and back, another GPU or driver load order can give the same VF another number,\n"
	"and the lxc/docker/compose lines then give the wrong device (or none). The\n"
	"pve form with --by-path names the PCI slot: pve-container resolves the\n"
	"/dev/dri/by-path link at every container start and creates the node of today's\n"
	"number, under the by-path name, in the container (vadiscover and the wrapper\n"
	"find it there; programs that look only for renderD* do not). A CDI spec\n"
	"written at every boot keeps the CDI name right: the systemd unit\n"
	"vadiscover-cdi@.service runs --to cdi --write for the spec it is named by:\n"
	"  systemctl enable --now \"vadiscover-cdi@$(systemd-escape vf=4).service\"\n"
	"Otherwise run 'vadiscover passthrough' again after such a change.\n"
	"\n"
	"Examples:\n"
	"  vadiscover passthrough vf=4 --to pve --ct 123\n"
	"  docker run $(vadiscover passthrough vf=2 --to docker) jellyfin/jellyfin\n"
	"  vadiscover passthrough vf=3 --to cdi --write\n"
	"\n"
	"Exit status: 0 lines printed (or written); 1 no device matches SPEC, or its\n"
	"host names cannot be known here; 2 usage error, or a value the lines need is\n"
	"missing; 3 internal error.\n";

/* The options that apply to some formats only (struct format's options). */
enum {
	OPT_BY_PATH = 1u << 0,
	OPT_CT = 1u << 1,
	OPT_WRITE = 1u << 2,
	OPT_CDI = 1u << 3,
	OPT_GROUP_ADD = 1u << 4,
};

struct pt_options {
	const struct format *format;
	unsigned int given; /* the OPT_ given */
	long gid; /* -1: not given */
	long ct;  /* -1: not given */
	bool card, by_path, debug, cdi_names, group_add, write;
	const char *ffmpeg, *spec_text, *root, *write_dir;
};

/* One node to pass: its path here, its path on the host, its device number. */
struct pt_node {
	const char *path;   /* as found where the tool runs */
	char host[64];	    /* /dev/dri/renderD132: the host's (the kernel's) name */
	bool renamed;	    /* path is not the host's name */
	char by_path[256];  /* /dev/dri/by-path/pci-SLOT-render, "" when there is none */
	dev_t rdev;
	gid_t host_gid;
	bool host_gid_known;
};

/* What a format's functions work on: the options, the device and its nodes. */
struct pt_lines {
	const struct pt_options *o;
	const struct vad_device *dev;
	struct pt_node *nodes;
	size_t n;
	long group;	  /* docker, compose: the group the process joins */
	char note[1024];  /* said first in the advice, when not "" */
	bool advice;	  /* the advice follows the lines (true unless the print says not) */
};

/*
 * A --to format: one row of the table formats[] below. A new format is a row and its
 * print function (an advice function if it has something to add).
 */
struct format {
	const char *name;
	const char *help; /* its --help lines, after "  --to NAME" */
	/* The lines on stdout (or wherever the format's options send them): an exit code. */
	int (*print)(struct pt_lines *l);
	/* What the lines depend on, on stderr, before the node numbers; false when they
	 * carry no node number. NULL: nothing to add. */
	bool (*advice)(const struct pt_lines *l);
	/* What the host must have, checked before anything is scanned: -1 to go on, or the
	 * exit code after saying why. NULL: nothing. */
	int (*check)(const struct pt_options *o);
	unsigned int options; /* the OPT_ it accepts */
	bool joins_group;     /* the process joins the node's group (--gid, else the host's) */
};

static bool parse_number(const char *arg, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	return !errno && end != arg && !*end && *out >= 0 && *out <= max;
}

/* Fills @n for the node at @path; false when the host's name of the node cannot be known
 * (inside a container, without sysfs's link for its number). */
static bool fill_node(struct pt_node *n, const char *path, dev_t rdev, const char *slot,
		      const char *kind, bool in_container)
{
	struct stat st;
	char kname[48];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	memset(n, 0, sizeof(*n));
	n->path = path;
	n->rdev = rdev;
	if (host_kernel_node_name(rdev, kname, sizeof(kname)))
		tool_sfmt(n->host, sizeof(n->host), "/dev/dri/%s", kname);
	else if (!in_container && strncmp(path, "/dev/dri/", 9) == 0 && !strchr(path + 9, '/'))
		tool_sfmt(n->host, sizeof(n->host), "%s", path);
	else
		return false;
	n->renamed = strcmp(base, strrchr(n->host, '/') + 1) != 0;
	in_container |= n->renamed;
	if (!in_container && stat(path, &st) == 0) {
		n->host_gid = st.st_gid;
		n->host_gid_known = true;
	}
	if (slot) {
		tool_sfmt(n->by_path, sizeof(n->by_path), "/dev/dri/by-path/pci-%s-%s", slot, kind);
		/* On the host: only a link udev made and that leads to this very node. In a
		 * container the host's link cannot be seen: udev's name for the slot. */
		if (!in_container && (stat(n->by_path, &st) != 0 || st.st_rdev != rdev))
			n->by_path[0] = '\0';
	}
	return true;
}

/* "vf4", "pf", or the node's host name for a device that is neither. */
static void role_name(char *buf, size_t len, const struct vad_device *dev,
		      const struct pt_node *first)
{
	switch (vad_device_get_sriov_role(dev)) {
	case VAD_SRIOV_PF:
		tool_sfmt(buf, len, "%s", vad_sriov_role_name(VAD_SRIOV_PF));
		return;
	case VAD_SRIOV_VF:
		if (vad_device_get_vf_index(dev) > 0) {
			tool_sfmt(buf, len, "%s%d", vad_sriov_role_name(VAD_SRIOV_VF),
			     vad_device_get_vf_index(dev));
			return;
		}
		break;
	default:
		break;
	}
	tool_sfmt(buf, len, "%s", strrchr(first->host, '/') + 1);
}

/* The CDI device name of a PCI slot: SPEC.md allows [A-Za-z0-9_.-] between alphanumerics
 * (no ':'), and a leading letter keeps the spec valid before 0.5.0. */
static void slot_name(char *buf, size_t len, const char *slot)
{
	tool_sfmt(buf, len, "pci-%s", slot);
	for (char *p = buf; *p; p++)
		if (*p == ':')
			*p = '-';
}

/* The features of a CDI spec that decide its lowest cdiVersion. */
struct cdi_features {
	bool host_path;	      /* deviceNodes[].hostPath (0.5.0) */
	bool digit_name;      /* a device name beginning with a digit (0.5.0) */
	bool additional_gids; /* containerEdits.additionalGids (0.7.0) */
};

/* The lowest version whose fields the spec uses, as specs-go/version.go's
 * MinimumRequiredVersion computes it; 0.3.0 is the earliest its library accepts. */
static const char *cdi_version(const struct cdi_features *f)
{
	if (f->additional_gids)
		return "0.7.0";
	if (f->host_path || f->digit_name)
		return "0.5.0";
	return "0.3.0";
}

static void print_cdi_device(struct jw *w, const char *name, const struct pt_node *nodes,
			     size_t n, const struct pt_options *o)
{
	jw_object_begin(w, NULL);
	jw_string(w, "name", name);
	jw_object_begin(w, "containerEdits");
	jw_array_begin(w, "deviceNodes");
	for (size_t i = 0; i < n; i++) {
		jw_object_begin(w, NULL);
		/* The host's name, also in the container: no hostPath needed. */
		jw_string(w, "path", nodes[i].host);
		jw_string(w, "type", "c");
		jw_int(w, "major", major(nodes[i].rdev));
		jw_int(w, "minor", minor(nodes[i].rdev));
		jw_int(w, "fileMode", 0660);
		jw_string(w, "permissions", "rw");
		/* Without a gid the runtime gives the node the process's own group. */
		if (o->gid >= 0)
			jw_int(w, "gid", o->gid);
		jw_object_end(w);
	}
	jw_array_end(w);
	if (o->group_add) {
		jw_array_begin(w, "additionalGids");
		jw_int(w, NULL, o->gid);
		jw_array_end(w);
	}
	jw_object_end(w);
	jw_object_end(w);
}

static void print_cdi(FILE *f, const struct pt_options *o, const struct vad_device *dev,
		      const struct pt_node *nodes, size_t n)
{
	struct jw w;
	char role[64], sname[64];
	const char *slot = vad_device_get_pci_slot(dev);
	struct cdi_features feat = { .additional_gids = o->group_add };

	role_name(role, sizeof(role), dev, &nodes[0]);
	if (slot)
		slot_name(sname, sizeof(sname), slot);
	jw_init(&w, f);
	jw_object_begin(&w, NULL);
	jw_string(&w, "cdiVersion", cdi_version(&feat));
	jw_string(&w, "kind", CDI_KIND);
	jw_array_begin(&w, "devices");
	print_cdi_device(&w, role, nodes, n, o);
	if (slot)
		print_cdi_device(&w, sname, nodes, n, o);
	jw_array_end(&w);
	jw_object_end(&w);
	jw_finish(&w);
}

/* The path a pve line gives: the by-path link when asked for and there is one. */
static const char *pve_path(const struct pt_options *o, const struct pt_node *node)
{
	return o->by_path && node->by_path[0] ? node->by_path : node->host;
}

static int print_lxc(struct pt_lines *l)
{
	for (size_t i = 0; i < l->n; i++) {
		printf("lxc.cgroup2.devices.allow = c %u:%u rwm\n", major(l->nodes[i].rdev),
		       minor(l->nodes[i].rdev));
		printf("lxc.mount.entry = %s %s none bind,optional,create=file\n",
		       l->nodes[i].host, l->nodes[i].host + 1);
	}
	return EXIT_OK;
}

static int print_docker(struct pt_lines *l)
{
	char role[64];

	role_name(role, sizeof(role), l->dev, &l->nodes[0]);
	if (l->o->cdi_names)
		printf("--device %s=%s", CDI_KIND, role);
	for (size_t i = 0; !l->o->cdi_names && i < l->n; i++)
		printf("%s--device %s:%s", i ? " " : "", l->nodes[i].host, l->nodes[i].host);
	printf(" --group-add %ld\n", l->group);
	return EXIT_OK;
}

static int print_compose(struct pt_lines *l)
{
	char role[64];

	role_name(role, sizeof(role), l->dev, &l->nodes[0]);
	printf("    devices:\n");
	if (l->o->cdi_names)
		printf("      - %s=%s\n", CDI_KIND, role);
	for (size_t i = 0; !l->o->cdi_names && i < l->n; i++)
		printf("      - %s:%s\n", l->nodes[i].host, l->nodes[i].host);
	printf("    group_add:\n      - \"%ld\"\n", l->group);
	return EXIT_OK;
}

/* "renderD132=226:132, card4=226:4" */
static void numbers_text(char *buf, size_t len, const struct pt_node *nodes, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(buf);

		tool_sfmt(buf + l, len - l, "%s%s=%u:%u", i ? ", " : "", strrchr(nodes[i].host, '/') + 1,
		     major(nodes[i].rdev), minor(nodes[i].rdev));
	}
}

/* Advice on stderr: what the lines depend on. */
static void print_advice(const struct pt_lines *l)
{
	char numbers[128];
	const struct format *f = l->o->format;

	numbers_text(numbers, sizeof(numbers), l->nodes, l->n);
	if (l->note[0])
		fprintf(stderr, "vadiscover: %s\n", l->note);
	if (f->advice && !f->advice(l))
		return;
	fprintf(stderr, "vadiscover: %s are this boot's numbers; after re-creating VFs or a "
			"reboot check them with 'vadiscover passthrough' again%s\n", numbers,
		f->options & OPT_BY_PATH ? " (or use --by-path)" : "");
}

static bool advice_pve(const struct pt_lines *l)
{
	const struct pt_options *o = l->o;

	if (o->ct < 0)
		fprintf(stderr, "vadiscover: in /etc/pve/lxc/ID.conf, renumber the lines to the "
				"first devN the container does not use yet and put them above its "
				"first [section] line (a snapshot; lines below it change only the "
				"snapshot); or let pct do both: --ct ID\n");
	if (o->gid < 0 && o->ct < 0)
		fprintf(stderr, "vadiscover: add ',gid=N' with the container's render group "
				"(run 'getent group render' in the container; Debian and Ubuntu "
				"images: 104 or 105), or the node is root-only in there\n");
	if (!o->by_path)
		return true;
	if (!l->nodes[0].by_path[0])
		fprintf(stderr, "vadiscover: no /dev/dri/by-path link leads to %s: the node's own "
				"name is used\n", l->nodes[0].host);
	else
		fprintf(stderr, "vadiscover: the container sees the node as %s (resolved at each "
				"start); point the program at it or use vadiscover's wrapper "
				"(libdrm releases that find a node's type by its kernel name, "
				"2.4.116 and later, do not)\n", l->nodes[0].by_path);
	return false;
}

static bool advice_lxc(const struct pt_lines *l)
{
	if (l->nodes[0].host_gid_known)
		fprintf(stderr, "vadiscover: a bind mount keeps the host's owner: in an "
				"unprivileged container the node shows as 65534 unless lxc.idmap "
				"maps the host's group %u (or use --to pve with --gid)\n",
			(unsigned int)l->nodes[0].host_gid);
	else
		fprintf(stderr, "vadiscover: a bind mount keeps the host's owner: in an "
				"unprivileged container the node shows as 65534 unless lxc.idmap "
				"maps the host's group of the node (or use --to pve with --gid)\n");
	return true;
}

static bool advice_cdi(const struct pt_lines *l)
{
	(void)l;
	fprintf(stderr, "vadiscover: save it with --write (" CDI_DYNAMIC_DIR
			"/vadiscover-NAME.json, where runtimes read generated specs), "
			"again at every boot: vadiscover-cdi@.service does (see "
			"'vadiscover passthrough --help')\n");
	return true;
}

/* mkdir -p (/var/run/cdi does not exist before a first spec); 0 or -errno. */
static int mkdir_p(char *dir)
{
	for (char *s = dir + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		int bad = mkdir(dir, 0755) < 0 && errno != EEXIST;

		*s = '/';
		if (bad)
			return -errno;
	}
	return mkdir(dir, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* Writes the spec to DIR/vadiscover-NAME.json through a temporary file and rename(2), so a
 * runtime reading the directory sees the old spec or the new one, never half of one. */
static int write_cdi(const struct pt_options *o, const struct vad_device *dev,
		     const struct pt_node *nodes, size_t n)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], tmp[PATH_MAX + 80], role[64];
	int fd, r;
	FILE *f;

	if (o->write_dir)
		tool_sfmt(dir, sizeof(dir), "%s", o->write_dir);
	else
		host_path(o->root, CDI_DYNAMIC_DIR, dir, sizeof(dir));
	role_name(role, sizeof(role), dev, &nodes[0]);
	tool_sfmt(path, sizeof(path), "%s/vadiscover-%s.json", dir, role);
	tool_sfmt(tmp, sizeof(tmp), "%s/.vadiscover-%s.json.XXXXXX", dir, role);
	if ((r = mkdir_p(dir)) < 0) {
		fprintf(stderr, "vadiscover: cannot create %s: %s\n", dir, strerror(-r));
		return EXIT_INTERNAL;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "vadiscover: cannot write in %s: %s\n", dir, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return EXIT_INTERNAL;
	}
	print_cdi(f, o, dev, nodes, n);
	bool ok = fchmod(fd, 0644) == 0 && fflush(f) == 0 && !ferror(f) && fsync(fd) == 0;

	if (fclose(f) != 0)
		ok = false;
	if (!ok || rename(tmp, path) < 0) {
		fprintf(stderr, "vadiscover: writing %s failed: %s\n", path, strerror(errno));
		unlink(tmp);
		return EXIT_INTERNAL;
	}
	fprintf(stderr, "vadiscover: wrote %s: podman run --device %s=%s ... (docker: with "
			"CDI enabled)\n", path, CDI_KIND, role);
	return EXIT_OK;
}

/* --to pve --ct ID: the pct command (*@printed false when the container has the nodes
 * already), or EXIT_USAGE after saying what is missing. */
static int print_pct(const struct pt_options *o, struct pt_node *nodes, size_t n,
		     char *note, size_t notelen, bool *printed)
{
	struct pve_ct ct;
	char dir[PATH_MAX], why[512], groupfile[PATH_MAX + 16], gidtext[64];
	unsigned int id = (unsigned int)o->ct;
	size_t idx[2], k = 0, given = 0;
	long gid = o->gid;
	bool ask = false;

	pve_ct_load(o->root, id, &ct);
	if (!ct.found) {
		fprintf(stderr, "vadiscover: no container %u on this host (%s/etc/pve/lxc/%u.conf "
				"is missing): run this on the Proxmox node the container is on\n",
			id, strcmp(o->root, "/") ? o->root : "", id);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t d = 0; d < 256; d++) {
			if (ct.given[d] == nodes[i].rdev) {
				fprintf(stderr, "vadiscover: container %u already has %s as dev%zu\n",
					id, nodes[i].host, d);
				nodes[i].rdev = 0;
				given++;
				break;
			}
		}
	}
	if (given == n) {
		*printed = false;
		return EXIT_OK;
	}
	for (size_t d = 0; d < 256 && k < n - given; d++)
		if (!ct.used[d])
			idx[k++] = d;
	if (k < n - given) {
		fprintf(stderr, "vadiscover: container %u uses all 256 devN\n", id);
		return EXIT_USAGE;
	}
	if (gid < 0) {
		if (pve_ct_rootfs_dir(o->root, id, &ct, dir, sizeof(dir), why, sizeof(why))) {
			tool_sfmt(groupfile, sizeof(groupfile), "%s/etc/group", dir);
			if (!account_group(dir, "render", &gid, NULL, 0)) {
				fprintf(stderr, "vadiscover: container %u has no group render "
						"(%s): create it in there (pct exec %u -- groupadd "
						"-r render) or give --gid\n", id, groupfile, id);
				return EXIT_USAGE;
			}
			tool_sfmt(note, notelen, "gid %ld is the render group in container %u (its "
			     "/etc/group)", gid, id);
		} else {
			ask = true;
			tool_sfmt(note, notelen, "container %u's files cannot be read from here (%s): "
			     "the command asks the running container for its render group (or give "
			     "--gid)", id, why);
		}
	}
	if (ask) {
		printf("gid=$(pct exec %u -- getent group render | cut -d: -f3) && [ -n \"$gid\" ] "
		       "&& ", id);
		tool_sfmt(gidtext, sizeof(gidtext), "\"$gid\"");
	} else {
		tool_sfmt(gidtext, sizeof(gidtext), "%ld", gid);
	}
	printf("pct set %u", id);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (nodes[i].rdev)
			printf(" --dev%zu %s,gid=%s", idx[k++], pve_path(o, &nodes[i]), gidtext);
	printf("\n");
	return EXIT_OK;
}

/* pve: with --ct the pct command, else devN lines. */
static int print_pve(struct pt_lines *l)
{
	if (l->o->ct >= 0) {
		int ret = print_pct(l->o, l->nodes, l->n, l->note, sizeof(l->note), &l->advice);

		l->advice &= ret == EXIT_OK;
		return ret;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->o->gid >= 0)
			printf("dev%zu: %s,gid=%ld\n", i, pve_path(l->o, &l->nodes[i]), l->o->gid);
		else
			printf("dev%zu: %s\n", i, pve_path(l->o, &l->nodes[i]));
	}
	return EXIT_OK;
}

/* pve: a host whose pve-container predates devN. */
static int check_pve(const struct pt_options *o)
{
	char version[64];

	if (!pve_container_version(o->root, version, sizeof(version)) ||
	    host_version_cmp(version, PVE_DEVN_VERSION) >= 0)
		return -1;
	fprintf(stderr, "vadiscover: pve-container %s has no devN (added in " PVE_DEVN_VERSION
			", Proxmox VE 8.1): use --to lxc, and put its lines in "
			"/etc/pve/lxc/ID.conf above the first [section] line\n", version);
	return EXIT_USAGE;
}

/* cdi: the spec on stdout, or written with --write. */
static int print_cdi_spec(struct pt_lines *l)
{
	if (!l->o->write) {
		print_cdi(stdout, l->o, l->dev, l->nodes, l->n);
		return EXIT_OK;
	}
	l->advice = false;
	return write_cdi(l->o, l->dev, l->nodes, l->n);
}

static const struct format formats[] = {
	{ "pve",
		"Proxmox VE (pve-container 5.0.7 / Proxmox VE 8.1 or later).\n"
		"                With --ct ID: the 'pct set ID --devN PATH,gid=G' command, N the\n"
		"                first devN the container does not use, G its render group (read\n"
		"                from its root file system, else asked of the running container).\n"
		"                Without --ct: 'devN: PATH' lines for /etc/pve/lxc/ID.conf, to put\n"
		"                above its first [snapshot] line, with free numbers.\n",
	  print_pve, advice_pve, check_pve, OPT_CT | OPT_BY_PATH, false },
	{ "lxc",
		"'lxc.cgroup2.devices.allow = c 226:132 rwm' and\n"
		"                'lxc.mount.entry = ...' pairs, keeping the node's name (LXC's\n"
		"                config; Proxmox's accepts them as they are)\n",
	  print_lxc, advice_lxc, NULL, 0, false },
	{ "docker",
		"docker run arguments: --device ... --group-add GID (the node's\n"
		"                group on the host unless --gid)\n",
	  print_docker, NULL, NULL, OPT_CDI, true },
	{ "compose",
		"a service's devices: and group_add: blocks\n",
	  print_compose, NULL, NULL, OPT_CDI, true },
	{ "cdi",
		"a CDI spec (JSON); devices named by role (pf, vf4) and PCI slot\n"
		"                (pci-0000-00-02.4): --device " CDI_KIND "=vf4\n",
	  print_cdi_spec, advice_cdi, NULL, OPT_WRITE | OPT_GROUP_ADD, false },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

/* The options only some formats take, in the order they are checked, and what their
 * message adds after the formats that take them. */
static const struct {
	unsigned int opt;
	const char *name, *tail;
} format_options[] = {
	{ OPT_BY_PATH, "--by-path", " only (the other forms take the device number when they "
				    "are written)" },
	{ OPT_CT, "--ct", " only" },
	{ OPT_WRITE, "--write", " only" },
	{ OPT_CDI, "--cdi", " (--to cdi writes the spec it names)" },
	{ OPT_GROUP_ADD, "--group-add", " with --gid (docker and compose always add the group)" },
};

/* The names of the formats that take @opt (0: every format), "pve, lxc or cdi" with
 * @last " or ", "pve|lxc|cdi" with @sep and @last "|". */
static void format_names(char *buf, size_t len, unsigned int opt, const char *sep,
			 const char *last)
{
	size_t k = 0, total = 0;

	for (size_t i = 0; i < NFORMATS; i++)
		total += !opt || (formats[i].options & opt);
	buf[0] = '\0';
	for (size_t i = 0; i < NFORMATS; i++) {
		size_t l = strlen(buf);

		if (opt && !(formats[i].options & opt))
			continue;
		tool_sfmt(buf + l, len - l, "%s%s", k == 0 ? "" : k + 1 == total ? last : sep,
			  formats[i].name);
		k++;
	}
}

void passthrough_format_names(char *buf, size_t len, const char *sep, const char *last)
{
	format_names(buf, len, 0, sep, last);
}

static void print_help(void)
{
	char names[128];

	format_names(names, sizeof(names), 0, "|", "|");
	printf(help_head, names);
	for (size_t i = 0; i < NFORMATS; i++)
		printf("  --to %-9s%s", formats[i].name, formats[i].help);
	fputs(help_tail, stdout);
}

static int parse(int argc, char **argv, struct pt_options *o)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},	  {"debug", no_argument, NULL, 'd'},
		{"to", required_argument, NULL, 't'},	  {"gid", required_argument, NULL, 'g'},
		{"card", no_argument, NULL, 'c'},	  {"by-path", no_argument, NULL, 'b'},
		{"ffmpeg", required_argument, NULL, 'F'}, {"ct", required_argument, NULL, 'C'},
		{"root", required_argument, NULL, 'R'},  {"cdi", no_argument, NULL, 'N'},
		{"group-add", no_argument, NULL, 'G'},	  {"write", optional_argument, NULL, 'W'},
		{NULL, 0, NULL, 0},
	};
	const char *args[3] = { NULL };
	char names[128];
	int c, nargs = 0;

	memset(o, 0, sizeof(*o));
	o->gid = -1;
	o->ct = -1;
	o->root = "/";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hd", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			print_help();
			return EXIT_OK;
		case 'd': o->debug = true; break;
		case 'c': o->card = true; break;
		case 'b':
			o->by_path = true;
			o->given |= OPT_BY_PATH;
			break;
		case 'F': o->ffmpeg = optarg; break;
		case 'N':
			o->cdi_names = true;
			o->given |= OPT_CDI;
			break;
		case 'G':
			o->group_add = true;
			o->given |= OPT_GROUP_ADD;
			break;
		case 'W':
			o->write = true;
			o->write_dir = optarg;
			o->given |= OPT_WRITE;
			break;
		case 'R':
			if (optarg[0] != '/') {
				tool_usage_error("passthrough: --root needs an absolute directory "
						 "(got '%s')", optarg);
				return EXIT_USAGE;
			}
			o->root = optarg;
			break;
		case 't':
			o->format = NULL;
			for (size_t i = 0; i < NFORMATS; i++)
				if (strcmp(optarg, formats[i].name) == 0)
					o->format = &formats[i];
			if (!o->format) {
				format_names(names, sizeof(names), 0, ", ", " or ");
				tool_usage_error("passthrough: unknown --to '%s' (%s)", optarg, names);
				return EXIT_USAGE;
			}
			break;
		case 'g':
			if (!parse_number(optarg, 4294967294L, &o->gid)) {
				tool_usage_error("passthrough: --gid takes a group id (a number), "
						 "got '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'C':
			if (!parse_number(optarg, 999999999L, &o->ct) || o->ct < 100) {
				tool_usage_error("passthrough: --ct takes a container's id (100 or "
						 "more, as Proxmox numbers them), got '%s'", optarg);
				return EXIT_USAGE;
			}
			o->given |= OPT_CT;
			break;
		default:
			return tool_option_error("passthrough: ", c, argv);
		}
	}
	for (int i = optind; i < argc; i++) {
		/* --write DIR: a directory is never a spec (key=value). */
		if (o->write && !o->write_dir && argv[i][0] == '/') {
			o->write_dir = argv[i];
			continue;
		}
		if (nargs < 2)
			args[nargs] = argv[i];
		nargs++;
	}
	if (nargs > 1) {
		tool_usage_error("passthrough: one SPEC at most (got '%s' and '%s'); join keys "
				 "with ','", args[0], args[1]);
		return EXIT_USAGE;
	}
	if (!o->format) {
		format_names(names, sizeof(names), 0, ", ", " or ");
		tool_usage_error("passthrough: say where the lines go: --to %s", names);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(format_options) / sizeof(format_options[0]); i++) {
		unsigned int opt = format_options[i].opt;

		/* --group-add without --gid would add no group. */
		if (!(o->given & opt) ||
		    ((o->format->options & opt) && (opt != OPT_GROUP_ADD || o->gid >= 0)))
			continue;
		format_names(names, sizeof(names), opt, ", ", " and ");
		tool_usage_error("passthrough: %s applies to --to %s%s", format_options[i].name,
				 names, format_options[i].tail);
		return EXIT_USAGE;
	}
	if (o->write_dir && o->write_dir[0] != '/') {
		tool_usage_error("passthrough: --write takes an absolute directory (got '%s')",
				 o->write_dir);
		return EXIT_USAGE;
	}
	o->spec_text = nargs ? args[0] : getenv("VADISCOVER_SELECT");
	return -1;
}

int passthrough_main(int argc, char **argv)
{
	struct pt_options o;
	struct vad_context *ctx = NULL;
	struct vad_spec *spec = NULL;
	struct vad_device *sel = NULL;
	struct host_env env;
	char err[512] = "";
	int ret = parse(argc, argv, &o), r;

	if (ret >= 0)
		return ret;
	/* parse() goes on (-1) only with a format; said again for gcc 12's -fanalyzer, which
	 * loses that across its option loop. */
	if (!o.format)
		return EXIT_INTERNAL;
	ret = EXIT_INTERNAL;
	r = vad_spec_new(&spec, o.spec_text, err, sizeof(err));
	if (r == -EINVAL) {
		fprintf(stderr, "vadiscover: invalid spec '%s': %s\n", o.spec_text,
			err[0] ? err : "syntax error");
		return EXIT_USAGE;
	}
	if (r < 0) {
		fprintf(stderr, "vadiscover: %s\n", strerror(-r));
		return EXIT_INTERNAL;
	}
	if (o.format->check && (r = o.format->check(&o)) >= 0) {
		vad_spec_free(spec);
		return r;
	}
	host_detect(o.root, &env);
	if ((r = tool_context_new(&ctx, o.debug, true, o.ffmpeg)) != EXIT_OK) {
		vad_spec_free(spec);
		return r;
	}
	r = vad_scan(ctx);
	if (r < 0) {
		fprintf(stderr, "vadiscover: scanning /dev/dri failed: %s\n", strerror(-r));
		goto out;
	}
	r = vad_select(ctx, spec, 0, &sel);
	if (r < 0 && r != -ENOENT && r != -ENODEV) {
		fprintf(stderr, "vadiscover: selection failed: %s\n", strerror(-r));
		goto out;
	}
	if (!sel) {
		const char *canonical = vad_spec_to_string(spec);

		if (r == -ENOENT)
			fprintf(stderr, "vadiscover: no DRM devices: /dev/dri is missing or empty\n");
		else
			fprintf(stderr, "vadiscover: no device matches '%s' ('vadiscover explain "
					"%s' says why)\n", canonical ? canonical : "",
				canonical ? canonical : "");
		ret = EXIT_NO_DEVICE;
		goto out;
	}

	struct pt_node nodes[2];
	const char *paths[2] = { NULL, NULL }, *kinds[2] = { "render", "card" };
	dev_t rdevs[2] = { 0, 0 };
	size_t n = 0;
	const char *slot = vad_device_get_pci_slot(sel);
	bool in_container = env.container[0] != '\0', renamed = false;

	if (vad_device_get_render_node(sel)) {
		paths[0] = vad_device_get_render_node(sel);
		rdevs[0] = vad_device_get_render_rdev(sel);
	}
	if (vad_device_get_card_node(sel) && (o.card || !paths[0])) {
		paths[1] = vad_device_get_card_node(sel);
		rdevs[1] = vad_device_get_card_rdev(sel);
	}
	for (int k = 0; k < 2; k++) {
		if (!paths[k])
			continue;
		if (!fill_node(&nodes[n], paths[k], rdevs[k], slot, kinds[k], in_container)) {
			fprintf(stderr, "vadiscover: %s is device %u:%u, whose name on the host "
					"cannot be known here (no /sys/dev/char/%u:%u): run "
					"'vadiscover passthrough' on the host\n", paths[k],
				major(rdevs[k]), minor(rdevs[k]), major(rdevs[k]), minor(rdevs[k]));
			ret = EXIT_NO_DEVICE;
			goto out;
		}
		renamed |= nodes[n].renamed;
		n++;
	}
	if (o.card && !vad_device_get_card_node(sel))
		fprintf(stderr, "vadiscover: %s has no card node here: only its render node is "
				"given\n", vad_device_get_node(sel));
	in_container |= renamed;
	if (in_container) {
		for (size_t i = 0; i < n; i++)
			if (nodes[i].renamed)
				fprintf(stderr, "vadiscover: %s here is the host's %s (device %u:%u)\n",
					nodes[i].path, nodes[i].host, major(nodes[i].rdev),
					minor(nodes[i].rdev));
		fprintf(stderr, "vadiscover: run in %s: the lines name the host's nodes; use "
				"them on the host\n", env.container[0] ? "a container" : "a container "
				"(a node is not named as the host names it)");
	}
	struct pt_lines lines = { .o = &o, .dev = sel, .nodes = nodes, .n = n, .group = o.gid,
				  .advice = true };

	/* docker/compose: the process joins the node's group, the host's number unless told. */
	if (lines.group < 0 && o.format->joins_group) {
		if (!nodes[0].host_gid_known) {
			fprintf(stderr, "vadiscover: the host's group of %s cannot be known in "
					"here: give --gid (on the host: stat -c %%g %s)\n",
				nodes[0].host, nodes[0].host);
			ret = EXIT_USAGE;
			goto out;
		}
		lines.group = (long)nodes[0].host_gid;
	}
	ret = o.format->print(&lines);
	if (ret == EXIT_OK && lines.advice) {
		fflush(stdout); /* the lines first, then what they depend on */
		print_advice(&lines);
	}
out:
	vad_spec_free(spec);
	vad_unref(ctx);
	return ret;
}
