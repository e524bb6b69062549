/* A stand-in for ffmpeg behind the wrapper (VADISCOVER_FFMPEG=this): prints its
 * environment, one entry per line in the order received, with '\\', newlines and bytes
 * outside printable ASCII escaped (\\, \n, \xHH), then a line "--", then its arguments
 * after argv[0], one per line, escaped alike. test-wrapper-exec compares the output behind
 * the wrapper with the output of a direct start: the wrapper must pass the environment on
 * byte for byte. Built a second time with a run path to a stand-in libva.so.2 that is no
 * libva (fakeva-ffmpeg/ffmpeg): it starts, but libva cannot be loaded from there.
 */
#include <stdio.h>

extern char **environ;

static void put(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", stdout);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p < 0x20 || *p > 0x7e)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	for (char **e = environ; *e; e++)
		put(*e);
	puts("--");
	for (int i = 1; i < argc; i++)
		put(argv[i]);
	return 0;
}
