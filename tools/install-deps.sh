#!/bin/sh
# Installs what building and testing libpmem needs on Debian 12 (as root,
# or through sudo when it is there).  PMDK's packages are test references and
# client programs only: the library never builds against them.
# --aarch64: also what the AArch64 cross build and its emulated tests need;
# --ppc64le: the same for ppc64le (both tools/install-deps-cross.sh).
set -e
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
"$(dirname "$0")/apt-update.sh"
$SUDO apt-get install -y -qq --no-install-recommends \
	gcc libc6-dev python3 ninja-build pkg-config binutils \
	libcriterion-dev libdaxctl-dev libndctl-dev \
	groff-base groff \
	libpmem1 libpmemobj-dev libpmemlog-dev libpmemblk-dev \
	fio pmdk-tools \
	gnuplot-nox >/dev/null
# The Windows build (configure.py --host=x86_64-w64-mingw32) and its tests
# under Wine; --no-windows leaves them out.
case " $* " in
*" --no-windows "*) ;;
*)	$SUDO apt-get install -y -qq --no-install-recommends \
		gcc-mingw-w64-x86-64 wine64 >/dev/null ;;
esac
# --aarch64: the AArch64 cross build and its emulated tests.
case " $* " in
*" --aarch64 "*) "$(dirname "$0")/install-deps-cross.sh" aarch64 ;;
esac
case " $* " in
*" --ppc64le "*) "$(dirname "$0")/install-deps-cross.sh" ppc64le ;;
esac
