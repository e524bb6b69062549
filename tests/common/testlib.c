/* Helpers shared by libvadiscover's Check tests; see testlib.h. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

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
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}
