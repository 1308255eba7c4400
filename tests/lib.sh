# tests/lib.sh - the core every shell test suite shares (POSIX sh): counting
# and reporting checks, running kith, a temporary directory cleaned at exit.
#
# Not sourced by the scripts themselves but by their suite's library,
# which adds what only that suite needs:
#   tests/e2e/lib.sh          one-shot commands: output captured, JSON,
#                             error shapes, members, bundles, snapshots
#   tests/integration/lib.sh  daemons on loopback: start, ports, convergence
#   tests/netns/lib.sh        network namespaces, dbus and avahi per host
# A suite's lib.sh starts with
#	. "$(dirname "$0")/../lib.sh"
# (every test script lives one level below tests/, and $0 is the script).
# No function here is defined again in a suite's library.
#
# Reporting.  Every check prints one TAP-style line, "ok N - what" or "not
# ok N - what" followed by "#   " lines with the details.  `finish` prints
# the totals and, last, the line "N passed, N failed" that tests/run.sh
# counts, then exits 0 when every check passed, 1 otherwise.  `skip
# REASON` exits 77 (tests/run.sh: skipped; its last line says why).
#
#   pass DESC                   one check passed
#   fail DESC [DETAIL...]       one check failed; each DETAIL is printed
#   check DESC CMD...           passes when CMD exits 0
#   check_eq DESC GOT WANT      ... when the strings are equal
#   check_ne DESC A B           ... when they differ
#   check_match DESC TEXT ERE   ... when TEXT matches ERE (grep -E)
#   check_nomatch DESC TEXT ERE ... when it does not
#   finish                      totals, exit status
#   skip REASON                 exit 77
#
# Running kith.  A NODE names a data directory: "-" is none (no --home),
# a path with a "/" is itself, any other word is "$K_HOMES/NODE$K_HOME_SUFFIX"
# (the suite sets K_HOMES; integration: $WORK/a, netns: $KT_DIR/a/home).
# When NOW is set, kith runs with KITH_NOW=$NOW (a fixed clock).
#
#   need_kith PATH              KITH=PATH made absolute; exits when it is
#                               not an executable ("not ok 1 - ...")
#   k NODE ARGS...              run kith, capture: sets RC, OUT, ERR (and
#                               the files $TMP_DIR/out, $TMP_DIR/err);
#                               stdin is /dev/null (or the file
#                               $K_STDIN names); always returns 0.  A
#                               sanitizer report on stderr is counted
#                               (LIB_SAN) and shown
#   kith_at NODE ARGS...        run kith with its own stdout and stderr
#                               (for pipes and $(...)); returns its status
#   last                        the last k command, its status and output
#   digest NODE                 the replica's digest on stdout
#   wait_for SECONDS CMD...     poll CMD every 0.2 s until it succeeds (0),
#                               or 1 after SECONDS
#
# Files.  TMP_DIR (mktemp -d under $TMPDIR) is removed at exit, after the
# commands given to `at_exit CMD` ran (in that order); with KEEP=1 it is
# kept and its path printed.
#
# Set by a suite: LIB_SAN_CHECK=1 makes `finish` add the check "no
# sanitizer reports from any kith run" (e2e; it counts as one check).

LIB_NAME=$(basename "$0" .sh)
LIB_SUITE=$(basename "$(cd "$(dirname "$0")" && pwd)")
LIB_N=0
LIB_FAILED=0
LIB_SAN=0
LIB_SAN_CHECK=0
LIB_AT_EXIT=
K_HOMES=
K_HOME_SUFFIX=
NOW=
KITH=${KITH:-}

# ---- reporting -----------------------------------------------------------

pass() {
	LIB_N=$((LIB_N + 1))
	echo "ok $LIB_N - $*"
}

fail() {
	LIB_N=$((LIB_N + 1))
	LIB_FAILED=$((LIB_FAILED + 1))
	echo "not ok $LIB_N - $1"
	shift
	for _lib_l in "$@"; do
		printf '%s\n' "$_lib_l" | sed 's/^/#   /'
	done
}

skip() {
	echo "# SKIP $LIB_NAME: $*"
	exit 77
}

finish() {
	if [ "$LIB_SAN_CHECK" = 1 ]; then
		check_eq "no sanitizer reports from any kith run" "$LIB_SAN" 0
	fi
	if [ "$LIB_FAILED" -eq 0 ]; then
		echo "# $LIB_NAME: all $LIB_N checks passed"
	else
		echo "# $LIB_NAME: $LIB_FAILED of $LIB_N checks failed"
	fi
	echo "$((LIB_N - LIB_FAILED)) passed, $LIB_FAILED failed"
	[ "$LIB_FAILED" -eq 0 ] && exit 0
	exit 1
}

check() {
	_lib_d=$1
	shift
	if "$@"; then
		pass "$_lib_d"
	else
		fail "$_lib_d" "failed: $*"
	fi
}

check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got:      '$2'" "expected: '$3'"
	fi
}

check_ne() {
	if [ "$2" != "$3" ]; then
		pass "$1"
	else
		fail "$1" "both are '$2'"
	fi
}

check_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1" "text does not match /$3/:" "$2"
	fi
}

check_nomatch() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		fail "$1" "text matches /$3/:" "$2"
	else
		pass "$1"
	fi
}

# ---- files ---------------------------------------------------------------

at_exit() {
	LIB_AT_EXIT="$LIB_AT_EXIT
$*"
}

lib_exit() {
	eval "$LIB_AT_EXIT"
	if [ -n "${KEEP:-}" ]; then
		echo "# files kept in $TMP_DIR"
	else
		rm -rf "$TMP_DIR"
	fi
}

TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kith-$LIB_SUITE-$LIB_NAME.XXXXXX") ||
	exit 1
trap 'lib_exit' EXIT
trap 'exit 130' INT HUP
trap 'exit 143' TERM

# ---- running kith --------------------------------------------------------

need_kith() {
	KITH=${1:-}
	if [ -z "$KITH" ]; then
		echo "usage: sh $0 /path/to/kith" >&2
		exit 2
	fi
	case $KITH in
	/*) ;;
	*) KITH=$(pwd)/$KITH ;;
	esac
	if [ ! -x "$KITH" ]; then
		echo "not ok 1 - kith binary '$KITH' exists and is executable"
		exit 1
	fi
}

# lib_home NODE: LIB_HOME becomes NODE's data directory ("" for none).
lib_home() {
	case $1 in
	-) LIB_HOME= ;;
	*/*) LIB_HOME=$1 ;;
	*) LIB_HOME=$K_HOMES/$1$K_HOME_SUFFIX ;;
	esac
}

k() {
	lib_home "$1"
	_lib_node=$1
	shift
	LAST="${NOW:+KITH_NOW=$NOW }$KITH${LIB_HOME:+ --home $LIB_HOME} $*"
	kith_at "$_lib_node" "$@" >"$TMP_DIR/out" 2>"$TMP_DIR/err" <"${K_STDIN:-/dev/null}"
	RC=$?
	# shellcheck disable=SC2034 # OUT and ERR are for the scripts
	OUT=$(cat "$TMP_DIR/out")
	# shellcheck disable=SC2034
	ERR=$(cat "$TMP_DIR/err")
	# a sanitizer build (make check) reports on stderr; count every report
	if grep -Eq 'Sanitizer|runtime error:' "$TMP_DIR/err"; then
		LIB_SAN=$((LIB_SAN + 1))
		echo "# sanitizer report from: $LAST"
		head -n 20 "$TMP_DIR/err" | sed 's/^/#   /'
	fi
	return 0
}

kith_at() {
	lib_home "$1"
	shift
	if [ -n "$LIB_HOME" ]; then
		set -- "$KITH" --home "$LIB_HOME" "$@"
	else
		set -- "$KITH" "$@"
	fi
	if [ -n "$NOW" ]; then
		KITH_NOW=$NOW "$@"
	else
		"$@"
	fi
}

last() {
	printf '%s\n' "command: $LAST" "exit: $RC"
	[ -s "$TMP_DIR/out" ] && { echo "stdout:"; head -n 8 "$TMP_DIR/out"; }
	[ -s "$TMP_DIR/err" ] && { echo "stderr:"; head -n 8 "$TMP_DIR/err"; }
	return 0
}

digest() {
	kith_at "$1" digest 2>/dev/null
}

wait_for() {
	_lib_wf=$(($1 * 5))
	shift
	while [ "$_lib_wf" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		_lib_wf=$((_lib_wf - 1))
	done
	return 1
}
