#!/bin/sh
# tests/netns/web_mdns.sh - the daemon announces its web app on the LAN
# (`_http._tcp`, net/mdns.h net_mdns_http), as avahi-browse on another
# host sees it, in network namespaces with their own avahi-daemon and dbus
# (tests/netns/lib.sh).  Host a runs the daemon of the community NAME,
# host b browses:
#   1. web app on 127.0.0.1: b sees a's `_kith._tcp` (so browsing works)
#      and no `_http._tcp` at all
#   2. web app on 0.0.0.0:0: b sees "kith – NAME (HOST)" - cut at a
#      character to 63 bytes, HOST a's avahi host name - at a's address,
#      on the web app's port, with TXT "path=/"
#   3. that name already taken on the LAN (avahi-publish on b): a takes
#      "... #2", and its `_kith._tcp` is still announced under its own name
#   4. --no-mdns: nothing announced
# While `kith daemon` refuses a --web address that is not loopback (before
# PIN login lands), 2-4 are skipped with the reason printed.
#
#   sh tests/netns/web_mdns.sh /abs/path/to/kith     (root; 77 = skipped)

# shellcheck disable=SC2317 # helpers are called through check/wait_for
cd "$(dirname "$0")/../.." || exit 1
. tests/netns/lib.sh

need_kith "${1:-}"
SECS=20
# 57 bytes: with "kith – " and " (HOST)" it is cut, inside the Chinese
NAME="Peace Court 和平里花园小区河边老桥旁的房子"
EN_DASH=$(printf '\342\200\223')

netns_init
command -v avahi-browse >/dev/null 2>&1 ||
	netns_skip "avahi-browse is not installed (apt-get install avahi-utils)"

netns_bridge 1 || netns_skip "cannot create a bridge"
if ! { netns_setup_host a br1 10.201.1.1 &&
	netns_setup_host b br1 10.201.1.2; }; then
	netns_skip "cannot create host namespaces"
fi
for h in a b; do
	start_avahi $h || {
		fail "start dbus-daemon and avahi-daemon on $h"
		finish
	}
done
mkdir -p "$KT_DIR/a"
kith_at a init --name a --building a >/dev/null 2>&1 ||
	{ fail "kith init on a"; finish; }
kith_at a community create "$NAME" >/dev/null 2>&1 ||
	{ fail "kith community create on a"; finish; }
HOST=$KT-a # avahi's host name on a (tests/netns/lib.sh)

# browse TYPE: b's resolved view of TYPE, one "NAME;ADDR;PORT;TXT" line
# per service, the name unescaped (avahi-browse -p writes \DDD for every
# byte that is not a letter, digit, '-' or '_', and \. \\)
browse() {
	host_exec b timeout 10 avahi-browse -rtp "$1" 2>/dev/null |
		LC_ALL=C awk -F';' '
		function unesc(s,   out, c) {
			out = ""
			while (s != "") {
				c = substr(s, 1, 1)
				if (c == "\\" && substr(s, 2, 3) ~ /^[0-9][0-9][0-9]$/) {
					out = out sprintf("%c", substr(s, 2, 3) + 0)
					s = substr(s, 5)
				} else if (c == "\\") {
					out = out substr(s, 2, 1)
					s = substr(s, 3)
				} else {
					out = out c
					s = substr(s, 2)
				}
			}
			return out
		}
		$1 == "=" && $3 == "IPv4" { print unesc($4) ";" $8 ";" $9 ";" $10 }' |
		sort -u
}
seen() { # seen TYPE PATTERN: a service of TYPE whose line has PATTERN
	browse "$1" >"$KT_DIR/browse.$$" && grep -q -F -- "$2" "$KT_DIR/browse.$$"
}

# start_a ARGS...: a's daemon; pid in $KT_DIR/a/kith.pid
start_a() {
	host_spawn a "$KT_DIR/a/kith.out" "$KT_DIR/a/kith.log" \
		"$KITH" --home "$KT_DIR/a/home" daemon --listen 0.0.0.0:7473 \
		-v "$@" >"$KT_DIR/a/kith.pid"
}
stop_a() {
	wait_pid "$(cat "$KT_DIR/a/kith.pid")" 10 TERM
	st=$WP_STATUS
	check_eq "$1: a's daemon stops cleanly" "$st" 0
}
# the web app's real port, from the daemon's status
web_port() {
	kith_at a --json status 2>/dev/null |
		sed -n 's/.*"web":"http:\/\/[^"]*:\([0-9][0-9]*\)".*/\1/p'
}
published() { # published NAME-START: a's log says it is on the LAN
	grep -qs -F "published '$1" "$KT_DIR/a/kith.log"
}

# 1. loopback only
start_a --web 127.0.0.1:0
check "loopback: a's kith service is published" \
	wait_for $SECS published "kith-"
check "loopback: b sees a's _kith._tcp" \
	wait_for $SECS seen _kith._tcp ";10.201.1.1;7473;"
sleep 2 # time enough for an _http._tcp to show up if it were coming
check_eq "loopback: b sees no _http._tcp" "$(browse _http._tcp)" ""
stop_a "loopback"

# 2. every address
start_a --web 0.0.0.0:0
if wait_for 5 grep -qs "not a loopback address" "$KT_DIR/a/kith.log"; then
	echo "# skipping the LAN cases: this kith refuses a --web address" \
		"that is not loopback ($(head -n 1 "$KT_DIR/a/kith.log"))"
	finish
fi
wait_for 10 test -n "$(web_port)"
port=$(web_port)
check "0.0.0.0: the web app listens (port '$port')" test -n "$port"
check "0.0.0.0: a publishes its _http._tcp" \
	wait_for $SECS published "kith $EN_DASH"
check "0.0.0.0: b sees a's web app" \
	wait_for $SECS seen _http._tcp ";10.201.1.1;$port;"
line=$(browse _http._tcp | grep -F ";10.201.1.1;$port;")
name=${line%%;*}
check_eq "0.0.0.0: TXT path=/" "${line##*;}" '"path=/"'
check_match "0.0.0.0: the name is 'kith – NAME (HOST)', cut" "$name" \
	"^kith $EN_DASH Peace Court 和平里.* \\($HOST\\)\$"
check "0.0.0.0: the name is at most 63 bytes" \
	test "$(printf '%s' "$name" | wc -c)" -le 63
check "0.0.0.0: the name is valid UTF-8 (cut at a character)" \
	sh -c "printf '%s' '$name' | iconv -f UTF-8 -t UTF-8 >/dev/null"
check "0.0.0.0: the name was cut (NAME does not fit whole)" \
	sh -c "! printf '%s' '$name' | grep -q -F '$NAME'"
stop_a "0.0.0.0"

# 3. the name already taken on the LAN
host_spawn b "$KT_DIR/b/publish.out" "$KT_DIR/b/publish.err" \
	avahi-publish -s "$name" _http._tcp 9 "path=/squatter" \
	>"$KT_DIR/b/publish.pid"
check "taken: b's avahi-publish holds '$name'" \
	wait_for 10 seen _http._tcp ";10.201.1.2;9;"
start_a --web 0.0.0.0:0
wait_for 10 test -n "$(web_port)"
port=$(web_port)
# (avahi shortens a 63-byte name to make room for " #2")
check "taken: a takes the alternative name '... #2'" \
	wait_for $SECS seen _http._tcp " #2;10.201.1.1;$port;\"path=/\""
check "taken: b's service keeps its name" \
	seen _http._tcp "$name;10.201.1.2;9;"
check "taken: a's _kith._tcp is still announced" \
	wait_for $SECS seen _kith._tcp ";10.201.1.1;7473;"
stop_a "taken"
wait_pid "$(cat "$KT_DIR/b/publish.pid")" 10 TERM

# 4. --no-mdns
nothing() { [ -z "$(browse _http._tcp)" ] && [ -z "$(browse _kith._tcp)" ]; }
check "no-mdns: before a starts, b sees nothing (goodbyes arrived)" \
	wait_for $SECS nothing
start_a --web 0.0.0.0:0 --no-mdns
wait_for 10 test -n "$(web_port)"
check "no-mdns: the web app listens" test -n "$(web_port)"
sleep 3
check_eq "no-mdns: b sees no _http._tcp" "$(browse _http._tcp)" ""
check_eq "no-mdns: b sees no _kith._tcp" "$(browse _kith._tcp)" ""
stop_a "no-mdns"

finish
