# make portable: $(B)/portable/vadiscover-VERSION-ARCH.tar.gz, a bundle of the tool and the
# ffmpeg wrapper that needs nothing but glibc (2.34 or newer), for machines and containers
# where nothing can be installed: the Jellyfin Docker images, an LXC container on Proxmox.
# It unpacks to one folder:
#
#   vadiscover/ffmpeg      the wrapper (give this path to Jellyfin)
#   vadiscover/ffprobe     -> ffmpeg (the wrapper looks at the name it was run by)
#   vadiscover/vadiscover  the tool
#   vadiscover/vadiscover-probe  the probe helper (the tool and the wrapper use the one
#                          beside them)
#   vadiscover/README      portable/README
#
# The binaries are built in a tree of their own, $(B)/portable/build, with PORTABLE_CFLAGS
# and never with sanitizers, whatever the main build uses; libvadiscover is linked in
# statically, and they are stripped. Their default real ffmpeg is PORTABLE_FFMPEG (where
# jellyfin-ffmpeg installs it), not the one configure found on the build machine: the
# bundle goes to other machines. tests/test-portable.sh checks the tarball, and
# `make check-portable` runs it in a Debian 13 root without libva (tests/portable/).

PORTABLE_DIR := $(B)/portable
PORTABLE_BUILD := $(PORTABLE_DIR)/build
PORTABLE_VERSION := $(shell cat VERSION)
PORTABLE_ARCH := $(firstword $(subst -, ,$(shell $(CC) -dumpmachine)))
PORTABLE_TGZ := $(PORTABLE_DIR)/vadiscover-$(PORTABLE_VERSION)-$(PORTABLE_ARCH).tar.gz
PORTABLE_CFLAGS ?= -O2
PORTABLE_LDFLAGS ?= -Wl,-O1 -Wl,--as-needed
PORTABLE_FFMPEG ?= /usr/lib/jellyfin-ffmpeg/ffmpeg
PORTABLE_FFPROBE ?= $(dir $(PORTABLE_FFMPEG))ffprobe
STRIP ?= strip
# Every file of the tarball carries this time (the last commit's, else VERSION's), so the
# same sources give the same tarball.
PORTABLE_MTIME := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),\
	$(shell stat -c %Y VERSION))

PORTABLE_CONFIG_H := $(PORTABLE_BUILD)/config/config.h
PORTABLE_TOOL := $(PORTABLE_BUILD)/vadiscover/tool/vadiscover
PORTABLE_WRAPPER := $(PORTABLE_BUILD)/fftools-wrapper/ffmpeg
PORTABLE_HELPER := $(PORTABLE_BUILD)/vadiscover/vadiscover-probe

# configure's config.h with the bundle's real ffmpeg and ffprobe; rewritten only when it
# changes (everything including it would be rebuilt).
$(PORTABLE_CONFIG_H): config.h portable/build.mk
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|^#define VAD_REAL_FFMPEG .*|#define VAD_REAL_FFMPEG "$(PORTABLE_FFMPEG)"|' \
		-e 's|^#define VAD_REAL_FFPROBE .*|#define VAD_REAL_FFPROBE "$(PORTABLE_FFPROBE)"|' \
		config.h >$@.tmp
	$(Q)grep -qx '#define VAD_REAL_FFMPEG "$(PORTABLE_FFMPEG)"' $@.tmp && \
		grep -qx '#define VAD_REAL_FFPROBE "$(PORTABLE_FFPROBE)"' $@.tmp || \
		{ echo "portable: config.h has no VAD_REAL_FFMPEG/VAD_REAL_FFPROBE line to set" >&2; \
		  rm -f $@.tmp; exit 1; }
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

.PHONY: portable portable-binaries
portable: $(PORTABLE_TGZ)

# The bundle's own build: the same Makefile with another $(B), flags and config.h. Always
# asked (make there knows what is up to date).
portable-binaries: $(PORTABLE_CONFIG_H)
	$(Q)$(MAKE) --no-print-directory $(if $(V),,-s) B=$(PORTABLE_BUILD) CONFIG_H_DIR=$(dir $(PORTABLE_CONFIG_H)) \
		CFLAGS='$(PORTABLE_CFLAGS)' LDFLAGS='$(PORTABLE_LDFLAGS)' SANITIZE=0 SANITIZE_FLAGS= \
		$(PORTABLE_TOOL) $(PORTABLE_WRAPPER) $(PORTABLE_HELPER)

$(PORTABLE_TGZ): portable-binaries portable/README VERSION
	@echo "  TAR     $@"
	$(Q)rm -rf $(PORTABLE_DIR)/stage && mkdir -p $(PORTABLE_DIR)/stage/vadiscover
	$(Q)$(STRIP) -o $(PORTABLE_DIR)/stage/vadiscover/vadiscover $(PORTABLE_TOOL)
	$(Q)$(STRIP) -o $(PORTABLE_DIR)/stage/vadiscover/ffmpeg $(PORTABLE_WRAPPER)
	$(Q)$(STRIP) -o $(PORTABLE_DIR)/stage/vadiscover/vadiscover-probe $(PORTABLE_HELPER)
	$(Q)ln -s ffmpeg $(PORTABLE_DIR)/stage/vadiscover/ffprobe
	$(Q)sed -e 's|@VERSION@|$(PORTABLE_VERSION)|g' -e 's|@ARCH@|$(PORTABLE_ARCH)|g' \
		-e 's|@FFMPEG@|$(PORTABLE_FFMPEG)|g' portable/README \
		>$(PORTABLE_DIR)/stage/vadiscover/README
	$(Q)chmod 0755 $(PORTABLE_DIR)/stage/vadiscover/vadiscover $(PORTABLE_DIR)/stage/vadiscover/ffmpeg \
		$(PORTABLE_DIR)/stage/vadiscover/vadiscover-probe
	$(Q)chmod 0644 $(PORTABLE_DIR)/stage/vadiscover/README
	$(Q)tar -C $(PORTABLE_DIR)/stage --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime=@$(PORTABLE_MTIME) -cf - vadiscover | gzip -9n >$@.tmp && mv -f $@.tmp $@
	$(Q)rm -rf $(PORTABLE_DIR)/stage
