#!/bin/bash
# test_calibrate_x86.sh -- `pmem-info --calibrate --quick` (issue #11 item 3,
# issue #17 item 5) ends with one plain verdict line: a "best:" pair this
# CPU runs (the library, given the printed settings, takes them without a
# refusal), or "no pair beats the automatic choice beyond the noise".
# `--save FILE` writes a machine profile that a plain program and
# pmem-info then apply with PMEM_PROFILE=FILE; a hand-edited profile with
# another pair is applied too; --save refuses under PMEM_BACKEND and
# says when start-up would ignore what it wrote (a directory others may
# write); a set-uid program reads no profile.  No timing is asserted.
# Ends with "calibrate: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/helpers/ok_bad.sh
clean_env="env -u PMEM_BACKEND -u PMEM_NO_MOVNT -u PMEM_MOVNT_THRESHOLD \
	-u PMEM_MOVNT_SMALL -u PMEM_NO_FLUSH -u PMEM_NO_CLWB \
	-u PMEM_NO_CLFLUSHOPT -u PMEM_AVX -u PMEM_AVX512F PMEM_PROFILE=0"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

pair='([a-z0-9-]+),([a-z0-9-]+) threshold ([0-9]+), short copies (temporal|non-temporal)'
best_re="^best: $pair: [0-9]+\.[0-9]+ times the automatic choice, beyond the noise \([0-9]+\.[0-9]+\)\$"
keep_re='^no pair beats the automatic choice beyond the noise \([0-9]+\.[0-9]+\): keeping it$'
verdicts='^(best: |no pair beats )'

out=$($clean_env build/pmem-info --calibrate --quick 2>&1)
rc=$?
echo "$out"
[ "$rc" = 0 ] && ok "exit 0" || bad "exit $rc"
last=$(printf '%s\n' "$out" | tail -1)
if [[ $last =~ $best_re ]]; then
	ok "ends with a well-formed best: line"
	flush=${BASH_REMATCH[1]} copy=${BASH_REMATCH[2]} thr=${BASH_REMATCH[3]}
	info=$(PMEM_PROFILE=0 PMEM_BACKEND=$flush,$copy \
		PMEM_MOVNT_THRESHOLD=$thr build/pmem-info 2>&1)
	if printf '%s\n' "$info" | grep -q "^flush: $flush " &&
		printf '%s\n' "$info" | grep -q "^copy: $copy " &&
		printf '%s\n' "$info" | grep -q "^movnt threshold: $thr\$"; then
		ok "the library runs $flush,$copy threshold $thr here"
	else
		bad "the library did not take $flush,$copy threshold $thr:"
		printf '%s\n' "$info" | head -4
	fi
elif [[ $last =~ $keep_re ]]; then
	ok "ends with a plain keeping-it line"
else
	bad "last line is not a verdict: $last"
fi
n=$(printf '%s\n' "$out" | grep -Ec "$verdicts")
[ "$n" = 1 ] && ok "exactly one verdict line" || bad "$n verdict lines"
printf '%s\n' "$out" | grep -Eq "^reproduce: PMEM_BACKEND=[a-z0-9-]+,[a-z0-9-]+ PMEM_MOVNT_THRESHOLD=[0-9]+ PMEM_MOVNT_SMALL=[01]$" &&
	ok "prints the settings" || bad "no reproduce: line"
printf '%s\n' "$out" | grep -q '^  { "[A-Za-z]*", 0x[0-9a-f]*, 0x00, 0xff, { "' &&
	ok "prints a table row" || bad "no table row"
printf '%s\n' "$out" | grep -Eq "^automatic: $pair\$" &&
	ok "names the automatic choice" || bad "no automatic: line"

# ---- --save, then a plain run with PMEM_PROFILE ------------------------
prof=$tmp/profile
out=$($clean_env build/pmem-info --calibrate --quick --save "$prof" 2>&1)
rc=$?
[ "$rc" = 0 ] && ok "--save: exit 0" || { bad "--save: exit $rc"; echo "$out"; }
last=$(printf '%s\n' "$out" | tail -1)
[[ $last =~ $best_re || $last =~ $keep_re ]] &&
	ok "--save: the verdict is still the last line" ||
	bad "--save: last line: $last"
saved=$(printf '%s\n' "$out" | grep '^saved: ')
printf '%s\n' "$saved" | grep -q "^saved: $prof (.*--quick is too short to trust: this keeps the automatic choice)\$\|^saved: $prof (.*no pair beat the automatic choice beyond the noise: this keeps it)\$" &&
	ok "--save: says it keeps the automatic choice" ||
	bad "--save: saved line: $saved"
[ "$(stat -c %a "$prof" 2>/dev/null)" = 644 ] && ok "profile mode 644" ||
	bad "profile mode $(stat -c %a "$prof" 2>&1)"
auto=$(printf '%s\n' "$out" | sed -n 's/^automatic: \([a-z0-9-]*\),\([a-z0-9-]*\) .*/\1 \2/p')
read -r aflush acopy <<<"$auto"
grep -q "^flush=$aflush\$" "$prof" && grep -q "^copy=$acopy\$" "$prof" &&
	ok "the profile holds the automatic $aflush,$acopy" ||
	bad "profile does not hold $aflush,$acopy: $(cat "$prof")"

info=$(PMEM_PROFILE=$prof build/pmem-info 2>&1)
printf '%s\n' "$info" | grep -q "^flush: $aflush (from profile $prof (calibrated [0-9T:Z-]*); automatic: $aflush, " &&
	printf '%s\n' "$info" | grep -q "^copy: $acopy (from profile $prof (calibrated " &&
	printf '%s\n' "$info" | grep -q "^profile: $prof (calibrated .*; applied\$" &&
	ok "pmem-info shows the profile's choice" ||
	{ bad "pmem-info does not show the profile"; printf '%s\n' "$info" | head -6; }
PMEM_PROFILE=$prof build/pmem-info --json | grep -q '"profile": {"status": ".*applied", "applied": true}' &&
	ok "pmem-info --json shows it" || bad "pmem-info --json"
rep=$(PMEM_PROFILE=$prof timeout 10 build/tests/helpers/startup_report)
printf '%s\n' "$rep" | grep -q "^flush: $aflush\$" &&
	printf '%s\n' "$rep" | grep -q "^errno at main: 0\$" &&
	ok "a plain program (libpmem.so.1) starts with it" ||
	bad "startup_report: $rep"
PMEM_PROFILE=0 build/pmem-info | grep -q '^profile: off (PMEM_PROFILE=0)$' &&
	ok "PMEM_PROFILE=0 ignores it" || bad "PMEM_PROFILE=0"

# Another pair by hand: the flush and copy backends after the automatic
# ones in pmem-info's list that this CPU runs (none: skipped).
usable() {
	build/pmem-info | sed -n '/^backends (linked in):/,/^plugins:/p' |
		awk -v k="$1" '$2 == k && $3 == "usable" { print $1 }' |
		grep -v -x -e nop -e msync-fallback
}
oflush=$(usable flush | grep -v -x "$aflush" | head -1)
ocopy=$(usable copy | grep -v -x "$acopy" | head -1)
if [ -n "$oflush" ] && [ -n "$ocopy" ]; then
	sed "s/^flush=.*/flush=$oflush/; s/^copy=.*/copy=$ocopy/; s/^movnt-threshold=.*/movnt-threshold=1024/" \
		"$prof" > "$tmp/other"
	chmod 644 "$tmp/other"
	rep=$(PMEM_PROFILE=$tmp/other timeout 10 build/tests/helpers/startup_report)
	info=$(PMEM_PROFILE=$tmp/other build/pmem-info)
	printf '%s\n' "$rep" | grep -q "^flush: $oflush\$" &&
		printf '%s\n' "$rep" | grep -q "^copy: $ocopy\$" &&
		printf '%s\n' "$info" | grep -q "^flush: $oflush (from profile $tmp/other" &&
		printf '%s\n' "$info" | grep -q '^movnt threshold: 1024$' &&
		ok "a profile with $oflush,$ocopy threshold 1024 is applied" ||
		bad "profile $oflush,$ocopy: $rep"
	info=$(PMEM_PROFILE=$tmp/other PMEM_BACKEND=$aflush,$acopy build/pmem-info)
	printf '%s\n' "$info" | grep -q "^flush: $aflush (forced" &&
		printf '%s\n' "$info" | grep -q "^profile: .*not applied: PMEM_BACKEND is set" &&
		ok "PMEM_BACKEND wins over the profile" || bad "PMEM_BACKEND: $info"
	chmod 666 "$tmp/other"
	PMEM_PROFILE=$tmp/other build/pmem-info | grep -q "^flush: $aflush (" &&
		PMEM_PROFILE=$tmp/other build/pmem-info | grep -q "^profile: $tmp/other ignored: its group or others may write it" &&
		ok "a profile others may write is ignored, and pmem-info says why" ||
		bad "writable profile"
else
	echo "skip another pair: this CPU runs one flush or one copy backend"
fi

out=$(PMEM_BACKEND=clflush PMEM_PROFILE=0 build/pmem-info --calibrate --quick --save "$tmp/no" 2>&1)
rc=$?
[ "$rc" = 2 ] && [ ! -e "$tmp/no" ] && printf '%s\n' "$out" | grep -q "PMEM_BACKEND is set" &&
	ok "--save refuses under PMEM_BACKEND" || bad "--save under PMEM_BACKEND: $rc $out"
# A directory others may write (not sticky): the file is written, but
# start-up would ignore it, and --save says so instead of "saved".
mkdir "$tmp/open" && chmod 0777 "$tmp/open"
out=$($clean_env build/pmem-info --calibrate --quick --save "$tmp/open/p" 2>&1)
rc=$?
[ "$rc" = 2 ] && printf '%s\n' "$out" | grep -q "written, but the library will not apply it: .*its directory is writable by its group or others" &&
	! printf '%s\n' "$out" | grep -q '^saved: ' &&
	ok "--save into a directory others may write says it will be ignored" ||
	bad "--save into a 0777 directory: $rc $out"
out=$(PMEM_PROFILE=$prof build/pmem-info --calibrate --quick 2>&1)
[ $? = 2 ] && printf '%s\n' "$out" | grep -q "PMEM_PROFILE=0" &&
	ok "--calibrate refuses while a profile is in use" || bad "calibrate with a profile: $out"

# A set-uid program (owned by another user, run by root: AT_SECURE)
# reads no profile, named or not.
if [ "$(id -u)" = 0 ]; then
	cp build/pmem-info "$tmp/pmem-info-suid"
	chown 65534 "$tmp/pmem-info-suid" && chmod 4755 "$tmp/pmem-info-suid"
	out=$(PMEM_PROFILE=$prof "$tmp/pmem-info-suid" 2>&1)
	if printf '%s\n' "$out" | grep -q '^profile: not read (a set-uid or set-gid process)$'; then
		ok "a set-uid program reads no profile"
	elif [ "$(PMEM_PROFILE=$prof "$tmp/pmem-info-suid" | grep -c 'from profile')" = 1 ]; then
		bad "a set-uid program applied the profile"
	else
		echo "skip set-uid: not honoured here (nosuid mount?): $(printf '%s\n' "$out" | grep '^profile:')"
	fi
else
	echo "skip set-uid: needs root"
fi
echo "calibrate: $pass passed, $fail failed"
[ "$fail" = 0 ]
