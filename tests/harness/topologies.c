/* The machines the test suite runs on, as data. Every topology names the real machine (or
 * the real container/VM setup) it models: PCI functions, node numbering, SR-IOV links and
 * driver bindings follow what that machine shows in /sys and /dev/dri. */
#include "tests/harness/topology.h"

#define N TOPO_NONE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What the fake VA driver offers, per real driver and chip (iHD 23.1 on Alder Lake and
 * DG2, Mesa 22.3 radeonsi on Navi 23, nvidia-vaapi-driver 0.0.9 on Ampere). */
#define VA_INTEL_GEN12 "decode=mpeg2,h264,hevc,hevc10,vp9,vp9_10,av1,av1_10,jpeg " \
	"encode=h264,hevc,hevc10,vp9,vp9_10,jpeg vpp=1"
#define VA_INTEL_DG2 "decode=mpeg2,h264,hevc,hevc10,vp9,vp9_10,av1,av1_10,jpeg " \
	"encode=h264,hevc,hevc10,vp9,vp9_10,av1,av1_10,jpeg vpp=1"
#define VA_AMD_NAVI23 "decode=mpeg2,h264,hevc,hevc10,vp9,vp9_10,av1,av1_10,jpeg,vc1 " \
	"encode=h264,hevc,hevc10 vpp=1"
#define VA_NVIDIA_AMPERE "decode=mpeg2,h264,hevc,hevc10,vp8,vp9,vp9_10,av1,av1_10,vc1 vpp=0"

/* A PCIe port (root port, switch port): present in sysfs, no DRM. */
#define BRIDGE(p, ven, dev) { .path = p, .vendor = ven, .device = dev, .subvendor = ven, \
	.subdevice = dev, .revision = 0x00, .class = 0x060400, .driver = "pcieport", \
	.boot_vga = N, .card = N, .render = N }

/* ------------------------------------------------------------------------------------- */
/* Intel Core i3-12100 (Alder Lake-S, UHD Graphics 730, 8086:4692 rev 0c) on an ASRock
 * B660M board, Proxmox VE 8 host with the i915-sriov-dkms driver and
 * `echo 7 > /sys/devices/pci0000:00/0000:00:02.0/sriov_numvfs`: the PF keeps the display
 * (card0, connectors), each VF 0000:00:02.N is probed by i915 in order and gets cardN and
 * renderD(128+N). VFs report the PF's device id. */
#define ADL_PF { .path = "pci0000:00/0000:00:02.0", .vendor = 0x8086, .device = 0x4692, \
	.subvendor = 0x1849, .subdevice = 0x4692, .revision = 0x0c, .class = 0x030000, \
	.driver = "i915", .boot_vga = 1, .totalvfs = 7, .numvfs = 7, .vf_device = 0x4692, \
	.vf_offset = 1, .vf_stride = 1, .card = 0, .render = 128, \
	.connectors = { "DP-1", "HDMI-A-1", "DP-2", "HDMI-A-2" } }
#define ADL_VF_DRV(n, drv, c, r) { .path = "pci0000:00/0000:00:02." #n, .vendor = 0x8086, \
	.device = 0x4692, .subvendor = 0x1849, .subdevice = 0x4692, .revision = 0x0c, \
	.class = 0x030000, .driver = drv, .boot_vga = 0, .physfn = "0000:00:02.0", \
	.card = c, .render = r }
#define ADL_VF(n) ADL_VF_DRV(n, "i915", n, 128 + n)

static const struct topo_dev adl_sriov_devs[] = {
	ADL_PF, ADL_VF(1), ADL_VF(2), ADL_VF(3), ADL_VF(4), ADL_VF(5), ADL_VF(6), ADL_VF(7),
};

/* The host's kernel command line follows the i915-sriov-dkms guide: `intel_iommu=on
 * i915.enable_guc=3 i915.max_vfs=7`, so the IOMMU is registered (dmar0) and the module
 * parameters read back as given; i915 creates them mode 0400 (root only). */
#define IOMMU_DMAR0 { "sys/class/iommu/dmar0", NULL, 0 }
#define I915_PARAM(name, value) { "sys/module/i915/parameters/" name, value "\n", 0400 }
static const struct topo_sysfile adl_sriov_files[] = {
	IOMMU_DMAR0, I915_PARAM("enable_guc", "3"), I915_PARAM("max_vfs", "7"),
};

static const struct topology adl_sriov_host = {
	.name = "adl-sriov-host",
	.description = "i3-12100 UHD 730 host, PF 00:02.0 + 7 VFs on i915 (Proxmox, i915-sriov-dkms)",
	.devs = adl_sriov_devs, .ndevs = ARRAY_SIZE(adl_sriov_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
	.sysfiles = adl_sriov_files, .nsysfiles = ARRAY_SIZE(adl_sriov_files),
};

/* The same host, seen from an unprivileged LXC container given VF 4 with
 * `lxc.mount.entry: /dev/dri/renderD132 dev/dri/renderD132 none bind,create=file` (and card4):
 * /sys is the host's, /dev/dri holds the two bind-mounted nodes under their host names. */
static const struct topo_node lxc_vf4_nodes[] = { { "card4", 4 }, { "renderD132", 132 } };
static const struct topology adl_sriov_lxc_vf4 = {
	.name = "adl-sriov-lxc-vf4",
	.description = "LXC container on adl-sriov-host given VF 00:02.4 (card4, renderD132)",
	.devs = adl_sriov_devs, .ndevs = ARRAY_SIZE(adl_sriov_devs),
	.nodes = lxc_vf4_nodes, .nnodes = ARRAY_SIZE(lxc_vf4_nodes),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
};

/* The same container when the admin renamed the nodes for FFmpeg's default
 * (`lxc.mount.entry: /dev/dri/renderD132 dev/dri/renderD128 ...`): the names say 0/128,
 * the device numbers still say 226:4 and 226:132. */
static const struct topo_node lxc_vf4_remapped_nodes[] = {
	{ "card0", 4 }, { "renderD128", 132 },
};
static const struct topology adl_sriov_lxc_vf4_remapped = {
	.name = "adl-sriov-lxc-vf4-remapped",
	.description = "LXC container on adl-sriov-host, VF 00:02.4 mounted as card0/renderD128",
	.devs = adl_sriov_devs, .ndevs = ARRAY_SIZE(adl_sriov_devs),
	.nodes = lxc_vf4_remapped_nodes, .nnodes = ARRAY_SIZE(lxc_vf4_remapped_nodes),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
};

/* The same container set up with `dev0: /dev/dri/by-path/pci-0000:00:02.4-render,gid=104`
 * in /etc/pve/lxc/ID.conf (pve-container's prestart hook stat()s the path through the link
 * and creates a node of that number under the same path): /dev/dri holds only by-path/. */
static const struct topo_node lxc_vf4_bypath_nodes[] = {
	{ "by-path/pci-0000:00:02.4-render", 132 },
};
static const struct topology adl_sriov_lxc_vf4_bypath = {
	.name = "adl-sriov-lxc-vf4-bypath",
	.description = "LXC container on adl-sriov-host given VF 4 by its by-path name (Proxmox devN:)",
	.devs = adl_sriov_devs, .ndevs = ARRAY_SIZE(adl_sriov_devs),
	.nodes = lxc_vf4_bypath_nodes, .nnodes = ARRAY_SIZE(lxc_vf4_bypath_nodes),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
};

/* The same host with VF 3 unbound from i915 and bound to vfio-pci for a VM after all VFs
 * had been probed: its card3/renderD131 are gone, the other numbers stay (a hole). */
static const struct topo_dev adl_sriov_vfio_devs[] = {
	ADL_PF, ADL_VF(1), ADL_VF(2), ADL_VF_DRV(3, "vfio-pci", N, N), ADL_VF(4), ADL_VF(5),
	ADL_VF(6), ADL_VF(7),
};
static const struct topology adl_sriov_vfio = {
	.name = "adl-sriov-vfio",
	.description = "adl-sriov-host with VF 00:02.3 on vfio-pci (no card3/renderD131)",
	.devs = adl_sriov_vfio_devs, .ndevs = ARRAY_SIZE(adl_sriov_vfio_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
};

/* A QEMU q35 guest (Proxmox VM, "hostpci0: 0000:00:02.1") given one ADL VF: the guest sees
 * the VF at its own address 00:10.0 as an ordinary function, no physfn; QEMU's std VGA
 * (bochs-drm, 1234:1111) at 00:01.0 is card0 and has no render node. */
static const struct topo_dev adl_vm_guest_devs[] = {
	{ .path = "pci0000:00/0000:00:01.0", .vendor = 0x1234, .device = 0x1111,
	  .subvendor = 0x1af4, .subdevice = 0x1100, .revision = 0x02, .class = 0x030000,
	  .driver = "bochs-drm", .drm_name = "bochs-drm", .boot_vga = 1, .card = 0,
	  .render = N, .connectors = { "Virtual-1" } },
	{ .path = "pci0000:00/0000:00:10.0", .vendor = 0x8086, .device = 0x4692,
	  .subvendor = 0x1849, .subdevice = 0x4692, .revision = 0x0c, .class = 0x030000,
	  .driver = "i915", .boot_vga = 0, .card = 1, .render = 128 },
};
static const struct topology adl_sriov_vm_guest = {
	.name = "adl-sriov-vm-guest",
	.description = "QEMU q35 guest with an ADL VF passed through at 00:10.0, bochs VGA card0",
	.devs = adl_vm_guest_devs, .ndevs = ARRAY_SIZE(adl_vm_guest_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
};

/* ------------------------------------------------------------------------------------- */
/* Core i5-12600K (UHD 770, 8086:4680) with a GeForce RTX 3060 (GA106, 10de:2504) in the
 * x16 slot behind root port 00:01.0, NVIDIA 535 with nvidia-drm.modeset=1. nvidia-drm
 * registers before i915 finishes probing, so NVIDIA is card0/renderD128, Intel
 * card1/renderD129. The card's HDMI audio function 01:00.1 has no DRM node. No
 * nvidia-vaapi-driver installed: VA on the NVIDIA node fails. */
static const struct topo_dev intel_nvidia_devs[] = {
	BRIDGE("pci0000:00/0000:00:01.0", 0x8086, 0x460d),
	{ .path = "pci0000:00/0000:00:01.0/0000:01:00.0", .vendor = 0x10de, .device = 0x2504,
	  .subvendor = 0x1462, .subdevice = 0x397d, .revision = 0xa1, .class = 0x030000,
	  .driver = "nvidia", .drm_name = "nvidia-drm", .boot_vga = 1, .card = 0, .render = 128,
	  .connectors = { "DP-1", "HDMI-A-1", "DP-2", "DP-3" } },
	{ .path = "pci0000:00/0000:00:01.0/0000:01:00.1", .vendor = 0x10de, .device = 0x228e,
	  .subvendor = 0x1462, .subdevice = 0x397d, .revision = 0xa1, .class = 0x040300,
	  .driver = "snd_hda_intel", .boot_vga = N, .card = N, .render = N },
	{ .path = "pci0000:00/0000:00:02.0", .vendor = 0x8086, .device = 0x4680,
	  .subvendor = 0x1043, .subdevice = 0x8882, .revision = 0x0c, .class = 0x030000,
	  .driver = "i915", .boot_vga = 0, .card = 1, .render = 129,
	  .connectors = { "DP-1", "HDMI-A-1" } },
};
static const struct topology intel_nvidia = {
	.name = "intel-nvidia",
	.description = "i5-12600K UHD 770 + RTX 3060 (nvidia-drm card0/renderD128, i915 card1/renderD129)",
	.devs = intel_nvidia_devs, .ndevs = ARRAY_SIZE(intel_nvidia_devs),
	.va_conf = "driver:nvidia fail\n"
		   "driver:i915 ok " VA_INTEL_GEN12 "\n",
};

/* Core i7-12700 (UHD 770, 8086:4680) plus an ASRock Arc A380 Challenger (DG2-128,
 * 8086:56a5 rev 05) behind the card's own PCIe switch (4fa1 upstream, 4fa4 downstream),
 * both on i915; the iGPU probes first (card0/renderD128), the Arc is card1/renderD129.
 * Only the Arc encodes AV1. */
static const struct topo_dev intel_arc_devs[] = {
	{ .path = "pci0000:00/0000:00:02.0", .vendor = 0x8086, .device = 0x4680,
	  .subvendor = 0x1458, .subdevice = 0xd000, .revision = 0x0c, .class = 0x030000,
	  .driver = "i915", .boot_vga = 1, .card = 0, .render = 128,
	  .connectors = { "DP-1", "HDMI-A-1" } },
	BRIDGE("pci0000:00/0000:00:01.0", 0x8086, 0x460d),
	BRIDGE("pci0000:00/0000:00:01.0/0000:01:00.0", 0x8086, 0x4fa1),
	BRIDGE("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0", 0x8086, 0x4fa4),
	{ .path = "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/0000:03:00.0",
	  .vendor = 0x8086, .device = 0x56a5, .subvendor = 0x1849, .subdevice = 0x6006,
	  .revision = 0x05, .class = 0x030000, .driver = "i915", .boot_vga = 0, .card = 1,
	  .render = 129, .connectors = { "DP-1", "HDMI-A-1", "DP-2" } },
};
static const struct topology intel_arc = {
	.name = "intel-arc",
	.description = "i7-12700 UHD 770 (card0/renderD128) + Arc A380 at 03:00.0 (card1/renderD129)",
	.devs = intel_arc_devs, .ndevs = ARRAY_SIZE(intel_arc_devs),
	.va_conf = "0000:03:00.0 ok " VA_INTEL_DG2 "\n"
		   "driver:i915 ok " VA_INTEL_GEN12 "\n",
};

/* Ryzen 5 5600X (no iGPU) with a Sapphire Pulse RX 6600 (Navi 23, 1002:73ff rev c7)
 * behind the GPU's internal switch (1478 upstream, 1479 downstream) on amdgpu; Mesa's
 * VA driver is radeonsi. HDMI audio at 03:00.1. */
static const struct topo_dev amd_devs[] = {
	BRIDGE("pci0000:00/0000:00:03.1", 0x1022, 0x1483),
	BRIDGE("pci0000:00/0000:00:03.1/0000:01:00.0", 0x1002, 0x1478),
	BRIDGE("pci0000:00/0000:00:03.1/0000:01:00.0/0000:02:00.0", 0x1002, 0x1479),
	{ .path = "pci0000:00/0000:00:03.1/0000:01:00.0/0000:02:00.0/0000:03:00.0",
	  .vendor = 0x1002, .device = 0x73ff, .subvendor = 0x1da2, .subdevice = 0xe448,
	  .revision = 0xc7, .class = 0x030000, .driver = "amdgpu", .boot_vga = 1, .card = 0,
	  .render = 128, .connectors = { "DP-1", "HDMI-A-1", "DP-2", "DP-3" } },
	{ .path = "pci0000:00/0000:00:03.1/0000:01:00.0/0000:02:00.0/0000:03:00.1",
	  .vendor = 0x1002, .device = 0xab28, .subvendor = 0x1da2, .subdevice = 0xab28,
	  .revision = 0x00, .class = 0x040300, .driver = "snd_hda_intel", .boot_vga = N,
	  .card = N, .render = N },
};
static const struct topology amd = {
	.name = "amd",
	.description = "Ryzen 5 5600X + RX 6600 (amdgpu, card0/renderD128, VA driver radeonsi)",
	.devs = amd_devs, .ndevs = ARRAY_SIZE(amd_devs),
	.va_conf = "driver:amdgpu ok " VA_AMD_NAVI23 "\n",
};

/* Desktop with an Intel iGPU and an AMD RX 6600, firmware console on the iGPU: simpledrm
 * takes card0 at boot; amdgpu probes first (card1, renderD128) and leaves simpledrm alone
 * (not its framebuffer); i915 then removes simpledrm and takes the freed card0 but the next
 * render minor, renderD129. Card and render numbers disagree. */
static const struct topo_dev intel_amd_swapped_devs[] = {
	{ .path = "pci0000:00/0000:00:02.0", .vendor = 0x8086, .device = 0x4680,
	  .subvendor = 0x1458, .subdevice = 0xd000, .revision = 0x0c, .class = 0x030000,
	  .driver = "i915", .boot_vga = 1, .card = 0, .render = 129,
	  .connectors = { "DP-1", "HDMI-A-1" } },
	BRIDGE("pci0000:00/0000:00:01.0", 0x8086, 0x460d),
	BRIDGE("pci0000:00/0000:00:01.0/0000:01:00.0", 0x1002, 0x1478),
	BRIDGE("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0", 0x1002, 0x1479),
	{ .path = "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0/0000:03:00.0",
	  .vendor = 0x1002, .device = 0x73ff, .subvendor = 0x1da2, .subdevice = 0xe448,
	  .revision = 0xc7, .class = 0x030000, .driver = "amdgpu", .boot_vga = 0, .card = 1,
	  .render = 128, .connectors = { "DP-1", "HDMI-A-1" } },
};
static const struct topology intel_amd_swapped = {
	.name = "intel-amd-swapped",
	.description = "UHD 770 (i915 card0+renderD129) beside RX 6600 (amdgpu card1+renderD128)",
	.devs = intel_amd_swapped_devs, .ndevs = ARRAY_SIZE(intel_amd_swapped_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n"
		   "driver:amdgpu ok " VA_AMD_NAVI23 "\n",
};

/* ------------------------------------------------------------------------------------- */
/* A 2U inference server (Supermicro SYS-420GP class): ASPEED AST2600 BMC graphics (ast,
 * card0, no render node), ten Tesla T4 (10de:1eb8) on nvidia-drm at card1..10 /
 * renderD128..137, and one Arc A380 added for transcoding at card11/renderD138, past
 * renderD135 where FFmpeg stops looking. No VA driver for the T4s. */
#define T4DEV(root, port, slot, c) \
	BRIDGE("pci0000:" root "/0000:" root ":" port, 0x8086, 0x347a), \
	{ .path = "pci0000:" root "/0000:" root ":" port "/0000:" slot, .vendor = 0x10de, \
	  .device = 0x1eb8, .subvendor = 0x10de, .subdevice = 0x12a2, .revision = 0xa1, \
	  .class = 0x030200, .driver = "nvidia", .drm_name = "nvidia-drm", .boot_vga = N, \
	  .card = c, .render = 127 + c }
static const struct topo_dev many_nodes_devs[] = {
	BRIDGE("pci0000:00/0000:00:1c.0", 0x8086, 0xa190),
	BRIDGE("pci0000:00/0000:00:1c.0/0000:01:00.0", 0x1a03, 0x1150),
	{ .path = "pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:00.0", .vendor = 0x1a03,
	  .device = 0x2000, .subvendor = 0x15d9, .subdevice = 0x1c48, .revision = 0x52,
	  .class = 0x030000, .driver = "ast", .boot_vga = 1, .card = 0, .render = N,
	  .connectors = { "VGA-1" } },
	T4DEV("17", "02.0", "18:00.0", 1), T4DEV("17", "04.0", "19:00.0", 2),
	T4DEV("3a", "02.0", "3b:00.0", 3), T4DEV("3a", "04.0", "3c:00.0", 4),
	T4DEV("5d", "02.0", "5e:00.0", 5), T4DEV("85", "02.0", "86:00.0", 6),
	T4DEV("85", "04.0", "87:00.0", 7), T4DEV("ae", "02.0", "af:00.0", 8),
	T4DEV("ae", "04.0", "b0:00.0", 9), T4DEV("d7", "02.0", "d8:00.0", 10),
	BRIDGE("pci0000:d7/0000:d7:04.0", 0x8086, 0x347a),
	{ .path = "pci0000:d7/0000:d7:04.0/0000:d9:00.0", .vendor = 0x8086, .device = 0x56a5,
	  .subvendor = 0x1849, .subdevice = 0x6006, .revision = 0x05, .class = 0x030000,
	  .driver = "i915", .boot_vga = 0, .card = 11, .render = 138,
	  .connectors = { "DP-1", "HDMI-A-1" } },
};
static const struct topology many_nodes = {
	.name = "many-nodes",
	.description = "server: AST2600 card0, 10x Tesla T4 renderD128-137, Arc A380 renderD138",
	.devs = many_nodes_devs, .ndevs = ARRAY_SIZE(many_nodes_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_DG2 "\n"
		   "driver:nvidia fail\n",
};

/* A Xeon server with an Intel Data Center GPU Flex 170 (ATS-M, 8086:56c0) on the xe
 * driver as SR-IOV PF (`xe.max_vfs`, 4 of its 31 VFs enabled), behind the card's PCIe
 * switch; the AST2600 BMC is card0 without a render node, the PF card1/renderD128, the VFs
 * 4d:00.1-4 card2..5/renderD129..132. libva 2.17 has no driver name for xe. */
#define FLEX_VF(fn, c) { .path = "pci0000:4a/0000:4a:01.0/0000:4b:00.0/0000:4c:01.0/0000:4d:00." #fn, \
	.vendor = 0x8086, .device = 0x56c0, .subvendor = 0x8086, .subdevice = 0x4905, \
	.revision = 0x08, .class = 0x038000, .driver = "xe", .boot_vga = N, \
	.physfn = "0000:4d:00.0", .card = c, .render = 127 + c }
static const struct topo_dev xe_sriov_devs[] = {
	BRIDGE("pci0000:00/0000:00:1c.0", 0x8086, 0xa190),
	BRIDGE("pci0000:00/0000:00:1c.0/0000:01:00.0", 0x1a03, 0x1150),
	{ .path = "pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:00.0", .vendor = 0x1a03,
	  .device = 0x2000, .subvendor = 0x15d9, .subdevice = 0x1c48, .revision = 0x52,
	  .class = 0x030000, .driver = "ast", .boot_vga = 1, .card = 0, .render = N,
	  .connectors = { "VGA-1" } },
	BRIDGE("pci0000:4a/0000:4a:01.0", 0x8086, 0x347a),
	BRIDGE("pci0000:4a/0000:4a:01.0/0000:4b:00.0", 0x8086, 0x4fa0),
	BRIDGE("pci0000:4a/0000:4a:01.0/0000:4b:00.0/0000:4c:01.0", 0x8086, 0x4fa4),
	{ .path = "pci0000:4a/0000:4a:01.0/0000:4b:00.0/0000:4c:01.0/0000:4d:00.0",
	  .vendor = 0x8086, .device = 0x56c0, .subvendor = 0x8086, .subdevice = 0x4905,
	  .revision = 0x08, .class = 0x038000, .driver = "xe", .boot_vga = N,
	  .totalvfs = 31, .numvfs = 4, .vf_device = 0x56c0, .vf_offset = 1, .vf_stride = 1,
	  .card = 1, .render = 128 },
	FLEX_VF(1, 2), FLEX_VF(2, 3), FLEX_VF(3, 4), FLEX_VF(4, 5),
};
static const struct topology xe_sriov = {
	.name = "xe-sriov",
	.description = "Xeon + Data Center GPU Flex 170 on xe, PF 4d:00.0 + 4 VFs, AST2600 card0",
	.devs = xe_sriov_devs, .ndevs = ARRAY_SIZE(xe_sriov_devs),
	.va_conf = "driver:xe ok " VA_INTEL_DG2 "\n",
};

/* A 2U media server (Supermicro SYS-220HE class: four x16 slots on two Xeon sockets) with
 * four Intel Data Center GPU Flex 170 (ATS-M, 8086:56c0), each behind its own PCIe switch,
 * on xe as SR-IOV PF with all of its VFs enabled: Intel documents up to 31 VFs for the
 * Flex 170 (sriov_totalvfs 31), so 4 PFs + 124 VFs = 128 render nodes, twice what the
 * fixed render range 128-191 holds. The AST2600 BMC is card0 without a render node.
 * The minors are the kernel's (topo_minors(): drm_minor_alloc() of Linux 6.12+): ast
 * takes card0 at boot, xe probes the PFs in PCI order (renderD128-131, card1-4); then
 * `echo 31 > .../sriov_numvfs` of each PF in turn probes its VFs in order, each taking its
 * render minor and then its card minor: card A's VFs renderD132-162 + card5-35, card B's
 * VF 1-28 renderD163-190 + card36-63, VF 29 renderD191 + card192 (the card range is
 * full), and from VF 30 on both types alternate in the extended range: renderD193 +
 * card194, ... up to card D's VF 31 renderD319 + card320. */
#define F170_PATH(r, u, dn, g) "pci0000:" r "/0000:" r ":01.0/0000:" u ":00.0/0000:" dn \
	":01.0/0000:" g
#define F170_PF(r, u, dn, g) \
	BRIDGE("pci0000:" r "/0000:" r ":01.0", 0x8086, 0x347a), \
	BRIDGE("pci0000:" r "/0000:" r ":01.0/0000:" u ":00.0", 0x8086, 0x4fa0), \
	BRIDGE("pci0000:" r "/0000:" r ":01.0/0000:" u ":00.0/0000:" dn ":01.0", 0x8086, 0x4fa4), \
	{ .path = F170_PATH(r, u, dn, g) ":00.0", .vendor = 0x8086, .device = 0x56c0, \
	  .subvendor = 0x8086, .subdevice = 0x4905, .revision = 0x08, .class = 0x038000, \
	  .driver = "xe", .boot_vga = N, .totalvfs = 31, .numvfs = 31, .vf_device = 0x56c0, \
	  .vf_offset = 1, .vf_stride = 1, .card = TOPO_AUTO, .render = TOPO_AUTO }
#define F170_VF(r, u, dn, g, d, f) { .path = F170_PATH(r, u, dn, g) ":0" #d "." #f, \
	.vendor = 0x8086, .device = 0x56c0, .subvendor = 0x8086, .subdevice = 0x4905, \
	.revision = 0x08, .class = 0x038000, .driver = "xe", .boot_vga = N, \
	.physfn = "0000:" g ":00.0", .card = TOPO_AUTO, .render = TOPO_AUTO }
#define F170_VF8(r, u, dn, g, d) F170_VF(r, u, dn, g, d, 0), F170_VF(r, u, dn, g, d, 1), \
	F170_VF(r, u, dn, g, d, 2), F170_VF(r, u, dn, g, d, 3), F170_VF(r, u, dn, g, d, 4), \
	F170_VF(r, u, dn, g, d, 5), F170_VF(r, u, dn, g, d, 6), F170_VF(r, u, dn, g, d, 7)
/* VFs 1-31: functions 00.1-03.7 (offset 1, stride 1). */
#define F170_VFS(r, u, dn, g) F170_VF(r, u, dn, g, 0, 1), F170_VF(r, u, dn, g, 0, 2), \
	F170_VF(r, u, dn, g, 0, 3), F170_VF(r, u, dn, g, 0, 4), F170_VF(r, u, dn, g, 0, 5), \
	F170_VF(r, u, dn, g, 0, 6), F170_VF(r, u, dn, g, 0, 7), F170_VF8(r, u, dn, g, 1), \
	F170_VF8(r, u, dn, g, 2), F170_VF8(r, u, dn, g, 3)
static const struct topo_dev flex170x4_devs[] = {
	BRIDGE("pci0000:00/0000:00:1c.0", 0x8086, 0xa190),
	BRIDGE("pci0000:00/0000:00:1c.0/0000:01:00.0", 0x1a03, 0x1150),
	{ .path = "pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:00.0", .vendor = 0x1a03,
	  .device = 0x2000, .subvendor = 0x15d9, .subdevice = 0x1c48, .revision = 0x52,
	  .class = 0x030000, .driver = "ast", .boot_vga = 1, .card = TOPO_AUTO, .render = N,
	  .connectors = { "VGA-1" } },
	F170_PF("4a", "4b", "4c", "4d"), F170_PF("6a", "6b", "6c", "6d"),
	F170_PF("9a", "9b", "9c", "9d"), F170_PF("ca", "cb", "cc", "cd"),
	F170_VFS("4a", "4b", "4c", "4d"), F170_VFS("6a", "6b", "6c", "6d"),
	F170_VFS("9a", "9b", "9c", "9d"), F170_VFS("ca", "cb", "cc", "cd"),
};
static const struct topology flex170x4_sriov = {
	.name = "flex170x4-sriov",
	.description = "4x Data Center GPU Flex 170 on xe, 4 PFs + 124 VFs: renderD128-191, then 193-319",
	.devs = flex170x4_devs, .ndevs = ARRAY_SIZE(flex170x4_devs),
	.va_conf = "driver:xe ok " VA_INTEL_DG2 "\n",
};

/* The same server with two of the cards (cards A and B): 64 devices, the most the
 * fixed render range holds; the BMC's card0 pushes the last VF's card node to card192. */
static const struct topo_dev flex170x2_devs[] = {
	BRIDGE("pci0000:00/0000:00:1c.0", 0x8086, 0xa190),
	BRIDGE("pci0000:00/0000:00:1c.0/0000:01:00.0", 0x1a03, 0x1150),
	{ .path = "pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:00.0", .vendor = 0x1a03,
	  .device = 0x2000, .subvendor = 0x15d9, .subdevice = 0x1c48, .revision = 0x52,
	  .class = 0x030000, .driver = "ast", .boot_vga = 1, .card = TOPO_AUTO, .render = N,
	  .connectors = { "VGA-1" } },
	F170_PF("4a", "4b", "4c", "4d"), F170_PF("6a", "6b", "6c", "6d"),
	F170_VFS("4a", "4b", "4c", "4d"), F170_VFS("6a", "6b", "6c", "6d"),
};
static const struct topology flex170x2_sriov = {
	.name = "flex170x2-sriov",
	.description = "2x Data Center GPU Flex 170 on xe, 2 PFs + 62 VFs: renderD128-191",
	.devs = flex170x2_devs, .ndevs = ARRAY_SIZE(flex170x2_devs),
	.va_conf = "driver:xe ok " VA_INTEL_DG2 "\n",
};

/* A 4U GPU server (Supermicro SYS-420GP-TNR class: ten double-width slots) with eight
 * Flex 170, all 31 VFs of each enabled: 256 devices, 513 DRM nodes (renderD128-191, then
 * renderD193-575 and card192-576 interleaved). */
static const struct topo_dev flex170x8_devs[] = {
	BRIDGE("pci0000:00/0000:00:1c.0", 0x8086, 0xa190),
	BRIDGE("pci0000:00/0000:00:1c.0/0000:01:00.0", 0x1a03, 0x1150),
	{ .path = "pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:00.0", .vendor = 0x1a03,
	  .device = 0x2000, .subvendor = 0x15d9, .subdevice = 0x1c48, .revision = 0x52,
	  .class = 0x030000, .driver = "ast", .boot_vga = 1, .card = TOPO_AUTO, .render = N,
	  .connectors = { "VGA-1" } },
	F170_PF("1a", "1b", "1c", "1d"), F170_PF("3a", "3b", "3c", "3d"),
	F170_PF("4a", "4b", "4c", "4d"), F170_PF("6a", "6b", "6c", "6d"),
	F170_PF("8a", "8b", "8c", "8d"), F170_PF("9a", "9b", "9c", "9d"),
	F170_PF("ba", "bb", "bc", "bd"), F170_PF("ca", "cb", "cc", "cd"),
	F170_VFS("1a", "1b", "1c", "1d"), F170_VFS("3a", "3b", "3c", "3d"),
	F170_VFS("4a", "4b", "4c", "4d"), F170_VFS("6a", "6b", "6c", "6d"),
	F170_VFS("8a", "8b", "8c", "8d"), F170_VFS("9a", "9b", "9c", "9d"),
	F170_VFS("ba", "bb", "bc", "bd"), F170_VFS("ca", "cb", "cc", "cd"),
};
static const struct topology flex170x8_sriov = {
	.name = "flex170x8-sriov",
	.description = "8x Data Center GPU Flex 170 on xe, 8 PFs + 248 VFs: 513 DRM nodes",
	.devs = flex170x8_devs, .ndevs = ARRAY_SIZE(flex170x8_devs),
	.va_conf = "driver:xe ok " VA_INTEL_DG2 "\n",
};

/* The same host's Jellyfin container (LXC, raw `lxc.mount.entry` lines) given card D's
 * VF 20 (0000:cd:02.4, the kernel's card298 and renderD297) and VF 31 (0000:cd:03.7,
 * card320, renderD319), the first mounted as card0/renderD128 for FFmpeg's default. */
static const struct topo_node flex170x4_lxc_nodes[] = {
	{ "card0", 298 }, { "renderD128", 297 }, { "card320", 320 }, { "renderD319", 319 },
};
static const struct topology flex170x4_lxc = {
	.name = "flex170x4-lxc",
	.description = "LXC container on flex170x4-sriov: 226:297 as renderD128, renderD319",
	.devs = flex170x4_devs, .ndevs = ARRAY_SIZE(flex170x4_devs),
	.nodes = flex170x4_lxc_nodes, .nnodes = ARRAY_SIZE(flex170x4_lxc_nodes),
	.va_conf = "driver:xe ok " VA_INTEL_DG2 "\n",
};

/* Desktop with an RTX 3060 on NVIDIA 535 (nvidia-drm.modeset=1 without fbdev=1, so the
 * firmware framebuffer's simpledrm stays registered as card0) and `modprobe vgem` (as
 * Chromium's and Mesa's test setups do): simpledrm card0 (platform, no render node),
 * NVIDIA card1/renderD128, vgem card2/renderD129 (platform device without a driver).
 * nvidia-vaapi-driver is installed here. */
static const struct topo_dev non_pci_devs[] = {
	{ .path = "platform/simple-framebuffer.0", .platform = true,
	  .driver = "simple-framebuffer", .drm_name = "simpledrm", .boot_vga = N, .card = 0,
	  .render = N, .connectors = { "Unknown-1" } },
	BRIDGE("pci0000:00/0000:00:01.0", 0x8086, 0x460d),
	{ .path = "pci0000:00/0000:00:01.0/0000:01:00.0", .vendor = 0x10de, .device = 0x2504,
	  .subvendor = 0x1462, .subdevice = 0x397d, .revision = 0xa1, .class = 0x030000,
	  .driver = "nvidia", .drm_name = "nvidia-drm", .boot_vga = 1, .card = 1, .render = 128,
	  .connectors = { "DP-1", "HDMI-A-1" } },
	{ .path = "platform/vgem", .platform = true, .drm_name = "vgem", .boot_vga = N,
	  .card = 2, .render = 129 },
};
static const struct topology non_pci = {
	.name = "non-pci",
	.description = "simpledrm card0 + RTX 3060 card1/renderD128 + vgem card2/renderD129",
	.devs = non_pci_devs, .ndevs = ARRAY_SIZE(non_pci_devs),
	.va_conf = "driver:nvidia ok " VA_NVIDIA_AMPERE "\n",
};

/* A CI runner or a container given no GPU: no /dev/dri at all. */
static const struct topology empty = {
	.name = "empty",
	.description = "no GPU: no /dev/dri (CI runner, container without devices)",
	.devs = NULL, .ndevs = 0, .no_dev_dri = true,
	.va_conf = "",
};

/* ------------------------------------------------------------------------------------- */
/* The SR-IOV host view: VFs not enabled, VFs without a driver, and the guests of a
 * Proxmox host (the same i3-12100 host as adl-sriov-host). */

#define ADL_PF_WITH(nvfs, noauto) { .path = "pci0000:00/0000:00:02.0", .vendor = 0x8086, \
	.device = 0x4692, .subvendor = 0x1849, .subdevice = 0x4692, .revision = 0x0c, \
	.class = 0x030000, .driver = "i915", .boot_vga = 1, .totalvfs = 7, .numvfs = nvfs, \
	.no_autoprobe = noauto, .vf_device = 0x4692, .vf_offset = 1, .vf_stride = 1, .card = 0, \
	.render = 128, .connectors = { "DP-1", "HDMI-A-1", "DP-2", "HDMI-A-2" } }

/* adl-sriov-host after a reboot without the sysfsutils line that re-creates the VFs
 * (i915-sriov-dkms README: sriov_numvfs is not persistent, the forum reports of "VFs gone
 * after reboot"): i915.max_vfs=7 makes the PF offer 7 VFs, none is enabled, so the PF is
 * the only device: sriov_numvfs 0 of sriov_totalvfs 7. */
static const struct topo_dev adl_sriov_novfs_devs[] = { ADL_PF_WITH(0, false) };
static const struct topology adl_sriov_novfs = {
	.name = "adl-sriov-novfs",
	.description = "adl-sriov-host with no VF enabled (sriov_numvfs 0 of 7)",
	.devs = adl_sriov_novfs_devs, .ndevs = ARRAY_SIZE(adl_sriov_novfs_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
	.sysfiles = adl_sriov_files, .nsysfiles = ARRAY_SIZE(adl_sriov_files),
};

/* The same host set up for VMs the way the Proxmox PCI passthrough guide and
 * i915-sriov-dkms users do it: `echo 0 > .../0000:00:02.0/sriov_drivers_autoprobe` before
 * `echo 7 > .../sriov_numvfs`, so that no VF is bound to i915 and each can go to vfio-pci.
 * The 7 VFs exist (virtfn0-6, physfn), none has a driver, so none has a DRM node. */
static const struct topo_dev adl_sriov_unbound_devs[] = {
	ADL_PF_WITH(7, true), ADL_VF_DRV(1, NULL, N, N), ADL_VF_DRV(2, NULL, N, N),
	ADL_VF_DRV(3, NULL, N, N), ADL_VF_DRV(4, NULL, N, N), ADL_VF_DRV(5, NULL, N, N),
	ADL_VF_DRV(6, NULL, N, N), ADL_VF_DRV(7, NULL, N, N),
};
static const struct topology adl_sriov_unbound = {
	.name = "adl-sriov-unbound",
	.description = "adl-sriov-host with 7 VFs and no driver bound (sriov_drivers_autoprobe 0)",
	.devs = adl_sriov_unbound_devs, .ndevs = ARRAY_SIZE(adl_sriov_unbound_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
	.sysfiles = adl_sriov_files, .nsysfiles = ARRAY_SIZE(adl_sriov_files),
};

/* A Proxmox VE 8.2 host as the Proxmox forum's iGPU SR-IOV threads and the i915-sriov-dkms
 * README describe it: adl-sriov-vfio's machine (VF 3 on vfio-pci), VF 3 given to the
 * Windows VM 101 (`hostpci0: 0000:00:02.3,pcie=1`, the form qm set writes), VF 4 to the
 * Jellyfin container 123 with pve-container's device passthrough (`devN:`, PVE 8.1+; the
 * render group of the container is 104), VF 5 to the Frigate container 124 in the older raw
 * LXC form (`lxc.cgroup2.devices.allow` + `lxc.mount.entry`). Container 123 has a snapshot
 * from before the passthrough whose section names VF 2's nodes: not its configuration. */
static const struct topo_file adl_sriov_pve_files[] = {
	{ "etc/pve/lxc/123.conf",
	  "arch: amd64\n"
	  "cores: 4\n"
	  "dev0: /dev/dri/card4,gid=44\n"
	  "dev1: /dev/dri/renderD132,gid=104\n"
	  "features: nesting=1\n"
	  "hostname: jellyfin\n"
	  "memory: 4096\n"
	  "net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:5A:1F:03,ip=dhcp,type=veth\n"
	  "ostype: debian\n"
	  "parent: before-gpu\n"
	  "rootfs: local-lvm:vm-123-disk-0,size=16G\n"
	  "unprivileged: 1\n"
	  "\n"
	  "[before-gpu]\n"
	  "arch: amd64\n"
	  "dev0: /dev/dri/renderD130,gid=104\n"
	  "hostname: jellyfin\n"
	  "snaptime: 1717171717\n" },
	{ "etc/pve/lxc/124.conf",
	  "arch: amd64\n"
	  "hostname: frigate\n"
	  "memory: 2048\n"
	  "ostype: debian\n"
	  "rootfs: local-lvm:vm-124-disk-0,size=32G\n"
	  "lxc.cgroup2.devices.allow: c 226:5 rwm\n"
	  "lxc.cgroup2.devices.allow: c 226:133 rwm\n"
	  "lxc.mount.entry: /dev/dri/card5 dev/dri/card5 none bind,optional,create=file\n"
	  "lxc.mount.entry: /dev/dri/renderD133 dev/dri/renderD133 none bind,optional,create=file\n" },
	{ "etc/pve/qemu-server/101.conf",
	  "bios: ovmf\n"
	  "boot: order=scsi0\n"
	  "cores: 4\n"
	  "cpu: host\n"
	  "hostpci0: 0000:00:02.3,pcie=1\n"
	  "machine: pc-q35-8.1\n"
	  "memory: 8192\n"
	  "name: win11\n"
	  "ostype: win11\n"
	  "scsi0: local-lvm:vm-101-disk-1,size=64G\n" },
};
static const struct topology adl_sriov_pve = {
	.name = "adl-sriov-pve",
	.description = "Proxmox host: adl-sriov-vfio, VF 3 in VM 101, VF 4 in LXC 123, VF 5 in LXC 124",
	.devs = adl_sriov_vfio_devs, .ndevs = ARRAY_SIZE(adl_sriov_vfio_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
	.files = adl_sriov_pve_files, .nfiles = ARRAY_SIZE(adl_sriov_pve_files),
};

/* ------------------------------------------------------------------------------------- */
/* The set-up steps of the i915-sriov-dkms guide gone wrong, each on the same i3-12100
 * host (the failure reports in that project's issue tracker and the Proxmox forum thread
 * "Intel iGPU SR-IOV on Proxmox 8"). */

/* Stock Proxmox kernel, no i915-sriov-dkms: the PF's SR-IOV capability is there, but
 * stock i915 has no PF support and sets no VFs (sriov_totalvfs 0); enable_guc is the
 * driver's default -1 and there is no max_vfs parameter. */
#define ADL_PF_VFS(total, num) { .path = "pci0000:00/0000:00:02.0", .vendor = 0x8086, \
	.device = 0x4692, .subvendor = 0x1849, .subdevice = 0x4692, .revision = 0x0c, \
	.class = 0x030000, .driver = "i915", .boot_vga = 1, .totalvfs = total, \
	.numvfs = num, .vf_device = 0x4692, .vf_offset = 1, .vf_stride = 1, .card = 0, \
	.render = 128, .connectors = { "DP-1", "HDMI-A-1", "DP-2", "HDMI-A-2" } }
#define ADL_PF_ATTR(name, value) { "sys/devices/pci0000:00/0000:00:02.0/" name, value "\n", 0 }
static const struct topo_dev adl_pf_only_devs[] = { ADL_PF_VFS(0, 0) };
static const struct topo_sysfile adl_stock_files[] = {
	IOMMU_DMAR0, I915_PARAM("enable_guc", "-1"), ADL_PF_ATTR("sriov_totalvfs", "0"),
	ADL_PF_ATTR("sriov_numvfs", "0"), ADL_PF_ATTR("sriov_drivers_autoprobe", "1"),
};
static const struct topology adl_stock_i915 = {
	.name = "adl-stock-i915",
	.description = "adl-sriov-host on stock i915: PF 00:02.0 with sriov_totalvfs 0",
	.devs = adl_pf_only_devs, .ndevs = ARRAY_SIZE(adl_pf_only_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
	.sysfiles = adl_stock_files, .nsysfiles = ARRAY_SIZE(adl_stock_files),
};

/* adl-sriov-novfs with `i915.enable_guc=2` (HuC only) left from an older guide: the parameter
 * reads back 2, and the PF enables no VFs. */
static const struct topo_sysfile adl_guc_wrong_files[] = {
	IOMMU_DMAR0, I915_PARAM("enable_guc", "2"), I915_PARAM("max_vfs", "7"),
};
static const struct topology adl_sriov_guc_wrong = {
	.name = "adl-sriov-guc-wrong",
	.description = "adl-sriov-novfs with i915.enable_guc=2 (no GuC submission)",
	.devs = adl_sriov_novfs_devs, .ndevs = ARRAY_SIZE(adl_sriov_novfs_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
	.sysfiles = adl_guc_wrong_files, .nsysfiles = ARRAY_SIZE(adl_guc_wrong_files),
};

/* adl-sriov-host booted without intel_iommu=on (kernels before 6.8 default it off, and
 * so do hosts that set intel_iommu=off): no /sys/class/iommu entry. */
static const struct topo_sysfile adl_no_iommu_files[] = {
	I915_PARAM("enable_guc", "3"), I915_PARAM("max_vfs", "7"),
};
static const struct topology adl_sriov_no_iommu = {
	.name = "adl-sriov-no-iommu",
	.description = "adl-sriov-host without an IOMMU (no intel_iommu=on)",
	.devs = adl_sriov_devs, .ndevs = ARRAY_SIZE(adl_sriov_devs),
	.va_conf = "driver:i915 ok " VA_INTEL_GEN12 "\n",
	.sysfiles = adl_no_iommu_files, .nsysfiles = ARRAY_SIZE(adl_no_iommu_files),
};

const struct topology *const topologies[] = {
	&adl_sriov_host, &adl_sriov_lxc_vf4, &adl_sriov_lxc_vf4_remapped, &intel_nvidia,
	&intel_arc, &amd, &many_nodes, &xe_sriov, &non_pci, &empty,
	&adl_sriov_vfio, &adl_sriov_vm_guest, &intel_amd_swapped,
	&adl_sriov_novfs, &adl_sriov_unbound, &adl_sriov_pve,
	&adl_stock_i915, &adl_sriov_guc_wrong, &adl_sriov_no_iommu, &adl_sriov_lxc_vf4_bypath,
	&flex170x4_sriov, &flex170x4_lxc, &flex170x2_sriov, &flex170x8_sriov,
};
const size_t n_topologies = ARRAY_SIZE(topologies);
