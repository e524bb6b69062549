#!/bin/sh
# The man pages as a reader and lintian see them:
#  - libvadiscover(3) and one section-3 page per exported function (libvadiscover.sym),
#    made from the header's doc blocks (vadiscover/man3.awk), and the section-1 pages;
#  - each renders without a warning: groff -man -ww, and man --warnings as lintian's
#    manpage check runs it (its warnings are lintian's manpage-has-errors-from-man);
#  - each has a NAME line apropos can index (lexgrog, as mandb reads it);
#  - vad_select(3) shows the function's contract: synopsis, arguments, return, errors.
# Ends in "man: N passed, N failed" for tests/run-tests.
set -u
cd "$(dirname "$0")/.."
. tests/common/testlib.sh
MAN3=$B/vadiscover/man

sed -n 's/^[[:space:]]*\(vad_[a-z0-9_]*\);$/\1/p' vadiscover/libvadiscover.sym > "$tmp/exported"
[ "$(wc -l < "$tmp/exported")" -gt 40 ] || fail "could not read vadiscover/libvadiscover.sym"
missing=
for f in libvadiscover $(cat "$tmp/exported"); do
	[ -f "$MAN3/$f.3" ] || missing="$missing $f.3"
done
[ -z "$missing" ] && ok "a section-3 page for every export and libvadiscover(3)" ||
	fail "no page in $MAN3:$missing"

warned=
for page in "$MAN3"/*.3 vadiscover/tool/vadiscover.1 fftools-wrapper/vadiscover-ffmpeg.1; do
	out=$(groff -man -ww -z "$page" 2>&1)
	[ -z "$out" ] || warned="$warned
$page (groff -man -ww): $out"
	out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
	[ -z "$out" ] || warned="$warned
$page (man --warnings): $out"
	lexgrog "$page" >/dev/null 2>"$tmp/lexgrog" || warned="$warned
$page (lexgrog): no NAME line apropos can read $(cat "$tmp/lexgrog")"
done
[ -z "$warned" ] && ok "every page renders without a warning and has a whatis line" ||
	fail "pages with warnings:$warned"

LC_ALL=C MANWIDTH=80 man -l "$MAN3/vad_select.3" > "$tmp/vad_select" 2>&1
missing=
for want in "vad_select - choose the device for a spec" \
	"#include <vadiscover/vadiscover.h>" \
	"int vad_select(struct vad_context *ctx, const struct vad_spec *spec," \
	"ARGUMENTS" "RETURN VALUE" "ERRORS" "-ENODEV" "devices exist but none matches" \
	"libvadiscover(3)"; do
	grep -qF -- "$want" "$tmp/vad_select" || missing="$missing [$want]"
done
[ -z "$missing" ] && ok "man -l vad_select.3 shows its contract" ||
	fail "man -l vad_select.3 lacks$missing: $(cat "$tmp/vad_select")"

echo "man: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
