/* What the vadiscover tool's commands share: exit codes, messages, the log callback. */
#ifndef VAD_TOOL_TOOL_H
#define VAD_TOOL_TOOL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "vadiscover/str.h"
#include "vadiscover/vadiscover.h"

enum {
	EXIT_OK = 0,
	EXIT_NO_DEVICE = 1, /* doctor: a check failed */
	EXIT_USAGE = 2,
	EXIT_INTERNAL = 3,
};

/* snprintf that truncates silently: for messages and paths known to fit @buf. */
void tool_sfmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* For text of any length, the library's vad__strdupf() and vad__vstrdupf() (str.h). */

/* The last component of @path ("renderD129" of "/dev/dri/renderD129"); "?" for NULL. */
const char *tool_base(const char *path);

/* @s without its leading white space, its trailing white space cut off in place. */
char *tool_trim(char *s);

/* "vadiscover: MESSAGE" and the --help hint, on stderr. */
void tool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The message for what getopt_long() returned as @c, ':' (a missing argument) or '?' (an
 * unknown option), prefixed with @command ("doctor: ", or "" for the global options);
 * returns EXIT_USAGE. */
int tool_option_error(const char *command, int c, char **argv);

/* A vad_log_fn writing "vadiscover: LEVEL: MESSAGE" lines to stderr (-d). */
void tool_log_to_stderr(struct vad_context *ctx, enum vad_log_priority priority,
			void *userdata, const char *format, va_list args);

/*
 * tool_context_new - the library context every command uses: the debug log on stderr
 * with @debug, probes always in the helper program (the one beside this executable when
 * there is one), the probe cache unless !@cache, and the libva of @ffmpeg (--ffmpeg) when
 * given. Returns EXIT_OK with *@out set, or the exit code after saying why on stderr.
 */
int tool_context_new(struct vad_context **out, bool debug, bool cache, const char *ffmpeg);

/* The commands with options of their own. @argv[0] is the program name and the command
 * word has been taken out, so argv holds every option given before and after it. */
int doctor_main(int argc, char **argv);
int passthrough_main(int argc, char **argv);
/* The names of passthrough's --to formats joined by @sep, the last by @last. */
void passthrough_format_names(char *buf, size_t len, const char *sep, const char *last);
int nfd_main(int argc, char **argv);

#endif
