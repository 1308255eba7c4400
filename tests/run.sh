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
#   2. $BUILD/tests/prop_converge, if it was built, with PROP_SEEDS in its
#      environment;
#   3. every tests/e2e/*.sh, tests/integration/*.sh (daemons on loopback),
#      tests/netns/*.sh (network namespaces; root), tests/browser/*.sh
#      and tests/pkg/install.sh script as `sh SCRIPT /abs/path/to/$BUILD/kith`:
#      exit 0 passes, 77 is skipped (its last line of output says why),
#      anything else fails.  lib.sh and lib_*.sh are helpers the scripts
#      source, not tests (each suite's lib.sh sources tests/lib.sh, the
#      core they share: checks, counting, `finish` printing the
#      "N passed, N failed" line read below, running kith, TMP_DIR).
#
# Concurrency.  Up to KITH_TEST_JOBS programs (default 3: most of them
# wait on daemons, sleeps and sockets more than on the CPU) run at once.
# Each one's output goes to its own log, printed whole, in the order
# above, once it and every program before it have ended; so the output
# reads as if they ran one after another.  The programs share nothing
# but the CPU: each has its own TMP_DIR under TMPDIR, daemons listen on
# port 0, netns names carry the script's pid.  Exceptions, in SERIAL and
# GROUPED below:
#   - a SERIAL program runs alone, after everything before it has ended
#     and before anything after it starts (they run last);
#   - programs of one GROUP never run at the same time as each other
#     (they may run beside programs of other groups).
# A program that needs one of these says why next to its name below.
#
# Counting test cases:
#   - cmocka programs (run with CMOCKA_MESSAGE_OUTPUT=stdout): the sum of
#     their "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" /
#     "[  SKIPPED ] N test(s)" lines;
#   - other programs: their own last "N passed, N failed[, N skipped]"
#     line if they print one, else 1 pass or 1 failure by exit status;
#   - a program that exits non-zero without reporting a failed case (a
#     crash, a sanitizer report, a leak, a timeout) counts one failure.
# After each program's output comes its verdict and wall time, "ok   NAME
# (N passed)  12s" or "FAIL NAME (...)  12s" or "skip NAME: why  12s".
# At the end: the ten slowest programs, the failed ones, then, last,
# exactly "N passed, N failed" (", N skipped" added when some were
# skipped).  The exit status is 1 if anything failed or nothing ran,
# else 0.
#
# Environment: BUILD (default build), PROP_SEEDS (default 1000),
# KITH_TEST_JOBS (default 3), TEST_TIMEOUT seconds per program (default
# 900; needs timeout(1)).  Every program runs with TMPDIR set to a
# private directory that is removed at the end, stdin from /dev/null.

cd "$(dirname "$0")/.." || exit 2

BUILD=${BUILD:-build}
PROP_SEEDS=${PROP_SEEDS:-1000}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
JOBS=${KITH_TEST_JOBS:-3}
export PROP_SEEDS
case $JOBS in
'' | *[!0-9]* | 0)
	echo "tests/run.sh: KITH_TEST_JOBS must be a positive number, not '$JOBS'" >&2
	exit 2
	;;
esac

# Programs that must run alone (SERIAL) or not beside their own kind
# (GROUPED, "NAME:GROUP" words).  Names as printed ("e2e/fulldisk").
#   pkg/install       runs `make install` on this very $BUILD tree; were
#                     anything out of date, make would rewrite the
#                     binaries the other programs are running
#   netns/*           avahi's discovery has to happen within seconds
#                     (mdns.sh's FIND_SECS), with several daemons per
#                     host; a busy CPU beside it is a false failure
#   browser/*         npm installs axe-core once into $BUILD/browser-cache
#                     (two at once would race on it), and two Chromiums
#                     at once are heavy for a small machine
SERIAL='pkg/install netns/*'
GROUPED='browser/*:browser'

# group_of NAME: "serial", a group name, or nothing.
group_of() {
	for _p in $SERIAL; do
		# shellcheck disable=SC2254 # the words are patterns
		case $1 in $_p) echo serial && return 0 ;; esac
	done
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
# Program I (1..n) is J_NAME_I, J_KIND_I (lint, prog or script), J_PATH_I
# and J_GROUP_I; the SERIAL ones are moved to the end.

n=0
add() {
	n=$((n + 1))
	eval "J_NAME_$n=\$1 J_KIND_$n=\$2 J_PATH_$n=\$3 J_GROUP_$n=\$4"
}

# add_all KIND: add the programs listed on stdin ("name path"), the
# serial ones kept aside in $work/serial for the end.
: >"$work/serial"
add_all() {
	while read -r _name _path; do
		_g=$(group_of "$_name")
		if [ "$_g" = serial ]; then
			echo "$1 $_name $_path" >>"$work/serial"
		else
			add "$_name" "$1" "$_path" "$_g"
		fi
	done
}

for t in tests/lint/*.sh; do
	[ -f "$t" ] || continue
	echo "lint/$(basename "$t" .sh) $t"
done >"$work/list"
add_all lint <"$work/list"

nunit=0
for t in "$BUILD"/tests/test_*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then
		continue
	fi
	case $t in *.o | *.d) continue ;; esac
	nunit=$((nunit + 1))
	echo "$(basename "$t") $t"
done >"$work/list"
nunit=$(wc -l <"$work/list" | tr -d ' ')
add_all prog <"$work/list"

if [ -x "$BUILD/tests/prop_converge" ]; then
	echo "prop_converge $BUILD/tests/prop_converge" >"$work/list"
	add_all prog <"$work/list"
fi

for t in tests/e2e/*.sh tests/integration/*.sh tests/netns/*.sh tests/browser/*.sh tests/pkg/install.sh; do
	[ -f "$t" ] || continue
	case $(basename "$t") in lib.sh | lib_*.sh) continue ;; esac
	echo "$(basename "$(dirname "$t")")/$(basename "$t" .sh) $t"
done >"$work/list"
add_all script <"$work/list"

while read -r _kind _name _path; do
	add "$_name" "$_kind" "$_path" serial
done <"$work/serial"

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
	if [ "$status" -eq 77 ] && [ "$J_KIND" = script ]; then
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
