/*
 * libvadiscover: find the DRM node to use for VA-API by what it is, not by its name.
 *
 * SPDX-License-Identifier: MIT
 *
 * The model
 * ---------
 * A struct vad_context is the library's only handle. vad_scan() enumerates the nodes that
 * exist in /dev/dri (any count, any name) and identifies each by its device number:
 * stat() -> st_rdev -> /sys/dev/char/MAJ:MIN -> the device in sysfs. Node names are never
 * trusted, because inside a container renderD128 may be the host's renderD132. The card
 * node and the render node of one device become one struct vad_device.
 *
 * Facts from sysfs are read by vad_scan(). VA-API is probed only on demand, once per
 * device (vad_device_probe(), or vad_select() when a spec needs it), through real libva,
 * which the library loads at run time (it does not link libva: see "libva at run time").
 *
 * vad_select() takes a parsed spec (struct vad_spec, grammar below) and returns the device
 * to use; afterwards every device carries a verdict and a reason a user can act on.
 *
 * Conventions
 * -----------
 * - Functions returning int return 0 (or a count) on success and a negative errno on
 *   failure. The errors of every function are listed with it, all of them: a function
 *   returns no errno its comment does not name (tests/test-api.c has a case for each one
 *   a test can bring about: all but -ENOMEM and the system's own, such as -EIO).
 * - Arguments. A NULL context is accepted everywhere: a function returning int returns
 *   -EINVAL (the getter vad_get_libva_version() its "none", -ENOENT), any other getter its
 *   "none" (0, NULL, false), vad_set_log_fn() and vad_unref() do nothing. A device or a
 *   function (struct vad_device *, struct vad_function *) must be one that vad_device_get()
 *   or vad_function_get() returned since the last vad_scan() of its context: their getters
 *   do not check it, and NULL is undefined behaviour (vad_device_probe() and
 *   vad_device_find_va_driver_file() alone return -EINVAL for NULL). A NULL spec is the
 *   empty spec wherever a function reads one.
 * - Strings returned by getters are owned by the object they come from and stay valid
 *   until the next call that replaces them (as in libevdev and kmod), or until the context
 *   is freed; copy one to keep it longer. Precisely:
 *     vad_scan()                replaces every device and every string of the context
 *                               (device pointers too), and the libva path and error;
 *     vad_select()              replaces the reason of every device (and, through the
 *                               probes it runs, the VA strings of the devices it probes);
 *     vad_device_probe()        replaces the VA strings of that device (vendor, driver,
 *                               error) when it answers anew (a probe, or the probe
 *                               cache), not when it returns a result it kept;
 *     vad_set_libva_dir(),
 *     vad_set_libva_program()   replace the libva error after a failed load;
 *     vad_spec_set(),
 *     vad_spec_unset()          replace the text of vad_spec_to_string() of that spec.
 *   Nothing else frees a string a getter returned. So any number of calls on one context
 *   keeps its memory bounded: a replaced string is freed at once, never pooled.
 * - A result of -ENOMEM is never kept: the next call tries again.
 * - The library never prints and never exits: messages go to the log function
 *   (vad_set_log_fn()), none is installed by default.
 * - No global mutable state and no locks: what may run at once is under "Threads".
 * - Every fd the library opens is O_CLOEXEC and closed before the call returns, but the
 *   probe cache's directory, which a context keeps open from its first use of the cache
 *   until vad_unref() (or until the variables that choose it change).
 * - Paths: the library reads /dev/dri and /sys exactly as libdrm and libva do (they hard-code
 *   them), so that enumeration and probing can never disagree about a node. To run it
 *   against a simulated kernel, the test suite interposes those paths (tests/harness).
 *
 * Threads
 * -------
 * The library keeps no global state and takes no lock; the caller decides what runs at once:
 * - One context, with its devices, functions and strings, is used by one thread at a time:
 *   every call on it, getters and vad_ref()/vad_unref() included (the count is a plain
 *   int). Another thread may go on with it afterwards, given the caller's own
 *   synchronisation between the two.
 * - Different contexts may be used from different threads at once, except for probes that
 *   run in this process (below).
 * - A spec may be read by several threads at once (vad_select(), vad_spec_get_driver());
 *   vad_spec_set(), vad_spec_unset(), vad_spec_to_string() (it keeps its text in the spec)
 *   and vad_spec_free() need it to themselves.
 * - Functions that take no object (vad_version(), vad_codec_name(), vad_codec_from_name(),
 *   vad_bus_name(), vad_sriov_role_name(), vad_verdict_name(), vad_va_driver_package(),
 *   vad_va_driver_for_kernel_driver()) may be called from any thread at any time.
 * - Probes in this process must not overlap. libva's vaInitialize() is not safe to run in
 *   two threads at once: libva 2.17 to 2.22 write process-wide variables in it without a
 *   lock (va.c's default_log_level when LIBVA_MESSAGING_LEVEL or /etc/libva.conf sets one,
 *   va_trace.c's va_trace_flag when LIBVA_TRACE, LIBVA_TRACE_BUFDATA, LIBVA_TRACE_CODEDBUF
 *   or LIBVA_TRACE_SURFACE is set), read the environment with getenv(), and load and
 *   initialise the VA driver, which promises nothing about threads either. And there is
 *   one libva per process ("libva at run time"): every context and the program itself
 *   share it. So, with a probe mode that has VAD_PROBE_IN_PROCESS (the default has it: it
 *   probes in this process when the helper is not installed, which the caller cannot
 *   see), the caller holds one process-wide lock around every vad_device_probe() and
 *   vad_select() on any context, and around the program's own vaInitialize(). With
 *   VAD_PROBE_ISOLATED alone, no VA call runs in this process (libva is only loaded, with
 *   dlopen(), which is thread-safe): probes on different contexts may run at once, and a
 *   missing helper is -ENOEXEC. vad_scan() never calls libva.
 * - The environment is read during calls (secure_getenv(): VADISCOVER_*, LIBVA_*): it must
 *   not change (setenv()) in another thread meanwhile, as for any reader of it.
 * - The probe cache is shared by threads and processes: a writer writes a file of its own
 *   (named by its pid and thread id) and renames it into place, a reader checks every
 *   field; of two writers of one answer the last rename wins, and both files are whole.
 *   One probe of a device runs at a time (an flock() on a file in the cache directory, see
 *   "Probe cache"): a thread or process that needs the answer meanwhile waits for it.
 * - The probe helper is started with posix_spawn() (safe in a threaded process); its pipe
 *   is O_CLOEXEC and the helper closes every other descriptor, so helpers started by
 *   different threads hold none of each other's pipes; each is reaped by its pid. A caller
 *   that reaps any child (waitpid(-1, ...) in another thread, or SIGCHLD set to SIG_IGN)
 *   can take a helper's exit status away: a crash is then told as "gave no valid result"
 *   (-EIO) rather than by its signal.
 * - The log function runs in the thread that called into the library.
 *
 * Selection spec grammar (the same in the tool, the ffmpeg wrapper, the FFmpeg patch and
 * the VADISCOVER_SELECT environment variable):
 *
 *     spec    := "" | pair ("," pair)*
 *     pair    := key "=" value
 *
 *     vendor=0x8086            PCI vendor id (alias: vendor_id); always hex, with or
 *                              without 0x, as lspci -nn prints it: vendor=8086 is Intel
 *     kernel_driver=i915|xe    kernel driver, alternatives joined by '|'
 *     driver=iHD               VA driver to probe with (like FFmpeg's driver= option;
 *                              letters, digits, _ - ., at most 255 bytes)
 *     pci=0000:00:02.4         PCI slot (the domain "0000:" may be left out)
 *     role=pf|vf|none          SR-IOV role: physical function, virtual function, neither
 *     vf=4                     VF number counted from 1: the N of the PF's virtfn(N-1)
 *                              link, so 0000:00:02.4 is VF 4; implies role=vf
 *     node=/dev/dri/renderD128 a node path; matched by device number, so any name of
 *                              the node (a symlink in /dev/dri/by-path) works
 *     decode=h264+hevc         VA decode support for every listed codec
 *     encode=av1               VA encode support for every listed codec
 *     index=1                  the Nth matching device, counted from 0 (default 0)
 *
 * Codec names: mpeg2 h264 hevc hevc10 vp8 vp9 vp9_10 av1 av1_10 jpeg vc1.
 * The empty spec means: the first VA-capable device in ascending render-node order.
 * A key given twice is an error. Keys combine with AND.
 */
#ifndef VADISCOVER_H
#define VADISCOVER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vad_context;
struct vad_device;
struct vad_spec;

/* ------------------------------------------------------------------------------------ */
/* Context */

/**
 * vad_new - create a context with one reference.
 * @out: receives the context (NULL on failure).
 * Returns 0; -EINVAL (@out is NULL); -ENOMEM.
 */
int vad_new(struct vad_context **out);

/** vad_ref - take another reference. Returns @ctx (NULL for NULL). */
struct vad_context *vad_ref(struct vad_context *ctx);

/**
 * vad_unref - drop a reference; the last one frees the context and every device and
 * string it owns. Accepts NULL. Always returns NULL.
 */
struct vad_context *vad_unref(struct vad_context *ctx);

/*
 * What each priority carries. A device that cannot be used (no access, no VA driver, a VA
 * driver that fails, crashes or hangs) is not an error: it is that device's verdict and
 * reason, logged as INFO by vad_select(). -ENOMEM is returned, never logged.
 */
enum vad_log_priority {
	/* What is wrong with the install rather than with a device: libva cannot be loaded
	 * (once per failed load: "libva: " and the text of vad_get_libva_error()); the probe
	 * helper is missing (with VAD_PROBE_ISOLATED alone), cannot be started, or gives no
	 * valid result (once per probe: "NODE: " and the device's VA error). */
	VAD_LOG_ERROR = 3,
	VAD_LOG_INFO = 6,	/* the choice and the reasons for it; the probe cache turned off */
	VAD_LOG_DEBUG = 7,	/* every file read, every probe step */
};

/**
 * vad_log_fn - receives the library's messages. @format and @args are printf-style; the
 * message has no trailing newline. Called synchronously from the thread that called into
 * the library, in the middle of that call: it may change errno (the library saves what it
 * needs first), and must not call the library with @ctx, nor free it.
 */
typedef void (*vad_log_fn)(struct vad_context *ctx, enum vad_log_priority priority,
			   void *userdata, const char *format, va_list args);

/**
 * vad_set_log_fn - install @fn (NULL: no logging, the default) with @userdata, and the
 * highest priority passed to it (default VAD_LOG_ERROR). Does nothing when @ctx is NULL.
 */
void vad_set_log_fn(struct vad_context *ctx, vad_log_fn fn, enum vad_log_priority max_priority,
		    void *userdata);

/* ------------------------------------------------------------------------------------ */
/* Enumeration */

/**
 * vad_scan - (re)enumerate the DRM nodes in /dev/dri and find their sysfs entries.
 *
 * Skips by-path/ and by-id/, and every entry that is not a character device of the DRM
 * major; a node (not a link) in by-path/, which a Proxmox container given its device as
 * "devN: /dev/dri/by-path/pci-...-render" has instead of renderD*, is listed under that
 * path. A node whose sysfs entry is missing or malformed is still listed, with what could
 * be read (a vanished node is dropped, with a DEBUG message). A device's sysfs facts
 * (below) are read from its entry when first needed after the scan (a getter, a spec
 * that filters on them, a probe), once per scan: a selection by node= reads that device's
 * only. The node to use of each
 * device (vad_device_get_node()) is opened once, O_RDWR|O_CLOEXEC, and closed, to learn
 * whether this process may use it (vad_device_get_access()); a card node that has a render
 * sibling is not opened (its first opener can become DRM master). Does not load any VA
 * driver.
 *
 * Invalidates every device pointer and string obtained from @ctx before.
 * Returns the number of devices (0 when /dev/dri is missing, unreadable or empty: nothing
 * about a node or sysfs makes the scan fail); -EINVAL (@ctx is NULL); -ENOMEM, or the
 * negative errno of readdir() when /dev/dri cannot be listed to the end (-EIO; logged at
 * VAD_LOG_ERROR): then the context has no devices, as before any scan.
 */
int vad_scan(struct vad_context *ctx);

/** vad_device_count - the number of devices found by the last vad_scan() (0 before, 0 for a
 * NULL @ctx). */
size_t vad_device_count(const struct vad_context *ctx);

/**
 * vad_device_get - the @index th device, in ascending render-node order (the number in the
 * render node's name as this process sees it; devices without a render node follow, by card
 * number). NULL when @index is out of range (or @ctx is NULL). Owned by @ctx.
 */
struct vad_device *vad_device_get(const struct vad_context *ctx, size_t index);

/**
 * vad_device_find - the device of the last vad_scan() that the node at @path is a node of,
 * its render node or its card node. The node is identified by device number: stat(@path)
 * (symlinks followed) gives st_rdev, which must equal the render or card node's
 * (vad_device_get_render_rdev(), vad_device_get_card_rdev()). Its name does not count, so
 * a by-path link, a second name, or a node a container renamed (renderD128 that is the
 * host's renderD132) all find their device. Owned by @ctx, like vad_device_get()'s.
 *
 * Returns 0 with the device in *@out; on error *@out is NULL (when @out is not NULL) and
 * the return is:
 *   -EINVAL  @ctx, @path or @out is NULL;
 *   -ENOENT, -ENOTDIR, -EACCES, -ELOOP, -ENAMETOOLONG, -EOVERFLOW, -ENOMEM
 *            stat(@path) failed so (-ENOENT: no such file; -ENOTDIR: a path component
 *            is no directory);
 *   -ENODEV  @path is not a DRM node: not a character device, or one of another major
 *            than DRM's (226);
 *   -ENXIO   a DRM node of no scanned device: vad_scan() was not called, or did not list
 *            it (a node that appeared since, a control node, a node of a device this
 *            process has no other name for in /dev/dri).
 * Reads no sysfs file and opens nothing: vad_scan() again to see a node that is new.
 */
int vad_device_find(const struct vad_context *ctx, const char *path, struct vad_device **out);

/* ------------------------------------------------------------------------------------ */
/* Device facts (from sysfs, read on first use after vad_scan(); no VA driver loaded) */

/*
 * These getters cannot fail: each returns the fact or its "none" value, as listed. @dev
 * must be a device of the last scan (see "Arguments" at the top).
 */

/** Render node path as seen by this process ("/dev/dri/renderD128"), or NULL if none. */
const char *vad_device_get_render_node(const struct vad_device *dev);
/** Primary node path ("/dev/dri/card0"), or NULL if none was passed to this process. */
const char *vad_device_get_card_node(const struct vad_device *dev);
/** The node to open for VA-API: the render node, or the card node if there is none. Never
 * NULL (a device has at least one node). */
const char *vad_device_get_node(const struct vad_device *dev);
/** Device numbers of the render and card node; 0 when the node is absent. */
dev_t vad_device_get_render_rdev(const struct vad_device *dev);
dev_t vad_device_get_card_rdev(const struct vad_device *dev);

/** The device's canonical sysfs path ("/sys/devices/pci0000:00/0000:00:02.4"), or NULL when
 * /sys/dev/char/MAJ:MIN/device of its nodes does not resolve (then every sysfs fact below
 * is its "none"). */
const char *vad_device_get_sysfs_path(const struct vad_device *dev);

enum vad_bus {
	VAD_BUS_UNKNOWN = 0,
	VAD_BUS_PCI,
	VAD_BUS_PLATFORM,
	VAD_BUS_USB,
	VAD_BUS_VIRTIO,
};
/** The bus of the device's subsystem link; VAD_BUS_UNKNOWN when it has none or another. */
enum vad_bus vad_device_get_bus(const struct vad_device *dev);
/** "pci", "platform", "usb", "virtio" or "unknown" (also for a value outside the enum). */
const char *vad_bus_name(enum vad_bus bus);

/** PCI slot ("0000:00:02.4") for a PCI device, else NULL. */
const char *vad_device_get_pci_slot(const struct vad_device *dev);

/**
 * Numeric ids from sysfs. Each returns the id (0..0xffff, revision 0..0xff); -ENOENT when
 * the attribute does not exist (not PCI, or missing); -EINVAL when it exists but cannot be
 * read or is malformed (anything but "0x" and 1..4 hex digits, 1..2 for the revision).
 */
int vad_device_get_vendor_id(const struct vad_device *dev);
int vad_device_get_device_id(const struct vad_device *dev);
int vad_device_get_subsystem_vendor_id(const struct vad_device *dev);
int vad_device_get_subsystem_device_id(const struct vad_device *dev);
int vad_device_get_revision(const struct vad_device *dev);

/** Kernel driver name ("i915", "xe", "amdgpu", "nvidia-drm"...), or NULL when no driver link. */
const char *vad_device_get_kernel_driver(const struct vad_device *dev);

/** 1 or 0 from sysfs boot_vga; -ENOENT when absent; -EINVAL when unreadable or anything
 * but "0" or "1". */
int vad_device_get_boot_vga(const struct vad_device *dev);

enum vad_sriov_role {
	VAD_SRIOV_NONE = 0,	/* not SR-IOV capable, or capable with no VFs and not a VF */
	VAD_SRIOV_PF,		/* a physical function (has sriov_totalvfs > 0) */
	VAD_SRIOV_VF,		/* a virtual function (has a physfn link) */
};
enum vad_sriov_role vad_device_get_sriov_role(const struct vad_device *dev);
/** "pf", "vf" or "none" (also for a value outside the enum). */
const char *vad_sriov_role_name(enum vad_sriov_role role);
/** A VF's number counted from 1 (the PF's virtfn(N-1) link points at it); -ENOENT for a
 * device that is not a VF, or a VF no virtfn link of its PF points at. */
int vad_device_get_vf_index(const struct vad_device *dev);
/** A VF's physical function slot ("0000:00:02.0"), or NULL (not a VF, or its physfn link
 * does not name a PCI function). */
const char *vad_device_get_pf_slot(const struct vad_device *dev);
/** A PF's sriov_numvfs / sriov_totalvfs (totalvfs is always > 0: it makes the PF); -ENOENT
 * for a device that is not a PF; numvfs -ENOENT / -EINVAL as the ids above. */
int vad_device_get_sriov_numvfs(const struct vad_device *dev);
int vad_device_get_sriov_totalvfs(const struct vad_device *dev);

/**
 * vad_device_get_access - whether this process may open the node to use, as vad_scan()
 * found when it opened it O_RDWR: 0, or open()'s negative errno (-EACCES, -EPERM, -ENOENT
 * when it vanished, -ENXIO or -ENODEV when no driver answers for it...).
 */
int vad_device_get_access(const struct vad_device *dev);

/* ------------------------------------------------------------------------------------ */
/* PCI functions without DRM nodes (the host view of SR-IOV) */

/*
 * On an SR-IOV host not every virtual function has DRM nodes: a VF bound to vfio-pci is
 * given to a VM, a VF with no driver (sriov_drivers_autoprobe 0) waits to be bound, and a
 * container sees only the nodes passed to it. vad_scan() lists, for every physical
 * function it found (a device with role VAD_SRIOV_PF), the PF's VFs (its virtfnN links)
 * that have no node in /dev/dri, with the reason.
 *
 * They are a list of their own, not struct vad_device entries: a device is something a
 * program can open, probe and select, and every vad_device getter, verdict and the
 * selection order assume a node. A function without a node can never be selected nor
 * probed, so it is never mixed into vad_device_get() (callers that pick by index keep
 * their meaning) and costs no probe. A VF of a PF this process cannot see (a container
 * given only a VF's nodes) is not listed.
 */
struct vad_function;

/** vad_function_count - the number of functions without DRM nodes of the last vad_scan()
 * (0 before, 0 for a NULL @ctx). Their sysfs entries are read on the first call after a
 * scan (of this or vad_function_get()), not by the scan: a program that only selects
 * never pays for them. */
size_t vad_function_count(const struct vad_context *ctx);
/**
 * vad_function_get - the @index th one, in the order of their PF (vad_device_get() order)
 * and then by VF number; NULL when out of range (or @ctx is NULL). Owned by @ctx until the
 * next vad_scan(). The getters below cannot fail; @fn must be one of the last scan.
 */
const struct vad_function *vad_function_get(const struct vad_context *ctx, size_t index);
/** PCI slot ("0000:00:02.3"), and its sysfs path; never NULL. */
const char *vad_function_get_pci_slot(const struct vad_function *fn);
const char *vad_function_get_sysfs_path(const struct vad_function *fn);
/** The PF's slot ("0000:00:02.0"; never NULL) and the VF number counted from 1 (as vf=
 * counts; always >= 1). */
const char *vad_function_get_pf_slot(const struct vad_function *fn);
int vad_function_get_vf_index(const struct vad_function *fn);
/** PCI vendor and device id; -ENOENT / -EINVAL as vad_device_get_vendor_id(). */
int vad_function_get_vendor_id(const struct vad_function *fn);
int vad_function_get_device_id(const struct vad_function *fn);
/** The kernel driver bound ("vfio-pci", "i915"), or NULL when none is bound. */
const char *vad_function_get_kernel_driver(const struct vad_function *fn);
/**
 * The DRM nodes sysfs gives the function ("card4 renderD132"), which are missing from
 * this process's /dev/dri (not passed into a container), or NULL when it has none.
 */
const char *vad_function_get_host_nodes(const struct vad_function *fn);
/**
 * Why it has no node, in words (never NULL):
 *   "vfio-pci: passed to a VM"
 *   "no driver bound (the PF's sriov_drivers_autoprobe is 0: bind one, e.g.
 *    echo 0000:00:02.3 > /sys/bus/pci/drivers/i915/bind)"
 *   "no driver bound"
 *   "i915: its nodes card4 renderD132 are not in /dev/dri (not passed to this system)"
 *   "bound to snd_hda_intel, which makes no DRM node"
 */
const char *vad_function_get_reason(const struct vad_function *fn);

/* ------------------------------------------------------------------------------------ */
/* libva at run time */

/*
 * libvadiscover does not link libva: it loads libva.so.2 and libva-drm.so.2 with dlopen()
 * when a probe first needs them (it is compiled against libva's headers, whose ABI is
 * stable across libva 2.x), so that it probes with the same libva, and so the same VA
 * drivers, as the program that will use the device. Which libva, in this order:
 *   1. the libva already loaded in this process (a patched FFmpeg has its own), if any;
 *   2. the one in the directory given to vad_set_libva_dir() (or found by
 *      vad_set_libva_program()); libdrm.so.2 is loaded from that directory first when it
 *      is there, as the program's own libdrm would be;
 *   3. the system's, by soname.
 * One libva per process: while a context holds one loaded, a load by any other context of
 * the process finds it in step 1. A context keeps its libva loaded until vad_scan()
 * after a change of directory, or until it is freed (vad_unref() closes its handles).
 * When none can be loaded, or a required entry point is missing from what was loaded,
 * vad_libva_load() and every probe fail with -ELIBACC, each device's
 * vad_device_get_va_error() (and, after vad_select(), its reason) is the text of
 * vad_get_libva_error(), which says what was tried and what to install; vad_select() then
 * returns -ENODEV as for any set of devices without VA. Enumeration does not need libva.
 * A failed load is not retried until vad_scan() or vad_set_libva_dir().
 */

/**
 * vad_set_libva_dir - load libva from @dir (NULL: the system's), by full path:
 * @dir/libdrm.so.2 first when that file exists, then @dir/libva.so.2 and
 * @dir/libva-drm.so.2. There is no fallback to the system's copy: when @dir holds no
 * usable libva, probes fail with -ELIBACC.
 *
 * When it takes effect: when no libva is loaded yet (before the first probe or
 * vad_libva_load(), or after a failed load), the next load uses @dir. When one is loaded,
 * it stays in use (and vad_get_libva_path() names it) until the next vad_scan(), which
 * unloads it; the first probe after that scan loads from @dir. Step 1 above still comes
 * first: a libva already loaded in the process wins over @dir. Probe results already
 * kept (a -ELIBACC too) stay until vad_scan(), like every probe result. After a failed
 * load, this call frees the string vad_get_libva_error() returned.
 * Returns 0; -EINVAL (@ctx is NULL, or @dir is not an absolute path, "" included); -ENOMEM.
 * On error the libva choice is unchanged.
 */
int vad_set_libva_dir(struct vad_context *ctx, const char *dir);

/**
 * vad_set_libva_program - probe with the libva that the program @path would load: its
 * ELF file is read (never run), and libva.so.2 is looked up as glibc's dynamic loader
 * would for it: through the DT_RPATH or DT_RUNPATH ($ORIGIN expanded) of the program and
 * of the libraries it needs (libavutil), and LD_LIBRARY_PATH of this process (which the
 * program inherits when this process starts it). When it would take the system's libva
 * (or none), the system's is used. Then as vad_set_libva_dir(). A library the program
 * needs that cannot be read or is malformed is not an error: the loader would not take
 * it, and the search goes on as the loader's would.
 * Returns 0; -EINVAL (@ctx or @path is NULL); the errno of opening or reading @path
 * (-ENOENT when it does not exist, -EACCES, -EIO...); -ENOEXEC (not a well-formed ELF
 * executable or shared object: a script, a truncated file, a directory); -ENOMEM. On
 * error the libva choice is unchanged.
 */
int vad_set_libva_program(struct vad_context *ctx, const char *path);

/**
 * vad_libva_load - load libva now, if not loaded yet (probes do it themselves).
 * Returns 0; -EINVAL (@ctx is NULL); -ELIBACC (no usable libva: vad_get_libva_error() says
 * what was tried and what to install; a failed load is kept, see above); -ENOMEM.
 */
int vad_libva_load(struct vad_context *ctx);

/**
 * The libva.so.2 file loaded (a full path, symlinks resolved:
 * "/usr/lib/x86_64-linux-gnu/libva.so.2.1700.0"), or NULL when none is (not loaded yet,
 * the load failed, or @ctx is NULL).
 */
const char *vad_get_libva_path(const struct vad_context *ctx);
/**
 * The loaded libva's version as major * 100 + minor (2.22 -> 222), read from its file
 * name (libva 2.MM.P is libva.so.2.MM00+P.0, so libva.so.2.1700.0 -> 217); -ENOENT when
 * none is loaded (or @ctx is NULL) or the file name does not say (a copy named plain
 * libva.so.2).
 */
int vad_get_libva_version(const struct vad_context *ctx);
/**
 * Why libva could not be loaded, in words that say what was tried (the dynamic loader's
 * message) and what to install, e.g. "libva is not installed: cannot load libva.so.2
 * (libva.so.2: cannot open shared object file: No such file or directory); install it
 * (Debian/Ubuntu: apt install libva2 libva-drm2), or use the ffmpeg's own libva
 * (vadiscover --ffmpeg PATH)". NULL when no load failed since the last vad_scan() or
 * vad_set_libva_dir() (or @ctx is NULL).
 */
const char *vad_get_libva_error(const struct vad_context *ctx);

/* ------------------------------------------------------------------------------------ */
/* VA-API probe */

enum vad_codec {
	VAD_CODEC_MPEG2 = 1u << 0,
	VAD_CODEC_H264 = 1u << 1,
	VAD_CODEC_HEVC = 1u << 2,
	VAD_CODEC_HEVC10 = 1u << 3,
	VAD_CODEC_VP8 = 1u << 4,
	VAD_CODEC_VP9 = 1u << 5,
	VAD_CODEC_VP9_10 = 1u << 6,
	VAD_CODEC_AV1 = 1u << 7,
	VAD_CODEC_AV1_10 = 1u << 8,
	VAD_CODEC_JPEG = 1u << 9,
	VAD_CODEC_VC1 = 1u << 10,
};
#define VAD_CODEC_COUNT 11

/** Name of one codec bit ("h264"), or NULL for anything else (0, several bits). */
const char *vad_codec_name(unsigned int codec);
/** The codec bit for @name ("hevc10"), or 0 when unknown or NULL. */
unsigned int vad_codec_from_name(const char *name);

/**
 * vad_device_probe - probe VA-API on @dev, once, and keep the result.
 * @driver: the VA driver name to force (as FFmpeg's driver= option, e.g. "iHD"), or NULL
 *          for vad_device_get_required_va_driver() of @dev: "iHD" for kernel driver xe
 *          (unless LIBVA_DRIVER_NAME or LIBVA_DRIVER_NAME_JELLYFIN is set), else libva's
 *          own choice by kernel driver. vad_device_get_va_driver() tells which was used.
 *
 * Loads libva first if it is not loaded (vad_libva_load()), then opens the render node
 * (the card node if the device has none) O_RDWR|O_CLOEXEC, then
 * vaGetDisplayDRM, vaInitialize, vaQueryVendorString, profiles x entrypoints, vaTerminate,
 * close. libva's own error and info messages are captured, never printed, and kept for
 * vad_device_get_va_error(). A second call with the same @driver returns the kept result;
 * with another driver it probes again. A result of -ENOMEM is not kept.
 *
 * Returns 0 if the device is VA-capable, or (every failure but -EINVAL and -ENOMEM is the
 * device's VA status, with a VA error that says why):
 *   -EINVAL  @ctx or @dev is NULL, or @driver is no VA driver name (empty, 256 bytes or
 *            longer, or a byte other than letters, digits, '_', '-', '.'); nothing is run
 *            and the device keeps what it had
 *   -ELIBACC no usable libva (the node is not opened); the device's VA error is the text
 *            of vad_get_libva_error(), which says what to install
 *   -EACCES, -EPERM, -ENOENT, -ENXIO ...  the node could not be opened (open()'s errno);
 *            vad_device_get_access() said so at scan time, or the node changed since
 *   -ENODEV  libva has no display for the fd (not a DRM node)
 *   -EIO     vaInitialize failed (the libva status is in the error string), or the VA
 *            driver crashed the probe helper ("VA driver crashed (SIGSEGV) during
 *            vaInitialize"), or the helper gave no valid result (a helper of another
 *            version, one that exits with an error, or writes garbage)
 *   -ETIMEDOUT the helper did not answer within VADISCOVER_PROBE_TIMEOUT seconds and was
 *            killed ("VA driver did not answer within 10 s (killed)"), or within three
 *            times that on a machine so busy that it spent the difference waiting for a
 *            CPU ("VA driver did not answer within 30 s on a busy machine (killed; 24.3 s
 *            of them waiting for a CPU)"; see "Isolated probes")
 *   -ENOEXEC the helper is needed and cannot run: it is missing with VAD_PROBE_ISOLATED
 *            alone (vad_set_probe_mode()), or it is there and could not be started (no
 *            descriptor left for its pipe, posix_spawn() failed)
 *   -ENOPKG  vaInitialize failed and the VA driver file is in none of libva's directories
 *            (the error string names the file, the directories and the package)
 *   -ENOMEM  not kept: the device is left unprobed
 * How the probe runs (in this process or in the helper, from the cache) is set by
 * vad_set_probe_mode(); the result is the same either way, except for what only the
 * helper survives (a crash, a hang: in this process they end or block the caller) and the
 * helper's own trouble. That trouble (-ENOEXEC, -EIO without a crash) and -ELIBACC are
 * never cached, and are logged as VAD_LOG_ERROR (see enum vad_log_priority).
 */
int vad_device_probe(struct vad_context *ctx, struct vad_device *dev, const char *driver);

/**
 * vad_device_get_required_va_driver - the VA driver name a program must force for this
 * device (FFmpeg's driver= option, vaSetDriverName()), because libva may not choose it by
 * itself: "iHD" for kernel driver xe (libva before 2.21 has no xe mapping and looks for
 * xe_drv_video.so; later ones map xe to iHD only, so forcing it is the same there). NULL
 * for every other device, and when the user chose a driver through LIBVA_DRIVER_NAME or
 * LIBVA_DRIVER_NAME_JELLYFIN (jellyfin-ffmpeg's libva reads that name instead); both are
 * read with secure_getenv(), as libva reads LIBVA_DRIVER_NAME. vad_device_probe() uses it
 * when no driver is given.
 */
const char *vad_device_get_required_va_driver(const struct vad_device *dev);

/**
 * vad_device_find_va_driver_file - where the VA driver file for @dev is, looked up as libva
 * looks it up: the name is @driver, else vad_device_get_required_va_driver(), else libva's
 * own choice for the kernel driver (libva 2.17's table: i915 -> iHD, amdgpu -> radeonsi,
 * radeon -> r600, nouveau -> nouveau, nvidia-drm -> nvidia; any other kernel driver -> its
 * own name); the file is NAME_drv_video.so in each directory of LIBVA_DRIVERS_PATH
 * (colon-separated; read with secure_getenv(), as libva ignores it in secure-execution
 * mode), else of libva's compiled-in driver directory. libva 2.17 has no API for that
 * directory: it is taken as the "dri" directory beside the loaded libva.so.2
 * (/usr/lib/x86_64-linux-gnu/libva.so.2 -> /usr/lib/x86_64-linux-gnu/dri, and
 * jellyfin-ffmpeg's /usr/lib/jellyfin-ffmpeg/lib/dri), which is where Debian and
 * jellyfin-ffmpeg build it to look. Loads libva if needed (vad_libva_load()).
 * @buf: receives the file's full path; on -ENOENT the directories looked in, joined by ':';
 *       "" on any other error but -EINVAL (then it is not touched).
 * Returns 0 (the file exists); -EINVAL (@ctx, @dev or @buf is NULL, @len is 0, or
 * @driver is no VA driver name, as in vad_device_probe()); -ENOENT (in none of them);
 * -ENODATA (no driver name: none given, none required, no LIBVA_DRIVER_NAME, and the
 * device has no kernel driver); -ELIBACC (no usable libva, and no LIBVA_DRIVERS_PATH);
 * -ERANGE (@len too small for the path or the directories); -ENOMEM.
 */
int vad_device_find_va_driver_file(struct vad_context *ctx, const struct vad_device *dev,
				   const char *driver, char *buf, size_t len);

/**
 * vad_va_driver_package - the Debian/Ubuntu package(s) that install VA driver @name
 * ("iHD" -> "intel-media-va-driver-non-free (non-free) or intel-media-va-driver",
 * "radeonsi" -> "mesa-va-drivers"), or NULL when unknown (or @name is NULL). Static storage.
 */
const char *vad_va_driver_package(const char *name);

/**
 * vad_va_driver_for_kernel_driver - the VA driver libva chooses by itself for a device of
 * kernel driver @kernel_driver, as vad_device_find_va_driver_file() looks it up (libva
 * 2.17's table: i915 -> iHD, amdgpu -> radeonsi, radeon -> r600, nouveau -> nouveau,
 * nvidia-drm and nvidia -> nvidia, pvrsrvkm -> pvr; any other kernel driver -> its own
 * name, which is @kernel_driver itself). NULL when @kernel_driver is NULL. Static storage
 * or @kernel_driver.
 */
const char *vad_va_driver_for_kernel_driver(const char *kernel_driver);

/**
 * A probe or a selection never loads a VA driver on a device whose kernel driver has no
 * video engine (display-only or virtual: ast, mgag200, bochs-drm, cirrus, simpledrm, udl,
 * evdi, hyperv_drm, vkms, vgem, ...): vad_select() gives it the verdict VAD_VERDICT_NO_VA
 * with the reason "not probed: kernel driver ast has no video engine (display only)".
 * When vaInitialize fails because the VA driver file is not installed, the probe returns
 * -ENOPKG and the VA error says which file, where libva looked and what to install:
 * "VA driver iHD_drv_video.so is not installed (looked in /usr/lib/x86_64-linux-gnu/dri):
 * install intel-media-va-driver-non-free (non-free) or intel-media-va-driver".
 */

/*
 * The VA facts of the kept probe result. These getters cannot fail: each returns the fact
 * or its "none" value, as listed. After vad_device_probe() returned -EINVAL they are as
 * they were; after -ENOMEM, those of a device never probed.
 */

/** Whether the device was probed (by vad_device_probe() or vad_select()). */
bool vad_device_is_probed(const struct vad_device *dev);
/** The result of the last probe: 0 (capable), one of vad_device_probe()'s failures but
 * -EINVAL and -ENOMEM, or -EAGAIN if never probed. */
int vad_device_get_va_status(const struct vad_device *dev);
/** The VA driver's vendor string ("Intel iHD driver for Intel(R) Gen Graphics - 23.1.1"),
 * or NULL (not probed, the probe failed, or the driver gave none). */
const char *vad_device_get_va_vendor(const struct vad_device *dev);
/** The VA driver name the probe used ("iHD"), as forced or as libva chose, or NULL (not
 * probed, the probe failed, or libva did not say which it chose). */
const char *vad_device_get_va_driver(const struct vad_device *dev);
/** The VA-API version vaInitialize returned, as major * 100 + minor (1.17 -> 117), or
 * -EAGAIN when not probed or vaInitialize did not succeed. */
int vad_device_get_va_version(const struct vad_device *dev);
/** Bitmasks of enum vad_codec; 0 unless the last probe succeeded. */
unsigned int vad_device_get_decode(const struct vad_device *dev);
unsigned int vad_device_get_encode(const struct vad_device *dev);
/** Whether VAEntrypointVideoProc is offered (scaling, format conversion); false unless the
 * last probe succeeded. */
bool vad_device_get_vpp(const struct vad_device *dev);
/**
 * Why the last probe failed, in words: "vaInitialize failed: -1 (unknown libva error);
 * libva: iHD_drv_video.so init failed". Never NULL after a failed probe; NULL when the
 * probe succeeded or never ran.
 */
const char *vad_device_get_va_error(const struct vad_device *dev);

/* ------------------------------------------------------------------------------------ */
/* Isolated probes */

/*
 * A VA driver runs inside the process that initialises it, and a broken one can crash it
 * (SIGSEGV, abort()) or never return from vaInitialize (a wedged GPU, a VF whose PF is
 * gone). A probe is a question, so the library can ask it in a separate process with a
 * deadline and turn either into a reason:
 *     "VA driver crashed (SIGSEGV) during vaInitialize"            status -EIO
 *     "VA driver did not answer within 10 s (killed)"              status -ETIMEDOUT
 *
 * How. A small helper program, vadiscover-probe, installed in LIBEXECDIR/vadiscover/
 * (beside the ffmpeg wrapper), links the static library, probes ONE node in its own
 * process exactly as vad_device_probe() does in-process, and writes the result to a pipe
 * as a record (the same strict, versioned, bounded text the probe cache stores; every
 * field is checked on read). Before each step it writes the step's name (libva, open,
 * vaInitialize, query), so a death is reported with the step it happened in.
 *   - posix_spawn(), never fork() without exec: the caller may be multi-threaded (FFmpeg),
 *     and a forked copy of a threaded process may only call async-signal-safe functions.
 *     (The tool's binary in a "helper mode" would do as well for the tool, but not for the
 *     FFmpeg patch or a library caller, which are not that binary: one helper serves all.)
 *   - The helper gets /dev/null as stdin and stdout (the ffmpeg wrapper never writes to
 *     stdout, a driver's chatter must not either), the caller's stderr, the pipe's write
 *     end as fd 3 and no other descriptor (every other one is closed in the child, O_CLOEXEC
 *     or not), default signal handling, and a process group of its own.
 *   - The caller waits with poll() on the pipe until VADISCOVER_PROBE_TIMEOUT seconds
 *     (1..3600, default 10) have passed since the spawn, plus the time the helper spent
 *     waiting for a CPU (the kernel's run-queue delay of its threads,
 *     /proc/PID/task/TID/schedstat), at most three times the deadline in all: a busy
 *     machine slows a driver's initialisation down without hanging it, and a helper
 *     killed only because it never got a CPU would report a hang that is none. Then it
 *     kills the whole process group with SIGKILL and reaps the helper. No zombie, no
 *     descriptor is left, and SIGCHLD is not touched (the helper is waited for by its pid
 *     only).
 *   - The helper never outlives its caller, whatever kills the caller and whatever the
 *     driver does: it asks the kernel for SIGKILL when the caller dies (PR_SET_PDEATHSIG,
 *     then it checks that the caller had not died before that), and arms a SIGKILL timer
 *     of its own for three deadlines and a second. A driver stuck in the kernel can block
 *     or ignore every other signal, never these.
 *   - The helper uses the same libva as the caller: the caller finds which libva it would
 *     use without loading any VA driver (the libva already loaded in its process, else
 *     the directory of vad_set_libva_dir()/vad_set_libva_program(), else the system's;
 *     loading libva itself loads no driver) and passes that directory (none for the
 *     system's), the driver to force and the device's kernel driver; the helper inherits
 *     the environment (LIBVA_DRIVER_NAME, LIBVA_DRIVERS_PATH, LD_LIBRARY_PATH...).
 *   - The cost: one process start and a pipe per probe (a few milliseconds, `make bench`
 *     measures it), small beside a VA driver's initialisation, and paid once per device
 *     and machine state with the probe cache. None is started when the driver is forced
 *     (driver=, or the one the device requires) and its file is in none of libva's
 *     directories: the answer (-ENOPKG, naming the file and the package) is known.
 *
 * Which helper: the file named by the VADISCOVER_PROBE_HELPER environment variable (an
 * absolute path; read with secure_getenv(), for test suites and unusual installs), else
 * the one given to vad_set_probe_helper() (the tool and the wrapper give the one beside
 * their own executable when there is one, vad_set_probe_helper_beside_program(): a
 * portable folder), else the compiled-in
 * LIBEXECDIR/vadiscover/vadiscover-probe.
 */

enum vad_probe_mode {
	/* Probe in this process (the only way before isolation existed). */
	VAD_PROBE_IN_PROCESS = 1u << 0,
	/* Probe in the helper program. With VAD_PROBE_IN_PROCESS too: in the helper when it
	 * is installed, else in this process. Alone: a missing helper fails the probe with
	 * -ENOEXEC and a reason that names the file. */
	VAD_PROBE_ISOLATED = 1u << 1,
	/* Use the probe cache (see "Probe cache"). */
	VAD_PROBE_CACHE = 1u << 2,
};
/*
 * The default of a new context: isolated when the helper is installed, else in-process,
 * with the cache. Why: a library caller (the FFmpeg patch) that finds no helper installed
 * must still work exactly as before (in-process, as FFmpeg itself probes), while any
 * install that ships the helper gets a caller that survives a crashing or hanging driver
 * without changing a line. The vadiscover tool and the ffmpeg wrapper set
 * VAD_PROBE_ISOLATED | VAD_PROBE_CACHE: they always isolate, because they exist to make
 * that decision for a media server and must answer within a deadline.
 */
#define VAD_PROBE_DEFAULT (VAD_PROBE_IN_PROCESS | VAD_PROBE_ISOLATED | VAD_PROBE_CACHE)

/**
 * vad_set_probe_mode - how the next probes of @ctx run: a combination of enum
 * vad_probe_mode with at least one of VAD_PROBE_IN_PROCESS and VAD_PROBE_ISOLATED.
 * Results already kept stay. Returns 0, or -EINVAL (@ctx is NULL, a bit outside enum
 * vad_probe_mode, or neither of those two; the mode is unchanged).
 */
int vad_set_probe_mode(struct vad_context *ctx, unsigned int mode);
/** vad_get_probe_mode - the mode of @ctx (VAD_PROBE_DEFAULT unless set; 0 for NULL). */
unsigned int vad_get_probe_mode(const struct vad_context *ctx);

/**
 * vad_set_probe_helper - use the helper program at @path (absolute; NULL: the installed
 * one). The VADISCOVER_PROBE_HELPER environment variable still wins. The file is not
 * looked at here: a missing one shows at the next probe (see VAD_PROBE_ISOLATED).
 * Returns 0; -EINVAL (@ctx is NULL, or @path is not absolute, "" included); -ENOMEM. On
 * error the helper is unchanged.
 */
int vad_set_probe_helper(struct vad_context *ctx, const char *path);

/**
 * vad_set_probe_helper_beside_program - for a program that may ship its own helper (a
 * portable folder): vad_set_probe_helper() with the vadiscover-probe in the directory of
 * the running program (/proc/self/exe), when that file is executable (access(X_OK)).
 * Returns 0 when it is used from now on, -ENOENT when there is none there (or the
 * program's path cannot be read: the helper stays as it was), -EINVAL (@ctx NULL) or
 * -ENOMEM.
 */
int vad_set_probe_helper_beside_program(struct vad_context *ctx);

/* ------------------------------------------------------------------------------------ */
/* Probe cache */

/*
 * Initialising a VA driver costs tens of milliseconds for a real one (more with a PF that
 * fails), and it is the same answer every time on a machine whose GPUs and drivers did
 * not change. With VAD_PROBE_CACHE in the probe mode (the default, and the tool's and the
 * wrapper's), a probe result is kept in a file and used again, so that after the first run
 * discovery loads no VA driver at all. The tool, the wrapper and the FFmpeg patch share it.
 *
 * The key: everything the answer could depend on, compared to the byte:
 *   - the boot (/proc/sys/kernel/random/boot_id): a reboot may bring a new kernel,
 *     firmware or GPU state;
 *   - the device: its node's device number, its sysfs path and the inode of its sysfs
 *     directory (a VF destroyed and re-created, or a device re-bound, gets a new one),
 *     PCI vendor, device, subsystem ids and revision, the kernel driver;
 *   - the libva that probes, named without loading it (an answer from the cache loads
 *     no libva): which of the places under "libva at run time" it comes from (the one
 *     already in the process, the directory set, or the system's, with LD_LIBRARY_PATH);
 *     its file (device, inode, size, mtime) and what led the loader to it (the file's
 *     name in the directory set, or the loader's cache /etc/ld.so.cache) are stored with
 *     the answer and checked again on every use, as the driver files below;
 *   - the driver name forced (driver=, or the one the device requires), and the
 *     environment that steers libva's choice: LIBVA_DRIVER_NAME,
 *     LIBVA_DRIVER_NAME_JELLYFIN, LIBVA_DRIVERS_PATH;
 *   - the VA driver files libva tried (as it reports "Trying to open ..."), each with its
 *     device, inode, size and mtime, or its absence: an upgraded, installed or removed
 *     driver is noticed. (These are known only after a probe, so they are stored with the
 *     answer and checked again on every use, rather than hashed into the file name.)
 *   - the library's version (a newer one may answer differently).
 * Node access is never cached: vad_scan() opens every node anyway, and a cached answer is
 * used only when the node opens now.
 *
 * Failures: a driver that fails to initialise, crashes, or is missing is as much a fact
 * of the machine as one that works, and the common deployment (an SR-IOV host whose PF
 * fails, a dGPU without a VA driver) would otherwise load that driver on every run; so
 * they are cached under the same key.
 *
 * Hangs: a helper killed at its deadline while it was blocked or computing (not waiting
 * for a CPU) is a hang, remembered for 10 minutes. Why that long: a wedged GPU stays
 * wedged until a reset, and every run that asks it again pays the whole deadline
 * (10 s) before it can choose another device; why no longer: a GPU reset or a driver
 * that was only slow once must be noticed soon. A remembered hang never costs the answer
 * itself: when it would leave vad_select() without a device (every candidate ruled out,
 * some by a remembered hang, as for the one VF an LXC container is given), those devices
 * are probed again. A timeout never replaces an answer another probe wrote, and one of a
 * helper that was starved of CPU to the end (a busy machine, not a hang) answers only the
 * processes that were waiting for that probe. Never cached: -ENOMEM, a node that would
 * not open (access is checked live); no usable libva (-ELIBACC), a missing or
 * misbehaving probe helper answer only the processes waiting for that probe.
 *
 * One probe at a time: a process that finds no answer takes an flock() on a lock file
 * beside the answer's (NAME.lock, opened O_CLOEXEC; the kernel releases it when its
 * holder dies, however it dies), looks again, and only then probes. Another process that
 * needs the same answer meanwhile waits for the lock, then takes the answer that probe
 * wrote: N programs started at once on a cold cache load the VA driver once, not N times.
 * The wait is bounded by the longest a probe may take (three deadlines); past that, or
 * without a usable cache directory, each process probes for itself.
 *
 * Where: VADISCOVER_CACHE_DIR, alone, when set; else the first of these that can be used:
 * $XDG_RUNTIME_DIR/vadiscover (a login session's own tmpfs); /run/vadiscover for root;
 * $XDG_CACHE_HOME/vadiscover, else $HOME/.cache/vadiscover when the home directory is
 * this user's own and nobody else may write it (a service user without a session, such
 * as Debian's jellyfin with its home /var/lib/jellyfin); /tmp/vadiscover-UID last,
 * because another local user can create that path first and so turn the cache off. A
 * directory is created mode 0700 when missing, and refused (the next one is tried; the
 * library says so in its INFO log) when it is a symlink (never followed), not owned by
 * this user, or writable by others. One file per answer, named by a hash of the key,
 * holding the key itself; a file that is corrupt, truncated, foreign, from another
 * version, or concurrently replaced is ignored and rewritten, never trusted (every field
 * is checked, as the helper's pipe is). Writes go to a temporary name and are renamed into
 * place; a temporary file a minute old (its writer died between write and rename) is
 * removed by the next writer. VADISCOVER_CACHE=0 in the environment turns the cache off,
 * as does a mode without VAD_PROBE_CACHE (the tool's --no-cache).
 */

/** Whether the device's VA result came from the probe cache (no VA driver was loaded);
 * false when not probed. */
bool vad_device_is_cached(const struct vad_device *dev);

/* ------------------------------------------------------------------------------------ */
/* Selection */

/**
 * vad_spec_new - parse @text (grammar at the top; NULL or "" is the empty spec).
 * @out: receives the spec (NULL on failure).
 * @err/@errlen: "" on success; on -EINVAL from @text, a message that names the bad key
 *               or value, e.g. "unknown key 'vendr' (known: vendor vendor_id
 *               kernel_driver driver pci role vf node decode encode index)". May be NULL.
 * Returns 0; -EINVAL (@out is NULL: nothing is written to @err; or @text does not parse:
 *   an unknown key, a key given twice, a pair without '=', an empty pair or value, a bad
 *   value, vf= with a role other than vf); -ENOMEM.
 */
int vad_spec_new(struct vad_spec **out, const char *text, char *err, size_t errlen);

/**
 * vad_spec_set - add one key to @spec, as if "key=value" had been parsed; for callers that
 * get filters from elsewhere (FFmpeg's vendor_id/kernel_driver/driver options). A key that
 * is already set is replaced. @err as in vad_spec_new().
 * Returns 0; -EINVAL (with a message in @err: @spec, @key or @value is NULL, an unknown
 * key, a bad value, a vf= and a role= that contradict); -ENOMEM. On error @spec is
 * unchanged.
 */
int vad_spec_set(struct vad_spec *spec, const char *key, const char *value, char *err,
		 size_t errlen);

/**
 * vad_spec_unset - remove @key from @spec (a key that is not set: nothing to do); for a
 * caller that takes a spec from elsewhere and handles one key itself. @err as in
 * vad_spec_new().
 * Returns 0; -EINVAL (with a message in @err: @spec or @key is NULL, an unknown key);
 * -ENOMEM. On error @spec is unchanged.
 */
int vad_spec_unset(struct vad_spec *spec, const char *key, char *err, size_t errlen);

/** vad_spec_free - accepts NULL. */
void vad_spec_free(struct vad_spec *spec);

/** The driver= value of @spec, or NULL (none, or @spec is NULL). */
const char *vad_spec_get_driver(const struct vad_spec *spec);

/**
 * vad_spec_to_string - the canonical text of @spec (keys in grammar order), owned by @spec
 * until its next change. "" for the empty spec and for NULL (static storage then); NULL
 * only when memory ran out.
 */
const char *vad_spec_to_string(struct vad_spec *spec);

enum vad_select_flags {
	/* Give every device a verdict: probe every device the facts do not rule out, instead
	 * of stopping at the chosen one (what `vadiscover explain` does). */
	VAD_SELECT_ALL = 1u << 0,
};

/**
 * vad_select - choose the device for @spec (NULL: the empty spec) among those found by the
 * last vad_scan() (scans first when vad_scan() was never called).
 *
 * Devices are considered in vad_device_get() order. Sysfs facts filter first; a device the
 * facts rule out is never probed. The remaining ones are probed in order (with the spec's
 * driver=), and selection stops at the index-th match unless VAD_SELECT_ALL is given.
 *
 * A probe that fails is the device's verdict (no-access, no-va), never the call's error
 * (but for -ENOMEM).
 *
 * @out: receives the chosen device (owned by @ctx), or NULL (on every error). May be NULL.
 * Returns 0; -EINVAL (@ctx is NULL); -ENOENT when there are no DRM devices at all;
 * -ENODEV when devices exist but none matches (each device's reason says why; no usable
 * libva is this case too); -ENOMEM (the verdicts and reasons are then incomplete).
 */
int vad_select(struct vad_context *ctx, const struct vad_spec *spec, unsigned int flags,
	       struct vad_device **out);

enum vad_verdict {
	VAD_VERDICT_NONE = 0,	/* not considered: vad_select() was not called */
	VAD_VERDICT_SELECTED,	/* the chosen device */
	VAD_VERDICT_MATCH,	/* matches, but index= chose a later one, or an earlier was chosen */
	VAD_VERDICT_FILTERED,	/* the sysfs facts do not match the spec */
	VAD_VERDICT_NO_ACCESS,	/* the node cannot be opened by this process */
	VAD_VERDICT_NO_VA,	/* the probe failed, or lacks a codec the spec asks for */
	VAD_VERDICT_SKIPPED,	/* not probed: selection stopped before this device */
};
/** "selected", "match", "filtered", "no-access", "no-va", "skipped" or "none" (also for a
 * value outside the enum). */
const char *vad_verdict_name(enum vad_verdict verdict);

/** The verdict of the last vad_select() on this device (VAD_VERDICT_NONE before). */
enum vad_verdict vad_device_get_verdict(const struct vad_device *dev);
/**
 * The reason for the verdict in words a user can act on, e.g.
 *   "filtered out: vendor 0x10de != 0x8086"
 *   "permission denied: add this user to group 'render' (gid 993): usermod -aG render jellyfin"
 *   "vaInitialize failed: -1 (unknown libva error); libva: iHD_drv_video.so init failed"
 * NULL before vad_select(); after one that returned 0 or -ENODEV, never NULL (every device
 * has a verdict other than VAD_VERDICT_NONE and its reason).
 */
const char *vad_device_get_reason(const struct vad_device *dev);

/**
 * vad_device_get_filter_key - which key of the spec ruled @dev out in the last
 * vad_select(), for a caller that must tell its own keys from others' without reading the
 * reason's words.
 * @dev: a device of the context (see Arguments above).
 * Returns the key's name as the grammar spells it (its first name: "vendor", not
 * "vendor_id"; static storage) when the verdict is VAD_VERDICT_FILTERED: one of "vendor",
 * "kernel_driver", "pci", "role", "vf", "node" (the first in that order that the facts
 * fail; vf= also when the device is no VF). NULL for any other verdict and before
 * vad_select(). No errors.
 */
const char *vad_device_get_filter_key(const struct vad_device *dev);

/** The library's version, "MAJOR.MINOR.PATCH". Static storage. */
const char *vad_version(void);

#ifdef __cplusplus
}
#endif

#endif /* VADISCOVER_H */
