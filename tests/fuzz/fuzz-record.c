/*
 * Fuzz target: the probe record reader (vadiscover/record.c) and the probe cache file
 * reader around it (vadiscover/cache.c).
 *
 * The input is given, in a buffer of exactly its size (a pipe's bytes carry no NUL), to
 * vad__record_read() without and with @used. Whenever a record is read, writing the
 * device back (vad__record_write()) gives a record that reads again to the same fields and
 * writes again to the same bytes; with @used, the first *used bytes alone are the same
 * record. A refused record leaves the device untouched.
 * The input is also a cache file for vad__cache_parse() (NUL-terminated, as the cache reads
 * its files), for the key "fuzz" and for the key the file itself names, so that a file
 * can get past the key to the record inside.
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
			fprintf(stderr, "fuzz-record: %s:%d: %s\n", __FILE__, __LINE__,        \
				#cond);                                                     \
			abort();                                                            \
		}                                                                           \
	} while (0)

static void dev_init(struct vad_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->va.status = -EAGAIN;
	dev->va.version = -EAGAIN;
}

static void dev_fini(struct vad_device *dev)
{
	free(dev->va.vendor);
	free(dev->va.driver);
	free(dev->va.error);
	free(dev->va.files);
	memset(dev, 0, sizeof(*dev));
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_va(const struct vad_device *a, const struct vad_device *b)
{
	return a->va.status == b->va.status && a->va.open_failed == b->va.open_failed &&
	       a->va.version == b->va.version && a->va.decode == b->va.decode &&
	       a->va.encode == b->va.encode && a->va.vpp == b->va.vpp &&
	       same_str(a->va.vendor, b->va.vendor) && same_str(a->va.driver, b->va.driver) &&
	       same_str(a->va.error, b->va.error);
}

static void check_record(const uint8_t *data, size_t size, bool with_used)
{
	char *buf = malloc(size ? size : 1);
	struct vad_device dev, again;
	size_t used = (size_t)-1;
	int r;

	if (!buf)
		return;
	memcpy(buf, data, size);
	dev_init(&dev);
	r = vad__record_read(buf, size, &dev.va, with_used ? &used : NULL);
	CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r < 0) {
		struct vad_device fresh;

		dev_init(&fresh);
		CHECK(!memcmp(&dev, &fresh, sizeof(dev)));	/* untouched */
		free(buf);
		return;
	}
	if (with_used) {
		CHECK(used > 0 && used <= size);
		dev_init(&again);
		CHECK(vad__record_read(buf, used, &again.va, NULL) == 0);
		CHECK(same_va(&dev, &again));
		dev_fini(&again);
	}

	char *out = NULL, *out2 = NULL;
	size_t len = 0, len2 = 0;

	if (vad__record_write(&dev.va, &out, &len) == 0) {
		dev_init(&again);
		CHECK(vad__record_read(out, len, &again.va, NULL) == 0);
		CHECK(same_va(&dev, &again));
		if (vad__record_write(&again.va, &out2, &len2) == 0) {
			CHECK(len2 == len && !memcmp(out, out2, len));
			free(out2);
		}
		dev_fini(&again);
		free(out);
	}
	dev_fini(&dev);
	free(buf);
}

static void check_cache(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	struct vad_device dev;
	static const char head[] = "vadiscover-cache 2\nexpires ";

	if (!buf)
		return;
	memcpy(buf, data, size);
	buf[size] = '\0';
	dev_init(&dev);
	int r = vad__cache_parse(buf, size, "fuzz", 0, &dev.va);

	CHECK(r == 0 || r == 1 || r == -ENOMEM);
	dev_fini(&dev);

	/* The key the file names ("key N\nBYTES\n" after the expires and written lines),
	 * when it has one. */
	const char *k = size > sizeof(head) && !memcmp(buf, head, sizeof(head) - 1)
				? memchr(buf + sizeof(head) - 1, '\n', size - (sizeof(head) - 1))
				: NULL;
	if (k && !strncmp(k + 1, "written ", 8))
		k = memchr(k + 1, '\n', size - (size_t)(k + 1 - buf));
	if (k && !strncmp(k + 1, "key ", 4)) {
		char *end;
		unsigned long n = strtoul(k + 5, &end, 10);

		if (*end == '\n' && n < 16384 && (size_t)(end + 1 - buf) + n <= size) {
			char *key = strndup(end + 1, n);

			if (key) {
				dev_init(&dev);
				r = vad__cache_parse(buf, size, key, 0, &dev.va);
				CHECK(r == 0 || r == 1 || r == -ENOMEM);
				if (r == 1)
					CHECK(dev.va.status != -EAGAIN);
				dev_fini(&dev);
				free(key);
			}
		}
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_record(data, size, false);
	check_record(data, size, true);
	check_cache(data, size);
	return 0;
}
