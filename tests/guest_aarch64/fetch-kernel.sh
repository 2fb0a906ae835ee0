#!/bin/sh
# Fetches Debian's current arm64 kernel for the AArch64 system guest.
#   tests/guest_aarch64/fetch-kernel.sh OUTDIR
# Leaves OUTDIR/vmlinuz (an uncompressed arm64 Image: Debian ships it so)
# and OUTDIR/kernel-version.  Only Debian's apt is used: the meta package
# linux-image-arm64 names the real package in its Depends; both are
# downloaded (arm64 must be a foreign architecture: install-deps --aarch64)
# and the image unpacked with dpkg-deb.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/debs"
cd "$out/debs"
# apt's sandbox user cannot write into build/; download as ourselves.
dl() { apt-get download -q -o APT::Sandbox::User=root "$@" 2>&1 | grep -v '^Get:' || true; }
fetch() {
	rm -f ./*.deb
	dl linux-image-arm64:arm64
	meta=$(ls linux-image-arm64_*.deb 2>/dev/null) || return 1
	deps=$(dpkg-deb -f "$meta" Depends | tr ',|' '\n\n')
	dep=$(echo "$deps" | grep -m1 -o 'linux-image-[0-9][^ ]*')
	ver=$(echo "$deps" | grep -m1 "$dep" | sed -n 's/.*(= *\([^)]*\)).*/\1/p')
	if [ -n "$ver" ]; then dl "$dep:arm64=$ver"; else dl "$dep:arm64"; fi
	deb=$(ls "$dep"_*.deb 2>/dev/null)
}
# Stale package lists name versions the mirror no longer has.
if ! fetch; then
	sh "$here/../../tools/apt-update.sh"
	fetch || { echo "guest: cannot download the arm64 kernel" >&2; exit 1; }
fi
kver=${dep#linux-image-}
dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./boot/vmlinuz-$kver" > ../vmlinuz.tmp
mv ../vmlinuz.tmp ../vmlinuz
echo "$kver" > ../kernel-version
rm -f ./*.deb	# 60 MB; the image is all the guest needs
echo "guest: arm64 kernel $kver from $deb"
