# make bench: discovery cost on simulated machines (see tests/bench/bench-tool.c).
# Included from vadiscover/tool/build.mk. Prints numbers; never fails on them.

BENCH_TOOL := $(B)/tests/bench/bench-tool
BENCH_RUNS ?= 21
BENCH_TOPOLOGIES ?= adl-sriov-host many-nodes

$(B)/tests/bench/bench-tool.o: EXTRA_CFLAGS =
$(BENCH_TOOL): $(B)/tests/bench/bench-tool.o $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $< $(VAD_A) $(VAD_LIB_DEPLIBS)

.PHONY: bench-discovery
bench-discovery: all $(BENCH_TOOL) $(TOOL)
	@cat tests/bench/header.txt
	$(Q)for t in $(BENCH_TOPOLOGIES); do \
		count=$(B)/tests/bench/count-$$t; rm -f $$count; \
		VAD_BENCH_TOPOLOGY=$$t tests/harness/run-in --build $(B) --count $$count $$t -- \
			$(BENCH_TOOL) $(TOOL) $(BENCH_RUNS) || exit 1; \
		rm -f $$count; \
	done

BENCH_TARGETS += bench-discovery
