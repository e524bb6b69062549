/*
 * The argv rewriter of the ffmpeg wrapper (see rewrite.h).
 *
 * ffmpeg's syntax, as Debian's ffmpeg 5.1 parses it (fftools/cmdutils.c split_commandline):
 *   - "--" makes the next argument a file name; a lone "-" or anything not starting with
 *     '-' is an output file name;
 *   - "-i X" ends an input group; options before it belong to that input;
 *   - an option of the table (ffopts.inc, matched up to an optional ":stream_spec") takes a
 *     value when it has HAS_ARG; an OPT_EXIT option (-h, -version...) takes the next
 *     argument, whatever it is;
 *   - any other option is an AVOption of a codec or format and takes a value, except
 *     -noNAME for a boolean NAME of the table.
 * Device arguments (hw_device_init_from_string in fftools/ffmpeg_hw.c):
 *   -init_hw_device TYPE[=NAME][:DEVICE][,KEY=VALUE...]   or  TYPE[=NAME]@SOURCE
 *   -vaapi_device X   is   -init_hw_device vaapi:X
 *   -qsv_device X     is   -init_hw_device qsv=__qsv_device:hw_any,child_device=X
 *   -hwaccel vaapi [-hwaccel_device X] per input: X is a device name or a node; without X,
 *   and unless exactly one VAAPI device was created by the options above, ffmpeg creates a
 *   VAAPI device with no node (the renderD128.. search).
 *
 * SPDX-License-Identifier: MIT
 */
#include "fftools-wrapper/rewrite.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FO_ARG = 1, FO_BOOL = 2, FO_EXIT = 4 };

struct ffopt {
	const char *name;
	unsigned int flags;
};

static const struct ffopt ffopts[] = {
#include "fftools-wrapper/ffopts.inc"
	{ NULL, 0 },
};

/* fftools' find_option(): the first entry whose name is a prefix of @name followed by the
 * end or ':' (a stream specifier). */
static const struct ffopt *find_option(const char *name)
{
	for (const struct ffopt *o = ffopts; o->name; o++) {
		size_t n = strlen(o->name);
		if (!strncmp(name, o->name, n) && (name[n] == '\0' || name[n] == ':'))
			return o;
	}
	return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* A small growable string */

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (b->oom)
		return;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------------------------ */
/* Parsing */

enum site_kind {
	SITE_VAAPI,	/* a VAAPI device: -init_hw_device vaapi, -vaapi_device, -hwaccel_device */
	SITE_DRM,	/* a DRM device: -init_hw_device drm */
	SITE_QSV,	/* a QSV device's VAAPI child: child_device=, -qsv_device */
	SITE_HWACCEL,	/* -hwaccel vaapi without a device: a -hwaccel_device is added */
};

struct site {
	enum site_kind kind;
	int opt;		/* argv index of the option */
	int arg;		/* argv index of its value */
	bool given;		/* the value names a node, at [off, off + len) */
	size_t off, len;	/* the node, or (not given) where to insert one */
	const char *prefix;	/* inserted before a node that was not given */
	char *hwaccel_opt;	/* SITE_HWACCEL: the option to add ("-hwaccel_device:v") */
	char *vendor, *kernel_driver, *driver;
	char *node;		/* the node to use instead, or NULL: unchanged */
};

struct hwaccel_dev {
	int opt, arg;
};

struct parse {
	int argc;
	char *const *argv;
	bool error;		/* ffmpeg would reject the command line */
	bool oom;

	struct site *sites;
	size_t nsites, capsites;

	/* Names of the devices the options define, for -hwaccel_device NAME. */
	char **names;
	size_t nnames, capnames;
	int nvaapi;		/* VAAPI devices the options create */

	/* The input group being parsed: its last "-hwaccel vaapi", its -hwaccel_device. */
	int hw_opt, hw_arg;
	struct hwaccel_dev *hwdevs;
	size_t nhwdevs, caphwdevs;
	/* Finished input groups with -hwaccel vaapi, resolved after the whole parse. */
	struct pending {
		int hw_opt, hw_arg;
		struct hwaccel_dev *devs;
		size_t ndevs;
	} *pending;
	size_t npending, cappending;

	/* -v/-loglevel values, applied in order after the parse as ffmpeg applies its
	 * global options: after split_commandline() has seen -debug (see below). */
	int *levels;
	size_t nlevels, caplevels;
	bool debug_option;
};

static void *grow(void *array, size_t *cap, size_t n, size_t size, bool *oom)
{
	if (n < *cap)
		return array;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p = realloc(array, ncap * size);
	if (!p) {
		*oom = true;
		return NULL;
	}
	*cap = ncap;
	return p;
}

static struct site *add_site(struct parse *ps, enum site_kind kind, int opt, int arg)
{
	struct site *s = grow(ps->sites, &ps->capsites, ps->nsites, sizeof(*s), &ps->oom);
	if (!s)
		return NULL;
	ps->sites = s;
	s = &ps->sites[ps->nsites++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->opt = opt;
	s->arg = arg;
	s->prefix = "";
	return s;
}

static bool has_name(const struct parse *ps, const char *name, size_t len)
{
	for (size_t i = 0; i < ps->nnames; i++)
		if (strlen(ps->names[i]) == len && !memcmp(ps->names[i], name, len))
			return true;
	return false;
}

static void add_name(struct parse *ps, const char *name, size_t len)
{
	char **names = grow(ps->names, &ps->capnames, ps->nnames, sizeof(*names), &ps->oom);
	if (!names)
		return;
	ps->names = names;
	char *s = strndup(name, len);
	if (!s) {
		ps->oom = true;
		return;
	}
	ps->names[ps->nnames++] = s;
}

/* hw_device_default_name(): "TYPE%d", the first index not taken. */
static void add_default_name(struct parse *ps, const char *type, size_t len)
{
	char buf[64];

	if (len > 32)
		return;
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(buf, sizeof(buf), "%.*s%d", (int)len, type, i);
		if (!has_name(ps, buf, (size_t)n)) {
			add_name(ps, buf, (size_t)n);
			return;
		}
	}
}

static char *dup_range(struct parse *ps, const char *s, size_t len)
{
	char *d = strndup(s, len);
	if (!d)
		ps->oom = true;
	return d;
}

static void site_free(struct site *s)
{
	free(s->hwaccel_opt);
	free(s->vendor);
	free(s->kernel_driver);
	free(s->driver);
	free(s->node);
}

/*
 * The KEY=VALUE list of a device: av_dict_parse_string(opts, "=", ",") in ffmpeg. Escapes
 * and quotes (av_get_token) are not interpreted: such a list is left alone (false).
 * Fills the filters of @s (vaapi) or finds child_device (qsv).
 */
static bool parse_device_options(struct parse *ps, struct site *s, const char *value,
				 const char *opts, bool *child_found)
{
	const char *p = opts;

	if (strpbrk(opts, "\\'\""))
		return false;
	while (*p) {
		const char *end = p + strcspn(p, ",");
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (!eq || eq == p)
			return false;
		size_t klen = (size_t)(eq - p);
		const char *v = eq + 1;
		size_t vlen = (size_t)(end - v);
		char **dst = NULL;

		if (s->kind == SITE_QSV) {
			if (klen == 12 && !memcmp(p, "child_device", 12)) {
				*child_found = true;
				s->off = (size_t)(v - value);
				s->len = vlen;
				s->given = vlen > 0;
			}
		} else if (s->kind == SITE_VAAPI) {
			if (klen == 9 && !memcmp(p, "vendor_id", 9))
				dst = &s->vendor;
			else if (klen == 13 && !memcmp(p, "kernel_driver", 13))
				dst = &s->kernel_driver;
			else if (klen == 6 && !memcmp(p, "driver", 6))
				dst = &s->driver;
			else if (klen == 15 && !memcmp(p, "connection_type", 15) &&
				 !(vlen == 3 && !memcmp(v, "drm", 3)))
				return false;	/* an X11 connection: no DRM node */
		}
		if (dst) {
			free(*dst);	/* av_dict_set: the last one wins */
			*dst = dup_range(ps, v, vlen);
		}
		p = *end ? end + 1 : end;
	}
	return true;
}

/* -init_hw_device VALUE (hw_device_init_from_string). */
static void parse_init_hw_device(struct parse *ps, int opt, int arg)
{
	const char *value = ps->argv[arg];
	size_t k = strcspn(value, ":=@");
	const char *p = value + k;
	enum site_kind kind = SITE_VAAPI;
	bool ours = true;	/* vaapi, drm or qsv; any other type has no node of ours */

	if (k == 5 && !memcmp(value, "vaapi", 5)) {
		ps->nvaapi++;
	} else if (k == 3 && !memcmp(value, "drm", 3)) {
		kind = SITE_DRM;
	} else if (k == 3 && !memcmp(value, "qsv", 3)) {
		kind = SITE_QSV;
	} else {
		ours = false;
	}

	if (*p == '=') {
		size_t n = strcspn(p + 1, ":@,");
		add_name(ps, p + 1, n);
		p += 1 + n;
	} else {
		add_default_name(ps, value, k);
	}
	if (!ours || *p == '@')
		return;		/* not a device of ours, or derived from another device */
	if (*p != '\0' && *p != ':' && *p != ',')
		return;		/* ffmpeg: parse error */

	struct site s = { .kind = kind, .opt = opt, .arg = arg, .prefix = "" };
	const char *opts = NULL;

	if (*p == '\0') {
		s.off = strlen(value);
		s.prefix = kind == SITE_QSV ? ":,child_device=" : ":";
	} else if (*p == ':') {
		const char *dev = p + 1;
		const char *comma = strchr(dev, ',');
		size_t dlen = comma ? (size_t)(comma - dev) : strlen(dev);

		opts = comma ? comma + 1 : NULL;
		if (kind == SITE_QSV) {
			/* DEVICE is the implementation (hw, hw_any...); the node is child_device */
		} else if (dlen == 0) {
			s.off = (size_t)(dev - value);
		} else if (dev[0] == '/') {
			s.given = true;
			s.off = (size_t)(dev - value);
			s.len = dlen;
		} else {
			return;	/* not a node: an X11 display name */
		}
	} else {		/* ',': options, no device */
		opts = p + 1;
		if (kind != SITE_QSV) {
			s.off = (size_t)(p - value);
			s.prefix = ":";
		}
	}

	bool child = false;
	if (opts && !parse_device_options(ps, &s, value, opts, &child)) {
		site_free(&s);
		return;
	}
	if (kind == SITE_QSV) {
		if (child && s.len > 0 && value[s.off] != '/') {
			site_free(&s);
			return;	/* not a node */
		}
		if (!child) {
			size_t len = strlen(value);
			s.off = len;
			s.len = 0;
			if (*p == '\0')
				s.prefix = ":,child_device=";
			else if (value[len - 1] == ',')
				s.prefix = "child_device=";
			else
				s.prefix = ",child_device=";
		}
	}

	struct site *ns = add_site(ps, kind, opt, arg);
	if (!ns) {
		site_free(&s);
		return;
	}
	*ns = s;
}

/* -vaapi_device X, -qsv_device X: X is a node (or empty: no node). */
static void parse_device_shorthand(struct parse *ps, enum site_kind kind, int opt, int arg)
{
	const char *value = ps->argv[arg];

	if (kind == SITE_VAAPI) {
		ps->nvaapi++;
		add_default_name(ps, "vaapi", 5);
	} else {
		add_name(ps, "__qsv_device", 12);
	}
	if (value[0] != '\0' && value[0] != '/')
		return;
	struct site *s = add_site(ps, kind, opt, arg);
	if (s) {
		s->given = value[0] != '\0';
		s->len = strlen(value);
	}
}

static void finish_input_group(struct parse *ps)
{
	if (ps->hw_arg) {
		struct pending *pd = grow(ps->pending, &ps->cappending, ps->npending,
					  sizeof(*pd), &ps->oom);
		if (pd) {
			ps->pending = pd;
			pd = &ps->pending[ps->npending++];
			pd->hw_opt = ps->hw_opt;
			pd->hw_arg = ps->hw_arg;
			pd->devs = ps->hwdevs;
			pd->ndevs = ps->nhwdevs;
			ps->hwdevs = NULL;
			ps->nhwdevs = ps->caphwdevs = 0;
		}
	}
	free(ps->hwdevs);
	ps->hwdevs = NULL;
	ps->nhwdevs = ps->caphwdevs = 0;
	ps->hw_opt = ps->hw_arg = 0;
}

static void finish_output_group(struct parse *ps)
{
	/* -hwaccel is an input option: ffmpeg rejects it for an output file. */
	free(ps->hwdevs);
	ps->hwdevs = NULL;
	ps->nhwdevs = ps->caphwdevs = 0;
	ps->hw_opt = ps->hw_arg = 0;
}

/* After the parse: -hwaccel vaapi in an input group (hw_device_setup_for_decode). */
static void resolve_hwaccel(struct parse *ps)
{
	for (size_t i = 0; i < ps->npending; i++) {
		struct pending *pd = &ps->pending[i];
		bool named = false;

		for (size_t j = 0; j < pd->ndevs; j++) {
			const char *v = ps->argv[pd->devs[j].arg];
			if (has_name(ps, v, strlen(v))) {
				named = true;	/* the device of that name is used */
			} else if (v[0] == '/') {
				struct site *s = add_site(ps, SITE_VAAPI, pd->devs[j].opt,
							  pd->devs[j].arg);
				if (s) {
					s->given = true;
					s->len = strlen(v);
				}
				named = true;
			} else {
				named = true;	/* not a node: left to ffmpeg */
			}
		}
		/* No -hwaccel_device: ffmpeg uses the one VAAPI device the options created,
		 * else creates one with no node. */
		if (!named && ps->nvaapi != 1) {
			const char *o = ps->argv[pd->hw_opt] + 1 + strlen("hwaccel");
			struct site *s = add_site(ps, SITE_HWACCEL, pd->hw_opt, pd->hw_arg);
			if (s) {
				size_t n = strlen("-hwaccel_device") + strlen(o) + 1;
				s->hwaccel_opt = malloc(n);
				if (!s->hwaccel_opt)
					ps->oom = true;
				else
					snprintf(s->hwaccel_opt, n, "-hwaccel_device%s", o);
			}
		}
	}
}

static void parse_argv(struct parse *ps)
{
	int i = 1, dashdash = -2;

	while (i < ps->argc && !ps->oom) {
		const char *opt = ps->argv[i++];
		int optidx = i - 1;

		if (opt[0] == '-' && opt[1] == '-' && opt[2] == '\0') {
			dashdash = i;
			continue;
		}
		if (opt[0] != '-' || opt[1] == '\0' || dashdash + 1 == i) {
			finish_output_group(ps);
			continue;
		}
		const char *name = opt + 1;
		if (!strcmp(name, "i")) {
			if (i >= ps->argc) {
				ps->error = true;
				return;
			}
			i++;
			finish_input_group(ps);
			continue;
		}

		const struct ffopt *po = find_option(name);
		if (po) {
			if (po->flags & FO_EXIT) {
				i++;	/* an optional argument, whatever it is */
				continue;
			}
			if (!(po->flags & FO_ARG))
				continue;
			if (i >= ps->argc) {
				ps->error = true;	/* "Missing argument for option" */
				return;
			}
			int arg = i++;
			const char *value = ps->argv[arg];

			if (!strcmp(po->name, "init_hw_device")) {
				parse_init_hw_device(ps, optidx, arg);
			} else if (!strcmp(po->name, "vaapi_device")) {
				parse_device_shorthand(ps, SITE_VAAPI, optidx, arg);
			} else if (!strcmp(po->name, "qsv_device")) {
				parse_device_shorthand(ps, SITE_QSV, optidx, arg);
			} else if (!strcmp(po->name, "hwaccel")) {
				if (!strcmp(value, "vaapi")) {
					ps->hw_opt = optidx;
					ps->hw_arg = arg;
				}
			} else if (!strcmp(po->name, "hwaccel_device")) {
				struct hwaccel_dev *d = grow(ps->hwdevs, &ps->caphwdevs,
							     ps->nhwdevs, sizeof(*d), &ps->oom);
				if (d) {
					ps->hwdevs = d;
					ps->hwdevs[ps->nhwdevs].opt = optidx;
					ps->hwdevs[ps->nhwdevs].arg = arg;
					ps->nhwdevs++;
				}
			} else if (!strcmp(po->name, "loglevel") || !strcmp(po->name, "v")) {
				int *l = grow(ps->levels, &ps->caplevels, ps->nlevels,
					      sizeof(*l), &ps->oom);
				if (l) {
					ps->levels = l;
					ps->levels[ps->nlevels++] = arg;
				}
			}
			continue;
		}

		/* -noNAME for a boolean NAME */
		if (name[0] == 'n' && name[1] == 'o') {
			po = find_option(name + 2);
			if (po && (po->flags & FO_BOOL))
				continue;
		}
		/* An AVOption: takes a value. */
		if (i >= ps->argc) {
			ps->error = true;	/* "Unrecognized option" */
			return;
		}
		i++;
		/* opt_default() raises the log level for -debug and -fdebug. */
		if (!strcmp(name, "debug") || !strcmp(name, "fdebug"))
			ps->debug_option = true;
	}
	finish_output_group(ps);
	resolve_hwaccel(ps);
}

/* ffmpeg's log level once its options are applied: opt_default() sets debug for -debug and
 * -fdebug while splitting the command line, then the global options run in order. */
static int parse_loglevel(const struct parse *ps)
{
	int level = ps->debug_option ? 48 : VFW_LOG_INFO;

	for (size_t i = 0; i < ps->nlevels; i++)
		vfw_loglevel_parse(ps->argv[ps->levels[i]], &level);
	return level;
}

static void parse_release(struct parse *ps)
{
	free(ps->levels);
	for (size_t i = 0; i < ps->nsites; i++)
		site_free(&ps->sites[i]);
	free(ps->sites);
	for (size_t i = 0; i < ps->nnames; i++)
		free(ps->names[i]);
	free(ps->names);
	free(ps->hwdevs);
	for (size_t i = 0; i < ps->npending; i++)
		free(ps->pending[i].devs);
	free(ps->pending);
}

/* ------------------------------------------------------------------------------------ */
/* Public functions */

int vfw_mode_parse(const char *text, enum vfw_mode *mode)
{
	if (!text || !*text || !strcmp(text, "auto"))
		*mode = VFW_MODE_AUTO;
	else if (!strcmp(text, "force"))
		*mode = VFW_MODE_FORCE;
	else if (!strcmp(text, "off"))
		*mode = VFW_MODE_OFF;
	else
		return -EINVAL;
	return 0;
}

const char *vfw_mode_name(enum vfw_mode mode)
{
	switch (mode) {
	case VFW_MODE_AUTO: return "auto";
	case VFW_MODE_FORCE: return "force";
	case VFW_MODE_OFF: return "off";
	}
	return "?";
}

int vfw_loglevel_parse(const char *arg, int *level)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
		{ "quiet", -8 }, { "panic", 0 }, { "fatal", 8 }, { "error", 16 },
		{ "warning", 24 }, { "info", 32 }, { "verbose", 40 }, { "debug", 48 },
		{ "trace", 56 },
	};

	/* [+-]repeat and [+-]level flags first (they do not change the level) */
	while (*arg) {
		const char *token = arg;
		if (*token == '+' || *token == '-')
			token++;
		if (!strncmp(token, "repeat", 6))
			arg = token + 6;
		else if (!strncmp(token, "level", 5))
			arg = token + 5;
		else
			break;
	}
	if (!*arg)
		return 0;
	if (*arg == '+')
		arg++;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (!strcmp(levels[i].name, arg)) {
			*level = levels[i].level;
			return 0;
		}
	}
	char *tail;
	long l = strtol(arg, &tail, 10);
	if (*tail)
		return -EINVAL;
	*level = (int)l;
	return 0;
}

static void site_filters(const struct site *s, struct vfw_filters *f)
{
	memset(f, 0, sizeof(*f));
	if (s->kind == SITE_QSV) {
		/* QSV is Intel's; ffmpeg opens its VAAPI child with driver=iHD */
		f->vendor = "0x8086";
		f->driver = "iHD";
	} else {
		f->vendor = s->vendor;
		f->kernel_driver = s->kernel_driver;
		f->driver = s->driver;
	}
}

static char *own(struct vfw_result *out, char *s)
{
	if (!s)
		return NULL;
	char **o = realloc(out->owned, (out->nowned + 1) * sizeof(*o));
	if (!o) {
		free(s);
		return NULL;
	}
	out->owned = o;
	out->owned[out->nowned++] = s;
	return s;
}

/* The new text of the value token of @s. */
static char *site_new_value(const char *value, const struct site *s)
{
	struct sbuf b = { 0 };

	sb_printf(&b, "%.*s%s%s%s", (int)s->off, value, s->given ? "" : s->prefix, s->node,
		  value + s->off + s->len);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int vfw_rewrite(int argc, char *const argv[], enum vfw_mode mode, enum vfw_release release,
		const struct vfw_resolver *resolver, struct vfw_result *out)
{
	struct parse ps = { .argc = argc, .argv = argv };
	(void)release;	/* one table (5.1's) until the per-release tables exist */
	struct sbuf report = { 0 }, warning = { 0 };
	int extra = 0;

	memset(out, 0, sizeof(*out));
	parse_argv(&ps);
	out->loglevel = parse_loglevel(&ps);
	if (ps.oom)
		goto nomem;
	if (ps.error || mode == VFW_MODE_OFF) {
		for (size_t i = 0; i < ps.nsites; i++)
			site_free(&ps.sites[i]);
		ps.nsites = 0;
	}
	out->nsites = (int)ps.nsites;

	for (size_t i = 0; i < ps.nsites; i++) {
		struct site *s = &ps.sites[i];
		const char *value = argv[s->arg];
		struct vfw_filters f;
		const char *why = NULL, *node = NULL;
		char *given = NULL, *given_why = NULL;
		int rc;

		site_filters(s, &f);
		if (s->given) {
			given = strndup(value + s->off, s->len);
			if (!given)
				goto nomem;
		}
		if (mode == VFW_MODE_AUTO && s->given) {
			rc = resolver->check(resolver->data, given, &f, &why);
			if (rc == 0) {
				free(given);
				continue;	/* it works: keep it */
			}
			given_why = strdup(why ? why : "unusable");
			if (!given_why) {
				free(given);
				goto nomem;
			}
		}
		rc = resolver->select(resolver->data, &f, &node, &why);
		if (rc < 0 || !node) {
			sb_printf(&warning, "%sleft %s %s as given: ", warning.len ? "; " : "",
				  argv[s->opt], value);
			if (given_why)
				sb_printf(&warning, "%s: %s; ", given, given_why);
			sb_printf(&warning, "no device to use instead: %s", why ? why : "none");
		} else if (!given || (resolver->same ? !resolver->same(resolver->data, given, node)
						     : strcmp(given, node) != 0)) {
			s->node = strdup(node);
			if (!s->node) {
				free(given);
				free(given_why);
				goto nomem;
			}
			out->nchanged++;
			if (s->kind == SITE_HWACCEL) {
				extra += 2;
				sb_printf(&report, "%s%s %s -> %s %s %s %s", report.len ? "; " : "",
					  argv[s->opt], value, argv[s->opt], value, s->hwaccel_opt,
					  s->node);
			} else {
				char *nv = site_new_value(value, s);
				sb_printf(&report, "%s%s %s -> %s", report.len ? "; " : "",
					  argv[s->opt], value, nv ? nv : "?");
				free(nv);
			}
			if (given_why)
				sb_printf(&report, " (%s: %s)", given, given_why);
			else if (given)
				sb_printf(&report, " (mode force)");
			else
				sb_printf(&report, " (no node given)");
		}
		free(given);
		free(given_why);
	}
	if (report.oom || warning.oom)
		goto nomem;

	out->argv = calloc((size_t)argc + (size_t)extra + 1, sizeof(char *));
	if (!out->argv)
		goto nomem;
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const struct site *s = NULL;
		for (size_t j = 0; j < ps.nsites; j++)
			if (ps.sites[j].arg == i && ps.sites[j].node)
				s = &ps.sites[j];
		if (!s) {
			out->argv[n++] = argv[i];
		} else if (s->kind == SITE_HWACCEL) {
			out->argv[n++] = argv[i];
			out->argv[n] = own(out, strdup(s->hwaccel_opt));
			if (!out->argv[n++])
				goto nomem;
			out->argv[n] = own(out, strdup(s->node));
			if (!out->argv[n++])
				goto nomem;
		} else {
			out->argv[n] = own(out, site_new_value(argv[i], s));
			if (!out->argv[n++])
				goto nomem;
		}
	}
	out->argv[n] = NULL;
	out->argc = n;
	out->report = report.s;
	out->warning = warning.s;
	parse_release(&ps);
	return 0;

nomem:
	free(report.s);
	free(warning.s);
	parse_release(&ps);
	vfw_result_release(out);
	return -ENOMEM;
}

void vfw_result_release(struct vfw_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nowned; i++)
		free(res->owned[i]);
	free(res->owned);
	free(res->argv);
	free(res->report);
	free(res->warning);
	memset(res, 0, sizeof(*res));
}

enum vfw_release vfw_release_from_lavu(int major)
{
	switch (major) {
	case 57: return VFW_RELEASE_5;
	case 58: return VFW_RELEASE_6;
	case 59: return VFW_RELEASE_7;
	case 60: return VFW_RELEASE_8;
	default: return VFW_RELEASE_UNKNOWN;
	}
}

const char *vfw_release_name(enum vfw_release release)
{
	static const char *const names[] = { "unknown", "5.x", "6.x", "7.x", "8.x", "9.x" };

	return (unsigned int)release < sizeof(names) / sizeof(names[0]) ? names[release] : "unknown";
}
