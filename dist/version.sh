#!/bin/sh
# dist/version.sh - print kith's version (the Makefile's KITH_VERSION).
#
#   sh dist/version.sh [ROOT]          (ROOT: the tree, default this one)
#
# The one place the version is written is the file VERSION at the root of
# the tree (debian/changelog repeats it; tests/pkg/install.sh checks that
# they agree).  A release is the commit that sets VERSION.  In a git
# checkout of this tree, a build N commits after that one says so the way
# `git describe` does: VERSION-N-gHASH (0.12.0-5-gabc1234).  A tag
# vVERSION, if there is one, is used through `git describe`; without tags
# N counts the commits since VERSION last changed, so both give the same
# string.  Outside git (a tarball, the Debian build's copy) the version is
# VERSION alone.

root=${1:-$(dirname "$0")/..}
cd "$root" || exit 1
base=$(sed -n '1{s/[[:space:]]//g;p;q}' VERSION 2>/dev/null)
if [ -z "$base" ]; then
	echo "dist/version.sh: no version in '$root/VERSION'" >&2
	exit 1
fi
here=$(pwd -P)
# `sudo make install` in a checkout of another user: git would refuse the
# repository (safe.directory) and the version would change under the
# build.  Naming this tree safe trusts nothing new: make runs this tree's
# Makefile anyway, and these commands only read.
g() {
	git -c safe.directory="$here" "$@"
}
# only when this tree is the top of a git checkout (not a tarball that was
# unpacked inside somebody else's repository)
top=$(g rev-parse --show-toplevel 2>/dev/null) || top=
if [ -z "$top" ] || [ "$(cd "$top" && pwd -P)" != "$here" ]; then
	echo "$base"
	exit 0
fi
desc=$(g describe --tags --long --match "v$base" 2>/dev/null) || desc=
if [ -n "$desc" ]; then
	n=$(echo "$desc" | sed 's/^v.*-\([0-9][0-9]*\)-g[0-9a-f]*$/\1/')
	hash=$(echo "$desc" | sed 's/^.*-g\([0-9a-f]*\)$/\1/')
else
	since=$(g log -1 --format=%H -- VERSION 2>/dev/null)
	if [ "$(g rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
		# a shallow clone's oldest commit seems to add VERSION: the
		# count would be the depth, not the commits since the release
		n=
	elif [ -n "$since" ]; then
		n=$(g rev-list --count "$since..HEAD" 2>/dev/null)
	else
		# VERSION not committed yet: count nothing, still name the commit
		n=
	fi
	hash=$(g rev-parse --short=7 HEAD 2>/dev/null)
fi
if [ -z "$hash" ] || [ "$n" = 0 ]; then
	echo "$base"
elif [ -z "$n" ]; then
	echo "$base-g$hash"
else
	echo "$base-$n-g$hash"
fi
