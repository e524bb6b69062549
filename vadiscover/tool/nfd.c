/* vadiscover nfd: this node's VA-API devices as a feature file for the local source of
 * Kubernetes Node Feature Discovery (nfd-worker reads
 * /etc/kubernetes/node-feature-discovery/features.d/ and turns each `name[=value]` line into
 * a node label), so that a pod can ask for a node that, say, encodes AV1.
 *
 * NFD's rules, which every line written here keeps (nfd-worker source/local and nfd-master's
 * label validation, v0.14 and later):
 *   - a line is `name[=value]` (a missing value is "true"), whitespace trimmed; a line
 *     starting with '#' is a comment, `# +expiry-time=<RFC 3339>` a directive whose time
 *     applies to the lines after it;
 *   - a file larger than 64 KiB (65536 bytes) is ignored whole; files whose name starts
 *     with '.' are ignored (v0.15+), so the temporary file of an atomic write is one;
 *   - the name is a Kubernetes qualified name, prefix/name: the prefix a DNS subdomain
 *     (lower case, at most 253), the name at most 63 of [A-Za-z0-9._-], alphanumeric at
 *     both ends; a name without prefix gets feature.node.kubernetes.io/ from nfd-master,
 *     and kubernetes.io and *.kubernetes.io prefixes other than NFD's own are refused;
 *   - the value is empty or at most 63 of [A-Za-z0-9._-], alphanumeric at both ends.
 * This command writes names under vadiscover.io/ only, and values that are numbers or
 * "true".
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "vadiscover/tool/tool.h"

#define NFD_PREFIX "vadiscover.io/"
#define NFD_FEATURES_FILE "/etc/kubernetes/node-feature-discovery/features.d/vadiscover"
#define NFD_FILE_MAX 65536	/* nfd-worker's MaxFeatureFileSize */
#define NFD_NAME_MAX 63
#define NFD_VALUE_MAX 63

static const char nfd_usage[] =
	"Usage: vadiscover nfd [--write[=FILE]] [--expiry DURATION] [--no-cache] [-d]\n"
	"Print this node's VA-API devices as a Node Feature Discovery feature file: one\n"
	"label a line, under vadiscover.io/, for nfd-worker's local source to publish.\n"
	"\n"
	"  vadiscover.io/va-devices=N     devices that initialise VA-API (0: none)\n"
	"  vadiscover.io/va-vfs=N         of them, SR-IOV virtual functions\n"
	"  vadiscover.io/va-driver-NAME   a VA driver in use (iHD, radeonsi, ...)\n"
	"  vadiscover.io/va-decode-CODEC  some device decodes CODEC\n"
	"  vadiscover.io/va-encode-CODEC  some device encodes CODEC\n"
	"  vadiscover.io/va-vpp           some device offers video processing\n"
	"(a label that would be false is left out; values are numbers or true)\n"
	"\n"
	"Options:\n"
	"      --write[=FILE]   write the file (atomically: a hidden temporary file in the\n"
	"                       same directory, renamed over FILE) instead of printing it;\n"
	"                       FILE defaults to\n"
	"                       " NFD_FEATURES_FILE "\n"
	"      --expiry DURATION  start the file with '# +expiry-time=' that many seconds\n"
	"                       (or 90m, 2h, 1d) from now: NFD drops the labels when the\n"
	"                       file stops being refreshed (NFD v0.14+)\n"
	"      --no-cache       probe every device anew (also VADISCOVER_CACHE=0)\n"
	"  -d, --debug          the library's debug log on stderr\n"
	"  -h, --help           this help\n"
	"\n"
	"Examples:\n"
	"  vadiscover nfd\n"
	"  vadiscover nfd --write --expiry 1h      (what vadiscover-nfd.service runs)\n"
	"\n"
	"Exit status: 0 printed or written (also with no VA device: va-devices=0);\n"
	"2 usage error; 3 the file could not be written (the message says why).\n";

struct nfd_options {
	bool debug, no_cache;
	const char *write;	/* NULL: print */
	long expiry;		/* seconds, 0: none */
};

/* "3600", "90s", "90m", "2h", "1d" -> seconds, or -1. */
static long parse_duration(const char *text)
{
	char *end;
	long v, mult = 1;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || v <= 0)
		return -1;
	if (*end) {
		if (end[1])
			return -1;
		switch (*end) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		default: return -1;
		}
	}
	if (v > 366L * 86400 / mult)
		return -1;
	return v * mult;
}

/* Returns -1 to go on, or the exit code. */
static int parse(int argc, char **argv, struct nfd_options *o)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"debug", no_argument, NULL, 'd'},
		{"write", optional_argument, NULL, 'w'},
		{"expiry", required_argument, NULL, 'e'},
		{"no-cache", no_argument, NULL, 'C'},
		{NULL, 0, NULL, 0},
	};
	bool write = false;
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hd", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(nfd_usage, stdout);
			return EXIT_OK;
		case 'd': o->debug = true; break;
		case 'C': o->no_cache = true; break;
		case 'w':
			write = true;
			o->write = optarg;
			break;
		case 'e':
			o->expiry = parse_duration(optarg);
			if (o->expiry < 0) {
				tool_usage_error("nfd: --expiry takes seconds, or a number with s, "
						 "m, h or d, up to a year (got '%s')", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			return tool_option_error("nfd: ", c, argv);
		}
	}
	/* --write FILE, as well as --write=FILE. */
	if (write && !o->write && optind < argc)
		o->write = argv[optind++];
	if (optind < argc) {
		tool_usage_error("nfd takes no argument (got '%s')", argv[optind]);
		return EXIT_USAGE;
	}
	if (write && !o->write)
		o->write = NFD_FEATURES_FILE;
	if (write && !o->write[0]) {
		tool_usage_error("nfd: --write needs a file name, or none for the default");
		return EXIT_USAGE;
	}
	return -1;
}

/* Whether @s may follow "vadiscover.io/" as a label name: 1..63 of [A-Za-z0-9._-] with
 * the prefix, alphanumeric at both ends (the prefix's part starts with one already). */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NFD_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && ((i == 0 || i == n - 1) || (c != '-' && c != '_' && c != '.')))
			return false;
	}
	return true;
}

struct nfd_text {
	char buf[NFD_FILE_MAX + 1];
	size_t len;
	bool overflow;
};

static void add(struct nfd_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct nfd_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(t->buf) - t->len)
		t->overflow = true;
	else
		t->len += (size_t)n;
}

/* A label line, when its name keeps NFD's rules; else a comment that says why not. */
static void add_label(struct nfd_text *t, const char *name, const char *value)
{
	if (name_ok(name))
		add(t, NFD_PREFIX "%s=%s\n", name, value);
	else
		add(t, "# left out: '%s' is no valid label name (NFD: at most 63 of "
		       "A-Z a-z 0-9 . _ -)\n", name);
}

/* The feature file for the probed devices of @ctx. */
static void build(struct nfd_text *t, struct vad_context *ctx, long expiry)
{
	unsigned int decode = 0, encode = 0;
	bool vpp = false;
	int devices = 0, vfs = 0;
	const char *drivers[64];
	size_t ndrivers = 0;

	for (size_t i = 0; i < vad_device_count(ctx); i++) {
		const struct vad_device *dev = vad_device_get(ctx, i);
		const char *drv = vad_device_get_va_driver(dev);

		if (vad_device_get_va_status(dev) != 0)
			continue;
		devices++;
		vfs += vad_device_get_sriov_role(dev) == VAD_SRIOV_VF;
		decode |= vad_device_get_decode(dev);
		encode |= vad_device_get_encode(dev);
		vpp = vpp || vad_device_get_vpp(dev);
		if (drv) {
			size_t k = 0;

			while (k < ndrivers && strcmp(drivers[k], drv) != 0)
				k++;
			if (k == ndrivers && ndrivers < sizeof(drivers) / sizeof(drivers[0]))
				drivers[ndrivers++] = drv;
		}
	}

	add(t, "# The VA-API devices of this node, from 'vadiscover nfd' (vadiscover %s),\n"
	       "# for Node Feature Discovery's local source. Written again by the\n"
	       "# vadiscover-nfd timer or DaemonSet: do not edit.\n", VAD_VERSION);
	if (expiry > 0) {
		time_t until = time(NULL) + expiry;
		struct tm tm;
		char stamp[64];

		gmtime_r(&until, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		add(t, "# +expiry-time=%s\n", stamp);
	}
	add(t, NFD_PREFIX "va-devices=%d\n", devices);
	add(t, NFD_PREFIX "va-vfs=%d\n", vfs);
	for (size_t k = 0; k < ndrivers; k++) {
		char name[300];

		snprintf(name, sizeof(name), "va-driver-%s", drivers[k]);
		add_label(t, name, "true");
	}
	for (unsigned int c = 0; c < VAD_CODEC_COUNT; c++)
		if (decode & (1u << c))
			add(t, NFD_PREFIX "va-decode-%s=true\n", vad_codec_name(1u << c));
	for (unsigned int c = 0; c < VAD_CODEC_COUNT; c++)
		if (encode & (1u << c))
			add(t, NFD_PREFIX "va-encode-%s=true\n", vad_codec_name(1u << c));
	if (vpp)
		add(t, NFD_PREFIX "va-vpp=true\n");
}

/* Write @t to @path atomically: a hidden temporary file beside it (nfd-worker skips names
 * starting with '.'), fsync, rename. EXIT_OK, or EXIT_INTERNAL after saying why. */
static int write_atomically(const char *path, const struct nfd_text *t)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 32];
	const char *base = strrchr(path, '/');
	size_t dlen = base ? (size_t)(base - path) : 0;
	ssize_t done = 0;
	int fd, e;

	base = base ? base + 1 : path;
	if (!*base || dlen >= sizeof(dir)) {
		fprintf(stderr, "vadiscover: nfd: '%s' is no file name\n", path);
		return EXIT_INTERNAL;
	}
	if (base == path)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(dlen ? dlen : 1), path);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		fprintf(stderr, "vadiscover: nfd: cannot create a file in %s: %s%s\n", dir,
			strerror(e), e == ENOENT ? " (is Node Feature Discovery set up? its "
			"nfd-worker reads /etc/kubernetes/node-feature-discovery/features.d)" : "");
		return EXIT_INTERNAL;
	}
	while ((size_t)done < t->len) {
		ssize_t n = write(fd, t->buf + done, t->len - (size_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	e = (size_t)done == t->len ? 0 : errno ? errno : EIO;
	if (!e && (fchmod(fd, 0644) < 0 || fsync(fd) < 0))
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e) {
		unlink(tmp);
		fprintf(stderr, "vadiscover: nfd: writing %s failed: %s\n", path, strerror(e));
		return EXIT_INTERNAL;
	}
	/* The rename itself on disk, so that a crash leaves the old file or the new one. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return EXIT_OK;
}

int nfd_main(int argc, char **argv)
{
	struct nfd_options o;
	struct vad_context *ctx = NULL;
	struct vad_device *sel = NULL;
	struct nfd_text *t;
	int ret = parse(argc, argv, &o), r;

	if (ret >= 0)
		return ret;
	ret = tool_context_new(&ctx, o.debug, !o.no_cache, NULL);
	if (ret != EXIT_OK)
		return ret;
	ret = EXIT_INTERNAL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		fprintf(stderr, "vadiscover: %s\n", strerror(ENOMEM));
		goto out;
	}
	r = vad_scan(ctx);
	if (r < 0) {
		fprintf(stderr, "vadiscover: scanning /dev/dri failed: %s\n", strerror(-r));
		goto out;
	}
	/* Every device probed (with the cache, a second run loads no VA driver). */
	r = vad_select(ctx, NULL, VAD_SELECT_ALL, &sel);
	if (r < 0 && r != -ENOENT && r != -ENODEV) {
		fprintf(stderr, "vadiscover: probing failed: %s\n", strerror(-r));
		goto out;
	}
	/* va-devices=0 for want of a libva is no fact about the GPUs: say so. */
	if (vad_device_count(ctx) > 0 && !vad_get_libva_path(ctx) && vad_get_libva_error(ctx))
		fprintf(stderr, "vadiscover: nfd: no usable libva, so no device counts as VA-capable: "
			"%s\n", vad_get_libva_error(ctx));
	build(t, ctx, o.expiry);
	if (t->overflow) {
		fprintf(stderr, "vadiscover: nfd: the file would exceed NFD's %d bytes\n",
			NFD_FILE_MAX);
		goto out;
	}
	if (o.write)
		ret = write_atomically(o.write, t);
	else
		ret = fwrite(t->buf, 1, t->len, stdout) == t->len ? EXIT_OK : EXIT_INTERNAL;
out:
	free(t);
	vad_unref(ctx);
	return ret;
}
