# tests/jellyfin: a simulated jellyfin-ffmpeg installation (tests/jellyfin/build-layout) and
# the tests that run the wrapper in front of it (tests/test-jellyfin.c).
#
#   make jellyfin-layout   builds $(B)/jellyfin-ffmpeg: ffmpeg with its own libva 2.22,
#                          libdrm and fake VA drivers in lib/, found through its rpath.
#                          Needs the network the first time (Debian's libva and FFmpeg
#                          sources, cached in ~/.cache/vadiscover); 80 s to 2 minutes cold on
#                          2 cores, a second when nothing changed.
#   make check-jellyfin    the layout, then build/tests/test-jellyfin (part of check-all;
#                          not of check, which needs no network and no FFmpeg build).

JELLYFIN_LAYOUT := $(B)/jellyfin-ffmpeg
JELLYFIN_WORK := $(B)/jellyfin-build

.PHONY: jellyfin-layout check-jellyfin
jellyfin-layout:
	$(Q)CC="$(CC)" FAKEVA_CFLAGS="$(HARNESS_SO_CFLAGS) $(LDFLAGS)" tests/jellyfin/build-layout \
		$(abspath $(JELLYFIN_LAYOUT)) $(abspath $(JELLYFIN_WORK))

# test-jellyfin: the wrapper binary with the layout's ffmpeg behind it (th_run). Not in
# CHECK_PROGS: check-jellyfin runs it after building the layout.
$(B)/tests/test-jellyfin.o: EXTRA_CFLAGS = $(TEST_CFLAGS)
$(B)/tests/test-jellyfin: $(B)/tests/test-jellyfin.o $(TEST_COMMON_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $< $(TEST_COMMON_OBJS) $(TEST_LIBS)
$(B)/tests/test-jellyfin: $(WRAPPER) $(WRAPPER_PROBE) $(HARNESS_TARGETS)

check-jellyfin: all $(B)/tests/test-jellyfin jellyfin-layout
	$(Q)B=$(B) tests/run-tests $(B)/tests/test-jellyfin

