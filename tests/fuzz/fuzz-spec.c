/*
 * Fuzz target: the selection spec (vadiscover/spec.c).
 *
 * The input is a spec text for vad_spec_new(). Whenever it parses, its canonical text
 * (vad_spec_to_string()) must parse again, to the same spec (every field) with the same
 * canonical text. The same input, cut at its first '=', is also a key and a value for
 * vad_spec_set(), on an empty spec and on the spec parsed above: whenever that is
 * accepted, the same holds for the result; when it is refused, the spec is as it was. And
 * that key is removed again with vad_spec_unset(), with the same checks.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vadiscover/vad-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz-spec: %s:%d: %s\n", __FILE__, __LINE__, #cond);  \
			abort();                                                            \
		}                                                                           \
	} while (0)

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_strv(char **a, char **b)
{
	if (!a || !b)
		return a == b;
	for (; *a && *b; a++, b++)
		if (strcmp(*a, *b))
			return false;
	return !*a && !*b;
}

/* Every field a selection reads (vad_spec_get_driver() and select.c read the struct). */
static bool same_spec(const struct vad_spec *a, const struct vad_spec *b)
{
	if (a->set != b->set)
		return false;
	for (int k = 0; k < VAD_KEY_COUNT; k++) {
		if (!vad__spec_has(a, (enum vad__spec_key)k))
			continue;
		switch (k) {
		case VAD_KEY_VENDOR: if (a->vendor != b->vendor) return false; break;
		case VAD_KEY_KERNEL_DRIVER:
			if (!same_strv(a->kernel_drivers, b->kernel_drivers)) return false;
			break;
		case VAD_KEY_DRIVER: if (!same_str(a->driver, b->driver)) return false; break;
		case VAD_KEY_PCI: if (!same_str(a->pci, b->pci)) return false; break;
		case VAD_KEY_ROLE: if (a->role != b->role) return false; break;
		case VAD_KEY_VF: if (a->vf != b->vf) return false; break;
		case VAD_KEY_NODE: if (!same_str(a->node, b->node)) return false; break;
		case VAD_KEY_DECODE: if (a->decode != b->decode) return false; break;
		case VAD_KEY_ENCODE: if (a->encode != b->encode) return false; break;
		case VAD_KEY_INDEX: if (a->index != b->index) return false; break;
		}
	}
	return same_str(vad_spec_get_driver(a), vad_spec_get_driver(b));
}

/* @spec's canonical text parses to the same spec, whose canonical text is the same. */
static void check_round_trip(struct vad_spec *spec)
{
	char err[256];
	struct vad_spec *again = NULL;
	const char *text = vad_spec_to_string(spec);
	int r;

	CHECK(text);
	r = vad_spec_new(&again, text, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "fuzz-spec: canonical text '%s' does not parse: %s\n", text, err);
	CHECK(r == 0);
	CHECK(same_spec(spec, again));
	CHECK(!strcmp(vad_spec_to_string(again), text));
	vad_spec_free(again);
}

/* vad_spec_set(@spec, @key, @value): accepted, the spec round-trips and has @key; refused,
 * the spec's canonical text is what it was. */
static void check_set(struct vad_spec *spec, const char *key, const char *value)
{
	char err[256], *before = strdup(vad_spec_to_string(spec));
	int r;

	CHECK(before);
	r = vad_spec_set(spec, key, value, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL);
	if (r == 0) {
		check_round_trip(spec);
	} else {
		CHECK(err[0]);
		CHECK(!strcmp(vad_spec_to_string(spec), before));
	}
	free(before);
}

/* vad_spec_unset(@spec, @key): done, the spec round-trips; refused (an unknown key), the
 * spec's canonical text is what it was. */
static void check_unset(struct vad_spec *spec, const char *key)
{
	char err[256], *before = strdup(vad_spec_to_string(spec));
	int r;

	CHECK(before);
	r = vad_spec_unset(spec, key, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL);
	if (r == 0) {
		check_round_trip(spec);
	} else {
		CHECK(err[0]);
		CHECK(!strcmp(vad_spec_to_string(spec), before));
	}
	free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size);
	char err[256];
	struct vad_spec *spec = NULL, *empty = NULL;
	int r;

	if (!text)
		return 0;
	r = vad_spec_new(&spec, text, err, sizeof(err));
	CHECK(r == 0 || r == -EINVAL);
	CHECK(r == 0 ? spec != NULL : (spec == NULL && err[0]));
	if (spec)
		check_round_trip(spec);

	char *eq = strchr(text, '=');
	if (eq) {
		*eq = '\0';
		CHECK(vad_spec_new(&empty, NULL, NULL, 0) == 0);
		check_set(empty, text, eq + 1);
		check_unset(empty, text);
		if (spec) {
			check_set(spec, text, eq + 1);
			check_unset(spec, text);
		}
	}
	vad_spec_free(empty);
	vad_spec_free(spec);
	free(text);
	return 0;
}
