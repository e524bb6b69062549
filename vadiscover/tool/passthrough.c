/* vadiscover passthrough: the lines that give the selected device to a container, with the
 * host's real device numbers, in the grammar of the place they go to:
 *   pve      Proxmox VE, /etc/pve/lxc/ID.conf: "devN: PATH[,gid=N]" (pve-container checks
 *            PATH starts with /dev/; at each container start its prestart hook stat()s PATH,
 *            following a symlink, and creates a node of that device number under the same
 *            PATH in the container, owned by uid 0 and the gid given, mode 0660);
 *   lxc      LXC's own config (and raw lines in a Proxmox one, which accepts "key = value"):
 *            "lxc.cgroup2.devices.allow = c MAJ:MIN rwm" and an fstab-like
 *            "lxc.mount.entry = SRC DEST none bind,optional,create=file" (DEST relative to
 *            the container's root), keeping the node's own name;
 *   docker   `docker run` arguments: --device HOST:CONTAINER and --group-add GID;
 *   compose  a compose service's devices: and group_add: blocks;
 *   cdi      a Container Device Interface spec (JSON, in /etc/cdi): each device named by
 *            its role (pf, vf4) and by its PCI slot, deviceNodes with type, major, minor.
 * Lines go to stdout, advice (how node numbers can move, where to find the gid) to stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "vadiscover/tool/json.h"
#include "vadiscover/tool/tool.h"

enum format { FMT_NONE, FMT_PVE, FMT_LXC, FMT_DOCKER, FMT_COMPOSE, FMT_CDI };

/* The CDI version whose fields the spec uses: device names that begin with a digit and
 * hostPath (0.5.0), additionalGids (0.7.0). */
#define CDI_VERSION "0.7.0"
#define CDI_KIND "vadiscover/dri"

static const char help_text[] =
	"Usage: vadiscover passthrough [SPEC] --to pve|lxc|docker|compose|cdi [--gid N]\n"
	"                              [--card] [--by-path]\n"
	"Run on the host: print the lines that give the device SPEC selects (see\n"
	"'vadiscover --help'; without SPEC, $VADISCOVER_SELECT, else the first VA-capable\n"
	"device) to a container, with the host's device numbers. The render node is given;\n"
	"--card adds the card node (only needed for display output or old programs).\n"
	"\n"
	"  --to pve      Proxmox VE: 'devN: /dev/dri/renderD132,gid=N' lines for\n"
	"                /etc/pve/lxc/ID.conf (or 'pct set ID -dev0 ...'); take the\n"
	"                next free N. gid is the container's render group: --gid N,\n"
	"                else find it with 'getent group render' in the container.\n"
	"  --to lxc      'lxc.cgroup2.devices.allow = c 226:132 rwm' and\n"
	"                'lxc.mount.entry = ...' pairs, keeping the node's name (LXC's\n"
	"                config; Proxmox's accepts them as they are)\n"
	"  --to docker   docker run arguments: --device ... --group-add GID (the node's\n"
	"                group on the host unless --gid)\n"
	"  --to compose  a service's devices: and group_add: blocks\n"
	"  --to cdi      a CDI spec (JSON) to save as /etc/cdi/vadiscover.json; devices\n"
	"                named by role (pf, vf4) and PCI slot: --device " CDI_KIND "=vf4\n"
	"  --gid N       the group id the node gets (pve, cdi) or the container's\n"
	"                process joins (docker, compose, cdi)\n"
	"  --card        the card node too\n"
	"  --by-path     pve: the node's /dev/dri/by-path name (see below)\n"
	"  --ffmpeg PATH, -d, -h  as for the other commands\n"
	"\n"
	"Node numbers are not stable: renderD132 is the 5th render node the kernel\n"
	"registered this boot. Re-creating VFs (sriov_numvfs), binding one to vfio-pci\n"
	"and back, another GPU or driver load order can give the same VF another number,\n"
	"and the lxc/docker/compose/cdi lines then give the wrong device (or none). The\n"
	"pve form with --by-path names the PCI slot: pve-container resolves the\n"
	"/dev/dri/by-path link at every container start and creates the node of today's\n"
	"number, under the by-path name, in the container (vadiscover and the wrapper\n"
	"find it there; programs that look only for renderD* do not). Otherwise run\n"
	"'vadiscover passthrough' again after such a change.\n"
	"\n"
	"Examples:\n"
	"  vadiscover passthrough vf=4 --to pve --gid 104 >> /etc/pve/lxc/123.conf\n"
	"  docker run $(vadiscover passthrough vf=2 --to docker) jellyfin/jellyfin\n"
	"  vadiscover passthrough vf=3 --to cdi > /etc/cdi/vadiscover.json\n"
	"\n"
	"Exit status: 0 lines printed; 1 no device matches SPEC; 2 usage error;\n"
	"3 internal error.\n";

struct pt_options {
	enum format format;
	long gid; /* -1: not given */
	bool card, by_path, debug;
	const char *ffmpeg, *spec_text;
};

/* One node to pass: its path on the host (and in the container), its device number. */
struct pt_node {
	const char *path;
	char by_path[256]; /* /dev/dri/by-path/pci-SLOT-render, "" when there is none */
	dev_t rdev;
	gid_t host_gid;
};

/* snprintf that truncates silently: every text here is a message or a path that fits. */
static void sfmt(char *buf, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void sfmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
}

static int parse(int argc, char **argv, struct pt_options *o)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},     {"debug", no_argument, NULL, 'd'},
		{"to", required_argument, NULL, 't'}, {"gid", required_argument, NULL, 'g'},
		{"card", no_argument, NULL, 'c'},     {"by-path", no_argument, NULL, 'b'},
		{"ffmpeg", required_argument, NULL, 'F'}, {NULL, 0, NULL, 0},
	};
	static const char *const names[] = {
		[FMT_PVE] = "pve", [FMT_LXC] = "lxc", [FMT_DOCKER] = "docker",
		[FMT_COMPOSE] = "compose", [FMT_CDI] = "cdi",
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->gid = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hd", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(help_text, stdout);
			return EXIT_OK;
		case 'd': o->debug = true; break;
		case 'c': o->card = true; break;
		case 'b': o->by_path = true; break;
		case 'F': o->ffmpeg = optarg; break;
		case 't':
			for (size_t i = FMT_PVE; i <= FMT_CDI; i++)
				if (strcmp(optarg, names[i]) == 0)
					o->format = (enum format)i;
			if (o->format == FMT_NONE) {
				tool_usage_error("passthrough: unknown --to '%s' (pve, lxc, docker, "
						 "compose or cdi)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'g': {
			char *end;

			errno = 0;
			o->gid = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o->gid < 0 || o->gid > 4294967294L) {
				tool_usage_error("passthrough: --gid takes a group id (a number), "
						 "got '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		default:
			return tool_option_error("passthrough: ", c, argv);
		}
	}
	if (argc - optind > 1) {
		tool_usage_error("passthrough: one SPEC at most (got '%s' and '%s'); join keys "
				 "with ','", argv[optind], argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (o->format == FMT_NONE) {
		tool_usage_error("passthrough: say where the lines go: --to pve, lxc, docker, "
				 "compose or cdi");
		return EXIT_USAGE;
	}
	if (o->by_path && o->format != FMT_PVE) {
		tool_usage_error("passthrough: --by-path applies to --to pve only (the other "
				 "forms take the device number when they are written)");
		return EXIT_USAGE;
	}
	o->spec_text = optind < argc ? argv[optind] : getenv("VADISCOVER_SELECT");
	return -1;
}

static void fill_node(struct pt_node *n, const char *path, dev_t rdev, const char *slot,
		      const char *kind)
{
	struct stat st;

	n->path = path;
	n->rdev = rdev;
	n->host_gid = stat(path, &st) == 0 ? st.st_gid : 0;
	n->by_path[0] = '\0';
	if (slot) {
		sfmt(n->by_path, sizeof(n->by_path), "/dev/dri/by-path/pci-%s-%s", slot, kind);
		/* Only a link udev made and that leads to this very node. */
		if (stat(n->by_path, &st) != 0 || st.st_rdev != rdev)
			n->by_path[0] = '\0';
	}
}

/* "vf4", "pf", or the node's name for a device that is neither. */
static void role_name(char *buf, size_t len, const struct vad_device *dev)
{
	const char *node = vad_device_get_node(dev);

	switch (vad_device_get_sriov_role(dev)) {
	case VAD_SRIOV_PF:
		sfmt(buf, len, "%s", vad_sriov_role_name(VAD_SRIOV_PF));
		return;
	case VAD_SRIOV_VF:
		if (vad_device_get_vf_index(dev) > 0) {
			sfmt(buf, len, "%s%d", vad_sriov_role_name(VAD_SRIOV_VF),
			     vad_device_get_vf_index(dev));
			return;
		}
		break;
	default:
		break;
	}
	sfmt(buf, len, "%s", strrchr(node, '/') ? strrchr(node, '/') + 1 : node);
}

static void print_cdi_device(struct jw *w, const char *name, const struct pt_node *nodes,
			     size_t n, long gid)
{
	jw_object_begin(w, NULL);
	jw_string(w, "name", name);
	jw_object_begin(w, "containerEdits");
	jw_array_begin(w, "deviceNodes");
	for (size_t i = 0; i < n; i++) {
		jw_object_begin(w, NULL);
		jw_string(w, "path", nodes[i].path);
		jw_string(w, "hostPath", nodes[i].path);
		jw_string(w, "type", "c");
		jw_int(w, "major", major(nodes[i].rdev));
		jw_int(w, "minor", minor(nodes[i].rdev));
		jw_int(w, "fileMode", 0660);
		jw_string(w, "permissions", "rw");
		jw_int(w, "gid", gid);
		jw_object_end(w);
	}
	jw_array_end(w);
	if (gid > 0) {
		jw_array_begin(w, "additionalGids");
		jw_int(w, NULL, gid);
		jw_array_end(w);
	}
	jw_object_end(w);
	jw_object_end(w);
}

static void print_lines(const struct pt_options *o, const struct vad_device *dev,
			const struct pt_node *nodes, size_t n)
{
	/* docker/compose: the process joins the node's group, the host's number unless told. */
	long group = o->gid >= 0 ? o->gid : (long)nodes[0].host_gid;

	switch (o->format) {
	case FMT_PVE:
		for (size_t i = 0; i < n; i++) {
			const char *path = o->by_path && nodes[i].by_path[0] ? nodes[i].by_path
									       : nodes[i].path;
			if (o->gid >= 0)
				printf("dev%zu: %s,gid=%ld\n", i, path, o->gid);
			else
				printf("dev%zu: %s\n", i, path);
		}
		break;
	case FMT_LXC:
		for (size_t i = 0; i < n; i++) {
			printf("lxc.cgroup2.devices.allow = c %u:%u rwm\n", major(nodes[i].rdev),
			       minor(nodes[i].rdev));
			printf("lxc.mount.entry = %s %s none bind,optional,create=file\n",
			       nodes[i].path, nodes[i].path + 1);
		}
		break;
	case FMT_DOCKER:
		for (size_t i = 0; i < n; i++)
			printf("%s--device %s:%s", i ? " " : "", nodes[i].path, nodes[i].path);
		printf(" --group-add %ld\n", group);
		break;
	case FMT_COMPOSE:
		printf("    devices:\n");
		for (size_t i = 0; i < n; i++)
			printf("      - %s:%s\n", nodes[i].path, nodes[i].path);
		printf("    group_add:\n      - \"%ld\"\n", group);
		break;
	case FMT_CDI: {
		struct jw w;
		char role[64];
		const char *slot = vad_device_get_pci_slot(dev);

		role_name(role, sizeof(role), dev);
		jw_init(&w, stdout);
		jw_object_begin(&w, NULL);
		jw_string(&w, "cdiVersion", CDI_VERSION);
		jw_string(&w, "kind", CDI_KIND);
		jw_array_begin(&w, "devices");
		print_cdi_device(&w, role, nodes, n, group);
		if (slot)
			print_cdi_device(&w, slot, nodes, n, group);
		jw_array_end(&w);
		jw_object_end(&w);
		jw_finish(&w);
		break;
	}
	case FMT_NONE:
		break;
	}
}

/* Advice on stderr: what the lines depend on. */
static void print_advice(const struct pt_options *o, const struct pt_node *nodes, size_t n)
{
	char numbers[128] = "";

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(numbers);
		const char *name = strrchr(nodes[i].path, '/') + 1;

		sfmt(numbers + l, sizeof(numbers) - l, "%s%s=%u:%u", i ? ", " : "", name,
			 major(nodes[i].rdev), minor(nodes[i].rdev));
	}
	if (o->format == FMT_PVE && o->gid < 0)
		fprintf(stderr, "vadiscover: add ',gid=N' with the container's render group "
				"(run 'getent group render' in the container; Debian and Ubuntu "
				"images: 104 or 105), or the node is root-only in there\n");
	if (o->format == FMT_LXC)
		fprintf(stderr, "vadiscover: a bind mount keeps the host's owner: in an "
				"unprivileged container the node shows as 65534 unless lxc.idmap "
				"maps the host's group %u (or use --to pve with --gid)\n",
			(unsigned int)nodes[0].host_gid);
	if (o->format == FMT_PVE && o->by_path) {
		if (!nodes[0].by_path[0])
			fprintf(stderr, "vadiscover: no /dev/dri/by-path link leads to %s: the "
					"node's own name is used\n", nodes[0].path);
		else
			fprintf(stderr, "vadiscover: the container sees the node as %s (resolved "
					"at each start); point the program at it or use "
					"vadiscover's wrapper\n", nodes[0].by_path);
		return;
	}
	fprintf(stderr, "vadiscover: %s are this boot's numbers; after re-creating VFs or a "
			"reboot check them with 'vadiscover passthrough' again%s\n", numbers,
		o->format == FMT_PVE ? " (or use --by-path)" : "");
}

int passthrough_main(int argc, char **argv)
{
	struct pt_options o;
	struct vad_context *ctx = NULL;
	struct vad_spec *spec = NULL;
	struct vad_device *sel = NULL;
	char err[512] = "";
	int ret = parse(argc, argv, &o), r;

	if (ret >= 0)
		return ret;
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
	size_t n = 0;
	const char *slot = vad_device_get_pci_slot(sel);

	if (vad_device_get_render_node(sel))
		fill_node(&nodes[n++], vad_device_get_render_node(sel),
			  vad_device_get_render_rdev(sel), slot, "render");
	if (vad_device_get_card_node(sel) && (o.card || n == 0))
		fill_node(&nodes[n++], vad_device_get_card_node(sel),
			  vad_device_get_card_rdev(sel), slot, "card");
	if (o.card && !vad_device_get_card_node(sel))
		fprintf(stderr, "vadiscover: %s has no card node here: only its render node is "
				"given\n", vad_device_get_node(sel));
	print_lines(&o, sel, nodes, n);
	fflush(stdout); /* the lines first, then what they depend on */
	print_advice(&o, nodes, n);
	ret = EXIT_OK;
out:
	vad_spec_free(spec);
	vad_unref(ctx);
	return ret;
}
