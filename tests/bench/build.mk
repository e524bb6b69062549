# make bench: discovery cost on simulated machines (see tests/bench/bench-tool.c).
# Included from vadiscover/tool/build.mk. Prints numbers; never fails on them.

BENCH_TOOL := $(B)/tests/bench/bench-tool
BENCH_RUNS ?= 21
BENCH_TOPOLOGIES ?= adl-sriov-host many-nodes

# now_ms/median, shared with bench-wrapper (fftools-wrapper/build.mk).
BENCH_COMMON_O := $(B)/tests/bench/bench-common.o

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
