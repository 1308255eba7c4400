/*
 * replica.h - a member's replica: the store plus an optional identity and
 * the injected environment (clock, randomness).
 *
 * Local writes go through crdt_replica_commit(): it takes the next seq of
 * this author under BEGIN IMMEDIATE (so two kith processes never reuse a
 * seq), stamps an HLC, signs, stores and materializes in one transaction.
 *
 * HLC = physical milliseconds << 16 | logical counter.  It only orders
 * display and expiry, never conflicts (DESIGN s3).  Remote clocks move ours
 * forward, but never by more than CRDT_HLC_MAX_DRIFT_MS ahead of our own
 * wall clock, so a laptop with a wrong clock cannot drag everyone along.
 */
#ifndef KITH_REPLICA_H
#define KITH_REPLICA_H

#include <stdint.h>

#include "apply.h"
#include "change.h"
#include "crypto.h"
#include "store.h"

#define CRDT_HLC_MAX_DRIFT_MS (3600ull * 1000)

struct crdt_env {
	uint64_t (*now_ms)(void *ctx);
	void (*random)(void *ctx, void *buf, size_t n);
	void *ctx;
};

/* The real clock and libsodium's randombytes. */
extern const struct crdt_env crdt_env_system;

struct crdt_replica {
	struct crdt_store *store;
	struct crdt_identity id; /* id.sk == NULL: read-only */
	struct crdt_env env;
};

__attribute__((warn_unused_result)) int
crdt_replica_open(struct crdt_replica *r, const char *path,
		  const struct crdt_env *env);
void crdt_replica_close(struct crdt_replica *r);

/* Next HLC for a local change (reads and updates meta.hlc). */
__attribute__((warn_unused_result)) int
crdt_replica_hlc(struct crdt_replica *r, uint64_t *hlc);
/* Fold a remote HLC into ours (bounded by the drift limit). */
__attribute__((warn_unused_result)) int
crdt_replica_observe_hlc(struct crdt_replica *r, uint64_t hlc);

/*
 * Sign and apply ops as this identity's next change.  *seq (may be NULL)
 * gets the new seq: a CREATE at index i made record
 * crdt_record_id(author, seq, i).  Opens its own transaction unless one is
 * open already (then the caller commits).
 */
__attribute__((warn_unused_result)) int
crdt_replica_commit(struct crdt_replica *r, struct crdt_op *ops, uint32_t nops,
		    uint64_t *seq);

/* crdt_apply inside one transaction, with the HLC folded in. */
__attribute__((warn_unused_result)) int
crdt_replica_apply(struct crdt_replica *r, const struct crdt_raw *in, size_t n,
		   struct crdt_apply_stats *st);

#endif
