#!/bin/sh
# tests/netns/mdns.sh - net/mdns.c against real avahi-daemons and dbus in
# network namespaces (tests/netns/lib.sh).
#
#   sh tests/netns/mdns.sh [PATH/TO/mdns_probe | PATH/TO/kith]
#
# Without an argument the probe is compiled into the temporary directory
# (cc, pkg-config, libuv1-dev, libavahi-client-dev).  Needs root; exits 77
# when namespaces are not possible (1 under CI=true).  KEEP=1 keeps logs.
#
# Building 1 (br1): a and b, community tag T1, node ids sharing their first
# 8 hex digits (so both want the service name "kith-a1b2c3d4": one must
# take "kith-a1b2c3d4 #2"); c, community tag T2.  Building 2 (br2): d, T1.
#   1. a finds b and b finds a within 15 s; nobody finds c, c finds nobody;
#      a and b do not find d (other building)
#   2. d moves to building 1 (same address): a finds d
#   3. avahi-daemon on b stops for 4 s: b's probe keeps running, warns
#      exactly once, and after the restart a finds b again and b finds a;
#      at the same time c loses avahi-daemon and dbus-daemon: it warns once
#      although reconnecting fails several times, and publishes again once
#      both are back
#   4. SIGTERM: every probe exits 0 after uv_loop_close() == 0
# Prints "ok N - ..." / "not ok N - ..." and "N passed, N failed".

# shellcheck disable=SC2317 # helpers are called through check/wait_for
cd "$(dirname "$0")/../.." || exit 1
. tests/netns/lib.sh

FIND_SECS=15
T1=0011223344556677
T2=8899aabbccddeeff
ID_A=a1b2c3d4aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
ID_B=a1b2c3d4bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
ID_C=c0c0c0c0cccccccccccccccccccccccccccccccccccccccccccccccccccccccc
ID_D=d0d0d0d0dddddddddddddddddddddddddddddddddddddddddddddddddddddddd
WARN="avahi-daemon is not running"

netns_init

probe=${1:-}
# tests/run.sh passes the kith binary; the probe is built beside it
case $probe in */kith) probe="$(dirname "$probe")/tests/mdns_probe" ;; esac
if [ -z "$probe" ]; then
	probe="$KT_DIR/mdns_probe"
	# shellcheck disable=SC2046
	cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. -o "$probe" \
		tests/netns/mdns_probe.c net/mdns.c net/avahi_uv.c crdt/codec.c \
		crdt/crypto.c crdt/log.c \
		$(pkg-config --cflags --libs libuv avahi-client libsodium) ||
		netns_skip "cannot build mdns_probe (libuv1-dev, libavahi-client-dev)"
else
	case $probe in /*) ;; *) probe="$PWD/$probe" ;; esac
fi
[ -x "$probe" ] || netns_skip "no probe at '$probe'"

if ! { netns_bridge 1 && netns_bridge 2; }; then
	netns_skip "cannot create bridges"
fi
if ! { netns_setup_host a br1 10.201.1.1 &&
	netns_setup_host b br1 10.201.1.2 &&
	netns_setup_host c br1 10.201.1.3 &&
	netns_setup_host d br2 10.201.2.4; }; then
	netns_skip "cannot create host namespaces"
fi
for h in a b c d; do
	start_avahi $h || {
		fail "start dbus-daemon and avahi-daemon on $h"
		finish
	}
done
pass "dbus-daemon and avahi-daemon run in 4 namespaces"

# spawn_probe NAME ID TAG PORT: pid into $KT_DIR/NAME/probe.pid
spawn_probe() {
	host_spawn "$1" "$KT_DIR/$1/probe.out" "$KT_DIR/$1/probe.err" \
		"$probe" "$2" "$3" "$4" 300 -vv >"$KT_DIR/$1/probe.pid"
}
spawn_probe a $ID_A $T1 7001
spawn_probe b $ID_B $T1 7002
spawn_probe c $ID_C $T2 7003
spawn_probe d $ID_D $T1 7004

# found NAME ADDR ID: NAME's probe has reported ADDR with ID
found() {
	grep -qs "^found $2 $3\$" "$KT_DIR/$1/probe.out"
}
count() { # count NAME PATTERN FILE-SUFFIX
	grep -c -- "$2" "$KT_DIR/$1/probe.$3" 2>/dev/null || true
}
alive() {
	kill -0 "$(cat "$KT_DIR/$1/probe.pid")" 2>/dev/null
}

# 1. discovery inside building 1
check "a finds b within ${FIND_SECS}s" \
	wait_for $FIND_SECS found a 10.201.1.2:7002 $ID_B
check "b finds a within ${FIND_SECS}s" \
	wait_for $FIND_SECS found b 10.201.1.1:7001 $ID_A
check "one of a, b took an alternative service name" \
	grep -q "trying 'kith-a1b2c3d4 #2'" "$KT_DIR/a/probe.err" \
	"$KT_DIR/b/probe.err"
sleep 3 # time enough for c and d to show up if they were going to
check "a and b never find c (another community)" \
	sh -c "! grep -q $ID_C '$KT_DIR/a/probe.out' '$KT_DIR/b/probe.out'"
check "c finds nobody" \
	sh -c "! grep -q '^found' '$KT_DIR/c/probe.out'"
check "a and b do not find d in building 2" \
	sh -c "! grep -q $ID_D '$KT_DIR/a/probe.out' '$KT_DIR/b/probe.out'"
check "nobody reports itself" \
	sh -c "! grep -q $ID_A '$KT_DIR/a/probe.out' &&
	       ! grep -q $ID_B '$KT_DIR/b/probe.out'"

# 2. d carries its laptop to building 1
move_host d br2 br1
check "after moving d to building 1, a finds d within ${FIND_SECS}s" \
	wait_for $FIND_SECS found a 10.201.2.4:7004 $ID_D

# 3. avahi-daemon on b goes away and comes back
b_before=$(count a "$ID_B" out)
a_before=$(count b "$ID_A" out)
stop_avahi b
# meanwhile c loses its system bus too: avahi_client_new itself fails and
# is retried with a backoff (immediately, +1 s, +2 s, ...)
stop_avahi c
stop_dbus c
sleep 4
check "b's probe keeps running without avahi-daemon" alive b
check "b warns that avahi-daemon is not running" \
	test "$(count b "$WARN" err)" -eq 1
check "c's probe keeps running without dbus" alive c
check "c retried at least twice without dbus" \
	test "$(count c "cannot reach avahi" err)" -ge 2
check "c warned exactly once over those retries" \
	test "$(count c "$WARN" err)" -eq 1
restart_avahi b || fail "restart avahi-daemon on b"
if ! { start_dbus c && restart_avahi c; }; then
	fail "restart dbus and avahi on c"
fi
republished_c() { [ "$(count c "published 'kith-c0c0c0c0'" err)" -ge 2 ]; }
check "c reconnects and publishes again within ${FIND_SECS}s" \
	wait_for $FIND_SECS republished_c
more_b() { [ "$(count a "$ID_B" out)" -gt "$b_before" ]; }
more_a() { [ "$(count b "$ID_A" out)" -gt "$a_before" ]; }
check "after the restart a finds b again within ${FIND_SECS}s" \
	wait_for $FIND_SECS more_b
check "after the restart b finds a again within ${FIND_SECS}s" \
	wait_for $FIND_SECS more_a
check "b warned exactly once for the outage" \
	test "$(count b "$WARN" err)" -eq 1
check "b's probe is still running" alive b

# 4. clean shutdown
for h in a b c d; do
	wait_pid "$(cat "$KT_DIR/$h/probe.pid")" 10 TERM
	st=$WP_STATUS
	check "$h's probe exits 0 on SIGTERM with an empty loop (status $st)" \
		test "$st" = 0
done
check "no probe warned about leftover avahi watches" \
	sh -c "! grep -q 'left watches behind' '$KT_DIR'/*/probe.err"

if [ "$LIB_FAILED" -ne 0 ]; then
	for h in a b c d; do
		echo "# --- $h probe stdout"
		sed 's/^/# /' "$KT_DIR/$h/probe.out"
		echo "# --- $h probe stderr"
		sed 's/^/# /' "$KT_DIR/$h/probe.err"
	done
fi
finish
