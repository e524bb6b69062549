/*
 * VA-API probing through real libva (loaded at run time: libva.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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
static unsigned int profile_codecs(VAProfile profile)
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

static void capture_append(char *buf, size_t len, const char *msg)
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

static void va_error_cb(void *user, const char *message)
{
	struct vad_capture *cap = user;

	capture_append(cap->errors, sizeof(cap->errors), message);
	vad__log(cap->ctx, VAD_LOG_DEBUG, "libva error: %.*s", (int)strcspn(message, "\n"), message);
}

static void va_info_cb(void *user, const char *message)
{
	struct vad_capture *cap = user;
	const char *p = strstr(message, "Trying to open ");

	vad__log(cap->ctx, VAD_LOG_DEBUG, "libva: %.*s", (int)strcspn(message, "\n"), message);
	if (strncmp(message, "VA-API version", 14) != 0)
		capture_append(cap->info, sizeof(cap->info), message);
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

void vad__va_clear(struct vad__va *va)
{
	free(va->vendor);
	free(va->driver);
	free(va->error);
	free(va->files);
	*va = VAD__VA_NONE;
}

void vad__probe_reset(struct vad_device *dev)
{
	vad__va_clear(&dev->va);
	free(dev->probe_request);
	dev->probe_request = NULL;
	dev->probed = false;
}

/* Whether the entrypoint's RT formats rule 10-bit 4:2:0 out. */
static bool lacks_10bit(const struct vad__va_fns *va, VADisplay dpy, VAProfile profile,
			    VAEntrypoint ep)
{
	VAConfigAttrib attr = { .type = VAConfigAttribRTFormat };

	if (va->vaGetConfigAttributes(dpy, profile, ep, &attr, 1) != VA_STATUS_SUCCESS)
		return false;
	if (attr.value == VA_ATTRIB_NOT_SUPPORTED)
		return false;
	return !(attr.value & VA_RT_FORMAT_YUV420_10);
}


/* The kernel's name of @fd's node (renderD132) in @kname when @node is named otherwise (a
 * container's renderD128 for the host's renderD132), else "". libdrm 2.4.116 and later
 * type a node by its kernel name, so to them a renamed node is no DRM node. */
static void renamed_from(int fd, const char *node, char *kname, size_t len)
{
	const char *base = strrchr(node, '/') ? strrchr(node, '/') + 1 : node;
	struct stat st;

	kname[0] = '\0';
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode))
		return;
	snprintf(kname, len, "%s%u", strncmp(base, "card", 4) == 0 ? "card" : "renderD",
		 minor(st.st_rdev));
	if (strcmp(kname, base) == 0)
		kname[0] = '\0';
}
static int query_codecs(const struct vad__va_fns *va, struct vad__va *out, VADisplay dpy)
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
		unsigned int codecs = profile_codecs(profiles[i]);
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
					out->vpp = true;
				continue;
			}
			if ((c & VAD_CODEC_AV1_10) && lacks_10bit(va, dpy, profiles[i], eps[j]))
				c &= ~(unsigned int)VAD_CODEC_AV1_10;
			switch (eps[j]) {
			case VAEntrypointVLD:
				out->decode |= c;
				break;
			case VAEntrypointEncSlice:
			case VAEntrypointEncSliceLP:
			case VAEntrypointEncPicture:
				out->encode |= c;
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

int vad__probe_here(struct vad_context *ctx, const struct vad_device *dev, const char *force,
		    void (*note)(void *userdata, const char *line), void *userdata,
		    struct vad__va *out)
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
		out->status = r;
		if (r == -ELIBACC && vad__set_strf(&out->error, "%s",
						   vad_get_libva_error(ctx)) < 0)
			out->status = -ENOMEM;
		return out->status;
	}

	VAD_STAGE("open");
	fd = open(node, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		out->status = r;
		out->open_failed = true;
		vad__log(ctx, VAD_LOG_DEBUG, "%s: open: %s", node, VAD_STRERROR(-r));
		if (vad__set_strf(&out->error, "cannot open %s: %s", node, VAD_STRERROR(-r)) < 0)
			out->status = -ENOMEM;
		return out->status;
	}

	dpy = va->vaGetDisplayDRM(fd);
	if (!dpy) {
		char kname[32];

		renamed_from(fd, node, kname, sizeof(kname));
		close(fd);
		out->status = -ENODEV;
		if ((kname[0] ? vad__set_strf(&out->error, "libva has no display for %s (not a DRM "
					      "node to its libdrm: the node is the kernel's %s under "
					      "another name, and libdrm 2.4.116 and later find a "
					      "node's type by its kernel name; give it that name, "
					      "/dev/dri/%s)", node, kname, kname)
			      : vad__set_strf(&out->error, "libva has no display for %s (not a DRM "
					      "node)", node)) < 0)
			out->status = -ENOMEM;
		return out->status;
	}
	va->vaSetErrorCallback(dpy, va_error_cb, &cap);
	va->vaSetInfoCallback(dpy, va_info_cb, &cap);

	if (force) {
		/* vaSetDriverName takes a char * (and copies the name). */
		char *name = strdup(force);

		if (!name) {
			out->status = -ENOMEM;
			goto out;
		}
		st = va->vaSetDriverName(dpy, name);
		free(name);
		if (st != VA_STATUS_SUCCESS) {
			r = vad__set_strf(&out->error, "vaSetDriverName(%s) failed: %d (%s)", force,
					  (int)st, va->vaErrorStr(st));
			out->status = r < 0 ? r : -EINVAL;
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
			free(out->error);
			out->error = missing;
			out->status = r < 0 ? r : -ENOPKG;
			goto out;
		}
		if (cap.errors[0] || cap.info[0])
			r = vad__set_strf(&out->error, "vaInitialize failed: %d (%s); libva: %s",
					  (int)st, va->vaErrorStr(st),
					  cap.errors[0] ? cap.errors : cap.info);
		else
			r = vad__set_strf(&out->error, "vaInitialize failed: %d (%s)", (int)st,
					  va->vaErrorStr(st));
		out->status = r < 0 ? r : -EIO;
		goto out;
	}

	VAD_STAGE("query");
	out->version = major * 100 + minor;
	{
		const char *vendor = va->vaQueryVendorString(dpy);

		if (vendor) {
			out->vendor = strdup(vendor);
			if (!out->vendor) {
				out->status = -ENOMEM;
				goto out;
			}
		}
	}
	if (force || cap.tried[0]) {
		out->driver = strdup(force ? force : cap.tried);
		if (!out->driver) {
			out->status = -ENOMEM;
			goto out;
		}
	}
	r = query_codecs(va, out, dpy);
	out->status = r;
	if (r == 0)
		vad__log(ctx, VAD_LOG_DEBUG, "%s: VA %d.%d, %s, decode 0x%x encode 0x%x vpp %d", node,
			 major, minor, out->vendor ? out->vendor : "(no vendor)", out->decode,
			 out->encode, out->vpp);
out:
	va->vaTerminate(dpy);
	close(fd);
	if (cap.files[0] && !out->files) {
		out->files = strdup(cap.files);
		if (!out->files)
			out->status = -ENOMEM;
	}
	if (out->status < 0) {
		out->decode = out->encode = 0;
		out->vpp = false;
		if (out->error)
			vad__log(ctx, VAD_LOG_DEBUG, "%s: %s", node, out->error);
	}
	return out->status;
#undef VAD_STAGE
}

/* Whether the node to use opens now (O_RDWR, as vad_scan() and the probe open it). */
static bool node_opens(const struct vad_device *dev)
{
	int fd = open(vad_device_get_node(dev), O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The answer in the cache: 1 (in @va), 0 (none), or -ENOMEM. Node access is never taken
 * from it: the node must have opened at the scan (vad_device_get_access()). */
static int probe_cached(struct vad_context *ctx, const struct vad_device *dev,
			    const char *key, long long asked, bool fresh, struct vad__va *va)
{
	int r = dev->access == 0 ? vad__cache_lookup(ctx, dev, key, asked, fresh, va) : 0;

	if (r == 1) {
		va->cached = true;
		return 1;
	}
	vad__va_clear(va);
	return r < 0 ? r : 0;
}

/* The answer a helper would give for @dev with the driver @force when that driver's file
 * is in none of libva's directories (libva tries only that name, in each of them): 1 and
 * -ENOPKG in @va, without starting the helper; 0 when the file is there (or where it
 * would be is not known); -ENOMEM. */
static int probe_missing(struct vad_context *ctx, const struct vad_device *dev,
			     const char *force, struct vad__va *va)
{
	struct vad_str files = { 0 };
	char dirs[VAD_FILES_MAX], *reason = NULL;
	int r = vad_device_find_va_driver_file(ctx, dev, force, dirs, sizeof(dirs));

	if (r != -ENOENT)
		return r == -ENOMEM ? r : 0;
	r = vad__va_driver_missing(ctx, dev, force, force, &reason);
	if (r < 0 || !reason)
		return r;
	/* The files libva would try, as the helper reports them: their absence is part of the
	 * answer (the cache notices when one is installed). */
	for (const char *d = dirs; *d;) {
		size_t n = strcspn(d, ":");

		if (n)
			vad__str_addf(&files, "%.*s/%s_drv_video.so\n", (int)n, d, force);
		d += n;
		if (*d)
			d++;
	}
	va->files = vad__str_done(&files);
	if (!va->files) {
		free(reason);
		return -ENOMEM;
	}
	va->status = -ENOPKG;
	va->error = reason;
	vad__log(ctx, VAD_LOG_DEBUG, "%s: %s (no probe helper started)", vad_device_get_node(dev),
		 reason);
	return 1;
}

/* The answer of a new probe of @dev with @force: in this process, in the helper, or why
 * neither can run. Returns its status. */
static int probe_now(struct vad_context *ctx, const struct vad_device *dev,
			 const char *force, struct vad__va *va)
{
	const char *helper = NULL;
	int r;

	if (ctx->probe_mode & VAD_PROBE_ISOLATED)
		helper = vad__probe_helper(ctx);
	/* A helper started only to find the driver file missing is a process for nothing. The
	 * node must open, as in the helper (which would tell why not). */
	if (helper && force && node_opens(dev)) {
		r = probe_missing(ctx, dev, force, va);
		if (r != 0)
			return r < 0 ? r : va->status;
	}
	if (helper)
		return vad__probe_isolated(ctx, dev, helper, force, va);
	if (ctx->probe_mode & VAD_PROBE_IN_PROCESS)
		return vad__probe_here(ctx, dev, force, NULL, NULL, va);
	/* Isolation asked for, and no helper: say which file is missing. */
	va->status = -ENOEXEC;
	va->nocache = true;
	r = vad__set_strf(&va->error, "the probe helper is not installed: %s is missing or not "
			  "executable; reinstall vadiscover, or set VADISCOVER_PROBE_HELPER to its "
			  "path", vad__probe_helper_path(ctx));
	return r < 0 ? r : va->status;
}

int vad_device_probe(struct vad_context *ctx, struct vad_device *dev, const char *driver)
{
	return vad__device_probe(ctx, dev, driver, false);
}

/* One device's probe, from asking the cache to keeping the answer. */
struct probe_job {
	struct vad_device *dev;
	struct vad__va va;
	long long asked;
	char *key, *request;
	const char *force;
	int lock;
};

/* Ask the cache for @dev's answer; when it has none, become the one process that probes
 * (after waiting for the one probing now; with @nowait, 3 instead: another process is
 * probing it, nothing held). 2: the device keeps this answer already; 1: the cache's
 * answer is in @job; 0: probe (the lock held); -ENOMEM. */
static int job_begin(struct vad_context *ctx, struct probe_job *job, struct vad_device *dev,
		     const char *driver, bool fresh, bool nowait)
{
	int r;

	*job = (struct probe_job){ .dev = dev, .va = VAD__VA_NONE, .asked = vad__now_ns(),
				   .lock = -1 };
	vad__device_driver(dev);	/* the cache's key and the helper need it */
	if (!fresh && dev->probed &&
	    ((!driver && !dev->probe_request) ||
	     (driver && dev->probe_request && strcmp(driver, dev->probe_request) == 0)))
		return 2;

	job->force = driver ? driver : vad_device_get_required_va_driver(dev);
	if (!driver && job->force)
		vad__log(ctx, VAD_LOG_DEBUG, "%s: kernel driver %s: using VA driver %s",
			 vad_device_get_node(dev), dev->kernel_driver, job->force);

	/* The cache first. When it has no answer, one process probes and the others wait
	 * for its answer: N programs started at once load the VA driver once. */
	r = driver && !(job->request = strdup(driver)) ? -ENOMEM : 0;
	if (r == 0)
		r = vad__cache_key(ctx, dev, job->force, &job->key);
	if (r == 0)
		r = probe_cached(ctx, dev, job->key, job->asked, fresh, &job->va);
	if (r == 0 && job->key) {
		job->lock = vad__cache_lock(ctx, dev, job->key,
					    nowait ? 0 : vad__probe_max_ms() + 1000);
		if (job->lock == -EWOULDBLOCK && nowait) {
			free(job->key);
			free(job->request);
			return 3;
		}
		if (job->lock >= 0)
			r = probe_cached(ctx, dev, job->key, job->asked, fresh, &job->va);
	}
	return r;
}

/* Keep @job's answer (@r its status) in the device, and in the cache when it is a new one
 * (@probed). Returns the device's status, or -ENOMEM. */
static int job_end(struct vad_context *ctx, struct probe_job *job, int r, bool probed)
{
	struct vad_device *dev = job->dev;

	/* -ENOMEM is not a fact about the device: not kept, the next call probes again. The
	 * helper missing, not starting or misbehaving is the install's fault, not the
	 * device's: an error worth telling. */
	if (probed && r != -ENOMEM && job->va.nocache && job->va.error)
		vad__log(ctx, VAD_LOG_ERROR, "%s: %s", vad_device_get_node(dev), job->va.error);
	if (probed && r != -ENOMEM)
		vad__cache_store(ctx, dev, &job->va, job->key);
	if (job->lock >= 0)
		close(job->lock);
	free(job->key);
	vad__probe_reset(dev);
	if (r == -ENOMEM) {
		vad__va_clear(&job->va);
		free(job->request);
		return r;
	}
	dev->va = job->va;
	dev->probe_request = job->request;
	dev->probed = true;
	return dev->va.status;
}

/* Every way of probing returns an answer as a value; this is the one place that asks the
 * cache, makes the other processes wait (one probe per device at a time), keeps the answer
 * in the cache and in the device. */
int vad__device_probe(struct vad_context *ctx, struct vad_device *dev, const char *driver,
		      bool fresh)
{
	struct probe_job job;
	int r;

	if (!ctx || !dev || (driver && !vad__va_driver_name_ok(driver)))
		return -EINVAL;
	r = job_begin(ctx, &job, dev, driver, fresh, false);
	if (r == 2)
		return dev->va.status;
	if (r == 0)
		return job_end(ctx, &job, probe_now(ctx, dev, job.force, &job.va), true);
	return job_end(ctx, &job, r, false);
}

/* How many helpers may run at once: one per CPU this process may run on. */
static size_t probe_width(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (size_t)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

/* vad__probe_many(): the jobs given to helpers, and the first -ENOMEM. */
struct many {
	struct vad_context *ctx;
	struct probe_job *jobs;
	size_t *which;		/* item i is jobs[which[i]] */
	int err;
};

static void many_done(void *userdata, size_t i, int status)
{
	struct many *m = userdata;

	if (job_end(m->ctx, &m->jobs[m->which[i]], status, true) == -ENOMEM)
		m->err = -ENOMEM;
}

/* Probes of different devices run side by side, in as many helpers as there are CPUs,
 * each helper probing its devices one after the other, each device under its own lock,
 * with the answers kept as vad__device_probe() keeps them. A lock another process holds is
 * never waited for here (that could deadlock with a process holding the other locks):
 * that device is left to vad__device_probe(), which waits holding none. */
int vad__probe_many(struct vad_context *ctx, struct vad_device **devs, const bool *fresh,
		    size_t n, const char *driver)
{
	struct many m = { .ctx = ctx };
	struct vad__probe_item *items;
	struct probe_job *jobs;
	const char *helper = NULL;
	size_t count = 0;
	int r;

	if (!ctx || (driver && !vad__va_driver_name_ok(driver)))
		return -EINVAL;
	if (ctx->probe_mode & VAD_PROBE_ISOLATED)
		helper = vad__probe_helper(ctx);
	if (!helper || n < 2)
		return 0;	/* one at a time, as vad__device_probe() does */
	jobs = calloc(n, sizeof(*jobs));
	m.which = calloc(n, sizeof(*m.which));
	items = calloc(n, sizeof(*items));
	if (!jobs || !m.which || !items) {
		free(jobs);
		free(m.which);
		free(items);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && m.err == 0; i++) {
		struct probe_job *job = &jobs[i];

		r = job_begin(ctx, job, devs[i], driver, fresh[i], true);
		if (r == 2 || r == 3)
			continue;
		if (r != 0) {
			m.err = job_end(ctx, job, r, false) == -ENOMEM ? -ENOMEM : 0;
			continue;
		}
		/* A missing driver file needs no helper (probe_now()). */
		if (job->force && node_opens(job->dev)) {
			r = probe_missing(ctx, job->dev, job->force, &job->va);
			if (r != 0) {
				r = job_end(ctx, job, r < 0 ? r : job->va.status, true);
				m.err = r == -ENOMEM ? r : 0;
				continue;
			}
		}
		items[count] = (struct vad__probe_item){ .dev = job->dev, .force = job->force,
							  .va = &job->va };
		m.which[count++] = i;
	}
	m.jobs = jobs;
	if (m.err == 0) {
		vad__probe_isolated_many(ctx, helper, items, count, probe_width(), many_done, &m);
	} else {
		/* Out of memory before any helper: the jobs begun are given up. */
		for (size_t i = 0; i < count; i++)
			many_done(&m, i, -ENOMEM);
	}
	free(items);
	free(m.which);
	free(jobs);
	return m.err;
}

bool vad_device_is_probed(const struct vad_device *dev)
{
	return dev->probed;
}

int vad_device_get_va_status(const struct vad_device *dev)
{
	return dev->probed ? dev->va.status : -EAGAIN;
}

const char *vad_device_get_va_vendor(const struct vad_device *dev)
{
	return dev->va.vendor;
}

const char *vad_device_get_va_driver(const struct vad_device *dev)
{
	return dev->va.driver;
}

int vad_device_get_va_version(const struct vad_device *dev)
{
	return dev->va.version;
}

unsigned int vad_device_get_decode(const struct vad_device *dev)
{
	return dev->va.status == 0 ? dev->va.decode : 0;
}

unsigned int vad_device_get_encode(const struct vad_device *dev)
{
	return dev->va.status == 0 ? dev->va.encode : 0;
}

bool vad_device_get_vpp(const struct vad_device *dev)
{
	return dev->va.status == 0 && dev->va.vpp;
}

const char *vad_device_get_va_error(const struct vad_device *dev)
{
	return dev->va.status == 0 ? NULL : dev->va.error;
}
