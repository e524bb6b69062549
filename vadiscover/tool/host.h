/* Where the tool runs and what the machine's files say about the GPU's set-up: the
 * container it may run in, the kernel's own names of DRM nodes, and the Proxmox VE files
 * (/etc/pve, pve-container's version, a container's root file system).
 *
 * /sys is read where it is (the test harness redirects it); every other file is read under
 * a root directory (--root, "/" on a real machine), so that a test models it with a plain
 * directory. */
#ifndef VAD_TOOL_HOST_H
#define VAD_TOOL_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct host_env {
	char container[32]; /* "lxc", "docker", "podman"... or "" on a host */
	bool userns;	    /* ids are mapped: an unprivileged container */
};

/* @rel (absolute, "/etc/group") under @root into @out. */
void host_path(const char *root, const char *rel, char *out, size_t len);

/* Reads a small file whole (NUL-terminated, at most @len - 1 bytes): its length, or -errno. */
int host_read_text(const char *path, char *buf, size_t len);

/* A small file that holds one decimal number (a sysfs attribute, a module parameter), as
 * the kernel writes it: the number, white space after it; false for anything else. */
bool host_read_number(const char *path, long *out);

/* host_read_text() of @rel (absolute) under @root. */
int host_read_under(const char *root, const char *rel, char *buf, size_t len);

/* Reads the container marks under @root: /run/systemd/container, /.dockerenv,
 * /run/.containerenv, /proc/self/uid_map. */
void host_detect(const char *root, struct host_env *env);

/* The kernel's name of the DRM node with device number @rdev ("renderD132", "card4"), as
 * sysfs (/sys/dev/char/MAJ:MIN) gives it: the name the node has on the host, whatever it
 * is called where the tool runs. False when sysfs does not know the number. */
bool host_kernel_node_name(dev_t rdev, char *buf, size_t len);

/* What a Proxmox VE container's config (ROOT/etc/pve/lxc/ID.conf) says, as
 * pve-container's parse_pct_config reads it: the current configuration and its pending
 * changes ([pve:pending]), never a snapshot section ([name]). */
struct pve_ct {
	bool found;		 /* the file exists */
	unsigned char used[256]; /* devN taken (current or pending); pve-container's max */
	dev_t given[256];	 /* the device number each devN's path has on this host */
	char rootfs[256];	 /* the rootfs: value ("local-zfs:subvol-123-disk-0,size=8G") */
	bool snapshots;		 /* the file has snapshot sections */
};
void pve_ct_load(const char *root, unsigned int id, struct pve_ct *ct);

/* The container's root file system as a directory on this host, when it is one: a
 * subvolume of a ZFS or directory storage (/etc/pve/storage.cfg), or the mount of
 * `pct mount` (/var/lib/lxc/ID/rootfs). Into @out (under @root) and true; false with
 * @why ("local-lvm:vm-123-disk-0 is a block device, mounted only while it runs"). */
bool pve_ct_rootfs_dir(const char *root, unsigned int id, const struct pve_ct *ct,
		       char *out, size_t len, char *why, size_t whylen);

/* pve-container's installed version from the dpkg status file under @root, into @buf;
 * false when not installed or not known. */
bool pve_container_version(const char *root, char *buf, size_t len);

/* Compares Debian-style versions of digits and dots ("5.0.7" < "5.0.10"); -1, 0, 1. */
int host_version_cmp(const char *a, const char *b);

#endif
