/*
 * Enumeration: the nodes in /dev/dri, identified by device number, grouped into devices,
 * with their sysfs facts (the objects and their getters are in device.c).
 *
 * SPDX-License-Identifier: MIT
 *
 * A node's name is never trusted: in a container renderD128 may be the host's renderD132.
 * Its identity is st_rdev -> /sys/dev/char/MAJ:MIN -> the device's canonical sysfs path,
 * which is also what groups a card node and a render node into one device.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vadiscover/vad-private.h"

#define VAD_DEV_DRI "/dev/dri"

/* A node's type comes from its kernel name (drm_sysfs: "card%d", "renderD%d" of the minor),
 * never from its minor: the fixed ranges 0-63 and 128-191 hold only the first 64 devices,
 * and since Linux 6.12 (DRM_EXTENDED_MINOR_LIMIT in drm_drv.c) later ones take minors from
 * 192 up, first come first served, card and render nodes alike. */
enum vad_node_type { VAD_NODE_OTHER, VAD_NODE_PRIMARY, VAD_NODE_RENDER };

static long name_number(const char *name, const char *prefix);

/* The type a name gives: the kernel's "cardN" and "renderDN", or udev's by-path names
 * ("pci-0000:00:02.4-render", which a Proxmox container may have as a node). */
static enum vad_node_type type_of_name(const char *name)
{
	size_t n = strlen(name);

	if (name_number(name, "renderD") >= 0 ||
	    (n > 7 && strcmp(name + n - 7, "-render") == 0))
		return VAD_NODE_RENDER;
	if (name_number(name, "card") >= 0 || (n > 5 && strcmp(name + n - 5, "-card") == 0))
		return VAD_NODE_PRIMARY;
	return VAD_NODE_OTHER;
}

/* The number in a node's name: "renderD129" -> 129, "card1" -> 1; -1 if none. */
static long name_number(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;
	char *end;
	long v;

	if (strncmp(name, prefix, n) != 0)
		return -1;
	p = name + n;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || *end)
		return -1;
	return v;
}

/* The scan's working list. */
struct vad_list {
	struct vad_device **devs;
	size_t n, cap;
};

static int list_add(struct vad_list *list, struct vad_device *dev)
{
	struct vad_device **d = vad__array_grow(list->devs, sizeof(*d), list->n, &list->cap);

	if (!d)
		return -ENOMEM;
	list->devs = d;
	list->devs[list->n++] = dev;
	return 0;
}

static void list_free(struct vad_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		vad__device_free(list->devs[i]);
	free(list->devs);
	list->devs = NULL;
	list->n = list->cap = 0;
}

static void slots_free(char **slots, size_t n);

void vad__pf_virtfns_free(struct vad_context *ctx)
{
	for (size_t i = 0; i < ctx->npf_virtfns; i++) {
		slots_free(ctx->pf_virtfns[i]->slots, ctx->pf_virtfns[i]->n);
		free(ctx->pf_virtfns[i]->pf_path);
		free(ctx->pf_virtfns[i]);
	}
	free(ctx->pf_virtfns);
	ctx->pf_virtfns = NULL;
	ctx->npf_virtfns = ctx->pf_virtfns_cap = 0;
}

/* Free @n slot names and their array. */
static void slots_free(char **slots, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(slots[k]);
	free(slots);
}

/* The virtfnN links of the PF at @pf_path, read once per scan: a PF with 31 VFs costs 32
 * readlinks, not one pass per VF. 0 or -ENOMEM. */
static int scan_pf_virtfns(struct vad_context *ctx, const char *pf_path, size_t *index)
{
	struct vad__pf_virtfns *p, **grown_list;
	char **slots = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < ctx->npf_virtfns; i++) {
		if (strcmp(ctx->pf_virtfns[i]->pf_path, pf_path) == 0) {
			*index = i;
			return 0;
		}
	}
	for (int i = 0; i < 4096; i++) {
		char name[32], *target = NULL, **grown;
		int r;

		snprintf(name, sizeof(name), "virtfn%d", i);
		r = vad__sysfs_link_name(pf_path, name, &target);
		if (r == -ENOMEM) {
			slots_free(slots, n);
			return r;
		}
		if (r < 0)
			break;	/* virtfn links are contiguous from 0 */
		grown = vad__array_grow(slots, sizeof(*slots), n, &cap);
		if (!grown) {
			free(target);
			slots_free(slots, n);
			return -ENOMEM;
		}
		slots = grown;
		slots[n++] = target;
	}
	p = calloc(1, sizeof(*p));
	if (p)
		p->pf_path = strdup(pf_path);
	grown_list = p && p->pf_path ? vad__array_grow(ctx->pf_virtfns, sizeof(*grown_list),
							 ctx->npf_virtfns, &ctx->pf_virtfns_cap)
				     : NULL;
	if (!grown_list) {
		if (p)
			free(p->pf_path);
		free(p);
		slots_free(slots, n);
		return -ENOMEM;
	}
	p->slots = slots;
	p->n = n;
	ctx->pf_virtfns = grown_list;
	*index = ctx->npf_virtfns;
	/* Reached from vad__functions_read(), gcc 12's -fanalyzer loses this store (as the
	 * one find_vf_index() notes) and reports the entry leaked: it is freed by
	 * vad__pf_virtfns_free(). */
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
	ctx->pf_virtfns[ctx->npf_virtfns++] = p;
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
	return 0;
}

/* The id of a VF: the N+1 of the PF's virtfnN link that points back at @slot. */
static int find_vf_index(struct vad_context *ctx, const char *pf_path, const char *slot)
{
	size_t k;
	int r = scan_pf_virtfns(ctx, pf_path, &k);

	/* gcc 12's -fanalyzer loses the store of the new entry into ctx->pf_virtfns and
	 * reports it as leaked at this test: it is kept there, freed by
	 * vad__pf_virtfns_free() at the end of the scan. */
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
	if (r < 0)
		return r;
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
	for (size_t i = 0; i < ctx->pf_virtfns[k]->n; i++)
		if (strcmp(ctx->pf_virtfns[k]->slots[i], slot) == 0)
			return (int)i + 1;
	return -ENOENT;
}

void vad__device_facts(const struct vad_device *dev)
{
	struct vad_device *d = (struct vad_device *)dev;

	if (!dev || dev->facts_read)
		return;
	if (dev->sysfs_path && vad__read_facts(d->ctx, d) < 0) {
		/* -ENOMEM: unknown, as if never read; the next reader tries again. */
		free(d->pci_slot);
		free(d->kernel_driver);
		free(d->pf_slot);
		d->pci_slot = d->kernel_driver = d->pf_slot = NULL;
		d->driver_read = false;
		d->bus = VAD_BUS_UNKNOWN;
		d->role = VAD_SRIOV_NONE;
		d->vendor_id = d->device_id = d->subsystem_vendor_id = -ENOENT;
		d->subsystem_device_id = d->revision = d->boot_vga = d->vf_index = -ENOENT;
		d->sriov_numvfs = d->sriov_totalvfs = -ENOENT;
		return;
	}
	d->facts_read = true;
}

/* An id for the debug log: "8086", or the errno name of why it is missing. */
static void fmt_fact(char *buf, size_t len, int id)
{
	if (id >= 0)
		snprintf(buf, len, "%04x", (unsigned int)id);
	else
		snprintf(buf, len, "(%s)", id == -EINVAL ? "malformed" : "none");
}

void vad__device_driver(const struct vad_device *dev)
{
	struct vad_device *d = (struct vad_device *)dev;

	if (!dev || dev->driver_read)
		return;
	if (dev->sysfs_path &&
	    vad__sysfs_link_name(dev->sysfs_path, "driver", &d->kernel_driver) == -ENOMEM)
		return;	/* unknown, as if never read */
	d->driver_read = true;
}

/* Read the sysfs facts of @dev, whose sysfs_path is set. Only -ENOMEM is an error: a
 * missing or malformed attribute leaves its fact at -ENOENT / -EINVAL / NULL. */
int vad__read_facts(struct vad_context *ctx, struct vad_device *dev)
{
	const char *sp = dev->sysfs_path;
	char *name = NULL, *pf_path = NULL;
	int r;

	r = vad__sysfs_link_name(sp, "subsystem", &name);
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		dev->bus = vad__bus_from_name(name);
		free(name);
	} else {
		vad__log(ctx, VAD_LOG_DEBUG, "%s/subsystem: %s", sp, VAD_STRERROR(-r));
	}
	vad__device_driver(dev);
	if (!dev->driver_read)
		return -ENOMEM;

	if (dev->bus == VAD_BUS_PCI) {
		const char *base = strrchr(sp, '/');

		base = base ? base + 1 : sp;
		if (vad__is_pci_slot(base)) {
			/* Facts read late, from vad__functions_read(): gcc 12's -fanalyzer
			 * loses stores into the device there and reports this string (and
			 * pf_slot's below) leaked at its test; vad__device_free() frees both. */
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
			dev->pci_slot = strdup(base);
			if (!dev->pci_slot)
				return -ENOMEM;
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
		}
		dev->vendor_id = vad__sysfs_read_id(sp, "vendor", 4);
		dev->device_id = vad__sysfs_read_id(sp, "device", 4);
		dev->subsystem_vendor_id = vad__sysfs_read_id(sp, "subsystem_vendor", 4);
		dev->subsystem_device_id = vad__sysfs_read_id(sp, "subsystem_device", 4);
		dev->revision = vad__sysfs_read_id(sp, "revision", 2);
		if (dev->vendor_id == -EINVAL)
			vad__log(ctx, VAD_LOG_DEBUG, "%s/vendor: malformed", sp);
	}

	dev->boot_vga = vad__sysfs_read_uint(sp, "boot_vga");
	if (dev->boot_vga > 1)
		dev->boot_vga = -EINVAL;

	/* SR-IOV: a VF has a physfn link; a PF has sriov_totalvfs > 0. The link makes the VF;
	 * its target must be a PCI function to name the PF, and must resolve to find the
	 * VF's number among the PF's virtfnN links. */
	r = vad__sysfs_link_path(sp, "physfn", &pf_path);
	if (r == -ENOMEM)
		return r;
	if (r == 0 || r == -EINVAL) {	/* -EINVAL: a physfn that is no link */
		const char *pf = pf_path ? strrchr(pf_path, '/') + 1 : "";

		dev->role = VAD_SRIOV_VF;
		if (vad__is_pci_slot(pf)) {
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
			dev->pf_slot = strdup(pf);
			if (!dev->pf_slot) {
				free(pf_path);
				return -ENOMEM;
			}
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
		} else {
			vad__log(ctx, VAD_LOG_DEBUG, "%s/physfn: target '%s' is not a PCI function", sp,
				 pf);
		}
		if (pf_path && dev->pci_slot && dev->pf_slot) {
			dev->vf_index = find_vf_index(ctx, pf_path, dev->pci_slot);
			if (dev->vf_index == -ENOMEM) {
				free(pf_path);
				return -ENOMEM;
			}
		}
		free(pf_path);
	} else {
		int total = vad__sysfs_read_uint(sp, "sriov_totalvfs");

		if (total > 0) {
			dev->role = VAD_SRIOV_PF;
			dev->sriov_totalvfs = total;
			dev->sriov_numvfs = vad__sysfs_read_uint(sp, "sriov_numvfs");
		}
	}
	if (ctx->log_fn) {
		char v[32], d[32];

		fmt_fact(v, sizeof(v), dev->vendor_id);
		fmt_fact(d, sizeof(d), dev->device_id);
		vad__log(ctx, VAD_LOG_DEBUG, "%s: bus %s, id %s:%s, driver %s, boot_vga %d, role %s, "
			 "vf %d of %s, vfs %d/%d", sp, vad_bus_name(dev->bus), v, d,
			 dev->kernel_driver ? dev->kernel_driver : "(none)", dev->boot_vga,
			 vad_sriov_role_name(dev->role), dev->vf_index,
			 dev->pf_slot ? dev->pf_slot : "-", dev->sriov_numvfs, dev->sriov_totalvfs);
	}
	return 0;
}

/* Find the device of sysfs path @sp in @list, or NULL. */
static struct vad_device *list_find(struct vad_list *list, const char *sp)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->devs[i]->sysfs_path && strcmp(list->devs[i]->sysfs_path, sp) == 0)
			return list->devs[i];
	return NULL;
}

/* The device of the DRM node whose sysfs directory is @node_dir, malloc'ed in *@out. The
 * kernel puts a class device under its parent, in a directory named after the class
 * (DEVICE/drm/renderD128), and links "device" to that parent: the path says it without a
 * readlink(). A node without a parent (/sys/devices/virtual/drm/...) has none; a path of
 * another shape is asked of its link. 0 or -errno. */
static int node_device(const char *node_dir, char **out)
{
	const char *name = strrchr(node_dir, '/');
	size_t len = (size_t)(name - node_dir);

	*out = NULL;
	if (len > 4 && strncmp(node_dir + len - 4, "/drm", 4) == 0) {
		len -= 4;
		if (len == strlen("/sys/devices/virtual") &&
		    strncmp(node_dir, "/sys/devices/virtual", len) == 0)
			return -ENOENT;
		*out = strndup(node_dir, len);
		return *out ? 0 : -ENOMEM;
	}
	return vad__sysfs_link_path(node_dir, "device", out);
}

/* Add one node (already stat()ed) to the list, creating its device as needed. */
static int add_node(struct vad_context *ctx, struct vad_list *list, const char *name,
			const char *path, const struct stat *st)
{
	enum vad_node_type type;
	char devnum[32];
	char *sp = NULL, *node_dir = NULL;
	const char *kname = NULL;
	struct vad_device *dev = NULL;
	int r;

	/* The kernel's name of the device number (/sys/dev/char/226:N -> .../drm/renderDN)
	 * says what the node is, whatever this /dev/dri calls it; the name here is only
	 * trusted when sysfs does not know the number. Two readlink()s give the node's
	 * directory and its device's, which hold no symlink in their paths. */
	snprintf(devnum, sizeof(devnum), "%u:%u", major(st->st_rdev), minor(st->st_rdev));
	r = vad__sysfs_link_path("/sys/dev/char", devnum, &node_dir);
	if (r == -ENOMEM)
		return r;
	if (node_dir)
		kname = strrchr(node_dir, '/') + 1;
	type = type_of_name(kname && *kname ? kname : name);
	if (type == VAD_NODE_OTHER) {
		vad__log(ctx, VAD_LOG_DEBUG, "%s: %s is neither a card nor a render node, skipped",
			 path, kname ? kname : "(no sysfs name)");
		free(node_dir);
		return 0;
	}
	if (kname && strcmp(kname, name) != 0)
		vad__log(ctx, VAD_LOG_DEBUG, "%s: the kernel's %s (%s)", path, kname, devnum);

	r = node_dir ? node_device(node_dir, &sp) : -ENOENT;
	free(node_dir);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		vad__log(ctx, VAD_LOG_DEBUG, "%s: /sys/dev/char/%s/device: %s; listed without "
			 "sysfs facts", path, devnum, VAD_STRERROR(-r));

	/* One rdev seen twice (two names for one node): keep the first. */
	for (size_t i = 0; i < list->n; i++) {
		struct vad_device *d = list->devs[i];

		if ((type == VAD_NODE_RENDER && d->render_node && d->render_rdev == st->st_rdev) ||
		    (type == VAD_NODE_PRIMARY && d->card_node && d->card_rdev == st->st_rdev)) {
			vad__log(ctx, VAD_LOG_DEBUG, "%s: same device number as another node, skipped",
				 path);
			free(sp);
			return 0;
		}
	}

	if (sp)
		dev = list_find(list, sp);
	if (dev && ((type == VAD_NODE_RENDER && dev->render_node) ||
		    (type == VAD_NODE_PRIMARY && dev->card_node)))
		dev = NULL;	/* should not happen: one sysfs device, one node per type */
	if (!dev) {
		dev = vad__device_alloc();
		if (!dev) {
			free(sp);
			return -ENOMEM;
		}
		dev->sysfs_path = sp;
		dev->ctx = ctx;
		sp = NULL;
		r = list_add(list, dev);
		if (r < 0) {
			vad__device_free(dev);
			return r;
		}
	}
	free(sp);

	if (type == VAD_NODE_RENDER) {
		dev->render_node = strdup(path);
		if (!dev->render_node)
			return -ENOMEM;
		dev->render_rdev = st->st_rdev;
		dev->node_gid = st->st_gid;	/* the node to use (check_access()) */
		dev->render_num = name_number(name, "renderD");
		if (dev->render_num < 0)
			dev->render_num = minor(st->st_rdev);
	} else {
		dev->card_node = strdup(path);
		if (!dev->card_node)
			return -ENOMEM;
		dev->card_rdev = st->st_rdev;
		if (!dev->render_node)
			dev->node_gid = st->st_gid;
		dev->card_num = name_number(name, "card");
		if (dev->card_num < 0)
			dev->card_num = minor(st->st_rdev);
	}
	vad__log(ctx, VAD_LOG_DEBUG, "%s: %u:%u -> %s", path, major(st->st_rdev),
		 minor(st->st_rdev), dev->sysfs_path ? dev->sysfs_path : "(no sysfs entry)");
	return 0;
}

static int device_cmp(const void *a, const void *b)
{
	const struct vad_device *x = *(const struct vad_device *const *)a;
	const struct vad_device *y = *(const struct vad_device *const *)b;
	bool xr = x->render_node != NULL, yr = y->render_node != NULL;
	long xn, yn;

	if (xr != yr)
		return xr ? -1 : 1;
	xn = xr ? x->render_num : x->card_num;
	yn = yr ? y->render_num : y->card_num;
	if (xn != yn)
		return xn < yn ? -1 : 1;
	/* Equal numbers (odd names): fall back to the device number. */
	dev_t xd = xr ? x->render_rdev : x->card_rdev, yd = yr ? y->render_rdev : y->card_rdev;
	return xd < yd ? -1 : xd > yd;
}

/* The DRM nodes of one listing of /dev/dri. */
struct vad_entries {
	struct {
		char *path;
		struct stat st;
		bool is_link;
	} *e;
	size_t n, cap;
};

/* Takes @path on success. */
static int entries_add(struct vad_entries *en, char *path, struct stat st, bool is_link)
{
	void *p = vad__array_grow(en->e, sizeof(*en->e), en->n, &en->cap);

	if (!p)
		return -ENOMEM;
	en->e = p;
	en->e[en->n].path = path;
	en->e[en->n].st = st;
	en->e[en->n].is_link = is_link;
	en->n++;
	return 0;
}

static void entries_free(struct vad_entries *en)
{
	for (size_t i = 0; i < en->n; i++)
		free(en->e[i].path);
	free(en->e);
}

/* Open the node to use once, O_RDWR, to learn whether this process may use it. The card
 * node is only tried for a device without a render node: opening a primary node can make
 * the opener DRM master on a real kernel, which a scan must not do. */
static void check_access(struct vad_context *ctx, struct vad_device *dev)
{
	const char *node = dev->render_node ? dev->render_node : dev->card_node;
	int fd;

	fd = open(node, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		dev->access = -errno;
		vad__log(ctx, VAD_LOG_DEBUG, "%s: open: %s", node, VAD_STRERROR(errno));
		return;
	}
	close(fd);
	dev->access = 0;
}

/* The DRM node names sysfs gives the function at @sp ("card3 renderD131"), malloc'ed, or
 * NULL when it has none; -ENOMEM. */
static int sysfs_drm_nodes(const char *sp, char **out)
{
	char *dir = vad__strdupf("%s/drm", sp);
	char buf[256] = "";
	struct dirent *de;
	DIR *d;

	*out = NULL;
	if (!dir)
		return -ENOMEM;
	d = opendir(dir);
	free(dir);
	if (!d)
		return 0;
	/* card first, then render, whatever readdir's order. */
	for (int pass = 0; pass < 2; pass++) {
		const char *prefix = pass == 0 ? "card" : "renderD";

		rewinddir(d);
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
			    name_number(de->d_name, prefix) < 0)
				continue;
			size_t len = strlen(buf), n = strlen(de->d_name);

			/* a name that does not fit whole is left out, never cut */
			if (len + (len ? 1 : 0) + n >= sizeof(buf))
				continue;
			if (len)
				buf[len++] = ' ';
			memcpy(buf + len, de->d_name, n + 1);
		}
	}
	closedir(d);
	if (!buf[0])
		return 0;
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
}

/* Why function @fn has no node here; @pf is its PF. */
static int function_reason(struct vad_function *fn, const struct vad_device *pf)
{
	const char *pf_path = pf->sysfs_path;
	const char *drv = fn->kernel_driver;

	if (drv && strcmp(drv, "vfio-pci") == 0)
		return vad__set_strf(&fn->reason, "vfio-pci: passed to a VM");
	if (!drv) {
		if (vad__sysfs_read_uint(pf_path, "sriov_drivers_autoprobe") == 0)
			return vad__set_strf(&fn->reason, "no driver bound (the PF's "
					     "sriov_drivers_autoprobe is 0: bind one, e.g. echo %s > "
					     "/sys/bus/pci/drivers/%s/bind)", fn->pci_slot,
					     pf->kernel_driver ? pf->kernel_driver : "i915");
		return vad__set_strf(&fn->reason, "no driver bound");
	}
	if (fn->host_nodes)
		return vad__set_strf(&fn->reason, "%s: its nodes %s are not in /dev/dri (not "
				     "passed to this system)", drv, fn->host_nodes);
	return vad__set_strf(&fn->reason, "bound to %s, which makes no DRM node", drv);
}

static int functions_add(struct vad_context *ctx, size_t *cap, struct vad_function *fn)
{
	struct vad_function **f = vad__array_grow(ctx->functions, sizeof(*f), ctx->nfunctions, cap);

	if (!f)
		return -ENOMEM;
	ctx->functions = f;
	ctx->functions[ctx->nfunctions++] = fn;
	return 0;
}

/* The VFs of every PF scanned that have no device (no DRM node in /dev/dri). */
static int scan_functions(struct vad_context *ctx)
{
	size_t cap = 0;

	for (size_t i = 0; i < ctx->ndevices; i++)
		vad__device_facts(ctx->devices[i]);

	for (size_t i = 0; i < ctx->ndevices; i++) {
		const struct vad_device *pf = ctx->devices[i];
		const struct vad__pf_virtfns *links;
		size_t at;
		int r;

		if (pf->role != VAD_SRIOV_PF || !pf->sysfs_path || !pf->pci_slot)
			continue;
		r = scan_pf_virtfns(ctx, pf->sysfs_path, &at);
		if (r < 0)
			return r;
		links = ctx->pf_virtfns[at];
		for (size_t v = 0; v < links->n; v++) {
			char name[32];
			char *vf_path = NULL, *slot = NULL;
			struct vad_function *fn;
			bool known = false;

			/* A VF with a device here is known by its number: no path to resolve. */
			for (size_t k = 0; k < ctx->ndevices && !known; k++)
				known = ctx->devices[k]->role == VAD_SRIOV_VF &&
					ctx->devices[k]->vf_index == (int)v + 1 &&
					ctx->devices[k]->pf_slot &&
					strcmp(ctx->devices[k]->pf_slot, pf->pci_slot) == 0 &&
					ctx->devices[k]->pci_slot &&
					strcmp(ctx->devices[k]->pci_slot, links->slots[v]) == 0;
			if (known)
				continue;
			snprintf(name, sizeof(name), "virtfn%zu", v);
			r = vad__sysfs_link_path(pf->sysfs_path, name, &vf_path);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				continue;	/* gone since the links were read */
			slot = strrchr(vf_path, '/');
			slot = slot ? slot + 1 : vf_path;
			for (size_t k = 0; k < ctx->ndevices && !known; k++)
				known = ctx->devices[k]->sysfs_path &&
					strcmp(ctx->devices[k]->sysfs_path, vf_path) == 0;
			if (known || !vad__is_pci_slot(slot)) {
				free(vf_path);
				continue;
			}
			fn = calloc(1, sizeof(*fn));
			if (!fn) {
				free(vf_path);
				return -ENOMEM;
			}
			fn->sysfs_path = vf_path;
			fn->vf_index = (int)v + 1;
			fn->pci_slot = strdup(slot);
			fn->pf_slot = strdup(pf->pci_slot);
			fn->vendor_id = vad__sysfs_read_id(vf_path, "vendor", 4);
			fn->device_id = vad__sysfs_read_id(vf_path, "device", 4);
			r = vad__sysfs_link_name(vf_path, "driver", &fn->kernel_driver);
			if (r == -ENOMEM || !fn->pci_slot || !fn->pf_slot ||
			    sysfs_drm_nodes(vf_path, &fn->host_nodes) < 0 ||
			    function_reason(fn, pf) < 0 ||
			    functions_add(ctx, &cap, fn) < 0) {
				vad__function_free(fn);
				return -ENOMEM;
			}
			vad__log(ctx, VAD_LOG_DEBUG, "%s: VF %d of %s without a DRM node: %s",
				 fn->pci_slot, fn->vf_index, fn->pf_slot, fn->reason);
		}
	}
	return 0;
}

void vad__functions_read(struct vad_context *ctx)
{
	int r;

	if (!ctx->scanned || ctx->functions_read)
		return;
	r = scan_functions(ctx);
	if (r < 0) {	/* -ENOMEM: none, and the next call tries again */
		for (size_t i = 0; i < ctx->nfunctions; i++)
			vad__function_free(ctx->functions[i]);
		free(ctx->functions);
		ctx->functions = NULL;
		ctx->nfunctions = 0;
		return;
	}
	ctx->functions_read = true;
}

/* Nodes a container has only under /dev/dri/by-path: Proxmox's "devN:
 * /dev/dri/by-path/pci-...-render" makes, at each container start, a node of the link's
 * current target under that very path (not a link). On a host by-path/ holds udev's links
 * to the nodes listed already, which are skipped. Listed after the real names of
 * /dev/dri, so a node seen both ways keeps its own name. */
static int collect_by_path(struct vad_context *ctx, struct vad_entries *entries)
{
	DIR *dir = opendir(VAD_DEV_DRI "/by-path");
	struct dirent *de;
	int r = 0;

	if (!dir)
		return errno == ENOMEM ? -ENOMEM : 0;
	while (r == 0 && (de = readdir(dir))) {
		struct stat st;
		char *path;

		if (de->d_name[0] == '.')
			continue;
		path = vad__strdupf("%s/by-path/%s", VAD_DEV_DRI, de->d_name);
		if (!path) {
			r = -ENOMEM;
			break;
		}
		if (lstat(path, &st) < 0 || !S_ISCHR(st.st_mode) ||
		    major(st.st_rdev) != VAD_DRM_MAJOR) {
			free(path);
			continue;
		}
		vad__log(ctx, VAD_LOG_DEBUG, "%s: a node, not a link: listed", path);
		r = entries_add(entries, path, st, true);
		if (r < 0)
			free(path);
	}
	closedir(dir);
	return r;
}

/* What every scan does first: the devices, functions and the libva state of the last one
 * are dropped. */
static void scan_begin(struct vad_context *ctx)
{
	vad__libva_rescan(ctx);
	vad__devices_free(ctx);
	ctx->boot_id[0] = '\0';	/* the probe cache's key reads it again */
	/* Scanned, unless it fails with -ENOMEM: then vad_select() scans again. */
	ctx->scanned = true;
}

/* What every scan does last: @list becomes the context's devices, and their count is
 * returned; or, when the scan failed (@r < 0), the context has none and @r is returned. */
static int scan_end(struct vad_context *ctx, struct vad_list *list, int r)
{
	if (r < 0) {
		list_free(list);
		vad__pf_virtfns_free(ctx);
		ctx->scanned = false;
		return r;
	}
	for (size_t i = 0; i < list->n; i++)
		check_access(ctx, list->devs[i]);
	if (list->n > 1)
		qsort(list->devs, list->n, sizeof(*list->devs), device_cmp);

	ctx->devices = list->devs;
	ctx->ndevices = list->n;
	/* The facts and the functions without a node are read when first asked for (a
	 * program that only selects reads the facts of the devices it judges, and never the
	 * functions): vad__device_facts(), vad__functions_read(). */
	vad__log(ctx, VAD_LOG_DEBUG, "scan: %zu device(s)", list->n);
	return (int)list->n;
}

/* Public (vadiscover.h). */
int vad_scan_node(struct vad_context *ctx, const char *node)
{
	struct vad_list list = { 0 };
	struct stat st;
	const char *name;
	int r;

	if (!ctx || !node)
		return -EINVAL;
	scan_begin(ctx);
	/* The PF's other functions are in a /dev/dri this scan does not read: none listed. */
	ctx->functions_read = true;
	if (stat(node, &st) < 0) {
		r = -errno;
		vad__log(ctx, VAD_LOG_DEBUG, "%s: %s", node, VAD_STRERROR(-r));
		return r;
	}
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != VAD_DRM_MAJOR) {
		vad__log(ctx, VAD_LOG_DEBUG, "%s: not a DRM character device", node);
		return -ENODEV;
	}
	name = strrchr(node, '/') ? strrchr(node, '/') + 1 : node;
	return scan_end(ctx, &list, add_node(ctx, &list, name, node, &st));
}

int vad_scan(struct vad_context *ctx)
{
	struct vad_list list = { 0 };
	struct vad_entries entries = { 0 };
	struct dirent *de;
	DIR *dir;
	int r = 0;

	if (!ctx)
		return -EINVAL;
	scan_begin(ctx);

	dir = opendir(VAD_DEV_DRI);
	if (!dir) {
		int err = errno;	/* before the log function, which may change errno */

		vad__log(ctx, VAD_LOG_DEBUG, "%s: %s", VAD_DEV_DRI, VAD_STRERROR(err));
		ctx->scanned = err != ENOMEM;
		return err == ENOMEM ? -ENOMEM : 0;
	}
	/* opendir opens O_CLOEXEC. Entries are collected first: real nodes are added before
	 * symlinks, so that when two names lead to one node, the node's own name is kept. */
	for (;;) {
		struct stat st, lst;
		char *path;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			/* A node left unlisted would go unnoticed: the scan fails. */
			if (errno) {
				r = -errno;
				vad__log(ctx, VAD_LOG_ERROR, "%s: cannot list it to the end: %s",
					 VAD_DEV_DRI, VAD_STRERROR(-r));
			}
			break;
		}
		if (de->d_name[0] == '.' || strcmp(de->d_name, "by-path") == 0 ||
		    strcmp(de->d_name, "by-id") == 0)
			continue;
		path = vad__strdupf("%s/%s", VAD_DEV_DRI, de->d_name);
		if (!path) {
			r = -ENOMEM;
			break;
		}
		if (stat(path, &st) < 0) {
			vad__log(ctx, VAD_LOG_DEBUG, "%s: vanished after listing: %s, dropped", path,
				 VAD_STRERROR(errno));
			free(path);
			continue;
		}
		if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != VAD_DRM_MAJOR) {
			vad__log(ctx, VAD_LOG_DEBUG, "%s: not a DRM character device, skipped", path);
			free(path);
			continue;
		}
		/* readdir()'s type says whether it is a link, when it knows. */
		r = entries_add(&entries, path, st,
				de->d_type == DT_LNK ||
				(de->d_type == DT_UNKNOWN && lstat(path, &lst) == 0 &&
				 S_ISLNK(lst.st_mode)));
		if (r < 0) {
			free(path);
			break;
		}
	}
	if (r == 0)
		r = collect_by_path(ctx, &entries);
	for (int links = 0; r == 0 && links < 2; links++) {
		for (size_t i = 0; r == 0 && i < entries.n; i++) {
			const char *name;

			if (entries.e[i].is_link != (links == 1))
				continue;
			name = strrchr(entries.e[i].path, '/') + 1;
			r = add_node(ctx, &list, name, entries.e[i].path, &entries.e[i].st);
		}
	}
	entries_free(&entries);
	closedir(dir);
	return scan_end(ctx, &list, r);
}
