/* Which Proxmox guest each device or PCI function is given to, from the guests' config
 * files under a root directory (ROOT/etc/pve/lxc/ID.conf, ROOT/etc/pve/qemu-server/ID.conf).
 *
 * LXC containers get DRM nodes: `devN: [path=]PATH[,...]` (pve-container 5.0.7+),
 * `lxc.mount.entry: SRC DST ...` and `lxc.cgroup2.devices.allow: c MAJ:MIN rwm` (also the
 * cgroup v1 `lxc.cgroup.devices.allow`). A path is matched by the device number it has on
 * this host (stat), so /dev/dri/by-path links work; `/dev/dri` as a whole, or `c 226:*`,
 * gives every DRM node. VMs get PCI functions: `hostpciN: [host=]ID[;ID...][,...]` with
 * ID `[DOMAIN:]BUS:DEV[.FN]` (no function: every function of the device). Resource
 * mappings (`mapping=NAME`, /etc/pve/mapping/pci.cfg) are not resolved. Snapshot sections
 * (from the first `[name]` line on) are not the guest's current configuration and are
 * skipped. */
#ifndef VAD_TOOL_GUESTS_H
#define VAD_TOOL_GUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vadiscover/tool/json.h"

struct guest_use {
	bool vm;		/* a VM (qemu-server), else an LXC container */
	unsigned int id;
	char name[64];		/* hostname: / name:, or "" */
	dev_t rdev;		/* LXC: the node's device number; 0 for none */
	bool all_drm;		/* LXC: every DRM node (/dev/dri, c 226:*) */
	char slot[32];		/* VM: "0000:00:02.4", or "0000:00:02." for every function */
};

struct guests {
	struct guest_use *use;
	size_t n, cap;
};

/* Reads the config files under @root ("/" on a real host). Missing directories are no
 * error (not a Proxmox host). 0 or -ENOMEM. */
int guests_load(struct guests *g, const char *root);
void guests_free(struct guests *g);

/* The guests given a device with these node numbers (0: none) or PCI slot (NULL: none),
 * as "LXC 123 (jellyfin), VM 101 (win11)" into @buf; "" when none. */
void guests_describe(const struct guests *g, dev_t render, dev_t card, const char *slot,
		     char *buf, size_t len);

/* The same as a JSON array of {"type": "lxc"|"vm", "id", "name"} under @key. */
void guests_json(const struct guests *g, struct jw *w, const char *key, dev_t render,
		 dev_t card, const char *slot);

#endif
