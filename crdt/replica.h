/*
 * replica.h - a member's replica: the store plus an optional identity and
 * the injected environment (clock, randomness).
 *
 * Local writes go through crdt_replica_commit(): it takes the next seq of
 * this author under BEGIN IMMEDIATE (so two kith processes never reuse a
 * seq), stamps an HLC, signs, stores and materializes in one transaction.
 *
 * HLC = physical milliseconds << 16 | logical counter.  It only orders display
 * and expiry, never conflicts (docs/DESIGN.md s3).  Remote clocks move ours
 * forward, but never by more than CRDT_HLC_MAX_DRIFT_MS ahead of our own wall
 * clock, so a laptop with a wrong clock cannot drag everyone along. meta.hlc
 * keeps the newest stamp seen (local stamps, and every applied change's stamp
 * folded in under that bound) across restarts, so a node whose clock fell back
 * (a Raspberry Pi without a real-time clock after a power cut) goes on
 * stamping just after the newest change it has seen instead of in 1970;
 * crdt_replica_newest_hlc() lets the interface warn that the clock is wrong.  A
 * local stamp is also above this author's own previous stamp, even when that
 * change came back from a bundle while the clock was behind (capped then), so
 * an author's stamps only grow along its own log.
 *
 * Own head kept outside the replica (issue 7, finding 3).  A replica file
 * can be lost, damaged or replaced by an old backup while the identity
 * survives; writing then would take seqs this author already published: a
 * fork, and either the earlier posts or the new one vanish everywhere.  So
 * a keeper (peer/keystore.h: DIR/head, next to the identity) records the
 * author's newest committed (seq, hash):
 *
 *   - crdt_replica_commit loads the record inside its write transaction
 *     and refuses with KITH_EBEHIND, writing nothing, when the replica does
 *     not hold it: this author's head here is below record.seq, or its
 *     change at record.seq has another hash.  Reads, and applying changes
 *     from others (which is how the missing ones come back: a neighbour, a
 *     bundle, a backup), are never refused.
 *   - A replica that holds more than the record is fine (the record moves
 *     up).  No record (kept by an older kith, or the head file was lost):
 *     the replica is the truth and its head is recorded.
 *   - An author already marked forked here is not held back: that fork is
 *     out and decided the same way everywhere, and a record on its losing
 *     side could never be reached again.  The replica is the truth.
 *
 * When the record is written, and the crash windows:
 *   - crdt_replica_keep_head() records the replica's own head under the
 *     write lock (BEGIN IMMEDIATE, then ROLLBACK: it writes no row), so two
 *     kith processes never move the record backwards, and it only writes
 *     when the replica holds the old record (or there is none), so a stale
 *     or lost replica never overwrites the record that protects it.
 *   - commit calls it after its own transaction committed - on disk, the
 *     store runs synchronous=FULL - and before it returns.  So the record
 *     never names a change the replica did not commit: a crash or power
 *     cut between the two leaves the record one change behind, which is
 *     fine (the next open or commit moves it up); only a replica lost in
 *     that same instant could reuse that one seq.
 *   - Open calls it too: the migration for identities without a head file,
 *     and the catch-up after such a crash.
 *   - A record that cannot be written (full disk) does not undo the
 *     committed change: commit still returns 0 and the keeper's save
 *     reports the failure to its user.
 *   - Inside a caller's transaction commit checks but cannot record (the
 *     change is not committed yet); that caller calls keep_head after its
 *     COMMIT.
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

/* The real clock and the system's randomness (crdt_crypto_random). */
extern const struct crdt_env crdt_env_system;

/* An author's head: its newest seq and that change's hash. */
struct crdt_head {
	uint64_t seq; /* 0: nothing written */
	uint8_t hash[CRDT_HASH_LEN];
};

/* Keeps this identity's own head outside the replica (see above). */
struct crdt_keeper {
	/* The record for author pk into *h; KITH_ENOTFOUND when none is kept
	 * (no file, another identity's, unreadable: the keeper decides). */
	int (*load)(void *ctx, const uint8_t pk[CRDT_PK_LEN],
		    struct crdt_head *h);
	/* Replace the record of pk (durably) by h. */
	int (*save)(void *ctx, const uint8_t pk[CRDT_PK_LEN],
		    const struct crdt_head *h);
	void *ctx;
};

struct crdt_replica {
	struct crdt_store *store;
	struct crdt_identity id; /* id.sk == NULL: read-only */
	struct crdt_env env;
	struct crdt_keeper keeper; /* load == NULL: no record kept */
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
/* The newest stamp this replica has seen or made (meta.hlc; 0 if none). */
__attribute__((warn_unused_result)) int
crdt_replica_newest_hlc(struct crdt_replica *r, uint64_t *hlc);

/*
 * This identity's head in the replica (seq 0 when it wrote nothing here);
 * held (may be NULL) is set to 1 if the replica holds the keeper's record,
 * else 0, and *rec (may be NULL) gets the record (seq 0 when none).
 */
__attribute__((warn_unused_result)) int
crdt_replica_own_head(struct crdt_replica *r, struct crdt_head *h,
		      struct crdt_head *rec, int *held);
/* Record the replica's own head with the keeper when the replica holds the
 * record (or none is kept) and the record differs; no-op without an
 * identity or keeper. */
__attribute__((warn_unused_result)) int
crdt_replica_keep_head(struct crdt_replica *r);

/*
 * Sign and apply ops as this identity's next change.  *seq (may be NULL)
 * gets the new seq: a CREATE at index i made record
 * crdt_record_id(author, seq, i).  Opens its own transaction unless one is
 * open already (then the caller commits).  KITH_EBEHIND, nothing written,
 * when the replica does not hold the keeper's record (see above).
 */
__attribute__((warn_unused_result)) int
crdt_replica_commit(struct crdt_replica *r, struct crdt_op *ops, uint32_t nops,
		    uint64_t *seq);

/* crdt_apply inside one transaction, with the HLC folded in. */
__attribute__((warn_unused_result)) int
crdt_replica_apply(struct crdt_replica *r, const struct crdt_raw *in, size_t n,
		   struct crdt_apply_stats *st);

/*
 * 1 if this handle committed a write to the replicated log since it was
 * opened - a local change (crdt_replica_commit), changes applied from a
 * bundle or a session, fork evidence - else 0.  This is what a running
 * daemon should push at once (peer_daemon_notify).  Reads never count,
 * and neither do the temp tables of crdt_community_refresh, the local
 * tables (blocks, known peers, the clock in meta) or a transaction that
 * rolled back (crdt_store_log_writes in store.h says exactly what counts).
 * Only this handle's own commits count: PRAGMA data_version would tell the
 * opposite, the commits of other connections.
 */
int crdt_replica_wrote(const struct crdt_replica *r);

#endif
