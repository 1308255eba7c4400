#!/bin/sh
# tests/run.sh - run the whole test suite and end with one summary line.
#
#   BUILD=build PROP_SEEDS=1000 sh tests/run.sh      (what `make test` does)
#
# Runs, in this order:
#   0. every tests/lint/*.sh script as `sh SCRIPT` (static checks of the
#      source tree, e.g. layers.sh: SQL and SQLite only in crdt/, libsodium
#      only in crdt/crypto.c); each counts as one test, by exit status;
#   1. every $BUILD/tests/test_* program (the cmocka unit tests);
#   2. $BUILD/tests/prop_converge, if it was built, with PROP_SEEDS in its
#      environment;
#   3. every tests/e2e/*.sh, tests/integration/*.sh (daemons on loopback)
#      and tests/netns/*.sh (network namespaces; root) script as
#      `sh SCRIPT /abs/path/to/$BUILD/kith`:
#      exit 0 passes, 77 is skipped (its last line of output says why),
#      anything else fails.  lib.sh and lib_*.sh are helpers the scripts
#      source, not tests (each suite's lib.sh sources tests/lib.sh, the
#      core they share: checks, counting, `finish` printing the
#      "N passed, N failed" line read below, running kith, TMP_DIR).
#
# Counting test cases:
#   - cmocka programs (run with CMOCKA_MESSAGE_OUTPUT=stdout): the sum of
#     their "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" /
#     "[  SKIPPED ] N test(s)" lines;
#   - other programs: their own last "N passed, N failed[, N skipped]"
#     line if they print one, else 1 pass or 1 failure by exit status;
#   - a program that exits non-zero without reporting a failed case (a
#     crash, a sanitizer report, a leak, a timeout) counts one failure.
# Failed programs are listed.  The last line printed is exactly
# "N passed, N failed" (", N skipped" added when some were skipped).  The
# exit status is 1 if anything failed or nothing ran, else 0.
#
# Environment: BUILD (default build), PROP_SEEDS (default 1000),
# TEST_TIMEOUT seconds per program (default 900; needs timeout(1)).
# Every program runs with TMPDIR set to a private directory that is
# removed at the end.

cd "$(dirname "$0")/.." || exit 2

BUILD=${BUILD:-build}
PROP_SEEDS=${PROP_SEEDS:-1000}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
export PROP_SEEDS

work=$(mktemp -d "${TMPDIR:-/tmp}/kith-run.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'rm -rf "$work"; exit 130' INT TERM
mkdir "$work/tmp" || exit 2

if command -v timeout >/dev/null 2>&1; then
	timeout_cmd="timeout $TEST_TIMEOUT"
else
	timeout_cmd=
fi

passed=0
failed=0
skipped=0
failed_names=

# sum_lines PATTERN FILE: add up the numbers captured by a sed pattern.
sum_lines() {
	sed -n "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'
}

# tally NAME LOGFILE STATUS: count one program's results.
tally() {
	name=$1 log=$2 status=$3
	p=0 f=0 s=0
	if grep -q '^\[==========\] Running' "$log"; then
		p=$(sum_lines 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$log")
		f=$(sum_lines 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$log")
		s=$(sum_lines 's/^\[  SKIPPED \] \([0-9][0-9]*\) test(s).*/\1/p' "$log")
	else
		own=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
		if [ -n "$own" ]; then
			p=$(echo "$own" | sed 's/^\([0-9]*\) passed.*/\1/')
			f=$(echo "$own" | sed 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/')
			case $own in
			*skipped) s=$(echo "$own" | sed 's/.*failed, \([0-9]*\) skipped$/\1/') ;;
			esac
		elif [ "$status" -eq 0 ]; then
			p=1
		fi
	fi
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "$name: exited with status $status"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		failed_names="$failed_names $name"
		echo "FAIL $name ($p passed, $f failed)"
	else
		echo "ok   $name ($p passed)"
	fi
}

# run NAME COMMAND...: run a program with its output in a log, then tally.
run() {
	name=$1
	shift
	log="$work/$(printf '%s' "$name" | tr / -).log"
	echo "== $name"
	# shellcheck disable=SC2086
	TMPDIR="$work/tmp" CMOCKA_MESSAGE_OUTPUT=stdout $timeout_cmd "$@" \
		>"$log" 2>&1
	status=$?
	cat "$log"
	tally "$name" "$log" "$status"
}

for t in tests/lint/*.sh; do
	[ -f "$t" ] || continue
	run "lint/$(basename "$t" .sh)" sh "$t"
done

nunit=0
for t in "$BUILD"/tests/test_*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then
		continue
	fi
	case $t in *.o | *.d) continue ;; esac
	nunit=$((nunit + 1))
	run "$(basename "$t")" "$t"
done
if [ "$nunit" -eq 0 ]; then
	echo "tests/run.sh: no unit tests in $BUILD/tests (build them first)"
fi

if [ -x "$BUILD/tests/prop_converge" ]; then
	run prop_converge "$BUILD/tests/prop_converge"
fi

if [ -d "$BUILD" ]; then
	kith="$(cd "$BUILD" && pwd)/kith"
else
	kith="$PWD/$BUILD/kith"
fi
for t in tests/e2e/*.sh tests/integration/*.sh tests/netns/*.sh tests/browser/*.sh tests/pkg/install.sh; do
	[ -f "$t" ] || continue
	case $(basename "$t") in lib.sh | lib_*.sh) continue ;; esac
	dir=$(basename "$(dirname "$t")")
	name="$dir/$(basename "$t" .sh)"
	log="$work/$dir-$(basename "$t").log"
	echo "== $name"
	# shellcheck disable=SC2086
	TMPDIR="$work/tmp" $timeout_cmd sh "$t" "$kith" >"$log" 2>&1
	status=$?
	cat "$log"
	if [ "$status" -eq 77 ]; then
		why=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
		echo "skip $name: ${why:-no reason given}"
		skipped=$((skipped + 1))
		continue
	fi
	tally "$name" "$log" "$status"
done

if [ -n "$failed_names" ]; then
	echo "failed:$failed_names"
fi
if [ $((passed + failed)) -eq 0 ]; then
	echo "tests/run.sh: nothing ran"
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ $((passed + failed)) -gt 0 ]
