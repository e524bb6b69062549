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
#include "vadiscover/tool/json.h"

#ifndef VAD_TEST_BUILDDIR
#error "VAD_TEST_BUILDDIR must be defined by the build"
#endif
#ifndef VAD_TEST_SRCDIR
#error "VAD_TEST_SRCDIR must be defined by the build"
#endif

#define MAX_ARGS 16

/* One run of the tool. */
struct run {
	const char *topology;
	const char *const *va;	/* --va lines, NULL-terminated, or NULL */
	const char *deny;
	const char *select_env; /* VADISCOVER_SELECT for this run, or NULL (unset) */
	const char *libpath;	/* LD_LIBRARY_PATH for this run, or NULL (unset) */
	const char *drivers;	/* run-in --drivers DIR, or NULL (the harness's) */
	/* results */
	int exit_code;		/* -1 when it did not exit normally */
	int inits;		/* VA driver initialisations (fake driver's count file) */
	char *out;
	char *err;
};

static char *tool_path(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/vadiscover/tool/vadiscover", VAD_TEST_BUILDDIR);
	return path;
}

static int count_inits(const char *file)
{
	FILE *f = fopen(file, "r");
	char line[512];
	int n = 0;

	if (!f)
		return 0; /* the driver never ran, so it never created the file */
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "init", 4) == 0)
			n++;
	fclose(f);
	return n;
}

/* Runs the tool with the NULL-terminated arguments after @r. */
static void run_tool(struct run *r, ...)
{
	char *argv[MAX_ARGS];
	int argc = 0;
	va_list ap;
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	char count_file[4200];

	/* The runner gives each run its own TMPDIR and removes it afterwards. */
	snprintf(dir, sizeof(dir), "%s/vad-test-tool-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(count_file, sizeof(count_file), "%s/count", dir);

	/* Set in this (forked, per-test) process and inherited by the tool; not through
	 * env(1), so that under check-valgrind valgrind wraps the tool itself. */
	if (r->select_env)
		setenv("VADISCOVER_SELECT", r->select_env, 1);
	else
		unsetenv("VADISCOVER_SELECT");
	if (r->libpath)
		setenv("LD_LIBRARY_PATH", r->libpath, 1);
	else
		unsetenv("LD_LIBRARY_PATH");
	argv[argc++] = tool_path();
	va_start(ap, r);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
		ck_assert_int_lt(argc, MAX_ARGS - 1);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;

	struct th_opts o = {
		.topology = r->topology,
		.va_lines = r->va,
		.deny = r->deny,
		.count_file = count_file,
		.drivers_dir = r->drivers,
	};
	struct th_result res;
	memset(&res, 0, sizeof(res));
	int ret = th_run(&o, argv, &res);
	ck_assert_msg(ret == 0, "th_run(%s) failed: %d", r->topology, ret);
	r->exit_code = WIFEXITED(res.status) ? WEXITSTATUS(res.status) : -1;
	r->out = res.out ? strdup(res.out) : strdup("");
	r->err = res.err ? strdup(res.err) : strdup("");
	th_result_free(&res);
	r->inits = count_inits(count_file);
	unlink(count_file);
	rmdir(dir);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}


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
/* Command line */

START_TEST(help_teaches)
{
	struct run r = {.topology = "empty"};

	run_tool(&r, "--help", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.err, "");
	/* The grammar, examples and the exit codes are all there. */
	assert_contains(r.out, "vendor=0x8086");
	assert_contains(r.out, "role=pf|vf|none");
	assert_contains(r.out, "vf=4");
	assert_contains(r.out, "encode=av1");
	assert_contains(r.out, "VADISCOVER_SELECT");
	/* The exit codes as the tool behaves: list exits 0 without devices (see empty). */
	assert_contains(r.out, "Exit status: 0 ok (list: also when there are no DRM devices; it "
			       "says so on\nstderr); 1 pick/explain: no DRM devices, or none matches");
	assert_contains(r.out, "vadiscover pick role=vf");
	assert_contains(r.out, "--no-probe  list: sysfs only");
	assert_contains(r.out, "--ffmpeg PATH  probe as that ffmpeg would: with the libva its ELF");
	assert_contains(r.out, "'libva: PATH (2.17)'");
	run_free(&r);
}
END_TEST

/* --help documents every key the library's parser knows (it lists them on an unknown key). */
START_TEST(help_lists_every_key)
{
	struct run h = {.topology = "empty"}, k = {.topology = "empty"};

	run_tool(&h, "--help", NULL);
	run_tool(&k, "pick", "bogus=1", NULL);
	ck_assert_int_eq(k.exit_code, 2);
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
	run_free(&h);
	run_free(&k);
}
END_TEST

START_TEST(version_prints_both)
{
	struct run r = {.topology = "empty"};

	run_tool(&r, "--version", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_contains(r.out, "vadiscover ");
	assert_contains(r.out, "(libvadiscover ");
	ck_assert_str_eq(r.err, "");
	run_free(&r);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
	static const char *const cases[][3] = {
		{NULL, NULL, "no command given"},
		{"frobnicate", NULL, "unknown command 'frobnicate'"},
		{"--frob", "list", "unknown option '--frob'"},
		{"list", "role=vf", "list takes no argument"},
		{"pick", "-v", "-v applies to list only"},
		{"--no-probe", "explain", "--no-probe applies to list only"},
		{"list", "--ffmpeg", "option '--ffmpeg' needs an argument"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r = {.topology = "adl-sriov-host"};

		run_tool(&r, cases[i][0], cases[i][1], NULL);
		ck_assert_msg(r.exit_code == 2, "case %zu: exit %d", i, r.exit_code);
		ck_assert_str_eq(r.out, "");
		assert_contains(r.err, cases[i][2]);
		ck_assert_int_eq(r.inits, 0);
		run_free(&r);
	}

	struct run c = {.topology = "adl-sriov-host"};
	run_tool(&c, "list", "-v", "--no-probe", NULL);
	ck_assert_int_eq(c.exit_code, 2);
	ck_assert_str_eq(c.out, "");
	assert_contains(c.err, "-v and --no-probe contradict each other");
	ck_assert_int_eq(c.inits, 0);
	run_free(&c);
}
END_TEST

START_TEST(two_specs_exit_2)
{
	struct run r = {.topology = "adl-sriov-host"};

	run_tool(&r, "pick", "role=vf", "vf=2", NULL);
	ck_assert_int_eq(r.exit_code, 2);
	ck_assert_str_eq(r.out, "");
	assert_contains(r.err, "one SPEC at most");
	run_free(&r);
}
END_TEST

START_TEST(write_error_exit_3)
{
	/* A result that did not arrive must not look like success. */
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"exec \"$0\" pick >/dev/full",
			tool_path(), NULL};
	struct th_opts o = {.topology = "adl-sriov-host"};
	struct th_result res;

	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(th_run(&o, argv, &res), 0);
	ck_assert(WIFEXITED(res.status));
	ck_assert_int_eq(WEXITSTATUS(res.status), 3);
	assert_contains(res.err, "vadiscover: writing the output failed: No space left on device");
	th_result_free(&res);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* Specs */

START_TEST(bad_spec_names_key)
{
	struct run r = {.topology = "adl-sriov-host"};

	run_tool(&r, "pick", "vendr=0x8086", NULL);
	ck_assert_int_eq(r.exit_code, 2);
	ck_assert_str_eq(r.out, "");
	assert_contains(r.err, "invalid spec 'vendr=0x8086'");
	assert_contains(r.err, "'vendr'");
	ck_assert_int_eq(r.inits, 0);
	run_free(&r);

	struct run v = {.topology = "adl-sriov-host"};
	run_tool(&v, "explain", "--json", "role=maybe", NULL);
	ck_assert_int_eq(v.exit_code, 2);
	ck_assert_str_eq(v.out, "");
	assert_contains(v.err, "maybe");
	run_free(&v);
}
END_TEST

START_TEST(bad_spec_from_environment)
{
	struct run r = {.topology = "adl-sriov-host", .select_env = "vf=seven"};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 2);
	ck_assert_str_eq(r.out, "");
	assert_contains(r.err, "(from $VADISCOVER_SELECT)");
	assert_contains(r.err, "seven");
	run_free(&r);
}
END_TEST

START_TEST(spec_from_environment)
{
	struct run r = {.topology = "adl-sriov-host", .select_env = "role=vf,vf=2"};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD130\n");
	run_free(&r);

	/* An argument wins over the environment, even the empty one. */
	struct run a = {.topology = "adl-sriov-host", .select_env = "role=vf,vf=2"};
	run_tool(&a, "pick", "", NULL);
	ck_assert_int_eq(a.exit_code, 0);
	ck_assert_str_eq(a.out, "/dev/dri/renderD128\n");
	run_free(&a);

	struct run e = {.topology = "adl-sriov-host", .select_env = "role=vf,vf=2"};
	run_tool(&e, "explain", NULL);
	ck_assert_int_eq(e.exit_code, 0);
	assert_contains(e.out, "(from $VADISCOVER_SELECT)");
	assert_contains(e.out, "selected: /dev/dri/renderD130\n");
	run_free(&e);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* adl-sriov-host: i3-12100 PF 00:02.0 + 7 VFs, renderD128..135 */

static const char *const pf_fails[] = {"0000:00:02.0 fail", NULL};

START_TEST(host_list_golden)
{
	struct run r = {.topology = "adl-sriov-host"};

	run_tool(&r, "list", "--no-probe", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_int_eq(r.inits, 0); /* sysfs only */
	ck_assert_ptr_null(strstr(r.out, "VA:"));
	assert_golden("adl-sriov-host.list", r.out);
	run_free(&r);

	/* Plain list probes every device and ends each line with a short VA summary. */
	struct run s = {.topology = "adl-sriov-host", .va = pf_fails};
	run_tool(&s, "list", NULL);
	ck_assert_int_eq(s.exit_code, 0);
	ck_assert_str_eq(s.err, "");
	ck_assert_int_eq(s.inits, 8); /* PF + 7 VFs, each probed once */
	assert_contains(s.out, "0000:00:02.0  8086:4692  i915  PF 7/7 VFs            "
			       "VA: none (vaInitialize failed)\n");
	for (int vf = 1; vf <= 7; vf++) {
		char want[96];

		snprintf(want, sizeof(want), "VF %d of 0000:00:02.0  VA: iHD 1.17\n", vf);
		assert_contains(s.out, want);
	}
	assert_golden("adl-sriov-host-pf-fails.list", s.out);
	run_free(&s);

	struct run v = {.topology = "adl-sriov-host", .va = pf_fails};
	run_tool(&v, "list", "-v", NULL);
	ck_assert_int_eq(v.exit_code, 0);
	ck_assert_str_eq(v.err, "");
	ck_assert_int_eq(v.inits, 8); /* every device probed once */
	assert_golden("adl-sriov-host-pf-fails.list-v", v.out);
	run_free(&v);
}
END_TEST

START_TEST(host_pick_default)
{
	struct run r = {.topology = "adl-sriov-host"};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD128\n");
	ck_assert_str_eq(r.err, "");
	ck_assert_int_eq(r.inits, 1);
	run_free(&r);
}
END_TEST

START_TEST(host_pf_fails_pick_first_vf)
{
	struct run r = {.topology = "adl-sriov-host", .va = pf_fails};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD129\n");
	ck_assert_str_eq(r.err, "");
	ck_assert_int_eq(r.inits, 2);
	run_free(&r);
}
END_TEST

START_TEST(host_pf_fails_pick_vf4)
{
	struct run r = {.topology = "adl-sriov-host", .va = pf_fails};

	run_tool(&r, "pick", "role=vf,vf=4", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD132\n");
	ck_assert_str_eq(r.err, "");
	ck_assert_int_le(r.inits, 1);
	run_free(&r);

	/* pci= names the same function. */
	struct run p = {.topology = "adl-sriov-host", .va = pf_fails};
	run_tool(&p, "pick", "pci=00:02.4", NULL);
	ck_assert_int_eq(p.exit_code, 0);
	ck_assert_str_eq(p.out, "/dev/dri/renderD132\n");
	run_free(&p);
}
END_TEST

START_TEST(host_pf_fails_pick_pf_exit_1)
{
	struct run r = {.topology = "adl-sriov-host", .va = pf_fails};

	run_tool(&r, "pick", "role=pf", NULL);
	ck_assert_int_eq(r.exit_code, 1);
	ck_assert_str_eq(r.out, "");
	assert_contains(r.err, "vadiscover: no device matches 'role=pf':\n");
	/* The PF's reason is the VA failure; the VFs' is the filter. */
	assert_contains(r.err, "  renderD128 (0000:00:02.0): vaInitialize failed");
	assert_contains(r.err, "  renderD129 (0000:00:02.1): filtered out");
	ck_assert_int_eq(r.inits, 1);
	run_free(&r);
}
END_TEST

START_TEST(host_index)
{
	struct run r = {.topology = "adl-sriov-host"};

	run_tool(&r, "pick", "role=vf,index=2", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD131\n");
	run_free(&r);
}
END_TEST

START_TEST(host_node_by_path)
{
	struct run r = {.topology = "adl-sriov-host"};

	/* A udev by-path symlink names the device; pick prints the node itself. */
	run_tool(&r, "pick", "node=/dev/dri/by-path/pci-0000:00:02.4-render", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD132\n");
	ck_assert_int_le(r.inits, 1);
	run_free(&r);
}
END_TEST

START_TEST(host_no_match_json)
{
	struct run r = {.topology = "adl-sriov-host"};

	run_tool(&r, "pick", "--json", "role=vf,vf=9", NULL);
	ck_assert_int_eq(r.exit_code, 1);
	assert_json(r.out);
	assert_contains(r.out, "  \"spec\": \"role=vf,vf=9\",\n"
			       "  \"spec_source\": \"argument\",\n"
			       "  \"selected\": null,\n"
			       "  \"error\": \"no device matches 'role=vf,vf=9'\",\n");
	assert_contains(r.out, "\"verdict\": \"filtered\"");
	/* The reasons also go to stderr, for a human watching a script. */
	assert_contains(r.err, "vadiscover: no device matches 'role=vf,vf=9':\n");
	assert_contains(r.err, "  renderD132 (0000:00:02.4): filtered out");
	ck_assert_int_eq(r.inits, 0); /* ruled out by sysfs facts alone */
	run_free(&r);
}
END_TEST

START_TEST(host_all_fail)
{
	static const char *const all_fail[] = {"* fail", NULL};
	struct run r = {.topology = "adl-sriov-host", .va = all_fail};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 1);
	ck_assert_str_eq(r.out, "");
	assert_contains(r.err, "vadiscover: no VA-capable device:\n"
			       "  renderD128 (0000:00:02.0): vaInitialize failed");
	assert_contains(r.err, "  renderD135 (0000:00:02.7): vaInitialize failed");
	ck_assert_int_eq(r.inits, 8); /* each device tried once, none twice */
	run_free(&r);
}
END_TEST

START_TEST(host_explain_golden)
{
	struct run r = {.topology = "adl-sriov-host", .va = pf_fails};

	run_tool(&r, "explain", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_eq(r.inits, 8); /* explain probes everything not ruled out */
	/* libva's message (hidden in the golden file) names the driver that failed. */
	assert_contains(r.out, "; libva: " VAD_TEST_BUILDDIR "/tests/harness/dri/iHD_drv_video.so");
	assert_golden("adl-sriov-host-pf-fails.explain", r.out);
	run_free(&r);

	struct run f = {.topology = "adl-sriov-host"};
	run_tool(&f, "explain", "role=vf,vf=2", NULL);
	ck_assert_int_eq(f.exit_code, 0);
	ck_assert_int_eq(f.inits, 1); /* the facts rule out all others */
	assert_golden("adl-sriov-host.explain-vf2", f.out);
	run_free(&f);

	struct run j = {.topology = "adl-sriov-host", .va = pf_fails};
	run_tool(&j, "explain", "--json", "role=vf", NULL);
	ck_assert_int_eq(j.exit_code, 0);
	assert_json(j.out);
	assert_contains(j.out, "\"selected\": \"/dev/dri/renderD129\"");
	assert_golden("adl-sriov-host-pf-fails.explain-role-vf.json", j.out);
	run_free(&j);
}
END_TEST

START_TEST(host_pick_json)
{
	struct run r = {.topology = "adl-sriov-host", .va = pf_fails};

	run_tool(&r, "pick", "--json", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.err, "");
	assert_json(r.out);
	ck_assert_int_eq(r.inits, 2);
	assert_golden("adl-sriov-host-pf-fails.pick.json", r.out);
	run_free(&r);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* Access */

START_TEST(deny_first_node)
{
	struct run r = {.topology = "adl-sriov-host", .deny = "renderD128"};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD129\n");
	assert_contains(r.err, "vadiscover: warning: renderD128 skipped: permission denied");
	assert_contains(r.err, "render");
	assert_contains(r.err, "usermod -aG");
	ck_assert_int_eq(r.inits, 1);
	run_free(&r);

	struct run e = {.topology = "adl-sriov-host", .deny = "renderD128"};
	run_tool(&e, "explain", NULL);
	ck_assert_int_eq(e.exit_code, 0);
	assert_contains(e.out, "    -> no-access: permission denied");
	assert_contains(e.out, "PF 7/7 VFs\n    -> no-access: "); /* said once, not twice */
	assert_contains(e.out, "selected: /dev/dri/renderD129\n");
	run_free(&e);

	struct run j = {.topology = "adl-sriov-host", .deny = "renderD128"};
	run_tool(&j, "list", "--json", NULL);
	ck_assert_int_eq(j.exit_code, 0);
	assert_json(j.out);
	assert_contains(j.out, "\"ok\": false,\n        \"error\": \"Permission denied\",\n"
			       "        \"errno\": \"EACCES\"");
	run_free(&j);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* Containers */

START_TEST(lxc_vf4)
{
	struct run r = {.topology = "adl-sriov-lxc-vf4"};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD132\n");
	ck_assert_int_eq(r.inits, 1);
	run_free(&r);

	struct run l = {.topology = "adl-sriov-lxc-vf4"};
	run_tool(&l, "list", "-v", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	assert_golden("adl-sriov-lxc-vf4.list-v", l.out);
	run_free(&l);

	/* The PF exists in the host's /sys but not in this /dev/dri. */
	struct run p = {.topology = "adl-sriov-lxc-vf4"};
	run_tool(&p, "pick", "role=pf", NULL);
	ck_assert_int_eq(p.exit_code, 1);
	ck_assert_str_eq(p.out, "");
	assert_contains(p.err, "no device matches 'role=pf'");
	assert_contains(p.err, "renderD132 (0000:00:02.4): filtered out");
	ck_assert_int_eq(p.inits, 0);
	run_free(&p);
}
END_TEST

START_TEST(lxc_vf4_remapped)
{
	struct run r = {.topology = "adl-sriov-lxc-vf4-remapped"};

	run_tool(&r, "pick", "vf=4", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD128\n");
	run_free(&r);

	struct run l = {.topology = "adl-sriov-lxc-vf4-remapped"};
	run_tool(&l, "list", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	assert_contains(l.out, "renderD128=226:132  card0=226:4  0000:00:02.4");
	assert_contains(l.out, "VF 4 of 0000:00:02.0");
	assert_golden("adl-sriov-lxc-vf4-remapped.list", l.out);
	run_free(&l);

	struct run j = {.topology = "adl-sriov-lxc-vf4-remapped"};
	run_tool(&j, "pick", "--json", "node=/dev/dri/renderD128", NULL);
	ck_assert_int_eq(j.exit_code, 0);
	assert_json(j.out);
	assert_contains(j.out, "\"rdev\": \"226:132\"");
	assert_golden("adl-sriov-lxc-vf4-remapped.pick-node.json", j.out);
	run_free(&j);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* Other machines */

START_TEST(intel_nvidia)
{
	struct run r = {.topology = "intel-nvidia"};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD129\n"); /* never the NVIDIA at renderD128 */
	run_free(&r);

	/* No nvidia-vaapi-driver in this topology: vendor=0x10de matches nothing, and says
	 * why; with the driver installed, it picks the NVIDIA. */
	struct run f = {.topology = "intel-nvidia"};
	run_tool(&f, "pick", "vendor=0x10de", NULL);
	ck_assert_int_eq(f.exit_code, 1);
	ck_assert_str_eq(f.out, "");
	assert_contains(f.err, "no device matches 'vendor=0x10de'");
	assert_contains(f.err, "  renderD128 (0000:01:00.0): vaInitialize failed");
	run_free(&f);

	static const char *const nvidia_ok[] = {"0000:01:00.0 ok decode=h264,hevc", NULL};
	struct run n = {.topology = "intel-nvidia", .va = nvidia_ok};
	run_tool(&n, "pick", "vendor=0x10de", NULL);
	ck_assert_int_eq(n.exit_code, 0);
	ck_assert_str_eq(n.out, "/dev/dri/renderD128\n");
	ck_assert_int_eq(n.inits, 1); /* the Intel device is filtered, never probed */
	run_free(&n);

	struct run l = {.topology = "intel-nvidia"};
	run_tool(&l, "list", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	ck_assert_int_eq(l.inits, 2);
	assert_contains(l.out, "10de:2504  nvidia  VA: none (vaInitialize failed)\n");
	assert_contains(l.out, "8086:4680  i915    VA: iHD 1.17\n");
	assert_golden("intel-nvidia.list", l.out);
	run_free(&l);

	struct run e = {.topology = "intel-nvidia"};
	run_tool(&e, "explain", "--json", NULL);
	assert_json(e.out);
	assert_contains(e.out, "; libva: " VAD_TEST_BUILDDIR "/tests/harness/dri/nvidia_drv_video.so");
	assert_golden("intel-nvidia.explain.json", e.out);
	run_free(&e);
}
END_TEST

START_TEST(intel_arc_av1)
{
	struct run r = {.topology = "intel-arc"};

	run_tool(&r, "pick", "encode=av1", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD129\n");
	run_free(&r);

	struct run l = {.topology = "intel-arc"};
	run_tool(&l, "list", "-v", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	assert_golden("intel-arc.list-v", l.out);
	run_free(&l);
}
END_TEST

START_TEST(amd)
{
	struct run r = {.topology = "amd"};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD128\n");
	ck_assert_int_eq(r.inits, 1);
	run_free(&r);

	struct run l = {.topology = "amd"};
	run_tool(&l, "list", "-v", NULL);
	assert_contains(l.out, "Mesa Gallium driver");
	assert_golden("amd.list-v", l.out);
	run_free(&l);
}
END_TEST

START_TEST(many_nodes)
{
	struct run r = {.topology = "many-nodes"};

	run_tool(&r, "pick", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	/* Past renderD135, where FFmpeg's own search ends. */
	ck_assert_int_gt(atoi(r.out + strlen("/dev/dri/renderD")), 135);
	assert_golden("many-nodes.pick", r.out);
	run_free(&r);

	struct run l = {.topology = "many-nodes"};
	run_tool(&l, "list", "--no-probe", "--json", NULL);
	assert_json(l.out);
	ck_assert_int_eq(l.inits, 0);
	assert_golden("many-nodes.list.json", l.out);
	run_free(&l);
}
END_TEST

START_TEST(xe_sriov)
{
	struct run l = {.topology = "xe-sriov"};

	run_tool(&l, "list", "-v", "--json", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	assert_json(l.out);
	/* Debian 12's libva has no xe mapping: the library probes with iHD and it works. */
	assert_contains(l.out, "\"kernel_driver\": \"xe\"");
	assert_contains(l.out, "\"capable\": true");
	assert_contains(l.out, "\"driver\": \"iHD\"");
	assert_golden("xe-sriov.list-v.json", l.out);
	run_free(&l);

	struct run r = {.topology = "xe-sriov"};
	run_tool(&r, "pick", "kernel_driver=xe,role=vf", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	assert_contains(r.out, "/dev/dri/renderD");
	run_free(&r);
}
END_TEST

START_TEST(non_pci)
{
	struct run l = {.topology = "non-pci"};

	run_tool(&l, "list", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	assert_golden("non-pci.list", l.out);
	run_free(&l);

	struct run e = {.topology = "non-pci"};
	run_tool(&e, "explain", "--json", NULL);
	ck_assert_int_eq(e.exit_code, 0);
	assert_json(e.out);
	assert_contains(e.out, "\"bus\": \"platform\"");
	assert_golden("non-pci.explain.json", e.out);
	run_free(&e);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* The host view of SR-IOV, and what is not probed */

/* A Proxmox host: each VF's guest from /etc/pve under --root; VF 3 (vfio-pci, VM 101) has
 * no node, is listed anyway and never probed. */
START_TEST(proxmox_host_list)
{
	struct run l = {.topology = "adl-sriov-pve"};

	run_tool(&l, "--root", "@ROOT@", "list", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	ck_assert_str_eq(l.err, "");
	ck_assert_int_eq(l.inits, 7); /* the PF and six VFs with nodes; not 00:02.3 */
	assert_contains(l.out, "renderD132  card4  0000:00:02.4  8086:4692  i915      VF 4 of "
			       "0000:00:02.0  given to LXC 123 (jellyfin)  VA: iHD 1.17\n");
	assert_contains(l.out, "renderD133  card5  0000:00:02.5  8086:4692  i915      VF 5 of "
			       "0000:00:02.0  given to LXC 124 (frigate)   VA: iHD 1.17\n");
	assert_contains(l.out, "-           -      0000:00:02.3  8086:4692  vfio-pci  VF 3 of "
			       "0000:00:02.0  given to VM 101 (win11)      no DRM node: vfio-pci: "
			       "passed to a VM\n");
	/* The snapshot section of 123.conf (VF 2's renderD130) is not the configuration. */
	assert_not_contains(l.out, "renderD130  card2  0000:00:02.2  8086:4692  i915      VF 2 of "
				   "0000:00:02.0  given");
	assert_golden("adl-sriov-pve.list", l.out);
	run_free(&l);

	/* The same in JSON: guests per device and per function without nodes. */
	struct run j = {.topology = "adl-sriov-pve"};
	run_tool(&j, "--root", "@ROOT@", "list", "--json", NULL);
	ck_assert_int_eq(j.exit_code, 0);
	assert_json(j.out);
	assert_contains(j.out, "      \"guests\": [\n        {\n          \"type\": \"lxc\",\n"
			       "          \"id\": 123,\n          \"name\": \"jellyfin\"\n");
	assert_contains(j.out, "\"functions_without_nodes\": [\n    {\n      \"pci_slot\": "
			       "\"0000:00:02.3\",\n");
	assert_contains(j.out, "      \"guests\": [\n        {\n          \"type\": \"vm\",\n"
			       "          \"id\": 101,\n          \"name\": \"win11\"\n");
	assert_golden("adl-sriov-pve.list.json", j.out);
	run_free(&j);

	/* Without --root the tool reads /etc/pve of this machine: not the topology's. */
	struct run n = {.topology = "adl-sriov-pve"};
	run_tool(&n, "list", "--no-probe", NULL);
	ck_assert_int_eq(n.exit_code, 0);
	assert_not_contains(n.out, "LXC 123");
	assert_contains(n.out, "no DRM node: vfio-pci: passed to a VM\n");
	run_free(&n);

	/* --root must be absolute. */
	struct run b = {.topology = "adl-sriov-pve"};
	run_tool(&b, "--root", "etc", "list", NULL);
	ck_assert_int_eq(b.exit_code, 2);
	assert_contains(b.err, "--root needs an absolute directory (got 'etc')");
	run_free(&b);
}
END_TEST

/* list -v on the host with VF 3 on vfio-pci: the vendor string and codecs once, the
 * hole explained, the columns explained. */
START_TEST(vfio_list_v)
{
	struct run v = {.topology = "adl-sriov-vfio"};

	run_tool(&v, "list", "-v", NULL);
	ck_assert_int_eq(v.exit_code, 0);
	ck_assert_str_eq(v.err, "");
	ck_assert_int_eq(v.inits, 7);
	assert_contains(v.out, "VF 1 of 0000:00:02.0  VA: same as renderD128\n");
	assert_contains(v.out, "0000:00:02.3  8086:4692  vfio-pci  VF 3 of 0000:00:02.0  "
			       "no DRM node: vfio-pci: passed to a VM\n");
	assert_contains(v.out, "PF 7/7 VFs: an SR-IOV physical function; 7 of its 7 virtual "
			       "functions are enabled (sysfs sriov_numvfs of sriov_totalvfs)\n");
	assert_golden("adl-sriov-vfio.list-v", v.out);
	run_free(&v);

	/* VFs without a driver, and VFs not enabled. */
	struct run u = {.topology = "adl-sriov-unbound"};
	run_tool(&u, "list", NULL);
	ck_assert_int_eq(u.exit_code, 0);
	ck_assert_int_eq(u.inits, 1);
	assert_contains(u.out, "-           -      0000:00:02.7  8086:4692  -     VF 7 of "
			       "0000:00:02.0  no DRM node: no driver bound (the PF's "
			       "sriov_drivers_autoprobe is 0: bind one, e.g. echo 0000:00:02.7 > "
			       "/sys/bus/pci/drivers/i915/bind)\n");
	run_free(&u);
	struct run z = {.topology = "adl-sriov-novfs"};
	run_tool(&z, "list", "-v", NULL);
	ck_assert_int_eq(z.exit_code, 0);
	assert_contains(z.out, "PF 0/7 VFs  VA: Intel iHD");
	assert_contains(z.out, "PF 0/7 VFs: an SR-IOV physical function; 0 of its 7 virtual "
			       "functions are enabled");
	assert_not_contains(z.out, "no DRM node");
	run_free(&z);
}
END_TEST

/* A renamed node's "NAME=MAJ:MIN" is explained by list -v. */
START_TEST(renamed_node_explained)
{
	struct run v = {.topology = "adl-sriov-lxc-vf4-remapped"};

	run_tool(&v, "list", "-v", NULL);
	ck_assert_int_eq(v.exit_code, 0);
	assert_contains(v.out, "renderD128=226:132: the node named renderD128 here is device "
			       "226:132, the host's renderD132; vadiscover goes by the device "
			       "number, never by the name\n");
	run_free(&v);
}
END_TEST

/* Display-only devices: not probed, and said so. */
START_TEST(display_only)
{
	struct run l = {.topology = "non-pci"};

	run_tool(&l, "list", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	ck_assert_int_eq(l.inits, 1);
	assert_contains(l.out, "vgem                  -          -                   "
			       "VA: none (display only, not probed)\n");
	run_free(&l);

	struct run v = {.topology = "many-nodes"};
	run_tool(&v, "list", "-v", NULL);
	ck_assert_int_eq(v.exit_code, 0);
	assert_contains(v.out, "VA: none: not probed: kernel driver ast has no video engine "
			       "(display only)\n");
	run_free(&v);
}
END_TEST

/* No VA driver file: its own reason with the package, short and long. */
START_TEST(va_driver_not_installed)
{
	char dir[4096], want[8192];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/no-drivers-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct run l = {.topology = "intel-arc", .drivers = dir};
	run_tool(&l, "list", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	ck_assert_int_eq(l.inits, 0);
	assert_contains(l.out, "i915  VA: none (VA driver not installed)\n");
	assert_not_contains(l.out, "vaInitialize failed");
	run_free(&l);

	struct run p = {.topology = "intel-arc", .drivers = dir};
	run_tool(&p, "pick", NULL);
	ck_assert_int_eq(p.exit_code, 1);
	snprintf(want, sizeof(want), "  renderD128 (0000:00:02.0): VA driver iHD_drv_video.so is "
		 "not installed (looked in %s): install intel-media-va-driver-non-free (non-free) "
		 "or intel-media-va-driver\n", dir);
	assert_contains(p.err, want);
	run_free(&p);
	rmdir(dir);
}
END_TEST

/* Ids are hex as lspci prints them: vendor=8086 is Intel. */
START_TEST(vendor_hex_without_0x)
{
	struct run p = {.topology = "intel-nvidia"};

	run_tool(&p, "pick", "vendor=8086", NULL);
	ck_assert_int_eq(p.exit_code, 0);
	ck_assert_str_eq(p.out, "/dev/dri/renderD129\n");
	run_free(&p);

	struct run d = {.topology = "intel-nvidia"};
	run_tool(&d, "pick", "vendor=32902", NULL);
	ck_assert_int_eq(d.exit_code, 2);
	assert_contains(d.err, "expected a PCI vendor id in hex as lspci prints it (8086 or "
			       "0x8086), at most ffff");
	run_free(&d);
}
END_TEST

/* explain: one VA summary per distinct driver answer, then "same as". */
START_TEST(explain_once_per_summary)
{
	struct run e = {.topology = "adl-sriov-host"};

	run_tool(&e, "explain", NULL);
	ck_assert_int_eq(e.exit_code, 0);
	const char *first = strstr(e.out, "Intel iHD driver");
	ck_assert_ptr_nonnull(first);
	assert_not_contains(first + 1, "Intel iHD driver");
	assert_contains(e.out, "VF 7 of 0000:00:02.0  VA: same as renderD128\n");
	run_free(&e);
}
END_TEST

/* The man page as man renders it: no words run together by .BR, the header's real
 * place. */
START_TEST(man_page_renders)
{
	char page[4096];
	struct th_result r;

	snprintf(page, sizeof(page), "%s/vadiscover/tool/vadiscover.1", VAD_TEST_SRCDIR);
	char *argv[] = {(char *)"groff", (char *)"-man", (char *)"-Tutf8", (char *)"-rLL=300n",
			(char *)"-P-cbou", (char *)"-ww", page, NULL};
	struct th_opts o = {.topology = NULL};
	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "groff: %s", r.err);
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

/* ---------------------------------------------------------------------------------- */
/* Which libva */

/* The libva used is named by list -v, explain and the JSON, not by plain list or pick; a
 * sysfs-only list loads none. */
START_TEST(libva_named)
{
	struct run v = {.topology = "adl-sriov-host"};
	run_tool(&v, "list", "-v", NULL);
	ck_assert_int_eq(v.exit_code, 0);
	char *norm = normalize(v.out);
	ck_assert_msg(strncmp(norm, "libva: @LIBVA@ (@LIBVA_VERSION@)\nrenderD128  ", 45) == 0,
		      "%s", norm);
	free(norm);
	run_free(&v);

	struct run l = {.topology = "adl-sriov-host"};
	run_tool(&l, "list", NULL);
	ck_assert_msg(strncmp(l.out, "renderD128  ", 12) == 0, "%s", l.out);
	ck_assert_ptr_null(strstr(l.out, "libva"));
	run_free(&l);

	struct run p = {.topology = "adl-sriov-host"};
	run_tool(&p, "pick", NULL);
	ck_assert_str_eq(p.out, "/dev/dri/renderD128\n");
	run_free(&p);

	/* A spec that rules every device out still says which libva would have probed. */
	struct run e = {.topology = "adl-sriov-host"};
	run_tool(&e, "explain", "vendor=0x10de", NULL);
	ck_assert_int_eq(e.exit_code, 1);
	ck_assert_int_eq(e.inits, 0);
	norm = normalize(e.out);
	ck_assert_msg(strncmp(norm, "libva: @LIBVA@ (@LIBVA_VERSION@)\nspec: vendor=0x10de\n",
			      52) == 0, "%s", norm);
	free(norm);
	run_free(&e);

	struct run n = {.topology = "adl-sriov-host"};
	run_tool(&n, "list", "--no-probe", "--json", NULL);
	assert_json(n.out);
	assert_contains(n.out, "  \"libva\": {\n    \"path\": null,\n    \"version\": null,\n"
			       "    \"error\": null\n  },\n");
	run_free(&n);
}
END_TEST

/* A file named libva.so.2 that is not libva, first on LD_LIBRARY_PATH: every device has
 * no VA and says what to install; no VA driver is loaded; pick and explain exit 1, list 0. */
START_TEST(libva_broken)
{
	char dir[4096], want[8192];

	snprintf(dir, sizeof(dir), "%s/tests/broken-libva", VAD_TEST_BUILDDIR);

	struct run e = {.topology = "adl-sriov-host", .libpath = dir};
	run_tool(&e, "explain", NULL);
	ck_assert_int_eq(e.exit_code, 1);
	ck_assert_int_eq(e.inits, 0);
	ck_assert_str_eq(e.err, "vadiscover: no VA-capable device\n");
	char *norm = normalize(e.out);
	const char *lead = "libva: none: @BUILDDIR@/tests/broken-libva/libva.so.2 is not a usable "
			   "libva: it lacks vaSetErrorCallback (";
	ck_assert_msg(strncmp(norm, lead, strlen(lead)) == 0, "%s", norm);
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
	run_free(&e);

	struct run l = {.topology = "adl-sriov-host", .libpath = dir};
	run_tool(&l, "list", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	assert_contains(l.out, "renderD128  card0  0000:00:02.0  8086:4692  i915  PF 7/7 VFs      "
			       "      VA: none (no usable libva)\n");
	/* stdout stays one line per device; what to install goes to stderr, once */
	ck_assert_ptr_null(strstr(l.out, "libva: none"));
	ck_assert_msg(strncmp(l.err, "vadiscover: libva: none: ", 25) == 0, "%s", l.err);
	assert_contains(l.err, "apt install libva2 libva-drm2)\n");
	ck_assert_ptr_eq(strchr(l.err, '\n'), l.err + strlen(l.err) - 1);
	run_free(&l);

	struct run p = {.topology = "adl-sriov-host", .libpath = dir};
	run_tool(&p, "pick", "role=vf", NULL);
	ck_assert_int_eq(p.exit_code, 1);
	ck_assert_str_eq(p.out, "");
	assert_contains(p.err, "vadiscover: no device matches 'role=vf':\n  renderD128 "
			       "(0000:00:02.0): filtered out: role pf != vf\n  renderD129 "
			       "(0000:00:02.1): ");
	assert_contains(p.err, "apt install libva2 libva-drm2");
	run_free(&p);

	struct run j = {.topology = "adl-sriov-host", .libpath = dir};
	run_tool(&j, "explain", "--json", NULL);
	ck_assert_int_eq(j.exit_code, 1);
	assert_json(j.out);
	assert_contains(j.out, "  \"error\": \"no VA-capable device\",\n  \"libva\": {\n"
			       "    \"path\": null,\n    \"version\": null,\n    \"error\": \"");
	assert_contains(j.out, "is not a usable libva: it lacks vaSetErrorCallback");
	assert_contains(j.out, "\"verdict\": \"no-va\"");
	run_free(&j);
}
END_TEST

/* An empty file named libva.so.2: broken, not missing, and list -v says so on top. */
START_TEST(libva_empty_file)
{
	char dir[4096], file[8192];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/vad-test-libva-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/libva.so.2", dir);
	int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);

	struct run v = {.topology = "intel-nvidia", .libpath = dir};
	run_tool(&v, "list", "-v", NULL);
	ck_assert_int_eq(v.exit_code, 0);
	snprintf(file, sizeof(file), "libva: none: the libva found is broken: cannot load "
		 "libva.so.2 (%s/libva.so.2: file too short); reinstall it (Debian/Ubuntu: apt "
		 "install libva2 libva-drm2), or use the ffmpeg's own libva (vadiscover --ffmpeg "
		 "PATH)\n", dir);
	ck_assert_msg(strncmp(v.out, file, strlen(file)) == 0, "%s", v.out);
	assert_contains(v.out, "VA: failed: the libva found is broken: ");
	run_free(&v);
	snprintf(file, sizeof(file), "%s/libva.so.2", dir);
	unlink(file);
	rmdir(dir);
}
END_TEST

/* --ffmpeg: probe with the libva that ffmpeg would load; Debian's ffmpeg takes the
 * system's. */
START_TEST(ffmpeg_option)
{
	struct run e = {.topology = "adl-sriov-host"};
	run_tool(&e, "--ffmpeg", VAD_REAL_FFMPEG, "explain", "role=vf", NULL);
	ck_assert_int_eq(e.exit_code, 0);
	char *norm = normalize(e.out);
	ck_assert_msg(strncmp(norm, "libva: @LIBVA@ (@LIBVA_VERSION@)\nspec: role=vf\n", 46) == 0,
		      "%s", norm);
	assert_contains(norm, "selected: /dev/dri/renderD129\n");
	free(norm);
	run_free(&e);
}
END_TEST

START_TEST(empty)
{
	struct run p = {.topology = "empty"};

	run_tool(&p, "pick", NULL);
	ck_assert_int_eq(p.exit_code, 1);
	ck_assert_str_eq(p.out, "");
	ck_assert_str_eq(p.err, "vadiscover: no DRM devices: /dev/dri is missing or empty\n");
	run_free(&p);

	struct run l = {.topology = "empty"};
	run_tool(&l, "list", NULL);
	ck_assert_int_eq(l.exit_code, 0);
	ck_assert_str_eq(l.out, "");
	ck_assert_str_eq(l.err, "vadiscover: no DRM devices: /dev/dri is missing or empty\n");
	run_free(&l);

	struct run e = {.topology = "empty"};
	run_tool(&e, "explain", NULL);
	ck_assert_int_eq(e.exit_code, 1);
	char *norm = normalize(e.out);
	ck_assert_str_eq(norm, "libva: @LIBVA@ (@LIBVA_VERSION@)\n"
			       "spec: (empty: the first VA-capable device in render-node order)\n");
	free(norm);
	ck_assert_str_eq(e.err, "vadiscover: no DRM devices: /dev/dri is missing or empty\n");
	run_free(&e);

	struct run j = {.topology = "empty"};
	run_tool(&j, "pick", "--json", NULL);
	ck_assert_int_eq(j.exit_code, 1);
	assert_json(j.out);
	norm = normalize(j.out);
	ck_assert_str_eq(norm, "{\n"
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
			       "}\n");
	free(norm);
	run_free(&j);
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
		struct run r = {.topology = topo};

		run_tool(&r, cmds[c][0], cmds[c][1], cmds[c][2], NULL);
		ck_assert_msg(r.exit_code == 0 || r.exit_code == 1, "%s %s: exit %d", topo,
			      cmds[c][0], r.exit_code);
		assert_json(r.out);
		assert_contains(r.out, "\"format\": 1,");
		if (c == 0) { /* list --no-probe reads sysfs only */
			ck_assert_int_eq(r.inits, 0);
			ck_assert_ptr_null(strstr(r.out, "\"probed\": true"));
		}
		if (c == 1)
			verbose_json = strdup(r.out);
		if (c == 2) /* plain list probes as -v does: the same document */
			ck_assert_msg(strcmp(r.out, verbose_json) == 0,
				      "%s: 'list --json' differs from 'list -v --json'", topo);
		run_free(&r);
	}
	free(verbose_json);

	struct run p = {.topology = topo};
	run_tool(&p, "pick", NULL);
	if (p.exit_code == 0) {
		ck_assert_msg(strncmp(p.out, "/dev/dri/", 9) == 0, "%s: %s", topo, p.out);
		ck_assert_ptr_eq(strchr(p.out, '\n'), p.out + strlen(p.out) - 1);
	} else {
		ck_assert_int_eq(p.exit_code, 1);
		ck_assert_str_eq(p.out, "");
	}
	run_free(&p);
}
END_TEST

START_TEST(debug_goes_to_stderr)
{
	struct run r = {.topology = "adl-sriov-host", .va = pf_fails};

	run_tool(&r, "-d", "pick", NULL);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(r.out, "/dev/dri/renderD129\n");
	assert_contains(r.err, "vadiscover: debug: ");
	run_free(&r);

	/* Without -d the library says nothing. */
	struct run q = {.topology = "adl-sriov-host", .va = pf_fails};
	run_tool(&q, "pick", NULL);
	ck_assert_str_eq(q.err, "");
	run_free(&q);
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
	TCase *tc = test_case(s, name);

	/* Each run builds a topology and starts real processes; valgrind makes them slow. */
	tcase_set_timeout(tc, 300);
	return tc;
}

Suite *test_suite(void)
{
	Suite *s = suite_create("tool");
	TCase *tc;

	tc = tcase(s, "cli");
	tcase_add_test(tc, help_teaches);
	tcase_add_test(tc, help_lists_every_key);
	tcase_add_test(tc, version_prints_both);
	tcase_add_test(tc, usage_errors_exit_2);
	tcase_add_test(tc, two_specs_exit_2);
	tcase_add_test(tc, debug_goes_to_stderr);
	tcase_add_test(tc, write_error_exit_3);

	tc = tcase(s, "spec");
	tcase_add_test(tc, bad_spec_names_key);
	tcase_add_test(tc, bad_spec_from_environment);
	tcase_add_test(tc, spec_from_environment);

	tc = tcase(s, "adl-sriov-host");
	tcase_add_test(tc, host_list_golden);
	tcase_add_test(tc, host_pick_default);
	tcase_add_test(tc, host_pf_fails_pick_first_vf);
	tcase_add_test(tc, host_pf_fails_pick_vf4);
	tcase_add_test(tc, host_pf_fails_pick_pf_exit_1);
	tcase_add_test(tc, host_index);
	tcase_add_test(tc, host_node_by_path);
	tcase_add_test(tc, host_all_fail);
	tcase_add_test(tc, host_no_match_json);
	tcase_add_test(tc, host_explain_golden);
	tcase_add_test(tc, host_pick_json);

	tc = tcase(s, "access");
	tcase_add_test(tc, deny_first_node);

	tc = tcase(s, "containers");
	tcase_add_test(tc, lxc_vf4);
	tcase_add_test(tc, lxc_vf4_remapped);

	tc = tcase(s, "machines");
	tcase_add_test(tc, intel_nvidia);
	tcase_add_test(tc, intel_arc_av1);
	tcase_add_test(tc, amd);
	tcase_add_test(tc, many_nodes);
	tcase_add_test(tc, xe_sriov);
	tcase_add_test(tc, non_pci);

	tc = tcase(s, "host-view");
	tcase_add_test(tc, proxmox_host_list);
	tcase_add_test(tc, vfio_list_v);
	tcase_add_test(tc, renamed_node_explained);
	tcase_add_test(tc, display_only);
	tcase_add_test(tc, va_driver_not_installed);
	tcase_add_test(tc, vendor_hex_without_0x);
	tcase_add_test(tc, explain_once_per_summary);
	tcase_add_test(tc, man_page_renders);

	tc = tcase(s, "empty");
	tcase_add_test(tc, empty);

	tc = tcase(s, "libva");
	tcase_add_test(tc, libva_named);
	tcase_add_test(tc, libva_broken);
	tcase_add_test(tc, libva_empty_file);
	tcase_add_test(tc, ffmpeg_option);

	tc = tcase(s, "json");
	tcase_add_loop_test(tc, every_topology_json, 0,
			    (int)(sizeof(all_topologies) / sizeof(all_topologies[0])));

	tc = tcase(s, "json-writer");
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, json_structure);
	tcase_add_test(tc, json_validator_rejects);

	return s;
}
