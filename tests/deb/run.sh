#!/bin/bash
# tests/deb/run.sh [DEBDIR] -- our packages tested as a Debian 12 user would
# use them, in a fresh minimal chroot (needs root; .ci/run's "deb" stage).
#
#  1. the cached base chroot (tests/deb/base.sh; debootstrap from this
#     machine's apt sources) is unpacked into a new directory;
#  2. Debian's fio, pmdk-tools, libpmemobj1 and qemu-system-x86 are
#     installed (downloads kept in $LIBPMEM_DEB_CACHE/archives);
#  3. `apt-get install ./libpmem1_*.deb ./libpmem-dev_*.deb ./pmem-info_*.deb`
#     from DEBDIR (default build/deb, `ninja deb`) must upgrade libpmem1 in
#     place and leave every client installed with its dependencies met;
#  4. each client runs with no LD_LIBRARY_PATH, and its libpmem.so.1 must be
#     ours: the file the loader mapped (LD_DEBUG=libs, or /proc/PID/maps for
#     QEMU) has the bytes of our package's and exports
#     pmem_backend_get_choice;
#  5. `apt-get install --allow-downgrades libpmem1=1.12.1-2` goes back, and
#     the same clients must then load PMDK's file (the bytes of Debian's
#     package, no pmem_backend_get_choice).
#
# Prints one "deb: <client>: ..." line per client and phase with the proof,
# and "deb: N passed, N failed"; exits non-zero on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$PWD
DEBS=$(cd "${1:-build/deb}" && pwd)
CACHE=${LIBPMEM_DEB_CACHE:-/var/cache/libpmem-deb}
ARCH=$(dpkg --print-architecture)
TRIPLET=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
	gcc -print-multiarch)
PMDK_VERSION=1.12.1-2
CLIENTS="fio pmdk-tools libpmemobj1 qemu-system-x86"
t0=$SECONDS
pass=0 failed=0

say() { echo "deb: $*"; }
die() { say "FAIL $*"; say "$pass passed, $((failed + 1)) failed"; exit 1; }
ok() { pass=$((pass + 1)); say "$*"; }
bad() { failed=$((failed + 1)); say "FAIL $*"; }

[ "$(id -u)" = 0 ] || die "needs root (chroot, mount)"
for tool in debootstrap chroot readelf sha256sum; do
	command -v $tool >/dev/null || die "$tool missing (tests/deb/install-deps.sh)"
done
ours_deb() {
	local f
	f=$(ls "$DEBS"/"$1"_*_"$ARCH".deb 2>/dev/null | grep -v dbgsym) ||
		die "no $1 package for $ARCH in $DEBS (ninja deb)"
	[ "$(echo "$f" | wc -l)" = 1 ] || die "more than one $1 package in $DEBS"
	echo "$f"
}
LIB_DEB=$(ours_deb libpmem1)
DEV_DEB=$(ours_deb libpmem-dev)
INFO_DEB=$(ours_deb pmem-info)
OUR_VERSION=$(dpkg-deb -f "$LIB_DEB" Version)
dpkg --compare-versions "$OUR_VERSION" gt "$PMDK_VERSION" ||
	die "our version $OUR_VERSION does not sort above $PMDK_VERSION"

BASE=$(tests/deb/base.sh) || die "no base chroot"
say "base chroot $BASE ($((SECONDS - t0)) s)"

W=$(mktemp -d /var/tmp/libpmem-deb.XXXXXX)
R=$W/root
mkdir "$R"
mounted=()
cleanup() {
	local m i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
	done
	# never delete through a bind mount of the host's /dev or the cache
	if grep -q " $W/" /proc/mounts; then
		echo "deb: $W still has mounts; left in place" >&2
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
bind() { mount "$@"; mounted+=("${@: -1}"); }

tar -C "$R" -xf "$BASE"
chmod 755 "$R"	# the cached tarball keeps mktemp's 0700; apt's _apt user needs 755
bind -t proc proc "$R/proc"
bind --bind /dev "$R/dev"
mkdir -p "$CACHE/archives/partial"
bind --bind "$CACHE/archives" "$R/var/cache/apt/archives"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
in_root() {
	chroot "$R" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
apt_in() {
	in_root apt-get -o Dpkg::Use-Pty=0 -o APT::Keep-Downloaded-Packages=true \
		-y -q "$@" >"$W/apt.log" 2>&1 || {
		tail -30 "$W/apt.log"
		die "apt-get $*"
	}
}
apt_in update
apt_in install --no-install-recommends $CLIENTS
say "Debian's clients installed ($((SECONDS - t0)) s)"
installed() { in_root dpkg-query -W -f '${Version}' "$1" 2>/dev/null || true; }
[ "$(installed libpmem1)" = "$PMDK_VERSION" ] ||
	die "the clients did not bring PMDK's libpmem1 $PMDK_VERSION"

# The reference bytes: our library, and PMDK's (the target of its
# libpmem.so.1 link) from the package apt just installed.
mkdir "$W/ours" "$W/pmdk"
dpkg-deb -x "$LIB_DEB" "$W/ours"
OUR_SUM=$(sha256sum <"$W/ours/usr/lib/$TRIPLET/libpmem.so.1" | cut -c1-64)
PMDK_DEB=$(ls "$CACHE/archives/libpmem1_${PMDK_VERSION}_$ARCH.deb")
dpkg-deb -x "$PMDK_DEB" "$W/pmdk"
PMDK_SUM=$(sha256sum <"$(readlink -f "$W/pmdk/usr/lib/$TRIPLET/libpmem.so.1")" |
	cut -c1-64)

# The libpmemobj program, built on the host against Debian's headers.
cc -O2 -Wall -o "$R/usr/local/bin/obj_tx" tests/deb/obj_tx.c -lpmemobj ||
	die "cannot build tests/deb/obj_tx.c (libpmemobj-dev)"

# proof WHO PATH: PATH (as the chroot's loader saw it) must be WHO's
# library ("ours" or "pmdk").  Prints the proof.
proof() {
	local who=$1 path=$2 real sum sym
	real=$(in_root readlink -f "$path")
	sum=$(sha256sum <"$R$real" | cut -c1-64)
	# (not readelf | grep -q: under pipefail grep's early exit fails it)
	if [[ $(readelf --dyn-syms --wide "$R$real") == *" pmem_backend_get_choice@@LIBPMEM_EXT_1.0"* ]]; then
		sym="exports pmem_backend_get_choice"
	else
		sym="no pmem_backend_get_choice"
	fi
	case $who in
	ours)	[ "$sum" = "$OUR_SUM" ] && [ "$sym" = "exports pmem_backend_get_choice" ] ;;
	pmdk)	[ "$sum" = "$PMDK_SUM" ] && [ "$sym" = "no pmem_backend_get_choice" ] ;;
	esac || { echo "$real sha256 ${sum:0:16} $sym: not $who's"; return 1; }
	echo "$real sha256 ${sum:0:16} $sym"
}

# traced LOG CMD...: runs CMD in the chroot with LD_DEBUG=libs written to
# /tmp/LOG.<pid>; prints the libpmem.so.1 paths the loader initialised.
traced() {
	local log=$1
	shift
	rm -f "$R/tmp/$log".*
	in_root env LD_DEBUG=libs LD_DEBUG_OUTPUT="/tmp/$log" "$@" \
		>"$W/$log.out" 2>&1 || {
		tail -5 "$W/$log.out" >&2
		return 1
	}
	sed -n 's/.*calling init: \(.*libpmem\.so\.1\)$/\1/p' "$R/tmp/$log".* |
		sort -u
}

# client WHO NAME CMD...: runs one client program; it must succeed and have
# loaded WHO's libpmem.so.1.
client() {
	local who=$1 name=$2 paths p line
	shift 2
	if ! paths=$(traced "$name" "$@"); then
		bad "$name ($who): command failed: $*"
		return
	fi
	[ -n "$paths" ] || { bad "$name ($who): loaded no libpmem.so.1"; return; }
	for p in $paths; do
		if line=$(proof "$who" "$p"); then :; else
			bad "$name ($who): $line"
			return
		fi
	done
	ok "$name ($who): $*: loaded $line"
}

run_clients() {
	local who=$1 t
	rm -rf "$R/tmp/w"
	mkdir "$R/tmp/w"
	for t in obj blk log; do
		case $t in
		obj) client "$who" "pmempool-create-$t" pmempool create -s 32M \
			--layout deb obj /tmp/w/pool.$t ;;
		blk) client "$who" "pmempool-create-$t" pmempool create -s 32M \
			blk 4096 /tmp/w/pool.$t ;;
		log) client "$who" "pmempool-create-$t" pmempool create -s 32M \
			log /tmp/w/pool.$t ;;
		esac
		client "$who" "pmempool-check-$t" pmempool check /tmp/w/pool.$t
		client "$who" "pmempool-info-$t" pmempool info /tmp/w/pool.$t
		grep -qi "^Signature *: *PMEM$t\$" "$W/pmempool-info-$t.out" ||
			bad "pmempool info ($who) of the $t pool does not show signature PMEM${t^^}"
	done
	client "$who" obj_tx obj_tx /tmp/w/tx.obj
	# fio's libpmem engine refuses files that are not persistent memory;
	# this one is on the build machine's disk.
	client "$who" fio env PMEM_IS_PMEM_FORCE=1 fio --name=deb --ioengine=libpmem \
		--filename=/tmp/w/fio.pmem --size=32m --bs=64k --rw=write \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --thread --numjobs=1
	grep -q "err= 0" "$W/fio.out" || bad "fio ($who): no 'err= 0' in its report"
	qemu_client "$who"
}

# QEMU maps a memory-backend-file with pmem=on itself (MAP_SYNC where the
# file is on DAX); libpmem.so.1 is linked in for the pmem_persist of its
# write-back paths, which a machine without a guest never reaches (an
# incoming migration into a pmem=on backend, as RAM or as an nvdimm, made
# no libpmem call: tried under gdb and with a counting flush plugin).
# So this proves the load and the pmem=on mapping: while QEMU runs
# (-machine none, monitor on a pipe) its /proc/PID/maps must show the
# backend file and our libpmem.so.1.
qemu_client() {
	local who=$1 pid maps lib line i
	rm -f "$R/tmp/w/qemu.pmem"
	truncate -s 16M "$R/tmp/w/qemu.pmem"
	rm -f "$W/qemu.in"
	mkfifo "$W/qemu.in"
	timeout 120 chroot "$R" /usr/bin/env -i PATH=/usr/bin:/bin \
		qemu-system-x86_64 -machine none -nodefaults -display none \
		-object memory-backend-file,id=pm0,mem-path=/tmp/w/qemu.pmem,size=16M,share=on,pmem=on \
		-monitor stdio <"$W/qemu.in" >"$W/qemu.out" 2>&1 &
	pid=$!
	exec 9>"$W/qemu.in"
	maps=
	for i in $(seq 100); do
		# the chroot'ed qemu: the child of our chroot process (or itself)
		for p in $pid $(cat /proc/$pid/task/*/children 2>/dev/null); do
			if grep -q /tmp/w/qemu.pmem /proc/$p/maps 2>/dev/null; then
				maps=$(cat /proc/$p/maps)
				break 2
			fi
		done
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	echo quit >&9
	exec 9>&-
	wait $pid || true
	if [ -z "$maps" ]; then
		bad "qemu ($who): never mapped the pmem=on backend file: $(cat "$W/qemu.out")"
		return
	fi
	# paths as the host sees them: under $R
	lib=$(echo "$maps" | awk '$6 ~ /libpmem\.so\.1/ { print $6; exit }')
	lib=${lib#"$R"}
	[ -n "$lib" ] || { bad "qemu ($who): no libpmem.so.1 in /proc/PID/maps"; return; }
	if line=$(proof "$who" "$lib"); then
		ok "qemu ($who): qemu-system-x86_64 memory-backend-file,pmem=on: /proc/PID/maps has /tmp/w/qemu.pmem and $line"
	else
		bad "qemu ($who): $line"
	fi
}

# -- ours, in place of PMDK's ---------------------------------------------
cp "$LIB_DEB" "$DEV_DEB" "$INFO_DEB" "$R/tmp/"
apt_in install "./tmp/${LIB_DEB##*/}" "./tmp/${DEV_DEB##*/}" "./tmp/${INFO_DEB##*/}"
say "our packages installed ($((SECONDS - t0)) s)"
[ "$(installed libpmem1)" = "$OUR_VERSION" ] ||
	die "libpmem1 is $(installed libpmem1) after apt install, not $OUR_VERSION"
for p in $CLIENTS libpmempool1 libpmemblk1 libpmemlog1; do
	[ -n "$(installed "$p")" ] || die "apt removed $p when installing ours"
done
in_root apt-get check -q >/dev/null 2>&1 ||
	die "apt-get check: broken dependencies with ours installed"
ok "apt: libpmem1 $PMDK_VERSION -> $OUR_VERSION in place; $CLIENTS still installed, apt-get check clean"
in_root pmem-info >"$W/pmem-info.out" 2>&1 &&
	grep -q "^flush: " "$W/pmem-info.out" ||
	bad "pmem-info from our package does not run: $(cat "$W/pmem-info.out")"
run_clients ours

# -- back to PMDK's -------------------------------------------------------
apt_in install --allow-downgrades "libpmem1=$PMDK_VERSION"
say "back to libpmem1 $PMDK_VERSION ($((SECONDS - t0)) s)"
[ "$(installed libpmem1)" = "$PMDK_VERSION" ] ||
	die "libpmem1 is $(installed libpmem1) after going back"
for p in $CLIENTS; do
	[ -n "$(installed "$p")" ] || die "apt removed $p when going back"
done
in_root apt-get check -q >/dev/null 2>&1 ||
	die "apt-get check: broken dependencies after going back"
# README: going back removes our libpmem-dev and pmem-info (they depend on
# our libpmem1; apt does not downgrade them by itself).
for p in libpmem-dev pmem-info; do
	v=$(in_root dpkg-query -W -f '${db:Status-Abbrev}${Version}' "$p" 2>/dev/null || true)
	case $v in ii*) bad "going back left $p ${v#ii } installed" ;; esac
done
ok "apt: libpmem1 $OUR_VERSION -> $PMDK_VERSION; $CLIENTS still installed, apt-get check clean; our libpmem-dev and pmem-info removed"
run_clients pmdk

say "stage took $((SECONDS - t0)) s"
say "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
