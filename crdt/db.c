/*
 * db.c - the connection: errors, statement tables, stepping helpers and
 * transactions (see db.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "materialize.h"

/* ---- errors -------------------------------------------------------------- */

sqlite3 *crdt_store_db(struct crdt_store *s)
{
	return s->db;
}

int crdt_store_err(struct crdt_store *s, int rc)
{
	snprintf(s->errmsg, sizeof s->errmsg, "%s", sqlite3_errmsg(s->db));
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return KITH_EBUSY;
	case SQLITE_FULL:
		return KITH_EFULL;
	case SQLITE_NOMEM:
		return KITH_ENOMEM;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return KITH_EIO;
	default:
		return KITH_EDB;
	}
}

int crdt_store_errf(struct crdt_store *s, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
	va_end(ap);
	return code;
}

const char *crdt_store_errmsg(struct crdt_store *s)
{
	return s->errmsg;
}

/* ---- statement tables ---------------------------------------------------- */

/* The prepared statements of one table in one store. */
struct crdt_stmt_slots {
	const struct crdt_stmts *t;
	sqlite3_stmt **q; /* t->n of them, NULL until prepared */
};

/* The slots of t in cache c, added (all empty) on first use; NULL when
 * out of memory.  A store has about a dozen tables, and the hot ones
 * (store.c's, migrate.c's, materialize.c's) are asked for first after
 * open, so they lead the list: a short walk by address, no hashing. */
static struct crdt_stmt_slots *slots_of(struct crdt_stmt_cache *c,
					const struct crdt_stmts *t)
{
	struct crdt_stmt_slots *sl;
	int i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].t == t)
			return &c->v[i];
	if (c->n == c->cap) {
		int cap = c->cap ? 2 * c->cap : 16;
		struct crdt_stmt_slots *v = realloc(c->v, (size_t)cap * sizeof *v);

		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	sl = &c->v[c->n];
	sl->t = t;
	sl->q = calloc((size_t)(t->n ? t->n : 1), sizeof *sl->q);
	if (!sl->q)
		return NULL;
	c->n++;
	return sl;
}

/* Where slot i of t lives in s, or NULL (bad index, out of memory: then
 * the reason is kept for crdt_store_errmsg). */
static sqlite3_stmt **slot(struct crdt_store *s, const struct crdt_stmts *t,
			   int i)
{
	struct crdt_stmt_slots *sl;

	if (i < 0 || i >= t->n) {
		crdt_store_errf(s, KITH_EDB, "no statement %d in a table of %d",
				i, t->n);
		return NULL;
	}
	sl = slots_of(&s->stmts, t);
	if (!sl) {
		crdt_store_errf(s, KITH_ENOMEM, "%s", kith_strerror(KITH_ENOMEM));
		return NULL;
	}
	return &sl->q[i];
}

sqlite3_stmt *crdt_stmt_sql(struct crdt_store *s, const struct crdt_stmts *t,
			    int i, const char *sql)
{
	sqlite3_stmt **q = slot(s, t, i);

	if (!q)
		return NULL;
	if (*q)
		return *q;
	if (!sql) {
		crdt_store_errf(s, KITH_EDB, "statement %d has no text", i);
		return NULL;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, q,
			       NULL) != SQLITE_OK) {
		crdt_store_err(s, sqlite3_errcode(s->db));
		*q = NULL;
	}
	return *q;
}

sqlite3_stmt *crdt_stmt(struct crdt_store *s, const struct crdt_stmts *t,
			int i)
{
	return crdt_stmt_sql(s, t, i, t->sql && i >= 0 && i < t->n ? t->sql[i]
								   : NULL);
}

sqlite3_stmt *crdt_stmt_cached(struct crdt_store *s,
			       const struct crdt_stmts *t, int i)
{
	sqlite3_stmt **q = slot(s, t, i);

	return q ? *q : NULL;
}

void crdt_stmt_cache_release(struct crdt_stmt_cache *c)
{
	int i, j;

	for (i = c->n - 1; i >= 0; i--) {
		for (j = 0; j < c->v[i].t->n; j++)
			sqlite3_finalize(c->v[i].q[j]);
		free(c->v[i].q);
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* ---- stepping ------------------------------------------------------------ */

void crdt_reset(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

int crdt_run(struct crdt_store *s, sqlite3_stmt *q)
{
	int rc;

	if (!q)
		return KITH_EDB;
	rc = sqlite3_step(q);
	crdt_reset(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return crdt_store_err(s, rc);
	return 0;
}

int crdt_step_row(struct crdt_store *s, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? KITH_ENOTFOUND : crdt_store_err(s, rc);
}

int crdt_next(struct crdt_store *s, sqlite3_stmt *q, int *rc)
{
	int step = sqlite3_step(q);

	if (step == SQLITE_ROW)
		return 1;
	if (step != SQLITE_DONE)
		*rc = crdt_store_err(s, step);
	return 0;
}

int crdt_rows(struct crdt_store *s, sqlite3_stmt *q, crdt_row_fn fn, void *ctx)
{
	struct crdt_row row;
	int rc, cb = 0, i;

	rc = sqlite3_step(q);
	while (rc == SQLITE_ROW) {
		row.n = sqlite3_column_count(q);
		if (row.n > CRDT_MAX_COLS)
			row.n = CRDT_MAX_COLS;
		for (i = 0; i < row.n; i++) {
			struct crdt_col *c = &row.c[i];

			c->name = sqlite3_column_name(q, i);
			c->i = 0;
			c->d = 0;
			c->s = NULL;
			switch (sqlite3_column_type(q, i)) {
			case SQLITE_INTEGER:
				c->type = CRDT_COL_INT;
				c->i = sqlite3_column_int64(q, i);
				c->d = (double)c->i;
				break;
			case SQLITE_FLOAT:
				c->type = CRDT_COL_REAL;
				c->d = sqlite3_column_double(q, i);
				break;
			case SQLITE_NULL:
				c->type = CRDT_COL_NULL;
				break;
			default:
				c->type = strcmp(c->name, "claims")
						  ? CRDT_COL_TEXT
						  : CRDT_COL_JSON;
				c->s = (const char *)sqlite3_column_text(q, i);
				break;
			}
		}
		cb = fn(ctx, &row);
		if (cb)
			break;
		rc = sqlite3_step(q);
	}
	if (!cb && rc != SQLITE_DONE)
		cb = crdt_store_err(s, rc);
	crdt_reset(q);
	return cb;
}

/* ---- transactions -------------------------------------------------------- */

enum {
	DB_BEGIN,
	DB_BEGIN_READ,
	DB_COMMIT,
	DB_ROLLBACK,
	DB_DATA_VERSION,
	DB_NSQL
};

static const char *const db_sql[DB_NSQL] = {
	[DB_BEGIN] = "BEGIN IMMEDIATE",
	[DB_BEGIN_READ] = "BEGIN",
	[DB_COMMIT] = "COMMIT",
	[DB_ROLLBACK] = "ROLLBACK",
	[DB_DATA_VERSION] = "PRAGMA data_version",
};
static const struct crdt_stmts db_stmts = CRDT_STMTS(db_sql);

int crdt_store_in_tx(struct crdt_store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

int crdt_store_begin(struct crdt_store *s)
{
	s->replaced_any = -1;
	return crdt_run(s, crdt_stmt(s, &db_stmts, DB_BEGIN));
}

int crdt_store_begin_read(struct crdt_store *s)
{
	s->replaced_any = -1;
	return crdt_run(s, crdt_stmt(s, &db_stmts, DB_BEGIN_READ));
}

int crdt_store_commit(struct crdt_store *s)
{
	int rc = 0;

	if (s->view_stale) {
		/* a device removed after changes of its that are shown
		 * (materialize.c): the view as if they never were */
		s->view_stale = 0;
		rc = crdt_store_rebuild(s);
		s->view_stale = 0;
		if (rc) {
			crdt_store_rollback(s);
			return rc;
		}
	}
	s->replaced_any = -1;
	rc = crdt_run(s, crdt_stmt(s, &db_stmts, DB_COMMIT));

	if (rc) {
		crdt_store_rollback(s);
		return rc;
	}
	if (s->log_tx)
		s->log_writes++;
	s->log_tx = 0;
	return 0;
}

void crdt_store_rollback(struct crdt_store *s)
{
	s->view_stale = 0;
	s->replaced_any = -1;
	if (crdt_store_in_tx(s))
		(void)crdt_run(s, crdt_stmt(s, &db_stmts, DB_ROLLBACK));
	s->log_tx = 0;
}

void crdt_store_logged(struct crdt_store *s)
{
	if (!crdt_store_in_tx(s))
		s->log_writes++;
	else
		s->log_tx = 1;
}

uint64_t crdt_store_log_writes(const struct crdt_store *s)
{
	return s ? s->log_writes : 0;
}

int crdt_store_data_version(struct crdt_store *s, int64_t *v)
{
	sqlite3_stmt *q = crdt_stmt(s, &db_stmts, DB_DATA_VERSION);
	int rc;

	*v = 0;
	if (!q)
		return KITH_EDB;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : crdt_store_err(s, rc);
}
