/* The fake-GPU harness for Check tests: see harness.h. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/harness.h"
#include "tests/harness/topology.h"

#ifndef VAD_TEST_BUILDDIR
#error "VAD_TEST_BUILDDIR must be defined by the build (TEST_CFLAGS in tests/build.mk)"
#endif
#ifndef VAD_TEST_SRCDIR
#error "VAD_TEST_SRCDIR must be defined by the build (TEST_CFLAGS in tests/build.mk)"
#endif

const char *th_builddir(void)
{
	return VAD_TEST_BUILDDIR;
}

const char *th_srcdir(void)
{
	return VAD_TEST_SRCDIR;
}

/* The variables the harness gives a process. */
static const char *const harness_vars[] = {
	"FAKEGPU_ROOT", "FAKEVA_CONFIG", "FAKEGPU_DENY", "FAKEGPU_VANISH", "FAKEGPU_TRACE",
	"FAKEVA_COUNT", "VADISCOVER_CACHE_DIR", "VADISCOVER_PROBE_HELPER", NULL,
};

/* LD_PRELOAD as it was before th_enter() (which adds the shim for the library's children). */
static char preload_orig[4200];
static int preload_had, preload_saved;

struct buf {
	char *data;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static void child_exec(const struct th_opts *o, char *const argv[])
{
	for (const char *const *v = harness_vars; *v; v++)
		unsetenv(*v);
	for (const char *const *e = o->env; e && *e; e++)
		putenv((char *)*e);
	if (!o->topology) {
		execvp(argv[0], argv);
		fprintf(stderr, "th_run: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	size_t n = 0, nva = 0;
	while (argv[n])
		n++;
	for (const char *const *l = o->va_lines; l && *l; l++)
		nva++;
	char **args = calloc(n + 2 * nva + 20, sizeof(char *));
	char runin[4096];
	if (!args)
		_exit(127);
	snprintf(runin, sizeof(runin), "%s/tests/harness/run-in", th_srcdir());
	size_t i = 0;
	args[i++] = (char *)"sh";
	args[i++] = runin;
	args[i++] = (char *)"--build";
	args[i++] = (char *)th_builddir();
	if (o->keep_dir) {
		args[i++] = (char *)"--keep";
		args[i++] = (char *)o->keep_dir;
		args[i++] = (char *)"--reuse";
	}
	for (const char *const *l = o->va_lines; l && *l; l++) {
		args[i++] = (char *)"--va";
		args[i++] = (char *)*l;
	}
#define OPT(flag, val) if (val) { args[i++] = (char *)flag; args[i++] = (char *)(val); }
	OPT("--deny", o->deny);
	OPT("--vanish", o->vanish);
	OPT("--trace", o->trace_file);
	OPT("--count", o->count_file);
	OPT("--drivers", o->drivers_dir);
#undef OPT
	args[i++] = (char *)o->topology;
	args[i++] = (char *)"--";
	for (size_t j = 0; j < n; j++)
		args[i++] = argv[j];
	args[i] = NULL;
	execv("/bin/sh", args);
	fprintf(stderr, "th_run: /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

int th_run(const struct th_opts *o, char *const argv[], struct th_result *r)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, in[2] = { -1, -1 };
	int ret = 0;
	memset(r, 0, sizeof(*r));
	if (!argv || !argv[0])
		return -EINVAL;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    (o->stdin_data && pipe2(in, O_CLOEXEC) < 0)) {
		ret = -errno;
		goto fail;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto fail;
	}
	if (pid == 0) {
		/* If the test dies (Check's timeout kills it), run-in dies with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(o->stdin_data ? in[0] : devnull, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		child_exec(o, argv);
	}
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	if (in[0] >= 0) {
		close(in[0]);
		in[0] = -1;
		fcntl(in[1], F_SETFL, O_NONBLOCK);
	}
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);

	struct buf bo = { 0 }, be = { 0 };
	buf_add(&bo, "", 0);
	buf_add(&be, "", 0);
	const char *pending = o->stdin_data;
	size_t left = pending ? strlen(pending) : 0;
	if (in[1] >= 0 && left == 0) {
		close(in[1]);
		in[1] = -1;
	}
	while (out[0] >= 0 || err[0] >= 0) {
		struct pollfd p[3] = {
			{ .fd = out[0], .events = POLLIN }, { .fd = err[0], .events = POLLIN },
			{ .fd = in[1], .events = POLLOUT },
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 2; k++) {
			int *fd = k == 0 ? &out[0] : &err[0];
			struct buf *b = k == 0 ? &bo : &be;
			if (*fd < 0 || !(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char chunk[8192];
			ssize_t n = read(*fd, chunk, sizeof(chunk));
			if (n > 0)
				buf_add(b, chunk, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(*fd);
				*fd = -1;
			}
		}
		if (in[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(in[1], pending, left);
			if (n > 0) {
				pending += n;
				left -= (size_t)n;
			}
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || left == 0) {
				close(in[1]);
				in[1] = -1;
			}
		}
	}
	if (in[1] >= 0)
		close(in[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
	r->out = bo.data;
	r->err = be.data;
	return 0;
fail:
	for (int k = 0; k < 2; k++) {
		if (out[k] >= 0) close(out[k]);
		if (err[k] >= 0) close(err[k]);
		if (in[k] >= 0) close(in[k]);
	}
	return ret;
}

void th_result_free(struct th_result *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

static void set_or_unset(const char *var, const char *value)
{
	if (value)
		setenv(var, value, 1);
	else
		unsetenv(var);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The tree th_enter() built, removed at exit if th_leave() never ran (a failed
 * assertion ends a Check test with exit()). Only by the process that built it. */
static char entered_dir[4096];
static pid_t entered_pid;

static void leave_at_exit(void)
{
	if (entered_dir[0] && entered_pid == getpid())
		remove_tree(entered_dir);
}

/* FAKEGPU_DENY's syntax, NODE[:EACCES|:EPERM][,...], checked as run-in checks --deny. */
static bool deny_valid(const char *deny)
{
	while (deny && *deny) {
		const char *end = strchr(deny, ',');
		size_t l = end ? (size_t)(end - deny) : strlen(deny);
		const char *colon = memchr(deny, ':', l);
		if (colon) {
			size_t el = l - (size_t)(colon + 1 - deny);
			if (!(el == 6 && strncmp(colon + 1, "EACCES", 6) == 0) &&
			    !(el == 5 && strncmp(colon + 1, "EPERM", 5) == 0)) {
				fprintf(stderr, "th_enter: deny: '%.*s': ERRNO is EACCES or EPERM\n",
					(int)l, deny);
				return false;
			}
		}
		deny = end ? end + 1 : NULL;
	}
	return true;
}

int th_enter(const struct th_opts *o, char *dir, size_t dirlen)
{
	const struct topology *t = o && o->topology ? topology_find(o->topology) : NULL;
	char path[4096], conf[4200], err[512];
	int ret;
	if (!t)
		return -ENOENT;
	if (!deny_valid(o->deny))
		return -EINVAL;
	/* Without the shim this process would see the host's /sys and /dev/dri. */
	if (!dlsym(RTLD_DEFAULT, "fakegpu_shim_loaded")) {
		fprintf(stderr, "th_enter: libfakegpu.so is not preloaded (VAD_TEST_NO_SHIM?)\n");
		return -ENOSYS;
	}
	/* Like run-in: $TMPDIR, else tmpfs (/dev/shm) when writable, else /tmp. */
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(path, sizeof(path), "%s/vad-topo.XXXXXX", tmp);
	if (!mkdtemp(path))
		return -errno;
	if ((size_t)snprintf(dir, dirlen, "%s", path) >= dirlen) {
		remove_tree(path);
		return -ENAMETOOLONG;
	}
	/* Build with the shim out of the way (a previous th_enter() without th_leave()). */
	unsetenv("FAKEGPU_ROOT");
	ret = topology_build(t, path, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "th_enter: %s: %s\n", t->name, err);
		remove_tree(path);
		return ret;
	}
	snprintf(conf, sizeof(conf), "%s/fakeva.conf", path);
	FILE *f = fopen(conf, "we");
	if (!f) {
		ret = -errno;
		remove_tree(path);
		return ret;
	}
	for (const char *const *l = o->va_lines; l && *l; l++)
		fprintf(f, "%s\n", *l);
	fprintf(f, "%s", t->va_conf ? t->va_conf : "");
	if (fclose(f) != 0) {
		ret = -errno;
		remove_tree(path);
		return ret;
	}
	char drivers[4200];
	if (o->drivers_dir)
		snprintf(drivers, sizeof(drivers), "%s", o->drivers_dir);
	else
		snprintf(drivers, sizeof(drivers), "%s/tests/harness/dri", th_builddir());
	static int registered;
	if (!registered && atexit(leave_at_exit) == 0)
		registered = 1;
	snprintf(entered_dir, sizeof(entered_dir), "%s", path);
	entered_pid = getpid();
	setenv("FAKEGPU_ROOT", path, 1);
	setenv("FAKEVA_CONFIG", conf, 1);
	setenv("LIBVA_DRIVERS_PATH", drivers, 1);
	set_or_unset("FAKEGPU_DENY", o->deny);
	set_or_unset("FAKEGPU_VANISH", o->vanish);
	set_or_unset("FAKEGPU_TRACE", o->trace_file);
	set_or_unset("FAKEVA_COUNT", o->count_file);
	char cache[4200], helper[4200];
	snprintf(cache, sizeof(cache), "%s/vadiscover-cache", path);
	snprintf(helper, sizeof(helper), "%s/vadiscover/vadiscover-probe", th_builddir());
	setenv("VADISCOVER_CACHE_DIR", cache, 1);
	setenv("VADISCOVER_PROBE_HELPER", helper, 1);
	/* The library's probe helper is a child that must see the same machine: the shim
	 * preloaded in this process is preloaded in children too until th_leave(). */
	if (!preload_saved) {
		const char *p = getenv("LD_PRELOAD");

		preload_had = p != NULL;
		snprintf(preload_orig, sizeof(preload_orig), "%s", p ? p : "");
		preload_saved = 1;
	}
	{
		const char *first = getenv("RUNIN_PRELOAD");
		char preload[3 * 4200];

		snprintf(preload, sizeof(preload), "%s%s%s/tests/harness/libfakegpu.so%s%s",
			 first && *first ? first : "", first && *first ? ":" : "", th_builddir(),
			 preload_orig[0] ? ":" : "", preload_orig);
		setenv("LD_PRELOAD", preload, 1);
	}
	unsetenv("DISPLAY");
	unsetenv("WAYLAND_DISPLAY");
	unsetenv("LIBVA_DRIVER_NAME");
	return 0;
}

void th_leave(const char *dir)
{
	for (const char *const *v = harness_vars; *v; v++)
		unsetenv(*v);
	if (preload_saved) {
		if (preload_had)
			setenv("LD_PRELOAD", preload_orig, 1);
		else
			unsetenv("LD_PRELOAD");
		preload_saved = 0;
	}
	unsetenv("LIBVA_DRIVERS_PATH");
	if (dir && *dir)
		remove_tree(dir);
	if (dir && strcmp(dir, entered_dir) == 0)
		entered_dir[0] = '\0';
}

int th_count_lines(const char *file, const char *substring)
{
	FILE *f = fopen(file, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	while (getline(&line, &cap, f) >= 0)
		if (!substring || strstr(line, substring))
			n++;
	free(line);
	fclose(f);
	return n;
}
