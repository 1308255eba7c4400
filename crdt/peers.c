#include <string.h>

#include "db.h"
#include "err.h"
#include "peers.h"

enum { P_SEEN, P_RESULT, P_LIST, P_NSQL };
/* The writes share their parameters: ?1 addr, ?2 node, ?3 how or error,
 * ?4 sent, ?5 received, ?6 now. */
static const char *const peers_sql[P_NSQL] = {
	[P_SEEN] = "INSERT INTO peers(addr, node, how, updated)"
		   " VALUES (?1, ?2, ?3, ?6) ON CONFLICT(addr) DO UPDATE SET"
		   " node = coalesce(?2, node), how = ?3, updated = ?6",
	[P_RESULT] =
		"INSERT INTO peers(addr, node, how, sent, received, last_error,"
		" last_sync, updated) VALUES (?1, ?2, 'static', ?4, ?5, ?3,"
		" CASE WHEN ?3 IS NULL THEN ?6 END, ?6)"
		" ON CONFLICT(addr) DO UPDATE SET node = coalesce(?2, node),"
		" sent = sent + ?4, received = received + ?5, last_error = ?3,"
		" last_sync = CASE WHEN ?3 IS NULL THEN ?6 ELSE last_sync END,"
		" updated = ?6",
	[P_LIST] = "SELECT lower(hex(node)) AS node, addr, how,"
		   " last_sync, sent, received, last_error"
		   " FROM peers ORDER BY updated DESC, addr",
};
static const struct crdt_stmts peers_stmts = CRDT_STMTS(peers_sql);

static int write_row(struct crdt_store *s, int which, const char *addr,
		     const uint8_t *node, const char *text, int64_t a,
		     int64_t b, int64_t now)
{
	sqlite3_stmt *q = crdt_stmt(s, &peers_stmts, which);

	if (!q)
		return KITH_EDB;
	if (!addr)
		return KITH_EINVAL;
	sqlite3_bind_text(q, 1, addr, -1, SQLITE_STATIC);
	if (node)
		sqlite3_bind_blob(q, 2, node, 32, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(q, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, a);
	sqlite3_bind_int64(q, 5, b);
	sqlite3_bind_int64(q, 6, now);
	return crdt_run(s, q);
}

int crdt_peers_seen(struct crdt_store *s, const char *addr, const uint8_t *node,
		    const char *how, int64_t now)
{
	return write_row(s, P_SEEN, addr, node, how, 0, 0, now);
}

int crdt_peers_result(struct crdt_store *s, const char *addr,
		      const uint8_t *node, uint64_t sent, uint64_t received,
		      const char *err, int64_t now)
{
	return write_row(s, P_RESULT, addr, node, err, (int64_t)sent,
			 (int64_t)received, now);
}

int crdt_peers_list(struct crdt_store *s, crdt_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &peers_stmts, P_LIST);

	if (!q)
		return KITH_EDB;
	return crdt_rows(s, q, fn, ctx);
}
