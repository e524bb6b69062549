# tests/harness: the fake-GPU harness (see tests/harness/README.md).
#   $(B)/tests/harness/mktopo          builds a topology tree (mktopo --list)
#   $(B)/tests/harness/libfakegpu.so   the LD_PRELOAD shim
#   $(B)/tests/harness/dri/*_drv_video.so  the fake VA driver, under the names libva loads
#   $(B)/tests/harness/drmdevices      prints what libdrm's drmGetDevices2 sees
#   $(B)/tests/harness/vadiscover-probe-valgrind  the probe helper under memcheck
#                                       (tests/harness/valgrind-run)
# tests/harness/run-in runs a command inside a topology with all of the above.

HARNESS_DIR := $(B)/tests/harness
HARNESS_TOPO_OBJS := $(HARNESS_DIR)/topology.o $(HARNESS_DIR)/topologies.o
HARNESS_VA_DRIVERS := $(HARNESS_DIR)/dri/iHD_drv_video.so \
	$(HARNESS_DIR)/dri/radeonsi_drv_video.so $(HARNESS_DIR)/dri/nvidia_drv_video.so
HARNESS_TARGETS := $(HARNESS_DIR)/mktopo $(HARNESS_DIR)/libfakegpu.so $(HARNESS_VA_DRIVERS) \
	$(HARNESS_DIR)/drmdevices

$(HARNESS_DIR)/mktopo: $(HARNESS_DIR)/mktopo.o $(HARNESS_TOPO_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^

$(HARNESS_DIR)/drmdevices.o: EXTRA_CFLAGS = $(DRM_CFLAGS)
$(HARNESS_DIR)/drmdevices: $(HARNESS_DIR)/drmdevices.o
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(DRM_LIBS)

# Both are replaced atomically (a test running meanwhile never loads half a file).
# The shim and the VA driver are loaded into programs we did not build (Debian's vainfo and
# ffmpeg): never with sanitizers. The shim must keep glibc's symbol names: no
# _FORTIFY_SOURCE, no _FILE_OFFSET_BITS.
HARNESS_SO_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC -shared -fvisibility=hidden $(WARN) -I. \
	$(CFLAGS) -U_FORTIFY_SOURCE -U_FILE_OFFSET_BITS -fno-delete-null-pointer-checks

$(HARNESS_DIR)/libfakegpu.so: tests/harness/shim.c
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HARNESS_SO_CFLAGS) $(DRM_CFLAGS) $(LDFLAGS) -o $@.tmp $< -ldl && mv -f $@.tmp $@

$(HARNESS_DIR)/dri/iHD_drv_video.so: tests/harness/fakeva.c
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HARNESS_SO_CFLAGS) $(VA_CFLAGS) $(LDFLAGS) -o $@.tmp $< && mv -f $@.tmp $@

$(HARNESS_DIR)/dri/radeonsi_drv_video.so $(HARNESS_DIR)/dri/nvidia_drv_video.so: \
		$(HARNESS_DIR)/dri/iHD_drv_video.so
	$(Q)ln -sf iHD_drv_video.so $@

# The probe helper under memcheck (VADISCOVER_PROBE_HELPER names one program, so a script of
# this build's own puts valgrind-run in front of it): see tests/harness/valgrind-run.
$(HARNESS_DIR)/vadiscover-probe-valgrind: tests/harness/build.mk
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)printf '#!/bin/sh\nexec sh "%s/tests/harness/valgrind-run" "%s" "%s" "$$@"\n' \
		"$(CURDIR)" "$(abspath $(B))" "$(abspath $(PROBE_HELPER))" >$@.tmp && \
		chmod 0755 $@.tmp && mv -f $@.tmp $@
HARNESS_TARGETS += $(HARNESS_DIR)/vadiscover-probe-valgrind

ALL += $(HARNESS_TARGETS)
