/* The floor every wrapper pays: a program that only executes its target
 * ($VADISCOVER_FFMPEG, as the ffmpeg wrapper reads it) with its own argv. For make
 * bench-floor (bench-floor.c). */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *target = getenv("VADISCOVER_FFMPEG");

	(void)argc;
	if (!target)
		return 127;
	execv(target, argv);
	return 126;
}
