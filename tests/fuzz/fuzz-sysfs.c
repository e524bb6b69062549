/*
 * Fuzz target: the sysfs readers (vadiscover/sysfs.c) and the reading of a device's facts
 * from its sysfs directory (vad__read_facts() in vadiscover/scan.c).
 *
 * The input is cut at each byte 0x1e (ASCII record separator) into parts that become a
 * device's directory in a tree under a directory made once (mkdtemp):
 *
 *     part 0            the directory's name (a PCI slot such as 0000:00:02.1), used
 *                       when it is one plain name, else 0000:00:02.1
 *     parts 1..8        the attribute files vendor, device, subsystem_vendor,
 *                       subsystem_device, revision, boot_vga, sriov_totalvfs,
 *                       sriov_numvfs: the part's bytes, as they are (no part: no file)
 *     parts 9..11       the targets of the links subsystem, driver, physfn (an empty
 *                       part: no link)
 *     parts 12..15      the targets of the PF's links virtfn0..virtfn3, in the directory
 *                       pf beside the device's parent (so physfn "../../pf" is the PF)
 *
 *     ROOT/dev/NAME/{vendor,...,subsystem,driver,physfn}   ROOT/pf/virtfn0..3
 *
 * Each attribute is read with vad__sysfs_read() (into buffers of several sizes),
 * vad__sysfs_read_id() and vad__sysfs_read_uint(), each link with vad__sysfs_link_name() and
 * vad__sysfs_link_path(), each part is given to vad__parse_hex_id() and vad__is_pci_slot(),
 * and then vad__read_facts() reads the whole directory. What must hold: the documented
 * results, and facts within their bounds (ids of 4 or 2 hex digits, boot_vga 0 or 1, a PCI
 * slot only where vad__is_pci_slot() says so, a VF number from 1).
 * (The library reads no uevent file: the kernel driver is the driver link's name.)
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
#include <sys/stat.h>
#include <unistd.h>

#include "vadiscover/vad-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz-sysfs: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                            \
		}                                                                           \
	} while (0)

#define SEP 0x1e
#define NPARTS 16

static const char *const attrs[] = {
	"vendor", "device", "subsystem_vendor", "subsystem_device", "revision", "boot_vga",
	"sriov_totalvfs", "sriov_numvfs",
};
#define NATTRS (sizeof(attrs) / sizeof(attrs[0]))
static const char *const links[] = { "subsystem", "driver", "physfn" };
#define NLINKS (sizeof(links) / sizeof(links[0]))
#define NVIRTFN 4

static char root[PATH_MAX];
static char devdir[PATH_MAX + 300];	/* ROOT/dev/NAME of the input being run */

static void path_of(char *out, size_t len, const char *a, const char *b)
{
	CHECK((size_t)snprintf(out, len, "%s/%s", a, b) < len);
}

/* Remove what one input made. */
static void clear_tree(void)
{
	char path[PATH_MAX + 400], pf[PATH_MAX + 16];

	if (devdir[0]) {
		for (size_t i = 0; i < NATTRS; i++) {
			path_of(path, sizeof(path), devdir, attrs[i]);
			unlink(path);
		}
		for (size_t i = 0; i < NLINKS; i++) {
			path_of(path, sizeof(path), devdir, links[i]);
			unlink(path);
		}
		rmdir(devdir);
		devdir[0] = '\0';
	}
	path_of(pf, sizeof(pf), root, "pf");
	for (int i = 0; i < NVIRTFN; i++) {
		char name[16];

		snprintf(name, sizeof(name), "virtfn%d", i);
		path_of(path, sizeof(path), pf, name);
		unlink(path);
	}
}

static void cleanup(void)
{
	char path[PATH_MAX + 16];

	clear_tree();
	path_of(path, sizeof(path), root, "pf");
	rmdir(path);
	path_of(path, sizeof(path), root, "dev");
	rmdir(path);
	rmdir(root);
}

static void setup(void)
{
	char path[PATH_MAX + 16];
	const char *tmp = getenv("TMPDIR");

	/* Files are made and removed for every input: in memory, it runs 8 times faster. */
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(root, sizeof(root), "%s/vad-fuzz-sysfs-XXXXXX", tmp);
	CHECK(mkdtemp(root));
	path_of(path, sizeof(path), root, "pf");
	CHECK(mkdir(path, 0700) == 0);
	path_of(path, sizeof(path), root, "dev");
	CHECK(mkdir(path, 0700) == 0);
	atexit(cleanup);
}

struct part {
	const char *p;
	size_t len;
};

static void write_file(const char *dir, const char *name, const struct part *part)
{
	char path[PATH_MAX + 400];
	int fd;

	path_of(path, sizeof(path), dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, part->p, part->len) == (ssize_t)part->len);
	close(fd);
}

static void make_link(const char *dir, const char *name, const struct part *part)
{
	char path[PATH_MAX + 400], target[PATH_MAX];

	if (part->len == 0 || part->len >= sizeof(target) || memchr(part->p, '\0', part->len))
		return;
	memcpy(target, part->p, part->len);
	target[part->len] = '\0';
	path_of(path, sizeof(path), dir, name);
	CHECK(symlink(target, path) == 0);
}

static bool plain_name(const struct part *part)
{
	return part->len > 0 && part->len < 200 && !memchr(part->p, '/', part->len) &&
	       !memchr(part->p, '\0', part->len) &&
	       !(part->len == 1 && part->p[0] == '.') &&
	       !(part->len == 2 && part->p[0] == '.' && part->p[1] == '.');
}

static void check_attr(const char *name, const struct part *part)
{
	static const size_t sizes[] = { 2, 5, 32, 4096 };
	char buf[4096];
	int r;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		r = vad__sysfs_read(devdir, name, buf, sizes[i]);
		if (!part) {
			CHECK(r == -ENOENT);
			continue;
		}
		CHECK(r == 0 || r == -EINVAL);
		if (r == 0) {
			size_t n = strlen(buf);

			/* the file's bytes less its trailing newlines, and they fitted */
			CHECK(n < sizes[i] && part->len < sizes[i] && n <= part->len);
			CHECK(!memcmp(buf, part->p, n));
			for (size_t k = n; k < part->len; k++)
				CHECK(part->p[k] == '\n');
			CHECK(n == 0 || buf[n - 1] != '\n');
		} else {
			CHECK(part->len >= sizes[i] || memchr(part->p, '\0', part->len));
		}
	}
	r = vad__sysfs_read_id(devdir, name, 4);
	CHECK((r >= 0 && r <= 0xffff) || r == -EINVAL || (r == -ENOENT && !part));
	r = vad__sysfs_read_id(devdir, name, 2);
	CHECK((r >= 0 && r <= 0xff) || r == -EINVAL || (r == -ENOENT && !part));
	r = vad__sysfs_read_uint(devdir, name);
	CHECK(r >= 0 || r == -EINVAL || (r == -ENOENT && !part));
}

static void check_link(const char *name)
{
	char *out = NULL;
	int r = vad__sysfs_link_name(devdir, name, &out);

	CHECK((r == 0) == (out != NULL));
	if (out) {
		CHECK(out[0] && !strchr(out, '/'));
		free(out);
	}
	r = vad__sysfs_link_path(devdir, name, &out);
	CHECK((r == 0) == (out != NULL));
	if (out) {
		CHECK(out[0] == '/' && !strstr(out, "//") && !strstr(out, "/./") &&
		      !strstr(out, "/../"));
		free(out);
	}
}

static void check_text(const struct part *part)
{
	char text[64];

	if (part->len >= sizeof(text))
		return;
	memcpy(text, part->p, part->len);
	text[part->len] = '\0';
	int v = vad__parse_hex_id(text, 4);
	CHECK((v >= 0 && v <= 0xffff) || v == -EINVAL);
	if (vad__is_pci_slot(text))
		CHECK(strlen(text) >= 12 && strlen(text) <= 16);
}

static void check_facts(const char *name)
{
	struct vad_context *ctx = NULL;
	struct vad_device dev = {
		.vendor_id = -ENOENT, .device_id = -ENOENT, .subsystem_vendor_id = -ENOENT,
		.subsystem_device_id = -ENOENT, .revision = -ENOENT, .boot_vga = -ENOENT,
		.vf_index = -ENOENT, .sriov_numvfs = -ENOENT, .sriov_totalvfs = -ENOENT,
	};
	int r;

	CHECK(vad_new(&ctx) == 0);
	dev.sysfs_path = devdir;
	r = vad__read_facts(ctx, &dev);
	CHECK(r == 0 || r == -ENOMEM);
	CHECK((dev.vendor_id >= 0 && dev.vendor_id <= 0xffff) || dev.vendor_id == -EINVAL ||
	      dev.vendor_id == -ENOENT);
	CHECK(dev.device_id <= 0xffff && dev.subsystem_vendor_id <= 0xffff &&
	      dev.subsystem_device_id <= 0xffff && dev.revision <= 0xff);
	CHECK(dev.boot_vga == 0 || dev.boot_vga == 1 || dev.boot_vga == -EINVAL ||
	      dev.boot_vga == -ENOENT);
	CHECK(!dev.pci_slot || (vad__is_pci_slot(dev.pci_slot) && !strcmp(dev.pci_slot, name)));
	CHECK(!dev.pf_slot || vad__is_pci_slot(dev.pf_slot));
	CHECK(dev.vf_index == -ENOENT || (dev.vf_index >= 1 && dev.vf_index <= 4096));
	if (dev.role == VAD_SRIOV_PF)
		CHECK(dev.sriov_totalvfs > 0);
	if (dev.role != VAD_SRIOV_VF)
		CHECK(!dev.pf_slot && dev.vf_index == -ENOENT);
	free(dev.pci_slot);
	free(dev.kernel_driver);
	free(dev.pf_slot);
	vad_unref(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct part parts[NPARTS];
	size_t nparts = 0;
	const char *p = (const char *)data, *end = p + size;
	char name[256], pf[PATH_MAX + 16];

	if (!ready) {
		setup();
		ready = true;
	}
	while (nparts < NPARTS) {
		const char *sep = memchr(p, SEP, (size_t)(end - p));

		parts[nparts].p = p;
		parts[nparts].len = sep ? (size_t)(sep - p) : (size_t)(end - p);
		nparts++;
		if (!sep)
			break;
		p = sep + 1;
	}

	if (nparts > 0 && plain_name(&parts[0])) {
		memcpy(name, parts[0].p, parts[0].len);
		name[parts[0].len] = '\0';
	} else {
		snprintf(name, sizeof(name), "0000:00:02.1");
	}
	char dev[PATH_MAX + 16];
	path_of(dev, sizeof(dev), root, "dev");
	path_of(devdir, sizeof(devdir), dev, name);
	CHECK(mkdir(devdir, 0700) == 0);
	for (size_t i = 0; i < NATTRS; i++)
		if (1 + i < nparts)
			write_file(devdir, attrs[i], &parts[1 + i]);
	for (size_t i = 0; i < NLINKS; i++)
		if (1 + NATTRS + i < nparts)
			make_link(devdir, links[i], &parts[1 + NATTRS + i]);
	path_of(pf, sizeof(pf), root, "pf");
	for (size_t i = 0; i < NVIRTFN; i++) {
		char vf[16];

		snprintf(vf, sizeof(vf), "virtfn%zu", i);
		if (1 + NATTRS + NLINKS + i < nparts)
			make_link(pf, vf, &parts[1 + NATTRS + NLINKS + i]);
	}

	for (size_t i = 0; i < NATTRS; i++)
		check_attr(attrs[i], 1 + i < nparts ? &parts[1 + i] : NULL);
	for (size_t i = 0; i < NLINKS; i++)
		check_link(links[i]);
	for (size_t i = 0; i < nparts; i++)
		check_text(&parts[i]);
	check_facts(name);

	clear_tree();
	return 0;
}
