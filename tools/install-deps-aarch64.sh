#!/bin/sh
# Installs what the AArch64 cross build (configure.py --host=aarch64-linux-gnu)
# and its emulated test suite need on Debian 12 (as root, or through sudo).
# Run by `tools/install-deps.sh --aarch64`.
#
#  - the cross compiler and the arm64 C library headers;
#  - qemu-user-static, registered with binfmt_misc: Criterion re-executes
#    the test program for each test, and tests start pmem-info, so the
#    kernel itself must hand every AArch64 program to qemu;
#  - qemu-system-arm, for `ninja test-guest`: a system guest runs DC CVAP,
#    which qemu-user cannot;
#  - arm64 libc6 (multiarch): qemu then needs no -L prefix (with -L, qemu
#    7.2 hangs in the child of a fork of a dynamically linked program);
#  - Criterion's arm64 runtime and PMDK's libpmem1:arm64 (the reference
#    tests/test_abi.py compares with), unpacked (not installed) into
#    /opt/libpmem-cross/aarch64-linux-gnu/usr/lib/aarch64-linux-gnu with
#    their libraries: libcriterion3:arm64 needs
#    libnanomsg5:arm64, whose Debian version differs from the amd64 one
#    libcriterion-dev pulls in, and Multi-Arch: same packages must match,
#    so dpkg would remove the native Criterion.  The headers are the
#    native package's (they do not depend on the architecture).
set -e
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
SYSROOT=/opt/libpmem-cross/aarch64-linux-gnu

dpkg --print-foreign-architectures | grep -qx arm64 ||
	$SUDO dpkg --add-architecture arm64
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu \
	qemu-user-static qemu-system-arm libcriterion-dev \
	libc6:arm64 libffi8:arm64 libgit2-1.5:arm64 >/dev/null

LIBDIR=$SYSROOT/usr/lib/aarch64-linux-gnu
if [ ! -e "$LIBDIR/libcriterion.so.3" ] || [ ! -e "$LIBDIR/libpmem.so.1" ]
then
	tmp=$(mktemp -d)
	chmod 755 "$tmp"	# apt's download user writes there
	(cd "$tmp" && apt-get download -qq libcriterion3:arm64 \
		libnanomsg5:arm64 libpmem1:arm64 libndctl6:arm64 \
		libdaxctl1:arm64 libkmod2:arm64 libudev1:arm64 libuuid1:arm64 \
		liblzma5:arm64 libzstd1:arm64 2>/dev/null)
	$SUDO mkdir -p "$SYSROOT"
	for deb in "$tmp"/*.deb; do
		$SUDO dpkg-deb -x "$deb" "$SYSROOT"
	done
	rm -rf "$tmp"
	# One directory: LD_LIBRARY_PATH=$LIBDIR finds PMDK's dependencies.
	if [ -d "$SYSROOT/lib/aarch64-linux-gnu" ]; then
		$SUDO cp -a "$SYSROOT/lib/aarch64-linux-gnu/." "$LIBDIR/"
	fi
fi

BINFMT=/proc/sys/fs/binfmt_misc
if [ ! -e "$BINFMT/qemu-aarch64" ]; then
	[ -e "$BINFMT/register" ] ||
		$SUDO mount -t binfmt_misc binfmt_misc "$BINFMT"
	# Debian's own entry (interpreter /usr/libexec/qemu-binfmt/...).
	$SUDO sh -c "cat /usr/lib/binfmt.d/qemu-aarch64.conf > $BINFMT/register"
fi
echo "AArch64 cross build ready: python3 configure.py --host=aarch64-linux-gnu && ninja test"
