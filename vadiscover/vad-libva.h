/*
 * libvadiscover internals: the libva loaded at run time (libva.c) and the entry points the
 * probe (probe.c) calls through.
 *
 * SPDX-License-Identifier: MIT
 *
 * libva's headers give the prototypes (their ABI is stable across libva 2.x); the library
 * is never linked against libva: each entry point is looked up with dlsym() in the
 * libva.so.2 / libva-drm.so.2 that vad__libva_use() loads, and kept in the context.
 */
#ifndef VAD_LIBVA_H
#define VAD_LIBVA_H

#include <va/va.h>
#include <va/va_drm.h>

#include "vadiscover/vad-private.h"

/* The libva entry points the probe uses, each with the prototype of libva's header. */
struct vad__va_fns {
	__typeof__(&vaGetDisplayDRM) vaGetDisplayDRM;		/* libva-drm.so.2 */
	__typeof__(&vaSetErrorCallback) vaSetErrorCallback;	/* the rest: libva.so.2 */
	__typeof__(&vaSetInfoCallback) vaSetInfoCallback;
	__typeof__(&vaSetDriverName) vaSetDriverName;
	__typeof__(&vaInitialize) vaInitialize;
	__typeof__(&vaTerminate) vaTerminate;
	__typeof__(&vaErrorStr) vaErrorStr;
	__typeof__(&vaQueryVendorString) vaQueryVendorString;
	__typeof__(&vaMaxNumProfiles) vaMaxNumProfiles;
	__typeof__(&vaMaxNumEntrypoints) vaMaxNumEntrypoints;
	__typeof__(&vaQueryConfigProfiles) vaQueryConfigProfiles;
	__typeof__(&vaQueryConfigEntrypoints) vaQueryConfigEntrypoints;
	__typeof__(&vaGetConfigAttributes) vaGetConfigAttributes;
};

/* One context's libva: what was asked for, what is loaded (or why nothing is). */
struct vad__libva {
	char *dir;		/* vad_set_libva_dir(): the directory to load from, or NULL */
	bool dir_changed;	/* set while a libva is loaded: applied by the next vad_scan() */
	void *h_drm;		/* dlopen() handles; NULL when not loaded */
	void *h_va;
	void *h_va_drm;
	char *path;		/* realpath of the libva.so.2 loaded */
	int version;		/* major * 100 + minor from its file name, or -ENOENT */
	char *error;		/* why the last load failed (kept until vad_scan()), or NULL */
	int step;		/* how the loaded one was found: 1 in the process, 2 dir, 3 soname */
	char *loaded_dir;	/* step 1: its directory; step 2: the directory set; else NULL */
	int in_process;		/* while none is loaded: whether the process has one (step 1),
				 * 1 or 0, or -1 when not looked at yet (vad__libva_choice()) */
	char *in_process_path;	/* then its file, symlinks resolved */
	struct vad__va_fns fn;
};

/*
 * vad__libva_use - load libva for @ctx if not loaded yet, and give its entry points.
 * Returns 0 (*@fn set), -ELIBACC (vad_get_libva_error() says why; a failed load is not
 * retried before the next vad_scan() or vad_set_libva_dir()) or -ENOMEM.
 */
int vad__libva_use(struct vad_context *ctx, const struct vad__va_fns **fn);

#endif
