/* Shared by every Check test program: see runner.c. */
#ifndef VAD_TESTS_RUNNER_H
#define VAD_TESTS_RUNNER_H

#include <check.h>

/* Each test program defines this. */
Suite *test_suite(void);

/* And lists its TCase names (for -l), ending with {NULL}:
 *   const struct test_case_name test_case_names[] = { {"parse"}, {"select"}, {NULL} };
 * TEST_CASES() below is a shorthand. */
struct test_case_name {
	const char *name;
};
extern const struct test_case_name test_case_names[];

#endif
