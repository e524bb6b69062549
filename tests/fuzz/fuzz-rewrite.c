/*
 * Fuzz target: the ffmpeg wrapper's argv rewriter (fftools-wrapper/rewrite.c).
 *
 * The input is a command line after argv[0], one argument per line ('\n'; an empty line is
 * an empty argument). It is rewritten for every release table (enum vfw_release, UNKNOWN
 * included) in every mode, against a table resolver like test-wrapper-argv's (no GPU):
 * four nodes, an Intel one on i915, one on xe (it needs driver=iHD named), an AMD one and an
 * NVIDIA one without VA. What must hold:
 *
 *  1. Off: the result is the caller's argv, pointer for pointer, and nothing is asked.
 *  2. The caller's strings are not written to.
 *  3. Every argument that is not a device argument comes out byte-identical and in order:
 *     the result is the input, pointer for pointer, except that (a) the value of a device
 *     option (-init_hw_device, -vaapi_device, -qsv_device, -hwaccel_device, each with an
 *     optional stream specifier) may be replaced by a new string that names one of the
 *     resolver's nodes, and (b) the pair "-hwaccel_deviceSPEC NODE" may be inserted right
 *     after "-hwaccelSPEC vaapi". Nothing else is added, dropped or moved. (That an option's
 *     value really is one is the rewriter's own parse; this check only needs the weaker
 *     fact that a replaced argument follows a device option.)
 *  4. Something changed exactly when nchanged > 0, and then there is a report.
 *  5. Rewriting the result again (same release, same mode) changes nothing, and gives the
 *     same log level. Why this holds, and is the invariant to check: after the first pass
 *     every device argument names a node the resolver accepts (one check() accepted, or
 *     the one select() chose) and the driver that node requires, if any, is named; and
 *     what the first pass added changes how no other argument is read: an inserted
 *     "-hwaccel_device NODE" is a whole option with its value, and a node put into a value
 *     stays inside that value. So the second pass finds the same devices (a -hwaccel
 *     vaapi without a device now has one: a site of its own, kept as given), asks about
 *     nodes that all pass, and keeps them. This needs a consistent resolver: select()
 *     answers a node that check() accepts with the same filters, also once the driver
 *     that node requires is added to them (the second pass sees the ",driver=iHD" the
 *     first appended). The table below is one; libvadiscover is too (a node is judged by
 *     what it is, whatever it is called).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fftools-wrapper/rewrite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz-rewrite: %s:%d: %s\n", __FILE__, __LINE__,       \
				#cond);                                                     \
			abort();                                                            \
		}                                                                           \
	} while (0)

struct tnode {
	const char *path;
	unsigned int vendor;
	const char *kernel_driver;
	const char *va;		/* the VA driver that initialises on it, or "" */
	const char *required;	/* the VA driver the program must name, or NULL */
};

static const struct tnode nodes[] = {
	{ "/dev/dri/renderD128", 0x8086, "i915", "iHD", NULL },
	{ "/dev/dri/renderD129", 0x8086, "xe", "iHD", "iHD" },
	{ "/dev/dri/renderD130", 0x1002, "amdgpu", "radeonsi", NULL },
	{ "/dev/dri/renderD131", 0x10de, "nvidia-drm", "", NULL },
};
#define NNODES (sizeof(nodes) / sizeof(nodes[0]))

struct tres {
	int calls;
	char why[64];
};

static const char *default_va(const struct tnode *n)
{
	if (!strcmp(n->kernel_driver, "amdgpu"))
		return "radeonsi";
	if (!strcmp(n->kernel_driver, "nvidia-drm"))
		return "nvidia";
	return "iHD";
}

static bool matches(const struct tnode *n, const struct vfw_filters *f)
{
	const char *drv = f->driver ? f->driver : default_va(n);

	if (f->vendor && strtoul(f->vendor, NULL, 0) != n->vendor)
		return false;
	if (f->kernel_driver && strcmp(f->kernel_driver, n->kernel_driver))
		return false;
	return n->va[0] && !strcmp(n->va, drv);
}

static int t_check(void *data, const char *node, const struct vfw_filters *f,
		   const char **va_driver, const char **why)
{
	struct tres *t = data;

	t->calls++;
	*va_driver = NULL;
	snprintf(t->why, sizeof(t->why), "no such node");
	*why = t->why;
	for (size_t i = 0; i < NNODES; i++) {
		if (strcmp(nodes[i].path, node))
			continue;
		if (!matches(&nodes[i], f)) {
			snprintf(t->why, sizeof(t->why), "does not match");
			return -ENODEV;
		}
		*va_driver = nodes[i].required;
		return 0;
	}
	return -ENOENT;
}

static int t_select(void *data, const struct vfw_filters *f, const char **node,
		    const char **va_driver, const char **why)
{
	struct tres *t = data;

	t->calls++;
	*va_driver = NULL;
	for (size_t i = 0; i < NNODES; i++) {
		if (matches(&nodes[i], f)) {
			*node = nodes[i].path;
			*va_driver = nodes[i].required;
			return 0;
		}
	}
	snprintf(t->why, sizeof(t->why), "no device");
	*why = t->why;
	return -ENODEV;
}

static bool names_node(const char *s)
{
	for (size_t i = 0; i < NNODES; i++)
		if (strstr(s, nodes[i].path))
			return true;
	return false;
}

/* "-NAME" or "-NAME:SPEC"; *spec receives the ":SPEC" part. */
static bool is_option(const char *arg, const char *name, const char **spec)
{
	size_t n = strlen(name);

	if (arg[0] != '-' || strncmp(arg + 1, name, n) || (arg[1 + n] && arg[1 + n] != ':'))
		return false;
	if (spec)
		*spec = arg + 1 + n;
	return true;
}

static bool is_device_option(const char *arg)
{
	return is_option(arg, "init_hw_device", NULL) || is_option(arg, "vaapi_device", NULL) ||
	       is_option(arg, "qsv_device", NULL) || is_option(arg, "hwaccel_device", NULL);
}

/* Invariant 3: @out is @in with device values replaced and -hwaccel_device pairs added. */
static void check_shape(int argc, char *const *in, const struct vfw_result *out)
{
	int i = 0, j = 0;
	bool changed = false;

	CHECK(out->argc >= argc);
	CHECK(out->argv[out->argc] == NULL);
	while (i < argc && j < out->argc) {
		if (out->argv[j] == in[i]) {
			i++, j++;
			continue;
		}
		changed = true;
		const char *spec;
		if (i >= 2 && out->argv[j - 1] == in[i - 1] && out->argv[j - 2] == in[i - 2] &&
		    !strcmp(in[i - 1], "vaapi") && is_option(in[i - 2], "hwaccel", &spec) &&
		    j + 1 < out->argc && is_option(out->argv[j], "hwaccel_device", NULL) &&
		    !strcmp(out->argv[j] + strlen("-hwaccel_device"), spec) &&
		    names_node(out->argv[j + 1]) &&
		    out->argv[j + 1][0] == '/') {
			j += 2;	/* an inserted pair */
			continue;
		}
		/* a replaced device value */
		CHECK(i >= 1 && is_device_option(in[i - 1]));
		CHECK(strcmp(out->argv[j], in[i]) != 0);
		CHECK(names_node(out->argv[j]));
		i++, j++;
	}
	CHECK(i == argc && j == out->argc);
	CHECK(changed == (out->nchanged > 0));
	CHECK(!!out->report == (out->nchanged > 0));
}

static void rewrite_one(int argc, char **argv, enum vfw_mode mode, enum vfw_release rel)
{
	struct tres t = { 0 };
	struct vfw_resolver r = { t_check, t_select, &t, NULL };
	struct vfw_result res, again;

	if (vfw_rewrite(argc, argv, mode, rel, &r, &res) < 0)
		return;	/* -ENOMEM */
	if (mode == VFW_MODE_OFF) {
		CHECK(res.argc == argc && t.calls == 0 && res.nchanged == 0);
		for (int i = 0; i <= argc; i++)
			CHECK(res.argv[i] == argv[i]);
		vfw_result_release(&res);
		return;
	}
	check_shape(argc, argv, &res);

	/* Invariant 5: a second rewrite of the result changes nothing. */
	if (vfw_rewrite(res.argc, res.argv, mode, rel, &r, &again) == 0) {
		if (again.nchanged != 0) {
			fprintf(stderr, "fuzz-rewrite: %s, FFmpeg %s: rewritten twice:\n",
				vfw_mode_name(mode), vfw_release_name(rel));
			for (int i = 0; i < res.argc; i++)
				fprintf(stderr, "  [%d] '%s' -> '%s'\n", i, res.argv[i],
					i < again.argc ? again.argv[i] : "");
		}
		CHECK(again.nchanged == 0);
		CHECK(again.argc == res.argc);
		for (int i = 0; i <= res.argc; i++)
			CHECK(again.argv[i] == res.argv[i]);
		CHECK(again.loglevel == res.loglevel);
		vfw_result_release(&again);
	}
	vfw_result_release(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *copy = malloc(size + 1);
	char **argv;
	int argc = 0;

	if (!buf || !copy) {
		free(buf);
		free(copy);
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv = calloc(size + 3, sizeof(*argv));
	if (!argv) {
		free(buf);
		free(copy);
		return 0;
	}
	argv[argc++] = "ffmpeg";
	if (size > 0) {
		for (char *p = buf;; p++) {
			char *nl = strchr(p, '\n');

			argv[argc++] = p;
			if (!nl)
				break;
			*nl = '\0';
			p = nl;
		}
	}
	argv[argc] = NULL;
	memcpy(copy, buf, size + 1);

	for (int rel = VFW_RELEASE_UNKNOWN; rel <= VFW_RELEASE_9; rel++)
		for (int m = VFW_MODE_AUTO; m <= VFW_MODE_OFF; m++)
			rewrite_one(argc, argv, (enum vfw_mode)m, (enum vfw_release)rel);

	/* Invariant 2: the caller's bytes are untouched. */
	CHECK(!memcmp(buf, copy, size + 1));
	vfw_loglevel_parse(buf, &(int){ 0 });
	free(argv);
	free(buf);
	free(copy);
	return 0;
}
