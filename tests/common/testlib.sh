# Sourced by the shell tests (tests/test-install.sh, tests/test-symbols.sh...) once they are
# at the top of the tree: B and CC with their defaults, the counters, a temporary directory
# $tmp removed on exit, ok/fail to count results, and conf NAME, a variable of config.mk.
# Each test ends with
#   echo "NAME: $passed passed, $failed failed"; [ "$failed" -eq 0 ]
# the line tests/run-tests sums.
B=${B:-build}
CC=${CC:-cc}
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
conf() { sed -n "s/^$1 = //p" config.mk; }
