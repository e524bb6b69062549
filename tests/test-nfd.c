/*
 * `vadiscover nfd`: the feature file for Node Feature Discovery's local source, checked
 * line by line against NFD's rules by nfd_check() below, which is itself tested on lines
 * that each break one rule.
 *
 * NFD's rules (nfd-worker source/local/local.go, nfd-master's label validation
 * pkg/apis/nfd/validate, Kubernetes' IsQualifiedName/IsValidLabelValue; v0.14+):
 *   - at most 65536 bytes, else the file is ignored;
 *   - lines trimmed of white space; empty ones and '#' comments are skipped; "# +" starts a
 *     directive: expiry-time=<RFC 3339> (applies to the lines after it), no-label,
 *     no-feature; any other is an error;
 *   - `name[=value]`, split at the first '=';
 *   - name: prefix/name; prefix a DNS-1123 subdomain (lower-case alphanumerics, '-', '.',
 *     at most 253), not kubernetes.io nor *.kubernetes.io (NFD's own excepted); without a
 *     prefix nfd-master puts the label in feature.node.kubernetes.io; name part 1..63 of
 *     [A-Za-z0-9._-], alphanumeric at both ends;
 *   - value: empty or 1..63 of [A-Za-z0-9._-], alphanumeric at both ends.
 * On top, what this project promises: every label in vadiscover.io/, no name twice, the
 * expiry directive (when there is one) before every label.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/common/harness.h"
#include "tests/common/runner.h"

#define NFD_MAX_FILE 65536

static char tool[4200];

static void setup(void)
{
	snprintf(tool, sizeof(tool), "%s/vadiscover/tool/vadiscover", th_builddir());
}

/* ---------------------------------------------------------------------------------- */
/* The checker */

static bool alnum(char c)
{
	return isascii((unsigned char)c) && isalnum((unsigned char)c);
}

/* [A-Za-z0-9._-]{1,63}, alphanumeric at both ends (a label name part or a value). */
static bool qualified_part(const char *s, size_t n)
{
	if (n == 0 || n > 63 || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* A DNS-1123 subdomain: labels of [a-z0-9-], alphanumeric at both ends, joined by '.'. */
static bool dns_subdomain(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && s[j] != '.')
			j++;
		if (j == i || (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i])))
			return false;
		if (!islower((unsigned char)s[j - 1]) && !isdigit((unsigned char)s[j - 1]))
			return false;
		for (size_t k = i; k < j; k++)
			if (!islower((unsigned char)s[k]) && !isdigit((unsigned char)s[k]) &&
			    s[k] != '-')
				return false;
		i = j + 1;
		if (j < n && i == n)
			return false;	/* trailing dot */
	}
	return true;
}

/* RFC 3339 as Go's time.RFC3339 parses it: 2006-01-02T15:04:05[.frac](Z|+07:00). */
static bool rfc3339(const char *s, struct tm *tm, long *offset)
{
	int y, mo, d, h, mi, se, n = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
		return false;
	s += n;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (strcmp(s, "Z") == 0) {
		*offset = 0;
	} else {
		int oh, om;

		if ((s[0] != '+' && s[0] != '-') || sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) != 2 ||
		    n != 5 || s[6])
			return false;
		*offset = (s[0] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return false;
	*tm = (struct tm){ .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			   .tm_min = mi, .tm_sec = se };
	return true;
}

struct nfd_state {
	bool labels_seen;
	bool expiry_seen;
	time_t expiry;
	char names[256][320];
	size_t nnames;
};

/* Checks one line (without its newline); NULL when it keeps every rule, else why not. */
static const char *nfd_check_line(struct nfd_state *st, const char *raw, char *why,
				  size_t len)
{
	char line[4096];
	size_t n;
	const char *p = raw;

	while (isspace((unsigned char)*p))
		p++;
	snprintf(line, sizeof(line), "%s", p);
	n = strlen(line);
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
	if (n == 0)
		return NULL;
	if (line[0] == '#') {
		if (strncmp(line, "# +", 3) != 0)
			return NULL;
		const char *dir = line + 3;

		if (strcmp(dir, "no-label") == 0 || strcmp(dir, "no-feature") == 0)
			return NULL;
		if (strncmp(dir, "expiry-time=", 12) == 0) {
			struct tm tm;
			long off;
			char stamp[128];

			/* Go trims the value before parsing. */
			snprintf(stamp, sizeof(stamp), "%.100s", dir + 12);
			if (!rfc3339(stamp[0] == ' ' ? stamp + 1 : stamp, &tm, &off)) {
				snprintf(why, len, "expiry-time '%.200s' is no RFC 3339 time", dir + 12);
				return why;
			}
			if (st->labels_seen) {
				snprintf(why, len, "expiry-time after labels: it applies only to "
					 "the lines after it");
				return why;
			}
			st->expiry_seen = true;
			st->expiry = timegm(&tm) - off;
			return NULL;
		}
		snprintf(why, len, "unknown directive '%.200s' (expiry-time=, no-label, no-feature)",
			 dir);
		return why;
	}
	st->labels_seen = true;
	char *eq = strchr(line, '=');
	const char *value = eq ? eq + 1 : "true";

	if (eq)
		*eq = '\0';
	char *slash = strchr(line, '/');

	if (!slash) {
		snprintf(why, len, "'%.200s' has no prefix: nfd-master puts it in "
			 "feature.node.kubernetes.io", line);
		return why;
	}
	if (strchr(slash + 1, '/')) {
		snprintf(why, len, "'%.200s': more than one '/'", line);
		return why;
	}
	size_t plen = (size_t)(slash - line);

	if (!dns_subdomain(line, plen)) {
		snprintf(why, len, "prefix '%.*s' is no DNS subdomain", (int)plen, line);
		return why;
	}
	if ((plen == 13 && strncmp(line, "kubernetes.io", 13) == 0) ||
	    (plen > 14 && strncmp(slash - 14, ".kubernetes.io", 14) == 0)) {
		snprintf(why, len, "prefix '%.*s': NFD refuses kubernetes.io namespaces",
			 (int)plen, line);
		return why;
	}
	if (plen != 13 || strncmp(line, "vadiscover.io", 13) != 0) {
		snprintf(why, len, "prefix '%.*s' is not the project's vadiscover.io", (int)plen,
			 line);
		return why;
	}
	if (!qualified_part(slash + 1, strlen(slash + 1))) {
		snprintf(why, len, "name '%.200s': 1..63 of A-Z a-z 0-9 . _ -, alphanumeric at both "
			 "ends", slash + 1);
		return why;
	}
	if (value[0] && !qualified_part(value, strlen(value))) {
		snprintf(why, len, "value '%.200s': empty or 1..63 of A-Z a-z 0-9 . _ -, "
			 "alphanumeric at both ends", value);
		return why;
	}
	for (size_t i = 0; i < st->nnames; i++) {
		if (strcmp(st->names[i], line) == 0) {
			snprintf(why, len, "'%.200s' twice", line);
			return why;
		}
	}
	if (st->nnames < sizeof(st->names) / sizeof(st->names[0]))
		snprintf(st->names[st->nnames++], sizeof(st->names[0]), "%s", line);
	return NULL;
}

/* Checks a whole file: NULL or the first rule broken (with its line). */
static const char *nfd_check(const char *text, struct nfd_state *st, char *why, size_t len)
{
	char line[4096];

	memset(st, 0, sizeof(*st));
	if (strlen(text) > NFD_MAX_FILE) {
		snprintf(why, len, "%zu bytes: more than NFD's %d", strlen(text), NFD_MAX_FILE);
		return why;
	}
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char what[512];

		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (nfd_check_line(st, line, what, sizeof(what))) {
			snprintf(why, len, "line '%.200s': %.200s", line, what);
			return why;
		}
		l += n + (nl ? 1 : 0);
	}
	return NULL;
}

/* Each line breaks one rule, and the checker says so; the good ones pass. */
START_TEST(checker_catches_each_rule)
{
	static const char *const bad[] = {
		"vadiscover.io/va-encode-av1=true!",	/* value character */
		"vadiscover.io/va-encode-av1=-true",	/* value must start alphanumeric */
		"vadiscover.io/va-devices=" "0123456789012345678901234567890123456789"
		"012345678901234567890123",		/* value of 64 */
		"vadiscover.io/" "va-0123456789012345678901234567890123456789"
		"01234567890123456789a",		/* name part of 64 */
		"vadiscover.io/-va=true",		/* name starts with '-' */
		"vadiscover.io/va encode=true",		/* space in the name */
		"va-devices=5",				/* no prefix */
		"kubernetes.io/va=true",		/* denied namespace */
		"node.kubernetes.io/va=true",		/* denied namespace */
		"Vadiscover.io/va=true",		/* upper case prefix */
		"vadiscover..io/va=true",		/* empty DNS label */
		"example.com/va=true",			/* not the project's namespace */
		"vadiscover.io/a/b=true",		/* two slashes */
		"# +expiry-time=tomorrow",		/* not RFC 3339 */
		"# +expiry-time: 2030-01-01T00:00:00Z",	/* old form: unknown directive */
		"# +expiry=2030-01-01T00:00:00Z",	/* unknown directive */
	};
	static const char *const good[] = {
		"vadiscover.io/va-encode-av1=true", "vadiscover.io/va-devices=128",
		"vadiscover.io/va-decode-vp9_10=true", "vadiscover.io/va-vpp", "  # a comment",
		"", "vadiscover.io/va-driver-iHD=true", "# +expiry-time=2030-01-01T00:00:00Z",
		"# +expiry-time=2030-01-01T00:00:00.5+02:00", "vadiscover.io/x=",
	};
	struct nfd_state st;
	char why[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&st, 0, sizeof(st));
		ck_assert_msg(nfd_check_line(&st, bad[i], why, sizeof(why)) != NULL,
			      "checker passed '%s'", bad[i]);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&st, 0, sizeof(st));
		ck_assert_msg(nfd_check_line(&st, good[i], why, sizeof(why)) == NULL, "'%s': %s",
			      good[i], why);
	}
	/* Whole files: a name twice, an expiry after the labels, a file over 64 KiB. */
	ck_assert_ptr_nonnull(nfd_check("vadiscover.io/a=1\nvadiscover.io/a=2\n", &st, why,
					sizeof(why)));
	ck_assert_ptr_nonnull(nfd_check("vadiscover.io/a=1\n# +expiry-time=2030-01-01T00:00:00Z\n",
					&st, why, sizeof(why)));
	char *big = malloc(NFD_MAX_FILE + 64);
	ck_assert_ptr_nonnull(big);
	memset(big, '#', NFD_MAX_FILE + 1);
	big[NFD_MAX_FILE + 1] = '\0';
	ck_assert_ptr_nonnull(nfd_check(big, &st, why, sizeof(why)));
	free(big);
}
END_TEST

/* ---------------------------------------------------------------------------------- */
/* The command */

struct nfd_run {
	const char *topology;
	bool newer_libdrm;
	const char *has[8], *lacks[4];
};

static const struct nfd_run nfd_runs[] = {
	/* Flex 170 on xe: the PF and 4 VFs, all of DG2's codecs, AV1 encode. */
	{ "xe-sriov", false, { "vadiscover.io/va-devices=5\n", "vadiscover.io/va-vfs=4\n",
	  "vadiscover.io/va-driver-iHD=true\n", "vadiscover.io/va-encode-av1=true\n",
	  "vadiscover.io/va-decode-av1_10=true\n", "vadiscover.io/va-vpp=true\n" },
	  { "va-encode-vc1", "va-driver-xe" } },
	/* Alder Lake: no AV1 encode. */
	{ "adl-sriov-host", false, { "vadiscover.io/va-devices=8\n", "vadiscover.io/va-vfs=7\n",
	  "vadiscover.io/va-decode-av1=true\n", "vadiscover.io/va-encode-hevc10=true\n" },
	  { "va-encode-av1" } },
	/* The NVIDIA card fails VA: one device, Intel's. */
	{ "intel-nvidia", false, { "vadiscover.io/va-devices=1\n", "vadiscover.io/va-vfs=0\n" },
	  { "va-driver-nvidia", "va-decode-vp8" } },
	/* Two VA drivers' codecs add up: the NVIDIA driver decodes VP8. */
	{ "non-pci", false, { "vadiscover.io/va-driver-nvidia=true\n",
	  "vadiscover.io/va-decode-vp8=true\n" }, { "va-encode-" } },
	{ "amd", false, { "vadiscover.io/va-driver-radeonsi=true\n",
	  "vadiscover.io/va-decode-vc1=true\n" }, { "va-vfs=1" } },
	/* No GPU: the counts, nothing else. */
	{ "empty", false, { "vadiscover.io/va-devices=0\n", "vadiscover.io/va-vfs=0\n" },
	  { "va-decode", "va-driver", "va-vpp" } },
	/* 128 devices; with Debian 12's libdrm only the 64 of the fixed range work. */
	{ "flex170x4-sriov", false, { "vadiscover.io/va-devices=64\n",
	  "vadiscover.io/va-vfs=60\n" }, { NULL } },
	{ "flex170x4-sriov", true, { "vadiscover.io/va-devices=128\n",
	  "vadiscover.io/va-vfs=124\n", "vadiscover.io/va-encode-av1=true\n" }, { NULL } },
};

static void run_nfd(const char *topology, bool newer_libdrm, char *const *args,
		    struct th_result *r)
{
	static const char *const env[] = { "FAKEGPU_LIBDRM=names", NULL };
	char *argv[12] = { tool, "nfd" };
	struct th_opts o = { .topology = topology, .env = newer_libdrm ? env : NULL };

	for (size_t i = 0; args && args[i] && i < 9; i++)
		argv[2 + i] = args[i];
	ck_assert_int_eq(th_run(&o, argv, r), 0);
}

static int code(const struct th_result *r)
{
	return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

START_TEST(every_line_keeps_nfd_rules)
{
	const struct nfd_run *t = &nfd_runs[_i];
	struct th_result r;
	struct nfd_state st;
	char why[1024];

	run_nfd(t->topology, t->newer_libdrm, NULL, &r);
	ck_assert_msg(code(&r) == 0, "%s: exit %d: %s", t->topology, code(&r), r.err);
	ck_assert_msg(nfd_check(r.out, &st, why, sizeof(why)) == NULL, "%s: %s\n%s", t->topology,
		      why, r.out);
	ck_assert_msg(!st.expiry_seen, "%s: an expiry without --expiry", t->topology);
	for (size_t i = 0; i < 8 && t->has[i]; i++)
		ck_assert_msg(strstr(r.out, t->has[i]), "%s: no %s in\n%s", t->topology, t->has[i],
			      r.out);
	for (size_t i = 0; i < 4 && t->lacks[i]; i++)
		ck_assert_msg(!strstr(r.out, t->lacks[i]), "%s: %s in\n%s", t->topology,
			      t->lacks[i], r.out);
	th_result_free(&r);
}
END_TEST

/* --write FILE: the same text, 0644, atomically (no temporary file left), and the expiry
 * directive first, --expiry from now. */
START_TEST(write_with_expiry)
{
	char dir[4096], path[4200];
	struct th_result r, printed;
	struct nfd_state st;
	char why[1024];
	struct stat sb;

	snprintf(dir, sizeof(dir), "%s/nfd-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vadiscover", dir);
	/* An older file is replaced whole. */
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("vadiscover.io/stale=true\n", f);
	fclose(f);

	time_t before = time(NULL);
	run_nfd("xe-sriov", false, (char *[]){ "--write", path, "--expiry", "2h", NULL }, &r);
	time_t after = time(NULL);
	ck_assert_msg(code(&r) == 0, "exit %d: %s", code(&r), r.err);
	ck_assert_str_eq(r.out, "");
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0644);
	FILE *in = fopen(path, "r");
	char text[NFD_MAX_FILE + 2] = "";
	size_t n = fread(text, 1, sizeof(text) - 1, in);
	fclose(in);
	text[n] = '\0';
	ck_assert_msg(nfd_check(text, &st, why, sizeof(why)) == NULL, "%s\n%s", why, text);
	ck_assert(st.expiry_seen);
	ck_assert_msg(st.expiry >= before + 7200 && st.expiry <= after + 7200 + 1, "expiry %ld, "
		      "ran %ld..%ld", (long)st.expiry, (long)before, (long)after);
	ck_assert_ptr_null(strstr(text, "stale"));

	/* The same labels as printed. */
	run_nfd("xe-sriov", false, NULL, &printed);
	const char *labels = strstr(text, "vadiscover.io/");
	ck_assert_ptr_nonnull(labels);
	ck_assert_msg(strstr(printed.out, labels), "written:\n%s\nprinted:\n%s", text, printed.out);
	th_result_free(&printed);
	th_result_free(&r);

	/* Nothing else in the directory: the temporary file was renamed. */
	DIR *d = opendir(dir);
	struct dirent *de;
	int entries = 0;
	while ((de = readdir(d)))
		entries += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	ck_assert_int_eq(entries, 1);

	/* --write=FILE works too. */
	char opt[4300];
	snprintf(opt, sizeof(opt), "--write=%s", path);
	run_nfd("empty", false, (char *[]){ opt, NULL }, &r);
	ck_assert_msg(code(&r) == 0, "%s", r.err);
	th_result_free(&r);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* A directory that does not exist: exit 3 and a message that says what is missing; usage
 * errors exit 2. */
START_TEST(errors)
{
	struct th_result r;

	run_nfd("xe-sriov", false, (char *[]){ "--write", "/nonexistent-nfd/features.d/x", NULL },
		&r);
	ck_assert_int_eq(code(&r), 3);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(strstr(r.err, "/nonexistent-nfd/features.d") &&
		      strstr(r.err, "No such file or directory") &&
		      strstr(r.err, "Node Feature Discovery"), "%s", r.err);
	th_result_free(&r);

	static const char *const usage[][2] = {
		{ "--expiry", "0" }, { "--expiry", "5x" }, { "--expiry", "400d" },
		{ "extra", NULL }, { "--frob", NULL },
	};
	for (size_t i = 0; i < sizeof(usage) / sizeof(usage[0]); i++) {
		run_nfd("xe-sriov", false, (char *[]){ (char *)usage[i][0], (char *)usage[i][1],
			NULL }, &r);
		ck_assert_msg(code(&r) == 2, "%s %s: exit %d", usage[i][0], usage[i][1] ? usage[i][1]
			      : "", code(&r));
		ck_assert_str_eq(r.out, "");
		ck_assert_ptr_nonnull(strstr(r.err, "vadiscover: "));
		th_result_free(&r);
	}
}
END_TEST

/* Without a usable libva nothing counts as VA-capable: the file says 0, stderr why. */
START_TEST(no_libva_says_why)
{
	char libpath[4300];
	snprintf(libpath, sizeof(libpath), "LD_LIBRARY_PATH=%s/tests/broken-libva", th_builddir());
	const char *env[] = { libpath, NULL };
	char *argv[] = { tool, "nfd", NULL };
	struct th_opts o = { .topology = "xe-sriov", .env = env };
	struct th_result r;
	struct nfd_state st;
	char why[1024];

	ck_assert_int_eq(th_run(&o, argv, &r), 0);
	ck_assert_int_eq(code(&r), 0);
	ck_assert_msg(nfd_check(r.out, &st, why, sizeof(why)) == NULL, "%s", why);
	ck_assert_msg(strstr(r.out, "vadiscover.io/va-devices=0\n"), "%s", r.out);
	ck_assert_msg(strstr(r.err, "vadiscover: nfd: no usable libva"), "%s", r.err);
	th_result_free(&r);
}
END_TEST

START_TEST(help_teaches)
{
	struct th_result r;

	run_nfd("empty", false, (char *[]){ "--help", NULL }, &r);
	ck_assert_int_eq(code(&r), 0);
	ck_assert_msg(strstr(r.out, "vadiscover.io/va-encode-CODEC") &&
		      strstr(r.out, "/etc/kubernetes/node-feature-discovery/features.d/vadiscover") &&
		      strstr(r.out, "--expiry DURATION"), "%s", r.out);
	th_result_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("nfd");
	TCase *tc = test_case(s, "checker");

	tcase_add_test(tc, checker_catches_each_rule);
	tc = test_case(s, "command");
	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, every_line_keeps_nfd_rules, 0,
			    (int)(sizeof(nfd_runs) / sizeof(nfd_runs[0])));
	tcase_add_test(tc, write_with_expiry);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, no_libva_says_why);
	tcase_add_test(tc, help_teaches);
	return s;
}
