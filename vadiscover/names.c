/*
 * The names of the library's enums: one table per enum, for the public *_name()
 * functions, the spec parser, the scan (bus names as sysfs gives them) and the messages
 * that list the known names.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "vadiscover/vad-private.h"

struct vad_name {
	int value;
	const char *name;
};

static const struct vad_name codec_names[] = {
	{ VAD_CODEC_MPEG2, "mpeg2" },
	{ VAD_CODEC_H264, "h264" },
	{ VAD_CODEC_HEVC, "hevc" },
	{ VAD_CODEC_HEVC10, "hevc10" },
	{ VAD_CODEC_VP8, "vp8" },
	{ VAD_CODEC_VP9, "vp9" },
	{ VAD_CODEC_VP9_10, "vp9_10" },
	{ VAD_CODEC_AV1, "av1" },
	{ VAD_CODEC_AV1_10, "av1_10" },
	{ VAD_CODEC_JPEG, "jpeg" },
	{ VAD_CODEC_VC1, "vc1" },
};
_Static_assert(sizeof(codec_names) / sizeof(codec_names[0]) == VAD_CODEC_COUNT,
	       "one name per codec");

/* The first entry is the value without a name of its own (its name is the fallback). */
static const struct vad_name bus_names[] = {
	{ VAD_BUS_UNKNOWN, "unknown" },
	{ VAD_BUS_PCI, "pci" },
	{ VAD_BUS_PLATFORM, "platform" },
	{ VAD_BUS_USB, "usb" },
	{ VAD_BUS_VIRTIO, "virtio" },
};

/* In the order of the spec's "known:" list (pf vf none). */
static const struct vad_name role_names[] = {
	{ VAD_SRIOV_PF, "pf" },
	{ VAD_SRIOV_VF, "vf" },
	{ VAD_SRIOV_NONE, "none" },
};

static const struct vad_name verdict_names[] = {
	{ VAD_VERDICT_NONE, "none" },
	{ VAD_VERDICT_SELECTED, "selected" },
	{ VAD_VERDICT_MATCH, "match" },
	{ VAD_VERDICT_FILTERED, "filtered" },
	{ VAD_VERDICT_NO_ACCESS, "no-access" },
	{ VAD_VERDICT_NO_VA, "no-va" },
	{ VAD_VERDICT_SKIPPED, "skipped" },
};

#define VAD_NAMES(table) (table), sizeof(table) / sizeof((table)[0])

static const char *name_of(const struct vad_name *table, size_t n, int value,
			   const char *fallback)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].value == value)
			return table[i].name;
	return fallback;
}

static int value_of(const struct vad_name *table, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return table[i].value;
	return -1;
}

const char *vad_codec_name(unsigned int codec)
{
	return name_of(VAD_NAMES(codec_names), (int)codec, NULL);
}

unsigned int vad_codec_from_name(const char *name)
{
	int v = value_of(VAD_NAMES(codec_names), name);

	return v < 0 ? 0 : (unsigned int)v;
}

const char *vad_bus_name(enum vad_bus bus)
{
	return name_of(VAD_NAMES(bus_names), bus, "unknown");
}

enum vad_bus vad__bus_from_name(const char *name)
{
	int v = value_of(VAD_NAMES(bus_names), name);

	return v < 0 ? VAD_BUS_UNKNOWN : (enum vad_bus)v;
}

const char *vad_sriov_role_name(enum vad_sriov_role role)
{
	return name_of(VAD_NAMES(role_names), role, "none");
}

int vad__sriov_role_from_name(const char *name)
{
	return value_of(VAD_NAMES(role_names), name);
}

const char *vad_verdict_name(enum vad_verdict verdict)
{
	return name_of(VAD_NAMES(verdict_names), verdict, "none");
}

/* The names of @table joined by spaces, in @buf. */
static const char *join_names(const struct vad_name *table, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "",
					 table[i].name);
	return buf;
}

const char *vad__known_codecs(char *buf, size_t len)
{
	return join_names(VAD_NAMES(codec_names), buf, len);
}

const char *vad__known_roles(char *buf, size_t len)
{
	return join_names(VAD_NAMES(role_names), buf, len);
}
