#!/bin/bash
# test_pmembench_x86.sh -- pmembench measures every variant it is asked for
# (issue #11 item 1): a tiny run in one process and the same run split into
# groups by --max-ns (fewer namespaces than variants) list the same
# variants, each measured once in the CSV; the CPU is printed at the top
# and in the CSV; a variant that cannot be loaded fails the run; the
# second look times suspect cells again.  Tiny
# batches, one round: no timing is asserted.
# Ends with "pmembench: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/helpers/ok_bad.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench=build/pmembench
tiny=(--rounds 1 --batch-ms 0.02 --sizes 64 --ops memcpy_p --no-startup
	--window 1M)

# A sanitizer build cannot dlmopen PMDK's uninstrumented library ("ASan
# runtime does not come first"); the release run tests pmembench.
if ldd "$bench" 2>/dev/null | grep -q 'lib[at]san'; then
	echo "SKIP pmembench: a sanitizer build cannot load PMDK's library" \
		"beside its runtime; tested in the release build"
	echo "pmembench: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

measured() { sed -n 's/^  measured: \([^ ]*\) .*/\1/p' "$1" | sort; }
csv_variants() { grep -v '^#' "$1" | tail -n +2 | cut -d'"' -f2 | sort; }

if "$bench" "${tiny[@]}" --csv "$tmp/one.csv" >"$tmp/one.out" 2>&1; then
	ok "one process: exit 0"
else
	bad "one process: exit $?"; cat "$tmp/one.out"
fi
if "$bench" "${tiny[@]}" --max-ns 8 --csv "$tmp/split.csv" \
		>"$tmp/split.out" 2>&1; then
	ok "--max-ns 8: exit 0"
else
	bad "--max-ns 8: exit $?"; cat "$tmp/split.out"
fi
n=$(measured "$tmp/one.out" | wc -l)
# ours, its forced pairs (at least 2 flush x 1 copy on any x86-64 with
# CLFLUSH and SSE2), the NO_MOVNT variant, plain: at least 6 of ours
[ "$n" -ge 6 ] && ok "one process lists $n variants" ||
	bad "one process lists $n variants"
if [ -n "$(measured "$tmp/one.out")" ] &&
		[ "$(measured "$tmp/one.out")" = "$(measured "$tmp/split.out")" ]; then
	ok "split run lists the same variants"
else
	bad "split run lists other variants:"
	diff <(measured "$tmp/one.out") <(measured "$tmp/split.out")
fi
groups=$(grep -c '^######## group ' "$tmp/split.out")
[ "$groups" -ge 2 ] && ok "split run used $groups processes" ||
	bad "split run used $groups processes (want >= 2)"
if [ "$(csv_variants "$tmp/split.csv")" = "$(measured "$tmp/one.out")" ]; then
	ok "split CSV has every variant once"
else
	bad "split CSV variants differ:"
	diff <(csv_variants "$tmp/split.csv") <(measured "$tmp/one.out")
fi
for f in one split; do
	grep -q '^cpu: .* family 0x[0-9a-f]* model 0x[0-9a-f]*.*features: .*sse2' \
		"$tmp/$f.out" && ok "$f: CPU line printed" ||
		bad "$f: no CPU line"
	head -1 "$tmp/$f.csv" | grep -q '^# cpu: .*family' &&
		ok "$f: CPU in the CSV" || bad "$f: no CPU in the CSV"
done
if "$bench" "${tiny[@]}" -v ours=ours -v gone=/nonexistent/libpmem.so.1 \
		>"$tmp/gone.out" 2>&1; then
	bad "a variant that cannot be loaded: exit 0"
else
	grep -q 'gone' "$tmp/gone.out" && ok "unloadable variant: fails, names it" ||
		bad "unloadable variant: no message"
fi
# The second look: with --second-look-all every cell of target 1 is timed
# again, each with a verdict, and a summary line counts them.
"$bench" "${tiny[@]}" --sizes 64,256 --second-look-all >"$tmp/look.out" 2>&1
looks=$(grep -cE '^  target 1 +memcpy_persist +(64|256)  ours/pmdk [0-9.]+, again [0-9.]+ \(noise [0-9.]+\): (BELOW AGAIN|not below again|not below)$' "$tmp/look.out")
[ "$looks" = 2 ] && ok "second look: both cells timed again" ||
	bad "second look: $looks of 2 cells timed again"
grep -qE '^  target 1 after the second look: (met|NOT MET), [0-9]+ of 2 suspect cells below again$' \
	"$tmp/look.out" && ok "second look: summary line" ||
	bad "second look: no summary line"
echo "pmembench: $pass passed, $fail failed"
[ "$fail" = 0 ]
