/*
 * The probe in a separate process: the helper program vadiscover-probe (probe-helper.c)
 * probes one node and writes the result to a pipe; a crash or a hang of the VA driver
 * costs the helper, never the caller. Why this way is argued in vadiscover.h ("Isolated
 * probes").
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vadiscover/vad-private.h"

extern char **environ;

/* The helper writes at most a few stage lines and one record. */
#define VAD_PIPE_MAX (VAD_RECORD_VENDOR_MAX + VAD_RECORD_DRIVER_MAX + VAD_RECORD_ERROR_MAX + \
		      2 * VAD_FILES_MAX + 1024)
#define VAD_TIMEOUT_DEFAULT 10
#define VAD_TIMEOUT_MAX 3600
/* A helper that waited for a CPU gets that time back, up to this many deadlines in all. */
#define VAD_STARVED_FACTOR 3

int vad_set_probe_mode(struct vad_context *ctx, unsigned int mode)
{
	if (!ctx || (mode & ~(unsigned int)(VAD_PROBE_IN_PROCESS | VAD_PROBE_ISOLATED |
					     VAD_PROBE_CACHE)) ||
	    !(mode & (VAD_PROBE_IN_PROCESS | VAD_PROBE_ISOLATED)))
		return -EINVAL;
	ctx->probe_mode = mode;
	return 0;
}

unsigned int vad_get_probe_mode(const struct vad_context *ctx)
{
	return ctx ? ctx->probe_mode : 0;
}

int vad_set_probe_helper(struct vad_context *ctx, const char *path)
{
	char *copy = NULL;

	if (!ctx || (path && path[0] != '/'))
		return -EINVAL;
	if (path) {
		copy = strdup(path);
		if (!copy)
			return -ENOMEM;
	}
	free(ctx->probe_helper);
	ctx->probe_helper = copy;
	return 0;
}

int vad_set_probe_helper_beside_program(struct vad_context *ctx)
{
	char exe[PATH_MAX + 32];
	ssize_t n;
	char *slash;

	if (!ctx)
		return -EINVAL;
	n = readlink("/proc/self/exe", exe, PATH_MAX);
	if (n <= 0 || n >= PATH_MAX)
		return -ENOENT;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	strcpy(slash + 1, "vadiscover-probe");
	if (access(exe, X_OK) != 0)
		return -ENOENT;
	return vad_set_probe_helper(ctx, exe);
}

const char *vad__probe_helper_path(const struct vad_context *ctx)
{
	const char *env = secure_getenv("VADISCOVER_PROBE_HELPER");

	return env && env[0] == '/' ? env
	       : ctx->probe_helper ? ctx->probe_helper : VAD_PROBE_HELPER_PATH;
}

const char *vad__probe_helper(const struct vad_context *ctx)
{
	const char *path = vad__probe_helper_path(ctx);

	return access(path, X_OK) == 0 ? path : NULL;
}

/* VADISCOVER_PROBE_TIMEOUT: whole seconds, 1..3600; anything else is the default. */
static int probe_timeout(void)
{
	const char *env = secure_getenv("VADISCOVER_PROBE_TIMEOUT");
	char *end;
	long v;

	if (!env || !*env)
		return VAD_TIMEOUT_DEFAULT;
	errno = 0;
	v = strtol(env, &end, 10);
	if (errno || *end || v < 1 || v > VAD_TIMEOUT_MAX)
		return VAD_TIMEOUT_DEFAULT;
	return (int)v;
}

long long vad__probe_max_ms(void)
{
	return (long long)probe_timeout() * 1000 * VAD_STARVED_FACTOR;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What a helper run left: its output, how it ended. */
struct vad_run {
	char buf[VAD_PIPE_MAX + 1];
	size_t len;
	bool overflow;
	bool timed_out;
	bool starved;		/* timed out at the hard limit, still owed time it lost waiting */
	long long waited_ms;	/* how long it waited for a CPU (run queue), as far as known */
	bool reaped;
	int status;		/* waitpid() status when reaped */
};

/* How long the helper @pid waited for a CPU since it started, in ms: the largest run queue
 * delay of its threads (/proc/PID/task/TID/schedstat, second field, ns); 0 when the kernel
 * does not tell (no CONFIG_SCHED_INFO). */
static long long starved_ms(pid_t pid)
{
	char path[64];
	long long most = 0;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char file[sizeof(path) + sizeof(e->d_name) + 16], line[128];
		unsigned long long run, delay;
		ssize_t n;
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(file, sizeof(file), "%s/%s/schedstat", path, e->d_name);
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, line, sizeof(line) - 1);
		close(fd);
		if (n <= 0)
			continue;
		line[n] = '\0';
		if (sscanf(line, "%llu %llu", &run, &delay) == 2 &&
		    (long long)(delay / 1000000) > most)
			most = (long long)(delay / 1000000);
	}
	closedir(d);
	return most;
}

/* Read the pipe until EOF or the deadline; then reap the helper, killing its process group
 * when the deadline passes first. The deadline is @timeout_ms after @start, plus the time
 * the helper waited for a CPU (a busy machine slows a driver down; it does not hang it),
 * and never more than VAD_STARVED_FACTOR deadlines. */
static void run_wait(pid_t pid, int fd, long long start, long long timeout_ms,
			 struct vad_run *run)
{
	long long deadline = start + timeout_ms, hard = start + timeout_ms * VAD_STARVED_FACTOR;
	bool eof = false;

	for (;;) {
		long long now = now_ms(), left = deadline - now;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n;

		/* A helper waited for after others may have answered long before: what is in
		 * the pipe counts, whatever the time. */
		if (left <= 0 && !eof && poll(&p, 1, 0) > 0)
			left = 0;
		else if (left <= 0 && !eof) {
			long long waited = starved_ms(pid), want = start + timeout_ms + waited;

			run->waited_ms = waited;
			if (want > now && now < hard) {
				deadline = want < hard ? want : hard;
				continue;
			}
			run->timed_out = true;
			run->starved = want > now;
			break;
		}
		if (eof)
			break;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			run->timed_out = true;	/* cannot wait: end it */
			break;
		}
		if (n == 0)
			continue;
		if (run->len < VAD_PIPE_MAX) {
			ssize_t got = read(fd, run->buf + run->len, VAD_PIPE_MAX - run->len);

			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got <= 0)
				eof = true;
			else
				run->len += (size_t)got;
		} else {
			char sink[256];
			ssize_t got = read(fd, sink, sizeof(sink));

			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got <= 0)
				eof = true;
			else
				run->overflow = true;
		}
	}
	run->buf[run->len] = '\0';

	/* The pipe closed: the helper is ending. Wait for it, still within the deadline (a
	 * helper waited for after others gets a moment past it to end). */
	if (!run->timed_out && deadline < now_ms() + 1000)
		deadline = now_ms() + 1000;
	while (!run->timed_out) {
		pid_t w = waitpid(pid, &run->status, WNOHANG);

		if (w == pid) {
			run->reaped = true;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;	/* ECHILD: the caller reaps children itself (SIGCHLD ignored) */
		if (now_ms() >= deadline) {
			run->timed_out = true;
			break;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	if (run->timed_out) {
		/* The helper and anything it started: its own process group. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &run->status, 0) < 0 && errno == EINTR)
			;
		run->reaped = false;
	}
}

/* The lines before the record: "stage NAME" (the last one into @stage, "start" when none)
 * and "file PATH" (appended to @va's driver files). Returns where the record starts;
 * -ENOMEM through *@r. */
static const char *notes(const struct vad_run *run, struct vad__va *va, char *stage,
			     size_t len, int *r)
{
	const char *p = run->buf, *end = run->buf + run->len;

	*r = 0;
	snprintf(stage, len, "start");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n;

		if (!nl)
			break;
		n = (size_t)(nl - p);
		if (strncmp(p, "stage ", 6) == 0) {
			if (n - 6 < len) {
				memcpy(stage, p + 6, n - 6);
				stage[n - 6] = '\0';
			}
		} else if (strncmp(p, "file /", 6) == 0 && n - 5 < VAD_PATH_MAX &&
			   !memchr(p, '\0', n)) {
			size_t old = va->files ? strlen(va->files) : 0;
			char *f;

			if (old + n - 5 + 2 <= VAD_FILES_MAX) {
				f = realloc(va->files, old + n - 5 + 2);
				if (!f) {
					*r = -ENOMEM;
					return p;
				}
				memcpy(f + old, p + 5, n - 5);
				f[old + n - 5] = '\n';
				f[old + n - 4] = '\0';
				va->files = f;
			}
		} else {
			break;
		}
		p = nl + 1;
	}
	return p;
}

/* Fail @va with @status and a reason; returns the status. */
static int iso_fail(struct vad__va *va, int status, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
static int iso_fail(struct vad__va *va, int status, const char *format, ...)
{
	va_list args;
	char *s = NULL;

	free(va->vendor);
	free(va->driver);
	free(va->error);
	va->vendor = va->driver = va->error = NULL;
	va->decode = va->encode = 0;
	va->vpp = false;
	va->open_failed = false;
	va_start(args, format);
	if (vasprintf(&s, format, args) < 0)
		s = NULL;
	va_end(args);
	if (!s)
		return va->status = -ENOMEM;
	va->error = s;
	return va->status = status;
}

/* Start the helper for @dev: its pid and the read end of its pipe (O_CLOEXEC). 0 or
 * -errno (no pipe, no descriptor, posix_spawn() failed). */
static int iso_spawn(struct vad_context *ctx, const struct vad_device *dev, const char *helper,
		     const char *force, const char *dir, int timeout, pid_t *pid, int *out)
{
	const char *node = vad_device_get_node(dev);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	char *argv[16], parent[24], limit[24];
	int fds[2], argc = 0, r, wfd;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	/* The write end becomes the helper's fd 3: it must not be 0..2 (a caller that closed
	 * stdin gets those from pipe2(), and the child opens /dev/null onto them first), nor
	 * 3 itself (dup2() onto itself would keep O_CLOEXEC). */
	wfd = fds[1];
	if (wfd <= 3) {
		wfd = fcntl(fds[1], F_DUPFD_CLOEXEC, 4);
		close(fds[1]);
		if (wfd < 0) {
			r = -errno;
			close(fds[0]);
			return r;
		}
	}

	argv[argc++] = (char *)helper;
	if (dir) {
		argv[argc++] = (char *)"--libva-dir";
		argv[argc++] = (char *)dir;
	}
	if (force) {
		argv[argc++] = (char *)"--driver";
		argv[argc++] = (char *)force;
	}
	/* The kernel driver: libva's choice of VA driver, and the reason for a missing one
	 * (vadriver.c), depend on it. */
	if (dev->kernel_driver) {
		argv[argc++] = (char *)"--kernel-driver";
		argv[argc++] = dev->kernel_driver;
	}
	/* The helper ends itself when this process dies (a wrapper killed mid-probe), and
	 * when it outlives the longest a probe may take, whatever the driver does. */
	snprintf(parent, sizeof(parent), "%d", (int)getpid());
	snprintf(limit, sizeof(limit), "%lld", vad__probe_max_ms() + 1000);
	argv[argc++] = (char *)"--parent";
	argv[argc++] = parent;
	argv[argc++] = (char *)"--deadline-ms";
	argv[argc++] = limit;
	argv[argc++] = (char *)node;
	argv[argc] = NULL;

	/* posix_spawn, never fork(): the caller may be multi-threaded (FFmpeg). The helper gets
	 * /dev/null as stdin and stdout, the caller's stderr, the pipe as fd 3 and no other
	 * descriptor; default signal handling; a process group of its own, so that a timeout
	 * kills whatever it started too. */
	r = -posix_spawn_file_actions_init(&fa);
	if (r < 0)
		goto out;
	r = -posix_spawnattr_init(&attr);
	if (r < 0) {
		posix_spawn_file_actions_destroy(&fa);
		goto out;
	}
	sigemptyset(&none);
	sigfillset(&all);
	r = -posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = -posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (!r)
		r = -posix_spawn_file_actions_adddup2(&fa, wfd, 3);
	if (!r)
		r = -posix_spawn_file_actions_addclosefrom_np(&fa, 4);
	if (!r)
		r = -posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF);
	if (!r)
		r = -posix_spawnattr_setpgroup(&attr, 0);
	if (!r)
		r = -posix_spawnattr_setsigmask(&attr, &none);
	if (!r)
		r = -posix_spawnattr_setsigdefault(&attr, &all);
	if (!r) {
		vad__log(ctx, VAD_LOG_DEBUG, "%s: probing in %s%s%s%s%s (deadline %d s)", node, helper,
			 dir ? " --libva-dir " : "", dir ? dir : "", force ? " --driver " : "",
			 force ? force : "", timeout);
		r = -posix_spawn(pid, helper, &fa, &attr, argv, environ);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
out:
	close(wfd);
	if (r < 0) {
		close(fds[0]);
		return r;
	}
	*out = fds[0];
	return 0;
}

/* What the helper's run tells, as the answer @va: its record, or why there is none.
 * Returns the status. */
static int classify(struct vad_context *ctx, const struct vad_device *dev,
			const char *helper, int timeout, long long start,
			const struct vad_run *run, struct vad__va *va)
{
	const char *node = vad_device_get_node(dev), *rec;
	char stage[32];
	int r;

	rec = notes(run, va, stage, sizeof(stage), &r);
	if (r < 0)
		return va->status = r;
	vad__log(ctx, VAD_LOG_DEBUG, "%s: probe helper ended after %lld ms in stage %s", node,
		 now_ms() - start, stage);

	if (run->timed_out && run->starved) {
		/* It was making progress as fast as the machine let it: not a hang. */
		vad__log(ctx, VAD_LOG_DEBUG, "%s: no answer during %s within %d s, %lld ms of them "
			 "waiting for a CPU: killed", node, stage, timeout * VAD_STARVED_FACTOR,
			 run->waited_ms);
		va->busy = true;
		r = iso_fail(va, -ETIMEDOUT, "VA driver did not answer within %d s on a busy "
			     "machine (killed; %lld.%lld s of them waiting for a CPU)",
			     timeout * VAD_STARVED_FACTOR, run->waited_ms / 1000,
			     run->waited_ms % 1000 / 100);
	} else if (run->timed_out) {
		vad__log(ctx, VAD_LOG_DEBUG, "%s: no answer during %s within %d s (%lld ms of "
			 "them waiting for a CPU): killed", node, stage, timeout, run->waited_ms);
		r = iso_fail(va, -ETIMEDOUT, "VA driver did not answer within %d s (killed)",
			     timeout);
	} else if (run->reaped && WIFSIGNALED(run->status)) {
		const char *sig = sigabbrev_np(WTERMSIG(run->status));

		if (sig)
			r = iso_fail(va, -EIO, "VA driver crashed (SIG%s) during %s", sig, stage);
		else
			r = iso_fail(va, -EIO, "VA driver crashed (signal %d) during %s",
				     WTERMSIG(run->status), stage);
	} else if (run->overflow) {
		va->nocache = true;
		r = iso_fail(va, -EIO, "the probe helper %s wrote more than a result", helper);
	} else {
		r = vad__record_read(rec, (size_t)(run->buf + run->len - rec), va, NULL);
		if (r == 0) {
			r = va->status;
		} else if (r != -ENOMEM) {
			va->nocache = true;
			if (run->reaped && WIFEXITED(run->status) && WEXITSTATUS(run->status))
				r = iso_fail(va, -EIO, "the probe helper %s failed (exit status %d) "
					     "during %s", helper, WEXITSTATUS(run->status), stage);
			else
				r = iso_fail(va, -EIO, "the probe helper %s gave no valid result "
					     "(during %s)", helper, stage);
		} else {
			va->status = r;
		}
	}
	if (va->error && va->status < 0)
		vad__log(ctx, VAD_LOG_DEBUG, "%s: %s", node, va->error);
	return r;
}

/* A helper started for one device, until vad__probe_reap(). */
struct vad__spawned {
	const struct vad_device *dev;
	const char *helper;
	int timeout;
	long long start;
	pid_t pid;
	int fd;
	struct vad_run run;
};

int vad__probe_spawn(struct vad_context *ctx, const struct vad_device *dev, const char *helper,
		     const char *force, struct vad__va *va, struct vad__spawned **out)
{
	struct vad__spawned *s;
	char *dir = NULL;
	int r;

	*out = NULL;
	/* The helper loads the libva this context would: the caller's own, or the one in the
	 * directory set, or the system's. Loading libva loads no VA driver. */
	r = vad__libva_helper_dir(ctx, &dir);
	if (r == -ELIBACC) {
		va->status = r;
		return vad__set_strf(&va->error, "%s", vad_get_libva_error(ctx)) < 0 ? -ENOMEM : r;
	}
	if (r < 0)
		return va->status = r;
	s = calloc(1, sizeof(*s));
	if (!s) {
		free(dir);
		return va->status = -ENOMEM;
	}
	s->dev = dev;
	s->helper = helper;
	s->timeout = probe_timeout();
	s->start = now_ms();
	r = iso_spawn(ctx, dev, helper, force, dir, s->timeout, &s->pid, &s->fd);
	free(dir);
	if (r < 0) {
		/* Not a fact about the device. */
		free(s);
		va->nocache = true;
		return iso_fail(va, r == -ENOMEM ? -ENOMEM : -ENOEXEC,
				"cannot start the probe helper %s: %s", helper, VAD_STRERROR(-r));
	}
	*out = s;
	return 1;
}

int vad__probe_reap(struct vad_context *ctx, struct vad__spawned *s, struct vad__va *va)
{
	int r;

	run_wait(s->pid, s->fd, s->start, (long long)s->timeout * 1000, &s->run);
	close(s->fd);
	r = classify(ctx, s->dev, s->helper, s->timeout, s->start, &s->run, va);
	free(s);
	return r;
}

int vad__probe_isolated(struct vad_context *ctx, const struct vad_device *dev,
			const char *helper, const char *force, struct vad__va *va)
{
	struct vad__spawned *s;
	int r = vad__probe_spawn(ctx, dev, helper, force, va, &s);

	return r == 1 ? vad__probe_reap(ctx, s, va) : r;
}
