/* What the machine's files set at boot: see bootconf.h. */
#include "vadiscover/tool/bootconf.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vadiscover/tool/host.h"
#include "vadiscover/tool/tool.h"

/* Whether the absolute sysfs path @path names the file @file: the same after resolving its
 * directory (a path through /sys/bus/pci/devices/ is a link to /sys/devices/...). */
static bool same_sysfs_file(const char *path, const char *file)
{
	char dir[PATH_MAX], real[PATH_MAX], full[PATH_MAX + 64];
	const char *slash = strrchr(path, '/');

	if (strcmp(path, file) == 0)
		return true;
	if (!slash || strncmp(path, "/sys/", 5) != 0)
		return false;
	tool_sfmt(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (!realpath(dir, real))
		return false;
	tool_sfmt(full, sizeof(full), "%s%s", real, slash);
	return strcmp(full, file) == 0;
}

/* Reads one line of a config file; true when it set the value (into @out). */
typedef bool line_fn(char *line, const char *file, const char *slot, const char *where,
		     struct boot_setting *out);

static bool scan_file(const char *path, const char *where, line_fn *fn, const char *file,
		      const char *slot, struct boot_setting *out)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	bool hit = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		hit |= fn(line, file, slot, where, out);
	fclose(f);
	return hit;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Every file of @dirs (relative to @root, in precedence order) ending in @suffix, once per
 * name (the first directory's wins), sorted by name. Stops at the first file that sets
 * the value when @first. */
static void scan_dirs(const char *root, const char *const *dirs, const char *suffix,
		      line_fn *fn, const char *file, const char *slot, bool first,
		      struct boot_setting *out)
{
	char names[64][256];
	size_t n = 0, sl = strlen(suffix);

	for (size_t d = 0; dirs[d]; d++) {
		char p[PATH_MAX];
		struct dirent **ents = NULL;
		int k;

		host_path(root, dirs[d], p, sizeof(p));
		k = scandir(p, &ents, NULL, alphasort);
		for (int i = 0; i < k; i++) {
			const char *name = ents[i]->d_name;
			size_t l = strlen(name);
			bool seen = false;

			for (size_t j = 0; j < n && !seen; j++)
				seen = strcmp(names[j], name) == 0;
			if (!seen && l > sl && strcmp(name + l - sl, suffix) == 0 && n < 64)
				tool_sfmt(names[n++], sizeof(names[0]), "%s", name);
			free(ents[i]);
		}
		free(ents);
	}
	/* In name order, as systemd and kmod take them; the file from the first directory. */
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t j = 0; j < n; j++) {
		for (size_t d = 0; dirs[d]; d++) {
			char rel[PATH_MAX], p[PATH_MAX];

			tool_sfmt(rel, sizeof(rel), "%s/%s", dirs[d], names[j]);
			host_path(root, rel, p, sizeof(p));
			FILE *f = fopen(p, "re");

			if (!f)
				continue;
			fclose(f);
			if (scan_file(p, rel, fn, file, slot, out) && first)
				return;
			break;
		}
	}
}

/* sysfsutils: "ATTR = VALUE", ATTR relative to /sys; the value one word. */
static bool sysfs_line(char *line, const char *file, const char *slot, const char *where,
		       struct boot_setting *out)
{
	char *eq, *attr, *value, path[PATH_MAX];

	(void)slot;
	line[strcspn(line, "#")] = '\0';
	eq = strchr(line, '=');
	if (!eq)
		return false;
	*eq = '\0';
	attr = tool_trim(line);
	value = tool_trim(eq + 1);
	if (!*attr || strpbrk(attr, " \t") || !*value || strpbrk(value, " \t"))
		return false; /* "mode ATTR = ...", "owner ...", or what sysfsutils rejects */
	tool_sfmt(path, sizeof(path), "/sys/%s", attr);
	if (!same_sysfs_file(path, file))
		return false;
	out->found = true;
	tool_sfmt(out->where, sizeof(out->where), "%s", where);
	tool_sfmt(out->value, sizeof(out->value), "%s", value);
	return true; /* a later line still wins: sysfsutils writes them in order */
}

/* tmpfiles.d: "w[+!-=~^] PATH MODE USER GROUP AGE ARGUMENT". */
static bool tmpfiles_line(char *line, const char *file, const char *slot, const char *where,
			  struct boot_setting *out)
{
	char type[16], path[PATH_MAX], arg[256];
	int used = 0;

	(void)slot;
	line = tool_trim(line);
	if (line[0] != 'w' || sscanf(line, "%15s %4095s %*s %*s %*s %*s %n", type, path, &used) < 2 ||
	    !used || strspn(type + 1, "+!-=~^") != strlen(type + 1))
		return false;
	tool_sfmt(arg, sizeof(arg), "%s", tool_trim(line + used));
	if (!arg[0] || !same_sysfs_file(path, file))
		return false;
	out->found = true;
	tool_sfmt(out->where, sizeof(out->where), "%s", where);
	tool_sfmt(out->value, sizeof(out->value), "%s", arg);
	return true;
}

/* udev: a rule with KERNEL=="SLOT" and ATTR{NAME}="VALUE" (an assignment, not a match). */
static bool udev_line(char *line, const char *file, const char *slot, const char *where,
		      struct boot_setting *out)
{
	const char *name = strrchr(file, '/') + 1;
	char kernel[300], assign[300];
	const char *a, *v;

	if (tool_trim(line)[0] == '#' || !slot)
		return false;
	tool_sfmt(kernel, sizeof(kernel), "KERNEL==\"%s\"", slot);
	tool_sfmt(assign, sizeof(assign), "ATTR{%s}=\"", name);
	if (!strstr(line, kernel) || !(a = strstr(line, assign)))
		return false;
	v = a + strlen(assign);
	out->found = true;
	tool_sfmt(out->where, sizeof(out->where), "%s", where);
	tool_sfmt(out->value, sizeof(out->value), "%.*s", (int)strcspn(v, "\""), v);
	return true;
}

void boot_sysfs_setting(const char *root, const char *file, const char *slot,
			struct boot_setting *out)
{
	static const char *const sysfs_d[] = { "/etc/sysfs.d", NULL };
	static const char *const tmpfiles[] = { "/etc/tmpfiles.d", "/run/tmpfiles.d",
						"/usr/lib/tmpfiles.d", NULL };
	static const char *const udev[] = { "/etc/udev/rules.d", "/run/udev/rules.d",
					    "/usr/lib/udev/rules.d", "/lib/udev/rules.d", NULL };
	char p[PATH_MAX];

	memset(out, 0, sizeof(*out));
	host_path(root, "/etc/sysfs.conf", p, sizeof(p));
	scan_file(p, "/etc/sysfs.conf", sysfs_line, file, slot, out);
	scan_dirs(root, sysfs_d, ".conf", sysfs_line, file, slot, false, out);
	if (!out->found)
		scan_dirs(root, tmpfiles, ".conf", tmpfiles_line, file, slot, false, out);
	if (!out->found)
		scan_dirs(root, udev, ".rules", udev_line, file, slot, true, out);
}

/* modprobe.d: "options MODULE PARAM=VALUE ..."; the last one read wins. */
static bool options_line(char *line, const char *module, const char *param,
			 const char *where, struct boot_setting *out)
{
	char *save = NULL, *w;
	size_t pl = strlen(param);
	bool hit = false;

	line[strcspn(line, "#")] = '\0';
	w = strtok_r(line, " \t\n", &save);
	if (!w || strcmp(w, "options") != 0)
		return false;
	w = strtok_r(NULL, " \t\n", &save);
	/* kmod treats - and _ in module names alike. */
	if (!w || strlen(w) != strlen(module))
		return false;
	for (size_t i = 0; w[i]; i++)
		if (w[i] != module[i] && !(strchr("-_", w[i]) && strchr("-_", module[i])))
			return false;
	while ((w = strtok_r(NULL, " \t\n", &save))) {
		if (strncmp(w, param, pl) == 0 && w[pl] == '=') {
			out->found = true;
			tool_sfmt(out->where, sizeof(out->where), "%s", where);
			tool_sfmt(out->value, sizeof(out->value), "%s", w + pl + 1);
			hit = true;
		}
	}
	return hit;
}

/* scan_dirs() passes the module and the parameter as "file" and "slot". */
static bool options_fn(char *line, const char *module, const char *param, const char *where,
		       struct boot_setting *out)
{
	return options_line(line, module, param, where, out);
}

void boot_module_param(const char *root, const char *module, const char *param,
		       struct boot_setting *out)
{
	static const char *const dirs[] = { "/etc/modprobe.d", "/run/modprobe.d",
					    "/usr/lib/modprobe.d", "/lib/modprobe.d", NULL };
	char p[PATH_MAX], buf[4096], key[128];
	FILE *f;

	memset(out, 0, sizeof(*out));
	scan_dirs(root, dirs, ".conf", options_fn, module, param, false, out);
	/* The command line's MODULE.PARAM= comes after modprobe.d's options: it wins. */
	host_path(root, "/proc/cmdline", p, sizeof(p));
	f = fopen(p, "re");
	if (!f)
		return;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);

	fclose(f);
	buf[n] = '\0';
	tool_sfmt(key, sizeof(key), "%s.%s=", module, param);
	for (char *save = NULL, *w = strtok_r(buf, " \t\n", &save); w;
	     w = strtok_r(NULL, " \t\n", &save)) {
		if (strncmp(w, key, strlen(key)) == 0) {
			out->found = true;
			tool_sfmt(out->where, sizeof(out->where), "the kernel command line");
			tool_sfmt(out->value, sizeof(out->value), "%s", w + strlen(key));
		}
	}
}
