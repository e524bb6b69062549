/*
 * The wrapper's resolver on top of libvadiscover (see resolve.h).
 *
 * check(node, filters):  vad_select() with VADISCOVER_SELECT (without its index=), node=NODE
 *                        and the filters: the node must exist, open, initialise VA (with
 *                        driver= if given) and match them all, so VADISCOVER_SELECT also
 *                        filters a node the command line gives. Only that node is
 *                        scanned (vad_scan_node()) until a select needs them all.
 * select(filters):       vad_select() with VADISCOVER_SELECT plus the filters (the
 *                        filters win over the same keys in VADISCOVER_SELECT: ffmpeg will
 *                        open the device with them).
 * Both answer the VA driver the device needs named (vad_device_get_required_va_driver():
 * iHD on xe, where libva before 2.21 finds no driver by itself).
 *
 * SPDX-License-Identifier: MIT
 */
#include "fftools-wrapper/resolve.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vadiscover/vadiscover.h"

struct vfw_vad {
	char *select;		/* VADISCOVER_SELECT */
	char *ffmpeg;		/* the real ffmpeg, whose libva probes use (NULL: the system's) */
	int libva_rc;		/* use_ffmpeg_libva() */
	struct vad_context *ctx;	/* created and scanned on the first question */
	int scan_rc;
	char *scanned_node;	/* the one node scanned (vad_scan_node()), or NULL: all */
	bool helper_set;	/* vad_set_probe_helper_beside_program() was called */
	char *why;		/* the last answer's text */
	char *node;
};

int vfw_vad_new(struct vfw_vad **out, const char *select, const char *ffmpeg, char *err,
		size_t errlen)
{
	struct vad_spec *spec = NULL;
	int rc = vad_spec_new(&spec, select, err, errlen);

	if (rc < 0)
		return rc;
	vad_spec_free(spec);

	struct vfw_vad *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->select = strdup(select ? select : "");
	v->ffmpeg = ffmpeg ? strdup(ffmpeg) : NULL;
	if (!v->select || (ffmpeg && !v->ffmpeg)) {
		free(v->select);
		free(v->ffmpeg);
		free(v);
		return -ENOMEM;
	}
	*out = v;
	return 0;
}

void vfw_vad_free(struct vfw_vad *v)
{
	if (!v)
		return;
	vad_unref(v->ctx);
	free(v->scanned_node);
	free(v->select);
	free(v->ffmpeg);
	free(v->why);
	free(v->node);
	free(v);
}

__attribute__((format(printf, 2, 3)))
static const char *set_why(struct vfw_vad *v, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(v->why);
	v->why = s;
	return s ? s : "out of memory";
}

/*
 * Probes use the libva the real ffmpeg will load (its run path may hold its own). A file
 * that is no ELF program (a script in front of ffmpeg) leaves the system's libva. It is
 * loaded by the first probe that needs it: answers from the probe cache need none.
 */
static int use_ffmpeg_libva(struct vfw_vad *v)
{
	int rc = v->ffmpeg ? vad_set_libva_program(v->ctx, v->ffmpeg) : 0;
	return rc == -ENOMEM ? rc : 0;
}

/* When libva could not be loaded for a probe, that is why nothing was found. */
static void why_libva(struct vfw_vad *v, const char **why)
{
	const char *e = vad_get_libva_error(v->ctx);

	if (e)
		*why = set_why(v, "cannot load libva: %s", e);
}

/*
 * The context, scanned: @node alone when given (a check), else every node; a context that
 * holds another node alone is scanned again (a node judged before is then answered by the
 * probe cache).
 */
static int ensure_scanned(struct vfw_vad *v, const char *node, const char **why)
{
	if (!v->ctx) {
		int rc = vad_new(&v->ctx);
		if (rc < 0) {
			*why = set_why(v, "cannot create a libvadiscover context: %s", strerror(-rc));
			return rc;
		}
		/* Probes run in the helper program, always (a crashing or hanging VA driver
		 * must not take this process with it). */
		vad_set_probe_mode(v->ctx, VAD_PROBE_ISOLATED | VAD_PROBE_CACHE);
	} else if (!v->scanned_node || (node && !strcmp(node, v->scanned_node))) {
		goto scanned;
	}
	free(v->scanned_node);
	v->scanned_node = NULL;
	if (node) {
		v->scanned_node = strdup(node);
		if (!v->scanned_node) {
			*why = "out of memory";
			return -ENOMEM;
		}
		v->scan_rc = vad_scan_node(v->ctx, node);
		if (v->scan_rc < 0 && v->scan_rc != -ENOMEM)
			v->scan_rc = 0;	/* not a usable node: the check says why */
	} else {
		v->scan_rc = vad_scan(v->ctx);
	}
	/* After the scan, which resets it; without a device nothing is probed. The helper:
	 * the one beside this executable when there is one (a portable folder), else the
	 * installed one. */
	v->libva_rc = v->scan_rc > 0 ? use_ffmpeg_libva(v) : 0;
	if (v->scan_rc > 0 && !v->helper_set) {
		vad_set_probe_helper_beside_program(v->ctx);
		v->helper_set = true;
	}
scanned:
	if (v->libva_rc < 0) {
		*why = set_why(v, "%s", strerror(-v->libva_rc));
		return v->libva_rc;
	}
	if (v->scan_rc < 0) {
		*why = set_why(v, "cannot enumerate /dev/dri: %s", strerror(-v->scan_rc));
		return v->scan_rc;
	}
	return 0;
}

static int apply_filters(struct vfw_vad *v, struct vad_spec *spec, const struct vfw_filters *f,
			 const char **why)
{
	const struct {
		const char *key, *option, *value;
	} keys[] = {
		{ "vendor", "vendor_id", f->vendor },
		{ "kernel_driver", "kernel_driver", f->kernel_driver },
		{ "driver", "driver", f->driver },
	};
	char err[256] = "";

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!keys[i].value)
			continue;
		int rc = vad_spec_set(spec, keys[i].key, keys[i].value, err, sizeof(err));
		if (rc < 0) {
			*why = set_why(v, "%s=%s: %s", keys[i].option, keys[i].value,
				       err[0] ? err : strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* Whether the command line's own filters (vendor_id=, kernel_driver=) ruled @dev out,
 * rather than VADISCOVER_SELECT. */
static bool facts_filtered_by(const struct vfw_filters *f, const struct vad_device *dev)
{
	const char *key = vad_device_get_filter_key(dev);

	return key && ((f->vendor && strcmp(key, "vendor") == 0) ||
		       (f->kernel_driver && strcmp(key, "kernel_driver") == 0));
}

static const char *node_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path ? path : "?";
}

/* "renderD128: reason; renderD129: reason" for every device vad_select() judged. */
static const char *reasons(struct vfw_vad *v, const char *lead)
{
	size_t n = vad_device_count(v->ctx);
	char *s = strdup(lead);
	bool first = true;

	for (size_t i = 0; s && i < n; i++) {
		const struct vad_device *d = vad_device_get(v->ctx, i);
		const char *r = vad_device_get_reason(d);
		char *t = NULL;
		if (vad_device_get_verdict(d) == VAD_VERDICT_NONE || !r)
			continue;
		if (asprintf(&t, "%s%s%s: %s", s, first ? "" : "; ",
			     node_name(vad_device_get_node(d)), r) < 0)
			t = NULL;
		first = false;
		free(s);
		s = t;
	}
	free(v->why);
	v->why = s;
	return s ? s : "out of memory";
}

/* VADISCOVER_SELECT as a filter of one given node: without index=, which counts matches
 * among all devices. */
static int select_as_filter(struct vfw_vad *v, struct vad_spec **out, const char **why)
{
	char err[256] = "";
	int rc = vad_spec_new(out, v->select, err, sizeof(err));

	if (rc == 0)
		rc = vad_spec_unset(*out, "index", err, sizeof(err));
	if (rc < 0) {
		vad_spec_free(*out);
		*out = NULL;
		*why = set_why(v, "VADISCOVER_SELECT: %s", err[0] ? err : strerror(-rc));
	}
	return rc;
}

static int vad_check(void *data, const char *node, const struct vfw_filters *f,
		     const char **va_driver, const char **why)
{
	struct vfw_vad *v = data;
	struct vad_spec *spec = NULL;
	struct vad_device *dev = NULL;
	struct stat st;
	char err[256] = "";
	int rc;

	*va_driver = NULL;
	if (stat(node, &st) < 0) {
		*why = set_why(v, "%s", strerror(errno));
		return -errno;
	}
	rc = ensure_scanned(v, node, why);
	if (rc < 0)
		return rc;
	rc = select_as_filter(v, &spec, why);
	if (rc < 0)
		return rc;
	rc = vad_spec_set(spec, "node", node, err, sizeof(err));
	if (rc < 0) {
		*why = set_why(v, "%s", err[0] ? err : strerror(-rc));
		goto out;
	}
	rc = apply_filters(v, spec, f, why);
	if (rc < 0)
		goto out;
	rc = vad_select(v->ctx, spec, 0, &dev);
	if (rc == 0 && dev) {
		*va_driver = vad_device_get_required_va_driver(dev);
		goto out;
	}
	if (rc == 0)
		rc = -ENODEV;
	*why = set_why(v, "not a DRM device node");
	if (vad_device_find(v->ctx, node, &dev) == 0 && vad_device_get_reason(dev)) {
		const char *r = vad_device_get_reason(dev);

		/* Ruled out by VADISCOVER_SELECT rather than by the command line's own
		 * filters: say so (the wrapper then replaces the node, and says why at
		 * -v verbose). */
		if (v->select[0] && vad_device_get_verdict(dev) == VAD_VERDICT_FILTERED &&
		    !facts_filtered_by(f, dev))
			*why = set_why(v, "does not match VADISCOVER_SELECT '%s': %s", v->select,
				       r);
		else
			*why = set_why(v, "%s", r);
	}
	why_libva(v, why);
out:
	vad_spec_free(spec);
	return rc;
}

static int vad_pick(void *data, const struct vfw_filters *f, const char **node,
		    const char **va_driver, const char **why)
{
	struct vfw_vad *v = data;
	struct vad_spec *spec = NULL;
	struct vad_device *dev = NULL;
	char err[256] = "";
	int rc;

	*node = NULL;
	*va_driver = NULL;
	rc = ensure_scanned(v, NULL, why);
	if (rc < 0)
		return rc;
	rc = vad_spec_new(&spec, v->select, err, sizeof(err));
	if (rc < 0) {
		*why = set_why(v, "VADISCOVER_SELECT: %s", err[0] ? err : strerror(-rc));
		return rc;
	}
	rc = apply_filters(v, spec, f, why);
	if (rc < 0)
		goto out;
	rc = vad_select(v->ctx, spec, 0, &dev);
	if (rc == 0 && dev && vad_device_get_node(dev)) {
		free(v->node);
		v->node = strdup(vad_device_get_node(dev));
		if (!v->node) {
			rc = -ENOMEM;
			*why = "out of memory";
		}
		*node = v->node;
		*va_driver = vad_device_get_required_va_driver(dev);
		goto out;
	}
	const char *text = vad_spec_to_string(spec);
	if (rc == -ENOENT) {
		*why = set_why(v, "no DRM device in /dev/dri");
	} else {
		char *lead = NULL;
		if (asprintf(&lead, "no device matches '%s': ", text ? text : "") < 0) {
			rc = -ENOMEM;
			*why = "out of memory";
			goto out;
		}
		*why = reasons(v, lead);
		free(lead);
	}
	if (rc == 0)
		rc = -ENODEV;
	why_libva(v, why);
out:
	vad_spec_free(spec);
	return rc;
}

/* By device number, as libvadiscover matches node=: any name of a node is that node. */
static bool vad_same(void *data, const char *a, const char *b)
{
	struct stat sa, sb;

	(void)data;
	if (!strcmp(a, b))
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISCHR(sa.st_mode) &&
	       S_ISCHR(sb.st_mode) && sa.st_rdev == sb.st_rdev;
}

void vfw_vad_resolver(struct vfw_vad *v, struct vfw_resolver *r)
{
	r->check = vad_check;
	r->select = vad_pick;
	r->data = v;
	r->same = vad_same;
}
