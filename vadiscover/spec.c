/*
 * The selection spec: parser, setter, canonical text. Grammar in vadiscover.h.
 *
 * SPDX-License-Identifier: MIT
 *
 * Every error names the key and the value that were wrong, and what would be right, so a
 * user who typed VADISCOVER_SELECT by hand can fix it from the message alone.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vadiscover/vad-private.h"

static const char *const vad_key_names[VAD_KEY_COUNT] = {
	"vendor", "kernel_driver", "driver", "pci", "role", "vf", "node", "decode", "encode",
	"index",
};

#define VAD_KNOWN_KEYS "vendor vendor_id kernel_driver driver pci role vf node decode encode index"

static int vad_err(char *err, size_t errlen, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static int vad_err(char *err, size_t errlen, const char *format, ...)
{
	va_list args;

	if (err && errlen > 0) {
		va_start(args, format);
		vsnprintf(err, errlen, format, args);
		va_end(args);
	}
	return -EINVAL;
}

static int vad_key_from_name(const char *name)
{
	if (strcmp(name, "vendor_id") == 0)
		return VAD_KEY_VENDOR;
	for (int i = 0; i < VAD_KEY_COUNT; i++)
		if (strcmp(name, vad_key_names[i]) == 0)
			return i;
	return -1;
}

/* Decimal, or hex with 0x; the whole string; at most @max. */
static bool vad_parse_number(const char *text, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	int base = 10;
	const char *p = text;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return false;
	for (; *p; p++) {
		int d;

		if (base == 16 && isxdigit((unsigned char)*p))
			d = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
		else if (base == 10 && isdigit((unsigned char)*p))
			d = *p - '0';
		else
			return false;
		v = v * (unsigned long)base + (unsigned long)d;
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/* Hex with or without 0x (ids as lspci -nn prints them: 8086, 0x8086 in sysfs and FFmpeg's
 * vendor_id); the whole string; at most @max. Never decimal: "8086" is Intel. */
static bool vad_parse_hex(const char *text, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *p = text;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!*p)
		return false;
	for (; *p; p++) {
		if (!isxdigit((unsigned char)*p))
			return false;
		v = v * 16 + (unsigned long)(isdigit((unsigned char)*p)
						 ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10);
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

static bool vad_is_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

static void vad_free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static int vad_parse_kernel_drivers(const char *value, char ***out, char *err, size_t errlen)
{
	size_t n = 1, i = 0;
	const char *p, *start;
	char **v;

	for (p = value; *p; p++)
		if (*p == '|')
			n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (start = value;; start = p + 1) {
		p = strchr(start, '|');
		size_t len = p ? (size_t)(p - start) : strlen(start);

		v[i] = strndup(start, len);
		if (!v[i]) {
			vad_free_strv(v);
			return -ENOMEM;
		}
		if (!vad_is_name(v[i])) {
			int r = vad_err(err, errlen,
					"invalid value '%s' for key 'kernel_driver': expected kernel "
					"driver names joined by '|', e.g. i915|xe", value);
			vad_free_strv(v);
			return r;
		}
		i++;
		if (!p)
			break;
	}
	*out = v;
	return 0;
}

static int vad_parse_codecs(const char *key, const char *value, unsigned int *out, char *err,
			    size_t errlen)
{
	unsigned int mask = 0;
	const char *start, *p;
	char known[VAD_KNOWN_NAMES_MAX];

	for (start = value;; start = p + 1) {
		char name[32];
		size_t len;
		unsigned int c;

		p = strchr(start, '+');
		len = p ? (size_t)(p - start) : strlen(start);
		if (len == 0 || len >= sizeof(name))
			return vad_err(err, errlen,
				       "invalid value '%s' for key '%s': expected codec names joined "
				       "by '+' (known: %s)", value, key,
				       vad__known_codecs(known, sizeof(known)));
		memcpy(name, start, len);
		name[len] = '\0';
		c = vad_codec_from_name(name);
		if (!c)
			return vad_err(err, errlen, "unknown codec '%s' for key '%s' (known: %s)",
				       name, key, vad__known_codecs(known, sizeof(known)));
		mask |= c;
		if (!p)
			break;
	}
	*out = mask;
	return 0;
}

/* Normalise a PCI slot: lower case, domain 0000 added when left out. */
static int vad_parse_pci(const char *value, char **out, char *err, size_t errlen)
{
	char buf[32];
	size_t colons = 0;

	for (const char *p = value; *p; p++)
		if (*p == ':')
			colons++;
	if (strlen(value) >= sizeof(buf) - 5)
		goto bad;
	snprintf(buf, sizeof(buf), "%s%s", colons == 1 ? "0000:" : "", value);
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!vad__is_pci_slot(buf))
		goto bad;
	{
		/* A device number is 5 bits. */
		const char *dev = strrchr(buf, ':') + 1;
		unsigned long d = strtoul(dev, NULL, 16);

		if (d > 0x1f)
			goto bad;
	}
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
bad:
	return vad_err(err, errlen, "invalid value '%s' for key 'pci': expected a PCI slot like "
		       "0000:00:02.4 (or 00:02.4)", value);
}

static void vad_spec_clear_key(struct vad_spec *spec, int key)
{
	switch (key) {
	case VAD_KEY_KERNEL_DRIVER:
		vad_free_strv(spec->kernel_drivers);
		spec->kernel_drivers = NULL;
		break;
	case VAD_KEY_DRIVER:
		free(spec->driver);
		spec->driver = NULL;
		break;
	case VAD_KEY_PCI:
		free(spec->pci);
		spec->pci = NULL;
		break;
	case VAD_KEY_NODE:
		free(spec->node);
		spec->node = NULL;
		break;
	default:
		break;
	}
	spec->set &= ~(1u << key);
}

/* Set one key (the value already trimmed). */
static int vad_spec_set_key(struct vad_spec *spec, int key, const char *value, char *err,
			    size_t errlen)
{
	const char *kname = vad_key_names[key];
	unsigned long n;
	int r;

	if (!*value)
		return vad_err(err, errlen, "empty value for key '%s'", kname);

	/* Parse into temporaries first, so that a bad value leaves the spec as it was. */
	switch (key) {
	case VAD_KEY_VENDOR:
		if (!vad_parse_hex(value, 0xffff, &n))
			return vad_err(err, errlen,
				       "invalid value '%s' for key 'vendor': expected a PCI vendor id "
				       "in hex as lspci prints it (8086 or 0x8086), at most ffff", value);
		spec->vendor = (unsigned int)n;
		break;
	case VAD_KEY_KERNEL_DRIVER: {
		char **v = NULL;

		r = vad_parse_kernel_drivers(value, &v, err, errlen);
		if (r < 0)
			return r;
		vad_spec_clear_key(spec, key);
		spec->kernel_drivers = v;
		break;
	}
	case VAD_KEY_DRIVER: {
		char *d;

		/* The same rule as vad_device_probe()'s: what vaSetDriverName() takes. */
		if (!vad__va_driver_name_ok(value))
			return vad_err(err, errlen,
				       "invalid value '%s' for key 'driver': expected a VA driver name "
				       "like iHD, i965, radeonsi (at most 255 bytes)", value);
		d = strdup(value);
		if (!d)
			return -ENOMEM;
		vad_spec_clear_key(spec, key);
		spec->driver = d;
		break;
	}
	case VAD_KEY_PCI: {
		char *p = NULL;

		r = vad_parse_pci(value, &p, err, errlen);
		if (r < 0)
			return r;
		vad_spec_clear_key(spec, key);
		spec->pci = p;
		break;
	}
	case VAD_KEY_ROLE: {
		int role = vad__sriov_role_from_name(value);
		char known[VAD_KNOWN_NAMES_MAX];

		if (role < 0)
			return vad_err(err, errlen, "invalid value '%s' for key 'role' (known: %s)",
				       value, vad__known_roles(known, sizeof(known)));
		spec->role = (enum vad_sriov_role)role;
		break;
	}
	case VAD_KEY_VF:
		if (!vad_parse_number(value, 0xffff, &n) || (value[0] == '0' && value[1] == 'x'))
			return vad_err(err, errlen,
				       "invalid value '%s' for key 'vf': expected a VF number counted "
				       "from 1 (0000:00:02.4 is vf=4)", value);
		if (n == 0)
			return vad_err(err, errlen,
				       "invalid value '%s' for key 'vf': VFs are counted from 1 "
				       "(0000:00:02.1 is vf=1)", value);
		spec->vf = (unsigned int)n;
		break;
	case VAD_KEY_NODE: {
		char *p;

		if (value[0] != '/')
			return vad_err(err, errlen,
				       "invalid value '%s' for key 'node': expected an absolute path "
				       "like /dev/dri/renderD128", value);
		/* Only vad_spec_set() gets here with one: its text would not parse back. */
		if (strchr(value, ','))
			return vad_err(err, errlen,
				       "invalid value '%s' for key 'node': a path with ',' cannot be "
				       "written in a spec", value);
		p = strdup(value);
		if (!p)
			return -ENOMEM;
		vad_spec_clear_key(spec, key);
		spec->node = p;
		break;
	}
	case VAD_KEY_DECODE:
	case VAD_KEY_ENCODE: {
		unsigned int mask = 0;

		r = vad_parse_codecs(kname, value, &mask, err, errlen);
		if (r < 0)
			return r;
		if (key == VAD_KEY_DECODE)
			spec->decode = mask;
		else
			spec->encode = mask;
		break;
	}
	case VAD_KEY_INDEX:
		if (!vad_parse_number(value, INT_MAX, &n) || (value[0] == '0' && value[1] == 'x'))
			return vad_err(err, errlen,
				       "invalid value '%s' for key 'index': expected a number counted "
				       "from 0", value);
		spec->index = (unsigned int)n;
		break;
	default:
		return -EINVAL;
	}
	spec->set |= 1u << key;
	free(spec->canonical);
	spec->canonical = NULL;
	return 0;
}

/* vf= implies role=vf: any other role contradicts it. */
static int vad_spec_check(const struct vad_spec *spec, char *err, size_t errlen)
{
	if (vad__spec_has(spec, VAD_KEY_VF) && vad__spec_has(spec, VAD_KEY_ROLE) &&
	    spec->role != VAD_SRIOV_VF)
		return vad_err(err, errlen, "key 'vf' (vf=%u) contradicts role=%s: a VF number "
			       "implies role=vf", spec->vf, vad_sriov_role_name(spec->role));
	return 0;
}

static char *vad_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int vad_spec_parse(struct vad_spec *spec, const char *text, char *err, size_t errlen)
{
	char *copy, *pair, *next;
	int r = 0;

	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	if (!*vad_trim(copy)) {
		free(copy);
		return 0;
	}
	for (pair = copy; pair; pair = next) {
		char *eq, *key, *value;
		int k;

		next = strchr(pair, ',');
		if (next)
			*next++ = '\0';
		key = vad_trim(pair);
		if (!*key) {
			r = vad_err(err, errlen, "empty pair in '%s' (pairs are key=value joined by ',')",
				    text);
			break;
		}
		eq = strchr(key, '=');
		if (!eq) {
			r = vad_err(err, errlen, "missing '=' after '%s' (pairs are key=value)", key);
			break;
		}
		*eq = '\0';
		value = vad_trim(eq + 1);
		key = vad_trim(key);
		k = vad_key_from_name(key);
		if (k < 0) {
			r = vad_err(err, errlen, "unknown key '%s' (known: " VAD_KNOWN_KEYS ")", key);
			break;
		}
		if (vad__spec_has(spec, (enum vad__spec_key)k)) {
			r = vad_err(err, errlen, "key '%s' given twice", key);
			break;
		}
		r = vad_spec_set_key(spec, k, value, err, errlen);
		if (r < 0)
			break;
	}
	free(copy);
	if (r == 0)
		r = vad_spec_check(spec, err, errlen);
	return r;
}

int vad_spec_new(struct vad_spec **out, const char *text, char *err, size_t errlen)
{
	struct vad_spec *spec;
	int r;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	spec = calloc(1, sizeof(*spec));
	if (!spec)
		return -ENOMEM;
	if (text) {
		r = vad_spec_parse(spec, text, err, errlen);
		if (r < 0) {
			vad_spec_free(spec);
			return r;
		}
	}
	*out = spec;
	return 0;
}

int vad_spec_set(struct vad_spec *spec, const char *key, const char *value, char *err,
		 size_t errlen)
{
	char *copy;
	int k, r;
	struct vad_spec saved;

	if (err && errlen)
		err[0] = '\0';
	if (!spec || !key || !value)
		return vad_err(err, errlen, "no key or value given");
	k = vad_key_from_name(key);
	if (k < 0)
		return vad_err(err, errlen, "unknown key '%s' (known: " VAD_KNOWN_KEYS ")", key);
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	saved = *spec;
	r = vad_spec_set_key(spec, k, vad_trim(copy), err, errlen);
	free(copy);
	if (r == 0) {
		r = vad_spec_check(spec, err, errlen);
		if (r < 0) {
			/* Undo a role/vf that contradicts: only scalar keys get here. */
			spec->set = saved.set;
			spec->role = saved.role;
			spec->vf = saved.vf;
		}
	}
	return r;
}

void vad_spec_free(struct vad_spec *spec)
{
	if (!spec)
		return;
	vad_free_strv(spec->kernel_drivers);
	free(spec->driver);
	free(spec->pci);
	free(spec->node);
	free(spec->canonical);
	free(spec);
}

const char *vad_spec_get_driver(const struct vad_spec *spec)
{
	return spec ? spec->driver : NULL;
}

static void vad_buf_codecs(struct vad_str *b, unsigned int mask)
{
	bool first = true;

	for (unsigned int i = 0; i < VAD_CODEC_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (!first)
			vad__str_add(b, "+");
		vad__str_add(b, vad_codec_name(1u << i));
		first = false;
	}
}

char *vad__spec_format(const struct vad_spec *spec)
{
	struct vad_str b = { 0 };
	char num[32];

	for (int k = 0; spec && k < VAD_KEY_COUNT; k++) {
		if (!vad__spec_has(spec, (enum vad__spec_key)k))
			continue;
		if (b.len)
			vad__str_add(&b, ",");
		vad__str_add(&b, vad_key_names[k]);
		vad__str_add(&b, "=");
		switch (k) {
		case VAD_KEY_VENDOR:
			snprintf(num, sizeof(num), "0x%04x", spec->vendor);
			vad__str_add(&b, num);
			break;
		case VAD_KEY_KERNEL_DRIVER:
			for (char **p = spec->kernel_drivers; p && *p; p++) {
				if (p != spec->kernel_drivers)
					vad__str_add(&b, "|");
				vad__str_add(&b, *p);
			}
			break;
		case VAD_KEY_DRIVER:
			vad__str_add(&b, spec->driver);
			break;
		case VAD_KEY_PCI:
			vad__str_add(&b, spec->pci);
			break;
		case VAD_KEY_ROLE:
			vad__str_add(&b, vad_sriov_role_name(spec->role));
			break;
		case VAD_KEY_VF:
			snprintf(num, sizeof(num), "%u", spec->vf);
			vad__str_add(&b, num);
			break;
		case VAD_KEY_NODE:
			vad__str_add(&b, spec->node);
			break;
		case VAD_KEY_DECODE:
			vad_buf_codecs(&b, spec->decode);
			break;
		case VAD_KEY_ENCODE:
			vad_buf_codecs(&b, spec->encode);
			break;
		case VAD_KEY_INDEX:
			snprintf(num, sizeof(num), "%u", spec->index);
			vad__str_add(&b, num);
			break;
		}
	}
	return vad__str_done(&b);
}

const char *vad_spec_to_string(struct vad_spec *spec)
{
	if (!spec)
		return "";
	if (!spec->canonical)
		spec->canonical = vad__spec_format(spec);
	return spec->canonical;
}
