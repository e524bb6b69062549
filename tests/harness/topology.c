/* Builds a topology (topology.h) as a directory tree, laid out as the kernel lays out sysfs:
 * every symlink is relative and has the form kernfs gives it (up to the nearest common
 * ancestor that is a proper ancestor of the target, then down). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/harness/topology.h"

#define DRM_MAJOR 226

struct builder {
	const struct topology *t;
	int *card, *render;	/* the minors of t->devs[i] (topo_minors()) */
	char root[4096];
	char *err;
	size_t errlen;
};

static int fail(struct builder *b, int e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct builder *b, int e, const char *fmt, ...)
{
	if (b->err && b->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(b->err, b->errlen, fmt, ap);
		va_end(ap);
	}
	return -e;
}

const char *topo_dev_name(const struct topo_dev *d)
{
	const char *s = strrchr(d->path, '/');
	return s ? s + 1 : d->path;
}

const struct topology *topology_find(const char *name)
{
	for (size_t i = 0; i < n_topologies; i++)
		if (strcmp(topologies[i]->name, name) == 0)
			return topologies[i];
	return NULL;
}

/* root/rel into @out (PATH_BUF bytes). */
#define PATH_BUF 8192
static int abspath(struct builder *b, const char *rel, char *out)
{
	int n = snprintf(out, PATH_BUF, "%s/%s", b->root, rel);
	if (n < 0 || n >= PATH_BUF)
		return fail(b, ENAMETOOLONG, "path too long: %s", rel);
	return 0;
}

/* mkdir -p of root/rel */
static int mkdirs(struct builder *b, const char *rel)
{
	char p[PATH_BUF];
	if (abspath(b, rel, p))
		return -ENAMETOOLONG;
	for (char *s = p + strlen(b->root) + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return fail(b, errno, "mkdir %s: %s", p, strerror(errno));
			*s = c;
			if (!c)
				break;
		}
	}
	return 0;
}

static int parent_dirs(struct builder *b, const char *rel)
{
	char d[4096];
	snprintf(d, sizeof(d), "%s", rel);
	char *s = strrchr(d, '/');
	if (!s)
		return 0;
	*s = '\0';
	return mkdirs(b, d);
}

static int write_bytes(struct builder *b, const char *rel, const void *data, size_t len)
{
	char p[PATH_BUF];
	int r = parent_dirs(b, rel);
	if (r || (r = abspath(b, rel, p)))
		return r;
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(b, errno, "create %s: %s", p, strerror(errno));
	ssize_t w = write(fd, data, len);
	int e = errno;
	close(fd);
	if (w != (ssize_t)len)
		return fail(b, w < 0 ? e : EIO, "write %s", p);
	return 0;
}

static int writef(struct builder *b, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int writef(struct builder *b, const char *rel, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return fail(b, EOVERFLOW, "content too long for %s", rel);
	return write_bytes(b, rel, buf, (size_t)n);
}

static size_t split(char *s, char **parts, size_t max)
{
	size_t n = 0;
	for (char *tok = strtok(s, "/"); tok && n < max; tok = strtok(NULL, "/"))
		parts[n++] = tok;
	return n;
}

/* Creates root/link -> the relative path from link's directory to root/target, the way
 * kernfs_get_target_path() writes it. */
static int rel_symlink(struct builder *b, const char *link, const char *target)
{
	char lbuf[4096], tbuf[4096], out[4096] = "", p[PATH_BUF];
	char *lp[64], *tp[64];
	snprintf(lbuf, sizeof(lbuf), "%s", link);
	snprintf(tbuf, sizeof(tbuf), "%s", target);
	size_t nl = split(lbuf, lp, 64), nt = split(tbuf, tp, 64);
	if (nl == 0 || nt == 0)
		return fail(b, EINVAL, "bad link %s -> %s", link, target);
	nl--; /* the link's directory */
	size_t c = 0;
	while (c < nl && c + 1 < nt && strcmp(lp[c], tp[c]) == 0)
		c++;
	for (size_t i = c; i < nl; i++)
		strcat(out, "../");
	for (size_t i = c; i < nt; i++) {
		strcat(out, tp[i]);
		if (i + 1 < nt)
			strcat(out, "/");
	}
	int r = parent_dirs(b, link);
	if (r || (r = abspath(b, link, p)))
		return r;
	if (symlink(out, p) < 0)
		return fail(b, errno, "symlink %s -> %s: %s", p, out, strerror(errno));
	return 0;
}

static int parse_slot(const char *slot, unsigned int *dom, unsigned int *bus,
		      unsigned int *dev, unsigned int *fn)
{
	return sscanf(slot, "%x:%x:%x.%x", dom, bus, dev, fn) == 4 ? 0 : -EINVAL;
}

/* The slot of VF @i (0-based) of PF @d. */
static int vf_slot(const struct topo_dev *d, int i, char *out, size_t len)
{
	unsigned int dom, bus, dev, fn;
	if (parse_slot(topo_dev_name(d), &dom, &bus, &dev, &fn))
		return -EINVAL;
	unsigned int devfn = (dev << 3 | fn) + (unsigned int)d->vf_offset +
			     (unsigned int)(i * d->vf_stride);
	bus += devfn >> 8;
	devfn &= 0xff;
	snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, devfn >> 3, devfn & 7);
	return 0;
}

static const struct topo_dev *find_dev(const struct topology *t, const char *name)
{
	for (size_t i = 0; i < t->ndevs; i++)
		if (strcmp(topo_dev_name(&t->devs[i]), name) == 0)
			return &t->devs[i];
	return NULL;
}

static const struct topo_dev *dev_of_minor(const struct builder *b, int minor)
{
	for (size_t i = 0; i < b->t->ndevs; i++)
		if (b->card[i] == minor || b->render[i] == minor)
			return &b->t->devs[i];
	return NULL;
}

/* The kernel's minor allocation (drivers/gpu/drm/drm_drv.c, drm_minor_alloc()): one
 * xarray for card and render minors; xa_alloc() takes the lowest free index of the
 * range. */
#define MINOR_LIMIT (1 << 20)	/* MINORBITS */
static bool minor_used(const int *card, const int *render, size_t n, int minor)
{
	for (size_t i = 0; i < n; i++)
		if (card[i] == minor || render[i] == minor)
			return true;
	return false;
}

static int minor_alloc(const int *card, const int *render, size_t n, int first, int last)
{
	for (int m = first; m <= last; m++)
		if (!minor_used(card, render, n, m))
			return m;
	return -1;
}

int topo_minors(const struct topology *t, int *card, int *render)
{
	/* The given minors are taken first (registered before, or pinned by the model). */
	for (size_t i = 0; i < t->ndevs; i++) {
		card[i] = t->devs[i].card == TOPO_AUTO ? TOPO_NONE : t->devs[i].card;
		render[i] = t->devs[i].render == TOPO_AUTO ? TOPO_NONE : t->devs[i].render;
	}
	for (size_t i = 0; i < t->ndevs; i++) {
		/* DRM_MINOR_RENDER = 2: 128-191; DRM_MINOR_PRIMARY = 0: 0-63. */
		if (t->devs[i].render == TOPO_AUTO) {
			int m = minor_alloc(card, render, t->ndevs, 128, 191);

			if (m < 0)
				m = minor_alloc(card, render, t->ndevs, 192, MINOR_LIMIT - 1);
			if (m < 0)
				return -ENOSPC;
			render[i] = m;
		}
		if (t->devs[i].card == TOPO_AUTO) {
			int m = minor_alloc(card, render, t->ndevs, 0, 63);

			if (m < 0)
				m = minor_alloc(card, render, t->ndevs, 192, MINOR_LIMIT - 1);
			if (m < 0)
				return -ENOSPC;
			card[i] = m;
		}
	}
	return 0;
}

static int build_pci(struct builder *b, const struct topo_dev *d)
{
	char dir[1024], p[1200], q[1200];
	const char *slot = topo_dev_name(d);
	int r;
	snprintf(dir, sizeof(dir), "devices/%s", d->path);
	if ((r = mkdirs(b, dir)))
		return r;
#define ATTR(name, ...) do { snprintf(p, sizeof(p), "%s/" name, dir); \
		if ((r = writef(b, p, __VA_ARGS__))) return r; } while (0)
	ATTR("vendor", "0x%04x\n", d->vendor);
	ATTR("device", "0x%04x\n", d->device);
	ATTR("subsystem_vendor", "0x%04x\n", d->subvendor);
	ATTR("subsystem_device", "0x%04x\n", d->subdevice);
	ATTR("revision", "0x%02x\n", d->revision);
	ATTR("class", "0x%06x\n", d->class);
	ATTR("enable", "%d\n", d->driver ? 1 : 0);
	ATTR("numa_node", "-1\n");
	if (d->boot_vga != TOPO_NONE)
		ATTR("boot_vga", "%d\n", d->boot_vga);
	char sub[64] = "", drv[128] = "";
	snprintf(sub, sizeof(sub), "PCI_SUBSYS_ID=%04X:%04X\n", d->subvendor, d->subdevice);
	if (d->driver)
		snprintf(drv, sizeof(drv), "DRIVER=%s\n", d->driver);
	ATTR("uevent", "%sPCI_CLASS=%X\nPCI_ID=%04X:%04X\n%sPCI_SLOT_NAME=%s\n"
	     "MODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n",
	     drv, d->class, d->vendor, d->device, sub, slot, d->vendor, d->device,
	     d->subvendor, d->subdevice, d->class >> 16, (d->class >> 8) & 0xff,
	     d->class & 0xff);
	/* The first 64 bytes of configuration space, as root reads 256 of them. */
	unsigned char cfg[256] = {0};
	cfg[0] = d->vendor & 0xff; cfg[1] = d->vendor >> 8;
	cfg[2] = d->device & 0xff; cfg[3] = d->device >> 8;
	cfg[8] = d->revision & 0xff;
	cfg[9] = d->class & 0xff; cfg[10] = (d->class >> 8) & 0xff; cfg[11] = d->class >> 16;
	cfg[0x2c] = d->subvendor & 0xff; cfg[0x2d] = d->subvendor >> 8;
	cfg[0x2e] = d->subdevice & 0xff; cfg[0x2f] = d->subdevice >> 8;
	snprintf(p, sizeof(p), "%s/config", dir);
	if ((r = write_bytes(b, p, cfg, sizeof(cfg))))
		return r;
	snprintf(p, sizeof(p), "%s/subsystem", dir);
	if ((r = rel_symlink(b, p, "bus/pci")))
		return r;
	snprintf(p, sizeof(p), "bus/pci/devices/%s", slot);
	if ((r = rel_symlink(b, p, dir)))
		return r;
	if (d->driver) {
		snprintf(p, sizeof(p), "%s/driver", dir);
		snprintf(q, sizeof(q), "bus/pci/drivers/%s", d->driver);
		if ((r = rel_symlink(b, p, q)))
			return r;
		snprintf(p, sizeof(p), "bus/pci/drivers/%s/%s", d->driver, slot);
		if ((r = rel_symlink(b, p, dir)))
			return r;
	}
	if (d->totalvfs > 0) {
		ATTR("sriov_totalvfs", "%d\n", d->totalvfs);
		ATTR("sriov_numvfs", "%d\n", d->numvfs);
		ATTR("sriov_offset", "%d\n", d->vf_offset);
		ATTR("sriov_stride", "%d\n", d->vf_stride);
		ATTR("sriov_vf_device", "%x\n", d->vf_device);
		ATTR("sriov_drivers_autoprobe", "%d\n", d->no_autoprobe ? 0 : 1);
		for (int i = 0; i < d->numvfs; i++) {
			char vs[32];
			if (vf_slot(d, i, vs, sizeof(vs)))
				return fail(b, EINVAL, "bad PF slot %s", slot);
			const struct topo_dev *vf = find_dev(b->t, vs);
			if (!vf || !vf->physfn || strcmp(vf->physfn, slot) != 0)
				return fail(b, EINVAL, "%s: VF %d (%s) missing or without physfn",
					    b->t->name, i, vs);
			snprintf(p, sizeof(p), "%s/virtfn%d", dir, i);
			snprintf(q, sizeof(q), "devices/%s", vf->path);
			if ((r = rel_symlink(b, p, q)))
				return r;
		}
	}
	if (d->physfn) {
		const struct topo_dev *pf = find_dev(b->t, d->physfn);
		if (!pf)
			return fail(b, EINVAL, "%s: %s: physfn %s missing", b->t->name, slot,
				    d->physfn);
		snprintf(p, sizeof(p), "%s/physfn", dir);
		snprintf(q, sizeof(q), "devices/%s", pf->path);
		if ((r = rel_symlink(b, p, q)))
			return r;
	}
#undef ATTR
	return 0;
}

static int build_platform(struct builder *b, const struct topo_dev *d)
{
	char dir[1024], p[1200], q[1200], alias[256];
	const char *name = topo_dev_name(d);
	int r;
	snprintf(dir, sizeof(dir), "devices/%s", d->path);
	if ((r = mkdirs(b, dir)))
		return r;
	/* The modalias of a platform device is its name without the ".N" instance. */
	snprintf(alias, sizeof(alias), "%s", name);
	char *dot = strrchr(alias, '.');
	if (dot && dot[1] >= '0' && dot[1] <= '9')
		*dot = '\0';
	snprintf(p, sizeof(p), "%s/uevent", dir);
	if (d->driver)
		r = writef(b, p, "DRIVER=%s\nMODALIAS=platform:%s\n", d->driver, alias);
	else
		r = writef(b, p, "MODALIAS=platform:%s\n", alias);
	if (r)
		return r;
	snprintf(p, sizeof(p), "%s/modalias", dir);
	if ((r = writef(b, p, "platform:%s\n", alias)))
		return r;
	snprintf(p, sizeof(p), "%s/subsystem", dir);
	if ((r = rel_symlink(b, p, "bus/platform")))
		return r;
	snprintf(p, sizeof(p), "bus/platform/devices/%s", name);
	if ((r = rel_symlink(b, p, dir)))
		return r;
	if (d->driver) {
		snprintf(p, sizeof(p), "%s/driver", dir);
		snprintf(q, sizeof(q), "bus/platform/drivers/%s", d->driver);
		if ((r = rel_symlink(b, p, q)))
			return r;
		snprintf(p, sizeof(p), "bus/platform/drivers/%s/%s", d->driver, name);
		if ((r = rel_symlink(b, p, dir)))
			return r;
	}
	return 0;
}

static int build_minor(struct builder *b, const struct topo_dev *d, const char *node,
		       int minor, bool card)
{
	char dir[1200], p[1400], q[1400];
	int r;
	snprintf(dir, sizeof(dir), "devices/%s/drm/%s", d->path, node);
	if ((r = mkdirs(b, dir)))
		return r;
	snprintf(p, sizeof(p), "%s/dev", dir);
	if ((r = writef(b, p, "%d:%d\n", DRM_MAJOR, minor)))
		return r;
	snprintf(p, sizeof(p), "%s/uevent", dir);
	if ((r = writef(b, p, "MAJOR=%d\nMINOR=%d\nDEVNAME=dri/%s\nDEVTYPE=drm_minor\n",
			DRM_MAJOR, minor, node)))
		return r;
	snprintf(p, sizeof(p), "%s/subsystem", dir);
	if ((r = rel_symlink(b, p, "class/drm")))
		return r;
	snprintf(p, sizeof(p), "%s/device", dir);
	snprintf(q, sizeof(q), "devices/%s", d->path);
	if ((r = rel_symlink(b, p, q)))
		return r;
	snprintf(p, sizeof(p), "class/drm/%s", node);
	if ((r = rel_symlink(b, p, dir)))
		return r;
	snprintf(p, sizeof(p), "dev/char/%d:%d", DRM_MAJOR, minor);
	if ((r = rel_symlink(b, p, dir)))
		return r;
	for (int i = 0; card && i < TOPO_MAX_CONNECTORS && d->connectors[i]; i++) {
		char cdir[1500], cp[1600];
		snprintf(cdir, sizeof(cdir), "%s/%s-%s", dir, node, d->connectors[i]);
		if ((r = mkdirs(b, cdir)))
			return r;
		snprintf(cp, sizeof(cp), "%s/status", cdir);
		if ((r = writef(b, cp, "disconnected\n")))
			return r;
		snprintf(cp, sizeof(cp), "%s/enabled", cdir);
		if ((r = writef(b, cp, "disabled\n")))
			return r;
		snprintf(cp, sizeof(cp), "%s/uevent", cdir);
		if ((r = writef(b, cp, "DEVTYPE=drm_connector\n")))
			return r;
		snprintf(cp, sizeof(cp), "%s/subsystem", cdir);
		if ((r = rel_symlink(b, cp, "class/drm")))
			return r;
		snprintf(cp, sizeof(cp), "%s/device", cdir);
		if ((r = rel_symlink(b, cp, dir)))
			return r;
		snprintf(cp, sizeof(cp), "class/drm/%s-%s", node, d->connectors[i]);
		if ((r = rel_symlink(b, cp, cdir)))
			return r;
	}
	return 0;
}

/* The content of a fake node in DIR/dev/dri: what the shim needs to answer for it.
 * "226:MINOR DRMNAME BUSID VENDOR DEVICE REVISION" */
static int write_node(struct builder *b, const char *name, int minor)
{
	const struct topo_dev *d = dev_of_minor(b, minor);
	char p[1024];
	if (!d)
		return fail(b, EINVAL, "%s: /dev/dri/%s: no device has minor %d", b->t->name,
			    name, minor);
	const char *drm = d->drm_name ? d->drm_name : d->driver;
	snprintf(p, sizeof(p), "dev/dri/%s", name);
	return writef(b, p, "%d:%d %s %s 0x%04x 0x%04x 0x%02x\n", DRM_MAJOR, minor,
		      drm ? drm : "unknown", topo_dev_name(d), d->vendor, d->device,
		      d->revision);
}

static int build(struct builder *b, const char *dir);

int topology_build(const struct topology *t, const char *dir, char *err, size_t errlen)
{
	struct builder b = { .t = t, .err = err, .errlen = errlen };
	int r;

	b.card = calloc(t->ndevs + 1, sizeof(int));
	b.render = calloc(t->ndevs + 1, sizeof(int));
	if (!b.card || !b.render)
		r = fail(&b, ENOMEM, "out of memory");
	else if (topo_minors(t, b.card, b.render) < 0)
		r = fail(&b, ENOSPC, "%s: no DRM minor left", t->name);
	else
		r = build(&b, dir);
	free(b.card);
	free(b.render);
	return r;
}

static int build(struct builder *b, const char *dir)
{
	const struct topology *t = b->t;
	int r;
	if (snprintf(b->root, sizeof(b->root), "%s", dir) >= (int)sizeof(b->root))
		return fail(b, ENAMETOOLONG, "directory name too long");
	if ((r = mkdirs(b, "sys/devices")) || (r = mkdirs(b, "sys/class/drm")) ||
	    (r = mkdirs(b, "sys/dev/char")) || (r = mkdirs(b, "sys/bus/pci/devices")) ||
	    (r = mkdirs(b, "sys/bus/platform/devices")) || (r = mkdirs(b, "dev")))
		return r;
	if ((r = writef(b, "sys/class/drm/version", "drm 1.1.0 20060810\n")))
		return r;
	/* Everything below sys/ is built relative to DIR/sys. */
	if (snprintf(b->root, sizeof(b->root), "%s/sys", dir) >= (int)sizeof(b->root))
		return fail(b, ENAMETOOLONG, "directory name too long");
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct topo_dev *d = &t->devs[i];
		char node[32];
		r = d->platform ? build_platform(b, d) : build_pci(b, d);
		if (r)
			return r;
		if (b->card[i] != TOPO_NONE) {
			snprintf(node, sizeof(node), "card%d", b->card[i]);
			if ((r = build_minor(b, d, node, b->card[i], true)))
				return r;
		}
		if (b->render[i] != TOPO_NONE) {
			snprintf(node, sizeof(node), "renderD%d", b->render[i]);
			if ((r = build_minor(b, d, node, b->render[i], false)))
				return r;
		}
	}
	snprintf(b->root, sizeof(b->root), "%s", dir);
	if (!t->no_dev_dri) {
		if ((r = mkdirs(b, "dev/dri")))
			return r;
		if (t->nodes) {
			for (size_t i = 0; i < t->nnodes; i++)
				if ((r = write_node(b, t->nodes[i].name, t->nodes[i].minor)))
					return r;
		} else {
			for (size_t i = 0; i < t->ndevs; i++) {
				const struct topo_dev *d = &t->devs[i];
				char name[32], link[256], target[64];
				const char *kind = d->platform ? "platform" : "pci";
				if (b->card[i] != TOPO_NONE) {
					snprintf(name, sizeof(name), "card%d", b->card[i]);
					if ((r = write_node(b, name, b->card[i])))
						return r;
					snprintf(link, sizeof(link), "dev/dri/by-path/%s-%s-card",
						 kind, topo_dev_name(d));
					snprintf(target, sizeof(target), "dev/dri/%s", name);
					if ((r = rel_symlink(b, link, target)))
						return r;
				}
				if (b->render[i] != TOPO_NONE) {
					snprintf(name, sizeof(name), "renderD%d", b->render[i]);
					if ((r = write_node(b, name, b->render[i])))
						return r;
					snprintf(link, sizeof(link), "dev/dri/by-path/%s-%s-render",
						 kind, topo_dev_name(d));
					snprintf(target, sizeof(target), "dev/dri/%s", name);
					if ((r = rel_symlink(b, link, target)))
						return r;
				}
			}
		}
	}
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct topo_file *f = &t->files[i];

		if (f->path[0] == '/' || strstr(f->path, "..") || strncmp(f->path, "sys/", 4) == 0 ||
		    strncmp(f->path, "dev/", 4) == 0)
			return fail(b, EINVAL, "%s: file %s: expected a relative path outside "
				    "sys/ and dev/", t->name, f->path);
		if ((r = write_bytes(b, f->path, f->content, strlen(f->content))))
			return r;
	}
	for (size_t i = 0; i < t->nsysfiles; i++) {
		const struct topo_sysfile *f = &t->sysfiles[i];
		char p[PATH_BUF];

		if (strncmp(f->path, "sys/", 4) != 0 || strstr(f->path, ".."))
			return fail(b, EINVAL, "%s: sysfile %s: expected a path in sys/", t->name,
				    f->path);
		if (!f->content) {
			if ((r = mkdirs(b, f->path)))
				return r;
		} else if ((r = write_bytes(b, f->path, f->content, strlen(f->content)))) {
			return r;
		}
		if ((r = abspath(b, f->path, p)))
			return r;
		if (f->mode && chmod(p, f->mode) < 0)
			return fail(b, errno, "chmod %s: %s", p, strerror(errno));
	}
	if ((r = writef(b, "va.conf", "# default fake VA driver behaviour of %s\n%s",
			t->name, t->va_conf ? t->va_conf : "")))
		return r;
	return 0;
}
