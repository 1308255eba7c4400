#!/bin/sh
# tests/run.sh - run the whole test suite and end with one summary line.
#
#   BUILD=build PROP_SEEDS=1000 sh tests/run.sh      (what `make test` does)
#   KITH_TEST_JOBS=1 sh tests/run.sh                 (one program at a time)
#
# The programs, in this order:
#   0. every tests/lint/*.sh script as `sh SCRIPT` (static checks of the
#      source tree, e.g. layers.sh: SQL and SQLite only in crdt/, libsodium
#      only in crdt/crypto.c); each counts as one test, by exit status;
#   1. every $BUILD/tests/test_* program (the cmocka unit tests);
#   2. $BUILD/tests/prop_converge, if it was built, with PROP_FIRST and
#      PROP_SEEDS in its environment (seeds PROP_FIRST..PROP_SEEDS);
#   3. every tests/e2e/*.sh, tests/integration/*.sh (daemons on loopback),
#      tests/netns/*.sh (network namespaces; root), tests/browser/*.sh
#      and tests/pkg/install.sh script as `sh SCRIPT /abs/path/to/$BUILD/kith`:
#      exit 0 passes, 77 is skipped (its last line of output says why),
#      anything else fails.  lib.sh and lib_*.sh are helpers the scripts
#      source, not tests (each suite's lib.sh sources tests/lib.sh, the
#      core they share: checks, counting, `finish` printing the
#      "N passed, N failed" line read below, running kith, TMP_DIR).
#
# Concurrency.  Up to KITH_TEST_JOBS programs (default 3: many of them
# wait on daemons, sleeps and sockets rather than on the CPU) run at once;
# KITH_TEST_JOBS=1 runs them one after another.  Each one's output goes to
# its own log, printed whole once it and every program before it have
# ended, so the output reads as if they ran one after another.  The
# programs share nothing but the CPU: each has its own TMP_DIR under
# TMPDIR, daemons listen on port 0, netns names carry the script's pid.
# The lists below the header (each entry says why) change that:
#   FIRST     start before the rest (the longest ones);
#   SERIAL    run alone, after everything else (in this order);
#   GROUPED   never two of one group at once (beside others, yes);
#   SAN_SKIP  with KITH_SAN=1 (make check) not run, reported as skipped.
# So the order is: FIRST, then the list above minus SERIAL, then SERIAL.

# Counting test cases:
#   - cmocka programs (run with CMOCKA_MESSAGE_OUTPUT=stdout): the sum of
#     their "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" /
#     "[  SKIPPED ] N test(s)" lines;
#   - other programs: their own last "N passed, N failed[, N skipped]"
#     line if they print one, else 1 pass or 1 failure by exit status;
#   - a program that exits non-zero without reporting a failed case (a
#     crash, a sanitizer report, a leak, a timeout) counts one failure.
# After each program's output comes its verdict, wall and CPU time (of
# it and everything it ran): "ok   NAME (N passed)  12s (cpu 3s)", "FAIL
# NAME (...)  ..." or "skip NAME: why  ...".  At the end: the ten slowest
# programs, the totals (wall time, and the sum of the programs' wall and
# CPU times), the failed programs, then, last,
# exactly "N passed, N failed" (", N skipped" added when some were
# skipped).  The exit status is 1 if anything failed or nothing ran,
# else 0.
#
# Environment: BUILD (default build), PROP_FIRST (default 1), PROP_SEEDS
# (default 1000),
# KITH_TEST_JOBS (default 3), TEST_TIMEOUT seconds per program (default
# 900; needs timeout(1)).  Every program runs with TMPDIR set to a
# private directory that is removed at the end, stdin from /dev/null.

cd "$(dirname "$0")/.." || exit 2

BUILD=${BUILD:-build}
PROP_FIRST=${PROP_FIRST:-1}
PROP_SEEDS=${PROP_SEEDS:-1000}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
JOBS=${KITH_TEST_JOBS:-3}
export PROP_FIRST PROP_SEEDS
case $JOBS in
'' | *[!0-9]* | 0)
	echo "tests/run.sh: KITH_TEST_JOBS must be a positive number, not '$JOBS'" >&2
	exit 2
	;;
esac

# Programs that must run alone (SERIAL) or not beside their own kind
# (GROUPED, "NAME:GROUP" words).  Names as printed ("e2e/fulldisk").
#   pkg/install       runs `make install PREFIX=...` on this very $BUILD
#                     tree, which recompiles the catalogues' directory
#                     into $BUILD/kith (Makefile: LOCALEDIR): it relinks
#                     the binary every other script runs, so it runs
#                     alone, and last
#   netns/*           avahi's discovery has to happen within seconds
#                     (mdns.sh's FIND_SECS), with several daemons per
#                     host; a busy CPU beside it is a false failure
#   browser/*         npm installs axe-core once into $BUILD/browser-cache
#                     (two at once would race on it), and two Chromiums
#                     at once are heavy for a small machine
#   integration/faults, lockout, hostile   (group "clock") each holds a
#                     daemon to deadlines while it is flooded or its
#                     links fail (flood.py, proxy.py, stalled handshakes,
#                     all busy in Python); one at a time keeps each one's
#                     deadlines as far from the CPU's limit as before
SERIAL='netns/* pkg/install'
GROUPED='browser/*:browser integration/faults:clock integration/lockout:clock integration/hostile:clock'

# Programs that start first, whatever their place above: the longest,
# most of it spent waiting on the clock (the fault windows of faults.sh,
# lockout.sh's 22 s of attack, hostile.sh's handshake timeouts) or on a
# long loop (the property test's seeds, test_roles' matrix), so that the
# rest runs beside them instead of after them.
FIRST='prop_converge integration/faults integration/lockout integration/hostile test_roles'

# Under the sanitizer build (KITH_SAN=1, make check), programs that are
# not run at all: they run in `make test`, and ASan and UBSan would add
# nothing to them.  Each is reported as skipped, with this reason.
#   pkg/install       the installed file list and modes, which no
#                     sanitizer looks at; and its `make install` would
#                     rebuild the sanitizer tree's kith without the
#                     sanitizer flags
#   e2e/docs          the manual and the bash completion against
#                     `--help`; errors.sh runs every `--help` under the
#                     sanitizers already
SAN_SKIP='pkg/install e2e/docs'

# matches NAME PATTERNS...: whether NAME matches one of the patterns.
matches() {
	_m=$1
	shift
	for _p in "$@"; do
		# shellcheck disable=SC2254 # the words are patterns
		case $_m in $_p) return 0 ;; esac
	done
	return 1
}

# group_of NAME: "serial", a group name, or nothing.
group_of() {
	# shellcheck disable=SC2086
	if matches "$1" $SERIAL; then
		echo serial
		return 0
	fi
	for _g in $GROUPED; do
		# shellcheck disable=SC2254
		case $1 in ${_g%:*}) echo "${_g##*:}" && return 0 ;; esac
	done
}

work=$(mktemp -d "${TMPDIR:-/tmp}/kith-run.XXXXXX") || exit 2
mkdir "$work/tmp" || exit 2

if command -v timeout >/dev/null 2>&1; then
	timeout_cmd="timeout $TEST_TIMEOUT"
else
	timeout_cmd=
fi

# now: seconds since the epoch, with a fraction when date(1) has %N.
now() {
	date +%s.%N 2>/dev/null | sed 's/\.N$//; s/\.\([0-9][0-9]\).*/.\1/'
}

if [ -d "$BUILD" ]; then
	kith="$(cd "$BUILD" && pwd)/kith"
else
	kith="$PWD/$BUILD/kith"
fi

# ---- the list of programs ------------------------------------------------
# Program I (1..n) is J_NAME_I, J_KIND_I (lint, prog, script, or skip: not
# run, see SAN_SKIP), J_PATH_I and J_GROUP_I.  They are listed in the
# order of the top of this file, then reordered: FIRST to the front,
# SERIAL to the end; they start and are printed in that order.

for t in tests/lint/*.sh; do
	[ -f "$t" ] || continue
	echo "lint lint/$(basename "$t" .sh) $t"
done >"$work/list"

nunit=0
for t in "$BUILD"/tests/test_*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then
		continue
	fi
	case $t in *.o | *.d) continue ;; esac
	echo "prog $(basename "$t") $t"
done >>"$work/list"
nunit=$(grep -c '^prog ' "$work/list")

if [ -x "$BUILD/tests/prop_converge" ]; then
	echo "prog prop_converge $BUILD/tests/prop_converge" >>"$work/list"
fi

for t in tests/e2e/*.sh tests/integration/*.sh tests/netns/*.sh tests/browser/*.sh tests/pkg/install.sh; do
	[ -f "$t" ] || continue
	case $(basename "$t") in lib.sh | lib_*.sh) continue ;; esac
	echo "script $(basename "$(dirname "$t")")/$(basename "$t" .sh) $t"
done >>"$work/list"

n=0
add() {
	n=$((n + 1))
	_g=$(group_of "$2")
	_k=$1
	# shellcheck disable=SC2086
	if [ "${KITH_SAN:-}" = 1 ] && matches "$2" $SAN_SKIP; then
		_k=skip
	fi
	eval "J_KIND_$n=\$_k J_NAME_$n=\$2 J_PATH_$n=\$3 J_GROUP_$n=\$_g"
}
for _f in $FIRST; do
	while read -r _kind _name _path; do
		[ "$_name" = "$_f" ] && add "$_kind" "$_name" "$_path"
	done <"$work/list"
done
while read -r _kind _name _path; do
	# shellcheck disable=SC2086
	matches "$_name" $FIRST $SERIAL || add "$_kind" "$_name" "$_path"
done <"$work/list"
for _s in $SERIAL; do
	while read -r _kind _name _path; do
		# shellcheck disable=SC2254
		case $_name in $_s) add "$_kind" "$_name" "$_path" ;; esac
	done <"$work/list"
done

if [ "$nunit" -eq 0 ]; then
	echo "tests/run.sh: no unit tests in $BUILD/tests (build them first)"
fi

# ---- running them ----------------------------------------------------------

# start I: run program I in the background; when it ends, $work/I.rc
# holds its exit status and $work/I.secs its wall time.
start() {
	eval "_kind=\$J_KIND_$1 _path=\$J_PATH_$1"
	case $_kind in
	lint) set -- "$1" sh "$_path" ;;
	prog) set -- "$1" "$_path" ;;
	script) set -- "$1" sh "$_path" "$kith" ;;
	skip)
		echo "# SKIP under the sanitizers: runs in make test (tests/run.sh: SAN_SKIP)" >"$work/$1.log"
		echo 0 >"$work/$1.secs"
		echo 0 >"$work/$1.cpu"
		echo 77 >"$work/$1.rc"
		eval "J_PID_$1=none"
		return 0
		;;
	esac
	(
		_i=$1
		shift
		_t0=$(now)
		# shellcheck disable=SC2086
		TMPDIR="$work/tmp" CMOCKA_MESSAGE_OUTPUT=stdout $timeout_cmd "$@" \
			>"$work/$_i.log" 2>&1 </dev/null &
		_pid=$!
		# the runner interrupted: pass it on (timeout(1) passes it on again)
		trap 'kill -TERM $_pid 2>/dev/null' TERM
		while :; do
			wait "$_pid"
			_st=$?
			kill -0 "$_pid" 2>/dev/null || break
		done
		# CPU time of everything it ran (the second line of `times`,
		# which must run in this shell, not in a $(...))
		times >"$work/$_i.times"
		echo "$_t0 $(now)" | awk '{ printf "%.0f\n", $2 - $1 }' >"$work/$_i.secs"
		awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/)
			c += t[1] * 60 + t[2] } } END { printf "%.0f\n", c }' \
			"$work/$_i.times" >"$work/$_i.cpu"
		echo "$_st" >"$work/$_i.rc.new" && mv "$work/$_i.rc.new" "$work/$_i.rc"
	) &
	eval "J_PID_$1=\$!"
}

pids_running() {
	for _i in $waiting; do
		[ -f "$work/$_i.rc" ] || eval "printf '%s ' \"\$J_PID_$_i\""
	done
}

stop_all() {
	# shellcheck disable=SC2046
	kill -TERM $(pids_running) 2>/dev/null
	wait
	rm -rf "$work"
}
next=1
waiting=
trap 'rm -rf "$work"' EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

passed=0
failed=0
skipped=0
failed_names=

# sum_lines PATTERN FILE: add up the numbers captured by a sed pattern.
sum_lines() {
	sed -n "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'
}

# tally NAME LOGFILE STATUS SECS: count one program's results.
tally() {
	name=$1 log=$2 status=$3 tm=$4
	p=0 f=0 s=0
	if [ "$status" -eq 77 ] && [ "$J_KIND" != lint ] && [ "$J_KIND" != prog ]; then
		why=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
		echo "skip $name: ${why:-no reason given}  $tm"
		skipped=$((skipped + 1))
		return 0
	fi
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
		echo "FAIL $name ($p passed, $f failed)  $tm"
	else
		echo "ok   $name ($p passed)  $tm"
	fi
}

# can_start I: whether program I may start now, with R programs running.
can_start() {
	eval "_g=\$J_GROUP_$1"
	[ "$running" -lt "$JOBS" ] || return 1
	[ "$serial_on" = 0 ] || return 1
	case $_g in
	'') return 0 ;;
	serial) [ "$running" -eq 0 ] ;;
	*) case " $groups_on " in *" $_g "*) return 1 ;; esac ;;
	esac
}

: >"$work/times"
t_start=$(now)
printed=1
running=0
serial_on=0
groups_on=
while [ "$printed" -le "$n" ]; do
	busy=0
	# reap: programs that ended free their slot (and group)
	_left=
	for i in $waiting; do
		if [ -f "$work/$i.rc" ]; then
			running=$((running - 1))
			eval "_g=\$J_GROUP_$i"
			case $_g in
			'') ;;
			serial) serial_on=0 ;;
			*) groups_on=$(echo " $groups_on " | sed "s/ $_g / /; s/^ *//; s/ *$//") ;;
			esac
			busy=1
		else
			_left="$_left $i"
		fi
	done
	waiting=$_left
	# start: in list order; one kept out by its group lets the next
	# ones go first (the serial ones come last and wait for the rest)
	while [ "$next" -le "$n" ] && eval "[ -n \"\${J_PID_$next:-}\" ]"; do
		next=$((next + 1))
	done
	i=$next
	while [ "$i" -le "$n" ] && [ "$running" -lt "$JOBS" ]; do
		eval "_started=\${J_PID_$i:-} _g=\$J_GROUP_$i"
		if [ -z "$_started" ]; then
			if can_start "$i"; then
				start "$i"
				running=$((running + 1))
				waiting="$waiting $i"
				case $_g in
				'') ;;
				serial) serial_on=1 ;;
				*) groups_on="$groups_on $_g" ;;
				esac
				busy=1
			elif [ "$_g" = serial ] || [ "$serial_on" = 1 ]; then
				break
			fi
		fi
		i=$((i + 1))
	done
	# print: every ended program whose predecessors were printed
	while [ "$printed" -le "$n" ] && [ -f "$work/$printed.rc" ]; do
		eval "name=\$J_NAME_$printed J_KIND=\$J_KIND_$printed"
		st=$(cat "$work/$printed.rc")
		secs=$(cat "$work/$printed.secs")
		cpu=$(cat "$work/$printed.cpu")
		echo "== $name"
		cat "$work/$printed.log"
		tally "$name" "$work/$printed.log" "$st" "${secs}s (cpu ${cpu}s)"
		echo "$secs $cpu $name" >>"$work/times"
		printed=$((printed + 1))
		busy=1
	done
	[ "$busy" = 1 ] || sleep 0.1 2>/dev/null || sleep 1
done
wait

echo "slowest:"
sort -rn "$work/times" | head -n 10 |
	awk '{ printf "  %-32s %5ss  (cpu %ss)\n", $3, $1, $2 }'
awk -v wall="$(echo "$t_start $(now)" | awk '{ printf "%.0f", $2 - $1 }')" \
	-v jobs="$JOBS" '{ w += $1; c += $2 }
	END { printf "%d programs in %ds, %d jobs at once (one after another: %ds; cpu %ds)\n",
		NR, wall, jobs, w, c }' "$work/times"
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
