#!/bin/sh
# apt-get update that survives a mirror caught mid-sync ("File has unexpected
# size ... Mirror sync in progress?"): it tries again after a pause, and if
# every try fails it goes on with the lists it has and says so.  The
# apt-get install that follows is the real check: it fails if a package it
# needs is not in those lists.  Run as root, or through sudo when it is there.
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
for pause in 5 15 0; do
	$SUDO apt-get update -qq && exit 0
	[ "$pause" = 0 ] && break
	echo "apt-update: apt-get update failed; again in $pause s" >&2
	sleep "$pause"
done
echo "apt-update: apt-get update kept failing; going on with the package lists there are" >&2
exit 0
