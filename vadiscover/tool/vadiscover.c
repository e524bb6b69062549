/* vadiscover: list the DRM devices of this machine, pick the one to use for VA-API, and
 * explain the choice. A thin front end over libvadiscover; see vadiscover.1.
 *
 * stdout carries only the result (a listing, a node path, or a JSON document); every
 * message goes to stderr. Exit codes: 0 ok (list also with no devices), 1 pick/explain
 * found no device (none at all or none matches),
 * 2 usage error or invalid spec, 3 internal error (out of memory, cannot write output).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "vadiscover/tool/guests.h"
#include "vadiscover/tool/output.h"
#include "vadiscover/tool/tool.h"
#include "vadiscover/vadiscover.h"

#define NO_DEVICES_MSG "no DRM devices: /dev/dri is missing or empty"
#define SELECT_ENV "VADISCOVER_SELECT"

enum command { CMD_NONE, CMD_LIST, CMD_PICK, CMD_EXPLAIN };

struct options {
	enum command command;
	bool json;
	bool verbose;
	bool no_probe;
	bool debug;
	bool no_cache;
	const char *ffmpeg;	 /* --ffmpeg: probe with the libva this program would load */
	const char *root;	 /* --root: where files outside /sys and /dev are read */
	const char *spec_text;	 /* NULL: none given and none in the environment */
	const char *spec_source; /* "argument", "environment" or "default" */
};

static const char usage_text[] =
	"Usage: vadiscover [OPTION]... COMMAND [SPEC]\n"
	"Find the DRM node to use for VA-API by what the device is, not by its name.\n"
	"\n"
	"Commands:\n";

/* After the commands. */
static const char usage_rest[] =
	"\n"
	"libva is loaded at run time: the one named by --ffmpeg, else the system's\n"
	"(libva.so.2). Without a usable libva every device is 'VA: none (no usable\n"
	"libva)' and the reason (on stderr for plain list) says what to install.\n"
	"\n"
	"Options:\n"
	"  -v, --verbose   list: VA vendor string and codecs, or the full reason\n"
	"      --no-probe  list: sysfs only, no VA summary, no VA driver loaded\n"
	"      --json      print a JSON document instead (list, pick, explain; see\n"
	"                  vadiscover(1), section JSON OUTPUT)\n"
	"      --root DIR  read files outside /sys and /dev under DIR (default /): the\n"
	"                  Proxmox guest configs in DIR/etc/pve that list names\n"
	"      --ffmpeg PATH  probe as that ffmpeg would: with the libva its ELF file\n"
	"                  names (its rpath, e.g. jellyfin-ffmpeg's own libva in\n"
	"                  /usr/lib/jellyfin-ffmpeg/lib), else the system's libva\n"
	"      --no-cache  probe every device anew: neither use nor update the probe\n"
	"                  cache (also VADISCOVER_CACHE=0); list -v marks an answer\n"
	"                  taken from the cache '(cached)'\n"
	"  -d, --debug     send the library's debug log to stderr\n"
	"  -h, --help      this help\n"
	"  -V, --version   the tool's and the library's version\n"
	"\n"
	"SPEC: comma-separated key=value pairs, all of which must match; without SPEC,\n"
	"$" SELECT_ENV " is used; an empty spec means the first VA-capable device.\n"
	"  vendor=0x8086          PCI vendor id, hex as lspci -nn prints it: 8086 and\n"
	"                         0x8086 are both Intel (or vendor_id=)\n"
	"  kernel_driver=i915|xe  kernel driver; alternatives joined by '|'\n"
	"  driver=iHD             VA driver to probe with (as FFmpeg's driver= option)\n"
	"  pci=0000:00:02.4       PCI slot; the domain may be left out (pci=00:02.4)\n"
	"  role=pf|vf|none        SR-IOV physical function, virtual function, neither\n"
	"  vf=4                   VF number, from 1 (00:02.4 is VF 4); implies role=vf\n"
	"  node=/dev/dri/renderD128  a node, matched by device number (symlinks work)\n"
	"  decode=h264+hevc       VA decode of every listed codec\n"
	"  encode=av1             VA encode of every listed codec\n"
	"  index=1                the Nth matching device, from 0 (default 0)\n"
	"  Codecs:";

/* After the codec names, which the library names (vad_codec_name()). */
static const char usage_tail[] =
	"\n"
	"\n"
	"Examples:\n"
	"  vadiscover list\n"
	"  vadiscover list -v\n"
	"  vadiscover pick                      first VA-capable device\n"
	"  vadiscover pick role=vf              first working SR-IOV VF\n"
	"  vadiscover pick vendor=0x8086,encode=av1\n"
	"  vadiscover explain 'kernel_driver=i915|xe,decode=hevc10'\n"
	"  ffmpeg -init_hw_device vaapi=va:$(vadiscover pick role=vf) ...\n"
	"\n"
	"Exit status: 0 ok (list: also when there are no DRM devices; it says so on\n"
	"stderr); 1 pick/explain: no DRM devices, or none matches SPEC (reasons on stderr);\n"
	"2 usage error or invalid SPEC (the message names the key or value);\n"
	"3 internal error (out of memory, output not written).\n";

/*
 * The commands, as kmod's tools have them: the name, the function that runs it and its
 * lines in --help (a printf format: %s is passthrough's --to formats). The function gets
 * argv without the command word: argv[0] is the program name, then every option given
 * before and after the command, and the command's arguments.
 */
static int list_main(int argc, char **argv);
static int pick_main(int argc, char **argv);
static int explain_main(int argc, char **argv);

static const struct tool_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "list", list_main,
	  "  list [-v|--no-probe]  one line per DRM device: nodes, PCI slot, ids, kernel\n"
	  "                  driver, SR-IOV role, and a short VA summary from probing\n"
	  "                  VA-API on every device ('VA: iHD 1.17', or 'VA: none (why)').\n"
	  "                  A node renamed in a container shows its device number\n"
	  "                  ('renderD128=226:132': the host's renderD132). 'PF 7/7 VFs':\n"
	  "                  an SR-IOV physical function with 7 of its 7 VFs enabled; its\n"
	  "                  VFs without a DRM node follow ('no DRM node: vfio-pci: passed\n"
	  "                  to a VM'), never probed. On a Proxmox host, 'given to LXC 123\n"
	  "                  (name)' or 'VM 101 (name)' from /etc/pve. -v first names the\n"
	  "                  libva used ('libva: PATH (2.17)'), then gives the VA vendor\n"
	  "                  string and codecs (once; 'VA: same as renderD129' after), or\n"
	  "                  the full reason, and explains the columns; --no-probe reads\n"
	  "                  sysfs only and loads no VA driver.\n" },
	{ "pick", pick_main,
	  "  pick [SPEC]     print the node to use (render node, else card node) alone on\n"
	  "                  stdout. Devices are tried in render-node order; VA-API is\n"
	  "                  probed only as far as needed.\n" },
	{ "explain", explain_main,
	  "  explain [SPEC]  the libva used, then every device with its verdict and the\n"
	  "                  reason for it.\n" },
	{ "doctor", doctor_main,
	  "  doctor [--user NAME] [--json] [--root DIR]\n"
	  "                  check the set-up, from IOMMU and SR-IOV VFs to node access,\n"
	  "                  VA drivers and Jellyfin's ffmpeg; the fix for each problem\n"
	  "                  (vadiscover doctor --help). Exit 1 when a check failed.\n" },
	{ "passthrough", passthrough_main,
	  "  passthrough [SPEC] --to %s [--ct ID] [--gid N]\n"
	  "                  the lines that give the device to a container, with the\n"
	  "                  host's names (Proxmox: the pct set command, --ct ID)\n"
	  "                  (vadiscover passthrough --help)\n" },
	{ "nfd", nfd_main,
	  "  nfd [--write[=FILE]] [--expiry DURATION]\n"
	  "                  this node's VA devices, drivers and codecs as a Node Feature\n"
	  "                  Discovery feature file (vadiscover.io/va-encode-av1=true...)\n"
	  "                  for Kubernetes (vadiscover nfd --help)\n" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* "list, pick, explain, doctor, passthrough or nfd" */
static void command_names(char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < NCOMMANDS; i++) {
		size_t l = strlen(buf);

		tool_sfmt(buf + l, len - l, "%s%s",
			  i == 0 ? "" : i + 1 == NCOMMANDS ? " or " : ", ", commands[i].name);
	}
}

static void print_usage(void)
{
	char formats[128];

	passthrough_format_names(formats, sizeof(formats), "|", "|");
	fputs(usage_text, stdout);
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf(commands[i].help, formats);
	fputs(usage_rest, stdout);
	for (unsigned int i = 0; i < VAD_CODEC_COUNT; i++)
		printf(" %s", vad_codec_name(1u << i));
	fputs(usage_tail, stdout);
}

void tool_sfmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

const char *tool_base(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "?";
}

char *tool_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

void tool_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vadiscover: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vadiscover --help'.\n", stderr);
}

int tool_option_error(const char *command, int c, char **argv)
{
	if (c == ':')
		tool_usage_error("option '%s' needs an argument", argv[optind - 1]);
	else if (optopt)
		tool_usage_error("%sunknown option '-%c'", command, optopt);
	else
		tool_usage_error("%sunknown option '%s'", command, argv[optind - 1]);
	return EXIT_USAGE;
}

void tool_log_to_stderr(struct vad_context *ctx, enum vad_log_priority priority,
			void *userdata, const char *format, va_list args)
{
	const char *level = priority <= VAD_LOG_ERROR ? "error"
			    : priority <= VAD_LOG_INFO ? "info"
						       : "debug";

	(void)ctx;
	(void)userdata;
	fprintf(stderr, "vadiscover: %s: ", level);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

/* Parses the options of list, pick and explain (@command), or with CMD_NONE of a command
 * line without a known command. Returns -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv, enum command command, struct options *o)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"debug", no_argument, NULL, 'd'},
		{"verbose", no_argument, NULL, 'v'},
		{"json", no_argument, NULL, 'j'},
		{"no-probe", no_argument, NULL, 'P'},
		{"ffmpeg", required_argument, NULL, 'F'},
		{"root", required_argument, NULL, 'R'},
		{"no-cache", no_argument, NULL, 'C'},
		{NULL, 0, NULL, 0},
	};
	char names[128];
	int c;

	memset(o, 0, sizeof(*o));
	o->command = command;
	o->root = "/";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hVdv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			print_usage();
			return EXIT_OK;
		case 'V':
			printf("vadiscover %s (libvadiscover %s)\n", VAD_VERSION, vad_version());
			return EXIT_OK;
		case 'd': o->debug = true; break;
		case 'v': o->verbose = true; break;
		case 'j': o->json = true; break;
		case 'P': o->no_probe = true; break;
		case 'F': o->ffmpeg = optarg; break;
		case 'R':
			if (optarg[0] != '/') {
				tool_usage_error("--root needs an absolute directory (got '%s')", optarg);
				return EXIT_USAGE;
			}
			o->root = optarg;
			break;
		case 'C': o->no_cache = true; break;
		default:
			return tool_option_error("", c, argv);
		}
	}
	if (o->command == CMD_NONE) {
		command_names(names, sizeof(names));
		if (optind >= argc)
			tool_usage_error("no command given (%s)", names);
		else
			tool_usage_error("unknown command '%s' (%s)", argv[optind], names);
		return EXIT_USAGE;
	}

	int rest = argc - optind;
	if (o->command == CMD_LIST) {
		if (rest > 0) {
			tool_usage_error("list takes no argument (got '%s')", argv[optind]);
			return EXIT_USAGE;
		}
		if (o->verbose && o->no_probe) {
			tool_usage_error("-v and --no-probe contradict each other (-v probes)");
			return EXIT_USAGE;
		}
		return -1;
	}
	if (o->verbose) {
		tool_usage_error("-v applies to list only");
		return EXIT_USAGE;
	}
	if (o->no_probe) {
		tool_usage_error("--no-probe applies to list only");
		return EXIT_USAGE;
	}
	if (rest > 1) {
		tool_usage_error("one SPEC at most (got '%s' and '%s'); join keys with ','",
			    argv[optind], argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (rest == 1) {
		o->spec_text = argv[optind];
		o->spec_source = "argument";
	} else if ((o->spec_text = getenv(SELECT_ENV)) != NULL) {
		o->spec_source = "environment";
	} else {
		o->spec_text = "";
		o->spec_source = "default";
	}
	return -1;
}

static int cmd_list(struct vad_context *ctx, const struct options *o,
		    const struct guests *guests)
{
	struct vad_device *sel = NULL;
	int n = vad_scan(ctx);

	if (n < 0) {
		fprintf(stderr, "vadiscover: scanning /dev/dri failed: %s\n", strerror(-n));
		return EXIT_INTERNAL;
	}
	bool probe = !o->no_probe;

	if (probe) {
		/* Probe everything with the empty spec: verdicts and reasons come with it. */
		int r = vad_select(ctx, NULL, VAD_SELECT_ALL, &sel);

		if (r < 0 && r != -ENOENT && r != -ENODEV) {
			fprintf(stderr, "vadiscover: probing failed: %s\n", strerror(-r));
			return EXIT_INTERNAL;
		}
	}
	/* Which libva, also when no device was probed (-v and JSON say). */
	if (probe && (o->verbose || o->json))
		vad_libva_load(ctx);
	if (o->json) {
		out_document_json(stdout, ctx, "list", probe ? "" : NULL,
				  probe ? "default" : NULL, sel,
				  n == 0 ? NO_DEVICES_MSG : NULL, guests);
		return EXIT_OK;
	}
	if (n == 0) {
		fprintf(stderr, "vadiscover: %s\n", NO_DEVICES_MSG);
		return EXIT_OK;
	}
	struct out_columns cols;
	struct out_seen seen = { .n = 0 };
	if (o->verbose)
		out_libva_line(stdout, ctx);
	out_columns_measure(&cols, ctx, guests);
	for (int i = 0; i < n; i++)
		out_device_line(stdout, vad_device_get(ctx, (size_t)i), &cols,
				probe ? (o->verbose ? OUT_VA_FULL : OUT_VA_SHORT) : OUT_VA_NONE,
				true, o->verbose ? &seen : NULL);
	for (size_t i = 0; i < vad_function_count(ctx); i++)
		out_function_line(stdout, vad_function_get(ctx, i), &cols);
	out_seen_free(&seen);
	if (o->verbose)
		out_legend(stdout, ctx);
	/* The short lines only say 'no usable libva': what to install goes to stderr. */
	if (probe && !o->verbose && !vad_get_libva_path(ctx) && vad_get_libva_error(ctx))
		fprintf(stderr, "vadiscover: libva: none: %s\n", vad_get_libva_error(ctx));
	return EXIT_OK;
}

/* The devices' reasons, one per line, indented, for a failed pick. */
static void print_reasons(FILE *f, const struct vad_context *ctx)
{
	size_t n = vad_device_count(ctx);

	for (size_t i = 0; i < n; i++) {
		const struct vad_device *dev = vad_device_get(ctx, i);
		const char *slot = vad_device_get_pci_slot(dev);
		const char *reason = vad_device_get_reason(dev);

		fprintf(f, "  %s%s%s%s: %s\n", out_device_name(dev), slot ? " (" : "",
			slot ? slot : "", slot ? ")" : "",
			reason ? reason : vad_verdict_name(vad_device_get_verdict(dev)));
	}
}

static void describe_spec(FILE *f, const char *canonical, const struct options *o)
{
	if (canonical[0])
		fprintf(f, "spec: %s", canonical);
	else
		fputs("spec: (empty: the first VA-capable device in render-node order)", f);
	if (strcmp(o->spec_source, "environment") == 0)
		fputs(" (from $" SELECT_ENV ")", f);
	fputc('\n', f);
}

static int cmd_select(struct vad_context *ctx, const struct options *o,
		      const struct guests *guests)
{
	bool explain = o->command == CMD_EXPLAIN;
	struct vad_spec *spec = NULL;
	struct vad_device *sel = NULL;
	char err[512] = "";
	int ret = EXIT_INTERNAL;
	int r;

	r = vad_spec_new(&spec, o->spec_text, err, sizeof(err));
	if (r == -EINVAL) {
		fprintf(stderr, "vadiscover: invalid spec '%s'%s: %s\n", o->spec_text,
			strcmp(o->spec_source, "environment") == 0 ? " (from $" SELECT_ENV ")"
								  : "",
			err[0] ? err : "syntax error");
		return EXIT_USAGE;
	}
	if (r < 0) {
		fprintf(stderr, "vadiscover: %s\n", strerror(-r));
		return EXIT_INTERNAL;
	}
	const char *canonical = vad_spec_to_string(spec);
	if (!canonical)
		goto out;

	r = vad_scan(ctx);
	if (r < 0) {
		fprintf(stderr, "vadiscover: scanning /dev/dri failed: %s\n", strerror(-r));
		goto out;
	}
	r = vad_select(ctx, spec, explain ? VAD_SELECT_ALL : 0, &sel);
	if (r < 0 && r != -ENOENT && r != -ENODEV) {
		fprintf(stderr, "vadiscover: selection failed: %s\n", strerror(-r));
		goto out;
	}

	char msg[600] = "";
	if (r == -ENOENT)
		snprintf(msg, sizeof(msg), "%s", NO_DEVICES_MSG);
	else if (!sel && canonical[0])
		snprintf(msg, sizeof(msg), "no device matches '%s'", canonical);
	else if (!sel)
		snprintf(msg, sizeof(msg), "no VA-capable device");
	ret = sel ? EXIT_OK : EXIT_NO_DEVICE;
	/* Which libva, also when the spec ruled every device out before a probe. */
	if (o->json || explain)
		vad_libva_load(ctx);

	if (o->json) {
		out_document_json(stdout, ctx, explain ? "explain" : "pick", canonical,
				  o->spec_source, sel, msg[0] ? msg : NULL, guests);
	} else if (explain) {
		struct out_columns cols;
		struct out_seen seen = { .n = 0 };
		size_t n = vad_device_count(ctx);

		out_libva_line(stdout, ctx);
		describe_spec(stdout, canonical, o);
		out_columns_measure(&cols, ctx, guests);
		for (size_t i = 0; i < n; i++) {
			const struct vad_device *dev = vad_device_get(ctx, i);
			const char *reason = vad_device_get_reason(dev);

			const char *verdict = vad_verdict_name(vad_device_get_verdict(dev));
			size_t vl = strlen(verdict);

			out_device_line(stdout, dev, &cols, OUT_VA_FULL, false, &seen);
			/* The reason may begin with its verdict ("filtered out: ..."). */
			if (reason && strncmp(reason, verdict, vl) == 0 &&
			    (reason[vl] == ':' || reason[vl] == ' '))
				printf("    -> %s\n", reason);
			else
				printf("    -> %s%s%s\n", verdict, reason ? ": " : "",
				       reason ? reason : "");
		}
		out_seen_free(&seen);
		for (size_t i = 0; i < vad_function_count(ctx); i++)
			out_function_line(stdout, vad_function_get(ctx, i), &cols);
		if (sel)
			printf("selected: %s\n", vad_device_get_node(sel));
	} else if (sel) {
		printf("%s\n", vad_device_get_node(sel));
	}

	if (sel && !explain) {
		/* A node this process may not open is what users never find out about
		 * (FFmpeg's search stops there): say so even though another was picked. */
		size_t n = vad_device_count(ctx);

		for (size_t i = 0; i < n; i++) {
			const struct vad_device *dev = vad_device_get(ctx, i);

			if (vad_device_get_verdict(dev) == VAD_VERDICT_NO_ACCESS)
				fprintf(stderr, "vadiscover: warning: %s skipped: %s\n",
					out_device_name(dev),
					vad_device_get_reason(dev) ? vad_device_get_reason(dev)
								   : "no access");
		}
	}
	if (!sel) {
		fprintf(stderr, "vadiscover: %s%s\n", msg, r == -ENODEV && !explain ? ":" : "");
		if (r == -ENODEV && !explain)
			print_reasons(stderr, ctx);
	}
out:
	vad_spec_free(spec);
	return ret;
}

/* The index of the command word (the first argument that is not an option nor the value
 * of --ffmpeg or --root), or 0 when there is none. */
static int find_command(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : 0;
		if (strcmp(argv[i], "--ffmpeg") == 0 || strcmp(argv[i], "--root") == 0) {
			i++;
			continue;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			return i;
	}
	return 0;
}

/* Runs a command with argv without its command word (at @cmd; -1: none); the result is
 * only useful if it all arrived. */
static int run_command(int argc, char **argv, int (*fn)(int, char **), int cmd)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int n = 0, ret;

	if (!args) {
		fprintf(stderr, "vadiscover: %s\n", strerror(ENOMEM));
		return EXIT_INTERNAL;
	}
	for (int i = 0; i < argc; i++)
		if (i != cmd)
			args[n++] = argv[i];
	ret = fn(n, args);
	free(args);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vadiscover: writing the output failed: %s\n", strerror(errno));
		return EXIT_INTERNAL;
	}
	return ret;
}

int tool_context_new(struct vad_context **out, bool debug, bool cache, const char *ffmpeg)
{
	struct vad_context *ctx;
	int r = vad_new(&ctx);

	*out = NULL;
	if (r < 0) {
		fprintf(stderr, "vadiscover: %s\n", strerror(-r));
		return EXIT_INTERNAL;
	}
	if (debug)
		vad_set_log_fn(ctx, tool_log_to_stderr, VAD_LOG_DEBUG, NULL);
	/* Probes run in the helper program, always (a crashing or hanging VA driver must not
	 * take this process with it); the one beside this executable when there is one (a
	 * portable folder), else the installed one (vadiscover.h, "Isolated probes"). */
	vad_set_probe_mode(ctx, VAD_PROBE_ISOLATED | (cache ? VAD_PROBE_CACHE : 0));
	vad_set_probe_helper_beside_program(ctx);
	if (ffmpeg && (r = vad_set_libva_program(ctx, ffmpeg)) < 0) {
		fprintf(stderr, "vadiscover: --ffmpeg %s: %s\n", ffmpeg,
			r == -ENOEXEC ? "not an ELF program this machine runs" : strerror(-r));
		vad_unref(ctx);
		return r == -ENOMEM ? EXIT_INTERNAL : EXIT_USAGE;
	}
	*out = ctx;
	return EXIT_OK;
}

/* list, pick and explain: the options every command knows, the libvadiscover answer. */
static int select_main(int argc, char **argv, enum command command)
{
	struct options o;
	struct vad_context *ctx = NULL;
	int ret = parse_args(argc, argv, command, &o);

	if (ret >= 0)
		return ret;
	ret = tool_context_new(&ctx, o.debug, !o.no_cache, o.ffmpeg);
	if (ret != EXIT_OK)
		return ret;
	/* The guests a Proxmox host gives devices to, for what shows devices in full. */
	struct guests guests = { .n = 0 };
	if ((o.command != CMD_PICK || o.json) && guests_load(&guests, o.root) < 0) {
		fprintf(stderr, "vadiscover: %s\n", strerror(ENOMEM));
		vad_unref(ctx);
		return EXIT_INTERNAL;
	}
	ret = o.command == CMD_LIST ? cmd_list(ctx, &o, &guests) : cmd_select(ctx, &o, &guests);
	guests_free(&guests);
	vad_unref(ctx);
	return ret;
}

static int list_main(int argc, char **argv)
{
	return select_main(argc, argv, CMD_LIST);
}

static int pick_main(int argc, char **argv)
{
	return select_main(argc, argv, CMD_PICK);
}

static int explain_main(int argc, char **argv)
{
	return select_main(argc, argv, CMD_EXPLAIN);
}

static int no_command_main(int argc, char **argv)
{
	return select_main(argc, argv, CMD_NONE);
}

int main(int argc, char **argv)
{
	int cmd = find_command(argc, argv);

	for (size_t i = 0; cmd > 0 && i < NCOMMANDS; i++)
		if (strcmp(argv[cmd], commands[i].name) == 0)
			return run_command(argc, argv, commands[i].fn, cmd);
	/* No command, or an unknown one: --help, --version, or the error. */
	return run_command(argc, argv, no_command_main, -1);
}
