/*
 * test_ops.c - neighbourhood operations (crdt/ops.c): the time-bank ledger
 * and balance (and that earned hours equal `kith members` hours), resource
 * inventory totals, volunteers, match ranking, and loans coming due.
 *
 * Every member writes in their own replica with their own identity; an
 * observer replica without identity gets everything by tl_sync and is the
 * one queried, as a neighbour's replica would be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/community.h"
#include "crdt/ops.h"
#include "crdt/query.h"
#include "tests/testlib.h"

#define F(state) ((struct tl_fixture *)*(state))
/* the clock of every replica starts at TL_EPOCH_MS; queries run a day on */
#define NOW ((int64_t)(TL_EPOCH_MS / 1000) + 86400)
#define DAY 86400

/* ---- helpers -------------------------------------------------------------- */

static struct crdt_replica *member(struct tl_fixture *f, const char *name,
				   uint64_t seed, const char *building,
				   const char *skills)
{
	struct crdt_replica *r = tl_open(f, name, seed);
	struct crdt_op op;

	TL_CHECK(r != NULL, "opening replica %s", name);
	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&op, F_MEMBER_NAME, name));
	if (building)
		TL_OK(crdt_op_set_text(&op, F_MEMBER_BUILDING, building));
	if (skills)
		TL_OK(crdt_op_set_text(&op, F_MEMBER_SKILLS, skills));
	TL_OK(tl_commit(r, &op, 1, NULL));
	return r;
}

/* Everything every member wrote, into the observer. */
/* Everyone's changes into obs.  who[0], the community's creator, has met
 * everyone in person and verified them (hours count only between
 * verified members), and obs publishes what it derives. */
static void gather(struct crdt_replica *obs, struct crdt_replica **who, int n)
{
	struct crdt_apply_stats st;
	struct crdt_roles roles;
	int i;

	for (i = 0; i < n; i++) {
		struct crdt_op op;

		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_VERIFY);
		TL_OK(crdt_op_set_bytes(&op, F_VERIFY_MEMBER, who[i]->id.pk, 32));
		TL_OK(crdt_op_set_text(&op, F_VERIFY_BUILDING, "Elm 12"));
		TL_OK(crdt_op_set_int(&op, F_VERIFY_GRANT, 1));
		TL_OK(tl_commit(who[0], &op, 1, NULL));
	}
	for (i = 0; i < n; i++)
		TL_OK(tl_sync(obs, who[i], &st));
	TL_OK(crdt_community_refresh(obs->store, who[0]->id.pk, &roles));
	crdt_roles_release(&roles);
}

/* Create an item with these fields; kind 6 (resource) when unit != NULL. */
static void item(struct crdt_replica *r, const char *title,
		 const char *category, int64_t qty, const char *unit,
		 struct tl_rec *out)
{
	struct crdt_op op;
	uint64_t seq;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, title));
	TL_OK(crdt_op_set_int(&op, F_ITEM_KIND, unit ? 6 : 1));
	if (category)
		TL_OK(crdt_op_set_text(&op, F_ITEM_CATEGORY, category));
	TL_OK(crdt_op_set_int(&op, F_ITEM_QUANTITY, qty));
	if (unit)
		TL_OK(crdt_op_set_text(&op, F_ITEM_UNIT, unit));
	TL_OK(tl_commit(r, &op, 1, &seq));
	if (out) {
		crdt_record_id(out->id, r->id.pk, seq, 0);
		memcpy(out->author, r->id.pk, CRDT_PK_LEN);
		out->seq = seq;
		out->idx = 0;
		out->rtype = CRDT_R_ITEM;
	}
}

static void wish(struct crdt_replica *r, const char *title,
		 const char *category, int urgency, struct tl_rec *out)
{
	struct crdt_op op;
	uint64_t seq;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_WISH);
	TL_OK(crdt_op_set_text(&op, F_WISH_TITLE, title));
	if (category)
		TL_OK(crdt_op_set_text(&op, F_WISH_CATEGORY, category));
	TL_OK(crdt_op_set_int(&op, F_WISH_URGENCY, urgency));
	TL_OK(tl_commit(r, &op, 1, &seq));
	crdt_record_id(out->id, r->id.pk, seq, 0);
	memcpy(out->author, r->id.pk, CRDT_PK_LEN);
	out->seq = seq;
	out->idx = 0;
	out->rtype = CRDT_R_WISH;
}

/* The wish's author accepts claim and confirms with quarters. */
static void confirm(struct crdt_replica *r, const struct tl_rec *w,
		    const struct tl_rec *claim, int64_t quarters)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH);
	memcpy(op.target, w->id, CRDT_ID_LEN);
	op.target_len = CRDT_ID_LEN;
	TL_OK(crdt_op_set_bytes(&op, F_WISH_ACCEPTED, claim->id, CRDT_ID_LEN));
	TL_OK(crdt_op_set_int(&op, F_WISH_CONFIRMED, 1));
	TL_OK(crdt_op_set_int(&op, F_WISH_HOURS, quarters));
	TL_OK(tl_commit(r, &op, 1, NULL));
}

/* Rows collected as "col1|col2|..." lines of the named columns. */
struct rows {
	const char *cols[8];
	char text[4096];
	int n;
};

static int collect(void *ctx, const struct crdt_row *r)
{
	struct rows *rs = ctx;
	size_t len = strlen(rs->text);
	int i;

	for (i = 0; rs->cols[i]; i++) {
		const struct crdt_col *c = crdt_row_get(r, rs->cols[i]);
		char v[256];

		if (!c)
			fail_msg("row has no column '%s'", rs->cols[i]);
		if (c->type == CRDT_COL_INT)
			snprintf(v, sizeof v, "%lld", (long long)c->i);
		else if (c->type == CRDT_COL_REAL)
			snprintf(v, sizeof v, "%g", c->d);
		else if (c->type == CRDT_COL_NULL)
			snprintf(v, sizeof v, "NULL");
		else
			snprintf(v, sizeof v, "%s", c->s);
		len += (size_t)snprintf(rs->text + len, sizeof rs->text - len,
					"%s%s", i ? "|" : "", v);
	}
	len += (size_t)snprintf(rs->text + len, sizeof rs->text - len, "\n");
	rs->n++;
	return 0;
}

static void expect_text(const struct rows *rs, const char *want,
			const char *what)
{
	TL_CHECK(!strcmp(rs->text, want), "%s: expected rows\n%s\ngot\n%s",
		 what, want, rs->text);
}

/* Earned hours of pk as `kith members` shows them. */
static double members_hours(struct crdt_replica *r, const uint8_t *pk)
{
	struct rows rs = { { "hours", NULL }, "", 0 };

	TL_OK(crdt_query_members(r->store, pk, collect, &rs));
	TL_EQ(rs.n, 1, "members rows for one member");
	return atof(rs.text);
}

/* ---- hours ---------------------------------------------------------------- */

static void hours_ledger_and_balance(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *a = member(f, "Amira", 1, "Elm 12", NULL);
	struct crdt_replica *b = member(f, "Ben", 2, "Elm 12", NULL);
	struct crdt_replica *c = member(f, "Carla", 3, "Oak 3", NULL);
	struct crdt_replica *obs = tl_open(f, "obs", 0);
	struct crdt_replica *all[] = { a, b, c };
	struct tl_rec w1, w2, w3, w4, w5, c1, c2, c3, c4, c5;
	struct crdt_hours h;
	struct rows rs = { { "direction", "title", "quarters", "counterpart_name",
			     NULL }, "", 0 };
	struct crdt_op op;

	TL_CHECK(obs != NULL, "observer replica");
	/* Ben helps Amira (1.5 h); Amira helps Carla (1 h) */
	wish(a, "Fix the sink", NULL, 2, &w1);
	TL_OK(tl_claim(b, w1.id, &c1));
	tl_env_of(a)->now_ms = TL_EPOCH_MS + 10000; /* the ledger's order */
	confirm(a, &w1, &c1, 6);
	wish(c, "Carry boxes", NULL, 2, &w2);
	TL_OK(tl_claim(a, w2.id, &c2));
	tl_env_of(c)->now_ms = TL_EPOCH_MS + 20000;
	confirm(c, &w2, &c2, 4);
	/* nobody can credit themselves: Amira claims and confirms her own */
	wish(a, "Paint my door", NULL, 2, &w3);
	TL_OK(tl_claim(a, w3.id, &c3));
	confirm(a, &w3, &c3, 40);
	/* a claim its helper took back credits nobody */
	wish(c, "Walk the dog", NULL, 2, &w4);
	TL_OK(tl_claim(b, w4.id, &c4));
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_CLAIM);
	memcpy(op.target, c4.id, CRDT_ID_LEN);
	op.target_len = CRDT_ID_LEN;
	TL_OK(crdt_op_set_int(&op, F_CLAIM_CANCELLED, 1));
	TL_OK(tl_commit(b, &op, 1, NULL));
	confirm(c, &w4, &c4, 8);
	/* confirmed with zero hours: no ledger line */
	wish(c, "Lend a pen", NULL, 2, &w5);
	TL_OK(tl_claim(b, w5.id, &c5));
	confirm(c, &w5, &c5, 0);
	gather(obs, all, 3);

	TL_OK(crdt_hours_totals(obs->store, a->id.pk, &h));
	TL_EQ(h.earned_q, 4, "Amira earned (quarters)");
	TL_EQ(h.given_q, 6, "Amira given (quarters)");
	TL_OK(crdt_hours_ledger(obs->store, a->id.pk, collect, &rs));
	expect_text(&rs,
		    "given|Fix the sink|-6|Ben\n"
		    "earned|Carry boxes|4|Carla\n",
		    "Amira's ledger, oldest first, signed");
	TL_CHECK(members_hours(obs, a->id.pk) == 1.0,
		 "Amira: members hours expected 1.0 (earned)");

	TL_OK(crdt_hours_totals(obs->store, b->id.pk, &h));
	TL_EQ(h.earned_q, 6, "Ben earned (the taken-back claim counts nothing)");
	TL_EQ(h.given_q, 0, "Ben given");
	TL_CHECK(members_hours(obs, b->id.pk) == 1.5,
		 "Ben: members hours expected 1.5");

	TL_OK(crdt_hours_totals(obs->store, c->id.pk, &h));
	TL_EQ(h.earned_q, 0, "Carla earned");
	TL_EQ(h.given_q, 4, "Carla given (the cancelled claim's 8 not)");
	memset(&rs.text, 0, sizeof rs.text);
	rs.n = 0;
	TL_OK(crdt_hours_ledger(obs->store, c->id.pk, collect, &rs));
	expect_text(&rs, "given|Carry boxes|-4|Amira\n", "Carla's ledger");
}

/* The sum of every ledger equals the sum of members hours, and each
 * member's ledger sums to earned - given, on a random community. */
static void hours_agree_with_members(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *m[6], *obs = tl_open(f, "obs", 0);
	struct tl_env *e = tl_env_of(m[0] = member(f, "m0", 10, "A", NULL));
	struct tl_rec w, cl;
	int i, k;

	for (i = 1; i < 6; i++) {
		char name[16];

		snprintf(name, sizeof name, "m%d", i);
		m[i] = member(f, name, 10 + (uint64_t)i, "A", NULL);
	}
	for (k = 0; k < 40; k++) {
		int au = (int)tl_rand_below(e, 6), he = (int)tl_rand_below(e, 6);

		wish(m[au], "Something", NULL, 2, &w);
		TL_OK(tl_claim(m[he], w.id, &cl));
		if (tl_rand_below(e, 4))
			confirm(m[au], &w, &cl, (int64_t)tl_rand_below(e, 12));
	}
	gather(obs, m, 6);
	for (i = 0; i < 6; i++) {
		struct rows rs = { { "quarters", NULL }, "", 0 };
		struct crdt_hours h;
		int64_t sum = 0;
		char *p;

		TL_OK(crdt_hours_totals(obs->store, m[i]->id.pk, &h));
		TL_OK(crdt_hours_ledger(obs->store, m[i]->id.pk, collect, &rs));
		for (p = rs.text; *p; p = strchr(p, '\n') + 1)
			sum += strtoll(p, NULL, 10);
		TL_CHECK(sum == h.earned_q - h.given_q,
			 "member %d: ledger sums to %lld, balance is %lld", i,
			 (long long)sum, (long long)(h.earned_q - h.given_q));
		TL_CHECK(members_hours(obs, m[i]->id.pk) == h.earned_q / 4.0,
			 "member %d: members hours equal earned %g", i,
			 h.earned_q / 4.0);
	}
}

/* ---- inventory ------------------------------------------------------------ */

static void inventory_totals(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *x = member(f, "Xia", 20, "Elm 12", NULL);
	struct crdt_replica *y = member(f, "Yves", 21, "elm 12", NULL);
	struct crdt_replica *z = member(f, "Zeno", 22, "Oak 3", NULL);
	struct crdt_replica *w = member(f, "Wanda", 23, NULL, NULL);
	struct crdt_replica *obs = tl_open(f, "obs", 0);
	struct crdt_replica *all[] = { x, y, z, w };
	struct tl_rec gone, lent, old, hidden, blocked;
	struct rows rs = { { "building", "category", "unit", "quantity", "items",
			     NULL }, "", 0 };
	struct crdt_roles roles;
	struct crdt_op op;

	item(x, "Canister", "water", 10, "litres", NULL);
	item(y, "Canister", "Water", 5, "litres", NULL);
	item(y, "Bottles", "water", 3, "bottles", NULL);
	item(z, "First aid kit", "first aid", 2, "kits", NULL);
	item(w, "Rice", "food", 4, "kg", NULL);
	item(x, "Ladder", "tools", 1, NULL, NULL); /* not a resource */
	/* counted: on loan */
	item(z, "Generator", "power", 1, "pieces", &lent);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_LOAN);
	TL_OK(crdt_op_set_bytes(&op, F_LOAN_ITEM, lent.id, CRDT_ID_LEN));
	TL_OK(crdt_op_set_bytes(&op, F_LOAN_BORROWER, x->id.pk, CRDT_PK_LEN));
	TL_OK(tl_commit(z, &op, 1, NULL));
	/* not counted: withdrawn, expired, hidden, blocked */
	item(x, "Old water", "water", 100, "litres", &gone);
	TL_OK(tl_ref_int(x, CRDT_R_ITEM, gone.id, F_ITEM_WITHDRAWN, 1));
	item(x, "Stale bread", "food", 7, "kg", &old);
	TL_OK(tl_ref_int(x, CRDT_R_ITEM, old.id, F_ITEM_UNTIL, NOW - DAY));
	item(y, "Spam", "food", 99, "kg", &hidden);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_MODERATION);
	TL_OK(crdt_op_set_bytes(&op, F_MOD_TARGET, hidden.id, CRDT_ID_LEN));
	TL_OK(crdt_op_set_int(&op, F_MOD_HIDDEN, 1));
	TL_OK(tl_commit(x, &op, 1, NULL)); /* Xia created the community */
	item(w, "Blocked water", "water", 50, "litres", &blocked);
	gather(obs, all, 4);
	TL_OK(crdt_community_refresh(obs->store, x->id.pk, &roles));
	crdt_roles_release(&roles);
	TL_OK(crdt_block(obs->store, blocked.author, 0)); /* nothing yet */

	TL_OK(crdt_inventory(obs->store, NULL, NOW, collect, &rs));
	expect_text(&rs,
		    "(no building)|food|kg|4|1\n"
		    "(no building)|Water|litres|50|1\n"
		    "Elm 12|Water|bottles|3|1\n"
		    "Elm 12|Water|litres|15|2\n"
		    "Oak 3|first aid|kits|2|1\n"
		    "Oak 3|power|pieces|1|1\n",
		    "inventory by building, category, unit; one spelling of "
		    "each (Yves's 'elm 12', Xia's 'water')");

	/* blocking Wanda hides her posts here */
	TL_OK(crdt_block(obs->store, w->id.pk, 1));
	memset(rs.text, 0, sizeof rs.text);
	TL_OK(crdt_inventory(obs->store, NULL, NOW, collect, &rs));
	TL_CHECK(!strstr(rs.text, "(no building)"),
		 "a blocked member's resources are not counted:\n%s", rs.text);

	memset(rs.text, 0, sizeof rs.text);
	TL_OK(crdt_inventory(obs->store, "ELM 12", NOW, collect, &rs));
	expect_text(&rs,
		    "Elm 12|Water|bottles|3|1\n"
		    "Elm 12|Water|litres|15|2\n",
		    "--building keeps one building, case-insensitively");

	TL_OK(crdt_block(obs->store, w->id.pk, 0));
	memset(rs.text, 0, sizeof rs.text);
	TL_OK(crdt_inventory_totals(obs->store, NULL, NOW, collect, &rs));
	expect_text(&rs,
		    "(all)|first aid|kits|2|1\n"
		    "(all)|food|kg|4|1\n"
		    "(all)|power|pieces|1|1\n"
		    "(all)|Water|bottles|3|1\n"
		    "(all)|Water|litres|65|3\n",
		    "totals over every building");
}

/* ---- volunteers ----------------------------------------------------------- */

static void volunteers_filter(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *a = member(f, "Anna", 30, "Elm 12", "Nurse, First Aid");
	struct crdt_replica *b = member(f, "Bo", 31, "Oak 3", "first aid, plumbing");
	struct crdt_replica *c = member(f, "Cem", 32, "Oak 3", NULL);
	struct crdt_replica *d = member(f, "Dora", 33, "Oak 3", "cooking");
	struct crdt_replica *obs = tl_open(f, "obs", 0);
	struct crdt_replica *all[] = { a, b, c, d };
	struct rows rs = { { "name", "skills", NULL }, "", 0 };

	gather(obs, all, 4);
	TL_OK(crdt_volunteers(obs->store, NULL, NULL, NULL, collect, &rs));
	expect_text(&rs,
		    "Anna|Nurse, First Aid\n"
		    "Bo|first aid, plumbing\n"
		    "Dora|cooking\n",
		    "members with skills, by building then name");
	memset(rs.text, 0, sizeof rs.text);
	TL_OK(crdt_volunteers(obs->store, NULL, NULL, "OAK 3", collect, &rs));
	expect_text(&rs,
		    "Bo|first aid, plumbing\n"
		    "Dora|cooking\n"
		    "Anna|Nurse, First Aid\n",
		    "the asker's building first");
	memset(rs.text, 0, sizeof rs.text);
	TL_OK(crdt_volunteers(obs->store, "FIRST aid", NULL, NULL, collect,
			      &rs));
	expect_text(&rs, "Anna|Nurse, First Aid\nBo|first aid, plumbing\n",
		    "every word of --skill, case-insensitively");
	memset(rs.text, 0, sizeof rs.text);
	TL_OK(crdt_volunteers(obs->store, "aid", "oak 3", NULL, collect, &rs));
	expect_text(&rs, "Bo|first aid, plumbing\n", "--skill and --building");
	memset(rs.text, 0, sizeof rs.text);
	TL_OK(crdt_volunteers(obs->store, "\"quoted\" \\x", NULL, NULL,
			      collect, &rs));
	expect_text(&rs, "", "quotes and backslashes are just characters");
}

/* ---- match ---------------------------------------------------------------- */

struct match_log {
	char text[4096];
};

static void logf_(struct match_log *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void logf_(struct match_log *l, const char *fmt, ...)
{
	size_t n = strlen(l->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->text + n, sizeof l->text - n, fmt, ap);
	va_end(ap);
}

static int m_wish(void *ctx, const struct crdt_row *r)
{
	logf_(ctx, "wish %s\n", crdt_row_get(r, "title")->s);
	return 0;
}

static int m_item(void *ctx, const struct crdt_row *r)
{
	logf_(ctx, " item %s %lld\n", crdt_row_get(r, "title")->s,
	      (long long)crdt_row_get(r, "score")->i);
	return 0;
}

static int m_vol(void *ctx, const struct crdt_row *r)
{
	logf_(ctx, " vol %s\n", crdt_row_get(r, "name")->s);
	return 0;
}

static void match_ranking(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *a = member(f, "Asker", 40, "Elm 12", "pipes");
	struct crdt_replica *x = member(f, "Xaver", 41, "elm 12", NULL);
	struct crdt_replica *y = member(f, "Yara", 42, "Elm 12",
					"pipe fitting, plumbing");
	struct crdt_replica *z = member(f, "Zoe", 43, "Oak 3",
					"plumbing, leaks fixed");
	struct crdt_replica *g = member(f, "Gus", 44, "Oak 3", "gardening");
	struct crdt_replica *obs = tl_open(f, "obs", 0);
	struct crdt_replica *all[] = { a, x, y, z, g };
	struct match_log log = { "" };
	struct crdt_match_out out = { m_wish, m_item, m_vol, NULL, &log };
	struct tl_rec w1, w2, w3, w4, lent, gone, cl;
	struct crdt_op op;

	wish(a, "Need a ladder for the roof", "tools", 2, &w1);
	item(x, "Aluminium ladder", "tools", 1, NULL, NULL); /* 3+2+1 */
	item(z, "Long ladder", "tools", 1, NULL, NULL);	     /* 3+2 */
	item(x, "Hammer", "tools", 1, NULL, NULL);	     /* 3+1 */
	item(y, "Step ladder", "garden", 1, NULL, NULL);     /* 2+1 */
	item(z, "Saw", "TOOLS", 1, NULL, NULL);		     /* 3 */
	item(g, "Rope ladder", "toys", 1, NULL, NULL);	     /* 2 */
	item(g, "Blender", "kitchen", 1, NULL, NULL);	     /* no match */
	item(a, "My own ladder", "tools", 1, NULL, NULL);    /* the asker's */
	item(z, "Lent ladder", "tools", 1, NULL, &lent);     /* on loan */
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_LOAN);
	TL_OK(crdt_op_set_bytes(&op, F_LOAN_ITEM, lent.id, CRDT_ID_LEN));
	TL_OK(crdt_op_set_bytes(&op, F_LOAN_BORROWER, g->id.pk, CRDT_PK_LEN));
	TL_OK(tl_commit(z, &op, 1, NULL));
	item(x, "Gone ladder", "tools", 1, NULL, &gone); /* withdrawn */
	TL_OK(tl_ref_int(x, CRDT_R_ITEM, gone.id, F_ITEM_WITHDRAWN, 1));
	/* more urgent, then older first; a claimed wish is not open */
	wish(x, "Leaking pipe under the sink", NULL, 0, &w2);
	wish(g, "Plumbing help", NULL, 2, &w3);
	TL_OK(tl_claim(z, w3.id, &cl));
	wish(g, "Someone to talk to", NULL, 3, &w4);
	gather(obs, all, 5);

	TL_OK(crdt_match(obs->store, w1.id, 1, 7, NOW, &out));
	TL_CHECK(!strcmp(log.text,
			 "wish Need a ladder for the roof\n"
			 " item Aluminium ladder 6\n"
			 " item Long ladder 5\n"
			 " item Hammer 4\n"
			 " item Step ladder 3\n"
			 " item Saw 3\n"
			 " item Rope ladder 2\n"),
		 "items ranked category, words, building; only available "
		 "ones of others; got\n%s",
		 log.text);

	memset(log.text, 0, sizeof log.text);
	TL_OK(crdt_match(obs->store, w2.id, 1, 3, NOW, &out));
	TL_CHECK(!strcmp(log.text,
			 "wish Leaking pipe under the sink\n"
			 " vol Asker\n"
			 " vol Yara\n"
			 " vol Zoe\n"),
		 "volunteers: skills matching the words, same building first, "
		 "never the wish's author; got\n%s",
		 log.text);

	memset(log.text, 0, sizeof log.text);
	TL_OK(crdt_match(obs->store, NULL, 10, 1, NOW, &out));
	TL_CHECK(!strcmp(log.text,
			 "wish Leaking pipe under the sink\n"
			 " vol Asker\n"
			 "wish Need a ladder for the roof\n"
			 " item Aluminium ladder 6\n"
			 "wish Someone to talk to\n"),
		 "open wishes, most urgent first, claimed ones left out; "
		 "got\n%s",
		 log.text);

	memset(log.text, 0, sizeof log.text);
	TL_OK(crdt_match(obs->store, NULL, 1, 3, NOW, &out));
	TL_CHECK(!strncmp(log.text, "wish Leaking pipe under the sink\n", 33) &&
			 !strstr(log.text, "ladder"),
		 "nwishes limits the wishes; got\n%s", log.text);

	{
		uint8_t nope[CRDT_ID_LEN] = { 1, 2, 3 };

		TL_RC(crdt_match(obs->store, nope, 1, 3, NOW, &out),
		      KITH_ENOTFOUND);
		TL_RC(crdt_match(obs->store, NULL, 0, 3, NOW, &out), KITH_EINVAL);
	}
}

/* The words: fillers and short words dropped, endings cut. */
static void match_words(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *a = member(f, "Asker", 50, "Elm 12", NULL);
	struct crdt_replica *b = member(f, "Helper", 51, "Oak 3", NULL);
	struct crdt_replica *obs = tl_open(f, "obs", 0);
	struct crdt_replica *all[] = { a, b };
	struct match_log log = { "" };
	struct crdt_match_out out = { m_wish, m_item, m_vol, NULL, &log };
	struct tl_rec w;

	/* "Batteries" finds "battery", "cooking" finds "cooker"; "the", "for"
	 * and "a" find nothing */
	wish(a, "Please, we need the batteries for a cooking stove!", NULL, 2,
	     &w);
	item(b, "Car battery", NULL, 1, NULL, NULL);
	item(b, "Rice cooker", NULL, 1, NULL, NULL);
	item(b, "Thermos for the road", NULL, 1, NULL, NULL);
	gather(obs, all, 2);
	TL_OK(crdt_match(obs->store, w.id, 1, 5, NOW, &out));
	TL_CHECK(strstr(log.text, " item Car battery 2\n") &&
			 strstr(log.text, " item Rice cooker 2\n") &&
			 !strstr(log.text, "Thermos"),
		 "word endings and fillers; got\n%s", log.text);
}

/* ---- loans ---------------------------------------------------------------- */

static void loans_due_soon(void **state)
{
	struct tl_fixture *f = F(state);
	struct crdt_replica *o = member(f, "Owner", 60, "Elm 12", NULL);
	struct crdt_replica *b = member(f, "Borrower", 61, "Elm 12", NULL);
	struct crdt_replica *obs = tl_open(f, "obs", 0);
	struct crdt_replica *all[] = { o, b };
	struct tl_rec i1, i2, i3, i4, i5;
	struct rows rs = { { "title", "role", "counterpart_name", "overdue",
			     NULL }, "", 0 };
	struct crdt_op op;
	uint64_t seq;

	item(o, "Drill", NULL, 1, NULL, &i1);
	item(o, "Ladder", NULL, 1, NULL, &i2);
	item(o, "Tent", NULL, 1, NULL, &i3);
	item(o, "Saw", NULL, 1, NULL, &i4);
	item(b, "Bike", NULL, 1, NULL, &i5);
#define LEND(r, it, to, due)                                                  \
	do {                                                                  \
		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_LOAN);              \
		TL_OK(crdt_op_set_bytes(&op, F_LOAN_ITEM, (it).id, 16));    \
		TL_OK(crdt_op_set_bytes(&op, F_LOAN_BORROWER, (to), 32));   \
		TL_OK(crdt_op_set_int(&op, F_LOAN_DUE, (due)));             \
		TL_OK(tl_commit((r), &op, 1, &seq));                        \
	} while (0)
	LEND(o, i1, b->id.pk, NOW - 2 * DAY);  /* overdue */
	LEND(o, i2, b->id.pk, NOW + DAY);      /* due soon */
	LEND(o, i3, b->id.pk, NOW + 10 * DAY); /* later */
	LEND(o, i4, b->id.pk, NOW + DAY);      /* returned */
	{
		uint8_t loan[CRDT_ID_LEN];

		crdt_record_id(loan, o->id.pk, seq, 0);
		TL_OK(tl_ref_int(o, CRDT_R_LOAN, loan, F_LOAN_RETURNED, 1));
	}
	LEND(b, i1, b->id.pk, NOW); /* not the owner's: no loan at all */
	LEND(b, i5, o->id.pk, NOW + 2 * DAY); /* Borrower lends to Owner */
	gather(obs, all, 2);

	TL_OK(crdt_loans_due(obs->store, b->id.pk, NOW, CRDT_LOANS_DUE_WITHIN,
			     collect, &rs));
	expect_text(&rs,
		    "Drill|borrowed|Owner|1\n"
		    "Ladder|borrowed|Owner|0\n"
		    "Bike|lent|Owner|0\n",
		    "the borrower's loans due within 3 days or overdue");
	memset(rs.text, 0, sizeof rs.text);
	TL_OK(crdt_loans_due(obs->store, o->id.pk, NOW, CRDT_LOANS_DUE_WITHIN,
			     collect, &rs));
	expect_text(&rs,
		    "Drill|lent|Borrower|1\n"
		    "Ladder|lent|Borrower|0\n"
		    "Bike|borrowed|Borrower|0\n",
		    "the owner's side of the same loans");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(hours_ledger_and_balance),
		T(hours_agree_with_members),
		T(inventory_totals),
		T(volunteers_filter),
		T(match_ranking),
		T(match_words),
		T(loans_due_soon),
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
