#!/bin/bash
# test_pmem_check.sh -- build/check/pmem-check (issue #10 item 5): it must
# exit 1 on each deliberately broken plugin built with the check
# primitives (tests/durability/plugins: writes without reporting, a flush
# that does nothing, an unaligned tail left unflushed, a flush backend's
# own temporal copy that leaves its last line unflushed, a false
# ORDERED_FLUSH claim that only loses data on Intel), named through
# PMEM_BACKEND as a vendor would, and 0 on every linked-in pair (--quick:
# test_checkasm runs the full matrix on each); a pair this CPU cannot run
# is refused by the library (exit 2) and skipped visibly.
# Ends with "pmem_check: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 1
CHK=build/check/pmem-check
PLUG=$PWD/build/check/tests/plugins
. tests/helpers/ok_bad.sh
D=$(mktemp -d /tmp/libpmem-check.XXXXXX) || exit 1
trap 'rm -rf "$D"' EXIT

# The last line, and only it, is the summary; prints "FLUSH,COPY M".
summary() {
	local n
	n=$(grep -c '^pmem-check: [^ :]*,[^ :]*: [0-9]* operations, [0-9]* violations$' "$1")
	[ "$n" = 1 ] || return 1
	tail -n 1 "$1" | sed -n 's/^pmem-check: \([^ :]*\): [0-9]* operations, \([0-9]*\) violations$/\1 \2/p'
}

# name, PMEM_BACKEND, text the first violations must contain
broken() {
	local out=$D/$1.out rc s
	PMEM_BACKEND=$2 $CHK --quick >"$out" 2>&1
	rc=$?
	s=$(summary "$out")
	case "$rc:$s" in
	1:*\ 0 | 1:) bad "$1: exit 1 but summary '$s'" ;;
	1:*)
		if grep -q "^FAIL .*$3" "$out"; then
			ok "$1: exit 1 ($s violations), '$3' reported"
		else
			bad "$1: no violation mentions '$3'"; head -20 "$out"
		fi ;;
	*) bad "$1: exit $rc, want 1"; tail -5 "$out" ;;
	esac
}

broken unreported "$PLUG/unreported.so" "without a recorded store"
broken noflush "$PLUG/noflush.so" "DIRTY: stored, never flushed"
if [ -f "$PLUG/tail.so" ]; then	# x86-64 only: non-temporal stores
	broken tail "clflushopt,$PLUG/tail.so" "DIRTY: stored, never flushed"
else
	skip=$((skip + 1))
	echo "SKIP tail: its plugin is x86-64 only (non-temporal stores)"
fi
if [ -f "$PLUG/flush_copy_tail.so" ]; then	# x86-64 only: CLFLUSH
	broken flush_copy_tail "$PLUG/flush_copy_tail.so" \
		"DIRTY: stored, never flushed"
else
	skip=$((skip + 1))
	echo "SKIP flush_copy_tail: its plugin is x86-64 only (CLFLUSH)"
fi

# Issue 20 defect 1: CLWB with SFENCE but a false ORDERED_FLUSH claim is
# right on AMD and loses data on Intel (the library drops its drain); it
# must fail whatever CPU runs pmem-check, so both CLFLUSH rules are run.
if [ ! -f "$PLUG/false_ordered.so" ]; then
	skip=$((skip + 1))
	echo "SKIP false_ordered: its plugin is x86-64 only (CLWB)"
elif ! grep -qw clwb /proc/cpuinfo; then
	skip=$((skip + 1))
	echo "SKIP false_ordered: this CPU has no CLWB"
else
	broken false_ordered "$PLUG/false_ordered.so" "is FLUSHING"
	f=$D/false_ordered.out
	if grep -q '^pmem-check: CPU rule: Intel' "$f" &&
			grep -q '^pmem-check: CPU rule: AMD' "$f"; then
		ok "false_ordered: checked under the Intel and the AMD rule"
	else
		bad "false_ordered: not run under both CLFLUSH rules"
		grep '^pmem-check: CPU rule' "$f"
	fi
fi

# The other way round: CLFLUSH drained with SFENCE is right on Intel and
# loses data on AMD; the AMD rule is run on an Intel machine too.
if [ ! -f "$PLUG/clflush_sfence.so" ]; then
	skip=$((skip + 1))
	echo "SKIP clflush_sfence: its plugin is x86-64 only (CLFLUSH)"
else
	broken clflush_sfence "$PLUG/clflush_sfence.so" "no MFENCE since"
fi

# Every linked-in pair, two at a time (2 cores).
pairs=$($CHK --list) || { bad "--list failed"; pairs=; }
[ -n "$pairs" ] || bad "--list printed no pair"
run_pair() {
	PMEM_BACKEND=$1 $CHK --quick >"$D/$1.out" 2>&1
	echo $? >"$D/$1.rc"
}
set -- $pairs
while [ $# -gt 0 ]; do
	run_pair "$1" &
	[ $# -gt 1 ] && run_pair "$2"
	wait
	shift; [ $# -gt 0 ] && shift
done
for p in $pairs; do
	rc=$(cat "$D/$p.rc")
	s=$(summary "$D/$p.out")
	if [ "$rc" = 0 ] && [ "$s" = "$p 0" ]; then
		ok "$p: exit 0, 0 violations"
	elif [ "$rc" = 2 ] && grep -q "refused" "$D/$p.out"; then
		skip=$((skip + 1))
		echo "SKIP $p: $(head -1 "$D/$p.out")"
	else
		bad "$p: exit $rc, summary '$s'"; grep -m5 '^FAIL' "$D/$p.out"
	fi
done

# A check-built plugin of a real backend passes too (the plugin path):
# the instruction set's baseline flush.
for REAL in clflush dc-cvac dcbst; do
	[ -f "build/check/backends/$REAL.so" ] && break
done
PMEM_BACKEND=$PWD/build/check/backends/$REAL.so $CHK --quick >"$D/pl.out" 2>&1
rc=$?
s=$(summary "$D/pl.out")
if [ "$rc" = 0 ] && [ "${s% *}" != "" ] && [ "${s##* }" = 0 ] &&
		grep -q "plugin" "$D/pl.out"; then
	ok "$REAL.so plugin: exit 0"
else
	bad "$REAL.so plugin: exit $rc, summary '$s'"
fi

echo "pmem_check: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
