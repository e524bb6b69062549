/* Accounts and groups as /etc/passwd and /etc/group under a root say: see account.h. */
#include "vadiscover/tool/account.h"
#include "vadiscover/tool/host.h"
#include "vadiscover/tool/tool.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cuts a passwd or group line into its first four ':'-separated fields (the line's
 * newline dropped); false when it has fewer. */
static bool split_fields(char *line, char *fields[4])
{
	char *s = line;

	line[strcspn(line, "\n")] = '\0';
	for (int i = 0; i < 4; i++) {
		if (!s)
			return false;
		fields[i] = s;
		s = strchr(s, ':');
		if (s)
			*s++ = '\0';
	}
	return true;
}

/* Fills @a from /etc/passwd (by name, or by uid when @name is NULL) and /etc/group. */
bool account_lookup(const char *root, const char *name, unsigned int uid, struct account *a)
{
	char p[PATH_MAX], line[1024];
	FILE *f;
	bool found = false;

	memset(a, 0, sizeof(*a));
	host_path(root, "/etc/passwd", p, sizeof(p));
	f = fopen(p, "re");
	if (f) {
		while (!found && fgets(line, sizeof(line), f)) {
			char *fields[4];

			if (!split_fields(line, fields))
				continue;
			unsigned int u = (unsigned int)strtoul(fields[2], NULL, 10);

			if (name ? strcmp(fields[0], name) == 0 : u == uid) {
				tool_sfmt(a->name, sizeof(a->name), "%s", fields[0]);
				a->uid = u;
				a->gid = (unsigned int)strtoul(fields[3], NULL, 10);
				found = true;
			}
		}
		fclose(f);
	}
	if (!found)
		return false;
	a->groups[a->ngroups++] = a->gid;
	host_path(root, "/etc/group", p, sizeof(p));
	f = fopen(p, "re");
	if (!f)
		return true;
	while (fgets(line, sizeof(line), f) && a->ngroups < ACCOUNT_MAX_GROUPS) {
		char *fields[4];

		if (!split_fields(line, fields))
			continue;
		for (char *m = strtok(fields[3], ","); m; m = strtok(NULL, ","))
			if (strcmp(m, a->name) == 0)
				a->groups[a->ngroups++] = (unsigned int)strtoul(fields[2], NULL, 10);
	}
	fclose(f);
	return true;
}

/* A group's name by id, or its id by name (@gid -1), from /etc/group under the root. */
bool account_group(const char *root, const char *name, long *gid, char *out, size_t len)
{
	char p[PATH_MAX], line[1024];
	FILE *f;
	bool found = false;

	host_path(root, "/etc/group", p, sizeof(p));
	f = fopen(p, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		char *end;
		long g;

		*c1 = '\0';
		errno = 0;
		g = strtol(c2 + 1, &end, 10);
		if (errno || end == c2 + 1 || *end != ':' || g < 0)
			continue; /* no group id: no group */
		if (name ? strcmp(line, name) == 0 : g == *gid) {
			*gid = g;
			if (out)
				tool_sfmt(out, len, "%s", line);
			found = true;
		}
	}
	fclose(f);
	return found;
}
