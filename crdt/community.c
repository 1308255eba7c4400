#include <string.h>

#include "community.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "schema.h"

/* Empty a temp table of this connection and prepare the insert into it. */
static int publish_start(struct crdt_store *s, const char *clear,
			 const char *insert, sqlite3_stmt **q)
{
	sqlite3 *db = crdt_store_db(s);

	if (sqlite3_exec(db, clear, NULL, NULL, NULL) ||
	    sqlite3_prepare_v2(db, insert, -1, q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	return 0;
}

static int publish_one(struct crdt_store *s, sqlite3_stmt *q,
		       const uint8_t member[32])
{
	int rc = 0;

	sqlite3_bind_blob(q, 1, member, 32, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = crdt_store_err(s, sqlite3_errcode(crdt_store_db(s)));
	sqlite3_reset(q);
	return rc;
}

int crdt_community_refresh(struct crdt_store *s, const uint8_t *creator,
			   struct crdt_roles *out)
{
	sqlite3_stmt *q = NULL;
	size_t i;
	int rc = crdt_roles_derive(s, creator, out);

	if (rc)
		return rc;
	rc = publish_start(s, "DELETE FROM temp.coord",
			   "INSERT OR IGNORE INTO temp.coord VALUES (?1)", &q);
	for (i = 0; !rc && i < out->n; i++)
		if (out->v[i].role == CRDT_ROLE_COORDINATOR)
			rc = publish_one(s, q, out->v[i].member);
	sqlite3_finalize(q);
	q = NULL;
	if (!rc)
		rc = publish_start(s, "DELETE FROM temp.verified",
				   "INSERT OR IGNORE INTO temp.verified"
				   " VALUES (?1)",
				   &q);
	for (i = 0; !rc && i < out->nver; i++)
		rc = publish_one(s, q, out->ver[i].member);
	sqlite3_finalize(q);
	if (rc)
		crdt_roles_release(out);
	return rc;
}

int crdt_genesis_author(struct crdt_store *s, const uint8_t id[32],
			uint8_t author[32])
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(db,
			       "SELECT author FROM communities WHERE chash = ?1"
			       " ORDER BY author LIMIT 1",
			       -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	sqlite3_bind_blob(q, 1, id, 32, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(q, 0) == 32) {
		memcpy(author, sqlite3_column_blob(q, 0), 32);
		rc = 0;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		rc = KITH_ENOTFOUND;
	} else {
		rc = crdt_store_err(s, rc);
	}
	sqlite3_finalize(q);
	return rc;
}

int crdt_block(struct crdt_store *s, const uint8_t member[32], int block)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(db,
			       block ? "INSERT OR IGNORE INTO blocked VALUES (?1)"
				     : "DELETE FROM blocked WHERE member = ?1",
			       -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	sqlite3_bind_blob(q, 1, member, 32, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : crdt_store_err(s, rc);
}

int crdt_checkins(struct crdt_store *s, const char *building, int64_t since_ms,
		  crdt_row_fn fn, void *ctx)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	int rc;

	/* the latest check-in of each member since since_ms */
	if (sqlite3_prepare_v2(
		    db,
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
		    -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	if (building)
		sqlite3_bind_text(q, 1, building, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, since_ms << 16);
	rc = crdt_rows(s, q, fn, ctx);
	sqlite3_finalize(q);
	return rc;
}

int crdt_urgent_authors(struct crdt_store *s, struct crdt_vector *out)
{
	return crdt_vector_select(
		s,
		"SELECT author FROM wishes WHERE NOT withdrawn AND NOT confirmed"
		" AND urgency <= 1 UNION"
		" SELECT author FROM checkins WHERE status = 1 ORDER BY 1",
		out);
}
