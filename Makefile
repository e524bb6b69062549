# vadiscover: one non-recursive Makefile. Each directory adds its own rules in a build.mk
# fragment included below; every output goes under $(B) (default: build/), so a second
# configuration (make check-asan uses build/asan) can sit beside the first.
#
# Targets: all check check-valgrind check-asan check-ffmpeg check-ffopts check-jellyfin
#          check-portable check-debian fuzz check-local check-external check-all
#          print-check-parts bench demo jellyfin-layout portable analyze install uninstall
#          clean distclean

B ?= build

ifeq ($(wildcard config.mk),)
$(error config.mk is missing: run ./configure first (./configure --help lists the options))
endif
include config.mk

SANITIZE ?= $(if $(SANITIZE_FLAGS),1,0)
ifeq ($(SANITIZE),1)
SAN := $(if $(SANITIZE_FLAGS),$(SANITIZE_FLAGS),-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
else
SAN :=
endif

# A build of its own may take config.h from another directory (make portable does: its
# wrapper runs another default ffmpeg); quoted includes look there before the source tree.
CONFIG_H_DIR ?=

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-format-nonliteral
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC $(WARN) $(if $(CONFIG_H_DIR),-iquote $(CONFIG_H_DIR)) \
	-I. -I$(B) $(CFLAGS) $(SAN)
BASE_LDFLAGS := $(LDFLAGS) $(SAN)

DESTDIR ?=
Q := $(if $(V),,@)

# Filled in by the fragments.
ALL :=
CHECK_PROGS :=
CHECK_ALONE :=
BENCH_TARGETS :=
INSTALL_TARGETS :=
UNINSTALL_TARGETS :=

.PHONY: all check check-valgrind check-asan check-ffmpeg check-jellyfin check-portable check-debian \
	check-all bench demo install uninstall clean distclean
all: real-all

include vadiscover/build.mk
include vadiscover/tool/build.mk
include fftools-wrapper/build.mk
include tests/harness/build.mk
include tests/build.mk
include tests/ffmpeg/build.mk
include tests/jellyfin/build.mk
include portable/build.mk
include tests/portable/build.mk
include tests/debian/build.mk
include tests/bench/build.mk
include tests/analyze/build.mk
include tests/fuzz/build.mk

real-all: $(ALL)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(BASE_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Every Check program and harness test, in parallel: each program's run is a target of its
# own (a sub-make at CHECK_JOBS at a time, default the number of CPUs, or make's own -j),
# its output kept in $(B)/tests/log/NAME.log; tests/run-tests then prints the logs in the
# order of CHECK_PROGS and adds them up into one closing line "check: N passed, N failed".
# A program's fixtures (FIXTURES_NAME, tests/build.mk) are its prerequisites, and
# tests/run-tests fails it without running it when one is missing.
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
CHECK_J = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(CHECK_JOBS))
CHECK_LOG_DIR := $(B)/tests/log$(if $(filter 1,$(VAD_TEST_VALGRIND)),-valgrind)
CHECK_LOGS := $(foreach p,$(CHECK_PROGS),$(CHECK_LOG_DIR)/$(notdir $(p)).log)

check: all $(CHECK_PROGS)
	$(Q)$(MAKE) --no-print-directory $(CHECK_J) B=$(B) SANITIZE=$(SANITIZE) check-run

# The same tests with every program they start under valgrind (memcheck, leaks are errors).
check-valgrind: all $(CHECK_PROGS)
	$(Q)$(MAKE) --no-print-directory $(CHECK_J) B=$(B) SANITIZE=$(SANITIZE) \
		VAD_TEST_VALGRIND=1 check-run

# The same tests, everything rebuilt with ASan+UBSan in $(B)/asan.
check-asan:
	$(Q)$(MAKE) --no-print-directory B=$(B)/asan SANITIZE=1 check

.PHONY: check-run FORCE
check-run: $(CHECK_LOGS)
	$(Q)tests/run-tests --report $(CHECK_LOGS)

define check_log_rule
$(1): $$(FIXTURES_$(notdir $(1)))
$(CHECK_LOG_DIR)/$(notdir $(1)).log: $(1) $$(FIXTURES_$(notdir $(1))) FORCE
	@echo "  TEST    $(1)"
	$$(Q)B=$(B) SANITIZE=$(SANITIZE) $(if $(VAD_TEST_VALGRIND),VAD_TEST_VALGRIND=$(VAD_TEST_VALGRIND)) \
		tests/run-tests --log $$@ $(1) $$(FIXTURES_$(notdir $(1)))
endef
$(foreach p,$(CHECK_PROGS),$(eval $(call check_log_rule,$(p))))
FORCE:

# A program in CHECK_ALONE (tests/build.mk) runs by itself after the others, one after
# another: its tests bound how long a run takes, which programs running beside it would
# stretch.
check_before_alone := $(filter-out $(foreach p,$(CHECK_ALONE),%/$(notdir $(p)).log),$(CHECK_LOGS))
define check_alone_rule
$(CHECK_LOG_DIR)/$(notdir $(1)).log: | $(check_before_alone)
check_before_alone += $(CHECK_LOG_DIR)/$(notdir $(1)).log
endef
$(foreach p,$(CHECK_ALONE),$(eval $(call check_alone_rule,$(p))))

# check-all is the union of two groups of parts. check-local needs nothing but this tree
# and the packages of scripts/setup-debian; check-external needs the network (check-ffmpeg,
# check-ffopts and check-jellyfin download FFmpeg and libva sources once, cached in
# ~/.cache/vadiscover) and root (check-portable and check-debian debootstrap and chroot).
# `make -s print-check-parts` lists the parts, one per line (scripts/test-all counts them).
CHECK_LOCAL_PARTS := check check-valgrind check-asan analyze fuzz
CHECK_EXTERNAL_PARTS := check-ffmpeg check-ffopts check-jellyfin check-portable check-debian
.PHONY: check-local check-external print-check-parts
check-local: $(CHECK_LOCAL_PARTS)
check-external: $(CHECK_EXTERNAL_PARTS)
check-all: check-local check-external
print-check-parts:
	@printf '%s\n' $(CHECK_LOCAL_PARTS) $(CHECK_EXTERNAL_PARTS)

bench: all $(BENCH_TARGETS)

install: all $(INSTALL_TARGETS)
uninstall: $(UNINSTALL_TARGETS)

clean:
	rm -rf $(B)

distclean: clean
	rm -f config.mk config.h config.log
