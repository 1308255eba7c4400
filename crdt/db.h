/*
 * db.h - the SQLite side of the store, for the .c files of crdt/ only.
 *
 * The replica is sealed: nothing outside crdt/ sees SQLite.  The public
 * headers (store.h, query.h, ...) speak of struct crdt_store, rows handed
 * to callbacks (struct crdt_row) and KITH_E* codes; the connection, its
 * prepared statements and SQLite's result codes stay behind this header,
 * so the rules of DESIGN s1 ("net/ never writes SQL", one place that owns
 * the schema) hold by construction.  tests/lint/layers.sh fails the build
 * when product code outside crdt/ includes this header, sqlite3.h, or
 * calls crdt_store_db().
 *
 * Test oracles and benchmarks (tests/, bench/) may include it to look at
 * the tables directly; product code asks crdt/ for what it needs.
 *
 * Ownership: the store owns the connection and every statement handed out
 * by crdt_store_stmt() (prepared once, finalized in crdt_store_close);
 * callers reset what they stepped and never finalize it.
 *
 * Prepared-statement slots (crdt_store_stmt) are split between modules:
 * query.c 0..31, ops.c 32..47 (CRDT_QSLOT_OPS), peers.c 48..51
 * (CRDT_QSLOT_PEERS), search.c 52..59 (CRDT_QSLOT_SEARCH: the CJK grams
 * index, written while materializing).
 */
#ifndef KITH_CRDT_DB_H
#define KITH_CRDT_DB_H

#include <sqlite3.h>

#include "query.h"
#include "store.h"

#define CRDT_STORE_QUERY_SLOTS 64
#define CRDT_QSLOT_OPS 32
#define CRDT_QSLOT_PEERS 48
#define CRDT_QSLOT_SEARCH 52

/* The store's connection (owned by the store). */
sqlite3 *crdt_store_db(struct crdt_store *s);

/* Prepared-once statement for a query module; NULL on error. */
sqlite3_stmt *crdt_store_stmt(struct crdt_store *s, int slot, const char *sql);

/* Map an SQLite result code to a KITH_E* code (and keep SQLite's message
 * for crdt_store_errmsg). */
int crdt_store_err(struct crdt_store *s, int sqlite_rc);

/*
 * Step q (bound, prepared by the caller) and hand each row to fn; resets
 * q.  Column values are typed from SQLite; a column named "claims" is raw
 * JSON.  Returns the first non-zero value of fn, or a KITH_E* code.
 */
__attribute__((warn_unused_result)) int
crdt_rows(struct crdt_store *s, sqlite3_stmt *q, crdt_row_fn fn, void *ctx);

/* search.c: the SQL function kith_grams(text, ...) on db, registered
 * when a store opens (crdt/search.h). */
__attribute__((warn_unused_result)) int crdt_search_register(sqlite3 *db);

#endif
