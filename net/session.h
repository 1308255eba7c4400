/*
 * session.h - one encrypted sync session with one peer over TCP (libuv).
 *
 * Lifecycle: net_session_new() on a connected (dialer) or accepted
 * (listener) TCP handle -> handshake (net/shs.h, 10 s limit unless the
 * caller sets a shorter one; the limit counts from the start, so bytes
 * trickling in do not extend it) -> framing
 * (net/frame.h) -> HELLO / reconciliation (net/recon.h) -> the changes each
 * side lacks, in per-author runs, urgent first (authors holding open
 * critical/urgent wishes or need-help check-ins), with backpressure (no more than
 * NET_SESSION_HIGH_WATER bytes queued on the socket) -> SYNCED both ways ->
 * live: net_session_push() sends what the peer lacks whenever the replica
 * changed; PING after 15 s of quiet, closed after 60 s without a frame.
 *
 * Every change received goes through the replica's apply path in one
 * transaction per frame; a frame that does not decode, a change that fails
 * its signature, or anything else hostile ends the session (logged), and
 * the replica is left as it was before that frame.  After applying a frame
 * the receiver sends ACK (changes received so far), so a sender knows what
 * is safely stored on the other side.
 *
 * Ownership: the session owns its TCP handle and timer and frees itself
 * after both are closed; on_close is called once, just before.  The
 * replica, identity and community key belong to the caller and must
 * outlive the session.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_SESSION_H
#define KITH_SESSION_H

#include <stdint.h>
#include <uv.h>

#include "crdt/replica.h"

#define NET_SESSION_HIGH_WATER (1u << 20)
#define NET_HANDSHAKE_TIMEOUT_MS 10000
#define NET_PING_MS 15000
#define NET_IDLE_TIMEOUT_MS 60000

struct net_session;
struct net_loglimit; /* net/admit.h */

struct net_session_stats {
	uint64_t sent;	   /* changes sent */
	uint64_t acked;	   /* of those, acknowledged as stored */
	uint64_t received; /* changes received */
	uint64_t applied, duplicate, rejected;
	uint64_t bytes_in, bytes_out; /* on the wire */
	uint64_t payload_out;	      /* CHANGES payload bytes sent */
	int recon_rounds;
};

struct net_session_cb {
	/* the peer's first handshake message passed its MAC under the
	 * community key (it holds the key, or replays one who does); may be
	 * NULL */
	void (*on_hello)(struct net_session *s);
	/* handshake done: the peer is authenticated.  Return non-zero to
	 * refuse the session (duplicate, self, too many). */
	int (*on_ready)(struct net_session *s);
	/* initial reconciliation finished both ways */
	void (*on_synced)(struct net_session *s);
	/* we applied changes from this peer (others may want them) */
	void (*on_applied)(struct net_session *s);
	/* the session is about to be freed; err 0 for an orderly end */
	void (*on_close)(struct net_session *s, int err);
};

struct net_session_cfg {
	struct crdt_replica *replica;
	const struct crdt_identity *me;
	const uint8_t *community; /* 32 bytes */
	struct net_session_cb cb;
	void *data;	/* for the callbacks */
	int one_shot;	/* dialer: close once synced both ways */
	unsigned handshake_ms; /* 0: NET_HANDSHAKE_TIMEOUT_MS */
	/* when set, warnings about a handshake that failed go through this
	 * limit (the caller reports what it held back); the limit is the
	 * caller's and must outlive the session */
	struct net_loglimit *hs_log;
};

/*
 * Start a session on tcp, which must be connected (dialer) or accepted
 * (listener) and is adopted: its data pointer and close are the
 * session's from now on.  tcp must be the first member of a block
 * allocated by net_session_alloc().
 */
struct net_session *net_session_alloc(void);
uv_tcp_t *net_session_tcp(struct net_session *s);
void net_session_start(struct net_session *s, const struct net_session_cfg *cfg,
		       int dialer, const char *addr);
/* Free a session that was allocated but never started (its tcp must be
 * closed or never initialised). */
void net_session_close(struct net_session *s, int err);
/* Send whatever the peer lacks (after a local write or a received run). */
void net_session_push(struct net_session *s);

const uint8_t *net_session_peer(const struct net_session *s); /* NULL before */
int net_session_dialer(const struct net_session *s);
int net_session_synced(const struct net_session *s);
const char *net_session_addr(const struct net_session *s);
const struct net_session_stats *net_session_stats(const struct net_session *s);
void *net_session_data(const struct net_session *s);

#endif
