# tests/browser/lib.sh - what every tests/browser/*.sh wrapper does before
# it runs its Python (tests/browser/lib.py has the browser, the daemons
# and the reporting):
#
#	. "$(dirname "$0")/lib.sh" "$1"      ($1 is the kith binary)
#	browser_run test_login.py
#
# Skips (exit 77) without /usr/bin/python3; lib.py itself skips without
# chromium, chromedriver or selenium (a failure with CI=true).  The
# accessibility engine axe-core (AXE_VERSION) is installed with npm once
# into BUILD/browser-cache (BUILD: the kith binary's directory), never
# into the source tree; without npm or the registry the pages get the
# built-in check instead, and the suite says which one ran.

AXE_VERSION=4.14.1
PY=/usr/bin/python3
BROWSER_DIR=$(cd "$(dirname "$0")" && pwd)

if [ -z "${1:-}" ]; then
	echo "usage: sh $0 /path/to/kith" >&2
	exit 2
fi
KITH=$1
case $KITH in /*) ;; *) KITH=$(pwd)/$KITH ;; esac
[ -x "$PY" ] || { echo "# SKIP $(basename "$0" .sh): needs /usr/bin/python3"; exit 77; }

browser_axe() {
	_cache=$(dirname "$KITH")/browser-cache
	[ -f "$_cache/node_modules/axe-core/axe.min.js" ] && return 0
	command -v npm >/dev/null 2>&1 || return 0
	mkdir -p "$_cache" || return 0
	timeout 120 npm install --prefix "$_cache" --no-audit --no-fund \
		--no-save --prefer-offline "axe-core@$AXE_VERSION" \
		>"$_cache/npm.log" 2>&1 ||
		echo "# npm could not install axe-core (see $_cache/npm.log)"
}

browser_run() {
	browser_axe
	exec "$PY" "$BROWSER_DIR/$1" "$KITH"
}
