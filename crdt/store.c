/*
 * store.c - the store proper: opening and closing the file, and the
 * replicated log and meta settings (see store.h).  The connection's
 * errors, statements and transactions are db.c's, the schema
 * migrate.c's, the view materialize.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "migrate.h"
#include "store.h"

enum {
	ST_AUTHOR_GET,
	ST_AUTHOR_ADD,
	ST_AUTHOR_SET,
	ST_CHANGE_PUT,
	ST_CHANGE_GET,
	ST_PENDING_PUT,
	ST_PENDING_GET,
	ST_PENDING_DEL,
	ST_PENDING_COUNT,
	ST_CHANGE_SIG,
	ST_FORK_PUT,
	ST_FORK_HAS,
	ST_META_GET,
	ST_META_SET,
	ST_NSQL
};

static const char *const store_sql[ST_NSQL] = {
	[ST_AUTHOR_GET] = "SELECT n, head, head_hash, forked, top FROM authors"
			  " WHERE pk = ?1",
	[ST_AUTHOR_ADD] = "INSERT INTO authors(pk) VALUES (?1)",
	[ST_AUTHOR_SET] = "UPDATE authors SET head = ?2, head_hash = ?3,"
			  " forked = ?4, top = ?5 WHERE n = ?1",
	[ST_CHANGE_PUT] = "INSERT INTO changes(k, hlc, data, sig_ok)"
			  " VALUES (?1, ?2, ?3, ?4)",
	[ST_CHANGE_GET] = "SELECT data, sig_ok FROM changes WHERE k = ?1",
	[ST_CHANGE_SIG] = "SELECT sig_ok FROM changes WHERE k = ?1",
	[ST_PENDING_PUT] = "INSERT OR IGNORE INTO pending(n, seq, data, sig_ok)"
			   " VALUES (?1, ?2, ?3, ?4)",
	[ST_PENDING_GET] = "SELECT data, sig_ok FROM pending"
			   " WHERE n = ?1 AND seq = ?2",
	[ST_PENDING_COUNT] = "SELECT (SELECT count(*) FROM pending WHERE n = ?1),"
			     " (SELECT count(*) FROM pending)",
	[ST_PENDING_DEL] = "DELETE FROM pending WHERE n = ?1 AND seq <= ?2",
	[ST_FORK_PUT] = "INSERT OR IGNORE INTO forks(n, seq, hash, data)"
			" VALUES (?1, ?2, ?3, ?4)",
	[ST_FORK_HAS] = "SELECT 1 FROM forks WHERE n = ?1 AND seq = ?2"
			" AND hash = ?3",
	[ST_META_GET] = "SELECT v FROM meta WHERE k = ?1",
	[ST_META_SET] = "INSERT OR REPLACE INTO meta(k, v) VALUES (?1, ?2)",
};
static const struct crdt_stmts store_stmts = CRDT_STMTS(store_sql);

static sqlite3_stmt *stmt(struct crdt_store *s, int id)
{
	return crdt_stmt(s, &store_stmts, id);
}

/* crdt_run() for a statement that writes the replicated log. */
static int log_run(struct crdt_store *s, sqlite3_stmt *q)
{
	int rc = crdt_run(s, q);

	if (!rc && sqlite3_changes(s->db) > 0)
		crdt_store_logged(s);
	return rc;
}

/* crdt_store_open_errmsg: one per thread (the daemon's workers open
 * stores too) */
static _Thread_local char open_err[256];

/* Open the file at path: a raw SQLite code (s->db may be set even on
 * failure, as sqlite3_open_v2 leaves it). */
static int connect_db(struct crdt_store *s, const char *path)
{
	int rc = sqlite3_open_v2(path, &s->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					 SQLITE_OPEN_NOMUTEX,
				 NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 10000);
	return SQLITE_OK;
}

/* The connection's settings: a raw SQLite code.  A full disk has no room
 * for the -shm index a WAL reader needs: then (full) keep that index in
 * this process's memory (exclusive locking mode, set before the first
 * read), so that reading still works.  Temp tables and sorts stay in
 * memory always. */
static int configure(sqlite3 *db, int full)
{
	int rc = SQLITE_OK;

	if (full)
		rc = sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE", NULL,
				  NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db,
				  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				  "PRAGMA wal_autocheckpoint=4000;"
				  "PRAGMA cache_size=-8000; PRAGMA temp_store=MEMORY;"
				  "PRAGMA foreign_keys=OFF;",
				  NULL, NULL, NULL);
	return rc;
}

int crdt_store_open(struct crdt_store **out, const char *path)
{
	struct crdt_store *s;
	int rc;

	*out = NULL;
	open_err[0] = 0;
	s = calloc(1, sizeof *s);
	if (!s) {
		rc = KITH_ENOMEM;
		goto out;
	}
	s->replaced_any = -1;
	rc = connect_db(s, path);
	if (rc == SQLITE_OK) {
		rc = configure(s->db, 0);
		/* out of disk space: again, with the index in memory */
		if ((rc & 0xff) == SQLITE_IOERR || rc == SQLITE_FULL) {
			sqlite3_close(s->db);
			s->db = NULL;
			rc = connect_db(s, path);
			if (rc == SQLITE_OK)
				rc = configure(s->db, 1);
		}
	}
	if (rc != SQLITE_OK) {
		rc = s->db ? crdt_store_err(s, rc) : KITH_ENOMEM;
		goto out;
	}
	rc = crdt_search_register(s->db);
	if (!rc)
		rc = crdt_migrate(s);
	if (rc)
		goto out;
	/* this connection's current coordinators and verified members
	 * (crdt/community.h): a script, once per open */
	rc = sqlite3_exec(s->db, "CREATE TEMP TABLE coord(member BLOB PRIMARY KEY)"
			  " WITHOUT ROWID;"
			  "CREATE TEMP TABLE verified(member BLOB PRIMARY KEY)"
			  " WITHOUT ROWID", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		rc = crdt_store_err(s, rc);
out:
	if (rc) {
		if (s && crdt_store_errmsg(s)[0] == 0 && s->db)
			crdt_store_errf(s, rc, "%s", sqlite3_errmsg(s->db));
		snprintf(open_err, sizeof open_err, "%s",
			 s && crdt_store_errmsg(s)[0] ? crdt_store_errmsg(s)
						      : kith_strerror(rc));
		crdt_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

const char *crdt_store_open_errmsg(void)
{
	return open_err;
}

void crdt_store_close(struct crdt_store *s)
{
	if (!s)
		return;
	crdt_stmt_cache_release(&s->stmts);
	sqlite3_close(s->db);
	free(s);
}

int crdt_store_author(struct crdt_store *s, const uint8_t pk[32], int create,
		      struct crdt_author *a)
{
	sqlite3_stmt *q = stmt(s, ST_AUTHOR_GET);
	int rc;

	memset(a, 0, sizeof *a);
	memcpy(a->pk, pk, CRDT_PK_LEN);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, pk, CRDT_PK_LEN, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		a->n = sqlite3_column_int64(q, 0);
		a->head = (uint64_t)sqlite3_column_int64(q, 1);
		if (sqlite3_column_bytes(q, 2) == CRDT_HASH_LEN)
			memcpy(a->head_hash, sqlite3_column_blob(q, 2),
			       CRDT_HASH_LEN);
		a->forked = sqlite3_column_int(q, 3);
		a->top = (uint64_t)sqlite3_column_int64(q, 4);
	}
	crdt_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crdt_store_err(s, rc);
	if (rc == SQLITE_DONE && create) {
		q = stmt(s, ST_AUTHOR_ADD);
		if (!q)
			return KITH_EDB;
		sqlite3_bind_blob(q, 1, pk, CRDT_PK_LEN, SQLITE_STATIC);
		rc = crdt_run(s, q);
		if (rc)
			return rc;
		a->n = sqlite3_last_insert_rowid(s->db);
	}
	return 0;
}

int crdt_store_set_head(struct crdt_store *s, const struct crdt_author *a)
{
	sqlite3_stmt *q = stmt(s, ST_AUTHOR_SET);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, a->n);
	sqlite3_bind_int64(q, 2, (int64_t)a->head);
	if (a->head)
		sqlite3_bind_blob(q, 3, a->head_hash, CRDT_HASH_LEN,
				  SQLITE_STATIC);
	sqlite3_bind_int(q, 4, a->forked);
	sqlite3_bind_int64(q, 5, (int64_t)a->top);
	return log_run(s, q);
}

int crdt_store_put_change(struct crdt_store *s, int64_t n, uint64_t seq,
			  uint64_t hlc, const uint8_t *data, size_t len,
			  int sig_ok)
{
	sqlite3_stmt *q = stmt(s, ST_CHANGE_PUT);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, CRDT_KEY(n, seq));
	sqlite3_bind_int64(q, 2, (int64_t)hlc);
	sqlite3_bind_blob(q, 3, data, (int)len, SQLITE_STATIC);
	if (sig_ok)
		sqlite3_bind_int(q, 4, 1);
	return log_run(s, q);
}

/* Column 0 into buf; column 1 (sig_ok) into *sig_ok when asked. */
static int get_blob(struct crdt_store *s, sqlite3_stmt *q,
		    struct crdt_buf *buf, int *sig_ok)
{
	int rc = crdt_step_row(s, q);

	crdt_buf_reset(buf);
	if (sig_ok)
		*sig_ok = 0;
	if (!rc) {
		rc = crdt_buf_put(buf, sqlite3_column_blob(q, 0),
				  (size_t)sqlite3_column_bytes(q, 0));
		if (sig_ok)
			*sig_ok = sqlite3_column_int(q, 1) == 1;
	}
	crdt_reset(q);
	return rc;
}

int crdt_store_get_change_sig(struct crdt_store *s, int64_t n, uint64_t seq,
			      struct crdt_buf *buf, int *sig_ok)
{
	sqlite3_stmt *q = stmt(s, ST_CHANGE_GET);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, CRDT_KEY(n, seq));
	return get_blob(s, q, buf, sig_ok);
}

int crdt_store_sig_ok(struct crdt_store *s, int64_t n, uint64_t seq)
{
	sqlite3_stmt *q = stmt(s, ST_CHANGE_SIG);
	int ok;

	if (!q)
		return 0;
	sqlite3_bind_int64(q, 1, CRDT_KEY(n, seq));
	ok = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 1;
	crdt_reset(q);
	return ok;
}

int crdt_store_get_change(struct crdt_store *s, int64_t n, uint64_t seq,
			  struct crdt_buf *buf)
{
	return crdt_store_get_change_sig(s, n, seq, buf, NULL);
}

int crdt_store_put_pending(struct crdt_store *s, int64_t n, uint64_t seq,
			   const uint8_t *data, size_t len, int sig_ok)
{
	sqlite3_stmt *q = stmt(s, ST_PENDING_PUT);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, n);
	sqlite3_bind_int64(q, 2, (int64_t)seq);
	sqlite3_bind_blob(q, 3, data, (int)len, SQLITE_STATIC);
	if (sig_ok)
		sqlite3_bind_int(q, 4, 1);
	return log_run(s, q);
}

int crdt_store_pending_count(struct crdt_store *s, int64_t n,
			     uint64_t *author, uint64_t *total)
{
	sqlite3_stmt *q = stmt(s, ST_PENDING_COUNT);
	int rc;

	*author = *total = 0;
	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, n);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*author = (uint64_t)sqlite3_column_int64(q, 0);
		*total = (uint64_t)sqlite3_column_int64(q, 1);
	}
	crdt_reset(q);
	return rc == SQLITE_ROW ? 0 : crdt_store_err(s, rc);
}

/* Fetch pending (n, seq) and drop every pending change up to seq. */
int crdt_store_take_pending(struct crdt_store *s, int64_t n, uint64_t seq,
			    struct crdt_buf *buf, int *sig_ok)
{
	sqlite3_stmt *q = stmt(s, ST_PENDING_GET);
	int rc, rc2;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, n);
	sqlite3_bind_int64(q, 2, (int64_t)seq);
	rc = get_blob(s, q, buf, sig_ok);
	if (rc && rc != KITH_ENOTFOUND)
		return rc;
	q = stmt(s, ST_PENDING_DEL);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, n);
	sqlite3_bind_int64(q, 2, (int64_t)seq);
	rc2 = log_run(s, q);
	return rc2 ? rc2 : rc;
}

int crdt_store_put_fork(struct crdt_store *s, int64_t n, uint64_t seq,
			const uint8_t hash[32], const uint8_t *data, size_t len)
{
	sqlite3_stmt *q = stmt(s, ST_FORK_PUT);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, n);
	sqlite3_bind_int64(q, 2, (int64_t)seq);
	sqlite3_bind_blob(q, 3, hash, CRDT_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, data, (int)len, SQLITE_STATIC);
	return log_run(s, q);
}

int crdt_store_is_fork(struct crdt_store *s, int64_t n, uint64_t seq,
		       const uint8_t hash[32])
{
	sqlite3_stmt *q = stmt(s, ST_FORK_HAS);
	int rc;

	if (!q)
		return 0;
	sqlite3_bind_int64(q, 1, n);
	sqlite3_bind_int64(q, 2, (int64_t)seq);
	sqlite3_bind_blob(q, 3, hash, CRDT_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(q);
	crdt_reset(q);
	return rc == SQLITE_ROW;
}

int crdt_store_meta_get_int(struct crdt_store *s, const char *key, int64_t *v)
{
	sqlite3_stmt *q = stmt(s, ST_META_GET);
	int rc;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	crdt_reset(q);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0
						       : crdt_store_err(s, rc);
}

int crdt_store_meta_set_int(struct crdt_store *s, const char *key, int64_t v)
{
	sqlite3_stmt *q = stmt(s, ST_META_SET);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, v);
	return crdt_run(s, q);
}

