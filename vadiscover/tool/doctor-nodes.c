/* vadiscover doctor, the nodes and who may open them (dri.nodes, dri.access): which
 * devices are there (in a container: which host devices, and under which names), and
 * whether the user and the media server's account can open the node to use, with the fix
 * (a group to join, or the host's command that gives the node). */
#include "vadiscover/tool/account.h"
#include "vadiscover/tool/doctor.h"
#include "vadiscover/tool/tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The kernel's name of a DRM minor: render minors are 128 and up. */
static void kernel_node_name(char *buf, size_t len, dev_t rdev)
{
	unsigned int m = minor(rdev);

	tool_sfmt(buf, len, m >= 128 ? "renderD%u" : "card%u", m);
}

static void check_nodes(struct doctor *d)
{
	size_t n = vad_device_count(d->ctx);
	char text[2048] = "", renamed[256] = "", renamed_host[48] = "";

	if (n == 0) {
		doctor_add(d, "dri.nodes", ST_FAIL, NULL,
		    d->env.container[0]
			    ? vad__strdupf("give the container a device from the host: there, 'vadiscover "
				  "list' shows them and 'vadiscover passthrough --help' how")
			    : vad__strdupf("no GPU driver made a node: check 'lspci -k' (Kernel driver in use) "
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
			if (strcmp(tool_base(paths[k]), kname) != 0 && !renamed[0]) {
				tool_sfmt(renamed, sizeof(renamed), "%s", tool_base(paths[k]));
				tool_sfmt(renamed_host, sizeof(renamed_host), "%s", kname);
			}
			if (d->env.container[0])
				tool_sfmt(text + l, sizeof(text) - l, "%s%s = host %s (%u:%u)",
					 first ? "" : ", ", tool_base(paths[k]), kname,
					 major(rdevs[k]), minor(rdevs[k]));
			else
				tool_sfmt(text + l, sizeof(text) - l, "%s%s", first ? "" : " ",
					 tool_base(paths[k]));
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
		/* libdrm from 2.4.116 on finds a node's type by the name the kernel gives its
		 * number (drmGetMinorType(): access("/dev/dri/renderD<minor>"), under
		 * drmGetNodeTypeFromFd() and drmGetDevice2()), and so does every program
		 * that looks for renderD*. */
		doctor_add(d, "dri.nodes", ST_WARN, NULL,
		    vad__strdupf("give the nodes their host names (%s as /dev/dri/%s): on the host, "
			"'vadiscover passthrough --help' shows how",
			renamed, renamed_host),
		    "%s%s; %s is not named as the kernel names it: libdrm releases that "
		    "find a node's type by that name (2.4.116 and later) and programs that look "
		    "for renderD* do not see it", d->env.container[0] ? "passed in: " : "", text,
		    renamed);
		return;
	}
	doctor_add(d, "dri.nodes", ST_OK, NULL, NULL, "%s%s", d->env.container[0] ? "passed in: " : "",
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
	if (host_read_under(d->root, "/etc/hostname", host, sizeof(host)) <= 0)
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
	bool have_render = account_group(d->root, "render", &render_gid, NULL, 0);

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
		return vad__strdupf("%s\n"
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
	if (node_gid == OVERFLOW_GID && (d->env.userns || d->env.container[0])) {
		*summary_out = "its group shows as 65534 (nogroup): the host's group is not "
			       "mapped into this container, no group in here can help";
		if (!have_render)
			return vad__strdupf("%s", step);
		return vad__strdupf("%s\n"
			   "then remove the container's lxc.mount.entry and "
			   "lxc.cgroup2.devices.allow lines for %s (the bind mount)\n"
			   "or map the host's render group into this container (lxc.idmap in its "
			   "config, and /etc/subgid on the host)", step, kname);
	}
	long g = node_gid;

	if (!account_group(d->root, NULL, &g, gname, sizeof(gname)))
		tool_sfmt(gname, sizeof(gname), "%u", node_gid);
	*summary_out = "not in the node's group";
	return vad__strdupf("usermod -aG %s %s\n"
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

		if (account_lookup(d->root, NULL, (unsigned int)geteuid(), &self))
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
		bool root = a->uid == 0 && !((d->env.userns || d->env.container[0]) &&
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

		if (!account_group(d->root, NULL, &g, gname, sizeof(gname)))
			tool_sfmt(gname, sizeof(gname), "%u", gid);
		doctor_add(d, "dri.access", ST_OK, node, NULL, "%s can open %s (group %s)", who,
		    tool_base(node), gname);
		return;
	}
	char *fix = access_fix(d, dev, err, gid, who, &why);

	doctor_add(d, "dri.access", ST_FAIL, node, fix, "%s cannot open %s (%s): %s", who,
	    tool_base(node), strerror(-err), why);
}

static void check_access(struct doctor *d)
{
	struct account a, jf;

	if (!d->target) {
		doctor_add(d, "dri.access", ST_SKIP, NULL, NULL, "no node");
		return;
	}
	if (d->user) {
		account_lookup(d->root, d->user, 0, &a); /* checked when parsing */
		access_line(d, d->target, &a);
	} else {
		access_line(d, d->target, NULL);
	}
	/* The media server's account, which is what matters in the end. */
	if ((!d->user || strcmp(d->user, "jellyfin") != 0) &&
	    account_lookup(d->root, "jellyfin", 0, &jf))
		access_line(d, d->target, &jf);
}

void doctor_check_nodes(struct doctor *d)
{
	check_nodes(d);
	check_access(d);
}
