/* Accounts and groups as /etc/passwd and /etc/group under a root directory (see host.h)
 * say, for doctor's access checks: the files of the system doctor looks at, which need
 * not be the one it runs on, so never getpwnam() and friends. */
#ifndef VAD_TOOL_ACCOUNT_H
#define VAD_TOOL_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#define ACCOUNT_MAX_GROUPS 64

struct account {
	char name[64];
	unsigned int uid, gid;
	unsigned int groups[ACCOUNT_MAX_GROUPS]; /* the primary group first */
	size_t ngroups;
};

/* Fills @a from ROOT/etc/passwd (by @name, or by @uid when @name is NULL) and the groups
 * ROOT/etc/group lists it in; false when /etc/passwd has no such account. */
bool account_lookup(const char *root, const char *name, unsigned int uid, struct account *a);

/* A group's id by @name, or with @name NULL its name (into @out, @len) by the id in
 * *@gid, from ROOT/etc/group; false when not there. */
bool account_group(const char *root, const char *name, long *gid, char *out, size_t len);

#endif
