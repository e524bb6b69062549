/*
 * The argv rewriter of the ffmpeg wrapper: a pure function from an ffmpeg command line to
 * the command line to execute. It parses the command line as the ffmpeg that will run it
 * does (split_commandline() in fftools/cmdutils.c of its release line, with that line's
 * option table: ffopts.inc), finds the VA/DRM device arguments and asks a resolver
 * (libvadiscover in the wrapper, a table in the tests) which node to use. Every byte that
 * is not a device path, or a driver= the device needs, is passed through unchanged.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef VFW_REWRITE_H
#define VFW_REWRITE_H

#include <stdbool.h>
#include <stddef.h>

enum vfw_mode {
	VFW_MODE_AUTO = 0,	/* keep a given node that works, replace one that does not */
	VFW_MODE_FORCE,		/* always use the selected node */
	VFW_MODE_OFF,		/* pass everything through */
};

/* Parses VADISCOVER_MODE: NULL or "" is auto. Returns 0 or -EINVAL. */
int vfw_mode_parse(const char *text, enum vfw_mode *mode);
const char *vfw_mode_name(enum vfw_mode mode);

/*
 * The FFmpeg release lines whose option tables the rewriter knows: which options take a
 * value differs between them. The table in use decides where each option's value is, and
 * so which arguments are device arguments. What differs (fftools-wrapper/ffopts.inc, made
 * by gen-ffopts from each line's fftools/ffmpeg_opt.c):
 *   - -autorotate, -autoscale take a value up to 6.x (HAS_ARG | OPT_BOOL: "-autoscale 0")
 *     and are flags from 7.0 (OPT_TYPE_BOOL takes none); -noautorotate takes none in all;
 *   - options that are flags where they exist and unknown elsewhere (ffmpeg then tries an
 *     AVOption, which takes a value): -display_hflip, -display_vflip,
 *     -fix_sub_duration_heartbeat (6.1), -print_graphs (8.0), -psnr (up to 6.x), -qphist
 *     (up to 8.x);
 *   - from 7.0 "-/NAME FILE" reads the value of NAME from FILE (so FILE is no device
 *     argument), and "-dec SPEC" ends a group of options like -i (7.1);
 *   - -license (8.0) exits, like -L.
 *
 * VFW_RELEASE_UNKNOWN (the wrapper could not tell which ffmpeg it runs): where every line
 * reads an option alike, that reading; where every line takes the next argument but in
 * different ways, the newest line's; where some lines take the next argument as the
 * option's value and some do not, it is taken exactly when it does not look like an option
 * (it does not start with '-', or it is "-" alone). Why this rule: these options' values
 * are numbers or words ("-autoscale 0", "-autorotate 1"), never an option, while a flag is
 * followed by the next option ("-autorotate -hwaccel vaapi -i in.mkv"). Reading every
 * command line as one fixed line gets the others wrong: as 5.x, the "-hwaccel" after a 7.x
 * flag -autorotate is swallowed as its value, so that input's device is never seen; as
 * 7.x, the "0" of a 5.x "-autoscale 0" becomes an output file. The rule never turns a
 * device option (-init_hw_device, -hwaccel, -vaapi_device...) into a value, and a device
 * argument (vaapi=..., /dev/dri/...) only follows a device option. Where the
 * lines disagree, a value that starts with '-' is what the rule reads wrongly: a 5.x
 * "-autorotate -1" (ffmpeg 5.x would take "-1"); none of the media servers' command lines
 * has one.
 */
enum vfw_release {
	VFW_RELEASE_UNKNOWN = 0,	/* not known: the rule above */
	VFW_RELEASE_5,			/* 5.x: libavutil 57 */
	VFW_RELEASE_6,			/* 6.x: libavutil 58 */
	VFW_RELEASE_7,			/* 7.x: libavutil 59 */
	VFW_RELEASE_8,			/* 8.x: libavutil 60 */
	VFW_RELEASE_9,			/* 9.x: libavutil 61 */
};

/* The release line of a libavutil major version (vad__elf_libavutil_major()), or
 * VFW_RELEASE_UNKNOWN. */
enum vfw_release vfw_release_from_lavu(int major);
const char *vfw_release_name(enum vfw_release release);

/*
 * Whether the release line can change how @argv is read: some argument looks like an
 * option ("-NAME", values included) that two lines read differently. When none does, every
 * line, and VFW_RELEASE_UNKNOWN, reads @argv alike, and the caller need not find out which
 * ffmpeg it runs (the wrapper then leaves the program's file unread).
 */
bool vfw_release_matters(int argc, char *const argv[]);

/* The selection filters given on the same device (FFmpeg's vaapi options vendor_id,
 * kernel_driver, driver; implied for QSV). Each is NULL when absent. */
struct vfw_filters {
	const char *vendor;
	const char *kernel_driver;
	const char *driver;
};

/*
 * Decides about nodes. check and select return 0 on success, or a negative errno with *why
 * set to one line saying why (no newline). Strings handed out (*why, *node, *va_driver)
 * stay valid until the next call on the resolver.
 *   check:  whether @node exists, opens, initialises VA and matches @f.
 *   select: the node to use for @f.
 *   On success both set *va_driver to the VA driver that the program must name for the
 *   device (FFmpeg's driver= option) because libva may not choose it itself
 *   (vad_device_get_required_va_driver(): "iHD" for kernel driver xe), else to NULL. The
 *   rewriter then appends ",driver=NAME" to a VAAPI device argument that names no driver
 *   and can carry one (see site_append() in rewrite.c for the forms that cannot).
 *   same:   whether two paths name the same node (a by-path link and its target); NULL
 *           compares the strings.
 */
struct vfw_resolver {
	int (*check)(void *data, const char *node, const struct vfw_filters *f,
		     const char **va_driver, const char **why);
	int (*select)(void *data, const struct vfw_filters *f, const char **node,
		      const char **va_driver, const char **why);
	void *data;
	bool (*same)(void *data, const char *a, const char *b);
};

/* ffmpeg's AV_LOG_* levels the rewriter cares about. */
#define VFW_LOG_INFO 32
#define VFW_LOG_VERBOSE 40

struct vfw_result {
	/* The command line to execute, NULL-terminated. Unchanged entries are the caller's
	 * pointers; changed ones are owned by the result. */
	char **argv;
	int argc;
	int nsites;		/* device arguments found (0: no probing was done) */
	int nchanged;		/* device arguments rewritten or added (a driver= appended
				 * counts) */
	/* ffmpeg's log level at the end of its option parsing (-v, -loglevel, -debug). */
	int loglevel;
	/* One line (no prefix, no newline) listing the rewrites, or NULL when none. */
	char *report;
	/* One line saying why a device argument was left as given, or NULL. */
	char *warning;
	/* private */
	char **owned;
	size_t nowned;
};

/*
 * vfw_rewrite - compute the command line to execute.
 * @argv must be NULL-terminated, argv[0] included (it is passed through). The resolver is
 * only called when the command line has a device argument and @mode is not off. A command
 * line ffmpeg itself would reject (an option missing its value) is passed through.
 * Returns 0 (release @out with vfw_result_release()) or -ENOMEM.
 */
int vfw_rewrite(int argc, char *const argv[], enum vfw_mode mode, enum vfw_release release,
		const struct vfw_resolver *resolver, struct vfw_result *out);
void vfw_result_release(struct vfw_result *res);

/*
 * vfw_loglevel_parse - apply one -loglevel/-v value as ffmpeg's opt_loglevel() does
 * ("verbose", "40", "repeat+level+debug", "+repeat"...) to *level. Returns 0, or -EINVAL
 * for a value ffmpeg rejects (then *level is unchanged).
 */
int vfw_loglevel_parse(const char *arg, int *level);

#endif
