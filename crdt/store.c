#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "rules.h"
#include "schema.h"
#include "search.h"
#include "store.h"

/* Numbered migrations keyed on PRAGMA user_version; only ever append. */
static const char *const migrations[] = {
	/* 1: the change log and the materialized view */
	"CREATE TABLE meta(k TEXT PRIMARY KEY, v) WITHOUT ROWID;"
	"CREATE TABLE authors(n INTEGER PRIMARY KEY, pk BLOB NOT NULL UNIQUE,"
	" head INTEGER NOT NULL DEFAULT 0, head_hash BLOB,"
	" forked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE changes(k INTEGER PRIMARY KEY, hlc INTEGER NOT NULL,"
	" data BLOB NOT NULL);"
	"CREATE TABLE pending(n INTEGER, seq INTEGER, data BLOB NOT NULL,"
	" PRIMARY KEY(n, seq)) WITHOUT ROWID;"
	"CREATE TABLE forks(n INTEGER, seq INTEGER, hash BLOB, data BLOB NOT NULL,"
	" PRIMARY KEY(n, seq, hash)) WITHOUT ROWID;"
	"CREATE TABLE members(id BLOB PRIMARY KEY, updated INTEGER, name TEXT,"
	" building TEXT, unit TEXT, skills TEXT, languages TEXT, household TEXT)"
	" WITHOUT ROWID;"
	"CREATE TABLE items(id BLOB NOT NULL UNIQUE, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, kind INTEGER, title TEXT,"
	" description TEXT, category TEXT, quantity INTEGER, unit TEXT,"
	" condition TEXT, location TEXT, until INTEGER,"
	" withdrawn INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE wishes(id BLOB NOT NULL UNIQUE, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, kind INTEGER, title TEXT,"
	" description TEXT, category TEXT, urgency INTEGER, quantity INTEGER,"
	" needed_by INTEGER, location TEXT, on_behalf_of TEXT,"
	" withdrawn INTEGER NOT NULL DEFAULT 0, accepted_claim BLOB,"
	" confirmed INTEGER NOT NULL DEFAULT 0, hours_q INTEGER);"
	"CREATE TABLE claims(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, target BLOB, quantity INTEGER,"
	" note TEXT, cancelled INTEGER NOT NULL DEFAULT 0,"
	" delivered INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE INDEX claims_target ON claims(target);"
	"CREATE TABLE loans(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, item BLOB, borrower BLOB, due INTEGER,"
	" returned INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE INDEX loans_item ON loans(item);"
	"CREATE VIRTUAL TABLE items_fts USING fts5(title, description,"
	" content='items', content_rowid='rowid');"
	"CREATE VIRTUAL TABLE wishes_fts USING fts5(title, description,"
	" content='wishes', content_rowid='rowid');"
	"CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN"
	" INSERT INTO items_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;"
	"CREATE TRIGGER items_au AFTER UPDATE OF title, description ON items BEGIN"
	" INSERT INTO items_fts(items_fts, rowid, title, description)"
	" VALUES ('delete', old.rowid, old.title, old.description);"
	" INSERT INTO items_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;"
	"CREATE TRIGGER wishes_ai AFTER INSERT ON wishes BEGIN"
	" INSERT INTO wishes_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;"
	"CREATE TRIGGER wishes_au AFTER UPDATE OF title, description ON wishes"
	" BEGIN INSERT INTO wishes_fts(wishes_fts, rowid, title, description)"
	" VALUES ('delete', old.rowid, old.title, old.description);"
	" INSERT INTO wishes_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;",
	/* 2: peers this node synced with (local, never synced itself) */
	"CREATE TABLE peers(addr TEXT PRIMARY KEY, node BLOB, how TEXT,"
	" last_sync INTEGER, sent INTEGER NOT NULL DEFAULT 0,"
	" received INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
	" updated INTEGER) WITHOUT ROWID;",
	/* 3: community operations (roles, moderation, emergencies, check-ins),
	 * availability and sealed private parts */
	"ALTER TABLE members ADD COLUMN available TEXT;"
	"ALTER TABLE members ADD COLUMN private BLOB;"
	"ALTER TABLE wishes ADD COLUMN private BLOB;"
	"CREATE TABLE role_facts(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, member BLOB, role INTEGER,"
	" grant_ INTEGER) WITHOUT ROWID;"
	"CREATE TABLE moderation(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, target BLOB, reason TEXT,"
	" hidden INTEGER) WITHOUT ROWID;"
	"CREATE INDEX moderation_target ON moderation(target);"
	"CREATE TABLE emergencies(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, active INTEGER, reason TEXT)"
	" WITHOUT ROWID;"
	"CREATE TABLE checkins(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, member BLOB, status INTEGER,"
	" note TEXT) WITHOUT ROWID;"
	"CREATE INDEX checkins_member ON checkins(member, created);"
	"CREATE INDEX items_author ON items(author);"
	"CREATE INDEX wishes_author ON wishes(author);",
	/* 4: members this replica's user blocked (local, never synced) */
	"CREATE TABLE blocked(member BLOB PRIMARY KEY) WITHOUT ROWID;",
	/* 5: mat_create writes the full-text row of a new item or wish
	 * itself.  With an AFTER INSERT trigger every INSERT runs inside a
	 * statement savepoint, and FTS5 flushes its pending terms to a new
	 * segment at every savepoint: one segment (and merge work) per
	 * record, 60 % of the CPU of applying a large sync. */
	"DROP TRIGGER items_ai; DROP TRIGGER wishes_ai;",
	/* 6: indexes for kith match, inventory and hours (crdt/ops.c):
	 * open wishes in urgency order, the newest items of a category,
	 * members of a building, resources, a member's claims (hours) */
	"CREATE INDEX wishes_urgency ON wishes(coalesce(urgency, 2), created,"
	" id);"
	"CREATE INDEX items_category ON items(category COLLATE NOCASE,"
	" created);"
	"CREATE INDEX members_building ON members(lower(building));"
	"CREATE INDEX items_kind ON items(kind);"
	"CREATE INDEX claims_author ON claims(author);",
	/* 7: a loan names the request it answers (no clock comparison) */
	"ALTER TABLE loans ADD COLUMN claim BLOB;",
	/* 8: facts are ordered by what their signer had seen (crdt/facts.h):
	 * each fact keeps the hash and seq of its change and the hashes it
	 * names (fact_seen); building heads carry their building;
	 * verifications of members met in person; which stored signatures
	 * were checked (sig_ok: 1 checked good, NULL not checked).  The
	 * view is rebuilt and held logs re-checked after this migration
	 * (meta 'recheck'). */
	"ALTER TABLE role_facts ADD COLUMN building TEXT;"
	"ALTER TABLE role_facts ADD COLUMN seen BLOB;"
	"ALTER TABLE role_facts ADD COLUMN chash BLOB;"
	"ALTER TABLE role_facts ADD COLUMN aseq INTEGER;"
	"ALTER TABLE moderation ADD COLUMN seen BLOB;"
	"ALTER TABLE moderation ADD COLUMN chash BLOB;"
	"ALTER TABLE moderation ADD COLUMN aseq INTEGER;"
	"ALTER TABLE emergencies ADD COLUMN seen BLOB;"
	"ALTER TABLE emergencies ADD COLUMN chash BLOB;"
	"ALTER TABLE emergencies ADD COLUMN aseq INTEGER;"
	"ALTER TABLE checkins ADD COLUMN seen BLOB;"
	"ALTER TABLE checkins ADD COLUMN chash BLOB;"
	"ALTER TABLE checkins ADD COLUMN aseq INTEGER;"
	"CREATE TABLE verifications(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, member BLOB, building TEXT,"
	" unit TEXT, grant_ INTEGER, seen BLOB, chash BLOB, aseq INTEGER)"
	" WITHOUT ROWID;"
	"CREATE TABLE fact_seen(fact BLOB NOT NULL, hash BLOB NOT NULL,"
	" PRIMARY KEY(fact, hash)) WITHOUT ROWID;"
	"CREATE INDEX fact_seen_hash ON fact_seen(hash);"
	"CREATE INDEX checkins_chash ON checkins(chash);"
	"CREATE INDEX moderation_chash ON moderation(chash);"
	"ALTER TABLE changes ADD COLUMN sig_ok INTEGER;"
	"ALTER TABLE pending ADD COLUMN sig_ok INTEGER;"
	"INSERT OR REPLACE INTO meta(k, v) VALUES ('recheck', 1);",
	/* 9: genesis records: the hash of the change holding one names a
	 * community (crdt/community.h crdt_genesis_author) */
	"CREATE TABLE communities(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, name TEXT, chash BLOB,"
	" aseq INTEGER) WITHOUT ROWID;"
	"CREATE INDEX communities_chash ON communities(chash);",
	/* 10: CJK text is found by its characters, one or more in a row
	 * (crdt/search.h): the grams of the posts that hold any, written by
	 * crdt_search_index / crdt_search_reindex from the materialize path
	 * below (no triggers: an AFTER INSERT trigger makes FTS5 flush per
	 * row, see 5; and the sqlite3 shell has no kith_grams) */
	"CREATE VIRTUAL TABLE items_grams USING fts5(grams, tokenize='ascii');"
	"CREATE VIRTUAL TABLE wishes_grams USING fts5(grams, tokenize='ascii');"
	"INSERT INTO items_grams(rowid, grams) SELECT rowid, g FROM"
	" (SELECT rowid, kith_grams(title, description) AS g FROM items)"
	" WHERE g IS NOT NULL;"
	"INSERT INTO wishes_grams(rowid, grams) SELECT rowid, g FROM"
	" (SELECT rowid, kith_grams(title, description) AS g FROM wishes)"
	" WHERE g IS NOT NULL;",
	/* 11: members by name, as people type them (crdt_resolve; a list
	 * that shows a name only when no one else has it asks per row) */
	"CREATE INDEX IF NOT EXISTS members_name ON members(name COLLATE NOCASE);",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

enum stmt_id {
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
	ST_SEEN_PUT,
	ST_FORK_PUT,
	ST_FORK_HAS,
	ST_META_GET,
	ST_META_SET,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_DATA_VERSION,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_AUTHOR_GET] = "SELECT n, head, head_hash, forked FROM authors"
			  " WHERE pk = ?1",
	[ST_AUTHOR_ADD] = "INSERT INTO authors(pk) VALUES (?1)",
	[ST_AUTHOR_SET] = "UPDATE authors SET head = ?2, head_hash = ?3,"
			  " forked = ?4 WHERE n = ?1",
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
	[ST_SEEN_PUT] = "INSERT OR IGNORE INTO fact_seen(fact, hash)"
			" VALUES (?1, ?2)",
	[ST_PENDING_DEL] = "DELETE FROM pending WHERE n = ?1 AND seq <= ?2",
	[ST_FORK_PUT] = "INSERT OR IGNORE INTO forks(n, seq, hash, data)"
			" VALUES (?1, ?2, ?3, ?4)",
	[ST_FORK_HAS] = "SELECT 1 FROM forks WHERE n = ?1 AND seq = ?2"
			" AND hash = ?3",
	[ST_META_GET] = "SELECT v FROM meta WHERE k = ?1",
	[ST_META_SET] = "INSERT OR REPLACE INTO meta(k, v) VALUES (?1, ?2)",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_DATA_VERSION] = "PRAGMA data_version",
};

struct crdt_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	/* view statements: insert per record type, update per field */
	sqlite3_stmt *ins[CRDT_R_MAX + 1];
	sqlite3_stmt *fts[CRDT_R_MAX + 1]; /* items and wishes only */
	sqlite3_stmt *touch[CRDT_R_MAX + 1];
	sqlite3_stmt *upd[CRDT_R_MAX + 1][16];
	sqlite3_stmt *query[CRDT_STORE_QUERY_SLOTS];
	char errmsg[256];
	/* crdt_store_log_writes: committed transactions that wrote the log,
	 * and whether the open one did */
	uint64_t log_writes;
	int log_tx;
};

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

const char *crdt_store_errmsg(struct crdt_store *s)
{
	return s->errmsg;
}

sqlite3 *crdt_store_db(struct crdt_store *s)
{
	return s->db;
}

static sqlite3_stmt *prep(struct crdt_store *s, sqlite3_stmt **slot,
			  const char *sql)
{
	if (!*slot && sqlite3_prepare_v3(s->db, sql, -1,
					 SQLITE_PREPARE_PERSISTENT, slot,
					 NULL) != SQLITE_OK) {
		crdt_store_err(s, sqlite3_errcode(s->db));
		*slot = NULL;
	}
	return *slot;
}

static sqlite3_stmt *stmt(struct crdt_store *s, enum stmt_id id)
{
	return prep(s, &s->st[id], stmt_sql[id]);
}

sqlite3_stmt *crdt_store_stmt(struct crdt_store *s, int slot, const char *sql)
{
	if (slot < 0 || slot >= CRDT_STORE_QUERY_SLOTS)
		return NULL;
	return prep(s, &s->query[slot], sql);
}

/* A write to the replicated log (changes, pending, forks, heads) went
 * through: it counts once its transaction commits, at once when there is
 * no open transaction (the statement committed itself). */
static void logged(struct crdt_store *s)
{
	if (sqlite3_get_autocommit(s->db))
		s->log_writes++;
	else
		s->log_tx = 1;
}

/* Step a write statement to completion and reset it. */
static int run(struct crdt_store *s, sqlite3_stmt *q)
{
	int rc;

	if (!q)
		return KITH_EDB;
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return crdt_store_err(s, rc);
	return 0;
}

/* run() for a statement that writes the replicated log. */
static int log_run(struct crdt_store *s, sqlite3_stmt *q)
{
	int rc = run(s, q);

	if (!rc && sqlite3_changes(s->db) > 0)
		logged(s);
	return rc;
}

static int migrate(struct crdt_store *s)
{
	sqlite3_stmt *q = NULL;
	int version = 0, rc, i;
	char *err = NULL;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(s->db));
	if (sqlite3_step(q) == SQLITE_ROW)
		version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (version > NMIGRATIONS) {
		snprintf(s->errmsg, sizeof s->errmsg,
			 "replica was written by a newer kith (schema %d)",
			 version);
		return KITH_EDB;
	}
	for (i = version; i < NMIGRATIONS; i++) {
		char sql[64];

		rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (!rc)
			rc = sqlite3_exec(s->db, migrations[i], NULL, NULL, &err);
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", i + 1);
		if (!rc)
			rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);
		if (!rc)
			rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, &err);
		if (rc) {
			int e = crdt_store_err(s, rc);

			sqlite3_free(err);
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return e;
		}
	}
	return 0;
}

/* crdt_store_open_errmsg: one per thread (the daemon's workers open
 * stores too) */
static _Thread_local char open_err[256];

int crdt_store_open(struct crdt_store **out, const char *path)
{
	struct crdt_store *s;
	int rc, full = 0;

	*out = NULL;
	snprintf(open_err, sizeof open_err, "%s", kith_strerror(KITH_ENOMEM));
	s = calloc(1, sizeof *s);
	if (!s)
		return KITH_ENOMEM;
	open_err[0] = 0;
again:
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		rc = s->db ? crdt_store_err(s, rc) : KITH_ENOMEM;
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 10000);
	/* A full disk has no room for the -shm index a WAL reader needs:
	 * then keep that index in this process's memory (exclusive locking
	 * mode, set before the first read), so that reading still works.
	 * Temp tables and sorts stay in memory always. */
	if (full)
		rc = sqlite3_exec(s->db, "PRAGMA locking_mode=EXCLUSIVE", NULL,
				  NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db,
				  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				  "PRAGMA wal_autocheckpoint=4000;"
				  "PRAGMA cache_size=-8000; PRAGMA temp_store=MEMORY;"
				  "PRAGMA foreign_keys=OFF;",
				  NULL, NULL, NULL);
	if (!full && ((rc & 0xff) == SQLITE_IOERR || rc == SQLITE_FULL)) {
		sqlite3_close(s->db);
		s->db = NULL;
		full = 1;
		goto again;
	}
	if (rc != SQLITE_OK) {
		rc = crdt_store_err(s, rc);
		goto fail;
	}
	rc = crdt_search_register(s->db);
	if (!rc)
		rc = migrate(s);
	if (rc)
		goto fail;
	/* this connection's current coordinators (crdt/community.h) */
	rc = sqlite3_exec(s->db, "CREATE TEMP TABLE coord(member BLOB PRIMARY KEY)"
			  " WITHOUT ROWID;"
			  "CREATE TEMP TABLE verified(member BLOB PRIMARY KEY)"
			  " WITHOUT ROWID", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = crdt_store_err(s, rc);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (s->errmsg[0] == 0 && s->db)
		snprintf(s->errmsg, sizeof s->errmsg, "%s",
			 sqlite3_errmsg(s->db));
	snprintf(open_err, sizeof open_err, "%s",
		 s && s->errmsg[0] ? s->errmsg : kith_strerror(rc));
	crdt_store_close(s);
	return rc;
}

const char *crdt_store_open_errmsg(void)
{
	return open_err;
}

void crdt_store_close(struct crdt_store *s)
{
	int i, j;

	if (!s)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	for (i = 0; i <= CRDT_R_MAX; i++) {
		sqlite3_finalize(s->ins[i]);
		sqlite3_finalize(s->fts[i]);
		sqlite3_finalize(s->touch[i]);
		for (j = 0; j < 16; j++)
			sqlite3_finalize(s->upd[i][j]);
	}
	for (i = 0; i < CRDT_STORE_QUERY_SLOTS; i++)
		sqlite3_finalize(s->query[i]);
	sqlite3_close(s->db);
	free(s);
}

int crdt_store_data_version(struct crdt_store *s, int64_t *v)
{
	sqlite3_stmt *q = stmt(s, ST_DATA_VERSION);
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

int crdt_store_begin(struct crdt_store *s)
{
	return run(s, stmt(s, ST_BEGIN));
}

int crdt_store_commit(struct crdt_store *s)
{
	int rc = run(s, stmt(s, ST_COMMIT));

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
	if (!sqlite3_get_autocommit(s->db))
		(void)run(s, stmt(s, ST_ROLLBACK));
	s->log_tx = 0;
}

uint64_t crdt_store_log_writes(const struct crdt_store *s)
{
	return s ? s->log_writes : 0;
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
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crdt_store_err(s, rc);
	if (rc == SQLITE_DONE && create) {
		q = stmt(s, ST_AUTHOR_ADD);
		if (!q)
			return KITH_EDB;
		sqlite3_bind_blob(q, 1, pk, CRDT_PK_LEN, SQLITE_STATIC);
		rc = run(s, q);
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
	int rc = sqlite3_step(q);

	crdt_buf_reset(buf);
	if (sig_ok)
		*sig_ok = 0;
	if (rc == SQLITE_ROW) {
		rc = crdt_buf_put(buf, sqlite3_column_blob(q, 0),
				  (size_t)sqlite3_column_bytes(q, 0));
		if (sig_ok)
			*sig_ok = sqlite3_column_int(q, 1) == 1;
	} else if (rc == SQLITE_DONE) {
		rc = KITH_ENOTFOUND;
	} else {
		rc = crdt_store_err(s, rc);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
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
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
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
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
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
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
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
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
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
	return run(s, q);
}

/* ---- materialized view ------------------------------------------------ */

/* INSERT for a record type: id, author, created, updated, then every field
 * column in schema order. */
static sqlite3_stmt *ins_stmt(struct crdt_store *s, const struct crdt_rschema *r)
{
	char sql[1024], *p = sql;
	size_t i;

	if (s->ins[r->rtype])
		return s->ins[r->rtype];
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
	return prep(s, &s->ins[r->rtype], sql);
}

/* UPDATE of one field of a record, only by the record's writer.  Members
 * are keyed by their author key and upserted. */
static sqlite3_stmt *upd_stmt(struct crdt_store *s, const struct crdt_rschema *r,
			      const struct crdt_field *f)
{
	char sql[512];
	const char *c = f->column;

	if (f->id >= 16)
		return NULL;
	if (s->upd[r->rtype][f->id])
		return s->upd[r->rtype][f->id];
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
	return prep(s, &s->upd[r->rtype][f->id], sql);
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
	int64_t rowid = sqlite3_last_insert_rowid(s->db);
	char sql[128];
	sqlite3_stmt *q;
	uint32_t i;
	int rc;

	snprintf(sql, sizeof sql,
		 "INSERT INTO %s_fts(rowid, title, description)"
		 " VALUES (last_insert_rowid(), ?, ?)",
		 r->table);
	q = prep(s, &s->fts[r->rtype], sql);
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
	rc = run(s, q);
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
			sqlite3_stmt *q = stmt(s, ST_SEEN_PUT);

			if (!q)
				return KITH_EDB;
			sqlite3_bind_blob(q, 1, id, CRDT_ID_LEN, SQLITE_STATIC);
			sqlite3_bind_blob(q, 2, v->p + k, CRDT_HASH_LEN,
					  SQLITE_STATIC);
			rc = run(s, q);
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
	rc = run(s, q);
	if (rc || sqlite3_changes(s->db) != 1)
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
	char sql[128];
	sqlite3_stmt *q;

	if (r->rtype != CRDT_R_ITEM && r->rtype != CRDT_R_WISH)
		return 0;
	snprintf(sql, sizeof sql,
		 "UPDATE %s SET updated = ?1 WHERE id = ?2 AND author = ?3",
		 r->table);
	q = prep(s, &s->touch[r->rtype], sql);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, (int64_t)c->hlc);
	sqlite3_bind_blob(q, 2, id, (int)id_len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, c->author, CRDT_PK_LEN, SQLITE_STATIC);
	return run(s, q);
}

static int mat_update(struct crdt_store *s, const struct crdt_change *c,
		      const struct crdt_op *op, const struct crdt_rschema *r,
		      const uint8_t *id, size_t id_len)
{
	uint32_t i;
	int rc, text = 0;

	if (!op->nvals)
		return mat_touch(s, c, r, id, id_len);

	for (i = 0; i < op->nvals; i++) {
		const struct crdt_field *f = crdt_schema_field(r, op->vals[i].field);
		sqlite3_stmt *q;

		if (!f || op->vals[i].type != f->vtype)
			continue;
		q = upd_stmt(s, r, f);
		if (!q)
			return KITH_EDB;
		bind_val(q, 1, f, &op->vals[i]);
		sqlite3_bind_int64(q, 2, (int64_t)c->hlc);
		sqlite3_bind_blob(q, 3, id, (int)id_len, SQLITE_STATIC);
		if (r->rtype != CRDT_R_MEMBER)
			sqlite3_bind_blob(q, 4, c->author, CRDT_PK_LEN,
					  SQLITE_STATIC);
		rc = run(s, q);
		if (rc)
			return rc;
		if (sqlite3_changes(s->db) == 1 &&
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
	sqlite3_stmt *q = NULL;
	struct crdt_change c;
	int rc, i;

	for (i = 1; i <= CRDT_R_MAX; i++) {
		char sql[64];

		snprintf(sql, sizeof sql, "DELETE FROM %s", crdt_schema(i)->table);
		rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		if (rc)
			return crdt_store_err(s, rc);
	}
	rc = sqlite3_exec(s->db,
			  "DELETE FROM fact_seen;"
			  "DELETE FROM items_grams; DELETE FROM wishes_grams;"
			  "INSERT INTO items_fts(items_fts) VALUES('rebuild');"
			  "INSERT INTO wishes_fts(wishes_fts) VALUES('rebuild');",
			  NULL, NULL, NULL);
	if (rc)
		return crdt_store_err(s, rc);
	if (sqlite3_prepare_v2(s->db, "SELECT data FROM changes ORDER BY k", -1,
			       &q, NULL))
		return crdt_store_err(s, sqlite3_errcode(s->db));
	rc = 0;
	while (!rc && sqlite3_step(q) == SQLITE_ROW) {
		rc = crdt_change_decode(&c, sqlite3_column_blob(q, 0),
					(size_t)sqlite3_column_bytes(q, 0));
		if (rc)
			break;
		rc = crdt_store_materialize(s, &c);
		crdt_change_release(&c);
	}
	sqlite3_finalize(q);
	return rc;
}
