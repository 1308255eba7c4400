/*
 * materialize.c - folding changes into the view tables (see
 * materialize.h).
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "materialize.h"
#include "rules.h"
#include "schema.h"
#include "search.h"

enum { MAT_SEEN_PUT, MAT_FTS_ITEM, MAT_FTS_WISH, MAT_TOUCH_ITEM,
       MAT_TOUCH_WISH, MAT_CHANGES, MAT_NSQL };
static const char *const mat_sql[MAT_NSQL] = {
	[MAT_SEEN_PUT] = "INSERT OR IGNORE INTO fact_seen(fact, hash)"
			 " VALUES (?1, ?2)",
	/* the words of a new post (no trigger: migration 5) */
	[MAT_FTS_ITEM] = "INSERT INTO items_fts(rowid, title, description)"
			 " VALUES (last_insert_rowid(), ?, ?)",
	[MAT_FTS_WISH] = "INSERT INTO wishes_fts(rowid, title, description)"
			 " VALUES (last_insert_rowid(), ?, ?)",
	[MAT_TOUCH_ITEM] = "UPDATE items SET updated = ?1"
			   " WHERE id = ?2 AND author = ?3",
	[MAT_TOUCH_WISH] = "UPDATE wishes SET updated = ?1"
			   " WHERE id = ?2 AND author = ?3",
	[MAT_CHANGES] = "SELECT data FROM changes ORDER BY k",
};
static const struct crdt_stmts mat_stmts = CRDT_STMTS(mat_sql);

/* Built from the schema (crdt/schema.h), once per store: the INSERT of
 * each record type, then the UPDATE of each (type, field). */
#define MAT_FIELDS 16 /* field ids 0..15 have an UPDATE */
#define MAT_INS(rtype) (rtype)
#define MAT_UPD(rtype, fid) (CRDT_R_MAX + 1 + (rtype) * MAT_FIELDS + (fid))
static const struct crdt_stmts mat_built =
	CRDT_STMTS_BUILT(MAT_UPD(CRDT_R_MAX + 1, 0));

/* INSERT for a record type: id, author, created, updated, then every field
 * column in schema order. */
static sqlite3_stmt *ins_stmt(struct crdt_store *s, const struct crdt_rschema *r)
{
	sqlite3_stmt *q = crdt_stmt_cached(s, &mat_built, MAT_INS(r->rtype));
	char sql[1024], *p = sql;
	size_t i;

	if (q)
		return q;
	p += sprintf(p, "INSERT OR IGNORE INTO %s(id, author, created, updated",
		     r->table);
	for (i = 0; i < r->nfields; i++)
		p += sprintf(p, ", %s", r->fields[i].column);
	if (r->rtype >= CRDT_R_FIRST_FACT)
		p += sprintf(p, ", chash, aseq");
	p += sprintf(p, ") VALUES (?, ?, ?, ?");
	for (i = 0; i < r->nfields; i++)
		p += sprintf(p, r->fields[i].flags & CRDT_F_STICKY
					? ", coalesce(?, 0)"
					: ", ?");
	if (r->rtype >= CRDT_R_FIRST_FACT)
		p += sprintf(p, ", ?, ?");
	sprintf(p, ")");
	return crdt_stmt_sql(s, &mat_built, MAT_INS(r->rtype), sql);
}

/* UPDATE of one field of a record, only by the record's writer.  Members
 * are keyed by their author key and upserted. */
static sqlite3_stmt *upd_stmt(struct crdt_store *s, const struct crdt_rschema *r,
			      const struct crdt_field *f)
{
	char sql[512];
	const char *c = f->column;
	sqlite3_stmt *q;

	if (f->id >= MAT_FIELDS)
		return NULL;
	q = crdt_stmt_cached(s, &mat_built, MAT_UPD(r->rtype, f->id));
	if (q)
		return q;
	if (r->rtype == CRDT_R_MEMBER)
		snprintf(sql, sizeof sql,
			 "INSERT INTO members(id, updated, %s) VALUES (?3, ?2, ?1)"
			 " ON CONFLICT(id) DO UPDATE SET %s = excluded.%s,"
			 " updated = excluded.updated",
			 c, c, c);
	else if (f->flags & CRDT_F_STICKY)
		snprintf(sql, sizeof sql,
			 "UPDATE %s SET %s = max(%s, ?1), updated = ?2"
			 " WHERE id = ?3 AND author = ?4",
			 r->table, c, c);
	else
		snprintf(sql, sizeof sql,
			 "UPDATE %s SET %s = ?1, updated = ?2"
			 " WHERE id = ?3 AND author = ?4",
			 r->table, c);
	return crdt_stmt_sql(s, &mat_built, MAT_UPD(r->rtype, f->id), sql);
}

static void bind_val(sqlite3_stmt *q, int col, const struct crdt_field *f,
		     const struct crdt_val *v)
{
	if (v->type != f->vtype)
		sqlite3_bind_null(q, col); /* wrong type: field ignored */
	else if (v->type == CRDT_V_INT)
		sqlite3_bind_int64(q, col, v->i);
	else if (f->flags & (CRDT_F_REF | CRDT_F_BLOB))
		sqlite3_bind_blob(q, col, v->p, (int)v->len, SQLITE_STATIC);
	else
		sqlite3_bind_text(q, col, (const char *)v->p, (int)v->len,
				  SQLITE_STATIC);
}

/* The full-text rows of the item or wish just inserted: words, then CJK
 * grams (crdt/search.h). */
static int fts_insert(struct crdt_store *s, const struct crdt_op *op,
		      const struct crdt_rschema *r)
{
	const struct crdt_val *text[2] = { NULL, NULL };
	int64_t rowid = sqlite3_last_insert_rowid(crdt_store_db(s));
	sqlite3_stmt *q;
	uint32_t i;
	int rc;

	q = crdt_stmt(s, &mat_stmts,
		      r->rtype == CRDT_R_ITEM ? MAT_FTS_ITEM : MAT_FTS_WISH);
	if (!q)
		return KITH_EDB;
	for (i = 0; i < op->nvals; i++) {
		const struct crdt_field *f = crdt_schema_field(r, op->vals[i].field);
		int k = !f ? -1 : !strcmp(f->column, "title") ? 0
			: !strcmp(f->column, "description") ? 1 : -1;

		if (k < 0)
			continue;
		bind_val(q, 1 + k, f, &op->vals[i]);
		if (op->vals[i].type == f->vtype && f->vtype == CRDT_V_BYTES)
			text[k] = &op->vals[i];
	}
	rc = crdt_run(s, q);
	if (!rc)
		rc = crdt_search_index(s, r->rtype, rowid,
				       text[0] ? (const char *)text[0]->p : NULL,
				       text[0] ? text[0]->len : 0,
				       text[1] ? (const char *)text[1]->p : NULL,
				       text[1] ? text[1]->len : 0);
	return rc;
}

/* One fact_seen row for each hash the fact names. */
static int seen_insert(struct crdt_store *s, const struct crdt_op *op,
		       const struct crdt_rschema *r, const uint8_t id[CRDT_ID_LEN])
{
	uint32_t i;
	size_t k;
	int rc = 0;

	for (i = 0; !rc && i < op->nvals; i++) {
		const struct crdt_val *v = &op->vals[i];
		const struct crdt_field *f = crdt_schema_field(r, v->field);

		if (!f || !(f->flags & CRDT_F_SEEN) || v->type != CRDT_V_BYTES)
			continue;
		for (k = 0; !rc && k + CRDT_HASH_LEN <= v->len;
		     k += CRDT_HASH_LEN) {
			sqlite3_stmt *q = crdt_stmt(s, &mat_stmts, MAT_SEEN_PUT);

			if (!q)
				return KITH_EDB;
			sqlite3_bind_blob(q, 1, id, CRDT_ID_LEN, SQLITE_STATIC);
			sqlite3_bind_blob(q, 2, v->p + k, CRDT_HASH_LEN,
					  SQLITE_STATIC);
			rc = crdt_run(s, q);
		}
	}
	return rc;
}

static int mat_create(struct crdt_store *s, const struct crdt_change *c,
		      const struct crdt_op *op, const struct crdt_rschema *r,
		      uint32_t idx)
{
	uint8_t id[CRDT_ID_LEN];
	sqlite3_stmt *q = ins_stmt(s, r);
	uint32_t i;
	int rc;

	if (!q)
		return KITH_EDB;
	crdt_record_id(id, c->author, c->seq, idx);
	sqlite3_bind_blob(q, 1, id, CRDT_ID_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_blob(q, 2, c->author, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (int64_t)c->hlc);
	sqlite3_bind_int64(q, 4, (int64_t)c->hlc);
	for (i = 0; i < op->nvals; i++) {
		const struct crdt_field *f = crdt_schema_field(r, op->vals[i].field);

		if (f)
			bind_val(q, 4 + f->id, f, &op->vals[i]);
	}
	if (r->rtype >= CRDT_R_FIRST_FACT) {
		sqlite3_bind_blob(q, 5 + (int)r->nfields, c->hash,
				  CRDT_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(q, 6 + (int)r->nfields, (int64_t)c->seq);
	}
	rc = crdt_run(s, q);
	if (rc || sqlite3_changes(crdt_store_db(s)) != 1)
		return rc;
	if (r->rtype >= CRDT_R_FIRST_FACT)
		return seen_insert(s, op, r, id);
	if (r->rtype != CRDT_R_ITEM && r->rtype != CRDT_R_WISH)
		return 0;
	return fts_insert(s, op, r);
}

/* An edit with no fields renews a post (its expiry counts from now). */
static int mat_touch(struct crdt_store *s, const struct crdt_change *c,
		     const struct crdt_rschema *r, const uint8_t *id,
		     size_t id_len)
{
	sqlite3_stmt *q;

	if (r->rtype != CRDT_R_ITEM && r->rtype != CRDT_R_WISH)
		return 0;
	q = crdt_stmt(s, &mat_stmts,
		      r->rtype == CRDT_R_ITEM ? MAT_TOUCH_ITEM : MAT_TOUCH_WISH);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, (int64_t)c->hlc);
	sqlite3_bind_blob(q, 2, id, (int)id_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, c->author, CRDT_PK_LEN, SQLITE_STATIC);
	return crdt_run(s, q);
}

static int mat_update(struct crdt_store *s, const struct crdt_change *c,
		      const struct crdt_op *op, const struct crdt_rschema *r,
		      const uint8_t *id, size_t id_len)
{
	uint32_t i;
	int rc, text = 0, host = -1;

	if (!op->nvals)
		return mat_touch(s, c, r, id, id_len);

	for (i = 0; i < op->nvals; i++) {
		const struct crdt_field *f = crdt_schema_field(r, op->vals[i].field);
		sqlite3_stmt *q;

		if (!f || op->vals[i].type != f->vtype)
			continue;
		if (r->rtype == CRDT_R_MEMBER && (f->id == F_MEMBER_HOST ||
						  f->id == F_MEMBER_HOST_SIG)) {
			if (host < 0)
				host = crdt_rules_host_ok(c, op);
			if (!host)
				continue; /* kept in the log, not shown */
		}
		q = upd_stmt(s, r, f);
		if (!q)
			return KITH_EDB;
		bind_val(q, 1, f, &op->vals[i]);
		sqlite3_bind_int64(q, 2, (int64_t)c->hlc);
		sqlite3_bind_blob(q, 3, id, (int)id_len, SQLITE_STATIC);
		if (r->rtype != CRDT_R_MEMBER)
			sqlite3_bind_blob(q, 4, c->author, CRDT_PK_LEN,
					  SQLITE_STATIC);
		rc = crdt_run(s, q);
		if (rc)
			return rc;
		if (sqlite3_changes(crdt_store_db(s)) == 1 &&
		    (!strcmp(f->column, "title") ||
		     !strcmp(f->column, "description")))
			text = 1;
	}
	/* the CJK grams follow an edit of the text (the words: items_au) */
	return text ? crdt_search_reindex(s, r->rtype, id) : 0;
}

int crdt_store_materialize(struct crdt_store *s, const struct crdt_change *c)
{
	uint32_t i;
	int rc = 0;

	for (i = 0; !rc && i < c->nops; i++) {
		const struct crdt_op *op = &c->ops[i];
		const struct crdt_rschema *r = crdt_schema(op->rtype);
		uint8_t id[CRDT_ID_LEN];

		if (!r)
			continue; /* a newer record type: kept, not shown */
		if (!crdt_rules_op_ok(r, op))
			continue; /* breaks a rule: kept, not shown */
		/* roles, moderation, emergencies and check-ins are facts:
		 * created once, never edited (their order derives state) */
		if (r->rtype >= CRDT_R_FIRST_FACT && op->kind != CRDT_OP_CREATE)
			continue;
		switch (op->kind) {
		case CRDT_OP_CREATE:
			if (r->rtype != CRDT_R_MEMBER)
				rc = mat_create(s, c, op, r, i);
			break;
		case CRDT_OP_OWN:
			if (r->rtype == CRDT_R_MEMBER || op->tseq > c->seq)
				break;
			crdt_record_id(id, c->author, op->tseq, op->tidx);
			rc = mat_update(s, c, op, r, id, CRDT_ID_LEN);
			break;
		case CRDT_OP_REF:
			/* only the writer's own ops count: the WHERE author = ?
			 * clause ignores everyone else's, on every replica */
			if (r->rtype == CRDT_R_MEMBER) {
				if (op->target_len == CRDT_PK_LEN &&
				    !memcmp(op->target, c->author, CRDT_PK_LEN))
					rc = mat_update(s, c, op, r, c->author,
							CRDT_PK_LEN);
				break;
			}
			rc = mat_update(s, c, op, r, op->target, op->target_len);
			break;
		case CRDT_OP_SELF:
			if (r->rtype == CRDT_R_MEMBER)
				rc = mat_update(s, c, op, r, c->author,
						CRDT_PK_LEN);
			break;
		}
	}
	return rc;
}

int crdt_store_rebuild(struct crdt_store *s)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q;
	struct crdt_change c;
	int rc, step, i;

	/* once per rebuild, a table per record type: sqlite3_exec */
	for (i = 1; i <= CRDT_R_MAX; i++) {
		char sql[64];

		snprintf(sql, sizeof sql, "DELETE FROM %s", crdt_schema(i)->table);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		if (rc)
			return crdt_store_err(s, rc);
	}
	rc = sqlite3_exec(db,
			  "DELETE FROM fact_seen;"
			  "DELETE FROM items_grams; DELETE FROM wishes_grams;"
			  "INSERT INTO items_fts(items_fts) VALUES('rebuild');"
			  "INSERT INTO wishes_fts(wishes_fts) VALUES('rebuild');",
			  NULL, NULL, NULL);
	if (rc)
		return crdt_store_err(s, rc);
	q = crdt_stmt(s, &mat_stmts, MAT_CHANGES);
	if (!q)
		return KITH_EDB;
	step = sqlite3_step(q);
	while (!rc && step == SQLITE_ROW) {
		rc = crdt_change_decode(&c, sqlite3_column_blob(q, 0),
					(size_t)sqlite3_column_bytes(q, 0));
		if (rc)
			break;
		rc = crdt_store_materialize(s, &c);
		crdt_change_release(&c);
		if (!rc)
			step = sqlite3_step(q);
	}
	if (!rc && step != SQLITE_DONE)
		rc = crdt_store_err(s, step);
	crdt_reset(q);
	return rc;
}
