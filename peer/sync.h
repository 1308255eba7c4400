/*
 * sync.h - one-shot sync (`kith sync ADDR`): dial one peer, reconcile both
 * ways in one session (net/session.h, one_shot), then close.
 *
 * It runs a libuv loop of its own to the end (uv_loop_close() == 0 when it
 * returns) and needs no daemon; a daemon on the same data directory may run
 * meanwhile (the replica's transactions keep them apart).  The outcome,
 * counters and the peer's key when the handshake got that far, is recorded
 * in the replica's list of peers (peer/peers.h) whether it worked or not.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_SYNC_H
#define KITH_SYNC_H

#include <stdint.h>

#include "crdt/replica.h"
#include "net/session.h"

struct peer_sync_result {
	struct net_session_stats st;
	int err;
	uint8_t peer[32];
	int have_peer;
};

/* One session with addr (peer/addr.h; default port PEER_DEFAULT_PORT) as
 * dialer.  timeout_ms bounds the whole exchange.  0, or the session's
 * error (also in res->err; UV_ETIMEDOUT when the time ran out). */
int peer_sync_once(struct crdt_replica *r, const uint8_t community[32],
		   const char *addr, unsigned timeout_ms,
		   struct peer_sync_result *res);

#endif
