#!/bin/sh
# The portable bundle (make portable, portable/build.mk), unpacked as a user would:
#  - the tarball is named vadiscover-VERSION-ARCH.tar.gz and unpacks to exactly the folder
#    vadiscover/ with ffmpeg, ffprobe (-> ffmpeg), vadiscover, vadiscover-probe and README;
#  - each binary needs only libc.so.6 (no libva, no libvadiscover.so, no sanitizer
#    runtime) and no glibc symbol version above GLIBC_2.34, and is stripped;
#  - the tool's --version and --help run; the wrapper runs the real ffmpeg/ffprobe it is
#    given, and its built-in default is the jellyfin-ffmpeg path, not configure's choice;
#  - the README says how to use it with Jellyfin;
#  - make portable run again gives the same tarball, byte for byte.
# The same bundle in a Debian 13 root without libva: make check-portable.
# Ends in "portable-bundle: N passed, N failed" for tests/run-tests.
set -u
cd "$(dirname "$0")/.."
. tests/common/testlib.sh
MAKE=${MAKE:-make}
# The oldest glibc the bundle runs on (Debian 12 has 2.36, Ubuntu 22.04 2.35, EL9 2.34).
GLIBC_MAX=2.34

version=$(cat VERSION)
arch=$($CC -dumpmachine | cut -d- -f1)
tgz=$B/portable/vadiscover-$version-$arch.tar.gz
jf=/usr/lib/jellyfin-ffmpeg/ffmpeg
conf_ffmpeg=$(sed -n 's/^REAL_FFMPEG = //p' config.mk)

if $MAKE --no-print-directory -s B="$B" portable >"$tmp/log" 2>&1 && [ -s "$tgz" ]; then
	ok "make portable built $tgz ($(wc -c <"$tgz") bytes)"
else
	fail "make portable did not build $tgz: $(cat "$tmp/log")"
	echo "portable-bundle: $passed passed, $failed failed"
	exit 1
fi

# 1. Contents: one folder, exactly these files.
# (in the C locale's order, as the list below: another locale's sort folds case)
tar -tzf "$tgz" | sed 's|/$||' | LC_ALL=C sort >"$tmp/list"
printf '%s\n' vadiscover vadiscover/README vadiscover/ffmpeg vadiscover/ffprobe \
	vadiscover/vadiscover vadiscover/vadiscover-probe >"$tmp/want"
if cmp -s "$tmp/list" "$tmp/want"; then
	ok "the tarball holds exactly vadiscover/{README,ffmpeg,ffprobe,vadiscover,vadiscover-probe}"
else
	fail "the tarball holds: $(echo $(cat "$tmp/list"))"
fi
mkdir "$tmp/u"
tar -xzf "$tgz" -C "$tmp/u" || fail "tar -xzf $tgz"
d=$tmp/u/vadiscover
[ -L "$d/ffprobe" ] && [ "$(readlink "$d/ffprobe")" = ffmpeg ] &&
	ok "ffprobe is a symlink to ffmpeg" || fail "ffprobe is not a symlink to ffmpeg"
[ -x "$d/ffmpeg" ] && [ -x "$d/vadiscover" ] && [ -x "$d/vadiscover-probe" ] &&
	[ ! -x "$d/README" ] &&
	ok "ffmpeg, vadiscover and vadiscover-probe are executable, README is not" ||
	fail "file modes: $(ls -l "$d")"

# 2. What each binary needs from the system.
for b in ffmpeg vadiscover vadiscover-probe; do
	needed=$(readelf -d "$d/$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	[ "$needed" = "libc.so.6 " ] && ok "$b: NEEDED is libc.so.6 only" ||
		fail "$b: NEEDED is not libc.so.6 alone: $needed"
	# Every version the binary asks of a library (readelf -V: the version needs).
	readelf -V "$d/$b" | sed -n 's/.*Name: \([A-Za-z_]*[0-9][0-9.]*\).*Flags.*/\1/p' |
		sort -u >"$tmp/vers"
	foreign=$(grep -v '^GLIBC_' "$tmp/vers")
	top=$(sed -n 's/^GLIBC_//p' "$tmp/vers" | sort -V | tail -n 1)
	if [ -z "$foreign" ] && [ -n "$top" ] &&
		[ "$(printf '%s\n%s\n' "$top" "$GLIBC_MAX" | sort -V | tail -n 1)" = "$GLIBC_MAX" ]; then
		ok "$b: highest symbol version GLIBC_$top (<= GLIBC_$GLIBC_MAX)"
	else
		fail "$b: symbol versions above GLIBC_$GLIBC_MAX or not glibc's: $(echo $(cat "$tmp/vers"))"
		objdump -T "$d/$b" | grep -F "(GLIBC_$top)" | sed "s/^/    /" | head -n 10
	fi
	san=$(objdump -T "$d/$b" | grep -E '__(asan|ubsan|tsan|lsan)_' | head -n 3)
	[ -z "$san" ] && ok "$b: no sanitizer symbols" || fail "$b: built with a sanitizer: $san"
	if readelf -S "$d/$b" | grep -qE '\.symtab|\.debug_'; then
		fail "$b: not stripped"
	else
		ok "$b: stripped"
	fi
done

# 3. The tool runs.
out=$("$d/vadiscover" --version 2>&1)
rc=$?
case "$rc:$out" in
"0:vadiscover $version "*) ok "vadiscover --version: $out" ;;
*) fail "vadiscover --version: exit $rc: $out" ;;
esac
out=$("$d/vadiscover" --help 2>&1)
rc=$?
case "$rc:$out" in
0:Usage:\ vadiscover*) ok "vadiscover --help exits 0 and starts with Usage" ;;
*) fail "vadiscover --help: exit $rc: $(echo "$out" | head -n 3)" ;;
esac

# 4. The wrapper executes the real program it is given, by the name it was run by, with the
#    arguments unchanged and its exit status.
printf '#!/bin/sh\necho "real-ffmpeg $*"\nexit 7\n' >"$tmp/real-ffmpeg"
printf '#!/bin/sh\necho "real-ffprobe $*"\nexit 8\n' >"$tmp/real-ffprobe"
chmod +x "$tmp/real-ffmpeg" "$tmp/real-ffprobe"
out=$(VADISCOVER_MODE=off VADISCOVER_FFMPEG=$tmp/real-ffmpeg "$d/ffmpeg" -version 'a b' 2>&1)
rc=$?
[ "$rc:$out" = "7:real-ffmpeg -version a b" ] && ok "the bundled wrapper executes VADISCOVER_FFMPEG" ||
	fail "wrapper as ffmpeg: exit $rc: $out"
out=$(VADISCOVER_FFPROBE=$tmp/real-ffprobe "$d/ffprobe" -version 2>&1)
rc=$?
[ "$rc:$out" = "8:real-ffprobe -version" ] && ok "run as ffprobe it executes VADISCOVER_FFPROBE" ||
	fail "wrapper as ffprobe: exit $rc: $out"
# Its compiled-in default is jellyfin-ffmpeg's path, not the build machine's ffmpeg.
if grep -qF "$jf" "$d/ffmpeg"; then
	ok "the wrapper's built-in ffmpeg is $jf"
else
	fail "the wrapper does not name $jf"
fi
if [ -n "$conf_ffmpeg" ] && [ "$conf_ffmpeg" != "$jf" ]; then
	grep -qF "$conf_ffmpeg" "$d/ffmpeg" &&
		fail "the wrapper still names configure's $conf_ffmpeg" ||
		ok "configure's $conf_ffmpeg is not built into the bundle"
fi

# 4b. The bundled tool probes in the helper beside it (no VADISCOVER_PROBE_HELPER): a VA
# driver that crashes on the first device of a simulated machine costs the helper only.
out=$(tests/harness/run-in --build "$B" --va 'renderD128 crash' intel-nvidia -- \
	env -u VADISCOVER_PROBE_HELPER "$d/vadiscover" --debug pick 2>&1)
rc=$?
case "$out" in
*"probing in $d/vadiscover-probe"*"VA driver crashed (SIGABRT) during vaInitialize"*)
	[ "$rc" -eq 0 ] && [ "$(echo "$out" | tail -n 1)" = /dev/dri/renderD129 ] &&
		ok "the bundled tool probes in the bundled helper and survives a crashing driver" ||
		fail "bundled tool: exit $rc: $(echo "$out" | tail -n 3)" ;;
*) fail "the bundled tool did not use $d/vadiscover-probe: $(echo "$out" | grep -m1 probing)" ;;
esac

# 5. The README.
missing=
for w in "$version" /opt/vadiscover JELLYFIN_FFMPEG JELLYFIN_FFMPEG_OPT /etc/default/jellyfin \
	FFMPEG_PATH VADISCOVER_FFMPEG VADISCOVER_SELECT libva2 intel-media-va-driver-non-free \
	mesa-va-drivers /usr/lib/jellyfin-ffmpeg/lib; do
	grep -qF -- "$w" "$d/README" || missing="$missing $w"
done
[ -z "$missing" ] && ok "README covers Jellyfin (package, Docker, LinuxServer) and the VA driver" ||
	fail "README lacks:$missing"
grep -q '@[A-Z]*@' "$d/README" && fail "README has an unfilled @VARIABLE@" ||
	ok "README has every @VARIABLE@ filled in"

# 6. Reproducible.
cp "$tgz" "$tmp/first.tar.gz"
if $MAKE --no-print-directory -s B="$B" portable >"$tmp/log" 2>&1 && cmp -s "$tgz" "$tmp/first.tar.gz"; then
	ok "make portable again gives the same tarball"
else
	fail "make portable again gives another tarball: $(cat "$tmp/log")"
fi

echo "portable-bundle: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
