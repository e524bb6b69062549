/*
 * A probe result as bytes: what the probe helper writes to its pipe and what the probe
 * cache keeps in its files. One format, one writer and one strict reader for both.
 *
 * SPDX-License-Identifier: MIT
 *
 * Format (version 1), text, one field per line, in this order, nothing left out:
 *
 *     vadiscover-record 1
 *     status -5                  0, or a negative errno (-1..-4095; not -EAGAIN, not -ENOMEM)
 *     open-failed 0              0|1: status is the errno of open()
 *     version 117                VA major * 100 + minor (0..9999), or -11 (never initialised)
 *     decode 0x3ff               bits of enum vad_codec only
 *     encode 0x0
 *     vpp 1                      0|1
 *     vendor 9                   byte count (0..1024) or -1 for none; the bytes follow on
 *     Intel iHD                  the next line, then a newline
 *     driver 3                   0..64 bytes of [A-Za-z0-9_.-], or -1
 *     iHD
 *     error -1                   0..2048 bytes, or -1
 *     end
 *
 * Numbers are plain decimal (hex with 0x for the codec masks), no sign but '-', no leading
 * zeros, no spaces. String bytes are printable: none below 0x20, no 0x7f (the writer turns
 * such bytes into '?'). The reader checks every field against these bounds and the
 * consistency of the whole (a capable result has no error and a version; a failed one
 * has an error and no codecs), and accepts nothing after "end". Anything else is -EINVAL,
 * and the answer is left untouched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vadiscover/vad-private.h"

#define VAD_RECORD_MAGIC "vadiscover-record 1"
#define VAD_CODEC_MASK ((1u << VAD_CODEC_COUNT) - 1)

static void add_string(struct vad_str *b, const char *name, const char *s, size_t max,
		       bool is_name)
{
	size_t n;

	if (!s) {
		vad__str_addf(b, "%s -1\n", name);
		return;
	}
	n = strlen(s);
	if (n > max)
		n = max;
	vad__str_addf(b, "%s %zu\n", name, n);
	for (size_t i = 0; i < n && !b->failed; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = is_name ? ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				     (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')
				  : (c >= 0x20 && c != 0x7f);
		char out = ok ? (char)c : '?';

		vad__str_addn(b, &out, 1);
	}
	vad__str_addn(b, "\n", 1);
}

int vad__record_write(const struct vad__va *va, char **out, size_t *len)
{
	struct vad_str b = { 0 };

	*out = NULL;
	*len = 0;
	vad__str_addn(&b, VAD_RECORD_MAGIC "\n", strlen(VAD_RECORD_MAGIC) + 1);
	vad__str_addf(&b, "status %d\n", va->status);
	vad__str_addf(&b, "open-failed %d\n", va->open_failed ? 1 : 0);
	vad__str_addf(&b, "version %d\n", va->version);
	vad__str_addf(&b, "decode 0x%x\n", va->status == 0 ? va->decode & VAD_CODEC_MASK : 0);
	vad__str_addf(&b, "encode 0x%x\n", va->status == 0 ? va->encode & VAD_CODEC_MASK : 0);
	vad__str_addf(&b, "vpp %d\n", va->status == 0 && va->vpp ? 1 : 0);
	add_string(&b, "vendor", va->vendor, VAD_RECORD_VENDOR_MAX, false);
	add_string(&b, "driver", va->driver, VAD_RECORD_DRIVER_MAX, true);
	add_string(&b, "error", va->status == 0 ? NULL : va->error, VAD_RECORD_ERROR_MAX, false);
	vad__str_addn(&b, "end\n", 4);
	*len = b.len;
	*out = vad__str_done(&b);
	if (!*out) {
		*len = 0;
		return -ENOMEM;
	}
	return 0;
}

/* The reader's position in the bytes. */
struct vad_in {
	const char *p, *end;
};

/* The next line without its newline into @line (at most @max bytes); false when there is
 * none, it is too long, or it holds a NUL. */
static bool next_line(struct vad_in *in, char *line, size_t max)
{
	const char *nl = memchr(in->p, '\n', (size_t)(in->end - in->p));
	size_t n;

	if (!nl)
		return false;
	n = (size_t)(nl - in->p);
	if (n >= max || memchr(in->p, '\0', n))
		return false;
	memcpy(line, in->p, n);
	line[n] = '\0';
	in->p = nl + 1;
	return true;
}

/* A strict decimal integer in [@min, @max]: '-' only for negatives, no leading zeros. */
static bool parse_int(const char *s, long min, long max, long *out)
{
	bool neg = *s == '-';
	long v = 0;

	if (neg)
		s++;
	if (*s < '0' || *s > '9' || (*s == '0' && (s[1] || neg)))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* "0x" and 1..8 lower-case hex digits, no leading zeros but "0x0". */
static bool parse_mask(const char *s, unsigned int *out)
{
	unsigned int v = 0;
	size_t n;

	if (strncmp(s, "0x", 2) != 0)
		return false;
	s += 2;
	n = strlen(s);
	if (n == 0 || n > 8 || (s[0] == '0' && n > 1))
		return false;
	for (; *s; s++) {
		int d = (*s >= '0' && *s <= '9') ? *s - '0' : (*s >= 'a' && *s <= 'f') ? *s - 'a' + 10 : -1;

		if (d < 0)
			return false;
		v = v * 16 + (unsigned int)d;
	}
	*out = v;
	return true;
}

/* "NAME VALUE" with an integer value. */
static bool field_int(struct vad_in *in, const char *name, long min, long max, long *out)
{
	char line[64];
	size_t n = strlen(name);

	return next_line(in, line, sizeof(line)) && strncmp(line, name, n) == 0 &&
	       line[n] == ' ' && parse_int(line + n + 1, min, max, out);
}

static bool field_mask(struct vad_in *in, const char *name, unsigned int *out)
{
	char line[64];
	size_t n = strlen(name);

	return next_line(in, line, sizeof(line)) && strncmp(line, name, n) == 0 &&
	       line[n] == ' ' && parse_mask(line + n + 1, out) && !(*out & ~VAD_CODEC_MASK);
}

/* "NAME COUNT\nBYTES\n" or "NAME -1\n": *@out malloc'ed or NULL. false when malformed;
 * -ENOMEM through *@nomem. */
static bool field_string(struct vad_in *in, const char *name, size_t max, bool is_name,
			 char **out, bool *nomem)
{
	long n;

	*out = NULL;
	if (!field_int(in, name, -1, (long)max, &n))
		return false;
	if (n < 0)
		return true;
	if ((size_t)(in->end - in->p) < (size_t)n + 1 || in->p[n] != '\n')
		return false;
	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in->p[i];
		bool ok = is_name ? ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				     (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')
				  : (c >= 0x20 && c != 0x7f);

		if (!ok)
			return false;
	}
	if (is_name && n == 0)
		return false;
	*out = strndup(in->p, (size_t)n);
	if (!*out) {
		*nomem = true;
		return false;
	}
	in->p += n + 1;
	return true;
}

int vad__record_read(const char *buf, size_t len, struct vad__va *va, size_t *used)
{
	struct vad_in in = { buf, buf + len };
	char *vendor = NULL, *driver = NULL, *error = NULL;
	unsigned int decode = 0, encode = 0;
	long status, open_failed, version, vpp;
	bool nomem = false, ok;
	char line[32];

	ok = next_line(&in, line, sizeof(line)) && strcmp(line, VAD_RECORD_MAGIC) == 0 &&
	     field_int(&in, "status", -4095, 0, &status) && status != -EAGAIN &&
	     status != -ENOMEM &&
	     field_int(&in, "open-failed", 0, 1, &open_failed) &&
	     field_int(&in, "version", -EAGAIN, 9999, &version) &&
	     (version >= 0 || version == -EAGAIN) &&
	     field_mask(&in, "decode", &decode) && field_mask(&in, "encode", &encode) &&
	     field_int(&in, "vpp", 0, 1, &vpp) &&
	     field_string(&in, "vendor", VAD_RECORD_VENDOR_MAX, false, &vendor, &nomem) &&
	     field_string(&in, "driver", VAD_RECORD_DRIVER_MAX, true, &driver, &nomem) &&
	     field_string(&in, "error", VAD_RECORD_ERROR_MAX, false, &error, &nomem) &&
	     next_line(&in, line, sizeof(line)) && strcmp(line, "end") == 0;
	/* The whole must make sense: a capable device was initialised and has no error; a
	 * failed probe says why and offers nothing; open() failing is a failure. */
	if (ok && status == 0)
		ok = !error && version >= 0 && !open_failed;
	if (ok && status < 0)
		ok = error && !decode && !encode && !vpp;
	if (ok && !used && in.p != in.end)
		ok = false;
	if (!ok) {
		free(vendor);
		free(driver);
		free(error);
		return nomem ? -ENOMEM : -EINVAL;
	}
	free(va->vendor);
	free(va->driver);
	free(va->error);
	va->status = (int)status;
	va->open_failed = open_failed;
	va->version = (int)version;
	va->decode = decode;
	va->encode = encode;
	va->vpp = vpp;
	va->vendor = vendor;
	va->driver = driver;
	va->error = error;
	if (used)
		*used = (size_t)(in.p - buf);
	return 0;
}
