#!/bin/sh
# debian/build-debs.sh [HOST] -- what `ninja deb` runs: the Debian packages
# of this tree, left in build/deb/ (with the .changes and .buildinfo).
#
# dpkg-buildpackage runs in a copy of the tree (build/deb/src), so the
# package build's configure (prefix /usr, Debian's libdir and build flags)
# never touches the developer's build/ and build.ninja.
# HOST is configure.py's --host: empty for this machine's architecture,
# aarch64-linux-gnu for arm64 packages (dpkg-buildpackage -a arm64 with the
# cross compiler; tools/install-deps.sh --aarch64 and libdaxctl-dev:arm64).
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
"")			arch=$(dpkg --print-architecture); aopt= ;;
aarch64-linux-gnu)	arch=arm64; aopt="-aarm64 -Pcross,nocheck"
			export CC=$1-gcc DEB_BUILD_OPTIONS=nocheck ;;
*)	echo "build-debs.sh: no Debian packages for host ${1}" >&2; exit 1 ;;
esac
out=build/deb
rm -rf "$out/src"
mkdir -p "$out/src"
rm -f "$out"/*_"$arch".deb "$out"/*_"$arch".ddeb "$out"/*_"$arch".changes \
	"$out"/*_"$arch".buildinfo
tar -cf - --exclude=./build --exclude=./.git --exclude=./build.ninja \
	--exclude=./.ninja_log --exclude=./.ninja_deps . | tar -xf - -C "$out/src"
(cd "$out/src" && dpkg-buildpackage -b -us -uc $aopt \
	-j"$(nproc)" >../build-"$arch".log 2>&1) || {
	tail -40 "$out/build-$arch.log" >&2
	echo "build-debs.sh: dpkg-buildpackage failed; log: $out/build-$arch.log" >&2
	exit 1
}
rm -rf "$out/src"
ls "$out"/*_"$arch".deb
