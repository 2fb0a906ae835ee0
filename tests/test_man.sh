#!/bin/bash
# test_man.sh -- every manual page in docs/man renders without a warning
# (`groff -man -ww -z`), its .TH names the file, and the pages of the
# overview, flushing, copying and backend guide exist.
# Ends with "man: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/helpers/ok_bad.sh

if ! command -v groff >/dev/null; then
	bad "groff not installed (apt-get install groff)"
fi
for need in libpmem.7 pmem_flush.3 pmem_memmove_persist.3 pmem_backend.7; do
	[ -f "docs/man/$need" ] && ok "docs/man/$need exists" ||
		bad "docs/man/$need missing"
done
for page in docs/man/*.[1-8]; do
	[ -f "$page" ] || continue
	base=${page##*/}
	name=${base%.*} sect=${base##*.}
	warn=$(groff -man -ww -z "$page" 2>&1)
	if [ $? -ne 0 ] || [ -n "$warn" ]; then
		bad "$base: groff -man -ww -z: $warn"
	else
		ok "$base renders without warnings"
	fi
	th=$(sed -n 's/^\.TH[[:space:]]\+"\{0,1\}\([^" ]*\)"\{0,1\}[[:space:]]\+"\{0,1\}\([0-9]\).*/\1 \2/p' "$page" | head -1)
	want="$(tr '[:lower:]' '[:upper:]' <<<"$name") $sect"
	if [ "$(tr '[:lower:]' '[:upper:]' <<<"$th")" = "$want" ]; then
		ok "$base: .TH $th"
	else
		bad "$base: .TH says '$th', want '$want'"
	fi
done
echo "man: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
