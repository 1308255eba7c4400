/*
 * admit.h - the budget for connections that have not finished the
 * handshake, and a limit on how often we complain about them.
 *
 * Anyone on the LAN can open TCP connections to a daemon; only a holder of
 * the community key can finish the handshake (net/shs.h).  So accepted
 * connections are held in a pool of their own until the handshake is done,
 * and nothing in that pool ever counts against authenticated sessions or
 * outgoing dials (peer/daemon.h).  The pool (after OpenSSH's MaxStartups,
 * but evicting instead of refusing):
 *
 * - keeps `max` connections, and `per_src` from one source
 *   (an IPv4 address; an IPv6 /64, where one host has many addresses; but
 *   a whole link-local address, as fe80::/64 is every host on the LAN);
 * - always admits a new connection: when that breaks a limit, one held
 *   connection is evicted, so a real peer always gets in, and a stalled
 *   attacker cannot keep a slot for longer than it takes others to arrive;
 * - but a connection younger than `grace_ms` is not evicted to make room
 *   (a member's message 1 may need a moment to come, or to be read):
 *   when every candidate is that young, the newcomer is held beyond the
 *   limits instead, up to NET_ADMIT_MAX in all; only at NET_ADMIT_MAX is
 *   a young one evicted.  So an attacker who reconnects as fast as it is
 *   evicted makes the pool grow, not a member's connection die young;
 * - the one evicted is chosen among the new connection's own source when
 *   that source is over its limit, else among all; within those, a
 *   connection whose first handshake message has not passed its MAC under
 *   the community key ("unproven") goes before a proven one, then one
 *   past its grace, then one of the source holding the most, then the
 *   oldest.  Only an unproven one past its grace is evicted below
 *   NET_ADMIT_MAX.  A member's dialer sends message 1 at once and is
 *   proven a round trip after connecting, so keyless connections, however
 *   many, evict only each other;
 * - a busy loop may accept many connections in one go before it reads any
 *   of them: so before an unproven connection is evicted, the caller's
 *   `waiting` hook is asked whether a whole message 1 already sits unread
 *   in its socket; if so it is ranked between unproven and proven (it is
 *   read, and proven or closed, on the loop's next turn) and another is
 *   chosen;
 * - net_admit_trim() takes the pool back to its limits once the young
 *   have aged (the same order, unproven ones past their grace only);
 * - connections leave when their handshake ends (either way) or when they
 *   close.
 *
 * A connection is an opaque pointer owned by the caller; the pool never
 * frees or closes one, it names the one to close.  No I/O and no clock of
 * its own (callers pass the time; the one I/O question is the caller's
 * hook): pure logic, unit-tested in tests/unit/test_admit.c.  Choosing
 * costs O(n^2) small compares at most, n <= NET_ADMIT_MAX.
 *
 * struct net_loglimit: at most `burst` lines per `interval_ms` window;
 * what it holds back is counted, for one summary line per interval.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_ADMIT_H
#define KITH_ADMIT_H

#include <stdint.h>
#include <sys/socket.h>

#define NET_ADMIT_MAX 256 /* the hard limit of a pool */

struct net_admit_entry {
	void *conn;
	uint8_t src[16]; /* IPv4 as ::ffff:a.b.c.d; IPv6 /64, rest zero */
	uint64_t seq;	 /* arrival order */
	uint64_t since_ms;
	int rank;	 /* 0 unproven, 1 message 1 waiting unread, 2 proven */
};

struct net_admit {
	unsigned max, per_src;
	uint64_t grace_ms;
	/* may be NULL: 1 when a whole first message is waiting unread */
	int (*waiting)(void *conn);
	unsigned n;
	uint64_t next_seq;
	struct net_admit_entry e[NET_ADMIT_MAX];
};

/* max is capped at NET_ADMIT_MAX; both at least 1.  waiting may be NULL. */
void net_admit_init(struct net_admit *a, unsigned max, unsigned per_src,
		    uint64_t grace_ms, int (*waiting)(void *conn));

/*
 * Admit conn, which came from src (AF_INET or AF_INET6; anything else
 * counts as one unknown source) at now_ms (a monotonic clock).  Returns
 * the connection the caller must now close (already out of the pool), or
 * NULL when nothing has to go.
 */
void *net_admit_add(struct net_admit *a, void *conn, const struct sockaddr *src,
		    uint64_t now_ms) __attribute__((warn_unused_result));
/* Back to the limits once the young have aged: one connection the caller
 * must close (out of the pool already) while the pool or a source is over
 * its limit and holds an unproven one past its grace; NULL when none.
 * Call it now and then (the daemon: every PEER_POLL_MS) until NULL. */
void *net_admit_trim(struct net_admit *a, uint64_t now_ms)
	__attribute__((warn_unused_result));
/* Its first handshake message was good: evict it only after the rest. */
void net_admit_proven(struct net_admit *a, void *conn);
/* 1 when conn was in the pool (and is no longer), else 0. */
int net_admit_remove(struct net_admit *a, void *conn);
/* How many are held: all, or from the source of src. */
unsigned net_admit_count(const struct net_admit *a);
unsigned net_admit_count_src(const struct net_admit *a,
			     const struct sockaddr *src);

struct net_loglimit {
	uint64_t interval_ms;
	unsigned burst;
	uint64_t window_start;
	unsigned used;	     /* lines let through in this window */
	uint64_t suppressed; /* held back since the last net_loglimit_flush */
};

void net_loglimit_init(struct net_loglimit *l, uint64_t interval_ms,
		       unsigned burst);
/* 1: log this line now; 0: stay quiet (counted as suppressed). */
int net_loglimit_take(struct net_loglimit *l, uint64_t now_ms);
/* How many lines were held back since the last call; resets the count. */
uint64_t net_loglimit_flush(struct net_loglimit *l);

#endif
