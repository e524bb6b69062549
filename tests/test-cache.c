/*
 * The probe cache: a second run loads no VA driver; every part of the key, changed, makes
 * a probe happen; bad files and bad directories are never trusted.
 *
 *   runs:   the tool's pick and list -v, and the wrapper (Jellyfin's probe with Debian's
 *           ffmpeg behind it), twice on the same simulated machine (run-in --keep
 *           --reuse: same files, same inodes), counting VA driver initialisations;
 *   key:    boot id, kernel driver, the sysfs directory re-created (a VF destroyed and
 *           made again, a device of other ids in the same slot), the libva, the driver directory and the driver
 *           file, the forced driver, LIBVA_DRIVER_NAME, a hang's expiry (the node's
 *           device number is in the key too, but the harness cannot renumber a node);
 *   files:  truncated, garbage, another key's file, a symlink; the directory a symlink,
 *           writable by others; VADISCOVER_CACHE=0; $XDG_RUNTIME_DIR/vadiscover.
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "tests/common/harness.h"
#include "tests/common/runner.h"
#include "tests/common/testlib.h"
#include "vadiscover/vadiscover.h"

static struct tl_machine m;

static int inits(void)
{
	return th_count_lines(m.count_file, "init");
}

static void sh(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *format, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, format);
	vsnprintf(cmd, sizeof(cmd), format, ap);
	va_end(ap);
	/* Without the shim: the command works on the tree's real files. */
	char full[8300];
	snprintf(full, sizeof(full), "env -u LD_PRELOAD -u FAKEGPU_ROOT sh -c '%s'", cmd);
	ck_assert_msg(system(full) == 0, "%s", cmd);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Files in @dir whose name ends in .probe. */
static int cache_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > 6 && strcmp(e->d_name + l - 6, ".probe") == 0)
			n++;
	}
	closedir(d);
	return n;
}

static char cache_dir[PATH_MAX + 32];

static void enter_va(const char *topology, const char *rule)
{
	const char *va[] = { rule, NULL };
	struct th_opts o = { .va_lines = rule ? va : NULL };

	tl_enter(&m, topology, &o);
	snprintf(cache_dir, sizeof(cache_dir), "%s", getenv("VADISCOVER_CACHE_DIR"));
}

static void leave(void)
{
	unsetenv("VADISCOVER_CACHE");
	unsetenv("VADISCOVER_PROBE_TIMEOUT");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("LIBVA_DRIVER_NAME");
	tl_leave(&m);
}

#define ANY_STATUS 1	/* for probed_anew(): a probe's status that is not checked */

/* Scan, probe device @i with @driver (expecting status @want): whether it was probed anew
 * rather than answered from the cache. A cached answer initialised no VA driver; a new
 * successful one did. */
static bool probed_anew(size_t i, const char *driver, int want)
{
	int before = inits(), r;

	ck_assert_int_gt(vad_scan(m.ctx), (int)i);
	struct vad_device *d = vad_device_get(m.ctx, i);
	r = vad_device_probe(m.ctx, d, driver);
	if (want != ANY_STATUS)
		ck_assert_int_eq(r, want);
	ck_assert(vad_device_is_probed(d));
	bool anew = !vad_device_is_cached(d);
	if (!anew)
		ck_assert_int_eq(inits(), before);
	else if (r == 0)
		ck_assert_int_gt(inits(), before);
	return anew;
}

/* After a change: the next probe happens, the one after comes from the cache. */
#define CHANGED(i, driver, want)                                                    \
	do {                                                                         \
		ck_assert_msg(probed_anew((i), (driver), (want)), "no probe after the change"); \
		ck_assert_msg(!probed_anew((i), (driver), (want)), "no cache after it");     \
	} while (0)

/* ------------------------------------------------------------------------------------ */
/* key */

START_TEST(second_probe_cached)
{
	enter_va("adl-sriov-host", "0000:00:02.0 fail");
	CHANGED(1, NULL, 0);
	/* The answer is the whole answer. */
	struct vad_device *d = vad_device_get(m.ctx, 1);
	ck_assert_str_eq(vad_device_get_va_driver(d), "iHD");
	ck_assert_int_eq(vad_device_get_va_version(d), 117);
	ck_assert(vad_device_get_vpp(d));
	ck_assert_uint_ne(vad_device_get_decode(d), 0);
	/* A failure is cached too (the PF), with its reason. */
	CHANGED(0, NULL, -EIO);
	ck_assert_msg(strstr(vad_device_get_va_error(vad_device_get(m.ctx, 0)),
			     "iHD_drv_video.so init failed"), "%s",
		      vad_device_get_va_error(vad_device_get(m.ctx, 0)));
	ck_assert_int_eq(cache_files(cache_dir), 2);
	/* Nothing is cached without the cache bit. */
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, VAD_PROBE_ISOLATED), 0);
	ck_assert(probed_anew(2, NULL, 0));
	ck_assert(probed_anew(2, NULL, 0));
	ck_assert_int_eq(cache_files(cache_dir), 2);
	leave();
}
END_TEST

/* An answer from the cache needs no libva: a new context that only reads answers loads
 * none (the key names libva by what would be loaded, the cache file checks its file). */
START_TEST(warm_loads_no_libva)
{
	unsigned int mode;

	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	ck_assert_ptr_nonnull(vad_get_libva_path(m.ctx));
	/* A new context, as in the next process: the old one unloaded its libva. */
	mode = vad_get_probe_mode(m.ctx);
	ck_assert_ptr_null(vad_unref(m.ctx));
	ck_assert_int_eq(vad_new(&m.ctx), 0);
	ck_assert_int_eq(vad_set_probe_mode(m.ctx, mode), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	struct vad_device *d = vad_device_get(m.ctx, 1);
	ck_assert_int_eq(vad_device_probe(m.ctx, d, NULL), 0);
	ck_assert(vad_device_is_cached(d));
	ck_assert_uint_ne(vad_device_get_decode(d), 0);
	ck_assert_ptr_null(vad_get_libva_path(m.ctx));
	leave();
}
END_TEST

START_TEST(key_boot_id)
{
	char path[PATH_MAX + 64];

	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	sh("mkdir -p %s/proc/sys/kernel/random", m.topo_dir);
	snprintf(path, sizeof(path), "%s/proc/sys/kernel/random/boot_id", m.topo_dir);
	write_file(path, "0b4f5d1e-7a7e-4a53-9d8e-2f1c7f6b2a10\n");
	CHANGED(1, NULL, 0);
	write_file(path, "6c3a0f2b-1d44-4e0e-8b7a-55d9c0e1f3a2\n");	/* a reboot */
	CHANGED(1, NULL, 0);
	leave();
}
END_TEST

/* A device of other PCI ids (or revision) in the same slot: the kernel only gets one by
 * removing the device and adding another (a hot swap, a rescan after a firmware update),
 * whose sysfs directory is new. The ids themselves are not in the key. */
START_TEST(key_pci_ids)
{
	static const char *const attrs[] = { "revision", "device", "subsystem_device" };
	static const char *const values[] = { "0x0d", "0x4693", "0x2212" };

	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	for (int i = 0; i < 3; i++) {
		sh("cd %s/sys/devices/pci0000:00 && cp -a 0000:00:02.1 new && "
		   "echo %s > new/%s && rm -rf 0000:00:02.1 && mv new 0000:00:02.1",
		   m.topo_dir, values[i], attrs[i]);
		CHANGED(1, NULL, 0);
	}
	ck_assert_int_eq(vad_device_get_subsystem_device_id(vad_device_get(m.ctx, 1)), 0x2212);
	leave();
}
END_TEST

/* Node access is never taken from the cache: a node this process may not open (at the
 * scan) gets no cached answer, and is probed (and fails) instead. */
START_TEST(access_not_cached)
{
	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	setenv("FAKEGPU_DENY", "renderD129", 1);
	ck_assert(probed_anew(1, NULL, ANY_STATUS));
	ck_assert_int_eq(vad_device_get_access(vad_device_get(m.ctx, 1)), -EACCES);
	ck_assert_int_lt(vad_device_get_va_status(vad_device_get(m.ctx, 1)), 0);
	unsetenv("FAKEGPU_DENY");
	ck_assert(!probed_anew(1, NULL, 0));	/* the answer was kept */
	leave();
}
END_TEST

START_TEST(key_kernel_driver)
{
	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	/* The same VF re-bound to another kernel driver (i915 -> xe). */
	sh("mkdir -p %s/sys/bus/pci/drivers/xe && "
	   "ln -sfn ../../../bus/pci/drivers/xe %s/sys/devices/pci0000:00/0000:00:02.1/driver",
	   m.topo_dir, m.topo_dir);
	CHANGED(1, NULL, ANY_STATUS);
	ck_assert_str_eq(vad_device_get_kernel_driver(vad_device_get(m.ctx, 1)), "xe");
	leave();
}
END_TEST

START_TEST(key_sysfs_recreated)
{
	enter_va("adl-sriov-host", NULL);
	CHANGED(2, NULL, 0);
	/* VF 2 destroyed and created again: same path, same ids, a new sysfs directory. */
	sh("cd %s/sys/devices/pci0000:00 && cp -a 0000:00:02.2 vf.new && rm -rf 0000:00:02.2 && "
	   "mv vf.new 0000:00:02.2", m.topo_dir);
	CHANGED(2, NULL, 0);
	ck_assert_str_eq(vad_device_get_pci_slot(vad_device_get(m.ctx, 2)), "0000:00:02.2");
	leave();
}
END_TEST

START_TEST(key_libva)
{
	char dir[PATH_MAX + 32];

	enter_va("adl-sriov-host", NULL);
	/* (Made before this process loads libva: tl_libva_dir() checks it is not mapped.) */
	snprintf(dir, sizeof(dir), "%s/ownlib", m.topo_dir);
	tl_libva_dir(dir, "libva.so.2.2200.0");
	CHANGED(1, NULL, 0);
	/* Another libva (a program's own copy, another file): takes effect after a scan. */
	ck_assert_int_eq(vad_set_libva_dir(m.ctx, dir), 0);
	ck_assert_int_eq(vad_scan(m.ctx), 8);
	CHANGED(1, NULL, 0);
	ck_assert_int_eq(vad_get_libva_version(m.ctx), 222);
	leave();
}
END_TEST

/* A libva already in the process (a program that loaded its own before the library ran)
 * is the one that probes: an answer of the loader's search, kept by another process, does
 * not answer for it. */
START_TEST(key_libva_in_process)
{
	char dir[PATH_MAX + 32], file[PATH_MAX + 48];
	int status;

	enter_va("adl-sriov-host", NULL);
	snprintf(dir, sizeof(dir), "%s/ownlib", m.topo_dir);
	tl_libva_dir(dir, "libva.so.2.2200.0");
	/* Another process, with the loader's search, keeps its answer. */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct vad_context *c = NULL;

		_exit(vad_new(&c) == 0 && vad_scan(c) == 8 &&
		      vad_device_probe(c, vad_device_get(c, 1), NULL) == 0 &&
		      vad_get_libva_version(c) != 222 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	ck_assert(!probed_anew(1, NULL, 0));	/* (that answer, here without a libva) */
	/* This one: its own libva, loaded before the library loads any. */
	snprintf(file, sizeof(file), "%s/libva.so.2", dir);
	void *h = dlopen(file, RTLD_NOW | RTLD_GLOBAL);
	ck_assert_msg(h != NULL, "%s", dlerror());
	CHANGED(1, NULL, 0);
	ck_assert_int_eq(vad_get_libva_version(m.ctx), 222);
	leave();
	dlclose(h);
}
END_TEST

START_TEST(key_driver_file)
{
	char dri[PATH_MAX + 32], file[PATH_MAX + 64];

	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	/* Another driver directory. */
	snprintf(dri, sizeof(dri), "%s/dri", m.topo_dir);
	sh("cp -a \"$LIBVA_DRIVERS_PATH\" %s", dri);
	setenv("LIBVA_DRIVERS_PATH", dri, 1);
	CHANGED(1, NULL, 0);
	/* The driver file upgraded in place: new mtime (and size). */
	snprintf(file, sizeof(file), "%s/iHD_drv_video.so", dri);
	sh("cp %s %s.new && printf x >> %s.new && mv %s.new %s", file, file, file, file, file);
	CHANGED(1, NULL, 0);
	/* Only touched. */
	struct timespec ts[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	ck_assert_int_eq(utimensat(AT_FDCWD, file, ts, 0), 0);
	CHANGED(1, NULL, 0);
	/* Removed: the failure it causes is an answer too, until the file is back. */
	sh("mv %s %s.away", file, file);
	CHANGED(1, NULL, -ENOPKG);
	sh("mv %s.away %s", file, file);
	CHANGED(1, NULL, 0);
	leave();
}
END_TEST

/* The files an answer depends on are checked once a scan: two VFs of one driver stat it
 * once; a driver upgraded since is seen by the next scan. */
START_TEST(files_checked_once_a_scan)
{
	char dri[PATH_MAX + 32], file[PATH_MAX + 64];

	enter_va("adl-sriov-host", NULL);
	snprintf(dri, sizeof(dri), "%s/dri", m.topo_dir);
	sh("cp -a \"$LIBVA_DRIVERS_PATH\" %s", dri);
	setenv("LIBVA_DRIVERS_PATH", dri, 1);
	CHANGED(1, NULL, 0);
	CHANGED(2, NULL, 0);
	ck_assert_int_gt(vad_scan(m.ctx), 2);
	ck_assert_int_eq(vad_device_probe(m.ctx, vad_device_get(m.ctx, 1), NULL), 0);
	ck_assert(vad_device_is_cached(vad_device_get(m.ctx, 1)));
	snprintf(file, sizeof(file), "%s/iHD_drv_video.so", dri);
	struct timespec ts[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	ck_assert_int_eq(utimensat(AT_FDCWD, file, ts, 0), 0);
	ck_assert_int_eq(vad_device_probe(m.ctx, vad_device_get(m.ctx, 2), NULL), 0);
	ck_assert(vad_device_is_cached(vad_device_get(m.ctx, 2)));	/* this scan's check */
	CHANGED(2, NULL, 0);						/* the next scan's */
	leave();
}
END_TEST

START_TEST(key_forced_driver)
{
	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	CHANGED(1, "iHD", 0);
	CHANGED(1, "radeonsi", 0);
	ck_assert_str_eq(vad_device_get_va_driver(vad_device_get(m.ctx, 1)), "radeonsi");
	setenv("LIBVA_DRIVER_NAME", "radeonsi", 1);
	CHANGED(1, NULL, 0);
	leave();
}
END_TEST

/* A hang is believed for a while only: its file carries an expiry. */
START_TEST(hang_expires)
{
	char path[PATH_MAX + 64];

	enter_va("adl-sriov-host", "0000:00:02.0 hang");
	setenv("VADISCOVER_PROBE_TIMEOUT", "1", 1);
	CHANGED(0, NULL, -ETIMEDOUT);
	ck_assert_int_eq(cache_files(cache_dir), 1);
	/* The same file with its expiry in the past. */
	snprintf(path, sizeof(path), "%s", cache_dir);
	sh("cd %s && f=$(ls *.probe) && grep -q \"^expires [1-9]\" $f && "
	   "sed -i \"s/^expires [0-9]*$/expires 1000/\" $f", path);
	CHANGED(0, NULL, -ETIMEDOUT);
	leave();
}
END_TEST

/* The name of the one .probe file in @dir. */
static void probe_file_name(const char *dir, char *name, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	ck_assert_ptr_nonnull(d);
	name[0] = '\0';
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > 6 && strcmp(e->d_name + l - 6, ".probe") == 0)
			snprintf(name, len, "%s", e->d_name);
	}
	closedir(d);
	ck_assert_msg(name[0], "no .probe file in %s", dir);
}

/* A probe that times out never replaces the answer another process wrote meanwhile (one
 * that probed without the lock: an older version, or a cache directory without one). */
START_TEST(timeout_keeps_answer)
{
	char saved[PATH_MAX + 32], helper[PATH_MAX + 32], name[256];
	FILE *f;

	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	probe_file_name(cache_dir, name, sizeof(name));
	snprintf(saved, sizeof(saved), "%s/saved.probe", m.topo_dir);
	sh("mv %s/%s %s", cache_dir, name, saved);
	/* A helper that puts the other process's answer in place, then hangs. */
	snprintf(helper, sizeof(helper), "%s/slow-helper", m.topo_dir);
	f = fopen(helper, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\ncp %s %s/other.tmp && mv %s/other.tmp %s/%s\nexec sleep 30\n",
		saved, cache_dir, cache_dir, cache_dir, name);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(helper, 0755), 0);
	setenv("VADISCOVER_PROBE_HELPER", helper, 1);
	setenv("VADISCOVER_PROBE_TIMEOUT", "1", 1);
	ck_assert(probed_anew(1, NULL, -ETIMEDOUT));
	/* The other process's answer stays, and is the next one. */
	setenv("VADISCOVER_PROBE_HELPER", "/nonexistent", 1);
	ck_assert(!probed_anew(1, NULL, 0));
	ck_assert_int_eq(cache_files(cache_dir), 1);
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* files and directories */

/* Each way to spoil the one cache file: the device is probed, the file rewritten. */
START_TEST(bad_file)
{
	static const char *const spoil[] = {
		"truncate -s 200 $f",					/* cut short */
		"truncate -s -5 $f",					/* the end cut */
		"head -c 3000 /dev/urandom > $f",			/* garbage */
		"sed -i s/^status\\ 0/status\\ -5/ $f",			/* failure without error */
		"sed -i s/^decode\\ 0x/decode\\ 0x1/ $f",		/* a codec out of range */
		"sed -i s/^kernel-driver\\ /kernel-driver\\ x/ $f",	/* the key differs */
		"printf \"\\n\" >> $f",					/* a byte after the end */
		"mv $f x && ln -s x $f",				/* a symlink */
		"chmod 0 $f && mv $f x && mkdir $f && mv x $f/",	/* a directory */
	};
	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	sh("cd %s && f=$(ls *.probe) && %s", cache_dir, spoil[_i]);
	if (_i == 8) {
		/* A directory in the way is not removed: no cache for this device, but no harm. */
		ck_assert(probed_anew(1, NULL, 0));
		ck_assert(probed_anew(1, NULL, 0));
	} else {
		CHANGED(1, NULL, 0);
	}
	leave();
}
END_TEST

/* Another device's file under this device's name: its key does not match. */
START_TEST(foreign_file)
{
	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	CHANGED(2, NULL, 0);
	sh("cd %s && set -- *.probe && cp $1 x && cp $2 $1 && mv x $2", cache_dir);
	CHANGED(1, NULL, 0);
	CHANGED(2, NULL, 0);
	leave();
}
END_TEST

START_TEST(dir_symlink)
{
	char real[PATH_MAX + 32], link[PATH_MAX + 32];

	enter_va("adl-sriov-host", NULL);
	snprintf(real, sizeof(real), "%s/real-cache", m.topo_dir);
	snprintf(link, sizeof(link), "%s/link-cache", m.topo_dir);
	ck_assert_int_eq(mkdir(real, 0700), 0);
	ck_assert_int_eq(symlink(real, link), 0);
	setenv("VADISCOVER_CACHE_DIR", link, 1);
	ck_assert(probed_anew(1, NULL, 0));
	ck_assert(probed_anew(1, NULL, 0));
	ck_assert_int_eq(cache_files(real), 0);
	leave();
}
END_TEST

START_TEST(dir_others_write)
{
	char dir[PATH_MAX + 32];

	enter_va("adl-sriov-host", NULL);
	snprintf(dir, sizeof(dir), "%s/open-cache", m.topo_dir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	setenv("VADISCOVER_CACHE_DIR", dir, 1);
	ck_assert(probed_anew(1, NULL, 0));
	ck_assert(probed_anew(1, NULL, 0));
	ck_assert_int_eq(cache_files(dir), 0);
	ck_assert_int_eq(chmod(dir, 0700), 0);
	CHANGED(1, NULL, 0);
	leave();
}
END_TEST

START_TEST(cache_off)
{
	enter_va("adl-sriov-host", NULL);
	setenv("VADISCOVER_CACHE", "0", 1);
	ck_assert(probed_anew(1, NULL, 0));
	ck_assert(probed_anew(1, NULL, 0));
	ck_assert_int_eq(cache_files(cache_dir), 0);
	setenv("VADISCOVER_CACHE", "1", 1);
	CHANGED(1, NULL, 0);
	leave();
}
END_TEST

/* Without VADISCOVER_CACHE_DIR: $XDG_RUNTIME_DIR/vadiscover, created 0700. */
START_TEST(dir_xdg)
{
	char xdg[PATH_MAX + 32], dir[PATH_MAX + 64];
	struct stat st;

	enter_va("adl-sriov-host", NULL);
	snprintf(xdg, sizeof(xdg), "%s/run-user", m.topo_dir);
	snprintf(dir, sizeof(dir), "%s/vadiscover", xdg);
	ck_assert_int_eq(mkdir(xdg, 0700), 0);
	unsetenv("VADISCOVER_CACHE_DIR");
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	CHANGED(1, NULL, 0);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(cache_files(dir), 1);
	leave();
}
END_TEST

/* A writer killed between write and rename leaves its temporary file: the next writer
 * removes it once it is old enough that no writer can still be at work on it. */
START_TEST(stale_temp_removed)
{
	char stale[PATH_MAX + 96], fresh[PATH_MAX + 96];
	struct timespec old[2] = { { .tv_sec = time(NULL) - 3600 }, { .tv_sec = time(NULL) - 3600 } };

	enter_va("adl-sriov-host", NULL);
	CHANGED(1, NULL, 0);
	snprintf(stale, sizeof(stale), "%s/.0123456789abcdef.probe.4242.4242.tmp", cache_dir);
	snprintf(fresh, sizeof(fresh), "%s/.0123456789abcdef.probe.4243.4243.tmp", cache_dir);
	write_file(stale, "vadiscover-cache 2\nexpi");
	write_file(fresh, "vadiscover-cache 2\nexpi");
	ck_assert_int_eq(utimensat(AT_FDCWD, stale, old, 0), 0);
	CHANGED(2, NULL, 0);
	ck_assert_int_ne(access(stale, F_OK), 0);
	ck_assert_int_eq(access(fresh, F_OK), 0);
	ck_assert_int_eq(cache_files(cache_dir), 2);
	leave();
}
END_TEST

/* A service user without XDG_RUNTIME_DIR (Jellyfin's unit): the cache is below its own
 * home, even when another user took /tmp/vadiscover-UID first. Run as a user of its own
 * (the suite runs as root, whose cache is /run/vadiscover). */
START_TEST(dir_home)
{
	uid_t uid = 50000 + (uid_t)(getpid() % 10000);
	char home[PATH_MAX + 32], taken[64], dir[PATH_MAX + 64];
	struct stat st;
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		/* Not root: this user's own home, without the other user. */
		uid = geteuid();
	}
	enter_va("adl-sriov-lxc-vf4", NULL);
	snprintf(home, sizeof(home), "%s/home", m.topo_dir);
	snprintf(dir, sizeof(dir), "%s/.cache/vadiscover", home);
	snprintf(taken, sizeof(taken), "/tmp/vadiscover-%u", (unsigned)uid);
	ck_assert_int_eq(mkdir(home, 0755), 0);
	if (uid != geteuid()) {
		ck_assert_int_eq(chown(home, uid, uid), 0);
		/* The other user was first. */
		ck_assert_msg(mkdir(taken, 0700) == 0 || errno == EEXIST, "%s", taken);
		/* The new user must see the simulated machine. */
		sh("chmod 0755 \"$TMPDIR\" %s && chmod 0666 %s/dev/dri/*", m.topo_dir, m.topo_dir);
	}
	unsetenv("VADISCOVER_CACHE_DIR");
	unsetenv("XDG_RUNTIME_DIR");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct vad_context *ctx = NULL;

		unsetenv("XDG_CACHE_HOME");
		setenv("HOME", home, 1);

		if (uid != geteuid() && (setgid(uid) < 0 || setuid(uid) < 0))
			_exit(2);
		if (vad_new(&ctx) < 0 || vad_scan(ctx) != 1)
			_exit(3);
		vad_device_probe(ctx, vad_device_get(ctx, 0), NULL);
		_exit(vad_device_get_va_status(vad_device_get(ctx, 0)) == 0 ? 0 : 4);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (uid != geteuid())
		rmdir(taken);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x", status);
	ck_assert_msg(stat(dir, &st) == 0, "no cache in %s", dir);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_uint_eq(st.st_uid, uid);
	ck_assert_int_eq(cache_files(dir), 1);
	leave();
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* the tool and the wrapper, run twice */

static char keep[PATH_MAX];

static void keep_new(void)
{
	snprintf(keep, sizeof(keep), "/tmp/vad-cache-%d-XXXXXX", (int)getpid());
	ck_assert_ptr_nonnull(mkdtemp(keep));
}

static void keep_remove(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", keep);
	ck_assert_int_eq(system(cmd), 0);
}

/* Runs argv in @topology kept in `keep`; returns the driver initialisations it made. */
static int run_counted(const char *topology, const char *rule, char **argv, struct th_result *r)
{
	char count[PATH_MAX + 32];
	const char *va[] = { rule, NULL };

	snprintf(count, sizeof(count), "%s.count", keep);
	unlink(count);
	struct th_opts o = { .topology = topology, .va_lines = rule ? va : NULL,
			     .count_file = count, .keep_dir = keep };
	ck_assert_int_eq(th_run(&o, argv, r), 0);
	int n = th_count_lines(count, "init");
	unlink(count);
	return n;
}

START_TEST(tool_pick_twice)
{
	char tool[PATH_MAX];
	struct th_result r1, r2, r3;

	snprintf(tool, sizeof(tool), "%s/vadiscover/tool/vadiscover", th_builddir());
	char *pick[] = { tool, (char *)"pick", NULL };
	char *nocache[] = { tool, (char *)"--no-cache", (char *)"pick", NULL };
	keep_new();
	ck_assert_int_eq(run_counted("adl-sriov-host", "0000:00:02.0 fail", pick, &r1), 2);
	ck_assert_int_eq(run_counted("adl-sriov-host", "0000:00:02.0 fail", pick, &r2), 0);
	ck_assert_str_eq(r1.out, "/dev/dri/renderD129\n");
	ck_assert_str_eq(r2.out, r1.out);
	ck_assert_int_eq(run_counted("adl-sriov-host", "0000:00:02.0 fail", nocache, &r3), 2);
	ck_assert_str_eq(r3.out, r1.out);
	th_result_free(&r1);
	th_result_free(&r2);
	th_result_free(&r3);
	keep_remove();
}
END_TEST

START_TEST(tool_list_cached)
{
	char tool[PATH_MAX];
	struct th_result r1, r2, r3;

	snprintf(tool, sizeof(tool), "%s/vadiscover/tool/vadiscover", th_builddir());
	char *list[] = { tool, (char *)"list", (char *)"-v", NULL };
	char *nocache[] = { tool, (char *)"list", (char *)"-v", (char *)"--no-cache", NULL };
	keep_new();
	ck_assert_int_eq(run_counted("intel-nvidia", NULL, list, &r1), 2);
	ck_assert_ptr_null(strstr(r1.out, "(cached)"));
	ck_assert_int_eq(run_counted("intel-nvidia", NULL, list, &r2), 0);
	/* Every device line says so. */
	char *l128 = strstr(r2.out, "renderD128"), *l129 = strstr(r2.out, "renderD129");
	ck_assert_msg(l128 && l129, "%s", r2.out);
	ck_assert_msg(strstr(l128, "(cached)\nrenderD129"), "%s", r2.out);
	ck_assert_msg(strstr(l129, "(cached)\n"), "%s", r2.out);
	ck_assert_int_eq(run_counted("intel-nvidia", NULL, nocache, &r3), 2);
	ck_assert_ptr_null(strstr(r3.out, "(cached)"));
	th_result_free(&r1);
	th_result_free(&r2);
	th_result_free(&r3);
	/* The JSON says it per device too. */
	char *json[] = { tool, (char *)"list", (char *)"--json", NULL };
	ck_assert_int_eq(run_counted("intel-nvidia", NULL, json, &r1), 0);
	ck_assert_msg(strstr(r1.out, "\"cached\": true") && !strstr(r1.out, "\"cached\": false"),
		      "%s", r1.out);
	th_result_free(&r1);
	keep_remove();
}
END_TEST

/* Jellyfin's probe through the wrapper twice: the second run's only driver load is
 * ffmpeg's own, on the device the wrapper chose. */
START_TEST(wrapper_twice)
{
	char wrapper[PATH_MAX];
	struct th_result r1, r2;

	snprintf(wrapper, sizeof(wrapper), "%s/fftools-wrapper/ffmpeg", th_builddir());
	setenv("VADISCOVER_FFMPEG", VAD_REAL_FFMPEG, 1);
	unsetenv("VADISCOVER_MODE");
	unsetenv("VADISCOVER_SELECT");
	unsetenv("VADISCOVER_LOG");
	char *argv[] = { wrapper, (char *)"-v", (char *)"verbose", (char *)"-hide_banner",
			 (char *)"-init_hw_device", (char *)"vaapi=va:/dev/dri/renderD128", NULL };
	keep_new();
	ck_assert_int_eq(run_counted("adl-sriov-host", "0000:00:02.0 fail", argv, &r1), 3);
	ck_assert_int_eq(run_counted("adl-sriov-host", "0000:00:02.0 fail", argv, &r2), 1);
	for (int i = 0; i < 2; i++) {
		const char *err = i ? r2.err : r1.err;

		ck_assert_msg(strstr(err, "-> vaapi=va:/dev/dri/renderD129"), "%s", err);
		ck_assert_msg(strstr(err, "Intel iHD driver"), "%s", err);
	}
	th_result_free(&r1);
	th_result_free(&r2);
	keep_remove();
}
END_TEST

/* Jellyfin's VAAPI probe through the wrapper (in @wrapper, PATH_MAX bytes), as argv. */
static char **jellyfin_probe(char *wrapper)
{
	static char *argv[] = { NULL, (char *)"-v", (char *)"verbose", (char *)"-hide_banner",
				(char *)"-init_hw_device", (char *)"vaapi=va:/dev/dri/renderD128",
				NULL };

	snprintf(wrapper, PATH_MAX, "%s/fftools-wrapper/ffmpeg", th_builddir());
	unsetenv("VADISCOVER_MODE");
	unsetenv("VADISCOVER_SELECT");
	unsetenv("VADISCOVER_LOG");
	argv[0] = wrapper;
	return argv;
}

/* The wrapper's second run (the cache warm) loads no libva: the dynamic loader's own
 * account (LD_DEBUG=files: "generating link map" per object mapped) of a run whose target
 * loads none (/bin/true) names none. */
START_TEST(wrapper_warm_no_libva)
{
	char wrapper[PATH_MAX];
	static const char *const env[] = { "LD_DEBUG=files", "VADISCOVER_FFMPEG=/bin/true", NULL };
	struct th_result r[2];
	char **argv = jellyfin_probe(wrapper);

	keep_new();
	struct th_opts o = { .topology = "adl-sriov-host", .keep_dir = keep, .env = env };
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(th_run(&o, argv, &r[i]), 0);
		ck_assert_msg(WIFEXITED(r[i].status) && WEXITSTATUS(r[i].status) == 0,
			      "run %d: status %d", i, r[i].status);
	}
	/* The cold run loads it (the test sees a load when there is one). */
#define MAPPED(lib) "file=" lib " [0];  generating link map"
	ck_assert(strstr(r[0].err, MAPPED("libva.so.2")));
	ck_assert(strstr(r[0].err, MAPPED("libva-drm.so.2")));
	ck_assert(!strstr(r[1].err, MAPPED("libva.so.2")));
	ck_assert(!strstr(r[1].err, MAPPED("libva-drm.so.2")));
	ck_assert(!strstr(r[1].err, MAPPED("libdrm.so.2")));
#undef MAPPED
	th_result_free(&r[0]);
	th_result_free(&r[1]);
	keep_remove();
}
END_TEST

/* The wrapper given a node that works judges that node alone, cold and warm: no other
 * node of the host is opened (a whole scan opens every render node to learn its access). */
START_TEST(wrapper_given_node_alone)
{
	char wrapper[PATH_MAX], trace[PATH_MAX + 32];
	static const char *const env[] = { "VADISCOVER_FFMPEG=/bin/true", NULL };
	struct th_result r;
	char **argv = jellyfin_probe(wrapper);

	keep_new();
	snprintf(trace, sizeof(trace), "%s.trace", keep);
	struct th_opts o = { .topology = "adl-sriov-host", .keep_dir = keep, .env = env,
			     .trace_file = trace };
	for (int i = 0; i < 2; i++) {
		unlink(trace);
		ck_assert_int_eq(th_run(&o, argv, &r), 0);
		ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "run %d: %s", i,
			      r.err);
		ck_assert_msg(!strstr(r.err, "->"), "run %d rewrote: %s", i, r.err);
		ck_assert_int_gt(th_count_lines(trace, "open /dev/dri/renderD128 "), 0);
		ck_assert_int_eq(th_count_lines(trace, "open /dev/dri/"),
				 th_count_lines(trace, "open /dev/dri/renderD128 "));
		th_result_free(&r);
	}
	unlink(trace);
	keep_remove();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = test_case(s, "key");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, second_probe_cached);
	tcase_add_test(tc, warm_loads_no_libva);
	tcase_add_test(tc, key_boot_id);
	tcase_add_test(tc, key_pci_ids);
	tcase_add_test(tc, access_not_cached);
	tcase_add_test(tc, files_checked_once_a_scan);
	tcase_add_test(tc, key_kernel_driver);
	tcase_add_test(tc, key_sysfs_recreated);
	tcase_add_test(tc, key_libva);
	tcase_add_test(tc, key_libva_in_process);
	tcase_add_test(tc, key_driver_file);
	tcase_add_test(tc, key_forced_driver);
	tcase_add_test(tc, hang_expires);
	tcase_add_test(tc, timeout_keeps_answer);

	tc = test_case(s, "files");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, bad_file, 0, 9);
	tcase_add_test(tc, foreign_file);
	tcase_add_test(tc, dir_symlink);
	tcase_add_test(tc, dir_others_write);
	tcase_add_test(tc, cache_off);
	tcase_add_test(tc, dir_xdg);
	tcase_add_test(tc, dir_home);
	tcase_add_test(tc, stale_temp_removed);

	tc = test_case(s, "runs");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, tool_pick_twice);
	tcase_add_test(tc, tool_list_cached);
	tcase_add_test(tc, wrapper_twice);
	tcase_add_test(tc, wrapper_warm_no_libva);
	tcase_add_test(tc, wrapper_given_node_alone);
	return s;
}
