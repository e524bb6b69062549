# libvadiscover: shared library (only vad_ symbols exported), static library (internal
# names all start with vad__), pkg-config file, install rules.

VAD_SONAME := libvadiscover.so.0
# The file's version is the release's (VERSION, through config.mk); the soname changes only
# with the ABI.
VAD_SO_VERSION := $(VERSION)
VAD_LIBDIR := $(B)/vadiscover
VAD_SO := $(VAD_LIBDIR)/libvadiscover.so.$(VAD_SO_VERSION)
VAD_SO_LINKS := $(VAD_LIBDIR)/$(VAD_SONAME) $(VAD_LIBDIR)/libvadiscover.so
VAD_A := $(VAD_LIBDIR)/libvadiscover.a
VAD_PC := $(VAD_LIBDIR)/libvadiscover.pc
VAD_LIB_SRCS := vadiscover/context.c vadiscover/util.c vadiscover/device.c vadiscover/names.c \
	vadiscover/sysfs.c vadiscover/scan.c vadiscover/libva.c vadiscover/probe.c \
	vadiscover/spec.c vadiscover/select.c vadiscover/elf.c vadiscover/vadriver.c \
	vadiscover/record.c vadiscover/isolate.c vadiscover/cache.c
VAD_LIB_OBJS := $(VAD_LIB_SRCS:%.c=$(B)/%.o)
# What a program linking the static library needs besides it: libdl only. libva, libva-drm
# and libdrm are loaded at run time (vadiscover/libva.c); their headers are needed to build.
VAD_LIB_DEPLIBS := -ldl

# For users inside this tree: link the shared library and find it at run time.
VAD_LINK := -L$(VAD_LIBDIR) -Wl,-rpath,$(abspath $(VAD_LIBDIR)) -lvadiscover

# The probe helper's installed path is compiled in (vad_set_probe_helper() and
# VADISCOVER_PROBE_HELPER override it). A package whose library is multiarch may put it in
# the library's directory instead: make VAD_PROBE_HELPER_DIR=/usr/lib/<triplet>/vadiscover.
VAD_PROBE_HELPER_DIR ?= $(LIBEXECDIR)/vadiscover
$(VAD_LIB_OBJS): EXTRA_CFLAGS = -fvisibility=hidden $(VA_CFLAGS) \
	-DVAD_PROBE_HELPER_PATH='"$(VAD_PROBE_HELPER_DIR)/vadiscover-probe"'

$(VAD_SO): $(VAD_LIB_OBJS) vadiscover/libvadiscover.sym
	@echo "  LD      $@"
	$(Q)$(CC) -shared -Wl,-soname,$(VAD_SONAME) -Wl,--no-undefined \
		-Wl,--version-script=vadiscover/libvadiscover.sym $(BASE_LDFLAGS) \
		-o $@ $(VAD_LIB_OBJS) $(VAD_LIB_DEPLIBS)

$(VAD_SO_LINKS): $(VAD_SO)
	$(Q)ln -sf $(notdir $(VAD_SO)) $@

$(VAD_A): $(VAD_LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(VAD_LIB_OBJS)

$(VAD_PC): vadiscover/libvadiscover.pc.in config.mk
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

ALL += $(VAD_SO) $(VAD_SO_LINKS) $(VAD_A) $(VAD_PC)

# Section-3 man pages, made from the kernel-doc blocks of the header by vadiscover/man3.awk:
# one per exported function (the version script's list) and libvadiscover(3). A function
# without a doc block has no page, and its page's rule says so.
AWK ?= awk
VAD_MAN_DIR := $(B)/vadiscover/man
VAD_FUNCS := $(shell sed -n 's/^[[:space:]]*\(vad_[a-z0-9_]*\);$$/\1/p' vadiscover/libvadiscover.sym)
VAD_MAN3 := $(VAD_MAN_DIR)/libvadiscover.3 $(VAD_FUNCS:%=$(VAD_MAN_DIR)/%.3)
VAD_MAN_STAMP := $(VAD_MAN_DIR)/.made
$(VAD_MAN_STAMP): vadiscover/vadiscover.h vadiscover/man3.awk config.mk
	@echo "  GEN     $(VAD_MAN_DIR)"
	$(Q)rm -rf $(VAD_MAN_DIR) && mkdir -p $(VAD_MAN_DIR)
	$(Q)$(AWK) -v mode=man -v outdir=$(VAD_MAN_DIR) -v version=$(VERSION) \
		-f vadiscover/man3.awk vadiscover/vadiscover.h
	$(Q)touch $@ && touch $(VAD_MAN_DIR)/*.3
$(VAD_MAN3): $(VAD_MAN_STAMP)
	$(Q)test -f $@ || { echo "$@: $(basename $(notdir $@)) has no doc block in vadiscover/vadiscover.h" >&2; exit 1; }

ALL += $(VAD_MAN3)

.PHONY: install-libvadiscover uninstall-libvadiscover
install-libvadiscover: $(VAD_SO) $(VAD_A) $(VAD_PC) $(VAD_MAN3)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/vadiscover \
		$(DESTDIR)$(MANDIR)/man3
	install -m 0755 $(VAD_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(VAD_SO)) $(DESTDIR)$(LIBDIR)/$(VAD_SONAME)
	ln -sf $(VAD_SONAME) $(DESTDIR)$(LIBDIR)/libvadiscover.so
	install -m 0644 $(VAD_A) $(DESTDIR)$(LIBDIR)/
	install -m 0644 $(VAD_PC) $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 0644 vadiscover/vadiscover.h $(DESTDIR)$(INCLUDEDIR)/vadiscover/
	install -m 0644 $(VAD_MAN3) $(DESTDIR)$(MANDIR)/man3/

uninstall-libvadiscover:
	rm -f $(DESTDIR)$(LIBDIR)/$(notdir $(VAD_SO)) $(DESTDIR)$(LIBDIR)/$(VAD_SONAME) \
		$(DESTDIR)$(LIBDIR)/libvadiscover.so $(DESTDIR)$(LIBDIR)/libvadiscover.a \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libvadiscover.pc \
		$(DESTDIR)$(INCLUDEDIR)/vadiscover/vadiscover.h \
		$(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(VAD_MAN3)))
	rmdir $(DESTDIR)$(INCLUDEDIR)/vadiscover 2>/dev/null || true

INSTALL_TARGETS += install-libvadiscover
UNINSTALL_TARGETS += uninstall-libvadiscover

# The probe helper (probe-helper.c): probes one node for the library, in its own process.
# It links the static library, so it needs no libvadiscover.so.
PROBE_HELPER := $(B)/vadiscover/vadiscover-probe
$(B)/vadiscover/probe-helper.o: EXTRA_CFLAGS = $(VA_CFLAGS)
$(PROBE_HELPER): $(B)/vadiscover/probe-helper.o $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(B)/vadiscover/probe-helper.o $(VAD_A) $(VAD_LIB_DEPLIBS)

ALL += $(PROBE_HELPER)

.PHONY: install-probe-helper uninstall-probe-helper
install-probe-helper: $(PROBE_HELPER)
	install -d $(DESTDIR)$(VAD_PROBE_HELPER_DIR)
	install -m 0755 $(PROBE_HELPER) $(DESTDIR)$(VAD_PROBE_HELPER_DIR)/vadiscover-probe

uninstall-probe-helper:
	rm -f $(DESTDIR)$(VAD_PROBE_HELPER_DIR)/vadiscover-probe
	rmdir $(DESTDIR)$(VAD_PROBE_HELPER_DIR) 2>/dev/null || true

INSTALL_TARGETS += install-probe-helper
UNINSTALL_TARGETS += uninstall-probe-helper
