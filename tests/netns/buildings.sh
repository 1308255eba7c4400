#!/bin/sh
# tests/netns/buildings.sh - kith daemons in two "buildings" of network
# namespaces, found by real avahi (no static peers):
#   building A (br1): a1, a2 and the laptop; building B (br2): b1, b2;
#   "other" on br1 belongs to another community.
#   1. hosts in a building find each other and converge; the buildings
#      stay apart
#   2. the laptop, synced in A, is moved to B (link down on A, up on B):
#      B converges with A's posts; then the way back with B's posts
#   3. the host of another community never exchanges data
#   4. a capture on building A's bridge holds no plaintext title
#
#   sh tests/netns/buildings.sh /abs/path/to/kith     (root; 77 = skipped)
cd "$(dirname "$0")/../.." || exit 1
. tests/netns/lib.sh

need_kith "${1:-}"
SECS=45

netns_init
command -v tcpdump >/dev/null 2>&1 || [ -x /usr/sbin/tcpdump ] ||
	netns_skip "tcpdump is not installed"

# same_digest HOSTS...: all equal
same_digest() {
	sd_first=$(digest "$1")
	for sd_h in "$@"; do
		[ "$(digest "$sd_h")" = "$sd_first" ] || return 1
	done
}

has_title() { # has_title HOST TITLE (item or wish)
	kith_at "$1" --json item list --all --search "$2" | grep -q "\"$2\"" ||
		kith_at "$1" --json wish list --all --search "$2" | grep -q "\"$2\""
}

netns_bridge 1
netns_bridge 2
netns_setup_host a1 br1 10.201.1.1
netns_setup_host a2 br1 10.201.1.2
netns_setup_host lap br1 10.201.1.9
netns_setup_host other br1 10.201.1.66
netns_setup_host b1 br2 10.201.2.1
netns_setup_host b2 br2 10.201.2.2

# capture building A's bridge from the start
cap="$KT_DIR/br1.pcap"
ip netns exec "$KT-sw" tcpdump -i br1 -U -s 0 -w "$cap" tcp \
	>"$KT_DIR/tcpdump.log" 2>&1 &
echo $! >>"$KT_DIR/pids"
tcpdump_pid=$!

# identities and the community, made on the data directories
for h in a1 a2 lap b1 b2 other; do
	mkdir -p "$KT_DIR/$h"
	kith_at "$h" init --name "$h" --building "$h" >/dev/null 2>&1 ||
		{ echo "# cannot init $h"; exit 1; }
done
code=$(kith_at a1 community create "Riverside" 2>/dev/null)
for h in a2 lap b1 b2; do kith_at "$h" community join "$code" >/dev/null; done
kith_at other community create "Elsewhere" >/dev/null 2>&1

for h in a1 a2 lap b1 b2 other; do
	start_avahi "$h" || { fail "avahi on $h"; finish; }
	host_spawn "$h" "$KT_DIR/$h/kith.out" "$KT_DIR/$h/kith.log" \
		"$KITH" --home "$KT_DIR/$h/home" daemon --listen 0.0.0.0:7473 \
		--interval 5 -v >"$KT_DIR/$h/kith.pid"
done

kith_at a1 item add --title "Ladder from building A" --kind lend >/dev/null
kith_at a2 wish add --title "Insulin fridge in A" --urgency critical >/dev/null
kith_at b1 item add --title "Generator in building B" --kind share >/dev/null
kith_at b2 wish add --title "Blankets for B" --urgency urgent >/dev/null
kith_at other item add --title "Secret of another community" >/dev/null
other_changes=$(kith_at other --json status | sed 's/.*"changes":\([0-9]*\).*/\1/')

check "building A converges over mDNS (a1, a2, laptop)" \
	wait_for $SECS same_digest a1 a2 lap
check "building B converges over mDNS (b1, b2)" \
	wait_for $SECS same_digest b1 b2
check "the buildings stay apart before the laptop moves" \
	sh -c "! '$KITH' --home '$KT_DIR/b1/home' --json item list --all | grep -q 'building A'"

# the laptop goes to building B
move_host lap br1 br2
check "B gets A's posts through the laptop" \
	wait_for $SECS has_title b2 "Ladder from building A"
check "B converges with the laptop" wait_for $SECS same_digest b1 b2 lap
kith_at b2 wish add --title "Candles for B" --urgency normal >/dev/null
check "the laptop picks up B's new wish" \
	wait_for $SECS has_title lap "Candles for B"

# and back to A
move_host lap br2 br1
check "A gets B's posts through the laptop" \
	wait_for $SECS has_title a1 "Candles for B"
check "A converges with the laptop" wait_for $SECS same_digest a1 a2 lap
check "all five replicas of the community agree" \
	wait_for $SECS same_digest a1 a2 lap b1 b2

# the other community
check "the other community's host received nothing" \
	test "$(kith_at other --json status | sed 's/.*"changes":\([0-9]*\).*/\1/')" = "$other_changes"
check "nobody holds the other community's post" \
	sh -c "! '$KITH' --home '$KT_DIR/a1/home' --json item list --all | grep -q 'another community'"
check "the other host never synced with anyone" \
	sh -c "! '$KITH' --home '$KT_DIR/other/home' --json peers | grep -q '\"last_sync\":[0-9]'"

# the capture: traffic, but no plaintext
kill -INT "$tcpdump_pid" 2>/dev/null
wait "$tcpdump_pid" 2>/dev/null
pkts=$(tcpdump -r "$cap" 2>/dev/null | grep -c 'Flags \[P')
check "the capture on building A's bridge has session traffic ($pkts data packets)" \
	test "${pkts:-0}" -gt 10
check "no plaintext title on the wire" \
	sh -c "! grep -a -q -e 'Ladder from building' -e 'Insulin fridge' -e 'Candles for B' '$cap'"

for h in a1 a2 lap b1 b2 other; do
	wait_pid "$(cat "$KT_DIR/$h/kith.pid")" 10 TERM
	[ "$WP_STATUS" -eq 0 ] || echo "# $h: daemon exit status $WP_STATUS"
done
check "every daemon stops cleanly on SIGTERM" \
	sh -c "! grep -l 'did not close cleanly' '$KT_DIR'/*/kith.log"
finish
