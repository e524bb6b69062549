/* vadiscover doctor: what its checks share. The checks, by concern, each in its file:
 *   doctor-host.c   the host and SR-IOV: kernel.iommu, sriov.capable, sriov.guc,
 *                   sriov.vfs, sriov.vf-drivers;
 *   doctor-nodes.c  the nodes and who may open them: dri.nodes, dri.access;
 *   doctor-va.c     VA-API: va.libva, va.driver, va.init;
 *   doctor-media.c  the media server: opencl, jellyfin.ffmpeg;
 * doctor.c runs them in that order and prints the result.
 *
 * /sys and /dev/dri are read where the library reads them (the test harness redirects
 * them); every other file (/etc, /proc, /run, programs) is read under --root DIR. */
#ifndef VAD_TOOL_DOCTOR_H
#define VAD_TOOL_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "vadiscover/tool/host.h"
#include "vadiscover/vadiscover.h"

/* The group id a user namespace shows for ids it does not map (kernel.overflowgid). */
#define OVERFLOW_GID 65534u

enum status { ST_OK, ST_WARN, ST_FAIL, ST_SKIP };

struct check {
	const char *id;
	enum status status;
	char *summary;
	char *fix; /* NULL: none; lines joined by '\n' */
	const char *device;
};

struct doctor {
	const char *root;
	const char *user;
	bool json, debug;
	const char *ffmpeg;
	struct vad_context *ctx;
	struct check *checks;
	size_t n, cap;
	bool oom;
	struct host_env env;		 /* the container doctor runs in, if any */
	const struct vad_device *target; /* the node a program would use */
	bool libva_ok;
};

/* Adds a check; takes @fix (vad__strdupf()'s, or NULL). */
void doctor_add(struct doctor *d, const char *id, enum status st, const char *device,
		char *fix, const char *f, ...) __attribute__((format(printf, 6, 7)));

/* The checks of each concern, in their order, all after vad_scan(): the host's take the
 * PCI facts of the Intel GPUs from it; the others run after vad_select() gave every
 * device its verdict and @d->target is set. */
void doctor_check_host(struct doctor *d);
void doctor_check_nodes(struct doctor *d);
void doctor_check_va(struct doctor *d);
void doctor_check_media(struct doctor *d);

#endif
