/* vadiscover doctor: the set-up chain from the kernel to the media server, checked in
 * order (IOMMU, SR-IOV, GuC, VFs and their drivers, DRM nodes, access, libva, VA driver,
 * VA initialisation, OpenCL, Jellyfin's ffmpeg), one line per check and, for each
 * problem, the fix as commands or config lines. This file runs the checks (doctor.h
 * names the file of each concern) and prints them, as lines or as a JSON document.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vadiscover/tool/account.h"
#include "vadiscover/tool/doctor.h"
#include "vadiscover/tool/json.h"
#include "vadiscover/tool/output.h"
#include "vadiscover/tool/tool.h"

static const char *const status_names[] = { "ok", "warn", "fail", "skip" };

static const char help_text[] =
	"Usage: vadiscover doctor [--user NAME] [--json] [--root DIR]\n"
	"Check the chain a VA-API program needs, in order, one line per check\n"
	"(status, id, what was found) and, for every problem, the fix as commands or\n"
	"config lines. Run it on the host and in the container or VM that transcodes.\n"
	"\n"
	"Checks (stable ids):\n"
	"  kernel.iommu      an IOMMU is active (needed to give VFs to VMs)\n"
	"  sriov.capable     an Intel GPU offers SR-IOV (sriov_totalvfs > 0)\n"
	"  sriov.guc         i915.enable_guc includes GuC submission and HuC (3)\n"
	"  sriov.vfs         VFs are enabled, and set at boot (sysfsutils, tmpfiles.d\n"
	"                    or a udev rule)\n"
	"  sriov.vf-drivers  each VF's driver: i915/xe (has nodes), vfio-pci (a VM), none\n"
	"  dri.nodes         DRM nodes exist; in a container, which host devices they are\n"
	"  dri.access        the user (and Jellyfin's) can open the node to use\n"
	"  va.libva          which libva is loaded\n"
	"  va.driver         the VA driver file libva looks for is installed\n"
	"  va.init           VA initialises on each device, with its codecs\n"
	"  opencl            an OpenCL ICD is registered (Jellyfin's tone mapping)\n"
	"  jellyfin.ffmpeg   which ffmpeg Jellyfin runs, and whether it is vadiscover's\n"
	"                    wrapper\n"
	"The host's checks (kernel.*, sriov.*) are skipped inside a container.\n"
	"\n"
	"Options:\n"
	"  --user NAME   check access for NAME (from /etc/passwd, /etc/group) instead of\n"
	"                the user running doctor\n"
	"  --json        a JSON document (vadiscover(1), JSON OUTPUT): \"checks\", each\n"
	"                with id, status (ok, warn, fail, skip), summary, fix, device\n"
	"  --root DIR    read /etc, /proc, /run and programs under DIR (default /)\n"
	"  --ffmpeg PATH probe with the libva that ffmpeg loads\n"
	"  -d, --debug   the library's debug log on stderr\n"
	"  -h, --help    this help\n"
	"\n"
	"Exit status: 0 no check failed (warnings allowed); 1 a check failed;\n"
	"2 usage error; 3 internal error.\n";

void doctor_add(struct doctor *d, const char *id, enum status st, const char *device,
		char *fix, const char *f, ...)
{
	va_list ap;
	char *summary;

	va_start(ap, f);
	summary = vad__vstrdupf(f, ap);
	va_end(ap);
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct check *p = realloc(d->checks, cap * sizeof(*p));

		if (!p) {
			free(summary);
			free(fix);
			d->oom = true;
			return;
		}
		d->checks = p;
		d->cap = cap;
	}
	if (!summary)
		d->oom = true;
	d->checks[d->n++] = (struct check){ id, st, summary, fix, device };
}

static void print_human(const struct doctor *d, int failed, int warned)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct check *c = &d->checks[i];

		printf("%-4s  %-16s  %s\n", status_names[c->status], c->id,
		       c->summary ? c->summary : "");
		if (!c->fix)
			continue;
		const char *s = c->fix;
		bool first = true;

		while (*s) {
			size_t l = strcspn(s, "\n");

			printf("      %s %.*s\n", first ? "fix:" : "    ", (int)l, s);
			first = false;
			s += l;
			if (*s)
				s++;
		}
	}
	printf("%d failed, %d warning%s\n", failed, warned, warned == 1 ? "" : "s");
}

static void print_json(const struct doctor *d, int failed, int warned)
{
	struct jw w;

	jw_init(&w, stdout);
	jw_object_begin(&w, NULL);
	jw_int(&w, "format", VAD_TOOL_JSON_FORMAT);
	jw_string(&w, "command", "doctor");
	jw_string(&w, "root", d->root);
	jw_string(&w, "user", d->user);
	jw_string(&w, "container", d->env.container[0] ? d->env.container : NULL);
	jw_int(&w, "failed", failed);
	jw_int(&w, "warnings", warned);
	jw_array_begin(&w, "checks");
	for (size_t i = 0; i < d->n; i++) {
		const struct check *c = &d->checks[i];

		jw_object_begin(&w, NULL);
		jw_string(&w, "id", c->id);
		jw_string(&w, "status", status_names[c->status]);
		jw_string(&w, "summary", c->summary);
		jw_string(&w, "fix", c->fix);
		jw_string(&w, "device", c->device);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	jw_finish(&w);
}

/* ------------------------------------------------------------------------------------ */

static int parse(int argc, char **argv, struct doctor *d)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},	  {"debug", no_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},	  {"user", required_argument, NULL, 'u'},
		{"root", required_argument, NULL, 'r'}, {"ffmpeg", required_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	int c;

	d->root = "/";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hd", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(help_text, stdout);
			return EXIT_OK;
		case 'd': d->debug = true; break;
		case 'j': d->json = true; break;
		case 'u': d->user = optarg; break;
		case 'r': d->root = optarg; break;
		case 'F': d->ffmpeg = optarg; break;
		default:
			return tool_option_error("doctor: ", c, argv);
		}
	}
	if (optind < argc) {
		tool_usage_error("doctor takes no argument (got '%s')", argv[optind]);
		return EXIT_USAGE;
	}
	struct stat st;

	if (d->root[0] != '/' || stat(d->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		tool_usage_error("doctor: --root %s: not an absolute path to a directory", d->root);
		return EXIT_USAGE;
	}
	struct account a;

	if (d->user && !account_lookup(d->root, d->user, 0, &a)) {
		tool_usage_error("doctor: --user %s: no such user in %s/etc/passwd", d->user,
				 strcmp(d->root, "/") == 0 ? "" : d->root);
		return EXIT_USAGE;
	}
	return -1;
}

int doctor_main(int argc, char **argv)
{
	struct doctor d = { 0 };
	struct vad_spec *spec = NULL;
	struct vad_device *sel = NULL;
	int ret = parse(argc, argv, &d), r, failed = 0, warned = 0;

	if (ret >= 0)
		return ret;
	ret = EXIT_INTERNAL;
	if ((r = tool_context_new(&d.ctx, d.debug, true, d.ffmpeg)) != EXIT_OK)
		return r;
	host_detect(d.root, &d.env);
	r = vad_scan(d.ctx);
	if (r < 0) {
		fprintf(stderr, "vadiscover: scanning /dev/dri failed: %s\n", strerror(-r));
		goto out;
	}
	doctor_check_host(&d);
	/* Every device gets a verdict; the node to use is what pick would print. */
	const char *text = getenv("VADISCOVER_SELECT");

	if (vad_spec_new(&spec, text, NULL, 0) < 0)
		vad_spec_new(&spec, NULL, NULL, 0);
	r = vad_select(d.ctx, spec, VAD_SELECT_ALL, &sel);
	if (r < 0 && r != -ENOENT && r != -ENODEV) {
		fprintf(stderr, "vadiscover: probing failed: %s\n", strerror(-r));
		goto out;
	}
	d.target = sel;
	for (size_t i = 0; !d.target && i < vad_device_count(d.ctx); i++)
		if (vad_device_get_render_node(vad_device_get(d.ctx, i)))
			d.target = vad_device_get(d.ctx, i);
	doctor_check_nodes(&d);
	doctor_check_va(&d);
	doctor_check_media(&d);
	if (d.oom) {
		fprintf(stderr, "vadiscover: %s\n", strerror(ENOMEM));
		goto out;
	}
	for (size_t i = 0; i < d.n; i++) {
		failed += d.checks[i].status == ST_FAIL;
		warned += d.checks[i].status == ST_WARN;
	}
	if (d.json)
		print_json(&d, failed, warned);
	else
		print_human(&d, failed, warned);
	ret = failed ? EXIT_NO_DEVICE : EXIT_OK;
out:
	for (size_t i = 0; i < d.n; i++) {
		free(d.checks[i].summary);
		free(d.checks[i].fix);
	}
	free(d.checks);
	vad_spec_free(spec);
	vad_unref(d.ctx);
	return ret;
}
