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
 * Signatures: a run's newest signature vouches for the bodies of the run;
 * the signatures stored with the earlier changes are not checked here
 * (that would cost one Ed25519 verification per change).  So a sender that
 * cuts a run (crdt_runs_write_checked) checks the signature at the cut, and
 * fork evidence, which is forwarded and checked alone, is checked before it
 * is stored.
 */
#ifndef KITH_APPLY_H
#define KITH_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct crdt_raw {
	const uint8_t *p; /* "body sig" */
	size_t len;
};

struct crdt_apply_stats {
	uint64_t applied;
	uint64_t duplicate;
	uint64_t rejected;   /* bad signature, bad chain, undecodable */
	uint64_t held;	     /* waiting for a gap to fill (also not rejected) */
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

#endif
