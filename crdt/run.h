/*
 * run.h - the stream of changes that bundle files and sessions carry: a
 * sequence of entries written into a sink, and parsed and applied on the
 * other side.  Bundles encrypt it into a file (crdt/bundle.h); sessions
 * send it in frames (net/session.c).
 *
 * Entries:
 *   RUN  = 1 author:32 seq:varint [prev:32 if seq > 1] count:varint
 *          { hlc_delta:svarint ops_len:varint ops sig:64 } * count
 *   RAW  = 2 len:varint "body sig"      (fork evidence)
 *   END  = 0 total:varint               (the number of changes; last)
 * A run is one author's consecutive changes: author, seq and prev are
 * implied for all but the first (the parser rebuilds each change's body,
 * crdt/change.h, and the next prev is the hash of that body), and each hlc
 * is a delta from the one before (from 0), which is what makes a signed
 * single-field edit cost about 90 bytes.
 *
 * Writing: the caller appends entries to a crdt_sink, which owns what it
 * receives.  A run is sent whole from the store: KITH_ENOTFOUND if not all
 * of it is held.
 *
 * Reading checks every entry and hands the changes to crdt_apply
 * (crdt/apply.h) in batches of about 8192 changes, inside the caller's
 * transaction; END must close the stream with the right count and nothing
 * after it, else KITH_EDECODE.  A batch ends between entries; when the
 * reader may cut runs (bundles: a run can hold an author's whole log) it
 * also ends inside a RUN, but only right after a change whose own
 * signature verifies, so each piece of a cut run reaches crdt_apply
 * vouched for by a good signature, as when a sender cuts a run
 * (crdt/apply.h).  Memory stays bounded by a batch and what the source
 * holds, not by the stream.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_RUN_H
#define KITH_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "replica.h"

/* Where written entries go; put returns 0 or a negative KITH_E* code. */
struct crdt_sink {
	int (*put)(void *ctx, const void *p, size_t n);
	void *ctx;
};

/* Append one RUN of the author's changes from..to. */
__attribute__((warn_unused_result)) int
crdt_runs_write(struct crdt_store *s, const uint8_t pk[32], uint64_t from,
		uint64_t to, struct crdt_sink *k);
/* The same for a caller that holds the author's log number n (struct
 * crdt_author) and knows from..to held: KITH_EDB if the log has a hole. */
__attribute__((warn_unused_result)) int
crdt_runs_write_log(struct crdt_store *s, int64_t n, uint64_t from,
		    uint64_t to, struct crdt_sink *k);
/*
 * How many of the author's changes from `from` on (at most max, and only
 * those held) fit in one RUN entry of at most budget bytes: *count, from
 * an upper bound of each change's size, without reading the bodies.  0 if
 * not even the first one fits; KITH_ENOTFOUND if `from` is not held.
 * Sessions use it to keep a frame under its cap (net/session.c).
 */
#define CRDT_RUN_HEAD_MAX (1 + CRDT_PK_LEN + 10 + CRDT_HASH_LEN + 10)
#define CRDT_RUN_CHANGE_EXTRA 15 /* hlc svarint + ops_len varint */
#define CRDT_RUN_END_MAX 11
__attribute__((warn_unused_result)) int
crdt_runs_fit(struct crdt_store *s, const uint8_t pk[32], uint64_t from,
	      uint64_t max, size_t budget, uint64_t *count);
/* Append a RAW entry for each piece of fork evidence held, adding their
 * number to *count. */
__attribute__((warn_unused_result)) int
crdt_runs_write_forks(struct crdt_store *s, struct crdt_sink *k,
		      uint64_t *count);
/* Append END with the number of changes written. */
__attribute__((warn_unused_result)) int crdt_runs_end(struct crdt_sink *k,
						      uint64_t total);

/* 1 if the stored change (pk, seq) carries a signature of its own that was
 * checked good on apply: a sender ends a run only on such a change (see
 * crdt/apply.h on what a run's signature vouches for).  No verification
 * here: a stretch without one is shorter than CRDT_SIG_EVERY changes. */
int crdt_runs_sig_ok(struct crdt_store *s, const uint8_t pk[32], uint64_t seq);

/* Told each RUN's author, first seq and count as it is read. */
typedef void (*crdt_run_fn)(void *ctx, const uint8_t pk[32], uint64_t first,
			    uint64_t count);

/*
 * Check and apply a whole stream held in memory (sessions), in one
 * transaction, all or nothing; runs are not cut.  on_run is optional.
 * strict: if any change is rejected, keep nothing and return KITH_ESIG
 * (sessions: a frame is applied whole or not at all); otherwise the good
 * changes are kept and the bad ones counted.  st is added to on success,
 * and on KITH_ESIG (to say what was wrong).
 */
__attribute__((warn_unused_result)) int
crdt_runs_apply(struct crdt_replica *r, const uint8_t *p, size_t n, int strict,
		struct crdt_apply_stats *st, crdt_run_fn on_run, void *ctx);

/*
 * A stream that arrives in pieces (crdt/bundle.c decrypts a file chunk by
 * chunk).  The reader reads through rd, which covers the bytes at hand,
 * and before each item calls need(ctx, rd, n) when fewer than n are left
 * in rd: need makes n bytes readable, re-initialising rd over its own
 * memory, if the stream holds that many (pointers read from rd stay valid
 * until the next call), or leaves fewer and the read fails.  unread(ctx)
 * is an upper bound of the bytes not yet in rd, to refuse counts that
 * cannot fit.
 */
struct crdt_run_src {
	void (*need)(void *ctx, struct crdt_rd *rd, size_t n);
	uint64_t (*unread)(void *ctx);
	void *ctx;
};

/*
 * Read a stream from src to its END and apply it, cutting runs as above,
 * inside a transaction the caller began (crdt_store_begin); tmp counts the
 * outcome.  Then crdt_runs_finish(r, rc, &tmp, st) ends the transaction:
 * with rc 0 it records the highest HLC seen, commits and sets *st = tmp;
 * otherwise (or if that fails) it rolls back, leaves st alone and returns
 * the error.
 */
__attribute__((warn_unused_result)) int
crdt_runs_read(struct crdt_replica *r, struct crdt_rd *rd,
	       const struct crdt_run_src *src, struct crdt_apply_stats *tmp);
__attribute__((warn_unused_result)) int
crdt_runs_finish(struct crdt_replica *r, int rc,
		 const struct crdt_apply_stats *tmp, struct crdt_apply_stats *st);

#endif
