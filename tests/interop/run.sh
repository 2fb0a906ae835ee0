#!/bin/bash
# tests/interop/run.sh -- Debian's own PMDK clients, run on OUR libpmem.so.1.
#
# Clients: fio (--ioengine=libpmem and --ioengine=pmemblk, with crc32c
# verification), pmempool (create, check -v, info for obj, blk and log
# pools) and three programs of ours built against PMDK's headers and
# libraries: obj_tx (libpmemobj), log_walk (libpmemlog), blk_rw (libpmemblk).
# They are linked with PMDK's libraries, which need libpmem.so.1; with
# LD_LIBRARY_PATH=build the dynamic linker gives them ours.
#
# Proof that ours was the one used: build/interop/spy.so is preloaded and
# at exit records every libpmem.so* mapped in the process, the file that
# defines the pmem_persist it binds to, and our own introspection
# (pmem_backend_get_choice, which PMDK lacks).  Each run must show only our
# file, and the flush,copy pair forced with PMEM_BACKEND.
#
# Matrix: the automatic choice plus every flush,copy pair this CPU can run
# (build/interop/pairs), and the automatic choice with PMEM_NO_MOVNT=1 (no
# non-temporal stores) and PMEM_MOVNT_THRESHOLD=0 (only non-temporal
# stores), each without and with PMEM_IS_PMEM_FORCE=1; and the automatic
# choice once more on the debug library (build/debug/: debug logging).
# For the automatic choice a pool is also written on PMDK's libpmem and
# verified on ours, and the reverse; the spy proves that the PMDK side
# mapped and bound only PMDK's file (package libpmem1), even when an
# installed copy of ours would be found first.
# Without PMEM_IS_PMEM_FORCE=1 a file on tmpfs is not pmem, and fio's
# libpmem engine must refuse it exactly as it does on PMDK's library.
#
# Ends with "interop: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
B=$TOP/build
I=$B/interop

. tests/helpers/ok_bad.sh
finish() {
	echo "interop: $pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
	exit
}

# A clean environment: no PMEM_* from the caller changes what we test.
for v in $(compgen -e | grep '^PMEM_'); do unset "$v"; done

OURS=$(readlink -f "$B/libpmem.so.1" 2>/dev/null)
if [ ! -f "$OURS" ]; then bad "build/libpmem.so.1 not built"; finish; fi
# The clients are this machine's packages: a library built for another
# instruction set (a cross build) cannot be loaded into them.
machine() { od -An -tu2 -j18 -N2 "$1" | tr -d ' '; }
if [ "$(machine "$OURS")" != "$(machine /bin/sh)" ]; then
	skipped "all: build/libpmem.so.1 is for another instruction set" \
		"(ELF machine $(machine "$OURS")) than this machine's PMDK" \
		"clients ($(machine /bin/sh))"
	finish
fi
for p in pairs obj_tx log_walk blk_rw spy.so; do
	[ -x "$I/$p" ] || [ -f "$I/$p" ] || { bad "build/interop/$p not built"; finish; }
done
for t in fio pmempool; do
	command -v $t >/dev/null ||
		{ bad "$t not installed (apt-get install fio pmdk-tools)"; finish; }
done

echo "clients: $(fio --version);" \
	"$(dpkg-query -W -f='${Package} ${Version}; ' pmdk-tools libpmemobj1 \
	libpmemlog1 libpmemblk1 libpmempool1 2>/dev/null)"
echo "library: $OURS"

TMP=$(mktemp -d /dev/shm/libpmem-interop.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

# A sanitizer build of ours needs the ASan runtime first in the process;
# PMDK's clients are not built with it, so preload it.
PRELOAD=$I/spy.so
if objdump -p "$OURS" | grep -q 'NEEDED.*libasan'; then
	PRELOAD="$(cc -print-file-name=libasan.so) $PRELOAD"
	export ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0
	SANITIZED=1
else
	SANITIZED=0
fi

# Current combination, set by the loop at the bottom.  EXTRA: one more
# VAR=VALUE for the automatic choice, or empty.
PAIR=auto FORCE=0 EXTRA= TAG=
LIB=$OURS	# the libpmem.so.1 under test: release, or the debug library

# spy_ok LABEL: every process of the last run used our library and pair.
spy_ok() {
	local label=$1 line want_flush=${PAIR%,*} want_copy=${PAIR#*,} n=0
	local want_movnt
	if [ ! -s "$TMP/spy" ]; then
		bad "$label: no spy record (client crashed before exit?)"
		return 1
	fi
	while read -r line; do
		n=$((n + 1))
		local maps persist flush copy movnt refusal
		maps=$(sed -n 's/.* maps=\([^ ]*\) .*/\1/p' <<<"$line")
		persist=$(sed -n 's/.* persist=\([^ ]*\) .*/\1/p' <<<"$line")
		flush=$(sed -n 's/.* flush=\([^ ]*\) .*/\1/p' <<<"$line")
		copy=$(sed -n 's/.* copy=\([^ ]*\) .*/\1/p' <<<"$line")
		movnt=$(sed -n 's/.* movnt=\([^ ]*\) .*/\1/p' <<<"$line")
		refusal=${line#* refusal=}
		if [ "$(readlink -f "$maps")" != "$LIB" ] ||
				[ "$(readlink -f "$persist")" != "$LIB" ]; then
			bad "$label: not ours: maps=$maps persist=$persist"
			return 1
		fi
		if [ "$PAIR" = auto ]; then
			[ "$flush" != none ] && [ "$copy" != none ] ||
				{ bad "$label: no introspection ($line)"; return 1; }
		elif [ "$flush" != "$want_flush" ] || [ "$copy" != "$want_copy" ]; then
			bad "$label: PMEM_BACKEND=$PAIR not in effect: flush=$flush copy=$copy"
			return 1
		fi
		case $EXTRA in
		PMEM_NO_MOVNT=1) want_movnt=off;;
		PMEM_MOVNT_THRESHOLD=*) want_movnt=${EXTRA#*=};;
		*) want_movnt=$movnt;;
		esac
		if [ "$movnt" != "$want_movnt" ]; then
			bad "$label: $EXTRA not in effect: movnt=$movnt"
			return 1
		fi
		if [ "$refusal" != none ]; then
			bad "$label: PMEM_BACKEND refused: $refusal"
			return 1
		fi
	done <"$TMP/spy"
	return 0
}

# client LABEL EXPECT CMD...: runs CMD on our library.  EXPECT is "ok" (exit
# 0) or an extended regex the output must match with a non-zero exit (an
# expected refusal).  Output is kept in $TMP/out for further checks.
client() {
	local label="$TAG $1" expect=$2 rc
	shift 2
	rm -f "$TMP/spy"
	local env=(LD_LIBRARY_PATH="${LIB%/*}" LD_PRELOAD="$PRELOAD"
		PMEM_SPY_OUT="$TMP/spy")
	[ "$PAIR" != auto ] && env+=(PMEM_BACKEND="$PAIR")
	[ "$FORCE" = 1 ] && env+=(PMEM_IS_PMEM_FORCE=1)
	[ -n "$EXTRA" ] && env+=("$EXTRA")
	(cd "$TMP" && env "${env[@]}" "$@") >"$TMP/out" 2>&1
	rc=$?
	if [ "$expect" = ok ] && [ $rc -ne 0 ]; then
		bad "$label: exit $rc: $*"
		tail -n 15 "$TMP/out" | sed 's/^/    /'
		return 1
	fi
	if [ "$expect" != ok ] && { [ $rc -eq 0 ] ||
			! grep -Eq "$expect" "$TMP/out"; }; then
		bad "$label: expected a refusal matching '$expect', got exit $rc"
		tail -n 15 "$TMP/out" | sed 's/^/    /'
		return 1
	fi
	spy_ok "$label" || return 1
	return 0
}

# fio's terse line: field 6 is the KiB read back, i.e. verified.
fio_verified() {
	awk -F';' '$1 == 3 && $6 > 0 { n++ } END { exit n ? 0 : 1 }' "$TMP/out"
}

run_fio() {
	local f=$TMP/fio
	local libpmem=(fio --minimal --verify=crc32c --verify_fatal=1 --verify_state_save=0
		--do_verify=1 --ioengine=libpmem --size=4m
		--name=nt --filename="$f.nt" --direct=1 --bs=4k --rw=randwrite
		--name=temporal --filename="$f.t" --direct=0 --sync=1 --bs=64k
		--rw=write)
	rm -f "$f".*
	if [ "$FORCE" = 1 ]; then
		client "fio --ioengine=libpmem --verify=crc32c" ok "${libpmem[@]}" &&
			{ fio_verified && ok "$TAG fio libpmem: written and verified (crc32c)" ||
				bad "$TAG fio libpmem: nothing verified"; }
	else
		# Not pmem (tmpfs): the engine refuses, as on PMDK's library.
		client "fio --ioengine=libpmem on tmpfs" \
			'does not point to persistent memory' "${libpmem[@]}" &&
			ok "$TAG fio libpmem refuses non-pmem like PMDK"
	fi
	rm -f "$f".*
	client "fio --ioengine=pmemblk --verify=crc32c" ok \
		fio --minimal --thread=1 --direct=1 --ioengine=pmemblk \
		--name=blk --filename="$f.blk,4096,32" --size=4m --bs=4k \
		--rw=randwrite --verify=crc32c --verify_fatal=1 --do_verify=1 \
		--verify_state_save=0 &&
		{ fio_verified && ok "$TAG fio pmemblk: written and verified (crc32c)" ||
			bad "$TAG fio pmemblk: nothing verified"; }
	rm -f "$f".*
}

# pmempool check -v and info on POOL, which must be of TYPE (OBJ, BLK, LOG).
pool_check_info() {
	local what=$1 pool=$2 type=$3 label="$TAG"
	client "pmempool check -v ($what)" ok pmempool check -v "$pool" || return
	if ! grep -q ': consistent' "$TMP/out"; then
		bad "$label pmempool check -v $what: not consistent"
		return
	fi
	client "pmempool info ($what)" ok pmempool info "$pool" || return
	if ! grep -q "PMEM$type" "$TMP/out"; then
		bad "$label pmempool info $what: no PMEM$type signature"
		return
	fi
	ok "$label pmempool check -v + info: $what"
}

run_pmempool() {
	local p=$TMP/pool
	rm -f "$p".*
	client "pmempool create obj" ok pmempool create --layout=interop \
		--size=8M obj "$p.obj" && pool_check_info "new obj pool" "$p.obj" OBJ
	client "pmempool create blk" ok pmempool create --size=20M blk 4096 \
		"$p.blk" && pool_check_info "new blk pool" "$p.blk" BLK
	client "pmempool create log" ok pmempool create log "$p.log" &&
		pool_check_info "new log pool" "$p.log" LOG
	rm -f "$p".*
}

# Our programs, then pmempool on the pools they filled.
run_ours() {
	local p=$TMP/ours
	rm -f "$p".*
	client "obj_tx" ok "$I/obj_tx" "$p.obj" &&
		ok "$TAG libpmemobj: tx commit, abort, reopen, verify" &&
		pool_check_info "obj pool filled by obj_tx" "$p.obj" OBJ
	client "log_walk" ok "$I/log_walk" "$p.log" &&
		ok "$TAG libpmemlog: append, reopen, walk" &&
		pool_check_info "log pool filled by log_walk" "$p.log" LOG
	client "blk_rw" ok "$I/blk_rw" "$p.blk" &&
		ok "$TAG libpmemblk: write, zero, error, reopen, read back" &&
		pool_check_info "blk pool filled by blk_rw" "$p.blk" BLK
	rm -f "$p".*
}

# The dynamic loader's own account, once: it initialises our file, and no
# other libpmem.so.
ld=$(env LD_DEBUG=libs LD_LIBRARY_PATH="$B" LD_PRELOAD="$PRELOAD" \
	pmempool --help 2>&1 >/dev/null | grep 'calling init:.*/libpmem\.so')
if grep -q "calling init: $B/libpmem.so.1\$" <<<"$ld" &&
		[ "$(wc -l <<<"$ld")" -eq 1 ]; then
	ok "LD_DEBUG=libs: the loader initialises $B/libpmem.so.1 and no other libpmem"
else
	bad "LD_DEBUG=libs: not our libpmem: ${ld:-nothing}"
fi

# A pool written on one library and verified on the other: PMDK's libpmem
# and ours must agree on the file.  After `ninja install` the loader would
# find ours in /usr/local/lib first, so PMDK's directory is put first, and
# the spy must show that the process mapped and bound PMDK's file only.
PMDK_LIB=$(readlink -f "$(dpkg -L libpmem1 2>/dev/null |
	grep '/libpmem\.so\.1$' | head -1)" 2>/dev/null)
if [ ! -f "$PMDK_LIB" ] || [ "$PMDK_LIB" = "$OURS" ]; then
	bad "PMDK's libpmem.so.1 (package libpmem1) not found: ${PMDK_LIB:-none}"
	finish
fi
# not_pmdk: prints why a process of the last on_pmdk_dir did not run PMDK's
# library only (and fails), or nothing.
not_pmdk() {
	local line maps persist
	[ -s "$TMP/spy" ] || { echo "no spy record"; return 0; }
	while read -r line; do
		maps=$(sed -n 's/.* maps=\([^ ]*\) .*/\1/p' <<<"$line")
		persist=$(sed -n 's/.* persist=\([^ ]*\) .*/\1/p' <<<"$line")
		if [ "$(readlink -f "$maps")" != "$PMDK_LIB" ] ||
				[ "$(readlink -f "$persist")" != "$PMDK_LIB" ]; then
			echo "not PMDK's $PMDK_LIB: maps=$maps persist=$persist"
			return 0
		fi
	done <"$TMP/spy"
	return 1
}
# on_pmdk_dir DIR CMD...: CMD with DIR first in the loader's search path
# (and $PRE preloaded: the spy, by default).
on_pmdk_dir() {
	local dir=$1 force=()
	shift
	rm -f "$TMP/spy"
	[ "$FORCE" = 1 ] && force=(PMEM_IS_PMEM_FORCE=1)
	(cd "$TMP" && env LD_LIBRARY_PATH="$dir" LD_PRELOAD="${PRE:-$I/spy.so}" \
		PMEM_SPY_OUT="$TMP/spy" "${force[@]}" "$@") >"$TMP/out" 2>&1
}
# on_pmdk CMD...: CMD on PMDK's libpmem, proven by the spy.
on_pmdk() {
	local why
	on_pmdk_dir "${PMDK_LIB%/*}" "$@" || return 1
	why=$(not_pmdk) || return 0
	echo "$why" >>"$TMP/out"
	return 1
}
# The proof can fail: a run that finds ours first (as an installed copy
# would be found) is rejected.
PRE=$PRELOAD on_pmdk_dir "$B" "$I/obj_tx" create "$TMP/proof.obj"
if why=$(not_pmdk); then
	ok "the PMDK-side check rejects a process that ran build/libpmem.so.1 ($why)"
else
	bad "the PMDK-side check accepts a process that ran build/libpmem.so.1"
fi
rm -f "$TMP/proof.obj"
run_cross() {
	local p=$TMP/cross.obj
	rm -f "$p"
	if ! on_pmdk "$I/obj_tx" create "$p"; then
		bad "$TAG obj_tx create on PMDK's libpmem: $(tail -n 3 "$TMP/out")"
	elif client "obj_tx verify (pool made on PMDK's libpmem)" ok \
			"$I/obj_tx" verify "$p"; then
		ok "$TAG pool written on PMDK's libpmem verifies on ours"
	fi
	rm -f "$p"
	if client "obj_tx create" ok "$I/obj_tx" create "$p"; then
		if on_pmdk "$I/obj_tx" verify "$p"; then
			ok "$TAG pool written on ours verifies on PMDK's libpmem"
		else
			bad "$TAG pool written on ours fails on PMDK's: $(tail -n 3 "$TMP/out")"
		fi
	fi
	rm -f "$p"
}

pairs=$("$I/pairs") || { bad "build/interop/pairs failed: $pairs"; finish; }
while read -r line; do
	case $line in SKIP*) skipped "${line#SKIP }: its pairs not run";; esac
done <<<"$pairs"
combos="auto $(sed -n 's/^PAIR //p' <<<"$pairs")"
if [ "$SANITIZED" = 1 ]; then
	skipped "pairs other than the automatic one: sanitizer build" \
		"(the release build runs all of them)"
	combos=auto
fi

combos="$combos auto/PMEM_NO_MOVNT=1 auto/PMEM_MOVNT_THRESHOLD=0 debug"
DEBUG_LIB=$(readlink -f "$B/debug/libpmem.so.1" 2>/dev/null)
for spec in $combos; do
	PAIR=${spec%%/*} EXTRA= LIB=$OURS
	case $spec in */*) EXTRA=${spec#*/};; esac
	if [ "$spec" = debug ]; then
		PAIR=auto
		if [ ! -f "$DEBUG_LIB" ]; then
			bad "build/debug/libpmem.so.1 not built"
			continue
		fi
		LIB=$DEBUG_LIB
	fi
	for FORCE in 0 1; do
		dbg=
		[ "$LIB" = "$OURS" ] || dbg=" debug library"
		TAG="[$PAIR${EXTRA:+ $EXTRA}$dbg FORCE=$FORCE]"
		run_fio
		run_pmempool
		run_ours
		[ "$spec" = auto ] && run_cross
	done
done
finish
