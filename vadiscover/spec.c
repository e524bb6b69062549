/*
 * The selection spec: parser, setter, canonical text, and the match of a device's sysfs
 * facts, all from one table of the keys (keys[] below). Grammar in vadiscover.h.
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
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "vadiscover/vad-private.h"

static int set_err(char *err, size_t errlen, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static int set_err(char *err, size_t errlen, const char *format, ...)
{
	va_list args;

	if (err && errlen > 0) {
		va_start(args, format);
		vsnprintf(err, errlen, format, args);
		va_end(args);
	}
	return -EINVAL;
}

/* Decimal, or hex with 0x; the whole string; at most @max. */
static bool parse_number(const char *text, unsigned long max, unsigned long *out)
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
static bool parse_hex(const char *text, unsigned long max, unsigned long *out)
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

static bool is_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static int parse_kernel_drivers(const char *value, char ***out, char *err, size_t errlen)
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
			free_strv(v);
			return -ENOMEM;
		}
		if (!is_name(v[i])) {
			int r = set_err(err, errlen,
					"invalid value '%s' for key 'kernel_driver': expected kernel "
					"driver names joined by '|', e.g. i915|xe", value);
			free_strv(v);
			return r;
		}
		i++;
		if (!p)
			break;
	}
	*out = v;
	return 0;
}

static int parse_codecs(const char *key, const char *value, unsigned int *out, char *err,
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
			return set_err(err, errlen,
				       "invalid value '%s' for key '%s': expected codec names joined "
				       "by '+' (known: %s)", value, key,
				       vad__known_codecs(known, sizeof(known)));
		memcpy(name, start, len);
		name[len] = '\0';
		c = vad_codec_from_name(name);
		if (!c)
			return set_err(err, errlen, "unknown codec '%s' for key '%s' (known: %s)",
				       name, key, vad__known_codecs(known, sizeof(known)));
		mask |= c;
		if (!p)
			break;
	}
	*out = mask;
	return 0;
}

/* Normalise a PCI slot: lower case, domain 0000 added when left out. */
static int parse_pci(const char *value, char **out, char *err, size_t errlen)
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
	return set_err(err, errlen, "invalid value '%s' for key 'pci': expected a PCI slot like "
		       "0000:00:02.4 (or 00:02.4)", value);
}

/* ------------------------------------------------------------------------------------ */
/* The keys. Each parse_KEY() takes a trimmed, non-empty value and leaves the spec as it
 * was when it refuses it; format_KEY() appends the canonical value; clear_KEY() frees
 * what the key holds; match_KEY() judges a device's sysfs facts. */

static void clear_kernel_driver(struct vad_spec *spec)
{
	free_strv(spec->kernel_drivers);
	spec->kernel_drivers = NULL;
}

static void clear_driver(struct vad_spec *spec)
{
	free(spec->driver);
	spec->driver = NULL;
}

static void clear_pci(struct vad_spec *spec)
{
	free(spec->pci);
	spec->pci = NULL;
}

static void clear_node(struct vad_spec *spec)
{
	free(spec->node);
	spec->node = NULL;
}

static int parse_vendor(struct vad_spec *spec, const char *value, char *err, size_t errlen)
{
	unsigned long n;

	if (!parse_hex(value, 0xffff, &n))
		return set_err(err, errlen,
				"invalid value '%s' for key 'vendor': expected a PCI vendor id in hex "
				"as lspci prints it (8086 or 0x8086), at most ffff", value);
	spec->vendor = (unsigned int)n;
	return 0;
}

static int parse_kernel_driver(struct vad_spec *spec, const char *value, char *err,
			       size_t errlen)
{
	char **v = NULL;
	int r = parse_kernel_drivers(value, &v, err, errlen);

	if (r < 0)
		return r;
	clear_kernel_driver(spec);
	spec->kernel_drivers = v;
	return 0;
}

static int parse_driver(struct vad_spec *spec, const char *value, char *err, size_t errlen)
{
	char *d;

	/* The same rule as vad_device_probe()'s: what vaSetDriverName() takes. */
	if (!vad__va_driver_name_ok(value))
		return set_err(err, errlen,
				"invalid value '%s' for key 'driver': expected a VA driver name like "
				"iHD, i965, radeonsi (at most 255 bytes)", value);
	d = strdup(value);
	if (!d)
		return -ENOMEM;
	clear_driver(spec);
	spec->driver = d;
	return 0;
}

static int parse_pci_key(struct vad_spec *spec, const char *value, char *err, size_t errlen)
{
	char *p = NULL;
	int r = parse_pci(value, &p, err, errlen);

	if (r < 0)
		return r;
	clear_pci(spec);
	spec->pci = p;
	return 0;
}

static int parse_role(struct vad_spec *spec, const char *value, char *err, size_t errlen)
{
	int role = vad__sriov_role_from_name(value);
	char known[VAD_KNOWN_NAMES_MAX];

	if (role < 0)
		return set_err(err, errlen, "invalid value '%s' for key 'role' (known: %s)", value,
				vad__known_roles(known, sizeof(known)));
	spec->role = (enum vad_sriov_role)role;
	return 0;
}

static int parse_vf(struct vad_spec *spec, const char *value, char *err, size_t errlen)
{
	unsigned long n;

	if (!parse_number(value, 0xffff, &n) || (value[0] == '0' && value[1] == 'x'))
		return set_err(err, errlen,
				"invalid value '%s' for key 'vf': expected a VF number counted from 1 "
				"(0000:00:02.4 is vf=4)", value);
	if (n == 0)
		return set_err(err, errlen,
				"invalid value '%s' for key 'vf': VFs are counted from 1 "
				"(0000:00:02.1 is vf=1)", value);
	spec->vf = (unsigned int)n;
	return 0;
}

static int parse_node(struct vad_spec *spec, const char *value, char *err, size_t errlen)
{
	char *p;

	if (value[0] != '/')
		return set_err(err, errlen,
				"invalid value '%s' for key 'node': expected an absolute path like "
				"/dev/dri/renderD128", value);
	/* Only vad_spec_set() gets here with one: its text would not parse back. */
	if (strchr(value, ','))
		return set_err(err, errlen,
				"invalid value '%s' for key 'node': a path with ',' cannot be written "
				"in a spec", value);
	p = strdup(value);
	if (!p)
		return -ENOMEM;
	clear_node(spec);
	spec->node = p;
	return 0;
}

static int parse_decode(struct vad_spec *spec, const char *value, char *err, size_t errlen)
{
	return parse_codecs("decode", value, &spec->decode, err, errlen);
}

static int parse_encode(struct vad_spec *spec, const char *value, char *err, size_t errlen)
{
	return parse_codecs("encode", value, &spec->encode, err, errlen);
}

static int parse_index(struct vad_spec *spec, const char *value, char *err, size_t errlen)
{
	unsigned long n;

	if (!parse_number(value, INT_MAX, &n) || (value[0] == '0' && value[1] == 'x'))
		return set_err(err, errlen,
				"invalid value '%s' for key 'index': expected a number counted from 0",
				value);
	spec->index = (unsigned int)n;
	return 0;
}

static void format_vendor(const struct vad_spec *spec, struct vad_str *b)
{
	vad__str_addf(b, "0x%04x", spec->vendor);
}

static void format_kernel_driver(const struct vad_spec *spec, struct vad_str *b)
{
	for (char **p = spec->kernel_drivers; p && *p; p++) {
		if (p != spec->kernel_drivers)
			vad__str_add(b, "|");
		vad__str_add(b, *p);
	}
}

static void format_driver(const struct vad_spec *spec, struct vad_str *b)
{
	vad__str_add(b, spec->driver);
}

static void format_pci(const struct vad_spec *spec, struct vad_str *b)
{
	vad__str_add(b, spec->pci);
}

static void format_role(const struct vad_spec *spec, struct vad_str *b)
{
	vad__str_add(b, vad_sriov_role_name(spec->role));
}

static void format_vf(const struct vad_spec *spec, struct vad_str *b)
{
	vad__str_addf(b, "%u", spec->vf);
}

static void format_node(const struct vad_spec *spec, struct vad_str *b)
{
	vad__str_add(b, spec->node);
}

static void format_codecs(struct vad_str *b, unsigned int mask)
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

static void format_decode(const struct vad_spec *spec, struct vad_str *b)
{
	format_codecs(b, spec->decode);
}

static void format_encode(const struct vad_spec *spec, struct vad_str *b)
{
	format_codecs(b, spec->encode);
}

static void format_index(const struct vad_spec *spec, struct vad_str *b)
{
	vad__str_addf(b, "%u", spec->index);
}

/* The reason a device is filtered out, into *@reason: 1, or -ENOMEM. */
#define filtered(reason, ...) (vad__set_strf((reason), __VA_ARGS__) < 0 ? -ENOMEM : 1)

static int match_vendor(const struct vad_spec *spec, const struct vad__spec_facts *f,
			char **reason)
{
	int id = f->dev->vendor_id;

	if (id >= 0 && (unsigned int)id == spec->vendor)
		return 0;
	if (id >= 0)
		return filtered(reason, "filtered out: vendor 0x%04x != 0x%04x", (unsigned int)id,
				spec->vendor);
	return filtered(reason, "filtered out: vendor %s != 0x%04x",
			id == -EINVAL ? "unreadable (malformed sysfs attribute)"
				      : "unknown (no sysfs attribute)", spec->vendor);
}

static int match_kernel_driver(const struct vad_spec *spec, const struct vad__spec_facts *f,
			       char **reason)
{
	const char *have = f->dev->kernel_driver;
	struct vad_str want = { 0 };
	char *text;
	int r;

	for (char **p = spec->kernel_drivers; p && *p; p++)
		if (have && strcmp(have, *p) == 0)
			return 0;
	format_kernel_driver(spec, &want);
	text = vad__str_done(&want);
	if (!text)
		return -ENOMEM;
	r = filtered(reason, "filtered out: kernel driver %s != %s", have ? have : "(none)", text);
	free(text);
	return r;
}

static int match_pci(const struct vad_spec *spec, const struct vad__spec_facts *f,
		     char **reason)
{
	const char *slot = f->dev->pci_slot;

	if (slot && strcasecmp(slot, spec->pci) == 0)
		return 0;
	return filtered(reason, "filtered out: pci %s != %s", slot ? slot : "(not PCI)",
			spec->pci);
}

static int match_role_is(enum vad_sriov_role want, const struct vad__spec_facts *f,
			 char **reason)
{
	if (f->dev->role == want)
		return 0;
	return filtered(reason, "filtered out: role %s != %s", vad_sriov_role_name(f->dev->role),
			vad_sriov_role_name(want));
}

static int match_role(const struct vad_spec *spec, const struct vad__spec_facts *f,
		      char **reason)
{
	return match_role_is(spec->role, f, reason);
}

/* vf= is role=vf too. */
static int match_vf(const struct vad_spec *spec, const struct vad__spec_facts *f,
		    char **reason)
{
	int vf = f->dev->vf_index;
	int r = match_role_is(VAD_SRIOV_VF, f, reason);

	if (r != 0 || (vf >= 0 && (unsigned int)vf == spec->vf))
		return r;
	if (vf < 0)
		return filtered(reason, "filtered out: vf unknown (no virtfn link of the PF points "
				"here) != %u", spec->vf);
	return filtered(reason, "filtered out: vf %d != %u", vf, spec->vf);
}

static int match_node(const struct vad_spec *spec, const struct vad__spec_facts *f,
		      char **reason)
{
	if (f->node_err)
		return filtered(reason, "filtered out: node %s: %s", spec->node,
				VAD_STRERROR(f->node_err));
	if (!S_ISCHR(f->node_st->st_mode))
		return filtered(reason, "filtered out: node %s is not a character device",
				spec->node);
	if (f->dev != f->node_dev)
		return filtered(reason, "filtered out: node %s is %u:%u, not this device",
				spec->node, major(f->node_st->st_rdev), minor(f->node_st->st_rdev));
	return 0;
}

/* Every key of the grammar, in its canonical order (enum vad__spec_key); what the known
 * keys are (the error messages, the fuzzer's dictionary) comes from here. */
static const struct spec_key {
	const char *name;
	const char *alias;	/* another name it is given by (FFmpeg's), or NULL */
	int (*parse)(struct vad_spec *spec, const char *value, char *err, size_t errlen);
	void (*format)(const struct vad_spec *spec, struct vad_str *b);
	void (*clear)(struct vad_spec *spec);	/* NULL: nothing to free */
	/* 0 when the facts pass, 1 with the reason when they do not, -ENOMEM; NULL: not a
	 * sysfs fact (judged by the VA probe, or by the devices' order). */
	int (*match)(const struct vad_spec *spec, const struct vad__spec_facts *f, char **reason);
} keys[VAD_KEY_COUNT] = {
	[VAD_KEY_VENDOR] = { "vendor", "vendor_id", parse_vendor, format_vendor, NULL,
			     match_vendor },
	[VAD_KEY_KERNEL_DRIVER] = { "kernel_driver", NULL, parse_kernel_driver,
				    format_kernel_driver, clear_kernel_driver, match_kernel_driver },
	[VAD_KEY_DRIVER] = { "driver", NULL, parse_driver, format_driver, clear_driver, NULL },
	[VAD_KEY_PCI] = { "pci", NULL, parse_pci_key, format_pci, clear_pci, match_pci },
	[VAD_KEY_ROLE] = { "role", NULL, parse_role, format_role, NULL, match_role },
	[VAD_KEY_VF] = { "vf", NULL, parse_vf, format_vf, NULL, match_vf },
	[VAD_KEY_NODE] = { "node", NULL, parse_node, format_node, clear_node, match_node },
	[VAD_KEY_DECODE] = { "decode", NULL, parse_decode, format_decode, NULL, NULL },
	[VAD_KEY_ENCODE] = { "encode", NULL, parse_encode, format_encode, NULL, NULL },
	[VAD_KEY_INDEX] = { "index", NULL, parse_index, format_index, NULL, NULL },
};

const char *vad__spec_key_name(size_t i)
{
	for (size_t k = 0; k < VAD_KEY_COUNT; k++) {
		if (i-- == 0)
			return keys[k].name;
		if (keys[k].alias && i-- == 0)
			return keys[k].alias;
	}
	return NULL;
}

static int key_from_name(const char *name)
{
	for (int k = 0; k < VAD_KEY_COUNT; k++)
		if (strcmp(name, keys[k].name) == 0 ||
		    (keys[k].alias && strcmp(name, keys[k].alias) == 0))
			return k;
	return -1;
}

/* -EINVAL, "unknown key 'NAME' (known: vendor vendor_id ...)" in @err. */
static int unknown_key(const char *name, char *err, size_t errlen)
{
	struct vad_str known = { 0 };
	const char *k;
	char *text;
	int r;

	for (size_t i = 0; (k = vad__spec_key_name(i)) != NULL; i++) {
		if (i)
			vad__str_add(&known, " ");
		vad__str_add(&known, k);
	}
	text = vad__str_done(&known);
	if (!text)
		return -ENOMEM;
	r = set_err(err, errlen, "unknown key '%s' (known: %s)", name, text);
	free(text);
	return r;
}

static void clear_key(struct vad_spec *spec, int key)
{
	if (keys[key].clear)
		keys[key].clear(spec);
	spec->set &= ~(1u << key);
	free(spec->canonical);
	spec->canonical = NULL;
}

/* Set one key (the value already trimmed). */
static int set_key(struct vad_spec *spec, int key, const char *value, char *err,
		   size_t errlen)
{
	int r;

	if (!*value)
		return set_err(err, errlen, "empty value for key '%s'", keys[key].name);
	r = keys[key].parse(spec, value, err, errlen);
	if (r < 0)
		return r;
	spec->set |= 1u << key;
	free(spec->canonical);
	spec->canonical = NULL;
	return 0;
}

int vad__spec_match(const struct vad_spec *spec, const struct vad__spec_facts *f,
		    char **reason, const char **key)
{
	*reason = NULL;
	*key = NULL;
	for (int k = 0; spec && k < VAD_KEY_COUNT; k++) {
		int r;

		if (!keys[k].match || !vad__spec_has(spec, (enum vad__spec_key)k))
			continue;
		if (k != VAD_KEY_NODE)
			vad__device_facts(f->dev);	/* read when first needed */
		r = keys[k].match(spec, f, reason);
		if (r > 0)
			*key = keys[k].name;
		if (r != 0)
			return r;
	}
	return 0;
}

/* vf= implies role=vf: any other role contradicts it. */
static int check_spec(const struct vad_spec *spec, char *err, size_t errlen)
{
	if (vad__spec_has(spec, VAD_KEY_VF) && vad__spec_has(spec, VAD_KEY_ROLE) &&
	    spec->role != VAD_SRIOV_VF)
		return set_err(err, errlen, "key 'vf' (vf=%u) contradicts role=%s: a VF number "
			       "implies role=vf", spec->vf, vad_sriov_role_name(spec->role));
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int parse_spec(struct vad_spec *spec, const char *text, char *err, size_t errlen)
{
	char *copy, *pair, *next;
	int r = 0;

	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	if (!*trim(copy)) {
		free(copy);
		return 0;
	}
	for (pair = copy; pair; pair = next) {
		char *eq, *key, *value;
		int k;

		next = strchr(pair, ',');
		if (next)
			*next++ = '\0';
		key = trim(pair);
		if (!*key) {
			r = set_err(err, errlen, "empty pair in '%s' (pairs are key=value joined by ',')",
				    text);
			break;
		}
		eq = strchr(key, '=');
		if (!eq) {
			r = set_err(err, errlen, "missing '=' after '%s' (pairs are key=value)", key);
			break;
		}
		*eq = '\0';
		value = trim(eq + 1);
		key = trim(key);
		k = key_from_name(key);
		if (k < 0) {
			r = unknown_key(key, err, errlen);
			break;
		}
		if (vad__spec_has(spec, (enum vad__spec_key)k)) {
			r = set_err(err, errlen, "key '%s' given twice", key);
			break;
		}
		r = set_key(spec, k, value, err, errlen);
		if (r < 0)
			break;
	}
	free(copy);
	if (r == 0)
		r = check_spec(spec, err, errlen);
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
		r = parse_spec(spec, text, err, errlen);
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
		return set_err(err, errlen, "no key or value given");
	k = key_from_name(key);
	if (k < 0)
		return unknown_key(key, err, errlen);
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	saved = *spec;
	r = set_key(spec, k, trim(copy), err, errlen);
	free(copy);
	if (r == 0) {
		r = check_spec(spec, err, errlen);
		if (r < 0) {
			/* Undo a role/vf that contradicts: only scalar keys get here. */
			spec->set = saved.set;
			spec->role = saved.role;
			spec->vf = saved.vf;
		}
	}
	return r;
}

int vad_spec_unset(struct vad_spec *spec, const char *key, char *err, size_t errlen)
{
	int k;

	if (err && errlen)
		err[0] = '\0';
	if (!spec || !key)
		return set_err(err, errlen, "no key given");
	k = key_from_name(key);
	if (k < 0)
		return unknown_key(key, err, errlen);
	clear_key(spec, k);
	return 0;
}

void vad_spec_free(struct vad_spec *spec)
{
	if (!spec)
		return;
	for (int k = 0; k < VAD_KEY_COUNT; k++)
		if (keys[k].clear)
			keys[k].clear(spec);
	free(spec->canonical);
	free(spec);
}

const char *vad_spec_get_driver(const struct vad_spec *spec)
{
	return spec ? spec->driver : NULL;
}

char *vad__spec_format(const struct vad_spec *spec)
{
	struct vad_str b = { 0 };

	for (int k = 0; spec && k < VAD_KEY_COUNT; k++) {
		if (!vad__spec_has(spec, (enum vad__spec_key)k))
			continue;
		if (b.len)
			vad__str_add(&b, ",");
		vad__str_add(&b, keys[k].name);
		vad__str_add(&b, "=");
		keys[k].format(spec, &b);
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
