#!/bin/bash
# test_calibrate.sh -- `pmem-info --calibrate --quick` (issue #11 item 3)
# ends with one well-formed "best:" line whose pair this CPU runs: the
# library, given the printed PMEM_BACKEND and PMEM_MOVNT_THRESHOLD, takes
# them without a refusal.  No timing is asserted.
# Ends with "calibrate: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/helpers/ok_bad.sh
out=$(env -u PMEM_BACKEND -u PMEM_NO_MOVNT -u PMEM_MOVNT_THRESHOLD \
	build/pmem-info --calibrate --quick 2>&1)
rc=$?
echo "$out"
[ "$rc" = 0 ] && ok "exit 0" || bad "exit $rc"
re='^best: ([a-z0-9-]+),([a-z0-9-]+) threshold ([0-9]+) \(automatic: [a-z0-9-]+,[a-z0-9-]+ threshold [0-9]+, speed ratio [0-9]+\.[0-9]+\)$'
last=$(printf '%s\n' "$out" | tail -1)
if [[ $last =~ $re ]]; then
	ok "ends with a well-formed best: line"
	flush=${BASH_REMATCH[1]} copy=${BASH_REMATCH[2]} thr=${BASH_REMATCH[3]}
	info=$(PMEM_BACKEND=$flush,$copy PMEM_MOVNT_THRESHOLD=$thr \
		build/pmem-info 2>&1)
	if printf '%s\n' "$info" | grep -q "^flush: $flush " &&
		printf '%s\n' "$info" | grep -q "^copy: $copy " &&
		printf '%s\n' "$info" | grep -q "^movnt threshold: $thr\$"; then
		ok "the library runs $flush,$copy threshold $thr here"
	else
		bad "the library did not take $flush,$copy threshold $thr:"
		printf '%s\n' "$info" | head -4
	fi
else
	bad "last line is not a best: line: $last"
fi
n=$(printf '%s\n' "$out" | grep -c '^best: ')
[ "$n" = 1 ] && ok "exactly one best: line" || bad "$n best: lines"
printf '%s\n' "$out" | grep -Eq "^reproduce: PMEM_BACKEND=[a-z0-9-]+,[a-z0-9-]+ PMEM_MOVNT_THRESHOLD=[0-9]+ PMEM_MOVNT_SMALL=[01]$" &&
	ok "prints the settings" || bad "no reproduce: line"
printf '%s\n' "$out" | grep -q '^  { "[A-Za-z]*", 0x[0-9a-f]*, 0x00, 0xff, { "' &&
	ok "prints a table row" || bad "no table row"
echo "calibrate: $pass passed, $fail failed"
[ "$fail" = 0 ]
