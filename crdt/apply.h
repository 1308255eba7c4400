/*
 * apply.h - the one apply path for changes from anywhere (bundle, session,
 * local commit): verify, store, materialize, all inside the caller's
 * transaction (crdt_store_begin .. commit).
 *
 * Verification is per run: the input is grouped by author and split into
 * runs of consecutive seqs whose prev hashes chain; the signature of the
 * newest change of a run authenticates the whole run.  If that signature
 * fails, every change of the run is checked on its own.
 *
 * For each author, a run that continues the stored head is applied; a run
 * beyond a gap is held in `pending` and applied when the gap is filled; a
 * change equal to a stored one is a duplicate.  A different change at a
 * stored seq is a fork: the side whose change at the first differing seq
 * has the lower hash wins on every replica, the author is marked forked, the
 * loser is kept as evidence (and exported, so every replica learns of it)
 * and the view is rebuilt if it had shown the loser.
 *
 * Signatures (rules that hold on every replica alike):
 *   - a run is accepted on its newest signature, which vouches for the
 *     bodies of the whole run through the hash chain; checking every
 *     signature would cost one Ed25519 verification per change;
 *   - but every *checkpoint* change (seq a multiple of CRDT_SIG_EVERY, or
 *     a body over CRDT_SIG_BIG bytes) must carry a good signature of its
 *     own: at the first checkpoint whose signature is bad, the author's log
 *     ends at the last change before it whose own signature is good, and
 *     everything after is refused (counted in `refused`, never fatal to a
 *     session: it is the author's fault, not the sender's);
 *   - which stored signatures were checked is kept (changes.sig_ok), and a
 *     sender cuts runs only on changes whose signature was checked
 *     (crdt_runs_sig_ok).  So a stretch of unchecked signatures is shorter
 *     than CRDT_SIG_EVERY changes and CRDT_SIG_EVERY * CRDT_SIG_BIG bytes,
 *     always fits a frame, and a member who signs garbage inside a run
 *     cannot make anyone else's sync fail;
 *   - fork evidence, which is forwarded and checked alone, is checked before
 *     it is stored.
 *
 * Held changes (beyond a gap) are bounded: at most CRDT_PENDING_MAX_AUTHOR
 * per author and CRDT_PENDING_MAX in all, none more than
 * CRDT_PENDING_MAX_GAP beyond the author's head.  A run is held whole or
 * not at all; what is not held is counted in `dropped` and comes again
 * with the changes before it.
 *
 * Design: docs/DESIGN.md s3.
 */
#ifndef KITH_APPLY_H
#define KITH_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define CRDT_SIG_EVERY 64
#define CRDT_SIG_BIG 4096
#define CRDT_PENDING_MAX_AUTHOR 100000
#define CRDT_PENDING_MAX 1000000
#define CRDT_PENDING_MAX_GAP (1u << 20)

struct crdt_raw {
	const uint8_t *p; /* "body sig" */
	size_t len;
};

struct crdt_apply_stats {
	uint64_t applied;
	uint64_t duplicate;
	uint64_t rejected;   /* bad signature, bad chain, undecodable */
	uint64_t held;	     /* waiting for a gap to fill (also not rejected) */
	uint64_t refused;    /* after a bad checkpoint signature (the author's
			      * log ends before it, on every replica) */
	uint64_t dropped;    /* beyond a gap, over the bounds on held ones */
	uint64_t forked;     /* fork evidence recorded */
	uint64_t superseded; /* the losing side of a fork, after its first */
	uint64_t unchained;  /* continue a branch of the author's log we do
			      * not hold: send us the log from earlier */
	uint64_t max_hlc;    /* highest HLC among applied changes */
	/* the first author with unchained changes */
	int has_unchained;
	uint8_t unchained_pk[32];
	/* a fork we judged in favour of our own branch: the sender holds the
	 * loser and should get ours from fork_seq on */
	int has_fork_won;
	uint8_t fork_pk[32];
	uint64_t fork_seq;
};

/* Apply n changes; counts are added to *st.  Returns 0 unless the store
 * failed (then the caller rolls back); bad changes are counted, not errors. */
__attribute__((warn_unused_result)) int
crdt_apply(struct crdt_store *s, const struct crdt_raw *in, size_t n,
	   struct crdt_apply_stats *st);

/* Is c a checkpoint (its own signature must be good)? */
int crdt_is_checkpoint(const struct crdt_change *c);

/*
 * After the migration to schema 8 (meta 'recheck'): apply the checkpoint
 * rule to the logs an older kith accepted (truncating a log at a bad
 * checkpoint as above), mark the checked signatures, and rebuild the
 * view.  Runs inside its own transaction; a no-op when not needed.
 */
__attribute__((warn_unused_result)) int crdt_apply_recheck(struct crdt_store *s);

#endif
