/* Shared by every Check test program: see runner.c. */
#ifndef VAD_TESTS_RUNNER_H
#define VAD_TESTS_RUNNER_H

#include <check.h>
#include <stddef.h>
#include <string.h>

#include "tests/common/harness.h"

/* Each test program defines this, creating its test cases with test_case(). */
Suite *test_suite(void);

/* A new TCase @name added to @s, its name recorded for -l (so each case is named once). */
TCase *test_case(Suite *s, const char *name);

/*
 * Every test goes through test_add(): Check's tcase_add_*test* macros are redefined to it
 * below, so that the runner can list each test (-l) and run one alone (-t NAME). A test is
 * named by its function; each iteration of a loop test also by FUNCTION:I (its _i).
 */
void test_add(TCase *tc, const TTest *t, int signal, int exit_value, int start, int end);

/* A row of a table: the loop test @t with _i = @i alone, named @name (-l, -t). */
void test_add_row(TCase *tc, const TTest *t, int i, const char *name);

#undef tcase_add_test_raise_signal
#define tcase_add_test_raise_signal(tc, t, signal) test_add((tc), (t), (signal), 0, 0, 1)
#undef tcase_add_exit_test
#define tcase_add_exit_test(tc, t, value) test_add((tc), (t), 0, (value), 0, 1)
#undef tcase_add_loop_test
#define tcase_add_loop_test(tc, t, s, e) test_add((tc), (t), 0, 0, (s), (e))
#undef tcase_add_loop_test_raise_signal
#define tcase_add_loop_test_raise_signal(tc, t, signal, s, e) \
	test_add((tc), (t), (signal), 0, (s), (e))
#undef tcase_add_loop_exit_test
#define tcase_add_loop_exit_test(tc, t, value, s, e) test_add((tc), (t), 0, (value), (s), (e))

/* Helpers for the tests that run programs; each fails the test when it cannot do its job. */

/* th_run() of PROGRAM ARGS... (NULL-terminated, at most 62) with @o. */
struct th_result run_program(const struct th_opts *o, const char *program, ...);

/* The exit code of a program that exited (fails the test, showing its stderr, if not). */
int exit_status(const struct th_result *r);

/* The contents of @path, NUL-terminated (free() it); "" when the file does not exist. */
char *slurp(const char *path);

/* A new empty file $TMPDIR/vad-WHAT-XXXXXX (the runner removes $TMPDIR), its path into @buf. */
void tmp_file(char *buf, size_t len, const char *what);

#define assert_contains(hay, needle)                                                       \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "expected \"%s\" in:\n%s", (needle), \
		      (hay))
#define assert_not_contains(hay, needle)                                                   \
	ck_assert_msg(strstr((hay), (needle)) == NULL, "did not expect \"%s\" in:\n%s",     \
		      (needle), (hay))

#endif
