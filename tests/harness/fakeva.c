/* The fake VA driver of the fake-GPU harness, installed as iHD_drv_video.so,
 * radeonsi_drv_video.so and nvidia_drv_video.so (one build).
 *
 * It identifies the node libva opened from the DRM fd (fstat -> st_rdev ->
 * /sys/dev/char/MAJ:MIN, through the shim) and behaves as the first matching line of the
 * file $FAKEVA_CONFIG says:
 *
 *     MATCH BEHAVIOUR [key=value]...
 *
 * MATCH: a PCI slot "0000:00:02.1", a kernel node name "renderD129" (the name in sysfs,
 * which is the host's), "driver:i915" (the kernel driver the device is bound to), or "*".
 * BEHAVIOUR: ok | fail (vaInitialize fails with VA_STATUS_ERROR_UNKNOWN) | noprofiles |
 * hang (sleeps forever in vaInitialize; killed when its parent process dies) |
 * wedge (a driver stuck in the kernel: blocks every catchable signal and sleeps, and does
 * not die with its parent; only SIGKILL ends it, or, so that a failing test leaves
 * nothing behind for good, a SIGKILL timer of its own after 120 s) |
 * crash (abort()).
 * Keys: vendor="vendor string" decode=h264,hevc,... encode=... vpp=0|1 (codec names as in
 * vadiscover.h: mpeg2 h264 hevc hevc10 vp8 vp9 vp9_10 av1 av1_10 jpeg vc1);
 * cpu=MS: vaInitialize first computes for MS ms of this thread's CPU time (a driver whose
 * initialisation is CPU-heavy: slow on a busy machine); sleep=MS: it first sleeps MS ms
 * (a slow initialisation that waits on the device).
 * Lines starting with '#' and empty lines are ignored. A node no line matches: fail.
 *
 * With $FAKEVA_COUNT set, every driver initialisation appends
 * "init SLOT NODE PID BEHAVIOUR LIBVA" to that file, LIBVA being the real path of the
 * library that called the driver's init function (e.g.
 * /usr/lib/x86_64-linux-gnu/libva.so.2.1700.0, or a jellyfin-ffmpeg layout's own
 * libva.so.2.2200.0): which libva initialised the driver.
 *
 * All state of a display lives in ctx->pDriverData: libva loads drivers RTLD_GLOBAL and
 * RTLD_NODELETE, so one copy serves every display of a process. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <va/va.h>
#include <va/va_backend.h>
#include <va/va_drmcommon.h>

#define EXPORT __attribute__((visibility("default")))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum behaviour { B_OK, B_FAIL, B_NOPROFILES, B_HANG, B_CRASH, B_WEDGE };
static const char *const behaviour_names[] = { "ok", "fail", "noprofiles", "hang", "crash",
					       "wedge" };

static const char *const codec_names[] = {
	"mpeg2", "h264", "hevc", "hevc10", "vp8", "vp9", "vp9_10", "av1", "av1_10", "jpeg", "vc1",
};
enum { C_MPEG2, C_H264, C_HEVC, C_HEVC10, C_VP8, C_VP9, C_VP9_10, C_AV1, C_AV1_10, C_JPEG,
       C_VC1 };

/* The VA profiles of each codec. */
static const struct {
	unsigned int codec;
	VAProfile profile;
} codec_profiles[] = {
	{ C_MPEG2, VAProfileMPEG2Simple }, { C_MPEG2, VAProfileMPEG2Main },
	{ C_H264, VAProfileH264ConstrainedBaseline }, { C_H264, VAProfileH264Main },
	{ C_H264, VAProfileH264High },
	{ C_HEVC, VAProfileHEVCMain }, { C_HEVC10, VAProfileHEVCMain10 },
	{ C_VP8, VAProfileVP8Version0_3 },
	{ C_VP9, VAProfileVP9Profile0 }, { C_VP9_10, VAProfileVP9Profile2 },
	{ C_AV1, VAProfileAV1Profile0 }, { C_AV1_10, VAProfileAV1Profile0 },
	{ C_JPEG, VAProfileJPEGBaseline },
	{ C_VC1, VAProfileVC1Simple }, { C_VC1, VAProfileVC1Main },
	{ C_VC1, VAProfileVC1Advanced },
};

#define MAX_CONFIGS 64

struct fakeva {
	enum behaviour behaviour;
	unsigned int decode, encode;	/* bit (1 << C_x) */
	bool vpp;
	long cpu_ms, sleep_ms;
	char vendor[256];
	char slot[64], node[64], driver[64];
	unsigned int pci_vendor;
	struct { VAProfile profile; VAEntrypoint entrypoint; bool used; } configs[MAX_CONFIGS];
};

#define FV(ctx) ((struct fakeva *)(ctx)->pDriverData)

/* ------------------------------------------------------------------------------------ */
/* Which node is this? */

static void read_line(const char *path, char *out, size_t len)
{
	out[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(out, (int)len, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

static void basename_into(const char *path, char *out, size_t len)
{
	const char *s = strrchr(path, '/');
	s = s ? s + 1 : path;
	size_t n = strlen(s);
	if (n >= len)
		n = len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static void identify(VADriverContextP ctx, struct fakeva *fv)
{
	struct drm_state *drm = ctx->drm_state;
	struct stat st;
	char p[PATH_MAX + 64], r[PATH_MAX], v[64];
	snprintf(fv->slot, sizeof(fv->slot), "?");
	snprintf(fv->node, sizeof(fv->node), "?");
	if (!drm || drm->fd < 0 || fstat(drm->fd, &st) < 0 || !S_ISCHR(st.st_mode))
		return;
	snprintf(p, sizeof(p), "/sys/dev/char/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	if (!realpath(p, r))
		return;
	basename_into(r, fv->node, sizeof(fv->node));
	snprintf(p, sizeof(p), "/sys/dev/char/%u:%u/device", major(st.st_rdev),
		 minor(st.st_rdev));
	if (!realpath(p, r))
		return;
	basename_into(r, fv->slot, sizeof(fv->slot));
	snprintf(p, sizeof(p), "%s/driver", r);
	ssize_t n = readlink(p, v, sizeof(v) - 1);
	if (n > 0) {
		v[n] = '\0';
		basename_into(v, fv->driver, sizeof(fv->driver));
	}
	snprintf(p, sizeof(p), "%s/vendor", r);
	read_line(p, v, sizeof(v));
	fv->pci_vendor = (unsigned int)strtoul(v, NULL, 16);
}

/* ------------------------------------------------------------------------------------ */
/* FAKEVA_CONFIG */

/* Splits @line into words; a word may contain "quoted text" (quotes removed). */
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *s = line;
	while (n < max) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (!*s)
			break;
		words[n++] = s;
		char *o = s;
		bool q = false;
		while (*s && (q || (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n'))) {
			if (*s == '"')
				q = !q;
			else
				*o++ = *s;
			s++;
		}
		bool end = !*s;
		*o = '\0';
		if (end)
			break;
		s++;
	}
	return n;
}

static unsigned int parse_codecs(const char *list)
{
	unsigned int bits = 0;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *tok = strtok_r(buf, ",+", &save); tok;
	     tok = strtok_r(NULL, ",+", &save))
		for (size_t i = 0; i < ARRAY_SIZE(codec_names); i++)
			if (strcmp(tok, codec_names[i]) == 0)
				bits |= 1u << i;
	return bits;
}

static bool matches(const struct fakeva *fv, const char *m)
{
	if (strcmp(m, "*") == 0)
		return true;
	if (strncmp(m, "driver:", 7) == 0)
		return fv->driver[0] && strcmp(m + 7, fv->driver) == 0;
	return strcmp(m, fv->slot) == 0 || strcmp(m, fv->node) == 0;
}

static void configure(struct fakeva *fv)
{
	const char *file = getenv("FAKEVA_CONFIG");
	char line[1024];
	fv->behaviour = B_FAIL;
	FILE *f = file && *file ? fopen(file, "re") : NULL;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *w[32];
		int n = split_words(line, w, 32);
		if (n < 2 || w[0][0] == '#' || !matches(fv, w[0]))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(behaviour_names); i++)
			if (strcmp(w[1], behaviour_names[i]) == 0)
				fv->behaviour = (enum behaviour)i;
		for (int i = 2; i < n; i++) {
			if (strncmp(w[i], "vendor=", 7) == 0)
				snprintf(fv->vendor, sizeof(fv->vendor), "%s", w[i] + 7);
			else if (strncmp(w[i], "decode=", 7) == 0)
				fv->decode = parse_codecs(w[i] + 7);
			else if (strncmp(w[i], "encode=", 7) == 0)
				fv->encode = parse_codecs(w[i] + 7);
			else if (strncmp(w[i], "vpp=", 4) == 0)
				fv->vpp = atoi(w[i] + 4) != 0;
			else if (strncmp(w[i], "cpu=", 4) == 0)
				fv->cpu_ms = atol(w[i] + 4);
			else if (strncmp(w[i], "sleep=", 6) == 0)
				fv->sleep_ms = atol(w[i] + 6);
		}
		break;
	}
	fclose(f);
}

/* Appends @line to @file, for the tests that read it (which notice a line missing). */
static void append_line(const char *file, const char *line, size_t len)
{
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	if (write(fd, line, len) < 0) {
		/* nothing to do: the tests will notice */
	}
	close(fd);
}

/* @caller: an address in the code that called the init function (libva's va_openDriver). */
static void count_init(const struct fakeva *fv, const void *caller)
{
	const char *file = getenv("FAKEVA_COUNT");
	if (!file || !*file)
		return;
	Dl_info info;
	char libva[PATH_MAX];
	if (!dladdr(caller, &info) || !info.dli_fname || !realpath(info.dli_fname, libva))
		snprintf(libva, sizeof(libva), "?");
	char line[256 + PATH_MAX];
	int n = snprintf(line, sizeof(line), "init %s %s %ld %s %s\n", fv->slot, fv->node,
			 (long)getpid(), behaviour_names[fv->behaviour], libva);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	append_line(file, line, (size_t)n);
}

/* With FAKEVA_SPAN=FILE, "begin NODE PID" when an initialisation starts and "end NODE PID"
 * when its sleep= and cpu= are over: which initialisations ran at the same time. */
static void span_note(const struct fakeva *fv, const char *what)
{
	const char *file = getenv("FAKEVA_SPAN");
	if (!file || !*file)
		return;
	char line[256];
	int n = snprintf(line, sizeof(line), "%s %s %ld\n", what, fv->node, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	append_line(file, line, (size_t)n);
}

/* ------------------------------------------------------------------------------------ */
/* Capabilities */

static bool profile_has(VAProfile p, unsigned int codecs)
{
	for (size_t i = 0; i < ARRAY_SIZE(codec_profiles); i++)
		if (codec_profiles[i].profile == p && (codecs & (1u << codec_profiles[i].codec)))
			return true;
	return false;
}

static int entrypoints_of(const struct fakeva *fv, VAProfile p, VAEntrypoint *out)
{
	int n = 0;
	if (fv->behaviour == B_NOPROFILES)
		return 0;
	if (p == VAProfileNone) {
		if (fv->vpp)
			out[n++] = VAEntrypointVideoProc;
		return n;
	}
	if (profile_has(p, fv->decode))
		out[n++] = VAEntrypointVLD;
	if (profile_has(p, fv->encode))
		out[n++] = p == VAProfileJPEGBaseline ? VAEntrypointEncPicture :
						        VAEntrypointEncSlice;
	return n;
}

static unsigned int rt_formats(const struct fakeva *fv, VAProfile p, VAEntrypoint e)
{
	unsigned int codecs = e == VAEntrypointVLD ? fv->decode : fv->encode;
	switch (p) {
	case VAProfileHEVCMain10: case VAProfileVP9Profile2:
		return VA_RT_FORMAT_YUV420_10;
	case VAProfileAV1Profile0:
		return ((codecs & (1u << C_AV1)) ? VA_RT_FORMAT_YUV420 : 0) |
		       ((codecs & (1u << C_AV1_10)) ? VA_RT_FORMAT_YUV420_10 : 0);
	case VAProfileJPEGBaseline:
		return VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV422 | VA_RT_FORMAT_YUV444 |
		       VA_RT_FORMAT_YUV400;
	case VAProfileNone:
		return VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10 | VA_RT_FORMAT_RGB32;
	default:
		return VA_RT_FORMAT_YUV420;
	}
}

static VAStatus check_pe(const struct fakeva *fv, VAProfile p, VAEntrypoint e)
{
	VAEntrypoint eps[4];
	int n = entrypoints_of(fv, p, eps);
	if (n == 0)
		return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
	for (int i = 0; i < n; i++)
		if (eps[i] == e)
			return VA_STATUS_SUCCESS;
	return VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT;
}

/* ------------------------------------------------------------------------------------ */
/* The vtable */

static VAStatus fv_Terminate(VADriverContextP ctx)
{
	free(ctx->pDriverData);
	ctx->pDriverData = NULL;
	return VA_STATUS_SUCCESS;
}

static VAStatus fv_QueryConfigProfiles(VADriverContextP ctx, VAProfile *list, int *num)
{
	struct fakeva *fv = FV(ctx);
	VAProfile seen[ARRAY_SIZE(codec_profiles) + 1];
	int n = 0;
	if (fv->behaviour != B_NOPROFILES) {
		for (size_t i = 0; i < ARRAY_SIZE(codec_profiles); i++) {
			VAProfile p = codec_profiles[i].profile;
			unsigned int bit = 1u << codec_profiles[i].codec;
			bool dup = false;
			if (!((fv->decode | fv->encode) & bit))
				continue;
			for (int j = 0; j < n; j++)
				dup |= seen[j] == p;
			if (!dup)
				seen[n++] = p;
		}
		if (fv->vpp)
			seen[n++] = VAProfileNone;
	}
	for (int i = 0; i < n && i < ctx->max_profiles; i++)
		list[i] = seen[i];
	*num = n < ctx->max_profiles ? n : ctx->max_profiles;
	return VA_STATUS_SUCCESS;
}

static VAStatus fv_QueryConfigEntrypoints(VADriverContextP ctx, VAProfile p,
					  VAEntrypoint *list, int *num)
{
	VAEntrypoint eps[4];
	int n = entrypoints_of(FV(ctx), p, eps);
	if (n == 0)
		return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
	memcpy(list, eps, sizeof(eps[0]) * (size_t)n);
	*num = n;
	return VA_STATUS_SUCCESS;
}

static VAStatus fv_GetConfigAttributes(VADriverContextP ctx, VAProfile p, VAEntrypoint e,
				       VAConfigAttrib *attribs, int num)
{
	struct fakeva *fv = FV(ctx);
	VAStatus s = check_pe(fv, p, e);
	if (s != VA_STATUS_SUCCESS)
		return s;
	for (int i = 0; i < num; i++) {
		switch (attribs[i].type) {
		case VAConfigAttribRTFormat:
			attribs[i].value = rt_formats(fv, p, e);
			break;
		case VAConfigAttribRateControl:
			attribs[i].value = e == VAEntrypointEncSlice ?
				VA_RC_CQP | VA_RC_CBR | VA_RC_VBR : VA_ATTRIB_NOT_SUPPORTED;
			break;
		default:
			attribs[i].value = VA_ATTRIB_NOT_SUPPORTED;
		}
	}
	return VA_STATUS_SUCCESS;
}

static VAStatus fv_CreateConfig(VADriverContextP ctx, VAProfile p, VAEntrypoint e,
				VAConfigAttrib *attribs, int num, VAConfigID *id)
{
	struct fakeva *fv = FV(ctx);
	VAStatus s = check_pe(fv, p, e);
	if (s != VA_STATUS_SUCCESS)
		return s;
	for (int i = 0; i < num; i++)
		if (attribs[i].type == VAConfigAttribRTFormat &&
		    !(attribs[i].value & rt_formats(fv, p, e)))
			return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
	for (int i = 0; i < MAX_CONFIGS; i++) {
		if (!fv->configs[i].used) {
			fv->configs[i].used = true;
			fv->configs[i].profile = p;
			fv->configs[i].entrypoint = e;
			*id = (VAConfigID)(i + 1);
			return VA_STATUS_SUCCESS;
		}
	}
	return VA_STATUS_ERROR_MAX_NUM_EXCEEDED;
}

static int config_index(const struct fakeva *fv, VAConfigID id)
{
	if (id < 1 || id > MAX_CONFIGS || !fv->configs[id - 1].used)
		return -1;
	return (int)id - 1;
}

static VAStatus fv_DestroyConfig(VADriverContextP ctx, VAConfigID id)
{
	int i = config_index(FV(ctx), id);
	if (i < 0)
		return VA_STATUS_ERROR_INVALID_CONFIG;
	FV(ctx)->configs[i].used = false;
	return VA_STATUS_SUCCESS;
}

static VAStatus fv_QueryConfigAttributes(VADriverContextP ctx, VAConfigID id, VAProfile *p,
					 VAEntrypoint *e, VAConfigAttrib *attribs, int *num)
{
	struct fakeva *fv = FV(ctx);
	int i = config_index(fv, id);
	if (i < 0)
		return VA_STATUS_ERROR_INVALID_CONFIG;
	*p = fv->configs[i].profile;
	*e = fv->configs[i].entrypoint;
	attribs[0].type = VAConfigAttribRTFormat;
	attribs[0].value = rt_formats(fv, *p, *e);
	*num = 1;
	return VA_STATUS_SUCCESS;
}

static VAStatus fv_QueryImageFormats(VADriverContextP ctx, VAImageFormat *list, int *num)
{
	static const VAImageFormat formats[] = {
		{ .fourcc = VA_FOURCC_NV12, .byte_order = VA_LSB_FIRST, .bits_per_pixel = 12 },
		{ .fourcc = VA_FOURCC_P010, .byte_order = VA_LSB_FIRST, .bits_per_pixel = 24 },
	};
	(void)ctx;
	memcpy(list, formats, sizeof(formats));
	*num = (int)ARRAY_SIZE(formats);
	return VA_STATUS_SUCCESS;
}

static VAStatus fv_QuerySubpictureFormats(VADriverContextP ctx, VAImageFormat *list,
					  unsigned int *flags, unsigned int *num)
{
	(void)ctx; (void)list; (void)flags;
	*num = 0;
	return VA_STATUS_SUCCESS;
}

static VAStatus fv_QueryDisplayAttributes(VADriverContextP ctx, VADisplayAttribute *list,
					  int *num)
{
	(void)ctx; (void)list;
	*num = 0;
	return VA_STATUS_SUCCESS;
}

/* Everything a fake driver cannot do: surfaces, buffers, pictures, images. */
#define UNIMPL return VA_STATUS_ERROR_UNIMPLEMENTED
#define U __attribute__((unused))
static VAStatus fv_CreateSurfaces(VADriverContextP c U, int w U, int h U, int f U, int n U,
				  VASurfaceID *s U) { UNIMPL; }
static VAStatus fv_DestroySurfaces(VADriverContextP c U, VASurfaceID *s U, int n U) { UNIMPL; }
static VAStatus fv_CreateContext(VADriverContextP c U, VAConfigID cf U, int w U, int h U,
				 int fl U, VASurfaceID *t U, int n U, VAContextID *x U) { UNIMPL; }
static VAStatus fv_DestroyContext(VADriverContextP c U, VAContextID x U) { UNIMPL; }
static VAStatus fv_CreateBuffer(VADriverContextP c U, VAContextID x U, VABufferType t U,
				unsigned int s U, unsigned int n U, void *d U, VABufferID *b U)
{ UNIMPL; }
static VAStatus fv_BufferSetNumElements(VADriverContextP c U, VABufferID b U,
					unsigned int n U) { UNIMPL; }
static VAStatus fv_MapBuffer(VADriverContextP c U, VABufferID b U, void **p U) { UNIMPL; }
static VAStatus fv_UnmapBuffer(VADriverContextP c U, VABufferID b U) { UNIMPL; }
static VAStatus fv_DestroyBuffer(VADriverContextP c U, VABufferID b U) { UNIMPL; }
static VAStatus fv_BeginPicture(VADriverContextP c U, VAContextID x U, VASurfaceID s U)
{ UNIMPL; }
static VAStatus fv_RenderPicture(VADriverContextP c U, VAContextID x U, VABufferID *b U,
				 int n U) { UNIMPL; }
static VAStatus fv_EndPicture(VADriverContextP c U, VAContextID x U) { UNIMPL; }
static VAStatus fv_SyncSurface(VADriverContextP c U, VASurfaceID s U) { UNIMPL; }
static VAStatus fv_QuerySurfaceStatus(VADriverContextP c U, VASurfaceID s U,
				      VASurfaceStatus *st U) { UNIMPL; }
static VAStatus fv_PutSurface(VADriverContextP c U, VASurfaceID s U, void *d U, short sx U,
			      short sy U, unsigned short sw U, unsigned short sh U, short dx U,
			      short dy U, unsigned short dw U, unsigned short dh U,
			      VARectangle *r U, unsigned int nr U, unsigned int fl U) { UNIMPL; }
static VAStatus fv_CreateImage(VADriverContextP c U, VAImageFormat *f U, int w U, int h U,
			       VAImage *i U) { UNIMPL; }
static VAStatus fv_DeriveImage(VADriverContextP c U, VASurfaceID s U, VAImage *i U) { UNIMPL; }
static VAStatus fv_DestroyImage(VADriverContextP c U, VAImageID i U) { UNIMPL; }
static VAStatus fv_SetImagePalette(VADriverContextP c U, VAImageID i U, unsigned char *p U)
{ UNIMPL; }
static VAStatus fv_GetImage(VADriverContextP c U, VASurfaceID s U, int x U, int y U,
			    unsigned int w U, unsigned int h U, VAImageID i U) { UNIMPL; }
static VAStatus fv_PutImage(VADriverContextP c U, VASurfaceID s U, VAImageID i U, int sx U,
			    int sy U, unsigned int sw U, unsigned int sh U, int dx U, int dy U,
			    unsigned int dw U, unsigned int dh U) { UNIMPL; }
static VAStatus fv_CreateSubpicture(VADriverContextP c U, VAImageID i U, VASubpictureID *s U)
{ UNIMPL; }
static VAStatus fv_DestroySubpicture(VADriverContextP c U, VASubpictureID s U) { UNIMPL; }
static VAStatus fv_SetSubpictureImage(VADriverContextP c U, VASubpictureID s U,
				      VAImageID i U) { UNIMPL; }
static VAStatus fv_SetSubpictureChromakey(VADriverContextP c U, VASubpictureID s U,
					  unsigned int a U, unsigned int b U, unsigned int m U)
{ UNIMPL; }
static VAStatus fv_SetSubpictureGlobalAlpha(VADriverContextP c U, VASubpictureID s U,
					    float a U) { UNIMPL; }
static VAStatus fv_AssociateSubpicture(VADriverContextP c U, VASubpictureID s U,
				       VASurfaceID *t U, int n U, short sx U, short sy U,
				       unsigned short sw U, unsigned short sh U, short dx U,
				       short dy U, unsigned short dw U, unsigned short dh U,
				       unsigned int f U) { UNIMPL; }
static VAStatus fv_DeassociateSubpicture(VADriverContextP c U, VASubpictureID s U,
					 VASurfaceID *t U, int n U) { UNIMPL; }
static VAStatus fv_GetDisplayAttributes(VADriverContextP c U, VADisplayAttribute *a U,
					int n U) { UNIMPL; }
static VAStatus fv_SetDisplayAttributes(VADriverContextP c U, VADisplayAttribute *a U,
					int n U) { UNIMPL; }
static VAStatus fv_BufferInfo(VADriverContextP c U, VABufferID b U, VABufferType *t U,
			      unsigned int *s U, unsigned int *n U) { UNIMPL; }
static VAStatus fv_LockSurface(VADriverContextP c U, VASurfaceID s U, unsigned int *a U,
			       unsigned int *b U, unsigned int *d U, unsigned int *e U,
			       unsigned int *f U, unsigned int *g U, unsigned int *h U,
			       unsigned int *i U, void **j U) { UNIMPL; }
static VAStatus fv_UnlockSurface(VADriverContextP c U, VASurfaceID s U) { UNIMPL; }

static const char *default_vendor(const struct fakeva *fv)
{
	switch (fv->pci_vendor) {
	case 0x8086:
		return "Intel iHD driver for Intel(R) Gen Graphics - 23.1.1 (fake-gpu harness)";
	case 0x1002:
		return "Mesa Gallium driver 22.3.6 for AMD Radeon RX 6600 (fake-gpu harness)";
	case 0x10de:
		return "VA-API NVDEC driver [direct backend] (fake-gpu harness)";
	default:
		return "fake-gpu harness VA driver";
	}
}

/* Compute until this thread has used @ms ms of CPU time. */
static void burn_cpu(long ms)
{
	struct timespec ts;
	volatile unsigned long sink = 0;

	for (;;) {
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		if (ts.tv_sec * 1000 + ts.tv_nsec / 1000000 >= ms)
			return;
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long)i;
	}
}

/* A driver stuck in the kernel: nothing but SIGKILL (and SIGSTOP) reaches it, and its
 * parent's death does not either. It clears nothing its process set up (a parent-death
 * signal the process asked for still works). */
static _Noreturn void wedge(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGKILL };
	struct itimerspec when = { .it_value = { .tv_sec = 120 } };
	timer_t timer;
	sigset_t all;

	if (timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0)
		timer_settime(timer, 0, &when, NULL);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;)
		pause();
}

#define INIT_NAME2(maj, min) __vaDriverInit_##maj##_##min
#define INIT_NAME(maj, min) INIT_NAME2(maj, min)
#define VA_DRIVER_INIT INIT_NAME(VA_MAJOR_VERSION, VA_MINOR_VERSION)

EXPORT VAStatus VA_DRIVER_INIT(VADriverContextP ctx);
EXPORT VAStatus VA_DRIVER_INIT(VADriverContextP ctx)
{
	struct fakeva *fv = calloc(1, sizeof(*fv));
	if (!fv)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	identify(ctx, fv);
	configure(fv);
	count_init(fv, __builtin_return_address(0));
	span_note(fv, "begin");
	if (fv->sleep_ms > 0)
		nanosleep(&(struct timespec){ .tv_sec = fv->sleep_ms / 1000,
					      .tv_nsec = fv->sleep_ms % 1000 * 1000000 }, NULL);
	if (fv->cpu_ms > 0)
		burn_cpu(fv->cpu_ms);
	span_note(fv, "end");
	switch (fv->behaviour) {
	case B_FAIL:
		free(fv);
		return VA_STATUS_ERROR_UNKNOWN;
	case B_HANG:
		/* Forever, but not beyond the process that started us: a test killed by its
		 * timeout leaves no hung program behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(1);
		for (;;)
			pause();
	case B_WEDGE:
		wedge();
	case B_CRASH:
		abort();
	default:
		break;
	}
	if (!fv->vendor[0])
		snprintf(fv->vendor, sizeof(fv->vendor), "%s", default_vendor(fv));

	ctx->pDriverData = fv;
	ctx->version_major = VA_MAJOR_VERSION;
	ctx->version_minor = VA_MINOR_VERSION;
	ctx->max_profiles = 32;
	ctx->max_entrypoints = 4;
	ctx->max_attributes = 8;
	ctx->max_image_formats = 2;
	ctx->max_subpic_formats = 1;
	ctx->max_display_attributes = 1;
	ctx->str_vendor = fv->vendor;

	struct VADriverVTable *vt = ctx->vtable;
	vt->vaTerminate = fv_Terminate;
	vt->vaQueryConfigProfiles = fv_QueryConfigProfiles;
	vt->vaQueryConfigEntrypoints = fv_QueryConfigEntrypoints;
	vt->vaGetConfigAttributes = fv_GetConfigAttributes;
	vt->vaCreateConfig = fv_CreateConfig;
	vt->vaDestroyConfig = fv_DestroyConfig;
	vt->vaQueryConfigAttributes = fv_QueryConfigAttributes;
	vt->vaCreateSurfaces = fv_CreateSurfaces;
	vt->vaDestroySurfaces = fv_DestroySurfaces;
	vt->vaCreateContext = fv_CreateContext;
	vt->vaDestroyContext = fv_DestroyContext;
	vt->vaCreateBuffer = fv_CreateBuffer;
	vt->vaBufferSetNumElements = fv_BufferSetNumElements;
	vt->vaMapBuffer = fv_MapBuffer;
	vt->vaUnmapBuffer = fv_UnmapBuffer;
	vt->vaDestroyBuffer = fv_DestroyBuffer;
	vt->vaBeginPicture = fv_BeginPicture;
	vt->vaRenderPicture = fv_RenderPicture;
	vt->vaEndPicture = fv_EndPicture;
	vt->vaSyncSurface = fv_SyncSurface;
	vt->vaQuerySurfaceStatus = fv_QuerySurfaceStatus;
	vt->vaPutSurface = fv_PutSurface;
	vt->vaQueryImageFormats = fv_QueryImageFormats;
	vt->vaCreateImage = fv_CreateImage;
	vt->vaDeriveImage = fv_DeriveImage;
	vt->vaDestroyImage = fv_DestroyImage;
	vt->vaSetImagePalette = fv_SetImagePalette;
	vt->vaGetImage = fv_GetImage;
	vt->vaPutImage = fv_PutImage;
	vt->vaQuerySubpictureFormats = fv_QuerySubpictureFormats;
	vt->vaCreateSubpicture = fv_CreateSubpicture;
	vt->vaDestroySubpicture = fv_DestroySubpicture;
	vt->vaSetSubpictureImage = fv_SetSubpictureImage;
	vt->vaSetSubpictureChromakey = fv_SetSubpictureChromakey;
	vt->vaSetSubpictureGlobalAlpha = fv_SetSubpictureGlobalAlpha;
	vt->vaAssociateSubpicture = fv_AssociateSubpicture;
	vt->vaDeassociateSubpicture = fv_DeassociateSubpicture;
	vt->vaQueryDisplayAttributes = fv_QueryDisplayAttributes;
	vt->vaGetDisplayAttributes = fv_GetDisplayAttributes;
	vt->vaSetDisplayAttributes = fv_SetDisplayAttributes;
	vt->vaBufferInfo = fv_BufferInfo;
	vt->vaLockSurface = fv_LockSurface;
	vt->vaUnlockSurface = fv_UnlockSurface;
	return VA_STATUS_SUCCESS;
}
