/*
 * fuzz_bundle.c - bundle import (crdt_bundle_import) into a replica.
 *
 * The input is up to MAX_SEGS segments separated by SEP ("KITHNEXT"),
 * imported one after the other into the same replica, so that state
 * carried between imports (forks judged against stored changes, pending
 * changes waiting for a gap) is reachable.  A segment is either
 *   - "KITHBNDL..." - a whole bundle file, imported as it is.  This covers
 *     the header, the chunk framing and the AEAD; a mutated chunk almost
 *     never decrypts, so it stops there; or
 *   - anything else - bundle plaintext (RUN / RAW / END entries), which the
 *     target seals under the fixed community key first, so the entry
 *     parser and the apply path see the fuzzer's bytes.  (A plaintext
 *     never starts with 'K': that is not an entry type.)
 * gen_corpus writes all of these from real exported bundles.
 *
 * Every input starts from an empty in-memory replica with a fixed clock,
 * so the outcome depends on the input alone and any failure replays from
 * one file.  Checked:
 *   - a failed import left the replica exactly as it was;
 *   - after each good import, every author's log is seq 1..head, each
 *     change decodes, is signed by that author (its own signature, not
 *     only the run's newest) and chains to the one before, head_hash is the
 *     hash of the head, and no pending change sits at or below head + 1;
 *   - importing the good segments again applies nothing and changes
 *     nothing but the pending table (a change from a losing fork branch may
 *     be held again; it is dropped when the gap fills);
 *   - the view equals a rebuild from the log (the materialized tables are
 *     a pure function of the changes held) and the FTS indexes agree with
 *     their tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "common.h"
#include "crdt/bundle.h"
#include "crdt/crypto.h"
#include "crdt/db.h" /* the checks read the tables: crdt_store_db */
#include "crdt/err.h"
#include "crdt/store.h"

#define MAGIC "KITHBNDL"
#define MAGIC_LEN 8
#define CHUNK (64u * 1024)
#define SEP "KITHNEXT"
#define SEP_LEN 8
#define MAX_SEGS 4

static char path[512];
static struct crdt_replica r;
static struct crdt_buf empty; /* dump of a fresh replica */
static int clean_changes;      /* sqlite3_total_changes() when it was empty */
static int verbose; /* FUZZ_VERBOSE=1: print each import's outcome */

static const char *const kept_tables[] = { "meta",  "authors", "changes",
					    "forks", NULL };
static const char *const view_tables[] = { "members", "items", "wishes",
					    "claims",  "loans", NULL };
static const char *const all_tables[] = { "meta",    "authors", "changes",
					   "pending", "forks",	 "members",
					   "items",   "wishes",	 "claims",
					   "loans",   "keys",	 "field_stamps",
					   "parked",  "unlinked", NULL };

#define FAIL(...)                                                             \
	do {                                                                  \
		fprintf(stderr, "fuzz_bundle: " __VA_ARGS__);                 \
		fputc('\n', stderr);                                          \
		abort();                                                      \
	} while (0)

static void teardown(void)
{
	crdt_buf_release(&empty);
	crdt_replica_close(&r);
	unlink(path);
}

static void dump(sqlite3 *db, const char *const *tables, struct crdt_buf *out);

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	if (crdt_crypto_init())
		FAIL("crdt_crypto_init failed");
	fuzz_tmp_path(path, sizeof path, "bundle");
	if (crdt_replica_open(&r, ":memory:", &fuzz_env))
		FAIL("cannot open a replica");
	crdt_buf_init(&empty, SIZE_MAX);
	dump(crdt_store_db(r.store), all_tables, &empty);
	clean_changes = sqlite3_total_changes(crdt_store_db(r.store));
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	atexit(teardown);
}

/* Write a segment to path: as it is, or sealed as a bundle. */
static void stage(const uint8_t *pt, size_t len)
{
	uint8_t head[MAGIC_LEN + 1 + CRDT_TAG_LEN + CRDT_STREAM_HEADER_LEN];
	uint8_t key[CRDT_KEY_LEN], *ct;
	struct crdt_stream ss;
	FILE *f = fopen(path, "wb");
	size_t off = 0;

	if (len >= MAGIC_LEN && !memcmp(pt, MAGIC, MAGIC_LEN)) {
		if (!f || (len && fwrite(pt, 1, len, f) != len) || fclose(f))
			FAIL("cannot write '%s'", path);
		return;
	}
	ct = malloc(CHUNK + CRDT_STREAM_ABYTES);
	if (!f || !ct)
		FAIL("cannot write '%s'", path);
	memcpy(head, MAGIC, MAGIC_LEN);
	head[MAGIC_LEN] = 1;
	crdt_community_tag(head + MAGIC_LEN + 1, fuzz_community);
	crdt_community_subkey(key, fuzz_community, CRDT_SUBKEY_BUNDLE);
	if (crdt_stream_push_init(&ss, head + MAGIC_LEN + 1 + CRDT_TAG_LEN,
				  key))
		FAIL("crdt_stream_push_init failed");
	if (fwrite(head, 1, sizeof head, f) != sizeof head)
		FAIL("cannot write '%s'", path);
	do {
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		size_t c = n + CRDT_STREAM_ABYTES;
		uint8_t l[4] = { (uint8_t)c, (uint8_t)(c >> 8),
				 (uint8_t)(c >> 16), (uint8_t)(c >> 24) };

		crdt_stream_push(&ss, ct, pt + off, n, off + n == len);
		if (fwrite(l, 1, 4, f) != 4 || fwrite(ct, 1, c, f) != c)
			FAIL("cannot write '%s'", path);
		off += n;
	} while (off < len);
	crdt_stream_release(&ss);
	if (fclose(f))
		FAIL("cannot write '%s'", path);
	free(ct);
}

/* Append every row of table, in a canonical order, to out. */
static void dump_table(sqlite3 *db, const char *table, struct crdt_buf *out)
{
	char sql[256];
	sqlite3_stmt *q = NULL;
	int i, n, len;

	len = snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL))
		FAIL("cannot read '%s': %s", table, sqlite3_errmsg(db));
	n = sqlite3_column_count(q);
	sqlite3_finalize(q);
	for (i = 1; i <= n; i++)
		len += snprintf(sql + len, sizeof sql - (size_t)len, "%s%d",
				i == 1 ? " ORDER BY " : ", ", i);
	if ((size_t)len >= sizeof sql ||
	    sqlite3_prepare_v2(db, sql, -1, &q, NULL))
		FAIL("cannot read '%s': %s", table, sqlite3_errmsg(db));
	if (crdt_buf_put(out, table, strlen(table) + 1))
		FAIL("out of memory");
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			int t = sqlite3_column_type(q, i);
			int64_t v = sqlite3_column_int64(q, i);
			const void *p = sqlite3_column_blob(q, i);
			size_t m = (size_t)sqlite3_column_bytes(q, i);

			if (crdt_buf_put_u8(out, (uint8_t)t) ||
			    crdt_buf_put_svarint(out, v) ||
			    crdt_buf_put_lbytes(out, p, m))
				FAIL("out of memory");
		}
	}
	if (sqlite3_finalize(q))
		FAIL("cannot read '%s': %s", table, sqlite3_errmsg(db));
}

static void dump(sqlite3 *db, const char *const *tables, struct crdt_buf *out)
{
	crdt_buf_reset(out);
	for (; *tables; tables++)
		dump_table(db, *tables, out);
}

static int same(const struct crdt_buf *a, const struct crdt_buf *b)
{
	return a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len));
}

static void check_fts(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	int bad = -1;

	if (sqlite3_exec(db,
			 "INSERT INTO items_fts(items_fts) VALUES('integrity-check');"
			 "INSERT INTO wishes_fts(wishes_fts)"
			 " VALUES('integrity-check');"
			 "INSERT INTO items_grams(items_grams)"
			 " VALUES('integrity-check');"
			 "INSERT INTO wishes_grams(wishes_grams)"
			 " VALUES('integrity-check');",
			 NULL, NULL, NULL))
		FAIL("fts index disagrees with its table: %s",
		     sqlite3_errmsg(db));
	/* the CJK grams index holds exactly the grams of every post */
	if (sqlite3_prepare_v2(db,
			       "SELECT (SELECT count(*) FROM items i FULL JOIN"
			       " items_grams g ON g.rowid = i.rowid WHERE"
			       " kith_grams(i.title, i.description) IS NOT g.grams)"
			       " + (SELECT count(*) FROM wishes w FULL JOIN"
			       " wishes_grams g ON g.rowid = w.rowid WHERE"
			       " kith_grams(w.title, w.description) IS NOT g.grams)",
			       -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		bad = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (bad)
		FAIL("grams index disagrees with its posts (%d rows): %s", bad,
		     sqlite3_errmsg(db));
}

/* Every author's log is 1..head, signed and chained; head_hash matches. */
static void check_logs(struct crdt_store *s)
{
	sqlite3 *db = crdt_store_db(s);
	sqlite3_stmt *a = NULL, *c = NULL, *p = NULL;

	if (sqlite3_prepare_v2(db, "SELECT n, pk, head, head_hash FROM authors",
			       -1, &a, NULL) ||
	    sqlite3_prepare_v2(db,
			       "SELECT k, data FROM changes WHERE k >= ?1 AND"
			       " k < ?2 ORDER BY k",
			       -1, &c, NULL) ||
	    sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM pending WHERE n = ?1 AND"
			       " seq <= ?2",
			       -1, &p, NULL))
		FAIL("cannot prepare: %s", sqlite3_errmsg(db));
	while (sqlite3_step(a) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(a, 0);
		uint64_t head = (uint64_t)sqlite3_column_int64(a, 2), seq = 0;
		uint8_t pk[CRDT_PK_LEN], hash[CRDT_HASH_LEN] = { 0 };

		if (sqlite3_column_bytes(a, 1) != CRDT_PK_LEN)
			FAIL("author %lld: bad key", (long long)n);
		memcpy(pk, sqlite3_column_blob(a, 1), CRDT_PK_LEN);
		sqlite3_bind_int64(c, 1, CRDT_KEY(n, 0));
		sqlite3_bind_int64(c, 2, CRDT_KEY(n + 1, 0));
		while (sqlite3_step(c) == SQLITE_ROW) {
			struct crdt_change ch;
			const uint8_t *d = sqlite3_column_blob(c, 1);
			size_t len = (size_t)sqlite3_column_bytes(c, 1);

			seq++;
			if (sqlite3_column_int64(c, 0) != CRDT_KEY(n, seq))
				FAIL("author %lld: hole before seq %llu",
				     (long long)n, (unsigned long long)seq);
			if (crdt_change_decode(&ch, d, len))
				FAIL("author %lld seq %llu: stored change does"
				     " not decode",
				     (long long)n, (unsigned long long)seq);
			if (ch.seq != seq || memcmp(ch.author, pk, CRDT_PK_LEN))
				FAIL("author %lld seq %llu: stored under the"
				     " wrong key",
				     (long long)n, (unsigned long long)seq);
			if (seq > 1 && memcmp(ch.prev, hash, CRDT_HASH_LEN))
				FAIL("author %lld seq %llu: does not chain to"
				     " seq %llu",
				     (long long)n, (unsigned long long)seq,
				     (unsigned long long)seq - 1);
			/* bodies are authentic through the chain up to a
			 * run's verified newest signature; the signatures
			 * stored with earlier changes are not checked on the
			 * way in (crdt/apply.h), only where a sender cuts a
			 * run and for fork evidence (checked below) */
			memcpy(hash, ch.hash, CRDT_HASH_LEN);
			crdt_change_release(&ch);
		}
		sqlite3_reset(c);
		if (seq != head)
			FAIL("author %lld: head %llu but %llu changes stored",
			     (long long)n, (unsigned long long)head,
			     (unsigned long long)seq);
		if (head && (sqlite3_column_bytes(a, 3) != CRDT_HASH_LEN ||
			     memcmp(sqlite3_column_blob(a, 3), hash,
				    CRDT_HASH_LEN)))
			FAIL("author %lld: head_hash is not the hash of seq %llu",
			     (long long)n, (unsigned long long)head);
		sqlite3_bind_int64(p, 1, n);
		sqlite3_bind_int64(p, 2, (int64_t)head + 1);
		if (sqlite3_step(p) != SQLITE_ROW || sqlite3_column_int64(p, 0))
			FAIL("author %lld: pending change at or below head + 1",
			     (long long)n);
		sqlite3_reset(p);
	}
	sqlite3_finalize(a);
	sqlite3_finalize(c);
	/* fork evidence is forwarded and checked alone: every piece must
	 * carry its own good signature */
	if (sqlite3_prepare_v2(db, "SELECT data FROM forks", -1, &c, NULL))
		FAIL("cannot prepare: %s", sqlite3_errmsg(db));
	while (sqlite3_step(c) == SQLITE_ROW) {
		struct crdt_change ch;

		if (crdt_change_decode(&ch, sqlite3_column_blob(c, 0),
				       (size_t)sqlite3_column_bytes(c, 0)))
			FAIL("fork evidence does not decode");
		if (crdt_change_verify(&ch))
			FAIL("fork evidence with a bad signature was stored");
		crdt_change_release(&ch);
	}
	sqlite3_finalize(c);
	sqlite3_finalize(p);
}

/*
 * Empty the replica for the next input.  Opening a fresh one costs ~4 ms
 * (schema, FTS5 tables, statements) and would halve the execution rate.
 * Most inputs never get past the AEAD or the parser and write nothing;
 * sqlite3_total_changes() tells those apart, so only a replica that was
 * written to is emptied and checked against the dump of a fresh one.
 */
static int written(sqlite3 *db)
{
	return sqlite3_total_changes(db) != clean_changes;
}

static void reset(sqlite3 *db, struct crdt_buf *scratch)
{
	if (!written(db))
		return;
	if (sqlite3_exec(db,
			 "BEGIN;"
			 /* a fresh replica holds meta 'recheck' = 0 (schema 8)
			  * and 'rebuild' = 0 (schema 15) */
			 "DELETE FROM meta;"
			 "INSERT INTO meta(k, v) VALUES ('recheck', 0);"
			 "INSERT INTO meta(k, v) VALUES ('rebuild', 0);"
			 "DELETE FROM authors;"
			 "DELETE FROM changes; DELETE FROM pending;"
			 "DELETE FROM forks; DELETE FROM members;"
			 "DELETE FROM items; DELETE FROM wishes;"
			 "DELETE FROM claims; DELETE FROM loans;"
			 "INSERT INTO items_fts(items_fts) VALUES('delete-all');"
			 "INSERT INTO wishes_fts(wishes_fts) VALUES('delete-all');"
			 "DELETE FROM items_grams; DELETE FROM wishes_grams;"
			 /* the devices' tables (schema 16) */
			 "DELETE FROM keys; DELETE FROM field_stamps;"
			 "DELETE FROM parked; DELETE FROM unlinked;"
			 "COMMIT;",
			 NULL, NULL, NULL))
		FAIL("cannot reset the replica: %s", sqlite3_errmsg(db));
	dump(db, all_tables, scratch);
	if (!same(scratch, &empty))
		FAIL("reset left state behind");
	clean_changes = sqlite3_total_changes(db);
}

/* Split data at SEP into at most MAX_SEGS segments; returns the count. */
static int split(const uint8_t *data, size_t size, const uint8_t **seg,
		 size_t *len)
{
	int n = 0;

	for (;;) {
		const uint8_t *sep = NULL;

		if (n + 1 < MAX_SEGS)
			sep = memmem(data, size, SEP, SEP_LEN);
		seg[n] = data;
		len[n++] = sep ? (size_t)(sep - data) : size;
		if (!sep)
			return n;
		size -= (size_t)(sep - data) + SEP_LEN;
		data = sep + SEP_LEN;
	}
}

static int import(const uint8_t *seg, size_t len, struct crdt_apply_stats *st)
{
	int rc;

	stage(seg, len);
	memset(st, 0, sizeof *st);
	rc = crdt_bundle_import(&r, fuzz_community, path, st);
	if (verbose)
		fprintf(stderr,
			"fuzz_bundle: %s: applied %llu duplicate %llu rejected"
			" %llu held %llu forked %llu\n",
			rc ? kith_strerror(rc) : "ok",
			(unsigned long long)st->applied,
			(unsigned long long)st->duplicate,
			(unsigned long long)st->rejected,
			(unsigned long long)st->held,
			(unsigned long long)st->forked);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *seg[MAX_SEGS];
	size_t len[MAX_SEGS];
	int ok[MAX_SEGS], nseg, i, any = 0;
	struct crdt_apply_stats st;
	struct crdt_buf before, after;
	sqlite3 *db;

	setup();
	db = crdt_store_db(r.store);
	crdt_buf_init(&before, SIZE_MAX);
	crdt_buf_init(&after, SIZE_MAX);
	nseg = split(data, size, seg, len);
	for (i = 0; i < nseg; i++) {
		int was_empty = !written(db), changes, rc;

		if (!was_empty)
			dump(db, all_tables, &before);
		changes = sqlite3_total_changes(db);
		rc = import(seg[i], len[i], &st);
		ok[i] = rc == 0;
		if (ok[i]) {
			check_logs(r.store);
			any = 1;
		} else if (sqlite3_total_changes(db) != changes) {
			/* it wrote, then rolled back: nothing may be left */
			dump(db, all_tables, &after);
			if (!same(&after, was_empty ? &empty : &before))
				FAIL("failed import (%s) changed the replica",
				     kith_strerror(rc));
		}
	}
	if (!any)
		goto out;

	/* idempotent: importing the good segments again is all duplicates */
	dump(db, kept_tables, &before);
	for (i = 0; i < nseg; i++) {
		if (!ok[i])
			continue;
		if (import(seg[i], len[i], &st))
			FAIL("second import of segment %d failed", i + 1);
		if (st.applied)
			FAIL("second import of segment %d applied %llu", i + 1,
			     (unsigned long long)st.applied);
	}
	dump(db, kept_tables, &after);
	if (!same(&before, &after))
		FAIL("second import changed the replica");
	check_logs(r.store);

	/* the view is a pure function of the log */
	check_fts(db);
	dump(db, view_tables, &before);
	if (crdt_store_rebuild(r.store))
		FAIL("rebuild failed: %s", crdt_store_errmsg(r.store));
	dump(db, view_tables, &after);
	if (!same(&before, &after))
		FAIL("view differs from a rebuild of the log");
	check_fts(db);
out:
	reset(db, &before);
	crdt_buf_release(&before);
	crdt_buf_release(&after);
	return 0;
}
