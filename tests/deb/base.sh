#!/bin/bash
# tests/deb/base.sh -- the cached minimal Debian 12 chroot of tests/deb/run.sh.
#
#   tests/deb/base.sh            prints the path of the base tarball, making
#                                it first when it is not in the cache
#
# The chroot is made once with debootstrap (--variant=minbase) from the
# Debian mirror this machine's own apt sources name, and kept as a tarball
# in $LIBPMEM_DEB_CACHE (default /var/cache/libpmem-deb), outside the build
# directory so `rm -rf build` or a fresh clone does not throw it away.  The
# chroot's apt sources are the machine's Debian entries (main, updates,
# security), so it sees the same versions as the host.  Needs root.
set -euo pipefail
CACHE=${LIBPMEM_DEB_CACHE:-/var/cache/libpmem-deb}
SUITE=bookworm
ARCH=$(dpkg --print-architecture)
TARBALL=$CACHE/$SUITE-minbase-$ARCH.tar

die() { echo "deb-base: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"

# The Debian entries of this machine's apt sources, one-line format
# ("deb URI SUITE COMPONENTS"), from deb822 .sources files and from
# sources.list files alike.  Only Debian's own archive URIs are kept.
debian_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\)[[:space:]]\+\([^[:space:]]\+\)[[:space:]]\+\(.*\)$/deb \2 \3 \4/p' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822: paragraphs separated by blank lines
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			types = uris = suites = comps = ""
			for (i = 1; i <= NF; i++) {
				line = $i
				if (line ~ /^#/) continue
				key = line; sub(/:.*/, "", key)
				val = line; sub(/^[^:]*:[ \t]*/, "", val)
				if (key == "Types") types = val
				else if (key == "URIs") uris = val
				else if (key == "Suites") suites = val
				else if (key == "Components") comps = val
				else if (key == "Enabled" && val == "no") types = ""
			}
			if (types !~ /(^| )deb( |$)/) next
			nu = split(uris, u, " "); ns = split(suites, s, " ")
			for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++)
				print "deb " u[a] " " s[b] " " comps
		}' "$f"
	done | grep -E '^deb [a-z]+://[^ ]*/debian(-security)?/? ' || true
}

if [ -f "$TARBALL" ]; then
	echo "$TARBALL"
	exit 0
fi

SOURCES=$(debian_sources | awk -v s="$SUITE" '$3 ~ "^" s' | sort -u)
MIRROR=$(echo "$SOURCES" | awk -v s="$SUITE" '$3 == s { print $2; exit }')
[ -n "$MIRROR" ] || die "no Debian $SUITE entry in /etc/apt/sources.list*"
command -v debootstrap >/dev/null ||
	die "debootstrap missing (tests/deb/install-deps.sh)"

mkdir -p "$CACHE"
R=$(mktemp -d "$CACHE/root.XXXXXX")
chmod 755 "$R"	# the chroot's /: apt's _apt user must reach its lists
# debootstrap mounts /proc and /sys in the target while it works: never
# delete through a mount it left behind
trap 'grep -q " $R/" /proc/mounts || rm -rf "$R"' EXIT
echo "deb-base: debootstrap $SUITE from $MIRROR into $R" >&2
debootstrap --variant=minbase --arch="$ARCH" "$SUITE" "$R" "$MIRROR" \
	>"$R.log" 2>&1 || { tail -20 "$R.log" >&2; rm -f "$R.log"; die "debootstrap failed"; }
rm -f "$R.log"
echo "$SOURCES" >"$R/etc/apt/sources.list"
# No daemons start inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod 755 "$R/usr/sbin/policy-rc.d"
rm -rf "$R/var/cache/apt/archives/"*.deb "$R/var/lib/apt/lists/"*_Packages
! grep -q " $R/" /proc/mounts || die "debootstrap left mounts in $R"
tar -C "$R" -cf "$TARBALL.tmp" .
mv "$TARBALL.tmp" "$TARBALL"
echo "$TARBALL"
