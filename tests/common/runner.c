/* The one main() of every Check test program.
 *
 * Each test file defines `Suite *test_suite(void)`, making its test cases with
 * test_case(). The program then understands:
 *   -l        list the test cases (TCase names), each followed by its tests, indented
 *   -n CASE   run only the test case CASE (Check's CK_RUN_CASE)
 *   -t TEST   run only the test TEST: a test function, one iteration of a loop test
 *             (FUNCTION:I), or a named row of a table (test_add_row()); may be repeated
 * and otherwise runs the whole suite and ends with Check's summary line.
 * CK_FORK is honoured as Check documents; CK_FORK=no makes gdb easy.
 *
 * Built with VAD_TEST_BUILDDIR (TEST_CFLAGS in tests/build.mk), the program first
 * re-executes itself once with the fake-GPU shim preloaded (after $RUNIN_PRELOAD, e.g.
 * libasan), so tests may th_enter() a topology in-process; with VAD_TEST_VALGRIND=1 that
 * re-execution runs through tests/harness/valgrind-run, under memcheck (errors and definite
 * leaks fail the test). Children the tests start get the original LD_PRELOAD back. VAD_TEST_NO_SHIM=1 skips all of this.
 * TMPDIR is set to a directory of this run's own, removed when the suite ends.
 */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/runner.h"

#ifdef VAD_TEST_BUILDDIR
#define VAD_TEST_SHIM VAD_TEST_BUILDDIR "/tests/harness/libfakegpu.so"

static void append_env(const char *var, const char *sep, const char *value)
{
	const char *old = getenv(var);
	if (!old || !*old) {
		setenv(var, value, 1);
		return;
	}
	size_t n = strlen(old) + strlen(sep) + strlen(value) + 1;
	char *s = malloc(n);
	if (!s)
		return;
	snprintf(s, n, "%s%s%s", old, sep, value);
	setenv(var, s, 1);
	free(s);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* $TMPDIR (else /dev/shm when writable, else /tmp) / vad-test.XXXXXX, made the TMPDIR of
 * this run. */
static void make_test_tmpdir(char *dir, size_t len)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, len, "%s/vad-test.XXXXXX", base);
	if (!mkdtemp(dir)) {
		dir[0] = '\0';
		return;
	}
	setenv("TMPDIR", dir, 1);
}

/* Returns only when the shim is in place (or not wanted), or on failure (-1). */
static int reexec_with_shim(int argc, char **argv)
{
	const char *state = getenv("VAD_TEST_REEXEC");
	if (state) {
		/* Second run: the shim is loaded. Children get the caller's LD_PRELOAD. */
		if (strcmp(state, "had-preload") == 0)
			setenv("LD_PRELOAD", getenv("VAD_TEST_ORIG_PRELOAD") ?
				getenv("VAD_TEST_ORIG_PRELOAD") : "", 1);
		else
			unsetenv("LD_PRELOAD");
		unsetenv("VAD_TEST_REEXEC");
		unsetenv("VAD_TEST_ORIG_PRELOAD");
		return 0;
	}
	const char *no = getenv("VAD_TEST_NO_SHIM");
	if (no && strcmp(no, "1") == 0)
		return 0;

	const char *orig = getenv("LD_PRELOAD");
	if (orig) {
		setenv("VAD_TEST_ORIG_PRELOAD", orig, 1);
		setenv("VAD_TEST_REEXEC", "had-preload", 1);
	} else {
		setenv("VAD_TEST_REEXEC", "no-preload", 1);
	}
	const char *first = getenv("RUNIN_PRELOAD");
	size_t n = (first ? strlen(first) : 0) + strlen(VAD_TEST_SHIM) + (orig ? strlen(orig) : 0) + 3;
	char *preload = malloc(n);
	if (!preload)
		return -1;
	snprintf(preload, n, "%s%s%s%s%s", first && *first ? first : "", first && *first ? ":" : "",
		 VAD_TEST_SHIM, orig && *orig ? ":" : "", orig && *orig ? orig : "");
	setenv("LD_PRELOAD", preload, 1);
	free(preload);
	/* A sanitized test program accepts the shim beside its libasan. */
	append_env("ASAN_OPTIONS", ":", "verify_asan_link_order=0");

	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0) {
		perror("readlink /proc/self/exe");
		return -1;
	}
	exe[len] = '\0';
	const char *vg = getenv("VAD_TEST_VALGRIND");
	if (vg && strcmp(vg, "1") == 0) {
		/* tests/harness/valgrind-run: memcheck's options, and the rule of what runs
		 * under it, in one place. */
		static const char valgrind_run[] = VAD_TEST_SRCDIR "/tests/harness/valgrind-run";
		char **args = calloc((size_t)argc + 4, sizeof(char *));
		if (!args)
			return -1;
		args[0] = (char *)"sh";
		args[1] = (char *)valgrind_run;
		args[2] = (char *)VAD_TEST_BUILDDIR;
		args[3] = exe;
		for (int i = 1; i < argc; i++)
			args[3 + i] = argv[i];
		if (!getenv("CK_TIMEOUT_MULTIPLIER"))
			setenv("CK_TIMEOUT_MULTIPLIER", "10", 1);
		execv("/bin/sh", args);
		perror("/bin/sh");
		free(args);
		return -1;
	}
	execv(exe, argv);
	perror(exe);
	return -1;
}
#endif

/* The test cases test_case() made, in order; the tests added to them, for -l. */
#define MAX_TEST_CASES 64
static struct {
	TCase *tc;
	const char *name;
} cases[MAX_TEST_CASES];
static size_t n_cases;
static struct test_name {
	size_t tcase;
	char *name;
} *test_names;
static size_t n_test_names;

/* The selection: -l (list, run nothing), -t NAME... */
static int listing;
#define MAX_SELECTED 16
static const char *selected[MAX_SELECTED];
static size_t n_selected;

TCase *test_case(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	/* Check's default of 4 s is no margin for a test that takes 2 s alone in a sanitized
	 * build while other test programs share the CPUs: a minute still catches a hang. A
	 * case that needs more sets its own after this. */
	tcase_set_timeout(tc, 60);
	if (n_cases == MAX_TEST_CASES) {
		fprintf(stderr, "more than %d test cases: raise MAX_TEST_CASES\n", MAX_TEST_CASES);
		abort();
	}
	cases[n_cases].tc = tc;
	cases[n_cases++].name = name;
	suite_add_tcase(s, tc);
	return tc;
}

static size_t case_index(TCase *tc)
{
	for (size_t i = 0; i < n_cases; i++)
		if (cases[i].tc == tc)
			return i;
	fprintf(stderr, "a test added to a test case not made by test_case()\n");
	abort();
}

/* Records @name (printf-like) as a test of @tc, for -l. */
__attribute__((format(printf, 2, 3)))
static void list_test(TCase *tc, const char *fmt, ...)
{
	va_list ap;
	char *name;
	struct test_name *n = realloc(test_names, (n_test_names + 1) * sizeof(*n));

	va_start(ap, fmt);
	if (!n || vasprintf(&name, fmt, ap) < 0) {
		perror("listing the tests");
		abort();
	}
	va_end(ap);
	test_names = n;
	test_names[n_test_names].tcase = case_index(tc);
	test_names[n_test_names++].name = name;
}

static bool is_selected(const char *name)
{
	if (n_selected == 0)
		return true;
	for (size_t i = 0; i < n_selected; i++)
		if (strcmp(selected[i], name) == 0)
			return true;
	return false;
}

void test_add(TCase *tc, const TTest *t, int signal, int exit_value, int start, int end)
{
	if (listing) {
		if (start == 0 && end == 1)
			list_test(tc, "%s", t->name);
		else
			for (int i = start; i < end; i++)
				list_test(tc, "%s:%d", t->name, i);
		return;
	}
	if (is_selected(t->name)) {
		_tcase_add_test(tc, t, signal, exit_value, start, end);
		return;
	}
	for (int i = start; i < end; i++) {
		char name[512];

		snprintf(name, sizeof(name), "%s:%d", t->name, i);
		if (is_selected(name))
			_tcase_add_test(tc, t, signal, exit_value, i, i + 1);
	}
}

void test_add_row(TCase *tc, const TTest *t, int i, const char *name)
{
	if (listing)
		list_test(tc, "%s", name);
	else if (is_selected(name) || is_selected(t->name))
		_tcase_add_test(tc, t, 0, 0, i, i + 1);
}

/* -l: each test case (only @only when given), and its tests. */
static void list_tests(const char *only)
{
	for (size_t c = 0; c < n_cases; c++) {
		if (only && strcmp(only, cases[c].name) != 0)
			continue;
		printf("%s\n", cases[c].name);
		for (size_t i = 0; i < n_test_names; i++)
			if (test_names[i].tcase == c)
				printf("  %s\n", test_names[i].name);
	}
	for (size_t i = 0; i < n_test_names; i++)
		free(test_names[i].name);
	free(test_names);
}

struct th_result run_program(const struct th_opts *o, const char *program, ...)
{
	char *argv[64];
	int n = 0;
	va_list ap;
	struct th_result r;

	argv[n++] = (char *)program;
	va_start(ap, program);
	while ((argv[n] = va_arg(ap, char *)) != NULL) {
		ck_assert_int_lt(n, 62);
		n++;
	}
	va_end(ap);
	ck_assert_int_eq(th_run(o, argv, &r), 0);
	return r;
}

int exit_status(const struct th_result *r)
{
	ck_assert_msg(WIFEXITED(r->status), "not exited: status 0x%x; stderr:\n%s", r->status,
		      r->err);
	return WEXITSTATUS(r->status);
}

char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL, chunk[4096];
	size_t len = 0, n;
	FILE *m = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(m);
	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	if (f)
		fclose(f);
	fclose(m);
	return buf;
}

void tmp_file(char *buf, size_t len, const char *what)
{
	const char *t = getenv("TMPDIR");

	snprintf(buf, len, "%s/vad-%s-XXXXXX", t && *t ? t : "/tmp", what);
	int fd = mkostemp(buf, O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-l] [-n CASE] [-t TEST]...\n"
		"  -l        list the test cases, each followed by its tests\n"
		"  -n CASE   run only that test case\n"
		"  -t TEST   run only that test: a function, FUNCTION:I for one iteration of a\n"
		"            loop test, or a table's row by name (as -l lists them)\n", argv0);
}

int main(int argc, char **argv)
{
	int opt;
	const char *only = NULL;

#ifdef VAD_TEST_BUILDDIR
	if (reexec_with_shim(argc, argv) < 0)
		return 1;
#endif

	while ((opt = getopt(argc, argv, "ln:t:h")) != -1) {
		switch (opt) {
		case 'l': listing = 1; break;
		case 'n': only = optarg; break;
		case 't':
			if (n_selected == MAX_SELECTED) {
				fprintf(stderr, "%s: at most %d -t\n", argv[0], MAX_SELECTED);
				return 2;
			}
			selected[n_selected++] = optarg;
			break;
		case 'h': usage(argv[0]); return 0;
		default: usage(argv[0]); return 2;
		}
	}
	if (optind < argc) {
		usage(argv[0]);
		return 2;
	}

	SRunner *sr = srunner_create(test_suite());
	if (listing) {
		list_tests(only);
		srunner_free(sr);
		return 0;
	}
	if (only)
		setenv("CK_RUN_CASE", only, 1);
#ifdef VAD_TEST_BUILDDIR
	/* Every temporary tree of this run (run-in's, th_enter's) goes below one directory
	 * removed at the end: a failed assertion _exit()s the test before th_leave(). */
	char tmp[4096] = "";
	make_test_tmpdir(tmp, sizeof(tmp));
#endif
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	int run = srunner_ntests_run(sr);
	srunner_free(sr);
#ifdef VAD_TEST_BUILDDIR
	if (tmp[0])
		nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
#endif
	if (run == 0) {
		fprintf(stderr, "%s: no test ran%s%s%s%s (-l lists them)\n", argv[0],
			only ? " in the case " : "", only ? only : "",
			n_selected ? " named " : "", n_selected ? selected[0] : "");
		return 1;
	}
	return failed ? 1 : 0;
}
