/* libfakegpu.so: the LD_PRELOAD half of the fake-GPU harness.
 *
 * Inert unless FAKEGPU_ROOT names a tree built by mktopo. Then:
 *  - every absolute path under /sys or /dev/dri is redirected into $FAKEGPU_ROOT;
 *  - the regular files in $FAKEGPU_ROOT/dev/dri (each holds "226:MINOR DRMNAME BUSID VENDOR
 *    DEVICE REVISION") stat as character devices 226:MINOR, mode 0660, owner root, group
 *    $FAKEGPU_NODE_GID (default 993), and fds open on them answer the DRM ioctls libdrm,
 *    libva and FFmpeg issue, as the kernel would;
 *  - FAKEGPU_DENY=renderD128,card0: open of those /dev/dri names fails with EACCES (stat
 *    works; access() for R_OK/W_OK gives EACCES, F_OK succeeds: a user outside the node's
 *    group). An entry may name its errno: renderD128:EPERM is a node a device cgroup denies
 *    (an LXC/Docker container's device list): open and access() with any mode give EPERM,
 *    as the kernel's inode_permission() runs the device cgroup check after the mode bits
 *    whatever the mask, while stat works (it checks no permission on the node). Suffixes:
 *    :EACCES (the default) and :EPERM; any other makes open/access fail with EINVAL and
 *    print "libfakegpu: FAKEGPU_DENY: ..." on stderr, so a typo is not taken for EACCES;
 *  - FAKEGPU_VANISH=renderD129: listed by readdir, but stat/open give ENOENT;
 *  - FAKEGPU_READDIR_EIO=renderD130: readdir of /dev/dri fails with EIO when it reaches
 *    that entry (the ones before it were listed), as on a directory the kernel cannot
 *    read to the end;
 *  - FAKEGPU_NO_PROC=1: every path under /proc gives ENOENT (no /proc mounted);
 *  - FAKEGPU_TRACE=FILE: one line per open of a fake node and per ioctl on one.
 * The variables are read at every call, so a test process may setenv() them.
 *
 * Built without sanitizers, without _FORTIFY_SOURCE and without _FILE_OFFSET_BITS, so that
 * each glibc symbol below keeps its own name. glibc calls its own internals directly (e.g.
 * realpath -> readlink, fopen -> open), which is why each family is wrapped whole. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include <drm.h>
#include <i915_drm.h>

#define EXPORT __attribute__((visibility("default")))
#define DRM_MAJOR_NR 226

/* The real functions, found once. */
#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/* Legacy stat entry points (glibc < 2.33 binaries); no longer declared by the headers. */
int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstat64(int ver, int fd, struct stat64 *st);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __readlink_chk(const char *path, char *buf, size_t len, size_t buflen);
char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen);
int eaccess(const char *path, int mode);

#define LEGACY(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlvsym(RTLD_NEXT, #name, "GLIBC_2.2.5")

/* th_enter() looks for this to know the shim is loaded. */
EXPORT const int fakegpu_shim_loaded = 1;

/* ---------------------------------------------------------------------------------- */
/* Paths */

static const char *fake_root(void)
{
	const char *r = getenv("FAKEGPU_ROOT");
	return r && r[0] == '/' ? r : NULL;
}

enum kind { K_NONE, K_SYS, K_DRI };

static enum kind classify(const char *path)
{
	if (!path || path[0] != '/' || !fake_root())
		return K_NONE;
	if (strncmp(path, "/sys", 4) == 0 && (path[4] == '\0' || path[4] == '/'))
		return K_SYS;
	if (strncmp(path, "/dev/dri", 8) == 0 && (path[8] == '\0' || path[8] == '/'))
		return K_DRI;
	/* The boot id, which a test may set (a reboot): $FAKEGPU_ROOT/proc/... like /sys. */
	if (strcmp(path, "/proc/sys/kernel/random/boot_id") == 0)
		return K_SYS;
	return K_NONE;
}

/* FAKEGPU_NO_PROC=1: no /proc at all, as in a chroot or a sandbox that mounts none. */
static bool no_proc(const char *path)
{
	const char *v = getenv("FAKEGPU_NO_PROC");
	return v && strcmp(v, "1") == 0 && path && fake_root() && strncmp(path, "/proc", 5) == 0 &&
	       (path[5] == '\0' || path[5] == '/');
}

/* The path to use instead of @path: @path itself or $FAKEGPU_ROOT@path in @buf (under
 * FAKEGPU_NO_PROC, a /proc path is $FAKEGPU_ROOT/no-proc@path, which does not exist). */
static const char *map(const char *path, char *buf, size_t len)
{
	if (no_proc(path)) {
		int n = snprintf(buf, len, "%s/no-proc%s", fake_root(), path);
		return n < 0 || (size_t)n >= len ? "/nonexistent/no-proc" : buf;
	}
	if (classify(path) == K_NONE)
		return path;
	int n = snprintf(buf, len, "%s%s", fake_root(), path);
	if (n < 0 || (size_t)n >= len)
		return path;
	return buf;
}

/* The canonical $FAKEGPU_ROOT (no symlinks), as realpath() would give it. */
static bool real_root(char *out)
{
	REAL(realpath);
	const char *r = fake_root();
	return r && real_realpath(r, out) != NULL;
}

/* If the file @resolved (canonical) is a fake node, its /dev/dri name into @name. */
static bool node_of_resolved(const char *resolved, char *name, size_t len)
{
	char root[PATH_MAX];
	if (!real_root(root))
		return false;
	size_t n = strlen(root);
	if (strncmp(resolved, root, n) != 0 || strncmp(resolved + n, "/dev/dri/", 9) != 0)
		return false;
	const char *base = resolved + n + 9;
	/* A node directly in /dev/dri, or one a container has under by-path/ (Proxmox devN:
	 * with a by-path name makes a node there, not a link). */
	if (strncmp(base, "by-path/", 8) == 0 && base[8] && !strchr(base + 8, '/'))
		;
	else if (!*base || strchr(base, '/'))
		return false;
	snprintf(name, len, "%s", base);
	return true;
}

/* If the (mapped) path names a fake node (following symlinks), its name into @name. */
static bool node_of_path(const char *mapped, char *name, size_t len)
{
	REAL(realpath);
	char resolved[PATH_MAX];
	if (!real_realpath(mapped, resolved))
		return false;
	struct stat st;
	REAL(stat);
	if (real_stat(resolved, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	return node_of_resolved(resolved, name, len);
}

/* If @fd is open on a fake node, its name into @name. */
static bool node_of_fd(int fd, char *name, size_t len)
{
	REAL(readlink);
	char link[64], target[PATH_MAX];
	if (fd < 0 || !fake_root())
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = real_readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return node_of_resolved(target, name, len);
}

/* A path relative to a directory fd inside the tree ("renderD128" relative to an fd on
 * $FAKEGPU_ROOT/dev/dri): the absolute path it means ("/dev/dri/renderD128") in @vbuf.
 * Anything else: @path itself. */
static const char *at_path(int dirfd, const char *path, char *vbuf, size_t len)
{
	REAL(readlink);
	char link[64], target[PATH_MAX], root[PATH_MAX];
	if (!path || path[0] == '/' || path[0] == '\0' || dirfd == AT_FDCWD || !fake_root())
		return path;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	ssize_t n = real_readlink(link, target, sizeof(target) - 1);
	if (n <= 0 || !real_root(root))
		return path;
	target[n] = '\0';
	size_t l = strlen(root);
	if (strncmp(target, root, l) != 0 || target[l] != '/')
		return path;
	int w = snprintf(vbuf, len, "%s/%s", target + l, path);
	if (w < 0 || (size_t)w >= len || classify(vbuf) == K_NONE)
		return path;
	return vbuf;
}

static bool in_list(const char *var, const char *name)
{
	const char *list = getenv(var);
	size_t n = strlen(name);
	while (list && *list) {
		const char *end = strchr(list, ',');
		size_t l = end ? (size_t)(end - list) : strlen(list);
		if (l == n && strncmp(list, name, n) == 0)
			return true;
		list = end ? end + 1 : NULL;
	}
	return false;
}

/* The errno an open of /dev/dri/@name fails with per FAKEGPU_DENY ("NAME[:ERRNO],..."):
 * 0 when it is not listed, EACCES or EPERM, EINVAL for an unknown suffix (reported). */
static int deny_errno(const char *name)
{
	const char *list = getenv("FAKEGPU_DENY");
	size_t n = strlen(name);
	while (list && *list) {
		const char *end = strchr(list, ',');
		size_t l = end ? (size_t)(end - list) : strlen(list);
		if (l >= n && strncmp(list, name, n) == 0 && (l == n || list[n] == ':')) {
			const char *e = list + n + 1;
			size_t el = l > n ? l - n - 1 : 0;
			if (l == n || (el == 6 && strncmp(e, "EACCES", 6) == 0))
				return EACCES;
			if (el == 5 && strncmp(e, "EPERM", 5) == 0)
				return EPERM;
			char msg[320];
			int m = snprintf(msg, sizeof(msg), "libfakegpu: FAKEGPU_DENY: %.*s: unknown "
					 "errno (EACCES or EPERM)\n", (int)(l > 256 ? 256 : l), list);
			if (m > 0) {
				ssize_t w = write(2, msg, (size_t)m < sizeof(msg) ? (size_t)m :
						  sizeof(msg) - 1);
				(void)w;
			}
			return EINVAL;
		}
		list = end ? end + 1 : NULL;
	}
	return 0;
}

static const char *errno_name(int e)
{
	return e == EACCES ? "EACCES" : e == EPERM ? "EPERM" : e == EINVAL ? "EINVAL" : "?";
}

struct node_info {
	unsigned int minor;
	char drm[64];
	char busid[64];
	unsigned int vendor, device, revision;
};

static bool read_node(const char *name, struct node_info *ni)
{
	REAL(open);
	char p[PATH_MAX], buf[512];
	snprintf(p, sizeof(p), "%s/dev/dri/%s", fake_root(), name);
	int fd = real_open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	unsigned int major;
	memset(ni, 0, sizeof(*ni));
	return sscanf(buf, "%u:%u %63s %63s %x %x %x", &major, &ni->minor, ni->drm, ni->busid,
		      &ni->vendor, &ni->device, &ni->revision) == 7;
}

/* ---------------------------------------------------------------------------------- */
/* Trace */

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
	const char *file = getenv("FAKEGPU_TRACE");
	if (!file || !*file)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	REAL(open);
	int saved = errno;
	int fd = real_open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		ssize_t w = write(fd, line, (size_t)n);
		(void)w;
		close(fd);
	}
	errno = saved;
}

static void flags_str(int flags, char *out, size_t len)
{
	static const struct { int bit; const char *name; } bits[] = {
		{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" },
		{ O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
		{ O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
		{ O_CLOEXEC, "O_CLOEXEC" },
	};
	int acc = flags & O_ACCMODE;
	snprintf(out, len, "%s", acc == O_RDONLY ? "O_RDONLY" : acc == O_WRONLY ? "O_WRONLY" :
		 acc == O_RDWR ? "O_RDWR" : "O_ACCMODE");
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (flags & bits[i].bit) {
			size_t l = strlen(out);
			snprintf(out + l, len - l, "|%s", bits[i].name);
		}
}

/* ---------------------------------------------------------------------------------- */
/* stat */

static unsigned int node_gid(void)
{
	const char *g = getenv("FAKEGPU_NODE_GID");
	return g && *g ? (unsigned int)strtoul(g, NULL, 10) : 993;
}

/* root, except where the group is the overflow id 65534: a host's node bind-mounted into
 * an unprivileged container, whose root (uid 0 on the host) is not mapped either. */
static unsigned int node_uid(void)
{
	return node_gid() == 65534 ? 65534 : 0;
}

/* After a successful stat of @mapped (which may be a fake node): 0, or -1 with errno set
 * for a vanished node; *minor >= 0 when the result must look like that char device. */
static int node_check_stat(const char *path, const char *mapped, bool follow, long *minor)
{
	char name[256];
	struct node_info ni;
	*minor = -1;
	if (classify(path) != K_DRI)
		return 0;
	if (!follow) {
		/* lstat: only the node itself, not a by-path symlink to it. */
		struct stat st;
		REAL(lstat);
		if (real_lstat(mapped, &st) < 0 || !S_ISREG(st.st_mode))
			return 0;
	}
	if (!node_of_path(mapped, name, sizeof(name)))
		return 0;
	if (in_list("FAKEGPU_VANISH", name)) {
		errno = ENOENT;
		return -1;
	}
	if (read_node(name, &ni))
		*minor = ni.minor;
	return 0;
}

#define PATCH_STAT(st, minor) do { \
		(st)->st_mode = S_IFCHR | 0660; \
		(st)->st_rdev = makedev(DRM_MAJOR_NR, (unsigned int)(minor)); \
		(st)->st_uid = node_uid(); \
		(st)->st_gid = node_gid(); \
		(st)->st_size = 0; \
		(st)->st_blocks = 0; \
		(st)->st_blksize = 4096; \
	} while (0)

static long fd_minor(int fd)
{
	char name[256];
	struct node_info ni;
	if (!node_of_fd(fd, name, sizeof(name)) || !read_node(name, &ni))
		return -1;
	return ni.minor;
}

/* A stat-by-path wrapper: map, call the real one, patch. */
#define STAT_PATH(fn, type, follow, call) \
	EXPORT int fn(const char *path, type *st) \
	{ \
		char buf[PATH_MAX]; \
		const char *p = map(path, buf, sizeof(buf)); \
		long minor; \
		int r = call; \
		if (r == 0 && p != path) { \
			if (node_check_stat(path, p, follow, &minor) < 0) \
				return -1; \
			if (minor >= 0) \
				PATCH_STAT(st, minor); \
		} \
		return r; \
	}

static int call_stat(const char *p, struct stat *st) { REAL(stat); return real_stat(p, st); }
static int call_stat64(const char *p, struct stat64 *st) { REAL(stat64); return real_stat64(p, st); }
static int call_lstat(const char *p, struct stat *st) { REAL(lstat); return real_lstat(p, st); }
static int call_lstat64(const char *p, struct stat64 *st) { REAL(lstat64); return real_lstat64(p, st); }

STAT_PATH(stat, struct stat, true, call_stat(p, st))
STAT_PATH(stat64, struct stat64, true, call_stat64(p, st))
STAT_PATH(lstat, struct stat, false, call_lstat(p, st))
STAT_PATH(lstat64, struct stat64, false, call_lstat64(p, st))

#define STAT_FD(fn, type) \
	EXPORT int fn(int fd, type *st) \
	{ \
		REAL(fn); \
		int r = real_##fn(fd, st); \
		long minor; \
		if (r == 0 && fake_root() && S_ISREG(st->st_mode) && (minor = fd_minor(fd)) >= 0) \
			PATCH_STAT(st, minor); \
		return r; \
	}
STAT_FD(fstat, struct stat)
STAT_FD(fstat64, struct stat64)

#define STAT_AT(fn, type) \
	EXPORT int fn(int dirfd, const char *path, type *st, int flags) \
	{ \
		REAL(fn); \
		char buf[PATH_MAX]; \
		char vb[PATH_MAX]; \
		const char *vpath = at_path(dirfd, path, vb, sizeof(vb)); \
		const char *p = map(vpath, buf, sizeof(buf)); \
		long minor; \
		int r = real_##fn(dirfd, p, st, flags); \
		if (r != 0 || !fake_root()) \
			return r; \
		if (p != vpath) { \
			if (node_check_stat(vpath, p, !(flags & AT_SYMLINK_NOFOLLOW), &minor) < 0) \
				return -1; \
			if (minor >= 0) \
				PATCH_STAT(st, minor); \
		} else if ((flags & AT_EMPTY_PATH) && !*path && S_ISREG(st->st_mode) && \
			   (minor = fd_minor(dirfd)) >= 0) { \
			PATCH_STAT(st, minor); \
		} \
		return r; \
	}
STAT_AT(fstatat, struct stat)
STAT_AT(fstatat64, struct stat64)

#define XSTAT_PATH(fn, type, follow) \
	EXPORT int fn(int ver, const char *path, type *st) \
	{ \
		LEGACY(fn); \
		char buf[PATH_MAX]; \
		const char *p = map(path, buf, sizeof(buf)); \
		long minor; \
		if (!real_##fn) { errno = ENOSYS; return -1; } \
		int r = real_##fn(ver, p, st); \
		if (r == 0 && p != path) { \
			if (node_check_stat(path, p, follow, &minor) < 0) \
				return -1; \
			if (minor >= 0) \
				PATCH_STAT(st, minor); \
		} \
		return r; \
	}
XSTAT_PATH(__xstat, struct stat, true)
XSTAT_PATH(__xstat64, struct stat64, true)
XSTAT_PATH(__lxstat, struct stat, false)
XSTAT_PATH(__lxstat64, struct stat64, false)

#define XSTAT_FD(fn, type) \
	EXPORT int fn(int ver, int fd, type *st) \
	{ \
		LEGACY(fn); \
		long minor; \
		if (!real_##fn) { errno = ENOSYS; return -1; } \
		int r = real_##fn(ver, fd, st); \
		if (r == 0 && fake_root() && S_ISREG(st->st_mode) && (minor = fd_minor(fd)) >= 0) \
			PATCH_STAT(st, minor); \
		return r; \
	}
XSTAT_FD(__fxstat, struct stat)
XSTAT_FD(__fxstat64, struct stat64)

#define XSTAT_AT(fn, type) \
	EXPORT int fn(int ver, int dirfd, const char *path, type *st, int flags) \
	{ \
		LEGACY(fn); \
		char buf[PATH_MAX]; \
		char vb[PATH_MAX]; \
		const char *vpath = at_path(dirfd, path, vb, sizeof(vb)); \
		const char *p = map(vpath, buf, sizeof(buf)); \
		long minor; \
		if (!real_##fn) { errno = ENOSYS; return -1; } \
		int r = real_##fn(ver, dirfd, p, st, flags); \
		if (r == 0 && p != vpath) { \
			if (node_check_stat(vpath, p, !(flags & AT_SYMLINK_NOFOLLOW), &minor) < 0) \
				return -1; \
			if (minor >= 0) \
				PATCH_STAT(st, minor); \
		} \
		return r; \
	}
XSTAT_AT(__fxstatat, struct stat)
XSTAT_AT(__fxstatat64, struct stat64)

EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
	REAL(statx);
	char buf[PATH_MAX];
	char vb[PATH_MAX];
	const char *vpath = at_path(dirfd, path, vb, sizeof(vb));
	const char *p = map(vpath, buf, sizeof(buf));
	long minor = -1;
	int r = real_statx(dirfd, p, flags, mask, stx);
	if (r != 0 || !fake_root())
		return r;
	if (p != vpath) {
		if (node_check_stat(vpath, p, !(flags & AT_SYMLINK_NOFOLLOW), &minor) < 0)
			return -1;
	} else if ((flags & AT_EMPTY_PATH) && !*path && S_ISREG(stx->stx_mode)) {
		minor = fd_minor(dirfd);
	}
	if (minor >= 0) {
		stx->stx_mode = S_IFCHR | 0660;
		stx->stx_rdev_major = DRM_MAJOR_NR;
		stx->stx_rdev_minor = (unsigned int)minor;
		stx->stx_uid = node_uid();
		stx->stx_gid = node_gid();
		stx->stx_size = 0;
		stx->stx_blocks = 0;
	}
	return r;
}

/* ---------------------------------------------------------------------------------- */
/* open */

/* Checks an open of @path (mapped to @p). Returns 0 to go on (with *flags adjusted and
 * @name set when it is a fake node), or -1 with errno set. */
static int node_check_open(const char *path, const char *p, int *flags, char *name,
			   size_t len)
{
	name[0] = '\0';
	if (classify(path) != K_DRI || !node_of_path(p, name, len)) {
		name[0] = '\0';
		return 0;
	}
	char fl[160];
	flags_str(*flags, fl, sizeof(fl));
	if (in_list("FAKEGPU_VANISH", name)) {
		trace("open /dev/dri/%s %s -> ENOENT", name, fl);
		errno = ENOENT;
		return -1;
	}
	int deny = deny_errno(name);
	if (deny) {
		trace("open /dev/dri/%s %s -> %s", name, fl, errno_name(deny));
		errno = deny;
		return -1;
	}
	trace("open /dev/dri/%s %s", name, fl);
	/* The marker file must survive whatever the caller asks for. */
	*flags &= ~(O_CREAT | O_TRUNC | O_EXCL | O_APPEND);
	return 0;
}

#define OPEN_PATH(fn, realcall) \
	EXPORT int fn(const char *path, int flags, ...) \
	{ \
		REAL(fn); \
		mode_t mode = 0; \
		if (flags & (O_CREAT | O_TMPFILE)) { \
			va_list ap; \
			va_start(ap, flags); \
			mode = (mode_t)va_arg(ap, int); \
			va_end(ap); \
		} \
		char buf[PATH_MAX], name[256]; \
		const char *p = map(path, buf, sizeof(buf)); \
		if (p != path && node_check_open(path, p, &flags, name, sizeof(name)) < 0) \
			return -1; \
		return realcall; \
	}
OPEN_PATH(open, real_open(p, flags, mode))
OPEN_PATH(open64, real_open64(p, flags, mode))

#define OPENAT_PATH(fn) \
	EXPORT int fn(int dirfd, const char *path, int flags, ...) \
	{ \
		REAL(fn); \
		mode_t mode = 0; \
		if (flags & (O_CREAT | O_TMPFILE)) { \
			va_list ap; \
			va_start(ap, flags); \
			mode = (mode_t)va_arg(ap, int); \
			va_end(ap); \
		} \
		char buf[PATH_MAX], name[256]; \
		char vb[PATH_MAX]; \
		const char *vpath = at_path(dirfd, path, vb, sizeof(vb)); \
		const char *p = map(vpath, buf, sizeof(buf)); \
		if (p != vpath && node_check_open(vpath, p, &flags, name, sizeof(name)) < 0) \
			return -1; \
		return real_##fn(dirfd, p, flags, mode); \
	}
OPENAT_PATH(openat)
OPENAT_PATH(openat64)

#define OPEN2(fn) \
	EXPORT int fn(const char *path, int flags) \
	{ \
		REAL(fn); \
		char buf[PATH_MAX], name[256]; \
		const char *p = map(path, buf, sizeof(buf)); \
		if (p != path && node_check_open(path, p, &flags, name, sizeof(name)) < 0) \
			return -1; \
		return real_##fn(p, flags); \
	}
OPEN2(__open_2)
OPEN2(__open64_2)

#define OPENAT2(fn) \
	EXPORT int fn(int dirfd, const char *path, int flags) \
	{ \
		REAL(fn); \
		char buf[PATH_MAX], name[256]; \
		char vb[PATH_MAX]; \
		const char *vpath = at_path(dirfd, path, vb, sizeof(vb)); \
		const char *p = map(vpath, buf, sizeof(buf)); \
		if (p != vpath && node_check_open(vpath, p, &flags, name, sizeof(name)) < 0) \
			return -1; \
		return real_##fn(dirfd, p, flags); \
	}
OPENAT2(__openat_2)
OPENAT2(__openat64_2)

static int fopen_flags(const char *mode)
{
	int acc = strchr(mode, '+') ? O_RDWR : mode[0] == 'r' ? O_RDONLY : O_WRONLY;
	if (mode[0] == 'w')
		acc |= O_CREAT | O_TRUNC;
	if (mode[0] == 'a')
		acc |= O_CREAT | O_APPEND;
	if (strchr(mode, 'e'))
		acc |= O_CLOEXEC;
	return acc;
}

#define FOPEN(fn) \
	EXPORT FILE *fn(const char *path, const char *mode) \
	{ \
		REAL(fn); \
		char buf[PATH_MAX], name[256] = ""; \
		const char *p = map(path, buf, sizeof(buf)); \
		int flags = fopen_flags(mode); \
		if (p != path && node_check_open(path, p, &flags, name, sizeof(name)) < 0) \
			return NULL; \
		/* never truncate a node's marker */ \
		return real_##fn(p, name[0] && mode[0] != 'r' ? "r+" : mode); \
	}
FOPEN(fopen)
FOPEN(fopen64)

#define FREOPEN(fn) \
	EXPORT FILE *fn(const char *path, const char *mode, FILE *f) \
	{ \
		REAL(fn); \
		char buf[PATH_MAX], name[256] = ""; \
		const char *p = map(path, buf, sizeof(buf)); \
		int flags = fopen_flags(mode); \
		if (path && p != path && node_check_open(path, p, &flags, name, sizeof(name)) < 0) \
			return NULL; \
		return real_##fn(p, mode, f); \
	}
FREOPEN(freopen)
FREOPEN(freopen64)

/* ---------------------------------------------------------------------------------- */
/* access, readlink, realpath */

static int node_check_access(const char *path, const char *p, int mode)
{
	char name[256];
	if (classify(path) != K_DRI || !node_of_path(p, name, sizeof(name)))
		return 0;
	if (in_list("FAKEGPU_VANISH", name)) {
		errno = ENOENT;
		return -1;
	}
	/* EACCES: the mode bits refuse R/W, F_OK succeeds. EPERM: the device cgroup check
	 * refuses any mask, even 0 (no allow rule matches the node). */
	int deny = deny_errno(name);
	if (deny && (deny != EACCES || (mode & (R_OK | W_OK)))) {
		errno = deny;
		return -1;
	}
	return 0;
}

#define ACCESS(fn) \
	EXPORT int fn(const char *path, int mode) \
	{ \
		REAL(fn); \
		char buf[PATH_MAX]; \
		const char *p = map(path, buf, sizeof(buf)); \
		if (p != path && node_check_access(path, p, mode) < 0) \
			return -1; \
		return real_##fn(p, mode); \
	}
ACCESS(access)
ACCESS(euidaccess)
ACCESS(eaccess)

EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	REAL(faccessat);
	char buf[PATH_MAX];
	char vb[PATH_MAX];
	const char *vpath = at_path(dirfd, path, vb, sizeof(vb));
	const char *p = map(vpath, buf, sizeof(buf));
	if (p != vpath && node_check_access(vpath, p, mode) < 0)
		return -1;
	return real_faccessat(dirfd, p, mode, flags);
}

/* /proc/self/fd/N of a file in the tree names it as the kernel would without the tree:
 * "/dev/dri/renderD128", not "$FAKEGPU_ROOT/dev/dri/renderD128". Returns the new length. */
static ssize_t strip_proc_link(const char *path, char *out, ssize_t n)
{
	char root[PATH_MAX];
	if (n <= 0 || strncmp(path, "/proc/", 6) != 0 || !fake_root() || !real_root(root))
		return n;
	size_t l = strlen(root);
	if ((size_t)n <= l || strncmp(out, root, l) != 0 || out[l] != '/')
		return n;
	char rest[PATH_MAX];
	size_t m = (size_t)n - l;
	if (m >= sizeof(rest))
		return n;
	memcpy(rest, out + l, m);
	rest[m] = '\0';
	if (classify(rest) == K_NONE)
		return n;
	memmove(out, out + l, m);
	return (ssize_t)m;
}

EXPORT ssize_t readlink(const char *path, char *out, size_t len)
{
	REAL(readlink);
	char buf[PATH_MAX];
	return strip_proc_link(path, out, real_readlink(map(path, buf, sizeof(buf)), out, len));
}

EXPORT ssize_t readlinkat(int dirfd, const char *path, char *out, size_t len)
{
	REAL(readlinkat);
	char buf[PATH_MAX];
	return strip_proc_link(path, out,
			       real_readlinkat(dirfd, map(path, buf, sizeof(buf)), out, len));
}

EXPORT ssize_t __readlink_chk(const char *path, char *out, size_t len, size_t outlen)
{
	REAL(readlink);
	char buf[PATH_MAX];
	if (len > outlen)
		abort();
	return strip_proc_link(path, out, real_readlink(map(path, buf, sizeof(buf)), out, len));
}

/* realpath of a mapped path, with the root taken off again. */
static char *shim_realpath(const char *path, char *resolved)
{
	REAL(realpath);
	char buf[PATH_MAX], root[PATH_MAX];
	const char *p = map(path, buf, sizeof(buf));
	bool proc = strncmp(path, "/proc/", 6) == 0 && fake_root();
	if (p == path && !proc)
		return real_realpath(path, resolved);
	if (p != path && node_check_access(path, p, F_OK) < 0)
		return NULL;
	char *r = real_realpath(p, NULL);
	if (!r)
		return NULL;
	if (real_root(root)) {
		size_t n = strlen(root);
		if (strncmp(r, root, n) == 0 && r[n] == '/' && (!proc || classify(r + n) != K_NONE))
			memmove(r, r + n, strlen(r + n) + 1);
	}
	if (!resolved)
		return r;
	snprintf(resolved, PATH_MAX, "%s", r);
	free(r);
	return resolved;
}

EXPORT char *realpath(const char *path, char *resolved)
{
	return shim_realpath(path, resolved);
}

EXPORT char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
	if (resolvedlen < PATH_MAX)
		abort();
	return shim_realpath(path, resolved);
}

EXPORT char *canonicalize_file_name(const char *path)
{
	return shim_realpath(path, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* directories */

EXPORT DIR *opendir(const char *path)
{
	REAL(opendir);
	char buf[PATH_MAX];
	return real_opendir(map(path, buf, sizeof(buf)));
}

/* Fake nodes are regular files: report them as DT_CHR, as devtmpfs does. */
static bool dir_is_fake_dri(DIR *d)
{
	REAL(readlink);
	char link[64], target[PATH_MAX], root[PATH_MAX];
	if (!real_root(root))
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd(d));
	ssize_t n = real_readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	size_t l = strlen(root);
	return strncmp(target, root, l) == 0 && strcmp(target + l, "/dev/dri") == 0;
}

#define READDIR(fn, type) \
	EXPORT type *fn(DIR *d) \
	{ \
		REAL(fn); \
		type *e = real_##fn(d); \
		if (e && fake_root() && in_list("FAKEGPU_READDIR_EIO", e->d_name) && \
		    dir_is_fake_dri(d)) { \
			errno = EIO; \
			return NULL; \
		} \
		if (e && e->d_type == DT_REG && fake_root()) { \
			int saved = errno; \
			if (dir_is_fake_dri(d)) \
				e->d_type = DT_CHR; \
			errno = saved; \
		} \
		return e; \
	}
READDIR(readdir, struct dirent)
READDIR(readdir64, struct dirent64)

/* scandir reads through glibc's internal opendir/readdir: map the directory, then report
 * the nodes as DT_CHR in the result (the filter, if any, still sees DT_REG). */
static bool is_fake_dri_dir(const char *mapped)
{
	REAL(realpath);
	char r[PATH_MAX], root[PATH_MAX];
	if (!real_root(root) || !real_realpath(mapped, r))
		return false;
	size_t l = strlen(root);
	return strncmp(r, root, l) == 0 && strcmp(r + l, "/dev/dri") == 0;
}

#define SCANDIR(fn, type) \
	EXPORT int fn(const char *path, type ***list, int (*filter)(const type *), \
		      int (*compar)(const type **, const type **)) \
	{ \
		REAL(fn); \
		char buf[PATH_MAX]; \
		const char *p = map(path, buf, sizeof(buf)); \
		int n = real_##fn(p, list, filter, compar); \
		if (n > 0 && p != path && is_fake_dri_dir(p)) \
			for (int i = 0; i < n; i++) \
				if ((*list)[i]->d_type == DT_REG) \
					(*list)[i]->d_type = DT_CHR; \
		return n; \
	}
SCANDIR(scandir, struct dirent)
SCANDIR(scandir64, struct dirent64)

/* ---------------------------------------------------------------------------------- */
/* ioctl: a DRM driver's answers, as the kernel gives them. */

struct drm_driver_info {
	const char *name;
	int major, minor, patch;
	const char *date, *desc;
};

static const struct drm_driver_info drivers[] = {
	{ "i915", 1, 6, 0, "20201103", "Intel Graphics" },
	{ "xe", 1, 1, 0, "20201103", "Intel Xe2 Graphics" },
	{ "amdgpu", 3, 57, 0, "20150101", "AMD GPU" },
	{ "nvidia-drm", 0, 0, 0, "20160202", "NVIDIA DRM driver" },
	{ "simpledrm", 1, 0, 0, "20200625", "DRM driver for simple-framebuffer platform devices" },
	{ "vgem", 1, 0, 0, "20120112", "Virtual GEM provider" },
	{ "ast", 0, 1, 0, "20120228", "AST" },
	{ "bochs-drm", 1, 0, 0, "20130925", "bochs dispi vga interface (qemu stdvga)" },
};

static void copy_field(char *ubuf, size_t *ulen, const char *value)
{
	size_t len = strlen(value);
	if (len > *ulen)
		len = *ulen;
	*ulen = strlen(value);
	if (len && ubuf)
		memcpy(ubuf, value, len);
}

static const char *ioctl_name(unsigned long req)
{
	switch (req) {
	case DRM_IOCTL_VERSION: return "DRM_IOCTL_VERSION";
	case DRM_IOCTL_GET_UNIQUE: return "DRM_IOCTL_GET_UNIQUE";
	case DRM_IOCTL_GET_MAGIC: return "DRM_IOCTL_GET_MAGIC";
	case DRM_IOCTL_AUTH_MAGIC: return "DRM_IOCTL_AUTH_MAGIC";
	case DRM_IOCTL_GET_CAP: return "DRM_IOCTL_GET_CAP";
	case DRM_IOCTL_SET_CLIENT_CAP: return "DRM_IOCTL_SET_CLIENT_CAP";
	case DRM_IOCTL_I915_GETPARAM: return "DRM_IOCTL_I915_GETPARAM";
	default: return NULL;
	}
}

/* Returns 0 or a positive errno. */
static int drm_ioctl(const struct node_info *ni, unsigned long req, void *arg)
{
	bool render = (ni->minor >> 6) == 2;
	const struct drm_driver_info *drv = NULL;
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(drivers[i].name, ni->drm) == 0)
			drv = &drivers[i];
	if (!arg && _IOC_SIZE(req))
		return EFAULT;
	switch (req) {
	case DRM_IOCTL_VERSION: {
		struct drm_version *v = arg;
		v->version_major = drv ? drv->major : 1;
		v->version_minor = drv ? drv->minor : 0;
		v->version_patchlevel = drv ? drv->patch : 0;
		copy_field(v->name, &v->name_len, ni->drm);
		copy_field(v->date, &v->date_len, drv ? drv->date : "20200101");
		copy_field(v->desc, &v->desc_len, drv ? drv->desc : ni->drm);
		return 0;
	}
	case DRM_IOCTL_GET_CAP: {
		struct drm_get_cap *c = arg;
		switch (c->capability) {
		case DRM_CAP_TIMESTAMP_MONOTONIC: c->value = 1; return 0;
		case DRM_CAP_PRIME: c->value = DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT; return 0;
		case DRM_CAP_SYNCOBJ: case DRM_CAP_SYNCOBJ_TIMELINE: c->value = 1; return 0;
		case DRM_CAP_DUMB_BUFFER: case DRM_CAP_VBLANK_HIGH_CRTC:
		case DRM_CAP_ADDFB2_MODIFIERS: case DRM_CAP_CRTC_IN_VBLANK_EVENT:
		case DRM_CAP_ASYNC_PAGE_FLIP: case DRM_CAP_PAGE_FLIP_TARGET:
			c->value = 1; return 0;
		case DRM_CAP_DUMB_PREFERRED_DEPTH: c->value = 24; return 0;
		case DRM_CAP_DUMB_PREFER_SHADOW: c->value = 0; return 0;
		case DRM_CAP_CURSOR_WIDTH: case DRM_CAP_CURSOR_HEIGHT: c->value = 256; return 0;
		default: return EINVAL;
		}
	}
	case DRM_IOCTL_I915_GETPARAM: {
		if (strcmp(ni->drm, "i915") != 0)
			return EINVAL;
		drm_i915_getparam_t *g = arg;
		switch (g->param) {
		case I915_PARAM_CHIPSET_ID: *g->value = (int)ni->device; return 0;
		case I915_PARAM_REVISION: *g->value = (int)ni->revision; return 0;
		default: return EINVAL;
		}
	}
	}
	/* The rest are not DRM_RENDER_ALLOW: a render node refuses them. */
	if (ioctl_name(req) && render)
		return EACCES;
	switch (req) {
	case DRM_IOCTL_GET_UNIQUE: {
		struct drm_unique *u = arg;
		size_t len = strlen(ni->busid);
		if (u->unique_len >= len && u->unique)
			memcpy(u->unique, ni->busid, len);
		u->unique_len = len;
		return 0;
	}
	case DRM_IOCTL_GET_MAGIC: {
		struct drm_auth *a = arg;
		a->magic = 0x100 + ni->minor;
		return 0;
	}
	case DRM_IOCTL_AUTH_MAGIC:
		return 0;
	case DRM_IOCTL_SET_CLIENT_CAP: {
		struct drm_set_client_cap *c = arg;
		if (c->capability < DRM_CLIENT_CAP_STEREO_3D || c->capability > 6 || c->value > 1)
			return EINVAL;
		return 0;
	}
	}
	return EINVAL;
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
	REAL(ioctl);
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	char name[256];
	struct node_info ni;
	if (!fake_root() || !node_of_fd(fd, name, sizeof(name)) || !read_node(name, &ni))
		return real_ioctl(fd, req, arg);
	if (_IOC_TYPE(req) != DRM_IOCTL_BASE) {
		trace("ioctl /dev/dri/%s 0x%lx -> passed on", name, req);
		return real_ioctl(fd, req, arg);
	}
	int e = drm_ioctl(&ni, req, arg);
	const char *n = ioctl_name(req);
	char num[32];
	if (!n) {
		snprintf(num, sizeof(num), "0x%lx", req);
		n = num;
	}
	if (e) {
		trace("ioctl /dev/dri/%s %s -> %s", name, n, e == EACCES ? "EACCES" :
		      e == EINVAL ? "EINVAL" : "EFAULT");
		errno = e;
		return -1;
	}
	trace("ioctl /dev/dri/%s %s", name, n);
	return 0;
}

/* ---------------------------------------------------------------------------------- */
/* extended attributes (ls -l asks for ACLs and SELinux labels) */
#include <sys/xattr.h>

#define GETXATTR(fn) \
	EXPORT ssize_t fn(const char *path, const char *attr, void *value, size_t size) \
	{ \
		REAL(fn); \
		char buf[PATH_MAX]; \
		return real_##fn(map(path, buf, sizeof(buf)), attr, value, size); \
	}
GETXATTR(getxattr)
GETXATTR(lgetxattr)

#define LISTXATTR(fn) \
	EXPORT ssize_t fn(const char *path, char *list, size_t size) \
	{ \
		REAL(fn); \
		char buf[PATH_MAX]; \
		return real_##fn(map(path, buf, sizeof(buf)), list, size); \
	}
LISTXATTR(listxattr)
LISTXATTR(llistxattr)

/* ---------------------------------------------------------------------------------- */
/* Under valgrind: the exec family checks the program before it is replaced.
 *
 * make check-valgrind runs this project's programs under memcheck and lets an exec
 * replace them natively (tests/harness/valgrind-run). Memcheck judges a program when it
 * exits, which an exec never does: the wrapper's own code before it executes ffmpeg would
 * go unchecked. So, in a program running under valgrind, each exec first runs a leak
 * search and counts memcheck's errors; with a definitely lost block or an error it does
 * not execute, but exits 99 as valgrind's --error-exitcode=99 would, with one line on
 * stderr (memcheck's own report precedes it). Natively RUNNING_ON_VALGRIND is 0 and the
 * calls go straight through. The variadic execl family is not wrapped: nothing of the
 * project calls it. Without valgrind's headers (valgrind is not installed: a package
 * build's make all) there is no check, nor any valgrind to need it. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define SHIM_EXEC_CHECK 1
#endif
#endif

static void exec_check(const char *what)
{
#ifdef SHIM_EXEC_CHECK
	if (!RUNNING_ON_VALGRIND)
		return;
	unsigned long leaked = 0, dubious = 0, reachable = 0, suppressed = 0;
	VALGRIND_DO_LEAK_CHECK;
	VALGRIND_COUNT_LEAKS(leaked, dubious, reachable, suppressed);
	unsigned long errors = VALGRIND_COUNT_ERRORS;
	(void)dubious;
	(void)reachable;
	(void)suppressed;
	if (!leaked && !errors)
		return;
	fprintf(stderr, "libfakegpu: not executing %s: memcheck found %lu error(s) and %lu "
		"definitely lost byte(s) before the exec\n", what ? what : "(null)", errors,
		leaked);
	_exit(99);
#else
	(void)what;
#endif
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	REAL(execve);
	exec_check(path);
	return real_execve(path, argv, envp);
}

EXPORT int execv(const char *path, char *const argv[])
{
	REAL(execv);
	exec_check(path);
	return real_execv(path, argv);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	REAL(execvp);
	exec_check(file);
	return real_execvp(file, argv);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	REAL(execvpe);
	exec_check(file);
	return real_execvpe(file, argv, envp);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	REAL(fexecve);
	exec_check("a file descriptor");
	return real_fexecve(fd, argv, envp);
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
		    int flags)
{
	REAL(execveat);
	exec_check(path);
	return real_execveat(dirfd, path, argv, envp, flags);
}

/* ---------------------------------------------------------------------------------- */
/* libdrm's node type, as libdrm 2.4.116 and later give it (FAKEGPU_LIBDRM=names)
 *
 * libva asks drmGetNodeTypeFromFd() whether its fd is a render node. Debian 12's libdrm
 * (2.4.114) answers from the minor alone (minor / 64: 0 primary, 2 render), so a node of
 * the kernel's extended range (minor 192 and up, Linux 6.12) is no DRM node to it and
 * vaGetDisplayDRM() fails. Newer libdrm looks for the node's kernel name instead:
 * /dev/dri/card<minor>, then /dev/dri/renderD<minor> (drmGetMinorType() by access()). With
 * FAKEGPU_LIBDRM=names this preloaded definition answers that way, so that a test can run
 * a program as it would run with that libdrm; otherwise it is libdrm's own. */
int drmGetNodeTypeFromFd(int fd);
EXPORT int drmGetNodeTypeFromFd(int fd)
{
	const char *mode = getenv("FAKEGPU_LIBDRM");
	struct stat st;
	char path[64];

	if (!mode || strcmp(mode, "names") != 0) {
		/* libdrm's own: libva may have come with dlopen(RTLD_LOCAL) (libvadiscover
		 * loads it so), where RTLD_NEXT does not look; the loaded libdrm.so.2 does. */
		static int (*real)(int);
		if (!real) {
			void *h = dlopen("libdrm.so.2", RTLD_NOW | RTLD_NOLOAD);
			if (h) {
				real = (int (*)(int))dlsym(h, "drmGetNodeTypeFromFd");
				dlclose(h);
			}
		}
		if (!real) {
			errno = ENOSYS;
			return -1;
		}
		return real(fd);
	}
	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != DRM_MAJOR_NR) {
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof(path), "/dev/dri/card%u", minor(st.st_rdev));
	if (access(path, F_OK) == 0)
		return 0;	/* DRM_NODE_PRIMARY */
	snprintf(path, sizeof(path), "/dev/dri/renderD%u", minor(st.st_rdev));
	if (access(path, F_OK) == 0)
		return 2;	/* DRM_NODE_RENDER */
	errno = ENODEV;
	return -1;
}
