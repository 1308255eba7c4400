/*
 * replaced.c - the replay's replacements handed to the view (see
 * replaced.h).
 */
#include <string.h>

#include "change.h"
#include "codec.h"
#include "db.h"
#include "err.h"
#include "materialize.h"
#include "replaced.h"
#include "schema.h"

enum { REP_GET, REP_SET, REP_PUT, REP_CUT, REP_NSQL };
static const char *const rep_sql[REP_NSQL] = {
	[REP_GET] = "SELECT v FROM meta WHERE k = 'replaced'",
	[REP_SET] = "INSERT OR REPLACE INTO meta(k, v) VALUES ('replaced', ?1)",
	[REP_PUT] = "INSERT OR IGNORE INTO replaced(new, member, ord)"
		    " VALUES (?1, ?2, ?3)",
	[REP_CUT] = "INSERT OR IGNORE INTO cuts(key, member, ord, after)"
		    " VALUES (?1, ?2, ?3, ?4)",
};
static const struct crdt_stmts rep_stmts = CRDT_STMTS(rep_sql);
/* once per change of outcome, two tables: sqlite3_exec */
static const char rep_clear[] = "DELETE FROM replaced; DELETE FROM cuts;";

/* r's replacements as one value: each member, new key, count of cuts and
 * the cuts, in replay order. */
static int encode(const struct crdt_roles *r, struct crdt_buf *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < r->nrepl; i++) {
		const struct crdt_replacement *p = &r->repl[i];

		rc = crdt_buf_put(b, p->member, 32);
		if (!rc)
			rc = crdt_buf_put(b, p->key, 32);
		if (!rc)
			rc = crdt_buf_put_varint(b, p->ncuts);
		if (!rc && p->ncuts)
			rc = crdt_buf_put(b, p->cuts, p->ncuts * CRDT_CUT_LEN);
	}
	return rc;
}

/* 1 when the tables hold value b already, 0 when not, or an error. */
static int held(struct crdt_store *s, const struct crdt_buf *b)
{
	sqlite3_stmt *q = crdt_stmt(s, &rep_stmts, REP_GET);
	int rc = 0, same;

	if (!q)
		return KITH_EDB;
	if (crdt_next(s, q, &rc))
		same = (size_t)sqlite3_column_bytes(q, 0) == b->len &&
		       (!b->len ||
			!memcmp(sqlite3_column_blob(q, 0), b->data, b->len));
	else
		same = b->len == 0; /* none yet: none to hold */
	crdt_reset(q);
	return rc ? rc : same;
}

/* The member's place of replacement i: how many of r's first i + 1 name
 * the same member. */
static int64_t place(const struct crdt_roles *r, size_t i)
{
	int64_t n = 0;
	size_t k;

	for (k = 0; k <= i; k++)
		n += !memcmp(r->repl[k].member, r->repl[i].member, 32);
	return n;
}

static int write_rows(struct crdt_store *s, const struct crdt_roles *r)
{
	sqlite3_stmt *q;
	size_t i, k;
	int rc = sqlite3_exec(crdt_store_db(s), rep_clear, NULL, NULL, NULL);

	if (rc)
		return crdt_store_err(s, rc);
	s->replaced_any = -1; /* ask again (materialize.c) */
	for (i = 0; !rc && i < r->nrepl; i++) {
		const struct crdt_replacement *p = &r->repl[i];
		int64_t ord = place(r, i);

		q = crdt_stmt(s, &rep_stmts, REP_PUT);
		if (!q)
			return KITH_EDB;
		sqlite3_bind_blob(q, 1, p->key, 32, SQLITE_STATIC);
		sqlite3_bind_blob(q, 2, p->member, 32, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, ord);
		rc = crdt_run(s, q);
		for (k = 0; !rc && k < p->ncuts; k++) {
			const uint8_t *e = p->cuts + k * CRDT_CUT_LEN;
			uint64_t after = 0;
			int j;

			for (j = 0; j < 8; j++)
				after = after << 8 | e[32 + j];
			q = crdt_stmt(s, &rep_stmts, REP_CUT);
			if (!q)
				return KITH_EDB;
			sqlite3_bind_blob(q, 1, e, 32, SQLITE_STATIC);
			sqlite3_bind_blob(q, 2, p->member, 32, SQLITE_STATIC);
			sqlite3_bind_int64(q, 3, ord);
			sqlite3_bind_int64(q, 4, after > INT64_MAX
							 ? INT64_MAX
							 : (int64_t)after);
			rc = crdt_run(s, q);
		}
	}
	return rc;
}

int crdt_replaced_sync(struct crdt_store *s, const struct crdt_roles *r)
{
	struct crdt_buf b;
	sqlite3_stmt *q;
	int rc;

	if (crdt_store_in_tx(s))
		return 0;
	crdt_buf_init(&b, CRDT_MAX_BODY);
	rc = encode(r, &b);
	if (!rc)
		rc = held(s, &b);
	if (rc) {
		crdt_buf_release(&b);
		return rc < 0 ? rc : 0;
	}
	rc = crdt_store_begin(s);
	/* again under the write lock: another process may have done it */
	if (!rc)
		rc = held(s, &b);
	if (rc == 0) {
		rc = write_rows(s, r);
		q = rc ? NULL : crdt_stmt(s, &rep_stmts, REP_SET);
		if (!rc && !q)
			rc = KITH_EDB;
		if (!rc) {
			sqlite3_bind_blob(q, 1, b.data, (int)b.len,
					  SQLITE_STATIC);
			rc = crdt_run(s, q);
		}
		if (!rc)
			rc = crdt_store_rebuild(s);
	}
	crdt_buf_release(&b);
	if (rc < 0) {
		crdt_store_rollback(s);
		return rc;
	}
	return crdt_store_commit(s);
}
