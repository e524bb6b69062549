/* Human and JSON presentation of devices for the vadiscover tool. */
#include "vadiscover/tool/output.h"

#include <errno.h>
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
	unsigned int n;
	int used = 0;

	if (!name) {
		snprintf(buf, len, "-");
		return;
	}
	size_t pl = strlen(prefix);
	if (strncmp(name, prefix, pl) == 0 && sscanf(name + pl, "%u%n", &n, &used) == 1 &&
	    name[pl + (size_t)used] == '\0' && rdev != 0 && minor(rdev) != n) {
		snprintf(buf, len, "%s=%u:%u", name, major(rdev), minor(rdev));
		return;
	}
	snprintf(buf, len, "%s", name);
}

enum { COL_RENDER, COL_CARD, COL_BUS, COL_IDS, COL_DRIVER, COL_SRIOV };

static void columns_of(char col[6][96], const struct vad_device *dev)
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
}

void out_columns_measure(struct out_columns *c, const struct vad_context *ctx)
{
	size_t n = vad_device_count(ctx);

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		char col[6][96];

		columns_of(col, vad_device_get(ctx, i));
		for (int k = 0; k < 6; k++) {
			int l = (int)strlen(col[k]);

			if (l > c->width[k])
				c->width[k] = l;
		}
	}
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

		if (access < 0)
			snprintf(buf, len, "no access: %s", strerror(-access));
		return;
	}
	int status = vad_device_get_va_status(dev);
	if (status < 0) {
		const char *err = vad_device_get_va_error(dev);

		snprintf(buf, len, "VA: failed: %s", err ? err : strerror(-status));
		return;
	}
	char dec[160], enc[160];
	const char *vendor = vad_device_get_va_vendor(dev);

	codec_list(dec, sizeof(dec), vad_device_get_decode(dev));
	codec_list(enc, sizeof(enc), vad_device_get_encode(dev));
	snprintf(buf, len, "VA: %s (%s / %s%s)", vendor ? vendor : "(no vendor string)",
		 dec[0] ? dec : "no decode", enc[0] ? "enc " : "no encode", enc);
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

		if (access < 0) {
			short_cause(cause, sizeof(cause), access);
			snprintf(buf, len, "VA: none (%s)", cause);
		} else if (vad_device_get_verdict(dev) == VAD_VERDICT_NO_ACCESS) {
			snprintf(buf, len, "VA: none (no access)");
		}
		return;
	}
	int status = vad_device_get_va_status(dev);
	if (status < 0) {
		short_cause(cause, sizeof(cause), status);
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
		     enum out_va va, bool va_failures)
{
	char col[6][96];
	char line[1024] = "";
	size_t off = 0;

	columns_of(col, dev);
	/* Columns empty on every device (no SR-IOV anywhere) take no room at all. */
	for (int k = 0; k < 6; k++) {
		if (!c->width[k])
			continue;
		int w = snprintf(line + off, sizeof(line) - off, "%s%-*s", off ? "  " : "",
				 c->width[k], col[k]);
		if (w < 0 || (size_t)w >= sizeof(line) - off)
			break;
		off += (size_t)w;
	}
	if (va == OUT_VA_SHORT) {
		char summary[128];

		out_va_short(summary, sizeof(summary), dev);
		if (summary[0])
			snprintf(line + off, sizeof(line) - off, "  %s", summary);
	} else if (va == OUT_VA_FULL) {
		char summary[1024];

		out_va_summary(summary, sizeof(summary), dev);
		if (summary[0] && (va_failures || (strncmp(summary, "VA: failed: ", 12) != 0 &&
						   strncmp(summary, "no access: ", 11) != 0)))
			snprintf(line + off, sizeof(line) - off, "  %s", summary);
	}
	/* Trailing blanks help nobody. */
	size_t l = strlen(line);
	while (l && line[l - 1] == ' ')
		line[--l] = '\0';
	fprintf(f, "%s\n", line);
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

void out_device_json(struct jw *w, const struct vad_device *dev)
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
	jw_object_end(w);

	jw_string(w, "verdict", verdict == VAD_VERDICT_NONE ? NULL : vad_verdict_name(verdict));
	jw_string(w, "reason", vad_device_get_reason(dev));
	jw_object_end(w);
}

void out_document_json(FILE *f, const struct vad_context *ctx, const char *command,
		       const char *spec, const char *spec_source,
		       const struct vad_device *selected, const char *error)
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
		out_device_json(&w, vad_device_get(ctx, i));
	jw_array_end(&w);
	jw_object_end(&w);
	jw_finish(&w);
}
