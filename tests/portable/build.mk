# tests/portable: the portable bundle (portable/build.mk) as users get it.
#   tests/test-portable.sh (in make check): the tarball's contents, that each binary needs
#     only libc.so.6 and nothing above GLIBC_2.34, that they run.
#   make check-portable: the bundle in a Debian 13 root file system without libva (made by
#     debootstrap once, cached in $VAD_DEBIAN_ROOT_CACHE, default
#     ~/.cache/vadiscover/debian-root), through chroot, with the fake-GPU harness and the
#     simulated jellyfin-ffmpeg copied in (tests/portable/run-checks). Needs root.

CHECK_PROGS += tests/test-portable.sh

# The simulated jellyfin-ffmpeg (tests/jellyfin/build.mk), by its absolute path: it is
# copied into the root at the same path, which its rpath names.
check-portable: all portable jellyfin-layout
	$(Q)B=$(B) JELLYFIN_LAYOUT=$(abspath $(JELLYFIN_LAYOUT)) tests/portable/run-checks
