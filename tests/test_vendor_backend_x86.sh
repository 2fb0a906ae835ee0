#!/bin/bash
# test_vendor_backend_x86.sh -- the example vendor backend of pmem_backend(7),
# docs/examples/movdir64b, built OUT OF TREE against the installed
# <libpmem_backend.h> only, then loaded with PMEM_BACKEND=<path>.
#
# This CPU may lack MOVDIR64B: then the library must refuse the plugin for
# what its cpu_needs says it needs (pmem_backend_get_choice()->refusal), keep working, and
# the correctness run of the real instruction is skipped visibly.  The same
# source built with -DMOVDIR64B_EMULATE (each 64-byte store done in C) is
# always accepted and checked against memmove/memset, also when named
# through PMEM_BACKEND_PATH.
# Ends with "vendor: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
. tests/helpers/ok_bad.sh
finish() {
	echo "vendor: $pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
	exit
}

D=$(mktemp -d /tmp/libpmem-vendor.XXXXXX) || exit 1
trap 'rm -rf "$D"' EXIT
prefix=$(sed -n 's/^prefix = //p' build.ninja)
P=$D/root$prefix
L=$P/lib
RUNENV=()
if objdump -p build/libpmem.so.1 | grep -q 'NEEDED.*libasan'; then
	RUNENV=(LD_PRELOAD="$(cc -print-file-name=libasan.so)"
		ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0)
fi

DESTDIR=$D/root sh build/gen/install.sh >/dev/null ||
	{ bad "install into $D/root failed"; finish; }

# Out of tree: a copy of the example in its own directory, the installed
# headers through pkg-config, nothing of this source tree.
cp -r docs/examples/movdir64b "$D/src" && cd "$D/src" || exit 1
export PKG_CONFIG_LIBDIR=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D/root
unset PKG_CONFIG_PATH
inc=$(pkg-config --cflags libpmem)
libs=$(pkg-config --libs libpmem)
# shellcheck disable=SC2086
build() {	# build OUT EXTRA-FLAGS...: the man page's build line
	local out=$1
	shift
	cc -O2 -Wall -Wextra -Werror -shared -fPIC "$@" $inc movdir64b.c -o "$out"
}
if build movdir64b.so -mmovdir64b && build movdir64b-emulated.so -DMOVDIR64B_EMULATE
then
	ok "movdir64b.c builds out of tree against the installed libpmem_backend.h ($inc)"
else
	bad "movdir64b.c does not build out of tree"
	finish
fi
undef=$(nm -D --undefined-only movdir64b.so | awk '{print $NF}' | grep -v '^_' |
	grep -vE '^(memmove|memset|memcpy)(@.*)?$')
[ -z "$undef" ] && ok "the plugin needs nothing but memmove/memset/memcpy" ||
	bad "the plugin has unexpected undefined symbols: $undef"
# shellcheck disable=SC2086
cc -O2 -Wall -Wextra -Werror $inc check.c $libs -o check ||
	{ bad "check.c does not build against the installed library"; finish; }

run_check() {	# run_check LABEL ENV...: runs ./check with the plugin env
	local label=$1 out rc
	shift
	out=$(env "${RUNENV[@]}" LD_LIBRARY_PATH="$L" "$@" ./check "$PLUGIN" 2>&1)
	rc=$?
	sed 's/^/    /' <<<"$out"
	local p f s
	read -r p f s < <(sed -n 's/^vendor: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped/\1 \2 \3/p' <<<"$out")
	if [ $rc -ne 0 ] || [ -z "${p:-}" ] || [ "${f:-1}" -ne 0 ]; then
		bad "$label (exit $rc)"
	else
		ok "$label: $p checks"
	fi
	if grep -q '^SKIP' <<<"$out"; then
		skip=$((skip + 1))
		grep '^SKIP' <<<"$out"
	fi
}

PLUGIN=$D/src/movdir64b.so
if grep -qw movdir64b /proc/cpuinfo; then
	run_check "movdir64b (CPU has MOVDIR64B): accepted, copies match" \
		PMEM_BACKEND="$PLUGIN"
else
	run_check "movdir64b refused (needs MOVDIR64B), library keeps working" \
		PMEM_BACKEND="$PLUGIN"
fi
PLUGIN=$D/src/movdir64b-emulated.so
run_check "movdir64b-emulated by path: accepted, copies match" \
	PMEM_BACKEND="$PLUGIN"
run_check "movdir64b-emulated with a flush name (clflush,<path>)" \
	PMEM_BACKEND="clflush,$PLUGIN"
run_check "movdir64b-emulated by name through PMEM_BACKEND_PATH" \
	PMEM_BACKEND_PATH="/nonexistent:$D/src" PMEM_BACKEND=movdir64b-emulated
finish
