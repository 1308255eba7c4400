/*
 * ops.c - inventory, volunteers, matching, hours ledger, loans due (see
 * ops.h).  All SQL of these features lives here; status rules come from
 * query_sql.h so they cannot drift from `kith item list` / `wish list`.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "ops.h"
#include "query_sql.h"
#include "schema.h"
#include "search.h"

/* The statements of this file (crdt/db.h), each defined by its SQL
 * below; the table is at the end of the file. */
enum { OPS_INVENTORY, OPS_INVENTORY_ALL, OPS_VOLUNTEERS, OPS_TOP_WISHES,
       OPS_ONE_WISH, OPS_WISH_ROW, OPS_WISH_FACTS, OPS_ITEMS_FTS,
       OPS_ITEMS_CAT, OPS_ITEM_OK, OPS_ITEM_COUNT, OPS_VOL_MATCH,
       OPS_TERM_DOCS, OPS_GRAM_DOCS, OPS_HOURS, OPS_LEDGER, OPS_LOANS,
       OPS_NSQL };
static const struct crdt_stmts ops_stmts;
_Static_assert(CRDT_MATCH_TERMS == CRDT_TERMS_WORDS &&
		       CRDT_MATCH_GRAMS == CRDT_TERMS_GRAMS,
	       "ops.h and search.h agree on the number of terms");

#define POOL_STR "60" /* CRDT_MATCH_POOL */
_Static_assert(CRDT_MATCH_POOL == 60, "POOL_STR must match CRDT_MATCH_POOL");

/* A member's or post author's building, "(no building)" when none. */
#define BUILDING(m) "coalesce(nullif(trim(" m ".building), ''), '(no building)')"

/* ---- inventory ---------------------------------------------------------- */

/* Resources that count: available, requested or on loan; not hidden or
 * blocked.  Grouped case-insensitively, and each building, category and
 * unit spelled the same on every row and every replica: a building as the
 * smallest spelling of any member in it, a category or unit as the
 * smallest among the resources counted. */
#define INVENTORY_SQL(by_building)                                            \
	"WITH r AS MATERIALIZED (SELECT " by_building " AS bld,"             \
	" coalesce(nullif(trim(i.category), ''), '(none)') AS cat,"          \
	" coalesce(trim(i.unit), '') AS unt,"                                 \
	" coalesce(i.quantity, 1) AS qty"                                     \
	" FROM items i LEFT JOIN members m ON m.id = i.author"               \
	" WHERE i.kind = 6 AND NOT i.withdrawn"                               \
	"  AND (?1 IS NULL OR " BUILDING("m") " = ?1 COLLATE NOCASE)"        \
	"  AND " ITEM_STATUS("i", "?2")                                       \
	"   IN ('available', 'requested', 'on_loan')"                         \
	"  AND NOT " HIDDEN("i") " AND NOT " BLOCKED("i") "),"               \
	" c AS MATERIALIZED (SELECT lower(cat) AS k, min(cat) AS v FROM r"    \
	"  GROUP BY 1),"                                                      \
	" u AS MATERIALIZED (SELECT lower(unt) AS k, min(unt) AS v FROM r"    \
	"  GROUP BY 1)"                                                       \
	" SELECT coalesce((SELECT min(trim(b.building)) FROM members b"       \
	"  WHERE lower(b.building) = lower(g.bld)), g.bld) AS building,"      \
	" (SELECT v FROM c WHERE c.k = lower(g.cat)) AS category,"            \
	" (SELECT v FROM u WHERE u.k = lower(g.unt)) AS unit,"                \
	" g.quantity, g.items"                                                \
	" FROM (SELECT min(bld) AS bld, min(cat) AS cat, min(unt) AS unt,"    \
	"  sum(qty) AS quantity, count(*) AS items FROM r"                    \
	"  GROUP BY bld COLLATE NOCASE, cat COLLATE NOCASE,"                  \
	"  unt COLLATE NOCASE) g"                                             \
	" ORDER BY building COLLATE NOCASE, category COLLATE NOCASE,"        \
	" unit COLLATE NOCASE"

static int inventory(struct crdt_store *s, int which, const char *building,
		     int64_t now, crdt_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &ops_stmts, which);

	if (!q)
		return KITH_EDB;
	if (building)
		sqlite3_bind_text(q, 1, building, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	return crdt_rows(s, q, fn, ctx);
}

int crdt_inventory(struct crdt_store *s, const char *building, int64_t now,
		   crdt_row_fn fn, void *ctx)
{
	return inventory(s, OPS_INVENTORY, building, now, fn, ctx);
}

int crdt_inventory_totals(struct crdt_store *s, const char *building,
			  int64_t now, crdt_row_fn fn, void *ctx)
{
	return inventory(s, OPS_INVENTORY_ALL, building, now, fn, ctx);
}

/* ---- volunteers --------------------------------------------------------- */

/* JSON array of the words of s (for json_each); 0 or KITH_ETOOBIG. */
/* Length of the word separator at s: a space, tab or comma, or the
 * Chinese comma ，, enumeration comma 、 or ideographic space; else 0. */
static int word_sep(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == ' ' || *p == '\t' || *p == ',')
		return 1;
	if (p[0] == 0xef && p[1] == 0xbc && p[2] == 0x8c)
		return 3; /* U+FF0C */
	if (p[0] == 0xe3 && p[1] == 0x80 && (p[2] == 0x81 || p[2] == 0x80))
		return 3; /* U+3001, U+3000 */
	return 0;
}

static int words_json(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	int first = 1, k;

	if (cap < 3)
		return KITH_ETOOBIG;
	out[n++] = '[';
	while (*s) {
		while ((k = word_sep(s)) > 0)
			s += k;
		if (!*s)
			break;
		if (n + 4 >= cap)
			return KITH_ETOOBIG;
		if (!first)
			out[n++] = ',';
		first = 0;
		out[n++] = '"';
		for (; *s && !word_sep(s); s++) {
			unsigned char ch = (unsigned char)*s;

			if (n + 8 >= cap)
				return KITH_ETOOBIG;
			if (ch == '"' || ch == '\\') {
				out[n++] = '\\';
				out[n++] = (char)ch;
			} else if (ch < 0x20) {
				n += (size_t)snprintf(out + n, cap - n,
						      "\\u%04x", ch);
			} else {
				out[n++] = (char)ch;
			}
		}
		out[n++] = '"';
	}
	if (n + 2 > cap)
		return KITH_ETOOBIG;
	out[n++] = ']';
	out[n] = 0;
	return 0;
}

static const char volunteers_sql[] =
	"SELECT " HEX("m.id") " AS id, m.name, m.building, m.unit, m.skills,"
	" m.available, " EARNED_Q("m") " / 4.0 AS hours"
	" FROM members m"
	" WHERE (coalesce(trim(m.skills), '') <> ''"
	"   OR coalesce(trim(m.available), '') <> '')"
	"  AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.member = m.id)"
	"  AND (?1 IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(?1) k"
	"   WHERE instr(lower(coalesce(m.skills, '')), lower(k.value)) = 0))"
	"  AND (?2 IS NULL OR " BUILDING("m") " = ?2 COLLATE NOCASE)"
	" ORDER BY coalesce(" BUILDING("m") " = ?3 COLLATE NOCASE, 0) DESC,"
	" " BUILDING("m") " COLLATE NOCASE, m.name COLLATE NOCASE, m.id";

int crdt_volunteers(struct crdt_store *s, const char *skill,
		    const char *building, const char *near, crdt_row_fn fn,
		    void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &ops_stmts, OPS_VOLUNTEERS);
	char words[2 * CRDT_MAX_TEXT + 16];
	int rc;

	if (!q)
		return KITH_EDB;
	if (skill) {
		rc = words_json(skill, words, sizeof words);
		if (rc)
			return rc;
		sqlite3_bind_text(q, 1, words, -1, SQLITE_STATIC);
	}
	if (building)
		sqlite3_bind_text(q, 2, building, -1, SQLITE_STATIC);
	if (near)
		sqlite3_bind_text(q, 3, near, -1, SQLITE_STATIC);
	return crdt_rows(s, q, fn, ctx);
}

/* ---- matching ----------------------------------------------------------- */

/* The most urgent open wishes, in the order of `kith wish list`.  The
 * cheap conditions come first so the status is worked out only for
 * wishes that can still be open; the wishes_urgency index hands rows over
 * in order, so this stops after ?2 of them. */
static const char top_wishes_sql[] =
	"SELECT w.rowid FROM wishes w"
	" WHERE NOT w.withdrawn AND NOT w.confirmed"
	"  AND (w.needed_by IS NULL OR w.needed_by >= ?1)"
	"  AND " LAST_EDIT("w", "?1") " + " WISH_TTL " >= ?1"
	"  AND " WISH_STATUS("w", "?1") " = 'open'"
	"  AND NOT " HIDDEN("w") " AND NOT " BLOCKED("w")
	" ORDER BY coalesce(w.urgency, 2), w.created, w.id LIMIT ?2";

static const char one_wish_sql[] =
	"SELECT w.rowid FROM wishes w WHERE w.id = ?1";

static const char wish_row_sql[] =
	"SELECT " HEX("w.id") " AS id, w.title, " URGENCY("w") " AS urgency,"
	" " WISH_STATUS("w", "?2") " AS status,"
	" CASE w.kind WHEN 1 THEN 'service' ELSE 'material' END AS kind,"
	" w.category, " HEX("w.author") " AS author, p.name AS author_name,"
	" p.building AS building, w.location, w.on_behalf_of AS for_name,"
	" w.needed_by, w.created >> 16 AS created_ms"
	" FROM wishes w LEFT JOIN members p ON p.id = w.author"
	" WHERE w.rowid = ?1";

static const char wish_facts_sql[] =
	"SELECT w.author, w.title, w.category, w.description,"
	" nullif(p.building, '')"
	" FROM wishes w LEFT JOIN members p ON p.id = w.author"
	" WHERE w.rowid = ?1";

/*
 * Candidate items, from three bounded sources so that a popular category
 * or a common word costs no more than a rare one:
 *   - the TEXT_STR best matches of the words (FTS5 bm25 in items_fts),
 *     and the TEXT_STR best of the CJK grams (in items_grams);
 *   - every item of the category posted in the wish author's building
 *     (members of the building by members_building, then their items by
 *     items_author: CROSS JOIN keeps that order, and the unary + keeps
 *     SQLite from walking the whole category by items_category instead);
 *   - the CAT_STR newest items of the category.
 * Together they hold the top of every score tier (within a tier, words
 * matches first, by bm25, then the others newest first).  They are scored on a
 * few columns, the best POOL kept, and only those joined to what is
 * shown.  Availability is checked afterwards, row by row in this order,
 * until enough are found (item_ok).  The last column, rid, is for that
 * check and is not shown.
 * ?1 wish author, ?2 category, ?3 building, ?4 words, ?5 grams (either may
 * be NULL in items_fts_sql: a constant false term skips that index).
 */
#define TEXT_STR "150"
#define CAT_STR "100"
#define ITEMS_SQL(fts)                                                        \
	"SELECT " HEX("i.id") " AS id, i.title, " ITEM_KIND("i") " AS kind," \
	" i.category, i.quantity, i.unit, i.location,"                        \
	" " HEX("i.author") " AS author, p.name AS author_name,"             \
	" p.building AS building, x.same_category, x.words, x.same_building," \
	" x.score, x.rid"                                                     \
	" FROM (SELECT *, 3 * same_category + 2 * words + same_building"     \
	"  AS score FROM (SELECT b.rid AS rid,"                               \
	"  coalesce(i.category = ?2 COLLATE NOCASE, 0) AS same_category,"    \
	"  b.r IS NOT NULL AS words,"                                         \
	"  coalesce(p.building = ?3 COLLATE NOCASE, 0) AS same_building,"    \
	"  b.r AS r, i.created AS created, i.id AS iid"                       \
	"  FROM (SELECT rid, min(r) AS r FROM (" fts                          \
	"   SELECT i.rowid AS rid, NULL AS r FROM members p CROSS JOIN items i" \
	"    ON i.author = p.id WHERE lower(p.building) = lower(?3)"          \
	"    AND +i.category = ?2 COLLATE NOCASE"                             \
	"   UNION ALL SELECT * FROM (SELECT rowid AS rid, NULL AS r"          \
	"    FROM items WHERE category = ?2 COLLATE NOCASE AND author <> ?1"  \
	"    AND NOT withdrawn ORDER BY created DESC LIMIT " CAT_STR "))"     \
	"   GROUP BY rid) b"                                                  \
	"  JOIN items i ON i.rowid = b.rid"                                   \
	"  LEFT JOIN members p ON p.id = i.author"                            \
	"  WHERE i.author <> ?1 AND NOT i.withdrawn)"                         \
	"  ORDER BY score DESC, words DESC, r, created DESC, iid"            \
	"  LIMIT " POOL_STR ") x"                                             \
	" JOIN items i ON i.rowid = x.rid LEFT JOIN members p"               \
	"  ON p.id = i.author"                                                \
	" ORDER BY x.score DESC, x.words DESC, x.r, x.created DESC, x.iid"

static const char items_fts_sql[] = ITEMS_SQL(
	"SELECT * FROM (SELECT rowid AS rid, rank AS r FROM items_fts"
	"   WHERE ?4 IS NOT NULL AND items_fts MATCH ?4"
	"   ORDER BY rank LIMIT " TEXT_STR ")"
	"   UNION ALL SELECT * FROM (SELECT rowid AS rid, rank AS r"
	"   FROM items_grams WHERE ?5 IS NOT NULL AND items_grams MATCH ?5"
	"   ORDER BY rank LIMIT " TEXT_STR ")"
	"   UNION ALL");
static const char items_cat_sql[] = ITEMS_SQL("");

/* Is candidate item ?1 (rowid) available, as `kith item list` says, and
 * neither hidden nor blocked?  ?2 now. */
static const char item_ok_sql[] =
	"SELECT CASE WHEN " HIDDEN("i") " OR " BLOCKED("i") " THEN ''"
	" ELSE " ITEM_STATUS("i", "?2") " END = 'available'"
	" FROM items i WHERE i.rowid = ?1";

/* Members with skills, indexed for word matching (words and CJK grams, as
 * posts are: crdt/search.h), for this connection and this call: rebuilt
 * by every crdt_match (never stale), in the temp schema (nothing is
 * written to the replica).  Also views of the items' full-text
 * vocabularies, to tell rare words from common ones. */
static const char vol_index_sql[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.ops_items_vocab USING"
	" fts5vocab(main, items_fts, row);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.ops_grams_vocab USING"
	" fts5vocab(main, items_grams, row);"
	"CREATE TEMP TABLE IF NOT EXISTS ops_vol(n INTEGER PRIMARY KEY,"
	" id BLOB NOT NULL);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.ops_vol_fts USING"
	" fts5(skills, content='');"
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.ops_vol_grams USING"
	" fts5(grams, content='', tokenize='ascii');"
	"DELETE FROM temp.ops_vol;"
	"INSERT INTO temp.ops_vol_fts(ops_vol_fts) VALUES ('delete-all');"
	"INSERT INTO temp.ops_vol_grams(ops_vol_grams) VALUES ('delete-all');"
	"INSERT INTO temp.ops_vol(id) SELECT m.id FROM members m"
	" WHERE coalesce(trim(m.skills), '') <> ''"
	" AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.member = m.id);"
	"INSERT INTO temp.ops_vol_fts(rowid, skills) SELECT v.n, m.skills"
	" FROM temp.ops_vol v JOIN members m ON m.id = v.id;"
	"INSERT INTO temp.ops_vol_grams(rowid, grams) SELECT n, g FROM"
	" (SELECT v.n AS n, kith_grams(m.skills) AS g FROM temp.ops_vol v"
	"  JOIN members m ON m.id = v.id) WHERE g IS NOT NULL;";

/* ?1 words, ?2 building, ?3 wish author, ?4 how many, ?5 grams (?1 or ?5
 * may be NULL).  The inner query ranks; hours are worked out only for the
 * few rows kept. */
static const char vol_match_sql[] =
	"SELECT " HEX("m.id") " AS id, m.name, m.building, m.unit, m.skills,"
	" m.available, " EARNED_Q("m") " / 4.0 AS hours, x.same_building"
	" FROM (SELECT v.id AS id,"
	"  coalesce(p.building = ?2 COLLATE NOCASE, 0) AS same_building,"
	"  f.r AS r, p.name AS name"
	"  FROM (SELECT n, min(r) AS r FROM (SELECT rowid AS n, rank AS r"
	"   FROM temp.ops_vol_fts WHERE ?1 IS NOT NULL AND ops_vol_fts MATCH ?1"
	"   UNION ALL SELECT rowid, rank FROM temp.ops_vol_grams"
	"   WHERE ?5 IS NOT NULL AND ops_vol_grams MATCH ?5) GROUP BY n) f"
	"  JOIN temp.ops_vol v ON v.n = f.n JOIN members p ON p.id = v.id"
	"  WHERE v.id <> ?3"
	"  ORDER BY same_building DESC, r, name COLLATE NOCASE, v.id"
	"  LIMIT ?4) x JOIN members m ON m.id = x.id"
	" ORDER BY x.same_building DESC, x.r, x.name COLLATE NOCASE, x.id";

/* How many items hold a word starting with ?1 (an upper bound: a post
 * with two such words counts twice). */
static const char term_docs_sql[] =
	"SELECT coalesce(sum(doc), 0) FROM temp.ops_items_vocab"
	" WHERE term >= ?1 AND term < ?1 || char(1114111)";
/* The same for a CJK gram (a pair: exactly; a character: every pair it
 * starts, counted as above). */
static const char gram_docs_sql[] =
	"SELECT coalesce(sum(doc), 0) FROM temp.ops_grams_vocab"
	" WHERE term >= ?1 AND term < ?1 || char(1114111)";

/* A word in more items than this is too common to say what is wanted
 * ("after", "door"): matching it would rank thousands of posts for
 * nothing.  Never fewer than TERM_DOCS_MIN. */
#define TERM_DOCS_SHARE 40 /* 1/40 = 2.5 % */
#define TERM_DOCS_MIN 500

struct wish_facts {
	uint8_t author[CRDT_PK_LEN];
	char category[CRDT_MAX_TEXT + 1];
	char building[CRDT_MAX_TEXT + 1];
	int has_category, has_building;
	struct crdt_terms terms;
};

static void copy_text(char *dst, size_t cap, sqlite3_stmt *q, int col,
		      int *has)
{
	const unsigned char *t = sqlite3_column_text(q, col);

	*has = t && *t;
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static int wish_facts(struct crdt_store *s, int64_t rid, struct wish_facts *f)
{
	sqlite3_stmt *q = crdt_stmt(s, &ops_stmts, OPS_WISH_FACTS);
	int rc;

	memset(f, 0, sizeof *f);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, rid);
	rc = crdt_step_row(s, q);
	if (!rc) {
		if (sqlite3_column_bytes(q, 0) == CRDT_PK_LEN)
			memcpy(f->author, sqlite3_column_blob(q, 0),
			       CRDT_PK_LEN);
		/* the title's words first: they say most */
		crdt_terms_add(&f->terms, (const char *)sqlite3_column_text(q, 1));
		crdt_terms_add(&f->terms, (const char *)sqlite3_column_text(q, 2));
		crdt_terms_add(&f->terms, (const char *)sqlite3_column_text(q, 3));
		copy_text(f->category, sizeof f->category, q, 2,
			  &f->has_category);
		copy_text(f->building, sizeof f->building, q, 4,
			  &f->has_building);
	}
	crdt_reset(q);
	return rc;
}

struct matcher {
	struct crdt_store *s;
	int64_t now;
	int per_wish;
	int indexed; /* temp.ops_vol_fts and temp.ops_items_vocab are ready */
	int64_t max_docs; /* words in more items than this are dropped */
	int found;   /* items passed on for this wish */
	int enough;  /* item_ok stopped the candidates: not an error */
	const struct crdt_match_out *out;
};

#define STOP_ITEMS 1 /* with m->enough: per_wish items found */

/* Pass a candidate on if it is available; stop after per_wish. */
static int item_ok(void *ctx, const struct crdt_row *row)
{
	struct matcher *m = ctx;
	sqlite3_stmt *q = crdt_stmt(m->s, &ops_stmts, OPS_ITEM_OK);
	const struct crdt_col *rid = &row->c[row->n - 1];
	struct crdt_row shown;
	int rc, ok;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, rid->i);
	sqlite3_bind_int64(q, 2, m->now);
	rc = sqlite3_step(q);
	ok = rc == SQLITE_ROW && sqlite3_column_int(q, 0);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = 0;
	else
		rc = crdt_store_err(m->s, rc);
	crdt_reset(q);
	if (rc || !ok)
		return rc;
	shown = *row;
	shown.n--; /* without rid */
	rc = m->out->item(m->out->ctx, &shown);
	if (!rc && ++m->found >= m->per_wish) {
		m->enough = 1;
		rc = STOP_ITEMS;
	}
	return rc;
}

/* The temp objects of one crdt_match call (vol_index_sql), and the limit
 * on common words. */
static int match_prepare(struct matcher *m)
{
	sqlite3_stmt *q;
	int rc;

	if (m->indexed)
		return 0;
	/* a script that creates and fills temp objects: sqlite3_exec */
	rc = sqlite3_exec(crdt_store_db(m->s), vol_index_sql, NULL, NULL, NULL);
	if (rc)
		return crdt_store_err(m->s, rc);
	q = crdt_stmt(m->s, &ops_stmts, OPS_ITEM_COUNT);
	if (!q)
		return KITH_EDB;
	if (sqlite3_step(q) == SQLITE_ROW)
		m->max_docs = sqlite3_column_int64(q, 0) / TERM_DOCS_SHARE;
	crdt_reset(q);
	if (m->max_docs < TERM_DOCS_MIN)
		m->max_docs = TERM_DOCS_MIN;
	m->indexed = 1;
	return 0;
}

/* Which of the n terms (each tsize bytes at in) are worth looking for
 * among items: all but the too common ones (the rarest is kept if that
 * would leave none); copied to out, *nout of them.  which: the statement
 * that counts the items holding a term. */
static int rare_terms(struct matcher *m, int which, const char *in, int n,
		      size_t tsize, char *out, int *nout)
{
	sqlite3_stmt *q;
	int64_t docs, min_docs = -1;
	int i, rarest = -1, rc = 0;

	*nout = 0;
	if (!n)
		return 0;
	q = crdt_stmt(m->s, &ops_stmts, which);
	if (!q)
		return KITH_EDB;
	for (i = 0; !rc && i < n; i++) {
		sqlite3_bind_text(q, 1, in + (size_t)i * tsize, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		docs = sqlite3_column_int64(q, 0);
		rc = rc == SQLITE_ROW ? 0 : crdt_store_err(m->s, rc);
		sqlite3_reset(q);
		if (rc)
			break;
		if (docs <= m->max_docs)
			memcpy(out + (size_t)(*nout)++ * tsize,
			       in + (size_t)i * tsize, tsize);
		if (min_docs < 0 || docs < min_docs) {
			min_docs = docs;
			rarest = i;
		}
	}
	sqlite3_clear_bindings(q);
	if (!rc && !*nout && rarest >= 0)
		memcpy(out + (size_t)(*nout)++ * tsize,
		       in + (size_t)rarest * tsize, tsize);
	return rc;
}

static int item_terms(struct matcher *m, const struct crdt_terms *in,
		      struct crdt_terms *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = rare_terms(m, OPS_TERM_DOCS, in->v[0], in->n, sizeof in->v[0],
			out->v[0], &out->n);
	if (!rc)
		rc = rare_terms(m, OPS_GRAM_DOCS, in->g[0], in->ngrams,
				sizeof in->g[0], out->g[0], &out->ngrams);
	return rc;
}

static int match_one(struct matcher *m, int64_t rid)
{
	struct crdt_store *s = m->s;
	struct wish_facts f;
	struct crdt_terms it;
	char words[CRDT_TERMS_WORDS * (CRDT_TERM_MAX + 8)];
	char grams[CRDT_TERMS_GRAMS * 24];
	sqlite3_stmt *q;
	int rc;

	rc = wish_facts(s, rid, &f);
	if (rc)
		return rc;
	q = crdt_stmt(s, &ops_stmts, OPS_WISH_ROW);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, rid);
	sqlite3_bind_int64(q, 2, m->now);
	rc = crdt_rows(s, q, m->out->wish, m->out->ctx);
	if (!rc && (f.terms.n || f.terms.ngrams))
		rc = match_prepare(m);
	if (!rc)
		rc = item_terms(m, &f.terms, &it);
	if (rc)
		return rc;

	/* items */
	crdt_terms_words_fts(&it, words, sizeof words);
	crdt_terms_grams_fts(&it, grams, sizeof grams);
	q = words[0] || grams[0]
		    ? crdt_stmt(s, &ops_stmts, OPS_ITEMS_FTS)
		    : crdt_stmt(s, &ops_stmts, OPS_ITEMS_CAT);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, f.author, CRDT_PK_LEN, SQLITE_STATIC);
	if (f.has_category)
		sqlite3_bind_text(q, 2, f.category, -1, SQLITE_STATIC);
	if (f.has_building)
		sqlite3_bind_text(q, 3, f.building, -1, SQLITE_STATIC);
	if (words[0])
		sqlite3_bind_text(q, 4, words, -1, SQLITE_STATIC);
	if (grams[0])
		sqlite3_bind_text(q, 5, grams, -1, SQLITE_STATIC);
	m->found = m->enough = 0;
	rc = crdt_rows(s, q, item_ok, m);
	if (rc && !(rc == STOP_ITEMS && m->enough))
		return rc;

	/* volunteers: every term (skills are few and short) */
	crdt_terms_words_fts(&f.terms, words, sizeof words);
	crdt_terms_grams_fts(&f.terms, grams, sizeof grams);
	if (words[0] || grams[0]) {
		q = crdt_stmt(s, &ops_stmts, OPS_VOL_MATCH);
		if (!q)
			return KITH_EDB;
		if (words[0])
			sqlite3_bind_text(q, 1, words, -1, SQLITE_STATIC);
		if (f.has_building)
			sqlite3_bind_text(q, 2, f.building, -1, SQLITE_STATIC);
		sqlite3_bind_blob(q, 3, f.author, CRDT_PK_LEN, SQLITE_STATIC);
		sqlite3_bind_int(q, 4, m->per_wish);
		if (grams[0])
			sqlite3_bind_text(q, 5, grams, -1, SQLITE_STATIC);
		rc = crdt_rows(s, q, m->out->volunteer, m->out->ctx);
		if (rc)
			return rc;
	}
	return m->out->end ? m->out->end(m->out->ctx) : 0;
}

/* The rowids of the wishes to match, collected before any proposal is
 * looked up (the callbacks may take their time). */
static int wish_rowids(struct crdt_store *s, const uint8_t *wish, int nwishes,
		       int64_t now, int64_t *rids, int *n)
{
	sqlite3_stmt *q;
	int rc;

	*n = 0;
	if (wish) {
		q = crdt_stmt(s, &ops_stmts, OPS_ONE_WISH);
		if (!q)
			return KITH_EDB;
		sqlite3_bind_blob(q, 1, wish, CRDT_ID_LEN, SQLITE_STATIC);
	} else {
		q = crdt_stmt(s, &ops_stmts, OPS_TOP_WISHES);
		if (!q)
			return KITH_EDB;
		sqlite3_bind_int64(q, 1, now);
		sqlite3_bind_int(q, 2, nwishes);
	}
	for (rc = sqlite3_step(q); rc == SQLITE_ROW && *n < nwishes;
	     rc = sqlite3_step(q))
		rids[(*n)++] = sqlite3_column_int64(q, 0);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = 0;
	else
		rc = crdt_store_err(s, rc);
	crdt_reset(q);
	if (!rc && wish && !*n)
		rc = KITH_ENOTFOUND;
	return rc;
}

#define MATCH_MAX_WISHES 1000

int crdt_match(struct crdt_store *s, const uint8_t *wish, int nwishes,
	       int per_wish, int64_t now, const struct crdt_match_out *out)
{
	struct matcher m = { s, now, per_wish, 0, 0, 0, 0, out };
	int64_t rids[MATCH_MAX_WISHES];
	int own_tx = !crdt_store_in_tx(s);
	int rc, n, i;

	if (wish)
		nwishes = 1;
	if (nwishes < 1 || nwishes > MATCH_MAX_WISHES || per_wish < 1)
		return KITH_EINVAL;
	/* one read snapshot for the whole answer, without the write lock
	 * (only this connection's temp objects are written) */
	if (own_tx) {
		rc = crdt_store_begin_read(s);
		if (rc)
			return rc;
	}
	rc = wish_rowids(s, wish, nwishes, now, rids, &n);
	for (i = 0; !rc && i < n; i++)
		rc = match_one(&m, rids[i]);
	if (own_tx && rc)
		crdt_store_rollback(s);
	else if (own_tx)
		rc = crdt_store_commit(s);
	return rc;
}

/* ---- hours -------------------------------------------------------------- */

/* Help a member received and confirmed, in quarters (the mirror image of
 * EARNED_Q: the member wrote the wish, someone else the claim). */
#define GIVEN_Q(m)                                                            \
	"coalesce((SELECT sum(w.hours_q) FROM wishes w JOIN claims c"        \
	"  ON c.id = w.accepted_claim AND c.target = w.id AND NOT c.cancelled" \
	"  WHERE w.confirmed AND w.author = " m ".id AND c.author <> " m     \
	".id AND " VERIFIED("c.author") " AND " VERIFIED("w.author") "), 0)"

static const char hours_sql[] =
	"SELECT " EARNED_Q("m") ", " GIVEN_Q("m") " FROM (SELECT ?1 AS id) m";

int crdt_hours_totals(struct crdt_store *s, const uint8_t pk[32],
		      struct crdt_hours *out)
{
	sqlite3_stmt *q = crdt_stmt(s, &ops_stmts, OPS_HOURS);
	int rc;

	memset(out, 0, sizeof *out);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, pk, CRDT_PK_LEN, SQLITE_STATIC);
	rc = crdt_step_row(s, q);
	if (!rc) {
		out->earned_q = sqlite3_column_int64(q, 0);
		out->given_q = sqlite3_column_int64(q, 1);
	}
	crdt_reset(q);
	return rc;
}

/* The same joins as EARNED_Q and GIVEN_Q, row by row. */
#define LEDGER_PART(dir, sign, who, other)                                    \
	"SELECT " HEX("w.id") " AS wish, w.title, w.updated >> 16 AS at_ms,"  \
	" w.updated AS hlc,"                                                  \
	" '" dir "' AS direction, " HEX(other) " AS counterpart,"             \
	" (SELECT name FROM members p WHERE p.id = " other ")"               \
	"  AS counterpart_name,"                                              \
	" " sign "w.hours_q AS quarters, " sign "w.hours_q / 4.0 AS hours"   \
	" FROM wishes w JOIN claims c ON c.id = w.accepted_claim"             \
	"  AND c.target = w.id AND NOT c.cancelled"                           \
	" WHERE w.confirmed AND w.hours_q > 0 AND " who " = ?1"               \
	"  AND " other " <> ?1 AND " VERIFIED("c.author") " AND "            \
	VERIFIED("w.author")

/* In the order of the confirmations' clocks (HLC, finer than at_ms). */
static const char ledger_sql[] =
	"SELECT wish, title, at_ms, direction, counterpart, counterpart_name,"
	" quarters, hours FROM ("
	LEDGER_PART("earned", "", "c.author", "w.author")
	" UNION ALL "
	LEDGER_PART("given", "-", "w.author", "c.author")
	") ORDER BY hlc, wish, direction";

int crdt_hours_ledger(struct crdt_store *s, const uint8_t pk[32],
		      crdt_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &ops_stmts, OPS_LEDGER);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, pk, CRDT_PK_LEN, SQLITE_STATIC);
	return crdt_rows(s, q, fn, ctx);
}

/* ---- loans -------------------------------------------------------------- */

/* A loan counts when the item's owner recorded it (as in ITEM_STATUS). */
static const char loans_sql[] =
	"SELECT " HEX("l.id") " AS loan, " HEX("i.id") " AS item, i.title,"
	" CASE WHEN l.borrower = ?1 THEN 'borrowed' ELSE 'lent' END AS role,"
	" " HEX("CASE WHEN l.borrower = ?1 THEN l.author ELSE l.borrower END")
	" AS counterpart,"
	" (SELECT name FROM members p WHERE p.id ="
	"  CASE WHEN l.borrower = ?1 THEN l.author ELSE l.borrower END)"
	"  AS counterpart_name,"
	" l.due, l.due < ?2 AS overdue"
	" FROM loans l JOIN items i ON i.id = l.item AND i.author = l.author"
	" WHERE NOT l.returned AND l.due IS NOT NULL AND l.due < ?2 + ?3"
	"  AND (l.borrower = ?1 OR l.author = ?1)"
	" ORDER BY l.due, l.id";

int crdt_loans_due(struct crdt_store *s, const uint8_t pk[32], int64_t now,
		   int64_t within_s, crdt_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &ops_stmts, OPS_LOANS);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, pk, CRDT_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int64(q, 3, within_s);
	return crdt_rows(s, q, fn, ctx);
}

/* ---- the statements ----------------------------------------------------- */

static const char *const ops_sql[OPS_NSQL] = {
	[OPS_INVENTORY] = INVENTORY_SQL(BUILDING("m")),
	[OPS_INVENTORY_ALL] = INVENTORY_SQL("'(all)'"),
	[OPS_VOLUNTEERS] = volunteers_sql,
	[OPS_TOP_WISHES] = top_wishes_sql,
	[OPS_ONE_WISH] = one_wish_sql,
	[OPS_WISH_ROW] = wish_row_sql,
	[OPS_WISH_FACTS] = wish_facts_sql,
	[OPS_ITEMS_FTS] = items_fts_sql,
	[OPS_ITEMS_CAT] = items_cat_sql,
	[OPS_ITEM_OK] = item_ok_sql,
	[OPS_ITEM_COUNT] = "SELECT count(*) FROM items",
	[OPS_VOL_MATCH] = vol_match_sql,
	[OPS_TERM_DOCS] = term_docs_sql,
	[OPS_GRAM_DOCS] = gram_docs_sql,
	[OPS_HOURS] = hours_sql,
	[OPS_LEDGER] = ledger_sql,
	[OPS_LOANS] = loans_sql,
};
static const struct crdt_stmts ops_stmts = CRDT_STMTS(ops_sql);
