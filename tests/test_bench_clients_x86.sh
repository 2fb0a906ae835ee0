#!/bin/bash
# test_bench_clients_x86.sh -- the client benchmark (bench/clients/run.py,
# issue #17 item 1) runs end to end at tiny sizes: every variant loads the
# library it names (ours: build/libpmem.so.1; pmdk, pmdk2: PMDK's), every
# client gives a row, an extra -v variant gets its own column, the CSV
# holds one sample per row and variant, no pool file is left behind; and a
# run whose "ours" would load PMDK's library fails.  One round, a few
# operations: no timing is asserted.
# Ends with "clients: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/helpers/ok_bad.sh
finish() { echo "clients: $pass passed, $fail failed"; exit $((fail > 0)); }
tmp=$(mktemp -d)
pools=$(mktemp -d /dev/shm/test-bench-clients.XXXXXX)
trap 'rm -rf "$tmp" "$pools"' EXIT
pmdk=/usr/lib/x86_64-linux-gnu/libpmem.so.1

# A sanitizer build's libpmem.so.1 needs its runtime loaded first, which
# PMDK's uninstrumented clients do not do; the release build tests this.
if ldd build/libpmem.so.1 2>/dev/null | grep -q 'lib[at]san'; then
	echo "SKIP bench-clients: a sanitizer build's library cannot run" \
		"under PMDK's uninstrumented clients; tested in the release build"
	echo "clients: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
[ -e "$pmdk" ] || { bad "PMDK's $pmdk missing (apt-get install libpmem1)"; finish; }

tiny=(--rounds 1 --scale 0.002 --dir "$pools")
if python3 bench/clients/run.py "${tiny[@]}" -v extra:PMEM_MOVNT_SMALL=1 \
		--csv "$tmp/out.csv" >"$tmp/out" 2>&1; then
	ok "tiny run: exit 0"
else
	bad "tiny run: exit $?"; cat "$tmp/out"
fi

head -1 "$tmp/out" | grep -q '^cpu: .* family .* model .* stepping ' &&
	ok "CPU line at the top" || bad "no CPU line at the top"

ours=$(realpath build/libpmem.so.1)
want=$(realpath "$pmdk")
for v in ours pmdk pmdk2 extra; do
	got=$(sed -n "s/^loaded: $v //p" "$tmp/out")
	case $v in ours|extra) exp=$ours ;; *) exp=$want ;; esac
	[ -n "$got" ] && [ "$(realpath "$got")" = "$exp" ] &&
		ok "$v loaded $exp" || bad "$v loaded '$got', expected $exp"
done

rows=("obj tx_add_range 64 B" "obj tx_add_range 1 KiB"
	"obj tx alloc+free 256 B" "obj tx counter++" "obj memcpy_persist 64 B"
	"obj atomic alloc+free 256 B" "log append 64 B" "log append 4 KiB"
	"qemu-like 4 KiB pages" "fio write 512" "fio write 4k" "fio write 256k"
	"fio randwrite 512" "fio randwrite 4k" "fio randwrite 256k")
num='[0-9][0-9.]*'
for r in "${rows[@]}"; do
	# four ns/op columns (ours pmdk pmdk2 extra), three ratios
	re=$(printf '%s' "$r" | sed 's/[+.]/\\&/g')	# "alloc+free"
	grep -Eq "^$re( +$num){7}\$" "$tmp/out" && ok "row: $r" ||
		bad "no full row: $r"
	n=$(grep -c "^\"$r\",\"\(ours\|pmdk\|pmdk2\|extra\)\",0," "$tmp/out.csv")
	[ "$n" = 4 ] && ok "csv: $r, one sample per variant" ||
		bad "csv: $r has $n samples, expected 4"
done
grep -Eq '^row .* pmdk/ours +pmdk/pmdk2 +pmdk/extra$' "$tmp/out" &&
	ok "ratio columns pmdk/ours pmdk/pmdk2 pmdk/extra" ||
	bad "ratio columns missing"
grep -Eq "^geomean( +$num){3}\$" "$tmp/out" && ok "geomean line" ||
	bad "no geomean line"
# The noise line counts the rows whose pmdk/pmdk2 column is off by more
# than 5%.
want=$(for r in "${rows[@]}"; do grep -F "$r " "$tmp/out" | head -1; done |
	awk '{ x = $(NF - 1); if (x > 1.05 || x < 0.95) n++ } END { print n + 0 }')
grep -Eq "^noise: pmdk/pmdk2 outside \+-5% in $want of ${#rows[@]} rows" \
	"$tmp/out" && ok "noise line: $want of ${#rows[@]} rows outside +-5%" ||
	bad "noise line does not count $want rows: $(grep '^noise' "$tmp/out")"
[ -z "$(ls -A "$pools")" ] && ok "no pool file left in --dir" ||
	bad "left in --dir: $(ls -A "$pools")"

# "ours" from a directory without our library: the dynamic linker falls
# back to PMDK's, and the run must say so and fail.
mkdir -p "$tmp/nolib/bench"
ln -s "$PWD/build/bench/clients" "$tmp/nolib/bench/clients"
if python3 bench/clients/run.py "${tiny[@]}" --no-fio --build "$tmp/nolib" \
		>"$tmp/wrong" 2>&1; then
	bad "ours without our library: exit 0"
else
	grep -q "variant ours loaded .*, expected " "$tmp/wrong" &&
		ok "ours without our library fails: $(tail -1 "$tmp/wrong")" ||
		{ bad "ours without our library: wrong message"; cat "$tmp/wrong"; }
fi
finish
