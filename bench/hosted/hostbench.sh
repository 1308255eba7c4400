#!/bin/sh
# hostbench.sh BUILD [--quick] - a building's machine hosting neighbours
# without a device (action/hosted.h), timed against its own member.
#
#   sh bench/hosted/hostbench.sh build          # 1,000 hosted (~1 min)
#   sh bench/hosted/hostbench.sh build --quick  # 100 hosted
#
# One data directory: Ben's, who creates a community and hosts N
# neighbours (`kith member host`, each a key file encrypted under Ben's
# identity and a signed profile).  Then, in turn so that load from other
# processes hurts both alike, R times each: `kith wish add` as Ben (the
# baseline: the same process, the same write, his own key) and `kith --as
# NAME wish add` for a random neighbour (finding her among the N, opening
# her key, writing her change with her head file).  Prints the wall time
# of one command at the 50th and 99th percentile and the ratio to the
# baseline, then `kith member hosted` (listing all N) once.  Loopback
# nothing: no network at all.
build=${1:-build}
[ $# -gt 0 ] && shift
N=1000
R=60
[ "${1:-}" = --quick ] && N=100 && R=20
KITH=$build/kith
[ -x "$KITH" ] || { echo "hostbench: '$KITH' not found (run make)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/kith-hostbench.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM
H=$W/ben

now_ms() { date +%s%3N; }

"$KITH" --home "$H" init --name Ben >/dev/null 2>&1 &&
	"$KITH" --home "$H" community create Bench >/dev/null 2>&1 ||
	{ echo "hostbench: cannot set up Ben" >&2; exit 1; }
t0=$(now_ms)
i=1
while [ $i -le $N ]; do
	"$KITH" --home "$H" member host --name "Neighbour $i" \
		--building "B$((i % 40))" --unit "$i" >/dev/null 2>&1 ||
		{ echo "hostbench: member host $i failed" >&2; exit 1; }
	i=$((i + 1))
done
t1=$(now_ms)
host_ms=$(( (t1 - t0) / N ))

: >"$W/own"
: >"$W/as"
seed=7
i=1
while [ $i -le $R ]; do
	a=$(now_ms)
	"$KITH" --home "$H" wish add --title "own $i" >/dev/null 2>&1 ||
		{ echo "hostbench: wish add failed" >&2; exit 1; }
	b=$(now_ms)
	echo $((b - a)) >>"$W/own"
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	n=$(( seed % N + 1 ))
	a=$(now_ms)
	"$KITH" --home "$H" --as "Neighbour $n" wish add --title "for $n" \
		>/dev/null 2>&1 ||
		{ echo "hostbench: --as 'Neighbour $n' wish add failed" >&2; exit 1; }
	b=$(now_ms)
	echo $((b - a)) >>"$W/as"
	i=$((i + 1))
done
a=$(now_ms)
"$KITH" --home "$H" member hosted >/dev/null 2>&1 ||
	{ echo "hostbench: member hosted failed" >&2; exit 1; }
list_ms=$(( $(now_ms) - a ))

pct() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
	i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print v[i] }'; }
o50=$(pct "$W/own" 50); o99=$(pct "$W/own" 99)
a50=$(pct "$W/as" 50); a99=$(pct "$W/as" 99)
echo "hosted neighbours on one machine: $N hosted, $R commands of each kind"
printf '%-44s %8s %8s %8s\n' "command (wall ms per process)" p50 p99 "x base"
printf '%-44s %8s %8s %8s\n' "wish add as Ben (baseline)" "$o50" "$o99" 1.00
printf '%-44s %8s %8s %8s\n' "--as NEIGHBOUR wish add (among $N)" "$a50" "$a99" \
	"$(awk -v a="$a50" -v b="$o50" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
printf '%-44s %8s\n' "member host (mean)" "$host_ms"
printf '%-44s %8s\n' "member hosted (lists all $N)" "$list_ms"
