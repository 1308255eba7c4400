/*
 * test_query.c - the read side of the replica (crdt/query.h): lists and
 * their filters, empty results, ids resolved by prefix and members by
 * name, the facts crdt_record_info gives the writers, member names, the
 * digest and counts, and text in other scripts handed back byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crdt/query.h"
#include "tests/testlib.h"

/* Views are read at the fixture's clock (TL_EPOCH_MS), a minute later. */
#define NOW ((int64_t)(TL_EPOCH_MS / 1000) + 60)

/* What a list handed over: how many rows, and one column of each. */
struct rows {
	int n;
	const char *col; /* the column kept, or NULL */
	char text[8][160];
	int missing; /* rows without that column */
};

static int collect(void *ctx, const struct crdt_row *row)
{
	struct rows *r = ctx;
	const struct crdt_col *c = r->col ? crdt_row_get(row, r->col) : NULL;

	if (r->col && (!c || c->type != CRDT_COL_TEXT))
		r->missing++;
	else if (r->col && r->n < 8)
		snprintf(r->text[r->n], sizeof r->text[0], "%s", c->s);
	r->n++;
	return 0;
}

static void rows_init(struct rows *r, const char *col)
{
	memset(r, 0, sizeof *r);
	r->col = col;
}

static int stop_at_first(void *ctx, const struct crdt_row *row)
{
	(void)row;
	++*(int *)ctx;
	return 7;
}

static void item_filter(struct crdt_item_filter *f)
{
	memset(f, 0, sizeof *f);
	f->kind = -1;
}

static void wish_filter(struct crdt_wish_filter *f)
{
	memset(f, 0, sizeof *f);
	f->urgency = -1;
}

static int has_text(const struct rows *r, const char *s)
{
	int i;

	for (i = 0; i < r->n && i < 8; i++)
		if (!strcmp(r->text[i], s))
			return 1;
	return 0;
}

/* ---- empty ------------------------------------------------------------- */

static void empty_replica(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *r = tl_open(f, "a", 1);
	struct crdt_item_filter fi;
	struct crdt_wish_filter fw;
	struct crdt_counts c;
	uint8_t id[CRDT_PK_LEN] = { 0 };
	char digest[65], again[65];
	struct rows rows;

	item_filter(&fi);
	wish_filter(&fw);
	rows_init(&rows, NULL);
	TL_OK(crdt_query_items(r->store, &fi, NOW, collect, &rows));
	TL_OK(crdt_query_wishes(r->store, &fw, NOW, collect, &rows));
	TL_OK(crdt_query_members(r->store, NULL, collect, &rows));
	TL_OK(crdt_query_claims(r->store, id, collect, &rows));
	TL_OK(crdt_shared_names(r->store, collect, &rows));
	TL_EQ(rows.n, 0, "rows listed by an empty replica");
	fi.all = 1;
	fw.all = 1;
	fi.search = "ladder";
	TL_OK(crdt_query_items(r->store, &fi, NOW, collect, &rows));
	TL_EQ(rows.n, 0, "a search in an empty replica");

	TL_OK(crdt_counts(r->store, NOW, &c));
	TL_CHECK(c.members == 0 && c.items == 0 && c.wishes == 0 &&
			 c.changes == 0 && c.open_wishes == 0,
		 "expected all counts 0, got members %lld items %lld wishes "
		 "%lld changes %lld",
		 (long long)c.members, (long long)c.items,
		 (long long)c.wishes, (long long)c.changes);
	TL_RC(crdt_resolve(r->store, CRDT_R_ITEM, "abcdef", id),
	      KITH_ENOTFOUND);
	TL_RC(crdt_resolve(r->store, CRDT_R_MEMBER, "Nobody", id),
	      KITH_ENOTFOUND);
	TL_RC(crdt_record_info(r->store, CRDT_R_WISH, id,
			       &(struct crdt_record_info){ 0 }),
	      KITH_ENOTFOUND);
	TL_OK(crdt_digest(r->store, digest));
	TL_OK(crdt_digest(r->store, again));
	TL_EQ(strlen(digest), 64, "digest length");
	TL_CHECK(!strcmp(digest, again), "the digest is stable");
}

/* ---- lists ------------------------------------------------------------- */

static void lists_and_filters(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_apply_stats st;
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_replica *b = tl_open(f, "b", 2);
	struct crdt_item_filter fi;
	struct crdt_wish_filter fw;
	struct tl_rec ladder, drill, soup;
	struct crdt_counts c;
	struct rows rows;
	int stopped = 0;
	char d1[65], d2[65];

	TL_OK(tl_digest(a, d1));
	TL_OK(tl_item(a, "Ladder", &ladder));
	TL_OK(tl_item(b, "Drill", &drill));
	TL_OK(tl_wish(a, "Soup for Tuesday", &soup));
	TL_OK(tl_sync(a, b, &st));
	TL_OK(tl_digest(a, d2));
	TL_CHECK(strcmp(d1, d2), "expected the digest to change with posts");

	item_filter(&fi);
	rows_init(&rows, "title");
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_EQ(rows.n, 2, "items listed");
	TL_EQ(rows.missing, 0, "items without a title column");
	TL_CHECK(has_text(&rows, "Ladder") && has_text(&rows, "Drill"),
		 "expected Ladder and Drill, got '%s', '%s'", rows.text[0],
		 rows.text[1]);

	/* --mine: one author's posts */
	fi.author = b->id.pk;
	rows_init(&rows, "title");
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_CHECK(rows.n == 1 && !strcmp(rows.text[0], "Drill"),
		 "expected only b's Drill, got %d rows", rows.n);

	/* one author's posts come from the author form of the list
	 * (query_list): with and without a search, wishes too */
	fi.search = "drill";
	rows_init(&rows, "title");
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_CHECK(rows.n == 1 && !strcmp(rows.text[0], "Drill"),
		 "expected b's Drill for 'drill', got %d rows", rows.n);
	fi.search = "ladder";
	rows_init(&rows, NULL);
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_EQ(rows.n, 0, "b's items matching a's 'ladder'");
	wish_filter(&fw);
	fw.author = b->id.pk;
	rows_init(&rows, NULL);
	TL_OK(crdt_query_wishes(a->store, &fw, NOW, collect, &rows));
	TL_EQ(rows.n, 0, "b's wishes (a posted the only one)");
	fw.author = a->id.pk;
	rows_init(&rows, "title");
	TL_OK(crdt_query_wishes(a->store, &fw, NOW, collect, &rows));
	TL_CHECK(rows.n == 1 && !strcmp(rows.text[0], "Soup for Tuesday"),
		 "expected a's soup wish, got %d rows", rows.n);

	/* one record by id, with its id as lowercase hex */
	item_filter(&fi);
	fi.id = ladder.id;
	rows_init(&rows, "id");
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_CHECK(rows.n == 1 &&
			 !strcmp(rows.text[0], tl_hex(ladder.id, CRDT_ID_LEN)),
		 "expected the ladder's id %s, got '%s'",
		 tl_hex(ladder.id, CRDT_ID_LEN), rows.text[0]);

	/* a search that matches nothing, a prefix that matches */
	item_filter(&fi);
	fi.search = "piano";
	rows_init(&rows, NULL);
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_EQ(rows.n, 0, "items matching 'piano'");
	fi.search = "lad";
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_EQ(rows.n, 1, "items matching 'lad'");

	/* expired after 90 days without an edit; listed with all */
	item_filter(&fi);
	rows_init(&rows, NULL);
	TL_OK(crdt_query_items(a->store, &fi, NOW + 91 * 86400, collect,
			       &rows));
	TL_EQ(rows.n, 0, "items listed 91 days later");
	fi.all = 1;
	TL_OK(crdt_query_items(a->store, &fi, NOW + 91 * 86400, collect,
			       &rows));
	TL_EQ(rows.n, 2, "items listed 91 days later with all");

	wish_filter(&fw);
	fw.status = "open";
	rows_init(&rows, "status");
	TL_OK(crdt_query_wishes(a->store, &fw, NOW, collect, &rows));
	TL_CHECK(rows.n == 1 && !strcmp(rows.text[0], "open"),
		 "expected one open wish, got %d", rows.n);
	fw.status = "claimed";
	rows_init(&rows, NULL);
	TL_OK(crdt_query_wishes(a->store, &fw, NOW, collect, &rows));
	TL_EQ(rows.n, 0, "claimed wishes before any claim");

	/* a callback's non-zero return stops the list and is returned */
	item_filter(&fi);
	TL_RC(crdt_query_items(a->store, &fi, NOW, stop_at_first, &stopped), 7);
	TL_EQ(stopped, 1, "rows seen before the stop");

	TL_OK(crdt_counts(a->store, NOW, &c));
	TL_EQ(c.items, 2, "counted items");
	TL_EQ(c.wishes, 1, "counted wishes");
	TL_EQ(c.open_wishes, 1, "counted open wishes");
	TL_EQ(c.authors, 2, "counted authors");
	TL_EQ(c.changes, 3, "counted changes");
}

/* ---- resolve and record info ------------------------------------------- */

static void resolve_prefix_and_name(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_apply_stats st;
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_replica *b = tl_open(f, "b", 2);
	struct crdt_replica *c = tl_open(f, "c", 3);
	uint8_t out[CRDT_PK_LEN];
	char prefix[65];
	struct tl_rec item;

	TL_OK(tl_item(a, "Ladder", &item));
	TL_OK(tl_profile(a, "Ana"));
	TL_OK(tl_profile(b, "Sam"));
	TL_OK(tl_profile(c, "sam"));
	TL_OK(tl_sync(a, b, &st));
	TL_OK(tl_sync(a, c, &st));

	snprintf(prefix, sizeof prefix, "%.8s", tl_hex(item.id, CRDT_ID_LEN));
	memset(out, 0, sizeof out);
	TL_OK(crdt_resolve(a->store, CRDT_R_ITEM, prefix, out));
	TL_CHECK(!memcmp(out, item.id, CRDT_ID_LEN), "item by an 8-char prefix");
	/* upper case and the whole id work too */
	for (char *p = prefix; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	TL_OK(crdt_resolve(a->store, CRDT_R_ITEM, prefix, out));
	snprintf(prefix, sizeof prefix, "%s", tl_hex(item.id, CRDT_ID_LEN));
	TL_OK(crdt_resolve(a->store, CRDT_R_ITEM, prefix, out));
	TL_CHECK(!memcmp(out, item.id, CRDT_ID_LEN), "item by its whole id");
	/* too short, not hex, another type */
	prefix[5] = 0;
	TL_RC(crdt_resolve(a->store, CRDT_R_ITEM, prefix, out), KITH_EINVAL);
	TL_RC(crdt_resolve(a->store, CRDT_R_ITEM, "ladder", out),
	      KITH_ENOTFOUND);
	snprintf(prefix, sizeof prefix, "%.8s", tl_hex(item.id, CRDT_ID_LEN));
	TL_RC(crdt_resolve(a->store, CRDT_R_WISH, prefix, out), KITH_ENOTFOUND);

	/* members: by key prefix, by a unique name (ASCII case aside) */
	snprintf(prefix, sizeof prefix, "%.10s", tl_hex(a->id.pk, CRDT_PK_LEN));
	TL_OK(crdt_resolve(a->store, CRDT_R_MEMBER, prefix, out));
	TL_CHECK(!memcmp(out, a->id.pk, CRDT_PK_LEN), "member by key prefix");
	memset(out, 0, sizeof out);
	TL_OK(crdt_resolve(a->store, CRDT_R_MEMBER, "aNA", out));
	TL_CHECK(!memcmp(out, a->id.pk, CRDT_PK_LEN), "member by name 'aNA'");
	TL_RC(crdt_resolve(a->store, CRDT_R_MEMBER, "Sam", out),
	      KITH_EAMBIGUOUS);
	TL_RC(crdt_resolve(a->store, CRDT_R_MEMBER, "An", out), KITH_ENOTFOUND);
}

static void record_info_of_a_claimed_wish(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_apply_stats st;
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_replica *b = tl_open(f, "b", 2);
	struct crdt_record_info info;
	struct tl_rec wish, claim;
	struct rows rows;

	TL_OK(tl_wish(a, "Soup", &wish));
	TL_OK(tl_sync(b, a, &st));
	TL_OK(tl_claim(b, wish.id, &claim));
	TL_OK(tl_sync(a, b, &st));

	TL_OK(crdt_record_info(a->store, CRDT_R_WISH, wish.id, &info));
	TL_CHECK(!memcmp(info.author, a->id.pk, CRDT_PK_LEN),
		 "the wish's author");
	TL_EQ(info.active_claims, 1, "active claims on the wish");
	TL_CHECK(!memcmp(info.one_claim, claim.id, CRDT_ID_LEN),
		 "the oldest active claim is b's");
	TL_EQ(info.closed, 0, "the wish is not withdrawn");
	TL_EQ(info.confirmed, 0, "the wish is not confirmed");
	TL_EQ(info.has_accepted, 0, "no claim accepted yet");

	TL_OK(crdt_record_info(a->store, CRDT_R_CLAIM, claim.id, &info));
	TL_CHECK(!memcmp(info.target, wish.id, CRDT_ID_LEN),
		 "the claim's target");
	TL_EQ(info.target_rtype, CRDT_R_WISH, "the claim's target type");
	TL_CHECK(!memcmp(info.author, b->id.pk, CRDT_PK_LEN),
		 "the claim's author");
	/* the id of a wish is no item */
	TL_RC(crdt_record_info(a->store, CRDT_R_ITEM, wish.id, &info),
	      KITH_ENOTFOUND);

	rows_init(&rows, "status");
	TL_OK(crdt_query_claims(a->store, wish.id, collect, &rows));
	TL_CHECK(rows.n == 1 && !strcmp(rows.text[0], "active"),
		 "expected one active claim, got %d ('%s')", rows.n,
		 rows.text[0]);
	rows_init(&rows, "status");
	TL_OK(crdt_query_wishes(a->store,
				&(struct crdt_wish_filter){ .id = wish.id,
							    .urgency = -1 },
				NOW, collect, &rows));
	TL_CHECK(rows.n == 1 && !strcmp(rows.text[0], "claimed"),
		 "expected the wish claimed, got %d ('%s')", rows.n,
		 rows.text[0]);
}

/* ---- names and other scripts ------------------------------------------- */

static void unicode_text_and_names(void **state)
{
	static const char *const title = "帮忙买菜 – Ñandú's \"ladder\", 🪜";
	static const char *const name = "李雷 Émile";
	struct tl_fixture *f = *state;
	struct crdt_apply_stats st;
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_replica *b = tl_open(f, "b", 2);
	struct crdt_item_filter fi;
	uint8_t out[CRDT_PK_LEN], stranger[CRDT_PK_LEN];
	char got[64];
	struct rows rows;

	TL_OK(tl_item(a, title, NULL));
	TL_OK(tl_profile(a, name));
	TL_OK(tl_profile(b, "LI LEI"));
	TL_OK(tl_sync(a, b, &st));

	item_filter(&fi);
	rows_init(&rows, "title");
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_CHECK(rows.n == 1 && !strcmp(rows.text[0], title),
		 "expected the title byte for byte, got '%s'", rows.text[0]);
	rows_init(&rows, "author_name");
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_CHECK(rows.n == 1 && !strcmp(rows.text[0], name),
		 "expected the author's name '%s', got '%s'", name,
		 rows.text[0]);
	fi.search = "买菜";
	rows_init(&rows, NULL);
	TL_OK(crdt_query_items(a->store, &fi, NOW, collect, &rows));
	TL_EQ(rows.n, 1, "items found by '买菜'");

	TL_OK(crdt_resolve(a->store, CRDT_R_MEMBER, name, out));
	TL_CHECK(!memcmp(out, a->id.pk, CRDT_PK_LEN), "member by '%s'", name);
	TL_OK(crdt_member_name(a->store, a->id.pk, got, sizeof got));
	TL_CHECK(!strcmp(got, name), "expected name '%s', got '%s'", name,
		 got);
	/* cut to the room given, never past it */
	TL_OK(crdt_member_name(a->store, a->id.pk, got, 4));
	TL_CHECK(strlen(got) < 4, "a name cut to 4 bytes is '%s'", got);
	memset(stranger, 0x77, sizeof stranger);
	TL_RC(crdt_member_name(a->store, stranger, got, sizeof got),
	      KITH_ENOTFOUND);

	rows_init(&rows, "name");
	TL_OK(crdt_query_members(a->store, NULL, collect, &rows));
	TL_EQ(rows.n, 2, "members listed");
	TL_CHECK(has_text(&rows, name) && has_text(&rows, "LI LEI"),
		 "expected both names, got '%s', '%s'", rows.text[0],
		 rows.text[1]);
	rows_init(&rows, "name");
	TL_OK(crdt_query_members(a->store, b->id.pk, collect, &rows));
	TL_CHECK(rows.n == 1 && !strcmp(rows.text[0], "LI LEI"),
		 "expected only b, got %d rows", rows.n);
	rows_init(&rows, "name");
	TL_OK(crdt_shared_names(a->store, collect, &rows));
	TL_EQ(rows.n, 0, "no name is shared");
}

/* ---- the members of a members page ------------------------------------ */

/* Rows of crdt_query_members_page: the texts kept, in order. */
struct member_rows {
	int n;
	char id[300][65], name[300][32], building[300][32], available[300][32];
};

static int member_collect(void *ctx, const struct crdt_row *row)
{
	struct member_rows *r = ctx;
	const char *cols[] = { "id", "name", "building", "available" };
	char *out[] = { r->id[r->n], r->name[r->n], r->building[r->n],
			r->available[r->n] };
	size_t cap[] = { 65, 32, 32, 32 };
	const struct crdt_col *c;
	size_t i;

	TL_CHECK(r->n < 300, "more rows than members");
	for (i = 0; i < 4; i++) {
		c = crdt_row_get(row, cols[i]);
		TL_CHECK(c != NULL, "column '%s' missing", cols[i]);
		snprintf(out[i], cap[i], "%s", c->s ? c->s : "");
	}
	TL_CHECK(crdt_row_get(row, "hours") && crdt_row_get(row, "forked") &&
			 crdt_row_get(row, "unit") && crdt_row_get(row, "skills"),
		 "hours, forked, unit and skills are columns");
	r->n++;
	return 0;
}

/* The members of p into r (cleared); how many crdt_count_members says. */
static int64_t member_page(struct crdt_replica *a,
			  const struct crdt_member_page *p,
			  struct member_rows *r)
{
	int64_t total = -1;

	memset(r, 0, sizeof *r);
	TL_OK(crdt_query_members_page(a->store, p, member_collect, r));
	TL_OK(crdt_count_members(a->store, p, &total));
	return total;
}

/* Row i before row j in the order of a page: no building last, building,
 * name (ASCII case aside), id. */
static int member_before(const struct member_rows *r, int i, int j)
{
	int c;

	if (!*r->building[i] != !*r->building[j])
		return *r->building[i] != 0;
	c = strcasecmp(r->building[i], r->building[j]);
	if (!c)
		c = strcasecmp(r->name[i], r->name[j]);
	if (!c)
		c = strcmp(r->id[i], r->id[j]);
	return c < 0;
}

static void members_page_order_search_window(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_member_page p = { 0 };
	struct member_rows *all = calloc(1, sizeof *all);
	struct member_rows *r = calloc(1, sizeof *r);
	uint8_t pk[CRDT_PK_LEN];
	int64_t total;
	int i, at;

	TL_CHECK(all && r, "out of memory");
	/* the view as materializing leaves it: 250 members of buildings in
	 * both cases, without one (NULL or ""), names alike but for case;
	 * then members whose texts hold LIKE's own characters */
	(void)tl_int(a, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT"
			" i + 1 FROM n WHERE i < 250) INSERT INTO members(id,"
			" name, building, unit, skills, available) SELECT"
			" CAST(printf('%032d', (i * 7919) % 1000) AS BLOB),"
			" CASE WHEN i % 50 = 0 THEN NULL WHEN i % 50 = 1"
			" THEN '' ELSE CASE i % 3 WHEN 0 THEN 'anna' WHEN 1"
			" THEN 'Anna' ELSE 'bob' END || (i % 4) END,"
			" CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2"
			" THEN 'Elm' WHEN 3 THEN 'elm' WHEN 4 THEN 'Oak 1'"
			" ELSE 'ash' END, '', 'sewing', NULL FROM n");
	(void)tl_int(a, "INSERT INTO members(id, name, building, skills,"
			" available) VALUES"
			" (CAST('x1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' AS BLOB),"
			"  'Pat', 'Zed', 'fixes 100% of bikes', ''),"
			" (CAST('x2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' AS BLOB),"
			"  'Sam', 'Zed', 'snake_case', 'Weekends'),"
			" (CAST('x3xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' AS BLOB),"
			"  'Tom', 'Zed', '', 'weekends')");
	/* Tom is blocked here: his "available" is neither shown nor found */
	(void)tl_int(a, "INSERT INTO blocked(member) VALUES"
			" (CAST('x3xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' AS BLOB))");

	/* everyone, in the documented order */
	total = member_page(a, &p, all);
	TL_EQ(total, 253, "all members counted");
	TL_EQ(all->n, 253, "limit 0 hands every member");
	for (i = 1; i < all->n; i++)
		TL_CHECK(member_before(all, i - 1, i),
			 "row %d ('%s' of '%s') before row %d ('%s' of '%s')",
			 i - 1, all->name[i - 1], all->building[i - 1], i,
			 all->name[i], all->building[i]);
	TL_CHECK(!strcasecmp(all->building[0], "ash") && !*all->building[252],
		 "ash first, no building last: '%s' '%s'", all->building[0],
		 all->building[252]);

	/* windows of 100: the same rows, in the same order */
	p.limit = 100;
	for (at = 0; at < 253; at += 100) {
		p.offset = at;
		total = member_page(a, &p, r);
		TL_EQ(total, 253, "the total does not depend on the window");
		TL_EQ(r->n, at + 100 <= 253 ? 100 : 253 - at, "rows of a page");
		for (i = 0; i < r->n; i++)
			TL_CHECK(!strcmp(r->id[i], all->id[at + i]),
				 "row %d of the page at %d", i, at);
	}
	p.offset = 1000;
	TL_EQ(member_page(a, &p, r), 253, "past the end: counted");
	TL_EQ(r->n, 0, "past the end: no rows");

	/* search: every word, in any text, ASCII case aside; LIKE's own
	 * characters are themselves */
	p.offset = 0;
	p.limit = 0;
	p.search = "100%";
	TL_EQ(member_page(a, &p, r), 1, "'100%' finds the one who says it");
	TL_CHECK(r->n == 1 && !strcmp(r->name[0], "Pat"), "'%s'", r->name[0]);
	p.search = "0%";
	TL_EQ(member_page(a, &p, r), 1, "'%' is not a wildcard");
	p.search = "e_c";
	TL_EQ(member_page(a, &p, r), 1, "'_' is not a wildcard");
	TL_CHECK(!strcmp(r->name[0], "Sam"), "'%s'", r->name[0]);
	p.search = "WEEKENDS\tzed  ";
	TL_EQ(member_page(a, &p, r), 1,
	      "tab and spaces part words; a blocked member's time is not "
	      "searched");
	TL_CHECK(!strcmp(r->name[0], "Sam") &&
			 !strcmp(r->available[0], "Weekends"),
		 "'%s' '%s'", r->name[0], r->available[0]);
	p.search = "zed";
	TL_EQ(member_page(a, &p, r), 3, "a building");
	TL_CHECK(!strcmp(r->name[2], "Tom") && !*r->available[2],
		 "a blocked member's time is not shown: '%s'",
		 r->available[2]);
	p.search = "sewing elm";
	TL_EQ(member_page(a, &p, r), 84, "two words, each in another text");
	for (i = 0; i < r->n; i++)
		TL_CHECK(!strcasecmp(r->building[i], "elm"), "'%s'",
			 r->building[i]);
	p.search = "sewing nobody";
	TL_EQ(member_page(a, &p, r), 0, "every word must occur");
	TL_EQ(r->n, 0, "nothing found");
	p.search = "anna";
	p.limit = 10;
	p.offset = 5;
	TL_EQ(member_page(a, &p, r), 160, "a search counts all it finds");
	TL_EQ(r->n, 10, "and hands its window");
	p.search = "   ";
	p.limit = 0;
	p.offset = 0;
	TL_EQ(member_page(a, &p, r), 253, "a search of spaces is everyone");

	/* one member; its window and search do not matter */
	memcpy(pk, "x2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", CRDT_PK_LEN);
	p.pk = pk;
	p.search = "nobody";
	p.offset = 9;
	TL_EQ(member_page(a, &p, r), 1, "one member");
	TL_CHECK(r->n == 1 && !strcmp(r->name[0], "Sam"), "'%s'", r->name[0]);
	memset(pk, 0x77, sizeof pk);
	TL_EQ(member_page(a, &p, r), 0, "a stranger");
	TL_EQ(r->n, 0, "no row for a stranger");
	free(all);
	free(r);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(empty_replica),
		T(lists_and_filters),
		T(resolve_prefix_and_name),
		T(record_info_of_a_claimed_wish),
		T(unicode_text_and_names),
		T(members_page_order_search_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
