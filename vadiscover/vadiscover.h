/*
 * libvadiscover: find the DRM node to use for VA-API by what it is, not by its name.
 *
 * SPDX-License-Identifier: MIT
 *
 * This header is the library's manual: every function, type and enum has a kernel-doc
 * block (name, parameters, description, Return: with every error), and the DOC: blocks
 * say what holds for all of them. The section-3 man pages are made from it. Why the
 * library is built as it is (libva at run time, the probe helper, the probe cache) is in
 * vadiscover/DESIGN.md.
 */

/**
 * DOC: Description
 *
 * A struct vad_context is the library's only handle. vad_scan() enumerates the nodes that
 * exist in /dev/dri (any count, any name) and identifies each by its device number:
 * stat() -> st_rdev -> /sys/dev/char/MAJ:MIN -> the device in sysfs. Node names are never
 * trusted, because inside a container renderD128 may be the host's renderD132. The card
 * node and the render node of one device become one struct vad_device.
 *
 * Facts from sysfs are read by vad_scan(). VA-API is probed only on demand, once per
 * device (vad_device_probe(), or vad_select() when a spec needs it), through real libva,
 * which the library loads at run time with dlopen(): it does not link libva (see
 * vad_set_libva_dir() for which libva).
 *
 * vad_select() takes a parsed spec (struct vad_spec, see "Selection spec") and returns the
 * device to use; afterwards every device carries a verdict and a reason a user can act on.
 */

/**
 * DOC: Conventions
 *
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
 *
 *     vad_scan(),
 *     vad_scan_node()           replace every device and every string of the context
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
 *
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
 */

/**
 * DOC: Threads
 *
 * The library keeps no global state and takes no lock; the caller decides what runs at once:
 *
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
 * - Probes in this process must not overlap: libva's vaInitialize() is not safe to run in
 *   two threads at once (see vadiscover/DESIGN.md), and there is one libva per process:
 *   every context and the program itself share it. So, with a probe mode that has
 *   VAD_PROBE_IN_PROCESS (the default has it: it probes in this process when the helper is
 *   not installed, which the caller cannot see), the caller holds one process-wide lock
 *   around every vad_device_probe() and vad_select() on any context, and around the
 *   program's own vaInitialize(). With VAD_PROBE_ISOLATED alone, no VA call runs in this
 *   process (libva is only loaded, with dlopen(), which is thread-safe): probes on
 *   different contexts may run at once, and a missing helper is -ENOEXEC. vad_scan() never
 *   calls libva.
 * - The environment is read during calls (secure_getenv(): VADISCOVER_*, LIBVA_*): it must
 *   not change (setenv()) in another thread meanwhile, as for any reader of it.
 * - The probe cache is shared by threads and processes: a writer writes a file of its own
 *   (named by its pid and thread id) and renames it into place, a reader checks every
 *   field; of two writers of one answer the last rename wins, and both files are whole.
 *   One probe of a device runs at a time (an flock() on a file in the cache directory): a
 *   thread or process that needs the answer meanwhile waits for it.
 * - The probe helper is started with posix_spawn() (safe in a threaded process); its pipe
 *   is O_CLOEXEC and the helper closes every other descriptor, so helpers started by
 *   different threads hold none of each other's pipes; each is reaped by its pid. A caller
 *   that reaps any child (waitpid(-1, ...) in another thread, or SIGCHLD set to SIG_IGN)
 *   can take a helper's exit status away: a crash is then told as "gave no valid result"
 *   (-EIO) rather than by its signal.
 * - The log function runs in the thread that called into the library.
 */

/**
 * DOC: Selection spec
 *
 * The grammar is the same in the tool, the ffmpeg wrapper, the FFmpeg patch and the
 * VADISCOVER_SELECT environment variable:
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

/**
 * DOC: Probe cache
 *
 * With VAD_PROBE_CACHE in the probe mode (the default, and the tool's and the wrapper's),
 * a probe result is kept in a file and used again, so that after the first run discovery
 * loads no VA driver at all. The tool, the wrapper and the FFmpeg patch share it.
 *
 * An answer is used only while everything it could depend on is unchanged: the boot; the
 * device (device number, sysfs path, kernel driver, and the inode of its sysfs directory,
 * which a device that goes and comes back gets anew: its PCI ids are not read for this);
 * the libva that probes (named without loading it: an answer from the cache loads no
 * libva); the driver forced and LIBVA_DRIVER_NAME, LIBVA_DRIVER_NAME_JELLYFIN and
 * LIBVA_DRIVERS_PATH; the VA driver files libva tried; the library's version. The files
 * (libva's, the drivers') are checked by stat() on their first use after each scan. Node
 * access is never cached: vad_scan() opens every node anyway, and a cached answer is used
 * only when the node opened then (vad_device_get_access() is 0). A failure (a driver that
 * fails to initialise, crashes, or is missing) is cached as an answer; a hang is
 * remembered for 10 minutes, and never costs the answer itself: when it would leave
 * vad_select() without a device, those devices are probed again. Never cached: -ENOMEM, a
 * node that would not open, no usable libva (-ELIBACC), a missing or misbehaving probe
 * helper. One probe of a device runs at a time: N programs started at once on a cold cache
 * load the VA driver once, not N times.
 *
 * Where: VADISCOVER_CACHE_DIR, alone, when set; else the first of these that can be used:
 * $XDG_RUNTIME_DIR/vadiscover (a login session's own tmpfs); /run/vadiscover for root;
 * $XDG_CACHE_HOME/vadiscover, else $HOME/.cache/vadiscover when the home directory is
 * this user's own and nobody else may write it (a service user without a session, such
 * as Debian's jellyfin with its home /var/lib/jellyfin); /tmp/vadiscover-UID last,
 * because another local user can create that path first and so turn the cache off. A
 * directory is created mode 0700 when missing, and refused (the next one is tried; the
 * library says so in its INFO log) when it is a symlink (never followed), not owned by
 * this user, or writable by others. A file that is corrupt, truncated, foreign, from
 * another version, or concurrently replaced is ignored and rewritten, never trusted.
 * VADISCOVER_CACHE=0 in the environment turns the cache off, as does a mode without
 * VAD_PROBE_CACHE (the tool's --no-cache).
 */

/**
 * DOC: Environment
 *
 * The library reads these with secure_getenv() (so none in secure-execution mode):
 *
 * - VADISCOVER_PROBE_HELPER: the probe helper to run (an absolute path); wins over
 *   vad_set_probe_helper().
 * - VADISCOVER_PROBE_TIMEOUT: a probe helper's deadline in seconds (1..3600, default 10).
 * - VADISCOVER_CACHE: 0 turns the probe cache off.
 * - VADISCOVER_CACHE_DIR, XDG_RUNTIME_DIR, XDG_CACHE_HOME, HOME: where the probe cache is
 *   (see "Probe cache").
 * - LIBVA_DRIVER_NAME, LIBVA_DRIVER_NAME_JELLYFIN: the VA driver the user chose
 *   (vad_device_get_required_va_driver()); part of the probe cache's key.
 * - LIBVA_DRIVERS_PATH: where VA driver files are (vad_device_find_va_driver_file()).
 * - LD_LIBRARY_PATH: where the program of vad_set_libva_program() finds its libva.
 *
 * A probe helper inherits the environment, and libva reads its own (LIBVA_*) in the
 * process that probes. VADISCOVER_SELECT is read by the tool and the ffmpeg wrapper, not
 * by the library.
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

/**
 * struct vad_context - the library's handle (opaque)
 *
 * Made by vad_new(), reference-counted with vad_ref() and vad_unref(). It owns the
 * devices and functions of its last vad_scan(), their strings, its loaded libva, its log
 * function and its probe settings. Used by one thread at a time (see "Threads").
 */
struct vad_context;
/**
 * struct vad_device - one DRM device: its render node and card node (opaque)
 *
 * Returned by vad_device_get(), vad_device_find() and vad_select(); owned by its context
 * and valid until the next vad_scan() of it, or until the context is freed.
 */
struct vad_device;
/**
 * struct vad_spec - a parsed selection spec (opaque)
 *
 * Made by vad_spec_new(), freed by vad_spec_free(); the grammar is under "Selection spec".
 * It belongs to no context: one spec may be used with several.
 */
struct vad_spec;

/* ------------------------------------------------------------------------------------ */
/* Context */

/**
 * vad_new() - create a context
 * @out: receives the context, with one reference (NULL on failure)
 *
 * Return:
 * * %0 - success
 * * %-EINVAL - @out is NULL
 * * %-ENOMEM - out of memory
 */
int vad_new(struct vad_context **out);

/**
 * vad_ref() - take another reference on a context
 * @ctx: the context, or NULL
 *
 * Return: @ctx (NULL for NULL). No errors.
 */
struct vad_context *vad_ref(struct vad_context *ctx);

/**
 * vad_unref() - drop a reference on a context
 * @ctx: the context, or NULL (nothing is done)
 *
 * The last reference frees the context and every device and string it owns, and closes
 * its libva handles.
 *
 * Return: NULL, always. No errors.
 */
struct vad_context *vad_unref(struct vad_context *ctx);

/**
 * enum vad_log_priority - what each priority of a log message carries
 * @VAD_LOG_ERROR: what is wrong with the install rather than with a device: libva cannot
 *                 be loaded (once per failed load: "libva: " and the text of
 *                 vad_get_libva_error()); the probe helper is missing (with
 *                 VAD_PROBE_ISOLATED alone), cannot be started, or gives no valid result
 *                 (once per probe: "NODE: " and the device's VA error)
 * @VAD_LOG_INFO: the choice and the reasons for it; the probe cache turned off
 * @VAD_LOG_DEBUG: every file read, every probe step
 *
 * A device that cannot be used (no access, no VA driver, a VA driver that fails, crashes
 * or hangs) is not an error: it is that device's verdict and reason, logged as INFO by
 * vad_select(). -ENOMEM is returned, never logged.
 */
enum vad_log_priority {
	VAD_LOG_ERROR = 3,
	VAD_LOG_INFO = 6,
	VAD_LOG_DEBUG = 7,
};

/**
 * typedef vad_log_fn - receives the library's messages
 * @ctx: the context the message is about
 * @priority: the message's priority
 * @userdata: as given to vad_set_log_fn()
 * @format: printf-style format of the message, which has no trailing newline
 * @args: the arguments of @format
 *
 * Called synchronously from the thread that called into the library, in the middle of
 * that call: it may change errno (the library saves what it needs first), and must not
 * call the library with @ctx, nor free it.
 */
typedef void (*vad_log_fn)(struct vad_context *ctx, enum vad_log_priority priority,
			   void *userdata, const char *format, va_list args);

/**
 * vad_set_log_fn() - install the log function of a context
 * @ctx: the context, or NULL (nothing is done)
 * @fn: the log function, or NULL: no logging (the default)
 * @max_priority: the highest priority passed to @fn (default VAD_LOG_ERROR)
 * @userdata: passed to @fn
 *
 * Return: nothing. No errors.
 */
void vad_set_log_fn(struct vad_context *ctx, vad_log_fn fn, enum vad_log_priority max_priority,
		    void *userdata);

/* ------------------------------------------------------------------------------------ */
/* Enumeration */

/**
 * vad_scan() - (re)enumerate the DRM nodes in /dev/dri and find their sysfs entries
 * @ctx: the context
 *
 * Skips by-path/ and by-id/, and every entry that is not a character device of the DRM
 * major; a node (not a link) in by-path/, which a Proxmox container given its device as
 * "devN: /dev/dri/by-path/pci-...-render" has instead of renderD*, is listed under that
 * path. A node whose sysfs entry is missing or malformed is still listed, with what could
 * be read (a vanished node is dropped, with a DEBUG message). A device's sysfs facts
 * (below) are read from its entry when first needed after the scan (a getter, a spec
 * that filters on them, a probe), once per scan: a selection by node= reads that device's
 * only. The node to use of each device (vad_device_get_node()) is opened once,
 * O_RDWR|O_CLOEXEC, and closed, to learn whether this process may use it
 * (vad_device_get_access()); a card node that has a render sibling is not opened (its
 * first opener can become DRM master). Does not load any VA driver.
 *
 * Invalidates every device pointer and string obtained from @ctx before.
 *
 * Return: the number of devices (0 when /dev/dri is missing, unreadable or empty: nothing
 * about a node or sysfs makes the scan fail), or a negative errno:
 * * %-EINVAL - @ctx is NULL
 * * %-ENOMEM - out of memory
 * * %-EIO - (or another negative errno of readdir()) /dev/dri cannot be listed to the
 *   end; logged at VAD_LOG_ERROR
 *
 * On error the context has no devices, as before any scan.
 */
int vad_scan(struct vad_context *ctx);

/**
 * vad_scan_node() - enumerate one node only: the device of a node a program was given
 * @ctx: the context
 * @node: a path to a DRM node (a render or card node, a by-path link, any name)
 *
 * As vad_scan(), for @node alone: /dev/dri is not listed, and the context then holds at
 * most one device, @node's, with @node as its only node (its render or card node as the
 * kernel names it; the sibling node is not looked for), identified and opened as
 * vad_scan() does. vad_select() then chooses among that device only, and there are no
 * functions without a node (vad_function_count() is 0: which VFs have a node here is
 * only known from a whole scan). For a program that was handed a node and only needs to
 * know whether it can be used (the ffmpeg wrapper's check of a device argument): a scan
 * of every node opens and identifies every node; this, one. vad_scan() replaces it.
 *
 * Invalidates every device pointer and string obtained from @ctx before.
 *
 * Return: 1, or 0 when @node is a DRM node but neither a render nor a card node (a
 * control node), or a negative errno; on error the context has no devices:
 * * %-EINVAL - @ctx or @node is NULL
 * * %-ENOMEM - out of memory
 * * %-ENOENT, %-ENOTDIR, %-EACCES, %-ELOOP, %-ENAMETOOLONG, %-EOVERFLOW - stat(@node)
 *   failed so
 * * %-ENODEV - @node is not a DRM node: not a character device, or one of another major
 *   than DRM's (226)
 */
int vad_scan_node(struct vad_context *ctx, const char *node);

/**
 * vad_device_count() - the number of devices found by the last vad_scan()
 * @ctx: the context
 *
 * Return: the count; 0 before a scan, and for a NULL @ctx. No errors.
 */
size_t vad_device_count(const struct vad_context *ctx);

/**
 * vad_device_get() - one device of the last vad_scan()
 * @ctx: the context
 * @index: counted from 0
 *
 * Devices are in ascending render-node order (the number in the render node's name as
 * this process sees it; devices without a render node follow, by card number).
 *
 * Return: the @index th device, owned by @ctx; NULL when @index is out of range (or @ctx
 * is NULL). No errors.
 */
struct vad_device *vad_device_get(const struct vad_context *ctx, size_t index);

/**
 * vad_device_find() - the device a node path belongs to
 * @ctx: the context
 * @path: a path to the device's render node or card node
 * @out: receives the device (owned by @ctx, like vad_device_get()'s); NULL on error
 *       (when @out is not NULL)
 *
 * The node is identified by device number: stat(@path) (symlinks followed) gives
 * st_rdev, which must equal the render or card node's (vad_device_get_render_rdev(),
 * vad_device_get_card_rdev()). Its name does not count, so a by-path link, a second name,
 * or a node a container renamed (renderD128 that is the host's renderD132) all find their
 * device. Reads no sysfs file and opens nothing: vad_scan() again to see a node that is
 * new.
 *
 * Return:
 * * %0 - the device is in *@out
 * * %-EINVAL - @ctx, @path or @out is NULL
 * * %-ENOENT, %-ENOTDIR, %-EACCES, %-ELOOP, %-ENAMETOOLONG, %-EOVERFLOW, %-ENOMEM -
 *   stat(@path) failed so (-ENOENT: no such file; -ENOTDIR: a path component is no
 *   directory)
 * * %-ENODEV - @path is not a DRM node: not a character device, or one of another major
 *   than DRM's (226)
 * * %-ENXIO - a DRM node of no scanned device: vad_scan() was not called, or did not list
 *   it (a node that appeared since, a control node, a node of a device this process has
 *   no other name for in /dev/dri)
 */
int vad_device_find(const struct vad_context *ctx, const char *path, struct vad_device **out);

/* ------------------------------------------------------------------------------------ */
/* Device facts (from sysfs, read on first use after vad_scan(); no VA driver loaded).
 * These getters cannot fail: each returns the fact or its "none" value. @dev must be a
 * device of the last scan. */

/**
 * vad_device_get_render_node() - the device's render node
 * @dev: a device of the last scan
 *
 * Return: the render node's path as seen by this process ("/dev/dri/renderD128"), or NULL
 * if none. No errors.
 */
const char *vad_device_get_render_node(const struct vad_device *dev);
/**
 * vad_device_get_card_node() - the device's primary node
 * @dev: a device of the last scan
 *
 * Return: the primary node's path ("/dev/dri/card0"), or NULL if none was passed to this
 * process. No errors.
 */
const char *vad_device_get_card_node(const struct vad_device *dev);
/**
 * vad_device_get_node() - the node to open for VA-API
 * @dev: a device of the last scan
 *
 * Return: the render node, or the card node if there is none. Never NULL (a device has at
 * least one node). No errors.
 */
const char *vad_device_get_node(const struct vad_device *dev);
/**
 * vad_device_get_render_rdev() - the device number of the render node
 * @dev: a device of the last scan
 *
 * Return: the device number; 0 when the device has no render node. No errors.
 */
dev_t vad_device_get_render_rdev(const struct vad_device *dev);
/**
 * vad_device_get_card_rdev() - the device number of the card node
 * @dev: a device of the last scan
 *
 * Return: the device number; 0 when the device has no card node. No errors.
 */
dev_t vad_device_get_card_rdev(const struct vad_device *dev);

/**
 * vad_device_get_sysfs_path() - the device's canonical sysfs path
 * @dev: a device of the last scan
 *
 * Return: the path ("/sys/devices/pci0000:00/0000:00:02.4"), or NULL when
 * /sys/dev/char/MAJ:MIN/device of its nodes does not resolve (then every sysfs fact of
 * the device is its "none"). No errors.
 */
const char *vad_device_get_sysfs_path(const struct vad_device *dev);

/**
 * enum vad_bus - the bus of a device
 * @VAD_BUS_UNKNOWN: no subsystem link, or a bus not listed here
 * @VAD_BUS_PCI: pci
 * @VAD_BUS_PLATFORM: platform
 * @VAD_BUS_USB: usb
 * @VAD_BUS_VIRTIO: virtio
 */
enum vad_bus {
	VAD_BUS_UNKNOWN = 0,
	VAD_BUS_PCI,
	VAD_BUS_PLATFORM,
	VAD_BUS_USB,
	VAD_BUS_VIRTIO,
};
/**
 * vad_device_get_bus() - the bus of the device's subsystem link
 * @dev: a device of the last scan
 *
 * Return: the bus; VAD_BUS_UNKNOWN when it has none or another. No errors.
 */
enum vad_bus vad_device_get_bus(const struct vad_device *dev);
/**
 * vad_bus_name() - the name of a bus
 * @bus: a value of enum vad_bus
 *
 * Return: "pci", "platform", "usb", "virtio" or "unknown" (also for a value outside the
 * enum); static storage. No errors.
 */
const char *vad_bus_name(enum vad_bus bus);

/**
 * vad_device_get_pci_slot() - the device's PCI slot
 * @dev: a device of the last scan
 *
 * Return: the slot ("0000:00:02.4") for a PCI device, else NULL. No errors.
 */
const char *vad_device_get_pci_slot(const struct vad_device *dev);

/**
 * vad_device_get_vendor_id() - the PCI vendor id, from sysfs
 * @dev: a device of the last scan
 *
 * Return: the id (0..0xffff), or a negative errno:
 * * %-ENOENT - the attribute does not exist (not PCI, or missing)
 * * %-EINVAL - it exists but cannot be read or is malformed (anything but "0x" and 1..4
 *   hex digits)
 */
int vad_device_get_vendor_id(const struct vad_device *dev);
/**
 * vad_device_get_device_id() - the PCI device id, from sysfs
 * @dev: a device of the last scan
 *
 * Return: the id (0..0xffff), or a negative errno:
 * * %-ENOENT - the attribute does not exist (not PCI, or missing)
 * * %-EINVAL - it exists but cannot be read or is malformed (anything but "0x" and 1..4
 *   hex digits)
 */
int vad_device_get_device_id(const struct vad_device *dev);
/**
 * vad_device_get_subsystem_vendor_id() - the PCI subsystem vendor id, from sysfs
 * @dev: a device of the last scan
 *
 * Return: the id (0..0xffff), or a negative errno:
 * * %-ENOENT - the attribute does not exist (not PCI, or missing)
 * * %-EINVAL - it exists but cannot be read or is malformed (anything but "0x" and 1..4
 *   hex digits)
 */
int vad_device_get_subsystem_vendor_id(const struct vad_device *dev);
/**
 * vad_device_get_subsystem_device_id() - the PCI subsystem device id, from sysfs
 * @dev: a device of the last scan
 *
 * Return: the id (0..0xffff), or a negative errno:
 * * %-ENOENT - the attribute does not exist (not PCI, or missing)
 * * %-EINVAL - it exists but cannot be read or is malformed (anything but "0x" and 1..4
 *   hex digits)
 */
int vad_device_get_subsystem_device_id(const struct vad_device *dev);
/**
 * vad_device_get_revision() - the PCI revision, from sysfs
 * @dev: a device of the last scan
 *
 * Return: the revision (0..0xff), or a negative errno:
 * * %-ENOENT - the attribute does not exist (not PCI, or missing)
 * * %-EINVAL - it exists but cannot be read or is malformed (anything but "0x" and 1..2
 *   hex digits)
 */
int vad_device_get_revision(const struct vad_device *dev);

/**
 * vad_device_get_kernel_driver() - the device's kernel driver
 * @dev: a device of the last scan
 *
 * Return: the driver's name ("i915", "xe", "amdgpu", "nvidia-drm"...), or NULL when there
 * is no driver link. No errors.
 */
const char *vad_device_get_kernel_driver(const struct vad_device *dev);

/**
 * vad_device_get_boot_vga() - whether the device is the boot VGA device, from sysfs
 * @dev: a device of the last scan
 *
 * Return: 1 or 0 from sysfs boot_vga, or a negative errno:
 * * %-ENOENT - the attribute is absent
 * * %-EINVAL - it cannot be read or is anything but "0" or "1"
 */
int vad_device_get_boot_vga(const struct vad_device *dev);

/**
 * enum vad_sriov_role - a device's SR-IOV role
 * @VAD_SRIOV_NONE: not SR-IOV capable, or capable with no VFs and not a VF
 * @VAD_SRIOV_PF: a physical function (has sriov_totalvfs > 0)
 * @VAD_SRIOV_VF: a virtual function (has a physfn link)
 */
enum vad_sriov_role {
	VAD_SRIOV_NONE = 0,
	VAD_SRIOV_PF,
	VAD_SRIOV_VF,
};
/**
 * vad_device_get_sriov_role() - the device's SR-IOV role
 * @dev: a device of the last scan
 *
 * Return: the role. No errors.
 */
enum vad_sriov_role vad_device_get_sriov_role(const struct vad_device *dev);
/**
 * vad_sriov_role_name() - the name of an SR-IOV role
 * @role: a value of enum vad_sriov_role
 *
 * Return: "pf", "vf" or "none" (also for a value outside the enum); static storage. No
 * errors.
 */
const char *vad_sriov_role_name(enum vad_sriov_role role);
/**
 * vad_device_get_vf_index() - a VF's number
 * @dev: a device of the last scan
 *
 * Return: the VF's number counted from 1 (the PF's virtfn(N-1) link points at it), or:
 * * %-ENOENT - the device is not a VF, or a VF no virtfn link of its PF points at
 */
int vad_device_get_vf_index(const struct vad_device *dev);
/**
 * vad_device_get_pf_slot() - a VF's physical function
 * @dev: a device of the last scan
 *
 * Return: the PF's PCI slot ("0000:00:02.0"), or NULL (not a VF, or its physfn link does
 * not name a PCI function). No errors.
 */
const char *vad_device_get_pf_slot(const struct vad_device *dev);
/**
 * vad_device_get_sriov_numvfs() - how many VFs a PF has enabled
 * @dev: a device of the last scan
 *
 * Return: sysfs sriov_numvfs, or a negative errno:
 * * %-ENOENT - the device is not a PF, or the attribute is missing
 * * %-EINVAL - it cannot be read or is malformed
 */
int vad_device_get_sriov_numvfs(const struct vad_device *dev);
/**
 * vad_device_get_sriov_totalvfs() - how many VFs a PF can have
 * @dev: a device of the last scan
 *
 * Return: sysfs sriov_totalvfs, always > 0 (it makes the PF), or:
 * * %-ENOENT - the device is not a PF
 */
int vad_device_get_sriov_totalvfs(const struct vad_device *dev);

/**
 * vad_device_get_access() - whether this process may open the node to use
 * @dev: a device of the last scan
 *
 * As vad_scan() found when it opened vad_device_get_node() O_RDWR.
 *
 * Return: 0, or open()'s negative errno (-EACCES, -EPERM, -ENOENT when it vanished,
 * -ENXIO or -ENODEV when no driver answers for it...).
 */
int vad_device_get_access(const struct vad_device *dev);

/* ------------------------------------------------------------------------------------ */
/* PCI functions without DRM nodes (the host view of SR-IOV) */

/**
 * struct vad_function - a PCI function of the host with no DRM node here (opaque)
 *
 * On an SR-IOV host not every virtual function has DRM nodes: a VF bound to vfio-pci is
 * given to a VM, a VF with no driver (sriov_drivers_autoprobe 0) waits to be bound, and a
 * container sees only the nodes passed to it. vad_scan() lists, for every physical
 * function it found (a device with role VAD_SRIOV_PF), the PF's VFs (its virtfnN links)
 * that have no node in /dev/dri, with the reason. They are a list of their own, never
 * mixed into vad_device_get() (they can be neither probed nor selected, and callers that
 * pick by index keep their meaning). A VF of a PF this process cannot see (a container
 * given only a VF's nodes) is not listed. Owned by the context until its next vad_scan().
 */
struct vad_function;

/**
 * vad_function_count() - the number of functions without DRM nodes
 * @ctx: the context
 *
 * Their sysfs entries are read on the first call after a scan (of this or
 * vad_function_get()), not by the scan: a program that only selects never pays for them.
 *
 * Return: the count of the last vad_scan(); 0 before, and for a NULL @ctx. No errors.
 */
size_t vad_function_count(const struct vad_context *ctx);
/**
 * vad_function_get() - one function without DRM nodes
 * @ctx: the context
 * @index: counted from 0
 *
 * Functions are in the order of their PF (vad_device_get() order) and then by VF number.
 * The vad_function_get_*() getters cannot fail; their @fn must be one of the last scan.
 *
 * Return: the @index th one, owned by @ctx until the next vad_scan(); NULL when out of
 * range (or @ctx is NULL). No errors.
 */
const struct vad_function *vad_function_get(const struct vad_context *ctx, size_t index);
/**
 * vad_function_get_pci_slot() - the function's PCI slot
 * @fn: a function of the last scan
 *
 * Return: the slot ("0000:00:02.3"), never NULL. No errors.
 */
const char *vad_function_get_pci_slot(const struct vad_function *fn);
/**
 * vad_function_get_sysfs_path() - the function's sysfs path
 * @fn: a function of the last scan
 *
 * Return: the path, never NULL. No errors.
 */
const char *vad_function_get_sysfs_path(const struct vad_function *fn);
/**
 * vad_function_get_pf_slot() - the function's physical function
 * @fn: a function of the last scan
 *
 * Return: the PF's slot ("0000:00:02.0"), never NULL. No errors.
 */
const char *vad_function_get_pf_slot(const struct vad_function *fn);
/**
 * vad_function_get_vf_index() - the function's VF number
 * @fn: a function of the last scan
 *
 * Return: the VF number counted from 1 (as vf= counts), always >= 1. No errors.
 */
int vad_function_get_vf_index(const struct vad_function *fn);
/**
 * vad_function_get_vendor_id() - the function's PCI vendor id
 * @fn: a function of the last scan
 *
 * Return: the id (0..0xffff), or -ENOENT / -EINVAL as vad_device_get_vendor_id().
 */
int vad_function_get_vendor_id(const struct vad_function *fn);
/**
 * vad_function_get_device_id() - the function's PCI device id
 * @fn: a function of the last scan
 *
 * Return: the id (0..0xffff), or -ENOENT / -EINVAL as vad_device_get_vendor_id().
 */
int vad_function_get_device_id(const struct vad_function *fn);
/**
 * vad_function_get_kernel_driver() - the kernel driver bound to the function
 * @fn: a function of the last scan
 *
 * Return: the driver's name ("vfio-pci", "i915"), or NULL when none is bound. No errors.
 */
const char *vad_function_get_kernel_driver(const struct vad_function *fn);
/**
 * vad_function_get_host_nodes() - the DRM nodes the host gives the function
 * @fn: a function of the last scan
 *
 * Return: the nodes sysfs gives the function ("card4 renderD132"), which are missing from
 * this process's /dev/dri (not passed into a container), or NULL when it has none. No
 * errors.
 */
const char *vad_function_get_host_nodes(const struct vad_function *fn);
/**
 * vad_function_get_reason() - why the function has no node, in words
 * @fn: a function of the last scan
 *
 * For example:
 *
 *   "vfio-pci: passed to a VM"
 *   "no driver bound (the PF's sriov_drivers_autoprobe is 0: bind one, e.g.
 *    echo 0000:00:02.3 > /sys/bus/pci/drivers/i915/bind)"
 *   "no driver bound"
 *   "i915: its nodes card4 renderD132 are not in /dev/dri (not passed to this system)"
 *   "bound to snd_hda_intel, which makes no DRM node"
 *
 * Return: the reason, never NULL. No errors.
 */
const char *vad_function_get_reason(const struct vad_function *fn);

/* ------------------------------------------------------------------------------------ */
/* libva at run time */

/**
 * vad_set_libva_dir() - load libva from a directory
 * @ctx: the context
 * @dir: an absolute directory, or NULL: the system's libva
 *
 * libvadiscover does not link libva: it loads libva.so.2 and libva-drm.so.2 with dlopen()
 * when a probe first needs them, so that it probes with the same libva, and so the same
 * VA drivers, as the program that will use the device. Which libva, in this order:
 *
 *   1. the libva already loaded in this process (a patched FFmpeg has its own), if any;
 *   2. the one in the directory given to vad_set_libva_dir() (or found by
 *      vad_set_libva_program()); libdrm.so.2 is loaded from that directory first when it
 *      is there, as the program's own libdrm would be;
 *   3. the system's, by soname.
 *
 * From @dir, the files are taken by full path: @dir/libdrm.so.2 first when that file
 * exists, then @dir/libva.so.2 and @dir/libva-drm.so.2. There is no fallback to the
 * system's copy: when @dir holds no usable libva, probes fail with -ELIBACC.
 *
 * One libva per process: while a context holds one loaded, a load by any other context of
 * the process finds it in step 1. A context keeps its libva loaded until vad_scan() after
 * a change of directory, or until it is freed. When none can be loaded, or a required
 * entry point is missing from what was loaded, vad_libva_load() and every probe fail with
 * -ELIBACC, each device's vad_device_get_va_error() (and, after vad_select(), its reason)
 * is the text of vad_get_libva_error(), and vad_select() returns -ENODEV as for any set of
 * devices without VA. Enumeration does not need libva. A failed load is not retried until
 * vad_scan() or vad_set_libva_dir().
 *
 * When it takes effect: when no libva is loaded yet (before the first probe or
 * vad_libva_load(), or after a failed load), the next load uses @dir. When one is loaded,
 * it stays in use (and vad_get_libva_path() names it) until the next vad_scan(), which
 * unloads it; the first probe after that scan loads from @dir. Step 1 still comes first: a
 * libva already loaded in the process wins over @dir. Probe results already kept (a
 * -ELIBACC too) stay until vad_scan(), like every probe result. After a failed load, this
 * call frees the string vad_get_libva_error() returned.
 *
 * Return:
 * * %0 - success
 * * %-EINVAL - @ctx is NULL, or @dir is not an absolute path ("" included)
 * * %-ENOMEM - out of memory
 *
 * On error the libva choice is unchanged.
 */
int vad_set_libva_dir(struct vad_context *ctx, const char *dir);

/**
 * vad_set_libva_program() - probe with the libva a program would load
 * @ctx: the context
 * @path: the program (an ELF executable or shared object)
 *
 * The ELF file at @path is read (never run), and libva.so.2 is looked up as glibc's
 * dynamic loader would for it: through the DT_RPATH or DT_RUNPATH ($ORIGIN expanded) of
 * the program and of the libraries it needs (libavutil), and LD_LIBRARY_PATH of this
 * process (which the program inherits when this process starts it). When it would take
 * the system's libva (or none), the system's is used. Then as vad_set_libva_dir(). A
 * library the program needs that cannot be read or is malformed is not an error: the
 * loader would not take it, and the search goes on as the loader's would.
 *
 * Return:
 * * %0 - success
 * * %-EINVAL - @ctx or @path is NULL
 * * %-ENOENT, %-EACCES, %-EIO... - the errno of opening or reading @path (-ENOENT: it does
 *   not exist)
 * * %-ENOEXEC - not a well-formed ELF executable or shared object: a script, a truncated
 *   file, a directory
 * * %-ENOMEM - out of memory
 *
 * On error the libva choice is unchanged.
 */
int vad_set_libva_program(struct vad_context *ctx, const char *path);

/**
 * vad_libva_load() - load libva now, if not loaded yet
 * @ctx: the context
 *
 * Probes load it themselves; see vad_set_libva_dir() for which libva.
 *
 * Return:
 * * %0 - success
 * * %-EINVAL - @ctx is NULL
 * * %-ELIBACC - no usable libva: vad_get_libva_error() says what was tried and what to
 *   install; a failed load is kept (see vad_set_libva_dir())
 * * %-ENOMEM - out of memory
 */
int vad_libva_load(struct vad_context *ctx);

/**
 * vad_get_libva_path() - the libva.so.2 file loaded
 * @ctx: the context
 *
 * Return: a full path, symlinks resolved ("/usr/lib/x86_64-linux-gnu/libva.so.2.1700.0"),
 * or NULL when none is loaded (not loaded yet, the load failed, or @ctx is NULL). No
 * errors.
 */
const char *vad_get_libva_path(const struct vad_context *ctx);
/**
 * vad_get_libva_version() - the loaded libva's version
 * @ctx: the context
 *
 * Read from its file name: libva 2.MM.P is libva.so.2.MM00+P.0, so libva.so.2.1700.0 ->
 * 217.
 *
 * Return: major * 100 + minor (2.22 -> 222), or:
 * * %-ENOENT - none is loaded (or @ctx is NULL), or the file name does not say (a copy
 *   named plain libva.so.2)
 */
int vad_get_libva_version(const struct vad_context *ctx);
/**
 * vad_get_libva_error() - why libva could not be loaded
 * @ctx: the context
 *
 * The words say what was tried (the dynamic loader's message) and what to install, e.g.
 * "libva is not installed: cannot load libva.so.2 (libva.so.2: cannot open shared object
 * file: No such file or directory); install it (Debian/Ubuntu: apt install libva2
 * libva-drm2), or use the ffmpeg's own libva (vadiscover --ffmpeg PATH)".
 *
 * Return: the message, or NULL when no load failed since the last vad_scan() or
 * vad_set_libva_dir() (or @ctx is NULL). No errors.
 */
const char *vad_get_libva_error(const struct vad_context *ctx);

/* ------------------------------------------------------------------------------------ */
/* VA-API probe */

/**
 * enum vad_codec - codecs, as bits of a mask
 * @VAD_CODEC_MPEG2: MPEG-2 ("mpeg2")
 * @VAD_CODEC_H264: H.264 ("h264")
 * @VAD_CODEC_HEVC: HEVC Main ("hevc")
 * @VAD_CODEC_HEVC10: HEVC Main 10 ("hevc10")
 * @VAD_CODEC_VP8: VP8 ("vp8")
 * @VAD_CODEC_VP9: VP9 profile 0 ("vp9")
 * @VAD_CODEC_VP9_10: VP9 10-bit ("vp9_10")
 * @VAD_CODEC_AV1: AV1 ("av1")
 * @VAD_CODEC_AV1_10: AV1 10-bit ("av1_10")
 * @VAD_CODEC_JPEG: JPEG ("jpeg")
 * @VAD_CODEC_VC1: VC-1 ("vc1")
 *
 * The names in quotes are those of vad_codec_name() and of decode= and encode=.
 */
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
/**
 * VAD_CODEC_COUNT - the number of codecs in enum vad_codec
 */
#define VAD_CODEC_COUNT 11

/**
 * vad_codec_name() - the name of one codec
 * @codec: one bit of enum vad_codec
 *
 * Return: the name ("h264"), or NULL for anything else (0, several bits); static storage.
 * No errors.
 */
const char *vad_codec_name(unsigned int codec);
/**
 * vad_codec_from_name() - the codec of a name
 * @name: a codec name ("hevc10"), or NULL
 *
 * Return: the codec bit, or 0 when @name is unknown or NULL. No errors.
 */
unsigned int vad_codec_from_name(const char *name);

/**
 * vad_device_probe() - probe VA-API on a device, once, and keep the result
 * @ctx: the context of @dev
 * @dev: a device of the last scan
 * @driver: the VA driver name to force (as FFmpeg's driver= option, e.g. "iHD"), or NULL
 *          for vad_device_get_required_va_driver() of @dev: "iHD" for kernel driver xe
 *          (unless LIBVA_DRIVER_NAME or LIBVA_DRIVER_NAME_JELLYFIN is set), else libva's
 *          own choice by kernel driver. vad_device_get_va_driver() tells which was used.
 *
 * Loads libva first if it is not loaded (vad_libva_load()), then opens the render node
 * (the card node if the device has none) O_RDWR|O_CLOEXEC, then vaGetDisplayDRM,
 * vaInitialize, vaQueryVendorString, profiles x entrypoints, vaTerminate, close. libva's
 * own error and info messages are captured, never printed, and kept for
 * vad_device_get_va_error(). A second call with the same @driver returns the kept result;
 * with another driver it probes again. A result of -ENOMEM is not kept.
 *
 * No VA driver is loaded on a device whose kernel driver has no video engine
 * (display-only or virtual: ast, mgag200, bochs-drm, cirrus, simpledrm, udl, evdi,
 * hyperv_drm, vkms, vgem, ...): vad_select() gives it the verdict VAD_VERDICT_NO_VA with
 * the reason "not probed: kernel driver ast has no video engine (display only)".
 *
 * How the probe runs (in this process or in the probe helper, from the cache) is set by
 * vad_set_probe_mode(); the result is the same either way, except for what only the
 * helper survives (a crash, a hang: in this process they end or block the caller) and the
 * helper's own trouble. That trouble (-ENOEXEC, -EIO without a crash) and -ELIBACC are
 * never cached, and are logged as VAD_LOG_ERROR (see enum vad_log_priority).
 *
 * Return: 0 if the device is VA-capable, or a negative errno; every failure but -EINVAL
 * and -ENOMEM is the device's VA status, with a VA error that says why:
 * * %-EINVAL - @ctx or @dev is NULL, or @driver is no VA driver name (empty, 256 bytes or
 *   longer, or a byte other than letters, digits, '_', '-', '.'); nothing is run and the
 *   device keeps what it had
 * * %-ELIBACC - no usable libva (the node is not opened); the device's VA error is the
 *   text of vad_get_libva_error(), which says what to install
 * * %-EACCES, %-EPERM, %-ENOENT, %-ENXIO... - the node could not be opened (open()'s
 *   errno); vad_device_get_access() said so at scan time, or the node changed since
 * * %-ENODEV - libva has no display for the fd (not a DRM node)
 * * %-EIO - vaInitialize failed (the libva status is in the error string), or the VA
 *   driver crashed the probe helper ("VA driver crashed (SIGSEGV) during vaInitialize"),
 *   or the helper gave no valid result (a helper of another version, one that exits with
 *   an error, or writes garbage)
 * * %-ETIMEDOUT - the helper did not answer within VADISCOVER_PROBE_TIMEOUT seconds and
 *   was killed ("VA driver did not answer within 10 s (killed)"), or within three times
 *   that on a machine so busy that it spent the difference waiting for a CPU ("VA driver
 *   did not answer within 30 s on a busy machine (killed; 24.3 s of them waiting for a
 *   CPU)")
 * * %-ENOEXEC - the helper is needed and cannot run: it is missing with
 *   VAD_PROBE_ISOLATED alone (vad_set_probe_mode()), or it is there and could not be
 *   started (no descriptor left for its pipe, posix_spawn() failed)
 * * %-ENOPKG - vaInitialize failed and the VA driver file is in none of libva's
 *   directories; the error string names the file, where libva looked and the package:
 *   "VA driver iHD_drv_video.so is not installed (looked in
 *   /usr/lib/x86_64-linux-gnu/dri): install intel-media-va-driver-non-free (non-free) or
 *   intel-media-va-driver"
 * * %-ENOMEM - out of memory; not kept: the device is left unprobed
 */
int vad_device_probe(struct vad_context *ctx, struct vad_device *dev, const char *driver);

/**
 * vad_device_get_required_va_driver() - the VA driver a program must force for a device
 * @dev: a device of the last scan
 *
 * A program forces it with FFmpeg's driver= option or vaSetDriverName(), because libva
 * may not choose it by itself: "iHD" for kernel driver xe (libva before 2.21 has no xe
 * mapping and looks for xe_drv_video.so; later ones map xe to iHD only, so forcing it is
 * the same there). LIBVA_DRIVER_NAME and LIBVA_DRIVER_NAME_JELLYFIN (jellyfin-ffmpeg's
 * libva reads that name instead) are read with secure_getenv(), as libva reads
 * LIBVA_DRIVER_NAME. vad_device_probe() uses it when no driver is given.
 *
 * Return: the name, or NULL for every other device, and when the user chose a driver
 * through LIBVA_DRIVER_NAME or LIBVA_DRIVER_NAME_JELLYFIN. No errors.
 */
const char *vad_device_get_required_va_driver(const struct vad_device *dev);

/**
 * vad_device_find_va_driver_file() - where the VA driver file for a device is
 * @ctx: the context of @dev
 * @dev: a device of the last scan
 * @driver: the VA driver name, or NULL: vad_device_get_required_va_driver(), else libva's
 *          own choice for the kernel driver (as vad_va_driver_for_kernel_driver())
 * @buf: receives the file's full path; on -ENOENT the directories looked in, joined by
 *       ':'; "" on any other error but -EINVAL (then it is not touched)
 * @len: the size of @buf
 *
 * Looked up as libva looks it up: the file is NAME_drv_video.so in each directory of
 * LIBVA_DRIVERS_PATH (colon-separated; read with secure_getenv(), as libva ignores it in
 * secure-execution mode), else of libva's compiled-in driver directory. libva 2.17 has no
 * API for that directory: it is taken as the "dri" directory beside the loaded libva.so.2
 * (/usr/lib/x86_64-linux-gnu/libva.so.2 -> /usr/lib/x86_64-linux-gnu/dri, and
 * jellyfin-ffmpeg's /usr/lib/jellyfin-ffmpeg/lib/dri), which is where Debian and
 * jellyfin-ffmpeg build it to look. Loads libva if needed (vad_libva_load()).
 *
 * Return:
 * * %0 - the file exists
 * * %-EINVAL - @ctx, @dev or @buf is NULL, @len is 0, or @driver is no VA driver name,
 *   as in vad_device_probe()
 * * %-ENOENT - the file is in none of the directories
 * * %-ENODATA - no driver name: none given, none required, no LIBVA_DRIVER_NAME, and the
 *   device has no kernel driver
 * * %-ELIBACC - no usable libva, and no LIBVA_DRIVERS_PATH
 * * %-ERANGE - @len is too small for the path or the directories
 * * %-ENOMEM - out of memory
 */
int vad_device_find_va_driver_file(struct vad_context *ctx, const struct vad_device *dev,
				   const char *driver, char *buf, size_t len);

/**
 * vad_va_driver_package() - the Debian/Ubuntu package(s) that install a VA driver
 * @name: the VA driver's name ("iHD"), or NULL
 *
 * Return: the package(s) ("iHD" -> "intel-media-va-driver-non-free (non-free) or
 * intel-media-va-driver", "radeonsi" -> "mesa-va-drivers"), or NULL when unknown (or
 * @name is NULL); static storage. No errors.
 */
const char *vad_va_driver_package(const char *name);

/**
 * vad_va_driver_for_kernel_driver() - the VA driver libva chooses by itself
 * @kernel_driver: the kernel driver of a device, or NULL
 *
 * As vad_device_find_va_driver_file() looks it up: libva 2.17's table: i915 -> iHD,
 * amdgpu -> radeonsi, radeon -> r600, nouveau -> nouveau, nvidia-drm and nvidia ->
 * nvidia, pvrsrvkm -> pvr; any other kernel driver -> its own name.
 *
 * Return: the VA driver's name (static storage, or @kernel_driver itself), or NULL when
 * @kernel_driver is NULL. No errors.
 */
const char *vad_va_driver_for_kernel_driver(const char *kernel_driver);

/* The VA facts of the kept probe result. These getters cannot fail: each returns the fact
 * or its "none" value. After vad_device_probe() returned -EINVAL they are as they were;
 * after -ENOMEM, those of a device never probed. */

/**
 * vad_device_is_probed() - whether the device was probed
 * @dev: a device of the last scan
 *
 * Return: true once vad_device_probe() or vad_select() probed it. No errors.
 */
bool vad_device_is_probed(const struct vad_device *dev);
/**
 * vad_device_get_va_status() - the result of the device's last probe
 * @dev: a device of the last scan
 *
 * Return: 0 (capable), one of vad_device_probe()'s failures but -EINVAL and -ENOMEM, or
 * -EAGAIN if never probed.
 */
int vad_device_get_va_status(const struct vad_device *dev);
/**
 * vad_device_get_va_vendor() - the VA driver's vendor string
 * @dev: a device of the last scan
 *
 * Return: the string ("Intel iHD driver for Intel(R) Gen Graphics - 23.1.1"), or NULL
 * (not probed, the probe failed, or the driver gave none). No errors.
 */
const char *vad_device_get_va_vendor(const struct vad_device *dev);
/**
 * vad_device_get_va_driver() - the VA driver the probe used
 * @dev: a device of the last scan
 *
 * Return: the name ("iHD"), as forced or as libva chose, or NULL (not probed, the probe
 * failed, or libva did not say which it chose). No errors.
 */
const char *vad_device_get_va_driver(const struct vad_device *dev);
/**
 * vad_device_get_va_version() - the VA-API version vaInitialize returned
 * @dev: a device of the last scan
 *
 * Return: major * 100 + minor (1.17 -> 117), or:
 * * %-EAGAIN - not probed, or vaInitialize did not succeed
 */
int vad_device_get_va_version(const struct vad_device *dev);
/**
 * vad_device_get_decode() - the codecs the device decodes
 * @dev: a device of the last scan
 *
 * Return: a bitmask of enum vad_codec; 0 unless the last probe succeeded. No errors.
 */
unsigned int vad_device_get_decode(const struct vad_device *dev);
/**
 * vad_device_get_encode() - the codecs the device encodes
 * @dev: a device of the last scan
 *
 * Return: a bitmask of enum vad_codec; 0 unless the last probe succeeded. No errors.
 */
unsigned int vad_device_get_encode(const struct vad_device *dev);
/**
 * vad_device_get_vpp() - whether VAEntrypointVideoProc is offered
 * @dev: a device of the last scan
 *
 * Video processing: scaling, format conversion.
 *
 * Return: true when offered; false unless the last probe succeeded. No errors.
 */
bool vad_device_get_vpp(const struct vad_device *dev);
/**
 * vad_device_get_va_error() - why the last probe failed, in words
 * @dev: a device of the last scan
 *
 * For example "vaInitialize failed: -1 (unknown libva error); libva: iHD_drv_video.so
 * init failed".
 *
 * Return: the message; never NULL after a failed probe; NULL when the probe succeeded or
 * never ran. No errors.
 */
const char *vad_device_get_va_error(const struct vad_device *dev);

/* ------------------------------------------------------------------------------------ */
/* Isolated probes */

/**
 * enum vad_probe_mode - how probes run, as bits of a mask
 * @VAD_PROBE_IN_PROCESS: probe in this process (the only way before isolation existed)
 * @VAD_PROBE_ISOLATED: probe in the helper program. With VAD_PROBE_IN_PROCESS too: in the
 *                      helper when it is installed, else in this process. Alone: a
 *                      missing helper fails the probe with -ENOEXEC and a reason that
 *                      names the file.
 * @VAD_PROBE_CACHE: use the probe cache (see "Probe cache")
 *
 * A VA driver runs inside the process that initialises it, and a broken one can crash it
 * (SIGSEGV, abort()) or never return from vaInitialize (a wedged GPU, a VF whose PF is
 * gone). An isolated probe runs in a helper program, vadiscover-probe, with a deadline,
 * and turns either into a reason:
 *
 *     "VA driver crashed (SIGSEGV) during vaInitialize"            status -EIO
 *     "VA driver did not answer within 10 s (killed)"              status -ETIMEDOUT
 *
 * The helper probes a node exactly as vad_device_probe() does in-process, with the
 * libva the caller would use (it inherits the environment: LIBVA_DRIVER_NAME,
 * LIBVA_DRIVERS_PATH, LD_LIBRARY_PATH...). It gets /dev/null as stdin and stdout, the
 * caller's stderr, and a process group of its own. The caller waits until
 * VADISCOVER_PROBE_TIMEOUT seconds (1..3600, default 10) have passed since the probe began,
 * plus the time the helper spent waiting for a CPU, at most three times the deadline in
 * all; then it kills the helper's process group and reaps it. No zombie, no descriptor
 * is left, SIGCHLD is not touched, and the helper never outlives its caller. None is
 * started when the driver is forced (driver=, or the one the device requires) and its
 * file is in none of libva's directories: the answer (-ENOPKG) is known.
 *
 * vad_select() with VAD_SELECT_ALL probes the devices in as many helpers at once as this
 * process may use CPUs (sched_getaffinity()), each helper probing its share one after the
 * other (one process start and one libva load for several devices), each device with its
 * own deadline; when a helper crashes or is killed, that device has its answer and a new
 * helper probes the ones after it. vad_device_probe(), vad_select() without
 * VAD_SELECT_ALL and probes in this process probe one device at a time.
 *
 * Which helper: the file named by VADISCOVER_PROBE_HELPER (an absolute path), else the
 * one given to vad_set_probe_helper() (the tool and the wrapper give the one beside their
 * own executable when there is one, vad_set_probe_helper_beside_program()), else the
 * compiled-in LIBEXECDIR/vadiscover/vadiscover-probe.
 */
enum vad_probe_mode {
	VAD_PROBE_IN_PROCESS = 1u << 0,
	VAD_PROBE_ISOLATED = 1u << 1,
	VAD_PROBE_CACHE = 1u << 2,
};
/**
 * VAD_PROBE_DEFAULT - the probe mode of a new context
 *
 * Isolated when the helper is installed, else in-process, with the cache. The vadiscover
 * tool and the ffmpeg wrapper set VAD_PROBE_ISOLATED | VAD_PROBE_CACHE.
 */
#define VAD_PROBE_DEFAULT (VAD_PROBE_IN_PROCESS | VAD_PROBE_ISOLATED | VAD_PROBE_CACHE)

/**
 * vad_set_probe_mode() - how the next probes of a context run
 * @ctx: the context
 * @mode: a combination of enum vad_probe_mode with at least one of VAD_PROBE_IN_PROCESS
 *        and VAD_PROBE_ISOLATED
 *
 * Results already kept stay.
 *
 * Return:
 * * %0 - success
 * * %-EINVAL - @ctx is NULL, a bit of @mode is outside enum vad_probe_mode, or @mode has
 *   neither of those two; the mode is unchanged
 */
int vad_set_probe_mode(struct vad_context *ctx, unsigned int mode);
/**
 * vad_get_probe_mode() - the probe mode of a context
 * @ctx: the context
 *
 * Return: the mode (VAD_PROBE_DEFAULT unless set; 0 for NULL). No errors.
 */
unsigned int vad_get_probe_mode(const struct vad_context *ctx);

/**
 * vad_set_probe_helper() - use the probe helper program at a path
 * @ctx: the context
 * @path: an absolute path, or NULL: the installed one
 *
 * The VADISCOVER_PROBE_HELPER environment variable still wins. The file is not looked at
 * here: a missing one shows at the next probe (see VAD_PROBE_ISOLATED).
 *
 * Return:
 * * %0 - success
 * * %-EINVAL - @ctx is NULL, or @path is not absolute ("" included)
 * * %-ENOMEM - out of memory
 *
 * On error the helper is unchanged.
 */
int vad_set_probe_helper(struct vad_context *ctx, const char *path);

/**
 * vad_set_probe_helper_beside_program() - use the probe helper beside the running program
 * @ctx: the context
 *
 * For a program that may ship its own helper (a portable folder): vad_set_probe_helper()
 * with the vadiscover-probe in the directory of the running program (/proc/self/exe),
 * when that file is executable (access(X_OK)).
 *
 * Return:
 * * %0 - it is used from now on
 * * %-ENOENT - there is none there (or the program's path cannot be read); the helper
 *   stays as it was
 * * %-EINVAL - @ctx is NULL
 * * %-ENOMEM - out of memory
 */
int vad_set_probe_helper_beside_program(struct vad_context *ctx);

/* ------------------------------------------------------------------------------------ */
/* Probe cache */

/**
 * vad_device_is_cached() - whether the device's VA result came from the probe cache
 * @dev: a device of the last scan
 *
 * Return: true when it did (no VA driver was loaded); false when it did not, or when the
 * device was not probed. No errors.
 */
bool vad_device_is_cached(const struct vad_device *dev);

/* ------------------------------------------------------------------------------------ */
/* Selection */

/**
 * vad_spec_new() - parse a selection spec
 * @out: receives the spec (NULL on failure)
 * @text: the spec (see "Selection spec"); NULL or "" is the empty spec
 * @err: "" on success; on -EINVAL from @text, a message that names the bad key or value,
 *       e.g. "unknown key 'vendr' (known: vendor vendor_id kernel_driver driver pci role vf
 *       node decode encode index)". May be NULL.
 * @errlen: the size of @err
 *
 * Return:
 * * %0 - success
 * * %-EINVAL - @out is NULL (nothing is written to @err); or @text does not parse: an
 *   unknown key, a key given twice, a pair without '=', an empty pair or value, a bad
 *   value, vf= with a role other than vf
 * * %-ENOMEM - out of memory
 */
int vad_spec_new(struct vad_spec **out, const char *text, char *err, size_t errlen);

/**
 * vad_spec_set() - add one key to a spec
 * @spec: the spec
 * @key: the key (see "Selection spec")
 * @value: its value
 * @err: as in vad_spec_new()
 * @errlen: the size of @err
 *
 * As if "key=value" had been parsed; for callers that get filters from elsewhere
 * (FFmpeg's vendor_id/kernel_driver/driver options). A key that is already set is
 * replaced.
 *
 * Return:
 * * %0 - success
 * * %-EINVAL - with a message in @err: @spec, @key or @value is NULL, an unknown key, a
 *   bad value, a vf= and a role= that contradict
 * * %-ENOMEM - out of memory
 *
 * On error @spec is unchanged.
 */
int vad_spec_set(struct vad_spec *spec, const char *key, const char *value, char *err,
		 size_t errlen);

/**
 * vad_spec_unset() - remove one key from a spec
 * @spec: the spec
 * @key: the key; one that is not set: nothing to do
 * @err: as in vad_spec_new()
 * @errlen: the size of @err
 *
 * For a caller that takes a spec from elsewhere and handles one key itself.
 *
 * Return:
 * * %0 - success
 * * %-EINVAL - with a message in @err: @spec or @key is NULL, an unknown key
 * * %-ENOMEM - out of memory
 *
 * On error @spec is unchanged.
 */
int vad_spec_unset(struct vad_spec *spec, const char *key, char *err, size_t errlen);

/**
 * vad_spec_free() - free a spec
 * @spec: the spec, or NULL (nothing is done)
 *
 * Return: nothing. No errors.
 */
void vad_spec_free(struct vad_spec *spec);

/**
 * vad_spec_get_driver() - the driver= value of a spec
 * @spec: the spec, or NULL
 *
 * Return: the value, owned by @spec; NULL when none is set, or @spec is NULL. No errors.
 */
const char *vad_spec_get_driver(const struct vad_spec *spec);

/**
 * vad_spec_to_string() - the canonical text of a spec
 * @spec: the spec, or NULL
 *
 * The keys are in grammar order.
 *
 * Return: the text, owned by @spec until its next change; "" for the empty spec and for
 * NULL (static storage then); NULL only when memory ran out.
 */
const char *vad_spec_to_string(struct vad_spec *spec);

/**
 * enum vad_select_flags - flags of vad_select()
 * @VAD_SELECT_ALL: give every device a verdict: probe every device the facts do not rule
 *                  out, instead of stopping at the chosen one (what `vadiscover explain`
 *                  does)
 */
enum vad_select_flags {
	VAD_SELECT_ALL = 1u << 0,
};

/**
 * vad_select() - choose the device for a spec
 * @ctx: the context
 * @spec: the spec, or NULL: the empty spec
 * @flags: 0, or enum vad_select_flags
 * @out: receives the chosen device (owned by @ctx), or NULL (on every error). May be NULL.
 *
 * Chooses among the devices found by the last vad_scan() (scans first when vad_scan() was
 * never called). Devices are considered in vad_device_get() order. Sysfs facts filter
 * first; a device the facts rule out is never probed. The remaining ones are probed in
 * order (with the spec's driver=), and selection stops at the index-th match unless
 * VAD_SELECT_ALL is given. With VAD_SELECT_ALL, isolated probes of the remaining devices
 * run side by side (see "Isolated probes"); the verdicts and the choice are those of
 * probes in order. A probe that fails is the device's verdict (no-access, no-va),
 * never the call's error (but for -ENOMEM). Afterwards every device has a verdict
 * (vad_device_get_verdict()) and a reason (vad_device_get_reason()).
 *
 * Return:
 * * %0 - a device was chosen
 * * %-EINVAL - @ctx is NULL
 * * %-ENOENT - there are no DRM devices at all
 * * %-ENODEV - devices exist but none matches (each device's reason says why; no usable
 *   libva is this case too)
 * * %-ENOMEM - out of memory (the verdicts and reasons are then incomplete)
 */
int vad_select(struct vad_context *ctx, const struct vad_spec *spec, unsigned int flags,
	       struct vad_device **out);

/**
 * enum vad_verdict - what vad_select() made of a device
 * @VAD_VERDICT_NONE: not considered: vad_select() was not called
 * @VAD_VERDICT_SELECTED: the chosen device
 * @VAD_VERDICT_MATCH: matches, but index= chose a later one, or an earlier was chosen
 * @VAD_VERDICT_FILTERED: the sysfs facts do not match the spec
 * @VAD_VERDICT_NO_ACCESS: the node cannot be opened by this process
 * @VAD_VERDICT_NO_VA: the probe failed, or lacks a codec the spec asks for
 * @VAD_VERDICT_SKIPPED: not probed: selection stopped before this device
 */
enum vad_verdict {
	VAD_VERDICT_NONE = 0,
	VAD_VERDICT_SELECTED,
	VAD_VERDICT_MATCH,
	VAD_VERDICT_FILTERED,
	VAD_VERDICT_NO_ACCESS,
	VAD_VERDICT_NO_VA,
	VAD_VERDICT_SKIPPED,
};
/**
 * vad_verdict_name() - the name of a verdict
 * @verdict: a value of enum vad_verdict
 *
 * Return: "selected", "match", "filtered", "no-access", "no-va", "skipped" or "none"
 * (also for a value outside the enum); static storage. No errors.
 */
const char *vad_verdict_name(enum vad_verdict verdict);

/**
 * vad_device_get_verdict() - the verdict of the last vad_select() on a device
 * @dev: a device of the last scan
 *
 * Return: the verdict; VAD_VERDICT_NONE before vad_select(). No errors.
 */
enum vad_verdict vad_device_get_verdict(const struct vad_device *dev);
/**
 * vad_device_get_reason() - the reason for a device's verdict, in words a user can act on
 * @dev: a device of the last scan
 *
 * For example:
 *
 *   "filtered out: vendor 0x10de != 0x8086"
 *   "permission denied: add this user to group 'render' (gid 993): usermod -aG render jellyfin"
 *   "vaInitialize failed: -1 (unknown libva error); libva: iHD_drv_video.so init failed"
 *
 * Return: the reason; NULL before vad_select(); after one that returned 0 or -ENODEV,
 * never NULL (every device has a verdict other than VAD_VERDICT_NONE and its reason). No
 * errors.
 */
const char *vad_device_get_reason(const struct vad_device *dev);

/**
 * vad_device_get_filter_key() - which key of the spec ruled a device out
 * @dev: a device of the last scan
 *
 * For a caller that must tell its own keys from others' after vad_select() without
 * reading the reason's words.
 *
 * Return: the key's name as the grammar spells it (its first name: "vendor", not
 * "vendor_id"; static storage) when the verdict is VAD_VERDICT_FILTERED: one of "vendor",
 * "kernel_driver", "pci", "role", "vf", "node" (the first in that order that the facts
 * fail; vf= also when the device is no VF). NULL for any other verdict and before
 * vad_select(). No errors.
 */
const char *vad_device_get_filter_key(const struct vad_device *dev);

/**
 * vad_version() - the library's version
 *
 * Return: "MAJOR.MINOR.PATCH"; static storage. No errors.
 */
const char *vad_version(void);

#ifdef __cplusplus
}
#endif

#endif /* VADISCOVER_H */
