# make bench: every benchmark (discovery, probe cache and isolation, the wrapper's overhead).
# Each prints numbers and never fails on them. Included last by the Makefile: the rules
# name the programs the other fragments define.

# Runs per measurement (the median is printed).
BENCH_RUNS ?= 21

# now_ms/median, shared by the bench programs.
BENCH_COMMON_O := $(B)/tests/bench/bench-common.o

# make bench-discovery: discovery cost on simulated machines (tests/bench/bench-tool.c).
BENCH_TOOL := $(B)/tests/bench/bench-tool
BENCH_TOPOLOGIES ?= adl-sriov-host many-nodes

$(B)/tests/bench/bench-tool.o: EXTRA_CFLAGS =
$(BENCH_TOOL): $(B)/tests/bench/bench-tool.o $(BENCH_COMMON_O) $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $< $(BENCH_COMMON_O) $(VAD_A) $(VAD_LIB_DEPLIBS)

.PHONY: bench-discovery
bench-discovery: all $(BENCH_TOOL) $(TOOL)
	@cat tests/bench/header.txt
	$(Q)for t in $(BENCH_TOPOLOGIES); do \
		count=$(B)/tests/bench/count-$$t; rm -f $$count; \
		VAD_BENCH_TOPOLOGY=$$t tests/harness/run-in --build $(B) --count $$count $$t -- \
			$(BENCH_TOOL) $(TOOL) $(BENCH_RUNS) || exit 1; \
		rm -f $$count; \
	done
	$(Q)count=$(B)/tests/bench/count-pf-fails; rm -f $$count; \
	VAD_BENCH_TOPOLOGY="adl-sriov-host, PF fails" tests/harness/run-in --build $(B) \
		--count $$count --va '0000:00:02.0 fail' adl-sriov-host -- \
		$(BENCH_TOOL) $(TOOL) $(BENCH_RUNS); rc=$$?; rm -f $$count; exit $$rc

BENCH_TARGETS += bench-discovery

# make bench-devices: cold and warm discovery against the number of devices, 1 to 256
# (tests/bench/bench-devices), with the slope per device.
BENCH_DEVICES_RUNS ?= 7
.PHONY: bench-devices
bench-devices: all $(TOOL) $(PROBE_HELPER) $(HARNESS_TARGETS)
	$(Q)sh tests/bench/bench-devices $(B) $(BENCH_DEVICES_RUNS)
BENCH_TARGETS += bench-devices

# make bench-cache: cold and warm probe cache for the tool and the wrapper, with the fake
# and with Debian's real driver files, and isolation's cost per probe (tests/bench/bench-cache).
BENCH_ISOLATION := $(B)/tests/bench/bench-isolation
$(B)/tests/bench/bench-isolation.o: EXTRA_CFLAGS =
$(BENCH_ISOLATION): $(B)/tests/bench/bench-isolation.o $(BENCH_COMMON_O) $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $< $(BENCH_COMMON_O) $(VAD_A) $(VAD_LIB_DEPLIBS)

.PHONY: bench-cache
bench-cache: all $(BENCH_ISOLATION) $(TOOL) $(WRAPPER) $(PROBE_HELPER) $(HARNESS_TARGETS)
	$(Q)sh tests/bench/bench-cache $(B) $(BENCH_CACHE_RUNS)

BENCH_CACHE_RUNS ?= 11
BENCH_TARGETS += bench-cache

# make bench-wrapper: the wrapper's overhead against the real ffmpeg, in a simulated machine.
BENCH_WRAPPER := $(B)/tests/bench/bench-wrapper
$(BENCH_WRAPPER): $(B)/tests/bench/bench-wrapper.o $(BENCH_COMMON_O)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^

.PHONY: bench-wrapper
bench-wrapper: $(WRAPPER) $(BENCH_WRAPPER) $(HARNESS_TARGETS)
	$(Q)B=$(B) tests/harness/run-in adl-sriov-lxc-vf4 -- $(BENCH_WRAPPER) \
		$(abspath $(WRAPPER)) $(REAL_FFMPEG) $(BENCH_RUNS)
BENCH_TARGETS += bench-wrapper

# make bench-wrapper-jellyfin: the same with the Jellyfin layout's ffmpeg behind it, on a
# machine whose only VA drivers are the layout's (needs make jellyfin-layout's tree).
.PHONY: bench-wrapper-jellyfin
bench-wrapper-jellyfin: $(WRAPPER) $(BENCH_WRAPPER) $(HARNESS_TARGETS) jellyfin-layout
	@echo "jellyfin-ffmpeg layout: ffmpeg with its own libva 2.22 ($(JELLYFIN_LAYOUT))"
	$(Q)B=$(B) tests/harness/run-in --drivers $(abspath $(JELLYFIN_LAYOUT))/lib/dri \
		adl-sriov-lxc-vf4 -- $(BENCH_WRAPPER) $(abspath $(WRAPPER)) \
		$(abspath $(JELLYFIN_LAYOUT))/ffmpeg $(BENCH_RUNS)
BENCH_TARGETS += bench-wrapper-jellyfin

# make bench-floor: the wrapper's CPU time against an exec-only wrapper and the target alone,
# without the fake-GPU shim where it can (root), per phase; cold `list` on many-nodes
# (tests/bench/bench-floor).
BENCH_FLOOR := $(B)/tests/bench/bench-floor
BENCH_FLOOR_PROGS := $(BENCH_FLOOR) $(B)/tests/bench/exec-only $(B)/tests/bench/tiny-target \
	$(B)/tests/bench/libbenchopen.so
$(B)/tests/bench/bench-floor.o: EXTRA_CFLAGS =
$(BENCH_FLOOR): $(B)/tests/bench/bench-floor.o $(BENCH_COMMON_O)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^
$(B)/tests/bench/exec-only: tests/bench/exec-only.c
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) -std=c11 $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $<
# Static, no sanitizer: it only has to start and end.
$(B)/tests/bench/tiny-target: tests/bench/tiny-target.c
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) -std=c11 $(WARN) $(CFLAGS) -static -o $@ $<
$(B)/tests/bench/libbenchopen.so: tests/bench/open-nodes.c
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(HARNESS_SO_CFLAGS) $(LDFLAGS) -o $@ $< -ldl

.PHONY: bench-floor
bench-floor: all $(BENCH_FLOOR_PROGS) $(TOOL) $(WRAPPER) $(PROBE_HELPER) $(HARNESS_TARGETS)
	$(Q)sh tests/bench/bench-floor $(B) $(BENCH_FLOOR_RUNS)
BENCH_FLOOR_RUNS ?= 21
BENCH_TARGETS += bench-floor
