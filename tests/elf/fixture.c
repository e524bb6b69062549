/*
 * The one source of the ELF objects test-elf reads (tests/elf/make-fixtures builds them):
 * a library (FIXTURE_LIB), a program, or a program carrying an FFmpeg ident string
 * (FIXTURE_IDENT="Lavu59.39.100"), as a static FFmpeg build carries its own.
 * No headers: the 32-bit objects are built without a C library.
 *
 * SPDX-License-Identifier: MIT
 */
#if defined(FIXTURE_LIB)
int fixture_fn(void);
int fixture_fn(void)
{
	return 1;
}
#elif defined(FIXTURE_NOLIBC)
void _start(void);
void _start(void)
{
	for (;;)
		;
}
#else
#ifdef FIXTURE_IDENT
__attribute__((used)) static const char ident[] = FIXTURE_IDENT;
#endif
#ifdef FIXTURE_IDENT2
__attribute__((used)) static const char ident2[] = FIXTURE_IDENT2;
#endif
int main(void)
{
	return 0;
}
#endif
