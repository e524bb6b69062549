# make fuzz: one libFuzzer target per parser (tests/fuzz/fuzz-*.c), each run for
# FUZZ_SECONDS seconds (default 60) from a copy of its committed corpus
# (tests/fuzz/corpus/NAME/), with ASan and UBSan; ends in "fuzz: N passed, N failed", one
# per target. Everything is built with clang in $(B)/fuzz by a make of its own (like
# check-asan): the static library, the wrapper's rewriter and the targets. FUZZ_JOBS targets
# run at a time (default 2: a run is one process on one core, up to ~600 MB).
# README.md ("Fuzzing"): one target alone, reproducing a crash.

FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 2
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_NAMES := spec rewrite sysfs elf record
# Inside the make of $(B)/fuzz: the targets and their runs.
FUZZ_BINS := $(FUZZ_NAMES:%=$(B)/tests/fuzz/fuzz-%)
FUZZ_RUNS := $(FUZZ_NAMES:%=fuzz-run-%)

$(B)/tests/fuzz/fuzz-%: $(B)/tests/fuzz/fuzz-%.o $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LINK_$*) $(VAD_A) \
		$(VAD_LIB_DEPLIBS)
FUZZ_LINK_rewrite := $(B)/fftools-wrapper/rewrite.o
$(B)/tests/fuzz/fuzz-rewrite: $(B)/fftools-wrapper/rewrite.o

.PHONY: fuzz fuzz-build fuzz-report $(FUZZ_RUNS)
fuzz:
	$(Q)$(MAKE) --no-print-directory -j$(FUZZ_JOBS) B=$(B)/fuzz CC=$(FUZZ_CC) CFLAGS="-O1 -g" \
		SANITIZE_FLAGS="$(FUZZ_SAN)" fuzz-report

fuzz-build: $(FUZZ_BINS)

# The spec target's dictionary: the names of the keys, from the library's table (so a new
# key is in it), and the words of tests/fuzz/spec-words.dict.
$(B)/tests/fuzz/spec-keys: $(B)/tests/fuzz/spec-keys.o $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $< $(VAD_A) $(VAD_LIB_DEPLIBS)
$(B)/tests/fuzz/spec.dict: $(B)/tests/fuzz/spec-keys tests/fuzz/spec-words.dict
	@echo "  GEN     $@"
	$(Q){ $(B)/tests/fuzz/spec-keys && cat tests/fuzz/spec-words.dict; } >$@.tmp && \
		mv -f $@.tmp $@
fuzz-run-spec: $(B)/tests/fuzz/spec.dict

# One run per target (FUZZ_JOBS at once); each writes its log and its verdict
# under $(B)/fuzz-run/NAME, the report below adds them up.
$(FUZZ_RUNS): fuzz-run-%: $(B)/tests/fuzz/fuzz-%
	$(Q)tests/fuzz/run-fuzz $* $< $(FUZZ_SECONDS) $(B)/fuzz-run/$*

fuzz-report: $(FUZZ_RUNS)
	$(Q)tests/fuzz/report-fuzz $(B)/fuzz-run $(FUZZ_NAMES)
.SECONDARY: $(FUZZ_BINS:%=%.o) $(B)/tests/fuzz/spec-keys.o
