/*
 * test_search.c - finding posts by their words (crdt/search.c, the search
 * of crdt/query.c, the terms of crdt/ops.c's match): CJK grams and the
 * queries made of them, Chinese searches of one to four characters,
 * Japanese and Korean, English word prefixes as before, mixed searches,
 * no false positives across runs or across title and description, the
 * index following edits, the migration that builds it for an existing
 * replica, and `match` with Chinese wishes and skills.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>

#include "crdt/db.h" /* the migration test rolls the schema back */
#include "crdt/migrate.h"
#include "crdt/ops.h"
#include "crdt/query.h"
#include "crdt/search.h"
#include "tests/testlib.h"

#define F(state) ((struct tl_fixture *)*(state))
#define NOW ((int64_t)(TL_EPOCH_MS / 1000) + 86400)

/* ---- pure functions ------------------------------------------------------- */

static void expect_grams(const char *text, const char *want)
{
	char out[256];
	size_t n = 0;

	out[0] = 0;
	TL_OK(crdt_search_grams(out, sizeof out, &n, text, strlen(text)));
	TL_CHECK(!strcmp(out, want) && n == strlen(want),
		 "grams of '%s': expected '%s', got '%s'", text, want, out);
}

static void grams_of_text(void **state)
{
	char small[8];
	size_t n = 0;

	(void)state;
	TL_CHECK(crdt_search_is_cjk(0x4e00) && crdt_search_is_cjk(0x3042) &&
			 crdt_search_is_cjk(0x30ab) && crdt_search_is_cjk(0xac00) &&
			 crdt_search_is_cjk(0x20000) && crdt_search_is_cjk(0x3005),
		 "Han, kana, Hangul, extension B and 々 are CJK");
	TL_CHECK(!crdt_search_is_cjk('a') && !crdt_search_is_cjk(0xe9) &&
			 !crdt_search_is_cjk(0x3001) &&
			 !crdt_search_is_cjk(0x3002) &&
			 !crdt_search_is_cjk(0x30fb) &&
			 !crdt_search_is_cjk(0xff0c) && !crdt_search_is_cjk(0x3000),
		 "Latin, punctuation (、。・，) and the ideographic space are not");

	expect_grams("帮忙买菜", "帮忙 忙买 买菜 菜");
	expect_grams("菜", "菜");
	expect_grams("Need a ladder", "");
	expect_grams("", "");
	/* runs end at anything that is not CJK: Latin, spaces, punctuation */
	expect_grams("A4纸 二手iPhone，好", "纸 二手 手 好");
	expect_grams("帮忙。买菜", "帮忙 忙 买菜 菜");
	expect_grams("はしごを貸します", "はし しご ごを を貸 貸し しま ます す");
	expect_grams("사다리 빌려요", "사다 다리 리 빌려 려요 요");
	/* an invalid byte separates like any other */
	expect_grams("买\xff菜", "买 菜");
	expect_grams("买\xe8\x8f", "买");
	/* appending: title, then description */
	n = 0;
	{
		char out[64];

		out[0] = 0;
		TL_OK(crdt_search_grams(out, sizeof out, &n, "帮忙", 6));
		TL_OK(crdt_search_grams(out, sizeof out, &n, "买菜", 6));
		TL_CHECK(!strcmp(out, "帮忙 忙 买菜 菜"),
			 "title and description are separate runs, got '%s'",
			 out);
	}
	n = 0;
	TL_RC(crdt_search_grams(small, sizeof small, &n, "帮忙买菜", 12),
	      KITH_ETOOBIG);
	TL_CHECK(CRDT_GRAMS_CAP(12) >= strlen("帮忙 忙买 买菜 菜") + 1,
		 "CRDT_GRAMS_CAP leaves room");
}

static void expect_query(const char *in, const char *words, const char *grams,
			 const char *verify)
{
	struct crdt_search q;

	TL_OK(crdt_search_compile(&q, in));
	TL_CHECK(!strcmp(q.words, words) && !strcmp(q.grams, grams) &&
			 !strcmp(q.verify, verify),
		 "search '%s': expected words '%s' grams '%s' verify '%s', "
		 "got '%s' '%s' '%s'",
		 in, words, grams, verify, q.words, q.grams, q.verify);
}

static void compile_queries(void **state)
{
	struct crdt_search q;
	char *big;

	(void)state;
	/* one, two, three, four characters */
	expect_query("菜", "", "\"菜\"*", "");
	expect_query("买菜", "", "\"买菜\"", "");
	expect_query("帮忙买", "", "\"帮忙 忙买\"", "");
	expect_query("帮忙买菜", "", "\"帮忙 忙买 买菜\"", "");
	/* English words as they always were: quoted prefixes, ANDed */
	expect_query("Ladder", "\"Ladder\"*", "", "");
	expect_query("  first   aid ", "\"first\"* \"aid\"*", "", "");
	expect_query("say \"hi\"", "\"say\"* \"\"\"hi\"\"\"*", "", "");
	/* mixed: every word must match */
	expect_query("买菜 ladder", "\"ladder\"*", "\"买菜\"", "");
	expect_query("买菜\xe3\x80\x80梯子", "", "\"买菜\" \"梯子\"", "");
	/* a word mixing CJK and Latin: its runs, and the word as it is */
	expect_query("A4纸", "", "\"纸\"*", "[\"A4纸\"]");
	expect_query("二手iPhone充电器", "", "\"二手\" \"充电 电器\"",
		     "[\"二手iPhone充电器\"]");
	/* punctuation around a CJK word is no part of it */
	expect_query("「买菜」。", "", "\"买菜\"", "");
	expect_query("(A4纸)", "", "\"纸\"*", "[\"A4纸\"]");
	/* inside it is */
	expect_query("买菜，帮忙", "", "\"买菜\" \"帮忙\"", "[\"买菜，帮忙\"]");
	expect_query("", "", "", "");
	expect_query(" \t", "", "", "");

	big = malloc(3 * 2000 + 1);
	TL_CHECK(big != NULL, "memory");
	big[0] = 0;
	for (int i = 0; i < 2000; i++)
		strcat(big, "菜");
	TL_RC(crdt_search_compile(&q, big), KITH_ETOOBIG);
	free(big);
}

static int has_gram(const struct crdt_terms *t, const char *g)
{
	int i;

	for (i = 0; i < t->ngrams; i++)
		if (!strcmp(t->g[i], g))
			return 1;
	return 0;
}

static void terms_for_match(void **state)
{
	struct crdt_terms t;
	char q[512];

	(void)state;
	memset(&t, 0, sizeof t);
	crdt_terms_add(&t, "Please, we need the batteries for a cooking stove!");
	TL_EQ(t.n, 3, "English words kept");
	TL_CHECK(!strcmp(t.v[0], "batter") && !strcmp(t.v[1], "cook") &&
			 !strcmp(t.v[2], "stove"),
		 "stems as before, got %s %s %s", t.v[0], t.v[1], t.v[2]);
	TL_EQ(t.ngrams, 0, "no grams in English");

	memset(&t, 0, sizeof t);
	crdt_terms_add(&t, "需要梯子，谢谢！ ladder");
	TL_CHECK(has_gram(&t, "梯子") && has_gram(&t, "梯") &&
			 has_gram(&t, "子") && has_gram(&t, "要梯"),
		 "pairs and characters of the run");
	TL_CHECK(!has_gram(&t, "需要") && !has_gram(&t, "谢谢") &&
			 !has_gram(&t, "要") && !has_gram(&t, "谢") &&
			 !has_gram(&t, "，"),
		 "filler pairs, characters and punctuation left out");
	TL_CHECK(t.n == 1 && !strcmp(t.v[0], "ladder"), "the English word too");
	crdt_terms_grams_fts(&t, q, sizeof q);
	TL_CHECK(strstr(q, "\"梯子\" OR") && strstr(q, "\"梯\"* OR"),
		 "a pair is a token, a character a prefix: '%s'", q);
	crdt_terms_words_fts(&t, q, sizeof q);
	TL_CHECK(!strcmp(q, "\"ladder\"*"), "words query '%s'", q);

	/* at most CRDT_TERMS_GRAMS, no duplicates */
	memset(&t, 0, sizeof t);
	crdt_terms_add(&t, "梯子梯子梯子 一二三四五六七八九十甲乙丙丁戊己庚辛壬癸");
	TL_EQ(t.ngrams, CRDT_TERMS_GRAMS, "grams capped");
	TL_CHECK(has_gram(&t, "梯子") && has_gram(&t, "子梯"),
		 "each pair once");
}

/* ---- searching a replica --------------------------------------------------- */

struct titles {
	char text[2048];
};

static int collect_title(void *ctx, const struct crdt_row *r)
{
	struct titles *t = ctx;
	const struct crdt_col *c = crdt_row_get(r, "title");
	size_t n = strlen(t->text);

	snprintf(t->text + n, sizeof t->text - n, "%s%s", n ? "|" : "",
		 c && c->s ? c->s : "?");
	return 0;
}

static int collect_name(void *ctx, const struct crdt_row *r)
{
	struct titles *t = ctx;
	const struct crdt_col *c = crdt_row_get(r, "name");
	size_t n = strlen(t->text);

	snprintf(t->text + n, sizeof t->text - n, "%s%s", n ? "|" : "",
		 c && c->s ? c->s : "?");
	return 0;
}

/* Titles found by a search, in list order, '|'-separated. */
static const char *wishes_found(struct crdt_replica *r, const char *search)
{
	static struct titles t;
	struct crdt_wish_filter f = { .urgency = -1, .all = 1,
				      .search = search };

	t.text[0] = 0;
	TL_OK(crdt_query_wishes(r->store, &f, NOW, collect_title, &t));
	return t.text;
}

static const char *items_found(struct crdt_replica *r, const char *search)
{
	static struct titles t;
	struct crdt_item_filter f = { .kind = -1, .all = 1, .search = search };

	t.text[0] = 0;
	TL_OK(crdt_query_items(r->store, &f, NOW, collect_title, &t));
	return t.text;
}

#define EXPECT_WISHES(r, search, want)                                        \
	do {                                                                  \
		const char *got_ = wishes_found((r), (search));              \
		TL_CHECK(!strcmp(got_, (want)),                               \
			 "wish search '%s': expected '%s', got '%s'",         \
			 (search), (want), got_);                             \
	} while (0)
#define EXPECT_ITEMS(r, search, want)                                         \
	do {                                                                  \
		const char *got_ = items_found((r), (search));               \
		TL_CHECK(!strcmp(got_, (want)),                               \
			 "item search '%s': expected '%s', got '%s'",         \
			 (search), (want), got_);                             \
	} while (0)

static void wish_with(struct crdt_replica *r, const char *title,
		      const char *desc, struct tl_rec *out)
{
	struct crdt_op op;
	uint64_t seq;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_WISH);
	TL_OK(crdt_op_set_text(&op, F_WISH_TITLE, title));
	if (desc)
		TL_OK(crdt_op_set_text(&op, F_WISH_DESCRIPTION, desc));
	TL_OK(tl_commit(r, &op, 1, &seq));
	if (out) {
		crdt_record_id(out->id, r->id.pk, seq, 0);
		memcpy(out->author, r->id.pk, CRDT_PK_LEN);
		out->seq = seq;
		out->idx = 0;
		out->rtype = CRDT_R_WISH;
	}
}

/* Wishes list oldest first (all of urgency normal), items newest first. */
static void posts(struct crdt_replica *r)
{
	wish_with(r, "帮忙买菜", NULL, NULL);
	wish_with(r, "菜园浇水", "每天早上", NULL);
	wish_with(r, "Ladder needed", "帮忙 买菜", NULL);
	wish_with(r, "帮忙", "买菜", NULL);
	wish_with(r, "Need a ladder for the roof", NULL, NULL);
	TL_OK(tl_item(r, "A4纸 一包", NULL));
	TL_OK(tl_item(r, "纸箱", NULL));
	TL_OK(tl_item(r, "はしごを貸します", NULL));
	TL_OK(tl_item(r, "사다리 빌려드려요", NULL));
	TL_OK(tl_item(r, "二手iPhone充电器", NULL));
	TL_OK(tl_item(r, "Aluminium ladder", NULL));
}

static void search_chinese_lengths(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = tl_open(f, "a", 1);

	TL_CHECK(r != NULL, "replica");
	posts(r);
	/* one character: wherever it stands */
	EXPECT_WISHES(r, "菜", "帮忙买菜|菜园浇水|Ladder needed|帮忙");
	EXPECT_WISHES(r, "园", "菜园浇水");
	EXPECT_WISHES(r, "早", "菜园浇水");
	/* two: in a row, in title or description */
	EXPECT_WISHES(r, "买菜", "帮忙买菜|Ladder needed|帮忙");
	EXPECT_WISHES(r, "浇水", "菜园浇水");
	/* three and four: in a row, in one run of one field */
	EXPECT_WISHES(r, "帮忙买", "帮忙买菜");
	EXPECT_WISHES(r, "帮忙买菜", "帮忙买菜");
	EXPECT_WISHES(r, "菜园浇水", "菜园浇水");
	/* no false positives: not in a row, reversed, across a space or
	 * across title and description, a character nobody wrote */
	EXPECT_WISHES(r, "忙买", "帮忙买菜");
	EXPECT_WISHES(r, "菜买", "");
	EXPECT_WISHES(r, "忙菜", "");
	EXPECT_WISHES(r, "买菜园", "");
	EXPECT_WISHES(r, "水每", "");
	EXPECT_WISHES(r, "猫", "");
	EXPECT_WISHES(r, "帮忙买菜帮", "");
	/* every word must match */
	EXPECT_WISHES(r, "帮忙 买菜", "帮忙买菜|Ladder needed|帮忙");
	EXPECT_WISHES(r, "买菜 ladder", "Ladder needed");
	EXPECT_WISHES(r, "ladder 浇水", "");
	/* punctuation around a word does not matter */
	EXPECT_WISHES(r, "「买菜」", "帮忙买菜|Ladder needed|帮忙");
}

static void search_english_and_mixed(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = tl_open(f, "a", 1);

	TL_CHECK(r != NULL, "replica");
	posts(r);
	/* word prefixes, any case, as before */
	EXPECT_WISHES(r, "lad", "Ladder needed|Need a ladder for the roof");
	EXPECT_WISHES(r, "LADDER", "Ladder needed|Need a ladder for the roof");
	EXPECT_WISHES(r, "roof lad", "Need a ladder for the roof");
	EXPECT_WISHES(r, "adder", "");
	EXPECT_WISHES(r, "ladders", "");
	EXPECT_ITEMS(r, "alu", "Aluminium ladder");
	/* Latin and CJK in one word: exactly that, ASCII case aside */
	EXPECT_ITEMS(r, "纸", "纸箱|A4纸 一包");
	EXPECT_ITEMS(r, "A4纸", "A4纸 一包");
	EXPECT_ITEMS(r, "a4纸", "A4纸 一包");
	EXPECT_ITEMS(r, "B4纸", "");
	EXPECT_ITEMS(r, "手iphone", "二手iPhone充电器");
	EXPECT_ITEMS(r, "充电器", "二手iPhone充电器");
	EXPECT_ITEMS(r, "usb充电器", "");
	/* Japanese and Korean */
	EXPECT_ITEMS(r, "はしご", "はしごを貸します");
	EXPECT_ITEMS(r, "貸", "はしごを貸します");
	EXPECT_ITEMS(r, "사다리", "사다리 빌려드려요");
	EXPECT_ITEMS(r, "다리", "사다리 빌려드려요");
	/* no search: everything; only spaces: everything */
	TL_CHECK(strlen(items_found(r, NULL)) > 0 &&
			 !strcmp(items_found(r, NULL), items_found(r, "  ")),
		 "a search of spaces filters nothing");
}

/* How many rows the grams index of wishes holds. */
static int64_t wish_grams_rows(struct crdt_replica *r)
{
	return tl_int(r, "SELECT count(*) FROM wishes_grams");
}

static void search_follows_edits(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_replica *b = tl_open(f, "b", 2);
	struct crdt_apply_stats st;
	struct tl_rec w;

	TL_CHECK(a && b, "replicas");
	wish_with(a, "Shopping", NULL, &w);
	TL_EQ(wish_grams_rows(a), 0, "an English post has no grams row");
	EXPECT_WISHES(a, "买菜", "");
	/* English -> Chinese title */
	TL_OK(tl_own_text(a, &w, F_WISH_TITLE, "帮忙买菜"));
	EXPECT_WISHES(a, "买菜", "帮忙买菜");
	EXPECT_WISHES(a, "shop", "");
	TL_EQ(wish_grams_rows(a), 1, "one grams row");
	/* the description too */
	TL_OK(tl_own_text(a, &w, F_WISH_DESCRIPTION, "周六上午"));
	EXPECT_WISHES(a, "上午", "帮忙买菜");
	EXPECT_WISHES(a, "买菜", "帮忙买菜");
	TL_EQ(wish_grams_rows(a), 1, "still one grams row");
	/* Chinese -> other Chinese */
	TL_OK(tl_own_text(a, &w, F_WISH_TITLE, "修自行车"));
	EXPECT_WISHES(a, "买菜", "");
	EXPECT_WISHES(a, "自行车", "修自行车");
	/* someone else's edit of it is ignored, in the index too */
	TL_OK(tl_sync(b, a, &st));
	TL_OK(tl_ref_text(b, CRDT_R_WISH, w.id, F_WISH_TITLE, "偷梁换柱"));
	EXPECT_WISHES(b, "偷梁", "");
	EXPECT_WISHES(b, "自行车", "修自行车");
	/* back to English, no description: the row goes */
	TL_OK(tl_own_text(a, &w, F_WISH_TITLE, "Bike repair"));
	TL_OK(tl_own_text(a, &w, F_WISH_DESCRIPTION, "Saturday"));
	EXPECT_WISHES(a, "自行车", "");
	EXPECT_WISHES(a, "上午", "");
	EXPECT_WISHES(a, "bike", "Bike repair");
	TL_EQ(wish_grams_rows(a), 0, "no grams row left");
	/* the replica that got it all by sync agrees */
	TL_OK(tl_sync(b, a, &st));
	EXPECT_WISHES(b, "自行车", "");
	EXPECT_WISHES(b, "bike", "Bike repair");
	TL_EQ(tl_int(b, "SELECT count(*) FROM wishes_grams"), 0,
	      "synced replica: no grams row left");
	/* the index and kith_grams() of the rows agree */
	TL_EQ(tl_int(a, "SELECT count(*) FROM wishes w FULL JOIN wishes_grams g"
			" ON g.rowid = w.rowid WHERE kith_grams(w.title,"
			" w.description) IS NOT g.grams"),
	      0, "index rows equal kith_grams of their posts");
}

/* A replica made before the grams index (schema 9) gets it when opened. */
static void migration_builds_grams(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *r = tl_open(f, "old", 1);
	sqlite3 *db;

	TL_CHECK(r != NULL, "replica");
	posts(r);
	db = crdt_store_db(r->store);
	TL_CHECK(sqlite3_exec(db,
			      "DROP TABLE items_grams; DROP TABLE wishes_grams;"
			      "DROP TABLE keys; ALTER TABLE authors DROP COLUMN top;"
			      "DROP TABLE field_stamps; DROP TABLE parked; DROP TABLE unlinked;"
			      "DROP TABLE replacements; DROP TABLE replaced;"
			      "DROP TABLE cuts; DROP INDEX members_host;"
			      "ALTER TABLE members DROP COLUMN host;"
			      "ALTER TABLE members DROP COLUMN host_sig;"
			      "PRAGMA user_version = 9;",
			      NULL, NULL, NULL) == SQLITE_OK,
		 "making an old replica: %s", sqlite3_errmsg(db));
	tl_close(f, r);
	r = tl_open(f, "old", 1);
	TL_CHECK(r != NULL, "reopened");
	TL_EQ(tl_int(r, "PRAGMA user_version"), crdt_migrate_version(),
	      "schema version (the newest)");
	EXPECT_WISHES(r, "买菜", "帮忙买菜|Ladder needed|帮忙");
	EXPECT_ITEMS(r, "はしご", "はしごを貸します");
	TL_EQ(tl_int(r, "SELECT count(*) FROM items_grams"), 5,
	      "grams rows of the items with CJK text");
	/* a rebuild from the log makes the same index */
	TL_OK(crdt_store_rebuild(r->store));
	EXPECT_WISHES(r, "买菜", "帮忙买菜|Ladder needed|帮忙");
	EXPECT_WISHES(r, "帮忙买菜", "帮忙买菜");
	EXPECT_ITEMS(r, "纸", "纸箱|A4纸 一包");
	TL_EQ(tl_int(r, "SELECT count(*) FROM items_grams"), 5,
	      "grams rows after a rebuild");
	TL_CHECK(sqlite3_exec(crdt_store_db(r->store),
			      "INSERT INTO items_grams(items_grams)"
			      " VALUES('integrity-check');"
			      "INSERT INTO wishes_grams(wishes_grams)"
			      " VALUES('integrity-check');",
			      NULL, NULL, NULL) == SQLITE_OK,
		 "grams indexes pass FTS5's integrity check");
}

/* ---- match ------------------------------------------------------------------ */

struct match_log {
	char text[4096];
};

static void log_add(struct match_log *l, const char *what, const char *s)
{
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof l->text - n, "%s %s\n", what, s);
}

static int m_wish(void *ctx, const struct crdt_row *r)
{
	log_add(ctx, "wish", crdt_row_get(r, "title")->s);
	return 0;
}

static int m_item(void *ctx, const struct crdt_row *r)
{
	log_add(ctx, " item", crdt_row_get(r, "title")->s);
	return 0;
}

static int m_vol(void *ctx, const struct crdt_row *r)
{
	log_add(ctx, " vol", crdt_row_get(r, "name")->s);
	return 0;
}

static struct crdt_replica *member(struct tl_fixture *f, const char *name,
				   uint64_t seed, const char *skills)
{
	struct crdt_replica *r = tl_open(f, name, seed);
	struct crdt_op op;

	TL_CHECK(r != NULL, "opening replica %s", name);
	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&op, F_MEMBER_NAME, name));
	if (skills)
		TL_OK(crdt_op_set_text(&op, F_MEMBER_SKILLS, skills));
	TL_OK(tl_commit(r, &op, 1, NULL));
	return r;
}

static void match_chinese(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *a = member(f, "Asker", 1, NULL);
	struct crdt_replica *b = member(f, "Ben", 2, "修水管, 电工");
	struct crdt_replica *c = member(f, "Chen", 3, "做饭, cooking");
	struct crdt_replica *obs = tl_open(f, "obs", 0);
	struct match_log log = { "" };
	struct crdt_match_out out = { m_wish, m_item, m_vol, NULL, &log };
	struct crdt_apply_stats st;
	struct tl_rec w1, w2, w3;

	TL_CHECK(obs != NULL, "observer");
	TL_OK(tl_item(b, "铝合金梯子", NULL));
	TL_OK(tl_item(b, "雨伞", NULL));
	TL_OK(tl_item(b, "的的的 东西", NULL));
	TL_OK(tl_item(c, "Step ladder", NULL));
	wish_with(a, "需要梯子", "谢谢！", &w1);
	wish_with(a, "借一把伞", NULL, &w2);
	wish_with(a, "找人修水管", NULL, &w3);
	TL_OK(tl_sync(obs, a, &st));
	TL_OK(tl_sync(obs, b, &st));
	TL_OK(tl_sync(obs, c, &st));

	TL_OK(crdt_match(obs->store, w1.id, 1, 5, NOW, &out));
	TL_CHECK(!strcmp(log.text, "wish 需要梯子\n item 铝合金梯子\n"),
		 "a ladder for 梯子, nothing for filler; got\n%s", log.text);
	log.text[0] = 0;
	TL_OK(crdt_match(obs->store, w2.id, 1, 5, NOW, &out));
	TL_CHECK(!strcmp(log.text, "wish 借一把伞\n item 雨伞\n"),
		 "an umbrella by one character; got\n%s", log.text);
	log.text[0] = 0;
	TL_OK(crdt_match(obs->store, w3.id, 1, 5, NOW, &out));
	TL_CHECK(!strcmp(log.text, "wish 找人修水管\n vol Ben\n"),
		 "a plumber by Chinese skills; got\n%s", log.text);
}

static void volunteers_chinese_skill(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *b = member(f, "Ben", 2, "修水管, 电工");
	struct crdt_replica *c = member(f, "Chen", 3, "修自行车");
	struct crdt_replica *d = member(f, "Dora", 4, "nurse");
	struct crdt_replica *obs = tl_open(f, "obs", 0);
	struct crdt_apply_stats st;
	struct titles t;

	(void)d;
	TL_CHECK(obs != NULL, "observer");
	TL_OK(tl_sync(obs, b, &st));
	TL_OK(tl_sync(obs, c, &st));
	TL_OK(tl_sync(obs, d, &st));
#define VOL(skill, want)                                                      \
	do {                                                                  \
		t.text[0] = 0;                                                \
		TL_OK(crdt_volunteers(obs->store, (skill), NULL, NULL,       \
				      collect_name, &t));                     \
		TL_CHECK(!strcmp(t.text, (want)),                             \
			 "volunteers --skill '%s': expected '%s', got '%s'",  \
			 (skill), (want), t.text);                            \
	} while (0)
	VOL("修", "Ben|Chen");
	VOL("水管", "Ben");
	VOL("修 电工", "Ben");
	VOL("水管，电工", "Ben");
	VOL("水管、电工", "Ben");
	VOL("修\xe3\x80\x80车", "Chen");
	VOL("自行车", "Chen");
	VOL("管修", "");
	VOL("NURS", "Dora");
#undef VOL
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grams_of_text),
		cmocka_unit_test(compile_queries),
		cmocka_unit_test(terms_for_match),
		T(search_chinese_lengths),
		T(search_english_and_mixed),
		T(search_follows_edits),
		T(migration_builds_grams),
		T(match_chinese),
		T(volunteers_chinese_skill),
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
