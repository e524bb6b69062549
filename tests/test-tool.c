/* Tests of the `vadiscover` command-line tool: the real binary, run under the fake-GPU
 * harness (tests/harness/run-in semantics through th_run()) for every topology, with real
 * libva and the harness's fake VA driver. Asserts exact stdout, stderr messages, exit codes,
 * JSON documents (golden files in tests/golden/tool/) and how many VA driver
 * initialisations each command caused.
 *
 * Golden files: VAD_UPDATE_GOLDEN=1 rewrites them from the current output instead of
 * comparing (review the diff before committing). Absolute build and source paths are
 * replaced by @BUILDDIR@ and @SRCDIR@ so the files do not depend on the checkout, the
 * system's libva (the file the tool loads, and its version) by @LIBVA@ and
 * @LIBVA_VERSION@, and libva's own words in a failed probe by @VA_STATUS_TEXT@ and
 * @LIBVA_MESSAGE@ (hide_libva_words()), so they do not depend on the machine.
 */
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/common/toolrun.h"
#include "vadiscover/tool/json.h"

#ifndef VAD_TEST_BUILDDIR
#error "VAD_TEST_BUILDDIR must be defined by the build"
#endif
#ifndef VAD_TEST_SRCDIR
#error "VAD_TEST_SRCDIR must be defined by the build"
#endif

/* ---------------------------------------------------------------------------------- */
/* A strict JSON validator (RFC 8259), so every --json output is checked as JSON, not
 * only compared as text. */

struct jp {
	const char *s;
	int depth;
};

static void jp_ws(struct jp *p)
{
	while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r')
		p->s++;
}

static bool jp_value(struct jp *p);

static bool jp_string(struct jp *p)
{
	if (*p->s != '"')
		return false;
	p->s++;
	while (*p->s != '"') {
		unsigned char c = (unsigned char)*p->s;

		if (c == '\0' || c < 0x20)
			return false;
		if (c == '\\') {
			p->s++;
			if (*p->s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p->s[i]) || !p->s[i])
						return false;
				p->s += 5;
				continue;
			}
			if (!*p->s || !strchr("\"\\/bfnrt", *p->s))
				return false;
		}
		p->s++;
	}
	p->s++;
	return true;
}

static bool jp_number(struct jp *p)
{
	const char *start = p->s;

	if (*p->s == '-')
		p->s++;
	if (*p->s == '0')
		p->s++;
	else if (*p->s >= '1' && *p->s <= '9')
		while (*p->s >= '0' && *p->s <= '9')
			p->s++;
	else
		return false;
	if (*p->s == '.') {
		p->s++;
		if (!(*p->s >= '0' && *p->s <= '9'))
			return false;
		while (*p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	if (*p->s == 'e' || *p->s == 'E') {
		p->s++;
		if (*p->s == '+' || *p->s == '-')
			p->s++;
		if (!(*p->s >= '0' && *p->s <= '9'))
			return false;
		while (*p->s >= '0' && *p->s <= '9')
			p->s++;
	}
	return p->s > start;
}

static bool jp_container(struct jp *p, char close, bool object)
{
	p->s++;
	if (++p->depth > 64)
		return false;
	jp_ws(p);
	if (*p->s == close) {
		p->s++;
		p->depth--;
		return true;
	}
	for (;;) {
		jp_ws(p);
		if (object) {
			if (!jp_string(p))
				return false;
			jp_ws(p);
			if (*p->s++ != ':')
				return false;
		}
		if (!jp_value(p))
			return false;
		jp_ws(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s++ != close)
			return false;
		p->depth--;
		return true;
	}
}

static bool jp_value(struct jp *p)
{
	jp_ws(p);
	switch (*p->s) {
	case '{': return jp_container(p, '}', true);
	case '[': return jp_container(p, ']', false);
	case '"': return jp_string(p);
	case 't': return strncmp(p->s, "true", 4) == 0 && (p->s += 4);
	case 'f': return strncmp(p->s, "false", 5) == 0 && (p->s += 5);
	case 'n': return strncmp(p->s, "null", 4) == 0 && (p->s += 4);
	default: return jp_number(p);
	}
}

static bool json_valid(const char *text)
{
	struct jp p = {text, 0};

	if (!jp_value(&p))
		return false;
	jp_ws(&p);
	return *p.s == '\0';
}

#define assert_json(text) ck_assert_msg(json_valid(text), "invalid JSON:\n%s", (text))

/* ---------------------------------------------------------------------------------- */
/* Golden files */

/* Replaces every occurrence of @from in @s by @to; returns a new string. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;

	for (const char *p = s; (p = strstr(p, from)); p += fl)
		n++;
	char *out = malloc(strlen(s) + n * tl + 1);
	ck_assert_ptr_nonnull(out);
	char *o = out;
	for (const char *p = s;;) {
		const char *q = strstr(p, from);

		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, tl);
		o += tl;
		p = q + fl;
	}
	return out;
}

/* The system's libva as the tool finds it by soname: its real path, its version ("2.17")
 * read from the file name libva.so.2.MMNN.0 here, independently of the library, and (with
 * @status_text) libva's own text for the status @status, vaErrorStr(). */
static void system_libva(char *path, char *version, size_t vlen, int status, char *status_text,
			 size_t slen)
{
	void *h = dlopen("libva.so.2", RTLD_NOW | RTLD_LOCAL);
	struct link_map *lm = NULL;
	unsigned int major, mmnn, micro;
	const char *base;

	ck_assert_msg(h != NULL, "dlopen(libva.so.2): %s", dlerror());
	ck_assert_int_eq(dlinfo(h, RTLD_DI_LINKMAP, &lm), 0);
	ck_assert_ptr_nonnull(realpath(lm->l_name, path));
	if (status_text) {
		const char *(*error_str)(int) = (const char *(*)(int))dlsym(h, "vaErrorStr");

		ck_assert_ptr_nonnull(error_str);
		snprintf(status_text, slen, "%s", error_str(status));
	}
	dlclose(h);
	base = strrchr(path, '/') + 1;
	ck_assert_msg(sscanf(base, "libva.so.%u.%u.%u", &major, &mmnn, &micro) == 3, "%s", path);
	snprintf(version, vlen, "%u.%u", major, mmnn / 100);
}

/* libva's own words in a probe failure, "vaInitialize failed: -1 (STATUS TEXT); libva:
 * MESSAGE", change with the distribution's libva: the status text (when it is what
 * vaErrorStr() says for that status) becomes @VA_STATUS_TEXT@ and the last message of
 * libva's error callback, up to the end of the line or JSON string, @LIBVA_MESSAGE@. */
static char *hide_libva_words(const char *text)
{
	static const char failed[] = "vaInitialize failed: ", said[] = "; libva: ";
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(m);
	for (const char *p = text; *p;) {
		const char *q = strstr(p, failed);
		char *end;

		if (!q) {
			fputs(p, m);
			break;
		}
		q += strlen(failed);
		fwrite(p, 1, (size_t)(q - p), m);
		p = q;
		long status = strtol(q, &end, 10);
		if (end == q || strncmp(end, " (", 2) != 0)
			continue;
		char path[PATH_MAX], version[32], words[256];

		system_libva(path, version, sizeof(version), (int)status, words, sizeof(words));
		const char *after = end + 2;
		if (strncmp(after, words, strlen(words)) != 0 || after[strlen(words)] != ')')
			continue;
		fprintf(m, "%ld (@VA_STATUS_TEXT@)", status);
		p = after + strlen(words) + 1;
		if (strncmp(p, said, strlen(said)) == 0) {
			size_t n = strcspn(p + strlen(said), "\"\n");

			if (n > 0) {
				fprintf(m, "%s@LIBVA_MESSAGE@", said);
				p += strlen(said) + n;
			}
		}
	}
	fclose(m);
	return buf;
}

static char *normalize(const char *text)
{
	char build[4096], src[4096], libva[PATH_MAX], version[32], quoted[64], paren[64];

	/* Absolute forms first: the harness may report either. */
	if (!realpath(VAD_TEST_BUILDDIR, build))
		snprintf(build, sizeof(build), "%s", VAD_TEST_BUILDDIR);
	if (!realpath(VAD_TEST_SRCDIR, src))
		snprintf(src, sizeof(src), "%s", VAD_TEST_SRCDIR);
	char *a = replace_all(text, build, "@BUILDDIR@");
	char *b = replace_all(a, src, "@SRCDIR@");
	free(a);
	system_libva(libva, version, sizeof(version), 0, NULL, 0);
	a = replace_all(b, libva, "@LIBVA@");
	free(b);
	/* The version where the tool prints it: "libva: PATH (2.17)" and "version": "2.17". */
	snprintf(paren, sizeof(paren), "@LIBVA@ (%s)", version);
	b = replace_all(a, paren, "@LIBVA@ (@LIBVA_VERSION@)");
	free(a);
	snprintf(quoted, sizeof(quoted), "\"version\": \"%s\"", version);
	a = replace_all(b, quoted, "\"version\": \"@LIBVA_VERSION@\"");
	free(b);
	b = hide_libva_words(a);
	free(a);
	return b;
}

static void assert_golden(const char *name, const char *actual)
{
	char path[4096];
	char *norm = normalize(actual);

	snprintf(path, sizeof(path), "%s/tests/golden/tool/%s", VAD_TEST_SRCDIR, name);
	if (getenv("VAD_UPDATE_GOLDEN")) {
		/* open(2), not fopen(3): the harness's fopen wrapper is only for reading. */
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		size_t len = strlen(norm);

		ck_assert_msg(fd >= 0, "cannot write %s: %s", path, strerror(errno));
		ck_assert_msg(write(fd, norm, len) == (ssize_t)len, "short write to %s", path);
		close(fd);
		free(norm);
		return;
	}
	char *expected = access(path, F_OK) == 0 ? slurp(path) : NULL;
	ck_assert_msg(expected != NULL, "golden file %s missing (VAD_UPDATE_GOLDEN=1 makes it)",
		      path);
	if (strcmp(expected, norm) != 0) {
		/* Show where they part, with some context. */
		size_t i = 0;

		while (expected[i] && expected[i] == norm[i])
			i++;
		size_t from = i > 200 ? i - 200 : 0;
		ck_abort_msg("%s differs at byte %zu:\n--- expected ---\n%.400s\n--- actual ---\n"
			     "%.400s\n", path, i, expected + from, norm + from);
	}
	free(expected);
	free(norm);
}

/* ---------------------------------------------------------------------------------- */
/* The runs of the tool (tests/common/toolrun.h) */

/* What a row of test-tool asserts beyond toolrun's checks: JSON, normalized output,
 * golden file. */
static void tool_more(const char *name, const struct tool_run *t, const struct tool_result *r)
{
	if (t->json)
		ck_assert_msg(json_valid(r->out), "%s: invalid JSON:\n%s", name, r->out);
	if (t->norm_starts || t->norm_out) {
		char *norm = normalize(r->out);

		if (t->norm_starts)
			ck_assert_msg(strncmp(norm, t->norm_starts, strlen(t->norm_starts)) == 0,
				      "%s: stdout (normalized) does not begin with:\n%s\nit is:\n%s",
				      name, t->norm_starts, norm);
		if (t->norm_out)
			ck_assert_msg(strcmp(norm, t->norm_out) == 0,
				      "%s: stdout (normalized) is\n%s\nnot\n%s", name, norm,
				      t->norm_out);
		free(norm);
	}
	if (t->golden)
		assert_golden(t->golden, r->out);
}

/* Runs @t and asserts all it expects; with @keep, the output stays there. */
static void check_run(const char *test, const struct tool_run *t, struct tool_result *keep)
{
	tool_check_run(test, t, NULL, tool_more, keep);
}

/* ---------------------------------------------------------------------------------- */
/* The tests that are runs of the tool and what each must give */

static const char *const pf_fails[] = {"0000:00:02.0 fail", NULL};
static const char *const all_fail[] = {"* fail", NULL};
static const char *const nvidia_ok[] = {"0000:01:00.0 ok decode=h264,hevc", NULL};
#define BROKEN_LIBVA_DIR VAD_TEST_BUILDDIR "/tests/broken-libva"
#define NO_DEVICES "vadiscover: no DRM devices: /dev/dri is missing or empty\n"

static const struct tool_test tool_tests[] = {
	/* Command line */
	{"cli", "help_teaches", RUNS({
		.topology = "empty", .args = {"--help"}, .err = "",
		/* The grammar, examples and the exit codes are all there. */
		.out_has = {"vendor=0x8086", "role=pf|vf|none", "vf=4", "encode=av1",
			    "VADISCOVER_SELECT",
			    /* The exit codes as the tool behaves: list exits 0 without
			     * devices (see empty). */
			    "Exit status: 0 ok (list: also when there are no DRM devices; it "
			    "says so on\nstderr); 1 pick/explain: no DRM devices, or none matches",
			    "vadiscover pick role=vf", "--no-probe  list: sysfs only",
			    "--ffmpeg PATH  probe as that ffmpeg would: with the libva its ELF",
			    "'libva: PATH (2.17)'"},
	})},
	{"cli", "version_prints_both", RUNS({
		.topology = "empty", .args = {"--version"}, .err = "",
		.out_has = {"vadiscover ", "(libvadiscover "},
	})},
#define USAGE_ERROR(a, b, message)                                                         \
	{.topology = "adl-sriov-host", .args = {a, b}, .exit = 2, .out = "",               \
	 .err_has = {message}, INITS(0)}
	{"cli", "usage_errors_exit_2", RUNS(
		USAGE_ERROR(NULL, NULL, "no command given"),
		USAGE_ERROR("frobnicate", NULL, "unknown command 'frobnicate'"),
		USAGE_ERROR("--frob", "list", "unknown option '--frob'"),
		USAGE_ERROR("list", "role=vf", "list takes no argument"),
		USAGE_ERROR("pick", "-v", "-v applies to list only"),
		USAGE_ERROR("--no-probe", "explain", "--no-probe applies to list only"),
		USAGE_ERROR("list", "--ffmpeg", "option '--ffmpeg' needs an argument"),
		{.topology = "adl-sriov-host", .args = {"list", "-v", "--no-probe"}, .exit = 2,
		 .out = "", .err_has = {"-v and --no-probe contradict each other"}, INITS(0)}
	)},
#undef USAGE_ERROR
	{"cli", "two_specs_exit_2", RUNS({
		.topology = "adl-sriov-host", .args = {"pick", "role=vf", "vf=2"}, .exit = 2,
		.out = "", .err_has = {"one SPEC at most"},
	})},
	{"cli", "debug_goes_to_stderr", RUNS({
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"-d", "pick"},
		.out = "/dev/dri/renderD129\n", .err_has = {"vadiscover: debug: "},
	}, {
		/* Without -d the library says nothing. */
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"pick"}, .exit = ANY_EXIT,
		.err = "",
	})},

	/* Specs */
	{"spec", "bad_spec_names_key", RUNS({
		.topology = "adl-sriov-host", .args = {"pick", "vendr=0x8086"}, .exit = 2,
		.out = "", .err_has = {"invalid spec 'vendr=0x8086'", "'vendr'"}, INITS(0),
	}, {
		.topology = "adl-sriov-host", .args = {"explain", "--json", "role=maybe"},
		.exit = 2, .out = "", .err_has = {"maybe"},
	})},
	{"spec", "bad_spec_from_environment", RUNS({
		.topology = "adl-sriov-host", .select_env = "vf=seven", .args = {"pick"},
		.exit = 2, .out = "", .err_has = {"(from $VADISCOVER_SELECT)", "seven"},
	})},
	{"spec", "spec_from_environment", RUNS({
		.topology = "adl-sriov-host", .select_env = "role=vf,vf=2", .args = {"pick"},
		.out = "/dev/dri/renderD130\n",
	}, {
		/* An argument wins over the environment, even the empty one. */
		.topology = "adl-sriov-host", .select_env = "role=vf,vf=2", .args = {"pick", ""},
		.out = "/dev/dri/renderD128\n",
	}, {
		.topology = "adl-sriov-host", .select_env = "role=vf,vf=2", .args = {"explain"},
		.out_has = {"(from $VADISCOVER_SELECT)", "selected: /dev/dri/renderD130\n"},
	})},

	/* adl-sriov-host: i3-12100 PF 00:02.0 + 7 VFs, renderD128..135 */
	{"adl-sriov-host", "host_list_golden", RUNS({
		.topology = "adl-sriov-host", .args = {"list", "--no-probe"}, .err = "",
		INITS(0), /* sysfs only */
		.out_lacks = {"VA:"}, .golden = "adl-sriov-host.list",
	}, {
		/* Plain list probes every device and ends each line with a short VA
		 * summary. */
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"list"}, .err = "",
		INITS(8), /* PF + 7 VFs, each probed once */
		.out_has = {"0000:00:02.0  8086:4692  i915  PF 7/7 VFs            "
			    "VA: none (vaInitialize failed)\n",
			    "VF 1 of 0000:00:02.0  VA: iHD 1.17\n",
			    "VF 2 of 0000:00:02.0  VA: iHD 1.17\n",
			    "VF 3 of 0000:00:02.0  VA: iHD 1.17\n",
			    "VF 4 of 0000:00:02.0  VA: iHD 1.17\n",
			    "VF 5 of 0000:00:02.0  VA: iHD 1.17\n",
			    "VF 6 of 0000:00:02.0  VA: iHD 1.17\n",
			    "VF 7 of 0000:00:02.0  VA: iHD 1.17\n"},
		.golden = "adl-sriov-host-pf-fails.list",
	}, {
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"list", "-v"}, .err = "",
		INITS(8), /* every device probed once */
		.golden = "adl-sriov-host-pf-fails.list-v",
	})},
	{"adl-sriov-host", "host_pick_default", RUNS({
		.topology = "adl-sriov-host", .args = {"pick"}, .out = "/dev/dri/renderD128\n",
		.err = "", INITS(1),
	})},
	{"adl-sriov-host", "host_pf_fails_pick_first_vf", RUNS({
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"pick"},
		.out = "/dev/dri/renderD129\n", .err = "", INITS(2),
	})},
	{"adl-sriov-host", "host_pf_fails_pick_vf4", RUNS({
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"pick", "role=vf,vf=4"},
		.out = "/dev/dri/renderD132\n", .err = "", INITS_LE(1),
	}, {
		/* pci= names the same function. */
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"pick", "pci=00:02.4"},
		.out = "/dev/dri/renderD132\n",
	})},
	{"adl-sriov-host", "host_pf_fails_pick_pf_exit_1", RUNS({
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"pick", "role=pf"},
		.exit = 1, .out = "", INITS(1),
		.err_has = {"vadiscover: no device matches 'role=pf':\n",
			    /* The PF's reason is the VA failure; the VFs' is the filter. */
			    "  renderD128 (0000:00:02.0): vaInitialize failed",
			    "  renderD129 (0000:00:02.1): filtered out"},
	})},
	{"adl-sriov-host", "host_index", RUNS({
		.topology = "adl-sriov-host", .args = {"pick", "role=vf,index=2"},
		.out = "/dev/dri/renderD131\n",
	})},
	{"adl-sriov-host", "host_node_by_path", RUNS({
		/* A udev by-path symlink names the device; pick prints the node itself. */
		.topology = "adl-sriov-host",
		.args = {"pick", "node=/dev/dri/by-path/pci-0000:00:02.4-render"},
		.out = "/dev/dri/renderD132\n", INITS_LE(1),
	})},
	{"adl-sriov-host", "host_all_fail", RUNS({
		.topology = "adl-sriov-host", .va = all_fail, .args = {"pick"}, .exit = 1,
		.out = "", INITS(8), /* each device tried once, none twice */
		.err_has = {"vadiscover: no VA-capable device:\n"
			    "  renderD128 (0000:00:02.0): vaInitialize failed",
			    "  renderD135 (0000:00:02.7): vaInitialize failed"},
	})},
	{"adl-sriov-host", "host_no_match_json", RUNS({
		.topology = "adl-sriov-host", .args = {"pick", "--json", "role=vf,vf=9"},
		.exit = 1, .json = true, INITS(0), /* ruled out by sysfs facts alone */
		.out_has = {"  \"spec\": \"role=vf,vf=9\",\n"
			    "  \"spec_source\": \"argument\",\n"
			    "  \"selected\": null,\n"
			    "  \"error\": \"no device matches 'role=vf,vf=9'\",\n",
			    "\"verdict\": \"filtered\""},
		/* The reasons also go to stderr, for a human watching a script. */
		.err_has = {"vadiscover: no device matches 'role=vf,vf=9':\n",
			    "  renderD132 (0000:00:02.4): filtered out"},
	})},
	{"adl-sriov-host", "host_explain_golden", RUNS({
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"explain"},
		INITS(8), /* explain probes everything not ruled out */
		/* libva's message (hidden in the golden file) names the driver that failed. */
		.out_has = {"; libva: " VAD_TEST_BUILDDIR "/tests/harness/dri/iHD_drv_video.so"},
		.golden = "adl-sriov-host-pf-fails.explain",
	}, {
		.topology = "adl-sriov-host", .args = {"explain", "role=vf,vf=2"},
		INITS(1), /* the facts rule out all others */
		.golden = "adl-sriov-host.explain-vf2",
	}, {
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"explain", "--json", "role=vf"},
		.json = true, .out_has = {"\"selected\": \"/dev/dri/renderD129\""},
		.golden = "adl-sriov-host-pf-fails.explain-role-vf.json",
	})},
	{"adl-sriov-host", "host_pick_json", RUNS({
		.topology = "adl-sriov-host", .va = pf_fails, .args = {"pick", "--json"},
		.err = "", .json = true, INITS(2), .golden = "adl-sriov-host-pf-fails.pick.json",
	})},

	/* Access */
	{"access", "deny_first_node", RUNS({
		.topology = "adl-sriov-host", .deny = "renderD128", .args = {"pick"},
		.out = "/dev/dri/renderD129\n", INITS(1),
		.err_has = {"vadiscover: warning: renderD128 skipped: permission denied",
			    "render", "usermod -aG"},
	}, {
		.topology = "adl-sriov-host", .deny = "renderD128", .args = {"explain"},
		.out_has = {"    -> no-access: permission denied",
			    "PF 7/7 VFs\n    -> no-access: ", /* said once, not twice */
			    "selected: /dev/dri/renderD129\n"},
	}, {
		.topology = "adl-sriov-host", .deny = "renderD128", .args = {"list", "--json"},
		.json = true,
		.out_has = {"\"ok\": false,\n        \"error\": \"Permission denied\",\n"
			    "        \"errno\": \"EACCES\""},
	})},

	/* Containers */
	{"containers", "lxc_vf4", RUNS({
		.topology = "adl-sriov-lxc-vf4", .args = {"pick"}, .out = "/dev/dri/renderD132\n",
		INITS(1),
	}, {
		.topology = "adl-sriov-lxc-vf4", .args = {"list", "-v"},
		.golden = "adl-sriov-lxc-vf4.list-v",
	}, {
		/* The PF exists in the host's /sys but not in this /dev/dri. */
		.topology = "adl-sriov-lxc-vf4", .args = {"pick", "role=pf"}, .exit = 1,
		.out = "", INITS(0),
		.err_has = {"no device matches 'role=pf'",
			    "renderD132 (0000:00:02.4): filtered out"},
	})},
	{"containers", "lxc_vf4_remapped", RUNS({
		.topology = "adl-sriov-lxc-vf4-remapped", .args = {"pick", "vf=4"},
		.out = "/dev/dri/renderD128\n",
	}, {
		.topology = "adl-sriov-lxc-vf4-remapped", .args = {"list"},
		.out_has = {"renderD128=226:132  card0=226:4  0000:00:02.4",
			    "VF 4 of 0000:00:02.0"},
		.golden = "adl-sriov-lxc-vf4-remapped.list",
	}, {
		.topology = "adl-sriov-lxc-vf4-remapped",
		.args = {"pick", "--json", "node=/dev/dri/renderD128"}, .json = true,
		.out_has = {"\"rdev\": \"226:132\""},
		.golden = "adl-sriov-lxc-vf4-remapped.pick-node.json",
	})},

	/* Other machines */
	{"machines", "intel_nvidia", RUNS({
		.topology = "intel-nvidia", .args = {"pick"},
		.out = "/dev/dri/renderD129\n", /* never the NVIDIA at renderD128 */
	}, {
		/* No nvidia-vaapi-driver in this topology: vendor=0x10de matches nothing, and
		 * says why; with the driver installed, it picks the NVIDIA. */
		.topology = "intel-nvidia", .args = {"pick", "vendor=0x10de"}, .exit = 1,
		.out = "",
		.err_has = {"no device matches 'vendor=0x10de'",
			    "  renderD128 (0000:01:00.0): vaInitialize failed"},
	}, {
		.topology = "intel-nvidia", .va = nvidia_ok, .args = {"pick", "vendor=0x10de"},
		.out = "/dev/dri/renderD128\n",
		INITS(1), /* the Intel device is filtered, never probed */
	}, {
		.topology = "intel-nvidia", .args = {"list"}, INITS(2),
		.out_has = {"10de:2504  nvidia  VA: none (vaInitialize failed)\n",
			    "8086:4680  i915    VA: iHD 1.17\n"},
		.golden = "intel-nvidia.list",
	}, {
		.topology = "intel-nvidia", .args = {"explain", "--json"}, .exit = ANY_EXIT,
		.json = true,
		.out_has = {"; libva: " VAD_TEST_BUILDDIR "/tests/harness/dri/nvidia_drv_video.so"},
		.golden = "intel-nvidia.explain.json",
	})},
	{"machines", "intel_arc_av1", RUNS({
		.topology = "intel-arc", .args = {"pick", "encode=av1"},
		.out = "/dev/dri/renderD129\n",
	}, {
		.topology = "intel-arc", .args = {"list", "-v"}, .golden = "intel-arc.list-v",
	})},
	{"machines", "amd", RUNS({
		.topology = "amd", .args = {"pick"}, .out = "/dev/dri/renderD128\n", INITS(1),
	}, {
		.topology = "amd", .args = {"list", "-v"}, .exit = ANY_EXIT,
		.out_has = {"Mesa Gallium driver"}, .golden = "amd.list-v",
	})},
	{"machines", "xe_sriov", RUNS({
		.topology = "xe-sriov", .args = {"list", "-v", "--json"}, .json = true,
		/* Debian 12's libva has no xe mapping: the library probes with iHD and it
		 * works. */
		.out_has = {"\"kernel_driver\": \"xe\"", "\"capable\": true",
			    "\"driver\": \"iHD\""},
		.golden = "xe-sriov.list-v.json",
	}, {
		.topology = "xe-sriov", .args = {"pick", "kernel_driver=xe,role=vf"},
		.out_has = {"/dev/dri/renderD"},
	})},
	{"machines", "non_pci", RUNS({
		.topology = "non-pci", .args = {"list"}, .golden = "non-pci.list",
	}, {
		.topology = "non-pci", .args = {"explain", "--json"}, .json = true,
		.out_has = {"\"bus\": \"platform\""}, .golden = "non-pci.explain.json",
	})},

	/* The host view of SR-IOV, and what is not probed */
	/* A Proxmox host: each VF's guest from /etc/pve under --root; VF 3 (vfio-pci, VM 101)
	 * has no node, is listed anyway and never probed. */
	{"host-view", "proxmox_host_list", RUNS({
		.topology = "adl-sriov-pve", .args = {"--root", "@ROOT@", "list"}, .err = "",
		INITS(7), /* the PF and six VFs with nodes; not 00:02.3 */
		.out_has = {"renderD132  card4  0000:00:02.4  8086:4692  i915      VF 4 of "
			    "0000:00:02.0  given to LXC 123 (jellyfin)  VA: iHD 1.17\n",
			    "renderD133  card5  0000:00:02.5  8086:4692  i915      VF 5 of "
			    "0000:00:02.0  given to LXC 124 (frigate)   VA: iHD 1.17\n",
			    "-           -      0000:00:02.3  8086:4692  vfio-pci  VF 3 of "
			    "0000:00:02.0  given to VM 101 (win11)      no DRM node: vfio-pci: "
			    "passed to a VM\n"},
		/* The snapshot section of 123.conf (VF 2's renderD130) is not the
		 * configuration. */
		.out_lacks = {"renderD130  card2  0000:00:02.2  8086:4692  i915      VF 2 of "
			      "0000:00:02.0  given"},
		.golden = "adl-sriov-pve.list",
	}, {
		/* The same in JSON: guests per device and per function without nodes. */
		.topology = "adl-sriov-pve", .args = {"--root", "@ROOT@", "list", "--json"},
		.json = true,
		.out_has = {"      \"guests\": [\n        {\n          \"type\": \"lxc\",\n"
			    "          \"id\": 123,\n          \"name\": \"jellyfin\"\n",
			    "\"functions_without_nodes\": [\n    {\n      \"pci_slot\": "
			    "\"0000:00:02.3\",\n",
			    "      \"guests\": [\n        {\n          \"type\": \"vm\",\n"
			    "          \"id\": 101,\n          \"name\": \"win11\"\n"},
		.golden = "adl-sriov-pve.list.json",
	}, {
		/* Without --root the tool reads /etc/pve of this machine: not the
		 * topology's. */
		.topology = "adl-sriov-pve", .args = {"list", "--no-probe"},
		.out_lacks = {"LXC 123"}, .out_has = {"no DRM node: vfio-pci: passed to a VM\n"},
	}, {
		/* --root must be absolute. */
		.topology = "adl-sriov-pve", .args = {"--root", "etc", "list"}, .exit = 2,
		.err_has = {"--root needs an absolute directory (got 'etc')"},
	})},
	/* list -v on the host with VF 3 on vfio-pci: the vendor string and codecs once, the
	 * hole explained, the columns explained. */
	{"host-view", "vfio_list_v", RUNS({
		.topology = "adl-sriov-vfio", .args = {"list", "-v"}, .err = "", INITS(7),
		.out_has = {"VF 1 of 0000:00:02.0  VA: same as renderD128\n",
			    "0000:00:02.3  8086:4692  vfio-pci  VF 3 of 0000:00:02.0  "
			    "no DRM node: vfio-pci: passed to a VM\n",
			    "PF 7/7 VFs: an SR-IOV physical function; 7 of its 7 virtual "
			    "functions are enabled (sysfs sriov_numvfs of sriov_totalvfs)\n"},
		.golden = "adl-sriov-vfio.list-v",
	}, {
		/* VFs without a driver, and VFs not enabled. */
		.topology = "adl-sriov-unbound", .args = {"list"}, INITS(1),
		.out_has = {"-           -      0000:00:02.7  8086:4692  -     VF 7 of "
			    "0000:00:02.0  no DRM node: no driver bound (the PF's "
			    "sriov_drivers_autoprobe is 0: bind one, e.g. echo 0000:00:02.7 > "
			    "/sys/bus/pci/drivers/i915/bind)\n"},
	}, {
		.topology = "adl-sriov-novfs", .args = {"list", "-v"},
		.out_has = {"PF 0/7 VFs  VA: Intel iHD",
			    "PF 0/7 VFs: an SR-IOV physical function; 0 of its 7 virtual "
			    "functions are enabled"},
		.out_lacks = {"no DRM node"},
	})},
	/* A renamed node's "NAME=MAJ:MIN" is explained by list -v. */
	{"host-view", "renamed_node_explained", RUNS({
		.topology = "adl-sriov-lxc-vf4-remapped", .args = {"list", "-v"},
		.out_has = {"renderD128=226:132: the node named renderD128 here is device "
			    "226:132, the host's renderD132; vadiscover goes by the device "
			    "number, never by the name\n"},
	})},
	/* Display-only devices: not probed, and said so. */
	{"host-view", "display_only", RUNS({
		.topology = "non-pci", .args = {"list"}, INITS(1),
		.out_has = {"vgem                  -          -                   "
			    "VA: none (display only, not probed)\n"},
	}, {
		.topology = "many-nodes", .args = {"list", "-v"},
		.out_has = {"VA: none: not probed: kernel driver ast has no video engine "
			    "(display only)\n"},
	})},
	/* Ids are hex as lspci prints them: vendor=8086 is Intel. */
	{"host-view", "vendor_hex_without_0x", RUNS({
		.topology = "intel-nvidia", .args = {"pick", "vendor=8086"},
		.out = "/dev/dri/renderD129\n",
	}, {
		.topology = "intel-nvidia", .args = {"pick", "vendor=32902"}, .exit = 2,
		.err_has = {"expected a PCI vendor id in hex as lspci prints it (8086 or "
			    "0x8086), at most ffff"},
	})},

	/* No devices at all */
	{"empty", "empty", RUNS({
		.topology = "empty", .args = {"pick"}, .exit = 1, .out = "", .err = NO_DEVICES,
	}, {
		.topology = "empty", .args = {"list"}, .out = "", .err = NO_DEVICES,
	}, {
		.topology = "empty", .args = {"explain"}, .exit = 1, .err = NO_DEVICES,
		.norm_out = "libva: @LIBVA@ (@LIBVA_VERSION@)\n"
			    "spec: (empty: the first VA-capable device in render-node order)\n",
	}, {
		.topology = "empty", .args = {"pick", "--json"}, .exit = 1, .json = true,
		.norm_out = "{\n"
			    "  \"format\": 1,\n"
			    "  \"command\": \"pick\",\n"
			    "  \"spec\": \"\",\n"
			    "  \"spec_source\": \"default\",\n"
			    "  \"selected\": null,\n"
			    "  \"error\": \"no DRM devices: /dev/dri is missing or empty\",\n"
			    "  \"libva\": {\n"
			    "    \"path\": \"@LIBVA@\",\n"
			    "    \"version\": \"@LIBVA_VERSION@\",\n"
			    "    \"error\": null\n"
			    "  },\n"
			    "  \"devices\": [],\n"
			    "  \"functions_without_nodes\": []\n"
			    "}\n",
	})},

	/* Which libva */
	/* The libva used is named by list -v, explain and the JSON, not by plain list or pick;
	 * a sysfs-only list loads none. */
	{"libva", "libva_named", RUNS({
		.topology = "adl-sriov-host", .args = {"list", "-v"},
		.norm_starts = "libva: @LIBVA@ (@LIBVA_VERSION@)\nrenderD128  ",
	}, {
		.topology = "adl-sriov-host", .args = {"list"}, .exit = ANY_EXIT,
		.out_starts = "renderD128  ", .out_lacks = {"libva"},
	}, {
		.topology = "adl-sriov-host", .args = {"pick"}, .exit = ANY_EXIT,
		.out = "/dev/dri/renderD128\n",
	}, {
		/* A spec that rules every device out still says which libva would have
		 * probed. */
		.topology = "adl-sriov-host", .args = {"explain", "vendor=0x10de"}, .exit = 1,
		INITS(0), .norm_starts = "libva: @LIBVA@ (@LIBVA_VERSION@)\nspec: vendor=0x10de\n",
	}, {
		.topology = "adl-sriov-host", .args = {"list", "--no-probe", "--json"},
		.exit = ANY_EXIT, .json = true,
		.out_has = {"  \"libva\": {\n    \"path\": null,\n    \"version\": null,\n"
			    "    \"error\": null\n  },\n"},
	})},
	/* --ffmpeg: probe with the libva that ffmpeg would load; Debian's ffmpeg takes the
	 * system's. */
	{"libva", "ffmpeg_option", RUNS({
		.topology = "adl-sriov-host",
		.args = {"--ffmpeg", VAD_REAL_FFMPEG, "explain", "role=vf"},
		.norm_starts = "libva: @LIBVA@ (@LIBVA_VERSION@)\nspec: role=vf\n",
		.out_has = {"selected: /dev/dri/renderD129\n"},
	})},
};

#define N_TOOL_TESTS (int)(sizeof(tool_tests) / sizeof(tool_tests[0]))

/* The table's test _i: its runs, one after the other. */
START_TEST(tool_runs)
{
	for (const struct tool_run *t = tool_tests[_i].runs; t->topology; t++)
		check_run(tool_tests[_i].name, t, NULL);
}
END_TEST


/* ---------------------------------------------------------------------------------- */
/* The tests that check more than a table row can say */

/* --help documents every key the library's parser knows (it lists them on an unknown key). */
START_TEST(help_lists_every_key)
{
	static const struct tool_run help = {.topology = "empty", .args = {"--help"}};
	static const struct tool_run bogus = {.topology = "empty", .args = {"pick", "bogus=1"},
					      .exit = 2};
	struct tool_result h, k;

	check_run("help_lists_every_key", &help, &h);
	check_run("help_lists_every_key", &bogus, &k);
	char *known = strstr(k.err, "(known: ");
	ck_assert_msg(known != NULL, "no key list in: %s", k.err);
	known += strlen("(known: ");
	char *end = strchr(known, ')');
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	int n = 0;
	for (char *save = NULL, *key = strtok_r(known, " ", &save); key;
	     key = strtok_r(NULL, " ", &save), n++) {
		char want[64];

		snprintf(want, sizeof(want), "%s=", key);
		assert_contains(h.out, want);
	}
	ck_assert_int_ge(n, 10);
	tool_result_free(&h);
	tool_result_free(&k);
}
END_TEST

START_TEST(write_error_exit_3)
{
	/* A result that did not arrive must not look like success. */
	struct th_result res = run_program(&(struct th_opts){.topology = "adl-sriov-host"},
					   "/bin/sh", "-c", "exec \"$0\" pick >/dev/full",
					   tool_path(), NULL);

	ck_assert_int_eq(exit_status(&res), 3);
	assert_contains(res.err, "vadiscover: writing the output failed: No space left on device");
	th_result_free(&res);
}
END_TEST

START_TEST(many_nodes)
{
	static const struct tool_run pick = {.topology = "many-nodes", .args = {"pick"},
					     .golden = "many-nodes.pick"};
	static const struct tool_run list = {.topology = "many-nodes",
					     .args = {"list", "--no-probe", "--json"},
					     .exit = ANY_EXIT, .json = true, INITS(0),
					     .golden = "many-nodes.list.json"};
	struct tool_result r;

	check_run("many_nodes", &pick, &r);
	/* Past renderD135, where FFmpeg's own search ends. */
	ck_assert_int_gt(atoi(r.out + strlen("/dev/dri/renderD")), 135);
	tool_result_free(&r);
	check_run("many_nodes", &list, NULL);
}
END_TEST

/* No VA driver file: its own reason with the package, short and long. */
START_TEST(va_driver_not_installed)
{
	char dir[4096], want[8192];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/no-drivers-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct tool_run list = {.topology = "intel-arc", .drivers_dir = dir, .args = {"list"},
				INITS(0),
				.out_has = {"i915  VA: none (VA driver not installed)\n"},
				.out_lacks = {"vaInitialize failed"}};
	check_run("va_driver_not_installed", &list, NULL);

	snprintf(want, sizeof(want), "  renderD128 (0000:00:02.0): VA driver iHD_drv_video.so is "
		 "not installed (looked in %s): install intel-media-va-driver-non-free (non-free) "
		 "or intel-media-va-driver\n", dir);
	struct tool_run pick = {.topology = "intel-arc", .drivers_dir = dir, .args = {"pick"},
				.exit = 1, .err_has = {want}};
	check_run("va_driver_not_installed", &pick, NULL);
	rmdir(dir);
}
END_TEST

/* explain: one VA summary per distinct driver answer, then "same as". */
START_TEST(explain_once_per_summary)
{
	static const struct tool_run explain = {
		.topology = "adl-sriov-host", .args = {"explain"},
		.out_has = {"VF 7 of 0000:00:02.0  VA: same as renderD128\n"}};
	struct tool_result e;

	check_run("explain_once_per_summary", &explain, &e);
	const char *first = strstr(e.out, "Intel iHD driver");
	ck_assert_ptr_nonnull(first);
	assert_not_contains(first + 1, "Intel iHD driver");
	tool_result_free(&e);
}
END_TEST

/* The man page as man renders it: no words run together by .BR, the header's real
 * place. */
START_TEST(man_page_renders)
{
	char page[4096];

	snprintf(page, sizeof(page), "%s/vadiscover/tool/vadiscover.1", VAD_TEST_SRCDIR);
	struct th_result r = run_program(&(struct th_opts){.topology = NULL}, "groff", "-man",
					 "-Tutf8", "-rLL=300n", "-P-cbou", "-ww", page, NULL);
	ck_assert_msg(exit_status(&r) == 0, "groff: %s", r.err);
	ck_assert_str_eq(r.err, "");
	assert_contains(r.out, "\"Permission denied\"");
	assert_not_contains(r.out, "Permissiondenied");
	assert_contains(r.out, "<vadiscover/vadiscover.h>");
	assert_not_contains(r.out, "/usr/include/vadiscover.h");
	assert_contains(r.out, "list also exits 0 when there are no DRM devices");
	assert_contains(r.out, "renderD128=226:132");
	assert_contains(r.out, "PF 7/7 VFs");
	th_result_free(&r);
}
END_TEST

/* A file named libva.so.2 that is not libva, first on LD_LIBRARY_PATH: every device has
 * no VA and says what to install; no VA driver is loaded; pick and explain exit 1, list 0. */
START_TEST(libva_broken)
{
	static const struct tool_run explain = {
		.topology = "adl-sriov-host", .libpath = BROKEN_LIBVA_DIR, .args = {"explain"},
		.exit = 1, INITS(0), .err = "vadiscover: no VA-capable device\n",
		.norm_starts = "libva: none: @BUILDDIR@/tests/broken-libva/libva.so.2 is not a "
			       "usable libva: it lacks vaSetErrorCallback ("};
	static const struct tool_run list = {
		.topology = "adl-sriov-host", .libpath = BROKEN_LIBVA_DIR, .args = {"list"},
		.out_has = {"renderD128  card0  0000:00:02.0  8086:4692  i915  PF 7/7 VFs      "
			    "      VA: none (no usable libva)\n"},
		/* stdout stays one line per device; what to install goes to stderr, once */
		.out_lacks = {"libva: none"}, .err_starts = "vadiscover: libva: none: ",
		.err_has = {"apt install libva2 libva-drm2)\n"}};
	static const struct tool_run pick = {
		.topology = "adl-sriov-host", .libpath = BROKEN_LIBVA_DIR, .args = {"pick", "role=vf"},
		.exit = 1, .out = "",
		.err_has = {"vadiscover: no device matches 'role=vf':\n  renderD128 "
			    "(0000:00:02.0): filtered out: role pf != vf\n  renderD129 "
			    "(0000:00:02.1): ",
			    "apt install libva2 libva-drm2"}};
	static const struct tool_run json = {
		.topology = "adl-sriov-host", .libpath = BROKEN_LIBVA_DIR,
		.args = {"explain", "--json"}, .exit = 1, .json = true,
		.out_has = {"  \"error\": \"no VA-capable device\",\n  \"libva\": {\n"
			    "    \"path\": null,\n    \"version\": null,\n    \"error\": \"",
			    "is not a usable libva: it lacks vaSetErrorCallback",
			    "\"verdict\": \"no-va\""}};
	char want[8192];
	struct tool_result e, l;

	check_run("libva_broken", &explain, &e);
	char *norm = normalize(e.out);
	/* The reason, whole, from the first line; each of the 8 devices gives it. */
	const char *reason = norm + strlen("libva: none: ");
	size_t rlen = strcspn(reason, "\n");
	ck_assert_msg(strstr(reason, "undefined symbol: vaSetErrorCallback); install libva 2.x "
			     "(Debian/Ubuntu: apt install libva2 libva-drm2)\n"), "%s", norm);
	snprintf(want, sizeof(want), "    -> no-va: %.*s\n", (int)rlen, reason);
	int count = 0;
	for (const char *q = norm; (q = strstr(q, want)); q += strlen(want))
		count++;
	ck_assert_msg(count == 8, "%d devices with '%s' in:\n%s", count, want, norm);
	free(norm);
	tool_result_free(&e);

	check_run("libva_broken", &list, &l);
	ck_assert_ptr_eq(strchr(l.err, '\n'), l.err + strlen(l.err) - 1);
	tool_result_free(&l);

	check_run("libva_broken", &pick, NULL);
	check_run("libva_broken", &json, NULL);
}
END_TEST

/* An empty file named libva.so.2: broken, not missing, and list -v says so on top. */
START_TEST(libva_empty_file)
{
	char dir[4096], file[8192], start[8192];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/vad-test-libva-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/libva.so.2", dir);
	int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);

	snprintf(start, sizeof(start), "libva: none: the libva found is broken: cannot load "
		 "libva.so.2 (%s/libva.so.2: file too short); reinstall it (Debian/Ubuntu: apt "
		 "install libva2 libva-drm2), or use the ffmpeg's own libva (vadiscover --ffmpeg "
		 "PATH)\n", dir);
	struct tool_run v = {.topology = "intel-nvidia", .libpath = dir, .args = {"list", "-v"},
			     .out_starts = start,
			     .out_has = {"VA: failed: the libva found is broken: "}};
	check_run("libva_empty_file", &v, NULL);
	unlink(file);
	rmdir(dir);
}
END_TEST

/* Every topology: every command's JSON is valid JSON, and pick's stdout is a node path
 * and a newline, or nothing. */
static const char *const all_topologies[] = {
	"adl-sriov-host", "adl-sriov-lxc-vf4", "adl-sriov-lxc-vf4-remapped", "intel-nvidia",
	"intel-arc", "amd", "many-nodes", "xe-sriov", "non-pci", "empty",
	"adl-sriov-vfio", "adl-sriov-vm-guest", "intel-amd-swapped", "adl-sriov-novfs",
	"adl-sriov-unbound", "adl-sriov-pve",
};

START_TEST(every_topology_json)
{
	const char *topo = all_topologies[_i];
	static const char *const cmds[][3] = {
		{"list", "--no-probe", "--json"},
		{"list", "-v", "--json"},
		{"list", "--json", NULL},
		{"pick", "--json", NULL},
		{"explain", "--json", NULL},
	};
	char *verbose_json = NULL;

	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		struct tool_run t = {.topology = topo,
				     .args = {cmds[c][0], cmds[c][1], cmds[c][2]},
				     .exit = ANY_EXIT, .json = true,
				     .out_has = {"\"format\": 1,"}};
		struct tool_result r;

		if (c == 0) { /* list --no-probe reads sysfs only */
			t.inits_check = INITS_EXACTLY;
			t.out_lacks[0] = "\"probed\": true";
		}
		check_run("every_topology_json", &t, &r);
		ck_assert_msg(r.exit_code == 0 || r.exit_code == 1, "%s %s: exit %d", topo,
			      cmds[c][0], r.exit_code);
		if (c == 1)
			verbose_json = strdup(r.out);
		if (c == 2) /* plain list probes as -v does: the same document */
			ck_assert_msg(strcmp(r.out, verbose_json) == 0,
				      "%s: 'list --json' differs from 'list -v --json'", topo);
		tool_result_free(&r);
	}
	free(verbose_json);

	struct tool_run pick = {.topology = topo, .args = {"pick"}, .exit = ANY_EXIT};
	struct tool_result p;
	check_run("every_topology_json", &pick, &p);
	if (p.exit_code == 0) {
		ck_assert_msg(strncmp(p.out, "/dev/dri/", 9) == 0, "%s: %s", topo, p.out);
		ck_assert_ptr_eq(strchr(p.out, '\n'), p.out + strlen(p.out) - 1);
	} else {
		ck_assert_int_eq(p.exit_code, 1);
		ck_assert_str_eq(p.out, "");
	}
	tool_result_free(&p);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* The JSON writer itself (linked in from the tool) */

static char *escaped(const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	jw_write_escaped(f, in);
	fclose(f);
	return buf;
}

START_TEST(json_escapes)
{
	static const char *const cases[][2] = {
		{"plain", "\"plain\""},
		{"a\"b", "\"a\\\"b\""},
		{"back\\slash", "\"back\\\\slash\""},
		{"tab\tnl\ncr\r", "\"tab\\tnl\\ncr\\r\""},
		{"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
		{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x9e", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x9e\""},
		/* invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong
		 * slash, a surrogate: each bad byte becomes U+FFFD */
		{"a\x80" "b", "\"a\\ufffdb\""},
		{"\xe2\x82", "\"\\ufffd\\ufffd\""},
		{"\xc0\xaf", "\"\\ufffd\\ufffd\""},
		{"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},
		{"", "\"\""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = escaped(cases[i][0]);

		ck_assert_msg(strcmp(out, cases[i][1]) == 0, "case %zu: got %s, want %s", i, out,
			      cases[i][1]);
		assert_json(out);
		free(out);
	}
}
END_TEST

START_TEST(json_structure)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jw w;

	jw_init(&w, f);
	jw_object_begin(&w, NULL);
	jw_string(&w, "s", "x");
	jw_null(&w, "n");
	jw_string(&w, "ns", NULL);
	jw_int(&w, "i", -42);
	jw_bool(&w, "t", true);
	jw_array_begin(&w, "empty");
	jw_array_end(&w);
	jw_array_begin(&w, "a");
	jw_string(&w, NULL, "h264");
	jw_object_begin(&w, NULL);
	jw_object_end(&w);
	jw_array_end(&w);
	jw_object_end(&w);
	jw_finish(&w);
	fclose(f);
	ck_assert_str_eq(buf, "{\n"
			      "  \"s\": \"x\",\n"
			      "  \"n\": null,\n"
			      "  \"ns\": null,\n"
			      "  \"i\": -42,\n"
			      "  \"t\": true,\n"
			      "  \"empty\": [],\n"
			      "  \"a\": [\n"
			      "    \"h264\",\n"
			      "    {}\n"
			      "  ]\n"
			      "}\n");
	assert_json(buf);
	free(buf);
}
END_TEST

/* The validator the tests rely on rejects what it must. */
START_TEST(json_validator_rejects)
{
	static const char *const bad[] = {
		"", "{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "\"ctl\x01\"", "\"\\x\"", "01",
		"tru", "{} {}", "\"\\u12g4\"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!json_valid(bad[i]), "accepted: %s", bad[i]);
	ck_assert(json_valid(" {\"a\": [1, -2.5e3, true, false, null, \"\\u00e9\"]} "));
}
END_TEST

static TCase *tcase(Suite *s, const char *name)
{
	return tool_test_case(s, name, tool_tests, N_TOOL_TESTS, tool_runs);
}

Suite *test_suite(void)
{
	Suite *s = suite_create("tool");
	TCase *tc;

	tc = tcase(s, "cli");
	tcase_add_test(tc, help_lists_every_key);
	tcase_add_test(tc, write_error_exit_3);
	tcase(s, "spec");
	tcase(s, "adl-sriov-host");
	tcase(s, "access");
	tcase(s, "containers");
	tc = tcase(s, "machines");
	tcase_add_test(tc, many_nodes);
	tc = tcase(s, "host-view");
	tcase_add_test(tc, va_driver_not_installed);
	tcase_add_test(tc, explain_once_per_summary);
	tcase_add_test(tc, man_page_renders);
	tcase(s, "empty");
	tc = tcase(s, "libva");
	tcase_add_test(tc, libva_broken);
	tcase_add_test(tc, libva_empty_file);
	tc = tcase(s, "json");
	tcase_add_loop_test(tc, every_topology_json, 0,
			    (int)(sizeof(all_topologies) / sizeof(all_topologies[0])));
	tc = tcase(s, "json-writer");
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, json_structure);
	tcase_add_test(tc, json_validator_rejects);
	return s;
}
