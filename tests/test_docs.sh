#!/bin/bash
# test_docs.sh -- claims in the docs that once did not match the code
# (issue 10 item 21), checked against the code so they cannot come back:
# - "assertions" in the debug library only while core/ has assert() calls;
# - libpmem(7) says what base/log.c does with a PMEM_LOG_FILE ending in
#   "-" (the pid is appended, as tests/test_log.c checks), not "replaced";
# - no "skipped here" for nt-avx512: it runs on CPUs with AVX-512;
# - docs/testing.md says the DAX tier's host check proves placement only.
# Ends with "docs: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/helpers/ok_bad.sh
DOCS="README.md docs/*.md docs/man/* configure.py tests/interop/run.sh"

if grep -q '\bassert(' core/*.[ch] base/*.[ch] os/*.[ch] os/*/*.[ch] arch/*/*.c; then
	ok "core/ has assertions: the docs may mention them"
elif hits=$(grep -n -i 'assertion' $DOCS | grep -i -v 'durab\|test'); then
	bad "debug-library assertions claimed, core/ has none: $hits"
else
	ok "no assertions claimed for the debug library (core/ has none)"
fi

if grep -q "file\[[a-z]* - 1\] == '-'" base/log.c &&
		grep -q '"%s%d", file' base/log.c; then
	sec=$(sed -n '/^\.BI PMEM_LOG_FILE=/,/^\.TP/p' docs/man/libpmem.7)
	if grep -q 'replaced' <<<"$sec" || ! grep -q 'appended' <<<"$sec"; then
		bad "libpmem.7 PMEM_LOG_FILE: base/log.c appends the pid after '-'"
	else
		ok "libpmem.7 PMEM_LOG_FILE: the pid is appended, as base/log.c does"
	fi
else
	bad "base/log.c no longer appends the pid as this test expects: update it"
fi

if hits=$(grep -n -i 'skipped here' $DOCS); then
	bad "'skipped here' (nt-avx512 runs on CPUs with AVX-512): $hits"
else
	ok "no unconditional 'skipped here'"
fi

if grep -q 'placement, not durability' docs/testing.md; then
	ok "docs/testing.md: the DAX host check proves placement, not durability"
else
	bad "docs/testing.md must say the DAX host check proves placement only"
fi
# Comments and reasons cite a section as docs/<page>.md, "<title>" (the
# figures stay in the page): each title must be on that page.
cites=$(cat core/*.[ch] base/*.[ch] os/*.[ch] os/*/*.[ch] arch/*.h arch/*/*.c prims/*.h check/*.[ch] backends/*.[ch] backends/*/*.c | tr '\n' ' ' |
	sed 's/  *\* */ /g; s/\\"/"/g' |
	grep -o 'docs/[a-z_]*\.md, "[^"]*"' | sort -u)
missing=
while IFS= read -r c; do
	[ -n "$c" ] || continue
	f=${c%%, *} t=${c#*, \"}
	grep -qF "${t%\"}" "$f" || missing="$missing; $c"
done <<<"$cites"
if [ -z "$cites" ]; then
	bad "no section citations found in core/ and backends/ (the grep broke)"
elif [ -n "$missing" ]; then
	bad "sections cited but not in the docs:$missing"
else
	ok "every docs section cited in core/ and backends/ exists"
fi

echo "docs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
