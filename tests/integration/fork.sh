#!/bin/sh
# A copied identity (a restored backup) forks an author's log.  Replicas
# that hold different branches meet in one-shot syncs and in daemon
# sessions: the fork is judged the same way everywhere (crdt/apply.h), the
# author is marked forked, and every replica ends with the same state.
. "$(dirname "$0")/lib.sh" "$1"

setup_community p q r s
kith_at p item add --title "before the copy" >/dev/null
cp -a "$WORK/p" "$WORK/p2"
for i in 1 2 3; do kith_at p item add --title "p branch $i" >/dev/null; done
for i in 1 2 3 4 5 6; do kith_at p2 item add --title "p2 branch $i" >/dev/null; done

# r learns the shorter branch, q the longer one
start_daemon p
kith_at r sync "127.0.0.1:$PORT_p" >/dev/null
kill9 p
start_daemon p2
kith_at q sync "127.0.0.1:$PORT_p2" >/dev/null
kill9 p2

# one-shot: r dials q, which holds the longer branch
start_daemon q
kith_at r sync "127.0.0.1:$PORT_q" >/dev/null 2>&1
check "one-shot syncs settle a forked log" converged 10 r q
check "the fork is recorded" \
	test "$(sqlite3 "$WORK/r/replica.db" 'select count(*) from forks')" -ge 1
check "members shows the author as forked" \
	sh -c "'$KITH' --home '$WORK/r' members | grep -q FORKED"

# daemons: s holds the shorter branch too, then meets q's daemon
kith_at s sync "127.0.0.1:$PORT_q" >/dev/null 2>&1
start_daemon p --peer "127.0.0.1:$PORT_q"
check "a daemon with the other branch converges too" converged 15 p q s
kith_at r sync "127.0.0.1:$PORT_q" >/dev/null 2>&1
check "and r, syncing once more, agrees with all" converged 10 p q r s
finish
