/*
 * The context: reference counting, the log function.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "vadiscover/vad-private.h"

int vad_new(struct vad_context **out)
{
	struct vad_context *ctx;

	if (!out)
		return -EINVAL;
	*out = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->log_priority = VAD_LOG_ERROR;
	ctx->probe_mode = VAD_PROBE_DEFAULT;
	ctx->cache_dirfd = -1;
	*out = ctx;
	return 0;
}

struct vad_context *vad_ref(struct vad_context *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

struct vad_context *vad_unref(struct vad_context *ctx)
{
	if (!ctx)
		return NULL;
	if (--ctx->refcount > 0)
		return NULL;
	vad__libva_free(ctx);
	vad__cache_free(ctx);
	vad__devices_free(ctx);
	free(ctx->probe_helper);
	free(ctx);
	return NULL;
}

void vad_set_log_fn(struct vad_context *ctx, vad_log_fn fn, enum vad_log_priority max_priority,
		    void *userdata)
{
	if (!ctx)
		return;
	ctx->log_fn = fn;
	ctx->log_priority = max_priority;
	ctx->log_userdata = userdata;
}

void vad__logv(struct vad_context *ctx, enum vad_log_priority priority, const char *format,
	       va_list args)
{
	if (!ctx || !ctx->log_fn || priority > ctx->log_priority)
		return;
	ctx->log_fn(ctx, priority, ctx->log_userdata, format, args);
}

void vad__log(struct vad_context *ctx, enum vad_log_priority priority, const char *format, ...)
{
	va_list args;

	if (!ctx || !ctx->log_fn || priority > ctx->log_priority)
		return;
	va_start(args, format);
	vad__logv(ctx, priority, format, args);
	va_end(args);
}

const char *vad_version(void)
{
	return VAD_VERSION;
}
