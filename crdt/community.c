#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community.h"
#include "crypto.h"
#include "err.h"
#include "schema.h"

static size_t find(const struct crdt_roles *r, const uint8_t m[32], int role)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].role == role && !memcmp(r->v[i].member, m, 32))
			return i;
	return (size_t)-1;
}

int crdt_roles_has(const struct crdt_roles *r, const uint8_t member[32],
		   int role)
{
	return find(r, member, role) != (size_t)-1;
}

static int add(struct crdt_roles *r, const uint8_t m[32], int role)
{
	struct crdt_role *p;

	if (crdt_roles_has(r, m, role))
		return 0;
	p = realloc(r->v, (r->n + 1) * sizeof *p);
	if (!p)
		return KITH_ENOMEM;
	r->v = p;
	memcpy(p[r->n].member, m, 32);
	p[r->n].role = (uint8_t)role;
	r->n++;
	return 0;
}

static void drop(struct crdt_roles *r, const uint8_t m[32], int role)
{
	size_t i = find(r, m, role);

	if (i != (size_t)-1)
		r->v[i] = r->v[--r->n];
}

void crdt_roles_release(struct crdt_roles *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
}

int crdt_roles_derive(struct crdt_store *s, const uint8_t *creator,
		      struct crdt_roles *out)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	int rc = 0, step;

	memset(out, 0, sizeof *out);
	if (creator)
		rc = add(out, creator, CRDT_ROLE_COORDINATOR);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db,
			       "SELECT 0, created, author, id, member, role, grant_,"
			       " NULL, NULL FROM role_facts UNION ALL"
			       " SELECT 1, created, author, id, NULL, NULL, NULL,"
			       " active, reason FROM emergencies"
			       " ORDER BY 2, 3, 4",
			       -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
		const uint8_t *author = sqlite3_column_blob(q, 2);
		const uint8_t *member = sqlite3_column_blob(q, 4);
		int role = sqlite3_column_int(q, 5);

		if (sqlite3_column_bytes(q, 2) != 32 ||
		    !crdt_roles_has(out, author, CRDT_ROLE_COORDINATOR))
			continue; /* not (or no longer) a coordinator */
		if (sqlite3_column_int(q, 0) == 1) {
			const char *why = (const char *)sqlite3_column_text(q, 8);

			out->emergency = sqlite3_column_int(q, 7) != 0;
			snprintf(out->reason, sizeof out->reason, "%s",
				 out->emergency && why ? why : "");
			out->since_ms = sqlite3_column_int64(q, 1) >> 16;
			memcpy(out->started_by, author, 32);
			continue;
		}
		if (sqlite3_column_bytes(q, 4) != 32 || role < 0 ||
		    role >= CRDT_ROLES)
			continue;
		if (sqlite3_column_int(q, 6))
			rc = add(out, member, role);
		else
			drop(out, member, role);
	}
	sqlite3_finalize(q);
	if (!rc && step != SQLITE_DONE)
		rc = crdt_store_err(s, step);
	if (rc)
		crdt_roles_release(out);
	return rc;
}

int crdt_community_refresh(struct crdt_store *s, const uint8_t *creator,
			   struct crdt_roles *out)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	size_t i;
	int rc = crdt_roles_derive(s, creator, out);

	if (rc)
		return rc;
	if (sqlite3_exec(db, "DELETE FROM temp.coord", NULL, NULL, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.coord VALUES (?1)",
			       -1, &q, NULL)) {
		crdt_roles_release(out);
		return crdt_store_err(s, sqlite3_errcode(db));
	}
	for (i = 0; !rc && i < out->n; i++) {
		if (out->v[i].role != CRDT_ROLE_COORDINATOR)
			continue;
		sqlite3_bind_blob(q, 1, out->v[i].member, 32, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = crdt_store_err(s, sqlite3_errcode(db));
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	if (rc)
		crdt_roles_release(out);
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
		    "   AND x.created >= ?2 ORDER BY x.created DESC, x.id DESC"
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
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q = NULL;
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	if (sqlite3_prepare_v2(
		    db,
		    "SELECT author FROM wishes WHERE NOT withdrawn AND NOT confirmed"
		    " AND urgency <= 1 UNION"
		    " SELECT author FROM checkins WHERE status = 1 ORDER BY 1",
		    -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(db));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(q, 0) != 32)
			continue;
		if (out->n == cap) {
			struct crdt_vv_entry *p;

			cap = cap ? 2 * cap : 16;
			p = realloc(out->v, cap * sizeof *p);
			if (!p) {
				sqlite3_finalize(q);
				crdt_vector_release(out);
				return KITH_ENOMEM;
			}
			out->v = p;
		}
		memcpy(out->v[out->n].pk, sqlite3_column_blob(q, 0), 32);
		out->v[out->n++].seq = 1;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		crdt_vector_release(out);
		return crdt_store_err(s, rc);
	}
	return 0;
}
