# tests: the Check test programs (make check runs every entry of CHECK_PROGS).
#
# Adding a Check test program takes two lines:
#
#   $(eval $(call vad_test,test-foo,tests/test-foo.c,$(VAD_A) $(VA_LIBS) $(DRM_LIBS)))
#
# builds $(B)/tests/test-foo from tests/test-foo.c (compiled with TEST_CFLAGS), the runner
# and the harness C API (TEST_COMMON_OBJS), the link items given (objects, archives and
# -l flags; files among them become prerequisites) and TEST_LIBS (Check), and adds it to
# CHECK_PROGS. The program defines test_suite(), making its cases with test_case()
# (runner.h), may use tests/common/harness.h (th_run, th_enter, ...), and starts with the
# fake-GPU shim preloaded (runner.c re-executes itself once).
#
# A test program's fixtures are the files it uses at run time that are not linked into it
# (the harness, the tool, a test library...): list them anywhere in a fragment as
#
#   FIXTURES_test-foo += $(TOOL) $(B)/tests/foo-fixture
#
# (the harness's files are there for every program made by vad_test, and the soname link
# for those linking the shared library). After every fragment
# is read, the top Makefile makes them prerequisites of the program (so `make
# $(B)/tests/test-foo` alone builds them, whatever the order of the definitions), and
# tests/run-tests fails the program without running it when one is missing.
#
# For hand-written rules: compile with EXTRA_CFLAGS = $(TEST_CFLAGS) (Check's flags plus
# -DVAD_TEST_BUILDDIR="<abs $(B)>" -DVAD_TEST_SRCDIR="<source tree>"), link
# $(TEST_COMMON_OBJS) (= $(VAD_TEST_RUNNER): runner.o is the runner *and* the harness API,
# combined with ld -r) and $(TEST_LIBS).

# --- the harness's C API and runner ---
TEST_CFLAGS := $(CHECK_CFLAGS) -DVAD_TEST_BUILDDIR='"$(abspath $(B))"' \
	-DVAD_TEST_SRCDIR='"$(CURDIR)"'
TEST_LIBS := $(CHECK_LIBS)
TEST_COMMON_OBJS := $(B)/tests/common/runner.o

$(B)/tests/common/runner-main.o: tests/common/runner.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<
$(B)/tests/common/harness.o: EXTRA_CFLAGS = $(TEST_CFLAGS)
$(B)/tests/common/runner.o: $(B)/tests/common/runner-main.o $(B)/tests/common/harness.o \
		$(HARNESS_TOPO_OBJS)
	@echo "  LD -r   $@"
	$(Q)$(CC) -r -nostdlib -o $@ $(filter %.o,$^)

# $(call vad_test,NAME,SOURCE,LINK-ITEMS): see the top of this file.
define vad_test
$(B)/$(basename $(2)).o: EXTRA_CFLAGS = $(TEST_CFLAGS)
$(B)/tests/$(1): $(B)/$(basename $(2)).o $(TEST_COMMON_OBJS) $(filter %.a %.o %.so,$(3))
	@echo "  LD      $$@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $$@ $(B)/$(basename $(2)).o $(TEST_COMMON_OBJS) $(3) \
		$(TEST_LIBS)
CHECK_PROGS += $(B)/tests/$(1)
FIXTURES_$(1) += $$(HARNESS_TARGETS) $(if $(filter %/libvadiscover.so,$(3)),$$(VAD_SO_LINKS))
endef

$(eval $(call vad_test,test-harness,tests/test-harness.c,$(VA_LIBS) -ldl))
$(B)/tests/test-harness.o: EXTRA_CFLAGS = $(TEST_CFLAGS) $(DRM_CFLAGS) $(VA_CFLAGS)
# runin_valgrind_own_programs_only runs the wrapper and a program of ours under run-in.
FIXTURES_test-harness += $(WRAPPER) $(B)/tests/wrapper-env
# --- end harness ---

# --- libvadiscover's own tests ---
# They link the shared library (rpath into $(B)), so they test what users load.
VAD_TEST_RUNNER := $(TEST_COMMON_OBJS)
VAD_TEST_LINK := $(VAD_LIBDIR)/libvadiscover.so -Wl,-rpath,$(abspath $(VAD_LIBDIR))
# tl_enter/tl_leave/tl_count_fds (tests/common/testlib.h) for the tests that use them.
VAD_TESTLIB := $(B)/tests/common/testlib.o
$(VAD_TESTLIB): EXTRA_CFLAGS = $(TEST_CFLAGS)
$(eval $(call vad_test,test-spec,tests/test-spec.c,$(VAD_TEST_LINK)))
$(eval $(call vad_test,test-scan,tests/test-scan.c,$(VAD_TESTLIB) $(VAD_TEST_LINK) -ldl))
$(eval $(call vad_test,test-select,tests/test-select.c,$(VAD_TESTLIB) $(VAD_TEST_LINK) -ldl))
# test-api: every error value the header documents, on the inputs that produce it.
$(eval $(call vad_test,test-api,tests/test-api.c,$(VAD_TESTLIB) $(VAD_TEST_LINK) -ldl))
FIXTURES_test-api += $(PROBE_HELPER) $(VAD_TEST_BROKEN_LIBVA)
# A program test-select runs in a child with another libva on LD_LIBRARY_PATH; the same
# linked against libva itself, as a patched FFmpeg is (the library must use that libva).
$(B)/tests/vad-select-helper: $(B)/tests/vad-select-helper.o $(VAD_SO_LINKS)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(B)/tests/vad-select-helper.o $(VAD_TEST_LINK) -ldl
$(B)/tests/vad-select-helper-linked: $(B)/tests/vad-select-helper.o $(VAD_SO_LINKS)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(B)/tests/vad-select-helper.o $(VAD_TEST_LINK) -ldl \
		-Wl,--no-as-needed $(VA_LIBS) -Wl,--as-needed
# A file named libva.so.2 that is a shared object but not libva (none of its functions):
# the tests' broken libva, on LD_LIBRARY_PATH or in the directory given to the library.
# Loaded into sanitized programs too, so built like the harness's objects.
VAD_TEST_BROKEN_LIBVA := $(B)/tests/broken-libva/libva.so.2
$(VAD_TEST_BROKEN_LIBVA): tests/broken-libva.c
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HARNESS_SO_CFLAGS) $(LDFLAGS) -Wl,-soname,libva.so.2 -o $@ $<
FIXTURES_test-select += $(B)/tests/vad-select-helper $(B)/tests/vad-select-helper-linked \
	$(VAD_TEST_BROKEN_LIBVA)
CHECK_PROGS += tests/test-symbols.sh tests/test-install.sh
# The man pages: one per export, each renders cleanly (tests/test-man.sh).
CHECK_PROGS += tests/test-man.sh
FIXTURES_test-man.sh += $(VAD_MAN3)
# The Kubernetes manifests (deploy/kubernetes), parsed with python3-yaml.
CHECK_PROGS += tests/test-kubernetes.py
# test-elf: the ELF reader (vad__ names: the static library), on objects the linker builds
# here (tests/elf/make-fixtures: 64-bit, and 32-bit ones without a C library).
ELF_FIXTURES := $(B)/tests/elf/.built
$(ELF_FIXTURES): tests/elf/make-fixtures tests/elf/fixture.c
	@echo "  GEN     $(dir $@)"
	$(Q)CC="$(CC)" tests/elf/make-fixtures $(dir $@) && touch $@
$(eval $(call vad_test,test-elf,tests/test-elf.c,$(VAD_A) $(VAD_LIB_DEPLIBS)))
FIXTURES_test-elf += $(ELF_FIXTURES)
# --- end libvadiscover ---

# --- the ffmpeg wrapper's tests ---
# test-wrapper-argv: the rewriter alone (a table resolver), and with the wrapper's own
# resolver on libvadiscover inside harness topologies (th_enter).
$(eval $(call vad_test,test-wrapper-argv,tests/test-wrapper-argv.c,\
	$(WRAPPER_LIB_OBJS) $(VAD_A) $(VAD_LIB_DEPLIBS)))
# The wrapper as built for a machine whose configured ffmpeg and jellyfin-ffmpeg are files
# the tests create and remove (under $(B)/tests/wrapper-search), for the run-time search.
WRAPPER_SEARCH_DIR := $(abspath $(B))/tests/wrapper-search
WRAPPER_SEARCH := $(B)/tests/wrapper-search/ffmpeg
WRAPPER_SEARCH_PROBE := $(B)/tests/wrapper-search/ffprobe
$(B)/tests/wrapper-search/main.o: fftools-wrapper/main.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) -MMD -MP \
		-DVFW_CONFIGURED_FFMPEG='"$(WRAPPER_SEARCH_DIR)/configured/ffmpeg"' \
		-DVFW_CONFIGURED_FFPROBE='"$(WRAPPER_SEARCH_DIR)/configured-probe/ffprobe"' \
		-DVFW_JELLYFIN_FFMPEG='"$(WRAPPER_SEARCH_DIR)/jellyfin/ffmpeg"' -c -o $@ $<
$(WRAPPER_SEARCH): $(B)/tests/wrapper-search/main.o $(WRAPPER_LIB_OBJS) $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(B)/tests/wrapper-search/main.o $(WRAPPER_LIB_OBJS) \
		$(VAD_A) $(VAD_LIB_DEPLIBS)
$(WRAPPER_SEARCH_PROBE): $(WRAPPER_SEARCH)
	$(Q)ln -sf ffmpeg $@
# test-wrapper-exec: the wrapper binary with Debian's ffmpeg behind it (th_run).
$(eval $(call vad_test,test-wrapper-exec,tests/test-wrapper-exec.c,))
$(B)/tests/wrapper-fdlist: $(B)/tests/wrapper-fdlist.o
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^
FIXTURES_test-wrapper-exec += $(WRAPPER) $(WRAPPER_PROBE) $(B)/tests/wrapper-fdlist \
	$(B)/tests/wrapper-env $(B)/tests/fakeva-ffmpeg/ffmpeg $(WRAPPER_SEARCH) \
	$(WRAPPER_SEARCH_PROBE)
# The environment and argument printer, and the same with a run path to a libva.so.2 that
# is no libva (the ELF fixtures' stand-in library).
$(B)/tests/wrapper-env: $(B)/tests/wrapper-env.o
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^
$(B)/tests/fakeva-ffmpeg/lib/libva.so.2: tests/elf/fixture.c
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -O1 -fPIC -shared -DFIXTURE_LIB -Wl,-soname,libva.so.2 -o $@ $<
$(B)/tests/fakeva-ffmpeg/ffmpeg: $(B)/tests/wrapper-env.o $(B)/tests/fakeva-ffmpeg/lib/libva.so.2
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(B)/tests/wrapper-env.o -Wl,--no-as-needed \
		-Wl,--enable-new-dtags -Wl,-rpath,'$$ORIGIN/lib' $(B)/tests/fakeva-ffmpeg/lib/libva.so.2

# --- end ffmpeg wrapper ---

# --- the vadiscover tool's tests ---
# test-tool: the real tool binary on every topology (th_run), plus its JSON writer.
# Both run the tool as rows of a table (tests/common/toolrun.h).
TOOLRUN := $(B)/tests/common/toolrun.o
$(TOOLRUN): EXTRA_CFLAGS = $(TEST_CFLAGS)
$(eval $(call vad_test,test-tool,tests/test-tool.c,$(TOOLRUN) $(B)/vadiscover/tool/json.o -ldl))
FIXTURES_test-tool += $(TOOL) $(VAD_TEST_BROKEN_LIBVA)

# test-doctor: `vadiscover doctor` and `passthrough` on the SR-IOV set-up topologies, with
# a --root directory per test; JSON and CDI documents parsed by python3.
$(eval $(call vad_test,test-doctor,tests/test-doctor.c,$(TOOLRUN)))
$(B)/tests/test-doctor.o: EXTRA_CFLAGS = $(TEST_CFLAGS) \
	-DVAD_TEST_LIBEXECDIR='"$(LIBEXECDIR)"'
FIXTURES_test-doctor += $(TOOL)
# test-bighost: a host with more devices than the fixed DRM minor ranges hold (the tool,
# the wrapper and the library on flex170x4-sriov and flex170x4-lxc).
$(eval $(call vad_test,test-bighost,tests/test-bighost.c,$(VAD_TESTLIB) $(VAD_TEST_LINK) -ldl))
FIXTURES_test-bighost += $(TOOL) $(WRAPPER) $(PROBE_HELPER)
# test-nfd: `vadiscover nfd`'s feature file, every line checked against NFD's rules.
$(eval $(call vad_test,test-nfd,tests/test-nfd.c,))
FIXTURES_test-nfd += $(TOOL) $(PROBE_HELPER) $(VAD_TEST_BROKEN_LIBVA)
# test-units.sh: the systemd units, installed, checked by systemd-analyze verify, and
# vadiscover-cdi@.service's command run on the harness.
CHECK_PROGS += tests/test-units.sh
FIXTURES_test-units.sh += $(TOOL) $(PROBE_HELPER)
# --- end vadiscover tool ---

# --- isolated probes ---
# The harness points libvadiscover at this build's probe helper (VADISCOVER_PROBE_HELPER).
$(foreach t,test-scan test-select test-tool test-wrapper-exec test-wrapper-argv,\
	$(eval FIXTURES_$(t) += $$(PROBE_HELPER)))
# test-probe: hang and crash of the VA driver, for the tool, the wrapper and the library.
$(eval $(call vad_test,test-probe,tests/test-probe.c,$(VAD_TESTLIB) $(VAD_TEST_LINK) -ldl))
# Its runs must end within the probe deadline plus a margin: make check runs it alone.
CHECK_ALONE += $(B)/tests/test-probe
FIXTURES_test-probe += $(PROBE_HELPER) $(TOOL) $(WRAPPER)
# test-cache: the probe cache, in the library and across runs of the tool and the wrapper.
$(eval $(call vad_test,test-cache,tests/test-cache.c,$(VAD_TESTLIB) $(VAD_TEST_LINK) -ldl))
FIXTURES_test-cache += $(PROBE_HELPER) $(TOOL) $(WRAPPER)
# test-busy: many wrappers at once, a slow driver, a wrapper killed mid-probe.
$(eval $(call vad_test,test-busy,tests/test-busy.c,))
FIXTURES_test-busy += $(PROBE_HELPER) $(WRAPPER)
# --- end isolated probes ---
