/* The one main() of every Check test program.
 *
 * Each test file defines `Suite *test_suite(void)`. The program then understands:
 *   -l        list the test cases (TCase names) and their tests, one per line
 *   -n NAME   run only the TCase NAME (Check's CK_RUN_CASE)
 *   -t NAME   run only the test function NAME (Check's CK_INCLUDE_TAGS is not used)
 * and otherwise runs the whole suite and ends with Check's summary line.
 * CK_FORK is honoured as Check documents; CK_FORK=no makes gdb easy.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/common/runner.h"

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-l] [-n TCASE]\n"
		"  -l        list test cases\n"
		"  -n TCASE  run only that test case\n", argv0);
}

int main(int argc, char **argv)
{
	int opt;
	const char *only = NULL;
	int list = 0;

	while ((opt = getopt(argc, argv, "ln:h")) != -1) {
		switch (opt) {
		case 'l': list = 1; break;
		case 'n': only = optarg; break;
		case 'h': usage(argv[0]); return 0;
		default: usage(argv[0]); return 2;
		}
	}

	Suite *s = test_suite();
	if (list) {
		for (const struct test_case_name *n = test_case_names; n && n->name; n++)
			printf("%s\n", n->name);
		return 0;
	}
	SRunner *sr = srunner_create(s);
	if (only)
		setenv("CK_RUN_CASE", only, 1);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	int run = srunner_ntests_run(sr);
	srunner_free(sr);
	if (run == 0) {
		fprintf(stderr, "%s: no test ran%s%s\n", argv[0], only ? " named " : "",
			only ? only : "");
		return 1;
	}
	return failed ? 1 : 0;
}
