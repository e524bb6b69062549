/*
 * The ELF reader (vadiscover/elf.c): which libva.so.2 a program would load, and which
 * libavutil it was built with.
 *
 *   tree:       the fixtures of tests/elf/make-fixtures (real programs and libraries built
 *               by the linker: DT_RUNPATH, DT_RPATH, $ORIGIN and ${ORIGIN}, a libva two
 *               levels down, RUNPATH not inherited and RPATH inherited (unless the
 *               library has a RUNPATH), 32-bit objects
 *               with a 64-bit decoy, a symlink to the program), each answer checked
 *               against the dynamic loader's own (LD_TRACE_LOADED_OBJECTS=1);
 *   environment: LD_LIBRARY_PATH between RPATH and RUNPATH, its empty and ';' entries,
 *               $ORIGIN and $LIB in it; the answer follows the caller's environment;
 *   ffmpeg:     Debian's ffmpeg (libavutil 57, the system's libva), the ident strings of
 *               static builds (a real ffmpeg with libavutil taken out of DT_NEEDED;
 *               idents across the scanner's read boundary);
 *   errors:     missing, not an ELF file, a directory, empty, NULL arguments;
 *   malformed:  hand-made files of both classes and byte orders, valid and with each
 *               header field broken; every prefix of real files; every byte of a small
 *               real file changed: -ENOEXEC or an answer, never a crash (run it under
 *               valgrind and ASan).
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "vadiscover/elf.h"

/* snprintf that must not truncate */
#define SNP(buf, len, ...) \
	ck_assert_int_lt(snprintf((buf), (len), __VA_ARGS__), (int)(len))

static char fixtures[PATH_MAX];

/* The fixture directory's real path, so answers (real paths) compare. */
static void setup(void)
{
	char dir[PATH_MAX];

	SNP(dir, sizeof(dir), "%s/tests/elf", th_builddir());
	ck_assert_msg(realpath(dir, fixtures), "%s: %s (make-fixtures did not run?)", dir,
		      strerror(errno));
	unsetenv("LD_LIBRARY_PATH");
}

/* A path under the fixtures (static buffer, 4 in rotation). */
static const char *fx(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int i;
	char *b = bufs[i++ % 4];
	SNP(b, PATH_MAX, "%s/%s", fixtures, rel);
	return b;
}

/* The directory vad__elf_find_library() gives for libva.so.2 (static buffer), "(system)"
 * for NULL; the call must succeed. */
static const char *libva_dir(const char *program)
{
	static char out[PATH_MAX];
	char *dir = (char *)0x1;
	int r = vad__elf_find_library(program, "libva.so.2", &dir);

	ck_assert_msg(r == 0, "%s: %d (%s)", program, r, strerror(-r));
	SNP(out, sizeof(out), "%s", dir ? dir : "(system)");
	free(dir);
	return out;
}

/*
 * What the dynamic loader itself loads for libva.so.2 when it starts @program (with
 * LD_TRACE_LOADED_OBJECTS=1 it lists its objects and exits): the real directory when it
 * lies under the fixtures, "(system)" when it is elsewhere or not loaded (static buffer).
 */
static const char *ldso_libva_dir(const char *program)
{
	static char out[PATH_MAX];
	char *argv[] = { (char *)program, NULL };
	struct th_result r;

	setenv("LD_TRACE_LOADED_OBJECTS", "1", 1);
	int rc = th_run(&(struct th_opts){ 0 }, argv, &r);
	unsetenv("LD_TRACE_LOADED_OBJECTS");
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "%s: %s", program,
		      r.err);
	SNP(out, sizeof(out), "(system)");
	const char *line = strstr(r.out, "\tlibva.so.2 => ");
	if (line) {
		char path[PATH_MAX], real[PATH_MAX];
		line += strlen("\tlibva.so.2 => ");
		size_t n = strcspn(line, " \n");
		ck_assert_int_lt(n, sizeof(path));
		memcpy(path, line, n);
		path[n] = '\0';
		*strrchr(path, '/') = '\0';
		ck_assert_ptr_nonnull(realpath(path, real));
		if (!strncmp(real, fixtures, strlen(fixtures)))
			SNP(out, sizeof(out), "%s", real);
	}
	th_result_free(&r);
	return out;
}

/* Both answers, and that they agree with @expect (a fixture path or "(system)"). */
static void expect_libva(const char *program, const char *expect)
{
	char mine[PATH_MAX];

	SNP(mine, sizeof(mine), "%s", libva_dir(program));
	ck_assert_msg(!strcmp(mine, expect), "%s: found %s, expected %s", program, mine, expect);
	const char *ldso = ldso_libva_dir(program);
	ck_assert_msg(!strcmp(ldso, expect), "%s: ld.so loads from %s, expected %s", program,
		      ldso, expect);
}

static void tmp_path(char *buf, size_t len, const char *name)
{
	const char *t = getenv("TMPDIR");
	SNP(buf, len, "%s/%s", t && *t ? t : "/tmp", name);
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static unsigned char *read_all(const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fstat(fd, &st), 0);
	unsigned char *b = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(read(fd, b, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return b;
}

/* ------------------------------------------------------------------------------------ */
/* tree */

START_TEST(runpath_and_rpath)
{
	expect_libva(fx("runpath/ffmpeg"), fx("runpath/lib"));
	expect_libva(fx("rpath/ffmpeg"), fx("rpath/lib"));
	/* jellyfin-ffmpeg: a fixed run path to its own lib/ */
	expect_libva(fx("abs/ffmpeg"), fx("abs/lib"));
}
END_TEST

/* ffmpeg -> libavcodec ($ORIGIN) -> libavutil (${ORIGIN}/../va) -> libva.so.2 */
START_TEST(libva_two_levels_down)
{
	expect_libva(fx("chain/ffmpeg"), fx("chain/va"));
}
END_TEST

/* libavutil (no run path of its own) needs libva.so.2: the program's DT_RUNPATH does not
 * apply to it (the system's is loaded), the program's DT_RPATH does. */
START_TEST(runpath_not_inherited_rpath_inherited)
{
	expect_libva(fx("noinherit/ffmpeg"), "(system)");
	expect_libva(fx("inherit/ffmpeg"), fx("inherit/lib"));
	/* a library's own DT_RUNPATH turns the DT_RPATH it would inherit off */
	expect_libva(fx("blocked/ffmpeg"), "(system)");
}
END_TEST

START_TEST(no_libva)
{
	expect_libva(fx("nolibva/ffmpeg"), "(system)");
	/* nothing needs libavutil.so.59 either, though it is in chain/lib */
	char *dir = (char *)0x1;
	ck_assert_int_eq(vad__elf_find_library(fx("chain/ffmpeg"), "libnothing.so.1", &dir), 0);
	ck_assert_ptr_null(dir);
	ck_assert_int_eq(vad__elf_find_library(fx("runpath/ffmpeg"), "libavutil.so.59", &dir), 0);
	ck_assert_ptr_null(dir);
	/* any soname, not only libva's */
	ck_assert_int_eq(vad__elf_find_library(fx("chain/ffmpeg"), "libavutil.so.59", &dir), 0);
	ck_assert_str_eq(dir, fx("chain/lib"));
	free(dir);
}
END_TEST

/* 32-bit objects: $ORIGIN/lib64 holds a 64-bit libva.so.2, which the loader skips. */
START_TEST(class_32_skips_64)
{
	ck_assert_str_eq(libva_dir(fx("e32/ffmpeg")), fx("e32/lib"));
	ck_assert_str_eq(libva_dir(fx("tiny/ffmpeg")), fx("tiny/lib"));
}
END_TEST

/* $ORIGIN is where the program really is, not where a symlink to it is (ld.so takes it
 * from /proc/self/exe), as for a wrapper-installed ffmpeg link. */
START_TEST(origin_through_symlink)
{
	char dir[PATH_MAX], link[PATH_MAX + 16];

	tmp_path(dir, sizeof(dir), "elf-symlink");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	SNP(link, sizeof(link), "%s/ffmpeg", dir);
	ck_assert_int_eq(symlink(fx("runpath/ffmpeg"), link), 0);
	expect_libva(link, fx("runpath/lib"));
	unlink(link);
	rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* environment */

START_TEST(ld_library_path_order)
{
	setenv("LD_LIBRARY_PATH", fx("llp"), 1);
	/* before the DT_RUNPATH of the program and of a library */
	expect_libva(fx("runpath/ffmpeg"), fx("llp"));
	expect_libva(fx("chain/ffmpeg"), fx("llp"));
	expect_libva(fx("noinherit/ffmpeg"), fx("llp"));
	/* after DT_RPATH */
	expect_libva(fx("rpath/ffmpeg"), fx("rpath/lib"));
	expect_libva(fx("inherit/ffmpeg"), fx("inherit/lib"));
	/* a program that loads no libva loads none from there either */
	expect_libva(fx("nolibva/ffmpeg"), "(system)");
	unsetenv("LD_LIBRARY_PATH");
	expect_libva(fx("runpath/ffmpeg"), fx("runpath/lib"));
}
END_TEST

START_TEST(ld_library_path_forms)
{
	char v[3 * PATH_MAX];

	/* ';' separates too, missing directories and empty entries are passed over */
	SNP(v, sizeof(v), "/nonexistent;;%s:", fx("llp"));
	setenv("LD_LIBRARY_PATH", v, 1);
	expect_libva(fx("runpath/ffmpeg"), fx("llp"));
	/* $ORIGIN is the program's directory; a $LIB entry is skipped here (ld.so expands it
	 * to a directory that does not exist in the fixtures) */
	setenv("LD_LIBRARY_PATH", "/nonexistent/$LIB:$ORIGIN/../llp", 1);
	expect_libva(fx("runpath/ffmpeg"), fx("llp"));
	setenv("LD_LIBRARY_PATH", "${ORIGIN}/../llp", 1);
	expect_libva(fx("chain/ffmpeg"), fx("llp"));
	/* "$ORIGINX" is no token: taken literally, it names nothing */
	setenv("LD_LIBRARY_PATH", "$ORIGINX/../llp", 1);
	expect_libva(fx("runpath/ffmpeg"), fx("runpath/lib"));
	/* a relative entry is relative to the current directory, which ffmpeg inherits */
	char cwd[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(fixtures), 0);
	setenv("LD_LIBRARY_PATH", "llp", 1);
	expect_libva(fx("runpath/ffmpeg"), fx("llp"));
	setenv("LD_LIBRARY_PATH", ":", 1);	/* the current directory has no libva */
	expect_libva(fx("runpath/ffmpeg"), fx("runpath/lib"));
	ck_assert_int_eq(chdir(cwd), 0);
	unsetenv("LD_LIBRARY_PATH");
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* ffmpeg */

START_TEST(debian_ffmpeg)
{
	/* Debian 12's ffmpeg 5.1: DT_NEEDED libavutil.so.57; libva.so.2 is needed by the
	 * system's libavutil: the system's libva */
	ck_assert_int_eq(vad__elf_libavutil_major(VAD_REAL_FFMPEG), 57);
	ck_assert_int_eq(vad__elf_libavutil_major(VAD_REAL_FFPROBE), 57);
	ck_assert_str_eq(libva_dir(VAD_REAL_FFMPEG), "(system)");
	ck_assert_str_eq(ldso_libva_dir(VAD_REAL_FFMPEG), "(system)");
}
END_TEST

START_TEST(libavutil_in_tree)
{
	/* ffmpeg -> libavcodec.so.61 -> libavutil.so.59 */
	ck_assert_int_eq(vad__elf_libavutil_major(fx("chain/ffmpeg")), 59);
	ck_assert_int_eq(vad__elf_libavutil_major(fx("inherit/ffmpeg")), 59);
	ck_assert_int_eq(vad__elf_libavutil_major(fx("nolibva/ffmpeg")), -ENOENT);
	ck_assert_int_eq(vad__elf_libavutil_major(fx("runpath/ffmpeg")), -ENOENT);
}
END_TEST

START_TEST(static_idents)
{
	ck_assert_int_eq(vad__elf_libavutil_major(fx("ident/lavu")), 59);
	ck_assert_int_eq(vad__elf_libavutil_major(fx("ident/lavc")), 59);
	/* Lavu wins over Lavc wherever they are */
	ck_assert_int_eq(vad__elf_libavutil_major(fx("ident/both")), 58);
	ck_assert_int_eq(vad__elf_libavutil_major(fx("ident/nodigits")), -ENOENT);
}
END_TEST

/* A real ffmpeg whose DT_NEEDED libavutil.so.57 is renamed: the Lavc ident it carries as
 * its encoder tag ("Lavc59.37.100 ") gives 57, as for a static build of 5.1. */
START_TEST(real_ffmpeg_ident)
{
	char path[PATH_MAX];
	size_t len;
	unsigned char *b = read_all(VAD_REAL_FFMPEG, &len);
	unsigned char *p = memmem(b, len, "libavutil.so.57", 16);

	ck_assert_ptr_nonnull(p);
	p[5] = 'x';	/* libaxutil.so.57 */
	ck_assert_ptr_null(memmem(b, len, "Lavu", 4));
	ck_assert_ptr_nonnull(memmem(b, len, "Lavc59.", 7));
	tmp_path(path, sizeof(path), "ffmpeg-no-lavu");
	write_file(path, b, len, 0755);
	ck_assert_int_eq(vad__elf_libavutil_major(path), 57);
	unlink(path);
	free(b);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* Hand-made ELF files: header, two program headers (PT_LOAD of the whole file at
 * 0x10000, PT_DYNAMIC), the dynamic array, the string table. */

struct mk {
	bool is64, msb;
	uint16_t machine;
	const char *needed[3];
	const char *soname, *runpath, *rpath;
};

/* Where the fields are, for breaking them. */
struct mk_layout {
	size_t size, phoff, phent, dynoff, dynent, stroff, strsz;
	size_t dyn_strtab, dyn_strsz, dyn_needed0;	/* entry indexes */
	size_t ndyn;
};

#define MK_BASE 0x10000

static void put(unsigned char *b, size_t off, uint64_t v, size_t n, bool msb)
{
	for (size_t i = 0; i < n; i++)
		b[off + (msb ? n - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

static size_t mk_elf(const struct mk *m, unsigned char *b, size_t cap, struct mk_layout *l)
{
	size_t w = m->is64 ? 8 : 4, eh = m->is64 ? 64 : 52;
	char str[1024];
	size_t slen = 1, idx[6] = { 0 };
	const char *strs[6] = { m->needed[0], m->needed[1], m->needed[2], m->soname, m->runpath,
				m->rpath };

	memset(l, 0, sizeof(*l));
	str[0] = '\0';
	for (int i = 0; i < 6; i++) {
		if (!strs[i])
			continue;
		idx[i] = slen;
		memcpy(str + slen, strs[i], strlen(strs[i]) + 1);
		slen += strlen(strs[i]) + 1;
	}
	l->phent = m->is64 ? 56 : 32;
	l->phoff = eh;
	l->dynent = 2 * w;
	l->dynoff = eh + 2 * l->phent;
	/* entries: NEEDED..., SONAME, RUNPATH, RPATH, STRTAB, STRSZ, NULL */
	uint64_t dyn[16][2];
	size_t n = 0;
	for (int i = 0; i < 3; i++)
		if (strs[i]) {
			if (n == 0)
				l->dyn_needed0 = n;
			dyn[n][0] = 1;
			dyn[n++][1] = idx[i];
		}
	const uint64_t tags[3] = { 14, 29, 15 };
	for (int i = 3; i < 6; i++)
		if (strs[i]) {
			dyn[n][0] = tags[i - 3];
			dyn[n++][1] = idx[i];
		}
	l->stroff = l->dynoff + (n + 3) * l->dynent;
	l->dyn_strtab = n;
	dyn[n][0] = 5;
	dyn[n++][1] = MK_BASE + l->stroff;
	l->dyn_strsz = n;
	dyn[n][0] = 10;
	dyn[n++][1] = slen;
	dyn[n][0] = 0;
	dyn[n++][1] = 0;
	l->ndyn = n;
	l->strsz = slen;
	l->size = l->stroff + slen;
	ck_assert_uint_le(l->size, cap);
	memset(b, 0, l->size);

	memcpy(b, "\177ELF", 4);
	b[4] = m->is64 ? 2 : 1;
	b[5] = m->msb ? 2 : 1;
	b[6] = 1;
	put(b, 16, 3, 2, m->msb);		/* ET_DYN */
	put(b, 18, m->machine, 2, m->msb);
	put(b, 20, 1, 4, m->msb);
	put(b, m->is64 ? 32 : 28, l->phoff, w, m->msb);
	put(b, m->is64 ? 52 : 40, eh, 2, m->msb);
	put(b, m->is64 ? 54 : 42, l->phent, 2, m->msb);
	put(b, m->is64 ? 56 : 44, 2, 2, m->msb);

	for (int i = 0; i < 2; i++) {
		unsigned char *p = b + l->phoff + (size_t)i * l->phent;
		uint64_t type = i == 0 ? 1 : 2, off = i == 0 ? 0 : l->dynoff;
		uint64_t size = i == 0 ? l->size : n * l->dynent;
		put(p, 0, type, 4, m->msb);
		if (m->is64) {
			put(p, 8, off, 8, m->msb);
			put(p, 16, MK_BASE + off, 8, m->msb);
			put(p, 24, MK_BASE + off, 8, m->msb);
			put(p, 32, size, 8, m->msb);
			put(p, 40, size, 8, m->msb);
		} else {
			put(p, 4, off, 4, m->msb);
			put(p, 8, MK_BASE + off, 4, m->msb);
			put(p, 12, MK_BASE + off, 4, m->msb);
			put(p, 16, size, 4, m->msb);
			put(p, 20, size, 4, m->msb);
		}
	}
	for (size_t i = 0; i < n; i++) {
		put(b, l->dynoff + i * l->dynent, dyn[i][0], w, m->msb);
		put(b, l->dynoff + i * l->dynent + w, dyn[i][1], w, m->msb);
	}
	memcpy(b + l->stroff, str, slen);
	return l->size;
}

/* A program in @dir/ffmpeg (and @dir/lib/libva.so.2 made from @lib unless NULL). */
static void mk_tree(const char *dir, const struct mk *prog, const struct mk *lib)
{
	unsigned char b[4096];
	struct mk_layout l;
	char path[PATH_MAX + 32];

	mkdir(dir, 0755);
	SNP(path, sizeof(path), "%s/lib", dir);
	mkdir(path, 0755);
	SNP(path, sizeof(path), "%s/ffmpeg", dir);
	write_file(path, b, mk_elf(prog, b, sizeof(b), &l), 0755);
	if (lib) {
		SNP(path, sizeof(path), "%s/lib/libva.so.2", dir);
		write_file(path, b, mk_elf(lib, b, sizeof(b), &l), 0755);
	}
}

START_TEST(handmade_valid)
{
	const struct {
		bool is64, msb;
		uint16_t machine;
	} kinds[] = {
		{ true, false, 62 },	/* x86-64 */
		{ false, false, 3 },	/* i386 */
		{ true, true, 21 },	/* ppc64 */
		{ false, true, 8 },	/* mips */
	};
	char dir[PATH_MAX], real[PATH_MAX], prog[PATH_MAX + 16];

	for (size_t k = 0; k < 4; k++) {
		struct mk p = { kinds[k].is64, kinds[k].msb, kinds[k].machine,
				{ "libc.so.6", "libavutil.so.58", "libva.so.2" },
				NULL, "/nonexistent:$ORIGIN/lib", NULL };
		struct mk lib = p;
		lib.needed[0] = lib.needed[1] = lib.needed[2] = NULL;
		lib.soname = "libva.so.2";
		lib.runpath = NULL;

		char name[32];
		SNP(name, sizeof(name), "handmade-%zu", k);
		tmp_path(dir, sizeof(dir), name);
		mk_tree(dir, &p, &lib);
		SNP(prog, sizeof(prog), "%s/ffmpeg", dir);
		SNP(real, sizeof(real), "%s/lib", dir);
		ck_assert_msg(!strcmp(libva_dir(prog), real), "kind %zu: %s", k, libva_dir(prog));
		ck_assert_int_eq(vad__elf_libavutil_major(prog), 58);

		/* a library of another kind (class, byte order or machine) is skipped */
		struct mk other = lib;
		other.machine = kinds[(k + 1) % 4].machine;
		other.is64 = kinds[(k + 1) % 4].is64;
		other.msb = kinds[(k + 1) % 4].msb;
		mk_tree(dir, &p, &other);
		ck_assert_str_eq(libva_dir(prog), "(system)");
		other = lib;
		other.machine++;
		mk_tree(dir, &p, &other);
		ck_assert_str_eq(libva_dir(prog), "(system)");

		/* the same program with DT_RPATH and an extra DT_SONAME of its own */
		p.rpath = p.runpath;
		p.runpath = NULL;
		p.soname = "ffmpeg";
		mk_tree(dir, &p, &lib);
		ck_assert_str_eq(libva_dir(prog), real);
	}
}
END_TEST

/* Each field that points somewhere, pointing elsewhere: -ENOEXEC, for both classes. */
START_TEST(handmade_broken)
{
	char path[PATH_MAX];

	tmp_path(path, sizeof(path), "broken");
	for (int cls = 0; cls < 2; cls++) {
		struct mk m = { cls == 1, cls == 0, cls ? 62 : 8, { "libva.so.2" }, NULL,
				"$ORIGIN/lib", NULL };
		size_t w = m.is64 ? 8 : 4;
		unsigned char good[4096], b[4096];
		struct mk_layout l;
		size_t n = mk_elf(&m, good, sizeof(good), &l);
		size_t ph1 = l.phoff + l.phent;	/* PT_DYNAMIC's header */
		size_t fz = m.is64 ? 32 : 16, va = m.is64 ? 16 : 8, of = m.is64 ? 8 : 4;
#define DYNVAL(i) (l.dynoff + (i) * l.dynent + w)
		const struct {
			const char *what;
			size_t off, len;
			uint64_t value;
		} cases[] = {
			{ "magic", 1, 1, 'e' },
			{ "class", 4, 1, 3 },
			{ "byte order", 5, 1, 0 },
			{ "ident version", 6, 1, 2 },
			{ "OS ABI", 7, 1, 9 },
			{ "type ET_REL", 16, 2, 1 },
			{ "e_version", 20, 4, 0 },
			{ "e_phoff past the end", m.is64 ? 32 : 28, w, n },
			{ "e_phoff huge", m.is64 ? 32 : 28, w, UINT64_MAX - 8 },
			{ "e_ehsize", m.is64 ? 52 : 40, 2, 40 },
			{ "e_phentsize", m.is64 ? 54 : 42, 2, 24 },
			{ "e_phnum 0xffff", m.is64 ? 56 : 44, 2, 0xffff },
			{ "e_phnum past the end", m.is64 ? 56 : 44, 2, 200 },
			{ "PT_LOAD p_filesz past the end", l.phoff + fz, w, n + 1 },
			{ "PT_LOAD p_offset past the end", l.phoff + of, w, n + 4096 },
			{ "PT_LOAD wraps", l.phoff + va, w, m.is64 ? UINT64_MAX - 16 : UINT32_MAX - 16 },
			{ "PT_DYNAMIC outside PT_LOAD", ph1 + va, w, MK_BASE + n },
			{ "PT_DYNAMIC below PT_LOAD", ph1 + va, w, MK_BASE - 8 },
			{ "PT_DYNAMIC size not whole entries", ph1 + fz, w, 3 * l.dynent + 1 },
			{ "PT_DYNAMIC longer than PT_LOAD", ph1 + fz, w, (n / l.dynent + 1) * l.dynent },
			{ "second PT_DYNAMIC", l.phoff, 4, 2 },
			{ "DT_STRTAB outside", DYNVAL(l.dyn_strtab), w, MK_BASE + n + 1 },
			{ "DT_STRTAB unmapped", DYNVAL(l.dyn_strtab), w, 0x100 },
			{ "DT_STRSZ past the end", DYNVAL(l.dyn_strsz), w, l.strsz + 1 },
			{ "DT_STRSZ huge", DYNVAL(l.dyn_strsz), w, UINT64_MAX >> (m.is64 ? 0 : 32) },
			{ "DT_NEEDED past DT_STRSZ", DYNVAL(l.dyn_needed0), w, l.strsz },
			{ "DT_NEEDED empty", DYNVAL(l.dyn_needed0), w, 0 },
			{ "DT_RUNPATH past DT_STRSZ", DYNVAL(l.dyn_needed0 + 1), w, l.strsz + 100 },
			{ "DT_STRTAB missing", l.dynoff + l.dyn_strtab * l.dynent, w, 0x70000000 },
			{ "DT_STRSZ missing", l.dynoff + l.dyn_strsz * l.dynent, w, 0x70000000 },
			{ "DT_RUNPATH twice", l.dynoff + l.dyn_needed0 * l.dynent, w, 29 },
			{ "no NUL before DT_STRSZ", DYNVAL(l.dyn_strsz), w, l.strsz - 1 },
		};
#undef DYNVAL
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			memcpy(b, good, n);
			put(b, cases[i].off, cases[i].value, cases[i].len, m.msb);
			write_file(path, b, n, 0755);
			char *dir = (char *)0x1;
			int r = vad__elf_find_library(path, "libva.so.2", &dir);
			ck_assert_msg(r == -ENOEXEC, "class %d, %s: %d", cls, cases[i].what, r);
			ck_assert_ptr_null(dir);
			ck_assert_int_eq(vad__elf_libavutil_major(path), -ENOEXEC);
		}
		/* the unbroken one is fine, and a file without a PT_DYNAMIC is a static program */
		write_file(path, good, n, 0755);
		ck_assert_str_eq(libva_dir(path), "(system)");
		memcpy(b, good, n);
		put(b, ph1, 6, 4, m.msb);	/* PT_PHDR */
		write_file(path, b, n, 0755);
		ck_assert_str_eq(libva_dir(path), "(system)");
		ck_assert_int_eq(vad__elf_libavutil_major(path), -ENOENT);
	}
	unlink(path);
}
END_TEST

/* Sets the program header @i of a hand-made 64-bit file: type, flags, and a segment of
 * the file's first @size bytes at MK_BASE. */
static void set_load64(unsigned char *b, const struct mk_layout *l, int i, uint32_t type,
		       uint32_t flags, uint64_t size)
{
	unsigned char *p = b + l->phoff + (size_t)i * l->phent;
	put(p, 0, type, 4, false);
	put(p, 4, flags, 4, false);
	put(p, 8, 0, 8, false);
	put(p, 16, MK_BASE, 8, false);
	put(p, 32, size, 8, false);
	put(p, 40, size, 8, false);
}

/*
 * An ident anywhere around the scanner's read boundary (256 KiB) is found in a loaded
 * segment; one outside the loaded segments is not looked for, nor one in code when the
 * read-only data has a segment of its own (a static ffmpeg's code is not read).
 */
START_TEST(ident_across_reads)
{
	enum { CHUNK = 1 << 18, PF_X = 1, PF_R = 4 };
	static const char ident[] = "Lavu58.29.100";
	struct mk m = { true, false, 62, { "libc.so.6" }, NULL, NULL, NULL };
	struct mk_layout l;
	char path[PATH_MAX];
	size_t size = 2 * CHUNK + 64;
	unsigned char *b = calloc(1, size);

	ck_assert_ptr_nonnull(b);
	tmp_path(path, sizeof(path), "ident-across");
	mk_elf(&m, b, 4096, &l);
	const size_t at[] = { CHUNK - 40, CHUNK - 17, CHUNK - 16, CHUNK - 15, CHUNK - 13,
			      CHUNK - 8, CHUNK - 4, CHUNK - 3, CHUNK - 1, CHUNK, CHUNK + 1,
			      2 * CHUNK - 16, 2 * CHUNK - 1, size - sizeof(ident) + 1 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		memcpy(b + at[i], ident, sizeof(ident) - 1);
		set_load64(b, &l, 0, 1, PF_R, size);
		write_file(path, b, size, 0755);
		ck_assert_msg(vad__elf_libavutil_major(path) == 58, "at %zu", at[i]);
		/* cut short at the end of the file (and of the segment): no ident */
		memset(b + at[i] + 8, 0, sizeof(ident) - 9);
		set_load64(b, &l, 0, 1, PF_R, at[i] + 8);
		write_file(path, b, at[i] + 8, 0755);
		ck_assert_msg(vad__elf_libavutil_major(path) == -ENOENT, "cut at %zu", at[i]);
		memset(b + at[i], 0, 8);
	}

	memcpy(b + CHUNK, ident, sizeof(ident) - 1);
	/* outside the loaded segment */
	set_load64(b, &l, 0, 1, PF_R, l.size);
	write_file(path, b, size, 0755);
	ck_assert_int_eq(vad__elf_libavutil_major(path), -ENOENT);
	/* in code: read when code and data share the segment (older layouts)... */
	set_load64(b, &l, 0, 1, PF_R | PF_X, size);
	write_file(path, b, size, 0755);
	ck_assert_int_eq(vad__elf_libavutil_major(path), 58);
	/* ...not when the data has a segment of its own (the PT_DYNAMIC's slot, so the
	 * program is a static one) */
	set_load64(b, &l, 1, 1, PF_R, 64);
	write_file(path, b, size, 0755);
	ck_assert_int_eq(vad__elf_libavutil_major(path), -ENOENT);
	set_load64(b, &l, 1, 1, PF_R, size);
	write_file(path, b, size, 0755);
	ck_assert_int_eq(vad__elf_libavutil_major(path), 58);
	unlink(path);
	free(b);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* errors */

START_TEST(not_elf)
{
	char path[PATH_MAX], *dir = (char *)0x1;

	ck_assert_int_eq(vad__elf_find_library("/nonexistent/ffmpeg", "libva.so.2", &dir),
			 -ENOENT);
	ck_assert_ptr_null(dir);
	ck_assert_int_eq(vad__elf_libavutil_major("/nonexistent/ffmpeg"), -ENOENT);

	tmp_path(path, sizeof(path), "script");
	write_file(path, "#!/bin/sh\nexec /usr/bin/ffmpeg \"$@\"\n", 36, 0755);
	ck_assert_int_eq(vad__elf_find_library(path, "libva.so.2", &dir), -ENOEXEC);
	ck_assert_int_eq(vad__elf_libavutil_major(path), -ENOEXEC);
	write_file(path, "", 0, 0755);
	ck_assert_int_eq(vad__elf_find_library(path, "libva.so.2", &dir), -ENOEXEC);
	ck_assert_int_eq(vad__elf_libavutil_major(path), -ENOEXEC);
	unlink(path);

	ck_assert_int_eq(vad__elf_find_library(fixtures, "libva.so.2", &dir), -ENOEXEC);
	ck_assert_int_eq(vad__elf_libavutil_major(fixtures), -ENOEXEC);
	ck_assert_int_eq(vad__elf_find_library(NULL, "libva.so.2", &dir), -EINVAL);
	ck_assert_int_eq(vad__elf_find_library(fx("runpath/ffmpeg"), NULL, &dir), -EINVAL);
	ck_assert_int_eq(vad__elf_find_library(fx("runpath/ffmpeg"), "libva.so.2", NULL),
			 -EINVAL);
	ck_assert_int_eq(vad__elf_libavutil_major(NULL), -EINVAL);
	ck_assert_ptr_null(dir);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* malformed */

/* Every prefix of @rel (copied beside a link to its lib/): -ENOEXEC or an answer that is
 * the system's or the real lib/. */
static void every_prefix(const char *rel, bool lavu_too)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], lib[PATH_MAX + 16], want[PATH_MAX];
	size_t len;
	unsigned char *b = read_all(fx(rel), &len);
	int answers = 0;

	SNP(want, sizeof(want), "%s", fx(rel));
	strcpy(strrchr(want, '/'), "/lib");
	tmp_path(dir, sizeof(dir), "prefix");
	mkdir(dir, 0755);
	SNP(lib, sizeof(lib), "%s/lib", dir);
	unlink(lib);
	ck_assert_int_eq(symlink(want, lib), 0);
	SNP(path, sizeof(path), "%s/ffmpeg", dir);
	write_file(path, b, len, 0755);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	for (size_t n = len + 1; n-- > 0;) {
		ck_assert_int_eq(ftruncate(fd, (off_t)n), 0);
		char *got = (char *)0x1;
		int r = vad__elf_find_library(path, "libva.so.2", &got);
		ck_assert_msg(r == 0 || r == -ENOEXEC, "%s, %zu bytes: %d", rel, n, r);
		ck_assert_msg(!got || (r == 0 && !strcmp(got, want)), "%s, %zu bytes: %s", rel,
			      n, got);
		if (n == len)
			ck_assert_msg(got, "%s: whole file: no answer", rel);
		answers += r == 0;
		free(got);
		if (lavu_too) {
			r = vad__elf_libavutil_major(path);
			ck_assert_msg(r == -ENOENT || r == -ENOEXEC, "%s, %zu bytes: %d", rel, n, r);
		}
	}
	close(fd);
	/* the short prefixes are refused */
	ck_assert_int_lt(answers, (int)len / 2);
	unlink(path);
	unlink(lib);
	rmdir(dir);
	free(b);
}

START_TEST(every_prefix_tiny)
{
	every_prefix("tiny/ffmpeg", true);
}
END_TEST

START_TEST(every_prefix_linked)
{
	every_prefix("runpath/ffmpeg", false);
	every_prefix("e32/ffmpeg", false);
}
END_TEST

/* Every byte of the small real program, changed in five ways. */
START_TEST(every_byte_tiny)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], lib[PATH_MAX + 16];
	size_t len;
	unsigned char *b = read_all(fx("tiny/ffmpeg"), &len);

	tmp_path(dir, sizeof(dir), "bytes");
	mkdir(dir, 0755);
	SNP(lib, sizeof(lib), "%s/lib", dir);
	ck_assert_int_eq(symlink(fx("tiny/lib"), lib), 0);
	SNP(path, sizeof(path), "%s/ffmpeg", dir);
	write_file(path, b, len, 0755);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	for (size_t i = 0; i < len; i++) {
		const unsigned char v[] = { 0x00, 0xff, 0x80, (unsigned char)(b[i] ^ 1),
					    (unsigned char)(b[i] ^ 0x40) };
		for (size_t k = 0; k < sizeof(v); k++) {
			ck_assert_int_eq(pwrite(fd, &v[k], 1, (off_t)i), 1);
			char *got = NULL;
			int r = vad__elf_find_library(path, "libva.so.2", &got);
			ck_assert_msg(r == 0 || r == -ENOEXEC, "byte %zu = 0x%02x: %d", i, v[k], r);
			ck_assert(!got || got[0] == '/');
			free(got);
			r = vad__elf_libavutil_major(path);
			ck_assert_msg(r == -ENOENT || r == -ENOEXEC || r > 0, "byte %zu: %d", i, r);
		}
		ck_assert_int_eq(pwrite(fd, &b[i], 1, (off_t)i), 1);
	}
	close(fd);
	unlink(path);
	unlink(lib);
	rmdir(dir);
	free(b);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc;

	tc = test_case(s, "tree");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, runpath_and_rpath);
	tcase_add_test(tc, libva_two_levels_down);
	tcase_add_test(tc, runpath_not_inherited_rpath_inherited);
	tcase_add_test(tc, no_libva);
	tcase_add_test(tc, class_32_skips_64);
	tcase_add_test(tc, origin_through_symlink);

	tc = test_case(s, "environment");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, ld_library_path_order);
	tcase_add_test(tc, ld_library_path_forms);

	tc = test_case(s, "ffmpeg");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, debian_ffmpeg);
	tcase_add_test(tc, libavutil_in_tree);
	tcase_add_test(tc, static_idents);
	tcase_add_test(tc, real_ffmpeg_ident);
	tcase_add_test(tc, ident_across_reads);

	tc = test_case(s, "errors");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, not_elf);

	tc = test_case(s, "malformed");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, handmade_valid);
	tcase_add_test(tc, handmade_broken);
	tcase_add_test(tc, every_prefix_tiny);
	tcase_add_test(tc, every_prefix_linked);
	tcase_add_test(tc, every_byte_tiny);

	return s;
}

