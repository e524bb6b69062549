/*
 * vad-select-helper [SPEC]: vad_select() in a fresh process, for tests that must vary what
 * the dynamic loader gives the library (test-select's runtime libva version test).
 * Prints "RESULT NODE" (NODE "-" when none), then "NODE VERDICT: REASON VA-DRIVER" per
 * device.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include "vadiscover/vadiscover.h"

int main(int argc, char **argv)
{
	struct vad_context *ctx = NULL;
	struct vad_spec *spec = NULL;
	struct vad_device *out = NULL;
	char err[256] = "";
	int r;

	if (vad_new(&ctx) < 0)
		return 2;
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
	vad_spec_free(spec);
	vad_unref(ctx);
	return r < 0 ? 1 : 0;
}
