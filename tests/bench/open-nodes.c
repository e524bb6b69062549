/*
 * LD_PRELOAD for make bench-floor, and nothing else: open() of a node in /dev/dri that the
 * kernel refuses with ENXIO (a real 226:N node made with mknod on a machine without that
 * device) opens /dev/null instead, so that the wrapper's access check and the probe cache's
 * "the node must open now" pass as on the machine the topology describes. Every other call
 * is glibc's own; only a failing open costs more (one syscall). Unlike the harness's shim
 * it translates no path and answers no ioctl.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);

static bool is_dri(const char *path)
{
	return path && strncmp(path, "/dev/dri/", 9) == 0;
}

static int retry(int fd, const char *path, int flags)
{
	if (fd >= 0 || errno != ENXIO || !is_dri(path))
		return fd;
	static open_fn real;

	if (!real)
		real = (open_fn)dlsym(RTLD_NEXT, "open");
	return real("/dev/null", flags & ~(O_CREAT | O_TMPFILE));
}

static mode_t mode_of(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

#define OPEN(name)                                                                   \
	EXPORT int name(const char *path, int flags, ...)                            \
	{                                                                            \
		va_list ap;                                                          \
		va_start(ap, flags);                                                 \
		mode_t mode = mode_of(flags, ap);                                    \
		va_end(ap);                                                          \
		static open_fn real;                                                 \
		if (!real)                                                           \
			real = (open_fn)dlsym(RTLD_NEXT, #name);                     \
		int fd = real(path, flags, mode);                                    \
		return retry(fd, path, flags);                                       \
	}
#define OPENAT(name)                                                                 \
	EXPORT int name(int dirfd, const char *path, int flags, ...)                 \
	{                                                                            \
		va_list ap;                                                          \
		va_start(ap, flags);                                                 \
		mode_t mode = mode_of(flags, ap);                                    \
		va_end(ap);                                                          \
		static openat_fn real;                                               \
		if (!real)                                                           \
			real = (openat_fn)dlsym(RTLD_NEXT, #name);                   \
		int fd = real(dirfd, path, flags, mode);                             \
		return retry(fd, path, flags);                                       \
	}

OPEN(open)
OPEN(open64)
OPENAT(openat)
OPENAT(openat64)
