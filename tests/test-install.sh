#!/bin/sh
# make install / uninstall of libvadiscover into a DESTDIR, and programs built against the
# installed copy: with the header path as installed (<vadiscover/vadiscover.h>), through
# pkg-config, against the shared and the static library. Ends in "install: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
. tests/common/testlib.sh
MAKE=${MAKE:-make}

LIBDIR=$(conf LIBDIR)
INCLUDEDIR=$(conf INCLUDEDIR)
VERSION=$(conf VERSION)
root=$tmp/root
SAN=
if nm -D "$B/vadiscover/libvadiscover.so" 2>/dev/null | grep -q __asan_init; then
	SAN="-fsanitize=address,undefined"
fi

if $MAKE --no-print-directory -s B="$B" DESTDIR="$root" install-libvadiscover \
	>"$tmp/log" 2>&1; then
	ok "make install-libvadiscover"
else
	fail "make install-libvadiscover: $(cat "$tmp/log")"
fi

# The shared object's file version is the release's, from the VERSION file.
release=$(cat VERSION)
missing=
for f in "$LIBDIR/libvadiscover.so.$release" "$LIBDIR/libvadiscover.so.0" "$LIBDIR/libvadiscover.so" \
	"$LIBDIR/libvadiscover.a" "$LIBDIR/pkgconfig/libvadiscover.pc" \
	"$INCLUDEDIR/vadiscover/vadiscover.h"; do
	[ -e "$root$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "installed files present (libvadiscover.so.$release: the VERSION file's)" ||
	fail "not installed:$missing"
[ "$(readlink "$root$LIBDIR/libvadiscover.so.0")" = "libvadiscover.so.$release" ] &&
	[ "$(readlink "$root$LIBDIR/libvadiscover.so")" = libvadiscover.so.0 ] &&
	ok "symlinks .so -> .so.0 -> .so.$release" || fail "symlinks are wrong"

# The section-3 pages go with the development files, and man finds them there.
MANDIR=$(conf MANDIR)
n=$(ls "$root$MANDIR/man3" 2>/dev/null | grep -c '\.3$')
want_n=$(( $(grep -c '^[[:space:]]*vad_[a-z0-9_]*;$' vadiscover/libvadiscover.sym) + 1 ))
[ "$n" -eq "$want_n" ] && ok "$n section-3 pages installed in $MANDIR/man3" ||
	fail "$n section-3 pages in $MANDIR/man3, not $want_n"
page=$(LC_ALL=C MANWIDTH=80 man -M "$root$MANDIR" 3 vad_select 2>&1)
case "$page" in
*"vad_select - choose the device"*ERRORS*) ok "man 3 vad_select finds the installed page" ;;
*) fail "man -M $MANDIR 3 vad_select: $page" ;;
esac

export PKG_CONFIG_PATH="$root$LIBDIR/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
v=$(pkg-config --modversion libvadiscover 2>&1)
[ "$v" = "$VERSION" ] && ok "pkg-config --modversion is $VERSION" ||
	fail "pkg-config --modversion: '$v'"
static_libs=$(pkg-config --static --libs libvadiscover 2>&1)
# libva is loaded at run time: a static user links libdl, and no libva, libva-drm or libdrm.
case "$static_libs " in
*"-lva "*|*-lva-drm*|*-ldrm*) fail "pkg-config --static --libs names libva or libdrm: '$static_libs'" ;;
*-lvadiscover*-ldl*) ok "pkg-config --static --libs is libvadiscover and libdl: $static_libs" ;;
*) fail "pkg-config --static --libs: '$static_libs'" ;;
esac

cat > "$tmp/prog.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <vadiscover/vadiscover.h>
int main(void)
{
	struct vad_context *ctx = NULL;
	struct vad_spec *spec = NULL;
	if (vad_new(&ctx) < 0 || vad_spec_new(&spec, "vendor_id=0x8086", NULL, 0) < 0)
		return 1;
	printf("%s %s\n", vad_version(), vad_spec_to_string(spec));
	vad_spec_free(spec);
	vad_unref(ctx);
	return 0;
}
C
want="$VERSION vendor=0x8086"
# The .pc file's -I/-L name $LIBDIR and $INCLUDEDIR; point them into the DESTDIR.
if $CC $SAN -std=c99 -pedantic -Werror -I"$root$INCLUDEDIR" "$tmp/prog.c" -o "$tmp/prog-shared" \
	-L"$root$LIBDIR" -lvadiscover 2>"$tmp/log"; then
	out=$(LD_LIBRARY_PATH="$root$LIBDIR" "$tmp/prog-shared" 2>&1)
	[ "$out" = "$want" ] && ok "a program links the installed shared library" ||
		fail "shared program printed '$out'"
	needed=$(objdump -p "$tmp/prog-shared" | awk '$1 == "NEEDED" { print $2 }' | grep vadiscover)
	[ "$needed" = libvadiscover.so.0 ] && ok "program NEEDED libvadiscover.so.0" ||
		fail "program NEEDED '$needed'"
else
	fail "cannot build against the installed shared library: $(cat "$tmp/log")"
fi
if $CC $SAN -I"$root$INCLUDEDIR" "$tmp/prog.c" -o "$tmp/prog-static" \
	"$root$LIBDIR/libvadiscover.a" \
	$(pkg-config --static --libs-only-l libvadiscover | sed 's/-lvadiscover//') \
	2>"$tmp/log"; then
	out=$("$tmp/prog-static" 2>&1)
	[ "$out" = "$want" ] && ok "a program links the installed static library" ||
		fail "static program printed '$out'"
	needed=$(objdump -p "$tmp/prog-static" | awk '$1 == "NEEDED" { print $2 }' |
		grep -E 'libva|libdrm')
	[ -z "$needed" ] && ok "the static program needs no libva or libdrm" ||
		fail "the static program needs $(echo $needed)"
else
	fail "cannot build against the installed static library: $(cat "$tmp/log")"
fi

if $MAKE --no-print-directory -s B="$B" DESTDIR="$root" uninstall-libvadiscover \
	>"$tmp/log" 2>&1; then
	left=$(find "$root" \( -type f -o -type l \) | sed "s|^$root||")
	[ -z "$left" ] && ok "make uninstall-libvadiscover removes every file" ||
		fail "left after uninstall: $left"
else
	fail "make uninstall-libvadiscover: $(cat "$tmp/log")"
fi

# The probe helper: in LIBEXECDIR/vadiscover (where the library looks for it, beside the
# ffmpeg wrapper), executable, needing no libvadiscover.so, and gone after uninstall.
LIBEXECDIR=$(conf LIBEXECDIR)
helper=$root$LIBEXECDIR/vadiscover/vadiscover-probe
if $MAKE --no-print-directory -s B="$B" DESTDIR="$root" install-probe-helper >"$tmp/log" 2>&1 &&
	[ -x "$helper" ]; then
	ok "make install-probe-helper installs $LIBEXECDIR/vadiscover/vadiscover-probe"
	strings "$B/vadiscover/libvadiscover.so" | grep -qx "$LIBEXECDIR/vadiscover/vadiscover-probe" &&
		ok "the library looks for the helper there" ||
		fail "the library does not name $LIBEXECDIR/vadiscover/vadiscover-probe"
	objdump -p "$helper" | awk '$1 == "NEEDED" { print $2 }' | grep -q vadiscover &&
		fail "the helper needs libvadiscover.so" || ok "the helper links the static library"
else
	fail "make install-probe-helper: $(cat "$tmp/log")"
fi
if $MAKE --no-print-directory -s B="$B" DESTDIR="$root" uninstall-probe-helper >"$tmp/log" 2>&1 &&
	[ ! -e "$helper" ]; then
	ok "make uninstall-probe-helper removes it"
else
	fail "make uninstall-probe-helper: $(cat "$tmp/log")"
fi

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
