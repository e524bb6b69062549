/* vadiscover doctor, VA-API (va.libva, va.driver, va.init): the libva that is loaded, the
 * VA driver file it looks for, and VA's initialisation on each device, from the probes
 * vad_select() made. */
#include "vadiscover/tool/doctor.h"
#include "vadiscover/tool/output.h"
#include "vadiscover/tool/tool.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static void check_libva(struct doctor *d)
{
	int r = vad_libva_load(d->ctx);
	const char *path = vad_get_libva_path(d->ctx);
	int v = vad_get_libva_version(d->ctx);

	if (r == 0 && path) {
		d->libva_ok = true;
		if (v >= 0)
			doctor_add(d, "va.libva", ST_OK, NULL, NULL, "libva %d.%d: %s", v / 100, v % 100,
			    path);
		else
			doctor_add(d, "va.libva", ST_OK, NULL, NULL, "libva (version unknown): %s", path);
		return;
	}
	const char *e = vad_get_libva_error(d->ctx);

	doctor_add(d, "va.libva", ST_FAIL, NULL,
	    vad__strdupf("apt install libva2 libva-drm2 (Debian/Ubuntu), or run doctor with "
		"--ffmpeg PATH for an ffmpeg that brings its own libva (jellyfin-ffmpeg)"),
	    "no usable libva: %s", e ? e : strerror(-r));
}

/* The VA driver name for messages: the one probed or forced, else libva 2.17's choice
 * for the kernel driver (as vad_device_find_va_driver_file() looks it up). */
static const char *va_driver_name(const struct vad_device *dev)
{
	const char *name = vad_device_get_va_driver(dev);

	if (name || (name = vad_device_get_required_va_driver(dev)))
		return name;
	return vad_va_driver_for_kernel_driver(vad_device_get_kernel_driver(dev));
}

static void check_va_driver(struct doctor *d)
{
	size_t n = vad_device_count(d->ctx);
	bool any = false;

	if (!d->libva_ok) {
		doctor_add(d, "va.driver", ST_SKIP, NULL, NULL, "no libva");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vad_device *dev = vad_device_get(d->ctx, i);
		const char *node = vad_device_get_node(dev);
		const char *name = va_driver_name(dev);
		char where[PATH_MAX * 2];

		if (!vad_device_get_render_node(dev))
			continue; /* a display-only device has no VA */
		any = true;
		int r = name ? vad_device_find_va_driver_file(d->ctx, dev, name, where,
							      sizeof(where))
			     : -ENODATA;

		if (r == 0) {
			doctor_add(d, "va.driver", ST_OK, node, NULL, "%s: %s", tool_base(node), where);
			continue;
		}
		if (r != -ENOENT) {
			doctor_add(d, "va.driver", ST_SKIP, node, NULL, "%s: %s", tool_base(node),
			    r == -ENODATA ? "no kernel driver, so no VA driver name" : strerror(-r));
			continue;
		}
		const char *pkg = vad_va_driver_package(name);

		doctor_add(d, "va.driver", ST_FAIL, node,
		    strstr(where, "jellyfin-ffmpeg")
			    ? vad__strdupf("reinstall jellyfin-ffmpeg: it brings its own %s_drv_video.so in %s",
				  name, where)
		    : pkg ? vad__strdupf("apt install %s", pkg)
			  : vad__strdupf("install the VA driver %s_drv_video.so for kernel driver %s", name,
				vad_device_get_kernel_driver(dev)),
		    "%s: %s_drv_video.so is not installed (searched %s)", tool_base(node), name,
		    where);
	}
	if (!any)
		doctor_add(d, "va.driver", ST_SKIP, NULL, NULL, "no device with a render node");
}

static void check_va_init(struct doctor *d)
{
	size_t n = vad_device_count(d->ctx);
	int capable = 0, probed = 0;

	if (!d->libva_ok) {
		doctor_add(d, "va.init", ST_SKIP, NULL, NULL, "no libva");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (vad_device_is_probed(vad_device_get(d->ctx, i)) &&
		    vad_device_get_va_status(vad_device_get(d->ctx, i)) == 0)
			capable++;
	for (size_t i = 0; i < n; i++) {
		const struct vad_device *dev = vad_device_get(d->ctx, i);
		const char *node = vad_device_get_node(dev);
		char summary[1024];

		/* A display-only device (no render node: ast, bochs, simpledrm) has no VA. */
		if (!vad_device_is_probed(dev) || !vad_device_get_render_node(dev))
			continue;
		probed++;
		out_va_summary(summary, sizeof(summary), dev);
		if (vad_device_get_va_status(dev) == 0) {
			doctor_add(d, "va.init", ST_OK, node, NULL, "%s: %s", tool_base(node),
			    summary + (strncmp(summary, "VA: ", 4) == 0 ? 4 : 0));
			continue;
		}
		const char *reason = vad_device_get_reason(dev);
		int st = vad_device_get_va_status(dev);

		doctor_add(d, "va.init", capable ? ST_WARN : ST_FAIL, node,
		    st == -EACCES || st == -EPERM
			    ? vad__strdupf("see dri.access")
			    : vad__strdupf("see va.driver; then LIBVA_MESSAGING_LEVEL=2 vainfo --display drm "
				  "--device %s shows libva's own words", node),
		    "%s: %s", tool_base(node), reason ? reason : summary);
	}
	if (!probed)
		doctor_add(d, "va.init", ST_SKIP, NULL, NULL, "no device was probed");
}

void doctor_check_va(struct doctor *d)
{
	check_libva(d);
	check_va_driver(d);
	check_va_init(d);
}
