/* Shared by every Check test program: see runner.c. */
#ifndef VAD_TESTS_RUNNER_H
#define VAD_TESTS_RUNNER_H

#include <check.h>

/* Each test program defines this, creating its test cases with test_case(). */
Suite *test_suite(void);

/* A new TCase @name added to @s, its name recorded for -l (so each case is named once). */
TCase *test_case(Suite *s, const char *name);

#endif
