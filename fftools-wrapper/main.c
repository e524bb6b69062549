/*
 * vadiscover's ffmpeg wrapper: installed as LIBEXECDIR/vadiscover/ffmpeg (and ffprobe
 * beside it), it rewrites only the VA/DRM device arguments of the command line to the node
 * libvadiscover selects, then execs the real program in place: same pid, no fork, no
 * shell, so the server's `q` on stdin, its signals and the exit status reach ffmpeg. The
 * environment is passed on exactly as the wrapper received it.
 *
 * The real ffmpeg, decided at run time, the first of:
 *   1. VADISCOVER_FFMPEG;
 *   2. configure's choice (--with-ffmpeg), when that file exists;
 *   3. /usr/lib/jellyfin-ffmpeg/ffmpeg, when it exists;
 *   4. the first `ffmpeg` in PATH that is not this wrapper (compared by device and inode,
 *      so a symlink to the wrapper named ffmpeg in PATH is passed over).
 * Steps 2-4 pass over this wrapper and a script that would execute it (is_self(),
 * script_comes_back()); VADISCOVER_FFMPEG naming one is refused (exit status 125), so
 * there is no exec loop, with or without /proc.
 * Invoked as ffprobe: VADISCOVER_FFPROBE; else configure's ffprobe when the ffmpeg is
 * configure's; else the `ffprobe` beside the ffmpeg found as above. When there is none,
 * one line on stderr names what was tried, and the exit status is 127.
 *
 * Only when the command line has a device argument, the real ffmpeg's ELF file is read
 * (never run): its libavutil major tells the FFmpeg release whose option table parses the
 * command line (only asked when an option of the command line is read differently by two
 * release lines: vfw_release_matters()), and the libva.so.2 it would load (its run path
 * may hold its own) is the one devices are probed with (only asked by a probe, or by the
 * probe cache's key). A libva that cannot be loaded, or a file that cannot be
 * read, never keeps ffmpeg from starting: the arguments are then passed as given, with
 * one line saying why when ffmpeg's log level shows warnings.
 *
 * Environment:
 *   VADISCOVER_FFMPEG, VADISCOVER_FFPROBE  the real programs (see above)
 *   VADISCOVER_MODE    auto (default), force or off
 *   VADISCOVER_SELECT  a selection spec (see vadiscover.h), e.g. vendor=0x8086,role=vf
 *   VADISCOVER_LOG     a file to append the rewrite line to, each line led by the local
 *                      time in ISO 8601 and the pid; at -v verbose the line goes to
 *                      stderr as well (into the server's ffmpeg log). Opened without
 *                      blocking: a FIFO nobody reads is skipped, with one line on stderr
 *
 * Control characters in the lines it writes are escaped. A command line that the rewrite
 * makes too long for execve() (E2BIG) is executed as given.
 *
 * It never writes to stdout. See vadiscover-ffmpeg(1).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fftools-wrapper/resolve.h"
#include "fftools-wrapper/rewrite.h"
#include "vadiscover/elf.h"

/* The fixed candidates (the test suite builds a wrapper with its own). */
#ifndef VFW_CONFIGURED_FFMPEG
#define VFW_CONFIGURED_FFMPEG VAD_REAL_FFMPEG
#define VFW_CONFIGURED_FFPROBE VAD_REAL_FFPROBE
#endif
#ifndef VFW_JELLYFIN_FFMPEG
#define VFW_JELLYFIN_FFMPEG "/usr/lib/jellyfin-ffmpeg/ffmpeg"
#endif
/* execvp()'s search path when PATH is not set */
#define DEFAULT_PATH "/bin:/usr/bin"

/* The exit status when the wrapper refuses to execute what would execute it again (as
 * env(1) and timeout(1), 125 says the wrapper itself failed; 126 and 127 are taken). */
#define EXIT_LOOP 125

/* ffmpeg's AV_LOG_WARNING */
#define LOG_WARNING 24

/* "2026-03-01T14:05:09+01:00 [4242] ": the local time in ISO 8601 (extended, with the
 * offset) and the pid, which lead every line of VADISCOVER_LOG so that lines of several
 * ffmpeg runs can be told apart and matched with the server's log. */
static void log_stamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	char date[32] = "", zone[8] = "";

	if (localtime_r(&now, &tm)) {
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
		strftime(zone, sizeof(zone), "%z", &tm);	/* +0100 */
	}
	if (strlen(zone) == 5)
		snprintf(buf, len, "%s%.3s:%s [%ld] ", date, zone, zone + 3, (long)getpid());
	else
		snprintf(buf, len, "%s [%ld] ", date, (long)getpid());
}

/* @text with each control character (a newline or an escape sequence in an argument)
 * written as \n, \t, \r or \xNN, so that one message stays one line and cannot forge
 * another; malloc'ed, or NULL. */
static char *escape_controls(const char *text)
{
	size_t len = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		len += *p < 0x20 || *p == 0x7f ? 4 : 1;
	char *out = malloc(len + 1), *o = out;
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\n' || *p == '\t' || *p == '\r') {
			*o++ = '\\';
			*o++ = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
		} else if (*p < 0x20 || *p == 0x7f) {
			o += sprintf(o, "\\x%02x", *p);
		} else {
			*o++ = (char)*p;
		}
	}
	*o = '\0';
	return out;
}

/* VADISCOVER_LOG, opened for its first line: -1 not yet, -2 it cannot be written. */
static int log_fd = -1;

__attribute__((format(printf, 2, 3)))
static void say(const char *path, const char *fmt, ...);

/* The fd of VADISCOVER_LOG @path, or -1 (then one line on stderr has said why, once).
 * O_NONBLOCK: a FIFO that no process reads fails (ENXIO) instead of holding up ffmpeg's
 * start, and a full pipe loses the line rather than blocking the write; a regular file
 * does not care. */
static int log_open(const char *path)
{
	if (log_fd == -1) {
		log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
			      O_NONBLOCK, 0644);
		if (log_fd < 0) {
			int e = errno;
			struct stat st;
			log_fd = -2;
			if (e == ENXIO && stat(path, &st) == 0 && S_ISFIFO(st.st_mode))
				say(NULL, "not writing to VADISCOVER_LOG %s: it is a FIFO that no "
				    "process reads", path);
			else
				say(NULL, "not writing to VADISCOVER_LOG %s: %s", path, strerror(e));
		}
	}
	return log_fd >= 0 ? log_fd : -1;
}

/* Closes VADISCOVER_LOG (it is opened again for a later line). */
static void log_close(void)
{
	if (log_fd >= 0) {
		close(log_fd);
		log_fd = -1;
	}
}

/* One line "[vadiscover] TEXT\n" in one write(), to stderr or to VADISCOVER_LOG @path
 * (there led by log_stamp()); control characters in TEXT are escaped. */
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
	char *safe = escape_controls(text);
	free(text);
	if (!safe)
		return;
	char stamp[64] = "";
	if (path)
		log_stamp(stamp, sizeof(stamp));
	int n = asprintf(&line, "%s[vadiscover] %s\n", stamp, safe);
	free(safe);
	if (n < 0)
		return;
	if (path)
		fd = log_open(path);
	if (fd >= 0) {
		ssize_t w = write(fd, line, (size_t)n);
		(void)w;
	}
	free(line);
}

/* This program's file (device and inode): /proc/self/exe, or without /proc (a chroot, a
 * sandbox) the path it was executed by (AT_EXECFN, in the auxiliary vector the kernel gives
 * every program). (Both name the same file, but when this one was replaced since it
 * started: the new file at that path is then a wrapper too, which would know itself.) */
static struct stat self_ids[1];
static int nself;

static void find_self(void)
{
	const char *fn = (const char *)getauxval(AT_EXECFN);

	if (stat("/proc/self/exe", &self_ids[0]) == 0 || (fn && stat(fn, &self_ids[0]) == 0))
		nself = 1;
}

/* Whether @path is this very program (by device and inode, whatever its name). */
static bool is_self(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	for (int i = 0; i < nself; i++)
		if (st.st_dev == self_ids[i].st_dev && st.st_ino == self_ids[i].st_ino)
			return true;
	return false;
}

/* Whether @path is a file execv() could start. */
static bool is_program(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The first @name in PATH (an empty entry is the current directory, as for execvp) that
 * @accept takes; malloc'ed, or NULL. */
static char *search_path(const char *name, bool (*accept)(const char *))
{
	const char *p = getenv("PATH");

	if (!p)
		p = DEFAULT_PATH;
	for (;;) {
		size_t len = strcspn(p, ":");
		char *cand = NULL;
		if (asprintf(&cand, "%.*s%s%s", (int)len, len ? p : "", len ? "/" : "", name) < 0)
			return NULL;
		if (accept(cand))
			return cand;
		free(cand);
		if (!p[len])
			return NULL;
		p += len + 1;
	}
}

/*
 * A script in front of the real ffmpeg that executes this wrapper (a script named ffmpeg
 * in PATH that runs it) would come back here, and the wrapper would execute the script
 * again, for ever: the environment, which must reach ffmpeg unchanged, cannot carry a
 * count. So a script is read (its first SCRIPT_MAX bytes) before it is executed: it comes
 * back when one of its words (the #! line's included) is a path to this program, or,
 * outside quotes and comments, a command name (ffmpeg, ffprobe or the name this wrapper
 * was started by) that PATH resolves to this program; or when such a word is a script
 * that comes back in turn, SCRIPT_DEPTH scripts deep. A script that computes the path
 * at run time is not recognised.
 */
#define SCRIPT_MAX 65536
#define SCRIPT_DEPTH 3

static const char *self_name = "ffmpeg";	/* the base name it was started by */

static bool script_comes_back(const char *path, int depth);

/* What separates the words of a script (shell syntax, loosely: also = and : so that
 * FFMPEG=/path and PATH-like lists yield their paths). */
static bool is_sep(char c)
{
	return !c || strchr(" \t\n\r;&|()<>`$={}:\\'\"", c);
}

/* Whether the word @w of a script executes this wrapper (see script_comes_back()). */
static bool word_comes_back(const char *w, bool quoted, int depth)
{
	if (strchr(w, '/'))
		return is_self(w) || (is_program(w) && script_comes_back(w, depth - 1));
	if (quoted || (strcmp(w, "ffmpeg") && strcmp(w, "ffprobe") && strcmp(w, self_name)))
		return false;
	char *found = search_path(w, is_program);
	bool back = found && (is_self(found) || script_comes_back(found, depth - 1));
	free(found);
	return back;
}

/* Whether @path is a script (#!) that would execute this wrapper; an ELF program never is. */
static bool script_comes_back(const char *path, int depth)
{
	if (depth <= 0)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return false;
	/* "#!" first: a program (the real ffmpeg) costs two bytes, not SCRIPT_MAX. */
	char magic[2];
	ssize_t n;
	do
		n = read(fd, magic, sizeof(magic));
	while (n < 0 && errno == EINTR);
	if (n != 2 || magic[0] != '#' || magic[1] != '!') {
		close(fd);
		return false;
	}
	char *s = malloc(SCRIPT_MAX + 1);
	size_t len = 2;
	if (s)
		memcpy(s, magic, 2);
	while (s && len < SCRIPT_MAX && n > 0) {
		n = read(fd, s + len, SCRIPT_MAX - len);
		if (n > 0)
			len += (size_t)n;
		else if (n < 0 && errno == EINTR)
			n = 1;
	}
	close(fd);
	if (!s)
		return false;
	s[len] = '\0';

	bool back = false;
	char quote = 0;
	for (size_t i = 2; i < len && !back;) {
		char c = s[i];
		if (c == '\'' || c == '"') {
			quote = !quote ? c : quote == c ? 0 : quote;
			i++;
		} else if (c == '#' && !quote && strchr(" \t\n;&|()", s[i - 1])) {
			/* a comment, up to the end of the line */
			while (i < len && s[i] != '\n')
				i++;
		} else if (is_sep(c)) {
			i++;
		} else {
			size_t start = i;
			while (i < len && !is_sep(s[i]))
				i++;
			char word[PATH_MAX];
			if (i - start < sizeof(word)) {
				memcpy(word, s + start, i - start);
				word[i - start] = '\0';
				back = word_comes_back(word, quote, depth);
			}
		}
	}
	free(s);
	return back;
}

/* Whether @path is a program execv() could start, other than this one or a script that
 * would execute this one again. */
static bool runnable(const char *path)
{
	return is_program(path) && !is_self(path) && !script_comes_back(path, SCRIPT_DEPTH);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

enum origin { FROM_ENV, FROM_CONFIGURE, FROM_JELLYFIN, FROM_PATH };

/* The real ffmpeg (malloc'ed; steps 1-4 of the header comment) and where it came from, or
 * NULL when there is none. */
static char *find_ffmpeg(enum origin *from)
{
	const char *e = env("VADISCOVER_FFMPEG");

	if (e) {
		*from = FROM_ENV;
		return strdup(e);
	}
	if (runnable(VFW_CONFIGURED_FFMPEG)) {
		*from = FROM_CONFIGURE;
		return strdup(VFW_CONFIGURED_FFMPEG);
	}
	if (runnable(VFW_JELLYFIN_FFMPEG)) {
		*from = FROM_JELLYFIN;
		return strdup(VFW_JELLYFIN_FFMPEG);
	}
	*from = FROM_PATH;
	return search_path("ffmpeg", runnable);
}

/* The real ffprobe (malloc'ed), or NULL when no ffmpeg was found to put it beside. */
static char *find_ffprobe(void)
{
	const char *e = env("VADISCOVER_FFPROBE");
	enum origin from;
	char *ffmpeg, *probe = NULL;

	if (e)
		return strdup(e);
	ffmpeg = find_ffmpeg(&from);
	if (!ffmpeg)
		return NULL;
	if (from == FROM_CONFIGURE) {
		probe = strdup(VFW_CONFIGURED_FFPROBE);
	} else {
		const char *slash = strrchr(ffmpeg, '/');
		int dirlen = slash ? (int)(slash - ffmpeg) + 1 : 0;
		if (asprintf(&probe, "%.*sffprobe", dirlen, ffmpeg) < 0)
			probe = NULL;
	}
	free(ffmpeg);
	return probe;
}

/* What find_ffmpeg() tried, when it found nothing. */
static void say_none_found(bool probe)
{
	const char *path = getenv("PATH");

	say(NULL, "no %s to execute:%s tried %s (configure's choice), %s and ffmpeg in PATH "
	    "(%s): none exists, other than this wrapper; set %s to the real %s",
	    probe ? "ffprobe" : "ffmpeg",
	    probe ? " VADISCOVER_FFPROBE is unset and there is no ffmpeg to look beside:" : "",
	    VFW_CONFIGURED_FFMPEG, VFW_JELLYFIN_FFMPEG, path ? path : DEFAULT_PATH " if unset",
	    probe ? "VADISCOVER_FFPROBE" : "VADISCOVER_FFMPEG", probe ? "ffprobe" : "ffmpeg");
}

/*
 * Whether the command line may have a device argument: an argument naming an option with
 * "device" or "hwaccel" in it. Every option the rewriter treats as one (-init_hw_device,
 * -vaapi_device, -qsv_device, -hwaccel, -hwaccel_device, with or without a stream
 * specifier) does, in every release; when none is there, the release does not matter and
 * the ELF file is not read, so -version, -encoders, -h... cost nothing more.
 */
static bool may_have_device(int argc, char **argv)
{
	for (int i = 1; i < argc && argv[i]; i++)
		if (argv[i][0] == '-' && (strstr(argv[i], "device") || strstr(argv[i], "hwaccel")))
			return true;
	return false;
}

/* Why vad__elf_libavutil_major() gave no release line. */
static const char *release_unknown_why(int lavu)
{
	if (lavu == -ENOENT)
		return "it needs no libavutil and carries no FFmpeg version string";
	if (lavu == -ENOEXEC)
		return "not an ELF program";
	if (lavu < 0)
		return strerror(-lavu);
	return "a libavutil major this wrapper does not know";
}

int main(int argc, char **argv)
{
	const char *argv0 = argc > 0 && argv[0] ? argv[0] : "ffmpeg";
	const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
	bool probe = !strcmp(base, "ffprobe");
	const char *var = probe ? "VADISCOVER_FFPROBE" : "VADISCOVER_FFMPEG";
	const char *logpath = env("VADISCOVER_LOG");
	char **exec_argv = argv;
	struct vfw_result res = { 0 };
	struct vfw_vad *vad = NULL;
	enum origin from;
	char *real;

	self_name = base;
	find_self();
	real = probe ? find_ffprobe() : find_ffmpeg(&from);
	if (!real) {
		say_none_found(probe);
		return 127;
	}
	/* Steps 2-4 never lead back here; VADISCOVER_FFMPEG or VADISCOVER_FFPROBE, or the
	 * ffprobe beside an ffmpeg, may. */
	bool self = is_self(real);
	if (self || script_comes_back(real, SCRIPT_DEPTH)) {
		say(NULL, "refusing to execute %s: %s, which would execute it again, for ever; "
		    "set %s to the real %s", real,
		    self ? "it is this wrapper" : "it is a script that executes this wrapper",
		    var, probe ? "ffprobe" : "ffmpeg");
		free(real);
		return EXIT_LOOP;
	}

	/* ffprobe has no device options: it is executed as it is. */
	if (!probe && argc > 0) {
		enum vfw_mode mode;
		char err[256] = "";

		if (vfw_mode_parse(env("VADISCOVER_MODE"), &mode) < 0) {
			say(NULL, "invalid VADISCOVER_MODE '%s' (auto, force or off): "
			    "passing the command through unchanged", getenv("VADISCOVER_MODE"));
			mode = VFW_MODE_OFF;
		}
		if (mode != VFW_MODE_OFF) {
			/* @real: probes use the libva it loads (read when first asked) */
			int rc = vfw_vad_new(&vad, env("VADISCOVER_SELECT"), real, err,
					     sizeof(err));
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
			enum vfw_release release = VFW_RELEASE_UNKNOWN;
			int lavu = 0;
			bool read_release = may_have_device(argc, argv) &&
					    vfw_release_matters(argc, argv);

			if (read_release) {
				lavu = vad__elf_libavutil_major(real);
				release = vfw_release_from_lavu(lavu);
			}
			vfw_vad_resolver(vad, &r);
			if (vfw_rewrite(argc, argv, mode, release, &r, &res) == 0) {
				exec_argv = res.argv;
				if (res.warning) {
					if (res.loglevel >= LOG_WARNING)
						say(NULL, "%s", res.warning);
					if (logpath)
						say(logpath, "%s", res.warning);
				}
				/* The log file keeps every rewrite; ffmpeg's own log (stderr)
				 * shows it at -v verbose, with or without the file. */
				if (res.report && logpath)
					say(logpath, "%s", res.report);
				if (res.report && res.loglevel >= VFW_LOG_VERBOSE)
					say(NULL, "%s", res.report);
				if (res.nsites > 0 && read_release &&
				    release == VFW_RELEASE_UNKNOWN &&
				    res.loglevel >= VFW_LOG_VERBOSE)
					say(NULL, "the FFmpeg release of %s is unknown (%s): its "
					    "command line was parsed as the rewriter does for an "
					    "unknown release", real, release_unknown_why(lavu));
			}
		}
		/* Kept until ffmpeg runs: the exec drops it (every fd of libvadiscover and
		 * libva is O_CLOEXEC), so unloading libva first would be work for nothing. */
	}

	log_close();
	execv(real, exec_argv);
	int e = errno;
	if (e == E2BIG && exec_argv != argv) {
		/* The device argument made the command line too long for the kernel (the
		 * arguments and the environment share ARG_MAX): ffmpeg runs as given rather
		 * than not at all. */
#define TOO_LONG "the rewritten command line is too long to execute (%s): executing it as given"
		if (res.loglevel >= LOG_WARNING)
			say(NULL, TOO_LONG, strerror(e));
		if (logpath)
			say(logpath, TOO_LONG, strerror(e));
#undef TOO_LONG
		log_close();
		execv(real, argv);
		e = errno;
	}
	say(NULL, "cannot execute %s: %s", real, strerror(e));
	vfw_result_release(&res);
	vfw_vad_free(vad);
	free(real);
	return e == ENOENT ? 127 : 126;
}
