/* How the vadiscover tool shows devices: one human line per device, or a JSON object.
 * The JSON contract is documented in vadiscover.1 and JSON.md; keep them in step. */
#ifndef VAD_TOOL_OUTPUT_H
#define VAD_TOOL_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "vadiscover/tool/guests.h"
#include "vadiscover/tool/json.h"
#include "vadiscover/vadiscover.h"

/* Version of the JSON document layout ("format" key); bumped only for incompatible
 * changes, which the contract forbids, so in practice it stays 1. */
#define VAD_TOOL_JSON_FORMAT 1

/* Column widths of the human listing, measured over every device and every function
 * without nodes so columns line up; the guests (Proxmox) fill a column of their own. */
#define OUT_NCOLS 7
struct out_columns {
	int width[OUT_NCOLS];
	const struct guests *guests;	/* NULL: no guest column */
};

void out_columns_measure(struct out_columns *c, const struct vad_context *ctx,
			 const struct guests *guests);

/* VA summaries already printed, so that identical ones (every VF of one GPU) are
 * printed once and then referred to: "VA: same as renderD129". */
struct out_seen {
	struct {
		char *summary;
		char name[64];
	} e[64];
	size_t n;
};
void out_seen_free(struct out_seen *s);

/* What a device line says about VA-API after the sysfs columns. */
enum out_va {
	OUT_VA_NONE,  /* nothing (list --no-probe) */
	OUT_VA_SHORT, /* "VA: iHD 1.17" or "VA: none (vaInitialize failed)" (list) */
	OUT_VA_FULL,  /* out_va_summary(): vendor string and codecs, or the reason (-v) */
};

/* One line (newline included): render card slot ids driver sr-iov [VA summary]. With
 * OUT_VA_FULL a failed probe or open is shown only with @va_failures (explain gives it
 * on its own line); OUT_VA_SHORT always shows it. */
void out_device_line(FILE *f, const struct vad_device *dev, const struct out_columns *c,
		     enum out_va va, bool va_failures, struct out_seen *seen);

/* One line for a PCI function without DRM nodes, in the same columns:
 * "-  -  0000:00:02.3  8086:4692  vfio-pci  VF 3 of 0000:00:02.0  no DRM node: why". */
void out_function_line(FILE *f, const struct vad_function *fn, const struct out_columns *c);

/* list -v: what the SR-IOV column and a "renderD128=226:132" node name mean, for those
 * that occur in the listing. */
void out_legend(FILE *f, const struct vad_context *ctx);

/* The short VA summary alone: "VA: <driver> <major>.<minor>" for a capable device,
 * "VA: none (<cause in a few words>)" otherwise; empty if never probed nor judged. */
void out_va_short(char *buf, size_t len, const struct vad_device *dev);

/* The VA summary alone, e.g. "VA: Intel iHD driver ... (h264 hevc / enc h264)", written
 * to @buf; empty when the device was neither probed nor given a verdict. */
void out_va_summary(char *buf, size_t len, const struct vad_device *dev);

/* A short name for messages: the node's basename ("renderD129"), or "?". */
const char *out_device_name(const struct vad_device *dev);

/* "libva: PATH (2.17)" (newline included) for the libva @ctx loaded, "libva: PATH
 * (version unknown)" when its file name does not say, "libva: none: WHY" when the load
 * failed; nothing when no load was tried. */
void out_libva_line(FILE *f, const struct vad_context *ctx);

/* The device object of the JSON contract. */
void out_device_json(struct jw *w, const struct vad_device *dev, const struct guests *guests);

/* The whole JSON document: {"format", "command", "spec", "spec_source", "selected",
 * "error", "libva": {"path", "version", "error"}, "devices": [...]}. @spec is NULL for list; @error NULL when there is none. */
void out_document_json(FILE *f, const struct vad_context *ctx, const char *command,
		       const char *spec, const char *spec_source,
		       const struct vad_device *selected, const char *error,
		       const struct guests *guests);

#endif
