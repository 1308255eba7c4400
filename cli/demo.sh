#!/bin/sh
# kith demo: a small community of four neighbours, with no network at all.
# They post items and wishes (in English and in Chinese), a volunteer
# carries encrypted bundles between them on a "USB stick" (a folder), and
# every replica ends up holding the same state (equal `kith digest`).  Then
# Amira's daemon serves the web app on loopback and the demo ends by
# printing her one-time login link.
#
#   sh cli/demo.sh [KITH [DIR]]         run it (make demo)
#   sh cli/demo.sh --stop [KITH [DIR]]  stop the demo's daemon (make demo-stop)
#
# DIR (default: the directory "demo" next to KITH, build/demo) holds the
# community: one data directory per neighbour, the USB stick, Amira's
# daemon's log (daemon.log) and process id (daemon.pid).  It is kept, so
# the web app has something to show; running the demo again stops the old
# daemon, empties DIR and starts afresh.  The web app listens on
# 127.0.0.1:7474, or on a free port when that one is taken
# ($KITH_DEMO_WEB=ADDR:PORT chooses another; it must be loopback).  Sync
# listens on 127.0.0.1 only, and mDNS is off.
set -eu

STOP=0
if [ "${1:-}" = --stop ]; then
	STOP=1
	shift
fi
KITH=${1:-build/kith}
case $KITH in /*) ;; *) KITH=$(pwd)/$KITH ;; esac
DEMO=${2:-$(dirname "$KITH")/demo}
case $DEMO in /*) ;; *) DEMO=$(pwd)/$DEMO ;; esac
WEB=${KITH_DEMO_WEB:-127.0.0.1:7474}
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

# A path as the person typed it: relative to here when it is below here.
shown() {
	case $1 in
	"$(pwd)"/*) printf '%s' "${1#"$(pwd)"/}" ;;
	*) printf '%s' "$1" ;;
	esac
}

# stop_daemon: stop the daemon DIR/daemon.pid names, if it still runs and
# is ours (its command line names DIR: a reused pid is left alone).
# SIGTERM, up to 5 s, then SIGKILL.
stop_daemon() {
	[ -f "$DEMO/daemon.pid" ] || return 0
	_pid=$(cat "$DEMO/daemon.pid")
	rm -f "$DEMO/daemon.pid"
	case $_pid in '' | *[!0-9]*) return 0 ;; esac
	[ -r "/proc/$_pid/cmdline" ] || return 0 # it ended already
	tr '\0' ' ' <"/proc/$_pid/cmdline" 2>/dev/null |
		grep -qF -- "$DEMO/amira" || return 0
	kill -TERM "$_pid" 2>/dev/null || {
		echo "demo: cannot stop the demo's daemon (pid $_pid): started by another user?" >&2
		return 1
	}
	_i=0
	while [ $_i -lt 50 ] && kill -0 "$_pid" 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$_pid" 2>/dev/null || true
	echo "demo: stopped the demo's daemon (pid $_pid)"
}

if [ $STOP = 1 ]; then
	stop_daemon
	exit 0
fi
[ -x "$KITH" ] || { echo "demo: '$KITH' is not built (run make)" >&2; exit 1; }

stop_daemon
if [ -e "$DEMO" ]; then
	# only ever empty a directory this script made
	if [ ! -f "$DEMO/.kith-demo" ]; then
		echo "demo: '$DEMO' exists and is not a kith demo; remove it or name another directory" >&2
		exit 1
	fi
	rm -rf "$DEMO"
fi
mkdir -p "$DEMO"
: >"$DEMO/.kith-demo"
STICK=$DEMO/usb-stick
mkdir -p "$STICK"

amira() { "$KITH" --home "$DEMO/amira" "$@"; }
ben() { "$KITH" --home "$DEMO/ben" "$@"; }
chloe() { "$KITH" --home "$DEMO/chloe" "$@"; }
fang() { "$KITH" --home "$DEMO/fang" "$@"; }
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
short() { echo "$1" | cut -c1-8; }

# round N: everyone writes a bundle to the stick, everyone reads them all
round() {
	for who in amira ben chloe fang; do
		$who export "$STICK/$who-$1.kb" >/dev/null 2>&1
	done
	for who in amira ben chloe fang; do
		for f in "$STICK"/*-"$1".kb; do $who import "$f" >/dev/null; done
	done
}

say "Four neighbours make their identities (each on their own machine)"
amira init --name Amira --building "Elm 12" --unit 1 >/dev/null 2>&1
ben init --name Ben --building "Elm 12" --unit 4 >/dev/null 2>&1
chloe init --name "Chloé" --building "Oak 3" --unit 2 >/dev/null 2>&1
fang init --name "王芳" --building "Oak 3" --unit 5 >/dev/null 2>&1
chloe profile --skills "nurse, first aid" 2>/dev/null
fang profile --skills "做饭, 修自行车" --available "周末" 2>/dev/null
amira whoami

say "Amira starts the community and hands out the invite code in person"
CODE=$(amira community create "Elm & Oak" 2>/dev/null)
echo "invite code: $CODE"
ben community join "$CODE"
chloe community join "$CODE"
fang community join "$CODE"

say "They post what they can share and what they need"
LADDER=$(amira item add --title "Aluminium ladder, 3 m" --kind lend \
	--category tools --location "Elm 12 cellar")
amira item add --title "Bottled water" --kind resource --category water \
	--qty 24 --unit bottles --location "Elm 12 hall" >/dev/null
DOG=$(amira wish add --title "Someone to walk Mr Haddad's dog this week" \
	--kind service --urgency urgent --category care \
	--for "Mr Haddad, unit 3" \
	--description "He broke his ankle; the dog needs two short walks a day")
FRIDGE=$(ben wish add --title "Insulin must stay cold" --urgency critical \
	--category medicine --description "Fridge space for 3 days, power is out at Elm 12" \
	--for "Mrs Okafor, unit 6")
SHOPPING=$(ben wish add --title "Help carrying shopping upstairs" \
	--kind service --urgency normal)
ben item add --title "Power bank, 20000 mAh" --kind lend --category power \
	--location "Elm 12, unit 4" >/dev/null
chloe item add --title "Camping fridge (runs on gas)" --kind lend \
	--category power --location "Oak 3 garage" >/dev/null
chloe item add --title "Blood pressure checks" --kind skill \
	--category medicine --description "Saturday mornings, Oak 3 hall" >/dev/null
fang item add --title "电饭锅，可以借用" --kind lend --category kitchen \
	--location "Oak 3，5 号" >/dev/null
fang item add --title "儿童自行车，免费送" --kind give --category sports \
	--condition "good" >/dev/null
fang wish add --title "帮李奶奶买菜" --kind service --urgency urgent \
	--for "李奶奶，Oak 3 一楼" --description "她腿脚不方便，每周二、周五需要有人帮忙买菜" >/dev/null
fang wish add --title "需要梯子，周末换灯泡" --urgency low --category tools >/dev/null
echo "Amira's ladder: $LADDER"
echo "Ben's wish:     $FRIDGE"

say "No network: Amira's laptop carries bundles between the buildings"
run amira export "$STICK/amira.kb"
for who in ben chloe fang; do $who export "$STICK/$who.kb" >/dev/null 2>&1; done
for who in amira ben chloe fang; do
	for f in "$STICK"/*.kb; do
		$who import "$f" >/dev/null
	done
done
echo "everyone imported everyone's bundle"

say "Chloé (Oak 3) sees the critical wish first and offers her fridge"
run chloe wish list
CLAIM=$(chloe wish claim "$(short "$FRIDGE")" --note "gas fridge, I can bring it")
echo "Chloé's claim: $CLAIM"
ben vector "$STICK/ben.vector" 2>/dev/null
run chloe export "$STICK/chloe-2.kb" --since "$STICK/ben.vector"
ben import "$STICK/chloe-2.kb"

say "More offers: Ben will walk the dog, 王芳 will carry Ben's shopping"
ben wish claim "$(short "$DOG")" --note "mornings before work" >/dev/null
FANGCLAIM=$(fang wish claim "$(short "$SHOPPING")" --note "周二下午可以")
round 3

say "Amira, the coordinator, has met her neighbours: their hours will count"
run amira member verify Ben --building "Elm 12" --unit 4
amira member verify "Chloé" --building "Oak 3" --unit 2 2>/dev/null
amira member verify "王芳" --building "Oak 3" --unit 5 2>/dev/null

say "Ben accepts, his helpers deliver, Ben confirms their hours"
ben wish accept "$(short "$CLAIM")" 2>/dev/null
ben wish accept "$(short "$FANGCLAIM")" 2>/dev/null
chloe wish deliver "$(short "$CLAIM")" 2>/dev/null
fang wish deliver "$(short "$FANGCLAIM")" 2>/dev/null
round 4
ben wish confirm "$(short "$FRIDGE")" --hours 2 2>/dev/null
ben wish confirm "$(short "$SHOPPING")" --hours 1.5 2>/dev/null
ben item request "$(short "$LADDER")" --note "for Saturday" >/dev/null
amira item lend "$(short "$LADDER")" --to Ben --due 2030-01-31 >/dev/null

say "One more round of bundles"
round 5

say "Everyone now sees the same neighbourhood"
run amira members
run amira item list
run amira wish list --all

say "The same, in Chinese (kith follows the language setting)"
printf '$ LANG=zh_CN.UTF-8 kith wish list --all\n'
LC_ALL='' LANGUAGE='' LANG=zh_CN.UTF-8 amira wish list --all

say "Replica digests"
DA=$(amira digest 2>/dev/null); DB=$(ben digest 2>/dev/null)
DC=$(chloe digest 2>/dev/null); DF=$(fang digest 2>/dev/null)
# shellcheck disable=SC2069 # its stderr (which community, founded by whom) only
amira digest 2>&1 >/dev/null
printf 'Amira %s\nBen   %s\nChloé %s\n王芳  %s\n' "$DA" "$DB" "$DC" "$DF"
if [ "$DA" = "$DB" ] && [ "$DB" = "$DC" ] && [ "$DC" = "$DF" ]; then
	echo "all four replicas agree"
else
	echo "demo: replicas disagree" >&2
	exit 1
fi

say "Amira's daemon serves the web app on this machine"
# start_web ADDR:PORT: Amira's daemon in the background, in a session of
# its own (it outlives this script and the terminal's jobs), its output
# in DIR/daemon.log.  0 when the web app answers; 1 when the daemon ended
# (the port is taken) or did not say where it listens within 10 s.
start_web() {
	: >"$DEMO/daemon.log"
	$SETSID "$KITH" --home "$DEMO/amira" daemon --listen 127.0.0.1:0 \
		--no-mdns --web "$1" </dev/null >>"$DEMO/daemon.log" 2>&1 &
	echo $! >"$DEMO/daemon.pid"
	_i=0
	while [ $_i -lt 100 ]; do
		grep -q "web app on http://" "$DEMO/daemon.log" && return 0
		kill -0 "$(cat "$DEMO/daemon.pid")" 2>/dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	stop_daemon
	return 1
}
SETSID=
command -v setsid >/dev/null 2>&1 && SETSID=setsid
if ! start_web "$WEB"; then
	# the port is taken (another demo, another program): any free one
	start_web 127.0.0.1:0 || {
		echo "demo: Amira's daemon did not start:" >&2
		cat "$DEMO/daemon.log" >&2
		exit 1
	}
fi
URL=$(amira open --print)
K=$(shown "$KITH")
D=$(shown "$DEMO")
if [ "$DEMO" = "$(dirname "$KITH")/demo" ] && [ -f "$(pwd)/Makefile" ]; then
	STOP_HOW="make demo-stop"
else
	STOP_HOW="sh $(shown "$SELF") --stop $K $D"
fi
echo "The demo community is kept in $D; Amira's daemon runs in the background (log: $D/daemon.log)."
echo
echo "Open this link in your browser: $URL"
echo "It works once, for 10 minutes; run \`$K --home $D/amira open\` for a new one. Stop the demo with: $STOP_HOW"
