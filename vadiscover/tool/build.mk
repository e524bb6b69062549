# The vadiscover command-line tool, its man page, `make demo`.
# The tool links the static library, so the installed binary needs no libvadiscover.so.

TOOL := $(B)/vadiscover/tool/vadiscover
TOOL_SRCS := vadiscover/tool/vadiscover.c vadiscover/tool/output.c vadiscover/tool/json.c \
	vadiscover/tool/guests.c vadiscover/tool/host.c vadiscover/tool/bootconf.c \
	vadiscover/tool/account.c vadiscover/tool/doctor.c vadiscover/tool/doctor-host.c \
	vadiscover/tool/doctor-nodes.c vadiscover/tool/doctor-va.c vadiscover/tool/doctor-media.c \
	vadiscover/tool/passthrough.c vadiscover/tool/nfd.c
TOOL_OBJS := $(TOOL_SRCS:%.c=$(B)/%.o)
TOOL_MAN := vadiscover/tool/vadiscover.1

$(TOOL_OBJS): EXTRA_CFLAGS =

$(TOOL): $(TOOL_OBJS) $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(TOOL_OBJS) $(VAD_A) $(VAD_LIB_DEPLIBS)

# The probe helper built with it, linked beside it, so that build/vadiscover/tool/vadiscover
# runs in place (vad_set_probe_helper_beside_program(); installed, it takes the helper's
# installed path, compiled into the library). Only the link lives in the build tree.
TOOL_HELPER := $(B)/vadiscover/tool/vadiscover-probe
$(TOOL_HELPER): $(PROBE_HELPER)
	@mkdir -p $(dir $@)
	$(Q)ln -sf ../vadiscover-probe $@

ALL += $(TOOL) $(TOOL_HELPER)

# The systemd units, installed, never enabled: vadiscover-nfd.service and .timer keep
# `vadiscover nfd`'s feature file for Kubernetes Node Feature Discovery current;
# vadiscover-cdi@.service writes a device's CDI spec at boot (the instance is its spec).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
TOOL_UNITS_IN := vadiscover-nfd.service vadiscover-cdi@.service
TOOL_UNITS := $(TOOL_UNITS_IN:%=$(B)/vadiscover/tool/%) vadiscover/tool/vadiscover-nfd.timer
$(TOOL_UNITS_IN:%=$(B)/vadiscover/tool/%): $(B)/vadiscover/tool/%: vadiscover/tool/%.in config.mk
	@mkdir -p $(dir $@)
	$(Q)sed 's|@BINDIR@|$(BINDIR)|g' $< > $@
ALL += $(TOOL_UNITS_IN:%=$(B)/vadiscover/tool/%)

.PHONY: install-tool uninstall-tool
install-tool: $(TOOL) $(TOOL_UNITS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 $(TOOL) $(DESTDIR)$(BINDIR)/vadiscover
	install -m 0644 $(TOOL_MAN) $(DESTDIR)$(MANDIR)/man1/vadiscover.1
	install -m 0644 $(TOOL_UNITS) $(DESTDIR)$(SYSTEMDUNITDIR)/

uninstall-tool:
	rm -f $(DESTDIR)$(BINDIR)/vadiscover $(DESTDIR)$(MANDIR)/man1/vadiscover.1 \
		$(foreach u,$(notdir $(TOOL_UNITS)),$(DESTDIR)$(SYSTEMDUNITDIR)/$(u))

INSTALL_TARGETS += install-tool
UNINSTALL_TARGETS += uninstall-tool

# make demo: the tool on a simulated machine (the fake-GPU harness), for anyone without an
# SR-IOV GPU at hand. Depends on all: the harness pieces come from tests/harness/build.mk.
DEMO_TOPOLOGY := adl-sriov-host
demo: all
	@echo "=================================================================================="
	@echo " vadiscover demo on a SIMULATED machine: a fake kernel (sysfs and /dev/dri built by"
	@echo " tests/harness, served through an LD_PRELOAD shim) and a fake VA driver. No real"
	@echo " GPU is involved; the machine modelled is '$(DEMO_TOPOLOGY)': an Intel Core i3-12100"
	@echo " (UHD 730) whose GPU is split by SR-IOV into PF 0000:00:02.0 and 7 VFs."
	@echo "=================================================================================="
	@echo
	@echo "$$ vadiscover list"
	@tests/harness/run-in --build $(B) $(DEMO_TOPOLOGY) -- $(TOOL) list
	@echo
	@echo "$$ vadiscover list -v"
	@tests/harness/run-in --build $(B) $(DEMO_TOPOLOGY) -- $(TOOL) list -v
	@echo
	@echo "$$ vadiscover pick role=vf"
	@tests/harness/run-in --build $(B) $(DEMO_TOPOLOGY) -- $(TOOL) pick role=vf
	@echo
	@echo "(SIMULATED: run scripts/main-job or '$(TOOL) list -v' on a machine with a GPU.)"

# doctor names the wrapper's installed path in its fix for Jellyfin.
$(B)/vadiscover/tool/doctor-media.o: EXTRA_CFLAGS = \
	-DVAD_WRAPPER_PATH='"$(LIBEXECDIR)/vadiscover/ffmpeg"'
