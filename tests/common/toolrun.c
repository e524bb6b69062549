/* Runs of the vadiscover tool as rows of a table; see toolrun.h. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/common/toolrun.h"

const char *tool_path(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/vadiscover/tool/vadiscover", VAD_TEST_BUILDDIR);
	return path;
}

/* A --root directory: NULL-terminated pairs of path (absolute, as on the machine) and
 * content. The runner gives each test its own TMPDIR and removes it afterwards. */
char *make_root(const char *const *files)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = malloc(4096);

	ck_assert_ptr_nonnull(dir);
	snprintf(dir, 4096, "%s/vad-doctor-root-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (size_t i = 0; files && files[i]; i += 2) {
		char p[8192];

		snprintf(p, sizeof(p), "%s%s", dir, files[i]);
		for (char *s = p + strlen(dir) + 1; *s; s++) {
			if (*s != '/')
				continue;
			*s = '\0';
			ck_assert(mkdir(p, 0755) == 0 || errno == EEXIST);
			*s = '/';
		}
		FILE *f = fopen(p, "w");

		ck_assert_msg(f != NULL, "%s: %s", p, strerror(errno));
		fputs(files[i + 1], f);
		fclose(f);
	}
	return dir;
}

static void set_or_unset(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
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

/* Runs the tool on @t's machine with @t's arguments (@root for FILES_ROOT); its output
 * into @r. */
static void run_tool(const struct tool_run *t, const char *root, struct tool_result *r)
{
	char *argv[TOOL_MAX_ARGS + 1];
	int argc = 0;
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	char count_file[4200];

	/* The runner gives each run its own TMPDIR and removes it afterwards. */
	snprintf(dir, sizeof(dir), "%s/vad-test-tool-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(count_file, sizeof(count_file), "%s/count", dir);

	/* Set in this (forked, per-test) process and inherited by the tool; not through
	 * env(1), so that under check-valgrind valgrind wraps the tool itself. */
	set_or_unset("VADISCOVER_SELECT", t->select_env);
	set_or_unset("LD_LIBRARY_PATH", t->libpath);
	set_or_unset("FAKEGPU_NODE_GID", t->node_gid);
	unsetenv("JELLYFIN_FFMPEG");
	unsetenv("FFMPEG_PATH");
	argv[argc++] = (char *)tool_path();
	for (int i = 0; i < TOOL_MAX_ARGS && t->args[i]; i++)
		argv[argc++] = (char *)(root && strcmp(t->args[i], FILES_ROOT) == 0 ? root
										    : t->args[i]);
	argv[argc] = NULL;

	struct th_opts o = {
		.topology = t->topology,
		.va_lines = t->va,
		.deny = t->deny,
		.count_file = count_file,
		.drivers_dir = t->drivers_dir,
	};
	struct th_result res;
	memset(&res, 0, sizeof(res));
	int ret = th_run(&o, argv, &res);
	ck_assert_msg(ret == 0, "th_run(%s) failed: %d", t->topology, ret);
	r->exit_code = WIFEXITED(res.status) ? WEXITSTATUS(res.status) : -1;
	r->out = strdup(res.out ? res.out : "");
	r->err = strdup(res.err ? res.err : "");
	th_result_free(&res);
	r->inits = count_inits(count_file);
	unlink(count_file);
	rmdir(dir);
}

void tool_result_free(struct tool_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* "TEST: vadiscover pick --json on TOPOLOGY", to name a failing run. */
static const char *run_name(const char *test, const struct tool_run *t)
{
	static char name[512];
	size_t n = (size_t)snprintf(name, sizeof(name), "%s: vadiscover", test);

	for (int i = 0; i < TOOL_MAX_ARGS && t->args[i] && n < sizeof(name); i++)
		n += (size_t)snprintf(name + n, sizeof(name) - n, " %s", t->args[i]);
	if (n < sizeof(name))
		snprintf(name + n, sizeof(name) - n, " on %s", t->topology);
	return name;
}

static void assert_starts(const char *what, const char *name, const char *text,
			  const char *start)
{
	ck_assert_msg(strncmp(text, start, strlen(start)) == 0,
		      "%s: %s does not begin with:\n%s\nit is:\n%s", name, what, start, text);
}

void tool_check_run(const char *test, const struct tool_run *t, const char *root,
		    tool_check_fn *more, struct tool_result *keep)
{
	struct tool_result r;
	const char *name = run_name(test, t);
	char *made = root || !t->files ? NULL : make_root(t->files);

	run_tool(t, root ? root : made, &r);
	if (t->exit != ANY_EXIT)
		ck_assert_msg(r.exit_code == t->exit, "%s: exit %d, not %d; stderr:\n%s", name,
			      r.exit_code, t->exit, r.err);
	if (t->out)
		ck_assert_msg(strcmp(r.out, t->out) == 0, "%s: stdout is\n%s\nnot\n%s", name,
			      r.out, t->out);
	if (t->err)
		ck_assert_msg(strcmp(r.err, t->err) == 0, "%s: stderr is\n%s\nnot\n%s", name,
			      r.err, t->err);
	if (t->inits_check == INITS_EXACTLY)
		ck_assert_msg(r.inits == t->inits, "%s: %d VA driver initialisations, not %d",
			      name, r.inits, t->inits);
	if (t->inits_check == INITS_AT_MOST)
		ck_assert_msg(r.inits <= t->inits, "%s: %d VA driver initialisations, not at "
			      "most %d", name, r.inits, t->inits);
	for (int i = 0; i < TOOL_MAX_HAS && t->out_has[i]; i++)
		ck_assert_msg(strstr(r.out, t->out_has[i]), "%s: expected \"%s\" in stdout:\n%s",
			      name, t->out_has[i], r.out);
	for (int i = 0; i < 4 && t->out_lacks[i]; i++)
		ck_assert_msg(!strstr(r.out, t->out_lacks[i]),
			      "%s: did not expect \"%s\" in stdout:\n%s", name, t->out_lacks[i],
			      r.out);
	for (int i = 0; i < TOOL_MAX_HAS && t->err_has[i]; i++)
		ck_assert_msg(strstr(r.err, t->err_has[i]), "%s: expected \"%s\" in stderr:\n%s",
			      name, t->err_has[i], r.err);
	if (t->out_starts)
		assert_starts("stdout", name, r.out, t->out_starts);
	if (t->err_starts)
		assert_starts("stderr", name, r.err, t->err_starts);
	if (more)
		more(name, t, &r);
	free(made);
	if (keep)
		*keep = r;
	else
		tool_result_free(&r);
}

TCase *tool_test_case(Suite *s, const char *name, const struct tool_test *tests, int n,
		      const TTest *run)
{
	TCase *tc = test_case(s, name);

	/* Each run builds a topology and starts real processes; valgrind makes them slow. */
	tcase_set_timeout(tc, 300);
	for (int i = 0; i < n; i++)
		if (strcmp(tests[i].tcase, name) == 0)
			test_add_row(tc, run, i, tests[i].name);
	return tc;
}
