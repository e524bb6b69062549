/*
 * The probe cache: a probe result kept in a file, used again while nothing it depends on
 * changed, so that a second run on the same machine loads no VA driver. vadiscover.h
 * ("Probe cache") gives the rules; this file implements them.
 *
 * SPDX-License-Identifier: MIT
 *
 * One file per answer, named by a hash of its key, in the cache directory:
 *
 *     vadiscover-cache 3
 *     expires 0                  when it stops being an answer (ns since the epoch), 0: never
 *     written 1765...            when it was written (ns since the epoch)
 *     key 412                    the key text (below), which must match to the byte
 *     boot 5e0f...\n...
 *     paths 45                   the VA driver files libva tried, one per line
 *     /usr/lib/x86_64-linux-gnu/dri/iHD_drv_video.so\n
 *     state 98                   their identity when probed (checked again on use)
 *     ...
 *     libva 58                   the libva that probed (the key names it without loading
 *     /usr/lib/x86_64-linux-gnu/libva.so.2.1700.0\n/etc/ld.so.cache\n     it)
 *     libva-state 80             their identity when probed (checked again on use)
 *     ...
 *     vadiscover-record 1        the result (record.c), to the end of the file
 *     ...
 *
 * A file that does not parse in every detail, whose key differs (a hash collision, or a
 * foreign file), whose driver files changed, that expired, or that is not a regular file
 * of this user, is ignored: the device is probed and the file replaced. Files are written
 * to a temporary name and renamed into place, so a reader sees a whole file or none.
 *
 * An answer is used by a question asked before it expires. The question's time is when
 * vad_device_probe() began, so an answer that expires as it is written (expires == written:
 * a probe that told nothing lasting, such as a helper killed on a starved machine) still
 * answers every process that was waiting for that probe, and no later one.
 *
 * One probe per key at a time, across processes: the prober holds an flock() on
 * NAME.lock in the directory (the kernel drops it when the holder dies, however it dies);
 * the others wait for it, then read the answer it wrote. Temporary files a writer left
 * behind (killed between write and rename) are removed by the next writer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "vadiscover/vad-libva.h"

#define VAD_CACHE_MAGIC "vadiscover-cache 3"
#define VAD_CACHE_FILE_MAX (64 * 1024)
/* How long a hang (-ETIMEDOUT) is believed: see vadiscover.h. */
#define VAD_CACHE_HANG_TTL 600
/* A temporary file this old was left by a writer that died (a write takes milliseconds). */
#define VAD_CACHE_TMP_STALE 60
#define VAD_NS 1000000000LL

long long vad__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * VAD_NS + ts.tv_nsec;
}

/* --- the directory ------------------------------------------------------------------ */

/* Open @path without following a symlink (mkdir 0700 first when it is missing), and check
 * that it is a directory of this user that nobody else may write. The fd, or -errno with
 * the reason logged. */
static int cache_open_dir(struct vad_context *ctx, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			int err = errno;	/* before the log function, which may change it */

			vad__log(ctx, VAD_LOG_DEBUG, "probe cache: cannot create %s: %s", path,
				 VAD_STRERROR(err));
			return -err;
		}
		fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		int err = errno;

		vad__log(ctx, VAD_LOG_INFO, "probe cache off: %s %s", path,
			 err == ELOOP || err == ENOTDIR ? "is not a directory (a symlink is not "
							  "followed)" : VAD_STRERROR(err));
		return -err;
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022)) {
		vad__log(ctx, VAD_LOG_INFO, "probe cache off: %s is owned by uid %u or writable by "
			 "others (it must be this user's own, mode 0700)", path, (unsigned)st.st_uid);
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* Whether @path is a directory of this user that nobody else may write (a home directory
 * that another user cannot make a .cache in first). */
static bool own_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       !(st.st_mode & 022);
}

/* The cache directory, opened: VADISCOVER_CACHE_DIR alone when set; else the first usable
 * of $XDG_RUNTIME_DIR/vadiscover, /run/vadiscover for root, $XDG_CACHE_HOME/vadiscover,
 * $HOME/.cache/vadiscover when the home directory is this user's own, and
 * /tmp/vadiscover-UID (vadiscover.h, "Probe cache", says why). -errno when off or
 * refused. */
static int cache_dir(struct vad_context *ctx)
{
	const char *env = secure_getenv("VADISCOVER_CACHE"), *dir;
	char path[VAD_PATH_MAX];
	int fd = -ENOENT;

	if (env && strcmp(env, "0") == 0)
		return -ECANCELED;
	dir = secure_getenv("VADISCOVER_CACHE_DIR");
	if (dir && dir[0] == '/')
		return cache_open_dir(ctx, dir);
	if ((dir = secure_getenv("XDG_RUNTIME_DIR")) && dir[0] == '/' &&
	    (size_t)snprintf(path, sizeof(path), "%s/vadiscover", dir) < sizeof(path)) {
		fd = cache_open_dir(ctx, path);
		if (fd >= 0)
			return fd;
	}
	if (geteuid() == 0) {
		fd = cache_open_dir(ctx, "/run/vadiscover");
		if (fd >= 0)
			return fd;
	}
	/* A service user without a login session (Jellyfin's unit: no XDG_RUNTIME_DIR): a
	 * directory below its own home, which no other user can take first as in /tmp. */
	if ((dir = secure_getenv("XDG_CACHE_HOME")) && dir[0] == '/' &&
	    (size_t)snprintf(path, sizeof(path), "%s/vadiscover", dir) < sizeof(path)) {
		if (mkdir(dir, 0700) == 0 || errno == EEXIST) {
			fd = cache_open_dir(ctx, path);
			if (fd >= 0)
				return fd;
		}
	} else if ((dir = secure_getenv("HOME")) && dir[0] == '/' && own_dir(dir) &&
		   (size_t)snprintf(path, sizeof(path), "%s/.cache/vadiscover", dir) <
			   sizeof(path)) {
		char *slash = strrchr(path, '/');

		*slash = '\0';
		if (mkdir(path, 0700) == 0 || errno == EEXIST) {
			*slash = '/';
			fd = cache_open_dir(ctx, path);
			if (fd >= 0)
				return fd;
		}
	}
	snprintf(path, sizeof(path), "/tmp/vadiscover-%u", (unsigned)geteuid());
	return cache_open_dir(ctx, path);
}

/* The variables that choose the directory, as one string (malloc'ed; NULL on -ENOMEM). */
static char *cache_dir_env(void)
{
	static const char *const names[] = { "VADISCOVER_CACHE", "VADISCOVER_CACHE_DIR",
					     "XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "HOME" };
	struct vad_str t = { 0 };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = secure_getenv(names[i]);

		vad__str_addf(&t, "%c%s", v ? '=' : '-', v ? v : "");
		vad__str_add(&t, "\n");
	}
	vad__str_addf(&t, "%u", (unsigned)geteuid());
	return vad__str_done(&t);
}

/* The cache directory of @ctx, opened once while the variables that choose it stay the
 * same (the caller does not close it), or -errno when off or refused. */
static int cache_dir_fd(struct vad_context *ctx)
{
	char *env = cache_dir_env();

	if (!env)
		return -ENOMEM;
	if (ctx->cache_env && strcmp(ctx->cache_env, env) == 0 && ctx->cache_dirfd >= 0) {
		free(env);
		return ctx->cache_dirfd;
	}
	vad__cache_free(ctx);
	ctx->cache_dirfd = cache_dir(ctx);
	if (ctx->cache_dirfd >= 0) {
		ctx->cache_env = env;
		ctx->cache_uid = geteuid();	/* (in the env: the same while the fd is used) */
	} else {
		free(env);
	}
	return ctx->cache_dirfd;
}

void vad__cache_free(struct vad_context *ctx)
{
	if (ctx->cache_dirfd >= 0)
		close(ctx->cache_dirfd);
	ctx->cache_dirfd = -1;
	free(ctx->cache_env);
	ctx->cache_env = NULL;
}

/* --- the key ------------------------------------------------------------------------- */

/* "dev:ino:size:mtime" of @path as stat() sees it, or "absent". */
static void text_file_id(struct vad_str *t, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		vad__str_addf(t, "absent");
	else
		vad__str_addf(t, "%llu:%llu:%lld:%lld.%09ld", (unsigned long long)st.st_dev,
			      (unsigned long long)st.st_ino, (long long)st.st_size,
			      (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static void text_env(struct vad_str *t, const char *name)
{
	const char *v = secure_getenv(name);

	vad__str_addf(t, "env %s%s%s\n", name, v ? "=" : "", v ? v : "");
}

/* Everything the answer for @dev with driver @force depends on, but the files of libva and
 * of the driver (checked through "libva"/"paths" and their states), malloc'ed in *@out;
 * NULL there when the libva to use failed to load (no key). 0 or -ENOMEM. */
static int cache_key(struct vad_context *ctx, const struct vad_device *dev,
			 const char *force, char **out)
{
	struct vad_str t = { 0 };
	dev_t rdev = dev->render_node ? dev->render_rdev : dev->card_rdev;
	const char *want;	/* (vad__cache_lookup() asks for it) */
	struct stat st;

	/* A reboot can change anything (kernel, firmware, GPU state): read once a context. */
	if (!ctx->boot_id[0] &&
	    vad__sysfs_read("/proc/sys/kernel/random", "boot_id", ctx->boot_id,
			    sizeof(ctx->boot_id)) < 0)
		snprintf(ctx->boot_id, sizeof(ctx->boot_id), "-");
	vad__str_addf(&t, "vadiscover %s\n", VAD_VERSION);
	vad__str_addf(&t, "boot %s\n", ctx->boot_id);
	/* The device: its number, where it is in sysfs, the inode of its sysfs directory, and
	 * who drives it. A device that goes and comes back (a re-created VF, a hot-plugged
	 * card in the same slot) has a directory of a new inode (kernfs numbers them anew,
	 * with a generation in the upper bits on 64-bit kernels), so what the device is (its
	 * PCI ids and revision, fixed while the directory lives) needs no file read of its
	 * own; a driver bound again keeps the directory, so the driver is named. */
	vad__str_addf(&t, "rdev %u:%u\n", major(rdev), minor(rdev));
	vad__str_addf(&t, "sysfs %s\n", dev->sysfs_path ? dev->sysfs_path : "-");
	if (!dev->sysfs_path || stat(dev->sysfs_path, &st) < 0)
		vad__str_addf(&t, "sysfs-inode -");
	else
		vad__str_addf(&t, "sysfs-inode %llu:%llu", (unsigned long long)st.st_dev,
			      (unsigned long long)st.st_ino);
	vad__str_addf(&t, "\nkernel-driver %s\n", dev->kernel_driver ? dev->kernel_driver : "-");
	/* The libva that probes, named without loading it (its file is checked through
	 * "libva" and "libva-state"), and what steers its choice of driver. */
	vad__str_addf(&t, "libva ");
	if (vad__libva_choice(ctx, &t, &want) < 0) {
		free(vad__str_done(&t));
		*out = NULL;
		return t.failed ? -ENOMEM : 0;
	}
	vad__str_addf(&t, "\nforce %s\n", force ? force : "-");
	text_env(&t, "LD_LIBRARY_PATH");
	text_env(&t, "LIBVA_DRIVER_NAME");
	text_env(&t, "LIBVA_DRIVER_NAME_JELLYFIN");
	text_env(&t, "LIBVA_DRIVERS_PATH");
	*out = vad__str_done(&t);
	return *out ? 0 : -ENOMEM;
}

/* The identity of each driver file in @paths (one per line), one per line. */
static char *cache_state(const char *paths)
{
	struct vad_str t = { 0 };

	for (const char *p = paths ? paths : ""; *p;) {
		size_t n = strcspn(p, "\n");
		char path[VAD_PATH_MAX];

		if (n > 0 && n < sizeof(path)) {
			memcpy(path, p, n);
			path[n] = '\0';
			text_file_id(&t, path);
			vad__str_addf(&t, "\n");
		}
		p += n;
		if (*p)
			p++;
	}
	return vad__str_done(&t);
}

/* FNV-1a, 64 bits: the file name of a key, with @suffix (".probe", ".lock"). */
static void cache_name(const char *key, const char *suffix, char *name, size_t len)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	snprintf(name, len, "%016llx%s", h, suffix);
}

/* --- reading ------------------------------------------------------------------------- */

struct vad_in {
	const char *p, *end;
};

/* "NAME LEN\nBYTES\n": *@out points into the buffer, *@n its length. */
static bool in_blob(struct vad_in *in, const char *name, size_t max, const char **out,
			size_t *n)
{
	size_t nl = strlen(name), v = 0;
	const char *p = in->p;

	if ((size_t)(in->end - p) < nl + 3 || strncmp(p, name, nl) != 0 || p[nl] != ' ')
		return false;
	p += nl + 1;
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] != '\n'))
		return false;
	for (; p < in->end && *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (size_t)(*p - '0');
		if (v > max)
			return false;
	}
	if (p >= in->end || *p != '\n')
		return false;
	p++;
	if ((size_t)(in->end - p) < v + 1 || p[v] != '\n' || memchr(p, '\0', v))
		return false;
	*out = p;
	*n = v;
	in->p = p + v + 1;
	return true;
}

static bool in_line(struct vad_in *in, const char *want)
{
	size_t n = strlen(want);

	if ((size_t)(in->end - in->p) < n + 1 || strncmp(in->p, want, n) != 0 || in->p[n] != '\n')
		return false;
	in->p += n + 1;
	return true;
}

/* "NAME NUMBER\n", a time in ns since the epoch (0..2^62). */
static bool in_ns(struct vad_in *in, const char *name, long long *out)
{
	size_t nl = strlen(name);
	long long v = 0;
	const char *p = in->p;

	if ((size_t)(in->end - p) < nl + 3 || strncmp(p, name, nl) != 0 || p[nl] != ' ')
		return false;
	p += nl + 1;
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] != '\n'))
		return false;
	for (; p < in->end && *p >= '0' && *p <= '9'; p++) {
		if (v > (1LL << 62) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	if (p >= in->end || *p != '\n')
		return false;
	in->p = p + 1;
	*out = v;
	return true;
}

/* Read the whole file @name in @dirfd (a regular file of this user, at most
 * VAD_CACHE_FILE_MAX bytes) into a malloc'ed buffer. */
static int cache_slurp(const struct vad_context *ctx, int dirfd, const char *name, char **out,
		       size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	size_t got = 0;
	char *buf;

	*out = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != ctx->cache_uid ||
	    st.st_size > VAD_CACHE_FILE_MAX) {
		close(fd);
		return -EINVAL;
	}
	buf = calloc(1, (size_t)st.st_size + 1);	/* (zeroed: a short read leaves no garbage) */
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/* Whether the files @paths (@plen bytes, one per line) are as @state (@slen bytes) says:
 * 1 (yes), 0 (no) or -ENOMEM. With @ctx, a yes is kept until its next scan, so answers
 * that share a libva and a driver (ten GPUs of one kind) stat those files once a scan. */
static int cache_same_state(struct vad_context *ctx, const char *paths, size_t plen,
			    const char *state, size_t slen)
{
	char *copy, *now, *entry = NULL;
	int same;

	/* (Names with the separators in them are not kept: checked each time.) */
	if (ctx && !memchr(paths, '\x01', plen) && !memchr(paths, '\x02', plen) &&
	    !memchr(state, '\x01', slen) && !memchr(state, '\x02', slen)) {
		entry = vad__strdupf("\x02%.*s\x01%.*s\x02", (int)plen, paths, (int)slen, state);
		if (!entry)
			return -ENOMEM;
		if (ctx->files_ok.s && strstr(ctx->files_ok.s, entry)) {
			free(entry);
			return 1;
		}
	}
	copy = strndup(paths, plen);
	now = copy ? cache_state(copy) : NULL;
	free(copy);
	if (!now) {
		free(entry);
		return -ENOMEM;
	}
	same = strlen(now) == slen && memcmp(now, state, slen) == 0;
	free(now);
	if (same && entry)
		vad__str_add(&ctx->files_ok, entry);	/* (no room: checked again next time) */
	free(entry);
	return same;
}

/* Whether the libva files @lpaths (@n bytes) of an answer are what @want asks
 * (vad__libva_choice()): NULL any, "" the loader's search (its cache among them), else
 * that file first. */
static bool libva_as_wanted(const char *lpaths, size_t n, const char *want)
{
	static const char ldcache[] = "/etc/ld.so.cache\n";
	size_t wl;

	if (!want)
		return true;
	if (!want[0]) {
		for (const char *p = lpaths; p < lpaths + n;) {
			const char *nl = memchr(p, '\n', (size_t)(lpaths + n - p));
			size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(lpaths + n - p);

			if (l == sizeof(ldcache) - 1 && memcmp(p, ldcache, l) == 0)
				return true;
			p += l;
		}
		return false;
	}
	wl = strlen(want);
	return n > wl && memcmp(lpaths, want, wl) == 0 && lpaths[wl] == '\n';
}

static int cache_parse(struct vad_context *ctx, const char *buf, size_t len, const char *key,
		       long long asked, const char *want, struct vad__va *va);

int vad__cache_parse(const char *buf, size_t len, const char *key, long long asked,
		     struct vad__va *va)
{
	return cache_parse(NULL, buf, len, key, asked, NULL, va);
}

/* 1 and the answer in @va when the file matches @key in every way, its libva is as @want
 * asks, and it answers a question asked at @asked; 0 when not. */
static int cache_parse(struct vad_context *ctx, const char *buf, size_t len, const char *key,
		       long long asked, const char *want, struct vad__va *va)
{
	struct vad_in in = { buf, buf + len };
	const char *k, *paths, *state, *lpaths, *lstate;
	size_t klen, plen, slen, lplen, lslen;
	long long expires, written;
	char *pcopy;
	int r;

	if (!in_line(&in, VAD_CACHE_MAGIC) || !in_ns(&in, "expires", &expires) ||
	    !in_ns(&in, "written", &written) ||
	    !in_blob(&in, "key", 16384, &k, &klen) ||
	    !in_blob(&in, "paths", VAD_FILES_MAX, &paths, &plen) ||
	    !in_blob(&in, "state", VAD_FILES_MAX, &state, &slen) ||
	    !in_blob(&in, "libva", VAD_FILES_MAX, &lpaths, &lplen) ||
	    !in_blob(&in, "libva-state", VAD_FILES_MAX, &lstate, &lslen))
		return 0;
	if (klen != strlen(key) || memcmp(k, key, klen) != 0)
		return 0;
	if (expires && (asked >= expires || expires < written))
		return 0;
	if (!libva_as_wanted(lpaths, lplen, want))
		return 0;
	r = cache_same_state(ctx, lpaths, lplen, lstate, lslen);
	if (r <= 0)
		return r;
	r = cache_same_state(ctx, paths, plen, state, slen);
	if (r <= 0)
		return r;
	pcopy = strndup(paths, plen);
	if (!pcopy)
		return -ENOMEM;
	r = vad__record_read(in.p, (size_t)(in.end - in.p), va, NULL);
	if (r < 0) {
		free(pcopy);
		return r == -ENOMEM ? r : 0;
	}
	free(va->files);
	va->files = plen ? pcopy : NULL;
	if (!plen)
		free(pcopy);
	va->written = written;
	return 1;
}

int vad__cache_key(struct vad_context *ctx, const struct vad_device *dev, const char *force,
		   char **key)
{
	*key = NULL;
	if (!(ctx->probe_mode & VAD_PROBE_CACHE))
		return 0;
	return cache_key(ctx, dev, force, key);
}

int vad__cache_lookup(struct vad_context *ctx, const struct vad_device *dev, const char *key,
		      long long asked, bool fresh, struct vad__va *va)
{
	char name[32], *buf = NULL;
	size_t len = 0;
	int dirfd, r;

	if (!key)
		return 0;
	dirfd = cache_dir_fd(ctx);
	if (dirfd < 0)
		return 0;
	cache_name(key, ".probe", name, sizeof(name));
	r = cache_slurp(ctx, dirfd, name, &buf, &len);
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		struct vad_str choice = { 0 };
		const char *want = NULL;

		/* Memoized per scan: no new lookup of libva. */
		if (vad__libva_choice(ctx, &choice, &want) < 0)
			want = NULL;
		r = choice.failed ? -ENOMEM : cache_parse(ctx, buf, len, key, asked, want, va);
		free(vad__str_done(&choice));
	} else {
		r = 0;
	}
	free(buf);
	if (r < 0)
		return r;
	if (r == 1 && va->status == -ETIMEDOUT && va->written < asked) {
		/* A hang remembered from before this question: not an answer when a fresh one
		 * is asked for (vad_select() with every candidate ruled out by one). */
		if (fresh) {
			vad__log(ctx, VAD_LOG_DEBUG, "%s: probe cache: %s: a remembered hang, "
				 "probing again", vad_device_get_node(dev), name);
			vad__va_clear(va);
			return 0;
		}
		va->old_hang = true;
	}
	if (r == 0)
		vad__log(ctx, VAD_LOG_DEBUG, "%s: probe cache: no valid entry %s",
			 vad_device_get_node(dev), name);
	else
		vad__log(ctx, VAD_LOG_DEBUG, "%s: probe cache: %s", vad_device_get_node(dev), name);
	return r;
}

int vad__cache_lock(struct vad_context *ctx, const struct vad_device *dev, const char *key,
		    long long wait_ms)
{
	char name[32];
	struct timespec ts;
	long long deadline, now, delay = 1;
	bool waited = false;
	struct stat st;
	int dirfd, fd;

	if (!key)
		return -ENOENT;
	dirfd = cache_dir_fd(ctx);
	if (dirfd < 0)
		return dirfd;
	cache_name(key, ".lock", name, sizeof(name));
	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		    0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return -EPERM;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + wait_ms;
	/* flock() has no timeout: try, and sleep a little longer each time (at most 50 ms). */
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (waited)
				vad__log(ctx, VAD_LOG_DEBUG, "%s: the other probe ended",
					 vad_device_get_node(dev));
			return fd;
		}
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			int err = errno;

			close(fd);
			return -err;
		}
		if (wait_ms <= 0) {
			close(fd);
			return -EWOULDBLOCK;
		}
		if (!waited)
			vad__log(ctx, VAD_LOG_DEBUG, "%s: another process is probing it: waiting "
				 "for its answer", vad_device_get_node(dev));
		waited = true;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (now >= deadline) {
			vad__log(ctx, VAD_LOG_DEBUG, "%s: the other probe did not end within %lld ms: "
				 "probing here", vad_device_get_node(dev), wait_ms);
			close(fd);
			return -ETIMEDOUT;
		}
		if (delay > deadline - now)
			delay = deadline - now;
		nanosleep(&(struct timespec){ .tv_sec = delay / 1000,
					      .tv_nsec = (delay % 1000) * 1000000 }, NULL);
		delay = delay * 2 > 50 ? 50 : delay * 2;
	}
}

/* --- writing ------------------------------------------------------------------------- */

/* Whether @dev's result is to be written, and until when it answers (0: while the key
 * holds; @now: only the processes that were waiting for this probe). */
static bool cacheable(const struct vad__va *va, long long now, long long *expires)
{
	*expires = 0;
	if (va->open_failed)
		return false;	/* node access is always checked live, by each process */
	switch (va->status) {
	case -ENOMEM:
	case -EAGAIN:
		return false;
	case -ELIBACC:		/* no libva: nothing was probed */
	case -ENOEXEC:		/* the helper's trouble, not the device's */
		*expires = now;
		return true;
	case -ETIMEDOUT:
		/* A helper killed while it was starved of CPU proves nothing. */
		*expires = va->busy ? now : now + VAD_CACHE_HANG_TTL * VAD_NS;
		return true;
	default:
		if (va->nocache)
			*expires = now;
		return true;
	}
}

/* Whether @name in @dirfd holds an answer other than a hang for @key, valid now. */
static bool cache_has_answer(const struct vad_context *ctx, int dirfd, const char *name,
			     const char *key, long long now)
{
	struct vad__va old = VAD__VA_NONE;
	char *buf = NULL;
	size_t len = 0;
	bool has;

	if (cache_slurp(ctx, dirfd, name, &buf, &len) < 0)
		return false;
	has = vad__cache_parse(buf, len, key, now, &old) == 1 && old.status != -ETIMEDOUT;
	free(buf);
	vad__va_clear(&old);
	return has;
}

/* Remove the temporary files of writers that died between write and rename. */
static void cache_prune(struct vad_context *ctx, int dirfd, long long now)
{
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	struct dirent *e;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	rewinddir(d);	/* the copy shares the position of the context's descriptor */
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct stat st;

		if (e->d_name[0] != '.' || n < 5 || strcmp(e->d_name + n - 4, ".tmp") != 0)
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
		    (long long)st.st_mtim.tv_sec + VAD_CACHE_TMP_STALE > now / VAD_NS)
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0)
			vad__log(ctx, VAD_LOG_DEBUG, "probe cache: removed %s, left by a writer "
				 "that died", e->d_name);
	}
	closedir(d);
}

void vad__cache_store(struct vad_context *ctx, const struct vad_device *dev,
		      const struct vad__va *va, const char *key)
{
	struct vad_str t = { 0 };
	char name[32], tmp[96], *rec = NULL, *state, *lstate, *libva = NULL;
	size_t reclen = 0, off = 0;
	long long expires, now = vad__now_ns();
	int dirfd, fd;
	bool ok = true;

	if (!key || !cacheable(va, now, &expires))
		return;
	dirfd = cache_dir_fd(ctx);
	if (dirfd < 0)
		return;
	cache_name(key, ".probe", name, sizeof(name));
	/* A timeout never replaces an answer (another process's probe that did finish). */
	if (va->status == -ETIMEDOUT && cache_has_answer(ctx, dirfd, name, key, now)) {
		vad__log(ctx, VAD_LOG_DEBUG, "%s: probe cache: %s holds an answer: the timeout is "
			 "not written over it", vad_device_get_node(dev), name);
		return;
	}
	/* The libva that probed: a lasting answer names it (a probe loaded it, or loads it
	 * now); one for the waiting processes only may have none (libva failed to load). */
	if (vad__libva_files(ctx, &libva) == -ENOENT && vad_libva_load(ctx) == 0)
		vad__libva_files(ctx, &libva);
	if (!libva && expires != now) {
		return;
	}
	state = cache_state(va->files);
	lstate = cache_state(libva);
	if (!state || !lstate || vad__record_write(va, &rec, &reclen) < 0) {
		free(state);
		free(lstate);
		free(libva);
		return;
	}
	vad__str_addf(&t, VAD_CACHE_MAGIC "\nexpires %lld\nwritten %lld\nkey %zu\n%s\n"
		      "paths %zu\n%s\nstate %zu\n%s\nlibva %zu\n%s\nlibva-state %zu\n%s\n",
		      expires, now, strlen(key), key, va->files ? strlen(va->files) : 0,
		      va->files ? va->files : "", strlen(state), state,
		      libva ? strlen(libva) : 0, libva ? libva : "", strlen(lstate), lstate);
	free(state);
	free(lstate);
	free(libva);
	if (!vad__str_done(&t)) {
		free(rec);
		return;
	}
	/* A name no other writer uses (pid and thread), replaced atomically into place. */
	snprintf(tmp, sizeof(tmp), ".%s.%d.%d.tmp", name, (int)getpid(), (int)gettid());
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		vad__log(ctx, VAD_LOG_DEBUG, "probe cache: cannot write %s: %s", tmp,
			 VAD_STRERROR(errno));
		free(t.s);
		free(rec);
		return;
	}
	for (int part = 0; part < 2 && ok; part++) {
		const char *p = part ? rec : t.s;
		size_t n = part ? reclen : t.len;

		for (off = 0; off < n;) {
			ssize_t w = write(fd, p + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				ok = false;
				break;
			}
			off += (size_t)w;
		}
	}
	if (close(fd) < 0)
		ok = false;
	if (!ok || renameat(dirfd, tmp, dirfd, name) < 0) {
		vad__log(ctx, VAD_LOG_DEBUG, "probe cache: cannot write %s", name);
		unlinkat(dirfd, tmp, 0);
	} else {
		vad__log(ctx, VAD_LOG_DEBUG, "%s: probe cache: wrote %s", vad_device_get_node(dev),
			 name);
	}
	cache_prune(ctx, dirfd, now);
	free(t.s);
	free(rec);
}

bool vad_device_is_cached(const struct vad_device *dev)
{
	return dev && dev->probed && dev->va.cached;
}
