# tests/debian: make check-debian builds the Debian packages (debian/) from a clean copy of
# the tree, runs lintian, and installs them with apt into a Debian 12 root file system
# (debootstrap, cached in $VAD_DEBIAN_ROOT_CACHE, default ~/.cache/vadiscover/debian-root)
# where the autopkgtest smoke test (debian/tests/smoke) runs. Needs root.
.PHONY: check-debian
check-debian:
	$(Q)B=$(B) tests/debian/run-checks
