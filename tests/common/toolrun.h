/*
 * Runs of the vadiscover tool under the fake-GPU harness as rows of a table, for the
 * tests of its commands (test-tool.c, test-doctor.c): a row names the machine, the
 * arguments and what must come out; tool_check_run() runs it and asserts all of it.
 * Linked as $(B)/tests/common/toolrun.o by the tests that use it (tests/build.mk).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef VAD_TESTS_TOOLRUN_H
#define VAD_TESTS_TOOLRUN_H

#include <check.h>
#include <stdbool.h>

#define TOOL_MAX_ARGS 16
#define TOOL_MAX_HAS 16
/* A row's exit code when it is not checked. */
#define ANY_EXIT (-2)
/* In a row's arguments: the --root directory made from the row's files. */
#define FILES_ROOT "@FILES@"

enum inits_check { INITS_ANY, INITS_EXACTLY, INITS_AT_MOST };
#define INITS(n) .inits = (n), .inits_check = INITS_EXACTLY
#define INITS_LE(n) .inits = (n), .inits_check = INITS_AT_MOST

struct tool_run {
	/* the machine */
	const char *topology;
	const char *const *va;	  /* --va lines, NULL-terminated, or NULL */
	const char *deny;
	const char *select_env;	  /* VADISCOVER_SELECT for this run, or NULL (unset) */
	const char *libpath;	  /* LD_LIBRARY_PATH for this run, or NULL (unset) */
	const char *drivers_dir;  /* LIBVA_DRIVERS_PATH, NULL: the harness's fake drivers */
	const char *node_gid;	  /* FAKEGPU_NODE_GID, NULL: the shim's default (993) */
	const char *const *files; /* FILES_ROOT's files: make_root() */
	const char *args[TOOL_MAX_ARGS]; /* the tool's arguments */
	/* what it must give */
	int exit;		/* its exit code (ANY_EXIT: not checked) */
	const char *out, *err;	/* stdout, stderr exactly (NULL: not checked) */
	int inits;		/* VA driver initialisations, as inits_check says */
	enum inits_check inits_check;
	const char *out_has[TOOL_MAX_HAS], *out_lacks[4], *err_has[TOOL_MAX_HAS];
	const char *out_starts, *err_starts; /* stdout, stderr begin with this */
	/* what the test program's own check (tool_check_run()'s @more) asserts */
	bool json;		/* test-tool: stdout is one valid JSON document */
	const char *norm_starts, *norm_out; /* test-tool: stdout, normalized, begins with, is */
	const char *golden;	/* test-tool: stdout, normalized, is that golden file */
	struct {
		const char *id, *text;
	} blocks[6];		/* test-doctor: the lines of check ID are TEXT */
	const char *statuses;	/* test-doctor: the status and id of each check line */
	const char *script;	/* test-doctor: python3 -c SCRIPT reads stdout, succeeds, */
	const char *script_out; /* prints exactly this, */
	const char *script_has; /* or this among the rest */
};

/* What a run gave. */
struct tool_result {
	int exit_code;		/* -1 when it did not exit normally */
	int inits;		/* VA driver initialisations (the fake driver's count file) */
	char *out;
	char *err;
};

/* A test: its runs, one after the other, in one Check test of the case TCASE. */
struct tool_test {
	const char *tcase;
	const char *name;
	const struct tool_run *runs; /* ending with one without a topology */
};
#define RUNS(...) ((const struct tool_run[]){__VA_ARGS__, {.topology = NULL}})

/* Asserts what only the test program knows how to check; @name names the run. */
typedef void tool_check_fn(const char *name, const struct tool_run *t,
			   const struct tool_result *r);

/* Runs the tool as @t says, with @root for FILES_ROOT (NULL: a root made of @t->files),
 * asserts all that @t expects and what @more (if given) does; failures name @test. With
 * @keep the output stays in it for more checks (tool_result_free() it). */
void tool_check_run(const char *test, const struct tool_run *t, const char *root,
		    tool_check_fn *more, struct tool_result *keep);
void tool_result_free(struct tool_result *r);

/* A new test case @name of @s (test_case()), with a timeout fit for real processes under
 * valgrind, holding a Check test for each entry of @tests (@n of them) in case @name: the
 * loop test @run with _i that entry's index, named by the entry's name (the test
 * program's -t NAME runs that entry alone, -l lists them). */
TCase *tool_test_case(Suite *s, const char *name, const struct tool_test *tests, int n,
		      const TTest *run);

/* The vadiscover binary of this build. */
const char *tool_path(void);

/* A new directory under $TMPDIR (freed by the caller; the runner removes $TMPDIR) with
 * @files, NULL-terminated pairs of a path (absolute, as on the machine) and its text. */
char *make_root(const char *const *files);

#endif
