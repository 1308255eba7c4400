#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "codec.h"
#include "community.h"
#include "db.h"
#include "err.h"
#include "query_sql.h"
#include "report.h"
#include "schema.h"

const char *const crdt_report_tables[] = {
	[CRDT_REPORT_ITEMS] = "items",
	[CRDT_REPORT_WISHES] = "wishes",
	[CRDT_REPORT_CLAIMS] = "claims",
	[CRDT_REPORT_CHECKINS] = "checkins",
	[CRDT_REPORT_HOURS] = "hours",
};

/* What query.c derived, by record id (16 bytes) or member key (32). */
static const char *const derived_sql =
	"CREATE TEMP TABLE IF NOT EXISTS report_derived(id BLOB PRIMARY KEY,"
	" status TEXT, kind TEXT, urgency TEXT, hidden INTEGER NOT NULL DEFAULT 0,"
	" blocked INTEGER NOT NULL DEFAULT 0, hours REAL, borrower BLOB,"
	" due INTEGER) WITHOUT ROWID;"
	"DELETE FROM temp.report_derived;";

#define HEX(x) "lower(hex(" x "))"
/* HLC timestamps (ms << 16) to unix seconds, then ISO 8601 local */
#define ISO_HLC(x) "report_iso((" x " >> 16) / 1000)"
#define ISO(x) "report_iso(" x ")"

/* A section: the author's (member's) building, or none for "".  Two
 * statements each rather than one CASE: a building's is found through
 * the index members_building_nocase (its members, then their posts),
 * where a CASE read every post of the town for every section. */
#define IN_BUILDING(m) m ".building = ?1 COLLATE NOCASE"
#define IN_NONE(m) "coalesce(" m ".building, '') = ''"
#define OPEN_WISH "d.status = 'open' AND NOT d.hidden AND NOT d.blocked"
#define AVAILABLE_ITEM                                                        \
	"d.status = 'available' AND NOT d.hidden AND NOT d.blocked"

/* The buildings, each by its most common spelling, with their members. */
#define BUILDINGS_SQL                                                         \
	" SELECT (SELECT b.building FROM members b"                           \
	"   WHERE b.building = g.building COLLATE NOCASE GROUP BY b.building" \
	"   ORDER BY count(*) DESC, b.building LIMIT 1) AS building,"        \
	"  count(*) AS members, 0 AS last"                                    \
	"  FROM members g WHERE coalesce(building, '') <> ''"                 \
	"  GROUP BY building COLLATE NOCASE"

static const char sections_sql[] =
	"SELECT building, members FROM (" BUILDINGS_SQL
	" UNION ALL"
	" SELECT '', (SELECT count(*) FROM members"
	"   WHERE coalesce(building, '') = ''), 1"
	"  WHERE EXISTS (SELECT 1 FROM members WHERE coalesce(building, '') = '')"
	"  OR EXISTS (SELECT 1 FROM wishes w JOIN temp.report_derived d"
	"   ON d.id = w.id LEFT JOIN members m ON m.id = w.author"
	"   WHERE " OPEN_WISH " AND coalesce(m.building, '') = '')"
	"  OR EXISTS (SELECT 1 FROM items i JOIN temp.report_derived d"
	"   ON d.id = i.id LEFT JOIN members m ON m.id = i.author"
	"   WHERE " AVAILABLE_ITEM " AND coalesce(m.building, '') = ''))"
	" WHERE ?1 IS NULL OR (building <> '' AND building = ?1 COLLATE NOCASE)"
	" ORDER BY last, building COLLATE NOCASE";

#define SHEET_WISHES(join, section)                                           \
	"SELECT " HEX("w.id") " AS id, w.title, d.urgency, d.kind,"          \
	" w.category, w.quantity, w.needed_by, w.location,"                   \
	" w.on_behalf_of AS for_name, w.description, m.name AS author_name,"  \
	" m.unit AS author_unit"                                               \
	" FROM wishes w JOIN temp.report_derived d ON d.id = w.id"            \
	" " join " members m ON m.id = w.author"                              \
	" WHERE " OPEN_WISH " AND " section                                    \
	" ORDER BY coalesce(w.urgency, 2), w.needed_by IS NULL, w.needed_by," \
	"  w.created, w.id"

#define SHEET_ITEMS(join, section)                                            \
	"SELECT " HEX("i.id") " AS id, i.title, d.kind, i.category,"         \
	" i.quantity, i.unit, i.condition, i.location, i.until,"              \
	" m.name AS author_name, m.unit AS author_unit"                        \
	" FROM items i JOIN temp.report_derived d ON d.id = i.id"             \
	" " join " members m ON m.id = i.author"                              \
	" WHERE " AVAILABLE_ITEM " AND " section                               \
	" ORDER BY d.kind <> 'resource', i.kind, i.title COLLATE NOCASE, i.id"

enum { REP_SECTIONS, REP_SHEET_WISHES, REP_SHEET_ITEMS,
       REP_SHEET_WISHES_NONE, REP_SHEET_ITEMS_NONE, REP_BUILDINGS,
       REP_AUTHORS_IN, REP_AUTHORS_NONE, REP_CLAIM_TARGETS,
       REP_DERIVE, REP_TABLE, /* + enum crdt_report_table */
       REP_NSQL = REP_TABLE + CRDT_REPORT_NTABLES };
static const char *const report_sql[REP_NSQL] = {
	[REP_SECTIONS] = sections_sql,
	[REP_SHEET_WISHES] = SHEET_WISHES("JOIN", IN_BUILDING("m")),
	[REP_SHEET_ITEMS] = SHEET_ITEMS("JOIN", IN_BUILDING("m")),
	[REP_SHEET_WISHES_NONE] = SHEET_WISHES("LEFT JOIN", IN_NONE("m")),
	[REP_SHEET_ITEMS_NONE] = SHEET_ITEMS("LEFT JOIN", IN_NONE("m")),
	/* the authors whose posts a section shows (derive_section) */
	[REP_AUTHORS_IN] = "SELECT id FROM members"
			   " WHERE " IN_BUILDING("members"),
	[REP_AUTHORS_NONE] =
		"SELECT author FROM items WHERE author NOT IN"
		" (SELECT id FROM members WHERE coalesce(building, '') <> '')"
		" UNION SELECT author FROM wishes WHERE author NOT IN"
		" (SELECT id FROM members WHERE coalesce(building, '') <> '')",
	[REP_BUILDINGS] = "SELECT building, members FROM (" BUILDINGS_SQL ")"
			  " ORDER BY building COLLATE NOCASE",
	[REP_CLAIM_TARGETS] = "SELECT DISTINCT target FROM claims"
			      " WHERE length(target) = 16",
	[REP_DERIVE] = "INSERT OR REPLACE INTO temp.report_derived(id, status,"
		       " kind, urgency, hidden, blocked, hours, borrower, due)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* the committee's tables */
	[REP_TABLE + CRDT_REPORT_ITEMS] =
		"SELECT " HEX("i.id") " AS id, i.title, d.kind, i.category,"
		" i.quantity, i.unit, i.condition, i.location, i.description,"
		" d.status, d.hidden, " HEX("i.author") " AS owner_id,"
		" m.name AS owner_name, m.building AS owner_building,"
		" m.unit AS owner_unit, " HEX("d.borrower") " AS borrower_id,"
		" b.name AS borrower_name, " ISO("d.due") " AS due,"
		" " ISO("i.until") " AS until, " ISO_HLC("i.created")
		" AS created, " ISO_HLC("i.updated") " AS updated"
		" FROM items i JOIN temp.report_derived d ON d.id = i.id"
		" LEFT JOIN members m ON m.id = i.author"
		" LEFT JOIN members b ON b.id = d.borrower"
		" ORDER BY i.created, i.id",
	[REP_TABLE + CRDT_REPORT_WISHES] =
		"SELECT " HEX("w.id") " AS id, w.title, d.kind, d.urgency,"
		" d.status, d.hidden, w.category, w.quantity,"
		" " ISO("w.needed_by") " AS needed_by, w.location,"
		" w.on_behalf_of AS for_name, w.description,"
		" " HEX("w.author") " AS author_id, m.name AS author_name,"
		" m.building AS author_building, m.unit AS author_unit,"
		" " HEX("c.author") " AS helper_id, h.name AS helper_name,"
		" d.hours, " ISO_HLC("w.created") " AS created,"
		" " ISO_HLC("w.updated") " AS updated"
		" FROM wishes w JOIN temp.report_derived d ON d.id = w.id"
		" LEFT JOIN members m ON m.id = w.author"
		" LEFT JOIN claims c ON c.id = w.accepted_claim"
		"  AND c.target = w.id"
		" LEFT JOIN members h ON h.id = c.author"
		" ORDER BY w.created, w.id",
	[REP_TABLE + CRDT_REPORT_CLAIMS] =
		"SELECT " HEX("c.id") " AS id,"
		" CASE WHEN w.id IS NOT NULL THEN 'wish'"
		"  WHEN i.id IS NOT NULL THEN 'item' END AS target_type,"
		" " HEX("c.target") " AS target_id,"
		" coalesce(w.title, i.title) AS target_title,"
		" " HEX("c.author") " AS claimant_id, m.name AS claimant_name,"
		" m.building AS claimant_building, c.quantity, d.status, c.note,"
		" " ISO_HLC("c.created") " AS created,"
		" " ISO_HLC("c.updated") " AS updated"
		" FROM claims c LEFT JOIN temp.report_derived d ON d.id = c.id"
		" LEFT JOIN wishes w ON w.id = c.target"
		" LEFT JOIN items i ON i.id = c.target"
		" LEFT JOIN members m ON m.id = c.author"
		" ORDER BY c.created, c.id",
	[REP_TABLE + CRDT_REPORT_CHECKINS] =
		"SELECT " HEX("k.id") " AS id, " ISO_HLC("k.created")
		" AS created, " HEX("k.member") " AS member_id,"
		" m.name AS member_name, m.building, m.unit,"
		" CASE k.status WHEN 0 THEN 'safe' WHEN 1 THEN 'need-help'"
		"  ELSE 'unknown' END AS status, k.note,"
		" " HEX("k.author") " AS reporter_id, r.name AS reporter_name"
		" FROM checkins k LEFT JOIN members m ON m.id = k.member"
		" LEFT JOIN members r ON r.id = k.author"
		" ORDER BY k.created, k.id",
	/* hours_given mirrors query.c's earned hours from the other side (the
	 * wish's author confirmed the accepted, active claim of someone
	 * else), so both columns add up to the same total */
	[REP_TABLE + CRDT_REPORT_HOURS] =
		"SELECT " HEX("m.id") " AS member_id, m.name, m.building,"
		" coalesce(d.hours, 0.0) AS hours_earned,"
		" coalesce((SELECT sum(w.hours_q) FROM wishes w JOIN claims c"
		"  ON c.id = w.accepted_claim AND c.target = w.id"
		"  AND NOT c.cancelled"
		"  WHERE w.confirmed AND w.author = m.id AND c.author <> m.id"
		"  AND " VERIFIED("c.author") " AND " VERIFIED("w.author") "),"
		"  0) / 4.0 AS hours_given"
		" FROM members m LEFT JOIN temp.report_derived d ON d.id = m.id"
		" ORDER BY m.name COLLATE NOCASE, m.id",
};
static const struct crdt_stmts report_stmts = CRDT_STMTS(report_sql);

/* report_iso(unix seconds): "YYYY-MM-DDTHH:MM:SS+HH:MM" in local time
 * (the TZ of this process), NULL for NULL. */
static void iso_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	time_t t;
	struct tm tm;
	char out[40];
	long off;
	size_t n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return; /* result stays NULL */
	t = (time_t)sqlite3_value_int64(argv[0]);
	if (!localtime_r(&t, &tm)) {
		sqlite3_result_null(ctx);
		return;
	}
	n = strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	if (!n) {
		sqlite3_result_null(ctx);
		return;
	}
	snprintf(out + n, sizeof out - n, "%c%02ld:%02ld", off < 0 ? '-' : '+',
		 labs(off) / 3600, labs(off) % 3600 / 60);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* ---- deriving ----------------------------------------------------------- */

struct derive {
	struct crdt_store *s;
	sqlite3_stmt *ins;
};

static void bind_text_col(sqlite3_stmt *q, int i, const struct crdt_row *r,
			  const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	if (c && c->type == CRDT_COL_TEXT && c->s)
		sqlite3_bind_text(q, i, c->s, -1, SQLITE_TRANSIENT);
}

static void bind_int_col(sqlite3_stmt *q, int i, const struct crdt_row *r,
			 const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	if (c && c->type == CRDT_COL_INT)
		sqlite3_bind_int64(q, i, c->i);
	else if (c && c->type == CRDT_COL_REAL)
		sqlite3_bind_double(q, i, c->d);
}

/* A hex id column as a blob (16 or 32 bytes); 0 if absent or not hex. */
static size_t unhex_col(uint8_t out[32], const struct crdt_row *r,
			const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);
	size_t n;

	if (!c || c->type != CRDT_COL_TEXT || !c->s)
		return 0;
	n = strlen(c->s) / 2;
	if ((n != CRDT_ID_LEN && n != CRDT_PK_LEN) || strlen(c->s) != 2 * n ||
	    crdt_unhex(out, n, c->s))
		return 0;
	return n;
}

/* One row of a crdt_query_* list into temp.report_derived. */
static int derive_row(void *ctx, const struct crdt_row *r)
{
	struct derive *d = ctx;
	uint8_t id[32], who[32];
	size_t n = unhex_col(id, r, "id"), nb;

	if (!n)
		return 0;
	sqlite3_bind_blob(d->ins, 1, id, (int)n, SQLITE_TRANSIENT);
	bind_text_col(d->ins, 2, r, "status");
	bind_text_col(d->ins, 3, r, "kind");
	bind_text_col(d->ins, 4, r, "urgency");
	sqlite3_bind_int(d->ins, 5, 0);
	sqlite3_bind_int(d->ins, 6, 0);
	bind_int_col(d->ins, 5, r, "hidden");
	bind_int_col(d->ins, 6, r, "blocked");
	bind_int_col(d->ins, 7, r, "hours");
	nb = unhex_col(who, r, "borrower");
	if (nb)
		sqlite3_bind_blob(d->ins, 8, who, (int)nb, SQLITE_TRANSIENT);
	bind_int_col(d->ins, 9, r, "due");
	return crdt_run(d->s, d->ins);
}

/* Claims: their status is derived per target (crdt_query_claims). */
static int derive_claims(struct derive *d)
{
	sqlite3_stmt *q = crdt_stmt(d->s, &report_stmts, REP_CLAIM_TARGETS);
	uint8_t target[CRDT_ID_LEN];
	int rc = 0, step;

	if (!q)
		return KITH_EDB;
	for (step = sqlite3_step(q); !rc && step == SQLITE_ROW;
	     step = sqlite3_step(q)) {
		memcpy(target, sqlite3_column_blob(q, 0), CRDT_ID_LEN);
		rc = crdt_query_claims(d->s, target, derive_row, d);
	}
	if (!rc && step != SQLITE_DONE)
		rc = crdt_store_err(d->s, step);
	crdt_reset(q);
	return rc;
}

/* The posts of the authors of one section only (statement which, ?1 the
 * building): a sheet of one building reads its members' posts, not the
 * town's.  The authors are copied first, then each one's items and
 * wishes derived. */
static int derive_section(struct derive *d, int which, const char *building,
			  int64_t now)
{
	sqlite3_stmt *q = crdt_stmt(d->s, &report_stmts, which);
	struct crdt_item_filter fi = { .kind = -1, .all = 1 };
	struct crdt_wish_filter fw = { .urgency = -1, .all = 1 };
	uint8_t *who = NULL, *more;
	size_t n = 0, cap = 0, i;
	int rc = 0, step;

	if (!q)
		return KITH_EDB;
	if (building)
		sqlite3_bind_text(q, 1, building, -1, SQLITE_STATIC);
	for (step = sqlite3_step(q); step == SQLITE_ROW;
	     step = sqlite3_step(q)) {
		if (sqlite3_column_bytes(q, 0) != CRDT_PK_LEN)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			more = realloc(who, cap * CRDT_PK_LEN);
			if (!more) {
				rc = KITH_ENOMEM;
				break;
			}
			who = more;
		}
		memcpy(who + n++ * CRDT_PK_LEN, sqlite3_column_blob(q, 0),
		       CRDT_PK_LEN);
	}
	if (!rc && step != SQLITE_DONE)
		rc = crdt_store_err(d->s, step);
	crdt_reset(q);
	for (i = 0; !rc && i < n; i++) {
		fi.author = fw.author = who + i * CRDT_PK_LEN;
		rc = crdt_query_items(d->s, &fi, now, derive_row, d);
		if (!rc)
			rc = crdt_query_wishes(d->s, &fw, now, derive_row, d);
	}
	free(who);
	return rc;
}

int crdt_report_begin(struct crdt_store *s, int64_t now)
{
	return crdt_report_begin_section(s, now, NULL);
}

int crdt_report_begin_section(struct crdt_store *s, int64_t now,
			      const char *building)
{
	sqlite3 *db = crdt_store_db(s);
	struct crdt_item_filter fi = { .kind = -1, .all = 1 };
	struct crdt_wish_filter fw = { .urgency = -1, .all = 1 };
	struct derive d = { s, NULL };
	int rc;

	if (sqlite3_create_function(db, "report_iso", 1, SQLITE_UTF8, NULL,
				    iso_fn, NULL, NULL) != SQLITE_OK)
		return crdt_store_err(s, sqlite3_errcode(db));
	/* One snapshot for the derived table and every sheet read from it,
	 * until crdt_report_end; a read transaction (only this connection's
	 * temp table is written), so kith keeps writing meanwhile. */
	rc = crdt_store_begin_read(s);
	if (rc)
		return rc;
	/* a script that makes and empties the temp table: sqlite3_exec */
	if (sqlite3_exec(db, derived_sql, NULL, NULL, NULL) != SQLITE_OK)
		rc = crdt_store_err(s, sqlite3_errcode(db));
	if (!rc) {
		d.ins = crdt_stmt(s, &report_stmts, REP_DERIVE);
		if (!d.ins)
			rc = KITH_EDB;
	}
	if (!rc && building) {
		rc = derive_section(&d, *building ? REP_AUTHORS_IN :
						    REP_AUTHORS_NONE,
				    *building ? building : NULL, now);
		if (rc)
			crdt_report_end(s);
		return rc;
	}
	if (!rc)
		rc = crdt_query_items(s, &fi, now, derive_row, &d);
	if (!rc)
		rc = crdt_query_wishes(s, &fw, now, derive_row, &d);
	if (!rc)
		rc = derive_claims(&d);
	if (!rc)
		rc = crdt_query_members(s, NULL, derive_row, &d);
	if (rc)
		crdt_report_end(s);
	return rc;
}

void crdt_report_end(struct crdt_store *s)
{
	/* only the temp table was written: nothing to keep */
	crdt_store_rollback(s);
}

/* ---- the sheet ---------------------------------------------------------- */

static int run_text(struct crdt_store *s, int which, const char *arg,
		    crdt_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = crdt_stmt(s, &report_stmts, which);

	if (!q)
		return KITH_EDB;
	if (arg)
		sqlite3_bind_text(q, 1, arg, -1, SQLITE_STATIC);
	return crdt_rows(s, q, fn, ctx);
}

int crdt_report_sections(struct crdt_store *s, const char *only,
			 crdt_row_fn fn, void *ctx)
{
	return run_text(s, REP_SECTIONS, only, fn, ctx);
}

int crdt_report_buildings(struct crdt_store *s, crdt_row_fn fn, void *ctx)
{
	return run_text(s, REP_BUILDINGS, NULL, fn, ctx);
}

int crdt_report_wishes(struct crdt_store *s, const char *building,
		       crdt_row_fn fn, void *ctx)
{
	if (!building || !*building)
		return run_text(s, REP_SHEET_WISHES_NONE, NULL, fn, ctx);
	return run_text(s, REP_SHEET_WISHES, building, fn, ctx);
}

int crdt_report_items(struct crdt_store *s, const char *building,
		      crdt_row_fn fn, void *ctx)
{
	if (!building || !*building)
		return run_text(s, REP_SHEET_ITEMS_NONE, NULL, fn, ctx);
	return run_text(s, REP_SHEET_ITEMS, building, fn, ctx);
}

/*
 * The roll call: crdt_checkins() rows (of all members when the section is
 * the neighbourhood, keeping those without a building), held and sorted by
 * unit in natural order (2 before 10; no unit last), then by name: the
 * order in which a building head walks the corridors.
 */
struct roll {
	int nobuilding;
	struct crdt_row *v;
	size_t n, cap;
};

static const char *row_text(const struct crdt_row *r, const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	return c && c->type == CRDT_COL_TEXT && c->s ? c->s : "";
}

static void roll_release(struct roll *ro)
{
	size_t i;
	int j;

	for (i = 0; i < ro->n; i++)
		for (j = 0; j < ro->v[i].n; j++) {
			free((char *)ro->v[i].c[j].name);
			free((char *)ro->v[i].c[j].s);
		}
	free(ro->v);
}

/* Copy a row: column names and texts live only as long as the query. */
static int roll_hold(void *ctx, const struct crdt_row *r)
{
	struct roll *ro = ctx;
	struct crdt_row *h;
	int j;

	if (ro->nobuilding && *row_text(r, "building"))
		return 0;
	if (ro->n == ro->cap) {
		size_t cap = ro->cap ? 2 * ro->cap : 32;
		struct crdt_row *v = realloc(ro->v, cap * sizeof *v);

		if (!v)
			return KITH_ENOMEM;
		ro->v = v;
		ro->cap = cap;
	}
	h = &ro->v[ro->n++];
	*h = *r;
	for (j = 0; j < r->n; j++)
		h->c[j].name = h->c[j].s = NULL;
	for (j = 0; j < r->n; j++) {
		h->c[j].name = strdup(r->c[j].name);
		if (!h->c[j].name)
			return KITH_ENOMEM;
		if (r->c[j].s && !(h->c[j].s = strdup(r->c[j].s)))
			return KITH_ENOMEM;
	}
	return 0;
}

/* Natural order, no case: "2" < "10" < "10b" < "B1". */
static int natcmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t la, lb;
			int c;

			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (la = 0; isdigit((unsigned char)a[la]); la++)
				;
			for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			c = strncmp(a, b, la);
			if (c)
				return c;
			a += la;
			b += lb;
			continue;
		}
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return tolower((unsigned char)*a) -
			       tolower((unsigned char)*b);
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int roll_cmp(const void *pa, const void *pb)
{
	const struct crdt_row *a = pa, *b = pb;
	const char *ua = row_text(a, "unit"), *ub = row_text(b, "unit");
	int c;

	if (!*ua != !*ub)
		return *ua ? -1 : 1;
	c = natcmp(ua, ub);
	if (!c)
		c = strcasecmp(row_text(a, "name"), row_text(b, "name"));
	if (!c)
		c = strcmp(row_text(a, "member"), row_text(b, "member"));
	return c;
}

int crdt_report_roll(struct crdt_store *s, const char *building,
		     int64_t since_ms, crdt_row_fn fn, void *ctx)
{
	struct roll ro = { !building || !*building, NULL, 0, 0 };
	size_t i;
	int rc;

	rc = crdt_checkins(s, ro.nobuilding ? NULL : building, since_ms,
			   roll_hold, &ro);
	if (!rc && ro.n)
		qsort(ro.v, ro.n, sizeof *ro.v, roll_cmp);
	for (i = 0; !rc && i < ro.n; i++)
		rc = fn(ctx, &ro.v[i]);
	roll_release(&ro);
	return rc;
}

/* ---- the committee's tables --------------------------------------------- */

int crdt_report_table(struct crdt_store *s, enum crdt_report_table t,
		      crdt_row_fn header, crdt_row_fn fn, void *ctx)
{
	struct crdt_row names;
	sqlite3_stmt *q;
	int rc, i;

	if ((unsigned)t >= CRDT_REPORT_NTABLES)
		return KITH_EINVAL;
	q = crdt_stmt(s, &report_stmts, REP_TABLE + (int)t);
	if (!q)
		return KITH_EDB;
	rc = 0;
	if (header) {
		memset(&names, 0, sizeof names);
		names.n = sqlite3_column_count(q);
		if (names.n > CRDT_MAX_COLS)
			names.n = CRDT_MAX_COLS;
		for (i = 0; i < names.n; i++) {
			names.c[i].name = sqlite3_column_name(q, i);
			names.c[i].type = CRDT_COL_NULL;
		}
		rc = header(ctx, &names);
	}
	if (!rc)
		rc = crdt_rows(s, q, fn, ctx);
	else
		crdt_reset(q);
	return rc;
}
