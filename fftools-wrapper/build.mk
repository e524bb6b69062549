# fftools-wrapper: the ffmpeg wrapper. One binary, installed as
# $(LIBEXECDIR)/vadiscover/ffmpeg with ffprobe beside it (a symlink: it looks at argv[0]).
# It links the static library, so the installed wrapper needs no libvadiscover.so.

WRAPPER := $(B)/fftools-wrapper/ffmpeg
WRAPPER_PROBE := $(B)/fftools-wrapper/ffprobe
WRAPPER_LIB_SRCS := fftools-wrapper/rewrite.c fftools-wrapper/resolve.c
WRAPPER_LIB_OBJS := $(WRAPPER_LIB_SRCS:%.c=$(B)/%.o)
WRAPPER_OBJS := $(B)/fftools-wrapper/main.o $(WRAPPER_LIB_OBJS)
WRAPPER_MAN := fftools-wrapper/vadiscover-ffmpeg.1

$(WRAPPER_OBJS): EXTRA_CFLAGS =

$(WRAPPER): $(WRAPPER_OBJS) $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(WRAPPER_OBJS) $(VAD_A) $(VAD_LIB_DEPLIBS)

$(WRAPPER_PROBE): $(WRAPPER)
	$(Q)ln -sf ffmpeg $@

# The probe helper built with it, linked beside it as it is installed beside it
# (LIBEXECDIR/vadiscover), so that build/fftools-wrapper/ffmpeg runs in place
# (vad_set_probe_helper_beside_program()). Only the link lives in the build tree: nothing
# installed names the build tree.
WRAPPER_HELPER := $(B)/fftools-wrapper/vadiscover-probe
$(WRAPPER_HELPER): $(PROBE_HELPER)
	@mkdir -p $(dir $@)
	$(Q)ln -sf ../vadiscover/vadiscover-probe $@

ALL += $(WRAPPER) $(WRAPPER_PROBE) $(WRAPPER_HELPER)

.PHONY: install-wrapper uninstall-wrapper
install-wrapper: $(WRAPPER)
	install -d $(DESTDIR)$(LIBEXECDIR)/vadiscover $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(WRAPPER) $(DESTDIR)$(LIBEXECDIR)/vadiscover/ffmpeg
	ln -sf ffmpeg $(DESTDIR)$(LIBEXECDIR)/vadiscover/ffprobe
	install -m 0644 $(WRAPPER_MAN) $(DESTDIR)$(MANDIR)/man1/vadiscover-ffmpeg.1

uninstall-wrapper:
	rm -f $(DESTDIR)$(LIBEXECDIR)/vadiscover/ffmpeg $(DESTDIR)$(LIBEXECDIR)/vadiscover/ffprobe \
		$(DESTDIR)$(MANDIR)/man1/vadiscover-ffmpeg.1
	rmdir $(DESTDIR)$(LIBEXECDIR)/vadiscover 2>/dev/null || true

INSTALL_TARGETS += install-wrapper
UNINSTALL_TARGETS += uninstall-wrapper


# make check-ffopts: compare fftools-wrapper/ffopts.inc with the option tables of the
# FFmpeg releases it was generated from (the upstream tarballs of tests/ffmpeg/fetch-source,
# cached), then make sure the comparison can fail (one code changed in a copy). 6.x is not
# in Debian's archive: FFOPTS_SRC6=DIR (a 6.1 source tree or tarball) checks that column
# too. Regenerate the table with all five: fftools-wrapper/gen-ffopts 5=... 9=...
FFOPTS := fftools-wrapper/ffopts.inc
.PHONY: check-ffopts
check-ffopts:
	$(Q)set -e; set -- $$(tests/ffmpeg/fetch-source 5.1 7.1 8.1 9.0); \
	[ $$# -eq 4 ] || { echo "check-ffopts: fetch-source gave $$# tarballs, not 4" >&2; exit 1; }; \
	fftools-wrapper/gen-ffopts --check $(FFOPTS) 5=$$1 7=$$2 8=$$3 9=$$4 \
		$(if $(FFOPTS_SRC6),6=$(FFOPTS_SRC6)); \
	mkdir -p $(B)/fftools-wrapper; \
	sed 's/^{ "autorotate", "\(..\)b/{ "autorotate", "\1v/' $(FFOPTS) >$(B)/fftools-wrapper/ffopts-broken.inc; \
	if fftools-wrapper/gen-ffopts --check $(B)/fftools-wrapper/ffopts-broken.inc 7=$$2 >/dev/null 2>&1; \
	then echo "check-ffopts: a wrong 7.x code went unnoticed" >&2; exit 1; fi; \
	echo "ffopts: 2 passed, 0 failed"
