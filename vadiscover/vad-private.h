/*
 * libvadiscover internals: the objects behind the opaque handles, and the functions the
 * source files share.
 *
 * SPDX-License-Identifier: MIT
 *
 * Every non-static name here starts with vad__ (two underscores) so that users of the
 * static library see no foreign symbols; the shared library exports none of them
 * (-fvisibility=hidden plus the version script).
 */
#ifndef VAD_PRIVATE_H
#define VAD_PRIVATE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

/* The library is built with -fvisibility=hidden: the public declarations, and only they,
 * get default visibility. The version script (libvadiscover.sym) is the second fence. */
#pragma GCC visibility push(default)
#include "vadiscover/vadiscover.h"
#pragma GCC visibility pop

/* A string built by appending: struct vad_str, vad__str_add*() (vadiscover/str.h). */
#include "vadiscover/str.h"

#define VAD_DRM_MAJOR 226

/* On a function whose result the caller frees: gcc's analyser (make analyze) then follows
 * the pointer into the other files that call it. Not on one also called in its own file
 * (gcc 12 then takes the caller's allocation for one inside it and reports a leak there).
 * gcc 11 is the first to take the deallocator; clang takes none. */
#if __GNUC__ >= 11 && !defined(__clang__)
#define VAD_MALLOC __attribute__((malloc, malloc(free)))
#else
#define VAD_MALLOC
#endif

/* One probe's answer, as a value: what each way of probing (in this process, in the helper,
 * from the probe cache) returns, and what vad_device_probe() keeps in the device. Start from
 * VAD__VA_NONE; vad__va_clear() frees it. */
struct vad__va {
	int status;		/* 0 (capable) or a negative errno; -EAGAIN: no answer */
	bool open_failed;	/* status is the errno of open() */
	int version;		/* VA major * 100 + minor, or -EAGAIN */
	unsigned int decode;
	unsigned int encode;
	bool vpp;
	char *vendor;
	char *driver;
	char *error;
	char *files;		/* the VA driver files libva tried, one per line, or NULL */
	bool cached;		/* it came from the probe cache */
	bool nocache;		/* not a fact about the device: kept only for the processes
				 * waiting for this probe (helper trouble) */
	bool busy;		/* -ETIMEDOUT of a helper starved of CPU: no proof of a hang */
	bool old_hang;		/* -ETIMEDOUT remembered from before this question */
	long long written;	/* when the cached answer was written (ns since the epoch) */
};
#define VAD__VA_NONE ((struct vad__va){ .status = -EAGAIN, .version = -EAGAIN })

struct vad_device {
	/* Nodes as this process sees them. *_num is the number in the node's name
	 * (renderD129 -> 129, card1 -> 1), or -1 when the name carries none. */
	char *render_node;
	char *card_node;
	dev_t render_rdev;
	dev_t card_rdev;
	long render_num;
	long card_num;
	gid_t node_gid;		/* group of the node to use, for the permission hint */
	int access;		/* 0 or -errno of open(O_RDWR) at scan time */

	/* Sysfs facts: read when first needed (vad__device_facts()), not by the scan; the
	 * kernel driver may be read alone before (vad__device_driver()). */
	struct vad_context *ctx;	/* the context that scanned it, for the reading */
	bool facts_read;
	bool driver_read;
	char *sysfs_path;
	enum vad_bus bus;
	char *pci_slot;
	int vendor_id;
	int device_id;
	int subsystem_vendor_id;
	int subsystem_device_id;
	int revision;
	char *kernel_driver;
	int boot_vga;
	enum vad_sriov_role role;
	int vf_index;
	char *pf_slot;
	int sriov_numvfs;
	int sriov_totalvfs;

	/* VA probe: the kept answer (vad_device_probe() stores it, in one place). */
	bool probed;
	char *probe_request;	/* the driver argument of the kept probe (NULL: none) */
	struct vad__va va;

	/* Selection. */
	enum vad_verdict verdict;
	char *reason;
	const char *filter_key;	/* the spec key that filtered it out (static), or NULL */
};

/* A PCI function of a scanned SR-IOV PF that has no DRM node in /dev/dri (scan.c). */
struct vad_function {
	char *pci_slot;
	char *sysfs_path;
	char *pf_slot;
	int vf_index;
	int vendor_id;
	int device_id;
	char *kernel_driver;
	char *host_nodes;	/* "card3 renderD131": its nodes in sysfs, or NULL */
	char *reason;
};

/* A PF's virtfnN links, read once per scan (scan.c): slots[i] is the target of virtfn<i>. */
struct vad__pf_virtfns {
	char *pf_path;
	char **slots;
	size_t n;
};

struct vad_context {
	int refcount;
	vad_log_fn log_fn;
	enum vad_log_priority log_priority;
	void *log_userdata;

	bool scanned;
	struct vad_device **devices;
	size_t ndevices;

	/* The PCI functions of scanned PFs without a DRM node here (never selected), read
	 * when first asked for (functions_read). */
	struct vad_function **functions;
	size_t nfunctions;
	bool functions_read;

	/* The virtfn links of the PFs seen by the scan under way (freed when it ends). */
	struct vad__pf_virtfns **pf_virtfns;
	size_t npf_virtfns, pf_virtfns_cap;

	/* The libva loaded at run time (vad-libva.h), created on first use. */
	struct vad__libva *libva;

	/* The probe cache (cache.c): its directory, open (-1: not yet, or off), while the
	 * variables that chose it (cache_env) stay as they were; the boot id, read once. */
	int cache_dirfd;
	char *cache_env;
	uid_t cache_uid;	/* the owner its files must have */
	char boot_id[64];
	/* The files (libva, VA drivers) of answers found as they were since the last scan,
	 * not checked again until the next one: "\x02PATHS\x01STATE\x02" each. */
	struct vad_str files_ok;

	/* How probes run (vad_set_probe_mode()) and the helper program (isolate.c). */
	unsigned int probe_mode;
	char *probe_helper;	/* vad_set_probe_helper(), or NULL */
};

/* Spec keys, in grammar (canonical) order. */
enum vad__spec_key {
	VAD_KEY_VENDOR = 0,
	VAD_KEY_KERNEL_DRIVER,
	VAD_KEY_DRIVER,
	VAD_KEY_PCI,
	VAD_KEY_ROLE,
	VAD_KEY_VF,
	VAD_KEY_NODE,
	VAD_KEY_DECODE,
	VAD_KEY_ENCODE,
	VAD_KEY_INDEX,
	VAD_KEY_COUNT
};

struct vad_spec {
	unsigned int set;		/* bit (1 << enum vad__spec_key) per key given */
	unsigned int vendor;
	char **kernel_drivers;		/* NULL-terminated alternatives */
	char *driver;
	char *pci;			/* normalised: lower case, with domain */
	enum vad_sriov_role role;
	unsigned int vf;
	char *node;
	unsigned int decode;
	unsigned int encode;
	unsigned int index;
	char *canonical;		/* cache for vad_spec_to_string() */
};

static inline bool vad__spec_has(const struct vad_spec *spec, enum vad__spec_key key)
{
	return spec && (spec->set & (1u << key));
}

/* context.c */
void vad__log(struct vad_context *ctx, enum vad_log_priority priority, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
void vad__logv(struct vad_context *ctx, enum vad_log_priority priority, const char *format,
	       va_list args) __attribute__((format(printf, 3, 0)));

/* device.c */
/* A new device with every fact unknown (-ENOENT, VA not probed), or NULL on -ENOMEM. */
struct vad_device *vad__device_alloc(void);
void vad__device_free(struct vad_device *dev);
void vad__function_free(struct vad_function *fn);
/* Free all devices and functions of @ctx, and the scan's virtfn links. */
void vad__devices_free(struct vad_context *ctx);
/* vad_device_find() of a node already stat()ed: 0, -ENODEV or -ENXIO. */
struct stat;
int vad__device_find(const struct vad_context *ctx, const struct stat *st, struct vad_device **out);

/* names.c: the names of the public enums (one table each); the *_name() functions. */
/* The bus of sysfs subsystem name @name ("pci"), VAD_BUS_UNKNOWN for any other. */
enum vad_bus vad__bus_from_name(const char *name);
/* The role named @name ("pf", "vf", "none"), or -1. */
int vad__sriov_role_from_name(const char *name);
/* Every codec name, or every role name, joined by spaces ("pf vf none"), in @buf. */
const char *vad__known_codecs(char *buf, size_t len);
const char *vad__known_roles(char *buf, size_t len);
#define VAD_KNOWN_NAMES_MAX 128

/* util.c */
/* Replace *@slot with a malloc'ed printf result; -ENOMEM on failure (slot left NULL). */
int vad__set_strf(char **slot, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* The message of errno @err, thread-safe (strerror() is not): strerror_r into a buffer that
 * lives until the end of the enclosing full expression's block. */
const char *vad__strerror(int err, char *buf, size_t len);
#define VAD_STRERROR(err) vad__strerror((err), (char[128]){ 0 }, 128)

/* Room for element @n of the array @items of @size-byte elements and capacity *@cap:
 * @items itself while @n < *@cap, else the array realloc'ed to twice the capacity (8 at
 * first) and *@cap updated; NULL on -ENOMEM (@items is then left as it was). Inline, so
 * that gcc's analyser (make analyze) sees the realloc() and follows what the array holds. */
static inline void *vad__array_grow(void *items, size_t size, size_t n, size_t *cap)
{
	size_t c = *cap ? *cap * 2 : 8;
	void *p;

	if (n < *cap)
		return items;
	if (c < *cap || c > SIZE_MAX / size)
		return NULL;
	p = realloc(items, c * size);
	if (p)
		*cap = c;
	return p;
}

/* record.c: a probe result as bytes (the helper's pipe, the cache's files). */
#define VAD_RECORD_VENDOR_MAX 1024
#define VAD_RECORD_DRIVER_MAX 64
#define VAD_RECORD_ERROR_MAX 2048
/* @va as a record, malloc'ed in *@out (*@len bytes). 0 or -ENOMEM. */
int vad__record_write(const struct vad__va *va, char **out, size_t *len);
/* Parse a record from @buf into @va (status, open-failed, version, codecs, vpp, vendor,
 * driver, error); @va is untouched on failure. With @used, the record may be followed by
 * more bytes and *@used receives its length; without, it must be all of @buf.
 * 0, -EINVAL (malformed in any way) or -ENOMEM. */
int vad__record_read(const char *buf, size_t len, struct vad__va *va, size_t *used);

#define VAD_PATH_MAX 1024
#define VAD_FILES_MAX 4096

/* probe.c: the probe of @dev in this process. @note (may be NULL) is given a line before
 * each step ("stage libva", "stage open", "stage vaInitialize", "stage query"), so that a
 * helper can say where it died, and a line per driver file libva tries ("file
 * /usr/lib/.../x.so"). @force: the driver name to force, or NULL for libva's choice. The
 * answer into @va (from VAD__VA_NONE); returns its status. */
int vad__probe_here(struct vad_context *ctx, const struct vad_device *dev, const char *force,
		    void (*note)(void *userdata, const char *line), void *userdata,
		    struct vad__va *va);
/* Free @va's strings and make it VAD__VA_NONE. */
void vad__va_clear(struct vad__va *va);
/* Empty @dev's kept answer (not probed). */
void vad__probe_reset(struct vad_device *dev);

/* isolate.c: the probe in the helper program (vadiscover-probe). */
/* The helper to use, or NULL when none: the VADISCOVER_PROBE_HELPER environment variable,
 * else vad_set_probe_helper(), else the installed one; NULL when that is not executable. */
const char *vad__probe_helper(const struct vad_context *ctx);
/* The helper's path whether it exists or not. */
const char *vad__probe_helper_path(const struct vad_context *ctx);
/* Probe @dev in the helper, forcing @force (or none), with the deadline of
 * VADISCOVER_PROBE_TIMEOUT. The answer into @va (from VAD__VA_NONE); returns its status. */
int vad__probe_isolated(struct vad_context *ctx, const struct vad_device *dev,
			const char *helper, const char *force, struct vad__va *va);
/* One device of vad__probe_isolated_many(). */
struct vad__probe_item {
	const struct vad_device *dev;
	const char *force;	/* the VA driver to force, or NULL */
	struct vad__va *va;	/* its answer, from VAD__VA_NONE */
};
/* Probe @items (@n) in helpers, at most @width (>= 1) at once, each helper probing
 * consecutive devices one after the other, each device with its own deadline; when a
 * helper dies or is killed, the device it was probing has that answer and another helper
 * probes the devices after it. @done(@userdata, i, status) is called as each answer is known, once per item,
 * whatever happens (out of memory: status -ENOMEM). */
void vad__probe_isolated_many(struct vad_context *ctx, const char *helper,
			      struct vad__probe_item *items, size_t n, size_t width,
			      void (*done)(void *userdata, size_t i, int status), void *userdata);
/* The longest a probe may take, in ms: the deadline plus the time a helper starved of CPU
 * is granted (isolate.c). */
long long vad__probe_max_ms(void);

/* probe.c: vad_device_probe(); with @fresh, a remembered hang is not taken as the answer:
 * the device is probed again (vad_select() when every candidate is ruled out by one). */
int vad__device_probe(struct vad_context *ctx, struct vad_device *dev, const char *driver,
		      bool fresh);
/* The same for the @n devices @devs (@fresh[i] for each), up to one helper per CPU at a
 * time when probes run in the helper (else, and for a device whose answer another process
 * is finding, nothing: vad__device_probe() then probes it). 0 or -ENOMEM. */
int vad__probe_many(struct vad_context *ctx, struct vad_device **devs, const bool *fresh,
		    size_t n, const char *driver);

/* cache.c: the probe cache. */
/* The time now in ns since the epoch (CLOCK_REALTIME: shared by the processes that share a
 * cache). */
long long vad__now_ns(void);
/* The key to look the answer for @dev with driver @force up under, malloc'ed in *@key;
 * NULL there when the cache is off for this context or no libva loads. 0 or -ENOMEM. */
int vad__cache_key(struct vad_context *ctx, const struct vad_device *dev, const char *force,
		   char **key);
/* Look @key up for @dev and a question asked at @asked (vad__now_ns()): 1 (and the
 * answer in @va, from VAD__VA_NONE), 0 (not there, not valid, @key NULL, the cache off),
 * or -ENOMEM. With @fresh, a hang written before @asked is no answer; without, it is one
 * with @va->old_hang set. */
int vad__cache_lookup(struct vad_context *ctx, const struct vad_device *dev, const char *key,
		      long long asked, bool fresh, struct vad__va *va);
/* Become the one process that probes for @key: an flock()ed file descriptor (close it to
 * let the next one in), after waiting at most @wait_ms for the process that probes now;
 * -errno when there is no lock to take (cache off: probe anyway) or the wait ran out
 * (-ETIMEDOUT; -EWOULDBLOCK at once when @wait_ms is 0). */
int vad__cache_lock(struct vad_context *ctx, const struct vad_device *dev, const char *key,
		    long long wait_ms);
/* Keep the answer @va for @dev under @key; one that proves nothing lasting only for the
 * processes that waited for it. */
void vad__cache_store(struct vad_context *ctx, const struct vad_device *dev,
		      const struct vad__va *va, const char *key);
/* vad_unref(): close the cache directory. */
void vad__cache_free(struct vad_context *ctx);
/* Parse the cache file @buf (@len bytes, NUL after them) for @key and a question asked at
 * @asked: 1 and the answer in @va (from VAD__VA_NONE) when it matches in every way, 0 when
 * not, -ENOMEM. */
int vad__cache_parse(const char *buf, size_t len, const char *key, long long asked,
		     struct vad__va *va);

/* libva.c */
/* The directory a helper must load libva from to use the same libva as this context
 * (malloc'ed in *@dir), or NULL in *@dir for the system's: the directory of the libva
 * loaded, unless it was found by soname. 0, -ELIBACC or -ENOMEM. */
int vad__libva_helper_dir(struct vad_context *ctx, char **dir);
/* Which libva a probe of @ctx would use, as text for the probe cache's key, appended to @t
 * without loading any: "dir DIR" or "system" (the loader's search, or the libva already in
 * the process, which a load by soname gives). What a cached answer's libva files must
 * show, in *@want: the path of the libva file (first line) when it is known, "" when it
 * is the loader's search (/etc/ld.so.cache among them), NULL when any will do. 0,
 * -ELIBACC (the last load failed) or -ENOMEM. */
int vad__libva_choice(struct vad_context *ctx, struct vad_str *t, const char **want);
/* The files whose identity names the loaded libva (its file, and what led the loader to
 * it), one per line, malloc'ed in *@out; -ENOENT when none is loaded, -ENOMEM. */
int vad__libva_files(struct vad_context *ctx, char **out);
/* vad_scan(): forget a failed load, and unload a libva whose directory was changed since
 * it was loaded (its path and error strings are freed). */
void vad__libva_rescan(struct vad_context *ctx);
/* vad_unref(): close every handle and free the state. */
void vad__libva_free(struct vad_context *ctx);

/* vadriver.c */
/* Whether @name can be a VA driver name: 1..255 bytes of letters, digits, '_', '-', '.'. */
bool vad__va_driver_name_ok(const char *name);
/* The kernel driver (or platform device) of @dev when it has no video engine (ast,
 * simpledrm, vgem...): VA-API cannot work there, so selection does not probe it. */
const char *vad__display_only_driver(const struct vad_device *dev);
/* After a failed vaInitialize with VA driver @forced (or NULL), where libva said it tried
 * @tried (or NULL): when the driver file is in none of libva's directories, a malloc'ed
 * reason naming the file, the directories and the package in *@reason; else *@reason
 * NULL. 0 or -ENOMEM. */
int vad__va_driver_missing(struct vad_context *ctx, const struct vad_device *dev,
			   const char *forced, const char *tried, char **reason);

/* spec.c: the canonical text of @spec (NULL: ""), malloc'ed; NULL on -ENOMEM. Does not
 * touch @spec, so a spec may be shared by threads that only select with it. */
char *vad__spec_format(const struct vad_spec *spec);

/* spec.c: what vad__spec_match() judges: a device, and for node= what stat() of the spec's
 * node gave (@node_st, or the errno @node_err) and the device that node is (or NULL). */
struct vad__spec_facts {
	const struct vad_device *dev;
	const struct stat *node_st;
	const struct vad_device *node_dev;
	int node_err;
};

/* spec.c: 0 when @f's device passes every sysfs fact @spec asks for (a NULL @spec: it
 * does); 1 and the first that rules it out, keys in canonical order, as a reason in
 * *@reason ("filtered out: vendor 0x1002 != 0x8086") and its key's name in *@key
 * ("vendor"; NULL when it passes); -ENOMEM. */
int vad__spec_match(const struct vad_spec *spec, const struct vad__spec_facts *f, char **reason,
		    const char **key);

/* spec.c: the @i th name a key is known by (every key, each followed by its alias if it has
 * one, in canonical order), NULL past the last: what "unknown key '...' (known: ...)"
 * lists and tests/fuzz's spec dictionary holds. */
const char *vad__spec_key_name(size_t i);

/* scan.c: read the sysfs facts of @dev, whose sysfs_path is set (ids, driver, SR-IOV).
 * 0 or -ENOMEM: a missing or malformed attribute leaves its fact at -ENOENT / -EINVAL. */
int vad__read_facts(struct vad_context *ctx, struct vad_device *dev);
/* scan.c: make sure the sysfs facts of @dev are read (once per scan; every reader of a
 * fact calls it first). The device is its context's, not a constant: one thread at a time
 * uses them (vadiscover.h, "Threads"). On -ENOMEM the facts stay unknown and the next
 * call tries again. */
void vad__device_facts(const struct vad_device *dev);
/* scan.c: the same for the kernel driver alone (one link), which is all the probe cache's
 * key and the VA driver a device needs ask. */
void vad__device_driver(const struct vad_device *dev);
/* Read the functions without a node of the last scan, if not read yet (vad_function_count()
 * and vad_function_get() ask); on -ENOMEM none, and the next call tries again. */
void vad__functions_read(struct vad_context *ctx);
/* Forget the virtfn links read by the last scan. */
void vad__pf_virtfns_free(struct vad_context *ctx);

/* sysfs.c */
/* Read a small attribute file, trailing newline stripped. 0 or -errno; -EINVAL if it does
 * not fit in @len or holds a NUL byte. */
int vad__sysfs_read(const char *dir, const char *attr, char *buf, size_t len);
/* Parse "0x1a2b" (an id as sysfs prints it) strictly: 0x prefix, 1..@max_digits hex
 * digits, nothing else. The value, or -EINVAL. */
int vad__parse_hex_id(const char *text, unsigned int max_digits);
/* Read and parse a hex id attribute: the id, -ENOENT (no such attribute) or -EINVAL (any
 * other failure to read it, or malformed). */
int vad__sysfs_read_id(const char *dir, const char *attr, unsigned int max_digits);
/* Read a non-negative decimal attribute ("7"): the value, -ENOENT or -EINVAL (as above). */
int vad__sysfs_read_uint(const char *dir, const char *attr);
/* The last path component of the target of the link @dir/@attr, malloc'ed in *@out.
 * 0 or -errno. */
int vad__sysfs_link_name(const char *dir, const char *attr, char **out);
/* The path the link @dir/@attr leads to, malloc'ed in *@out, from one readlink(): its
 * target taken relative to @dir, which must hold no symlink (a device's directory under
 * /sys/devices, or /sys/dev/char), as the kernel's links are made. 0 or -errno (-EINVAL:
 * not a link). */
int vad__sysfs_link_path(const char *dir, const char *attr, char **out);
/* Whether @text is a PCI slot "DDDD:BB:DD.F" (hex, 4..8 domain digits). */
bool vad__is_pci_slot(const char *text);

#endif
