/*
 * The device and function objects: their life (one list per context, filled by vad_scan()
 * in scan.c) and the getters for their sysfs facts.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "vadiscover/vad-private.h"

struct vad_device *vad__device_alloc(void)
{
	struct vad_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->render_num = -1;
	dev->card_num = -1;
	dev->access = -ENOENT;
	dev->vendor_id = -ENOENT;
	dev->device_id = -ENOENT;
	dev->subsystem_vendor_id = -ENOENT;
	dev->subsystem_device_id = -ENOENT;
	dev->revision = -ENOENT;
	dev->boot_vga = -ENOENT;
	dev->vf_index = -ENOENT;
	dev->sriov_numvfs = -ENOENT;
	dev->sriov_totalvfs = -ENOENT;
	dev->va = VAD__VA_NONE;
	return dev;
}

void vad__device_free(struct vad_device *dev)
{
	if (!dev)
		return;
	free(dev->render_node);
	free(dev->card_node);
	free(dev->sysfs_path);
	free(dev->pci_slot);
	free(dev->kernel_driver);
	free(dev->pf_slot);
	free(dev->probe_request);
	vad__va_clear(&dev->va);
	free(dev->reason);
	free(dev);
}

void vad__function_free(struct vad_function *fn)
{
	if (!fn)
		return;
	free(fn->pci_slot);
	free(fn->sysfs_path);
	free(fn->pf_slot);
	free(fn->kernel_driver);
	free(fn->host_nodes);
	free(fn->reason);
	free(fn);
}

void vad__devices_free(struct vad_context *ctx)
{
	vad__pf_virtfns_free(ctx);
	free(ctx->files_ok.s);
	ctx->files_ok = (struct vad_str){ 0 };
	for (size_t i = 0; i < ctx->nfunctions; i++)
		vad__function_free(ctx->functions[i]);
	free(ctx->functions);
	ctx->functions = NULL;
	ctx->nfunctions = 0;
	ctx->functions_read = false;
	for (size_t i = 0; i < ctx->ndevices; i++)
		vad__device_free(ctx->devices[i]);
	free(ctx->devices);
	ctx->devices = NULL;
	ctx->ndevices = 0;
}

size_t vad_device_count(const struct vad_context *ctx)
{
	return ctx ? ctx->ndevices : 0;
}

struct vad_device *vad_device_get(const struct vad_context *ctx, size_t index)
{
	if (!ctx || index >= ctx->ndevices)
		return NULL;
	return ctx->devices[index];
}

int vad__device_find(const struct vad_context *ctx, const struct stat *st, struct vad_device **out)
{
	*out = NULL;
	if (!S_ISCHR(st->st_mode) || major(st->st_rdev) != VAD_DRM_MAJOR)
		return -ENODEV;
	for (size_t i = 0; i < ctx->ndevices; i++) {
		struct vad_device *dev = ctx->devices[i];

		if ((dev->render_node && dev->render_rdev == st->st_rdev) ||
		    (dev->card_node && dev->card_rdev == st->st_rdev)) {
			*out = dev;
			return 0;
		}
	}
	return -ENXIO;
}

int vad_device_find(const struct vad_context *ctx, const char *path, struct vad_device **out)
{
	struct stat st;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!ctx || !path)
		return -EINVAL;
	if (stat(path, &st) < 0)
		return -errno;
	return vad__device_find(ctx, &st, out);
}

const char *vad_device_get_render_node(const struct vad_device *dev)
{
	return dev->render_node;
}

const char *vad_device_get_card_node(const struct vad_device *dev)
{
	return dev->card_node;
}

const char *vad_device_get_node(const struct vad_device *dev)
{
	return dev->render_node ? dev->render_node : dev->card_node;
}

dev_t vad_device_get_render_rdev(const struct vad_device *dev)
{
	return dev->render_node ? dev->render_rdev : 0;
}

dev_t vad_device_get_card_rdev(const struct vad_device *dev)
{
	return dev->card_node ? dev->card_rdev : 0;
}

const char *vad_device_get_sysfs_path(const struct vad_device *dev)
{
	return dev->sysfs_path;
}

enum vad_bus vad_device_get_bus(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->bus;
}

const char *vad_device_get_pci_slot(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->pci_slot;
}

int vad_device_get_vendor_id(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->vendor_id;
}

int vad_device_get_device_id(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->device_id;
}

int vad_device_get_subsystem_vendor_id(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->subsystem_vendor_id;
}

int vad_device_get_subsystem_device_id(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->subsystem_device_id;
}

int vad_device_get_revision(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->revision;
}

const char *vad_device_get_kernel_driver(const struct vad_device *dev)
{
	vad__device_driver(dev);
	return dev->kernel_driver;
}

int vad_device_get_boot_vga(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->boot_vga;
}

enum vad_sriov_role vad_device_get_sriov_role(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->role;
}

int vad_device_get_vf_index(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->role == VAD_SRIOV_VF ? dev->vf_index : -ENOENT;
}

const char *vad_device_get_pf_slot(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->pf_slot;
}

int vad_device_get_sriov_numvfs(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->role == VAD_SRIOV_PF ? dev->sriov_numvfs : -ENOENT;
}

int vad_device_get_sriov_totalvfs(const struct vad_device *dev)
{
	vad__device_facts(dev);
	return dev->role == VAD_SRIOV_PF ? dev->sriov_totalvfs : -ENOENT;
}

int vad_device_get_access(const struct vad_device *dev)
{
	return dev->access;
}

/* The functions are read on first use: the context is the caller's own, not a constant
 * (one thread at a time uses it, vadiscover.h "Threads"). */
size_t vad_function_count(const struct vad_context *ctx)
{
	if (!ctx)
		return 0;
	vad__functions_read((struct vad_context *)ctx);
	return ctx->nfunctions;
}

const struct vad_function *vad_function_get(const struct vad_context *ctx, size_t index)
{
	if (!ctx)
		return NULL;
	vad__functions_read((struct vad_context *)ctx);
	if (index >= ctx->nfunctions)
		return NULL;
	return ctx->functions[index];
}

const char *vad_function_get_pci_slot(const struct vad_function *fn)
{
	return fn->pci_slot;
}

const char *vad_function_get_sysfs_path(const struct vad_function *fn)
{
	return fn->sysfs_path;
}

const char *vad_function_get_pf_slot(const struct vad_function *fn)
{
	return fn->pf_slot;
}

int vad_function_get_vf_index(const struct vad_function *fn)
{
	return fn->vf_index;
}

int vad_function_get_vendor_id(const struct vad_function *fn)
{
	return fn->vendor_id;
}

int vad_function_get_device_id(const struct vad_function *fn)
{
	return fn->device_id;
}

const char *vad_function_get_kernel_driver(const struct vad_function *fn)
{
	return fn->kernel_driver;
}

const char *vad_function_get_host_nodes(const struct vad_function *fn)
{
	return fn->host_nodes;
}

const char *vad_function_get_reason(const struct vad_function *fn)
{
	return fn->reason;
}
