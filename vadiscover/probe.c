/*
 * VA-API probing through real libva (loaded at run time: libva.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vadiscover/vad-libva.h"

/*
 * Profile -> codec bits. A codec name stands for what a player or transcoder asks a GPU
 * for: the 4:2:0 consumer profile of that codec.
 *   mpeg2  MPEG2Simple, MPEG2Main
 *   h264   H264Main, H264High, H264ConstrainedBaseline (MultiviewHigh/StereoHigh are
 *          3D extensions a plain h264 stream does not need, and do not count)
 *   hevc   HEVCMain;  hevc10: HEVCMain10 (the Main10 profile decodes Main streams too, but a
 *          driver that offers Main10 always offers Main, so the bits stay independent)
 *   vp8    VP8Version0_3
 *   vp9    VP9Profile0 (8-bit 4:2:0);  vp9_10: VP9Profile2 (10/12-bit 4:2:0)
 *   av1    AV1Profile0 (Main profile: 4:2:0 at 8 and 10 bits)
 *   av1_10 AV1Profile0 as well: VA-API has one profile for both depths, and the AV1 Main
 *          profile requires 10-bit support of a decoder. For each entrypoint the driver's
 *          VAConfigAttribRTFormat is asked; if it answers and lacks VA_RT_FORMAT_YUV420_10
 *          (an 8-bit-only encoder, say), av1_10 is not set for that entrypoint.
 *   jpeg   JPEGBaseline;  vc1: VC1Simple, VC1Main, VC1Advanced
 * Profiles outside this table (4:2:2/4:4:4/12-bit variants, SCC, MPEG-4, H.263,
 * Protected) set no bit.
 */
static unsigned int vad_profile_codecs(VAProfile profile)
{
	switch (profile) {
	case VAProfileMPEG2Simple:
	case VAProfileMPEG2Main:
		return VAD_CODEC_MPEG2;
	case VAProfileH264Main:
	case VAProfileH264High:
	case VAProfileH264ConstrainedBaseline:
		return VAD_CODEC_H264;
	case VAProfileHEVCMain:
		return VAD_CODEC_HEVC;
	case VAProfileHEVCMain10:
		return VAD_CODEC_HEVC10;
	case VAProfileVP8Version0_3:
		return VAD_CODEC_VP8;
	case VAProfileVP9Profile0:
		return VAD_CODEC_VP9;
	case VAProfileVP9Profile2:
		return VAD_CODEC_VP9_10;
	case VAProfileAV1Profile0:
		return VAD_CODEC_AV1 | VAD_CODEC_AV1_10;
	case VAProfileJPEGBaseline:
		return VAD_CODEC_JPEG;
	case VAProfileVC1Simple:
	case VAProfileVC1Main:
	case VAProfileVC1Advanced:
		return VAD_CODEC_VC1;
	default:
		return 0;
	}
}

/* What libva says during one probe. Errors are kept for the device's error string; info
 * lines go to the DEBUG log, and the "Trying to open <dir>/<name>_drv_video.so" line tells
 * which driver libva chose when none was forced (libva 2.17 has no API for that). */
struct vad_capture {
	struct vad_context *ctx;
	char errors[512];
	char info[512];		/* what libva did, for a failure without an error message */
	char tried[64];
	char files[VAD_FILES_MAX];	/* the driver files libva tried, one per line */
	void (*note)(void *userdata, const char *line);
	void *note_userdata;
};

static void vad_capture_append(char *buf, size_t len, const char *msg)
{
	size_t used = strlen(buf), n = strlen(msg);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	if (n == 0)
		return;
	if (used > 0 && used + 2 < len) {
		memcpy(buf + used, "; ", 2);
		used += 2;
	}
	if (used + 1 >= len)
		return;
	if (n > len - used - 1)
		n = len - used - 1;
	memcpy(buf + used, msg, n);
	buf[used + n] = '\0';
}

static void vad_va_error_cb(void *user, const char *message)
{
	struct vad_capture *cap = user;

	vad_capture_append(cap->errors, sizeof(cap->errors), message);
	vad__log(cap->ctx, VAD_LOG_DEBUG, "libva error: %.*s", (int)strcspn(message, "\n"), message);
}

static void vad_va_info_cb(void *user, const char *message)
{
	struct vad_capture *cap = user;
	const char *p = strstr(message, "Trying to open ");

	vad__log(cap->ctx, VAD_LOG_DEBUG, "libva: %.*s", (int)strcspn(message, "\n"), message);
	if (strncmp(message, "VA-API version", 14) != 0)
		vad_capture_append(cap->info, sizeof(cap->info), message);
	if (p) {
		const char *path = p + strlen("Trying to open ");
		const char *base = strrchr(path, '/');
		const char *end;

		size_t n = strcspn(path, "\n"), used = strlen(cap->files);

		/* The file, for the probe cache (its identity is part of the answer). */
		if (n > 0 && n < VAD_PATH_MAX && used + n + 2 <= sizeof(cap->files) &&
		    path[0] == '/') {
			memcpy(cap->files + used, path, n);
			cap->files[used + n] = '\n';
			cap->files[used + n + 1] = '\0';
			if (cap->note) {
				char line[VAD_PATH_MAX + 8];

				snprintf(line, sizeof(line), "file %.*s", (int)n, path);
				cap->note(cap->note_userdata, line);
			}
		}
		base = base ? base + 1 : path;
		end = strstr(base, "_drv_video.so");
		if (end && (size_t)(end - base) < sizeof(cap->tried)) {
			memcpy(cap->tried, base, (size_t)(end - base));
			cap->tried[end - base] = '\0';
		}
	}
}

void vad__probe_reset(struct vad_device *dev)
{
	free(dev->va_vendor);
	free(dev->va_driver);
	free(dev->va_error);
	free(dev->probe_request);
	free(dev->va_files);
	dev->va_vendor = dev->va_driver = dev->va_error = dev->probe_request = NULL;
	dev->va_files = NULL;
	dev->va_cached = false;
	dev->va_nocache = false;
	dev->va_busy = false;
	dev->va_old_hang = false;
	dev->va_written = 0;
	dev->decode = dev->encode = 0;
	dev->vpp = false;
	dev->va_version = -EAGAIN;
	dev->va_status = -EAGAIN;
	dev->probed = false;
	dev->va_open_failed = false;
}

/* Whether the entrypoint's RT formats rule 10-bit 4:2:0 out. */
static bool vad_lacks_10bit(const struct vad__va_fns *va, VADisplay dpy, VAProfile profile,
			    VAEntrypoint ep)
{
	VAConfigAttrib attr = { .type = VAConfigAttribRTFormat };

	if (va->vaGetConfigAttributes(dpy, profile, ep, &attr, 1) != VA_STATUS_SUCCESS)
		return false;
	if (attr.value == VA_ATTRIB_NOT_SUPPORTED)
		return false;
	return !(attr.value & VA_RT_FORMAT_YUV420_10);
}

static int vad_query_codecs(const struct vad__va_fns *va, struct vad_device *dev, VADisplay dpy)
{
	int nprof = va->vaMaxNumProfiles(dpy), nent = va->vaMaxNumEntrypoints(dpy);
	VAProfile *profiles;
	VAEntrypoint *eps;
	int count = 0;

	if (nprof <= 0 || nent <= 0)
		return 0;
	profiles = calloc((size_t)nprof, sizeof(*profiles));
	eps = calloc((size_t)nent, sizeof(*eps));
	if (!profiles || !eps) {
		free(profiles);
		free(eps);
		return -ENOMEM;
	}
	if (va->vaQueryConfigProfiles(dpy, profiles, &count) != VA_STATUS_SUCCESS)
		count = 0;
	if (count > nprof)
		count = nprof;
	for (int i = 0; i < count; i++) {
		unsigned int codecs = vad_profile_codecs(profiles[i]);
		int n = 0;

		if (!codecs && profiles[i] != VAProfileNone)
			continue;
		if (va->vaQueryConfigEntrypoints(dpy, profiles[i], eps, &n) != VA_STATUS_SUCCESS)
			continue;
		if (n > nent)
			n = nent;
		for (int j = 0; j < n; j++) {
			unsigned int c = codecs;

			if (profiles[i] == VAProfileNone) {
				if (eps[j] == VAEntrypointVideoProc)
					dev->vpp = true;
				continue;
			}
			if ((c & VAD_CODEC_AV1_10) && vad_lacks_10bit(va, dpy, profiles[i], eps[j]))
				c &= ~(unsigned int)VAD_CODEC_AV1_10;
			switch (eps[j]) {
			case VAEntrypointVLD:
				dev->decode |= c;
				break;
			case VAEntrypointEncSlice:
			case VAEntrypointEncSliceLP:
			case VAEntrypointEncPicture:
				dev->encode |= c;
				break;
			default:
				break;
			}
		}
	}
	free(profiles);
	free(eps);
	return 0;
}

int vad__probe_here(struct vad_context *ctx, struct vad_device *dev, const char *force,
		    void (*note)(void *userdata, const char *line), void *userdata)
{
	struct vad_capture cap = { .ctx = ctx, .note = note, .note_userdata = userdata };
	const struct vad__va_fns *va;
	const char *node = vad_device_get_node(dev);
	VADisplay dpy;
	VAStatus st;
	int major = 0, minor = 0, fd, r;

#define VAD_STAGE(name) do { if (note) note(userdata, "stage " name); } while (0)
	VAD_STAGE("libva");
	/* No libva, no probe: every device says why, and what to install. */
	r = vad__libva_use(ctx, &va);
	if (r < 0) {
		dev->va_status = r;
		if (r == -ELIBACC && vad__set_strf(&dev->va_error, "%s",
						   vad_get_libva_error(ctx)) < 0)
			dev->va_status = -ENOMEM;
		return dev->va_status;
	}

	VAD_STAGE("open");
	fd = open(node, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		dev->va_status = r;
		dev->va_open_failed = true;
		vad__log(ctx, VAD_LOG_DEBUG, "%s: open: %s", node, VAD_STRERROR(-r));
		if (vad__set_strf(&dev->va_error, "cannot open %s: %s", node, VAD_STRERROR(-r)) < 0)
			dev->va_status = -ENOMEM;
		return dev->va_status;
	}

	dpy = va->vaGetDisplayDRM(fd);
	if (!dpy) {
		close(fd);
		dev->va_status = -ENODEV;
		if (vad__set_strf(&dev->va_error, "libva has no display for %s (not a DRM node)",
				  node) < 0)
			dev->va_status = -ENOMEM;
		return dev->va_status;
	}
	va->vaSetErrorCallback(dpy, vad_va_error_cb, &cap);
	va->vaSetInfoCallback(dpy, vad_va_info_cb, &cap);

	if (force) {
		/* vaSetDriverName takes a char * (and copies the name). */
		char *name = strdup(force);

		if (!name) {
			dev->va_status = -ENOMEM;
			goto out;
		}
		st = va->vaSetDriverName(dpy, name);
		free(name);
		if (st != VA_STATUS_SUCCESS) {
			r = vad__set_strf(&dev->va_error, "vaSetDriverName(%s) failed: %d (%s)", force,
					  (int)st, va->vaErrorStr(st));
			dev->va_status = r < 0 ? r : -EINVAL;
			goto out;
		}
	}

	vad__log(ctx, VAD_LOG_DEBUG, "%s: vaInitialize%s%s", node, force ? " with driver " : "",
		 force ? force : "");
	VAD_STAGE("vaInitialize");
	st = va->vaInitialize(dpy, &major, &minor);
	if (st != VA_STATUS_SUCCESS) {
		/* A VA driver file that is not there is its own reason, with the package. */
		char *missing = NULL;

		r = vad__va_driver_missing(ctx, dev, force, cap.tried[0] ? cap.tried : NULL,
					   &missing);
		if (r < 0 || missing) {
			free(dev->va_error);
			dev->va_error = missing;
			dev->va_status = r < 0 ? r : -ENOPKG;
			goto out;
		}
		if (cap.errors[0] || cap.info[0])
			r = vad__set_strf(&dev->va_error, "vaInitialize failed: %d (%s); libva: %s",
					  (int)st, va->vaErrorStr(st),
					  cap.errors[0] ? cap.errors : cap.info);
		else
			r = vad__set_strf(&dev->va_error, "vaInitialize failed: %d (%s)", (int)st,
					  va->vaErrorStr(st));
		dev->va_status = r < 0 ? r : -EIO;
		goto out;
	}

	VAD_STAGE("query");
	dev->va_version = major * 100 + minor;
	{
		const char *vendor = va->vaQueryVendorString(dpy);

		if (vendor) {
			dev->va_vendor = strdup(vendor);
			if (!dev->va_vendor) {
				dev->va_status = -ENOMEM;
				goto out;
			}
		}
	}
	if (force || cap.tried[0]) {
		dev->va_driver = strdup(force ? force : cap.tried);
		if (!dev->va_driver) {
			dev->va_status = -ENOMEM;
			goto out;
		}
	}
	r = vad_query_codecs(va, dev, dpy);
	dev->va_status = r;
	if (r == 0)
		vad__log(ctx, VAD_LOG_DEBUG, "%s: VA %d.%d, %s, decode 0x%x encode 0x%x vpp %d", node,
			 major, minor, dev->va_vendor ? dev->va_vendor : "(no vendor)", dev->decode,
			 dev->encode, dev->vpp);
out:
	va->vaTerminate(dpy);
	close(fd);
	if (cap.files[0] && !dev->va_files) {
		dev->va_files = strdup(cap.files);
		if (!dev->va_files)
			dev->va_status = -ENOMEM;
	}
	if (dev->va_status < 0) {
		dev->decode = dev->encode = 0;
		dev->vpp = false;
		if (dev->va_error)
			vad__log(ctx, VAD_LOG_DEBUG, "%s: %s", node, dev->va_error);
	}
	return dev->va_status;
#undef VAD_STAGE
}

/* Whether the node to use opens now (O_RDWR, as vad_scan() and the probe open it). */
static bool vad_node_opens(const struct vad_device *dev)
{
	int fd = open(vad_device_get_node(dev), O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Empty @dev's VA fields for a probe with @driver (or none). 0 or -ENOMEM. */
static int vad_probe_start(struct vad_device *dev, const char *driver)
{
	vad__probe_reset(dev);
	dev->probed = true;
	if (driver && !(dev->probe_request = strdup(driver)))
		return -ENOMEM;
	return 0;
}

/* The answer in the cache: 1 (@dev's VA fields set), 0 (none: @dev emptied for a probe),
 * or -ENOMEM. Node access is never taken from it: the node must open now. */
static int vad_probe_cached(struct vad_context *ctx, struct vad_device *dev, const char *driver,
			    const char *key, long long asked, bool fresh)
{
	int r = vad__cache_lookup(ctx, dev, key, asked, fresh);

	if (r == 1 && vad_node_opens(dev)) {
		dev->va_cached = true;
		return 1;
	}
	if (r < 0)
		return r;
	return vad_probe_start(dev, driver);
}

int vad_device_probe(struct vad_context *ctx, struct vad_device *dev, const char *driver)
{
	return vad__device_probe(ctx, dev, driver, false);
}

int vad__device_probe(struct vad_context *ctx, struct vad_device *dev, const char *driver,
		      bool fresh)
{
	const char *force, *helper = NULL;
	long long asked = vad__now_ns();
	char *key = NULL;
	int r, lock = -1;

	if (!ctx || !dev || (driver && !vad__va_driver_name_ok(driver)))
		return -EINVAL;
	if (!fresh && dev->probed &&
	    ((!driver && !dev->probe_request) ||
	     (driver && dev->probe_request && strcmp(driver, dev->probe_request) == 0)))
		return dev->va_status;

	r = vad_probe_start(dev, driver);
	force = driver ? driver : vad_device_get_required_va_driver(dev);
	if (r == 0 && !driver && force)
		vad__log(ctx, VAD_LOG_DEBUG, "%s: kernel driver %s: using VA driver %s",
			 vad_device_get_node(dev), dev->kernel_driver, force);

	/* The cache first. When it has no answer, one process probes and the others wait
	 * for its answer: N programs started at once load the VA driver once. */
	if (r == 0)
		r = vad__cache_key(ctx, dev, force, &key);
	if (r == 0)
		r = vad_probe_cached(ctx, dev, driver, key, asked, fresh);
	if (r == 0 && key) {
		lock = vad__cache_lock(ctx, dev, key, vad__probe_max_ms() + 1000);
		if (lock >= 0)
			r = vad_probe_cached(ctx, dev, driver, key, asked, fresh);
	}
	if (r != 0) {
		if (lock >= 0)
			close(lock);
		free(key);
		if (r < 0)
			vad__probe_reset(dev);
		return r < 0 ? r : dev->va_status;
	}

	if (ctx->probe_mode & VAD_PROBE_ISOLATED)
		helper = vad__probe_helper(ctx);
	if (helper) {
		r = vad__probe_isolated(ctx, dev, helper, force);
	} else if (ctx->probe_mode & VAD_PROBE_IN_PROCESS) {
		r = vad__probe_here(ctx, dev, force, NULL, NULL);
	} else {
		/* Isolation asked for, and no helper: say which file is missing. */
		dev->va_status = -ENOEXEC;
		dev->va_nocache = true;
		r = vad__set_strf(&dev->va_error, "the probe helper is not installed: %s is "
				  "missing or not executable; reinstall vadiscover, or set "
				  "VADISCOVER_PROBE_HELPER to its path",
				  vad__probe_helper_path(ctx));
		r = r < 0 ? r : dev->va_status;
	}
	if (r == -ENOMEM) {
		/* Not a fact about the device: not kept, the next call probes again. */
		vad__probe_reset(dev);
	} else {
		/* The helper missing, not starting or misbehaving is the install's fault, not the
		 * device's: an error worth telling. */
		if (dev->va_nocache && dev->va_error)
			vad__log(ctx, VAD_LOG_ERROR, "%s: %s", vad_device_get_node(dev), dev->va_error);
		vad__cache_store(ctx, dev, key);
	}
	if (lock >= 0)
		close(lock);
	free(key);
	return r;
}

bool vad_device_is_probed(const struct vad_device *dev)
{
	return dev->probed;
}

int vad_device_get_va_status(const struct vad_device *dev)
{
	return dev->probed ? dev->va_status : -EAGAIN;
}

const char *vad_device_get_va_vendor(const struct vad_device *dev)
{
	return dev->va_vendor;
}

const char *vad_device_get_va_driver(const struct vad_device *dev)
{
	return dev->va_driver;
}

int vad_device_get_va_version(const struct vad_device *dev)
{
	return dev->va_version;
}

unsigned int vad_device_get_decode(const struct vad_device *dev)
{
	return dev->va_status == 0 ? dev->decode : 0;
}

unsigned int vad_device_get_encode(const struct vad_device *dev)
{
	return dev->va_status == 0 ? dev->encode : 0;
}

bool vad_device_get_vpp(const struct vad_device *dev)
{
	return dev->va_status == 0 && dev->vpp;
}

const char *vad_device_get_va_error(const struct vad_device *dev)
{
	return dev->va_status == 0 ? NULL : dev->va_error;
}
