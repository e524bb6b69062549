# tests: rules are added by its issue

# --- libvadiscover's own tests (library engineer) ---
# Check programs link the shared library (rpath into $(B)), so they test what users load.
VAD_TEST_RUNNER := $(B)/tests/common/runner.o
$(VAD_TEST_RUNNER): EXTRA_CFLAGS = $(CHECK_CFLAGS)

$(B)/tests/test-spec.o: EXTRA_CFLAGS = $(CHECK_CFLAGS)
$(B)/tests/test-spec: $(B)/tests/test-spec.o $(VAD_TEST_RUNNER) $(VAD_SO_LINKS)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(B)/tests/test-spec.o $(VAD_TEST_RUNNER) $(VAD_LINK) \
		$(CHECK_LIBS)

CHECK_PROGS += $(B)/tests/test-spec tests/test-symbols.sh
# --- end libvadiscover ---
