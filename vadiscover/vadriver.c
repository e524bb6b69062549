/*
 * The VA driver side of a device before any probe: which devices have no video engine at
 * all (never probed), and where libva would look for a device's VA driver file (so that a
 * failed vaInitialize can say "not installed" and name the package).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vadiscover/vad-private.h"

/* Kernel DRM drivers without a video engine: display controllers of servers and VMs,
 * firmware framebuffers, USB display adapters, and the virtual test drivers. The names
 * are those of the sysfs driver link (bochs-drm before Linux 5.x is "bochs-drm", later
 * "bochs"; simpledrm binds as the platform driver "simple-framebuffer"). */
static const char *const display_only[] = {
	"ast", "mgag200", "bochs", "bochs-drm", "cirrus", "cirrus-qemu", "simpledrm",
	"simple-framebuffer", "ofdrm", "udl", "evdi", "gm12u320", "gud", "hyperv_drm",
	"vboxvideo", "vkms", "vgem", NULL,
};

const char *vad__display_only_driver(const struct vad_device *dev)
{
	const char *drv;

	vad__device_driver(dev);
	drv = dev->kernel_driver;

	if (drv) {
		for (const char *const *p = display_only; *p; p++)
			if (strcmp(drv, *p) == 0)
				return drv;
		return NULL;
	}
	/* vgem and vkms register platform devices of their own name and bind no driver. */
	vad__device_facts(dev);
	if (dev->bus == VAD_BUS_PLATFORM && dev->sysfs_path) {
		const char *base = strrchr(dev->sysfs_path, '/');

		base = base ? base + 1 : dev->sysfs_path;
		if (strcmp(base, "vgem") == 0 || strncmp(base, "vkms", 4) == 0)
			return base;
	}
	return NULL;
}

bool vad__va_driver_name_ok(const char *name)
{
	size_t n = strlen(name);

	/* What vaSetDriverName() takes (1..255 bytes), and nothing that leaves libva's
	 * driver directories when it builds NAME_drv_video.so from it. */
	return n > 0 && n < 256 &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == n;
}

/* libva 2.17's choice (va_drm_utils.c: the table, else the DRM driver name itself, so
 * xe -> xe_drv_video.so before libva 2.21); for i915 it tries i965 when iHD fails. */
const char *vad_va_driver_for_kernel_driver(const char *kernel_driver)
{
	static const struct {
		const char *kernel;
		const char *va;
	} map[] = {
		{ "i915", "iHD" }, { "amdgpu", "radeonsi" }, { "radeon", "r600" },
		{ "nouveau", "nouveau" }, { "nvidia-drm", "nvidia" }, { "nvidia", "nvidia" },
		{ "pvrsrvkm", "pvr" },
	};

	if (!kernel_driver)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(kernel_driver, map[i].kernel) == 0)
			return map[i].va;
	return kernel_driver;
}

const char *vad_va_driver_package(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "iHD") == 0)
		return "intel-media-va-driver-non-free (non-free) or intel-media-va-driver";
	if (strcmp(name, "i965") == 0)
		return "i965-va-driver";
	if (strcmp(name, "radeonsi") == 0 || strcmp(name, "r600") == 0 ||
	    strcmp(name, "nouveau") == 0 || strcmp(name, "virtio_gpu") == 0)
		return "mesa-va-drivers";
	if (strcmp(name, "nvidia") == 0)
		return "nvidia-vaapi-driver";
	return NULL;
}

/* libva's search path, malloc'ed: LIBVA_DRIVERS_PATH, else the "dri" directory beside the
 * loaded libva (libva 2.17 has no API for its compiled-in VA_DRIVERS_PATH; Debian's and
 * jellyfin-ffmpeg's builds put it there). */
static int driver_dirs(struct vad_context *ctx, char **out)
{
	const char *env = secure_getenv("LIBVA_DRIVERS_PATH");
	const char *lib;
	const char *slash;

	*out = NULL;
	if (env && *env) {
		*out = strdup(env);
		return *out ? 0 : -ENOMEM;
	}
	int r = vad_libva_load(ctx);
	if (r < 0)
		return r;
	lib = vad_get_libva_path(ctx);
	if (!lib || !(slash = strrchr(lib, '/')))
		return -ELIBACC;
	*out = vad__strdupf("%.*s/dri", (int)(slash - lib), lib);
	return *out ? 0 : -ENOMEM;
}

/* 0 and the found file in *@found, or -ENOENT; -ENOMEM. */
static int find_in(const char *dirs, const char *name, char **found)
{
	char *copy = strdup(dirs), *save = NULL;

	*found = NULL;
	if (!copy)
		return -ENOMEM;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *path = vad__strdupf("%s/%s_drv_video.so", d, name);

		if (!path) {
			free(copy);
			return -ENOMEM;
		}
		if (access(path, F_OK) == 0) {
			*found = path;
			free(copy);
			return 0;
		}
		free(path);
	}
	free(copy);
	return -ENOENT;
}

static const char *driver_name(const struct vad_device *dev, const char *driver)
{
	vad__device_facts(dev);
	if (driver)
		return driver;
	if (vad_device_get_required_va_driver(dev))
		return vad_device_get_required_va_driver(dev);
	if (secure_getenv("LIBVA_DRIVER_NAME") && *secure_getenv("LIBVA_DRIVER_NAME"))
		return secure_getenv("LIBVA_DRIVER_NAME");
	return vad_va_driver_for_kernel_driver(dev->kernel_driver);
}

int vad_device_find_va_driver_file(struct vad_context *ctx, const struct vad_device *dev,
				   const char *driver, char *buf, size_t len)
{
	const char *name;
	char *dirs = NULL, *found = NULL;
	int r;

	if (!ctx || !dev || !buf || !len || (driver && !vad__va_driver_name_ok(driver)))
		return -EINVAL;
	buf[0] = '\0';
	name = driver_name(dev, driver);
	if (!name)
		return -ENODATA;
	r = driver_dirs(ctx, &dirs);
	if (r < 0)
		return r;
	r = find_in(dirs, name, &found);
	if (r == 0 || r == -ENOENT) {
		const char *s = r == 0 ? found : dirs;

		if (strlen(s) >= len)
			r = -ERANGE;
		else
			memcpy(buf, s, strlen(s) + 1);
	}
	free(found);
	free(dirs);
	return r;
}

int vad__va_driver_missing(struct vad_context *ctx, const struct vad_device *dev,
			   const char *forced, const char *tried, char **reason)
{
	vad__device_facts(dev);
	const char *name = forced ? forced : tried ? tried : driver_name(dev, NULL);
	const char *pkg, *hint = "";
	char *dirs = NULL, *found = NULL;
	bool i915 = !forced && dev->kernel_driver && strcmp(dev->kernel_driver, "i915") == 0 &&
		    name && (strcmp(name, "iHD") == 0 || strcmp(name, "i965") == 0);
	int r;

	*reason = NULL;
	if (!name)
		return 0;
	r = driver_dirs(ctx, &dirs);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	/* i915 left to libva: iHD, then i965; only both missing is "not installed". */
	if (i915)
		name = "iHD";
	r = find_in(dirs, name, &found);
	if (r == -ENOENT && i915)
		r = find_in(dirs, "i965", &found);
	free(found);
	if (r == -ENOENT) {
		pkg = vad_va_driver_package(name);
		if (strcmp(name, "xe") == 0)
			hint = ": libva before 2.21 has no VA driver for the xe kernel driver; force "
			       "iHD (driver=iHD, or LIBVA_DRIVER_NAME=iHD)";
		*reason = vad__strdupf("VA driver %s_drv_video.so is not installed (looked in %s)%s%s%s",
				       name, dirs, pkg ? ": install " : "", pkg ? pkg : "", hint);
		r = *reason ? 0 : -ENOMEM;
	} else {
		r = r == -ENOMEM ? r : 0;
	}
	free(dirs);
	return r;
}
