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

/* How the helper's output for one device ended. */
struct vad_run {
	bool overflow;		/* more than a result, and still no record */
	bool timed_out;
	bool starved;		/* timed out at the hard limit, still owed time it lost waiting */
	long long waited_ms;	/* how long it waited for a CPU (run queue), as far as known */
	bool reaped;		/* the helper ended while probing it */
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

/* The lines of @buf before the record: "stage NAME" (the last one into @stage, "start"
 * when none) and "file PATH" (appended to @va's driver files, when @va). Returns where the
 * record starts; -ENOMEM through *@r. */
static const char *notes(const char *buf, size_t size, struct vad__va *va, char *stage,
			 size_t len, int *r)
{
	const char *p = buf, *end = buf + size;

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
			size_t old = va && va->files ? strlen(va->files) : 0;
			char *f;

			if (va && old + n - 5 + 2 <= VAD_FILES_MAX) {
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

/* Start the helper for @items (@n of them, probed in this order): its pid and the read end
 * of its pipe (O_CLOEXEC). 0 or -errno (no pipe, no descriptor, no memory, posix_spawn()
 * failed). */
static int iso_spawn(struct vad_context *ctx, const struct vad__probe_item *items, size_t n,
		     const char *helper, const char *dir, int timeout, pid_t *pid, int *out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	char **argv, parent[24], limit[24];
	int fds[2], argc = 0, r, wfd;

	argv = calloc(8 + 5 * n, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		r = -errno;
		free(argv);
		return r;
	}
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
			free(argv);
			return r;
		}
	}

	argv[argc++] = (char *)helper;
	if (dir) {
		argv[argc++] = (char *)"--libva-dir";
		argv[argc++] = (char *)dir;
	}
	/* The helper ends itself when this process dies (a wrapper killed mid-probe), and
	 * when one probe outlives the longest a probe may take, whatever the driver does. */
	snprintf(parent, sizeof(parent), "%d", (int)getpid());
	snprintf(limit, sizeof(limit), "%lld", vad__probe_max_ms() + 1000);
	argv[argc++] = (char *)"--parent";
	argv[argc++] = parent;
	argv[argc++] = (char *)"--deadline-ms";
	argv[argc++] = limit;
	for (size_t i = 0; i < n; i++) {
		const struct vad_device *dev = items[i].dev;

		if (items[i].force) {
			argv[argc++] = (char *)"--driver";
			argv[argc++] = (char *)items[i].force;
		}
		/* The kernel driver: libva's choice of VA driver, and the reason for a missing
		 * one (vadriver.c), depend on it. */
		if (dev->kernel_driver) {
			argv[argc++] = (char *)"--kernel-driver";
			argv[argc++] = dev->kernel_driver;
		}
		argv[argc++] = (char *)vad_device_get_node(dev);
	}
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
		for (size_t i = 0; i < n; i++)
			vad__log(ctx, VAD_LOG_DEBUG, "%s: probing in %s%s%s%s%s (deadline %d s%s)",
				 vad_device_get_node(items[i].dev), helper,
				 dir ? " --libva-dir " : "", dir ? dir : "",
				 items[i].force ? " --driver " : "",
				 items[i].force ? items[i].force : "", timeout,
				 i ? ", after the one before" : "");
		r = -posix_spawn(pid, helper, &fa, &attr, argv, environ);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
out:
	close(wfd);
	free(argv);
	if (r < 0) {
		close(fds[0]);
		return r;
	}
	*out = fds[0];
	return 0;
}

/* What the helper's output for @dev (@buf, @len bytes) and its end @run tell, as the
 * answer @va: its record, or why there is none. Returns the status. */
static int classify(struct vad_context *ctx, const struct vad_device *dev,
			const char *helper, int timeout, long long start,
			const struct vad_run *run, const char *buf, size_t len, struct vad__va *va)
{
	const char *node = vad_device_get_node(dev), *rec;
	char stage[32];
	int r;

	rec = notes(buf, len, va, stage, sizeof(stage), &r);
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
		r = vad__record_read(rec, (size_t)(buf + len - rec), va, NULL);
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


/* A helper and the devices it answers, in order. */
struct helper {
	size_t next;		/* the device it is probing now */
	size_t end;		/* one past its last device */
	pid_t pid;		/* 0: not running */
	int fd;
	long long start;	/* when the device now probed began: the spawn, or the answer
				 * before */
	long long deadline, hard;
	size_t len;		/* output of the device now probed, in buf */
	char buf[VAD_PIPE_MAX];
};

/* One run of vad__probe_isolated_many(). */
struct batch {
	struct vad_context *ctx;
	struct vad__probe_item *items;
	const char *helper;
	char *dir;
	int timeout;
	void (*done)(void *userdata, size_t i, int status);
	void *userdata;
	int broken;		/* errno of a poll() that failed: no helper is started */
};

/* @h's next device begins now: its deadlines. */
static void began(const struct batch *b, struct helper *h)
{
	h->start = now_ms();
	h->deadline = h->start + (long long)b->timeout * 1000;
	h->hard = h->start + (long long)b->timeout * 1000 * VAD_STARVED_FACTOR;
}

/* The answer of @h's device now probed is known: tell it, and go to the next. */
static void answered(struct batch *b, struct helper *h, const struct vad_run *run, size_t len)
{
	size_t i = h->next++;
	int r = classify(b->ctx, b->items[i].dev, b->helper, b->timeout, h->start, run, h->buf,
			 len, b->items[i].va);

	b->done(b->userdata, i, r);
	memmove(h->buf, h->buf + len, h->len - len);
	h->len -= len;
	began(b, h);
}

/* Start a helper for @h's devices not answered yet; when it cannot start, they are
 * answered with why. */
static void start(struct batch *b, struct helper *h)
{
	int r;

	h->pid = 0;
	h->len = 0;
	if (h->next >= h->end)
		return;
	r = b->broken ? -b->broken
		      : iso_spawn(b->ctx, b->items + h->next, h->end - h->next, b->helper,
				  b->dir, b->timeout, &h->pid, &h->fd);
	began(b, h);
	if (r == 0)
		return;
	for (; h->next < h->end; h->next++) {
		struct vad__va *va = b->items[h->next].va;

		/* Not a fact about the device. */
		va->nocache = true;
		b->done(b->userdata, h->next,
			iso_fail(va, r == -ENOMEM ? -ENOMEM : -ENOEXEC,
				 "cannot start the probe helper %s: %s", b->helper,
				 VAD_STRERROR(-r)));
	}
}

/* The helper is over for the device it is probing (@run says how; @stop: it is still
 * there, end it): answer that device, and start another helper for the devices after it. */
static void ended(struct batch *b, struct helper *h, struct vad_run *run, bool stop)
{
	if (stop) {
		/* The helper and anything it started: its own process group. */
		kill(-h->pid, SIGKILL);
		kill(h->pid, SIGKILL);
		while (waitpid(h->pid, &run->status, 0) < 0 && errno == EINTR)
			;
	}
	close(h->fd);
	if (h->next < h->end)
		answered(b, h, run, h->len);
	start(b, h);
}

/* The pipe closed: the helper is ending. Wait for it a moment (at least a second, or to
 * the deadline), then end it. */
static void reap(struct batch *b, struct helper *h)
{
	struct vad_run run = { 0 };
	long long until = now_ms() + 1000;

	if (until < h->deadline)
		until = h->deadline;
	for (;;) {
		pid_t w = waitpid(h->pid, &run.status, WNOHANG);

		if (w == h->pid) {
			run.reaped = true;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;	/* ECHILD: the caller reaps children itself (SIGCHLD ignored) */
		if (now_ms() >= until) {
			run.timed_out = true;
			break;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	/* Reaped, or by someone else: nothing to kill, nothing to wait for. */
	ended(b, h, &run, run.timed_out);
}

/* Read what @h wrote, and answer each device whose record is whole. */
static void take(struct batch *b, struct helper *h)
{
	ssize_t got = read(h->fd, h->buf + h->len, sizeof(h->buf) - h->len);

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (got <= 0) {
		reap(b, h);
		return;
	}
	h->len += (size_t)got;
	while (h->next < h->end) {
		struct vad__va probe = VAD__VA_NONE;
		const char *rec;
		char stage[8];
		size_t used;
		int r;

		rec = notes(h->buf, h->len, NULL, stage, sizeof(stage), &r);
		if (vad__record_read(rec, (size_t)(h->buf + h->len - rec), &probe, &used) < 0)
			break;
		vad__va_clear(&probe);
		answered(b, h, &(struct vad_run){ 0 }, (size_t)(rec - h->buf) + used);
	}
	if (h->len == sizeof(h->buf)) {
		/* More than a result, and still no whole record. */
		struct vad_run run = { .overflow = true };

		if (h->next >= h->end)
			h->len = 0;	/* after its last answer: not read */
		else
			ended(b, h, &run, true);
	}
}

/* @h's deadline passed: more time when it waited for a CPU meanwhile (a busy machine
 * slows a driver down; it does not hang it), never more than VAD_STARVED_FACTOR
 * deadlines; else it is killed. */
static void overdue(struct batch *b, struct helper *h)
{
	long long now = now_ms(), waited = starved_ms(h->pid);
	long long want = h->start + (long long)b->timeout * 1000 + waited;
	struct vad_run run = { .timed_out = true, .waited_ms = waited };

	if (want > now && now < h->hard) {
		h->deadline = want < h->hard ? want : h->hard;
		return;
	}
	run.starved = want > now;
	ended(b, h, &run, true);
}

void vad__probe_isolated_many(struct vad_context *ctx, const char *helper,
			      struct vad__probe_item *items, size_t n, size_t width,
			      void (*done)(void *userdata, size_t i, int status), void *userdata)
{
	struct batch b = { .ctx = ctx, .items = items, .helper = helper, .timeout = probe_timeout(),
			   .done = done, .userdata = userdata };
	size_t count = n < width ? n : width;
	struct helper *hs;
	struct pollfd *fds;
	int r;

	if (n == 0)
		return;
	/* The helper loads the libva this context would: the caller's own, or the one in the
	 * directory set, or the system's. Loading libva loads no VA driver. */
	r = vad__libva_helper_dir(ctx, &b.dir);
	hs = r == 0 ? calloc(count, sizeof(*hs)) : NULL;
	fds = hs ? calloc(count, sizeof(*fds)) : NULL;
	if (!fds) {
		r = r < 0 ? r : -ENOMEM;
		for (size_t i = 0; i < n; i++) {
			struct vad__va *va = items[i].va;

			va->status = r;
			if (r == -ELIBACC &&
			    vad__set_strf(&va->error, "%s", vad_get_libva_error(ctx)) < 0)
				va->status = -ENOMEM;
			done(userdata, i, va->status);
		}
		free(hs);
		free(b.dir);
		return;
	}

	/* Consecutive devices to each helper, in render-node order. */
	for (size_t g = 0; g < count; g++) {
		hs[g].next = n * g / count;
		hs[g].end = n * (g + 1) / count;
		start(&b, &hs[g]);
	}
	for (;;) {
		long long now = now_ms(), wait = -1;
		nfds_t nfds = 0;

		for (size_t g = 0; g < count; g++) {
			if (!hs[g].pid)
				continue;
			fds[nfds++] = (struct pollfd){ .fd = hs[g].fd, .events = POLLIN };
			if (wait < 0 || hs[g].deadline - now < wait)
				wait = hs[g].deadline > now ? hs[g].deadline - now : 0;
		}
		if (!nfds)
			break;
		if (poll(fds, nfds, wait > INT_MAX ? INT_MAX : (int)wait) < 0 && errno != EINTR) {
			/* Cannot wait: end them, and start no other. */
			b.broken = errno;
			for (size_t g = 0; g < count; g++) {
				struct vad_run run = { .timed_out = true };

				if (hs[g].pid)
					ended(&b, &hs[g], &run, true);
			}
			break;
		}
		/* Output first: what is in a pipe counts, whatever the time. */
		nfds = 0;
		now = now_ms();
		for (size_t g = 0; g < count; g++) {
			struct helper *h = &hs[g];

			if (!h->pid)
				continue;
			if (fds[nfds++].revents)
				take(&b, h);
			else if (now >= h->deadline)
				overdue(&b, h);
		}
	}
	free(fds);
	free(hs);
	free(b.dir);
}

static void keep_status(void *userdata, size_t i, int status)
{
	(void)i;
	*(int *)userdata = status;
}

int vad__probe_isolated(struct vad_context *ctx, const struct vad_device *dev,
			const char *helper, const char *force, struct vad__va *va)
{
	struct vad__probe_item item = { .dev = dev, .force = force, .va = va };
	int status = -ENOMEM;

	vad__probe_isolated_many(ctx, helper, &item, 1, 1, keep_status, &status);
	return status;
}
