/*
 * Reading an ELF program without running it (see elf.h).
 *
 * The reader trusts nothing in a file: every offset, size and count is checked against the
 * file's size (with overflow in mind) before it is used, every string must end inside its
 * string table, and anything that does not add up is -ENOEXEC. Files are read with
 * pread() (never mapped: a file that shrinks while it is read gives a short read here, not
 * SIGBUS), opened O_CLOEXEC and closed before the call returns.
 *
 * Where the dynamic loader looks, as glibc's ld.so does it (elf/dl-load.c, _dl_map_object):
 * the objects are loaded breadth-first (the program's DT_NEEDED in order, then theirs...),
 * a name already loaded (by its DT_NEEDED string or its DT_SONAME) is not loaded again, and
 * for the DT_NEEDED entries of an object O:
 *   1. unless O has a DT_RUNPATH: the DT_RPATH of O, then of the object that loaded O,
 *      and so on up to the program;
 *   2. LD_LIBRARY_PATH (':' or ';' separated; ignored in secure-execution mode);
 *   3. the DT_RUNPATH of O (O's own only: a DT_RUNPATH is not inherited);
 *   4. the system: /etc/ld.so.cache and the default directories. Those are not read here:
 *      a name found in none of the lists above is "the system's", and the branch of the
 *      tree below it is not followed.
 * A name with a '/' is a path (relative to the current directory, which ffmpeg inherits
 * from the wrapper). An empty list entry is the current directory. In a directory, a file
 * that is an ELF object of another class, byte order or machine is skipped, as ld.so skips
 * it; any other file that opens is taken (ld.so would take it too, and fail on it if it is
 * broken).
 *
 * Dynamic string tokens: $ORIGIN and ${ORIGIN} are expanded to the directory of the object
 * whose list it is: for the program, the directory of its real path (ld.so has it from
 * /proc/self/exe, symlinks resolved); for a library, the directory it was found in. $LIB
 * and $PLATFORM are not supported: a list entry that uses them is skipped. Any other '$'
 * is taken literally, as ld.so does.
 *
 * Not modelled: LD_PRELOAD and /etc/ld.so.preload (loaded first, they could provide a
 * name), the glibc-hwcaps subdirectories of each directory, DT_FLAGS_1 NODEFLIB, and
 * secure-execution mode beyond its main effects (a setuid/setgid program, or this process
 * itself in secure mode: LD_LIBRARY_PATH and $ORIGIN entries are ignored).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vadiscover/elf.h"
#include "vadiscover/vad-private.h"

/* Bounds that no real object comes near; beyond them a file is refused (or, for the
 * tree, not followed further). */
#define ELF_MAX_PHNUM 4096
#define ELF_MAX_DYN 65536		/* entries of the dynamic array */
#define ELF_MAX_NEEDED 1024
#define ELF_MAX_STRING 65536		/* one DT_NEEDED / DT_RPATH / DT_RUNPATH string */
#define WALK_MAX_DEPTH 16		/* levels of the DT_NEEDED tree below the program */
#define WALK_MAX_OBJECTS 1024
#define SCAN_CHUNK (1 << 18)		/* bytes read at once when looking for idents */

/* ELF constants (elf.h of the C library has them too; spelled out so that the reader
 * does not depend on which of them a given libc defines). */
enum {
	EI_CLASS_ = 4, EI_DATA_ = 5, EI_VERSION_ = 6, EI_OSABI_ = 7,
	CLASS32 = 1, CLASS64 = 2, DATA_LSB = 1, DATA_MSB = 2,
	OSABI_SYSV = 0, OSABI_GNU = 3,
	ET_EXEC_ = 2, ET_DYN_ = 3,
	PT_LOAD_ = 1, PT_DYNAMIC_ = 2,
	DT_NULL_ = 0, DT_NEEDED_ = 1, DT_STRTAB_ = 5, DT_STRSZ_ = 10, DT_SONAME_ = 14,
	DT_RPATH_ = 15, DT_RUNPATH_ = 29,
};

struct seg {
	uint64_t vaddr, off, filesz;
	bool exec;		/* PF_X */
};

/* One opened ELF file. */
struct elf_file {
	int fd;
	uint64_t size;
	bool is64, msb;
	uint16_t machine;
	struct seg *loads;
	size_t nloads;
	bool has_dyn;
	uint64_t dyn_vaddr, dyn_filesz;
};

/* What an object's dynamic section says. */
struct elf_dyn {
	char **needed;
	size_t nneeded;
	char *soname, *rpath, *runpath;	/* NULL when absent */
};

static void elf_close(struct elf_file *ef)
{
	if (ef->fd >= 0)
		close(ef->fd);
	ef->fd = -1;
	free(ef->loads);
	ef->loads = NULL;
}

static void dyn_free(struct elf_dyn *d)
{
	for (size_t i = 0; i < d->nneeded; i++)
		free(d->needed[i]);
	free(d->needed);
	free(d->soname);
	free(d->rpath);
	free(d->runpath);
	memset(d, 0, sizeof(*d));
}

/* Reads exactly @len bytes at @off, which must lie inside the file. */
static int rd(const struct elf_file *ef, uint64_t off, void *buf, size_t len)
{
	if (off > ef->size || len > ef->size - off)
		return -ENOEXEC;
	unsigned char *p = buf;
	while (len > 0) {
		if (off > (uint64_t)INT64_MAX)
			return -ENOEXEC;
		ssize_t n = pread(ef->fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOEXEC;	/* the file shrank */
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static uint64_t get(const struct elf_file *ef, const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[ef->msb ? n - 1 - i : i] << (8 * i);
	return v;
}
#define G16(ef, p) ((uint16_t)get((ef), (p), 2))
#define G32(ef, p) ((uint32_t)get((ef), (p), 4))
#define GW(ef, p) get((ef), (p), (ef)->is64 ? 8 : 4)	/* an address or size */

static int open_file(const char *path, struct elf_file *ef, struct stat *st)
{
	memset(ef, 0, sizeof(*ef));
	ef->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (ef->fd < 0)
		return -errno;
	if (fstat(ef->fd, st) < 0) {
		int e = -errno;
		elf_close(ef);
		return e;
	}
	if (!S_ISREG(st->st_mode)) {
		elf_close(ef);
		return S_ISDIR(st->st_mode) ? -EISDIR : -ENOEXEC;
	}
	ef->size = (uint64_t)st->st_size;
	return 0;
}

/*
 * The ELF header: identification, class, byte order, machine, and what ld.so's
 * open_verify() insists on (version, OS ABI, type, program header entry size).
 */
static int read_header(struct elf_file *ef, uint64_t *phoff, size_t *phnum)
{
	unsigned char h[64];
	int r;

	if (ef->size < 52)
		return -ENOEXEC;
	r = rd(ef, 0, h, ef->size >= 64 ? 64 : 52);
	if (r < 0)
		return r;
	if (memcmp(h, "\177ELF", 4) != 0 || h[EI_VERSION_] != 1)
		return -ENOEXEC;
	if (h[EI_CLASS_] != CLASS32 && h[EI_CLASS_] != CLASS64)
		return -ENOEXEC;
	if (h[EI_DATA_] != DATA_LSB && h[EI_DATA_] != DATA_MSB)
		return -ENOEXEC;
	if (h[EI_OSABI_] != OSABI_SYSV && h[EI_OSABI_] != OSABI_GNU)
		return -ENOEXEC;
	ef->is64 = h[EI_CLASS_] == CLASS64;
	ef->msb = h[EI_DATA_] == DATA_MSB;
	if (ef->is64 && ef->size < 64)
		return -ENOEXEC;
	uint16_t type = G16(ef, h + 16);
	ef->machine = G16(ef, h + 18);
	if (G32(ef, h + 20) != 1 || (type != ET_EXEC_ && type != ET_DYN_))
		return -ENOEXEC;
	/* e_phoff, e_ehsize, e_phentsize, e_phnum */
	const unsigned char *q = ef->is64 ? h + 32 : h + 28;
	*phoff = GW(ef, q);
	q = ef->is64 ? h + 52 : h + 40;
	uint16_t ehsize = G16(ef, q), phentsize = G16(ef, q + 2), n = G16(ef, q + 4);
	if (ehsize != (ef->is64 ? 64 : 52))
		return -ENOEXEC;
	if (n > 0 && phentsize != (ef->is64 ? 56 : 32))
		return -ENOEXEC;
	if (n > ELF_MAX_PHNUM)	/* also PN_XNUM (0xffff): never in a program or library */
		return -ENOEXEC;
	*phnum = n;
	return 0;
}

/* The PT_LOAD segments (their file parts) and PT_DYNAMIC. */
static int read_phdrs(struct elf_file *ef, uint64_t phoff, size_t phnum)
{
	size_t entsz = ef->is64 ? 56 : 32;
	unsigned char *ph;
	int r;

	if (phnum == 0)
		return 0;
	ph = malloc(phnum * entsz);
	ef->loads = calloc(phnum, sizeof(*ef->loads));
	if (!ph || !ef->loads) {
		free(ph);
		return -ENOMEM;
	}
	r = rd(ef, phoff, ph, phnum * entsz);
	for (size_t i = 0; r == 0 && i < phnum; i++) {
		const unsigned char *p = ph + i * entsz;
		uint32_t type = G32(ef, p), flags = G32(ef, ef->is64 ? p + 4 : p + 24);
		uint64_t off, vaddr, filesz, memsz;

		if (ef->is64) {
			off = get(ef, p + 8, 8);
			vaddr = get(ef, p + 16, 8);
			filesz = get(ef, p + 32, 8);
			memsz = get(ef, p + 40, 8);
		} else {
			off = G32(ef, p + 4);
			vaddr = G32(ef, p + 8);
			filesz = G32(ef, p + 16);
			memsz = G32(ef, p + 20);
		}
		if (type == PT_LOAD_) {
			if (off > ef->size || filesz > ef->size - off || memsz < filesz ||
			    vaddr > UINT64_MAX - memsz)
				r = -ENOEXEC;
			else
				ef->loads[ef->nloads++] = (struct seg){ vaddr, off, filesz,
									flags & 1 };
		} else if (type == PT_DYNAMIC_) {
			if (ef->has_dyn)
				r = -ENOEXEC;	/* two dynamic sections */
			ef->has_dyn = true;
			ef->dyn_vaddr = vaddr;
			ef->dyn_filesz = filesz;
		}
	}
	free(ph);
	return r;
}

/* The file offset of the @len bytes at address @vaddr, which one PT_LOAD must hold. */
static int map_vaddr(const struct elf_file *ef, uint64_t vaddr, uint64_t len, uint64_t *off)
{
	for (size_t i = 0; i < ef->nloads; i++) {
		const struct seg *s = &ef->loads[i];
		if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->filesz &&
		    len <= s->filesz - (vaddr - s->vaddr)) {
			*off = s->off + (vaddr - s->vaddr);
			return 0;
		}
	}
	return -ENOEXEC;
}

/* The NUL-terminated string at @idx of the string table at file offset @tab. */
static int read_string(const struct elf_file *ef, uint64_t tab, uint64_t tabsz, uint64_t idx,
		       char **out)
{
	size_t cap = 0, len = 0;
	char *s = NULL;

	*out = NULL;
	if (idx >= tabsz)
		return -ENOEXEC;
	for (;;) {
		uint64_t left = tabsz - idx - len;
		size_t chunk = left < 256 ? (size_t)left : 256;
		if (chunk == 0 || len + chunk > ELF_MAX_STRING) {
			free(s);
			return -ENOEXEC;	/* no NUL before the end of the table */
		}
		if (len + chunk + 1 > cap) {
			char *t = realloc(s, cap = len + chunk + 1);
			if (!t) {
				free(s);
				return -ENOMEM;
			}
			s = t;
		}
		int r = rd(ef, tab + idx + len, s + len, chunk);
		if (r < 0) {
			free(s);
			return r;
		}
		char *nul = memchr(s + len, '\0', chunk);
		if (nul) {
			*out = s;
			return 0;
		}
		len += chunk;
	}
}

/* DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH of an opened file (none: a static program). */
static int read_dynamic(const struct elf_file *ef, struct elf_dyn *d)
{
	size_t entsz = ef->is64 ? 16 : 8;
	uint64_t dynoff, strtab = 0, strsz = 0;
	uint64_t *needed = NULL;
	uint64_t soname = 0, rpath = 0, runpath = 0;
	bool has_strtab = false, has_strsz = false, has_soname = false, has_rpath = false,
	     has_runpath = false;
	unsigned char *dyn = NULL;
	size_t n, nneeded = 0;
	int r;

	memset(d, 0, sizeof(*d));
	if (!ef->has_dyn)
		return 0;
	if (ef->dyn_filesz % entsz != 0 || ef->dyn_filesz / entsz > ELF_MAX_DYN)
		return -ENOEXEC;
	n = (size_t)(ef->dyn_filesz / entsz);
	r = map_vaddr(ef, ef->dyn_vaddr, ef->dyn_filesz, &dynoff);
	if (r < 0)
		return r;
	dyn = malloc(n ? n * entsz : 1);
	if (!dyn)
		return -ENOMEM;
	r = rd(ef, dynoff, dyn, n * entsz);
	if (r < 0)
		goto out;
	/* First pass: the tags; strings are read once the table is known. */
	for (size_t i = 0; i < n; i++) {
		const unsigned char *e = dyn + i * entsz;
		uint64_t tag = GW(ef, e), val = GW(ef, e + entsz / 2);
		bool *seen = NULL;
		uint64_t *slot = NULL;

		if (tag == DT_NULL_)
			break;
		switch (tag) {
		case DT_NEEDED_:
			if (nneeded == ELF_MAX_NEEDED) {
				r = -ENOEXEC;
				goto out;
			}
			if (!needed) {
				needed = malloc(ELF_MAX_NEEDED * sizeof(*needed));
				if (!needed) {
					r = -ENOMEM;
					goto out;
				}
			}
			needed[nneeded++] = val;
			continue;
		case DT_STRTAB_: seen = &has_strtab; slot = &strtab; break;
		case DT_STRSZ_: seen = &has_strsz; slot = &strsz; break;
		case DT_SONAME_: seen = &has_soname; slot = &soname; break;
		case DT_RPATH_: seen = &has_rpath; slot = &rpath; break;
		case DT_RUNPATH_: seen = &has_runpath; slot = &runpath; break;
		default: continue;
		}
		if (*seen) {	/* a linker writes each of these once */
			r = -ENOEXEC;
			goto out;
		}
		*seen = true;
		*slot = val;
	}
	if (!nneeded && !has_soname && !has_rpath && !has_runpath)
		goto out;
	uint64_t taboff;
	if (!has_strtab || !has_strsz) {
		r = -ENOEXEC;
		goto out;
	}
	r = map_vaddr(ef, strtab, strsz, &taboff);
	if (r < 0)
		goto out;
	if (nneeded) {
		d->needed = calloc(nneeded, sizeof(*d->needed));
		if (!d->needed) {
			r = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < nneeded; i++) {
		r = read_string(ef, taboff, strsz, needed[i], &d->needed[i]);
		if (r < 0)
			goto out;
		d->nneeded++;
		if (!d->needed[i][0]) {
			r = -ENOEXEC;
			goto out;
		}
	}
	if (has_soname && (r = read_string(ef, taboff, strsz, soname, &d->soname)) < 0)
		goto out;
	if (has_rpath && (r = read_string(ef, taboff, strsz, rpath, &d->rpath)) < 0)
		goto out;
	if (has_runpath && (r = read_string(ef, taboff, strsz, runpath, &d->runpath)) < 0)
		goto out;
out:
	free(dyn);
	free(needed);
	if (r < 0)
		dyn_free(d);
	return r;
}

/* Opens @path and reads its headers and dynamic section. On success the file stays open
 * (elf_close()). */
static int elf_load(const char *path, struct elf_file *ef, struct stat *st, struct elf_dyn *d)
{
	uint64_t phoff;
	size_t phnum;
	int r = open_file(path, ef, st);

	memset(d, 0, sizeof(*d));
	if (r < 0)
		return r;
	r = read_header(ef, &phoff, &phnum);
	if (r == 0)
		r = read_phdrs(ef, phoff, phnum);
	if (r == 0)
		r = read_dynamic(ef, d);
	if (r < 0)
		elf_close(ef);
	return r;
}

/* ------------------------------------------------------------------------------------ */
/* The DT_NEEDED tree */

struct obj {
	char *name;		/* the DT_NEEDED string it was loaded by (the program: NULL) */
	char *dir;		/* where it was found (real path); NULL: the system's */
	char *origin;		/* $ORIGIN for its own lists; NULL: unknown */
	struct elf_dyn dyn;	/* empty when it was not read */
	bool read;		/* its DT_NEEDED are followed */
	size_t loader;		/* index of the object that loaded it (the program: itself) */
	unsigned int depth;
};

struct walk {
	struct obj *objs;
	size_t n, cap;
	bool secure;		/* secure-execution mode: no LD_LIBRARY_PATH, no $ORIGIN */
	const char *llp;	/* LD_LIBRARY_PATH */
	bool is64, msb;		/* what a library must be, as the program is */
	uint16_t machine;
	/* What the caller looks for: the first object loaded under @want; or, @want NULL,
	 * the first DT_NEEDED "libavutil.so.N". */
	const char *want;
	size_t found;		/* index, or 0 while not found */
	int lavu;		/* the N, or 0 */
};

static void walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->objs[i].name);
		free(w->objs[i].dir);
		free(w->objs[i].origin);
		dyn_free(&w->objs[i].dyn);
	}
	free(w->objs);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* realpath() of a directory, or NULL (-ENOMEM in *err only when memory ran out). */
static char *real_dir(const char *dir, int *err)
{
	char *r = realpath(dir, NULL);
	if (!r && errno == ENOMEM)
		*err = -ENOMEM;
	return r;
}

/* "N" of "libavutil.so.N" (1 to 3 digits), else 0. */
static int lavu_soname(const char *name)
{
	static const char prefix[] = "libavutil.so.";
	int n = 0;
	size_t i = sizeof(prefix) - 1;

	if (strncmp(name, prefix, i) != 0 || !name[i])
		return 0;
	for (; name[i]; i++) {
		if (name[i] < '0' || name[i] > '9' || n >= 100)
			return 0;
		n = n * 10 + (name[i] - '0');
	}
	return n;
}

/* Whether a name is loaded already: by the DT_NEEDED string or the DT_SONAME of an object
 * (ld.so's _dl_name_match_p). */
static bool is_loaded(const struct walk *w, const char *name)
{
	for (size_t i = 1; i < w->n; i++) {
		const struct obj *o = &w->objs[i];
		if ((o->name && !strcmp(o->name, name)) ||
		    (o->dyn.soname && !strcmp(o->dyn.soname, name)))
			return true;
	}
	return false;
}

/*
 * Tries the file @path for an object of the program's kind. Returns 1 when ld.so would take
 * it (then *d holds its dynamic section, or nothing when it could not be read: the tree is
 * not followed below it), 0 when it would go on looking, or -ENOMEM.
 */
static int try_file(const struct walk *w, const char *path, struct elf_dyn *d, bool *readable)
{
	struct elf_file ef;
	struct stat st;
	uint64_t phoff;
	size_t phnum;
	int r = open_file(path, &ef, &st);

	*readable = false;
	memset(d, 0, sizeof(*d));
	if (r < 0)
		return 0;
	r = read_header(&ef, &phoff, &phnum);
	if (r == 0 && (ef.is64 != w->is64 || ef.msb != w->msb || ef.machine != w->machine)) {
		elf_close(&ef);
		return 0;	/* another kind of object: ld.so skips it */
	}
	if (r == 0)
		r = read_phdrs(&ef, phoff, phnum);
	if (r == 0)
		r = read_dynamic(&ef, d);
	elf_close(&ef);
	if (r == -ENOMEM)
		return r;
	*readable = r == 0;
	return 1;
}

/* Appends an object; its strings are taken over (freed on failure). */
static int add_obj(struct walk *w, char *name, char *dir, struct elf_dyn *d, bool readable,
		   size_t loader)
{
	struct obj *o = vad__array_grow(w->objs, sizeof(*o), w->n, &w->cap);
	if (!o) {
		free(name);
		free(dir);
		dyn_free(d);
		return -ENOMEM;
	}
	w->objs = o;
	o = &w->objs[w->n];
	memset(o, 0, sizeof(*o));
	o->name = name;
	o->dir = dir;
	o->dyn = *d;
	o->read = readable;
	o->loader = loader;
	o->depth = w->n ? w->objs[loader].depth + 1 : 0;
	w->n++;
	if (dir) {
		o->origin = strdup(dir);
		if (!o->origin)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Expands one list entry (@len bytes at @s) for object @o into a malloc'ed directory.
 * Returns 1 (*out set), 0 (skip the entry: $LIB, $PLATFORM, or $ORIGIN unknown or not
 * allowed) or -ENOMEM.
 */
static int expand_entry(const struct walk *w, const char *origin, const char *s, size_t len,
			char **out)
{
	size_t cap = len + 2, n = 0;
	char *d;

	*out = NULL;
	if (len == 0)
		return (*out = strdup(".")) ? 1 : -ENOMEM;
	d = malloc(cap);
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < len;) {
		const char *tok = NULL;
		size_t toklen = 0, skip = 0;
		if (s[i] == '$') {
			static const char *const names[] = { "ORIGIN", "LIB", "PLATFORM" };
			for (size_t k = 0; k < 3 && !tok; k++) {
				size_t nl = strlen(names[k]);
				if (i + 1 + nl <= len && !strncmp(s + i + 1, names[k], nl) &&
				    (i + 1 + nl == len ||
				     !(s[i + 1 + nl] == '_' ||
				       (s[i + 1 + nl] >= 'a' && s[i + 1 + nl] <= 'z') ||
				       (s[i + 1 + nl] >= 'A' && s[i + 1 + nl] <= 'Z') ||
				       (s[i + 1 + nl] >= '0' && s[i + 1 + nl] <= '9')))) {
					tok = names[k];
					skip = 1 + nl;
				} else if (i + 3 + nl <= len && s[i + 1] == '{' &&
					   !strncmp(s + i + 2, names[k], nl) &&
					   s[i + 2 + nl] == '}') {
					tok = names[k];
					skip = 3 + nl;
				}
			}
		}
		if (!tok) {
			d[n++] = s[i++];
			continue;
		}
		if (strcmp(tok, "ORIGIN") != 0 || !origin || w->secure) {
			free(d);
			return 0;
		}
		toklen = strlen(origin);
		char *t = realloc(d, cap += toklen);
		if (!t) {
			free(d);
			return -ENOMEM;
		}
		d = t;
		memcpy(d + n, origin, toklen);
		n += toklen;
		i += skip;
	}
	d[n] = '\0';
	*out = d;
	return 1;
}

/*
 * Looks @name up in the list @list (entries separated by any of @seps) with $ORIGIN =
 * @origin. Returns 1 when found (the object appended, loaded by @loader), 0 when not, or
 * -ENOMEM.
 */
static int search_list(struct walk *w, const char *list, const char *seps, const char *origin,
		       const char *name, size_t loader)
{
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, seps);
		char *dir = NULL, *path = NULL;
		int r = expand_entry(w, origin, p, len, &dir);
		if (r < 0)
			return r;
		if (r > 0) {
			if (asprintf(&path, "%s/%s", dir, name) < 0) {
				free(dir);
				return -ENOMEM;
			}
			struct elf_dyn d;
			bool readable;
			r = try_file(w, path, &d, &readable);
			free(path);
			if (r > 0) {
				int err = 0;
				char *real = real_dir(dir, &err);
				free(dir);
				if (err < 0) {
					dyn_free(&d);
					return err;
				}
				char *nm = strdup(name);
				if (!nm || !real) {
					free(nm);
					free(real);
					dyn_free(&d);
					return -ENOMEM;
				}
				r = add_obj(w, nm, real, &d, readable, loader);
				return r < 0 ? r : 1;
			}
			free(dir);
			if (r < 0)
				return r;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* Loads @name as needed by object @i: appends it (found, or the system's). */
static int load_needed(struct walk *w, size_t i, const char *name)
{
	int r;

	if (strchr(name, '/')) {
		/* A path: used as it is (after $ORIGIN), relative to the current directory. */
		char *path = NULL, *dir, *real, *nm;
		struct elf_dyn d;
		bool readable;
		int err = 0;

		r = expand_entry(w, w->objs[i].origin, name, strlen(name), &path);
		if (r < 0)
			return r;
		if (r == 0)
			goto system;
		r = try_file(w, path, &d, &readable);
		if (r <= 0) {
			free(path);
			if (r < 0)
				return r;
			goto system;	/* ld.so would fail: not loaded */
		}
		dir = dir_of(path);
		free(path);
		real = dir ? real_dir(dir, &err) : NULL;
		nm = strdup(name);
		if (!dir || !nm)
			err = -ENOMEM;
		free(dir);
		if (err < 0 || !real) {
			free(nm);
			free(real);
			dyn_free(&d);
			if (err < 0)
				return err;
			goto system;
		}
		return add_obj(w, nm, real, &d, readable, i);
	}
	if (!w->objs[i].dyn.runpath) {
		for (size_t l = i;; l = w->objs[l].loader) {
			if (w->objs[l].dyn.rpath) {
				r = search_list(w, w->objs[l].dyn.rpath, ":", w->objs[l].origin,
						name, i);
				if (r != 0)
					return r < 0 ? r : 0;
			}
			if (l == 0)
				break;
		}
	}
	if (w->llp && !w->secure) {
		r = search_list(w, w->llp, ":;", w->objs[0].origin, name, i);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	if (w->objs[i].dyn.runpath) {
		r = search_list(w, w->objs[i].dyn.runpath, ":", w->objs[i].origin, name, i);
		if (r != 0)
			return r < 0 ? r : 0;
	}
system:;
	/* The system's (or none): not read, its branch ends here. */
	char *nm = strdup(name);
	struct elf_dyn none = { 0 };
	if (!nm)
		return -ENOMEM;
	return add_obj(w, nm, NULL, &none, false, i);
}

/* Whether object @k is what the caller looks for. */
static bool wanted(const struct walk *w, size_t k)
{
	const struct obj *o = &w->objs[k];
	return w->want && ((o->name && !strcmp(o->name, w->want)) ||
			   (o->dyn.soname && !strcmp(o->dyn.soname, w->want)));
}

/*
 * Loads the program and walks its DT_NEEDED tree breadth-first until what @w wants is
 * found. Returns 0, or -ENOENT/-EACCES/... (the program cannot be opened), -ENOEXEC,
 * -ENOMEM.
 */
static int walk_tree(struct walk *w, const char *program)
{
	struct elf_file ef;
	struct elf_dyn d;
	struct stat st;
	int r = elf_load(program, &ef, &st, &d);

	if (r < 0)
		return r == -EISDIR ? -ENOEXEC : r;
	w->is64 = ef.is64;
	w->msb = ef.msb;
	w->machine = ef.machine;
	elf_close(&ef);
	/* A setuid or setgid program runs in secure-execution mode, as does a program started
	 * by a process that is in it (then secure_getenv() hides the variable here too). */
	w->secure = (st.st_mode & S_ISUID) || ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP)) ||
		    getauxval(AT_SECURE);
	w->llp = secure_getenv("LD_LIBRARY_PATH");

	/* $ORIGIN of the program: unknown (entries using it skipped) if it vanished. Resolved
	 * only when a list or name that can use it mentions it (a realpath() walk costs a
	 * readlink per component). */
	char *origin = NULL;
	bool uses_origin = (d.rpath && strstr(d.rpath, "ORIGIN")) ||
			   (d.runpath && strstr(d.runpath, "ORIGIN")) ||
			   (w->llp && strstr(w->llp, "ORIGIN"));
	for (size_t k = 0; k < d.nneeded && !uses_origin; k++)
		uses_origin = strstr(d.needed[k], "ORIGIN") != NULL;
	if (uses_origin) {
		char *real = realpath(program, NULL);
		if ((!real && errno == ENOMEM) || (real && !(origin = dir_of(real)))) {
			free(real);
			dyn_free(&d);
			return -ENOMEM;
		}
		free(real);
	}
	r = add_obj(w, NULL, origin, &d, true, 0);
	if (r < 0)
		return r;

	for (size_t i = 0; i < w->n; i++) {
		if (!w->objs[i].read || w->objs[i].depth >= WALK_MAX_DEPTH)
			continue;
		/* The libavutil sought: among this object's names, before loading any. */
		for (size_t k = 0; !w->want && k < w->objs[i].dyn.nneeded; k++)
			if ((w->lavu = lavu_soname(w->objs[i].dyn.needed[k])))
				return 0;
		for (size_t k = 0; k < w->objs[i].dyn.nneeded; k++) {
			const char *name = w->objs[i].dyn.needed[k];
			if (is_loaded(w, name))
				continue;
			if (w->n >= WALK_MAX_OBJECTS)
				return 0;
			r = load_needed(w, i, name);
			if (r < 0)
				return r;
			if (wanted(w, w->n - 1)) {
				w->found = w->n - 1;
				return 0;
			}
		}
	}
	return 0;
}

int vad__elf_find_library(const char *program, const char *soname, char **dir)
{
	struct walk w = { .want = soname };
	int r;

	if (!dir)
		return -EINVAL;
	*dir = NULL;
	if (!program || !soname || !*soname)
		return -EINVAL;
	r = walk_tree(&w, program);
	if (r == 0 && w.found && w.objs[w.found].dir) {
		*dir = w.objs[w.found].dir;
		w.objs[w.found].dir = NULL;
	}
	walk_free(&w);
	return r;
}

/* ------------------------------------------------------------------------------------ */
/* The FFmpeg version built into a file */

/* "NN.NN.NNN" at @p (at most @len bytes): the first number, or 0. */
static int ident_major(const char *p, size_t len)
{
	int major = 0, part = 0, digits = 0;

	for (size_t i = 0; i < len && part < 3; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (++digits > 3)
				return 0;
			if (part == 0)
				major = major * 10 + (p[i] - '0');
		} else if (p[i] == '.' && digits > 0 && part < 2) {
			part++;
			digits = 0;
		} else {
			break;
		}
	}
	return part == 2 && digits > 0 ? major : 0;
}

/*
 * Scans @len bytes at @off for LIBAVUTIL_IDENT ("Lavu57.28.100") and LIBAVCODEC_IDENT
 * ("Lavc59.37.100 "): *lavu gets the first Lavu major, *lavc the first Lavc major.
 */
static int scan_range(const struct elf_file *ef, uint64_t off, uint64_t len, char *buf,
		      int *lavu, int *lavc)
{
	enum { KEEP = 16 };	/* "Lavu" "999.999.999" and the byte after */
	uint64_t end = off + len;
	size_t have = 0;

	while (off < end) {
		size_t n = end - off < SCAN_CHUNK ? (size_t)(end - off) : SCAN_CHUNK;
		int r = rd(ef, off, buf + have, n);
		if (r < 0)
			return r;
		off += n;
		have += n;
		bool last = off >= end;
		/* matches starting at @limit or later are left for the next round */
		size_t limit = last ? have : have - KEEP;
		for (char *p = buf; (p = memmem(p, have - (size_t)(p - buf), "Lav", 3)); p++) {
			size_t at = (size_t)(p - buf);
			if (at >= limit || have - at < 4)
				break;
			int m = ident_major(p + 4, have - at - 4);
			if (p[3] == 'u' && m > 0) {
				*lavu = m;
				return 0;
			}
			if (p[3] == 'c' && m > 2 && !*lavc)
				*lavc = m - 2;
		}
		if (last)
			break;
		memmove(buf, buf + limit, have - limit);
		have -= limit;
	}
	return 0;
}

/*
 * The libavutil major from the ident strings of a static build: LIBAVUTIL_IDENT
 * ("Lavu57.28.100"; ffprobe has it) wins over LIBAVCODEC_IDENT ("Lavc59.37.100 "; every
 * ffmpeg has it, as the encoder tag it writes), whose major is libavutil's + 2 in every
 * release since FFmpeg 3.0 (57/55 ... 59/57 in 5.1, 61/59 in 7.1, 62/60 in 8.1, 63/61 in
 * 9.0): all majors are bumped together. The strings are read-only data the program uses,
 * so only the loaded segments are read, and of those only the ones that are not code when
 * the program has such (read-only data in a segment of its own, as linkers lay programs
 * out since 2018): a static ffmpeg's code and debug information are not read.
 */
static int scan_idents(const char *program)
{
	struct elf_file ef;
	struct stat st;
	uint64_t phoff;
	size_t phnum;
	int lavu = 0, lavc = 0;
	char *buf = NULL;
	int r = open_file(program, &ef, &st);

	if (r < 0)
		return r;
	r = read_header(&ef, &phoff, &phnum);
	if (r == 0)
		r = read_phdrs(&ef, phoff, phnum);
	if (r == 0 && !(buf = malloc(SCAN_CHUNK + 16)))
		r = -ENOMEM;
	bool data_apart = false;
	for (size_t i = 0; r == 0 && i < ef.nloads; i++)
		data_apart |= !ef.loads[i].exec;
	for (size_t i = 0; r == 0 && !lavu && i < ef.nloads; i++)
		if (!(data_apart && ef.loads[i].exec))
			r = scan_range(&ef, ef.loads[i].off, ef.loads[i].filesz, buf, &lavu, &lavc);
	free(buf);
	elf_close(&ef);
	if (r < 0)
		return r;
	return lavu ? lavu : lavc ? lavc : -ENOENT;
}

int vad__elf_libavutil_major(const char *program)
{
	struct walk w = { 0 };
	int r;

	if (!program)
		return -EINVAL;
	r = walk_tree(&w, program);
	if (r == 0)
		r = w.lavu ? w.lavu : scan_idents(program);
	walk_free(&w);
	return r;
}

/* Public (vadiscover.h): the directory comes from the walk above. */
int vad_set_libva_program(struct vad_context *ctx, const char *path)
{
	char *dir = NULL;
	int r;

	if (!ctx || !path)
		return -EINVAL;
	r = vad__elf_find_library(path, "libva.so.2", &dir);
	if (r == 0)
		r = vad_set_libva_dir(ctx, dir);
	free(dir);
	return r;
}
