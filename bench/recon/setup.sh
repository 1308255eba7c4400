#!/bin/sh
# setup.sh - install nostr-tools (negentropy, NIP-77) for
# bench/recon/negentropy.mjs into bench/recon/node_modules.
# Quiet and idempotent.  Always exits 0: recon_bench runs without it and
# prints n/a in the negentropy columns.
cd "$(dirname "$0")" || exit 0

stamp=node_modules/.package-lock.json	# written by npm after each install
if [ -f "$stamp" ] && [ ! "$stamp" -ot package.json ] &&
   { [ ! -f package-lock.json ] || [ ! "$stamp" -ot package-lock.json ]; }; then
	exit 0	# already installed and up to date
fi

if ! command -v npm >/dev/null 2>&1; then
	echo "bench/recon: npm not found; skipping the negentropy comparison" >&2
	exit 0
fi

if [ -f package-lock.json ]; then cmd=ci; else cmd=install; fi
if ! log=$(npm "$cmd" --no-audit --no-fund --loglevel=error 2>&1); then
	printf '%s\n' "$log" | tail -n 5 >&2
	echo "bench/recon: npm $cmd failed; skipping the negentropy comparison" >&2
fi
exit 0
