/*
 * db.h - the SQLite side of the store, for the .c files of crdt/ only.
 *
 * The replica is sealed: nothing outside crdt/ sees SQLite.  The public
 * headers (store.h, query.h, ...) speak of struct crdt_store, rows handed to
 * callbacks (struct crdt_row) and KITH_E* codes; the connection, its prepared
 * statements and SQLite's result codes stay behind this header, so the rules
 * of docs/DESIGN.md s1 ("net/ never writes SQL", one place that owns the
 * schema) hold by construction.  tests/lint/layers.sh fails the build when
 * product code outside crdt/ includes this header, sqlite3.h, or calls
 * crdt_store_db().
 *
 * Test oracles and benchmarks (tests/, bench/) may include it to look at
 * the tables directly; product code asks crdt/ for what it needs.
 *
 * db.c is the lowest layer of crdt/: the connection.  It holds struct
 * crdt_store (below), the per-store statement cache, error recording
 * (crdt_store_err, _errf, _errmsg), transactions (crdt_store_begin,
 * _begin_read, _commit, _rollback, _in_tx; the public ones declared in
 * store.h) and the count of log writes they settle.  It calls nothing
 * else of crdt/: migrate.c, search.c, materialize.c and the other
 * modules sit on it, and store.c (open and close, the replicated log)
 * sits above db.c, migrate.c and search.c.
 *
 * Statement tables (db.c).  Each module that runs SQL declares its
 * statements once, as a table indexed by its own enum, and asks the store
 * for them by (table, index):
 *
 *	enum { OPS_HOURS, OPS_LEDGER, OPS_NSQL };
 *	static const char *const ops_sql[OPS_NSQL] = {
 *		[OPS_HOURS] = "SELECT ...",
 *		[OPS_LEDGER] = "SELECT ...",
 *	};
 *	static const struct crdt_stmts ops_stmts = CRDT_STMTS(ops_sql);
 *	...
 *	sqlite3_stmt *q = crdt_stmt(s, &ops_stmts, OPS_HOURS);
 *
 * The store prepares a statement on first use (SQLITE_PREPARE_PERSISTENT)
 * and keeps it for the life of the store, per store: two stores open at
 * once (tests open several replicas in one process, the daemon's workers
 * open their own) each have their own statements.  A table is known by
 * its address, so it must be a static const object; nothing global is
 * written (the store looks tables up in its own small list).
 *
 * SQL that truly varies - built from the schema of a record type
 * (materialize.c's INSERT per type, an UPDATE per field) - lives in a
 * table whose sql is NULL (or whose entry is NULL): the caller asks
 * crdt_stmt_cached() first and builds the text only when that says
 * NULL, then hands it to crdt_stmt_sql(), which prepares it into the
 * slot once.  Scripts of several statements that set up temp objects
 * (sqlite3_exec) are not statements of a table: they are run where they
 * are needed, each with a comment.
 *
 * Ownership: the store owns the connection and every statement handed out
 * by crdt_stmt() and crdt_stmt_sql(); callers reset what they stepped
 * (crdt_reset, or a helper below that resets) and never finalize it.
 * crdt_store_close() finalizes them all.
 *
 * Transactions begin one way, through db.c (store.h): writers use
 * crdt_store_begin (BEGIN IMMEDIATE); a reader that must see one
 * consistent snapshot across several statements uses
 * crdt_store_begin_read (a deferred BEGIN: no write lock, other processes
 * keep writing; WAL gives this connection the snapshot of its first
 * read).  Both end with crdt_store_commit or crdt_store_rollback.
 */
#ifndef KITH_CRDT_DB_H
#define KITH_CRDT_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "query.h"
#include "store.h"

/* ---- the connection (db.c) ---------------------------------------------- */

/* Every statement of one store, by table (the store embeds one). */
struct crdt_stmt_cache {
	struct crdt_stmt_slots *v;
	int n, cap;
};

/*
 * The store: one SQLite connection and what belongs to it.  store.c
 * opens and closes it (db, and stmts released at crdt_store_close);
 * everything else here is kept by db.c (the statements, the last error,
 * the count of log writes), and no other file touches the fields but
 * view_stale (set by materialize.c).
 */
struct crdt_store {
	sqlite3 *db;
	struct crdt_stmt_cache stmts; /* every module's statements */
	char errmsg[256];	      /* crdt_store_errmsg */
	/* crdt_store_log_writes: committed transactions that wrote the log,
	 * and whether the open one did */
	uint64_t log_writes;
	int log_tx;
	/* materialize.c: an unlink arrived for changes the view already
	 * shows; crdt_store_commit rebuilds the view before committing */
	int view_stale;
	/* materialize.c: whether table replaced has rows, known for the
	 * open transaction (-1: ask; crdt/replaced.h writes it only in a
	 * transaction of its own) */
	int replaced_any;
};

/* The store's connection (owned by the store). */
sqlite3 *crdt_store_db(struct crdt_store *s);

/* Map an SQLite result code to a KITH_E* code (and keep SQLite's message
 * for crdt_store_errmsg). */
int crdt_store_err(struct crdt_store *s, int sqlite_rc);

/* Keep a message of our own for crdt_store_errmsg; returns code. */
__attribute__((format(printf, 3, 4))) int
crdt_store_errf(struct crdt_store *s, int code, const char *fmt, ...);

/* 1 while a transaction is open on this connection (begun by anyone),
 * else 0: a function that needs one begins its own only when this is 0. */
int crdt_store_in_tx(struct crdt_store *s);

/* A deferred BEGIN: one read snapshot for several statements, without
 * the write lock (see above).  End it with crdt_store_commit or
 * crdt_store_rollback. */
__attribute__((warn_unused_result)) int
crdt_store_begin_read(struct crdt_store *s);

/* A write to the replicated log went through (store.c, where those rows
 * are written): it counts for crdt_store_log_writes once its transaction
 * commits, at once when none is open (the statement committed itself). */
void crdt_store_logged(struct crdt_store *s);

/* ---- statement tables (db.c) -------------------------------------------- */

struct crdt_stmts {
	const char *const *sql; /* sql[i]: statement i; NULL: built per slot */
	int n;			/* how many slots */
};

#define CRDT_STMTS(sql_array)                                                 \
	{ (sql_array), (int)(sizeof(sql_array) / sizeof((sql_array)[0])) }
/* A table of n slots whose text is built by the caller (crdt_stmt_sql). */
#define CRDT_STMTS_BUILT(nslots) { NULL, (nslots) }

/* Statement i of t, prepared on first use; NULL on error (the message is
 * kept for crdt_store_errmsg; callers answer KITH_EDB). */
sqlite3_stmt *crdt_stmt(struct crdt_store *s, const struct crdt_stmts *t,
			int i);
/* Slot i of t if it is prepared already, else NULL (nothing is built). */
sqlite3_stmt *crdt_stmt_cached(struct crdt_store *s,
			       const struct crdt_stmts *t, int i);
/* Slot i of t, prepared from sql when it is empty (sql is read only
 * then); NULL on error. */
sqlite3_stmt *crdt_stmt_sql(struct crdt_store *s, const struct crdt_stmts *t,
			    int i, const char *sql);

/* Finalize every statement and free the cache (crdt_store_close). */
void crdt_stmt_cache_release(struct crdt_stmt_cache *c);

/* ---- stepping (db.c) ---------------------------------------------------- */

/* Reset q and clear its bindings, ready for the next use. */
void crdt_reset(sqlite3_stmt *q);

/* Step a write statement (bound; NULL: KITH_EDB) to completion and reset
 * it: 0 or a KITH_E* code. */
int crdt_run(struct crdt_store *s, sqlite3_stmt *q);

/* Step q for its one row: 0 with the row ready to read, KITH_ENOTFOUND
 * when there is none, else a KITH_E* code.  The caller reads the columns
 * and then calls crdt_reset, whatever this returned. */
__attribute__((warn_unused_result)) int
crdt_step_row(struct crdt_store *s, sqlite3_stmt *q);
/* The next row of q, for loops over many: 1 while there is a row; 0 at
 * the end, or on an error, which is stored in *rc as a KITH_E* code (so a
 * failing step never passes for the end of the rows):
 *	while (!rc && crdt_next(s, q, &rc)) { ...columns... }
 * The caller resets q after the loop. */
int crdt_next(struct crdt_store *s, sqlite3_stmt *q, int *rc);

/*
 * Step q (bound, from a statement table) and hand each row to fn; resets
 * q.  Column values are typed from SQLite; a column named "claims" is raw
 * JSON.  Returns the first non-zero value of fn, or a KITH_E* code.
 */
__attribute__((warn_unused_result)) int
crdt_rows(struct crdt_store *s, sqlite3_stmt *q, crdt_row_fn fn, void *ctx);

/* search.c: the SQL function kith_grams(text, ...) on db, registered
 * when a store opens (crdt/search.h). */
__attribute__((warn_unused_result)) int crdt_search_register(sqlite3 *db);

#endif
