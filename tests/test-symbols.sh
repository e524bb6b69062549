#!/bin/sh
# Build-level checks of libvadiscover's interface:
#  - the shared library exports exactly the functions declared in vadiscover.h (all vad_,
#    none of the library's internal vad__ helpers, nothing from anywhere else);
#  - every export has a doc block in vadiscover.h, and no block documents nothing;
#  - every global symbol the static library defines starts with vad_, so a static user
#    sees no foreign names;
#  - the library has no writable data objects (no mutable global state);
#  - no file-local (static) name of the library's sources looks like the API (vad_name);
#  - the soname is libvadiscover.so.0;
#  - the shared library needs no libva, libva-drm or libdrm (it loads libva at run time);
#  - the public header compiles alone as C99 with -pedantic -Werror (and as C11, and as
#    C++11 when a C++ compiler is there).
# Ends in "symbols: N passed, N failed" for tests/run-tests.
set -u
cd "$(dirname "$0")/.."
. tests/common/testlib.sh
SO=$B/vadiscover/libvadiscover.so
A=$B/vadiscover/libvadiscover.a
HDR=vadiscover/vadiscover.h

# Functions declared in the header: "name(" in its code (comments taken out: they name
# functions too).
awk '{
	line = $0; out = ""
	while (line != "") {
		if (incomment) {
			i = index(line, "*/"); if (!i) break
			line = substr(line, i + 2); incomment = 0
		} else {
			i = index(line, "/*"); if (!i) { out = out line; break }
			out = out substr(line, 1, i - 1); line = substr(line, i + 2); incomment = 1
		}
	}
	print out
}' "$HDR" > "$tmp/code"
grep -oE '\*?\bvad_[a-z0-9_]+\(' "$tmp/code" | tr -d '*(' | sort -u > "$tmp/declared"
[ "$(wc -l < "$tmp/declared")" -gt 40 ] || fail "could not read the declarations of $HDR"

# 1. Shared library exports: defined dynamic symbols, without the version node (type A).
if nm -D --defined-only "$SO" > "$tmp/nm-so" 2>"$tmp/nm-err"; then
	awk '$2 != "A" { print $3 }' "$tmp/nm-so" | sed 's/@.*//' | sort -u > "$tmp/exported"
	foreign=$(grep -v '^vad_' "$tmp/exported")
	internal=$(grep '^vad__' "$tmp/exported")
	if [ -z "$foreign" ] && [ -z "$internal" ]; then
		ok "shared library exports only vad_ API symbols ($(wc -l < "$tmp/exported"))"
	else
		fail "shared library exports non-API symbols: $(echo $foreign $internal)"
	fi
	extra=$(comm -13 "$tmp/declared" "$tmp/exported")
	missing=$(comm -23 "$tmp/declared" "$tmp/exported")
	if [ -z "$extra" ] && [ -z "$missing" ]; then
		ok "exports equal the functions declared in $HDR"
	else
		fail "exports differ from $HDR: not declared: $(echo $extra); not exported: $(echo $missing)"
	fi
else
	fail "nm -D $SO: $(cat "$tmp/nm-err")"
fi

# 1b. Every export has its doc block (the man pages are made from them): the blocks as
#     vadiscover/man3.awk reads them, which also fails on a block that documents no
#     declaration, or another one than it names.
if ${AWK:-awk} -v mode=list -f vadiscover/man3.awk "$HDR" > "$tmp/blocks" 2>"$tmp/awk-err"; then
	awk '$1 == "function" { print $2 }' "$tmp/blocks" | sort -u > "$tmp/documented"
	undocumented=$(comm -23 "$tmp/exported" "$tmp/documented")
	if [ -z "$undocumented" ]; then
		ok "every export has a doc block in $HDR ($(wc -l < "$tmp/documented"))"
	else
		fail "exports without a doc block (/** name() - summary ... */) in $HDR: $(echo $undocumented)"
	fi
else
	fail "the doc blocks of $HDR: $(cat "$tmp/awk-err")"
fi

# 2. Static library: every defined global (and weak) symbol starts with vad_.
if nm --defined-only -g "$A" > "$tmp/nm-a" 2>"$tmp/nm-err"; then
	foreign=$(awk 'NF == 3 { print $3 }' "$tmp/nm-a" | grep -v '^vad_' | sort -u)
	if [ -z "$foreign" ]; then
		ok "static library defines only vad_ globals"
	else
		fail "static library defines foreign globals: $(echo $foreign)"
	fi
else
	fail "nm $A: $(cat "$tmp/nm-err")"
fi

# 2b. No mutable global state: every data object of the library (static or not) is read-only
#     (.rodata, or .data.rel.ro for tables of pointers). A static variable, a global, a
#     __thread variable would land in .data, .bss, .tdata or .tbss.
if objdump -t "$A" > "$tmp/objdump" 2>"$tmp/nm-err"; then
	writable=$(awk '$3 == "O" && $4 !~ /^\.rodata/ && $4 !~ /^\.data\.rel\.ro/ { print $6 " (" $4 ")" }' \
		"$tmp/objdump")
	if [ -z "$writable" ]; then
		ok "no writable data objects in the library (no mutable global state)"
	else
		fail "writable data objects in the library: $(echo $writable)"
	fi
else
	fail "objdump -t $A: $(cat "$tmp/nm-err")"
fi

# 2c. Names: vad_name is the API, vad__name a library-internal function shared between files;
#     a static carries neither (no prefix, or its file's own), so that a reader never takes
#     a file-local helper for the API.
for f in vadiscover/*.c; do
	grep -nE '^static\b[^=(]*[^_a-z0-9]vad_[a-z0-9][a-z0-9_]*[[:space:]]*[][(=;]' "$f" |
		sed -E "s|^([0-9]+):.*[^_a-z0-9](vad_[a-z0-9_]*)[[:space:]]*[][(=;].*|$f:\1 \2|"
done > "$tmp/public-statics"
if [ ! -s "$tmp/public-statics" ]; then
	ok "no static of the library's sources is named like the API (vad_)"
else
	fail "statics named like the API (vad_): $(echo $(sed 's/$/;/' "$tmp/public-statics"))"
fi

# 3. Soname.
soname=$(objdump -p "$SO" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
if [ "$soname" = "libvadiscover.so.0" ]; then
	ok "soname is libvadiscover.so.0"
else
	fail "soname is '$soname', not libvadiscover.so.0"
fi

# 3b. libva is loaded at run time: the shared library needs libc and libdl (folded into
#     libc since glibc 2.34) and nothing else; no libva, libva-drm or libdrm. A sanitizer
#     build also needs the sanitizers' run-time libraries (libasan, libubsan).
needed=$(readelf -d "$SO" 2>"$tmp/nm-err" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort)
if [ -z "$needed" ]; then
	fail "readelf -d $SO lists no NEEDED entry: $(cat "$tmp/nm-err")"
else
	foreign=$(echo "$needed" | grep -v -E '^(libc|libdl)\.so\.[0-9]+$' |
		if [ "${SANITIZE:-0}" = 1 ]; then grep -v -E '^lib(asan|ubsan)\.so\.[0-9]+$'; else cat; fi)
	if [ -z "$foreign" ]; then
		ok "the shared library needs only $(echo $needed) (no libva, libva-drm, libdrm)"
	else
		fail "the shared library needs $(echo $foreign): libva must be loaded at run time"
	fi
fi

# 4. The header alone, strict C99 and C11.
printf '#include "vadiscover/vadiscover.h"\nint vad_test_dummy(void);\nint vad_test_dummy(void) { return 0; }\n' > "$tmp/h.c"
for std in c99 c11; do
	if $CC -std=$std -pedantic -Werror -Wall -Wextra -Wstrict-prototypes -I. -fsyntax-only \
		"$tmp/h.c" 2>"$tmp/cc-err"; then
		ok "vadiscover.h compiles alone with -std=$std -pedantic -Werror"
	else
		fail "vadiscover.h does not compile alone with -std=$std: $(cat "$tmp/cc-err")"
	fi
done

# 5. The header from C++ (extern "C"), when a C++ compiler is installed.
CXX=${CXX:-c++}
if command -v "$CXX" >/dev/null 2>&1; then
	printf '#include "vadiscover/vadiscover.h"\nint main() { return vad_new(nullptr); }\n' \
		> "$tmp/h.cc"
	if $CXX -std=c++11 -pedantic -Werror -Wall -Wextra -I. -fsyntax-only "$tmp/h.cc" \
		2>"$tmp/cc-err"; then
		ok "vadiscover.h compiles as C++11 with -pedantic -Werror"
	else
		fail "vadiscover.h does not compile as C++11: $(cat "$tmp/cc-err")"
	fi
fi

echo "symbols: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
