/* mktopo NAME DIR: lay out topology NAME in DIR (DIR/sys, DIR/dev/dri, DIR/va.conf).
 * mktopo --list: the topology names, one per line; --describe: name and machine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/harness/topology.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mktopo NAME DIR     build topology NAME in DIR (created if missing)\n"
		   "       mktopo --list       list the topology names\n"
		   "       mktopo --describe   list names with the real machine each models\n");
}

int main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--list") == 0 || strcmp(argv[1], "--describe") == 0)) {
		for (size_t i = 0; i < n_topologies; i++) {
			if (argv[1][2] == 'l')
				printf("%s\n", topologies[i]->name);
			else
				printf("%-28s %s\n", topologies[i]->name, topologies[i]->description);
		}
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	const struct topology *t = topology_find(argv[1]);
	if (!t) {
		fprintf(stderr, "mktopo: unknown topology '%s' (mktopo --list)\n", argv[1]);
		return 2;
	}
	if (mkdir(argv[2], 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "mktopo: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	char err[512] = "";
	int r = topology_build(t, argv[2], err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "mktopo: %s: %s\n", t->name, err[0] ? err : strerror(-r));
		return 1;
	}
	return 0;
}
