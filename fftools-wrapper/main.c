/*
 * vadiscover's ffmpeg wrapper: installed as LIBEXECDIR/vadiscover/ffmpeg (and ffprobe
 * beside it), it rewrites only the VA/DRM device arguments of the command line to the node
 * libvadiscover selects, then execs the real program in place: same pid, no fork, no
 * shell, so the server's `q` on stdin, its signals and the exit status reach ffmpeg.
 *
 * Environment:
 *   VADISCOVER_FFMPEG, VADISCOVER_FFPROBE  the real programs (default: configure's)
 *   VADISCOVER_MODE    auto (default), force or off
 *   VADISCOVER_SELECT  a selection spec (see vadiscover.h), e.g. vendor=0x8086,role=vf
 *   VADISCOVER_LOG     a file to append the rewrite line to, instead of stderr
 *
 * It never writes to stdout. See vadiscover-ffmpeg(1).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fftools-wrapper/resolve.h"
#include "fftools-wrapper/rewrite.h"

/* One line "[vadiscover] TEXT\n" in one write(), to stderr or appended to @path. */
__attribute__((format(printf, 2, 3)))
static void say(const char *path, const char *fmt, ...)
{
	char *text = NULL, *line = NULL;
	va_list ap;
	int fd = STDERR_FILENO;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	int n = asprintf(&line, "[vadiscover] %s\n", text);
	free(text);
	if (n < 0)
		return;
	if (path) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd < 0) {
			int e = errno;
			say(NULL, "cannot open VADISCOVER_LOG %s: %s", path, strerror(e));
			fd = STDERR_FILENO;
			path = NULL;
		}
	}
	ssize_t w = write(fd, line, (size_t)n);
	(void)w;
	if (path)
		close(fd);
	free(line);
}

/* Whether @path is this very program (by device and inode, whatever its name). */
static bool is_self(const char *path)
{
	struct stat a, b;

	if (stat(path, &a) < 0 || stat("/proc/self/exe", &b) < 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

int main(int argc, char **argv)
{
	const char *argv0 = argc > 0 && argv[0] ? argv[0] : "ffmpeg";
	const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
	bool probe = !strcmp(base, "ffprobe");
	const char *var = probe ? "VADISCOVER_FFPROBE" : "VADISCOVER_FFMPEG";
	const char *real = env(var);
	const char *logpath = env("VADISCOVER_LOG");
	char **exec_argv = argv;
	struct vfw_result res = { 0 };

	if (!real)
		real = probe ? VAD_REAL_FFPROBE : VAD_REAL_FFMPEG;
	if (is_self(real)) {
		say(NULL, "refusing to execute %s: it is this wrapper; set %s to the real %s",
		    real, var, probe ? "ffprobe" : "ffmpeg");
		return 1;
	}

	/* ffprobe has no device options: it is executed as it is. */
	if (!probe && argc > 0) {
		enum vfw_mode mode;
		struct vfw_vad *vad = NULL;
		char err[256] = "";

		if (vfw_mode_parse(env("VADISCOVER_MODE"), &mode) < 0) {
			say(NULL, "invalid VADISCOVER_MODE '%s' (auto, force or off): "
			    "passing the command through unchanged", getenv("VADISCOVER_MODE"));
			mode = VFW_MODE_OFF;
		}
		if (mode != VFW_MODE_OFF) {
			int rc = vfw_vad_new(&vad, env("VADISCOVER_SELECT"), err, sizeof(err));
			if (rc == -EINVAL) {
				say(NULL, "invalid VADISCOVER_SELECT '%s': %s: passing the command "
				    "through unchanged", getenv("VADISCOVER_SELECT"), err);
				mode = VFW_MODE_OFF;
			} else if (rc < 0) {
				mode = VFW_MODE_OFF;
			}
		}
		if (mode != VFW_MODE_OFF) {
			struct vfw_resolver r;
			vfw_vad_resolver(vad, &r);
			if (vfw_rewrite(argc, argv, mode, VFW_RELEASE_5, &r, &res) == 0) {
				exec_argv = res.argv;
				if (res.warning) {
					say(NULL, "%s", res.warning);
					if (logpath)
						say(logpath, "%s", res.warning);
				}
				if (res.report && logpath)
					say(logpath, "%s", res.report);
				else if (res.report && res.loglevel >= VFW_LOG_VERBOSE)
					say(NULL, "%s", res.report);
			}
		}
		/* Closes every fd libvadiscover and libva opened. */
		vfw_vad_free(vad);
	}

	execv(real, exec_argv);
	int e = errno;
	say(NULL, "cannot execute %s: %s", real, strerror(e));
	vfw_result_release(&res);
	return e == ENOENT ? 127 : 126;
}
