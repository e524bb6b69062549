/* vadiscover doctor, the media server (opencl, jellyfin.ffmpeg): an OpenCL ICD for
 * Jellyfin's tone mapping, and which ffmpeg Jellyfin runs (its settings, its environment,
 * the running server's command line) and whether that is vadiscover's wrapper. */
#include "vadiscover/tool/doctor.h"
#include "vadiscover/tool/tool.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef VAD_WRAPPER_PATH
#define VAD_WRAPPER_PATH "/usr/local/libexec/vadiscover/ffmpeg"
#endif

static void check_opencl(struct doctor *d)
{
	char p[PATH_MAX], names[512] = "";
	DIR *dir;
	struct dirent *de;

	host_path(d->root, "/etc/OpenCL/vendors", p, sizeof(p));
	dir = opendir(p);
	while (dir && (de = readdir(dir))) {
		size_t l = strlen(de->d_name), k = strlen(names);

		if (l > 4 && strcmp(de->d_name + l - 4, ".icd") == 0)
			tool_sfmt(names + k, sizeof(names) - k, "%s%s", k ? " " : "", de->d_name);
	}
	if (dir)
		closedir(dir);
	if (names[0]) {
		doctor_add(d, "opencl", ST_OK, NULL, NULL, "OpenCL ICDs: %s", names);
		return;
	}
	doctor_add(d, "opencl", ST_WARN, NULL,
	    vad__strdupf("apt install intel-opencl-icd (Intel; jellyfin-ffmpeg's Docker image has it)"),
	    "no OpenCL ICD in /etc/OpenCL/vendors: Jellyfin's tone mapping "
	    "(-init_hw_device opencl=ocl@va) will fail");
}

/* The --ffmpeg value in a command line or an option string ("--ffmpeg=P", "--ffmpeg P"). */
static bool ffmpeg_opt(const char *s, size_t len, char *out, size_t outlen)
{
	const char *end = s + len;

	for (const char *p = s; p < end; p++) {
		if ((size_t)(end - p) < 8 || strncmp(p, "--ffmpeg", 8) != 0)
			continue;
		p += 8;
		if (p < end && (*p == '=' || *p == ' ' || *p == '\0'))
			p++;
		size_t l = 0;

		while (p + l < end && p[l] && p[l] != ' ' && p[l] != '"' && p[l] != '\n')
			l++;
		if (!l)
			return false;
		tool_sfmt(out, outlen, "%.*s", (int)l, p);
		return true;
	}
	return false;
}

/* A running jellyfin's --ffmpeg, from /proc/PID/cmdline under the root. */
static bool running_jellyfin(const struct doctor *d, char *out, size_t outlen, long *pid)
{
	char p[PATH_MAX];
	DIR *dir;
	struct dirent *de;
	bool found = false;

	host_path(d->root, "/proc", p, sizeof(p));
	dir = opendir(p);
	while (dir && !found && (de = readdir(dir))) {
		char f[PATH_MAX + 300], buf[8192];
		char *end;
		long id = strtol(de->d_name, &end, 10);

		if (end == de->d_name || *end)
			continue;
		tool_sfmt(f, sizeof(f), "%s/%s/cmdline", p, de->d_name);
		int n = host_read_text(f, buf, sizeof(buf));

		if (n <= 0 || !strstr(tool_base(buf), "jellyfin"))
			continue;
		if (ffmpeg_opt(buf, (size_t)n, out, outlen)) {
			*pid = id;
			found = true;
		}
	}
	if (dir)
		closedir(dir);
	return found;
}

/* Whether the file is vadiscover's wrapper: it names its own variables. */
static int is_wrapper(const char *path)
{
	FILE *f = fopen(path, "re");
	static const char mark[] = "VADISCOVER_FFMPEG";
	char buf[65536 + sizeof(mark)];
	size_t keep = 0, n;
	int found = 0;

	if (!f)
		return -errno;
	while (!found && (n = fread(buf + keep, 1, sizeof(buf) - keep, f)) > 0) {
		size_t total = keep + n;

		found = memmem(buf, total, mark, sizeof(mark) - 1) != NULL;
		keep = total < sizeof(mark) ? total : sizeof(mark) - 1;
		memmove(buf, buf + total - keep, keep);
	}
	fclose(f);
	return found;
}

static void check_jellyfin(struct doctor *d)
{
	char path[PATH_MAX] = "", source[128] = "", buf[8192];
	long pid = 0;
	const char *env;

	if (host_read_under(d->root, "/etc/default/jellyfin", buf, sizeof(buf)) > 0) {
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			while (*line == ' ' || *line == '\t')
				line++;
			if (strncmp(line, "JELLYFIN_FFMPEG_OPT=", 20) == 0 &&
			    ffmpeg_opt(line, strlen(line), path, sizeof(path)))
				tool_sfmt(source, sizeof(source),
					 "JELLYFIN_FFMPEG_OPT in /etc/default/jellyfin");
		}
	}
	if (!path[0] && (env = getenv("JELLYFIN_FFMPEG")) && *env) {
		tool_sfmt(path, sizeof(path), "%s", env);
		tool_sfmt(source, sizeof(source), "$JELLYFIN_FFMPEG");
	}
	if (!path[0] && (env = getenv("FFMPEG_PATH")) && *env) {
		tool_sfmt(path, sizeof(path), "%s", env);
		tool_sfmt(source, sizeof(source), "$FFMPEG_PATH");
	}
	if (running_jellyfin(d, buf, sizeof(buf), &pid)) {
		/* What the running server was started with wins over what the files say. */
		tool_sfmt(path, sizeof(path), "%s", buf);
		tool_sfmt(source, sizeof(source), "the running jellyfin (pid %ld)", pid);
	}
	if (!path[0]) {
		doctor_add(d, "jellyfin.ffmpeg", ST_SKIP, NULL, NULL,
		    "no Jellyfin found (/etc/default/jellyfin, $JELLYFIN_FFMPEG, $FFMPEG_PATH, a "
		    "running jellyfin)");
		return;
	}
	char file[PATH_MAX + 64];

	host_path(d->root, path, file, sizeof(file));
	int w = is_wrapper(file);

	if (w < 0) {
		doctor_add(d, "jellyfin.ffmpeg", ST_FAIL, NULL,
		    vad__strdupf("install jellyfin-ffmpeg (apt install jellyfin-ffmpeg7), or correct %s",
			source),
		    "Jellyfin is told to run %s (%s), which cannot be read: %s", path, source,
		    strerror(-w));
		return;
	}
	if (w) {
		doctor_add(d, "jellyfin.ffmpeg", ST_OK, NULL, NULL,
		    "Jellyfin runs %s (%s): vadiscover's wrapper", path, source);
		return;
	}
	doctor_add(d, "jellyfin.ffmpeg", ST_WARN, NULL,
	    strstr(source, "/etc/default/jellyfin")
		    ? vad__strdupf("in /etc/default/jellyfin:\n"
			  "  JELLYFIN_FFMPEG_OPT=\"--ffmpeg=%s\"\n"
			  "then systemctl restart jellyfin (the wrapper runs %s)",
			  VAD_WRAPPER_PATH, path)
		    : vad__strdupf("point %s at %s (the wrapper runs jellyfin-ffmpeg), then restart "
			  "Jellyfin", source, VAD_WRAPPER_PATH),
	    "Jellyfin runs %s (%s), not vadiscover's wrapper: its device is the one named in "
	    "its settings", path, source);
}

void doctor_check_media(struct doctor *d)
{
	check_opencl(d);
	check_jellyfin(d);
}
