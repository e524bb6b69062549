/* Where the tool runs and the machine's set-up files: see host.h. */
#include "vadiscover/tool/host.h"
#include "vadiscover/tool/tool.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

void host_path(const char *root, const char *rel, char *out, size_t len)
{
	tool_sfmt(out, len, "%s%s", strcmp(root, "/") == 0 ? "" : root, rel);
}

int host_read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return (int)n;
}

bool host_read_number(const char *path, long *out)
{
	char buf[64], *end;

	if (host_read_text(path, buf, sizeof(buf)) <= 0)
		return false;
	errno = 0;
	*out = strtol(buf, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	return errno == 0 && end != buf && !*end;
}

int host_read_under(const char *root, const char *rel, char *buf, size_t len)
{
	char p[PATH_MAX];

	host_path(root, rel, p, sizeof(p));
	return host_read_text(p, buf, len);
}

void host_detect(const char *root, struct host_env *env)
{
	char buf[4096], p[PATH_MAX];

	memset(env, 0, sizeof(*env));
	if (host_read_under(root, "/run/systemd/container", buf, sizeof(buf)) > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		tool_sfmt(env->container, sizeof(env->container), "%s", buf);
	} else if (host_path(root, "/.dockerenv", p, sizeof(p)), access(p, F_OK) == 0) {
		tool_sfmt(env->container, sizeof(env->container), "docker");
	} else if (host_path(root, "/run/.containerenv", p, sizeof(p)), access(p, F_OK) == 0) {
		tool_sfmt(env->container, sizeof(env->container), "podman");
	}
	/* The identity map is "0 0 4294967295" outside any user namespace. */
	if (host_read_under(root, "/proc/self/uid_map", buf, sizeof(buf)) > 0) {
		unsigned long in, out, count;

		if (sscanf(buf, "%lu %lu %lu", &in, &out, &count) == 3)
			env->userns = !(in == 0 && out == 0 && count == 4294967295UL);
	}
}

bool host_kernel_node_name(dev_t rdev, char *buf, size_t len)
{
	char p[64], link[PATH_MAX];
	ssize_t l;
	const char *base;

	tool_sfmt(p, sizeof(p), "/sys/dev/char/%u:%u", major(rdev), minor(rdev));
	l = readlink(p, link, sizeof(link) - 1);
	if (l <= 0)
		return false;
	link[l] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (strncmp(base, "renderD", 7) != 0 && strncmp(base, "card", 4) != 0)
		return false;
	tool_sfmt(buf, len, "%s", base);
	return true;
}

/* ---------------------------------------------------------------------------------- */
/* Proxmox VE */

void pve_ct_load(const char *root, unsigned int id, struct pve_ct *ct)
{
	char p[PATH_MAX], rel[64], line[4096];
	bool current = true, pending = false;
	FILE *f;

	memset(ct, 0, sizeof(*ct));
	tool_sfmt(rel, sizeof(rel), "/etc/pve/lxc/%u.conf", id);
	host_path(root, rel, p, sizeof(p));
	f = fopen(p, "re");
	if (!f)
		return;
	ct->found = true;
	while (fgets(line, sizeof(line), f)) {
		unsigned int n;
		int end = 0;

		if (line[0] == '[') {
			/* parse_pct_config: [pve:pending] holds changes not yet applied (the
			 * devN they add are taken), any other [name] is a snapshot. */
			pending = strncasecmp(line, "[pve:pending]", 13) == 0;
			current = false;
			ct->snapshots |= !pending;
			continue;
		}
		if (!current && !pending)
			continue;
		/* Keys start the line: "dev0: /dev/dri/renderD132,gid=104". */
		if (sscanf(line, "dev%u:%n", &n, &end) == 1 && end > 0 && n < 256) {
			char *value = tool_trim(line + end), *comma = strchr(value, ',');
			struct stat st;

			ct->used[n] = 1;
			if (comma)
				*comma = '\0';
			if (strncmp(value, "path=", 5) == 0)
				value += 5;
			if (current && stat(value, &st) == 0 && S_ISCHR(st.st_mode))
				ct->given[n] = st.st_rdev;
		} else if (current && strncmp(line, "rootfs:", 7) == 0) {
			tool_sfmt(ct->rootfs, sizeof(ct->rootfs), "%s", tool_trim(line + 7));
		}
	}
	fclose(f);
}

/* The storage @name's type and its "path" (dir) or "pool"/"mountpoint" (zfspool) from
 * /etc/pve/storage.cfg: "TYPE: NAME" starts a section, indented "key value" lines follow. */
static bool storage_dir(const char *root, const char *name, char *type, size_t tlen,
			char *dir, size_t dlen)
{
	char p[PATH_MAX], line[1024], pool[256] = "", mountpoint[256] = "", path[256] = "";
	bool in = false, found = false;
	FILE *f;

	host_path(root, "/etc/pve/storage.cfg", p, sizeof(p));
	f = fopen(p, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!isspace((unsigned char)line[0])) {
			char t[64], n[128];

			in = sscanf(line, "%63[^:]: %127s", t, n) == 2 && strcmp(n, name) == 0;
			if (in) {
				tool_sfmt(type, tlen, "%s", t);
				found = true;
			}
			continue;
		}
		if (!in)
			continue;
		char *s = tool_trim(line), key[32], value[256];

		if (sscanf(s, "%31s %255s", key, value) != 2)
			continue;
		if (strcmp(key, "pool") == 0)
			tool_sfmt(pool, sizeof(pool), "%s", value);
		else if (strcmp(key, "mountpoint") == 0)
			tool_sfmt(mountpoint, sizeof(mountpoint), "%s", value);
		else if (strcmp(key, "path") == 0)
			tool_sfmt(path, sizeof(path), "%s", value);
	}
	fclose(f);
	if (!found)
		return false;
	if (strcmp(type, "zfspool") == 0 && (mountpoint[0] || pool[0])) {
		/* A dataset's default mountpoint is /POOL/DATASET. */
		if (mountpoint[0])
			tool_sfmt(dir, dlen, "%s", mountpoint);
		else
			tool_sfmt(dir, dlen, "/%s", pool);
		return true;
	}
	if (strcmp(type, "dir") == 0 && path[0]) {
		tool_sfmt(dir, dlen, "%s", path);
		return true;
	}
	return false;
}

static bool has_group_file(const char *root, const char *dir, char *out, size_t len)
{
	char rel[PATH_MAX], p[PATH_MAX];

	tool_sfmt(rel, sizeof(rel), "%s/etc/group", dir);
	host_path(root, rel, p, sizeof(p));
	if (access(p, R_OK) != 0)
		return false;
	host_path(root, dir, out, len);
	return true;
}

bool pve_ct_rootfs_dir(const char *root, unsigned int id, const struct pve_ct *ct,
		       char *out, size_t len, char *why, size_t whylen)
{
	char vol[256], rel[PATH_MAX], type[32] = "", base[PATH_MAX];
	char *colon;

	/* pct mount ID mounts it here, whatever the storage. */
	tool_sfmt(rel, sizeof(rel), "/var/lib/lxc/%u/rootfs", id);
	if (has_group_file(root, rel, out, len))
		return true;
	tool_sfmt(vol, sizeof(vol), "%s", ct->rootfs);
	vol[strcspn(vol, ",")] = '\0';
	if (!vol[0]) {
		tool_sfmt(why, whylen, "its config has no rootfs");
		return false;
	}
	if (vol[0] == '/') { /* a directory given as it is */
		if (has_group_file(root, vol, out, len))
			return true;
		tool_sfmt(why, whylen, "its rootfs %s has no etc/group", vol);
		return false;
	}
	colon = strchr(vol, ':');
	if (!colon) {
		tool_sfmt(why, whylen, "its rootfs %s names no storage", vol);
		return false;
	}
	*colon = '\0';
	const char *volname = colon + 1;

	if (strncmp(volname, "subvol-", 7) != 0) {
		tool_sfmt(why, whylen, "its rootfs %s:%s is a disk image, not a directory",
			 vol, volname);
		return false;
	}
	if (!storage_dir(root, vol, type, sizeof(type), base, sizeof(base))) {
		tool_sfmt(why, whylen, "storage %s is not a ZFS or directory storage in "
			 "/etc/pve/storage.cfg", vol);
		return false;
	}
	if (strcmp(type, "dir") == 0)
		tool_sfmt(rel, sizeof(rel), "%s/images/%u/%s", base, id, volname);
	else
		tool_sfmt(rel, sizeof(rel), "%s/%s", base, volname);
	if (has_group_file(root, rel, out, len))
		return true;
	tool_sfmt(why, whylen, "%s/etc/group cannot be read", rel);
	return false;
}

bool pve_container_version(const char *root, char *buf, size_t len)
{
	char p[PATH_MAX], line[1024];
	bool in = false, found = false;
	FILE *f;

	host_path(root, "/var/lib/dpkg/status", p, sizeof(p));
	f = fopen(p, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Package:", 8) == 0)
			in = strcmp(tool_trim(line + 8), "pve-container") == 0;
		else if (in && strncmp(line, "Version:", 8) == 0) {
			tool_sfmt(buf, len, "%s", tool_trim(line + 8));
			found = true;
		}
	}
	fclose(f);
	return found;
}

int host_version_cmp(const char *a, const char *b)
{
	for (;;) {
		int da = isdigit((unsigned char)*a) != 0, db = isdigit((unsigned char)*b) != 0;
		char *ea, *eb;

		if (!da || !db)
			return da - db; /* the one with more numbers is newer */
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

		if (x != y)
			return x < y ? -1 : 1;
		a = ea + (*ea == '.');
		b = eb + (*eb == '.');
	}
}
