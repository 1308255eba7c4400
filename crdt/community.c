/*
 * community.c - coordinators and verified members published to the
 * connection, the genesis author, local blocking, the roll call and the
 * urgent authors (see community.h).
 */
#include <string.h>

#include "community.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "replaced.h"
#include "schema.h"

enum {
	COM_COORD_CLEAR,
	COM_COORD_ADD,
	COM_VERIFIED_CLEAR,
	COM_VERIFIED_ADD,
	COM_GENESIS,
	COM_BLOCK,
	COM_UNBLOCK,
	COM_CHECKINS,
	COM_URGENT,
	COM_NSQL
};

/* temp.coord and temp.verified are made when the store opens (store.c),
 * before any of these is prepared. */
static const char *const community_sql[COM_NSQL] = {
	[COM_COORD_CLEAR] = "DELETE FROM temp.coord",
	[COM_COORD_ADD] = "INSERT OR IGNORE INTO temp.coord VALUES (?1)",
	[COM_VERIFIED_CLEAR] = "DELETE FROM temp.verified",
	[COM_VERIFIED_ADD] = "INSERT OR IGNORE INTO temp.verified VALUES (?1)",
	[COM_GENESIS] = "SELECT author FROM communities WHERE chash = ?1"
			" ORDER BY author LIMIT 1",
	[COM_BLOCK] = "INSERT OR IGNORE INTO blocked VALUES (?1)",
	[COM_UNBLOCK] = "DELETE FROM blocked WHERE member = ?1",
	/* the latest check-in of each member since ?2 */
	[COM_CHECKINS] =
		"SELECT lower(hex(m.id)) AS member, m.name,"
		" coalesce(m.building, '') AS building,"
		" coalesce(m.unit, '') AS unit,"
		" CASE c.status WHEN 0 THEN 'safe' WHEN 1 THEN 'need-help'"
		"  ELSE 'unknown' END AS status,"
		" (SELECT name FROM members r WHERE r.id = c.author)"
		"  AS reported_by,"
		" lower(hex(c.author)) AS reporter,"
		" c.created >> 16 AS at_ms, c.note"
		" FROM members m LEFT JOIN checkins c ON c.id ="
		"  (SELECT x.id FROM checkins x WHERE x.member = m.id"
		"   AND x.created >= ?2 AND NOT EXISTS (SELECT 1"
		"    FROM fact_seen s JOIN checkins y ON y.id = s.fact"
		"    WHERE s.hash = x.chash AND y.member = x.member"
		"    AND (x.author <> x.member OR y.author = x.member"
		"     OR y.author IN (SELECT member FROM temp.coord)))"
		"   ORDER BY x.status = 1 DESC, x.created DESC, x.id DESC"
		"   LIMIT 1)"
		" WHERE (?1 IS NULL OR m.building = ?1 COLLATE NOCASE)"
		" ORDER BY building COLLATE NOCASE, unit COLLATE NOCASE,"
		"  m.name COLLATE NOCASE, m.id",
	[COM_URGENT] =
		"SELECT author FROM wishes WHERE NOT withdrawn AND NOT confirmed"
		" AND urgency <= 1 UNION"
		" SELECT author FROM checkins WHERE status = 1 ORDER BY 1",
};
static const struct crdt_stmts community_stmts = CRDT_STMTS(community_sql);

static sqlite3_stmt *stmt(struct crdt_store *s, int id)
{
	return crdt_stmt(s, &community_stmts, id);
}

/* Statement id with member bound as ?1, run to completion. */
static int run_member(struct crdt_store *s, int id, const uint8_t member[32])
{
	sqlite3_stmt *q = stmt(s, id);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, member, 32, SQLITE_STATIC);
	return crdt_run(s, q);
}

int crdt_community_refresh(struct crdt_store *s, const uint8_t *creator,
			   struct crdt_roles *out)
{
	size_t i;
	int rc = crdt_roles_derive(s, creator, out);

	if (!rc)
		rc = crdt_replaced_sync(s, out);
	if (rc) {
		crdt_roles_release(out);
		return rc;
	}
	rc = crdt_run(s, stmt(s, COM_COORD_CLEAR));
	for (i = 0; !rc && i < out->n; i++)
		if (out->v[i].role == CRDT_ROLE_COORDINATOR)
			rc = run_member(s, COM_COORD_ADD, out->v[i].member);
	if (!rc)
		rc = crdt_run(s, stmt(s, COM_VERIFIED_CLEAR));
	for (i = 0; !rc && i < out->nver; i++)
		rc = run_member(s, COM_VERIFIED_ADD, out->ver[i].member);
	if (rc)
		crdt_roles_release(out);
	return rc;
}

int crdt_genesis_author(struct crdt_store *s, const uint8_t id[32],
			uint8_t author[32])
{
	sqlite3_stmt *q = stmt(s, COM_GENESIS);
	int rc;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, id, 32, SQLITE_STATIC);
	rc = crdt_step_row(s, q);
	if (!rc && sqlite3_column_bytes(q, 0) == 32)
		memcpy(author, sqlite3_column_blob(q, 0), 32);
	else if (!rc)
		rc = KITH_ENOTFOUND;
	crdt_reset(q);
	return rc;
}

int crdt_block(struct crdt_store *s, const uint8_t member[32], int block)
{
	return run_member(s, block ? COM_BLOCK : COM_UNBLOCK, member);
}

int crdt_checkins(struct crdt_store *s, const char *building, int64_t since_ms,
		  crdt_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = stmt(s, COM_CHECKINS);

	if (!q)
		return KITH_EDB;
	if (building)
		sqlite3_bind_text(q, 1, building, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, since_ms << 16);
	return crdt_rows(s, q, fn, ctx);
}

int crdt_urgent_authors(struct crdt_store *s, struct crdt_vector *out)
{
	return crdt_vector_select(s, &community_stmts, COM_URGENT, out);
}
