/*
 * test_action_needs.c - what coordinators read (action/needs.h,
 * action/sheet.h, action/names.h): inventory, volunteers, match, the
 * notice sheet's sections and contacts, members shown by name; every
 * refusal, and that reading never writes.
 */
#include <stdio.h>
#include <string.h>

#include "action/names.h"
#include "action/needs.h"
#include "action/sheet.h"
#include "tests/testlib.h"

static int count_row(void *ctx, const struct crdt_row *r)
{
	(void)r;
	++*(int *)ctx;
	return 0;
}

/* The acting member posts an emergency supply. */
static void resource(struct action *a, const char *title, const char *cat,
		     int64_t qty)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_int(&op, F_ITEM_KIND, 6)); /* resource */
	TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, title));
	TL_OK(crdt_op_set_text(&op, F_ITEM_CATEGORY, cat));
	TL_OK(crdt_op_set_int(&op, F_ITEM_QUANTITY, qty));
	TL_OK(crdt_op_finish(&op));
	TL_OK(action_commit(a, &op, 1, NULL, "cannot save"));
}

/* The acting member's profile: building and skills. */
static void profile(struct action *a, const char *building,
		    const char *skills)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&op, F_MEMBER_BUILDING, building));
	if (skills)
		TL_OK(crdt_op_set_text(&op, F_MEMBER_SKILLS, skills));
	TL_OK(crdt_op_finish(&op));
	TL_OK(action_commit(a, &op, 1, NULL, "cannot save"));
}

static void inventory_totals_and_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	char big[CRDT_MAX_TEXT + 2];
	int64_t before;
	int n = 0;

	profile(alice, "Elm 12", NULL);
	resource(alice, "Water", "water", 10);
	resource(alice, "More water", "water", 5);
	before = tl_changes(alice);
	TL_OK(action_needs_inventory(alice, NULL, count_row, &n));
	TL_EQ(n, 1, "two posts of one category and building: one row");
	n = 0;
	TL_OK(action_needs_inventory(alice, "elm 12", count_row, &n));
	TL_EQ(n, 1, "a building compares case-insensitively");
	n = 0;
	TL_OK(action_needs_inventory(alice, "Nowhere", count_row, &n));
	TL_EQ(n, 0, "an unknown building has no supplies");
	n = 0;
	TL_OK(action_needs_inventory_totals(alice, count_row, &n));
	TL_EQ(n, 1, "the totals over every building");

	TL_RC(action_needs_inventory(alice, "", count_row, &n), KITH_EINVAL);
	TL_CHECK(!strcmp(alice->msg, "the building name cannot be empty"),
		 "'%s'", alice->msg);
	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = 0;
	TL_RC(action_needs_inventory(alice, big, count_row, &n), KITH_EINVAL);
	TL_CHECK(strstr(alice->msg, "the building name is too long") != NULL,
		 "'%s'", alice->msg);
	TL_EQ(tl_changes(alice), before, "reading wrote nothing");
}

struct first_ctx {
	char name[64];
	int n;
};

static int first_name(void *ctx, const struct crdt_row *r)
{
	struct first_ctx *fc = ctx;

	if (!fc->n++)
		snprintf(fc->name, sizeof fc->name, "%s",
			 crdt_row_get(r, "name")->s);
	return 0;
}

static void volunteers_nearest_first_and_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action *chloe = tl_member(f, "Chloe");
	struct first_ctx fc = { "", 0 };
	char big[CRDT_MAX_TEXT + 2];
	int n = 0;

	profile(bob, "Aspen 1", "nurse, first aid");
	profile(chloe, "Oak 3", "nursing");
	profile(alice, "Oak 3", NULL);
	tl_member_sync(alice, bob);
	tl_member_sync(alice, chloe);
	TL_OK(action_needs_volunteers(alice, "nurs", NULL, first_name, &fc));
	TL_EQ(fc.n, 2, "both nurses");
	TL_CHECK(!strcmp(fc.name, "Chloe"),
		 "Alice's own building first: got '%s'", fc.name);
	TL_OK(action_needs_volunteers(alice, "first aid", NULL, count_row,
				      &n));
	TL_EQ(n, 1, "every word of the skill must occur");
	n = 0;
	TL_OK(action_needs_volunteers(alice, NULL, "aspen 1", count_row, &n));
	TL_EQ(n, 1, "one building");

	TL_RC(action_needs_volunteers(alice, "", NULL, count_row, &n),
	      KITH_EINVAL);
	TL_CHECK(!strcmp(alice->msg, "the skill to look for cannot be empty"),
		 "'%s'", alice->msg);
	memset(big, 's', sizeof big - 1);
	big[sizeof big - 1] = 0;
	TL_RC(action_needs_volunteers(alice, big, NULL, count_row, &n),
	      KITH_EINVAL);
	TL_CHECK(strstr(alice->msg, "the skill to look for is too long"),
		 "'%s'", alice->msg);
	TL_RC(action_needs_volunteers(alice, NULL, "", count_row, &n),
	      KITH_EINVAL);
	TL_CHECK(!strcmp(alice->msg, "the building name cannot be empty"),
		 "'%s'", alice->msg);
}

struct match_count {
	int wishes, items, vols, ends;
};

static int mw(void *ctx, const struct crdt_row *r)
{
	(void)r;
	((struct match_count *)ctx)->wishes++;
	return 0;
}

static int mi(void *ctx, const struct crdt_row *r)
{
	(void)r;
	((struct match_count *)ctx)->items++;
	return 0;
}

static int mv(void *ctx, const struct crdt_row *r)
{
	(void)r;
	((struct match_count *)ctx)->vols++;
	return 0;
}

static int me(void *ctx)
{
	((struct match_count *)ctx)->ends++;
	return 0;
}

static void match_proposes_and_refuses(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct match_count m = { 0, 0, 0, 0 };
	struct crdt_match_out out = { mw, mi, mv, me, &m };
	struct tl_rec ladder, gone;
	char hex[2 * CRDT_ID_LEN + 1], digest[65], after[65];

	TL_OK(tl_wish(&alice->r, "Ladder for the roof", &ladder));
	TL_OK(tl_wish(&alice->r, "Old boxes", &gone));
	TL_OK(tl_own_int(&alice->r, &gone, F_WISH_WITHDRAWN, 1));
	TL_OK(tl_item(&bob->r, "Aluminium ladder", NULL));
	profile(bob, "Elm 12", "roof repairs, ladder work");
	tl_member_sync(alice, bob);
	TL_OK(tl_digest(&alice->r, digest));

	TL_OK(action_needs_match(alice, NULL, ACTION_MATCH_DEFAULT_WISHES,
				 &out));
	TL_EQ(m.wishes, 1, "only the open wish");
	TL_EQ(m.items, 1, "Bob's ladder for the ladder wish");
	TL_EQ(m.vols, 1, "Bob's ladder work");
	TL_EQ(m.ends, 1, "end once per wish");
	memset(&m, 0, sizeof m);
	crdt_hex(hex, ladder.id, CRDT_ID_LEN);
	hex[8] = 0;
	TL_OK(action_needs_match(alice, hex, 1, &out));
	TL_EQ(m.wishes, 1, "one wish by its id prefix");

	TL_RC(action_needs_match(alice, NULL, 0, &out), KITH_EINVAL);
	TL_CHECK(!strcmp(alice->msg, "the number of wishes to match must be "
				     "from 1 to 1000, not 0"),
		 "'%s'", alice->msg);
	TL_RC(action_needs_match(alice, NULL, ACTION_MATCH_MAX_WISHES + 1,
				 &out),
	      KITH_EINVAL);
	TL_RC(action_needs_match(alice, "abcdef12", 1, &out), KITH_ENOTFOUND);
	TL_CHECK(!strcmp(alice->msg, "no wish with id 'abcdef12' (see 'kith "
				     "wish list')"),
		 "'%s'", alice->msg);
	TL_RC(action_needs_match(alice, "abc", 1, &out), KITH_EINVAL);
	TL_CHECK(strstr(alice->msg, "too short") != NULL, "'%s'", alice->msg);
	crdt_hex(hex, gone.id, CRDT_ID_LEN);
	hex[10] = 0;
	memset(&m, 0, sizeof m);
	TL_RC(action_needs_match(alice, hex, 1, &out), KITH_EINVAL);
	TL_CHECK(strstr(alice->msg, "is withdrawn: there is nothing left to "
				    "match") &&
			 strstr(alice->msg, hex),
		 "'%s'", alice->msg);
	TL_EQ(m.wishes, 0, "a refused match hands out nothing");
	TL_OK(tl_digest(&alice->r, after));
	TL_CHECK(!strcmp(digest, after), "matching wrote nothing");
}

static void names_or_short_ids(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	uint8_t stranger[CRDT_PK_LEN];
	char hex[2 * CRDT_PK_LEN + 1];
	struct action_person p;

	tl_member_sync(alice, bob);
	action_person(alice, bob->r.id.pk, &p);
	TL_EQ(p.named, 1, "Bob has a name");
	TL_CHECK(!strcmp(p.label, "Bob"), "'%s'", p.label);
	crdt_hex(hex, alice->r.id.pk, CRDT_PK_LEN);
	action_person_hex(bob, hex, &p);
	TL_EQ(p.named, 1, "by hex too");
	TL_CHECK(!strcmp(p.label, "Alice"), "'%s'", p.label);
	memset(stranger, 0x5a, sizeof stranger);
	action_person(alice, stranger, &p);
	TL_EQ(p.named, 0, "a stranger has no name here");
	TL_CHECK(!strcmp(p.label, "5a5a5a5a"), "a short id: '%s'", p.label);
	action_person_hex(alice, "not hex", &p);
	TL_EQ(p.named, 0, "not a key");
	TL_CHECK(!strcmp(p.label, "not hex"), "shown as it is: '%s'",
		 p.label);
}

struct sec_ctx {
	struct action *a;
	char first[64];
	int n, wishes, items, roll;
};

static int sec_row(void *ctx, const struct crdt_row *r)
{
	struct sec_ctx *s = ctx;
	const char *b = crdt_row_get(r, "building")->s;
	int rc;

	if (!s->n++)
		snprintf(s->first, sizeof s->first, "%s", b ? b : "");
	rc = action_sheet_wishes(s->a, b, count_row, &s->wishes);
	if (!rc)
		rc = action_sheet_items(s->a, b, count_row, &s->items);
	if (!rc)
		rc = action_sheet_roll(s->a, b, count_row, &s->roll);
	return rc;
}

static void sheet_sections_contacts_and_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_sheet sh;
	struct sec_ctx s = { alice, "", 0, 0, 0, 0 };
	int64_t before;
	int n = 0;

	/* an empty community still gets one page */
	TL_OK(action_sheet_begin(alice, &sh));
	TL_OK(action_sheet_sections(alice, &sh, NULL, sec_row, &s));
	TL_EQ(sh.sections, 1, "one empty page");
	TL_CHECK(!strcmp(s.first, ""), "the whole neighbourhood");
	TL_EQ(sh.ncontacts, 1, "the founding coordinator");
	TL_CHECK(!strcmp(sh.contacts[0].name, "Alice") &&
			 sh.contacts[0].role == CRDT_ROLE_COORDINATOR,
		 "Alice to ask");
	action_sheet_end(alice, &sh);

	profile(bob, "Elm 12", NULL);
	TL_OK(tl_wish(&bob->r, "Soup", NULL));
	TL_OK(tl_item(&bob->r, "Ladder", NULL));
	tl_member_sync(alice, bob);
	before = tl_changes(alice);
	memset(&s, 0, sizeof s);
	s.a = alice;
	TL_OK(action_sheet_begin(alice, &sh));
	TL_OK(action_sheet_sections(alice, &sh, NULL, sec_row, &s));
	TL_EQ(sh.sections, 2, "Elm 12, then the whole neighbourhood");
	TL_CHECK(!strcmp(s.first, "Elm 12"), "'%s'", s.first);
	TL_EQ(s.wishes, 1, "Bob's wish on Elm 12's page");
	TL_EQ(s.items, 1, "Bob's ladder on Elm 12's page");
	TL_CHECK(s.roll >= 1, "Bob on a check-in list");
	sh.sections = 0;
	TL_RC(action_sheet_sections(alice, &sh, "Atlantis", sec_row, &s),
	      KITH_ENOTFOUND);
	TL_CHECK(!strcmp(alice->msg, "no building 'Atlantis' (see 'kith "
				     "members')"),
		 "'%s'", alice->msg);
	TL_RC(action_sheet_sections(alice, &sh, "", sec_row, &s), KITH_EINVAL);
	action_sheet_end(alice, &sh);

	TL_OK(action_report_begin(alice));
	TL_OK(action_report_table(alice, CRDT_REPORT_WISHES, NULL, count_row,
				  &n));
	TL_EQ(n, 1, "the wishes table");
	TL_RC(action_report_table(alice, CRDT_REPORT_NTABLES, NULL, count_row,
				  &n),
	      KITH_EINVAL);
	action_report_end(alice);
	TL_EQ(tl_changes(alice), before, "printing wrote nothing");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(inventory_totals_and_refusals),
		T(volunteers_nearest_first_and_refusals),
		T(match_proposes_and_refuses),
		T(names_or_short_ids),
		T(sheet_sections_contacts_and_refusals),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
