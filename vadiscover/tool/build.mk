# The vadiscover command-line tool, its man page, `make demo`.
# The tool links the static library, so the installed binary needs no libvadiscover.so.

TOOL := $(B)/vadiscover/tool/vadiscover
TOOL_SRCS := vadiscover/tool/vadiscover.c vadiscover/tool/output.c vadiscover/tool/json.c
TOOL_OBJS := $(TOOL_SRCS:%.c=$(B)/%.o)
TOOL_MAN := vadiscover/tool/vadiscover.1

$(TOOL_OBJS): EXTRA_CFLAGS =

$(TOOL): $(TOOL_OBJS) $(VAD_A)
	@echo "  LD      $@"
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $(TOOL_OBJS) $(VAD_A) $(VAD_LIB_DEPLIBS)

ALL += $(TOOL)

.PHONY: install-tool uninstall-tool
install-tool: $(TOOL)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(TOOL) $(DESTDIR)$(BINDIR)/vadiscover
	install -m 0644 $(TOOL_MAN) $(DESTDIR)$(MANDIR)/man1/vadiscover.1

uninstall-tool:
	rm -f $(DESTDIR)$(BINDIR)/vadiscover $(DESTDIR)$(MANDIR)/man1/vadiscover.1

INSTALL_TARGETS += install-tool
UNINSTALL_TARGETS += uninstall-tool
