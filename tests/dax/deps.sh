#!/bin/sh
# Installs the host packages the qemu DAX tier needs, only when one is
# missing (dpkg -s is quick; apt-get update is not).  Debian 12, as root or
# through sudo.
set -e
PKGS="qemu-system-x86 busybox-static ndctl daxctl e2fsprogs kmod cpio gzip strace"
missing=
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
echo "dax: installing$missing" >&2
"$(dirname "$0")/../../tools/apt-update.sh"
# shellcheck disable=SC2086 # word splitting is the point
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
