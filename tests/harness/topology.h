/* The topology builder of the fake-GPU harness: a machine's DRM devices as C data, laid out
 * as a directory tree DIR/sys/... and DIR/dev/dri/... exactly as the kernel shows them
 * (relative symlinks only). The LD_PRELOAD shim (shim.c) makes that tree appear at /sys and
 * /dev/dri. Topologies themselves are in topologies.c. */
#ifndef VAD_TESTS_HARNESS_TOPOLOGY_H
#define VAD_TESTS_HARNESS_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>

#define TOPO_NONE (-1)
/* A card or render minor the kernel allocates (topo_minors()), in the order of devs[]. */
#define TOPO_AUTO (-2)
#define TOPO_MAX_CONNECTORS 4

/* One device: a PCI function or a platform device. */
struct topo_dev {
	/* The device directory below /sys/devices, e.g. "pci0000:00/0000:00:02.1" or
	 * "pci0000:00/0000:00:01.0/0000:01:00.0" (behind a bridge) or
	 * "platform/simple-framebuffer.0". Its last component is the PCI slot (or the
	 * platform device name). */
	const char *path;
	bool platform;
	/* PCI identity (ignored for platform devices). */
	unsigned int vendor, device, subvendor, subdevice, revision, class;
	/* The driver the device is bound to ("i915", "vfio-pci", "pcieport",
	 * "simple-framebuffer"), or NULL when unbound. */
	const char *driver;
	/* The DRM driver name DRM_IOCTL_VERSION reports ("i915", "nvidia-drm", "simpledrm");
	 * NULL means the same as driver. */
	const char *drm_name;
	int boot_vga;		/* 0 or 1, or TOPO_NONE for no boot_vga attribute */
	int totalvfs, numvfs;	/* SR-IOV PF when totalvfs > 0: virtfn0..numvfs-1 */
	bool no_autoprobe;	/* a PF's sriov_drivers_autoprobe is 0 (default 1) */
	unsigned int vf_device;	/* sriov_vf_device of a PF */
	int vf_offset, vf_stride;	/* sriov_offset, sriov_stride of a PF */
	const char *physfn;	/* SR-IOV VF: the PF's slot ("0000:00:02.0"), else NULL */
	int card;		/* card number (minor), TOPO_NONE or TOPO_AUTO */
	int render;		/* render node number (128..), TOPO_NONE or TOPO_AUTO */
	const char *connectors[TOPO_MAX_CONNECTORS]; /* "HDMI-A-1", on the card node */
};

/* A file of the machine outside /sys and /dev (/etc/pve/lxc/123.conf), written at DIR/path
 * (path relative: "etc/pve/lxc/123.conf"); programs read it under a root option. */
struct topo_file {
	const char *path;
	const char *content;
};

/* A file (or, with content NULL, a directory) the kernel shows in /sys outside the device
 * tree, e.g. "sys/class/iommu/dmar0" or "sys/module/i915/parameters/enable_guc"; the path
 * is relative to DIR and starts with sys/. Written after the devices, so it may replace a
 * device attribute ("sys/devices/.../sriov_totalvfs"). @mode 0 means 0644 (0755 for a
 * directory). */
struct topo_sysfile {
	const char *path;
	const char *content;
	unsigned int mode;
};

/* One entry of /dev/dri: the name it has there and the device minor it is. */
struct topo_node {
	const char *name;
	int minor;
};

struct topology {
	const char *name;
	const char *description;	/* the real machine it models */
	const struct topo_dev *devs;
	size_t ndevs;
	/* NULL: /dev/dri holds every card and render node of devs under its kernel name,
	 * plus /dev/dri/by-path (as udev creates them on a host). Otherwise exactly these
	 * entries, no by-path (as a container sees it). */
	const struct topo_node *nodes;
	size_t nnodes;
	bool no_dev_dri;		/* no /dev/dri at all */
	/* The default behaviour of the fake VA driver (FAKEVA_CONFIG lines, see fakeva.c). */
	const char *va_conf;
	/* Files outside /sys and /dev, or NULL. */
	const struct topo_file *files;
	size_t nfiles;
	/* Extra files in /sys (IOMMU, module parameters, attributes that differ from the
	 * builder's defaults), or NULL. */
	const struct topo_sysfile *sysfiles;
	size_t nsysfiles;
};

extern const struct topology *const topologies[];
extern const size_t n_topologies;

const struct topology *topology_find(const char *name);

/* Builds @t in @dir (which must exist and be empty). Returns 0 or a negative errno;
 * on failure @err (if not NULL) receives a message. */
int topology_build(const struct topology *t, const char *dir, char *err, size_t errlen);

/* The minors of every device of @t, in @card[i] and @render[i] (arrays of t->ndevs):
 * the given ones, and for TOPO_AUTO the one the kernel allocates when the devices register
 * in the order of devs[] (drm_dev_init(): the render minor, then the card minor; each
 * from its fixed range, card 0-63 and render 128-191, the lowest free one, and once that
 * range is full from the extended range 192 and up, shared by both types; Linux 6.12's
 * DRM_EXTENDED_MINOR_LIMIT). TOPO_NONE stays. 0, or -ENOSPC. */
int topo_minors(const struct topology *t, int *card, int *render);

/* The slot ("0000:00:02.1") or platform name of a device: the last path component. */
const char *topo_dev_name(const struct topo_dev *d);

#endif
