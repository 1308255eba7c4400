/*
 * vector.h - version vectors: for each author, the highest seq up to which
 * a replica holds that author's log without a gap.  A replica's vector is
 * what it holds; another replica's (read from a file a carrier brought, or
 * told in a session) says what it lacks: every change of an author past
 * crdt_vector_get(theirs, author).
 *
 * Invariants: v is sorted by pk (bytewise) and names each author at most
 * once, so lookups are binary searches; an author not named has seq 0
 * (holds nothing of that log).  The vector owns v (malloc'd); release it
 * with crdt_vector_release, which leaves an empty vector.  Every function
 * that fills a vector starts it empty and, on failure, leaves it empty with
 * nothing to release.
 *
 * File format (crdt_vector_write / crdt_vector_read), text:
 *   "kith-vector 1\n" then one "<pk as 64 lowercase hex> <seq>\n" per
 *   author, seq in 1 .. 2^CRDT_SEQ_BITS - 1.
 * Reading accepts the lines in any order, and refuses an author named twice
 * or more than 2^24 authors.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_VECTOR_H
#define KITH_VECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "store.h"

struct crdt_vv_entry {
	uint8_t pk[CRDT_PK_LEN];
	uint64_t seq;
};
struct crdt_vector {
	struct crdt_vv_entry *v; /* sorted by pk */
	size_t n;
};

/* What this replica holds: every author with a head > 0. */
__attribute__((warn_unused_result)) int
crdt_vector_load(struct crdt_store *s, struct crdt_vector *vv);
/* The seq held of pk's log: 0 if pk is not named (or vv is NULL). */
uint64_t crdt_vector_get(const struct crdt_vector *vv, const uint8_t pk[32]);
void crdt_vector_release(struct crdt_vector *vv);

/*
 * Append (pk, seq) while building a vector; *cap is the room allocated,
 * 0 at the start (with vv->v NULL).  The caller appends in pk order, or
 * sorts afterwards; KITH_ENOMEM leaves the vector as it was.
 */
__attribute__((warn_unused_result)) int
crdt_vector_append(struct crdt_vector *vv, size_t *cap, const uint8_t pk[32],
		   uint64_t seq);

/*
 * For the .c files of crdt/ (SQL stays there): fill vv from the rows of
 * statement i of the statement table t (crdt/db.h), a query without
 * parameters that selects pk, or pk and seq, in pk order without repeats;
 * a row without a seq has seq 1, a row whose pk is not CRDT_PK_LEN bytes
 * is skipped.
 */
struct crdt_stmts;
__attribute__((warn_unused_result)) int
crdt_vector_select(struct crdt_store *s, const struct crdt_stmts *t, int i,
		   struct crdt_vector *vv);

/* Write atomically (crdt/atomic.h) in the file format above. */
__attribute__((warn_unused_result)) int
crdt_vector_write(const struct crdt_vector *vv, const char *path);
/* KITH_EDECODE for a malformed file, KITH_ETOOBIG past 2^24 authors. */
__attribute__((warn_unused_result)) int
crdt_vector_read(struct crdt_vector *vv, const char *path);

#endif
