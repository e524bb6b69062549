# make analyze: static analysis of every source of the library (with the probe helper), the
# tool and the wrapper. No finding is allowed. Two analysers, each run on each file:
#
# - gcc -fanalyzer (path-sensitive: memory leaks, double free, use after free, NULL
#   dereference; gcc 12 does not follow file descriptors yet, 13 does). Across files it
#   knows malloc and friends, and the functions declared VAD_MALLOC (vad-private.h).
#   The file is compiled by its own object rule in a build of its own,
#   $(B)/analyze/gcc (make B=...), so it gets exactly its build flags, -Werror included:
#   a finding fails the compile. The objects are thrown away and remade on every run.
#   gcc's findings depend on the optimisation level: -O2, as in the default build,
#   whatever configure was given.
# - cppcheck (value flow: buffer bounds, format strings against their arguments, misused
#   libc and POSIX calls from its posix library). It finds another kind of bug than
#   gcc's analyser, takes a second for all, and reports nothing on correct code here.
#   Not clang's scan-build: clang 14's analyser checks the same paths as gcc's, takes
#   three times as long, and every one of its reports on this code was false: it does
#   not know that a failed call sets errno > 0 (so "return -errno" may return 0 to it)
#   nor that POSIX functions return a positive error number.
#   Its "portability" checks are left out: with the posix library they only say to use
#   readdir_r() (deprecated by glibc: readdir() on a stream of one's own is thread-safe)
#   and strtok_r() (strtok is used by the single-threaded tool only).
#
# A false positive is suppressed where it is, with the reason: "// cppcheck-suppress ID",
# or "#pragma GCC diagnostic" push/ignored/pop around the narrowest code.
# Prints PASS or FAIL (with the findings) per analyser and file, then
# "analyze: N passed, N failed".

ANALYZE_CC ?= gcc
CPPCHECK ?= cppcheck
ANALYZE_SRCS := $(sort $(wildcard vadiscover/*.c vadiscover/tool/*.c fftools-wrapper/*.c))
ANALYZE_DIR := $(B)/analyze
ANALYZE_RESULTS := $(ANALYZE_SRCS:%.c=$(ANALYZE_DIR)/%.gcc) \
	$(ANALYZE_SRCS:%.c=$(ANALYZE_DIR)/%.cppcheck)
ANALYZE_CPPCHECK_FLAGS := --std=c11 -D_GNU_SOURCE -I. --library=posix \
	--enable=warning,performance --inline-suppr --error-exitcode=1 --quiet --template=gcc

.PHONY: analyze analyze-always
analyze-always:

$(ANALYZE_DIR)/%.gcc: analyze-always
	@mkdir -p $(dir $@)
	$(Q)rm -f $(ANALYZE_DIR)/gcc/$*.o; \
	if $(MAKE) --no-print-directory B=$(ANALYZE_DIR)/gcc CC=$(ANALYZE_CC) SANITIZE=0 \
		CONFIG_H_DIR=$(CONFIG_H_DIR) CFLAGS='-O2 -fanalyzer' $(ANALYZE_DIR)/gcc/$*.o \
		>$@.out 2>&1; \
	then echo "  PASS    gcc -fanalyzer $*.c" >$@; \
	else { echo "  FAIL    gcc -fanalyzer $*.c"; grep -v '^  CC ' $@.out; } >$@; fi

$(ANALYZE_DIR)/%.cppcheck: %.c analyze-always
	@mkdir -p $(dir $@)
	$(Q)if $(CPPCHECK) $(ANALYZE_CPPCHECK_FLAGS) $< >$@.out 2>&1; \
	then echo "  PASS    cppcheck $<" >$@; \
	else { echo "  FAIL    cppcheck $<"; cat $@.out; } >$@; fi

analyze: $(ANALYZE_RESULTS)
	$(Q)cat $(ANALYZE_RESULTS); \
	p=$$(cat $(ANALYZE_RESULTS) | grep -c '^  PASS '); \
	f=$$(cat $(ANALYZE_RESULTS) | grep -c '^  FAIL '); \
	echo "analyze: $$p passed, $$f failed"; \
	[ "$$f" -eq 0 ] && [ "$$p" -eq $(words $(ANALYZE_RESULTS)) ]
