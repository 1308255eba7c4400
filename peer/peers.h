/*
 * peers.h - the record of peers this node knows and synced with: for
 * `kith peers`, and for the daemon to remember static and discovered
 * addresses.
 *
 * The rows live in the replica file (local only, not part of the shared
 * state) and are kept by crdt/peers.h, which owns the table and its SQL;
 * these are the daemon's names for those calls (peer/ writes no SQL).
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_PEERS_H
#define KITH_PEERS_H

#include <stdint.h>

#include "crdt/query.h"
#include "crdt/store.h"

/* A peer was seen at addr (how: "static" or "mdns"); node may be NULL. */
__attribute__((warn_unused_result)) int
peer_db_seen(struct crdt_store *s, const char *addr, const uint8_t *node,
	     const char *how, int64_t now);
/* A session with addr ended or synced: add counters, set the result.
 * err NULL means success (last_sync = now). */
__attribute__((warn_unused_result)) int
peer_db_result(struct crdt_store *s, const char *addr, const uint8_t *node,
	       uint64_t sent, uint64_t received, const char *err, int64_t now);
/* Rows: node addr how last_sync sent received last_error. */
__attribute__((warn_unused_result)) int
peer_db_list(struct crdt_store *s, crdt_row_fn fn, void *ctx);

#endif
