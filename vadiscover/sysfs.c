/*
 * Reading sysfs attributes and links: small bounded reads, strict parsing. A malformed
 * attribute is -EINVAL, never a crash and never a guess.
 *
 * SPDX-License-Identifier: MIT
 *
 * Only open/read/readlink/realpath are used (no stdio, no nftw/fts/glob/scandir): the test
 * suite interposes exactly those calls to point /sys at a simulated kernel.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vadiscover/vad-private.h"

static int sysfs_join(char *out, size_t len, const char *dir, const char *attr)
{
	int n = snprintf(out, len, "%s/%s", dir, attr);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int vad__sysfs_read(const char *dir, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	size_t used = 0;
	int fd, r;

	if (len < 2)
		return -EINVAL;
	r = sysfs_join(path, sizeof(path), dir, attr);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* Read one byte more than fits, so that an overlong value is an error, not a
	 * silently truncated (and wrongly parsed) one. */
	for (;;) {
		ssize_t n = read(fd, buf + used, len - used);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used == len) {
			close(fd);
			return -EINVAL;
		}
		/* A sysfs or proc attribute comes whole in one read: a short one is the end
		 * (asking again would only be told so). */
		if (used < len)
			break;
	}
	close(fd);
	if (memchr(buf, '\0', used))
		return -EINVAL;
	while (used > 0 && (buf[used - 1] == '\n'))
		used--;
	buf[used] = '\0';
	return 0;
}

int vad__parse_hex_id(const char *text, unsigned int max_digits)
{
	unsigned int value = 0, digits = 0;
	const char *p;

	if (!text || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
		return -EINVAL;
	for (p = text + 2; *p; p++) {
		int v;

		if (!isxdigit((unsigned char)*p))
			return -EINVAL;
		if (++digits > max_digits)
			return -EINVAL;
		v = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
		value = value * 16 + (unsigned int)v;
	}
	if (digits == 0)
		return -EINVAL;
	return (int)value;
}

int vad__sysfs_read_id(const char *dir, const char *attr, unsigned int max_digits)
{
	char buf[32];
	int r = vad__sysfs_read(dir, attr, buf, sizeof(buf));

	if (r < 0)
		return r == -ENOENT ? -ENOENT : -EINVAL;
	return vad__parse_hex_id(buf, max_digits);
}

int vad__sysfs_read_uint(const char *dir, const char *attr)
{
	char buf[32];
	unsigned long v = 0;
	const char *p;
	int r = vad__sysfs_read(dir, attr, buf, sizeof(buf));

	if (r < 0)
		return r == -ENOENT ? -ENOENT : -EINVAL;
	if (!buf[0])
		return -EINVAL;
	for (p = buf; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > INT_MAX)
			return -EINVAL;
	}
	return (int)v;
}

/* The target of the link @dir/@attr into @target (NUL-terminated): its length, or -errno. */
static ssize_t read_link(const char *dir, const char *attr, char *target, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int r = sysfs_join(path, sizeof(path), dir, attr);

	if (r < 0)
		return r;
	n = readlink(path, target, size);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	target[n] = '\0';
	return n;
}

int vad__sysfs_link_name(const char *dir, const char *attr, char **out)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	*out = NULL;
	n = read_link(dir, attr, target, sizeof(target));
	if (n < 0)
		return (int)n;
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base)
		return -EINVAL;
	*out = strdup(base);
	return *out ? 0 : -ENOMEM;
}

int vad__sysfs_link_path(const char *dir, const char *attr, char **out)
{
	char path[PATH_MAX], target[PATH_MAX], *res, *p;
	size_t len = 0;
	ssize_t n;

	*out = NULL;
	n = read_link(dir, attr, target, sizeof(target));
	if (n < 0)
		return (int)n;
	/* @dir, then the target's components, ".." taking one back: the kernel's links are
	 * relative to a directory that has no symlink in its path (the caller's promise). */
	res = malloc(strlen(dir) + (size_t)n + 3);
	if (!res)
		return -ENOMEM;
	res[0] = '\0';
	for (int part = target[0] == '/' ? 1 : 0; part < 2; part++) {
		char *save = NULL;

		snprintf(path, sizeof(path), "%s", part ? target : dir);
		for (p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
			if (strcmp(p, ".") == 0)
				continue;
			if (strcmp(p, "..") == 0) {
				while (len > 0 && res[len - 1] != '/')
					len--;
				if (len > 0)
					len--;	/* the slash */
				res[len] = '\0';
				continue;
			}
			res[len++] = '/';
			memcpy(res + len, p, strlen(p) + 1);
			len += strlen(p);
		}
	}
	if (len == 0) {
		res[0] = '/';
		res[1] = '\0';
	}
	*out = res;
	return 0;
}

bool vad__is_pci_slot(const char *text)
{
	size_t i, n = 0;

	/* Domain: 4..8 hex digits (VMD domains are 10000 and up). */
	while (isxdigit((unsigned char)text[n]))
		n++;
	if (n < 4 || n > 8 || text[n] != ':')
		return false;
	text += n + 1;
	for (i = 0; i < 2; i++)
		if (!isxdigit((unsigned char)text[i]))
			return false;
	if (text[2] != ':')
		return false;
	text += 3;
	for (i = 0; i < 2; i++)
		if (!isxdigit((unsigned char)text[i]))
			return false;
	if (text[2] != '.' || text[3] < '0' || text[3] > '7' || text[4] != '\0')
		return false;
	return true;
}
