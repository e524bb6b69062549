/* What the machine's files set at boot, read as their consumers read them:
 *   sysfs attributes: sysfsutils (/etc/sysfs.conf, /etc/sysfs.d/ *.conf: "ATTR = VALUE",
 *   ATTR relative to /sys, '#' to the end of a line is a comment, "mode" and "owner"
 *   lines set other things), systemd-tmpfiles ("w PATH - - - - VALUE" in tmpfiles.d,
 *   /etc over /run over /usr/lib by file name) and udev rules (ATTR{NAME}="VALUE" in a
 *   rule that matches the device's KERNEL=="SLOT");
 *   module parameters: the kernel command line (/proc/cmdline, "MODULE.PARAM=VALUE"),
 *   which wins over modprobe.d's "options MODULE PARAM=VALUE" lines.
 * Every file is read under a root directory (see host.h). */
#ifndef VAD_TOOL_BOOTCONF_H
#define VAD_TOOL_BOOTCONF_H

#include <stdbool.h>

struct boot_setting {
	bool found;
	char where[256]; /* "/etc/sysfs.conf", "the kernel command line" */
	char value[64];
};

/* Who sets the attribute @file (a resolved /sys path, ".../0000:00:02.0/sriov_numvfs") of
 * the PCI device @slot at boot, and to what; the first found of sysfsutils, tmpfiles.d,
 * udev rules. */
void boot_sysfs_setting(const char *root, const char *file, const char *slot,
			struct boot_setting *out);

/* The value the files give module @module's parameter @param at its next load. */
void boot_module_param(const char *root, const char *module, const char *param,
		       struct boot_setting *out);

#endif
