/* Helpers shared by libvadiscover's Check tests; see testlib.h. */
#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/common/testlib.h"

void tl_enter(struct tl_machine *m, const char *topology, struct th_opts *o)
{
	o->topology = topology;
	int r = th_enter(o, m->topo_dir, sizeof(m->topo_dir));
	ck_assert_msg(r == 0, "th_enter(%s): %d", topology, r);
	/* Count VA driver initialisations of this test in a file of its topology dir. */
	snprintf(m->count_file, sizeof(m->count_file), "%s/va-count", m->topo_dir);
	setenv("FAKEVA_COUNT", m->count_file, 1);
	ck_assert_int_eq(vad_new(&m->ctx), 0);
}

void tl_leave(struct tl_machine *m)
{
	ck_assert_ptr_null(vad_unref(m->ctx));
	m->ctx = NULL;
	th_leave(m->topo_dir);
}

int tl_count_fds(void)
{
	const char *cache = getenv("VADISCOVER_CACHE_DIR");
	struct stat cst, st;
	bool has_cache = cache && stat(cache, &cst) == 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		/* A context keeps its probe cache directory open (vadiscover.h). */
		if (has_cache && fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
		    st.st_dev == cst.st_dev && st.st_ino == cst.st_ino)
			continue;
		n++;
	}
	closedir(d);
	return n;
}

static void real_path_of(const char *soname, char *out)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	struct link_map *lm = NULL;

	ck_assert_msg(h != NULL, "dlopen(%s): %s", soname, dlerror());
	ck_assert_int_eq(dlinfo(h, RTLD_DI_LINKMAP, &lm), 0);
	ck_assert_ptr_nonnull(realpath(lm->l_name, out));
	dlclose(h);
}

void tl_system_libva(char *va, char *va_drm)
{
	real_path_of("libva-drm.so.2", va_drm);
	real_path_of("libva.so.2", va);
	/* What the library does next must not find them through RTLD_NOLOAD. */
	void *h = dlopen("libva.so.2", RTLD_NOW | RTLD_NOLOAD);
	ck_assert_msg(h == NULL, "libva.so.2 is still mapped after dlclose");
}

void tl_libva_dir(const char *dir, const char *va_name)
{
	char va[PATH_MAX], va_drm[PATH_MAX], cmd[6 * PATH_MAX];
	const char *vn, *dn;

	tl_system_libva(va, va_drm);
	dn = strrchr(va_drm, '/') + 1;
	vn = va_name ? va_name : strrchr(va, '/') + 1;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s' && cp '%s' '%s/%s' && cp '%s' '%s/%s' && "
		 "ln -sf '%s' '%s/libva.so.2' && ln -sf '%s' '%s/libva-drm.so.2'",
		 dir, va, dir, vn, va_drm, dir, dn, vn, dir, dn, dir);
	ck_assert_int_eq(system(cmd), 0);
}

int tl_mapped(const char *path)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[PATH_MAX + 128], want[PATH_MAX];
	int found = 0;

	ck_assert_ptr_nonnull(f);
	if (!realpath(path, want))
		snprintf(want, sizeof(want), "%s", path);
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '/'), real[PATH_MAX];

		if (!p)
			continue;
		p[strcspn(p, "\n")] = '\0';
		found = strcmp(p, want) == 0 || (realpath(p, real) && strcmp(real, want) == 0);
	}
	fclose(f);
	return found;
}
