#!/bin/sh
# kith demo: a small community of three neighbours in a temporary directory,
# with no network at all.  They post items and wishes, a volunteer carries
# encrypted bundles between them on a "USB stick" (a folder), and at the
# end every replica holds the same state (equal `kith digest`).
set -eu

KITH=${1:-build/kith}
case $KITH in /*) ;; *) KITH=$(pwd)/$KITH ;; esac
[ -x "$KITH" ] || { echo "demo: '$KITH' is not built (run make)" >&2; exit 1; }

DEMO=$(mktemp -d "${TMPDIR:-/tmp}/kith-demo.XXXXXX")
trap 'rm -rf "$DEMO"' EXIT INT TERM
STICK=$DEMO/usb-stick
mkdir -p "$STICK"

amira() { "$KITH" --home "$DEMO/amira" "$@"; }
ben() { "$KITH" --home "$DEMO/ben" "$@"; }
chloe() { "$KITH" --home "$DEMO/chloe" "$@"; }
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Three neighbours make their identities (each on their own machine)"
amira init --name Amira --building "Elm 12" --unit 1 >/dev/null 2>&1
ben init --name Ben --building "Elm 12" --unit 4 >/dev/null 2>&1
chloe init --name "Chloé" --building "Oak 3" --unit 2 >/dev/null 2>&1
chloe profile --skills "nurse, first aid" 2>/dev/null
amira whoami

say "Amira starts the community and hands out the invite code in person"
CODE=$(amira community create "Elm & Oak" 2>/dev/null)
echo "invite code: $CODE"
ben community join "$CODE"
chloe community join "$CODE"

say "They post what they can share and what they need"
LADDER=$(amira item add --title "Aluminium ladder, 3 m" --kind lend \
	--category tools --location "Elm 12 cellar")
amira item add --title "Bottled water" --kind resource --category water \
	--qty 24 --unit bottles --location "Elm 12 hall" >/dev/null
FRIDGE=$(ben wish add --title "Insulin must stay cold" --urgency critical \
	--category medicine --description "Fridge space for 3 days, power is out at Elm 12" \
	--for "Mrs Okafor, unit 6")
ben wish add --title "Help carrying shopping upstairs" --kind service \
	--urgency normal >/dev/null
chloe item add --title "Camping fridge (runs on gas)" --kind lend \
	--category power --location "Oak 3 garage" >/dev/null
echo "Amira's ladder: $LADDER"
echo "Ben's wish:     $FRIDGE"

say "No network: Amira's laptop carries bundles between the buildings"
run amira export "$STICK/amira.kb"
ben export "$STICK/ben.kb" >/dev/null
chloe export "$STICK/chloe.kb" >/dev/null
for who in amira ben chloe; do
	for f in "$STICK"/*.kb; do
		$who import "$f" >/dev/null
	done
done
echo "everyone imported everyone's bundle"

say "Chloé (Oak 3) sees the critical wish first and offers her fridge"
run chloe wish list
CLAIM=$(chloe wish claim "$(echo "$FRIDGE" | cut -c1-8)" --note "gas fridge, I can bring it")
echo "Chloé's claim: $CLAIM"
ben vector "$STICK/ben.vector" 2>/dev/null
run chloe export "$STICK/chloe-2.kb" --since "$STICK/ben.vector"
ben import "$STICK/chloe-2.kb"

say "Amira, the coordinator, has met Ben and Chloé: their hours will count"
run amira member verify Ben --building "Elm 12" --unit 4
amira member verify "Chloé" --building "Oak 3" --unit 2 2>/dev/null

say "Ben accepts, Chloé delivers, Ben confirms two hours of help"
ben wish accept "$(echo "$CLAIM" | cut -c1-8)" 2>/dev/null
chloe wish deliver "$(echo "$CLAIM" | cut -c1-8)" 2>/dev/null
ben wish confirm "$(echo "$FRIDGE" | cut -c1-8)" --hours 2 2>/dev/null
ben item request "$(echo "$LADDER" | cut -c1-8)" --note "for Saturday" >/dev/null
amira item lend "$(echo "$LADDER" | cut -c1-8)" --to Ben --due 2030-01-31 >/dev/null

say "One more round of bundles"
for who in amira ben chloe; do $who export "$STICK/$who-3.kb" >/dev/null; done
for who in amira ben chloe; do
	for f in "$STICK"/*-3.kb; do $who import "$f" >/dev/null; done
done

say "Everyone now sees the same neighbourhood"
run amira members
run amira item list
run amira wish list --all

say "The same, in Chinese (kith follows the language setting)"
printf '$ LANG=zh_CN.UTF-8 kith wish list --all\n'
LC_ALL= LANGUAGE= LANG=zh_CN.UTF-8 amira wish list --all

say "Replica digests"
DA=$(amira digest 2>/dev/null); DB=$(ben digest 2>/dev/null)
DC=$(chloe digest 2>/dev/null)
amira digest 2>&1 >/dev/null # which community, founded by whom
printf 'Amira %s\nBen   %s\nChloé %s\n' "$DA" "$DB" "$DC"
if [ "$DA" = "$DB" ] && [ "$DB" = "$DC" ]; then
	echo "all three replicas agree"
else
	echo "demo: replicas disagree" >&2
	exit 1
fi
