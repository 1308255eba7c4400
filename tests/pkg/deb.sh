#!/bin/sh
# deb.sh - the Debian package builds, lintian finds no error in it, it holds
# kith's files and nothing else, and it installs and runs.
#
#   sh tests/pkg/deb.sh              (`make package-check`; .ci/run)
#
# Builds with `dpkg-buildpackage -us -uc -b` in a copy of the tree (the
# files git knows or would add, as they are in the working tree; the whole
# tree outside git), never in the tree itself, then:
#   - lintian on the .changes: any E: line fails;
#   - `dpkg-deb -c`: exactly the expected files;
#   - the maintainer scripts create the user kith and neither enable nor
#     start a unit;
#   - `dpkg-deb -x` into a throwaway root: its kith --version says
#     "kith VERSION", and the binary looks for translations in /usr;
#   - as root, also `dpkg --root` install and purge in another throwaway
#     root (maintainer scripts outside a chroot, with DPKG_ROOT): the user
#     kith exists, no unit is enabled; the purge leaves no file of kith's.
# Takes minutes (a full build with the unit tests).  Without the packaging
# tools or the build dependencies it skips (exit 77) saying what to
# install - unless CI=true, where that is a failure.  Output ends with
# "N passed, N failed" like every shell suite (tests/e2e/lib.sh).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=$(sed -n '1{s/[[:space:]]//g;p;q}' "$ROOT/VERSION")

# Before there is a kith to hand to lib.sh: skip or fail in its format.
# early WHAT WHY: WHAT is the check that failed, WHY says what is missing.
early() {
	if [ "${CI:-}" = true ]; then
		echo "not ok 1 - $1"
		printf '%s\n' "$2" | sed 's/^/#   /'
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "# SKIP deb: $2 (sudo make deps-package; CI=true fails instead)"
	exit 77
}

missing=
for t in dpkg-buildpackage dpkg-deb dpkg-checkbuilddeps dh lintian; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
[ -z "$missing" ] || early "the packaging tools are installed" "missing:$missing"
if ! why=$(cd "$ROOT" && dpkg-checkbuilddeps 2>&1 >/dev/null); then
	early "the build dependencies are installed" \
		"$(echo "$why" | sed 's/^dpkg-checkbuilddeps: error: //')"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kith-deb.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT HUP TERM
SRC=$WORK/kith-$VERSION
mkdir "$SRC" || exit 1
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	# tracked and new files, not ignored ones (build trees); a tracked file
	# deleted in the working tree is left out
	(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
		tar -xf - -C "$SRC"
else
	(cd "$ROOT" && tar --exclude='./build*' --exclude=./debian/kith \
		--exclude=./debian/.debhelper -cf - .) | tar -xf - -C "$SRC"
fi
if [ ! -f "$SRC/debian/rules" ]; then
	echo "not ok 1 - the tree is copied with its debian/"
	echo "0 passed, 1 failed"
	exit 1
fi

# a make of our own: not the jobserver or the variables of a calling make
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
ncpu=$(nproc 2>/dev/null || echo 1)
(cd "$SRC" && DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$ncpu} \
	dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1
rc=$?
DEB=$WORK/kith_${VERSION}_$(dpkg --print-architecture).deb
if [ "$rc" != 0 ] || [ ! -f "$DEB" ]; then
	echo "not ok 1 - dpkg-buildpackage -us -uc -b builds $(basename "$DEB")"
	echo "#   exit: $rc"
	tail -n 40 "$WORK/build.log" | sed 's/^/#   /'
	echo "0 passed, 1 failed"
	exit 1
fi

R=$WORK/root
mkdir "$R" && dpkg-deb -x "$DEB" "$R" || exit 1
DEB_KITH=$R/usr/bin/kith
# lib.sh removes its own temp directory at exit, and ours with it
set -- "$DEB_KITH"
. "$ROOT/tests/e2e/lib.sh"
at_exit rm -rf "\"$WORK\""
pass "dpkg-buildpackage -us -uc -b builds $(basename "$DEB")"

# ---- lintian ----------------------------------------------------------

lintian "$WORK"/kith_"$VERSION"_*.changes >"$WORK/lintian.out" 2>&1
errors=$(grep -c '^E: ' "$WORK/lintian.out")
if [ "$errors" = 0 ]; then
	pass "lintian reports no error"
else
	fail "lintian reports no error" "$(cat "$WORK/lintian.out")"
fi
if grep -q '^W: ' "$WORK/lintian.out"; then
	echo "# lintian warnings:"
	grep '^W: ' "$WORK/lintian.out" | sed 's/^/#   /'
fi

# ---- contents ---------------------------------------------------------

{
	echo /lib/systemd/system/kith.service
	echo /usr/bin/kith
	echo /usr/lib/systemd/user/kith.service
	echo /usr/lib/sysusers.d/kith.conf
	echo /usr/share/bash-completion/completions/kith
	echo /usr/share/doc/kith/README.md.gz
	echo /usr/share/doc/kith/changelog.gz
	echo /usr/share/doc/kith/copyright
	for l in $(cat "$ROOT/po/LINGUAS"); do
		echo "/usr/share/locale/$l/LC_MESSAGES/kith.mo"
	done
	echo /usr/share/man/man1/kith.1.gz
	echo /usr/share/man/man8/kith-daemon.8.gz
} | LC_ALL=C sort >"$WORK/want"
dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\.||' |
	LC_ALL=C sort >"$WORK/got"
check_eq "dpkg-deb -c lists exactly kith's files" "$(cat "$WORK/got")" \
	"$(cat "$WORK/want")"
check_match "the system unit runs /usr/bin/kith as kith" \
	"$(grep -E '^(User|ExecStart)=' "$R/lib/systemd/system/kith.service")" \
	'^ExecStart=/usr/bin/kith --home /var/lib/kith daemon$'

mkdir "$WORK/control" && dpkg-deb -e "$DEB" "$WORK/control"
POSTINST=$(cat "$WORK/control/postinst" 2>/dev/null)
check_match "postinst creates the user kith (systemd-sysusers)" "$POSTINST" \
	'systemd-sysusers .*kith\.conf'
check_nomatch "postinst starts no service" "$POSTINST" \
	'deb-systemd-invoke (start|restart)'
# an upgrade must not leave a building's daemon stopped: nothing stops it
# before, postinst restarts it if it ran; a removal stops it
check_match "postinst restarts a running service after an upgrade" \
	"$POSTINST" 'deb-systemd-invoke try-restart .kith\.service'
check_nomatch "preinst stops no service" \
	"$(cat "$WORK/control/preinst" 2>/dev/null)" 'deb-systemd-invoke stop'
check_match "prerm stops the service on remove" \
	"$(cat "$WORK/control/prerm" 2>/dev/null)" 'deb-systemd-invoke stop kith\.service'
# dh_installsystemd{,user} --no-enable: enable only what the admin had
# enabled before (an upgrade), never on a first install
check_eq "postinst enables units only where they were enabled before" \
	"$(printf '%s\n' "$POSTINST" | grep -c 'debian-installed')" 2

# ---- the unpacked package runs ------------------------------------------

k - --version
check_eq "the packaged kith --version" "$OUT" "kith $VERSION"
if grep -aq '/usr/share/locale' "$DEB_KITH"; then
	pass "the packaged kith looks for translations in /usr/share/locale"
else
	fail "the packaged kith looks for translations in /usr/share/locale"
fi

if [ "$(id -u)" = 0 ]; then
	R2=$WORK/dpkg-root
	# a root has /etc (systemd-sysusers writes passwd and group there)
	mkdir -p "$R2/etc" "$R2/var/lib/dpkg/info" "$R2/var/lib/dpkg/updates" &&
		: >"$R2/var/lib/dpkg/status"
	DPKG="dpkg --root=$R2 --force-script-chrootless --force-depends"
	$DPKG -i "$DEB" >"$WORK/dpkg.log" 2>&1
	RC=$?
	if [ "$RC" = 0 ] && [ -x "$R2/usr/bin/kith" ]; then
		pass "dpkg --root installs the package"
	else
		fail "dpkg --root installs the package" "exit: $RC" "$(tail -n 20 "$WORK/dpkg.log")"
	fi
	check_eq "... enabling no unit" \
		"$(cd "$R2" && find etc -name 'kith.service' 2>/dev/null)" ""
	check_match "... and its postinst made the user kith" \
		"$(cat "$R2/etc/passwd" 2>/dev/null)" '^kith:x:[0-9]+:[0-9]+:[^:]*:/var/lib/kith:'
	$DPKG --purge kith >"$WORK/dpkg.log" 2>&1
	check_eq "dpkg --root --purge removes it" "$?" 0
	check_eq "... leaving no file of kith's" \
		"$(cd "$R2" && find . \( -type f -o -type l \) -path '*kith*' \
			! -path './var/lib/dpkg/*')" ""
else
	echo "# not root: the package is unpacked, not installed with dpkg --root"
fi

finish
