#include <stdio.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "query.h"
#include "query_sql.h"
#include "schema.h"
#include "search.h"

/* The statements of this file (crdt/db.h): query_sql below.  A list's
 * search form follows its plain one, then its one-author form
 * (query_list). */
enum { Q_ITEMS, Q_ITEMS_SEARCH, Q_ITEMS_AUTHOR, Q_WISHES, Q_WISHES_SEARCH,
       Q_WISHES_AUTHOR, Q_WISHES_HELPER, Q_CLAIMS,
       Q_MEMBERS, Q_INFO_ITEM, Q_INFO_WISH, Q_INFO_CLAIM, Q_INFO_LOAN,
       Q_BY_NAME, Q_NAMED, Q_SHARED, Q_NAME, Q_COUNTS, Q_PRIV_WISH,
       Q_PRIV_MEMBER,
       Q_MEMBERS_PAGE, Q_MEMBERS_SEARCH, Q_MEMBERS_COUNT, Q_MEMBER_ONE,
       Q_DEVICES, Q_MEMBER_KEYS, Q_AUTHORED, Q_NSQL };
/* Built from the schema, per record type: the id range of crdt_resolve
 * and the table walk of crdt_digest. */
#define Q_RESOLVE(rtype) (rtype)
#define Q_DIGEST(rtype) (CRDT_R_MAX + 1 + (rtype))
static const struct crdt_stmts query_built =
	CRDT_STMTS_BUILT(Q_DIGEST(CRDT_R_MAX + 1));

/* Every word of the JSON array p (NULL: none) occurs in the title or
 * description of t as it is, ASCII case aside (crdt/search.h: words that
 * mix CJK and other characters). */
#define VERIFY(t, p)                                                          \
	"(" p " IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(" p ") k"      \
	" WHERE instr(lower(coalesce(" t ".title, '') || ' ' ||"              \
	" coalesce(" t ".description, '')), lower(k.value)) = 0))"

/* A search is answered from its index, not by a walk over the table: the
 * posts of the grams query (when there is one, else of the words query)
 * are the rows looked at, and the other conditions filter them.  (An OR
 * with "no search" around it would make SQLite walk every post: 0.1-0.3 s
 * for 50,000 items.)  t is the table, x its alias. */
#define SEARCH_ROWS(t, x)                                                     \
	" AND " x ".rowid IN (SELECT rowid FROM " t "_grams WHERE ?9 IS NOT"  \
	" NULL AND " t "_grams MATCH ?9 UNION ALL SELECT rowid FROM " t "_fts" \
	" WHERE ?9 IS NULL AND " t "_fts MATCH ?4)"

/* One author's posts (a member's own, "for me" on the web app's home)
 * are found through the table's author index: "?1 IS NULL OR author =
 * ?1" alone cannot use it, and walking 50,000 items for a member's 80 took
 * 15-25 ms per list. */
#define AUTHOR_ROWS(x) " AND " x ".author = ?1"

/* The wishes that accepted an offer of one helper (?11; what waits for
 * the helper on the web app's home), found from the helper's claims
 * through claims_author instead of walking every open wish. */
#define HELPER_ROWS(x)                                                        \
	" AND " x ".id IN (SELECT c.target FROM claims c WHERE c.author = ?11)" \
	" AND " x ".accepted_claim IN"                                        \
	"  (SELECT c.id FROM claims c WHERE c.author = ?11)"

/* The members of a members page (crdt_query_members_page), in two steps:
 * the ids of the page (MEMBER_IDS), then their columns (MEMBER_PAGE_SQL),
 * so that hours (EARNED_Q) are summed for the rows shown only.  Without a
 * search the ids come from the index members_page (migration 13) in its
 * order, and an offset skips index entries, never rows of the table.  A
 * search walks the same index, reading the texts of each member until a
 * page is found (on the town of 12,000: 4-8 ms when the page is far or
 * nobody matches; a walk of the table with a sort of the matches took
 * longer).  The words of ?2 (split on spaces, tabs made spaces)
 * become LIKE patterns once per statement (a MATERIALIZED table: json_each
 * per member took 25 ms for 12,000); a member is kept when no word is
 * missing from all of their texts.  "available" is as crdt_volunteers
 * gives it. */
#define MEMBER_WORDS                                                          \
	"WITH RECURSIVE s(w, rest) AS (SELECT NULL,"                          \
	"  replace(?2, char(9), ' ') || ' ' UNION ALL"                        \
	"  SELECT substr(rest, 1, instr(rest, ' ') - 1),"                     \
	"  substr(rest, instr(rest, ' ') + 1) FROM s WHERE rest <> ''),"      \
	" k(p) AS MATERIALIZED (SELECT '%' || replace(replace(replace(w,"     \
	"  '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' FROM s"             \
	"  WHERE w <> '') "
#define MEMBER_AVAILABLE(m)                                                   \
	"CASE WHEN (coalesce(trim(" m ".skills), '') <> ''"                   \
	" OR coalesce(trim(" m ".available), '') <> '')"                      \
	" AND NOT EXISTS (SELECT 1 FROM blocked b WHERE b.member = " m ".id)" \
	" THEN coalesce(" m ".available, '') ELSE '' END"
#define MEMBER_LIKE(col) "coalesce(" col ", '') LIKE k.p ESCAPE '\\'"
/* (available matches only when shown: its LIKE first, the rest of
 * MEMBER_AVAILABLE after, for the few it matches) */
#define MEMBER_FOUND(m)                                                       \
	"NOT EXISTS (SELECT 1 FROM k WHERE NOT ("                             \
	MEMBER_LIKE(m ".name") " OR " MEMBER_LIKE(m ".building")              \
	" OR " MEMBER_LIKE(m ".unit") " OR " MEMBER_LIKE(m ".skills")         \
	" OR (" MEMBER_LIKE(m ".available") " AND " MEMBER_AVAILABLE(m)       \
	" <> '')))"
/* the order of members_page (migration 13), term for term */
#define MEMBER_ORDER(m)                                                       \
	" ORDER BY coalesce(" m ".building, '') = '',"                        \
	" lower(coalesce(" m ".building, '')),"                               \
	" coalesce(" m ".name, '') COLLATE NOCASE, " m ".id"
#define MEMBER_IDS(from, where)                                               \
	"(SELECT x.id FROM " from " WHERE " where MEMBER_ORDER("x")           \
	" LIMIT ?3 OFFSET ?4) p CROSS JOIN members m ON m.id = p.id"
/* A hosted member's host (migration 15; NULL for everyone else): their
 * key and name. */
#define HOST_COLS(m)                                                          \
	"CASE WHEN " m ".host IS NOT NULL THEN lower(hex(" m ".host)) END"    \
	" AS host,"                                                           \
	" (SELECT name FROM members h WHERE h.id = " m ".host) AS host_name"
/* Who entered a post: the host of its author, when its author is hosted. */
#define ENTERED_BY(t)                                                         \
	"(SELECT h.name FROM members a JOIN members h ON h.id = a.host"       \
	" WHERE a.id = " t ".author) AS entered_by"
#define MEMBER_PAGE_SQL(rows, tail)                                           \
	MEMBER_WORDS "SELECT " HEX("m.id") " AS id, m.name, m.building,"      \
	" m.unit, m.skills, " MEMBER_AVAILABLE("m") " AS available,"          \
	" " EARNED_Q("m") " / 4.0 AS hours,"                                  \
	" coalesce((SELECT forked FROM authors a WHERE a.pk = m.id), 0)"      \
	"  AS forked, " HOST_COLS("m") " FROM " rows tail

#define ITEM_SQL(search)                                                      \
	"SELECT * FROM (SELECT " HEX("i.id") " AS id, i.title,"               \
	" " ITEM_KIND("i") " AS kind,"                                        \
	" i.category, i.quantity,"                                            \
	" " ITEM_STATUS("i", "?7") " AS status,"                              \
	" " HEX("i.author") " AS author, i.location, i.unit, i.condition,"    \
	" i.description, i.until, i.created >> 16 AS created_ms,"             \
	" (SELECT name FROM members m WHERE m.id = i.author) AS author_name," \
	" " ENTERED_BY("i") ","                                               \
	" (SELECT " HEX("l.borrower") " FROM loans l WHERE l.item = i.id"     \
	"   AND l.author = i.author AND NOT l.returned"                       \
	"   ORDER BY l.created DESC LIMIT 1) AS borrower,"                    \
	" (SELECT l.due FROM loans l WHERE l.item = i.id"                     \
	"   AND l.author = i.author AND NOT l.returned"                       \
	"   ORDER BY l.created DESC LIMIT 1) AS due,"                         \
	" " HIDDEN("i") " AS hidden, " BLOCKED("i") " AS blocked"             \
	" FROM items i"                                                       \
	" WHERE (?1 IS NULL OR i.author = ?1) AND (?2 IS NULL OR i.kind = ?2)" \
	"  AND (?3 IS NULL OR i.category = ?3 COLLATE NOCASE)"                \
	"  AND (?4 IS NULL OR i.rowid IN"                                     \
	"   (SELECT rowid FROM items_fts WHERE items_fts MATCH ?4))"          \
	"  AND (?9 IS NULL OR i.rowid IN"                                     \
	"   (SELECT rowid FROM items_grams WHERE items_grams MATCH ?9))"      \
	"  AND " VERIFY("i", "?10")                                           \
	"  AND (?5 IS NULL OR i.id = ?5)" search                              \
	" ORDER BY i.created DESC, i.id)"                                     \
	" WHERE (?6 OR (status IN ('available', 'requested', 'on_loan')"      \
	"  AND NOT hidden AND NOT blocked))"                                  \
	"  AND (NOT ?8 OR (status = 'on_loan' AND due IS NOT NULL AND due < ?7))"

#define CLAIM_STATUS                                                          \
	"CASE WHEN c.cancelled THEN 'cancelled'"                              \
	" WHEN w.confirmed AND w.accepted_claim = c.id THEN 'confirmed'"     \
	" WHEN c.delivered THEN 'delivered'"                                 \
	" WHEN w.accepted_claim = c.id THEN 'accepted' ELSE 'active' END"

#define WISH_SQL(search)                                                      \
	"SELECT * FROM (SELECT " HEX("w.id") " AS id, w.title,"               \
	" " URGENCY("w") " AS urgency,"                                       \
	" " WISH_STATUS("w", "?7") " AS status,"                              \
	" " HEX("w.author") " AS author,"                                     \
	" (SELECT json_group_array(json_object('id', cid, 'claimant', who,"   \
	"   'quantity', qty, 'status', st)) FROM (SELECT " HEX("c.id") " AS cid," \
	"   " HEX("c.author") " AS who, c.quantity AS qty, " CLAIM_STATUS     \
	"   AS st FROM claims c WHERE c.target = w.id AND c.author <> w.author" \
	"   ORDER BY c.created, c.id)) AS claims,"                            \
	" CASE w.kind WHEN 1 THEN 'service' ELSE 'material' END AS kind,"     \
	" w.category, w.quantity, w.needed_by, w.location,"                   \
	" w.on_behalf_of AS for_name, w.description,"                         \
	" w.created >> 16 AS created_ms,"                                     \
	" (SELECT name FROM members m WHERE m.id = w.author) AS author_name," \
	" " ENTERED_BY("w") ","                                               \
	" w.hours_q / 4.0 AS hours, w.urgency AS urgency_rank,"               \
	" " HIDDEN("w") " AS hidden, " BLOCKED("w") " AS blocked"             \
	" FROM wishes w"                                                      \
	" WHERE (?1 IS NULL OR w.author = ?1) AND (?2 IS NULL OR w.urgency = ?2)" \
	"  AND (?4 IS NULL OR w.rowid IN"                                     \
	"   (SELECT rowid FROM wishes_fts WHERE wishes_fts MATCH ?4))"        \
	"  AND (?9 IS NULL OR w.rowid IN"                                     \
	"   (SELECT rowid FROM wishes_grams WHERE wishes_grams MATCH ?9))"    \
	"  AND " VERIFY("w", "?10")                                           \
	"  AND (?5 IS NULL OR w.id = ?5)" search                              \
	" ORDER BY coalesce(w.urgency, 2), w.created, w.id)"                  \
	" WHERE CASE WHEN ?6 THEN 1 WHEN hidden OR blocked THEN 0"            \
	"  WHEN ?3 IS NOT NULL THEN status = ?3"                              \
	"  ELSE status NOT IN ('confirmed', 'withdrawn', 'expired') END"      \
	"  AND (?3 IS NULL OR status = ?3)"

static const char *const query_sql[Q_NSQL] = {
	[Q_ITEMS] = ITEM_SQL(""),
	[Q_ITEMS_SEARCH] = ITEM_SQL(SEARCH_ROWS("items", "i")),
	[Q_ITEMS_AUTHOR] = ITEM_SQL(AUTHOR_ROWS("i")),
	[Q_WISHES] = WISH_SQL(""),
	[Q_WISHES_SEARCH] = WISH_SQL(SEARCH_ROWS("wishes", "w")),
	[Q_WISHES_AUTHOR] = WISH_SQL(AUTHOR_ROWS("w")),
	[Q_WISHES_HELPER] = WISH_SQL(HELPER_ROWS("w")),
	[Q_CLAIMS] =
		"SELECT " HEX("c.id") " AS id, " HEX("c.author") " AS claimant,"
		" c.quantity, " CLAIM_STATUS " AS status, c.note,"
		" (SELECT name FROM members m WHERE m.id = c.author)"
		" AS claimant_name"
		" FROM claims c LEFT JOIN wishes w ON w.id = c.target"
		" WHERE c.target = ?1 ORDER BY c.created, c.id",
	[Q_MEMBERS] =
		"SELECT " HEX("m.id") " AS id, m.name, m.building, m.unit,"
		" m.skills, " EARNED_Q("m") " / 4.0 AS hours,"
		" coalesce((SELECT forked FROM authors a WHERE a.pk = m.id), 0)"
		"  AS forked, " HOST_COLS("m")
		" FROM members m WHERE (?1 IS NULL OR m.id = ?1)"
		" ORDER BY m.name COLLATE NOCASE, m.id",
	/* crdt_record_info: the same columns for every type */
	[Q_INFO_ITEM] =
		"SELECT i.author, NULL, i.withdrawn, 0, NULL,"
		" (SELECT count(*) FROM claims c WHERE c.target = i.id AND "
		ACTIVE_CLAIM("i") "),"
		" (SELECT c.id FROM claims c WHERE c.target = i.id AND "
		ACTIVE_CLAIM("i") " ORDER BY c.created, c.id LIMIT 1),"
		" (SELECT l.id FROM loans l WHERE l.item = i.id"
		"  AND l.author = i.author AND NOT l.returned"
		"  ORDER BY l.created DESC LIMIT 1)"
		" FROM items i WHERE i.id = ?1",
	[Q_INFO_WISH] =
		"SELECT w.author, NULL, w.withdrawn, w.confirmed, w.accepted_claim,"
		" (SELECT count(*) FROM claims c WHERE c.target = w.id AND "
		ACTIVE_CLAIM("w") "),"
		" (SELECT c.id FROM claims c WHERE c.target = w.id AND "
		ACTIVE_CLAIM("w") " ORDER BY c.created, c.id LIMIT 1), NULL"
		" FROM wishes w WHERE w.id = ?1",
	[Q_INFO_CLAIM] =
		"SELECT c.author, c.target, c.cancelled, c.delivered, NULL, 0,"
		" NULL, NULL FROM claims c WHERE c.id = ?1",
	[Q_INFO_LOAN] =
		"SELECT l.author, l.item, l.returned, 0, NULL, 0, NULL, NULL"
		" FROM loans l WHERE l.id = ?1",
	[Q_BY_NAME] = "SELECT id FROM members WHERE name = ?1"
		      " COLLATE NOCASE LIMIT 2",
	[Q_NAMED] = "SELECT id FROM members WHERE name = ?1 COLLATE NOCASE",
	[Q_SHARED] = "SELECT name FROM members WHERE name <> ''"
		     " GROUP BY name COLLATE NOCASE HAVING count(*) > 1",
	[Q_NAME] = "SELECT name FROM members WHERE id = ?1",
	[Q_COUNTS] =
		"SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM"
		" items WHERE NOT withdrawn), (SELECT count(*) FROM wishes),"
		" (SELECT count(*) FROM changes), (SELECT count(*) FROM authors),"
		" (SELECT count(*) FROM wishes w WHERE NOT withdrawn"
		"  AND NOT confirmed AND (needed_by IS NULL OR needed_by >= ?1)"
		"  AND " LAST_EDIT("w", "?1") " + " WISH_TTL " >= ?1)",
	[Q_PRIV_WISH] = "SELECT private FROM wishes WHERE id = ?1",
	[Q_PRIV_MEMBER] = "SELECT private FROM members WHERE id = ?1",
	[Q_MEMBERS_PAGE] = MEMBER_PAGE_SQL(MEMBER_IDS("members x", "1"),
					   MEMBER_ORDER("m")),
	[Q_MEMBERS_SEARCH] = MEMBER_PAGE_SQL(
		MEMBER_IDS("members x", MEMBER_FOUND("x")),
		MEMBER_ORDER("m")),
	[Q_MEMBERS_COUNT] = MEMBER_WORDS "SELECT count(*) FROM members m"
			    " WHERE ?2 IS NULL OR " MEMBER_FOUND("m"),
	[Q_DEVICES] =
		/* the member's own key first (the new key of their last
		 * replacement, else theirs), then each device it links */
		"WITH cur(k) AS (SELECT coalesce((SELECT new FROM replaced"
		"  WHERE member = ?1 ORDER BY ord DESC LIMIT 1), ?1)),"
		" ks(key) AS (SELECT k FROM cur UNION"
		"  SELECT key FROM keys WHERE member = (SELECT k FROM cur))"
		" SELECT lower(hex(ks.key)) AS key,"
		" ks.key = (SELECT k FROM cur) AS member,"
		" coalesce(a.head, 0) AS changes,"
		" coalesce((a.top >> 16) / 1000, 0) AS last"
		" FROM ks LEFT JOIN authors a ON a.pk = ks.key"
		" WHERE NOT EXISTS (SELECT 1 FROM unlinked u"
		"  WHERE u.key = ks.key AND u.by = ?1)"
		" ORDER BY member DESC, ks.key",
	/* every key that ever wrote as the member: theirs, each new key
	 * replacements gave them, each device those link; with the seq of
	 * the newest change of it held here */
	/* posts, offers and loans a member wrote */
	[Q_AUTHORED] = "SELECT (SELECT count(*) FROM items WHERE author = ?1)"
		       " + (SELECT count(*) FROM wishes WHERE author = ?1)"
		       " + (SELECT count(*) FROM claims WHERE author = ?1)"
		       " + (SELECT count(*) FROM loans WHERE author = ?1)",
	[Q_MEMBER_KEYS] =
		"WITH r(k) AS (SELECT ?1 UNION SELECT new FROM replaced"
		"  WHERE member = ?1),"
		" ks(key) AS (SELECT k FROM r UNION"
		"  SELECT key FROM keys WHERE member IN (SELECT k FROM r))"
		" SELECT lower(hex(ks.key)) AS key, coalesce(a.head, 0) AS head"
		" FROM ks LEFT JOIN authors a ON a.pk = ks.key ORDER BY ks.key",
	[Q_MEMBER_ONE] = MEMBER_PAGE_SQL("members m", " WHERE m.id = ?1"),
};
static const struct crdt_stmts query_stmts = CRDT_STMTS(query_sql);
_Static_assert(Q_ITEMS_SEARCH == Q_ITEMS + 1 &&
		       Q_WISHES_SEARCH == Q_WISHES + 1 &&
		       Q_ITEMS_AUTHOR == Q_ITEMS + 2 &&
		       Q_WISHES_AUTHOR == Q_WISHES + 2 &&
		       Q_WISHES_HELPER == Q_WISHES + 3,
	       "a list's search, author and helper forms follow it");

const struct crdt_col *crdt_row_get(const struct crdt_row *r, const char *name)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->c[i].name, name))
			return &r->c[i];
	return NULL;
}

/* What a list of posts is asked (crdt_query_items, crdt_query_wishes):
 * ?1 author, ?2 kind or urgency (-1: any), ?3 category or status, ?5 id,
 * ?6 all, ?7 now, ?8 overdue only (items), and a search (NULL: none). */
struct list_args {
	const uint8_t *author;
	const uint8_t *helper; /* wishes only (?11) */
	int number;
	const char *text;
	const uint8_t *id;
	int all, overdue;
	const char *search;
};

/* Run the list in plain or, with a search, in its search form (the next
 * statement of the table): the search is compiled and bound to ?4
 * (words), ?9 (CJK grams) and ?10 (words that must occur as they are).
 * Without a search, one author's list runs in the author form (the one
 * after). */
static int query_list(struct crdt_store *s, int plain,
		      const struct list_args *a, int64_t now, crdt_row_fn fn,
		      void *ctx)
{
	struct crdt_search search;
	sqlite3_stmt *q;
	int rc, searching;

	rc = a->search ? crdt_search_compile(&search, a->search) : 0;
	if (rc)
		return rc;
	searching = a->search && (search.words[0] || search.grams[0]);
	/* a search is answered from its index; else one author's posts
	 * from the author index */
	q = crdt_stmt(s, &query_stmts,
		      searching ? plain + 1 : a->author ? plain + 2 :
		      a->helper ? plain + 3 : plain);
	if (!q)
		return KITH_EDB;
	if (a->search && search.words[0])
		sqlite3_bind_text(q, 4, search.words, -1, SQLITE_STATIC);
	if (a->search && search.grams[0])
		sqlite3_bind_text(q, 9, search.grams, -1, SQLITE_STATIC);
	if (a->search && search.verify[0])
		sqlite3_bind_text(q, 10, search.verify, -1, SQLITE_STATIC);
	if (a->author)
		sqlite3_bind_blob(q, 1, a->author, CRDT_PK_LEN, SQLITE_STATIC);
	if (a->helper)
		sqlite3_bind_blob(q, 11, a->helper, CRDT_PK_LEN, SQLITE_STATIC);
	if (a->number >= 0)
		sqlite3_bind_int(q, 2, a->number);
	if (a->text)
		sqlite3_bind_text(q, 3, a->text, -1, SQLITE_STATIC);
	if (a->id)
		sqlite3_bind_blob(q, 5, a->id, CRDT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_int(q, 6, a->all || a->id);
	sqlite3_bind_int64(q, 7, now);
	sqlite3_bind_int(q, 8, a->overdue);
	return crdt_rows(s, q, fn, ctx);
}

int crdt_query_items(struct crdt_store *s, const struct crdt_item_filter *f,
		     int64_t now, crdt_row_fn fn, void *ctx)
{
	struct list_args a = { f->author, NULL, f->kind, f->category, f->id,
			       f->all, f->overdue, f->search };

	return query_list(s, Q_ITEMS, &a, now, fn, ctx);
}

int crdt_query_wishes(struct crdt_store *s, const struct crdt_wish_filter *f,
		      int64_t now, crdt_row_fn fn, void *ctx)
{
	struct list_args a = { f->author, f->helper, f->urgency, f->status,
			       f->id, f->all, 0, f->search };

	return query_list(s, Q_WISHES, &a, now, fn, ctx);
}

int crdt_query_claims(struct crdt_store *s, const uint8_t id[16],
		      crdt_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_CLAIMS);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, id, CRDT_ID_LEN, SQLITE_STATIC);
	return crdt_rows(s, q, fn, ctx);
}

int crdt_query_devices(struct crdt_store *s, const uint8_t member[CRDT_PK_LEN],
		       crdt_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_DEVICES);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, member, CRDT_PK_LEN, SQLITE_STATIC);
	return crdt_rows(s, q, fn, ctx);
}

int crdt_query_authored(struct crdt_store *s, const uint8_t member[CRDT_PK_LEN],
			int64_t *n)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_AUTHORED);
	int rc;

	*n = 0;
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, member, CRDT_PK_LEN, SQLITE_STATIC);
	rc = crdt_step_row(s, q);
	if (!rc)
		*n = sqlite3_column_int64(q, 0);
	crdt_reset(q);
	return rc;
}

int crdt_query_member_keys(struct crdt_store *s,
			   const uint8_t member[CRDT_PK_LEN], crdt_row_fn fn,
			   void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_MEMBER_KEYS);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, member, CRDT_PK_LEN, SQLITE_STATIC);
	return crdt_rows(s, q, fn, ctx);
}

int crdt_query_members(struct crdt_store *s, const uint8_t *pk, crdt_row_fn fn,
		       void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_MEMBERS);

	if (!q)
		return KITH_EDB;
	if (pk)
		sqlite3_bind_blob(q, 1, pk, CRDT_PK_LEN, SQLITE_STATIC);
	return crdt_rows(s, q, fn, ctx);
}

/* Statement which of the members statements, p's search bound. */
static sqlite3_stmt *members_stmt(struct crdt_store *s,
				  const struct crdt_member_page *p, int which)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, which);

	if (!q)
		return NULL;
	if (p->search && *p->search)
		sqlite3_bind_text(q, 2, p->search, -1, SQLITE_STATIC);
	return q;
}

int crdt_query_members_page(struct crdt_store *s,
			    const struct crdt_member_page *p, crdt_row_fn fn,
			    void *ctx)
{
	sqlite3_stmt *q = members_stmt(s, p, p->pk ? Q_MEMBER_ONE :
					     p->search && *p->search ?
					     Q_MEMBERS_SEARCH : Q_MEMBERS_PAGE);

	if (!q)
		return KITH_EDB;
	if (p->pk) {
		sqlite3_bind_blob(q, 1, p->pk, CRDT_PK_LEN, SQLITE_STATIC);
	} else {
		sqlite3_bind_int64(q, 3, p->limit > 0 ? p->limit : -1);
		sqlite3_bind_int64(q, 4, p->offset > 0 ? p->offset : 0);
	}
	return crdt_rows(s, q, fn, ctx);
}

static int count_row(void *ctx, const struct crdt_row *r)
{
	*(int64_t *)ctx = r->n ? r->c[0].i : 0;
	return 0;
}

int crdt_count_members(struct crdt_store *s, const struct crdt_member_page *p,
		       int64_t *total)
{
	sqlite3_stmt *q;
	int rc;

	*total = 0;
	if (p->pk) {
		/* one member: found or not */
		q = members_stmt(s, p, Q_MEMBER_ONE);
		if (!q)
			return KITH_EDB;
		sqlite3_bind_blob(q, 1, p->pk, CRDT_PK_LEN, SQLITE_STATIC);
		rc = crdt_step_row(s, q);
		crdt_reset(q);
		if (!rc)
			*total = 1;
		return rc == KITH_ENOTFOUND ? 0 : rc;
	}
	q = members_stmt(s, p, Q_MEMBERS_COUNT);
	if (!q)
		return KITH_EDB;
	return crdt_rows(s, q, count_row, total);
}

/* ---- record facts ------------------------------------------------------ */

static void copy_id(uint8_t *dst, size_t n, sqlite3_stmt *q, int col, int *has)
{
	if (sqlite3_column_type(q, col) == SQLITE_BLOB &&
	    (size_t)sqlite3_column_bytes(q, col) == n) {
		memcpy(dst, sqlite3_column_blob(q, col), n);
		if (has)
			*has = 1;
	}
}

int crdt_record_info(struct crdt_store *s, int rtype, const uint8_t id[16],
		     struct crdt_record_info *info)
{
	static const int which[] = { [CRDT_R_ITEM] = Q_INFO_ITEM,
				     [CRDT_R_WISH] = Q_INFO_WISH,
				     [CRDT_R_CLAIM] = Q_INFO_CLAIM,
				     [CRDT_R_LOAN] = Q_INFO_LOAN };
	sqlite3_stmt *q;
	int rc;

	memset(info, 0, sizeof *info);
	if (rtype < CRDT_R_ITEM || rtype > CRDT_R_LOAN)
		return KITH_EINVAL;
	q = crdt_stmt(s, &query_stmts, which[rtype]);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, id, CRDT_ID_LEN, SQLITE_STATIC);
	rc = crdt_step_row(s, q);
	if (!rc) {
		info->rtype = (uint8_t)rtype;
		memcpy(info->id, id, CRDT_ID_LEN);
		copy_id(info->author, CRDT_PK_LEN, q, 0, NULL);
		copy_id(info->target, CRDT_ID_LEN, q, 1, NULL);
		info->closed = sqlite3_column_int(q, 2);
		info->confirmed = sqlite3_column_int(q, 3);
		copy_id(info->accepted, CRDT_ID_LEN, q, 4, &info->has_accepted);
		info->active_claims = sqlite3_column_int(q, 5);
		copy_id(info->one_claim, CRDT_ID_LEN, q, 6, NULL);
		copy_id(info->active_loan, CRDT_ID_LEN, q, 7, &info->has_loan);
	}
	crdt_reset(q);
	if (!rc && rtype == CRDT_R_CLAIM) {
		struct crdt_record_info t;

		info->target_rtype = 0;
		if (crdt_record_info(s, CRDT_R_WISH, info->target, &t) == 0)
			info->target_rtype = CRDT_R_WISH;
		else if (crdt_record_info(s, CRDT_R_ITEM, info->target, &t) == 0)
			info->target_rtype = CRDT_R_ITEM;
	}
	return rc;
}

/* ---- id resolution ----------------------------------------------------- */

static int resolve_name(struct crdt_store *s, const char *name, uint8_t *out)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_BY_NAME);
	int rc, found = 0;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	for (rc = sqlite3_step(q); rc == SQLITE_ROW; rc = sqlite3_step(q)) {
		if (found++ == 0)
			memcpy(out, sqlite3_column_blob(q, 0), CRDT_PK_LEN);
	}
	crdt_reset(q);
	if (rc != SQLITE_DONE)
		return crdt_store_err(s, rc);
	return found == 1 ? 0 : found ? KITH_EAMBIGUOUS : KITH_ENOTFOUND;
}

int crdt_members_named(struct crdt_store *s, const char *name,
		       int (*fn)(void *ctx, const uint8_t pk[CRDT_PK_LEN]),
		       void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_NAMED);
	int rc, stop = 0;

	if (!q)
		return KITH_EDB;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	for (rc = sqlite3_step(q); !stop && rc == SQLITE_ROW;
	     rc = stop ? rc : sqlite3_step(q))
		if (sqlite3_column_bytes(q, 0) == CRDT_PK_LEN)
			stop = fn(ctx, sqlite3_column_blob(q, 0));
	crdt_reset(q);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : crdt_store_err(s, rc);
}

int crdt_resolve(struct crdt_store *s, int rtype, const char *prefix,
		 uint8_t *out)
{
	const struct crdt_rschema *r = crdt_schema((unsigned)rtype);
	size_t len = strlen(prefix), idlen, i;
	uint8_t lo[CRDT_PK_LEN], hi[CRDT_PK_LEN];
	sqlite3_stmt *q;
	int rc, found = 0, ishex = 1;

	if (!r)
		return KITH_EINVAL;
	idlen = rtype == CRDT_R_MEMBER ? CRDT_PK_LEN : CRDT_ID_LEN;
	for (i = 0; i < len; i++)
		if (!strchr("0123456789abcdefABCDEF", prefix[i]))
			ishex = 0;
	if (!ishex || len < 6 || len > 2 * idlen) {
		if (rtype == CRDT_R_MEMBER)
			return resolve_name(s, prefix, out);
		return len && len < 6 && ishex ? KITH_EINVAL : KITH_ENOTFOUND;
	}
	/* the ids starting with prefix form the blob range [lo, hi] */
	memset(lo, 0, sizeof lo);
	memset(hi, 0xff, sizeof hi);
	for (i = 0; i < len; i++) {
		char c = prefix[i];
		int v = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

		if (i % 2 == 0) {
			lo[i / 2] = (uint8_t)(v << 4);
			hi[i / 2] = (uint8_t)(v << 4 | 0x0f);
		} else {
			lo[i / 2] |= (uint8_t)v;
			hi[i / 2] = (uint8_t)((hi[i / 2] & 0xf0) | v);
		}
	}
	/* lists ask this once per row (short ids): prepared once per type */
	q = crdt_stmt_cached(s, &query_built, Q_RESOLVE(rtype));
	if (!q) {
		char sql[128];

		snprintf(sql, sizeof sql,
			 "SELECT id FROM %s WHERE id BETWEEN ?1 AND ?2 LIMIT 2",
			 r->table);
		q = crdt_stmt_sql(s, &query_built, Q_RESOLVE(rtype), sql);
	}
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, lo, (int)idlen, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, hi, (int)idlen, SQLITE_STATIC);
	for (rc = sqlite3_step(q); rc == SQLITE_ROW; rc = sqlite3_step(q)) {
		if (found++ == 0 &&
		    (size_t)sqlite3_column_bytes(q, 0) == idlen)
			memcpy(out, sqlite3_column_blob(q, 0), idlen);
	}
	crdt_reset(q);
	if (rc != SQLITE_DONE)
		return crdt_store_err(s, rc);
	if (!found && rtype == CRDT_R_MEMBER)
		return resolve_name(s, prefix, out);
	return found == 1 ? 0 : found ? KITH_EAMBIGUOUS : KITH_ENOTFOUND;
}

int crdt_shared_names(struct crdt_store *s, crdt_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_SHARED);

	return q ? crdt_rows(s, q, fn, ctx) : KITH_EDB;
}

int crdt_member_name(struct crdt_store *s, const uint8_t pk[32], char *out,
		     size_t cap)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_NAME);
	int rc;

	if (cap)
		out[0] = 0;
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, pk, 32, SQLITE_STATIC);
	rc = crdt_step_row(s, q);
	if (!rc && cap && sqlite3_column_type(q, 0) == SQLITE_TEXT)
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(q, 0));
	crdt_reset(q);
	return rc;
}

/* ---- digest ------------------------------------------------------------ */

/* The walk of one view table in id order, built once per type. */
static sqlite3_stmt *digest_stmt(struct crdt_store *s,
				 const struct crdt_rschema *r)
{
	sqlite3_stmt *q = crdt_stmt_cached(s, &query_built, Q_DIGEST(r->rtype));
	char sql[128];

	if (q)
		return q;
	snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY id", r->table);
	return crdt_stmt_sql(s, &query_built, Q_DIGEST(r->rtype), sql);
}

int crdt_digest(struct crdt_store *s, char out[65])
{
	struct crdt_hasher hs;
	uint8_t h[CRDT_HASH_LEN];
	struct crdt_buf b;
	int rc = 0, t;

	/* every view row, every column, tables and rows in a fixed order;
	 * rowids (arrival order) are not part of the state */
	crdt_hasher_init(&hs);
	crdt_buf_init(&b, 1u << 20);
	for (t = 1; !rc && t <= CRDT_R_MAX; t++) {
		const struct crdt_rschema *r = crdt_schema((unsigned)t);
		sqlite3_stmt *q = digest_stmt(s, r);
		int i, n;

		if (!q) {
			rc = KITH_EDB;
			break;
		}
		crdt_hasher_update(&hs, r->table, strlen(r->table) + 1);
		n = sqlite3_column_count(q);
		while (!rc && crdt_next(s, q, &rc)) {
			crdt_buf_reset(&b);
			for (i = 0; !rc && i < n; i++) {
				int ty = sqlite3_column_type(q, i);

				rc = crdt_buf_put_u8(&b, (uint8_t)ty);
				if (rc)
					break;
				if (ty == SQLITE_INTEGER)
					rc = crdt_buf_put_svarint(
						&b, sqlite3_column_int64(q, i));
				else if (ty != SQLITE_NULL)
					rc = crdt_buf_put_lbytes(
						&b, sqlite3_column_blob(q, i),
						(size_t)sqlite3_column_bytes(q, i));
			}
			if (!rc)
				crdt_hasher_update(&hs, b.data, b.len);
		}
		crdt_reset(q);
	}
	crdt_hasher_final(&hs, h);
	if (!rc)
		crdt_hex(out, h, sizeof h);
	crdt_buf_release(&b);
	return rc;
}

int crdt_counts(struct crdt_store *s, int64_t now, struct crdt_counts *c)
{
	sqlite3_stmt *q = crdt_stmt(s, &query_stmts, Q_COUNTS);
	int rc;

	memset(c, 0, sizeof *c);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, now);
	rc = crdt_step_row(s, q);
	if (!rc) {
		c->members = sqlite3_column_int64(q, 0);
		c->items = sqlite3_column_int64(q, 1);
		c->wishes = sqlite3_column_int64(q, 2);
		c->changes = sqlite3_column_int64(q, 3);
		c->authors = sqlite3_column_int64(q, 4);
		c->open_wishes = sqlite3_column_int64(q, 5);
	}
	crdt_reset(q);
	return rc;
}

/* ---- sealed private parts --------------------------------------------- */

int crdt_query_private(struct crdt_store *s, int rtype, const uint8_t *id,
		       uint8_t *out, size_t cap, size_t *len)
{
	int member = rtype == CRDT_R_MEMBER;
	sqlite3_stmt *q;
	int rc;

	*len = 0;
	if (rtype != CRDT_R_WISH && !member)
		return KITH_EINVAL;
	q = crdt_stmt(s, &query_stmts, member ? Q_PRIV_MEMBER : Q_PRIV_WISH);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, id, member ? CRDT_PK_LEN : CRDT_ID_LEN,
			  SQLITE_STATIC);
	rc = crdt_step_row(s, q);
	if (!rc) {
		size_t n = (size_t)sqlite3_column_bytes(q, 0);

		if (n > cap)
			rc = KITH_ETOOBIG;
		else if (n)
			memcpy(out, sqlite3_column_blob(q, 0), n);
		if (!rc)
			*len = n;
	}
	crdt_reset(q);
	return rc;
}
