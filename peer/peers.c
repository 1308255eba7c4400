#include <string.h>

#include "crdt/err.h"
#include "peers.h"

static int exec(struct crdt_store *s, const char *sql, const char *addr,
		const uint8_t *node, const char *text, int64_t a, int64_t b,
		int64_t now)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	sqlite3_bind_text(q, 1, addr, -1, SQLITE_STATIC);
	if (node)
		sqlite3_bind_blob(q, 2, node, 32, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(q, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, a);
	sqlite3_bind_int64(q, 5, b);
	sqlite3_bind_int64(q, 6, now);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : crdt_store_err(s, rc);
}

int peer_db_seen(struct crdt_store *s, const char *addr, const uint8_t *node,
		 const char *how, int64_t now)
{
	return exec(s,
		    "INSERT INTO peers(addr, node, how, updated)"
		    " VALUES (?1, ?2, ?3, ?6) ON CONFLICT(addr) DO UPDATE SET"
		    " node = coalesce(?2, node), how = ?3, updated = ?6",
		    addr, node, how, 0, 0, now);
}

int peer_db_result(struct crdt_store *s, const char *addr, const uint8_t *node,
		   uint64_t sent, uint64_t received, const char *err,
		   int64_t now)
{
	return exec(s,
		    "INSERT INTO peers(addr, node, how, sent, received, last_error,"
		    " last_sync, updated) VALUES (?1, ?2, 'static', ?4, ?5, ?3,"
		    " CASE WHEN ?3 IS NULL THEN ?6 END, ?6)"
		    " ON CONFLICT(addr) DO UPDATE SET node = coalesce(?2, node),"
		    " sent = sent + ?4, received = received + ?5, last_error = ?3,"
		    " last_sync = CASE WHEN ?3 IS NULL THEN ?6 ELSE last_sync END,"
		    " updated = ?6",
		    addr, node, err, (int64_t)sent, (int64_t)received, now);
}

int peer_db_list(struct crdt_store *s, crdt_row_fn fn, void *ctx)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(db,
			       "SELECT lower(hex(node)) AS node, addr, how,"
			       " last_sync, sent, received, last_error"
			       " FROM peers ORDER BY updated DESC, addr",
			       -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	rc = crdt_rows(s, q, fn, ctx);
	sqlite3_finalize(q);
	return rc;
}
