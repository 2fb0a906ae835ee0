#!/bin/sh
# Fetches Debian's current amd64 kernel for the guest and unpacks it.
#   tests/dax/fetch-kernel.sh OUTDIR
# Leaves OUTDIR/debs/*.deb, OUTDIR/kernel/ (the unpacked package),
# OUTDIR/vmlinuz, OUTDIR/vmlinux (its ELF) and OUTDIR/kernel-version.
# Only Debian's apt is used: the meta package linux-image-amd64 names the
# real linux-image-6.x package in its Depends, which is downloaded and
# unpacked with dpkg -x.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/deps.sh"

mkdir -p "$out/debs"
cd "$out/debs"
# apt's sandbox user cannot write into build/; download as ourselves.
dl() { apt-get download -q -o APT::Sandbox::User=root "$@" 2>&1 | grep -v '^Get:' || true; }

# Stale package lists name versions the mirror no longer has: on a failed
# download refresh them once and try again.
fetch() {
	rm -f ./*.deb
	dl linux-image-amd64
	meta=$(ls linux-image-amd64_*.deb 2>/dev/null) || return 1
	# e.g. "linux-image-6.1.0-56-amd64 (= 6.1.192-2)"
	deps=$(dpkg-deb -f "$meta" Depends | tr ',|' '\n\n')
	dep=$(echo "$deps" | grep -m1 -o 'linux-image-[0-9][^ ]*')
	ver=$(echo "$deps" | grep -m1 "$dep" | sed -n 's/.*(= *\([^)]*\)).*/\1/p')
	if [ -n "$ver" ]; then dl "$dep=$ver"; else dl "$dep"; fi
	deb=$(ls "$dep"_*.deb 2>/dev/null)
}
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1 || ! fetch; then
	sh "$here/../../tools/apt-update.sh"
	fetch || { echo "dax: cannot download the kernel packages" >&2; exit 1; }
fi

cd ..
rm -rf kernel
dpkg -x "debs/$deb" kernel
kver=${dep#linux-image-}
[ -d "kernel/lib/modules/$kver" ] || { echo "dax: no modules for $kver in $deb" >&2; exit 1; }
echo "$kver" > kernel-version
# The ELF inside boots faster (no decompression under TCG); run.py falls
# back to the bzImage when there is no vmlinux.
rm -f vmlinux
python3 "$here/extract-vmlinux.py" "kernel/boot/vmlinuz-$kver" vmlinux || true
cp "kernel/boot/vmlinuz-$kver" vmlinuz.tmp
mv vmlinuz.tmp vmlinuz
echo "dax: guest kernel $kver from $deb"
