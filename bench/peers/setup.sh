#!/bin/sh
# setup.sh - install the Automerge/Yjs peers for bench/peers/edits.mjs.
# Quiet and idempotent.  Always exits 0: the C bench runs without the peers.
cd "$(dirname "$0")" || exit 0

stamp=node_modules/.package-lock.json	# written by npm after each install
if [ -f "$stamp" ] && [ ! "$stamp" -ot package.json ] &&
   { [ ! -f package-lock.json ] || [ ! "$stamp" -ot package-lock.json ]; }; then
	exit 0	# already installed and up to date
fi

if ! command -v npm >/dev/null 2>&1; then
	echo "bench/peers: npm not found; skipping Automerge/Yjs comparison" >&2
	exit 0
fi

if [ -f package-lock.json ]; then cmd=ci; else cmd=install; fi
if ! log=$(npm "$cmd" --no-audit --no-fund --loglevel=error 2>&1); then
	printf '%s\n' "$log" | tail -n 5 >&2
	echo "bench/peers: npm $cmd failed; skipping Automerge/Yjs comparison" >&2
fi
exit 0
