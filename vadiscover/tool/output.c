/* Human and JSON presentation of devices for the vadiscover tool. */
#include "vadiscover/tool/output.h"
#include "vadiscover/tool/host.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

const char *out_device_name(const struct vad_device *dev)
{
	const char *node = vad_device_get_node(dev);
	const char *slash;

	if (!node)
		return "?";
	slash = strrchr(node, '/');
	return slash ? slash + 1 : node;
}

static const char *basename_or(const char *path, const char *dflt)
{
	const char *slash;

	if (!path)
		return dflt;
	slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The device's identity on its bus: the PCI slot, else its sysfs directory's name. */
static const char *bus_id(const struct vad_device *dev)
{
	const char *slot = vad_device_get_pci_slot(dev);

	return slot ? slot : basename_or(vad_device_get_sysfs_path(dev), "-");
}

static void format_ids(char *buf, size_t len, const struct vad_device *dev)
{
	int v = vad_device_get_vendor_id(dev), d = vad_device_get_device_id(dev);

	if (v >= 0 && d >= 0)
		snprintf(buf, len, "%04x:%04x", (unsigned int)v, (unsigned int)d);
	else if (v >= 0)
		snprintf(buf, len, "%04x:?", (unsigned int)v);
	else
		snprintf(buf, len, "-");
}

static void format_sriov(char *buf, size_t len, const struct vad_device *dev)
{
	switch (vad_device_get_sriov_role(dev)) {
	case VAD_SRIOV_PF: {
		int n = vad_device_get_sriov_numvfs(dev), t = vad_device_get_sriov_totalvfs(dev);

		snprintf(buf, len, "PF %d/%d VFs", n < 0 ? 0 : n, t < 0 ? 0 : t);
		break;
	}
	case VAD_SRIOV_VF: {
		int i = vad_device_get_vf_index(dev);
		const char *pf = vad_device_get_pf_slot(dev);

		if (i > 0)
			snprintf(buf, len, "VF %d of %s", i, pf ? pf : "?");
		else
			snprintf(buf, len, "VF of %s", pf ? pf : "?");
		break;
	}
	default:
		buf[0] = '\0';
		break;
	}
}

/* The node's name, with its device number when the name's number does not match it
 * (a node renamed inside a container: renderD128 that is really 226:132). */
static void format_node(char *buf, size_t len, const char *path, dev_t rdev, const char *prefix)
{
	const char *name = basename_or(path, NULL);
	unsigned int n = 0;
	int used = 0;

	if (!name) {
		snprintf(buf, len, "-");
		return;
	}
	size_t pl = strlen(prefix);
	char kname[48];
	/* The kernel's name for the number (sysfs), else the classic minor numbering. */
	bool renamed = rdev && host_kernel_node_name(rdev, kname, sizeof(kname))
			       ? strcmp(name, kname) != 0
			       : strncmp(name, prefix, pl) == 0 &&
					 sscanf(name + pl, "%u%n", &n, &used) == 1 &&
					 name[pl + (size_t)used] == '\0' && rdev != 0 &&
					 minor(rdev) != n;

	if (renamed) {
		snprintf(buf, len, "%s=%u:%u", name, major(rdev), minor(rdev));
		return;
	}
	snprintf(buf, len, "%s", name);
}

enum { COL_RENDER, COL_CARD, COL_BUS, COL_IDS, COL_DRIVER, COL_SRIOV, COL_GUESTS };

static void guests_column(char *buf, size_t len, const struct guests *g, dev_t render,
			  dev_t card, const char *slot)
{
	char who[80];

	guests_describe(g, render, card, slot, who, sizeof(who));
	if (who[0])
		snprintf(buf, len, "given to %s", who);
	else
		buf[0] = '\0';
}

static void function_columns(char col[OUT_NCOLS][96], const struct vad_function *fn,
			     const struct guests *g)
{
	const char *drv = vad_function_get_kernel_driver(fn);
	int v = vad_function_get_vendor_id(fn), d = vad_function_get_device_id(fn);

	snprintf(col[COL_RENDER], sizeof(col[0]), "-");
	snprintf(col[COL_CARD], sizeof(col[0]), "-");
	snprintf(col[COL_BUS], sizeof(col[0]), "%s", vad_function_get_pci_slot(fn));
	if (v >= 0 && d >= 0)
		snprintf(col[COL_IDS], sizeof(col[0]), "%04x:%04x", (unsigned int)v, (unsigned int)d);
	else
		snprintf(col[COL_IDS], sizeof(col[0]), "-");
	snprintf(col[COL_DRIVER], sizeof(col[0]), "%s", drv ? drv : "-");
	snprintf(col[COL_SRIOV], sizeof(col[0]), "VF %d of %s", vad_function_get_vf_index(fn),
		 vad_function_get_pf_slot(fn));
	guests_column(col[COL_GUESTS], sizeof(col[0]), g, 0, 0, vad_function_get_pci_slot(fn));
}

static void columns_of(char col[OUT_NCOLS][96], const struct vad_device *dev,
		       const struct guests *g)
{
	const char *drv = vad_device_get_kernel_driver(dev);

	format_node(col[COL_RENDER], sizeof(col[0]), vad_device_get_render_node(dev),
		    vad_device_get_render_rdev(dev), "renderD");
	format_node(col[COL_CARD], sizeof(col[0]), vad_device_get_card_node(dev),
		    vad_device_get_card_rdev(dev), "card");
	snprintf(col[COL_BUS], sizeof(col[0]), "%s", bus_id(dev));
	format_ids(col[COL_IDS], sizeof(col[0]), dev);
	snprintf(col[COL_DRIVER], sizeof(col[0]), "%s", drv ? drv : "-");
	format_sriov(col[COL_SRIOV], sizeof(col[0]), dev);
	guests_column(col[COL_GUESTS], sizeof(col[0]), g, vad_device_get_render_rdev(dev),
		      vad_device_get_card_rdev(dev), vad_device_get_pci_slot(dev));
}

static void measure(struct out_columns *c, char col[OUT_NCOLS][96])
{
	for (int k = 0; k < OUT_NCOLS; k++) {
		int l = (int)strlen(col[k]);

		if (l > c->width[k])
			c->width[k] = l;
	}
}

void out_columns_measure(struct out_columns *c, const struct vad_context *ctx,
			 const struct guests *guests)
{
	size_t n = vad_device_count(ctx), nf = vad_function_count(ctx);
	char col[OUT_NCOLS][96];

	memset(c, 0, sizeof(*c));
	c->guests = guests;
	for (size_t i = 0; i < n; i++) {
		columns_of(col, vad_device_get(ctx, i), guests);
		measure(c, col);
	}
	for (size_t i = 0; i < nf; i++) {
		function_columns(col, vad_function_get(ctx, i), guests);
		measure(c, col);
	}
}

void out_seen_free(struct out_seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].summary);
	s->n = 0;
}

/* Columns empty on every line (no SR-IOV anywhere) take no room at all. */
static size_t format_columns(char *line, size_t size, char col[OUT_NCOLS][96],
			     const struct out_columns *c)
{
	size_t off = 0;

	line[0] = '\0';
	for (int k = 0; k < OUT_NCOLS; k++) {
		if (!c->width[k])
			continue;
		int w = snprintf(line + off, size - off, "%s%-*s", off ? "  " : "", c->width[k],
				 col[k]);
		if (w < 0 || (size_t)w >= size - off)
			break;
		off += (size_t)w;
	}
	return off;
}

static void put_line(FILE *f, char *line)
{
	/* Trailing blanks help nobody. */
	size_t l = strlen(line);

	while (l && line[l - 1] == ' ')
		line[--l] = '\0';
	fprintf(f, "%s\n", line);
}

void out_function_line(FILE *f, const struct vad_function *fn, const struct out_columns *c)
{
	char col[OUT_NCOLS][96];
	char line[1024];
	size_t off;

	function_columns(col, fn, c->guests);
	off = format_columns(line, sizeof(line), col, c);
	snprintf(line + off, sizeof(line) - off, "  no DRM node: %s",
		 vad_function_get_reason(fn));
	put_line(f, line);
}

static void codec_list(char *buf, size_t len, unsigned int mask)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < VAD_CODEC_COUNT; i++) {
		const char *name = vad_codec_name(1u << i);

		if (!(mask & (1u << i)) || !name)
			continue;
		int w = snprintf(buf + off, len - off, "%s%s", off ? " " : "", name);
		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
	}
}

void out_va_summary(char *buf, size_t len, const struct vad_device *dev)
{
	enum vad_verdict verdict = vad_device_get_verdict(dev);
	const char *reason = vad_device_get_reason(dev);

	buf[0] = '\0';
	if (verdict == VAD_VERDICT_NO_ACCESS) {
		snprintf(buf, len, "no access: %s", reason ? reason : "?");
		return;
	}
	if (!vad_device_is_probed(dev)) {
		int access = vad_device_get_access(dev);

		if (verdict == VAD_VERDICT_NO_VA && reason)
			snprintf(buf, len, "VA: none: %s", reason);
		else if (access < 0)
			snprintf(buf, len, "no access: %s", strerror(-access));
		return;
	}
	int status = vad_device_get_va_status(dev);
	if (status < 0) {
		const char *err = vad_device_get_va_error(dev);

		snprintf(buf, len, "VA: failed: %s", err ? err : strerror(-status));
	} else {
		char dec[160], enc[160];
		const char *vendor = vad_device_get_va_vendor(dev);

		codec_list(dec, sizeof(dec), vad_device_get_decode(dev));
		codec_list(enc, sizeof(enc), vad_device_get_encode(dev));
		snprintf(buf, len, "VA: %s (%s / %s%s)", vendor ? vendor : "(no vendor string)",
			 dec[0] ? dec : "no decode", enc[0] ? "enc " : "no encode", enc);
	}
	/* No VA driver was loaded for this answer: the probe cache had it. */
	if (vad_device_is_cached(dev) && strlen(buf) + 10 < len)
		strcat(buf, " (cached)");
}

/* A few lower-case words for a negative errno, as lspci-like lines want. */
static void short_cause(char *buf, size_t len, int err)
{
	switch (err) {
	case -EIO: snprintf(buf, len, "vaInitialize failed"); return;
	case -ENODEV: snprintf(buf, len, "no VA display"); return;
	case -EACCES: snprintf(buf, len, "permission denied"); return;
	case -ENOENT: snprintf(buf, len, "no such node"); return;
	case -ELIBACC: snprintf(buf, len, "no usable libva"); return;
	case -ENOPKG: snprintf(buf, len, "VA driver not installed"); return;
	case -ETIMEDOUT: snprintf(buf, len, "driver did not answer"); return;
	default:
		snprintf(buf, len, "%s", strerror(-err));
		if (buf[0] >= 'A' && buf[0] <= 'Z')
			buf[0] = (char)(buf[0] - 'A' + 'a');
	}
}

void out_va_short(char *buf, size_t len, const struct vad_device *dev)
{
	char cause[64];

	buf[0] = '\0';
	if (!vad_device_is_probed(dev)) {
		int access = vad_device_get_access(dev);

		if (vad_device_get_verdict(dev) == VAD_VERDICT_NO_VA) {
			/* Judged without a probe: a device without a video engine. */
			snprintf(buf, len, "VA: none (display only, not probed)");
		} else if (access < 0) {
			short_cause(cause, sizeof(cause), access);
			snprintf(buf, len, "VA: none (%s)", cause);
		} else if (vad_device_get_verdict(dev) == VAD_VERDICT_NO_ACCESS) {
			snprintf(buf, len, "VA: none (no access)");
		}
		return;
	}
	int status = vad_device_get_va_status(dev);
	if (status < 0) {
		const char *error = vad_device_get_va_error(dev);

		short_cause(cause, sizeof(cause), status);
		if (status == -EIO && error && strncmp(error, "VA driver crashed", 17) == 0)
			snprintf(cause, sizeof(cause), "driver crashed");
		snprintf(buf, len, "VA: none (%s)", cause);
		return;
	}
	const char *driver = vad_device_get_va_driver(dev);
	int version = vad_device_get_va_version(dev);

	if (version >= 0)
		snprintf(buf, len, "VA: %s %d.%d", driver ? driver : "?", version / 100,
			 version % 100);
	else
		snprintf(buf, len, "VA: %s", driver ? driver : "?");
}

void out_device_line(FILE *f, const struct vad_device *dev, const struct out_columns *c,
		     enum out_va va, bool va_failures, struct out_seen *seen)
{
	char col[OUT_NCOLS][96];
	char line[1024] = "";
	size_t off;

	columns_of(col, dev, c->guests);
	off = format_columns(line, sizeof(line), col, c);
	if (va == OUT_VA_SHORT) {
		char summary[128];

		out_va_short(summary, sizeof(summary), dev);
		if (summary[0])
			snprintf(line + off, sizeof(line) - off, "  %s", summary);
	} else if (va == OUT_VA_FULL) {
		char summary[1024];
		const char *shown = summary;
		char same[96];

		out_va_summary(summary, sizeof(summary), dev);
		/* A long vendor string and codec list, identical on every VF: once. */
		if (seen && strncmp(summary, "VA: ", 4) == 0 && strncmp(summary, "VA: failed", 10) &&
		    strncmp(summary, "VA: none", 8)) {
			size_t i;

			for (i = 0; i < seen->n && strcmp(seen->e[i].summary, summary) != 0; i++)
				;
			if (i < seen->n) {
				snprintf(same, sizeof(same), "VA: same as %s", seen->e[i].name);
				shown = same;
			} else if (seen->n < sizeof(seen->e) / sizeof(seen->e[0]) &&
				   (seen->e[seen->n].summary = strdup(summary)) != NULL) {
				snprintf(seen->e[seen->n].name, sizeof(seen->e[0].name), "%s",
					 out_device_name(dev));
				seen->n++;
			}
		}
		if (shown[0] && (va_failures || (strncmp(shown, "VA: failed: ", 12) != 0 &&
						 strncmp(shown, "VA: none: ", 10) != 0 &&
						 strncmp(shown, "no access: ", 11) != 0)))
			snprintf(line + off, sizeof(line) - off, "  %s", shown);
	}
	put_line(f, line);
}

void out_legend(FILE *f, const struct vad_context *ctx)
{
	size_t n = vad_device_count(ctx);
	bool pf = false, renamed = false;

	for (size_t i = 0; i < n; i++) {
		const struct vad_device *dev = vad_device_get(ctx, i);
		char col[OUT_NCOLS][96];

		columns_of(col, dev, NULL);
		if (vad_device_get_sriov_role(dev) == VAD_SRIOV_PF && !pf) {
			pf = true;
			fprintf(f, "%s: an SR-IOV physical function; %d of its %d virtual functions "
				"are enabled (sysfs sriov_numvfs of sriov_totalvfs)\n", col[COL_SRIOV],
				vad_device_get_sriov_numvfs(dev), vad_device_get_sriov_totalvfs(dev));
		}
		for (int k = COL_RENDER; k <= COL_CARD && !renamed; k++) {
			char *eq = strrchr(col[k], '='), kname[48];
			dev_t rdev = k == COL_RENDER ? vad_device_get_render_rdev(dev)
						     : vad_device_get_card_rdev(dev);

			if (!eq)
				continue;
			renamed = true;
			*eq = '\0';
			if (!host_kernel_node_name(rdev, kname, sizeof(kname)))
				snprintf(kname, sizeof(kname), "%s%u",
					 k == COL_RENDER ? "renderD" : "card", minor(rdev));
			fprintf(f, "%s=%s: the node named %s here is device %s, the host's %s; "
				"vadiscover goes by the device number, never by the name\n", col[k],
				eq + 1, col[k], eq + 1, kname);
		}
	}
	if (vad_function_count(ctx))
		fprintf(f, "no DRM node: a VF of a PF above that has no node in /dev/dri (never "
			"probed, never picked), and why\n");
}

void out_libva_line(FILE *f, const struct vad_context *ctx)
{
	const char *path = vad_get_libva_path(ctx), *err = vad_get_libva_error(ctx);
	int v = vad_get_libva_version(ctx);

	if (path && v >= 0)
		fprintf(f, "libva: %s (%d.%d)\n", path, v / 100, v % 100);
	else if (path)
		fprintf(f, "libva: %s (version unknown)\n", path);
	else if (err)
		fprintf(f, "libva: none: %s\n", err);
}

/* ---------------------------------------------------------------------------------- */
/* JSON */

static void json_id(struct jw *w, const char *key, int id, int digits)
{
	char buf[16];

	if (id < 0) {
		jw_null(w, key);
		return;
	}
	snprintf(buf, sizeof(buf), "0x%0*x", digits, (unsigned int)id);
	jw_string(w, key, buf);
}

static void json_rdev(struct jw *w, const char *key, dev_t rdev)
{
	char buf[32];

	if (!rdev) {
		jw_null(w, key);
		return;
	}
	snprintf(buf, sizeof(buf), "%u:%u", major(rdev), minor(rdev));
	jw_string(w, key, buf);
}

static void json_int_or_null(struct jw *w, const char *key, int v)
{
	if (v < 0)
		jw_null(w, key);
	else
		jw_int(w, key, v);
}

static void json_codecs(struct jw *w, const char *key, unsigned int mask, bool known)
{
	if (!known) {
		jw_null(w, key);
		return;
	}
	jw_array_begin(w, key);
	for (unsigned int i = 0; i < VAD_CODEC_COUNT; i++) {
		const char *name = vad_codec_name(1u << i);

		if ((mask & (1u << i)) && name)
			jw_string(w, NULL, name);
	}
	jw_array_end(w);
}

void out_device_json(struct jw *w, const struct vad_device *dev, const struct guests *guests)
{
	enum vad_sriov_role role = vad_device_get_sriov_role(dev);
	enum vad_verdict verdict = vad_device_get_verdict(dev);
	dev_t render = vad_device_get_render_rdev(dev);
	int access = vad_device_get_access(dev);
	int boot_vga = vad_device_get_boot_vga(dev);
	bool probed = vad_device_is_probed(dev);
	int status = probed ? vad_device_get_va_status(dev) : -EAGAIN;
	int version = probed ? vad_device_get_va_version(dev) : -EAGAIN;

	jw_object_begin(w, NULL);
	jw_string(w, "node", vad_device_get_node(dev));
	jw_string(w, "render_node", vad_device_get_render_node(dev));
	jw_string(w, "card_node", vad_device_get_card_node(dev));
	json_rdev(w, "rdev", render ? render : vad_device_get_card_rdev(dev));
	json_rdev(w, "render_rdev", render);
	json_rdev(w, "card_rdev", vad_device_get_card_rdev(dev));
	jw_string(w, "sysfs_path", vad_device_get_sysfs_path(dev));
	jw_string(w, "bus", vad_bus_name(vad_device_get_bus(dev)));
	jw_string(w, "pci_slot", vad_device_get_pci_slot(dev));
	json_id(w, "vendor_id", vad_device_get_vendor_id(dev), 4);
	json_id(w, "device_id", vad_device_get_device_id(dev), 4);
	json_id(w, "subsystem_vendor_id", vad_device_get_subsystem_vendor_id(dev), 4);
	json_id(w, "subsystem_device_id", vad_device_get_subsystem_device_id(dev), 4);
	json_id(w, "revision", vad_device_get_revision(dev), 2);
	jw_string(w, "kernel_driver", vad_device_get_kernel_driver(dev));
	if (boot_vga < 0)
		jw_null(w, "boot_vga");
	else
		jw_bool(w, "boot_vga", boot_vga != 0);

	jw_object_begin(w, "sriov");
	jw_string(w, "role", vad_sriov_role_name(role));
	json_int_or_null(w, "vf_index", role == VAD_SRIOV_VF ? vad_device_get_vf_index(dev) : -1);
	jw_string(w, "pf_slot", role == VAD_SRIOV_VF ? vad_device_get_pf_slot(dev) : NULL);
	json_int_or_null(w, "numvfs", role == VAD_SRIOV_PF ? vad_device_get_sriov_numvfs(dev) : -1);
	json_int_or_null(w, "totalvfs",
			 role == VAD_SRIOV_PF ? vad_device_get_sriov_totalvfs(dev) : -1);
	jw_object_end(w);

	jw_object_begin(w, "access");
	jw_bool(w, "ok", access == 0);
	jw_string(w, "error", access < 0 ? strerror(-access) : NULL);
	jw_string(w, "errno", access < 0 ? strerrorname_np(-access) : NULL);
	jw_object_end(w);

	jw_object_begin(w, "va");
	jw_bool(w, "probed", probed);
	if (probed)
		jw_bool(w, "capable", status == 0);
	else
		jw_null(w, "capable");
	jw_string(w, "driver", probed ? vad_device_get_va_driver(dev) : NULL);
	jw_string(w, "vendor_string", probed ? vad_device_get_va_vendor(dev) : NULL);
	if (probed && version >= 0) {
		char v[16];

		snprintf(v, sizeof(v), "%d.%d", version / 100, version % 100);
		jw_string(w, "version", v);
	} else {
		jw_null(w, "version");
	}
	json_codecs(w, "decode", vad_device_get_decode(dev), probed);
	json_codecs(w, "encode", vad_device_get_encode(dev), probed);
	if (probed)
		jw_bool(w, "vpp", vad_device_get_vpp(dev));
	else
		jw_null(w, "vpp");
	if (probed && status < 0) {
		const char *err = vad_device_get_va_error(dev);

		jw_string(w, "error", err ? err : strerror(-status));
	} else {
		jw_null(w, "error");
	}
	if (probed)
		jw_bool(w, "cached", vad_device_is_cached(dev));
	else
		jw_null(w, "cached");
	jw_object_end(w);

	jw_string(w, "verdict", verdict == VAD_VERDICT_NONE ? NULL : vad_verdict_name(verdict));
	jw_string(w, "reason", vad_device_get_reason(dev));
	guests_json(guests, w, "guests", render, vad_device_get_card_rdev(dev),
		    vad_device_get_pci_slot(dev));
	jw_object_end(w);
}

static void out_function_json(struct jw *w, const struct vad_function *fn,
			      const struct guests *guests)
{
	jw_object_begin(w, NULL);
	jw_string(w, "pci_slot", vad_function_get_pci_slot(fn));
	jw_string(w, "sysfs_path", vad_function_get_sysfs_path(fn));
	json_id(w, "vendor_id", vad_function_get_vendor_id(fn), 4);
	json_id(w, "device_id", vad_function_get_device_id(fn), 4);
	jw_string(w, "kernel_driver", vad_function_get_kernel_driver(fn));
	jw_string(w, "pf_slot", vad_function_get_pf_slot(fn));
	jw_int(w, "vf_index", vad_function_get_vf_index(fn));
	jw_string(w, "host_nodes", vad_function_get_host_nodes(fn));
	jw_string(w, "reason", vad_function_get_reason(fn));
	guests_json(guests, w, "guests", 0, 0, vad_function_get_pci_slot(fn));
	jw_object_end(w);
}

void out_document_json(FILE *f, const struct vad_context *ctx, const char *command,
		       const char *spec, const char *spec_source,
		       const struct vad_device *selected, const char *error,
		       const struct guests *guests)
{
	struct jw w;
	size_t n = vad_device_count(ctx);

	jw_init(&w, f);
	jw_object_begin(&w, NULL);
	jw_int(&w, "format", VAD_TOOL_JSON_FORMAT);
	jw_string(&w, "command", command);
	jw_string(&w, "spec", spec);
	jw_string(&w, "spec_source", spec_source);
	jw_string(&w, "selected", selected ? vad_device_get_node(selected) : NULL);
	jw_string(&w, "error", error);
	/* The libva loaded for the probes; every key null when none was tried (--no-probe). */
	{
		const char *path = vad_get_libva_path(ctx);
		int v = vad_get_libva_version(ctx);
		char version[16];

		jw_object_begin(&w, "libva");
		jw_string(&w, "path", path);
		if (path && v >= 0) {
			snprintf(version, sizeof(version), "%d.%d", v / 100, v % 100);
			jw_string(&w, "version", version);
		} else {
			jw_null(&w, "version");
		}
		jw_string(&w, "error", vad_get_libva_error(ctx));
		jw_object_end(&w);
	}
	jw_array_begin(&w, "devices");
	for (size_t i = 0; i < n; i++)
		out_device_json(&w, vad_device_get(ctx, i), guests);
	jw_array_end(&w);
	jw_array_begin(&w, "functions_without_nodes");
	for (size_t i = 0; i < vad_function_count(ctx); i++)
		out_function_json(&w, vad_function_get(ctx, i), guests);
	jw_array_end(&w);
	jw_object_end(&w);
	jw_finish(&w);
}
