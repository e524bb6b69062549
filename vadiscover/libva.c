/*
 * libva at run time: which libva.so.2 to load, loading it, and its entry points.
 *
 * SPDX-License-Identifier: MIT
 *
 * libvadiscover is not linked against libva: a program that brings its own libva
 * (jellyfin-ffmpeg in /usr/lib/jellyfin-ffmpeg/lib, found through its rpath) must be probed
 * with that libva and the VA drivers it finds, and a machine without any libva must still
 * be able to list its devices. So libva.so.2 and libva-drm.so.2 are loaded with dlopen()
 * on the first probe, in the order the header gives (vadiscover.h, "libva at run time"),
 * and every entry point the probe calls is looked up here and kept in the context.
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vadiscover/vad-libva.h"

#define VAD_LIBVA_SONAME "libva.so.2"
#define VAD_LIBVA_DRM_SONAME "libva-drm.so.2"
#define VAD_LIBDRM_SONAME "libdrm.so.2"
#define VAD_LIBVA_INSTALL "Debian/Ubuntu: apt install libva2 libva-drm2"

/* Where each entry point is: its name, its slot in struct vad__va_fns, and whether it is
 * libva-drm's. */
static const struct vad_va_sym {
	const char *name;
	size_t offset;
	bool drm;
} vad_va_syms[] = {
#define VAD_SYM(name, drm) { #name, offsetof(struct vad__va_fns, name), drm }
	VAD_SYM(vaGetDisplayDRM, true),
	VAD_SYM(vaSetErrorCallback, false),
	VAD_SYM(vaSetInfoCallback, false),
	VAD_SYM(vaSetDriverName, false),
	VAD_SYM(vaInitialize, false),
	VAD_SYM(vaTerminate, false),
	VAD_SYM(vaErrorStr, false),
	VAD_SYM(vaQueryVendorString, false),
	VAD_SYM(vaMaxNumProfiles, false),
	VAD_SYM(vaMaxNumEntrypoints, false),
	VAD_SYM(vaQueryConfigProfiles, false),
	VAD_SYM(vaQueryConfigEntrypoints, false),
	VAD_SYM(vaGetConfigAttributes, false),
#undef VAD_SYM
};

/* The context's libva state, created on first use; NULL on -ENOMEM. */
static struct vad__libva *libva_state(struct vad_context *ctx)
{
	if (!ctx->libva) {
		ctx->libva = calloc(1, sizeof(*ctx->libva));
		if (ctx->libva) {
			ctx->libva->version = -ENOENT;
			ctx->libva->in_process = -1;
		}
	}
	return ctx->libva;
}

/* dlerror() as a string that is never NULL. */
static const char *libva_dlerror(void)
{
	const char *e = dlerror();

	return e ? e : "unknown dlopen error";
}

/* Whether dlopen()'s message @e says the file is not there at all (rather than broken). */
static bool dlerror_missing(const char *e)
{
	return strstr(e, "cannot open shared object file") != NULL;
}

/* Close every handle and free the strings (only vad_scan() and vad_unref() unload, and
 * the header says those replace every string). */
static void libva_unload(struct vad__libva *lv)
{
	if (lv->h_va_drm)
		dlclose(lv->h_va_drm);
	if (lv->h_va)
		dlclose(lv->h_va);
	if (lv->h_drm)
		dlclose(lv->h_drm);
	lv->h_va_drm = lv->h_va = lv->h_drm = NULL;
	free(lv->path);
	free(lv->error);
	free(lv->loaded_dir);
	lv->loaded_dir = NULL;
	lv->step = 0;
	lv->in_process = -1;
	free(lv->in_process_path);
	lv->in_process_path = NULL;
	lv->path = lv->error = NULL;
	lv->version = -ENOENT;
	memset(&lv->fn, 0, sizeof(lv->fn));
}

/*
 * The version in libva's file name: libtool and meson name libva 2.MM.P's file
 * libva.so.2.MM00+P.0 (2.17.0 -> libva.so.2.1700.0), so 2.17 -> 217. -ENOENT when the name
 * does not follow the scheme (a copy named libva.so.2, a static build).
 */
static int libva_file_version(const char *path)
{
	const char *base = strrchr(path, '/');
	unsigned long major, mmnn;
	char *end;

	base = base ? base + 1 : path;
	if (strncmp(base, "libva.so.", 9) != 0)
		return -ENOENT;
	base += 9;
	if (*base < '0' || *base > '9')
		return -ENOENT;
	major = strtoul(base, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -ENOENT;
	mmnn = strtoul(end + 1, &end, 10);
	if ((*end != '.' && *end != '\0') || major == 0 || major > 99 || mmnn > 9999)
		return -ENOENT;
	return (int)(major * 100 + mmnn / 100);
}

/* The file behind @handle, symlinks resolved, malloc'ed; NULL on -ENOMEM. */
static char *handle_path(void *handle)
{
	struct link_map *lm = NULL;
	char *real;

	if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm || !lm->l_name || !lm->l_name[0])
		return strdup("(unknown path)");
	real = realpath(lm->l_name, NULL);
	return real ? real : strdup(lm->l_name);
}

/* dlopen(@dir/@name); -ELIBACC with dlerror's text in @err, or -ENOMEM. */
static void *open_in(const char *dir, const char *name, int flags, char **err, int *r)
{
	char *path = vad__strdupf("%s/%s", dir, name);
	void *h;

	*r = 0;
	if (!path) {
		*r = -ENOMEM;
		return NULL;
	}
	h = dlopen(path, flags);
	if (!h) {
		*r = vad__set_strf(err, "cannot load %s (%s); put a working libva 2.x there (%s), "
				   "or reinstall the program it belongs to", path, libva_dlerror(),
				   VAD_LIBVA_INSTALL) < 0 ? -ENOMEM : -ELIBACC;
	}
	free(path);
	return h;
}

/* Step 1: the libva this process has already loaded, if any. */
static void libva_open_loaded(struct vad__libva *lv)
{
	lv->h_va = dlopen(VAD_LIBVA_SONAME, RTLD_NOW | RTLD_NOLOAD);
	if (!lv->h_va)
		dlerror();
}

/* Step 2: libdrm (when there) and libva from @dir, by full path. */
static int libva_open_dir(struct vad__libva *lv, const char *dir, char **err)
{
	char *drm = vad__strdupf("%s/%s", dir, VAD_LIBDRM_SONAME);
	int r;

	if (!drm)
		return -ENOMEM;
	/* The program's own libdrm goes first, as its loader would map it before libva: that
	 * libva's NEEDED libdrm.so.2 then binds to it, not to the system's. */
	r = access(drm, F_OK);
	free(drm);
	if (r == 0) {
		lv->h_drm = open_in(dir, VAD_LIBDRM_SONAME, RTLD_NOW, err, &r);
		if (!lv->h_drm)
			return r;
	}
	lv->h_va = open_in(dir, VAD_LIBVA_SONAME, RTLD_NOW, err, &r);
	return lv->h_va ? 0 : r;
}

/* Step 3: the system's, by soname. */
static int libva_open_system(struct vad__libva *lv, char **err)
{
	const char *e;
	bool missing;

	lv->h_va = dlopen(VAD_LIBVA_SONAME, RTLD_NOW);
	if (lv->h_va)
		return 0;
	e = libva_dlerror();
	missing = dlerror_missing(e);
	return vad__set_strf(err, "%s: cannot load %s (%s); %s it (%s), or use the ffmpeg's own "
			     "libva (vadiscover --ffmpeg PATH)",
			     missing ? "libva is not installed" : "the libva found is broken",
			     VAD_LIBVA_SONAME, e, missing ? "install" : "reinstall",
			     VAD_LIBVA_INSTALL) < 0 ? -ENOMEM : -ELIBACC;
}

/*
 * libva-drm for the libva just opened: with a libva from step 1, the libva-drm loaded
 * beside it, else the one in its directory, else the system's; with step 2, the one in the
 * directory; with step 3, the system's. Whichever it is, its NEEDED libva.so.2 binds to the
 * libva already loaded (same soname).
 */
static int libva_open_drm(struct vad__libva *lv, int step, char **err)
{
	char *dir, *slash;
	int r = 0;

	if (step == 1) {
		lv->h_va_drm = dlopen(VAD_LIBVA_DRM_SONAME, RTLD_NOW | RTLD_NOLOAD);
		if (lv->h_va_drm)
			return 0;
		dlerror();
	}
	if (step == 2)
		return (lv->h_va_drm = open_in(lv->dir, VAD_LIBVA_DRM_SONAME, RTLD_NOW, err, &r))
			       ? 0 : r;
	if (step == 1) {
		dir = handle_path(lv->h_va);
		if (!dir)
			return -ENOMEM;
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			lv->h_va_drm = open_in(dir, VAD_LIBVA_DRM_SONAME, RTLD_NOW, err, &r);
		}
		free(dir);
		if (r == -ENOMEM)
			return r;
		if (lv->h_va_drm)
			return 0;
	}
	lv->h_va_drm = dlopen(VAD_LIBVA_DRM_SONAME, RTLD_NOW);
	if (!lv->h_va_drm) {
		const char *e = libva_dlerror();
		bool missing = dlerror_missing(e);

		return vad__set_strf(err, "%s: cannot load %s (%s); %s it (Debian/Ubuntu: apt "
				     "install libva-drm2)",
				     missing ? "libva-drm is not installed" : "the libva-drm found is broken",
				     VAD_LIBVA_DRM_SONAME, e, missing ? "install" : "reinstall") < 0
			       ? -ENOMEM : -ELIBACC;
	}
	return 0;
}

/* The entry points of libva (@drm false) or of libva-drm (@drm true). */
static int libva_resolve(struct vad__libva *lv, bool drm, char **err)
{
	void *handle = drm ? lv->h_va_drm : lv->h_va;

	for (size_t i = 0; i < sizeof(vad_va_syms) / sizeof(vad_va_syms[0]); i++) {
		const struct vad_va_sym *s = &vad_va_syms[i];
		void *sym;

		if (s->drm != drm)
			continue;
		dlerror();
		sym = dlsym(handle, s->name);
		if (!sym) {
			/* dlerror()'s text first: dlinfo() below resets it. */
			char *why = strdup(libva_dlerror());
			char *file = handle_path(handle);
			int r = -ENOMEM;

			if (why && file)
				r = vad__set_strf(err, "%s is not a usable %s: it lacks %s (%s); "
						  "install libva 2.x (%s)", file,
						  drm ? "libva-drm" : "libva", s->name, why,
						  VAD_LIBVA_INSTALL) < 0 ? -ENOMEM : -ELIBACC;
			free(why);
			free(file);
			return r;
		}
		/* POSIX: a function pointer and void * have the same representation. */
		memcpy((char *)&lv->fn + s->offset, &sym, sizeof(sym));
	}
	return 0;
}

static const char *const libva_steps[] = {
	NULL, "already loaded in this process", "from the directory set", "the system's",
};

static int libva_load_now(struct vad_context *ctx, struct vad__libva *lv)
{
	char *err = NULL;
	int step = 1, r = 0;

	libva_open_loaded(lv);
	if (!lv->h_va) {
		step = lv->dir ? 2 : 3;
		r = step == 2 ? libva_open_dir(lv, lv->dir, &err) : libva_open_system(lv, &err);
	}
	/* libva's own entry points before libva-drm is loaded: a file named libva.so.2 that is
	 * not libva is reported as such, not as libva-drm's unresolved symbols. */
	if (r == 0)
		r = libva_resolve(lv, false, &err);
	if (r == 0)
		r = libva_open_drm(lv, step, &err);
	if (r == 0)
		r = libva_resolve(lv, true, &err);
	if (r == 0) {
		lv->path = handle_path(lv->h_va);
		/* gcc 12's -fanalyzer loses the store just above and reports the string as leaked
		 * at this test: it is kept in lv->path, freed by libva_unload(). (gcc 10 is the
		 * first with the option; clang rejects options it does not know.) */
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
		if (!lv->path)
			r = -ENOMEM;
#if __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
	}
	if (r < 0) {
		libva_unload(lv);
		if (r == -ENOMEM) {
			free(err);
			return r;
		}
		lv->error = err;
		vad__log(ctx, VAD_LOG_ERROR, "libva: %s", err);
		return r;
	}
	free(err);	/* a fallback that worked (step 1's libva-drm) */
	lv->step = step;
	if (step != 3) {
		const char *slash = strrchr(lv->path, '/');

		lv->loaded_dir = step == 2 ? strdup(lv->dir)
			: slash && slash != lv->path ? strndup(lv->path, (size_t)(slash - lv->path))
			: NULL;
		if (!lv->loaded_dir && (step == 2 || (slash && slash != lv->path))) {
			libva_unload(lv);
			return -ENOMEM;
		}
	}
	lv->version = libva_file_version(lv->path);
	vad__log(ctx, VAD_LOG_DEBUG, "libva: %s (%s)", lv->path, libva_steps[step]);
	return 0;
}

int vad__libva_use(struct vad_context *ctx, const struct vad__va_fns **fn)
{
	struct vad__libva *lv = libva_state(ctx);
	int r = 0;

	*fn = NULL;
	if (!lv)
		return -ENOMEM;
	if (lv->error)
		return -ELIBACC;
	if (!lv->h_va)
		r = libva_load_now(ctx, lv);
	if (r == 0)
		*fn = &lv->fn;
	return r;
}

int vad__libva_helper_dir(struct vad_context *ctx, char **dir)
{
	const struct vad__va_fns *fn;
	int r = vad__libva_use(ctx, &fn);

	*dir = NULL;
	if (r < 0)
		return r;
	if (ctx->libva->loaded_dir) {
		*dir = strdup(ctx->libva->loaded_dir);
		if (!*dir)
			return -ENOMEM;
	}
	return 0;
}

/* dl_iterate_phdr(): a copy of the path of a libva.so.2 in the process (by its file name,
 * as the loader matches a soname it loaded: "libva.so.2", or a versioned "libva.so.2.N.0").
 * Returns 1 when found (*@data NULL then: out of memory). */
static int find_libva(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *base = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
	size_t n = strlen(VAD_LIBVA_SONAME);

	(void)size;
	base = base ? base + 1 : info->dlpi_name;
	if (!base || strncmp(base, VAD_LIBVA_SONAME, n) != 0 || (base[n] && base[n] != '.'))
		return 0;
	*(char **)data = strdup(info->dlpi_name);
	return 1;
}

int vad__libva_choice(struct vad_context *ctx, struct vad_str *t, const char **want)
{
	struct vad__libva *lv = libva_state(ctx);

	*want = NULL;
	if (!lv)
		return -ENOMEM;
	if (lv->error)
		return -ELIBACC;
	/* A libva already in the process is the one a load by soname gives too: "system",
	 * and the answer must name that very file. */
	if (lv->h_va) {
		if (lv->step == 2)
			vad__str_addf(t, "dir %s", lv->loaded_dir);
		else
			vad__str_addf(t, "system");
		*want = lv->path;
		return 0;
	}
	/* The order of libva_load_now(), without loading: the objects in the process are
	 * read from memory (dlopen() with RTLD_NOLOAD would search the loader's cache and
	 * open the file it finds), once until vad_scan(). */
	if (lv->in_process < 0) {
		char *name = NULL;
		int found = dl_iterate_phdr(find_libva, &name);

		if (found && !name)
			return -ENOMEM;
		lv->in_process = found;
		if (found) {
			char *real = realpath(name, NULL);

			free(lv->in_process_path);
			lv->in_process_path = real ? real : name;
			if (real)
				free(name);
		}
	}
	if (lv->in_process) {
		vad__str_addf(t, "system");
		*want = lv->in_process_path;
	} else if (lv->dir) {
		vad__str_addf(t, "dir %s", lv->dir);
	} else {
		/* The loader's own search: an answer of a process that searched too (not one
		 * of a process with a libva of its own). */
		vad__str_addf(t, "system");
		*want = "";
	}
	return 0;
}

int vad__libva_files(struct vad_context *ctx, char **out)
{
	struct vad__libva *lv = ctx->libva;
	struct vad_str t = { 0 };

	*out = NULL;
	if (!lv || !lv->h_va || !lv->path)
		return -ENOENT;
	vad__str_addf(&t, "%s\n", lv->path);
	/* What the loader would take: the name opened (a symlink may be pointed elsewhere),
	 * or for the system's, the loader's cache, which ldconfig rewrites on any change. */
	if (lv->step == 2)
		vad__str_addf(&t, "%s/%s\n", lv->loaded_dir, VAD_LIBVA_SONAME);
	else if (lv->step == 3)
		vad__str_addf(&t, "/etc/ld.so.cache\n");
	*out = vad__str_done(&t);
	return *out ? 0 : -ENOMEM;
}

void vad__libva_rescan(struct vad_context *ctx)
{
	struct vad__libva *lv = ctx->libva;

	if (!lv)
		return;
	if (lv->error || lv->dir_changed)
		libva_unload(lv);
	lv->dir_changed = false;
	lv->in_process = -1;
	free(lv->in_process_path);
	lv->in_process_path = NULL;
}

void vad__libva_free(struct vad_context *ctx)
{
	struct vad__libva *lv = ctx->libva;

	if (!lv)
		return;
	libva_unload(lv);
	free(lv->dir);
	free(lv);
	ctx->libva = NULL;
}

int vad_set_libva_dir(struct vad_context *ctx, const char *dir)
{
	struct vad__libva *lv;
	char *copy = NULL;

	if (!ctx || (dir && dir[0] != '/'))
		return -EINVAL;
	lv = libva_state(ctx);
	if (!lv)
		return -ENOMEM;
	if (dir) {
		copy = strdup(dir);
		if (!copy)
			return -ENOMEM;
	}
	free(lv->dir);
	lv->dir = copy;
	if (lv->h_va)
		lv->dir_changed = true;		/* the loaded one stays until vad_scan() */
	else if (lv->error)
		libva_unload(lv);	/* nothing loaded: the next probe tries @dir */
	return 0;
}

int vad_libva_load(struct vad_context *ctx)
{
	const struct vad__va_fns *fn;

	if (!ctx)
		return -EINVAL;
	return vad__libva_use(ctx, &fn);
}

const char *vad_get_libva_path(const struct vad_context *ctx)
{
	return ctx && ctx->libva ? ctx->libva->path : NULL;
}

int vad_get_libva_version(const struct vad_context *ctx)
{
	return ctx && ctx->libva && ctx->libva->path ? ctx->libva->version : -ENOENT;
}

const char *vad_get_libva_error(const struct vad_context *ctx)
{
	return ctx && ctx->libva ? ctx->libva->error : NULL;
}

const char *vad_device_get_required_va_driver(const struct vad_device *dev)
{
	vad__device_driver(dev);
	if (dev->kernel_driver && strcmp(dev->kernel_driver, "xe") == 0 &&
	    !secure_getenv("LIBVA_DRIVER_NAME") && !secure_getenv("LIBVA_DRIVER_NAME_JELLYFIN"))
		return "iHD";
	return NULL;
}
