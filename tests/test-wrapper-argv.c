/*
 * The ffmpeg wrapper's argv rewriter (fftools-wrapper/rewrite.c), table-driven.
 *
 * Each row is a real command line (Jellyfin, Emby, Plex-style, Frigate), a topology, a mode,
 * the FFmpeg release lines it holds for (all, unless it says) and the command line expected.
 * The rows run twice, for each of those release lines:
 *   - "table": against a resolver that answers from a small table modelled on the harness
 *     topology of the same name (no devices, no libvadiscover): the rewriter alone;
 *   - "harness": against the wrapper's real resolver (libvadiscover, real libva, the fake
 *     VA driver) inside the harness topology itself (th_enter), in this process.
 * Every row is also run with mode off, where nothing may change and nothing is asked.
 * Unchanged arguments must be the caller's very pointers (byte-exact by construction).
 *
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fftools-wrapper/resolve.h"
#include "fftools-wrapper/rewrite.h"
#include "tests/common/harness.h"
#include "tests/common/runner.h"

#define JF_VAAPI_TAIL "-filter_hw_device va -hwaccel vaapi -hwaccel_output_format vaapi " \
	"-noautorotate -i file:/media/movie.mkv -autoscale 0 -map_metadata -1 " \
	"-map_chapters -1 -threads 0 -map 0:0 -map 0:1 -map -0:s -codec:v:0 h264_vaapi " \
	"-rc_mode VBR -b:v 8000000 -maxrate 8000000 -bufsize 16000000 -profile:v:0 main " \
	"-sei -a53_cc -force_key_frames:0 expr:gte(t,n_forced*3) " \
	"-vf setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709," \
	"scale_vaapi=w=1280:h=720:format=nv12:extra_hw_frames=24 -codec:a:0 aac -ac 2 " \
	"-ab 256000 -copyts -avoid_negative_ts disabled -max_muxing_queue_size 2048 -f hls " \
	"-max_delay 5000000 -hls_time 3 -hls_segment_type mpegts -start_number 0 " \
	"-hls_segment_filename /config/transcodes/abc%d.ts -hls_playlist_type vod " \
	"-hls_list_size 0 -y /config/transcodes/abc.m3u8"

#define JF_QSV_TAIL "-init_hw_device qsv=qs@va -filter_hw_device qs -hwaccel qsv " \
	"-hwaccel_output_format qsv -c:v h264_qsv -i file:/media/movie.mkv -map 0:0 " \
	"-codec:v:0 h264_qsv -preset veryfast -b:v 8000000 -vf scale_qsv=w=1280:h=720 " \
	"-f mp4 -y /config/transcodes/abc.mp4"

#define JF_AMD_TAIL "-init_hw_device vaapi=va@dr -filter_hw_device va -hwaccel vaapi " \
	"-hwaccel_output_format vaapi -i file:/media/movie.mkv -codec:v:0 h264_vaapi " \
	"-rc_mode VBR -b:v 8000000 -f null -"

#define JF_VK_TAIL "-init_hw_device vaapi=va@dr -init_hw_device vulkan=vk@dr " \
	"-filter_hw_device vk -hwaccel vaapi -hwaccel_output_format vaapi " \
	"-i file:/media/movie.mkv -vf hwmap=derive_device=vulkan,libplacebo=format=yuv420p," \
	"hwmap=derive_device=vaapi:reverse=1 -codec:v:0 hevc_vaapi -f null -"

#define JF_OCL_TAIL "-init_hw_device opencl=ocl@va -filter_hw_device ocl -hwaccel vaapi " \
	"-hwaccel_output_format vaapi -i file:/media/movie.mkv " \
	"-vf hwmap=derive_device=opencl,tonemap_opencl=format=nv12:t=bt709:tonemap=bt2390," \
	"hwmap=derive_device=vaapi:reverse=1 -codec:v:0 hevc_vaapi -f null -"

#define FRIGATE_HEAD "-hide_banner -loglevel warning -threads 2 " \
	"-hwaccel_flags allow_profile_mismatch -hwaccel vaapi"
#define FRIGATE_TAIL "-hwaccel_output_format vaapi -avoid_negative_ts make_zero " \
	"-fflags +genpts+discardcorrupt -rtsp_transport tcp -timeout 5000000 " \
	"-use_wallclock_as_timestamps 1 -i rtsp://127.0.0.1:8554/front -r 5 " \
	"-vf fps=5,scale_vaapi=w=1280:h=720,hwdownload,format=nv12 -f rawvideo " \
	"-pix_fmt yuv420p pipe:"

#define D128 "/dev/dri/renderD128"
#define D129 "/dev/dri/renderD129"
#define D132 "/dev/dri/renderD132"
#define PROBE "-v verbose -hide_banner -init_hw_device vaapi=va:"

enum {
	R_WARN = 1 << 0,	/* a device argument is left as given, with a warning */
	R_NOPROBE = 1 << 1,	/* no device argument: the resolver must not be asked */
	R_TABLE = 1 << 2,	/* only against the table (the fake VA driver differs) */
	R_HARNESS = 1 << 3,	/* only in the harness (the table has no such topology) */
};

/* FFmpeg release lines (enum vfw_release) */
#define REL(r) (1u << (r))
#define UNK REL(VFW_RELEASE_UNKNOWN)
#define F5 REL(VFW_RELEASE_5)
#define F6 REL(VFW_RELEASE_6)
#define F7 REL(VFW_RELEASE_7)
#define F8 REL(VFW_RELEASE_8)
#define F9 REL(VFW_RELEASE_9)
#define ALL_RELEASES (UNK | F5 | F6 | F7 | F8 | F9)

#define AUTO (1 << VFW_MODE_AUTO)
#define FORCE (1 << VFW_MODE_FORCE)
#define BOTH (AUTO | FORCE)

struct row {
	const char *topo;
	unsigned int modes;	/* AUTO, FORCE or BOTH */
	const char *select;	/* VADISCOVER_SELECT, or NULL */
	const char *in;		/* the command line after argv[0], split at spaces */
	const char *out;	/* expected, or NULL: unchanged */
	unsigned int flags;
	unsigned int releases;	/* F5, F7, UNK...; 0: every release line */
};

static const struct row rows[] = {
	/* Jellyfin's start-up probes (stdout parsed): no device argument, no probing */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-version", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hide_banner -decoders", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hide_banner -encoders", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hide_banner -filters", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hide_banner -hwaccels", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hide_banner -h filter=scale_vaapi", NULL, R_NOPROBE,
	  0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hide_banner -h bsf=hevc_mp4toannexb", NULL,
	  R_NOPROBE, 0 },
	/* an OPT_EXIT option takes the next argument, whatever it is */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-version -init_hw_device vaapi=va:" D128, NULL,
	  R_NOPROBE, 0 },

	/* Jellyfin's VAAPI probe (stderr parsed) */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, PROBE D128, PROBE D132, 0, 0 },
	{ "adl-sriov-lxc-vf4-remapped", BOTH, NULL, PROBE D128, NULL, 0, 0 },
	{ "intel-nvidia", BOTH, NULL, PROBE D128, PROBE D129, 0, 0 },
	{ "intel-amd-swapped", BOTH, NULL, PROBE D128, NULL, 0, 0 },
	/* VADISCOVER_SELECT filters a given node in auto mode too: a working node that does
	 * not match it is replaced (vendor=8086 as lspci prints it is Intel) */
	{ "intel-amd-swapped", BOTH, "vendor=0x8086", PROBE D128, PROBE D129, 0, 0 },
	{ "intel-amd-swapped", BOTH, "vendor=8086", PROBE D128, PROBE D129, 0, 0 },
	{ "intel-amd-swapped", AUTO, "vendor=0x8086", PROBE D129, NULL, 0, 0 },
	{ "intel-amd-swapped", AUTO, "vendor=0x1002", PROBE D128, NULL, 0, 0 },
	/* ... without its index=, which counts among all devices, not the one node given */
	{ "intel-amd-swapped", AUTO, "index=1", PROBE D128, NULL, 0, 0 },
	{ "intel-amd-swapped", AUTO, "vendor=8086,index=0", PROBE D129, NULL, 0, 0 },
	{ "intel-amd-swapped", AUTO, "index=1,vendor=0x1002", PROBE D128, NULL, 0, 0 },
	{ "empty", BOTH, NULL, PROBE D128, NULL, R_WARN, 0 },
	{ "intel-nvidia", BOTH, "vendor=0x1002", PROBE D129, NULL, R_WARN, 0 },
	/* Jellyfin's Vulkan probe */
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-v verbose -hide_banner -init_hw_device drm=dr:" D128 " -init_hw_device vulkan=vk@dr",
	  "-v verbose -hide_banner -init_hw_device drm=dr:" D132 " -init_hw_device vulkan=vk@dr",
	  0, 0 },

	/* Jellyfin Intel VAAPI transcode, with the node and without (node missing) */
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-init_hw_device vaapi=va:" D128 ",driver=iHD " JF_VAAPI_TAIL,
	  "-init_hw_device vaapi=va:" D132 ",driver=iHD " JF_VAAPI_TAIL, 0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-init_hw_device vaapi=va:,driver=iHD " JF_VAAPI_TAIL,
	  "-init_hw_device vaapi=va:" D132 ",driver=iHD " JF_VAAPI_TAIL, 0, 0 },
	{ "intel-nvidia", BOTH, NULL,
	  "-init_hw_device vaapi=va:" D128 ",driver=iHD " JF_VAAPI_TAIL,
	  "-init_hw_device vaapi=va:" D129 ",driver=iHD " JF_VAAPI_TAIL, 0, 0 },
	{ "adl-sriov-lxc-vf4-remapped", BOTH, NULL,
	  "-init_hw_device vaapi=va:" D128 ",driver=iHD " JF_VAAPI_TAIL, NULL, 0, 0 },
	{ "intel-amd-swapped", BOTH, NULL,
	  "-init_hw_device vaapi=va:" D128 ",driver=iHD " JF_VAAPI_TAIL,
	  "-init_hw_device vaapi=va:" D129 ",driver=iHD " JF_VAAPI_TAIL, R_TABLE, 0 },
	/* Jellyfin OpenCL tone mapping on VAAPI */
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-init_hw_device vaapi=va:" D128 ",driver=iHD " JF_OCL_TAIL,
	  "-init_hw_device vaapi=va:" D132 ",driver=iHD " JF_OCL_TAIL, 0, 0 },

	/* Jellyfin QSV: the VAAPI child by vendor_id (10.9), kernel_driver (10.8), or node */
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-init_hw_device vaapi=va:,vendor_id=0x8086,driver=iHD " JF_QSV_TAIL,
	  "-init_hw_device vaapi=va:" D132 ",vendor_id=0x8086,driver=iHD " JF_QSV_TAIL, 0, 0 },
	{ "intel-nvidia", BOTH, NULL,
	  "-init_hw_device vaapi=va:,kernel_driver=i915,driver=iHD " JF_QSV_TAIL,
	  "-init_hw_device vaapi=va:" D129 ",kernel_driver=i915,driver=iHD " JF_QSV_TAIL, 0, 0 },
	{ "intel-amd-swapped", BOTH, NULL,
	  "-init_hw_device vaapi=va:" D128 ",driver=iHD " JF_QSV_TAIL,
	  "-init_hw_device vaapi=va:" D129 ",driver=iHD " JF_QSV_TAIL, R_TABLE, 0 },
	{ "intel-amd-swapped", BOTH, NULL,
	  "-init_hw_device vaapi=va:" D128 ",vendor_id=0x8086,driver=iHD " JF_QSV_TAIL,
	  "-init_hw_device vaapi=va:" D129 ",vendor_id=0x8086,driver=iHD " JF_QSV_TAIL, 0, 0 },
	{ "intel-amd-swapped", BOTH, NULL,
	  "-init_hw_device vaapi=va:,kernel_driver=amdgpu " JF_QSV_TAIL,
	  "-init_hw_device vaapi=va:" D128 ",kernel_driver=amdgpu " JF_QSV_TAIL, 0, 0 },
	{ "intel-nvidia", BOTH, NULL,
	  "-init_hw_device vaapi=va:,vendor_id=0x1002 " JF_QSV_TAIL, NULL, R_WARN, 0 },

	/* Jellyfin AMD: a DRM device, VAAPI derived from it */
	{ "intel-nvidia", BOTH, NULL, "-init_hw_device drm=dr:" D128 " " JF_AMD_TAIL,
	  "-init_hw_device drm=dr:" D129 " " JF_AMD_TAIL, 0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device drm=dr:" D128 " " JF_AMD_TAIL,
	  "-init_hw_device drm=dr:" D132 " " JF_AMD_TAIL, 0, 0 },
	{ "intel-amd-swapped", BOTH, NULL, "-init_hw_device drm=dr:" D128 " " JF_AMD_TAIL,
	  NULL, 0, 0 },
	{ "intel-amd-swapped", BOTH, "vendor=0x8086", "-init_hw_device drm=dr:" D128 " "
	  JF_AMD_TAIL, "-init_hw_device drm=dr:" D129 " " JF_AMD_TAIL, 0, 0 },
	/* Jellyfin Vulkan on AMD */
	{ "intel-nvidia", BOTH, NULL, "-init_hw_device drm=dr:" D128 " " JF_VK_TAIL,
	  "-init_hw_device drm=dr:" D129 " " JF_VK_TAIL, 0, 0 },

	/* Emby-style: a named device, -hwaccel_device by name (a name is never a node) */
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-init_hw_device vaapi=va:" D128 " -hwaccel vaapi -hwaccel_device va "
	  "-hwaccel_output_format vaapi -i /media/movie.mkv -c:v h264_vaapi -y out.mkv",
	  "-init_hw_device vaapi=va:" D132 " -hwaccel vaapi -hwaccel_device va "
	  "-hwaccel_output_format vaapi -i /media/movie.mkv -c:v h264_vaapi -y out.mkv", 0, 0 },
	/* Plex-style: the device named "vaapi", stream-specific options */
	{ "intel-nvidia", BOTH, NULL,
	  "-hwaccel:0 vaapi -hwaccel_device:0 vaapi -init_hw_device vaapi=vaapi:" D128
	  " -i /media/movie.mkv -codec:0 h264_vaapi -f null -",
	  "-hwaccel:0 vaapi -hwaccel_device:0 vaapi -init_hw_device vaapi=vaapi:" D129
	  " -i /media/movie.mkv -codec:0 h264_vaapi -f null -", 0, 0 },
	/* Frigate's preset-vaapi: -hwaccel_device NODE */
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  FRIGATE_HEAD " -hwaccel_device " D128 " " FRIGATE_TAIL,
	  FRIGATE_HEAD " -hwaccel_device " D132 " " FRIGATE_TAIL, 0, 0 },
	{ "adl-sriov-lxc-vf4-remapped", BOTH, NULL,
	  FRIGATE_HEAD " -hwaccel_device " D128 " " FRIGATE_TAIL, NULL, 0, 0 },
	/* -hwaccel vaapi alone: ffmpeg would search renderD128.. with no node; one is added */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, FRIGATE_HEAD " " FRIGATE_TAIL,
	  FRIGATE_HEAD " -hwaccel_device " D132 " " FRIGATE_TAIL, 0, 0 },
	{ "intel-nvidia", BOTH, NULL,
	  "-hwaccel:v vaapi -i in.mkv -hwaccel vaapi -i in2.mkv -filter_complex hstack -f null -",
	  "-hwaccel:v vaapi -hwaccel_device:v " D129 " -i in.mkv -hwaccel vaapi "
	  "-hwaccel_device " D129 " -i in2.mkv -filter_complex hstack -f null -", 0, 0 },
	/* ... also when the options create two: ffmpeg then makes a third, with no node */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=a:" D132 " -init_hw_device "
	  "vaapi=b:" D132 " -hwaccel vaapi -i in.mkv -f null -", "-init_hw_device vaapi=a:" D132
	  " -init_hw_device vaapi=b:" D132 " -hwaccel vaapi -hwaccel_device " D132
	  " -i in.mkv -f null -", 0, 0 },
	/* ... but not when the options create the one VAAPI device it will use */
	{ "adl-sriov-lxc-vf4-remapped", BOTH, NULL,
	  "-vaapi_device " D128 " -hwaccel vaapi -i in.mkv -f null -", NULL, 0, 0 },
	/* -vaapi_device, -qsv_device */
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-vaapi_device " D128 " -i in.mkv -vf format=nv12,hwupload -c:v h264_vaapi out.mp4",
	  "-vaapi_device " D132 " -i in.mkv -vf format=nv12,hwupload -c:v h264_vaapi out.mp4", 0,
	  0 },
	{ "intel-nvidia", BOTH, NULL,
	  "-qsv_device " D128 " -hwaccel qsv -c:v h264_qsv -i in.mkv -c:v h264_qsv out.mp4",
	  "-qsv_device " D129 " -hwaccel qsv -c:v h264_qsv -i in.mkv -c:v h264_qsv out.mp4", 0, 0 },
	{ "intel-amd-swapped", BOTH, NULL,
	  "-init_hw_device qsv=hw:hw_any,child_device=" D128 " -hwaccel qsv -i in.mkv out.mp4",
	  "-init_hw_device qsv=hw:hw_any,child_device=" D129 " -hwaccel qsv -i in.mkv out.mp4",
	  0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device qsv=hw -hwaccel qsv -i in.mkv o.mp4",
	  "-init_hw_device qsv=hw:,child_device=" D132 " -hwaccel qsv -i in.mkv o.mp4", 0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device qsv:hw_any -i in.mkv o.mp4",
	  "-init_hw_device qsv:hw_any,child_device=" D132 " -i in.mkv o.mp4", 0, 0 },
	/* bare and option-only forms */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi -i in.mkv o.mp4",
	  "-init_hw_device vaapi:" D132 " -i in.mkv o.mp4", 0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va -i in.mkv o.mp4",
	  "-init_hw_device vaapi=va:" D132 " -i in.mkv o.mp4", 0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va,driver=iHD -i in.mkv o.mp4",
	  "-init_hw_device vaapi=va:" D132 ",driver=iHD -i in.mkv o.mp4", 0, 0 },
	/* ffmpeg reads the type up to ':', '=' or '@': "vaapi,driver" is no type it knows */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi,driver=iHD -i in.mkv o.mp4",
	  NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va:,kernel_driver=i915",
	  "-init_hw_device vaapi=va:" D132 ",kernel_driver=i915", 0, 0 },

	/* must not change, must not probe: paths that are not device arguments */
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-f lavfi -i testsrc -metadata comment=vaapi=va:" D128 " -y out.mkv", NULL, R_NOPROBE,
	  0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-f lavfi -i testsrc -metadata -init_hw_device vaapi=va:" D128, NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-i " D128 " -f null -", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-i -init_hw_device vaapi=va:" D128, NULL, R_NOPROBE,
	  0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-device /dev/dri/card0 -f kmsgrab -i - -vf hwmap=derive_device=vaapi -f null -",
	  NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-f v4l2 -i /dev/video0 -f null -", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-y -- -init_hw_device vaapi=va:" D128, NULL,
	  R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-threads -init_hw_device vaapi=va:" D128, NULL,
	  R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va:" D128
	  ",connection_type=x11", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va::0", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-init_hw_device opencl=ocl:0.0 -init_hw_device cuda=cu:0 -init_hw_device vulkan:1",
	  NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel cuda -hwaccel_device 0 -i in.mkv -f null -",
	  NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL,
	  "-hwaccel vaapi -hwaccel_device va -init_hw_device vaapi=va@dr -i in.mkv -f null -",
	  NULL, R_NOPROBE, 0 },
	/* a node path with ':' in it (udev's by-path names): kept when it works (in force
	 * mode too, when it is the selected node under another name), else replaced whole */
	{ "adl-sriov-host", AUTO, NULL, "-init_hw_device vaapi=va:/dev/dri/by-path/"
	  "pci-0000:00:02.4-render,driver=iHD -init_hw_device qsv=qs@va", NULL, R_HARNESS, 0 },
	{ "adl-sriov-host", FORCE, NULL, "-init_hw_device vaapi=va:/dev/dri/by-path/"
	  "pci-0000:00:02.4-render,driver=iHD -init_hw_device qsv=qs@va",
	  "-init_hw_device vaapi=va:" D128 ",driver=iHD -init_hw_device qsv=qs@va", R_HARNESS, 0 },
	{ "adl-sriov-host", FORCE, "role=vf,vf=4", "-init_hw_device vaapi=va:/dev/dri/by-path/"
	  "pci-0000:00:02.4-render,driver=iHD -init_hw_device qsv=qs@va", NULL, R_HARNESS, 0 },
	{ "adl-sriov-host", BOTH, "vf=4", "-init_hw_device vaapi:/dev/dri/by-path/"
	  "pci-0000:00:02.9-render", "-init_hw_device vaapi:" D132, R_HARNESS, 0 },
	/* a device may be *named* like a node: -hwaccel_device then means that device */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=" D128 " -hwaccel vaapi "
	  "-hwaccel_device " D128 " -i in.mkv -f null -", "-init_hw_device vaapi=" D128 ":" D132
	  " -hwaccel vaapi -hwaccel_device " D128 " -i in.mkv -f null -", 0, 0 },
	/* ffmpeg would reject these (missing value; a trailing input option): no change */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va:" D128 " -i", NULL,
	  R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-i in.mkv out.mkv -hwaccel vaapi -hwaccel_device "
	  D128, NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va:" D128 ",dri\\ver=iHD",
	  NULL, R_NOPROBE, 0 },
	/* a -noBOOL option takes no value: the device option after it is one */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-nostdin -init_hw_device vaapi=va:" D128,
	  "-nostdin -init_hw_device vaapi=va:" D132, 0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-noautorotate -init_hw_device vaapi=va:" D128,
	  "-noautorotate -init_hw_device vaapi=va:" D132, 0, 0 },

	/* Release lines. -autorotate and -autoscale take a value up to 6.x (HAS_ARG |
	 * OPT_BOOL) and none from 7.0 (OPT_TYPE_BOOL): a 7.x flag before a device option */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-autorotate -hwaccel vaapi -i in.mkv out.mp4",
	  "-autorotate -hwaccel vaapi -hwaccel_device " D132 " -i in.mkv out.mp4", 0,
	  F7 | F8 | F9 | UNK },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-autorotate -hwaccel vaapi -i in.mkv out.mp4", NULL,
	  R_NOPROBE, F5 | F6 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-autoscale -init_hw_device vaapi=va:" D128
	  " -i in.mkv out.mp4", "-autoscale -init_hw_device vaapi=va:" D132 " -i in.mkv out.mp4",
	  0, F7 | F8 | F9 | UNK },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-autoscale -init_hw_device vaapi=va:" D128
	  " -i in.mkv out.mp4", NULL, R_NOPROBE, F5 | F6 },
	/* ... and a 5.x value: Jellyfin's "-autoscale 0" (the 0 is an output file for 7.x) */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-i in.mkv -autoscale 0 -vaapi_device " D128
	  " -c:v h264_vaapi out.mp4", "-i in.mkv -autoscale 0 -vaapi_device " D132
	  " -c:v h264_vaapi out.mp4", 0, 0 },
	/* -display_hflip: a flag from 6.1, an (unknown) AVOption with a value in 5.x */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-display_hflip -init_hw_device vaapi=va:" D128
	  " -i in.mkv out.mp4", "-display_hflip -init_hw_device vaapi=va:" D132
	  " -i in.mkv out.mp4", 0, F6 | F7 | F8 | F9 | UNK },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-display_hflip -init_hw_device vaapi=va:" D128
	  " -i in.mkv out.mp4", NULL, R_NOPROBE, F5 },
	/* -print_graphs: a flag from 8.0 */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-print_graphs -init_hw_device vaapi=va:" D128
	  " -i in.mkv out.mp4", "-print_graphs -init_hw_device vaapi=va:" D132
	  " -i in.mkv out.mp4", 0, F8 | F9 | UNK },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-print_graphs -init_hw_device vaapi=va:" D128
	  " -i in.mkv out.mp4", NULL, R_NOPROBE, F5 | F6 | F7 },
	/* The rule for an unknown release: a value is taken when it does not look like an
	 * option. Here 5.x and the rule give the -hwaccel to in.mkv; 7.x makes "0" an
	 * output file, the -hwaccel its option (ffmpeg then rejects it: an input option). */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel vaapi -autorotate 0 -i in.mkv out.mp4",
	  "-hwaccel vaapi -hwaccel_device " D132 " -autorotate 0 -i in.mkv out.mp4", 0,
	  F5 | F6 | UNK },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel vaapi -autorotate 0 -i in.mkv out.mp4",
	  NULL, R_NOPROBE, F7 | F8 | F9 },
	/* -/NAME FILE (7.0): the value is in FILE, so FILE is no device argument; 5.x and 6.x
	 * reject the option (no AVOption is named "/...") */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-/filter_complex graph.txt -init_hw_device "
	  "vaapi=va:" D128 " -i in.mkv out.mp4", "-/filter_complex graph.txt -init_hw_device "
	  "vaapi=va:" D132 " -i in.mkv out.mp4", 0, F7 | F8 | F9 | UNK },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-/filter_complex graph.txt -init_hw_device "
	  "vaapi=va:" D128 " -i in.mkv out.mp4", NULL, R_NOPROBE, F5 | F6 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-/init_hw_device " D128 " -i in.mkv out.mp4", NULL,
	  R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-/vaapi_device " D128 " -i in.mkv out.mp4", NULL,
	  R_NOPROBE, 0 },
	/* ... a device from a file may be the VAAPI device -hwaccel uses: none is added */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-/init_hw_device dev.txt -hwaccel vaapi -i in.mkv "
	  "out.mp4", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel vaapi -/hwaccel_device /tmp/dev.txt -i in.mkv "
	  "out.mp4", NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel vaapi -/hwaccel hw.txt -i in.mkv out.mp4",
	  NULL, R_NOPROBE, 0 },
	/* -/NAME for a flag takes no value (ffmpeg then rejects it) */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-/autorotate -init_hw_device vaapi=va:" D128,
	  "-/autorotate -init_hw_device vaapi=va:" D132, 0, F7 | F8 | F9 | UNK },
	/* -dec SPEC (7.1) ends a loopback decoder's group: a -hwaccel before it is not the
	 * next input's (ffmpeg rejects it there); up to 6.x -dec is an unknown AVOption */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-i in.mkv -c:v h264 -f null - -hwaccel vaapi "
	  "-dec 0:0 -i in2.mkv out.mp4", NULL, R_NOPROBE, F7 | F8 | F9 | UNK },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-i in.mkv -c:v h264 -f null - -hwaccel vaapi "
	  "-dec 0:0 -i in2.mkv out.mp4", "-i in.mkv -c:v h264 -f null - -hwaccel vaapi "
	  "-hwaccel_device " D132 " -dec 0:0 -i in2.mkv out.mp4", 0, F5 | F6 },
	/* the value of -license (8.0, exits) is whatever follows */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-license -init_hw_device vaapi=va:" D128, NULL,
	  R_NOPROBE, F8 | F9 | UNK },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-L -init_hw_device vaapi=va:" D128, NULL,
	  R_NOPROBE, 0 },

	/* ffmpeg uses the last -hwaccel of an input: a later one that is not vaapi wins */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel vaapi -hwaccel cuda -i in.mkv out.mp4",
	  NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel cuda -hwaccel vaapi -i in.mkv out.mp4",
	  "-hwaccel cuda -hwaccel vaapi -hwaccel_device " D132 " -i in.mkv out.mp4", 0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel vaapi -hwaccel:v qsv -i in.mkv out.mp4",
	  NULL, R_NOPROBE, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel vaapi -hwaccel_device " D128
	  " -hwaccel cuda -i in.mkv out.mp4", NULL, R_NOPROBE, 0 },
	/* ... each input its own: the second input's cuda leaves the first one's vaapi */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-hwaccel vaapi -i a.mkv -hwaccel cuda -i b.mkv "
	  "out.mp4", "-hwaccel vaapi -hwaccel_device " D132 " -i a.mkv -hwaccel cuda -i b.mkv "
	  "out.mp4", 0, 0 },
	/* ... and the last -hwaccel_device: an overridden node is not ffmpeg's business */
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va:" D132 " -hwaccel vaapi "
	  "-hwaccel_device " D128 " -hwaccel_device va -i in.mkv out.mp4", NULL, 0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va:" D132 " -hwaccel vaapi "
	  "-hwaccel_device va -hwaccel_device " D128 " -i in.mkv out.mp4", "-init_hw_device "
	  "vaapi=va:" D132 " -hwaccel vaapi -hwaccel_device va -hwaccel_device " D132
	  " -i in.mkv out.mp4", 0, 0 },
	{ "adl-sriov-lxc-vf4", BOTH, NULL, "-init_hw_device vaapi=va:" D132 " -hwaccel vaapi "
	  "-hwaccel_device:v:1 " D128 " -hwaccel_device:v:0 va -i in.mkv out.mp4",
	  "-init_hw_device vaapi=va:" D132 " -hwaccel vaapi -hwaccel_device:v:1 " D132
	  " -hwaccel_device:v:0 va -i in.mkv out.mp4", 0, 0 },
	/* -vaapi_device NODE,KEY=VALUE: pasted after "vaapi:", so NODE ends at ',' */
	{ "intel-nvidia", BOTH, NULL, "-vaapi_device " D128 ",driver=iHD -i in.mkv out.mp4",
	  "-vaapi_device " D129 ",driver=iHD -i in.mkv out.mp4", 0, 0 },

	/* xe: libva before 2.21 finds no VA driver for it; the device argument names iHD
	 * when it can (a node kept that way counts as a change) */
	{ "xe-sriov", BOTH, NULL, PROBE D128, PROBE D128 ",driver=iHD", 0, 0 },
	{ "xe-sriov", BOTH, NULL, "-init_hw_device vaapi=va:,vendor_id=0x8086 " JF_QSV_TAIL,
	  "-init_hw_device vaapi=va:" D128 ",vendor_id=0x8086,driver=iHD " JF_QSV_TAIL, 0, 0 },
	{ "xe-sriov", BOTH, NULL, "-init_hw_device vaapi=va:" D128 ",driver=iHD " JF_VAAPI_TAIL,
	  NULL, 0, 0 },
	{ "xe-sriov", BOTH, NULL, "-init_hw_device vaapi -i in.mkv o.mp4",
	  "-init_hw_device vaapi:" D128 ",driver=iHD -i in.mkv o.mp4", 0, 0 },
	{ "xe-sriov", BOTH, NULL, "-init_hw_device vaapi=va,kernel_driver=xe -i in.mkv o.mp4",
	  "-init_hw_device vaapi=va:" D128 ",kernel_driver=xe,driver=iHD -i in.mkv o.mp4", 0,
	  0 },
	{ "xe-sriov", BOTH, NULL, "-vaapi_device " D128 " -i in.mkv -vf format=nv12,hwupload "
	  "-c:v h264_vaapi out.mp4", "-vaapi_device " D128 ",driver=iHD -i in.mkv "
	  "-vf format=nv12,hwupload -c:v h264_vaapi out.mp4", 0, 0 },
	{ "xe-sriov", FORCE, "vf=4", PROBE D128, PROBE D132 ",driver=iHD", R_HARNESS, 0 },
	/* ... forms that cannot carry driver=: -hwaccel_device (no options), a DRM device
	 * (VAAPI derived from it takes none), QSV (its VAAPI child has driver=iHD already) */
	{ "xe-sriov", BOTH, NULL, FRIGATE_HEAD " -hwaccel_device " D128 " " FRIGATE_TAIL, NULL,
	  0, 0 },
	{ "xe-sriov", BOTH, NULL, FRIGATE_HEAD " " FRIGATE_TAIL,
	  FRIGATE_HEAD " -hwaccel_device " D128 " " FRIGATE_TAIL, 0, 0 },
	{ "xe-sriov", BOTH, NULL, "-init_hw_device drm=dr:" D128 " " JF_AMD_TAIL, NULL, 0, 0 },
	{ "xe-sriov", BOTH, NULL, "-init_hw_device qsv=hw:hw_any,child_device=" D128
	  " -hwaccel qsv -i in.mkv out.mp4", NULL, 0, 0 },
	{ "xe-sriov", BOTH, NULL, "-qsv_device " D128 " -hwaccel qsv -i in.mkv out.mp4", NULL,
	  0, 0 },
	/* ... but it gets its node: without child_device, 5.1's libavutil QSV searches for a
	 * node with kernel_driver=i915 (none on xe; 7.1 searches by vendor_id) */
	{ "xe-sriov", BOTH, NULL, "-init_hw_device qsv=hw -hwaccel qsv -i in.mkv o.mp4",
	  "-init_hw_device qsv=hw:,child_device=" D128 " -hwaccel qsv -i in.mkv o.mp4", 0, 0 },
};

/* ------------------------------------------------------------------------------------ */
/* The table resolver: the harness topologies' nodes as the wrapper would judge them */

struct tnode {
	const char *path;
	unsigned int vendor;
	const char *kernel_driver;
	const char *va;		/* the VA drivers that initialise on it, or "" */
};

struct ttopo {
	const char *name;
	struct tnode nodes[4];
};

static const struct ttopo ttopos[] = {
	{ "adl-sriov-lxc-vf4", { { D132, 0x8086, "i915", "iHD" } } },
	{ "adl-sriov-lxc-vf4-remapped", { { D128, 0x8086, "i915", "iHD" } } },
	{ "intel-nvidia", { { D128, 0x10de, "nvidia-drm", "" },
			    { D129, 0x8086, "i915", "iHD" } } },
	{ "intel-amd-swapped", { { D128, 0x1002, "amdgpu", "radeonsi" },
				 { D129, 0x8086, "i915", "iHD" } } },
	{ "empty", { { NULL, 0, NULL, NULL } } },
	/* a PF and its VFs on xe (the harness has 4 VFs; the table needs no more than 2) */
	{ "xe-sriov", { { D128, 0x8086, "xe", "iHD" }, { D129, 0x8086, "xe", "iHD" } } },
};

struct tres {
	const struct ttopo *topo;
	const char *select;
	int calls;
	char why[256];
};

/* As vad_device_get_required_va_driver(): libva before 2.21 has no driver for xe. */
static const char *required_va_driver(const struct tnode *n)
{
	return !strcmp(n->kernel_driver, "xe") ? "iHD" : NULL;
}

static const char *default_va_driver(const char *kernel_driver)
{
	if (!strcmp(kernel_driver, "i915") || !strcmp(kernel_driver, "xe"))
		return "iHD";
	if (!strcmp(kernel_driver, "amdgpu"))
		return "radeonsi";
	return "nvidia";
}

static bool tnode_matches(struct tres *t, const struct tnode *n, const struct vfw_filters *f)
{
	const char *drv = f->driver ? f->driver : default_va_driver(n->kernel_driver);
	char vendor[16];

	if (f->vendor && strtoul(f->vendor, NULL, 0) != n->vendor) {
		snprintf(t->why, sizeof(t->why), "vendor 0x%04x", n->vendor);
		return false;
	}
	if (t->select && !strncmp(t->select, "vendor=", 7) &&
	    strtoul(t->select + 7, NULL, 16) != n->vendor) {	/* ids are hex */
		snprintf(t->why, sizeof(t->why), "vendor 0x%04x", n->vendor);
		return false;
	}
	if (f->kernel_driver && strcmp(f->kernel_driver, n->kernel_driver)) {
		snprintf(t->why, sizeof(t->why), "kernel driver %s", n->kernel_driver);
		return false;
	}
	snprintf(vendor, sizeof(vendor), "%s", n->va);
	if (!n->va[0] || strcmp(n->va, drv)) {
		snprintf(t->why, sizeof(t->why), "no VA with %s", drv);
		return false;
	}
	return true;
}

static int t_check(void *data, const char *node, const struct vfw_filters *f,
		   const char **va_driver, const char **why)
{
	struct tres *t = data;
	int rc = -ENOENT;

	t->calls++;
	*va_driver = NULL;	/* check() judges the node by its filters and the select */
	snprintf(t->why, sizeof(t->why), "no such node");
	for (const struct tnode *n = t->topo->nodes; n->path; n++) {
		if (!strcmp(n->path, node)) {
			rc = tnode_matches(t, n, f) ? 0 : -ENODEV;
			if (rc == 0)
				*va_driver = required_va_driver(n);
		}
	}
	*why = t->why;
	return rc;
}

static int t_select(void *data, const struct vfw_filters *f, const char **node,
		    const char **va_driver, const char **why)
{
	struct tres *t = data;

	t->calls++;
	*va_driver = NULL;
	snprintf(t->why, sizeof(t->why), "no device");
	for (const struct tnode *n = t->topo->nodes; n->path; n++) {
		if (tnode_matches(t, n, f)) {
			*node = n->path;
			*va_driver = required_va_driver(n);
			return 0;
		}
	}
	*why = t->why;
	return -ENODEV;
}

/* ------------------------------------------------------------------------------------ */

struct cmdline {
	char *buf;
	char **argv;
	int argc;
};

static void split(struct cmdline *c, const char *text)
{
	c->buf = strdup(text ? text : "");
	ck_assert_ptr_nonnull(c->buf);
	c->argv = calloc(strlen(c->buf) + 3, sizeof(char *));
	ck_assert_ptr_nonnull(c->argv);
	c->argc = 0;
	c->argv[c->argc++] = "ffmpeg";
	for (char *save = NULL, *tok = strtok_r(c->buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		c->argv[c->argc++] = tok;
	c->argv[c->argc] = NULL;
}

static void cmdline_free(struct cmdline *c)
{
	free(c->buf);
	free(c->argv);
}

static char *join(char *const *argv, int argc)
{
	size_t n = 1;
	for (int i = 1; i < argc; i++)
		n += strlen(argv[i]) + 1;
	char *s = calloc(1, n);
	ck_assert_ptr_nonnull(s);
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* Runs one row in @mode for @rel against @r (whose call count is *calls) and checks it. */
static void check_row(size_t i, enum vfw_mode mode, enum vfw_release rel,
		      const struct vfw_resolver *r, const int *calls)
{
	const struct row *row = &rows[i];
	struct cmdline in;
	struct vfw_result res;
	int calls_before = *calls;

	split(&in, row->in);
	ck_assert_int_eq(vfw_rewrite(in.argc, in.argv, mode, rel, r, &res), 0);
	char *got = join(res.argv, res.argc);
	const char *want = mode == VFW_MODE_OFF || !row->out ? row->in : row->out;

	ck_assert_msg(!strcmp(got, want), "row %zu (%s, %s, FFmpeg %s, select %s):\n in:   %s\n"
		      " got:  %s\n want: %s\n warning: %s", i, row->topo, vfw_mode_name(mode),
		      vfw_release_name(rel), row->select ? row->select : "-", row->in, got, want,
		      res.warning ? res.warning : "-");
	ck_assert_ptr_null(res.argv[res.argc]);
	ck_assert_ptr_eq(res.argv[0], in.argv[0]);

	/* Byte-exact: every argument that did not change is the caller's own pointer. */
	if (res.argc == in.argc) {
		struct cmdline w;
		split(&w, want);
		for (int k = 0; k < in.argc; k++)
			if (!strcmp(in.argv[k], w.argv[k]))
				ck_assert_msg(res.argv[k] == in.argv[k],
					      "row %zu: argument %d copied", i, k);
		cmdline_free(&w);
	}

	if (mode == VFW_MODE_OFF || (row->flags & R_NOPROBE)) {
		ck_assert_int_eq(*calls, calls_before);
		ck_assert_ptr_null(res.report);
		ck_assert_ptr_null(res.warning);
		if (row->flags & R_NOPROBE)
			ck_assert_int_eq(res.nsites, 0);
	} else {
		ck_assert_int_gt(res.nsites, 0);
		ck_assert_int_gt(*calls, calls_before);
		if (row->flags & R_WARN) {
			ck_assert_ptr_nonnull(res.warning);
			ck_assert_ptr_nonnull(strstr(res.warning, "as given"));
		} else {
			ck_assert_msg(!res.warning, "row %zu: unexpected warning: %s", i,
				      res.warning);
		}
		/* a report exactly when something changed */
		ck_assert_int_eq(!!res.report, strcmp(got, row->in) != 0);
		ck_assert_int_eq(res.nchanged > 0, strcmp(got, row->in) != 0);
	}
	free(got);
	vfw_result_release(&res);
	cmdline_free(&in);
}

static const struct ttopo *ttopo_find(const char *name)
{
	for (size_t i = 0; i < sizeof(ttopos) / sizeof(ttopos[0]); i++)
		if (!strcmp(ttopos[i].name, name))
			return &ttopos[i];
	return NULL;
}

static unsigned int row_releases(const struct row *row)
{
	return row->releases ? row->releases : ALL_RELEASES;
}

START_TEST(table_row)
{
	const struct row *row = &rows[_i];
	struct tres t = { .topo = ttopo_find(row->topo), .select = row->select };
	struct vfw_resolver r = { t_check, t_select, &t, NULL };

	if (row->flags & R_HARNESS)
		return;
	ck_assert_ptr_nonnull(t.topo);
	for (int rel = VFW_RELEASE_UNKNOWN; rel <= VFW_RELEASE_9; rel++) {
		if (!(row_releases(row) & REL(rel)))
			continue;
		for (int m = VFW_MODE_AUTO; m <= VFW_MODE_OFF; m++)
			if (m == VFW_MODE_OFF || (row->modes & (1u << m)))
				check_row((size_t)_i, (enum vfw_mode)m, (enum vfw_release)rel,
					  &r, &t.calls);
	}
}
END_TEST

/* A command line vfw_release_matters() calls release-free reads alike in every line: the
 * row's rewrite is the same for each release line and for an unknown one. */
START_TEST(release_free_row)
{
	const struct row *row = &rows[_i];
	struct tres t = { .topo = ttopo_find(row->topo), .select = row->select };
	struct vfw_resolver r = { t_check, t_select, &t, NULL };
	struct cmdline in;
	char *first = NULL;

	if (row->flags & R_HARNESS)
		return;
	split(&in, row->in);
	if (vfw_release_matters(in.argc, in.argv)) {
		cmdline_free(&in);
		return;
	}
	ck_assert_msg(row_releases(row) == ALL_RELEASES,
		      "row %zu holds for some lines only, yet reads alike in all: %s", (size_t)_i,
		      row->in);
	for (int rel = VFW_RELEASE_UNKNOWN; rel <= VFW_RELEASE_9; rel++) {
		struct vfw_result res;

		ck_assert_int_eq(vfw_rewrite(in.argc, in.argv, VFW_MODE_FORCE,
					     (enum vfw_release)rel, &r, &res), 0);
		char *got = join(res.argv, res.argc);
		if (!first)
			first = got;
		else
			ck_assert_msg(!strcmp(first, got), "row %zu: %s as %s, %s as unknown",
				      (size_t)_i, got, vfw_release_name((enum vfw_release)rel),
				      first);
		if (got != first)
			free(got);
		vfw_result_release(&res);
	}
	free(first);
	cmdline_free(&in);
}
END_TEST

/* Which arguments make the release matter: an option two lines read differently, as an
 * option or wherever it stands (a value is not told from an option without the release). */
START_TEST(release_matters)
{
	static const struct {
		const char *in;
		bool matters;
	} cases[] = {
		{ "-version", false },
		{ "-v verbose -hide_banner -init_hw_device vaapi=va:/dev/dri/renderD128", false },
		{ "-hwaccel vaapi -hwaccel_output_format vaapi -i in.mkv -c:v h264_vaapi out.mp4",
		  false },
		{ "-autorotate -hwaccel vaapi -i in.mkv out.mp4", true },	/* 7.0: a flag */
		{ "-autoscale 0 -i in.mkv out.mp4", true },
		{ "-noautorotate -i in.mkv out.mp4", false },	/* a flag in every line */
		{ "-/filter_complex graph.txt -i in.mkv out.mp4", true },	/* 7.0 */
		{ "-dec 0:0 -i in.mkv out.mp4", true },		/* 7.1 */
		{ "-license", true },				/* exits from 8.0 */
		{ "-i in.mkv -metadata title=-autoscale out.mp4", false },
		{ "-i in.mkv -metadata title -autoscale out.mp4", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cmdline c;

		split(&c, cases[i].in);
		ck_assert_msg(vfw_release_matters(c.argc, c.argv) == cases[i].matters, "%s: %d",
			      cases[i].in, !cases[i].matters);
		cmdline_free(&c);
	}
}
END_TEST

/* The same rows with the wrapper's own resolver (libvadiscover, real libva, the fake VA
 * driver), in this process, inside the harness topology of the row. */

struct counting {
	struct vfw_resolver inner;
	int calls;
};

static int c_check(void *data, const char *node, const struct vfw_filters *f,
		   const char **va_driver, const char **why)
{
	struct counting *c = data;
	c->calls++;
	return c->inner.check(c->inner.data, node, f, va_driver, why);
}

static int c_select(void *data, const struct vfw_filters *f, const char **node,
		    const char **va_driver, const char **why)
{
	struct counting *c = data;
	c->calls++;
	return c->inner.select(c->inner.data, f, node, va_driver, why);
}

static bool c_same(void *data, const char *a, const char *b)
{
	struct counting *c = data;
	return c->inner.same(c->inner.data, a, b);
}

START_TEST(harness_row)
{
	const struct row *row = &rows[_i];
	struct th_opts o = { .topology = row->topo };
	char dir[4096];

	if (row->flags & R_TABLE)
		return;		/* the fake VA driver accepts any driver name on a node */
	ck_assert_int_eq(th_enter(&o, dir, sizeof(dir)), 0);
	for (int rel = VFW_RELEASE_UNKNOWN; rel <= VFW_RELEASE_9; rel++) {
		if (!(row_releases(row) & REL(rel)))
			continue;
		for (int m = VFW_MODE_AUTO; m <= VFW_MODE_OFF; m++) {
			if (m != VFW_MODE_OFF && !(row->modes & (1u << m)))
				continue;
			struct vfw_vad *v = NULL;
			char err[256];
			struct counting c = { .calls = 0 };
			ck_assert_int_eq(vfw_vad_new(&v, row->select, NULL, err, sizeof(err)), 0);
			vfw_vad_resolver(v, &c.inner);
			struct vfw_resolver r = { c_check, c_select, &c, c_same };
			check_row((size_t)_i, (enum vfw_mode)m, (enum vfw_release)rel, &r,
				  &c.calls);
			vfw_vad_free(v);
		}
	}
	th_leave(dir);
}
END_TEST

/* ------------------------------------------------------------------------------------ */
/* ffmpeg's log level, as the wrapper must read it to decide whether to report */

static const struct {
	const char *in;
	int level;
} levels[] = {
	{ "-i x -f null -", 32 },
	{ "-v verbose", 40 },
	{ "-loglevel verbose", 40 },
	{ "-v debug", 48 },
	{ "-v trace", 56 },
	{ "-v 40", 40 },
	{ "-v 39", 39 },
	{ "-v warning", 24 },
	{ "-v quiet", -8 },
	{ "-v repeat+level+verbose", 40 },
	{ "-loglevel level+debug", 48 },
	{ "-v +repeat", 32 },
	{ "-v repeat", 32 },
	{ "-v -repeat+verbose", 40 },
	{ "-v verbose -v info", 32 },
	{ "-loglevel info -v verbose", 40 },
	{ "-v verbose -v bogus", 40 },
	{ "-debug 1 -i x", 48 },
	{ "-debug 1 -v error", 16 },
	{ "-v error -i x -fdebug ts", 16 },
	{ "-metadata -v -i x", 32 },
	{ "-version -v", 32 },
};

START_TEST(loglevel_row)
{
	struct cmdline in;
	struct vfw_result res;
	struct tres t = { .topo = ttopo_find("empty") };
	struct vfw_resolver r = { t_check, t_select, &t, NULL };

	split(&in, levels[_i].in);
	ck_assert_int_eq(vfw_rewrite(in.argc, in.argv, VFW_MODE_AUTO, VFW_RELEASE_5, &r, &res), 0);
	ck_assert_msg(res.loglevel == levels[_i].level, "'%s': level %d, want %d",
		      levels[_i].in, res.loglevel, levels[_i].level);
	vfw_result_release(&res);
	cmdline_free(&in);
}
END_TEST

START_TEST(loglevel_parse)
{
	int l = 32;

	ck_assert_int_eq(vfw_loglevel_parse("bogus", &l), -EINVAL);
	ck_assert_int_eq(l, 32);
	ck_assert_int_eq(vfw_loglevel_parse("40x", &l), -EINVAL);
	ck_assert_int_eq(vfw_loglevel_parse("-verbose", &l), -EINVAL);
	ck_assert_int_eq(vfw_loglevel_parse("+verbose", &l), 0);
	ck_assert_int_eq(l, 40);
	ck_assert_int_eq(vfw_loglevel_parse("level", &l), 0);
	ck_assert_int_eq(l, 40);
	ck_assert_int_eq(vfw_loglevel_parse("repeat+level+panic", &l), 0);
	ck_assert_int_eq(l, 0);
}
END_TEST

START_TEST(mode_parse)
{
	enum vfw_mode m = VFW_MODE_OFF;

	ck_assert_int_eq(vfw_mode_parse(NULL, &m), 0);
	ck_assert_int_eq(m, VFW_MODE_AUTO);
	ck_assert_int_eq(vfw_mode_parse("force", &m), 0);
	ck_assert_int_eq(m, VFW_MODE_FORCE);
	ck_assert_int_eq(vfw_mode_parse("", &m), 0);
	ck_assert_int_eq(m, VFW_MODE_AUTO);
	ck_assert_int_eq(vfw_mode_parse("off", &m), 0);
	ck_assert_int_eq(m, VFW_MODE_OFF);
	ck_assert_int_eq(vfw_mode_parse("Auto", &m), -EINVAL);
	ck_assert_int_eq(vfw_mode_parse("on", &m), -EINVAL);
}
END_TEST

/* Arguments with spaces and odd bytes pass through untouched, around a rewrite. */
START_TEST(bytes_exact)
{
	char *argv[] = {
		"ffmpeg", "-metadata", "title=a b\tc \xe2\x80\x94 vaapi=va:" D128, "-init_hw_device",
		"vaapi=va:" D128, "-vf", "drawtext=text='-init_hw_device vaapi'", "-i",
		"/media/My Movie (2020).mkv", "-y", "/tmp/out file.mkv", NULL,
	};
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;
	struct tres t = { .topo = ttopo_find("intel-nvidia") };
	struct vfw_resolver r = { t_check, t_select, &t, NULL };
	struct vfw_result res;

	ck_assert_int_eq(vfw_rewrite(argc, argv, VFW_MODE_AUTO, VFW_RELEASE_5, &r, &res), 0);
	ck_assert_int_eq(res.argc, argc);
	for (int i = 0; i < argc; i++) {
		if (i == 4)
			ck_assert_str_eq(res.argv[i], "vaapi=va:" D129);
		else
			ck_assert_ptr_eq(res.argv[i], argv[i]);
	}
	ck_assert_ptr_nonnull(res.report);
	ck_assert_ptr_nonnull(strstr(res.report, "vaapi=va:" D128 " -> vaapi=va:" D129));
	ck_assert_ptr_null(strchr(res.report, '\n'));
	vfw_result_release(&res);
}
END_TEST

/* The report and the warning are one line each, naming what changed and why. */
START_TEST(report_text)
{
	char *argv[] = { "ffmpeg", "-init_hw_device", "vaapi=va:" D128 ",driver=iHD",
			 "-init_hw_device", "vaapi=vb:,vendor_id=0x1002", NULL };
	struct tres t = { .topo = ttopo_find("adl-sriov-lxc-vf4") };
	struct vfw_resolver r = { t_check, t_select, &t, NULL };
	struct vfw_result res;

	ck_assert_int_eq(vfw_rewrite(5, argv, VFW_MODE_AUTO, VFW_RELEASE_5, &r, &res), 0);
	ck_assert_str_eq(res.argv[2], "vaapi=va:" D132 ",driver=iHD");
	ck_assert_ptr_eq(res.argv[4], argv[4]);
	ck_assert_str_eq(res.report, "-init_hw_device vaapi=va:" D128 ",driver=iHD -> vaapi=va:"
			 D132 ",driver=iHD (" D128 ": no such node)");
	ck_assert_str_eq(res.warning, "left -init_hw_device vaapi=vb:,vendor_id=0x1002 as "
			 "given: no device to use instead: vendor 0x8086");
	ck_assert_int_eq(res.nchanged, 1);
	ck_assert_int_eq(res.nsites, 2);
	vfw_result_release(&res);
}
END_TEST

/* A node kept because it works, with the VA driver its device needs appended: a change,
 * reported with the reason. */
START_TEST(report_driver)
{
	char *argv[] = { "ffmpeg", "-v", "verbose", "-init_hw_device", "vaapi=va:" D128,
			 "-init_hw_device", "drm=dr:" D128, "-hwaccel", "vaapi",
			 "-hwaccel_device", D128, "-i", "in.mkv", "out.mp4", NULL };
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;
	struct tres t = { .topo = ttopo_find("xe-sriov") };
	struct vfw_resolver r = { t_check, t_select, &t, NULL };
	struct vfw_result res;

	ck_assert_int_eq(vfw_rewrite(argc, argv, VFW_MODE_AUTO, VFW_RELEASE_7, &r, &res), 0);
	ck_assert_int_eq(res.argc, argc);
	for (int i = 0; i < argc; i++)
		if (i != 4)
			ck_assert_ptr_eq(res.argv[i], argv[i]);
	ck_assert_str_eq(res.argv[4], "vaapi=va:" D128 ",driver=iHD");
	ck_assert_str_eq(res.report, "-init_hw_device vaapi=va:" D128 " -> vaapi=va:" D128
			 ",driver=iHD (the device needs VA driver iHD)");
	ck_assert_ptr_null(res.warning);
	ck_assert_int_eq(res.nsites, 3);
	ck_assert_int_eq(res.nchanged, 1);
	vfw_result_release(&res);
}
END_TEST

/* The release line of each libavutil major (FFmpeg's libavutil/version.h of 5.1.9,
 * 6.1.3, 7.1.5, 8.1.2, 9.0.2), and their names. */
START_TEST(release_lines)
{
	static const struct {
		int major;
		enum vfw_release release;
		const char *name;
	} lines[] = {
		{ 56, VFW_RELEASE_UNKNOWN, "unknown" }, { 57, VFW_RELEASE_5, "5.x" },
		{ 58, VFW_RELEASE_6, "6.x" }, { 59, VFW_RELEASE_7, "7.x" },
		{ 60, VFW_RELEASE_8, "8.x" }, { 61, VFW_RELEASE_9, "9.x" },
		{ 62, VFW_RELEASE_UNKNOWN, "unknown" }, { -1, VFW_RELEASE_UNKNOWN, "unknown" },
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ck_assert_int_eq(vfw_release_from_lavu(lines[i].major), lines[i].release);
		ck_assert_str_eq(vfw_release_name(vfw_release_from_lavu(lines[i].major)),
				 lines[i].name);
	}
	ck_assert_str_eq(vfw_release_name((enum vfw_release)99), "unknown");
}
END_TEST

/* The rewriter looks options up by binary search and up to ':': the generated table must
 * be sorted, its names free of ':' and '/', its codes known, and each release line must
 * have the options the rewriter acts on. */
static const struct {
	const char *name;
	char codes[6];
} table[] = {
#include "fftools-wrapper/ffopts.inc"
};

START_TEST(option_table)
{
	size_t n = sizeof(table) / sizeof(table[0]);

	ck_assert_uint_gt(n, 150);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ck_assert_msg(strcmp(table[i - 1].name, table[i].name) < 0,
				      "%s before %s", table[i - 1].name, table[i].name);
		ck_assert_ptr_null(strpbrk(table[i].name, ":/"));
		ck_assert_uint_eq(strlen(table[i].codes), 5);
		ck_assert_uint_eq(strspn(table[i].codes, ".vfbBxs"), 5);
	}
	static const char *const device_opts[] = { "init_hw_device", "vaapi_device",
		"qsv_device", "hwaccel", "hwaccel_device", "v", "loglevel" };
	for (size_t k = 0; k < sizeof(device_opts) / sizeof(device_opts[0]); k++) {
		bool found = false;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(table[i].name, device_opts[k]))
				found = !strcmp(table[i].codes, "vvvvv");
		ck_assert_msg(found, "-%s is not an option with a value in every line",
			      device_opts[k]);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("wrapper-argv");
	TCase *tc;

	tc = test_case(s, "table");
	tcase_add_loop_test(tc, table_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, bytes_exact);
	tcase_add_test(tc, report_text);
	tcase_add_test(tc, report_driver);
	tcase_add_test(tc, release_lines);
	tcase_add_loop_test(tc, release_free_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, release_matters);
	tcase_add_test(tc, option_table);

	tc = test_case(s, "harness");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, harness_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));

	tc = test_case(s, "loglevel");
	tcase_add_loop_test(tc, loglevel_row, 0, (int)(sizeof(levels) / sizeof(levels[0])));
	tcase_add_test(tc, loglevel_parse);
	tcase_add_test(tc, mode_parse);

	return s;
}

