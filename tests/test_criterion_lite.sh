#!/bin/sh
# test_criterion_lite.sh -- tests/criterion_lite, the Criterion subset the
# ppc64le build's tests use, on its own: tests/criterion_lite/sample.c has
# one test of each verdict; each must be reported as such and the counts
# must add up.  Built with $CC (the target's compiler in a cross build)
# and run through $TEST_RUNNER (Wine for a Windows build, where a test's
# child is the program started again instead of fork()ed).
# Ends with "criterion_lite: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
D=$(mktemp -d /tmp/libpmem-crl.XXXXXX) || exit 1
trap 'rm -rf "$D"' EXIT

if ! ${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -Itests/criterion_lite \
		-o "$D/sample" tests/criterion_lite/sample.c 2>"$D/cc.err"; then
	bad "sample.c does not build: $(head -5 "$D/cc.err")"
	echo "criterion_lite: $pass passed, $fail failed"
	exit 1
fi
prog=$D/sample
[ -f "$prog.exe" ] && prog=$prog.exe	# mingw's gcc adds it
${TEST_RUNNER:-} "$prog" >"$D/raw" 2>&1
rc=$?
tr -d '\r' <"$D/raw" >"$D/out"	# msvcrt ends its lines with CR LF
has() {
	if grep -q "$2" "$D/out"; then ok "$1"; else bad "$1: no '$2'"; fi
}
[ "$rc" = 1 ] && ok "exit 1 when a test failed" || bad "exit $rc, want 1"
has "counts" '^4 passed, 5 failed, 1 skipped$'
has "expect failure named with its message" \
	'^\[FAIL\] suite::expect_fails_then_continues: .*sample.c:[0-9]*: expected 2$'
has "expect failure goes on" '^after expect$'
has "assert failure named" '^\[FAIL\] suite::assert_fails: .*strings differ$'
has "crash named" '^\[CRASH\] suite::crashes: killed by signal 11$'
has "skip line with the reason" '^SKIP suite::skips: no reason 42$'
# POSIX: SIGALRM in the child; Windows: the parent ends it
has "time-out" \
	'^\[CRASH\] own::times_out: \(killed by signal 14 (timed out)\|timed out\)$'
has "failing parameter named" '^\[FAIL\] param::each\[1\]: '
grep -q 'not reached' "$D/out" && bad "assert did not end the test" ||
	ok "assert ends the test"
grep -q 'param::each\[[02]\]' "$D/out" && bad "passing parameters reported" ||
	ok "passing parameters pass"
# fini: after the passing test, the expect failure, the assert failure
n=$(grep -c '^fini ran$' "$D/out")
[ "$n" = 3 ] && ok "suite fini ran 3 times" || bad "fini ran $n times, want 3"
echo "criterion_lite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
