#!/bin/sh
# Installs what the ppc64le cross build (configure.py
# --host=powerpc64le-linux-gnu) and its emulated test suite need on Debian 12
# (as root, or through sudo).  Run by `tools/install-deps.sh --ppc64le`.
#
#  - the cross compiler and the ppc64el C library headers;
#  - qemu-user-static, registered with binfmt_misc: the tests fork, and
#    they start pmem-info and helper programs, so the kernel itself must
#    hand every ppc64le program to qemu;
#  - ppc64el libc6 (multiarch), so qemu needs no -L prefix (as for arm64);
#  - PMDK's libpmem1:ppc64el (the reference tests/test_abi.py compares with)
#    and the libraries it needs, unpacked (not installed) into
#    /opt/libpmem-cross/powerpc64le-linux-gnu/usr/lib/powerpc64le-linux-gnu.
#    Debian 12 has no Criterion for ppc64el: the tests build against
#    tests/criterion_lite/ instead.
set -e
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
HOST=powerpc64le-linux-gnu
SYSROOT=/opt/libpmem-cross/$HOST

dpkg --print-foreign-architectures | grep -qx ppc64el ||
	$SUDO dpkg --add-architecture ppc64el
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross \
	binutils-powerpc64le-linux-gnu qemu-user-static libc6:ppc64el \
	>/dev/null

LIBDIR=$SYSROOT/usr/lib/$HOST
if [ ! -e "$LIBDIR/libpmem.so.1" ]; then
	tmp=$(mktemp -d)
	chmod 755 "$tmp"	# apt's download user writes there
	(cd "$tmp" && apt-get download -qq libpmem1:ppc64el libndctl6:ppc64el \
		libdaxctl1:ppc64el libkmod2:ppc64el libudev1:ppc64el \
		libuuid1:ppc64el liblzma5:ppc64el libzstd1:ppc64el \
		libssl3:ppc64el 2>/dev/null)
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
if [ ! -e "$BINFMT/qemu-ppc64le" ]; then
	[ -e "$BINFMT/register" ] ||
		$SUDO mount -t binfmt_misc binfmt_misc "$BINFMT"
	# Debian's own entry (interpreter /usr/libexec/qemu-binfmt/...).
	$SUDO sh -c "cat /usr/lib/binfmt.d/qemu-ppc64le.conf > $BINFMT/register"
fi
echo "ppc64le cross build ready: python3 configure.py --host=$HOST && ninja test"
