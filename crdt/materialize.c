/*
 * materialize.c - folding changes into the view tables (see
 * materialize.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "materialize.h"
#include "rules.h"
#include "schema.h"
#include "search.h"
#include "store.h"

enum { MAT_SEEN_PUT, MAT_FTS_ITEM, MAT_FTS_WISH, MAT_CHANGES, MAT_KEY_GET, MAT_KEY_PUT, MAT_TOP,
       MAT_STAMP, MAT_PARK, MAT_PARKED, MAT_UNPARK, MAT_MEMBER_TOUCH,
       MAT_UNLINK, MAT_UNLINKED, MAT_HEAD, MAT_HANDED, MAT_RESOLVE, MAT_CUT,
       MAT_ANY_REPLACED, MAT_NSQL };
static const char *const mat_sql[MAT_NSQL] = {
	[MAT_SEEN_PUT] = "INSERT OR IGNORE INTO fact_seen(fact, hash)"
			 " VALUES (?1, ?2)",
	/* the words of a new post (no trigger: migration 5) */
	[MAT_FTS_ITEM] = "INSERT INTO items_fts(rowid, title, description)"
			 " VALUES (last_insert_rowid(), ?, ?)",
	[MAT_FTS_WISH] = "INSERT INTO wishes_fts(rowid, title, description)"
			 " VALUES (last_insert_rowid(), ?, ?)",
	[MAT_CHANGES] = "SELECT data FROM changes ORDER BY k",
	/* the member a key belongs to (its first change's claim) */
	[MAT_KEY_GET] = "SELECT member FROM keys WHERE key = ?1",
	[MAT_KEY_PUT] = "INSERT OR IGNORE INTO keys(key, member)"
			" VALUES (?1, ?2)",
	/* a key's stamp: the highest HLC of its log so far */
	/* a rebuild's running stamp of a key (crdt_author.top) */
	[MAT_TOP] = "UPDATE authors SET top = max(top, ?2) WHERE pk = ?1"
		    " RETURNING top",
	/* a field's value is the one of the highest (stamp, key, seq) */
	[MAT_STAMP] = "INSERT INTO field_stamps(id, field, stamp, key, seq)"
		      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id, field)"
		      " DO UPDATE SET stamp = excluded.stamp,"
		      " key = excluded.key, seq = excluded.seq"
		      /* >=: a later op of the same change wins, as ops
		       * are folded in order */
		      " WHERE (excluded.stamp, excluded.key, excluded.seq) >="
		      " (field_stamps.stamp, field_stamps.key, field_stamps.seq)",
	/* an edit of a record not here yet: folded when it comes */
	[MAT_PARK] = "INSERT OR IGNORE INTO parked(target, author, seq, op,"
		     " who, stamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[MAT_PARKED] = "SELECT author, seq, op, who, stamp FROM parked"
		       " WHERE target = ?1 ORDER BY author, seq, op",
	[MAT_UNPARK] = "DELETE FROM parked WHERE target = ?1",
	[MAT_MEMBER_TOUCH] = "UPDATE members SET updated = ?1 WHERE id = ?2",
	/* a member removes a device: only ever earlier */
	[MAT_UNLINK] = "INSERT INTO unlinked(key, by, after) VALUES (?1, ?2, ?3)"
		       " ON CONFLICT(key, by) DO UPDATE SET after = excluded.after"
		       " WHERE excluded.after < unlinked.after",
	[MAT_HANDED] = "UPDATE members SET host = NULL, host_sig = NULL"
		       " WHERE id = ?1",
	[MAT_UNLINKED] = "SELECT after FROM unlinked WHERE key = ?1 AND by = ?2",
	[MAT_HEAD] = "SELECT head FROM authors WHERE pk = ?1",
	/* the member key ?1 (whose claim names ?2, else ?2 = ?1) writes as,
	 * the place of ?1's (or ?2's) replacement among the member's (0:
	 * none), the member's last one's (crdt_community_refresh), and
	 * whether ?1 is a replacement's new key itself */
	[MAT_RESOLVE] =
		"WITH r(m, j) AS (SELECT coalesce("
		"  (SELECT member FROM replaced WHERE new = ?1),"
		"  (SELECT member FROM replaced WHERE new = ?2), ?2),"
		" coalesce((SELECT ord FROM replaced WHERE new = ?1),"
		"  (SELECT ord FROM replaced WHERE new = ?2), 0))"
		" SELECT m, j, coalesce((SELECT max(ord) FROM replaced"
		"  WHERE member = r.m), 0),"
		" EXISTS (SELECT 1 FROM replaced WHERE new = ?1) FROM r",
	/* where key ?1 of member ?2 stops: on how many of the member's
	 * replacements after the ?3rd it is listed, and the lowest seq */
	[MAT_CUT] = "SELECT count(*), min(after) FROM cuts"
		    " WHERE key = ?1 AND member = ?2 AND ord > ?3",
	[MAT_ANY_REPLACED] = "SELECT EXISTS (SELECT 1 FROM replaced)",
};
static const struct crdt_stmts mat_stmts = CRDT_STMTS(mat_sql);

/* Built from the schema (crdt/schema.h), once per store: the INSERT of
 * each record type, the UPDATE of each (type, field), then each type's
 * owner lookup and touch. */
#define MAT_FIELDS 16 /* field ids 0..15 have an UPDATE */
#define MAT_INS(rtype) (rtype)
#define MAT_UPD(rtype, fid) (CRDT_R_MAX + 1 + (rtype) * MAT_FIELDS + (fid))
#define MAT_OWNER(rtype) (MAT_UPD(CRDT_R_MAX + 1, 0) + (rtype))
#define MAT_TOUCH(rtype) (MAT_OWNER(CRDT_R_MAX + 1) + (rtype))
static const struct crdt_stmts mat_built =
	CRDT_STMTS_BUILT(MAT_TOUCH(CRDT_R_MAX + 1));

/* What one change is folded as (docs/DESIGN.md s5): the member its key
 * belongs to (the key itself, or the member its first change claims),
 * and its stamp - the highest HLC of the key's log up to it, so that a
 * key's stamps never go back and (stamp, key, seq) orders the edits of a
 * record from several keys the same way everywhere, and one key's edits
 * by seq, as they always were. */
struct mat {
	const struct crdt_change *c;
	uint8_t who[CRDT_PK_LEN];
	int64_t stamp;
	int root; /* c's key is the member's own (theirs, or a new key a
		   * replacement gave them), not a device's */
};

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

/* UPDATE of one field of a record (?1 the value, ?2 the id, ?3 the
 * member who writes), only where that member is the record's author.
 * Members are keyed by their member key and upserted. */
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
			 "INSERT INTO members(id, %s) VALUES (?2, ?1)"
			 " ON CONFLICT(id) DO UPDATE SET %s = excluded.%s",
			 c, c, c);
	else if (f->flags & CRDT_F_STICKY)
		snprintf(sql, sizeof sql,
			 "UPDATE %s SET %s = max(%s, ?1)"
			 " WHERE id = ?2 AND author = ?3",
			 r->table, c, c);
	else
		snprintf(sql, sizeof sql,
			 "UPDATE %s SET %s = ?1 WHERE id = ?2 AND author = ?3",
			 r->table, c);
	return crdt_stmt_sql(s, &mat_built, MAT_UPD(r->rtype, f->id), sql);
}

/* A statement of the built ones (idx) made from fmt and a table's name,
 * prepared once. */
static sqlite3_stmt *table_stmt(struct crdt_store *s, int idx,
				const char *fmt, const char *table)
{
	sqlite3_stmt *q = crdt_stmt_cached(s, &mat_built, idx);
	char sql[128];

	if (q)
		return q;
	snprintf(sql, sizeof sql, fmt, table);
	return crdt_stmt_sql(s, &mat_built, idx, sql);
}

/* A record's author (?1 its id). */
static sqlite3_stmt *owner_stmt(struct crdt_store *s,
				const struct crdt_rschema *r)
{
	return table_stmt(s, MAT_OWNER(r->rtype),
			  "SELECT author FROM %s WHERE id = ?1", r->table);
}

/* A record's last edit (?1 the HLC, ?2 its id): expiry counts from it. */
static sqlite3_stmt *touch_stmt(struct crdt_store *s,
				const struct crdt_rschema *r)
{
	return table_stmt(s, MAT_TOUCH(r->rtype),
			  "UPDATE %s SET updated = ?1 WHERE id = ?2", r->table);
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

static int mat_update(struct crdt_store *s, const struct mat *m,
		      const struct crdt_op *op, const struct crdt_rschema *r,
		      const uint8_t *id, size_t id_len, int32_t park_as);

/* Edits that came before the record they edit (parked by mat_update),
 * folded now that it is here, as they would have been. */
static int unpark(struct crdt_store *s, const struct crdt_rschema *r,
		  const uint8_t *id, size_t id_len)
{
	struct parked {
		uint8_t author[CRDT_PK_LEN], who[CRDT_PK_LEN];
		uint64_t seq;
		uint32_t op;
		int64_t stamp;
	} *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	struct crdt_buf buf;
	sqlite3_stmt *q = crdt_stmt(s, &mat_stmts, MAT_PARKED);
	int rc = 0;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, id, (int)id_len, SQLITE_STATIC);
	while (crdt_next(s, q, &rc)) {
		if (sqlite3_column_bytes(q, 0) != CRDT_PK_LEN ||
		    sqlite3_column_bytes(q, 3) != CRDT_PK_LEN)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 4;
			nv = realloc(v, cap * sizeof *v);
			if (!nv) {
				rc = KITH_ENOMEM;
				break;
			}
			v = nv;
		}
		memcpy(v[n].author, sqlite3_column_blob(q, 0), CRDT_PK_LEN);
		v[n].seq = (uint64_t)sqlite3_column_int64(q, 1);
		v[n].op = (uint32_t)sqlite3_column_int64(q, 2);
		memcpy(v[n].who, sqlite3_column_blob(q, 3), CRDT_PK_LEN);
		v[n].stamp = sqlite3_column_int64(q, 4);
		n++;
	}
	crdt_reset(q);
	if (!rc && n) {
		q = crdt_stmt(s, &mat_stmts, MAT_UNPARK);
		if (!q)
			rc = KITH_EDB;
		else {
			sqlite3_bind_blob(q, 1, id, (int)id_len, SQLITE_STATIC);
			rc = crdt_run(s, q);
		}
	}
	crdt_buf_init(&buf, CRDT_MAX_BODY + CRDT_SIG_LEN);
	for (i = 0; !rc && i < n; i++) {
		struct crdt_author au;
		struct crdt_change c;
		struct mat pm;

		rc = crdt_store_author(s, v[i].author, 0, &au);
		if (!rc && au.n)
			rc = crdt_store_get_change(s, au.n, v[i].seq, &buf);
		if (rc || !au.n)
			break;
		rc = crdt_change_decode(&c, buf.data, buf.len);
		if (rc)
			break;
		pm.c = &c;
		memcpy(pm.who, v[i].who, CRDT_PK_LEN);
		pm.stamp = v[i].stamp;
		pm.root = 0; /* a record's edit: no member-key rule */
		if (v[i].op < c.nops && c.ops[v[i].op].rtype == r->rtype)
			rc = mat_update(s, &pm, &c.ops[v[i].op], r, id, id_len,
					-1);
		crdt_change_release(&c);
	}
	crdt_buf_release(&buf);
	free(v);
	return rc;
}

/* The facts whose author stays the signing key (see mat_create). */
static int keeps_key(unsigned rtype)
{
	return rtype == CRDT_R_ROLE || rtype == CRDT_R_EMERGENCY ||
	       rtype == CRDT_R_VERIFY || rtype == CRDT_R_COMMUNITY ||
	       rtype == CRDT_R_REPLACE;
}

static int mat_create(struct crdt_store *s, const struct mat *m,
		      const struct crdt_op *op, const struct crdt_rschema *r,
		      uint32_t idx)
{
	const struct crdt_change *c = m->c;
	uint8_t id[CRDT_ID_LEN];
	sqlite3_stmt *q = ins_stmt(s, r);
	uint32_t i;
	int rc;

	if (!q)
		return KITH_EDB;
	crdt_record_id(id, c->author, c->seq, idx);
	sqlite3_bind_blob(q, 1, id, CRDT_ID_LEN, SQLITE_TRANSIENT);
	/* records, check-ins and moderation carry their member; the facts
	 * of authority keep the key that signed them (crdt/facts.c chains
	 * each key's facts by its seq and maps the key to its member) */
	sqlite3_bind_blob(q, 2, keeps_key(r->rtype) ? c->author : m->who,
			  CRDT_PK_LEN, SQLITE_STATIC);
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
	if (r->rtype == CRDT_R_ITEM || r->rtype == CRDT_R_WISH)
		rc = fts_insert(s, op, r);
	return rc ? rc : unpark(s, r, id, CRDT_ID_LEN);
}

/* Whether m's edit of field of record id comes after the one shown
 * (field 0: the record's last edit): 1 yes (and it is recorded), 0 no. */
static int stamp_wins(struct crdt_store *s, const struct mat *m,
		      const uint8_t *id, size_t id_len, unsigned field)
{
	sqlite3_stmt *q = crdt_stmt(s, &mat_stmts, MAT_STAMP);
	int rc;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, id, (int)id_len, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, (int)field);
	sqlite3_bind_int64(q, 3, m->stamp);
	sqlite3_bind_blob(q, 4, m->c->author, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, (int64_t)m->c->seq);
	rc = crdt_run(s, q);
	return rc ? rc : sqlite3_changes(crdt_store_db(s)) == 1;
}

/* Who wrote record id: 1 with owner set, 0 when it is not here yet. */
static int owner_of(struct crdt_store *s, const struct crdt_rschema *r,
		    const uint8_t *id, size_t id_len, uint8_t owner[CRDT_PK_LEN])
{
	sqlite3_stmt *q = owner_stmt(s, r);
	int rc = 0, found = 0;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, id, (int)id_len, SQLITE_STATIC);
	if (crdt_next(s, q, &rc) &&
	    sqlite3_column_bytes(q, 0) == CRDT_PK_LEN) {
		memcpy(owner, sqlite3_column_blob(q, 0), CRDT_PK_LEN);
		found = 1;
	}
	crdt_reset(q);
	return rc ? rc : found;
}

static int park(struct crdt_store *s, const struct mat *m,
		const uint8_t *id, size_t id_len, uint32_t opidx)
{
	sqlite3_stmt *q = crdt_stmt(s, &mat_stmts, MAT_PARK);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, id, (int)id_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, m->c->author, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (int64_t)m->c->seq);
	sqlite3_bind_int64(q, 4, opidx);
	sqlite3_bind_blob(q, 5, m->who, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, m->stamp);
	return crdt_run(s, q);
}

/* The last edit of record id is m's (expiry counts from it). */
static int touch(struct crdt_store *s, const struct mat *m,
		 const struct crdt_rschema *r, const uint8_t *id, size_t id_len)
{
	sqlite3_stmt *q = r->rtype == CRDT_R_MEMBER
				  ? crdt_stmt(s, &mat_stmts, MAT_MEMBER_TOUCH)
				  : touch_stmt(s, r);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, (int64_t)m->c->hlc);
	sqlite3_bind_blob(q, 2, id, (int)id_len, SQLITE_STATIC);
	return crdt_run(s, q);
}

/*
 * An edit (OWN, REF or SELF op) of record id by m's member.  Only the
 * record's author's edits count (its member's, from any of its keys); a
 * field keeps the value of the edit with the highest (stamp, key, seq),
 * sticky fields only rise.  park_as >= 0: the op's index in its change,
 * and an edit of a record not here yet is kept (parked) until it comes.
 */
static int mat_update(struct crdt_store *s, const struct mat *m,
		      const struct crdt_op *op, const struct crdt_rschema *r,
		      const uint8_t *id, size_t id_len, int32_t park_as)
{
	const struct crdt_change *c = m->c;
	uint8_t owner[CRDT_PK_LEN];
	uint32_t i;
	int rc, text = 0, host = -1, any = 0;

	if (r->rtype != CRDT_R_MEMBER) {
		rc = owner_of(s, r, id, id_len, owner);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return park_as >= 0 ? park(s, m, id, id_len,
						   (uint32_t)park_as)
					    : 0;
		/* member keys, compared for the rule */
		if (memcmp(owner, m->who, CRDT_PK_LEN))
			return 0;
	}
	if (!op->nvals && r->rtype != CRDT_R_ITEM && r->rtype != CRDT_R_WISH)
		return 0;
	for (i = 0; i < op->nvals; i++) {
		const struct crdt_field *f = crdt_schema_field(r, op->vals[i].field);
		sqlite3_stmt *q;

		if (!f || op->vals[i].type != f->vtype)
			continue;
		if (r->rtype == CRDT_R_MEMBER && (f->id == F_MEMBER_ROOT ||
						  f->id == F_MEMBER_ROOT_SIG ||
						  f->id == F_MEMBER_UNLINK))
			continue; /* a key's claim or removal: mat_key */
		if (r->rtype == CRDT_R_MEMBER && f->id == F_MEMBER_HANDED) {
			/* the member's own key says no one hosts them any
			 * more */
			if (op->vals[i].i == 1 && m->root) {
				q = crdt_stmt(s, &mat_stmts, MAT_HANDED);
				if (!q)
					return KITH_EDB;
				sqlite3_bind_blob(q, 1, id, (int)id_len,
						  SQLITE_STATIC);
				rc = crdt_run(s, q);
				if (rc)
					return rc;
			}
			continue;
		}
		if (r->rtype == CRDT_R_MEMBER && (f->id == F_MEMBER_HOST ||
						  f->id == F_MEMBER_HOST_SIG)) {
			/* a member's own first change names their host */
			if (host < 0)
				host = !memcmp(m->who, c->author,
					       CRDT_PK_LEN) &&
				       crdt_rules_host_ok(c, op);
			if (!host)
				continue; /* kept in the log, not shown */
		}
		if (r->rtype == CRDT_R_MEMBER ||
		    !(f->flags & CRDT_F_STICKY)) {
			rc = stamp_wins(s, m, id, id_len, f->id);
			if (rc < 0)
				return rc;
			if (!rc)
				continue; /* a later edit is shown */
		}
		q = upd_stmt(s, r, f);
		if (!q)
			return KITH_EDB;
		bind_val(q, 1, f, &op->vals[i]);
		sqlite3_bind_blob(q, 2, id, (int)id_len, SQLITE_STATIC);
		if (r->rtype != CRDT_R_MEMBER)
			sqlite3_bind_blob(q, 3, m->who, CRDT_PK_LEN,
					  SQLITE_STATIC);
		rc = crdt_run(s, q);
		if (rc)
			return rc;
		any = 1;
		if (sqlite3_changes(crdt_store_db(s)) == 1 &&
		    (!strcmp(f->column, "title") ||
		     !strcmp(f->column, "description")))
			text = 1;
	}
	if (any || !op->nvals) {
		rc = stamp_wins(s, m, id, id_len, 0);
		if (rc < 0)
			return rc;
		if (rc && (rc = touch(s, m, r, id, id_len)))
			return rc;
	}
	/* the CJK grams follow an edit of the text (the words: items_au) */
	return text ? crdt_search_reindex(s, r->rtype, id) : 0;
}

/* A device's first change claims its member, with the member's
 * certificate (crdt_rules_root_ok): from then on, on every replica,
 * whatever else arrived first. */
static int mat_claim(struct crdt_store *s, const struct crdt_change *c)
{
	sqlite3_stmt *q;
	uint32_t i;

	for (i = 0; c->seq == 1 && i < c->nops; i++) {
		const struct crdt_op *op = &c->ops[i];
		const uint8_t *root;

		if (op->rtype != CRDT_R_MEMBER || op->kind != CRDT_OP_SELF ||
		    !crdt_rules_root_ok(c, op, &root))
			continue;
		q = crdt_stmt(s, &mat_stmts, MAT_KEY_PUT);
		if (!q)
			return KITH_EDB;
		sqlite3_bind_blob(q, 1, c->author, CRDT_PK_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(q, 2, root, CRDT_PK_LEN, SQLITE_STATIC);
		return crdt_run(s, q);
	}
	return 0;
}

/* The member key c->author belongs to (itself when it is no device). */
static int key_member(struct crdt_store *s, const uint8_t key[CRDT_PK_LEN],
		      uint8_t who[CRDT_PK_LEN])
{
	sqlite3_stmt *q = crdt_stmt(s, &mat_stmts, MAT_KEY_GET);
	int rc = 0;

	if (!q)
		return KITH_EDB;
	memcpy(who, key, CRDT_PK_LEN);
	sqlite3_bind_blob(q, 1, key, CRDT_PK_LEN, SQLITE_STATIC);
	if (crdt_next(s, q, &rc) && sqlite3_column_bytes(q, 0) == CRDT_PK_LEN)
		memcpy(who, sqlite3_column_blob(q, 0), CRDT_PK_LEN);
	crdt_reset(q);
	return rc;
}

/* Whose a key is, as the view counts it. */
struct key_of {
	uint8_t who[CRDT_PK_LEN]; /* the member it writes as */
	uint64_t after;		  /* its changes past this seq count nowhere
				   * (a replacement cut it; else UINT64_MAX) */
	int root;		  /* the member's own key or a new key a
				   * replacement gave them, not a device */
};

/*
 * Whose key is: its claim's member (key_member), or the member a
 * replacement gave it or its claim's member (crdt/facts.h rule 8, as
 * crdt_community_refresh wrote the replay's outcome).  A key of a member
 * whose key was replaced since it was theirs stops where each later
 * replacement's cut list says (the lowest; nowhere listed: after 0).
 */
static int key_of(struct crdt_store *s, const uint8_t key[CRDT_PK_LEN],
		  struct key_of *k)
{
	uint8_t claim[CRDT_PK_LEN];
	sqlite3_stmt *q;
	int64_t j = 0, last = 0;
	int rc = key_member(s, key, claim), itself = 0;

	if (rc)
		return rc;
	k->after = UINT64_MAX;
	memcpy(k->who, claim, CRDT_PK_LEN);
	/* public keys, compared: no claim */
	k->root = !memcmp(claim, key, CRDT_PK_LEN);
	/* no replacement at all, as in most communities: nothing more to
	 * ask (once per transaction) */
	if (s->replaced_any < 0 || !crdt_store_in_tx(s)) {
		q = crdt_stmt(s, &mat_stmts, MAT_ANY_REPLACED);
		if (!q)
			return KITH_EDB;
		s->replaced_any = crdt_next(s, q, &rc) &&
				  sqlite3_column_int(q, 0);
		crdt_reset(q);
		if (rc)
			return rc;
	}
	if (!s->replaced_any)
		return 0;
	q = crdt_stmt(s, &mat_stmts, MAT_RESOLVE);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, key, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, claim, CRDT_PK_LEN, SQLITE_STATIC);
	if (crdt_next(s, q, &rc) && sqlite3_column_bytes(q, 0) == CRDT_PK_LEN) {
		memcpy(k->who, sqlite3_column_blob(q, 0), CRDT_PK_LEN);
		j = sqlite3_column_int64(q, 1);
		last = sqlite3_column_int64(q, 2);
		itself = sqlite3_column_int(q, 3);
	}
	crdt_reset(q);
	/* or a replacement's new key */
	k->root = k->root || itself;
	if (rc || j >= last)
		return rc;
	q = crdt_stmt(s, &mat_stmts, MAT_CUT);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, key, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, k->who, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, j);
	k->after = 0;
	if (crdt_next(s, q, &rc) && sqlite3_column_int64(q, 0) == last - j)
		k->after = (uint64_t)sqlite3_column_int64(q, 1);
	crdt_reset(q);
	return rc;
}

/*
 * A member's own key (never a device's; a new key a replacement gave
 * them counts as theirs) removes one of their devices: F_MEMBER_UNLINK
 * in a valid member op, the device's key and the seq after which its
 * changes count no more.  Kept whether or not the device's claim is here
 * yet (what counts is asked when its changes are folded, mat_key); when
 * the view already shows changes it now drops, it is rebuilt when the
 * transaction commits (db.h: view_stale).
 */
static int mat_unlinks(struct crdt_store *s, const struct crdt_change *c)
{
	struct key_of me;
	uint32_t i, k;
	int rc = 0, any = 0;

	for (i = 0; i < c->nops; i++)
		for (k = 0; k < c->ops[i].nvals; k++)
			any |= c->ops[i].rtype == CRDT_R_MEMBER &&
			       c->ops[i].vals[k].field == F_MEMBER_UNLINK;
	if (!any)
		return 0;
	rc = key_of(s, c->author, &me);
	if (rc || !me.root || c->seq > me.after)
		return rc;
	for (i = 0; !rc && i < c->nops; i++) {
		const struct crdt_op *op = &c->ops[i];

		if (op->rtype != CRDT_R_MEMBER || op->kind != CRDT_OP_SELF ||
		    !crdt_rules_op_ok(crdt_schema(CRDT_R_MEMBER), op))
			continue;
		for (k = 0; !rc && k < op->nvals; k++) {
			const struct crdt_val *v = &op->vals[k];
			struct key_of dev;
			uint64_t after = 0;
			sqlite3_stmt *q;
			int j;

			if (v->field != F_MEMBER_UNLINK ||
			    v->type != CRDT_V_BYTES ||
			    v->len != CRDT_PK_LEN + 8 ||
			    !memcmp(v->p, c->author, CRDT_PK_LEN))
				continue;
			for (j = 0; j < 8; j++)
				after = after << 8 | v->p[CRDT_PK_LEN + j];
			if (after > INT64_MAX)
				after = INT64_MAX;
			q = crdt_stmt(s, &mat_stmts, MAT_UNLINK);
			if (!q)
				return KITH_EDB;
			sqlite3_bind_blob(q, 1, v->p, CRDT_PK_LEN, SQLITE_STATIC);
			sqlite3_bind_blob(q, 2, me.who, CRDT_PK_LEN,
					  SQLITE_STATIC);
			sqlite3_bind_int64(q, 3, (int64_t)after);
			rc = crdt_run(s, q);
			if (rc || sqlite3_changes(crdt_store_db(s)) != 1)
				continue;
			/* does the view show changes of that device of the
			 * member past after? */
			rc = key_of(s, v->p, &dev);
			if (rc || dev.root ||
			    memcmp(dev.who, me.who, CRDT_PK_LEN))
				continue;
			q = crdt_stmt(s, &mat_stmts, MAT_HEAD);
			if (!q)
				return KITH_EDB;
			sqlite3_bind_blob(q, 1, v->p, CRDT_PK_LEN, SQLITE_STATIC);
			if (crdt_next(s, q, &rc) &&
			    (uint64_t)sqlite3_column_int64(q, 0) > after)
				s->view_stale = 1;
			crdt_reset(q);
		}
	}
	return rc;
}

/* Which member c's key belongs to, and c's stamp (struct mat); 1 when
 * c is a change its member removed the device before (nothing of it is
 * shown), 2 when a replacement cut its key before it (only its facts of
 * authority are folded: crdt/facts.c voids them by the same rule), else
 * 0. */
static int mat_key(struct crdt_store *s, const struct crdt_change *c,
		   uint64_t stamp, struct mat *m)
{
	struct key_of k;
	sqlite3_stmt *q;
	int rc = mat_claim(s, c);

	m->c = c;
	m->stamp = (int64_t)stamp;
	if (!rc)
		rc = mat_unlinks(s, c);
	if (!rc)
		rc = key_of(s, c->author, &k);
	if (rc)
		return rc;
	memcpy(m->who, k.who, CRDT_PK_LEN);
	m->root = k.root;
	/* public keys, compared: a device's change after its removal */
	if (!k.root) {
		int gone = 0;

		q = crdt_stmt(s, &mat_stmts, MAT_UNLINKED);
		if (!q)
			return KITH_EDB;
		sqlite3_bind_blob(q, 1, c->author, CRDT_PK_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(q, 2, m->who, CRDT_PK_LEN, SQLITE_STATIC);
		if (crdt_next(s, q, &rc))
			gone = c->seq > (uint64_t)sqlite3_column_int64(q, 0);
		crdt_reset(q);
		if (rc || gone)
			return rc ? rc : 1;
	}
	return c->seq > k.after ? 2 : 0;
}

int crdt_store_key_use(struct crdt_store *s, const uint8_t key[32],
		       struct crdt_key_use *u)
{
	struct key_of k;
	sqlite3_stmt *q;
	int rc = key_of(s, key, &k);

	memset(u, 0, sizeof *u);
	if (rc)
		return rc;
	memcpy(u->who, k.who, CRDT_PK_LEN);
	u->after = k.after;
	u->replaced = k.after != UINT64_MAX;
	u->own = k.root;
	if (k.root)
		return 0;
	q = crdt_stmt(s, &mat_stmts, MAT_UNLINKED);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, key, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, k.who, CRDT_PK_LEN, SQLITE_STATIC);
	if (crdt_next(s, q, &rc)) {
		uint64_t after = (uint64_t)sqlite3_column_int64(q, 0);

		u->removed = 1;
		if (after < u->after)
			u->after = after;
	}
	crdt_reset(q);
	return rc;
}

int crdt_store_materialize(struct crdt_store *s, const struct crdt_change *c,
			   uint64_t stamp)
{
	struct mat m;
	uint32_t i;
	int rc = mat_key(s, c, stamp, &m), cut = rc == 2;

	if (rc == 1)
		return 0; /* a removed device's: kept in the log, not shown */
	if (cut)
		rc = 0;

	for (i = 0; !rc && i < c->nops; i++) {
		const struct crdt_op *op = &c->ops[i];
		const struct crdt_rschema *r = crdt_schema(op->rtype);
		uint8_t id[CRDT_ID_LEN];

		if (!r)
			continue; /* a newer record type: kept, not shown */
		if (cut && (op->kind != CRDT_OP_CREATE || !keeps_key(r->rtype)))
			continue; /* a lost key's: crdt/facts.c rule 8 */
		if (!crdt_rules_op_ok(r, op))
			continue; /* breaks a rule: kept, not shown */
		/* roles, moderation, emergencies and check-ins are facts:
		 * created once, never edited (their order derives state) */
		if (r->rtype >= CRDT_R_FIRST_FACT && op->kind != CRDT_OP_CREATE)
			continue;
		switch (op->kind) {
		case CRDT_OP_CREATE:
			if (r->rtype != CRDT_R_MEMBER)
				rc = mat_create(s, &m, op, r, i);
			break;
		case CRDT_OP_OWN:
			if (r->rtype == CRDT_R_MEMBER || op->tseq > c->seq)
				break;
			crdt_record_id(id, c->author, op->tseq, op->tidx);
			rc = mat_update(s, &m, op, r, id, CRDT_ID_LEN, -1);
			break;
		case CRDT_OP_REF:
			/* only the writer's own ops count: mat_update asks
			 * whose record it is, on every replica */
			if (r->rtype == CRDT_R_MEMBER) {
				/* a profile: one's own, by member or key */
				if (op->target_len == CRDT_PK_LEN &&
				    (!memcmp(op->target, c->author,
					     CRDT_PK_LEN) ||
				     !memcmp(op->target, m.who, CRDT_PK_LEN)))
					rc = mat_update(s, &m, op, r, m.who,
							CRDT_PK_LEN, -1);
				break;
			}
			rc = mat_update(s, &m, op, r, op->target,
					op->target_len, (int32_t)i);
			break;
		case CRDT_OP_SELF:
			if (r->rtype == CRDT_R_MEMBER)
				rc = mat_update(s, &m, op, r, m.who,
						CRDT_PK_LEN, -1);
			break;
		}
	}
	return rc;
}

/* Fold c again, its key's stamp counted as it goes (authors.top). */
static int rebuild_one(struct crdt_store *s, const struct crdt_change *c)
{
	sqlite3_stmt *q = crdt_stmt(s, &mat_stmts, MAT_TOP);
	uint64_t top = c->hlc;
	int rc = 0;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, c->author, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (int64_t)c->hlc);
	if (crdt_next(s, q, &rc))
		top = (uint64_t)sqlite3_column_int64(q, 0);
	crdt_reset(q);
	return rc ? rc : crdt_store_materialize(s, c, top);
}

int crdt_store_rebuild(struct crdt_store *s)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *q;
	struct crdt_change c;
	int rc, step, i, pass;

	/* once per rebuild, a table per record type: sqlite3_exec */
	for (i = 1; i <= CRDT_R_MAX; i++) {
		char sql[64];

		snprintf(sql, sizeof sql, "DELETE FROM %s", crdt_schema(i)->table);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		if (rc)
			return crdt_store_err(s, rc);
	}
	rc = sqlite3_exec(db,
			  "DELETE FROM fact_seen; DELETE FROM keys;"
			  "UPDATE authors SET top = 0; DELETE FROM field_stamps;"
			  "DELETE FROM parked; DELETE FROM unlinked;"
			  "DELETE FROM items_grams; DELETE FROM wishes_grams;"
			  "INSERT INTO items_fts(items_fts) VALUES('rebuild');"
			  "INSERT INTO wishes_fts(wishes_fts) VALUES('rebuild');",
			  NULL, NULL, NULL);
	if (rc)
		return crdt_store_err(s, rc);
	/* two passes: first which keys are devices of whom and which were
	 * removed when (a removal may come after the changes it drops),
	 * then the view */
	for (pass = 0; !rc && pass < 2; pass++) {
		q = crdt_stmt(s, &mat_stmts, MAT_CHANGES);
		if (!q)
			return KITH_EDB;
		step = sqlite3_step(q);
		while (!rc && step == SQLITE_ROW) {
			rc = crdt_change_decode(&c, sqlite3_column_blob(q, 0),
						(size_t)sqlite3_column_bytes(q,
									     0));
			if (rc)
				break;
			rc = pass ? rebuild_one(s, &c) : mat_claim(s, &c);
			if (!rc && !pass)
				rc = mat_unlinks(s, &c);
			crdt_change_release(&c);
			if (!rc)
				step = sqlite3_step(q);
		}
		if (!rc && step != SQLITE_DONE)
			rc = crdt_store_err(s, step);
		crdt_reset(q);
	}
	s->view_stale = 0; /* rebuilt just now */
	return rc;
}
