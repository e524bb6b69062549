/* Proxmox guests and the devices given to them: see guests.h. */
#include "vadiscover/tool/guests.h"
#include "vadiscover/tool/tool.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define DRM_MAJOR 226

static int add(struct guests *g, const struct guest_use *u)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct guest_use *p = realloc(g->use, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		g->use = p;
		g->cap = cap;
	}
	g->use[g->n++] = *u;
	return 0;
}

/* A host path given to a container: its device number, or a directory of them. */
static int add_path(struct guests *g, struct guest_use *u, const char *path)
{
	struct stat st;

	if (strncmp(path, "/dev/", 5) != 0 || stat(path, &st) < 0)
		return 0;
	if (S_ISDIR(st.st_mode) && strcmp(path, "/dev/dri") == 0) {
		u->all_drm = true;
		u->rdev = 0;
		return add(g, u);
	}
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != DRM_MAJOR)
		return 0;
	u->all_drm = false;
	u->rdev = st.st_rdev;
	return add(g, u);
}

/* "c 226:132 rwm", "c 226:* rwm" */
static int add_allow(struct guests *g, struct guest_use *u, const char *value)
{
	unsigned int maj, min;
	char type;

	if (sscanf(value, " %c %u:%u", &type, &maj, &min) == 3 && type == 'c' &&
	    maj == DRM_MAJOR) {
		u->all_drm = false;
		u->rdev = makedev(maj, min);
		return add(g, u);
	}
	if (sscanf(value, " %c %u:*", &type, &maj) == 2 && type == 'c' && maj == DRM_MAJOR &&
	    strstr(value, ":*")) {
		u->all_drm = true;
		u->rdev = 0;
		return add(g, u);
	}
	return 0;
}

/* "0000:00:02.4", "00:02.4", "00:02" -> a normalised slot or slot prefix. */
static bool parse_hostpci_id(const char *id, char *out, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;
	int n = 0;

	if (sscanf(id, "%x:%x:%x.%x%n", &dom, &bus, &dev, &fn, &n) == 4 && !id[n])
		return snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, dev, fn) > 0;
	if (sscanf(id, "%x:%x.%x%n", &bus, &dev, &fn, &n) == 3 && !id[n])
		return snprintf(out, len, "0000:%02x:%02x.%x", bus, dev, fn) > 0;
	if (sscanf(id, "%x:%x:%x%n", &dom, &bus, &dev, &n) == 3 && !id[n])
		return snprintf(out, len, "%04x:%02x:%02x.", dom, bus, dev) > 0;
	if (sscanf(id, "%x:%x%n", &bus, &dev, &n) == 2 && !id[n])
		return snprintf(out, len, "0000:%02x:%02x.", bus, dev) > 0;
	return false;
}

/* "hostpci0: 0000:00:02.4,pcie=1" or "host=00:02.4;00:02.5,..." */
static int add_hostpci(struct guests *g, struct guest_use *u, char *value)
{
	char *opts = strchr(value, ',');
	char *save = NULL;

	if (opts)
		*opts = '\0';
	if (strncmp(value, "host=", 5) == 0)
		value += 5;
	else if (strchr(value, '='))
		return 0;	/* mapping=NAME: a cluster resource mapping, not resolved */
	for (char *id = strtok_r(value, ";", &save); id; id = strtok_r(NULL, ";", &save)) {
		if (!parse_hostpci_id(tool_trim(id), u->slot, sizeof(u->slot)))
			continue;
		if (add(g, u) < 0)
			return -ENOMEM;
	}
	return 0;
}

static bool is_indexed_key(const char *key, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(key, prefix, n) != 0 || !key[n])
		return false;
	for (const char *p = key + n; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

static int load_file(struct guests *g, const char *path, bool vm, unsigned int id)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	size_t first = g->n;
	char name[64] = "";
	int r = 0;

	if (!f)
		return 0;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		struct guest_use u = { .vm = vm, .id = id };
		char *key = tool_trim(line), *value = strchr(key, ':');

		if (key[0] == '[')
			break;	/* a snapshot section: not the current configuration */
		if (key[0] == '#' || !value)
			continue;
		*value++ = '\0';
		value = tool_trim(value);
		key = tool_trim(key);
		if (strcmp(key, vm ? "name" : "hostname") == 0) {
			snprintf(name, sizeof(name), "%s", value);
		} else if (!vm && is_indexed_key(key, "dev")) {
			char *comma = strchr(value, ',');

			if (comma)
				*comma = '\0';
			if (strncmp(value, "path=", 5) == 0)
				value += 5;
			r = add_path(g, &u, value);
		} else if (!vm && strcmp(key, "lxc.mount.entry") == 0) {
			char *src = strtok(value, " \t");

			if (src)
				r = add_path(g, &u, src);
		} else if (!vm && (strcmp(key, "lxc.cgroup2.devices.allow") == 0 ||
				   strcmp(key, "lxc.cgroup.devices.allow") == 0)) {
			r = add_allow(g, &u, value);
		} else if (vm && is_indexed_key(key, "hostpci")) {
			r = add_hostpci(g, &u, value);
		}
	}
	fclose(f);
	for (size_t i = first; i < g->n; i++)
		snprintf(g->use[i].name, sizeof(g->use[i].name), "%s", name);
	return r;
}

static int load_dir(struct guests *g, const char *root, const char *sub, bool vm)
{
	char dir[4096];
	struct dirent **ents = NULL;
	int n, r = 0;

	snprintf(dir, sizeof(dir), "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/",
		 sub);
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		unsigned int id;
		int end = 0;

		if (r == 0 && sscanf(ents[i]->d_name, "%u.conf%n", &id, &end) == 1 &&
		    !ents[i]->d_name[end]) {
			char path[8192];

			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			r = load_file(g, path, vm, id);
		}
		free(ents[i]);
	}
	free(ents);
	return r;
}

int guests_load(struct guests *g, const char *root)
{
	int r;

	memset(g, 0, sizeof(*g));
	r = load_dir(g, root, "etc/pve/lxc", false);
	if (r == 0)
		r = load_dir(g, root, "etc/pve/qemu-server", true);
	return r;
}

void guests_free(struct guests *g)
{
	free(g->use);
	memset(g, 0, sizeof(*g));
}

static bool uses(const struct guest_use *u, dev_t render, dev_t card, const char *slot)
{
	if (u->vm)
		return slot && u->slot[0] && strncasecmp(slot, u->slot, strlen(u->slot)) == 0 &&
		       (u->slot[strlen(u->slot) - 1] == '.' || !slot[strlen(u->slot)]);
	if (u->all_drm)
		return render || card;
	return u->rdev && (u->rdev == render || u->rdev == card);
}

/* Calls @fn for each guest (once, in config order) that uses the device. */
static void each_guest(const struct guests *g, dev_t render, dev_t card, const char *slot,
		       void (*fn)(const struct guest_use *u, void *arg), void *arg)
{
	for (size_t i = 0; i < g->n; i++) {
		bool seen = false;

		if (!uses(&g->use[i], render, card, slot))
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = g->use[k].vm == g->use[i].vm && g->use[k].id == g->use[i].id &&
			       uses(&g->use[k], render, card, slot);
		if (!seen)
			fn(&g->use[i], arg);
	}
}

struct describe {
	char *buf;
	size_t len;
};

static void describe_one(const struct guest_use *u, void *arg)
{
	struct describe *d = arg;
	size_t used = strlen(d->buf);

	snprintf(d->buf + used, d->len - used, "%s%s %u%s%s%s", used ? ", " : "",
		 u->vm ? "VM" : "LXC", u->id, u->name[0] ? " (" : "", u->name,
		 u->name[0] ? ")" : "");
}

void guests_describe(const struct guests *g, dev_t render, dev_t card, const char *slot,
		     char *buf, size_t len)
{
	struct describe d = { buf, len };

	buf[0] = '\0';
	if (g)
		each_guest(g, render, card, slot, describe_one, &d);
}

static void json_one(const struct guest_use *u, void *arg)
{
	struct jw *w = arg;

	jw_object_begin(w, NULL);
	jw_string(w, "type", u->vm ? "vm" : "lxc");
	jw_int(w, "id", u->id);
	jw_string(w, "name", u->name[0] ? u->name : NULL);
	jw_object_end(w);
}

void guests_json(const struct guests *g, struct jw *w, const char *key, dev_t render,
		 dev_t card, const char *slot)
{
	jw_array_begin(w, key);
	if (g)
		each_guest(g, render, card, slot, json_one, w);
	jw_array_end(w);
}
