#!/bin/sh
# Installs what a cross build (configure.py --host=<triplet>) and its
# emulated test suite need on Debian 12 (as root, or through sudo).
# Usage: install-deps-cross.sh aarch64|ppc64le; run by
# `tools/install-deps.sh --aarch64` / `--ppc64le`.  A new ISA adds a row to
# the case below, not a copied script.
#
#  - the cross compiler and the target's C library headers;
#  - qemu-user-static, registered with binfmt_misc: the tests fork (Criterion
#    re-executes the test program for each test) and start pmem-info and
#    helper programs, so the kernel itself must hand every target program
#    to qemu;
#  - the target's libc6 (multiarch): qemu then needs no -L prefix (with -L,
#    qemu 7.2 hangs in the child of a fork of a dynamically linked program);
#  - PMDK's libpmem1 for the target (the reference tests/test_abi.py
#    compares with) and the libraries it needs, unpacked (not installed)
#    into /opt/libpmem-cross/<triplet>/usr/lib/<triplet>.
#  - aarch64 only: qemu-system-arm, for `ninja test-guest` (a system guest
#    runs DC CVAP, which qemu-user cannot), and Criterion's arm64 runtime,
#    unpacked too: libcriterion3:arm64 needs libnanomsg5:arm64, whose
#    Debian version differs from the amd64 one libcriterion-dev pulls in,
#    and Multi-Arch: same packages must match, so dpkg would remove the
#    native Criterion.  The headers are the native package's (they do not
#    depend on the architecture).  Debian 12 has no Criterion for ppc64el:
#    those tests build against tests/criterion_lite/ instead.
set -e
COMMON_LIBS="libpmem1 libndctl6 libdaxctl1 libkmod2 libudev1 libuuid1 liblzma5 libzstd1"
case "$1" in
aarch64)
	NAME=AArch64 HOST=aarch64-linux-gnu DEB=arm64 QEMU=aarch64
	CROSS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu"
	EXTRA="qemu-system-arm libcriterion-dev libffi8:arm64 libgit2-1.5:arm64"
	LIBS="libcriterion3 libnanomsg5 $COMMON_LIBS"
	NEED="libcriterion.so.3 libpmem.so.1" ;;
ppc64le)
	NAME=ppc64le HOST=powerpc64le-linux-gnu DEB=ppc64el QEMU=ppc64le
	CROSS="gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross binutils-powerpc64le-linux-gnu"
	EXTRA=
	LIBS="$COMMON_LIBS libssl3"
	NEED="libpmem.so.1" ;;
*)
	echo "usage: $0 aarch64|ppc64le" >&2
	exit 2 ;;
esac
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
SYSROOT=/opt/libpmem-cross/$HOST

dpkg --print-foreign-architectures | grep -qx $DEB ||
	$SUDO dpkg --add-architecture $DEB
"$(dirname "$0")/apt-update.sh"
# shellcheck disable=SC2086 # the lists split into package names
$SUDO apt-get install -y -qq --no-install-recommends \
	$CROSS qemu-user-static libc6:$DEB $EXTRA >/dev/null

LIBDIR=$SYSROOT/usr/lib/$HOST
missing=
for lib in $NEED; do
	[ -e "$LIBDIR/$lib" ] || missing=1
done
if [ -n "$missing" ]; then
	tmp=$(mktemp -d)
	chmod 755 "$tmp"	# apt's download user writes there
	pkgs=
	for p in $LIBS; do
		pkgs="$pkgs $p:$DEB"
	done
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get download -qq $pkgs 2>/dev/null)
	$SUDO mkdir -p "$SYSROOT"
	for deb in "$tmp"/*.deb; do
		$SUDO dpkg-deb -x "$deb" "$SYSROOT"
	done
	rm -rf "$tmp"
	# One directory: LD_LIBRARY_PATH=$LIBDIR finds PMDK's dependencies.
	if [ -d "$SYSROOT/lib/$HOST" ]; then
		$SUDO cp -a "$SYSROOT/lib/$HOST/." "$LIBDIR/"
	fi
fi

BINFMT=/proc/sys/fs/binfmt_misc
if [ ! -e "$BINFMT/qemu-$QEMU" ]; then
	[ -e "$BINFMT/register" ] ||
		$SUDO mount -t binfmt_misc binfmt_misc "$BINFMT"
	# Debian's own entry (interpreter /usr/libexec/qemu-binfmt/...).
	$SUDO sh -c "cat /usr/lib/binfmt.d/qemu-$QEMU.conf > $BINFMT/register"
fi
echo "$NAME cross build ready: python3 configure.py --host=$HOST && ninja test"
