/*
 * vad-select-helper [-L DIR] [SPEC]: vad_select() in a fresh process, for tests that must
 * vary what the dynamic loader gives the library (test-select's run-time libva tests).
 * -L DIR: vad_set_libva_dir(DIR) first.
 * Prints "RESULT NODE" (NODE "-" when none), then "NODE VERDICT: REASON [VA-DRIVER]" per
 * device, then "libva: PATH VERSION" (or "libva: - ERROR") for the libva the library used,
 * and "mapped: PATH" for the libva.so.2 this process had mapped before the library ran
 * ("-" when none).
 *
 * Built twice (tests/build.mk): vad-select-helper, which has no libva of its own, and
 * vad-select-helper-linked, linked against libva and libva-drm as a patched FFmpeg is.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vadiscover/vadiscover.h"

static void mapped_libva(char *out)
{
	void *h = dlopen("libva.so.2", RTLD_NOW | RTLD_NOLOAD);
	struct link_map *lm = NULL;

	strcpy(out, "-");
	if (!h)
		return;
	if (dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm && !realpath(lm->l_name, out))
		snprintf(out, PATH_MAX, "%s", lm->l_name);
	dlclose(h);
}

int main(int argc, char **argv)
{
	struct vad_context *ctx = NULL;
	struct vad_spec *spec = NULL;
	struct vad_device *out = NULL;
	char err[256] = "", mapped[PATH_MAX];
	const char *dir = NULL;
	int r, v;

	mapped_libva(mapped);
	if (argc > 2 && strcmp(argv[1], "-L") == 0) {
		dir = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (vad_new(&ctx) < 0)
		return 2;
	if (dir && vad_set_libva_dir(ctx, dir) < 0) {
		fprintf(stderr, "vad-select-helper: vad_set_libva_dir(%s) failed\n", dir);
		vad_unref(ctx);
		return 2;
	}
	if (vad_spec_new(&spec, argc > 1 ? argv[1] : "", err, sizeof(err)) < 0) {
		fprintf(stderr, "vad-select-helper: %s\n", err);
		vad_unref(ctx);
		return 2;
	}
	r = vad_select(ctx, spec, 0, &out);
	printf("%d %s\n", r, out ? vad_device_get_node(out) : "-");
	for (size_t i = 0; i < vad_device_count(ctx); i++) {
		struct vad_device *d = vad_device_get(ctx, i);
		const char *drv = vad_device_get_va_driver(d);

		printf("%s %s: %s [%s]\n", vad_device_get_node(d),
		       vad_verdict_name(vad_device_get_verdict(d)), vad_device_get_reason(d),
		       drv ? drv : "-");
	}
	v = vad_get_libva_version(ctx);
	if (vad_get_libva_path(ctx))
		printf("libva: %s %d\n", vad_get_libva_path(ctx), v);
	else
		printf("libva: - %s\n", vad_get_libva_error(ctx) ? vad_get_libva_error(ctx) : "-");
	printf("mapped: %s\n", mapped);
	vad_spec_free(spec);
	vad_unref(ctx);
	return r < 0 ? 1 : 0;
}
