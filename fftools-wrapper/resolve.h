/*
 * The wrapper's resolver (see rewrite.h) on top of libvadiscover: one context, created and
 * scanned on the first question, so a command line without a device argument costs
 * nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef VFW_RESOLVE_H
#define VFW_RESOLVE_H

#include <stddef.h>

#include "fftools-wrapper/rewrite.h"

struct vfw_vad;

/*
 * vfw_vad_new - @select is VADISCOVER_SELECT (NULL or "": the empty spec); it is parsed
 * here, so an invalid one is reported before anything else happens. @ffmpeg is the real
 * ffmpeg (NULL: none known): devices are probed with the libva it would load
 * (vad_set_libva_program(), when the first question comes); when libva cannot be loaded,
 * every question fails with the reason.
 * Returns 0, -EINVAL (message in @err) or -ENOMEM.
 */
int vfw_vad_new(struct vfw_vad **out, const char *select, const char *ffmpeg, char *err,
		size_t errlen);

/* Frees everything, libvadiscover's context included (it closes every fd it opened). */
void vfw_vad_free(struct vfw_vad *v);

/* Fills @r with functions asking @v. */
void vfw_vad_resolver(struct vfw_vad *v, struct vfw_resolver *r);

#endif
