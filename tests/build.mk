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

# --- the ffmpeg wrapper's tests (wrapper engineer) ---
$(B)/tests/test-wrapper-argv.o: EXTRA_CFLAGS = $(CHECK_CFLAGS)
$(B)/tests/test-wrapper-argv: $(B)/tests/test-wrapper-argv.o $(VAD_TEST_RUNNER) \
		$(WRAPPER_LIB_OBJS) $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(B)/tests/test-wrapper-argv.o $(VAD_TEST_RUNNER) \
		$(WRAPPER_LIB_OBJS) $(VAD_A) $(VAD_LIB_DEPLIBS) $(CHECK_LIBS)

CHECK_PROGS += $(B)/tests/test-wrapper-argv
# --- end ffmpeg wrapper ---
