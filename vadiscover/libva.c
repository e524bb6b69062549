/*
 * libva at run time: which libva.so.2 to load, loading it, and its entry points.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vadiscover/vad-private.h"

/* Placeholder implementations: the loader replaces them. */
int vad_set_libva_dir(struct vad_context *ctx, const char *dir)
{
	if (!ctx || (dir && dir[0] != '/'))
		return -EINVAL;
	return 0;
}

int vad_libva_load(struct vad_context *ctx)
{
	return ctx ? 0 : -EINVAL;
}

const char *vad_get_libva_path(const struct vad_context *ctx)
{
	(void)ctx;
	return NULL;
}

int vad_get_libva_version(const struct vad_context *ctx)
{
	(void)ctx;
	return -ENOENT;
}

const char *vad_get_libva_error(const struct vad_context *ctx)
{
	(void)ctx;
	return NULL;
}

const char *vad_device_get_required_va_driver(const struct vad_device *dev)
{
	if (dev->kernel_driver && strcmp(dev->kernel_driver, "xe") == 0 &&
	    !secure_getenv("LIBVA_DRIVER_NAME") && !secure_getenv("LIBVA_DRIVER_NAME_JELLYFIN"))
		return "iHD";
	return NULL;
}
