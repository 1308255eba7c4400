/*
 * test_action_sheet.c - the report's CSV (action/sheet.h): the bytes the
 * CLI writes and the web app sends, with formulas neutralised, and the
 * tables found by name; a capped table refused whole; the sheet of one
 * section read alone; the index of buildings; who to ask.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/coord.h"
#include "action/i18n.h"
#include "action/sheet.h"
#include "action/wish.h"
#include "tests/testlib.h"

static void post(struct action *a, const char *title)
{
	struct action_wish_fields w;
	struct action_wish_result r;

	action_wish_fields_init(&w);
	w.title = title;
	TL_OK(action_wish_add(a, &w, &r));
}

static void csv_of(struct action *a, enum crdt_report_table t, char **buf,
		   size_t *len, long *rows)
{
	TL_OK(action_report_begin(a));
	TL_OK(action_report_csv(a, t, buf, len, rows));
	action_report_end(a);
}

static void csv_wishes(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	char *buf = NULL;
	size_t len = 0;
	long rows = -1;

	csv_of(alice, CRDT_REPORT_WISHES, &buf, &len, &rows);
	TL_EQ(rows, 0, "no wishes yet");
	TL_CHECK(buf && len > 2 && !strcmp(buf + len - 2, "\r\n") &&
			 strchr(buf, '\n') == buf + len - 1,
		 "one header line ending in CRLF: '%s'", buf ? buf : "");
	TL_CHECK(strncmp(buf, "id,", 3) == 0 || strstr(buf, "title"),
		 "English column names: '%s'", buf);
	free(buf);

	post(alice, "=HYPERLINK(\"http://x\")");
	post(alice, "+1 soup");
	post(alice, "-2 bread");
	post(alice, "@sum rice");
	post(alice, "plain, with a comma");
	post(alice, "Tea");
	csv_of(alice, CRDT_REPORT_WISHES, &buf, &len, &rows);
	TL_EQ(rows, 6, "six wishes");
	TL_CHECK(strstr(buf, ",\"'=HYPERLINK(\"\"http://x\"\")\",") != NULL,
		 "a formula is quoted with an apostrophe: '%s'", buf);
	TL_CHECK(strstr(buf, "\"'+1 soup\"") && strstr(buf, "\"'-2 bread\"") &&
			 strstr(buf, "\"'@sum rice\""),
		 "+ - @ neutralised too: '%s'", buf);
	TL_CHECK(strstr(buf, ",\"plain, with a comma\",") != NULL,
		 "a comma is quoted, without an apostrophe: '%s'", buf);
	TL_CHECK(strstr(buf, ",Tea,") != NULL, "plain text is bare: '%s'",
		 buf);
	TL_CHECK(strstr(buf, "\n=") == NULL && strstr(buf, ",=") == NULL &&
			 strstr(buf, ",+") == NULL && strstr(buf, ",-") == NULL &&
			 strstr(buf, ",@") == NULL,
		 "no cell starts with a formula character: '%s'", buf);
	free(buf);
}

static void csv_lookup(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	char *buf = (char *)1;
	size_t len = 1;

	(void)alice;
	TL_EQ(action_report_lookup("items"), CRDT_REPORT_ITEMS, "items");
	TL_EQ(action_report_lookup("hours"), CRDT_REPORT_HOURS, "hours");
	TL_EQ(action_report_lookup("passwords"), -1, "unknown");
	TL_EQ(action_report_lookup(""), -1, "empty");
	TL_OK(action_report_begin(alice));
	TL_RC(action_report_csv(alice, CRDT_REPORT_NTABLES, &buf, &len, NULL),
	      KITH_EINVAL);
	action_report_end(alice);
	TL_CHECK(buf == NULL && len == 0, "nothing handed back on failure");
}

static void coordinator_pages(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_person who;

	TL_OK(action_coord_require(alice));
	TL_RC(action_coord_require(bob), KITH_EDENIED);
	TL_CHECK(strstr(bob->msg, "only coordinators can see this page") ==
			 bob->msg,
		 "the refusal says who may: '%s'", bob->msg);
	tl_member_sync(alice, bob);
	TL_OK(action_coord_role_grant(alice, "Bob", CRDT_ROLE_COORDINATOR,
				      NULL, &who));
	tl_member_sync(alice, bob);
	TL_OK(action_coord_require(bob));
}

/* The acting member's building. */
static void live_in(struct action *a, const char *building)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&op, F_MEMBER_BUILDING, building));
	TL_OK(crdt_op_finish(&op));
	TL_OK(action_commit(a, &op, 1, NULL, "cannot save"));
}

static void csv_capped(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	char *buf = (char *)"x";
	size_t len = 1;
	int i;

	for (i = 0; i < 20; i++)
		post(alice, "A wish with a title long enough to fill a row");
	TL_OK(action_report_begin(alice));
	TL_RC(action_report_csv_max(alice, CRDT_REPORT_WISHES, 512, &buf,
				    &len, NULL),
	      KITH_ETOOBIG);
	TL_CHECK(buf == NULL && len == 0, "nothing handed back when too big");
	TL_CHECK(strstr(alice->msg, "kith report --csv") != NULL,
		 "the refusal says what to run: '%s'", alice->msg);
	TL_OK(action_report_csv_max(alice, CRDT_REPORT_WISHES, 1 << 20, &buf,
				    &len, NULL));
	TL_CHECK(len > 512 && buf, "under the cap the table comes whole");
	free(buf);
	action_report_end(alice);
}

struct titles {
	char text[512];
	int n;
};

static int title_row(void *ctx, const struct crdt_row *r)
{
	struct titles *t = ctx;

	t->n++;
	strncat(t->text, action_col_text(r, "title"),
		sizeof t->text - strlen(t->text) - 1);
	strncat(t->text, ";", sizeof t->text - strlen(t->text) - 1);
	return 0;
}

static int building_row(void *ctx, const struct crdt_row *r)
{
	struct titles *t = ctx;

	t->n++;
	snprintf(t->text + strlen(t->text), sizeof t->text - strlen(t->text),
		 "%s=%lld;", action_col_text(r, "building"),
		 (long long)action_col_int(r, "members"));
	return 0;
}

static void ask_row(void *ctx, const char *who)
{
	struct titles *t = ctx;

	t->n++;
	strncat(t->text, who, sizeof t->text - strlen(t->text) - 1);
}

static void one_section(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action_sheet sh;
	struct titles t = { "", 0 };

	live_in(alice, "Oak 3");
	post(alice, "Soup");
	TL_OK(action_sheet_buildings(alice, building_row, &t));
	TL_CHECK(t.n == 1 && !strcmp(t.text, "Oak 3=1;"),
		 "the index: one building, one member: '%s'", t.text);

	TL_OK(action_sheet_begin_section(alice, &sh, "oak 3"));
	memset(&t, 0, sizeof t);
	TL_OK(action_sheet_sections(alice, &sh, "oak 3", title_row, &t));
	TL_EQ(t.n, 1, "one section for the building, any case");
	memset(&t, 0, sizeof t);
	TL_OK(action_sheet_wishes(alice, "oak 3", title_row, &t));
	TL_CHECK(t.n == 1 && !strcmp(t.text, "Soup;"),
		 "the building's open wish: '%s'", t.text);
	memset(&t, 0, sizeof t);
	TL_EQ(action_sheet_ask(&sh, "Oak 3", ask_row, &t), 1, "one to ask");
	TL_CHECK(!strcmp(t.text, "Alice (coordinator, Oak 3)"),
		 "the coordinator with her building: '%s'", t.text);
	TL_CHECK(!strncmp(action_sheet_ask_tail(1), ". No computer?", 14),
		 "the sentence after them");
	TL_CHECK(!strncmp(action_sheet_ask_tail(0), "No computer?", 12),
		 "the sentence without anyone");
	action_sheet_end(alice, &sh);

	TL_OK(action_sheet_begin_section(alice, &sh, ""));
	memset(&t, 0, sizeof t);
	TL_OK(action_sheet_whole(alice, &sh, title_row, &t));
	TL_EQ(t.n, 1, "the whole neighbourhood's section alone");
	memset(&t, 0, sizeof t);
	TL_OK(action_sheet_wishes(alice, "", title_row, &t));
	TL_EQ(t.n, 0, "Oak 3's wish is not the neighbourhood's");
	action_sheet_end(alice, &sh);

	TL_OK(action_sheet_begin_section(alice, &sh, "Atlantis"));
	TL_RC(action_sheet_sections(alice, &sh, "Atlantis", title_row, &t),
	      KITH_ENOTFOUND);
	action_sheet_end(alice, &sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(csv_wishes),
		T(csv_lookup),
		T(coordinator_pages),
		T(csv_capped),
		T(one_section),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
