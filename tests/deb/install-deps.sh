#!/bin/sh
# What `ninja deb` and tests/deb/run.sh need on Debian 12, beyond
# tools/install-deps.sh: the package tools, lintian, and debootstrap.
set -e
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends \
	dpkg-dev debhelper fakeroot lintian debootstrap binutils \
	libpmemobj-dev libdaxctl-dev >/dev/null
