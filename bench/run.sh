#!/bin/sh
# run.sh [BUILD [bench options]] - run kith's benchmark and print its table.
#
# Gets Automerge's and Yjs's bytes per single-field edit from
# bench/peers/edits.mjs (installing the packages first when npm is there)
# and hands them to the C bench; without node or the packages the peer
# columns say n/a and everything else still runs.  Extra arguments go to
# the bench (e.g. --quick, --strict); see `BUILD/bench/bench --help`.
build=${1:-build}
[ $# -gt 0 ] && shift
here=$(dirname "$0")
bench=$build/bench/bench

if [ ! -x "$bench" ]; then
	echo "bench: '$bench' not found (run 'make bench')" >&2
	exit 1
fi

# the edits count must match the bench's --edits
edits=1000
prev=
for a in "$@"; do
	[ "$prev" = --edits ] && edits=$a
	prev=$a
done

peers=
if command -v node >/dev/null 2>&1; then
	sh "$here/peers/setup.sh" || true
	peers=$(node "$here/peers/edits.mjs" "$edits" 2>/dev/null | tail -n 1) ||
		peers=
	case $peers in
	'{'*) ;;
	*)
		echo "bench: no Automerge/Yjs figures (bench/peers/edits.mjs failed)" >&2
		peers=
		;;
	esac
else
	echo "bench: node not found; skipping the Automerge/Yjs comparison" >&2
fi

status=0
if [ -n "$peers" ]; then
	"$bench" --peers "$peers" "$@" || status=1
else
	"$bench" "$@" || status=1
fi

# the network: reconciliation cost against negentropy, then daemons on
# loopback (initial sync, propagation, memory)
echo
if command -v node >/dev/null 2>&1; then
	sh "$here/recon/setup.sh" || true
fi
"$build/bench/recon_bench" || status=1
echo
sh "$here/net/netbench.sh" "$build" || echo "bench: network bench could not run" >&2
# community operations on an old-town-sized replica
echo
"$build/bench/ops_bench" --kith "$build/kith" || status=1
# the web app of a daemon holding that town (bench/web/README.md)
echo
quick=
for a in "$@"; do
	[ "$a" = --quick ] && quick=--quick
done
if [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 "$here/web/webbench.py" "$build" $quick || status=1
else
	echo "bench: /usr/bin/python3 not found; skipping the web bench" >&2
fi
# a building's machine hosting neighbours without a device
echo
sh "$here/hosted/hostbench.sh" "$build" $quick || status=1
exit $status
