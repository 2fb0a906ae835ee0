#!/bin/bash
# test_install.sh -- `ninja install` into a temporary DESTDIR, then build and
# run the manual's example program (docs/examples/hello.c) against the
# installed copy with `pkg-config --cflags --libs libpmem`, shared and static.
#
# Runs build/gen/install.sh, the script the `install` target runs (a nested
# ninja inside `ninja test` would race the outer one's logs).
# Ends with "install: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
. tests/helpers/ok_bad.sh
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() { echo "install: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }

D=$(mktemp -d /tmp/libpmem-install.XXXXXX) || exit 1
trap 'rm -rf "$D"' EXIT
prefix=$(sed -n 's/^prefix = //p' build.ninja)
ldflags=$(sed -n 's/^ldflags = //p' build.ninja)
P=$D$prefix
L=$P/lib

# A sanitizer build: the ASan runtime must come first in programs that are
# not built with it.
RUNENV=()
if objdump -p build/libpmem.so.1 | grep -q 'NEEDED.*libasan'; then
	RUNENV=(LD_PRELOAD="$(cc -print-file-name=libasan.so)"
		ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0)
fi

if ! DESTDIR=$D sh build/gen/install.sh >"$D.log" 2>&1; then
	bad "install script failed: $(cat "$D.log")"
	rm -f "$D.log"
	finish
fi
rm -f "$D.log"
ok "install into DESTDIR=$D prefix=$prefix"

# -- what must be there ---------------------------------------------------
check "lib/libpmem.so.1 is an ELF shared object" \
	sh -c "objdump -p '$L/libpmem.so.1' | grep -q 'SONAME *libpmem.so.1'"
check "lib/libpmem.so -> libpmem.so.1" \
	test "$(readlink "$L/libpmem.so")" = libpmem.so.1
check "lib/libpmem.a" test -s "$L/libpmem.a"
check "include/libpmem.h is ours" cmp -s include/libpmem.h "$P/include/libpmem.h"
check "include/libpmem_backend.h" \
	cmp -s include/libpmem_backend.h "$P/include/libpmem_backend.h"
for so in build/backends/*.so; do
	check "plugin lib/libpmem/backends/${so##*/}" \
		test -f "$L/libpmem/backends/${so##*/}"
done
check "the library's default PMEM_BACKEND_PATH is where plugins go" \
	grep -qa "$prefix/lib/libpmem/backends" "$L/libpmem.so.1"
check "debug library lib/libpmem/debug/libpmem.so.1" \
	cmp -s build/debug/libpmem.so.1 "$L/libpmem/debug/libpmem.so.1"
check "lib/pkgconfig/libpmem.pc" test -f "$L/pkgconfig/libpmem.pc"
if [ -f build/pmem-info ]; then
	check "bin/pmem-info runs" sh -c "'$P/bin/pmem-info' >/dev/null"
fi
for m in docs/man/*.[1-8]; do
	[ -f "$m" ] || continue
	check "man page ${m##*/}" test -f "$P/share/man/man${m##*.}/${m##*/}"
done

if [ -f docs/man/pmem_flush.3 ]; then
	check "man link pmem_persist.3 -> pmem_flush.3" \
		test "$(readlink "$P/share/man/man3/pmem_persist.3")" = pmem_flush.3
fi

# -- pkg-config and the example, against the installed copy only ----------
export PKG_CONFIG_LIBDIR=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
unset PKG_CONFIG_PATH
flags=$(echo $(pkg-config --cflags --libs libpmem))
check "pkg-config --cflags --libs libpmem: $flags" \
	test "$flags" = "-I$P/include -L$L -lpmem"

hello_ok() {	# hello_ok PROGRAM [ENV...]: prints the message, file has it
	local prog=$1 out
	shift
	rm -f "$D/hello.pmem"
	out=$(env "${RUNENV[@]}" "$@" "$prog" "$D/hello.pmem") &&
		grep -q 'hello, persistent memory' <<<"$out" &&
		grep -qa 'hello, persistent memory' "$D/hello.pmem"
}

# shellcheck disable=SC2086
if ${CC:-cc} -Wall -Wextra -Werror docs/examples/hello.c $flags -o "$D/hello"; then
	ok "hello.c builds with pkg-config against the installed header"
	check "hello runs on the installed libpmem.so.1" \
		hello_ok "$D/hello" LD_LIBRARY_PATH="$L"
	check "hello with PMEM_IS_PMEM_FORCE=1" \
		hello_ok "$D/hello" LD_LIBRARY_PATH="$L" PMEM_IS_PMEM_FORCE=1
	check "the loader resolves libpmem.so.1 to the installed copy" \
		sh -c "LD_LIBRARY_PATH='$L' ${LDD:-ldd} '$D/hello' |
			grep -q 'libpmem.so.1 => $L/libpmem.so.1'"
	check "hello runs on the installed debug library" \
		hello_ok "$D/hello" LD_LIBRARY_PATH="$L/libpmem/debug"
	check "hello runs with PMEM_BACKEND=<installed plugin clflush.so>" \
		hello_ok "$D/hello" LD_LIBRARY_PATH="$L" \
		PMEM_BACKEND="$L/libpmem/backends/clflush.so"
else
	bad "hello.c does not build with: $flags"
fi

# Static: libpmem.a plus the private libraries pkg-config --static lists.
sflags=$(pkg-config --static --libs-only-l libpmem | sed 's/-lpmem\b//')
# shellcheck disable=SC2086
if ${CC:-cc} -Wall -Wextra $ldflags $(pkg-config --cflags --libs-only-L libpmem) \
		docs/examples/hello.c -Wl,-Bstatic -lpmem -Wl,-Bdynamic $sflags \
		-o "$D/hello-static"; then
	ok "hello.c links statically with pkg-config --static"
	check "static hello needs no libpmem.so" \
		sh -c "! ${LDD:-ldd} '$D/hello-static' | grep -q libpmem"
	check "static hello runs" hello_ok "$D/hello-static"
else
	bad "hello.c does not link with libpmem.a: $sflags"
fi
finish
