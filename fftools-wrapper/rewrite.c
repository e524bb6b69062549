/*
 * The argv rewriter of the ffmpeg wrapper (see rewrite.h).
 *
 * ffmpeg's syntax (fftools/cmdutils.c split_commandline, alike in 5.x to 9.x but for the
 * option table and what 7.0 added):
 *   - "--" makes the next argument a file name; a lone "-" or anything not starting with
 *     '-' is an output file name;
 *   - "-i X" ends an input group; options before it belong to that input; from 7.1
 *     "-dec X" ends a loopback decoder's group the same way;
 *   - an option of the table (ffopts.inc, matched up to an optional ":stream_spec") takes
 *     a value or not as its release line says; an OPT_EXIT option (-h, -version...) takes
 *     the next argument, whatever it is; from 7.0 "-/NAME FILE" is NAME with its value
 *     read from FILE;
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vadiscover/str.h"

/* ffmpeg's own options, one row per name, one code per release line (gen-ffopts explains
 * the codes). Sorted by name; no name contains ':' or '/'. */
struct ffopt {
	const char *name;
	char codes[6];		/* 5.x 6.x 7.x 8.x 9.x */
};

static const struct ffopt ffopts[] = {
#include "fftools-wrapper/ffopts.inc"
};

#define NRELEASES 5	/* VFW_RELEASE_5 .. VFW_RELEASE_9 */
#define FIRST_SLASH (VFW_RELEASE_7 - VFW_RELEASE_5)	/* the first line with -/NAME */

static int ffopt_cmp(const void *key, const void *elem)
{
	const char *name = key;
	const struct ffopt *o = elem;
	size_t n = strcspn(name, ":");
	int c = strncmp(name, o->name, n);

	return c ? c : o->name[n] ? -1 : 0;
}

/* fftools' find_option(): the entry whose name is @name up to an optional ":stream_spec". */
static const struct ffopt *find_option(const char *name)
{
	return bsearch(name, ffopts, sizeof(ffopts) / sizeof(ffopts[0]), sizeof(ffopts[0]),
		       ffopt_cmp);
}

/* What one option does with the argument after it. */
enum use {
	USE_NONE,	/* a flag: nothing */
	USE_VALUE,	/* takes it as its value */
	USE_EXIT,	/* takes it, whatever it is, and ffmpeg exits */
	USE_SEP,	/* takes it and ends a group of options (-i URL, -dec SPEC) */
};

struct optinfo {
	enum use use;
	const struct ffopt *opt;	/* the option of the table, NULL: an AVOption */
	bool file;		/* -/NAME (7.0): the value is a file holding the real value */
	bool reject;		/* ffmpeg rejects the option ("-/NAME" before 7.0) */
};

static bool consumes(enum use u)
{
	return u != USE_NONE;
}

/*
 * How ffmpeg of release line @r (0: 5.x .. 4: 9.x) parses "-@name", following
 * split_commandline() (fftools/cmdutils.c): a group separator only when the name is
 * exactly one; from 7.0 a leading '/' is skipped (find_option) and the value is a file
 * name; then the option of the table; else an AVOption (takes a value) unless -noNAME for
 * a boolean NAME.
 */
static struct optinfo option_in(const char *name, int r)
{
	struct optinfo oi = { .use = USE_VALUE };
	const char *n = name;
	bool slash = name[0] == '/';

	if (slash) {
		if (r < FIRST_SLASH) {
			oi.reject = true;	/* no option, no AVOption is named "/NAME" */
			return oi;
		}
		n++;
	}
	const struct ffopt *o = find_option(n);
	char c = o ? o->codes[r] : '.';
	if (c == 's' && (slash || strcmp(n, o->name)))
		c = '.';	/* match_group_separator() wants the exact name */
	switch (c) {
	case 'v':
	case 'B':
		oi.use = USE_VALUE;
		break;
	case 'f':
	case 'b':
		oi.use = USE_NONE;
		break;
	case 'x':
		oi.use = USE_EXIT;
		break;
	case 's':
		oi.use = USE_SEP;
		break;
	default:
		o = NULL;
		if (!slash && n[0] == 'n' && n[1] == 'o') {
			const struct ffopt *b = find_option(n + 2);
			if (b && (b->codes[r] == 'b' || b->codes[r] == 'B')) {
				oi.use = USE_NONE;
				o = b;
			}
		}
		break;
	}
	oi.opt = o;
	oi.file = slash && oi.use == USE_VALUE && o;
	return oi;
}

/*
 * The same for @release; for VFW_RELEASE_UNKNOWN the rule of rewrite.h: where all release
 * lines agree, that; where they agree that the next argument is taken, the newest line's
 * reading; where some take it and some do not, it is taken exactly when it does not look
 * like an option (it does not start with '-', or is "-" alone). "-/NAME" is read as the
 * lines that know it read it.
 */
static struct optinfo option_info(const char *name, enum vfw_release release,
				  const char *next)
{
	if (release >= VFW_RELEASE_5 && release <= VFW_RELEASE_9)
		return option_in(name, (int)release - VFW_RELEASE_5);

	int first = name[0] == '/' ? FIRST_SLASH : 0;
	struct optinfo newest = option_in(name, NRELEASES - 1);
	struct optinfo taking = { .use = USE_NONE }, flag = { .use = USE_NONE };
	int ntaking = 0, nflag = 0;

	for (int r = NRELEASES - 1; r >= first; r--) {
		struct optinfo oi = r == NRELEASES - 1 ? newest : option_in(name, r);
		if (consumes(oi.use) && ntaking++ == 0)
			taking = oi;
		if (!consumes(oi.use) && nflag++ == 0)
			flag = oi;
	}
	if (!nflag)
		return taking;
	if (!ntaking)
		return flag;
	return next && (next[0] != '-' || next[1] == '\0') ? taking : flag;
}

static bool optinfo_same(struct optinfo a, struct optinfo b)
{
	return a.use == b.use && a.opt == b.opt && a.file == b.file && a.reject == b.reject;
}

/* Public (rewrite.h): an argument that names an option the lines read differently. */
bool vfw_release_matters(int argc, char *const argv[])
{
	for (int i = 1; i < argc && argv[i]; i++) {
		const char *name = argv[i] + 1;

		if (argv[i][0] != '-' || !*name)
			continue;
		struct optinfo first = option_in(name, 0);
		for (int r = 1; r < NRELEASES; r++)
			if (!optinfo_same(first, option_in(name, r)))
				return true;
	}
	return false;
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
	bool options;		/* the value may end with ",KEY=VALUE" options (driver=) */
	char *hwaccel_opt;	/* SITE_HWACCEL: the option to add ("-hwaccel_device:v") */
	char *vendor, *kernel_driver, *driver;
	char *node;		/* the node to use instead, or NULL: the one given */
	const char *append;	/* appended to the value (",driver=iHD"), or NULL */
};

struct hwaccel_dev {
	int opt, arg;
	const char *spec;	/* the stream specifier after the name ("", ":v") */
	bool file;		/* -/hwaccel_device FILE: the device is in a file */
};

struct parse {
	int argc;
	char *const *argv;
	enum vfw_release release;
	bool error;		/* ffmpeg would reject the command line */
	bool oom;

	struct site *sites;
	size_t nsites, capsites;

	/* Names of the devices the options define, for -hwaccel_device NAME. */
	char **names;
	size_t nnames, capnames;
	int nvaapi;		/* VAAPI devices the options create */
	bool unknown_devices;	/* -/init_hw_device FILE: devices we cannot see */

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

	/* av_hwdevice_ctx_create(type, device, options): a VAAPI device takes driver= there */
	struct site s = { .kind = kind, .opt = opt, .arg = arg, .prefix = "",
			  .options = kind == SITE_VAAPI };
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

/*
 * -vaapi_device X is -init_hw_device "vaapi:X" and -qsv_device X is -init_hw_device
 * "qsv=__qsv_device:hw_any,child_device=X" (opt_vaapi_device, opt_qsv_device: the value is
 * pasted in), so X is NODE[,KEY=VALUE...]: a VAAPI one takes driver= too. An empty X: no
 * node. @file: -/vaapi_device FILE, the value is in a file (a device all the same).
 */
static void parse_device_shorthand(struct parse *ps, enum site_kind kind, int opt, int arg,
				   bool file)
{
	const char *value = ps->argv[arg];
	size_t dlen = strcspn(value, ",");

	if (kind == SITE_VAAPI) {
		ps->nvaapi++;
		add_default_name(ps, "vaapi", 5);
	} else {
		add_name(ps, "__qsv_device", 12);
	}
	if (file || (dlen > 0 && value[0] != '/'))
		return;		/* not a node: an X11 display, an adapter index */

	struct site s = { .kind = kind, .opt = opt, .arg = arg, .prefix = "",
			  .given = dlen > 0, .len = dlen, .options = kind == SITE_VAAPI };
	bool child = false;
	if (kind == SITE_VAAPI && value[dlen] == ',' &&
	    !parse_device_options(ps, &s, value, value + dlen + 1, &child)) {
		site_free(&s);
		return;
	}
	struct site *ns = add_site(ps, kind, opt, arg);
	if (!ns) {
		site_free(&s);
		return;
	}
	*ns = s;
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
			if (pd->devs[j].file) {
				named = true;	/* in a file: left to ffmpeg */
			} else if (has_name(ps, v, strlen(v))) {
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
		if (!named && ps->nvaapi != 1 && !ps->unknown_devices) {
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

/* -hwaccel VALUE in the input group being parsed: ffmpeg uses the last one (the per-stream
 * option's last match), so a later one that is not vaapi, or that comes from a file,
 * undoes an earlier vaapi. Conservative on purpose: a node added for a stream that ends up
 * on another hwaccel (cuda, qsv) would be given to that hwaccel as its device. */
static void parse_hwaccel(struct parse *ps, int opt, int arg, bool file)
{
	if (!file && !strcmp(ps->argv[arg], "vaapi")) {
		ps->hw_opt = opt;
		ps->hw_arg = arg;
	} else {
		ps->hw_opt = ps->hw_arg = 0;
	}
}

/* -hwaccel_device[SPEC] VALUE: for each stream the last matching one counts, so a later one
 * with the same specifier, or with none (it matches every stream), replaces earlier ones. */
static void parse_hwaccel_device(struct parse *ps, const char *spec, int opt, int arg,
				 bool file)
{
	size_t k = 0;

	for (size_t j = 0; j < ps->nhwdevs; j++)
		if (spec[0] != '\0' && strcmp(ps->hwdevs[j].spec, spec))
			ps->hwdevs[k++] = ps->hwdevs[j];
	ps->nhwdevs = k;

	struct hwaccel_dev *d = grow(ps->hwdevs, &ps->caphwdevs, ps->nhwdevs, sizeof(*d),
				     &ps->oom);
	if (!d)
		return;
	ps->hwdevs = d;
	ps->hwdevs[ps->nhwdevs++] = (struct hwaccel_dev){ opt, arg, spec, file };
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
		struct optinfo oi = option_info(name, ps->release,
						i < ps->argc ? ps->argv[i] : NULL);

		if (oi.reject) {
			ps->error = true;	/* "Unrecognized option" */
			return;
		}
		if (oi.use == USE_NONE)
			continue;
		if (oi.use == USE_EXIT) {
			i++;	/* an optional argument, whatever it is */
			continue;
		}
		if (i >= ps->argc) {
			/* "Missing argument for option", or an AVOption without a value:
			 * "Unrecognized option" */
			ps->error = true;
			return;
		}
		int arg = i++;

		if (oi.use == USE_SEP) {
			if (!strcmp(oi.opt->name, "i"))
				finish_input_group(ps);
			else
				finish_output_group(ps);	/* -dec: no -hwaccel there */
			continue;
		}
		if (!oi.opt) {
			/* An AVOption. opt_default() raises the log level for -debug and
			 * -fdebug. */
			if (!strcmp(name, "debug") || !strcmp(name, "fdebug"))
				ps->debug_option = true;
			continue;
		}

		const char *oname = oi.opt->name;
		const char *spec = name + (oi.file ? 1 : 0) + strlen(oname);

		if (!strcmp(oname, "init_hw_device")) {
			if (oi.file)
				ps->unknown_devices = true;	/* in a file: not ours to read */
			else
				parse_init_hw_device(ps, optidx, arg);
		} else if (!strcmp(oname, "vaapi_device")) {
			parse_device_shorthand(ps, SITE_VAAPI, optidx, arg, oi.file);
		} else if (!strcmp(oname, "qsv_device")) {
			parse_device_shorthand(ps, SITE_QSV, optidx, arg, oi.file);
		} else if (!strcmp(oname, "hwaccel")) {
			parse_hwaccel(ps, optidx, arg, oi.file);
		} else if (!strcmp(oname, "hwaccel_device")) {
			parse_hwaccel_device(ps, spec, optidx, arg, oi.file);
		} else if ((!strcmp(oname, "loglevel") || !strcmp(oname, "v")) && !oi.file) {
			int *l = grow(ps->levels, &ps->caplevels, ps->nlevels, sizeof(*l),
				      &ps->oom);
			if (l) {
				ps->levels = l;
				ps->levels[ps->nlevels++] = arg;
			}
		}
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
	struct vad_str b = { 0 };

	if (s->node)
		vad__str_addf(&b, "%.*s%s%s%s", (int)s->off, value, s->given ? "" : s->prefix,
			      s->node, value + s->off + s->len);
	else
		vad__str_addf(&b, "%s", value);
	if (s->append)
		vad__str_addf(&b, "%s%s", b.len && b.s[b.len - 1] == ',' ? "" : ",", s->append);
	return vad__str_done(&b);
}

/*
 * The ",driver=NAME" to append to a site's value when the device needs a VA driver named
 * (resolver: va_driver) and the value can say so. Only a VAAPI device that ffmpeg creates
 * with av_hwdevice_ctx_create(type, device, options) reads driver= (vaapi_device_create in
 * libavutil/hwcontext_vaapi.c): -init_hw_device vaapi[=NAME][:NODE][,KEY=VALUE...] and
 * -vaapi_device NODE[,KEY=VALUE...] (pasted after "vaapi:"). These cannot carry one:
 *   -hwaccel_device NODE   hw_device_init_from_type() creates the device with no options;
 *   vaapi=NAME@SOURCE      av_hwdevice_ctx_create_derived() passes no options, and
 *                          vaapi_device_derive() reads none;
 *   drm=NAME:NODE          a DRM device: hwcontext_drm has no VA driver;
 *   qsv / -qsv_device      libavutil's QSV device already opens its VAAPI child with
 *                          driver=iHD.
 * An explicit driver= is never overridden.
 */
static const char *site_append(const struct site *s, const char *va_driver, char **buf)
{
	*buf = NULL;
	if (!va_driver || s->kind != SITE_VAAPI || !s->options || s->driver)
		return NULL;
	if (asprintf(buf, "driver=%s", va_driver) < 0) {
		*buf = NULL;
		return NULL;
	}
	return *buf;
}

int vfw_rewrite(int argc, char *const argv[], enum vfw_mode mode, enum vfw_release release,
		const struct vfw_resolver *resolver, struct vfw_result *out)
{
	struct parse ps = { .argc = argc, .argv = argv, .release = release };
	struct vad_str report = { 0 }, warning = { 0 };
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
		const char *why = NULL, *node = NULL, *va_driver = NULL;
		char *given = NULL, *given_why = NULL, *append = NULL;
		bool keep = false;
		int rc;

		site_filters(s, &f);
		if (s->given) {
			given = strndup(value + s->off, s->len);
			if (!given)
				goto nomem;
		}
		if (mode == VFW_MODE_AUTO && s->given) {
			rc = resolver->check(resolver->data, given, &f, &va_driver, &why);
			if (rc == 0) {
				keep = true;	/* it works: keep it */
			} else {
				given_why = strdup(why ? why : "unusable");
				if (!given_why) {
					free(given);
					goto nomem;
				}
			}
		}
		if (!keep) {
			va_driver = NULL;
			rc = resolver->select(resolver->data, &f, &node, &va_driver, &why);
			if (rc < 0 || !node) {
				vad__str_addf(&warning, "%sleft %s %s as given: ",
					      warning.len ? "; " : "", argv[s->opt], value);
				if (given_why)
					vad__str_addf(&warning, "%s: %s; ", given, given_why);
				vad__str_addf(&warning, "no device to use instead: %s",
					      why ? why : "none");
				free(given);
				free(given_why);
				continue;
			}
			if (given && (resolver->same ? resolver->same(resolver->data, given, node)
						     : !strcmp(given, node)))
				keep = true;	/* the selected node, under this name */
			else if (!(s->node = strdup(node)))
				goto nomem_site;
		}
		s->append = site_append(s, va_driver, &append);
		if (append && !own(out, append))
			goto nomem_site;
		if (s->node || s->append) {
			out->nchanged++;
			if (s->kind == SITE_HWACCEL) {
				extra += 2;
				vad__str_addf(&report, "%s%s %s -> %s %s %s %s", report.len ? "; " : "",
					      argv[s->opt], value, argv[s->opt], value, s->hwaccel_opt,
					      s->node);
			} else {
				char *nv = site_new_value(value, s);
				vad__str_addf(&report, "%s%s %s -> %s", report.len ? "; " : "",
					      argv[s->opt], value, nv ? nv : "?");
				free(nv);
			}
			if (!s->node)
				vad__str_addf(&report, " (the device needs VA driver %s)", va_driver);
			else if (given_why)
				vad__str_addf(&report, " (%s: %s)", given, given_why);
			else if (given)
				vad__str_addf(&report, " (mode force)");
			else
				vad__str_addf(&report, " (no node given)");
		}
		free(given);
		free(given_why);
		continue;
nomem_site:
		free(given);
		free(given_why);
		goto nomem;
	}
	if (report.failed || warning.failed)
		goto nomem;

	out->argv = calloc((size_t)argc + (size_t)extra + 1, sizeof(char *));
	if (!out->argv)
		goto nomem;
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const struct site *s = NULL;
		for (size_t j = 0; j < ps.nsites; j++)
			if (ps.sites[j].arg == i && (ps.sites[j].node || ps.sites[j].append))
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
	case 61: return VFW_RELEASE_9;	/* FFmpeg 9.0.2: LIBAVUTIL_VERSION_MAJOR 61 */
	default: return VFW_RELEASE_UNKNOWN;
	}
}

const char *vfw_release_name(enum vfw_release release)
{
	static const char *const names[] = { "unknown", "5.x", "6.x", "7.x", "8.x", "9.x" };

	return (unsigned int)release < sizeof(names) / sizeof(names[0]) ? names[release] : "unknown";
}
