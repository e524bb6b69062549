/* A stand-in for ffmpeg behind the wrapper (VADISCOVER_FFMPEG=this): prints the file
 * descriptors it was started with, one per line, "FD KIND" (KIND: the link target, with
 * pipe/socket inode numbers left out so runs compare equal), then its arguments after
 * argv[0], one per line after a line "--". test-wrapper-exec compares the output behind the
 * wrapper with the output of a direct start: the wrapper must leave no fd of its own open.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d) {
		perror("/proc/self/fd");
		return 1;
	}
	while ((e = readdir(d))) {
		char path[64], target[4096];
		int fd;
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		char *colon = strchr(target, ':');
		if (colon && colon[1] == '[')
			*colon = '\0';	/* "pipe:[1234]" -> "pipe" */
		printf("%d %s\n", fd, target);
	}
	closedir(d);
	printf("--\n");
	for (int i = 1; i < argc; i++)
		printf("%s\n", argv[i]);
	return 0;
}
