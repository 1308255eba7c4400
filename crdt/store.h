/*
 * store.h - the SQLite file behind a replica.
 *
 * Owns the connection and every prepared statement (each module's
 * statement table, crdt/db.h: prepared once, finalized in
 * crdt_store_close).  The functions below live in two files: the
 * connection's own - errors, transactions, data_version, the count of
 * log writes - in crdt/db.c, the lowest layer; opening, closing, the
 * replicated log and meta in crdt/store.c, which sits above db.c,
 * crdt/migrate.c and crdt/search.c.  Tables:
 *
 *   meta      key/value settings (last HLC, schema notes)
 *   authors   pk -> small integer n, head seq, head hash, forked flag.
 *             (pk, head) over all authors is the version vector.
 *   changes   every applied change as "body sig", keyed n << 40 | seq
 *   pending   verified changes held until the gap before them is filled
 *             (bounded: CRDT_PENDING_MAX_AUTHOR, CRDT_PENDING_MAX)
 *   forks     the losing side of each detected fork (evidence, re-sent)
 *   peers     peers this node knows and synced with (crdt/peers.h; local,
 *             not part of the state)
 *   members items wishes claims loans   the materialized view
 *             (docs/DESIGN.md s2),
 *             with FTS5 word indexes items_fts and wishes_fts kept by
 *             triggers, and the CJK grams indexes items_grams and
 *             wishes_grams written while materializing (crdt/search.h)
 *   role_facts moderation emergencies checkins verifications   facts, with
 *             the hash (chash) and seq (aseq) of the change holding them;
 *             fact_seen: the hashes each fact names (crdt/facts.h)
 *
 * Ops that break a rule of crdt/rules.h are kept in the log and left out
 * of the view.
 *
 * The materialized tables are a pure function of the set of changes held:
 * crdt_store_rebuild() recomputes them from the change log
 * (crdt/materialize.h, included below).  The tables are built by the
 * numbered migrations of crdt/migrate.h when a store opens.
 *
 * Writers use crdt_store_begin() (BEGIN IMMEDIATE) so two processes never
 * take the same seq; readers see consistent snapshots through WAL (inside
 * crdt/, one snapshot over several statements: crdt_store_begin_read in
 * crdt/db.h).  Every transaction ends with crdt_store_commit() or
 * crdt_store_rollback(); no module of crdt/ runs BEGIN itself (the
 * statements that do are db.c's).  WAL with
 * synchronous=FULL: a commit that returned is on disk, so a post a resident
 * was told is saved survives a kill -9 and a power cut alike.
 *
 * The store is sealed: SQLite itself (the connection, statements, result
 * codes) is reached only through db.h, by the .c files of crdt/.  Everyone
 * else uses the functions of the public crdt headers.
 *
 * Log writes.  crdt_store_log_writes() counts the transactions of this
 * handle that wrote the replicated log - the changes, pending and forks
 * tables and authors' heads, i.e. what a peer could be sent - and that
 * committed (a log write outside a transaction counts at once).  It is
 * counted where those rows are written (crdt_store_put_change, _set_head,
 * _put_pending, _take_pending, _put_fork, when a row really changed) and
 * settled by crdt_store_commit / crdt_store_rollback, which end every
 * transaction that writes the log.  Writes to local tables (meta, peers,
 * blocked), the view (rebuilt from the log) and this connection's temp
 * tables do not count: they give nobody anything new.
 */
#ifndef KITH_STORE_H
#define KITH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "materialize.h" /* crdt_store_materialize, crdt_store_rebuild */

#define CRDT_SEQ_BITS 40
#define CRDT_KEY(n, seq) (((int64_t)(n) << CRDT_SEQ_BITS) | (int64_t)(seq))

struct crdt_store;

struct crdt_author {
	int64_t n; /* 0 when unknown */
	uint8_t pk[CRDT_PK_LEN];
	uint64_t head;
	uint8_t head_hash[CRDT_HASH_LEN];
	int forked;
	/* the highest HLC of its log up to its head: the stamp of its
	 * edits (crdt/materialize.h) */
	uint64_t top;
};

__attribute__((warn_unused_result)) int
crdt_store_open(struct crdt_store **out, const char *path);
/* Why the last crdt_store_open of this thread failed, for people: SQLite's
 * message or kith_strerror of its code ("" after a success). */
const char *crdt_store_open_errmsg(void);
void crdt_store_close(struct crdt_store *s);
/* Human-readable reason for the last KITH_EDB from this store. */
const char *crdt_store_errmsg(struct crdt_store *s);

__attribute__((warn_unused_result)) int crdt_store_begin(struct crdt_store *s);
/* Changes when another connection (another kith process) wrote. */
__attribute__((warn_unused_result)) int
crdt_store_data_version(struct crdt_store *s, int64_t *v);
__attribute__((warn_unused_result)) int crdt_store_commit(struct crdt_store *s);
void crdt_store_rollback(struct crdt_store *s);
/* Committed transactions of this handle that wrote the log (see above);
 * 0 for a NULL store. */
uint64_t crdt_store_log_writes(const struct crdt_store *s);

/* Look up an author; a.n == 0 and head == 0 when unknown.  With create,
 * unknown authors are inserted. */
__attribute__((warn_unused_result)) int
crdt_store_author(struct crdt_store *s, const uint8_t pk[32], int create,
		  struct crdt_author *a);
__attribute__((warn_unused_result)) int
crdt_store_set_head(struct crdt_store *s, const struct crdt_author *a);

/* Append an applied change (body||sig); sig_ok: its own signature was
 * checked and is good (crdt/apply.h: where a run may be cut). */
__attribute__((warn_unused_result)) int
crdt_store_put_change(struct crdt_store *s, int64_t n, uint64_t seq,
		      uint64_t hlc, const uint8_t *data, size_t len,
		      int sig_ok);
/* Read change (n, seq) into buf (reset first); KITH_ENOTFOUND if absent. */
__attribute__((warn_unused_result)) int
crdt_store_get_change(struct crdt_store *s, int64_t n, uint64_t seq,
		      struct crdt_buf *buf);
/* The same, and whether its signature was checked good. */
__attribute__((warn_unused_result)) int
crdt_store_get_change_sig(struct crdt_store *s, int64_t n, uint64_t seq,
			  struct crdt_buf *buf, int *sig_ok);

/* 1 if the stored change (n, seq) is marked as checked good, else 0. */
int crdt_store_sig_ok(struct crdt_store *s, int64_t n, uint64_t seq);

__attribute__((warn_unused_result)) int
crdt_store_put_pending(struct crdt_store *s, int64_t n, uint64_t seq,
		       const uint8_t *data, size_t len, int sig_ok);
__attribute__((warn_unused_result)) int
crdt_store_take_pending(struct crdt_store *s, int64_t n, uint64_t seq,
			struct crdt_buf *buf, int *sig_ok);
/* How many changes are held in pending for author n, and in all. */
__attribute__((warn_unused_result)) int
crdt_store_pending_count(struct crdt_store *s, int64_t n, uint64_t *author,
			 uint64_t *total);
__attribute__((warn_unused_result)) int
crdt_store_put_fork(struct crdt_store *s, int64_t n, uint64_t seq,
		    const uint8_t hash[32], const uint8_t *data, size_t len);
/* 1 if this exact change is known fork evidence, else 0 */
int crdt_store_is_fork(struct crdt_store *s, int64_t n, uint64_t seq,
		       const uint8_t hash[32]);

__attribute__((warn_unused_result)) int
crdt_store_meta_get_int(struct crdt_store *s, const char *key, int64_t *v);
__attribute__((warn_unused_result)) int
crdt_store_meta_set_int(struct crdt_store *s, const char *key, int64_t v);

#endif
