/*
 * Selection: filter by sysfs facts, then probe lazily in order; a verdict and a reason a
 * user can act on for every device.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vadiscover/vad-private.h"

enum vad_verdict vad_device_get_verdict(const struct vad_device *dev)
{
	return dev->verdict;
}

const char *vad_device_get_reason(const struct vad_device *dev)
{
	return dev->reason;
}

const char *vad_device_get_filter_key(const struct vad_device *dev)
{
	return dev->filter_key;
}

static const char *node_basename(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* The name of group @id (@group true) or user @id into @out (empty when it has none);
 * getgrgid_r or getpwuid_r with a buffer that grows on ERANGE (a 'render' group can list
 * many members). */
static int id_name(bool group, unsigned int id, char *out, size_t len)
{
	for (size_t size = 1024; size <= (1u << 20); size *= 4) {
		char *buf = malloc(size);
		const char *name = NULL;
		int r;

		if (!buf)
			return -ENOMEM;
		if (group) {
			struct group gr, *grp = NULL;

			r = getgrgid_r((gid_t)id, &gr, buf, size, &grp);
			if (r == 0 && grp)
				name = grp->gr_name;
		} else {
			struct passwd pw, *pwp = NULL;

			r = getpwuid_r((uid_t)id, &pw, buf, size, &pwp);
			if (r == 0 && pwp)
				name = pwp->pw_name;
		}
		if (name)
			snprintf(out, len, "%s", name);
		else
			out[0] = '\0';
		free(buf);
		if (r != ERANGE)
			return 0;
	}
	out[0] = '\0';
	return 0;
}

/* The reason for a node this process cannot open. */
static int access_reason(const struct vad_device *dev, int err, char **reason)
{
	const char *node = vad_device_get_node(dev);

	if (err == -EACCES) {
		char group[256], user[256];
		gid_t gid = dev->node_gid;

		if (id_name(true, gid, group, sizeof(group)) < 0 ||
		    id_name(false, geteuid(), user, sizeof(user)) < 0)
			return -ENOMEM;
		if (!user[0])
			snprintf(user, sizeof(user), "<user>");
		if (group[0])
			return vad__set_strf(reason, "permission denied: add this user to group '%s' "
					     "(gid %u): usermod -aG %s %s", group, (unsigned int)gid,
					     group, user);
		return vad__set_strf(reason, "permission denied: add this user to the group with "
				     "gid %u: usermod -aG %u %s", (unsigned int)gid,
				     (unsigned int)gid, user);
	}
	if (err == -EPERM)
		return vad__set_strf(reason, "operation not permitted: %s is denied by a device rule "
				     "(a container's cgroup device list?): allow it, e.g. "
				     "lxc.cgroup2.devices.allow: c %u:%u rwm", node,
				     major(dev->render_node ? dev->render_rdev : dev->card_rdev),
				     minor(dev->render_node ? dev->render_rdev : dev->card_rdev));
	if (err == -ENOENT)
		return vad__set_strf(reason, "node vanished: %s: %s", node, VAD_STRERROR(-err));
	if (err == -ENXIO || err == -ENODEV)
		return vad__set_strf(reason, "cannot open %s: %s (no driver answers for the node)",
				     node, VAD_STRERROR(-err));
	return vad__set_strf(reason, "cannot open %s: %s", node, VAD_STRERROR(-err));
}

static void codec_list(char *buf, size_t len, unsigned int mask)
{
	buf[0] = '\0';
	for (unsigned int i = 0; i < VAD_CODEC_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (buf[0])
			strncat(buf, "+", len - strlen(buf) - 1);
		strncat(buf, vad_codec_name(1u << i), len - strlen(buf) - 1);
	}
}

/* 0: the device matches; 1: not (verdict and reason set); <0: -ENOMEM. */
static int judge_va(struct vad_context *ctx, struct vad_device *dev, const struct vad_spec *spec,
		    bool fresh)
{
	const char *driver = vad_spec_get_driver(spec);
	int r = vad__device_probe(ctx, dev, driver, fresh);

	if (r == -ENOMEM)
		return r;
	if (r < 0 && dev->va.open_failed) {
		dev->verdict = VAD_VERDICT_NO_ACCESS;
		return access_reason(dev, r, &dev->reason) < 0 ? -ENOMEM : 1;
	}
	if (r < 0) {
		dev->verdict = VAD_VERDICT_NO_VA;
		if (dev->va.error)
			return vad__set_strf(&dev->reason, "%s", dev->va.error) < 0 ? -ENOMEM : 1;
		return vad__set_strf(&dev->reason, "VA-API probe failed: %s", VAD_STRERROR(-r)) < 0
			       ? -ENOMEM : 1;
	}
	if (spec) {
		unsigned int missing_dec = spec->decode & ~dev->va.decode;
		unsigned int missing_enc = spec->encode & ~dev->va.encode;
		char list[160];

		if (vad__spec_has(spec, VAD_KEY_DECODE) && missing_dec) {
			codec_list(list, sizeof(list), missing_dec);
			dev->verdict = VAD_VERDICT_NO_VA;
			return vad__set_strf(&dev->reason, "no VA decode for %s", list) < 0 ? -ENOMEM : 1;
		}
		if (vad__spec_has(spec, VAD_KEY_ENCODE) && missing_enc) {
			codec_list(list, sizeof(list), missing_enc);
			dev->verdict = VAD_VERDICT_NO_VA;
			return vad__set_strf(&dev->reason, "no VA encode for %s", list) < 0 ? -ENOMEM : 1;
		}
	}
	return 0;
}

/* Whether the facts leave @dev to its probe (as the loop of select_devices() judges). */
static int is_candidate(struct vad_device *dev, const struct vad_spec *spec,
			const struct stat *node_st, struct vad_device *node_dev, int node_err)
{
	struct vad__spec_facts facts = { dev, node_st, node_dev, node_err };
	const char *key = NULL;
	char *reason = NULL;
	int r = vad__spec_match(spec, &facts, &reason, &key);

	free(reason);
	if (r != 0)
		return r < 0 ? r : 0;
	return !vad__display_only_driver(dev) && dev->access >= 0;
}

/* Every device that is to be probed, probed before the verdicts are given in order: side
 * by side when probes run in the helper (vad__probe_many()). */
static int probe_candidates(struct vad_context *ctx, const struct vad_spec *spec, bool again,
			    const struct stat *node_st, struct vad_device *node_dev, int node_err)
{
	struct vad_device **devs = calloc(ctx->ndevices, sizeof(*devs));
	bool *fresh = calloc(ctx->ndevices, sizeof(*fresh));
	size_t n = 0;
	int r = devs && fresh ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < ctx->ndevices; i++) {
		struct vad_device *dev = ctx->devices[i];

		r = is_candidate(dev, spec, node_st, node_dev, node_err);
		if (r > 0) {
			fresh[n] = again && dev->va.old_hang;
			devs[n++] = dev;
			r = 0;
		}
	}
	if (r == 0)
		r = vad__probe_many(ctx, devs, fresh, n, vad_spec_get_driver(spec));
	free(devs);
	free(fresh);
	return r;
}

/* @again: probe the devices ruled out by a remembered hang again. */
static int select_devices(struct vad_context *ctx, const struct vad_spec *spec,
			  unsigned int flags, bool again, struct vad_device **out)
{
	struct vad_device *chosen = NULL;
	struct stat node_st;
	struct vad_device *node_dev = NULL;	/* the device node= names, if any */
	int node_err = 0;
	unsigned int matches = 0, index = 0;
	int r;

	if (out)
		*out = NULL;
	if (!ctx)
		return -EINVAL;
	if (!ctx->scanned) {
		r = vad_scan(ctx);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ctx->ndevices; i++) {
		struct vad_device *dev = ctx->devices[i];

		dev->verdict = VAD_VERDICT_NONE;
		free(dev->reason);
		dev->reason = NULL;
		dev->filter_key = NULL;
	}
	if (ctx->ndevices == 0) {
		vad__log(ctx, VAD_LOG_INFO, "no DRM devices in /dev/dri");
		return -ENOENT;
	}
	if (vad__spec_has(spec, VAD_KEY_NODE)) {
		if (stat(spec->node, &node_st) < 0)
			node_err = errno;
		else
			vad__device_find(ctx, &node_st, &node_dev);
	}
	if (vad__spec_has(spec, VAD_KEY_INDEX))
		index = spec->index;

	if (flags & VAD_SELECT_ALL) {
		r = probe_candidates(ctx, spec, again, &node_st, node_dev, node_err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ctx->ndevices; i++) {
		struct vad_device *dev = ctx->devices[i];
		const char *node = vad_device_get_node(dev);

		struct vad__spec_facts facts = { dev, &node_st, node_dev, node_err };

		r = vad__spec_match(spec, &facts, &dev->reason, &dev->filter_key);
		if (r < 0)
			return r;
		if (r > 0) {
			dev->verdict = VAD_VERDICT_FILTERED;
			goto next;
		}
		if (chosen && !(flags & VAD_SELECT_ALL)) {
			dev->verdict = VAD_VERDICT_SKIPPED;
			if (vad__set_strf(&dev->reason, "not probed: %s was selected first",
					  node_basename(vad_device_get_node(chosen))) < 0)
				return -ENOMEM;
			goto next;
		}
		if (vad__display_only_driver(dev)) {
			/* No video engine: loading a VA driver there can only fail. */
			dev->verdict = VAD_VERDICT_NO_VA;
			if (vad__set_strf(&dev->reason, "not probed: kernel driver %s has no video "
					  "engine (display only)", vad__display_only_driver(dev)) < 0)
				return -ENOMEM;
			goto next;
		}
		if (dev->access < 0) {
			dev->verdict = VAD_VERDICT_NO_ACCESS;
			if (access_reason(dev, dev->access, &dev->reason) < 0)
				return -ENOMEM;
			goto next;
		}
		r = judge_va(ctx, dev, spec, again && dev->va.old_hang);
		if (r < 0)
			return r;
		if (r > 0)
			goto next;
		if (chosen) {
			dev->verdict = VAD_VERDICT_MATCH;
			if (vad__set_strf(&dev->reason, "matches, but %s was selected first",
					  node_basename(vad_device_get_node(chosen))) < 0)
				return -ENOMEM;
		} else if (matches < index) {
			dev->verdict = VAD_VERDICT_MATCH;
			if (vad__set_strf(&dev->reason, "matches, but index=%u asks for a later one "
					  "(this is match %u)", index, matches) < 0)
				return -ENOMEM;
		} else {
			char *spec_text = vad__spec_format(spec);

			if (!spec_text)
				return -ENOMEM;
			chosen = dev;
			dev->verdict = VAD_VERDICT_SELECTED;
			r = vad__set_strf(&dev->reason, "%s%s%s%s",
					  spec_text[0] ? "matches " : "the first VA-capable device",
					  spec_text, dev->va.driver ? "; VA driver " : "",
					  dev->va.driver ? dev->va.driver : "");
			free(spec_text);
			if (r < 0)
				return -ENOMEM;
		}
		matches++;
next:
		vad__log(ctx, VAD_LOG_INFO, "%s: %s: %s", node, vad_verdict_name(dev->verdict),
			 dev->reason ? dev->reason : "");
	}
	if (!chosen)
		return -ENODEV;
	if (out)
		*out = chosen;
	return 0;
}

int vad_select(struct vad_context *ctx, const struct vad_spec *spec, unsigned int flags,
	       struct vad_device **out)
{
	int r = select_devices(ctx, spec, flags, false, out);

	/* Every candidate ruled out, some by a hang remembered from an earlier run: a
	 * remembered hang saves the deadline when another device can be chosen, never the
	 * answer itself. Ask those devices again. */
	for (size_t i = 0; r == -ENODEV && i < ctx->ndevices; i++) {
		const struct vad_device *dev = ctx->devices[i];

		if (dev->verdict == VAD_VERDICT_NO_VA && dev->va.old_hang) {
			vad__log(ctx, VAD_LOG_INFO, "no device without a remembered hang: probing "
				 "those again");
			return select_devices(ctx, spec, flags, true, out);
		}
	}
	return r;
}
