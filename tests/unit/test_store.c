/*
 * test_store.c - the SQLite file behind a replica (crdt/store.h), through
 * its public functions: a new file and a reopened one, migrations from an
 * older schema, transactions, meta settings, the log's accessors (changes,
 * pending, forks, authors), and files the store must refuse without
 * changing them (not a database, a newer schema, nowhere to write).
 *
 * Old databases are made by hand with SQLite here (the test plays an older
 * kith); the store itself is only reached through crdt/store.h and
 * crdt/query.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crdt/query.h"
#include "tests/testlib.h"

/* ---- helpers ------------------------------------------------------------ */

static void close_store(void *p)
{
	crdt_store_close(p);
}

/* Open DIR/name as a store closed with the fixture. */
static struct crdt_store *open_at(struct tl_fixture *f, const char *name)
{
	struct crdt_store *s = NULL;
	char path[TL_PATH_MAX + 64];
	int rc;

	rc = crdt_store_open(&s, tl_path(f, name, path, sizeof path));
	TL_CHECK(rc == 0 && s, "expected to open '%s', got %d (%s: %s)", path,
		 rc, kith_strerror(rc), crdt_store_open_errmsg());
	tl_defer(f, close_store, s);
	return s;
}

static void no_op(void *p)
{
	(void)p;
}

static void free_buf(void *p)
{
	crdt_buf_release(p);
	free(p);
}

/* A read buffer released with the fixture (also when a check fails). */
static struct crdt_buf *new_buf(struct tl_fixture *f)
{
	struct crdt_buf *b = malloc(sizeof *b);

	TL_CHECK(b != NULL, "expected memory for a buffer");
	crdt_buf_init(b, 1024);
	tl_defer(f, free_buf, b);
	return b;
}

/* Close a store opened with open_at before the fixture ends. */
static void close_early(struct tl_fixture *f, struct crdt_store *s)
{
	int i;

	for (i = 0; i < f->ndefer; i++)
		if (f->defer[i].arg == s)
			f->defer[i].fn = no_op;
	crdt_store_close(s);
}

/* Run sql on the file by hand, as another program (an older kith) would;
 * the first column of the last row is returned as an integer. */
static int64_t by_hand(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	const char *tail = sql;
	int64_t v = 0;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	TL_CHECK(rc == SQLITE_OK, "expected to open '%s' by hand: %s", path,
		 sqlite3_errstr(rc));
	while (*tail) {
		rc = sqlite3_prepare_v2(db, tail, -1, &q, &tail);
		TL_CHECK(rc == SQLITE_OK, "expected '%s' to prepare: %s", sql,
			 sqlite3_errmsg(db));
		if (!q)
			break;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			v = sqlite3_column_int64(q, 0);
		TL_CHECK(rc == SQLITE_DONE, "expected '%s' to run: %s", sql,
			 sqlite3_errmsg(db));
		sqlite3_finalize(q);
		q = NULL;
	}
	sqlite3_close(db);
	return v;
}

static void file_bytes(const char *path, uint8_t **data, size_t *len)
{
	TL_OK(tl_read_file(path, data, len));
}

static void same_bytes(const char *path, const uint8_t *before, size_t blen,
		       const char *what)
{
	uint8_t *now = NULL;
	size_t nlen = 0;
	int same;

	file_bytes(path, &now, &nlen);
	same = nlen == blen && !memcmp(now, before, blen);
	free(now);
	TL_CHECK(same, "%s: expected '%s' unchanged (%zu bytes), it is %zu "
		       "bytes and differs", what, path, blen, nlen);
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* The schema version a freshly made store gets. */
static int64_t fresh_version(struct tl_fixture *f)
{
	char path[TL_PATH_MAX + 64];
	struct crdt_store *s = open_at(f, "fresh.db");

	close_early(f, s);
	return by_hand(tl_path(f, "fresh.db", path, sizeof path),
		       "PRAGMA user_version");
}

/* ---- a new file, reopened ------------------------------------------------ */

static void new_then_reopen(void **state)
{
	struct tl_fixture *f = *state;
	char path[TL_PATH_MAX + 64];
	struct crdt_store *s;
	int64_t v = -1;

	tl_path(f, "r.db", path, sizeof path);
	TL_CHECK(!exists(path), "expected no '%s' before the open", path);
	s = open_at(f, "r.db");
	TL_CHECK(exists(path), "expected the open to create '%s'", path);
	TL_CHECK(!strcmp(crdt_store_open_errmsg(), ""),
		 "expected no open error message after a success, got '%s'",
		 crdt_store_open_errmsg());
	TL_OK(crdt_store_meta_get_int(s, "nothing-here", &v));
	TL_EQ(v, 0, "a missing meta key reads as 0");
	TL_EQ(crdt_store_log_writes(s), 0, "log writes of a new store");
	TL_OK(crdt_store_meta_set_int(s, "answer", 42));
	close_early(f, s);

	TL_CHECK(by_hand(path, "PRAGMA user_version") > 0,
		 "expected a schema version in the new file");
	TL_CHECK(by_hand(path, "SELECT count(*) FROM sqlite_master WHERE "
			       "name IN ('changes', 'authors', 'pending', "
			       "'forks', 'meta', 'items', 'wishes')") == 7,
		 "expected the log and view tables in a new file");

	s = open_at(f, "r.db");
	TL_OK(crdt_store_meta_get_int(s, "answer", &v));
	TL_EQ(v, 42, "a meta value after reopening");
	TL_CHECK(crdt_store_log_writes(NULL) == 0, "log writes of NULL");
}

/* ---- migrations ---------------------------------------------------------- */

static int count_row(void *ctx, const struct crdt_row *row)
{
	(void)row;
	++*(int *)ctx;
	return 0;
}

/*
 * A replica of schema 9 (before the CJK grams tables of 10, the names
 * index of 11, the newest-items index of 12, the members-page index of 13
 * and the buildings index of 14) with an item in its view: opening it
 * runs the missing migrations, which index the posts already held (the
 * item is found by its characters), and records the new version.  The old
 * file is made from a new one by undoing 10 to 14 by hand.
 */
static void migrates_from_schema_9(void **state)
{
	static const uint8_t id[CRDT_ID_LEN] = { 0x11, 0x22, 0x33 };
	struct tl_fixture *f = *state;
	char path[TL_PATH_MAX + 64], sql[768];
	struct crdt_item_filter flt;
	struct crdt_store *s;
	int64_t want = fresh_version(f);
	int rows = 0;

	TL_CHECK(want >= 15, "expected schema 15 or later, got %lld",
		 (long long)want);
	s = open_at(f, "old.db");
	close_early(f, s);
	tl_path(f, "old.db", path, sizeof path);
	snprintf(sql, sizeof sql,
		 "DROP TABLE items_grams; DROP TABLE wishes_grams;"
		 "DROP TABLE keys; ALTER TABLE authors DROP COLUMN top;"
		 "DROP TABLE field_stamps; DROP TABLE parked; DROP TABLE unlinked;"
		 "DROP TABLE replacements; DROP TABLE replaced; DROP TABLE cuts;"
		 "DROP INDEX members_name; DROP INDEX items_created;"
		 "DROP INDEX members_page; DROP INDEX members_building_nocase;"
		 "DROP INDEX members_host; ALTER TABLE members DROP COLUMN host;"
		 "ALTER TABLE members DROP COLUMN host_sig;"
		 "INSERT INTO items(id, author, created, updated, kind, title,"
		 " withdrawn) VALUES (x'%s', zeroblob(32), 1, 1, 0,"
		 " '帮忙买菜', 0);"
		 "PRAGMA user_version = 9;",
		 tl_hex(id, sizeof id));
	by_hand(path, sql);
	TL_EQ(by_hand(path, "PRAGMA user_version"), 9, "the old file's schema");

	s = open_at(f, "old.db");
	memset(&flt, 0, sizeof flt);
	flt.kind = -1;
	flt.all = 1;
	flt.search = "买菜";
	TL_OK(crdt_query_items(s, &flt, 2, count_row, &rows));
	TL_EQ(rows, 1, "items found by '买菜' after migrating from schema 9");
	close_early(f, s);

	TL_EQ(by_hand(path, "PRAGMA user_version"), want,
	      "schema version after the migrations");
	TL_EQ(by_hand(path, "SELECT count(*) FROM sqlite_master WHERE name IN"
			    " ('items_grams', 'wishes_grams', 'members_name',"
			    "  'items_created', 'members_page',"
			    "  'members_building_nocase')"),
	      6, "tables and indexes of migrations 10 to 14");
	TL_EQ(by_hand(path, "SELECT count(*) FROM pragma_table_info('members')"
			    " WHERE name IN ('host', 'host_sig')"),
	      2, "the host columns of migration 15");
	TL_EQ(by_hand(path, "SELECT count(*) FROM meta WHERE k = 'rebuild'"
			    " AND v = 1"),
	      1, "migration 15 asks for one rebuild of the view (done by "
		 "crdt_apply_recheck when the replica opens)");
}

/* ---- refusals: nothing changed ------------------------------------------- */

/* A file written by a newer kith is refused as it is. */
static void newer_schema_refused(void **state)
{
	struct tl_fixture *f = *state;
	char path[TL_PATH_MAX + 64];
	struct crdt_store *s = open_at(f, "new.db");
	uint8_t *before = NULL;
	size_t len = 0;
	int rc;

	close_early(f, s);
	tl_path(f, "new.db", path, sizeof path);
	by_hand(path, "PRAGMA user_version = 9999");
	file_bytes(path, &before, &len);
	tl_defer(f, free, before);
	s = (struct crdt_store *)1;
	rc = crdt_store_open(&s, path);
	TL_RC(rc, KITH_EDB);
	TL_CHECK(s == NULL, "expected no store after a refused open");
	TL_CHECK(strstr(crdt_store_open_errmsg(), "newer kith") &&
			 strstr(crdt_store_open_errmsg(), "9999"),
		 "expected the error to name a newer kith and schema 9999, "
		 "got '%s'",
		 crdt_store_open_errmsg());
	same_bytes(path, before, len, "a replica of a newer schema");
	TL_EQ(by_hand(path, "PRAGMA user_version"), 9999,
	      "schema version of the refused file");
}

/* A file that is not a database (a key file, a document) is refused and
 * left byte for byte as it was. */
static void not_a_database_refused(void **state)
{
	static const char junk[] =
		"kith-community 1\nthis is no SQLite file, and it is long "
		"enough to look like one had it the right header; "
		"0123456789abcdef0123456789abcdef0123456789abcdef\n";
	struct tl_fixture *f = *state;
	char path[TL_PATH_MAX + 64];
	struct crdt_store *s = (struct crdt_store *)1;
	int rc;

	tl_path(f, "junk.db", path, sizeof path);
	TL_OK(tl_write_file(path, junk, sizeof junk - 1));
	rc = crdt_store_open(&s, path);
	TL_CHECK(rc < 0, "expected the open of a non-database to fail, got %d",
		 rc);
	TL_CHECK(s == NULL, "expected no store after a refused open");
	TL_CHECK(strstr(crdt_store_open_errmsg(), "not a database") != NULL,
		 "expected 'not a database' in the error, got '%s'",
		 crdt_store_open_errmsg());
	same_bytes(path, (const uint8_t *)junk, sizeof junk - 1,
		   "a file that is not a database");
}

/* Nowhere to write: a missing directory, a path through a regular file,
 * and (unless root, who may write anywhere) a read-only directory. */
static void nowhere_to_write(void **state)
{
	struct tl_fixture *f = *state;
	char path[TL_PATH_MAX + 64], dir[TL_PATH_MAX + 64];
	struct crdt_store *s = NULL;
	int rc;

	tl_path(f, "missing/replica.db", path, sizeof path);
	rc = crdt_store_open(&s, path);
	TL_CHECK(rc < 0 && s == NULL,
		 "expected no store in a missing directory, got %d", rc);
	TL_CHECK(crdt_store_open_errmsg()[0] != 0,
		 "expected a reason for the failed open");
	tl_path(f, "missing", dir, sizeof dir);
	TL_CHECK(!exists(dir), "expected the open not to create '%s'", dir);

	tl_path(f, "plain", dir, sizeof dir);
	TL_OK(tl_write_file(dir, "x", 1));
	tl_path(f, "plain/replica.db", path, sizeof path);
	rc = crdt_store_open(&s, path);
	TL_CHECK(rc < 0 && s == NULL,
		 "expected no store under a regular file, got %d", rc);
	same_bytes(dir, (const uint8_t *)"x", 1, "the regular file");

	if (geteuid() == 0)
		return; /* root writes into read-only directories */
	tl_path(f, "ro", dir, sizeof dir);
	TL_CHECK(mkdir(dir, 0500) == 0, "expected to make '%s': %s", dir,
		 strerror(errno));
	tl_path(f, "ro/replica.db", path, sizeof path);
	rc = crdt_store_open(&s, path);
	chmod(dir, 0700);
	TL_CHECK(rc < 0 && s == NULL,
		 "expected no store in a read-only directory, got %d", rc);
	TL_CHECK(!exists(path), "expected no '%s'", path);
}

/* ---- transactions and meta ----------------------------------------------- */

static void meta_values(void **state)
{
	static const int64_t vals[] = { 0, 1, -1, 42, INT64_MAX, INT64_MIN };
	struct tl_fixture *f = *state;
	struct crdt_store *s = open_at(f, "m.db");
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof vals / sizeof *vals; i++) {
		TL_OK(crdt_store_meta_set_int(s, "k", vals[i]));
		TL_OK(crdt_store_meta_get_int(s, "k", &v));
		TL_CHECK(v == vals[i], "meta 'k': expected %lld, got %lld",
			 (long long)vals[i], (long long)v);
	}
	TL_OK(crdt_store_meta_set_int(s, "other", 7));
	TL_OK(crdt_store_meta_get_int(s, "k", &v));
	TL_CHECK(v == INT64_MIN, "keys are separate: expected %lld, got %lld",
		 (long long)INT64_MIN, (long long)v);
	TL_OK(crdt_store_meta_set_int(s, "unicode 键", 9));
	TL_OK(crdt_store_meta_get_int(s, "unicode 键", &v));
	TL_EQ(v, 9, "a key with non-ASCII characters");
	TL_EQ(crdt_store_log_writes(s), 0, "meta is local, not a log write");
}

static void transactions(void **state)
{
	static const uint8_t body[] = "body and signature";
	struct tl_fixture *f = *state;
	struct crdt_store *s = open_at(f, "t.db");
	struct crdt_store *other = open_at(f, "t.db");
	struct crdt_buf *buf;
	int64_t v, dv1, dv2;

	buf = new_buf(f);
	TL_OK(crdt_store_meta_set_int(s, "x", 1));

	/* rollback undoes everything since begin */
	TL_OK(crdt_store_begin(s));
	TL_OK(crdt_store_meta_set_int(s, "x", 2));
	TL_OK(crdt_store_put_change(s, 1, 1, 100, body, sizeof body, 1));
	crdt_store_rollback(s);
	TL_OK(crdt_store_meta_get_int(s, "x", &v));
	TL_EQ(v, 1, "meta after a rollback");
	TL_RC(crdt_store_get_change(s, 1, 1, buf), KITH_ENOTFOUND);
	TL_EQ(crdt_store_log_writes(s), 0, "log writes after a rollback");
	crdt_store_rollback(s); /* no transaction: harmless */

	/* a begun transaction holds the write lock; commit publishes */
	TL_OK(crdt_store_data_version(other, &dv1));
	TL_OK(crdt_store_begin(s));
	TL_RC(crdt_store_begin(s), KITH_EDB); /* no nesting */
	TL_OK(crdt_store_put_change(s, 1, 1, 100, body, sizeof body, 1));
	TL_OK(crdt_store_meta_set_int(s, "x", 3));
	TL_OK(crdt_store_meta_get_int(other, "x", &v));
	TL_EQ(v, 1, "another connection before the commit");
	TL_OK(crdt_store_commit(s));
	TL_EQ(crdt_store_log_writes(s), 1, "log writes after one commit");
	TL_OK(crdt_store_meta_get_int(other, "x", &v));
	TL_EQ(v, 3, "another connection after the commit");
	TL_OK(crdt_store_get_change(other, 1, 1, buf));
	TL_CHECK(buf->len == sizeof body && !memcmp(buf->data, body, buf->len),
		 "expected the committed change on the other connection");
	TL_OK(crdt_store_data_version(other, &dv2));
	TL_CHECK(dv1 != dv2,
		 "expected the data version to move after another's commit");

	/* a transaction that writes only local tables is no log write */
	TL_OK(crdt_store_begin(s));
	TL_OK(crdt_store_meta_set_int(s, "x", 4));
	TL_OK(crdt_store_commit(s));
	TL_EQ(crdt_store_log_writes(s), 1, "log writes after a meta commit");
	/* a log write outside a transaction counts at once */
	TL_OK(crdt_store_put_change(s, 1, 2, 101, body, sizeof body, 0));
	TL_EQ(crdt_store_log_writes(s), 2, "log writes after a lone write");
	/* commit without begin is an error, not a silent success */
	TL_RC(crdt_store_commit(s), KITH_EDB);
	TL_CHECK(crdt_store_errmsg(s)[0] != 0,
		 "expected a reason for the failed commit");
}

/* ---- the log: changes, authors, pending, forks --------------------------- */

static void changes_and_authors(void **state)
{
	static const uint8_t body[] = { 1, 2, 3, 0, 5 };
	struct tl_fixture *f = *state;
	struct crdt_store *s = open_at(f, "c.db");
	struct crdt_author a, b, got;
	uint8_t pk[CRDT_PK_LEN], pk2[CRDT_PK_LEN];
	struct crdt_buf *buf;
	int sig_ok = -1;

	buf = new_buf(f);
	memset(pk, 0xa1, sizeof pk);
	memset(pk2, 0xb2, sizeof pk2);

	TL_OK(crdt_store_author(s, pk, 0, &a));
	TL_CHECK(a.n == 0 && a.head == 0, "an unknown author without create");
	TL_CHECK(!memcmp(a.pk, pk, CRDT_PK_LEN), "pk of an unknown author");
	TL_OK(crdt_store_author(s, pk, 1, &a));
	TL_CHECK(a.n > 0, "expected a number for a created author");
	TL_OK(crdt_store_author(s, pk2, 1, &b));
	TL_CHECK(b.n > 0 && b.n != a.n, "expected two authors, two numbers");
	TL_OK(crdt_store_author(s, pk, 1, &got));
	TL_EQ(got.n, a.n, "the same author asked again");

	a.head = 9;
	memset(a.head_hash, 0x5a, CRDT_HASH_LEN);
	a.forked = 1;
	TL_OK(crdt_store_set_head(s, &a));
	TL_OK(crdt_store_author(s, pk, 0, &got));
	TL_EQ(got.head, 9, "head after set_head");
	TL_CHECK(got.head_hash[0] == 0x5a && got.head_hash[31] == 0x5a,
		 "head hash after set_head");
	TL_EQ(got.forked, 1, "forked after set_head");
	TL_EQ(crdt_store_log_writes(s), 1, "set_head is a log write");

	TL_OK(crdt_store_put_change(s, a.n, 1, 10, body, sizeof body, 1));
	TL_OK(crdt_store_put_change(s, a.n, 2, 11, body, 3, 0));
	TL_OK(crdt_store_get_change_sig(s, a.n, 1, buf, &sig_ok));
	TL_CHECK(buf->len == sizeof body && !memcmp(buf->data, body, buf->len),
		 "change (n, 1) read back with its zero byte");
	TL_EQ(sig_ok, 1, "sig_ok of a change stored as checked");
	TL_OK(crdt_store_get_change_sig(s, a.n, 2, buf, &sig_ok));
	TL_EQ(buf->len, 3, "length of change (n, 2)");
	TL_EQ(sig_ok, 0, "sig_ok of a change stored unchecked");
	TL_EQ(crdt_store_sig_ok(s, a.n, 1), 1, "crdt_store_sig_ok, checked");
	TL_EQ(crdt_store_sig_ok(s, a.n, 2), 0, "crdt_store_sig_ok, unchecked");
	TL_EQ(crdt_store_sig_ok(s, a.n, 3), 0, "crdt_store_sig_ok, absent");
	TL_RC(crdt_store_get_change(s, a.n, 3, buf), KITH_ENOTFOUND);
	TL_EQ(buf->len, 0, "the buffer is reset when nothing is found");
	TL_RC(crdt_store_get_change(s, b.n, 1, buf), KITH_ENOTFOUND);
	TL_EQ(crdt_store_log_writes(s), 3, "each change is a log write");
}

static void pending_held_and_taken(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_store *s = open_at(f, "p.db");
	uint64_t mine, total;
	struct crdt_buf *buf;
	uint8_t data[4];
	int sig_ok = -1;
	uint64_t seq;

	buf = new_buf(f);
	TL_OK(crdt_store_pending_count(s, 1, &mine, &total));
	TL_CHECK(mine == 0 && total == 0, "nothing pending in a new store");
	for (seq = 5; seq <= 7; seq++) {
		memset(data, (int)seq, sizeof data);
		TL_OK(crdt_store_put_pending(s, 1, seq, data, sizeof data,
					     seq == 6));
	}
	TL_OK(crdt_store_put_pending(s, 2, 3, data, 2, 0));
	TL_OK(crdt_store_pending_count(s, 1, &mine, &total));
	TL_EQ(mine, 3, "pending of author 1");
	TL_EQ(total, 4, "pending in all");

	/* taking seq 6 hands it over and drops 5 too (applied before it) */
	TL_OK(crdt_store_take_pending(s, 1, 6, buf, &sig_ok));
	TL_CHECK(buf->len == sizeof data && buf->data[0] == 6,
		 "the pending change taken is seq 6");
	TL_EQ(sig_ok, 1, "sig_ok kept while pending");
	TL_OK(crdt_store_pending_count(s, 1, &mine, &total));
	TL_EQ(mine, 1, "pending of author 1 after taking up to 6");
	TL_EQ(total, 2, "pending in all after taking up to 6");
	TL_RC(crdt_store_take_pending(s, 1, 6, buf, &sig_ok), KITH_ENOTFOUND);
	TL_OK(crdt_store_take_pending(s, 1, 7, buf, &sig_ok));
	TL_EQ(sig_ok, 0, "sig_ok of a change held unchecked");
	TL_OK(crdt_store_pending_count(s, 2, &mine, &total));
	TL_CHECK(mine == 1 && total == 1, "author 2's change still held");
}

static void forks_kept(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_store *s = open_at(f, "f.db");
	uint8_t h1[CRDT_HASH_LEN], h2[CRDT_HASH_LEN];
	static const uint8_t data[] = "the losing side";

	memset(h1, 1, sizeof h1);
	memset(h2, 2, sizeof h2);
	TL_EQ(crdt_store_is_fork(s, 1, 4, h1), 0, "no fork evidence yet");
	TL_OK(crdt_store_put_fork(s, 1, 4, h1, data, sizeof data));
	TL_EQ(crdt_store_is_fork(s, 1, 4, h1), 1, "the fork stored");
	TL_EQ(crdt_store_is_fork(s, 1, 4, h2), 0, "another hash, same seq");
	TL_EQ(crdt_store_is_fork(s, 1, 5, h1), 0, "same hash, another seq");
	TL_EQ(crdt_store_is_fork(s, 2, 4, h1), 0, "another author");
	TL_EQ(crdt_store_log_writes(s), 1, "a fork is a log write");
	/* the same evidence again changes nothing */
	TL_OK(crdt_store_put_fork(s, 1, 4, h1, data, sizeof data));
	TL_EQ(crdt_store_log_writes(s), 1, "a repeated fork is no new write");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(new_then_reopen),
		T(migrates_from_schema_9),
		T(newer_schema_refused),
		T(not_a_database_refused),
		T(nowhere_to_write),
		T(meta_values),
		T(transactions),
		T(changes_and_authors),
		T(pending_held_and_taken),
		T(forks_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
