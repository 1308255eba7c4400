#!/bin/sh
# install.sh - `make install` and `make uninstall` install and remove
# exactly kith's files, and what they install works.
#
#   sh tests/pkg/install.sh /abs/path/to/BUILD/kith    (as tests/run.sh does)
#
# With the build that holds that binary (nothing is rebuilt when it is up to
# date), into throwaway directories:
#   - make install DESTDIR=D PREFIX=/usr: the exact list of files and their
#     modes; the installed kith --version says "kith VERSION" as
#     dist/version.sh derives it; debian/changelog's version is VERSION;
#   - man -l renders kith(1) and kith-daemon(8) with no warning;
#   - the bash completion is valid bash;
#   - make install PREFIX=P (no DESTDIR): the units name P/bin/kith, and
#     systemd-analyze verify accepts both (when systemd-analyze is there);
#   - make uninstall with the same DESTDIR/PREFIX leaves no file behind.

. "$(dirname "$0")/../e2e/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$KITH")
case $BUILD in
"$ROOT"/*) BUILD=${BUILD#"$ROOT"/} ;;
esac
# a make of our own: not the jobserver or the variables of a calling make
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
MAKE=${MAKE:-make}

# mk LOG ARGS...: run make in the tree with BUILD; sets RC.
mk() {
	_log=$1
	shift
	$MAKE -C "$ROOT" --no-print-directory BUILD="$BUILD" "$@" >"$_log" 2>&1
	RC=$?
}

# files DIR: every file and symlink under DIR, as /path, sorted.
files() {
	(cd "$1" && find . -type f -o -type l) | sed 's|^\.||' | LC_ALL=C sort
}

VERSION=$(sed -n '1{s/[[:space:]]//g;p;q}' "$ROOT/VERSION")
WANT_VERSION="kith $(sh "$ROOT/dist/version.sh")"
LINGUAS=$(cat "$ROOT/po/LINGUAS")

# ---- make install DESTDIR=... PREFIX=/usr ------------------------------

D=$TMP_DIR/destdir
mk "$TMP_DIR/install.log" install DESTDIR="$D" PREFIX=/usr
if [ "$RC" != 0 ]; then
	fail "make install DESTDIR PREFIX=/usr exits 0" "$(tail -n 20 "$TMP_DIR/install.log")"
	finish
fi
pass "make install DESTDIR PREFIX=/usr exits 0"
# built for /usr/local by the suite, installed for /usr: the binary must
# look for its catalogues where they were put
check "the installed kith looks for translations in /usr/share/locale" \
	grep -aq '/usr/share/locale' "$D/usr/bin/kith"

{
	echo /usr/bin/kith
	echo /usr/lib/systemd/system/kith.service
	echo /usr/lib/systemd/user/kith.service
	echo /usr/lib/sysusers.d/kith.conf
	echo /usr/share/bash-completion/completions/kith
	for l in $LINGUAS; do
		echo "/usr/share/locale/$l/LC_MESSAGES/kith.mo"
	done
	echo /usr/share/man/man1/kith.1
	echo /usr/share/man/man8/kith-daemon.8
} | LC_ALL=C sort >"$TMP_DIR/want"
check_eq "make install puts exactly kith's files under DESTDIR/usr" \
	"$(files "$D")" "$(cat "$TMP_DIR/want")"

modes=$(cd "$D" && find . -type f -exec stat -c '%a %n' {} + | LC_ALL=C sort)
check_match "the binary is 0755" "$modes" '^755 \./usr/bin/kith$'
check_eq "every other file is 0644" \
	"$(printf '%s\n' "$modes" | grep -v '/usr/bin/kith$' | grep -vc '^644 ')" 0

OUT=$("$D/usr/bin/kith" --version 2>&1)
check_eq "the installed kith --version" "$OUT" "$WANT_VERSION"
OUT=$("$D/usr/bin/kith" version 2>&1)
check_eq "the installed kith version" "$OUT" "$WANT_VERSION"
check_match "... which starts with VERSION" "$OUT" "^kith $VERSION(-|\$)"
CL=$(sed -n '1s/^kith (\([^)]*\)).*/\1/p' "$ROOT/debian/changelog")
check_eq "debian/changelog's version is VERSION" "$CL" "$VERSION"

for m in usr/share/man/man1/kith.1 usr/share/man/man8/kith-daemon.8; do
	if ! command -v man >/dev/null 2>&1; then
		fail "man renders $m" "man is not installed (sudo make deps)"
		continue
	fi
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 \
		-l "$D/$m" >"$TMP_DIR/man.out" 2>"$TMP_DIR/man.err"
	RC=$?
	if [ "$RC" != 0 ] || [ -s "$TMP_DIR/man.err" ] || [ ! -s "$TMP_DIR/man.out" ]; then
		fail "man -l renders $m without warnings" "exit: $RC" \
			"$(head -n 10 "$TMP_DIR/man.err")"
	else
		pass "man -l renders $m without warnings"
	fi
done

if command -v bash >/dev/null 2>&1; then
	if bash -n "$D/usr/share/bash-completion/completions/kith" 2>"$TMP_DIR/bash.err"; then
		pass "the bash completion is valid bash"
	else
		fail "the bash completion is valid bash" "$(cat "$TMP_DIR/bash.err")"
	fi
fi

mk "$TMP_DIR/uninstall.log" uninstall DESTDIR="$D" PREFIX=/usr
check_eq "make uninstall DESTDIR PREFIX=/usr exits 0" "$RC" 0
check_eq "... and leaves no file behind" "$(files "$D")" ""

# ---- make install PREFIX=P: the units name P/bin/kith ------------------

P=$TMP_DIR/prefix
mk "$TMP_DIR/install2.log" install PREFIX="$P"
check_eq "make install PREFIX=P exits 0" "$RC" 0
for u in user system; do
	check_match "the $u unit runs P/bin/kith" \
		"$(grep '^ExecStart=' "$P/lib/systemd/$u/kith.service")" \
		"^ExecStart=$P/bin/kith( |\$)"
done
check_match "the system unit runs as kith in /var/lib/kith" \
	"$(grep -E '^(User|ExecStart)=' "$P/lib/systemd/system/kith.service")" \
	'--home /var/lib/kith daemon'
check_match "the sysusers.d file makes the user kith" \
	"$(cat "$P/lib/sysusers.d/kith.conf")" '^u kith - '

if command -v systemd-analyze >/dev/null 2>&1; then
	# verify checks that the binaries and the man pages named exist:
	# those of P; a user manager wants a runtime directory
	mkdir -p "$TMP_DIR/run" && chmod 700 "$TMP_DIR/run"
	for u in user system; do
		scope=
		[ $u = user ] && scope=--user
		MANPATH=$P/share/man XDG_RUNTIME_DIR=$TMP_DIR/run \
			systemd-analyze $scope verify "$P/lib/systemd/$u/kith.service" \
			>"$TMP_DIR/verify.out" 2>&1
		RC=$?
		if [ "$RC" = 0 ] && [ ! -s "$TMP_DIR/verify.out" ]; then
			pass "systemd-analyze verify accepts the $u unit"
		else
			fail "systemd-analyze verify accepts the $u unit" "exit: $RC" \
				"$(head -n 10 "$TMP_DIR/verify.out")"
		fi
	done
elif [ "${CI:-}" = true ]; then
	fail "systemd-analyze is installed (CI=true; make deps-package)"
else
	echo "# skipped: systemd-analyze is not installed: the units are not verified"
fi

mk "$TMP_DIR/uninstall2.log" uninstall PREFIX="$P"
check_eq "make uninstall PREFIX=P exits 0" "$RC" 0
check_eq "... and leaves no file behind" "$(files "$P")" ""

finish
