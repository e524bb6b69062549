#!/bin/sh
# The systemd units the tool ships (vadiscover/tool/*.service.in, *.timer): installed by
# make install-tool, each checked by systemd-analyze verify as systemd would load it (the
# templates as an instance), and vadiscover-cdi@.service's command run on a simulated
# SR-IOV host (the fake-GPU harness): the instance's escaped spec becomes the spec the
# tool selects by, and the CDI spec lands in /var/run/cdi. Ends in "units: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
. tests/common/testlib.sh
MAKE=${MAKE:-make}

BINDIR=$(conf BINDIR)
MANDIR=$(conf MANDIR)
PREFIX=$(conf PREFIX)
UNITDIR=$PREFIX/lib/systemd/system
root=$tmp/root

if $MAKE --no-print-directory -s B="$B" DESTDIR="$root" install-tool >"$tmp/log" 2>&1; then
	ok "make install-tool"
else
	fail "make install-tool: $(cat "$tmp/log")"
fi
units="vadiscover-nfd.service vadiscover-nfd.timer vadiscover-cdi@.service"
for u in $units; do
	[ -f "$root$UNITDIR/$u" ] && ok "$u installed in $UNITDIR" || fail "$u not installed"
done

# verify checks that ExecStart's program exists: here it is the copy in DESTDIR, so
# the units are verified from a copy whose only change is that prefix.
mkdir -p "$tmp/units"
for u in $units; do
	sed "s|=$BINDIR/vadiscover |=$root$BINDIR/vadiscover |" "$root$UNITDIR/$u" >"$tmp/units/$u"
done
cdi_instance=$(systemd-escape --template=vadiscover-cdi@.service vf=4)
[ "$cdi_instance" = 'vadiscover-cdi@vf\x3d4.service' ] &&
	ok "systemd-escape names the instance for vf=4 $cdi_instance" ||
	fail "systemd-escape --template: '$cdi_instance'"
for u in vadiscover-nfd.service vadiscover-nfd.timer "$cdi_instance"; do
	# Any word from verify is a finding (an unknown key is only a warning, exit 0).
	if (cd "$tmp/units" && systemd-analyze verify --man=no "$u") >"$tmp/verify" 2>&1 &&
		[ ! -s "$tmp/verify" ]; then
		ok "systemd-analyze verify $u: silent"
	else
		fail "systemd-analyze verify $u: $(cat "$tmp/verify")"
	fi
done

# The unit runs what its ExecStart says, %I the unescaped instance.
cdi_unit=$root$UNITDIR/vadiscover-cdi@.service
exec_line=$(sed -n 's/^ExecStart=//p' "$cdi_unit")
[ "$exec_line" = "$BINDIR/vadiscover passthrough %I --to cdi --write" ] &&
	ok "ExecStart: $exec_line" || fail "ExecStart: '$exec_line'"
spec=$(systemd-escape --unescape 'vf\x3d4')
mkdir -p "$tmp/r"
# shellcheck disable=SC2086
set -- $(echo "$exec_line" | sed "s|^$BINDIR/vadiscover|$B/vadiscover/tool/vadiscover|; s|%I|$spec|")
if tests/harness/run-in --build "$B" adl-sriov-host -- "$@" --root "$tmp/r" >"$tmp/out" 2>&1; then
	ok "ExecStart with %I = $spec exits 0"
else
	fail "ExecStart with %I = $spec: $(cat "$tmp/out")"
fi
json=$tmp/r/var/run/cdi/vadiscover-vf4.json
if [ -f "$json" ] && grep -q '"name": "vf4"' "$json" && grep -q '"minor": 132' "$json"; then
	ok "it wrote /var/run/cdi/vadiscover-vf4.json: vf4 is 226:132"
else
	fail "no vf4 spec with minor 132: $(cat "$json" 2>&1) $(cat "$tmp/out")"
fi

# What a real host needs before the spec can be right, and who reads it when.
for dep in systemd-modules-load.service systemd-udev-trigger.service \
	systemd-tmpfiles-setup.service sysfsutils.service; do
	grep -q "^After=.*\\b$dep\\b" "$cdi_unit" && ok "after $dep" || fail "not after $dep"
done
for rt in docker.service containerd.service podman-restart.service; do
	grep -q "^Before=.*\\b$rt\\b" "$cdi_unit" && ok "before $rt" || fail "not before $rt"
done
grep -q '^ExecStartPre=-udevadm settle' "$cdi_unit" && ok "waits for udev's queue itself" ||
	fail "no udevadm settle"
grep -q '^WantedBy=multi-user.target' "$cdi_unit" && ok "enabled into multi-user.target" ||
	fail "no WantedBy"

# The man page names the unit.
grep -q 'vadiscover\\-cdi@.service' "$root$MANDIR/man1/vadiscover.1" &&
	ok "vadiscover.1 documents vadiscover-cdi@.service" || fail "vadiscover.1 does not name the unit"

if $MAKE --no-print-directory -s B="$B" DESTDIR="$root" uninstall-tool >"$tmp/log" 2>&1 &&
	[ -z "$(find "$root" -type f)" ]; then
	ok "make uninstall-tool removes every file"
else
	fail "uninstall-tool left: $(find "$root" -type f)"
fi

echo "units: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
