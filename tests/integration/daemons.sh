#!/bin/sh
# Daemons on loopback with static peers: random writes through the CLI on
# all of them converge; a daemon killed with SIGKILL during a large sync
# restarts, converges, and its replica passes integrity_check; nothing a
# CLI acknowledged is lost; SIGTERM stops a daemon cleanly.
. "$(dirname "$0")/lib.sh" "$1"

community n1 n2 n3 n4
start_daemon n1
start_daemon n2 --peer "127.0.0.1:$PORT_n1"
start_daemon n3 --peer "127.0.0.1:$PORT_n2"
start_daemon n4 --peer "127.0.0.1:$PORT_n3" --peer "127.0.0.1:$PORT_n1"

# random writes on every node while the daemons run
i=0
seed=7
while [ $i -lt 40 ]; do
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	n=n$((seed % 4 + 1))
	case $((seed / 7 % 3)) in
	0) k "$n" item add --title "thing $i from $n" --kind lend >/dev/null ;;
	1) k "$n" wish add --title "need $i from $n" --urgency urgent >/dev/null ;;
	2) k "$n" profile --skills "skill $i" 2>/dev/null ;;
	esac
	i=$((i + 1))
done
check "four daemons converge after random writes" converged 30 n1 n2 n3 n4

# a write on n4 reaches n2 (two hops) through pushes
w=$(k n4 wish add --title "pushed across two hops" --urgency critical)
check "a new wish propagates to every node" converged 10 n1 n2 n3 n4
check "n2 sees the pushed wish" sh -c "'$KITH' --home '$WORK/n2' wish show $w >/dev/null"
check "search finds the wish that arrived by session" \
	sh -c "'$KITH' --home '$WORK/n2' --json wish list --search 'pushed hops' | grep -q $w"

# a large sync interrupted by SIGKILL
"$MKCHANGES" "$WORK/n1" 20000 >/dev/null || notok "mkchanges"
community_code=$(k n1 community invite 2>/dev/null)
k n5 init --name n5 >/dev/null 2>&1
k n5 community join "$community_code" >/dev/null
start_daemon n5 --peer "127.0.0.1:$PORT_n1"
sleep 0.2
kill9 n5
partial=$(k n5 --json status | sed 's/.*"changes":\([0-9]*\).*/\1/')
echo "# n5 held $partial changes when killed"
if command -v sqlite3 >/dev/null 2>&1; then
	check "replica intact after SIGKILL" \
		test "$(sqlite3 "$WORK/n5/replica.db" 'PRAGMA integrity_check')" = ok
fi
start_daemon n5 --peer "127.0.0.1:$PORT_n1"
check "restarted node converges after SIGKILL" converged 60 n1 n5
check "every node converges on the large sync" converged 60 n1 n2 n3 n4 n5

# acknowledged writes survive a SIGKILL of their node's daemon
ack=$(k n3 item add --title "written just before the crash")
kill9 n3
start_daemon n3 --peer "127.0.0.1:$PORT_n2"
check "acknowledged write reaches the others after SIGKILL" converged 30 n1 n2 n3 n4 n5
check "n1 has the acknowledged item" sh -c "'$KITH' --home '$WORK/n1' item show $ack >/dev/null"

# status and peers
check "status says the daemon runs" sh -c "'$KITH' --home '$WORK/n2' status | grep -q 'daemon:    running'"
check "peers lists n1 with a last sync" sh -c "'$KITH' --home '$WORK/n2' --json peers | grep -q '\"last_sync\":[0-9]'"

# SIGTERM: clean exit, status 0
kill -TERM "$(pid_of n4)"
wait "$(pid_of n4)"
check "daemon exits 0 on SIGTERM" test $? -eq 0
check "status says no daemon after stop" sh -c "'$KITH' --home '$WORK/n4' status | grep -q 'not running'"
finish
