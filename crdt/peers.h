/*
 * peers.h - the peers this node knows, as stored in the replica.
 *
 * One row per address in the replica file's `peers` table (store.h): how
 * the address was learnt ("static" from the configuration or a `kith sync`,
 * "mdns" when discovered), the node key it answered with, the counters of
 * changes sent and received, and the time and outcome of the last
 * session.  The table is local: never synced, not part of the state (the
 * digest, bundles and sessions never see it), and writing it is not a log
 * write (crdt_replica_wrote stays 0).
 *
 * The daemon records sessions here (through peer/peers.h), `kith peers`
 * lists them; neither writes SQL.  Times are unix seconds given by the
 * caller.  Strings are copied; nothing is kept after a call returns.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_CRDT_PEERS_H
#define KITH_CRDT_PEERS_H

#include <stdint.h>

#include "query.h"
#include "store.h"

/* A peer was seen at addr (how: "static" or "mdns"); node (32 bytes) may
 * be NULL, and then a node already known for addr is kept. */
__attribute__((warn_unused_result)) int
crdt_peers_seen(struct crdt_store *s, const char *addr, const uint8_t *node,
		const char *how, int64_t now);

/* A session with addr ended or synced: add the counters and set the
 * outcome.  err NULL means success (last_sync = now), else the reason it
 * failed (last_sync unchanged).  An address not known yet is added as
 * "static". */
__attribute__((warn_unused_result)) int
crdt_peers_result(struct crdt_store *s, const char *addr, const uint8_t *node,
		  uint64_t sent, uint64_t received, const char *err,
		  int64_t now);

/* Every known peer, most recently updated first, as rows with the columns
 * node (hex or NULL), addr, how, last_sync, sent, received, last_error. */
__attribute__((warn_unused_result)) int
crdt_peers_list(struct crdt_store *s, crdt_row_fn fn, void *ctx);

#endif
